//! The directory keystore's catalog: `records/.catalog`, an append-only
//! cache of every record's [`Summary`], one JSON line per commit or delete,
//! each naming the inode of the record's directory so that a stale line is
//! never trusted. `list` reads it instead of every `record.json`; it is
//! rewritten when it grows or misses. Losing it costs speed, never data:
//! every entry is checked against the directory it names. (The key and id
//! index beside it is [`super::index`].)

use std::collections::HashMap;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::DirStore;
use crate::keystore::io::{atomic_write, nofollow_read_any};
use crate::keystore::{RecordMeta, Summary};

/// Append-only summary of every commit, inside `records/` (see `list`).
pub(super) const CATALOG: &str = ".catalog";
/// Compact the catalog when it holds this many more lines than records.
pub(super) const CATALOG_SLACK: usize = 1000;

impl DirStore {
    /// Appends a line to the catalog. The catalog is a cache: it is not
    /// fsynced, and every entry is checked against its directory's inode
    /// number before it is trusted, so a lost append costs only speed.
    /// Returns the catalog's length before the append (`None`: it did not
    /// exist), for [`Keystore::catalog_rollback`].
    pub(super) fn catalog_append(&self, lines: &[CatalogLine]) -> Option<Option<u64>> {
        let mut json = Vec::new();
        for line in lines {
            json.extend_from_slice(&line.to_json().ok()?);
            json.push(b'\n');
        }
        let path = self.records_dir().join(CATALOG);
        let before = fs::symlink_metadata(&path).ok().map(|m| m.len());
        let mut f = OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&path)
            .ok()?;
        // One write(2), under the lock: lines never interleave.
        let _ = f.write_all(&json);
        Some(before)
    }

    /// Undoes the append of a commit that failed, so that a failed command
    /// leaves the keystore byte-for-byte as it was. (Leaving the line would
    /// be harmless: it names the inode of a directory that never landed.)
    pub(super) fn catalog_rollback(&self, mark: Option<Option<u64>>) {
        let path = self.records_dir().join(CATALOG);
        match mark {
            Some(None) => {
                let _ = fs::remove_file(&path);
            }
            Some(Some(len)) => {
                if let Ok(f) = OpenOptions::new()
                    .write(true)
                    .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
                    .open(&path)
                {
                    let _ = f.set_len(len);
                }
            }
            None => {}
        }
    }

    /// Records that the directory `dir` (a temporary about to be renamed
    /// into place) holds `meta`. Appended *before* the rename: a line
    /// appended after it would be lost by a crash in between, and the
    /// name's last line would then name the inode of an older directory,
    /// which the file system may hand out again to a later commit of the
    /// same name, making `list` trust stale metadata. Written first, the
    /// name's last line names either the current directory or a temporary
    /// that never landed (whose inode is distinct from the current one's).
    pub(super) fn catalog_put(&self, meta: &RecordMeta, dir: &Path) -> Option<Option<u64>> {
        self.catalog_append(&[CatalogLine::put(meta, dir)?])
    }

    /// The catalog's live entries by name (last line wins), and its line
    /// count. Each summary's `name` is moved into its key (left empty).
    pub(super) fn catalog_read(&self) -> (HashMap<String, (u64, Summary)>, usize) {
        let Ok(data) = nofollow_read_any(&self.records_dir().join(CATALOG)) else {
            return (HashMap::new(), 0);
        };
        // Parsing is most of `list`'s time on a large keystore: the two
        // halves of the file (split at a line) are parsed on two threads,
        // then applied in file order.
        let parsed = parse_lines(&data);
        drop(data);
        // Sized up front: rehashing 10,000 summaries showed in profiles.
        let mut map = HashMap::with_capacity(parsed.iter().map(Vec::len).sum());
        let mut lines = 0;
        for line in parsed.into_iter().flatten() {
            lines += 1;
            match line {
                Some(CatalogLine::Put { ino, mut summary }) => {
                    // The name moves into the key (no copy per record);
                    // `list` puts it back when it takes the summary.
                    map.insert(std::mem::take(&mut summary.name), (ino, summary));
                }
                Some(CatalogLine::Del { name, .. }) => {
                    map.remove(&name);
                }
                None => {} // a torn last line after a crash: ignored
            }
        }
        (map, lines)
    }

    /// Rewrites the catalog from `rows` (each summary with the inode of the
    /// directory it was read from, as observed then), if no writer is
    /// busy. A commit between that observation and this rewrite loses its
    /// line, which costs only speed: its directory is a new inode, so the
    /// rewritten line for its name does not match and is not trusted. (The
    /// inode is never looked up again here: paired with a summary read
    /// before a commit, the new directory's inode made a stale line that
    /// `list` and `expiring` trusted.)
    pub(super) fn catalog_compact(&self, rows: &[(Summary, u64)]) {
        let Ok(file) = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(self.lock_path())
        else {
            return;
        };
        if file.try_lock().is_err() {
            return;
        }
        let mut out = Vec::new();
        for (summary, ino) in rows {
            let line = CatalogLine::Put {
                ino: *ino,
                summary: summary.clone(),
            };
            if let Ok(json) = line.to_json() {
                out.extend_from_slice(&json);
                out.push(b'\n');
            }
        }
        let _ = atomic_write(&self.records_dir().join(CATALOG), &out, 0o600);
    }
}

