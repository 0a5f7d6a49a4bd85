//! Private keys: generation, signing, PKCS#8 encryption and passphrases.
//!
//! Keys are generated and used through aws-lc-rs (constant-time, formally
//! verified primitives). The PKCS#8 bytes live only in `Zeroizing` buffers;
//! on disk they are PBES2 (scrypt N=2^14 r=8 p=5, AES-256-CBC) unless the
//! user asked for `--no-passphrase`.

use crate::field::Field;
use crate::mention;
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rand::{self as lcrand, SystemRandom};
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair};
use der::asn1::{ObjectIdentifier, OctetStringRef};
use der::{Decode, Encode};
use pkcs5::pbes2;
use pkcs8::{EncryptedPrivateKeyInfoRef, PrivateKeyInfoRef};
use zeroize::Zeroizing;

use crate::error::{Error, Kind, Result};
use crate::request::{Curve, Digest, KeySpec};

pub const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
pub const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
pub const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
pub const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
pub const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
pub const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");

/// scrypt parameters at OWASP's current minimum that OpenSSL 3.0 can
/// still read: N=2^14, r=8, p=5, OWASP Password Storage Cheat Sheet's
/// equivalent of N=2^17, r=8, p=1 (log_n 15 or more exceeds OpenSSL's
/// default 32 MiB scrypt memory limit; p costs time, not memory). 16 MiB
/// of memory; the time is measured in docs/performance.md.
pub const SCRYPT_LOG_N: u8 = 14;
pub const SCRYPT_R: u32 = 8;
pub const SCRYPT_P: u32 = 5;

/// The most work a stored key's KDF may ask for before csrkit refuses to
/// open it (a key written by another tool may use more than csrkit's own
/// defaults; a damaged or hostile file asks for absurd amounts): scrypt
/// memory 128 * r * N at most 256 MiB, N at most 2^20, p at most 64,
/// N * r * p at most 2^23; PBKDF2 at most 10,000,000 iterations.
const SCRYPT_MAX_MEMORY: u64 = 256 << 20;
const SCRYPT_MAX_N: u64 = 1 << 20;
const SCRYPT_MAX_P: u64 = 64;
/// N * r * p: the time a key takes to open (csrkit's own: 2^14 * 8 * 5).
const SCRYPT_MAX_WORK: u64 = 1 << 23;
const PBKDF2_MAX_ITERATIONS: u32 = 10_000_000;

/// A passphrase, wiped from memory when dropped.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    pub fn new(s: Zeroizing<String>) -> Result<Passphrase> {
        if s.is_empty() {
            return Err(
                Error::invalid_as("passphrase", "the passphrase is empty").with_hint(concat!(
                    "use a non-empty passphrase, or ",
                    mention!(no_passphrase),
                    " to store the key unencrypted"
                )),
            );
        }
        Ok(Passphrase(s))
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

enum Signer {
    Rsa(RsaKeyPair),
    /// The key pair for the curve's default digest; loading one computes
    /// the public point, so it is loaded once and reused.
    Ec(Curve, EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

/// A private key in memory.
pub struct PrivateKey {
    spec: KeySpec,
    pkcs8: Zeroizing<Vec<u8>>,
    signer: Signer,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PrivateKey({})", self.spec)
    }
}

fn ec_alg(curve: Curve, digest: Digest) -> Option<&'static signature::EcdsaSigningAlgorithm> {
    Some(match (curve, digest) {
        (Curve::P256, Digest::Sha256) => &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        (Curve::P384, Digest::Sha384) => &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
        (Curve::P521, Digest::Sha256) => &signature::ECDSA_P521_SHA256_ASN1_SIGNING,
        (Curve::P521, Digest::Sha384) => &signature::ECDSA_P521_SHA384_ASN1_SIGNING,
        (Curve::P521, Digest::Sha512) => &signature::ECDSA_P521_SHA512_ASN1_SIGNING,
        _ => return None,
    })
}

fn der_bytes(d: Pkcs8V1Der<'_>) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(d.as_ref().to_vec())
}

fn crypto_err(what: &str) -> Error {
    Error::internal(format!("{what} failed in the crypto library"))
}

