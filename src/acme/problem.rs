//! instant-acme's errors as csrkit's: an ACME problem document (RFC 8555
//! §6.7, RFC 7807) is `CaRefused` (exit 11) with its type, detail,
//! subproblems and identifier in the message and in [`Error::acme`]; a
//! 5xx problem, a transport failure or a timeout is `CaUnreachable` (exit
//! 13); a failed challenge is `ChallengeFailed` (exit 12, built by the
//! flow with [`challenge_failed`]). Every text from the CA is escaped by
//! `Error::new` (one line, control characters shown escaped).

use serde_json::json;

use crate::error::{Error, Kind};

/// The RFC 8555 error namespace, dropped from problem types in messages.
const NS: &str = "urn:ietf:params:acme:error:";

/// How many more times a request the CA refused with a badNonce is sent
/// again, on top of instant-acme's own two (RFC 8555 §6.5: the CA did
/// not process it, so sending it again is safe). Pebble rejects 5% of
/// good nonces on purpose; with nine tries in all a request fails for
/// its nonces alone about once in 10^11, where three (instant-acme's)
/// failed once in 8,000 requests and so, over a day of test runs, did.
pub const BAD_NONCE_RETRIES: u32 = 6;

/// `$call` (an instant-acme request, awaited) until it succeeds or fails
/// otherwise than with a badNonce, at most [`BAD_NONCE_RETRIES`] times
/// more. Every request csrkit sends through instant-acme goes through it.
macro_rules! again_on_bad_nonce {
    ($call:expr) => {{
        let mut tries = 0;
        loop {
            match $call {
                Err(e)
                    if tries < $crate::acme::problem::BAD_NONCE_RETRIES
                        && $crate::acme::problem::bad_nonce(&e) =>
                {
                    tries += 1
                }
                r => break r,
            }
        }
    }};
}
pub(crate) use again_on_bad_nonce;

/// A request the CA refused unprocessed for its nonce (RFC 8555 §6.5),
/// after instant-acme's own two retries.
pub fn bad_nonce(e: &instant_acme::Error) -> bool {
    matches!(e, instant_acme::Error::Api(p)
        if p.r#type.as_deref() == Some("urn:ietf:params:acme:error:badNonce"))
}

/// A problem type without the ACME namespace (`rejectedIdentifier`).
pub fn short_type(t: &str) -> &str {
    t.strip_prefix(NS).unwrap_or(t)
}

/// `e`, which happened while `during` ("creating the account", "placing
/// the order", ...) at the CA `directory`.
pub fn from_acme(e: instant_acme::Error, during: &str, directory: &str) -> Error {
    use instant_acme::Error as E;
    match e {
        E::Api(p) => {
            let kind = if p.status.is_some_and(|s| s >= 500) {
                Kind::CaUnreachable
            } else {
                Kind::CaRefused
            };
            problem_error(kind, &p, &format!("the CA refused {during}"), None)
        }
        E::Timeout(_) => Error::new(
            Kind::CaUnreachable,
            format!("{during}: the CA at {directory} did not finish in time"),
        )
        .with_hint("try again later, or allow more time"),
        E::Json(err) => Error::new(
            Kind::CaUnreachable,
            format!("{during}: the answer from {directory} is not ACME JSON ({err})"),
        )
        .with_hint("check that the URL is the CA's ACME directory"),
        E::Unsupported(what) => Error::new(
            Kind::Invalid,
            format!("the CA at {directory} does not support {what}"),
        ),
        E::Crypto | E::KeyRejected => Error::new(
            Kind::Internal,
            format!("{during}: the ACME account key cannot be used ({e})"),
        ),
        other => Error::new(
            Kind::CaUnreachable,
            format!(
                "{during}: cannot reach the CA at {directory}: {}",
                chain(&other)
            ),
        )
        .with_hint("check the URL and the network"),
    }
}

/// The error's text with its sources (hyper's errors keep the reason,
/// such as a refused connection or a certificate the client does not
/// trust, in their source chain).
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cur = c.source();
    }
    s
}

/// An error of `kind` carrying the problem document: the message is
/// `what: DETAIL (TYPE)` plus the subproblems, and [`Error::acme`] holds
/// them as JSON.
pub fn problem_error(
    kind: Kind,
    p: &instant_acme::Problem,
    what: &str,
    identifier: Option<&str>,
) -> Error {
    let t = p.r#type.as_deref().unwrap_or("");
    let mut msg = format!("{what}: {}", p.detail.as_deref().unwrap_or("no detail"));
    if !t.is_empty() {
        msg.push_str(&format!(" ({})", short_type(t)));
    }
    let subs: Vec<serde_json::Value> = p
        .subproblems
        .iter()
        .map(|s| {
            let id = s
                .identifier
                .as_ref()
                .map(|i| i.authorized(false).to_string());
            json!({"type": s.r#type, "detail": s.detail, "identifier": id})
        })
        .collect();
    for s in &p.subproblems {
        msg.push_str(&format!("; {s}"));
    }
    let mut e = Error::new(kind, msg);
    e.acme = Some(Box::new(json!({
        "type": p.r#type,
        "detail": p.detail,
        "status": p.status,
        "subproblems": subs,
        "identifier": identifier,
    })));
    e
}

/// Exit 12: the CA could not validate `identifier` with `challenge`
/// (the challenge's problem, when the CA gave one).
pub fn challenge_failed(
    identifier: &str,
    challenge: &str,
    problem: Option<&instant_acme::Problem>,
) -> Error {
    let what = format!("the {challenge} challenge for {identifier} failed");
    match problem {
        Some(p) => problem_error(Kind::ChallengeFailed, p, &what, Some(identifier)),
        None => {
            let mut e = Error::new(Kind::ChallengeFailed, what);
            e.acme = Some(Box::new(json!({"identifier": identifier})));
            e
        }
    }
}
