//! The directory keystore's `list`: every record's [`Summary`] in id
//! order, streamed. This room owns reading `records/`, the catalog and the
//! head of the key and id index together for a listing; the files'
//! formats are [`super::catalog`]'s and [`super::index`]'s.
//!
//! The catalog is a cache, so each of its entries is trusted only when the
//! directory `readdir` gives under that name has the inode the entry
//! names; any other directory is read from its `record.json` (a miss),
//! and the catalog is then rewritten. That check needs the whole
//! directory and the whole catalog (40 MB at 100,000 records) before it
//! can say which record has the lowest id, so two things run at once:
//!
//! - **The first page, from the index's head.** The index is
//!   authoritative and its ids grow with commit order, so its first
//!   512 KiB name the lowest ids. Taken from id 1 on, without a gap (a
//!   batch's ids land out of order, and an id missing from the window may
//!   yet be committed), up to [`FIRST_PAGE`] rows are read from their
//!   `record.json` files (kept only when the file still holds the id; the
//!   page ends at one that cannot be read) and handed over at once, with
//!   the id up to which every record is among them.
//! - **The catalog pass**, on a thread of its own: `readdir` (on another)
//!   while the catalog is read and *scanned* (of each line only the
//!   operation, inode, id and name, from the fixed prefix csrkit writes,
//!   `{"op":"put","ino":N,"summary":{"id":N,"name":"..."`; a line of
//!   another shape is decoded whole); then each directory is matched with
//!   its entry, the rows sorted by id, and their JSON decoded on two
//!   threads, page by page, in order. A line that does not decode after
//!   all is read from its `record.json`.
//!
//! Of the pass's rows, those the first page showed are dropped. One it
//! should have held and did not (an index changed by hand) is printed
//! when the pass reaches it: late, never lost or twice.
//!
//! The catalog is rewritten (when it missed a directory, or has too many
//! dead lines) from the pass's rows, each summary paired with the inode
//! it was read from: a commit meanwhile swaps in a new directory, whose
//! inode the rewritten line then does not name.
//! Figures in docs/performance.md (first row 10 ms at 100,000 records).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs;
use std::os::unix::fs::DirEntryExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use super::catalog::{CatalogLine, CATALOG, CATALOG_SLACK};
use super::{damaged, DirStore};
use crate::error::{io_at, Error, Result};
use crate::keystore::io::nofollow_read_any;
use crate::keystore::{Listed, ListedFrom, Record, Summary};

/// Rows per page handed from the decoder to the caller: the first page is
/// small so that the first rows come at once.
const FIRST_PAGE: usize = 100;
const PAGE: usize = 2000;

/// One entry of `records/` whose name is a record name.
pub(super) struct RecordEntry {
    pub(super) path: PathBuf,
    pub(super) ino: u64,
    pub(super) is_dir: bool,
}

/// The entries of `records/` named like records (`None`: no such
/// directory), from readdir alone (inode and type, no stat).
pub(super) fn record_entries(dir: &Path) -> Result<Option<Vec<RecordEntry>>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_at(dir, e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io_at(dir, e))?;
        let name = entry.file_name();
        if name
            .to_str()
            .is_none_or(|n| crate::request::validate_name(n).is_err())
        {
            continue;
        }
        out.push(RecordEntry {
            path: entry.path(),
            ino: entry.ino(),
            is_dir: entry.file_type().is_ok_and(|t| t.is_dir()),
        });
    }
    Ok(Some(out))
}

/// A catalog entry as the scan leaves it: the line still undecoded, or
/// (a line of another shape) decoded whole.
enum Scanned<'a> {
    Raw { id: u64, ino: u64, line: &'a [u8] },
    Whole { ino: u64, summary: Box<Summary> },
}

impl Scanned<'_> {
    fn ino(&self) -> u64 {
        match self {
            Scanned::Raw { ino, .. } | Scanned::Whole { ino, .. } => *ino,
        }
    }
}

/// A row to hand over, in id order: its summary to decode from a catalog
/// line, decoded already, or to read from the record's directory.
enum Row<'a> {
    Line(&'a [u8]),
    Ready(Box<Summary>),
}

