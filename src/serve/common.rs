//! What the vendor files share: answers with a status and a media type,
//! records found the way each vendor names them (by name or by id), a
//! record made through [`crate::ops::generate::create`] with serve's key
//! passphrase and config defaults, and Basic credentials read from the
//! headers.

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::state::Listener;
use crate::csr::ParsedCsr;
use crate::error::{Error, Kind, Result};
use crate::formats::{CertView, Options, RecordView, Shape};
use crate::keystore::{Record, RecordMeta};
use crate::ops::import::Attached;
use crate::request::RequestInput;

/// An answer of `status` with `body` of media type `ctype`.
pub fn respond(status: u16, ctype: &'static str, body: Vec<u8>) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [(header::CONTENT_TYPE, ctype)],
        body,
    )
        .into_response()
}

/// The record of this name (never by id number: the vendor's id is the name).
pub fn by_name(l: &Listener, name: &str) -> Result<Record> {
    let rec = l.shared.keystore.find(name)?;
    if rec.meta.name != name {
        return Err(crate::keystore::not_found(name));
    }
    Ok(rec)
}

/// The record of this id (decimal; the vendor's id is csrkit's).
pub fn by_id(l: &Listener, id: &str) -> Result<Record> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::new(
            Kind::NotFound,
            format!("{} is not a CSR id", crate::csr::term(id)),
        ));
    }
    let rec = l.shared.keystore.find(id)?;
    if rec.meta.id.to_string() != id {
        return Err(crate::keystore::not_found(id));
    }
    Ok(rec)
}

/// A new record from a vendor body's fields: validated and made as
/// [`crate::ops::generate::create`] does, committed through the
/// listener's group committer ([`super::commit`]).
pub fn create(
    l: &Listener,
    shape: &dyn Shape,
    name: Option<&str>,
    input: RequestInput,
) -> Result<(RecordMeta, ParsedCsr)> {
    let s = &l.shared;
    let (name, req) = crate::ops::generate::validate(&s.config, shape, name, input)?;
    if s.keystore.exists(&name) {
        return Err(crate::keystore::exists_error(&name));
    }
    let prepared = crate::ops::generate::prepare(name, req, s.key_pass.as_ref())?;
    let (prepared, meta) = l.committer.commit(prepared)?;
    Ok((meta, prepared.csr))
}

/// What `shape` answers for a certificate just attached ([`Attached`]):
/// its certificate body, as `csrkit import --format <vendor>` prints it.
pub fn attached_body(l: &Listener, shape: &dyn Shape, done: &Attached) -> Result<Vec<u8>> {
    let dir = l.shared.keystore.record_path(&done.meta.name);
    shape.certificate(
        &CertView {
            meta: &done.meta,
            dir: dir.as_deref(),
            unchanged: done.unchanged,
            leaf: &done.leaf,
            chain: &done.chain,
        },
        Options { pretty: false },
    )
}

/// `f` on a record's view (its CSR parsed and verified).
pub fn with_view<T>(
    l: &Listener,
    rec: &Record,
    f: impl FnOnce(&RecordView<'_>) -> Result<T>,
) -> Result<T> {
    let csr = rec.parsed_csr()?;
    if !csr.verified {
        return Err(Error::new(
            Kind::BadSignature,
            format!(
                "record {}: the stored CSR's signature does not verify",
                rec.meta.name
            ),
        ));
    }
    let dir = l.shared.keystore.record_path(&rec.meta.name);
    f(&RecordView {
        meta: &rec.meta,
        csr: &csr,
        dir: dir.as_deref(),
    })
}

/// The `Authorization` header's value.
pub fn authorization(h: &HeaderMap) -> Option<&str> {
    h.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())
}

/// The body as UTF-8 (exit-2 error naming the body otherwise).
pub fn utf8(body: &[u8]) -> Result<&str> {
    std::str::from_utf8(body)
        .map_err(|_| Error::invalid_as("body", "the request body is not UTF-8"))
}

/// A cookie's value from the `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Runs keystore work off the async workers (every backend blocks: the
/// directory on the file system, PostgreSQL on its socket).
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::internal(format!("serve: a worker failed: {e}")))?
}

/// The record's key, opened with serve's key passphrase (exit 6 when it
/// does not open). A key that is not the one the record names (its
/// `spki_sha256`, else its CSR's) is refused (exit 1), never signed with.
pub fn open_key(l: &Listener, rec: &Record) -> Result<crate::keys::PrivateKey> {
    let pem = l.shared.keystore.read_key_pem(rec)?;
    let key = crate::keys::PrivateKey::from_pem(&pem, l.shared.key_pass.as_ref())?;
    let want = match &rec.meta.spki_sha256 {
        Some(s) => s.clone(),
        None => rec.parsed_csr()?.spki_sha256,
    };
    if key.spki_sha256()? != want {
        return Err(Error::internal(format!(
            "record {}: its key.pem holds another key than its CSR's",
            rec.meta.name
        )));
    }
    Ok(key)
}
