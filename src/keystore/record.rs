//! What a keystore holds, whatever the backend: a record's metadata
//! (`record.json`, [`RecordMeta`]), a record as found ([`Record`]), its
//! `list` summary ([`Summary`], [`Listed`]), what a commit writes
//! ([`NewRecord`]), and the errors every backend gives for a name that is
//! taken or unknown (exit 4, exit 3). No backend logic lives here; reading a
//! record's files goes through [`super::io`], which never follows a symlink.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::io::{check_not_writable_by_others, nofollow_read};
use crate::cert::CertSummary;
use crate::error::{io_at, Error, Kind, Result};
use crate::request::{KeySpec, Request};

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
}

/// A record as read from disk (the CSR is read on demand).
#[derive(Clone, Debug)]
pub struct Record {
    pub meta: RecordMeta,
    pub dir: PathBuf,
}

impl Record {
    /// The stored CSR, decoded (its signature is checked, not enforced:
    /// see `ParsedCsr::verified`).
    pub fn parsed_csr(&self) -> Result<crate::csr::ParsedCsr> {
        let pem = self.csr_pem()?;
        let der = crate::csr::decode_input(pem.as_bytes()).map_err(|e| {
            Error::internal(format!("record {}: csr.pem: {}", self.meta.name, e.message))
        })?;
        crate::csr::parse(&der)
    }

    /// The stored CSR, PEM.
    pub fn csr_pem(&self) -> Result<String> {
        csr_pem_at(&self.dir)
    }

    /// The certificate (PEM), if the record has one.
    pub fn cert_pem(&self) -> Result<Option<String>> {
        optional_text(&self.dir, CERT_FILE)
    }

    /// The chain above the certificate (PEM, issuer first), if any.
    pub fn chain_pem(&self) -> Result<Option<String>> {
        optional_text(&self.dir, CHAIN_FILE)
    }

    pub fn key_path(&self) -> PathBuf {
        self.dir.join("key.pem")
    }
    pub fn csr_path(&self) -> PathBuf {
        self.dir.join("csr.pem")
    }
}

/// `dir`/csr.pem, as text.
fn csr_pem_at(dir: &Path) -> Result<String> {
    let path = dir.join("csr.pem");
    let csr = nofollow_read(&path)?;
    String::from_utf8(csr).map_err(|_| Error::internal(format!("{} is not text", path.display())))
}

/// `dir`/`file` as text, or None when there is no such file.
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
    /// The certificate's notAfter (RFC 3339), when the record has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
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
            not_after: meta.certificate.as_ref().map(|c| c.not_after.clone()),
        }
    }
}

/// One row of `list`.
#[derive(Clone, Debug)]
pub struct Listed {
    pub summary: Summary,
    pub dir: PathBuf,
}

impl Listed {
    /// The whole record (for shapes that list more than the summary).
    pub fn record(&self) -> Result<Record> {
        Record::read_at(&self.dir)
    }

    /// The record's CSR (PEM), read without its record.json. Errors: the
    /// file cannot be read (exit as for any record file) or is not UTF-8.
    pub fn csr_pem(&self) -> Result<String> {
        csr_pem_at(&self.dir)
    }

    /// The record's certificate (PEM), if it has one (None: no cert.pem),
    /// read without its record.json. Errors as [`Listed::csr_pem`].
    pub fn cert_pem(&self) -> Result<Option<String>> {
        optional_text(&self.dir, CERT_FILE)
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
            .with_hint("records must be real directories inside the keystore"));
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
            } else {
                e
            }
        })?;
        let meta: RecordMeta = serde_json::from_slice(&data).map_err(|e| {
            Error::internal(format!("{} is corrupt: {e}", json_path.display()))
                .with_hint("restore it from history/ or delete the record")
        })?;
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
            ));
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
            dir: dir.to_path_buf(),
        })
    }
}

/// A record written by a [`super::BatchWriter`], waiting for its commit.
pub struct Staged {
    /// Where the backend holds it until the commit (the directory
    /// backend: its directory inside the batch's staging directory).
    pub(crate) sub: PathBuf,
    pub(crate) meta: RecordMeta,
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
    Error::new(Kind::Exists, format!("record {name} already exists")).with_hint(format!(
        "use `csrkit regenerate {name}` to make a new CSR for it, or pick another name"
    ))
}

/// Exit 3: no record has this name or id (the value is escaped).
pub fn not_found(name_or_id: &str) -> Error {
    Error::not_found(format!(
        "no record named or numbered '{}'",
        name_or_id.escape_default()
    ))
    .with_hint("run `csrkit list` to see the records")
}
