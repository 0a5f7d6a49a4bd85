//! Account-level operations on a stored account (RFC 8555 §7.6
//! revocation): the account must already be stored; none is created.

use instant_acme::RevocationRequest;
use rustls::pki_types::CertificateDer;

pub use instant_acme::RevocationReason;

use super::account::{self, AccountKeyPassphrase};
use super::{problem, OrderSettings};
use crate::error::{Error, Kind, Result};
use crate::keystore::Store;

/// Revokes the certificate `cert_der` with the stored account of
/// `settings` (which must have ordered it, or be authorized for all its
/// names). Errors: exit 3 when no account is stored, 11 when the CA
/// refuses (`alreadyRevoked`, `unauthorized`), 13 when it cannot be
/// reached in time. Nothing is written.
pub fn revoke(
    store: &dyn Store,
    settings: &OrderSettings,
    pass: &AccountKeyPassphrase,
    cert_der: &[u8],
    reason: Option<RevocationReason>,
) -> Result<()> {
    if account::stored(store, &settings.directory, &settings.account)?.is_none() {
        return Err(Error::new(
            Kind::NotFound,
            format!(
                "no ACME account {} is stored for {}",
                settings.account, settings.directory
            ),
        ));
    }
    let dir = settings.directory.as_str();
    let rt = super::runtime()?;
    rt.block_on(async {
        let work = async {
            let (acct, _, _) = account::open(store, settings, pass).await?;
            let cert = CertificateDer::from(cert_der.to_vec());
            acct.revoke(&RevocationRequest {
                certificate: &cert,
                reason,
            })
            .await
            .map_err(|e| problem::from_acme(e, "revoking the certificate", dir))
        };
        tokio::time::timeout(settings.timeout, work)
            .await
            .map_err(|_| {
                Error::new(
                    Kind::CaUnreachable,
                    format!("revoking at {dir} did not finish in time"),
                )
            })?
    })
}
