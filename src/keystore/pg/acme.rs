//! ACME on the PostgreSQL keystore (SPEC §13): the accounts in
//! `csrkit.acme_accounts`, one row per (directory URL, account name),
//! and `renew`'s renewal state in `csrkit.acme_renewal`, one row per
//! record id (columns: `super::schema`). Every write is one statement,
//! so a writer killed at any moment leaves the old row or the new one
//! whole; a new account is an `INSERT ... ON CONFLICT DO NOTHING` on
//! the primary key, so two processes storing the same account race to
//! one row and the other is exit 4.
//!
//! Keys reach the server as the directory keystore writes them to
//! `key.pem`: encrypted PKCS#8 unless the user said `--no-passphrase`.
//! Every account read back is checked ([`AcmeAccount::check_stored`])
//! before it is used: the rows are only as trustworthy as whoever can
//! write the database.

use postgres::Row;
use zeroize::Zeroizing;

use super::Conn;
use crate::error::{Error, Kind, Result};
use crate::keystore::{check_account_name, AcmeAccount};

/// The columns [`account_of`] reads, in order.
const COLS: &str = "directory, name, url, contact, created, encrypted, eab_kid, deactivated, \
                    key_pem, pending_key_pem IS NOT NULL";

/// An account and its key PEM from a row of [`COLS`], checked (exit 1
/// for a row written by hand that csrkit would not write, such as a
/// NULL among the contacts).
fn account_of(row: &Row, at: &str) -> Result<(AcmeAccount, Zeroizing<String>)> {
    let read = || -> std::result::Result<_, postgres::Error> {
        Ok((
            AcmeAccount {
                directory: row.try_get(0)?,
                name: row.try_get(1)?,
                url: row.try_get(2)?,
                contact: row.try_get(3)?,
                created: row.try_get(4)?,
                encrypted: row.try_get(5)?,
                eab_kid: row.try_get(6)?,
                deactivated: row.try_get(7)?,
                pending_key: row.try_get(9)?,
            },
            Zeroizing::new(row.try_get::<_, String>(8)?),
        ))
    };
    let (account, key) = read().map_err(|e| {
        Error::internal(format!(
            "{at} holds an ACME account row csrkit cannot read ({e}); refusing to use it"
        ))
        .with_hint("someone wrote the keystore directly: remove that account from it")
    })?;
    account.check_stored(at)?;
    Ok((account, key))
}

/// Exit 1 for an account whose pending-key flag and pending key disagree
/// (a caller's mistake: the flag says the key is stored beside it).
fn check_pending(account: &AcmeAccount, pending_key_pem: Option<&str>) -> Result<()> {
    if account.pending_key != pending_key_pem.is_some() {
        return Err(Error::internal(format!(
            "the ACME account {} is marked as changing its key without its pending key, \
             or the reverse; nothing was written",
            crate::csr::term(&account.name)
        )));
    }
    Ok(())
}

/// See `Store::acme_account`: one `SELECT` by the primary key.
pub(super) fn account(
    conn: &Conn,
    directory: &str,
    name: &str,
) -> Result<Option<(AcmeAccount, Zeroizing<String>)>> {
    check_account_name(name)?;
    let sql = format!("SELECT {COLS} FROM csrkit.acme_accounts WHERE directory = $1 AND name = $2");
    let row = conn.run(|c| Ok(Ok(c.query_opt(&sql, &[&directory, &name])?)))?;
    row.map(|r| account_of(&r, &conn.target.shown)).transpose()
}

/// See `Store::acme_accounts`: every row, by name then directory.
pub(super) fn accounts(conn: &Conn) -> Result<Vec<(AcmeAccount, Zeroizing<String>)>> {
    let sql = format!("SELECT {COLS} FROM csrkit.acme_accounts ORDER BY name, directory");
    let rows = conn.run(|c| Ok(Ok(c.query(&sql, &[])?)))?;
    rows.iter()
        .map(|r| account_of(r, &conn.target.shown))
        .collect()
}

