//! ACME (RFC 8555; RFC 9773 renewal information): getting a record's
//! certificate from a CA. This room owns the protocol side of `order`,
//! `renew` and `revoke`: the account (created on first use, its P-256 key
//! stored in the keystore encrypted like a record's key, [`account`]),
//! the order for the identifiers of the record's stored CSR, the
//! challenges ([`http01`] standalone responder, [`webroot`], the
//! [`dns01`] hook), finalization with the stored CSR (the record's own
//! private key is never read) and the chain download. The protocol itself
//! is instant-acme's (badNonce retries, `Retry-After`, JWS), driven on a
//! current-thread tokio runtime built per call ([`runtime`]).
//!
//! Attaching the issued chain to the record is not done here: the caller
//! hands [`Obtained::chain_pem`] to `crate::ops::attach`. Nothing here
//! prints or names a command-line flag; failures are `crate::Error`s with
//! the kinds `CaRefused` (11), `ChallengeFailed` (12) and `CaUnreachable`
//! (13) ([`problem`]).

use std::path::PathBuf;
use std::time::Duration;

pub mod account;
pub mod ari;
mod chains;
pub mod dns01;
mod flow;
mod http;
pub mod http01;
mod jws;
pub mod manage;
pub mod problem;
pub mod process;
pub mod renewal;
pub mod webroot;

pub use account::AccountKeyPassphrase;
pub use flow::obtain;
pub use process::interrupted;

use crate::error::{Error, Result};
use crate::field::Field;

/// The first poll's delay after the immediate look (doubling after each
/// poll; a `Retry-After` from the CA wins): 50 ms, then 100, 200, 400 ...
/// A few cheap GETs more than certbot's fixed 1 s waits at a real CA, and
/// no idle time when the CA is quick (docs/performance.md, "ACME").
pub const POLL_DELAY: Duration = Duration::from_millis(50);

/// Let's Encrypt's production directory (letsencrypt.org/docs/client-options).
pub const LETSENCRYPT: &str = "https://acme-v02.api.letsencrypt.org/directory";
/// Let's Encrypt's staging directory.
pub const LETSENCRYPT_STAGING: &str = "https://acme-staging-v02.api.letsencrypt.org/directory";

/// A directory URL from what the user gave: the names `letsencrypt` and
/// `letsencrypt-staging`, or an `https://` URL (exit 2 otherwise: RFC 8555
/// §6.1 requires HTTPS).
pub fn directory_url(given: &str) -> Result<String> {
    match given {
        "letsencrypt" => return Ok(LETSENCRYPT.to_string()),
        "letsencrypt-staging" => return Ok(LETSENCRYPT_STAGING.to_string()),
        _ => {}
    }
    if !given.starts_with("https://") || given.len() <= "https://".len() {
        return Err(Error::invalid(
            Field::Acme,
            format!(
                "'{}' is not an ACME directory: give an https:// URL, letsencrypt or letsencrypt-staging",
                crate::csr::term(given)
            ),
        ));
    }
    Ok(given.to_string())
}

/// How the identifiers are validated (RFC 8555 §8).
#[derive(Clone, Debug)]
pub enum Challenge {
    /// http-01 with csrkit's own responder on `address:port`, up only
    /// while the order needs it.
    Http { port: u16, address: Option<String> },
    /// http-01 by files under `DIR/.well-known/acme-challenge/`.
    Webroot(PathBuf),
    /// dns-01 through a hook program, called as `CMD present FQDN VALUE`
    /// and `CMD cleanup FQDN VALUE` (lego's exec provider's order).
    DnsHook(String),
}

impl Challenge {
    /// The RFC 8555 challenge type name.
    pub fn kind(&self) -> &'static str {
        match self {
            Challenge::Http { .. } | Challenge::Webroot(_) => "http-01",
            Challenge::DnsHook(_) => "dns-01",
        }
    }
}

/// External account binding (RFC 8555 §7.3.4): the key id and the MAC
/// key (already base64url-decoded), used only in newAccount.
pub struct Eab {
    pub kid: String,
    pub hmac_key: zeroize::Zeroizing<Vec<u8>>,
}

