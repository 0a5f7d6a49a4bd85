//! VMware NSX (base `https://<manager>`): HTTP Basic on every call, or a
//! session from `POST /api/session/create` (form `j_username`,
//! `j_password`; answers a `JSESSIONID` cookie and an `X-XSRF-TOKEN`
//! header that must come back on every call that changes something);
//! bad credentials are 403, as NSX answers them. Routes (NSX Policy API):
//! `POST /policy/api/v1/infra/csrs/{id}?action=create` (TlsCsr, 201),
//! `GET .../csrs/{id}`, `GET .../csrs`, `DELETE .../csrs/{id}`, `POST
//! .../csrs/{id}?action=import` (TlsTrustData with the signed leaf, 201
//! TlsCertificate; the CSR is consumed: its GET is 404 afterwards, while
//! the record keeps its CSR), `POST .../csrs/{id}?action=self_sign&days_valid=N`
//! (a self-signed TlsCertificate on the CSR's key, 201; `days_valid`
//! 1-825, default 825), `GET /policy/api/v1/infra/certificates/{id}` and
//! `PUT` of it (TlsTrustData: with `private_key`, a new record for that
//! key; without, the signed certificate for record `{id}`'s key; 200
//! TlsCertificate);
//! the Manager API's trust-management certificates as nsxlib calls them
//! (`POST /api/v1/trust-management/certificates?action=import` of a
//! certificate for a key the keystore holds, found by its SPKI, or of a
//! certificate with its `private_key`, which makes a new record; list;
//! get; delete, which deletes the record; `POST .../{id}?action=apply_certificate&service_type=API|MGMT_CLUSTER`,
//! which binds a certificate whose chain reaches a root, 200, else 400);
//! and the probes nsxlib makes
//! (`/api/v1/reverse-proxy/node/health`).
//! Bodies are [`crate::formats::nsx`]'s, errors its `ApiError`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;

use super::common::{attached_body, blocking, cookie};
use super::state::Listener;
use crate::error::{Error, Kind};
use crate::formats::nsx::Nsx;
use crate::formats::{CertView, Op, Options, RecordView, Shape};
use crate::keystore::Record;

/// How long a session lasts (NSX's default idle timeout is 1800 s).
const SESSION_TTL: i64 = 1800;

const OPTS: Options = Options { pretty: false };

pub fn router(l: Arc<Listener>) -> Router {
    let protected = Router::new()
        .route("/policy/api/v1/infra/csrs", get(list_csrs))
        .route(
            "/policy/api/v1/infra/csrs/{id}",
            get(get_csr).post(csr_action).delete(delete_csr),
        )
        .route(
            "/policy/api/v1/infra/certificates/{id}",
            get(get_certificate).put(put_certificate),
        )
        .route(
            "/api/v1/trust-management/certificates",
            get(mp_list).post(mp_import),
        )
        .route(
            "/api/v1/trust-management/certificates/{id}",
            get(get_certificate).delete(mp_delete).post(mp_action),
        )
        .route("/api/v1/reverse-proxy/node/health", get(health))
        .route("/api/session/destroy", post(destroy))
        .route_layer(middleware::from_fn_with_state(l.clone(), auth));
    Router::new()
        .route("/api/session/create", post(create_session))
        .merge(protected)
        .with_state(l)
}

/// An NSX `ApiError` for `status` (the HTTP status and the body's
/// `httpStatus` agree).
pub fn error(status: u16, message: &str) -> Response {
    let name = match status {
        400 => "BAD_REQUEST",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        409 => "CONFLICT",
        412 => "PRECONDITION_FAILED",
        423 => "LOCKED",
        500 => "INTERNAL_SERVER_ERROR",
        503 => "SERVICE_UNAVAILABLE",
        _ => "ERROR",
    };
    let body = json!({
        "httpStatus": name,
        "error_code": status,
        "module_name": "csrkit",
        "error_message": message,
    });
    json_response(status, body.to_string().into_bytes())
}

fn json_response(status: u16, body: Vec<u8>) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// A csrkit error as `--format nsx` renders it, with the HTTP status its
/// `httpStatus` names.
fn op_error(op: Op, err: &Error) -> Response {
    let err = &crate::formats::body::named_as(err, crate::formats::nsx::FIELD_NAMES);
    let status = match crate::formats::nsx::http_status(err.kind) {
        "BAD_REQUEST" => 400,
        "FORBIDDEN" => 403,
        "NOT_FOUND" => 404,
        "PRECONDITION_FAILED" => 412,
        "SERVICE_UNAVAILABLE" => 503,
        _ => 500,
    };
    match Nsx.error(op, err, OPTS) {
        Some(body) => json_response(status, body),
        None => error(status, &err.message),
    }
}

