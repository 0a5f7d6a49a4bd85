//! One order, start to finish (RFC 8555 §7.4): account, newOrder for the
//! record's identifiers, each pending authorization's challenge answered
//! and marked ready, the order polled until ready, finalized with the
//! stored CSR, polled until the certificate is issued, the chain
//! downloaded. Challenge responses are taken down (responder stopped,
//! webroot files removed, dns-01 cleanup run) whatever the outcome,
//! timeout and SIGINT/SIGTERM/SIGHUP included: a signal during an order
//! abandons it, takes the challenges down and is then left for the caller
//! to die of ([`super::interrupted`]).

use std::time::Duration;

use instant_acme::{
    AuthorizationStatus, ChallengeType, Identifier, NewOrder, Order, OrderStatus, RetryPolicy,
};
use tokio::time::Instant;

use super::account::{self, AccountKeyPassphrase};
use super::problem::{again_on_bad_nonce, bad_nonce, challenge_failed, from_acme, problem_error};
use super::process::{a_signal, abandon};
use super::{dns01, http01, webroot, Challenge, Obtained, OrderSettings};
use crate::error::{Error, Kind, Result};
use crate::keystore::Store;
use crate::request::San;

/// Orders a certificate for `sans` (their DNS names and IP addresses)
/// with `csr_der` (the record's stored CSR, DER) and returns the chain.
/// The account is created (and stored in `store`) when there is none.
///
/// Errors: exit 11 when the CA refuses (the problem document in
/// [`Error::acme`]), 12 when a challenge or a hook fails, 13 when the CA
/// cannot be reached or `settings.timeout` passes; exit 2 for a profile
/// the directory does not list; exit 6 for an account key that cannot be
/// decrypted. Nothing but a new account is written to `store`.
pub fn obtain(
    store: &dyn Store,
    settings: &OrderSettings,
    pass: &AccountKeyPassphrase,
    sans: &[San],
    csr_der: &[u8],
) -> Result<Obtained> {
    let ids = identifiers(sans)?;
    let rt = super::runtime()?;
    rt.block_on(run(store, settings, pass, &ids, csr_der))
}

/// The ACME identifiers (RFC 8555 §9.7.7, RFC 8738) of the SANs; exit 2
/// when there are none.
fn identifiers(sans: &[San]) -> Result<Vec<Identifier>> {
    let ids: Vec<Identifier> = sans
        .iter()
        .filter_map(|s| match s {
            San::Dns(d) => Some(Identifier::Dns(d.clone())),
            San::Ip(ip) => Some(Identifier::Ip(*ip)),
            _ => None,
        })
        .collect();
    if ids.is_empty() {
        return Err(Error::invalid_as(
            "SAN",
            "the record's CSR names no DNS name or IP address for the CA to validate",
        ));
    }
    Ok(ids)
}

fn timed_out(directory: &str, timeout: Duration) -> Error {
    Error::new(
        Kind::CaUnreachable,
        format!(
            "the order at {directory} did not finish within {}s",
            timeout.as_secs_f64()
        ),
    )
    .with_hint("try again later, or allow more time")
}

/// What was put up for the challenges, taken down by [`Taken::down`].
#[derive(Default)]
struct Taken {
    responder: Option<http01::Responder>,
    placed: webroot::Placed,
    /// dns-01 records presented (identifier, TXT name, value).
    presented: Vec<(String, String, String)>,
}

