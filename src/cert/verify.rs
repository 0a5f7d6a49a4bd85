//! One certificate's signature checked with another's public key (RFC 5280
//! §6.1.3 (a)(1)): over the `tbsCertificate` bytes exactly as received,
//! never over a re-encoding. Public-key operations only (aws-lc-rs).

use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use der::asn1::ObjectIdentifier;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::error::{Error, Result};
use crate::keys::{curve_from_oid, OID_EC, OID_ED25519, OID_RSA};
use crate::request::Curve;

/// Whether `sig` (made with `alg`) over `tbs` verifies with `issuer_key`.
/// `Ok(false)`: it does not; an error: the algorithm or key cannot be
/// checked here (exit 2 naming it).
pub fn verify(
    alg: &AlgorithmIdentifierOwned,
    issuer_key: &SubjectPublicKeyInfoOwned,
    tbs: &[u8],
    sig: &[u8],
) -> Result<bool> {
    let v = algorithm(alg, issuer_key)?;
    let key = UnparsedPublicKey::new(v, issuer_key.subject_public_key.raw_bytes());
    Ok(key.verify(tbs, sig).is_ok())
}

fn oid(s: &str) -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap(s)
}

/// The aws-lc-rs algorithm for a signature algorithm and key.
fn algorithm(
    alg: &AlgorithmIdentifierOwned,
    key: &SubjectPublicKeyInfoOwned,
) -> Result<&'static dyn VerificationAlgorithm> {
    let unsupported = || {
        Error::invalid(
            "certificate",
            format!(
                "signature algorithm {} with a {} key cannot be checked",
                alg.oid, key.algorithm.oid
            ),
        )
    };
    let a = alg.oid;
    if key.algorithm.oid == OID_RSA {
        return Ok(if a == oid("1.2.840.113549.1.1.5") {
            &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY
        } else if a == oid("1.2.840.113549.1.1.11") {
            &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY
        } else if a == oid("1.2.840.113549.1.1.12") {
            &signature::RSA_PKCS1_2048_8192_SHA384
        } else if a == oid("1.2.840.113549.1.1.13") {
            &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY
        } else {
            return Err(unsupported());
        });
    }
    if key.algorithm.oid == OID_ED25519 && a == OID_ED25519 {
        return Ok(&signature::ED25519);
    }
    if key.algorithm.oid == OID_EC {
        let curve = key
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
            .and_then(curve_from_oid)
            .ok_or_else(unsupported)?;
        let hash = match a.to_string().as_str() {
            "1.2.840.10045.4.1" => 1,
            "1.2.840.10045.4.3.2" => 256,
            "1.2.840.10045.4.3.3" => 384,
            "1.2.840.10045.4.3.4" => 512,
            _ => return Err(unsupported()),
        };
        return Ok(match (curve, hash) {
            (Curve::P256, 1) => &signature::ECDSA_P256_SHA1_ASN1,
            (Curve::P256, 256) => &signature::ECDSA_P256_SHA256_ASN1,
            (Curve::P256, 384) => &signature::ECDSA_P256_SHA384_ASN1,
            (Curve::P256, _) => &signature::ECDSA_P256_SHA512_ASN1,
            (Curve::P384, 256) => &signature::ECDSA_P384_SHA256_ASN1,
            (Curve::P384, 384) => &signature::ECDSA_P384_SHA384_ASN1,
            (Curve::P384, 512) => &signature::ECDSA_P384_SHA512_ASN1,
            (Curve::P521, 1) => &signature::ECDSA_P521_SHA1_ASN1,
            (Curve::P521, 256) => &signature::ECDSA_P521_SHA256_ASN1,
            (Curve::P521, 384) => &signature::ECDSA_P521_SHA384_ASN1,
            (Curve::P521, 512) => &signature::ECDSA_P521_SHA512_ASN1,
            _ => return Err(unsupported()),
        });
    }
    Err(unsupported())
}
