//! `csrkit history`: a record's revisions (oldest first, then the current
//! one) with what each keeps: its certificate, and whether it holds a copy
//! of a private key (history keeps one copy of each distinct key, under
//! the record's current protection; see SECURITY.md). `--prune` drops
//! every key the history keeps, as one commit (a new revision), so that
//! only the current key is left.

use super::common::{Ctx, Done};
use crate::cli::{self, FormatArg};
use crate::error::{Error, Result};
use crate::field::Field;
use crate::formats;
use crate::keystore::{self, CertFiles, HistoryKey, NewRecord, Revision};
use crate::prompt;

pub(super) fn history(ctx: &Ctx, a: &cli::HistoryArgs) -> Result<Done> {
    if !matches!(ctx.format, FormatArg::Text | FormatArg::Json) {
        return Err(Error::invalid(
            Field::Format,
            format!("history prints text or json, not {}", ctx.format.name()),
        )
        .with_hint("use --format text or --format json"));
    }
    let rec = ctx.keystore.find(&a.target)?;
    let full = ctx.keystore.read_full(&rec)?;
    if a.prune {
        return prune(ctx, a, &rec, &full);
    }
    let rows: Vec<Row> = full
        .history
        .iter()
        .map(|r| Row::of(r, false))
        .chain(std::iter::once(Row::of(&full.current, true)))
        .collect();
    Ok(Done::out(render(ctx, &rec.meta.name, &rows)?))
}

/// One revision as `history` shows it.
struct Row {
    revision: u32,
    modified: String,
    current: bool,
    key: bool,
    certificate: Option<String>,
}

impl Row {
    fn of(r: &Revision, current: bool) -> Row {
        Row {
            revision: r.meta.revision,
            modified: r.meta.modified.clone(),
            current,
            key: !r.key_pem.is_empty(),
            certificate: r
                .meta
                .certificate
                .as_ref()
                .map(|c| format!("serial {}, not after {}", c.serial, c.not_after)),
        }
    }
}

fn render(ctx: &Ctx, name: &str, rows: &[Row]) -> Result<Vec<u8>> {
    if ctx.format == FormatArg::Json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "revision": r.revision,
                    "modified": r.modified,
                    "current": r.current,
                    "key": r.key,
                    "certificate": r.certificate,
                })
            })
            .collect();
        return formats::to_json(
            &serde_json::json!({ "name": name, "revisions": v }),
            ctx.opts.pretty,
        );
    }
    let mut out = format!("Revisions of {}\n", crate::csr::term(name));
    for r in rows {
        let what = if r.current {
            "current"
        } else if r.key {
            "keeps a key"
        } else {
            "no key"
        };
        out.push_str(&format!(
            "  {:>4}  {}  {:<12} {}\n",
            r.revision,
            r.modified,
            what,
            r.certificate.as_deref().unwrap_or("no certificate")
        ));
    }
    Ok(out.into_bytes())
}

/// Drops every key history keeps: a new revision with the same files, and
/// each history revision's key removed in the same commit.
fn prune(
    ctx: &Ctx,
    a: &cli::HistoryArgs,
    rec: &keystore::Record,
    full: &keystore::FullRecord,
) -> Result<Done> {
    let keys: Vec<HistoryKey> = full
        .history
        .iter()
        .filter(|r| !r.key_pem.is_empty())
        .map(|r| (r.meta.revision, None))
        .collect();
    if keys.is_empty() {
        return Ok(Done {
            notes: vec![format!(
                "no old revision of {} keeps a key; nothing to prune",
                rec.meta.name
            )],
            ..Done::default()
        });
    }
    if !a.yes {
        if !ctx.interactive {
            return Err(Error::usage(format!(
                "pruning the history of {} needs --yes when csrkit cannot ask",
                rec.meta.name
            ))
            .with_hint(format!(
                "run: csrkit history {} --prune --yes",
                rec.meta.name
            )));
        }
        let q = format!(
            "Drop the private keys of {} old revision(s) of {}? Their certificates can no longer be exported with a key.",
            keys.len(),
            rec.meta.name
        );
        if !prompt::confirm(&q)? {
            return Ok(Done {
                notes: vec!["nothing pruned".into()],
                ..Done::default()
            });
        }
    }
    let cur = &full.current;
    let mut meta = cur.meta.clone();
    meta.modified = keystore::now_rfc3339();
    let meta = ctx.keystore.replace_with_history_keys(
        NewRecord {
            meta,
            csr_pem: &cur.csr_pem,
            key_pem: &cur.key_pem,
            cert: cur.cert_pem.as_deref().map(|cert_pem| CertFiles {
                cert_pem,
                chain_pem: cur.chain_pem.as_deref().unwrap_or(""),
            }),
        },
        Some(cur.meta.revision),
        &keys,
    )?;
    let revs: Vec<String> = keys.iter().map(|(r, _)| r.to_string()).collect();
    let text = format!(
        "Pruned the history of {} (id {}, now revision {}): dropped the keys of revision(s) {}\n",
        crate::csr::term(&meta.name),
        meta.id,
        meta.revision,
        revs.join(", ")
    );
    let stdout = match ctx.format {
        FormatArg::Json => formats::to_json(
            &serde_json::json!({
                "name": meta.name,
                "id": meta.id,
                "revision": meta.revision,
                "pruned": keys.iter().map(|(r, _)| *r).collect::<Vec<_>>(),
            }),
            ctx.opts.pretty,
        )?,
        _ => text.into_bytes(),
    };
    Ok(Done::out(stdout))
}
