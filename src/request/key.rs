//! Key specifications and digests: RSA sizes (2048/3072/4096), the NIST
//! curves (P-256/P-384/P-521, RFC 5480), Ed25519 (RFC 8410), and which
//! digest signs with which key. Parsing of the names users type.

use crate::field::Field;
use crate::mention;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Curve {
    #[serde(rename = "P-256")]
    P256,
    #[serde(rename = "P-384")]
    P384,
    #[serde(rename = "P-521")]
    P521,
}

impl Curve {
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }

    pub fn bits(self) -> u32 {
        match self {
            Curve::P256 => 256,
            Curve::P384 => 384,
            Curve::P521 => 521,
        }
    }

    pub fn parse(s: &str) -> Result<Curve> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "p-256" | "p256" | "prime256v1" | "secp256r1" | "256" => Ok(Curve::P256),
            "p-384" | "p384" | "secp384r1" | "384" => Ok(Curve::P384),
            "p-521" | "p521" | "secp521r1" | "521" => Ok(Curve::P521),
            _ => Err(
                Error::invalid(Field::Curve, format!("unsupported curve '{s}'"))
                    .with_hint("use P-256, P-384 or P-521"),
            ),
        }
    }

    fn from_bits(bits: u32) -> Option<Curve> {
        match bits {
            256 => Some(Curve::P256),
            384 => Some(Curve::P384),
            521 => Some(Curve::P521),
            _ => None,
        }
    }
}

/// The key algorithm and size of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum KeySpec {
    Rsa { size: u32 },
    Ec { curve: Curve },
    Ed25519,
}

