//! The PostgreSQL keystore (`--keystore postgresql://user@host:port/db`):
//! the same records as a directory keystore, kept by a server so that a
//! team shares them. Every commit is one transaction: a writer killed at
//! any moment leaves the complete old state or the complete new one, and
//! the server's row locks and `lock_timeout` take the place of the
//! directory's lock (exit 5). Ids come from a sequence and are never
//! reused; names are unique (a constraint); the catalog is a query.
//!
//! Keys reach the server as they would be written to disk: encrypted
//! PKCS#8 unless the user said `--no-passphrase`; the server never sees a
//! passphrase. The connections ([`connect`]: URL, password, TLS, timeout;
//! a small pool, [`POOL_MAX`], so that `serve`'s workers do not queue
//! behind one client),
//! the schema and its migrations ([`schema`]), `generate --batch`
//! ([`batch`]), `keystore copy` ([`copy`]) and the ACME accounts and
//! renewal state ([`acme`]) each have their room; the queries of single
//! records live here. Layout and protocol:
//! docs/design.md, "The PostgreSQL keystore".

use crate::field::Field;
use crate::keystore::record::spki_of;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Duration;

use postgres::{Client, GenericClient, Row};

use crate::error::{Error, Result};
use crate::keystore::{
    changed_meanwhile, check_stored_name, exists_error, not_found, same_key, BatchWriter, Fetch,
    FullRecord, HeldFiles, HistoryKey, Listed, ListedFrom, Location, NewRecord, Put, Record,
    RecordMeta, Store, Summary,
};

mod acme;
mod batch;
pub mod connect;
mod copy;
pub mod schema;

/// The URL schemes that name a PostgreSQL keystore.
pub const SCHEMES: [&str; 2] = super::PG_SCHEMES;

/// A keystore in a PostgreSQL database (see the module doc). Connects on
/// first use, and brings the schema up to date then.
pub struct PgStore {
    conn: Arc<Conn>,
}

/// Most connections one process opens to the server: a command uses one;
/// `serve`'s blocking workers take one each, up to this many, and wait
/// for a free one beyond it. Every transaction runs on one connection
/// (no session state is kept between calls: advisory locks are
/// transaction-level).
pub const POOL_MAX: usize = 8;

/// Idle connections, and how many are open (idle or in use).
#[derive(Default)]
struct Pool {
    idle: Mutex<(Vec<Client>, usize)>,
    freed: Condvar,
}

/// A connection taken from the pool; it goes back when dropped (or is
/// closed, if the server closed it).
pub(crate) struct Pooled<'a> {
    pool: &'a Pool,
    client: Option<Client>,
}

impl std::ops::Deref for Pooled<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client.as_ref().expect("a pooled client")
    }
}

impl std::ops::DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.client.as_mut().expect("a pooled client")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        let mut idle = self.pool.idle.lock().unwrap_or_else(|e| e.into_inner());
        match self.client.take() {
            Some(c) if !c.is_closed() => idle.0.push(c),
            _ => idle.1 -= 1,
        }
        drop(idle);
        self.pool.freed.notify_one();
    }
}

/// The connection a store and its listed rows share.
pub(crate) struct Conn {
    target: connect::Target,
    lock_timeout: Duration,
    pool: Pool,
    /// The first connection's failure, kept: a server that cannot be
    /// reached is reported once, not tried again by every call.
    failed: OnceLock<Error>,
    /// Set once the schema was found (or made) at this binary's version.
    ready: OnceLock<Result<()>>,
}

/// A query's outcome: the server's error, or csrkit's own answer (which
/// may itself be an error, such as a name that is taken).
pub(crate) type Answer<T> = std::result::Result<Result<T>, postgres::Error>;

/// The columns [`record_of`] reads, in order.
const REC_COLS: &str = "id, name, revision, meta, csr_pem, cert_pem, chain_pem";

