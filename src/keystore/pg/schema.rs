//! The PostgreSQL keystore's schema, `csrkit` in the database the URL
//! names, and its versions: [`MIGRATIONS`] in order, the version reached
//! in `csrkit.schema_version`, applied on first use (or by `csrkit
//! keystore migrate`) in one transaction under an advisory lock, so that
//! any number of first users race safely. A schema newer than this binary
//! is refused (exit 2), never used.
//!
//! Tables (version 1):
//! - `records`: one row per record, its current revision: `id` (from the
//!   sequence `record_id`, never reused), `name` (unique), `revision`,
//!   `meta` (record.json), `summary` (list's row, JSON), `spki_sha256`
//!   (indexed, for `import`), `csr_pem`, `key_pem` (as stored on disk:
//!   encrypted PKCS#8 unless `--no-passphrase`), `cert_pem`, `chain_pem`.
//! - `history`: the earlier revisions, `(record_id, revision)`, the same
//!   files; deleted with their record.
//!
//! Version 2 adds ACME (SPEC §13; `super::acme`):
//! - `acme_accounts`: one row per account, `(directory, name)` the
//!   primary key (so two writers of one account race to one row), the
//!   [`crate::keystore::AcmeAccount`] fields as columns (`url`, `contact`
//!   text[], `created`, `encrypted`, `eab_kid`, `deactivated`), `key_pem`
//!   as stored on disk (encrypted PKCS#8 unless `--no-passphrase`) and
//!   `pending_key_pem`, the new key of a key change whose outcome is not
//!   known yet (RFC 8555 §7.3.5), NULL otherwise.
//! - `acme_renewal`: `renew`'s renewal state (RFC 9773) per record id
//!   (`record_id` text, `state` JSON text); a cache, deleted with its
//!   record.
//!
//! Version 3 adds `listing`: `(id, summary)` of every record, what `list`
//! and `expiring` read. In `records` the summary shares each row with the
//! record's PEMs and record.json (about 2 KB a row, 4 rows to a page), so
//! a listing of 100,000 records read 195 MB of heap; `listing` is 41 MB
//! (docs/performance.md). A trigger on `records` (`records_listing`,
//! after each insert, or update of `summary`) writes the row in the same
//! transaction, so that no writer, `COPY` included, can leave it behind;
//! it is deleted with its record (foreign key, `ON DELETE CASCADE`).
//!
//! An older database is brought to this version on first use: version 2
//! created the new tables and changed nothing else; version 3 fills
//! `listing` from `records`.

use postgres::error::SqlState;
use postgres::Client;

use crate::error::{Error, Kind, Result};

/// The schema version this binary reads and writes.
pub const VERSION: u32 = 3;

/// Taken for the length of a migration: first users of a new database
/// wait for each other instead of failing on each other's tables.
const ADVISORY_KEY: i64 = 0x6373_726b_6974; // "csrkit"

/// `MIGRATIONS[i]` takes the schema from version `i` to `i + 1`.
pub const MIGRATIONS: [&str; VERSION as usize] = [
    r#"
CREATE SEQUENCE csrkit.record_id START 1;
CREATE TABLE csrkit.records (
    id          bigint  PRIMARY KEY,
    name        text    NOT NULL UNIQUE,
    revision    integer NOT NULL,
    meta        text    NOT NULL,
    summary     text    NOT NULL,
    spki_sha256 text,
    csr_pem     text    NOT NULL,
    key_pem     text    NOT NULL,
    cert_pem    text,
    chain_pem   text
);
CREATE INDEX records_spki ON csrkit.records (spki_sha256);
CREATE TABLE csrkit.history (
    record_id   bigint  NOT NULL REFERENCES csrkit.records (id) ON DELETE CASCADE,
    revision    integer NOT NULL,
    meta        text    NOT NULL,
    csr_pem     text    NOT NULL,
    key_pem     text    NOT NULL,
    cert_pem    text,
    chain_pem   text,
    PRIMARY KEY (record_id, revision)
);
"#,
    r#"
CREATE TABLE csrkit.acme_accounts (
    directory       text    NOT NULL,
    name            text    NOT NULL,
    url             text    NOT NULL,
    contact         text[]  NOT NULL,
    created         text    NOT NULL,
    encrypted       boolean NOT NULL,
    eab_kid         text,
    deactivated     text,
    key_pem         text    NOT NULL,
    pending_key_pem text,
    PRIMARY KEY (directory, name)
);
CREATE TABLE csrkit.acme_renewal (
    record_id   text    PRIMARY KEY,
    state       text    NOT NULL
);
"#,
    r#"
CREATE TABLE csrkit.listing (
    id          bigint  PRIMARY KEY REFERENCES csrkit.records (id) ON DELETE CASCADE,
    summary     text    NOT NULL
);
INSERT INTO csrkit.listing (id, summary) SELECT id, summary FROM csrkit.records;
CREATE FUNCTION csrkit.listing_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO csrkit.listing (id, summary) VALUES (NEW.id, NEW.summary)
        ON CONFLICT (id) DO UPDATE SET summary = EXCLUDED.summary;
    RETURN NULL;
END
$$;
CREATE TRIGGER records_listing AFTER INSERT OR UPDATE OF summary ON csrkit.records
    FOR EACH ROW EXECUTE FUNCTION csrkit.listing_sync();
"#,
];

/// The schema version the database holds (`None`: no csrkit schema yet).
pub fn current(client: &mut Client) -> std::result::Result<Option<u32>, postgres::Error> {
    match client.query_opt("SELECT version FROM csrkit.schema_version", &[]) {
        Ok(row) => Ok(row.map(|r| r.get::<_, i32>(0) as u32)),
        Err(e)
            if e.code() == Some(&SqlState::UNDEFINED_TABLE)
                || e.code() == Some(&SqlState::INVALID_SCHEMA_NAME) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Exit 2: the database was brought to a version this binary does not know.
pub fn too_new(shown: &str, version: u32) -> Error {
    Error::new(
        Kind::Invalid,
        format!(
            "the keystore {shown} has schema version {version}; this csrkit knows up to {VERSION}"
        ),
    )
    .with_hint("use a newer csrkit: an older one could damage the newer records")
}

/// Applies the migrations the database lacks, in one transaction under
/// the advisory lock. Returns the version before and after.
pub fn migrate(
    client: &mut Client,
    shown: &str,
) -> std::result::Result<Result<(Option<u32>, u32)>, postgres::Error> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&ADVISORY_KEY])?;
    tx.batch_execute(
        "CREATE SCHEMA IF NOT EXISTS csrkit;
         CREATE TABLE IF NOT EXISTS csrkit.schema_version (version integer NOT NULL);",
    )?;
    let before = tx
        .query_opt("SELECT version FROM csrkit.schema_version", &[])?
        .map(|r| r.get::<_, i32>(0) as u32);
    let from = before.unwrap_or(0);
    if from > VERSION {
        return Ok(Err(too_new(shown, from)));
    }
    for sql in &MIGRATIONS[from as usize..] {
        tx.batch_execute(sql)?;
    }
    if before.is_none() {
        tx.execute(
            "INSERT INTO csrkit.schema_version (version) VALUES ($1)",
            &[&(VERSION as i32)],
        )?;
    } else if from < VERSION {
        tx.execute(
            "UPDATE csrkit.schema_version SET version = $1",
            &[&(VERSION as i32)],
        )?;
    }
    tx.commit()?;
    Ok(Ok((before, VERSION)))
}
