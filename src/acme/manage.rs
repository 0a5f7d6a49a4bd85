//! Account-level operations on a stored account: revocation (RFC 8555
//! §7.6), the key change (§7.3.5) and deactivation (§7.3.6). The account
//! must already be stored; none is created.

use instant_acme::RevocationRequest;
use rustls::pki_types::CertificateDer;

pub use instant_acme::RevocationReason;

use super::account::{self, AccountKeyPassphrase};
use super::jws::{Session, SigningKey};
use super::{problem, OrderSettings};
use crate::error::{Error, Kind, Result};
use crate::keystore::{self, AcmeAccount, Store};

/// The stored account of `settings` with its key PEM; exit 3 when none.
fn stored(
    store: &dyn Store,
    settings: &OrderSettings,
) -> Result<(AcmeAccount, zeroize::Zeroizing<String>)> {
    store
        .acme_account(&settings.directory, &settings.account)?
        .ok_or_else(|| {
            Error::new(
                Kind::NotFound,
                format!(
                    "no ACME account {} is stored for {}",
                    settings.account, settings.directory
                ),
            )
        })
}

/// Runs `work` on a fresh runtime within `settings.timeout` (exit 13
/// past it, `what` naming the step).
fn run<T>(
    settings: &OrderSettings,
    what: &str,
    work: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    let rt = super::runtime()?;
    rt.block_on(async {
        tokio::time::timeout(settings.timeout, work)
            .await
            .map_err(|_| {
                Error::new(
                    Kind::CaUnreachable,
                    format!("{what} at {} did not finish in time", settings.directory),
                )
            })?
    })
}

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
    stored(store, settings)?;
    let dir = settings.directory.as_str();
    run(settings, "revoking", async {
        let (acct, _, _) = account::open(store, settings, pass, None).await?;
        let cert = CertificateDer::from(cert_der.to_vec());
        problem::again_on_bad_nonce!(
            acct.revoke(&RevocationRequest {
                certificate: &cert,
                reason: reason.clone(),
            })
            .await
        )
        .map_err(|e| problem::from_acme(e, "revoking the certificate", dir))
    })
}

/// The account's live key PEM: the stored one, after settling a key
/// change left pending.
async fn live_key(
    store: &dyn Store,
    settings: &OrderSettings,
    pass: &AccountKeyPassphrase,
) -> Result<(AcmeAccount, zeroize::Zeroizing<String>)> {
    let (acct, pem) = stored(store, settings)?;
    account::refuse_deactivated(&acct)?;
    if !acct.pending_key {
        return Ok((acct, pem));
    }
    let pem = account::settle(store, settings, pass, &acct, &pem).await?;
    Ok((
        AcmeAccount {
            pending_key: false,
            ..acct
        },
        pem,
    ))
}

/// Changes the account's key (RFC 8555 §7.3.5) to a new P-256 key,
/// protected as the old one (`pass`). Crash-safe: the new key is stored
/// as the account's pending key before the CA is asked; the CA's yes
/// makes it the key, its refusal (exit 11) drops it (the keystore as it
/// was), and an unknown outcome (exit 13: unreachable, timed out, or a
/// crash) leaves both keys for the next use of the account to settle
/// with the CA ([`account::settle`]). Returns the account URL.
pub fn rollover(
    store: &dyn Store,
    settings: &OrderSettings,
    pass: &AccountKeyPassphrase,
) -> Result<String> {
    stored(store, settings)?;
    let dir = settings.directory.as_str();
    let result = run(settings, "the key change", async {
        let (acct, old_pem) = live_key(store, settings, pass).await?;
        let old = SigningKey::from_pkcs8(&account::key_der(&old_pem, pass)?)?;
        let (new, new_der) = SigningKey::generate()?;
        let (new_pem, _) = account::key_pem(&new_der, pass)?;
        let http = super::http::client(settings.ca_file.as_deref())?;
        let session = Session::open(http, dir, &acct.url, &old).await?;
        let pending = AcmeAccount {
            pending_key: true,
            ..acct.clone()
        };
        store.replace_acme_account(&pending, &old_pem, Some(&new_pem))?;
        crate::faults::crash("acme:pending-key-stored");
        match session.key_change(&new).await {
            Ok(()) => {
                crate::faults::crash("acme:key-changed");
                store.replace_acme_account(&acct, &new_pem, None)?;
                Ok(acct.url.clone())
            }
            // The CA said no: nothing changed there; nor here.
            Err(e) if matches!(e.kind, Kind::CaRefused | Kind::Invalid) => {
                store.replace_acme_account(&acct, &old_pem, None)?;
                Err(e)
            }
            Err(e) => Err(e),
        }
    });
    result.map_err(|mut e| {
        let pending = store
            .acme_account(dir, &settings.account)
            .ok()
            .flatten()
            .is_some_and(|(a, _)| a.pending_key);
        if pending && e.kind == Kind::CaUnreachable {
            e.message.push_str(
                "; whether the CA switched keys is not known: both keys are kept, and the account's next use asks the CA which one is live",
            );
        }
        e
    })
}

/// Deactivates the account at the CA (RFC 8555 §7.3.6: for good; its
/// orders and authorizations end) and marks it deactivated in the
/// keystore, where it stays for the record and is refused from then on.
/// A CA that already has it deactivated (a run interrupted after the CA
/// answered) is taken as done. Errors: 3 no account, 11 the CA refuses,
/// 13 unreachable (nothing written).
pub fn deactivate(
    store: &dyn Store,
    settings: &OrderSettings,
    pass: &AccountKeyPassphrase,
) -> Result<AcmeAccount> {
    stored(store, settings)?;
    let dir = settings.directory.as_str();
    run(settings, "the deactivation", async {
        let (acct, pem) = live_key(store, settings, pass).await?;
        let key = SigningKey::from_pkcs8(&account::key_der(&pem, pass)?)?;
        let http = super::http::client(settings.ca_file.as_deref())?;
        let session = Session::open(http, dir, &acct.url, &key).await?;
        match session.deactivate().await {
            Ok(()) => {}
            Err(e) if already_deactivated(&e) => {}
            Err(e) => return Err(e),
        }
        crate::faults::crash("acme:deactivated");
        let marked = AcmeAccount {
            deactivated: Some(keystore::now_rfc3339()),
            ..acct
        };
        store.replace_acme_account(&marked, &pem, None)?;
        Ok(marked)
    })
}

/// The CA's refusal says the account is deactivated already.
fn already_deactivated(e: &Error) -> bool {
    e.kind == Kind::CaRefused
        && e.acme
            .as_ref()
            .and_then(|a| a.get("detail"))
            .and_then(|d| d.as_str())
            .is_some_and(|d| d.to_ascii_lowercase().contains("deactivated"))
}
