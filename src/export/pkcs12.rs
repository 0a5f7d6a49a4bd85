//! PKCS#12 (RFC 7292) files of one key, its certificate and the chain, in
//! the three profiles `export --p12-profile` offers ([`Profile`]), and the
//! read-back every file gets before it is reported written ([`verify`]).
//!
//! The structure is RustCrypto's `pkcs12` types (with `cms` for the
//! encrypted and data content infos) and its RFC 7292 Appendix B KDF; PBES2
//! parameters are the `pkcs5` crate's, PBKDF2-HMAC-SHA256 and AES-256-CBC
//! aws-lc-rs's, the MAC is aws-lc-rs HMAC (checked in constant time), 3DES
//! is [`super::tdes`]
//! (constant time) and 40-bit RC2, which only ever encrypts certificates,
//! is the `rc2` crate's. Laid out as `openssl pkcs12 -export` (OpenSSL 3)
//! lays it out: an encrypted SafeContents of certificate bags (the leaf
//! first, with `friendlyName` and `localKeyId`, then the chain), then a
//! plain SafeContents with the `pkcs8ShroudedKeyBag` (same attributes), then
//! the MAC. Nothing here reads or writes files or prints.

use aws_lc_rs::{constant_time, hmac, rand as lcrand};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::encrypted_data::EncryptedData;
use cms::enveloped_data::EncryptedContentInfo;
use der::asn1::{BmpString, ObjectIdentifier, OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use pkcs12::kdf::{derive_key_utf8, Pkcs12KeyType};
use pkcs12::pbe_params::{EncryptedPrivateKeyInfo, Pkcs12PbeParams};
use pkcs12::{CertBag, DigestInfo, MacData, Pfx, SafeBag};
use pkcs5::pbes2;
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use zeroize::Zeroizing;

use super::tdes::Tdes;
use crate::cert::Cert;
use crate::error::{Error, Result};

/// Iterations of the modern profile's KDFs (PBKDF2-HMAC-SHA256 for the key
/// and certificates, the PKCS#12 KDF with SHA-256 for the MAC, which an
/// attacker could otherwise guess the password through): OWASP's current
/// minimum for PBKDF2-HMAC-SHA256 (Password Storage Cheat Sheet), as
/// csrkit's PEM key export uses. OpenSSL 3 (`-iter`), Python
/// `cryptography` and Java 17's keytool (at most 5,000,000) read it;
/// tests/export.rs checks each.
pub const MODERN_ITERATIONS: u32 = 600_000;

/// Iterations of the legacy profiles' KDFs: OpenSSL 3's default
/// (`PKCS12_DEFAULT_ITER`). Their readers (Java 8, Windows Server 2012,
/// old appliances) cannot be tried here, so their count is not raised;
/// `export` says on stderr what is weak about these profiles.
pub const LEGACY_ITERATIONS: u32 = 2048;

const OID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const OID_ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const OID_FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
const OID_LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");
const OID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_3DES: ObjectIdentifier = pkcs12::PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC;
const OID_RC2_40: ObjectIdentifier = pkcs12::PKCS_12_PBEWITH_SHAAND40_BIT_RC2_CBC;

/// Which algorithms protect the file (`--p12-profile`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) for the key and the
    /// certificates, HMAC-SHA256 MAC: what OpenSSL 3 writes by default.
    Modern,
    /// `pbeWithSHAAnd3-KeyTripleDES-CBC` for the key and the certificates,
    /// HMAC-SHA1 MAC: read by OpenSSL 3 without `-legacy`, Java 8 and
    /// Windows Server 2012.
    Legacy3des,
    /// 40-bit RC2 for the certificates, 3DES for the key, HMAC-SHA1 MAC:
    /// `openssl pkcs12 -export -legacy` (OpenSSL 3 reads it back only with
    /// `-legacy`).
    LegacyRc2,
}

/// A password-based encryption scheme of a bag or a SafeContents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pbe {
    Pbes2,
    Tdes,
    Rc2x40,
}

