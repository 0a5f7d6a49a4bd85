//! `csrkit export`: PEM, DER, PKCS#7, PKCS#12 in its three profiles and
//! the vendor import bodies. The readers are others': OpenSSL (`pkcs12
//! -info`, `pkey`, `pkcs7 -print_certs`, `x509`), OpenJDK's `keytool` and
//! Python `cryptography` (each skipped with a note only when absent; CI
//! installs them). The test PKI (a root and an intermediate) is made here
//! by OpenSSL.

use crate::support;

use std::path::PathBuf;
use std::process::Command as StdCommand;

use support::*;

const EXPORT_PASS: &str = "export pass 4b1d, with spaces";

struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Pki {
        let pki = Pki {
            dir: tempfile::tempdir().unwrap(),
        };
        openssl_root_and_intermediate(
            pki.dir.path(),
            "/CN=Export Test Root",
            "/CN=Export Test Intermediate",
        );
        pki
    }

    fn path(&self, f: &str) -> PathBuf {
        self.dir.path().join(f)
    }

    /// Signs record `name`'s CSR with the intermediate and imports it with
    /// the chain: the record then holds leaf, intermediate, root.
    fn issue(&self, ks: &Ks, name: &str) {
        let d = self.dir.path();
        std::fs::write(
            d.join("leaf.ext"),
            format!("subjectAltName=DNS:{name}.example.com\nextendedKeyUsage=serverAuth\n"),
        )
        .unwrap();
        let out = format!("{name}.pem");
        openssl_in(
            d,
            &[
                "x509",
                "-req",
                "-in",
                ks.csr_path(name).to_str().unwrap(),
                "-CA",
                "int.pem",
                "-CAkey",
                "int.key",
                "-set_serial",
                "77",
                "-out",
                &out,
                "-days",
                "90",
                "-extfile",
                "leaf.ext",
            ],
        );
        let o = ks
            .cmd()
            .args(["import", self.path(&out).to_str().unwrap(), "--ca-file"])
            .arg(self.path("int.pem"))
            .arg("--ca-file")
            .arg(self.path("root.pem"))
            .output()
            .unwrap();
        assert!(o.status.success(), "import: {}", stderr(&o));
    }
}

/// A keystore with record `name` (RSA with an encrypted key, or EC
/// without) issued by the test PKI.
fn issued(rsa: bool, name: &str) -> (Ks, Pki) {
    let ks = Ks::new();
    let mut c = if rsa { ks.cmd_pass() } else { ks.cmd() };
    c.args(["generate", name, "--cn", &format!("{name}.example.com")]);
    if !rsa {
        c.args(["--key-type", "ec", "--no-passphrase"]);
    }
    let o = c.output().unwrap();
    assert!(o.status.success(), "generate: {}", stderr(&o));
    let pki = Pki::new();
    pki.issue(&ks, name);
    (ks, pki)
}

fn pass_file(ks: &Ks) -> PathBuf {
    ks.file("export-pass", format!("{EXPORT_PASS}\n").as_bytes())
}

/// `csrkit export NAME ARGS` with the stored key's passphrase in the
/// environment and the export passphrase in a file.
fn export(ks: &Ks, name: &str, args: &[&str]) -> std::process::Output {
    let pf = pass_file(ks);
    let out = ks
        .cmd_pass()
        .args(["export", name, "--export-passphrase-file"])
        .arg(&pf)
        .args(args)
        .output()
        .unwrap();
    no_panic(&out);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        !all.contains(EXPORT_PASS),
        "the export passphrase was printed"
    );
    assert!(!all.contains(PASS), "the keystore passphrase was printed");
    out
}

fn ok_export(ks: &Ks, name: &str, args: &[&str]) -> std::process::Output {
    let out = export(ks, name, args);
    assert!(out.status.success(), "export {args:?}: {}", stderr(&out));
    out
}

