//! What a keystore holds, whatever the backend: a record's metadata
//! (`record.json`, [`RecordMeta`]), a record as found ([`Record`], its
//! files behind a [`Location`]: a directory, or held in memory as a server
//! returned them), its `list` summary ([`Summary`], [`Listed`]), what a
//! commit writes ([`NewRecord`], [`Staged`]), a record with its history as
//! `keystore copy` moves it ([`FullRecord`]), and the errors every backend
//! gives for a name that is taken or unknown (exit 4, exit 3). No backend
//! logic lives here; reading a record's files goes through [`super::io`],
//! which never follows a symlink.

use crate::field::Field;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::io::{check_not_writable_by_others, nofollow_read};
use crate::cert::{CertSummary, Status};
use crate::error::{io_at, Error, Kind, Remedy, Result};
use crate::request::{KeySpec, Request};
use zeroize::Zeroizing;

/// record.json
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordMeta {
    pub id: u64,
    pub name: String,
    pub description: Option<String>,
    pub created: String,
    pub modified: String,
    pub revision: u32,
    pub key: KeySpec,
    pub encrypted: bool,
    pub request: Request,
    /// SHA-256 of the key's SubjectPublicKeyInfo (colon hex): how an
    /// imported certificate finds its record. Absent in records written
    /// before csrkit kept it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spki_sha256: Option<String>,
    /// The certificate imported or self-signed for this revision (its
    /// files are `cert.pem` and `chain.pem`); absent while pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertSummary>,
    /// While this revision's CSR waits for its CA (after `regenerate`):
    /// the certificate still deployed, issued for an earlier revision
    /// that history keeps whole (key, CSR, certificate, chain). `show`,
    /// `list`, `expiring` and `export` go on seeing it until a
    /// certificate is stored for this revision, which retires it. Absent
    /// when [`RecordMeta::certificate`] is set, or nothing was deployed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<LiveCert>,
    /// How the certificate was ordered over ACME (SPEC §13), for `renew`;
    /// absent for a certificate from elsewhere. Records that carry it are
    /// refused by binaries older than this field (`deny_unknown_fields`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acme: Option<super::AcmeOrigin>,
}

/// The certificate a renewing record still has deployed (see
/// [`RecordMeta::live`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveCert {
    /// The revision it was stored with; its files are that revision's in
    /// history (`history/<revision>/` in a directory keystore).
    pub revision: u32,
    /// Its summary, as that revision's record.json has it.
    pub certificate: CertSummary,
}

impl RecordMeta {
    /// The certificate in service: this revision's own, else the live one
    /// of a renewing record.
    pub fn deployed(&self) -> Option<&CertSummary> {
        self.certificate
            .as_ref()
            .or(self.live.as_ref().map(|l| &l.certificate))
    }

    /// Whether a new CSR waits for its CA while an earlier certificate
    /// stays deployed.
    pub fn renewing(&self) -> bool {
        self.certificate.is_none() && self.live.is_some()
    }

    /// What a new revision that drops this one's certificate (a new CSR)
    /// keeps deployed: this revision's certificate, else whatever this
    /// revision kept.
    pub fn live_after_new_csr(&self) -> Option<LiveCert> {
        match &self.certificate {
            Some(c) => Some(LiveCert {
                revision: self.revision,
                certificate: c.clone(),
            }),
            None => self.live.clone(),
        }
    }

    /// What a new revision (`self`) that replaces `current` keeps
    /// deployed, decided by the backend under its lock or transaction: a
    /// revision with its own certificate retires the live one; one without
    /// (a new CSR, a new passphrase while renewing) keeps what `current`
    /// deploys.
    pub fn carry_live_from(&mut self, current: &RecordMeta) {
        self.live = if self.certificate.is_some() {
            None
        } else {
            current.live_after_new_csr()
        };
    }
}

