//! Reading a PKCS#12 file (RFC 7292) made elsewhere: `openssl pkcs12
//! -export` (OpenSSL 3's PBES2/AES default and its `-legacy` RC2 and 3DES
//! profiles), keytool, Windows, ArcGIS Portal, and csrkit's own
//! [`super::pkcs12`] writer. The key and the certificates a user brings
//! (`import --pkcs12`) or a client uploads (ArcGIS
//! `importExistingServerCertificate`).
//!
//! Password integrity (RFC 7292 §4, HMAC-SHA1/SHA-256/384/512 keyed by the
//! Appendix B KDF) is checked in constant time (aws-lc-rs `hmac::verify`)
//! before anything is decrypted. Bags are decrypted with PBES2 (PBKDF2
//! HMAC-SHA1/SHA-2, AES-128/192/256-CBC; aws-lc-rs), or the PKCS#12 PBEs
//! `pbeWithSHAAnd3-KeyTripleDES-CBC` (csrkit's constant-time 3DES) and,
//! for certificates only, `pbeWithSHAAnd40BitRC2-CBC`/`128BitRC2-CBC`
//! (the `rc2` crate, whose tables index by key bits: never for a key).
//! The key comes out as PKCS#8 DER in `Zeroizing` memory.
//!
//! Bounded: the caller reads at most [`MAX_PFX`] bytes; every KDF's
//! iteration count is at most [`MAX_ITERATIONS`]; at most [`MAX_BAGS`]
//! bags. Anything else (a hostile or unsupported file) is a [`Fault`],
//! never a panic. Nothing here reads files, the keystore, or prints.

use aws_lc_rs::hmac;
use cms::content_info::ContentInfo;
use cms::encrypted_data::EncryptedData;
use der::asn1::{BmpString, ObjectIdentifier, OctetString};
use der::{Decode, Reader};
use pkcs12::kdf::{derive_key, Pkcs12KeyType};
use pkcs12::pbe_params::{EncryptedPrivateKeyInfo, Pkcs12PbeParams};
use pkcs12::{CertBag, MacData, Pfx, SafeBag};
use pkcs5::pbes2;
use spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

use super::tdes::Tdes;

/// Largest PKCS#12 file read (a key with a chain of five certificates is
/// under 16 KiB).
pub const MAX_PFX: u64 = 1 << 20;

/// Largest iteration count of a KDF or the MAC: keytool writes at most
/// 5,000,000 (its own bound), csrkit 600,000, OpenSSL 2,048 by default.
/// A larger count is refused rather than spent seconds of CPU on.
pub const MAX_ITERATIONS: u32 = 10_000_000;

/// Most bags (keys, certificates, CRLs, secrets) read.
pub const MAX_BAGS: usize = 256;

const OID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const OID_ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const OID_FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
const OID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const OID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

/// What a PKCS#12 file held.
pub struct Contents {
    /// The private key, unencrypted PKCS#8 `PrivateKeyInfo` DER.
    pub key_pkcs8: Zeroizing<Vec<u8>>,
    /// Every X.509 certificate, DER, in the file's order.
    pub certs: Vec<Vec<u8>>,
    /// The key bag's `friendlyName` (keytool's alias), if any.
    pub friendly_name: Option<String>,
}

/// Why a file was not read.
#[derive(Debug, PartialEq, Eq)]
pub enum Fault {
    /// Not a PKCS#12 file, or a damaged one (the reason).
    Malformed(String),
    /// A PKCS#12 file csrkit cannot read (the algorithm or structure).
    Unsupported(String),
    /// The MAC does not verify under the password (or, in a file without
    /// a MAC, the key does not decrypt): a wrong password.
    Password,
}

type R<T> = std::result::Result<T, Fault>;

fn bad(e: impl std::fmt::Display) -> Fault {
    Fault::Malformed(e.to_string())
}

