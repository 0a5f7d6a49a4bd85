//! Reaching the server: reading a `postgresql://` URL the way libpq does
//! (`sslmode`, `sslrootcert`, `passfile`; the password from the URL, else
//! `PGPASSWORD`, else `~/.pgpass` or `PGPASSFILE`; the user from the URL,
//! else `PGUSER`, else the login name), the URL as messages show it (never
//! with a password: [`Target::shown`]), TLS through rustls on aws-lc-rs,
//! and a connection that gives up after [`CONNECT_TIMEOUT`] however the
//! server stalls. Queries are `super`'s.

use crate::field::Field;
use crate::mention;
use std::sync::Arc;
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::error::{Error, Kind, Result};

/// How long connecting (TCP, TLS, authentication) may take in all.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// libpq's `sslmode`, as csrkit reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tls {
    /// `disable`: plain TCP.
    Disable,
    /// `allow`/`prefer` (the default): TLS if the server offers it, its
    /// certificate unchecked (libpq's behaviour).
    Prefer,
    /// `require`: TLS or nothing, the certificate unchecked.
    Require,
    /// `verify-ca`: TLS with a certificate from a trusted root.
    VerifyCa,
    /// `verify-full`: `verify-ca`, and the certificate names the host.
    VerifyFull,
}

/// Where to connect and how, parsed from a keystore URL.
pub struct Target {
    pub config: Config,
    pub tls: Tls,
    /// `sslrootcert`: a PEM file of roots, or `system`.
    pub root_cert: Option<String>,
    /// The URL without its password, for messages.
    pub shown: String,
}

/// Parses `url` (exit 2 naming it without its password). The password is
/// looked up only here, never shown.
pub fn parse(url: &str, lock_timeout: Duration) -> Result<Target> {
    let shown = redact(url);
    let bad = |why: String| {
        Error::invalid(Field::Keystore, format!("{shown}: {why}"))
            .with_hint("the form is postgresql://user@host:port/database?sslmode=verify-full")
    };
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut tls = None;
    let mut root_cert = None;
    let mut passfile = None;
    let mut timeout = None;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(v).ok_or_else(|| bad(format!("{k}: bad %-escape")))?;
        match k {
            "sslmode" => tls = Some(parse_sslmode(&value).map_err(&bad)?),
            "sslrootcert" => root_cert = Some(value),
            "passfile" => passfile = Some(value),
            "connect_timeout" => timeout = Some(parse_timeout(&value).map_err(&bad)?),
            _ => rest.push(pair),
        }
    }
    let rebuilt = if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    let mut config: Config = rebuilt.parse().map_err(|e| bad(format!("{e}")))?;
    if config.get_user().is_none() {
        let user = std::env::var("PGUSER")
            .ok()
            .filter(|u| !u.is_empty())
            .or_else(login_name)
            .ok_or_else(|| bad("no user name".into()))?;
        config.user(&user);
    }
    if config.get_hosts().is_empty() {
        let socket = std::path::Path::new("/var/run/postgresql");
        if socket.is_dir() {
            config.host_path(socket);
        } else {
            config.host("localhost");
        }
    }
    // libpq's environment, where the URL is silent (libpq 34.15).
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if tls.is_none() {
        if let Some(m) = env("PGSSLMODE") {
            tls = Some(parse_sslmode(&m).map_err(|e| bad(format!("PGSSLMODE: {e}")))?);
        }
    }
    if root_cert.is_none() {
        root_cert = env("PGSSLROOTCERT");
    }
    if timeout.is_none() {
        if let Some(t) = env("PGCONNECT_TIMEOUT") {
            timeout = Some(parse_timeout(&t).map_err(|e| bad(format!("PGCONNECT_TIMEOUT: {e}")))?);
        }
    }
    // With no sslmode given anywhere: libpq's `prefer` on loopback and
    // Unix sockets only; any other host must be TLS with its certificate
    // verified, so that a TLS-stripping proxy gets nothing. A weaker mode
    // is the user's explicit choice.
    let tls = tls.unwrap_or_else(|| {
        if config.get_hosts().iter().all(is_loopback) {
            Tls::Prefer
        } else {
            Tls::VerifyFull
        }
    });
    if config.get_dbname().is_none() {
        let user = config.get_user().unwrap_or_default().to_string();
        config.dbname(&user);
    }
    if config.get_password().is_none() {
        if let Some(p) = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty()) {
            config.password(p.as_encoded_bytes());
        } else if let Some(p) = pgpass_lookup(&config, passfile) {
            config.password(p.as_bytes());
        }
    }
    // The server enforces --lock-timeout on every lock a statement waits
    // for (exit 5); a statement stuck for longer than that plus a minute
    // is cancelled too. Set at start-up: no round trip of its own.
    let lock_ms = lock_timeout.as_millis().clamp(1, i32::MAX as u128);
    let stmt_ms = (lock_ms + 60_000).min(i32::MAX as u128);
    let mut options = config.get_options().unwrap_or_default().to_string();
    options.push_str(&format!(
        " -c lock_timeout={lock_ms} -c statement_timeout={stmt_ms}"
    ));
    config.options(options.trim());
    if config.get_application_name().is_none() {
        config.application_name("csrkit");
    }
    config.connect_timeout(timeout.unwrap_or(CONNECT_TIMEOUT));
    config.ssl_mode(match tls {
        Tls::Disable => SslMode::Disable,
        Tls::Prefer => SslMode::Prefer,
        _ => SslMode::Require,
    });
    Ok(Target {
        config,
        tls,
        root_cert,
        shown,
    })
}

