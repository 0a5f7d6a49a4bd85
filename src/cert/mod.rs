//! Certificates (RFC 5280): reading them from whatever a CA hands back
//! ([`bundle`]: PEM with any text around, DER, PKCS#7), what one says
//! ([`Cert`], [`CertSummary`]), whether one signed another ([`verify`]),
//! putting the leaf's chain in order and checking each link ([`chain`]),
//! and making a self-signed certificate from a record's CSR and key
//! ([`selfsign`]).
//!
//! Nothing here touches the keystore or prints; the summary is plain data
//! that `keystore` stores in record.json and formatters show.

use aws_lc_rs::digest;
use der::asn1::{BitString, ObjectIdentifier};
use der::{Decode, Encode, Reader, SliceReader};
use serde::{Deserialize, Serialize};
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAltName};
use x509_cert::name::Name;
use x509_cert::Certificate;

pub use crate::csr::hex_colon;
use crate::csr::term;
use crate::error::{Error, Result};

pub mod bundle;
pub mod chain;
pub mod selfsign;
mod verify;

/// A certificate as received: its DER, the decoded fields, and the
/// `tbsCertificate` bytes its signature covers.
#[derive(Clone, Debug)]
pub struct Cert {
    pub der: Vec<u8>,
    pub x509: Certificate,
    tbs: std::ops::Range<usize>,
    /// The signatureAlgorithm's DER, as received.
    sig_alg: Vec<u8>,
    sig: Vec<u8>,
}

/// A certificate's name as csrkit prints every name, a CSR's included
/// ([`crate::csr::name_string`]: RFC 4514, one set of short names).
pub fn name_text(name: &Name) -> String {
    name.to_der()
        .ok()
        .and_then(|d| crate::csr::name_from_der(&d))
        .map_or_else(|| name.to_string(), |n| crate::csr::name_string(&n))
}

/// What record.json keeps of a record's certificate, and what `show`,
/// `list` and `expiring` print. Times are RFC 3339 UTC; fingerprints and
/// the serial are colon-separated upper-case hex.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertSummary {
    /// RFC 4514.
    pub subject: String,
    /// RFC 4514.
    pub issuer: String,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    /// SHA-256 of the certificate's DER.
    pub sha256: String,
    /// SANs as `DNS:name`, `IP:addr`, `email:addr`, `URI:uri`.
    pub sans: Vec<String>,
    pub self_signed: bool,
    /// The chain above the leaf, issuer first: RFC 4514 subjects.
    pub chain: Vec<String>,
    /// Whether the chain ends at a self-signed root.
    pub chain_complete: bool,
}

fn bad_cert(what: impl std::fmt::Display) -> Error {
    Error::new(
        crate::error::Kind::Invalid,
        format!("not a valid X.509 certificate: {what}"),
    )
    .with_label("certificate")
    .with_hint("give the certificate the CA returned (PEM, DER or PKCS#7)")
}

/// SHA-256 of `data`, as [`hex_colon`].
pub fn sha256_hex(data: &[u8]) -> String {
    hex_colon(digest::digest(&digest::SHA256, data).as_ref())
}

/// RFC 3339 (UTC, seconds) for a Unix time.
pub fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