/// A record as found: its metadata, and where its files are read from
/// ([`Location`]). The CSR and certificate are read through
/// [`Record::csr_pem`], [`Record::cert_pem`] and [`Record::chain_pem`]
/// whatever the backend; the key only through `Store::read_key_pem`.
#[derive(Clone, Debug)]
pub struct Record {
    pub meta: RecordMeta,
    pub at: Location,
}

/// Where a record's files are.
#[derive(Clone, Debug)]
pub enum Location {
    /// The directory backend: the record's directory (files read on
    /// demand, never through a symlink).
    Dir(PathBuf),
    /// A backend that hands a record over whole (PostgreSQL): the CSR and
    /// certificate came with the metadata, in the same transaction.
    Held(Arc<HeldFiles>),
}

/// A record's public files as a server-backed store returns them.
#[derive(Debug, Default)]
pub struct HeldFiles {
    pub csr_pem: String,
    pub cert_pem: Option<String>,
    pub chain_pem: Option<String>,
}

impl Record {
    /// The record's directory, when its backend keeps one.
    pub fn dir(&self) -> Option<&Path> {
        match &self.at {
            Location::Dir(d) => Some(d),
            Location::Held(_) => None,
        }
    }

    /// The stored CSR, decoded (its signature is checked, not enforced:
    /// see `ParsedCsr::verified`).
    pub fn parsed_csr(&self) -> Result<crate::csr::ParsedCsr> {
        let pem = self.csr_pem()?;
        let der = crate::csr::decode_input(pem.as_bytes()).map_err(|e| {
            Error::internal(format!("record {}: csr.pem: {}", self.meta.name, e.message))
        })?;
        crate::csr::parse(&der)
    }

    /// The stored CSR, PEM. Errors: the file is missing, a symlink or not
    /// text (directory backend).
    pub fn csr_pem(&self) -> Result<String> {
        match &self.at {
            Location::Dir(dir) => csr_pem_at(dir),
            Location::Held(f) => Ok(f.csr_pem.clone()),
        }
    }

    /// The certificate (PEM), if the record has one.
    pub fn cert_pem(&self) -> Result<Option<String>> {
        match &self.at {
            Location::Dir(dir) => optional_text(dir, CERT_FILE),
            Location::Held(f) => Ok(f.cert_pem.clone()),
        }
    }

    /// The chain above the certificate (PEM, issuer first), if any.
    pub fn chain_pem(&self) -> Result<Option<String>> {
        match &self.at {
            Location::Dir(dir) => optional_text(dir, CHAIN_FILE),
            Location::Held(f) => Ok(f.chain_pem.clone()),
        }
    }
}