/// Connects, giving up after [`CONNECT_TIMEOUT`] in all (exit 2 naming
/// the URL without its password).
pub fn connect(target: &Target) -> Result<Client> {
    let shown = target.shown.clone();
    let fail = move |why: String| {
        Error::invalid(
            Field::Keystore,
            format!("cannot connect to the keystore {shown}: {why}"),
        )
        .with_hint("check the server, the URL, and the password (PGPASSWORD or ~/.pgpass)")
    };
    let tls = match target.tls {
        Tls::Disable => None,
        mode => Some(rustls_config(mode, target.root_cert.as_deref()).map_err(&fail)?),
    };
    let config = target.config.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    // The connection is made on a thread of its own so that no stalled
    // handshake can hold the command past the timeout; the thread is
    // left behind when it does (the process exits soon after).
    std::thread::spawn(move || {
        let client = match tls {
            None => config.connect(NoTls),
            Some(c) => config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(c)),
        };
        let _ = tx.send(client);
    });
    match rx.recv_timeout(CONNECT_TIMEOUT) {
        Ok(Ok(client)) => Ok(client),
        Ok(Err(e)) => Err(fail(describe(&e))),
        Err(_) => Err(fail(format!(
            "no answer within {} s",
            CONNECT_TIMEOUT.as_secs()
        ))),
    }
}

/// A connection error as one line: the server's message when it sent one
/// (bad password, unknown database), else the cause (refused, TLS).
fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_string();
    }
    let mut text = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        text = format!("{text}: {s}");
        src = s.source();
    }
    text
}

/// The client's TLS settings for `mode` (see [`Tls`]).
fn rustls_config(
    mode: Tls,
    root_cert: Option<&str>,
) -> std::result::Result<rustls::ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let config = match mode {
        Tls::VerifyCa | Tls::VerifyFull => {
            let roots = Arc::new(roots(root_cert)?);
            let webpki =
                rustls::client::WebPkiServerVerifier::builder_with_provider(roots, provider)
                    .build()
                    .map_err(|e| e.to_string())?;
            if mode == Tls::VerifyFull {
                builder.with_webpki_verifier(webpki)
            } else {
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(AnyName(webpki)))
            }
        }
        _ => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Unchecked(provider))),
    };
    Ok(config.with_no_client_auth())
}

/// The roots a `verify-*` mode trusts: `sslrootcert` (a PEM file, or
/// `system` for the system store), else `~/.postgresql/root.crt` when it
/// exists, else the system store.
fn roots(root_cert: Option<&str>) -> std::result::Result<rustls::RootCertStore, String> {
    let default = std::env::var_os("HOME")
        .map(|h| std::path::PathBuf::from(h).join(".postgresql/root.crt"))
        .filter(|p| p.is_file());
    let file = match root_cert {
        Some("system") => None,
        Some(f) => Some(std::path::PathBuf::from(f)),
        None => default,
    };
    let mut store = rustls::RootCertStore::empty();
    match file {
        Some(path) => {
            use rustls::pki_types::pem::PemObject;
            let certs = CertificateDer::pem_file_iter(&path)
                .map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
            for c in certs {
                let c = c.map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
                store
                    .add(c)
                    .map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
            }
        }
        None => {
            for c in rustls_native_certs::load_native_certs().certs {
                let _ = store.add(c);
            }
        }
    }
    if store.is_empty() {
        return Err("no trusted root certificates for sslmode=verify-*".into());
    }
    Ok(store)
}

/// `verify-ca`: the chain must lead to a trusted root; the name is not
/// checked (libpq's meaning).
#[derive(Debug)]
struct AnyName(Arc<rustls::client::WebPkiServerVerifier>);

impl ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName))
            | Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// `prefer`/`require`: encryption without checking whom it is with (as
