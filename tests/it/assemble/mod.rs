//! Helpers for tests/reader.rs: DER assembled by hand, keys made and
//! requests signed by OpenSSL, csrkit and OpenSSL run on the result.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Output;

use serde_json::Value;

use crate::support::*;

// ---------------------------------------------------------------------------
// DER assembly

pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let n = content.len();
    let mut out = vec![tag];
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend_from_slice(&[0x81, n as u8]);
    } else {
        out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(content);
    out
}

pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

pub fn set(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x31, &parts.concat())
}

pub fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut body = Vec::new();
    let mut push = |mut v: u64| {
        let mut tmp = vec![(v & 0x7f) as u8];
        v >>= 7;
        while v > 0 {
            tmp.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        tmp.reverse();
        body.extend(tmp);
    };
    push(arcs[0] * 40 + arcs[1]);
    for a in &arcs[2..] {
        push(*a);
    }
    tlv(0x06, &body)
}

pub fn utf8(s: &str) -> Vec<u8> {
    tlv(0x0c, s.as_bytes())
}

pub fn printable(s: &str) -> Vec<u8> {
    tlv(0x13, s.as_bytes())
}

pub fn ia5(s: &str) -> Vec<u8> {
    tlv(0x16, s.as_bytes())
}

pub fn bmp(s: &str) -> Vec<u8> {
    let b: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
    tlv(0x1e, &b)
}

pub fn universal(s: &str) -> Vec<u8> {
    let b: Vec<u8> = s.chars().flat_map(|c| (c as u32).to_be_bytes()).collect();
    tlv(0x1c, &b)
}

/// One attribute type and value in an RDN of its own.
pub fn rdn(o: &str, value: &[u8]) -> Vec<u8> {
    set(&[&seq(&[&oid(o), value])])
}

pub fn name(rdns: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &rdns.concat())
}

pub fn attribute(o: &str, values: &[&[u8]]) -> Vec<u8> {
    seq(&[&oid(o), &set(values)])
}

pub fn extension(o: &str, critical: bool, value: &[u8]) -> Vec<u8> {
    if critical {
        seq(&[&oid(o), &[0x01, 0x01, 0xff], &tlv(0x04, value)])
    } else {
        seq(&[&oid(o), &tlv(0x04, value)])
    }
}

pub fn ext_req(exts: &[Vec<u8>]) -> Vec<u8> {
    attribute("1.2.840.113549.1.9.14", &[&tlv(0x30, &exts.concat())])
}

pub fn san_dns(names: &[&str]) -> Vec<u8> {
    let gns: Vec<u8> = names.iter().flat_map(|n| tlv(0x82, n.as_bytes())).collect();
    extension("2.5.29.17", false, &tlv(0x30, &gns))
}

/// certificationRequestInfo with the attributes in the order given (an
/// `[0]` SET OF that is not sorted when the caller says so).
pub fn info(version: u8, subject: &[u8], spki: &[u8], attrs: &[Vec<u8>]) -> Vec<u8> {
    seq(&[
        &tlv(0x02, &[version]),
        subject,
        spki,
        &tlv(0xa0, &attrs.concat()),
    ])
}

pub fn request(tbs: &[u8], alg: &[u8], sig: &[u8]) -> Vec<u8> {
    let mut bits = vec![0u8];
    bits.extend_from_slice(sig);
    seq(&[tbs, alg, &tlv(0x03, &bits)])
}

// ---------------------------------------------------------------------------
// Keys and signing with OpenSSL

pub struct Key {
    pub path: PathBuf,
    pub spki: Vec<u8>,
}

impl Key {
    /// `openssl genpkey` with the given arguments.
    pub fn new(ks: &Ks, label: &str, args: &[&str]) -> Key {
        let path = ks.dir.path().join(format!("{label}.key"));
        let mut a = vec!["genpkey"];
        a.extend_from_slice(args);
        a.extend_from_slice(&["-out", path.to_str().unwrap()]);
        let o = openssl(&a, None);
        assert!(o.status.success(), "genpkey {args:?}: {}", stderr(&o));
        let spki = openssl(
            &[
                "pkey",
                "-in",
                path.to_str().unwrap(),
                "-pubout",
                "-outform",
                "DER",
            ],
            None,
        )
        .stdout;
        assert!(!spki.is_empty());
        Key { path, spki }
    }

    pub fn ec(ks: &Ks, label: &str) -> Key {
        Key::new(
            ks,
            label,
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        )
    }

