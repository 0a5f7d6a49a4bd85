//! `csrkit passwd`: a record's private key under a new passphrase (or an
//! unencrypted `--no-passphrase` key encrypted), committed as the record's
//! next revision through the keystore's replace: the CSR, the certificate
//! and the request stay as they are, history keeps the old key file, and a
//! crash leaves the old revision or the new one.

use super::common::{check_key_is, open_stored_key_with, Ctx, Done};
use crate::cli::{self, FormatArg};
use crate::error::Kind;
use crate::error::{Error, Result};
use crate::field::Field;
use crate::formats;
use crate::keys::{self, Passphrase, PassphraseOptions, PrivateKey};
use crate::keystore::{self, CertFiles, FullRecord, HistoryKey, NewRecord};
use crate::prompt;

pub(super) fn passwd(ctx: &Ctx, a: &cli::PasswdArgs) -> Result<Done> {
    if !matches!(ctx.format, FormatArg::Text | FormatArg::Json) {
        return Err(Error::invalid(
            Field::Format,
            format!("passwd prints text or json, not {}", ctx.format.name()),
        )
        .with_hint("use --format text or --format json"));
    }
    let rec = ctx.keystore.find(&a.target)?;
    // An option given wins over the environment's default file.
    let old = PassphraseOptions {
        file: a.passphrase_file.clone().or_else(|| {
            a.passphrase_env
                .is_none()
                .then(|| super::common::env_path("CSRKIT_PASSPHRASE_FILE"))
                .flatten()
        }),
        env: a.passphrase_env.clone(),
        no_passphrase: false,
    };
    let (key, old_pass) = open_stored_key_with(ctx, &rec, &old)?;
    let new = PassphraseOptions {
        file: a.new_passphrase_file.clone().or_else(|| {
            a.new_passphrase_env
                .is_none()
                .then(|| super::common::env_path("CSRKIT_NEW_PASSPHRASE_FILE"))
                .flatten()
        }),
        env: a.new_passphrase_env.clone(),
        no_passphrase: false,
    };
    let pass = match (&new.file, &new.env) {
        (None, None) if ctx.interactive => {
            prompt::passphrase(&format!("New passphrase for {}", rec.meta.name), true)?
        }
        (None, None) => {
            return Err(Error::usage(format!(
                "no new passphrase for the private key of {}",
                rec.meta.name
            ))
            .with_field(Field::NewPassphraseFile)
            .with_hint(
                "give it with --new-passphrase-file FILE (or CSRKIT_NEW_PASSPHRASE_FILE) or \
                 --new-passphrase-env VAR, or run passwd at a terminal",
            ))
        }
        _ => keys::passphrase_from_sources(&new)
            .map_err(rename_field)?
            .ok_or_else(|| Error::internal("no new passphrase"))?,
    };
    // No copy of the key may survive under the old protection: every key
    // history holds is re-encrypted under the new passphrase in the same
    // commit (or dropped when it is the current key again).
    let full = ctx.keystore.read_full(&rec)?;
    let history = rewrite_history_keys(&rec, &full, &key, old_pass.as_ref(), &pass)?;
    let key_pem = key.to_pem(Some(&pass))?;
    drop(key);
    let csr_pem = rec.csr_pem()?;
    let cert_pem = rec.cert_pem()?;
    let chain_pem = rec.chain_pem()?.unwrap_or_default();
    let mut meta = rec.meta.clone();
    meta.modified = keystore::now_rfc3339();
    meta.revision += 1;
    meta.encrypted = true;
    let meta = ctx.keystore.replace_with_history_keys(
        NewRecord {
            meta,
            csr_pem: &csr_pem,
            key_pem: &key_pem,
            cert: cert_pem.as_deref().map(|cert_pem| CertFiles {
                cert_pem,
                chain_pem: &chain_pem,
            }),
        },
        Some(full.current.meta.revision),
        &history,
    )?;
    let verb = if rec.meta.encrypted {
        "Changed the passphrase of"
    } else {
        "Encrypted the private key of"
    };
    let stdout = match ctx.format {
        FormatArg::Json => {
            let mut m = formats::json::meta_value(&meta);
            if let Some(d) = rec.dir() {
                m.insert("key_path".into(), serde_json::json!(d.join("key.pem")));
            }
            formats::to_json(&serde_json::Value::Object(m), ctx.opts.pretty)?
        }
        _ => format!(
            "{verb} record {} (id {}, revision {})\n  Key protection:   {}\n",
            meta.name,
            meta.id,
            meta.revision,
            formats::key_protection(true)
        )
        .into_bytes(),
    };
    Ok(Done::out(stdout))
}

/// The new passphrase's errors name the new-passphrase options.
fn rename_field(mut e: Error) -> Error {
    for (old, new) in [
        (Field::PassphraseFile, Field::NewPassphraseFile),
        (Field::PassphraseEnv, Field::NewPassphraseEnv),
    ] {
        if e.field == Some(old) {
            e = e.renamed(new);
        }
    }
    e
}

/// Every key the record's history holds, as the commit must leave it: the
/// current key's copies and repeated keys dropped (history keeps one copy
/// of each distinct key), the others re-encrypted under `new`. A history
/// key that the old passphrase does not open (an older one) is refused,
/// exit 6, with the way out: `csrkit history NAME --prune`.
fn rewrite_history_keys(
    rec: &keystore::Record,
    full: &FullRecord,
    current: &PrivateKey,
    old: Option<&Passphrase>,
    new: &Passphrase,
) -> Result<Vec<HistoryKey>> {
    let mut seen = vec![current.spki_sha256()?];
    let mut out = Vec::new();
    for h in &full.history {
        if h.key_pem.is_empty() {
            continue;
        }
        let key = PrivateKey::from_pem(&h.key_pem, old).map_err(|e| {
            Error::new(
                Kind::Passphrase,
                format!(
                    "the key kept for revision {} of {} does not open with the current \
                     passphrase ({}); passwd would leave it under its old one",
                    h.meta.revision, rec.meta.name, e.message
                ),
            )
            .with_hint(format!(
                "drop the old revisions' keys with `csrkit history {} --prune`, then run \
                 passwd again",
                rec.meta.name
            ))
        })?;
        // A history key must be that revision's: never a planted one
        // (the checks every opened key gets, against the revision's SPKI).
        let want: Vec<&str> = h.meta.spki_sha256.as_deref().into_iter().collect();
        let what = format!("{} (revision {})", rec.meta.name, h.meta.revision);
        check_key_is(&what, h.meta.encrypted, &want, &h.key_pem, &key, false).map_err(|e| {
            e.with_hint(format!(
                "someone who can write the keystore changed its history: drop the old keys \
                 with `csrkit history {} --prune --yes`, then run passwd again",
                rec.meta.name
            ))
        })?;
        let spki = key.spki_sha256()?;
        if seen.contains(&spki) {
            out.push((h.meta.revision, None));
        } else {
            out.push((h.meta.revision, Some(key.to_pem(Some(new))?)));
            seen.push(spki);
        }
    }
    Ok(out)
}