/// libpq); the handshake's signatures are still checked.
#[derive(Debug)]
struct Unchecked(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// libpq's `sslmode` values (`allow` is taken as `prefer`).
fn parse_sslmode(v: &str) -> std::result::Result<Tls, String> {
    Ok(match v {
        "disable" => Tls::Disable,
        "allow" | "prefer" => Tls::Prefer,
        "require" => Tls::Require,
        "verify-ca" => Tls::VerifyCa,
        "verify-full" => Tls::VerifyFull,
        other => return Err(format!("unknown sslmode '{}'", other.escape_default())),
    })
}

/// libpq's `connect_timeout`: whole seconds, 0 for the default, at least 2.
fn parse_timeout(v: &str) -> std::result::Result<Duration, String> {
    match v.trim().parse::<u64>() {
        Ok(0) => Ok(CONNECT_TIMEOUT),
        Ok(n) => Ok(Duration::from_secs(n.clamp(2, 3600))),
        Err(_) => Err(format!(
            "connect_timeout '{}' is not a number of seconds",
            v.escape_default()
        )),
    }
}

/// A host that never leaves the machine: a Unix socket, `localhost`, or a
/// loopback address.
fn is_loopback(h: &Host) -> bool {
    match h {
        Host::Unix(_) => true,
        Host::Tcp(name) => {
            let n = name.trim_start_matches('[').trim_end_matches(']');
            n.eq_ignore_ascii_case("localhost")
                || n.parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
    }
}

/// Whether a keystore URL carries a password (in its userinfo or as a
/// `password` parameter, however %-encoded).
pub fn has_password(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let userinfo_pw = rest.rfind('@').is_some_and(|at| {
        rest[..at]
            .split(['/', '?', '#'])
            .next()
            .is_some_and(|u| u.contains(':'))
    });
    let fragment_pw = url.split_once('#').is_some_and(|(_, f)| is_secret_param(f));
    let query = rest.split_once('?').map_or("", |(_, q)| q);
    userinfo_pw || fragment_pw || query_pairs(query).any(|(k, _)| is_secret_param(&k))
}

/// The `key=value` pairs of a query string (after its `?`), each with its
/// key %-decoded.
fn query_pairs(query: &str) -> impl Iterator<Item = (String, &str)> {
    query.split('&').filter(|p| !p.is_empty()).map(|p| {
        let k = p.split('=').next().unwrap_or(p);
        (percent_decode(k).unwrap_or_else(|| k.to_string()), p)
    })
}

/// A URL parameter that holds a secret (`password`, `sslpassword`, or any
/// key naming a password, however spelled).
fn is_secret_param(key: &str) -> bool {
    key.to_ascii_lowercase().contains("pass")
}

/// `url` without any credential, whatever its encoding: the userinfo is
/// cut at its last `@` (a password may hold `/`, `?` or `@`; when in doubt
/// more is hidden, never less) down to the user name, and every parameter
/// naming a password (%-decoded) is dropped.
pub fn redact(url: &str) -> String {
    // A `#fragment` has no meaning in a keystore URL and may hold anything.
    let url = url.split('#').next().unwrap_or(url);
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let rest = match rest.rfind('@') {
        Some(at) => {
            let user = rest[..at]
                .split([':', '/', '?', '#'])
                .next()
                .unwrap_or_default();
            format!("{user}@{}", &rest[at + 1..])
        }
        None => rest.to_string(),
    };
    let (base, query) = rest.split_once('?').unwrap_or((&rest, ""));
    let mut out = format!("{scheme}://{base}");
    let kept: Vec<&str> = query_pairs(query)
        .filter(|(k, _)| !is_secret_param(k))
        .map(|(_, p)| p)
        .collect();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    out
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The login name of this process's user (libpq's default user).
fn login_name() -> Option<String> {
    if let Some(u) = std::env::var("USER").ok().filter(|u| !u.is_empty()) {
        return Some(u);
    }
    // SAFETY: getpwuid returns a pointer into static storage or NULL; it
    // is read at once, on this thread, before any other call.
    unsafe {
        let pw = libc::getpwuid(libc::getuid());
        if pw.is_null() || (*pw).pw_name.is_null() {
            return None;
        }
        Some(
            std::ffi::CStr::from_ptr((*pw).pw_name)
                .to_string_lossy()
                .into_owned(),
        )
    }
}

/// The password `~/.pgpass` (or `passfile`, or `PGPASSFILE`) gives for
/// this host, port, database and user: the first matching line, `*`
/// matching anything, `\` escaping `:` and `\`. A file that group or
/// others can read is ignored, as libpq does.
fn pgpass_lookup(config: &Config, passfile: Option<String>) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let path = passfile
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("PGPASSFILE").map(std::path::PathBuf::from))
        .or_else(|| {
            std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".pgpass"))
        })?;
    let md = std::fs::metadata(&path).ok()?;
    if !md.is_file() || md.permissions().mode() & 0o077 != 0 {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let host = match config.get_hosts().first()? {
        Host::Tcp(h) => h.clone(),
        // libpq matches a socket directory as "localhost".
        Host::Unix(_) => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let want = [
        host.as_str(),
        port.as_str(),
        config.get_dbname().unwrap_or_default(),
        config.get_user().unwrap_or_default(),
    ];
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = split_pgpass(line);
        if fields.len() != 5 {
            continue;
        }
        if fields[..4]
            .iter()
            .zip(want)
            .all(|(f, w)| f == "*" || f == w)
        {
            return Some(fields[4].clone());
        }
    }
    None
}

