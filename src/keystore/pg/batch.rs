//! `generate --batch` on the PostgreSQL keystore: records wait in memory
//! (their keys already encrypted) and each group is committed with one
//! multi-row INSERT, its own transaction, so a killed batch leaves whole
//! groups or nothing. Ids are drawn from the sequence in blocks; a block's
//! ids that end up unused are spent (ids are never reused anyway).

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};

use super::{json, Conn};
use crate::error::{Error, Result};
use crate::faults;
use crate::keystore::record::spki_of;
use crate::keystore::{
    exists_error, BatchWriter, NewRecord, RecordMeta, Revision, Staged, StagedAt, Summary,
};

/// Most ids drawn at once.
const ID_BLOCK: usize = 1024;

/// A batch being committed to a PostgreSQL keystore.
pub struct PgBatch {
    conn: Arc<Conn>,
    /// Ids drawn and not yet given out.
    ids: Mutex<Vec<i64>>,
    /// Names written and not failed, to refuse a duplicate line early.
    names: Mutex<HashSet<String>>,
    block: usize,
    /// Rows inserted so far, for [`analyze_at`].
    inserted: std::sync::atomic::AtomicUsize,
}

/// Whether a batch that had inserted `before` rows and now has `after`
/// has the table analyzed: each time its rows reach 1,000, 10,000,
/// 100,000 ... (a few ANALYZEs, each sampling at most 30,000 rows).
/// Until autovacuum's next ANALYZE, the planner's statistics describe the
/// table as it was before the batch; with them, `import`'s key lookup
/// (`WHERE spki_sha256 = $1 ORDER BY id LIMIT 1`) walked the id index
/// over every row: 139 ms instead of 9 ms at 100,000 records
/// (docs/performance.md).
fn analyze_at(before: usize, after: usize) -> bool {
    let mut mark: usize = 1000;
    while mark <= after {
        if before < mark {
            return true;
        }
        mark = mark.saturating_mul(10);
    }
    false
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl PgBatch {
    pub(super) fn new(conn: &Arc<Conn>, expected: usize) -> PgBatch {
        PgBatch {
            conn: conn.clone(),
            ids: Mutex::new(Vec::new()),
            names: Mutex::new(HashSet::new()),
            block: expected.clamp(1, ID_BLOCK),
            inserted: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    fn next_id(&self) -> Result<i64> {
        let mut ids = locked(&self.ids);
        if ids.is_empty() {
            let n = self.block as i32;
            let rows = self.conn.run(|c| {
                Ok(Ok(c.query(
                    "SELECT nextval('csrkit.record_id') FROM generate_series(1, $1)",
                    &[&n],
                )?))
            })?;
            // Given out from the end: reversed, the smallest comes first.
            ids.extend(rows.iter().rev().map(|r| r.get::<_, i64>(0)));
        }
        ids.pop()
            .ok_or_else(|| Error::internal("the id sequence gave nothing"))
    }
}

impl BatchWriter for PgBatch {
    /// Keeps the record in memory with its id. Exit 4 if another line of
    /// the batch has the name.
    fn write(&self, mut rec: NewRecord<'_>) -> Result<Staged> {
        let name = rec.meta.name.clone();
        if !locked(&self.names).insert(name.clone()) {
            return Err(exists_error(&name));
        }
        match self.next_id() {
            Ok(id) => {
                rec.meta.id = id as u64;
                Ok(Staged {
                    held: StagedAt::Memory(Box::new(Revision::of(&rec))),
                    meta: rec.meta,
                })
            }
            Err(e) => {
                locked(&self.names).remove(&name);
                Err(e)
            }
        }
    }

    /// One INSERT of the whole group (`ON CONFLICT (name) DO NOTHING`):
    /// a record whose name was taken meanwhile fails alone (exit 4).
    fn commit(&self, staged: Vec<Staged>) -> Result<Vec<Result<RecordMeta>>> {
        if staged.is_empty() {
            return Ok(Vec::new());
        }
        let mut cols = Columns::default();
        for s in &staged {
            let StagedAt::Memory(r) = &s.held else {
                return Err(Error::internal("a staged record is not this batch's"));
            };
            cols.push(r)?;
        }
        let landed: HashSet<i64> = self.conn.run(|c| {
            let rows = c.query(
                "INSERT INTO csrkit.records
                    (id, name, revision, meta, summary, spki_sha256,
                     csr_pem, key_pem, cert_pem, chain_pem)
                 SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::text[],
                     $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
                 ON CONFLICT (name) DO NOTHING
                 RETURNING id",
                &[
                    &cols.id,
                    &cols.name,
                    &cols.revision,
                    &cols.meta,
                    &cols.summary,
                    &cols.spki,
                    &cols.csr,
                    &cols.key,
                    &cols.cert,
                    &cols.chain,
                ],
            )?;
            Ok(Ok(rows.iter().map(|r| r.get(0)).collect()))
        })?;
        faults::crash("pg:batch:committed");
        let before = self
            .inserted
            .fetch_add(landed.len(), std::sync::atomic::Ordering::Relaxed);
        if analyze_at(before, before + landed.len()) {
            // Statistics only: the rows are committed whatever it says.
            let _ = self
                .conn
                .run(|c| Ok(Ok(c.batch_execute("ANALYZE csrkit.records")?)));
        }
        Ok(staged
            .into_iter()
            .map(|s| {
                if landed.contains(&(s.meta.id as i64)) {
                    Ok(s.meta)
                } else {
                    Err(exists_error(&s.meta.name))
                }
            })
            .collect())
    }
}

/// A group's rows as one array per column (for `unnest`).
#[derive(Default)]
struct Columns<'a> {
    id: Vec<i64>,
    name: Vec<&'a str>,
    revision: Vec<i32>,
    meta: Vec<String>,
    summary: Vec<String>,
    spki: Vec<Option<String>>,
    csr: Vec<&'a str>,
    key: Vec<&'a str>,
    cert: Vec<Option<&'a str>>,
    chain: Vec<Option<&'a str>>,
}

impl<'a> Columns<'a> {
    fn push(&mut self, r: &'a Revision) -> Result<()> {
        self.id.push(r.meta.id as i64);
        self.name.push(&r.meta.name);
        self.revision.push(r.meta.revision as i32);
        self.meta.push(json(&r.meta)?);
        self.summary.push(json(&Summary::of(&r.meta))?);
        self.spki.push(spki_of(&r.meta, &r.csr_pem));
        self.csr.push(&r.csr_pem);
        self.key.push(&r.key_pem);
        self.cert.push(r.cert_pem.as_deref());
        self.chain.push(r.chain_pem.as_deref());
        Ok(())
    }
}
