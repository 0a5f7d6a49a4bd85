//! `csrkit regenerate`: a new CSR (and, with `--new-key`, a new key) for an
//! existing record, as its next revision.

use super::common::{
    challenge_password, flags_input, layered_input, mint, new_key_passphrase, open_stored_key,
    open_stored_key_with, pass_opts, Ctx, Done, Minted,
};
use crate::cli;
use crate::error::{Error, Kind, Result};
use crate::formats::{Op, RecordView};
use crate::keys::PrivateKey;
use crate::keystore::{self, NewRecord, RecordMeta};
use crate::prompt;

pub(super) fn regenerate(ctx: &Ctx, a: &cli::RegenerateArgs) -> Result<Done> {
    let rec = ctx.keystore.find(&a.target)?;
    let flags = flags_input(&a.subject, &a.sans, &a.key, &a.ext);
    let input = layered_input(&a.request, flags)?;
    let mut req = input.resolve(Some(&rec.meta.request), !a.new_key)?;
    // A stored keyUsage list that named keyEncipherment for an RSA key does
    // not carry over to a new EC or Ed25519 key, which cannot encipher
    // keys (RFC 5480 §3, RFC 8410 §5); a list given now is the user's.
    let mut usage_note = None;
    if a.new_key
        && a.ext.key_usage.is_empty()
        && !matches!(req.key, crate::request::KeySpec::Rsa { .. })
    {
        if let Some(ku) = req.key_usage.as_mut() {
            let before = ku.len();
            ku.retain(|k| {
                !matches!(
                    k,
                    crate::request::KeyUsage::KeyEncipherment
                        | crate::request::KeyUsage::DataEncipherment
                )
            });
            if ku.len() != before {
                usage_note = Some(format!(
                    "keyUsage: keyEncipherment/dataEncipherment dropped: a {} key cannot encipher (RFC 5480 §3, RFC 8410 §5)",
                    req.key
                ));
            }
        }
    }
    ctx.shape().accepts(Op::Regenerate, &req)?;
    // Not kept in the record: asked for again by regenerate's own flags.
    req.challenge_password = challenge_password(ctx, &a.challenge)?;
    let dropped_challenge = req.challenge_password.is_none()
        && rec.parsed_csr().is_ok_and(|c| c.has_challenge_password());
    let popts = pass_opts(&a.passphrase)?;
    let (key_pem, encrypted, key) = if a.new_key {
        // The new key is encrypted under the passphrase given; when the
        // stored key is encrypted, that passphrase must open it first
        // (exit 6, keystore unchanged), so that a mistyped passphrase file
        // never locks the record's new key away. `--no-passphrase` asks
        // for an unencrypted new key and proves nothing.
        let pass = if rec.meta.encrypted && !popts.no_passphrase {
            open_stored_key_with(ctx, &rec, &popts)
                .map_err(|e| {
                    if !matches!(e.kind, Kind::Invalid | Kind::Passphrase) {
                        return e;
                    }
                    e.with_hint(format!(
                        "--new-key does not use the old key, but its passphrase is asked to protect the new one: the new key is stored under the same passphrase, checked against the old key so that a mistyped one cannot lock the record away; give --no-passphrase for an unencrypted new key ({})",
                        crate::usage::PASSPHRASE_SOURCES
                    ))
                })?
                .1
        } else {
            new_key_passphrase(ctx, &popts)?
        };
        let spinner = prompt::Spinner::start(ctx.quiet, &req.key);
        let key = PrivateKey::generate(req.key);
        drop(spinner);
        let key = key?;
        (key.to_pem(pass.as_ref())?, pass.is_some(), key)
    } else {
        let key = open_stored_key(ctx, &rec, &popts)?;
        let pem = ctx.keystore.read_key_pem(&rec)?;
        if key.spec() != rec.meta.key {
            return Err(Error::internal(format!(
                "record {}: key.pem holds a {} key but record.json says {}",
                rec.meta.name,
                key.spec(),
                rec.meta.key
            )));
        }
        (pem, rec.meta.encrypted, key)
    };
    crate::faults::pause("regenerate:minting");
    let Minted { key, csr } = mint(&req, key)?;
    drop(key);
    let meta = RecordMeta {
        id: rec.meta.id,
        name: rec.meta.name.clone(),
        description: req.description.clone(),
        created: rec.meta.created.clone(),
        modified: keystore::now_rfc3339(),
        revision: rec.meta.revision + 1,
        key: req.key,
        encrypted,
        request: req,
        spki_sha256: Some(csr.spki_sha256.clone()),
        // A new CSR is pending: this revision's certificate goes to
        // history and stays deployed until the new one is imported (the
        // keystore settles `live` again under its lock).
        certificate: None,
        live: rec.meta.live_after_new_csr(),
        // How the certificate was ordered stays: `renew` orders again.
        acme: rec.meta.acme.clone(),
    };
    let csr_pem = csr.pem();
    let meta = ctx.keystore.replace(NewRecord {
        meta,
        csr_pem: &csr_pem,
        key_pem: &key_pem,
        cert: None,
    })?;
    let dir = ctx.keystore.record_path(&meta.name);
    let view = RecordView {
        meta: &meta,
        csr: &csr,
        dir: dir.as_deref(),
    };
    let mut notes = input.notes;
    notes.extend(usage_note);
    if dropped_challenge {
        notes.push(
            "the previous CSR had a challengePassword, which records do not keep; this one has none \
             (give --challenge-password-file, --challenge-password-env or --challenge-password-prompt)"
                .into(),
        );
    }
    if let Some(l) = &meta.live {
        notes.push(format!(
            "the live certificate (revision {}, not after {}) stays in use by show, list, expiring and export until this CSR's certificate is imported",
            l.revision, l.certificate.not_after
        ));
    }
    notes.extend(super::lint::advice(ctx.format, &csr.der));
    Ok(Done {
        notes,
        ..Done::out(ctx.shape().regenerate(&view, ctx.opts)?)
    })
}
