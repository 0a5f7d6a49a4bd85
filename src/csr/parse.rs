//! Reading a CSR (RFC 2986 4.1 CertificationRequest) as OpenSSL does:
//! PEM or DER input, any `version` (a warning when not 0), subject names
//! with every directory string type (RFC 5280 4.1.2.4) and multi-valued
//! RDNs in any order, every CSR attribute, the extension request (the
//! first, as OpenSSL chooses), then the signature over the
//! certificationRequestInfo bytes exactly as received ([`super::verify`]).

use crate::field::Field;
use aws_lc_rs::digest;

use super::describe::{self, extension_name};
use super::tlv::{hex, oid_string, read_one, tag, Tlv};
use super::verify::verify_signature;
use super::{hex_colon, ParsedAva, ParsedCsr};
use crate::error::{Error, Kind, Result};
use crate::request::Attr;

const OID_EXT_REQ: &str = "1.2.840.113549.1.9.14";
const OID_MS_EXT_REQ: &str = "1.3.6.1.4.1.311.2.1.14";

fn bad_csr(m: impl std::fmt::Display) -> Error {
    Error::new(Kind::Invalid, format!("not a valid CSR: {m}"))
        .with_field(Field::File)
        .with_hint(
            "give a PKCS#10 request as PEM (CERTIFICATE REQUEST or NEW CERTIFICATE REQUEST) or DER",
        )
}

/// Reads CSR bytes: PEM (`CERTIFICATE REQUEST` or `NEW CERTIFICATE
/// REQUEST`) or DER. Errors (exit 2) name what is wrong with the input.
pub fn decode_input(data: &[u8]) -> Result<Vec<u8>> {
    let trimmed = data
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| &data[i..])
        .unwrap_or(&[]);
    if trimmed.is_empty() {
        return Err(bad_csr("the input is empty"));
    }
    if trimmed.starts_with(b"-----BEGIN")
        || (trimmed[0] != 0x30 && std::str::from_utf8(data).is_ok())
    {
        let text = std::str::from_utf8(data).map_err(|_| bad_csr("the PEM text is not UTF-8"))?;
        let blocks = pem::parse_many(text).map_err(|e| bad_csr(format!("bad PEM: {e}")))?;
        if blocks.is_empty() {
            let bare_base64 = text.bytes().all(|b| {
                b.is_ascii_alphanumeric() || b"+/=".contains(&b) || b.is_ascii_whitespace()
            });
            return Err(if bare_base64 {
                bad_csr("no PEM block found; the text looks like bare base64 (an EST body?)")
                    .with_hint("wrap it in -----BEGIN CERTIFICATE REQUEST----- and -----END CERTIFICATE REQUEST----- lines, or decode it to DER (base64 -d)")
            } else {
                bad_csr("no PEM block found")
            });
        }
        return blocks
            .into_iter()
            .find(|b| b.tag() == "CERTIFICATE REQUEST" || b.tag() == "NEW CERTIFICATE REQUEST")
            .map(|b| b.into_contents())
            .ok_or_else(|| {
                let label = crate::keys::pem_label(text).unwrap_or("").to_string();
                bad_csr(format!(
                    "the PEM label is '{label}', expected 'CERTIFICATE REQUEST'"
                ))
            });
    }
    Ok(trimmed.to_vec())
}

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

fn sha256_colon(data: &[u8]) -> String {
    hex_colon(digest::digest(&digest::SHA256, data).as_ref())
}

