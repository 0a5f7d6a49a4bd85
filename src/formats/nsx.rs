//! `--format nsx`: NSX Policy `TlsCsr`, `TlsCsrListResult` and `ApiError`
//! bodies, and TlsCsr request bodies. What NSX can hold (RSA or EC keys;
//! subject keys CN, O, OU, C, ST, L), which `httpStatus` each failure
//! gets, and which TlsCsr fields are read: docs/vendor-formats.md.

use crate::field::Field;
use crate::mention;
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::body::{nonempty, validate_as, NumOrString};
use super::{
    cannot_hold, certinfo, epoch_ms, to_json, CertView, ExportView, KeyUse, Op, Options,
    RecordView, Shape,
};
use crate::csr::{ParsedAva, ParsedCsr};
use crate::error::{Error, Kind, Result};
use crate::keystore::{Listed, RecordMeta};
use crate::request::{Attr, KeySpec, NsxFields, NsxTag, Request, RequestInput};

/// The shape (a unit struct; see [`Shape`]).
pub struct Nsx;

/// The subject keys a TlsCsr has ("the certificate owner's information
/// (CN, O, OU, C, ST, L)"), in the order of NSX's example response.
const DN_ORDER: &[&str] = &["CN", "O", "OU", "C", "ST", "L"];

/// Refuses what NSX cannot hold: an Ed25519 key (a TlsCsr's `algorithm` is
/// RSA or EC) or a subject attribute outside [`DN_ORDER`]. `shorts` are
/// the subject's attribute short names; `of` names the record, if any.
fn check_holdable<'a>(
    key: &KeySpec,
    shorts: impl IntoIterator<Item = &'a str>,
    of: Option<&str>,
) -> Result<()> {
    let (key_hint, subject_hint) = match of {
        Some(_) => (
            concat!(
                "regenerate it with ",
                mention!(new_key),
                " ",
                mention!(key_type),
                " rsa or ec"
            ),
            "regenerate it without those attributes",
        ),
        None => (
            concat!("use ", mention!(key_type), " rsa or ec"),
            "leave those attributes out",
        ),
    };
    let of = of.map(|n| format!(" (record {n})")).unwrap_or_default();
    if matches!(key, KeySpec::Ed25519) {
        return Err(cannot_hold(
            "nsx",
            Field::KeyType,
            format!("an Ed25519 key{of}: a TlsCsr's algorithm is RSA or EC"),
            key_hint,
        ));
    }
    let mut extra: Vec<&str> = Vec::new();
    for s in shorts {
        if !DN_ORDER.contains(&s) && !extra.contains(&s) {
            extra.push(s);
        }
    }
    if !extra.is_empty() {
        return Err(cannot_hold(
            "nsx",
            Field::Subject,
            format!(
                "the subject attribute {}{of}: a TlsCsr subject has only CN, O, OU, C, ST and L",
                extra.join(", ")
            ),
            subject_hint,
        ));
    }
    Ok(())
}

/// [`check_holdable`] for a stored record, by its CSR.
fn check_record(meta: &RecordMeta, csr: &ParsedCsr) -> Result<()> {
    check_holdable(
        &meta.key,
        csr.subject.iter().flatten().map(|a| a.short.as_str()),
        Some(&meta.name),
    )
}

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

