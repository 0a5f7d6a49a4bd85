//! Signature verification over given bytes, independent of what was signed:
//! an AlgorithmIdentifier, a SubjectPublicKeyInfo, the to-be-signed bytes
//! exactly as received and the signature BIT STRING give a [`Verification`].
//! A CSR's self-signature uses it (RFC 2986 4.2); so can a certificate chain
//! (RFC 5280 4.1.1.3, 6.1.3).
//!
//! Verified (SPEC §8): RSA PKCS#1 v1.5 (RFC 8017 8.2) with MD5, SHA-1,
//! SHA-224/256/384/512 and SHA3-224/256/384/512 at any modulus from 256 to
//! 16384 bits; RSASSA-PSS (RFC 8017 8.1, RFC 4055) with any of those
//! hashes or SHA-512/224, SHA-512/256 as hash and MGF1 hash, any salt
//! length; ECDSA (RFC 5758 3.2) on P-256, P-384 and P-521 with SHA-1 and
//! SHA-224/256/384/512; Ed25519 (RFC 8410). aws-lc-rs verifies what it
//! supports; RSA it refuses goes to the `rsa` crate's public-key
//! operation. A weak key or digest is a warning beside a valid
//! signature. Anything else is [`Verdict::Unsupported`], named in words.

use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::signature::{self as sig, ParsedPublicKey, UnparsedPublicKey};

use super::alg::{Hash, PssParams, Scheme};
use super::key::{analyse, AlgId, PublicKey};
use super::rsa_verify;
use super::tlv::{read_one, tag};
use super::{KeyInfo, Verdict};
use crate::request::Curve;

/// What a signature check found.
#[derive(Clone, Debug)]
pub struct Verification {
    /// The outcome.
    pub verdict: Verdict,
    /// The signer's public key, described.
    pub key: KeyInfo,
    /// OpenSSL's name of the signature algorithm, else its OID.
    pub algorithm: String,
    /// RSASSA-PSS parameters in words, when the algorithm has them.
    pub parameters: Option<String>,
    /// Weak key or digest, and other things worth knowing.
    pub warnings: Vec<String>,
}

/// OpenSSL's name for a signature algorithm OID, else the OID.
pub fn signature_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.3" => "md4WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.3.14.3.2.29" => "sha1WithRSA",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.15" => "sha512-224WithRSAEncryption",
        "1.2.840.113549.1.1.16" => "sha512-256WithRSAEncryption",
        "2.16.840.1.101.3.4.3.13" => "RSA-SHA3-224",
        "2.16.840.1.101.3.4.3.14" => "RSA-SHA3-256",
        "2.16.840.1.101.3.4.3.15" => "RSA-SHA3-384",
        "2.16.840.1.101.3.4.3.16" => "RSA-SHA3-512",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "2.16.840.1.101.3.4.3.9" => "ecdsa_with_SHA3-224",
        "2.16.840.1.101.3.4.3.10" => "ecdsa_with_SHA3-256",
        "2.16.840.1.101.3.4.3.11" => "ecdsa_with_SHA3-384",
        "2.16.840.1.101.3.4.3.12" => "ecdsa_with_SHA3-512",
        "1.3.101.112" => "ED25519",
        "1.3.101.113" => "ED448",
        "1.2.840.10040.4.3" => "dsaWithSHA1",
        "2.16.840.1.101.3.4.3.1" => "dsa_with_SHA224",
        "2.16.840.1.101.3.4.3.2" => "dsa_with_SHA256",
        "2.16.840.1.101.3.4.3.3" => "dsa_with_SHA384",
        "2.16.840.1.101.3.4.3.4" => "dsa_with_SHA512",
        "1.2.156.10197.1.501" => "SM2-with-SM3",
        "1.2.643.2.2.3" => "GOST R 34.11-94 with GOST R 34.10-2001",
        "1.2.643.2.2.4" => "GOST R 34.11-94 with GOST R 34.10-94",
        "1.2.643.7.1.1.3.2" => "GOST R 34.10-2012 with GOST R 34.11-2012 (256 bit)",
        "1.2.643.7.1.1.3.3" => "GOST R 34.10-2012 with GOST R 34.11-2012 (512 bit)",
        other => return other.to_string(),
    }
    .to_string()
}

