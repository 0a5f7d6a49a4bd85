//! Man pages from the clap definitions (clap_mangen): `csrkit.1` and
//! `csrkit-<subcommand>.1`.

use std::path::{Path, PathBuf};

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::{io_at, Result};

/// Renders every page: (file name, roff bytes).
pub fn render() -> Result<Vec<(String, Vec<u8>)>> {
    let cmd = Cli::command();
    let mut pages = Vec::new();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    pages.push(("csrkit.1".to_string(), buf));
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let name = format!("csrkit-{}", sub.get_name());
        let sub = sub
            .clone()
            .name(name.clone())
            .version(cmd.get_version().unwrap_or_default().to_string());
        let mut buf = Vec::new();
        clap_mangen::Man::new(sub).render(&mut buf)?;
        pages.push((format!("{name}.1"), buf));
    }
    Ok(pages)
}

/// Writes the pages into `dir` (created if needed).
pub fn write_all(dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| io_at(dir, e))?;
    let mut written = Vec::new();
    for (name, data) in render()? {
        let path = dir.join(name);
        std::fs::write(&path, data).map_err(|e| io_at(&path, e))?;
        written.push(path);
    }
    Ok(written)
}
