//! CSRs (PKCS#10, RFC 2986): build and sign ([`build()`]), read
//! ([`parse()`]), verify the self-signature ([`verify`]) and name what a
//! request holds ([`describe`]).
//!
//! The reader reads what OpenSSL 3 reads and says exactly what is wrong with
//! the rest (SPEC §8): the signature is checked over the
//! `certificationRequestInfo` bytes as received; every subject attribute,
//! SAN, CSR attribute and extension is kept (by name where known, else by
//! OID with the value in hex); a weak key or digest is a warning beside a
//! valid signature; an algorithm csrkit does not implement, or a malformed
//! key, is reported in words ([`Verdict`]) while the rest is still shown.

use crate::field::Field;
use serde::{Serialize, Serializer};
use zeroize::Zeroize;

use crate::error::{Error, Kind};

mod alg;
mod build;
pub mod describe;
mod key;
mod name;
mod parse;
mod rsa_verify;
mod tlv;
pub mod verify;

pub use build::{build, to_pem};
pub use parse::{decode_input, parse, parse_verified};

/// One attribute of the subject (RFC 5280 4.1.2.4 AttributeTypeAndValue).
#[derive(Clone, Debug, Serialize)]
pub struct ParsedAva {
    /// Short name (`CN`, `O`, ...) where csrkit knows one, else the dotted
    /// OID (the RFC 4514 attribute type).
    #[serde(rename = "type")]
    pub short: String,
    /// The attribute type's dotted OID.
    pub oid: String,
    /// The value: the decoded string for the directory string types, or
    /// for any other ASN.1 type `#` and the hex of its whole encoding
    /// (RFC 4514 2.4). Exact: never escaped here.
    pub value: String,
    /// The ASN.1 type the value was encoded as (`UTF8String`,
    /// `PrintableString`, `BMPString`, ..., or e.g. `OCTET STRING`).
    pub encoding: &'static str,
    /// True when `value` is the `#hex` form (a non-string type, or a string
    /// whose bytes are not valid for its type).
    #[serde(skip)]
    pub hex_form: bool,
}

impl ParsedAva {
    /// True when the value is a character string (not shown as `#hex`).
    pub fn is_string(&self) -> bool {
        !self.hex_form
    }
}

/// A requested extension (RFC 5280 4.1 Extension) inside the
/// extensionRequest attribute (RFC 2985 5.4.2).
#[derive(Clone, Debug, Serialize)]
pub struct ParsedExtension {
    /// Dotted OID (`extnID`).
    pub oid: String,
    /// OpenSSL's name for it where known, else the dotted OID.
    pub name: String,
    /// The `critical` flag.
    pub critical: bool,
    /// Human-readable value (OpenSSL-like); for an extension csrkit does
    /// not decode, the `extnValue` octets as colon-separated hex.
    pub value: String,
    /// The `extnValue` octets as lowercase hex (exact).
    pub hex: String,
    /// For a subjectAltName extension, where its names are in
    /// [`ParsedCsr::sans`].
    #[serde(skip)]
    pub sans: Option<std::ops::Range<usize>>,
}

/// The subject public key, as far as csrkit understands it.
#[derive(Clone, Debug, Serialize)]
pub struct KeyInfo {
    /// `RSA`, `EC`, `ED25519`, or the algorithm's name in words
    /// (`DSA`, `Ed448`, `X25519`, `GOST R 34.10-2012`, ...), or the OID.
    pub algorithm: String,
    /// Key size in bits (RSA modulus, EC field, DSA prime), 0 if unknown.
    pub bits: u32,
    /// The named curve (`P-256`, `brainpoolP256r1`, ...), for EC keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
    /// A restriction carried by the key's algorithm identifier, e.g.
    /// `RSASSA-PSS` for an id-RSASSA-PSS key (RFC 4055 1.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restricted_to: Option<String>,
}

