//! Durable writes for the directory keystore: new files 0600 from the first
//! byte ([`write_new`]), the set of files and directories a commit flushes
//! before its rename ([`Durable`]: one `syncfs` when little data is dirty,
//! else per-file fsyncs), the atomic swap of two directories
//! ([`exchange`]), hard-linked history ([`link_tree`]), and placement hints
//! for ext4. Which files a commit writes and in what order is `dir`'s;
//! this room only makes them durable. Figures: docs/performance.md.

use std::ffi::CString;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::error::{io_at, Error, Kind, Result};
use crate::faults;
use crate::keystore::io::{mkdir, nofollow_read, open_dir, random_hex, sync_dir};
use crate::keystore::{NewRecord, CERT_FILE, CHAIN_FILE};

/// The files every record's directory has (written by [`write_record_files`]).
pub(super) const RECORD_FILES: [&str; 3] = ["key.pem", "csr.pem", "record.json"];
/// The files a record's directory has once it holds a certificate.
pub(super) const CERT_FILES: [&str; 2] = [CERT_FILE, CHAIN_FILE];

/// Creates `path` with `data`, mode 0600 from the first byte, never
/// following a symlink, and fsyncs it.
pub(super) fn create_file(path: &Path, data: &[u8]) -> Result<()> {
    let f = write_new(path, data)?;
    f.sync_all().map_err(|e| io_at(path, e))
}

/// Creates `path` with `data` (mode 0600 from the first byte, no symlink
/// followed) without syncing it; see [`Durable`].
pub(super) fn write_new(path: &Path, data: &[u8]) -> Result<File> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| io_at(path, e))?;
    if !faults::ENABLED {
        f.write_all(data).map_err(|e| io_at(path, e))?;
        return Ok(f);
    }
    // Under test, fail half-way through when asked to.
    let (head, tail) = data.split_at(data.len() / 2);
    f.write_all(head).map_err(|e| io_at(path, e))?;
    if let Some(name) = path.file_name() {
        faults::fail(&format!("write:{}", name.to_string_lossy())).map_err(|e| io_at(path, e))?;
    }
    f.write_all(tail).map_err(|e| io_at(path, e))?;
    Ok(f)
}

/// Files and directories that must be durable before a commit's rename.
/// A single record's few flushes run one after another, with the files'
/// data already on its way to the disk ([`Durable::single`]); a group
/// commit's hundreds wait on the disk from several threads at once.
pub(super) struct Durable {
    items: Vec<(PathBuf, File, bool)>,
    /// One `syncfs` for everything (see [`Durable::sync_whole_fs`]);
    /// `false` (per-file fsyncs) also starts each new file's writeback as
    /// it is written.
    whole_fs: bool,
}

impl Durable {
    /// For one record's commit. The way to flush is chosen up front: the
    /// early writeback helps the per-file fsyncs (EC generate -0.3 ms) but
    /// costs a syscall per file for nothing before a `syncfs` (+0.1 ms).
    pub(super) fn single() -> Self {
        Durable::with_flush(syncfs_is_cheap())
    }

    /// With the way to flush already chosen (see [`syncfs_is_cheap`]).
    pub(super) fn with_flush(whole_fs: bool) -> Self {
        Durable {
            items: Vec::new(),
            whole_fs,
        }
    }

    /// For files that a group commit flushes later, all together
    /// (`Stage::flush`): no early writeback, and never synced here.
    pub(super) fn unflushed() -> Self {
        Durable::with_flush(true)
    }

    /// Writes a new file and adds it.
    pub(super) fn write(&mut self, path: &Path, data: &[u8]) -> Result<()> {
        let f = write_new(path, data)?;
        if !self.whole_fs {
            start_writeback(&f);
        }
        self.items.push((path.to_path_buf(), f, false));
        Ok(())
    }

    /// Adds a directory (its entries must be durable).
    pub(super) fn dir(&mut self, path: &Path) -> Result<()> {
        let f = File::open(path).map_err(|e| io_at(path, e))?;
        self.items.push((path.to_path_buf(), f, false));
        Ok(())
    }

    /// Adds an existing file whose data (not its size) changed.
    pub(super) fn data_of(&mut self, path: &Path, file: &File) -> Result<()> {
        let f = file.try_clone().map_err(|e| io_at(path, e))?;
        self.items.push((path.to_path_buf(), f, true));
        Ok(())
    }

    /// Makes every item durable with one `syncfs(2)` of the file system
    /// that holds them all; `None` when they are not all on one file
    /// system (the caller then flushes item by item).
    ///
    /// Each `fsync` ends with a cache flush of the disk, and a record has
    /// six things to flush: on a virtual disk those flushes are most of a
    /// commit (EC generate 3.33 -> 2.97 ms, see docs/performance.md). `syncfs` writes
    /// back every dirty page and inode of the file system and flushes the
    /// disk once, so it is used only when [`syncfs_is_cheap`]. Its
    /// guarantee is a superset of the per-file fsyncs; like them it
    /// reports write-back errors.
    pub(super) fn sync_whole_fs(&self) -> Option<Result<()>> {
        let (path, first, _) = self.items.first()?;
        let dev = first.metadata().ok()?.dev();
        for (_, f, _) in &self.items[1..] {
            if f.metadata().ok()?.dev() != dev {
                return None;
            }
        }
        Some(syncfs(first, path))
    }

