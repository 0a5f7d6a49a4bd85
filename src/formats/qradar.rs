//! `--format qradar` (QRadar `staged_config/certificates/certificate_signing_request`)
//! and QRadar CSRModel request bodies: see docs/vendor-formats.md.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::body::{json_err, nonempty, nonempty_list, validate_as};
use super::{epoch_ms, to_json, Op, Options, RecordView, Shape};
use crate::csr::ParsedCsr;
use crate::error::{Error, Kind, Result};
use crate::keystore::{Listed, RecordMeta};
use crate::request::RequestInput;

pub struct Qradar;

/// The CSRModel of a record (or of a CSR file, without record fields).
fn csr_model(meta: Option<&RecordMeta>, csr: &ParsedCsr) -> Value {
    // QRadar has one string per attribute; several values are joined.
    let text = |short: &str, sep: &str| -> Value {
        let v = csr.subject_values(short);
        if v.is_empty() {
            Value::Null
        } else {
            json!(v.join(sep))
        }
    };
    let mut m = Map::new();
    m.insert("id".into(), json!(meta.map(|m| m.id)));
    m.insert(
        "key_size".into(),
        json!(meta.map(|m| m.key.bits()).unwrap_or(csr.key.bits)),
    );
    m.insert(
        "description".into(),
        json!(meta.and_then(|m| m.description.clone())),
    );
    m.insert(
        "purpose".into(),
        json!(meta.and_then(|m| m.request.purpose).map(|p| p.upper())),
    );
    m.insert("common_name".into(), text("CN", ", "));
    m.insert("country_name".into(), text("C", ", "));
    m.insert("state_province".into(), text("ST", ", "));
    m.insert("locality".into(), text("L", ", "));
    m.insert("organization_name".into(), text("O", ", "));
    m.insert("organizational_unit".into(), text("OU", ", "));
    m.insert("street_address".into(), text("street", ", "));
    m.insert("domain_component".into(), text("DC", "."));
    m.insert("user_id".into(), text("UID", ", "));
    m.insert("dns".into(), json!(csr.sans_of("DNS")));
    m.insert("ip_addresses".into(), json!(csr.sans_of("IP")));
    m.insert("emails".into(), json!(csr.sans_of("email")));
    m.insert("uri_list".into(), json!(csr.sans_of("URI")));
    Value::Object(m)
}

impl Shape for Qradar {
    fn name(&self) -> &'static str {
        "qradar"
    }
    fn ops(&self) -> &'static [Op] {
        super::COLLECTION_OPS
    }
    /// `DELETE .../certificate_signing_request/{id}`: 204 No Content.
    fn delete(&self, _meta: &RecordMeta, _o: Options) -> Result<Vec<u8>> {
        Ok(Vec::new())
    }
    /// The 201 body: the new id alone.
    fn generate(&self, v: &RecordView<'_>, _o: Options) -> Result<Vec<u8>> {
        Ok(format!("{}\n", v.meta.id).into_bytes())
    }
    fn show(&self, meta: Option<&RecordMeta>, csr: &ParsedCsr, o: Options) -> Result<Vec<u8>> {
        to_json(&csr_model(meta, csr), o.pretty)
    }
    /// GET .../certificate_signing_request/{id}: the CSR file.
    fn download(&self, v: &RecordView<'_>, _details: bool, _o: Options) -> Result<Vec<u8>> {
        Ok(v.csr.pem().into_bytes())
    }
    fn list(&self, records: &[Listed], o: Options) -> Result<Vec<u8>> {
        let rows: Vec<Value> = records
            .iter()
            .map(|r| &r.summary)
            .map(|s| json!({"create_time": epoch_ms(&s.created), "description": s.description, "id": s.id}))
            .collect();
        to_json(&rows, o.pretty)
    }
    fn error(&self, _op: Op, err: &Error, o: Options) -> Option<Vec<u8>> {
        let (code, http, description) = error_code(err);
        let body = json!({
            "message": err.message,
            "details": {},
            "description": description,
            "code": code,
            "http_response": {"message": http_message(http), "code": http},
        });
        to_json(&body, o.pretty).ok()
    }
}

/// Unique codes for invalid input (HTTP 422), by the option the error
/// concerns. Stable: documented in docs/vendor-formats.md.
const INVALID_CODES: &[(u32, &str, &[&str])] = &[
    (1032, "The common name is invalid.", &["--common-name"]),
    (1033, "The country name is invalid.", &["--country"]),
    (1034, "The state or province is invalid.", &["--state"]),
    (1035, "The locality is invalid.", &["--locality"]),
    (1036, "The organization name is invalid.", &["--organization"]),
    (1037, "The organizational unit is invalid.", &["--organizational-unit"]),
    (
        1038,
        "Another subject attribute (street address, domain component, user id, email address or DN) is invalid.",
        &["--street-address", "--domain-component", "--user-id", "--email-address", "--subject"],
    ),
    (1039, "A subject alternative name (dns, ip_addresses, emails, uri_list) is invalid.", &["--dns", "--ip", "--email", "--uri", "--san"]),
    (1040, "The key size, key type or digest is invalid or refused.", &["--key-size", "--key-type", "--curve", "--digest"]),
    (
        1041,
        "The purpose or a key usage is invalid.",
        &["--purpose", "--key-usage", "--extended-key-usage", "--ca", "--path-len"],
    ),
];
/// Any other invalid input (request body syntax, unknown field, name, description, options).
const OTHER_INVALID: (u32, &str) = (1042, "The request is invalid.");

