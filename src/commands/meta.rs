//! `csrkit completions` and `csrkit man`: files generated from the
//! command-line definitions.

use super::common::Done;
use super::output::Output;
use crate::cli;
use crate::error::Result;

pub(super) fn completions(a: &cli::CompletionsArgs) -> Result<Done> {
    Ok(Done::out(crate::complete::registration(
        &a.shell.to_string(),
    )?))
}

pub(super) fn man(a: &cli::ManArgs) -> Result<Done> {
    // The directory is created if needed (0755: man pages are public);
    // each page follows `-o`'s rules (super::output): an existing page is
    // replaced only with --force, nothing is written through a link.
    std::fs::create_dir_all(&a.dir).map_err(|e| crate::error::io_at(&a.dir, e))?;
    let pages = crate::manpages::render()?;
    let paths: Vec<_> = pages.iter().map(|(name, _)| a.dir.join(name)).collect();
    let outputs: Vec<_> = paths
        .iter()
        .map(|p| Output {
            path: p,
            field: "DIR",
            force: a.force,
        })
        .collect();
    // Every page is checked before the first is written.
    for out in &outputs {
        out.check()?;
    }
    for (out, (_, data)) in outputs.iter().zip(&pages) {
        out.write(data, 0o644)?;
    }
    Ok(Done {
        notes: paths
            .iter()
            .map(|f| format!("wrote {}", f.display()))
            .collect(),
        ..Done::default()
    })
}
