//! `csrkit acme account|rollover|deactivate`: the stored ACME account
//! (shown with no network traffic; the key is never shown), its key
//! changed at the CA (RFC 8555 §7.3.5), or the account deactivated there
//! (§7.3.6). The protocol side is `crate::acme::manage`.

use crate::field::Field;
use std::time::Duration;

use super::common::{pass_opts, Ctx, Done};
use crate::acme::{self, AccountKeyPassphrase, OrderSettings};
use crate::cli::{AcmeAccountArgs, AcmeCommand, AcmeKeyArgs, FormatArg};
use crate::error::{Error, Kind, Result};
use crate::keys::{self, PassphraseOptions};
use crate::keystore::AcmeAccount;
use crate::prompt;

pub(super) fn run(ctx: &Ctx, c: &AcmeCommand) -> Result<Done> {
    match c {
        AcmeCommand::Account(a) => show(ctx, a),
        AcmeCommand::Rollover(a) => {
            let (settings, pass) = manage_settings(ctx, a)?;
            let url =
                acme::manage::rollover(ctx.keystore.as_ref(), &settings, &pass).map_err(hint)?;
            let text = format!(
                "Changed the key of the ACME account {} ({url}) at {}\n",
                crate::csr::term(&settings.account),
                settings.directory
            );
            let json = serde_json::json!({
                "account": settings.account,
                "directory": settings.directory,
                "url": url,
                "key_changed": true,
            });
            out(ctx, text, &json)
        }
        AcmeCommand::Deactivate(a) => {
            let (settings, pass) = manage_settings(ctx, &a.key)?;
            if !a.yes {
                let what = format!(
                    "deactivating the ACME account {} at {}",
                    settings.account, settings.directory
                );
                if !ctx.interactive {
                    return Err(
                        Error::usage(format!("{what} needs --yes when csrkit cannot ask"))
                            .with_field(Field::Yes)
                            .with_hint("the CA will never accept the account again; add --yes"),
                    );
                }
                let q = format!("Deactivate the ACME account {} at {} for good (the CA never accepts it again)?", settings.account, settings.directory);
                if !prompt::confirm(&q)? {
                    return Ok(Done {
                        notes: vec!["nothing deactivated".into()],
                        ..Done::default()
                    });
                }
            }
            let acct =
                acme::manage::deactivate(ctx.keystore.as_ref(), &settings, &pass).map_err(hint)?;
            let text = format!(
                "Deactivated the ACME account {} ({}) at {}; the keystore keeps it marked as deactivated\n",
                crate::csr::term(&acct.name),
                crate::csr::term(&acct.url),
                acct.directory
            );
            let json = serde_json::to_value(&acct).map_err(|e| Error::internal(e.to_string()))?;
            out(ctx, text, &json)
        }
    }
}

fn out(ctx: &Ctx, text: String, json: &serde_json::Value) -> Result<Done> {
    Ok(Done::out(if ctx.format == FormatArg::Json {
        let mut v = serde_json::to_vec(json).map_err(|e| Error::internal(e.to_string()))?;
        v.push(b'\n');
        v
    } else {
        text.into_bytes()
    }))
}

/// Settings and the key's passphrase for an operation on a stored
/// account (exit 3 when there is none).
fn manage_settings(ctx: &Ctx, a: &AcmeKeyArgs) -> Result<(OrderSettings, AccountKeyPassphrase)> {
    let dir = acme::directory_url(&a.server.acme).map_err(|e| e.with_field(Field::Acme))?;
    let Some(acct) = acme::account::stored(ctx.keystore.as_ref(), &dir, &a.server.account)? else {
        return Err(no_account(&a.server.account, &dir));
    };
    let settings = OrderSettings::for_account(
        dir,
        a.server.account.clone(),
        a.server.acme_ca_file.clone(),
        Duration::from_secs(a.timeout.max(1)),
    );
    let pass = stored_account_passphrase(ctx, &acct, &pass_opts(&a.passphrase)?)?;
    Ok((settings, pass))
}

fn no_account(name: &str, dir: &str) -> Error {
    Error::new(
        Kind::NotFound,
        format!("no ACME account {name} is stored for {dir}"),
    )
    .with_hint("csrkit order NAME --acme URL --agree-tos creates it")
}

/// How a stored account's key is opened: plain as stored, else with the
/// passphrase from its sources (asked at a terminal).
pub(super) fn stored_account_passphrase(
    ctx: &Ctx,
    acct: &AcmeAccount,
    opts: &PassphraseOptions,
) -> Result<AccountKeyPassphrase> {
    if !acct.encrypted {
        return Ok(AccountKeyPassphrase::Plain);
    }
    match keys::passphrase_from_sources(opts)? {
        Some(p) => Ok(AccountKeyPassphrase::Given(p)),
        None if ctx.interactive => prompt::passphrase("Passphrase for the ACME account key", false)
            .map(AccountKeyPassphrase::Given),
        None => Err(Error::usage(
            "the ACME account's key is encrypted and no passphrase was given",
        )
        .with_field(Field::PassphraseFile)
        .with_hint(format!(
            "give its passphrase with {}",
            crate::usage::PASSPHRASE_SOURCES
        ))),
    }
}

/// Hints that name flags, for an account that cannot be used.
pub(super) fn hint(e: Error) -> Error {
    if e.field == Some(crate::field::Field::Account) && e.message.contains("deactivated") {
        return e.with_field(Field::Account).with_hint(
            "order with another account: --account NEW --agree-tos (csrkit acme account shows the old one)",
        );
    }
    e
}

fn show(ctx: &Ctx, a: &AcmeAccountArgs) -> Result<Done> {
    let dir = acme::directory_url(&a.acme).map_err(|e| e.with_field(Field::Acme))?;
    let Some(acct) = acme::account::stored(ctx.keystore.as_ref(), &dir, &a.account)? else {
        return Err(no_account(&a.account, &dir));
    };
    let t = |s: &str| crate::csr::term(s).into_owned();
    let text = format!(
        "Account:   {}\nDirectory: {}\nName:      {}\nURL:       {}\nContact:   {}\nCreated:   {}\nKey:       P-256, {}\n{}{}{}",
        t(&acct.name),
        t(&acct.directory),
        t(&acct.name),
        t(&acct.url),
        t(&acct.contact.join(", ")),
        acct.created,
        if acct.encrypted { "encrypted" } else { "not encrypted" },
        acct.eab_kid.as_ref().map(|k| format!("EAB key id: {}\n", t(k))).unwrap_or_default(),
        if acct.pending_key { "Key change: pending (settled with the CA at the next use)\n" } else { "" },
        acct.deactivated.as_ref().map(|d| format!("Deactivated: {d}\n")).unwrap_or_default(),
    );
    let json = serde_json::to_value(&acct).map_err(|e| Error::internal(e.to_string()))?;
    out(ctx, text, &json)
}
