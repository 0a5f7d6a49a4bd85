//! `csrkit delete`: remove a record with its key and history, after asking
//! (or `--yes`).

use super::common::{Ctx, Done};
use crate::cli;
use crate::error::{Error, Kind, Result};
use crate::prompt;

pub(super) fn delete(ctx: &Ctx, a: &cli::DeleteArgs) -> Result<Done> {
    let rec = match ctx.keystore.find(&a.target) {
        Ok(rec) => rec,
        // A record that cannot be read (corrupt record.json, a symbolic
        // link, a stray directory) is still deleted by name.
        Err(e) if e.kind != Kind::NotFound && crate::request::validate_name(&a.target).is_ok() => {
            return delete_damaged(ctx, a, e)
        }
        Err(e) => return Err(e),
    };
    if !a.yes {
        if !ctx.interactive {
            return Err(Error::usage(format!(
                "deleting {} needs --yes when csrkit cannot ask",
                rec.meta.name
            ))
            .with_hint(format!("run: csrkit delete {} --yes", rec.meta.name)));
        }
        let q = format!(
            "Delete record {} (id {}) with its private key and history?",
            rec.meta.name, rec.meta.id
        );
        if !prompt::confirm(&q)? {
            return Ok(Done {
                notes: vec!["nothing deleted".into()],
                ..Done::default()
            });
        }
    }
    ctx.keystore.delete(&rec)?;
    Ok(Done::out(ctx.shape().delete(&rec.meta, ctx.opts)?))
}

/// `delete` of a record `find` refused: asked like any other (or
/// `--yes`), then whatever holds the name is removed and named.
fn delete_damaged(ctx: &Ctx, a: &cli::DeleteArgs, why: Error) -> Result<Done> {
    let name = &a.target;
    if !a.yes {
        if !ctx.interactive {
            return Err(Error::usage(format!(
                "record {name} cannot be read ({}); deleting it needs --yes when csrkit cannot ask",
                why.message
            ))
            .with_hint(format!("run: csrkit delete {name} --yes")));
        }
        let q = format!(
            "Record {name} cannot be read ({}). Delete it with its private key and history?",
            why.message
        );
        if !prompt::confirm(&q)? {
            return Ok(Done {
                notes: vec!["nothing deleted".into()],
                ..Done::default()
            });
        }
    }
    let what = ctx.keystore.delete_damaged(name)?;
    Ok(Done {
        notes: vec![format!(
            "record {name} could not be read ({}); removed {what}",
            why.message
        )],
        ..Done::default()
    })
}
