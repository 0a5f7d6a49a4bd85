//! What the keystore keeps for ACME (SPEC §13): the accounts (one per
//! directory URL and account name, its P-256 key stored as record keys
//! are: encrypted PKCS#8 unless the user said `--no-passphrase`) and, in
//! each ACME-issued record, how its certificate was ordered
//! ([`AcmeOrigin`]), so that `renew` can order again unattended.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::cert::sha256_hex;
use crate::error::{Error, Result};
use crate::field::Field;

/// An ACME account as stored (`acme/<slug>/account.json` in a directory
/// keystore). The key is kept beside it, never in this struct.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AcmeAccount {
    /// The ACME directory URL (RFC 8555 §7.1.1).
    pub directory: String,
    /// The account's local name (`default` unless chosen).
    pub name: String,
    /// The account URL the CA returned (`Location` of newAccount, §7.3).
    pub url: String,
    /// Contact URIs given at creation (`mailto:...`).
    #[serde(default)]
    pub contact: Vec<String>,
    /// RFC 3339 time the account was stored.
    pub created: String,
    /// The key is `ENCRYPTED PRIVATE KEY` (else plain PKCS#8).
    pub encrypted: bool,
    /// The external account binding's key id (RFC 8555 §7.3.4) used at
    /// creation; the MAC key is never stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eab_kid: Option<String>,
    /// A key change (RFC 8555 §7.3.5) was started and its outcome is not
    /// known: the new key is stored beside the current one
    /// (`Store::acme_pending_key`) until the CA's answer to it says which
    /// key is live.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pending_key: bool,
    /// RFC 3339 time the account was deactivated at the CA (RFC 8555
    /// §7.3.6); such an account is kept for the record and never used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivated: Option<String>,
}

impl AcmeAccount {
    /// The directory name of this account in a directory keystore: the
    /// account name and the first 16 hex digits of the SHA-256 of the
    /// directory URL (`default-3f1c...`).
    pub fn slug(directory: &str, name: &str) -> String {
        let h = sha256_hex(directory.as_bytes()).replace(':', "");
        format!("{name}-{}", &h[..16].to_ascii_lowercase())
    }

    /// Checks an account read back from a keystore (`at`, for the
    /// message) before anything uses it: its name as
    /// [`check_account_name`] wants it, its directory and account URLs
    /// `https://` (RFC 8555 §6.1), and no field holding a character that
    /// changes a terminal ([`crate::csr::is_unsafe_char`]). Exit 1 naming
    /// the account escaped: someone wrote the keystore by hand.
    pub fn check_stored(&self, at: &str) -> Result<()> {
        let bad = |what: &str| {
            Err(Error::internal(format!(
                "{at} holds an ACME account (name '{}', directory '{}') whose {what}; \
                 refusing to use it",
                crate::csr::term(&self.name),
                crate::csr::term(&self.directory)
            ))
            .with_hint("someone wrote the keystore directly: remove that account from it"))
        };
        if check_account_name(&self.name).is_err() {
            return bad("name is not an account name");
        }
        for (what, url) in [
            ("directory URL", &self.directory),
            ("account URL", &self.url),
        ] {
            if !url.starts_with("https://") || url.len() <= "https://".len() {
                return bad(&format!("{what} is not https://"));
            }
        }
        let texts = [&self.directory, &self.url, &self.created]
            .into_iter()
            .chain(&self.contact)
            .chain(&self.eab_kid)
            .chain(&self.deactivated);
        for t in texts {
            if t.chars().any(crate::csr::is_unsafe_char) {
                return bad("fields hold control characters");
            }
        }
        Ok(())
    }
}

/// Account names (`--account`): 1 to 64 of `A-Z a-z 0-9 . _ -`, starting
/// with a letter or digit, as record names are: the name becomes a
/// directory name in a directory keystore. Exit 2 naming the option.
pub fn check_account_name(name: &str) -> Result<()> {
    crate::request::validate_name(name).map_err(|_| {
        Error::invalid(
            Field::Account,
            format!("'{}' is not an ACME account name", crate::csr::term(name)),
        )
        .with_hint("use 1 to 64 of A-Z a-z 0-9 . _ - starting with a letter or digit")
    })
}

/// How a record's certificate was ordered (kept in record.json as
/// `acme`): enough for `renew` to order again with no flags.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct AcmeOrigin {
    /// The ACME directory URL.
    pub directory: String,
    /// The account's local name.
    pub account: String,
    /// Extra roots trusted for the CA's own HTTPS, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// How the identifiers were validated.
    pub challenge: AcmeChallenge,
    /// The certificate profile asked for (Let's Encrypt `classic`,
    /// `tlsserver`, `shortlived`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The preferred chain's topmost issuer common name
    /// (`--preferred-chain`), kept for renewals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_chain: Option<String>,
    /// The last order's URL (RFC 8555 §7.1.3).
    pub order: String,
    /// A command run (by `/bin/sh -c`) after each certificate is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy_hook: Option<String>,
}

/// The challenge answered, and where (RFC 8555 §8).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct AcmeChallenge {
    /// `http-01` or `dns-01`.
    pub kind: String,
    /// http-01 standalone: the port (and address) listened on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_address: Option<String>,
    /// http-01 webroot: the directory holding `.well-known/acme-challenge`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webroot: Option<PathBuf>,
    /// dns-01: the hook command (`CMD present|cleanup FQDN VALUE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_hook: Option<String>,
}
