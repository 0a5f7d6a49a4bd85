//! The core contract (SPEC §1–§6) checked on the built binary, with
//! OpenSSL as the independent oracle for every CSR and key.

use crate::support;

use support::*;

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

#[test]
fn generate_rsa_with_every_subject_flag() {
    let ks = Ks::new();
    let pass = ks.file("pass", format!("{PASS}\n").as_bytes());
    let o = ks
        .cmd()
        .args([
            "generate",
            "web",
            "--cn",
            "www.example.com",
            "--country",
            "DE",
            "--state",
            "Bayern",
            "--locality",
            "München",
        ])
        .args([
            "--org",
            "Example GmbH",
            "--ou",
            "Ops",
            "--ou",
            "Web",
            "--street-address",
            "Hauptstraße 1",
        ])
        .args([
            "--dc",
            "example",
            "--dc",
            "com",
            "--uid",
            "u123",
            "--email-address",
            "pki@example.com",
        ])
        .arg("--passphrase-file")
        .arg(&pass)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let csr = ks.csr_path("web");
    assert_verifies(&csr);
    assert_eq!(
        req_subject(&csr),
        "emailAddress=pki@example.com,UID=u123,CN=www.example.com,OU=Web,OU=Ops,O=Example GmbH,street=Hauptstraße 1,L=München,ST=Bayern,C=DE,DC=com,DC=example"
            .replace("München", "M\\C3\\BCnchen")
            .replace("Hauptstraße", "Hauptstra\\C3\\9Fe")
    );
    let text = req_text(&csr);
    assert!(text.contains("Public-Key: (2048 bit)"), "{text}");
    assert!(text.contains("sha256WithRSAEncryption"));
    // The CN is a hostname and no SAN was given: it becomes the SAN.
    assert!(text.contains("DNS:www.example.com"), "{text}");
    // Key: encrypted PKCS#8 that OpenSSL opens with the passphrase, matching the CSR.
    let key = std::fs::read_to_string(ks.key_path("web")).unwrap();
    assert!(key.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    assert_key_matches(&ks, "web", Some(PASS));
    assert!(!key_pubkey(&ks.key_path("web"), Some("wrong"))
        .status
        .success());
    // scrypt with N=2^14, r=8, p=5 and AES-256-CBC.
    let der = openssl(
        &[
            "pkey",
            "-in",
            ks.key_path("web").to_str().unwrap(),
            "-passin",
            &format!("pass:{PASS}"),
            "-noout",
        ],
        None,
    );
    assert!(der.status.success());
    let asn = openssl(
        &["asn1parse", "-in", ks.key_path("web").to_str().unwrap()],
        None,
    );
    let asn = stdout(&asn);
    assert!(asn.contains(":scrypt"), "{asn}");
    assert!(asn.contains("aes-256-cbc"), "{asn}");
    assert!(asn.contains(":4000"), "N=16384 expected: {asn}");
}

#[test]
fn string_types_country_printable_others_utf8() {
    let ks = Ks::new();
    ks.cmd()
        .args([
            "generate",
            "s",
            "--cn",
            "Jürgen",
            "--country",
            "de",
            "--org",
            "Ünïcødé",
            "--no-passphrase",
        ])
        .assert()
        .success();
    let asn = stdout(&openssl(
        &["asn1parse", "-in", ks.csr_path("s").to_str().unwrap()],
        None,
    ));
    assert!(asn.contains("PRINTABLESTRING   :DE"), "{asn}");
    assert!(asn.contains("UTF8STRING        :J"), "{asn}");
    assert_verifies(&ks.csr_path("s"));
    // "Jürgen" is not a hostname: no default SAN.
    assert!(!req_text(&ks.csr_path("s")).contains("Subject Alternative Name"));
}

#[test]
fn subject_rfc4514_and_slash_forms_with_multivalued_rdns() {
    let ks = Ks::new();
    ks.cmd()
        .args([
            "generate",
            "a",
            "--subject",
            "CN=a\\,b+UID=42,OU=x,OU=y,O=Org,C=US",
            "--no-passphrase",
            "--no-default-san",
        ])
        .assert()
        .success();
    let subj = req_subject(&ks.csr_path("a"));
    assert!(
        subj == "CN=a\\,b+UID=42,OU=x,OU=y,O=Org,C=US"
            || subj == "UID=42+CN=a\\,b,OU=x,OU=y,O=Org,C=US",
        "{subj}"
    );
    let o = ks
        .cmd()
        .args(["show", "a", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(json(&o)["subject_attributes"].as_array().unwrap().len(), 6);
    ks.cmd()
        .args([
            "generate",
            "b",
            "--subject",
            "/DC=org/DC=example/C=GB/O=Slash\\/Org/CN=b.example.org+UID=9",
            "--no-passphrase",
        ])
        .assert()
        .success();
    let subj = req_subject(&ks.csr_path("b"));
    assert!(
        subj == "CN=b.example.org+UID=9,O=Slash/Org,C=GB,DC=example,DC=org"
            || subj == "UID=9+CN=b.example.org,O=Slash/Org,C=GB,DC=example,DC=org",
        "{subj}"
    );
    assert_verifies(&ks.csr_path("b"));
    // --subject and single fields are exclusive.
    ks.cmd()
        .args([
            "generate",
            "c",
            "--subject",
            "CN=c",
            "--org",
            "x",
            "--no-passphrase",
        ])
        .assert()
        .code(2);
}

#[test]
fn sans_of_all_four_types() {
    let ks = Ks::new();
    ks.cmd()
        .args([
            "generate",
            "s",
            "--cn",
            "svc",
            "--dns",
            "a.example.com,*.b.example.com",
            "--dns",
            "bücher.example",
        ])
        .args([
            "--ip",
            "192.0.2.7",
            "--ip",
            "2001:db8::5",
            "--email",
            "ops@example.com",
            "--uri",
            "spiffe://example.com/svc",
        ])
        .args(["--san", "dns:c.example.com", "--no-passphrase"])
        .assert()
        .success();
    let text = req_text(&ks.csr_path("s"));
    for want in [
        "DNS:a.example.com",
        "DNS:*.b.example.com",
        "DNS:xn--bcher-kva.example",
        "IP Address:192.0.2.7",
        "IP Address:2001:DB8:0:0:0:0:0:5",
        "email:ops@example.com",
        "URI:spiffe://example.com/svc",
        "DNS:c.example.com",
    ] {
        assert!(text.contains(want), "missing {want} in {text}");
    }
    assert!(
        !text.contains("DNS:svc"),
        "explicit SANs replace the CN default"
    );
}

#[test]
fn invalid_sans_are_refused_naming_the_flag() {
    let ks = Ks::new();
    for (flag, value) in [
        ("--dns", "a.*.example.com"),
        ("--dns", "*.com"),
        ("--dns", "-bad.example.com"),
        ("--ip", "300.1.1.1"),
        ("--email", "not-an-email"),
        ("--uri", "relative/path"),
        ("--san", "foo:bar"),
    ] {
        let o = ks
            .cmd()
            .args([
                "generate",
                "x",
                "--cn",
                "x.example.com",
                "--no-passphrase",
                &format!("{flag}={value}"),
            ])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{flag} {value}");
        assert!(stderr(&o).contains(flag), "{flag}: {}", stderr(&o));
        assert_eq!(
            stderr(&o)
                .lines()
                .filter(|l| l.starts_with("error:"))
                .count(),
            1
        );
    }
    assert!(!ks.root().join("records/x").exists());
}

#[test]
fn key_types_and_digests() {
    let ks = Ks::new();
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &[
                "--key-type",
                "rsa",
                "--key-size",
                "3072",
                "--digest",
                "sha384",
            ],
            "Public-Key: (3072 bit)",
            "sha384WithRSAEncryption",
        ),
        (
            &["--key-type", "EC"],
            "NIST CURVE: P-256",
            "ecdsa-with-SHA256",
        ),
        (
            &["--key-type", "ECDSA", "--key-size", "384"],
            "NIST CURVE: P-384",
            "ecdsa-with-SHA384",
        ),
        (
            &["--algorithm", "ec", "--curve", "P-521"],
            "NIST CURVE: P-521",
            "ecdsa-with-SHA512",
        ),
        (&["--key-type", "ed25519"], "ED25519 Public-Key", "ED25519"),
    ];
    for (i, (args, key_text, sig)) in cases.iter().enumerate() {
        let name = format!("k{i}");
        ks.cmd_pass()
            .args(["generate", &name, "--cn", "k.example.com"])
            .args(*args)
            .assert()
            .success();
        let text = req_text(&ks.csr_path(&name));
        assert!(text.contains(key_text), "{args:?}: {text}");
        assert!(text.contains(sig), "{args:?}: {text}");
        assert_verifies(&ks.csr_path(&name));
        assert_key_matches(&ks, &name, Some(PASS));
    }
    // RSA-4096 too.
    ks.cmd()
        .args([
            "generate",
            "big",
            "--cn",
            "big",
            "--key-size",
            "4096",
            "--no-passphrase",
        ])
        .assert()
        .success();
    assert!(req_text(&ks.csr_path("big")).contains("(4096 bit)"));
    assert_key_matches(&ks, "big", None);
}

#[test]
fn weak_or_unknown_keys_are_refused_with_the_reason() {
    let ks = Ks::new();
    for (args, needle) in [
        (vec!["--key-size", "1024"], "2048"),
        (vec!["--key-size", "2049"], "--key-size"),
        (vec!["--key-type", "dsa"], "--key-type"),
        (vec!["--key-type", "ec", "--curve", "P-192"], "--curve"),
        // The flag at fault is named, not the other one.
        (
            vec!["--key-type", "ed25519", "--curve", "P-256"],
            "error: --curve: P-256",
        ),
        (
            vec!["--key-type", "ed25519", "--key-size", "384"],
            "error: --key-size",
        ),
        (
            vec!["--key-type", "ed25519", "--digest", "sha256"],
            "--digest",
        ),
        (vec!["--key-type", "ec", "--digest", "md5"], "--digest"),
    ] {
        let o = ks
            .cmd()
            .args(["generate", "w", "--cn", "w", "--no-passphrase"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
    assert!(!ks.root().join("records/w").exists());
}

#[test]
fn purposes_usages_and_ca() {
    let ks = Ks::new();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--purpose", "server"],
            &[
                "Key Usage: critical",
                "Digital Signature, Key Encipherment",
                "TLS Web Server Authentication",
            ],
        ),
        (
            &["--purpose", "CLIENT"],
            &["Digital Signature", "TLS Web Client Authentication"],
        ),
        (
            &["--purpose", "SERVER_CLIENT"],
            &["TLS Web Server Authentication, TLS Web Client Authentication"],
        ),
        (
            &["--purpose", "signing-encryption"],
            &["Digital Signature, Non Repudiation, Key Encipherment, Data Encipherment"],
        ),
        (
            &[
                "--key-usage",
                "digitalSignature,keyAgreement",
                "--extended-key-usage",
                "codeSigning,1.3.6.1.5.5.7.3.9",
            ],
            &[
                "Digital Signature, Key Agreement",
                "Code Signing, OCSP Signing",
            ],
        ),
        (
            &["--ca", "--path-len", "0"],
            &[
                "Basic Constraints: critical",
                "CA:TRUE, pathlen:0",
                "Certificate Sign, CRL Sign",
            ],
        ),
    ];
    for (i, (args, wants)) in cases.iter().enumerate() {
        let name = format!("p{i}");
        ks.cmd()
            .args([
                "generate",
                &name,
                "--cn",
                "p.example.com",
                "--no-passphrase",
            ])
            .args(*args)
            .assert()
            .success();
        let text = req_text(&ks.csr_path(&name));
        for w in *wants {
            assert!(text.contains(w), "{args:?}: missing {w}: {text}");
        }
        assert_verifies(&ks.csr_path(&name));
    }
    ks.cmd()
        .args([
            "generate",
            "bad",
            "--cn",
            "x",
            "--purpose",
            "everything",
            "--no-passphrase",
        ])
        .assert()
        .code(2);
    ks.cmd()
        .args([
            "generate",
            "bad",
            "--cn",
            "x",
            "--key-usage",
            "flying",
            "--no-passphrase",
        ])
        .assert()
        .code(2);
}

#[test]
fn default_san_rules_and_empty_subject() {
    let ks = Ks::new();
    ks.cmd()
        .args(["generate", "ip", "--cn", "192.0.2.9", "--no-passphrase"])
        .assert()
        .success();
    assert!(req_text(&ks.csr_path("ip")).contains("IP Address:192.0.2.9"));
    ks.cmd()
        .args([
            "generate",
            "nd",
            "--cn",
            "host.example.com",
            "--no-default-san",
            "--no-passphrase",
        ])
        .assert()
        .success();
    assert!(!req_text(&ks.csr_path("nd")).contains("Alternative"));
    // Empty subject: only with SANs, and then the SAN is critical.
    ks.cmd()
        .args([
            "generate",
            "empty",
            "--dns",
            "only.example.com",
            "--no-passphrase",
        ])
        .assert()
        .success();
    let text = req_text(&ks.csr_path("empty"));
    assert!(
        text.contains("X509v3 Subject Alternative Name: critical"),
        "{text}"
    );
    assert_verifies(&ks.csr_path("empty"));
    let o = ks
        .cmd()
        .args(["generate", "none", "--no-passphrase"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--common-name"), "{}", stderr(&o));
}

#[test]
fn name_is_derived_from_cn_and_validated() {
    let ks = Ks::new();
    ks.cmd()
        .args(["generate", "--cn", "*.Shop.Example.com", "--no-passphrase"])
        .assert()
        .success();
    // The wildcard stays in the name: example.com's record is another one.
    assert!(ks.record("wildcard.shop.example.com").is_dir());
    for bad in ["../evil", "a/b", "-x", ".hidden", &"a".repeat(65)] {
        let o = ks
            .cmd()
            .args(["generate", bad, "--cn", "x", "--no-passphrase"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(stderr(&o).contains("NAME"), "{}", stderr(&o));
    }
    // An existing name is a conflict: exit 4, record untouched.
    let before = ks.snapshot();
    ks.cmd()
        .args([
            "generate",
            "wildcard.shop.example.com",
            "--cn",
            "y",
            "--no-passphrase",
        ])
        .assert()
        .code(4);
    assert_eq!(before, ks.snapshot());
}

#[test]
fn description_and_native_request_file() {
    let ks = Ks::new();
    let req = ks.file(
        "req.json",
        br#"{"name":"fromfile","common_name":"file.example.com","organization":"File Org","country":"FR","dns":["alt.example.com"],"key_type":"ec","purpose":"server","description":"made from a file"}"#,
    );
    // Flags override fields from the file.
    let o = ks
        .cmd()
        .args(["generate", "--request"])
        .arg(&req)
        .args(["--org", "Flag Org", "--no-passphrase", "--format", "json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["name"], "fromfile");
    assert_eq!(v["description"], "made from a file");
    assert_eq!(
        req_subject(&ks.csr_path("fromfile")),
        "CN=file.example.com,O=Flag Org,C=FR"
    );
    assert!(req_text(&ks.csr_path("fromfile")).contains("DNS:alt.example.com"));
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ks.record("fromfile").join("record.json")).unwrap())
            .unwrap();
    assert_eq!(meta["description"], "made from a file");
    assert_eq!(meta["key"]["type"], "ec");
    assert_eq!(meta["key"]["curve"], "P-256");
    // Unknown fields are errors naming the field.
    let bad = ks.file("bad.json", br#"{"common_name":"x","nmae":"typo"}"#);
    let o = ks
        .cmd()
        .args(["generate", "--request"])
        .arg(&bad)
        .arg("--no-passphrase")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nmae"), "{}", stderr(&o));
}

#[test]
fn show_record_and_fingerprints() {
    let ks = Ks::new();
    ks.cmd()
        .args([
            "generate",
            "w",
            "--cn",
            "w.example.com",
            "--description",
            "front door",
            "--no-passphrase",
        ])
        .assert()
        .success();
    let o = ks
        .cmd()
        .args(["show", "w", "--format", "json"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let v = json(&o);
    assert_eq!(v["id"], 1);
    assert_eq!(v["revision"], 1);
    assert_eq!(v["description"], "front door");
    assert_eq!(v["signature_valid"], true);
    assert_eq!(v["subject"], "CN=w.example.com");
    assert_eq!(v["public_key"]["bits"], 2048);
    // Fingerprints agree with OpenSSL's DER.
    let der = openssl(
        &[
            "req",
            "-in",
            ks.csr_path("w").to_str().unwrap(),
            "-outform",
            "DER",
        ],
        None,
    )
    .stdout;
    let fp = stdout(&openssl(&["dgst", "-sha256", "-r"], Some(&der)));
    let hex = fp.split_whitespace().next().unwrap().to_uppercase();
    assert_eq!(
        v["fingerprints"]["sha256"]
            .as_str()
            .unwrap()
            .replace(':', ""),
        hex
    );
    let spki = openssl(
        &[
            "req",
            "-in",
            ks.csr_path("w").to_str().unwrap(),
            "-noout",
            "-pubkey",
        ],
        None,
    )
    .stdout;
    let spki_der = openssl(&["pkey", "-pubin", "-outform", "DER"], Some(&spki)).stdout;
    let spki_fp = stdout(&openssl(&["dgst", "-sha256", "-r"], Some(&spki_der)));
    assert_eq!(
        v["fingerprints"]["spki_sha256"]
            .as_str()
            .unwrap()
            .replace(':', ""),
        spki_fp.split_whitespace().next().unwrap().to_uppercase()
    );
    // By id, in text.
    let t = ks.cmd().args(["show", "1"]).output().unwrap();
    let t = stdout(&t);
    for want in [
        "w (id 1)",
        "front door",
        "CN=w.example.com",
        "DNS:w.example.com",
        "RSA 2048",
        "sha256WithRSAEncryption",
        "Signature valid:    yes",
        "NOT encrypted",
    ] {
        assert!(t.contains(want), "missing {want}: {t}");
    }
}

fn openssl_csr(ks: &Ks, name: &str, keyargs: &[&str], extra: &[&str]) -> std::path::PathBuf {
    let key = ks.dir.path().join(format!("{name}.key"));
    let out = ks.dir.path().join(format!("{name}.csr"));
    let mut args = vec![
        "req",
        "-new",
        "-nodes",
        "-subj",
        "/C=US/O=OpenSSL Made/CN=ossl.example.com",
        "-keyout",
        key.to_str().unwrap(),
        "-out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(keyargs);
    args.extend_from_slice(extra);
    let o = openssl(&args, None);
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

#[test]
fn show_file_accepts_foreign_csrs() {
    let ks = Ks::new();
    let cases: &[(&str, &[&str], &[&str], &str)] = &[
        (
            "rsa",
            &["-newkey", "rsa:2048"],
            &["-addext", "subjectAltName=DNS:x.example.com,IP:10.0.0.1"],
            "sha256WithRSAEncryption",
        ),
        (
            "pss",
            &["-newkey", "rsa:2048"],
            &[
                "-sigopt",
                "rsa_padding_mode:pss",
                "-sigopt",
                "rsa_pss_saltlen:digest",
            ],
            "rsassaPss",
        ),
        (
            "ec",
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
            &["-sha384"],
            "ecdsa-with-SHA384",
        ),
        ("ed", &["-newkey", "ed25519"], &[], "ED25519"),
    ];
    for (name, keyargs, extra, sig) in cases {
        let path = openssl_csr(&ks, name, keyargs, extra);
        let o = ks
            .cmd()
            .args(["show", "--format", "json", "--file"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let v = json(&o);
        assert_eq!(v["signature_valid"], true, "{name}");
        assert_eq!(v["signature_algorithm"], *sig, "{name}");
        assert_eq!(v["subject"], "CN=ossl.example.com,O=OpenSSL Made,C=US");
    }
    // DER input, and the keytool label, and stdin.
    let pem = openssl_csr(
        &ks,
        "der",
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        &[],
    );
    let der = openssl(
        &["req", "-in", pem.to_str().unwrap(), "-outform", "DER"],
        None,
    )
    .stdout;
    let der_path = ks.file("x.der", &der);
    ks.cmd()
        .args(["show", "--file"])
        .arg(&der_path)
        .assert()
        .success();
    let text = std::fs::read_to_string(&pem)
        .unwrap()
        .replace("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST");
    let o = ks
        .cmd()
        .args(["show", "--file", "-", "--format", "json"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(json(&o)["signature_valid"], true);
}

#[test]
fn show_exits_7_when_the_signature_does_not_verify() {
    let ks = Ks::new();
    let pem = openssl_csr(
        &ks,
        "t",
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        &[],
    );
    let mut der = openssl(
        &["req", "-in", pem.to_str().unwrap(), "-outform", "DER"],
        None,
    )
    .stdout;
    // Change one byte of the subject (inside the signed part).
    let pos = der.windows(7).position(|w| w == b"OpenSSL").unwrap();
    der[pos] = b'X';
    let path = ks.file("tampered.der", &der);
    let o = ks
        .cmd()
        .args(["show", "--file"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(7), "{}", stderr(&o));
    assert!(stdout(&o).contains("NO"), "details are still shown");
    // Garbage and wrong labels are invalid input (2), missing files 3.
    let g = ks.file("garbage", b"\x30\x03\x01\x02");
    ks.cmd().args(["show", "--file"]).arg(&g).assert().code(2);
    let wrong = ks.file(
        "cert.pem",
        b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n",
    );
    let o = ks
        .cmd()
        .args(["show", "--file"])
        .arg(&wrong)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("CERTIFICATE"), "{}", stderr(&o));
    ks.cmd()
        .args(["show", "--file", "/nonexistent/x.csr"])
        .assert()
        .code(3);
}

#[test]
fn download_pem_der_and_output_file() {
    let ks = Ks::new();
    ks.cmd()
        .args([
            "generate",
            "d",
            "--cn",
            "d.example.com",
            "--key-type",
            "ec",
            "--no-passphrase",
        ])
        .assert()
        .success();
    let pem = ks.cmd().args(["download", "d"]).output().unwrap();
    assert_eq!(pem.stdout, std::fs::read(ks.csr_path("d")).unwrap());
    let der = ks.cmd().args(["download", "1", "--der"]).output().unwrap();
    let want = openssl(
        &[
            "req",
            "-in",
            ks.csr_path("d").to_str().unwrap(),
            "-outform",
            "DER",
        ],
        None,
    )
    .stdout;
    assert_eq!(der.stdout, want);
    let out = ks.dir.path().join("out.csr");
    ks.cmd()
        .args(["download", "d", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    assert_verifies(&out);
    ks.cmd().args(["download", "missing"]).assert().code(3);
}

#[test]
fn regenerate_reuses_the_key_and_keeps_history() {
    let ks = Ks::new();
    ks.cmd_pass()
        .args([
            "generate",
            "r",
            "--cn",
            "r.example.com",
            "--org",
            "One",
            "--purpose",
            "server",
        ])
        .assert()
        .success();
    let key_before = std::fs::read(ks.key_path("r")).unwrap();
    let csr_before = std::fs::read(ks.csr_path("r")).unwrap();
    let o = ks
        .cmd_pass()
        .args([
            "regenerate",
            "r",
            "--org",
            "Two",
            "--dns",
            "r2.example.com",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o)["revision"], 2);
    // Same key, new CSR with the changed fields and the kept ones.
    assert_eq!(std::fs::read(ks.key_path("r")).unwrap(), key_before);
    assert_eq!(req_subject(&ks.csr_path("r")), "CN=r.example.com,O=Two");
    let text = req_text(&ks.csr_path("r"));
    assert!(
        text.contains("DNS:r2.example.com") && text.contains("TLS Web Server Authentication"),
        "{text}"
    );
    assert_verifies(&ks.csr_path("r"));
    assert_key_matches(&ks, "r", Some(PASS));
    let h = ks.record("r").join("history/1");
    assert_eq!(std::fs::read(h.join("csr.pem")).unwrap(), csr_before);
    // History keeps one copy of each distinct key: the key is the current one.
    assert!(!h.join("key.pem").exists());
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ks.record("r").join("record.json")).unwrap())
            .unwrap();
    assert_eq!(meta["revision"], 2);
    assert_eq!(meta["id"], 1);
    // --new-key: a different key, the old one in history/2.
    ks.cmd_pass()
        .args(["regenerate", "1", "--new-key", "--key-type", "ec"])
        .assert()
        .success();
    assert_ne!(
        csr_pubkey(&ks.csr_path("r")),
        csr_pubkey(&h.join("csr.pem"))
    );
    assert!(req_text(&ks.csr_path("r")).contains("P-256"));
    assert_key_matches(&ks, "r", Some(PASS));
    assert!(ks.record("r").join("history/2/key.pem").is_file());
    // Key flags without --new-key are refused.
    ks.cmd_pass()
        .args(["regenerate", "r", "--key-size", "4096"])
        .assert()
        .code(2);
}

#[test]
fn failed_regenerate_leaves_the_record_byte_identical() {
    let ks = Ks::new();
    ks.cmd_pass()
        .args(["generate", "r", "--cn", "r.example.com"])
        .assert()
        .success();
    let before = ks.snapshot();
    // Wrong passphrase: exit 6.
    let o = ks
        .cmd()
        .env("CSRKIT_PASSPHRASE", "not the passphrase")
        .args(["regenerate", "r"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert!(!stderr(&o).contains("not the passphrase"));
    // No passphrase source and no terminal: exit 2 naming the options.
    let o = ks.cmd().args(["regenerate", "r"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--passphrase-file"), "{}", stderr(&o));
    // --no-passphrase cannot open an encrypted key: exit 6.
    ks.cmd()
        .args(["regenerate", "r", "--no-passphrase"])
        .assert()
        .code(6);
    // Invalid input: exit 2.
    ks.cmd_pass()
        .args(["regenerate", "r", "--country", "QQ"])
        .assert()
        .code(2);
    ks.cmd_pass().args(["regenerate", "nope"]).assert().code(3);
    assert_eq!(before, ks.snapshot(), "the keystore changed");
}

#[test]
fn list_and_delete() {
    let ks = Ks::new();
    // An empty keystore lists the header (and says so on stderr).
    ks.cmd()
        .args(["list"])
        .assert()
        .success()
        .stdout("ID  NAME  CN  KEY  CREATED  REV  STATUS  EXPIRES\n");
    for n in ["a", "b"] {
        ks.cmd()
            .args([
                "generate",
                n,
                "--cn",
                &format!("{n}.example.com"),
                "--key-type",
                "ed25519",
                "--no-passphrase",
            ])
            .assert()
            .success();
    }
    let o = ks
        .cmd()
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    let v = json(&o);
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[0]["id"], 1);
    assert_eq!(v[1]["name"], "b");
    assert_eq!(v[1]["common_name"], "b.example.com");
    let t = stdout(&ks.cmd().arg("list").output().unwrap());
    assert!(t.lines().next().unwrap().starts_with("ID"));
    assert!(t.contains("a.example.com") && t.contains("Ed25519"), "{t}");
    // The exact table: each column as wide as its widest cell, two spaces
    // between columns, none after the last.
    let created = |i: usize| v[i]["created"].as_str().unwrap().to_string();
    let row = |c: [&str; 8]| {
        format!(
            "{:<2}  {:<4}  {:<13}  {:<7}  {:<24}  {:<3}  {:<7}  {}\n",
            c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]
        )
    };
    let expected = row([
        "ID", "NAME", "CN", "KEY", "CREATED", "REV", "STATUS", "EXPIRES",
    ]) + &row([
        "1",
        "a",
        "a.example.com",
        "Ed25519",
        &created(0),
        "1",
        "pending",
        "-",
    ]) + &row([
        "2",
        "b",
        "b.example.com",
        "Ed25519",
        &created(1),
        "1",
        "pending",
        "-",
    ]);
    assert_eq!(t, expected);
    // Delete needs --yes without a terminal.
    let before = ks.snapshot();
    let o = ks.cmd().args(["delete", "a"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--yes"));
    assert_eq!(before, ks.snapshot());
    ks.cmd().args(["delete", "1", "--yes"]).assert().success();
    assert!(!ks.record("a").exists());
    ks.cmd().args(["delete", "a", "--yes"]).assert().code(3);
    // Ids are never reused.
    ks.generate_ec("c");
    let v = json(
        &ks.cmd()
            .args(["show", "c", "--format", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(v["id"], 3);
}

#[test]
fn permissions_are_private() {
    let ks = Ks::new();
    ks.cmd_pass()
        .args(["generate", "p", "--cn", "p"])
        .assert()
        .success();
    assert_eq!(mode(&ks.root()), 0o700);
    assert_eq!(mode(&ks.root().join("records")), 0o700);
    assert_eq!(mode(&ks.record("p")), 0o700);
    assert_eq!(mode(&ks.key_path("p")), 0o600);
    // A group-writable keystore is refused.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(ks.root(), std::fs::Permissions::from_mode(0o770)).unwrap();
    let o = ks.cmd().args(["list"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("writable"), "{}", stderr(&o));
}

#[test]
fn unencrypted_keys_only_when_asked() {
    let ks = Ks::new();
    // No source, no terminal: exit 2 naming the options, nothing written.
    let o = ks
        .cmd()
        .args(["generate", "n", "--cn", "n"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    for opt in [
        "--passphrase-file",
        "--passphrase-env",
        "CSRKIT_PASSPHRASE",
        "--no-passphrase",
    ] {
        assert!(stderr(&o).contains(opt), "{}", stderr(&o));
    }
    assert!(!ks.record("n").exists());
    // --passphrase-env VAR.
    ks.cmd()
        .env("MY_SECRET", "s3cret-from-env")
        .args([
            "generate",
            "e",
            "--cn",
            "e",
            "--passphrase-env",
            "MY_SECRET",
            "--key-type",
            "ec",
        ])
        .assert()
        .success();
    assert_key_matches(&ks, "e", Some("s3cret-from-env"));
    // --no-passphrase: PKCS#8 PRIVATE KEY, still 0600.
    ks.generate_ec("u");
    assert!(std::fs::read_to_string(ks.key_path("u"))
        .unwrap()
        .starts_with("-----BEGIN PRIVATE KEY-----"));
    assert_eq!(mode(&ks.key_path("u")), 0o600);
    assert_key_matches(&ks, "u", None);
    // An unencrypted key regenerates without a passphrase.
    ks.cmd().args(["regenerate", "u"]).assert().success();
}

#[test]
fn lock_timeout_exits_5() {
    let ks = Ks::new();
    ks.generate_ec("l");
    let before = ks.snapshot();
    let lock = hold_flock(&ks.root().join(".lock"));
    let start = std::time::Instant::now();
    let o = ks
        .cmd()
        .args([
            "--lock-timeout",
            "0.3",
            "generate",
            "m",
            "--cn",
            "m",
            "--no-passphrase",
            "--key-type",
            "ec",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    assert!(stderr(&o).contains("lock"), "{}", stderr(&o));
    drop(lock);
    assert_eq!(before, ks.snapshot());
}

#[test]
fn exit_code_1_for_a_corrupt_record() {
    let ks = Ks::new();
    ks.generate_ec("c");
    std::fs::write(ks.record("c").join("record.json"), b"{ not json").unwrap();
    let o = ks.cmd().args(["show", "c"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("record.json"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn clap_usage_errors_exit_2() {
    let ks = Ks::new();
    ks.cmd().args(["generate", "--bogus"]).assert().code(2);
    ks.cmd().args(["show"]).assert().code(2);
    ks.cmd().args(["--format", "yaml", "list"]).assert().code(2);
    ks.cmd()
        .args([
            "generate",
            "x",
            "--cn",
            "x",
            "--no-passphrase",
            "--passphrase-file",
            "f",
        ])
        .assert()
        .code(2);
}

#[test]
fn list_and_lookup_by_id_survive_a_stale_or_missing_catalog() {
    let ks = Ks::new();
    for n in ["a", "b", "c"] {
        ks.cmd()
            .args([
                "generate",
                n,
                "--cn",
                &format!("{n}.example.com"),
                "--key-type",
                "ec",
                "--no-passphrase",
            ])
            .assert()
            .success();
    }
    ks.cmd()
        .args(["regenerate", "b", "--org", "Two"])
        .assert()
        .success();
    let names = |ks: &Ks| ks.listed();
    let want = vec![
        (1, "a".to_string(), 1),
        (2, "b".to_string(), 2),
        (3, "c".to_string(), 1),
    ];
    assert_eq!(names(&ks), want);
    let catalog = ks.root().join("records/.catalog");
    // A catalog that lost its last lines (crash) or is garbage: same answers.
    let full = std::fs::read(&catalog).unwrap();
    std::fs::write(&catalog, &full[..full.len() / 2]).unwrap();
    assert_eq!(names(&ks), want);
    std::fs::write(&catalog, b"not json\n{\"op\":\"put\"}\n").unwrap();
    assert_eq!(names(&ks), want);
    std::fs::remove_file(&catalog).unwrap();
    assert_eq!(names(&ks), want);
    // Lines whose start is whole (op, inode, id, name: what `list` reads
    // before its first row) and the rest torn: each record is read from
    // its record.json instead, in the same order.
    let rewritten = std::fs::read_to_string(&catalog).unwrap();
    assert_eq!(rewritten.lines().count(), 3, "{rewritten}");
    let torn: String = rewritten
        .lines()
        .map(|l| format!("{}\n", &l[..l.find(",\"description\"").unwrap()]))
        .collect();
    std::fs::write(&catalog, torn).unwrap();
    assert_eq!(names(&ks), want);
    std::fs::remove_file(&catalog).ok();
    ks.cmd().args(["show", "3"]).assert().success();
    // A record replaced behind the catalog's back (different inode) is re-read.
    let rec = ks.record("b");
    let copy = ks.root().join("records/.copy");
    std::fs::create_dir(&copy).unwrap();
    for f in ["csr.pem", "key.pem", "record.json"] {
        std::fs::copy(rec.join(f), copy.join(f)).unwrap();
    }
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(copy.join("record.json")).unwrap()).unwrap();
    meta["revision"] = 9.into();
    std::fs::write(copy.join("record.json"), serde_json::to_vec(&meta).unwrap()).unwrap();
    std::fs::remove_dir_all(&rec).unwrap();
    std::fs::rename(&copy, &rec).unwrap();
    assert_eq!(names(&ks)[1], (2, "b".to_string(), 9));
}

#[test]
fn boolean_environment_variables_accept_1_and_0() {
    let ks = Ks::new();
    ks.cmd()
        .env("CSRKIT_NO_PASSPHRASE", "1")
        .args(["generate", "u", "--cn", "u", "--key-type", "ec"])
        .assert()
        .success();
    assert!(std::fs::read_to_string(ks.key_path("u"))
        .unwrap()
        .starts_with("-----BEGIN PRIVATE KEY-----"));
    // 0 means off: an encrypted key needs a passphrase source.
    ks.cmd()
        .env("CSRKIT_NO_PASSPHRASE", "0")
        .args(["generate", "v", "--cn", "v", "--key-type", "ec"])
        .assert()
        .code(2);
    ks.cmd()
        .env("CSRKIT_QUIET", "1")
        .env("CSRKIT_NO_INPUT", "yes")
        .args(["list"])
        .assert()
        .success();
}

#[test]
fn ids_are_not_reused_when_the_lock_file_is_lost_or_damaged() {
    let ks = Ks::new();
    for n in ["a", "b", "c"] {
        ks.generate_ec(n);
    }
    ks.cmd().args(["delete", "b", "--yes"]).assert().success();
    let id_of = |ks: &Ks, n: &str| {
        json(
            &ks.cmd()
                .args(["show", n, "--format", "json"])
                .output()
                .unwrap(),
        )["id"]
            .as_u64()
            .unwrap()
    };
    // Lost: the next id is one past the largest in use.
    std::fs::remove_file(ks.root().join(".lock")).unwrap();
    ks.cmd()
        .args([
            "generate",
            "d",
            "--cn",
            "d",
            "--key-type",
            "ec",
            "--no-passphrase",
        ])
        .assert()
        .success();
    assert_eq!(id_of(&ks, "d"), 4);
    // Damaged: same recovery.
    std::fs::write(ks.root().join(".lock"), b"\x00\x01 not a journal").unwrap();
    ks.cmd()
        .args([
            "generate",
            "e",
            "--cn",
            "e",
            "--key-type",
            "ec",
            "--no-passphrase",
        ])
        .assert()
        .success();
    assert_eq!(id_of(&ks, "e"), 5);
    let lock = std::fs::read_to_string(ks.root().join(".lock")).unwrap();
    assert!(lock.starts_with("csrkit-lock 1\nnext-id 6\n"), "{lock}");
}

/// On ext4, the keystore root carries the "top of hierarchy" flag
/// (`chattr +T`) so that `records/` is placed by the Orlov allocator in a
/// quiet block group, away from recently deleted inodes, while `records/`
/// itself does not: record directories stay next to it instead of each
/// paying a scan of all groups and a cold bitmap read (see `mark_top_dir`).
/// Other file systems have no such flag and are skipped.
#[test]
fn keystore_root_is_an_ext4_top_dir_and_records_is_not() {
    let ks = Ks::new();
    ks.generate_ec("t");
    let records = ks.root().join("records");
    let c = std::ffi::CString::new(records.to_str().unwrap()).unwrap();
    // SAFETY: a valid path and a statfs struct we own.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::statfs(c.as_ptr(), &mut st) }, 0);
    if st.f_type != 0xEF53 {
        eprintln!("skipped: not ext4");
        return;
    }
    let flags = |p: &std::path::Path| {
        use std::os::fd::AsRawFd;
        let dir = std::fs::File::open(p).unwrap();
        let mut flags: libc::c_int = 0;
        // SAFETY: FS_IOC_GETFLAGS writes one int we own; the fd is open.
        let rc = unsafe { libc::ioctl(dir.as_raw_fd(), libc::FS_IOC_GETFLAGS, &mut flags) };
        assert_eq!(rc, 0, "FS_IOC_GETFLAGS on ext4");
        flags & 0x0002_0000
    };
    assert_ne!(flags(&ks.root()), 0, "the keystore root is not +T");
    assert_eq!(
        flags(&records),
        0,
        "records/ is +T: every record directory would be spread"
    );
}

/// SPEC §2: the default keystore is `$XDG_DATA_HOME/csrkit`, else
/// `~/.local/share/csrkit`. A relative `XDG_DATA_HOME` is ignored (XDG base
/// directory spec), and with no home directory at all the command refuses
/// (exit 2, naming --keystore) instead of writing keys under the cwd.
#[test]
fn default_keystore_follows_xdg_then_home_and_never_the_cwd() {
    let t = tempfile::tempdir().unwrap();
    let base = |xdg: &str| {
        let mut c = assert_cmd::Command::cargo_bin("csrkit").unwrap();
        c.current_dir(t.path())
            .env_remove("CSRKIT_KEYSTORE")
            .env("HOME", t.path().join("home"))
            .env("XDG_DATA_HOME", xdg)
            .env("CI", "true");
        c
    };
    let gen = ["generate", "--key-type", "ec", "--no-passphrase", "--cn"];
    let xdg = t.path().join("xdg");
    let o = base(xdg.to_str().unwrap())
        .args(gen)
        .arg("a.example.com")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(xdg.join("csrkit/records/a.example.com/csr.pem").is_file());
    assert_eq!(mode(&xdg.join("csrkit")), 0o700);

    let o = base("relative/data")
        .args(gen)
        .arg("b.example.com")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let home_ks = t.path().join("home/.local/share/csrkit");
    assert!(home_ks.join("records/b.example.com/csr.pem").is_file());
    assert!(!t.path().join("relative").exists());

    // No HOME and no password-database entry: only a uid without one has
    // that, so this part needs root (as in CI) to switch to such a uid.
    let setpriv = std::path::Path::new("/usr/bin/setpriv");
    if unsafe { libc::geteuid() } != 0 || !setpriv.exists() {
        eprintln!("skipped the no-home case: needs root and setpriv");
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("csrkit");
    let o = std::process::Command::new(setpriv)
        .args(["--reuid=54321", "--regid=54321", "--clear-groups"])
        .arg(&bin)
        .args(gen)
        .arg("c.example.com")
        .current_dir(t.path())
        .env_clear()
        .env("CI", "true")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with("error: --keystore: no home directory"),
        "{err}"
    );
    assert!(
        err.contains("hint: give --keystore DIR or set CSRKIT_KEYSTORE"),
        "{err}"
    );
    assert!(!t.path().join(".local").exists());
}

/// A passphrase option on the command line wins over the environment's
/// defaults: `--passphrase-env VAR` with `CSRKIT_PASSPHRASE_FILE` exported
/// encrypts with VAR's passphrase, and `--no-passphrase` is not a conflict.
#[test]
fn passphrase_options_win_over_environment_defaults() {
    let ks = Ks::new();
    let dir = ks.root();
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.parent().unwrap().join("pp.txt");
    std::fs::write(&file, "from the file\n").unwrap();
    let o = csrkit(&dir)
        .env("CSRKIT_PASSPHRASE_FILE", &file)
        .env("MYPP", "from the variable")
        .args(["generate", "a", "--cn", "a.example.com", "--key-type", "ec"])
        .args(["--passphrase-env", "MYPP"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(key_pubkey(&ks.key_path("a"), Some("from the variable"))
        .status
        .success());
    assert!(!key_pubkey(&ks.key_path("a"), Some("from the file"))
        .status
        .success());

    // An unset variable is still an error, whatever the environment holds.
    let o = csrkit(&dir)
        .env("CSRKIT_PASSPHRASE_FILE", &file)
        .env_remove("NOPE")
        .args(["generate", "b", "--cn", "b.example.com", "--key-type", "ec"])
        .args(["--passphrase-env", "NOPE"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("NOPE"), "{}", stderr(&o));

    // --no-passphrase with the file exported: unencrypted, no conflict.
    let o = csrkit(&dir)
        .env("CSRKIT_PASSPHRASE_FILE", &file)
        .args(["generate", "c", "--cn", "c.example.com", "--key-type", "ec"])
        .arg("--no-passphrase")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(ks.key_path("c"))
        .unwrap()
        .contains("BEGIN PRIVATE KEY"));

    // With no option, the environment's file is the default.
    let o = csrkit(&dir)
        .env("CSRKIT_PASSPHRASE_FILE", &file)
        .args(["generate", "d", "--cn", "d.example.com", "--key-type", "ec"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(key_pubkey(&ks.key_path("d"), Some("from the file"))
        .status
        .success());
}

/// `XX`, ISO 3166's user-assigned code, is a country the CA/B Forum BRs
/// (7.1.4.2.2) allow where a country has no code of its own; other
/// user-assigned codes (`QQ`) are refused.
#[test]
fn country_xx_is_accepted_and_other_user_assigned_codes_are_not() {
    let ks = Ks::new();
    let o = csrkit(&ks.root())
        .args([
            "generate",
            "xx",
            "--cn",
            "xx.example.com",
            "--country",
            "xx",
        ])
        .args(["--key-type", "ec", "--no-passphrase"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        req_subject(&ks.csr_path("xx")).contains("C=XX"),
        "{}",
        req_subject(&ks.csr_path("xx"))
    );
    let o = csrkit(&ks.root())
        .args([
            "generate",
            "qq",
            "--cn",
            "qq.example.com",
            "--country",
            "QQ",
        ])
        .args(["--key-type", "ec", "--no-passphrase"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
