//! The subject public key (RFC 5280 4.1.2.7 SubjectPublicKeyInfo): what it
//! is, in words, and the parts a verifier needs. Keys csrkit does not
//! implement are named (DSA, Ed448, GOST, SM2, brainpool and other curves,
//! explicit curve parameters); keys that cannot be decoded are malformed.

use super::tlv::{oid_string, read_one, tag, Tlv};
use super::KeyInfo;
use crate::keys::curve_from_oid;
use crate::request::Curve;

/// A public key as far as verification is concerned.
#[derive(Clone, Debug)]
pub enum PublicKey<'a> {
    /// RSA (RFC 8017 A.1.1): modulus and exponent, big-endian without
    /// leading zeros. `pss_only` for an id-RSASSA-PSS key (RFC 4055).
    Rsa {
        /// The modulus `n`.
        n: &'a [u8],
        /// The public exponent `e`.
        e: &'a [u8],
        /// The encoded RSAPublicKey (PKCS#1), as aws-lc-rs takes it.
        pkcs1: &'a [u8],
        /// Restricted to RSASSA-PSS signatures.
        pss_only: bool,
    },
    /// An EC point (SEC 1 2.3.3) on one of the NIST curves.
    Ec {
        /// The named curve.
        curve: Curve,
        /// The encoded point (uncompressed or compressed).
        point: &'a [u8],
    },
    /// An Ed25519 public key (RFC 8410), 32 bytes.
    Ed25519(&'a [u8]),
    /// A key csrkit does not implement; the message names it in words.
    Unsupported(String),
    /// A key that cannot be decoded; the message names the part.
    Malformed(String),
}

/// What a SubjectPublicKeyInfo holds.
#[derive(Clone, Debug)]
pub struct Spki<'a> {
    /// Algorithm, size and curve for display.
    pub info: KeyInfo,
    /// The key for verification.
    pub key: PublicKey<'a>,
}

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_RSA_PSS: &str = "1.2.840.113549.1.1.10";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_ED25519: &str = "1.3.101.112";

/// Names of key algorithms csrkit does not implement (OID -> words).
fn unsupported_key(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.10040.4.1" | "1.3.14.3.2.12" => "DSA",
        "1.3.101.113" => "Ed448",
        "1.3.101.110" => "X25519",
        "1.3.101.111" => "X448",
        "1.2.840.10046.2.1" => "X9.42 Diffie-Hellman",
        "1.2.840.113549.1.3.1" => "PKCS#3 Diffie-Hellman",
        "1.2.840.113549.1.1.7" => "RSAES-OAEP",
        "1.2.643.2.2.19" => "GOST R 34.10-2001",
        "1.2.643.2.2.20" => "GOST R 34.10-94",
        "1.2.643.7.1.1.1.1" => "GOST R 34.10-2012 (256 bit)",
        "1.2.643.7.1.1.1.2" => "GOST R 34.10-2012 (512 bit)",
        "1.2.156.10197.1.301" => "SM2",
        "1.3.132.1.12" => "ECDH",
        "1.3.132.1.13" => "ECMQV",
        "2.16.840.1.101.3.4.3.17" => "ML-DSA-44",
        "2.16.840.1.101.3.4.3.18" => "ML-DSA-65",
        "2.16.840.1.101.3.4.3.19" => "ML-DSA-87",
        _ => return None,
    })
}

fn info(algorithm: &str, bits: u32, curve: Option<&str>) -> KeyInfo {
    KeyInfo {
        algorithm: algorithm.to_string(),
        bits,
        curve: curve.map(str::to_string),
        restricted_to: None,
    }
}

/// Number of significant bits of a big-endian unsigned integer.
pub fn bit_len(bytes: &[u8]) -> u32 {
    let b = strip_zeros(bytes);
    match b.first() {
        None => 0,
        Some(lead) => (b.len() as u32 - 1) * 8 + (8 - lead.leading_zeros()),
    }
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let i = b.iter().position(|x| *x != 0).unwrap_or(b.len());
    &b[i..]
}

