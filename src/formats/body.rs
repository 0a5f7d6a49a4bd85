//! What every vendor's request and import parser shares: JSON errors that name the
//! vendor and the unknown field, "empty means not set", numbers sent as
//! strings, vendor lists, and validating a vendor body's fields so that an
//! error names the vendor's own field. A leaf: the vendor files import it,
//! it imports none of them.

use crate::error::{Error, Result};
use crate::field::Field;
use crate::request::{
    self, Attr, Curve, Digest, Eku, KeySpec, KeyType, KeyUsage, Purpose, RequestInput, San,
};

/// A JSON decoding error of a `vendor` body. An unknown field is named
/// (in the message and as the error's field).
pub fn json_err(vendor: &str, e: serde_json::Error) -> Error {
    let msg = e.to_string();
    let mut err = Error::invalid(Field::Request, format!("{vendor} request body: {msg}"))
        .with_hint("fix the request body; unknown fields are errors, not ignored");
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        if let Some((field, _)) = rest.split_once('`') {
            err = err.with_label(field);
        }
    }
    err
}

/// A `vendor` body that must be one JSON object, decoded into `T`
/// (unknown fields named as [`json_err`] names them). serde alone would
/// also take a JSON array as the struct's fields in order
/// (`["a.example.com"]` as its first field): anything but an object is
/// refused (exit 2) naming the body.
pub fn json_object<T: serde::de::DeserializeOwned>(vendor: &str, text: &str) -> Result<T> {
    if !text.trim_start().starts_with('{') {
        let what = match text.trim_start().as_bytes().first() {
            Some(b'[') => "a JSON array",
            None => "empty",
            _ => "not a JSON object",
        };
        return Err(Error::invalid(
            Field::Request,
            format!("{vendor} request body: {what}; the body is one JSON object ({{...}})"),
        )
        .with_hint(concat!(
            "give one JSON object; for many records at once, ",
            crate::mention!(batch),
            " takes one object per line"
        )));
    }
    serde_json::from_str(text).map_err(|e| json_err(vendor, e))
}

/// `err` with its fields named as a vendor's bodies name them: its own
/// field from `names` (csrkit's field -> the vendor's), else csrkit's key
/// (what `serve` answers a client with).
pub fn named_as(err: &Error, names: &[(Field, &str)]) -> Error {
    err.clone().named(&|field| {
        names
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(field.key(), |(_, theirs)| theirs)
            .to_string()
    })
}

/// An import body (`import --request`): the certificates it carries (PEM,
/// leaf first) and the record it names, if any.
pub struct ImportBody {
    pub vendor: &'static str,
    pub certificates: String,
    pub record: Option<String>,
}

/// Refuses a private key (or its password) in an import body.
pub fn no_key_in_body(vendor: &str, field: &str, present: bool) -> Result<()> {
    if present {
        return Err(Error::invalid_as(
            field,
            format!("the {vendor} import body carries a private key; csrkit imports certificates for the keys it already holds"),
        )
        .with_field(Field::Request)
        .with_hint(format!("leave {field} out of the body")));
    }
    Ok(())
}

/// The members of a JSON object body in the order given, duplicates kept
/// (a `serde_json::Value` keeps only the last of two equal keys).
struct Members(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Members, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A `vendor` body that must be one JSON object: its members in order.
/// A key given twice is refused naming it (exit 2), as serde refuses a
/// duplicate field of every other vendor's body: the last one never wins.
/// `canonical` maps a key to the field it names, so two spellings of one
/// field (SBC's `commonName` and `common-name`) are a duplicate too.
pub fn json_members(
    vendor: &str,
    text: &str,
    canonical: impl Fn(&str) -> String,
) -> Result<Vec<(String, serde_json::Value)>> {
    let Members(members) = serde_json::from_str(text)
        .map_err(|e| Error::invalid(Field::Request, format!("{vendor} request body: {e}")))?;
    let mut seen = std::collections::HashMap::with_capacity(members.len());
    for (k, _) in &members {
        if let Some(first) = seen.insert(canonical(k), k.as_str()) {
            let what = if first == k {
                "given more than once".to_string()
            } else {
                format!("given more than once (also as `{first}`)")
            };
            return Err(
                Error::invalid_as(k, format!("{what} in the {vendor} request body"))
                    .with_field(Field::Request)
                    .with_hint("give each field once; a list is one field with a list value"),
            );
        }
    }
    Ok(members)
}

/// `None` for an empty or blank value (vendors send "" for "not set").
pub fn nonempty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

/// A non-empty list, or `None`.
pub fn nonempty_list(v: Option<Vec<String>>) -> Option<Vec<String>> {
    let list: Vec<String> = v
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect();
    (!list.is_empty()).then_some(list)
}

/// A number given as a JSON number or a string of digits (vendors differ).
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(untagged)]
pub enum NumOrString {
    Num(u64),
    Str(String),
}

