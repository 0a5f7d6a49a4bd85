//! `csrkit renew`: renews the ACME-issued records that are due, with the
//! settings `order` stored in each (SPEC §13). Cron-safe with no flags:
//! nothing due is exit 0 and no network traffic beyond the renewal
//! information checks whose `Retry-After` has passed (when is due:
//! `crate::ops::renew_due`). Each record is reported
//! (renewed / skipped and why / failed with its exit code); the exit code
//! is the worst one. The record keeps its key and CSR unless `--new-key`,
//! which mints a new key and CSR of the record's key type in memory,
//! orders with that CSR and stores key, CSR and certificate as one
//! revision: a failed order leaves the record, and its live certificate,
//! as they were. `--format <vendor>` prints each renewed record's import
//! body (what `export --format <vendor>` prints) on stdout for a deploy
//! step, and the report on stderr.

use crate::field::Field;
use std::sync::Arc;
use std::time::Duration;
use zeroize::Zeroizing;

use super::common::{mint, open_stored_key, open_stored_key_with, pass_opts, Ctx, Done, Minted};
use super::expiring::parse_window;
use super::order::{challenge_from_origin, deploy, order_record};
use crate::acme::renewal::{Reason, RenewalState};
use crate::acme::OrderSettings;
use crate::cert;
use crate::cli::{self, FormatArg};
use crate::error::{Error, Kind, Result};
use crate::keys::{PassphraseOptions, PrivateKey};
use crate::keystore::{HeldFiles, Location, Record};

/// One record's outcome.
struct Row {
    name: String,
    due: Option<Reason>,
    action: &'static str,
    detail: String,
    not_after: Option<String>,
    serial: Option<String>,
    exit_code: i32,
    /// The CA's renewal window the decision rests on (RFC 9773), for
    /// `--format json`'s `ari`.
    ari: Option<serde_json::Value>,
    /// What the CA did with the renewal order's `replaces` (RFC 9773 §5).
    replaces: Option<&'static str>,
    /// Shown in text output (renewed, due, failed, or named on the
    /// command line): cron mails whatever is printed, so what renew left
    /// alone stays quiet there.
    named: bool,
}

