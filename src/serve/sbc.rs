//! Oracle SBC REST (base `https://<sbc>/rest/v1.2`): `POST /auth/token`
//! with HTTP Basic answers an access token (valid 10 minutes), sent back
//! as `Authorization: Bearer`; a missing or wrong credential is 401. The
//! configuration lock: `POST /configuration/lock` (204; 423 while another
//! token holds it; the lock ends with its token), `POST
//! /configuration/unlock` (204; 423 when not the owner); every change
//! without the lock is 423 "User does not have the lock" (or "Resource
//! locked by another user"). Certificate routes: certificate-records made
//! through `POST /configuration/configElements` (a `<configElement>` of
//! type certificate-record: the record's key and CSR are made then),
//! looked up by `GET /configuration/configElements?elementType=
//! certificate-record&name=N`; `PUT /configuration/certificates/
//! generateRequest?recordName=N` (the record's CSR), `PUT
//! /configuration/certificates/import` (`<ImportCertificate>`); `PUT|POST
//! /configuration/management?action=save|verify|activate` answer an
//! operationState with a poll link (`GET
//! /configuration/management/status?action=X`), as sbc_rest_client
//! follows it. Record bodies and errors are [`crate::formats::sbc`]'s.

use std::collections::HashMap;
use std::io;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use super::common::{
    attached_body, authorization, blocking, by_name, create, respond, utf8, with_view,
};
use super::state::{lock, Listener};
use crate::error::{Error, Kind};
use crate::formats::sbc::Sbc;
use crate::formats::{Op, Options, Shape};

const OPTS: Options = Options { pretty: false };
const XML: &str = "application/xml";
/// An access token lasts 10 minutes (sbc_rest_client's figure).
const TOKEN_TTL: i64 = 600;
const BASE: &str = "/rest/v1.2";

pub fn router(l: Arc<Listener>) -> Router {
    let p = |s: &str| format!("{BASE}{s}");
    let protected = Router::new()
        .route(&p("/configuration/lock"), post(lock_config))
        .route(&p("/configuration/unlock"), post(unlock_config))
        .route(
            &p("/configuration/configElements"),
            get(get_element).post(post_element),
        )
        .route(
            &p("/configuration/certificates/generateRequest"),
            put(generate_request),
        )
        .route(&p("/configuration/certificates/import"), put(import))
        .route(
            &p("/configuration/management"),
            put(management).post(management),
        )
        .route(&p("/configuration/management/status"), get(status))
        .route_layer(middleware::from_fn_with_state(l.clone(), auth));
    Router::new()
        .route(&p("/auth/token"), post(token))
        .merge(protected)
        .with_state(l)
}

fn write_xml(f: impl FnOnce(&mut Writer<Vec<u8>>) -> io::Result<()>) -> Vec<u8> {
    let mut w = Writer::new(Vec::new());
    let r = w
        .write_event(Event::Decl(BytesDecl::new(
            "1.0",
            Some("UTF-8"),
            Some("yes"),
        )))
        .and_then(|()| f(&mut w));
    let mut out = if r.is_ok() {
        w.into_inner()
    } else {
        Vec::new()
    };
    out.push(b'\n');
    out
}

/// `<response><data>…</data><messages/><links>…</links></response>`.
fn envelope(
    data: impl FnOnce(&mut Writer<Vec<u8>>) -> io::Result<()>,
    link: Option<&str>,
) -> Vec<u8> {
    write_xml(|w| {
        w.create_element("response").write_inner_content(|w| {
            w.create_element("data").write_inner_content(|w| data(w))?;
            w.create_element("messages").write_empty()?;
            match link {
                Some(url) => {
                    w.create_element("links").write_inner_content(|w| {
                        w.create_element("link")
                            .write_text_content(BytesText::new(url))?;
                        Ok(())
                    })?;
                }
                None => {
                    w.create_element("links").write_empty()?;
                }
            }
            Ok(())
        })?;
        Ok(())
    })
}

