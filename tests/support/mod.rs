//! Shared helpers for the integration tests: a temporary keystore, the
//! built binary, and OpenSSL as the independent oracle.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output, Stdio};

use assert_cmd::Command;

pub const PASS: &str = "correct horse battery staple 7f3a";

pub struct Ks {
    pub dir: tempfile::TempDir,
}

impl Ks {
    pub fn new() -> Ks {
        Ks {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("ks")
    }

    pub fn record(&self, name: &str) -> PathBuf {
        self.root().join("records").join(name)
    }

    pub fn csr_path(&self, name: &str) -> PathBuf {
        self.record(name).join("csr.pem")
    }

    pub fn key_path(&self, name: &str) -> PathBuf {
        self.record(name).join("key.pem")
    }

    /// The binary, on this keystore, with no terminal and no ambient passphrase.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("csrkit").unwrap();
        c.env("CSRKIT_KEYSTORE", self.root())
            .env_remove("CSRKIT_PASSPHRASE")
            .env_remove("CSRKIT_FORMAT")
            .env_remove("CSRKIT_NO_PASSPHRASE")
            .env_remove("CSRKIT_PASSPHRASE_FILE")
            .env("CI", "true");
        c
    }

    /// `cmd` with a passphrase in the environment.
    pub fn cmd_pass(&self) -> Command {
        let mut c = self.cmd();
        c.env("CSRKIT_PASSPHRASE", PASS);
        c
    }

    pub fn file(&self, name: &str, data: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, data).unwrap();
        p
    }

    /// Every path, mode and byte under the keystore.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, (u32, Vec<u8>)> {
        let mut out = BTreeMap::new();
        fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, (u32, Vec<u8>)>) {
            let Ok(rd) = std::fs::read_dir(dir) else {
                return;
            };
            for e in rd {
                let e = e.unwrap();
                let md = std::fs::symlink_metadata(e.path()).unwrap();
                let mode = md.permissions().mode();
                if md.is_dir() {
                    out.insert(e.path(), (mode, vec![]));
                    walk(&e.path(), out);
                } else {
                    out.insert(
                        e.path(),
                        (mode, std::fs::read(e.path()).unwrap_or_default()),
                    );
                }
            }
        }
        walk(&self.root(), &mut out);
        out
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs openssl with optional stdin.
pub fn openssl(args: &[&str], input: Option<&[u8]>) -> Output {
    let mut child = StdCommand::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl is installed");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        if let Some(i) = input {
            stdin.write_all(i).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

/// `openssl req -verify` and insist on "verify OK" (OpenSSL 3.0 exits 0
/// even when the signature fails).
pub fn assert_verifies(csr_pem: &Path) {
    let o = openssl(
        &["req", "-in", csr_pem.to_str().unwrap(), "-noout", "-verify"],
        None,
    );
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        all.contains("verify OK"),
        "openssl did not verify {}: {all}",
        csr_pem.display()
    );
    assert!(!all.contains("verify failure"), "{all}");
}

pub fn req_text(csr_pem: &Path) -> String {
    let o = openssl(
        &["req", "-in", csr_pem.to_str().unwrap(), "-noout", "-text"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

/// Subject as OpenSSL prints it in RFC 2253 order.
pub fn req_subject(csr_pem: &Path) -> String {
    let o = openssl(
        &[
            "req",
            "-in",
            csr_pem.to_str().unwrap(),
            "-noout",
            "-subject",
            "-nameopt",
            "RFC2253",
        ],
        None,
    );
    stdout(&o).trim().trim_start_matches("subject=").to_string()
}

pub fn csr_pubkey(csr_pem: &Path) -> String {
    stdout(&openssl(
        &["req", "-in", csr_pem.to_str().unwrap(), "-noout", "-pubkey"],
        None,
    ))
}

/// The public key of a key file, opened with the passphrase (or none).
pub fn key_pubkey(key_pem: &Path, pass: Option<&str>) -> Output {
    let mut args = vec!["pkey", "-in", key_pem.to_str().unwrap(), "-pubout"];
    let p;
    if let Some(pass) = pass {
        p = format!("pass:{pass}");
        args.extend(["-passin", &p]);
    } else {
        args.extend(["-passin", "pass:"]);
    }
    openssl(&args, None)
}

pub fn assert_key_matches(ks: &Ks, name: &str, pass: Option<&str>) {
    let k = key_pubkey(&ks.key_path(name), pass);
    assert!(
        k.status.success(),
        "openssl pkey could not open the key: {}",
        stderr(&k)
    );
    assert_eq!(
        stdout(&k),
        csr_pubkey(&ks.csr_path(name)),
        "key does not match the CSR"
    );
}

pub fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
}
