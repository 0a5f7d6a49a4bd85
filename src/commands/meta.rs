//! `csrkit completions` and `csrkit man`: files generated from the
//! command-line definitions.

use super::common::Done;
use crate::cli;
use crate::error::Result;

pub(super) fn completions(a: &cli::CompletionsArgs) -> Result<Done> {
    Ok(Done::out(crate::complete::registration(
        &a.shell.to_string(),
    )?))
}

pub(super) fn man(a: &cli::ManArgs) -> Result<Done> {
    let files = crate::manpages::write_all(&a.dir)?;
    Ok(Done {
        notes: files
            .iter()
            .map(|f| format!("wrote {}", f.display()))
            .collect(),
        ..Done::default()
    })
}
