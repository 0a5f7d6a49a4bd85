//! The keystore: where records live, behind one interface ([`Store`]) that
//! every command talks to. The directory backend ([`dir::DirStore`], the
//! default, no server) and the PostgreSQL backend ([`pg::PgStore`], for a
//! `postgresql://` URL) implement [`Store`] and [`BatchWriter`].
//!
//! This room owns the record model ([`record`]: metadata, summaries, what
//! a commit writes), the interface, and choosing a backend for a
//! `--keystore` value ([`open`], [`default_root`]): a URL is never taken
//! for a directory. It must not print, and it never sees a passphrase: keys
//! arrive already encrypted (PKCS#8 PBES2) unless the user said
//! `--no-passphrase`.

use crate::field::Field;
use crate::mention;
use std::path::{Path, PathBuf};
use std::time::Duration;

use zeroize::Zeroizing;

use crate::error::{Error, Result};

mod acme;
pub mod dir;
pub(crate) mod io;
#[cfg(feature = "pg")]
pub mod pg;
mod record;

pub use acme::{check_account_name, AcmeAccount, AcmeChallenge, AcmeOrigin};
pub use io::atomic_write;
pub(crate) use record::StagedAt;
pub use record::{
    changed_meanwhile, check_stored_name, damaged, exists_error, is_revision_conflict, not_found,
    now_rfc3339, same_key, CertFiles, Fetch, FullRecord, HeldFiles, Listed, ListedFrom, LiveCert,
    Location, NewRecord, Put, Record, RecordMeta, Revision, Staged, Summary, CERT_FILE, CHAIN_FILE,
};

/// A keystore backend. Every method takes and releases whatever lock or
/// transaction it needs: a commit is all or nothing, and a refusal leaves
/// the keystore byte-identical.
///
/// Errors follow the exit codes of `crate::error::Kind`: 3 for an unknown
/// record, 4 for a name that is taken, 5 when the keystore stays locked
/// past the lock timeout (directory lock, or the server's lock or
/// statement timeout), 2 for a keystore csrkit refuses to use (a directory
/// others can write, a server it cannot reach or log in to, a schema newer
/// than this binary).
pub trait Store: Send + Sync {
    /// Where the keystore is, for messages: a directory path, or a URL
    /// without its password.
    fn location(&self) -> String;

    /// The directory a record's files are in, when the backend keeps them
    /// in one (shown to users as "CSR: `<dir>/csr.pem`").
    fn record_path(&self, name: &str) -> Option<PathBuf>;

    /// Whether a record of that name exists: a quick check before the
    /// expensive work; the commit checks again.
    fn exists(&self, name: &str) -> bool;

