//! `csrkit self-sign`: a self-signed certificate on a record's key, with
//! exactly what its CSR asks for, stored like an imported one (NSX
//! `action=self_sign`, ArcGIS `generate`, XClarity `serverCertificate`).
//! A certificate a CA issued is not replaced without `--force` (exit 4,
//! before the key is asked for); an earlier self-signed one is.

use super::common::{open_stored_key, pass_opts, record_csr, Ctx, Done};
use crate::cli;
use crate::error::{Error, Kind, Result};
use crate::field::Field;
use crate::formats::CertView;

pub(super) fn self_sign(ctx: &Ctx, a: &cli::SelfSignArgs) -> Result<Done> {
    let rec = ctx.keystore.find(&a.target)?;
    // A renewing record's live certificate counts: self-signing retires it.
    if let Some(cert) = rec.meta.deployed().filter(|c| !c.self_signed) {
        if !a.force {
            return Err(Error::new(
                Kind::Exists,
                format!(
                    "record {} holds a certificate issued by {}; self-sign would replace it",
                    rec.meta.name, cert.issuer
                ),
            )
            .with_field(Field::Force)
            .with_hint("give --force to replace it; the old one stays in history"));
        }
    }
    // The CSR is checked before the key is asked for.
    record_csr(&rec)?;
    let key = open_stored_key(ctx, &rec, &pass_opts(&a.passphrase)?)?;
    let crate::ops::self_sign::SelfSigned {
        meta,
        cert,
        unchanged,
    } = crate::ops::self_sign::self_sign(ctx.keystore.as_ref(), &rec, &key, a.days)?;
    drop(key);
    let dir = ctx.keystore.record_path(&meta.name);
    let view = CertView {
        meta: &meta,
        dir: dir.as_deref(),
        unchanged,
        leaf: &cert,
        chain: &[],
    };
    Ok(Done::out(ctx.shape().certificate(&view, ctx.opts)?))
}
