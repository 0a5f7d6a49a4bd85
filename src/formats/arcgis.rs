//! `--format arcgis` (Esri Portal `generateCsr` responses, the
//! `delete` status, the error body) and Portal `generateCertificate`
//! parameters as request bodies, as Esri's `arcgis` package sends them:
//! see docs/vendor-formats.md.

use crate::field::Field;
use serde::Deserialize;
use serde_json::json;

use super::body::{nonempty, validate_as, NumOrString};
use super::{certinfo, to_json, CertView, ExportView, KeyUse, Op, Options, RecordView, Shape};
use crate::cert::Cert;
use crate::csr::ParsedCsr;
use crate::error::{Error, Result};
use crate::keystore::RecordMeta;
use crate::request::RequestInput;

/// The shape (a unit struct; see [`Shape`]).
pub struct Arcgis;

/// The CSR as Portal writes it: `NEW CERTIFICATE REQUEST`, 76-character
/// base64 lines, `\r\n` after every line.
pub fn arcgis_pem(der: &[u8]) -> String {
    pem::encode_config(
        &pem::Pem::new("NEW CERTIFICATE REQUEST", der.to_vec()),
        pem::EncodeConfig::new()
            .set_line_ending(pem::LineEnding::CRLF)
            .set_line_wrap(76),
    )
}

fn body(csr: &ParsedCsr, o: Options) -> Result<Vec<u8>> {
    to_json(
        &json!({"certificateSigningRequest": arcgis_pem(&csr.der)}),
        o.pretty,
    )
}

impl Shape for Arcgis {
    fn name(&self) -> &'static str {
        "arcgis"
    }
    fn ops(&self) -> &'static [Op] {
        &[
            Op::Generate,
            Op::Regenerate,
            Op::Show,
            Op::Download,
            Op::Delete,
            Op::Import,
            Op::SelfSign,
            Op::Export,
            Op::ShowCert,
        ]
    }
    /// `sslCertificates/{alias}/importSignedCertificate` (import) and
    /// `sslCertificates/generate` (self-sign): `{"status":"success"}`.
    fn certificate(&self, _v: &CertView<'_>, o: Options) -> Result<Vec<u8>> {
        to_json(&json!({"status": "success"}), o.pretty)
    }
    /// `GET sslCertificates/{alias}`: the certificate resource (alias: the CN).
    fn show_cert(&self, c: &Cert, _more: &[Cert], o: Options) -> Result<Vec<u8>> {
        let alias = certinfo::cn(c.subject()).unwrap_or_default();
        to_json(&resource(c, &alias, "trustedCertEntry"), o.pretty)
    }
    fn export_key(&self) -> KeyUse {
        KeyUse::Always
    }
    /// `importExistingServerCertificate`: the PKCS#12 file Portal takes
    /// as the multipart field `file` (with `alias` = the record name and
    /// `password` = the export passphrase); `friendlyName` is the alias.
    fn export(&self, v: &ExportView<'_>, _o: Options) -> Result<Vec<u8>> {
        super::pkcs::pfx(v)
    }
    /// `POST .../security/sslCertificates/{alias}/delete`: `{"status":"success"}`.
    fn delete(&self, _meta: &RecordMeta, o: Options) -> Result<Vec<u8>> {
        to_json(&json!({"status": "success"}), o.pretty)
    }
    fn generate(&self, v: &RecordView<'_>, o: Options) -> Result<Vec<u8>> {
        body(v.csr, o)
    }
    fn show(&self, _meta: Option<&RecordMeta>, csr: &ParsedCsr, o: Options) -> Result<Vec<u8>> {
        body(csr, o)
    }
    fn download(&self, v: &RecordView<'_>, _details: bool, o: Options) -> Result<Vec<u8>> {
        body(v.csr, o)
    }
    fn error(&self, _op: Op, err: &Error, o: Options) -> Option<Vec<u8>> {
        let body =
            json!({"status": "error", "messages": [err.message], "code": err.kind.http_status()});
        to_json(&body, o.pretty).ok()
    }
}

