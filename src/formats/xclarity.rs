//! `--format xclarity` (Lenovo XClarity Administrator
//! `certificateSigningRequest`: the raw PEM, the success envelope, the
//! `"result":"failed"` envelope) and XClarity POST bodies. Message ids and
//! the fields read: docs/vendor-formats.md.

use crate::field::Field;
use serde::Deserialize;
use serde_json::{json, Value};

use super::body::{nonempty, validate_as};
use super::{to_json, ExportView, Op, Options, RecordView, Shape};
use crate::csr::ParsedCsr;
use crate::error::{Error, Kind, Result};
use crate::keystore::RecordMeta;
use crate::request::RequestInput;

/// The shape (a unit struct; see [`Shape`]).
pub struct Xclarity;

/// The success envelope around `response`.
fn success(response: Value, o: Options) -> Result<Vec<u8>> {
    let body = json!({
        "response": response,
        "result": "success",
        "messages": [{
            "explanation": "",
            "id": "FQXHMSE0001I",
            "recovery": {"text": "Information only; no action is required.", "URL": ""},
            "text": "The request completed successfully."
        }]
    });
    to_json(&body, o.pretty)
}

fn csr_details(csr: &ParsedCsr, o: Options) -> Result<Vec<u8>> {
    success(json!({"CSR": csr.pem()}), o)
}

/// Message ids for failures: `FQXHMSE<4-digit exit code>L`. In Lenovo's
/// message-id scheme (FQXHMccnnnns) the last letter is the severity: `I`
/// informational, `F` `G` `H` `J` warnings, `K` to `N` errors; `L` is an
/// error that needs action now (fix the request and send it again).
/// Documented in docs/vendor-formats.md.
fn failure_id(kind: Kind) -> String {
    format!("FQXHMSE{:04}L", kind.exit_code())
}

fn explanation(kind: Kind) -> &'static str {
    match kind {
        Kind::Invalid => "A request attribute or option is missing or not valid.",
        Kind::NotFound => "The specified Certificate Signing Request cannot be found.",
        Kind::Exists => "A Certificate Signing Request with this name already exists.",
        Kind::Locked => "The keystore is locked by another process.",
        Kind::Passphrase => "The private key cannot be decrypted with the given passphrase.",
        Kind::BadSignature => "The signature of the Certificate Signing Request does not verify.",
        Kind::Internal => "An internal error occurred.",
        Kind::Mismatch => {
            "The certificate does not match the key of the Certificate Signing Request."
        }
        Kind::Chain => "The certificate chain cannot be built or does not verify.",
        Kind::Found => "The check found items.",
        Kind::CaRefused => "The certificate authority refused the request.",
        Kind::ChallengeFailed => "The certificate authority could not validate the names.",
        Kind::CaUnreachable => "The certificate authority could not be reached.",
    }
}

impl Shape for Xclarity {
    fn name(&self) -> &'static str {
        "xclarity"
    }
    fn ops(&self) -> &'static [Op] {
        &[
            Op::Generate,
            Op::Regenerate,
            Op::Show,
            Op::Download,
            Op::Export,
        ]
    }
    /// The certificate for the appliance, whose key made the CSR: the PEM
    /// bundle, leaf first, then the chain (no key).
    fn export(&self, v: &ExportView<'_>, _o: Options) -> Result<Vec<u8>> {
        Ok(crate::export::pem_bundle(v.leaf, v.chain, None)?.to_vec())
    }
    /// POST: the path (id) of the new CSR.
    fn generate(&self, v: &RecordView<'_>, o: Options) -> Result<Vec<u8>> {
        success(json!({"path": v.meta.id.to_string()}), o)
    }
    fn show(&self, _meta: Option<&RecordMeta>, csr: &ParsedCsr, o: Options) -> Result<Vec<u8>> {
        csr_details(csr, o)
    }
    /// GET ?path=ID: the raw PEM, or the envelope with `details=true`.
    fn download(&self, v: &RecordView<'_>, details: bool, o: Options) -> Result<Vec<u8>> {
        if details {
            csr_details(v.csr, o)
        } else {
            Ok(v.csr.pem().into_bytes())
        }
    }
    fn error(&self, _op: Op, err: &Error, o: Options) -> Option<Vec<u8>> {
        let recovery = err
            .hint
            .clone()
            .unwrap_or_else(|| "Correct the request and try again.".into());
        let body = json!({
            "response": {},
            "result": "failed",
            "messages": [{
                "explanation": explanation(err.kind),
                "id": failure_id(err.kind),
                "recovery": {"text": recovery, "URL": ""},
                "text": err.message
            }]
        });
        to_json(&body, o.pretty).ok()
    }
}

