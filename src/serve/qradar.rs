//! IBM QRadar (base `https://<console>/api`): an authorized service token
//! in `SEC` (serve's password, or the session token of a `SEC` cookie
//! serve set) or HTTP Basic on every call; every authorized answer sets
//! `Set-Cookie: SEC=<token>` (the ibm.qradar httpapi plugin copies it into
//! its `SEC` header and fails on an answer without one), the same token
//! while the client sends it back; `Version` is accepted and not used; a
//! missing or wrong credential is 401 with a QRadar error body. Routes (API 26.0): `GET /help/endpoints` (the
//! catalogue the `qradar` package builds its methods from), `POST
//! /staged_config/certificates/certificate_signing_request` (CSRModel; 201,
//! `Location`, the id as the body), its list, `GET .../{id}` (the CSR
//! file), `DELETE .../{id}` (204), `POST
//! /staged_config/certificates/end_certificates` (the signed certificate
//! for `csr_id`; 201 EndCertificateDTO) and `POST
//! /staged_config/deploy_status`. Bodies are [`crate::formats::qradar`]'s.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;

use super::common::{
    attached_body, authorization, blocking, by_id, cookie, create, respond, utf8, with_view,
};
use super::state::Listener;
use crate::error::Error;
use crate::formats::qradar::Qradar;
use crate::formats::{Op, Options, Shape};

const OPTS: Options = Options { pretty: false };
/// Seconds a `SEC` session token lasts unless serve was given a lifetime.
const SEC_TTL: i64 = 1800;
const CSRS: &str = "/api/staged_config/certificates/certificate_signing_request";

/// The routes `/help/endpoints` lists (method, path below `/api`).
const ENDPOINTS: &[(&str, &str)] = &[
    ("GET", "/help/endpoints"),
    (
        "POST",
        "/staged_config/certificates/certificate_signing_request",
    ),
    (
        "GET",
        "/staged_config/certificates/certificate_signing_request",
    ),
    (
        "GET",
        "/staged_config/certificates/certificate_signing_request/{id}",
    ),
    (
        "DELETE",
        "/staged_config/certificates/certificate_signing_request/{id}",
    ),
    ("POST", "/staged_config/certificates/end_certificates"),
    ("POST", "/staged_config/deploy_status"),
];

pub fn router(l: Arc<Listener>) -> Router {
    Router::new()
        .route("/api/help/endpoints", get(endpoints))
        .route(CSRS, get(list).post(generate))
        .route(&format!("{CSRS}/{{id}}"), get(download).delete(delete))
        .route(
            "/api/staged_config/certificates/end_certificates",
            post(end_certificate),
        )
        .route("/api/staged_config/deploy_status", post(deploy))
        .route_layer(middleware::from_fn_with_state(l.clone(), auth))
        .with_state(l)
}

fn http_message(status: u16) -> &'static str {
    match status {
        401 => "You are unauthorized to access the requested resource.",
        403 => "Your account is not authorized to access the requested resource.",
        404 => "We could not find the resource you requested.",
        409 => "The request could not be completed due to a conflict with the current state of the resource.",
        422 => "The request was well-formed but was unable to be followed due to semantic errors.",
        423 => "The resource that is being accessed is locked.",
        400 => "Invalid request body or parameters.",
        503 => "The service is temporarily unavailable.",
        _ => "Unexpected internal server error",
    }
}

/// A QRadar error body for `status` (code: the status itself, as QRadar's
/// generic errors carry no unique code of the operation).
pub fn error(status: u16, message: &str) -> Response {
    let body = json!({
        "message": message,
        "details": {},
        "description": http_message(status),
        "code": status,
        "http_response": {"message": http_message(status), "code": status},
    });
    respond(status, "application/json", body.to_string().into_bytes())
}

/// A csrkit error as `--format qradar` renders it, with the HTTP status
/// its `http_response.code` names (422 with the unique codes 1032-1042).
fn op_error(op: Op, err: &Error) -> Response {
    let err = &crate::formats::body::named_as(err, crate::formats::qradar::FIELD_NAMES);
    match Qradar.error(op, err, OPTS) {
        Some(body) => {
            let status = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["http_response"]["code"].as_u64())
                .unwrap_or(500) as u16;
            respond(status, "application/json", body)
        }
        None => error(500, &err.message),
    }
}

async fn auth(State(l): State<Arc<Listener>>, req: Request, next: Next) -> Response {
    let h = req.headers();
    let sec = h.get("SEC").and_then(|v| v.to_str().ok());
    let sec_password = sec.is_some_and(|t| l.shared.credentials_ok(&l.shared.user, t.as_bytes()));
    let sec_session = sec.filter(|t| l.session(t).is_some()).map(String::from);
    if !(sec_password || sec_session.is_some() || l.shared.basic_ok(authorization(h))) {
        return error(
            401,
            "You are unauthorized to access the requested resource.",
        );
    }
    // The session the client already holds (in SEC, or the cookie sent
    // back), else a new one.
    let token = sec_session
        .or_else(|| {
            cookie(h, "SEC")
                .filter(|t| l.session(t).is_some())
                .map(String::from)
        })
        .unwrap_or_else(|| l.open_session(l.shared.session_ttl(SEC_TTL), false).0);
    let mut response = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&format!("SEC={token}; Path=/; Secure; HttpOnly")) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

async fn endpoints() -> Response {
    let rows: Vec<_> = ENDPOINTS
        .iter()
        .map(|(m, p)| json!({"http_method": m, "path": p}))
        .collect();
    respond(
        200,
        "application/json",
        serde_json::to_vec(&rows).unwrap_or_default(),
    )
}