/// One subject alternative name (RFC 5280 4.2.1.6 GeneralName).
#[derive(Clone, Debug, Serialize)]
pub struct ParsedSan {
    /// `DNS`, `email`, `URI`, `IP`, `DirName`, `RID`, `othername`,
    /// `X400Name` or `EdiPartyName`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The name: exact text for the IA5String kinds (UTF-8 when the bytes
    /// are UTF-8, else each byte as the code point of the same value), the
    /// address for IP, RFC 4514 for DirName, OID for RID.
    pub value: String,
    /// The raw bytes of an IA5String name that is not plain ASCII (as the
    /// type demands): shown escaped in text, as hex in JSON (`hex`).
    #[serde(
        rename = "hex",
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_hex"
    )]
    pub raw: Option<Vec<u8>>,
}

fn ser_hex<S: Serializer>(raw: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
    match raw {
        Some(b) => s.serialize_str(&tlv::hex(b)),
        None => s.serialize_none(),
    }
}

/// A secret value (a challengePassword): redacted in Debug, wiped on drop.
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    /// The secret text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// One CSR attribute (RFC 2986 4.1 `attributes`, RFC 2985 5.4).
#[derive(Clone, Debug, Serialize)]
pub struct ParsedAttribute {
    /// Dotted OID of the attribute type.
    pub oid: String,
    /// Its name where known (`challengePassword`, `unstructuredName`,
    /// `extensionRequest`, Microsoft's `enrollmentCSP`, ...), else the OID.
    pub name: String,
    /// Each value, readable (unknown ones as hex of their encoding). A
    /// challengePassword reads `set, N characters` unless revealed.
    pub values: Vec<String>,
    /// The secret behind a redacted value (never serialized).
    #[serde(skip)]
    pub secret: Option<Secret>,
}

/// The outcome of the self-signature check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The signature verifies over the request info as received.
    Valid,
    /// It does not: altered, or signed with another key (exit 7).
    Invalid,
    /// csrkit does not implement the algorithm, key or curve; the message
    /// names it in words (exit 2).
    Unsupported(String),
    /// The key or signature is malformed; the message names the part
    /// (exit 2).
    Malformed(String),
}

impl Verdict {
    /// `valid`, `invalid`, `unsupported` or `malformed`.
    pub fn status(&self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Invalid => "invalid",
            Verdict::Unsupported(_) => "unsupported",
            Verdict::Malformed(_) => "malformed",
        }
    }

    /// The problem in words, if any.
    pub fn problem(&self) -> Option<&str> {
        match self {
            Verdict::Unsupported(m) | Verdict::Malformed(m) => Some(m),
            _ => None,
        }
    }
}

/// The message of exit 7.
pub const BAD_SIGNATURE: &str =
    "the CSR's signature does not verify: it was altered or signed with another key";

/// A decoded CSR with its verification result.
#[derive(Clone, Debug)]
pub struct ParsedCsr {
    /// The CSR's DER as read (PEM removed).
    pub der: Vec<u8>,
    /// The `version` field (0 means v1, the only one RFC 2986 defines).
    pub version: i64,
    /// The subject, RDN by RDN in encoded order (least specific first).
    pub subject: Vec<Vec<ParsedAva>>,
    /// Subject alternative names from the extension request, in order.
    pub sans: Vec<ParsedSan>,
    /// Requested extensions, in order.
    pub extensions: Vec<ParsedExtension>,
    /// Every CSR attribute (the extension request included), in order.
    pub attributes: Vec<ParsedAttribute>,
    /// The subject public key.
    pub key: KeyInfo,
    /// OpenSSL's name of the signature algorithm (`sha256WithRSAEncryption`,
    /// `rsassaPss`, `ecdsa-with-SHA384`, `ED25519`, ...), else the OID.
    pub signature_algorithm: String,
    /// RSASSA-PSS parameters in words (hash, MGF1 hash, salt length).
    pub signature_parameters: Option<String>,
    /// True when the signature verifies ([`Verdict::Valid`]).
    pub verified: bool,
    /// What the signature check found.
    pub verdict: Verdict,
    /// Everything odd but readable: weak keys and digests, a version other
    /// than 0, duplicate extension requests, values not valid for their
    /// type, non-DER encodings.
    pub warnings: Vec<String>,
    /// SHA-256 of the DER, colon-separated uppercase hex.
    pub fingerprint_sha256: String,
    /// SHA-256 of the SubjectPublicKeyInfo, likewise.
    pub spki_sha256: String,
    /// The SubjectPublicKeyInfo's encoding as received.
    pub spki_der: Vec<u8>,
}