/// Decodes a CSR and verifies its self-signature over the
/// certificationRequestInfo bytes as received. `Err` (exit 2, "not a valid
/// CSR: ...") when the request's structure cannot be read; otherwise the
/// verdict, warnings and everything readable are in the [`ParsedCsr`].
pub fn parse(der_bytes: &[u8]) -> Result<ParsedCsr> {
    let outer = read_one(der_bytes).map_err(|e| bad_csr(format!("the request: {e}")))?;
    let parts = match outer.tag {
        tag::SEQUENCE => outer
            .children()
            .map_err(|e| bad_csr(format!("the request: {e}")))?,
        _ => return Err(bad_csr("the request is not a SEQUENCE")),
    };
    let [info, alg, sig] = parts.as_slice() else {
        return Err(bad_csr(
            "the request is not a request info, a signature algorithm and a signature",
        ));
    };
    if info.tag != tag::SEQUENCE {
        return Err(bad_csr("the certificationRequestInfo is not a SEQUENCE"));
    }
    if alg.tag != tag::SEQUENCE {
        return Err(bad_csr("the signature algorithm is not a SEQUENCE"));
    }
    if sig.tag != tag::BIT_STRING {
        return Err(bad_csr("the signature is not a BIT STRING"));
    }
    let f = info
        .children()
        .map_err(|e| bad_csr(format!("the certificationRequestInfo: {e}")))?;
    let (version, subject, spki, attrs) =
        match f.as_slice() {
            [v, s, k] => (v, s, k, None),
            [v, s, k, a] => (v, s, k, Some(a)),
            _ => return Err(bad_csr(
                "the certificationRequestInfo is not a version, subject, public key and attributes",
            )),
        };
    let mut warnings = Vec::new();
    if version.tag != tag::INTEGER || version.content.is_empty() {
        return Err(bad_csr("the version is not an INTEGER"));
    }
    if let [first, second, ..] = version.content {
        // X.690 8.3.2: the first nine bits are never all equal. OpenSSL
        // refuses such padding too.
        if (*first == 0 && second & 0x80 == 0) || (*first == 0xff && second & 0x80 != 0) {
            return Err(bad_csr(
                "the version INTEGER has illegal padding (X.690 8.3.2)",
            ));
        }
    }
    let version_n = version.small_int().unwrap_or(-1);
    if version_n != 0 {
        let shown = version
            .small_int()
            .map_or_else(|| format!("0x{}", hex(version.content)), |v| v.to_string());
        warnings.push(format!(
            "version {shown}: RFC 2986 defines only version 0 (v1); read as v1, as OpenSSL does"
        ));
    }
    let subject = decode_name_warn(subject, &mut warnings, true)
        .map_err(|e| bad_csr(format!("the subject: {e}")))?;
    if spki.tag != tag::SEQUENCE {
        return Err(bad_csr("the subject public key info is not a SEQUENCE"));
    }
    let mut sans = Vec::new();
    let mut extensions = Vec::new();
    let mut attributes = Vec::new();
    match attrs {
        None => warnings
            .push("the request has no attributes field (RFC 2986 requires it, even empty)".into()),
        Some(a) if a.tag != 0xa0 => {
            return Err(bad_csr("the attributes are not a [0] SET OF Attribute"))
        }
        Some(a) => read_attributes(
            a,
            &mut attributes,
            &mut extensions,
            &mut sans,
            &mut warnings,
        )?,
    }
    if [&outer, info, alg, sig, spki]
        .iter()
        .any(|t| t.non_der_length)
    {
        warnings.push("the request uses BER lengths (not DER); read as OpenSSL does".into());
    }

    let v = verify_signature(alg.raw, spki.raw, info.raw, sig.content);
    warnings.extend(v.warnings);
    let warnings = collapse(warnings);
    Ok(ParsedCsr {
        der: der_bytes.to_vec(),
        version: version_n,
        subject,
        sans,
        extensions,
        attributes,
        key: v.key,
        signature_algorithm: v.algorithm,
        signature_parameters: v.parameters,
        verified: v.verdict == super::Verdict::Valid,
        verdict: v.verdict,
        warnings,
        fingerprint_sha256: sha256_colon(der_bytes),
        spki_sha256: sha256_colon(spki.raw),
        spki_der: spki.raw.to_vec(),
    })
}

/// The same warning once, with a count when it came up more than once
/// (a hostile request can repeat one thing many thousand times).
fn collapse(warnings: Vec<String>) -> Vec<String> {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for w in &warnings {
        *counts.entry(w.as_str()).or_default() += 1;
    }
    if counts.len() == warnings.len() {
        return warnings;
    }
    let mut out = Vec::with_capacity(counts.len());
    for w in &warnings {
        if let Some(n) = counts.remove(w.as_str()) {
            out.push(if n > 1 {
                format!("{w} ({n} times)")
            } else {
                w.clone()
            });
        }
    }
    out
}