/// See `Store::put_acme_account`: one `INSERT ... ON CONFLICT DO
/// NOTHING`; no row inserted is exit 4 (another writer's account won).
pub(super) fn put(conn: &Conn, account: &AcmeAccount, key_pem: &str) -> Result<()> {
    check_account_name(&account.name)?;
    check_pending(account, None)?;
    let n = conn.run(|c| {
        Ok(Ok(c.execute(
            "INSERT INTO csrkit.acme_accounts
                (directory, name, url, contact, created, encrypted, eab_kid, deactivated,
                 key_pem, pending_key_pem)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL)
             ON CONFLICT (directory, name) DO NOTHING",
            &[
                &account.directory,
                &account.name,
                &account.url,
                &account.contact,
                &account.created,
                &account.encrypted,
                &account.eab_kid,
                &account.deactivated,
                &key_pem,
            ],
        )?))
    })?;
    if n == 0 {
        return Err(Error::new(
            Kind::Exists,
            format!(
                "an ACME account named {} is already stored for {}",
                crate::csr::term(&account.name),
                crate::csr::term(&account.directory)
            ),
        ));
    }
    Ok(())
}

/// See `Store::acme_pending_key`.
pub(super) fn pending_key(
    conn: &Conn,
    directory: &str,
    name: &str,
) -> Result<Option<Zeroizing<String>>> {
    check_account_name(name)?;
    let row = conn.run(|c| {
        Ok(Ok(c.query_opt(
            "SELECT pending_key_pem FROM csrkit.acme_accounts WHERE directory = $1 AND name = $2",
            &[&directory, &name],
        )?))
    })?;
    Ok(row
        .and_then(|r| r.get::<_, Option<String>>(0))
        .map(Zeroizing::new))
}

/// See `Store::replace_acme_account`: one `UPDATE` of the row by its
/// primary key (the fields, the key and the pending key at once); no row
/// is exit 3.
pub(super) fn replace(
    conn: &Conn,
    account: &AcmeAccount,
    key_pem: &str,
    pending_key_pem: Option<&str>,
) -> Result<()> {
    check_account_name(&account.name)?;
    check_pending(account, pending_key_pem)?;
    let n = conn.run(|c| {
        Ok(Ok(c.execute(
            "UPDATE csrkit.acme_accounts SET url = $3, contact = $4, created = $5,
                encrypted = $6, eab_kid = $7, deactivated = $8, key_pem = $9,
                pending_key_pem = $10
             WHERE directory = $1 AND name = $2",
            &[
                &account.directory,
                &account.name,
                &account.url,
                &account.contact,
                &account.created,
                &account.encrypted,
                &account.eab_kid,
                &account.deactivated,
                &key_pem,
                &pending_key_pem,
            ],
        )?))
    })?;
    if n == 0 {
        return Err(Error::not_found(format!(
            "no ACME account {} is stored for {}",
            crate::csr::term(&account.name),
            crate::csr::term(&account.directory)
        )));
    }
    Ok(())
}

/// See `Store::acme_renewal_state`; `record_id` is kept as given (the
/// record's id in decimal, as `delete` removes it).
pub(super) fn renewal_state(conn: &Conn, record_id: &str) -> Result<Option<String>> {
    let row = conn.run(|c| {
        Ok(Ok(c.query_opt(
            "SELECT state FROM csrkit.acme_renewal WHERE record_id = $1",
            &[&record_id],
        )?))
    })?;
    Ok(row.map(|r| r.get(0)))
}

/// See `Store::put_acme_renewal_state`: one upsert.
pub(super) fn put_renewal_state(conn: &Conn, record_id: &str, state: &str) -> Result<()> {
    conn.run(|c| {
        c.execute(
            "INSERT INTO csrkit.acme_renewal (record_id, state) VALUES ($1, $2)
             ON CONFLICT (record_id) DO UPDATE SET state = EXCLUDED.state",
            &[&record_id, &state],
        )?;
        Ok(Ok(()))
    })
}
