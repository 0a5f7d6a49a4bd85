//! One profile per appliance: what its certificate import or CSR API
//! takes, each rule citing the vendor document it follows (see also
//! docs/vendor-formats.md and docs/lint.md). Where the vendor publishes no
//! limit, a rule says so in its `source`, starts with "csrkit's advice",
//! and is a warning or a notice, never an error.

use super::rules::{C, CN, L, O, OU, ST};
use super::target::{Key, Target};
use super::{push, Finding, Severity};

const P256: &str = "1.2.840.10045.3.1.7";
const P384: &str = "1.3.132.0.34";

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
    const SRC: &str = "ArcGIS Portal Administrator API: Generate Certificate (cn \"(Required)\"; keySize \"The default is 1024\")";
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
            "QRadar holds RSA keys only; make the record's key an RSA key".into(),
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
    const SRC: &str = "Oracle SBC ACLI reference: certificate-record (key-algor rsa|ecdsa; ecdsa-key-size p256|p384; country, state, locality, organization, unit, common-name)";
    const DIGEST: &str = "csrkit's advice: Oracle SBC ACLI reference, certificate-record digest-algor (a request the SBC makes itself is signed with the digest-algor chosen there)";
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
            Severity::Notice,
            DIGEST,
            format!("signed with {sig}; a request the SBC made itself would be signed with SHA-256 or SHA-512 (its digest-algor)"),
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
    const SRC: &str =
        "VMware NSX Policy API: TlsCsr (algorithm enum RSA, EC; subject keys CN, O, OU, C, ST, L)";
    const SIZES: &str = "csrkit's advice: NSX's TlsCsr key_size is any integer (\"size measured in bits\"); the sizes an appliance takes are its own (GET /api/v1/trust-management/crypto-algorithms); the NSX-T 1.1 Csr reference lists 2048 and 3072";
    match &t.key {
        Key::Rsa { bits } if bits >= &2048 && ![2048, 3072, 4096].contains(bits) => push(
            out,
            "nsx.key_size",
            Severity::Warning,
            SIZES,
            format!("RSA-{bits}: NSX appliances list RSA sizes such as 2048, 3072 and 4096; check that yours takes {bits}"),
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
    const SRC: &str = "XClarity REST API, PUT /serverCertificate (sysmgt.lenovofiles.com, com.lenovo.lxca_restapis.doc, rest_api_servercertificate_put.html): CommonName at most 63, Organization 60, OrganizationUnit 60, StateLocality 50, StateProvince 60 characters";
    let limits: [(&str, &str, usize); 5] = [
        (CN, "commonName", 63),
        (O, "organizationName", 60),
        (OU, "organizationalUnitName", 60),
        (L, "localityName", 50),
        (ST, "stateOrProvinceName", 60),
    ];
    for (oid, name, max) in limits {
        for v in t.attr(oid) {
            let n = v.chars().count();
            if n > max {
                push(
                    out,
                    "xclarity.attribute_length",
                    Severity::Warning,
                    SRC,
                    format!("{name} has {n} characters; XClarity takes at most {max}"),
                );
            }
        }
    }
}
