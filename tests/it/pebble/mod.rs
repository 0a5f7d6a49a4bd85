//! Pebble (Debian's `pebble` 2.4.0) for the ACME tests: a throwaway TLS
//! CA and certificate made with OpenSSL for its listener, free loopback
//! ports, `pebble-challtestsrv` as its DNS server (every name resolves to
//! 127.0.0.1, TXT records set through its management API), a
//! `domainBlocklist` (`blocked.test`) for a deterministic refusal, 7-day
//! certificates, `PEBBLE_VA_NOSLEEP=1`, `PEBBLE_AUTHZREUSE=0` and the
//! default 5% badNonce rejections kept. Both processes are killed on drop.
//! Under `CI=true` a missing Pebble fails the test instead of skipping it.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub struct Pebble {
    /// The temporary directory (kept until drop).
    dir: Option<tempfile::TempDir>,
    /// Its path: config, TLS files, logs.
    home: PathBuf,
    children: Vec<Child>,
    pub port: u16,
    pub mgmt_port: u16,
    /// The port Pebble's VA sends http-01 requests to (csrkit listens there).
    pub http_port: u16,
    pub dns_port: u16,
    pub challtest_port: u16,
}

/// A loopback port nobody listens on right now, handed out once per test
/// binary. It is taken from below the kernel's ephemeral range
/// (`ip_local_port_range`, 32768-60999 by default), where neither an
/// outgoing connection's source port nor another test's `bind(:0)` can
/// land between now and the bind of the listener it is for: ports from
/// `bind(:0)` raced those and failed a test now and then with "address
/// already in use".
pub fn free_port() -> u16 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|r| r.split_whitespace().next()?.parse::<u32>().ok())
        .unwrap_or(32768);
    const FROM: u32 = 10_000;
    if low <= FROM + 1000 {
        return TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
    }
    let span = low - FROM;
    // Two test binaries (or two runs) at once start far apart.
    let start = std::process::id().wrapping_mul(2_654_435_761) % span;
    for _ in 0..span {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = (FROM + (start + n) % span) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free loopback port between {FROM} and {low}");
}

