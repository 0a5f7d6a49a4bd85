//! Names of what a CSR holds: OIDs of attributes, extensions, algorithms
//! and curves, and readable values for the extensions and CSR attributes
//! csrkit knows (RFC 5280 4.2, RFC 2985 5.4, RFC 7633, Microsoft's
//! enrollment attributes). Anything else is shown by OID with its value in
//! hex; nothing is dropped.

use std::net::IpAddr;

use super::key::malformed;
use super::name::{decode_name, decode_string, rfc4514_of};
use super::tlv::{hex, oid_string, read_all, read_one, tag, Tlv};
use super::{hex_colon, ParsedAttribute, ParsedExtension, ParsedSan, Secret};

/// OpenSSL's name for a CSR attribute type (RFC 2985, Microsoft), if known.
pub fn attribute_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.113549.1.9.14" => "extensionRequest",
        "1.3.6.1.4.1.311.2.1.14" => "msExtReq",
        "1.2.840.113549.1.9.7" => "challengePassword",
        "1.2.840.113549.1.9.2" => "unstructuredName",
        "1.2.840.113549.1.9.8" => "unstructuredAddress",
        "1.2.840.113549.1.9.15" => "SMIMECapabilities",
        "1.2.840.113549.1.9.20" => "friendlyName",
        "1.2.840.113549.1.9.21" => "localKeyID",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "1.3.6.1.4.1.311.13.2.1" => "enrollmentNameValuePair",
        "1.3.6.1.4.1.311.13.2.2" => "enrollmentCSP",
        "1.3.6.1.4.1.311.13.2.3" => "osVersion",
        "1.3.6.1.4.1.311.21.20" => "requestClientInfo",
        _ => return None,
    })
}

/// OpenSSL's name for an extension, if known.
pub fn extension_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.29.14" => "subjectKeyIdentifier",
        "2.5.29.16" => "privateKeyUsagePeriod",
        "2.5.29.15" => "keyUsage",
        "2.5.29.17" => "subjectAltName",
        "2.5.29.18" => "issuerAltName",
        "2.5.29.19" => "basicConstraints",
        "2.5.29.30" => "nameConstraints",
        "2.5.29.31" => "crlDistributionPoints",
        "2.5.29.32" => "certificatePolicies",
        "2.5.29.35" => "authorityKeyIdentifier",
        "2.5.29.36" => "policyConstraints",
        "2.5.29.37" => "extendedKeyUsage",
        "2.5.29.9" => "subjectDirectoryAttributes",
        "1.3.6.1.5.5.7.1.1" => "authorityInfoAccess",
        "1.3.6.1.5.5.7.1.11" => "subjectInfoAccess",
        "1.3.6.1.5.5.7.1.24" => "tlsFeature",
        "1.3.6.1.5.5.7.1.3" => "qcStatements",
        "2.16.840.1.113730.1.1" => "nsCertType",
        "2.16.840.1.113730.1.13" => "nsComment",
        "1.3.6.1.4.1.311.20.2" => "certificateTemplateName",
        "1.3.6.1.4.1.311.21.7" => "certificateTemplate",
        "1.3.6.1.4.1.311.21.10" => "applicationCertPolicies",
        "1.3.6.1.4.1.311.25.2" => "ntdsCaSecurity",
        "1.3.6.1.5.5.7.48.1.5" => "ocspNoCheck",
        "1.3.6.1.4.1.11129.2.4.3" => "ctPrecertificatePoison",
        "1.2.840.113549.1.9.15" => "SMIMECapabilities",
        _ => return None,
    })
}

/// Names of extended key usages (RFC 5280 4.2.1.12 and common ones).
pub fn eku_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.3.6.1.5.5.7.3.1" => "serverAuth",
        "1.3.6.1.5.5.7.3.2" => "clientAuth",
        "1.3.6.1.5.5.7.3.3" => "codeSigning",
        "1.3.6.1.5.5.7.3.4" => "emailProtection",
        "1.3.6.1.5.5.7.3.5" => "ipsecEndSystem",
        "1.3.6.1.5.5.7.3.6" => "ipsecTunnel",
        "1.3.6.1.5.5.7.3.7" => "ipsecUser",
        "1.3.6.1.5.5.7.3.8" => "timeStamping",
        "1.3.6.1.5.5.7.3.9" => "OCSPSigning",
        "1.3.6.1.5.5.7.3.17" => "ipsecIKE",
        "1.3.6.1.4.1.311.20.2.2" => "msSmartcardLogin",
        "1.3.6.1.4.1.311.10.3.4" => "msEFS",
        "1.3.6.1.4.1.311.10.3.12" => "msDocumentSigning",
        "1.3.6.1.5.2.3.5" => "pkInitKDC",
        "2.5.29.37.0" => "anyExtendedKeyUsage",
        _ => return None,
    })
}

