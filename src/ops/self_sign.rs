//! Self-signing a record (`csrkit self-sign`, ArcGIS `generateCertificate`,
//! NSX `action=self_sign`): a certificate on the record's own key with
//! exactly what its stored CSR asks for ([`crate::cert::selfsign`]),
//! stored as its next revision like an imported one (the previous
//! certificate to history). The caller opens the key (a prompt, a
//! passphrase file, serve's key passphrase) and decides whether a CA's
//! certificate may be replaced.

use crate::cert::{selfsign, Cert};
use crate::error::Result;
use crate::keys::PrivateKey;
use crate::keystore::{Record, RecordMeta, Store};

/// What [`self_sign`] stored.
pub struct SelfSigned {
    /// The record's metadata after the commit.
    pub meta: RecordMeta,
    /// The certificate made.
    pub cert: Cert,
    /// The record already held exactly this certificate: nothing written.
    pub unchanged: bool,
}

/// Self-signs `rec` with `key` (the record's key, opened) for `days` days
/// from now and stores the certificate. Errors: exit 2 for a CSR that
/// cannot be signed as asked (its algorithm, `days` out of range), the
/// keystore's own (3 deleted meanwhile, 5 locked).
pub fn self_sign(
    store: &dyn Store,
    rec: &Record,
    key: &PrivateKey,
    days: u32,
) -> Result<SelfSigned> {
    let csr = rec.parsed_csr()?;
    let cert = selfsign::self_sign(&csr.der, key, rec.meta.request.digest, days)?;
    let (meta, unchanged) = super::attach::store_certificate(store, rec, &cert, &[], None)?;
    Ok(SelfSigned {
        meta,
        cert,
        unchanged,
    })
}
