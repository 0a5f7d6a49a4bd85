//! File-system helpers every keystore file operation uses: reading without
//! following a symlink, bounded in size; creating directories 0700;
//! flushing a directory; refusing paths others can write; and
//! [`atomic_write`] for files csrkit writes outside the keystore (`-o`).
//! No keystore layout or commit protocol lives here (see `dir`).

use crate::mention;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

pub(crate) use crate::error::io_at;
use crate::error::{Error, Kind, Result};

/// Largest keystore file read (`record.json`, `csr.pem`, `key.pem`).
const MAX_FILE: u64 = 1 << 20;

/// Reads a regular file of at most 1 MiB without following a symlink
/// (a symlink: exit 2 naming it; larger: exit 1).
///
/// Neither the file nor its directory is followed: the directory is
/// opened itself (`O_DIRECTORY|O_NOFOLLOW`) and the file relative to it
/// (`openat`), so a record directory swapped for a symbolic link, even
/// between two reads, is refused rather than read through. Every caller
/// reads below `records/`, whose own type the store checks.
pub(crate) fn nofollow_read(path: &Path) -> Result<Vec<u8>> {
    let mut f = open_in_dir(path).map_err(|e| match e.1 {
        Some(dir) => symlink_or_io(&dir, e.0),
        None => symlink_or_io(path, e.0),
    })?;
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

/// The error for an `open(O_NOFOLLOW)` failure: a symlink is named as
/// such (exit 2), anything else is an I/O error at `path`.
pub(crate) fn symlink_or_io(path: &Path, e: std::io::Error) -> Error {
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

/// Reads a whole file (any size) without following a symlink.
pub(crate) fn nofollow_read_any(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut f = open_in_dir(path).map_err(|e| e.0)?;
    let len = f.metadata()?.len() as usize;
    let mut buf = Vec::with_capacity(len + 1);
    f.read_to_end(&mut buf)?;
    Ok(buf)
}

/// Opens `path` for reading with neither its last component nor its
/// directory followed if a symbolic link. The error says which of them
/// failed (`Some(dir)`: the directory).
fn open_in_dir(
    path: &Path,
) -> std::result::Result<File, (std::io::Error, Option<std::path::PathBuf>)> {
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::os::unix::ffi::OsStrExt;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| (std::io::Error::from_raw_os_error(libc::EISDIR), None))?;
    let d = open_dir(dir).map_err(|e| {
        let e = if e.raw_os_error() == Some(libc::ENOTDIR) {
            std::io::Error::from_raw_os_error(libc::ELOOP)
        } else {
            e
        };
        (e, Some(dir.to_path_buf()))
    })?;
    let cname = std::ffi::CString::new(name.as_bytes())
        .map_err(|_| (std::io::Error::from_raw_os_error(libc::EINVAL), None))?;
    // SAFETY: a valid directory descriptor and a NUL-terminated name; the
    // returned descriptor is owned by the File.
    let fd = unsafe {
        libc::openat(
            d.as_raw_fd(),
            cname.as_ptr(),
            libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err((std::io::Error::last_os_error(), None));
    }
    // SAFETY: fd was just returned by openat and is owned by nobody else.
    Ok(unsafe { File::from_raw_fd(fd) })
}

/// Opens a directory itself (for an ioctl, an fsync or an flock on it),
/// never through a symlink.
pub(crate) fn open_dir(dir: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(dir)
}

/// Flushes a directory's entries (after a rename or a new file in it).
pub(crate) fn sync_dir(path: &Path) -> Result<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| io_at(path, e))
}

/// Creates one directory, mode 0700 from the start.
pub(crate) fn mkdir(path: &Path) -> Result<()> {
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

/// Exit 2 when `path` (described as `what`) is writable by group or others.
pub(crate) fn check_not_writable_by_others(
    path: &Path,
    md: &fs::Metadata,
    what: &str,
) -> Result<()> {
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

/// Exit 2 when `path` (described as `what`) belongs to another user: a
/// keystore someone else owns can be read, replaced or swapped by them.
pub(crate) fn check_owned(path: &Path, md: &fs::Metadata, what: &str) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let euid = unsafe { libc::geteuid() };
    if md.uid() != euid {
        return Err(Error::new(
            Kind::Invalid,
            format!(
                "{what} {} belongs to another user (uid {}); refusing to use it",
                path.display(),
                md.uid()
            ),
        )
        .with_hint(concat!(
            "use a keystore of your own (",
            mention!(keystore),
            " DIR); a team shares a PostgreSQL keystore"
        )));
    }
    Ok(())
}

/// 16 hex digits from the system's random source: the part of a
/// temporary name (in the keystore or beside a `-o` file) that no one can
/// guess, so no one can take or block it first. Exit 1 if the system's
/// random source fails.
pub(crate) fn random_hex() -> Result<String> {
    let mut b = [0u8; 8];
    aws_lc_rs::rand::fill(&mut b).map_err(|_| Error::internal("random name"))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}
