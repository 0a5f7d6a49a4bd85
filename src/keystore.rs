//! The keystore on disk (SPEC §5): layout, locking, atomic commits.
//!
//! Everything expensive (key generation, signing, key encryption) happens in
//! memory before the lock is taken. Under the lock a record is written into
//! a fresh `.tmp-*` directory, fsynced, and renamed into place (or swapped
//! with the old one with `RENAME_EXCHANGE`), so a crash leaves either the
//! complete old state or the complete new one. Temporaries left by a crash
//! are removed by the next writer, which holds the lock, so no live writer
//! can own them. `generate --batch` writes into a staging directory of its
//! own, outside the lock, and only renames under it (see `stage`).

use std::collections::HashMap;
use std::ffi::CString;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, DirEntryExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{io_at, Error, Kind, Result};
use crate::request::{KeySpec, Request};

mod stage;
pub use stage::{Stage, Staged};

pub const RECORDS: &str = "records";
pub const HISTORY: &str = "history";
const LOCK: &str = ".lock";
/// Where older keystores kept the next id (read once, on upgrade).
const LEGACY_NEXT_ID: &str = ".next-id";
/// The lock file's journal is written as one fixed-size block.
const LOCK_STATE_SIZE: usize = 1024;
/// Most `--batch` runs staging records in one keystore at once (each is a
/// line of the journal; see `stage`).
const MAX_STAGES: usize = 16;
/// Append-only summary of every commit, inside `records/` (see `list`).
const CATALOG: &str = ".catalog";
/// Compact the catalog when it holds this many more lines than records.
const CATALOG_SLACK: usize = 1000;
const MAX_FILE: u64 = 1 << 20;
/// The files of a record's directory (written by `write_record_files`).
const RECORD_FILES: [&str; 3] = ["key.pem", "csr.pem", "record.json"];

/// A test hook's environment variable, read once per process (a commit
/// passes a dozen hooks; each `env::var` takes the environment's lock and
/// allocates).
fn hook(cell: &'static OnceLock<Option<String>>, var: &str) -> Option<&'static str> {
    cell.get_or_init(|| std::env::var(var).ok()).as_deref()
}

static CRASH_AT: OnceLock<Option<String>> = OnceLock::new();
static PAUSE_AT: OnceLock<Option<String>> = OnceLock::new();
static FAIL_AT: OnceLock<Option<String>> = OnceLock::new();
static FLUSH: OnceLock<Option<String>> = OnceLock::new();

/// Test-only crash injection: `CSRKIT_TEST_CRASH_AT=<step>` aborts the
/// process right after that filesystem step (see tests/crash.rs).
fn crash_point(step: &str) {
    if hook(&CRASH_AT, "CSRKIT_TEST_CRASH_AT") == Some(step) {
        std::process::abort();
    }
}

/// Test-only pause: `CSRKIT_TEST_PAUSE_AT=<step>:<ms>` sleeps that long
/// the first time the process reaches the step (tests/reliability.rs
/// holds a batch mid-run with it while other writers come and go).
fn pause_point(step: &str) {
    static PAUSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let Some(at) = hook(&PAUSE_AT, "CSRKIT_TEST_PAUSE_AT") else {
        return;
    };
    if let Some((s, ms)) = at.rsplit_once(':') {
        if s == step && !PAUSED.swap(true, std::sync::atomic::Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(ms.parse().unwrap_or(0)));
        }
    }
}

