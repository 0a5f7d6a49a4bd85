//! `csrkit show`: decode and verify a stored record's CSR (and its
//! certificate), or any CSR or certificate file (`--file`).

use super::common::{read_input, Ctx, Done};
use crate::cert::bundle;
use crate::cli;
use crate::csr;
use crate::error::{Error, Kind, Result};
use crate::formats::{self, Op};

pub(super) fn show(ctx: &Ctx, a: &cli::ShowArgs) -> Result<Done> {
    let (meta, parsed) = match (&a.file, &a.target) {
        (Some(path), _) => {
            let data = read_input(path, formats::request::MAX_REQUEST, "--file")?;
            let as_cert = bundle::holds_certificates(&data).then(|| bundle::decode(&data, path));
            let cert_err = match as_cert {
                Some(Ok(certs)) => {
                    return Ok(Done::out(ctx.shape().show_cert(
                        &certs[0],
                        &certs[1..],
                        ctx.opts,
                    )?))
                }
                Some(Err(e)) => Some(e),
                None => None,
            };
            // Not a certificate after all: say what it is not, both ways.
            let der = csr::decode_input(&data).map_err(|mut e| {
                if let Some(c) = cert_err {
                    e.message = format!("{}; read as a certificate: {}", e.message, c.message);
                }
                e
            })?;
            (None, csr::parse(&der)?)
        }
        (None, Some(target)) => {
            let rec = ctx.keystore.find(target)?;
            let parsed = rec.parsed_csr()?;
            (Some(rec.meta), parsed)
        }
        (None, None) => return Err(Error::usage("show needs NAME|ID or --file PATH")),
    };
    let error = (!parsed.verified).then(|| {
        Error::new(
            Kind::BadSignature,
            "the CSR's signature does not verify: it was altered or signed with another key",
        )
    });
    // A vendor shape answers a failure with its error body alone; csrkit's
    // own formats still show what the CSR says.
    if let Some(e) = &error {
        if ctx.shape().error(Op::Show, e, ctx.opts).is_some() {
            return Err(e.clone());
        }
    }
    let stdout = ctx.shape().show(meta.as_ref(), &parsed, ctx.opts)?;
    Ok(Done {
        stdout,
        error,
        ..Done::default()
    })
}