impl Profile {
    fn key_pbe(self) -> Pbe {
        match self {
            Profile::Modern => Pbe::Pbes2,
            _ => Pbe::Tdes,
        }
    }
    fn cert_pbe(self) -> Pbe {
        match self {
            Profile::Modern => Pbe::Pbes2,
            Profile::Legacy3des => Pbe::Tdes,
            Profile::LegacyRc2 => Pbe::Rc2x40,
        }
    }
    /// Iterations of the profile's KDFs and MAC.
    pub fn iterations(self) -> u32 {
        match self {
            Profile::Modern => MODERN_ITERATIONS,
            _ => LEGACY_ITERATIONS,
        }
    }

    fn mac(self) -> ObjectIdentifier {
        match self {
            Profile::Modern => OID_SHA256,
            _ => OID_SHA1,
        }
    }
}

/// What goes into the file.
pub struct Contents<'a> {
    /// `friendlyName` of the key and the leaf (the record name: keytool's
    /// alias, ArcGIS's `alias`).
    pub name: &'a str,
    /// The private key, PKCS#8 `PrivateKeyInfo` DER.
    pub key_pkcs8: &'a [u8],
    pub leaf: &'a Cert,
    /// Issuer first.
    pub chain: &'a [Cert],
    /// The export passphrase; "" for none (`--no-export-passphrase`, as
    /// `openssl pkcs12 -export -passout pass:` writes).
    pub password: &'a str,
}

fn enc(what: &str, e: impl std::fmt::Display) -> Error {
    Error::internal(format!("PKCS#12 {what}: {e}"))
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    lcrand::fill(&mut b).map_err(|_| Error::internal("the system random generator failed"))?;
    Ok(b)
}

/// The `localKeyId` of the key and the leaf: SHA-1 of the leaf's DER, as
/// OpenSSL sets it.
fn local_key_id(leaf: &Cert) -> Vec<u8> {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &leaf.der)
        .as_ref()
        .to_vec()
}

fn kdf_sha1(
    password: &str,
    salt: &[u8],
    id: Pkcs12KeyType,
    len: usize,
) -> Result<Zeroizing<Vec<u8>>> {
    derive_key_utf8::<sha1::Sha1>(password, salt, id, LEGACY_ITERATIONS as i32, len)
        .map(Zeroizing::new)
        .map_err(|e| enc("password", e))
}

fn pkcs12_alg(oid: ObjectIdentifier, salt: &[u8]) -> Result<AlgorithmIdentifierOwned> {
    let params = Pkcs12PbeParams {
        salt: OctetString::new(salt).map_err(|e| enc("salt", e))?,
        iterations: LEGACY_ITERATIONS as i32,
    };
    Ok(AlgorithmIdentifierOwned {
        oid,
        parameters: Some(Any::encode_from(&params).map_err(|e| enc("parameters", e))?),
    })
}

/// Keys derived from the password while writing, by salt, so that the
/// read-back does not run the same deterministic KDFs a second time (it
/// still parses every structure, decrypts every bag and checks the MAC).
#[derive(Default)]
pub struct Derived {
    pbes2: Vec<(Vec<u8>, Zeroizing<[u8; 32]>)>,
    mac: Vec<(Vec<u8>, Zeroizing<Vec<u8>>)>,
}

impl Derived {
    /// PBKDF2-HMAC-SHA256 (aws-lc-rs) of the password: an AES-256 key.
    fn pbes2(
        &mut self,
        password: &str,
        salt: &[u8],
        iterations: u32,
    ) -> Result<Zeroizing<[u8; 32]>> {
        if iterations != MODERN_ITERATIONS {
            return Err(enc("PBES2", format!("{iterations} iterations")));
        }
        if let Some((_, k)) = self.pbes2.iter().find(|(s, _)| s == salt) {
            return Ok(k.clone());
        }
        let mut key = Zeroizing::new([0u8; 32]);
        aws_lc_rs::pbkdf2::derive(
            aws_lc_rs::pbkdf2::PBKDF2_HMAC_SHA256,
            std::num::NonZeroU32::new(iterations).expect("non-zero"),
            salt,
            password.as_bytes(),
            &mut key[..],
        );
        self.pbes2.push((salt.to_vec(), key.clone()));
        Ok(key)
    }
}

