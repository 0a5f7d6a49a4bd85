//! Signed certificates come back: `import`, `self-sign`, `expiring`, and
//! what `show`, `list` and `regenerate` do with a certificate. OpenSSL is
//! the CA (a root and an intermediate made here) and the oracle: every
//! stored chain passes `openssl verify -CAfile root -untrusted chain leaf`.

use crate::support;

use std::path::{Path, PathBuf};

use support::*;

/// A test PKI: a root and an intermediate CA (P-256), made by OpenSSL.
struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Pki {
        let pki = Pki {
            dir: tempfile::tempdir().unwrap(),
        };
        openssl_root_and_intermediate(pki.dir.path(), "/CN=Test Root", "/CN=Test Intermediate");
        pki
    }

    fn path(&self, f: &str) -> PathBuf {
        self.dir.path().join(f)
    }

    fn self_signed_ca(&self, name: &str, subj: &str) {
        openssl_root_ca(self.dir.path(), name, subj, 3650, "keyCertSign,cRLSign");
    }

    /// Signs `csr` with CA `ca` (`int` or `root`); `ext` is an OpenSSL
    /// extension file's text. Returns the certificate's path.
    fn sign(&self, csr: &Path, ca: &str, ext: &str, out: &str) -> PathBuf {
        let d = self.dir.path();
        std::fs::write(d.join(format!("{out}.ext")), ext).unwrap();
        openssl_in(
            d,
            &[
                "x509",
                "-req",
                "-in",
                csr.to_str().unwrap(),
                "-CA",
                &format!("{ca}.pem"),
                "-CAkey",
                &format!("{ca}.key"),
                "-set_serial",
                "77",
                "-out",
                out,
                "-days",
                "90",
                "-extfile",
                &format!("{out}.ext"),
            ],
        );
        d.join(out)
    }

    fn cat(&self, out: &str, parts: &[&Path]) -> PathBuf {
        let mut data = Vec::new();
        for p in parts {
            data.extend(std::fs::read(p).unwrap());
        }
        let p = self.path(out);
        std::fs::write(&p, data).unwrap();
        p
    }
}

const LEAF_EXT: &str = "subjectAltName=DNS:web.example.com\nextendedKeyUsage=serverAuth\n";

/// A keystore with record `web` (EC) and its CSR signed by the
/// intermediate: (keystore, pki, leaf path).
fn setup() -> (Ks, Pki, PathBuf) {
    let ks = Ks::new();
    ks.generate_ec("web");
    let pki = Pki::new();
    let leaf = pki.sign(&ks.csr_path("web"), "int", LEAF_EXT, "web.pem");
    (ks, pki, leaf)
}

fn import(ks: &Ks, args: &[&str]) -> std::process::Output {
    let out = ks.cmd().arg("import").args(args).output().unwrap();
    no_panic(&out);
    out
}

fn assert_chain_verifies(ks: &Ks, pki: &Pki, name: &str) {
    let rec = ks.record(name);
    let mut args: Vec<String> = ["verify", "-CAfile", pki.path("root.pem").to_str().unwrap()]
        .map(String::from)
        .to_vec();
    let chain = rec.join("chain.pem");
    let chain_s = chain.to_str().unwrap().to_string();
    if chain.exists() {
        args.push("-untrusted".into());
        args.push(chain_s);
    }
    let cert = rec.join("cert.pem").to_str().unwrap().to_string();
    args.push(cert);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = openssl(&args, None);
    assert!(
        stdout(&out).contains(": OK"),
        "openssl verify: {}{}",
        stdout(&out),
        stderr(&out)
    );
}

fn meta(ks: &Ks, name: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(ks.record(name).join("record.json")).unwrap()).unwrap()
}