async fn run(
    store: &dyn Store,
    settings: &OrderSettings,
    pass: &AccountKeyPassphrase,
    ids: &[Identifier],
    csr_der: &[u8],
) -> Result<Obtained> {
    let dir = settings.directory.as_str();
    let deadline = Instant::now() + settings.timeout;
    let links = super::http::Alternates::default();
    let (account, account_url, account_created) =
        tokio::time::timeout_at(deadline, account::open(store, settings, pass, Some(&links)))
            .await
            .map_err(|_| timed_out(dir, settings.timeout))??;
    if let Some(p) = &settings.profile {
        if !account.profiles().any(|m| m.name == p) {
            let listed: Vec<String> = account.profiles().map(|m| m.name.to_string()).collect();
            let listed = if listed.is_empty() {
                "none".to_string()
            } else {
                listed.join(", ")
            };
            return Err(Error::new(
                Kind::Invalid,
                format!("the CA at {dir} offers no certificate profile {p:?} (its directory lists: {listed})"),
            )
            .with_label("profile"));
        }
    }
    let mut taken = Taken::default();
    if let Challenge::Http { port, address } = &settings.challenge {
        taken.responder = Some(http01::Responder::bind(address.as_deref(), *port).await?);
    }
    let mut out = Obtained {
        chain_pem: String::new(),
        account_url,
        account_created,
        order_url: String::new(),
        certificate_url: None,
        challenges: Vec::new(),
        chains: Vec::new(),
        chain_chosen: 0,
        notes: Vec::new(),
        replaces: None,
    };
    let steps = async {
        let mut order = place(&account, ids, settings, &links, &mut out).await?;
        out.order_url = order.url().to_string();
        answer(&mut order, settings, &mut taken, &mut out).await?;
        finish(&mut order, settings, csr_der, &mut out).await?;
        if let Some(cn) = &settings.preferred_chain {
            super::chains::choose(store, settings, pass, cn, &links.urls(), &mut out).await?;
        }
        Ok(())
    };
    let result = tokio::select! {
        biased;
        sig = a_signal() => {
            abandon(sig);
            Err(Error::new(
                Kind::ChallengeFailed,
                format!(
                    "the order at {dir} was abandoned on signal {sig}: its challenges were taken down and nothing was stored"
                ),
            ))
        }
        r = tokio::time::timeout_at(deadline, steps) => {
            r.unwrap_or_else(|_| Err(timed_out(dir, settings.timeout)))
        }
    };
    // Taken down whatever happened.
    let cleanup = take_down(taken, settings).await;
    match (result, cleanup) {
        (Err(e), _) => Err(e),
        (Ok(()), Err(e)) => Err(e),
        (Ok(()), Ok(())) => Ok(out),
    }
}

/// Places the order (RFC 8555 §7.4) with `replaces` (RFC 9773 §5) when
/// the settings carry one. A CA that refuses it for `replaces`
/// (`alreadyReplaced`, or a problem naming the field) is asked once more
/// without it; a CA that makes the order without reflecting the field
/// (instant-acme then refuses its answer) goes on with the order it made
/// (its URL from the answer's `Location`). `out.replaces` says which.
async fn place(
    account: &instant_acme::Account,
    ids: &[Identifier],
    settings: &OrderSettings,
    links: &super::http::Alternates,
    out: &mut Obtained,
) -> Result<Order> {
    let dir = settings.directory.as_str();
    let mut new = NewOrder::new(ids);
    if let Some(p) = &settings.profile {
        new = new.profile(p);
    }
    if let Some(id) = settings.replaces.as_deref().and_then(|r| r.split_once('.')) {
        let with = NewOrder::new(ids).replaces(instant_acme::CertificateIdentifier {
            authority_key_identifier: id.0.into(),
            serial: id.1.into(),
        });
        let with = match &settings.profile {
            Some(p) => with.profile(p),
            None => with,
        };
        let _ = links.take_created();
        match again_on_bad_nonce!(account.new_order(&with).await) {
            Ok(order) => {
                out.replaces = Some(super::Replaces::Accepted);
                return Ok(order);
            }
            Err(instant_acme::Error::Api(p)) if about_replaces(&p) => {
                out.replaces = Some(super::Replaces::Refused);
            }
            // The directory no longer lists renewalInfo (instant-acme
            // checks before sending anything): order without it.
            Err(instant_acme::Error::Unsupported(_)) => out.replaces = None,
            Err(instant_acme::Error::Other(e)) if e.to_string().contains("replaces field") => {
                if let Some(url) = links.take_created() {
                    out.replaces = Some(super::Replaces::Ignored);
                    return again_on_bad_nonce!(account.order(url.clone()).await)
                        .map_err(|e| from_acme(e, "reading the order", dir));
                }
                out.replaces = Some(super::Replaces::Refused);
            }
            Err(e) => return Err(from_acme(e, "placing the order", dir)),
        }
    }
    again_on_bad_nonce!(account.new_order(&new).await)
        .map_err(|e| from_acme(e, "placing the order", dir))
}

/// Whether a refused newOrder was refused for its `replaces` (RFC 9773
/// §7.4 `alreadyReplaced`, or a malformed-request problem naming it).
fn about_replaces(p: &instant_acme::Problem) -> bool {
    let kind = p.r#type.as_deref().unwrap_or_default();
    kind == "urn:ietf:params:acme:error:alreadyReplaced"
        || (p.status.is_some_and(|s| (400..500).contains(&s))
            && p.detail
                .as_deref()
                .is_some_and(|d| d.to_ascii_lowercase().contains("replace")))
}

