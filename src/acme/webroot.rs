//! http-01 from a web server's document root (RFC 8555 §8.3): the key
//! authorization goes to `DIR/.well-known/acme-challenge/<token>` (0644),
//! written without following a symlink anywhere below `DIR`, and is
//! removed afterwards with the directories csrkit created.

use std::fs::{self, DirBuilder, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::error::{io_at, Error, Kind, Result};

/// Files and directories put under a webroot, removed on drop (files
/// first, then the directories csrkit made, deepest first).
#[derive(Default)]
pub struct Placed {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

impl Drop for Placed {
    fn drop(&mut self) {
        for f in &self.files {
            let _ = fs::remove_file(f);
        }
        for d in self.dirs.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    }
}

/// A token is base64url (RFC 8555 §8.1): anything else could name
/// another path, and is refused (exit 11: the CA sent it).
pub fn valid_token(token: &str) -> bool {
    !token.is_empty()
        && token.len() <= 256
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Placed {
    /// Writes `key_authorization` for `token` under `root`. Exit 12 when
    /// the directory cannot be written or a component is a symlink.
    pub fn put(&mut self, root: &Path, token: &str, key_authorization: &str) -> Result<()> {
        if !valid_token(token) {
            return Err(Error::new(
                Kind::CaRefused,
                format!("the CA sent an http-01 token that is not base64url: {token:?}"),
            ));
        }
        let md = fs::metadata(root).map_err(|e| webroot_error(root, &e.to_string()))?;
        if !md.is_dir() {
            return Err(webroot_error(root, "not a directory"));
        }
        let mut dir = root.to_path_buf();
        for part in [".well-known", "acme-challenge"] {
            dir.push(part);
            match fs::symlink_metadata(&dir) {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(webroot_error(
                        &dir,
                        "a symbolic link; refusing to follow it",
                    ))
                }
                Ok(m) if !m.is_dir() => return Err(webroot_error(&dir, "not a directory")),
                Ok(_) => {}
                Err(_) => {
                    DirBuilder::new()
                        .mode(0o755)
                        .create(&dir)
                        .map_err(|e| webroot_error(&dir, &e.to_string()))?;
                    self.dirs.push(dir.clone());
                }
            }
        }
        let file = dir.join(token);
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&file)
            .map_err(|e| webroot_error(&file, &e.to_string()))?;
        self.files.push(file.clone());
        f.write_all(key_authorization.as_bytes())
            .map_err(|e| io_at(&file, e))?;
        Ok(())
    }
}

fn webroot_error(path: &Path, why: &str) -> Error {
    Error::new(
        Kind::ChallengeFailed,
        format!("http-01 webroot: {}: {why}", path.display()),
    )
    .with_hint("give the document root the web server serves for the names, writable by this user")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_base64url_only() {
        assert!(valid_token("abc-DEF_123"));
        for bad in ["", "../x", "a/b", "a.b", "a b", "a\0"] {
            assert!(!valid_token(bad), "{bad:?}");
        }
    }
}