/// Names of subject attribute types csrkit has no short name for (OpenSSL
/// long names), used in descriptions; RFC 4514 strings keep the OID.
pub fn dn_attribute_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.43" => "initials",
        "2.5.4.44" => "generationQualifier",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.65" => "pseudonym",
        "2.5.4.15" => "businessCategory",
        "2.5.4.97" => "organizationIdentifier",
        "2.5.4.45" => "x500UniqueIdentifier",
        "1.2.840.113549.1.9.2" => "unstructuredName",
        "1.2.840.113549.1.9.8" => "unstructuredAddress",
        "1.3.6.1.4.1.311.60.2.1.1" => "jurisdictionL",
        "1.3.6.1.4.1.311.60.2.1.2" => "jurisdictionST",
        "1.3.6.1.4.1.311.60.2.1.3" => "jurisdictionC",
        _ => return None,
    })
}

/// Describes one extension; SANs found are appended to `sans`, problems
/// to `warnings`.
pub fn extension(
    oid: String,
    critical: bool,
    value: &[u8],
    sans: &mut Vec<ParsedSan>,
    warnings: &mut Vec<String>,
) -> ParsedExtension {
    let known = extension_name(&oid);
    let name = known.map(str::to_string).unwrap_or_else(|| oid.clone());
    let mut san_range = None;
    let described = match oid.as_str() {
        "2.5.29.17" | "2.5.29.18" => general_names(value).map(|names| {
            let text = names
                .iter()
                .map(|s| format!("{}:{}", s.kind, s.value))
                .collect::<Vec<_>>()
                .join(", ");
            if oid == "2.5.29.17" {
                san_range = Some(sans.len()..sans.len() + names.len());
                sans.extend(names);
            }
            text
        }),
        "2.5.29.15" => key_usage(value),
        "2.5.29.37" => oid_list(value, eku_name),
        "1.3.6.1.4.1.311.21.10" => application_policies(value),
        "2.5.29.19" => basic_constraints(value),
        "2.5.29.14" => read_one(value)
            .ok()
            .filter(|t| t.tag == tag::OCTET_STRING)
            .map(|t| hex_colon(t.content)),
        "2.5.29.35" => authority_key_id(value),
        "1.3.6.1.5.5.7.1.24" => tls_feature(value),
        "2.5.29.32" => certificate_policies(value),
        "1.3.6.1.4.1.311.20.2" | "2.16.840.1.113730.1.13" => {
            read_one(value).ok().and_then(|t| decode_string(&t).ok())
        }
        "1.3.6.1.4.1.311.21.7" => certificate_template(value),
        "2.5.29.16" => private_key_usage_period(value),
        "2.16.840.1.113730.1.1" => ns_cert_type(value),
        "1.3.6.1.5.5.7.48.1.5" | "1.3.6.1.4.1.11129.2.4.3" => {
            (value == [0x05, 0x00]).then(|| "NULL".to_string())
        }
        _ => Some(hex_colon(value)),
    };
    let value_text = described.unwrap_or_else(|| {
        warnings.push(format!(
            "the {name} extension is malformed; its value is shown in hex"
        ));
        if value.is_empty() {
            malformed("value: empty")
        } else {
            format!("{} {}", malformed("value"), hex_colon(value))
        }
    });
    ParsedExtension {
        oid,
        name,
        critical,
        value: value_text,
        hex: hex(value),
        sans: san_range,
    }
}

fn children_of(value: &[u8], want: u8) -> Option<Vec<Tlv<'_>>> {
    let t = read_one(value).ok()?;
    (t.tag == want).then(|| t.children().ok())?
}

