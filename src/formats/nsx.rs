//! `--format nsx` (NSX Policy `TlsCsr`) and TlsCsr request bodies: see
//! docs/vendor-formats.md.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::body::{json_err, nonempty, validate_as, NumOrString};
use super::{epoch_ms, to_json, Op, Options, RecordView, Shape};
use crate::csr::{ParsedAva, ParsedCsr};
use crate::error::{Error, Kind, Result};
use crate::keystore::{Listed, RecordMeta};
use crate::request::{Attr, RequestInput};

pub struct Nsx;

/// NSX lists subject attributes in this order (see the TlsCsr example);
/// other attributes follow in RFC 4514 order.
const DN_ORDER: &[&str] = &["CN", "O", "OU", "C", "ST", "L"];

fn subject(csr: &ParsedCsr) -> Value {
    let mut avas: Vec<&ParsedAva> = csr.subject.iter().rev().flatten().collect();
    avas.sort_by_key(|a| {
        DN_ORDER
            .iter()
            .position(|k| *k == a.short)
            .unwrap_or(DN_ORDER.len())
    });
    let attrs: Vec<Value> = avas
        .iter()
        .map(|a| json!({"key": a.short, "value": a.value}))
        .collect();
    json!({ "attributes": attrs })
}

/// The local user name, for `_create_user` and `_last_modified_user`.
fn user() -> String {
    for var in ["USER", "LOGNAME"] {
        if let Ok(u) = std::env::var(var) {
            if !u.is_empty() {
                return u;
            }
        }
    }
    passwd_name().unwrap_or_else(|| "unknown".into())
}

fn passwd_name() -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r writes into `pwd` and `buf`, which outlive the call;
    // `pw_name` points into `buf` and is read before `buf` is dropped.
    let rc = unsafe {
        libc::getpwuid_r(
            libc::getuid(),
            &mut pwd,
            buf.as_mut_ptr(),
            buf.len(),
            &mut result,
        )
    };
    if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
    name.to_str()
        .ok()
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// One TlsCsr, keys in NSX's order.
fn tls_csr(meta: &RecordMeta, csr: &ParsedCsr, user: &str) -> Value {
    let mut m = Map::new();
    m.insert("resource_type".into(), json!("TlsCsr"));
    m.insert("id".into(), json!(meta.name));
    m.insert("display_name".into(), json!(meta.name));
    if let Some(d) = &meta.description {
        m.insert("description".into(), json!(d));
    }
    m.insert("path".into(), json!(format!("/infra/csrs/{}", meta.name)));
    m.insert("parent_path".into(), json!("/infra/csrs"));
    m.insert("relative_path".into(), json!(meta.name));
    m.insert("pem_encoded".into(), json!(csr.pem()));
    m.insert("key_size".into(), json!(meta.key.bits()));
    m.insert("subject".into(), subject(csr));
    m.insert("algorithm".into(), json!(meta.key.algorithm()));
    m.insert("is_ca".into(), json!(csr.is_ca()));
    let (dns, ips) = (csr.sans_of("DNS"), csr.sans_of("IP"));
    if !dns.is_empty() || !ips.is_empty() {
        let mut san = Map::new();
        if !dns.is_empty() {
            san.insert("dns_names".into(), json!(dns));
        }
        if !ips.is_empty() {
            san.insert("ip_addresses".into(), json!(ips));
        }
        m.insert("extensions".into(), json!({ "subject_alt_names": san }));
    }
    m.insert("marked_for_delete".into(), json!(false));
    m.insert("overridden".into(), json!(false));
    m.insert("_create_user".into(), json!(user));
    m.insert("_create_time".into(), json!(epoch_ms(&meta.created)));
    m.insert("_last_modified_user".into(), json!(user));
    m.insert(
        "_last_modified_time".into(),
        json!(epoch_ms(&meta.modified)),
    );
    m.insert("_system_owned".into(), json!(false));
    m.insert("_protection".into(), json!("NOT_PROTECTED"));
    m.insert("_revision".into(), json!(meta.revision));
    Value::Object(m)
}

