//! Hex-encoded DER given on the command line: RFC 4514 `#hex` attribute
//! values and `--extension` values. Checks that the bytes are exactly one
//! well-formed DER TLV (definite, minimal lengths; constructed contents
//! are TLVs too), in time linear in the input; no I/O, no cryptography.

/// Most nesting of constructed values (a real value has a few levels).
const MAX_DEPTH: usize = 64;

/// Decodes hex digits (either case; no separators) into bytes.
pub fn from_hex(s: &str) -> Result<Vec<u8>, String> {
    if s.is_empty() {
        return Err("no hex digits".into());
    }
    if let Some(c) = s.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(format!("{c:?} is not a hex digit"));
    }
    if s.len() % 2 == 1 {
        return Err(format!("{} hex digits: an odd number", s.len()));
    }
    Ok((0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digits"))
        .collect())
}

pub fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// One TLV at the start of `b`: (tag's first byte, header length, content length).
fn header(b: &[u8]) -> Result<(u8, usize, usize), String> {
    let Some(&tag) = b.first() else {
        return Err("the value ends inside a tag".into());
    };
    let mut i = 1;
    if tag & 0x1f == 0x1f {
        // High tag number: base-128, no leading 0x80, at most 4 bytes.
        loop {
            let Some(&t) = b.get(i) else {
                return Err("the value ends inside a tag".into());
            };
            if i == 1 && t == 0x80 {
                return Err("a tag number with a leading zero (not DER)".into());
            }
            i += 1;
            if t & 0x80 == 0 {
                break;
            }
            if i > 4 {
                return Err("a tag number longer than 4 bytes".into());
            }
        }
    }
    let Some(&l0) = b.get(i) else {
        return Err("the value ends before its length".into());
    };
    i += 1;
    let len = match l0 {
        0x00..=0x7f => l0 as usize,
        0x80 => return Err("an indefinite length (BER, not DER)".into()),
        0x81..=0x84 => {
            let n = (l0 & 0x7f) as usize;
            let Some(bytes) = b.get(i..i + n) else {
                return Err("the value ends inside a length".into());
            };
            i += n;
            let len = bytes.iter().fold(0usize, |a, &x| (a << 8) | x as usize);
            if bytes[0] == 0 || len < 0x80 {
                return Err("a length not in its shortest form (not DER)".into());
            }
            len
        }
        _ => return Err("a length longer than 4 bytes".into()),
    };
    if b.len() - i < len {
        return Err(format!(
            "a length of {len} bytes where {} remain",
            b.len() - i
        ));
    }
    Ok((tag, i, len))
}

/// Checks that `b` is exactly one well-formed DER TLV.
pub fn check_tlv(b: &[u8]) -> Result<(), String> {
    // (bytes, depth) still to walk: each TLV is looked at once.
    let mut todo: Vec<(&[u8], usize, bool)> = vec![(b, 0, true)];
    while let Some((mut rest, depth, single)) = todo.pop() {
        if depth > MAX_DEPTH {
            return Err(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        while !rest.is_empty() {
            let (tag, hl, len) = header(rest)?;
            let content = &rest[hl..hl + len];
            if tag & 0x20 != 0 {
                todo.push((content, depth + 1, false));
            }
            rest = &rest[hl + len..];
            if single && !rest.is_empty() {
                return Err(format!(
                    "{} bytes after the value: give exactly one DER value",
                    rest.len()
                ));
            }
        }
    }
    if b.is_empty() {
        return Err("an empty value".into());
    }
    Ok(())
}

/// Whether OpenSSL's name decoder takes `b` (one TLV) as an
/// AttributeValue: a directory string that decodes, a BIT STRING or a
/// SEQUENCE. Anything else makes OpenSSL (and csrkit's reader) refuse the
/// request, so a `#hex` value of another type is refused up front.
pub fn check_attribute_value(b: &[u8]) -> Result<(), String> {
    let (tag, _, content) = header(b)?;
    match tag {
        // The DER library csrkit builds requests with has no
        // UniversalString; OpenSSL reads it, but no CA needs it.
        0x1c => Err("a UniversalString: give the value as a UTF8String (#0c...) instead".into()),
        0x0c | 0x12 | 0x13 | 0x14 | 0x16 | 0x1e if content == 0 => {
            Err("an empty string: a DirectoryString holds at least one character (RFC 5280 Appendix A)".into())
        }
        0x0c | 0x1e if string_text(b).is_none() => {
            Err("the string's bytes do not decode".into())
        }
        0x0c | 0x12 | 0x13 | 0x14 | 0x16 | 0x1e | 0x03 | 0x30 => Ok(()),
        _ => Err(format!(
            "tag 0x{tag:02x} is not a directory string, BIT STRING or SEQUENCE, which OpenSSL refuses in a name"
        )),
    }
}

/// The text of a DER character string (UTF8String, PrintableString,
/// IA5String, NumericString, BMPString, UniversalString); `None` for any
/// other value.
pub fn string_text(b: &[u8]) -> Option<String> {
    let (tag, hl, len) = header(b).ok()?;
    let c = &b[hl..hl + len];
    match tag {
        0x0c => String::from_utf8(c.to_vec()).ok(),
        0x12 | 0x13 | 0x16 if c.is_ascii() => String::from_utf8(c.to_vec()).ok(),
        0x1e if len % 2 == 0 => {
            let units: Vec<u16> = c
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect();
            String::from_utf16(&units).ok()
        }
        0x1c if len % 4 == 0 => c
            .chunks_exact(4)
            .map(|p| char::from_u32(u32::from_be_bytes([p[0], p[1], p[2], p[3]])))
            .collect(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlvs() {
        for ok in [
            "0c03616263",
            "3003020105",
            "300702010530020500",
            "0500",
            "1f2100",
        ] {
            assert!(check_tlv(&from_hex(ok).unwrap()).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "0c",
            "0c04616263",
            "0c0361626300",
            "3080",
            "0c8103616263",
            "3003020205",
            "1f8001",
        ] {
            assert!(
                check_tlv(&from_hex(bad).unwrap_or_default()).is_err(),
                "{bad}"
            );
        }
        assert!(from_hex("abc").is_err());
        assert!(from_hex("zz").is_err());
        assert_eq!(
            string_text(&from_hex("0c03616263").unwrap()).as_deref(),
            Some("abc")
        );
        assert_eq!(string_text(&from_hex("020105").unwrap()), None);
    }
}
