//! The signature algorithms csrkit verifies, as types: the hash functions
//! (RFC 8017 Appendix B.1, FIPS 180-4, FIPS 202), RSASSA-PSS parameters
//! (RFC 4055 3.1) and the schemes. A leaf of `csr/`: the verifier and the
//! RSA fallback both use it.

use aws_lc_rs::digest;

/// A hash function a signature may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    /// MD5 (RFC 1321): broken, verified only for old requests.
    Md5,
    /// SHA-1: collisions are practical.
    Sha1,
    /// SHA-224 (FIPS 180-4).
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// SHA-512/224.
    Sha512_224,
    /// SHA-512/256.
    Sha512_256,
    /// SHA3-224 (FIPS 202).
    Sha3_224,
    /// SHA3-256.
    Sha3_256,
    /// SHA3-384.
    Sha3_384,
    /// SHA3-512.
    Sha3_512,
}

impl Hash {
    /// The hash for a digest algorithm OID (RFC 8017 appendix B.1).
    pub fn from_oid(oid: &str) -> Option<Hash> {
        Some(match oid {
            "1.2.840.113549.2.5" => Hash::Md5,
            "1.3.14.3.2.26" => Hash::Sha1,
            "2.16.840.1.101.3.4.2.4" => Hash::Sha224,
            "2.16.840.1.101.3.4.2.1" => Hash::Sha256,
            "2.16.840.1.101.3.4.2.2" => Hash::Sha384,
            "2.16.840.1.101.3.4.2.3" => Hash::Sha512,
            "2.16.840.1.101.3.4.2.5" => Hash::Sha512_224,
            "2.16.840.1.101.3.4.2.6" => Hash::Sha512_256,
            "2.16.840.1.101.3.4.2.7" => Hash::Sha3_224,
            "2.16.840.1.101.3.4.2.8" => Hash::Sha3_256,
            "2.16.840.1.101.3.4.2.9" => Hash::Sha3_384,
            "2.16.840.1.101.3.4.2.10" => Hash::Sha3_512,
            _ => return None,
        })
    }

    /// The digest algorithm's OID content octets.
    fn oid_der(self) -> &'static [u8] {
        match self {
            Hash::Md5 => &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05],
            Hash::Sha1 => &[0x2b, 0x0e, 0x03, 0x02, 0x1a],
            Hash::Sha224 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04],
            Hash::Sha256 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01],
            Hash::Sha384 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02],
            Hash::Sha512 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03],
            Hash::Sha512_224 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x05],
            Hash::Sha512_256 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x06],
            Hash::Sha3_224 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x07],
            Hash::Sha3_256 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x08],
            Hash::Sha3_384 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x09],
            Hash::Sha3_512 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x0a],
        }
    }

    /// The name in words (`SHA-256`).
    pub fn name(self) -> &'static str {
        match self {
            Hash::Md5 => "MD5",
            Hash::Sha1 => "SHA-1",
            Hash::Sha224 => "SHA-224",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
            Hash::Sha512_224 => "SHA-512/224",
            Hash::Sha512_256 => "SHA-512/256",
            Hash::Sha3_224 => "SHA3-224",
            Hash::Sha3_256 => "SHA3-256",
            Hash::Sha3_384 => "SHA3-384",
            Hash::Sha3_512 => "SHA3-512",
        }
    }

    /// Output length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Hash::Md5 => 16,
            Hash::Sha1 => 20,
            Hash::Sha224 | Hash::Sha512_224 | Hash::Sha3_224 => 28,
            Hash::Sha256 | Hash::Sha512_256 | Hash::Sha3_256 => 32,
            Hash::Sha384 | Hash::Sha3_384 => 48,
            Hash::Sha512 | Hash::Sha3_512 => 64,
        }
    }

    /// True for MD5 and SHA-1, whose collisions are practical.
    pub fn weak(self) -> bool {
        matches!(self, Hash::Md5 | Hash::Sha1)
    }

    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        use md5::Digest as _;
        let alg = match self {
            Hash::Md5 => return md5::Md5::digest(data).to_vec(),
            Hash::Sha512_224 => return sha2::Sha512_224::digest(data).to_vec(),
            Hash::Sha3_224 => return sha3::Sha3_224::digest(data).to_vec(),
            Hash::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            Hash::Sha224 => &digest::SHA224,
            Hash::Sha256 => &digest::SHA256,
            Hash::Sha384 => &digest::SHA384,
            Hash::Sha512 => &digest::SHA512,
            Hash::Sha512_256 => &digest::SHA512_256,
            Hash::Sha3_256 => &digest::SHA3_256,
            Hash::Sha3_384 => &digest::SHA3_384,
            Hash::Sha3_512 => &digest::SHA3_512,
        };
        digest::digest(alg, data).as_ref().to_vec()
    }

    /// The DER of DigestInfo (RFC 8017 9.2) up to the digest itself:
    /// `SEQUENCE { SEQUENCE { oid, NULL }, OCTET STRING (len) }`.
    pub fn digest_info_prefix(self) -> Vec<u8> {
        let oid = self.oid_der();
        let alg_len = 2 + oid.len() + 2;
        let total = 2 + alg_len + 2 + self.output_len();
        let mut p = vec![
            0x30,
            total as u8,
            0x30,
            alg_len as u8,
            0x06,
            oid.len() as u8,
        ];
        p.extend_from_slice(oid);
        p.extend_from_slice(&[0x05, 0x00, 0x04, self.output_len() as u8]);
        p
    }
}

/// RSASSA-PSS parameters (RFC 4055 3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PssParams {
    /// The message hash.
    pub hash: Hash,
    /// The hash MGF1 uses.
    pub mgf_hash: Hash,
    /// Salt length in bytes.
    pub salt_len: usize,
}

/// A signature scheme with its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// RSASSA-PKCS1-v1_5.
    Pkcs1(Hash),
    /// RSASSA-PSS.
    Pss(PssParams),
    /// ECDSA.
    Ecdsa(Hash),
    /// Ed25519 (pure).
    Ed25519,
}
