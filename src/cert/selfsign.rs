//! A self-signed certificate (RFC 5280 §3.2, §4.1) made from a record's
//! CSR and key: the CSR's subject (also the issuer), public key and
//! requested extensions (extensionRequest, RFC 2986 §4.1) exactly, plus
//! subjectKeyIdentifier and authorityKeyIdentifier (RFC 5280 §4.2.1.1-2,
//! method 1) when the CSR did not ask for them; a random positive 127-bit
//! serial; version 3.

use crate::field::Field;
use aws_lc_rs::digest;
use der::asn1::{AnyRef, BitString, ObjectIdentifier, OctetString, Uint};
use der::{Decode, Encode, Sequence};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, SubjectKeyIdentifier};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::request::{CertReq, ExtensionReq};
use x509_cert::time::{Time, Validity};

use super::Cert;
use crate::error::{Error, Result};
use crate::keys::PrivateKey;
use crate::request::Digest;

const OID_EXT_REQ: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.14");
const OID_SKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const OID_AKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");

/// Longest validity accepted, in days (about 100 years).
pub const MAX_DAYS: u32 = 36_500;

/// TBSCertificate (RFC 5280 §4.1), as written.
#[derive(Sequence)]
struct Tbs {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    version: u8,
    serial: Uint,
    signature: AlgorithmIdentifierOwned,
    issuer: Name,
    validity: Validity,
    subject: Name,
    spki: SubjectPublicKeyInfoOwned,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<Vec<Extension>>,
}

/// Certificate (RFC 5280 §4.1), around TBS bytes already encoded.
#[derive(Sequence)]
struct Signed<'a> {
    tbs: AnyRef<'a>,
    algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

fn enc(e: der::Error) -> Error {
    Error::internal(format!("certificate encoding: {e}"))
}

/// Signs a certificate for `csr_der` with `key` (which must hold the
/// CSR's public key), valid from now for `days` days. Exit 2 when `days`
/// is 0 or over [`MAX_DAYS`], or the key is not the CSR's.
pub fn self_sign(
    csr_der: &[u8],
    key: &PrivateKey,
    digest: Option<Digest>,
    days: u32,
) -> Result<Cert> {
    if days == 0 || days > MAX_DAYS {
        return Err(Error::invalid(
            Field::Days,
            format!("must be from 1 to {MAX_DAYS} days"),
        ));
    }
    let csr = CertReq::from_der(csr_der)
        .map_err(|e| Error::internal(format!("the record's CSR: {e}")))?;
    let spki = csr.info.public_key.clone();
    if spki.to_der().map_err(enc)? != key.public_key_der()? {
        return Err(Error::internal(
            "the record's key does not hold the public key of its CSR",
        ));
    }
    let mut exts: Vec<Extension> = Vec::new();
    for attr in csr.info.attributes.iter().filter(|a| a.oid == OID_EXT_REQ) {
        if let Some(v) = attr.values.iter().next() {
            let req: ExtensionReq = v
                .decode_as()
                .map_err(|e| Error::internal(format!("the record's CSR extensions: {e}")))?;
            exts.extend(req.0);
        }
    }
    let key_id = OctetString::new(
        digest::digest(
            &digest::SHA1_FOR_LEGACY_USE_ONLY,
            spki.subject_public_key.raw_bytes(),
        )
        .as_ref(),
    )
    .map_err(enc)?;
    if !exts.iter().any(|e| e.extn_id == OID_SKI) {
        exts.push(extension(OID_SKI, &SubjectKeyIdentifier(key_id.clone()))?);
    }
    if !exts.iter().any(|e| e.extn_id == OID_AKI) {
        let aki = AuthorityKeyIdentifier {
            key_identifier: Some(key_id),
            authority_cert_issuer: None,
            authority_cert_serial_number: None,
        };
        exts.push(extension(OID_AKI, &aki)?);
    }
    let now = std::time::SystemTime::now();
    let until = now + std::time::Duration::from_secs(u64::from(days) * 86_400);
    let time = |t| Time::try_from(t).map_err(enc);
    let (oid, null_params) = key.signature_algorithm(digest)?;
    let algorithm = AlgorithmIdentifierOwned {
        oid,
        parameters: null_params.then(der::asn1::Any::null),
    };
    let tbs = Tbs {
        version: 2,
        serial: Uint::new(&serial()?).map_err(enc)?,
        signature: algorithm.clone(),
        issuer: csr.info.subject.clone(),
        validity: Validity::new(time(now)?, time(until)?),
        subject: csr.info.subject,
        spki,
        extensions: Some(exts),
    }
    .to_der()
    .map_err(enc)?;
    let (_, _, sig) = key.sign(digest, &tbs)?;
    let der = Signed {
        tbs: AnyRef::from_der(&tbs).map_err(enc)?,
        algorithm,
        signature: BitString::from_bytes(&sig).map_err(enc)?,
    }
    .to_der()
    .map_err(enc)?;
    let cert = Cert::from_der(der)?;
    // What we write must verify.
    if !cert.signed_by(&cert)? {
        return Err(Error::internal("the new certificate does not verify"));
    }
    Ok(cert)
}

fn extension(oid: ObjectIdentifier, value: &impl Encode) -> Result<Extension> {
    Ok(Extension {
        extn_id: oid,
        critical: false,
        extn_value: OctetString::new(value.to_der().map_err(enc)?).map_err(enc)?,
    })
}

/// 16 random bytes, positive (RFC 5280 §4.1.2.2: at most 20 octets).
fn serial() -> Result<[u8; 16]> {
    let mut s = [0u8; 16];
    aws_lc_rs::rand::fill(&mut s).map_err(|_| Error::internal("random serial"))?;
    s[0] = (s[0] & 0x7f) | 0x01;
    Ok(s)
}
