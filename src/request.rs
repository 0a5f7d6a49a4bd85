//! The validated, vendor-neutral CSR request.
//!
//! Every input (flags, native JSON, vendor bodies, prompts, batch lines)
//! becomes a [`RequestInput`]: a set of optional fields. Inputs are layered
//! (stored record < request file < flags) and then validated into a
//! [`Request`], the only thing the key and CSR code ever see.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

// ---------------------------------------------------------------------------
// Subject attributes

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
        for rdn_str in split_unescaped(body, rdn_sep) {
            let mut rdn = Vec::new();
            for ava_str in split_unescaped(&rdn_str, '+') {
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

fn is_ldh_label(l: &str) -> bool {
    !l.is_empty()
        && l.len() <= 63
        && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !l.starts_with('-')
        && !l.ends_with('-')
}

// ---------------------------------------------------------------------------
// Subject alternative names

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum San {
    Dns(String),
    Ip(IpAddr),
    Email(String),
    Uri(String),
}

impl San {
    pub fn kind(&self) -> &'static str {
        match self {
            San::Dns(_) => "DNS",
            San::Ip(_) => "IP",
            San::Email(_) => "email",
            San::Uri(_) => "URI",
        }
    }

    pub fn value(&self) -> String {
        match self {
            San::Dns(v) | San::Email(v) | San::Uri(v) => v.clone(),
            San::Ip(ip) => ip.to_string(),
        }
    }

    /// Parses `TYPE:VALUE` (TYPE is dns, ip, email or uri, any case).
    pub fn parse_typed(s: &str) -> Result<San> {
        let Some((t, v)) = s.split_once(':') else {
            return Err(Error::invalid("--san", format!("'{s}' is not TYPE:VALUE"))
                .with_hint("write e.g. --san dns:www.example.com or --san ip:192.0.2.1"));
        };
        match t.trim().to_ascii_lowercase().as_str() {
            "dns" => San::dns(v.trim()),
            "ip" | "ip address" => San::ip(v.trim()),
            "email" | "rfc822" | "rfc822name" => San::email(v.trim()),
            "uri" | "url" => San::uri(v.trim()),
            other => Err(
                Error::invalid("--san", format!("unknown SAN type '{other}'"))
                    .with_hint("use dns:, ip:, email: or uri:"),
            ),
        }
    }

    pub fn dns(v: &str) -> Result<San> {
        validate_dns(v, true)
            .map(San::Dns)
            .map_err(|m| Error::invalid("--dns", format!("'{v}': {m}")))
    }

    pub fn ip(v: &str) -> Result<San> {
        v.parse::<IpAddr>().map(San::Ip).map_err(|_| {
            Error::invalid("--ip", format!("'{v}' is not an IPv4 or IPv6 address"))
                .with_hint("write e.g. 192.0.2.10 or 2001:db8::1")
        })
    }

    pub fn email(v: &str) -> Result<San> {
        validate_email(v)
            .map(San::Email)
            .map_err(|m| Error::invalid("--email", format!("'{v}': {m}")))
    }

    pub fn uri(v: &str) -> Result<San> {
        validate_uri(v)
            .map(|()| San::Uri(v.to_string()))
            .map_err(|m| Error::invalid("--uri", format!("'{v}': {m}")))
    }
}

impl fmt::Display for San {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind(), self.value())
    }
}

/// Validates a DNS name (IDNA, hostname rules, wildcard only as the whole
/// left-most label) and returns its ASCII form.
pub fn validate_dns(name: &str, allow_wildcard: bool) -> std::result::Result<String, String> {
    if name.is_empty() {
        return Err("empty DNS name".into());
    }
    if name.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("a DNS name may not contain spaces or control characters".into());
    }
    let (wild, rest) = match name.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, name),
    };
    if rest.contains('*') || (name.contains('*') && !wild) {
        return Err(
            "a wildcard is allowed only as the whole left-most label (*.example.com)".into(),
        );
    }
    if wild && !allow_wildcard {
        return Err("a wildcard is not allowed here".into());
    }
    if rest.ends_with('.') {
        return Err("remove the trailing dot".into());
    }
    let ascii = if rest.is_ascii() {
        rest.to_string()
    } else {
        idna::domain_to_ascii_strict(rest)
            .map_err(|_| "not a valid internationalized domain name".to_string())?
    };
    if ascii.len() > 253 {
        return Err("longer than 253 characters".into());
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    for l in &labels {
        if l.is_empty() {
            return Err("empty label (two dots in a row?)".into());
        }
        if l.len() > 63 {
            return Err(format!("label '{l}' is longer than 63 characters"));
        }
        if !is_ldh_label(l) {
            return Err(format!(
                "label '{l}' may contain only letters, digits and '-', and may not start or end with '-'"
            ));
        }
        if l.len() >= 4 && l[2..4] == *"--" && !l.to_ascii_lowercase().starts_with("xn--") {
            return Err(format!(
                "label '{l}' has '--' in positions 3-4 (reserved for IDNA)"
            ));
        }
        if l.to_ascii_lowercase().starts_with("xn--") && idna::domain_to_unicode(l).1.is_err() {
            return Err(format!("label '{l}' is not valid punycode"));
        }
    }
    if labels
        .last()
        .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("the top-level label may not be all digits".into());
    }
    if wild && labels.len() < 2 {
        return Err("a wildcard needs at least two labels after it (*.example.com)".into());
    }
    Ok(if wild { format!("*.{ascii}") } else { ascii })
}

