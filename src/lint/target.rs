//! What the rules look at, read from a CSR (RFC 2986) or a certificate
//! (RFC 5280) with x509-cert: subject attributes, SANs, the key, the
//! signature algorithm, requested or present extensions, and a
//! certificate's validity. Reading only: no verdicts here.

use crate::field::Field;
use der::asn1::{ObjectIdentifier, UintRef};
use der::Decode;
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::request::{CertReq, ExtensionReq};
use x509_cert::Certificate;

use crate::error::{Error, Result};

const OID_EXT_REQ: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.14");
const OID_SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const OID_KU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const OID_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const OID_BC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");

/// A CSR or a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Csr,
    Certificate,
}

/// The public key, as the rules need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    Rsa {
        bits: u32,
    },
    /// `curve`: the named curve's OID (None: explicit parameters).
    Ec {
        curve: Option<ObjectIdentifier>,
    },
    Ed25519,
    Other(ObjectIdentifier),
}

/// One SAN: its type (`DNS`, `IP`, `email`, `URI`, `other`) and value;
/// `ascii` is false when a dNSName/rfc822Name held non-ASCII bytes.
#[derive(Clone, Debug)]
pub struct SanEntry {
    pub kind: &'static str,
    pub value: String,
    pub ip: Option<std::net::IpAddr>,
    pub ascii: bool,
}

/// Everything a rule reads.
#[derive(Clone, Debug)]
pub struct Target {
    pub kind: Kind,
    /// Subject attributes in order: (OID, value as text).
    pub subject: Vec<(ObjectIdentifier, String)>,
    /// Subject values that are not valid strings of their type: (OID,
    /// what is wrong), e.g. a SEQUENCE where a DirectoryString belongs, or
    /// a PrintableString holding ESC (possible with `#hex` values).
    pub subject_problems: Vec<(ObjectIdentifier, String)>,
    pub sans: Vec<SanEntry>,
    pub san_critical: bool,
    pub key: Key,
    pub signature: ObjectIdentifier,
    pub key_usage: Option<KeyUsage>,
    pub ext_key_usage: Vec<ObjectIdentifier>,
    /// basicConstraints cA.
    pub ca: bool,
    /// notBefore/notAfter, Unix seconds (certificates only).
    pub validity: Option<(i64, i64)>,
}

fn bad(what: impl std::fmt::Display) -> Error {
    Error::invalid(Field::File, format!("cannot be linted: {what}"))
        .with_hint("give a CSR or a certificate (PEM or DER)")
}

impl Target {
    /// Reads a DER CSR.
    pub fn from_csr(der: &[u8]) -> Result<Target> {
        let csr = CertReq::from_der(der).map_err(bad)?;
        let mut exts = Vec::new();
        for attr in csr.info.attributes.iter().filter(|a| a.oid == OID_EXT_REQ) {
            if let Some(v) = attr.values.iter().next() {
                let req: ExtensionReq = v.decode_as().map_err(bad)?;
                exts.extend(req.0);
            }
        }
        Target::build(
            Kind::Csr,
            &csr.info.subject,
            &csr.info.public_key,
            csr.algorithm.oid,
            &exts,
            None,
        )
    }

    /// Reads a DER certificate.
    pub fn from_cert(der: &[u8]) -> Result<Target> {
        let c = Certificate::from_der(der).map_err(bad)?;
        let tbs = c.tbs_certificate();
        let v = tbs.validity();
        let secs = |t: x509_cert::time::Time| t.to_unix_duration().as_secs() as i64;
        let exts: Vec<Extension> = tbs.extensions().map(|e| e.to_vec()).unwrap_or_default();
        Target::build(
            Kind::Certificate,
            tbs.subject(),
            tbs.subject_public_key_info(),
            c.signature_algorithm().oid,
            &exts,
            Some((secs(v.not_before), secs(v.not_after))),
        )
    }

    fn build(
        kind: Kind,
        subject: &Name,
        spki: &SubjectPublicKeyInfoOwned,
        signature: ObjectIdentifier,
        exts: &[Extension],
        validity: Option<(i64, i64)>,
    ) -> Result<Target> {
        let mut subject_problems = Vec::new();
        let subject = subject
            .iter()
            .map(|atv| {
                if let Some(p) = value_problem(&atv.value) {
                    subject_problems.push((atv.oid, p));
                }
                (atv.oid, text_value(&atv.value))
            })
            .collect();
        let mut t = Target {
            kind,
            subject,
            subject_problems,
            sans: Vec::new(),
            san_critical: false,
            key: key_of(spki),
            signature,
            key_usage: None,
            ext_key_usage: Vec::new(),
            ca: false,
            validity,
        };
        for e in exts {
            let v = e.extn_value.as_bytes();
            if e.extn_id == OID_SAN {
                t.san_critical = e.critical;
                t.sans = raw_sans(v);
            } else if e.extn_id == OID_KU {
                t.key_usage = KeyUsage::from_der(v).ok();
            } else if e.extn_id == OID_EKU {
                t.ext_key_usage = ExtendedKeyUsage::from_der(v)
                    .map(|x| x.0)
                    .unwrap_or_default();
            } else if e.extn_id == OID_BC {
                t.ca = BasicConstraints::from_der(v).is_ok_and(|b| b.ca);
            }
        }
        Ok(t)
    }

