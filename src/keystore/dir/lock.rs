//! The directory keystore's lock and journal: an `flock` on `.lock`, held
//! only for id allocation and commits, and a fixed 1 KiB block in that
//! file naming the next id, the temporary the holder is working on, and
//! the staging directories of running batches ([`LockGuard`]). Taking the
//! lock also recovers what a crashed writer left (its temporary, dead
//! batches' stages). What a commit writes is `dir`'s and `commit`'s.

use crate::mention;
use std::fs::{self, File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::commit::{temp_name, Durable};
use super::DirStore;
use crate::error::{io_at, Error, Kind, Result};
use crate::keystore::io::{mkdir, nofollow_read, open_dir, symlink_or_io};
use crate::keystore::Store;

/// The lock file, in the keystore root.
pub(super) const LOCK: &str = ".lock";
/// Where older keystores kept the next id (read once, on upgrade).
pub(super) const LEGACY_NEXT_ID: &str = ".next-id";
/// The lock file's journal is written as one fixed-size block.
pub(super) const LOCK_STATE_SIZE: usize = 1024;
/// Most `--batch` runs staging records in one keystore at once (each is a
/// line of the journal; see `stage`).
pub(super) const MAX_STAGES: usize = 16;

/// The name of every staging directory starts so (see `stage`).
pub(super) const PREFIX: &str = ".stage-";

/// Whether `name` can be a staging directory's (and is safe to remove).
pub(super) fn valid_name(name: &str) -> bool {
    name.starts_with(PREFIX) && name.len() <= 64 && !name.contains('/')
}

/// Whether the batch that owns a staging directory is still running: it
/// holds an `flock` on the directory for as long as it lives (the kernel
/// drops it when the process dies, however it dies). When the directory
/// cannot be opened, it is treated as owned: nothing is removed on a guess.
pub(super) fn owner_alive(dir: &Path) -> bool {
    let Ok(f) = open_dir(dir) else {
        return true;
    };
    !matches!(f.try_lock(), Ok(()))
}

/// Held while the keystore lock is taken.
///
/// The lock file also carries the keystore's journal: the next record id
/// and the temporary directory the lock holder is working on. The next
/// writer removes a crashed writer's temporary by name, so no write ever
/// scans `records/`, and spending an id is one `fdatasync` of this file.
pub struct LockGuard {
    pub(super) file: File,
    pub(super) state: LockState,
}

#[derive(Debug, Default, PartialEq)]
pub(super) struct LockState {
    pub(super) next_id: u64,
    pub(super) pending: Option<String>,
    /// Staging directories of running (or crashed) batches: see `stage`.
    pub(super) stages: Vec<String>,
}

impl LockState {
    pub(super) fn parse(data: &[u8]) -> Option<LockState> {
        let text = std::str::from_utf8(data).ok()?;
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        if lines.next()? != "csrkit-lock 1" {
            return None;
        }
        let mut state = LockState::default();
        for line in lines {
            match line.split_once(' ') {
                Some(("next-id", n)) => state.next_id = n.parse().ok().filter(|n| *n >= 1)?,
                Some(("pending", p)) => state.pending = Some(p.to_string()),
                Some(("stage", p)) if valid_name(p) => state.stages.push(p.to_string()),
                _ => return None,
            }
        }
        (state.next_id >= 1).then_some(state)
    }

    pub(super) fn encode(&self) -> [u8; LOCK_STATE_SIZE] {
        let mut text = format!("csrkit-lock 1\nnext-id {}\n", self.next_id);
        if let Some(p) = &self.pending {
            text.push_str(&format!("pending {p}\n"));
        }
        for p in &self.stages {
            text.push_str(&format!("stage {p}\n"));
        }
        let mut block = [b' '; LOCK_STATE_SIZE];
        block[..text.len()].copy_from_slice(text.as_bytes());
        block[LOCK_STATE_SIZE - 1] = b'\n';
        block
    }
}

impl LockGuard {
    pub(super) fn save(&self, durable: bool) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt;
        self.file.write_all_at(&self.state.encode(), 0)?;
        if durable {
            self.file.sync_data()?;
        }
        Ok(())
    }

    /// [`LockGuard::save`], as a keystore error.
    pub(super) fn store(&self, durable: bool) -> Result<()> {
        self.save(durable)
            .map_err(|e| Error::internal(format!("keystore lock file: {e}")))
    }

    /// Spends the next id; `durable` gets the lock file's fdatasync, which
    /// completes before the record that carries the id becomes visible, so
    /// ids are never reused.
    pub(super) fn spend_id(&mut self, id: u64, durable: &mut Durable) -> Result<()> {
        self.state.next_id = id + 1;
        self.store(false)?;
        durable.data_of(Path::new(LOCK), &self.file)
    }

    pub(super) fn set_pending(&mut self, name: Option<String>) -> Result<()> {
        self.state.pending = name;
        self.store(false)
    }
}