impl PrivateKey {
    /// Generates a new key (aws-lc-rs, seeded from the OS RNG).
    pub fn generate(spec: KeySpec) -> Result<PrivateKey> {
        let (pkcs8, signer) = match spec {
            KeySpec::Rsa { size } => {
                let size = match size {
                    2048 => KeySize::Rsa2048,
                    3072 => KeySize::Rsa3072,
                    4096 => KeySize::Rsa4096,
                    _ => {
                        return Err(Error::invalid(
                            Field::KeySize,
                            format!("unsupported RSA size {size}"),
                        ))
                    }
                };
                let kp =
                    RsaKeyPair::generate(size).map_err(|_| crypto_err("RSA key generation"))?;
                let der = der_bytes(kp.as_der().map_err(|_| crypto_err("RSA key encoding"))?);
                (der, Signer::Rsa(kp))
            }
            KeySpec::Ec { curve } => {
                let alg = ec_alg(curve, spec.default_digest().expect("EC has a digest"))
                    .expect("default pair");
                let kp =
                    EcdsaKeyPair::generate(alg).map_err(|_| crypto_err("EC key generation"))?;
                let der = kp.to_pkcs8v1().map_err(|_| crypto_err("EC key encoding"))?;
                (Zeroizing::new(der.as_ref().to_vec()), Signer::Ec(curve, kp))
            }
            KeySpec::Ed25519 => {
                let kp =
                    Ed25519KeyPair::generate().map_err(|_| crypto_err("Ed25519 key generation"))?;
                let der = kp
                    .to_pkcs8v1()
                    .map_err(|_| crypto_err("Ed25519 key encoding"))?;
                (Zeroizing::new(der.as_ref().to_vec()), Signer::Ed25519(kp))
            }
        };
        Ok(PrivateKey {
            spec,
            pkcs8,
            signer,
        })
    }

