//! What `csrkit export` writes, as bytes: the PEM bundle (leaf, then the
//! chain issuer first, then the key if asked: [`pem_bundle`]), a PKCS#7
//! certs-only bundle ([`pkcs7`], RFC 2315 §9.1 / RFC 5652 §5 as
//! `openssl crl2pkcs7 -nocrl` writes it), a PKCS#12 file ([`pkcs12`]) and
//! the key to hand over ([`KeyOut`]: PKCS#8, encrypted with the export
//! passphrase unless the user said `--no-export-passphrase`); and the
//! reader of PKCS#12 files made elsewhere ([`pkcs12_in`]), which `import`
//! and `serve` hand a user's or a client's file to.
//!
//! This room owns the encodings and the key handling of an export (key
//! bytes in `Zeroizing`, the key checked against the leaf before anything
//! leaves). It must not read the keystore, ask for passphrases, write
//! files or print: `commands::export` does those, and vendor bodies are
//! built by the vendor shapes in `formats` from these pieces.

use der::asn1::OctetStringRef;
use der::{Decode, Encode};
use pkcs5::pbes2;
use zeroize::Zeroizing;

use crate::cert::{self, Cert};
use crate::error::{Error, Result};
use crate::keys::{Passphrase, PrivateKey};

pub mod pkcs12;
pub mod pkcs12_in;
mod tdes;

pub use pkcs12::Profile;

/// PBKDF2-HMAC-SHA256 iterations for an exported encrypted PKCS#8 key
/// (OWASP's figure for PBKDF2-SHA256; the SPEC's lower bound). PBKDF2
/// rather than the keystore's scrypt: Java, Go and appliances read
/// PBKDF2, few read scrypt.
pub const KEY_PBKDF2_ITERATIONS: u32 = 600_000;

/// The private key an export carries: the PKCS#8 DER (wiped when dropped)
/// and the export passphrase (`None`: `--no-export-passphrase`).
pub struct KeyOut {
    pkcs8: Zeroizing<Vec<u8>>,
    passphrase: Option<Passphrase>,
}

impl std::fmt::Debug for KeyOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyOut(<redacted>)")
    }
}

impl KeyOut {
    /// The key of `leaf`, checked: exit 8 when the record's key is not the
    /// certificate's (a keystore edited by hand).
    pub fn new(
        pkcs8: Zeroizing<Vec<u8>>,
        passphrase: Option<Passphrase>,
        leaf: &Cert,
    ) -> Result<KeyOut> {
        key_matches(&pkcs8, leaf)?;
        Ok(KeyOut { pkcs8, passphrase })
    }

    /// PKCS#8 `PrivateKeyInfo` DER.
    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// Whether the key leaves encrypted.
    pub fn encrypted(&self) -> bool {
        self.passphrase.is_some()
    }

    /// The export passphrase as PKCS#12 takes it ("" for none).
    pub fn password(&self) -> Result<&str> {
        match &self.passphrase {
            None => Ok(""),
            Some(p) => std::str::from_utf8(p.as_bytes())
                .map_err(|_| Error::invalid_as("export passphrase", "is not UTF-8")),
        }
    }

    /// PEM: `ENCRYPTED PRIVATE KEY` (PBES2: PBKDF2-HMAC-SHA256 with
    /// [`KEY_PBKDF2_ITERATIONS`], AES-256-CBC; RFC 8018 / RFC 5958) with a
    /// passphrase, `PRIVATE KEY` without.
    pub fn pem(&self) -> Result<Zeroizing<String>> {
        let (label, der) = match &self.passphrase {
            None => ("PRIVATE KEY", Zeroizing::new(self.pkcs8.to_vec())),
            Some(p) => (
                "ENCRYPTED PRIVATE KEY",
                Zeroizing::new(encrypt_pkcs8(&self.pkcs8, p)?),
            ),
        };
        let doc = der::SecretDocument::try_from(der.as_slice())
            .map_err(|e| Error::internal(format!("key encoding: {e}")))?;
        doc.to_pem(label, der::pem::LineEnding::LF)
            .map_err(|e| Error::internal(format!("key encoding: {e}")))
    }
}

/// PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) `EncryptedPrivateKeyInfo`.
fn encrypt_pkcs8(der: &[u8], p: &Passphrase) -> Result<Vec<u8>> {
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    aws_lc_rs::rand::fill(&mut salt)
        .and_then(|()| aws_lc_rs::rand::fill(&mut iv))
        .map_err(|_| Error::internal("the system random generator failed"))?;
    let params =
        pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(KEY_PBKDF2_ITERATIONS, &salt, iv)
            .map_err(|e| Error::internal(format!("PBES2 parameters: {e}")))?;
    let ct = params
        .encrypt(p.as_bytes(), der)
        .map_err(|e| Error::internal(format!("key encryption: {e}")))?;
    pkcs8::EncryptedPrivateKeyInfo {
        encryption_algorithm: params.into(),
        encrypted_data: OctetStringRef::new(&ct).map_err(|e| Error::internal(e.to_string()))?,
    }
    .to_der()
    .map_err(|e| Error::internal(format!("key encoding: {e}")))
}

