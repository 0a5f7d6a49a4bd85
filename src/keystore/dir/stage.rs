//! Staging for `generate --batch`: every worker thread writes its records
//! into a directory the batch owns for its whole run, and only the renames
//! into `records/` happen under the keystore lock. Creating a record's
//! directory and files is most of a commit's cost (kernel inode creation);
//! done by one committing thread it capped `--jobs 2` at 1.2x of
//! `--jobs 1` (see docs/performance.md).
//!
//! The protocol, next to the lock file's journal (`LockGuard`):
//! - The staging directory `records/.stage-<pid>-<random>` is named in the
//!   journal (`stage <name>`, made durable) before it exists, and its owner
//!   holds an `flock` on it until it exits. A writer that takes the
//!   keystore lock removes every named staging directory whose flock it
//!   can take (the batch was killed or crashed) and leaves the others, so
//!   a running batch's records are never removed and a dead one's are
//!   removed by the next writer, like any `.tmp-*`.
//! - Ids are spent in blocks under the lock: the journal's next id moves
//!   past the block, durably, before any record carries one of its ids.
//!   When the batch ends, the unused end of its last block is given back if
//!   nobody allocated after it, so a batch whose lines all succeed numbers
//!   them without gaps.
//! - A group of staged records is made durable (one `syncfs`, or one flush
//!   per file and directory from up to 16 threads), then, under the lock,
//!   the group's index lines are appended and flushed (one `fdatasync`),
//!   each record is renamed into place and `records/` is flushed.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use super::catalog::CatalogLine;
use super::commit::{
    in_parallel, syncfs, syncfs_is_cheap, temp_name, write_record_files, Durable, RECORD_FILES,
};
use super::lock::{LockGuard, MAX_STAGES};
use super::DirStore;
use crate::error::{io_at, Error, Kind, Result};
use crate::faults;
use crate::keystore::io::{mkdir, open_dir};
use crate::keystore::{exists_error, BatchWriter, NewRecord, RecordMeta, Staged, StagedAt};

/// Most ids spent at once (one durable journal write per block; the
/// first block, sized to the batch, shares the flush that names the
/// stage, so a batch of up to this many records spends its ids with no
/// flush of its own).
const ID_BLOCK: u64 = 1024;

/// A batch's staging directory; removed, with whatever it still holds,
/// when dropped.
pub struct Stage<'k> {
    ks: &'k DirStore,
    name: String,
    dir: PathBuf,
    /// Holds the flock that tells other writers this batch is alive.
    owner: File,
    /// This process's turns at the keystore lock: an flock conflicts
    /// between two descriptors of one process too, and waiting for it
    /// polls, so threads queue here instead.
    turn: Mutex<()>,
    ids: Mutex<Ids>,
    /// Names staged and not failed, to refuse a duplicate line early.
    names: Mutex<HashSet<String>>,
    block: u64,
}

/// The block of ids this batch has spent: `next..end` are still free.
struct Ids {
    next: u64,
    end: u64,
}

/// A staged record's directory. Every record this stage commits was
/// written by its own `write`, so it is always a directory; anything else
/// names no path (and its rename fails).
fn sub(s: &Staged) -> &std::path::Path {
    match &s.held {
        StagedAt::Dir(p) => p,
        StagedAt::Memory(_) => std::path::Path::new(""),
    }
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // panic = "abort": a lock is never poisoned, but never unwrap.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl DirStore {
    /// Starts staging for a batch of about `expected` records: names the
    /// staging directory in the journal, creates and flocks it, and spends
    /// the first block of ids, all under one lock and one flush.
    pub(super) fn start_stage(&self, expected: usize) -> Result<Stage<'_>> {
        let mut lock = self.lock()?;
        if lock.state.stages.len() >= MAX_STAGES {
            return Err(Error::new(
                Kind::Locked,
                format!(
                    "{MAX_STAGES} batches are already running on the keystore {}",
                    self.root.display()
                ),
            )
            .with_hint("wait for one of them to finish"));
        }
        let name = temp_name("stage")?;
        let dir = self.records_dir().join(&name);
        let block = (expected as u64).clamp(1, ID_BLOCK);
        let first = lock.state.next_id;
        lock.state.stages.push(name.clone());
        lock.state.next_id = first + block;
        lock.store(true)?;
        let owner = mkdir(&dir).and_then(|()| {
            let f = open_dir(&dir).map_err(|e| io_at(&dir, e))?;
            f.try_lock()
                .map_err(|_| Error::internal(format!("{}: cannot lock", dir.display())))?;
            Ok(f)
        });
        let owner = match owner {
            Ok(f) => f,
            Err(e) => {
                let _ = fs::remove_dir_all(&dir);
                lock.state.stages.retain(|s| *s != name);
                lock.state.next_id = first;
                let _ = lock.store(false);
                return Err(e);
            }
        };
        Ok(Stage {
            ks: self,
            name,
            dir,
            owner,
            turn: Mutex::new(()),
            ids: Mutex::new(Ids {
                next: first,
                end: first + block,
            }),
            names: Mutex::new(HashSet::new()),
            block,
        })
    }
}

