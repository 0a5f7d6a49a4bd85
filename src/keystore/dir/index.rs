//! The directory keystore's key and id index: `records/.index`, one
//! append-only, checksummed log naming, for every committed record, its
//! id, the SHA-256 of its key's SubjectPublicKeyInfo and its name.
//!
//! It is authoritative for keys: a commit appends its line (one `write(2)`,
//! under the keystore lock) and makes it durable in the same flush as the
//! record's files, *before* the rename that makes the record visible, so
//! every record that survives a crash has its line. A lookup that finds no
//! line for a key therefore proves that no record holds it (`import` of a
//! stray certificate answers without scanning). Lines for commits that
//! never landed, or for records since deleted or rekeyed, are harmless:
//! every name the index gives is checked against the record it names.
//!
//! The index is trusted only when it is whole: its header is this
//! version's, every complete line's checksum (FNV-1a 64) matches and its
//! name is a valid record name, no line says "key unknown", and no older
//! binary has written since it was built (binaries of 0.1 before this
//! index kept `records/.spki/` and `records/.ids/`; their presence means
//! one did). A torn last line (a crash, or a commit in progress) is
//! ignored: its record has not landed. Otherwise lookups scan the records,
//! as before, and the next writer rebuilds the index from them under the
//! lock. A lookup by id does not read the whole file: ids grow with commit
//! order, so [`seek_id`] binary-searches it with small positioned reads.
//! This room owns the file; what a commit writes is `dir`'s.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

use super::DirStore;
use crate::error::{io_at, Result};
use crate::keystore::io::{atomic_write, nofollow_read_any};
use crate::keystore::{Listed, RecordMeta};

/// The index, inside `records/`.
pub(super) const INDEX: &str = ".index";
/// Its first line.
const HEADER: &str = "csrkit-index 1\n";
/// What binaries before the index kept (one file per entry); their
/// presence means the index may lack their commits.
const LEGACY: [&str; 2] = [".spki", ".ids"];

/// One line of the index, borrowed from the file's bytes.
pub(super) struct Entry<'a> {
    pub(super) id: u64,
    /// 64 lowercase hex digits; empty when the key is unknown.
    pub(super) spki: &'a [u8],
    pub(super) name: &'a str,
}

/// A key hash as the index holds it: colon hex (as `RecordMeta`) to 64
/// lowercase hex digits; `None` for anything else.
pub(super) fn spki_key(spki_sha256: &str) -> Option<String> {
    let hex: String = spki_sha256
        .chars()
        .filter(|c| *c != ':')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hex)
}

/// A 64-bit checksum of a line, eight bytes a step (a multiply-xorshift
/// mix): detects torn and damaged lines, not an attacker, who would need
/// write access to a 0700 directory anyway. Byte-wise FNV-1a was most of
/// a lookup's time at 100,000 records.
fn checksum(data: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = 0x243f_6a88_85a3_08d3 ^ (data.len() as u64);
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        h = (h ^ w).wrapping_mul(K);
        h ^= h >> 29;
    }
    let mut last = [0u8; 8];
    last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h ^ u64::from_le_bytes(last)).wrapping_mul(K);
    h ^ (h >> 32)
}

/// The line for a record: `<checksum> <id> <spki|-> <name>\n`.
fn line(id: u64, spki: Option<&str>, name: &str) -> Vec<u8> {
    let body = format!("{id} {} {name}", spki.unwrap_or("-"));
    format!("{:016x} {body}\n", checksum(body.as_bytes())).into_bytes()
}

fn hex16(b: &[u8]) -> Option<u64> {
    if b.len() != 16 {
        return None;
    }
    u64::from_str_radix(std::str::from_utf8(b).ok()?, 16).ok()
}

/// Parses one complete line, its checksum checked; `None` when damaged.
fn parse_line(l: &[u8]) -> Option<Entry<'_>> {
    let (sum, body) = (l.get(..16)?, l.get(17..)?);
    if l[16] != b' ' || hex16(sum)? != checksum(body) {
        return None;
    }
    let mut parts = body.splitn(3, |b| *b == b' ');
    let id = std::str::from_utf8(parts.next()?).ok()?.parse().ok()?;
    let spki = parts.next()?;
    let name = std::str::from_utf8(parts.next()?).ok()?;
    crate::request::validate_name(name).ok()?;
    let spki = match spki {
        b"-" => &[][..],
        s if s.len() == 64 && s.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) => s,
        _ => return None,
    };
    Some(Entry { id, spki, name })
}

