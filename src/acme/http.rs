//! The HTTPS client instant-acme talks through (its `HttpClient` seam):
//! hyper 1 + hyper-rustls on aws-lc-rs, HTTP/1.1, HTTPS only, trusting
//! the system's roots (rustls-native-certs, as `import` and the
//! PostgreSQL keystore do) or, when given, every certificate of a PEM
//! file. Unlike instant-acme's default client it sets `TCP_NODELAY`:
//! hyper writes a POST's head and body separately, and with Nagle's
//! algorithm the body waits for the server's delayed ACK (about 40 ms per
//! JWS request on Linux; measured in docs/performance.md).

use std::path::Path;
use std::sync::Arc;

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
