//! `lint`: each rule fires on a failing input and stays quiet on a passing
//! one. Inputs are made by OpenSSL (not by csrkit), so the rules are tested
//! on the kind of files users bring.

use crate::support;

use support::*;

/// A CSR (or with `cert_days`, a self-signed certificate) made by
/// `openssl req` with a new `key` (`rsa:2048`, `ec:P-256`, ...), the
/// subject and `-addext` extensions given.
fn make(dir: &std::path::Path, key: &str, subj: &str, exts: &[&str], extra: &[&str]) -> Vec<u8> {
    let mut args: Vec<String> = vec!["req".into(), "-new".into(), "-nodes".into()];
    match key.split_once(':') {
        Some(("ec", curve)) => args.extend(
            [
                "-newkey",
                "ec",
                "-pkeyopt",
                &format!("ec_paramgen_curve:{curve}"),
            ]
            .map(String::from),
        ),
        _ => args.extend(["-newkey".to_string(), key.to_string()]),
    }
    args.extend(["-keyout", "/dev/null", "-subj", subj].map(String::from));
    for e in exts {
        args.push("-addext".into());
        args.push(e.to_string());
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let out = std::process::Command::new("openssl")
        .args(&args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", stderr(&out));
    out.stdout
}

fn rules(ks: &Ks, input: &[u8], profiles: &[&str]) -> (Option<i32>, Vec<String>) {
    let mut cmd = ks.cmd();
    cmd.args(["lint", "--file", "-", "--format", "json"]);
    for p in profiles {
        cmd.args(["--profile", p]);
    }
    let out = cmd.write_stdin(input.to_vec()).output().unwrap();
    no_panic(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    let rules = v[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    (out.status.code(), rules)
}

struct Case {
    rule: &'static str,
    profiles: &'static [&'static str],
    key: &'static str,
    bad: (
        &'static str,
        &'static [&'static str],
        &'static [&'static str],
    ),
    good: (
        &'static str,
        &'static [&'static str],
        &'static [&'static str],
    ),
}

const SAN_OK: &str = "subjectAltName=DNS:www.example.com";

