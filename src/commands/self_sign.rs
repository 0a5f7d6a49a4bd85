//! `csrkit self-sign`: a self-signed certificate on a record's key, with
//! exactly what its CSR asks for, stored like an imported one (NSX
//! `action=self_sign`, ArcGIS `generate`, XClarity `serverCertificate`).

use super::common::{pass_opts, record_csr, store_certificate, stored_key_passphrase, Ctx, Done};
use crate::cert::selfsign;
use crate::cli;
use crate::error::Result;
use crate::formats::CertView;
use crate::keys::PrivateKey;

pub(super) fn self_sign(ctx: &Ctx, a: &cli::SelfSignArgs) -> Result<Done> {
    let rec = ctx.keystore.find(&a.target)?;
    let csr = record_csr(&rec)?;
    let pass = stored_key_passphrase(ctx, &rec.meta, &pass_opts(&a.passphrase))?;
    let key = PrivateKey::from_pem(&ctx.keystore.read_key_pem(&rec)?, pass.as_ref())?;
    let cert = selfsign::self_sign(&csr.der, &key, rec.meta.request.digest, a.days)?;
    drop(key);
    let (meta, unchanged) = store_certificate(ctx, &rec, &cert, &[])?;
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