async fn generate(State(l): State<Arc<Listener>>, body: Bytes) -> Response {
    let r = blocking(move || {
        let input = crate::formats::qradar::parse_request(utf8(&body)?)?;
        let (meta, csr) = create(&l, &Qradar, None, input)?;
        let dir = l.shared.keystore.record_path(&meta.name);
        let body = Qradar.generate(
            &crate::formats::RecordView {
                meta: &meta,
                csr: &csr,
                dir: dir.as_deref(),
            },
            OPTS,
        )?;
        Ok((meta.id, body))
    })
    .await;
    match r {
        Ok((id, body)) => {
            let mut resp = respond(201, "text/plain", body);
            if let Ok(v) = HeaderValue::from_str(&format!("{CSRS}/{id}")) {
                resp.headers_mut().insert(header::LOCATION, v);
            }
            resp
        }
        Err(e) => op_error(Op::Generate, &e),
    }
}

async fn list(State(l): State<Arc<Listener>>) -> Response {
    let r = blocking(move || Qradar.list(&l.shared.keystore.list()?, OPTS)).await;
    match r {
        Ok(body) => respond(200, "application/json", body),
        Err(e) => op_error(Op::List, &e),
    }
}

async fn download(State(l): State<Arc<Listener>>, Path(id): Path<String>) -> Response {
    let r = blocking(move || {
        let rec = by_id(&l, &id)?;
        with_view(&l, &rec, |v| Qradar.download(v, false, OPTS))
    })
    .await;
    match r {
        Ok(body) => respond(200, "application/octet-stream", body),
        Err(e) => op_error(Op::Download, &e),
    }
}

async fn delete(State(l): State<Arc<Listener>>, Path(id): Path<String>) -> Response {
    let r = blocking(move || {
        let rec = by_id(&l, &id)?;
        l.shared.keystore.delete(&rec)?;
        Qradar.delete(&rec.meta, OPTS)
    })
    .await;
    match r {
        Ok(body) => respond(204, "application/json", body),
        Err(e) => op_error(Op::Delete, &e),
    }
}

async fn end_certificate(State(l): State<Arc<Listener>>, body: Bytes) -> Response {
    let r = blocking(move || {
        let text = utf8(&body)?;
        let ks = l.shared.keystore.as_ref();
        let done = match key_file(text)? {
            // `key_file`: a key made elsewhere, kept in a new record.
            Some(k) => {
                let pass = k
                    .key_password
                    .as_ref()
                    .filter(|p| !p.is_empty())
                    .map(|p| crate::keys::Passphrase::new(zeroize::Zeroizing::new(p.clone())))
                    .transpose()?;
                let mut pem = k.cert_file.clone();
                if let Some(chain) = k.ca_chain_file.as_ref().filter(|c| !c.trim().is_empty()) {
                    pem.push('\n');
                    pem.push_str(chain);
                }
                crate::ops::import::adopt(
                    ks,
                    &Qradar,
                    k.name.as_deref(),
                    crate::ops::import::Brought {
                        key_pem: &k.key_file,
                        key_pass: pass.as_ref(),
                        certs: pem.as_bytes(),
                        what: "the QRadar end certificate",
                    },
                    l.shared.key_pass.as_ref(),
                )?
            }
            None => {
                let b = crate::formats::qradar::parse_import(text)?;
                crate::ops::import::attach(
                    ks,
                    b.certificates.as_bytes(),
                    "the QRadar end certificate",
                    b.record.as_deref(),
                    Vec::new(),
                    false,
                )?
            }
        };
        attached_body(&l, &Qradar, &done)
    })
    .await;
    match r {
        Ok(body) => respond(201, "application/json", body),
        Err(e) => op_error(Op::Import, &e),
    }
}

/// `POST /staged_config/deploy_status`: nothing is staged apart from the
/// keystore, so every deploy is complete at once.
async fn deploy(State(l): State<Arc<Listener>>) -> Response {
    let body = json!({
        "hosts": [],
        "initiated_by": l.shared.user,
        "initiated_from": "csrkit serve",
        "percent_complete": 100,
        "status": "COMPLETE",
        "type": "INCREMENTAL",
    });
    respond(200, "application/json", body.to_string().into_bytes())
}

/// An EndCertificateDTO that carries `key_file` (PKCS#8 PEM, RSA: QRadar
/// keys are RSA only) and maybe `key_password`.
#[derive(serde::Deserialize, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
struct KeyedEndCertificate {
    #[zeroize(skip)]
    name: Option<String>,
    #[zeroize(skip)]
    #[allow(dead_code)]
    purpose: Option<String>,
    #[zeroize(skip)]
    #[allow(dead_code)]
    component_id: Option<serde_json::Value>,
    #[zeroize(skip)]
    cert_file: String,
    #[zeroize(skip)]
    ca_chain_file: Option<String>,
    #[zeroize(skip)]
    #[allow(dead_code)]
    csr_id: Option<u64>,
    key_file: String,
    key_password: Option<String>,
}

/// The body, when it has `key_file` (otherwise `None`: the certificate is
/// for a key the keystore holds). Exit 2 naming the field for a body that
/// has `key_file` and is otherwise malformed, or a key that is not RSA.
fn key_file(text: &str) -> crate::Result<Option<KeyedEndCertificate>> {
    let has = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .is_some_and(|v| v.get("key_file").is_some());
    if !has {
        return Ok(None);
    }
    let k: KeyedEndCertificate = serde_json::from_str(text)
        .map_err(|e| Error::invalid_as("key_file", format!("QRadar end certificate: {e}")))?;
    Ok(Some(k))
}