/// Test-only failure injection: `CSRKIT_TEST_FAIL_AT=<step>` makes that
/// step fail with ENOSPC, as a full disk would (see tests/hostile.rs).
/// Steps: `write:<file name>` (after half of the file's bytes are written),
/// `create:rename`, `replace:exchange`.
fn fail_point(step: &str) -> std::io::Result<()> {
    if hook(&FAIL_AT, "CSRKIT_TEST_FAIL_AT") == Some(step) {
        return Err(std::io::Error::from_raw_os_error(libc::ENOSPC));
    }
    Ok(())
}

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
        let path = self.csr_path();
        let csr = nofollow_read(&path)?;
        String::from_utf8(csr)
            .map_err(|_| Error::internal(format!("{} is not text", path.display())))
    }

    pub fn key_path(&self) -> PathBuf {
        self.dir.join("key.pem")
    }
    pub fn csr_path(&self) -> PathBuf {
        self.dir.join("csr.pem")
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
        read_record_at(&self.dir)
    }
}

/// What a commit writes: the new record's files.
pub struct NewRecord<'a> {
    pub meta: RecordMeta,
    pub csr_pem: &'a str,
    pub key_pem: &'a str,
}

pub struct Keystore {
    root: PathBuf,
    lock_timeout: Duration,
}

/// Held while the keystore lock is taken.
///
/// The lock file also carries the keystore's journal: the next record id
/// and the temporary directory the lock holder is working on. The next
/// writer removes a crashed writer's temporary by name, so no write ever
/// scans `records/`, and spending an id is one `fdatasync` of this file.
pub struct LockGuard {
    file: File,
    state: LockState,
}

#[derive(Debug, Default, PartialEq)]
struct LockState {
    next_id: u64,
    pending: Option<String>,
    /// Staging directories of running (or crashed) batches: see `stage`.
    stages: Vec<String>,
}

impl LockState {
    fn parse(data: &[u8]) -> Option<LockState> {
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
                Some(("stage", p)) if stage::valid_name(p) => state.stages.push(p.to_string()),
                _ => return None,
            }
        }
        (state.next_id >= 1).then_some(state)
    }

    fn encode(&self) -> [u8; LOCK_STATE_SIZE] {
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
    fn save(&self, durable: bool) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt;
        self.file.write_all_at(&self.state.encode(), 0)?;
        if durable {
            self.file.sync_data()?;
        }
        Ok(())
    }

    /// [`LockGuard::save`], as a keystore error.
    fn store(&self, durable: bool) -> Result<()> {
        self.save(durable)
            .map_err(|e| Error::internal(format!("keystore lock file: {e}")))
    }

    /// Spends the next id; `durable` gets the lock file's fdatasync, which
    /// completes before the record that carries the id becomes visible, so
    /// ids are never reused.
    fn spend_id(&mut self, id: u64, durable: &mut Durable) -> Result<()> {
        self.state.next_id = id + 1;
        self.store(false)?;
        durable.data_of(Path::new(LOCK), &self.file)
    }

    fn set_pending(&mut self, name: Option<String>) -> Result<()> {
        self.state.pending = name;
        self.store(false)
    }
}

pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    now.format(&fmt).unwrap_or_default()
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
            "--keystore",
            "no home directory to hold the default keystore (HOME is not set or not absolute)",
        )
        .with_hint("give --keystore DIR or set CSRKIT_KEYSTORE")),
    }
}