#[test]
fn each_rule_has_a_failing_and_a_passing_input() {
    let cases = [
        Case {
            rule: "key.rsa_too_small",
            profiles: &[],
            key: "rsa:1024",
            bad: ("/CN=www.example.com", &[SAN_OK], &[]),
            good: ("/CN=www.example.com", &[SAN_OK], &["-newkey", "rsa:2048"]),
        },
        Case {
            rule: "key.curve_not_nist",
            profiles: &[],
            key: "ec:secp256k1",
            bad: ("/CN=www.example.com", &[SAN_OK], &[]),
            good: (
                "/CN=www.example.com",
                &[SAN_OK],
                &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
            ),
        },
        Case {
            rule: "sig.weak_digest",
            profiles: &[],
            key: "rsa:2048",
            bad: ("/CN=www.example.com", &[SAN_OK], &["-sha1"]),
            good: ("/CN=www.example.com", &[SAN_OK], &["-sha256"]),
        },
        Case {
            rule: "name.cn_not_in_sans",
            profiles: &[],
            key: "ec:P-256",
            bad: (
                "/CN=www.example.com",
                &["subjectAltName=DNS:example.com"],
                &[],
            ),
            good: (
                "/CN=www.example.com",
                &["subjectAltName=DNS:example.com,DNS:www.example.com"],
                &[],
            ),
        },
        Case {
            rule: "san.missing",
            profiles: &[],
            key: "ec:P-256",
            bad: ("/CN=www.example.com", &[], &[]),
            good: ("/CN=www.example.com", &[SAN_OK], &[]),
        },
        Case {
            rule: "san.malformed_dns",
            profiles: &[],
            key: "ec:P-256",
            bad: ("/O=x", &["subjectAltName=DNS:bad..example.com"], &[]),
            good: ("/O=x", &["subjectAltName=DNS:good.example.com"], &[]),
        },
        Case {
            rule: "san.idn_ulabel",
            profiles: &[],
            key: "ec:P-256",
            bad: (
                "/O=x",
                &["subjectAltName=DNS:b\u{fc}cher.example"],
                &["-utf8"],
            ),
            good: ("/O=x", &["subjectAltName=DNS:xn--bcher-kva.example"], &[]),
        },
        Case {
            rule: "san.wildcard_misuse",
            profiles: &[],
            key: "ec:P-256",
            bad: ("/O=x", &["subjectAltName=DNS:w*.example.com"], &[]),
            good: ("/O=x", &["subjectAltName=DNS:*.example.com"], &[]),
        },
        Case {
            rule: "san.underscore",
            profiles: &[],
            key: "ec:P-256",
            bad: ("/O=x", &["subjectAltName=DNS:a_b.example.com"], &[]),
            good: ("/O=x", &["subjectAltName=DNS:a-b.example.com"], &[]),
        },
        Case {
            rule: "san.duplicate",
            profiles: &[],
            key: "ec:P-256",
            bad: (
                "/O=x",
                &["subjectAltName=DNS:a.example.com,DNS:A.example.com"],
                &[],
            ),
            good: (
                "/O=x",
                &["subjectAltName=DNS:a.example.com,DNS:b.example.com"],
                &[],
            ),
        },
        Case {
            rule: "subject.empty_without_critical_san",
            profiles: &[],
            key: "ec:P-256",
            bad: ("/", &["subjectAltName=DNS:a.example.com"], &[]),
            good: ("/", &["subjectAltName=critical,DNS:a.example.com"], &[]),
        },
        Case {
            rule: "ku.key_encipherment_on_ec",
            profiles: &[],
            key: "ec:P-256",
            bad: (
                "/CN=a.example.com",
                &[
                    "subjectAltName=DNS:a.example.com",
                    "keyUsage=digitalSignature,keyEncipherment",
                ],
                &[],
            ),
            good: (
                "/CN=a.example.com",
                &[
                    "subjectAltName=DNS:a.example.com",
                    "keyUsage=digitalSignature",
                ],
                &[],
            ),
        },
        Case {
            rule: "bc.ca_with_server_purpose",
            profiles: &[],
            key: "ec:P-256",
            bad: (
                "/CN=a.example.com",
                &[
                    "subjectAltName=DNS:a.example.com",
                    "basicConstraints=CA:TRUE",
                    "extendedKeyUsage=serverAuth",
                ],
                &[],
            ),
            good: (
                "/CN=a.example.com",
                &[
                    "subjectAltName=DNS:a.example.com",
                    "basicConstraints=CA:FALSE",
                    "extendedKeyUsage=serverAuth",
                ],
                &[],
            ),
        },
        Case {
            rule: "cabf.internal_name",
            profiles: &["cabf"],
            key: "ec:P-256",
            bad: ("/CN=host.local", &["subjectAltName=DNS:host.local"], &[]),
            good: (
                "/CN=host.example.com",
                &["subjectAltName=DNS:host.example.com"],
                &[],
            ),
        },
        Case {
            rule: "cabf.reserved_ip",
            profiles: &["cabf"],
            key: "ec:P-256",
            bad: (
                "/CN=a.example.com",
                &["subjectAltName=DNS:a.example.com,IP:10.1.2.3"],
                &[],
            ),
            good: (
                "/CN=a.example.com",
                &["subjectAltName=DNS:a.example.com,IP:8.8.8.8"],
                &[],
            ),
        },
        Case {
            rule: "cabf.org_without_country",
            profiles: &["cabf"],
            key: "ec:P-256",
            bad: (
                "/CN=a.example.com/O=Example/L=Berlin",
                &["subjectAltName=DNS:a.example.com"],
                &[],
            ),
            good: (
                "/CN=a.example.com/O=Example/L=Berlin/C=DE",
                &["subjectAltName=DNS:a.example.com"],
                &[],
            ),
        },
        Case {
            rule: "cabf.validity_too_long",
            profiles: &["cabf"],
            key: "ec:P-256",
            bad: (
                "/CN=a.example.com",
                &["subjectAltName=DNS:a.example.com"],
                &["-x509", "-days", "800"],
            ),
            good: (
                "/CN=a.example.com",
                &["subjectAltName=DNS:a.example.com"],
                &["-x509", "-days", "40"],
            ),
        },
        // `-days 200` is 200 days and a second, notBefore through notAfter
        // inclusive (BR §1.6.1): over every limit from 15 March 2026 on.
        Case {
            rule: "cabf.validity_too_long",
            profiles: &["cabf"],
            key: "ec:P-256",
            bad: (
                "/CN=a.example.com",
                &["subjectAltName=DNS:a.example.com"],
                &["-x509", "-days", "200"],
            ),
            good: (
                "/CN=a.example.com",
                &["subjectAltName=DNS:a.example.com"],
                &["-x509", "-days", "40"],
            ),
        },
        Case {
            rule: "cabf.country_code",
            profiles: &["cabf"],
            key: "ec:P-256",
            bad: (
                "/C=UK/L=London/O=Example/CN=a.example.com",
                &["subjectAltName=DNS:a.example.com"],
                &[],
            ),
            good: (
                "/C=XX/L=Nowhere/O=Example/CN=a.example.com",
                &["subjectAltName=DNS:a.example.com"],
                &[],
            ),
        },
        Case {
            rule: "qradar.rsa_only",
            profiles: &["qradar"],
            key: "ec:P-256",
            bad: (
                "/CN=a.example.com",
                &["subjectAltName=DNS:a.example.com"],
                &[],
            ),
            good: (
                "/CN=a.example.com",
                &["subjectAltName=DNS:a.example.com"],
                &["-newkey", "rsa:2048"],
            ),
        },
        Case {
            rule: "nsx.key_type",
            profiles: &["nsx"],
            key: "ed25519",
            bad: (
                "/CN=a.example.com",
                &["subjectAltName=DNS:a.example.com"],
                &[],
            ),
            good: (
                "/CN=a.example.com",
                &["subjectAltName=DNS:a.example.com"],
                &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
            ),
        },
        Case {
            rule: "nsx.key_size",
            profiles: &["nsx"],
            key: "rsa:2304",
            bad: (
                "/CN=a.example.com",
                &["subjectAltName=DNS:a.example.com"],
                &[],
            ),
            good: (
                "/CN=a.example.com",
                &["subjectAltName=DNS:a.example.com"],
                &["-newkey", "rsa:3072"],
            ),
        },
        Case {
            rule: "nsx.subject_attribute",
            profiles: &["nsx"],
            key: "ec:P-256",
            bad: (
                "/CN=a.example.com/emailAddress=a@example.com",
                &["subjectAltName=DNS:a.example.com"],
                &[],
            ),
            good: (
                "/CN=a.example.com/OU=Ops",
                &["subjectAltName=DNS:a.example.com"],
                &[],
            ),
        },
    ];
    let ks = Ks::new();
    for c in &cases {
        let (subj, exts, extra) = c.bad;
        let bad = make(ks.dir.path(), c.key, subj, exts, extra);
        let (_, found) = rules(&ks, &bad, c.profiles);
        assert!(
            found.iter().any(|r| r == c.rule),
            "{}: not found in {found:?}",
            c.rule
        );
        let (subj, exts, extra) = c.good;
        // A -newkey in `extra` takes the place of the case's key.
        let good = if extra.contains(&"-newkey") {
            make_with(ks.dir.path(), subj, exts, extra)
        } else {
            make(ks.dir.path(), c.key, subj, exts, extra)
        };
        let (_, found) = rules(&ks, &good, c.profiles);
        assert!(
            !found.iter().any(|r| r == c.rule),
            "{}: fires on the passing input: {found:?}",
            c.rule
        );
    }
}

