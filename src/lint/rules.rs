//! The default rules (what every CA and appliance agrees on) and the
//! CA/Browser Forum Baseline Requirements profile (`cabf`).

use std::collections::HashSet;
use std::net::IpAddr;

use x509_cert::ext::pkix::KeyUsages;

use super::target::{Key, Kind, Target};
use super::{push, Finding, Severity};

pub const CN: &str = "2.5.4.3";
pub const O: &str = "2.5.4.10";
pub const OU: &str = "2.5.4.11";
pub const C: &str = "2.5.4.6";
pub const ST: &str = "2.5.4.8";
pub const L: &str = "2.5.4.7";

const EKU_SERVER: &str = "1.3.6.1.5.5.7.3.1";

/// The signature algorithms with a weak digest: MD2, MD5, SHA-1 (RSA,
/// ECDSA, DSA).
fn weak_digest(oid: &str) -> Option<&'static str> {
    match oid {
        "1.2.840.113549.1.1.2" => Some("MD2"),
        "1.2.840.113549.1.1.4" => Some("MD5"),
        "1.2.840.113549.1.1.5" | "1.2.840.10045.4.1" | "1.2.840.10040.4.3" | "1.3.14.3.2.29" => {
            Some("SHA-1")
        }
        _ => None,
    }
}

/// The signature algorithms the BRs (§7.1.3.2) allow: sha256/384/512
/// WithRSAEncryption, RSASSA-PSS (its parameters are not judged here) and
/// ecdsa-with-SHA256/384/512.
const BR_SIGNATURES: [&str; 7] = [
    "1.2.840.113549.1.1.11",
    "1.2.840.113549.1.1.12",
    "1.2.840.113549.1.1.13",
    "1.2.840.113549.1.1.10",
    "1.2.840.10045.4.3.2",
    "1.2.840.10045.4.3.3",
    "1.2.840.10045.4.3.4",
];

const NIST_CURVES: [&str; 3] = ["1.2.840.10045.3.1.7", "1.3.132.0.34", "1.3.132.0.35"];

