//! `import FILE --key KEY`: a key made elsewhere (OpenSSL) and its
//! certificate become a new record whose key is that key (OpenSSL
//! compares them), whose CSR verifies, stored under the passphrase
//! options; a key that is not the certificate's is exit 8 with the
//! keystore unchanged.

use crate::support;

use support::*;

fn pki(ks: &Ks) -> std::path::PathBuf {
    let d = ks.dir.path().join("pki");
    std::fs::create_dir_all(&d).unwrap();
    openssl_root_ca(
        &d,
        "ca",
        "/CN=import key CA",
        30,
        "critical,keyCertSign,cRLSign",
    );
    for (name, key) in [("own", "rsa:2048"), ("other", "rsa:2048")] {
        openssl_in(
            &d,
            &[
                "req",
                "-newkey",
                key,
                "-nodes",
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.csr"),
                "-subj",
                &format!("/CN={name}.example.com/O=Example"),
                "-addext",
                &format!("subjectAltName=DNS:{name}.example.com"),
            ],
        );
        openssl_in(
            &d,
            &[
                "x509",
                "-req",
                "-in",
                &format!("{name}.csr"),
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-days",
                "20",
                "-copy_extensions",
                "copy",
                "-out",
                &format!("{name}.pem"),
            ],
        );
    }
    openssl_in(
        &d,
        &[
            "pkcs8",
            "-topk8",
            "-in",
            "own.key",
            "-out",
            "own.enc.key",
            "-passout",
            "pass:key-pass-123",
        ],
    );
    std::fs::write(d.join("keypass"), "key-pass-123\n").unwrap();
    d
}

fn pubkey(key: &std::path::Path, pass: Option<&str>) -> String {
    stdout(&key_pubkey(key, pass))
}

#[test]
fn a_key_made_elsewhere_becomes_a_record() {
    let ks = Ks::new();
    let d = pki(&ks);
    let p = |f: &str| d.join(f).to_str().unwrap().to_string();
    ks.cmd()
        .args([
            "import",
            &p("own.pem"),
            "--key",
            &p("own.key"),
            "--record",
            "own",
            "--no-passphrase",
        ])
        .assert()
        .success();
    assert_eq!(
        pubkey(&ks.key_path("own"), None),
        pubkey(&d.join("own.key"), None)
    );
    assert_verifies(&ks.csr_path("own"));
    assert!(req_subject(&ks.csr_path("own")).contains("own.example.com"));
    let shown = stdout(
        &ks.cmd()
            .args(["show", "own", "--format", "json"])
            .output()
            .unwrap(),
    );
    assert!(shown.contains("import key CA"), "{shown}");
    // Encrypted on the way in and stored encrypted under CSRKIT_PASSPHRASE.
    ks.cmd_pass()
        .args([
            "import",
            &p("own.pem"),
            "--key",
            &p("own.enc.key"),
            "--key-passphrase-file",
            &p("keypass"),
            "--record",
            "own2",
        ])
        .assert()
        .success();
    assert_eq!(
        pubkey(&ks.key_path("own2"), Some(PASS)),
        pubkey(&d.join("own.key"), None)
    );
    assert!(std::fs::read_to_string(ks.key_path("own2"))
        .unwrap()
        .contains("ENCRYPTED PRIVATE KEY"));
}

#[test]
fn a_key_that_is_not_the_certificates_is_refused() {
    let ks = Ks::new();
    let d = pki(&ks);
    let p = |f: &str| d.join(f).to_str().unwrap().to_string();
    ks.generate_ec("keep");
    let before = ks.snapshot();
    let out = ks
        .cmd()
        .args([
            "import",
            &p("own.pem"),
            "--key",
            &p("other.key"),
            "--no-passphrase",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert!(stderr(&out).contains("private key"), "{}", stderr(&out));
    // A wrong passphrase for an encrypted key: exit 6.
    let out = ks
        .cmd()
        .args([
            "import",
            &p("own.pem"),
            "--key",
            &p("own.enc.key"),
            "--key-passphrase-file",
            &p("own.key"),
            "--no-passphrase",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert_same(&before, &ks.snapshot(), "refused imports");
}