pub(super) fn renew(ctx: &Ctx, a: &cli::RenewArgs) -> Result<Done> {
    let vendor = match ctx.format {
        FormatArg::Text | FormatArg::Json => false,
        FormatArg::Vendor(v) => {
            if super::export::binary(ctx.format) && a.targets.len() != 1 {
                return Err(Error::invalid(
                    Field::Format,
                    format!(
                        "the {} body is one binary file: renew prints it for one record at a time",
                        v.name()
                    ),
                )
                .with_hint("name the record: csrkit renew NAME --format arcgis > NAME.pfx"));
            }
            // The body leaves with the key for some vendors: its export
            // passphrase is settled before any network traffic.
            if ctx.shape().export_key() == crate::formats::KeyUse::Always {
                super::export::export_passphrase_given(ctx, &a.key_out)?;
            }
            true
        }
        _ => {
            return Err(Error::invalid(
                Field::Format,
                "renew prints text, json or a vendor's import body; export gives pem, der, pkcs7 or pkcs12",
            )
            .with_hint("after renew: csrkit export NAME --format <format>"))
        }
    };
    let within = a
        .within
        .as_deref()
        .map(|w| parse_window(w).map_err(|e| e.with_field(Field::Within)))
        .transpose()?;
    let opts = pass_opts(&a.passphrase)?;
    let now = cert::now();
    let mut rows = Vec::new();
    let records = candidates(ctx, &a.targets, &mut rows)?;
    let mut worst: Option<Error> = None;
    let mut bodies: Vec<u8> = Vec::new();
    let mut due_count = 0;
    let mut acme_count = 0;
    let mut decider = crate::ops::renew_due::Decider::new(
        Duration::from_secs(a.timeout.clamp(1, 30)),
        within,
        a.force,
    );
    for (rec, explicit) in records {
        let Some(rec) = rec else {
            continue;
        };
        // A record named on the command line that renew cannot renew is a
        // failure (exit 2), not a quiet skip: the user asked for it.
        let unrenewable = |why: &str| {
            Error::new(Kind::Invalid, format!("record {} {why}", rec.meta.name)).with_hint(format!(
                "order it first: csrkit order {} --acme URL",
                rec.meta.name
            ))
        };
        let Some(origin) = rec.meta.acme.clone() else {
            let why = "was not ordered over ACME: there is nothing to renew";
            if explicit {
                let e = unrenewable(why);
                rows.push(failed(&rec, None, &e));
                keep_worst(&mut worst, e);
            } else {
                let mut row = skipped(&rec, "its certificate was not ordered over ACME");
                row.named = false;
                rows.push(row);
            }
            continue;
        };
        let Some(c) = rec.meta.certificate.as_ref() else {
            let e = unrenewable("has no certificate yet (its CSR is pending)");
            rows.push(failed(&rec, None, &e));
            keep_worst(&mut worst, e);
            continue;
        };
        // A vendor that cannot hold the record (QRadar: RSA keys only) is
        // refused whether or not it is due, so that the cron job says so
        // long before the day it would matter, and never after an order.
        if vendor {
            if let Err(e) = ctx.shape().export_accepts(&rec.meta) {
                rows.push(failed(&rec, None, &e));
                keep_worst(&mut worst, e);
                continue;
            }
        }
        let due = decider.decide(ctx.keystore.as_ref(), &rec, &origin, c, now);
        let ari = ari_json(due.state.as_ref());
        let mut note = due
            .note
            .clone()
            .map(|n| format!("; {n}"))
            .unwrap_or_default();
        let Some(reason) = due.reason else {
            if due.checked {
                note += &save_state(ctx, &rec, due.state.as_ref());
            }
            let mut row = skipped(&rec, &format!("not due until {}{note}", until(&due)));
            row.not_after = Some(c.not_after.clone());
            row.named = explicit;
            row.ari = ari;
            acme_count += 1;
            rows.push(row);
            continue;
        };
        due_count += 1;
        if a.dry_run {
            if due.checked {
                note += &save_state(ctx, &rec, due.state.as_ref());
            }
            rows.push(Row {
                name: rec.meta.name.clone(),
                due: Some(reason),
                action: "due",
                detail: format!("due ({}){}{note}", reason.name(), window_text(&due)),
                not_after: Some(c.not_after.clone()),
                serial: Some(c.serial.clone()),
                exit_code: 0,
                ari,
                replaces: None,
                named: true,
            });
            continue;
        }
        let settings = OrderSettings {
            directory: origin.directory.clone(),
            account: origin.account.clone(),
            contact: Vec::new(),
            ca_file: origin.ca_file.clone(),
            challenge: challenge_from_origin(&origin.challenge)?,
            profile: origin.profile.clone(),
            preferred_chain: origin.preferred_chain.clone(),
            eab: None,
            timeout: Duration::from_secs(a.timeout.max(1)),
            poll_delay: crate::acme::POLL_DELAY,
            hook_env_remove: opts.env.iter().cloned().collect(),
            replaces: decider.replaces(&rec, &origin, c, &due),
        };
        // A body that carries the key needs the record's key to open: that
        // is checked before the order, so that a certificate is never
        // stored without the body the deploy step waits for (`--new-key`
        // opens it below, and its new key takes the same passphrase).
        if vendor && !a.new_key && ctx.shape().export_key() == crate::formats::KeyUse::Always {
            if let Err(e) = open_stored_key(ctx, &rec, &opts) {
                rows.push(failed(&rec, Some(reason), &e));
                keep_worst(&mut worst, e);
                continue;
            }
        }
        let rekeyed = if a.new_key {
            Some(rekeyed(ctx, &rec, &opts))
        } else {
            None
        }
        .transpose();
        let dropped_challenge = matches!(&rekeyed, Ok(Some(r)) if r.dropped_challenge);
        let result = rekeyed
            .and_then(|new| {
                let (target, key_pem) = match &new {
                    Some(n) => (&n.record, Some(n.key_pem.as_str())),
                    None => (&rec, None),
                };
                order_record(
                    ctx,
                    target,
                    &settings,
                    &opts,
                    false,
                    origin.deploy_hook.clone(),
                    key_pem,
                )
            })
            .and_then(|(at, o)| deploy(ctx, &at, &opts, settings.timeout).map(|()| (at, o)));
        match result {
            Ok((at, o)) => {
                let c = at.meta.certificate.as_ref();
                if let Some(s) = c.and_then(|c| {
                    decider.after_renewal(&rec, &origin, c, &o.chain_pem, cert::now())
                }) {
                    note += &save_state(ctx, &rec, Some(&s));
                }
                let replaces = o.replaces.map(crate::acme::Replaces::name);
                let replaced = match o.replaces {
                    Some(crate::acme::Replaces::Accepted) => {
                        "; the order replaces the old certificate"
                    }
                    Some(crate::acme::Replaces::Ignored) => "; the CA ignored the order's replaces",
                    Some(crate::acme::Replaces::Refused) => {
                        "; the CA refused the order's replaces, so it was ordered without"
                    }
                    None => "",
                };
                if vendor {
                    if let Err(e) = vendor_body(ctx, a, &at.meta.id.to_string(), &mut bodies) {
                        let e = Error {
                            message: format!(
                                "record {}: the certificate is stored, but its {} body could not be made: {}",
                                rec.meta.name,
                                ctx.shape().name(),
                                e.message
                            ),
                            ..e
                        }
                        .with_hint(format!(
                            "csrkit export {} --format {} prints it",
                            rec.meta.name,
                            ctx.shape().name()
                        ));
                        keep_worst(&mut worst, e);
                    }
                }
                rows.push(Row {
                    name: rec.meta.name.clone(),
                    due: Some(reason),
                    action: "renewed",
                    detail: format!(
                        "renewed ({}){}{}{replaced}{note}",
                        reason.name(),
                        if a.new_key { " with a new key" } else { "" },
                        if dropped_challenge {
                            "; the previous CSR's challengePassword is not in the new one (records do not keep it)"
                        } else {
                            ""
                        }
                    ),
                    not_after: c.map(|c| c.not_after.clone()),
                    serial: c.map(|c| c.serial.clone()),
                    exit_code: 0,
                    ari,
                    replaces,
                    named: true,
                });
            }
            Err(e) => {
                let mut row = failed(&rec, Some(reason), &e);
                row.detail.push_str(&note);
                row.ari = ari;
                rows.push(row);
                keep_worst(&mut worst, e);
                // A signal abandoned the order: no further record is
                // started; the report is printed and the binary dies of it.
                if crate::acme::interrupted().is_some() {
                    break;
                }
            }
        }
    }
    let report = render(ctx, &rows, acme_count)?;
    let (stdout, notes) = if vendor {
        let text = String::from_utf8_lossy(&report).into_owned();
        (bodies, text.lines().map(String::from).collect())
    } else {
        (report, Vec::new())
    };
    let error = match worst {
        Some(mut e) => {
            let failed = rows.iter().filter(|r| r.action == "failed").count();
            if failed > 0 {
                e.message = format!(
                    "{failed} of {} records failed; the first worst: {}",
                    rows.iter()
                        .filter(|r| r.due.is_some() || r.action == "failed")
                        .count(),
                    e.message
                );
            }
            Some(e)
        }
        None if a.dry_run && due_count > 0 => Some(
            Error::new(
                Kind::Found,
                format!(
                    "{due_count} certificate{} due for renewal",
                    if due_count == 1 { "" } else { "s" }
                ),
            )
            .with_hint("run csrkit renew without --dry-run"),
        ),
        None => None,
    };
    Ok(Done {
        stdout,
        notes,
        error,
        ..Done::default()
    })
}