/// Java's `Date.toString()` form, which Portal prints (`Mon Dec 05
/// 10:28:39 UTC 2022`).
fn java_date(unix: i64) -> String {
    let fmt = time::macros::format_description!(
        "[weekday repr:short] [month repr:short] [day] [hour]:[minute]:[second] UTC [year]"
    );
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

/// The Portal SSL certificate resource (`GET sslCertificates/{alias}`):
/// `aliasName`, `entryType`, `issuer`, `subject`,
/// `subjectAlternativeName`, `validFrom`/`validUntil` (and their epoch
/// milliseconds), key algorithm and size, serial, version, signature
/// algorithm, key usage and the SHA-1 and SHA-256 fingerprints.
pub fn resource(c: &Cert, alias: &str, entry: &str) -> serde_json::Value {
    let (nb, na) = c.validity();
    let (alg, bits) = certinfo::key(c);
    json!({
        "aliasName": alias,
        "entryType": entry,
        "issuer": c.issuer().to_string(),
        "subject": c.subject().to_string(),
        "subjectAlternativeName": c.sans(),
        "validFrom": java_date(nb),
        "validUntil": java_date(na),
        "validFromEpoch": nb * 1000,
        "validUntilEpoch": na * 1000,
        "keyAlgorithm": alg,
        "keySize": bits.to_string(),
        "serialNumber": certinfo::serial_hex(c),
        "version": "3",
        "signatureAlgorithm": certinfo::sig_alg(c),
        "keyUsage": c.key_usage(),
        "sha1Fingerprint": certinfo::sha1_fingerprint(c),
        "sha256Fingerprint": c.fingerprint(),
    })
}

/// Portal `generateCertificate` parameters as a JSON object (the keys
/// Esri's `arcgis` package sends; it sends "" or null for what is not
/// set). `f` (response format) and `token` are request parameters of the
/// Portal Administrator API: `f` is checked and ignored (use
/// --format/--pretty), the token is ignored and never stored or printed.
/// `validity` (days) is for the self-signed certificate Portal makes; a
/// CSR has none, so it is checked and ignored with a note.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    alias: Option<String>,
    cn: Option<String>,
    org: Option<String>,
    #[serde(rename = "orgUnit")]
    org_unit: Option<String>,
    city: Option<String>,
    state: Option<String>,
    country: Option<String>,
    #[serde(rename = "keyAlg")]
    key_alg: Option<String>,
    #[serde(rename = "keySize")]
    key_size: Option<NumOrString>,
    #[serde(rename = "sigAlg")]
    sig_alg: Option<String>,
    san: Option<String>,
    validity: Option<serde_json::Value>,
    f: Option<String>,
    #[allow(dead_code)]
    token: Option<serde::de::IgnoredAny>,
}

/// csrkit's fields as this vendor's bodies name them.
pub const FIELD_NAMES: &[(Field, &str)] = &[
    (Field::CommonName, "cn"),
    (Field::Organization, "org"),
    (Field::OrganizationalUnit, "orgUnit"),
    (Field::Locality, "city"),
    (Field::State, "state"),
    (Field::Country, "country"),
    (Field::KeyType, "keyAlg"),
    (Field::KeySize, "keySize"),
    (Field::Digest, "sigAlg"),
    (Field::San, "san"),
    (Field::Dns, "san"),
    (Field::Ip, "san"),
    (Field::Email, "san"),
    (Field::Uri, "san"),
];