fn aes_key(key: &[u8; 32]) -> Result<aws_lc_rs::cipher::UnboundCipherKey> {
    aws_lc_rs::cipher::UnboundCipherKey::new(&aws_lc_rs::cipher::AES_256, key)
        .map_err(|_| enc("AES", "bad key"))
}

/// Encrypts `data` with `pbe` under `password`: the AlgorithmIdentifier
/// and the ciphertext.
fn encrypt(
    pbe: Pbe,
    password: &str,
    data: &[u8],
    keys: &mut Derived,
) -> Result<(AlgorithmIdentifierOwned, Vec<u8>)> {
    match pbe {
        Pbe::Pbes2 => {
            use aws_lc_rs::cipher::{EncryptionContext, PaddedBlockEncryptingKey};
            let salt = random::<16>()?;
            let iv = random::<16>()?;
            let params =
                pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(MODERN_ITERATIONS, &salt, iv)
                    .map_err(|e| enc("PBES2 parameters", e))?;
            let key = keys.pbes2(password, &salt, MODERN_ITERATIONS)?;
            let cipher = PaddedBlockEncryptingKey::cbc_pkcs7(aes_key(&key)?)
                .map_err(|_| enc("AES", "key"))?;
            let mut ct = data.to_vec();
            cipher
                .less_safe_encrypt(&mut ct, EncryptionContext::Iv128(iv.into()))
                .map_err(|_| enc("encryption", "AES-256-CBC failed"))?;
            let alg = AlgorithmIdentifierOwned {
                oid: pbes2::PBES2_OID,
                parameters: Some(Any::encode_from(&params).map_err(|e| enc("parameters", e))?),
            };
            Ok((alg, ct))
        }
        Pbe::Tdes => {
            let salt = random::<8>()?;
            let key = kdf_sha1(password, &salt, Pkcs12KeyType::EncryptionKey, 24)?;
            let iv = kdf_sha1(password, &salt, Pkcs12KeyType::Iv, 8)?;
            let key: &[u8; 24] = key.as_slice().try_into().map_err(|e| enc("key", e))?;
            let iv: &[u8; 8] = iv.as_slice().try_into().map_err(|e| enc("IV", e))?;
            Ok((
                pkcs12_alg(OID_3DES, &salt)?,
                Tdes::new(key).cbc_encrypt(iv, data),
            ))
        }
        Pbe::Rc2x40 => {
            use cbc::cipher::{block_padding::Pkcs7, BlockModeEncrypt, InnerIvInit};
            let salt = random::<8>()?;
            let key = kdf_sha1(password, &salt, Pkcs12KeyType::EncryptionKey, 5)?;
            let iv = kdf_sha1(password, &salt, Pkcs12KeyType::Iv, 8)?;
            let cipher = rc2::Rc2::new_with_eff_key_len(&key, 40);
            let ct = cbc::Encryptor::<rc2::Rc2>::inner_iv_slice_init(cipher, &iv)
                .map_err(|e| enc("RC2", e))?
                .encrypt_padded_vec::<Pkcs7>(data);
            Ok((pkcs12_alg(OID_RC2_40, &salt)?, ct))
        }
    }
}

