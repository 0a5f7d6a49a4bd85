//! `csrkit acme deactivate` and `csrkit acme rollover` against Debian's
//! Pebble 2.4.0 on loopback (tests/pebble): Pebble is the judge of which
//! key is live and whether the account is deactivated (an order signed
//! with the old key, or from a keystore copy made before, is refused by
//! it); a crash at each step of a key change leaves a usable account.

use crate::pebble;
use crate::support;

use std::path::{Path, PathBuf};
use std::process::Output;

use pebble::{generate_two_names, Pebble};
use support::{assert_same, snapshot, stderr, stdout, Ks};

fn order_in(ks: &Ks, root: &Path, p: &Pebble, extra: &[&str]) -> Output {
    let mut c = ks.cmd_pass();
    c.env("CSRKIT_KEYSTORE", root)
        .args(["order", "web"])
        .args(p.order_args())
        .args(extra);
    c.output().unwrap()
}

fn acme(ks: &Ks, root: &Path, p: &Pebble, args: &[&str]) -> Output {
    let mut c = ks.cmd_pass();
    c.env("CSRKIT_KEYSTORE", root)
        .arg("acme")
        .args(args)
        .args(["--acme", &p.url()])
        .env("CSRKIT_ACME_CA_FILE", p.tls_ca());
    c.output().unwrap()
}

/// A keystore copy (`keystore copy`) of `ks` at this moment.
fn copy_of(ks: &Ks, into: &Path) -> PathBuf {
    let dst = into.join(format!("copy-{}", std::fs::read_dir(into).unwrap().count()));
    let out = ks
        .cmd()
        .args(["keystore", "copy"])
        .arg(ks.root())
        .arg(&dst)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    dst
}

