//! Files csrkit writes outside the keystore: `-o FILE` (`download`,
//! `export`) and the pages of `csrkit man DIR`. One set of rules for all of
//! them, decided from what is at the path now (`lstat`, never following):
//!
//! - nothing: a new file, written to a temporary of unpredictable name in
//!   the same directory (`O_CREAT|O_EXCL|O_NOFOLLOW`, the mode from the
//!   first byte) and linked into place; refused (exit 2) if the path
//!   appeared meanwhile;
//! - a regular file of the user's own: replaced only with `force`
//!   (temporary, flush, rename, flush of the directory), so a crash leaves
//!   the old file or the new one; without `force`, exit 2;
//! - a character device or a FIFO (or a symbolic link to one, such as
//!   `/dev/stdout`): written into, as `openssl req -out` writes into it,
//!   never replaced, and no `force` is needed (nothing is overwritten);
//! - anything else (a symbolic link to a file or to nothing, a directory,
//!   a block device, a socket, a file of another user): refused, exit 2,
//!   naming what is there. csrkit never replaces, follows or writes through
//!   anything that is not the user's own regular file.
//!
//! Errors name the option (`--output`, or `DIR` for `man`) and the path
//! given, never the temporary file.

use super::edge::WithFlag;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, Kind, Result};

/// What is at an output path now.
#[derive(Debug, PartialEq, Eq)]
enum At {
    /// Nothing: a new file.
    Nothing,
    /// A regular file of the effective user's.
    OwnFile,
    /// A character device or FIFO (directly or behind a symbolic link):
    /// written into.
    Stream,
}

/// Where `-o` (or `man DIR`) writes: the path given and the option it was
/// given with, for messages.
#[derive(Clone, Copy, Debug)]
pub(super) struct Output<'a> {
    pub path: &'a Path,
    /// The option named in errors (`--output`, `DIR`).
    pub field: &'a str,
    /// Whether an existing regular file of the user's may be replaced.
    pub force: bool,
}

impl<'a> Output<'a> {
    /// `-o FILE` of `download` and `export`.
    pub fn option(path: &'a Path, force: bool) -> Output<'a> {
        Output {
            path,
            field: "--output",
            force,
        }
    }

    /// Checks the path before anything is built or asked: its directory
    /// exists (exit 3) and what is there may be written (see the module
    /// doc; exit 2 otherwise).
    pub fn check(&self) -> Result<()> {
        self.check_dir()?;
        self.classify().map(|_| ())
    }

    /// Writes `data` with mode `mode` (a new or replaced file; a stream
    /// keeps its own mode), by the rules of the module doc.
    pub fn write(&self, data: &[u8], mode: u32) -> Result<()> {
        match self.classify()? {
            At::Stream => self.write_stream(data),
            At::Nothing => self.write_new(data, mode, false),
            At::OwnFile => self.write_new(data, mode, true),
        }
    }

    fn dir(&self) -> &Path {
        self.path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    }

    fn check_dir(&self) -> Result<()> {
        let dir = self.dir();
        match fs::metadata(dir) {
            Ok(md) if md.is_dir() => Ok(()),
            Ok(_) => Err(super::edge::invalid(
                self.field,
                format!(
                    "{}: {} is not a directory",
                    self.path.display(),
                    dir.display()
                ),
            )),
            Err(_) => Err(Error::new(
                Kind::NotFound,
                format!(
                    "{} {}: the directory {} does not exist",
                    self.field,
                    self.path.display(),
                    dir.display()
                ),
            )
            .with_flag(self.field)
            .with_hint("create the directory first, or give a path in an existing one")),
        }
    }

    fn refuse(&self, what: &str, hint: &str) -> Error {
        super::edge::invalid(
            self.field,
            format!("{} {what}; refusing to write it", self.path.display()),
        )
        .with_hint(hint.to_string())
    }

    fn classify(&self) -> Result<At> {
        let md = match fs::symlink_metadata(self.path) {
            Ok(md) => md,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(At::Nothing),
            Err(e) => return Err(self.io_error(e)),
        };
        let ft = md.file_type();
        if ft.is_symlink() {
            // A link to a stream (/dev/stdout, /dev/fd/N) is written into;
            // a link to a file, a directory or nothing is never followed.
            return match fs::metadata(self.path) {
                Ok(t) if t.file_type().is_char_device() || t.file_type().is_fifo() => {
                    Ok(At::Stream)
                }
                _ => Err(self.refuse(
                    "is a symbolic link",
                    "csrkit never writes through a link: give the file it points to, or remove the link",
                )),
            };
        }
        if ft.is_char_device() || ft.is_fifo() {
            return Ok(At::Stream);
        }
        if ft.is_dir() {
            return Err(self.refuse("is a directory", "give a file name inside it"));
        }
        if ft.is_block_device() {
            return Err(self.refuse(
                "is a block device",
                "csrkit writes files, never onto a disk: give a file name",
            ));
        }
        if ft.is_socket() {
            return Err(self.refuse("is a socket", "give a file name"));
        }
        // A regular file.
        let euid = unsafe { libc::geteuid() };
        if md.uid() != euid {
            return Err(self.refuse(
                &format!("belongs to another user (uid {})", md.uid()),
                "remove it first, or give another file name",
            ));
        }
        if !self.force {
            return Err(super::edge::invalid(
                self.field,
                format!("{} exists; refusing to overwrite it", self.path.display()),
            )
            .with_hint("give --force to replace it, or another file name"));
        }
        Ok(At::OwnFile)
    }

    /// Into a character device or FIFO: opened without creating or
    /// truncating, and checked after opening to be one still (a path
    /// swapped for a regular file meanwhile is refused unwritten).
    fn write_stream(&self, data: &[u8]) -> Result<()> {
        let io = |e| self.io_error(e);
        let mut f = OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NOCTTY | libc::O_CLOEXEC)
            .open(self.path)
            .map_err(io)?;
        let ft = f.metadata().map_err(io)?.file_type();
        if !(ft.is_char_device() || ft.is_fifo()) {
            return Err(self.refuse("changed while csrkit was writing", "run the command again"));
        }
        f.write_all(data).map_err(io)?;
        f.flush().map_err(io)
    }

