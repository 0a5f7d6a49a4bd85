//! The listeners' TLS: a throwaway CA made at start-up (ECDSA P-256, its
//! key only in memory), the server certificate it signs for `localhost`,
//! `127.0.0.1` and `::1` (and the listen address when it is another), the
//! CA certificate written to `ca.pem` in the TLS directory for clients to
//! trust (`REQUESTS_CA_BUNDLE`, `SSL_CERT_FILE`, `NODE_EXTRA_CA_CERTS`),
//! and the rustls server configuration on aws-lc-rs (TLS 1.2 and 1.3,
//! ALPN `http/1.1`).

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::error::{Error, Result};

/// The file the CA certificate is written to, in the TLS directory.
pub const CA_FILE: &str = "ca.pem";

/// What start-up made: the CA file's path and the server configuration.
pub struct Tls {
    pub ca_file: PathBuf,
    pub config: Arc<rustls::ServerConfig>,
}

fn tls_err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::internal(format!("serve: cannot make the {what}: {e}"))
}

/// Makes the CA and the server certificate, writes `dir/ca.pem` (mode
/// 0644: a certificate, no key; `dir` is created 0700 if missing) and
/// builds the rustls configuration. `extra_ip`: the listen address, added
/// to the certificate's SANs when it is not loopback. Errors: exit 1 when
/// the directory or the file cannot be written.
pub fn make(dir: &Path, extra_ip: Option<IpAddr>) -> Result<Tls> {
    let now = time::OffsetDateTime::now_utc();
    let ca_key = KeyPair::generate().map_err(|e| tls_err("CA key", e))?;
    let mut ca = CertificateParams::default();
    ca.distinguished_name
        .push(DnType::CommonName, "csrkit serve test CA");
    ca.distinguished_name.push(
        DnType::OrganizationName,
        "csrkit serve (throwaway, tests only)",
    );
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca.not_before = now - time::Duration::hours(1);
    ca.not_after = now + time::Duration::days(365);
    let ca_cert = ca.self_signed(&ca_key).map_err(|e| tls_err("CA", e))?;
    let issuer = Issuer::new(ca, ca_key);

    let leaf_key = KeyPair::generate().map_err(|e| tls_err("server key", e))?;
    let mut leaf = CertificateParams::default();
    leaf.distinguished_name
        .push(DnType::CommonName, "localhost");
    let mut sans = vec![
        SanType::DnsName("localhost".try_into().map_err(|e| tls_err("SAN", e))?),
        SanType::IpAddress(IpAddr::from([127, 0, 0, 1])),
        SanType::IpAddress(IpAddr::from(std::net::Ipv6Addr::LOCALHOST)),
    ];
    if let Some(ip) = extra_ip.filter(|ip| !ip.is_loopback() && !ip.is_unspecified()) {
        sans.push(SanType::IpAddress(ip));
    }
    leaf.subject_alt_names = sans;
    leaf.is_ca = IsCa::ExplicitNoCa;
    leaf.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.use_authority_key_identifier_extension = true;
    leaf.not_before = now - time::Duration::hours(1);
    leaf.not_after = now + time::Duration::days(365);
    let leaf_cert = leaf
        .signed_by(&leaf_key, &issuer)
        .map_err(|e| tls_err("server certificate", e))?;

    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| crate::error::io_at(dir, e))?;
    }
    let ca_file = dir.join(CA_FILE);
    crate::keystore::atomic_write(&ca_file, ca_cert.pem().as_bytes(), 0o644)?;

    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let chain: Vec<CertificateDer<'static>> = vec![leaf_cert.der().clone(), ca_cert.der().clone()];
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_err("TLS configuration", e))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| tls_err("TLS configuration", e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Tls {
        ca_file,
        config: Arc::new(config),
    })
}