fn account_dir(root: &Path) -> PathBuf {
    let dirs: Vec<PathBuf> = std::fs::read_dir(root.join("acme"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].clone()
}

/// An ordered record `web` with an account whose key is encrypted.
fn ordered(p: &Pebble) -> Ks {
    let ks = Ks::new();
    generate_two_names(&ks, "web", "web.test");
    let out = order_in(&ks, &ks.root(), p, &["--agree-tos"]);
    assert!(out.status.success(), "{}\n{}", stderr(&out), p.log());
    ks
}

#[test]
fn deactivate_ends_the_account_at_the_ca_and_later_orders_say_what_to_do() {
    if !pebble::available() {
        return;
    }
    let p = Pebble::start();
    let ks = ordered(&p);
    let copies = tempfile::tempdir().unwrap();
    let before_copy = copy_of(&ks, copies.path());
    let before = snapshot(&ks.root());

    // Without --yes and no terminal: refused, nothing sent or written.
    let out = acme(&ks, &ks.root(), &p, &["deactivate"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert_same(&before, &snapshot(&ks.root()), "deactivate without --yes");

    let out = acme(
        &ks,
        &ks.root(),
        &p,
        &["deactivate", "--yes", "--format", "json"],
    );
    assert!(out.status.success(), "{}\n{}", stderr(&out), p.log());
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(j["deactivated"].is_string(), "{j}");
    let out = acme(&ks, &ks.root(), &p, &["account", "--format", "json"]);
    let a: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(a["deactivated"], j["deactivated"], "{a}");

    // The keystore knows: a later order is refused before any traffic,
    // naming the way out.
    let before = snapshot(&ks.root());
    let out = order_in(&ks, &ks.root(), &p, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("deactivated") && stderr(&out).contains("--account"),
        "{}",
        stderr(&out)
    );
    assert_same(
        &before,
        &snapshot(&ks.root()),
        "order with a deactivated account",
    );

    // The CA knows: the copy made before (unmarked) is refused by Pebble.
    let out = order_in(&ks, &before_copy, &p, &[]);
    assert_eq!(out.status.code(), Some(11), "{}", stderr(&out));
    assert!(stderr(&out).contains("deactivated"), "{}", stderr(&out));
    // Deactivating it there too (a run cut off after the CA answered)
    // marks it as done.
    let out = acme(&ks, &before_copy, &p, &["deactivate", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = acme(&ks, &before_copy, &p, &["account"]);
    assert!(stdout(&out).contains("Deactivated:"), "{}", stdout(&out));

    // Another account name works (a new account at the CA).
    let out = order_in(&ks, &ks.root(), &p, &["--account", "second", "--agree-tos"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn rollover_switches_the_key_at_the_ca_and_the_old_key_is_refused() {
    if !pebble::available() {
        return;
    }
    let p = Pebble::start();
    let ks = ordered(&p);
    let copies = tempfile::tempdir().unwrap();
    let old_copy = copy_of(&ks, copies.path());
    let acct = account_dir(&ks.root());
    let old_key = std::fs::read_to_string(acct.join("key.pem")).unwrap();
    let old_json = std::fs::read(acct.join("account.json")).unwrap();

    let out = acme(&ks, &ks.root(), &p, &["rollover", "--format", "json"]);
    assert!(out.status.success(), "{}\n{}", stderr(&out), p.log());
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["key_changed"], true, "{j}");
    let new_key = std::fs::read_to_string(acct.join("key.pem")).unwrap();
    assert_ne!(old_key, new_key);
    assert!(new_key.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    assert!(!acct.join("pending-key.pem").exists());
    assert_eq!(std::fs::read(acct.join("account.json")).unwrap(), old_json);

    // The new key orders (same account); the old one is refused by Pebble.
    let out = order_in(&ks, &ks.root(), &p, &["--format", "json"]);
    assert!(out.status.success(), "{}\n{}", stderr(&out), p.log());
    let o: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(o["acme"]["account_created"], false, "{o}");
    assert_eq!(o["acme"]["account"], j["url"], "{o}");
    let before = snapshot(&old_copy);
    let out = order_in(&ks, &old_copy, &p, &[]);
    assert_eq!(out.status.code(), Some(11), "{}", stderr(&out));
    assert_same(&before, &snapshot(&old_copy), "order with the old key");
    assert!(!p.log().contains("There are now 2 accounts"), "{}", p.log());

    // A rollover the CA refuses (the old key's copy) leaves it unchanged.
    let out = acme(&ks, &old_copy, &p, &["rollover"]);
    assert_eq!(out.status.code(), Some(11), "{}", stderr(&out));
    assert_same(&before, &snapshot(&old_copy), "refused rollover");

    // Without the passphrase nothing is sent or written.
    let before = snapshot(&ks.root());
    let mut c = ks.cmd();
    c.args(["acme", "rollover", "--acme", &p.url()])
        .arg("--acme-ca-file")
        .arg(p.tls_ca());
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_same(
        &before,
        &snapshot(&ks.root()),
        "rollover without passphrase",
    );
}

#[cfg(feature = "failpoints")]
#[test]
fn a_crash_at_either_side_of_the_key_change_leaves_a_usable_account() {
    use std::os::unix::process::ExitStatusExt;
    if !pebble::available() {
        return;
    }
    let p = Pebble::start();
    let ks = ordered(&p);
    let acct = account_dir(&ks.root());
    let crash_at = |step: &str| {
        let mut c = ks.cmd_pass();
        c.args(["acme", "rollover", "--acme", &p.url()])
            .arg("--acme-ca-file")
            .arg(p.tls_ca())
            .env("CSRKIT_TEST_CRASH_AT", step);
        let out = c.output().unwrap();
        assert_eq!(
            out.status.signal(),
            Some(libc::SIGABRT),
            "{step}: {}",
            stderr(&out)
        );
        assert!(acct.join("pending-key.pem").is_file(), "{step}");
        let out = acme(&ks, &ks.root(), &p, &["account"]);
        assert!(
            stdout(&out).contains("Key change: pending"),
            "{}",
            stdout(&out)
        );
    };

    // The CA switched, csrkit died before storing that: the next order
    // asks Pebble, which answers for the pending key; it becomes the key.
    crash_at("acme:key-changed");
    let pending = std::fs::read_to_string(acct.join("pending-key.pem")).unwrap();
    let out = order_in(&ks, &ks.root(), &p, &[]);
    assert!(out.status.success(), "{}\n{}", stderr(&out), p.log());
    assert_eq!(
        std::fs::read_to_string(acct.join("key.pem")).unwrap(),
        pending
    );
    assert!(!acct.join("pending-key.pem").exists());

    // Died before asking the CA: the pending key is unknown to Pebble, so
    // it is dropped and the account is byte for byte as it was.
    let files = |d: &Path| ["account.json", "key.pem"].map(|f| std::fs::read(d.join(f)).unwrap());
    let was = files(&acct);
    crash_at("acme:pending-key-stored");
    let out = order_in(&ks, &ks.root(), &p, &[]);
    assert!(out.status.success(), "{}\n{}", stderr(&out), p.log());
    let acct = account_dir(&ks.root());
    assert_eq!(files(&acct), was);
    assert!(!acct.join("pending-key.pem").exists());
    assert!(!p.log().contains("There are now 2 accounts"), "{}", p.log());
}

/// Pebble told to refuse 30% of good nonces (`PEBBLE_WFE_NONCEREJECT`;
/// the tests' default is its 5%): every step of an account's life still
/// succeeds, because each request refused for its nonce is sent again
/// (RFC 8555 §6.5) up to nine times. With instant-acme's three tries
/// alone, one request in 37 failed here, and about two runs in three of
/// this test; at 5%, one in 8,000, which failed CI once.
#[test]
fn a_ca_that_refuses_many_good_nonces_fails_no_step() {
    if !pebble::available() {
        return;
    }
    let p = Pebble::start_with("", &[("PEBBLE_WFE_NONCEREJECT", "30")]);
    let ks = ordered(&p);
    for round in 0..2 {
        let out = order_in(&ks, &ks.root(), &p, &[]);
        assert!(out.status.success(), "order {round}: {}", stderr(&out));
    }
    let out = acme(&ks, &ks.root(), &p, &["rollover"]);
    assert!(out.status.success(), "rollover: {}", stderr(&out));
    let mut c = ks.cmd_pass();
    c.args(["revoke", "web"])
        .env("CSRKIT_ACME_CA_FILE", p.tls_ca());
    let out = c.output().unwrap();
    assert!(out.status.success(), "revoke: {}", stderr(&out));
    let out = acme(&ks, &ks.root(), &p, &["deactivate", "--yes"]);
    assert!(out.status.success(), "deactivate: {}", stderr(&out));
    assert!(
        p.log().contains("reject 30% of good nonces"),
        "Pebble did not take the setting: {}",
        p.log()
    );
}
