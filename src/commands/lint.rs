//! `csrkit lint`: a record's CSR (and certificate), a file, or the whole
//! keystore checked against the default rules and the profiles asked for;
//! exit 10 when any finding is an error. Also the advice `generate` and
//! `regenerate` print on stderr.

use super::common::{read_input, Ctx, Done};
use crate::cert::bundle;
use crate::cli::{self, FormatArg};
use crate::csr::{self, Verdict};
use crate::error::{Error, Kind, Result};
use crate::formats::{self, LintReport};
use crate::lint::{self, Finding, Profile, Severity, Target};

/// The profile a `--format` implies (vendor formats; none for csrkit's own).
fn profile_of(format: FormatArg) -> Option<Profile> {
    match format {
        FormatArg::Vendor(crate::vendors::Vendor::Arcgis) => {
            Some(Profile::Vendor(crate::vendors::Vendor::Arcgis))
        }
        FormatArg::Vendor(crate::vendors::Vendor::Qradar) => {
            Some(Profile::Vendor(crate::vendors::Vendor::Qradar))
        }
        FormatArg::Vendor(crate::vendors::Vendor::Sbc) => {
            Some(Profile::Vendor(crate::vendors::Vendor::Sbc))
        }
        FormatArg::Vendor(crate::vendors::Vendor::Nsx) => {
            Some(Profile::Vendor(crate::vendors::Vendor::Nsx))
        }
        FormatArg::Vendor(crate::vendors::Vendor::Xclarity) => {
            Some(Profile::Vendor(crate::vendors::Vendor::Xclarity))
        }
        _ => None,
    }
}

/// Lines for stderr after `generate`/`regenerate`: the findings on the CSR
/// just made under the default rules and the `--format`'s profile.
pub(super) fn advice(format: FormatArg, csr_der: &[u8]) -> Vec<String> {
    let Ok(t) = Target::from_csr(csr_der) else {
        return Vec::new();
    };
    let profiles: Vec<Profile> = profile_of(format).into_iter().collect();
    lint::lint(&t, &profiles)
        .into_iter()
        .map(|f| format!("lint: {} {}: {}", f.severity.name(), f.rule, f.message))
        .collect()
}

/// A finding csrkit's own reader makes (not a rule of `lint::rules`).
fn finding(rule: &'static str, source: &'static str, message: String) -> Finding {
    Finding {
        rule,
        severity: Severity::Error,
        message,
        source,
    }
}

/// The findings on a CSR (DER or BER as received): its signature checked
/// as `show` checks it (a CA refuses a request whose signature does not
/// verify, or that it cannot check), then the rules. A request OpenSSL
/// reads but that is not DER is one error finding, since the rules read
/// DER. Errors: bytes that are no CSR at all (exit 2).
fn csr_findings(der: &[u8], profiles: &[Profile]) -> Result<Vec<Finding>> {
    let parsed = csr::parse(der);
    let mut out = match Target::from_csr(der) {
        Ok(t) => lint::lint(&t, profiles),
        Err(_) => match &parsed {
            Ok(_) => vec![finding(
                "csr.not_der",
                "RFC 2986 §4 (DER), X.690 §10",
                "the request is BER, not DER (OpenSSL reads it; a CA that decodes DER \
                 strictly refuses it): regenerate it"
                    .into(),
            )],
            // Not a CSR: the same words as `show --file` (csrkit's own
            // reader), not the DER decoder's.
            Err(pe) => return Err(pe.clone()),
        },
    };
    if let Ok(p) = &parsed {
        match &p.verdict {
            Verdict::Valid => {}
            Verdict::Invalid => out.insert(
                0,
                finding(
                    "sig.invalid",
                    "RFC 2986 §4.2",
                    "the signature does not verify: the request was altered, or signed with \
                     another key"
                        .into(),
                ),
            ),
            Verdict::Unsupported(what) | Verdict::Malformed(what) => out.insert(
                0,
                finding(
                    "sig.unchecked",
                    "RFC 2986 §4.2",
                    format!("the signature cannot be checked: {what}"),
                ),
            ),
        }
    }
    Ok(out)
}