/// `SHA256withRSA` -> (`sha256`, `RSA`); SHA-1 and MD5 are refused.
fn sig_alg(s: &str) -> Result<(String, String)> {
    let lower = s.trim().to_ascii_lowercase();
    let (digest, alg) = lower.split_once("with").unwrap_or((lower.as_str(), ""));
    if matches!(digest.replace('-', "").as_str(), "sha1" | "md5" | "md2") {
        return Err(Error::invalid_as(
            "sigAlg",
            format!("{s} is refused: {} signatures are broken (collisions are practical) and CAs reject them", digest.to_ascii_uppercase()),
        )
        .with_field(Field::Digest)
        .with_hint("use SHA256withRSA, SHA384withRSA or SHA512withRSA (SHA256withECDSA for EC keys)"));
    }
    let alg = match alg {
        "rsa" | "rsaencryption" => "RSA",
        "ecdsa" | "ec" => "EC",
        "" => "",
        other => {
            return Err(Error::invalid_as(
                "sigAlg",
                format!("'{s}': unsupported signature algorithm '{other}'"),
            )
            .with_field(Field::Digest)
            .with_hint("use e.g. SHA256withRSA or SHA256withECDSA"))
        }
    };
    Ok((digest.to_string(), alg.to_string()))
}

/// Whether `keyAlg` names the algorithm of `sigAlg` (EC and ECDSA are one).
fn same_alg(key_alg: &str, sig: &str) -> bool {
    key_alg.eq_ignore_ascii_case(sig) || (sig == "EC" && key_alg.eq_ignore_ascii_case("ecdsa"))
}

/// `validity`: a whole number of days, 1 or more (a number or a string
/// of digits; "" or null is not set).
fn validity_days(v: &serde_json::Value) -> Result<Option<u64>> {
    use serde_json::Value;
    let days = match v {
        Value::Null => return Ok(None),
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    };
    match days {
        Some(d) if d > 0 => Ok(Some(d)),
        _ => Err(Error::invalid_as(
            "validity",
            format!(
                "'{}' is not a number of days (1 or more)",
                crate::csr::term(&match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
            ),
        )
        .with_field(Field::Request)
        .with_hint("give validity as a whole number of days, e.g. 365")),
    }
}

/// Reads ArcGIS `generateCertificate` parameters. Errors name the ArcGIS
/// parameter: an unknown one, an `f` other than html/json/pjson, a
/// `validity` that is not a number of days, a `sigAlg` that is SHA-1 or
/// MD5 or does not fit `keyAlg`, or a value csrkit refuses.
pub fn parse_request(text: &str) -> Result<RequestInput> {
    let p: Params = super::body::json_object("ArcGIS", text)?;
    let mut notes = Vec::new();
    if let Some(days) = p
        .validity
        .as_ref()
        .map(validity_days)
        .transpose()?
        .flatten()
    {
        notes.push(format!(
            "note: ArcGIS validity={days} (days) is for a self-signed certificate; a CSR has no validity, so it is ignored"
        ));
    }
    if let Some(f) = &p.f {
        if !matches!(f.as_str(), "html" | "json" | "pjson") {
            return Err(Error::invalid_as(
                "f",
                format!("'{}' is not html, json or pjson", f.escape_default()),
            )
            .with_field(Field::Request));
        }
    }
    let mut key_type = nonempty(p.key_alg);
    let mut digest = None;
    if let Some(s) = nonempty(p.sig_alg) {
        let (d, alg) = sig_alg(&s)?;
        match key_type.as_deref() {
            Some(k) if !alg.is_empty() && !same_alg(k, &alg) => {
                return Err(
                    Error::invalid_as("sigAlg", format!("{s} does not fit keyAlg {k}"))
                        .with_field(Field::Digest),
                );
            }
            None if !alg.is_empty() => key_type = Some(alg),
            _ => {}
        }
        digest = Some(d);
    }
    let input = RequestInput {
        name: nonempty(p.alias),
        common_name: nonempty(p.cn),
        organization: nonempty(p.org),
        organizational_unit: nonempty(p.org_unit).map(|v| vec![v]),
        locality: nonempty(p.city),
        state: nonempty(p.state),
        country: nonempty(p.country),
        key_type,
        key_size: p.key_size.map(|k| k.bits("keySize")).transpose()?.flatten(),
        digest,
        san: nonempty(p.san).map(|s| vec![s]),
        notes,
        ..RequestInput::default()
    };
    validate_as(&input, "ArcGIS", FIELD_NAMES)?;
    Ok(input)
}