/// The hashes of the PKCS#12 KDF and the MAC.
#[derive(Clone, Copy)]
enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn of(oid: ObjectIdentifier) -> R<Hash> {
        Ok(match oid {
            OID_SHA1 => Hash::Sha1,
            OID_SHA256 => Hash::Sha256,
            OID_SHA384 => Hash::Sha384,
            OID_SHA512 => Hash::Sha512,
            _ => return Err(Fault::Unsupported(format!("a MAC with the hash {oid}"))),
        })
    }
    fn hmac(self) -> (hmac::Algorithm, usize) {
        match self {
            Hash::Sha1 => (hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, 20),
            Hash::Sha256 => (hmac::HMAC_SHA256, 32),
            Hash::Sha384 => (hmac::HMAC_SHA384, 48),
            Hash::Sha512 => (hmac::HMAC_SHA512, 64),
        }
    }
    /// RFC 7292 Appendix B.2 with this hash; `pass` is the BMPString
    /// password with its two-byte terminator.
    fn kdf(
        self,
        pass: &[u8],
        salt: &[u8],
        id: Pkcs12KeyType,
        rounds: u32,
        len: usize,
    ) -> Zeroizing<Vec<u8>> {
        let r = rounds as i32;
        Zeroizing::new(match self {
            Hash::Sha1 => derive_key::<sha1::Sha1>(pass, salt, id, r, len),
            Hash::Sha256 => derive_key::<sha2::Sha256>(pass, salt, id, r, len),
            Hash::Sha384 => derive_key::<sha2::Sha384>(pass, salt, id, r, len),
            Hash::Sha512 => derive_key::<sha2::Sha512>(pass, salt, id, r, len),
        })
    }
}

fn iterations(n: i64, what: &str) -> R<u32> {
    if n < 1 {
        return Err(Fault::Malformed(format!("{what}: {n} iterations")));
    }
    if n > MAX_ITERATIONS as i64 {
        return Err(Fault::Unsupported(format!(
            "{what}: {n} iterations (at most {MAX_ITERATIONS} are read)"
        )));
    }
    Ok(n as u32)
}

/// The password as the PKCS#12 KDF takes it: the BMPString with its
/// terminator, then (for an empty password) the empty string OpenSSL also
/// tries (`PKCS12_verify_mac` with a NULL password).
struct Password<'a> {
    utf8: &'a str,
    bmp: Vec<Zeroizing<Vec<u8>>>,
}