impl Shape for Nsx {
    fn name(&self) -> &'static str {
        "nsx"
    }
    fn ops(&self) -> &'static [Op] {
        super::COLLECTION_OPS
    }
    /// `DELETE /policy/api/v1/infra/csrs/{id}`: 200 with an empty body.
    fn delete(&self, _meta: &RecordMeta, _o: Options) -> Result<Vec<u8>> {
        Ok(Vec::new())
    }
    fn generate(&self, v: &RecordView<'_>, o: Options) -> Result<Vec<u8>> {
        to_json(&tls_csr(v.meta, v.csr, &user()), o.pretty)
    }
    fn show(&self, meta: Option<&RecordMeta>, csr: &ParsedCsr, o: Options) -> Result<Vec<u8>> {
        let Some(meta) = meta else {
            return Err(Error::invalid(
                "--format",
                "a TlsCsr describes a stored record; show --file has none",
            )
            .with_hint("use show NAME --format nsx, or --format json for a CSR file"));
        };
        to_json(&tls_csr(meta, csr, &user()), o.pretty)
    }
    fn download(&self, v: &RecordView<'_>, _details: bool, o: Options) -> Result<Vec<u8>> {
        self.generate(v, o)
    }
    fn list(&self, records: &[Listed], o: Options) -> Result<Vec<u8>> {
        let user = user();
        let mut rows = records
            .iter()
            .map(|row| {
                let r = row.record()?;
                Ok((
                    r.meta.name.clone(),
                    tls_csr(&r.meta, &r.parsed_csr()?, &user),
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        let results: Vec<Value> = rows.into_iter().map(|(_, v)| v).collect();
        let body = json!({"results": results, "result_count": records.len(), "sort_by": "display_name", "sort_ascending": true});
        to_json(&body, o.pretty)
    }
    fn error(&self, _op: Op, err: &Error, o: Options) -> Option<Vec<u8>> {
        let body = json!({
            "httpStatus": super::sbc::reason_code(err.kind),
            "error_code": error_code(err.kind),
            "module_name": "csrkit",
            "error_message": err.message,
        });
        to_json(&body, o.pretty).ok()
    }
}

/// NSX `error_code`s: 9000 + the exit code. Documented in docs/vendor-formats.md.
pub fn error_code(kind: Kind) -> u32 {
    9000 + kind.exit_code() as u32
}

// ---------------------------------------------------------------------------
// TlsCsr request bodies

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyValue {
    key: String,
    value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Subject {
    attributes: Vec<KeyValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubjectAltNames {
    dns_names: Option<Vec<String>>,
    ip_addresses: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Extensions {
    subject_alt_names: Option<SubjectAltNames>,
}

/// A TlsCsr body. The read-only fields of a GET response are accepted so
/// that a TlsCsr can be pasted back; they are ignored (the server, here
/// csrkit, sets them), except `id`/`display_name` (the record name) and
/// `description`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct TlsCsr {
    subject: Option<Subject>,
    key_size: Option<NumOrString>,
    algorithm: Option<String>,
    is_ca: Option<bool>,
    extensions: Option<Extensions>,
    id: Option<String>,
    display_name: Option<String>,
    description: Option<String>,
    resource_type: Option<String>,
    path: Option<Value>,
    parent_path: Option<Value>,
    relative_path: Option<Value>,
    pem_encoded: Option<Value>,
    marked_for_delete: Option<Value>,
    overridden: Option<Value>,
    _create_user: Option<Value>,
    _create_time: Option<Value>,
    _last_modified_user: Option<Value>,
    _last_modified_time: Option<Value>,
    _system_owned: Option<Value>,
    _protection: Option<Value>,
    _revision: Option<Value>,
}

const NAMES: &[(&str, &str)] = &[
    ("--common-name", "subject.attributes CN"),
    ("--country", "subject.attributes C"),
    ("--state", "subject.attributes ST"),
    ("--locality", "subject.attributes L"),
    ("--organization", "subject.attributes O"),
    ("--organizational-unit", "subject.attributes OU"),
    ("--street-address", "subject.attributes street"),
    ("--domain-component", "subject.attributes DC"),
    ("--user-id", "subject.attributes UID"),
    ("--email-address", "subject.attributes emailAddress"),
    ("--key-size", "key_size"),
    ("--key-type", "algorithm"),
    ("--dns", "extensions.subject_alt_names.dns_names"),
    ("--ip", "extensions.subject_alt_names.ip_addresses"),
];

fn set_once(slot: &mut Option<String>, key: &str, value: String) -> Result<()> {
    if slot.is_some() {
        return Err(Error::invalid(
            "subject.attributes",
            format!("{key} is given more than once"),
        )
        .with_field("--subject"));
    }
    *slot = Some(value);
    Ok(())
}

fn apply_subject(input: &mut RequestInput, attrs: Vec<KeyValue>) -> Result<()> {
    for KeyValue { key, value } in attrs {
        let attr = Attr::parse(&key).ok_or_else(|| {
            Error::invalid(
                "subject.attributes",
                format!("unknown attribute key '{}'", key.escape_default()),
            )
            .with_field("--subject")
            .with_hint("use CN, O, OU, C, ST or L")
        })?;
        match attr {
            Attr::CN => set_once(&mut input.common_name, &key, value)?,
            Attr::C => set_once(&mut input.country, &key, value)?,
            Attr::ST => set_once(&mut input.state, &key, value)?,
            Attr::L => set_once(&mut input.locality, &key, value)?,
            Attr::O => set_once(&mut input.organization, &key, value)?,
            Attr::STREET => set_once(&mut input.street_address, &key, value)?,
            Attr::UID => set_once(&mut input.user_id, &key, value)?,
            Attr::Email => set_once(&mut input.email_address, &key, value)?,
            Attr::OU => input
                .organizational_unit
                .get_or_insert_with(Vec::new)
                .push(value),
            Attr::DC => input
                .domain_component
                .get_or_insert_with(Vec::new)
                .push(value),
            _ => {
                return Err(Error::invalid(
                    "subject.attributes",
                    format!("the attribute {key} is not supported in a TlsCsr"),
                )
                .with_field("--subject"))
            }
        }
    }
    Ok(())
}

pub fn parse_request(text: &str) -> Result<RequestInput> {
    let t: TlsCsr = serde_json::from_str(text).map_err(|e| json_err("NSX TlsCsr", e))?;
    if let Some(rt) = t.resource_type.as_deref().filter(|r| *r != "TlsCsr") {
        return Err(Error::invalid(
            "resource_type",
            format!("'{}' is not TlsCsr", rt.escape_default()),
        )
        .with_field("--request"));
    }
    let id = nonempty(t.id);
    let display = nonempty(t.display_name);
    if let (Some(i), Some(d)) = (&id, &display) {
        if i != d {
            return Err(Error::invalid(
                "display_name",
                format!("'{d}' differs from id '{i}'; csrkit names a record once"),
            )
            .with_field("NAME")
            .with_hint("drop display_name, or make it equal to id"));
        }
    }
    let mut input = RequestInput {
        name: id.or(display),
        description: t.description,
        key_size: t
            .key_size
            .map(|k| k.bits("key_size"))
            .transpose()?
            .flatten(),
        key_type: nonempty(t.algorithm),
        ca: t.is_ca,
        ..RequestInput::default()
    };
    if let Some(s) = t.subject {
        apply_subject(&mut input, s.attributes)?;
    }
    let san = t
        .extensions
        .and_then(|e| e.subject_alt_names)
        .unwrap_or_default();
    input.dns = super::body::nonempty_list(san.dns_names);
    input.ip = super::body::nonempty_list(san.ip_addresses);
    validate_as(&input, "NSX", NAMES)?;
    Ok(input)
}