/// The complete lines of the index file's bytes (a last line without its
/// newline is a torn or in-flight append, left out), or `None` without
/// this version's header.
fn lines(data: &[u8]) -> Option<impl DoubleEndedIterator<Item = &[u8]>> {
    let body = data.strip_prefix(HEADER.as_bytes())?;
    let whole = match body.iter().rposition(|b| *b == b'\n') {
        Some(i) => &body[..i],
        None => &[][..],
    };
    Some(whole.split(|b| *b == b'\n').filter(|l| !l.is_empty()))
}

/// Every line of the file, each passed to `each`, and whether the index
/// is whole: its header is this version's, every complete line is sound
/// and knows its record's key (see the module doc).
pub(super) fn scan<'a>(data: &'a [u8], mut each: impl FnMut(&Entry<'a>)) -> bool {
    let Some(lines) = lines(data) else {
        return false;
    };
    let mut whole = true;
    for l in lines {
        match parse_line(l) {
            Some(e) => {
                whole &= !e.spki.is_empty();
                each(&e);
            }
            None => whole = false,
        }
    }
    whole
}

impl DirStore {
    fn index_path(&self) -> PathBuf {
        self.records_dir().join(INDEX)
    }

    /// Whether a binary that kept the older per-entry indexes has written.
    pub(super) fn legacy_present(&self) -> bool {
        LEGACY
            .iter()
            .any(|d| fs::symlink_metadata(self.records_dir().join(d)).is_ok())
    }

    /// The index file's bytes (`None`: none), and whether an older
    /// binary has written since it was built.
    fn index_bytes(&self) -> Option<Vec<u8>> {
        nofollow_read_any(&self.index_path()).ok()
    }

    /// Rebuilds the index from the records (the catalog, checked against
    /// each directory), durably, then removes the older per-entry indexes
    /// (a link is removed, never followed). Called with the lock held.
    pub(super) fn index_rebuild(&self, records: &[Listed]) -> Result<()> {
        let mut out = HEADER.as_bytes().to_vec();
        for r in records {
            let spki = match &r.summary.spki_sha256 {
                Some(s) => spki_key(s),
                // Written before records kept it: ask the CSR.
                None => r
                    .record()
                    .ok()
                    .and_then(|rec| rec.parsed_csr().ok())
                    .and_then(|c| spki_key(&c.spki_sha256)),
            };
            out.extend(line(r.summary.id, spki.as_deref(), &r.summary.name));
        }
        atomic_write(&self.index_path(), &out, 0o600)?;
        for d in LEGACY {
            let p = self.records_dir().join(d);
            match fs::symlink_metadata(&p) {
                Ok(m) if m.is_dir() => {
                    let _ = fs::remove_dir_all(&p);
                }
                Ok(_) => {
                    let _ = fs::remove_file(&p);
                }
                Err(_) => {}
            }
        }
        Ok(())
    }