fn oid_list(value: &[u8], names: fn(&str) -> Option<&'static str>) -> Option<String> {
    let items = children_of(value, tag::SEQUENCE)?;
    let mut out = Vec::new();
    for i in items {
        if i.tag != tag::OID {
            return None;
        }
        let o = oid_string(i.content)?;
        out.push(names(&o).map(str::to_string).unwrap_or(o));
    }
    Some(out.join(", "))
}

fn application_policies(value: &[u8]) -> Option<String> {
    // SEQUENCE OF PolicyInformation, like certificatePolicies, naming EKUs.
    let items = children_of(value, tag::SEQUENCE)?;
    let mut out = Vec::new();
    for i in items {
        let f = i.children().ok()?;
        let o = oid_string(f.first().filter(|t| t.tag == tag::OID)?.content)?;
        out.push(eku_name(&o).map(str::to_string).unwrap_or(o));
    }
    Some(out.join(", "))
}

const KEY_USAGE_NAMES: [&str; 9] = [
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
    "encipherOnly",
    "decipherOnly",
];

fn bits_named(value: &[u8], names: &[&str]) -> Option<String> {
    let t = read_one(value).ok()?;
    if t.tag != tag::BIT_STRING || t.content.is_empty() {
        return None;
    }
    let bytes = &t.content[1..];
    let mut out = Vec::new();
    for (i, n) in names.iter().enumerate() {
        if bytes.get(i / 8).is_some_and(|b| b & (0x80 >> (i % 8)) != 0) {
            out.push(*n);
        }
    }
    Some(out.join(", "))
}

fn key_usage(value: &[u8]) -> Option<String> {
    bits_named(value, &KEY_USAGE_NAMES)
}

fn ns_cert_type(value: &[u8]) -> Option<String> {
    bits_named(
        value,
        &[
            "SSL Client",
            "SSL Server",
            "S/MIME",
            "Object Signing",
            "Unused",
            "SSL CA",
            "S/MIME CA",
            "Object Signing CA",
        ],
    )
}

fn basic_constraints(value: &[u8]) -> Option<String> {
    let f = children_of(value, tag::SEQUENCE)?;
    let mut ca = false;
    let mut path = None;
    for t in f {
        match t.tag {
            tag::BOOLEAN if t.content.len() == 1 => ca = t.content[0] != 0,
            tag::INTEGER => path = Some(t.small_int()?),
            _ => return None,
        }
    }
    let mut v = format!("CA:{}", if ca { "TRUE" } else { "FALSE" });
    if let Some(p) = path {
        v.push_str(&format!(", pathlen:{p}"));
    }
    Some(v)
}

fn authority_key_id(value: &[u8]) -> Option<String> {
    let f = children_of(value, tag::SEQUENCE)?;
    let mut out = Vec::new();
    for t in f {
        match t.number {
            0 if t.tag & 0xc0 == 0x80 => out.push(format!("keyid:{}", hex_colon(t.content))),
            1 if t.tag & 0xc0 == 0x80 => {
                let names = general_names_of(&read_all(t.content).ok()?)?;
                for n in names {
                    out.push(format!("{}:{}", n.kind, n.value));
                }
            }
            2 if t.tag & 0xc0 == 0x80 => out.push(format!("serial:{}", hex_colon(t.content))),
            _ => return None,
        }
    }
    Some(out.join(", "))
}

fn tls_feature(value: &[u8]) -> Option<String> {
    let f = children_of(value, tag::SEQUENCE)?;
    let mut out = Vec::new();
    for t in f {
        let n = t.small_int()?;
        out.push(match n {
            5 => "status_request (OCSP must-staple)".to_string(),
            17 => "status_request_v2".to_string(),
            other => format!("TLS extension {other}"),
        });
    }
    Some(out.join(", "))
}

