//! `--format text`: for people at a terminal.
//!
//! Terminal safety: every value that comes from a CSR is escaped before it
//! is printed, so a hostile request cannot recolour, retitle or clear the
//! terminal, nor reverse the text around it. C0 controls, DEL and C1
//! controls become `\xNN` (`\x1b` for ESC); the Unicode bidi controls and
//! line/paragraph separators become `\u{NNNN}` (`\u{202e}`); a backslash
//! is shown doubled (`\\`), so the output is unambiguous. IA5String names
//! (dNSName, rfc822Name, URI) whose bytes are not ASCII are shown byte by
//! byte, `\xNN` for each byte above 0x7e. The subject line is RFC 4514,
//! whose own `\XX` escapes already cover these characters. JSON output
//! carries the exact values.

use std::borrow::Cow;
use std::fmt::Write;

use super::{CertView, LintReport, Op, Options, RecordView, Shape};
use crate::cert::{self, days_left, Cert, CertSummary, Status};
use crate::csr::{ParsedCsr, ParsedSan, Verdict};
use crate::error::Result;
use crate::keystore::{Listed, RecordMeta, CERT_FILE, CHAIN_FILE};
use crate::lint::Severity;

/// The `text` shape: for people at a terminal (escaped values).
pub struct Text;

fn line(out: &mut String, label: &str, value: impl std::fmt::Display) {
    let _ = writeln!(out, "{:<20}{}", format!("{label}:"), value);
}

fn key_text(csr: &ParsedCsr) -> String {
    let k = &csr.key;
    let text = match &k.curve {
        Some(c) => format!("{} {}", k.algorithm, c),
        None if k.algorithm == "ED25519" => "Ed25519".to_string(),
        None if k.bits == 0 => k.algorithm.clone(),
        None => format!("{} {}", k.algorithm, k.bits),
    };
    match &k.restricted_to {
        Some(r) => format!("{text} ({r} only)"),
        None => text,
    }
}

fn protection(meta: &RecordMeta) -> &'static str {
    super::key_protection(meta.encrypted)
}

pub use crate::csr::term;

/// The bytes of an IA5String name: printable ASCII as is, everything else
/// (and the backslash) escaped.
fn term_bytes(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len() + 8);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(c)),
            _ => {
                let _ = write!(out, "\\x{c:02x}");
            }
        }
    }
    out
}

fn san_text(s: &ParsedSan) -> String {
    match &s.raw {
        Some(raw) => format!("{}:{}", s.kind, term_bytes(raw)),
        None => format!("{}:{}", s.kind, term(&s.value)),
    }
}

fn sans_text(sans: &[ParsedSan]) -> String {
    sans.iter().map(san_text).collect::<Vec<_>>().join(", ")
}

fn subject_text(csr: &ParsedCsr) -> String {
    if csr.subject.is_empty() {
        "(empty)".to_string()
    } else {
        // RFC 4514 escaping already turned control and bidi characters
        // into \XX pairs (and a backslash into \\).
        csr.subject_rfc4514()
    }
}

fn csr_text(out: &mut String, csr: &ParsedCsr) {
    line(out, "Subject", subject_text(csr));
    for ava in csr.subject.iter().flatten() {
        let _ = writeln!(
            out,
            "  {:<18}{}",
            format!("{}:", term(&ava.short)),
            term(&ava.value)
        );
    }
    if csr.sans.is_empty() {
        line(out, "SANs", "(none)");
    } else {
        line(out, "SANs", sans_text(&csr.sans));
    }
    if csr.extensions.is_empty() {
        line(out, "Extensions", "(none requested)");
    } else {
        let _ = writeln!(out, "Extensions:");
        for e in &csr.extensions {
            let crit = if e.critical { " (critical)" } else { "" };
            // SANs as on the SANs line: non-ASCII name bytes escaped.
            let value = match e.sans.as_ref().and_then(|r| csr.sans.get(r.clone())) {
                Some(names) => Cow::Owned(sans_text(names)),
                None => term(&e.value),
            };
            let _ = writeln!(out, "  {}{crit}: {value}", e.name);
        }
    }
    // The extension request is listed above; other attributes here.
    let attrs: Vec<_> = csr
        .attributes
        .iter()
        .filter(|a| a.name != "extensionRequest" && a.name != "msExtReq")
        .collect();
    if !attrs.is_empty() {
        line(out, "Attributes", "");
        for a in attrs {
            let _ = writeln!(out, "  {}: {}", a.name, term(&a.values.join("; ")));
        }
    }
    line(out, "Public key", key_text(csr));
    match &csr.signature_parameters {
        Some(p) => line(
            out,
            "Signature",
            format!("{} ({p})", csr.signature_algorithm),
        ),
        None => line(out, "Signature", &csr.signature_algorithm),
    }
    line(
        out,
        "Signature valid",
        match &csr.verdict {
            Verdict::Valid => "yes".to_string(),
            Verdict::Invalid => "NO - the signature does not verify".to_string(),
            Verdict::Unsupported(m) => format!("NOT CHECKED - {m}"),
            Verdict::Malformed(m) => format!("NOT CHECKED - malformed: {m}"),
        },
    );
    for w in &csr.warnings {
        line(out, "Warning", term(w));
    }
    line(out, "SHA-256", &csr.fingerprint_sha256);
    line(out, "SPKI SHA-256", &csr.spki_sha256);
}