    /// Signs `tbs` with `openssl dgst -<digest> -sign` (ECDSA or RSA
    /// PKCS#1 v1.5) and returns the whole CSR.
    pub fn sign(&self, ks: &Ks, tbs: &[u8], digest: &str, alg: &[u8]) -> Vec<u8> {
        let tbs_path = ks.file("tbs.der", tbs);
        let sig_path = ks.dir.path().join("sig.bin");
        let o = openssl(
            &[
                "dgst",
                &format!("-{digest}"),
                "-sign",
                self.path.to_str().unwrap(),
                "-out",
                sig_path.to_str().unwrap(),
                tbs_path.to_str().unwrap(),
            ],
            None,
        );
        assert!(o.status.success(), "dgst -sign: {}", stderr(&o));
        request(tbs, alg, &std::fs::read(&sig_path).unwrap())
    }

    /// A CSR over `tbs` signed with ECDSA-with-SHA256 (an EC key).
    pub fn sign_ec(&self, ks: &Ks, tbs: &[u8]) -> Vec<u8> {
        self.sign(ks, tbs, "sha256", &seq(&[&oid("1.2.840.10045.4.3.2")]))
    }
}

pub fn cn(s: &str) -> Vec<u8> {
    name(&[rdn("2.5.4.3", &utf8(s))])
}

// ---------------------------------------------------------------------------
// Running csrkit and OpenSSL

pub fn show(ks: &Ks, label: &str, der: &[u8], extra: &[&str]) -> Output {
    let path = ks.file(label, der);
    let o = ks
        .cmd()
        .args(["show", "--file"])
        .arg(&path)
        .args(extra)
        .output()
        .unwrap();
    no_panic(&o);
    o
}

pub fn show_json(ks: &Ks, label: &str, der: &[u8]) -> (Option<i32>, Value) {
    let o = show(ks, label, der, &["--format", "json"]);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{label}: not JSON ({e}): {}", stderr(&o)));
    (o.status.code(), v)
}

/// OpenSSL's verdict on a DER CSR: "valid", "invalid" or "unreadable".
pub fn openssl_verdict(ks: &Ks, label: &str, der: &[u8]) -> &'static str {
    let path = ks.file(&format!("{label}.ossl.der"), der);
    let o = openssl(
        &[
            "req",
            "-inform",
            "DER",
            "-in",
            path.to_str().unwrap(),
            "-noout",
            "-verify",
        ],
        None,
    );
    let all = stdout(&o) + &stderr(&o);
    if all.contains("verify OK") {
        "valid"
    } else if all.contains("verify failure") {
        "invalid"
    } else {
        "unreadable"
    }
}

pub fn openssl_text(ks: &Ks, label: &str, der: &[u8]) -> String {
    let path = ks.file(&format!("{label}.text.der"), der);
    let o = openssl(
        &[
            "req",
            "-inform",
            "DER",
            "-in",
            path.to_str().unwrap(),
            "-noout",
            "-text",
            "-nameopt",
            "utf8,sep_comma_plus",
        ],
        None,
    );
    stdout(&o)
}

/// `openssl req -new` with a fresh key; returns the CSR as DER.
pub fn openssl_req(ks: &Ks, label: &str, args: &[&str]) -> Vec<u8> {
    let key = ks.dir.path().join(format!("{label}.req.key"));
    let mut a = vec![
        "req",
        "-new",
        "-nodes",
        "-keyout",
        key.to_str().unwrap(),
        "-outform",
        "DER",
    ];
    a.extend_from_slice(args);
    let o = openssl(&a, None);
    assert!(
        o.status.success(),
        "{label}: openssl req {args:?}: {}",
        stderr(&o)
    );
    o.stdout
}

/// `openssl req -new` with an existing key file.
pub fn openssl_req_with(label: &str, key: &std::path::Path, args: &[&str]) -> Vec<u8> {
    let mut a = vec![
        "req",
        "-new",
        "-key",
        key.to_str().unwrap(),
        "-outform",
        "DER",
    ];
    a.extend_from_slice(args);
    let o = openssl(&a, None);
    assert!(
        o.status.success(),
        "{label}: openssl req {args:?}: {}",
        stderr(&o)
    );
    o.stdout
}

/// Asserts OpenSSL and csrkit both say the signature is valid; returns
/// csrkit's JSON.
pub fn both_valid(ks: &Ks, label: &str, der: &[u8]) -> Value {
    assert_eq!(openssl_verdict(ks, label, der), "valid", "{label}: OpenSSL");
    let (code, v) = show_json(ks, label, der);
    assert_eq!(code, Some(0), "{label}: csrkit exit: {v}");
    assert_eq!(v["signature_valid"], true, "{label}: {v}");
    assert_eq!(v["signature_status"], "valid", "{label}");
    v
}

pub fn warnings(v: &Value) -> String {
    v["warnings"].to_string()
}
