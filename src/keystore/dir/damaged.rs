//! Records the directory keystore cannot read: what `list` skips (and
//! names) instead of failing for the whole keystore, and what `delete`
//! removes when the record cannot be read (a corrupt or missing
//! `record.json`, a record directory or `key.pem` that is a symbolic link,
//! a stray directory). Nothing is ever followed: a symbolic link is
//! removed itself, its target left alone.

use std::fs;

use super::DirStore;
use crate::error::{io_at, Error, Result};
use crate::keystore::io::sync_dir;
use crate::keystore::{damaged, not_found};

impl DirStore {
    /// Removes whatever is at `records/<name>` (which [`Record::read_at`]
    /// refused), under the lock: a symbolic link is unlinked, a directory
    /// moved to a temporary name and removed with what it holds (links in
    /// it unlinked, not followed). Returns what was removed, for the user.
    /// Exit 3 when nothing is there.
    ///
    /// [`Record::read_at`]: crate::keystore::Record::read_at
    pub(super) fn remove_damaged(&self, name: &str) -> Result<String> {
        crate::request::validate_name(name)?;
        let mut lock = self.lock()?;
        let dest = self.record_dir(name);
        let md = match fs::symlink_metadata(&dest) {
            Ok(md) => md,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(not_found(name)),
            Err(e) => return Err(io_at(&dest, e)),
        };
        let what = if md.file_type().is_symlink() {
            fs::remove_file(&dest).map_err(|e| io_at(&dest, e))?;
            format!(
                "the symbolic link {} (its target was left alone)",
                dest.display()
            )
        } else if md.is_dir() {
            let trash = self.temp_dir(&mut lock, "trash")?;
            let target = trash.join("record");
            fs::rename(&dest, &target).map_err(|e| io_at(&dest, e))?;
            sync_dir(&self.records_dir())?;
            fs::remove_dir_all(&trash).map_err(|e| io_at(&trash, e))?;
            format!("the directory {} with everything in it", dest.display())
        } else {
            fs::remove_file(&dest).map_err(|e| io_at(&dest, e))?;
            format!("the file {}", dest.display())
        };
        sync_dir(&self.records_dir())?;
        lock.set_pending(None)?;
        Ok(what)
    }
}

/// A record `list` skipped, for its warning (the way out as its remedy).
pub(crate) fn skipped(name: &str, e: &Error) -> Error {
    let mut w = Error::new(
        e.kind,
        format!("skipped record {name}, which cannot be read: {}", e.message),
    );
    w.remedy = Some(damaged(name));
    w
}
