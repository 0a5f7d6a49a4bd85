//! The validated, vendor-neutral CSR request.
//!
//! Every input (flags, native JSON, vendor bodies, prompts, batch lines)
//! becomes a [`RequestInput`]: a set of optional fields. Inputs are layered
//! (stored record < request file < flags) and then validated into a
//! [`Request`], the only thing the key and CSR code ever see. The parts of
//! a request each have a room: [`subject`] (DN attributes), [`san`],
//! [`key`] (key spec, curve, digest) and [`usage`] (purpose, keyUsage,
//! extendedKeyUsage). What a vendor body carries beyond the CSR rides
//! along untouched: the NSX fields a record keeps ([`NsxFields`]) and
//! notes for stderr (`RequestInput::notes`). Nothing here does
//! cryptography or I/O.

use crate::field::Field;
use crate::mention;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub mod attrs;
pub mod der;
pub mod extras;
pub mod key;
pub mod san;
pub mod subject;
pub mod usage;

pub use attrs::{Attr, AttrInfo, StringType, ATTRS, COUNTRIES};
pub use extras::{ChallengePassword, CustomExtension};
pub use key::{Curve, Digest, KeySpec, KeyType};
pub use san::{validate_dns, validate_email, validate_uri, San};
pub use subject::{is_printable_char, validate_value, Ava, Rdn, Subject};
pub use usage::{Eku, KeyUsage, Purpose, EKUS, KEY_USAGES};

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
    /// The TLS Feature extension status_request (RFC 7633).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub must_staple: bool,
    /// Other extensions, as DER (`--extension`), in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<CustomExtension>,
    /// The PKCS#9 unstructuredName CSR attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unstructured_name: Option<String>,
    /// The PKCS#9 challengePassword CSR attribute: a secret, never
    /// serialized, so records do not keep it (regenerate takes it again
    /// from its own flags; docs/design.md).
    #[serde(skip)]
    pub challenge_password: Option<ChallengePassword>,
    /// What an NSX TlsCsr body set beyond the CSR (absent for every other
    /// input), kept so that `--format nsx` echoes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nsx: Option<NsxFields>,
}

/// The NSX TlsCsr fields a record keeps that are not part of the CSR:
/// `display_name` (independent of the record name in NSX) and `tags`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NsxFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<NsxTag>,
}