impl<'a> Password<'a> {
    fn new(utf8: &'a str) -> R<Password<'a>> {
        let b = BmpString::from_utf8(utf8)
            .map_err(|_| Fault::Unsupported("a password with characters outside the BMP".into()))?;
        let mut first = Zeroizing::new(b.into_bytes().to_vec());
        first.extend([0u8, 0]);
        let mut bmp = vec![first];
        if utf8.is_empty() {
            bmp.push(Zeroizing::new(Vec::new()));
        }
        Ok(Password { utf8, bmp })
    }
}

/// A decoded bag's value without its `[0] EXPLICIT` wrapper.
fn bag_value(bag: &SafeBag) -> R<&[u8]> {
    let mut r = der::SliceReader::new(&bag.bag_value).map_err(bad)?;
    let header = der::Header::decode(&mut r).map_err(bad)?;
    if header.tag()
        != (der::Tag::ContextSpecific {
            constructed: true,
            number: der::TagNumber(0),
        })
    {
        return Err(Fault::Malformed("a bag value without its [0] tag".into()));
    }
    r.read_slice(header.length()).map_err(bad)
}

/// Checks the MAC; returns the BMP password form that verified it.
fn check_mac<'p>(mac: &MacData, pass: &'p Password<'_>, auth: &[u8]) -> R<&'p [u8]> {
    let hash = Hash::of(mac.mac.algorithm.oid)?;
    let (alg, len) = hash.hmac();
    let n = iterations(mac.iterations as i64, "the MAC")?;
    if mac.mac.digest.as_bytes().len() != len {
        return Err(Fault::Malformed("the MAC's length".into()));
    }
    for p in &pass.bmp {
        let key = hash.kdf(p, mac.mac_salt.as_bytes(), Pkcs12KeyType::Mac, n, len);
        let key = hmac::Key::new(alg, &key);
        if hmac::verify(&key, auth, mac.mac.digest.as_bytes()).is_ok() {
            return Ok(p);
        }
    }
    Err(Fault::Password)
}

/// Decrypts a bag or a SafeContents. `bmp`: the password's BMP form for
/// the PKCS#12 PBEs. `for_key`: RC2 (not constant time) is refused.
fn decrypt(
    alg: &AlgorithmIdentifierOwned,
    pass: &Password<'_>,
    bmp: &[u8],
    data: &[u8],
    for_key: bool,
) -> R<Zeroizing<Vec<u8>>> {
    let params = alg
        .parameters
        .as_ref()
        .ok_or_else(|| Fault::Malformed("an encryption without parameters".into()))?;
    if alg.oid == pbes2::PBES2_OID {
        return decrypt_pbes2(params, pass.utf8, data);
    }
    let (key_len, rc2_bits) = match alg.oid {
        pkcs12::PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC => (24, None),
        pkcs12::PKCS_12_PBEWITH_SHAAND40_BIT_RC2_CBC => (5, Some(40)),
        pkcs12::PKCS_12_PBE_WITH_SHAAND128_BIT_RC2_CBC => (16, Some(128)),
        oid => return Err(Fault::Unsupported(format!("the encryption {oid}"))),
    };
    if for_key && rc2_bits.is_some() {
        return Err(Fault::Unsupported(
            "a private key encrypted with RC2 (re-export it with AES or 3DES)".into(),
        ));
    }
    let p: Pkcs12PbeParams = params.decode_as().map_err(bad)?;
    let n = iterations(p.iterations as i64, "the PBE")?;
    let salt = p.salt.as_bytes();
    let key = Hash::Sha1.kdf(bmp, salt, Pkcs12KeyType::EncryptionKey, n, key_len);
    let iv = Hash::Sha1.kdf(bmp, salt, Pkcs12KeyType::Iv, n, 8);
    let iv: &[u8; 8] = iv.as_slice().try_into().map_err(bad)?;
    let out = match rc2_bits {
        None => {
            let key: &[u8; 24] = key.as_slice().try_into().map_err(bad)?;
            Tdes::new(key).cbc_decrypt(iv, data)
        }
        Some(bits) => {
            use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, InnerIvInit};
            let cipher = rc2::Rc2::new_with_eff_key_len(&key, bits);
            cbc::Decryptor::<rc2::Rc2>::inner_iv_slice_init(cipher, iv)
                .ok()
                .and_then(|d| d.decrypt_padded_vec::<Pkcs7>(data).ok())
                .map(Zeroizing::new)
        }
    };
    out.ok_or(Fault::Password)
}

