//! A small, tolerant reader of BER/DER tag-length-value triples (X.690).
//!
//! The CSR reader walks a request with it instead of a strict DER decoder so
//! that it reads what OpenSSL reads: SET OF members in any order, long-form
//! lengths that are not minimal, indefinite lengths on constructed values.
//! Every value keeps the exact bytes it was read from, so a signature is
//! checked over the bytes as received (RFC 2986 4.2), never a re-encoding.
//! Every access is bounds-checked: no input makes it panic.

/// Nesting deeper than this is refused (indefinite lengths recurse).
const MAX_DEPTH: usize = 48;

/// One value: its identifier, its content and the whole encoding.
#[derive(Clone, Copy, Debug)]
pub struct Tlv<'a> {
    /// The first identifier octet (class, constructed bit, low tag number).
    pub tag: u8,
    /// The tag number (differs from `tag & 0x1f` only for high tag numbers).
    pub number: u32,
    /// The content octets (for an indefinite length, without the
    /// end-of-contents octets).
    pub content: &'a [u8],
    /// The whole encoding: identifier, length, content (and end-of-contents).
    pub raw: &'a [u8],
    /// True when the length was not in DER's minimal definite form.
    pub non_der_length: bool,
}

/// Why bytes could not be read as a TLV.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlvError(pub &'static str);

impl std::fmt::Display for TlvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// Universal tags used by the reader.
pub mod tag {
    /// BOOLEAN.
    pub const BOOLEAN: u8 = 0x01;
    /// INTEGER.
    pub const INTEGER: u8 = 0x02;
    /// BIT STRING.
    pub const BIT_STRING: u8 = 0x03;
    /// OCTET STRING.
    pub const OCTET_STRING: u8 = 0x04;
    /// NULL.
    pub const NULL: u8 = 0x05;
    /// OBJECT IDENTIFIER.
    pub const OID: u8 = 0x06;
    /// UTF8String.
    pub const UTF8: u8 = 0x0c;
    /// NumericString.
    pub const NUMERIC: u8 = 0x12;
    /// PrintableString.
    pub const PRINTABLE: u8 = 0x13;
    /// TeletexString (T61String).
    pub const TELETEX: u8 = 0x14;
    /// VideotexString.
    pub const VIDEOTEX: u8 = 0x15;
    /// IA5String.
    pub const IA5: u8 = 0x16;
    /// GraphicString.
    pub const GRAPHIC: u8 = 0x19;
    /// VisibleString.
    pub const VISIBLE: u8 = 0x1a;
    /// GeneralString.
    pub const GENERAL: u8 = 0x1b;
    /// UniversalString (UCS-4).
    pub const UNIVERSAL: u8 = 0x1c;
    /// BMPString (UCS-2).
    pub const BMP: u8 = 0x1e;
    /// SEQUENCE / SEQUENCE OF (constructed).
    pub const SEQUENCE: u8 = 0x30;
    /// SET / SET OF (constructed).
    pub const SET: u8 = 0x31;
}

impl<'a> Tlv<'a> {
    /// True for a constructed encoding.
    pub fn constructed(&self) -> bool {
        self.tag & 0x20 != 0
    }

    /// True for a context-specific tag `[n]` (primitive or constructed).
    pub fn is_context(&self, n: u32) -> bool {
        self.tag & 0xc0 == 0x80 && self.number == n
    }

    /// The values inside a constructed value, in order.
    pub fn children(&self) -> Result<Vec<Tlv<'a>>, TlvError> {
        if !self.constructed() {
            return Err(TlvError(
                "a primitive value where a constructed one belongs",
            ));
        }
        read_all(self.content)
    }

    /// The content of an INTEGER that fits in an i64.
    pub fn small_int(&self) -> Option<i64> {
        let c = self.content;
        if self.tag != tag::INTEGER || c.is_empty() || c.len() > 8 {
            return None;
        }
        let mut v: i64 = if c[0] & 0x80 != 0 { -1 } else { 0 };
        for b in c {
            v = (v << 8) | i64::from(*b);
        }
        Some(v)
    }
}

/// Reads exactly one value that fills `data`.
pub fn read_one(data: &[u8]) -> Result<Tlv<'_>, TlvError> {
    let (tlv, rest) = read(data, 0)?;
    if !rest.is_empty() {
        return Err(TlvError("data after the end of the value"));
    }
    Ok(tlv)
}

/// Reads a sequence of values that fills `data`.
pub fn read_all(data: &[u8]) -> Result<Vec<Tlv<'_>>, TlvError> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let (tlv, r) = read(rest, 0)?;
        out.push(tlv);
        rest = r;
    }
    Ok(out)
}

