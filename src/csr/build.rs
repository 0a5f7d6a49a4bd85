//! Building and signing a CSR (RFC 2986) from a [`Request`] with x509-cert
//! types. Moved here unchanged from the former `src/csr.rs`.

use crate::field::Field;
use std::net::IpAddr;

use der::asn1::{
    Any, BitString, Ia5String, Ia5StringRef, ObjectIdentifier, OctetString, PrintableStringRef,
    SetOfVec, Utf8StringRef,
};
use der::{Decode, Encode};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::attr::{Attribute, AttributeTypeAndValue};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage as KuExt, KeyUsages};
use x509_cert::ext::Extension;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::request::{CertReq, CertReqInfo, ExtensionReq, Version};

use crate::error::{Error, Result};
use crate::keys::PrivateKey;
use crate::request::{extras, Attr, KeyUsage, Request, San, StringType};

const OID_EXT_REQ: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.14");
const OID_UNSTRUCTURED_NAME: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.2");
const OID_CHALLENGE_PASSWORD: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.7");
const OID_SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const OID_KU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const OID_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const OID_BC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");

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

fn raw_extension(oid: ObjectIdentifier, critical: bool, der: Vec<u8>) -> Result<Extension> {
    Ok(Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(der).map_err(enc_err)?,
    })
}

/// A PKCS#9 attribute with one UTF8String value, as OpenSSL 3 writes
/// unstructuredName and challengePassword (string_mask utf8only).
fn string_attribute(oid: ObjectIdentifier, value: &str) -> Result<Attribute> {
    let mut values = SetOfVec::new();
    values
        .insert(Any::encode_from(&Utf8StringRef::new(value).map_err(enc_err)?).map_err(enc_err)?)
        .map_err(enc_err)?;
    Ok(Attribute { oid, values })
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
                    Error::invalid(Field::ExtendedKeyUsage, format!("bad OID {}", e.oid()))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        exts.push(extension(OID_EKU, false, &ExtendedKeyUsage(oids))?);
    }
    if req.must_staple {
        exts.push(raw_extension(
            ObjectIdentifier::new_unwrap(extras::OID_TLS_FEATURE),
            false,
            extras::MUST_STAPLE_DER.to_vec(),
        )?);
    }
    for e in &req.extensions {
        exts.push(raw_extension(e.oid(), e.critical, e.der())?);
    }
    Ok(exts)
}

/// Builds and signs the CSR for `req` with `key`; returns its DER.
pub fn build(req: &Request, key: &PrivateKey) -> Result<Vec<u8>> {
    let mut rdns = Vec::with_capacity(req.subject.0.len());
    for rdn in &req.subject.0 {
        let mut atvs = Vec::with_capacity(rdn.len());
        for ava in rdn {
            let value = match &ava.der {
                // A `#hex` value: the DER given, checked as one TLV when parsed.
                Some(hex) => {
                    let der = crate::request::der::from_hex(hex).map_err(Error::internal)?;
                    Any::from_der(&der).map_err(enc_err)?
                }
                None => encode_value(ava.attr, &ava.value)?,
            };
            atvs.push(AttributeTypeAndValue {
                oid: ava.attr.oid(),
                value,
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
    if let Some(v) = &req.unstructured_name {
        attributes
            .insert(string_attribute(OID_UNSTRUCTURED_NAME, v)?)
            .map_err(enc_err)?;
    }
    if let Some(p) = &req.challenge_password {
        attributes
            .insert(string_attribute(OID_CHALLENGE_PASSWORD, p.as_str())?)
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