/// One NSX `Tag`: `scope` (at most 128 characters) and `tag` (at most 256);
/// NSX's default for either is "".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NsxTag {
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub tag: String,
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
    /// A number, or a string of digits as vendors' bodies write it
    /// (`"key_size":"4096"`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "number_or_digits"
    )]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub must_staple: Option<bool>,
    /// `OID[:critical]:DER-HEX` each; an empty list or `""` clears. (Not
    /// `extensions`: that names an NSX TlsCsr body.)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unstructured_name: Option<String>,
    /// Set only by an NSX TlsCsr body (not part of the native format).
    #[serde(skip)]
    pub nsx: Option<NsxFields>,
    /// Notes for stderr from reading a vendor body, such as a field csrkit
    /// reads but a CSR does not use (not part of the native format).
    #[serde(skip)]
    pub notes: Vec<String>,
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
            description,
            must_staple,
            extension,
            unstructured_name,
            nsx
        );
        self.notes.extend(top.notes);
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
                for v in &values {
                    check_edges(attr.info().field, v)?;
                }
                // An empty string clears the field (useful on regenerate).
                let values: Vec<String> = values.into_iter().filter(|v| !v.is_empty()).collect();
                subject.set(attr, &values);
            }
        }
        // Bounded before the values are validated (and long before the
        // CSR's DER sort sees them): an error names --subject, or the flag
        // that brought most values.
        subject.check_bounds(self.subject.is_some().then_some(Field::Subject))?;
        // Validate and normalize every value.
        for rdn in subject.0.iter_mut() {
            // A `#hex` value is taken as the DER it is (checked as one TLV).
            for ava in rdn.iter_mut().filter(|a| a.der.is_none()) {
                ava.value = validate_value(ava.attr, &ava.value)?;
            }
        }
        Ok(subject)
    }

    fn sans(&self) -> Result<Vec<San>> {
        let mut out = Vec::new();
        // Duplicates are dropped through a hash set: `out.contains` made
        // a long SAN list quadratic (170,000 names fit in a 1 MiB body).
        let mut seen = std::collections::HashSet::new();
        let mut bytes = 0;
        type Parser = fn(&str) -> Result<San>;
        let lists: [(&Option<Vec<String>>, Parser, Field); 5] = [
            (&self.dns, San::dns, Field::Dns),
            (&self.ip, San::ip, Field::Ip),
            (&self.email, San::email, Field::Email),
            (&self.uri, San::uri, Field::Uri),
            (&self.san, San::parse_typed, Field::San),
        ];
        for (list, parse, flag) in lists {
            for v in list.iter().flatten() {
                for part in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    let san = parse(part)?;
                    let key = san_key(&san);
                    if seen.contains(&key) {
                        continue;
                    }
                    bytes += key.1.len();
                    if out.len() == MAX_SANS || bytes > MAX_SAN_BYTES {
                        return Err(Error::invalid(
                            flag,
                            format!(
                                "more than {MAX_SANS} SANs or {} KiB of them; csrkit allows no more in one request",
                                MAX_SAN_BYTES >> 10
                            ),
                        )
                        .with_hint("split the names over several certificates"));
                    }
                    seen.insert(key);
                    out.push(san);
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
            return Err(Error::usage(concat!(
                mention!(subject),
                " cannot be combined with single subject fields such as ",
                mention!(common_name)
            ))
            .with_hint(concat!(
                "put every attribute in ",
                mention!(subject),
                ", or use only the single-field options"
            )));
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
                .with_hint(concat!(
                    "add ",
                    mention!(new_key),
                    " to generate a new key"
                )));
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
            return Err(Error::invalid(
                Field::PathLen,
                concat!("a path length needs ", mention!(ca)),
            )
            .with_hint(concat!(
                "add ",
                mention!(ca),
                ", or drop ",
                mention!(path_len)
            )));
        }
        let description = match &self.description {
            Some(d) => {
                if d.chars().any(|c| c.is_control() && c != '\t') {
                    return Err(
                        Error::invalid(Field::Description, "contains control characters")
                            .with_hint("write the description on one line"),
                    );
                }
                if d.chars().count() > 1024 {
                    return Err(Error::invalid(
                        Field::Description,
                        "longer than 1024 characters",
                    ));
                }
                (!d.is_empty()).then(|| d.clone())
            }
            None => base.and_then(|b| b.description.clone()),
        };
        let nsx = self
            .nsx
            .clone()
            .or_else(|| base.and_then(|b| b.nsx.clone()));
        let must_staple = self
            .must_staple
            .or(base.map(|b| b.must_staple))
            .unwrap_or(false);
        let extensions = match &self.extension {
            Some(list) => list
                .iter()
                .filter(|s| !s.trim().is_empty())
                .map(|s| extras::parse_extension(s))
                .collect::<Result<Vec<_>>>()?,
            None => base.map(|b| b.extensions.clone()).unwrap_or_default(),
        };
        extras::check_extensions(&extensions, must_staple)?;
        let unstructured_name = match &self.unstructured_name {
            Some(v) if v.is_empty() => None,
            Some(v) => {
                extras::check_pkcs9_string(Field::UnstructuredName, "unstructured name", v)?;
                Some(v.clone())
            }
            None => base.and_then(|b| b.unstructured_name.clone()),
        };
        let mut subject = subject;
        cn_as_host(&mut subject, &sans, no_default_san, self.subject.is_some())?;
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
            must_staple,
            extensions,
            unstructured_name,
            challenge_password: None,
            nsx,
        };
        if req.subject.common_name().is_none() && req.effective_sans().is_empty() {
            let what = if req.subject.is_empty() {
                "the subject is empty and there are no SANs".to_string()
            } else {
                format!(
                    "the subject {} has no common name (CN) and there are no SANs",
                    req.subject.to_rfc4514()
                )
            };
            return Err(Error::invalid(Field::CommonName, what).with_hint(concat!(
                "give ",
                mention!(common_name),
                " (or CN= in ",
                mention!(subject),
                "), or at least one SAN such as ",
                mention!(dns)
            )));
        }
        Ok(req)
    }
}

/// Most SANs in one request. RFC 5280 sets no limit; public CAs take 100
/// to 250. With [`MAX_SAN_BYTES`] it keeps every accepted request within
/// what the keystore reads back (a record of at most 1 MiB).
pub const MAX_SANS: usize = 1024;

/// Most bytes of SAN values in one request (duplicates not counted).
pub const MAX_SAN_BYTES: usize = 64 << 10;