/// Decrypts what [`encrypt`] wrote, checking that `alg` is `want`'s.
fn decrypt(
    want: Pbe,
    alg: &AlgorithmIdentifierOwned,
    password: &str,
    data: &[u8],
    keys: &mut Derived,
) -> std::result::Result<Zeroizing<Vec<u8>>, String> {
    let params = alg.parameters.as_ref().ok_or("no PBE parameters")?;
    match (want, alg.oid) {
        (Pbe::Pbes2, pbes2::PBES2_OID) => {
            use aws_lc_rs::cipher::{DecryptionContext, PaddedBlockDecryptingKey};
            let p = pbes2::Parameters::try_from(params.to_ref()).map_err(|e| e.to_string())?;
            let (Some(kdf), pbes2::EncryptionScheme::Aes256Cbc { iv }) =
                (p.kdf.pbkdf2(), p.encryption)
            else {
                return Err("PBES2 is not PBKDF2 with AES-256-CBC".into());
            };
            if kdf.prf != pbes2::Pbkdf2Prf::HmacWithSha256
                || kdf.key_length.is_some_and(|l| l != 32)
            {
                return Err("PBKDF2 is not HMAC-SHA256 for a 256-bit key".into());
            }
            let key = keys
                .pbes2(password, kdf.salt.as_bytes(), kdf.iteration_count)
                .map_err(|e| e.message)?;
            let cipher = aes_key(&key)
                .ok()
                .and_then(|k| PaddedBlockDecryptingKey::cbc_pkcs7(k).ok())
                .ok_or("AES key")?;
            let mut buf = Zeroizing::new(data.to_vec());
            let n = cipher
                .decrypt(&mut buf, DecryptionContext::Iv128(iv.into()))
                .map_err(|_| "PBES2 decryption failed")?
                .len();
            buf.truncate(n);
            Ok(buf)
        }
        (Pbe::Tdes | Pbe::Rc2x40, oid)
            if oid
                == if want == Pbe::Tdes {
                    OID_3DES
                } else {
                    OID_RC2_40
                } =>
        {
            let p: Pkcs12PbeParams = params.decode_as().map_err(|e: der::Error| e.to_string())?;
            let salt = p.salt.as_bytes();
            let e = |e: Error| e.message;
            let iv = kdf_sha1(password, salt, Pkcs12KeyType::Iv, 8).map_err(e)?;
            let iv: &[u8; 8] = iv.as_slice().try_into().map_err(|_| "IV length")?;
            if want == Pbe::Tdes {
                let key = kdf_sha1(password, salt, Pkcs12KeyType::EncryptionKey, 24).map_err(e)?;
                let key: &[u8; 24] = key.as_slice().try_into().map_err(|_| "key length")?;
                Tdes::new(key)
                    .cbc_decrypt(iv, data)
                    .ok_or_else(|| "3DES decryption failed".into())
            } else {
                use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, InnerIvInit};
                let key = kdf_sha1(password, salt, Pkcs12KeyType::EncryptionKey, 5).map_err(e)?;
                let cipher = rc2::Rc2::new_with_eff_key_len(&key, 40);
                cbc::Decryptor::<rc2::Rc2>::inner_iv_slice_init(cipher, iv)
                    .map_err(|e| e.to_string())?
                    .decrypt_padded_vec::<Pkcs7>(data)
                    .map(Zeroizing::new)
                    .map_err(|_| "RC2 decryption failed".into())
            }
        }
        (_, oid) => Err(format!("unexpected algorithm {oid}")),
    }
}

/// `friendlyName` and `localKeyId`.
fn attributes(name: &str, key_id: &[u8]) -> Result<SetOfVec<Attribute>> {
    let attr = |oid, value: Any| -> Result<Attribute> {
        Ok(Attribute {
            oid,
            values: SetOfVec::try_from(vec![value]).map_err(|e| enc("attribute", e))?,
        })
    };
    let bmp = BmpString::from_utf8(name).map_err(|e| enc("friendlyName", e))?;
    let name = Any::encode_from(&bmp).map_err(|e| enc("friendlyName", e))?;
    let id = OctetString::new(key_id).map_err(|e| enc("localKeyId", e))?;
    let id = Any::encode_from(&id).map_err(|e| enc("localKeyId", e))?;
    SetOfVec::try_from(vec![
        attr(OID_FRIENDLY_NAME, name)?,
        attr(OID_LOCAL_KEY_ID, id)?,
    ])
    .map_err(|e| enc("attributes", e))
}

