//! Names and directory strings as OpenSSL reads them: the ASN.1 string
//! types (RFC 5280 Appendix A, X.520), their decoding (lenient where
//! OpenSSL is), a Name's RDNs and attribute-value pairs, and the RFC 4514
//! text csrkit prints for one. A leaf of `csr/`: the parser and the
//! describer both read names through it.

use super::tlv::{hex, oid_string, tag, Tlv};
use super::ParsedAva;
use crate::request::Attr;

/// The RFC 5280 name of an ASN.1 string type, for `ParsedAva::encoding`.
fn type_name(t: u8) -> &'static str {
    match t {
        tag::UTF8 => "UTF8String",
        tag::PRINTABLE => "PrintableString",
        tag::IA5 => "IA5String",
        tag::TELETEX => "TeletexString",
        tag::BMP => "BMPString",
        tag::UNIVERSAL => "UniversalString",
        tag::VISIBLE => "VisibleString",
        tag::NUMERIC => "NumericString",
        tag::VIDEOTEX => "VideotexString",
        tag::GRAPHIC => "GraphicString",
        tag::GENERAL => "GeneralString",
        tag::OCTET_STRING => "OCTET STRING",
        tag::BIT_STRING => "BIT STRING",
        tag::INTEGER => "INTEGER",
        tag::BOOLEAN => "BOOLEAN",
        tag::OID => "OBJECT IDENTIFIER",
        tag::SEQUENCE => "SEQUENCE",
        tag::SET => "SET",
        0x17 => "UTCTime",
        0x18 => "GeneralizedTime",
        _ => "other ASN.1 type",
    }
}

/// How a string value decoded.
enum Decoded {
    /// Valid for its type.
    Ok(String),
    /// Readable, but holds characters its type does not allow.
    Lax(String),
    /// Not a string, or bytes that do not decode: shown as `#hex`.
    Hex,
}

fn decode(t: &Tlv<'_>) -> Decoded {
    let b = t.content;
    let utf8_or_latin1 = || match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => b.iter().map(|c| char::from(*c)).collect(),
    };
    match t.tag {
        tag::UTF8 => match std::str::from_utf8(b) {
            Ok(s) => Decoded::Ok(s.to_string()),
            Err(_) => Decoded::Hex,
        },
        tag::PRINTABLE => {
            let ok = b
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(c));
            if ok {
                Decoded::Ok(utf8_or_latin1())
            } else {
                Decoded::Lax(utf8_or_latin1())
            }
        }
        tag::IA5 | tag::VISIBLE | tag::NUMERIC => {
            if b.is_ascii() {
                Decoded::Ok(utf8_or_latin1())
            } else {
                Decoded::Lax(utf8_or_latin1())
            }
        }
        // T.61 read as Latin-1, as OpenSSL does.
        tag::TELETEX | tag::VIDEOTEX | tag::GRAPHIC | tag::GENERAL => {
            Decoded::Ok(b.iter().map(|c| char::from(*c)).collect())
        }
        tag::BMP => {
            if !b.len().is_multiple_of(2) {
                return Decoded::Hex;
            }
            // UCS-2 as OpenSSL reads it: a lone surrogate is kept (shown
            // as U+FFFD), not refused.
            let units: Vec<u16> = b
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            match String::from_utf16(&units) {
                Ok(s) => Decoded::Ok(s),
                Err(_) => Decoded::Lax(String::from_utf16_lossy(&units)),
            }
        }
        tag::UNIVERSAL => {
            if !b.len().is_multiple_of(4) {
                return Decoded::Hex;
            }
            b.chunks_exact(4)
                .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .collect::<Option<String>>()
                .map_or(Decoded::Hex, Decoded::Ok)
        }
        _ => Decoded::Hex,
    }
}

/// A directory string's text (lenient: characters outside the type's set
/// are kept), or `Err` for a non-string or undecodable value.
pub fn decode_string(t: &Tlv<'_>) -> std::result::Result<String, ()> {
    match decode(t) {
        Decoded::Ok(s) | Decoded::Lax(s) => Ok(s),
        Decoded::Hex => Err(()),
    }
}

/// The short name csrkit uses for an attribute type: its own (RFC 4514
/// and OpenSSL's), else the dotted OID.
fn short_name(oid: &str) -> String {
    Attr::from_oid(oid)
        .map(|a| a.short().to_string())
        .unwrap_or_else(|| oid.to_string())
}

/// What OpenSSL's name decoder (ASN1_PRINTABLE) takes as a value: the
/// directory strings, and as opaque values BIT STRING, SEQUENCE and a few
/// rare universal types. Anything else makes OpenSSL refuse the request.
fn openssl_takes(t: &Tlv<'_>) -> bool {
    let primitive_universal = t.tag & 0xe0 == 0;
    match t.tag {
        tag::SEQUENCE => true,
        _ if !primitive_universal => false,
        tag::UTF8
        | tag::NUMERIC
        | tag::PRINTABLE
        | tag::TELETEX
        | tag::IA5
        | tag::UNIVERSAL
        | tag::BMP
        | tag::BIT_STRING => true,
        // ObjectDescriptor, EXTERNAL, REAL, ENUMERATED, EMBEDDED PDV,
        // RELATIVE-OID and reserved tags OpenSSL keeps as "unknown".
        0x07..=0x0b | 0x0d..=0x0f | 0x1d => true,
        _ => false,
    }
}