/// Unix time of an RFC 3339 string (as written by [`rfc3339`]).
pub fn unix_of(rfc3339: &str) -> Option<i64> {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// The SHA-256 of an SPKI's DER: how a certificate is matched to the
/// record that holds its key.
pub fn spki_id(spki: &SubjectPublicKeyInfoOwned) -> Result<String> {
    let der = spki
        .to_der()
        .map_err(|e| Error::internal(format!("SPKI encoding: {e}")))?;
    Ok(sha256_hex(&der))
}

impl Cert {
    /// Decodes one DER certificate, keeping the bytes its signature covers.
    /// Exit 2 naming what is malformed.
    pub fn from_der(der: Vec<u8>) -> Result<Cert> {
        let x509 = Certificate::from_der(&der).map_err(bad_cert)?;
        let (tbs, sig_alg, sig) = {
            // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
            // signatureValue }: the tbsCertificate TLV as it was sent.
            let mut r = SliceReader::new(&der).map_err(bad_cert)?;
            der::Header::decode(&mut r).map_err(bad_cert)?;
            let start = der.len() - usize::try_from(r.remaining_len()).unwrap_or(0);
            let tbs = r.tlv_bytes().map_err(bad_cert)?;
            let alg = r.tlv_bytes().map_err(bad_cert)?.to_vec();
            let sig = BitString::decode(&mut r).map_err(bad_cert)?;
            (start..start + tbs.len(), alg, sig)
        };
        let sig = sig
            .as_bytes()
            .ok_or_else(|| bad_cert("the signature has unused bits"))?
            .to_vec();
        Ok(Cert {
            der,
            x509,
            tbs,
            sig_alg,
            sig,
        })
    }

    /// The certificate's subject.
    pub fn subject(&self) -> &Name {
        self.x509.tbs_certificate().subject()
    }

    /// The certificate's issuer.
    pub fn issuer(&self) -> &Name {
        self.x509.tbs_certificate().issuer()
    }

    /// The subject (RFC 4514) safe in a line for a terminal: for notes
    /// and warnings, which are printed as they are (error messages are
    /// escaped by [`Error`] itself).
    pub fn subject_text(&self) -> String {
        term(&name_text(self.subject())).into_owned()
    }

    /// Warnings where this certificate differs from what a CSR asked for
    /// (`asked_sans` as `TYPE:value`, `asked_subject` RFC 4514, both as
    /// csrkit validated them): CAs drop SANs, rewrite subjects and choose
    /// usages. The certificate's values are escaped for a terminal: they
    /// are the CA's bytes, and an IA5String SAN may hold any control
    /// character.
    pub fn differences(
        &self,
        asked_sans: &[String],
        asked_subject: &[Vec<crate::csr::ParsedAva>],
    ) -> Vec<String> {
        let mut notes = Vec::new();
        let got = self.sans();
        let norm = |s: &str| s.to_ascii_lowercase();
        for s in asked_sans {
            if !got.iter().any(|g| norm(g) == norm(s)) {
                notes.push(format!(
                    "warning: the CSR asked for {s}; the certificate does not have it"
                ));
            }
        }
        for g in &got {
            if !asked_sans.iter().any(|s| norm(g) == norm(s)) {
                notes.push(format!(
                    "warning: the certificate adds {}, which the CSR did not ask for",
                    term(g)
                ));
            }
        }
        // The same name however it is printed (RFC 5280 §7.1); a real
        // rewrite is shown through the one printer, both sides.
        let got = self
            .subject()
            .to_der()
            .ok()
            .and_then(|d| crate::csr::name_from_der(&d));
        let same = got
            .as_deref()
            .is_some_and(|g| crate::csr::names_match(g, asked_subject));
        if !same {
            let asked = crate::csr::name_string(asked_subject);
            notes.push(format!(
                "note: the CA wrote the subject as {} (the CSR asked for {})",
                term(&name_text(self.subject())),
                if asked.is_empty() {
                    "an empty one".into()
                } else {
                    term(&asked)
                }
            ));
        }
        notes
    }

    /// The subject's public key.
    pub fn spki(&self) -> &SubjectPublicKeyInfoOwned {
        self.x509.tbs_certificate().subject_public_key_info()
    }

    /// See [`spki_id`].
    pub fn spki_id(&self) -> Result<String> {
        spki_id(self.spki())
    }

    /// SHA-256 of the DER, as [`hex_colon`].
    pub fn fingerprint(&self) -> String {
        sha256_hex(&self.der)
    }

    /// Subject and issuer are the same name (a root or a self-signed leaf).
    pub fn self_issued(&self) -> bool {
        self.subject() == self.issuer()
    }

    /// Self-issued and verified by its own key (a root, or a self-signed
    /// leaf); `false` when the signature cannot be checked.
    pub fn self_signed(&self) -> bool {
        self.self_issued() && self.signed_by(self).unwrap_or(false)
    }

    /// Whether `issuer`'s key verifies this certificate's signature.
    /// Exit 2 when the algorithm cannot be checked.
    pub fn signed_by(&self, issuer: &Cert) -> Result<bool> {
        verify::verify(
            &self.sig_alg,
            issuer.spki(),
            &self.der[self.tbs.clone()],
            &self.sig,
        )
    }

    /// notBefore and notAfter, Unix seconds.
    pub fn validity(&self) -> (i64, i64) {
        let v = self.x509.tbs_certificate().validity();
        let secs = |t: x509_cert::time::Time| t.to_unix_duration().as_secs() as i64;
        (secs(v.not_before), secs(v.not_after))
    }

    fn extension<'a, T: der::Decode<'a> + der::oid::AssociatedOid>(&'a self) -> Option<T> {
        self.x509
            .tbs_certificate()
            .get_extension::<T>()
            .ok()
            .flatten()
            .map(|(_, v)| v)
    }

    /// basicConstraints cA (RFC 5280 §4.2.1.9).
    pub fn is_ca(&self) -> bool {
        self.extension::<BasicConstraints>().is_some_and(|b| b.ca)
    }

    /// SANs as `TYPE:value` (see [`CertSummary::sans`]).
    pub fn sans(&self) -> Vec<String> {
        let Some(san) = self.extension::<SubjectAltName>() else {
            return Vec::new();
        };
        san.0
            .iter()
            .filter_map(|g| match g {
                GeneralName::DnsName(d) => Some(format!("DNS:{}", d.as_str())),
                GeneralName::Rfc822Name(e) => Some(format!("email:{}", e.as_str())),
                GeneralName::UniformResourceIdentifier(u) => Some(format!("URI:{}", u.as_str())),
                GeneralName::IpAddress(ip) => {
                    let b = ip.as_bytes();
                    let addr: Option<std::net::IpAddr> = match b.len() {
                        4 => <[u8; 4]>::try_from(b).ok().map(Into::into),
                        16 => <[u8; 16]>::try_from(b).ok().map(Into::into),
                        _ => None,
                    };
                    addr.map(|a| format!("IP:{a}"))
                }
                _ => None,
            })
            .collect()
    }

    /// keyUsage bit names (RFC 5280 §4.2.1.3), in bit order.
    pub fn key_usage(&self) -> Vec<String> {
        self.extension::<KeyUsage>()
            .map(|ku| ku.0.into_iter().map(|f| format!("{f:?}")).collect())
            .unwrap_or_default()
    }

    /// keyUsage bits named as RFC 5280 §4.2.1.3 and a CSR's `show` name
    /// them (`digitalSignature`, `cRLSign`), in bit order.
    pub fn key_usage_names(&self) -> Vec<&'static str> {
        let Some(ku) = self.extension::<KeyUsage>() else {
            return Vec::new();
        };
        let bits = ku.0.bits();
        crate::request::KEY_USAGES
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, (_, name))| *name)
            .collect()
    }

    /// extendedKeyUsage purposes by the names a CSR's `show` uses
    /// (`serverAuth`, RFC 5280 §4.2.1.12), other purposes as dotted OIDs.
    pub fn ext_key_usage_names(&self) -> Vec<String> {
        self.ext_key_usage()
            .iter()
            .map(|o| {
                let o = o.to_string();
                crate::request::EKUS
                    .iter()
                    .find(|(_, oid)| *oid == o)
                    .map_or(o, |(name, _)| (*name).to_string())
            })
            .collect()
    }

    /// extendedKeyUsage purposes, as dotted OIDs.
    pub fn ext_key_usage(&self) -> Vec<ObjectIdentifier> {
        self.extension::<ExtendedKeyUsage>()
            .map(|e| e.0)
            .unwrap_or_default()
    }

    /// PEM (`CERTIFICATE`, `\n` line ends).
    pub fn pem(&self) -> String {
        pem::encode_config(
            &pem::Pem::new("CERTIFICATE", self.der.clone()),
            pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
        )
    }

    /// The summary kept in record.json, with `chain` above this leaf.
    pub fn summary(&self, chain: &[Cert]) -> CertSummary {
        let (nb, na) = self.validity();
        CertSummary {
            subject: name_text(self.subject()),
            issuer: name_text(self.issuer()),
            serial: hex_colon(self.x509.tbs_certificate().serial_number().as_bytes()),
            not_before: rfc3339(nb),
            not_after: rfc3339(na),
            sha256: self.fingerprint(),
            sans: self.sans(),
            self_signed: self.self_signed(),
            chain: chain.iter().map(|c| name_text(c.subject())).collect(),
            chain_complete: chain.last().or(Some(self)).is_some_and(Cert::self_signed),
        }
    }
}

