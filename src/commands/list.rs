//! `csrkit list`: every record's summary. In csrkit's own shapes the rows
//! are printed page by page as the keystore hands them over
//! ([`crate::formats::list`]); vendor shapes render the whole list.

use super::common::{Ctx, Done};
use super::Report;
use crate::error::Result;
use crate::keystore::Listed;

/// Rows per page when the keystore streams its rows. The first page sets
/// the text table's column widths; it is small, so that the first rows
/// show at once.
const FIRST_PAGE: usize = 100;
const PAGE: usize = 1000;

pub(super) fn list(ctx: &Ctx, report: &mut dyn Report) -> Result<Done> {
    let Some(mut stream) = ctx.shape().list_stream(ctx.opts) else {
        let records = ctx.keystore.list()?;
        let stdout = ctx.shape().list(&records, ctx.opts)?;
        return Ok(Done {
            stdout,
            notes: empty_note(ctx, records.is_empty()),
            leftovers: Some(Box::new(records)),
            ..Done::default()
        });
    };
    // A backend that reads every row at once renders them as one page.
    let streams = ctx.keystore.streams_list();
    let mut page = if streams { FIRST_PAGE } else { usize::MAX };
    let mut rows: Vec<Listed> = Vec::new();
    let mut count = 0usize;
    // Once stdout is a closed pipe (`csrkit list | head`), the listing
    // stops: the keystore's readers end at the error, which is no failure.
    let mut closed = false;
    let listed = ctx.keystore.list_each(&mut |row| {
        rows.push(row);
        count += 1;
        if rows.len() >= page {
            report.out(&stream.page(&rows)?);
            report.flush();
            rows.clear();
            page = PAGE;
            if report.closed() {
                closed = true;
                return Err(crate::error::Error::internal("stdout is closed"));
            }
        }
        Ok(())
    });
    if closed {
        return Ok(Done::default());
    }
    listed?;
    if !rows.is_empty() {
        report.out(&stream.page(&rows)?);
    }
    report.out(&stream.finish()?);
    Ok(Done {
        notes: empty_note(ctx, count == 0),
        leftovers: Some(Box::new(rows)),
        ..Done::default()
    })
}

/// Warnings for the records the listing skipped (unreadable), then the
/// note for an empty keystore.
fn empty_note(ctx: &Ctx, empty: bool) -> Vec<String> {
    let mut notes: Vec<String> = ctx
        .keystore
        .skipped()
        .into_iter()
        .map(super::edge::warning)
        .collect();
    if empty {
        notes.push(format!(
            "the keystore {} has no records",
            ctx.keystore.location()
        ));
    }
    notes
}