/// One TlsCsr, keys in NSX's order. `_revision` counts from 0 as in NSX
/// (csrkit's first revision is 1); `display_name` and `tags` are those of
/// the TlsCsr body the record came from, if any.
fn tls_csr(meta: &RecordMeta, csr: &ParsedCsr, user: &str) -> Value {
    let nsx = meta.request.nsx.clone().unwrap_or_default();
    let mut m = Map::new();
    m.insert("resource_type".into(), json!("TlsCsr"));
    m.insert("id".into(), json!(meta.name));
    m.insert(
        "display_name".into(),
        json!(nsx.display_name.as_deref().unwrap_or(&meta.name)),
    );
    if let Some(d) = &meta.description {
        m.insert("description".into(), json!(d));
    }
    if !nsx.tags.is_empty() {
        m.insert("tags".into(), json!(nsx.tags));
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
    managed_resource(&mut m, meta, user);
    Value::Object(m)
}

impl Shape for Nsx {
    fn name(&self) -> &'static str {
        "nsx"
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
            Op::SelfSign,
            Op::Export,
        ]
    }
    /// Import (`PUT /policy/api/v1/infra/certificates/{id}`) and
    /// `POST .../csrs/{id}?action=self_sign`: the TlsCertificate.
    fn certificate(&self, v: &CertView<'_>, o: Options) -> Result<Vec<u8>> {
        to_json(&tls_certificate(v, &user()), o.pretty)
    }
    fn export_key(&self) -> KeyUse {
        KeyUse::Always
    }
    /// NSX holds RSA and EC keys: an Ed25519 record is refused before its
    /// key is opened.
    fn export_accepts(&self, meta: &RecordMeta) -> Result<()> {
        check_holdable(&meta.key, [], Some(&meta.name)).map_err(|e| {
            e.with_hint(concat!(
                "export it with ",
                mention!(format),
                " pem ",
                mention!(with_key),
                " or ",
                mention!(format),
                " pkcs12, or give NSX an RSA or EC record (regenerate ",
                mention!(new_key),
                ")"
            ))
        })
    }
    /// `PUT /policy/api/v1/infra/certificates/{id}` (or `POST
    /// .../certificates/{id}?action=import`): the TlsTrustData.
    fn export(&self, v: &ExportView<'_>, o: Options) -> Result<Vec<u8>> {
        trust_data(v, o)
    }
    /// Refuses an Ed25519 key or a subject attribute a TlsCsr has no key
    /// for, before anything is made or written.
    fn accepts(&self, _op: Op, req: &Request) -> Result<()> {
        let shorts: Vec<_> = req
            .subject
            .0
            .iter()
            .flatten()
            .map(|a| a.attr.short())
            .collect();
        check_holdable(&req.key, shorts.iter().map(|s| s.as_ref()), None)
    }
    /// `DELETE /policy/api/v1/infra/csrs/{id}`: 200 with an empty body.
    fn delete(&self, _meta: &RecordMeta, _o: Options) -> Result<Vec<u8>> {
        Ok(Vec::new())
    }
    /// `POST .../csrs/{id}?action=create`: the new TlsCsr. Never refuses:
    /// the record is committed by now, and [`Shape::accepts`] checked it.
    fn generate(&self, v: &RecordView<'_>, o: Options) -> Result<Vec<u8>> {
        to_json(&tls_csr(v.meta, v.csr, &user()), o.pretty)
    }
    /// `GET .../csrs/{id}`: the TlsCsr; a CSR file is no TlsCsr (refused).
    fn show(&self, meta: Option<&RecordMeta>, csr: &ParsedCsr, o: Options) -> Result<Vec<u8>> {
        let Some(meta) = meta else {
            return Err(Error::invalid(
                Field::Format,
                concat!(
                    "a TlsCsr describes a stored record; show ",
                    mention!(file),
                    " has none"
                ),
            )
            .with_hint(concat!(
                "use show NAME ",
                mention!(format),
                " nsx, or ",
                mention!(format),
                " json for a CSR file"
            )));
        };
        check_record(meta, csr)?;
        to_json(&tls_csr(meta, csr, &user()), o.pretty)
    }
    /// `GET .../csrs/{id}`: the TlsCsr.
    fn download(&self, v: &RecordView<'_>, _details: bool, o: Options) -> Result<Vec<u8>> {
        check_record(v.meta, v.csr)?;
        self.generate(v, o)
    }
    /// `GET .../csrs`: a TlsCsrListResult sorted by `display_name`. A
    /// record NSX cannot hold is refused (never left out silently).
    fn list(&self, records: &[Listed], o: Options) -> Result<Vec<u8>> {
        let user = user();
        let mut rows = records
            .iter()
            .map(|row| {
                let r = row.record()?;
                let csr = r.parsed_csr()?;
                check_record(&r.meta, &csr)?;
                let v = tls_csr(&r.meta, &csr, &user);
                let key = v["display_name"].as_str().unwrap_or_default().to_string();
                Ok((key, v))
            })
            .collect::<Result<Vec<_>>>()?;
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        let results: Vec<Value> = rows.into_iter().map(|(_, v)| v).collect();
        let body = json!({"results": results, "result_count": records.len(), "sort_by": "display_name", "sort_ascending": true});
        to_json(&body, o.pretty)
    }
    /// An `ApiError`: `httpStatus` from [`http_status`], `error_code`
    /// from [`error_code`].
    fn error(&self, _op: Op, err: &Error, o: Options) -> Option<Vec<u8>> {
        let body = json!({
            "httpStatus": http_status(err.kind),
            "error_code": error_code(err.kind),
            "module_name": "csrkit",
            "error_message": err.message,
        });
        to_json(&body, o.pretty).ok()
    }
}

