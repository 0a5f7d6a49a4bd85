//! Subject distinguished names (RFC 5280 §4.1.2.4): parsing RFC 4514
//! (`CN=a,O=b`; also `;` between RDNs, RFC 1779 quoted values and `#hex`
//! values) and OpenSSL (`/O=b/CN=a`) forms, escaping for printing, and
//! validating each value. The attribute types are in [`super::attrs`]. It
//! must not know about keys, SANs or vendors.

use crate::field::Field;
use crate::mention;
use serde::{Deserialize, Serialize};

use super::attrs::{Attr, StringType, ATTRS, COUNTRIES};
use super::der;
use super::san::{is_ldh_label, validate_email};
use crate::error::{Error, Result};

/// One attribute value in a subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ava {
    #[serde(rename = "type")]
    pub attr: Attr,
    /// The value's text; for a `#hex` value that is not a character
    /// string, `#` and the hex.
    pub value: String,
    /// A value given as RFC 4514 `#hex`: the DER of the whole
    /// AttributeValue (lowercase hex), written into the CSR as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub der: Option<String>,
}

impl Ava {
    pub fn text(attr: Attr, value: String) -> Ava {
        Ava {
            attr,
            value,
            der: None,
        }
    }
}

/// A relative distinguished name: one or more values (`+` in DN strings).
pub type Rdn = Vec<Ava>;

/// A subject in DER order (the first RDN is the most significant, e.g. C).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Subject(pub Vec<Rdn>);

/// Most attribute values in one RDN (`+` in DN strings). RFC 5280 sets no
/// limit; real subjects use two or three, and every value costs a DER sort
/// in the CSR (docs/design.md, "Bounds").
pub const MAX_RDN_VALUES: usize = 64;

/// Most attribute values in a whole subject, over all its RDNs.
pub const MAX_NAME_VALUES: usize = 256;

/// Most bytes (UTF-8) of attribute values in a whole subject. One value
/// may reach RFC 5280's largest upper bound (32768 characters, GN and
/// SN); the bound keeps every accepted request within what the keystore
/// reads back (a record of at most 1 MiB).
pub const MAX_NAME_BYTES: usize = 64 << 10;

fn too_many_in_rdn(field: Field, n: usize) -> Error {
    Error::invalid(
        field,
        format!("an RDN with {n} values; csrkit allows at most {MAX_RDN_VALUES} values in one RDN"),
    )
    .with_hint("join fewer values with '+'; RFC 5280 sets no limit, csrkit does")
}

fn too_many_in_name(field: Field, n: usize) -> Error {
    Error::invalid(
        field,
        format!("a subject with {n} values; csrkit allows at most {MAX_NAME_VALUES} in a subject"),
    )
    .with_hint("give fewer attributes; RFC 5280 sets no limit, csrkit does")
}

/// Canonical order used when the subject is built from single fields.
const FIELD_ORDER: &[Attr] = &[
    Attr::DC,
    Attr::C,
    Attr::ST,
    Attr::L,
    Attr::STREET,
    Attr::O,
    Attr::OU,
    Attr::CN,
    Attr::UID,
    Attr::Email,
];

impl Subject {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// All values of one attribute type, in DER order.
    pub fn values(&self, attr: Attr) -> Vec<&str> {
        self.0
            .iter()
            .flatten()
            .filter(|a| a.attr == attr)
            .map(|a| a.value.as_str())
            .collect()
    }

    /// The most specific (last) value of an attribute.
    pub fn get(&self, attr: Attr) -> Option<&str> {
        self.values(attr).last().copied()
    }

    pub fn common_name(&self) -> Option<&str> {
        self.get(Attr::CN)
    }