fn found(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Whether the tools are here; under CI a missing one panics.
pub fn available() -> bool {
    for tool in ["pebble", "pebble-challtestsrv", "openssl", "curl"] {
        if !found(tool) {
            assert!(
                !in_ci(),
                "{tool} is missing (CI=true: install it, apt-get install -y pebble curl)"
            );
            eprintln!("skipped: {tool} is not installed (apt-get install -y pebble curl)");
            return false;
        }
    }
    true
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Waits until `port` accepts connections; `Err` when one of `children`
/// exits first (its port was taken after all: start again elsewhere).
fn wait_for(port: u16, what: &str, children: &mut [Child]) -> Result<(), String> {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        for c in children.iter_mut() {
            if let Ok(Some(status)) = c.try_wait() {
                return Err(format!("{what}: a process exited at start ({status})"));
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{what} did not start listening on port {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

impl Pebble {
    /// Starts Pebble; `extra` is merged into its config, `env` into its
    /// environment.
    pub fn start_with(extra: &str, env: &[(&str, &str)]) -> Pebble {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_path_buf();
        let d = d.as_path();
        openssl(
            d,
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "minica.key",
                "-out",
                "minica.pem",
                "-subj",
                "/CN=pebble test TLS CA",
                "-days",
                "2",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign",
            ],
        );
        openssl(
            d,
            &[
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "tls.key",
                "-out",
                "tls.csr",
                "-subj",
                "/CN=localhost",
            ],
        );
        std::fs::write(
            d.join("tls.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
        )
        .unwrap();
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                "tls.csr",
                "-CA",
                "minica.pem",
                "-CAkey",
                "minica.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                "tls.ext",
                "-out",
                "tls.pem",
            ],
        );
        let mut last = String::new();
        for _ in 0..5 {
            match Pebble::spawn(dir.path(), extra, env) {
                Ok(mut p) => {
                    p.dir = Some(dir);
                    return p;
                }
                Err(e) => last = e,
            }
        }
        panic!("Pebble did not start in five tries: {last}");
    }

    /// Pebble and challtestsrv on fresh ports in `d`; `Err` when one of
    /// them exits at start (a port was taken meanwhile).
    fn spawn(d: &Path, extra: &str, env: &[(&str, &str)]) -> Result<Pebble, String> {
        let (port, mgmt_port, http_port, tls_port) =
            (free_port(), free_port(), free_port(), free_port());
        let (dns_port, challtest_port) = (free_port(), free_port());
        let cfg = format!(
            r#"{{"pebble":{{"listenAddress":"127.0.0.1:{port}","managementListenAddress":"127.0.0.1:{mgmt_port}","certificate":"tls.pem","privateKey":"tls.key","httpPort":{http_port},"tlsPort":{tls_port},"ocspResponderURL":"","externalAccountBindingRequired":false,"domainBlocklist":["blocked.test"],"certificateValidityPeriod":604800{extra}}}}}"#
        );
        std::fs::write(d.join("pebble.json"), cfg).unwrap();
        let log = |name: &str| std::fs::File::create(d.join(name)).unwrap();
        let cts = Command::new("pebble-challtestsrv")
            .args([
                "-dns01",
                &format!("127.0.0.1:{dns_port}"),
                "-http01",
                "",
                "-https01",
                "",
                "-tlsalpn01",
                "",
                "-management",
                &format!("127.0.0.1:{challtest_port}"),
                "-defaultIPv4",
                "127.0.0.1",
                "-defaultIPv6",
                "",
            ])
            .current_dir(d)
            .stdout(log("challtestsrv.log"))
            .stderr(log("challtestsrv.err"))
            .spawn()
            .unwrap();
        let mut p = Pebble {
            dir: None,
            home: d.to_path_buf(),
            children: vec![cts],
            port,
            mgmt_port,
            http_port,
            dns_port,
            challtest_port,
        };
        let mut cmd = Command::new("pebble");
        cmd.args([
            "-config",
            "pebble.json",
            "-dnsserver",
            &format!("127.0.0.1:{dns_port}"),
        ])
        .env("PEBBLE_VA_NOSLEEP", "1")
        .env("PEBBLE_AUTHZREUSE", "0")
        .current_dir(d)
        .stdout(log("pebble.log"))
        .stderr(log("pebble.err"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        p.children.push(cmd.spawn().unwrap());
        wait_for(challtest_port, "pebble-challtestsrv", &mut p.children)?;
        wait_for(port, "pebble", &mut p.children)?;
        wait_for(mgmt_port, "pebble's management API", &mut p.children)?;
        Ok(p)
    }

    pub fn start() -> Pebble {
        Pebble::start_with("", &[])
    }

    /// Pebble's directory: its config, TLS files and logs; a test's
    /// hooks and scratch files may go here too.
    pub fn path(&self) -> &Path {
        &self.home
    }

    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}/dir", self.port)
    }

    /// The CA file for Pebble's own HTTPS listener.
    pub fn tls_ca(&self) -> PathBuf {
        self.home.join("minica.pem")
    }

    /// GET from the management API (curl, with the listener's CA).
    pub fn mgmt(&self, path: &str) -> String {
        let out = Command::new("curl")
            .args(["-sS", "--fail", "--cacert"])
            .arg(self.tls_ca())
            .arg(format!("https://127.0.0.1:{}{path}", self.mgmt_port))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "GET {path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Pebble's issuing root (regenerated at every start), as a file.
    pub fn root_file(&self) -> PathBuf {
        let p = self.home.join("root0.pem");
        std::fs::write(&p, self.mgmt("/roots/0")).unwrap();
        p
    }

    /// Pebble's log so far (for assertion messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.home.join("pebble.log")).unwrap_or_default()
    }

    /// The arguments that point `csrkit order` at this Pebble with the
    /// http-01 responder on Pebble's httpPort.
    pub fn order_args(&self) -> Vec<String> {
        self.order_args_at(&self.url(), self.http_port)
    }

    /// [`Pebble::order_args`] with another directory URL and responder port.
    pub fn order_args_at(&self, url: &str, http_port: u16) -> Vec<String> {
        vec![
            "--acme".into(),
            url.to_string(),
            "--acme-ca-file".into(),
            self.tls_ca().to_string_lossy().into_owned(),
            "--http-port".into(),
            http_port.to_string(),
            "--http-address".into(),
            "127.0.0.1".into(),
        ]
    }
}

impl Pebble {
    /// Stops Pebble and challtestsrv (their files stay until drop).
    pub fn stop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Pebble {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Generates `name` (EC, no passphrase) for `cn` and `www.cn`.
pub fn generate_two_names(ks: &crate::support::Ks, name: &str, cn: &str) {
    ks.cmd()
        .args([
            "generate",
            name,
            "--cn",
            cn,
            "--dns",
            cn,
            "--dns",
            &format!("www.{cn}"),
            "--key-type",
            "ec",
            "--no-passphrase",
        ])
        .assert()
        .success();
}

/// The public key (PEM) of the certificate at `path`, as OpenSSL reads it.
pub fn pubkey_of_cert(path: &std::path::Path) -> String {
    let out = crate::support::openssl(
        &["x509", "-in", path.to_str().unwrap(), "-noout", "-pubkey"],
        None,
    );
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The serial of the certificate record `name` holds (record.json).
pub fn serial_of(ks: &crate::support::Ks, name: &str) -> String {
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ks.record(name).join("record.json")).unwrap())
            .unwrap();
    meta["certificate"]["serial"].as_str().unwrap().to_string()
}