/// Stops the responder, removes webroot files, runs every dns-01
/// cleanup (all of them, the first failure reported).
async fn take_down(taken: Taken, settings: &OrderSettings) -> Result<()> {
    let Taken {
        responder,
        placed,
        presented,
    } = taken;
    drop(responder);
    drop(placed);
    let mut first = Ok(());
    if let Challenge::DnsHook(cmd) = &settings.challenge {
        for (ident, fqdn, value) in presented {
            let r = dns01::run(
                cmd,
                "cleanup",
                &ident,
                &fqdn,
                &value,
                &settings.hook_env_remove,
                Some(settings.timeout),
            )
            .await;
            if first.is_ok() {
                first = r;
            }
        }
    }
    first
}

fn challenge_type(c: &Challenge) -> ChallengeType {
    match c {
        Challenge::Http { .. } | Challenge::Webroot(_) => ChallengeType::Http01,
        Challenge::DnsHook(_) => ChallengeType::Dns01,
    }
}

/// Answers each pending authorization's challenge and marks it ready.
async fn answer(
    order: &mut Order,
    settings: &OrderSettings,
    taken: &mut Taken,
    out: &mut Obtained,
) -> Result<()> {
    let dir = settings.directory.as_str();
    let kind = settings.challenge.kind();
    let want = challenge_type(&settings.challenge);
    // A badNonce while reading an authorization loses that one from
    // instant-acme's stream (it advanced before the request): walk the
    // order's authorizations again, skipping those answered already
    // (fetched ones are kept, so only the lost one is read again).
    let mut tries = 0;
    'again: loop {
        let mut authzs = order.authorizations();
        while let Some(a) = authzs.next().await {
            let mut a = match a {
                Ok(a) => a,
                Err(e) if tries < super::problem::BAD_NONCE_RETRIES && bad_nonce(&e) => {
                    tries += 1;
                    continue 'again;
                }
                Err(e) => return Err(from_acme(e, "reading an authorization", dir)),
            };
            let ident = a.identifier().to_string();
            if out.challenges.iter().any(|c| c.0 == ident) {
                continue;
            }
            match a.status {
                AuthorizationStatus::Pending => {}
                AuthorizationStatus::Valid => {
                    out.challenges
                        .push((ident, "reused".to_string(), "valid".to_string()));
                    continue;
                }
                other => {
                    return Err(Error::new(
                        Kind::ChallengeFailed,
                        format!("the authorization for {ident} is {other:?}, not pending"),
                    ))
                }
            }
            let Some(mut ch) = a.challenge(want.clone()) else {
                return Err(Error::new(
                    Kind::ChallengeFailed,
                    format!("the CA offers no {kind} challenge for {ident}"),
                )
                .with_hint(if ident.starts_with("*.") {
                    "a wildcard name is validated by dns-01 only"
                } else {
                    "answer another challenge type"
                }));
            };
            let ka = ch.key_authorization();
            match &settings.challenge {
                Challenge::Http { .. } => {
                    if !webroot::valid_token(&ch.token) {
                        return Err(Error::new(
                            Kind::CaRefused,
                            format!(
                                "the CA sent an http-01 token that is not base64url: {:?}",
                                ch.token
                            ),
                        ));
                    }
                    if let Some(r) = &taken.responder {
                        r.add(&ch.token, ka.as_str());
                    }
                }
                Challenge::Webroot(root) => taken.placed.put(root, &ch.token, ka.as_str())?,
                Challenge::DnsHook(cmd) => {
                    let fqdn = dns01::txt_name(&ident);
                    let value = ka.dns_value();
                    taken
                        .presented
                        .push((ident.clone(), fqdn.clone(), value.clone()));
                    dns01::run(
                        cmd,
                        "present",
                        &ident,
                        &fqdn,
                        &value,
                        &settings.hook_env_remove,
                        None,
                    )
                    .await?;
                }
            }
            again_on_bad_nonce!(ch.set_ready().await)
                .map_err(|e| from_acme(e, "answering the challenge", dir))?;
            out.challenges
                .push((ident, kind.to_string(), "processing".to_string()));
        }
        break;
    }
    Ok(())
}

