//! `keystore copy` on the directory keystore: reading a record with its
//! whole history (`history/<revision>/`) under the lock, so that no commit
//! lands half-way through the read, and writing one with its id and its
//! history as a single commit: a temporary directory made durable, the id
//! spent, then one rename into place (as `create`, see docs/design.md).

use std::fs;
use std::path::Path;

use super::commit::{write_record_files, Durable};
use super::{DirStore, HISTORY};
use crate::error::{io_at, Error, Kind, Result};
use crate::faults;
use crate::keystore::io::{mkdir, nofollow_read, sync_dir};
use crate::keystore::{
    check_stored_name, exists_error, FullRecord, Put, Record, RecordMeta, Revision, CERT_FILE,
    CHAIN_FILE,
};

impl DirStore {
    /// The record `rec` names, re-read under the lock, with every revision
    /// in its `history/` (oldest first).
    pub(super) fn read_full_record(&self, rec: &Record) -> Result<FullRecord> {
        let _lock = self.lock()?;
        let dir = self.record_dir(&rec.meta.name);
        let now = Record::read_at(&dir)?;
        if now.meta.id != rec.meta.id {
            return Err(Error::not_found(format!(
                "record {} was deleted or replaced while copying",
                rec.meta.name
            )));
        }
        let current = read_revision(&dir, now.meta, false)?;
        let mut history = Vec::new();
        let hist = dir.join(HISTORY);
        // history/ itself is never followed if it is a link.
        if fs::symlink_metadata(&hist).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::new(
                Kind::Invalid,
                format!(
                    "{} is a symbolic link; refusing to follow it",
                    hist.display()
                ),
            )
            .with_hint("replace the link with the real directory")
            .with_remedy(crate::keystore::damaged(&rec.meta.name)));
        }
        match fs::read_dir(&hist) {
            Ok(entries) => {
                for entry in entries {
                    let entry = entry.map_err(|e| io_at(&hist, e))?;
                    let Some(rev) = entry
                        .file_name()
                        .to_str()
                        .and_then(|n| n.parse::<u32>().ok())
                    else {
                        continue;
                    };
                    let path = entry.path();
                    let meta: RecordMeta =
                        serde_json::from_slice(&nofollow_read(&path.join("record.json"))?)
                            .map_err(|e| {
                                Error::internal(format!(
                                    "{}/record.json is corrupt: {e}",
                                    path.display()
                                ))
                            })?;
                    if meta.revision != rev {
                        return Err(Error::internal(format!(
                            "{} holds revision {}",
                            path.display(),
                            meta.revision
                        )));
                    }
                    history.push(read_revision(&path, meta, true)?);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_at(&hist, e)),
        }
        history.sort_by_key(|r| r.meta.revision);
        Ok(FullRecord { current, history })
    }

    /// Writes `full` as one commit, keeping its id (the next id given out
    /// follows it). [`Put::Present`] when the record is already here at
    /// this revision; exit 4 when its name or id belongs to another record.
    pub(super) fn put_full_record(&self, full: &FullRecord) -> Result<Put> {
        let meta = &full.current.meta;
        // The record comes from another backend: its name is checked
        // before it names a directory, and its history is its own.
        check_stored_name(&meta.name, meta.id)?;
        if let Some(h) = full
            .history
            .iter()
            .find(|h| h.meta.id != meta.id || h.meta.revision >= meta.revision)
        {
            return Err(Error::internal(format!(
                "record {} (id {}): its history holds revision {} of id {}; refusing to copy it",
                meta.name, meta.id, h.meta.revision, h.meta.id
            )));
        }
        let mut lock = self.lock()?;
        let dest = self.record_dir(&meta.name);
        if fs::symlink_metadata(&dest).is_ok() {
            let here = Record::read_at(&dest)?;
            if here.meta.id == meta.id && here.meta.revision == meta.revision {
                return Ok(Put::Present);
            }
            return Err(exists_error(&meta.name));
        }
        if let Some(other) = self.find_id(meta.id)? {
            return Err(Error::new(
                Kind::Exists,
                format!(
                    "id {} is record {} here; cannot copy {} with it",
                    meta.id, other.meta.name, meta.name
                ),
            ));
        }
        let tmp = self.temp_dir(&mut lock, "tmp")?;
        let mut mark = None;
        let mut index = None;
        let result = (|| {
            let mut durable = Durable::single();
            write_record_files(&tmp, &full.current.as_new(), &mut durable)?;
            let hist = tmp.join(HISTORY);
            if !full.history.is_empty() {
                mkdir(&hist)?;
                for rev in &full.history {
                    let d = hist.join(rev.meta.revision.to_string());
                    mkdir(&d)?;
                    write_record_files(&d, &rev.as_new(), &mut durable)?;
                    durable.dir(&d)?;
                }
                durable.dir(&hist)?;
            }
            durable.dir(&tmp)?;
            if meta.id >= lock.state.next_id {
                lock.spend_id(meta.id, &mut durable)?;
            }
            self.index_line(&full.current.as_new(), &mut durable, &mut index)?;
            durable.sync()?;
            faults::crash("copy:tmp-written");
            mark = self.catalog_put(meta, &tmp);
            fs::rename(&tmp, &dest).map_err(|e| io_at(&dest, e))?;
            sync_dir(&self.records_dir())
        })();
        if result.is_err() {
            self.catalog_rollback(mark);
            self.index_undo(index);
            let _ = fs::remove_dir_all(&tmp);
        }
        let _ = lock.set_pending(None);
        result.map(|()| Put::Written)
    }
}

/// One revision's files in `dir`, with its metadata already read.
fn read_revision(dir: &Path, meta: RecordMeta, is_history: bool) -> Result<Revision> {
    let text = |file: &str| -> Result<Option<String>> {
        let path = dir.join(file);
        match nofollow_read(&path) {
            Ok(data) => String::from_utf8(data)
                .map(Some)
                .map_err(|_| Error::internal(format!("{} is not text", path.display()))),
            Err(e) if e.kind == Kind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    };
    let need = |file: &str| -> Result<String> {
        text(file)?.ok_or_else(|| Error::internal(format!("{}/{file} is missing", dir.display())))
    };
    Ok(Revision {
        meta,
        csr_pem: need("csr.pem")?,
        // A history revision without key.pem shares a later revision's key.
        key_pem: zeroize::Zeroizing::new(if is_history {
            text("key.pem")?.unwrap_or_default()
        } else {
            need("key.pem")?
        }),
        cert_pem: text(CERT_FILE)?,
        chain_pem: text(CHAIN_FILE)?,
    })
}
