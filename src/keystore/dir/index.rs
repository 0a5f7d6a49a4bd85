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
//! lock. This room owns the file; what a commit writes is `dir`'s.

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
    fn legacy_present(&self) -> bool {
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

    /// The name the index gives for an id (the newest sound line;
    /// unchecked against the record, which the caller reads). Only the
    /// lines are split and each id compared; a checksum is computed only
    /// for a line that names the id.
    pub(super) fn index_name_of(&self, id: u64) -> Option<String> {
        let data = self.index_bytes()?;
        let want = id.to_string();
        let found = lines(&data)?
            .rev()
            .filter(|l| {
                l.get(17..)
                    .and_then(|b| b.split(|c| *c == b' ').next())
                    .is_some_and(|i| i == want.as_bytes())
            })
            .find_map(|l| {
                parse_line(l)
                    .filter(|e| e.id == id)
                    .map(|e| e.name.to_string())
            });
        found
    }
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
}
