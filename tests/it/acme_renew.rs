//! `csrkit renew` against Debian's Pebble 2.4.0 on loopback
//! (tests/pebble): nothing due is nothing written and no traffic, a
//! window makes it due, the renewal keeps the key and runs the deploy
//! hook that `order` stored, a CA that is gone is exit 13 with the
//! keystore unchanged.

use crate::pebble;
use crate::support;

use pebble::{generate_two_names, pubkey_of_cert, serial_of, Pebble};
use support::{assert_same, snapshot, stderr, stdout, Ks, PASS};

#[test]
fn renew_is_cron_safe_renews_what_is_due_with_the_same_key_and_reports_failures() {
    if !pebble::available() {
        return;
    }
    let mut p = Pebble::start();
    let ks = Ks::new();
    generate_two_names(&ks, "web", "web.test");
    ks.generate_ec("pending");
    // A deploy hook: the record's name and files in its environment, and
    // no passphrase even when one is in csrkit's.
    let hook_out = ks.dir.path().join("deploy.log");
    let hook = format!(
        "echo \"$CSRKIT_RECORD $CSRKIT_CERT_FILE\" >> '{0}'; env >> '{0}.env'; test -s \"$CSRKIT_CERT_FILE\"",
        hook_out.display()
    );
    let mut c = ks.cmd();
    c.arg("order")
        .arg("web")
        .args(p.order_args())
        .args(["--agree-tos", "--no-passphrase", "--deploy-hook", &hook])
        .env("CSRKIT_PASSPHRASE", PASS);
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let first = serial_of(&ks, "web");
    let log = std::fs::read_to_string(&hook_out).unwrap();
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(
        log.starts_with("web /") && log.trim_end().ends_with("/records/web/cert.pem"),
        "{log}"
    );
    let env = std::fs::read_to_string(format!("{}.env", hook_out.display())).unwrap();
    assert!(!env.contains(PASS), "the deploy hook saw the passphrase");

    // Pebble's 7-day certificate has far more than a third left: nothing
    // is due, nothing is written.
    let before = snapshot(&ks.root());
    let out = ks
        .cmd()
        .args(["renew", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = j.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{j}");
    let row = |name: &str| rows.iter().find(|r| r["name"] == name).unwrap().clone();
    assert_eq!(row("web")["action"], "skipped", "{j}");
    assert!(
        row("web")["detail"].as_str().unwrap().contains("not due"),
        "{j}"
    );
    assert_eq!(row("pending")["action"], "skipped", "{j}");
    assert!(
        row("pending")["detail"]
            .as_str()
            .unwrap()
            .contains("pending"),
        "{j}"
    );
    // From cron (--quiet): nothing due prints nothing at all.
    let out = ks.cmd().args(["renew", "--quiet"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        out.stdout.is_empty() && out.stderr.is_empty(),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    // Only renew's renewal-state cache was written (tests/it/acme_ari.rs
    // reads it).
    let strip = |mut s: support::Snapshot| {
        s.retain(|k, _| !k.starts_with("acme/renewal"));
        s
    };
    assert_same(
        &strip(before),
        &strip(snapshot(&ks.root())),
        "renew with nothing due",
    );
    let before = snapshot(&ks.root());

    // --dry-run with a window that covers it: exit 10, nothing written.
    let out = ks
        .cmd()
        .args(["renew", "--dry-run", "--within", "30d", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let web = j
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "web")
        .unwrap();
    assert_eq!(web["action"], "due", "{j}");
    assert_eq!(web["reason"], "window", "{j}");
    assert_same(&before, &snapshot(&ks.root()), "renew --dry-run");

    // Due by the window: renewed with what order stored (no flags about
    // the CA), the same key, the old certificate in history.
    let out = ks
        .cmd()
        .args(["renew", "--within", "30d"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("web: renewed"), "{}", stdout(&out));
    let second = serial_of(&ks, "web");
    assert_ne!(first, second);
    assert_eq!(
        pubkey_of_cert(&ks.record("web").join("cert.pem")),
        support::csr_pubkey(&ks.csr_path("web"))
    );
    assert!(ks.record("web").join("history/2/cert.pem").is_file());
    // renew ran the deploy hook stored at order.
    let log = std::fs::read_to_string(&hook_out).unwrap();
    assert_eq!(log.lines().count(), 2, "{log}");

    // The CA gone: renew --force fails with 13, reports it, and leaves
    // the keystore as it was.
    p.stop();
    let before = snapshot(&ks.root());
    let out = ks
        .cmd()
        .args(["renew", "--force", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(13), "{}", stderr(&out));
    let j: serde_json::Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    let web = j
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "web")
        .unwrap();
    assert_eq!(web["action"], "failed", "{j}");
    assert_eq!(web["exit_code"], 13, "{j}");
    assert_same(
        &before,
        &snapshot(&ks.root()),
        "renew against a CA that is gone",
    );
}

/// `renew --new-key`: a new key and CSR of the record's key type, ordered
/// and stored with the certificate as one revision (the old key, CSR and
/// certificate to history), under the record's passphrase; every refusal
/// and a CA that is gone leave the keystore byte-identical. `--format
/// <vendor>` prints exactly what `export --format <vendor>` prints for
/// each renewed record, the report on stderr.
#[test]
fn renew_new_key_rekeys_in_one_revision_and_prints_the_vendor_body() {
    if !pebble::available() {
        return;
    }
    let mut p = Pebble::start();
    let ks = Ks::new();
    ks.cmd_pass()
        .args([
            "generate",
            "web",
            "--cn",
            "web.test",
            "--dns",
            "web.test",
            "--key-type",
            "ec",
        ])
        .assert()
        .success();
    let out = ks
        .cmd_pass()
        .arg("order")
        .arg("web")
        .args(p.order_args())
        .arg("--agree-tos")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let old_key = support::csr_pubkey(&ks.csr_path("web"));
    let old_serial = serial_of(&ks, "web");

    // Refused before any network traffic, nothing written: a binary body
    // for more than one record, a vendor body that carries the key with
    // no export passphrase, a wrong passphrase for the new key.
    let before = snapshot(&ks.root());
    let out = ks
        .cmd_pass()
        .args(["renew", "--force", "--format", "arcgis"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--format"), "{}", stderr(&out));
    let out = ks
        .cmd_pass()
        .args(["renew", "web", "--force", "--format", "nsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--export-passphrase-file"),
        "{}",
        stderr(&out)
    );
    let out = ks
        .cmd()
        .env("CSRKIT_PASSPHRASE", "not the passphrase")
        .args(["renew", "web", "--force", "--new-key", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert_same(&before, &snapshot(&ks.root()), "refused renewals");

    // QRadar holds RSA keys only: refused before the order.
    let out = ks
        .cmd_pass()
        .args([
            "renew",
            "web",
            "--force",
            "--format",
            "qradar",
            "--no-export-passphrase",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("RSA"), "{}", stderr(&out));
    assert_same(&before, &snapshot(&ks.root()), "refused renewals");

    // Renewed with a new key; stdout is the SBC import body alone.
    let out = ks
        .cmd_pass()
        .args(["renew", "web", "--force", "--new-key", "--format", "sbc"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("web: renewed (forced) with a new key"),
        "{}",
        stderr(&out)
    );
    let export = ks
        .cmd_pass()
        .args(["export", "web", "--format", "sbc"])
        .output()
        .unwrap();
    assert!(export.status.success(), "{}", stderr(&export));
    assert_eq!(stdout(&out), stdout(&export));
    let new_key = support::csr_pubkey(&ks.csr_path("web"));
    assert_ne!(old_key, new_key, "the CSR's key did not change");
    assert_eq!(pubkey_of_cert(&ks.record("web").join("cert.pem")), new_key);
    assert_ne!(serial_of(&ks, "web"), old_serial);
    assert!(support::openssl_verifies(&ks.csr_path("web")));
    // The new key is encrypted under the record's passphrase and is the
    // certificate's (OpenSSL opens it); the old one is in history.
    let key_pem = std::fs::read_to_string(ks.record("web").join("key.pem")).unwrap();
    assert!(key_pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let key_file = ks.record("web").join("key.pem");
    let pass = format!("pass:{PASS}");
    let o = support::openssl(
        &[
            "pkey",
            "-in",
            key_file.to_str().unwrap(),
            "-passin",
            &pass,
            "-pubout",
        ],
        None,
    );
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stdout), new_key);
    let hist = ks.record("web").join("history/2");
    assert!(hist.join("key.pem").is_file() && hist.join("cert.pem").is_file());
    assert_eq!(support::csr_pubkey(&hist.join("csr.pem")), old_key);

    // A body that carries the key (NSX), here unencrypted as asked.
    let out = ks
        .cmd_pass()
        .args([
            "renew",
            "web",
            "--force",
            "--format",
            "nsx",
            "--no-export-passphrase",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let export = ks
        .cmd_pass()
        .args(["export", "web", "--format", "nsx", "--no-export-passphrase"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), stdout(&export));
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        body["private_key"]
            .as_str()
            .unwrap()
            .contains("PRIVATE KEY"),
        "{body}"
    );

    // The new key keeps the record's protection: an encrypted record's
    // is never stored unencrypted (refused before any traffic), an
    // unencrypted record's stays unencrypted though a passphrase is set
    // (it opens the ACME account's key).
    let before = snapshot(&ks.root());
    let out = ks
        .cmd_pass()
        .args(["renew", "web", "--force", "--new-key", "--no-passphrase"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(stderr(&out).contains("--no-passphrase"), "{}", stderr(&out));
    assert_same(
        &before,
        &snapshot(&ks.root()),
        "rekey of an encrypted record, no passphrase",
    );
    ks.generate_ec("plain");
    ks.cmd()
        .args([
            "regenerate",
            "plain",
            "--dns",
            "plain.test",
            "--no-passphrase",
        ])
        .assert()
        .success();
    let out = ks
        .cmd_pass()
        .arg("order")
        .arg("plain")
        .args(p.order_args())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = ks
        .cmd_pass()
        .args(["renew", "plain", "--force", "--new-key"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let plain_key = std::fs::read_to_string(ks.record("plain").join("key.pem")).unwrap();
    assert!(
        plain_key.starts_with("-----BEGIN PRIVATE KEY-----"),
        "{plain_key}"
    );
    assert_eq!(
        pubkey_of_cert(&ks.record("plain").join("cert.pem")),
        support::csr_pubkey(&ks.csr_path("plain"))
    );

    // QRadar cannot hold these EC records: said by every run, due or not
    // (a cron job learns it before renewal day), and never after an order.
    let before = snapshot(&ks.root());
    let out = ks
        .cmd_pass()
        .args(["renew", "--format", "qradar", "--no-export-passphrase"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains('\u{1}'),
        "a field marker leaked: {:?}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("plain: failed (exit 2): --format"),
        "{}",
        stderr(&out)
    );
    assert_same(
        &before,
        &snapshot(&ks.root()),
        "qradar refusal, nothing due",
    );

    // A record named twice is renewed once; a record named that renew
    // cannot renew (pending) is exit 2, nothing written for it.
    let out = ks
        .cmd_pass()
        .args(["renew", "web", "1", "--force", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    ks.generate_ec("pending");
    let before = snapshot(&ks.root());
    let out = ks
        .cmd_pass()
        .args(["renew", "pending", "--force"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("pending"), "{}", stderr(&out));
    assert_same(&before, &snapshot(&ks.root()), "renew of a pending record");

    // The CA gone: --new-key fails with 13 and nothing of the new key is
    // written (the record keeps its key, CSR and live certificate).
    p.stop();
    let before = snapshot(&ks.root());
    let out = ks
        .cmd_pass()
        .args(["renew", "web", "--force", "--new-key"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(13), "{}", stderr(&out));
    assert_same(&before, &snapshot(&ks.root()), "renew --new-key, CA gone");
}