/// The reports of one record: its CSR's, then its certificate's. A record
/// whose files cannot be read is one error finding, so that `--all` goes
/// on to the next record.
fn record_reports(
    name: &str,
    files: Result<(String, Option<String>)>,
    profiles: &[Profile],
) -> Vec<(String, &'static str, Vec<Finding>)> {
    let unreadable = |kind, e: Error| {
        (
            name.to_string(),
            kind,
            vec![finding(
                "record.unreadable",
                "csrkit keystore layout (docs/design.md)",
                e.message,
            )],
        )
    };
    let (csr_pem, cert_pem) = match files {
        Ok(f) => f,
        Err(e) => return vec![unreadable("csr", e)],
    };
    let mut out = Vec::new();
    match csr::decode_input(csr_pem.as_bytes()).and_then(|der| csr_findings(&der, profiles)) {
        Ok(findings) => out.push((name.to_string(), "csr", findings)),
        Err(e) => out.push(unreadable("csr", e)),
    }
    if let Some(pem) = cert_pem {
        let cert = bundle::decode(pem.as_bytes(), "cert.pem")
            .and_then(|certs| certs.first().map(|c| Target::from_cert(&c.der)).transpose());
        match cert {
            Ok(Some(t)) => out.push((name.to_string(), "certificate", lint::lint(&t, profiles))),
            Ok(None) => {}
            Err(e) => out.push(unreadable("certificate", e)),
        }
    }
    out
}

pub(super) fn lint(ctx: &Ctx, a: &cli::LintArgs) -> Result<Done> {
    let mut profiles = a.profile.clone();
    profiles.dedup();
    let mut reports = Vec::new();
    let mut notes = Vec::new();
    if let Some(path) = &a.file {
        let data = read_input(path, formats::request::MAX_REQUEST, "--file")?;
        let label = if path == "-" {
            "stdin".to_string()
        } else {
            path.clone()
        };
        if bundle::holds_certificates(&data) {
            let certs = bundle::decode(&data, &label)?;
            let findings = lint::lint(&Target::from_cert(&certs[0].der)?, &profiles);
            if certs.len() > 1 {
                // The rules judge a subscriber's certificate: CA
                // certificates would be held to the wrong ones.
                notes.push(format!(
                    "{}: linted the first certificate; the {} after it (a chain?) were not",
                    label,
                    certs.len() - 1
                ));
            }
            reports.push((label, "certificate", findings));
        } else {
            let der = csr::decode_input(&data)?;
            reports.push((label, "csr", csr_findings(&der, &profiles)?));
        }
    } else if a.all {
        // The catalog names each record; its record.json is not needed.
        // Records are linted on every core (each CSR's signature is
        // checked), in slices whose reports are joined in id order.
        let rows = ctx.keystore.list()?;
        let lint_row = |row: &crate::keystore::Listed| {
            // A backend without files hands the record over whole, once.
            let files = match row.dir() {
                Some(_) => row.csr_pem().and_then(|c| Ok((c, row.cert_pem()?))),
                None => row
                    .record()
                    .and_then(|rec| Ok((rec.csr_pem()?, rec.cert_pem()?))),
            };
            record_reports(&row.summary.name, files, &profiles)
        };
        let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
        let per = rows.len().div_ceil(jobs).max(64);
        let parts: Vec<Vec<_>> = std::thread::scope(|s| {
            let handles: Vec<_> = rows
                .chunks(per)
                .map(|chunk| s.spawn(|| chunk.iter().flat_map(lint_row).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        reports.extend(parts.into_iter().flatten());
    } else if let Some(target) = &a.target {
        let rec = ctx.keystore.find(target)?;
        let files = rec.csr_pem().and_then(|c| Ok((c, rec.cert_pem()?)));
        reports.extend(record_reports(&rec.meta.name, files, &profiles));
    } else {
        return Err(Error::usage("lint needs NAME|ID, --file PATH or --all"));
    }
    let views: Vec<LintReport<'_>> = reports
        .iter()
        .map(|(label, kind, findings)| LintReport {
            label,
            kind,
            findings,
        })
        .collect();
    let stdout = ctx.shape().lint(&views, ctx.opts)?;
    let errors: usize = reports
        .iter()
        .map(|(_, _, f)| f.iter().filter(|f| f.severity == Severity::Error).count())
        .sum();
    let error =
        (errors > 0).then(|| {
            Error::new(
            Kind::Found,
            format!(
                "lint found {errors} error{}",
                if errors == 1 { "" } else { "s" }
            ),
        )
        .with_hint(if reports.iter().any(|(_, kind, _)| *kind == "certificate") {
            "fix the request (csrkit regenerate NAME ...) and have the certificate issued again"
        } else {
            "fix the request (csrkit regenerate NAME ...) before sending it to the CA"
        })
        });
    Ok(Done {
        stdout,
        notes,
        error,
        ..Done::default()
    })
}