/// A record's next revision as `--new-key` orders it, in memory: a new key
/// of the record's key type under the record's protection (its
/// passphrase, checked against the stored key so that a mistyped one
/// cannot lock the record away; an unencrypted record stays unencrypted
/// whatever the passphrase options), and the CSR of the record's request
/// signed by it. Nothing is written here.
struct Rekeyed {
    record: Record,
    key_pem: Zeroizing<String>,
    /// The previous CSR had a challengePassword, which records do not
    /// keep: the new CSR has none.
    dropped_challenge: bool,
}

fn rekeyed(ctx: &Ctx, rec: &Record, opts: &PassphraseOptions) -> Result<Rekeyed> {
    // The new key keeps the record's protection, whatever the passphrase
    // options (which also open the ACME account's key) say.
    let pass = if rec.meta.encrypted {
        if opts.no_passphrase {
            return Err(Error::new(
                Kind::Passphrase,
                format!(
                    "record {}'s key is encrypted, and its new key is stored under the same passphrase, which {} cannot give",
                    rec.meta.name,
                    Field::NoPassphrase.mention()
                ),
            )
            .with_hint("give the record's passphrase (--passphrase-file FILE or --passphrase-env VAR)"));
        }
        let (_, pass) = open_stored_key_with(ctx, rec, opts).map_err(|e| {
            if e.kind != Kind::Passphrase {
                return e;
            }
            e.with_hint(format!(
                "one passphrase opens the ACME account's key and the record's: a record under another passphrase is rekeyed with csrkit regenerate {} --new-key, then csrkit renew {} --force",
                rec.meta.name, rec.meta.name
            ))
        })?;
        pass
    } else {
        None
    };
    let key = PrivateKey::generate(rec.meta.request.key)?;
    let key_pem = key.to_pem(pass.as_ref())?;
    let Minted { key, csr } = mint(&rec.meta.request, key)?;
    drop(key);
    let mut meta = rec.meta.clone();
    meta.key = rec.meta.request.key;
    meta.encrypted = pass.is_some();
    meta.spki_sha256 = Some(csr.spki_sha256.clone());
    let held = HeldFiles {
        csr_pem: csr.pem(),
        cert_pem: rec.cert_pem()?,
        chain_pem: rec.chain_pem()?,
    };
    let dropped_challenge = rec.parsed_csr().is_ok_and(|c| c.has_challenge_password());
    Ok(Rekeyed {
        record: Record {
            meta,
            at: Location::Held(Arc::new(held)),
        },
        key_pem,
        dropped_challenge,
    })
}