/// For a string type in constructed form (BER only): `Some` of its
/// segments' contents joined (`None` inside when they do not decode, or
/// nest deeper than OpenSSL's limit of 5), else `None`.
fn constructed_string(t: &Tlv<'_>) -> Option<Option<Vec<u8>>> {
    const STRING_TAGS: [u8; 8] = [
        tag::UTF8,
        tag::NUMERIC,
        tag::PRINTABLE,
        tag::TELETEX,
        tag::IA5,
        tag::UNIVERSAL,
        tag::BMP,
        tag::BIT_STRING,
    ];
    fn join(t: &Tlv<'_>, depth: u32, out: &mut Vec<u8>) -> Option<()> {
        if depth > 5 {
            return None;
        }
        for seg in t.children().ok()? {
            if seg.constructed() {
                join(&seg, depth + 1, out)?;
            } else {
                out.extend_from_slice(seg.content);
            }
        }
        Some(())
    }
    if !t.constructed() || t.tag & 0xc0 != 0 || !STRING_TAGS.contains(&(t.tag & !0x20)) {
        return None;
    }
    let mut out = Vec::with_capacity(t.content.len());
    Some(join(t, 0, &mut out).map(|()| out))
}

/// Decodes a Name (RFC 5280 4.1.2.4): RDNs in encoded order, each RDN's
/// attributes in encoded order. `Err` names a structural problem; values
/// that are odd for their type are kept with a warning in `warnings`.
/// `strict` (the subject) also refuses what OpenSSL refuses to load: a
/// value that is neither a directory string nor one of the opaque types it
/// keeps, and a UTF8String, BMPString or UniversalString that does not
/// decode.
pub fn decode_name_warn(
    name: &Tlv<'_>,
    warnings: &mut Vec<String>,
    strict: bool,
) -> std::result::Result<Vec<Vec<ParsedAva>>, String> {
    if name.tag != tag::SEQUENCE {
        return Err("the name is not a SEQUENCE".into());
    }
    let mut out = Vec::new();
    for rdn in name.children().map_err(|e| e.to_string())? {
        if rdn.tag != tag::SET {
            return Err("a relative distinguished name is not a SET".into());
        }
        let mut avas = Vec::new();
        for atv in rdn.children().map_err(|e| e.to_string())? {
            let f = if atv.tag == tag::SEQUENCE {
                atv.children().map_err(|e| e.to_string())?
            } else {
                Vec::new()
            };
            let [ty, value] = f.as_slice() else {
                return Err("an attribute is not a type and a value".into());
            };
            let oid = (ty.tag == tag::OID)
                .then(|| oid_string(ty.content))
                .flatten()
                .ok_or("an attribute type is not a valid OID")?;
            let short = short_name(&oid);
            // A constructed (BER) string is its segments' contents joined,
            // as OpenSSL's decoder reads it (X.690 8.23.6, asn1_collect).
            let joined;
            let value = match constructed_string(value) {
                Some(segments) => {
                    joined = segments.ok_or_else(|| {
                        format!("{short}: a constructed string's segments do not decode")
                    })?;
                    warnings.push(format!(
                        "subject {short}: a constructed (BER) string; read as OpenSSL does"
                    ));
                    &Tlv {
                        tag: value.tag & !0x20,
                        content: &joined,
                        ..*value
                    }
                }
                None => value,
            };
            let ty_name = type_name(value.tag);
            if strict && !openssl_takes(value) {
                return Err(format!(
                    "{short} is a{} {ty_name}, not a directory string",
                    if ty_name.starts_with(['a', 'e', 'i', 'o', 'u', 'E', 'I', 'O', 'U']) {
                        "n"
                    } else {
                        ""
                    }
                ));
            }
            let (value_text, hex_form) = match decode(value) {
                Decoded::Ok(s) => (s, false),
                Decoded::Lax(s) => {
                    warnings.push(format!(
                        "subject {short}: the {ty_name} holds characters its type does not allow"
                    ));
                    (s, false)
                }
                Decoded::Hex => {
                    if matches!(value.tag, tag::UTF8 | tag::BMP | tag::UNIVERSAL) {
                        if strict {
                            return Err(format!("{short}: the {ty_name} does not decode"));
                        }
                        warnings.push(format!(
                            "{short}: the {ty_name} does not decode; shown as hex"
                        ));
                    }
                    (format!("#{}", hex(value.raw)), true)
                }
            };
            avas.push(ParsedAva {
                short,
                oid,
                value: value_text,
                encoding: ty_name,
                hex_form,
            });
        }
        if avas.is_empty() {
            warnings.push("the subject has an empty relative distinguished name".into());
        }
        out.push(avas);
    }
    Ok(out)
}

/// [`decode_name_warn`] without the warnings (names inside extensions).
pub fn decode_name(name: &Tlv<'_>) -> std::result::Result<Vec<Vec<ParsedAva>>, String> {
    decode_name_warn(name, &mut Vec::new(), false)
}

/// The RFC 4514 string of a decoded name.
pub fn rfc4514_of(name: &[Vec<ParsedAva>]) -> String {
    super::rfc4514(name)
}
