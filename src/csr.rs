//! CSR bytes: build and sign (PKCS#10 via x509-cert types), parse, verify.

use std::net::IpAddr;

use aws_lc_rs::digest;
use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use der::asn1::{
    Any, BitString, Ia5String, Ia5StringRef, ObjectIdentifier, OctetString, PrintableStringRef,
    SetOfVec, Utf8StringRef,
};
use der::{Decode, Encode, Tag, Tagged};
use serde::Serialize;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::attr::{Attribute, AttributeTypeAndValue};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage as KuExt, KeyUsages, SubjectAltName,
};
use x509_cert::ext::Extension;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::request::{CertReq, CertReqInfo, ExtensionReq, Version};

use crate::error::{Error, Kind, Result};
use crate::keys::{curve_from_oid, PrivateKey, OID_EC, OID_ED25519, OID_RSA};
use crate::request::{Attr, KeyUsage, Request, San, StringType, KEY_USAGES};

const OID_EXT_REQ: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.14");
const OID_SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const OID_KU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const OID_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const OID_BC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");

fn enc_err(e: der::Error) -> Error {
    Error::internal(format!("DER encoding failed: {e}"))
}

fn encode_value(attr: Attr, value: &str) -> Result<Any> {
    let any = match attr.info().string_type {
        StringType::Printable => {
            Any::encode_from(&PrintableStringRef::new(value).map_err(enc_err)?)
        }
        StringType::Ia5 => Any::encode_from(&Ia5StringRef::new(value).map_err(enc_err)?),
        StringType::Utf8 => Any::encode_from(&Utf8StringRef::new(value).map_err(enc_err)?),
    };
    any.map_err(enc_err)
}

fn extension(oid: ObjectIdentifier, critical: bool, value: &impl Encode) -> Result<Extension> {
    Ok(Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(value.to_der().map_err(enc_err)?).map_err(enc_err)?,
    })
}

fn ku_flag(k: KeyUsage) -> KeyUsages {
    match k {
        KeyUsage::DigitalSignature => KeyUsages::DigitalSignature,
        KeyUsage::NonRepudiation => KeyUsages::NonRepudiation,
        KeyUsage::KeyEncipherment => KeyUsages::KeyEncipherment,
        KeyUsage::DataEncipherment => KeyUsages::DataEncipherment,
        KeyUsage::KeyAgreement => KeyUsages::KeyAgreement,
        KeyUsage::KeyCertSign => KeyUsages::KeyCertSign,
        KeyUsage::CrlSign => KeyUsages::CRLSign,
        KeyUsage::EncipherOnly => KeyUsages::EncipherOnly,
        KeyUsage::DecipherOnly => KeyUsages::DecipherOnly,
    }
}

