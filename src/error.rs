//! Error kinds and the one place where an error becomes an exit code.

use std::fmt;

pub use crate::field::{self, Field};

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
/// input field it concerns.
///
/// The message and the hint may mention fields ([`Field::mention`]); an
/// edge names them ([`Error::named`]) before it shows the error: the CLI
/// as its options, `serve` and the config file as keys, a vendor body as
/// the vendor's fields.
#[derive(Debug, Clone)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub hint: Option<String>,
    /// The input field the error concerns (vendor error codes and the
    /// JSON body's `field` key derive from it).
    pub field: Option<Field>,
    /// The field as the error names it, when that is not a [`Field`] (a
    /// vendor body's own field, an operand) or once an edge has named it.
    pub label: Option<String>,
    /// What the user can do, for an edge to word (a command to run).
    pub remedy: Option<Remedy>,
    /// The ACME problem behind a `CaRefused`/`ChallengeFailed` error
    /// (`{"type","detail","status","subproblems","identifier"}`), shown
    /// as `"acme"` in the JSON error body.
    pub acme: Option<Box<serde_json::Value>>,
}

/// A way out of an error that names a csrkit operation; the CLI words it
/// as a command line (`commands::`), other front ends as they can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    /// The record is damaged or unreadable: delete it (with its history).
    DeleteRecord(String),
    /// The record exists: make a new CSR for it instead, or pick another name.
    RegenerateRecord(String),
    /// No such record: list the records.
    ListRecords,
    /// The record is renewing: its revisions say which certificate is live.
    ShowRevisions(String),
    /// The certificate is lost or unusable: take the CSR to the CA again.
    DownloadCsr(String),
    /// The name is missing or invalid: give one.
    GiveName,
}

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: one_line(message.into()),
            hint: None,
            field: None,
            label: None,
            remedy: None,
            acme: None,
        }
    }

    /// Invalid input for `field`; the message starts with the field (named
    /// at the edge).
    pub fn invalid(field: Field, message: impl fmt::Display) -> Self {
        let mut e = Error::new(Kind::Invalid, format!("{}: {message}", field.mention()));
        e.field = Some(field);
        e
    }

    /// Invalid input for a field named `name` as the input itself names it
    /// (a vendor body's field, an operand such as `NAME`); the message
    /// starts with `name`.
    pub fn invalid_as(name: &str, message: impl fmt::Display) -> Self {
        let mut e = Error::new(Kind::Invalid, format!("{name}: {message}"));
        e.label = Some(name.to_string());
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

    /// The error concerns `field` (the message is unchanged).
    pub fn with_field(mut self, field: Field) -> Self {
        self.field = Some(field);
        self.label = None;
        self
    }

    /// The error as about `to` instead of its own field: the field, and
    /// the mention the message starts with (a `--san ip:...` value is
    /// refused as `--san`, not as `--ip`).
    pub fn renamed(mut self, to: Field) -> Self {
        if let Some(from) = self.field {
            let (old, new) = (from.mention().to_string(), to.mention().to_string());
            if self.message.starts_with(&old) {
                self.message = self.message.replacen(&old, &new, 1);
            }
            self.field = Some(to);
        }
        self
    }

    /// The error concerns a field named `name` as the input names it.
    pub fn with_label(mut self, name: &str) -> Self {
        self.field = None;
        self.label = Some(name.to_string());
        self
    }

    pub fn with_remedy(mut self, remedy: Remedy) -> Self {
        self.remedy = Some(remedy);
        self
    }

    /// Adds a prefix naming where the error happened (e.g. a batch line).
    pub fn context(mut self, prefix: impl fmt::Display) -> Self {
        self.message = one_line(format!("{prefix}: {}", self.message));
        self
    }

    /// The error as an edge shows it: every field its message and hint
    /// mention named by `name`, and its own field too (`label`).
    pub fn named(mut self, name: &dyn Fn(Field) -> String) -> Self {
        self.message = field::render(&self.message, name);
        self.hint = self.hint.map(|h| field::render(&h, name));
        if self.label.is_none() {
            self.label = self.field.map(name);
        }
        self
    }

    /// The message without the field it starts with (a prompt or the
    /// config file shows the field itself); other mentions are kept for
    /// the edge.
    pub fn detail(&self) -> String {
        let m = self.message.as_str();
        if let Some((f, len)) = field::mention_at(m) {
            if Some(f) == self.field {
                if let Some(rest) = m[len..].strip_prefix(": ") {
                    return rest.to_string();
                }
            }
        }
        if let Some(l) = &self.label {
            if let Some(rest) = m
                .strip_prefix(l.as_str())
                .and_then(|r| r.strip_prefix(": "))
            {
                return rest.to_string();
            }
        }
        m.to_string()
    }

    pub fn exit_code(&self) -> i32 {
        self.kind.exit_code()
    }

    /// The error as `--format json` prints it on stdout:
    /// `{"error":{"exit_code":N,"kind":"not_found","message":..,"hint":..,"field":..}}`
    /// (`hint` and `field` are `null` when absent). Fields not yet named
    /// by an edge ([`Error::named`]) are named by their keys.
    pub fn to_json(&self) -> serde_json::Value {
        let e = self.clone().named(&|f| f.key().to_string());
        let mut v = serde_json::json!({"error": {
            "exit_code": self.exit_code(),
            "kind": self.kind.name(),
            "message": e.message,
            "hint": e.hint,
            "field": e.label,
        }});
        if let Some(acme) = &self.acme {
            v["error"]["acme"] = (**acme).clone();
        }
        v
    }
}

/// Error messages are one line: control characters (which could come from
/// hostile input) are shown escaped; field mentions are kept for the edge.
fn one_line(s: String) -> String {
    if !s.chars().any(char::is_control) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s.as_str();
    while let Some(c) = rest.chars().next() {
        if c == field::OPEN {
            if let Some((_, len)) = field::mention_at(rest) {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
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
            format!("too many open files; raise the limit (ulimit -n), or for {} use fewer {}, and run the command again", Field::Batch.mention(), Field::Jobs.mention()),
        );
    } else if e.raw_os_error() == Some(libc::EROFS)
        || e.kind() == std::io::ErrorKind::PermissionDenied
    {
        err = err.with_hint(format!(
            "the keystore is not writable; check its permissions or use {} DIR",
            Field::Keystore.mention()
        ));
    }
    err
}