impl ParsedCsr {
    /// Whether it carries a challengePassword (PKCS#9 1.2.840.113549.1.9.7,
    /// sent in the clear; records do not keep it).
    pub fn has_challenge_password(&self) -> bool {
        self.attributes
            .iter()
            .any(|at| at.oid == "1.2.840.113549.1.9.7")
    }

    /// RFC 4514 string, most specific RDN first. String values are escaped
    /// per RFC 4514 2.4 (control characters and bidi controls as `\XX`
    /// hex pairs of their UTF-8 bytes); other values are `#` and hex.
    pub fn subject_rfc4514(&self) -> String {
        rfc4514(&self.subject)
    }

    /// The values of every subject attribute with short name `short`.
    pub fn subject_values(&self, short: &str) -> Vec<&str> {
        self.subject
            .iter()
            .flatten()
            .filter(|a| a.short == short)
            .map(|a| a.value.as_str())
            .collect()
    }

    /// The most specific common name.
    pub fn common_name(&self) -> Option<&str> {
        self.subject_values("CN").last().copied()
    }

    /// The CSR as PEM (`CERTIFICATE REQUEST`).
    pub fn pem(&self) -> String {
        to_pem(&self.der)
    }

    /// True when basicConstraints asks for a CA.
    pub fn is_ca(&self) -> bool {
        self.extensions
            .iter()
            .any(|e| e.name == "basicConstraints" && e.value.starts_with("CA:TRUE"))
    }

    /// The SAN values of one kind (`DNS`, `IP`, `email`, `URI`).
    pub fn sans_of(&self, kind: &str) -> Vec<String> {
        self.sans
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| s.value.clone())
            .collect()
    }

    /// Shows secret attribute values (challengePassword) in place of
    /// `set, N characters` (`show --show-secrets`).
    pub fn reveal_secrets(&mut self) {
        for a in &mut self.attributes {
            if let Some(s) = &a.secret {
                a.values = vec![s.expose().to_string()];
            }
        }
    }

    /// The error a command ends with after showing this CSR: exit 7 for a
    /// signature that does not verify, exit 2 for an algorithm csrkit does
    /// not implement or a malformed key (naming it), none when valid.
    pub fn verification_error(&self) -> Option<Error> {
        match &self.verdict {
            Verdict::Valid => None,
            Verdict::Invalid => Some(Error::new(Kind::BadSignature, BAD_SIGNATURE)),
            Verdict::Unsupported(m) => Some(
                Error::new(Kind::Invalid, format!("cannot verify the CSR's signature: {m}"))
                    .with_field(Field::File)
                    .with_hint("csrkit verifies RSA (PKCS#1 v1.5 and PSS), ECDSA on P-256, P-384 and P-521, and Ed25519"),
            ),
            Verdict::Malformed(m) => Some(
                Error::new(Kind::Invalid, format!("not a valid CSR: {m}")).with_field(Field::File),
            ),
        }
    }
}

/// A value from a CSR or certificate made safe for a terminal: a
/// backslash doubled, each [`is_unsafe_char`] as `\\xNN` (up to U+00FF)
/// or `\\u{NNNN}`; everything else as is. Used by every text output.
pub fn term(s: &str) -> std::borrow::Cow<'_, str> {
    escape_for_terminal(s, true)
}

/// True for characters that change a terminal or the direction of text:
/// C0 controls, DEL, C1 controls, and the Unicode bidi controls, line and
/// paragraph separators.
pub fn is_unsafe_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        // Zero-width and invisible format characters: a name that hides a
        // character prints as another name.
        | '\u{00ad}' | '\u{180e}' | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}'
        | '\u{206a}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// A line for stderr (an error, a hint, a note) made safe for a terminal:
/// each [`is_unsafe_char`] as `\xNN` or `\u{NNNN}`, backslashes as they
/// are (the line may hold values [`term`] already escaped). Applied at the
/// edge to every line csrkit writes to stderr, so a path or value with an
/// escape code never reaches the terminal raw.
pub fn term_line(s: &str) -> std::borrow::Cow<'_, str> {
    escape_for_terminal(s, false)
}