    /// Loads an unencrypted PKCS#8 DER key and works out its type and size.
    pub fn from_pkcs8_der(der: Zeroizing<Vec<u8>>) -> Result<PrivateKey> {
        let bad = |m: &str| Error::internal(format!("the stored private key is not usable: {m}"));
        let info = PrivateKeyInfoRef::from_der(&der).map_err(|e| bad(&e.to_string()))?;
        let oid = info.algorithm.oid;
        let (spec, signer) = if oid == OID_RSA {
            let kp = RsaKeyPair::from_pkcs8(&der).map_err(|e| bad(&e.to_string()))?;
            let size = (kp.public_modulus_len() * 8) as u32;
            (KeySpec::Rsa { size }, Signer::Rsa(kp))
        } else if oid == OID_EC {
            let curve_oid = info
                .algorithm
                .parameters
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                .ok_or_else(|| bad("EC key without a named curve"))?;
            let curve = curve_from_oid(curve_oid)
                .ok_or_else(|| bad(&format!("unsupported curve {curve_oid}")))?;
            let spec = KeySpec::Ec { curve };
            let alg = ec_alg(curve, spec.default_digest().expect("EC")).expect("default");
            let kp = EcdsaKeyPair::from_pkcs8(alg, &der).map_err(|e| bad(&e.to_string()))?;
            (spec, Signer::Ec(curve, kp))
        } else if oid == OID_ED25519 {
            let kp = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der)
                .map_err(|e| bad(&e.to_string()))?;
            (KeySpec::Ed25519, Signer::Ed25519(kp))
        } else {
            return Err(bad(&format!("unsupported key algorithm {oid}")));
        };
        Ok(PrivateKey {
            spec,
            pkcs8: der,
            signer,
        })
    }

    pub fn spec(&self) -> KeySpec {
        self.spec
    }

    /// SHA-256 of the SubjectPublicKeyInfo DER, colon-separated upper-case
    /// hex: the form of `RecordMeta::spki_sha256` and of a CSR's.
    pub fn spki_sha256(&self) -> Result<String> {
        let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &self.public_key_der()?);
        Ok(d.as_ref()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":"))
    }

    /// The SubjectPublicKeyInfo, DER.
    pub fn public_key_der(&self) -> Result<Vec<u8>> {
        let spki: PublicKeyX509Der<'static> = match &self.signer {
            Signer::Rsa(kp) => kp.public_key().as_der(),
            Signer::Ed25519(kp) => kp.public_key().as_der(),
            Signer::Ec(_, kp) => kp.public_key().as_der(),
        }
        .map_err(|_| crypto_err("public key encoding"))?;
        Ok(spki.as_ref().to_vec())
    }

    /// The signature algorithm [`PrivateKey::sign`] uses with `digest`
    /// (`None`: the key's default): its OID and whether its parameters are
    /// NULL (RSA PKCS#1 v1.5, RFC 4055 §5) or absent (ECDSA, RFC 5758
    /// §3.2; Ed25519, RFC 8410 §3). Exit 2 for a digest the key cannot use.
    pub fn signature_algorithm(&self, digest: Option<Digest>) -> Result<(ObjectIdentifier, bool)> {
        let oid = match (&self.signer, self.digest_for(digest)?) {
            (Signer::Rsa(_), Some(Digest::Sha256)) => "1.2.840.113549.1.1.11",
            (Signer::Rsa(_), Some(Digest::Sha384)) => "1.2.840.113549.1.1.12",
            (Signer::Rsa(_), Some(Digest::Sha512)) => "1.2.840.113549.1.1.13",
            (Signer::Ec(..), Some(Digest::Sha256)) => "1.2.840.10045.4.3.2",
            (Signer::Ec(..), Some(Digest::Sha384)) => "1.2.840.10045.4.3.3",
            (Signer::Ec(..), Some(Digest::Sha512)) => "1.2.840.10045.4.3.4",
            _ => "1.3.101.112",
        };
        Ok((
            ObjectIdentifier::new_unwrap(oid),
            matches!(self.signer, Signer::Rsa(_)),
        ))
    }

    /// The digest a signature uses: the one asked for, else the key's
    /// default (`None` for Ed25519, which has its own). Exit 2 for a
    /// digest the curve cannot be used with.
    fn digest_for(&self, digest: Option<Digest>) -> Result<Option<Digest>> {
        Ok(match &self.signer {
            Signer::Rsa(_) => Some(digest.unwrap_or(Digest::Sha256)),
            Signer::Ec(curve, _) => {
                let d = digest.unwrap_or_else(|| self.spec.default_digest().expect("EC"));
                ec_alg(*curve, d).ok_or_else(|| {
                    Error::invalid(
                        Field::Digest,
                        format!("{} cannot be used with a {} key", d.name(), curve.name()),
                    )
                })?;
                Some(d)
            }
            Signer::Ed25519(_) => None,
        })
    }

    /// Signs `msg`; returns the signature algorithm (see
    /// [`PrivateKey::signature_algorithm`]) and the signature.
    pub fn sign(
        &self,
        digest: Option<Digest>,
        msg: &[u8],
    ) -> Result<(ObjectIdentifier, bool, Vec<u8>)> {
        let (oid, null_params) = self.signature_algorithm(digest)?;
        let digest = self.digest_for(digest)?;
        let rng = SystemRandom::new();
        let sig = match (&self.signer, digest) {
            (Signer::Rsa(kp), d) => {
                let enc: &'static dyn signature::RsaEncoding = match d {
                    Some(Digest::Sha384) => &signature::RSA_PKCS1_SHA384,
                    Some(Digest::Sha512) => &signature::RSA_PKCS1_SHA512,
                    _ => &signature::RSA_PKCS1_SHA256,
                };
                let mut sig = vec![0u8; kp.public_modulus_len()];
                kp.sign(enc, &rng, msg, &mut sig)
                    .map_err(|_| crypto_err("RSA signing"))?;
                sig
            }
            (Signer::Ec(curve, default_kp), d) => {
                let d = d.expect("EC has a digest");
                let alg = ec_alg(*curve, d).expect("checked by digest_for");
                // Another digest (P-521 with SHA-256/384) needs its own key pair.
                let other;
                let kp = if Some(d) == self.spec.default_digest() {
                    default_kp
                } else {
                    other = EcdsaKeyPair::from_pkcs8(alg, &self.pkcs8)
                        .map_err(|_| crypto_err("EC key load"))?;
                    &other
                };
                kp.sign(&rng, msg)
                    .map_err(|_| crypto_err("ECDSA signing"))?
                    .as_ref()
                    .to_vec()
            }
            (Signer::Ed25519(kp), _) => kp.sign(msg).as_ref().to_vec(),
        };
        Ok((oid, null_params, sig))
    }

    /// PEM for the key file: `ENCRYPTED PRIVATE KEY` with a passphrase,
    /// `PRIVATE KEY` without one.
    pub fn to_pem(&self, passphrase: Option<&Passphrase>) -> Result<Zeroizing<String>> {
        match passphrase {
            None => pem_encode("PRIVATE KEY", &self.pkcs8),
            Some(p) => {
                let enc = encrypt_pkcs8(&self.pkcs8, p)?;
                pem_encode("ENCRYPTED PRIVATE KEY", &enc)
            }
        }
    }

    /// Reads a key file. An encrypted key needs the passphrase (wrong or
    /// missing one: exit 6); an unencrypted one needs none.
    pub fn from_pem(text: &str, passphrase: Option<&Passphrase>) -> Result<PrivateKey> {
        let parsed =
            pem::parse(text).map_err(|e| Error::internal(format!("key.pem is not PEM: {e}")))?;
        let contents = Zeroizing::new(parsed.contents().to_vec());
        drop(parsed);
        match pem_label(text) {
            Some("ENCRYPTED PRIVATE KEY") => {
                let Some(p) = passphrase else {
                    return Err(Error::new(
                        Kind::Passphrase,
                        "the private key is encrypted and no passphrase was given",
                    )
                    .with_hint(concat!(
                        "give ",
                        mention!(passphrase_file),
                        " FILE, ",
                        mention!(passphrase_env),
                        " VAR or CSRKIT_PASSPHRASE"
                    )));
                };
                let der = decrypt_pkcs8(&contents, p)?;
                PrivateKey::from_pkcs8_der(der)
            }
            Some("PRIVATE KEY") => PrivateKey::from_pkcs8_der(contents),
            other => Err(Error::internal(format!(
                "key.pem has the unexpected label {:?}",
                other.unwrap_or("")
            ))),
        }
    }
}

