//! Esri ArcGIS Portal (base `https://<host>/portal`): `POST
//! /sharing/rest/generateToken` (form `username`, `password`,
//! `expiration` in minutes) answers a token, accepted in the form body,
//! the query (`token`) and `X-Esri-Authorization: Bearer`. As Portal
//! does, every API error is HTTP 200 with `{"error":{"code":N,...}}`
//! (498 invalid token, 499 token required, 400 for a wrong password);
//! only an unknown path is a real 404. Paths are matched without regard
//! to case (`generateCsr` and `generateCSR`). The discovery routes the
//! `arcgis` package probes at sign-in (`sharing/rest/info`, `portals/self`,
//! `community/self`, `community/users/{u}`, `sharing/rest`,
//! `portaladmin`) and the Portal Administrator's `sslCertificates`: list,
//! get (the certificate resource, `aliasName` the record name),
//! `generateCertificate` (key, CSR and a self-signed certificate, as
//! Portal makes them), `{alias}/generateCsr`, `{alias}/importSignedCertificate`
//! (multipart `file`), `importExistingServerCertificate` (multipart
//! `alias`, `password`, `file`: a PKCS#12 made elsewhere), `{alias}/delete`, `importRootOrIntermediate`
//! (checked, not kept) and `update` (binds the alias). Bodies are
//! [`crate::formats::arcgis`]'s.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, Method};
use axum::response::Response;
use axum::Router;
use serde_json::{json, Value};

use super::common::{attached_body, blocking, by_name, create, respond, with_view};
use super::state::{lock, Listener};
use crate::error::{Error, Kind, Result};
use crate::formats::arcgis::Arcgis;
use crate::formats::{Op, Options, Shape};

const OPTS: Options = Options { pretty: false };
const JSON: &str = "application/json";
/// Largest body read (a PKCS#12 or a chain is a few KiB).
const MAX_BODY: usize = 4 << 20;
/// Portal's version as `sharing/rest` reports it.
const VERSION: &str = "2024.1";
/// Portal's default self-signed validity (days), per the
/// generate-certificate page.
const DEFAULT_DAYS: u32 = 90;

pub fn router(l: Arc<Listener>) -> Router {
    Router::new()
        .route("/portal", axum::routing::any(dispatch))
        .route("/portal/{*rest}", axum::routing::any(dispatch))
        .with_state(l)
}

/// Portal's error answer: HTTP 200 with `{"error":{"code","message","details"}}`.
pub fn error(status: u16, message: &str) -> Response {
    let body = json!({"error": {"code": status, "message": message, "details": []}});
    respond(200, JSON, body.to_string().into_bytes())
}

/// An unknown path: a real HTTP 404 with a plain-text body, as a web
/// server in front of Portal answers it (the `arcgis` package probes such
/// paths at sign-in and goes on; a JSON `error` would make it raise).
pub fn not_found(message: &str) -> Response {
    respond(404, "text/plain", format!("{message}\n").into_bytes())
}

/// A csrkit error as `--format arcgis` renders it (the Portal
/// Administrator's `{"status":"error","messages","code"}`), HTTP 200.
fn op_error(op: Op, err: &Error) -> Response {
    let err = &crate::formats::body::named_as(err, crate::formats::arcgis::FIELD_NAMES);
    match Arcgis.error(op, err, OPTS) {
        Some(body) => respond(200, JSON, body),
        None => error(500, &err.message),
    }
}

fn ok_json(v: Value) -> Response {
    respond(200, JSON, v.to_string().into_bytes())
}

/// A request's parameters: the query, then the form or multipart fields
/// (which win), and a multipart `file`.
struct Params {
    fields: HashMap<String, String>,
    file: Option<Vec<u8>>,
}

async fn params(req: Request) -> std::result::Result<Params, Response> {
    let mut fields: HashMap<String, String> = req
        .uri()
        .query()
        .map(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).unwrap_or_default())
        .unwrap_or_default()
        .into_iter()
        .collect();
    let ctype = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut file = None;
    if ctype.starts_with("multipart/form-data") {
        let mut mp = Multipart::from_request(req, &())
            .await
            .map_err(|e| error(400, &format!("malformed multipart body: {e}")))?;
        loop {
            let field = match mp.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => return Err(error(400, &format!("malformed multipart body: {e}"))),
            };
            let name = field.name().unwrap_or_default().to_string();
            let is_file = field.file_name().is_some() || name == "file";
            let data = field
                .bytes()
                .await
                .map_err(|e| error(400, &format!("malformed multipart body: {e}")))?;
            if data.len() > MAX_BODY {
                return Err(error(400, "a multipart field is larger than 4 MiB"));
            }
            if is_file {
                file = Some(data.to_vec());
            } else {
                fields.insert(name, String::from_utf8_lossy(&data).into_owned());
            }
        }
    } else if req.method() == Method::POST || req.method() == Method::PUT {
        let body = axum::body::to_bytes(req.into_body(), MAX_BODY)
            .await
            .map_err(|_| error(400, "the body is larger than 4 MiB"))?;
        let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
        fields.extend(form);
    }
    Ok(Params { fields, file })
}