/// One `.pgpass` line's fields (`:`-separated, `\` escapes).
fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(n), Some(f)) = (chars.next(), fields.last_mut()) {
                    f.push(n);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => {
                if let Some(f) = fields.last_mut() {
                    f.push(c)
                }
            }
        }
    }
    fields
}

/// Whether an error's kind is a lock or statement timeout (exit 5).
pub fn is_timeout(e: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    matches!(
        e.code(),
        Some(c) if *c == SqlState::LOCK_NOT_AVAILABLE || *c == SqlState::QUERY_CANCELED
    )
}

/// A query's error as csrkit's: exit 5 for the server's lock or statement
/// timeout, exit 4 for a name or id another record holds, else exit 1
/// with the server's message, naming the keystore (without password).
pub fn query_error(shown: &str, lock_timeout: Duration, e: postgres::Error) -> Error {
    use postgres::error::SqlState;
    if is_timeout(&e) {
        return Error::new(
            Kind::Locked,
            format!(
                "the keystore {shown} stayed locked for more than {} s",
                lock_timeout.as_secs_f64()
            ),
        )
        .with_hint(concat!(
            "another csrkit is writing the same record; try again, or raise ",
            mention!(lock_timeout)
        ));
    }
    if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
        return Error::new(
            Kind::Exists,
            format!("the keystore {shown} already holds that record"),
        );
    }
    Error::internal(format!("keystore {shown}: {}", describe(&e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_drops_passwords() {
        assert_eq!(
            redact("postgresql://u:secret@h:5432/db?sslmode=require&password=x"),
            "postgresql://u@h:5432/db?sslmode=require"
        );
        assert_eq!(redact("postgres://h/db"), "postgres://h/db");
        assert_eq!(redact("postgresql://u:p@x@h/db"), "postgresql://u@h/db");
    }

    #[test]
    fn redact_hides_passwords_with_any_character_and_encoding() {
        for (url, secret) in [
            ("postgresql://u:pa/ss@h/db", "pa/ss"),
            ("postgresql://u:pa?ss@h/db", "pa?ss"),
            ("postgresql://u:p@s/s?x@h:1/db", "p@s"),
            ("postgresql://u@h/db?%70assword=hidden", "hidden"),
            ("postgresql://u@h/db?sslpassword=hidden", "hidden"),
            ("postgresql://u@h/db?PASSWORD=hidden", "hidden"),
            ("postgresql://u@h/db#password=hidden", "hidden"),
        ] {
            let shown = redact(url);
            assert!(!shown.contains(secret), "{url} -> {shown}");
            assert!(has_password(url), "{url}");
        }
        assert!(!has_password("postgresql://u@h/db?sslmode=require"));
    }

    /// With no sslmode anywhere, a remote host gets verify-full and a
    /// loopback host libpq's prefer. (PGSSLMODE, read from the
    /// environment, is left to the integration tests.)
    #[test]
    fn remote_hosts_default_to_verified_tls() {
        if std::env::var_os("PGSSLMODE").is_some() {
            return;
        }
        let t = |u: &str| parse(u, Duration::from_secs(1)).unwrap().tls;
        assert_eq!(t("postgresql://u@db.example.com/x"), Tls::VerifyFull);
        assert_eq!(t("postgresql://u@192.0.2.7:5432/x"), Tls::VerifyFull);
        assert_eq!(t("postgresql://u@127.0.0.1/x"), Tls::Prefer);
        assert_eq!(t("postgresql://u@localhost/x"), Tls::Prefer);
        assert_eq!(t("postgresql://u@[::1]/x"), Tls::Prefer);
        assert_eq!(
            t("postgresql://u@db.example.com/x?sslmode=disable"),
            Tls::Disable
        );
        assert_eq!(
            t("postgresql://u@db.example.com/x?sslmode=require"),
            Tls::Require
        );
    }

    #[test]
    fn pgpass_fields_unescape() {
        assert_eq!(
            split_pgpass(r"h:5432:*:u:pa\:ss\\"),
            vec!["h", "5432", "*", "u", r"pa:ss\"]
        );
    }
}