impl Stage<'_> {
    /// The keystore lock, queued behind this process's other threads.
    fn lock(&self) -> Result<(MutexGuard<'_, ()>, LockGuard)> {
        let turn = locked(&self.turn);
        let lock = self.ks.lock()?;
        Ok((turn, lock))
    }

    /// The next id, spending a new block under the lock when this one is
    /// used up.
    fn next_id(&self) -> Result<u64> {
        let mut ids = locked(&self.ids);
        if ids.next == ids.end {
            let (_turn, mut lock) = self.lock()?;
            let first = lock.state.next_id;
            lock.state.next_id = first + self.block;
            lock.store(true)?;
            *ids = Ids {
                next: first,
                end: first + self.block,
            };
        }
        ids.next += 1;
        Ok(ids.next - 1)
    }

    /// Makes staged records durable: one `syncfs` when that is cheap,
    /// else each file and directory from up to 16 threads (each opened
    /// only for its flush). The stage directory itself need not be: the
    /// renames that follow name the records' own directories.
    fn flush(&self, staged: &[Staged], whole_fs: bool) -> Result<()> {
        if whole_fs {
            return syncfs(&self.owner, &self.dir);
        }
        // Each record's files, then its directory itself ("").
        let parts = RECORD_FILES.len() + 1;
        in_parallel(staged.len() * parts, |i| {
            let part = RECORD_FILES.get(i % parts).copied().unwrap_or("");
            let path = sub(&staged[i / parts]).join(part);
            OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
                .open(&path)
                .and_then(|f| f.sync_all())
                .map_err(|e| io_at(&path, e))
        })
    }
}

impl BatchWriter for Stage<'_> {
    /// Writes a record into the stage (from any thread, without the
    /// keystore lock) and gives it its id. Exit 4 if another line of the
    /// batch has the name (whether a record has it was checked before the
    /// record was prepared, and is checked again by `commit`).
    fn write(&self, mut rec: NewRecord<'_>) -> Result<Staged> {
        let name = rec.meta.name.clone();
        if !locked(&self.names).insert(name.clone()) {
            return Err(exists_error(&name));
        }
        let written = (|| {
            rec.meta.id = self.next_id()?;
            let sub = self.dir.join(rec.meta.id.to_string());
            mkdir(&sub)?;
            // The files are closed at once: flushing reopens them (see
            // `flush`), so a batch holds no descriptor per record.
            if let Err(e) = write_record_files(&sub, &rec, &mut Durable::unflushed()) {
                let _ = fs::remove_dir_all(&sub);
                return Err(e);
            }
            faults::pause("stage:written");
            Ok(Staged {
                held: StagedAt::Dir(sub),
                meta: rec.meta,
            })
        })();
        if written.is_err() {
            locked(&self.names).remove(&name);
        }
        written
    }

    /// Commits staged records: flushes them, then under the lock renames
    /// each into place and flushes `records/`. Results are per record;
    /// `Err` for the whole group only when the lock or a flush fails (the
    /// records then stay in the stage and are removed with it).
    fn commit(&self, staged: Vec<Staged>) -> Result<Vec<Result<RecordMeta>>> {
        if staged.is_empty() {
            return Ok(Vec::new());
        }
        // One look at the dirty data decides both flushes of the group.
        let whole_fs = syncfs_is_cheap();
        self.flush(&staged, whole_fs)?;
        faults::crash("batch:flushed");
        let (_turn, _lock) = self.lock()?;
        let mut results = Vec::with_capacity(staged.len());
        let mut moving = Vec::with_capacity(staged.len());
        for (i, s) in staged.iter().enumerate() {
            let dest = self.ks.record_dir(&s.meta.name);
            if fs::symlink_metadata(&dest).is_ok() {
                results.push(Some(Err(exists_error(&s.meta.name))));
            } else {
                results.push(None);
                moving.push((i, dest));
            }
        }
        // The group's index lines are durable before any of its records
        // lands (see `index`): one append and one flush per group.
        if !moving.is_empty() {
            let metas: Vec<_> = moving
                .iter()
                .map(|(i, _)| (&staged[*i].meta, None))
                .collect();
            let (index, _) = self
                .ks
                .index_append(&metas, &|| crate::keystore::Store::list(self.ks))?;
            faults::crash("batch:indexed");
            index
                .sync_data()
                .map_err(|e| io_at(std::path::Path::new(super::index::INDEX), e))?;
        }
        let lines: Vec<CatalogLine> = moving
            .iter()
            .filter_map(|(i, _)| CatalogLine::put(&staged[*i].meta, sub(&staged[*i])))
            .collect();
        self.ks.catalog_append(&lines);
        let mut landed = false;
        let mut staged: Vec<Option<Staged>> = staged.into_iter().map(Some).collect();
        for (i, dest) in moving {
            let Some(s) = staged[i].take() else { continue };
            results[i] = Some(match fs::rename(sub(&s), &dest) {
                Ok(()) => {
                    if !landed {
                        faults::crash("batch:first-renamed");
                    }
                    landed = true;
                    Ok(s.meta)
                }
                Err(e) => Err(io_at(&dest, e)),
            });
        }
        if landed {
            // Both directories: without a journal, a rename is durable
            // only once the old and the new entries are both written.
            let mut dirs = Durable::with_flush(whole_fs);
            dirs.dir(&self.ks.records_dir())?;
            dirs.dir(&self.dir)?;
            dirs.sync()?;
            faults::crash("batch:renamed");
        }
        Ok(results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(Error::internal("record was not committed"))))
            .collect())
    }
}

impl Drop for Stage<'_> {
    /// Removes the stage (records that failed are still in it), drops its
    /// journal entry and gives back unused ids. Best effort: whatever is
    /// left is removed by the next writer once this process has exited.
    fn drop(&mut self) {
        let ids = locked(&self.ids);
        let Ok((_turn, mut lock)) = self.lock() else {
            return;
        };
        if lock.state.next_id == ids.end {
            lock.state.next_id = ids.next;
        }
        let _ = fs::remove_dir_all(&self.dir);
        lock.state.stages.retain(|s| *s != self.name);
        let _ = lock.store(false);
    }
}