fn forbidden() -> Response {
    error(
        403,
        "The credentials were incorrect or the account specified has been locked.",
    )
}

/// Basic credentials, or a live session whose XSRF token comes back on
/// every call that is not a GET.
async fn auth(State(l): State<Arc<Listener>>, req: Request, next: Next) -> Response {
    let h = req.headers();
    let basic = l
        .shared
        .basic_ok(h.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()));
    let session = cookie(h, "JSESSIONID").and_then(|t| l.session(t));
    let ok = match (basic, session) {
        (true, _) => true,
        (false, Some(s)) => {
            req.method() == Method::GET
                || h.get("X-XSRF-TOKEN").and_then(|v| v.to_str().ok()) == s.csrf.as_deref()
        }
        (false, None) => false,
    };
    if !ok {
        return forbidden();
    }
    next.run(req).await
}

/// `POST /api/session/create`: form `j_username`, `j_password` (nsxlib
/// sends them raw, with a Basic header too).
async fn create_session(
    State(l): State<Arc<Listener>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let text = String::from_utf8_lossy(&body);
    let field = |name: &str| {
        text.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| percent_decode(v))
    };
    let form_ok = match (field("j_username"), field("j_password")) {
        (Some(u), Some(p)) => l.shared.credentials_ok(&u, p.as_bytes()),
        _ => false,
    };
    let basic_ok = l.shared.basic_ok(
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
    );
    if !(form_ok || basic_ok && field("j_username").is_none()) {
        return forbidden();
    }
    let (token, xsrf) = l.open_session(l.shared.session_ttl(SESSION_TTL), true);
    let mut resp = StatusCode::OK.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("JSESSIONID={token}; Path=/; Secure; HttpOnly")) {
        h.insert(header::SET_COOKIE, v);
    }
    if let Some(Ok(v)) = xsrf.map(|x| HeaderValue::from_str(&x)) {
        h.insert("X-XSRF-TOKEN", v);
    }
    resp
}