/// Appends the renewed record's import body in the vendor's shape (what
/// `export ID --format <vendor>` prints) to `bodies`.
fn vendor_body(ctx: &Ctx, a: &cli::RenewArgs, id: &str, bodies: &mut Vec<u8>) -> Result<()> {
    let args = cli::ExportArgs {
        target: id.to_string(),
        output: None,
        force: false,
        with_key: false,
        key_out: a.key_out.clone(),
        passphrase: a.passphrase.clone(),
    };
    let done = super::export::export(ctx, &args)?;
    bodies.extend_from_slice(&done.stdout);
    if !bodies.ends_with(b"\n") && !super::export::binary(ctx.format) {
        bodies.push(b'\n');
    }
    Ok(())
}

/// The records to consider: the named ones, or every record with a
/// certificate; a pending record (nothing to renew; its record.json is
/// not read) is reported as skipped in `rows`. `true` marks a record
/// named on the command line.
fn candidates(
    ctx: &Ctx,
    targets: &[String],
    rows: &mut Vec<Row>,
) -> Result<Vec<(Option<Record>, bool)>> {
    if !targets.is_empty() {
        // A record named twice (by name and by id) is renewed once.
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for t in targets {
            let r = ctx.keystore.find(t)?;
            if seen.insert(r.meta.id) {
                out.push((Some(r), true));
            }
        }
        return Ok(out);
    }
    let mut out = Vec::new();
    for l in ctx.keystore.list()? {
        if l.summary.not_after.is_some() {
            out.push((Some(l.record()?), false));
        } else {
            rows.push(Row {
                name: l.summary.name.clone(),
                due: None,
                action: "skipped",
                detail: "skipped: no certificate yet (pending)".to_string(),
                not_after: None,
                serial: None,
                exit_code: 0,
                ari: None,
                replaces: None,
                named: false,
            });
        }
    }
    Ok(out)
}

/// Keeps the error of the highest exit code (the first among equals).
fn keep_worst(worst: &mut Option<Error>, e: Error) {
    if worst.as_ref().is_none_or(|w| w.exit_code() < e.exit_code()) {
        *worst = Some(e);
    }
}

