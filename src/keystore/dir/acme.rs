//! ACME accounts in a directory keystore: `acme/<slug>/account.json`
//! (the [`AcmeAccount`] fields) and `acme/<slug>/key.pem` (0600), in a
//! 0700 directory per account (slug: [`AcmeAccount::slug`]). An account is
//! written into `acme/.tmp-*` under the keystore lock, flushed, then
//! renamed into place: a crash leaves either no account or the whole one.
//! A stored account is replaced the same way, its new directory swapped
//! with the old one (`renameat2(RENAME_EXCHANGE)`); during a key change
//! the new key waits in `acme/<slug>/pending-key.pem`. `records/` stays
//! records only; `acme/renewal/` holds `renew`'s cache (`super::renewal`).

use std::fs;
use std::path::PathBuf;

use zeroize::Zeroizing;

use super::commit::{create_file, exchange, temp_name};
use super::DirStore;
use crate::error::{io_at, Error, Kind, Result};
use crate::keystore::io::{check_not_writable_by_others, mkdir, nofollow_read, sync_dir};
use crate::keystore::{check_account_name, AcmeAccount};

/// The accounts' directory, below the root.
pub const ACME: &str = "acme";
const ACCOUNT_FILE: &str = "account.json";
const KEY_FILE: &str = "key.pem";
const PENDING_KEY_FILE: &str = "pending-key.pem";

impl DirStore {
    pub(super) fn acme_dir(&self) -> PathBuf {
        self.root().join(ACME)
    }