fn nofollow_read(path: &Path) -> Result<Vec<u8>> {
    let mut f = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| symlink_or_io(path, e))?;
    let md = f.metadata().map_err(|e| io_at(path, e))?;
    if !md.is_file() {
        return Err(Error::internal(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    if md.len() > MAX_FILE {
        return Err(Error::internal(format!(
            "{} is larger than 1 MiB; refusing to read it",
            path.display()
        )));
    }
    let mut buf = Vec::with_capacity(md.len() as usize);
    Read::take(&mut f, MAX_FILE)
        .read_to_end(&mut buf)
        .map_err(|e| io_at(path, e))?;
    Ok(buf)
}

fn symlink_or_io(path: &Path, e: std::io::Error) -> Error {
    if e.raw_os_error() == Some(libc::ELOOP) {
        Error::new(
            Kind::Invalid,
            format!(
                "{} is a symbolic link; refusing to follow it",
                path.display()
            ),
        )
        .with_hint("replace the link with the real file, or remove the record")
    } else {
        io_at(path, e)
    }
}

/// Creates `path` with `data`, mode 0600 from the first byte, never
/// following a symlink, and fsyncs it.
fn create_file(path: &Path, data: &[u8]) -> Result<()> {
    let f = write_new(path, data)?;
    f.sync_all().map_err(|e| io_at(path, e))
}

/// Creates `path` with `data` (mode 0600 from the first byte, no symlink
/// followed) without syncing it; see [`Durable`].
fn write_new(path: &Path, data: &[u8]) -> Result<File> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| io_at(path, e))?;
    if hook(&FAIL_AT, "CSRKIT_TEST_FAIL_AT").is_none() {
        f.write_all(data).map_err(|e| io_at(path, e))?;
        return Ok(f);
    }
    // Under test, fail half-way through when asked to.
    let (head, tail) = data.split_at(data.len() / 2);
    f.write_all(head).map_err(|e| io_at(path, e))?;
    if let Some(name) = path.file_name() {
        fail_point(&format!("write:{}", name.to_string_lossy())).map_err(|e| io_at(path, e))?;
    }
    f.write_all(tail).map_err(|e| io_at(path, e))?;
    Ok(f)
}

/// Files and directories that must be durable before a commit's rename.
/// A single record's few flushes run one after another, with the files'
/// data already on its way to the disk ([`Durable::single`]); a group
/// commit's hundreds wait on the disk from several threads at once.
struct Durable {
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
    fn single() -> Self {
        Durable::with_flush(syncfs_is_cheap())
    }

    /// With the way to flush already chosen (see [`syncfs_is_cheap`]).
    fn with_flush(whole_fs: bool) -> Self {
        Durable {
            items: Vec::new(),
            whole_fs,
        }
    }

    /// For files that a group commit flushes later, all together
    /// (`Stage::flush`): no early writeback, and never synced here.
    fn unflushed() -> Self {
        Durable::with_flush(true)
    }

    /// Writes a new file and adds it.
    fn write(&mut self, path: &Path, data: &[u8]) -> Result<()> {
        let f = write_new(path, data)?;
        if !self.whole_fs {
            start_writeback(&f);
        }
        self.items.push((path.to_path_buf(), f, false));
        Ok(())
    }

    /// Adds a directory (its entries must be durable).
    fn dir(&mut self, path: &Path) -> Result<()> {
        let f = File::open(path).map_err(|e| io_at(path, e))?;
        self.items.push((path.to_path_buf(), f, false));
        Ok(())
    }