    /// Replaces every value of `attr` with `values` (an empty list removes
    /// the attribute). Existing single-valued RDNs of that type are replaced
    /// in place; new ones go to their canonical position.
    pub fn set(&mut self, attr: Attr, values: &[String]) {
        let first_pos = self
            .0
            .iter()
            .position(|rdn| rdn.len() == 1 && rdn[0].attr == attr);
        // Drop single-valued RDNs of this type; drop the type from multi-valued ones.
        let mut rdns: Vec<Rdn> = Vec::with_capacity(self.0.len() + values.len());
        let mut insert_at = None;
        for (i, rdn) in self.0.drain(..).enumerate() {
            if rdn.len() == 1 && rdn[0].attr == attr {
                if Some(i) == first_pos {
                    insert_at = Some(rdns.len());
                }
                continue;
            }
            let kept: Rdn = rdn.into_iter().filter(|a| a.attr != attr).collect();
            if !kept.is_empty() {
                rdns.push(kept);
            }
        }
        let at = insert_at.unwrap_or_else(|| canonical_position(&rdns, attr));
        let new: Vec<Rdn> = values
            .iter()
            .map(|v| vec![Ava::text(attr, v.clone())])
            .collect();
        rdns.splice(at..at, new);
        self.0 = rdns;
    }

    /// Refuses a subject over [`MAX_RDN_VALUES`] in an RDN,
    /// [`MAX_NAME_VALUES`] or [`MAX_NAME_BYTES`] in all; the error names `field`, or, for a
    /// subject built from single fields, the flag of its most frequent
    /// attribute type (`field` is `None`).
    pub fn check_bounds(&self, field: Option<Field>) -> Result<()> {
        let flag = |rdns: &mut dyn Iterator<Item = &Ava>| -> Field {
            if let Some(f) = field {
                return f;
            }
            let mut counts = [0usize; ATTRS.len()];
            for a in rdns {
                if let Some(i) = ATTRS.iter().position(|i| i.attr == a.attr) {
                    counts[i] += 1;
                }
            }
            let top = (0..ATTRS.len()).max_by_key(|i| counts[*i]).unwrap_or(0);
            ATTRS[top].field
        };
        if let Some(rdn) = self.0.iter().find(|r| r.len() > MAX_RDN_VALUES) {
            return Err(too_many_in_rdn(flag(&mut rdn.iter()), rdn.len()));
        }
        let total: usize = self.0.iter().map(Vec::len).sum();
        if total > MAX_NAME_VALUES {
            return Err(too_many_in_name(flag(&mut self.0.iter().flatten()), total));
        }
        let bytes: usize = self
            .0
            .iter()
            .flatten()
            .map(|a| a.value.len() + a.der.as_ref().map_or(0, |d| d.len() / 2))
            .sum();
        if bytes > MAX_NAME_BYTES {
            return Err(Error::invalid(
                flag(&mut self.0.iter().flatten()),
                format!(
                    "the subject's values are {bytes} bytes long; csrkit allows at most {} KiB in a subject",
                    MAX_NAME_BYTES >> 10
                ),
            )
            .with_hint("shorten the values"));
        }
        Ok(())
    }

