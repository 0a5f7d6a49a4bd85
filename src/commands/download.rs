//! `csrkit download`: a stored CSR as PEM, DER or a vendor body, to stdout or
//! `-o FILE`.

use super::common::{record_csr, Ctx, Done};
use crate::cli::{self, FormatArg};
use crate::error::{Error, Result};
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
            keystore::atomic_write(path, &body, 0o644)?;
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