/// `openssl req` with the key options given in `extra`.
fn make_with(dir: &std::path::Path, subj: &str, exts: &[&str], extra: &[&str]) -> Vec<u8> {
    let mut args: Vec<&str> = vec![
        "req",
        "-new",
        "-nodes",
        "-keyout",
        "/dev/null",
        "-subj",
        subj,
    ];
    for e in exts {
        args.extend(["-addext", e]);
    }
    args.extend(extra);
    let out = std::process::Command::new("openssl")
        .args(&args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", stderr(&out));
    out.stdout
}

#[test]
fn exit_10_on_errors_and_records_are_linted_with_their_certificates() {
    let ks = Ks::new();
    // The README's first example: CN among the SANs, nothing to say.
    ks.cmd()
        .args([
            "generate",
            "--cn",
            "www.example.com",
            "--dns",
            "www.example.com",
            "--dns",
            "example.com",
            "--purpose",
            "server",
            "--no-passphrase",
            "--key-type",
            "ec",
        ])
        .assert()
        .success()
        .stderr("");
    let out = ks.cmd().args(["lint", "www.example.com"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A CN outside the SANs: generate warns on stderr, lint exits 0 (a warning).
    let out = ks
        .cmd()
        .args([
            "generate",
            "w2",
            "--cn",
            "w2.example.com",
            "--dns",
            "example.com",
            "--no-passphrase",
            "--key-type",
            "ec",
        ])
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("lint: warning name.cn_not_in_sans"),
        "{}",
        stderr(&out)
    );
    ks.cmd()
        .args(["self-sign", "w2", "--days", "800"])
        .assert()
        .success();
    let out = ks
        .cmd()
        .args(["lint", "w2", "--profile", "cabf", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["kind"], "csr");
    assert_eq!(v[1]["kind"], "certificate");
    let rules: Vec<&str> = v[1]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"cabf.validity_too_long"), "{rules:?}");
    for f in v[1]["findings"].as_array().unwrap() {
        assert!(!f["source"].as_str().unwrap().is_empty());
        assert!(["error", "warning", "notice"].contains(&f["severity"].as_str().unwrap()));
    }
    // --all covers every record; text groups by severity.
    let out = ks
        .cmd()
        .args(["lint", "--all", "--profile", "cabf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(10));
    let text = stdout(&out);
    assert!(
        text.contains("www.example.com (csr)") && text.contains("w2 (certificate)"),
        "{text}"
    );
    // Vendor shapes have no lint body.
    let out = ks
        .cmd()
        .args(["lint", "w2", "--format", "nsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `xclarity.attribute_length`: XClarity's own bound (60 characters) on
/// organizationName (PUT /serverCertificate). Python
/// `cryptography` makes the CSRs (skipped with a note when it is absent;
/// .ci/run installs it).
#[test]
fn xclarity_attribute_length_follows_the_x509_upper_bounds() {
    const MAKE: &str = r#"
import sys
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "a.example.com"),
                  x509.NameAttribute(NameOID.ORGANIZATION_NAME, "O" * int(sys.argv[1]))])
csr = (x509.CertificateSigningRequestBuilder().subject_name(name)
       .add_extension(x509.SubjectAlternativeName([x509.DNSName("a.example.com")]), critical=False)
       .sign(key, hashes.SHA256()))
sys.stdout.buffer.write(csr.public_bytes(serialization.Encoding.PEM))
"#;
    let make = |len: usize| {
        std::process::Command::new("python3")
            .args(["-c", MAKE, &len.to_string()])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| o.stdout)
    };
    let Some(bad) = make(61) else {
        missing_tool("Python cryptography (xclarity.attribute_length)");
        return;
    };
    let good = make(60).unwrap();
    let ks = Ks::new();
    let (_, found) = rules(&ks, &bad, &["xclarity"]);
    assert!(
        found.iter().any(|r| r == "xclarity.attribute_length"),
        "{found:?}"
    );
    let (code, found) = rules(&ks, &good, &["xclarity"]);
    assert!(
        !found.iter().any(|r| r == "xclarity.attribute_length"),
        "{found:?}"
    );
    assert_eq!(code, Some(0));
}

/// A subject value given as RFC 4514 `#hex` is written as given; lint
/// flags one that is not a valid string of its type: a PrintableString or
/// UTF8String holding ESC, a SEQUENCE where a string belongs.
#[test]
fn subject_values_that_are_not_valid_strings_are_errors() {
    let ks = Ks::new();
    for (name, subject, bad) in [
        ("ok", "CN=ok.example.com,O=#13074578616d706c65", false),
        ("printable-esc", "CN=a.example.com,O=#13051b5b33316d", true),
        ("utf8-esc", "CN=b.example.com,O=#0c051b5b33316d", true),
        ("sequence", "CN=c.example.com,O=#30030c0141", true),
    ] {
        let o = ks
            .cmd()
            .args(["generate", name, "--subject", subject, "--no-passphrase"])
            .args(["--key-type", "ec", "--format", "pem"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let (code, found) = rules(&ks, &o.stdout, &[]);
        assert_eq!(
            found.iter().any(|r| r == "subject.value_encoding"),
            bad,
            "{name}: {found:?}"
        );
        assert_eq!(code, Some(if bad { 10 } else { 0 }), "{name}: {found:?}");
    }
}

/// Lint checks the signature as `show` does: a CA refuses a request whose
/// signature does not verify or that it cannot check. A request that is
/// BER (OpenSSL reads it) is one error, not a refusal to lint; a record
/// that cannot be read is one error, and `--all` lints the others.
#[test]
fn signatures_ber_and_unreadable_records_are_findings() {
    let ks = Ks::new();
    let dir = ks.root();
    std::fs::create_dir_all(&dir).unwrap();
    let der = make(
        &dir,
        "ec:P-256",
        "/CN=sig.example.com",
        &[SAN_OK],
        &["-outform", "DER"],
    );
    let mut bad = der.clone();
    let n = bad.len();
    bad[n - 5] ^= 1;
    let (code, found) = rules(&ks, &bad, &[]);
    assert_eq!(code, Some(10), "{found:?}");
    assert!(found.iter().any(|r| r == "sig.invalid"), "{found:?}");
    let (code, found) = rules(&ks, &der, &[]);
    assert_eq!(code, Some(0), "{found:?}");

    // The same request with an indefinite outer length: BER.
    let inner_start = if der[1] == 0x82 { 4 } else { 3 };
    let ber = [&[0x30, 0x80][..], &der[inner_start..], &[0, 0]].concat();
    let (code, found) = rules(&ks, &ber, &[]);
    assert_eq!(code, Some(10), "{found:?}");
    assert_eq!(found, ["csr.not_der"], "{found:?}");

    for name in ["a", "b"] {
        ks.cmd()
            .args(["generate", name, "--cn", &format!("{name}.example.com")])
            .args(["--key-type", "ec", "--no-passphrase"])
            .assert()
            .success();
    }
    std::fs::write(ks.csr_path("a"), "garbage\n").unwrap();
    let out = ks
        .cmd()
        .args(["lint", "--all", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = v.to_string();
    assert!(text.contains("record.unreadable"), "{text}");
    assert!(text.contains("\"b\""), "b is linted too: {text}");
}

/// `--profile cabf` refuses keys and signature algorithms outside the BRs'
/// lists (§6.1.5, §7.1.3): Ed448, RSA with SHA3-224.
#[test]
fn cabf_refuses_keys_and_signatures_outside_the_brs() {
    let ks = Ks::new();
    let dir = ks.root();
    std::fs::create_dir_all(&dir).unwrap();
    let ed448 = make(&dir, "ed448", "/CN=e.example.com", &[SAN_OK], &[]);
    let (code, found) = rules(&ks, &ed448, &["cabf"]);
    assert_eq!(code, Some(10), "{found:?}");
    assert!(found.iter().any(|r| r == "cabf.key_algorithm"), "{found:?}");
    let sha3 = make(
        &dir,
        "rsa:2048",
        "/CN=www.example.com",
        &[SAN_OK],
        &["-sha3-224"],
    );
    let (_, found) = rules(&ks, &sha3, &["cabf"]);
    assert!(
        found.iter().any(|r| r == "cabf.signature_algorithm"),
        "{found:?}"
    );
    let ok = make(
        &dir,
        "rsa:2048",
        "/CN=www.example.com",
        &[SAN_OK],
        &["-sha256"],
    );
    let (_, found) = rules(&ks, &ok, &["cabf"]);
    assert!(
        !found
            .iter()
            .any(|r| r.starts_with("cabf.signature") || r == "cabf.key_algorithm"),
        "{found:?}"
    );
}

/// An underscore does not hide the other DNS syntax faults of a name.
#[test]
fn an_underscore_does_not_hide_an_empty_label() {
    let ks = Ks::new();
    let dir = ks.root();
    std::fs::create_dir_all(&dir).unwrap();
    let csr = make(
        &dir,
        "ec:P-256",
        "/CN=ok.example.com",
        &["subjectAltName=DNS:ok.example.com,DNS:a_b..example.com"],
        &[],
    );
    let (code, found) = rules(&ks, &csr, &[]);
    assert_eq!(code, Some(10), "{found:?}");
    assert!(found.iter().any(|r| r == "san.malformed_dns"), "{found:?}");
    assert!(found.iter().any(|r| r == "san.underscore"), "{found:?}");
}
