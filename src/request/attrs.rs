//! The subject attribute types csrkit knows ([`ATTRS`]: names, OIDs, DER
//! string types, upper bounds), and any other type by its dotted OID
//! ([`Attr::Other`]). It must not know about parsing DNs, keys or SANs.

use crate::field::Field;
use std::borrow::Cow;

use der::asn1::ObjectIdentifier;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How an attribute value is encoded in DER.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringType {
    Printable,
    Utf8,
    Ia5,
}

/// One attribute type we can put in a subject: a known one, or any other
/// by OID (its text values are UTF8String, as OpenSSL writes them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Attr {
    DC,
    C,
    ST,
    L,
    STREET,
    O,
    OU,
    CN,
    UID,
    Email,
    SerialNumber,
    Title,
    GN,
    SN,
    PostalCode,
    BusinessCategory,
    JurisdictionL,
    JurisdictionST,
    JurisdictionC,
    OrganizationIdentifier,
    Pseudonym,
    Initials,
    GenerationQualifier,
    DnQualifier,
    Name,
    Other(ObjectIdentifier),
}

pub struct AttrInfo {
    pub attr: Attr,
    /// The short name used in DN strings (OpenSSL / RFC 4514).
    pub short: &'static str,
    /// Other names accepted on input (case-insensitive).
    pub aliases: &'static [&'static str],
    pub oid: &'static str,
    pub string_type: StringType,
    /// Upper bound in characters (RFC 5280 Appendix A; X.520 where
    /// RFC 5280 has none).
    pub max: usize,
    /// The input field that sets it, for error messages.
    pub field: Field,
    /// Human label for prompts and text output.
    pub label: &'static str,
}

// One row of the table, positionally: the table stays one line per type.
#[allow(clippy::too_many_arguments)]
const fn info(
    attr: Attr,
    short: &'static str,
    aliases: &'static [&'static str],
    oid: &'static str,
    string_type: StringType,
    max: usize,
    field: Field,
    label: &'static str,
) -> AttrInfo {
    AttrInfo {
        attr,
        short,
        aliases,
        oid,
        string_type,
        max,
        field,
        label,
    }
}

use StringType::{Ia5, Printable, Utf8};

/// `ub-name` (RFC 5280 Appendix A): givenName, surname, initials, ...
const UB_NAME: usize = 32768;

pub const ATTRS: &[AttrInfo] = &[
    info(
        Attr::DC,
        "DC",
        &["domainComponent"],
        "0.9.2342.19200300.100.1.25",
        Ia5,
        63,
        Field::DomainComponent,
        "Domain component",
    ),
    info(
        Attr::C,
        "C",
        &["countryName"],
        "2.5.4.6",
        Printable,
        2,
        Field::Country,
        "Country",
    ),
    info(
        Attr::ST,
        "ST",
        &["S", "stateOrProvinceName"],
        "2.5.4.8",
        Utf8,
        128,
        Field::State,
        "State or province",
    ),
    info(
        Attr::L,
        "L",
        &["localityName"],
        "2.5.4.7",
        Utf8,
        128,
        Field::Locality,
        "Locality",
    ),
    info(
        Attr::STREET,
        "street",
        &["STREET", "streetAddress"],
        "2.5.4.9",
        Utf8,
        128,
        Field::StreetAddress,
        "Street address",
    ),
    info(
        Attr::O,
        "O",
        &["organizationName"],
        "2.5.4.10",
        Utf8,
        64,
        Field::Organization,
        "Organization",
    ),
    info(
        Attr::OU,
        "OU",
        &["organizationalUnitName"],
        "2.5.4.11",
        Utf8,
        64,
        Field::OrganizationalUnit,
        "Organizational unit",
    ),
    info(
        Attr::CN,
        "CN",
        &["commonName"],
        "2.5.4.3",
        Utf8,
        64,
        Field::CommonName,
        "Common name",
    ),
    info(
        Attr::UID,
        "UID",
        &["userId"],
        "0.9.2342.19200300.100.1.1",
        Utf8,
        256,
        Field::UserId,
        "User id",
    ),
    info(
        Attr::Email,
        "emailAddress",
        &["E", "EMAIL"],
        "1.2.840.113549.1.9.1",
        Ia5,
        255,
        Field::EmailAddress,
        "Email address",
    ),
    info(
        Attr::SerialNumber,
        "serialNumber",
        &[],
        "2.5.4.5",
        Printable,
        64,
        Field::Subject,
        "Serial number",
    ),
    info(
        Attr::Title,
        "title",
        &[],
        "2.5.4.12",
        Utf8,
        64,
        Field::Subject,
        "Title",
    ),
    info(
        Attr::GN,
        "GN",
        &["givenName", "G"],
        "2.5.4.42",
        Utf8,
        UB_NAME,
        Field::Subject,
        "Given name",
    ),
    info(
        Attr::SN,
        "SN",
        &["surname"],
        "2.5.4.4",
        Utf8,
        UB_NAME,
        Field::Subject,
        "Surname",
    ),
    info(
        Attr::PostalCode,
        "postalCode",
        &[],
        "2.5.4.17",
        Utf8,
        40,
        Field::Subject,
        "Postal code",
    ),
    info(
        Attr::BusinessCategory,
        "businessCategory",
        &[],
        "2.5.4.15",
        Utf8,
        128,
        Field::Subject,
        "Business category",
    ),
    info(
        Attr::JurisdictionL,
        "jurisdictionL",
        &["jurisdictionLocalityName"],
        "1.3.6.1.4.1.311.60.2.1.1",
        Utf8,
        128,
        Field::Subject,
        "Jurisdiction locality",
    ),
    info(
        Attr::JurisdictionST,
        "jurisdictionST",
        &["jurisdictionStateOrProvinceName"],
        "1.3.6.1.4.1.311.60.2.1.2",
        Utf8,
        128,
        Field::Subject,
        "Jurisdiction state or province",
    ),
    info(
        Attr::JurisdictionC,
        "jurisdictionC",
        &["jurisdictionCountryName"],
        "1.3.6.1.4.1.311.60.2.1.3",
        Printable,
        2,
        Field::Subject,
        "Jurisdiction country",
    ),
    // X.520 sets no upper bound; eIDAS identifiers (VATDE-123456789,
    // PSDGB-FCA-123456) are short.
    info(
        Attr::OrganizationIdentifier,
        "organizationIdentifier",
        &[],
        "2.5.4.97",
        Utf8,
        128,
        Field::Subject,
        "Organization identifier",
    ),
    info(
        Attr::Pseudonym,
        "pseudonym",
        &[],
        "2.5.4.65",
        Utf8,
        128,
        Field::Subject,
        "Pseudonym",
    ),
    info(
        Attr::Initials,
        "initials",
        &[],
        "2.5.4.43",
        Utf8,
        UB_NAME,
        Field::Subject,
        "Initials",
    ),
    info(
        Attr::GenerationQualifier,
        "generationQualifier",
        &[],
        "2.5.4.44",
        Utf8,
        UB_NAME,
        Field::Subject,
        "Generation qualifier",
    ),
    info(
        Attr::DnQualifier,
        "dnQualifier",
        &[],
        "2.5.4.46",
        Printable,
        64,
        Field::Subject,
        "DN qualifier",
    ),
    info(
        Attr::Name,
        "name",
        &[],
        "2.5.4.41",
        Utf8,
        UB_NAME,
        Field::Subject,
        "Name",
    ),
];

