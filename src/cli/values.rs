//! The command line's value lists for the enums csrkit's rooms define:
//! `--format`, `--request-format`, `lint --profile` and `serve --vendor`,
//! each built from [`Vendor::ALL`] (clap only).

use clap::builder::PossibleValue;
use clap::ValueEnum;

use crate::formats::request::RequestFormat;
use crate::formats::Format;
use crate::lint::Profile;
use crate::vendors::Vendor;

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &Format::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            Format::Text => "Human-readable text",
            Format::Pem => "The CSR as PEM",
            Format::Der => "The CSR as DER (binary)",
            Format::Json => "csrkit's JSON",
            Format::Vendor(v) => v.response(),
            Format::Pkcs7 => "export: PKCS#7 certs-only bundle (PEM)",
            Format::Pkcs12 => "export: PKCS#12 (key, certificate, chain; see --p12-profile)",
        };
        Some(PossibleValue::new(self.name()).help(help))
    }
}

impl ValueEnum for RequestFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &RequestFormat::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let v = PossibleValue::new(self.name());
        Some(match self {
            RequestFormat::Native => {
                v.help("csrkit's own JSON (field names as the long options, with underscores)")
            }
            RequestFormat::Vendor(_) => v,
        })
    }
}

impl ValueEnum for Profile {
    fn value_variants<'a>() -> &'a [Self] {
        &Profile::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            Profile::Cabf => "CA/Browser Forum Baseline Requirements (publicly trusted TLS)",
            Profile::Vendor(v) => v.product(),
            Profile::Acme => {
                "What an ACME CA (and Let's Encrypt) needs before an order (`order` runs it)"
            }
        };
        Some(PossibleValue::new(self.name()).help(help))
    }
}

impl ValueEnum for Vendor {
    fn value_variants<'a>() -> &'a [Self] {
        &Vendor::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}
