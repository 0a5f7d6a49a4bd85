//! `renew`'s renewal state in a directory keystore (a cache, see
//! `Store::acme_renewal_state`): one file per record id,
//! `acme/renewal/<id>.json`, 0600 in 0700 directories. A state is written
//! into `acme/renewal/.tmp-*` (created new, never through a symlink),
//! then renamed over the old one under the keystore lock (not flushed: a
//! cache); a
//! state file that is missing, not a regular file, or damaged reads as
//! none.

use std::fs;
use std::path::{Path, PathBuf};

use super::commit::{temp_name, write_new};
use super::DirStore;
use crate::error::{io_at, Error, Kind, Result};
use crate::keystore::io::{check_not_writable_by_others, mkdir, nofollow_read, sync_dir};

/// The states' directory, below `acme/`.
pub const RENEWAL: &str = "renewal";
/// The largest state kept (a state is a few hundred bytes).
const MAX_STATE: usize = 16 * 1024;

/// A record id as a file name: decimal digits only (record ids are
/// `u64`s), so no path can be named through it.
fn checked_id(record_id: &str) -> Result<&str> {
    if record_id.is_empty()
        || record_id.len() > 20
        || !record_id.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(Error::internal(format!(
            "not a record id: {:?}",
            record_id.escape_default().to_string()
        )));
    }
    Ok(record_id)
}

/// Ensures `dir` is our own directory (created 0700 when missing; never
/// a symlink, never writable by others).
fn own_dir(dir: &Path, parent: &Path) -> Result<()> {
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            mkdir(dir)?;
            sync_dir(parent)
        }
        Err(e) => Err(io_at(dir, e)),
        Ok(md) if !md.is_dir() => Err(Error::new(
            Kind::Invalid,
            format!("{} is not a directory", dir.display()),
        )),
        Ok(md) => check_not_writable_by_others(dir, &md, "keystore directory"),
    }
}

impl DirStore {
    pub(super) fn renewal_dir(&self) -> PathBuf {
        self.acme_dir().join(RENEWAL)
    }

    /// See `Store::acme_renewal_state`.
    pub(super) fn read_renewal_state(&self, record_id: &str) -> Result<Option<String>> {
        let id = checked_id(record_id)?;
        if !self.check_root()? {
            return Ok(None);
        }
        let path = self.renewal_dir().join(format!("{id}.json"));
        let Ok(data) = nofollow_read(&path) else {
            return Ok(None);
        };
        if data.len() > MAX_STATE {
            return Ok(None);
        }
        Ok(String::from_utf8(data).ok())
    }

    /// See `Store::put_acme_renewal_state`.
    pub(super) fn write_renewal_state(&self, record_id: &str, state: &str) -> Result<()> {
        let id = checked_id(record_id)?;
        if state.len() > MAX_STATE {
            return Err(Error::internal("the renewal state is too large"));
        }
        let _lock = self.lock()?;
        let acme = self.acme_dir();
        own_dir(&acme, self.root())?;
        let dir = self.renewal_dir();
        own_dir(&dir, &acme)?;
        let dest = dir.join(format!("{id}.json"));
        match fs::symlink_metadata(&dest) {
            Ok(md) if !md.file_type().is_file() => {
                return Err(Error::new(
                    Kind::Invalid,
                    format!(
                        "{} is not a regular file; refusing to replace it",
                        dest.display()
                    ),
                ))
            }
            _ => {}
        }
        // Not flushed: a cache whose loss (or a file cut short by a
        // crash, which reads as none) costs one more check, where two
        // fsyncs per record made a first run over 100 records 0.8 s.
        let tmp = dir.join(temp_name("tmp")?);
        let result = write_new(&tmp, state.as_bytes())
            .map(drop)
            .and_then(|()| fs::rename(&tmp, &dest).map_err(|e| io_at(&dest, e)));
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::checked_id;

    #[test]
    fn only_decimal_ids_name_a_file() {
        assert!(checked_id("17").is_ok());
        for bad in [
            "",
            "../1",
            "1/2",
            "1.json",
            "-1",
            "123456789012345678901",
            " 1",
        ] {
            assert!(checked_id(bad).is_err(), "{bad:?}");
        }
    }
}