    /// A new file, or a replacement of the user's own (`replace`), through
    /// a temporary of unpredictable name.
    fn write_new(&self, data: &[u8], mode: u32, replace: bool) -> Result<()> {
        let dir = self.dir();
        let name = self
            .path
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let io = |e| self.io_error(e);
        let (tmp, mut f) = create_temp(dir, &name, mode).map_err(io)?;
        let result = (|| {
            f.write_all(data).map_err(io)?;
            if replace {
                f.sync_all().map_err(io)?;
                // The path must still be what was checked: a regular file of
                // the user's (never a device or link put there meanwhile).
                if self.classify()? != At::OwnFile {
                    return Err(
                        self.refuse("changed while csrkit was writing", "run the command again")
                    );
                }
                fs::rename(&tmp, self.path).map_err(io)?;
                return File::open(dir).and_then(|d| d.sync_all()).map_err(io);
            }
            fs::hard_link(&tmp, self.path).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    super::edge::invalid(
                        self.field,
                        format!(
                            "{} appeared while csrkit was writing; refusing to overwrite it",
                            self.path.display()
                        ),
                    )
                    .with_hint("give --force to replace it, or another file name")
                } else {
                    io(e)
                }
            })
        })();
        let _ = fs::remove_file(&tmp);
        result
    }

    /// A failed write, said about the option and its path.
    fn io_error(&self, e: std::io::Error) -> Error {
        let kind = match e.kind() {
            std::io::ErrorKind::NotFound => Kind::NotFound,
            _ => Kind::Internal,
        };
        let hint = match e.raw_os_error() {
            Some(libc::ENOSPC) => {
                "the file system is full; free some space and run the command again".to_string()
            }
            _ => format!("check that {} is writable", self.dir().display()),
        };
        Error::new(
            kind,
            format!(
                "{} {}: cannot write the file: {e}",
                self.field,
                self.path.display()
            ),
        )
        .with_flag(self.field)
        .with_hint(hint)
    }
}

/// A new temporary file `.<name>.<16 random hex>.tmp` in `dir`, mode `mode`
/// from the first byte, never through a symlink. The name cannot be
/// guessed, so another user of a shared directory cannot block it.
fn create_temp(dir: &Path, name: &str, mode: u32) -> std::io::Result<(PathBuf, File)> {
    let mut last = None;
    for _ in 0..8 {
        // Should the system's random source fail, O_EXCL still refuses a
        // name taken first.
        let rnd = crate::keystore::io::random_hex().unwrap_or_else(|_| "0".repeat(16));
        let tmp = dir.join(format!(".{name}.{rnd}.tmp"));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no temporary name")))
}