/// The catalog's live entries by name (last line wins, a `del` removes),
/// from the lines' prefixes (see the module doc), and its line count. A
/// name is borrowed from the catalog's bytes, but for a line of another
/// shape, decoded whole, which owns its name.
fn scan(data: &[u8]) -> (HashMap<Cow<'_, str>, Scanned<'_>>, usize) {
    let mut map: HashMap<Cow<'_, str>, Scanned<'_>> = HashMap::with_capacity(data.len() / 300 + 16);
    let mut lines = 0;
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', data).chain(std::iter::once(data.len()));
    for end in ends {
        let line = &data[start..end];
        start = end + 1;
        if line.is_empty() {
            continue;
        }
        lines += 1;
        match prefix(line) {
            Some(Prefix::Put { ino, id, name }) => {
                map.insert(Cow::Borrowed(name), Scanned::Raw { id, ino, line });
            }
            Some(Prefix::Del { name }) => {
                map.remove(name);
            }
            None => match CatalogLine::parse(line) {
                Some(CatalogLine::Put { ino, summary }) => {
                    let name = Cow::Owned(summary.name.clone());
                    let summary = Box::new(summary);
                    map.insert(name, Scanned::Whole { ino, summary });
                }
                Some(CatalogLine::Del { name, .. }) => {
                    map.remove(name.as_str());
                }
                None => {} // a torn last line after a crash: ignored
            },
        }
    }
    (map, lines)
}

