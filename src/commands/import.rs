//! `csrkit import`: a signed certificate comes back. The record is the one
//! whose key the certificate holds (by SPKI, or `--record`); the chain is
//! built from the file, `--ca-file`s and the system trust store, each link
//! checked; the leaf is compared with what the CSR asked for. Stored as
//! the record's next revision (`cert.pem`, `chain.pem`) by
//! [`crate::ops::import::attach`], which `serve` calls too.

use crate::field::Field;
use std::path::Path;

use super::common::{read_input, Ctx, Done};
use crate::cert::{bundle, chain};
use crate::cli;
use crate::error::{Error, Result};
use crate::formats::{self, CertView};
use crate::ops::attach::{self, Attach};
use crate::ops::import;

/// Largest certificate input read (a chain is a few KiB; a trust store
/// bundle about 200 KiB).
const MAX_BUNDLE: u64 = 4 << 20;

pub(super) fn import(ctx: &Ctx, a: &cli::ImportArgs) -> Result<Done> {
    if a.key.is_none() && a.pkcs12.is_none() {
        if let Some(flag) = [
            a.key_passphrase_file
                .as_ref()
                .map(|_| "--key-passphrase-file"),
            a.key_passphrase_env
                .as_ref()
                .map(|_| "--key-passphrase-env"),
        ]
        .into_iter()
        .flatten()
        .next()
        {
            return Err(Error::usage(format!(
                "{flag} is the passphrase of --key or --pkcs12; give one of them"
            )));
        }
    }
    if let Some(p12) = &a.pkcs12 {
        return adopt_pkcs12(ctx, a, p12);
    }
    // A vendor's import body (`--request`) carries the certificates, and
    // may name the record (QRadar `csr_id`).
    let (data, what, named) = match (&a.request, &a.file) {
        (Some(req), _) => {
            let body = read_input(req, MAX_BUNDLE, "--request")?;
            let b = formats::request::parse_import(&body)?;
            (
                b.certificates.into_bytes(),
                format!("the {} request body", b.vendor),
                b.record,
            )
        }
        (None, Some(file)) => {
            let what = if file == "-" {
                "stdin".to_string()
            } else {
                file.clone()
            };
            (read_input(file, MAX_BUNDLE, "FILE")?, what, None)
        }
        (None, None) => return Err(Error::usage("give the certificate FILE or --request FILE")),
    };
    let what = what.as_str();
    if let Some(key) = &a.key {
        return adopt(ctx, a, key, &data, what);
    }
    let certs = bundle::decode(&data, what).map_err(|e| csr_given(e, &data, what))?;
    let rec = match a.record.as_deref().or(named.as_deref()) {
        Some(target) => ctx.keystore.find(target)?,
        None => attach::find_leaf(ctx.keystore.as_ref(), &certs)?,
    };
    crate::faults::pause("import:found");
    let read = |p: &Path| read_input(&p.to_string_lossy(), MAX_BUNDLE, "--ca-file");
    let extra = chain::read_ca_files(&a.ca_file, read)?;
    let done = attach::attach(
        ctx.keystore.as_ref(),
        &rec,
        Attach {
            certs: &certs,
            extra,
            require_chain: a.require_chain,
            what,
            also_from: ", a --ca-file",
            chain_hint: "add the CA's intermediate and root with --ca-file FILE",
            acme: None,
            new_key_pem: None,
        },
    )?;
    let dir = ctx.keystore.record_path(&done.meta.name);
    let view = CertView {
        meta: &done.meta,
        dir: dir.as_deref(),
        unchanged: done.unchanged,
        leaf: &certs[done.leaf_at],
        chain: &done.chain,
    };
    Ok(Done {
        stdout: ctx.shape().certificate(&view, ctx.opts)?,
        notes: done.notes,
        ..Done::default()
    })
}

/// A CSR handed to `import` is named for what it is (a certificate is
/// what the CA sends back), instead of "no certificate found" or an ASN.1
/// error.
fn csr_given(e: Error, data: &[u8], what: &str) -> Error {
    let text = String::from_utf8_lossy(&data[..data.len().min(1 << 16)]);
    let is_csr = text.contains("CERTIFICATE REQUEST-----")
        || crate::csr::decode_input(data)
            .ok()
            .is_some_and(|der| crate::csr::parse(&der).is_ok());
    if !is_csr {
        return e;
    }
    Error::invalid_as(
        "FILE",
        format!("{what} is a certificate signing request (a CSR), not a certificate"),
    )
    .with_hint("send the CSR to the CA (csrkit download NAME gives it) and import the certificate it returns")
}