/// addr-spec (dot-atom local part) with a hostname domain; returns the ASCII form.
pub fn validate_email(v: &str) -> std::result::Result<String, String> {
    let Some((local, domain)) = v.rsplit_once('@') else {
        return Err("not an email address (local@domain)".into());
    };
    if local.is_empty() || local.len() > 64 {
        return Err("the part before @ must be 1 to 64 characters".into());
    }
    const ATEXT: &str = "!#$%&'*+-/=?^_`{|}~";
    if !local.split('.').all(|atom| {
        !atom.is_empty()
            && atom
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ATEXT.contains(c))
    }) {
        return Err("the part before @ may contain only letters, digits, !#$%&'*+-/=?^_`{|}~ and single dots".into());
    }
    let domain = validate_dns(domain, false).map_err(|m| format!("domain: {m}"))?;
    if !domain.contains('.') && domain != "localhost" {
        return Err("the domain needs a dot (user@example.com)".into());
    }
    Ok(format!("{local}@{domain}"))
}

/// An absolute URI: a scheme, a colon and a non-empty rest, ASCII without spaces.
pub fn validate_uri(v: &str) -> std::result::Result<(), String> {
    let Some((scheme, rest)) = v.split_once(':') else {
        return Err("not an absolute URI (scheme:...)".into());
    };
    let mut sc = scheme.chars();
    let first_ok = sc.next().is_some_and(|c| c.is_ascii_alphabetic());
    if !first_ok || !sc.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
        return Err("the scheme must start with a letter and contain only letters, digits, '+', '-' and '.'".into());
    }
    if rest.is_empty() {
        return Err("nothing after the scheme".into());
    }
    if let Some(c) = v
        .chars()
        .find(|c| !c.is_ascii() || c.is_ascii_control() || *c == ' ' || "<>\"{}|\\^`".contains(*c))
    {
        return Err(format!("the character {c:?} must be percent-encoded"));
    }
    if v.len() > 2048 {
        return Err("longer than 2048 characters".into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Keys, digests, purposes and usages

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Curve {
    #[serde(rename = "P-256")]
    P256,
    #[serde(rename = "P-384")]
    P384,
    #[serde(rename = "P-521")]
    P521,
}

impl Curve {
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }

    pub fn bits(self) -> u32 {
        match self {
            Curve::P256 => 256,
            Curve::P384 => 384,
            Curve::P521 => 521,
        }
    }

    pub fn parse(s: &str) -> Result<Curve> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "p-256" | "p256" | "prime256v1" | "secp256r1" | "256" => Ok(Curve::P256),
            "p-384" | "p384" | "secp384r1" | "384" => Ok(Curve::P384),
            "p-521" | "p521" | "secp521r1" | "521" => Ok(Curve::P521),
            _ => Err(
                Error::invalid("--curve", format!("unsupported curve '{s}'"))
                    .with_hint("use P-256, P-384 or P-521"),
            ),
        }
    }

    fn from_bits(bits: u32) -> Option<Curve> {
        match bits {
            256 => Some(Curve::P256),
            384 => Some(Curve::P384),
            521 => Some(Curve::P521),
            _ => None,
        }
    }
}

/// The key algorithm and size of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum KeySpec {
    Rsa { size: u32 },
    Ec { curve: Curve },
    Ed25519,
}

