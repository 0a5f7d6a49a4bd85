//! File-system helpers every keystore file operation uses: reading without
//! following a symlink, bounded in size; creating directories 0700;
//! flushing a directory; refusing paths others can write; and
//! [`atomic_write`] for files csrkit writes outside the keystore (`-o`).
//! No keystore layout or commit protocol lives here (see `dir`).

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
pub(crate) fn nofollow_read(path: &Path) -> Result<Vec<u8>> {
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
    let mut f = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)?;
    let len = f.metadata()?.len() as usize;
    let mut buf = Vec::with_capacity(len + 1);
    f.read_to_end(&mut buf)?;
    Ok(buf)
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