/// The extensions a request asks for, in a fixed order.
fn extensions(req: &Request) -> Result<Vec<Extension>> {
    let mut exts = Vec::new();
    let sans = req.effective_sans();
    if !sans.is_empty() {
        let names = sans
            .iter()
            .map(|s| {
                Ok(match s {
                    San::Dns(v) => GeneralName::DnsName(Ia5String::new(v).map_err(enc_err)?),
                    San::Email(v) => GeneralName::Rfc822Name(Ia5String::new(v).map_err(enc_err)?),
                    San::Uri(v) => {
                        GeneralName::UniformResourceIdentifier(Ia5String::new(v).map_err(enc_err)?)
                    }
                    San::Ip(IpAddr::V4(a)) => GeneralName::IpAddress(
                        OctetString::new(a.octets().to_vec()).map_err(enc_err)?,
                    ),
                    San::Ip(IpAddr::V6(a)) => GeneralName::IpAddress(
                        OctetString::new(a.octets().to_vec()).map_err(enc_err)?,
                    ),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        // RFC 5280 4.2.1.6: critical when the subject is empty.
        exts.push(extension(
            OID_SAN,
            req.subject.is_empty(),
            &SubjectAltName(names),
        )?);
    }
    if req.ca {
        let bc = BasicConstraints {
            ca: true,
            path_len_constraint: req.path_len,
        };
        exts.push(extension(OID_BC, true, &bc)?);
    }
    let kus = req.key_usages();
    if !kus.is_empty() {
        let mut flags = flagset::FlagSet::<KeyUsages>::default();
        for k in kus {
            flags |= ku_flag(k);
        }
        exts.push(extension(OID_KU, true, &KuExt(flags))?);
    }
    let ekus = req.extended_key_usages();
    if !ekus.is_empty() {
        let oids = ekus
            .iter()
            .map(|e| {
                e.oid().parse::<ObjectIdentifier>().map_err(|_| {
                    Error::invalid("--extended-key-usage", format!("bad OID {}", e.oid()))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        exts.push(extension(OID_EKU, false, &ExtendedKeyUsage(oids))?);
    }
    Ok(exts)
}

/// Builds and signs the CSR for `req` with `key`; returns its DER.
pub fn build(req: &Request, key: &PrivateKey) -> Result<Vec<u8>> {
    let mut rdns = Vec::with_capacity(req.subject.0.len());
    for rdn in &req.subject.0 {
        let mut atvs = Vec::with_capacity(rdn.len());
        for ava in rdn {
            atvs.push(AttributeTypeAndValue {
                oid: ava.attr.info().oid.parse().expect("static OID"),
                value: encode_value(ava.attr, &ava.value)?,
            });
        }
        // Sorted once (n log n); `insert` re-sorted the set on every value.
        let set = SetOfVec::try_from(atvs).map_err(enc_err)?;
        rdns.push(RelativeDistinguishedName::from(set));
    }
    let subject = Name::hazmat_from_rdn_sequence(RdnSequence::from(rdns));
    let public_key =
        SubjectPublicKeyInfoOwned::from_der(&key.public_key_der()?).map_err(enc_err)?;
    let mut attributes = SetOfVec::new();
    let exts = extensions(req)?;
    if !exts.is_empty() {
        let mut values = SetOfVec::new();
        values
            .insert(Any::encode_from(&ExtensionReq(exts)).map_err(enc_err)?)
            .map_err(enc_err)?;
        attributes
            .insert(Attribute {
                oid: OID_EXT_REQ,
                values,
            })
            .map_err(enc_err)?;
    }
    let info = CertReqInfo {
        version: Version::V1,
        subject,
        public_key,
        attributes,
    };
    let tbs = info.to_der().map_err(enc_err)?;
    let (oid, null_params, sig) = key.sign(req.digest, &tbs)?;
    let csr = CertReq {
        info,
        algorithm: AlgorithmIdentifierOwned {
            oid,
            parameters: null_params.then(Any::null),
        },
        signature: BitString::from_bytes(&sig).map_err(enc_err)?,
    };
    csr.to_der().map_err(enc_err)
}

/// PEM with the standard label and `\n` line ends.
pub fn to_pem(der: &[u8]) -> String {
    pem::encode_config(
        &pem::Pem::new("CERTIFICATE REQUEST", der.to_vec()),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

// ---------------------------------------------------------------------------
// Parsing and verification

#[derive(Clone, Debug, Serialize)]
pub struct ParsedAva {
    #[serde(rename = "type")]
    pub short: String,
    pub oid: String,
    pub value: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ParsedExtension {
    pub oid: String,
    pub name: String,
    pub critical: bool,
    /// Human-readable value (OpenSSL-like).
    pub value: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct KeyInfo {
    pub algorithm: String,
    pub bits: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ParsedSan {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
}

/// A decoded CSR with its verification result.
#[derive(Clone, Debug)]
pub struct ParsedCsr {
    pub der: Vec<u8>,
    pub subject: Vec<Vec<ParsedAva>>,
    pub sans: Vec<ParsedSan>,
    pub extensions: Vec<ParsedExtension>,
    pub key: KeyInfo,
    pub signature_algorithm: String,
    pub verified: bool,
    pub fingerprint_sha256: String,
    pub spki_sha256: String,
    pub spki_der: Vec<u8>,
}

impl ParsedCsr {
    /// RFC 4514 string, most specific RDN first.
    pub fn subject_rfc4514(&self) -> String {
        self.subject
            .iter()
            .rev()
            .map(|rdn| {
                rdn.iter()
                    .map(|a| format!("{}={}", a.short, escape4514(&a.value)))
                    .collect::<Vec<_>>()
                    .join("+")
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn subject_values(&self, short: &str) -> Vec<&str> {
        self.subject
            .iter()
            .flatten()
            .filter(|a| a.short == short)
            .map(|a| a.value.as_str())
            .collect()
    }

    pub fn common_name(&self) -> Option<&str> {
        self.subject_values("CN").last().copied()
    }

    pub fn pem(&self) -> String {
        to_pem(&self.der)
    }

    pub fn is_ca(&self) -> bool {
        self.extensions
            .iter()
            .any(|e| e.name == "basicConstraints" && e.value.starts_with("CA:TRUE"))
    }

    pub fn sans_of(&self, kind: &str) -> Vec<String> {
        self.sans
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| s.value.clone())
            .collect()
    }
}

fn escape4514(v: &str) -> String {
    let mut out = String::new();
    let n = v.chars().count();
    for (i, c) in v.chars().enumerate() {
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=')
            || (c == '#' && i == 0)
            || (c == ' ' && (i == 0 || i + 1 == n))
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub fn hex_colon(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn sha256(data: &[u8]) -> Vec<u8> {
    digest::digest(&digest::SHA256, data).as_ref().to_vec()
}

fn bad_csr(m: impl std::fmt::Display) -> Error {
    Error::new(Kind::Invalid, format!("not a valid CSR: {m}"))
        .with_field("--file")
        .with_hint(
            "give a PKCS#10 request as PEM (CERTIFICATE REQUEST or NEW CERTIFICATE REQUEST) or DER",
        )
}

/// Reads CSR bytes: PEM (`CERTIFICATE REQUEST` or `NEW CERTIFICATE
/// REQUEST`) or DER.
pub fn decode_input(data: &[u8]) -> Result<Vec<u8>> {
    let trimmed = data
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| &data[i..])
        .unwrap_or(&[]);
    if trimmed.is_empty() {
        return Err(bad_csr("the input is empty"));
    }
    if trimmed.starts_with(b"-----BEGIN")
        || (trimmed[0] != 0x30 && std::str::from_utf8(data).is_ok())
    {
        let text = std::str::from_utf8(data).map_err(|_| bad_csr("the PEM text is not UTF-8"))?;
        let blocks = pem::parse_many(text).map_err(|e| bad_csr(format!("bad PEM: {e}")))?;
        if blocks.is_empty() {
            return Err(bad_csr("no PEM block found"));
        }
        return blocks
            .into_iter()
            .find(|b| b.tag() == "CERTIFICATE REQUEST" || b.tag() == "NEW CERTIFICATE REQUEST")
            .map(|b| b.into_contents())
            .ok_or_else(|| {
                let label = crate::keys::pem_label(text).unwrap_or("").to_string();
                bad_csr(format!(
                    "the PEM label is '{label}', expected 'CERTIFICATE REQUEST'"
                ))
            });
    }
    Ok(trimmed.to_vec())
}

fn decode_string(any: &Any) -> String {
    let bytes = any.value();
    match any.tag() {
        Tag::Utf8String
        | Tag::PrintableString
        | Tag::Ia5String
        | Tag::VisibleString
        | Tag::NumericString => String::from_utf8_lossy(bytes).into_owned(),
        Tag::TeletexString => bytes.iter().map(|b| *b as char).collect(),
        Tag::BmpString => {
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => format!(
            "#{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ),
    }
}

fn short_name(oid: &ObjectIdentifier) -> String {
    Attr::from_oid(&oid.to_string())
        .map(|a| a.short().to_string())
        .unwrap_or_else(|| oid.to_string())
}

fn general_name(g: &GeneralName) -> ParsedSan {
    let (kind, value) = match g {
        GeneralName::DnsName(s) => ("DNS", s.to_string()),
        GeneralName::Rfc822Name(s) => ("email", s.to_string()),
        GeneralName::UniformResourceIdentifier(s) => ("URI", s.to_string()),
        GeneralName::IpAddress(o) => {
            let b = o.as_bytes();
            let v = match b.len() {
                4 => IpAddr::from(<[u8; 4]>::try_from(b).expect("4")).to_string(),
                16 => IpAddr::from(<[u8; 16]>::try_from(b).expect("16")).to_string(),
                _ => hex_colon(b),
            };
            ("IP", v)
        }
        GeneralName::DirectoryName(n) => ("DirName", n.to_string()),
        GeneralName::RegisteredId(o) => ("RID", o.to_string()),
        GeneralName::OtherName(o) => ("othername", o.type_id.to_string()),
        GeneralName::EdiPartyName(_) => ("EdiPartyName", String::new()),
    };
    ParsedSan {
        kind: kind.to_string(),
        value,
    }
}

fn describe_extension(ext: &Extension, sans: &mut Vec<ParsedSan>) -> ParsedExtension {
    let bytes = ext.extn_value.as_bytes();
    let oid = ext.extn_id;
    let (name, value) = if oid == OID_SAN {
        match SubjectAltName::from_der(bytes) {
            Ok(san) => {
                let parsed: Vec<ParsedSan> = san.0.iter().map(general_name).collect();
                let v = parsed
                    .iter()
                    .map(|s| format!("{}:{}", s.kind, s.value))
                    .collect::<Vec<_>>()
                    .join(", ");
                sans.extend(parsed);
                ("subjectAltName", v)
            }
            Err(e) => ("subjectAltName", format!("<malformed: {e}>")),
        }
    } else if oid == OID_KU {
        match KuExt::from_der(bytes) {
            Ok(ku) => {
                let names: Vec<&str> = KEY_USAGES
                    .iter()
                    .filter(|(k, _)| ku.0.contains(ku_flag(*k)))
                    .map(|(_, n)| *n)
                    .collect();
                ("keyUsage", names.join(", "))
            }
            Err(e) => ("keyUsage", format!("<malformed: {e}>")),
        }
    } else if oid == OID_EKU {
        match ExtendedKeyUsage::from_der(bytes) {
            Ok(eku) => {
                let names: Vec<String> = eku
                    .0
                    .iter()
                    .map(|o| {
                        let s = o.to_string();
                        crate::request::EKUS
                            .iter()
                            .find(|(_, x)| *x == s)
                            .map(|(n, _)| n.to_string())
                            .unwrap_or(s)
                    })
                    .collect();
                ("extendedKeyUsage", names.join(", "))
            }
            Err(e) => ("extendedKeyUsage", format!("<malformed: {e}>")),
        }
    } else if oid == OID_BC {
        match BasicConstraints::from_der(bytes) {
            Ok(bc) => {
                let mut v = format!("CA:{}", if bc.ca { "TRUE" } else { "FALSE" });
                if let Some(p) = bc.path_len_constraint {
                    v.push_str(&format!(", pathlen:{p}"));
                }
                ("basicConstraints", v)
            }
            Err(e) => ("basicConstraints", format!("<malformed: {e}>")),
        }
    } else {
        let s = oid.to_string();
        return ParsedExtension {
            name: s.clone(),
            oid: s,
            critical: ext.critical,
            value: hex_colon(bytes),
        };
    };
    ParsedExtension {
        oid: oid.to_string(),
        name: name.to_string(),
        critical: ext.critical,
        value,
    }
}

fn sig_name(oid: &ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "ED25519",
        other => return other.to_string(),
    }
    .to_string()
}

/// Picks the verification algorithm for a signature OID and key.
fn verification_alg(
    sig: &AlgorithmIdentifierOwned,
    key: &KeyInfo,
) -> Result<&'static dyn VerificationAlgorithm> {
    use signature as s;
    let unsupported = || {
        Error::new(
            Kind::Invalid,
            format!(
                "unsupported signature algorithm {} for a {} key",
                sig_name(&sig.oid),
                key.algorithm
            ),
        )
        .with_field("--file")
    };
    let oid = sig.oid.to_string();
    let curve = key.curve.as_deref();
    Ok(match (oid.as_str(), key.algorithm.as_str()) {
        ("1.2.840.113549.1.1.5", "RSA") => &s::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        ("1.2.840.113549.1.1.11", "RSA") => &s::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        ("1.2.840.113549.1.1.12", "RSA") => &s::RSA_PKCS1_2048_8192_SHA384,
        ("1.2.840.113549.1.1.13", "RSA") => &s::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        ("1.2.840.113549.1.1.10", "RSA") | ("1.2.840.113549.1.1.10", "RSASSA-PSS") => pss_alg(sig)?,
        ("1.2.840.10045.4.1", "EC") => match curve {
            Some("P-256") => &s::ECDSA_P256_SHA1_ASN1,
            Some("P-521") => &s::ECDSA_P521_SHA1_ASN1,
            _ => return Err(unsupported()),
        },
        ("1.2.840.10045.4.3.2", "EC") => match curve {
            Some("P-256") => &s::ECDSA_P256_SHA256_ASN1,
            Some("P-384") => &s::ECDSA_P384_SHA256_ASN1,
            Some("P-521") => &s::ECDSA_P521_SHA256_ASN1,
            _ => return Err(unsupported()),
        },
        ("1.2.840.10045.4.3.3", "EC") => match curve {
            Some("P-256") => &s::ECDSA_P256_SHA384_ASN1,
            Some("P-384") => &s::ECDSA_P384_SHA384_ASN1,
            Some("P-521") => &s::ECDSA_P521_SHA384_ASN1,
            _ => return Err(unsupported()),
        },
        ("1.2.840.10045.4.3.4", "EC") => match curve {
            Some("P-256") => &s::ECDSA_P256_SHA512_ASN1,
            Some("P-384") => &s::ECDSA_P384_SHA512_ASN1,
            Some("P-521") => &s::ECDSA_P521_SHA512_ASN1,
            _ => return Err(unsupported()),
        },
        ("1.3.101.112", "ED25519") => &s::ED25519,
        _ => return Err(unsupported()),
    })
}

/// RSASSA-PSS parameters (RFC 4055): the hash, MGF1 with the same hash and
/// a salt as long as the hash are what we (and aws-lc-rs) support.
fn pss_alg(sig: &AlgorithmIdentifierOwned) -> Result<&'static dyn VerificationAlgorithm> {
    use signature as s;
    let params = sig
        .parameters
        .as_ref()
        .ok_or_else(|| bad_csr("RSASSA-PSS without parameters"))?;
    let p = rsa_pss_params(&params.to_der().map_err(enc_err)?)
        .map_err(|e| bad_csr(format!("RSASSA-PSS parameters: {e}")))?;
    let (hash, salt_expected): (&str, u32) = match p.hash.as_str() {
        "2.16.840.1.101.3.4.2.1" => ("sha256", 32),
        "2.16.840.1.101.3.4.2.2" => ("sha384", 48),
        "2.16.840.1.101.3.4.2.3" => ("sha512", 64),
        "1.3.14.3.2.26" => ("sha1", 20),
        other => return Err(bad_csr(format!("RSASSA-PSS with unsupported hash {other}"))),
    };
    if p.mgf_hash != p.hash || p.salt_len != salt_expected {
        return Err(Error::new(
            Kind::Invalid,
            format!("RSASSA-PSS with salt length {} (MGF1 hash {}) is not supported; only salt = hash length with MGF1 over the same hash", p.salt_len, p.mgf_hash),
        )
        .with_field("--file"));
    }
    Ok(match hash {
        "sha256" => &s::RSA_PSS_2048_8192_SHA256,
        "sha384" => &s::RSA_PSS_2048_8192_SHA384,
        "sha512" => &s::RSA_PSS_2048_8192_SHA512,
        _ => return Err(bad_csr("RSASSA-PSS with SHA-1 is not supported")),
    })
}

struct PssParams {
    hash: String,
    mgf_hash: String,
    salt_len: u32,
}

/// Decodes RSASSA-PSS-params with explicit-tagged optional fields.
fn rsa_pss_params(der_bytes: &[u8]) -> std::result::Result<PssParams, der::Error> {
    use der::asn1::ContextSpecific;
    use der::{Reader, SliceReader, TagNumber};
    let mut out = PssParams {
        hash: "1.3.14.3.2.26".into(),
        mgf_hash: "1.3.14.3.2.26".into(),
        salt_len: 20,
    };
    let mut reader = SliceReader::new(der_bytes)?;
    reader.sequence(|r| {
        if let Some(h) =
            ContextSpecific::<AlgorithmIdentifierOwned>::decode_explicit(r, TagNumber(0))?
        {
            out.hash = h.value.oid.to_string();
        }
        if let Some(m) =
            ContextSpecific::<AlgorithmIdentifierOwned>::decode_explicit(r, TagNumber(1))?
        {
            if let Some(p) = m.value.parameters {
                let inner: AlgorithmIdentifierOwned = p.decode_as()?;
                out.mgf_hash = inner.oid.to_string();
            }
        }
        if let Some(s) = ContextSpecific::<u32>::decode_explicit(r, TagNumber(2))? {
            out.salt_len = s.value;
        }
        let _ = ContextSpecific::<u32>::decode_explicit(r, TagNumber(3))?;
        Ok::<_, der::Error>(())
    })?;
    Ok(out)
}

fn key_info(spki: &SubjectPublicKeyInfoOwned) -> KeyInfo {
    let oid = spki.algorithm.oid;
    let raw = spki.subject_public_key.raw_bytes();
    if oid == OID_RSA || oid == OID_RSA_PSS {
        let bits = rsa_modulus_bits(raw).unwrap_or(0);
        let algorithm = if oid == OID_RSA { "RSA" } else { "RSASSA-PSS" };
        KeyInfo {
            algorithm: algorithm.into(),
            bits,
            curve: None,
        }
    } else if oid == OID_EC {
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
            .and_then(curve_from_oid);
        KeyInfo {
            algorithm: "EC".into(),
            bits: curve.map(|c| c.bits()).unwrap_or(0),
            curve: curve.map(|c| c.name().to_string()),
        }
    } else if oid == OID_ED25519 {
        KeyInfo {
            algorithm: "ED25519".into(),
            bits: 256,
            curve: None,
        }
    } else {
        KeyInfo {
            algorithm: oid.to_string(),
            bits: 0,
            curve: None,
        }
    }
}

fn rsa_modulus_bits(pkcs1: &[u8]) -> Option<u32> {
    use der::{Reader, SliceReader};
    let mut r = SliceReader::new(pkcs1).ok()?;
    let n: der::asn1::UintRef<'_> = r
        .sequence(|r| {
            let n = r.decode::<der::asn1::UintRef<'_>>()?;
            let _e = r.decode::<der::asn1::UintRef<'_>>()?;
            Ok::<_, der::Error>(n)
        })
        .ok()?;
    let b = n.as_bytes();
    let lead = b.first().copied().unwrap_or(0);
    Some((b.len() as u32) * 8 - lead.leading_zeros())
}

/// Decodes a CSR and verifies its self-signature.
pub fn parse(der_bytes: &[u8]) -> Result<ParsedCsr> {
    let csr = CertReq::from_der(der_bytes).map_err(bad_csr)?;
    let info_der = csr.info.to_der().map_err(enc_err)?;
    let spki_der = csr.info.public_key.to_der().map_err(enc_err)?;
    let key = key_info(&csr.info.public_key);

    let subject: Vec<Vec<ParsedAva>> = csr
        .info
        .subject
        .as_ref()
        .iter()
        .map(|rdn| {
            rdn.iter()
                .map(|atv| ParsedAva {
                    short: short_name(&atv.oid),
                    oid: atv.oid.to_string(),
                    value: decode_string(&atv.value),
                })
                .collect()
        })
        .collect();

    let mut sans = Vec::new();
    let mut extensions = Vec::new();
    for attr in csr.info.attributes.iter() {
        if attr.oid != OID_EXT_REQ {
            continue;
        }
        for v in attr.values.iter() {
            let req: ExtensionReq = v
                .decode_as()
                .map_err(|e| bad_csr(format!("extension request: {e}")))?;
            for ext in &req.0 {
                extensions.push(describe_extension(ext, &mut sans));
            }
        }
    }

    let alg = verification_alg(&csr.algorithm, &key)?;
    let sig = csr
        .signature
        .as_bytes()
        .ok_or_else(|| bad_csr("signature has unused bits"))?;
    let pk = UnparsedPublicKey::new(alg, csr.info.public_key.subject_public_key.raw_bytes());
    let verified = pk.verify(&info_der, sig).is_ok();

    Ok(ParsedCsr {
        der: der_bytes.to_vec(),
        subject,
        sans,
        extensions,
        key,
        signature_algorithm: sig_name(&csr.algorithm.oid),
        verified,
        fingerprint_sha256: hex_colon(&sha256(der_bytes)),
        spki_sha256: hex_colon(&sha256(&spki_der)),
        spki_der,
    })
}

/// Parses and insists that the signature verifies (exit 7 otherwise).
pub fn parse_verified(der_bytes: &[u8]) -> Result<ParsedCsr> {
    let p = parse(der_bytes)?;
    if !p.verified {
        return Err(Error::new(
            Kind::BadSignature,
            "the CSR's signature does not verify: it was altered or signed with another key",
        ));
    }
    Ok(p)
}