    /// Appends the lines of records about to land (called with the lock
    /// held, before their rename). The index is rebuilt first when it is
    /// missing, of another version, or an older binary has written; a
    /// torn tail (a crash mid-append, whose record never landed) is cut.
    /// Only the file's head and tail are read here, so a commit costs the
    /// same at any size; damage inside the file is found by readers, which
    /// then rebuild it ([`DirStore::index_repair`]). Returns the open
    /// file, whose data the caller makes durable before the rename, and
    /// its length before the append (for [`DirStore::index_rollback`]).
    /// `records` lists the keystore when a rebuild needs it.
    pub(super) fn index_append(
        &self,
        metas: &[(&RecordMeta, Option<String>)],
        records: &dyn Fn() -> Result<Vec<Listed>>,
    ) -> Result<(File, u64)> {
        use std::os::unix::fs::FileExt;
        let path = self.index_path();
        let open = || {
            OpenOptions::new()
                .read(true)
                .write(true)
                .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
                .open(&path)
        };
        let mut head = [0u8; HEADER.len()];
        let current = open().ok().filter(|f| {
            f.metadata().is_ok_and(|m| m.is_file())
                && f.read_exact_at(&mut head, 0).is_ok()
                && head == *HEADER.as_bytes()
                && !self.legacy_present()
        });
        let f = match current {
            Some(f) => f,
            None => {
                self.index_rebuild(&records()?)?;
                open().map_err(|e| io_at(&path, e))?
            }
        };
        let mut len = f.metadata().map_err(|e| io_at(&path, e))?.len();
        // Cut a torn tail: whatever follows the last newline (a line is
        // far shorter than the 4 KiB read).
        let from = len.saturating_sub(4096);
        let mut tail = vec![0u8; (len - from) as usize];
        f.read_exact_at(&mut tail, from)
            .map_err(|e| io_at(&path, e))?;
        let keep = tail
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(from, |i| from + i as u64 + 1)
            .max(HEADER.len() as u64);
        if keep < len {
            f.set_len(keep).map_err(|e| io_at(&path, e))?;
            len = keep;
        }
        let mut buf = Vec::with_capacity(metas.len() * 110);
        for (meta, spki) in metas {
            let spki = spki
                .as_deref()
                .or(meta.spki_sha256.as_deref())
                .and_then(spki_key);
            buf.extend(line(meta.id, spki.as_deref(), &meta.name));
        }
        // One positioned write at the end, under the lock: lines never
        // interleave.
        f.write_all_at(&buf, len).map_err(|e| io_at(&path, e))?;
        (&f).flush().map_err(|e| io_at(&path, e))?;
        Ok((f, len))
    }

    /// Rebuilds an index that a reader found not whole, if the keystore
    /// lock is free right now (best effort: the next writer does it
    /// otherwise). The records are listed under the lock, so no commit
    /// can land between the listing and the new index.
    pub(super) fn index_repair(&self) {
        if fs::symlink_metadata(self.records_dir()).is_err() {
            return;
        }
        let now = DirStore::new(self.root.clone(), std::time::Duration::ZERO);
        if let Ok(_lock) = now.lock() {
            if let Ok(records) = crate::keystore::Store::list(&now) {
                let _ = now.index_rebuild(&records);
            }
        }
    }

    /// Undoes the append of a commit that failed, so that a refused
    /// command leaves the keystore byte-for-byte as it was.
    pub(super) fn index_rollback(&self, f: &File, len: u64) {
        let _ = f.set_len(len);
    }

    /// The names the index gives for a key (newest first, unchecked), and
    /// whether that list is complete.
    pub(super) fn index_names_for(&self, spki_sha256: &str) -> (Vec<String>, bool) {
        let (Some(data), Some(key)) = (self.index_bytes(), spki_key(spki_sha256)) else {
            return (Vec::new(), false);
        };
        let mut names: Vec<String> = Vec::new();
        let whole = scan(&data, |e| {
            if e.spki == key.as_bytes() && !names.iter().any(|n| n == e.name) {
                names.push(e.name.to_string());
            }
        });
        names.reverse();
        (names, whole && !self.legacy_present())
    }

    /// The names the index gives for an id, newest first (unchecked
    /// against the records, which the caller reads). The lines are found
    /// by [`seek_id`] (a few small reads, at any size); when that finds
    /// none, the whole file is read and every line compared, newest
    /// first. A damaged line seen on the way means the index is not
    /// whole: it is rebuilt ([`DirStore::index_repair`]).
    pub(super) fn index_names_of(&self, id: u64) -> Vec<String> {
        use std::os::unix::fs::FileExt;
        let Some((f, len)) = self.index_file() else {
            return Vec::new();
        };
        let read = |at: u64, n: u64| -> Option<Vec<u8>> {
            let mut buf = vec![0u8; n as usize];
            f.read_exact_at(&mut buf, at).ok()?;
            Some(buf)
        };
        let found = seek_id(&read, len, id);
        if found.damaged {
            self.index_repair();
        }
        if !found.names.is_empty() {
            return found.names;
        }
        drop(f);
        self.index_name_of(id).into_iter().collect()
    }