/// Waits for the order to be ready, finalizes it with the CSR and
/// downloads the chain.
async fn finish(
    order: &mut Order,
    settings: &OrderSettings,
    csr_der: &[u8],
    out: &mut Obtained,
) -> Result<()> {
    let dir = settings.directory.as_str();
    let retry = RetryPolicy::new()
        .initial_delay(settings.poll_delay)
        .backoff(2.0)
        .timeout(settings.timeout);
    // An order that turns invalid comes back as its problem document;
    // the failed challenge's own problem names the identifier (exit 12).
    // One look at once (a CA that validates quickly, or authorizations
    // reused, is ready now), then polls with backoff.
    let now = match order.refresh().await {
        Ok(state) if state.error.is_some() => Err(instant_acme::Error::Str("invalid")),
        Ok(state) => Ok(state.status),
        Err(e) => Err(e),
    };
    let status = match now {
        Ok(OrderStatus::Ready) => Ok(OrderStatus::Ready),
        Ok(OrderStatus::Invalid) | Err(instant_acme::Error::Str("invalid")) => {
            return Err(why_invalid(order, settings).await)
        }
        // A badNonce while polling is not the order's verdict (it was
        // taken for one: "the order became invalid"): poll again.
        Ok(_) => again_on_bad_nonce!(order.poll_ready(&retry).await),
        Err(e) if bad_nonce(&e) => order.poll_ready(&retry).await,
        Err(e) => Err(e),
    };
    let status = match status {
        Ok(s) => s,
        Err(instant_acme::Error::Api(_)) => return Err(why_invalid(order, settings).await),
        Err(e) => return Err(from_acme(e, "waiting for the validation", dir)),
    };
    match status {
        OrderStatus::Ready => {}
        OrderStatus::Invalid => return Err(why_invalid(order, settings).await),
        other => {
            return Err(Error::new(
                Kind::CaRefused,
                format!("the order is {other:?} instead of ready after validation"),
            ))
        }
    }
    for c in &mut out.challenges {
        c.2 = "valid".to_string();
    }
    again_on_bad_nonce!(order.finalize_csr(csr_der).await)
        .map_err(|e| from_acme(e, "finalizing the order with the record's CSR", dir))?;
    // The finalize answer, or one look at once, may already hold the
    // certificate; else polls with backoff.
    let ready = match order.state().status {
        OrderStatus::Valid | OrderStatus::Processing => {
            again_on_bad_nonce!(order.certificate().await)
                .map_err(|e| from_acme(e, "downloading the certificate", dir))?
        }
        _ => None,
    };
    out.chain_pem = match ready {
        Some(pem) => pem,
        None => again_on_bad_nonce!(order.poll_certificate(&retry).await)
            .map_err(|e| from_acme(e, "waiting for the certificate", dir))?,
    };
    out.certificate_url = order.state().certificate.clone();
    Ok(())
}

/// The error for an order that became invalid: the first failed
/// challenge's problem (exit 12), else the order's own (exit 11).
async fn why_invalid(order: &mut Order, settings: &OrderSettings) -> Error {
    let kind = settings.challenge.kind();
    let want = challenge_type(&settings.challenge);
    let mut authzs = order.authorizations();
    while let Some(Ok(mut a)) = authzs.next().await {
        let Ok(state) = a.refresh().await else {
            continue;
        };
        if state.status == AuthorizationStatus::Valid {
            continue;
        }
        let ident = state.identifier().to_string();
        let problem = state
            .challenges
            .iter()
            .find(|c| c.r#type == want)
            .and_then(|c| c.error.as_ref());
        return challenge_failed(&ident, kind, problem);
    }
    match order.refresh().await {
        Ok(state) => match &state.error {
            Some(p) => problem_error(Kind::CaRefused, p, "the CA refused the order", None),
            None => Error::new(Kind::CaRefused, "the order became invalid"),
        },
        Err(e) => from_acme(e, "reading the failed order", &settings.directory),
    }
}

#[cfg(test)]
mod tests {
    fn problem(v: serde_json::Value) -> instant_acme::Problem {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_refusal_for_replaces_is_told_from_others() {
        assert!(super::about_replaces(&problem(serde_json::json!({
            "type": "urn:ietf:params:acme:error:alreadyReplaced",
            "detail": "already replaced", "status": 409
        }))));
        assert!(super::about_replaces(&problem(serde_json::json!({
            "type": "urn:ietf:params:acme:error:malformed",
            "detail": "the replaces field names an unknown certificate", "status": 400
        }))));
        assert!(!super::about_replaces(&problem(serde_json::json!({
            "type": "urn:ietf:params:acme:error:rateLimited",
            "detail": "too many new orders", "status": 429
        }))));
        assert!(!super::about_replaces(&problem(serde_json::json!({
            "type": "urn:ietf:params:acme:error:serverInternal",
            "detail": "could not replace the database", "status": 500
        }))));
    }
}