/// [`term`] (`double_backslash`) and [`term_line`]: each
/// [`is_unsafe_char`] as `\xNN` (up to U+00FF) or `\u{NNNN}`.
fn escape_for_terminal(s: &str, double_backslash: bool) -> std::borrow::Cow<'_, str> {
    // Printable ASCII needs no escape (but a backslash when doubled): one
    // pass over the bytes, most of `list`'s cells.
    if s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && !(double_backslash && b == b'\\'))
    {
        return std::borrow::Cow::Borrowed(s);
    }
    let escapes = |c: char| (double_backslash && c == '\\') || is_unsafe_char(c);
    if !s.chars().any(escapes) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c == '\\' && double_backslash {
            out.push_str("\\\\");
        } else if is_unsafe_char(c) {
            let n = u32::from(c);
            if n <= 0xff {
                let _ = std::fmt::Write::write_fmt(&mut out, format_args!("\\x{n:02x}"));
            } else {
                let _ = std::fmt::Write::write_fmt(&mut out, format_args!("\\u{{{n:04x}}}"));
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A DER Name (RFC 5280 §4.1.2.4, a SEQUENCE of RDNs) as csrkit reads a
/// CSR's subject: RDNs in encoded order. `None` when it does not decode.
pub fn name_from_der(der: &[u8]) -> Option<Vec<Vec<ParsedAva>>> {
    let tlv = tlv::read_one(der).ok()?;
    name::decode_name(&tlv).ok()
}

/// The one printer of names, a CSR's or a certificate's: RFC 4514 (most
/// specific RDN first), csrkit's short names (dotted OIDs for types it
/// has none for), values escaped per RFC 4514 §2.4, `#hex` for values
/// that are not strings.
pub fn name_string(name: &[Vec<ParsedAva>]) -> String {
    rfc4514(name)
}

/// Whether two names are the same name, compared as RFC 5280 §7.1 does:
/// RDN by RDN in order, each RDN the same set of attributes, each
/// attribute the same type and the same value, string values after RFC
/// 4518's insignificant-space handling and case folding (caseIgnoreMatch;
/// the encoding, UTF8String or PrintableString, does not matter), other
/// values byte for byte. Printing both and comparing texts is not the same
/// (two printers, escapes, multi-valued RDNs in another order).
pub fn names_match(a: &[Vec<ParsedAva>], b: &[Vec<ParsedAva>]) -> bool {
    fn fold(v: &ParsedAva) -> (String, String) {
        let value = if v.is_string() {
            v.value
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        } else {
            v.value.clone()
        };
        (v.oid.clone(), value)
    }
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            let mut x: Vec<_> = x.iter().map(fold).collect();
            let mut y: Vec<_> = y.iter().map(fold).collect();
            x.sort();
            y.sort();
            x == y
        })
}

/// RFC 4514 string of a name held as RDNs in encoded order: most specific
/// RDN first, `+` between the attributes of a multi-valued RDN.
fn rfc4514(name: &[Vec<ParsedAva>]) -> String {
    name.iter()
        .rev()
        .map(|rdn| {
            rdn.iter()
                .map(|a| {
                    if a.is_string() {
                        format!("{}={}", a.short, escape4514(&a.value))
                    } else {
                        format!("{}={}", a.short, a.value)
                    }
                })
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// RFC 4514 2.4 escaping of one string value.
fn escape4514(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let n = v.chars().count();
    for (i, c) in v.chars().enumerate() {
        if is_unsafe_char(c) {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\{b:02X}"));
            }
            continue;
        }
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=')
            || (c == '#' && i == 0)
            || (c == ' ' && (i == 0 || i + 1 == n))
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Colon-separated uppercase hex (`AB:CD:..`), as OpenSSL prints digests.
pub fn hex_colon(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        s.push_str(&format!("{b:02X}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4514_escapes_controls_as_hex_pairs() {
        assert_eq!(escape4514("a,b"), "a\\,b");
        assert_eq!(escape4514("#x"), "\\#x");
        assert_eq!(escape4514("x\u{1b}]0;t\u{7}"), "x\\1B]0\\;t\\07");
        assert_eq!(escape4514("a\u{202e}b"), "a\\E2\\80\\AEb");
        assert_eq!(escape4514("é"), "é");
    }
}