// ---------------------------------------------------------------------------
// POST /certificateSigningRequest bodies

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GeneralName {
    name: String,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubjectAltNames {
    #[serde(rename = "generalNames")]
    general_names: Vec<GeneralName>,
}

/// The POST body (Lenovo XClarity Administrator REST API). `name` is
/// csrkit's record name (for batch lines).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Post {
    name: Option<String>,
    #[serde(rename = "CommonName")]
    common_name: Option<String>,
    #[serde(rename = "Country")]
    country: Option<String>,
    #[serde(rename = "Organization")]
    organization: Option<String>,
    #[serde(rename = "OrganizationUnit")]
    organization_unit: Option<String>,
    #[serde(rename = "StateLocality")]
    state_locality: Option<String>,
    #[serde(rename = "StateProvince")]
    state_province: Option<String>,
    #[serde(rename = "subjectAlternativeNames")]
    sans: Option<SubjectAltNames>,
}

/// csrkit's fields as this vendor's bodies name them.
pub const FIELD_NAMES: &[(Field, &str)] = &[
    (Field::CommonName, "CommonName"),
    (Field::Country, "Country"),
    (Field::Organization, "Organization"),
    (Field::OrganizationalUnit, "OrganizationUnit"),
    (Field::Locality, "StateLocality"),
    (Field::State, "StateProvince"),
    (Field::San, "subjectAlternativeNames"),
    (Field::Dns, "subjectAlternativeNames"),
    (Field::Ip, "subjectAlternativeNames"),
    (Field::Email, "subjectAlternativeNames"),
    (Field::Uri, "subjectAlternativeNames"),
];

/// A general name as csrkit's `TYPE:VALUE`.
fn typed(g: &GeneralName) -> Result<String> {
    let t = match g.kind.to_ascii_lowercase().as_str() {
        "dnsname" | "dns" => "dns",
        "ipaddress" | "ip" => "ip",
        "rfc822name" | "email" => "email",
        "uniformresourceidentifier" | "uri" => "uri",
        _ => {
            return Err(Error::invalid_as(
                "subjectAlternativeNames",
                format!(
                    "unsupported general name type '{}'",
                    g.kind.escape_default()
                ),
            )
            .with_field(Field::San)
            .with_hint("use dNSName, iPAddress, rfc822Name or uniformResourceIdentifier"))
        }
    };
    Ok(format!("{t}:{}", g.name))
}

/// The defaults the appliance fills in for an attribute the POST leaves
/// out (XClarity Administrator REST API, `POST /certificateSigningRequest`).
const APPLIANCE_DEFAULTS: &str = "CommonName \"LXCA\", Country \"US\", StateProvince \"North Carolina\", StateLocality \"Raleigh\", Organization from the server firmware";

/// Reads an XClarity `POST /certificateSigningRequest` body. Every
/// attribute is optional on the appliance, which fills in its own
/// defaults; csrkit has none, so a body without `CommonName` and without
/// `subjectAlternativeNames` (such as `{}`) is refused, naming both.
/// Other errors name the XClarity field (an unknown field, a general
/// name type, a value csrkit refuses).
pub fn parse_request(text: &str) -> Result<RequestInput> {
    let p: Post = super::body::json_object("XClarity", text)?;
    let san = match p.sans {
        Some(s) => Some(
            s.general_names
                .iter()
                .map(typed)
                .collect::<Result<Vec<_>>>()?,
        )
        .filter(|l| !l.is_empty()),
        None => None,
    };
    let input = RequestInput {
        name: nonempty(p.name),
        common_name: nonempty(p.common_name),
        country: nonempty(p.country),
        organization: nonempty(p.organization),
        organizational_unit: nonempty(p.organization_unit).map(|v| vec![v]),
        locality: nonempty(p.state_locality),
        state: nonempty(p.state_province),
        san,
        ..RequestInput::default()
    };
    if input.common_name.is_none() && input.san.is_none() {
        return Err(Error::invalid_as(
            "CommonName",
            "the XClarity body has neither CommonName nor subjectAlternativeNames; \
             the appliance would fill in its defaults, but csrkit has no appliance to take them from",
        )
        .with_field(Field::CommonName)
        .with_hint(format!(
            "add CommonName (the FQDN or IP address of the server) or subjectAlternativeNames to the body; \
             the appliance's defaults are {APPLIANCE_DEFAULTS}"
        )));
    }
    validate_as(&input, "XClarity", FIELD_NAMES)?;
    Ok(input)
}