/// `%XX` and `+` decoded; anything else kept (nsxlib does not encode).
fn percent_decode(s: &str) -> String {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn destroy(State(l): State<Arc<Listener>>, headers: HeaderMap) -> Response {
    if let Some(t) = cookie(&headers, "JSESSIONID") {
        l.close_session(t);
    }
    StatusCode::OK.into_response()
}

async fn health() -> Response {
    json_response(200, br#"{"healthy":true}"#.to_vec())
}

/// The record a TlsCsr id names (by name only: an NSX id is never a
/// csrkit id number).
fn find(l: &Listener, id: &str) -> crate::Result<Record> {
    super::common::by_name(l, id)
}

fn consumed(id: &str) -> Error {
    Error::new(
        Kind::NotFound,
        format!("the CSR {id} was consumed by the import of its certificate (see /infra/certificates/{id})"),
    )
}

async fn get_csr(State(l): State<Arc<Listener>>, Path(id): Path<String>) -> Response {
    let r = blocking(move || {
        let rec = find(&l, &id)?;
        if rec.meta.certificate.is_some() {
            return Err(consumed(&id));
        }
        let csr = rec.parsed_csr()?;
        Nsx.show(Some(&rec.meta), &csr, OPTS)
    })
    .await;
    match r {
        Ok(body) => json_response(200, body),
        Err(e) => op_error(Op::Show, &e),
    }
}

async fn list_csrs(State(l): State<Arc<Listener>>) -> Response {
    let r = blocking(move || {
        let rows: Vec<_> = l
            .shared
            .keystore
            .list()?
            .into_iter()
            .filter(|r| r.summary.not_after.is_none())
            .collect();
        Nsx.list(&rows, OPTS)
    })
    .await;
    match r {
        Ok(body) => json_response(200, body),
        Err(e) => op_error(Op::List, &e),
    }
}

async fn delete_csr(State(l): State<Arc<Listener>>, Path(id): Path<String>) -> Response {
    let r = blocking(move || {
        let rec = find(&l, &id)?;
        l.shared.keystore.delete(&rec)?;
        Nsx.delete(&rec.meta, OPTS)
    })
    .await;
    match r {
        Ok(body) => json_response(200, body),
        Err(e) => op_error(Op::Delete, &e),
    }
}

async fn csr_action(
    State(l): State<Arc<Listener>>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    match q.get("action").map(String::as_str) {
        Some("create") => create(l, id, body).await,
        Some("import") => import(l, id, body).await,
        Some("self_sign") => self_sign(l, id, q.get("days_valid").cloned()).await,
        Some(other) => error(
            400,
            &format!(
                "action {} is not served for /infra/csrs (create, import, self_sign)",
                crate::csr::term(other)
            ),
        ),
        None => error(400, "give ?action=create, import or self_sign"),
    }
}

fn body_text(body: &Bytes) -> crate::Result<&str> {
    std::str::from_utf8(body)
        .map_err(|_| Error::invalid_as("body", "the request body is not UTF-8"))
}

async fn create(l: Arc<Listener>, id: String, body: Bytes) -> Response {
    let r = blocking(move || {
        let mut input = crate::formats::nsx::parse_request(body_text(&body)?)?;
        if let Some(n) = input.name.take() {
            if n != id {
                return Err(Error::invalid_as(
                    "id",
                    format!(
                        "the body's id {} is not the path's {}",
                        crate::csr::term(&n),
                        crate::csr::term(&id)
                    ),
                ));
            }
        }
        // Through the listener's group committer, as every vendor's
        // create: answered once the record is durable.
        let (meta, csr) = super::common::create(&l, &Nsx, Some(&id), input)?;
        let dir = l.shared.keystore.record_path(&meta.name);
        Nsx.generate(
            &RecordView {
                meta: &meta,
                csr: &csr,
                dir: dir.as_deref(),
            },
            OPTS,
        )
    })
    .await;
    match r {
        Ok(body) => json_response(201, body),
        Err(e) => op_error(Op::Generate, &e),
    }
}

async fn import(l: Arc<Listener>, id: String, body: Bytes) -> Response {
    let r = blocking(move || {
        let rec = find(&l, &id)?;
        if rec.meta.certificate.is_some() {
            return Err(consumed(&id));
        }
        let b = crate::formats::nsx::parse_import(body_text(&body)?)?;
        let ks = l.shared.keystore.as_ref();
        let done = crate::ops::import::attach(
            ks,
            b.certificates.as_bytes(),
            "the NSX TlsTrustData",
            Some(&rec.meta.name),
            Vec::new(),
            false,
        )?;
        attached_body(&l, &Nsx, &done)
    })
    .await;
    match r {
        Ok(body) => json_response(201, body),
        Err(e) => op_error(Op::Import, &e),
    }
}

/// `days_valid` for `action=self_sign` (NSX: at most 825 days for a
/// certificate that is not a CA's; the default).
const SELF_SIGN_DAYS: u32 = 825;

/// `POST /policy/api/v1/infra/csrs/{id}?action=self_sign&days_valid=N`: a
/// self-signed certificate on the CSR's key, with exactly what it asks
/// for; the CSR is consumed as by an import. 201 TlsCertificate.
async fn self_sign(l: Arc<Listener>, id: String, days: Option<String>) -> Response {
    let days = match days.as_deref().map(str::parse::<u32>) {
        None => SELF_SIGN_DAYS,
        Some(Ok(d)) if (1..=SELF_SIGN_DAYS).contains(&d) => d,
        Some(_) => {
            return error(
                400,
                &format!("days_valid must be a whole number of days from 1 to {SELF_SIGN_DAYS}"),
            )
        }
    };
    let r = blocking(move || {
        let rec = find(&l, &id)?;
        if rec.meta.certificate.is_some() {
            return Err(consumed(&id));
        }
        let key = super::common::open_key(&l, &rec)?;
        let ks = l.shared.keystore.as_ref();
        crate::ops::self_sign::self_sign(ks, &rec, &key, days)?;
        drop(key);
        stored_certificate(&l, &rec.meta.name)
    })
    .await;
    match r {
        Ok(body) => json_response(201, body),
        Err(e) => op_error(Op::Import, &e),
    }
}

/// `PUT /policy/api/v1/infra/certificates/{id}` (TlsTrustData): with
/// `private_key`, a new record `{id}` for that key and its certificate
/// (the key stored under serve's key passphrase rules); without, the
/// signed certificate for record `{id}`'s key. 200 TlsCertificate.
async fn put_certificate(
    State(l): State<Arc<Listener>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let r = blocking(move || {
        let t: MpTrustData = trust_data(&body)?;
        trust_data_import(&l, &t, Some(&id))?;
        stored_certificate(&l, &id)
    })
    .await;
    match r {
        Ok(body) => json_response(200, body),
        Err(e) => op_error(Op::Import, &e),
    }
}

/// `POST /api/v1/trust-management/certificates/{id}?action=apply_certificate&service_type=API|MGMT_CLUSTER`:
/// NSX binds a certificate to a service only when its chain (leaf,
/// intermediates, root) was imported with it; 200, else 400 saying what
/// is missing. Nothing is stored (the journal shows the call).
async fn mp_action(
    State(l): State<Arc<Listener>>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if q.get("action").map(String::as_str) != Some("apply_certificate") {
        return error(400, "give ?action=apply_certificate");
    }
    if !matches!(
        q.get("service_type").map(String::as_str),
        Some("API" | "MGMT_CLUSTER")
    ) {
        return error(400, "give service_type=API or service_type=MGMT_CLUSTER");
    }
    let r = blocking(move || {
        let rec = find(&l, &id)?;
        let Some(c) = &rec.meta.certificate else {
            return Err(Error::new(
                Kind::NotFound,
                format!("certificate {id} does not exist"),
            ));
        };
        if c.self_signed {
            return Ok(true);
        }
        let chain = match rec.chain_pem()? {
            Some(p) => crate::cert::bundle::decode(p.as_bytes(), "the record's chain.pem")?,
            None => Vec::new(),
        };
        Ok(chain.last().is_some_and(crate::cert::Cert::self_signed))
    })
    .await;
    match r {
        Ok(true) => json_response(200, Vec::new()),
        Ok(false) => error(
            400,
            "the certificate's chain does not reach a root: import the leaf with its intermediates and root before applying it",
        ),
        Err(e) => op_error(Op::Show, &e),
    }
}

/// `GET /policy/api/v1/infra/certificates/{id}`: the TlsCertificate of a
/// record that has one.
async fn get_certificate(State(l): State<Arc<Listener>>, Path(id): Path<String>) -> Response {
    let r = blocking(move || {
        let rec = find(&l, &id)?;
        tls_certificate(&l, &rec)?
            .ok_or_else(|| Error::new(Kind::NotFound, format!("record {id} has no certificate")))
    })
    .await;
    match r {
        Ok(body) => json_response(200, body),
        Err(e) => op_error(Op::Show, &e),
    }
}

/// The TlsCertificate of the record `name`, read back after a
/// certificate was stored in it.
fn stored_certificate(l: &Listener, name: &str) -> crate::Result<Vec<u8>> {
    let rec = l.shared.keystore.find(name)?;
    tls_certificate(l, &rec)?.ok_or_else(|| Error::internal("the certificate was not stored"))
}

/// A record's TlsCertificate body, or `None` when it has no certificate.
fn tls_certificate(l: &Listener, rec: &Record) -> crate::Result<Option<Vec<u8>>> {
    let Some(pem) = rec.cert_pem()? else {
        return Ok(None);
    };
    let leaf = crate::cert::bundle::decode(pem.as_bytes(), "the record's cert.pem")?
        .into_iter()
        .next()
        .ok_or_else(|| Error::internal("the record's cert.pem is empty"))?;
    let chain = match rec.chain_pem()? {
        Some(c) => {
            crate::cert::bundle::decode(c.as_bytes(), "the record's chain.pem").unwrap_or_default()
        }
        None => Vec::new(),
    };
    let dir = l.shared.keystore.record_path(&rec.meta.name);
    Nsx.certificate(
        &CertView {
            meta: &rec.meta,
            dir: dir.as_deref(),
            unchanged: true,
            leaf: &leaf,
            chain: &chain,
        },
        OPTS,
    )
    .map(Some)
}

/// `{"results":[...],"result_count":N}` around TlsCertificate bodies.
fn results(bodies: Vec<Vec<u8>>) -> crate::Result<Vec<u8>> {
    let rows = bodies
        .iter()
        .map(|b| serde_json::from_slice::<serde_json::Value>(b))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::internal(format!("TlsCertificate: {e}")))?;
    let n = rows.len();
    Ok(json!({"results": rows, "result_count": n})
        .to_string()
        .into_bytes())
}

/// `GET /api/v1/trust-management/certificates`: every record that has a
/// certificate.
async fn mp_list(State(l): State<Arc<Listener>>) -> Response {
    let r = blocking(move || {
        let ks = l.shared.keystore.as_ref();
        let mut bodies = Vec::new();
        for row in ks
            .list()?
            .into_iter()
            .filter(|r| r.summary.not_after.is_some())
        {
            if let Some(b) = tls_certificate(&l, &row.record()?)? {
                bodies.push(b);
            }
        }
        results(bodies)
    })
    .await;
    match r {
        Ok(body) => json_response(200, body),
        Err(e) => op_error(Op::List, &e),
    }
}

/// A TlsTrustData for the Manager API: the certificate (and chain), and
/// the key (`private_key`, PKCS#8 PEM, with its `passphrase`) when it was
/// made elsewhere.
#[derive(serde::Deserialize, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
struct MpTrustData {
    pem_encoded: String,
    private_key: Option<String>,
    passphrase: Option<String>,
    #[serde(default)]
    #[zeroize(skip)]
    #[allow(dead_code)]
    display_name: Option<String>,
    #[serde(default)]
    #[zeroize(skip)]
    #[allow(dead_code)]
    tags: Option<serde_json::Value>,
    #[serde(default)]
    #[zeroize(skip)]
    #[allow(dead_code)]
    key_algo: Option<String>,
}

/// The TlsTrustData a request carries: one JSON object (exit 2 naming
/// `pem_encoded` otherwise).
fn trust_data(body: &Bytes) -> crate::Result<MpTrustData> {
    crate::formats::body::json_object("NSX TlsTrustData", body_text(body)?).map_err(|e| {
        match e.label {
            Some(_) => e,
            None => e.with_label("pem_encoded"),
        }
    })
}

/// `POST /api/v1/trust-management/certificates?action=import`.
async fn mp_import(
    State(l): State<Arc<Listener>>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    if q.get("action").map(String::as_str) != Some("import") {
        return error(400, "give ?action=import");
    }
    let r = blocking(move || {
        let t: MpTrustData = trust_data(&body)?;
        let done = trust_data_import(&l, &t, None)?;
        let body = stored_certificate(&l, &done.meta.name)?;
        results(vec![body])
    })
    .await;
    match r {
        Ok(body) => json_response(201, body),
        Err(e) => op_error(Op::Import, &e),
    }
}

/// A TlsTrustData taken in: with `private_key`, a new record (named
/// `name`, else from the CN) holds that key, encrypted under serve's key
/// passphrase rules; without, the certificate joins the record `name`
/// names, else the one holding its key.
fn trust_data_import(
    l: &Listener,
    t: &MpTrustData,
    name: Option<&str>,
) -> crate::Result<crate::ops::import::Attached> {
    let ks = l.shared.keystore.as_ref();
    match &t.private_key {
        Some(key) => {
            let pass = t
                .passphrase
                .as_ref()
                .filter(|p| !p.is_empty())
                .map(|p| crate::keys::Passphrase::new(zeroize::Zeroizing::new(p.clone())))
                .transpose()?;
            crate::ops::import::adopt(
                ks,
                &Nsx,
                name,
                crate::ops::import::Brought {
                    key_pem: key,
                    key_pass: pass.as_ref(),
                    certs: t.pem_encoded.as_bytes(),
                    what: "the NSX TlsTrustData",
                },
                l.shared.key_pass.as_ref(),
            )
        }
        None => crate::ops::import::attach(
            ks,
            t.pem_encoded.as_bytes(),
            "the NSX TlsTrustData",
            name,
            Vec::new(),
            false,
        ),
    }
}

/// `DELETE /api/v1/trust-management/certificates/{id}`: the record (key,
/// CSR and certificate) is deleted, as NSX deletes a certificate with its
/// key.
async fn mp_delete(State(l): State<Arc<Listener>>, Path(id): Path<String>) -> Response {
    let r = blocking(move || {
        let rec = find(&l, &id)?;
        if rec.meta.certificate.is_none() {
            return Err(Error::new(
                Kind::NotFound,
                format!("certificate {id} does not exist"),
            ));
        }
        l.shared.keystore.delete(&rec)
    })
    .await;
    match r {
        Ok(()) => json_response(200, Vec::new()),
        Err(e) => op_error(Op::Delete, &e),
    }
}
