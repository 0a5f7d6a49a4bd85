//! `csrkit keystore`: maintenance of a keystore as a whole. `migrate`
//! applies a PostgreSQL keystore's schema migrations (first use does it
//! too); `copy SRC DST` copies every record with its id and history from
//! one keystore to another, a directory or a PostgreSQL database either
//! way, each record in one commit (`Store::put_full`), so that a copy
//! stopped at any point is resumed by running it again.

use crate::field::Field;
use std::time::Duration;

use super::common::{Ctx, Done};
use crate::cli::KeystoreCommand;
use crate::error::{Error, Result};
use crate::keystore::{self, Put};

/// Whether the subcommand works on `--keystore` (copy names its own two).
pub(super) fn uses_keystore(k: &KeystoreCommand) -> bool {
    matches!(k, KeystoreCommand::Migrate)
}

pub(super) fn run(ctx: &Ctx, k: &KeystoreCommand, lock_timeout: Duration) -> Result<Done> {
    match k {
        KeystoreCommand::Migrate => {
            let (before, after) = ctx.keystore.migrate()?;
            let ks = ctx.keystore.location();
            let note = match (before, after) {
                (_, None) => format!("{ks} is a directory keystore: it has no schema to migrate"),
                (Some(b), Some(a)) if b == a => format!("{ks}: schema version {a}, up to date"),
                (Some(b), Some(a)) => format!("{ks}: schema version {b} -> {a}"),
                (None, Some(a)) => format!("{ks}: schema created at version {a}"),
            };
            let stdout = if ctx.format == crate::cli::FormatArg::Json {
                crate::formats::to_json(
                    &serde_json::json!({
                        "keystore": ks,
                        "schema_version_before": before,
                        "schema_version": after,
                    }),
                    ctx.opts.pretty,
                )?
            } else {
                Vec::new()
            };
            Ok(Done {
                stdout,
                notes: vec![note],
                ..Done::default()
            })
        }
        KeystoreCommand::Copy(a) => {
            let src = keystore::open(a.src.clone(), lock_timeout)?;
            let dst = keystore::open(a.dst.clone(), lock_timeout)?;
            if src.location() == dst.location() {
                return Err(Error::usage("SRC and DST are the same keystore"));
            }
            let mut done = Done::default();
            let (mut written, mut present) = (0, 0);
            let mut first_error: Option<Error> = None;
            for row in src.list()? {
                let result = row
                    .record()
                    .and_then(|rec| src.read_full(&rec))
                    .and_then(|full| dst.put_full(&full));
                match result {
                    Ok(Put::Written) => written += 1,
                    Ok(Put::Present) => present += 1,
                    Err(e) => {
                        done.errors.push(format!(
                            "{} (id {}): {}",
                            row.summary.name, row.summary.id, e.message
                        ));
                        first_error.get_or_insert(e);
                    }
                }
            }
            // ACME accounts (their keys as stored), after the records.
            let failed_records = done.errors.len();
            let mut accounts = 0;
            for (acct, key) in src.acme_accounts()? {
                let result = match dst.acme_account(&acct.directory, &acct.name) {
                    // Its key change is settled with the CA first.
                    _ if acct.pending_key => Err(Error::invalid(
                        Field::Acme,
                        "its key change is not settled yet; the next order with the account settles it with the CA",
                    )),
                    Ok(Some(_)) => Ok(()),
                    Ok(None) => dst.put_acme_account(&acct, &key).map(|()| accounts += 1),
                    Err(e) => Err(e),
                };
                if let Err(e) = result {
                    done.errors.push(format!(
                        "ACME account {} for {}: {}",
                        acct.name, acct.directory, e.message
                    ));
                    first_error.get_or_insert(e);
                }
            }
            if accounts > 0 {
                done.notes.push(format!(
                    "copied {accounts} ACME account{}",
                    if accounts == 1 { "" } else { "s" }
                ));
            }
            done.notes.push(format!(
                "copied {written} record{} from {} to {}{}",
                if written == 1 { "" } else { "s" },
                src.location(),
                dst.location(),
                if present > 0 {
                    format!(" ({present} already there)")
                } else {
                    String::new()
                }
            ));
            if let Some(e) = first_error {
                let plural =
                    |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
                let failed_accounts = done.errors.len() - failed_records;
                let failed = match (failed_records, failed_accounts) {
                    (r, 0) => plural(r, "record"),
                    (0, a) => plural(a, "ACME account"),
                    (r, a) => format!("{} and {}", plural(r, "record"), plural(a, "ACME account")),
                };
                done.error = Some(
                    Error::new(e.kind, format!("{failed} not copied"))
                    .with_hint(if e.kind == crate::error::Kind::Exists && failed_records == 0 {
                        "see the errors above: another csrkit stored these ACME accounts in DST \
                         meanwhile; run the same copy again to check them"
                    } else if e.kind == crate::error::Kind::Exists {
                        "see the errors above: DST holds other records with these ids or names; \
                         copy into an empty keystore, or delete them from DST first"
                    } else {
                        "see the errors above; run the same copy again to resume"
                    }),
                );
            }
            Ok(done)
        }
    }
}
