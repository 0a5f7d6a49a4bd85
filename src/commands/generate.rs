//! `csrkit generate`: one new record from the config file's defaults, a
//! request file, flags and prompts (`--batch` is in `batch`), or with
//! `--exist-ok` the record that already holds exactly this request.

use super::common::{
    challenge_password, flags_input, generate_one, layered_input, new_key_passphrase, pass_opts,
    record_csr, record_name, same_request, Ctx, Done,
};
use crate::cli::{self, FormatArg};
use crate::config;
use crate::error::{Error, Result};
use crate::field::Field;
use crate::formats::{Op, RecordView};
use crate::keystore;
use crate::prompt;

pub(super) fn generate(ctx: &Ctx, a: &cli::GenerateArgs) -> Result<Done> {
    let config = config::load()?;
    let flags = flags_input(&a.subject, &a.sans, &a.key, &a.ext);
    let mut input = layered_input(&a.request, flags)?;
    if ctx.interactive {
        match prompt::complete_request(input, &config.defaults, a.request.request.is_some())? {
            Some(answered) => input = answered,
            // Declining is not a failure (exit 0), as for delete.
            None => {
                return Ok(Done {
                    notes: vec!["cancelled at the prompt; nothing was written".into()],
                    ..Done::default()
                })
            }
        }
    }
    let input = config.under(input);
    let mut req = input
        .resolve(None, false)
        .map_err(|e| name_as_cn_hint(e, a))?;
    ctx.shape().accepts(Op::Generate, &req)?;
    let name = record_name(a.name.as_deref(), &input, &req)?;
    if ctx.keystore.exists(&name) {
        if a.exist_ok {
            req.challenge_password = challenge_password(ctx, &a.challenge)?;
            let popts = pass_opts(&a.passphrase)?;
            // Key protection asked for: encrypted unless --no-passphrase
            // (`None`: not said, either is the same request).
            let encrypted = if popts.no_passphrase {
                Some(false)
            } else if popts.file.is_some() || popts.env.is_some() {
                Some(true)
            } else {
                None
            };
            return existing(ctx, &name, &req, encrypted);
        }
        return Err(keystore::exists_error(&name));
    }
    req.challenge_password = challenge_password(ctx, &a.challenge)?;
    let pass = new_key_passphrase(ctx, &pass_opts(&a.passphrase)?)?;
    let spinner = prompt::Spinner::start(ctx.quiet, &req.key);
    let result = generate_one(ctx.keystore.as_ref(), name, req, pass.as_ref());
    drop(spinner);
    let (meta, csr) = result?;
    let dir = ctx.keystore.record_path(&meta.name);
    let view = RecordView {
        meta: &meta,
        csr: &csr,
        dir: dir.as_deref(),
    };
    let mut notes = input.notes;
    notes.extend(super::lint::advice(ctx.format, &csr.der));
    Ok(Done {
        notes,
        ..Done::out(ctx.shape().generate(&view, ctx.opts)?)
    })
}

/// `--exist-ok` on a taken name: the record, when it holds the same
/// request (see `same_request`), printed as `show` prints it in text and
/// as `generate` answers in every other shape; nothing is written. A
/// different request is exit 4, as without `--exist-ok`.
fn existing(
    ctx: &Ctx,
    name: &str,
    req: &crate::request::Request,
    encrypted: Option<bool>,
) -> Result<Done> {
    let rec = ctx.keystore.find(name)?;
    let csr = record_csr(&rec)?;
    // Beyond the stored request: what the CSR and key carry that the
    // request does not keep (the digest when defaulted, the
    // challengePassword, which is never stored outside the CSR) and how
    // the key is kept.
    let digest = |r: &crate::request::Request| r.key.check_digest(r.digest).ok().flatten();
    let stored_challenge = csr
        .attributes
        .iter()
        .find(|at| at.oid == "1.2.840.113549.1.9.7")
        .and_then(|at| at.secret.as_ref().map(|s| s.expose().to_string()))
        .map(zeroize::Zeroizing::new);
    let same = same_request(&rec.meta.request, req)
        && digest(&rec.meta.request) == digest(req)
        && stored_challenge.as_deref().map(String::as_str)
            == req.challenge_password.as_ref().map(|c| c.as_str())
        && encrypted.is_none_or(|e| e == rec.meta.encrypted);
    if !same {
        return Err(keystore::exists_error(name).with_hint(format!(
            "record {name} holds a different request (--exist-ok accepts only the same one); \
             compare with csrkit show {name}, or use csrkit regenerate {name}"
        )));
    }
    let stdout = if ctx.format == FormatArg::Text {
        ctx.shape().show(Some(&rec.meta), &csr, ctx.opts)?
    } else {
        let view = RecordView {
            meta: &rec.meta,
            csr: &csr,
            dir: rec.dir(),
        };
        ctx.shape().generate(&view, ctx.opts)?
    };
    Ok(Done {
        notes: vec![format!(
            "record {name} (id {}) already holds this request; nothing was written",
            rec.meta.id
        )],
        ..Done::out(stdout)
    })
}

/// `generate www.example.com` with nothing else: NAME is the record's
/// name, not its common name; say how to give the CN.
fn name_as_cn_hint(e: Error, a: &cli::GenerateArgs) -> Error {
    match a.name.as_deref() {
        Some(n) if e.field == Some(Field::CommonName) && n.contains('.') => e.with_hint(
            format!("NAME ({n}) names the record only; for the certificate's name give --cn {n} (and --dns {n})"),
        ),
        _ => e,
    }
}
