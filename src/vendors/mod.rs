//! The appliance vendors csrkit speaks for, listed once.
//!
//! Every place that enumerates vendors derives from [`Vendor::ALL`]: the
//! command line's `--format`, `--request-format` and `lint --profile`
//! values (their clap value lists are built from it in `cli/`), the
//! shapes and request parsers (`formats::shape`, `formats::request`, whose
//! matches over [`Vendor`] the compiler holds complete), the lint profiles
//! (`lint::Profile::Vendor`), request-body detection ([`Vendor::distinct_fields`])
//! and `serve`'s listeners. A vendor's responses, bodies and error codes
//! live in `formats/<vendor>.rs`, its HTTP routes in `serve/<vendor>.rs`.
//!
//! Sources: each vendor's REST API documentation (Esri ArcGIS Portal
//! Administrator API, IBM QRadar REST API `staged_config/certificates`,
//! Oracle SBC REST API, VMware NSX Policy/Manager API `TlsCsr`, Lenovo
//! XClarity Administrator REST API `certificateSigningRequest`).

/// One appliance vendor (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Vendor {
    Arcgis,
    Qradar,
    Sbc,
    Nsx,
    Xclarity,
}

impl Vendor {
    /// Every vendor, in the order the command line lists them.
    pub const ALL: [Vendor; 5] = [
        Vendor::Arcgis,
        Vendor::Qradar,
        Vendor::Sbc,
        Vendor::Nsx,
        Vendor::Xclarity,
    ];

    /// The vendor's name as csrkit's values spell it (`nsx`).
    pub fn name(self) -> &'static str {
        match self {
            Vendor::Arcgis => "arcgis",
            Vendor::Qradar => "qradar",
            Vendor::Sbc => "sbc",
            Vendor::Nsx => "nsx",
            Vendor::Xclarity => "xclarity",
        }
    }

    /// The vendor whose name is `name`.
    pub fn from_name(name: &str) -> Option<Vendor> {
        Vendor::ALL.into_iter().find(|v| v.name() == name)
    }

    /// The product, as its maker names it (`VMware NSX`).
    pub fn product(self) -> &'static str {
        match self {
            Vendor::Arcgis => "Esri ArcGIS Portal",
            Vendor::Qradar => "IBM QRadar",
            Vendor::Sbc => "Oracle SBC",
            Vendor::Nsx => "VMware NSX",
            Vendor::Xclarity => "Lenovo XClarity",
        }
    }

    /// What `--format <vendor>` prints: the response of the vendor's
    /// generate-CSR call.
    pub fn response(self) -> &'static str {
        match self {
            Vendor::Arcgis => "Esri ArcGIS Portal generateCsr response",
            Vendor::Qradar => "IBM QRadar certificate_signing_request responses",
            Vendor::Sbc => "Oracle SBC generateRequest XML response",
            Vendor::Nsx => "VMware NSX TlsCsr",
            Vendor::Xclarity => "Lenovo XClarity certificateSigningRequest response",
        }
    }

    /// The path the appliance serves its API under (what `serve`'s ready
    /// line's URL ends with).
    pub fn root(self) -> &'static str {
        match self {
            Vendor::Arcgis => "/portal",
            Vendor::Qradar => "/api",
            Vendor::Sbc => "/rest/v1.2",
            Vendor::Nsx | Vendor::Xclarity => "",
        }
    }

    /// Field names of the vendor's generate-CSR body that no other vendor
    /// (and not csrkit's own JSON) uses: a body with one of them is this
    /// vendor's (request-body detection).
    pub fn distinct_fields(self) -> &'static [&'static str] {
        match self {
            Vendor::Qradar => &[
                "country_name",
                "state_province",
                "organization_name",
                "ip_addresses",
                "emails",
                "uri_list",
            ],
            Vendor::Nsx => &[
                "resource_type",
                "display_name",
                "is_ca",
                "extensions",
                "pem_encoded",
                "parent_path",
                "relative_path",
                "_revision",
                "tags",
                "unique_id",
                "realization_id",
                "_links",
                "_schema",
            ],
            Vendor::Xclarity => &[
                "CommonName",
                "Country",
                "Organization",
                "OrganizationUnit",
                "StateLocality",
                "StateProvince",
                "subjectAlternativeNames",
            ],
            Vendor::Arcgis => &[
                "alias", "orgUnit", "city", "keyAlg", "keySize", "sigAlg", "f", "token", "validity",
            ],
            Vendor::Sbc => &[
                "unit",
                "common-name",
                "key-size",
                "alternate-name",
                "key-usage-list",
                "extended-key-usage-list",
                "key-algor",
                "digest-algor",
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_distinct_fields_are_distinct() {
        for v in Vendor::ALL {
            assert_eq!(Vendor::from_name(v.name()), Some(v));
            for w in Vendor::ALL.into_iter().filter(|w| *w != v) {
                for f in v.distinct_fields() {
                    assert!(!w.distinct_fields().contains(f), "{f}: {v:?} and {w:?}");
                }
            }
        }
    }
}