/// `dir/file` as text, `None` when it does not exist.
fn optional_text(dir: &Path, file: &str) -> Result<Option<String>> {
    let path = dir.join(file);
    match nofollow_read(&path) {
        Ok(data) => String::from_utf8(data)
            .map(Some)
            .map_err(|_| Error::internal(format!("{} is not text", path.display()))),
        Err(e) if e.kind == Kind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// `dir`/csr.pem, as text.
fn csr_pem_at(dir: &Path) -> Result<String> {
    let path = dir.join("csr.pem");
    let csr = nofollow_read(&path)?;
    String::from_utf8(csr).map_err(|_| Error::internal(format!("{} is not text", path.display())))
}

/// What `list` shows of a record; the catalog keeps one per record.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Summary {
    pub id: u64,
    pub name: String,
    pub description: Option<String>,
    pub created: String,
    pub modified: String,
    pub revision: u32,
    pub key: KeySpec,
    pub encrypted: bool,
    pub common_name: Option<String>,
    /// RFC 4514
    pub subject: String,
    /// See [`RecordMeta::spki_sha256`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spki_sha256: Option<String>,
    /// The deployed certificate's notAfter (RFC 3339), when the record
    /// has one ([`RecordMeta::deployed`]: a renewing record's live one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
    /// A new CSR waits while `not_after` is the live certificate's
    /// ([`RecordMeta::renewing`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub renewing: bool,
}

impl Summary {
    pub fn of(meta: &RecordMeta) -> Summary {
        Summary {
            id: meta.id,
            name: meta.name.clone(),
            description: meta.description.clone(),
            created: meta.created.clone(),
            modified: meta.modified.clone(),
            revision: meta.revision,
            key: meta.key,
            encrypted: meta.encrypted,
            common_name: meta.request.subject.common_name().map(String::from),
            subject: meta.request.subject.to_rfc4514(),
            spki_sha256: meta.spki_sha256.clone(),
            not_after: meta.deployed().map(|c| c.not_after.clone()),
            renewing: meta.renewing(),
        }
    }

    /// The record's status at Unix time `now`: `renewing` while a new CSR
    /// waits and the live certificate serves, else from `not_after`.
    pub fn status(&self, now: i64) -> Status {
        if self.renewing {
            Status::Renewing
        } else {
            Status::of(self.not_after.as_deref(), now)
        }
    }
}

/// One row of `list`.
#[derive(Clone)]
pub struct Listed {
    pub summary: Summary,
    pub from: ListedFrom,
}

/// Where the rest of a listed record is read from (see [`Listed::record`]).
#[derive(Clone)]
pub enum ListedFrom {
    /// The directory backend: the record's directory.
    Dir(PathBuf),
    /// A server-backed store, asked by id.
    Store(Arc<dyn Fetch>),
}

/// Reads a whole record by id (a server-backed store's connection).
pub trait Fetch: Send + Sync {
    /// The record with this id. Exit 3 if it was deleted meanwhile.
    fn fetch(&self, id: u64) -> Result<Record>;
}

impl Listed {
    /// The whole record (for shapes that list more than the summary),
    /// read through its backend.
    pub fn record(&self) -> Result<Record> {
        match &self.from {
            ListedFrom::Dir(dir) => Record::read_at(dir),
            ListedFrom::Store(f) => f.fetch(self.summary.id),
        }
    }

    /// The record's directory, when its backend keeps one.
    pub fn dir(&self) -> Option<&Path> {
        match &self.from {
            ListedFrom::Dir(d) => Some(d),
            ListedFrom::Store(_) => None,
        }
    }

    /// The record's CSR (PEM), read without its record.json (directory
    /// backend; another backend fetches the record). Errors: the file
    /// cannot be read (exit as for any record file) or is not UTF-8.
    pub fn csr_pem(&self) -> Result<String> {
        match &self.from {
            ListedFrom::Dir(dir) => csr_pem_at(dir),
            ListedFrom::Store(_) => self.record()?.csr_pem(),
        }
    }

    /// The record's certificate (PEM), if it has one (None: no cert.pem),
    /// read without its record.json. Errors as [`Listed::csr_pem`].
    pub fn cert_pem(&self) -> Result<Option<String>> {
        match &self.from {
            ListedFrom::Dir(dir) => optional_text(dir, CERT_FILE),
            ListedFrom::Store(_) => self.record()?.cert_pem(),
        }
    }
}

/// A record's certificate file (PEM), when it has one.
pub const CERT_FILE: &str = "cert.pem";
/// The chain above it (PEM, issuer first), when it has one.
pub const CHAIN_FILE: &str = "chain.pem";

/// What a commit writes: the new record's files.
pub struct NewRecord<'a> {
    pub meta: RecordMeta,
    pub csr_pem: &'a str,
    pub key_pem: &'a str,
    /// `cert.pem` and `chain.pem` (`None`: a pending record).
    pub cert: Option<CertFiles<'a>>,
}

/// A certificate's files: the leaf, and the chain above it (may be empty).
#[derive(Clone, Copy)]
pub struct CertFiles<'a> {
    pub cert_pem: &'a str,
    pub chain_pem: &'a str,
}

