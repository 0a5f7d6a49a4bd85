//! `keystore copy` on the PostgreSQL keystore: a record with its history
//! read in one repeatable-read transaction, and written with its id in
//! one transaction (the sequence then moves past the id), so a copy
//! interrupted at any moment holds whole records only, and a resumed copy
//! finds the ones already there.

use postgres::IsolationLevel;

use super::{insert_record, json, Conn};
use crate::error::{Error, Kind, Result};
use crate::keystore::{exists_error, FullRecord, Put, Record, RecordMeta, Revision};

/// The record `rec` names with its history (oldest first), as of one
/// snapshot. Exit 3 if it was deleted or replaced meanwhile.
pub(super) fn read_full(conn: &Conn, rec: &Record) -> Result<FullRecord> {
    conn.run(|c| {
        let mut tx = c
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let row = tx.query_opt(
            "SELECT meta, csr_pem, key_pem, cert_pem, chain_pem, revision
             FROM csrkit.records WHERE id = $1 AND name = $2",
            &[&(rec.meta.id as i64), &rec.meta.name],
        )?;
        let Some(row) = row else {
            return Ok(Err(Error::not_found(format!(
                "record {} was deleted or replaced while copying",
                rec.meta.name
            ))));
        };
        let rows = tx.query(
            "SELECT meta, csr_pem, key_pem, cert_pem, chain_pem, revision
             FROM csrkit.history WHERE record_id = $1 ORDER BY revision",
            &[&(rec.meta.id as i64)],
        )?;
        tx.commit()?;
        let revision = |row: &postgres::Row| -> Result<Revision> {
            let mut meta: RecordMeta = serde_json::from_str(row.get(0)).map_err(|e| {
                Error::internal(format!(
                    "record {}: stored metadata is corrupt: {e}",
                    rec.meta.name
                ))
            })?;
            meta.id = rec.meta.id;
            meta.name = rec.meta.name.clone();
            meta.revision = row.get::<_, i32>(5) as u32;
            Ok(Revision {
                meta,
                csr_pem: row.get(1),
                key_pem: zeroize::Zeroizing::new(row.get(2)),
                cert_pem: row.get(3),
                chain_pem: row.get(4),
            })
        };
        Ok((|| {
            Ok(FullRecord {
                current: revision(&row)?,
                history: rows.iter().map(revision).collect::<Result<_>>()?,
            })
        })())
    })
}

/// Writes `full` with its id and history in one transaction.
/// [`Put::Present`] when this record is already here at this revision;
/// exit 4 when its name or id belongs to another record.
pub(super) fn put_full(conn: &Conn, full: &FullRecord) -> Result<Put> {
    let meta = &full.current.meta;
    crate::keystore::check_stored_name(&meta.name, meta.id)?;
    let mut history = Vec::with_capacity(full.history.len());
    for h in &full.history {
        history.push((h, json(&h.meta)?));
    }
    conn.run(|c| {
        let mut tx = c.transaction()?;
        let here = tx.query_opt(
            "SELECT id, revision FROM csrkit.records WHERE name = $1",
            &[&meta.name],
        )?;
        if let Some(row) = here {
            let same = row.get::<_, i64>(0) as u64 == meta.id
                && row.get::<_, i32>(1) as u32 == meta.revision;
            return Ok(if same {
                Ok(Put::Present)
            } else {
                Err(exists_error(&meta.name))
            });
        }
        let other = tx.query_opt(
            "SELECT name FROM csrkit.records WHERE id = $1",
            &[&(meta.id as i64)],
        )?;
        if let Some(row) = other {
            return Ok(Err(Error::new(
                Kind::Exists,
                format!(
                    "id {} is record {} here; cannot copy {} with it",
                    meta.id,
                    row.get::<_, String>(0),
                    meta.name
                ),
            )));
        }
        match insert_record(&mut tx, &full.current.as_new())? {
            Ok(true) => {}
            Ok(false) => return Ok(Err(exists_error(&meta.name))),
            Err(e) => return Ok(Err(e)),
        }
        for (h, hmeta) in &history {
            tx.execute(
                "INSERT INTO csrkit.history
                    (record_id, revision, meta, csr_pem, key_pem, cert_pem, chain_pem)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    &(meta.id as i64),
                    &(h.meta.revision as i32),
                    hmeta,
                    &h.csr_pem,
                    &h.key_pem.as_str(),
                    &h.cert_pem,
                    &h.chain_pem,
                ],
            )?;
        }
        // Ids given out later follow the copied one.
        tx.execute(
            "SELECT setval('csrkit.record_id',
                GREATEST($1, (SELECT last_value FROM csrkit.record_id)))",
            &[&(meta.id as i64)],
        )?;
        tx.commit()?;
        Ok(Ok(Put::Written))
    })
}