/// Signature algorithms csrkit does not implement, in words.
fn unsupported_signature(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.113549.1.1.2" => "RSA with MD2",
        "1.2.840.113549.1.1.3" => "RSA with MD4",
        // What OpenSSL 3.0 cannot verify either is refused, so that the
        // two agree: SHA-512/t with PKCS#1 v1.5, ECDSA with SHA-3.
        "1.2.840.113549.1.1.15" => "RSA with SHA-512/224",
        "1.2.840.113549.1.1.16" => "RSA with SHA-512/256",
        "2.16.840.1.101.3.4.3.9" => "ECDSA with SHA3-224",
        "2.16.840.1.101.3.4.3.10" => "ECDSA with SHA3-256",
        "2.16.840.1.101.3.4.3.11" => "ECDSA with SHA3-384",
        "2.16.840.1.101.3.4.3.12" => "ECDSA with SHA3-512",
        "1.3.101.113" => "Ed448",
        "1.2.840.10040.4.3"
        | "2.16.840.1.101.3.4.3.1"
        | "2.16.840.1.101.3.4.3.2"
        | "2.16.840.1.101.3.4.3.3"
        | "2.16.840.1.101.3.4.3.4"
        | "2.16.840.1.101.3.4.3.5"
        | "2.16.840.1.101.3.4.3.6"
        | "2.16.840.1.101.3.4.3.7"
        | "2.16.840.1.101.3.4.3.8" => "DSA",
        "1.2.156.10197.1.501" => "SM2 with SM3",
        "1.2.643.2.2.3" | "1.2.643.2.2.4" | "1.2.643.7.1.1.3.2" | "1.2.643.7.1.1.3.3" => "GOST",
        "2.16.840.1.101.3.4.3.17" => "ML-DSA-44",
        "2.16.840.1.101.3.4.3.18" => "ML-DSA-65",
        "2.16.840.1.101.3.4.3.19" => "ML-DSA-87",
        "1.3.6.1.5.5.7.6.3" | "1.3.6.1.5.5.7.6.4" | "1.3.6.1.5.5.7.6.26" | "1.3.6.1.5.5.7.6.27" => {
            "Diffie-Hellman proof of possession (RFC 6955)"
        }
        _ => return None,
    })
}

/// Why a signature algorithm cannot be used.
enum Refusal {
    Unsupported(String),
    Malformed(String),
}

/// The scheme of a signature AlgorithmIdentifier.
fn scheme(alg: &AlgId<'_>) -> Result<Scheme, Refusal> {
    let pkcs1 = |h| {
        if alg.params_absent_or_null() {
            Ok(Scheme::Pkcs1(h))
        } else {
            Err(Refusal::Malformed(
                "the RSA signature algorithm has parameters other than NULL".into(),
            ))
        }
    };
    let ecdsa = |h| {
        if alg.params_absent_or_null() {
            Ok(Scheme::Ecdsa(h))
        } else {
            Err(Refusal::Malformed(
                "the ECDSA signature algorithm has parameters (RFC 5758 3.2 forbids them)".into(),
            ))
        }
    };
    match alg.oid.as_str() {
        "1.2.840.113549.1.1.4" => pkcs1(Hash::Md5),
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => pkcs1(Hash::Sha1),
        "1.2.840.113549.1.1.14" => pkcs1(Hash::Sha224),
        "1.2.840.113549.1.1.11" => pkcs1(Hash::Sha256),
        "1.2.840.113549.1.1.12" => pkcs1(Hash::Sha384),
        "1.2.840.113549.1.1.13" => pkcs1(Hash::Sha512),
        "2.16.840.1.101.3.4.3.13" => pkcs1(Hash::Sha3_224),
        "2.16.840.1.101.3.4.3.14" => pkcs1(Hash::Sha3_256),
        "2.16.840.1.101.3.4.3.15" => pkcs1(Hash::Sha3_384),
        "2.16.840.1.101.3.4.3.16" => pkcs1(Hash::Sha3_512),
        "1.2.840.10045.4.1" => ecdsa(Hash::Sha1),
        "1.2.840.10045.4.3.1" => ecdsa(Hash::Sha224),
        "1.2.840.10045.4.3.2" => ecdsa(Hash::Sha256),
        "1.2.840.10045.4.3.3" => ecdsa(Hash::Sha384),
        "1.2.840.10045.4.3.4" => ecdsa(Hash::Sha512),
        "1.3.101.112" => match alg.params {
            None => Ok(Scheme::Ed25519),
            Some(_) => Err(Refusal::Malformed(
                "the Ed25519 signature algorithm has parameters (RFC 8410 3 forbids them)".into(),
            )),
        },
        "1.2.840.113549.1.1.10" => pss_params(alg).map(Scheme::Pss),
        other => Err(Refusal::Unsupported(match unsupported_signature(other) {
            Some(words) => format!("{words} signatures are not implemented"),
            None => format!("the signature algorithm {other} is unknown to csrkit"),
        })),
    }
}