impl Record {
    /// Reads the record in directory `dir`: its `record.json`, after
    /// checking that neither the directory nor `key.pem` is a symlink or
    /// open to others (exit 2 naming the path), and that `record.json`
    /// parses (exit 1 with a hint to restore it from `history/`).
    pub fn read_at(dir: &Path) -> Result<Record> {
        let md = fs::symlink_metadata(dir).map_err(|e| io_at(dir, e))?;
        if md.file_type().is_symlink() {
            return Err(Error::new(
                Kind::Invalid,
                format!(
                    "{} is a symbolic link; refusing to follow it",
                    dir.display()
                ),
            )
            .with_hint("records must be real directories inside the keystore")
            .with_remedy(damaged(&dir_name(dir))));
        }
        if !md.is_dir() {
            return Err(Error::internal(format!(
                "{} is not a directory",
                dir.display()
            )));
        }
        check_not_writable_by_others(dir, &md, "record")?;
        let json_path = dir.join("record.json");
        let data = nofollow_read(&json_path).map_err(|e| {
            if e.kind == Kind::NotFound {
                Error::internal(format!("{} is missing", json_path.display()))
                    .with_remedy(damaged(&dir_name(dir)))
            } else {
                e
            }
        })?;
        let meta: RecordMeta = serde_json::from_slice(&data).map_err(|e| {
            Error::internal(format!("{} is corrupt: {e}", json_path.display()))
                .with_remedy(damaged(&dir_name(dir)))
        })?;
        // The name in the file will name paths: checked as a new one is.
        check_stored_name(&meta.name, meta.id)?;
        // The key file must not be a symlink either (checked without reading it).
        let key_md = fs::symlink_metadata(dir.join("key.pem"))
            .map_err(|e| io_at(&dir.join("key.pem"), e))?;
        if key_md.file_type().is_symlink() {
            return Err(Error::new(
                Kind::Invalid,
                format!(
                    "{}/key.pem is a symbolic link; refusing to use it",
                    dir.display()
                ),
            )
            .with_remedy(damaged(&dir_name(dir))));
        }
        if key_md.mode() & 0o077 != 0 {
            return Err(Error::new(
                Kind::Invalid,
                format!("{}/key.pem is readable by group or others", dir.display()),
            )
            .with_hint(format!("run: chmod 600 {}/key.pem", dir.display())));
        }
        Ok(Record {
            meta,
            at: Location::Dir(dir.to_path_buf()),
        })
    }
}

/// The way out for a record that cannot be read: remove it (deleting
/// works on any damaged record), or restore its earlier files.
pub fn damaged(name: &str) -> Remedy {
    Remedy::DeleteRecord(name.to_string())
}

/// The record name a record directory has (its last component).
fn dir_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A record written by a [`super::BatchWriter`], waiting for its commit.
pub struct Staged {
    /// Where the backend holds it until the commit.
    pub(crate) held: StagedAt,
    pub(crate) meta: RecordMeta,
}

/// Where a staged record waits.
pub(crate) enum StagedAt {
    /// The directory backend: its directory inside the batch's staging
    /// directory.
    Dir(PathBuf),
    /// In memory, committed in one transaction with its group (the
    /// PostgreSQL backend's, the `pg` feature).
    #[cfg_attr(not(feature = "pg"), allow(dead_code))]
    Memory(Box<Revision>),
}

/// One revision of a record, owned whole: what `keystore copy` moves and
/// what a server-backed batch holds until its commit. The key is as stored
/// (encrypted PKCS#8 unless made with `--no-passphrase`).
pub struct Revision {
    pub meta: RecordMeta,
    pub csr_pem: String,
    /// The key as stored; empty for a history revision that keeps no copy
    /// (its key is a later revision's: history holds each key once).
    pub key_pem: Zeroizing<String>,
    pub cert_pem: Option<String>,
    pub chain_pem: Option<String>,
}

impl Revision {
    /// An owned copy of what a commit writes.
    pub fn of(rec: &NewRecord<'_>) -> Revision {
        Revision {
            meta: rec.meta.clone(),
            csr_pem: rec.csr_pem.to_string(),
            key_pem: Zeroizing::new(rec.key_pem.to_string()),
            cert_pem: rec.cert.map(|c| c.cert_pem.to_string()),
            chain_pem: rec
                .cert
                .map(|c| c.chain_pem.to_string())
                .filter(|c| !c.is_empty()),
        }
    }