fn certificate_policies(value: &[u8]) -> Option<String> {
    let f = children_of(value, tag::SEQUENCE)?;
    let mut out = Vec::new();
    for p in f {
        let parts = p.children().ok()?;
        let o = oid_string(parts.first().filter(|t| t.tag == tag::OID)?.content)?;
        let mut s = match o.as_str() {
            "2.5.29.32.0" => "anyPolicy".to_string(),
            "2.23.140.1.2.1" => "domain-validated (2.23.140.1.2.1)".to_string(),
            "2.23.140.1.2.2" => "organization-validated (2.23.140.1.2.2)".to_string(),
            "2.23.140.1.1" => "extended-validation (2.23.140.1.1)".to_string(),
            _ => o,
        };
        if let Some(quals) = parts.get(1) {
            let mut q = Vec::new();
            for qi in quals.children().ok()? {
                let qf = qi.children().ok()?;
                let qo = oid_string(qf.first()?.content)?;
                let qv = qf.get(1);
                q.push(match (qo.as_str(), qv) {
                    ("1.3.6.1.5.5.7.2.1", Some(v)) => format!("CPS: {}", decode_string(v).ok()?),
                    ("1.3.6.1.5.5.7.2.2", _) => "user notice".to_string(),
                    (other, _) => other.to_string(),
                });
            }
            s.push_str(&format!(" ({})", q.join("; ")));
        }
        out.push(s);
    }
    Some(out.join(", "))
}

fn certificate_template(value: &[u8]) -> Option<String> {
    // SEQUENCE { templateID OID, majorVersion INTEGER, minorVersion INTEGER OPTIONAL }
    let f = children_of(value, tag::SEQUENCE)?;
    let o = oid_string(f.first().filter(|t| t.tag == tag::OID)?.content)?;
    let mut s = format!("template {o}");
    if let Some(major) = f.get(1) {
        s.push_str(&format!(", major version {}", major.small_int()?));
    }
    if let Some(minor) = f.get(2) {
        s.push_str(&format!(", minor version {}", minor.small_int()?));
    }
    Some(s)
}

fn private_key_usage_period(value: &[u8]) -> Option<String> {
    // SEQUENCE { notBefore [0] GeneralizedTime OPTIONAL, notAfter [1] ... }
    let f = children_of(value, tag::SEQUENCE)?;
    let mut out = Vec::new();
    for t in f {
        let time = std::str::from_utf8(t.content).ok()?;
        match t.number {
            0 => out.push(format!("not before {time}")),
            1 => out.push(format!("not after {time}")),
            _ => return None,
        }
    }
    Some(out.join(", "))
}

/// Decodes GeneralNames (RFC 5280 4.2.1.6) from an extension value.
pub fn general_names(value: &[u8]) -> Option<Vec<ParsedSan>> {
    general_names_of(&children_of(value, tag::SEQUENCE)?)
}

fn general_names_of(items: &[Tlv<'_>]) -> Option<Vec<ParsedSan>> {
    items.iter().map(general_name).collect()
}

fn ia5_san(kind: &str, bytes: &[u8]) -> ParsedSan {
    let (value, raw) = if bytes.is_ascii() {
        (String::from_utf8_lossy(bytes).into_owned(), None)
    } else {
        let v = match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => bytes.iter().map(|b| char::from(*b)).collect(),
        };
        (v, Some(bytes.to_vec()))
    };
    ParsedSan {
        kind: kind.to_string(),
        value,
        raw,
    }
}

fn san(kind: &str, value: String) -> ParsedSan {
    ParsedSan {
        kind: kind.to_string(),
        value,
        raw: None,
    }
}

fn general_name(t: &Tlv<'_>) -> Option<ParsedSan> {
    if t.tag & 0xc0 != 0x80 {
        return None;
    }
    Some(match t.number {
        0 => {
            // otherName: SEQUENCE { type-id OID, [0] EXPLICIT value }
            let f = read_all(t.content).ok()?;
            let o = oid_string(f.first().filter(|x| x.tag == tag::OID)?.content)?;
            let inner = f
                .get(1)
                .and_then(|v| v.children().ok())
                .and_then(|c| c.into_iter().next());
            let val = inner
                .as_ref()
                .and_then(|v| decode_string(v).ok())
                .unwrap_or_else(|| inner.map(|v| hex(v.raw)).unwrap_or_default());
            let label = match o.as_str() {
                "1.3.6.1.4.1.311.20.2.3" => "UPN".to_string(),
                "1.3.6.1.5.5.7.8.9" => "SmtpUTF8Mailbox".to_string(),
                "1.3.6.1.5.5.7.8.3" => "permanentIdentifier".to_string(),
                "1.3.6.1.4.1.311.25.1" => "msGUID".to_string(),
                _ => o,
            };
            san("othername", format!("{label}:{val}"))
        }
        1 => ia5_san("email", t.content),
        2 => ia5_san("DNS", t.content),
        6 => ia5_san("URI", t.content),
        7 => {
            let b = t.content;
            let v = match b.len() {
                4 => IpAddr::from(<[u8; 4]>::try_from(b).ok()?).to_string(),
                16 => IpAddr::from(<[u8; 16]>::try_from(b).ok()?).to_string(),
                _ => hex_colon(b),
            };
            san("IP", v)
        }
        8 => san("RID", oid_string(t.content)?),
        4 => {
            let inner = read_one(t.content).ok()?;
            let name = decode_name(&inner).ok()?;
            san("DirName", rfc4514_of(&name))
        }
        3 => san("X400Name", hex(t.content)),
        5 => san("EdiPartyName", hex(t.content)),
        _ => return None,
    })
}