/// An AlgorithmIdentifier (RFC 5280 4.1.1.2): OID and optional parameters.
#[derive(Clone, Debug)]
pub struct AlgId<'a> {
    /// Dotted OID.
    pub oid: String,
    /// The parameters, if present.
    pub params: Option<Tlv<'a>>,
}

impl<'a> AlgId<'a> {
    /// Reads an AlgorithmIdentifier from its encoding.
    pub fn parse(raw: &'a [u8]) -> Result<AlgId<'a>, String> {
        let t = read_one(raw).map_err(|e| e.to_string())?;
        Self::from_tlv(&t)
    }

    /// Reads an AlgorithmIdentifier from a read SEQUENCE.
    pub fn from_tlv(t: &Tlv<'a>) -> Result<AlgId<'a>, String> {
        if t.tag != tag::SEQUENCE {
            return Err("not a SEQUENCE".into());
        }
        let f = t.children().map_err(|e| e.to_string())?;
        let oid = f
            .first()
            .filter(|o| o.tag == tag::OID)
            .and_then(|o| oid_string(o.content))
            .ok_or("no valid algorithm OID")?;
        if f.len() > 2 {
            return Err("more than an OID and parameters".into());
        }
        Ok(AlgId {
            oid,
            params: f.get(1).copied(),
        })
    }

    /// True when the parameters are absent or NULL.
    pub fn params_absent_or_null(&self) -> bool {
        self.params
            .as_ref()
            .is_none_or(|p| p.tag == tag::NULL && p.content.is_empty())
    }
}

/// Reads a SubjectPublicKeyInfo. `Err` when its structure (a SEQUENCE of
/// an AlgorithmIdentifier and a BIT STRING) is broken; a key inside that
/// cannot be used is [`PublicKey::Unsupported`] or [`PublicKey::Malformed`].
pub fn analyse(raw: &[u8]) -> Result<Spki<'_>, String> {
    let t = read_one(raw).map_err(|e| e.to_string())?;
    if t.tag != tag::SEQUENCE {
        return Err("not a SEQUENCE".into());
    }
    let f = t.children().map_err(|e| e.to_string())?;
    let [alg, bits] = f.as_slice() else {
        return Err("not an algorithm and a key".into());
    };
    let alg = AlgId::from_tlv(alg).map_err(|e| format!("algorithm: {e}"))?;
    if bits.tag != tag::BIT_STRING || bits.content.is_empty() {
        return Err("the key is not a BIT STRING".into());
    }
    let unused = bits.content[0];
    let key_bytes = &bits.content[1..];
    let oid = alg.oid.as_str();
    let malformed = |info: KeyInfo, m: String| Spki {
        info,
        key: PublicKey::Malformed(m),
    };
    if unused != 0 {
        return Ok(malformed(
            info(&alg.oid, 0, None),
            format!("the public key BIT STRING has {unused} unused bits"),
        ));
    }
    Ok(match oid {
        OID_RSA | OID_RSA_PSS => rsa(&alg, key_bytes),
        OID_EC => ec(&alg, key_bytes),
        OID_ED25519 => {
            let i = info("ED25519", 256, None);
            if alg.params.is_some() {
                malformed(
                    i,
                    "the Ed25519 key has algorithm parameters (RFC 8410 3 forbids them)".into(),
                )
            } else if key_bytes.len() != 32 {
                malformed(
                    i,
                    format!(
                        "the Ed25519 public key is {} bytes, not 32",
                        key_bytes.len()
                    ),
                )
            } else {
                Spki {
                    info: i,
                    key: PublicKey::Ed25519(key_bytes),
                }
            }
        }
        other => match unsupported_key(other) {
            Some(name) => Spki {
                info: info(name, other_bits(other, &alg), None),
                key: PublicKey::Unsupported(format!("{name} keys are not implemented")),
            },
            None => Spki {
                info: info(other, 0, None),
                key: PublicKey::Unsupported(format!(
                    "the key algorithm {other} is unknown to csrkit"
                )),
            },
        },
    })
}

/// Sizes of keys csrkit names but does not verify: DSA and DH by their
/// prime, Ed448 and X25519/X448 by their curve.
fn other_bits(oid: &str, alg: &AlgId<'_>) -> u32 {
    match oid {
        "1.3.101.113" => 456,
        "1.3.101.110" => 253,
        "1.3.101.111" => 448,
        "1.2.643.7.1.1.1.2" => 512,
        "1.2.643.7.1.1.1.1" | "1.2.643.2.2.19" | "1.2.156.10197.1.301" => 256,
        _ => alg
            .params
            .as_ref()
            .and_then(|p| p.children().ok())
            .and_then(|f| f.first().map(|p| bit_len(p.content)))
            .unwrap_or(0),
    }
}

fn rsa<'a>(alg: &AlgId<'a>, key: &'a [u8]) -> Spki<'a> {
    let pss_only = alg.oid == OID_RSA_PSS;
    let mut i = info("RSA", 0, None);
    if pss_only {
        i.restricted_to = Some("RSASSA-PSS".into());
    }
    let parsed = read_one(key).ok().and_then(|t| {
        (t.tag == tag::SEQUENCE)
            .then(|| t.children().ok())
            .flatten()
            .and_then(|f| match f.as_slice() {
                [n, e] if n.tag == tag::INTEGER && e.tag == tag::INTEGER => {
                    Some((n.content, e.content))
                }
                _ => None,
            })
    });
    let Some((n, e)) = parsed else {
        return Spki {
            info: i,
            key: PublicKey::Malformed(
                "the RSA public key is not an RSAPublicKey (RFC 8017 A.1.1)".into(),
            ),
        };
    };
    if n.first().is_none_or(|b| b & 0x80 != 0) || e.first().is_none_or(|b| b & 0x80 != 0) {
        return Spki {
            info: i,
            key: PublicKey::Malformed("the RSA modulus or exponent is negative or empty".into()),
        };
    }
    i.bits = bit_len(n);
    if !pss_only && !alg.params_absent_or_null() {
        return Spki {
            info: i,
            key: PublicKey::Malformed(
                "the rsaEncryption key has parameters other than NULL".into(),
            ),
        };
    }
    Spki {
        info: i,
        key: PublicKey::Rsa {
            n: strip_zeros(n),
            e: strip_zeros(e),
            pkcs1: key,
            pss_only,
        },
    }
}

fn ec<'a>(alg: &AlgId<'a>, point: &'a [u8]) -> Spki<'a> {
    let Some(p) = alg.params.as_ref() else {
        return Spki {
            info: info("EC", 0, None),
            key: PublicKey::Malformed("the EC key names no curve".into()),
        };
    };
    match p.tag {
        tag::OID => {
            let oid = oid_string(p.content).unwrap_or_default();
            let der_oid = der::asn1::ObjectIdentifier::from_bytes(p.content).ok();
            let known = curve_name(&oid);
            match der_oid.and_then(curve_from_oid) {
                Some(curve) => Spki {
                    info: info("EC", curve.bits(), Some(curve.name())),
                    key: PublicKey::Ec { curve, point },
                },
                None => {
                    let (name, bits) = known.unwrap_or(("", 0));
                    let words = if name.is_empty() {
                        format!("the EC curve {oid} (unknown to csrkit)")
                    } else {
                        format!("the EC curve {name}")
                    };
                    let shown = if name.is_empty() { oid.as_str() } else { name };
                    Spki {
                        info: info("EC", bits, Some(shown)),
                        key: PublicKey::Unsupported(format!("{words} is not implemented")),
                    }
                }
            }
        }
        tag::SEQUENCE => Spki {
            info: info("EC", explicit_bits(p), Some("explicit parameters")),
            key: PublicKey::Unsupported(
                "EC keys with explicit curve parameters are not implemented (only named curves)"
                    .into(),
            ),
        },
        tag::NULL => Spki {
            info: info("EC", 0, Some("implicitlyCA")),
            key: PublicKey::Unsupported(
                "EC keys that inherit their curve (implicitlyCA) are not implemented".into(),
            ),
        },
        _ => Spki {
            info: info("EC", 0, None),
            key: PublicKey::Malformed(
                "the EC key's curve parameters are neither an OID nor explicit parameters".into(),
            ),
        },
    }
}

/// Field size of explicit EC parameters (SEC 1 C.2: the prime of a prime
/// field), 0 if unreadable.
fn explicit_bits(p: &Tlv<'_>) -> u32 {
    let f = p.children().unwrap_or_default();
    f.get(1)
        .and_then(|field| field.children().ok())
        .and_then(|ff| ff.get(1).map(|prime| bit_len(prime.content)))
        .unwrap_or(0)
}

/// The named curve for an OID: (name in words, field bits).
pub fn curve_name(oid: &str) -> Option<(&'static str, u32)> {
    Some(match oid {
        "1.2.840.10045.3.1.7" => ("P-256", 256),
        "1.3.132.0.34" => ("P-384", 384),
        "1.3.132.0.35" => ("P-521", 521),
        "1.2.840.10045.3.1.1" => ("P-192 (prime192v1)", 192),
        "1.2.840.10045.3.1.2" => ("prime192v2", 192),
        "1.2.840.10045.3.1.3" => ("prime192v3", 192),
        "1.2.840.10045.3.1.4" => ("prime239v1", 239),
        "1.2.840.10045.3.1.5" => ("prime239v2", 239),
        "1.2.840.10045.3.1.6" => ("prime239v3", 239),
        "1.3.132.0.33" => ("P-224 (secp224r1)", 224),
        "1.3.132.0.10" => ("secp256k1", 256),
        "1.3.132.0.31" => ("secp192k1", 192),
        "1.3.132.0.32" => ("secp224k1", 224),
        "1.3.132.0.8" => ("secp160r1", 160),
        "1.3.132.0.9" => ("secp160k1", 160),
        "1.3.132.0.30" => ("secp160r2", 160),
        "1.3.132.0.6" => ("secp112r1", 112),
        "1.3.132.0.28" => ("secp128r1", 128),
        "1.3.36.3.3.2.8.1.1.1" => ("brainpoolP160r1", 160),
        "1.3.36.3.3.2.8.1.1.2" => ("brainpoolP160t1", 160),
        "1.3.36.3.3.2.8.1.1.3" => ("brainpoolP192r1", 192),
        "1.3.36.3.3.2.8.1.1.4" => ("brainpoolP192t1", 192),
        "1.3.36.3.3.2.8.1.1.5" => ("brainpoolP224r1", 224),
        "1.3.36.3.3.2.8.1.1.6" => ("brainpoolP224t1", 224),
        "1.3.36.3.3.2.8.1.1.7" => ("brainpoolP256r1", 256),
        "1.3.36.3.3.2.8.1.1.8" => ("brainpoolP256t1", 256),
        "1.3.36.3.3.2.8.1.1.9" => ("brainpoolP320r1", 320),
        "1.3.36.3.3.2.8.1.1.10" => ("brainpoolP320t1", 320),
        "1.3.36.3.3.2.8.1.1.11" => ("brainpoolP384r1", 384),
        "1.3.36.3.3.2.8.1.1.12" => ("brainpoolP384t1", 384),
        "1.3.36.3.3.2.8.1.1.13" => ("brainpoolP512r1", 512),
        "1.3.36.3.3.2.8.1.1.14" => ("brainpoolP512t1", 512),
        "1.2.156.10197.1.301" => ("SM2", 256),
        "1.2.250.1.223.101.256.1" => ("FRP256v1", 256),
        "1.3.101.110" => ("X25519", 253),
        "1.3.101.111" => ("X448", 448),
        _ => return None,
    })
}

/// A short note for an extension's value that could not be decoded.
pub(super) fn malformed(what: &str) -> String {
    format!("<malformed {what}>")
}
