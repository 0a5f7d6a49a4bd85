//! `csrkit download`: a stored CSR as PEM, DER or a vendor body, to stdout or
//! `-o FILE`.

use std::path::Path;

use super::common::{record_csr, Ctx, Done};
use crate::cli::{self, FormatArg};
use crate::error::{Error, Kind, Result};
use crate::formats::RecordView;
use crate::keystore;

pub(super) fn download(ctx: &Ctx, a: &cli::DownloadArgs) -> Result<Done> {
    let rec = ctx.keystore.find(&a.target)?;
    let parsed = record_csr(&rec)?;
    let view = RecordView {
        meta: &rec.meta,
        csr: &parsed,
        dir: rec.dir(),
    };
    let body = ctx.shape().download(&view, a.details, ctx.opts)?;
    match &a.output {
        Some(path) => {
            check_output_dir(path)?;
            keystore::atomic_write(path, &body, 0o644).map_err(|e| output_error(path, e))?;
            Ok(Done {
                notes: vec![format!("wrote {}", path.display())],
                ..Done::default()
            })
        }
        None => {
            if ctx.format == FormatArg::Der && std::io::IsTerminal::is_terminal(&std::io::stdout())
            {
                return Err(Error::usage("refusing to write DER (binary) to a terminal")
                    .with_hint("use -o FILE or redirect stdout"));
            }
            Ok(Done::out(body))
        }
    }
}

/// The directory `-o FILE` writes into, which must exist: exit 3 naming
/// `-o` and the directory (not the temporary file csrkit writes first).
fn check_output_dir(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match std::fs::metadata(dir) {
        Ok(md) if md.is_dir() => Ok(()),
        Ok(_) => Err(Error::invalid(
            "--output",
            format!(
                "-o {}: {} is not a directory",
                path.display(),
                dir.display()
            ),
        )),
        Err(_) => Err(Error::new(
            Kind::NotFound,
            format!(
                "-o {}: the directory {} does not exist",
                path.display(),
                dir.display()
            ),
        )
        .with_field("--output")
        .with_hint("create the directory first, or give -o a path in an existing one")),
    }
}

/// A failed write to `-o FILE`, said about `-o` and its path rather than
/// the temporary file the write goes through.
fn output_error(path: &Path, e: Error) -> Error {
    let mut out = Error::new(
        e.kind,
        format!("-o {}: cannot write the file", path.display()),
    )
    .with_field("--output");
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    out.hint = Some(match e.hint {
        Some(h) if h.contains("free some space") => h,
        _ => format!(
            "check that {} is writable ({})",
            dir.display(),
            e.message.rsplit(": ").next().unwrap_or(&e.message)
        ),
    });
    out
}