    pub(super) fn sync(self) -> Result<()> {
        if self.whole_fs {
            if let Some(done) = self.sync_whole_fs() {
                return done;
            }
        }
        let one = |(path, f, data_only): &(PathBuf, File, bool)| {
            if *data_only {
                f.sync_data()
            } else {
                f.sync_all()
            }
            .map_err(|e| io_at(path, e))
        };
        // A single record's handful of flushes run one after another:
        // starting threads costs more than overlapping them saves (EC
        // generate 3.17 -> 2.84 ms together with `start_writeback`, n=1000,
        // see docs/performance.md). A group commit has hundreds: up to 16 in flight.
        if self.items.len() <= SERIAL_FLUSHES {
            return self.items.iter().try_for_each(one);
        }
        in_parallel(self.items.len(), |i| one(&self.items[i]))
    }
}

/// `syncfs(2)` of the file system that holds `f` (`path` names it in an
/// error).
pub(super) fn syncfs(f: &File, path: &Path) -> Result<()> {
    // SAFETY: `f` owns a valid descriptor for the duration of the call,
    // which reads no memory of ours.
    if unsafe { libc::syncfs(f.as_raw_fd()) } == 0 {
        return Ok(());
    }
    Err(io_at(path, std::io::Error::last_os_error()))
}

/// Runs `job(0..count)` on up to 16 threads (this one included), for
/// flushes that mostly wait on the disk; the first error is returned, after
/// every job has run.
pub(super) fn in_parallel(count: usize, job: impl Fn(usize) -> Result<()> + Sync) -> Result<()> {
    let threads = count.min(16);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let worker = || {
        let mut result = Ok(());
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if i >= count {
                break result;
            }
            result = result.and(job(i));
        }
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads).map(|_| scope.spawn(worker)).collect();
        let mut result = worker();
        for h in handles {
            let r = h
                .join()
                .unwrap_or_else(|_| Err(Error::internal("fsync thread failed")));
            result = result.and(r);
        }
        result
    })
}

/// Most dirty or under-writeback data (system-wide, KiB) at which a
/// commit uses one `syncfs` instead of per-file fsyncs. Measured on the
/// project's VM: `syncfs` with 8 MiB dirty takes 3.8 ms (16 MiB: 6.5 ms),
/// against ~0.7 ms for a record's six fsyncs; with almost nothing dirty it
/// saves ~0.4 ms. So the bound keeps the worst case to a few milliseconds.
pub(super) const SYNCFS_MAX_DIRTY_KIB: u64 = 8 << 10;

/// Whether one `syncfs` costs less than per-file fsyncs: when the kernel
/// reports little dirty data system-wide ([`SYNCFS_MAX_DIRTY_KIB`]), so a
/// commit never waits behind someone else's large write. Test-only:
/// `CSRKIT_TEST_FLUSH=fsync|syncfs` forces one way.
pub(super) fn syncfs_is_cheap() -> bool {
    faults::forced_flush()
        .unwrap_or_else(|| dirty_kib().is_some_and(|kib| kib <= SYNCFS_MAX_DIRTY_KIB))
}

/// `Dirty` + `Writeback` from /proc/meminfo, in KiB; `None` if unknown.
pub(super) fn dirty_kib() -> Option<u64> {
    // One read: /proc/meminfo is ~1.5 KiB, and `read_to_string` would grow
    // its buffer from 32 bytes, one syscall per doubling.
    let mut buf = Vec::with_capacity(8192);
    File::open("/proc/meminfo")
        .and_then(|mut f| f.read_to_end(&mut buf))
        .ok()?;
    let text = String::from_utf8(buf).ok()?;
    let mut total = 0;
    let mut seen = 0;
    for line in text.lines() {
        let Some((key, rest)) = line.split_once(':') else {
            continue;
        };
        if key == "Dirty" || key == "Writeback" {
            total += rest.trim().trim_end_matches(" kB").parse::<u64>().ok()?;
            seen += 1;
        }
    }
    (seen == 2).then_some(total)
}

