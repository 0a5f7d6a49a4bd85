//! Whether an ACME-issued record is due for renewal (SPEC §13), for
//! `renew`: the user's `--force` or window first; else, when the record's
//! directory offers `renewalInfo`, the CA's suggested window (RFC 9773
//! §4.2: due from a moment chosen uniformly at random in it, once per
//! window); else a third of the lifetime left (`acme::renewal`).
//!
//! What the CA said is kept per record in the keystore's renewal-state
//! cache (`Store::acme_renewal_state`, an [`RenewalState`]) until its
//! `Retry-After` has passed, and so is a directory's lack of
//! `renewalInfo`: a run with nothing due and fresh states sends nothing.
//! A check that fails (the CA unreachable, a refusal) decides by the
//! lifetime rule for that run and says so; it never fails the run.

use crate::acme::ari::{self, Checker};
use crate::acme::renewal::{self, Reason, RenewalState};
use crate::cert::{unix_of, CertSummary};
use crate::error::{Error, Kind, Result};
use crate::keystore::{AcmeOrigin, Record, Store};

/// One record's decision.
#[derive(Debug, Clone)]
pub struct Due {
    /// Why it is due; `None` when it is not.
    pub reason: Option<Reason>,
    /// When it is (or became) due, Unix seconds.
    pub at: i64,
    /// The state the decision rests on (the CA's window, or that the
    /// directory has none); `None` when the user's flags decided or the
    /// check failed.
    pub state: Option<RenewalState>,
    /// The state is new (just asked for) and not yet stored.
    pub checked: bool,
    /// Why the CA's window was not used this run (a failed check).
    pub note: Option<String>,
}

/// Decides for each record of one run; the network client is made on the
/// first check only, and asks each directory once.
pub struct Decider {
    timeout: std::time::Duration,
    within: Option<i64>,
    force: bool,
    checker: Option<Checker>,
}

impl Decider {
    /// A decider whose checks give up after `timeout` each; `force` and
    /// `within` (seconds before the end) are the user's and win without
    /// a check.
    pub fn new(timeout: std::time::Duration, within: Option<i64>, force: bool) -> Decider {
        Decider {
            timeout,
            within,
            force,
            checker: None,
        }
    }

    fn checker(&mut self) -> Result<&mut Checker> {
        if self.checker.is_none() {
            self.checker = Some(Checker::new(self.timeout)?);
        }
        Ok(self.checker.as_mut().expect("made above"))
    }

    /// The decision for `rec` (its certificate `cert`, ordered from
    /// `origin`) at `now`.
    pub fn decide(
        &mut self,
        store: &dyn Store,
        rec: &Record,
        origin: &AcmeOrigin,
        cert: &CertSummary,
        now: i64,
    ) -> Due {
        let (within, force) = (self.within, self.force);
        let (nb, na) = (
            unix_of(&cert.not_before).unwrap_or(0),
            unix_of(&cert.not_after).unwrap_or(0),
        );
        let lifetime = |state: Option<RenewalState>, checked: bool, note: Option<String>| Due {
            reason: renewal::due(nb, na, now, within),
            at: renewal::due_at(nb, na, within),
            state,
            checked,
            note,
        };
        if force {
            return Due {
                reason: Some(Reason::Forced),
                at: now,
                ..lifetime(None, false, None)
            };
        }
        if within.is_some() {
            return lifetime(None, false, None);
        }
        let id = rec.meta.id.to_string();
        let previous = store
            .acme_renewal_state(&id)
            .ok()
            .flatten()
            .and_then(|t| RenewalState::parse(&t));
        if let Some(s) = previous
            .as_ref()
            .filter(|s| s.fresh(&cert.serial, &origin.directory, now))
        {
            return from_state(s.clone(), now, false, lifetime);
        }
        match self.check(rec, origin, cert, previous.as_ref(), None, now) {
            Ok(s) => from_state(s, now, true, lifetime),
            Err(e) => lifetime(
                None,
                false,
                Some(format!(
                    "the CA's renewal information could not be read ({}); decided by the lifetime rule",
                    e.message
                )),
            ),
        }
    }

