//! Triple DES (three-key EDE, NIST SP 800-67 / FIPS 46-3) in CBC mode with
//! PKCS#7 padding: the cipher of PKCS#12's `pbeWithSHAAnd3-KeyTripleDES-CBC`
//! (RFC 7292 Appendix C), which the legacy profiles use for the private key.
//!
//! Written for constant time: every permutation moves bits by fixed
//! positions, and each S-box lookup reads all 64 entries and keeps the one
//! it needs with a mask, so neither branches nor memory addresses depend on
//! the key or the data (table-driven DES, as in the `des` crate, OpenSSL or
//! AWS-LC, indexes its S-boxes by secret bits). About 30 ms per KiB: a
//! PKCS#8 key is 0.1 to 2.4 KiB. It must not be used for anything but
//! PKCS#12 interoperability; nothing here reads or writes files.

use zeroize::Zeroize;

/// FIPS 46-3 tables, bit 1 being the most significant bit of the input.
const IP: [u8; 64] = [
    58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6,
    64, 56, 48, 40, 32, 24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61,
    53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];
const FP: [u8; 64] = [
    40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30,
    37, 5, 45, 13, 53, 21, 61, 29, 36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27,
    34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25,
];
const E: [u8; 48] = [
    32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17, 16, 17, 18,
    19, 20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1,
];
const P: [u8; 32] = [
    16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19,
    13, 30, 6, 22, 11, 4, 25,
];
const PC1: [u8; 56] = [
    57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60,
    52, 44, 36, 63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29,
    21, 13, 5, 28, 20, 12, 4,
];
const PC2: [u8; 48] = [
    14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52,
    31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS: [u32; 16] = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
/// S-boxes, row-major (row = outer bits, column = inner four bits).
#[rustfmt::skip]
const S: [[u8; 64]; 8] = [
    [14,4,13,1,2,15,11,8,3,10,6,12,5,9,0,7, 0,15,7,4,14,2,13,1,10,6,12,11,9,5,3,8,
     4,1,14,8,13,6,2,11,15,12,9,7,3,10,5,0, 15,12,8,2,4,9,1,7,5,11,3,14,10,0,6,13],
    [15,1,8,14,6,11,3,4,9,7,2,13,12,0,5,10, 3,13,4,7,15,2,8,14,12,0,1,10,6,9,11,5,
     0,14,7,11,10,4,13,1,5,8,12,6,9,3,2,15, 13,8,10,1,3,15,4,2,11,6,7,12,0,5,14,9],
    [10,0,9,14,6,3,15,5,1,13,12,7,11,4,2,8, 13,7,0,9,3,4,6,10,2,8,5,14,12,11,15,1,
     13,6,4,9,8,15,3,0,11,1,2,12,5,10,14,7, 1,10,13,0,6,9,8,7,4,15,14,3,11,5,2,12],
    [7,13,14,3,0,6,9,10,1,2,8,5,11,12,4,15, 13,8,11,5,6,15,0,3,4,7,2,12,1,10,14,9,
     10,6,9,0,12,11,7,13,15,1,3,14,5,2,8,4, 3,15,0,6,10,1,13,8,9,4,5,11,12,7,2,14],
    [2,12,4,1,7,10,11,6,8,5,3,15,13,0,14,9, 14,11,2,12,4,7,13,1,5,0,15,10,3,9,8,6,
     4,2,1,11,10,13,7,8,15,9,12,5,6,3,0,14, 11,8,12,7,1,14,2,13,6,15,0,9,10,4,5,3],
    [12,1,10,15,9,2,6,8,0,13,3,4,14,7,5,11, 10,15,4,2,7,12,9,5,6,1,13,14,0,11,3,8,
     9,14,15,5,2,8,12,3,7,0,4,10,1,13,11,6, 4,3,2,12,9,5,15,10,11,14,1,7,6,0,8,13],
    [4,11,2,14,15,0,8,13,3,12,9,7,5,10,6,1, 13,0,11,7,4,9,1,10,14,3,5,12,2,15,8,6,
     1,4,11,13,12,3,7,14,10,15,6,8,0,5,9,2, 6,11,13,8,1,4,10,7,9,5,0,15,14,2,3,12],
    [13,2,8,4,6,15,11,1,10,9,3,14,5,0,12,7, 1,15,13,8,10,3,7,4,12,5,6,11,0,14,9,2,
     7,11,4,1,9,12,14,2,0,6,10,13,15,3,5,8, 2,1,14,7,4,10,8,13,15,12,9,0,3,5,6,11],
];

/// Output bit i is input bit `table[i]` (1 = the most significant of
/// `in_len` bits). Positions are public; only the moved bits are secret.
fn permute(x: u64, in_len: u32, table: &[u8]) -> u64 {
    table.iter().fold(0u64, |out, &t| {
        (out << 1) | ((x >> (in_len - u32::from(t))) & 1)
    })
}

/// `box_[index]`, reading every entry: the mask is all ones only where the
/// position equals the (secret) index.
fn sbox(box_: &[u8; 64], index: u64) -> u64 {
    let mut out = 0u64;
    for (j, &v) in box_.iter().enumerate() {
        let diff = (j as u64) ^ index;
        // 1 when diff == 0, else 0, without a branch.
        let is_zero = ((diff | diff.wrapping_neg()) >> 63) ^ 1;
        out |= u64::from(v) & is_zero.wrapping_neg();
    }
    out
}

fn feistel(r: u64, k: u64) -> u64 {
    let x = permute(r, 32, &E) ^ k;
    let mut out = 0u64;
    for (i, b) in S.iter().enumerate() {
        let six = (x >> (42 - 6 * i)) & 0x3f;
        let row = ((six >> 4) & 2) | (six & 1);
        let col = (six >> 1) & 0xf;
        out = (out << 4) | sbox(b, row * 16 + col);
    }
    permute(out, 32, &P)
}

/// One DES key's 16 round keys (48 bits each).
struct Des([u64; 16]);

impl Des {
    fn new(key: &[u8]) -> Des {
        let mut k = [0u8; 8];
        k.copy_from_slice(key);
        let mut k64 = u64::from_be_bytes(k);
        k.zeroize();
        let cd = permute(k64, 64, &PC1);
        k64.zeroize();
        let (mut c, mut d) = (cd >> 28, cd & 0x0fff_ffff);
        let rot = |v: u64, n: u32| ((v << n) | (v >> (28 - n))) & 0x0fff_ffff;
        let mut keys = [0u64; 16];
        for (i, s) in SHIFTS.iter().enumerate() {
            c = rot(c, *s);
            d = rot(d, *s);
            keys[i] = permute((c << 28) | d, 56, &PC2);
        }
        c.zeroize();
        d.zeroize();
        Des(keys)
    }

    fn crypt(&self, block: u64, decrypt: bool) -> u64 {
        let x = permute(block, 64, &IP);
        let (mut l, mut r) = (x >> 32, x & 0xffff_ffff);
        for i in 0..16 {
            let k = if decrypt { self.0[15 - i] } else { self.0[i] };
            let next = l ^ feistel(r, k);
            l = r;
            r = next;
        }
        permute((r << 32) | l, 64, &FP)
    }
}

impl Drop for Des {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// Three-key triple DES; the round keys are wiped when dropped.
pub struct Tdes([Des; 3]);

impl Tdes {
    /// `key`: 24 bytes (K1 || K2 || K3); parity bits are ignored.
    pub fn new(key: &[u8; 24]) -> Tdes {
        Tdes([
            Des::new(&key[..8]),
            Des::new(&key[8..16]),
            Des::new(&key[16..]),
        ])
    }

    fn encrypt_block(&self, b: u64) -> u64 {
        let [k1, k2, k3] = &self.0;
        k3.crypt(k2.crypt(k1.crypt(b, false), true), false)
    }

    fn decrypt_block(&self, b: u64) -> u64 {
        let [k1, k2, k3] = &self.0;
        k1.crypt(k2.crypt(k3.crypt(b, true), false), true)
    }

    /// CBC encryption with PKCS#7 padding (RFC 5652 §6.3).
    pub fn cbc_encrypt(&self, iv: &[u8; 8], data: &[u8]) -> Vec<u8> {
        let pad = 8 - data.len() % 8;
        let mut out = Vec::with_capacity(data.len() + pad);
        out.extend_from_slice(data);
        out.resize(data.len() + pad, pad as u8);
        let mut prev = u64::from_be_bytes(*iv);
        for chunk in out.chunks_exact_mut(8) {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            prev = self.encrypt_block(u64::from_be_bytes(b) ^ prev);
            chunk.copy_from_slice(&prev.to_be_bytes());
            b.zeroize();
        }
        out
    }

    /// CBC decryption; `None` when the length or the padding is wrong.
    /// The padding check runs on data csrkit wrote a moment before (the
    /// read-back of an export), never on ciphertext from elsewhere, so it
    /// offers no padding oracle.
    pub fn cbc_decrypt(&self, iv: &[u8; 8], data: &[u8]) -> Option<zeroize::Zeroizing<Vec<u8>>> {
        if data.is_empty() || !data.len().is_multiple_of(8) {
            return None;
        }
        let mut out = zeroize::Zeroizing::new(Vec::with_capacity(data.len()));
        let mut prev = u64::from_be_bytes(*iv);
        for chunk in data.chunks_exact(8) {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            let c = u64::from_be_bytes(b);
            out.extend_from_slice(&(self.decrypt_block(c) ^ prev).to_be_bytes());
            prev = c;
        }
        let pad = usize::from(*out.last()?);
        if pad == 0
            || pad > 8
            || out[out.len() - pad..]
                .iter()
                .any(|&p| usize::from(p) != pad)
        {
            return None;
        }
        let keep = out.len() - pad;
        out.truncate(keep);
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn des_known_answer() {
        // The worked example of FIPS 46 tutorials (key 133457799BBCDFF1).
        let d = Des::new(&hex("133457799BBCDFF1"));
        assert_eq!(d.crypt(0x0123_4567_89AB_CDEF, false), 0x85E8_1354_0F0A_B405);
        assert_eq!(d.crypt(0x85E8_1354_0F0A_B405, true), 0x0123_4567_89AB_CDEF);
    }

    #[test]
    fn tdes_matches_the_des_crate() {
        use cbc::cipher::{block_padding::Pkcs7, BlockModeEncrypt, KeyIvInit};
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        };
        for len in [0usize, 1, 7, 8, 9, 63, 64, 200] {
            let key: [u8; 24] = std::array::from_fn(|_| next());
            let iv: [u8; 8] = std::array::from_fn(|_| next());
            let data: Vec<u8> = (0..len).map(|_| next()).collect();
            let ours = Tdes::new(&key).cbc_encrypt(&iv, &data);
            let theirs = cbc::Encryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                .unwrap()
                .encrypt_padded_vec::<Pkcs7>(&data);
            assert_eq!(ours, theirs, "length {len}");
            let back = Tdes::new(&key).cbc_decrypt(&iv, &ours).unwrap();
            assert_eq!(&back[..], &data[..]);
        }
    }
}
