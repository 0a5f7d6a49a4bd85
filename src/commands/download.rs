//! `csrkit download`: a stored CSR as PEM, DER or a vendor body, to stdout or
//! `-o FILE`. `-o` is written as `export` writes it ([`write_output`]): an
//! existing file is refused unless `--force` (exit 2), a missing directory
//! is exit 3, and the file is replaced atomically, never through a symlink.

use super::common::{check_output, record_csr, write_output, Ctx, Done};
use crate::cli::{self, FormatArg};
use crate::error::{Error, Result};
use crate::formats::RecordView;

pub(super) fn download(ctx: &Ctx, a: &cli::DownloadArgs) -> Result<Done> {
    let rec = ctx.keystore.find(&a.target)?;
    if let Some(path) = &a.output {
        check_output(path, a.force)?;
    }
    let parsed = record_csr(&rec)?;
    let view = RecordView {
        meta: &rec.meta,
        csr: &parsed,
        dir: rec.dir(),
    };
    let body = ctx.shape().download(&view, a.details, ctx.opts)?;
    match &a.output {
        Some(path) => {
            // A CSR is public: readable by all, unless it carries a
            // challengePassword (PKCS#9, in the clear in the request).
            let challenge = parsed.has_challenge_password();
            let mode = if challenge { 0o600 } else { 0o644 };
            write_output(path, &body, mode, a.force)?;
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
