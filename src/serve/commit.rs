//! Group commit for the records serve makes: each request makes its key
//! and CSR on its own worker, then hands the finished record to the
//! listener's committer thread, which commits whatever has queued up
//! meanwhile in one group ([`crate::keystore::BatchWriter`], the path of
//! `generate --batch`: one flush and one lock for the group) or, alone,
//! with a plain create. A request is answered only after its record's
//! commit is durable, so every CSR acknowledged survives a crash.

use std::sync::mpsc;
use std::sync::Arc;

use super::shared::{lock, Shared};
use crate::error::{Error, Result};
use crate::keystore::RecordMeta;
use crate::ops::generate::Prepared;

/// The most records one group commits.
const GROUP_MAX: usize = 256;

struct Job {
    prepared: Prepared,
    /// Gets the record back with the outcome of its commit.
    reply: mpsc::Sender<(Prepared, Result<RecordMeta>)>,
}

/// A listener's committer (its thread ends when this is dropped).
pub struct Committer {
    tx: std::sync::Mutex<mpsc::Sender<Job>>,
}

impl Committer {
    pub fn start(shared: Arc<Shared>) -> Committer {
        let (tx, rx) = mpsc::channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name("csrkit-commit".into())
            .spawn(move || run(&shared, &rx));
        // Without a thread `commit` finds the channel closed and says so.
        drop(spawned);
        Committer {
            tx: std::sync::Mutex::new(tx),
        }
    }

    /// Commits `prepared` (blocking: call it from a blocking worker) and
    /// returns it with the metadata as committed (its id given). Errors as
    /// the keystore's create: 4 for a taken name, 5 for a lock held too long.
    pub fn commit(&self, prepared: Prepared) -> Result<(Prepared, RecordMeta)> {
        let (reply, answer) = mpsc::channel();
        let sent = lock(&self.tx).send(Job { prepared, reply });
        if sent.is_err() {
            return Err(Error::internal("serve: the committer has stopped"));
        }
        let (prepared, r) = answer
            .recv()
            .map_err(|_| Error::internal("serve: the committer stopped before answering"))?;
        r.map(|meta| (prepared, meta))
    }
}

fn run(shared: &Shared, rx: &mpsc::Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while jobs.len() < GROUP_MAX {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let ks = shared.keystore.as_ref();
        let results = if let [j] = jobs.as_slice() {
            vec![ks.create(j.prepared.as_new())]
        } else {
            match group(shared, &jobs) {
                Ok(results) => results,
                Err(e) => jobs.iter().map(|_| Err(e.clone())).collect(),
            }
        };
        for (j, r) in jobs.into_iter().zip(results) {
            let _ = j.reply.send((j.prepared, r));
        }
    }
}

/// One group through a batch writer: per-record results, in order (a
/// record whose write fails, e.g. a name taken within the group, gets its
/// error and the others go on).
fn group(shared: &Shared, jobs: &[Job]) -> Result<Vec<Result<RecordMeta>>> {
    let writer = shared.keystore.stage(jobs.len())?;
    let mut out: Vec<Option<Result<RecordMeta>>> = Vec::with_capacity(jobs.len());
    let mut staged = Vec::new();
    let mut at = Vec::new();
    for (i, j) in jobs.iter().enumerate() {
        match writer.write(j.prepared.as_new()) {
            Ok(s) => {
                staged.push(s);
                at.push(i);
                out.push(None);
            }
            Err(e) => out.push(Some(Err(e))),
        }
    }
    let committed = writer.commit(staged)?;
    for (i, r) in at.into_iter().zip(committed) {
        out[i] = Some(r);
    }
    Ok(out
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Error::internal("serve: a record was not committed"))))
        .collect())
}