pub fn curve_from_oid(oid: ObjectIdentifier) -> Option<Curve> {
    if oid == OID_P256 {
        Some(Curve::P256)
    } else if oid == OID_P384 {
        Some(Curve::P384)
    } else if oid == OID_P521 {
        Some(Curve::P521)
    } else {
        None
    }
}

/// The label of the first PEM block in `text`.
pub fn pem_label(text: &str) -> Option<&str> {
    let start = text.find("-----BEGIN ")? + "-----BEGIN ".len();
    let end = text[start..].find("-----")?;
    Some(&text[start..start + end])
}

fn pem_encode(label: &'static str, der: &[u8]) -> Result<Zeroizing<String>> {
    let doc = der::SecretDocument::try_from(der)
        .map_err(|e| Error::internal(format!("key encoding: {e}")))?;
    doc.to_pem(label, der::pem::LineEnding::LF)
        .map_err(|e| Error::internal(format!("key encoding: {e}")))
}

/// PBES2 with scrypt (N=2^14, r=8, p=5) and AES-256-CBC: readable by
/// `openssl pkey -passin`.
pub fn encrypt_pkcs8(der: &[u8], passphrase: &Passphrase) -> Result<Vec<u8>> {
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    lcrand::fill(&mut salt).map_err(|_| crypto_err("random salt"))?;
    lcrand::fill(&mut iv).map_err(|_| crypto_err("random IV"))?;
    let params = pkcs5::scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)
        .map_err(|_| Error::internal("bad scrypt parameters"))?;
    let pbes2 = pbes2::Parameters::generate_scrypt_aes256cbc(params, &salt, iv)
        .map_err(|e| Error::internal(format!("PBES2 parameters: {e}")))?;
    let ciphertext = pbes2
        .encrypt(passphrase.as_bytes(), der)
        .map_err(|e| Error::internal(format!("key encryption: {e}")))?;
    let info = pkcs8::EncryptedPrivateKeyInfo {
        encryption_algorithm: pbes2.into(),
        encrypted_data: OctetStringRef::new(&ciphertext)
            .map_err(|e| Error::internal(e.to_string()))?,
    };
    info.to_der()
        .map_err(|e| Error::internal(format!("key encoding: {e}")))
}

