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
