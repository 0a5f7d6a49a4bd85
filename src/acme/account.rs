//! The ACME account (RFC 8555 §7.3): one per (directory URL, local name),
//! created on first use and reused after. Its key is P-256 (instant-acme's
//! only account key type), kept in the keystore as `ENCRYPTED PRIVATE
//! KEY` (PBES2, as record keys: `crate::keys::encrypt_pkcs8`) or plain
//! PKCS#8 when the user chose no passphrase; never printed. A new account
//! is stored the moment the CA returns its URL, before the order goes on:
//! CAs with external account binding may refuse a second newAccount.
//!
//! A key change (`super::manage::rollover`) stores the new key as the
//! account's pending key before it asks the CA; an account found with a
//! pending key is settled at its next use ([`settle`]): the CA is asked,
//! with the new key, for the account (`onlyReturnExisting`), and its
//! answer decides which key is live. A deactivated account is kept for
//! the record and refused before any traffic.

use crate::field::Field;
use zeroize::Zeroizing;

use super::{problem, Eab, OrderSettings};
use crate::error::{Error, Kind, Result};
use crate::keys::{self, Passphrase};
use crate::keystore::{self, AcmeAccount, Store};

/// How the account key is (or will be) protected.
pub enum AccountKeyPassphrase {
    /// Encrypt a new key / decrypt the stored one with this passphrase.
    Given(Passphrase),
    /// Store a new key unencrypted (the user said so).
    Plain,
    /// No source given: fine for an unencrypted stored key, an error for
    /// an encrypted one or a new one.
    Missing,
}

/// The account stored for (directory, name), if any (no network).
pub fn stored(store: &dyn Store, directory: &str, name: &str) -> Result<Option<AcmeAccount>> {
    Ok(store.acme_account(directory, name)?.map(|(a, _)| a))
}

/// The account's key as PKCS#8 DER, from its stored PEM.
pub(super) fn key_der(pem_text: &str, pass: &AccountKeyPassphrase) -> Result<Zeroizing<Vec<u8>>> {
    let parsed = pem::parse(pem_text)
        .map_err(|e| Error::internal(format!("the ACME account's key.pem is not PEM: {e}")))?;
    let contents = Zeroizing::new(parsed.contents().to_vec());
    match parsed.tag() {
        "PRIVATE KEY" => Ok(contents),
        "ENCRYPTED PRIVATE KEY" => match pass {
            AccountKeyPassphrase::Given(p) => keys::decrypt_pkcs8(&contents, p),
            _ => Err(Error::new(
                Kind::Passphrase,
                "the ACME account's key is encrypted and no passphrase was given",
            )),
        },
        other => Err(Error::internal(format!(
            "the ACME account's key.pem has the unexpected label {other:?}"
        ))),
    }
}

/// The key PEM to store for a new account key.
pub(super) fn key_pem(
    der: &[u8],
    pass: &AccountKeyPassphrase,
) -> Result<(Zeroizing<String>, bool)> {
    match pass {
        AccountKeyPassphrase::Given(p) => {
            let enc = keys::encrypt_pkcs8(der, p)?;
            Ok((
                Zeroizing::new(pem::encode(&pem::Pem::new("ENCRYPTED PRIVATE KEY", enc))),
                true,
            ))
        }
        AccountKeyPassphrase::Plain => Ok((
            Zeroizing::new(pem::encode(&pem::Pem::new("PRIVATE KEY", der.to_vec()))),
            false,
        )),
        AccountKeyPassphrase::Missing => Err(Error::new(
            Kind::Invalid,
            "the new ACME account's key needs a passphrase source (or none, said explicitly)",
        )),
    }
}

/// An account builder whose HTTP client trusts `settings.ca_file` (else
/// the system's roots); see `super::http`.
pub(super) fn builder(settings: &OrderSettings) -> Result<instant_acme::AccountBuilder> {
    Ok(instant_acme::Account::builder_with_http(
        super::http::client(settings.ca_file.as_deref())?,
    ))
}

/// [`builder`], also keeping the alternate chains' URLs in `links`.
fn builder_for(
    settings: &OrderSettings,
    links: Option<&super::http::Alternates>,
) -> Result<instant_acme::AccountBuilder> {
    let Some(links) = links else {
        return builder(settings);
    };
    Ok(instant_acme::Account::builder_with_http(
        super::http::recording(settings.ca_file.as_deref(), links)?,
    ))
}