/// The rules of the default profile.
pub fn default(t: &Target, out: &mut Vec<Finding>) {
    match &t.key {
        Key::Rsa { bits } if *bits < 2048 => push(
            out,
            "key.rsa_too_small",
            Severity::Error,
            "CA/B Forum BR §6.1.5; NIST SP 800-131A Rev. 2 §3",
            format!("the RSA key has {bits} bits; CAs and appliances take 2048 or more"),
        ),
        Key::Ec { curve }
            if !curve.is_some_and(|c| NIST_CURVES.contains(&c.to_string().as_str())) =>
        {
            push(
                out,
                "key.curve_not_nist",
                Severity::Error,
                "CA/B Forum BR §6.1.5; RFC 5480 §2.1.1.1",
                match curve {
                    Some(c) => format!("the EC key is on curve {c}, not P-256, P-384 or P-521"),
                    None => {
                        "the EC key has explicit curve parameters, not a named NIST curve".into()
                    }
                },
            )
        }
        _ => {}
    }
    if let Some(d) = weak_digest(&t.signature.to_string()) {
        push(
            out,
            "sig.weak_digest",
            Severity::Error,
            "CA/B Forum BR §7.1.3.2; RFC 6151; RFC 9155",
            format!("signed with {d}, which CAs refuse; sign with SHA-256 or better"),
        );
    }
    let cns = t.attr(CN);
    let dns: Vec<&str> = t
        .sans
        .iter()
        .filter(|s| s.kind == "DNS")
        .map(|s| s.value.as_str())
        .collect();
    // A CA certificate (basicConstraints CA:TRUE) names no server: the
    // SAN rules are a subscriber's (CA/B Forum BR §7.1.2.7 vs §7.1.2.10).
    if t.sans.is_empty() && !t.ca {
        push(
            out,
            "san.missing",
            Severity::Warning,
            "RFC 2818 §3.1; CA/B Forum BR §7.1.2.7.12",
            "no subjectAltName: browsers and TLS clients ignore the CN and match SANs only".into(),
        );
    } else {
        for cn in &cns {
            let in_sans = t.sans.iter().any(|s| {
                s.value.eq_ignore_ascii_case(cn)
                    || s.ip
                        .is_some_and(|ip| cn.parse::<IpAddr>().is_ok_and(|c| c == ip))
            });
            if !in_sans {
                push(
                    out,
                    "name.cn_not_in_sans",
                    Severity::Warning,
                    "CA/B Forum BR §7.1.4.3",
                    format!("the CN {cn} is not among the SANs; CAs drop it or refuse the request"),
                );
            }
        }
    }
    for (oid, problem) in &t.subject_problems {
        push(
            out,
            "subject.value_encoding",
            Severity::Error,
            "RFC 5280 §4.1.2.4 (DirectoryString), X.680 §41 (PrintableString)",
            format!("the subject's {} is {problem}", attr_name(oid)),
        );
    }
    if t.subject.is_empty() && !t.sans.is_empty() && !t.san_critical {
        push(
            out,
            "subject.empty_without_critical_san",
            Severity::Error,
            "RFC 5280 §4.2.1.6",
            "the subject is empty, so the subjectAltName extension must be critical".into(),
        );
    }
    if t.subject.is_empty() && t.sans.is_empty() {
        push(
            out,
            "subject.empty",
            Severity::Error,
            "RFC 5280 §4.1.2.6",
            "neither a subject nor a subjectAltName: nothing names the holder".into(),
        );
    }
    let mut seen = HashSet::new();
    for s in &t.sans {
        if !seen.insert((s.kind, s.value.to_ascii_lowercase())) {
            push(
                out,
                "san.duplicate",
                Severity::Warning,
                "RFC 5280 §4.2.1.6",
                format!("{}:{} is listed twice", s.kind, s.value),
            );
        }
    }
    for name in &dns {
        dns_rules(name, out);
    }
    for s in t.sans.iter().filter(|s| !s.ascii) {
        push(
            out,
            "san.idn_ulabel",
            Severity::Error,
            "RFC 5280 §7.2; RFC 5890 §2.3.2.1",
            format!(
                "{}:{} holds non-ASCII bytes; internationalized names must be A-labels (xn--)",
                s.kind,
                s.value.escape_default()
            ),
        );
    }
    if matches!(t.key, Key::Ec { .. } | Key::Ed25519) && t.has_ku(KeyUsages::KeyEncipherment) {
        // A MUST NOT in a certificate (RFC 8813 §3); in a CSR, CAs drop it.
        push(
            out,
            "ku.key_encipherment_on_ec",
            if t.kind == Kind::Certificate {
                Severity::Error
            } else {
                Severity::Warning
            },
            "RFC 5480 §3; RFC 8813 §3",
            "keyUsage keyEncipherment is for RSA keys; an EC or Ed25519 key cannot encipher".into(),
        );
    }
    if t.ca && t.ext_key_usage.iter().any(|e| e.to_string() == EKU_SERVER) {
        push(
            out,
            "bc.ca_with_server_purpose",
            Severity::Error,
            "CA/B Forum BR §7.1.2.7.8",
            "basicConstraints CA:TRUE on a TLS server certificate; a subscriber certificate is not a CA".into(),
        );
    }
}

fn dns_rules(name: &str, out: &mut Vec<Finding>) {
    if !name.is_ascii() {
        return; // san.idn_ulabel says it
    }
    if name.contains('_') {
        push(
            out,
            "san.underscore",
            Severity::Warning,
            "RFC 5280 §4.2.1.6; CA/B Forum BR §7.1.4.2 (ballot SC12)",
            format!("DNS:{name} contains '_'; public CAs refuse underscores in names since 2019"),
        );
    }
    if name.contains('*') && !name.starts_with("*.") || name.matches('*').count() > 1 {
        push(
            out,
            "san.wildcard_misuse",
            Severity::Error,
            "RFC 6125 §6.4.3; CA/B Forum BR §1.6.1 (Wildcard Domain Name)",
            format!("DNS:{name}: a wildcard must be the whole left-most label (*.example.com)"),
        );
        return;
    }
    // The syntax rules on the name with its underscores read as letters:
    // `a_b..example.com` still has an empty label.
    let name_sans_underscore = name.replace('_', "u");
    if let Err(why) = crate::request::validate_dns(&name_sans_underscore, true) {
        push(
            out,
            "san.malformed_dns",
            Severity::Error,
            "RFC 5280 §4.2.1.6; RFC 1034 §3.5",
            format!("DNS:{name}: {why}"),
        );
    }
}

