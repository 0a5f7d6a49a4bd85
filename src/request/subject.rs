//! Subject distinguished names (RFC 5280 §4.1.2.4): the attribute types
//! csrkit knows ([`ATTRS`]: names, OIDs, DER string types, upper bounds),
//! parsing RFC 4514 (`CN=a,O=b`) and OpenSSL (`/O=b/CN=a`) forms,
//! escaping for printing, and validating each value. It must not know
//! about keys, SANs or vendors.

use serde::{Deserialize, Serialize};

use super::san::{is_ldh_label, validate_email};
use crate::error::{Error, Result};

/// How an attribute value is encoded in DER.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringType {
    Printable,
    Utf8,
    Ia5,
}

/// One attribute type we can put in a subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Attr {
    DC,
    C,
    ST,
    L,
    STREET,
    O,
    OU,
    CN,
    UID,
    #[serde(rename = "emailAddress")]
    Email,
    #[serde(rename = "serialNumber")]
    SerialNumber,
    #[serde(rename = "title")]
    Title,
    GN,
    SN,
    #[serde(rename = "postalCode")]
    PostalCode,
}

pub struct AttrInfo {
    pub attr: Attr,
    /// The short name used in DN strings (OpenSSL / RFC 4514).
    pub short: &'static str,
    /// Other names accepted on input (case-insensitive).
    pub aliases: &'static [&'static str],
    pub oid: &'static str,
    pub string_type: StringType,
    /// Upper bound in characters (RFC 5280 Appendix A).
    pub max: usize,
    /// The command-line flag that sets it, for error messages.
    pub flag: &'static str,
    /// Human label for prompts and text output.
    pub label: &'static str,
}

pub const ATTRS: &[AttrInfo] = &[
    AttrInfo {
        attr: Attr::DC,
        short: "DC",
        aliases: &["domainComponent"],
        oid: "0.9.2342.19200300.100.1.25",
        string_type: StringType::Ia5,
        max: 63,
        flag: "--domain-component",
        label: "Domain component",
    },
    AttrInfo {
        attr: Attr::C,
        short: "C",
        aliases: &["countryName"],
        oid: "2.5.4.6",
        string_type: StringType::Printable,
        max: 2,
        flag: "--country",
        label: "Country",
    },
    AttrInfo {
        attr: Attr::ST,
        short: "ST",
        aliases: &["S", "stateOrProvinceName"],
        oid: "2.5.4.8",
        string_type: StringType::Utf8,
        max: 128,
        flag: "--state",
        label: "State or province",
    },
    AttrInfo {
        attr: Attr::L,
        short: "L",
        aliases: &["localityName"],
        oid: "2.5.4.7",
        string_type: StringType::Utf8,
        max: 128,
        flag: "--locality",
        label: "Locality",
    },
    AttrInfo {
        attr: Attr::STREET,
        short: "street",
        aliases: &["STREET", "streetAddress"],
        oid: "2.5.4.9",
        string_type: StringType::Utf8,
        max: 128,
        flag: "--street-address",
        label: "Street address",
    },
    AttrInfo {
        attr: Attr::O,
        short: "O",
        aliases: &["organizationName"],
        oid: "2.5.4.10",
        string_type: StringType::Utf8,
        max: 64,
        flag: "--organization",
        label: "Organization",
    },
    AttrInfo {
        attr: Attr::OU,
        short: "OU",
        aliases: &["organizationalUnitName"],
        oid: "2.5.4.11",
        string_type: StringType::Utf8,
        max: 64,
        flag: "--organizational-unit",
        label: "Organizational unit",
    },
    AttrInfo {
        attr: Attr::CN,
        short: "CN",
        aliases: &["commonName"],
        oid: "2.5.4.3",
        string_type: StringType::Utf8,
        max: 64,
        flag: "--common-name",
        label: "Common name",
    },
    AttrInfo {
        attr: Attr::UID,
        short: "UID",
        aliases: &["userId"],
        oid: "0.9.2342.19200300.100.1.1",
        string_type: StringType::Utf8,
        max: 256,
        flag: "--user-id",
        label: "User id",
    },
    AttrInfo {
        attr: Attr::Email,
        short: "emailAddress",
        aliases: &["E", "EMAIL"],
        oid: "1.2.840.113549.1.9.1",
        string_type: StringType::Ia5,
        max: 255,
        flag: "--email-address",
        label: "Email address",
    },
    AttrInfo {
        attr: Attr::SerialNumber,
        short: "serialNumber",
        aliases: &[],
        oid: "2.5.4.5",
        string_type: StringType::Printable,
        max: 64,
        flag: "--subject",
        label: "Serial number",
    },
    AttrInfo {
        attr: Attr::Title,
        short: "title",
        aliases: &[],
        oid: "2.5.4.12",
        string_type: StringType::Utf8,
        max: 64,
        flag: "--subject",
        label: "Title",
    },
    AttrInfo {
        attr: Attr::GN,
        short: "GN",
        aliases: &["givenName"],
        oid: "2.5.4.42",
        string_type: StringType::Utf8,
        max: 32768,
        flag: "--subject",
        label: "Given name",
    },
    AttrInfo {
        attr: Attr::SN,
        short: "SN",
        aliases: &["surname"],
        oid: "2.5.4.4",
        string_type: StringType::Utf8,
        max: 32768,
        flag: "--subject",
        label: "Surname",
    },
    AttrInfo {
        attr: Attr::PostalCode,
        short: "postalCode",
        aliases: &[],
        oid: "2.5.4.17",
        string_type: StringType::Utf8,
        max: 40,
        flag: "--subject",
        label: "Postal code",
    },
];

