//! The `acme` profile: what any ACME CA needs from a CSR before an order
//! can succeed (RFC 8555 §7.4: the CSR's names are the order's
//! identifiers, DNS names and, RFC 8738, IP addresses), and what Let's
//! Encrypt refuses (letsencrypt.org/docs/integration-guide: RSA 2048-4096
//! and ECDSA P-256/P-384 keys only). `order` runs it before any network
//! traffic; its errors stop the order with exit 2.

use super::target::{Key, Target};
use super::{push, Finding, Severity};

const RFC8555: &str = "RFC 8555 §7.1.4, §7.4 (identifiers); RFC 8738 (IP identifiers)";
const LE: &str = "letsencrypt.org/docs/integration-guide (RSA 2048-4096, ECDSA P-256/P-384)";
const P256: &str = "1.2.840.10045.3.1.7";
const P384: &str = "1.3.132.0.34";

pub fn acme(t: &Target, out: &mut Vec<Finding>) {
    let ids = t
        .sans
        .iter()
        .filter(|s| s.kind == "DNS" || s.kind == "IP")
        .count();
    if ids == 0 {
        push(
            out,
            "acme.no_identifier",
            Severity::Error,
            RFC8555,
            "the CSR names no DNS name or IP address in its SANs: an ACME CA validates those and nothing else".into(),
        );
    }
    for s in t.sans.iter().filter(|s| s.kind != "DNS" && s.kind != "IP") {
        push(
            out,
            "acme.unvalidated_san",
            Severity::Error,
            RFC8555,
            format!(
                "the SAN {}:{} is not a DNS name or IP address: an ACME CA cannot validate it and refuses the CSR",
                s.kind, s.value
            ),
        );
    }
    let refused = match &t.key {
        Key::Rsa { bits } => (*bits < 2048 || *bits > 4096).then(|| format!("RSA-{bits}")),
        Key::Ec { curve } => {
            let c = curve.map(|c| c.to_string()).unwrap_or_default();
            (c != P256 && c != P384)
                .then(|| "an ECDSA key on a curve other than P-256 or P-384".to_string())
        }
        Key::Ed25519 => Some("Ed25519".to_string()),
        Key::Other(oid) => Some(format!("the key algorithm {oid}")),
    };
    if let Some(k) = refused {
        push(
            out,
            "acme.key_type",
            Severity::Warning,
            LE,
            format!("{k}: Let's Encrypt refuses this key type (other ACME CAs may take it)"),
        );
    }
}