    /// The revision as a commit's input.
    pub fn as_new(&self) -> NewRecord<'_> {
        NewRecord {
            meta: self.meta.clone(),
            csr_pem: &self.csr_pem,
            key_pem: &self.key_pem,
            cert: self.cert_pem.as_deref().map(|cert_pem| CertFiles {
                cert_pem,
                chain_pem: self.chain_pem.as_deref().unwrap_or(""),
            }),
        }
    }
}

/// A record with its whole history (`keystore copy`): the current
/// revision and the earlier ones, oldest first.
pub struct FullRecord {
    pub current: Revision,
    pub history: Vec<Revision>,
}

/// What `Store::put_full` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// The record was written, with its id.
    Written,
    /// The store already held this record at this revision (a copy that
    /// is resumed): nothing was written.
    Present,
}

/// When the record's metadata was last written: RFC 3339, UTC,
/// milliseconds (`2026-11-30T11:17:29.123Z`).
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    now.format(&fmt).unwrap_or_default()
}

/// Exit 4: `name` is taken.
pub fn exists_error(name: &str) -> Error {
    Error::new(Kind::Exists, format!("record {name} already exists"))
        .with_remedy(Remedy::RegenerateRecord(name.to_string()))
}

/// Every record name read from a backend (a database row, a catalog, a
/// record handed to `keystore copy`) is checked as `generate` checks a new
/// one before it names a file or a directory: a row named `../../x` or
/// `/abs/path` is refused (exit 1, the name escaped), never used.
pub fn check_stored_name(name: &str, id: u64) -> Result<()> {
    crate::request::validate_name(name).map_err(|_| {
        Error::internal(format!(
            "the keystore holds a record (id {id}) named '{}', which is not a record \
             name; refusing to use it",
            name.escape_default()
        ))
        .with_hint(
            "someone wrote the keystore directly: remove or rename that record in the \
             database (names are 1 to 64 of A-Z a-z 0-9 . _ -)",
        )
    })
}

/// Exit 3: the record moved on from the revision a caller read (another
/// command committed meanwhile); nothing was written.
pub fn changed_meanwhile(name: &str, expected: u32, now: u32) -> Error {
    Error::not_found(format!(
        "record {name} changed while this command ran (revision {expected} became {now}); \
         nothing was written"
    ))
    .with_hint("run the command again")
    .with_field(Field::Revision)
}

/// Whether `e` is [`changed_meanwhile`]'s refusal.
pub fn is_revision_conflict(e: &Error) -> bool {
    e.field == Some(Field::Revision)
}

/// Whether two revisions hold the same private key: the same SPKI
/// (SHA-256, as both records name it), else the same key file bytes.
pub fn same_key(old: &RecordMeta, new: &RecordMeta, old_pem: &[u8], new_pem: &[u8]) -> bool {
    match (&old.spki_sha256, &new.spki_sha256) {
        (Some(a), Some(b)) => a == b,
        _ => old_pem == new_pem,
    }
}

/// Exit 3: no record has this name or id (the value is escaped).
pub fn not_found(name_or_id: &str) -> Error {
    Error::not_found(format!(
        "no record named or numbered '{}'",
        name_or_id.escape_default()
    ))
    .with_remedy(Remedy::ListRecords)
}

/// The SPKI hash a row is indexed by: the metadata's, else the CSR's
/// (records written before csrkit kept it).
pub(crate) fn spki_of(meta: &RecordMeta, csr_pem: &str) -> Option<String> {
    meta.spki_sha256.clone().or_else(|| {
        let der = crate::csr::decode_input(csr_pem.as_bytes()).ok()?;
        crate::csr::parse(&der).ok().map(|c| c.spki_sha256)
    })
}
