//! Certificates from the bytes a CA hands back: PEM with any number of
//! `CERTIFICATE` blocks in any order and any text around them (OpenSSL's
//! `Bag Attributes`, a mail, a chat paste), a DER certificate, or a PKCS#7
//! certs-only bundle (RFC 2315 §9.1 / RFC 5652 §5; `openssl crl2pkcs7`
//! output) in PEM or DER. Each certificate keeps its bytes as received.

use der::{Decode, Reader, SliceReader, Tag, TagNumber};

use super::Cert;
use crate::error::{Error, Result};

/// Most certificates one input may hold: a chain is a handful; a trust
/// store is a few hundred.
pub const MAX_CERTS: usize = 1000;

/// `1.2.840.113549.1.7.2`, PKCS#7 signedData.
const OID_SIGNED_DATA: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");

fn invalid(what: impl std::fmt::Display) -> Error {
    Error::invalid_as("certificate", what)
        .with_hint("give the certificate as PEM, DER or PKCS#7 (.p7b), as the CA returned it")
}

/// Every certificate in `data`, in the order given. Exit 2 when there is
/// none, when one is malformed (naming which), or past [`MAX_CERTS`].
/// `what` names the input in messages (`import FILE`, `--ca-file F`).
pub fn decode(data: &[u8], what: &str) -> Result<Vec<Cert>> {
    let ders = if data.windows(11).any(|w| w == b"-----BEGIN ") {
        from_pem(data, what)?
    } else {
        from_der(data, what)?
    };
    if ders.is_empty() {
        return Err(invalid(format!("{what}: no certificate found")));
    }
    if ders.len() > MAX_CERTS {
        return Err(invalid(format!(
            "{what}: {} certificates; at most {MAX_CERTS} are read from one input",
            ders.len()
        )));
    }
    ders.into_iter()
        .enumerate()
        .map(|(i, der)| {
            Cert::from_der(der).map_err(|e| {
                let mut err = Error::invalid_as(
                    "certificate",
                    format!("{what}, certificate {}: {}", i + 1, e.message),
                );
                err.hint = e.hint;
                err
            })
        })
        .collect()
}

fn from_pem(data: &[u8], what: &str) -> Result<Vec<Vec<u8>>> {
    let blocks =
        pem::parse_many(data).map_err(|e| invalid(format!("{what}: malformed PEM: {e}")))?;
    let mut out = Vec::new();
    for b in blocks {
        match b.tag() {
            "CERTIFICATE" | "X509 CERTIFICATE" => out.push(b.into_contents()),
            // OpenSSL's trusted form: the certificate, then trust settings.
            "TRUSTED CERTIFICATE" => {
                let c = b.into_contents();
                let mut r = SliceReader::new(&c).map_err(|e| invalid(format!("{what}: {e}")))?;
                out.push(
                    r.tlv_bytes()
                        .map_err(|e| invalid(format!("{what}: {e}")))?
                        .to_vec(),
                );
            }
            "PKCS7" | "CMS" => out.extend(pkcs7_certs(b.contents(), what)?),
            // Keys, CSRs and CRLs in the same paste are not certificates.
            _ => {}
        }
        if out.len() > MAX_CERTS {
            break;
        }
    }
    Ok(out)
}

fn from_der(data: &[u8], what: &str) -> Result<Vec<Vec<u8>>> {
    // A certificate starts SEQUENCE { SEQUENCE (tbs) ...; a PKCS#7
    // ContentInfo starts SEQUENCE { OBJECT IDENTIFIER ...
    let mut r = SliceReader::new(data).map_err(|e| invalid(format!("{what}: {e}")))?;
    let not_der = |_: der::Error| {
        invalid(format!(
            "{what}: neither PEM nor a DER certificate or PKCS#7"
        ))
    };
    let outer = der::Header::decode(&mut r).map_err(not_der)?;
    if outer.tag() != Tag::Sequence {
        return Err(not_der(der::ErrorKind::Failed.into()));
    }
    let first_inner = Tag::peek(&r).map_err(not_der)?;
    if first_inner == Tag::ObjectIdentifier {
        pkcs7_certs(data, what)
    } else {
        Ok(vec![data.to_vec()])
    }
}

/// The certificates of a PKCS#7 signedData (its `certificates [0]
/// IMPLICIT SET OF`), each as its own bytes.
fn pkcs7_certs(data: &[u8], what: &str) -> Result<Vec<Vec<u8>>> {
    let bad = |e: der::Error| invalid(format!("{what}: malformed PKCS#7: {e}"));
    let mut r = SliceReader::new(data).map_err(bad)?;
    r.sequence(|r| {
        let oid = der::asn1::ObjectIdentifier::decode(r)?;
        if oid != OID_SIGNED_DATA {
            return Err(der::Error::from(der::ErrorKind::OidUnknown { oid }));
        }
        // content [0] EXPLICIT SignedData
        let header = der::Header::decode(r)?;
        if header.tag()
            != (Tag::ContextSpecific {
                constructed: true,
                number: TagNumber(0),
            })
        {
            return Err(header.tag().unexpected_error(None).into());
        }
        r.sequence(|r| {
            let _version = der::asn1::Int::decode(r)?;
            let _digest_algorithms = r.tlv_bytes()?;
            let _encap_content_info = r.tlv_bytes()?;
            let mut certs = Vec::new();
            if Tag::peek(r).ok()
                == Some(Tag::ContextSpecific {
                    constructed: true,
                    number: TagNumber(0),
                })
            {
                let h = der::Header::decode(r)?;
                let body = r.read_slice(h.length())?;
                let mut inner = SliceReader::new(body)?;
                while !inner.is_finished() {
                    certs.push(inner.tlv_bytes()?.to_vec());
                    if certs.len() > MAX_CERTS {
                        break;
                    }
                }
            }
            // crls, signerInfos: not needed.
            while !r.is_finished() {
                r.tlv_bytes()?;
            }
            Ok(certs)
        })
    })
    .map_err(bad)
}

/// Whether `data` holds certificates rather than a CSR: a PEM
/// certificate or PKCS#7 block and no request, or DER that decodes as a
/// certificate.
pub fn holds_certificates(data: &[u8]) -> bool {
    let has = |label: &[u8]| data.windows(label.len()).any(|w| w == label);
    if has(b"-----BEGIN ") {
        let request = has(b"CERTIFICATE REQUEST-----");
        let cert = has(b"-----BEGIN CERTIFICATE-----")
            || has(b"-----BEGIN X509 CERTIFICATE-----")
            || has(b"-----BEGIN TRUSTED CERTIFICATE-----")
            || has(b"-----BEGIN PKCS7-----");
        return cert && !request;
    }
    Cert::from_der(data.to_vec()).is_ok() || decode(data, "").is_ok()
}