/// A hash AlgorithmIdentifier inside PSS parameters.
fn hash_of(alg: &AlgId<'_>, what: &str) -> Result<Hash, Refusal> {
    Hash::from_oid(&alg.oid).ok_or_else(|| {
        Refusal::Unsupported(format!(
            "RSASSA-PSS with the {what} {} is not implemented",
            match alg.oid.as_str() {
                "1.2.840.113549.2.2" => "MD2",
                "1.2.840.113549.2.4" => "MD4",
                "2.16.840.1.101.3.4.2.7" => "SHA3-224",
                other => other,
            }
        ))
    })
}

/// Decodes RSASSA-PSS-params (RFC 4055 3.1), explicit-tagged, with their
/// defaults (SHA-1, MGF1 with SHA-1, salt 20, trailer 1).
fn pss_params(alg: &AlgId<'_>) -> Result<PssParams, Refusal> {
    let bad = |m: &str| Refusal::Malformed(format!("RSASSA-PSS parameters: {m}"));
    let p = alg
        .params
        .as_ref()
        .ok_or_else(|| bad("absent (RFC 4055 3.1 requires them in a signature)"))?;
    if p.tag != tag::SEQUENCE {
        return Err(bad("not a SEQUENCE"));
    }
    let mut out = PssParams {
        hash: Hash::Sha1,
        mgf_hash: Hash::Sha1,
        salt_len: 20,
    };
    for f in p.children().map_err(|e| bad(e.0))? {
        if f.tag & 0xe0 != 0xa0 {
            return Err(bad("a field is not an explicit tag"));
        }
        let inner = read_one(f.content).map_err(|e| bad(e.0))?;
        match f.number {
            0 => {
                out.hash = hash_of(&AlgId::from_tlv(&inner).map_err(|e| bad(&e))?, "hash")?;
            }
            1 => {
                let mgf = AlgId::from_tlv(&inner).map_err(|e| bad(&e))?;
                if mgf.oid != "1.2.840.113549.1.1.8" {
                    return Err(Refusal::Unsupported(format!(
                        "RSASSA-PSS with the mask generation function {} is not implemented (only MGF1)",
                        mgf.oid
                    )));
                }
                let h = mgf
                    .params
                    .as_ref()
                    .ok_or_else(|| bad("MGF1 names no hash"))?;
                out.mgf_hash = hash_of(&AlgId::from_tlv(h).map_err(|e| bad(&e))?, "MGF1 hash")?;
            }
            2 => {
                let s = inner
                    .small_int()
                    .ok_or_else(|| bad("the salt length is not an INTEGER"))?;
                out.salt_len = usize::try_from(s)
                    .ok()
                    .filter(|s| *s <= 2048)
                    .ok_or_else(|| bad("the salt length is out of range"))?;
            }
            3 => {
                if inner.small_int() != Some(1) {
                    return Err(bad("the trailer field is not 1 (RFC 4055 3.1)"));
                }
            }
            _ => return Err(bad("unknown field")),
        }
    }
    Ok(out)
}

