//! The directory keystore (the default backend): `records/<name>/` with
//! `record.json`, `csr.pem`, `key.pem` (0600) and `history/<revision>/`,
//! in a 0700 root.
//!
//! Everything expensive (key generation, signing, key encryption) happens in
//! memory before the lock is taken. Under the lock ([`lock`]) a record is
//! written into a fresh `.tmp-*` directory, made durable ([`commit`]), and
//! renamed into place (or swapped with the old one with `RENAME_EXCHANGE`),
//! so a crash leaves either the complete old state or the complete new one.
//! Temporaries left by a crash are removed by the next writer, which holds
//! the lock, so no live writer can own them. `generate --batch` writes into
//! a staging directory of its own, outside the lock, and only renames under
//! it ([`stage`]). `list` reads the [`catalog`] ([`listing`]); `import` and `show 123`
//! the key and id [`index`], whose line is durable before the record
//! lands. The protocol in full:
//! docs/design.md.

use crate::mention;
use std::fs::{self, DirBuilder};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{io_at, Error, Kind, Result};
use crate::faults;
use crate::keystore::io::{
    check_not_writable_by_others, check_owned, mkdir, nofollow_read, sync_dir,
};
use crate::keystore::{
    changed_meanwhile, check_stored_name, exists_error, not_found, same_key, BatchWriter,
    FullRecord, HistoryKey, Listed, NewRecord, Put, Record, RecordMeta, Store,
};

mod acme;
mod catalog;
mod commit;
mod copy;
mod damaged;
mod index;
mod listing;
mod lock;
mod renewal;
mod stage;

use catalog::CatalogLine;
use commit::{
    exchange, link_tree, mark_top_dir, write_record_files, Durable, CERT_FILES, RECORD_FILES,
};

/// Where the records live, below the root.
pub const RECORDS: &str = "records";
/// A record's previous revisions, below its directory.
pub const HISTORY: &str = "history";

/// A keystore in a directory (see the module doc).
pub struct DirStore {
    root: PathBuf,
    lock_timeout: Duration,
    /// What the last `list` skipped: records it could not read.
    skipped: std::sync::Mutex<Vec<Error>>,
}