/// Whether the PKCS#8 key is the one whose public key `leaf` certifies
/// (compared as SPKI hashes, as `import` matches records). Exit 8 if not.
pub fn key_matches(pkcs8: &[u8], leaf: &Cert) -> Result<()> {
    let key = PrivateKey::from_pkcs8_der(Zeroizing::new(pkcs8.to_vec()))?;
    let spki = spki::SubjectPublicKeyInfoOwned::from_der(&key.public_key_der()?)
        .map_err(|e| Error::internal(format!("public key: {e}")))?;
    if cert::spki_id(&spki)? != leaf.spki_id()? {
        return Err(Error::new(
            crate::error::Kind::Mismatch,
            format!(
                "the stored key does not belong to the certificate for {}",
                leaf.subject()
            ),
        )
        .with_hint("the record's key.pem or cert.pem was replaced; import the certificate again"));
    }
    Ok(())
}

/// The PEM bundle: the leaf, the chain (issuer first), then the key when
/// given. `\n` line ends.
pub fn pem_bundle(leaf: &Cert, chain: &[Cert], key: Option<&KeyOut>) -> Result<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(leaf.pem().into_bytes());
    out.extend_from_slice(cert::pem_chain(chain).as_bytes());
    if let Some(k) = key {
        out.extend_from_slice(k.pem()?.as_bytes());
    }
    Ok(out)
}

/// A DER TLV with a definite length.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A PKCS#7 certs-only SignedData (RFC 2315 §9.1, "degenerate" with no
/// signers) of `certs` in the order given, as PEM (`PKCS7`): version 1, no
/// digest algorithms, `data` content absent, the certificates as received,
/// an empty CRL set and no signer infos, which is what
/// `openssl crl2pkcs7 -nocrl` writes and `openssl pkcs7 -print_certs`,
/// Windows and Java read.
pub fn pkcs7(certs: &[&Cert]) -> String {
    const OID_SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
    const OID_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
    let all: Vec<u8> = certs.iter().flat_map(|c| c.der.iter().copied()).collect();
    let mut signed = tlv(0x02, &[1]); // version
    signed.extend(tlv(0x31, &[])); // digestAlgorithms
    signed.extend(tlv(0x30, &tlv(0x06, OID_DATA))); // contentInfo
    signed.extend(tlv(0xa0, &all)); // certificates [0] IMPLICIT
    signed.extend(tlv(0xa1, &[])); // crls [1] IMPLICIT
    signed.extend(tlv(0x31, &[])); // signerInfos
    let mut info = tlv(0x06, OID_SIGNED_DATA);
    info.extend(tlv(0xa0, &tlv(0x30, &signed)));
    let der = tlv(0x30, &info);
    pem::encode_config(
        &pem::Pem::new("PKCS7", der),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

/// The record's leaf and chain from `cert.pem` and `chain.pem`.
pub fn read_chain(cert_pem: &str, chain_pem: Option<&str>) -> Result<(Cert, Vec<Cert>)> {
    let mut leaf = cert::bundle::decode(cert_pem.as_bytes(), "the record's cert.pem")
        .map_err(|e| Error::internal(e.message))?;
    if leaf.len() != 1 {
        return Err(Error::internal(format!(
            "the record's cert.pem holds {} certificates",
            leaf.len()
        )));
    }
    let chain = match chain_pem.filter(|c| !c.trim().is_empty()) {
        Some(c) => cert::bundle::decode(c.as_bytes(), "the record's chain.pem")
            .map_err(|e| Error::internal(e.message))?,
        None => Vec::new(),
    };
    Ok((leaf.remove(0), chain))
}

/// The leaf's DER, for `--format der`.
pub fn leaf_der(leaf: &Cert) -> Vec<u8> {
    leaf.der.clone()
}

/// A quick self-check of a PKCS#7 written by [`pkcs7`]: it decodes back
/// into the same certificates (`import`'s reader is the judge).
pub fn check_pkcs7(pem: &str, certs: &[&Cert]) -> Result<()> {
    let back = cert::bundle::decode(pem.as_bytes(), "the PKCS#7 just written")?;
    if back.len() != certs.len() || back.iter().zip(certs).any(|(a, b)| a.der != b.der) {
        return Err(Error::internal("the PKCS#7 bundle did not read back"));
    }
    Ok(())
}