fn meta_text(out: &mut String, meta: &RecordMeta) {
    line(out, "Record", format!("{} (id {})", meta.name, meta.id));
    line(out, "Revision", meta.revision);
    line(out, "Created", &meta.created);
    line(out, "Modified", &meta.modified);
    if let Some(d) = &meta.description {
        line(out, "Description", term(d));
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
        line(&mut out, "  Subject", subject_text(v.csr));
        if !v.csr.sans.is_empty() {
            line(&mut out, "  SANs", sans_text(&v.csr.sans));
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
        if let Some(c) = meta.and_then(|m| m.certificate.as_ref()) {
            cert_summary_text(&mut out, "Certificate", c, cert::now());
        } else if let Some(l) = meta.and_then(|m| m.live.as_ref()) {
            line(
                &mut out,
                "Status",
                "renewing: this CSR waits for its certificate; the live one stays in use",
            );
            cert_summary_text(&mut out, "Live certificate", &l.certificate, cert::now());
            line(
                &mut out,
                "  Stored with",
                format!("revision {}", l.revision),
            );
        }
        Ok(out.into_bytes())
    }
    fn download(&self, v: &RecordView<'_>, _d: bool, _o: Options) -> Result<Vec<u8>> {
        Ok(v.csr.pem().into_bytes())
    }
    fn list(&self, records: &[Listed], _o: Options) -> Result<Vec<u8>> {
        super::list::whole(super::list::TextList::new(), records)
    }
    fn list_stream(&self, _o: Options) -> Option<Box<dyn super::list::ListStream>> {
        Some(Box::new(super::list::TextList::new()))
    }
    fn delete(&self, meta: &RecordMeta, _o: Options) -> Result<Vec<u8>> {
        Ok(format!("Deleted record {} (id {})\n", meta.name, meta.id).into_bytes())
    }
    fn certificate(&self, v: &CertView<'_>, _o: Options) -> Result<Vec<u8>> {
        let mut out = String::new();
        let m = v.meta;
        if v.unchanged {
            let _ = writeln!(
                out,
                "Record {} (id {}) already holds this certificate; nothing changed",
                m.name, m.id
            );
        } else {
            let _ = writeln!(
                out,
                "Stored the certificate of record {} (id {}, revision {})",
                m.name, m.id, m.revision
            );
        }
        if let Some(c) = &m.certificate {
            cert_summary_text(&mut out, "Certificate", c, cert::now());
        }
        if let Some(dir) = v.dir {
            line(
                &mut out,
                "  Certificate file",
                dir.join(CERT_FILE).display(),
            );
            if m.certificate.as_ref().is_some_and(|c| !c.chain.is_empty()) {
                line(&mut out, "  Chain file", dir.join(CHAIN_FILE).display());
            }
        }
        Ok(out.into_bytes())
    }
    fn expiring(&self, rows: &[&Listed], now: i64, _o: Options) -> Result<Vec<u8>> {
        let mut out = String::new();
        if rows.is_empty() {
            return Ok(out.into_bytes());
        }
        let name_w = rows
            .iter()
            .map(|r| r.summary.name.chars().count())
            .max()
            .unwrap_or(4)
            .max(4);
        let _ = writeln!(
            out,
            "{:<6}  {:<name_w$}  {:<8}  {:<20}  DAYS",
            "ID", "NAME", "STATUS", "NOT AFTER"
        );
        for r in rows {
            let s = &r.summary;
            let na = s.not_after.as_deref().unwrap_or("-");
            let days = s
                .not_after
                .as_deref()
                .and_then(|t| days_left(t, now))
                .unwrap_or(0);
            let _ = writeln!(
                out,
                "{:<6}  {:<name_w$}  {:<8}  {:<20}  {days}",
                s.id,
                s.name,
                s.status(now).name(),
                na
            );
        }
        Ok(out.into_bytes())
    }
    fn lint(&self, reports: &[LintReport<'_>], _o: Options) -> Result<Vec<u8>> {
        Ok(lint_text(reports).into_bytes())
    }
    fn show_cert(&self, c: &Cert, more: &[Cert], _o: Options) -> Result<Vec<u8>> {
        let mut out = String::new();
        let now = cert::now();
        cert_text(&mut out, c, now);
        for (i, m) in more.iter().enumerate() {
            let _ = writeln!(out, "\nCertificate {} of {}:", i + 2, more.len() + 1);
            cert_text(&mut out, m, now);
        }
        Ok(out.into_bytes())
    }
}

/// Findings grouped by severity, errors first, under a line per report.
fn lint_text(reports: &[LintReport<'_>]) -> String {
    let mut out = String::new();
    for r in reports {
        let errors = r
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        let _ = writeln!(
            out,
            "{} ({}): {} finding{}, {errors} error{}",
            term(r.label),
            r.kind,
            r.findings.len(),
            if r.findings.len() == 1 { "" } else { "s" },
            if errors == 1 { "" } else { "s" },
        );
        for sev in [Severity::Error, Severity::Warning, Severity::Notice] {
            for f in r.findings.iter().filter(|f| f.severity == sev) {
                let _ = writeln!(out, "  {:<8}{}: {}", sev.name(), f.rule, term(&f.message));
                let _ = writeln!(out, "          source: {}", f.source);
            }
        }
    }
    out
}

fn validity_text(not_after: &str, now: i64) -> String {
    match days_left(not_after, now) {
        Some(d) if d < 0 => format!("{not_after} (expired {} days ago)", -d),
        Some(d) => format!("{not_after} ({d} days left)"),
        None => not_after.to_string(),
    }
}

/// A record's certificate, from its summary.
fn cert_summary_text(out: &mut String, title: &str, c: &CertSummary, now: i64) {
    line(out, title, Status::of(Some(&c.not_after), now).name());
    line(out, "  Subject", term(&c.subject));
    line(out, "  Issuer", term(&c.issuer));
    line(out, "  Serial", &c.serial);
    line(out, "  Not before", &c.not_before);
    line(out, "  Not after", validity_text(&c.not_after, now));
    if !c.sans.is_empty() {
        line(out, "  SANs", term(&c.sans.join(", ")));
    }
    let chain = if c.self_signed {
        "self-signed".to_string()
    } else if c.chain.is_empty() {
        "(none stored: the issuer was not found)".to_string()
    } else {
        format!(
            "{}{}",
            term(&c.chain.join(" <- ")),
            if c.chain_complete {
                " (complete)"
            } else {
                " (incomplete: no root)"
            }
        )
    };
    line(out, "  Chain", chain);
    line(out, "  SHA-256", &c.sha256);
}

/// A certificate read from a file.
fn cert_text(out: &mut String, c: &Cert, now: i64) {
    let (nb, na) = c.validity();
    line(out, "Subject", term(&cert::name_text(c.subject())));
    line(out, "Issuer", term(&cert::name_text(c.issuer())));
    line(
        out,
        "Serial",
        cert::hex_colon(c.x509.tbs_certificate().serial_number().as_bytes()),
    );
    line(out, "Not before", cert::rfc3339(nb));
    line(out, "Not after", validity_text(&cert::rfc3339(na), now));
    let sans = c.sans();
    line(
        out,
        "SANs",
        if sans.is_empty() {
            "(none)".into()
        } else {
            term(&sans.join(", ")).into_owned()
        },
    );
    let ku = c.key_usage_names();
    if !ku.is_empty() {
        line(out, "Key usage", ku.join(", "));
    }
    let eku = c.ext_key_usage_names();
    if !eku.is_empty() {
        line(out, "Extended key usage", eku.join(", "));
    }
    line(out, "CA", if c.is_ca() { "yes" } else { "no" });
    line(
        out,
        "Self-signed",
        if c.self_issued() && c.signed_by(c).unwrap_or(false) {
            "yes"
        } else {
            "no"
        },
    );
    line(out, "SHA-256", c.fingerprint());
    if let Ok(id) = c.spki_id() {
        line(out, "SPKI SHA-256", id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes() {
        assert_eq!(term("plain é 中"), "plain é 中");
        assert_eq!(
            term("x\u{1b}]0;pwned\u{7}\u{1b}[2J"),
            "x\\x1b]0;pwned\\x07\\x1b[2J"
        );
        assert_eq!(term("a\u{9b}b\u{7f}"), "a\\x9bb\\x7f");
        assert_eq!(term("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(term("a\\x1b"), "a\\\\x1b");
        assert_eq!(
            term_bytes(b"b\xc3\xbccher.example"),
            "b\\xc3\\xbccher.example"
        );
    }
}
