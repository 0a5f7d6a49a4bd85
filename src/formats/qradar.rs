//! `--format qradar` (QRadar `staged_config/certificates/certificate_signing_request`:
//! the 201 id, the CSRModel, the list rows, the error body) and QRadar
//! CSRModel request bodies. QRadar holds RSA keys only; fields and codes:
//! docs/vendor-formats.md.

use crate::field::Field;
use crate::mention;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::body::{nonempty, nonempty_list, validate_as};
use super::{
    cannot_hold, certinfo, epoch_ms, to_json, CertView, ExportView, KeyUse, Op, Options,
    RecordView, Shape,
};
use crate::csr::ParsedCsr;
use crate::error::{Error, Kind, Result};
use crate::keystore::{Listed, RecordMeta};
use crate::request::{Eku, KeySpec, Request, RequestInput};

/// The shape (a unit struct; see [`Shape`]).
pub struct Qradar;

/// The subject attributes a CSRModel has a field for (short names).
const MODEL_ATTRS: &[&str] = &["CN", "C", "ST", "L", "O", "OU", "street", "DC", "UID"];

/// What a CSRModel would describe: a request about to be made, a stored
/// record (by name), or a CSR file.
#[derive(Clone, Copy)]
enum Whose<'a> {
    Request,
    Record(&'a str),
    File,
}

/// Refuses what a CSRModel cannot describe: a key other than RSA
/// (`other_alg`, its name; `key_size` is an RSA modulus length and QRadar
/// makes RSA keys only) or a subject attribute the model has no field for.
fn check_model<'a>(
    other_alg: Option<&str>,
    shorts: impl IntoIterator<Item = &'a str>,
    whose: Whose<'_>,
) -> Result<()> {
    let (of, key_hint, subject_hint) = match whose {
        Whose::Request => (
            String::new(),
            concat!("use ", mention!(key_type), " rsa"),
            "leave that attribute out",
        ),
        Whose::Record(n) => (
            format!(" (record {n})"),
            concat!(
                "regenerate it with ",
                mention!(new_key),
                " ",
                mention!(key_type),
                " rsa"
            ),
            "regenerate it without that attribute",
        ),
        Whose::File => (
            " (the CSR file)".to_string(),
            concat!("show the file with ", mention!(format), " text"),
            concat!("show the file with ", mention!(format), " text"),
        ),
    };
    if let Some(alg) = other_alg {
        return Err(cannot_hold(
            "qradar",
            Field::KeyType,
            format!("an {alg} key{of}: QRadar keys are RSA only (a CSRModel's key_size is an RSA modulus length)"),
            key_hint,
        ));
    }
    let mut extra: Vec<&str> = Vec::new();
    for s in shorts {
        if !MODEL_ATTRS.contains(&s) && !extra.contains(&s) {
            extra.push(s);
        }
    }
    if !extra.is_empty() {
        return Err(cannot_hold(
            "qradar",
            Field::Subject,
            format!(
                "the subject attribute {}{of}: a CSRModel has no field for it",
                extra.join(", ")
            ),
            subject_hint,
        ));
    }
    Ok(())
}

/// The key algorithm's name when it is not RSA.
fn not_rsa(key: &KeySpec) -> Option<String> {
    match key {
        KeySpec::Rsa { .. } => None,
        other => Some(other.to_string()),
    }
}

/// QRadar's `purpose` from the extendedKeyUsage purposes: serverAuth ->
/// SERVER, clientAuth -> CLIENT, both -> SERVER_CLIENT, else
/// SIGNING_ENCRYPTION.
fn purpose_of(server: bool, client: bool) -> &'static str {
    match (server, client) {
        (true, true) => "SERVER_CLIENT",
        (true, false) => "SERVER",
        (false, true) => "CLIENT",
        (false, false) => "SIGNING_ENCRYPTION",
    }
}

/// The record's `--purpose`, else the purpose its EKU maps to.
fn record_purpose(req: &Request) -> String {
    if let Some(p) = req.purpose {
        return p.upper();
    }
    let ekus = req.extended_key_usages();
    purpose_of(
        ekus.contains(&Eku::ServerAuth),
        ekus.contains(&Eku::ClientAuth),
    )
    .to_string()
}

/// The purpose of an issued certificate: what its extendedKeyUsage maps
/// to (the CA may have issued less than the CSR asked for), else, with no
/// extendedKeyUsage, the record's.
fn issued_purpose(leaf: &crate::cert::Cert, req: &Request) -> String {
    let eku = leaf.ext_key_usage_names();
    if eku.is_empty() {
        return record_purpose(req);
    }
    let has = |n: &str| eku.iter().any(|e| e == n);
    purpose_of(has("serverAuth"), has("clientAuth")).to_string()
}