fn cert_bag(cert: &Cert, attrs: Option<SetOfVec<Attribute>>) -> Result<SafeBag> {
    let bag = CertBag {
        cert_id: pkcs12::PKCS_12_X509_CERT_OID,
        cert_value: OctetString::new(cert.der.as_slice()).map_err(|e| enc("certificate", e))?,
    };
    Ok(SafeBag {
        bag_id: pkcs12::PKCS_12_CERT_BAG_OID,
        bag_value: bag.to_der().map_err(|e| enc("certificate bag", e))?,
        bag_attributes: attrs,
    })
}

fn hmac_alg(oid: ObjectIdentifier) -> Option<(hmac::Algorithm, usize)> {
    if oid == OID_SHA256 {
        Some((hmac::HMAC_SHA256, 32))
    } else if oid == OID_SHA1 {
        Some((hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, 20))
    } else {
        None
    }
}

/// The MAC key (RFC 7292 Appendix B with the MAC's own hash).
fn mac_key(
    oid: ObjectIdentifier,
    password: &str,
    salt: &[u8],
    keys: &mut Derived,
) -> Result<hmac::Key> {
    let (alg, len) = hmac_alg(oid).ok_or_else(|| enc("MAC", format!("unexpected hash {oid}")))?;
    if let Some((_, k)) = keys.mac.iter().find(|(s, _)| s == salt) {
        return Ok(hmac::Key::new(alg, k));
    }
    let it = if oid == OID_SHA256 {
        MODERN_ITERATIONS
    } else {
        LEGACY_ITERATIONS
    } as i32;
    let key = if oid == OID_SHA256 {
        derive_key_utf8::<sha2::Sha256>(password, salt, Pkcs12KeyType::Mac, it, len)
    } else {
        derive_key_utf8::<sha1::Sha1>(password, salt, Pkcs12KeyType::Mac, it, len)
    }
    .map(Zeroizing::new)
    .map_err(|e| enc("MAC key", e))?;
    let out = hmac::Key::new(alg, &key);
    keys.mac.push((salt.to_vec(), key));
    Ok(out)
}

/// Writes the PFX and reads it back ([`verify`]), reusing the keys derived
/// while writing: the file an export hands out.
pub fn write_verified(profile: Profile, c: &Contents<'_>) -> Result<Vec<u8>> {
    let mut keys = Derived::default();
    let der = write(profile, c, &mut keys)?;
    verify(profile, &der, c, &mut keys)?;
    Ok(der)
}