fn error_code(err: &Error) -> (u32, u16, &'static str) {
    match err.kind {
        Kind::Invalid => {
            let field = err.field.as_deref().unwrap_or("");
            let (code, desc) = INVALID_CODES
                .iter()
                .find(|(_, _, fields)| fields.contains(&field))
                .map(|(c, d, _)| (*c, *d))
                .unwrap_or(OTHER_INVALID);
            (code, 422, desc)
        }
        Kind::NotFound => (
            1002,
            404,
            "The Certificate Signing Request (CSR) does not exist.",
        ),
        Kind::Internal => (
            1020,
            500,
            "An error occurred while processing the Certificate Signing Request (CSR).",
        ),
        Kind::Exists => (
            1003,
            409,
            "A Certificate Signing Request (CSR) with this name already exists.",
        ),
        Kind::Locked => (1004, 423, "The keystore is locked by another process."),
        Kind::Passphrase => (
            1005,
            401,
            "The private key cannot be decrypted with the given passphrase.",
        ),
        Kind::BadSignature => (
            1043,
            400,
            "The Certificate Signing Request (CSR) signature does not verify.",
        ),
        Kind::Mismatch => (
            1044,
            422,
            "The certificate does not match a pending private key.",
        ),
        Kind::Chain => (
            1045,
            422,
            "The certificate chain cannot be built or does not verify.",
        ),
        Kind::Found => (0, 200, "The check found items."),
    }
}

fn http_message(code: u16) -> &'static str {
    match code {
        422 => "The request was well-formed but was unable to be followed due to semantic errors.",
        400 => "Invalid request body or parameters.",
        404 => "We could not find the resource you requested.",
        409 => "The request could not be completed due to a conflict with the current state of the resource.",
        423 => "The resource that is being accessed is locked.",
        401 => "You are unauthorized to access the requested resource.",
        _ => "Unexpected internal server error",
    }
}

/// A CSRModel request body (the POST body). `id` is in QRadar's sample body
/// and is accepted but ignored: csrkit assigns ids. `name` is csrkit's
/// record name (for batch lines).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CsrModel {
    name: Option<String>,
    #[allow(dead_code)]
    id: Option<Value>,
    key_size: Option<super::body::NumOrString>,
    description: Option<String>,
    purpose: Option<String>,
    common_name: Option<String>,
    country_name: Option<String>,
    state_province: Option<String>,
    locality: Option<String>,
    organization_name: Option<String>,
    organizational_unit: Option<String>,
    street_address: Option<String>,
    domain_component: Option<String>,
    user_id: Option<String>,
    dns: Option<Vec<String>>,
    ip_addresses: Option<Vec<String>>,
    emails: Option<Vec<String>>,
    uri_list: Option<Vec<String>>,
}

/// csrkit option -> QRadar field, for error messages.
const NAMES: &[(&str, &str)] = &[
    ("--common-name", "common_name"),
    ("--country", "country_name"),
    ("--state", "state_province"),
    ("--locality", "locality"),
    ("--organization", "organization_name"),
    ("--organizational-unit", "organizational_unit"),
    ("--street-address", "street_address"),
    ("--domain-component", "domain_component"),
    ("--user-id", "user_id"),
    ("--dns", "dns"),
    ("--ip", "ip_addresses"),
    ("--email", "emails"),
    ("--uri", "uri_list"),
    ("--key-size", "key_size"),
    ("--purpose", "purpose"),
];

pub fn parse_request(text: &str) -> Result<RequestInput> {
    let m: CsrModel = serde_json::from_str(text).map_err(|e| json_err("QRadar CSRModel", e))?;
    let input = RequestInput {
        name: nonempty(m.name),
        common_name: nonempty(m.common_name),
        country: nonempty(m.country_name),
        state: nonempty(m.state_province),
        locality: nonempty(m.locality),
        organization: nonempty(m.organization_name),
        organizational_unit: nonempty(m.organizational_unit).map(|v| vec![v]),
        street_address: nonempty(m.street_address),
        // QRadar's one string "example.com" is the labels in order.
        domain_component: nonempty(m.domain_component)
            .map(|d| d.split('.').map(String::from).collect()),
        user_id: nonempty(m.user_id),
        dns: nonempty_list(m.dns),
        ip: nonempty_list(m.ip_addresses),
        email: nonempty_list(m.emails),
        uri: nonempty_list(m.uri_list),
        key_size: m
            .key_size
            .map(|k| k.bits("key_size"))
            .transpose()?
            .flatten(),
        purpose: nonempty(m.purpose),
        description: m.description,
        ..RequestInput::default()
    };
    validate_as(&input, "QRadar", NAMES)?;
    Ok(input)
}