/// Names that cannot be publicly resolved (BR §4.2.2 "Internal Name").
fn internal_name(name: &str) -> bool {
    let n = name.trim_start_matches("*.").to_ascii_lowercase();
    let internal_tlds = [
        "local",
        "internal",
        "lan",
        "localdomain",
        "corp",
        "home",
        "intranet",
        "private",
        "test",
        "localhost",
        "invalid",
        "example",
        "home.arpa",
    ];
    !n.contains('.')
        || internal_tlds
            .iter()
            .any(|t| n == *t || n.ends_with(&format!(".{t}")))
}

/// Private, loopback, link-local, documentation and other reserved
/// addresses (BR §7.1.4.2.1 "Reserved IP Address").
fn reserved_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v) => {
            let o = v.octets();
            v.is_private()
                || v.is_loopback()
                || v.is_link_local()
                || v.is_unspecified()
                || v.is_broadcast()
                || v.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
                || o[0] >= 240
        }
        IpAddr::V6(v) => {
            let s = v.segments();
            v.is_loopback()
                || v.is_unspecified()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || v.to_ipv4_mapped().is_some()
        }
    }
}

/// The longest Validity Period, in days, of a subscriber certificate whose
/// notBefore is `not_before` (Unix seconds): BR §6.3.2 as amended by ballot
/// SC-081 (398 days before 15 March 2026, 200 before 15 March 2027, 100
/// before 15 March 2029, 47 after).
pub fn max_validity_days(not_before: i64) -> i64 {
    const MARCH_15_2026: i64 = 1_773_532_800;
    const MARCH_15_2027: i64 = 1_805_068_800;
    const MARCH_15_2029: i64 = 1_868_227_200;
    match not_before {
        t if t < MARCH_15_2026 => 398,
        t if t < MARCH_15_2027 => 200,
        t if t < MARCH_15_2029 => 100,
        _ => 47,
    }
}