    /// The index file opened for positioned reads (never through a link,
    /// never a FIFO's open blocking) and its length; `None` when there is
    /// no regular file.
    pub(super) fn index_file(&self) -> Option<(File, u64)> {
        let f = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK)
            .open(self.index_path())
            .ok()?;
        let len = f.metadata().ok().filter(|m| m.is_file())?.len();
        Some((f, len))
    }

    /// The name the newest sound line gives for an id, by reading the
    /// whole file. Only the lines are split and each id compared; a
    /// checksum is computed only for a line that names the id.
    fn index_name_of(&self, id: u64) -> Option<String> {
        let data = self.index_bytes()?;
        let want = id.to_string();
        let found = lines(&data)?
            .rev()
            .filter(|l| line_id_is(l, want.as_bytes()))
            .find_map(|l| {
                parse_line(l)
                    .filter(|e| e.id == id)
                    .map(|e| e.name.to_string())
            });
        found
    }
}

/// The (id, name) of every complete line of the index's first bytes `buf`
/// (read from offset 0), in file order. `None` without this version's
/// header or with a damaged line: the caller then does without the index.
/// (A line whose key is unknown still names its id and record truly.)
pub(super) fn head(buf: &[u8]) -> Option<Vec<(u64, &str)>> {
    lines(buf)?
        .map(|l| parse_line(l).map(|e| (e.id, e.name)))
        .collect()
}

/// Whether a line's id field (unchecked) is `want`.
fn line_id_is(l: &[u8], want: &[u8]) -> bool {
    l.get(17..)
        .and_then(|b| b.split(|c| *c == b' ').next())
        .is_some_and(|i| i == want)
}

/// Bytes read per probe of [`seek_id`]: a line is at most 168 bytes
/// (names are at most 64), so a probe holds many whole lines.
const PROBE: u64 = 4096;
/// How far either side of the point where [`seek_id`]'s search ends its
/// last read reaches, for ids that landed out of order: a batch spends
/// ids in blocks of 1,024 (about 110 KiB of lines), and concurrent
/// batches interleave their blocks.
const SLACK: u64 = 256 * 1024;

/// What [`seek_id`] found.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Seek {
    /// The names of the sound lines for the id, newest first.
    pub(super) names: Vec<String>,
    /// Whether a complete line failed its checksum or was not a line.
    pub(super) damaged: bool,
}

/// The first sound line that starts at or after `pos` and ends within
/// `buf` (the bytes from `pos - 1`, so a line starting at `pos` follows
/// the newline before it): its offset from `pos - 1` and its id. Lines
/// are resynchronized on newlines; a damaged one is skipped and noted.
fn first_sound(buf: &[u8], damaged: &mut bool) -> Option<(usize, u64)> {
    let mut at = buf.iter().position(|b| *b == b'\n')? + 1;
    while let Some(n) = buf[at..].iter().position(|b| *b == b'\n') {
        let l = &buf[at..at + n];
        match parse_line(l) {
            Some(e) => return Some((at, e.id)),
            None => *damaged |= !l.is_empty(),
        }
        at += n + 1;
    }
    None
}

