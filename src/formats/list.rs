//! `list` in csrkit's own shapes, page by page: the text table and the JSON
//! array are written as the rows arrive, so that a keystore which streams
//! its rows (PostgreSQL) shows the first row before the last is read, in
//! memory that does not grow with the keystore. A list rendered in one page
//! is byte-identical to one rendered whole. Vendor shapes wrap the list in
//! an envelope with counts and render it whole ([`super::Shape::list`]).
//!
//! Text: the column widths are those of the first page (every row when the
//! keystore reads them all at once, as the directory keystore does); a
//! later cell wider than its column pushes the rest of its row right.
//! Values from records are escaped for the terminal ([`crate::csr::term`]).
//! JSON: one array; values exact, with DEL, C1 and bidi controls written as
//! `\uXXXX` escapes.

use std::fmt::Write;

use serde::Serialize;

use crate::cert::{self, Status};
use crate::csr::{is_unsafe_char, term};
use crate::error::{Error, Result};
use crate::keystore::{Listed, Summary};

/// A list being written: [`ListStream::page`] for each page of rows, in id
/// order, then [`ListStream::finish`] once (also after zero rows).
pub trait ListStream {
    /// The bytes for one page of rows (the first page also writes the
    /// header or the opening bracket, even when it is empty).
    fn page(&mut self, rows: &[Listed]) -> Result<Vec<u8>>;
    /// The bytes that close the list.
    fn finish(&mut self) -> Result<Vec<u8>>;
}

/// Renders `rows` as one page.
pub fn whole(mut stream: impl ListStream, rows: &[Listed]) -> Result<Vec<u8>> {
    let mut out = stream.page(rows)?;
    out.extend(stream.finish()?);
    Ok(out)
}

const HEADER: [&str; 8] = [
    "ID", "NAME", "CN", "KEY", "CREATED", "REV", "STATUS", "EXPIRES",
];

/// The text table: `ID NAME CN KEY CREATED REV STATUS EXPIRES`, columns
/// padded to their widths with two spaces between them.
pub struct TextList {
    widths: Option<[usize; 7]>,
    now: i64,
    key: String,
}

impl TextList {
    pub fn new() -> TextList {
        TextList {
            widths: None,
            now: cert::now(),
            key: String::new(),
        }
    }
}

impl Default for TextList {
    fn default() -> Self {
        TextList::new()
    }
}

fn cn(s: &Summary) -> std::borrow::Cow<'_, str> {
    term(s.common_name.as_deref().unwrap_or("-"))
}

fn expires(s: &Summary) -> &str {
    s.not_after
        .as_deref()
        .map_or("-", |t| t.get(..10).unwrap_or(t))
}

/// Decimal digits of `n` (the width of `n.to_string()`).
fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

impl ListStream for TextList {
    fn page(&mut self, rows: &[Listed]) -> Result<Vec<u8>> {
        let now = self.now;
        let status = |s: &Summary| s.status(now).name();
        let key = &mut self.key;
        let first = self.widths.is_none();
        let w = *self.widths.get_or_insert_with(|| {
            // Two passes over the first page (widths, then the rows) into
            // one buffer: no allocation per cell.
            let mut w: [usize; 7] = std::array::from_fn(|i| HEADER[i].len());
            for s in rows.iter().map(|r| &r.summary) {
                key.clear();
                let _ = write!(key, "{}", s.key);
                let cells = [
                    digits(s.id),
                    term(&s.name).chars().count(),
                    cn(s).chars().count(),
                    key.chars().count(),
                    term(&s.created).chars().count(),
                    digits(u64::from(s.revision)),
                    status(s).len(),
                ];
                for (w, c) in w.iter_mut().zip(cells) {
                    *w = (*w).max(c);
                }
            }
            w
        });
        let mut out = String::with_capacity((rows.len() + 1) * (w.iter().sum::<usize>() + 24));
        let mut row = |c: [&dyn std::fmt::Display; 8]| {
            let _ = writeln!(
                out,
                "{:<w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {:<w4$}  {:<w5$}  {:<w6$}  {}",
                c[0],
                c[1],
                c[2],
                c[3],
                c[4],
                c[5],
                c[6],
                c[7],
                w0 = w[0],
                w1 = w[1],
                w2 = w[2],
                w3 = w[3],
                w4 = w[4],
                w5 = w[5],
                w6 = w[6],
            );
        };
        if first {
            row(HEADER.each_ref().map(|h| h as &dyn std::fmt::Display));
        }
        for s in rows.iter().map(|r| &r.summary) {
            key.clear();
            let _ = write!(key, "{}", s.key);
            row([
                &s.id,
                &term(&s.name),
                &cn(s),
                &*key,
                &term(&s.created),
                &s.revision,
                &status(s),
                &term(expires(s)),
            ]);
        }
        Ok(out.into_bytes())
    }

