//! RSA signature verification (RFC 8017 8.1.2 RSASSA-PSS-VERIFY, 8.2.2
//! RSASSA-PKCS1-V1_5-VERIFY). aws-lc-rs verifies the combinations it
//! supports (PKCS#1 v1.5 with SHA-1/256/512 at 1024-8192 bits and SHA-384
//! at 2048-8192; PSS with salt = hash length and MGF1 over the same hash at
//! 2048-8192 bits). Everything else — 256..=16384-bit moduli, MD5, SHA-224,
//! any PSS salt or MGF1 hash — is verified with the `rsa` crate's public-key
//! operation: its PKCS#1 v1.5 verifier, and for PSS its raw RSAVP1 with the
//! EMSA-PSS-VERIFY steps below. Only public keys ever reach the `rsa` crate.

use aws_lc_rs::signature::{self as sig, ParsedPublicKey, RsaParameters};
use rsa::traits::PublicKeyParts;
use rsa::{BoxedUint, Pkcs1v15Sign};

use super::alg::{Hash, PssParams, Scheme};
use super::Verdict;

/// Smallest and largest moduli verified (OpenSSL's limit is 16384 bits).
pub const MIN_BITS: u32 = 256;
/// The largest modulus verified.
pub const MAX_BITS: u32 = 16384;

fn verdict(ok: bool) -> Verdict {
    if ok {
        Verdict::Valid
    } else {
        Verdict::Invalid
    }
}