/// Reads one value at the start of `data`; returns it and what follows.
pub fn read(data: &[u8], depth: usize) -> Result<(Tlv<'_>, &[u8]), TlvError> {
    if depth > MAX_DEPTH {
        return Err(TlvError("values nested too deeply"));
    }
    let first = *data.first().ok_or(TlvError("truncated (no tag)"))?;
    let mut pos = 1;
    let mut number = u32::from(first & 0x1f);
    if number == 0x1f {
        number = 0;
        loop {
            let b = *data.get(pos).ok_or(TlvError("truncated tag"))?;
            pos += 1;
            if number > (u32::MAX >> 7) {
                return Err(TlvError("tag number too large"));
            }
            number = (number << 7) | u32::from(b & 0x7f);
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let lb = *data.get(pos).ok_or(TlvError("truncated length"))?;
    pos += 1;
    let constructed = first & 0x20 != 0;
    if lb == 0x80 {
        // Indefinite length (BER): constructed only, ends with 00 00.
        if !constructed {
            return Err(TlvError("indefinite length on a primitive value"));
        }
        let start = pos;
        let mut rest = &data[pos..];
        loop {
            if rest.len() >= 2 && rest[0] == 0 && rest[1] == 0 {
                let end = data.len() - rest.len();
                let tlv = Tlv {
                    tag: first,
                    number,
                    content: &data[start..end],
                    raw: &data[..end + 2],
                    non_der_length: true,
                };
                return Ok((tlv, &rest[2..]));
            }
            if rest.is_empty() {
                return Err(TlvError("truncated (no end-of-contents)"));
            }
            let (_, r) = read(rest, depth + 1)?;
            rest = r;
        }
    }
    let (len, non_der) = if lb < 0x80 {
        (usize::from(lb), false)
    } else {
        let n = usize::from(lb & 0x7f);
        if n > 4 {
            return Err(TlvError("length too large"));
        }
        let bytes = data.get(pos..pos + n).ok_or(TlvError("truncated length"))?;
        pos += n;
        let len = bytes.iter().fold(0usize, |a, b| (a << 8) | usize::from(*b));
        let minimal = len >= 0x80 && bytes[0] != 0;
        (len, !minimal)
    };
    let end = pos.checked_add(len).ok_or(TlvError("length too large"))?;
    let content = data
        .get(pos..end)
        .ok_or(TlvError("truncated (the length runs past the end)"))?;
    let tlv = Tlv {
        tag: first,
        number,
        content,
        raw: &data[..end],
        non_der_length: non_der,
    };
    Ok((tlv, &data[end..]))
}

/// Lowercase hex of `bytes`, no separators.
pub fn hex(bytes: &[u8]) -> String {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(D[usize::from(b >> 4)]));
        s.push(char::from(D[usize::from(b & 15)]));
    }
    s
}

/// The dotted form of an OBJECT IDENTIFIER's content octets, or None if
/// they are not a valid encoding.
pub fn oid_string(content: &[u8]) -> Option<String> {
    if content.is_empty() || content.last().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let mut arcs: Vec<u128> = Vec::new();
    let mut v: u128 = 0;
    let mut fresh = true;
    for &b in content {
        if fresh && b == 0x80 {
            return None; // non-minimal arc
        }
        if v > (u128::MAX >> 7) {
            return None;
        }
        v = (v << 7) | u128::from(b & 0x7f);
        fresh = b & 0x80 == 0;
        if fresh {
            arcs.push(v);
            v = 0;
        }
    }
    let mut out = String::new();
    let first = arcs[0];
    let (a, b) = match first {
        0..=39 => (0, first),
        40..=79 => (1, first - 40),
        _ => (2, first - 80),
    };
    out.push_str(&format!("{a}.{b}"));
    for arc in &arcs[1..] {
        out.push_str(&format!(".{arc}"));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_definite_and_indefinite() {
        let t = read_one(&[0x30, 0x03, 0x02, 0x01, 0x05]).unwrap();
        assert_eq!(t.children().unwrap()[0].small_int(), Some(5));
        let t = read_one(&[0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00]).unwrap();
        assert_eq!(t.content, &[0x02, 0x01, 0x05]);
        assert!(t.non_der_length);
        assert!(
            read_one(&[0x30, 0x81, 0x03, 0x02, 0x01, 0x05])
                .unwrap()
                .non_der_length
        );
        assert!(read_one(&[0x30, 0x05, 0x02]).is_err());
        assert!(read_one(&[0x04, 0x80, 0x00, 0x00]).is_err());
        assert!(read_one(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_err());
        let deep: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 100).flatten().collect();
        assert!(read_one(&deep).is_err());
    }

    #[test]
    fn oids() {
        assert_eq!(
            oid_string(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]).as_deref(),
            Some("1.2.840.113549.1.1.11")
        );
        assert_eq!(oid_string(&[0x55, 0x04, 0x03]).as_deref(), Some("2.5.4.3"));
        assert_eq!(oid_string(&[]), None);
        assert_eq!(oid_string(&[0x2a, 0x86]), None);
    }
}
