//! ACME Renewal Information (RFC 9773) as `renew` asks for it: whether a
//! directory offers `renewalInfo` (read once per directory per run,
//! [`Checker`]), the certificate's identifier (§4.1, [`cert_id`]) and the
//! CA's suggested window for it with its `Retry-After` (§4.2, §4.3).
//!
//! The request is a plain GET (§4.2: no account, no JWS), sent here
//! through the same HTTPS client instant-acme talks through (`super::http`)
//! and read into instant-acme's own [`instant_acme::RenewalInfo`]. Not
//! through `Account::renewal_info`: instant-acme 0.8.5 needs the account
//! (its key decrypted, a cron job's passphrase) for a request that takes
//! none, and refuses an answer without `Retry-After`, which RFC 9773
//! §4.3 only recommends (csrkit waits `renewal::DEFAULT_RETRY` then).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use hyper::Request;
use instant_acme::{BodyWrapper, HttpClient};
use x509_cert::der::{Decode, DecodePem};
use x509_cert::ext::pkix::AuthorityKeyIdentifier;

use crate::error::{Error, Kind, Result};

const USER_AGENT: &str = concat!("csrkit/", env!("CARGO_PKG_VERSION"));

/// The ARI certificate identifier of a certificate (RFC 9773 §4.1):
/// base64url (no padding) of its AKI `keyIdentifier`, `.`, base64url of
/// its serial number's DER content octets; built with instant-acme's
/// `CertificateIdentifier`. Errors: not a certificate, or one without an
/// AKI keyIdentifier (no ARI for it).
pub fn cert_id(cert_pem: &str) -> Result<String> {
    let bad = |what: String| Error::new(Kind::Invalid, what);
    let cert = x509_cert::Certificate::from_pem(cert_pem.as_bytes()).or_else(|_| {
        pem::parse(cert_pem)
            .map_err(|e| e.to_string())
            .and_then(|p| x509_cert::Certificate::from_der(p.contents()).map_err(|e| e.to_string()))
            .map_err(|e| bad(format!("the stored certificate cannot be read: {e}")))
    })?;
    let tbs = cert.tbs_certificate();
    let aki = tbs
        .get_extension::<AuthorityKeyIdentifier>()
        .ok()
        .flatten()
        .and_then(|(_, a)| a.key_identifier)
        .ok_or_else(|| {
            bad("the certificate has no authority key identifier, which ARI needs".to_string())
        })?;
    let id = instant_acme::CertificateIdentifier::new(
        aki.as_bytes().into(),
        tbs.serial_number().as_bytes().into(),
    );
    Ok(id.to_string())
}

/// What the CA answered for one certificate (RFC 9773 §4.2), Unix
/// seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub start: i64,
    pub end: i64,
    /// The `Retry-After` in seconds from now, when sent.
    pub retry_after: Option<i64>,
    pub explanation_url: Option<String>,
}

/// One run's ARI client: the runtime, and each directory's
/// `renewalInfo` URL (or its absence, or why it could not be read)
/// remembered, so a hundred records of one CA cost one directory GET.
pub struct Checker {
    rt: tokio::runtime::Runtime,
    timeout: Duration,
    dirs: HashMap<(String, Option<PathBuf>), std::result::Result<Option<String>, String>>,
    /// One HTTPS client per CA file (its roots read once, its
    /// connections kept alive between records).
    clients: HashMap<Option<PathBuf>, Box<dyn HttpClient>>,
}

impl Checker {
    /// A checker whose every request gives up after `timeout`.
    pub fn new(timeout: Duration) -> Result<Checker> {
        Ok(Checker {
            rt: super::runtime()?,
            timeout,
            dirs: HashMap::new(),
            clients: HashMap::new(),
        })
    }