fn decrypt_pbes2(params: &der::Any, password: &str, data: &[u8]) -> R<Zeroizing<Vec<u8>>> {
    use aws_lc_rs::cipher::{DecryptionContext, PaddedBlockDecryptingKey, UnboundCipherKey};
    let p = pbes2::Parameters::try_from(params.to_ref())
        .map_err(|e| Fault::Unsupported(format!("PBES2 parameters ({e})")))?;
    let kdf = p
        .kdf
        .pbkdf2()
        .ok_or_else(|| Fault::Unsupported("PBES2 with a KDF other than PBKDF2".into()))?;
    let prf = match kdf.prf {
        pbes2::Pbkdf2Prf::HmacWithSha1 => aws_lc_rs::pbkdf2::PBKDF2_HMAC_SHA1,
        pbes2::Pbkdf2Prf::HmacWithSha256 => aws_lc_rs::pbkdf2::PBKDF2_HMAC_SHA256,
        pbes2::Pbkdf2Prf::HmacWithSha384 => aws_lc_rs::pbkdf2::PBKDF2_HMAC_SHA384,
        pbes2::Pbkdf2Prf::HmacWithSha512 => aws_lc_rs::pbkdf2::PBKDF2_HMAC_SHA512,
        other => return Err(Fault::Unsupported(format!("PBKDF2 with {other:?}"))),
    };
    let (cipher, len, iv) = match p.encryption {
        pbes2::EncryptionScheme::Aes128Cbc { iv } => (&aws_lc_rs::cipher::AES_128, 16, iv),
        pbes2::EncryptionScheme::Aes192Cbc { iv } => (&aws_lc_rs::cipher::AES_192, 24, iv),
        pbes2::EncryptionScheme::Aes256Cbc { iv } => (&aws_lc_rs::cipher::AES_256, 32, iv),
        other => {
            return Err(Fault::Unsupported(format!(
                "PBES2 with the cipher {}",
                other.oid()
            )))
        }
    };
    if kdf.key_length.is_some_and(|l| l as usize != len) {
        return Err(Fault::Malformed("PBKDF2's key length".into()));
    }
    let n = iterations(kdf.iteration_count as i64, "PBKDF2")?;
    let mut key = Zeroizing::new(vec![0u8; len]);
    aws_lc_rs::pbkdf2::derive(
        prf,
        std::num::NonZeroU32::new(n).ok_or_else(|| bad("PBKDF2: 0 iterations"))?,
        kdf.salt.as_bytes(),
        password.as_bytes(),
        &mut key,
    );
    let k = UnboundCipherKey::new(cipher, &key)
        .ok()
        .and_then(|k| PaddedBlockDecryptingKey::cbc_pkcs7(k).ok())
        .ok_or_else(|| bad("AES key"))?;
    let mut buf = Zeroizing::new(data.to_vec());
    let n = k
        .decrypt(&mut buf, DecryptionContext::Iv128(iv.into()))
        .map_err(|_| Fault::Password)?
        .len();
    buf.truncate(n);
    Ok(buf)
}