/// CA/Browser Forum Baseline Requirements (v2), for publicly trusted TLS.
pub fn cabf(t: &Target, out: &mut Vec<Finding>) {
    let names = t
        .sans
        .iter()
        .filter(|s| s.kind == "DNS")
        .map(|s| s.value.clone())
        .chain(
            t.attr(CN)
                .into_iter()
                .filter(|c| c.parse::<IpAddr>().is_err())
                .map(String::from),
        );
    let mut seen = HashSet::new();
    for n in names {
        if seen.insert(n.to_ascii_lowercase()) && internal_name(&n) {
            push(
                out,
                "cabf.internal_name",
                Severity::Error,
                "CA/B Forum BR §4.2.2, §7.1.4.2",
                format!("{n} is an internal name (single label or a reserved TLD); public CAs cannot certify it"),
            );
        }
    }
    for s in t.sans.iter().filter(|s| s.kind == "IP") {
        if s.ip.is_some_and(reserved_ip) {
            push(
                out,
                "cabf.reserved_ip",
                Severity::Error,
                "CA/B Forum BR §7.1.2.7.12, §7.1.4.2.1",
                format!(
                    "IP:{} is a private or reserved address; public CAs cannot certify it",
                    s.value
                ),
            );
        }
    }
    for s in t
        .sans
        .iter()
        .filter(|s| s.kind == "DNS" && s.value.contains('_'))
    {
        push(
            out,
            "cabf.underscore",
            Severity::Error,
            "CA/B Forum BR §7.1.4.2 (ballot SC12)",
            format!("DNS:{} contains '_', which the BRs prohibit", s.value),
        );
    }
    if t.kind == Kind::Certificate {
        if let Some((nb, na)) = t.validity {
            // BR §1.6.1 "Validity Period": notBefore through notAfter
            // inclusive, and any part of a day counts as a day.
            let secs = na - nb + 1;
            let days = (secs + 86_399).div_euclid(86_400);
            let max = max_validity_days(nb);
            if secs > max * 86_400 {
                push(
                    out,
                    "cabf.validity_too_long",
                    Severity::Error,
                    "CA/B Forum BR §6.3.2 (ballot SC-081), §1.6.1 (Validity Period)",
                    format!(
                        "valid for {days} days (notBefore through notAfter, inclusive); \
                         a subscriber certificate issued then may be valid for at most {max}"
                    ),
                );
            }
        }
    }
    let has = |oid| !t.attr(oid).is_empty();
    if has(O) && !has(C) {
        push(
            out,
            "cabf.org_without_country",
            Severity::Error,
            "CA/B Forum BR §7.1.4.2.2 (countryName)",
            "an organizationName needs a countryName".into(),
        );
    }
    if has(O) && !has(ST) && !has(L) {
        push(
            out,
            "cabf.org_without_locality",
            Severity::Error,
            "CA/B Forum BR §7.1.4.2.2 (localityName, stateOrProvinceName)",
            "an organizationName needs a localityName or a stateOrProvinceName".into(),
        );
    }
    if has(OU) {
        push(
            out,
            "cabf.ou_prohibited",
            Severity::Error,
            "CA/B Forum BR §7.1.2.7.4 (ballot SC47)",
            "organizationalUnitName is no longer allowed in publicly trusted certificates".into(),
        );
    }
    for c in t.attr(C) {
        // XX: the user-assigned code the BRs allow where ISO 3166-1 has none.
        if c != "XX" && !crate::request::COUNTRIES.contains(&c) {
            push(
                out,
                "cabf.country_code",
                Severity::Error,
                "CA/B Forum BR §7.1.2.7.4 (countryName); ISO 3166-1",
                format!("countryName {c} is not an ISO 3166-1 alpha-2 code"),
            );
        }
    }
    if let Key::Rsa { bits } = t.key {
        if bits >= 2048 && bits % 8 != 0 {
            push(
                out,
                "cabf.rsa_modulus_length",
                Severity::Error,
                "CA/B Forum BR §6.1.5 (RSA: modulus size in bits divisible by 8)",
                format!("the RSA modulus has {bits} bits; the BRs take sizes divisible by 8"),
            );
        }
    }
    if let Key::Other(oid) = &t.key {
        push(
            out,
            "cabf.key_algorithm",
            Severity::Error,
            "CA/B Forum BR §6.1.5, §7.1.3.1",
            format!("the key's algorithm {oid} is not allowed by the BRs (RSA or ECDSA only)"),
        );
    }
    let sig = t.signature.to_string();
    if weak_digest(&sig).is_none() && !BR_SIGNATURES.contains(&sig.as_str()) {
        push(
            out,
            "cabf.signature_algorithm",
            Severity::Error,
            "CA/B Forum BR §7.1.3.2",
            format!(
                "the signature algorithm {sig} is not one the BRs allow (RSASSA-PKCS1-v1_5 or \
                 RSASSA-PSS with SHA-256/384/512, ECDSA with SHA-256/384/512)"
            ),
        );
    }
    if matches!(t.key, Key::Ed25519) {
        push(
            out,
            "cabf.key_ed25519",
            Severity::Error,
            "CA/B Forum BR §6.1.5, §7.1.3.1",
            "Ed25519 keys are not allowed by the BRs (RSA or ECDSA P-256/P-384 only)".into(),
        );
    }
    if let Key::Ec { curve: Some(c) } = &t.key {
        if c.to_string() == "1.3.132.0.35" {
            // The BRs themselves allow P-521 (§6.1.5, §7.1.3.1.2), and so
            // does pkilint; the root programs do not.
            push(
                out,
                "cabf.key_p521",
                Severity::Error,
                "Mozilla Root Store Policy §5.1; Chrome Root Program Policy (P-256, P-384); the BRs (§6.1.5) alone allow P-521",
                "P-521 keys are refused by the browsers' root programs (P-256 or P-384), though the BRs allow them".into(),
            );
        }
    }
}

/// An attribute type's short name (`O`), else its dotted OID.
fn attr_name(oid: &x509_cert::der::asn1::ObjectIdentifier) -> String {
    let dotted = oid.to_string();
    crate::request::Attr::from_oid(&dotted)
        .map(|a| a.short().into_owned())
        .unwrap_or(dotted)
}

#[cfg(test)]
mod tests {
    use super::max_validity_days;

    #[test]
    fn the_validity_limit_follows_ballot_sc_081_by_not_before() {
        // 2026-03-14T23:59:59Z, 2026-03-15T00:00:00Z, and so on.
        assert_eq!(max_validity_days(1_773_532_799), 398);
        assert_eq!(max_validity_days(1_773_532_800), 200);
        assert_eq!(max_validity_days(1_805_068_799), 200);
        assert_eq!(max_validity_days(1_805_068_800), 100);
        assert_eq!(max_validity_days(1_868_227_199), 100);
        assert_eq!(max_validity_days(1_868_227_200), 47);
    }
}
