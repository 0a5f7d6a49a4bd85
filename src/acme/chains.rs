//! `--preferred-chain` (RFC 8555 §7.4.2): the CA may offer alternate
//! chains for one certificate in `Link: <URL>;rel="alternate"` headers on
//! its download (read through the HTTP client, `super::http::Alternates`:
//! instant-acme 0.8.5 returns only the default chain). Each is fetched
//! with a POST-as-GET signed by the account key (`super::jws`), and the
//! chain whose topmost certificate's issuer common name is the one asked
//! for is kept, as certbot and lego choose; when none is, the default
//! chain is kept with a warning (certbot's behaviour: an order does not
//! fail over a chain preference).

use super::account::{self, AccountKeyPassphrase};
use super::jws::{Session, SigningKey};
use super::{Obtained, OrderSettings};
use crate::cert::bundle;
use crate::error::Result;
use crate::keystore::Store;

/// The issuer common name of a chain's topmost certificate (`""` when it
/// has none or does not parse).
pub fn top_issuer_cn(chain_pem: &str) -> String {
    use der::Encode;
    let Ok(certs) = bundle::decode(chain_pem.as_bytes(), "the chain") else {
        return String::new();
    };
    certs
        .last()
        .and_then(|c| c.issuer().to_der().ok())
        .and_then(|d| crate::csr::name_from_der(&d))
        .and_then(|n| {
            n.iter()
                .flatten()
                .rfind(|a| a.short == "CN")
                .map(|a| a.value.clone())
        })
        .unwrap_or_default()
}

/// Replaces `out.chain_pem` with the offered chain whose topmost issuer
/// CN is `cn`, fetching the alternates (`urls`) only when the default
/// chain is not it. Errors: 11/13 from the CA while fetching.
pub(super) async fn choose(
    store: &dyn Store,
    settings: &OrderSettings,
    pass: &AccountKeyPassphrase,
    cn: &str,
    urls: &[String],
    out: &mut Obtained,
) -> Result<()> {
    out.chains = vec![top_issuer_cn(&out.chain_pem)];
    out.chain_chosen = 0;
    if out.chains[0] == cn {
        return Ok(());
    }
    if !urls.is_empty() {
        let dir = settings.directory.as_str();
        let pem = store
            .acme_account(dir, &settings.account)?
            .map(|(_, k)| k)
            .ok_or_else(|| crate::error::Error::internal("the ACME account is gone"))?;
        let key = SigningKey::from_pkcs8(&account::key_der(&pem, pass)?)?;
        let http = super::http::client(settings.ca_file.as_deref())?;
        let session = Session::open(http, dir, &out.account_url, &key).await?;
        for url in urls {
            let body = session
                .post_as_get(url, "downloading an alternate chain")
                .await?;
            let chain = String::from_utf8_lossy(&body).into_owned();
            out.chains.push(top_issuer_cn(&chain));
            if out.chains.last().map(String::as_str) == Some(cn) {
                out.chain_chosen = out.chains.len() - 1;
                out.chain_pem = chain;
                return Ok(());
            }
        }
    }
    let offered: Vec<String> = out
        .chains
        .iter()
        .map(|c| crate::csr::term(c).into_owned())
        .collect();
    out.notes.push(format!(
        "warning: the CA offers no chain whose top issuer is {}; stored the default chain (offered: {})",
        crate::csr::term(cn),
        offered.join(", ")
    ));
    Ok(())
}