/// Writes the PFX (DER); `keys` collects what the password derived. Exit
/// 1 only if the encoders fail.
pub fn write(profile: Profile, c: &Contents<'_>, keys: &mut Derived) -> Result<Vec<u8>> {
    let key_id = local_key_id(c.leaf);
    let attrs = attributes(c.name, &key_id)?;
    // Certificates: the leaf with its attributes, then the chain.
    let mut bags = vec![cert_bag(c.leaf, Some(attrs.clone()))?];
    for cert in c.chain {
        bags.push(cert_bag(cert, None)?);
    }
    let plain = bags.to_der().map_err(|e| enc("certificates", e))?;
    let (alg, ct) = encrypt(profile.cert_pbe(), c.password, &plain, keys)?;
    let encrypted = EncryptedData {
        version: CmsVersion::V0,
        enc_content_info: EncryptedContentInfo {
            content_type: OID_DATA,
            content_enc_alg: alg,
            encrypted_content: Some(OctetString::new(ct).map_err(|e| enc("certificates", e))?),
        },
        unprotected_attrs: None,
    };
    let certs = ContentInfo {
        content_type: OID_ENCRYPTED_DATA,
        content: Any::encode_from(&encrypted).map_err(|e| enc("certificates", e))?,
    };
    // The key: a shrouded key bag in a plain SafeContents.
    let (alg, ct) = encrypt(profile.key_pbe(), c.password, c.key_pkcs8, keys)?;
    let epki = EncryptedPrivateKeyInfo {
        encryption_algorithm: alg,
        encrypted_data: OctetString::new(ct).map_err(|e| enc("key", e))?,
    };
    let key_bags = vec![SafeBag {
        bag_id: pkcs12::PKCS_12_PKCS8_KEY_BAG_OID,
        bag_value: epki.to_der().map_err(|e| enc("key bag", e))?,
        bag_attributes: Some(attrs),
    }];
    let key_data = OctetString::new(key_bags.to_der().map_err(|e| enc("key", e))?)
        .map_err(|e| enc("key", e))?;
    let key_safe = ContentInfo {
        content_type: OID_DATA,
        content: Any::encode_from(&key_data).map_err(|e| enc("key", e))?,
    };
    let auth = vec![certs, key_safe]
        .to_der()
        .map_err(|e| enc("contents", e))?;
    let mac_salt = random::<8>()?;
    let tag = hmac::sign(&mac_key(profile.mac(), c.password, &mac_salt, keys)?, &auth);
    let mac_data = MacData {
        mac: DigestInfo {
            algorithm: AlgorithmIdentifierOwned {
                oid: profile.mac(),
                parameters: Some(Any::null()),
            },
            digest: OctetString::new(tag.as_ref()).map_err(|e| enc("MAC", e))?,
        },
        mac_salt: OctetString::new(mac_salt.as_slice()).map_err(|e| enc("MAC", e))?,
        iterations: profile.iterations() as i32,
    };
    let pfx = Pfx {
        version: pkcs12::pfx::Version::V3,
        auth_safe: ContentInfo {
            content_type: OID_DATA,
            content: Any::encode_from(&OctetString::new(auth).map_err(|e| enc("contents", e))?)
                .map_err(|e| enc("contents", e))?,
        },
        mac_data: Some(mac_data),
    };
    pfx.to_der().map_err(|e| enc("PFX", e))
}

/// Reads a file [`write()`] produced for `c` back: the MAC verifies (in
/// constant time) with the profile's hash, every bag decrypts with the
/// profile's algorithms, the key is the one given and belongs to the leaf,
/// the certificates are the leaf then the chain, and the key and the leaf
/// carry the name and the same `localKeyId`. `keys` may hold the keys
/// derived while writing, or be empty. Exit 1 naming what differs: the
/// caller then writes nothing.
pub fn verify(profile: Profile, der: &[u8], c: &Contents<'_>, keys: &mut Derived) -> Result<()> {
    read_back(profile, der, c, keys).map_err(|what| {
        Error::internal(format!(
            "the PKCS#12 file did not read back ({what}); nothing was written"
        ))
    })
}

type Bags = Vec<SafeBag>;

/// A decoded bag's value without its `[0] EXPLICIT` wrapper (the `pkcs12`
/// crate keeps the wrapper when decoding and adds it when encoding).
fn bag_value(bag: &SafeBag) -> std::result::Result<&[u8], String> {
    use der::Reader;
    let mut r = der::SliceReader::new(&bag.bag_value).map_err(|e| e.to_string())?;
    let header = der::Header::decode(&mut r).map_err(|e| e.to_string())?;
    if header.tag()
        != (der::Tag::ContextSpecific {
            constructed: true,
            number: der::TagNumber(0),
        })
    {
        return Err("a bag value without its [0] tag".into());
    }
    r.read_slice(header.length()).map_err(|e| e.to_string())
}