/// The purpose a CSR file's extendedKeyUsage maps to.
fn file_purpose(csr: &ParsedCsr) -> &'static str {
    let eku = csr.extensions.iter().find(|e| e.oid == "2.5.29.37");
    let has = |name: &str, oid: &str| {
        eku.is_some_and(|e| e.value.split(", ").any(|v| v == name || v == oid))
    };
    purpose_of(
        has("serverAuth", "1.3.6.1.5.5.7.3.1"),
        has("clientAuth", "1.3.6.1.5.5.7.3.2"),
    )
}

/// The CSRModel of a record (or of a CSR file: no `id` nor
/// `description`). A field with no value is left out (the schema's
/// strings are never null); `purpose` is always there.
fn csr_model(meta: Option<&RecordMeta>, csr: &ParsedCsr) -> Result<Value> {
    let rsa = match meta {
        Some(m) => not_rsa(&m.key),
        None => (csr.key.algorithm != "RSA").then(|| csr.key.algorithm.clone()),
    };
    let shorts = csr.subject.iter().flatten().map(|a| a.short.as_str());
    let whose = meta.map_or(Whose::File, |m| Whose::Record(&m.name));
    check_model(rsa.as_deref(), shorts, whose)?;
    let mut m = Map::new();
    // QRadar has one string per attribute; several values are joined.
    let mut text = |key: &str, short: &str, sep: &str| {
        let v = csr.subject_values(short);
        if !v.is_empty() {
            m.insert(key.into(), json!(v.join(sep)));
        }
    };
    let mut head = Map::new();
    if let Some(meta) = meta {
        head.insert("id".into(), json!(meta.id));
    }
    head.insert(
        "key_size".into(),
        json!(meta.map(|m| m.key.bits()).unwrap_or(csr.key.bits)),
    );
    if let Some(d) = meta.and_then(|m| m.description.as_ref()) {
        head.insert("description".into(), json!(d));
    }
    let purpose = match meta {
        Some(m) => record_purpose(&m.request),
        None => file_purpose(csr).to_string(),
    };
    head.insert("purpose".into(), json!(purpose));
    text("common_name", "CN", ", ");
    text("country_name", "C", ", ");
    text("state_province", "ST", ", ");
    text("locality", "L", ", ");
    text("organization_name", "O", ", ");
    text("organizational_unit", "OU", ", ");
    text("street_address", "street", ", ");
    text("domain_component", "DC", ".");
    text("user_id", "UID", ", ");
    head.extend(m);
    head.insert("dns".into(), json!(csr.sans_of("DNS")));
    head.insert("ip_addresses".into(), json!(csr.sans_of("IP")));
    head.insert("emails".into(), json!(csr.sans_of("email")));
    head.insert("uri_list".into(), json!(csr.sans_of("URI")));
    Ok(Value::Object(head))
}