/// What an attribute type given by an OID csrkit has no name for gets.
const OTHER: AttrInfo = info(
    Attr::Other(ObjectIdentifier::new_unwrap("2.5.4")),
    "OID",
    &[],
    "",
    Utf8,
    UB_NAME,
    Field::Subject,
    "Attribute",
);

impl Attr {
    /// The attribute's table entry; for [`Attr::Other`] a generic one
    /// (UTF8String, no name: use [`Attr::oid`] and [`Attr::short`]).
    pub fn info(self) -> &'static AttrInfo {
        ATTRS.iter().find(|i| i.attr == self).unwrap_or(&OTHER)
    }

    /// The short name (`CN`), or the dotted OID of an unnamed type.
    pub fn short(self) -> Cow<'static, str> {
        match self {
            Attr::Other(oid) => Cow::Owned(oid.to_string()),
            a => Cow::Borrowed(a.info().short),
        }
    }

    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Attr::Other(oid) => oid,
            a => ObjectIdentifier::new_unwrap(a.info().oid),
        }
    }

    /// Looks up an attribute by short name, long name or dotted OID (an
    /// OID csrkit has no name for is [`Attr::Other`]).
    pub fn parse(name: &str) -> Option<Attr> {
        ATTRS
            .iter()
            .find(|i| {
                i.short.eq_ignore_ascii_case(name)
                    || i.oid == name
                    || i.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
            })
            .map(|i| i.attr)
            .or_else(|| {
                // RFC 1779's `OID.2.5.4.3` (Windows writes it for types it has no name for).
                let dotted = match name.get(..4) {
                    Some(p) if p.eq_ignore_ascii_case("oid.") => &name[4..],
                    _ => name,
                };
                let oid = parse_dotted(dotted)?;
                Some(Attr::from_oid(dotted).unwrap_or(Attr::Other(oid)))
            })
    }

    /// A named attribute by its dotted OID (`None` for any other OID).
    pub fn from_oid(oid: &str) -> Option<Attr> {
        ATTRS.iter().find(|i| i.oid == oid).map(|i| i.attr)
    }

    /// The name record.json keeps (unchanged from csrkit's first records).
    fn serde_name(self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Attr::STREET => "STREET",
            Attr::Other(_) => return self.short(),
            a => a.info().short,
        })
    }
}

/// A dotted OID as text (`2.5.4.97`), digits and dots only.
fn parse_dotted(s: &str) -> Option<ObjectIdentifier> {
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    ObjectIdentifier::new(s).ok()
}

impl Serialize for Attr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.serde_name())
    }
}

impl<'de> Deserialize<'de> for Attr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Attr, D::Error> {
        let name = String::deserialize(d)?;
        ATTRS
            .iter()
            .map(|i| i.attr)
            .find(|a| a.serde_name() == name)
            .or_else(|| {
                parse_dotted(&name).map(|o| Attr::from_oid(&name).unwrap_or(Attr::Other(o)))
            })
            .ok_or_else(|| serde::de::Error::custom(format!("unknown attribute type {name:?}")))
    }
}

/// ISO 3166-1 alpha-2 codes (officially assigned).
pub const COUNTRIES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];