impl NumOrString {
    /// The value as bits; `field` names the vendor field in errors.
    pub fn bits(&self, field: &str) -> Result<Option<u32>> {
        let s = match self {
            NumOrString::Num(n) => {
                return u32::try_from(*n)
                    .map(Some)
                    .map_err(|_| bad_size(field, &n.to_string()))
            }
            NumOrString::Str(s) => s.trim(),
        };
        if s.is_empty() {
            return Ok(None);
        }
        s.parse::<u32>().map(Some).map_err(|_| bad_size(field, s))
    }
}

fn bad_size(field: &str, v: &str) -> Error {
    Error::invalid_as(
        field,
        format!("'{}' is not a key size in bits", v.escape_default()),
    )
    .with_field(Field::KeySize)
    .with_hint("use 2048, 3072 or 4096 for RSA; 256, 384 or 521 for EC")
}

/// Validates the fields a vendor body set, so that an error names the
/// vendor's field (`names` maps csrkit's option to it). The error keeps the
/// option as its field, so vendor error codes do not depend on the input.
pub fn validate_as(input: &RequestInput, vendor: &str, names: &[(Field, &str)]) -> Result<()> {
    validate(input).map_err(|e| {
        let Some(field) = e.field else {
            return e;
        };
        let Some((_, theirs)) = names.iter().find(|(f, _)| *f == field) else {
            return e;
        };
        let rest = e.detail();
        let mut out = Error::invalid_as(theirs, format!("{rest} (in the {vendor} request body)"))
            .with_field(field);
        out.hint = e.hint;
        out
    })
}

fn validate(input: &RequestInput) -> Result<()> {
    let singles = [
        (Attr::CN, &input.common_name),
        (Attr::C, &input.country),
        (Attr::ST, &input.state),
        (Attr::L, &input.locality),
        (Attr::O, &input.organization),
        (Attr::STREET, &input.street_address),
        (Attr::UID, &input.user_id),
        (Attr::Email, &input.email_address),
    ];
    for (attr, v) in singles {
        if let Some(v) = v {
            request::validate_value(attr, v)?;
        }
    }
    for v in input.organizational_unit.iter().flatten() {
        request::validate_value(Attr::OU, v)?;
    }
    for v in input.domain_component.iter().flatten() {
        request::validate_value(Attr::DC, v)?;
    }
    type SanParser = fn(&str) -> Result<San>;
    let lists: [(&Option<Vec<String>>, SanParser); 5] = [
        (&input.dns, San::dns),
        (&input.ip, San::ip),
        (&input.email, San::email),
        (&input.uri, San::uri),
        (&input.san, San::parse_typed),
    ];
    for (list, parse) in lists {
        for part in list
            .iter()
            .flatten()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            parse(part)?;
        }
    }
    let mut key = None;
    if input.has_key_fields() {
        let kind = input.key_type.as_deref().map(KeyType::parse).transpose()?;
        let curve = input.curve.as_deref().map(Curve::parse).transpose()?;
        key = Some(KeySpec::resolve(kind, input.key_size, curve)?);
    }
    if let Some(d) = &input.digest {
        let d = Digest::parse(d)?;
        if let Some(k) = key {
            k.check_digest(Some(d))?;
        }
    }
    if let Some(p) = input.purpose.as_deref().filter(|p| !p.is_empty()) {
        Purpose::parse(p)?;
    }
    let items = |l: &Option<Vec<String>>| -> Vec<String> {
        l.iter()
            .flatten()
            .flat_map(|s| s.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    };
    for k in items(&input.key_usage) {
        KeyUsage::parse(&k)?;
    }
    for e in items(&input.extended_key_usage) {
        Eku::parse(&e)?;
    }
    Ok(())
}

/// Splits a vendor list given as one string ("a, b c") or several.
pub fn split_list(values: &[String]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split(|c: char| c == ',' || c.is_whitespace()))
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}