/// What one order needs.
pub struct OrderSettings {
    /// The ACME directory URL.
    pub directory: String,
    /// The account's local name.
    pub account: String,
    /// Contact URIs for a new account (`mailto:...`).
    pub contact: Vec<String>,
    /// A PEM file of roots to trust for the CA's own HTTPS (else the
    /// platform's trust store).
    pub ca_file: Option<PathBuf>,
    pub challenge: Challenge,
    /// A certificate profile the directory lists (`meta.profiles`).
    pub profile: Option<String>,
    /// The chain to store when the CA offers several (RFC 8555 §7.4.2):
    /// the one whose topmost certificate's issuer has this common name,
    /// as certbot and lego choose; the default chain when none has.
    pub preferred_chain: Option<String>,
    pub eab: Option<Eab>,
    /// The whole order's deadline (exit 13 past it).
    pub timeout: Duration,
    /// The first poll's delay (doubling after each poll; `Retry-After`
    /// wins when the CA sends it).
    pub poll_delay: Duration,
    /// Environment variables kept from hooks (a passphrase's), besides
    /// `CSRKIT_PASSPHRASE`.
    pub hook_env_remove: Vec<String>,
    /// The ARI identifier of the certificate this order replaces (RFC
    /// 9773 §5: newOrder's `replaces`), sent when the directory offers
    /// `renewalInfo`; a CA that refuses the order for it is asked once
    /// more without it.
    pub replaces: Option<String>,
}

impl OrderSettings {
    /// Settings for account-level operations (revocation): no contact,
    /// no challenge answered, no profile, no EAB.
    pub fn for_account(
        directory: String,
        account: String,
        ca_file: Option<PathBuf>,
        timeout: Duration,
    ) -> OrderSettings {
        OrderSettings {
            directory,
            account,
            contact: Vec::new(),
            ca_file,
            challenge: Challenge::Http {
                port: 80,
                address: None,
            },
            profile: None,
            preferred_chain: None,
            eab: None,
            timeout,
            poll_delay: POLL_DELAY,
            hook_env_remove: Vec::new(),
            replaces: None,
        }
    }
}

/// What a successful order produced.
#[derive(Debug)]
pub struct Obtained {
    /// The certificate chain as downloaded: leaf first, PEM.
    pub chain_pem: String,
    /// The account URL.
    pub account_url: String,
    /// The account was created by this order (and stored at once).
    pub account_created: bool,
    /// The order's URL.
    pub order_url: String,
    /// The certificate's URL.
    pub certificate_url: Option<String>,
    /// Each authorization: identifier, challenge type answered (or
    /// `reused` for an authorization already valid), final status.
    pub challenges: Vec<(String, String, String)>,
    /// The issuer common names of the chains the CA offered (the default
    /// first: each chain's topmost certificate's issuer), and which one
    /// was chosen (an index into them).
    pub chains: Vec<String>,
    pub chain_chosen: usize,
    /// Warnings for the user (a preferred chain the CA did not offer).
    pub notes: Vec<String>,
    /// What became of [`OrderSettings::replaces`]: `None` when not sent.
    pub replaces: Option<Replaces>,
}

/// What the CA did with a `replaces` sent in newOrder (RFC 9773 §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replaces {
    /// The order carries it (the CA reflected it).
    Accepted,
    /// The CA took the order without reflecting it (it ignores the
    /// field); the order it made was carried on with.
    Ignored,
    /// The CA refused the order for it; the order was placed again
    /// without it.
    Refused,
}

impl Replaces {
    /// The name in `renew --format json` (`accepted`, `ignored`,
    /// `refused`).
    pub fn name(self) -> &'static str {
        match self {
            Replaces::Accepted => "accepted",
            Replaces::Ignored => "ignored",
            Replaces::Refused => "refused",
        }
    }
}

/// A current-thread runtime for one command (network and timers on).
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("cannot start the ACME client's runtime: {e}")))
}