impl Shape for Qradar {
    fn name(&self) -> &'static str {
        "qradar"
    }
    fn ops(&self) -> &'static [Op] {
        &[
            Op::Generate,
            Op::Regenerate,
            Op::Show,
            Op::Download,
            Op::List,
            Op::Delete,
            Op::Import,
            Op::Export,
        ]
    }
    /// `POST /staged_config/certificates/end_certificates` with `csr_id`:
    /// the EndCertificateDTO of the new certificate (see [`end_certificate_dto`]).
    fn certificate(&self, v: &CertView<'_>, o: Options) -> Result<Vec<u8>> {
        to_json(&end_certificate_dto(v), o.pretty)
    }
    fn export_key(&self) -> KeyUse {
        KeyUse::Always
    }
    /// QRadar keys are RSA only: an EC or Ed25519 record is refused before
    /// its key is opened.
    fn export_accepts(&self, meta: &RecordMeta) -> Result<()> {
        check_model(not_rsa(&meta.key).as_deref(), [], Whose::Record(&meta.name)).map_err(|e| {
            e.with_hint(concat!(
                "export it with ",
                mention!(format),
                " pem ",
                mention!(with_key),
                " or ",
                mention!(format),
                " pkcs12, or give QRadar an RSA record (regenerate ",
                mention!(new_key),
                " ",
                mention!(key_type),
                " rsa)"
            ))
        })
    }
    /// `POST /staged_config/certificates/end_certificates`: the
    /// EndCertificateDTO to create (see [`end_certificate`]).
    fn export(&self, v: &ExportView<'_>, o: Options) -> Result<Vec<u8>> {
        end_certificate(v, o)
    }
    /// Refuses a key other than RSA, or a subject attribute the CSRModel
    /// has no field for, before anything is made or written.
    fn accepts(&self, _op: Op, req: &Request) -> Result<()> {
        let shorts: Vec<_> = req
            .subject
            .0
            .iter()
            .flatten()
            .map(|a| a.attr.short())
            .collect();
        check_model(
            not_rsa(&req.key).as_deref(),
            shorts.iter().map(|s| s.as_ref()),
            Whose::Request,
        )
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
        to_json(&csr_model(meta, csr)?, o.pretty)
    }
    /// GET .../certificate_signing_request/{id}: the CSR file.
    fn download(&self, v: &RecordView<'_>, _details: bool, _o: Options) -> Result<Vec<u8>> {
        Ok(v.csr.pem().into_bytes())
    }
    fn list(&self, records: &[Listed], o: Options) -> Result<Vec<u8>> {
        let rows: Vec<Value> = records
            .iter()
            .map(|r| &r.summary)
            .map(|s| {
                let mut row = Map::new();
                row.insert("create_time".into(), json!(epoch_ms(&s.created)));
                if let Some(d) = &s.description {
                    row.insert("description".into(), json!(d));
                }
                row.insert("id".into(), json!(s.id));
                Value::Object(row)
            })
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

/// The EndCertificateDTO of `POST /staged_config/certificates/end_certificates`:
/// `name` (the record name), `purpose` (as the CSRModel's), `cert_file`
/// (the leaf, PEM), `ca_chain_file` (the chain, child first; left out when
/// there is none) and `key_file` (PKCS#8 PEM: `ENCRYPTED PRIVATE KEY` under
/// the export passphrase, which csrkit never prints, so the caller adds
/// `key_password`; `PRIVATE KEY` with `--no-export-passphrase`).
fn end_certificate(v: &ExportView<'_>, o: Options) -> Result<Vec<u8>> {
    let key = v
        .key
        .ok_or_else(|| Error::internal("QRadar export without the key"))?;
    let key_pem = key.pem()?;
    let mut m = Map::new();
    m.insert("name".into(), json!(v.meta.name));
    m.insert(
        "purpose".into(),
        json!(issued_purpose(v.leaf, &v.meta.request)),
    );
    m.insert("cert_file".into(), json!(v.leaf.pem()));
    if !v.chain.is_empty() {
        m.insert(
            "ca_chain_file".into(),
            json!(crate::cert::pem_chain(v.chain)),
        );
    }
    m.insert("key_file".into(), json!(key_pem.as_str()));
    let body = Value::Object(m);
    let out = to_json(&body, o.pretty);
    zeroize_value(body);
    out
}

/// The EndCertificateDTO QRadar answers with: `id` and `csr_id` (the
/// record's id), `name`, `purpose`, `subject` and `issuer` as
/// `[{"field_name","value"}]`, `serial_number`, `not_before` and `expiry`
/// (epoch ms), `key_usage` and `extended_key_usage` in QRadar's enum
/// spellings, and `status` `STAGED` (a deploy makes it live).
fn end_certificate_dto(v: &CertView<'_>) -> Value {
    let c = v.leaf;
    let dn = |n: &x509_cert::name::Name| -> Vec<Value> {
        certinfo::fields(n)
            .into_iter()
            .map(|(k, val)| json!({"field_name": k, "value": val}))
            .collect()
    };
    let ku: Vec<String> = c
        .key_usage()
        .iter()
        .map(|k| match k.as_str() {
            "CRLSign" => "CRL_SIGN".to_string(),
            k => k
                .chars()
                .enumerate()
                .flat_map(|(i, ch)| {
                    let sep = (i > 0 && ch.is_ascii_uppercase()).then_some('_');
                    sep.into_iter()
                        .chain(std::iter::once(ch.to_ascii_uppercase()))
                })
                .collect(),
        })
        .collect();
    let eku: Vec<&str> = c
        .ext_key_usage()
        .iter()
        .filter_map(|o| match o.to_string().as_str() {
            "1.3.6.1.5.5.7.3.1" => Some("TLS_Web_server_authentication"),
            "1.3.6.1.5.5.7.3.2" => Some("TLS_Web_client_authentication"),
            "1.3.6.1.5.5.7.3.4" => Some("Email_protection"),
            _ => None,
        })
        .collect();
    let (nb, na) = certinfo::validity_ms(c);
    json!({
        "id": v.meta.id,
        "name": v.meta.name,
        "csr_id": v.meta.id,
        "purpose": issued_purpose(c, &v.meta.request),
        "subject": dn(c.subject()),
        "issuer": dn(c.issuer()),
        "serial_number": certinfo::serial_hex(c),
        "not_before": nb,
        "expiry": na,
        "key_usage": ku,
        "extended_key_usage": eku,
        "status": "STAGED",
    })
}

/// An end-certificate import body (`import --request`): `cert_file`,
/// `ca_chain_file` (child first) and `csr_id` (the record's id); `name`,
/// `purpose` and `component_id` are accepted and not used. `key_file` and
/// `key_password` are refused: the key is the record's.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct EndCertificateBody {
    cert_file: String,
    ca_chain_file: Option<String>,
    csr_id: Option<u64>,
    name: Option<String>,
    purpose: Option<String>,
    component_id: Option<Value>,
    key_file: Option<String>,
    key_password: Option<String>,
}

