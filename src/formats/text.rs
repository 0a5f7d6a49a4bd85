//! `--format text`: for people at a terminal.

use std::fmt::Write;

use super::{Op, Options, RecordView, Shape};
use crate::csr::ParsedCsr;
use crate::error::Result;
use crate::keystore::{Listed, RecordMeta, Summary};

pub struct Text;

fn line(out: &mut String, label: &str, value: impl std::fmt::Display) {
    let _ = writeln!(out, "{:<20}{}", format!("{label}:"), value);
}

fn key_text(csr: &ParsedCsr) -> String {
    match &csr.key.curve {
        Some(c) => format!("{} {}", csr.key.algorithm, c),
        None if csr.key.algorithm == "ED25519" => "Ed25519".to_string(),
        None => format!("{} {}", csr.key.algorithm, csr.key.bits),
    }
}

fn protection(meta: &RecordMeta) -> &'static str {
    if meta.encrypted {
        "encrypted (PBES2: scrypt N=2^14 r=8 p=1, AES-256-CBC)"
    } else {
        "NOT encrypted (--no-passphrase)"
    }
}

fn csr_text(out: &mut String, csr: &ParsedCsr) {
    line(
        out,
        "Subject",
        if csr.subject.is_empty() {
            "(empty)".to_string()
        } else {
            csr.subject_rfc4514()
        },
    );
    for ava in csr.subject.iter().flatten() {
        let _ = writeln!(out, "  {:<18}{}", format!("{}:", ava.short), ava.value);
    }
    if csr.sans.is_empty() {
        line(out, "SANs", "(none)");
    } else {
        line(
            out,
            "SANs",
            csr.sans
                .iter()
                .map(|s| format!("{}:{}", s.kind, s.value))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    if csr.extensions.is_empty() {
        line(out, "Extensions", "(none requested)");
    } else {
        line(out, "Extensions", "");
        for e in &csr.extensions {
            let crit = if e.critical { " (critical)" } else { "" };
            let _ = writeln!(out, "  {}{crit}: {}", e.name, e.value);
        }
    }
    line(out, "Public key", key_text(csr));
    line(out, "Signature", &csr.signature_algorithm);
    line(
        out,
        "Signature valid",
        if csr.verified {
            "yes"
        } else {
            "NO - the signature does not verify"
        },
    );
    line(out, "SHA-256", &csr.fingerprint_sha256);
    line(out, "SPKI SHA-256", &csr.spki_sha256);
}

fn meta_text(out: &mut String, meta: &RecordMeta) {
    line(out, "Record", format!("{} (id {})", meta.name, meta.id));
    line(out, "Revision", meta.revision);
    line(out, "Created", &meta.created);
    line(out, "Modified", &meta.modified);
    if let Some(d) = &meta.description {
        line(out, "Description", d);
    }
    line(out, "Key protection", protection(meta));
}

impl Shape for Text {
    fn name(&self) -> &'static str {
        "text"
    }
    fn ops(&self) -> &'static [Op] {
        super::ALL_OPS
    }
    fn generate(&self, v: &RecordView<'_>, _o: Options) -> Result<Vec<u8>> {
        let mut out = String::new();
        let verb = if v.meta.revision > 1 {
            "Regenerated"
        } else {
            "Created"
        };
        let _ = writeln!(
            out,
            "{verb} record {} (id {}, revision {})",
            v.meta.name, v.meta.id, v.meta.revision
        );
        line(
            &mut out,
            "  Subject",
            if v.csr.subject.is_empty() {
                "(empty)".into()
            } else {
                v.csr.subject_rfc4514()
            },
        );
        if !v.csr.sans.is_empty() {
            line(
                &mut out,
                "  SANs",
                v.csr
                    .sans
                    .iter()
                    .map(|s| format!("{}:{}", s.kind, s.value))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        line(
            &mut out,
            "  Key",
            format!("{}, {}", key_text(v.csr), protection(v.meta)),
        );
        if let Some(dir) = v.dir {
            line(&mut out, "  CSR", dir.join("csr.pem").display());
            line(&mut out, "  Private key", dir.join("key.pem").display());
        }
        Ok(out.into_bytes())
    }
    fn show(&self, meta: Option<&RecordMeta>, csr: &ParsedCsr, _o: Options) -> Result<Vec<u8>> {
        let mut out = String::new();
        if let Some(m) = meta {
            meta_text(&mut out, m);
        }
        csr_text(&mut out, csr);
        Ok(out.into_bytes())
    }
    fn download(&self, v: &RecordView<'_>, _d: bool, _o: Options) -> Result<Vec<u8>> {
        Ok(v.csr.pem().into_bytes())
    }
    fn list(&self, records: &[Listed], _o: Options) -> Result<Vec<u8>> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        // Two passes over the summaries (column widths, then the padded
        // rows) into one buffer: no allocation per cell (10,000 rows made
        // 120,000 small strings before).
        let key = |buf: &mut String, s: &Summary| {
            buf.clear();
            let _ = write!(buf, "{}", s.key);
        };
        fn cn(s: &Summary) -> &str {
            s.common_name.as_deref().unwrap_or("-")
        }
        let header = ["ID", "NAME", "CN", "KEY", "CREATED", "REV"];
        let mut w = header.map(str::len);
        let mut buf = String::new();
        for s in records.iter().map(|r| &r.summary) {
            key(&mut buf, s);
            let cells = [
                digits(s.id),
                s.name.chars().count(),
                cn(s).chars().count(),
                buf.chars().count(),
                s.created.chars().count(),
            ];
            for (w, c) in w.iter_mut().zip(cells) {
                *w = (*w).max(c);
            }
        }
        let mut out = String::with_capacity((records.len() + 1) * (w.iter().sum::<usize>() + 16));
        // Each column padded to its width, two spaces between columns,
        // none after the last.
        let mut row = |c: [&dyn std::fmt::Display; 6]| {
            let _ = writeln!(
                out,
                "{:<w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {:<w4$}  {}",
                c[0],
                c[1],
                c[2],
                c[3],
                c[4],
                c[5],
                w0 = w[0],
                w1 = w[1],
                w2 = w[2],
                w3 = w[3],
                w4 = w[4],
            );
        };
        row(header.each_ref().map(|h| h as &dyn std::fmt::Display));
        for s in records.iter().map(|r| &r.summary) {
            key(&mut buf, s);
            row([&s.id, &s.name, &cn(s), &buf, &s.created, &s.revision]);
        }
        Ok(out.into_bytes())
    }
    fn delete(&self, meta: &RecordMeta, _o: Options) -> Result<Vec<u8>> {
        Ok(format!("Deleted record {} (id {})\n", meta.name, meta.id).into_bytes())
    }
}

/// Decimal digits of `n` (the width of `n.to_string()`).
fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}
