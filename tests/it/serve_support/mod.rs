//! A running `csrkit serve` for the tests: the built binary on a temp
//! keystore, free loopback ports, the ready line read from stdout, and
//! curl (TLS verified against the CA file serve wrote) as the HTTPS client.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use super::support::{self, Ks};

pub const PASSWORD: &str = "s3rve-test-pw";

pub struct Server {
    pub child: Child,
    pub ready: serde_json::Value,
    pub ca_file: PathBuf,
    pub work: PathBuf,
}

/// One HTTP answer.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: String,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// A response header's value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }
}

impl Server {
    /// Starts `csrkit serve --vendor V...` on `ks` (keys unencrypted) and
    /// waits for its ready line.
    pub fn start(ks: &Ks, vendors: &[&str]) -> Server {
        Server::start_with(ks, vendors, &[])
    }

    pub fn start_with(ks: &Ks, vendors: &[&str], extra: &[&str]) -> Server {
        Server::start_on(ks, None, "serve-work", vendors, extra)
    }

    /// Starts serve on `keystore` (a PostgreSQL URL; `None`: the temp
    /// directory keystore), with its files in `work` below the temp dir.
    pub fn start_on(
        ks: &Ks,
        keystore: Option<&str>,
        work: &str,
        vendors: &[&str],
        extra: &[&str],
    ) -> Server {
        let work = ks.dir.path().join(work);
        std::fs::create_dir_all(&work).unwrap();
        let pw = work.join("password");
        std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
        let mut cmd = support::csrkit(&ks.root());
        if let Some(k) = keystore {
            cmd.env("CSRKIT_KEYSTORE", k);
        }
        cmd.arg("serve")
            .arg("--password-file")
            .arg(&pw)
            .arg("--no-passphrase")
            .arg("--tls-dir")
            .arg(work.join("tls"));
        for v in vendors {
            cmd.args(["--vendor", v]);
        }
        cmd.args(extra);
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(work.join("stderr")).unwrap())
            .spawn()
            .expect("start csrkit serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(
            !line.is_empty(),
            "serve exited before its ready line: {}",
            std::fs::read_to_string(work.join("stderr")).unwrap_or_default()
        );
        let ready: serde_json::Value = serde_json::from_str(&line).unwrap();
        let ca_file = PathBuf::from(ready["ca_file"].as_str().unwrap());
        Server {
            child,
            ready,
            ca_file,
            work,
        }
    }

    pub fn port(&self, vendor: &str) -> u16 {
        self.ready["vendors"][vendor]["port"].as_u64().unwrap() as u16
    }

    /// `https://localhost:PORT` of a vendor (the root path not included).
    pub fn base(&self, vendor: &str) -> String {
        format!("https://localhost:{}", self.port(vendor))
    }

    /// One request through curl: `auth` `Some((user, password))` for
    /// Basic, `headers` as `Name: value`, `body` sent as is.
    pub fn call(
        &self,
        vendor: &str,
        method: &str,
        path: &str,
        auth: Option<(&str, &str)>,
        headers: &[&str],
        body: Option<&[u8]>,
    ) -> Resp {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let hfile = self.work.join(format!("h{n}"));
        let bfile = self.work.join(format!("b{n}"));
        let mut cmd = Command::new("curl");
        cmd.args(["-sS", "--cacert"])
            .arg(&self.ca_file)
            .args(["-X", method, "-D"])
            .arg(&hfile)
            .arg("-o")
            .arg(&bfile)
            .args(["-w", "%{http_code}"]);
        if let Some((u, p)) = auth {
            cmd.args(["-u", &format!("{u}:{p}")]);
        }
        for h in headers {
            cmd.args(["-H", h]);
        }
        if let Some(b) = body {
            let f = self.work.join(format!("req{n}"));
            std::fs::write(&f, b).unwrap();
            cmd.arg("--data-binary").arg(format!("@{}", f.display()));
        }
        cmd.arg(format!("{}{path}", self.base(vendor)));
        let out = cmd.output().expect("curl is installed");
        assert!(
            out.status.success(),
            "curl {method} {path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Resp {
            status: String::from_utf8_lossy(&out.stdout).parse().unwrap(),
            headers: std::fs::read_to_string(&hfile).unwrap_or_default(),
            body: std::fs::read(&bfile).unwrap_or_default(),
        }
    }

    /// A POST of `multipart/form-data` (`-F name=value`, `-F file=@PATH`)
    /// with `headers`.
    pub fn multipart(
        &self,
        vendor: &str,
        path: &str,
        headers: &[&str],
        fields: &[(&str, &str)],
        file: Option<&Path>,
    ) -> Resp {
        let out_file = self.work.join(format!("mp{}", std::process::id()));
        let mut cmd = Command::new("curl");
        cmd.args(["-sS", "--cacert"])
            .arg(&self.ca_file)
            .arg("-o")
            .arg(&out_file)
            .args(["-w", "%{http_code}"]);
        for h in headers {
            cmd.args(["-H", h]);
        }
        for (k, v) in fields {
            cmd.arg("-F").arg(format!("{k}={v}"));
        }
        if let Some(f) = file {
            cmd.arg("-F").arg(format!("file=@{}", f.display()));
        }
        cmd.arg(format!("{}{path}", self.base(vendor)));
        let out = cmd.output().expect("curl is installed");
        assert!(
            out.status.success(),
            "curl -F {path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Resp {
            status: String::from_utf8_lossy(&out.stdout).parse().unwrap(),
            headers: String::new(),
            body: std::fs::read(&out_file).unwrap_or_default(),
        }
    }

    /// [`Server::call`] with the right credentials.
    pub fn admin(&self, vendor: &str, method: &str, path: &str, body: Option<&[u8]>) -> Resp {
        let json = ["Content-Type: application/json"];
        let h: &[&str] = if body.is_some() { &json } else { &[] };
        self.call(vendor, method, path, Some(("admin", PASSWORD)), h, body)
    }

    /// SIGTERM, and the exit status.
    pub fn stop(mut self) -> std::process::ExitStatus {
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A test CA made by OpenSSL in `dir` (`ca.key`, `ca.pem`) and a
/// certificate it signs for the CSR in `csr_pem`, with the CSR's
/// extensions: the PEM of the leaf.
pub fn sign(dir: &Path, csr_pem: &str) -> String {
    if !dir.join("ca.pem").exists() {
        support::openssl_root_ca(
            dir,
            "ca",
            "/CN=serve test CA",
            30,
            "critical,keyCertSign,cRLSign",
        );
    }
    std::fs::write(dir.join("req.csr"), csr_pem).unwrap();
    support::openssl_in(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "req.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-days",
            "20",
            "-copy_extensions",
            "copy",
            "-set_serial",
            "4242",
            "-out",
            "leaf.pem",
        ],
    );
    std::fs::read_to_string(dir.join("leaf.pem")).unwrap()
}