/// The aws-lc-rs algorithm for a scheme and modulus size, if it has one.
fn aws_lc(scheme: Scheme, bits: u32) -> Option<&'static RsaParameters> {
    let legacy = (1024..=8192).contains(&bits);
    let modern = (2048..=8192).contains(&bits);
    match scheme {
        Scheme::Pkcs1(Hash::Sha1) if legacy => {
            Some(&sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY)
        }
        Scheme::Pkcs1(Hash::Sha256) if legacy => {
            Some(&sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY)
        }
        Scheme::Pkcs1(Hash::Sha384) if modern => Some(&sig::RSA_PKCS1_2048_8192_SHA384),
        Scheme::Pkcs1(Hash::Sha512) if legacy => {
            Some(&sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY)
        }
        Scheme::Pss(p) if modern && p.mgf_hash == p.hash && p.salt_len == p.hash.output_len() => {
            match p.hash {
                Hash::Sha256 => Some(&sig::RSA_PSS_2048_8192_SHA256),
                Hash::Sha384 => Some(&sig::RSA_PSS_2048_8192_SHA384),
                Hash::Sha512 => Some(&sig::RSA_PSS_2048_8192_SHA512),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Verifies an RSA signature over `tbs`. `n`, `e` are the key's integers
/// without leading zeros, `pkcs1` its RSAPublicKey encoding.
pub fn verify(
    n: &[u8],
    e: &[u8],
    pkcs1: &[u8],
    bits: u32,
    scheme: Scheme,
    tbs: &[u8],
    signature: &[u8],
) -> Verdict {
    if bits > MAX_BITS {
        return Verdict::Unsupported(format!(
            "RSA keys of {bits} bits are not implemented (csrkit verifies up to {MAX_BITS} bits, as OpenSSL does)"
        ));
    }
    if bits < MIN_BITS {
        return Verdict::Unsupported(format!(
            "RSA keys of {bits} bits are not implemented (csrkit verifies {MIN_BITS} bits and more)"
        ));
    }
    if let Some(alg) = aws_lc(scheme, bits) {
        if let Ok(key) = ParsedPublicKey::new(alg, pkcs1) {
            return verdict(key.verify_sig(tbs, signature).is_ok());
        }
        // aws-lc-rs refused the key (an exponent it does not take):
        // the rsa crate below decides, and names what is wrong.
    }
    let key = match public_key(n, e) {
        Ok(k) => k,
        Err(v) => return v,
    };
    match scheme {
        Scheme::Pkcs1(h) => {
            let padding = Pkcs1v15Sign {
                hash_len: Some(h.output_len()),
                prefix: h.digest_info_prefix().into_boxed_slice(),
            };
            verdict(key.verify(padding, &h.digest(tbs), signature).is_ok())
        }
        Scheme::Pss(p) => verdict(pss_verify(&key, p, tbs, signature)),
        _ => Verdict::Invalid,
    }
}

/// The `rsa` crate's public key for `n`, `e` (256..=16384 bits).
fn public_key(n: &[u8], e: &[u8]) -> Result<rsa::PublicKey, Verdict> {
    let malformed = |m: &str| Verdict::Malformed(format!("the RSA public key is invalid: {m}"));
    if n.is_empty() || e.is_empty() {
        return Err(malformed("zero modulus or exponent"));
    }
    let as_uint = |b: &[u8]| BoxedUint::from_be_slice(b, (b.len() * 8) as u32);
    let (Ok(nn), Ok(ee)) = (as_uint(n), as_uint(e)) else {
        return Err(malformed("integers out of range"));
    };
    let e_bits = super::key::bit_len(e);
    // OpenSSL takes any exponent below a modulus of up to 3072 bits, and up
    // to 64 bits above that (RSA_MAX_PUBEXP_BITS); the rsa crate stops at
    // 2^33-1 by default (a denial-of-service guard). Within OpenSSL's
    // bounds a verification costs at most 3072 squarings: allowed, after
    // the checks new_with_size_limits makes (n odd, e odd, e < n).
    let openssl_takes = (e_bits <= 64 || super::key::bit_len(n) <= 3072)
        && n.last().is_some_and(|b| b & 1 == 1)
        && e.last().is_some_and(|b| b & 1 == 1)
        && e.len() < n.len();
    let limits = MIN_BITS as usize..=MAX_BITS as usize;
    match rsa::PublicKey::new_with_size_limits(nn.clone(), ee.clone(), limits) {
        Ok(key) => Ok(key),
        Err(rsa::Error::PublicExponentTooLarge) if openssl_takes => {
            Ok(rsa::PublicKey::new_unchecked(nn, ee))
        }
        Err(rsa::Error::PublicExponentTooLarge) => Err(Verdict::Unsupported(format!(
            "RSA public exponents of {e_bits} bits with a modulus over 3072 bits are not implemented (csrkit verifies up to 64 bits there, as OpenSSL does)"
        ))),
        Err(rsa::Error::PublicExponentTooSmall) => Err(malformed("the public exponent is 1")),
        Err(rsa::Error::InvalidExponent) => Err(malformed("the public exponent is even")),
        Err(rsa::Error::InvalidModulus) => Err(malformed(
            "the modulus is even, or not larger than the exponent",
        )),
        Err(other) => Err(malformed(&other.to_string())),
    }
}

/// MGF1 (RFC 8017 B.2.1).
fn mgf1(h: Hash, seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + h.output_len());
    let mut counter: u32 = 0;
    let mut buf = Vec::with_capacity(seed.len() + 4);
    while out.len() < len {
        buf.clear();
        buf.extend_from_slice(seed);
        buf.extend_from_slice(&counter.to_be_bytes());
        out.extend_from_slice(&h.digest(&buf));
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    out
}

/// RSASSA-PSS-VERIFY (RFC 8017 8.1.2) with RSAVP1 from the `rsa` crate
/// and EMSA-PSS-VERIFY (9.1.2) here, for any hash, MGF1 hash and salt.
fn pss_verify(key: &rsa::PublicKey, p: PssParams, tbs: &[u8], signature: &[u8]) -> bool {
    // 8.1.2 step 1: the signature is k octets.
    let k = key.size();
    if signature.len() != k {
        return false;
    }
    // Step 2: s = OS2IP(S) < n, m = RSAVP1(n, e, s), EM = I2OSP(m, emLen).
    let Ok(s) = BoxedUint::from_be_slice(signature, key.n_bits_precision()) else {
        return false;
    };
    if s >= *key.n().as_ref() {
        return false;
    }
    let Ok(m) = rsa::hazmat::rsa_encrypt(key, &s) else {
        return false;
    };
    let mod_bits = key.n().bit_width_vartime() as usize;
    let em_bits = mod_bits - 1;
    let em_len = em_bits.div_ceil(8);
    let bytes = m.to_be_bytes();
    if bytes.len() < em_len || bytes[..bytes.len() - em_len].iter().any(|b| *b != 0) {
        return false;
    }
    emsa_pss_verify(&bytes[bytes.len() - em_len..], em_bits, p, tbs)
}

/// EMSA-PSS-VERIFY (RFC 8017 9.1.2), steps 2-14.
fn emsa_pss_verify(em: &[u8], em_bits: usize, p: PssParams, msg: &[u8]) -> bool {
    let h_len = p.hash.output_len();
    let s_len = p.salt_len;
    let em_len = em.len();
    let m_hash = p.hash.digest(msg);
    // Step 3.
    if em_len < h_len + s_len + 2 {
        return false;
    }
    // Step 4: trailer 0xbc.
    if em[em_len - 1] != 0xbc {
        return false;
    }
    // Step 5.
    let db_len = em_len - h_len - 1;
    let (masked_db, rest) = em.split_at(db_len);
    let h = &rest[..h_len];
    // Step 6: the leftmost 8*emLen - emBits bits of maskedDB are zero.
    let zero_bits = 8 * em_len - em_bits;
    let top_mask = if zero_bits >= 8 {
        0
    } else {
        0xffu8 >> zero_bits
    };
    if masked_db[0] & !top_mask != 0 {
        return false;
    }
    // Steps 7-9.
    let mask = mgf1(p.mgf_hash, h, db_len);
    let mut db: Vec<u8> = masked_db.iter().zip(&mask).map(|(a, b)| a ^ b).collect();
    db[0] &= top_mask;
    // Step 10: PS zeros, then 0x01, then the salt.
    let ps_len = em_len - h_len - s_len - 2;
    if db[..ps_len].iter().any(|b| *b != 0) || db[ps_len] != 0x01 {
        return false;
    }
    // Steps 11-14.
    let salt = &db[db_len - s_len..];
    let mut m_prime = Vec::with_capacity(8 + h_len + s_len);
    m_prime.extend_from_slice(&[0u8; 8]);
    m_prime.extend_from_slice(&m_hash);
    m_prime.extend_from_slice(salt);
    p.hash.digest(&m_prime) == h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_info_prefixes_match_rfc8017() {
        // RFC 8017 9.2 note 1.
        assert_eq!(
            Hash::Sha256.digest_info_prefix(),
            [
                0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x01, 0x05, 0x00, 0x04, 0x20
            ]
        );
        assert_eq!(
            Hash::Md5.digest_info_prefix(),
            [
                0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05,
                0x05, 0x00, 0x04, 0x10
            ]
        );
        assert_eq!(
            Hash::Sha1.digest_info_prefix(),
            [
                0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
                0x14
            ]
        );
    }

    #[test]
    fn mgf1_lengths() {
        assert_eq!(mgf1(Hash::Sha1, b"x", 45).len(), 45);
        assert_eq!(mgf1(Hash::Sha256, b"x", 0).len(), 0);
    }
}