impl PgStore {
    /// A store for `url` (a `postgresql://` URL); nothing is sent yet.
    /// Exit 2 when the URL does not parse (named without its password).
    pub fn new(url: &Path, lock_timeout: Duration) -> Result<PgStore> {
        let url = url
            .to_str()
            .ok_or_else(|| Error::invalid(Field::Keystore, "the keystore URL is not UTF-8"))?;
        Ok(PgStore {
            conn: Arc::new(Conn {
                target: connect::parse(url, lock_timeout)?,
                lock_timeout,
                pool: Pool::default(),
                failed: OnceLock::new(),
                ready: OnceLock::new(),
            }),
        })
    }
}

impl Conn {
    /// A connection from the pool, made when none is idle and fewer than
    /// [`POOL_MAX`] are open, else the next one freed (exit 2 if the
    /// first cannot be made).
    fn raw(&self) -> Result<Pooled<'_>> {
        if let Some(e) = self.failed.get() {
            return Err(e.clone());
        }
        let mut idle = self.pool.idle.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(c) = idle.0.pop() {
                return Ok(Pooled {
                    pool: &self.pool,
                    client: Some(c),
                });
            }
            if idle.1 < POOL_MAX {
                break;
            }
            idle = self
                .pool
                .freed
                .wait(idle)
                .unwrap_or_else(|e| e.into_inner());
        }
        let first = idle.1 == 0;
        idle.1 += 1;
        drop(idle);
        match connect::connect(&self.target) {
            Ok(c) => Ok(Pooled {
                pool: &self.pool,
                client: Some(c),
            }),
            Err(e) => {
                let mut idle = self.pool.idle.lock().unwrap_or_else(|e| e.into_inner());
                idle.1 -= 1;
                drop(idle);
                self.pool.freed.notify_one();
                if first {
                    let _ = self.failed.set(e.clone());
                }
                Err(e)
            }
        }
    }

    /// The connection, with the schema at this binary's version: applied
    /// on first use, refused when newer (exit 2).
    fn client(&self) -> Result<Pooled<'_>> {
        let mut client = self.raw()?;
        let ready = self.ready.get_or_init(|| {
            let shown = &self.target.shown;
            match schema::current(&mut client) {
                Ok(Some(v)) if v == schema::VERSION => Ok(()),
                Ok(Some(v)) if v > schema::VERSION => Err(schema::too_new(shown, v)),
                Ok(_) => schema::migrate(&mut client, shown)
                    .map_err(|e| self.error(e))
                    .and_then(|r| r.map(|_| ())),
                Err(e) => Err(self.error(e)),
            }
        });
        ready.clone().map(|()| client)
    }

    /// Runs `f` on the connection (schema ready), turning the server's
    /// errors into csrkit's ([`connect::query_error`]).
    ///
    /// The synchronous client drives its own runtime, which tokio refuses
    /// to start inside another (a panic): called from the ACME client's
    /// current-thread runtime (`crate::acme`, where `order` stores a new
    /// account), `f` runs on a thread of its own, joined before this
    /// returns. On a multi-thread runtime csrkit calls the store only from
    /// `spawn_blocking` (`serve`), where blocking is allowed.
    pub(crate) fn run<T: Send>(
        &self,
        f: impl FnOnce(&mut Client) -> Answer<T> + Send,
    ) -> Result<T> {
        let in_runtime = tokio::runtime::Handle::try_current()
            .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::CurrentThread);
        if !in_runtime {
            return self.run_here(f);
        }
        std::thread::scope(|s| {
            s.spawn(|| self.run_here(f))
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        })
    }

    /// [`Conn::run`] on this thread (never inside a runtime: `list_each`,
    /// whose `each` stays on the caller's thread).
    fn run_here<T>(&self, f: impl FnOnce(&mut Client) -> Answer<T>) -> Result<T> {
        let mut client = self.client()?;
        f(&mut client).unwrap_or_else(|e| Err(self.error(e)))
    }

    fn error(&self, e: postgres::Error) -> Error {
        connect::query_error(&self.target.shown, self.lock_timeout, e)
    }

    fn find(self: &Arc<Self>, name_or_id: &str) -> Result<Record> {
        // A name first, as the directory keystore does; ids start at 1.
        let id = name_or_id.parse::<i64>().unwrap_or(-1);
        let sql = format!(
            "SELECT {REC_COLS}, 0 AS o FROM csrkit.records WHERE name = $1
             UNION ALL
             SELECT {REC_COLS}, 1 FROM csrkit.records WHERE id = $2
             ORDER BY o LIMIT 1"
        );
        let row = self.run(|c| Ok(Ok(c.query_opt(&sql, &[&name_or_id, &id])?)))?;
        match row {
            Some(row) => record_of(&row),
            None => Err(not_found(name_or_id)),
        }
    }
}