/// openssl with the export passphrase in its environment (never argv).
fn openssl_pass(args: &[&str]) -> std::process::Output {
    StdCommand::new("openssl")
        .args(args)
        .env("P12PASS", EXPORT_PASS)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

/// The certificates' subjects of a PEM text, in order (openssl x509 on each).
fn subjects(pem_text: &str) -> Vec<String> {
    pem::parse_many(pem_text)
        .unwrap()
        .into_iter()
        .filter(|b| b.tag() == "CERTIFICATE")
        .map(|b| {
            let o = openssl(
                &["x509", "-inform", "DER", "-noout", "-subject"],
                Some(b.contents()),
            );
            stdout(&o).trim().to_string()
        })
        .collect()
}

fn leaf_pubkey(ks: &Ks, name: &str) -> String {
    let cert = ks.record(name).join("cert.pem");
    stdout(&openssl(
        &["x509", "-in", cert.to_str().unwrap(), "-noout", "-pubkey"],
        None,
    ))
}

const CHAIN: [&str; 3] = [
    "subject=CN = web.example.com",
    "subject=CN = Export Test Intermediate",
    "subject=CN = Export Test Root",
];

#[test]
fn pkcs12_profiles_are_what_openssl_reports_and_hold_key_and_chain() {
    let (ks, _pki) = issued(true, "web");
    let cases = [
        ("modern", false, ["MAC: sha256, Iteration 600000", "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 600000, PRF hmacWithSHA256", "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 600000, PRF hmacWithSHA256"]),
        ("legacy-3des", false, ["MAC: sha1, Iteration 2048", "PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048", "Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048"]),
        ("legacy-rc2", true, ["MAC: sha1, Iteration 2048", "PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC, Iteration 2048", "Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048"]),
    ];
    for (profile, legacy, want) in cases {
        let file = ks.dir.path().join(format!("web-{profile}.p12"));
        ok_export(
            &ks,
            "web",
            &[
                "--format",
                "pkcs12",
                "--p12-profile",
                profile,
                "-o",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(mode(&file), 0o600, "{profile}");
        let mut args = vec![
            "pkcs12",
            "-in",
            file.to_str().unwrap(),
            "-passin",
            "env:P12PASS",
            "-info",
            "-nodes",
        ];
        if legacy {
            args.push("-legacy");
        }
        let o = openssl_pass(&args);
        let info = format!("{}{}", stdout(&o), stderr(&o));
        assert!(o.status.success(), "{profile}: {info}");
        for w in want {
            assert!(info.contains(w), "{profile}: no {w:?} in {info}");
        }
        assert_eq!(
            info.matches("friendlyName: web").count(),
            2,
            "{profile}: {info}"
        );
        assert_eq!(info.matches("localKeyID:").count(), 2, "{profile}: {info}");
        assert_eq!(subjects(&info), CHAIN, "{profile}");
        // The key in the file is the leaf's.
        let key = pem::parse_many(&info)
            .unwrap()
            .into_iter()
            .find(|b| b.tag() == "PRIVATE KEY")
            .expect("a key");
        let pk = openssl(&["pkey", "-inform", "DER", "-pubout"], Some(key.contents()));
        assert_eq!(stdout(&pk), leaf_pubkey(&ks, "web"), "{profile}");
        // OpenSSL 3 refuses RC2 without -legacy: the profile is what it says.
        if legacy {
            let o = openssl_pass(&[
                "pkcs12",
                "-in",
                file.to_str().unwrap(),
                "-passin",
                "env:P12PASS",
                "-info",
                "-nokeys",
            ]);
            assert!(!o.status.success(), "legacy-rc2 read without -legacy");
        }
        // A wrong password fails the MAC.
        let o = openssl(
            &[
                "pkcs12",
                "-in",
                file.to_str().unwrap(),
                "-passin",
                "pass:wrong",
                "-noout",
            ],
            None,
        );
        assert!(!o.status.success(), "{profile}: wrong password accepted");
    }
}

#[test]
fn pkcs12_without_an_export_passphrase_has_an_empty_password() {
    let (ks, _pki) = issued(false, "web");
    let file = ks.dir.path().join("open.p12");
    let o = ks
        .cmd()
        .args([
            "export",
            "web",
            "--format",
            "pkcs12",
            "--no-export-passphrase",
            "-o",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("with the key, unencrypted"),
        "{}",
        stderr(&o)
    );
    let o = openssl(
        &[
            "pkcs12",
            "-in",
            file.to_str().unwrap(),
            "-passin",
            "pass:",
            "-nodes",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(subjects(&stdout(&o)), CHAIN);
}

#[test]
fn keytool_reads_modern_and_legacy_3des() {
    if StdCommand::new("keytool").arg("-help").output().is_err() {
        missing_tool("keytool (OpenJDK)");
        return;
    }
    let (ks, _pki) = issued(true, "web");
    for profile in ["modern", "legacy-3des"] {
        let file = ks.dir.path().join(format!("k-{profile}.p12"));
        ok_export(
            &ks,
            "web",
            &[
                "--format",
                "pkcs12",
                "--p12-profile",
                profile,
                "-o",
                file.to_str().unwrap(),
            ],
        );
        let o = StdCommand::new("keytool")
            .args([
                "-list",
                "-v",
                "-storetype",
                "PKCS12",
                "-keystore",
                file.to_str().unwrap(),
                "-storepass:env",
                "P12PASS",
            ])
            .env("P12PASS", EXPORT_PASS)
            .output()
            .unwrap();
        let text = format!("{}{}", stdout(&o), stderr(&o));
        assert!(o.status.success(), "keytool {profile}: {text}");
        assert!(text.contains("Alias name: web"), "{profile}: {text}");
        assert!(
            text.contains("Entry type: PrivateKeyEntry"),
            "{profile}: {text}"
        );
        assert!(
            text.contains("Certificate chain length: 3"),
            "{profile}: {text}"
        );
    }
}

#[test]
fn python_cryptography_loads_every_profile() {
    let probe = StdCommand::new("python3")
        .args([
            "-c",
            "import cryptography.hazmat.primitives.serialization.pkcs12",
        ])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        missing_tool("Python cryptography");
        return;
    }
    for rsa in [true, false] {
        let (ks, _pki) = issued(rsa, "web");
        for profile in ["modern", "legacy-3des", "legacy-rc2"] {
            let file = ks.dir.path().join(format!("p-{profile}.p12"));
            ok_export(
                &ks,
                "web",
                &[
                    "--format",
                    "pkcs12",
                    "--p12-profile",
                    profile,
                    "-o",
                    file.to_str().unwrap(),
                ],
            );
            let script = "import os,sys\n\
from cryptography.hazmat.primitives.serialization import pkcs12\n\
k,c,more = pkcs12.load_key_and_certificates(open(sys.argv[1],'rb').read(), os.environ['P12PASS'].encode())\n\
assert k.public_key() == c.public_key(), 'key does not match leaf'\n\
print(c.subject.rfc4514_string(), len(more), [m.subject.rfc4514_string() for m in more])\n";
            let o = StdCommand::new("python3")
                .args(["-c", script, file.to_str().unwrap()])
                .env("P12PASS", EXPORT_PASS)
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "python {profile} rsa={rsa}: {}",
                stderr(&o)
            );
            assert_eq!(
                stdout(&o).trim(),
                "CN=web.example.com 2 ['CN=Export Test Intermediate', 'CN=Export Test Root']",
                "{profile}"
            );
        }
    }
}

#[test]
fn pem_der_and_pkcs7() {
    let (ks, _pki) = issued(false, "web");
    let pem_out = stdout(&ok_export(&ks, "web", &[]));
    assert_eq!(subjects(&pem_out), CHAIN);
    assert!(!pem_out.contains("PRIVATE KEY"));
    // --with-key: the key after the chain, encrypted with the export passphrase.
    let with = stdout(&ok_export(&ks, "web", &["--with-key"]));
    assert!(with.starts_with(&pem_out), "leaf and chain first");
    assert!(with.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let key = ks.file("k.pem", &with.as_bytes()[pem_out.len()..]);
    let o = openssl_pass(&[
        "pkey",
        "-in",
        key.to_str().unwrap(),
        "-passin",
        "env:P12PASS",
        "-pubout",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), leaf_pubkey(&ks, "web"));
    let plain = ks
        .cmd()
        .args(["export", "web", "--with-key", "--no-export-passphrase"])
        .output()
        .unwrap();
    assert!(plain.status.success(), "{}", stderr(&plain));
    assert!(stdout(&plain).contains("-----BEGIN PRIVATE KEY-----"));
    // der: the leaf.
    let der = ks.dir.path().join("web.der");
    let o = ok_export(
        &ks,
        "web",
        &["--format", "der", "-o", der.to_str().unwrap()],
    );
    // The note says what the file holds: one certificate, not three.
    let note = stderr(&o);
    assert!(
        note.contains("(der, 1 certificate: the leaf, not the chain of 2"),
        "{note}"
    );
    assert!(!note.contains("3 certificates"), "{note}");
    let o = openssl(
        &[
            "x509",
            "-inform",
            "DER",
            "-in",
            der.to_str().unwrap(),
            "-noout",
            "-subject",
        ],
        None,
    );
    assert_eq!(stdout(&o).trim(), CHAIN[0]);
    // pkcs7: every certificate, leaf first.
    let p7 = stdout(&ok_export(&ks, "web", &["--format", "pkcs7"]));
    assert!(p7.starts_with("-----BEGIN PKCS7-----"));
    let o = openssl(&["pkcs7", "-print_certs", "-noout"], Some(p7.as_bytes()));
    let printed = stdout(&o);
    let listed: Vec<&str> = printed
        .lines()
        .filter(|l| l.starts_with("subject="))
        .map(str::trim)
        .collect();
    assert_eq!(listed, CHAIN);
    // --with-key where the format carries no key.
    let o = export(&ks, "web", &["--format", "pkcs7", "--with-key"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn refusals_write_nothing() {
    let (ks, _pki) = issued(true, "web");
    let out = ks.dir.path().join("out.p12");
    let o_arg = out.to_str().unwrap();
    // No export passphrase and no terminal: exit 2, no file.
    let o = ks
        .cmd_pass()
        .args(["export", "web", "--format", "pkcs12", "-o", o_arg])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--no-export-passphrase"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    // The stored key does not decrypt: exit 6, no file.
    let pf = pass_file(&ks);
    let o = ks
        .cmd()
        .env("CSRKIT_PASSPHRASE", "not the passphrase")
        .args([
            "export",
            "web",
            "--format",
            "pkcs12",
            "-o",
            o_arg,
            "--export-passphrase-file",
        ])
        .arg(&pf)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert!(!out.exists());
    // A pending record: exit 3, the hint names import and self-sign.
    let o = ks
        .cmd()
        .args([
            "generate",
            "pending",
            "--cn",
            "p.example.com",
            "--key-type",
            "ec",
            "--no-passphrase",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = export(&ks, "pending", &["-o", o_arg]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("csrkit import") && stderr(&o).contains("self-sign"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    // -o never overwrites without --force; with it, the file is replaced, 0600.
    std::fs::write(&out, b"keep me").unwrap();
    let o = export(&ks, "web", &["--format", "pkcs12", "-o", o_arg]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
    ok_export(&ks, "web", &["--format", "pkcs12", "-o", o_arg, "--force"]);
    assert_ne!(std::fs::read(&out).unwrap(), b"keep me");
    assert_eq!(mode(&out), 0o600);
    // 0600 whatever the umask.
    let pem_out = ks.dir.path().join("umask.pem");
    let o = StdCommand::new("sh")
        .args([
            "-c",
            "umask 000; exec \"$@\"",
            "sh",
            env!("CARGO_BIN_EXE_csrkit"),
            "export",
            "web",
            "--with-key",
            "--no-export-passphrase",
            "-o",
            pem_out.to_str().unwrap(),
        ])
        .env("CSRKIT_KEYSTORE", ks.root())
        .env("CSRKIT_PASSPHRASE", PASS)
        .env("CI", "true")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mode(&pem_out), 0o600);
    // Shapes without an export operation are refused.
    for f in ["text", "json"] {
        let o = export(&ks, "web", &["--format", f]);
        assert_eq!(o.status.code(), Some(2), "{f}");
        assert!(
            stderr(&o).contains(&format!("the {f} format has no export operation")),
            "{}",
            stderr(&o)
        );
    }
    // The keystore is only read.
    let before = ks.snapshot();
    ok_export(
        &ks,
        "web",
        &[
            "--format",
            "pkcs12",
            "-o",
            ks.dir.path().join("x.p12").to_str().unwrap(),
        ],
    );
    assert_same(&before, &ks.snapshot(), "export");
}

fn json_body(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[test]
fn vendor_bodies_carry_what_each_import_call_needs() {
    let (ks, _pki) = issued(true, "web");
    // ArcGIS: the PFX for importExistingServerCertificate (alias = friendlyName).
    let pfx = ks.dir.path().join("web.pfx");
    ok_export(
        &ks,
        "web",
        &["--format", "arcgis", "-o", pfx.to_str().unwrap()],
    );
    let o = openssl_pass(&[
        "pkcs12",
        "-in",
        pfx.to_str().unwrap(),
        "-passin",
        "env:P12PASS",
        "-info",
        "-nodes",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("friendlyName: web"));
    assert_eq!(subjects(&stdout(&o)), CHAIN);
    // QRadar: end_certificates JSON.
    let q = json_body(&ok_export(&ks, "web", &["--format", "qradar"]));
    let keys: Vec<&str> = q.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["name", "purpose", "cert_file", "ca_chain_file", "key_file"]
    );
    assert_eq!(q["name"], "web");
    assert_eq!(subjects(q["cert_file"].as_str().unwrap()), CHAIN[..1]);
    assert_eq!(subjects(q["ca_chain_file"].as_str().unwrap()), CHAIN[1..]);
    assert!(q["key_file"]
        .as_str()
        .unwrap()
        .starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let plain = ks
        .cmd_pass()
        .args([
            "export",
            "web",
            "--format",
            "qradar",
            "--no-export-passphrase",
        ])
        .output()
        .unwrap();
    let key_file = json_body(&plain)["key_file"].as_str().unwrap().to_string();
    assert!(
        key_file.starts_with("-----BEGIN PRIVATE KEY-----"),
        "PKCS#8"
    );
    let k = ks.file("q.key", key_file.as_bytes());
    let pk = openssl(&["pkey", "-in", k.to_str().unwrap(), "-pubout"], None);
    assert_eq!(stdout(&pk), leaf_pubkey(&ks, "web"));
    // NSX: TlsTrustData.
    let n = json_body(&ok_export(&ks, "web", &["--format", "nsx"]));
    assert_eq!(n["display_name"], "web");
    assert_eq!(subjects(n["pem_encoded"].as_str().unwrap()), CHAIN);
    assert!(n["private_key"]
        .as_str()
        .unwrap()
        .contains("ENCRYPTED PRIVATE KEY"));
    assert_eq!(n["key_algo"], "RSA");
    // SBC: <ImportCertificate>.
    let s = stdout(&ok_export(&ks, "web", &["--format", "sbc"]));
    assert!(s.starts_with("<ImportCertificate><recordName>web</recordName><format>x509</format><certificateRequest>-----BEGIN CERTIFICATE-----"), "{s}");
    assert!(
        s.trim_end()
            .ends_with("</certificateRequest></ImportCertificate>"),
        "{s}"
    );
    assert_eq!(subjects(&s), CHAIN);
    let parsed = StdCommand::new("python3")
        .args(["-c", "import sys, xml.etree.ElementTree as E\nr = E.fromstring(sys.argv[1])\nprint(r.tag, [c.tag for c in r], r.find('format').text)", &s])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&parsed).trim(),
        "ImportCertificate ['recordName', 'format', 'certificateRequest'] x509",
        "{}",
        stderr(&parsed)
    );
    // XClarity: the PEM bundle, leaf first, no key.
    let x = stdout(&ok_export(&ks, "web", &["--format", "xclarity"]));
    assert_eq!(subjects(&x), CHAIN);
    assert!(!x.contains("PRIVATE KEY"));
}

#[test]
fn qradar_refuses_an_ec_record_before_asking_for_anything() {
    let (ks, _pki) = issued(false, "ec");
    let o = ks
        .cmd()
        .args(["export", "ec", "--format", "qradar"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("QRadar keys are RSA only"),
        "{}",
        stderr(&o)
    );
    let body = json_body(&o);
    assert_eq!(body["http_response"]["code"], 422);
}

#[test]
fn at_a_terminal_the_export_passphrase_is_asked_twice() {
    let (ks, _pki) = issued(true, "web");
    let file = ks.dir.path().join("tty.p12");
    let stored = format!("{PASS}\r");
    let script: Vec<(&str, &str)> = vec![
        ("Passphrase for web", &stored),
        ("Export passphrase for web", "tty export 9\r"),
        ("Repeat", "tty export 9\r"),
    ];
    let script_path = ks.file(
        "script.json",
        serde_json::to_string(&script).unwrap().as_bytes(),
    );
    let o = StdCommand::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pty_driver.py"))
        .arg(&script_path)
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_csrkit"))
        .args(["export", "web", "--format", "pkcs12", "-o"])
        .arg(&file)
        .env("CSRKIT_KEYSTORE", ks.root())
        .env_remove("CI")
        .env_remove("CSRKIT_NO_INPUT")
        .env_remove("CSRKIT_PASSPHRASE")
        .env("TERM", "xterm")
        .output()
        .expect("python3 runs");
    let transcript = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{transcript}");
    assert!(
        !transcript.contains("tty export 9"),
        "the passphrase was echoed"
    );
    assert!(!transcript.contains(PASS), "the passphrase was echoed");
    let o = StdCommand::new("openssl")
        .args([
            "pkcs12",
            "-in",
            file.to_str().unwrap(),
            "-passin",
            "env:P",
            "-nokeys",
        ])
        .env("P", "tty export 9")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(subjects(&stdout(&o)), CHAIN);
}
