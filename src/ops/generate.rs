//! Making a new record, for every front end (the CLI's `generate`, `serve`):
//! key + CSR for a validated request ([`mint`], [`prepare`]), the record
//! name ([`record_name`]), the commit ([`generate_one`]), and [`create`],
//! the whole path from a request body's fields to a committed record.
//! No clap, no terminal, nothing printed.

use zeroize::Zeroizing;

use crate::config::Config;
use crate::csr::{self, ParsedCsr};
use crate::error::{Error, Result};
use crate::formats::{Op, Shape};
use crate::keys::{Passphrase, PrivateKey};
use crate::keystore::{self, NewRecord, RecordMeta, Store};
use crate::request::{self, Request, RequestInput};

/// Picks the record name: given, from the request, or derived from the CN.
pub fn record_name(given: Option<&str>, input: &RequestInput, req: &Request) -> Result<String> {
    if let Some(n) = given.or(input.name.as_deref()) {
        request::validate_new_name(n)?;
        return Ok(n.to_string());
    }
    req.subject
        .common_name()
        .and_then(request::name_from_cn)
        .ok_or_else(|| {
            let why = if req.subject.common_name().is_some() {
                "no record name given and none can be derived from the common name"
            } else {
                "no record name given and no common name to derive one from"
            };
            Error::invalid_as("NAME", why).with_remedy(crate::error::Remedy::GiveName)
        })
}

/// Key + CSR for a validated request, all in memory.
pub struct Minted {
    pub key: PrivateKey,
    pub csr: ParsedCsr,
}

pub fn mint(req: &Request, key: PrivateKey) -> Result<Minted> {
    let der = csr::build(req, &key)?;
    // Self-check: what we write must parse and verify.
    let parsed = csr::parse_verified(&der)?;
    Ok(Minted { key, csr: parsed })
}

/// Everything `generate` does for one validated request, up to the commit.
/// A new record, complete in memory, ready to commit.
pub struct Prepared {
    pub meta: RecordMeta,
    pub csr: ParsedCsr,
    pub csr_pem: String,
    pub key_pem: Zeroizing<String>,
}

impl Prepared {
    pub fn as_new(&self) -> NewRecord<'_> {
        NewRecord {
            meta: self.meta.clone(),
            csr_pem: &self.csr_pem,
            key_pem: &self.key_pem,
            cert: None,
        }
    }
}

/// Everything `generate` does for one validated request short of the
/// commit: key, CSR, encrypted key, metadata (no lock, no disk writes).
/// Whether the name is free is the caller's to check, cheaply before and
/// for certain at the commit.
pub fn prepare(name: String, req: Request, pass: Option<&Passphrase>) -> Result<Prepared> {
    let key = PrivateKey::generate(req.key)?;
    prepare_with_key(name, req, key, pass)
}

/// [`prepare`] for a key that already exists (made elsewhere): the CSR is
/// signed with it; `req.key` must be its spec.
pub fn prepare_with_key(
    name: String,
    req: Request,
    key: PrivateKey,
    pass: Option<&Passphrase>,
) -> Result<Prepared> {
    let Minted { key, csr } = mint(&req, key)?;
    let key_pem = key.to_pem(pass)?;
    drop(key);
    let now = keystore::now_rfc3339();
    let meta = RecordMeta {
        id: 0,
        name,
        description: req.description.clone(),
        created: now.clone(),
        modified: now,
        revision: 1,
        key: req.key,
        encrypted: pass.is_some(),
        request: req,
        spki_sha256: Some(csr.spki_sha256.clone()),
        certificate: None,
        live: None,
        acme: None,
    };
    let csr_pem = csr.pem();
    Ok(Prepared {
        meta,
        csr,
        csr_pem,
        key_pem,
    })
}

/// Prepares and commits one record.
pub fn generate_one(
    ks: &dyn Store,
    name: String,
    req: Request,
    pass: Option<&Passphrase>,
) -> Result<(RecordMeta, ParsedCsr)> {
    let prepared = prepare(name, req, pass)?;
    let meta = ks.create(prepared.as_new())?;
    Ok((meta, prepared.csr))
}

/// A new record from a request body's fields (a vendor's CSR call):
/// `config`'s defaults under `input`, validated into a request, refused
/// when `shape` cannot hold it (exit 2, before anything is made), named
/// `name` (the vendor's path id) or from the body or its CN, then key,
/// CSR and commit as `csrkit generate` does them (the key encrypted under
/// `pass` unless it is `None`). Errors: 2 for an invalid field (named as
/// the body names it), 4 for a taken name, 5 for a keystore lock held too
/// long.
pub fn create(
    ks: &dyn Store,
    config: &Config,
    shape: &dyn Shape,
    name: Option<&str>,
    input: RequestInput,
    pass: Option<&Passphrase>,
) -> Result<(RecordMeta, ParsedCsr)> {
    let (name, req) = validate(config, shape, name, input)?;
    if ks.exists(&name) {
        return Err(keystore::exists_error(&name));
    }
    generate_one(ks, name, req, pass)
}

/// The first half of [`create`]: the record name and the validated
/// request, nothing made or written (same errors, but for the taken name).
pub fn validate(
    config: &Config,
    shape: &dyn Shape,
    name: Option<&str>,
    input: RequestInput,
) -> Result<(String, Request)> {
    let input = config.under(input);
    let req = input.resolve(None, false)?;
    shape.accepts(Op::Generate, &req)?;
    let name = record_name(name, &input, &req)?;
    Ok((name, req))
}
