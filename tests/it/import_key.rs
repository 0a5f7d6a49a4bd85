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

/// `openssl pkcs12 -export` of own.key and own.pem with the CA, as `out`,
/// with `extra` options (the profile) and the password `pass`.
fn pfx(d: &std::path::Path, out: &str, pass: &str, extra: &[&str]) {
    let pass = format!("pass:{pass}");
    let mut args = vec![
        "pkcs12",
        "-export",
        "-inkey",
        "own.key",
        "-in",
        "own.pem",
        "-certfile",
        "ca.pem",
        "-out",
        out,
        "-passout",
        &pass,
        "-name",
        "own-p12",
    ];
    args.extend_from_slice(extra);
    openssl_in(d, &args);
}

#[test]
fn pkcs12_files_openssl_makes_become_records() {
    let ks = Ks::new();
    let d = pki(&ks);
    let p = |f: &str| d.join(f).to_str().unwrap().to_string();
    std::fs::write(d.join("p12pass"), "p12-pass-456\n").unwrap();
    pfx(&d, "modern.pfx", "p12-pass-456", &[]);
    pfx(&d, "legacy.pfx", "p12-pass-456", &["-legacy"]);
    pfx(
        &d,
        "tdes.pfx",
        "p12-pass-456",
        &[
            "-certpbe",
            "PBE-SHA1-3DES",
            "-keypbe",
            "PBE-SHA1-3DES",
            "-macalg",
            "sha1",
        ],
    );
    pfx(&d, "nopass.pfx", "", &[]);
    let want = pubkey(&d.join("own.key"), None);
    // The modern file, its password from a file; the record is named by
    // the key's friendlyName, its chain is the CA's, its key is OpenSSL's.
    ks.cmd()
        .args([
            "import",
            "--pkcs12",
            &p("modern.pfx"),
            "--key-passphrase-file",
            &p("p12pass"),
            "--no-passphrase",
        ])
        .assert()
        .success();
    assert_eq!(pubkey(&ks.key_path("own-p12"), None), want);
    assert_verifies(&ks.csr_path("own-p12"));
    let shown = stdout(
        &ks.cmd()
            .args(["show", "own-p12", "--format", "json"])
            .output()
            .unwrap(),
    );
    assert!(shown.contains("import key CA"), "{shown}");
    // Legacy RC2 and 3DES, the password from the environment; stored
    // encrypted under the keystore's passphrase.
    for (file, name) in [("legacy.pfx", "legacy"), ("tdes.pfx", "tdes")] {
        ks.cmd_pass()
            .env("P12_PASS", "p12-pass-456")
            .args([
                "import",
                "--pkcs12",
                &p(file),
                "--key-passphrase-env",
                "P12_PASS",
                "--record",
                name,
            ])
            .assert()
            .success();
        assert_eq!(pubkey(&ks.key_path(name), Some(PASS)), want, "{file}");
        assert!(std::fs::read_to_string(ks.key_path(name))
            .unwrap()
            .contains("ENCRYPTED PRIVATE KEY"));
    }
    // No password given: the empty one.
    ks.cmd()
        .args([
            "import",
            "--pkcs12",
            &p("nopass.pfx"),
            "--record",
            "nopass",
            "--no-passphrase",
        ])
        .assert()
        .success();
    assert_eq!(pubkey(&ks.key_path("nopass"), None), want);
    // csrkit's own PKCS#12 export reads back the same way.
    std::fs::write(d.join("exppass"), "export-pass-789\n").unwrap();
    ks.cmd()
        .args([
            "export",
            "nopass",
            "--format",
            "pkcs12",
            "--export-passphrase-file",
            &p("exppass"),
            "--output",
            &p("csrkit.pfx"),
        ])
        .assert()
        .success();
    ks.cmd()
        .args([
            "import",
            "--pkcs12",
            &p("csrkit.pfx"),
            "--key-passphrase-file",
            &p("exppass"),
            "--record",
            "again",
            "--no-passphrase",
        ])
        .assert()
        .success();
    assert_eq!(pubkey(&ks.key_path("again"), None), want);
}

#[test]
fn hostile_or_wrong_pkcs12_files_are_refused_and_change_nothing() {
    let ks = Ks::new();
    let d = pki(&ks);
    let p = |f: &str| d.join(f).to_str().unwrap().to_string();
    pfx(&d, "modern.pfx", "right", &[]);
    // A CA's own certificate with its key: attach refuses it (exit 2).
    openssl_in(
        &d,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "ca.key",
            "-in",
            "ca.pem",
            "-out",
            "ca.pfx",
            "-passout",
            "pass:right",
        ],
    );
    let good = std::fs::read(d.join("modern.pfx")).unwrap();
    std::fs::write(d.join("truncated.pfx"), &good[..good.len() / 2]).unwrap();
    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x55;
    std::fs::write(d.join("flipped.pfx"), &flipped).unwrap();
    std::fs::write(d.join("pem.pfx"), std::fs::read(d.join("own.pem")).unwrap()).unwrap();
    std::fs::write(d.join("empty.pfx"), b"").unwrap();
    // A length that runs past the end.
    std::fs::write(
        d.join("lengths.pfx"),
        [0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x01, 0x03],
    )
    .unwrap();
    std::fs::write(d.join("right"), "right\n").unwrap();
    std::fs::write(d.join("wrong"), "wrong\n").unwrap();
    ks.generate_ec("keep");
    let before = ks.snapshot();
    for (file, pass, code) in [
        ("modern.pfx", "wrong", 6),
        ("ca.pfx", "right", 2),
        ("truncated.pfx", "right", 2),
        ("flipped.pfx", "right", 0),
        ("pem.pfx", "right", 2),
        ("empty.pfx", "right", 2),
        ("lengths.pfx", "right", 2),
    ] {
        let out = ks
            .cmd()
            .args([
                "import",
                "--pkcs12",
                &p(file),
                "--key-passphrase-file",
                &p(pass),
                "--no-passphrase",
            ])
            .output()
            .unwrap();
        let got = out.status.code();
        if code == 0 {
            // A flipped byte fails the MAC or the DER: 6 or 2, never a panic.
            assert!(
                matches!(got, Some(2) | Some(6)),
                "{file}: {got:?} {}",
                stderr(&out)
            );
        } else {
            assert_eq!(got, Some(code), "{file}: {}", stderr(&out));
        }
        assert!(stderr(&out).contains("error:"), "{file}: {}", stderr(&out));
    }
    assert_same(&before, &ks.snapshot(), "refused PKCS#12 imports");
}
