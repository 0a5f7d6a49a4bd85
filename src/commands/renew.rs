//! `csrkit renew`: renews the ACME-issued records that are due, with the
//! settings `order` stored in each (SPEC §13). Cron-safe with no flags:
//! nothing due is exit 0 and no network traffic beyond the renewal
//! information checks whose `Retry-After` has passed (when is due:
//! `crate::ops::renew_due`). Each record is reported
//! (renewed / skipped and why / failed with its exit code); the exit code
//! is the worst one. The record keeps its key and CSR.

use crate::field::Field;
use std::time::Duration;

use super::common::{pass_opts, Ctx, Done};
use super::expiring::parse_window;
use super::order::{challenge_from_origin, deploy, order_record};
use crate::acme::renewal::{Reason, RenewalState};
use crate::acme::OrderSettings;
use crate::cert;
use crate::cli::{self, FormatArg};
use crate::error::{Error, Kind, Result};
use crate::keystore::Record;

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
    if !matches!(ctx.format, FormatArg::Text | FormatArg::Json) {
        return Err(Error::invalid(
            Field::Format,
            "renew prints text or json; export gives a vendor's import body",
        )
        .with_hint("after renew: csrkit export NAME --format <vendor>"));
    }
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
        let Some(origin) = rec.meta.acme.clone() else {
            let mut row = skipped(
                &rec,
                "its certificate was not ordered over ACME (csrkit order NAME first)",
            );
            row.named = explicit;
            rows.push(row);
            continue;
        };
        let Some(c) = rec.meta.certificate.as_ref() else {
            rows.push(skipped(&rec, "no certificate yet (csrkit order NAME)"));
            continue;
        };
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
        let result = order_record(
            ctx,
            &rec,
            &settings,
            &opts,
            false,
            origin.deploy_hook.clone(),
        )
        .and_then(|(at, o)| deploy(ctx, &at, &opts).map(|()| (at, o)));
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
                rows.push(Row {
                    name: rec.meta.name.clone(),
                    due: Some(reason),
                    action: "renewed",
                    detail: format!("renewed ({}){replaced}{note}", reason.name()),
                    not_after: c.map(|c| c.not_after.clone()),
                    serial: c.map(|c| c.serial.clone()),
                    exit_code: 0,
                    ari,
                    replaces,
                    named: true,
                });
            }
            Err(e) => {
                rows.push(Row {
                    name: rec.meta.name.clone(),
                    due: Some(reason),
                    action: "failed",
                    detail: format!("failed (exit {}): {}{note}", e.exit_code(), e.message),
                    not_after: Some(c.not_after.clone()),
                    serial: Some(c.serial.clone()),
                    exit_code: e.exit_code(),
                    ari,
                    replaces: None,
                    named: true,
                });
                if worst.as_ref().is_none_or(|w| w.exit_code() < e.exit_code()) {
                    worst = Some(e);
                }
            }
        }
    }
    let stdout = render(ctx, &rows, acme_count)?;
    let error = match worst {
        Some(mut e) => {
            let failed = rows.iter().filter(|r| r.action == "failed").count();
            e.message = format!(
                "{failed} of {due_count} renewals failed; the first worst: {}",
                e.message
            );
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
        error,
        ..Done::default()
    })
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
        return targets
            .iter()
            .map(|t| ctx.keystore.find(t).map(|r| (Some(r), true)))
            .collect();
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
