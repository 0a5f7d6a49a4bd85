//! `csrkit delete`: remove a record with its key and history, after asking
//! (or `--yes`).

use super::common::{Ctx, Done};
use crate::cli;
use crate::error::{Error, Result};
use crate::prompt;

pub(super) fn delete(ctx: &Ctx, a: &cli::DeleteArgs) -> Result<Done> {
    let rec = ctx.keystore.find(&a.target)?;
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
