//! The seeded mutation runner's mutator: deterministic for a given seed
//! (a run is replayed by its seed), with byte-level edits, tokens that the
//! parsers care about, splices of two corpus entries, and repeats of a
//! chunk (how the quadratic multi-valued RDN was found: `+O=a` a thousand
//! times).

/// xorshift64*: small, fast and reproducible; not for cryptography.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens every target's syntax has: DN, JSON, XML, PEM and DER pieces,
/// and characters that have broken parsers before.
pub const TOKENS: &[&[u8]] = &[
    b"+O=a",
    b",CN=",
    b"/OU=",
    b"\\",
    b"\\2C",
    b"\\ ",
    b"#",
    b"=",
    b"\"",
    b"\\u0000",
    b"\\u001b",
    b"\\ud800",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b",",
    b"null",
    b"\"common_name\":\"a.example.com\",",
    b"\"subject\":\"CN=a\",",
    b"\"san\":[\"dns:a.example\"],",
    b"\"common-name\":\"x\",",
    b"\"alternate-name\":[\"a.example\"],",
    b"<alternateName>a.example</alternateName>",
    b"<commonName>x</commonName>",
    b"&amp;",
    b"&#0;",
    b"&#x1b;",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"-----BEGIN CERTIFICATE REQUEST-----\n",
    b"-----END CERTIFICATE REQUEST-----\n",
    b"-----BEGIN CERTIFICATE-----\n",
    b"-----END CERTIFICATE-----\n",
    b"-----BEGIN PKCS7-----\n",
    b"-----END PKCS7-----\n",
    b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02",
    b"\xa0\x80",
    b"\xa0\x82\xff\xff",
    b"\x30\x82\xff\xff",
    b"\x30\x80",
    b"\x31\x00",
    b"\x06\x03\x55\x04\x03",
    b"\x0c\x01\x1b",
    b"\xff\xfe",
    b"\xc3\xa9",
    b"\xe2\x80\xae",
    b"\r\n",
    b"\x00",
    b"\x7f",
    b"dns:",
    b"ip:",
    b"email:",
    b"uri:",
    b"xn--",
    b"*.",
    b"@",
    b"::ffff:",
    b"1\n",
];

/// Mutates `data` in place, with `other` as a splice partner; never past
/// `max` bytes.
pub fn mutate(data: &mut Vec<u8>, other: &[u8], rng: &mut Rng, max: usize) {
    let edits = 1 + rng.below(6);
    for _ in 0..edits {
        let len = data.len();
        match rng.below(11) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = rng.next() as u8;
            }
            2 | 3 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                let i = rng.below(len + 1);
                data.splice(i..i, t.iter().copied());
            }
            4 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                data.drain(i..i + n);
            }
            5 if len > 0 => {
                // Repeat a chunk many times: scale, not just shape.
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(16));
                let times = [2, 16, 256, 4096][rng.below(4)];
                let chunk = data[i..i + n].to_vec();
                let at = i + n;
                let rep: Vec<u8> = chunk.iter().copied().cycle().take(n * times).collect();
                data.splice(at..at, rep);
            }
            6 if !other.is_empty() => {
                // Splice: our head, the other's tail.
                let i = rng.below(len + 1);
                let j = rng.below(other.len());
                data.truncate(i);
                data.extend_from_slice(&other[j..]);
            }
            7 if len > 0 => {
                let i = rng.below(len);
                data.truncate(i);
            }
            8 if len > 1 => {
                // Copy a chunk from one place to another.
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(32));
                let chunk = data[i..i + n].to_vec();
                let at = rng.below(len + 1);
                data.splice(at..at, chunk);
            }
            9 if len > 0 => {
                // Interesting bytes for lengths and tags.
                let i = rng.below(len);
                data[i] = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0xff][rng.below(7)];
            }
            _ => {
                let t = TOKENS[rng.below(TOKENS.len())];
                data.extend_from_slice(t);
            }
        }
    }
    data.truncate(max);
}