    /// Adds an existing file whose data (not its size) changed.
    fn data_of(&mut self, path: &Path, file: &File) -> Result<()> {
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
    /// commit (EC generate 3.33 -> 2.97 ms, see README). `syncfs` writes
    /// back every dirty page and inode of the file system and flushes the
    /// disk once, so it is used only when [`syncfs_is_cheap`]. Its
    /// guarantee is a superset of the per-file fsyncs; like them it
    /// reports write-back errors.
    fn sync_whole_fs(&self) -> Option<Result<()>> {
        let (path, first, _) = self.items.first()?;
        let dev = first.metadata().ok()?.dev();
        for (_, f, _) in &self.items[1..] {
            if f.metadata().ok()?.dev() != dev {
                return None;
            }
        }
        Some(syncfs(first, path))
    }

    fn sync(self) -> Result<()> {
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
        // see README). A group commit has hundreds: up to 16 in flight.
        if self.items.len() <= SERIAL_FLUSHES {
            return self.items.iter().try_for_each(one);
        }
        in_parallel(self.items.len(), |i| one(&self.items[i]))
    }
}

/// `syncfs(2)` of the file system that holds `f` (`path` names it in an
/// error).
fn syncfs(f: &File, path: &Path) -> Result<()> {
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
fn in_parallel(count: usize, job: impl Fn(usize) -> Result<()> + Sync) -> Result<()> {
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
const SYNCFS_MAX_DIRTY_KIB: u64 = 8 << 10;

/// Whether one `syncfs` costs less than per-file fsyncs: when the kernel
/// reports little dirty data system-wide ([`SYNCFS_MAX_DIRTY_KIB`]), so a
/// commit never waits behind someone else's large write. Test-only:
/// `CSRKIT_TEST_FLUSH=fsync|syncfs` forces one way.
fn syncfs_is_cheap() -> bool {
    match hook(&FLUSH, "CSRKIT_TEST_FLUSH") {
        Some("fsync") => false,
        Some("syncfs") => true,
        _ => dirty_kib().is_some_and(|kib| kib <= SYNCFS_MAX_DIRTY_KIB),
    }
}

/// `Dirty` + `Writeback` from /proc/meminfo, in KiB; `None` if unknown.
fn dirty_kib() -> Option<u64> {
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
/// and a cold bitmap read per record (mkdir 31 -> 145 us, see README).
fn mark_top_dir(dir: &Path) {
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
const SERIAL_FLUSHES: usize = 12;

/// Starts writing a new file's data to the disk without waiting (Linux
/// `sync_file_range(SYNC_FILE_RANGE_WRITE)`), so the data of a record's
/// files is in flight at once and the fsyncs that follow mostly wait for
/// metadata. Only a hint: durability still comes from `Durable::sync`, so
/// an error here is ignored. Not used for the lock file, whose page is
/// rewritten right after the commit (measured slower), nor in a group
/// commit, where it would queue the writeback of every file on the
/// committing thread instead of the flush threads (measured slower).
fn start_writeback(f: &File) {
    // SAFETY: `f` owns a valid descriptor for the duration of the call;
    // the call reads no memory of ours and only schedules I/O.
    unsafe {
        libc::sync_file_range(f.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
    }
}

/// Opens a directory itself (for an ioctl or an flock on it), never
/// through a symlink.
fn open_dir(dir: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(dir)
}

/// A name for a new temporary: `.<tag>-<pid>-<16 random hex digits>`.
fn temp_name(tag: &str) -> Result<String> {
    let mut rnd = [0u8; 8];
    aws_lc_rs::rand::fill(&mut rnd).map_err(|_| Error::internal("random name"))?;
    let suffix: String = rnd.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!(".{tag}-{}-{suffix}", std::process::id()))
}

fn sync_dir(path: &Path) -> Result<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| io_at(path, e))
}

fn mkdir(path: &Path) -> Result<()> {
    DirBuilder::new()
        .mode(0o700)
        .create(path)
        .map_err(|e| io_at(path, e))
}

/// Writes `data` to `dest` atomically: temp file in the same directory,
/// fsync, rename, fsync of the directory.
pub fn atomic_write(dest: &Path, data: &[u8], mode: u32) -> Result<()> {
    let dir = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        dest.file_name().and_then(|s| s.to_str()).unwrap_or("out"),
        std::process::id()
    ));
    let _ = fs::remove_file(&tmp);
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&tmp)
            .map_err(|e| io_at(&tmp, e))?;
        f.write_all(data).map_err(|e| io_at(dest, e))?;
        f.sync_all().map_err(|e| io_at(dest, e))?;
        fs::rename(&tmp, dest).map_err(|e| io_at(dest, e))?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn check_not_writable_by_others(path: &Path, md: &fs::Metadata, what: &str) -> Result<()> {
    if md.permissions().mode() & 0o022 != 0 {
        return Err(Error::new(
            Kind::Invalid,
            format!(
                "{what} {} is writable by group or others; refusing to use it",
                path.display()
            ),
        )
        .with_hint(format!("run: chmod go-w {}", path.display())));
    }
    Ok(())
}

/// Swaps two directories atomically (Linux `renameat2(RENAME_EXCHANGE)`).
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
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
fn link_tree(src: &Path, dst: &Path) -> Result<()> {
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

impl Keystore {
    pub fn new(root: PathBuf, lock_timeout: Duration) -> Keystore {
        Keystore { root, lock_timeout }
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
            .with_hint("point --keystore (or CSRKIT_KEYSTORE) at a directory"));
        }
        check_not_writable_by_others(&self.root, &md, "keystore")?;
        if let Ok(rmd) = fs::symlink_metadata(self.records_dir()) {
            if !rmd.is_dir() {
                return Err(Error::new(
                    Kind::Invalid,
                    format!("{} is not a directory", self.records_dir().display()),
                ));
            }
            check_not_writable_by_others(&self.records_dir(), &rmd, "keystore directory")?;
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
                        .with_hint("wait for the other process to finish, or raise --lock-timeout"));
                    }
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
    fn recover_next_id(&self) -> Result<u64> {
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
    fn clean_temporaries(&self) {
        for dir in [self.records_dir(), self.root.clone()] {
            let Ok(entries) = fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let p = entry.path();
                let stale_stage = name.starts_with(stage::PREFIX) && !stage::owner_alive(&p);
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
    fn reap_stages(&self, guard: &mut LockGuard) -> Result<()> {
        let before = guard.state.stages.len();
        guard.state.stages.retain(|name| {
            let dir = self.records_dir().join(name);
            match fs::symlink_metadata(&dir) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
                _ if stage::owner_alive(&dir) => true,
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
    fn temp_dir(&self, lock: &mut LockGuard, tag: &str) -> Result<PathBuf> {
        let name = temp_name(tag)?;
        lock.set_pending(Some(name.clone()))?;
        let p = self.records_dir().join(name);
        mkdir(&p)?;
        Ok(p)
    }

    /// Whether a record of that name exists (a quick check before the
    /// expensive work; the commit checks again under the lock).
    pub fn exists(&self, name: &str) -> bool {
        fs::symlink_metadata(self.record_dir(name)).is_ok()
    }

    /// Commits a new record: allocates its id, writes it, renames it into
    /// place. Exit 4 if the name is taken.
    pub fn create(&self, mut rec: NewRecord<'_>) -> Result<RecordMeta> {
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
        let result = (|| {
            let mut durable = Durable::single();
            write_record_files(&tmp, &rec, &mut durable)?;
            durable.dir(&tmp)?;
            // The id is spent (durably) before the record becomes
            // visible: ids are never reused.
            lock.spend_id(id, &mut durable)?;
            durable.sync()?;
            crash_point("create:tmp-written");
            crash_point("create:id-written");
            // The catalog line goes first, naming the inode that is about
            // to land (see `catalog_put`).
            mark = self.catalog_put(&rec.meta, &tmp);
            fail_point("create:rename").map_err(|e| io_at(&dest, e))?;
            fs::rename(&tmp, &dest).map_err(|e| io_at(&dest, e))?;
            crash_point("create:renamed");
            sync_dir(&self.records_dir())?;
            Ok(())
        })();
        if result.is_err() {
            self.catalog_rollback(mark);
            let _ = fs::remove_dir_all(&tmp);
        }
        let _ = lock.set_pending(None);
        result.map(|()| rec.meta)
    }

    /// Replaces a record with a new revision; the current files move to
    /// `history/<revision>/`. `expect_revision` guards against a concurrent
    /// change between reading and committing: the new revision follows
    /// whatever is current at commit time.
    pub fn replace(&self, mut rec: NewRecord<'_>) -> Result<RecordMeta> {
        let mut lock = self.lock()?;
        let name = rec.meta.name.clone();
        let dest = self.record_dir(&name);
        let current = read_record_at(&dest)?;
        if current.meta.id != rec.meta.id {
            return Err(Error::not_found(format!(
                "record {name} was deleted or replaced while regenerating"
            )));
        }
        rec.meta.revision = current.meta.revision + 1;
        rec.meta.created = current.meta.created.clone();
        let tmp = self.temp_dir(&mut lock, "tmp")?;
        let mut mark = None;
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
            let prev = tmp.join(HISTORY).join(current.meta.revision.to_string());
            mkdir(&prev)?;
            for f in RECORD_FILES {
                let data = nofollow_read(&dest.join(f))?;
                durable.write(&prev.join(f), &data)?;
            }
            durable.dir(&prev)?;
            durable.dir(&tmp.join(HISTORY))?;
            durable.dir(&tmp)?;
            durable.sync()?;
            crash_point("replace:tmp-written");
            mark = self.catalog_put(&rec.meta, &tmp);
            match fail_point("replace:exchange").and_then(|()| exchange(&tmp, &dest)) {
                Ok(()) => {
                    crash_point("replace:exchanged");
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
            let _ = fs::remove_dir_all(&tmp);
        }
        let _ = lock.set_pending(None);
        result.map(|()| rec.meta)
    }

    /// Deletes a record and its history.
    pub fn delete(&self, rec: &Record) -> Result<()> {
        let mut lock = self.lock()?;
        let dest = self.record_dir(&rec.meta.name);
        let current = read_record_at(&dest)?;
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
        lock.set_pending(None)
    }

    /// Appends a line to the catalog. The catalog is a cache: it is not
    /// fsynced, and every entry is checked against its directory's inode
    /// number before it is trusted, so a lost append costs only speed.
    /// Returns the catalog's length before the append (`None`: it did not
    /// exist), for [`Keystore::catalog_rollback`].
    fn catalog_append(&self, lines: &[CatalogLine]) -> Option<Option<u64>> {
        let mut json = Vec::new();
        for line in lines {
            json.extend_from_slice(&line.to_json().ok()?);
            json.push(b'\n');
        }
        let path = self.records_dir().join(CATALOG);
        let before = fs::symlink_metadata(&path).ok().map(|m| m.len());
        let mut f = OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&path)
            .ok()?;
        // One write(2), under the lock: lines never interleave.
        let _ = f.write_all(&json);
        Some(before)
    }

    /// Undoes the append of a commit that failed, so that a failed command
    /// leaves the keystore byte-for-byte as it was. (Leaving the line would
    /// be harmless: it names the inode of a directory that never landed.)
    fn catalog_rollback(&self, mark: Option<Option<u64>>) {
        let path = self.records_dir().join(CATALOG);
        match mark {
            Some(None) => {
                let _ = fs::remove_file(&path);
            }
            Some(Some(len)) => {
                if let Ok(f) = OpenOptions::new()
                    .write(true)
                    .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
                    .open(&path)
                {
                    let _ = f.set_len(len);
                }
            }
            None => {}
        }
    }

    /// Records that the directory `dir` (a temporary about to be renamed
    /// into place) holds `meta`. Appended *before* the rename: a line
    /// appended after it would be lost by a crash in between, and the
    /// name's last line would then name the inode of an older directory,
    /// which the file system may hand out again to a later commit of the
    /// same name, making `list` trust stale metadata. Written first, the
    /// name's last line names either the current directory or a temporary
    /// that never landed (whose inode is distinct from the current one's).
    fn catalog_put(&self, meta: &RecordMeta, dir: &Path) -> Option<Option<u64>> {
        self.catalog_append(&[CatalogLine::put(meta, dir)?])
    }

    /// The catalog's live entries by name (last line wins), and its line
    /// count. Each summary's `name` is moved into its key (left empty).
    fn catalog_read(&self) -> (HashMap<String, (u64, Summary)>, usize) {
        let Ok(data) = nofollow_read_any(&self.records_dir().join(CATALOG)) else {
            return (HashMap::new(), 0);
        };
        // Sized up front: rehashing 10,000 summaries showed in profiles.
        let mut map = HashMap::with_capacity(data.iter().filter(|b| **b == b'\n').count());
        let mut lines = 0;
        for line in data.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            lines += 1;
            match CatalogLine::parse(line) {
                Some(CatalogLine::Put { ino, mut summary }) => {
                    // The name moves into the key (no copy per record);
                    // `list` puts it back when it takes the summary.
                    map.insert(std::mem::take(&mut summary.name), (ino, summary));
                }
                Some(CatalogLine::Del { name, .. }) => {
                    map.remove(&name);
                }
                None => {} // a torn last line after a crash: ignored
            }
        }
        (map, lines)
    }

    /// Rewrites the catalog from the live records, if no writer is busy.
    fn catalog_compact(&self, records: &[Listed]) {
        let Ok(file) = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(self.lock_path())
        else {
            return;
        };
        if file.try_lock().is_err() {
            return;
        }
        let mut out = Vec::new();
        for r in records {
            if let Ok(md) = fs::symlink_metadata(&r.dir) {
                let line = CatalogLine::Put {
                    ino: md.ino(),
                    summary: r.summary.clone(),
                };
                if let Ok(json) = line.to_json() {
                    out.extend_from_slice(&json);
                    out.push(b'\n');
                }
            }
        }
        let _ = atomic_write(&self.records_dir().join(CATALOG), &out, 0o600);
    }

    fn lock_path(&self) -> PathBuf {
        self.root.join(LOCK)
    }

    pub fn read_key_pem(&self, rec: &Record) -> Result<zeroize::Zeroizing<String>> {
        let data = zeroize::Zeroizing::new(nofollow_read(&rec.key_path())?);
        let text =
            std::str::from_utf8(&data).map_err(|_| Error::internal("key.pem is not text"))?;
        Ok(zeroize::Zeroizing::new(text.to_string()))
    }

    /// Finds a record by name, or by id.
    pub fn find(&self, name_or_id: &str) -> Result<Record> {
        if !self.check_root()? {
            return Err(not_found(name_or_id));
        }
        if crate::request::validate_name(name_or_id).is_ok() {
            let dir = self.record_dir(name_or_id);
            if fs::symlink_metadata(&dir).is_ok() {
                return read_record_at(&dir);
            }
        }
        let Ok(id) = name_or_id.parse::<u64>() else {
            return Err(not_found(name_or_id));
        };
        // The catalog says which name holds the id (checked on use);
        // otherwise scan.
        let (catalog, _) = self.catalog_read();
        if let Some((name, _)) = catalog.iter().find(|(_, (_, m))| m.id == id) {
            if let Ok(rec) = read_record_at(&self.record_dir(name)) {
                if rec.meta.id == id {
                    return Ok(rec);
                }
            }
        }
        if let Some(row) = self.list()?.into_iter().find(|r| r.summary.id == id) {
            return row.record();
        }
        Err(not_found(name_or_id))
    }

    /// Every record, sorted by id. A directory whose inode matches its
    /// catalog line is taken from the catalog (one file read for the whole
    /// keystore); any other is read from its record.json, and the catalog
    /// is then rewritten.
    pub fn list(&self) -> Result<Vec<Listed>> {
        if !self.check_root()? {
            return Ok(vec![]);
        }
        let dir = self.records_dir();
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(io_at(&dir, e)),
        };
        let (mut catalog, lines) = self.catalog_read();
        let mut out = Vec::new();
        let mut misses = 0;
        for entry in entries {
            let entry = entry.map_err(|e| io_at(&dir, e))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if crate::request::validate_name(name).is_err() {
                continue;
            }
            match catalog.remove_entry(name) {
                Some((name, (ino, mut summary)))
                    if ino == entry.ino() && entry.file_type().is_ok_and(|t| t.is_dir()) =>
                {
                    summary.name = name;
                    out.push(Listed {
                        summary,
                        dir: entry.path(),
                    });
                }
                _ => {
                    misses += 1;
                    let rec = read_record_at(&entry.path())?;
                    out.push(Listed {
                        summary: Summary::of(&rec.meta),
                        dir: rec.dir,
                    });
                }
            }
        }
        out.sort_unstable_by_key(|r| r.summary.id);
        if misses > 0 || lines > out.len() + CATALOG_SLACK {
            self.catalog_compact(&out);
        }
        Ok(out)
    }
}

/// One catalog line.
enum CatalogLine {
    Put { ino: u64, summary: Summary },
    Del { id: u64, name: String },
}

/// A catalog line on disk: `{"op":"put","ino":..,"summary":{..}}` or
/// `{"op":"del","id":..,"name":..}`. A flat struct rather than a tagged
/// enum: serde buffers tagged enums and parses them twice, which was half
/// the time of `list` on a large keystore.
#[derive(Serialize, Deserialize)]
struct CatalogRow {
    op: CatalogOp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ino: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    summary: Option<Summary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum CatalogOp {
    Put,
    Del,
}

impl CatalogLine {
    /// The line for a record whose directory is (or is about to be) `dir`.
    fn put(meta: &RecordMeta, dir: &Path) -> Option<CatalogLine> {
        let md = fs::symlink_metadata(dir).ok()?;
        Some(CatalogLine::Put {
            ino: md.ino(),
            summary: Summary::of(meta),
        })
    }

    fn to_json(&self) -> serde_json::Result<Vec<u8>> {
        let row = match self {
            CatalogLine::Put { ino, summary } => CatalogRow {
                op: CatalogOp::Put,
                ino: Some(*ino),
                summary: Some(summary.clone()),
                id: None,
                name: None,
            },
            CatalogLine::Del { id, name } => CatalogRow {
                op: CatalogOp::Del,
                ino: None,
                summary: None,
                id: Some(*id),
                name: Some(name.clone()),
            },
        };
        serde_json::to_vec(&row)
    }

    fn parse(line: &[u8]) -> Option<CatalogLine> {
        let row: CatalogRow = serde_json::from_slice(line).ok()?;
        match row.op {
            CatalogOp::Put => Some(CatalogLine::Put {
                ino: row.ino?,
                summary: row.summary?,
            }),
            CatalogOp::Del => Some(CatalogLine::Del {
                id: row.id?,
                name: row.name?,
            }),
        }
    }
}

/// Reads a whole file without following a symlink.
fn nofollow_read_any(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut f = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)?;
    let len = f.metadata()?.len() as usize;
    let mut buf = Vec::with_capacity(len + 1);
    f.read_to_end(&mut buf)?;
    Ok(buf)
}

fn read_record_at(dir: &Path) -> Result<Record> {
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
    let key_md =
        fs::symlink_metadata(dir.join("key.pem")).map_err(|e| io_at(&dir.join("key.pem"), e))?;
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

fn write_record_files(dir: &Path, rec: &NewRecord<'_>, durable: &mut Durable) -> Result<()> {
    let [key, csr, meta] = RECORD_FILES;
    durable.write(&dir.join(key), rec.key_pem.as_bytes())?;
    durable.write(&dir.join(csr), rec.csr_pem.as_bytes())?;
    let mut json =
        serde_json::to_vec_pretty(&rec.meta).map_err(|e| Error::internal(e.to_string()))?;
    json.push(b'\n');
    durable.write(&dir.join(meta), &json)
}

pub fn exists_error(name: &str) -> Error {
    Error::new(Kind::Exists, format!("record {name} already exists")).with_hint(format!(
        "use `csrkit regenerate {name}` to make a new CSR for it, or pick another name"
    ))
}

pub fn not_found(name_or_id: &str) -> Error {
    Error::not_found(format!(
        "no record named or numbered '{}'",
        name_or_id.escape_default()
    ))
    .with_hint("run `csrkit list` to see the records")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_state_round_trips_in_one_block() {
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