impl Fetch for Conn {
    fn fetch(&self, id: u64) -> Result<Record> {
        let sql = format!("SELECT {REC_COLS} FROM csrkit.records WHERE id = $1");
        let row = self.run(|c| Ok(Ok(c.query_opt(&sql, &[&(id as i64)])?)))?;
        match row {
            Some(row) => record_of(&row),
            None => Err(not_found(&id.to_string())),
        }
    }
}

/// A record from a row of [`REC_COLS`]: the columns are authoritative for
/// id, name and revision.
fn record_of(row: &Row) -> Result<Record> {
    let name: String = row.get(1);
    check_stored_name(&name, row.get::<_, i64>(0) as u64)?;
    let mut meta: RecordMeta = serde_json::from_str(row.get(3))
        .map_err(|e| Error::internal(format!("record {name}: its metadata is corrupt: {e}")))?;
    meta.id = row.get::<_, i64>(0) as u64;
    meta.revision = row.get::<_, i32>(2) as u32;
    meta.name = name;
    Ok(Record {
        meta,
        at: Location::Held(Arc::new(HeldFiles {
            csr_pem: row.get(4),
            cert_pem: row.get(5),
            chain_pem: row.get(6),
        })),
    })
}

/// `v` as JSON text (a metadata or summary column).
pub(crate) fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::internal(e.to_string()))
}

