//! `csrkit lint`: a record's CSR (and certificate), a file, or the whole
//! keystore checked against the default rules and the profiles asked for;
//! exit 10 when any finding is an error. Also the advice `generate` and
//! `regenerate` print on stderr.

use super::common::{read_input, Ctx, Done};
use crate::cert::bundle;
use crate::cli::{self, FormatArg};
use crate::csr;
use crate::error::{Error, Kind, Result};
use crate::formats::{self, LintReport};
use crate::lint::{self, Finding, Profile, Severity, Target};

/// The profile a `--format` implies (vendor formats; none for csrkit's own).
fn profile_of(format: FormatArg) -> Option<Profile> {
    match format {
        FormatArg::Arcgis => Some(Profile::Arcgis),
        FormatArg::Qradar => Some(Profile::Qradar),
        FormatArg::Sbc => Some(Profile::Sbc),
        FormatArg::Nsx => Some(Profile::Nsx),
        FormatArg::Xclarity => Some(Profile::Xclarity),
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

/// The reports of one record: its CSR's, then its certificate's. The CSR
/// is read as DER and not verified (its signature is not a lint rule), so
/// that `--all` costs no signature check per record.
fn record_reports(
    name: &str,
    csr_pem: &str,
    cert_pem: Option<&str>,
    profiles: &[Profile],
) -> Result<Vec<(String, &'static str, Vec<Finding>)>> {
    let mut out = Vec::new();
    let der = csr::decode_input(csr_pem.as_bytes())
        .map_err(|e| Error::internal(format!("record {name}: csr.pem: {}", e.message)))?;
    out.push((
        name.to_string(),
        "csr",
        lint::lint(&Target::from_csr(&der)?, profiles),
    ));
    if let Some(pem) = cert_pem {
        if let Some(c) = bundle::decode(pem.as_bytes(), "cert.pem")?.first() {
            out.push((
                name.to_string(),
                "certificate",
                lint::lint(&Target::from_cert(&c.der)?, profiles),
            ));
        }
    }
    Ok(out)
}

pub(super) fn lint(ctx: &Ctx, a: &cli::LintArgs) -> Result<Done> {
    let mut profiles = a.profile.clone();
    profiles.dedup();
    let mut reports = Vec::new();
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
            reports.push((label, "certificate", findings));
        } else {
            let der = csr::decode_input(&data)?;
            reports.push((
                label,
                "csr",
                lint::lint(&Target::from_csr(&der)?, &profiles),
            ));
        }
    } else if a.all {
        // The catalog names each record; its record.json is not needed.
        for row in ctx.keystore.list()? {
            // A backend without files hands the record over whole, once.
            let (csr, cert) = match row.dir() {
                Some(_) => (row.csr_pem()?, row.cert_pem()?),
                None => {
                    let rec = row.record()?;
                    (rec.csr_pem()?, rec.cert_pem()?)
                }
            };
            reports.extend(record_reports(
                &row.summary.name,
                &csr,
                cert.as_deref(),
                &profiles,
            )?);
        }
    } else if let Some(target) = &a.target {
        let rec = ctx.keystore.find(target)?;
        let cert = rec.cert_pem()?;
        reports.extend(record_reports(
            &rec.meta.name,
            &rec.csr_pem()?,
            cert.as_deref(),
            &profiles,
        )?);
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
    let error = (errors > 0).then(|| {
        Error::new(
            Kind::Found,
            format!(
                "lint found {errors} error{}",
                if errors == 1 { "" } else { "s" }
            ),
        )
        .with_hint("fix the request (csrkit regenerate NAME ...) before sending it to the CA")
    });
    Ok(Done {
        stdout,
        error,
        ..Done::default()
    })
}
