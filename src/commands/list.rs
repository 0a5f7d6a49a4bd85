//! `csrkit list`: every record's summary.

use super::common::{Ctx, Done};
use crate::error::Result;

pub(super) fn list(ctx: &Ctx) -> Result<Done> {
    let records = ctx.keystore.list()?;
    let stdout = ctx.shape().list(&records, ctx.opts)?;
    Ok(Done {
        stdout,
        leftovers: Some(Box::new(records)),
        ..Done::default()
    })
}