/// Reads the attributes (RFC 2986 4.1: SET OF Attribute { type, SET OF
/// value }); the extension request OpenSSL uses is the first
/// extensionRequest, else the first Microsoft msExtReq, and in it the
/// first value.
fn read_attributes(
    a: &Tlv<'_>,
    attributes: &mut Vec<super::ParsedAttribute>,
    extensions: &mut Vec<super::ParsedExtension>,
    sans: &mut Vec<super::ParsedSan>,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let mut ext_reqs: Vec<(String, Tlv<'_>, usize)> = Vec::new();
    for attr in a
        .children()
        .map_err(|e| bad_csr(format!("the attributes: {e}")))?
    {
        let f = if attr.tag == tag::SEQUENCE {
            attr.children()
                .map_err(|e| bad_csr(format!("an attribute: {e}")))?
        } else {
            Vec::new()
        };
        let [ty, set] = f.as_slice() else {
            return Err(bad_csr("an attribute is not a type and a SET of values"));
        };
        let oid = (ty.tag == tag::OID)
            .then(|| oid_string(ty.content))
            .flatten()
            .ok_or_else(|| bad_csr("an attribute type is not a valid OID"))?;
        if set.tag != tag::SET {
            return Err(bad_csr(format!(
                "attribute {oid}: the values are not a SET"
            )));
        }
        let values = set
            .children()
            .map_err(|e| bad_csr(format!("attribute {oid}: {e}")))?;
        if oid == OID_EXT_REQ || oid == OID_MS_EXT_REQ {
            if let Some(first) = values.first() {
                ext_reqs.push((oid.clone(), *first, values.len()));
            }
        }
        attributes.push(describe::attribute(&oid, &values, warnings));
    }
    if ext_reqs.len() > 1 {
        warnings.push(format!(
            "the request has {} extension request attributes; only the first is used, as OpenSSL does",
            ext_reqs.len()
        ));
    }
    let chosen = ext_reqs
        .iter()
        .find(|(o, _, _)| o == OID_EXT_REQ)
        .or_else(|| ext_reqs.first());
    if let Some((oid, value, count)) = chosen {
        if *count > 1 {
            warnings.push(format!(
                "the extension request attribute has {count} values; only the first is used, as OpenSSL does"
            ));
        }
        if oid == OID_MS_EXT_REQ {
            warnings.push(
                "the extensions are in Microsoft's msExtReq attribute (1.3.6.1.4.1.311.2.1.14)"
                    .into(),
            );
        }
        read_extensions(value, extensions, sans, warnings);
    }
    Ok(())
}

/// Reads Extensions (RFC 5280 4.1: SEQUENCE OF Extension { extnID,
/// critical DEFAULT FALSE, extnValue OCTET STRING }). A malformed request
/// is a warning: the signature still decides the verdict.
fn read_extensions(
    value: &Tlv<'_>,
    extensions: &mut Vec<super::ParsedExtension>,
    sans: &mut Vec<super::ParsedSan>,
    warnings: &mut Vec<String>,
) {
    let malformed = |warnings: &mut Vec<String>, what: &str| {
        warnings.push(format!(
            "the extension request is malformed ({what}); the extensions after that point are not shown"
        ));
    };
    if value.tag != tag::SEQUENCE {
        return malformed(warnings, "not a SEQUENCE");
    }
    let Ok(items) = value.children() else {
        return malformed(warnings, "bad encoding");
    };
    let mut seen = std::collections::HashSet::new();
    for ext in items {
        let Some(f) = (ext.tag == tag::SEQUENCE)
            .then(|| ext.children().ok())
            .flatten()
        else {
            return malformed(warnings, "an extension is not a SEQUENCE");
        };
        let (id, critical, octets) = match f.as_slice() {
            [id, v] => (id, None, v),
            [id, c, v] => (id, Some(c), v),
            _ => return malformed(warnings, "an extension has the wrong number of fields"),
        };
        let Some(oid) = (id.tag == tag::OID)
            .then(|| oid_string(id.content))
            .flatten()
        else {
            return malformed(warnings, "an extension's ID is not an OID");
        };
        let critical = match critical {
            None => false,
            Some(c) if c.tag == tag::BOOLEAN && c.content.len() == 1 => c.content[0] != 0,
            Some(_) => return malformed(warnings, "a critical flag is not a BOOLEAN"),
        };
        if octets.tag != tag::OCTET_STRING {
            return malformed(warnings, "an extension value is not an OCTET STRING");
        }
        if !seen.insert(oid.clone()) {
            warnings.push(format!(
                "the extension request repeats {} (RFC 5280 4.2 allows each extension once)",
                extension_name(&oid).unwrap_or(&oid)
            ));
        }
        extensions.push(describe::extension(
            oid,
            critical,
            octets.content,
            sans,
            warnings,
        ));
    }
}

/// Parses and insists that the signature verifies: exit 7 otherwise, or
/// exit 2 for an algorithm csrkit does not implement or a malformed key.
pub fn parse_verified(der_bytes: &[u8]) -> Result<ParsedCsr> {
    let p = parse(der_bytes)?;
    match p.verification_error() {
        None => Ok(p),
        Some(e) => Err(e),
    }
}
