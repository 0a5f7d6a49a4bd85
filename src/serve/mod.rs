//! `csrkit serve`: the five vendors' certificate APIs over HTTPS, backed by
//! the keystore (SPEC §14; routes, bodies and auth flows:
//! docs/vendor-formats.md and the vendor notes it cites). One listener per
//! vendor ([`Vendor`]) at the root its appliance uses, TLS from a CA made
//! at start-up ([`tls`]), connections and the stop in `http`, the vendor's
//! auth flow and certificate routes in its own file (`nsx`, ...; `routes`
//! picks one), what the vendor files share in `common`, what every
//! listener shares in `shared` and keeps of its own in [`state`], the
//! group commit of new records in `commit`; the journal (`GET
//! /_csrkit/requests`) and the faults (`POST /_csrkit/faults`) in `admin`.
//!
//! Records are made, read, attached and deleted through [`crate::ops`] and
//! the keystore; every body is rendered by the vendor's shape in
//! [`crate::formats`], the code `--format <vendor>` prints with. Nothing
//! here knows the command line: [`Settings`] is filled by the CLI adapter.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::keys::Passphrase;
use crate::keystore::Keystore;

mod admin;
mod arcgis;
mod commit;
mod common;
mod http;
mod nsx;
mod qradar;
mod routes;
mod sbc;
mod shared;
pub mod state;
pub mod tls;
mod vendor;
mod xclarity;

pub use vendor::Vendor;

/// What `serve` runs with.
pub struct Settings {
    /// The vendors to serve (empty: all five), each on its own port.
    pub vendors: Vec<Vendor>,
    /// The address of the first listener; port 0 gives every listener a
    /// free port, a port P gives P, P+1, ... in [`Vendor::ALL`]'s order.
    pub listen: SocketAddr,
    /// Allow a non-loopback `listen` (which then needs a given password).
    pub allow_remote: bool,
    pub user: String,
    /// The password every vendor's auth flow takes; `None`: serve makes
    /// one and puts it in the ready line.
    pub password: Option<Zeroizing<String>>,
    /// Where `ca.pem` is written.
    pub tls_dir: std::path::PathBuf,
    /// Encrypts the keys serve makes (`None`: unencrypted).
    pub key_pass: Option<Passphrase>,
    /// The config file's defaults, laid under every request body.
    pub config: Config,
    /// How long a shutdown waits for requests in flight.
    pub drain: Duration,
    /// Seconds a session or token lasts (NSX, XClarity, the SBC token and
    /// its configuration lock, QRadar's SEC cookie); `None`: each
    /// vendor's default. ArcGIS tokens last what the client asks.
    pub session_lifetime: Option<i64>,
}

/// Checks `settings` before anything is bound or written. Errors (exit 2):
/// a non-loopback address without `allow_remote`, or with it but without
/// a password.
pub fn check(settings: &Settings) -> Result<()> {
    if !settings.listen.ip().is_loopback() {
        if !settings.allow_remote {
            return Err(Error::invalid_as(
                "listen",
                format!(
                    "{} is not a loopback address; serve is a test peer and listens on loopback only",
                    settings.listen.ip()
                ),
            )
            .with_hint("listen on 127.0.0.1 or ::1, or allow remote listening with a given password"));
        }
        if settings.password.is_none() {
            return Err(Error::invalid_as(
                "password",
                "remote listening needs a given password (none was given)",
            ));
        }
    }
    Ok(())
}

fn selected(settings: &Settings) -> Vec<Vendor> {
    let mut v = if settings.vendors.is_empty() {
        Vendor::ALL.to_vec()
    } else {
        settings.vendors.clone()
    };
    v.sort();
    v.dedup();
    v
}

/// Runs the listeners until SIGTERM or SIGINT: binds them all, writes the
/// CA, hands `ready` the ready line (one JSON line, SPEC §14) and serves;
/// on the signal stops accepting, lets requests in flight finish (at most
/// [`Settings::drain`]) and returns. Errors: those of [`check`]; exit 1
/// when a port cannot be bound or the CA cannot be written.
pub fn run(keystore: Keystore, settings: Settings, ready: &mut dyn FnMut(&[u8])) -> Result<()> {
    check(&settings)?;
    let vendors = selected(&settings);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("csrkit-serve")
        .build()
        .map_err(|e| Error::internal(format!("serve: cannot start the runtime: {e}")))?;
    let (password, generated) = match &settings.password {
        Some(p) => (p.clone(), false),
        None => (Zeroizing::new(state::token()[..24].to_string()), true),
    };
    // Made and dropped outside the runtime: a backend may own a runtime of
    // its own (the PostgreSQL client), which must not be dropped inside one.
    let shared = Arc::new(state::Shared::new(
        keystore,
        settings.config.clone(),
        settings.key_pass,
        settings.user.clone(),
        &password,
        settings.session_lifetime,
    ));
    let held = shared.clone();
    let result = runtime.block_on(async move {
        let tls = tls::make(&settings.tls_dir, Some(settings.listen.ip()))?;
        let mut bound = Vec::new();
        for (i, v) in vendors.iter().enumerate() {
            let mut addr = settings.listen;
            if addr.port() != 0 {
                let port = addr.port().checked_add(i as u16).ok_or_else(|| {
                    Error::invalid_as("listen", "the port range runs past 65535")
                })?;
                addr.set_port(port);
            }
            let l = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
                Error::internal(format!("serve: cannot listen on {addr} for {}: {e}", v.name()))
                    .with_hint("choose another port, or port 0 for free ones")
            })?;
            let local = l
                .local_addr()
                .map_err(|e| Error::internal(format!("serve: {e}")))?;
            bound.push((*v, l, local));
        }
        let mut vendors_json = Map::new();
        for (v, _, addr) in &bound {
            let host = match addr.ip() {
                std::net::IpAddr::V6(ip) => format!("[{ip}]"),
                std::net::IpAddr::V4(ip) => ip.to_string(),
            };
            vendors_json.insert(
                v.name().into(),
                json!({"url": format!("https://{host}:{}{}", addr.port(), v.root()), "port": addr.port()}),
            );
        }
        let mut line = Map::new();
        line.insert(
            "ca_file".into(),
            json!(tls.ca_file.to_string_lossy()),
        );
        line.insert("user".into(), json!(settings.user));
        if generated {
            line.insert("password".into(), json!(password.as_str()));
        }
        line.insert("vendors".into(), Value::Object(vendors_json));
        let mut out = serde_json::to_vec(&Value::Object(line))
            .map_err(|e| Error::internal(format!("serve: {e}")))?;
        out.push(b'\n');
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut tasks = Vec::new();
        for (v, l, _) in bound {
            let listener = Arc::new(state::Listener::new(v, shared.clone()));
            let app = router(listener);
            tasks.push(tokio::spawn(http::serve(
                l,
                tls.config.clone(),
                app,
                stop_rx.clone(),
                settings.drain,
            )));
        }
        ready(&out);
        zeroize::Zeroize::zeroize(&mut out);
        http::wait_for_signal().await;
        let _ = stop_tx.send(true);
        for t in tasks {
            let _ = t.await;
        }
        Ok(())
    });
    drop(runtime);
    drop(held);
    result
}

/// The vendor's routes with the journal, the faults and the admin routes.
fn router(l: Arc<state::Listener>) -> axum::Router {
    let vendor_routes = routes::vendor_routes(l.clone());
    admin::wrap(l, vendor_routes)
}
