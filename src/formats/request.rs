//! `--request FILE|-`: reads a request body into a [`RequestInput`].
//! Vendor bodies are detected by their field names; `--request-format`
//! forces one. Each vendor's parser lives in its own file beside its shape;
//! this file holds detection and dispatch; the helpers the parsers share are
//! in `body`.

use crate::field::Field;
use crate::mention;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::request::RequestInput;
use crate::vendors::Vendor;

use super::body::ImportBody;
use super::{arcgis, nsx, qradar, sbc, xclarity};

/// Largest request body we read (a request is a few hundred bytes).
pub const MAX_REQUEST: u64 = 1 << 20;

/// What a request body is: csrkit's own JSON or a vendor's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestFormat {
    /// csrkit's own JSON (field names as the long options, with underscores)
    Native,
    /// The vendor's generate-CSR body.
    Vendor(Vendor),
}

impl RequestFormat {
    /// Every request format: csrkit's own, then [`Vendor::ALL`]'s.
    pub const ALL: [RequestFormat; 1 + Vendor::ALL.len()] = {
        let mut all = [RequestFormat::Native; 1 + Vendor::ALL.len()];
        let mut v = 0;
        while v < Vendor::ALL.len() {
            all[1 + v] = RequestFormat::Vendor(Vendor::ALL[v]);
            v += 1;
        }
        all
    };

    /// The name `--request-format` takes (`native`, `nsx`).
    pub fn name(self) -> &'static str {
        match self {
            RequestFormat::Native => "native",
            RequestFormat::Vendor(v) => v.name(),
        }
    }
}

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
        RequestFormat::Vendor(Vendor::Qradar) => qradar::parse_request(text),
        RequestFormat::Vendor(Vendor::Nsx) => nsx::parse_request(text),
        RequestFormat::Vendor(Vendor::Xclarity) => xclarity::parse_request(text),
        RequestFormat::Vendor(Vendor::Arcgis) => arcgis::parse_request(text),
        RequestFormat::Vendor(Vendor::Sbc) => sbc::parse_request(text),
    }
}

fn native(text: &str) -> Result<RequestInput> {
    super::body::json_object::<RequestInput>("csrkit", text)
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

/// Which format a body is in: XML is SBC; a JSON object is the vendor whose
/// distinctive field names it uses, else csrkit's own.
pub fn detect(text: &str) -> Result<RequestFormat> {
    let t = text.trim_start();
    if t.starts_with('<') {
        return Ok(RequestFormat::Vendor(Vendor::Sbc));
    }
    let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(t) else {
        // Let the native parser report the syntax error.
        return Ok(RequestFormat::Native);
    };
    let mut hits: Vec<RequestFormat> = Vendor::ALL
        .into_iter()
        .filter(|v| v.distinct_fields().iter().any(|k| obj.contains_key(*k)))
        .map(RequestFormat::Vendor)
        .collect();
    // NSX's subject is an object, csrkit's a DN string; ArcGIS's san a string.
    if obj.get("subject").is_some_and(Value::is_object)
        && !hits.contains(&RequestFormat::Vendor(Vendor::Nsx))
    {
        hits.push(RequestFormat::Vendor(Vendor::Nsx));
    }
    if obj.get("san").is_some_and(Value::is_string)
        && !hits.contains(&RequestFormat::Vendor(Vendor::Arcgis))
    {
        hits.push(RequestFormat::Vendor(Vendor::Arcgis));
    }
    match hits.as_slice() {
        [] if qradar_shaped(&obj) => Ok(RequestFormat::Vendor(Vendor::Qradar)),
        [] => Ok(RequestFormat::Native),
        [one] => Ok(*one),
        many => Err(Error::invalid(
            Field::Request,
            format!(
                "cannot tell the request format: the body has fields of {}",
                many.iter()
                    .map(|f| match f {
                        RequestFormat::Vendor(v) => format!("{v:?}"),
                        RequestFormat::Native => "csrkit".to_string(),
                    })
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
                RequestFormat::Vendor(Vendor::Qradar),
            ),
            (
                r#"{"subject":{"attributes":[]}}"#,
                RequestFormat::Vendor(Vendor::Nsx),
            ),
            (
                r#"{"CommonName":"a"}"#,
                RequestFormat::Vendor(Vendor::Xclarity),
            ),
            (
                r#"{"cn":"a","keySize":2048}"#,
                RequestFormat::Vendor(Vendor::Arcgis),
            ),
            (r#"{"common-name":"a"}"#, RequestFormat::Vendor(Vendor::Sbc)),
            ("<certificateRecord/>", RequestFormat::Vendor(Vendor::Sbc)),
            (r#"{"common_name":"a","dns":["a"]}"#, RequestFormat::Native),
            (
                r#"{"common_name":"a","domain_component":"example"}"#,
                RequestFormat::Vendor(Vendor::Qradar),
            ),
        ];
        for (body, want) in cases {
            assert_eq!(detect(body).unwrap(), want, "{body}");
        }
        assert!(detect(r#"{"CommonName":"a","cn":"b","alias":"x","country_name":"US"}"#).is_err());
    }
}