/// A TlsTrustData: `display_name` (the TlsCsr's, else the record name),
/// `description` (if any), `pem_encoded` (the leaf, then the chain),
/// `private_key` (PKCS#8 PEM; `ENCRYPTED PRIVATE KEY` under the export
/// passphrase, which csrkit never prints, so the caller adds `passphrase`;
/// `PRIVATE KEY` with `--no-export-passphrase`) and `key_algo`.
fn trust_data(v: &ExportView<'_>, o: Options) -> Result<Vec<u8>> {
    let key = v
        .key
        .ok_or_else(|| Error::internal("NSX export without the key"))?;
    let key_pem = key.pem()?;
    let nsx = v.meta.request.nsx.clone().unwrap_or_default();
    let mut m = Map::new();
    m.insert(
        "display_name".into(),
        json!(nsx.display_name.as_deref().unwrap_or(&v.meta.name)),
    );
    if let Some(d) = &v.meta.description {
        m.insert("description".into(), json!(d));
    }
    let pem = crate::export::pem_bundle(v.leaf, v.chain, None)?;
    m.insert("pem_encoded".into(), json!(String::from_utf8_lossy(&pem)));
    m.insert("private_key".into(), json!(key_pem.as_str()));
    m.insert("key_algo".into(), json!(v.meta.key.algorithm()));
    let body = Value::Object(m);
    let out = to_json(&body, o.pretty);
    if let Value::Object(m) = body {
        for (_, v) in m {
            if let Value::String(mut s) = v {
                zeroize::Zeroize::zeroize(&mut s);
            }
        }
    }
    out
}

/// An X509Certificate (a TlsCertificate's `details` entry).
fn x509_details(c: &crate::cert::Cert) -> Value {
    let (nb, na) = certinfo::validity_ms(c);
    let now = crate::cert::now() * 1000;
    let (alg, bits) = certinfo::key(c);
    json!({
        "subject": c.subject().to_string(),
        "subject_cn": certinfo::cn(c.subject()).unwrap_or_default(),
        "issuer": c.issuer().to_string(),
        "issuer_cn": certinfo::cn(c.issuer()).unwrap_or_default(),
        "serial_number": certinfo::serial_hex(c),
        "version": "3",
        "not_before": nb,
        "not_after": na,
        "signature_algorithm": certinfo::sig_alg(c),
        "public_key_algo": alg,
        "public_key_length": bits,
        "is_ca": c.is_ca(),
        "is_valid": nb <= now && now <= na,
    })
}

/// A TlsCertificate (`/infra/certificates/<name>`): the record's name as
/// `id`, `pem_encoded` the leaf then the chain, `details` one
/// X509Certificate per certificate, `has_private_key` true (the keystore
/// holds it), `used_by` empty, and the resource fields of a TlsCsr.
fn tls_certificate(v: &CertView<'_>, user: &str) -> Value {
    let meta = v.meta;
    let nsx = meta.request.nsx.clone().unwrap_or_default();
    let pem: String = std::iter::once(v.leaf.pem())
        .chain(v.chain.iter().map(|c| c.pem()))
        .collect();
    let mut m = Map::new();
    m.insert("resource_type".into(), json!("TlsCertificate"));
    m.insert("id".into(), json!(meta.name));
    m.insert(
        "display_name".into(),
        json!(nsx.display_name.as_deref().unwrap_or(&meta.name)),
    );
    if let Some(d) = &meta.description {
        m.insert("description".into(), json!(d));
    }
    m.insert(
        "path".into(),
        json!(format!("/infra/certificates/{}", meta.name)),
    );
    m.insert("parent_path".into(), json!("/infra/certificates"));
    m.insert("relative_path".into(), json!(meta.name));
    m.insert("pem_encoded".into(), json!(pem));
    let details: Vec<Value> = std::iter::once(v.leaf)
        .chain(v.chain)
        .map(x509_details)
        .collect();
    m.insert("details".into(), json!(details));
    m.insert("has_private_key".into(), json!(true));
    m.insert("used_by".into(), json!([]));
    managed_resource(&mut m, meta, user);
    Value::Object(m)
}

/// A TlsTrustData import body (`import --request`): `pem_encoded` (the
/// certificate, then its chain); `display_name`, `description`, `id`,
/// `resource_type`, `key_algo` and `tags` are accepted and not used.
/// `private_key` and `passphrase` are refused: the key is the record's.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct TrustData {
    pem_encoded: String,
    display_name: Option<String>,
    description: Option<String>,
    id: Option<String>,
    resource_type: Option<String>,
    key_algo: Option<String>,
    tags: Option<IgnoredAny>,
    private_key: Option<String>,
    passphrase: Option<String>,
}

