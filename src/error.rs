//! Error kinds and the one place where an error becomes an exit code.

use std::fmt;

/// What went wrong, as a user or a script sees it. Each kind maps to one
/// exit code (README, "Exit codes") and one HTTP status for vendor error bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A bug or an environment failure (I/O, corrupt record): exit 1.
    Internal,
    /// Usage error or invalid input: exit 2.
    Invalid,
    /// Record or file not found: exit 3.
    NotFound,
    /// Record already exists: exit 4.
    Exists,
    /// The keystore lock could not be taken in time: exit 5.
    Locked,
    /// Wrong passphrase or undecryptable key: exit 6.
    Passphrase,
    /// A CSR whose signature does not verify: exit 7.
    BadSignature,
    /// A certificate that belongs to no record, or not to the record
    /// named: exit 8.
    Mismatch,
    /// A certificate chain that cannot be built (`--require-chain`) or
    /// whose links do not verify: exit 9.
    Chain,
    /// A check found something (`expiring`, `lint`): exit 10. Not a
    /// failure of the command: the findings are its output.
    Found,
    /// The ACME CA refused (a problem document, RFC 8555 §6.7): exit 11.
    CaRefused,
    /// An ACME challenge failed, or a challenge hook failed: exit 12.
    ChallengeFailed,
    /// The ACME CA could not be reached, answered 5xx after retries, or
    /// polling ran past the timeout: exit 13.
    CaUnreachable,
}

impl Kind {
    pub fn exit_code(self) -> i32 {
        match self {
            Kind::Internal => 1,
            Kind::Invalid => 2,
            Kind::NotFound => 3,
            Kind::Exists => 4,
            Kind::Locked => 5,
            Kind::Passphrase => 6,
            Kind::BadSignature => 7,
            Kind::Mismatch => 8,
            Kind::Chain => 9,
            Kind::Found => 10,
            Kind::CaRefused => 11,
            Kind::ChallengeFailed => 12,
            Kind::CaUnreachable => 13,
        }
    }

    /// The kind in snake_case, as `--format json` error bodies name it
    /// (`internal`, `invalid`, `not_found`, `exists`, `locked`,
    /// `passphrase`, `bad_signature`, `mismatch`, `chain`, `found`,
    /// `ca_refused`, `challenge_failed`, `ca_unreachable`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Internal => "internal",
            Kind::Invalid => "invalid",
            Kind::NotFound => "not_found",
            Kind::Exists => "exists",
            Kind::Locked => "locked",
            Kind::Passphrase => "passphrase",
            Kind::BadSignature => "bad_signature",
            Kind::Mismatch => "mismatch",
            Kind::Chain => "chain",
            Kind::Found => "found",
            Kind::CaRefused => "ca_refused",
            Kind::ChallengeFailed => "challenge_failed",
            Kind::CaUnreachable => "ca_unreachable",
        }
    }

    /// The HTTP status a vendor API would answer with.
    pub fn http_status(self) -> u16 {
        match self {
            Kind::Internal => 500,
            Kind::Invalid => 400,
            Kind::NotFound => 404,
            Kind::Exists => 409,
            Kind::Locked => 423,
            Kind::Passphrase => 401,
            Kind::BadSignature => 400,
            Kind::Mismatch => 409,
            Kind::Chain => 400,
            Kind::Found => 200,
            Kind::CaRefused => 502,
            Kind::ChallengeFailed => 502,
            Kind::CaUnreachable => 504,
        }
    }
}

/// A user-facing error: one line of message, an optional hint, and the
/// input field it concerns (used by vendor error bodies).
#[derive(Debug, Clone)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub hint: Option<String>,
    pub field: Option<String>,
    /// The ACME problem behind a `CaRefused`/`ChallengeFailed` error
    /// (`{"type","detail","status","subproblems","identifier"}`), shown
    /// as `"acme"` in the JSON error body.
    pub acme: Option<Box<serde_json::Value>>,
}

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: one_line(message.into()),
            hint: None,
            field: None,
            acme: None,
        }
    }

    /// Invalid input for `field`; the message names the field.
    pub fn invalid(field: &str, message: impl fmt::Display) -> Self {
        let mut e = Error::new(Kind::Invalid, format!("{field}: {message}"));
        e.field = Some(field.to_string());
        e
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Error::new(Kind::Invalid, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(Kind::Internal, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Error::new(Kind::NotFound, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(one_line(hint.into()));
        self
    }

    pub fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }

    /// Adds a prefix naming where the error happened (e.g. a batch line).
    pub fn context(mut self, prefix: impl fmt::Display) -> Self {
        self.message = format!("{prefix}: {}", self.message);
        self
    }

    pub fn exit_code(&self) -> i32 {
        self.kind.exit_code()
    }

    /// The error as `--format json` prints it on stdout:
    /// `{"error":{"exit_code":N,"kind":"not_found","message":..,"hint":..,"field":..}}`
    /// (`hint` and `field` are `null` when absent).
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({"error": {
            "exit_code": self.exit_code(),
            "kind": self.kind.name(),
            "message": self.message,
            "hint": self.hint,
            "field": self.field,
        }});
        if let Some(acme) = &self.acme {
            v["error"]["acme"] = (**acme).clone();
        }
        v
    }
}

/// Error messages are one line: control characters (which could come from
/// hostile input) are shown escaped.
fn one_line(s: String) -> String {
    if !s.chars().any(char::is_control) {
        return s;
    }
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::internal(e.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Format an I/O error with the path it concerns.
pub fn io_at(path: &std::path::Path, e: std::io::Error) -> Error {
    let kind = match e.kind() {
        std::io::ErrorKind::NotFound => Kind::NotFound,
        _ => Kind::Internal,
    };
    let mut err = Error::new(kind, format!("{}: {}", path.display(), e));
    if e.raw_os_error() == Some(libc::ENOSPC) {
        err = err.with_hint("the file system is full; free some space and run the command again");
    } else if matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE)) {
        err = err.with_hint(
            "too many open files; raise the limit (ulimit -n), or for --batch use fewer --jobs, and run the command again",
        );
    } else if e.raw_os_error() == Some(libc::EROFS)
        || e.kind() == std::io::ErrorKind::PermissionDenied
    {
        err = err
            .with_hint("the keystore is not writable; check its permissions or use --keystore DIR");
    }
    err
}