/// The lines for `id` in an index file of `len` bytes read through
/// `read(offset, length)`, without reading the whole file: ids grow with
/// commit order, so a binary search over byte offsets, each probe one
/// small read resynchronized on a newline and checked line by line,
/// narrows the file to one probe's width; that stretch and [`SLACK`]
/// either side are then read and every line naming the id kept
/// (checksummed). Only complete lines count (a torn tail is never
/// read as a line). Ids out of order beyond the slack, or a file
/// without this version's header, give no names: the caller then reads
/// the whole file.
pub(super) fn seek_id(read: &dyn Fn(u64, u64) -> Option<Vec<u8>>, len: u64, id: u64) -> Seek {
    let mut out = Seek::default();
    let start = HEADER.len() as u64;
    if len <= start || read(0, start).as_deref() != Some(HEADER.as_bytes()) {
        return out;
    }
    // Invariant: the first line with an id >= `id` starts in [lo, hi),
    // as far as the ids are in order.
    let (mut lo, mut hi) = (start, len);
    while hi - lo > PROBE {
        let mid = lo + (hi - lo) / 2;
        // The first sound line from `mid` on, before `hi` (reading on past
        // damaged stretches; windows overlap by more than a line).
        let mut probe = None;
        let mut p = mid;
        while probe.is_none() && p < hi {
            let Some(buf) = read(p - 1, PROBE.min(len - p + 1)) else {
                return out;
            };
            probe = first_sound(&buf, &mut out.damaged)
                .map(|(at, m)| (p - 1 + at as u64, m))
                .filter(|(at, _)| *at < hi);
            p += PROBE / 2;
        }
        match probe {
            Some((at, m)) if m < id => lo = at,
            _ => hi = mid,
        }
    }
    let from = lo.saturating_sub(SLACK).max(start);
    let to = hi.saturating_add(SLACK + PROBE).min(len);
    let Some(buf) = read(from - 1, to - from + 1) else {
        return out;
    };
    let want = id.to_string();
    // Lines start after each newline; the last newline ends the last
    // complete line (the bytes after it may be a torn tail).
    let Some(first) = buf.iter().position(|b| *b == b'\n') else {
        return out;
    };
    let last = buf.iter().rposition(|b| *b == b'\n').unwrap_or(first);
    if last <= first {
        return out;
    }
    for l in buf[first + 1..last].split(|b| *b == b'\n').rev() {
        if !line_id_is(l, want.as_bytes()) {
            continue;
        }
        match parse_line(l) {
            Some(e) if e.id == id => {
                if !out.names.iter().any(|n| n == e.name) {
                    out.names.push(e.name.to_string());
                }
            }
            Some(_) => {}
            None => out.damaged = true,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(data: &[u8]) -> (Vec<(u64, String)>, bool) {
        let mut got = Vec::new();
        let whole = scan(data, |e| got.push((e.id, e.name.to_string())));
        (got, whole)
    }

    #[test]
    fn lines_round_trip_and_damage_is_seen() {
        let spki = "ab".repeat(32);
        let mut data = HEADER.as_bytes().to_vec();
        data.extend(line(7, Some(&spki), "web"));
        assert_eq!(read(&data), (vec![(7, "web".to_string())], true));
        // A torn last line is left out, the index still whole.
        let mut torn = data.clone();
        torn.extend(&line(8, Some(&spki), "two")[..20]);
        assert_eq!(read(&torn), (vec![(7, "web".to_string())], true));
        // A damaged complete line makes it not whole.
        let mut bad = data.clone();
        let n = bad.len();
        bad[n - 3] ^= 1;
        assert!(!read(&bad).1);
        // A line whose key is unknown: not whole (a miss proves nothing).
        let mut unknown = data.clone();
        unknown.extend(line(9, None, "old"));
        assert!(!read(&unknown).1);
        // No header: not whole.
        assert!(!read(&line(7, Some(&spki), "web")).1);
        // A name that is not a record name is never taken.
        let mut evil = data.clone();
        evil.extend(line(10, Some(&spki), "../x"));
        assert!(!read(&evil).1);
    }

    fn file(ids: impl IntoIterator<Item = u64>) -> Vec<u8> {
        let spki = "cd".repeat(32);
        let mut data = HEADER.as_bytes().to_vec();
        for id in ids {
            data.extend(line(id, Some(&spki), &format!("n{id}")));
        }
        data
    }

    fn seek(data: &[u8], id: u64) -> Seek {
        let read = |at: u64, n: u64| data.get(at as usize..(at + n) as usize).map(<[u8]>::to_vec);
        seek_id(&read, data.len() as u64, id)
    }

    fn found(names: &[&str]) -> Seek {
        Seek {
            names: names.iter().map(|n| n.to_string()).collect(),
            damaged: false,
        }
    }

    /// Every id of a large, ordered index is found by the seek, and only
    /// the stretch around it is read; an id with no line gives none.
    #[test]
    fn seek_finds_every_id_and_misses_cleanly() {
        let data = file(1..=20_000);
        assert!(data.len() as u64 > 4 * SLACK);
        for id in (1..=20_000).step_by(97).chain([1, 20_000]) {
            assert_eq!(seek(&data, id), found(&[&format!("n{id}")]), "{id}");
        }
        for id in [0, 20_001, u64::MAX] {
            assert_eq!(seek(&data, id), Seek::default(), "{id}");
        }
        // Lines for the same id near each other (a new revision, its new
        // key): both names, newest first.
        let mut again = file(1..=10_000);
        again.extend(line(9_000, Some(&"ef".repeat(32)), "other"));
        again.extend(file(10_001..=20_000).split_off(HEADER.len()));
        assert_eq!(seek(&again, 9_000).names, ["other", "n9000"]);
        // Nothing but a header, or no header.
        assert_eq!(seek(HEADER.as_bytes(), 1), Seek::default());
        assert_eq!(seek(&data[HEADER.len()..], 5), Seek::default());
    }

    /// Concurrent batches interleave their blocks of 1,024 ids (groups of
    /// a few hundred lines): every id is still found.
    #[test]
    fn seek_finds_ids_of_interleaved_batches() {
        let mut ids = Vec::new();
        for block in 0..10u64 {
            let (a, b) = (block * 2048 + 1, block * 2048 + 1025);
            for g in 0..4 {
                ids.extend(a + g * 256..a + (g + 1) * 256);
                ids.extend(b + g * 256..b + (g + 1) * 256);
            }
        }
        // And a stretch of 64 single commits whose ids were spent by a
        // batch that began earlier.
        ids.extend(30_000..30_064);
        ids.extend(20_481..20_545);
        let data = file(ids.iter().copied());
        for id in ids.iter().copied().step_by(19) {
            assert_eq!(seek(&data, id), found(&[&format!("n{id}")]), "{id}");
        }
    }

    /// A damaged line where a probe lands is skipped (the search goes on
    /// from the next sound line) and reported, so the index is rebuilt;
    /// other ids are still found, and the damaged line's id is not taken
    /// from it.
    #[test]
    fn seek_skips_and_reports_a_damaged_probe_line() {
        let mut data = file(1..=20_000);
        // Damage every line the first probes can land in: the middle
        // 8 KiB.
        let mid = data.len() / 2;
        for b in &mut data[mid - 4096..mid + 4096] {
            if b.is_ascii_lowercase() {
                *b = b'z';
            }
        }
        let mut intact = std::collections::HashSet::new();
        assert!(!scan(&data, |e| {
            intact.insert(e.id);
        }));
        assert!(intact.len() < 20_000);
        let mut damaged = 0;
        for id in (1..=20_000).step_by(101) {
            let got = seek(&data, id);
            damaged += usize::from(got.damaged);
            assert_eq!(got.names.is_empty(), !intact.contains(&id), "{id}");
        }
        assert!(damaged > 0);
    }

    /// A torn last line is never read as a line, and the lines before it
    /// are found.
    #[test]
    fn seek_ignores_a_torn_tail() {
        let mut data = file(1..=5_000);
        let torn = line(5_001, Some(&"cd".repeat(32)), "n5001");
        data.extend(&torn[..torn.len() - 1]);
        assert_eq!(seek(&data, 5_001), Seek::default());
        assert_eq!(seek(&data, 5_000), found(&["n5000"]));
        // Cut inside the checksum, or one byte in.
        let mut short = file(1..=5_000);
        short.extend(&torn[..1]);
        assert_eq!(seek(&short, 4_999), found(&["n4999"]));
    }

    /// An id far out of order (a record copied in with its old id) is
    /// not found by the seek, which leaves it to a read of the whole file.
    #[test]
    fn seek_leaves_far_out_of_order_ids_to_a_full_read() {
        let mut data = file(10..=20_000);
        data.extend(line(3, Some(&"cd".repeat(32)), "copied"));
        assert_eq!(seek(&data, 3), Seek::default());
        let mut names = Vec::new();
        scan(&data, |e| {
            if e.id == 3 {
                names.push(e.name);
            }
        });
        assert_eq!(names, ["copied"]);
    }
}