    /// The directory's `renewalInfo` URL (RFC 9773 §3), `None` when it
    /// offers none. Errors (the CA unreachable, not a directory) are
    /// remembered for the run too.
    pub fn renewal_info_url(
        &mut self,
        directory: &str,
        ca_file: Option<&Path>,
    ) -> Result<Option<String>> {
        let key = (directory.to_string(), ca_file.map(Path::to_path_buf));
        if !self.dirs.contains_key(&key) {
            let got = self
                .get(directory, ca_file)
                .and_then(|(status, _, body)| {
                    if !status.is_success() {
                        return Err(Error::new(
                            Kind::CaUnreachable,
                            format!("the directory {directory} answered HTTP {status}"),
                        ));
                    }
                    let v: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
                        Error::new(
                            Kind::CaUnreachable,
                            format!("{directory} is not an ACME directory ({e})"),
                        )
                    })?;
                    Ok(v.get("renewalInfo")
                        .and_then(|u| u.as_str())
                        .filter(|u| u.starts_with("https://"))
                        .map(str::to_string))
                })
                .map_err(|e| e.message);
            self.dirs.insert(key.clone(), got);
        }
        match &self.dirs[&key] {
            Ok(u) => Ok(u.clone()),
            Err(m) => Err(Error::new(Kind::CaUnreachable, m.clone())),
        }
    }

    /// The CA's window for `cert_id` from the `renewalInfo` URL `base`
    /// (`GET base/cert_id`). Errors: exit 13 (unreachable, 5xx, not
    /// JSON, a window ending before it starts) or 11 (4xx).
    pub fn window(&mut self, base: &str, cert_id: &str, ca_file: Option<&Path>) -> Result<Answer> {
        let url = format!("{}/{cert_id}", base.trim_end_matches('/'));
        let (status, retry, body) = self.get(&url, ca_file)?;
        if !status.is_success() {
            let kind = if status.is_client_error() {
                Kind::CaRefused
            } else {
                Kind::CaUnreachable
            };
            let detail = serde_json::from_slice::<instant_acme::Problem>(&body)
                .ok()
                .and_then(|p| p.detail)
                .map(|d| format!(": {}", crate::csr::term(&d)))
                .unwrap_or_default();
            return Err(Error::new(
                kind,
                format!("the CA's renewal information answered HTTP {status}{detail}"),
            ));
        }
        let info: instant_acme::RenewalInfo = serde_json::from_slice(&body).map_err(|e| {
            Error::new(
                Kind::CaUnreachable,
                format!("the CA's renewal information is not RFC 9773 JSON ({e})"),
            )
        })?;
        let (start, end) = (
            info.suggested_window.start.unix_timestamp(),
            info.suggested_window.end.unix_timestamp(),
        );
        if end < start {
            return Err(Error::new(
                Kind::CaUnreachable,
                "the CA's suggested renewal window ends before it starts",
            ));
        }
        Ok(Answer {
            start,
            end,
            retry_after: retry,
            explanation_url: info.explanation_url,
        })
    }

    /// GET `url`: the status, the `Retry-After` in seconds (delay-seconds
    /// or an HTTP-date, RFC 9110 §10.2.3) and the body.
    fn get(
        &mut self,
        url: &str,
        ca_file: Option<&Path>,
    ) -> Result<(hyper::StatusCode, Option<i64>, bytes::Bytes)> {
        let key = ca_file.map(Path::to_path_buf);
        if !self.clients.contains_key(&key) {
            self.clients
                .insert(key.clone(), super::http::client(ca_file)?);
        }
        let http = &self.clients[&key];
        let req = Request::builder()
            .uri(url)
            .header("user-agent", USER_AGENT)
            .body(BodyWrapper::default())
            .map_err(|e| Error::new(Kind::Invalid, format!("{url}: {e}")))?;
        let unreachable =
            |e: &dyn std::fmt::Display| Error::new(Kind::CaUnreachable, format!("{url}: {e}"));
        self.rt.block_on(async {
            let go = async {
                let mut rsp = http.request(req).await.map_err(|e| unreachable(&e))?;
                let body = rsp.body.into_bytes().await.map_err(|e| unreachable(&e))?;
                let retry = rsp
                    .parts
                    .headers
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(retry_seconds);
                Ok((rsp.parts.status, retry, body))
            };
            tokio::time::timeout(self.timeout, go)
                .await
                .unwrap_or_else(|_| Err(unreachable(&"no answer in time")))
        })
    }
}

/// A `Retry-After` value in seconds from now: delay-seconds, or an
/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`; a date in the past is 0).
fn retry_seconds(v: &str) -> Option<i64> {
    let v = v.trim();
    if let Ok(s) = v.parse::<i64>() {
        return Some(s);
    }
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = time::PrimitiveDateTime::parse(v, format).ok()?.assume_utc();
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    Some((at.unix_timestamp() - now).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(retry_seconds("86400"), Some(86_400));
        assert_eq!(retry_seconds(" 60 "), Some(60));
        assert_eq!(retry_seconds("Fri, 31 Dec 1999 23:59:59 GMT"), Some(0));
        let later = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
        let later = later
            .format(time::macros::format_description!(
                "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
            ))
            .unwrap();
        let s = retry_seconds(&later).unwrap();
        assert!((3590..=3600).contains(&s), "{s}");
        assert_eq!(retry_seconds("soon"), None);
    }

    #[test]
    fn the_identifier_is_aki_dot_serial() {
        // RFC 9773 §4.1's example: AKI 69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4,
        // serial 00:87:65:43:21.
        let aki = [
            0x69, 0x88, 0x5B, 0x6B, 0x87, 0x46, 0x40, 0x41, 0xE1, 0xB3, 0x7B, 0x84, 0x7B, 0xA0,
            0xAE, 0x2C, 0xDE, 0x01, 0xC8, 0xD4,
        ];
        let id = instant_acme::CertificateIdentifier::new(
            aki[..].into(),
            [0x00u8, 0x87, 0x65, 0x43, 0x21][..].into(),
        );
        assert_eq!(id.to_string(), "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE");
        assert!(cert_id("not a certificate").is_err());
    }
}
