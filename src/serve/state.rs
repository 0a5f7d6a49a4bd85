//! What each vendor's listener keeps of its own: the journal of requests
//! (bounded), the faults armed through `POST /_csrkit/faults`, the
//! sessions and tokens its auth flow handed out, the SBC lock and the
//! ArcGIS binding, and its group committer; with the [`Shared`] state of
//! all listeners. Nothing here logs a secret.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::commit::Committer;
pub use super::shared::{lock, token, Shared};
use super::vendor::Vendor;
use crate::error::{Error, Result};

/// How many requests the journal keeps (the oldest go first).
pub const JOURNAL_MAX: usize = 10_000;

/// One line of the journal: no query, no header, no body (they may carry
/// a token, a password or a key).
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub method: String,
    pub path: String,
    pub status: u16,
    /// RFC 3339, UTC.
    pub time: String,
}

/// A fault armed by `POST /_csrkit/faults`: the next `times` requests
/// whose method and path match answer `status` with the vendor's error
/// body.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// An HTTP method, or `*` for any.
    pub method: String,
    /// The request path as sent (no query), or a prefix ending in `*`.
    pub path: String,
    pub status: u16,
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

impl Fault {
    fn matches(&self, method: &str, path: &str) -> bool {
        let m = self.method == "*" || self.method.eq_ignore_ascii_case(method);
        let p = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => self.path == path,
        };
        m && p && self.times > 0
    }

    /// Exit 2 for a status that is not an HTTP error, a method or path
    /// that is empty.
    pub fn check(&self) -> Result<()> {
        if !(400..=599).contains(&self.status) {
            return Err(Error::invalid_as(
                "status",
                format!("{} is not an HTTP error status (400-599)", self.status),
            ));
        }
        if self.method.is_empty() || self.path.is_empty() || !self.path.starts_with('/') {
            return Err(Error::invalid_as(
                "path",
                "give the method (or *) and the path as the client sends it, starting with /",
            ));
        }
        Ok(())
    }
}

/// A session or token a vendor's auth flow handed out.
#[derive(Clone, Debug)]
pub struct Session {
    /// The anti-CSRF value that must come back (NSX `X-XSRF-TOKEN`,
    /// XClarity `X-Csrf-Token`), if the vendor has one.
    pub csrf: Option<String>,
    /// Unix seconds after which the session is no longer accepted.
    pub expires: i64,
}

/// One vendor's listener: the shared state and its own journal, faults and
/// sessions.
pub struct Listener {
    pub vendor: Vendor,
    pub shared: Arc<Shared>,
    journal: Mutex<VecDeque<Entry>>,
    faults: Mutex<Vec<Fault>>,
    pub sessions: Mutex<HashMap<String, Session>>,
    /// The SBC configuration lock: the token that holds it.
    pub lock_owner: Mutex<Option<String>>,
    /// ArcGIS: the alias `sslCertificates/update` bound.
    pub web_alias: Mutex<Option<String>>,
    /// Commits the records this listener makes, in groups.
    pub committer: Committer,
}

impl Listener {
    pub fn new(vendor: Vendor, shared: Arc<Shared>) -> Listener {
        Listener {
            vendor,
            committer: Committer::start(shared.clone()),
            shared,
            journal: Mutex::new(VecDeque::new()),
            faults: Mutex::new(Vec::new()),
            sessions: Mutex::new(HashMap::new()),
            lock_owner: Mutex::new(None),
            web_alias: Mutex::new(None),
        }
    }

    pub fn record(&self, e: Entry) {
        let mut j = lock(&self.journal);
        if j.len() >= JOURNAL_MAX {
            j.pop_front();
        }
        j.push_back(e);
    }

    pub fn journal(&self) -> Vec<Entry> {
        lock(&self.journal).iter().cloned().collect()
    }

    pub fn arm(&self, f: Fault) {
        lock(&self.faults).push(f);
    }

    /// The status of the first armed fault matching this request, used up
    /// by one.
    pub fn take_fault(&self, method: &str, path: &str) -> Option<u16> {
        let mut faults = lock(&self.faults);
        let f = faults.iter_mut().find(|f| f.matches(method, path))?;
        f.times -= 1;
        let status = f.status;
        faults.retain(|f| f.times > 0);
        Some(status)
    }

    /// A new session, valid for `ttl` seconds: its token and its CSRF value.
    pub fn open_session(&self, ttl: i64, with_csrf: bool) -> (String, Option<String>) {
        let t = token();
        let csrf = with_csrf.then(token);
        let s = Session {
            csrf: csrf.clone(),
            expires: crate::cert::now() + ttl,
        };
        let mut sessions = lock(&self.sessions);
        let now = crate::cert::now();
        sessions.retain(|_, s| s.expires > now);
        sessions.insert(t.clone(), s);
        (t, csrf)
    }

    /// The live session of this token, if any.
    pub fn session(&self, token: &str) -> Option<Session> {
        let sessions = lock(&self.sessions);
        sessions
            .get(token)
            .filter(|s| s.expires > crate::cert::now())
            .cloned()
    }

    pub fn close_session(&self, token: &str) {
        lock(&self.sessions).remove(token);
    }
}