/// Inserts a record's current row (its id already in `rec.meta`); `false`
/// when the name is taken (nothing written).
pub(crate) fn insert_record(
    c: &mut impl GenericClient,
    rec: &NewRecord<'_>,
) -> std::result::Result<Result<bool>, postgres::Error> {
    let (meta, summary) = match (json(&rec.meta), json(&Summary::of(&rec.meta))) {
        (Ok(m), Ok(s)) => (m, s),
        (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
    };
    let spki = spki_of(&rec.meta, rec.csr_pem);
    let cert = rec.cert.map(|c| c.cert_pem);
    let chain = rec.cert.map(|c| c.chain_pem).filter(|c| !c.is_empty());
    let n = c.execute(
        "INSERT INTO csrkit.records
            (id, name, revision, meta, summary, spki_sha256, csr_pem, key_pem, cert_pem, chain_pem)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (name) DO NOTHING",
        &[
            &(rec.meta.id as i64),
            &rec.meta.name,
            &(rec.meta.revision as i32),
            &meta,
            &summary,
            &spki,
            &rec.csr_pem,
            &rec.key_pem,
            &cert,
            &chain,
        ],
    )?;
    Ok(Ok(n == 1))
}

impl Store for PgStore {
    fn location(&self) -> String {
        self.conn.target.shown.clone()
    }

    /// None: the files are rows, not paths.
    fn record_path(&self, _name: &str) -> Option<PathBuf> {
        None
    }

    fn exists(&self, name: &str) -> bool {
        self.conn
            .run(|c| {
                let row = c.query_opt("SELECT 1 FROM csrkit.records WHERE name = $1", &[&name])?;
                Ok(Ok(row.is_some()))
            })
            .unwrap_or(false)
    }

    /// One INSERT (its own transaction) after the id is drawn from the
    /// sequence: an id drawn for a name that turns out taken is spent.
    fn create(&self, mut rec: NewRecord<'_>) -> Result<RecordMeta> {
        self.conn.run(|c| {
            let id: i64 = c
                .query_one("SELECT nextval('csrkit.record_id')", &[])?
                .get(0);
            rec.meta.id = id as u64;
            Ok(match insert_record(c, &rec)? {
                Ok(true) => Ok(()),
                Ok(false) => Err(exists_error(&rec.meta.name)),
                Err(e) => Err(e),
            })
        })?;
        Ok(rec.meta)
    }

    /// One transaction: the current row is locked (`FOR UPDATE`, waiting
    /// at most the lock timeout), copied into `history`, and overwritten.
    /// History keeps one copy of each distinct key (the replaced
    /// revision's `key_pem` is `''` in `history` when the new revision has
    /// the same key), and `keys` rewrites history keys in the same
    /// transaction.
    fn replace_with_history_keys(
        &self,
        mut rec: NewRecord<'_>,
        expected_revision: Option<u32>,
        keys: &[HistoryKey],
    ) -> Result<RecordMeta> {
        self.conn.run(|c| {
            let mut tx = c.transaction()?;
            let row = tx.query_opt(
                "SELECT revision, meta, key_pem FROM csrkit.records
                 WHERE id = $1 AND name = $2 FOR UPDATE",
                &[&(rec.meta.id as i64), &rec.meta.name],
            )?;
            let Some(row) = row else {
                return Ok(Err(Error::not_found(format!(
                    "record {} was deleted or replaced while regenerating",
                    rec.meta.name
                ))));
            };
            let current: i32 = row.get(0);
            let old: RecordMeta = match serde_json::from_str(row.get(1)) {
                Ok(m) => m,
                Err(e) => {
                    return Ok(Err(Error::internal(format!(
                        "record {}: its metadata is corrupt: {e}",
                        rec.meta.name
                    ))))
                }
            };
            // Compare-and-swap on the revision (see the directory backend).
            if let Some(expected) = expected_revision.or(rec.meta.revision.checked_sub(1)) {
                if current as u32 != expected {
                    return Ok(Err(changed_meanwhile(
                        &rec.meta.name,
                        expected,
                        current as u32,
                    )));
                }
            }
            let old_key: String = row.get(2);
            let keep_key = !same_key(&old, &rec.meta, old_key.as_bytes(), rec.key_pem.as_bytes());
            rec.meta.revision = current as u32 + 1;
            rec.meta.carry_live_from(&old);
            rec.meta.created = old.created.clone();
            tx.execute(
                "INSERT INTO csrkit.history
                    (record_id, revision, meta, csr_pem, key_pem, cert_pem, chain_pem)
                 SELECT id, revision, meta, csr_pem, CASE WHEN $2 THEN key_pem ELSE '' END,
                        cert_pem, chain_pem
                 FROM csrkit.records WHERE id = $1",
                &[&(rec.meta.id as i64), &keep_key],
            )?;
            for (rev, key) in keys {
                let pem: &str = key.as_ref().map_or("", |k| k.as_str());
                let n = tx.execute(
                    "UPDATE csrkit.history SET key_pem = $3
                     WHERE record_id = $1 AND revision = $2",
                    &[&(rec.meta.id as i64), &(*rev as i32), &pem],
                )?;
                if n != 1 {
                    return Ok(Err(Error::internal(format!(
                        "record {} has no history revision {rev}",
                        rec.meta.name
                    ))));
                }
            }
            let (meta, summary) = match (json(&rec.meta), json(&Summary::of(&rec.meta))) {
                (Ok(m), Ok(s)) => (m, s),
                (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
            };
            let spki = spki_of(&rec.meta, rec.csr_pem);
            let cert = rec.cert.map(|c| c.cert_pem);
            let chain = rec.cert.map(|c| c.chain_pem).filter(|c| !c.is_empty());
            tx.execute(
                "UPDATE csrkit.records SET revision = $2, meta = $3, summary = $4,
                    spki_sha256 = $5, csr_pem = $6, key_pem = $7, cert_pem = $8, chain_pem = $9
                 WHERE id = $1",
                &[
                    &(rec.meta.id as i64),
                    &(rec.meta.revision as i32),
                    &meta,
                    &summary,
                    &spki,
                    &rec.csr_pem,
                    &rec.key_pem,
                    &cert,
                    &chain,
                ],
            )?;
            crate::faults::crash("pg:replace:before-commit");
            tx.commit()?;
            Ok(Ok(()))
        })?;
        Ok(rec.meta)
    }

    /// One transaction: the record's DELETE (the history goes with it,
    /// `ON DELETE CASCADE`) and its renewal state's.
    fn delete(&self, rec: &Record) -> Result<()> {
        self.conn.run(|c| {
            let mut tx = c.transaction()?;
            let n = tx.execute(
                "DELETE FROM csrkit.records WHERE id = $1 AND name = $2",
                &[&(rec.meta.id as i64), &rec.meta.name],
            )?;
            if n != 1 {
                return Ok(Err(Error::not_found(format!(
                    "record {} changed while deleting",
                    rec.meta.name
                ))));
            }
            tx.execute(
                "DELETE FROM csrkit.acme_renewal WHERE record_id = $1",
                &[&rec.meta.id.to_string()],
            )?;
            tx.commit()?;
            Ok(Ok(()))
        })
    }

    fn find(&self, name_or_id: &str) -> Result<Record> {
        self.conn.find(name_or_id)
    }

    /// One DELETE by name (a row whose metadata no longer parses); the
    /// history goes with it.
    fn delete_damaged(&self, name: &str) -> Result<String> {
        let n = self.conn.run(|c| {
            let mut tx = c.transaction()?;
            tx.execute(
                "DELETE FROM csrkit.acme_renewal WHERE record_id IN
                    (SELECT id::text FROM csrkit.records WHERE name = $1)",
                &[&name],
            )?;
            let n = tx.execute("DELETE FROM csrkit.records WHERE name = $1", &[&name])?;
            tx.commit()?;
            Ok(Ok(n))
        })?;
        if n == 0 {
            return Err(not_found(name));
        }
        Ok(format!("the row of record {name} with its history"))
    }

    /// Every summary in id order ([`each_summary`]); each row reads the
    /// rest of its record through this store's connection.
    fn list(&self) -> Result<Vec<Listed>> {
        let from = ListedFrom::Store(self.conn.clone());
        self.conn.run(|c| {
            let mut out = Vec::new();
            let r = each_summary(c, &mut |summary| {
                out.push(Listed {
                    summary,
                    from: from.clone(),
                });
                Ok(())
            })?;
            Ok(r.map(|()| out))
        })
    }

    /// [`each_summary`], each row handed to `each` as it arrives, in memory
    /// that does not grow with the keystore.
    fn list_each(&self, each: &mut dyn FnMut(Listed) -> Result<()>) -> Result<()> {
        let from = ListedFrom::Store(self.conn.clone());
        self.conn.run_here(|c| {
            each_summary(c, &mut |summary| {
                each(Listed {
                    summary,
                    from: from.clone(),
                })
            })
        })
    }

    fn streams_list(&self) -> bool {
        true
    }

    fn find_by_spki(&self, spki_sha256: &str) -> Result<Option<Record>> {
        let sql = format!(
            "SELECT {REC_COLS} FROM csrkit.records WHERE spki_sha256 = $1 ORDER BY id LIMIT 1"
        );
        let row = self
            .conn
            .run(|c| Ok(Ok(c.query_opt(&sql, &[&spki_sha256])?)))?;
        row.as_ref().map(record_of).transpose()
    }

    /// The key of the revision `rec` was read at (exit 3 if the record
    /// changed since).
    fn read_key_pem(&self, rec: &Record) -> Result<zeroize::Zeroizing<String>> {
        let key = self.conn.run(|c| {
            let row = c.query_opt(
                "SELECT key_pem FROM csrkit.records WHERE id = $1 AND revision = $2",
                &[&(rec.meta.id as i64), &(rec.meta.revision as i32)],
            )?;
            Ok(Ok(
                row.map(|r| zeroize::Zeroizing::new(r.get::<_, String>(0)))
            ))
        })?;
        key.ok_or_else(|| {
            Error::not_found(format!(
                "record {} was deleted or changed meanwhile",
                rec.meta.name
            ))
        })
    }

    fn stage(&self, expected: usize) -> Result<Box<dyn BatchWriter + '_>> {
        Ok(Box::new(batch::PgBatch::new(&self.conn, expected)))
    }

    fn read_full(&self, rec: &Record) -> Result<FullRecord> {
        copy::read_full(&self.conn, rec)
    }

    fn put_full(&self, full: &FullRecord) -> Result<Put> {
        copy::put_full(&self.conn, full)
    }

    fn acme_account(
        &self,
        directory: &str,
        name: &str,
    ) -> Result<Option<(crate::keystore::AcmeAccount, zeroize::Zeroizing<String>)>> {
        acme::account(&self.conn, directory, name)
    }

    fn acme_accounts(
        &self,
    ) -> Result<Vec<(crate::keystore::AcmeAccount, zeroize::Zeroizing<String>)>> {
        acme::accounts(&self.conn)
    }

    fn put_acme_account(
        &self,
        account: &crate::keystore::AcmeAccount,
        key_pem: &str,
    ) -> Result<()> {
        acme::put(&self.conn, account, key_pem)
    }

    fn acme_pending_key(
        &self,
        directory: &str,
        name: &str,
    ) -> Result<Option<zeroize::Zeroizing<String>>> {
        acme::pending_key(&self.conn, directory, name)
    }

    fn replace_acme_account(
        &self,
        account: &crate::keystore::AcmeAccount,
        key_pem: &str,
        pending_key_pem: Option<&str>,
    ) -> Result<()> {
        acme::replace(&self.conn, account, key_pem, pending_key_pem)
    }

    fn acme_renewal_state(&self, record_id: &str) -> Result<Option<String>> {
        acme::renewal_state(&self.conn, record_id)
    }

    fn put_acme_renewal_state(&self, record_id: &str, state: &str) -> Result<()> {
        acme::put_renewal_state(&self.conn, record_id, state)
    }

    /// Applies the migrations the database lacks (`keystore migrate`).
    fn migrate(&self) -> Result<(Option<u32>, Option<u32>)> {
        let mut client = self.conn.raw()?;
        let (before, after) = schema::migrate(&mut client, &self.conn.target.shown)
            .map_err(|e| self.conn.error(e))??;
        Ok((before, Some(after)))
    }
}

/// `SELECT id, summary FROM csrkit.listing ORDER BY id` (the narrow table of
/// schema version 3) through a cursor, fetched in growing batches (100
/// rows, then up to 5,000) on a thread of their own while this one
/// decodes the batch before and hands its summaries to `each`: the
/// server's scan overlaps the client's work. A cursor is planned for its
/// first rows (`cursor_tuple_fraction`): the primary key's index. `each`
/// returning an error ends it (the cursor's transaction rolled back).
fn each_summary(c: &mut Client, each: &mut dyn FnMut(Summary) -> Result<()>) -> Answer<()> {
    let mut tx = c.transaction()?;
    // JIT compiling the scan (its cost passes jit_above_cost from a few
    // hundred thousand rows) delayed the first row by 30 ms and gains
    // nothing on a plain index scan.
    tx.batch_execute(
        "SET LOCAL jit = off; \
         DECLARE csrkit_list NO SCROLL CURSOR FOR \
         SELECT id, summary FROM csrkit.listing ORDER BY id",
    )?;
    let handed = std::thread::scope(|s| {
        let (rows_tx, rows_rx) = std::sync::mpsc::sync_channel::<Vec<Row>>(2);
        let tx = &mut tx;
        let fetcher = s.spawn(move || -> std::result::Result<(), postgres::Error> {
            let mut batch = 100;
            loop {
                let rows = tx.query(&format!("FETCH {batch} FROM csrkit_list"), &[])?;
                // An empty batch ends it; a closed channel means the
                // caller stopped.
                if rows.is_empty() || rows_tx.send(rows).is_err() {
                    return Ok(());
                }
                batch = (batch * 4).min(5000);
            }
        });
        let mut handed = Ok(());
        'rows: for rows in rows_rx {
            for row in rows {
                let summary = match serde_json::from_str(row.get(1)) {
                    Ok(s) => s,
                    Err(e) => {
                        let id: i64 = row.get(0);
                        handed = Err(Error::internal(format!(
                            "the list row of record {id} (csrkit.listing) is corrupt: {e}"
                        )));
                        break 'rows;
                    }
                };
                if let Err(e) = each(summary) {
                    handed = Err(e);
                    break 'rows;
                }
            }
        }
        let fetched = fetcher
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        fetched.map(|()| handed)
    })?;
    if handed.is_ok() {
        tx.commit()?;
    }
    Ok(handed)
}
