//! `csrkit list`: every record's summary.

use super::common::{Ctx, Done};
use crate::error::Result;

pub(super) fn list(ctx: &Ctx) -> Result<Done> {
    let records = ctx.keystore.list()?;
    let stdout = ctx.shape().list(&records, ctx.opts)?;
    let mut notes = Vec::new();
    if records.is_empty() {
        notes.push(format!(
            "the keystore {} has no records",
            ctx.keystore.location()
        ));
    }
    Ok(Done {
        stdout,
        notes,
        leftovers: Some(Box::new(records)),
        ..Done::default()
    })
}