enum Prefix<'a> {
    Put { ino: u64, id: u64, name: &'a str },
    Del { name: &'a str },
}

/// The operation, inode, id and name of a line csrkit wrote
/// ([`super::catalog::CatalogRow`] through serde_json, whose field order
/// is the struct's); `None` for any other shape. The name must be a valid
/// record name (so it has no escapes), and the line must end as a whole
/// one does (`}}`, `}`): a line torn by a crash is left to the full
/// decoding, which drops it, so that its record is a miss (read from its
/// directory, and the catalog rewritten).
fn prefix(line: &[u8]) -> Option<Prefix<'_>> {
    if let Some(rest) = line.strip_prefix(br#"{"op":"put","ino":"#) {
        if !line.ends_with(b"}}") {
            return None;
        }
        let (ino, rest) = number(rest)?;
        let rest = rest.strip_prefix(br#","summary":{"id":"#)?;
        let (id, rest) = number(rest)?;
        let name = name(rest.strip_prefix(br#","name":""#)?)?;
        return Some(Prefix::Put { ino, id, name });
    }
    let rest = line.strip_prefix(br#"{"op":"del","id":"#)?;
    if !line.ends_with(b"}") {
        return None;
    }
    let (_, rest) = number(rest)?;
    let name = name(rest.strip_prefix(br#","name":""#)?)?;
    Some(Prefix::Del { name })
}

/// A decimal u64 at the start of `b`, and what follows it.
fn number(b: &[u8]) -> Option<(u64, &[u8])> {
    let end = b
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(b.len());
    let n = std::str::from_utf8(&b[..end]).ok()?.parse().ok()?;
    Some((n, &b[end..]))
}

/// A record name up to its closing quote.
fn name(b: &[u8]) -> Option<&str> {
    let end = b.iter().position(|c| *c == b'"')?;
    let name = std::str::from_utf8(&b[..end]).ok()?;
    crate::request::validate_name(name).ok()?;
    Some(name)
}

/// What the catalog pass found besides its rows (see [`DirStore::rows`]).
#[derive(Default)]
struct Pass {
    /// Directories the catalog did not describe (read from record.json).
    misses: usize,
    /// The catalog's lines.
    lines: usize,
    /// Records that could not be read, named.
    skipped: Vec<Error>,
    /// When the catalog is to be rewritten: each row's summary with the
    /// inode it was read from (rows without one are left out: they are
    /// misses again next time, never a stale line trusted).
    compact: Option<Vec<(Summary, u64)>>,
}

impl DirStore {
    /// Hands every record to `each` in id order, page by page as the
    /// summaries are decoded (see the module doc). With `first_page`, the
    /// first rows are read from the key and id index's head and their
    /// record.json files while the catalog pass runs ([`DirStore::head`]).
    /// A record that cannot be read is skipped and named in
    /// [`DirStore::skipped`]; the catalog is rewritten when it missed a
    /// directory or holds too many dead lines.
    pub(super) fn list_streamed(
        &self,
        first_page: bool,
        each: &mut dyn FnMut(Listed) -> Result<()>,
    ) -> Result<()> {
        if !self.check_root()? {
            return Ok(());
        }
        let (result, pass) = std::thread::scope(|s| {
            let (tx, rx) = mpsc::sync_channel::<Vec<Listed>>(4);
            let worker = s.spawn(move || self.rows(tx));
            let result = (|| -> Result<()> {
                // The head's rows go out first; of the catalog pass's rows
                // those the head covered are dropped (a record the head
                // missed comes when the pass finds it, never lost).
                let (head, upto) = if first_page {
                    self.head()
                } else {
                    (Vec::new(), 0)
                };
                let shown: std::collections::HashSet<u64> =
                    head.iter().map(|l| l.summary.id).collect();
                for listed in head {
                    each(listed)?;
                }
                for page in &rx {
                    for listed in page {
                        let id = listed.summary.id;
                        if id <= upto && shown.contains(&id) {
                            continue;
                        }
                        // Once the caller stops (a closed pipe), so does
                        // the pass: dropping `rx` ends its sends.
                        each(listed)?;
                    }
                }
                Ok(())
            })();
            drop(rx);
            let pass = worker
                .join()
                .unwrap_or_else(|_| Err(Error::internal("listing the records failed")));
            (result, pass)
        });
        let pass = pass?;
        *self.skipped.lock().unwrap_or_else(|p| p.into_inner()) = pass.skipped;
        result?;
        if let Some(all) = pass.compact {
            crate::faults::mark("list:compact");
            crate::faults::pause("list:compact");
            self.catalog_compact(&all);
        }
        Ok(())
    }

    /// The catalog pass: `readdir` and the catalog, matched, sorted by id,
    /// decoded and sent to `tx` a page at a time (see the module doc).
    fn rows(&self, tx: mpsc::SyncSender<Vec<Listed>>) -> Result<Pass> {
        let dir = self.records_dir();
        let path = dir.join(CATALOG);
        let (entries, data) = std::thread::scope(|s| {
            let reader = s.spawn(|| record_entries(&dir));
            let data = nofollow_read_any(&path).unwrap_or_default();
            let entries = reader
                .join()
                .unwrap_or_else(|_| Err(Error::internal("reading the records directory failed")));
            (entries, data)
        });
        let mut pass = Pass::default();
        let Some(entries) = entries? else {
            return Ok(pass);
        };
        let (mut catalog, lines) = scan(&data);
        pass.lines = lines;
        // Each row with the inode its summary is known to describe (for
        // the catalog's rewrite), or `None`.
        let mut rows: Vec<Pending<'_>> = Vec::with_capacity(entries.len());
        for entry in entries {
            let Some(name) = entry.path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            match catalog.remove(name) {
                Some(s) if s.ino() == entry.ino && entry.is_dir => match s {
                    Scanned::Raw { id, line, .. } => {
                        rows.push((id, entry.path, Row::Line(line), Some(entry.ino)))
                    }
                    Scanned::Whole { summary, .. } => {
                        rows.push((summary.id, entry.path, Row::Ready(summary), Some(entry.ino)))
                    }
                },
                _ => {
                    pass.misses += 1;
                    match Record::read_at(&entry.path) {
                        Ok(rec) => {
                            let summary = Summary::of(&rec.meta);
                            // The summary is the inode's only if the name
                            // still has the inode readdir gave after the
                            // read (a commit swaps in a new directory).
                            let ino = same_ino(&entry.path, entry.ino).then_some(entry.ino);
                            rows.push((summary.id, entry.path, Row::Ready(Box::new(summary)), ino));
                        }
                        // Named and skipped, not the end of the listing.
                        Err(e) => pass.skipped.push(damaged::skipped(name, &e)),
                    }
                }
            }
        }
        drop(catalog);
        rows.sort_unstable_by_key(|r| r.0);
        if pass.misses > 0 || pass.lines > rows.len() + CATALOG_SLACK {
            pass.compact = Some(Vec::with_capacity(rows.len()));
        }
        // Pages of rows: the first small, so that it comes at once.
        let mut pages: Vec<Vec<Pending<'_>>> = Vec::new();
        let mut rows = rows.into_iter();
        let mut size = FIRST_PAGE;
        loop {
            let page: Vec<_> = rows.by_ref().take(size).collect();
            if page.is_empty() {
                break;
            }
            pages.push(page);
            size = PAGE;
        }
        // Decoded on two threads (this one the even pages, a helper the
        // odd ones), handed over in order.
        let (odd, even): (Vec<_>, Vec<_>) =
            pages.into_iter().enumerate().partition(|(i, _)| i % 2 == 1);
        std::thread::scope(|s| {
            let (htx, hrx) = mpsc::sync_channel(2);
            s.spawn(move || {
                for (_, page) in odd {
                    if htx.send(decode_page(page)).is_err() {
                        return;
                    }
                }
            });

            let mut odd = hrx.iter();
            for (_, page) in even {
                let next = decode_page(page);
                for decoded in [Some(next), odd.next()].into_iter().flatten() {
                    let (listed, inos, skipped) = decoded;
                    pass.skipped.extend(skipped);
                    if let Some(all) = &mut pass.compact {
                        all.extend(
                            listed
                                .iter()
                                .zip(&inos)
                                .filter_map(|(l, ino)| Some((l.summary.clone(), (*ino)?))),
                        );
                    }
                    if tx.send(listed).is_err() {
                        return;
                    }
                }
            }
        });
        Ok(pass)
    }

    /// The first rows, without the catalog: the records the key and id
    /// index's head names, lowest ids first, each read from its
    /// record.json (and kept only when that still holds the id), up to
    /// [`FIRST_PAGE`] of them; and the id up to which every record is
    /// among them: the ids from 1 on that the window holds without a gap
    /// (a batch's ids land out of order, and an id not in the window may
    /// still be committed). Nothing (and 0) when the index is not whole or
    /// is damaged in the window.
    fn head(&self) -> (Vec<Listed>, u64) {
        use std::os::unix::fs::FileExt;
        const WINDOW: u64 = 512 * 1024;
        let none = (Vec::new(), 0);
        // An older binary's commits have no lines.
        if self.legacy_present() {
            return none;
        }
        let Some((f, len)) = self.index_file() else {
            return none;
        };
        let n = len.min(WINDOW);
        let mut buf = vec![0u8; n as usize];
        if f.read_exact_at(&mut buf, 0).is_err() {
            return none;
        }
        let Some(mut ids) = super::index::head(&buf) else {
            return none;
        };
        ids.sort_unstable();
        ids.dedup_by_key(|e| e.0);
        // Ids 1, 2, 3 ... without a gap: a record whose line is not in the
        // window (a batch's id committed later, or committing now; a line
        // further out of order) is a gap, and the page ends before it. A
        // deleted record keeps its line, so deletions leave none.
        let mut out = Vec::with_capacity(FIRST_PAGE);
        let mut upto = 0;
        for (id, name) in ids {
            if out.len() == FIRST_PAGE || id != upto + 1 {
                break;
            }
            let path = self.record_dir(name);
            match Record::read_at(&path) {
                Ok(rec) if rec.meta.id == id => out.push(Listed {
                    summary: Summary::of(&rec.meta),
                    from: ListedFrom::Dir(path),
                }),
                // The name now holds a later record: this id is gone.
                Ok(_) => {}
                // Deleted.
                Err(_)
                    if fs::symlink_metadata(&path)
                        .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) => {}
                // Unreadable now (damaged, or in the middle of a change):
                // the catalog pass decides, from here on.
                Err(_) => break,
            }
            upto = id;
        }
        (out, upto)
    }
}

/// A row of the catalog pass: its id, directory, summary (to decode, or
/// decoded), and the inode that summary describes, when known.
type Pending<'a> = (u64, PathBuf, Row<'a>, Option<u64>);

/// Whether the directory `path` has the inode `ino`.
fn same_ino(path: &Path, ino: u64) -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::symlink_metadata(path).is_ok_and(|m| m.ino() == ino)
}

/// A page of rows decoded (see [`decode`]), a line that does not decode
/// read from its record.json; each row's inode as [`Pending`] has it; and
/// the records that could not be read.
fn decode_page(rows: Vec<Pending<'_>>) -> (Vec<Listed>, Vec<Option<u64>>, Vec<Error>) {
    let mut out = Vec::with_capacity(rows.len());
    let mut inos = Vec::with_capacity(rows.len());
    let mut skipped = Vec::new();
    for (id, path, row, ino) in rows {
        match decode(id, path, row) {
            Ok(l) => {
                out.push(l);
                inos.push(ino);
            }
            Err(path) => match reread(&path) {
                Ok(l) => {
                    out.push(l);
                    inos.push(None);
                }
                Err(e) => {
                    let name = path.file_name().and_then(|n| n.to_str());
                    skipped.push(damaged::skipped(name.unwrap_or_default(), &e));
                }
            },
        }
    }
    (out, inos, skipped)
}

/// The row's summary, or (its catalog line did not decode, or decoded
/// to another id) its directory, for the caller to read its record.json.
fn decode(id: u64, path: PathBuf, row: Row<'_>) -> std::result::Result<Listed, PathBuf> {
    let summary = match row {
        Row::Ready(s) => *s,
        Row::Line(line) => match CatalogLine::parse(line) {
            Some(CatalogLine::Put { summary, .. }) if summary.id == id => summary,
            _ => return Err(path),
        },
    };
    let mut summary = summary;
    summary.name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    Ok(Listed {
        summary,
        from: ListedFrom::Dir(path),
    })
}

/// A row whose catalog line did not decode, read from its directory.
fn reread(path: &Path) -> Result<Listed> {
    let rec = Record::read_at(path)?;
    Ok(Listed {
        summary: Summary::of(&rec.meta),
        from: ListedFrom::Dir(path.to_path_buf()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_scan_reads_what_the_catalog_writes_and_nothing_else() {
        let put =
            br#"{"op":"put","ino":42,"summary":{"id":7,"name":"web-1.x_y","description":null}}"#;
        match prefix(put) {
            Some(Prefix::Put { ino, id, name }) => {
                assert_eq!((ino, id, name), (42, 7, "web-1.x_y"));
            }
            _ => panic!("not read"),
        }
        let del = br#"{"op":"del","id":7,"name":"web"}"#;
        assert!(matches!(prefix(del), Some(Prefix::Del { name: "web" })));
        for other in [
            &br#"{"ino":42,"op":"put","summary":{"id":7,"name":"web"}}"#[..],
            br#"{"op":"put","ino":42,"summary":{"name":"web","id":7}}"#,
            br#"{"op":"put","ino":-1,"summary":{"id":7,"name":"web"}}"#,
            br#"{"op":"put","ino":42,"summary":{"id":7,"name":"we\"b"}}"#,
            br#"{"op":"put","ino":42,"summary":{"id":7,"name":"../x"}}"#,
            br#"{"op":"put","ino":99999999999999999999,"summary":{"id":7,"name":"web"}}"#,
            br#"{"op":"put","ino":42,"summary":{"id":7,"name":"web"#,
            br#"{"op":"put","ino":42,"summary":{"id":7,"name":"web","description":null"#,
        ] {
            assert!(
                prefix(other).is_none(),
                "{}",
                String::from_utf8_lossy(other)
            );
        }
    }

    #[test]
    fn the_last_line_of_a_name_wins_and_a_del_removes_it() {
        let text = concat!(
            r#"{"op":"put","ino":1,"summary":{"id":1,"name":"a"}}"#,
            "\n",
            r#"{"op":"put","ino":2,"summary":{"id":2,"name":"b"}}"#,
            "\n",
            r#"{"op":"put","ino":3,"summary":{"id":1,"name":"a"}}"#,
            "\n",
            r#"{"op":"del","id":2,"name":"b"}"#,
            "\n",
            r#"{"op":"put","ino":4,"summ"#,
        );
        let (map, lines) = scan(text.as_bytes());
        assert_eq!(lines, 5);
        assert_eq!(map.len(), 1);
        assert_eq!(map["a"].ino(), 3);
    }
}
