//! `lint`: what CAs and the five appliances will refuse, found before they
//! do. A [`Target`] (read from a CSR or a certificate) goes through the
//! rules of the default profile (what every CA and appliance agrees on)
//! and of each profile asked for ([`Profile`]); each [`Finding`] has a
//! stable rule id, a severity, a message and the document it comes from.
//! Advice only: nothing here refuses or prints; `commands::lint` turns an
//! error-level finding into exit 10.

use serde::Serialize;

mod acme;
mod rules;
pub mod target;
mod vendors;

pub use target::Target;

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The CA or appliance will refuse it.
    Error,
    /// Likely to be refused or to cause trouble.
    Warning,
    /// Worth knowing.
    Notice,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        }
    }
}

/// One finding.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// Stable id, `area.what` (e.g. `key.rsa_too_small`).
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The RFC, CA/Browser Forum Baseline Requirements or vendor document
    /// section the rule follows.
    pub source: &'static str,
}

/// A set of rules beyond the default ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// CA/Browser Forum Baseline Requirements (publicly trusted TLS)
    Cabf,
    /// Esri ArcGIS Portal
    Arcgis,
    /// IBM QRadar
    Qradar,
    /// Oracle SBC
    Sbc,
    /// VMware NSX
    Nsx,
    /// Lenovo XClarity
    Xclarity,
    /// What an ACME CA (and Let's Encrypt) needs before an order (`order` runs it)
    Acme,
}

impl Profile {
    pub fn name(self) -> &'static str {
        match self {
            Profile::Cabf => "cabf",
            Profile::Arcgis => "arcgis",
            Profile::Qradar => "qradar",
            Profile::Sbc => "sbc",
            Profile::Nsx => "nsx",
            Profile::Xclarity => "xclarity",
            Profile::Acme => "acme",
        }
    }
}

/// Every finding for `t` under the default rules and `profiles`, errors
/// first, in rule order within a severity.
pub fn lint(t: &Target, profiles: &[Profile]) -> Vec<Finding> {
    let mut out = Vec::new();
    rules::default(t, &mut out);
    for p in profiles {
        match p {
            Profile::Cabf => rules::cabf(t, &mut out),
            Profile::Arcgis => vendors::arcgis(t, &mut out),
            Profile::Qradar => vendors::qradar(t, &mut out),
            Profile::Sbc => vendors::sbc(t, &mut out),
            Profile::Nsx => vendors::nsx(t, &mut out),
            Profile::Xclarity => vendors::xclarity(t, &mut out),
            Profile::Acme => acme::acme(t, &mut out),
        }
    }
    out.sort_by_key(|f| f.severity);
    out
}

fn push(
    out: &mut Vec<Finding>,
    rule: &'static str,
    severity: Severity,
    source: &'static str,
    message: String,
) {
    out.push(Finding {
        rule,
        severity,
        message,
        source,
    });
}