fn failed(rec: &Record, reason: Option<Reason>, e: &Error) -> Row {
    let c = rec.meta.certificate.as_ref();
    Row {
        name: rec.meta.name.clone(),
        due: reason,
        action: "failed",
        detail: format!(
            "failed (exit {}): {}",
            e.exit_code(),
            super::edge::for_cli(e.clone()).message
        ),
        not_after: c.map(|c| c.not_after.clone()),
        serial: c.map(|c| c.serial.clone()),
        exit_code: e.exit_code(),
        ari: None,
        replaces: None,
        named: true,
    }
}

fn skipped(rec: &Record, why: &str) -> Row {
    Row {
        name: rec.meta.name.clone(),
        due: None,
        action: "skipped",
        detail: format!("skipped: {why}"),
        not_after: rec.meta.certificate.as_ref().map(|c| c.not_after.clone()),
        serial: rec.meta.certificate.as_ref().map(|c| c.serial.clone()),
        exit_code: 0,
        ari: None,
        replaces: None,
        named: true,
    }
}

/// When a record not yet due becomes due, and by whose rule.
fn until(due: &crate::ops::renew_due::Due) -> String {
    format!("{}{}", cert::rfc3339(due.at), window_text(due))
}

/// ` (the CA's renewal window START to END)` when ARI decided.
fn window_text(due: &crate::ops::renew_due::Due) -> String {
    match due.state.as_ref().and_then(|s| s.window) {
        Some(w) => format!(
            " (a moment in the CA's renewal window {} to {})",
            cert::rfc3339(w.start),
            cert::rfc3339(w.end)
        ),
        None => String::new(),
    }
}

/// `renew --format json`'s `ari`: the CA's window, the moment chosen in
/// it and the next check (RFC 3339), or null.
fn ari_json(state: Option<&RenewalState>) -> Option<serde_json::Value> {
    let s = state?;
    let w = s.window?;
    Some(serde_json::json!({
        "start": cert::rfc3339(w.start),
        "end": cert::rfc3339(w.end),
        "moment": cert::rfc3339(w.moment),
        "next_check": cert::rfc3339(s.next_check),
        "explanation_url": s.explanation_url,
    }))
}

/// Stores a record's renewal state (a cache: a failure is only said).
fn save_state(ctx: &Ctx, rec: &Record, state: Option<&RenewalState>) -> String {
    let Some(s) = state else {
        return String::new();
    };
    match ctx
        .keystore
        .put_acme_renewal_state(&rec.meta.id.to_string(), &s.to_text())
    {
        Ok(()) => String::new(),
        Err(e) => format!("; the renewal state was not saved ({})", e.message),
    }
}

/// JSON: every row. Text: the rows that say something (renewed, due,
/// failed, or named on the command line), else one line of summary that
/// `--quiet` drops, so a cron job with nothing due prints nothing.
fn render(ctx: &Ctx, rows: &[Row], not_due: usize) -> Result<Vec<u8>> {
    if ctx.format == FormatArg::Json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "name": r.name,
                    "due": r.due.is_some(),
                    "reason": r.due.map(Reason::name),
                    "action": r.action,
                    "detail": r.detail,
                    "serial": r.serial,
                    "not_after": r.not_after,
                    "exit_code": r.exit_code,
                    "ari": r.ari,
                    "replaces": r.replaces,
                })
            })
            .collect();
        let mut out = if ctx.opts.pretty {
            serde_json::to_vec_pretty(&v)
        } else {
            serde_json::to_vec(&v)
        }
        .map_err(|e| Error::internal(e.to_string()))?;
        out.push(b'\n');
        return Ok(out);
    }
    let mut out = String::new();
    for r in rows.iter().filter(|r| r.named) {
        out.push_str(&format!(
            "{}: {}\n",
            crate::csr::term(&r.name),
            crate::csr::term(&r.detail)
        ));
    }
    if !rows.iter().any(|r| r.named) && !ctx.quiet {
        out.push_str(&match not_due {
            0 => "No ACME-issued certificates in the keystore.\n".to_string(),
            n => format!(
                "Nothing is due ({n} ACME-issued certificate{} checked).\n",
                if n == 1 { "" } else { "s" }
            ),
        });
    }
    Ok(out.into_bytes())
}