/// Reads an NSX TlsTrustData import body (see [`TrustData`]).
pub fn parse_import(text: &str) -> Result<super::body::ImportBody> {
    let t: TrustData = super::body::json_object("NSX TlsTrustData", text)?;
    super::body::no_key_in_body("NSX", "private_key", t.private_key.is_some())?;
    super::body::no_key_in_body("NSX", "passphrase", t.passphrase.is_some())?;
    Ok(super::body::ImportBody {
        vendor: "NSX",
        certificates: t.pem_encoded,
        record: None,
    })
}

/// NSX `error_code`s: 9000 + the exit code. Documented in docs/vendor-formats.md.
pub fn error_code(kind: Kind) -> u32 {
    9000 + kind.exit_code() as u32
}

/// The `httpStatus` of an error body. Only statuses the CSR operations
/// declare (their vAPI errors: InvalidRequest for 400 and 412,
/// Unauthorized for 403, NotFound, InternalServerError,
/// ServiceUnavailable): with any other status the SDK raises an
/// unresolved error and the body is lost. Picked by csrkit's HTTP
/// analogue of the exit code; the table is in docs/vendor-formats.md.
pub fn http_status(kind: Kind) -> &'static str {
    match kind.http_status() {
        400 | 422 => "BAD_REQUEST",
        // Wrong passphrase: the caller may not use the key.
        401 | 403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        // The name is taken: a create's precondition does not hold.
        409 | 412 => "PRECONDITION_FAILED",
        // The keystore is locked: try again later.
        423 | 503 => "SERVICE_UNAVAILABLE",
        _ => "INTERNAL_SERVER_ERROR",
    }
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

/// An NSX `Tag` in a body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tag {
    scope: Option<String>,
    tag: Option<String>,
}

/// A TlsCsr body. Read-only fields of a GET response (and of NSX's
/// resource bases: `_links`, `_schema`, `_self`, `unique_id`,
/// `realization_id`) are accepted and ignored so that a TlsCsr can be
/// sent back; `id` names the record; `display_name`, `description` and
/// `tags` are kept.
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
    tags: Option<Vec<Tag>>,
    resource_type: Option<String>,
    path: Option<IgnoredAny>,
    parent_path: Option<IgnoredAny>,
    relative_path: Option<IgnoredAny>,
    pem_encoded: Option<IgnoredAny>,
    marked_for_delete: Option<IgnoredAny>,
    overridden: Option<IgnoredAny>,
    unique_id: Option<IgnoredAny>,
    realization_id: Option<IgnoredAny>,
    _links: Option<IgnoredAny>,
    _schema: Option<IgnoredAny>,
    _self: Option<IgnoredAny>,
    _create_user: Option<IgnoredAny>,
    _create_time: Option<IgnoredAny>,
    _last_modified_user: Option<IgnoredAny>,
    _last_modified_time: Option<IgnoredAny>,
    _system_owned: Option<IgnoredAny>,
    _protection: Option<IgnoredAny>,
    _revision: Option<IgnoredAny>,
}

/// csrkit's fields as this vendor's bodies name them.
pub const FIELD_NAMES: &[(Field, &str)] = &[
    (Field::CommonName, "subject.attributes CN"),
    (Field::Country, "subject.attributes C"),
    (Field::State, "subject.attributes ST"),
    (Field::Locality, "subject.attributes L"),
    (Field::Organization, "subject.attributes O"),
    (Field::OrganizationalUnit, "subject.attributes OU"),
    (Field::KeySize, "key_size"),
    (Field::KeyType, "algorithm"),
    (Field::Dns, "extensions.subject_alt_names.dns_names"),
    (Field::Ip, "extensions.subject_alt_names.ip_addresses"),
];

fn set_once(slot: &mut Option<String>, key: &str, value: String) -> Result<()> {
    if slot.is_some() {
        return Err(Error::invalid_as(
            "subject.attributes",
            format!("{key} is given more than once"),
        )
        .with_field(Field::Subject));
    }
    *slot = Some(value);
    Ok(())
}