impl Default for KeySpec {
    fn default() -> Self {
        KeySpec::Rsa { size: 2048 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    Rsa,
    Ec,
    Ed25519,
}

impl KeyType {
    pub fn parse(s: &str) -> Result<KeyType> {
        match s.trim().to_ascii_lowercase().as_str() {
            "rsa" => Ok(KeyType::Rsa),
            "ec" | "ecdsa" | "ecc" => Ok(KeyType::Ec),
            "ed25519" | "eddsa" => Ok(KeyType::Ed25519),
            _ => Err(
                Error::invalid(Field::KeyType, format!("unsupported key type '{s}'"))
                    .with_hint("use rsa, ec or ed25519"),
            ),
        }
    }
}

impl KeySpec {
    /// Resolves `--key-type`, `--key-size` and `--curve` into one key.
    pub fn resolve(
        kind: Option<KeyType>,
        size: Option<u32>,
        curve: Option<Curve>,
    ) -> Result<KeySpec> {
        let kind = kind.unwrap_or(if curve.is_some() {
            KeyType::Ec
        } else {
            KeyType::Rsa
        });
        match kind {
            KeyType::Rsa => {
                if let Some(c) = curve {
                    return Err(Error::invalid(
                        Field::Curve,
                        format!("{} is an EC curve but the key type is RSA", c.name()),
                    )
                    .with_hint(concat!(
                        "add ",
                        mention!(key_type),
                        " ec, or drop ",
                        mention!(curve)
                    )));
                }
                let size = size.unwrap_or(2048);
                match size {
                    2048 | 3072 | 4096 => Ok(KeySpec::Rsa { size }),
                    s if s < 2048 => Err(Error::invalid(
                        Field::KeySize,
                        format!("RSA-{s} is refused: keys below 2048 bits are weaker than 112-bit security (NIST SP 800-131A) and CAs reject them"),
                    )
                    .with_hint(concat!("use ", mention!(key_size), " 2048, 3072 or 4096"))),
                    s => Err(Error::invalid(Field::KeySize, format!("unsupported RSA key size {s}"))
                        .with_hint("use 2048, 3072 or 4096")),
                }
            }
            KeyType::Ec => {
                let from_size = match size {
                    None => None,
                    Some(bits) => Some(Curve::from_bits(bits).ok_or_else(|| {
                        Error::invalid(Field::KeySize, format!("{bits} is not an EC key size"))
                            .with_hint("use 256, 384 or 521 (P-256, P-384, P-521)")
                    })?),
                };
                match (from_size, curve) {
                    (Some(a), Some(b)) if a != b => Err(Error::invalid(
                        Field::Curve,
                        format!(
                            concat!(
                                mention!(curve),
                                " {} contradicts ",
                                mention!(key_size),
                                " {}"
                            ),
                            b.name(),
                            a.bits()
                        ),
                    )),
                    (a, b) => Ok(KeySpec::Ec {
                        curve: b.or(a).unwrap_or(Curve::P256),
                    }),
                }
            }
            KeyType::Ed25519 => {
                if let Some(c) = curve {
                    return Err(Error::invalid(
                        Field::Curve,
                        format!(
                            "{} is an EC curve; Ed25519 keys have their own, fixed one",
                            c.name()
                        ),
                    )
                    .with_hint(concat!(
                        "drop ",
                        mention!(curve),
                        " with ",
                        mention!(key_type),
                        " ed25519, or use ",
                        mention!(key_type),
                        " ec"
                    )));
                }
                if size.is_some_and(|s| s != 256) {
                    return Err(
                        Error::invalid(Field::KeySize, "Ed25519 keys have a fixed size").with_hint(
                            concat!(
                                "drop ",
                                mention!(key_size),
                                " with ",
                                mention!(key_type),
                                " ed25519"
                            ),
                        ),
                    );
                }
                Ok(KeySpec::Ed25519)
            }
        }
    }

    pub fn algorithm(&self) -> &'static str {
        match self {
            KeySpec::Rsa { .. } => "RSA",
            KeySpec::Ec { .. } => "EC",
            KeySpec::Ed25519 => "ED25519",
        }
    }

    /// Key size in bits (RSA modulus, EC field size, 256 for Ed25519).
    pub fn bits(&self) -> u32 {
        match self {
            KeySpec::Rsa { size } => *size,
            KeySpec::Ec { curve } => curve.bits(),
            KeySpec::Ed25519 => 256,
        }
    }

    pub fn default_digest(&self) -> Option<Digest> {
        match self {
            KeySpec::Rsa { .. } => Some(Digest::Sha256),
            KeySpec::Ec { curve: Curve::P256 } => Some(Digest::Sha256),
            KeySpec::Ec { curve: Curve::P384 } => Some(Digest::Sha384),
            KeySpec::Ec { curve: Curve::P521 } => Some(Digest::Sha512),
            KeySpec::Ed25519 => None,
        }
    }

    /// Checks that the key can sign with `digest`.
    pub fn check_digest(&self, digest: Option<Digest>) -> Result<Option<Digest>> {
        let Some(d) = digest else {
            return Ok(self.default_digest());
        };
        match self {
            KeySpec::Rsa { .. } => Ok(Some(d)),
            KeySpec::Ed25519 => Err(Error::invalid(
                Field::Digest,
                "Ed25519 signs without a separate digest",
            )
            .with_hint(concat!("drop ", mention!(digest), " for Ed25519 keys"))),
            KeySpec::Ec { curve } => {
                let ok = matches!(
                    (curve, d),
                    (Curve::P256, Digest::Sha256)
                        | (Curve::P384, Digest::Sha384)
                        | (Curve::P521, _)
                );
                if ok {
                    Ok(Some(d))
                } else {
                    Err(Error::invalid(
                        Field::Digest,
                        format!("{} cannot be used with a {} key", d.name(), curve.name()),
                    )
                    .with_hint(format!(
                        concat!(
                            "use ",
                            mention!(digest),
                            " {} (or drop ",
                            mention!(digest),
                            ")"
                        ),
                        self.default_digest().map(|d| d.name()).unwrap_or("sha256")
                    )))
                }
            }
        }
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySpec::Rsa { size } => write!(f, "RSA {size}"),
            KeySpec::Ec { curve } => write!(f, "EC {}", curve.name()),
            KeySpec::Ed25519 => f.write_str("Ed25519"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Digest {
    Sha256,
    Sha384,
    Sha512,
}

impl Digest {
    pub fn parse(s: &str) -> Result<Digest> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_'], "")
            .as_str()
        {
            "sha256" => Ok(Digest::Sha256),
            "sha384" => Ok(Digest::Sha384),
            "sha512" => Ok(Digest::Sha512),
            _ => Err(
                Error::invalid(Field::Digest, format!("unsupported digest '{s}'"))
                    .with_hint("use sha256, sha384 or sha512"),
            ),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Digest::Sha256 => "sha256",
            Digest::Sha384 => "sha384",
            Digest::Sha512 => "sha512",
        }
    }
}
