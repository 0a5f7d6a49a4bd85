//! Lenovo XClarity Administrator (base `https://<lxca>`): `POST /sessions`
//! (`{"UserId","password"}`) answers the session with its `csrf` value and
//! sets the `JSESSIONID` and `csrf` cookies; every later call carries the
//! cookie, and those that change something also `X-Csrf-Token` (HTTP Basic
//! is taken too, as python-xclarityclient sends it). A wrong password is
//! 401 with the failure envelope; `GET /aicc` is pylxca's liveness probe;
//! `DELETE /sessions` logs out. Certificate routes: `POST
//! /certificateSigningRequest` (the success envelope with the new
//! `path`), `GET /certificateSigningRequest?path=ID[&details=true]` (the
//! raw PEM, or the envelope). XClarity's import route for a signed server
//! certificate is not documented ([NF]) and is not served. Bodies are
//! [`crate::formats::xclarity`]'s.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use super::common::{authorization, blocking, by_id, cookie, create, respond, utf8, with_view};
use super::state::Listener;
use crate::error::{Error, Kind};
use crate::formats::xclarity::Xclarity;
use crate::formats::{Op, Options, Shape};

const OPTS: Options = Options { pretty: false };
/// LXCA's default inactivity timeout is 30 minutes.
const SESSION_TTL: i64 = 1800;

pub fn router(l: Arc<Listener>) -> Router {
    let protected = Router::new()
        .route("/aicc", get(aicc))
        .route("/certificateSigningRequest", get(download).post(generate))
        .route("/sessions", axum::routing::delete(logout))
        .route_layer(middleware::from_fn_with_state(l.clone(), auth));
    Router::new()
        .route("/sessions", post(login))
        .merge(protected)
        .with_state(l)
}

fn status_of(kind: Kind) -> u16 {
    match kind {
        Kind::Passphrase => 401,
        Kind::Exists | Kind::Mismatch => 409,
        k => k.http_status(),
    }
}

/// The failure envelope for `status` (auth failures, faults, unknown
/// routes): the shape of `--format xclarity`'s errors; the message id is
/// csrkit's own (`FQXHMSE` + status + `L`), as LXCA documents none for these.
pub fn error(status: u16, message: &str) -> Response {
    let explanation = match status {
        401 => "The request could not be authenticated.",
        403 => "The user is not authorized to perform this request.",
        404 => "The requested resource was not found.",
        400 | 422 => "The request is not valid.",
        503 => "The service is temporarily unavailable.",
        _ => "The request could not be completed.",
    };
    let body = json!({
        "response": {},
        "result": "failed",
        "messages": [{
            "explanation": explanation,
            "id": format!("FQXHMSE{status:04}L"),
            "recovery": {"text": "Correct the request and try again.", "URL": ""},
            "text": message,
        }]
    });
    respond(status, "application/json", body.to_string().into_bytes())
}

fn op_error(op: Op, err: &Error) -> Response {
    let err = &crate::formats::body::named_as(err, crate::formats::xclarity::FIELD_NAMES);
    match Xclarity.error(op, err, OPTS) {
        Some(body) => respond(status_of(err.kind), "application/json", body),
        None => error(500, &err.message),
    }
}

fn unauthorized() -> Response {
    error(
        401,
        "The user name or password is not valid, or the session has expired.",
    )
}

async fn auth(State(l): State<Arc<Listener>>, req: Request, next: Next) -> Response {
    let h = req.headers();
    let basic = l.shared.basic_ok(authorization(h));
    let session = cookie(h, "JSESSIONID").and_then(|t| l.session(t));
    let ok = match (basic, session) {
        (true, _) => true,
        (false, Some(s)) => {
            req.method() == Method::GET
                || h.get("X-Csrf-Token").and_then(|v| v.to_str().ok()) == s.csrf.as_deref()
        }
        (false, None) => false,
    };
    if !ok {
        return unauthorized();
    }
    next.run(req).await
}

#[derive(Deserialize, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
#[allow(non_snake_case)]
struct Login {
    UserId: String,
    password: String,
}

async fn login(State(l): State<Arc<Listener>>, body: Bytes) -> Response {
    let Ok(login) = serde_json::from_slice::<Login>(&body) else {
        return error(400, "The request body is not {\"UserId\",\"password\"}.");
    };
    if !l
        .shared
        .credentials_ok(&login.UserId, login.password.as_bytes())
    {
        return unauthorized();
    }
    let (token, csrf) = l.open_session(l.shared.session_ttl(SESSION_TTL), true);
    let csrf = csrf.unwrap_or_default();
    let body = json!({
        "response": {
            "pwChangeRequired": false,
            "session": {"id": token, "csrf": csrf, "UserId": &login.UserId},
        },
        "result": "success",
        "messages": [],
    });
    let mut resp = respond(200, "application/json", body.to_string().into_bytes());
    let h = resp.headers_mut();
    for c in [
        format!("JSESSIONID={token}; Path=/; Secure; HttpOnly"),
        format!("csrf={csrf}; Path=/; Secure"),
    ] {
        if let Ok(v) = HeaderValue::from_str(&c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    resp
}

async fn logout(State(l): State<Arc<Listener>>, headers: HeaderMap) -> Response {
    if let Some(t) = cookie(&headers, "JSESSIONID") {
        l.close_session(t);
    }
    respond(
        200,
        "application/json",
        br#"{"response":{},"result":"success","messages":[]}"#.to_vec(),
    )
}

async fn aicc() -> Response {
    respond(
        200,
        "application/json",
        br#"{"response":{"status":"running"},"result":"success","messages":[]}"#.to_vec(),
    )
}

async fn generate(State(l): State<Arc<Listener>>, body: Bytes) -> Response {
    let r = blocking(move || {
        let input = crate::formats::xclarity::parse_request(utf8(&body)?)?;
        let (meta, csr) = create(&l, &Xclarity, None, input)?;
        let dir = l.shared.keystore.record_path(&meta.name);
        Xclarity.generate(
            &crate::formats::RecordView {
                meta: &meta,
                csr: &csr,
                dir: dir.as_deref(),
            },
            OPTS,
        )
    })
    .await;
    match r {
        Ok(body) => respond(200, "application/json", body),
        Err(e) => op_error(Op::Generate, &e),
    }
}

async fn download(
    State(l): State<Arc<Listener>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let details = q.get("details").is_some_and(|d| d == "true");
    let r = blocking(move || {
        let id = q.get("path").cloned().ok_or_else(|| {
            Error::invalid_as("path", "give ?path=ID (the path the POST answered)")
        })?;
        let rec = by_id(&l, &id)?;
        with_view(&l, &rec, |v| Xclarity.download(v, details, OPTS))
    })
    .await;
    match r {
        Ok(body) if details => respond(200, "application/json", body),
        Ok(body) => respond(200, "application/x-pem-file", body),
        Err(e) => op_error(Op::Download, &e),
    }
}
