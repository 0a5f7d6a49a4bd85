//! What every listener answers besides its vendor's routes: `GET
//! /_csrkit/requests` (the journal: method, path, status, time of each
//! request, newest last, at most [`super::state::JOURNAL_MAX`]), `POST
//! /_csrkit/faults` (`{"method","path","status","times"}`: the next
//! `times` matching requests answer `status` with the vendor's error
//! body), both behind HTTP Basic with serve's user and password; the
//! vendor's 404 for an unknown route; and the layer that journals every
//! request and fires armed faults.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use super::routes::{not_found, vendor_error};
use super::state::{Entry, Fault, Listener};

/// The admin prefix, which no vendor path uses.
pub const PREFIX: &str = "/_csrkit/";

/// The largest request body a route reads whole, bytes (axum's default,
/// set here so that the check below and the extractors agree). ArcGIS
/// reads its multipart and form bodies itself, with its own limits.
pub const BODY_LIMIT: usize = 2 << 20;

pub fn wrap(l: Arc<Listener>, vendor: Router) -> Router {
    let admin = Router::new()
        .route("/_csrkit/requests", get(requests))
        .route("/_csrkit/faults", post(faults))
        .with_state(l.clone());
    let fallback_l = l.clone();
    vendor
        .merge(admin)
        .fallback(move |req: Request| {
            let l = fallback_l.clone();
            async move {
                not_found(
                    l.vendor,
                    &format!(
                        "the path {} is not an API of this {} emulator",
                        crate::csr::term(req.uri().path()),
                        l.vendor.name()
                    ),
                )
            }
        })
        .layer(middleware::from_fn_with_state(l, journal_and_faults))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
}

/// A body whose `Content-Length` is over [`BODY_LIMIT`] is answered 413
/// before any of it is read (nor a `100 Continue` sent): a client that
/// asked `Expect: 100-continue` sends nothing, and none uploads megabytes
/// to be refused.
fn too_large(l: &Listener, req: &Request) -> bool {
    l.vendor != super::Vendor::Arcgis
        && req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|n| n > BODY_LIMIT as u64)
}

async fn journal_and_faults(State(l): State<Arc<Listener>>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let fault = if path.starts_with(PREFIX) {
        None
    } else {
        l.take_fault(&method, &path)
    };
    let resp = match fault {
        None if too_large(&l, &req) => framework_error(
            &l,
            &method,
            &path,
            StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        ),
        Some(status) => vendor_error(
            l.vendor,
            status,
            &format!("fault injected by POST /_csrkit/faults (status {status})"),
        ),
        None => {
            let resp = next.run(req).await;
            framework_error(&l, &method, &path, resp)
        }
    };
    l.record(Entry {
        method,
        path,
        status: resp.status().as_u16(),
        time: crate::keystore::now_rfc3339(),
    });
    resp
}

/// What the HTTP framework answers by itself (a method no route takes:
/// 405; a body over its limit: 413; a body it cannot read: 400/415),
/// which is plain text or empty, in the vendor's error shape (the admin
/// routes: csrkit's JSON), so that a client reads it as it reads every
/// other error. The vendor's own answers are JSON or XML and pass as
/// they are; an `Allow` header is kept.
fn framework_error(l: &Listener, method: &str, path: &str, resp: Response) -> Response {
    let status = resp.status().as_u16();
    if !matches!(status, 400 | 405 | 413 | 415) {
        return resp;
    }
    let plain = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|t| t.starts_with("text/plain"));
    if !plain {
        return resp;
    }
    let message = match status {
        405 => format!(
            "the method {} is not served for {}",
            crate::csr::term(method),
            crate::csr::term(path)
        ),
        413 => "the request body is larger than this emulator takes".to_string(),
        415 => "the request body's Content-Type is not one this route takes".to_string(),
        _ => "the request body cannot be read".to_string(),
    };
    let allow = resp.headers().get(header::ALLOW).cloned();
    let mut out = if path.starts_with(PREFIX) {
        (
            resp.status(),
            axum::Json(serde_json::json!({ "error": message })),
        )
            .into_response()
    } else {
        vendor_error(l.vendor, status, &message)
    };
    if let Some(a) = allow {
        out.headers_mut().insert(header::ALLOW, a);
    }
    out
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Basic realm=\"csrkit serve\"")],
        axum::Json(serde_json::json!({"error": "the admin routes need HTTP Basic with serve's user and password"})),
    )
        .into_response()
}

fn basic(l: &Listener, headers: &axum::http::HeaderMap) -> bool {
    let h = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    l.shared.basic_ok(h)
}

async fn requests(State(l): State<Arc<Listener>>, headers: axum::http::HeaderMap) -> Response {
    if !basic(&l, &headers) {
        return unauthorized();
    }
    axum::Json(serde_json::json!({ "requests": l.journal() })).into_response()
}

async fn faults(
    State(l): State<Arc<Listener>>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    if !basic(&l, &headers) {
        return unauthorized();
    }
    let bad = |msg: String| {
        (
            StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({ "error": msg })),
        )
            .into_response()
    };
    let fault: Fault = match serde_json::from_slice(&body) {
        Ok(f) => f,
        Err(e) => {
            return bad(format!(
                "a fault is {{\"method\",\"path\",\"status\",\"times\"}}: {e}"
            ))
        }
    };
    if let Err(e) = fault.check() {
        return bad(crate::field::render_keys(&e.message));
    }
    l.arm(fault.clone());
    (StatusCode::CREATED, axum::Json(fault)).into_response()
}