/// Verifies `signature` (the BIT STRING's content octets, the unused-bits
/// octet first) over `tbs` with the key in `spki` (a SubjectPublicKeyInfo's
/// DER) under `algorithm` (an AlgorithmIdentifier's DER).
pub fn verify_signature(
    algorithm: &[u8],
    spki: &[u8],
    tbs: &[u8],
    signature: &[u8],
) -> Verification {
    let mut warnings = Vec::new();
    let (key_info, key) = match analyse(spki) {
        Ok(s) => (s.info, s.key),
        Err(e) => (
            KeyInfo {
                algorithm: "unknown".into(),
                bits: 0,
                curve: None,
                restricted_to: None,
            },
            PublicKey::Malformed(format!("the subject public key info is malformed ({e})")),
        ),
    };
    let (algorithm, scheme) = match AlgId::parse(algorithm) {
        Ok(a) => (signature_name(&a.oid), scheme(&a)),
        Err(e) => (
            "unknown".to_string(),
            Err(Refusal::Malformed(format!(
                "the signature algorithm is malformed ({e})"
            ))),
        ),
    };
    let parameters = match &scheme {
        Ok(Scheme::Pss(p)) => Some(format!(
            "hash {}, MGF1 with {}, salt length {}",
            p.hash.name(),
            p.mgf_hash.name(),
            p.salt_len
        )),
        _ => None,
    };
    let done = |verdict, warnings| Verification {
        verdict,
        key: key_info.clone(),
        algorithm: algorithm.clone(),
        parameters: parameters.clone(),
        warnings,
    };
    // The key first: an unimplemented or malformed key is named even when
    // the signature algorithm is also unknown.
    match &key {
        PublicKey::Unsupported(m) => {
            return done(
                Verdict::Unsupported(format!("{m}; signature algorithm {algorithm}")),
                warnings,
            )
        }
        PublicKey::Malformed(m) => return done(Verdict::Malformed(m.clone()), warnings),
        _ => {}
    }
    let scheme = match scheme {
        Ok(s) => s,
        Err(Refusal::Unsupported(m)) => return done(Verdict::Unsupported(m), warnings),
        Err(Refusal::Malformed(m)) => return done(Verdict::Malformed(m), warnings),
    };
    let Some((&unused, sig_bytes)) = signature.split_first() else {
        return done(
            Verdict::Malformed("the signature is empty".into()),
            warnings,
        );
    };
    if unused != 0 {
        return done(
            Verdict::Malformed(format!("the signature BIT STRING has {unused} unused bits")),
            warnings,
        );
    }
    let hash = match scheme {
        Scheme::Pkcs1(h) | Scheme::Ecdsa(h) => Some(h),
        Scheme::Pss(p) => Some(p.hash),
        Scheme::Ed25519 => None,
    };
    if let Some(h) = hash.filter(|h| h.weak()) {
        warnings.push(format!(
            "weak digest: {} (collisions are practical; use SHA-256 or better)",
            h.name()
        ));
    }
    let verdict = match (&key, scheme) {
        (
            PublicKey::Rsa {
                n,
                e,
                pkcs1,
                pss_only,
            },
            Scheme::Pkcs1(_) | Scheme::Pss(_),
        ) => {
            if *pss_only && matches!(scheme, Scheme::Pkcs1(_)) {
                Verdict::Malformed(format!(
                    "the key is restricted to RSASSA-PSS (id-RSASSA-PSS) but the signature is {algorithm}"
                ))
            } else {
                let bits = key_info.bits;
                if bits < 2048 {
                    warnings.push(format!(
                        "weak key: RSA {bits} bits (2048 bits is the least considered safe)"
                    ));
                }
                rsa_verify::verify(n, e, pkcs1, bits, scheme, tbs, sig_bytes)
            }
        }
        (PublicKey::Ec { curve, point }, Scheme::Ecdsa(h)) => {
            ecdsa(*curve, point, h, tbs, sig_bytes)
        }
        (PublicKey::Ed25519(k), Scheme::Ed25519) => {
            let ok = UnparsedPublicKey::new(&sig::ED25519, k)
                .verify(tbs, sig_bytes)
                .is_ok();
            if ok {
                Verdict::Valid
            } else {
                Verdict::Invalid
            }
        }
        _ => Verdict::Malformed(format!(
            "the signature algorithm {algorithm} does not fit the {} key",
            key_info.algorithm
        )),
    };
    done(verdict, warnings)
}

/// ECDSA over the digest: aws-lc-rs verifies a prehashed digest with the
/// curve's own algorithm; a digest of another length is brought to the
/// curve's size first exactly as ECDSA does (FIPS 186-5 6.4.2: the leftmost
/// bits of a longer digest; a shorter one is the same integer left-padded
/// with zeros), so P-256 with SHA-224 or P-384 with SHA-1 verify too.
fn ecdsa(curve: Curve, point: &[u8], h: Hash, tbs: &[u8], sig_bytes: &[u8]) -> Verdict {
    let (alg, dalg): (&'static sig::EcdsaVerificationAlgorithm, _) = match curve {
        Curve::P256 => (&sig::ECDSA_P256_SHA256_ASN1, &digest::SHA256),
        Curve::P384 => (&sig::ECDSA_P384_SHA384_ASN1, &digest::SHA384),
        Curve::P521 => (&sig::ECDSA_P521_SHA512_ASN1, &digest::SHA512),
    };
    let Ok(key) = ParsedPublicKey::new(alg, point) else {
        return Verdict::Malformed(format!(
            "the EC public key is not a valid point on {}",
            curve.name()
        ));
    };
    let size = dalg.output_len();
    let d = h.digest(tbs);
    let mut normalized = vec![0u8; size];
    if d.len() >= size {
        normalized.copy_from_slice(&d[..size]);
    } else {
        normalized[size - d.len()..].copy_from_slice(&d);
    }
    let Ok(digest) = Digest::import_less_safe(&normalized, dalg) else {
        return Verdict::Invalid;
    };
    if key.verify_digest_sig(&digest, sig_bytes).is_ok() {
        Verdict::Valid
    } else {
        Verdict::Invalid
    }
}
