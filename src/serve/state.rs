//! What every listener shares (the keystore, the config defaults, the key
//! passphrase, the one user and password) and what each vendor's listener
//! keeps of its own: the journal of requests (bounded), the faults armed
//! through `POST /_csrkit/faults`, and the sessions and tokens its auth
//! flow handed out. Credentials are compared by their SHA-256 digests in
//! constant time; nothing here logs a secret.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use base64::Engine;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::Vendor;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::keys::Passphrase;
use crate::keystore::Keystore;

/// How many requests the journal keeps (the oldest go first).
pub const JOURNAL_MAX: usize = 10_000;

/// What all listeners share.
pub struct Shared {
    pub keystore: Keystore,
    pub config: Config,
    /// Encrypts the keys serve makes (`None`: stored unencrypted, as
    /// `--no-passphrase` asks).
    pub key_pass: Option<Passphrase>,
    pub user: String,
    password_sha256: [u8; 32],
}

impl Shared {
    pub fn new(
        keystore: Keystore,
        config: Config,
        key_pass: Option<Passphrase>,
        user: String,
        password: &Zeroizing<String>,
    ) -> Shared {
        Shared {
            keystore,
            config,
            key_pass,
            user,
            password_sha256: sha256(password.as_bytes()),
        }
    }

    /// Whether `user` and `password` are the ones serve was given.
    pub fn credentials_ok(&self, user: &str, password: &[u8]) -> bool {
        let user_ok = constant_eq(&sha256(user.as_bytes()), &sha256(self.user.as_bytes()));
        let pass_ok = constant_eq(&sha256(password), &self.password_sha256);
        user_ok & pass_ok
    }

    /// Whether an `Authorization: Basic` header value holds the credentials.
    pub fn basic_ok(&self, header: Option<&str>) -> bool {
        let Some(v) = header else { return false };
        let Some(b64) = v
            .strip_prefix("Basic ")
            .or_else(|| v.strip_prefix("basic "))
        else {
            return false;
        };
        let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(b64.trim()) else {
            return false;
        };
        let raw = Zeroizing::new(raw);
        let Some(colon) = raw.iter().position(|b| *b == b':') else {
            return false;
        };
        let Ok(user) = std::str::from_utf8(&raw[..colon]) else {
            return false;
        };
        self.credentials_ok(user, &raw[colon + 1..])
    }
}

fn sha256(data: &[u8]) -> [u8; 32] {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

fn constant_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A random token: 32 bytes from the system's CSPRNG, hex.
pub fn token() -> String {
    use aws_lc_rs::rand::SecureRandom;
    let mut b = [0u8; 32];
    // SystemRandom fails only when the OS has no entropy source.
    if aws_lc_rs::rand::SystemRandom::new().fill(&mut b).is_err() {
        panic_free_fallback(&mut b);
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Never expected; keeps `token` total without a panic.
fn panic_free_fallback(b: &mut [u8; 32]) {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    b[..16].copy_from_slice(&t.to_le_bytes());
}

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
            return Err(Error::invalid(
                "status",
                format!("{} is not an HTTP error status (400-599)", self.status),
            ));
        }
        if self.method.is_empty() || self.path.is_empty() || !self.path.starts_with('/') {
            return Err(Error::invalid(
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
    pub committer: super::commit::Committer,
}

/// A poisoned mutex still holds usable data (every critical section here
/// leaves it consistent).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Listener {
    pub fn new(vendor: Vendor, shared: Arc<Shared>) -> Listener {
        Listener {
            vendor,
            committer: super::commit::Committer::start(shared.clone()),
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