/// Reads a DER PKCS#12 file under `password` ("" for none). Exactly one
/// private key is required (a file of several keys is refused: a record
/// holds one); certificates may be any number (the caller finds the
/// key's). CRL and secret bags are skipped. A decryption that fails after
/// the MAC verified is a damaged file ([`Fault::Malformed`]), before (no
/// MAC) a wrong password.
pub fn read(der: &[u8], password: &str) -> R<Contents> {
    if der.starts_with(b"-----BEGIN") {
        return Err(Fault::Malformed(
            "PEM text, not a PKCS#12 file (DER)".into(),
        ));
    }
    let pass = Password::new(password)?;
    let pfx = Pfx::from_der(der).map_err(|e| Fault::Malformed(format!("not PKCS#12 ({e})")))?;
    if pfx.auth_safe.content_type != OID_DATA {
        return Err(Fault::Unsupported(
            "public-key integrity mode (a signed authenticated safe)".into(),
        ));
    }
    let auth = pfx
        .auth_safe
        .content
        .decode_as::<OctetString>()
        .map_err(bad)?;
    let auth = auth.as_bytes();
    let (bmp, mac_checked): (&[u8], bool) = match &pfx.mac_data {
        Some(mac) => (check_mac(mac, &pass, auth)?, true),
        None => (&pass.bmp[0], false),
    };
    let wrong = |f: Fault| match f {
        Fault::Password if mac_checked => {
            Fault::Malformed("a bag does not decrypt although the MAC verified".into())
        }
        f => f,
    };
    let safes = Vec::<ContentInfo>::from_der(auth).map_err(bad)?;
    let mut bags: Vec<SafeBag> = Vec::new();
    for ci in &safes {
        let plain: Zeroizing<Vec<u8>> = if ci.content_type == OID_DATA {
            Zeroizing::new(
                ci.content
                    .decode_as::<OctetString>()
                    .map_err(bad)?
                    .as_bytes()
                    .to_vec(),
            )
        } else if ci.content_type == OID_ENCRYPTED_DATA {
            let ed = ci.content.decode_as::<EncryptedData>().map_err(bad)?;
            let ct = ed
                .enc_content_info
                .encrypted_content
                .ok_or_else(|| Fault::Malformed("an encrypted safe without content".into()))?;
            decrypt(
                &ed.enc_content_info.content_enc_alg,
                &pass,
                bmp,
                ct.as_bytes(),
                false,
            )
            .map_err(wrong)?
        } else {
            return Err(Fault::Unsupported(format!(
                "a safe of type {} (public-key privacy mode)",
                ci.content_type
            )));
        };
        let more = Vec::<SafeBag>::from_der(&plain).map_err(bad)?;
        if bags.len() + more.len() > MAX_BAGS {
            return Err(Fault::Unsupported(format!("more than {MAX_BAGS} bags")));
        }
        bags.extend(more);
    }
    let mut keys: Vec<(Zeroizing<Vec<u8>>, Option<String>)> = Vec::new();
    let mut certs = Vec::new();
    for bag in &bags {
        match bag.bag_id {
            pkcs12::PKCS_12_KEY_BAG_OID => {
                keys.push((Zeroizing::new(bag_value(bag)?.to_vec()), friendly(bag)));
            }
            pkcs12::PKCS_12_PKCS8_KEY_BAG_OID => {
                let epki = EncryptedPrivateKeyInfo::from_der(bag_value(bag)?).map_err(bad)?;
                let key = decrypt(
                    &epki.encryption_algorithm,
                    &pass,
                    bmp,
                    epki.encrypted_data.as_bytes(),
                    true,
                )
                .map_err(wrong)?;
                keys.push((key, friendly(bag)));
            }
            pkcs12::PKCS_12_CERT_BAG_OID => {
                let cb = CertBag::from_der(bag_value(bag)?).map_err(bad)?;
                if cb.cert_id != pkcs12::PKCS_12_X509_CERT_OID {
                    return Err(Fault::Unsupported(format!(
                        "a certificate of type {}",
                        cb.cert_id
                    )));
                }
                certs.push(cb.cert_value.as_bytes().to_vec());
            }
            pkcs12::PKCS_12_SAFE_CONTENTS_BAG_OID => {
                return Err(Fault::Unsupported("nested SafeContents bags".into()));
            }
            _ => {}
        }
    }
    let (key_pkcs8, friendly_name) = match keys.len() {
        1 => keys.pop().expect("one key"),
        0 => return Err(Fault::Malformed("the file holds no private key".into())),
        n => {
            return Err(Fault::Unsupported(format!(
                "the file holds {n} private keys (a record holds one)"
            )))
        }
    };
    if certs.is_empty() {
        return Err(Fault::Malformed("the file holds no certificate".into()));
    }
    Ok(Contents {
        key_pkcs8,
        certs,
        friendly_name,
    })
}

fn friendly(bag: &SafeBag) -> Option<String> {
    let attrs = bag.bag_attributes.as_ref()?;
    let a = attrs.iter().find(|a| a.oid == OID_FRIENDLY_NAME)?;
    let v = a.values.iter().next()?;
    v.decode_as::<BmpString>().ok().map(|b| b.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_inputs_are_faults() {
        assert!(matches!(read(b"", ""), Err(Fault::Malformed(_))));
        assert!(matches!(read(&[0x30, 0x80], ""), Err(Fault::Malformed(_))));
        assert!(matches!(
            read(b"-----BEGIN CERTIFICATE-----", ""),
            Err(Fault::Malformed(_))
        ));
        assert!(matches!(read(&[0x30; 4096], "x"), Err(Fault::Malformed(_))));
        assert_eq!(
            iterations(0, "x"),
            Err(Fault::Malformed("x: 0 iterations".into()))
        );
        assert!(matches!(
            iterations(MAX_ITERATIONS as i64 + 1, "x"),
            Err(Fault::Unsupported(_))
        ));
    }
}