/// Describes one CSR attribute from its type and the values in its SET.
pub fn attribute(oid: &str, values: &[Tlv<'_>], warnings: &mut Vec<String>) -> ParsedAttribute {
    let name = attribute_name(oid)
        .map(str::to_string)
        .unwrap_or_else(|| oid.to_string());
    let mut secret = None;
    let shown: Vec<String> = values
        .iter()
        .map(|v| match oid {
            "1.2.840.113549.1.9.7" => match decode_string(v) {
                Ok(s) => {
                    let n = s.chars().count();
                    secret = Some(Secret(s));
                    format!("set, {n} character{}", if n == 1 { "" } else { "s" })
                }
                Err(_) => format!("set, not a string: #{}", hex(v.raw)),
            },
            "1.2.840.113549.1.9.14" | "1.3.6.1.4.1.311.2.1.14" => {
                let n = v.children().map(|c| c.len()).unwrap_or(0);
                format!(
                    "{n} extension{} (listed under extensions)",
                    if n == 1 { "" } else { "s" }
                )
            }
            "1.3.6.1.4.1.311.13.2.2" => enrollment_csp(v),
            "1.3.6.1.4.1.311.21.20" => client_info(v),
            "1.3.6.1.4.1.311.13.2.1" => name_value_pair(v),
            _ => decode_string(v).unwrap_or_else(|_| format!("#{}", hex(v.raw))),
        })
        .collect();
    if values.is_empty() {
        warnings.push(format!("the {name} attribute has no value"));
    }
    ParsedAttribute {
        oid: oid.to_string(),
        name,
        values: shown,
        secret,
    }
}

fn fields<'a>(v: &Tlv<'a>) -> Vec<Tlv<'a>> {
    if v.tag == tag::SEQUENCE {
        v.children().unwrap_or_default()
    } else {
        Vec::new()
    }
}

fn enrollment_csp(v: &Tlv<'_>) -> String {
    // SEQUENCE { keySpec INTEGER, cspName BMPString, signature BIT STRING }
    let f = fields(v);
    let spec = f.first().and_then(Tlv::small_int);
    let csp = f.get(1).and_then(|t| decode_string(t).ok());
    match (spec, csp) {
        (Some(s), Some(c)) => format!("{c} (key spec {s})"),
        _ => format!("#{}", hex(v.raw)),
    }
}

fn client_info(v: &Tlv<'_>) -> String {
    // SEQUENCE { clientId INTEGER, machine, user, process UTF8String }
    let f = fields(v);
    let id = f.first().and_then(Tlv::small_int);
    let s: Vec<String> = f[1.min(f.len())..]
        .iter()
        .filter_map(|t| decode_string(t).ok())
        .collect();
    match (id, s.as_slice()) {
        (Some(id), [m, u, p]) => {
            format!("client id {id}, machine {m}, user {u}, process {p}")
        }
        _ => format!("#{}", hex(v.raw)),
    }
}

fn name_value_pair(v: &Tlv<'_>) -> String {
    let f = fields(v);
    match (
        f.first().and_then(|t| decode_string(t).ok()),
        f.get(1).and_then(|t| decode_string(t).ok()),
    ) {
        (Some(n), Some(val)) => format!("{n}={val}"),
        _ => format!("#{}", hex(v.raw)),
    }
}