    /// Asks the CA (or its directory) about the certificate `cert` of
    /// `rec`: a state with the CA's window, or one saying the directory
    /// offers none. `leaf_pem` is the certificate when it is not yet the
    /// record's stored one.
    fn check(
        &mut self,
        rec: &Record,
        origin: &AcmeOrigin,
        cert: &CertSummary,
        previous: Option<&RenewalState>,
        leaf_pem: Option<&str>,
        now: i64,
    ) -> Result<RenewalState> {
        let ca_file = origin.ca_file.as_deref();
        let checker = self.checker()?;
        let mut state = RenewalState {
            serial: cert.serial.clone(),
            directory: origin.directory.clone(),
            cert_id: None,
            window: None,
            checked: now,
            next_check: now + renewal::retry_after(None),
            explanation_url: None,
        };
        let Some(base) = checker.renewal_info_url(&origin.directory, ca_file)? else {
            return Ok(state);
        };
        let pem = match leaf_pem {
            Some(p) => p.to_string(),
            None => rec.cert_pem()?.unwrap_or_default(),
        };
        let cert_id = ari::cert_id(&pem)?;
        let answer = checker.window(&base, &cert_id, ca_file)?;
        // A window that starts once the certificate has expired is not
        // advice about this certificate (a CA's bug, or a hostile
        // answer): followed, the certificate would expire unrenewed. The
        // caller falls back to the lifetime rule. (A window in the past
        // is followed: RFC 9773 §4.2 says to renew at once.)
        if let Some(na) = unix_of(&cert.not_after) {
            if answer.start >= na {
                return Err(Error::new(
                    Kind::CaUnreachable,
                    format!(
                        "the CA's suggested renewal window ({} to {}) starts after the certificate expires ({})",
                        crate::cert::rfc3339(answer.start),
                        crate::cert::rfc3339(answer.end),
                        cert.not_after
                    ),
                ));
            }
        }
        state.window = Some(renewal::choose(
            previous,
            &cert.serial,
            answer.start,
            answer.end,
            renewal::random_fraction(),
        ));
        state.cert_id = Some(cert_id);
        state.next_check = now + renewal::retry_after(answer.retry_after);
        state.explanation_url = answer.explanation_url;
        Ok(state)
    }

    /// The ARI identifier to send as `replaces` when ordering the
    /// successor of `cert` (RFC 9773 §5): the one of the decision's
    /// state, else asked of the directory; `None` when it offers no
    /// `renewalInfo` or cannot be read.
    pub fn replaces(
        &mut self,
        rec: &Record,
        origin: &AcmeOrigin,
        cert: &CertSummary,
        due: &Due,
    ) -> Option<String> {
        if let Some(s) = due.state.as_ref().filter(|s| s.serial == cert.serial) {
            return s.cert_id.clone();
        }
        let checker = self.checker().ok()?;
        checker
            .renewal_info_url(&origin.directory, origin.ca_file.as_deref())
            .ok()??;
        ari::cert_id(&rec.cert_pem().ok()??).ok()
    }

    /// After a renewal stored `new_cert` (its leaf `leaf_pem`): the state
    /// for it, asked of the CA (best effort: `None` when the check fails).
    pub fn after_renewal(
        &mut self,
        rec: &Record,
        origin: &AcmeOrigin,
        new_cert: &CertSummary,
        leaf_pem: &str,
        now: i64,
    ) -> Option<RenewalState> {
        self.check(rec, origin, new_cert, None, Some(leaf_pem), now)
            .ok()
    }
}

/// The decision a state gives: the CA's window when it has one, else the
/// lifetime rule (the directory offers no `renewalInfo`).
fn from_state(
    s: RenewalState,
    now: i64,
    checked: bool,
    lifetime: impl Fn(Option<RenewalState>, bool, Option<String>) -> Due,
) -> Due {
    match s.window {
        Some(w) => Due {
            reason: s.due(now),
            at: w.moment,
            state: Some(s),
            checked,
            note: None,
        },
        None => lifetime(Some(s), checked, None),
    }
}
