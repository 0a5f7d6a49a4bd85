//! The HTTPS client instant-acme talks through (its `HttpClient` seam):
//! hyper 1 + hyper-rustls on aws-lc-rs, HTTP/1.1, HTTPS only, trusting
//! the system's roots (rustls-native-certs, as `import` and the
//! PostgreSQL keystore do) or, when given, every certificate of a PEM
//! file. Unlike instant-acme's default client it sets `TCP_NODELAY`:
//! hyper writes a POST's head and body separately, and with Nagle's
//! algorithm the body waits for the server's delayed ACK (about 40 ms per
//! JWS request on Linux; measured in docs/performance.md).

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use crate::error::{Error, Result};

/// The client, boxed for `Account::builder_with_http`.
pub fn client(ca_file: Option<&Path>) -> Result<Box<dyn instant_acme::HttpClient>> {
    let mut roots = rustls::RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let bad = |e: &dyn std::fmt::Display| {
                Error::invalid_as("ca_file", format!("{}: {e}", path.display()))
            };
            for c in CertificateDer::pem_file_iter(path).map_err(|e| bad(&e))? {
                roots.add(c.map_err(|e| bad(&e))?).map_err(|e| bad(&e))?;
            }
            if roots.is_empty() {
                return Err(bad(&"no certificate in the file"));
            }
        }
        None => {
            for c in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(c);
            }
        }
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::internal(format!("TLS settings: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut tcp = HttpConnector::new();
    tcp.set_nodelay(true);
    tcp.enforce_http(false);
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_only()
        .enable_http1()
        .wrap_connector(tcp);
    let client: Client<_, instant_acme::BodyWrapper<bytes::Bytes>> =
        Client::builder(TokioExecutor::new()).build(https);
    Ok(Box::new(client))
}

/// The alternate chains' URLs (RFC 8555 §7.4.2: `Link: <URL>;rel="alternate"`
/// on the certificate download) from the last response that had any:
/// instant-acme 0.8.5 reads the default chain only, so [`recording`]
/// keeps these headers on the way through. It also keeps the `Location`
/// of the last `201 Created` (newOrder's order URL, RFC 8555 §7.4), which
/// instant-acme drops when it refuses the CA's answer (a `replaces` the
/// CA did not reflect, RFC 9773 §5).
#[derive(Clone, Default)]
pub struct Alternates(Arc<Mutex<Vec<String>>>, Arc<Mutex<Option<String>>>);

impl Alternates {
    /// The URLs seen, in the CA's order.
    pub fn urls(&self) -> Vec<String> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// The `Location` of the last `201 Created` answer, taken.
    pub fn take_created(&self) -> Option<String> {
        self.1.lock().ok().and_then(|mut v| v.take())
    }
}

struct Recording {
    inner: Box<dyn instant_acme::HttpClient>,
    alternates: Alternates,
}

impl instant_acme::HttpClient for Recording {
    fn request(
        &self,
        req: hyper::Request<instant_acme::BodyWrapper<bytes::Bytes>>,
    ) -> Pin<
        Box<
            dyn Future<
                    Output = std::result::Result<instant_acme::BytesResponse, instant_acme::Error>,
                > + Send,
        >,
    > {
        let fut = self.inner.request(req);
        let alternates = self.alternates.clone();
        Box::pin(async move {
            let rsp = fut.await?;
            let links = alternate_links(
                rsp.parts
                    .headers
                    .get_all("link")
                    .iter()
                    .filter_map(|v| v.to_str().ok()),
            );
            if !links.is_empty() {
                if let Ok(mut v) = alternates.0.lock() {
                    *v = links;
                }
            }
            if rsp.parts.status == hyper::StatusCode::CREATED {
                let at = rsp
                    .parts
                    .headers
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                if let Ok(mut v) = alternates.1.lock() {
                    *v = at;
                }
            }
            Ok(rsp)
        })
    }
}

/// [`client`], keeping the alternate chains' URLs it sees in `alternates`.
pub fn recording(
    ca_file: Option<&Path>,
    alternates: &Alternates,
) -> Result<Box<dyn instant_acme::HttpClient>> {
    Ok(Box::new(Recording {
        inner: client(ca_file)?,
        alternates: alternates.clone(),
    }))
}

/// The `rel="alternate"` targets of `Link` header values (RFC 8288: one
/// or more `<URI>; param=value` separated by commas).
fn alternate_links<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out = Vec::new();
    for v in values {
        for link in v.split(',') {
            let link = link.trim();
            let Some(rest) = link.strip_prefix('<') else {
                continue;
            };
            let Some((url, params)) = rest.split_once('>') else {
                continue;
            };
            let alternate = params.split(';').any(|p| {
                let p = p.trim().replace(' ', "");
                p.eq_ignore_ascii_case("rel=\"alternate\"")
                    || p.eq_ignore_ascii_case("rel=alternate")
            });
            if alternate && url.starts_with("https://") {
                out.push(url.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn alternate_links_are_read_from_link_headers() {
        let got = super::alternate_links(
            [
                "<https://ca.test/cert/1/alt/1>;rel=\"alternate\", <https://ca.test/issuer>;rel=\"up\"",
                "<https://ca.test/cert/1/alt/2> ; rel=alternate",
                "<http://ca.test/plain>;rel=\"alternate\"",
            ]
            .into_iter(),
        );
        assert_eq!(
            got,
            [
                "https://ca.test/cert/1/alt/1",
                "https://ca.test/cert/1/alt/2"
            ]
        );
    }
}
