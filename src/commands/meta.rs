//! `csrkit completions` and `csrkit man`: files generated from the
//! command-line definitions.

use super::common::Done;
use crate::cli::{self, Cli};
use crate::error::Result;

pub(super) fn completions(a: &cli::CompletionsArgs) -> Result<Done> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "csrkit", &mut buf);
    Ok(Done::out(buf))
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
