//! `lint`: what CAs and the five appliances will refuse, found before they
//! do. A [`Target`] (read from a CSR or a certificate) goes through the
//! rules of the default profile (what every CA and appliance agrees on)
//! and of each profile asked for ([`Profile`]); each [`Finding`] has a
//! stable rule id, a severity, a message and the document it comes from.
//! Advice only: nothing here refuses or prints; `commands::lint` turns an
//! error-level finding into exit 10.

use serde::Serialize;

use crate::vendors::Vendor;

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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// CA/Browser Forum Baseline Requirements (publicly trusted TLS)
    Cabf,
    /// What the vendor's appliance accepts (its documented limits)
    Vendor(Vendor),
    /// What an ACME CA (and Let's Encrypt) needs before an order (`order` runs it)
    Acme,
}

impl Serialize for Profile {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl Profile {
    /// Every profile, in the order the command line lists them.
    pub const ALL: [Profile; 2 + Vendor::ALL.len()] = {
        let mut all = [Profile::Cabf; 2 + Vendor::ALL.len()];
        let mut v = 0;
        while v < Vendor::ALL.len() {
            all[1 + v] = Profile::Vendor(Vendor::ALL[v]);
            v += 1;
        }
        all[1 + Vendor::ALL.len()] = Profile::Acme;
        all
    };

    pub fn name(self) -> &'static str {
        match self {
            Profile::Cabf => "cabf",
            Profile::Vendor(v) => v.name(),
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
            Profile::Vendor(Vendor::Arcgis) => vendors::arcgis(t, &mut out),
            Profile::Vendor(Vendor::Qradar) => vendors::qradar(t, &mut out),
            Profile::Vendor(Vendor::Sbc) => vendors::sbc(t, &mut out),
            Profile::Vendor(Vendor::Nsx) => vendors::nsx(t, &mut out),
            Profile::Vendor(Vendor::Xclarity) => vendors::xclarity(t, &mut out),
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