/// The token of a request: `X-Esri-Authorization: Bearer`, else the
/// `token` parameter.
fn token_of(headers: &axum::http::HeaderMap, p: &Params) -> Option<String> {
    headers
        .get("X-Esri-Authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .or_else(|| p.fields.get("token").cloned())
        .filter(|t| !t.is_empty())
}

async fn dispatch(State(l): State<Arc<Listener>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let headers = req.headers().clone();
    let method = req.method().clone();
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .skip(1)
        .map(String::from)
        .collect();
    let lower: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    let low: Vec<&str> = lower.iter().map(String::as_str).collect();
    let p = match params(req).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    // Open routes.
    match low.as_slice() {
        ["sharing", "rest", "info"] => return info(&headers),
        ["sharing", "rest", "generatetoken"] => return generate_token(&l, &p),
        ["sharing", "rest"] => return ok_json(json!({"currentVersion": VERSION})),
        _ => {}
    }
    let known = matches!(
        low.as_slice(),
        ["sharing", "rest", "portals", "self"]
            | ["sharing", "rest", "community", "self"]
            | ["sharing", "rest", "community", "users", _]
            | ["portaladmin"]
            | ["portaladmin", "security"]
            | ["portaladmin", "security", "sslcertificates", ..]
    ) && low.len() <= 5;
    if !known {
        return not_found(&format!(
            "the path {} is not an API of this arcgis emulator",
            crate::csr::term(&path)
        ));
    }
    match token_of(&headers, &p) {
        None => return error(499, "Token Required."),
        Some(t) if l.session(&t).is_none() => return error(498, "Invalid token."),
        Some(_) => {}
    }
    let user = l.shared.user.clone();
    match low.as_slice() {
        ["sharing", "rest", "portals", "self"] => ok_json(json!({
            "portalName": "csrkit serve",
            "isPortal": true,
            "id": "0123456789ABCDEF",
            "currentVersion": VERSION,
            "user": user_json(&user),
        })),
        ["sharing", "rest", "community", "self"] => ok_json(user_json(&user)),
        ["sharing", "rest", "community", "users", _] => ok_json(user_json(&user)),
        ["portaladmin"] => ok_json(json!({"resources": ["security"], "currentVersion": VERSION})),
        ["portaladmin", "security"] => ok_json(json!({"resources": ["sslCertificates"]})),
        ["portaladmin", "security", "sslcertificates"] => list(l).await,
        ["portaladmin", "security", "sslcertificates", "generatecertificate" | "generate"] => {
            generate(l, p).await
        }
        ["portaladmin", "security", "sslcertificates", "update"] => update(l, p).await,
        ["portaladmin", "security", "sslcertificates", "importrootorintermediate"] => {
            root_or_intermediate(p)
        }
        ["portaladmin", "security", "sslcertificates", "importexistingservercertificate"] => {
            import_existing(l, p).await
        }
        ["portaladmin", "security", "sslcertificates", _] => get_alias(l, segs[3].clone()).await,
        ["portaladmin", "security", "sslcertificates", _, "generatecsr"] => {
            csr(l, segs[3].clone()).await
        }
        ["portaladmin", "security", "sslcertificates", _, "importsignedcertificate"] => {
            import(l, segs[3].clone(), p).await
        }
        ["portaladmin", "security", "sslcertificates", _, "delete"] if method == Method::POST => {
            delete(l, segs[3].clone()).await
        }
        _ => not_found(&format!(
            "the path {} is not an API of this arcgis emulator",
            crate::csr::term(&path)
        )),
    }
}

fn user_json(user: &str) -> Value {
    json!({
        "username": user,
        "fullName": user,
        "role": "org_admin",
        "privileges": ["portal:admin:updateSecurity", "portal:admin:viewSecurity"],
    })
}

fn info(headers: &axum::http::HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    ok_json(json!({
        "owningSystemUrl": format!("https://{host}/portal"),
        "authInfo": {
            "tokenServicesUrl": format!("https://{host}/portal/sharing/rest/generateToken"),
            "isTokenBasedSecurity": true,
        },
        "currentVersion": VERSION,
        "fullVersion": "11.3.0",
    }))
}

fn generate_token(l: &Listener, p: &Params) -> Response {
    let user = p.fields.get("username").map(String::as_str).unwrap_or("");
    let pass = p.fields.get("password").map(String::as_str).unwrap_or("");
    if !l.shared.credentials_ok(user, pass.as_bytes()) {
        let body = json!({"error": {"code": 400, "message": "Unable to generate token.", "details": ["Invalid username or password."]}});
        return respond(200, JSON, body.to_string().into_bytes());
    }
    let minutes: i64 = p
        .fields
        .get("expiration")
        .and_then(|e| e.parse().ok())
        .filter(|m| *m > 0)
        .unwrap_or(60)
        .min(60 * 24 * 14);
    let (t, _) = l.open_session(minutes * 60, false);
    let expires = (crate::cert::now() + minutes * 60) * 1000;
    ok_json(json!({"token": t, "expires": expires, "ssl": true}))
}

/// Records with a certificate: the entries a Portal keystore holds.
async fn list(l: Arc<Listener>) -> Response {
    let web = lock(&l.web_alias).clone();
    let r = blocking(move || {
        let names: Vec<String> = l
            .shared
            .keystore
            .list()?
            .into_iter()
            .filter(|r| r.summary.not_after.is_some())
            .map(|r| r.summary.name)
            .collect();
        Ok(names)
    })
    .await;
    match r {
        Ok(names) => ok_json(json!({
            "sslCertificates": names,
            "webServerCertificateAlias": web.unwrap_or_else(|| "portal".into()),
        })),
        Err(e) => op_error(Op::List, &e),
    }
}

fn leaf_of(rec: &crate::keystore::Record) -> Result<crate::cert::Cert> {
    let pem = rec.cert_pem()?.ok_or_else(|| {
        Error::new(
            Kind::NotFound,
            format!("{} has no certificate yet", rec.meta.name),
        )
    })?;
    crate::cert::bundle::decode(pem.as_bytes(), "the record's cert.pem")?
        .into_iter()
        .next()
        .ok_or_else(|| Error::internal("the record's cert.pem is empty"))
}

async fn get_alias(l: Arc<Listener>, alias: String) -> Response {
    let r = blocking(move || {
        let rec = by_name(&l, &alias)?;
        let leaf = leaf_of(&rec)?;
        Ok(crate::formats::arcgis::resource(
            &leaf,
            &rec.meta.name,
            "PrivateKeyEntry",
        ))
    })
    .await;
    match r {
        Ok(v) => ok_json(v),
        Err(e) => op_error(Op::Show, &e),
    }
}

/// The generateCertificate parameters as the JSON object
/// [`crate::formats::arcgis::parse_request`] reads (strings as sent; the
/// token and `validity` are taken out first).
/// A `validity` that is not a whole number of days is refused (exit 2
/// naming it), never replaced by the default.
fn generate_body(p: &Params) -> Result<(String, Option<u32>)> {
    let mut m = serde_json::Map::new();
    let mut days = None;
    for (k, v) in &p.fields {
        match k.as_str() {
            "token" => {}
            "validity" => {
                days = Some(v.trim().parse().map_err(|_| {
                    Error::invalid_as(
                        "validity",
                        format!(
                            "{} is not a whole number of days (1 to 36500)",
                            crate::csr::term(v)
                        ),
                    )
                })?)
            }
            _ => {
                m.insert(k.clone(), json!(v));
            }
        }
    }
    Ok((Value::Object(m).to_string(), days))
}

async fn generate(l: Arc<Listener>, p: Params) -> Response {
    let (body, days) = match generate_body(&p) {
        Ok(b) => b,
        Err(e) => return op_error(Op::Generate, &e),
    };
    let r = blocking(move || {
        let input = crate::formats::arcgis::parse_request(&body)?;
        if input.name.is_none() {
            return Err(Error::invalid_as(
                "alias",
                "generateCertificate needs the alias",
            ));
        }
        let (meta, _) = create(&l, &Arcgis, None, input)?;
        let ks = l.shared.keystore.as_ref();
        let rec = ks.find(&meta.name)?;
        let key = super::common::open_key(&l, &rec)?;
        crate::ops::self_sign::self_sign(ks, &rec, &key, days.unwrap_or(DEFAULT_DAYS))?;
        Ok(())
    })
    .await;
    match r {
        Ok(()) => ok_json(json!({"status": "success"})),
        Err(e) => op_error(Op::Generate, &e),
    }
}

async fn csr(l: Arc<Listener>, alias: String) -> Response {
    let r = blocking(move || {
        let rec = by_name(&l, &alias)?;
        with_view(&l, &rec, |v| Arcgis.download(v, false, OPTS))
    })
    .await;
    match r {
        Ok(body) => respond(200, JSON, body),
        Err(e) => op_error(Op::Download, &e),
    }
}

async fn import(l: Arc<Listener>, alias: String, p: Params) -> Response {
    let Some(file) = p.file else {
        return op_error(
            Op::Import,
            &Error::invalid_as(
                "file",
                "importSignedCertificate needs the certificate as the multipart field file",
            ),
        );
    };
    let r = blocking(move || {
        let rec = by_name(&l, &alias)?;
        let ks = l.shared.keystore.as_ref();
        let done = crate::ops::import::attach(
            ks,
            &file,
            "the uploaded file",
            Some(&rec.meta.name),
            Vec::new(),
            false,
        )?;
        attached_body(&l, &Arcgis, &done)
    })
    .await;
    match r {
        Ok(body) => respond(200, JSON, body),
        Err(e) => op_error(Op::Import, &e),
    }
}

/// `importExistingServerCertificate`: multipart `alias`, `password` and
/// `file` (PKCS#12, DER): a new record named `alias` for the file's key,
/// its certificate and chain ([`crate::ops::import::adopt_pkcs12`]), the
/// key stored under the keystore's passphrase. `importCertificateChain`
/// (11.3+) is accepted; the chain is always kept with the record.
async fn import_existing(l: Arc<Listener>, p: Params) -> Response {
    let (Some(file), Some(alias)) = (p.file, p.fields.get("alias").cloned()) else {
        return op_error(
            Op::Import,
            &Error::invalid_as(
                "file",
                "importExistingServerCertificate needs the alias and the PKCS#12 file (multipart fields alias and file)",
            ),
        );
    };
    let password = zeroize::Zeroizing::new(p.fields.get("password").cloned().unwrap_or_default());
    if file.len() as u64 > crate::export::pkcs12_in::MAX_PFX {
        return op_error(
            Op::Import,
            &Error::invalid_as("file", "the PKCS#12 file is larger than 1 MiB"),
        );
    }
    let r = blocking(move || {
        let ks = l.shared.keystore.as_ref();
        let done = crate::ops::import::adopt_pkcs12(
            ks,
            &Arcgis,
            Some(&alias),
            crate::ops::import::BroughtPkcs12 {
                der: &file,
                password: &password,
                what: "the uploaded PKCS#12 file",
            },
            l.shared.key_pass.as_ref(),
        )?;
        attached_body(&l, &Arcgis, &done)
    })
    .await;
    match r {
        Ok(body) => respond(200, JSON, body),
        Err(e) => op_error(Op::Import, &e),
    }
}

async fn delete(l: Arc<Listener>, alias: String) -> Response {
    let r = blocking(move || {
        let rec = by_name(&l, &alias)?;
        l.shared.keystore.delete(&rec)?;
        Arcgis.delete(&rec.meta, OPTS)
    })
    .await;
    match r {
        Ok(body) => respond(200, JSON, body),
        Err(e) => op_error(Op::Delete, &e),
    }
}

async fn update(l: Arc<Listener>, p: Params) -> Response {
    let Some(alias) = p.fields.get("webServerCertificateAlias").cloned() else {
        return op_error(
            Op::Import,
            &Error::invalid_as(
                "webServerCertificateAlias",
                "update needs webServerCertificateAlias",
            ),
        );
    };
    let l2 = l.clone();
    let a2 = alias.clone();
    let r = blocking(move || {
        let rec = by_name(&l2, &a2)?;
        leaf_of(&rec).map(|_| ())
    })
    .await;
    match r {
        Ok(()) => {
            *lock(&l.web_alias) = Some(alias);
            ok_json(json!({"status": "success"}))
        }
        Err(e) => op_error(Op::Import, &e),
    }
}

/// `importRootOrIntermediate`: the file must be a CA certificate; Portal
/// would add it to its trust store, serve keeps nothing.
fn root_or_intermediate(p: Params) -> Response {
    let checked = p
        .file
        .ok_or_else(|| {
            Error::invalid_as(
                "file",
                "give the CA certificate as the multipart field file",
            )
        })
        .and_then(|f| crate::cert::bundle::decode(&f, "the uploaded file"))
        .and_then(|certs| {
            if certs.iter().all(|c| c.is_ca()) {
                Ok(())
            } else {
                Err(Error::invalid_as(
                    "file",
                    "importRootOrIntermediate takes CA certificates",
                ))
            }
        });
    match checked {
        Ok(()) => ok_json(json!({"status": "success"})),
        Err(e) => op_error(Op::Import, &e),
    }
}
