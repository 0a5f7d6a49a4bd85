//! What every listener shares: the keystore, the config defaults, the
//! key passphrase, the one user and password (compared by their SHA-256
//! digests in constant time; never logged), random tokens, and the mutex
//! helper the listeners use.

use std::sync::{Mutex, MutexGuard};

use base64::Engine;
use zeroize::Zeroizing;

use crate::config::Config;
use crate::keys::Passphrase;
use crate::keystore::Keystore;

/// What all listeners share.
pub struct Shared {
    pub keystore: Keystore,
    pub config: Config,
    /// Encrypts the keys serve makes (`None`: stored unencrypted, as
    /// `--no-passphrase` asks).
    pub key_pass: Option<Passphrase>,
    pub user: String,
    password_sha256: [u8; 32],
    /// Seconds a session lasts, when the user set it (see
    /// [`Shared::session_ttl`]).
    session_lifetime: Option<i64>,
}

impl Shared {
    pub fn new(
        keystore: Keystore,
        config: Config,
        key_pass: Option<Passphrase>,
        user: String,
        password: &Zeroizing<String>,
        session_lifetime: Option<i64>,
    ) -> Shared {
        Shared {
            keystore,
            config,
            key_pass,
            user,
            password_sha256: sha256(password.as_bytes()),
            session_lifetime,
        }
    }

    /// How long a new session lasts, in seconds: the lifetime serve was
    /// given, else the vendor's `default`.
    pub fn session_ttl(&self, default: i64) -> i64 {
        self.session_lifetime.unwrap_or(default)
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

/// A poisoned mutex still holds usable data (every critical section here
/// leaves it consistent).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