impl DirStore {
    /// Takes the keystore lock, waiting up to the lock timeout (exit 5).
    pub fn lock(&self) -> Result<LockGuard> {
        self.ensure()?;
        let path = self.lock_path();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&path)
            .map_err(|e| symlink_or_io(&path, e))?;
        let start = Instant::now();
        let mut pause = Duration::from_millis(1);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) => {
                    if start.elapsed() >= self.lock_timeout {
                        return Err(Error::new(
                            Kind::Locked,
                            format!(
                                "the keystore {} is locked by another csrkit process (waited {:.0?})",
                                self.root.display(),
                                self.lock_timeout
                            ),
                        )
                        .with_hint(concat!("wait for the other process to finish, or raise ", mention!(lock_timeout))));
                    }
                    crate::faults::mark("lock:wait");
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(25));
                }
                Err(fs::TryLockError::Error(e)) => return Err(io_at(&path, e)),
            }
        }
        let mut buf = Vec::with_capacity(LOCK_STATE_SIZE);
        Read::take(&file, 4096)
            .read_to_end(&mut buf)
            .map_err(|e| io_at(&path, e))?;
        let state = match LockState::parse(&buf) {
            Some(state) => state,
            // A new keystore, an older layout, or a damaged lock file.
            None => LockState {
                next_id: self.recover_next_id()?,
                ..LockState::default()
            },
        };
        let mut guard = LockGuard { file, state };
        if let Some(p) = guard.state.pending.take() {
            if (p.starts_with(".tmp-") || p.starts_with(".trash-")) && !p.contains('/') {
                let _ = fs::remove_dir_all(self.records_dir().join(&p));
            }
            guard.set_pending(None)?;
        } else if buf.is_empty() || LockState::parse(&buf).is_none() {
            guard.save(true).map_err(|e| io_at(&path, e))?;
        }
        if !guard.state.stages.is_empty() {
            self.reap_stages(&mut guard)?;
        }
        Ok(guard)
    }

    /// The next id when the lock file has none: the older `.next-id`, or
    /// one past the largest id in use. Also sweeps any temporaries.
    pub(super) fn recover_next_id(&self) -> Result<u64> {
        self.clean_temporaries();
        let legacy = nofollow_read(&self.records_dir().join(LEGACY_NEXT_ID))
            .ok()
            .and_then(|d| String::from_utf8(d).ok())
            .and_then(|s| s.trim().parse::<u64>().ok())
            .unwrap_or(1);
        let max_in_use = self.list()?.iter().map(|r| r.summary.id).max().unwrap_or(0);
        Ok(legacy.max(max_in_use + 1))
    }

    /// Removes `.tmp-*` and `.trash-*` left by a crashed writer (only
    /// called with the lock held: no live process owns them), and staging
    /// directories whose batch is gone.
    pub(super) fn clean_temporaries(&self) {
        for dir in [
            self.records_dir(),
            self.root.clone(),
            self.acme_dir(),
            self.renewal_dir(),
        ] {
            let Ok(entries) = fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let p = entry.path();
                let stale_stage = name.starts_with(PREFIX) && !owner_alive(&p);
                if name.starts_with(".tmp-") || name.starts_with(".trash-") || stale_stage {
                    let _ = if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                        fs::remove_dir_all(&p)
                    } else {
                        fs::remove_file(&p)
                    };
                }
            }
        }
    }

    /// Drops the journal's staging entries whose batch is gone (killed or
    /// crashed: its flock is free), removing their directories; a running
    /// batch's entry and records stay (see `stage`).
    pub(super) fn reap_stages(&self, guard: &mut LockGuard) -> Result<()> {
        let before = guard.state.stages.len();
        guard.state.stages.retain(|name| {
            let dir = self.records_dir().join(name);
            match fs::symlink_metadata(&dir) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
                _ if owner_alive(&dir) => true,
                _ => {
                    let _ = fs::remove_dir_all(&dir);
                    false
                }
            }
        });
        if guard.state.stages.len() == before {
            return Ok(());
        }
        guard.store(false)
    }

    /// A fresh temporary directory inside `records/` (same directory as
    /// its final name, so the commit is one rename).
    /// Its name is in the lock file's journal before it exists.
    pub(super) fn temp_dir(&self, lock: &mut LockGuard, tag: &str) -> Result<PathBuf> {
        let name = temp_name(tag)?;
        lock.set_pending(Some(name.clone()))?;
        let p = self.records_dir().join(name);
        mkdir(&p)?;
        Ok(p)
    }

    pub(super) fn lock_path(&self) -> PathBuf {
        self.root.join(LOCK)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn lock_state_round_trips_in_one_block() {
        for state in [
            LockState {
                next_id: 1,
                ..LockState::default()
            },
            LockState {
                next_id: 987_654,
                pending: Some(".tmp-42-00ff00ff00ff00ff".into()),
                stages: Vec::new(),
            },
            // The most the block holds: a pending temporary and every
            // stage, with the longest pids.
            LockState {
                next_id: u64::MAX / 2,
                pending: Some(".tmp-4294967295-00ff00ff00ff00ff".into()),
                stages: (0..MAX_STAGES)
                    .map(|i| format!(".stage-{}-00ff00ff00ff00ff", 4_294_967_295 - i))
                    .collect(),
            },
        ] {
            let block = state.encode();
            assert_eq!(block.len(), LOCK_STATE_SIZE);
            assert_eq!(LockState::parse(&block), Some(state));
        }
        assert_eq!(LockState::parse(b""), None);
        assert_eq!(LockState::parse(b"csrkit-lock 1\nnext-id 0\n"), None);
        assert_eq!(LockState::parse(b"garbage"), None);
        // A stage entry is only ever a staging directory's own name.
        for bad in ["stage ../records", "stage .tmp-1-00", "stage .stage-1/x"] {
            let text = format!("csrkit-lock 1\nnext-id 3\n{bad}\n");
            assert_eq!(LockState::parse(text.as_bytes()), None, "{bad}");
        }
    }
}
