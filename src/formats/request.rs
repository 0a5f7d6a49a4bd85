//! `--request FILE|-`: reads a request body into a [`RequestInput`].
//! Vendor bodies are detected by their field names; `--request-format`
//! forces one. Each vendor's parser lives in its own file beside its shape;
//! this file holds detection and the helpers they share.

use serde_json::{Map, Value};

use crate::cli::RequestFormat;
use crate::error::{Error, Result};
use crate::request::{
    self, Attr, Curve, Digest, Eku, KeySpec, KeyType, KeyUsage, Purpose, RequestInput, San,
};

use super::{arcgis, nsx, qradar, sbc, xclarity};

/// Largest request body we read (a request is a few hundred bytes).
pub const MAX_REQUEST: u64 = 1 << 20;

/// A JSON decoding error of a `vendor` body. An unknown field is named
/// (in the message and as the error's field).
pub fn json_err(vendor: &str, e: serde_json::Error) -> Error {
    let msg = e.to_string();
    let mut err = Error::invalid("--request", format!("{vendor} request body: {msg}"))
        .with_hint("fix the request body; unknown fields are errors, not ignored");
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        if let Some((field, _)) = rest.split_once('`') {
            err = err.with_field(field);
        }
    }
    err
}

/// Parses a request body: the forced format, or the detected one.
pub fn parse(data: &[u8], forced: Option<RequestFormat>) -> Result<RequestInput> {
    let text = std::str::from_utf8(data)
        .map_err(|_| Error::invalid("--request", "the request body is not UTF-8"))?;
    let text = text.trim_start_matches('\u{feff}');
    let format = match forced {
        Some(f) => f,
        None => detect(text)?,
    };
    match format {
        RequestFormat::Native => native(text),
        RequestFormat::Qradar => qradar::parse_request(text),
        RequestFormat::Nsx => nsx::parse_request(text),
        RequestFormat::Xclarity => xclarity::parse_request(text),
        RequestFormat::Arcgis => arcgis::parse_request(text),
        RequestFormat::Sbc => sbc::parse_request(text),
    }
}

fn native(text: &str) -> Result<RequestInput> {
    serde_json::from_str::<RequestInput>(text).map_err(|e| json_err("csrkit", e))
}

/// Field names only one vendor uses (csrkit's own names are not listed).
const DISTINCT: &[(RequestFormat, &[&str])] = &[
    (
        RequestFormat::Qradar,
        &[
            "country_name",
            "state_province",
            "organization_name",
            "ip_addresses",
            "emails",
            "uri_list",
        ],
    ),
    (
        RequestFormat::Nsx,
        &[
            "resource_type",
            "display_name",
            "is_ca",
            "extensions",
            "pem_encoded",
            "parent_path",
            "relative_path",
            "_revision",
        ],
    ),
    (
        RequestFormat::Xclarity,
        &[
            "CommonName",
            "Country",
            "Organization",
            "OrganizationUnit",
            "StateLocality",
            "StateProvince",
            "subjectAlternativeNames",
        ],
    ),
    (
        RequestFormat::Arcgis,
        &[
            "alias", "orgUnit", "city", "keyAlg", "keySize", "sigAlg", "f", "token",
        ],
    ),
    (
        RequestFormat::Sbc,
        &[
            "unit",
            "common-name",
            "key-size",
            "alternate-name",
            "key-usage-list",
            "extended-key-usage-list",
            "key-algor",
            "digest-algor",
        ],
    ),
];

/// Which format a body is in: XML is SBC; a JSON object is the vendor whose
/// distinctive field names it uses, else csrkit's own.
pub fn detect(text: &str) -> Result<RequestFormat> {
    let t = text.trim_start();
    if t.starts_with('<') {
        return Ok(RequestFormat::Sbc);
    }
    let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(t) else {
        // Let the native parser report the syntax error.
        return Ok(RequestFormat::Native);
    };
    let mut hits: Vec<RequestFormat> = DISTINCT
        .iter()
        .filter(|(_, keys)| keys.iter().any(|k| obj.contains_key(*k)))
        .map(|(f, _)| *f)
        .collect();
    // NSX's subject is an object, csrkit's a DN string; ArcGIS's san a string.
    if obj.get("subject").is_some_and(Value::is_object) && !hits.contains(&RequestFormat::Nsx) {
        hits.push(RequestFormat::Nsx);
    }
    if obj.get("san").is_some_and(Value::is_string) && !hits.contains(&RequestFormat::Arcgis) {
        hits.push(RequestFormat::Arcgis);
    }
    match hits.as_slice() {
        [] if qradar_shaped(&obj) => Ok(RequestFormat::Qradar),
        [] => Ok(RequestFormat::Native),
        [one] => Ok(*one),
        many => Err(Error::invalid(
            "--request",
            format!(
                "cannot tell the request format: the body has fields of {}",
                many.iter()
                    .map(|f| format!("{f:?}"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        )
        .with_hint("give --request-format qradar|nsx|xclarity|arcgis|sbc|native")),
    }
}

/// A body with only shared names whose `domain_component` or
/// `organizational_unit` is a string (csrkit's own are lists) is QRadar's.
fn qradar_shaped(obj: &Map<String, Value>) -> bool {
    ["domain_component", "organizational_unit"]
        .iter()
        .any(|k| obj.get(*k).is_some_and(Value::is_string))
        || obj.contains_key("id")
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
    Error::invalid(
        field,
        format!("'{}' is not a key size in bits", v.escape_default()),
    )
    .with_field("--key-size")
    .with_hint("use 2048, 3072 or 4096 for RSA; 256, 384 or 521 for EC")
}

/// Validates the fields a vendor body set, so that an error names the
/// vendor's field (`names` maps csrkit's option to it). The error keeps the
/// option as its field, so vendor error codes do not depend on the input.
pub fn validate_as(input: &RequestInput, vendor: &str, names: &[(&str, &str)]) -> Result<()> {
    validate(input).map_err(|e| {
        let Some(flag) = e.field.clone() else {
            return e;
        };
        let Some((_, theirs)) = names.iter().find(|(f, _)| *f == flag) else {
            return e;
        };
        let rest = e
            .message
            .strip_prefix(&format!("{flag}: "))
            .unwrap_or(&e.message)
            .to_string();
        let mut out = Error::invalid(theirs, format!("{rest} (in the {vendor} request body)"))
            .with_field(&flag);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_vendor() {
        let cases = [
            (
                r#"{"common_name":"a","country_name":"US"}"#,
                RequestFormat::Qradar,
            ),
            (r#"{"subject":{"attributes":[]}}"#, RequestFormat::Nsx),
            (r#"{"CommonName":"a"}"#, RequestFormat::Xclarity),
            (r#"{"cn":"a","keySize":2048}"#, RequestFormat::Arcgis),
            (r#"{"common-name":"a"}"#, RequestFormat::Sbc),
            ("<certificateRecord/>", RequestFormat::Sbc),
            (r#"{"common_name":"a","dns":["a"]}"#, RequestFormat::Native),
            (
                r#"{"common_name":"a","domain_component":"example"}"#,
                RequestFormat::Qradar,
            ),
        ];
        for (body, want) in cases {
            assert_eq!(detect(body).unwrap(), want, "{body}");
        }
        assert!(detect(r#"{"CommonName":"a","cn":"b","alias":"x","country_name":"US"}"#).is_err());
    }
}