/// What makes two SANs the same, hashable (`San` itself is not `Hash`).
fn san_key(san: &San) -> (u8, String) {
    match san {
        San::Dns(v) => (0, v.clone()),
        San::Ip(ip) => (1, ip.to_string()),
        San::Email(v) => (2, v.clone()),
        San::Uri(v) => (3, v.clone()),
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

/// A common name that is a hostname follows `--dns`'s rules where it
/// stands for one: a trailing dot is refused (as `--dns` refuses it), and
/// an IDN (U-label) CN becomes its A-label when it is the default SAN or
/// names one of the SANs, so the CN and the SAN hold the same name.
fn cn_as_host(subject: &mut Subject, sans: &[San], no_default_san: bool, dn: bool) -> Result<()> {
    let field = if dn {
        Field::Subject
    } else {
        Field::CommonName
    };
    let Some(ava) = subject
        .0
        .iter_mut()
        .flatten()
        .rfind(|a| a.attr == Attr::CN && a.der.is_none())
    else {
        return Ok(());
    };
    let cn = ava.value.as_str();
    if let Some(stem) = cn.strip_suffix('.') {
        if let Some(San::Dns(_)) = cn_default_san(stem) {
            return Err(Error::invalid(
                field,
                format!(
                    "common name '{}': remove the trailing dot",
                    cn.escape_debug()
                ),
            )
            .with_hint(format!(
                concat!("write CN {}, as ", mention!(dns), " takes it"),
                stem
            )));
        }
    }
    if cn.is_ascii() {
        return Ok(());
    }
    if let Some(San::Dns(ascii)) = cn_default_san(cn) {
        let is_default = sans.is_empty() && !no_default_san;
        if is_default || sans.contains(&San::Dns(ascii.clone())) {
            let max = Attr::CN.info().max;
            if ascii.len() > max {
                return Err(Error::invalid(
                    field,
                    format!("common name '{cn}' is {} characters as an A-label ({ascii}); RFC 5280 allows at most {max}", ascii.len()),
                )
                .with_hint(concat!("give the name with ", mention!(dns), " and a shorter CN")));
            }
            ava.value = ascii;
        }
    }
    Ok(())
}

/// Refuses a single-field value (`--common-name`, `--org`, ...) with
/// whitespace at either end: `'c.example.com '` would become a CN with a
/// space, no default SAN and a record named `c.example.com-`. Exit 2,
/// naming `field`. (A DN given whole with `--subject` may still carry an
/// escaped edge space, `CN=a\ `, which is explicit.)
pub fn check_edges(field: Field, value: &str) -> Result<()> {
    let edge = if value.starts_with(char::is_whitespace) {
        "leading"
    } else if value.ends_with(char::is_whitespace) {
        "trailing"
    } else {
        return Ok(());
    };
    Err(Error::invalid(
        field,
        format!("'{}' has {edge} whitespace", value.escape_debug()),
    )
    .with_hint("remove the spaces around the value (check the quotes)"))
}

/// Derives a record name from a common name: lowercased, characters outside
/// `[a-z0-9._-]` replaced by `-`, trimmed to fit the name rules. A wildcard
/// left-most label becomes `wildcard`, so `*.example.com` and
/// `example.com` get distinct records (`wildcard.example.com`,
/// `example.com`). `None` when nothing usable is left.
pub fn name_from_cn(cn: &str) -> Option<String> {
    let wildcard = cn.strip_prefix("*.").map(|rest| format!("wildcard.{rest}"));
    let cn = wildcard.as_deref().unwrap_or(cn);
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
    validate_new_name(&name).ok().map(|_| name)
}

/// The name for a new record: [`validate_name`], and
/// not digits only, since `show 1` finds a record by name before by id, so
/// a record named `1` would hide the record whose id is 1. Only names being
/// created are checked: existing records keep theirs, reachable by name.
pub fn validate_new_name(name: &str) -> Result<()> {
    validate_name(name)?;
    if name.bytes().all(|b| b.is_ascii_digit()) {
        let id = name.trim_start_matches('0');
        return Err(Error::invalid_as(
            "NAME",
            format!(
                "record name {name}: a name of digits only would hide record id {}",
                if id.is_empty() { "0" } else { id }
            ),
        )
        .with_hint(format!(
            "give a name with a letter, such as r{name} or cert-{name}"
        )));
    }
    Ok(())
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
        Err(Error::invalid_as(
            "NAME",
            format!("'{}' is not a valid record name", name.escape_default()),
        )
        .with_hint("use 1 to 64 of A-Z a-z 0-9 . _ - starting with a letter or digit"))
    }
}

#[cfg(test)]
mod tests;

/// An optional number given as a JSON number or a string of digits.
fn number_or_digits<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<u32>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        Num(u32),
        Text(String),
    }
    match Option::<N>::deserialize(d)? {
        None => Ok(None),
        Some(N::Num(n)) => Ok(Some(n)),
        Some(N::Text(t)) => t.trim().parse().map(Some).map_err(|_| {
            serde::de::Error::custom(format!(
                "key_size: '{}' is not a number",
                t.escape_default()
            ))
        }),
    }
}
