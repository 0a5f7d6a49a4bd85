//! One profile per appliance: what its certificate import or CSR API
//! takes, each rule citing the vendor document it follows (see also
//! docs/vendor-formats.md).

use super::rules::{C, CN, L, O, OU, ST};
use super::target::{Key, Target};
use super::{push, Finding, Severity};

const P256: &str = "1.2.840.10045.3.1.7";
const P384: &str = "1.3.132.0.34";
const P521: &str = "1.3.132.0.35";

/// SHA-256/384/512 with RSA (PKCS#1 v1.5 or PSS) or ECDSA.
fn sha2_family(oid: &str) -> bool {
    matches!(
        oid,
        "1.2.840.113549.1.1.11"
            | "1.2.840.113549.1.1.12"
            | "1.2.840.113549.1.1.13"
            | "1.2.840.113549.1.1.10"
            | "1.2.840.10045.4.3.2"
            | "1.2.840.10045.4.3.3"
            | "1.2.840.10045.4.3.4"
    )
}

fn curve(t: &Target) -> Option<String> {
    match &t.key {
        Key::Ec { curve } => curve.map(|c| c.to_string()),
        _ => None,
    }
}

fn only_attributes(
    t: &Target,
    allowed: &[&str],
    rule: &'static str,
    source: &'static str,
    who: &str,
    out: &mut Vec<Finding>,
) {
    for (oid, v) in &t.subject {
        let o = oid.to_string();
        if !allowed.contains(&o.as_str()) {
            push(
                out,
                rule,
                Severity::Error,
                source,
                format!("{who} has no field for the subject attribute {o} (value {v:?})"),
            );
        }
    }
}

/// Esri ArcGIS Enterprise Portal (`generateCertificate`, importing a PFX).
pub fn arcgis(t: &Target, out: &mut Vec<Finding>) {
    const SRC: &str = "ArcGIS Portal Administrator API: SSL Certificates, Generate Certificate (commonName, keysize)";
    if t.attr(CN).is_empty() {
        push(
            out,
            "arcgis.cn_required",
            Severity::Error,
            SRC,
            "Portal's certificates need a common name (commonName is required)".into(),
        );
    }
    if let Key::Rsa { bits } = t.key {
        if bits < 2048 {
            push(out, "arcgis.key_size", Severity::Error, SRC,
                format!("RSA-{bits}: Portal's own default is 1024 bits, which browsers and CAs refuse; use 2048 or more"));
        }
    }
}

/// IBM QRadar (`/staged_config/certificates/certificate_signing_request`).
pub fn qradar(t: &Target, out: &mut Vec<Finding>) {
    const SRC: &str = "IBM QRadar REST API: POST /staged_config/certificates/certificate_signing_request (key_size: RSA private key length)";
    if !matches!(t.key, Key::Rsa { .. }) {
        push(
            out,
            "qradar.rsa_only",
            Severity::Error,
            SRC,
            "QRadar holds RSA keys only; make the key with --key-type rsa".into(),
        );
    }
    only_attributes(
        t,
        &[CN, O, OU, C, ST, L, "0.9.2342.19200300.100.1.25"],
        "qradar.subject_attribute",
        SRC,
        "QRadar's CSRModel",
        out,
    );
}

/// Oracle Communications Session Border Controller (certificate-record).
pub fn sbc(t: &Target, out: &mut Vec<Finding>) {
    const SRC: &str = "Oracle SBC REST API: certificate-record (key-algor rsa|ecdsa, ecdsa-key-size p256|p384, digest-algor sha256|sha512)";
    match &t.key {
        Key::Ed25519 | Key::Other(_) => push(
            out,
            "sbc.key_type",
            Severity::Error,
            SRC,
            "the SBC takes RSA or ECDSA keys".into(),
        ),
        Key::Ec { .. } if !matches!(curve(t).as_deref(), Some(P256 | P384)) => push(
            out,
            "sbc.curve",
            Severity::Error,
            SRC,
            "the SBC's ecdsa-key-size is p256 or p384".into(),
        ),
        _ => {}
    }
    let sig = t.signature.to_string();
    if !matches!(
        sig.as_str(),
        "1.2.840.113549.1.1.11"
            | "1.2.840.113549.1.1.13"
            | "1.2.840.10045.4.3.2"
            | "1.2.840.10045.4.3.4"
    ) {
        push(
            out,
            "sbc.digest",
            Severity::Warning,
            SRC,
            format!("signed with {sig}; the SBC's digest-algor is sha256 or sha512"),
        );
    }
    only_attributes(
        t,
        &[CN, O, OU, C, ST, L],
        "sbc.subject_attribute",
        SRC,
        "the SBC's certificate-record",
        out,
    );
}

/// VMware NSX (Policy API `TlsCsr`, `TlsTrustData`).
pub fn nsx(t: &Target, out: &mut Vec<Finding>) {
    const SRC: &str = "VMware NSX Policy API: TlsCsr (algorithm RSA|EC, key_size) and TlsTrustData";
    match &t.key {
        Key::Rsa { bits } if ![2048, 3072, 4096].contains(bits) => push(
            out,
            "nsx.key_size",
            Severity::Error,
            SRC,
            format!("NSX takes RSA keys of 2048, 3072 or 4096 bits, not {bits}"),
        ),
        Key::Ec { .. } if !matches!(curve(t).as_deref(), Some(P256 | P384 | P521)) => push(
            out,
            "nsx.curve",
            Severity::Error,
            SRC,
            "NSX takes EC keys of 256, 384 or 521 bits (P-256, P-384, P-521)".into(),
        ),
        Key::Ed25519 | Key::Other(_) => push(
            out,
            "nsx.key_type",
            Severity::Error,
            SRC,
            "NSX's algorithm is RSA or EC".into(),
        ),
        _ => {}
    }
    if !sha2_family(&t.signature.to_string()) {
        push(
            out,
            "nsx.digest",
            Severity::Error,
            SRC,
            format!(
                "signed with {}; NSX takes SHA-256, SHA-384 or SHA-512",
                t.signature
            ),
        );
    }
    only_attributes(
        t,
        &[CN, O, OU, C, ST, L],
        "nsx.subject_attribute",
        SRC,
        "NSX's TlsCsr subject",
        out,
    );
}

/// Lenovo XClarity Administrator (`certificateSigningRequest`).
pub fn xclarity(t: &Target, out: &mut Vec<Finding>) {
    const SRC: &str = "Lenovo XClarity Administrator REST API: POST /certificateSigningRequest (attribute lengths)";
    let limits: [(&str, &str, usize); 3] = [
        (CN, "commonName", 63),
        (O, "organizationName", 60),
        (OU, "organizationalUnitName", 60),
    ];
    for (oid, name, max) in limits {
        for v in t.attr(oid) {
            let n = v.chars().count();
            if n > max {
                push(
                    out,
                    "xclarity.attribute_length",
                    Severity::Error,
                    SRC,
                    format!("{name} has {n} characters; XClarity takes at most {max}"),
                );
            }
        }
    }
}