fn apply_subject(input: &mut RequestInput, attrs: Vec<KeyValue>) -> Result<()> {
    for KeyValue { key, value } in attrs {
        let attr = Attr::parse(&key)
            .filter(|a| DN_ORDER.contains(&a.short().as_ref()))
            .ok_or_else(|| {
                Error::invalid_as(
                    "subject.attributes",
                    format!("'{}' is not a TlsCsr subject key", key.escape_default()),
                )
                .with_field(Field::Subject)
                .with_hint("a TlsCsr subject has CN, O, OU, C, ST and L")
            })?;
        match attr {
            Attr::CN => set_once(&mut input.common_name, &key, value)?,
            Attr::C => set_once(&mut input.country, &key, value)?,
            Attr::ST => set_once(&mut input.state, &key, value)?,
            Attr::L => set_once(&mut input.locality, &key, value)?,
            Attr::O => set_once(&mut input.organization, &key, value)?,
            _ => input
                .organizational_unit
                .get_or_insert_with(Vec::new)
                .push(value),
        }
    }
    Ok(())
}

/// `algorithm`: NSX's enum is RSA or EC.
fn algorithm(a: Option<String>) -> Result<Option<String>> {
    let Some(a) = nonempty(a) else {
        return Ok(None);
    };
    match a.trim().to_ascii_uppercase().as_str() {
        "RSA" | "EC" => Ok(Some(a)),
        _ => Err(Error::invalid_as(
            "algorithm",
            format!(
                "'{}' is not a TlsCsr algorithm (RSA or EC)",
                a.escape_default()
            ),
        )
        .with_field(Field::KeyType)
        .with_hint(concat!(
            "NSX holds RSA and EC keys; use ",
            mention!(format),
            " json for an Ed25519 key"
        ))),
    }
}

/// A field of a body that ends up in output: one line, at most `max` characters.
fn one_line(field: &str, v: &str, max: usize) -> Result<()> {
    if v.chars().any(char::is_control) {
        return Err(
            Error::invalid_as(field, "contains control characters").with_field(Field::Request)
        );
    }
    if v.chars().count() > max {
        return Err(
            Error::invalid_as(field, format!("longer than {max} characters"))
                .with_field(Field::Request),
        );
    }
    Ok(())
}

/// `display_name` (NSX allows 255 characters) and `tags` (`scope` at most
/// 128 characters, `tag` at most 256; NSX's default for each is "").
fn nsx_fields(display: Option<String>, tags: Option<Vec<Tag>>) -> Result<Option<NsxFields>> {
    if let Some(d) = &display {
        one_line("display_name", d, 255)?;
    }
    let tags = tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| {
            let t = NsxTag {
                scope: t.scope.unwrap_or_default(),
                tag: t.tag.unwrap_or_default(),
            };
            one_line("tags.scope", &t.scope, 128)?;
            one_line("tags.tag", &t.tag, 256)?;
            if t.scope.is_empty() && t.tag.is_empty() {
                return Err(
                    Error::invalid_as("tags", "a tag with neither scope nor tag")
                        .with_field(Field::Request),
                );
            }
            Ok(t)
        })
        .collect::<Result<Vec<_>>>()?;
    if display.is_none() && tags.is_empty() {
        return Ok(None);
    }
    Ok(Some(NsxFields {
        display_name: display,
        tags,
    }))
}

/// Reads a TlsCsr body (`POST /policy/api/v1/infra/csrs/{id}?action=create`).
/// Errors name the TlsCsr field: an unknown field, a subject key other
/// than CN, O, OU, C, ST, L, an `algorithm` other than RSA or EC, or a
/// `resource_type` other than TlsCsr.
pub fn parse_request(text: &str) -> Result<RequestInput> {
    let t: TlsCsr = super::body::json_object("NSX TlsCsr", text)?;
    if let Some(rt) = t.resource_type.as_deref().filter(|r| *r != "TlsCsr") {
        return Err(Error::invalid_as(
            "resource_type",
            format!("'{}' is not TlsCsr", rt.escape_default()),
        )
        .with_field(Field::Request));
    }
    let mut input = RequestInput {
        name: nonempty(t.id),
        description: t.description,
        key_size: t
            .key_size
            .map(|k| k.bits("key_size"))
            .transpose()?
            .flatten(),
        key_type: algorithm(t.algorithm)?,
        ca: t.is_ca,
        nsx: nsx_fields(nonempty(t.display_name), t.tags)?,
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
    validate_as(&input, "NSX", FIELD_NAMES)?;
    Ok(input)
}

/// The fields every NSX ManagedResource ends with (NSX-T API
/// `ManagedResource`): delete and override marks, creator and modifier
/// with their times (ms since the epoch), ownership, protection, and
/// `_revision`, which NSX counts from 0.
fn managed_resource(m: &mut Map<String, Value>, meta: &RecordMeta, user: &str) {
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
    m.insert("_revision".into(), json!(meta.revision.saturating_sub(1)));
}