/// The account to order with: the stored one (its key decrypted), or a
/// new one created at the CA and stored at once. Returns it and whether
/// it was created now.
pub(super) async fn open(
    store: &dyn Store,
    settings: &OrderSettings,
    pass: &AccountKeyPassphrase,
    links: Option<&super::http::Alternates>,
) -> Result<(instant_acme::Account, String, bool)> {
    let dir = &settings.directory;
    if let Some((acct, pem_text)) = store.acme_account(dir, &settings.account)? {
        refuse_deactivated(&acct)?;
        let pem_text = if acct.pending_key {
            settle(store, settings, pass, &acct, &pem_text).await?
        } else {
            pem_text
        };
        let der = key_der(&pem_text, pass)?;
        let key = rustls::pki_types::PrivatePkcs8KeyDer::from(der.to_vec());
        let account = builder_for(settings, links)?
            .from_parts(acct.url.clone(), key, dir.clone())
            .await
            .map_err(|e| problem::from_acme(e, "reading the ACME directory", dir))?;
        return Ok((account, acct.url, false));
    }
    // Refused before any traffic when the key could not be stored.
    if matches!(pass, AccountKeyPassphrase::Missing) {
        key_pem(&[], pass)?;
    }
    let contact: Vec<&str> = settings.contact.iter().map(String::as_str).collect();
    let eab = settings.eab.as_ref().map(external_key);
    let (account, creds) = problem::again_on_bad_nonce!(
        builder_for(settings, links)?
            .create(
                &instant_acme::NewAccount {
                    contact: &contact,
                    terms_of_service_agreed: true,
                    only_return_existing: false,
                },
                dir.clone(),
                eab.as_ref(),
            )
            .await
    )
    .map_err(|e| problem::from_acme(e, "creating the ACME account", dir))?;
    let (pem_text, encrypted) = key_pem(creds.private_key().secret_pkcs8_der(), pass)?;
    let url = account.id().to_string();
    let stored = AcmeAccount {
        directory: dir.clone(),
        name: settings.account.clone(),
        url: url.clone(),
        contact: settings.contact.clone(),
        created: keystore::now_rfc3339(),
        encrypted,
        eab_kid: settings.eab.as_ref().map(|e| e.kid.clone()),
        pending_key: false,
        deactivated: None,
    };
    store.put_acme_account(&stored, &pem_text)?;
    Ok((account, url, true))
}

fn external_key(e: &Eab) -> instant_acme::ExternalAccountKey {
    instant_acme::ExternalAccountKey::new(e.kid.clone(), &e.hmac_key)
}

/// Exit 2 for an account deactivated at the CA (RFC 8555 §7.3.6: the CA
/// refuses it for good), before any traffic.
pub(super) fn refuse_deactivated(acct: &AcmeAccount) -> Result<()> {
    match &acct.deactivated {
        Some(when) => Err(Error::invalid(
            Field::Account,
            format!(
                "the ACME account {} for {} was deactivated at the CA on {when}; the CA will not accept it again",
                acct.name, acct.directory
            ),
        )),
        None => Ok(()),
    }
}

/// Settles an interrupted key change: asks the CA whether the pending
/// key is the account's (newAccount with `onlyReturnExisting`, signed by
/// that key). Yes: the pending key becomes the key. `accountDoesNotExist`:
/// the CA never switched, the pending key is dropped. Anything else
/// (the CA unreachable) is the error and both keys stay. Returns the live
/// key's PEM.
pub(super) async fn settle(
    store: &dyn Store,
    settings: &OrderSettings,
    pass: &AccountKeyPassphrase,
    acct: &AcmeAccount,
    key_pem_text: &str,
) -> Result<Zeroizing<String>> {
    let dir = &settings.directory;
    let Some(pending) = store.acme_pending_key(dir, &acct.name)? else {
        return Err(Error::internal(format!(
            "the ACME account {} is marked as changing its key, but no pending key is stored",
            acct.name
        )));
    };
    let der = key_der(&pending, pass)?;
    // The key is consumed by each try (instant-acme's `Key` is not
    // `Clone`), so each one is read from the DER again.
    let key = || {
        instant_acme::Key::from_pkcs8_der(rustls::pki_types::PrivatePkcs8KeyDer::from(der.to_vec()))
            .map(|k| {
                (
                    k,
                    rustls::pki_types::PrivateKeyDer::Pkcs8(der.to_vec().into()),
                )
            })
            .map_err(|e| problem::from_acme(e, "reading the pending account key", dir))
    };
    let settled = AcmeAccount {
        pending_key: false,
        ..acct.clone()
    };
    match problem::again_on_bad_nonce!(builder(settings)?.from_key(key()?, dir.clone()).await) {
        Ok((found, _)) if found.id() == acct.url => {
            store.replace_acme_account(&settled, &pending, None)?;
            Ok(pending)
        }
        Ok((found, _)) => Err(Error::new(
            Kind::CaRefused,
            format!(
                "the pending key of the ACME account {} belongs to another account at the CA ({})",
                acct.name,
                found.id()
            ),
        )),
        Err(instant_acme::Error::Api(p))
            if p.r#type.as_deref() == Some("urn:ietf:params:acme:error:accountDoesNotExist") =>
        {
            store.replace_acme_account(&settled, key_pem_text, None)?;
            Ok(Zeroizing::new(key_pem_text.to_string()))
        }
        Err(e) => Err(problem::from_acme(
            e,
            "asking the CA which account key is live",
            dir,
        )),
    }
}