impl Default for KeySpec {
    fn default() -> Self {
        KeySpec::Rsa { size: 2048 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    Rsa,
    Ec,
    Ed25519,
}

impl KeyType {
    pub fn parse(s: &str) -> Result<KeyType> {
        match s.trim().to_ascii_lowercase().as_str() {
            "rsa" => Ok(KeyType::Rsa),
            "ec" | "ecdsa" | "ecc" => Ok(KeyType::Ec),
            "ed25519" | "eddsa" => Ok(KeyType::Ed25519),
            _ => Err(
                Error::invalid("--key-type", format!("unsupported key type '{s}'"))
                    .with_hint("use rsa, ec or ed25519"),
            ),
        }
    }
}

impl KeySpec {
    /// Resolves `--key-type`, `--key-size` and `--curve` into one key.
    pub fn resolve(
        kind: Option<KeyType>,
        size: Option<u32>,
        curve: Option<Curve>,
    ) -> Result<KeySpec> {
        let kind = kind.unwrap_or(if curve.is_some() {
            KeyType::Ec
        } else {
            KeyType::Rsa
        });
        match kind {
            KeyType::Rsa => {
                if let Some(c) = curve {
                    return Err(Error::invalid(
                        "--curve",
                        format!("{} is an EC curve but the key type is RSA", c.name()),
                    )
                    .with_hint("add --key-type ec, or drop --curve"));
                }
                let size = size.unwrap_or(2048);
                match size {
                    2048 | 3072 | 4096 => Ok(KeySpec::Rsa { size }),
                    s if s < 2048 => Err(Error::invalid(
                        "--key-size",
                        format!("RSA-{s} is refused: keys below 2048 bits are weaker than 112-bit security (NIST SP 800-131A) and CAs reject them"),
                    )
                    .with_hint("use --key-size 2048, 3072 or 4096")),
                    s => Err(Error::invalid("--key-size", format!("unsupported RSA key size {s}"))
                        .with_hint("use 2048, 3072 or 4096")),
                }
            }
            KeyType::Ec => {
                let from_size = match size {
                    None => None,
                    Some(bits) => Some(Curve::from_bits(bits).ok_or_else(|| {
                        Error::invalid("--key-size", format!("{bits} is not an EC key size"))
                            .with_hint("use 256, 384 or 521 (P-256, P-384, P-521)")
                    })?),
                };
                match (from_size, curve) {
                    (Some(a), Some(b)) if a != b => Err(Error::invalid(
                        "--curve",
                        format!("--curve {} contradicts --key-size {}", b.name(), a.bits()),
                    )),
                    (a, b) => Ok(KeySpec::Ec {
                        curve: b.or(a).unwrap_or(Curve::P256),
                    }),
                }
            }
            KeyType::Ed25519 => {
                if size.is_some_and(|s| s != 256) || curve.is_some() {
                    return Err(
                        Error::invalid("--key-size", "Ed25519 keys have a fixed size")
                            .with_hint("drop --key-size and --curve with --key-type ed25519"),
                    );
                }
                Ok(KeySpec::Ed25519)
            }
        }
    }

    pub fn algorithm(&self) -> &'static str {
        match self {
            KeySpec::Rsa { .. } => "RSA",
            KeySpec::Ec { .. } => "EC",
            KeySpec::Ed25519 => "ED25519",
        }
    }

    /// Key size in bits (RSA modulus, EC field size, 256 for Ed25519).
    pub fn bits(&self) -> u32 {
        match self {
            KeySpec::Rsa { size } => *size,
            KeySpec::Ec { curve } => curve.bits(),
            KeySpec::Ed25519 => 256,
        }
    }

    pub fn default_digest(&self) -> Option<Digest> {
        match self {
            KeySpec::Rsa { .. } => Some(Digest::Sha256),
            KeySpec::Ec { curve: Curve::P256 } => Some(Digest::Sha256),
            KeySpec::Ec { curve: Curve::P384 } => Some(Digest::Sha384),
            KeySpec::Ec { curve: Curve::P521 } => Some(Digest::Sha512),
            KeySpec::Ed25519 => None,
        }
    }

    /// Checks that the key can sign with `digest`.
    pub fn check_digest(&self, digest: Option<Digest>) -> Result<Option<Digest>> {
        let Some(d) = digest else {
            return Ok(self.default_digest());
        };
        match self {
            KeySpec::Rsa { .. } => Ok(Some(d)),
            KeySpec::Ed25519 => Err(Error::invalid(
                "--digest",
                "Ed25519 signs without a separate digest",
            )
            .with_hint("drop --digest for Ed25519 keys")),
            KeySpec::Ec { curve } => {
                let ok = matches!(
                    (curve, d),
                    (Curve::P256, Digest::Sha256)
                        | (Curve::P384, Digest::Sha384)
                        | (Curve::P521, _)
                );
                if ok {
                    Ok(Some(d))
                } else {
                    Err(Error::invalid(
                        "--digest",
                        format!("{} cannot be used with a {} key", d.name(), curve.name()),
                    )
                    .with_hint(format!(
                        "use --digest {} (or drop --digest)",
                        self.default_digest().map(|d| d.name()).unwrap_or("sha256")
                    )))
                }
            }
        }
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySpec::Rsa { size } => write!(f, "RSA {size}"),
            KeySpec::Ec { curve } => write!(f, "EC {}", curve.name()),
            KeySpec::Ed25519 => f.write_str("Ed25519"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Digest {
    Sha256,
    Sha384,
    Sha512,
}

impl Digest {
    pub fn parse(s: &str) -> Result<Digest> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_'], "")
            .as_str()
        {
            "sha256" => Ok(Digest::Sha256),
            "sha384" => Ok(Digest::Sha384),
            "sha512" => Ok(Digest::Sha512),
            _ => Err(
                Error::invalid("--digest", format!("unsupported digest '{s}'"))
                    .with_hint("use sha256, sha384 or sha512"),
            ),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Digest::Sha256 => "sha256",
            Digest::Sha384 => "sha384",
            Digest::Sha512 => "sha512",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    Server,
    Client,
    ServerClient,
    SigningEncryption,
}

impl Purpose {
    pub fn parse(s: &str) -> Result<Purpose> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "server" => Ok(Purpose::Server),
            "client" => Ok(Purpose::Client),
            "server-client" | "client-server" => Ok(Purpose::ServerClient),
            "signing-encryption" => Ok(Purpose::SigningEncryption),
            _ => Err(
                Error::invalid("--purpose", format!("unknown purpose '{s}'"))
                    .with_hint("use server, client, server-client or signing-encryption"),
            ),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Purpose::Server => "server",
            Purpose::Client => "client",
            Purpose::ServerClient => "server-client",
            Purpose::SigningEncryption => "signing-encryption",
        }
    }

    /// QRadar's spelling (SERVER, CLIENT, SERVER_CLIENT, SIGNING_ENCRYPTION).
    pub fn upper(self) -> String {
        self.name().to_ascii_uppercase().replace('-', "_")
    }

    pub fn key_usage(self, key: &KeySpec) -> Vec<KeyUsage> {
        use KeyUsage::*;
        let rsa = matches!(key, KeySpec::Rsa { .. });
        let ec = matches!(key, KeySpec::Ec { .. });
        match self {
            Purpose::Server | Purpose::ServerClient if rsa => {
                vec![DigitalSignature, KeyEncipherment]
            }
            Purpose::Server | Purpose::ServerClient | Purpose::Client => vec![DigitalSignature],
            Purpose::SigningEncryption if rsa => {
                vec![
                    DigitalSignature,
                    NonRepudiation,
                    KeyEncipherment,
                    DataEncipherment,
                ]
            }
            Purpose::SigningEncryption if ec => {
                vec![DigitalSignature, NonRepudiation, KeyAgreement]
            }
            Purpose::SigningEncryption => vec![DigitalSignature, NonRepudiation],
        }
    }

    pub fn extended_key_usage(self) -> Vec<Eku> {
        match self {
            Purpose::Server => vec![Eku::ServerAuth],
            Purpose::Client => vec![Eku::ClientAuth],
            Purpose::ServerClient => vec![Eku::ServerAuth, Eku::ClientAuth],
            Purpose::SigningEncryption => vec![],
        }
    }
}

/// KeyUsage bits, named as OpenSSL names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyUsage {
    DigitalSignature,
    NonRepudiation,
    KeyEncipherment,
    DataEncipherment,
    KeyAgreement,
    KeyCertSign,
    #[serde(rename = "cRLSign")]
    CrlSign,
    EncipherOnly,
    DecipherOnly,
}

pub const KEY_USAGES: &[(KeyUsage, &str)] = &[
    (KeyUsage::DigitalSignature, "digitalSignature"),
    (KeyUsage::NonRepudiation, "nonRepudiation"),
    (KeyUsage::KeyEncipherment, "keyEncipherment"),
    (KeyUsage::DataEncipherment, "dataEncipherment"),
    (KeyUsage::KeyAgreement, "keyAgreement"),
    (KeyUsage::KeyCertSign, "keyCertSign"),
    (KeyUsage::CrlSign, "cRLSign"),
    (KeyUsage::EncipherOnly, "encipherOnly"),
    (KeyUsage::DecipherOnly, "decipherOnly"),
];

fn norm(s: &str) -> String {
    s.trim().to_ascii_lowercase().replace(['-', '_', ' '], "")
}

impl KeyUsage {
    pub fn parse(s: &str) -> Result<KeyUsage> {
        let n = norm(s);
        if n == "contentcommitment" {
            return Ok(KeyUsage::NonRepudiation);
        }
        KEY_USAGES
            .iter()
            .find(|(_, name)| name.to_ascii_lowercase() == n)
            .map(|(k, _)| *k)
            .ok_or_else(|| {
                Error::invalid("--key-usage", format!("unknown key usage '{s}'")).with_hint(
                    "use digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment, keyAgreement, keyCertSign, cRLSign, encipherOnly or decipherOnly",
                )
            })
    }

    pub fn name(self) -> &'static str {
        KEY_USAGES
            .iter()
            .find(|(k, _)| *k == self)
            .map(|(_, n)| *n)
            .expect("listed")
    }

    /// Bit number in the KeyUsage BIT STRING.
    pub fn bit(self) -> u8 {
        KEY_USAGES
            .iter()
            .position(|(k, _)| *k == self)
            .expect("listed") as u8
    }
}

/// Extended key usages: the common ones by name, any other by OID.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Eku {
    ServerAuth,
    ClientAuth,
    CodeSigning,
    EmailProtection,
    TimeStamping,
    OcspSigning,
    Oid(String),
}