/// `import FILE --key KEY`: a key made elsewhere and its certificate become
/// a new record ([`import::adopt`]), the key stored under the passphrase
/// options (asked at a terminal, as for generate).
fn adopt(ctx: &Ctx, a: &cli::ImportArgs, key: &Path, data: &[u8], what: &str) -> Result<Done> {
    let key_pem = zeroize::Zeroizing::new(read_input(&key.to_string_lossy(), 1 << 20, "--key")?);
    let key_pem = std::str::from_utf8(&key_pem)
        .map_err(|_| Error::invalid(Field::Key, "the key file is not PEM text"))?;
    let key_pass = key_secret(a)?
        .map(|(s, flag)| crate::keys::Passphrase::new(s).map_err(|e| e.with_field(flag)))
        .transpose()?;
    let store = super::common::new_key_passphrase(ctx, &super::common::pass_opts(&a.passphrase)?)?;
    let done = import::adopt(
        ctx.keystore.as_ref(),
        ctx.shape(),
        a.record.as_deref(),
        import::Brought {
            key_pem,
            key_pass: key_pass.as_ref(),
            certs: data,
            what,
        },
        store.as_ref(),
    )
    .map_err(|e| match e.label.as_deref() {
        Some("private_key") => e.with_field(Field::Key),
        _ => e,
    })?;
    adopted(ctx, done)
}

/// The secret of `--key` or `--pkcs12`: the first line of
/// `--key-passphrase-file`, or `--key-passphrase-env`'s variable, with the
/// flag that gave it.
fn key_secret(a: &cli::ImportArgs) -> Result<Option<(zeroize::Zeroizing<String>, Field)>> {
    if let Some(f) = &a.key_passphrase_file {
        let line = crate::keys::secret_first_line(f, Field::KeyPassphraseFile)?;
        return Ok(Some((line, Field::KeyPassphraseFile)));
    }
    if let Some(var) = &a.key_passphrase_env {
        let v = std::env::var(var).map_err(|_| {
            Error::invalid_as(
                "--key-passphrase-env",
                format!(
                    "the environment variable {} is not set",
                    crate::csr::term(var)
                ),
            )
        })?;
        return Ok(Some((zeroize::Zeroizing::new(v), Field::KeyPassphraseEnv)));
    }
    Ok(None)
}

/// `import --pkcs12 FILE`: the file's key, its certificate and chain
/// become a new record ([`import::adopt_pkcs12`]); its password from
/// `--key-passphrase-file`/`--key-passphrase-env` (none: the empty
/// password), the key stored under the passphrase options.
fn adopt_pkcs12(ctx: &Ctx, a: &cli::ImportArgs, p12: &Path) -> Result<Done> {
    let der = read_input(
        &p12.to_string_lossy(),
        crate::export::pkcs12_in::MAX_PFX,
        "--pkcs12",
    )?;
    let (password, pass_flag) = match key_secret(a)? {
        Some((s, flag)) => (s, flag),
        None => (
            zeroize::Zeroizing::new(String::new()),
            Field::KeyPassphraseFile,
        ),
    };
    let store = super::common::new_key_passphrase(ctx, &super::common::pass_opts(&a.passphrase)?)?;
    let what = p12.display().to_string();
    let done = import::adopt_pkcs12(
        ctx.keystore.as_ref(),
        ctx.shape(),
        a.record.as_deref(),
        import::BroughtPkcs12 {
            der: &der,
            password: &password,
            what: &what,
        },
        store.as_ref(),
    )
    .map_err(|e| match e.label.as_deref() {
        Some("file") => e.with_label("--pkcs12"),
        Some("password") => {
            let e = e.with_field(pass_flag);
            if a.key_passphrase_file.is_none() && a.key_passphrase_env.is_none() {
                e.with_hint("the file has a password: give it with --key-passphrase-file FILE or --key-passphrase-env VAR")
            } else {
                e
            }
        }
        _ => e,
    })?;
    adopted(ctx, done)
}

/// What `import --key`/`--pkcs12` prints: the new record's certificate, in
/// the asked shape, and its notes.
fn adopted(ctx: &Ctx, done: import::Attached) -> Result<Done> {
    let dir = ctx.keystore.record_path(&done.meta.name);
    let view = CertView {
        meta: &done.meta,
        dir: dir.as_deref(),
        unchanged: done.unchanged,
        leaf: &done.leaf,
        chain: &done.chain,
    };
    Ok(Done {
        stdout: ctx.shape().certificate(&view, ctx.opts)?,
        notes: done.notes,
        ..Done::default()
    })
}