/// The SBC error envelope for `status` (the `--format sbc` error body).
pub fn error(status: u16, message: &str) -> Response {
    let kind = match status {
        400 | 422 => Kind::Invalid,
        401 | 403 => Kind::Passphrase,
        404 => Kind::NotFound,
        409 => Kind::Exists,
        423 => Kind::Locked,
        _ => Kind::Internal,
    };
    // `reasonCode` is the status's reason phrase as a constant: the error
    // kind's, or for statuses no csrkit error kind has (a fault, a
    // framework 405/413) the status's own (SERVICE_UNAVAILABLE for 503).
    let phrase = axum::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .filter(|_| kind == Kind::Internal && status != 500);
    let code = match phrase {
        Some(p) => p.to_ascii_uppercase().replace([' ', '-'], "_"),
        None => crate::formats::sbc::reason_code(kind).to_string(),
    };
    let body = crate::formats::sbc::error_body(&code, message, OPTS.pretty).unwrap_or_default();
    respond(status, XML, body)
}

fn op_error(op: Op, err: &Error) -> Response {
    let err = &crate::formats::body::named_as(err, crate::formats::sbc::FIELD_NAMES);
    let status = match err.kind {
        Kind::Mismatch => 400,
        k => k.http_status(),
    };
    match Sbc.error(op, err, OPTS) {
        Some(body) => respond(status, XML, body),
        None => error(500, &err.message),
    }
}

fn bearer(h: &HeaderMap) -> Option<&str> {
    authorization(h)?.strip_prefix("Bearer ").map(str::trim)
}

async fn auth(State(l): State<Arc<Listener>>, req: Request, next: Next) -> Response {
    match bearer(req.headers()) {
        Some(t) if l.session(t).is_some() => next.run(req).await,
        _ => error(
            401,
            "Unauthorized: give a valid access token (POST /auth/token)",
        ),
    }
}

async fn token(State(l): State<Arc<Listener>>, headers: HeaderMap) -> Response {
    if !l.shared.basic_ok(authorization(&headers)) {
        return error(401, "Unauthorized: invalid user name or password");
    }
    let ttl = l.shared.session_ttl(TOKEN_TTL);
    let (t, _) = l.open_session(ttl, false);
    let body = envelope(
        |w| {
            w.create_element("accessToken")
                .write_text_content(BytesText::new(&t))?;
            w.create_element("token_type")
                .write_text_content(BytesText::new("Bearer"))?;
            w.create_element("expires_in")
                .write_text_content(BytesText::new(&ttl.to_string()))?;
            Ok(())
        },
        None,
    );
    respond(200, XML, body)
}

/// The token that holds the lock, if it is still live.
fn owner(l: &Listener) -> Option<String> {
    let mut o = lock(&l.lock_owner);
    if o.as_deref().is_some_and(|t| l.session(t).is_none()) {
        *o = None;
    }
    o.clone()
}

/// 423 unless this request's token holds the lock.
fn need_lock(l: &Listener, h: &HeaderMap) -> Result<(), Response> {
    let me = bearer(h).unwrap_or_default();
    match owner(l) {
        Some(t) if t == me => Ok(()),
        Some(_) => Err(error(423, "Resource locked by another user")),
        None => Err(error(423, "User does not have the lock")),
    }
}

async fn lock_config(State(l): State<Arc<Listener>>, headers: HeaderMap) -> Response {
    let me = bearer(&headers).unwrap_or_default().to_string();
    let current = owner(&l);
    match current {
        Some(t) if t != me => error(423, "Resource locked by another user"),
        _ => {
            *lock(&l.lock_owner) = Some(me);
            respond(204, XML, Vec::new())
        }
    }
}

async fn unlock_config(State(l): State<Arc<Listener>>, headers: HeaderMap) -> Response {
    if let Err(r) = need_lock(&l, &headers) {
        return r;
    }
    *lock(&l.lock_owner) = None;
    respond(204, XML, Vec::new())
}