/// Decrypts an `EncryptedPrivateKeyInfo` (PBES2 with scrypt or PBKDF2).
/// A KDF asking for more work than csrkit allows (see
/// [`SCRYPT_MAX_MEMORY`]) is refused (exit 2) before any memory is taken.
pub fn decrypt_pkcs8(der: &[u8], passphrase: &Passphrase) -> Result<Zeroizing<Vec<u8>>> {
    let info = EncryptedPrivateKeyInfoRef::from_der(der)
        .map_err(|e| Error::internal(format!("the encrypted key is malformed: {e}")))?;
    check_kdf_bounds(&info.encryption_algorithm)?;
    let doc = info.decrypt(passphrase.as_bytes()).map_err(|_| {
        Error::new(
            Kind::Passphrase,
            "wrong passphrase: the private key cannot be decrypted",
        )
        .with_hint(concat!(
            "check ",
            mention!(passphrase_file),
            ", ",
            mention!(passphrase_env),
            " or CSRKIT_PASSPHRASE"
        ))
    })?;
    Ok(doc.to_bytes())
}

/// Exit 2 when a stored key's KDF parameters ask for more memory or time
/// than csrkit spends on opening a key (bounds above).
fn check_kdf_bounds(scheme: &pkcs5::EncryptionScheme) -> Result<()> {
    let pkcs5::EncryptionScheme::Pbes2(p) = scheme else {
        return Ok(());
    };
    let refuse = |what: String| {
        Error::new(
            Kind::Invalid,
            format!("the private key's encryption asks for {what}; refusing to open it"),
        )
        .with_hint(
            "the key file is damaged or was written by a tool with absurd settings: \
             re-encrypt it with `openssl pkcs8 -topk8 -scrypt` or restore it from a backup",
        )
    };
    match &p.kdf {
        pbes2::Kdf::Scrypt(sp) => {
            let n = sp.cost_parameter;
            let r = u64::from(sp.block_size);
            let par = u64::from(sp.parallelization);
            let mem = 128u64.saturating_mul(r).saturating_mul(n);
            let work = n.saturating_mul(r).saturating_mul(par);
            if n < 2 || !n.is_power_of_two() || r == 0 || par == 0 {
                return Err(refuse(format!(
                    "scrypt N={n}, r={r}, p={par} (N must be a power of two of at least 2, \
                     r and p at least 1)"
                )));
            }
            if n > SCRYPT_MAX_N
                || mem > SCRYPT_MAX_MEMORY
                || par > SCRYPT_MAX_P
                || work > SCRYPT_MAX_WORK
            {
                return Err(refuse(format!(
                    "scrypt N={n}, r={r}, p={par} ({} MiB; csrkit opens at most N=2^20, \
                     256 MiB, p=64, and N*r*p at most 2^23, about 13 times its own keys' \
                     work)",
                    mem >> 20
                )));
            }
        }
        pbes2::Kdf::Pbkdf2(pp) if pp.iteration_count > PBKDF2_MAX_ITERATIONS => {
            return Err(refuse(format!(
                "{} PBKDF2 iterations (csrkit opens at most 10,000,000)",
                pp.iteration_count
            )));
        }
        _ => {}
    }
    Ok(())
}

/// Where a passphrase comes from, in this order: `--passphrase-file`,
/// `--passphrase-env`, `CSRKIT_PASSPHRASE`, then a prompt at a terminal.
#[derive(Debug, Default, Clone)]
pub struct PassphraseOptions {
    pub file: Option<std::path::PathBuf>,
    pub env: Option<String>,
    pub no_passphrase: bool,
}

/// The longest first line a secret's file may have: a passphrase or a
/// challengePassword is a line of text, and `/dev/zero` is not one.
pub const SECRET_LINE_MAX: usize = 64 << 10;