pub const EKUS: &[(&str, &str)] = &[
    ("serverAuth", "1.3.6.1.5.5.7.3.1"),
    ("clientAuth", "1.3.6.1.5.5.7.3.2"),
    ("codeSigning", "1.3.6.1.5.5.7.3.3"),
    ("emailProtection", "1.3.6.1.5.5.7.3.4"),
    ("timeStamping", "1.3.6.1.5.5.7.3.8"),
    ("OCSPSigning", "1.3.6.1.5.5.7.3.9"),
];

impl Eku {
    pub fn parse(s: &str) -> Result<Eku> {
        let n = norm(s);
        let named = match n.as_str() {
            "serverauth" | "server" | "tlswebserverauthentication" => Some(Eku::ServerAuth),
            "clientauth" | "client" | "tlswebclientauthentication" => Some(Eku::ClientAuth),
            "codesigning" => Some(Eku::CodeSigning),
            "emailprotection" => Some(Eku::EmailProtection),
            "timestamping" => Some(Eku::TimeStamping),
            "ocspsigning" => Some(Eku::OcspSigning),
            _ => None,
        };
        if let Some(e) = named {
            return Ok(e);
        }
        let oid = s.trim();
        if let Some(i) = EKUS.iter().position(|(_, o)| *o == oid) {
            return Eku::parse(EKUS[i].0);
        }
        if oid.parse::<der::asn1::ObjectIdentifier>().is_ok() {
            return Ok(Eku::Oid(oid.to_string()));
        }
        Err(Error::invalid("--extended-key-usage", format!("unknown extended key usage '{s}'"))
            .with_hint("use serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, OCSPSigning or a dotted OID"))
    }