impl Attr {
    pub fn info(self) -> &'static AttrInfo {
        ATTRS
            .iter()
            .find(|i| i.attr == self)
            .expect("every Attr has info")
    }

    pub fn short(self) -> &'static str {
        self.info().short
    }

    /// Looks up an attribute by short name, long name or dotted OID.
    pub fn parse(name: &str) -> Option<Attr> {
        ATTRS
            .iter()
            .find(|i| {
                i.short.eq_ignore_ascii_case(name)
                    || i.oid == name
                    || i.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
            })
            .map(|i| i.attr)
    }

    pub fn from_oid(oid: &str) -> Option<Attr> {
        ATTRS.iter().find(|i| i.oid == oid).map(|i| i.attr)
    }
}

/// One attribute value in a subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ava {
    #[serde(rename = "type")]
    pub attr: Attr,
    pub value: String,
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

fn too_many_in_rdn(field: &str, n: usize) -> Error {
    Error::invalid(
        field,
        format!("an RDN with {n} values; csrkit allows at most {MAX_RDN_VALUES} values in one RDN"),
    )
    .with_hint("join fewer values with '+'; RFC 5280 sets no limit, csrkit does")
}

fn too_many_in_name(field: &str, n: usize) -> Error {
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
            .map(|v| {
                vec![Ava {
                    attr,
                    value: v.clone(),
                }]
            })
            .collect();
        rdns.splice(at..at, new);
        self.0 = rdns;
    }

    /// Refuses a subject over [`MAX_RDN_VALUES`] in an RDN,
    /// [`MAX_NAME_VALUES`] or [`MAX_NAME_BYTES`] in all; the error names `field`, or, for a
    /// subject built from single fields, the flag of its most frequent
    /// attribute type (`field` is `None`).
    pub fn check_bounds(&self, field: Option<&str>) -> Result<()> {
        let flag = |rdns: &mut dyn Iterator<Item = &Ava>| -> &str {
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
            ATTRS[top].flag
        };
        if let Some(rdn) = self.0.iter().find(|r| r.len() > MAX_RDN_VALUES) {
            return Err(too_many_in_rdn(flag(&mut rdn.iter()), rdn.len()));
        }
        let total: usize = self.0.iter().map(Vec::len).sum();
        if total > MAX_NAME_VALUES {
            return Err(too_many_in_name(flag(&mut self.0.iter().flatten()), total));
        }
        let bytes: usize = self.0.iter().flatten().map(|a| a.value.len()).sum();
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
                    .map(|a| format!("{}={}", a.attr.short(), escape_rfc4514(&a.value)))
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

    /// Parses a DN in RFC 4514 form (`CN=a,O=b`) or OpenSSL slash form
    /// (`/C=DE/O=b/CN=a`), with `+` joining the values of a multi-valued RDN.
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
        let (rdn_sep, slash) = if dn_trim.starts_with('/') {
            ('/', true)
        } else {
            (',', false)
        };
        let body = if slash { &dn_trim[1..] } else { dn_trim };
        let mut rdns = Vec::new();
        let mut total = 0usize;
        for rdn_str in split_unescaped(body, rdn_sep) {
            let mut rdn = Vec::new();
            let avas = split_unescaped(&rdn_str, '+');
            // Refused before any value is decoded: the bounds are what
            // keep building the CSR cheap.
            if avas.len() > MAX_RDN_VALUES {
                return Err(too_many_in_rdn("--subject", avas.len()));
            }
            total += avas.len();
            if total > MAX_NAME_VALUES {
                return Err(too_many_in_name("--subject", total));
            }
            for ava_str in avas {
                let Some(eq) = find_unescaped(&ava_str, '=') else {
                    return Err(Error::invalid(
                        "--subject",
                        format!("'{}' is not TYPE=VALUE", ava_str.trim()),
                    )
                    .with_hint("write the subject as CN=name,O=org or /C=DE/O=org/CN=name"));
                };
                let key = ava_str[..eq].trim();
                let raw = trim_unescaped(&ava_str[eq + 1..]);
                let attr = Attr::parse(key).ok_or_else(|| {
                    Error::invalid("--subject", format!("unknown attribute type '{key}'"))
                        .with_hint("use CN, C, ST, L, street, O, OU, DC, UID, emailAddress, serialNumber, title, GN, SN or postalCode")
                })?;
                if raw.starts_with('#') && !slash {
                    return Err(Error::invalid(
                        "--subject",
                        format!("{key}: hex-encoded (#...) values are not supported"),
                    )
                    .with_hint("write the value as text; escape a leading # as \\#"));
                }
                let value = unescape(raw, !slash)
                    .map_err(|m| Error::invalid("--subject", format!("{key}: {m}")))?;
                rdn.push(Ava { attr, value });
            }
            if rdn.is_empty() {
                return Err(Error::invalid("--subject", "empty RDN"));
            }
            rdns.push(rdn);
        }
        if !slash {
            rdns.reverse();
        }
        Ok(Subject(rdns))
    }
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

/// Splits on `sep` where it is not escaped by a backslash.
fn split_unescaped(s: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut esc = false;
    for c in s.chars() {
        if esc {
            cur.push('\\');
            cur.push(c);
            esc = false;
        } else if c == '\\' {
            esc = true;
        } else if c == sep {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    if esc {
        cur.push('\\');
    }
    parts.push(cur);
    parts
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
    let field = info.flag;
    let name = info.short;
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
    if attr == Attr::C {
        let up = value.to_ascii_uppercase();
        if up.len() != 2
            || !up.bytes().all(|b| b.is_ascii_uppercase())
            || !COUNTRIES.contains(&up.as_str())
        {
            return Err(Error::invalid(
                field,
                format!("'{value}' is not an ISO 3166 two-letter country code"),
            )
            .with_hint("use a code such as US, DE, GB or JP"));
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
            .with_hint("give each label separately, e.g. --dc example --dc com"));
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

/// ISO 3166-1 alpha-2 codes (officially assigned).
pub const COUNTRIES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];