/// The first line of the file at `path` (without `\n` or `\r\n`), read
/// without reading past [`SECRET_LINE_MAX`] bytes, in memory that is
/// zeroized when dropped. Errors name `field`: the file cannot be read
/// (a directory is exit 2), its first line is longer than the bound, or
/// it is not UTF-8.
pub fn secret_first_line(path: &std::path::Path, field: Field) -> Result<Zeroizing<String>> {
    use std::io::Read;
    if path.is_dir() {
        return Err(
            Error::invalid(field, format!("{} is a directory", path.display()))
                .with_hint("give a file whose first line is the secret"),
        );
    }
    let f = std::fs::File::open(path).map_err(|e| {
        let mut err = crate::error::io_at(path, e);
        err.message = format!("{}: {}", field.mention(), err.message);
        err.field = Some(field);
        err
    })?;
    let mut data = Zeroizing::new(Vec::with_capacity(256));
    f.take(SECRET_LINE_MAX as u64 + 1)
        .read_to_end(&mut data)
        .map_err(|e| {
            let mut err = crate::error::io_at(path, e);
            err.message = format!("{}: {}", field.mention(), err.message);
            err.field = Some(field);
            err
        })?;
    let end = data.iter().position(|b| *b == b'\n');
    if end.is_none() && data.len() > SECRET_LINE_MAX {
        return Err(Error::invalid(
            field,
            format!("the first line of {} is longer than 64 KiB", path.display()),
        )
        .with_hint("the file's first line is the secret; end it with a newline"));
    }
    let line = &data[..end.unwrap_or(data.len())];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let text = std::str::from_utf8(line)
        .map_err(|_| Error::invalid(field, "the file is not UTF-8 text"))?;
    Ok(Zeroizing::new(text.to_string()))
}

/// Reads the passphrase from a file (first line) or an environment
/// variable. `Ok(None)` means no non-interactive source was given.
pub fn passphrase_from_sources(opts: &PassphraseOptions) -> Result<Option<Passphrase>> {
    if let Some(path) = &opts.file {
        let line = secret_first_line(path, Field::PassphraseFile)?;
        return Passphrase::new(line)
            .map(Some)
            .map_err(|e| e.with_field(Field::PassphraseFile));
    }
    if let Some(var) = opts.env.as_deref().filter(|v| *v == "CSRKIT_PASSPHRASE") {
        // Taken out of the environment at start (scrub_env_passphrase).
        let v = env_passphrase().ok_or_else(|| {
            Error::invalid(
                Field::PassphraseEnv,
                format!("the environment variable {var} is not set"),
            )
        })?;
        return Passphrase::new(v).map(Some);
    }
    if let Some(var) = &opts.env {
        let v = std::env::var(var).map_err(|_| {
            Error::invalid(
                Field::PassphraseEnv,
                format!("the environment variable {var} is not set"),
            )
        })?;
        return Passphrase::new(Zeroizing::new(v)).map(Some);
    }
    if let Some(v) = env_passphrase() {
        return Passphrase::new(v).map(Some);
    }
    Ok(None)
}

/// `CSRKIT_PASSPHRASE` as the process started with it, once
/// [`scrub_env_passphrase`] took it out of the environment.
static ENV_PASSPHRASE: std::sync::OnceLock<Option<Zeroizing<String>>> = std::sync::OnceLock::new();

/// Takes `CSRKIT_PASSPHRASE` out of the environment (kept in memory that
/// is wiped at exit), so that no hook or child process csrkit starts
/// inherits it. The binary calls it first thing, before any thread.
pub fn scrub_env_passphrase() {
    let v = std::env::var("CSRKIT_PASSPHRASE").ok().map(Zeroizing::new);
    if v.is_some() {
        std::env::remove_var("CSRKIT_PASSPHRASE");
    }
    let _ = ENV_PASSPHRASE.set(v);
}

/// The passphrase `CSRKIT_PASSPHRASE` gives, if any.
pub fn env_passphrase() -> Option<Zeroizing<String>> {
    match ENV_PASSPHRASE.get() {
        Some(v) => v.clone(),
        None => std::env::var("CSRKIT_PASSPHRASE").ok().map(Zeroizing::new),
    }
}