    /// RFC 4514 string (most specific RDN first, as LDAP and `openssl -nameopt RFC2253` print).
    pub fn to_rfc4514(&self) -> String {
        self.0
            .iter()
            .rev()
            .map(|rdn| {
                rdn.iter()
                    .map(|a| match &a.der {
                        Some(hex) => format!("{}=#{hex}", a.attr.short()),
                        None => format!("{}={}", a.attr.short(), escape_rfc4514(&a.value)),
                    })
                    .collect::<Vec<_>>()
                    .join("+")
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// OpenSSL slash form in DER order (`/C=DE/O=b/CN=a`).
    pub fn to_slash(&self) -> String {
        let mut out = String::new();
        for rdn in &self.0 {
            out.push('/');
            let parts: Vec<String> = rdn
                .iter()
                .map(|a| format!("{}={}", a.attr.short(), escape_slash(&a.value)))
                .collect();
            out.push_str(&parts.join("+"));
        }
        out
    }

    /// Parses a DN in RFC 4514 form (`CN=a,O=b`; `;` also separates RDNs,
    /// as RFC 1779 and Windows write them) or OpenSSL slash form
    /// (`/C=DE/O=b/CN=a`, where `,` and `;` are text), with `+` joining
    /// the values of a multi-valued RDN. Attribute types by name (any
    /// case) or dotted OID; in RFC 4514 form a value may be `#hex` (the
    /// DER of the AttributeValue, RFC 4514 §2.4) or `"quoted"` (RFC 1779).
    pub fn parse(dn: &str) -> Result<Subject> {
        // Surrounding ASCII whitespace goes, except a space escaped as `\ `
        // (RFC 4514 writes a value's trailing space that way). Other
        // whitespace (e.g. U+00A0) is part of the value.
        let dn_trim = trim_unescaped(
            dn.trim_start_matches(|c: char| c.is_ascii_whitespace())
                .trim_end_matches(|c: char| c.is_ascii_whitespace() && c != ' '),
        );
        if dn_trim.is_empty() || dn_trim == "/" {
            return Ok(Subject::default());
        }
        let slash = dn_trim.starts_with('/');
        let body = if slash { &dn_trim[1..] } else { dn_trim };
        let mut rdns = Vec::new();
        let mut total = 0usize;
        for avas in split_dn(body, slash)? {
            let mut rdn = Vec::new();
            // Refused before any value is decoded: the bounds are what
            // keep building the CSR cheap.
            if avas.len() > MAX_RDN_VALUES {
                return Err(too_many_in_rdn(Field::Subject, avas.len()));
            }
            total += avas.len();
            if total > MAX_NAME_VALUES {
                return Err(too_many_in_name(Field::Subject, total));
            }
            for ava_str in avas {
                rdn.push(parse_ava(ava_str, slash)?);
            }
            rdns.push(rdn);
        }
        if !slash {
            rdns.reverse();
        }
        Ok(Subject(rdns))
    }
}

/// One `TYPE=VALUE` of a DN.
fn parse_ava(ava_str: &str, slash: bool) -> Result<Ava> {
    let shown = |s: &str| s.trim().escape_debug().to_string();
    if ava_str.trim().is_empty() {
        return Err(
            Error::invalid(Field::Subject, "an empty RDN (two separators in a row?)")
                .with_hint("remove the extra ',', ';', '/' or '+'"),
        );
    }
    let Some(eq) = find_unescaped(ava_str, '=') else {
        return Err(Error::invalid(
            Field::Subject,
            format!("'{}' is not TYPE=VALUE", shown(ava_str)),
        )
        .with_hint("write the subject as CN=name,O=org or /C=DE/O=org/CN=name; escape a ',', ';' or '+' in a value with a backslash"));
    };
    let key = ava_str[..eq].trim();
    let raw = trim_unescaped(&ava_str[eq + 1..]);
    let attr = Attr::parse(key).ok_or_else(|| {
        Error::invalid(Field::Subject, format!("unknown attribute type '{}'", shown(key)))
            .with_hint("use a name such as CN, O, OU, C, ST, L, serialNumber, organizationIdentifier, jurisdictionC, businessCategory, or a dotted OID such as 2.5.4.97")
    })?;
    let key = shown(key);
    if !slash {
        if let Some(hex) = raw.strip_prefix('#') {
            let bytes = der::from_hex(hex)
                .and_then(|b| der::check_tlv(&b).map(|()| b))
                .and_then(|b| der::check_attribute_value(&b).map(|()| b))
                .map_err(|m| {
                    Error::invalid(Field::Subject, format!("{key}=#...: {m}")).with_hint(
                        "after '#' give the DER of the whole value in hex (e.g. #0c03616263 for the UTF8String abc); escape a leading # as \\#",
                    )
                })?;
            let value =
                der::string_text(&bytes).unwrap_or_else(|| format!("#{}", der::to_hex(&bytes)));
            return Ok(Ava {
                attr,
                value,
                der: Some(der::to_hex(&bytes)),
            });
        }
        if let Some(inner) = raw.strip_prefix('"') {
            let Some(inner) = inner.strip_suffix('"').filter(|i| !ends_escaped(i)) else {
                return Err(Error::invalid(
                    Field::Subject,
                    format!("{key}: a quoted value must end with its quote"),
                )
                .with_hint("write TYPE=\"value\" with nothing after the closing quote, or escape the quote as \\\""));
            };
            let value = unescape(inner, true)
                .map_err(|m| Error::invalid(Field::Subject, format!("{key}: {m}")))?;
            return Ok(Ava::text(attr, value));
        }
    }
    let value =
        unescape(raw, !slash).map_err(|m| Error::invalid(Field::Subject, format!("{key}: {m}")))?;
    Ok(Ava::text(attr, value))
}

/// Whether `s` ends with an odd run of backslashes (its last character
/// escapes what follows).
fn ends_escaped(s: &str) -> bool {
    s.chars().rev().take_while(|c| *c == '\\').count() % 2 == 1
}

/// Splits a DN body into RDNs of AVA strings (escapes kept), in one pass:
/// RDNs at an unescaped `/` (slash form) or `,` / `;` (RFC 4514 form), AVAs
/// at `+`. In RFC 4514 form a value that starts with `"` runs to the next
/// unescaped `"`, separators included (RFC 1779 quoting).
fn split_dn(body: &str, slash: bool) -> Result<Vec<Vec<&str>>> {
    let mut rdns = Vec::new();
    let mut rdn = Vec::new();
    let mut start = 0;
    let (mut esc, mut quoted, mut seen_eq, mut value_start) = (false, false, false, false);
    for (i, c) in body.char_indices() {
        if esc {
            esc = false;
            value_start = false;
            continue;
        }
        match c {
            '\\' => esc = true,
            '"' if quoted => quoted = false,
            _ if quoted => {}
            '"' if value_start && !slash => quoted = true,
            '=' if !seen_eq => (seen_eq, value_start) = (true, true),
            ' ' => {}
            '/' if slash => {
                rdn.push(&body[start..i]);
                rdns.push(std::mem::take(&mut rdn));
                (start, seen_eq, value_start) = (i + 1, false, false);
            }
            ',' | ';' if !slash => {
                rdn.push(&body[start..i]);
                rdns.push(std::mem::take(&mut rdn));
                (start, seen_eq, value_start) = (i + 1, false, false);
            }
            '+' => {
                rdn.push(&body[start..i]);
                (start, seen_eq, value_start) = (i + 1, false, false);
            }
            _ => value_start = false,
        }
    }
    if quoted {
        return Err(Error::invalid(
            Field::Subject,
            "a quoted value never ends: its closing '\"' is missing",
        )
        .with_hint("close the quote, or escape a literal quote as \\\""));
    }
    rdn.push(&body[start..]);
    rdns.push(rdn);
    Ok(rdns)
}

fn canonical_position(rdns: &[Rdn], attr: Attr) -> usize {
    let rank = |a: Attr| {
        FIELD_ORDER
            .iter()
            .position(|x| *x == a)
            .unwrap_or(FIELD_ORDER.len())
    };
    let my = rank(attr);
    // After the last RDN whose rank is <= ours.
    rdns.iter()
        .rposition(|rdn| rdn.iter().any(|a| rank(a.attr) <= my))
        .map(|p| p + 1)
        .unwrap_or(0)
}

fn escape_rfc4514(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let n = v.chars().count();
    for (i, c) in v.chars().enumerate() {
        match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i + 1 == n => out.push_str("\\ "),
            '\0' => out.push_str("\\00"),
            _ => out.push(c),
        }
    }
    out
}

fn escape_slash(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let n = v.chars().count();
    for (i, c) in v.chars().enumerate() {
        // Leading and trailing spaces are escaped, or parsing drops them.
        if matches!(c, '/' | '+' | '\\' | '=') || (c == ' ' && (i == 0 || i + 1 == n)) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn find_unescaped(s: &str, target: char) -> Option<usize> {
    let mut esc = false;
    for (i, c) in s.char_indices() {
        if esc {
            esc = false;
        } else if c == '\\' {
            esc = true;
        } else if c == target {
            return Some(i);
        }
    }
    None
}

/// Trims unescaped spaces at both ends (an escaped trailing space stays).
fn trim_unescaped(s: &str) -> &str {
    let s = s.trim_start_matches(' ');
    let mut end = s.len();
    while end > 0 && s[..end].ends_with(' ') {
        let before = &s[..end - 1];
        let backslashes = before.chars().rev().take_while(|c| *c == '\\').count();
        if backslashes % 2 == 1 {
            break;
        }
        end -= 1;
    }
    &s[..end]
}

/// Characters a backslash may escape in RFC 4514 (besides hex pairs).
const RFC4514_ESCAPABLE: &str = "\"+,;<>\\=# ";

/// Removes backslash escapes; `hex` also decodes `\HH` byte pairs (RFC 4514).
fn unescape(s: &str, hex: bool) -> std::result::Result<String, String> {
    let mut bytes = Vec::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let Some(n) = chars.next() else {
            return Err("value ends with a lone backslash".into());
        };
        if hex && !n.is_ascii_hexdigit() && !RFC4514_ESCAPABLE.contains(n) {
            return Err(format!(
                "bad escape \\{n}: in RFC 4514 a backslash escapes only {RFC4514_ESCAPABLE} and space, or starts two hex digits"
            ));
        }
        if hex && n.is_ascii_hexdigit() {
            let Some(m) = chars.next().filter(char::is_ascii_hexdigit) else {
                return Err(format!("bad escape \\{n}: expected two hex digits"));
            };
            let byte = u8::from_str_radix(&format!("{n}{m}"), 16).expect("hex digits");
            bytes.push(byte);
        } else {
            let mut buf = [0u8; 4];
            bytes.extend_from_slice(n.encode_utf8(&mut buf).as_bytes());
        }
    }
    String::from_utf8(bytes).map_err(|_| "hex escapes do not form valid UTF-8".to_string())
}

/// Checks one subject value against its type's rules.
pub fn validate_value(attr: Attr, value: &str) -> Result<String> {
    let info = attr.info();
    let field = info.field;
    let name = attr.short();
    if value.is_empty() {
        return Err(Error::invalid(field, format!("{name} must not be empty"))
            .with_hint("leave the field out instead of giving an empty value"));
    }
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(Error::invalid(
            field,
            format!("{name} contains the control character {:?}", c),
        )
        .with_hint("remove control characters (tabs, newlines, NUL) from the value"));
    }
    if matches!(attr, Attr::C | Attr::JurisdictionC) {
        let up = value.to_ascii_uppercase();
        if up.len() != 2
            || !up.bytes().all(|b| b.is_ascii_uppercase())
            // XX: ISO 3166's user-assigned code, which the CA/B Forum BRs
            // (7.1.4.2.2) allow where a country has no code of its own.
            || !(COUNTRIES.contains(&up.as_str()) || up == "XX")
        {
            let hint = match up.as_str() {
                "UK" => "the United Kingdom's ISO 3166 code is GB".to_string(),
                "EL" => "Greece's ISO 3166 code is GR".to_string(),
                _ => "use a code such as US, DE, GB or JP".to_string(),
            };
            return Err(Error::invalid(
                field,
                format!("'{value}' is not an ISO 3166 two-letter country code"),
            )
            .with_hint(hint));
        }
        return Ok(up);
    }
    let len = value.chars().count();
    if len > info.max {
        return Err(Error::invalid(
            field,
            format!(
                "{name} is {len} characters long; RFC 5280 allows at most {}",
                info.max
            ),
        )
        .with_hint("shorten the value"));
    }
    match attr {
        Attr::Email => {
            return validate_email(value)
                .map_err(|m| Error::invalid(field, format!("'{value}': {m}")));
        }
        Attr::DC if !is_ldh_label(value) => {
            return Err(Error::invalid(
                field,
                format!("'{value}' is not a domain label (letters, digits and '-', at most 63)"),
            )
            .with_hint(concat!(
                "give each label separately, e.g. ",
                mention!(domain_component),
                " example ",
                mention!(domain_component),
                " com"
            )));
        }
        _ => {}
    }
    match info.string_type {
        StringType::Printable if !value.chars().all(is_printable_char) => Err(Error::invalid(
            field,
            format!("{name} may only contain A-Z a-z 0-9 space and '()+,-./:=?"),
        )),
        StringType::Ia5 if !value.is_ascii() => {
            Err(Error::invalid(field, format!("{name} must be ASCII")))
        }
        _ => Ok(value.to_string()),
    }
}

pub fn is_printable_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c)
}