/// `GET configElements?elementType=certificate-record&name=N`: the
/// element, or 404.
async fn get_element(
    State(l): State<Arc<Listener>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if q.get("elementType").map(String::as_str) != Some("certificate-record") {
        return error(
            404,
            "only elementType=certificate-record is served by this emulator",
        );
    }
    let Some(name) = q.get("name").cloned() else {
        return error(400, "give name=N");
    };
    let r = blocking(move || by_name(&l, &name)).await;
    match r {
        Ok(rec) => {
            let cn = rec
                .meta
                .request
                .subject
                .common_name()
                .unwrap_or_default()
                .to_string();
            let body = envelope(
                |w| {
                    w.create_element("configElement").write_inner_content(|w| {
                        w.create_element("elementType")
                            .write_text_content(BytesText::new("certificate-record"))?;
                        for (n, v) in [("name", rec.meta.name.as_str()), ("common-name", &cn)] {
                            w.create_element("attribute").write_inner_content(|w| {
                                w.create_element("name")
                                    .write_text_content(BytesText::new(n))?;
                                w.create_element("value")
                                    .write_text_content(BytesText::new(v))?;
                                Ok(())
                            })?;
                        }
                        Ok(())
                    })?;
                    Ok(())
                },
                None,
            );
            respond(200, XML, body)
        }
        Err(e) => op_error(Op::Show, &e),
    }
}

/// `POST configElements` with a certificate-record: the record is made
/// (key + CSR) now; the answer is the generateRequest body.
async fn post_element(State(l): State<Arc<Listener>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = need_lock(&l, &headers) {
        return r;
    }
    let r = blocking(move || {
        let input = crate::formats::sbc::parse_request(utf8(&body)?)?;
        let (meta, csr) = create(&l, &Sbc, None, input)?;
        let dir = l.shared.keystore.record_path(&meta.name);
        Sbc.generate(
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
        Ok(body) => respond(201, XML, body),
        Err(e) => op_error(Op::Generate, &e),
    }
}

async fn generate_request(
    State(l): State<Arc<Listener>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = need_lock(&l, &headers) {
        return r;
    }
    let Some(name) = q.get("recordName").cloned() else {
        return error(400, "give recordName=N");
    };
    if q.get("reGenerate").is_some_and(|v| v == "true") {
        return error(
            400,
            "reGenerate=true is not served: a record's key and CSR are made once, by POST configElements",
        );
    }
    let r = blocking(move || {
        let rec = by_name(&l, &name)?;
        with_view(&l, &rec, |v| Sbc.download(v, false, OPTS))
    })
    .await;
    match r {
        Ok(body) => respond(200, XML, body),
        Err(e) => op_error(Op::Download, &e),
    }
}

async fn import(State(l): State<Arc<Listener>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = need_lock(&l, &headers) {
        return r;
    }
    let r = blocking(move || {
        let b = crate::formats::sbc::parse_import(utf8(&body)?)?;
        let name = b.record.clone().unwrap_or_default();
        by_name(&l, &name)?;
        let ks = l.shared.keystore.as_ref();
        let done = crate::ops::import::attach(
            ks,
            b.certificates.as_bytes(),
            "the SBC ImportCertificate",
            Some(&name),
            Vec::new(),
            false,
        )?;
        attached_body(&l, &Sbc, &done)
    })
    .await;
    match r {
        Ok(body) => respond(200, XML, body),
        Err(e) => op_error(Op::Import, &e),
    }
}

fn operation_state(action: &str, link: Option<&str>) -> Vec<u8> {
    envelope(
        |w| {
            w.create_element("operationState")
                .write_inner_content(|w| {
                    w.create_element("operation")
                        .write_text_content(BytesText::new(action))?;
                    w.create_element("status")
                        .write_text_content(BytesText::new("success"))?;
                    Ok(())
                })?;
            Ok(())
        },
        link,
    )
}

fn action_of(q: &HashMap<String, String>) -> Result<String, Response> {
    match q.get("action").map(String::as_str) {
        Some(a @ ("save" | "verify" | "activate")) => Ok(a.to_string()),
        _ => Err(error(400, "give action=save, verify or activate")),
    }
}

/// Save, verify and activate: nothing to do beyond the keystore, so each
/// is done at once; the link leads to its (successful) state.
async fn management(
    State(l): State<Arc<Listener>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = need_lock(&l, &headers) {
        return r;
    }
    let action = match action_of(&q) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let link = format!("https://{host}{BASE}/configuration/management/status?action={action}");
    respond(200, XML, operation_state(&action, Some(&link)))
}

async fn status(Query(q): Query<HashMap<String, String>>) -> Response {
    match action_of(&q) {
        Ok(a) => respond(200, XML, operation_state(&a, None)),
        Err(r) => r,
    }
}