fn read_back(
    profile: Profile,
    der: &[u8],
    c: &Contents<'_>,
    keys: &mut Derived,
) -> std::result::Result<(), String> {
    let s = |e: der::Error| e.to_string();
    let pfx = Pfx::from_der(der).map_err(s)?;
    if pfx.auth_safe.content_type != OID_DATA {
        return Err("the authenticated safe is not data".into());
    }
    let auth = pfx
        .auth_safe
        .content
        .decode_as::<OctetString>()
        .map_err(s)?;
    let auth = auth.as_bytes();
    let mac = pfx.mac_data.ok_or("no MAC")?;
    if mac.mac.algorithm.oid != profile.mac() || mac.iterations != profile.iterations() as i32 {
        return Err(format!("MAC algorithm {}", mac.mac.algorithm.oid));
    }
    let key =
        mac_key(profile.mac(), c.password, mac.mac_salt.as_bytes(), keys).map_err(|e| e.message)?;
    hmac::verify(&key, auth, mac.mac.digest.as_bytes()).map_err(|_| "the MAC does not verify")?;
    let safes = Vec::<ContentInfo>::from_der(auth).map_err(s)?;
    let [certs, key_safe] = safes.as_slice() else {
        return Err(format!("{} content infos", safes.len()));
    };
    // Certificates: encrypted with the profile's certificate PBE.
    if certs.content_type != OID_ENCRYPTED_DATA {
        return Err("the certificates are not encrypted".into());
    }
    let ed = certs.content.decode_as::<EncryptedData>().map_err(s)?;
    let ct = ed
        .enc_content_info
        .encrypted_content
        .ok_or("no certificate ciphertext")?;
    let plain = decrypt(
        profile.cert_pbe(),
        &ed.enc_content_info.content_enc_alg,
        c.password,
        ct.as_bytes(),
        keys,
    )?;
    let cert_bags = Bags::from_der(&plain).map_err(s)?;
    let want: Vec<&[u8]> = std::iter::once(c.leaf.der.as_slice())
        .chain(c.chain.iter().map(|x| x.der.as_slice()))
        .collect();
    if cert_bags.len() != want.len() {
        return Err(format!(
            "{} certificates, {} expected",
            cert_bags.len(),
            want.len()
        ));
    }
    for (bag, want) in cert_bags.iter().zip(&want) {
        if bag.bag_id != pkcs12::PKCS_12_CERT_BAG_OID {
            return Err(format!("bag {} among the certificates", bag.bag_id));
        }
        let cb = CertBag::from_der(bag_value(bag)?).map_err(s)?;
        if cb.cert_value.as_bytes() != *want {
            return Err("the certificates are not the leaf and its chain, in order".into());
        }
    }
    let expected_attrs = attributes(c.name, &local_key_id(c.leaf)).map_err(|e| e.message)?;
    if cert_bags[0].bag_attributes.as_ref() != Some(&expected_attrs) {
        return Err("the leaf's friendlyName or localKeyId".into());
    }
    // The key: a shrouded key bag with the profile's key PBE.
    if key_safe.content_type != OID_DATA {
        return Err("the key's safe is not data".into());
    }
    let data = key_safe.content.decode_as::<OctetString>().map_err(s)?;
    let key_bags = Bags::from_der(data.as_bytes()).map_err(s)?;
    let [bag] = key_bags.as_slice() else {
        return Err(format!("{} key bags", key_bags.len()));
    };
    if bag.bag_id != pkcs12::PKCS_12_PKCS8_KEY_BAG_OID
        || bag.bag_attributes.as_ref() != Some(&expected_attrs)
    {
        return Err("the key bag's type or attributes".into());
    }
    let epki = EncryptedPrivateKeyInfo::from_der(bag_value(bag)?).map_err(s)?;
    let pkcs8 = decrypt(
        profile.key_pbe(),
        &epki.encryption_algorithm,
        c.password,
        epki.encrypted_data.as_bytes(),
        keys,
    )?;
    // The key given was checked against the leaf when it was opened
    // (`KeyOut::new`); the file holds exactly that key.
    constant_time::verify_slices_are_equal(&pkcs8, c.key_pkcs8).map_err(|_| "the key differs")?;
    Ok(())
}