#[test]
fn import_finds_the_record_by_key_and_stores_a_verifying_chain() {
    let (ks, pki, leaf) = setup();
    let bundle = pki.cat("bundle.pem", &[&leaf, &pki.path("int.pem")]);
    let out = import(
        &ks,
        &[
            bundle.to_str().unwrap(),
            "--ca-file",
            pki.path("root.pem").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_chain_verifies(&ks, &pki, "web");
    let m = meta(&ks, "web");
    assert_eq!(m["revision"], 2);
    assert_eq!(
        m["certificate"]["chain"].as_array().unwrap().len(),
        2,
        "{m}"
    );
    assert_eq!(m["certificate"]["chain_complete"], true);
    assert!(ks.record("web").join("history/1/csr.pem").exists());
    assert_eq!(mode(&ks.record("web").join("cert.pem")), 0o600);
    assert_eq!(mode(&ks.record("web").join("chain.pem")), 0o600);
    // The stored leaf is the CA's certificate, byte for byte.
    let stored = std::fs::read_to_string(ks.record("web").join("cert.pem")).unwrap();
    assert_eq!(stored, std::fs::read_to_string(&leaf).unwrap());

    // The same certificate again: nothing changes.
    let before = ks.snapshot();
    let out = import(&ks, &[bundle.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("already holds this certificate"),
        "{}",
        stdout(&out)
    );
    assert_same(&before, &ks.snapshot(), "re-import");
    // The leaf alone again: the stored chain still completes it.
    let out = import(&ks, &[leaf.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_same(&before, &ks.snapshot(), "re-import of the leaf alone");
}

#[test]
fn every_container_form_is_read() {
    let (ks, pki, leaf) = setup();
    let int = pki.path("int.pem");
    let root = pki.path("root.pem");
    let d = pki.dir.path();
    // Reversed order with text around the blocks (a mail, OpenSSL's Bag Attributes).
    let mut text = b"Bag Attributes\n    friendlyName: web\nHere is your certificate:\n".to_vec();
    text.extend(std::fs::read(&root).unwrap());
    text.extend(b"\nsome words in between\n");
    text.extend(std::fs::read(&int).unwrap());
    text.extend(std::fs::read(&leaf).unwrap());
    text.extend(b"\n-- \nThe CA team\n");
    std::fs::write(d.join("mail.txt"), text).unwrap();
    openssl_in(
        d,
        &[
            "crl2pkcs7",
            "-nocrl",
            "-certfile",
            "web.pem",
            "-certfile",
            "int.pem",
            "-out",
            "b.p7b",
        ],
    );
    openssl_in(
        d,
        &[
            "crl2pkcs7",
            "-nocrl",
            "-certfile",
            "web.pem",
            "-certfile",
            "int.pem",
            "-certfile",
            "root.pem",
            "-outform",
            "DER",
            "-out",
            "b.p7d",
        ],
    );
    openssl_in(
        d,
        &[
            "x509", "-in", "web.pem", "-outform", "DER", "-out", "web.der",
        ],
    );
    for (file, extra) in [
        ("mail.txt", vec![]),
        ("b.p7b", vec!["--ca-file", root.to_str().unwrap()]),
        ("b.p7d", vec![]),
    ] {
        let ks2 = Ks::new();
        // The same record in a fresh keystore: copy the first one's.
        copy_tree(&ks.root(), &ks2.root());
        let p = d.join(file);
        let mut args = vec![p.to_str().unwrap()];
        args.extend(extra);
        args.push("--require-chain");
        let out = import(&ks2, &args);
        assert_eq!(out.status.code(), Some(0), "{file}: {}", stderr(&out));
        assert_chain_verifies(&ks2, &pki, "web");
    }
    // DER, from stdin, with the chain in --ca-file.
    let ks2 = Ks::new();
    copy_tree(&ks.root(), &ks2.root());
    let out = ks2
        .cmd()
        .args([
            "import",
            "-",
            "--ca-file",
            int.to_str().unwrap(),
            "--ca-file",
            root.to_str().unwrap(),
        ])
        .write_stdin(std::fs::read(d.join("web.der")).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_chain_verifies(&ks2, &pki, "web");
}

fn copy_tree(from: &Path, to: &Path) {
    let st = std::process::Command::new("cp")
        .args(["-a", from.to_str().unwrap(), to.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(st.success());
}

#[test]
fn a_certificate_for_another_key_is_exit_8_and_changes_nothing() {
    let (ks, pki, leaf) = setup();
    ks.generate_ec("other");
    let before = ks.snapshot();
    let out = import(&ks, &[leaf.to_str().unwrap(), "--record", "other"]);
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("does not match record other's key"),
        "{}",
        stderr(&out)
    );
    assert_same(&before, &ks.snapshot(), "--record mismatch");
    // A certificate whose key no record holds.
    let d = pki.dir.path();
    openssl_in(
        d,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "x.key",
            "-out",
            "x.csr",
            "-subj",
            "/CN=stranger.example.com",
        ],
    );
    let stranger = pki.sign(&d.join("x.csr"), "int", LEAF_EXT, "x.pem");
    let out = import(&ks, &[stranger.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no record holds the key"),
        "{}",
        stderr(&out)
    );
    assert_same(&before, &ks.snapshot(), "unknown key");
}

#[test]
fn a_missing_issuer_is_named_and_require_chain_makes_it_exit_9() {
    let (ks, _pki, leaf) = setup();
    let before = ks.snapshot();
    let out = import(&ks, &[leaf.to_str().unwrap(), "--require-chain"]);
    assert_eq!(out.status.code(), Some(9), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("CN=Test Intermediate"),
        "{}",
        stderr(&out)
    );
    assert_same(&before, &ks.snapshot(), "--require-chain");
    let out = import(&ks, &[leaf.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: the chain is incomplete"),
        "{}",
        stderr(&out)
    );
    assert_eq!(meta(&ks, "web")["certificate"]["chain_complete"], false);
}

#[test]
fn a_certificate_that_claims_to_issue_and_does_not_verify_is_exit_9() {
    let (ks, pki, leaf) = setup();
    // An impostor: the intermediate's name on another key.
    pki.self_signed_ca("fake", "/CN=Test Intermediate");
    let bundle = pki.cat("bad.pem", &[&leaf, &pki.path("fake.pem")]);
    let before = ks.snapshot();
    let out = import(&ks, &[bundle.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(9), "{}", stderr(&out));
    assert!(stderr(&out).contains("does not verify"), "{}", stderr(&out));
    assert_same(&before, &ks.snapshot(), "impostor issuer");

    // A leaf that names itself as its issuer and was signed by another key.
    let d = pki.dir.path();
    pki.self_signed_ca("liar", "/CN=web");
    let lie = pki.sign(&ks.csr_path("web"), "liar", LEAF_EXT, "lie.pem");
    let _ = d;
    let out = import(&ks, &[lie.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(9), "{}", stderr(&out));
    assert_same(&before, &ks.snapshot(), "self-issued liar");
}

#[test]
fn a_chain_that_loops_is_exit_9() {
    let (ks, pki, _) = setup();
    let d = pki.dir.path();
    // X (key a) and Y (key b) each issued by the other.
    pki.self_signed_ca("xa", "/CN=Loop X");
    pki.self_signed_ca("yb", "/CN=Loop Y");
    let ca_ext = "basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign\n";
    openssl_in(
        d,
        &[
            "req",
            "-new",
            "-key",
            "xa.key",
            "-subj",
            "/CN=Loop X",
            "-out",
            "x.csr",
        ],
    );
    openssl_in(
        d,
        &[
            "req",
            "-new",
            "-key",
            "yb.key",
            "-subj",
            "/CN=Loop Y",
            "-out",
            "y.csr",
        ],
    );
    let x_by_y = pki.sign(&d.join("x.csr"), "yb", ca_ext, "x_by_y.pem");
    let y_by_x = pki.sign(&d.join("y.csr"), "xa", ca_ext, "y_by_x.pem");
    let leaf = pki.sign(&ks.csr_path("web"), "xa", LEAF_EXT, "loop_leaf.pem");
    let bundle = pki.cat("loop.pem", &[&leaf, &x_by_y, &y_by_x]);
    let before = ks.snapshot();
    let out = import(&ks, &[bundle.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(9), "{}", stderr(&out));
    assert!(stderr(&out).contains("loops"), "{}", stderr(&out));
    assert_same(&before, &ks.snapshot(), "loop");
}

#[test]
fn a_ca_certificate_or_an_expired_one_is_refused() {
    let (ks, pki, _) = setup();
    let before = ks.snapshot();
    let ca = pki.sign(
        &ks.csr_path("web"),
        "int",
        "basicConstraints=critical,CA:TRUE\n",
        "ca_leaf.pem",
    );
    let out = import(&ks, &[ca.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("CA certificate"), "{}", stderr(&out));
    assert_same(&before, &ks.snapshot(), "CA as leaf");

    // An expired one, issued with `openssl ca` and a past validity.
    let d = pki.dir.path();
    std::fs::write(d.join("index.txt"), "").unwrap();
    std::fs::write(d.join("serial"), "1000\n").unwrap();
    std::fs::write(
        d.join("ca.cnf"),
        "[ca]\ndefault_ca=c\n[c]\ndatabase=index.txt\nnew_certs_dir=.\ncertificate=int.pem\n\
         private_key=int.key\nserial=serial\ndefault_md=sha256\npolicy=p\ncopy_extensions=copy\n\
         [p]\ncommonName=supplied\n",
    )
    .unwrap();
    openssl_in(
        d,
        &[
            "ca",
            "-batch",
            "-config",
            "ca.cnf",
            "-notext",
            "-in",
            ks.csr_path("web").to_str().unwrap(),
            "-out",
            "old.pem",
            "-startdate",
            "20200101000000Z",
            "-enddate",
            "20200201000000Z",
        ],
    );
    let out = import(&ks, &[d.join("old.pem").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("expired on 2020-02-01"),
        "{}",
        stderr(&out)
    );
    assert_same(&before, &ks.snapshot(), "expired leaf");
}

#[test]
fn hostile_bundles_are_refused_quickly() {
    let ks = Ks::new();
    ks.generate_ec("web");
    let pki = Pki::new();
    let root = std::fs::read(pki.path("root.pem")).unwrap();
    // Too many certificates (within the size limit).
    let many: Vec<u8> = root
        .iter()
        .copied()
        .cycle()
        .take(root.len() * 1500)
        .collect();
    let p = ks.file("many.pem", &many);
    let before = ks.snapshot();
    let out = import(&ks, &[p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("at most 1000"), "{}", stderr(&out));
    // Larger than any chain: refused without reading it all.
    let f = std::fs::File::create(ks.dir.path().join("huge.pem")).unwrap();
    f.set_len(1 << 30).unwrap();
    let out = import(&ks, &[ks.dir.path().join("huge.pem").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // Not a certificate at all, and garbage DER.
    for (name, data) in [
        ("csr.pem", std::fs::read(ks.csr_path("web")).unwrap()),
        ("junk.der", vec![0x30, 0x82, 0xff, 0xff, 0x01]),
        ("empty", vec![]),
    ] {
        let p = ks.file(name, &data);
        let out = import(&ks, &[p.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert_eq!(
            stderr(&out)
                .lines()
                .filter(|l| l.starts_with("error:"))
                .count(),
            1
        );
    }
    assert_same(&before, &ks.snapshot(), "hostile bundles");
}

#[test]
fn self_sign_expiring_list_and_regenerate() {
    let ks = Ks::new();
    ks.cmd()
        .args([
            "generate",
            "lab",
            "--cn",
            "lab.example.com",
            "--dns",
            "lab.example.com",
            "--dns",
            "alt.example.com",
            "--no-passphrase",
            "--purpose",
            "server",
        ])
        .assert()
        .success();
    let out = ks.cmd().args(["expiring"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = ks
        .cmd()
        .args(["self-sign", "lab", "--days", "10"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let cert = ks.record("lab").join("cert.pem");
    let c = cert.to_str().unwrap();
    let v = openssl(&["verify", "-CAfile", c, c], None);
    assert!(stdout(&v).contains(": OK"), "{}{}", stdout(&v), stderr(&v));
    let text = stdout(&openssl(&["x509", "-in", c, "-noout", "-text"], None));
    for want in [
        "DNS:lab.example.com, DNS:alt.example.com",
        "TLS Web Server Authentication",
        "Subject Key Identifier",
        "Subject: CN = lab.example.com",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    // The key in the certificate is the record's.
    let pubkey = stdout(&openssl(&["x509", "-in", c, "-noout", "-pubkey"], None));
    assert_eq!(pubkey, csr_pubkey(&ks.csr_path("lab")));
    // 10 days left: expiring within 30 days (exit 10), not within 5.
    let out = ks
        .cmd()
        .args(["expiring", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["name"], "lab");
    assert_eq!(rows[0]["status"], "expiring");
    let out = ks
        .cmd()
        .args(["expiring", "--within", "5d"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = ks
        .cmd()
        .args(["expiring", "--within", "soon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let list = stdout(&ks.cmd().args(["list"]).output().unwrap());
    assert!(
        list.lines().next().unwrap().ends_with("STATUS    EXPIRES"),
        "{list}"
    );
    assert!(list.contains("expiring"), "{list}");
    let out = ks
        .cmd()
        .args(["self-sign", "lab", "--days", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A new CSR: the certificate goes to history and stays live: the
    // record is renewing (tests/renewal.rs has the whole cycle).
    ks.cmd()
        .args(["regenerate", "lab", "--no-passphrase"])
        .assert()
        .success();
    assert!(!cert.exists());
    assert!(ks.record("lab").join("history/2/cert.pem").exists());
    let list: serde_json::Value = ks.list_json();
    assert_eq!(list[0]["status"], "renewing");
}

#[test]
fn show_reads_certificates_too() {
    let (ks, pki, leaf) = setup();
    let out = ks
        .cmd()
        .args(["show", "--file", leaf.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Issuer:") && text.contains("CN=Test Intermediate"),
        "{text}"
    );
    assert!(text.contains("DNS:web.example.com"), "{text}");
    let bundle = pki.cat("b.pem", &[&leaf, &pki.path("int.pem")]);
    let out = ks
        .cmd()
        .args([
            "show",
            "--file",
            bundle.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["issuer"], "CN=Test Intermediate");
    assert_eq!(v["more"][0]["ca"], true);
    // A record with a certificate shows it.
    import(&ks, &[bundle.to_str().unwrap()]);
    let out = ks
        .cmd()
        .args(["show", "web", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["certificate"]["issuer"], "CN=Test Intermediate");
    assert!(v["certificate"]["days_left"].as_i64().unwrap() >= 88);
}

#[test]
#[cfg_attr(not(feature = "failpoints"), ignore = "needs --features failpoints")]
fn a_crash_during_import_leaves_the_old_or_the_new_revision() {
    for step in ["replace:tmp-written", "replace:exchanged"] {
        let (ks, pki, leaf) = setup();
        let bundle = pki.cat("b.pem", &[&leaf, &pki.path("int.pem")]);
        let out = ks
            .cmd()
            .args(["import", bundle.to_str().unwrap()])
            .env("CSRKIT_TEST_CRASH_AT", step)
            .output()
            .unwrap();
        assert_ne!(
            out.status.code(),
            Some(0),
            "{step}: the crash point was not reached"
        );
        // The next command sees a complete record: pending (old) or issued (new).
        let m = meta(&ks, "web");
        match m["revision"].as_u64() {
            Some(1) => assert!(!ks.record("web").join("cert.pem").exists(), "{step}"),
            Some(2) => assert_chain_verifies(&ks, &pki, "web"),
            r => panic!("{step}: revision {r:?}"),
        }
        assert_verifies(&ks.csr_path("web"));
        ks.cmd().args(["list"]).assert().success();
    }
}

/// `self-sign` does not replace a certificate a CA issued unless `--force`
/// (exit 4, keystore unchanged); an earlier self-signed one it replaces.
#[test]
fn self_sign_keeps_a_ca_certificate_unless_force() {
    let (ks, pki, leaf) = setup();
    let out = import(
        &ks,
        &[
            leaf.to_str().unwrap(),
            "--ca-file",
            pki.path("int.pem").to_str().unwrap(),
            "--ca-file",
            pki.path("root.pem").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = ks.snapshot();
    let o = ks.cmd().args(["self-sign", "web"]).output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1);
    assert!(
        err.contains("record web holds a certificate issued by CN=Test Intermediate")
            && err.contains("self-sign would replace it"),
        "{err}"
    );
    assert!(err.contains("--force") && err.contains("history"), "{err}");
    assert_same(&before, &ks.snapshot(), "self-sign over a CA's certificate");
    // --force replaces it; the CA's certificate stays in history.
    let o = ks
        .cmd()
        .args(["self-sign", "web", "--force"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let m = meta(&ks, "web");
    assert_eq!(m["certificate"]["self_signed"], true, "{m}");
    let old = ks.record("web").join(format!(
        "history/{}/cert.pem",
        m["revision"].as_u64().unwrap() - 1
    ));
    assert_eq!(
        std::fs::read_to_string(old).unwrap(),
        std::fs::read_to_string(&leaf).unwrap()
    );
    // A self-signed certificate is replaced without --force.
    let o = ks
        .cmd()
        .args(["self-sign", "web", "--days", "30"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