/// Marks a directory as the top of a directory hierarchy for ext4's Orlov
/// allocator (`chattr +T`; best effort, other file systems ignore it), so
/// that its subdirectories are each placed in a roomy block group with few
/// directories instead of next to it. Set on the keystore root just before
/// `records/` is created: `records/` then starts in a quiet group, and the
/// record directories, which are not spread, follow it there. That matters
/// on ext4 without a journal, which skips inodes freed in the last minutes
/// one by one: in the group where a test suite or a cleanup has just
/// deleted thousands of files, every new inode cost tens of microseconds
/// (EC generate 4.03 -> 3.06 ms). Spreading every record directory instead
/// (the flag on `records/` itself) costs a scan of all group descriptors
/// and a cold bitmap read per record (mkdir 31 -> 145 us, see docs/performance.md).
pub(super) fn mark_top_dir(dir: &Path) {
    const FS_TOPDIR_FL: libc::c_int = 0x0002_0000;
    let Ok(f) = open_dir(dir) else {
        return;
    };
    let mut flags: libc::c_int = 0;
    // SAFETY: both ioctls take a pointer to an int, which outlives them;
    // the descriptor is valid for their duration. Failures (a file system
    // without these flags) are ignored: the flag is only a placement hint.
    unsafe {
        if libc::ioctl(f.as_raw_fd(), libc::FS_IOC_GETFLAGS, &mut flags) != 0
            || flags & FS_TOPDIR_FL != 0
        {
            return;
        }
        flags |= FS_TOPDIR_FL;
        libc::ioctl(f.as_raw_fd(), libc::FS_IOC_SETFLAGS, &flags);
    }
}

/// Flush sets up to this size are flushed serially (see `Durable::sync`).
pub(super) const SERIAL_FLUSHES: usize = 12;

/// Starts writing a new file's data to the disk without waiting (Linux
/// `sync_file_range(SYNC_FILE_RANGE_WRITE)`), so the data of a record's
/// files is in flight at once and the fsyncs that follow mostly wait for
/// metadata. Only a hint: durability still comes from `Durable::sync`, so
/// an error here is ignored. Not used for the lock file, whose page is
/// rewritten right after the commit (measured slower), nor in a group
/// commit, where it would queue the writeback of every file on the
/// committing thread instead of the flush threads (measured slower).
pub(super) fn start_writeback(f: &File) {
    // SAFETY: `f` owns a valid descriptor for the duration of the call;
    // the call reads no memory of ours and only schedules I/O.
    unsafe {
        libc::sync_file_range(f.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
    }
}

/// A name for a new temporary: `.<tag>-<pid>-<16 random hex digits>`.
pub(super) fn temp_name(tag: &str) -> Result<String> {
    Ok(format!(".{tag}-{}-{}", std::process::id(), random_hex()?))
}

/// Swaps two directories atomically (Linux `renameat2(RENAME_EXCHANGE)`).
pub(super) fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths; AT_FDCWD resolves them.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Hard-links (or copies) every file of `src` into the new directory `dst`.
pub(super) fn link_tree(src: &Path, dst: &Path) -> Result<()> {
    mkdir(dst)?;
    for entry in fs::read_dir(src).map_err(|e| io_at(src, e))? {
        let entry = entry.map_err(|e| io_at(src, e))?;
        let ft = entry.file_type().map_err(|e| io_at(&entry.path(), e))?;
        let to = dst.join(entry.file_name());
        if ft.is_dir() {
            link_tree(&entry.path(), &to)?;
        } else if ft.is_file() {
            if fs::hard_link(entry.path(), &to).is_err() {
                let data = nofollow_read(&entry.path())?;
                create_file(&to, &data)?;
            }
        } else {
            return Err(Error::new(
                Kind::Invalid,
                format!(
                    "{} is not a regular file; refusing to copy it",
                    entry.path().display()
                ),
            ));
        }
    }
    sync_dir(dst)
}

/// Writes a record's files into `dir` (a new temporary or staged
/// directory), adding each to `durable`: the three of [`RECORD_FILES`]
/// (no key.pem for an empty key, which only a history revision has),
/// and `cert.pem` (with `chain.pem` unless the chain is empty) when the
/// record has a certificate.
pub(super) fn write_record_files(
    dir: &Path,
    rec: &NewRecord<'_>,
    durable: &mut Durable,
) -> Result<()> {
    let [key, csr, meta] = RECORD_FILES;
    // A history revision may hold no key (its key is a later revision's):
    // an empty `key_pem` writes no key.pem.
    if !rec.key_pem.is_empty() {
        durable.write(&dir.join(key), rec.key_pem.as_bytes())?;
    }
    durable.write(&dir.join(csr), rec.csr_pem.as_bytes())?;
    if let Some(c) = &rec.cert {
        durable.write(&dir.join(CERT_FILE), c.cert_pem.as_bytes())?;
        if !c.chain_pem.is_empty() {
            durable.write(&dir.join(CHAIN_FILE), c.chain_pem.as_bytes())?;
        }
    }
    let mut json =
        serde_json::to_vec_pretty(&rec.meta).map_err(|e| Error::internal(e.to_string()))?;
    json.push(b'\n');
    durable.write(&dir.join(meta), &json)
}