    /// The subject's values of attribute `oid`, in order.
    pub fn attr(&self, oid: &str) -> Vec<&str> {
        let oid = ObjectIdentifier::new_unwrap(oid);
        self.subject
            .iter()
            .filter(|(o, _)| *o == oid)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether keyUsage asserts `bit`.
    pub fn has_ku(&self, bit: KeyUsages) -> bool {
        self.key_usage.is_some_and(|k| k.0.contains(bit))
    }
}

/// What is wrong with a subject value as a string of its type, if
/// anything: not a string type at all (RFC 5280 4.1.2.4 DirectoryString,
/// PKCS#9 IA5String for emailAddress, DC), characters outside
/// PrintableString's set (X.680 41.4), bytes that do not decode, or a
/// control character.
fn value_problem(any: &der::asn1::Any) -> Option<String> {
    use der::{Tag, Tagged};
    let b = any.value();
    let text: Option<String> = match any.tag() {
        Tag::Utf8String => std::str::from_utf8(b).ok().map(str::to_string),
        Tag::PrintableString => {
            if !b
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(c))
            {
                return Some("a PrintableString with characters that type does not allow".into());
            }
            Some(String::from_utf8_lossy(b).into_owned())
        }
        Tag::Ia5String | Tag::TeletexString | Tag::VisibleString => {
            Some(b.iter().map(|c| char::from(*c)).collect())
        }
        Tag::BmpString => b
            .len()
            .is_multiple_of(2)
            .then(|| {
                let units: Vec<u16> = b
                    .chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16(&units).ok()
            })
            .flatten(),
        other => return Some(format!("a {other}, not a string")),
    };
    match text {
        None => Some(format!("a {} that does not decode", any.tag())),
        Some(t) => t
            .chars()
            .find(|c| c.is_control())
            .map(|c| format!("a string holding the control character {c:?}")),
    }
}

fn text_value(any: &der::asn1::Any) -> String {
    match std::str::from_utf8(any.value()) {
        Ok(s) => s.to_string(),
        Err(_) => String::from_utf8_lossy(any.value()).into_owned(),
    }
}

/// The SANs of a subjectAltName value, read tag by tag so that a dNSName
/// with non-ASCII bytes (which IA5String decoding refuses) is still seen.
fn raw_sans(value: &[u8]) -> Vec<SanEntry> {
    use der::{Header, Reader, SliceReader, Tag};
    let walk = |r: &mut SliceReader<'_>| -> der::Result<Vec<SanEntry>> {
        let mut out = Vec::new();
        while !r.is_finished() {
            let h = Header::decode(r)?;
            let body = r.read_slice(h.length())?;
            let entry = match h.tag() {
                Tag::ContextSpecific {
                    constructed: false,
                    number,
                } => match number.value() {
                    1 => text_entry(body, "email"),
                    2 => text_entry(body, "DNS"),
                    6 => text_entry(body, "URI"),
                    7 => ip_entry(body),
                    _ => other_entry(body),
                },
                _ => other_entry(body),
            };
            out.push(entry);
        }
        Ok(out)
    };
    let Ok(mut r) = SliceReader::new(value) else {
        return Vec::new();
    };
    r.sequence(|r| walk(r)).unwrap_or_default()
}

fn text_entry(b: &[u8], kind: &'static str) -> SanEntry {
    SanEntry {
        kind,
        value: String::from_utf8_lossy(b).into_owned(),
        ip: None,
        ascii: b.is_ascii(),
    }
}

fn ip_entry(b: &[u8]) -> SanEntry {
    let addr: Option<std::net::IpAddr> = match b.len() {
        4 => <[u8; 4]>::try_from(b).ok().map(Into::into),
        16 => <[u8; 16]>::try_from(b).ok().map(Into::into),
        _ => None,
    };
    SanEntry {
        kind: "IP",
        value: addr.map_or_else(|| format!("{b:02x?}"), |a| a.to_string()),
        ip: addr,
        ascii: true,
    }
}

fn other_entry(b: &[u8]) -> SanEntry {
    SanEntry {
        kind: "other",
        value: format!("{} bytes", b.len()),
        ip: None,
        ascii: true,
    }
}

fn key_of(spki: &SubjectPublicKeyInfoOwned) -> Key {
    let alg = spki.algorithm.oid;
    match alg.to_string().as_str() {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => {
            let bits = rsa_bits(spki.subject_public_key.raw_bytes()).unwrap_or(0);
            Key::Rsa { bits }
        }
        "1.2.840.10045.2.1" => Key::Ec {
            curve: spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok()),
        },
        "1.3.101.112" => Key::Ed25519,
        _ => Key::Other(alg),
    }
}

/// Bits of an RSAPublicKey's modulus (RFC 8017 §A.1.1).
fn rsa_bits(pkcs1: &[u8]) -> Option<u32> {
    let mut r = der::SliceReader::new(pkcs1).ok()?;
    let n = der::Reader::sequence(&mut r, |r| {
        let n = UintRef::decode(r)?;
        let _e = UintRef::decode(r)?;
        Ok::<_, der::Error>(n.as_bytes().to_vec())
    })
    .ok()?;
    let first = *n.first()?;
    Some((n.len() as u32 - 1) * 8 + (8 - first.leading_zeros()))
}
