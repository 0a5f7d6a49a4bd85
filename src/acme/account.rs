//! The ACME account (RFC 8555 §7.3): one per (directory URL, local name),
//! created on first use and reused after. Its key is P-256 (instant-acme's
//! only account key type), kept in the keystore as `ENCRYPTED PRIVATE
//! KEY` (PBES2, as record keys: `crate::keys::encrypt_pkcs8`) or plain
//! PKCS#8 when the user chose no passphrase; never printed. A new account
//! is stored the moment the CA returns its URL, before the order goes on:
//! CAs with external account binding may refuse a second newAccount.

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
fn key_der(pem_text: &str, pass: &AccountKeyPassphrase) -> Result<Zeroizing<Vec<u8>>> {
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
fn key_pem(der: &[u8], pass: &AccountKeyPassphrase) -> Result<(Zeroizing<String>, bool)> {
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

/// The account to order with: the stored one (its key decrypted), or a
/// new one created at the CA and stored at once. Returns it and whether
/// it was created now.
pub(super) async fn open(
    store: &dyn Store,
    settings: &OrderSettings,
    pass: &AccountKeyPassphrase,
) -> Result<(instant_acme::Account, String, bool)> {
    let dir = &settings.directory;
    if let Some((acct, pem_text)) = store.acme_account(dir, &settings.account)? {
        let der = key_der(&pem_text, pass)?;
        let key = rustls::pki_types::PrivatePkcs8KeyDer::from(der.to_vec());
        let account = builder(settings)?
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
    let (account, creds) = builder(settings)?
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
    };
    store.put_acme_account(&stored, &pem_text)?;
    Ok((account, url, true))
}

fn external_key(e: &Eab) -> instant_acme::ExternalAccountKey {
    instant_acme::ExternalAccountKey::new(e.kid.clone(), &e.hmac_key)
}
