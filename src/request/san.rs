//! Subject alternative names (RFC 5280 §4.2.1.6): DNS names (IDNA
//! A-labels, RFC 5890; a wildcard only as the whole left-most label), IP
//! addresses, email addresses (RFC 5321 mailbox, IDN domain) and URIs,
//! each parsed and validated. It must not know about subjects or keys.

use crate::field::Field;
use crate::mention;
use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

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
            return Err(
                Error::invalid(Field::San, format!("'{s}' is not TYPE:VALUE")).with_hint(concat!(
                    "write e.g. ",
                    mention!(san),
                    " dns:www.example.com or ",
                    mention!(san),
                    " ip:192.0.2.1"
                )),
            );
        };
        match t.trim().to_ascii_lowercase().as_str() {
            "dns" => San::dns(v.trim()),
            "ip" | "ip address" => San::ip(v.trim()),
            "email" | "rfc822" | "rfc822name" => San::email(v.trim()),
            "uri" | "url" => San::uri(v.trim()),
            // A URL given bare (`https://...`): its scheme is not a SAN type.
            _ if v.starts_with("//") => Err(Error::invalid(
                Field::San,
                format!("'{s}' is a URL; a URL is a URI SAN"),
            )
            .with_hint(format!("write it as uri:{}", s.trim()))),
            other => Err(
                Error::invalid(Field::San, format!("unknown SAN type '{other}'"))
                    .with_hint("use dns:, ip:, email: or uri:"),
            ),
        }
    }

    pub fn dns(v: &str) -> Result<San> {
        // Common mistakes: a URL or an IP address given as a DNS name.
        if v.contains("://") {
            return Err(
                Error::invalid(Field::Dns, format!("'{v}' is a URL, not a DNS name")).with_hint(
                    concat!(
                        "give it as a URI SAN (",
                        mention!(uri),
                        ", or uri: at the prompt), or its host name alone with ",
                        mention!(dns)
                    ),
                ),
            );
        }
        if v.parse::<IpAddr>().is_ok() {
            return Err(Error::invalid(
                Field::Dns,
                format!("'{v}' is an IP address, not a DNS name"),
            )
            .with_hint(concat!(
                "give it with ",
                mention!(ip),
                " (or ip: at the prompt)"
            )));
        }
        validate_dns(v, true)
            .map(San::Dns)
            .map_err(|m| Error::invalid(Field::Dns, format!("'{v}': {m}")))
    }

    pub fn ip(v: &str) -> Result<San> {
        v.parse::<IpAddr>().map(San::Ip).map_err(|_| {
            Error::invalid(Field::Ip, format!("'{v}' is not an IPv4 or IPv6 address"))
                .with_hint("write e.g. 192.0.2.10 or 2001:db8::1")
        })
    }

    pub fn email(v: &str) -> Result<San> {
        validate_email(v)
            .map(San::Email)
            .map_err(|m| Error::invalid(Field::Email, format!("'{v}': {m}")))
    }

    pub fn uri(v: &str) -> Result<San> {
        validate_uri(v)
            .map(|()| San::Uri(v.to_string()))
            .map_err(|m| Error::invalid(Field::Uri, format!("'{v}': {m}")))
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

/// Whether `l` is one LDH label (RFC 5890 §2.3.1: letters, digits and
/// hyphens, no hyphen at either end, 1 to 63 octets).
pub fn is_ldh_label(l: &str) -> bool {
    !l.is_empty()
        && l.len() <= 63
        && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !l.starts_with('-')
        && !l.ends_with('-')
}