/// Days before notAfter when a certificate counts as expiring.
pub const EXPIRING_DAYS: i64 = 30;

/// Where a record stands (`list`'s STATUS).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// No certificate yet: the CSR waits for its CA.
    Pending,
    /// A certificate valid for more than [`EXPIRING_DAYS`].
    Issued,
    /// A certificate that ends within [`EXPIRING_DAYS`].
    Expiring,
    /// A certificate past its notAfter.
    Expired,
    /// A new CSR waits for its CA while an earlier certificate stays
    /// deployed (after `regenerate`).
    Renewing,
}

impl Status {
    /// The status of a record whose certificate ends at `not_after`
    /// (RFC 3339; `None`: no certificate), at Unix time `now`.
    pub fn of(not_after: Option<&str>, now: i64) -> Status {
        match not_after.and_then(unix_of) {
            None => Status::Pending,
            Some(end) if end <= now => Status::Expired,
            Some(end) if end - now <= EXPIRING_DAYS * 86_400 => Status::Expiring,
            Some(_) => Status::Issued,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Issued => "issued",
            Status::Expiring => "expiring",
            Status::Expired => "expired",
            Status::Renewing => "renewing",
        }
    }
}

/// Whole days from `now` to `not_after` (negative once expired).
pub fn days_left(not_after: &str, now: i64) -> Option<i64> {
    unix_of(not_after).map(|end| (end - now).div_euclid(86_400))
}

/// The current Unix time.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// PEM of several certificates, in order.
pub fn pem_chain(certs: &[Cert]) -> String {
    certs.iter().map(Cert::pem).collect()
}