impl DirStore {
    pub fn new(root: PathBuf, lock_timeout: Duration) -> DirStore {
        DirStore {
            root,
            lock_timeout,
            skipped: std::sync::Mutex::default(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn records_dir(&self) -> PathBuf {
        self.root.join(RECORDS)
    }

    pub fn record_dir(&self, name: &str) -> PathBuf {
        self.records_dir().join(name)
    }

    /// Checks the keystore's permissions. `Ok(false)` if it does not exist.
    fn check_root(&self) -> Result<bool> {
        let md = match fs::metadata(&self.root) {
            Ok(md) => md,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(io_at(&self.root, e)),
        };
        if !md.is_dir() {
            return Err(Error::new(
                Kind::Invalid,
                format!("keystore {} is not a directory", self.root.display()),
            )
            .with_hint(concat!(
                "point ",
                mention!(keystore),
                " (or CSRKIT_KEYSTORE) at a directory"
            )));
        }
        check_not_writable_by_others(&self.root, &md, "keystore")?;
        check_owned(&self.root, &md, "keystore")?;
        if let Ok(rmd) = fs::symlink_metadata(self.records_dir()) {
            if !rmd.is_dir() {
                return Err(Error::new(
                    Kind::Invalid,
                    format!("{} is not a directory", self.records_dir().display()),
                ));
            }
            check_not_writable_by_others(&self.records_dir(), &rmd, "keystore directory")?;
            check_owned(&self.records_dir(), &rmd, "keystore directory")?;
        }
        Ok(true)
    }

    /// Creates the keystore (0700) if needed, for writers.
    fn ensure(&self) -> Result<()> {
        if !self.check_root()? {
            DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(&self.root)
                .map_err(|e| io_at(&self.root, e))?;
            // recursive() applies the mode to the last component too; make sure.
            fs::set_permissions(&self.root, fs::Permissions::from_mode(0o700))
                .map_err(|e| io_at(&self.root, e))?;
        }
        let p = self.records_dir();
        if fs::symlink_metadata(&p).is_err() {
            mark_top_dir(&self.root);
            match mkdir(&p) {
                Ok(()) => {}
                Err(_) if p.is_dir() => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

impl DirStore {
    /// The record with id `id`, if any. The index says which name holds
    /// it (checked on use), else the catalog; otherwise a scan.
    fn find_id(&self, id: u64) -> Result<Option<Record>> {
        for name in self.index_names_of(id) {
            if let Ok(rec) = Record::read_at(&self.record_dir(&name)) {
                if rec.meta.id == id {
                    return Ok(Some(rec));
                }
            }
        }
        let (catalog, _) = self.catalog_read();
        if let Some((name, _)) = catalog.iter().find(|(_, (_, m))| m.id == id) {
            if let Ok(rec) = Record::read_at(&self.record_dir(name)) {
                if rec.meta.id == id {
                    return Ok(Some(rec));
                }
            }
        }
        if let Some(row) = self.list()?.into_iter().find(|r| r.summary.id == id) {
            return Ok(Some(row.record()?));
        }
        Ok(None)
    }
}

impl DirStore {
    /// Appends a record's index line (rebuilding the index first when it
    /// is not whole) and adds the index's data to `durable`, so that the
    /// line is on disk before the record lands. `undo` gets what
    /// [`DirStore::index_undo`] needs.
    fn index_line(
        &self,
        rec: &NewRecord<'_>,
        durable: &mut Durable,
        undo: &mut Option<(fs::File, u64)>,
    ) -> Result<()> {
        let spki = crate::keystore::record::spki_of(&rec.meta, rec.csr_pem);
        let (f, len) = self.index_append(&[(&rec.meta, spki)], &|| self.list())?;
        durable.data_of(Path::new(index::INDEX), &f)?;
        *undo = Some((f, len));
        Ok(())
    }

    /// The record holding a key, by reading every record's summary (the
    /// index was not whole).
    fn find_by_spki_scan(&self, spki_sha256: &str) -> Result<Option<Record>> {
        for row in self.list()? {
            let rec = match &row.summary.spki_sha256 {
                Some(s) if s != spki_sha256 => continue,
                Some(_) => row.record()?,
                // Written before records kept it: ask the CSR.
                None => {
                    let rec = row.record()?;
                    if rec.parsed_csr()?.spki_sha256 != spki_sha256 {
                        continue;
                    }
                    rec
                }
            };
            return Ok(Some(rec));
        }
        Ok(None)
    }

    /// Takes back the index line of a commit that failed.
    fn index_undo(&self, undo: Option<(fs::File, u64)>) {
        if let Some((f, len)) = undo {
            self.index_rollback(&f, len);
        }
    }
}

impl Store for DirStore {
    fn acme_account(
        &self,
        directory: &str,
        name: &str,
    ) -> Result<Option<(crate::keystore::AcmeAccount, zeroize::Zeroizing<String>)>> {
        self.read_acme_account(directory, name)
    }

    fn acme_accounts(
        &self,
    ) -> Result<Vec<(crate::keystore::AcmeAccount, zeroize::Zeroizing<String>)>> {
        self.list_acme_accounts()
    }

    fn put_acme_account(
        &self,
        account: &crate::keystore::AcmeAccount,
        key_pem: &str,
    ) -> Result<()> {
        self.write_acme_account(account, key_pem)
    }

    fn acme_pending_key(
        &self,
        directory: &str,
        name: &str,
    ) -> Result<Option<zeroize::Zeroizing<String>>> {
        self.read_acme_pending_key(directory, name)
    }

    fn replace_acme_account(
        &self,
        account: &crate::keystore::AcmeAccount,
        key_pem: &str,
        pending_key_pem: Option<&str>,
    ) -> Result<()> {
        self.rewrite_acme_account(account, key_pem, pending_key_pem)
    }

    fn acme_renewal_state(&self, record_id: &str) -> Result<Option<String>> {
        self.read_renewal_state(record_id)
    }

    fn put_acme_renewal_state(&self, record_id: &str, state: &str) -> Result<()> {
        self.write_renewal_state(record_id, state)
    }

    fn location(&self) -> String {
        self.root.display().to_string()
    }

    fn record_path(&self, name: &str) -> Option<PathBuf> {
        Some(self.record_dir(name))
    }

    /// Whether a record of that name exists (a quick check before the
    /// expensive work; the commit checks again under the lock).
    fn exists(&self, name: &str) -> bool {
        fs::symlink_metadata(self.record_dir(name)).is_ok()
    }

    /// Commits a new record: allocates its id, writes it, renames it into
    /// place. Exit 4 if the name is taken.
    fn create(&self, mut rec: NewRecord<'_>) -> Result<RecordMeta> {
        check_stored_name(&rec.meta.name, rec.meta.id)?;
        let mut lock = self.lock()?;
        let name = rec.meta.name.clone();
        let dest = self.record_dir(&name);
        if fs::symlink_metadata(&dest).is_ok() {
            return Err(exists_error(&name));
        }
        let id = lock.state.next_id;
        rec.meta.id = id;
        let tmp = self.temp_dir(&mut lock, "tmp")?;
        let mut mark = None;
        let mut index = None;
        let result = (|| {
            let mut durable = Durable::single();
            write_record_files(&tmp, &rec, &mut durable)?;
            durable.dir(&tmp)?;
            self.index_line(&rec, &mut durable, &mut index)?;
            // The id is spent (durably) before the record becomes
            // visible: ids are never reused.
            lock.spend_id(id, &mut durable)?;
            durable.sync()?;
            faults::crash("create:tmp-written");
            faults::crash("create:id-written");
            // The catalog line goes first, naming the inode that is about
            // to land (see `catalog_put`).
            mark = self.catalog_put(&rec.meta, &tmp);
            faults::fail("create:rename").map_err(|e| io_at(&dest, e))?;
            fs::rename(&tmp, &dest).map_err(|e| io_at(&dest, e))?;
            faults::crash("create:renamed");
            sync_dir(&self.records_dir())?;
            Ok(())
        })();
        if result.is_err() {
            self.catalog_rollback(mark);
            self.index_undo(index);
            let _ = fs::remove_dir_all(&tmp);
        }
        let _ = lock.set_pending(None);
        result.map(|()| rec.meta)
    }

    /// Replaces a record with a new revision; the current files move to
    /// `history/<revision>/` (its key only when it differs from the new
    /// one), and history keys are rewritten as `keys` says. The new
    /// revision follows whatever is current at commit time, unless
    /// `expected_revision` says which one must be.
    fn replace_with_history_keys(
        &self,
        mut rec: NewRecord<'_>,
        expected_revision: Option<u32>,
        keys: &[HistoryKey],
    ) -> Result<RecordMeta> {
        check_stored_name(&rec.meta.name, rec.meta.id)?;
        let mut lock = self.lock()?;
        let name = rec.meta.name.clone();
        let dest = self.record_dir(&name);
        let current = Record::read_at(&dest)?;
        if current.meta.id != rec.meta.id {
            return Err(Error::not_found(format!(
                "record {name} was deleted or replaced while regenerating"
            )));
        }
        // Compare-and-swap on the revision: the caller read revision N and
        // commits N + 1 (or says which one it read); a commit in between is
        // refused, never overwritten (a lost update of a key or a
        // certificate).
        if let Some(expected) = expected_revision.or(rec.meta.revision.checked_sub(1)) {
            if current.meta.revision != expected {
                return Err(changed_meanwhile(&name, expected, current.meta.revision));
            }
        }
        let old_key = nofollow_read(&dest.join("key.pem"))?;
        let same_key = same_key(&current.meta, &rec.meta, &old_key, rec.key_pem.as_bytes());
        rec.meta.revision = current.meta.revision + 1;
        rec.meta.created = current.meta.created.clone();
        rec.meta.carry_live_from(&current.meta);
        let tmp = self.temp_dir(&mut lock, "tmp")?;
        let mut mark = None;
        let mut index = None;
        let result = (|| {
            let mut durable = Durable::single();
            write_record_files(&tmp, &rec, &mut durable)?;
            // Carry the history over (hard links), then add the current revision.
            let hist_src = dest.join(HISTORY);
            if fs::symlink_metadata(&hist_src)
                .map(|m| m.is_dir())
                .unwrap_or(false)
            {
                link_tree(&hist_src, &tmp.join(HISTORY))?;
            } else {
                mkdir(&tmp.join(HISTORY))?;
            }
            // History keys rewritten (passwd, history --prune): the linked
            // copy is unlinked here; the old inode goes with the old record.
            for (rev, key) in keys {
                let d = tmp.join(HISTORY).join(rev.to_string());
                if !fs::symlink_metadata(&d).is_ok_and(|m| m.is_dir()) {
                    return Err(Error::internal(format!(
                        "record {name} has no history revision {rev}"
                    )));
                }
                let path = d.join("key.pem");
                match fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io_at(&path, e)),
                }
                if let Some(pem) = key {
                    durable.write(&path, pem.as_bytes())?;
                }
                durable.dir(&d)?;
            }
            let prev = tmp.join(HISTORY).join(current.meta.revision.to_string());
            mkdir(&prev)?;
            for f in RECORD_FILES {
                if f == "key.pem" {
                    // One copy of each distinct key: the current key
                    // stays in history only when the new revision has
                    // another.
                    if !same_key {
                        durable.write(&prev.join(f), &old_key)?;
                    }
                    continue;
                }
                let data = nofollow_read(&dest.join(f))?;
                durable.write(&prev.join(f), &data)?;
            }
            // The certificate of the revision being replaced goes with it.
            for f in CERT_FILES {
                match nofollow_read(&dest.join(f)) {
                    Ok(data) => durable.write(&prev.join(f), &data)?,
                    Err(e) if e.kind == Kind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
            durable.dir(&prev)?;
            durable.dir(&tmp.join(HISTORY))?;
            durable.dir(&tmp)?;
            self.index_line(&rec, &mut durable, &mut index)?;
            durable.sync()?;
            faults::crash("replace:tmp-written");
            mark = self.catalog_put(&rec.meta, &tmp);
            match faults::fail("replace:exchange").and_then(|()| exchange(&tmp, &dest)) {
                Ok(()) => {
                    faults::crash("replace:exchanged");
                    sync_dir(&self.records_dir())?;
                    // `tmp` now holds the old record.
                    let _ = fs::remove_dir_all(&tmp);
                    Ok(())
                }
                Err(e)
                    if e.raw_os_error() == Some(libc::EINVAL)
                        || e.raw_os_error() == Some(libc::ENOSYS) =>
                {
                    // No RENAME_EXCHANGE on this file system: move the old
                    // record aside, then the new one in. Not atomic: a
                    // crash between the renames leaves both directories
                    // for the user (nothing is removed automatically).
                    lock.set_pending(None)?;
                    let trash = self.records_dir().join(format!(
                        ".trash-{}",
                        tmp.file_name().unwrap().to_string_lossy()
                    ));
                    fs::rename(&dest, &trash).map_err(|e| io_at(&dest, e))?;
                    fs::rename(&tmp, &dest).map_err(|e| io_at(&dest, e))?;
                    sync_dir(&self.records_dir())?;
                    let _ = fs::remove_dir_all(&trash);
                    Ok(())
                }
                Err(e) => Err(io_at(&dest, e)),
            }
        })();
        if result.is_err() {
            self.catalog_rollback(mark);
            self.index_undo(index);
            let _ = fs::remove_dir_all(&tmp);
        }
        let _ = lock.set_pending(None);
        result.map(|()| rec.meta)
    }

    /// Deletes a record and its history.
    fn delete(&self, rec: &Record) -> Result<()> {
        check_stored_name(&rec.meta.name, rec.meta.id)?;
        let mut lock = self.lock()?;
        let dest = self.record_dir(&rec.meta.name);
        let current = Record::read_at(&dest)?;
        if current.meta.id != rec.meta.id {
            return Err(Error::not_found(format!(
                "record {} changed while deleting",
                rec.meta.name
            )));
        }
        let trash = self.temp_dir(&mut lock, "trash")?;
        let target = trash.join("record");
        fs::rename(&dest, &target).map_err(|e| io_at(&dest, e))?;
        sync_dir(&self.records_dir())?;
        self.catalog_append(&[CatalogLine::Del {
            id: rec.meta.id,
            name: rec.meta.name.clone(),
        }]);
        fs::remove_dir_all(&trash).map_err(|e| io_at(&trash, e))?;
        // Its index line stays: every name the index gives is checked.
        lock.set_pending(None)
    }

    fn read_key_pem(&self, rec: &Record) -> Result<zeroize::Zeroizing<String>> {
        let dir = rec
            .dir()
            .map_or_else(|| self.record_dir(&rec.meta.name), Path::to_path_buf);
        let data = zeroize::Zeroizing::new(nofollow_read(&dir.join("key.pem"))?);
        let text =
            std::str::from_utf8(&data).map_err(|_| Error::internal("key.pem is not text"))?;
        Ok(zeroize::Zeroizing::new(text.to_string()))
    }

    /// Finds a record by name, or by id.
    fn find(&self, name_or_id: &str) -> Result<Record> {
        if !self.check_root()? {
            return Err(not_found(name_or_id));
        }
        if crate::request::validate_name(name_or_id).is_ok() {
            let dir = self.record_dir(name_or_id);
            if fs::symlink_metadata(&dir).is_ok() {
                return Record::read_at(&dir);
            }
        }
        let Ok(id) = name_or_id.parse::<u64>() else {
            return Err(not_found(name_or_id));
        };
        self.find_id(id)?.ok_or_else(|| not_found(name_or_id))
    }
    /// Every record, sorted by id ([`listing`]).
    fn list(&self) -> Result<Vec<Listed>> {
        let mut out = Vec::new();
        self.list_streamed(false, &mut |row| {
            out.push(row);
            Ok(())
        })?;
        Ok(out)
    }

    fn list_each(&self, each: &mut dyn FnMut(Listed) -> Result<()>) -> Result<()> {
        self.list_streamed(true, each)
    }

    fn streams_list(&self) -> bool {
        true
    }

    fn find_by_spki(&self, spki_sha256: &str) -> Result<Option<Record>> {
        let (names, whole) = self.index_names_for(spki_sha256);
        for name in names {
            if let Ok(rec) = Record::read_at(&self.record_dir(&name)) {
                let spki = match &rec.meta.spki_sha256 {
                    Some(s) => Some(s.clone()),
                    None => rec.parsed_csr().ok().map(|c| c.spki_sha256),
                };
                if spki.as_deref().and_then(index::spki_key) == index::spki_key(spki_sha256) {
                    return Ok(Some(rec));
                }
            }
        }
        // A whole index names every record's key: a miss is proof.
        if whole {
            return Ok(None);
        }
        let found = self.find_by_spki_scan(spki_sha256);
        self.index_repair();
        found
    }

    fn stage(&self, expected: usize) -> Result<Box<dyn BatchWriter + '_>> {
        Ok(Box::new(self.start_stage(expected)?))
    }

    fn read_full(&self, rec: &Record) -> Result<FullRecord> {
        self.read_full_record(rec)
    }

    fn delete_damaged(&self, name: &str) -> Result<String> {
        self.remove_damaged(name)
    }

    fn skipped(&self) -> Vec<Error> {
        self.skipped
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn put_full(&self, full: &FullRecord) -> Result<Put> {
        self.put_full_record(full)
    }
}
