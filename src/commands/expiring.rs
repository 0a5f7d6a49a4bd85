//! `csrkit expiring`: the records whose certificate ends within a window
//! (expired ones included), for cron and CI like `openssl x509 -checkend`:
//! exit 10 when there are any, else 0.

use super::common::{Ctx, Done};
use crate::cert::{self, unix_of};
use crate::cli;
use crate::error::{Error, Kind, Result};
use crate::field::Field;

/// Parses a window: a number with `s`, `m`, `h`, `d` or `w` (a bare
/// number is days). Exit 2 naming `--within` otherwise.
pub(super) fn parse_window(s: &str) -> Result<i64> {
    let t = s.trim();
    let (num, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, "d"),
    };
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => 0,
    };
    match num.parse::<i64>() {
        Ok(n) if scale > 0 && n <= 100 * 365 => Ok(n * scale),
        _ => Err(Error::invalid(
            Field::Within,
            format!("'{}' is not a duration", s.escape_default()),
        )
        .with_hint("use a number and a unit: 30d, 12h, 2w (at most 100 years)")),
    }
}

pub(super) fn expiring(ctx: &Ctx, a: &cli::ExpiringArgs) -> Result<Done> {
    let window = parse_window(&a.within)?;
    let now = cert::now();
    let records = ctx.keystore.list()?;
    let rows: Vec<_> = records
        .iter()
        .filter(|r| {
            r.summary
                .not_after
                .as_deref()
                .and_then(unix_of)
                .is_some_and(|end| end <= now + window)
        })
        .collect();
    let stdout = ctx.shape().expiring(&rows, now, ctx.opts)?;
    let error = (!rows.is_empty()).then(|| {
        Error::new(
            Kind::Found,
            format!(
                "{} certificate{} expired or expiring within {}",
                rows.len(),
                if rows.len() == 1 { "" } else { "s" },
                a.within.trim()
            ),
        )
        .with_hint("renew: csrkit regenerate NAME, then import the new certificate")
    });
    let mut notes: Vec<String> = ctx
        .keystore
        .skipped()
        .into_iter()
        .map(super::edge::warning)
        .collect();
    if rows.is_empty() {
        notes.push(format!("no certificate expires within {}", a.within.trim()));
    }
    Ok(Done {
        stdout,
        error,
        notes,
        ..Done::default()
    })
}