    pub fn oid(&self) -> &str {
        match self {
            Eku::Oid(o) => o,
            named => EKUS
                .iter()
                .find(|(n, _)| *n == named.name())
                .map(|(_, o)| *o)
                .expect("listed"),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Eku::ServerAuth => "serverAuth",
            Eku::ClientAuth => "clientAuth",
            Eku::CodeSigning => "codeSigning",
            Eku::EmailProtection => "emailProtection",
            Eku::TimeStamping => "timeStamping",
            Eku::OcspSigning => "OCSPSigning",
            Eku::Oid(o) => o,
        }
    }
}

impl From<Eku> for String {
    fn from(e: Eku) -> String {
        e.name().to_string()
    }
}

impl TryFrom<String> for Eku {
    type Error = Error;
    fn try_from(s: String) -> Result<Eku> {
        Eku::parse(&s)
    }
}

// ---------------------------------------------------------------------------
// The validated request

/// A complete, validated request: what a CSR is built from and what a
/// record stores so that `regenerate` can start from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub subject: Subject,
    /// SANs as given (the CN default is derived, see [`Request::effective_sans`]).
    #[serde(default)]
    pub sans: Vec<San>,
    #[serde(default)]
    pub no_default_san: bool,
    pub key: KeySpec,
    pub digest: Option<Digest>,
    #[serde(default)]
    pub purpose: Option<Purpose>,
    #[serde(default)]
    pub key_usage: Option<Vec<KeyUsage>>,
    #[serde(default)]
    pub extended_key_usage: Option<Vec<Eku>>,
    #[serde(default)]
    pub ca: bool,
    #[serde(default)]
    pub path_len: Option<u8>,
    #[serde(default)]
    pub description: Option<String>,
}

impl Request {
    /// The SANs that go into the CSR: those given, or else the CN when it
    /// is a hostname or an IP address.
    pub fn effective_sans(&self) -> Vec<San> {
        if !self.sans.is_empty() || self.no_default_san {
            return self.sans.clone();
        }
        self.subject
            .common_name()
            .and_then(cn_default_san)
            .into_iter()
            .collect()
    }

    pub fn key_usages(&self) -> Vec<KeyUsage> {
        if let Some(k) = &self.key_usage {
            return k.clone();
        }
        if let Some(p) = self.purpose {
            return p.key_usage(&self.key);
        }
        if self.ca {
            return vec![
                KeyUsage::DigitalSignature,
                KeyUsage::KeyCertSign,
                KeyUsage::CrlSign,
            ];
        }
        vec![]
    }