/// The catalog's lines, parsed (`None`: a torn line), in file order; a
/// large file in two chunks on two threads.
fn parse_lines(data: &[u8]) -> Vec<Vec<Option<CatalogLine>>> {
    fn parse(chunk: &[u8]) -> Vec<Option<CatalogLine>> {
        chunk
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(CatalogLine::parse)
            .collect()
    }
    // Below this a thread costs more than it saves.
    const PARALLEL_FROM: usize = 1 << 20;
    let cut = (data.len() >= PARALLEL_FROM)
        .then(|| {
            let mid = data.len() / 2;
            data[mid..]
                .iter()
                .position(|b| *b == b'\n')
                .map(|i| mid + i + 1)
        })
        .flatten();
    let Some(cut) = cut else {
        return vec![parse(data)];
    };
    let (head, tail) = data.split_at(cut);
    std::thread::scope(|s| {
        let second = s.spawn(|| parse(tail));
        let first = parse(head);
        // Parsing does not panic; were the thread lost anyway, its half
        // would be missing as from a torn catalog, and `list` would read
        // those records from their directories.
        vec![first, second.join().unwrap_or_default()]
    })
}

/// One catalog line.
pub(super) enum CatalogLine {
    Put { ino: u64, summary: Summary },
    Del { id: u64, name: String },
}

/// A catalog line on disk: `{"op":"put","ino":..,"summary":{..}}` or
/// `{"op":"del","id":..,"name":..}`. A flat struct rather than a tagged
/// enum: serde buffers tagged enums and parses them twice, which was half
/// the time of `list` on a large keystore.
#[derive(Serialize, Deserialize)]
pub(super) struct CatalogRow {
    op: CatalogOp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ino: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    summary: Option<Summary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum CatalogOp {
    Put,
    Del,
}

impl CatalogLine {
    /// The line for a record whose directory is (or is about to be) `dir`.
    pub(super) fn put(meta: &RecordMeta, dir: &Path) -> Option<CatalogLine> {
        let md = fs::symlink_metadata(dir).ok()?;
        Some(CatalogLine::Put {
            ino: md.ino(),
            summary: Summary::of(meta),
        })
    }

    pub(super) fn to_json(&self) -> serde_json::Result<Vec<u8>> {
        let row = match self {
            CatalogLine::Put { ino, summary } => CatalogRow {
                op: CatalogOp::Put,
                ino: Some(*ino),
                summary: Some(summary.clone()),
                id: None,
                name: None,
            },
            CatalogLine::Del { id, name } => CatalogRow {
                op: CatalogOp::Del,
                ino: None,
                summary: None,
                id: Some(*id),
                name: Some(name.clone()),
            },
        };
        serde_json::to_vec(&row)
    }

    pub(super) fn parse(line: &[u8]) -> Option<CatalogLine> {
        let row: CatalogRow = serde_json::from_slice(line).ok()?;
        match row.op {
            CatalogOp::Put => Some(CatalogLine::Put {
                ino: row.ino?,
                summary: row.summary?,
            }),
            CatalogOp::Del => Some(CatalogLine::Del {
                id: row.id?,
                name: row.name?,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(i: usize) -> String {
        format!(
            r#"{{"op":"put","ino":{i},"summary":{{"id":{i},"name":"n{i}","description":null,"created":"2026-11-30T00:00:00Z","modified":"2026-11-30T00:00:00Z","revision":1,"key":{{"type":"ec","curve":"P-256"}},"encrypted":false,"common_name":"n{i}.example.com","subject":"CN=n{i}.example.com"}}}}"#
        )
    }

    /// Two chunks parsed apart give the lines of one sequential parse, in
    /// file order, whatever line the cut falls in (a `del` after its `put`
    /// across the cut included).
    #[test]
    fn parallel_parse_keeps_file_order() {
        let mut text = String::new();
        for i in 0..6000 {
            text.push_str(&put(i));
            text.push('\n');
            if i % 3 == 0 {
                text.push_str(&format!(r#"{{"op":"del","id":{i},"name":"n{i}"}}"#));
                text.push('\n');
            }
        }
        text.push_str(r#"{"op":"put","ino":1,"summ"#); // a torn last line
        assert!(text.len() > 1 << 20);
        let chunks = parse_lines(text.as_bytes());
        assert_eq!(chunks.len(), 2);
        let got: Vec<String> = chunks
            .into_iter()
            .flatten()
            .map(|l| match l {
                Some(CatalogLine::Put { summary, .. }) => format!("put {}", summary.name),
                Some(CatalogLine::Del { name, .. }) => format!("del {name}"),
                None => "torn".into(),
            })
            .collect();
        let want: Vec<String> = text
            .split('\n')
            .map(|l| match CatalogLine::parse(l.as_bytes()) {
                Some(CatalogLine::Put { summary, .. }) => format!("put {}", summary.name),
                Some(CatalogLine::Del { name, .. }) => format!("del {name}"),
                None => "torn".into(),
            })
            .collect();
        assert_eq!(got, want);
    }
}