    fn finish(&mut self) -> Result<Vec<u8>> {
        if self.widths.is_none() {
            return self.page(&[]);
        }
        Ok(Vec::new())
    }
}

/// csrkit's JSON array of record summaries: the same keys, in the same
/// order, as a record's metadata (`show --format json`), plus `status`.
pub struct JsonList {
    pretty: bool,
    now: i64,
    /// Rows written so far (`None`: the opening bracket is not out yet).
    rows: Option<usize>,
}

impl JsonList {
    pub fn new(pretty: bool) -> JsonList {
        JsonList {
            pretty,
            now: cert::now(),
            rows: None,
        }
    }
}

#[derive(Serialize)]
struct Row<'a> {
    id: u64,
    name: &'a str,
    description: &'a Option<String>,
    created: &'a str,
    modified: &'a str,
    revision: u32,
    key: &'a crate::request::KeySpec,
    encrypted: bool,
    key_protection: &'static str,
    common_name: &'a Option<String>,
    subject: &'a str,
    status: Status,
    not_after: &'a Option<String>,
}

fn json_error(e: serde_json::Error) -> Error {
    Error::internal(format!("JSON encoding: {e}"))
}

impl ListStream for JsonList {
    fn page(&mut self, rows: &[Listed]) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(rows.len() * 400 + 4);
        let mut written = match self.rows {
            Some(n) => n,
            None => {
                out.push(b'[');
                0
            }
        };
        for r in rows {
            let s = &r.summary;
            let row = Row {
                id: s.id,
                name: &s.name,
                description: &s.description,
                created: &s.created,
                modified: &s.modified,
                revision: s.revision,
                key: &s.key,
                encrypted: s.encrypted,
                key_protection: super::key_protection(s.encrypted),
                common_name: &s.common_name,
                subject: &s.subject,
                status: s.status(self.now),
                not_after: &s.not_after,
            };
            if written > 0 {
                out.push(b',');
            }
            if self.pretty {
                // What serde_json's pretty printer writes for an element of
                // a top-level array: on its own line, indented one level.
                out.extend_from_slice(b"\n  ");
                let fmt = serde_json::ser::PrettyFormatter::with_indent(b"  ");
                let mut item = Vec::with_capacity(512);
                let mut ser = serde_json::Serializer::with_formatter(&mut item, fmt);
                row.serialize(&mut ser).map_err(json_error)?;
                for (i, line) in item.split(|b| *b == b'\n').enumerate() {
                    if i > 0 {
                        out.extend_from_slice(b"\n  ");
                    }
                    out.extend_from_slice(line);
                }
            } else {
                serde_json::to_writer(&mut out, &row).map_err(json_error)?;
            }
            written += 1;
        }
        self.rows = Some(written);
        Ok(terminal_safe(out))
    }

    fn finish(&mut self) -> Result<Vec<u8>> {
        let mut out = if self.rows.is_none() {
            self.page(&[])?
        } else {
            Vec::new()
        };
        if self.pretty && self.rows.is_some_and(|n| n > 0) {
            out.push(b'\n');
        }
        out.extend_from_slice(b"]\n");
        Ok(out)
    }
}

/// JSON whose strings hold no character a terminal acts on: serde_json
/// escapes C0 controls itself; DEL, C1 controls and bidi controls are
/// written as `\uXXXX` here. They only occur inside strings, and the
/// escape decodes to the same value: the output stays exact.
pub(super) fn terminal_safe(json: Vec<u8>) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(&json) else {
        return json;
    };
    // C0 controls are already escaped inside strings; outside them only
    // the layout's newlines and spaces occur.
    let unsafe_char = |c: char| c >= '\u{7f}' && is_unsafe_char(c);
    if !text.chars().any(unsafe_char) {
        return json;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.into_bytes()
}