/// Reads a QRadar end-certificate import body (see [`EndCertificateBody`]).
pub fn parse_import(text: &str) -> Result<super::body::ImportBody> {
    let b: EndCertificateBody = super::body::json_object("QRadar end certificate", text)?;
    super::body::no_key_in_body("QRadar", "key_file", b.key_file.is_some())?;
    super::body::no_key_in_body("QRadar", "key_password", b.key_password.is_some())?;
    let mut pem = b.cert_file;
    if let Some(chain) = b.ca_chain_file.filter(|c| !c.trim().is_empty()) {
        if !pem.ends_with('\n') {
            pem.push('\n');
        }
        pem.push_str(&chain);
    }
    Ok(super::body::ImportBody {
        vendor: "QRadar",
        certificates: pem,
        record: b.csr_id.map(|id| id.to_string()),
    })
}

/// Wipes the strings of a JSON value that held a key.
fn zeroize_value(v: Value) {
    use zeroize::Zeroize;
    if let Value::Object(m) = v {
        for (_, v) in m {
            if let Value::String(mut s) = v {
                s.zeroize();
            }
        }
    }
}

/// Unique codes for invalid input (HTTP 422), by the option the error
/// concerns. Stable: documented in docs/vendor-formats.md.
const INVALID_CODES: &[(u32, &str, &[Field])] = &[
    (1032, "The common name is invalid.", &[Field::CommonName]),
    (1033, "The country name is invalid.", &[Field::Country]),
    (1034, "The state or province is invalid.", &[Field::State]),
    (1035, "The locality is invalid.", &[Field::Locality]),
    (1036, "The organization name is invalid.", &[Field::Organization]),
    (1037, "The organizational unit is invalid.", &[Field::OrganizationalUnit]),
    (
        1038,
        "Another subject attribute (street address, domain component, user id, email address or DN) is invalid.",
        &[Field::StreetAddress, Field::DomainComponent, Field::UserId, Field::EmailAddress, Field::Subject],
    ),
    (1039, "A subject alternative name (dns, ip_addresses, emails, uri_list) is invalid.", &[Field::Dns, Field::Ip, Field::Email, Field::Uri, Field::San]),
    (1040, "The key size, key type or digest is invalid or refused.", &[Field::KeySize, Field::KeyType, Field::Curve, Field::Digest]),
    (
        1041,
        "The purpose or a key usage is invalid.",
        &[Field::Purpose, Field::KeyUsage, Field::ExtendedKeyUsage, Field::Ca, Field::PathLen],
    ),
];
/// Any other invalid input (request body syntax, unknown field, name, description, options).
const OTHER_INVALID: (u32, &str) = (1042, "The request is invalid.");

fn error_code(err: &Error) -> (u32, u16, &'static str) {
    match err.kind {
        Kind::Invalid => {
            let field = err.field;
            let (code, desc) = INVALID_CODES
                .iter()
                .find(|(_, _, fields)| field.is_some_and(|f| fields.contains(&f)))
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
        Kind::CaRefused => (1046, 502, "The certificate authority refused the request."),
        Kind::ChallengeFailed => (
            1047,
            502,
            "The certificate authority could not validate the names.",
        ),
        Kind::CaUnreachable => (1048, 504, "The certificate authority could not be reached."),
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
/// csrkit's fields as this vendor's bodies name them.
pub const FIELD_NAMES: &[(Field, &str)] = &[
    (Field::CommonName, "common_name"),
    (Field::Country, "country_name"),
    (Field::State, "state_province"),
    (Field::Locality, "locality"),
    (Field::Organization, "organization_name"),
    (Field::OrganizationalUnit, "organizational_unit"),
    (Field::StreetAddress, "street_address"),
    (Field::DomainComponent, "domain_component"),
    (Field::UserId, "user_id"),
    (Field::Dns, "dns"),
    (Field::Ip, "ip_addresses"),
    (Field::Email, "emails"),
    (Field::Uri, "uri_list"),
    (Field::KeySize, "key_size"),
    (Field::Purpose, "purpose"),
];

/// Reads a QRadar CSRModel (the `POST .../certificate_signing_request`
/// body). Errors name the CSRModel field: an unknown field, a key size
/// that is not a number, or a value csrkit refuses.
pub fn parse_request(text: &str) -> Result<RequestInput> {
    let m: CsrModel = super::body::json_object("QRadar CSRModel", text)?;
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
    validate_as(&input, "QRadar", FIELD_NAMES)?;
    Ok(input)
}