    /// Commits a new record, giving it the next id (ids are never
    /// reused). Exit 4 if the name is taken.
    fn create(&self, rec: NewRecord<'_>) -> Result<RecordMeta>;

    /// Commits a new revision of an existing record (same id); the current
    /// files move to its history. `rec.meta.revision` is the revision the
    /// caller read plus one: a record that moved on meanwhile (another
    /// commit) is exit 3 and nothing is written (compare-and-swap), as is
    /// a record deleted or replaced by another of that name.
    ///
    /// History keeps one copy of each distinct key: the replaced
    /// revision's `key.pem` goes to history only when its key differs
    /// from the new revision's (by SPKI, else by its bytes); otherwise
    /// that history entry holds no key (its key is a later revision's).
    fn replace(&self, rec: NewRecord<'_>) -> Result<RecordMeta> {
        self.replace_with_history_keys(rec, None, &[])
    }

    /// [`Store::replace`], and in the same commit every history
    /// revision's key rewritten as `keys` says: `(revision, Some(pem))` the
    /// key under the current protection, `(revision, None)` no key kept
    /// for that revision; revisions not listed keep theirs (`passwd`,
    /// `history --prune`). With `expected_revision`, the commit is refused
    /// (exit 3, nothing written) unless the record is still at that
    /// revision: the caller read the history it rewrites at that revision.
    fn replace_with_history_keys(
        &self,
        rec: NewRecord<'_>,
        expected_revision: Option<u32>,
        keys: &[HistoryKey],
    ) -> Result<RecordMeta>;

    /// Deletes a record with its history.
    fn delete(&self, rec: &Record) -> Result<()>;

    /// Deletes whatever holds the name `name` when it cannot be read as a
    /// record (`find` fails on it: a corrupt record.json, a symbolic link,
    /// a stray directory), never following a link. Returns what was
    /// removed, in words for the user. Exit 3 when nothing holds the name.
    fn delete_damaged(&self, name: &str) -> Result<String>;

    /// Warnings for the records the last [`Store::list`] skipped because
    /// they cannot be read (each names the record; its remedy removes
    /// it). Empty for a backend that never skips.
    fn skipped(&self) -> Vec<Error> {
        Vec::new()
    }

    /// Finds a record by name, or by id (decimal). Exit 3 if none.
    fn find(&self, name_or_id: &str) -> Result<Record>;

    /// Every record's summary, sorted by id.
    fn list(&self) -> Result<Vec<Listed>>;

    /// Every record's summary, sorted by id, handed to `each` as it is
    /// read: a backend that streams (PostgreSQL) calls it before the last
    /// row arrives. `each` must not use this store (its connection is
    /// busy); its error stops the listing and is returned. The default
    /// reads [`Store::list`] whole.
    fn list_each(&self, each: &mut dyn FnMut(Listed) -> Result<()>) -> Result<()> {
        self.list()?.into_iter().try_for_each(each)
    }

    /// Whether [`Store::list_each`] streams (rows reach `each` before the
    /// whole list is read), so that a caller prints them page by page.
    fn streams_list(&self) -> bool {
        false
    }

    /// The record whose key has this SubjectPublicKeyInfo (its SHA-256,
    /// colon hex, as [`RecordMeta::spki_sha256`]), if any.
    fn find_by_spki(&self, spki_sha256: &str) -> Result<Option<Record>>;

    /// A record's private key as stored (PEM; encrypted PKCS#8 unless it
    /// was made with `--no-passphrase`).
    fn read_key_pem(&self, rec: &Record) -> Result<Zeroizing<String>>;

    /// Starts a batch of about `expected` new records (`generate --batch`):
    /// records are written from many threads and committed in groups.
    fn stage(&self, expected: usize) -> Result<Box<dyn BatchWriter + '_>>;

    /// A record with its whole history, for `keystore copy`.
    fn read_full(&self, rec: &Record) -> Result<FullRecord>;

    /// One revision of a record, owned whole (the current one, or one its
    /// history keeps): a renewing record's live certificate, key and chain
    /// are read this way ([`RecordMeta::live`]). Exit 3 when the record
    /// has no such revision. The default reads [`Store::read_full`].
    fn read_revision(&self, rec: &Record, revision: u32) -> Result<Revision> {
        let full = self.read_full(rec)?;
        if full.current.meta.revision == revision {
            return Ok(full.current);
        }
        full.history
            .into_iter()
            .find(|r| r.meta.revision == revision)
            .ok_or_else(|| {
                Error::not_found(format!(
                    "record {} has no revision {revision} in its history",
                    rec.meta.name
                ))
                .with_remedy(crate::error::Remedy::ShowRevisions(rec.meta.name.clone()))
            })
    }

    /// Writes a record with its history and its id, atomically
    /// (`keystore copy`); ids given out later follow it. [`Put::Present`]
    /// when the store already holds this record (same name, id and
    /// revision): a copy resumed after an interruption skips it. Exit 4
    /// when the name or the id belongs to another record.
    fn put_full(&self, full: &FullRecord) -> Result<Put>;

    /// Brings the store's layout up to this binary's (`keystore
    /// migrate`): the schema version before and after. Both `None` for a
    /// backend without versions (a directory).
    fn migrate(&self) -> Result<(Option<u32>, Option<u32>)> {
        Ok((None, None))
    }

    /// The ACME account stored for (`directory` URL, `name`), with its key
    /// as stored (PEM, encrypted PKCS#8 unless made with
    /// `--no-passphrase`); `None` when there is none. The default (a
    /// backend without accounts yet): exit 2 saying so.
    fn acme_account(
        &self,
        directory: &str,
        name: &str,
    ) -> Result<Option<(AcmeAccount, Zeroizing<String>)>> {
        let _ = (directory, name);
        Err(acme_unsupported(&self.location()))
    }

    /// Every stored ACME account with its key PEM, for `keystore copy`.
    /// The default (a backend without accounts yet): none.
    fn acme_accounts(&self) -> Result<Vec<(AcmeAccount, Zeroizing<String>)>> {
        Ok(Vec::new())
    }

    /// Stores a new ACME account with its key PEM, atomically; exit 4 when
    /// one is stored for the same directory URL and name.
    fn put_acme_account(&self, account: &AcmeAccount, key_pem: &str) -> Result<()> {
        let _ = (account, key_pem);
        Err(acme_unsupported(&self.location()))
    }

    /// The new key of an account whose key change is pending
    /// ([`AcmeAccount::pending_key`]), as stored (PEM); `None` when there
    /// is none. The default (a backend without accounts yet): none.
    fn acme_pending_key(&self, directory: &str, name: &str) -> Result<Option<Zeroizing<String>>> {
        let _ = (directory, name);
        Ok(None)
    }

    /// Replaces a stored account (same directory URL and name) with
    /// `account`, its key `key_pem` and, when given, the pending new key
    /// of a key change, all at once: a crash leaves the old account or
    /// the new one whole. Exit 3 when no such account is stored.
    fn replace_acme_account(
        &self,
        account: &AcmeAccount,
        key_pem: &str,
        pending_key_pem: Option<&str>,
    ) -> Result<()> {
        let _ = (account, key_pem, pending_key_pem);
        Err(acme_unsupported(&self.location()))
    }

    /// The renewal state `renew` keeps for the record with this id (RFC
    /// 9773: the CA's suggested window, the moment chosen in it, when the
    /// next check is allowed), as JSON text; `None` when none is stored.
    /// A cache: losing it costs one more check. The default: none.
    fn acme_renewal_state(&self, record_id: &str) -> Result<Option<String>> {
        let _ = record_id;
        Ok(None)
    }

    /// Stores the renewal state for the record with this id, replacing
    /// the previous one atomically. The default: stores nothing.
    fn put_acme_renewal_state(&self, record_id: &str, state: &str) -> Result<()> {
        let _ = (record_id, state);
        Ok(())
    }
}

fn acme_unsupported(location: &str) -> Error {
    Error::invalid(
        Field::Keystore,
        format!("the keystore {location} cannot hold ACME accounts yet"),
    )
    .with_hint("order into a directory keystore")
}

/// One history revision's key as a commit rewrites it (see
/// [`Store::replace_with_history_keys`]): `None` keeps no key for it.
pub type HistoryKey = (u32, Option<Zeroizing<String>>);

/// A batch of new records being committed (see [`Store::stage`]). Dropping
/// it removes whatever was written and not committed.
pub trait BatchWriter: Send + Sync {
    /// Writes a record (from any thread) and gives it its id. Exit 4 if
    /// another record of the batch has the name.
    fn write(&self, rec: NewRecord<'_>) -> Result<Staged>;

    /// Commits written records; results are per record, in order. `Err`
    /// for the whole group only when the lock or a flush fails.
    fn commit(&self, staged: Vec<Staged>) -> Result<Vec<Result<RecordMeta>>>;
}

/// The keystore a command works on.
pub type Keystore = Box<dyn Store>;

/// Opens the keystore named by `location`: a `postgresql://` (or
/// `postgres://`) URL opens [`pg::PgStore`] (connected on first use),
/// anything else is a directory ([`dir::DirStore`], created 0700 on the
/// first write). `lock_timeout`: how long a writer waits for the lock, or
/// the server's lock and statement timeout (exit 5).
///
/// Errors (exit 2): another `scheme://` value, which is never taken for a
/// directory; a PostgreSQL URL that does not parse (named without its
/// password).
pub fn open(location: PathBuf, lock_timeout: Duration) -> Result<Keystore> {
    match scheme(&location) {
        Some(s) if PG_SCHEMES.contains(&s.as_str()) => open_pg(&location, lock_timeout),
        Some(s) => Err(Error::invalid(
            Field::Keystore,
            format!("{s}:// keystores are not supported"),
        )
        .with_hint("give a directory, or a postgresql://user@host:port/db URL")),
        None => Ok(Box::new(dir::DirStore::new(location, lock_timeout))),
    }
}

/// The URL schemes of the PostgreSQL backend.
pub const PG_SCHEMES: [&str; 2] = ["postgresql", "postgres"];

/// A PostgreSQL keystore (the `pg` cargo feature, on by default).
#[cfg(feature = "pg")]
fn open_pg(location: &Path, lock_timeout: Duration) -> Result<Keystore> {
    Ok(Box::new(pg::PgStore::new(location, lock_timeout)?))
}

/// Built without the `pg` cargo feature: a PostgreSQL URL is refused
/// (exit 2), naming how to get a csrkit that opens it.
#[cfg(not(feature = "pg"))]
fn open_pg(_location: &Path, _lock_timeout: Duration) -> Result<Keystore> {
    Err(Error::invalid(
        Field::Keystore,
        "this csrkit was built without PostgreSQL keystores (the `pg` cargo feature)",
    )
    .with_hint("build csrkit with its default features (`cargo build`, or with the pg feature), or give a directory"))
}

/// Whether a keystore URL carries a password (see
/// `pg::connect::has_password`); never true without the `pg` feature,
/// where no URL is opened.
pub fn url_has_password(url: &str) -> bool {
    #[cfg(feature = "pg")]
    return pg::connect::has_password(url);
    #[cfg(not(feature = "pg"))]
    {
        let _ = url;
        false
    }
}

/// The URL scheme of a `--keystore` value (`scheme://...`, lowercased),
/// if it has one.
pub fn scheme(location: &Path) -> Option<String> {
    let s = location.to_str()?;
    let (scheme, _) = s.split_once("://")?;
    let ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    ok.then(|| scheme.to_ascii_lowercase())
}

/// The default keystore: `$XDG_DATA_HOME/csrkit`, else
/// `~/.local/share/csrkit`. Relative values are ignored, as the XDG base
/// directory spec asks; `~` is `$HOME`, else the user's home directory from
/// the password database. With neither, an error: private keys are never
/// put in a directory relative to wherever the command happens to run.
pub fn default_root() -> Result<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
    {
        return Ok(x.join("csrkit"));
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::home_dir().filter(|p| p.is_absolute()));
    match home {
        Some(home) => Ok(home.join(".local/share/csrkit")),
        None => Err(Error::invalid(
            Field::Keystore,
            "no home directory to hold the default keystore (HOME is not set or not absolute)",
        )
        .with_hint(concat!(
            "give ",
            mention!(keystore),
            " DIR or set CSRKIT_KEYSTORE"
        ))),
    }
}
