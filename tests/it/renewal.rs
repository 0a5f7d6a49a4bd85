//! Renewal keeps the live certificate in sight (issue 26, item 1): after
//! `regenerate`, until the new CSR's certificate is imported, `show`,
//! `list` (status `renewing`, the live expiry), `expiring` and `export`
//! still see the certificate in service; importing the new one retires
//! it to history. OpenSSL is the CA and the oracle (fingerprints, key
//! match). Each scenario runs on a directory keystore and on PostgreSQL.

use crate::backend;
use crate::support;

use std::path::{Path, PathBuf};

use backend::Store;
use support::*;

/// A root CA made by OpenSSL, in the store's temporary directory.
fn ca(s: &Store) -> PathBuf {
    let d = s.ks.dir.path().to_path_buf();
    openssl_root_ca(&d, "ca", "/CN=Renewal Test CA", 3650, "keyCertSign,cRLSign");
    d
}

/// Signs `csr` with the CA for `days`; the certificate's path.
fn sign(d: &Path, csr: &Path, days: u32, out: &str) -> PathBuf {
    std::fs::write(
        d.join(format!("{out}.ext")),
        "subjectAltName=DNS:web\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl_in(
        d,
        &[
            "x509",
            "-req",
            "-in",
            csr.to_str().unwrap(),
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            &days.to_string(),
            "-days",
            &days.to_string(),
            "-extfile",
            &format!("{out}.ext"),
            "-out",
            out,
        ],
    );
    d.join(out)
}

/// OpenSSL's SHA-256 fingerprint of the first certificate in `pem`.
fn fingerprint(pem: &[u8]) -> String {
    let o = openssl(&["x509", "-noout", "-fingerprint", "-sha256"], Some(pem));
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

fn run(c: &mut assert_cmd::Command) -> std::process::Output {
    let o = c.output().unwrap();
    no_panic(&o);
    o
}

/// A record `web` holding a certificate that ends in 10 days.
fn deployed(s: &Store) -> (PathBuf, PathBuf) {
    let d = ca(s);
    run(s.cmd().args([
        "generate",
        "web",
        "--cn",
        "web",
        "--no-passphrase",
        "--key-type",
        "ec",
    ]));
    let csr = s.csr_file("web");
    let old = sign(&d, &csr, 10, "old.pem");
    let o = run(s.cmd().args([
        "import",
        old.to_str().unwrap(),
        "--ca-file",
        d.join("ca.pem").to_str().unwrap(),
    ]));
    assert!(o.status.success(), "import: {}", stderr(&o));
    (d, old)
}

fn renewing_keeps_the_live_certificate_until_the_new_one_is_imported(s: Store) {
    let (d, old) = deployed(&s);
    let o = run(s.cmd().args(["expiring", "--within", "30d"]));
    assert_eq!(o.status.code(), Some(10), "{}", stderr(&o));

    let o = run(s.cmd().args(["regenerate", "web"]));
    assert!(o.status.success(), "regenerate: {}", stderr(&o));
    assert!(stderr(&o).contains("live certificate"), "{}", stderr(&o));

    // expiring still alerts: the CA has not answered yet.
    let o = run(s.cmd().args(["expiring", "--within", "30d"]));
    assert_eq!(o.status.code(), Some(10), "{}", stderr(&o));
    assert!(stdout(&o).contains("web"), "{}", stdout(&o));
    assert!(stdout(&o).contains("renewing"), "{}", stdout(&o));

    // list: renewing, with the live certificate's expiry.
    let rows = s.list();
    assert_eq!(rows[0]["status"], "renewing", "{rows:?}");
    assert!(rows[0]["not_after"].is_string(), "{rows:?}");
    let o = run(s.cmd().arg("list"));
    assert!(stdout(&o).contains("renewing"), "{}", stdout(&o));

    // show: the live certificate, and the revision that holds it.
    let m = s.meta("web");
    assert_eq!(m["status"], "renewing", "{m}");
    assert_eq!(m["live_certificate"]["revision"], 2, "{m}");
    let o = run(s.cmd().args(["show", "web"]));
    assert!(stdout(&o).contains("Live certificate"), "{}", stdout(&o));

    // export: still the live certificate, byte for byte.
    let o = run(s.cmd().args(["export", "web", "--format", "pem"]));
    assert!(o.status.success(), "export: {}", stderr(&o));
    assert_eq!(
        fingerprint(&o.stdout),
        fingerprint(&std::fs::read(&old).unwrap())
    );

    // The new certificate retires the live one to history.
    let csr = s.csr_file("web");
    let new = sign(&d, &csr, 90, "new.pem");
    let o = run(s.cmd().args([
        "import",
        new.to_str().unwrap(),
        "--ca-file",
        d.join("ca.pem").to_str().unwrap(),
    ]));
    assert!(o.status.success(), "import: {}", stderr(&o));
    let o = run(s.cmd().args(["expiring", "--within", "30d"]));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let rows = s.list();
    assert_eq!(rows[0]["status"], "issued", "{rows:?}");
    let m = s.meta("web");
    assert!(m.get("live_certificate").is_none(), "{m}");
    let o = run(s.cmd().args(["export", "web", "--format", "pem"]));
    assert_eq!(
        fingerprint(&o.stdout),
        fingerprint(&std::fs::read(&new).unwrap())
    );
    // History keeps every revision: generate, import, regenerate.
    assert_eq!(s.history_len("web"), 3);
}

fn a_new_key_exports_the_live_certificate_with_its_own_key(s: Store) {
    let (_d, old) = deployed(&s);
    let o = run(s
        .cmd()
        .args(["regenerate", "web", "--new-key", "--no-passphrase"]));
    assert!(o.status.success(), "regenerate: {}", stderr(&o));
    let o = run(s.cmd().args([
        "export",
        "web",
        "--format",
        "pem",
        "--with-key",
        "--no-export-passphrase",
    ]));
    assert!(o.status.success(), "export: {}", stderr(&o));
    let bundle = s.file("bundle.pem", &o.stdout);
    assert_eq!(
        fingerprint(&o.stdout),
        fingerprint(&std::fs::read(&old).unwrap())
    );
    // The key in the export is the live certificate's, not the new one.
    let key_pub = openssl(&["pkey", "-in", bundle.to_str().unwrap(), "-pubout"], None);
    let cert_pub = openssl(&["x509", "-noout", "-pubkey"], Some(&o.stdout));
    assert!(key_pub.status.success(), "{}", stderr(&key_pub));
    assert_eq!(stdout(&key_pub), stdout(&cert_pub));
    // A second regenerate keeps the same live certificate.
    let o = run(s
        .cmd()
        .args(["regenerate", "web", "--new-key", "--no-passphrase"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let m = s.meta("web");
    assert_eq!(m["live_certificate"]["revision"], 2, "{m}");
    let o = run(s.cmd().args(["export", "web", "--format", "pem"]));
    assert_eq!(
        fingerprint(&o.stdout),
        fingerprint(&std::fs::read(&old).unwrap())
    );
    // self-sign would retire a CA-issued live certificate: --force only.
    let o = run(s.cmd().args(["self-sign", "web"]));
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
}

both!(
    renewing_keeps_the_live_certificate_until_the_new_one_is_imported,
    a_new_key_exports_the_live_certificate_with_its_own_key,
);
