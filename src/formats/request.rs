//! `--request FILE|-`: reads a request body into a [`RequestInput`].
//! Vendor bodies are detected by their field names; `--request-format`
//! forces one. Each vendor's parser lives in its own file beside its shape;
//! this file holds detection and dispatch; the helpers the parsers share are
//! in `body`.

use crate::field::Field;
use crate::mention;
use serde_json::{Map, Value};

use crate::cli::RequestFormat;
use crate::error::{Error, Result};
use crate::request::RequestInput;

use super::body::json_err;
use super::{arcgis, nsx, qradar, sbc, xclarity};

/// Largest request body we read (a request is a few hundred bytes).
pub const MAX_REQUEST: u64 = 1 << 20;

/// Parses a request body: the forced format, or the detected one.
pub fn parse(data: &[u8], forced: Option<RequestFormat>) -> Result<RequestInput> {
    let text = std::str::from_utf8(data)
        .map_err(|_| Error::invalid(Field::Request, "the request body is not UTF-8"))?;
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

/// An import body (`import --request`): the certificates it carries (PEM,
/// leaf first) and the record it names, if any.
pub struct ImportBody {
    pub vendor: &'static str,
    pub certificates: String,
    pub record: Option<String>,
}

/// Reads a vendor's certificate import body: NSX TlsTrustData (has
/// `pem_encoded`) or a QRadar end certificate (has `cert_file`). Exit 2
/// for anything else, an unknown field, or a private key in the body
/// (csrkit imports certificates for the keys it holds).
pub fn parse_import(data: &[u8]) -> Result<ImportBody> {
    let text = std::str::from_utf8(data)
        .map_err(|_| Error::invalid(Field::Request, "the request body is not UTF-8"))?;
    let text = text.trim_start_matches('\u{feff}');
    let obj = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(o)) => o,
        _ => {
            return Err(Error::invalid(
                Field::Request,
                "an import body is a JSON object: NSX TlsTrustData or a QRadar end certificate",
            ))
        }
    };
    if obj.contains_key("pem_encoded") {
        nsx::parse_import(text)
    } else if obj.contains_key("cert_file") {
        qradar::parse_import(text)
    } else {
        Err(Error::invalid(
            Field::Request,
            "neither pem_encoded (NSX TlsTrustData) nor cert_file (QRadar) is in the body",
        )
        .with_hint("give the certificate FILE instead, or an NSX or QRadar import body"))
    }
}

/// Refuses a private key (or its password) in an import body.
pub(super) fn no_key_in_body(vendor: &str, field: &str, present: bool) -> Result<()> {
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
            "tags",
            "unique_id",
            "realization_id",
            "_links",
            "_schema",
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
            "alias", "orgUnit", "city", "keyAlg", "keySize", "sigAlg", "f", "token", "validity",
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
            Field::Request,
            format!(
                "cannot tell the request format: the body has fields of {}",
                many.iter()
                    .map(|f| format!("{f:?}"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        )
        .with_hint(concat!(
            "give ",
            mention!(request_format),
            " qradar|nsx|xclarity|arcgis|sbc|native"
        ))),
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
