//! dns-01 through a hook program (RFC 8555 §8.4), called the way lego's
//! `exec` DNS provider calls its program, so existing lego exec scripts
//! work: `CMD present <FQDN> <VALUE>` before the challenge is answered
//! and `CMD cleanup <FQDN> <VALUE>` afterwards (always, also after a
//! failure). FQDN is `_acme-challenge.<domain>.` (trailing dot), VALUE
//! the TXT record's value (base64url of the key authorization's
//! SHA-256). The environment also carries `CSRKIT_ACME_IDENTIFIER`,
//! `CSRKIT_ACME_TXT_NAME` and `CSRKIT_ACME_TXT_VALUE`. The hook's output
//! is captured, never passed to the terminal raw. The hook runs in a
//! process group of its own: a `present` still running when the order
//! times out or is abandoned on a signal is killed with its children, and
//! each `cleanup` gets the order's timeout of its own ([`super::process`]).

use std::process::Command;
use std::time::Duration;

use super::process::{self, Stopped};
use crate::error::{Error, Kind, Result};

/// The TXT record name for a DNS identifier (a wildcard's `*.` dropped,
/// RFC 8555 §8.4).
pub fn txt_name(domain: &str) -> String {
    let d = domain.strip_prefix("*.").unwrap_or(domain);
    format!("_acme-challenge.{}.", d.trim_end_matches('.'))
}

/// Runs `cmd action fqdn value` (without `CSRKIT_PASSPHRASE` and the
/// variables in `env_remove` in its environment). Exit 12 when it cannot
/// start or exits non-zero (its last line of output, escaped, in the
/// message). With `within`, it is killed after that long (exit 13) or on
/// a signal (recorded, exit 12); without, it runs until the caller's
/// future is dropped.
pub(super) async fn run(
    cmd: &str,
    action: &str,
    identifier: &str,
    fqdn: &str,
    value: &str,
    env_remove: &[String],
    within: Option<Duration>,
) -> Result<()> {
    let mut c = Command::new(cmd);
    for var in env_remove {
        c.env_remove(var);
    }
    c.args([action, fqdn, value])
        .env("CSRKIT_ACME_IDENTIFIER", identifier)
        .env("CSRKIT_ACME_TXT_NAME", fqdn)
        .env("CSRKIT_ACME_TXT_VALUE", value)
        .env_remove("CSRKIT_PASSPHRASE");
    let ran = match within {
        None => process::output(c).await.map_err(Stopped::Io),
        Some(t) => process::bounded(c, t).await,
    };
    let out = ran.map_err(|stopped| {
        let (who, hint) = match &stopped {
            Stopped::Io(_) => (
                format!("dns-01 hook {cmd:?}"),
                Some("give the path of an executable program"),
            ),
            Stopped::TimedOut(_) => (
                format!("dns-01 hook {cmd:?} {action} {fqdn}"),
                Some("make the hook finish, or allow more time"),
            ),
            Stopped::Signal(_) => (format!("dns-01 hook {cmd:?} {action} {fqdn}"), None),
        };
        let e = stopped.error(&who);
        match hint {
            Some(h) => e.with_hint(h),
            None => e,
        }
    })?;
    if out.status.success() {
        return Ok(());
    }
    let text = process::last_line(if out.stderr.is_empty() {
        &out.stdout
    } else {
        &out.stderr
    });
    let how = match out.status.code() {
        Some(c) => format!("exited with {c}"),
        None => "was killed by a signal".to_string(),
    };
    Err(Error::new(
        Kind::ChallengeFailed,
        format!("dns-01 hook {cmd:?} {action} {fqdn} {how}: {text:?}"),
    ))
}