    pub fn extended_key_usages(&self) -> Vec<Eku> {
        if let Some(e) = &self.extended_key_usage {
            return e.clone();
        }
        self.purpose
            .map(|p| p.extended_key_usage())
            .unwrap_or_default()
    }
}

/// Optional request fields from one input layer. Also the native JSON
/// request format for `--request` and `--batch` (unknown fields are errors).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", alias = "cn")]
    pub common_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", alias = "org")]
    pub organization: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", alias = "ou")]
    pub organizational_unit: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", alias = "dc")]
    pub domain_component: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none", alias = "uid")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub san: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_default_san: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", alias = "algorithm")]
    pub key_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_size: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_usage: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extended_key_usage: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_len: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl RequestInput {
    pub fn has_subject_fields(&self) -> bool {
        self.common_name.is_some()
            || self.country.is_some()
            || self.state.is_some()
            || self.locality.is_some()
            || self.organization.is_some()
            || self.organizational_unit.is_some()
            || self.street_address.is_some()
            || self.domain_component.is_some()
            || self.user_id.is_some()
            || self.email_address.is_some()
    }

    pub fn has_sans(&self) -> bool {
        self.dns.is_some()
            || self.ip.is_some()
            || self.email.is_some()
            || self.uri.is_some()
            || self.san.is_some()
    }

    pub fn has_key_fields(&self) -> bool {
        self.key_type.is_some() || self.key_size.is_some() || self.curve.is_some()
    }

    /// Lays `top` over `self`: every field `top` sets wins.
    pub fn overlay(mut self, top: RequestInput) -> RequestInput {
        macro_rules! take {
            ($($f:ident),*) => { $( if top.$f.is_some() { self.$f = top.$f; } )* };
        }
        // A DN in the top layer replaces the lower layer's single fields too.
        if top.subject.is_some() {
            self.common_name = None;
            self.country = None;
            self.state = None;
            self.locality = None;
            self.organization = None;
            self.organizational_unit = None;
            self.street_address = None;
            self.domain_component = None;
            self.user_id = None;
            self.email_address = None;
        }
        // SANs given on top replace the lower layer's SANs as a whole.
        if top.has_sans() {
            self.dns = None;
            self.ip = None;
            self.email = None;
            self.uri = None;
            self.san = None;
        }
        take!(
            name,
            subject,
            common_name,
            country,
            state,
            locality,
            organization,
            organizational_unit,
            street_address,
            domain_component,
            user_id,
            email_address,
            dns,
            ip,
            email,
            uri,
            san,
            no_default_san,
            key_type,
            key_size,
            curve,
            digest,
            purpose,
            key_usage,
            extended_key_usage,
            ca,
            path_len,
            description
        );
        self
    }

    /// The subject: the base's, replaced by `subject` if given, then with
    /// each single field set.
    fn subject_over(&self, base: Subject) -> Result<Subject> {
        let mut subject = match &self.subject {
            Some(dn) => Subject::parse(dn)?,
            None => base,
        };
        let single = |v: &Option<String>| v.as_ref().map(|s| vec![s.clone()]);
        let fields: [(Attr, Option<Vec<String>>); 10] = [
            (Attr::DC, self.domain_component.clone()),
            (Attr::C, single(&self.country)),
            (Attr::ST, single(&self.state)),
            (Attr::L, single(&self.locality)),
            (Attr::STREET, single(&self.street_address)),
            (Attr::O, single(&self.organization)),
            (Attr::OU, self.organizational_unit.clone()),
            (Attr::CN, single(&self.common_name)),
            (Attr::UID, single(&self.user_id)),
            (Attr::Email, single(&self.email_address)),
        ];
        for (attr, values) in fields {
            if let Some(values) = values {
                // An empty string clears the field (useful on regenerate).
                let values: Vec<String> = values.into_iter().filter(|v| !v.is_empty()).collect();
                subject.set(attr, &values);
            }
        }
        // Validate and normalize every value.
        for rdn in subject.0.iter_mut() {
            for ava in rdn.iter_mut() {
                ava.value = validate_value(ava.attr, &ava.value)?;
            }
        }
        Ok(subject)
    }

    fn sans(&self) -> Result<Vec<San>> {
        let mut out = Vec::new();
        type Parser = fn(&str) -> Result<San>;
        let lists: [(&Option<Vec<String>>, Parser); 5] = [
            (&self.dns, San::dns),
            (&self.ip, San::ip),
            (&self.email, San::email),
            (&self.uri, San::uri),
            (&self.san, San::parse_typed),
        ];
        for (list, parse) in lists {
            for v in list.iter().flatten() {
                for part in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    let san = parse(part)?;
                    if !out.contains(&san) {
                        out.push(san);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Validates these fields over `base` (a stored request on regenerate)
    /// into a complete request. `key_fixed` is set when the key is reused,
    /// so key fields are refused.
    pub fn resolve(&self, base: Option<&Request>, key_fixed: bool) -> Result<Request> {
        if self.subject.is_some() && self.has_subject_fields() {
            return Err(Error::usage(
                "--subject cannot be combined with single subject fields such as --common-name",
            )
            .with_hint("put every attribute in --subject, or use only the single-field options"));
        }
        let subject = self.subject_over(base.map(|b| b.subject.clone()).unwrap_or_default())?;
        let sans = if self.has_sans() {
            self.sans()?
        } else {
            base.map(|b| b.sans.clone()).unwrap_or_default()
        };
        let no_default_san = self
            .no_default_san
            .or(base.map(|b| b.no_default_san))
            .unwrap_or(false);

        let key = if key_fixed {
            if self.has_key_fields() {
                return Err(Error::usage(
                    "key options change the key, which regenerate reuses by default",
                )
                .with_hint("add --new-key to generate a new key"));
            }
            base.map(|b| b.key).unwrap_or_default()
        } else {
            let kind = self.key_type.as_deref().map(KeyType::parse).transpose()?;
            let curve = self.curve.as_deref().map(Curve::parse).transpose()?;
            if !self.has_key_fields() {
                base.map(|b| b.key).unwrap_or_default()
            } else {
                KeySpec::resolve(kind, self.key_size, curve)?
            }
        };
        let digest_in = match &self.digest {
            Some(d) => Some(Digest::parse(d)?),
            // A stored digest carries over only while the key type allows it.
            None => base
                .and_then(|b| b.digest)
                .filter(|d| key.check_digest(Some(*d)).is_ok()),
        };
        let digest = key.check_digest(digest_in)?;

        let purpose = match &self.purpose {
            Some(p) if p.is_empty() => None,
            Some(p) => Some(Purpose::parse(p)?),
            None => base.and_then(|b| b.purpose),
        };
        let parse_list = |list: &Option<Vec<String>>| {
            list.as_ref().map(|l| {
                l.iter()
                    .flat_map(|s| s.split(','))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect::<Vec<_>>()
            })
        };
        let key_usage = match parse_list(&self.key_usage) {
            Some(l) => Some(
                l.iter()
                    .map(|s| KeyUsage::parse(s))
                    .collect::<Result<Vec<_>>>()?,
            ),
            None => base.and_then(|b| b.key_usage.clone()),
        };
        let extended_key_usage = match parse_list(&self.extended_key_usage) {
            Some(l) => Some(
                l.iter()
                    .map(|s| Eku::parse(s))
                    .collect::<Result<Vec<_>>>()?,
            ),
            None => base.and_then(|b| b.extended_key_usage.clone()),
        };
        let ca = self.ca.or(base.map(|b| b.ca)).unwrap_or(false);
        let path_len = self.path_len.or(base.and_then(|b| b.path_len));
        if path_len.is_some() && !ca {
            return Err(Error::invalid("--path-len", "a path length needs --ca")
                .with_hint("add --ca, or drop --path-len"));
        }
        let description = match &self.description {
            Some(d) => {
                if d.chars().any(|c| c.is_control() && c != '\t') {
                    return Err(
                        Error::invalid("--description", "contains control characters")
                            .with_hint("write the description on one line"),
                    );
                }
                if d.chars().count() > 1024 {
                    return Err(Error::invalid(
                        "--description",
                        "longer than 1024 characters",
                    ));
                }
                (!d.is_empty()).then(|| d.clone())
            }
            None => base.and_then(|b| b.description.clone()),
        };
        let req = Request {
            subject,
            sans,
            no_default_san,
            key,
            digest,
            purpose,
            key_usage,
            extended_key_usage,
            ca,
            path_len,
            description,
        };
        if req.subject.is_empty() && req.effective_sans().is_empty() {
            return Err(Error::invalid(
                "--common-name",
                "the subject is empty and there are no SANs",
            )
            .with_hint("give --common-name (or --subject), or at least one SAN such as --dns"));
        }
        Ok(req)
    }
}

/// The SAN a common name stands for when no SAN is given: an IP address,
/// or a hostname (dotted, or `localhost`; not a person's name like "Jane").
pub fn cn_default_san(cn: &str) -> Option<San> {
    if let Ok(ip) = cn.parse::<IpAddr>() {
        return Some(San::Ip(ip));
    }
    match validate_dns(cn, true) {
        Ok(ascii) if ascii.contains('.') || ascii.eq_ignore_ascii_case("localhost") => {
            Some(San::Dns(ascii))
        }
        _ => None,
    }
}

/// Derives a record name from a common name: lowercased, characters outside
/// `[a-z0-9._-]` replaced by `-`, trimmed to fit the name rules.
pub fn name_from_cn(cn: &str) -> Option<String> {
    let mapped: String = cn
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = mapped.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    let name: String = trimmed.chars().take(64).collect();
    validate_name(&name).ok().map(|_| name)
}

/// Record names: `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`.
pub fn validate_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "NAME",
            format!("'{}' is not a valid record name", name.escape_default()),
        )
        .with_hint("use 1 to 64 of A-Z a-z 0-9 . _ - starting with a letter or digit"))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4514_is_reversed_into_der_order() {
        let s = Subject::parse("CN=a,O=b,C=DE").unwrap();
        assert_eq!(s.0[0][0].attr, Attr::C);
        assert_eq!(s.0[2][0].value, "a");
        assert_eq!(s.to_rfc4514(), "CN=a,O=b,C=DE");
        assert_eq!(s.to_slash(), "/C=DE/O=b/CN=a");
    }

    #[test]
    fn slash_form_keeps_order_and_multivalue() {
        let s = Subject::parse("/C=DE/O=b\\/c/CN=a+UID=7").unwrap();
        assert_eq!(s.0.len(), 3);
        assert_eq!(s.0[1][0].value, "b/c");
        assert_eq!(s.0[2].len(), 2);
    }

    #[test]
    fn escapes_and_hex() {
        let s = Subject::parse("CN=a\\,b\\+c,O=\\C3\\A9t\\C3\\A9").unwrap();
        assert_eq!(s.get(Attr::CN), Some("a,b+c"));
        assert_eq!(s.get(Attr::O), Some("été"));
    }

    #[test]
    fn escaped_trailing_space_survives_the_outer_trim() {
        // Regression: the whole DN was trimmed first, leaving a lone backslash.
        let s = Subject::parse("CN=a\\ ").unwrap();
        assert_eq!(s.get(Attr::CN), Some("a "));
        let s = Subject::parse("  CN=a\\ ,O=b  \n").unwrap();
        assert_eq!(s.get(Attr::CN), Some("a "));
        assert_eq!(Subject::parse(&s.to_rfc4514()).unwrap(), s);
    }

    #[test]
    fn unicode_and_edge_spaces_roundtrip() {
        // Regression (found by tests/proptest_parsers.rs): U+00A0 was
        // trimmed like a space, and the slash form lost edge spaces.
        for v in ["\u{a0}", "a\u{2003}", " a ", "\u{a0}b\u{a0}"] {
            let s = Subject(vec![vec![Ava {
                attr: Attr::ST,
                value: v.into(),
            }]]);
            assert_eq!(Subject::parse(&s.to_rfc4514()).unwrap(), s, "{v:?}");
            assert_eq!(Subject::parse(&s.to_slash()).unwrap(), s, "{v:?}");
        }
    }

    #[test]
    fn rfc4514_refuses_unknown_escapes() {
        assert!(Subject::parse("CN=a\\zz").is_err());
        assert!(Subject::parse("CN=a\\/b").is_err());
        // The slash form escapes any character, as OpenSSL does.
        assert_eq!(
            Subject::parse("/CN=a\\zz").unwrap().get(Attr::CN),
            Some("azz")
        );
        for ok in [
            "CN=\\\"",
            "CN=a\\+b",
            "CN=a\\,b",
            "CN=a\\;b",
            "CN=\\<\\>",
            "CN=a\\=b",
            "CN=\\#a",
            "CN=\\ a",
        ] {
            assert!(Subject::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn set_replaces_in_place() {
        let mut s = Subject::parse("/C=DE/O=x/CN=a").unwrap();
        s.set(Attr::CN, &["b".into()]);
        s.set(Attr::OU, &["u1".into(), "u2".into()]);
        assert_eq!(s.to_slash(), "/C=DE/O=x/OU=u1/OU=u2/CN=b");
    }

    #[test]
    fn dns_rules() {
        assert!(validate_dns("*.example.com", true).is_ok());
        assert!(validate_dns("a.*.example.com", true).is_err());
        assert!(validate_dns("*.com", true).is_err());
        assert!(validate_dns("-a.com", true).is_err());
        assert_eq!(
            validate_dns("bücher.example", true).unwrap(),
            "xn--bcher-kva.example"
        );
        assert!(validate_dns("a_b.com", true).is_err());
    }

    #[test]
    fn names() {
        assert_eq!(
            name_from_cn("*.Example.com").as_deref(),
            Some("example.com")
        );
        assert_eq!(name_from_cn("My Server").as_deref(), Some("my-server"));
        assert!(validate_name("../x").is_err());
        assert!(validate_name("a/b").is_err());
    }
}