    /// See `Store::acme_account`.
    pub(super) fn read_acme_account(
        &self,
        directory: &str,
        name: &str,
    ) -> Result<Option<(AcmeAccount, Zeroizing<String>)>> {
        // The name becomes a directory name: never `..` or a slash.
        check_account_name(name)?;
        if !self.check_root()? {
            return Ok(None);
        }
        let base = self.acme_dir();
        match fs::symlink_metadata(&base) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_at(&base, e)),
            Ok(md) if !md.is_dir() => {
                return Err(Error::new(
                    Kind::Invalid,
                    format!("{} is not a directory", base.display()),
                ))
            }
            Ok(md) => check_not_writable_by_others(&base, &md, "keystore directory")?,
        }
        let dir = base.join(AcmeAccount::slug(directory, name));
        if fs::symlink_metadata(&dir).is_err() {
            return Ok(None);
        }
        let json = nofollow_read(&dir.join(ACCOUNT_FILE))?;
        let account: AcmeAccount = serde_json::from_slice(&json).map_err(|e| {
            Error::internal(format!(
                "{}: not a csrkit ACME account ({e})",
                dir.join(ACCOUNT_FILE).display()
            ))
        })?;
        if account.directory != directory || account.name != name {
            return Err(Error::internal(format!(
                "{} holds the account for another directory or name",
                dir.display()
            )));
        }
        account.check_stored(&self.root().display().to_string())?;
        let key = Zeroizing::new(nofollow_read(&dir.join(KEY_FILE))?);
        let key = std::str::from_utf8(&key)
            .map_err(|_| Error::internal(format!("{}: not PEM", dir.join(KEY_FILE).display())))?;
        Ok(Some((account, Zeroizing::new(key.to_string()))))
    }

    /// See `Store::acme_accounts`: every `acme/<slug>/` (temporaries
    /// skipped), in name order.
    pub(super) fn list_acme_accounts(&self) -> Result<Vec<(AcmeAccount, Zeroizing<String>)>> {
        if !self.check_root()? {
            return Ok(Vec::new());
        }
        let base = self.acme_dir();
        let entries = match fs::read_dir(&base) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_at(&base, e)),
        };
        let mut names: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                !n.starts_with('.') && n != super::renewal::RENEWAL
            })
            .map(|e| e.path())
            .collect();
        names.sort();
        let mut out = Vec::new();
        for dir in names {
            let json = nofollow_read(&dir.join(ACCOUNT_FILE))?;
            let account: AcmeAccount = serde_json::from_slice(&json).map_err(|e| {
                Error::internal(format!(
                    "{}: not a csrkit ACME account ({e})",
                    dir.join(ACCOUNT_FILE).display()
                ))
            })?;
            account.check_stored(&self.root().display().to_string())?;
            if let Some(found) = self.read_acme_account(&account.directory, &account.name)? {
                out.push(found);
            }
        }
        Ok(out)
    }

    /// See `Store::acme_pending_key`.
    pub(super) fn read_acme_pending_key(
        &self,
        directory: &str,
        name: &str,
    ) -> Result<Option<Zeroizing<String>>> {
        match self.read_acme_account(directory, name)? {
            Some((a, _)) if a.pending_key => {}
            _ => return Ok(None),
        }
        let path = self
            .acme_dir()
            .join(AcmeAccount::slug(directory, name))
            .join(PENDING_KEY_FILE);
        let key = Zeroizing::new(nofollow_read(&path)?);
        let key = std::str::from_utf8(&key)
            .map_err(|_| Error::internal(format!("{}: not PEM", path.display())))?;
        Ok(Some(Zeroizing::new(key.to_string())))
    }

    /// See `Store::put_acme_account`.
    pub(super) fn write_acme_account(&self, account: &AcmeAccount, key_pem: &str) -> Result<()> {
        check_account_name(&account.name)?;
        let _lock = self.lock()?;
        let base = self.acme_dir();
        if fs::symlink_metadata(&base).is_err() {
            mkdir(&base)?;
            sync_dir(self.root())?;
        }
        let dest = base.join(AcmeAccount::slug(&account.directory, &account.name));
        if fs::symlink_metadata(&dest).is_ok() {
            return Err(Error::new(
                Kind::Exists,
                format!(
                    "an ACME account named {} is already stored for {}",
                    account.name, account.directory
                ),
            ));
        }
        let tmp = write_temp(&base, account, key_pem, None)?;
        let result = fs::rename(&tmp, &dest)
            .map_err(|e| io_at(&dest, e))
            .and_then(|()| sync_dir(&base));
        if result.is_err() {
            let _ = fs::remove_dir_all(&tmp);
        }
        result
    }

    /// See `Store::replace_acme_account`: the new directory is written
    /// whole, swapped with the old one, and the old one removed (a crash
    /// before the removal leaves a `.tmp-*` directory that listings skip).
    pub(super) fn rewrite_acme_account(
        &self,
        account: &AcmeAccount,
        key_pem: &str,
        pending_key_pem: Option<&str>,
    ) -> Result<()> {
        check_account_name(&account.name)?;
        let _lock = self.lock()?;
        let base = self.acme_dir();
        let dest = base.join(AcmeAccount::slug(&account.directory, &account.name));
        match fs::symlink_metadata(&dest) {
            Ok(md) if md.is_dir() => {}
            _ => {
                return Err(Error::not_found(format!(
                    "no ACME account {} is stored for {}",
                    account.name, account.directory
                )))
            }
        }
        let tmp = write_temp(&base, account, key_pem, pending_key_pem)?;
        if let Err(e) = exchange(&tmp, &dest) {
            let _ = fs::remove_dir_all(&tmp);
            return Err(io_at(&dest, e));
        }
        sync_dir(&base)?;
        crate::faults::crash("acme:account-swapped");
        let _ = fs::remove_dir_all(&tmp);
        Ok(())
    }
}

/// A new `acme/.tmp-*` directory holding the account's files, flushed.
fn write_temp(
    base: &std::path::Path,
    account: &AcmeAccount,
    key_pem: &str,
    pending_key_pem: Option<&str>,
) -> Result<PathBuf> {
    let json = serde_json::to_vec_pretty(account)
        .map_err(|e| Error::internal(format!("account.json: {e}")))?;
    let tmp = base.join(temp_name("tmp")?);
    mkdir(&tmp)?;
    let result = (|| {
        create_file(&tmp.join(ACCOUNT_FILE), &json)?;
        create_file(&tmp.join(KEY_FILE), key_pem.as_bytes())?;
        if let Some(p) = pending_key_pem {
            create_file(&tmp.join(PENDING_KEY_FILE), p.as_bytes())?;
        }
        sync_dir(&tmp)
    })();
    match result {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}
