//! `generate` covers the ground the reader covers (issue #14, item 7):
//! subject attributes by name or dotted OID, RFC 4514 `#hex` values, the
//! EV and eIDAS types, `;` between RDNs, quoting; the CN's trailing dot
//! and IDN rules; challengePassword (never stored), unstructuredName,
//! must-staple and `--extension`. OpenSSL and Python `cryptography` are
//! the oracles; every input is made here.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output};

use support::*;

/// Runs `generate NAME --no-passphrase ARGS` and returns the CSR path,
/// after OpenSSL verified it.
fn generate(ks: &Ks, name: &str, args: &[&str]) -> PathBuf {
    let o = ks
        .cmd()
        .args(["generate", name, "--no-passphrase", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    let csr = ks.csr_path(name);
    assert_verifies(&csr);
    csr
}

/// Runs `generate` expecting exit 2 naming `field`, with the keystore untouched.
fn refused(ks: &Ks, args: &[&str], field: &str) -> String {
    let before = ks.snapshot();
    let o = ks
        .cmd()
        .args(["generate", "--no-passphrase"])
        .args(args)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(
        err.starts_with(&format!("error: {field}")),
        "{args:?}: {err}"
    );
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_same(&before, &ks.snapshot(), &format!("{args:?}"));
    err
}

/// A CSR OpenSSL makes itself with `-subj` (slash form, DER order).
fn openssl_csr(ks: &Ks, subj: &str) -> PathBuf {
    let dir = ks.dir.path();
    let key = dir.join("openssl-key.pem");
    if !key.exists() {
        let o = openssl(
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                key.to_str().unwrap(),
            ],
            None,
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let cnf = ks.file("min.cnf", b"[req]\ndistinguished_name=dn\n[dn]\n");
    let out = dir.join("openssl-req.pem");
    let o = openssl(
        &[
            "req",
            "-new",
            "-utf8",
            "-key",
            key.to_str().unwrap(),
            "-config",
            cnf.to_str().unwrap(),
            "-subj",
            subj,
            "-out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{subj}: {}", stderr(&o));
    out
}

/// The subject's AVAs as `openssl asn1parse` prints them (type and
/// encoded value), offsets left out: equal lists mean equal encodings.
fn subject_asn1(csr: &Path) -> Vec<String> {
    let o = openssl(&["asn1parse", "-in", csr.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
        .lines()
        .take_while(|l| {
            !l.contains("BIT STRING")
                && !l.contains(":id-ecPublicKey")
                && !l.contains(":rsaEncryption")
        })
        .filter(|l| l.contains("d=5"))
        .map(|l| l.split_once("d=5").unwrap().1.trim().to_string())
        .collect()
}

fn asn1(csr: &Path) -> String {
    let o = openssl(&["asn1parse", "-in", csr.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

/// Python `cryptography` on the CSR: runs `code` with `csr` loaded;
/// `None` (after a note) when it is not installed.
fn python(csr: &Path, code: &str) -> Option<Output> {
    let probe = StdCommand::new("python3")
        .args(["-c", "import cryptography.x509"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        missing_tool("Python cryptography");
        return None;
    }
    let script = format!(
        "import sys\nfrom cryptography import x509\nfrom cryptography.x509.oid import ObjectIdentifier as O\n\
         csr = x509.load_pem_x509_csr(open(sys.argv[1], 'rb').read())\nassert csr.is_signature_valid\n{code}\n"
    );
    let o = StdCommand::new("python3")
        .args(["-c", &script, csr.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "python: {}{}", stdout(&o), stderr(&o));
    Some(o)
}

#[test]
fn eidas_and_ev_attributes_encode_as_openssl_does() {
    let ks = Ks::new();
    let ours = generate(
        &ks,
        "ev",
        &[
            "--subject",
            "CN=ev.example.com,2.5.4.97=VATDE-123456789,serialNumber=HRB 12345,\
             businessCategory=Private Organization,jurisdictionC=de,jurisdictionST=Bayern,\
             jurisdictionL=Munich,GN=Jane+SN=Doe,pseudonym=jd,title=Director,O=Example GmbH,C=DE",
        ],
    );
    let theirs = openssl_csr(
        &ks,
        "/C=DE/O=Example GmbH/title=Director/pseudonym=jd/GN=Jane+SN=Doe/jurisdictionL=Munich/\
         jurisdictionST=Bayern/jurisdictionC=DE/businessCategory=Private Organization/\
         serialNumber=HRB 12345/organizationIdentifier=VATDE-123456789/CN=ev.example.com",
    );
    assert_eq!(req_subject(&ours), req_subject(&theirs));
    assert_eq!(subject_asn1(&ours), subject_asn1(&theirs));
    let parsed = subject_asn1(&ours);
    assert!(
        parsed
            .iter()
            .any(|l| l.contains("PRINTABLESTRING") && l.ends_with(":DE")),
        "{parsed:?}"
    );
    assert!(req_subject(&ours).contains("organizationIdentifier=VATDE-123456789"));
    python(
        &ours,
        "a = csr.subject.get_attributes_for_oid(O('2.5.4.97'))[0]\n\
         assert a.value == 'VATDE-123456789', a\n\
         j = csr.subject.get_attributes_for_oid(O('1.3.6.1.4.1.311.60.2.1.3'))[0]\n\
         assert j.value == 'DE' and j._type.name == 'PrintableString', j",
    );
}

#[test]
fn semicolons_separate_rdns_and_escaped_ones_do_not() {
    let ks = Ks::new();
    let semi = generate(
        &ks,
        "semi",
        &["--subject", "CN=app.example.com;OU=IT;O=Example Org"],
    );
    let comma = generate(
        &ks,
        "comma",
        &["--subject", "CN=app.example.com,OU=IT,O=Example Org"],
    );
    let theirs = openssl_csr(&ks, "/O=Example Org/OU=IT/CN=app.example.com");
    assert_eq!(req_subject(&semi), "CN=app.example.com,OU=IT,O=Example Org");
    assert_eq!(subject_asn1(&semi), subject_asn1(&theirs));
    assert_eq!(subject_asn1(&semi), subject_asn1(&comma));
    assert!(req_text(&semi).contains("DNS:app.example.com"));

    // An escaped ';' is text; a quoted value (RFC 1779) keeps its ',' and ';'.
    let esc = generate(
        &ks,
        "esc",
        &[
            "--subject",
            "CN=esc.example.com,O=A\\;B,OU=\"Sales, EMEA; North\"",
        ],
    );
    let theirs = openssl_csr(&ks, "/OU=Sales, EMEA; North/O=A;B/CN=esc.example.com");
    assert_eq!(subject_asn1(&esc), subject_asn1(&theirs));
    assert_eq!(subject_asn1(&esc).len(), 6, "{:?}", subject_asn1(&esc));
}

#[test]
fn oid_types_and_hex_values() {
    let ks = Ks::new();
    let csr = generate(
        &ks,
        "hex",
        &[
            "--subject",
            "CN=hex.example.com,1.3.6.1.4.1.99999.1=#0c03616263,O=#13074578616d706c65,2.5.4.11=Ops",
        ],
    );
    let parsed = subject_asn1(&csr);
    // An unnamed OID's text value is a UTF8String; #hex is written as given.
    assert!(
        parsed
            .iter()
            .any(|l| l.contains("OBJECT") && l.ends_with(":1.3.6.1.4.1.99999.1")),
        "{parsed:?}"
    );
    assert!(
        parsed
            .iter()
            .any(|l| l.contains("UTF8STRING") && l.ends_with(":abc")),
        "{parsed:?}"
    );
    assert!(
        parsed
            .iter()
            .any(|l| l.contains("PRINTABLESTRING") && l.ends_with(":Example")),
        "{parsed:?}"
    );
    assert!(req_subject(&csr).contains("OU=Ops"));
    python(
        &csr,
        "a = csr.subject.get_attributes_for_oid(O('1.3.6.1.4.1.99999.1'))[0]\n\
         assert a.value == 'abc', a\n\
         o = csr.subject.get_attributes_for_oid(O('2.5.4.10'))[0]\n\
         assert o.value == 'Example' and o._type.name == 'PrintableString', o",
    );

    // What record.json keeps makes the same CSR on regenerate.
    let o = ks.cmd().args(["regenerate", "hex"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(subject_asn1(&ks.csr_path("hex")), parsed);

    for bad in [
        "CN=x.example.com,O=#0c04616263",   // length past the end
        "CN=x.example.com,O=#0c0361626300", // a byte after the value
        "CN=x.example.com,O=#0c036",        // odd digits
        "CN=x.example.com,O=#zz",
        "CN=x.example.com,O=#020105", // an INTEGER OpenSSL refuses in a name
        "CN=x.example.com,O=#",
        "CN=x.example.com,nosuchtype=a",
        "CN=x.example.com,O=\"unterminated",
        "CN=x.example.com;;O=a",
    ] {
        refused(&ks, &["--subject", bad], "--subject");
    }
}

#[test]
fn a_trailing_dot_cn_gets_the_dns_rule() {
    let ks = Ks::new();
    let dns = refused(&ks, &["--cn", "x", "--dns", "app.example.com."], "--dns");
    assert!(dns.contains("trailing dot"), "{dns}");
    let cn = refused(&ks, &["--cn", "app.example.com."], "--common-name");
    assert!(cn.contains("trailing dot"), "{cn}");
    let dn = refused(&ks, &["--subject", "CN=app.example.com.,O=x"], "--subject");
    assert!(dn.contains("trailing dot"), "{dn}");
    // Not a hostname: a dot ends a name like any other character.
    let csr = generate(&ks, "inc", &["--cn", "Example Inc."]);
    assert_eq!(req_subject(&csr), "CN=Example Inc.");
}

#[test]
fn an_idn_cn_and_its_default_san_hold_the_same_a_label() {
    let ks = Ks::new();
    let csr = generate(&ks, "idn", &["--cn", "bücher.example"]);
    assert_eq!(req_subject(&csr), "CN=xn--bcher-kva.example");
    assert!(req_text(&csr).contains("DNS:xn--bcher-kva.example"));
    // The same when the CN names one of the SANs given.
    let csr = generate(
        &ks,
        "idn2",
        &[
            "--cn",
            "bücher.example",
            "--dns",
            "bücher.example",
            "--dns",
            "www.example",
        ],
    );
    assert_eq!(req_subject(&csr), "CN=xn--bcher-kva.example");
    python(
        &csr,
        "cn = csr.subject.get_attributes_for_oid(O('2.5.4.3'))[0].value\n\
         san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value\n\
         assert cn in san.get_values_for_type(x509.DNSName), (cn, san)",
    );
    // A person's name is left alone.
    let csr = generate(
        &ks,
        "person",
        &["--cn", "Jürgen Müller", "--email", "j@example.com"],
    );
    assert!(!req_subject(&csr).contains("xn--"), "{}", req_subject(&csr));
}

#[test]
fn challenge_password_from_file_and_env_is_never_stored() {
    let ks = Ks::new();
    let secret = "Ch4llenge-0f-the-day";
    let file = ks.file("cpw", format!("{secret}\nsecond line\n").as_bytes());
    let csr = generate(
        &ks,
        "cpf",
        &[
            "--cn",
            "cpf.example.com",
            "--challenge-password-file",
            file.to_str().unwrap(),
        ],
    );
    assert!(
        req_text(&csr).contains(&format!("challengePassword        :{secret}")),
        "{}",
        req_text(&csr)
    );
    let o = ks
        .cmd()
        .env("MY_CHALLENGE", "env-Challenge-42")
        .args([
            "generate",
            "cpe",
            "--cn",
            "cpe.example.com",
            "--no-passphrase",
            "--challenge-password-env",
            "MY_CHALLENGE",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(req_text(&ks.csr_path("cpe")).contains("challengePassword        :env-Challenge-42"));
    assert!(!stdout(&o).contains("env-Challenge-42") && !stderr(&o).contains("env-Challenge-42"));
    python(&csr, &format!("a = csr.attributes.get_attribute_for_oid(O('1.2.840.113549.1.9.7'))\nassert a.value == b'{secret}', a"));

    // Only the CSR itself carries it: no file of the keystore holds its
    // text (record.json in particular), and show redacts it.
    let regen = ks.cmd().args(["regenerate", "cpf"]).output().unwrap();
    assert!(regen.status.success(), "{}", stderr(&regen));
    assert!(
        stderr(&regen).contains("challengePassword"),
        "{}",
        stderr(&regen)
    );
    assert!(!req_text(&ks.csr_path("cpf")).contains("challengePassword"));
    for (path, bytes) in walk(&ks.root()) {
        let t = String::from_utf8_lossy(&bytes);
        for s in [secret, "env-Challenge-42"] {
            assert!(
                !t.contains(s),
                "{} holds the challenge password",
                path.display()
            );
        }
    }
    let show = ks.cmd().args(["show", "cpe"]).output().unwrap();
    assert!(
        !stdout(&show).contains("env-Challenge-42"),
        "{}",
        stdout(&show)
    );

    // Never from argv, never from a body; a prompt needs a terminal.
    let e = refused(
        &ks,
        &["--cn", "a.example.com", "--challenge-password", "x"],
        "",
    );
    assert!(e.contains("--challenge-password"), "{e}");
    let body = ks.file(
        "body.json",
        br#"{"common_name":"b.example.com","challenge_password":"x"}"#,
    );
    refused(&ks, &["--request", body.to_str().unwrap()], "--request");
    refused(
        &ks,
        &["--cn", "c.example.com", "--challenge-password-prompt"],
        "--challenge-password-prompt",
    );
    refused(
        &ks,
        &[
            "--cn",
            "c.example.com",
            "--challenge-password-env",
            "CSRKIT_NO_SUCH_VAR",
        ],
        "--challenge-password-env",
    );
    let empty = ks.file("empty", b"\n");
    refused(
        &ks,
        &[
            "--cn",
            "c.example.com",
            "--challenge-password-file",
            empty.to_str().unwrap(),
        ],
        "--challenge-password-file",
    );
}

fn walk(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.file_name().is_some_and(|n| n != "csr.pem") {
            out.push((p.clone(), std::fs::read(&p).unwrap()));
        }
    }
    out
}

#[test]
fn unstructured_name_is_encoded_as_openssl_writes_it() {
    let ks = Ks::new();
    let csr = generate(
        &ks,
        "un",
        &["--cn", "un.example.com", "--unstructured-name", "unit 7"],
    );
    assert!(
        req_text(&csr).contains("unstructuredName         :unit 7"),
        "{}",
        req_text(&csr)
    );
    let cnf = ks.file("attr.cnf", b"[req]\ndistinguished_name=dn\nattributes=ra\nprompt=no\n[dn]\nCN=un.example.com\n[ra]\nunstructuredName=unit 7\n");
    let key = ks.dir.path().join("k.pem");
    openssl(
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            key.to_str().unwrap(),
        ],
        None,
    );
    let theirs = ks.dir.path().join("theirs.pem");
    let o = openssl(
        &[
            "req",
            "-new",
            "-key",
            key.to_str().unwrap(),
            "-config",
            cnf.to_str().unwrap(),
            "-out",
            theirs.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let line = |p: &Path| {
        let a = asn1(p);
        let lines: Vec<&str> = a.lines().collect();
        let i = lines
            .iter()
            .position(|l| l.contains(":unstructuredName"))
            .expect("unstructuredName");
        lines[i + 2]
            .split_once("prim:")
            .unwrap()
            .1
            .trim()
            .to_string()
    };
    assert_eq!(line(&csr), line(&theirs));
    refused(
        &ks,
        &[
            "--cn",
            "x.example.com",
            "--unstructured-name",
            &"u".repeat(256),
        ],
        "--unstructured-name",
    );
}

#[test]
fn must_staple_and_extensions() {
    let ks = Ks::new();
    let csr = generate(
        &ks,
        "ms",
        &[
            "--cn",
            "ms.example.com",
            "--must-staple",
            "--extension",
            "1.3.6.1.4.1.99999.7:critical:0c0568656c6c6f",
            "--extension",
            "1.3.6.1.4.1.99999.8:0500",
            "--unstructured-name",
            "kept",
        ],
    );
    let text = req_text(&csr);
    assert!(
        text.contains("TLS Feature: \n                    status_request"),
        "{text}"
    );
    assert!(text.contains("1.3.6.1.4.1.99999.7: critical"), "{text}");
    assert!(text.contains("1.3.6.1.4.1.99999.8: \n"), "{text}");
    python(
        &csr,
        "t = csr.extensions.get_extension_for_class(x509.TLSFeature)\n\
         assert not t.critical and list(t.value) == [x509.TLSFeatureType.status_request], t\n\
         e = csr.extensions.get_extension_for_oid(O('1.3.6.1.4.1.99999.7'))\n\
         assert e.critical and e.value.value == bytes.fromhex('0c0568656c6c6f'), e\n\
         f = csr.extensions.get_extension_for_oid(O('1.3.6.1.4.1.99999.8'))\n\
         assert not f.critical and f.value.value == b'\\x05\\x00', f",
    );

    // regenerate keeps them, with the subject changed...
    let o = ks
        .cmd()
        .args(["regenerate", "ms", "--org", "New Org"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let again = req_text(&ks.csr_path("ms"));
    for want in [
        "O = New Org",
        "status_request",
        "1.3.6.1.4.1.99999.7: critical",
        "1.3.6.1.4.1.99999.8",
        "unstructuredName         :kept",
    ] {
        assert!(again.contains(want), "{want}: {again}");
    }
    // ... and '' clears the extensions and the unstructuredName.
    let o = ks
        .cmd()
        .args([
            "regenerate",
            "ms",
            "--extension",
            "",
            "--unstructured-name",
            "",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let cleared = req_text(&ks.csr_path("ms"));
    assert!(
        cleared.contains("status_request")
            && !cleared.contains("99999")
            && !cleared.contains("unstructuredName"),
        "{cleared}"
    );

    // A request body and a batch line take the same fields.
    let body = ks.file("r.json", br#"{"common_name":"body.example.com","must_staple":true,"extension":["1.3.6.1.4.1.99999.9:0500"],"unstructured_name":"b"}"#);
    let csr = generate(&ks, "body", &["--request", body.to_str().unwrap()]);
    let t = req_text(&csr);
    assert!(
        t.contains("status_request")
            && t.contains("1.3.6.1.4.1.99999.9")
            && t.contains("unstructuredName"),
        "{t}"
    );
    let lines = ks.file("b.jsonl", br#"{"name":"line","common_name":"line.example.com","must_staple":true,"extension":["1.3.6.1.4.1.99999.9:critical:0500"]}"#);
    let o = ks
        .cmd()
        .args([
            "generate",
            "--no-passphrase",
            "--batch",
            lines.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_verifies(&ks.csr_path("line"));
    assert!(req_text(&ks.csr_path("line")).contains("1.3.6.1.4.1.99999.9: critical"));
}

#[test]
fn extension_refusals_name_the_field_and_the_fix() {
    let ks = Ks::new();
    let cn = ["--cn", "x.example.com"];
    let with = |ext: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = cn.iter().map(|s| s.to_string()).collect();
        for e in ext {
            v.push("--extension".into());
            v.push(e.to_string());
        }
        v
    };
    for (ext, want) in [
        (vec!["1.2.3.4:0c0"], "hex"),
        (vec!["1.2.3.4:0c0161ff"], "after the value"),
        (vec!["1.2.3.4:3080"], "indefinite"),
        (vec!["1.2.3.4"], "OID[:critical]:DER-HEX"),
        (vec!["1.2.3.4:crit:0500"], "critical"),
        (vec!["serverAuth:0500"], "dotted OID"),
        (vec!["2.5.29.17:3000"], "--dns"),
        (vec!["2.5.29.15:030205a0"], "--key-usage"),
        (vec!["2.5.29.37:3000"], "--extended-key-usage"),
        (vec!["2.5.29.19:3000"], "--ca"),
        (
            vec!["1.2.3.4:0500", "1.2.3.4:critical:0500"],
            "more than once",
        ),
    ] {
        let args = with(&ext);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = refused(&ks, &args, "--extension");
        assert!(err.contains(want), "{ext:?}: {err}");
    }
    let err = refused(
        &ks,
        &[
            "--cn",
            "x.example.com",
            "--must-staple",
            "--extension",
            "1.3.6.1.5.5.7.1.24:3003020105",
        ],
        "--extension",
    );
    assert!(err.contains("--must-staple"), "{err}");
}

/// `#hex` values csrkit cannot write, or that are no DirectoryString:
/// a UniversalString and an empty string are exit 2 naming `--subject`
/// (the first was an internal error), and nothing is written.
#[test]
fn hex_values_it_cannot_write_are_refused() {
    let ks = Ks::new();
    for (value, word) in [
        ("#1c0400000041", "UniversalString"),
        ("#0c00", "empty string"),
        ("#1300", "empty string"),
    ] {
        let o = csrkit(&ks.root())
            .args([
                "generate",
                "h",
                "--subject",
                &format!("CN=h.example.com,O={value}"),
            ])
            .args(["--no-passphrase", "--key-type", "ec"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{value}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("--subject") && stderr(&o).contains(word),
            "{}",
            stderr(&o)
        );
        assert!(!ks.root().join("records").exists());
    }
}

/// `--exist-ok` compares what the CSR and key carry beyond the stored
/// request: the digest, the challengePassword (kept only in the CSR) and
/// whether the key is encrypted; any difference is exit 4 with nothing
/// written.
#[test]
fn exist_ok_compares_digest_challenge_password_and_key_protection() {
    let ks = Ks::new();
    let root = ks.root();
    let run = |extra: &[&str], env: &[(&str, &str)]| {
        let mut c = csrkit(&root);
        c.args([
            "generate",
            "e",
            "--cn",
            "e.example.com",
            "--key-type",
            "ec",
            "--exist-ok",
        ]);
        c.args(extra);
        for (k, v) in env {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        no_panic(&o);
        o.status.code()
    };
    assert_eq!(
        run(
            &["--no-passphrase", "--challenge-password-env", "CPW"],
            &[("CPW", "one")]
        ),
        Some(0)
    );
    let before = snapshot(&root);
    assert_eq!(
        run(
            &["--no-passphrase", "--challenge-password-env", "CPW"],
            &[("CPW", "one")]
        ),
        Some(0)
    );
    assert_eq!(
        run(
            &["--no-passphrase", "--challenge-password-env", "CPW"],
            &[("CPW", "two")]
        ),
        Some(4)
    );
    assert_eq!(
        run(&["--no-passphrase"], &[]),
        Some(4),
        "no challengePassword asked for"
    );
    assert_eq!(
        run(
            &[
                "--no-passphrase",
                "--digest",
                "sha512",
                "--challenge-password-env",
                "CPW"
            ],
            &[("CPW", "one")]
        ),
        Some(2),
        "P-256 with SHA-512 is refused before any comparison"
    );
    assert_eq!(
        run(
            &["--passphrase-env", "PP", "--challenge-password-env", "CPW"],
            &[("PP", "pw"), ("CPW", "one")]
        ),
        Some(4),
        "the stored key is not encrypted"
    );
    assert_same(&before, &snapshot(&root), "exist-ok refusals");
}
