//! `csrkit order` against a real, independent ACME server: Debian's
//! Pebble 2.4.0 on loopback (tests/pebble). Pebble validates http-01 by
//! connecting to csrkit's own responder; OpenSSL checks what is stored.

mod pebble;
mod support;

use std::process::Output;

use pebble::Pebble;
use support::{assert_same, mode, openssl, snapshot, stderr, stdout, Ks, PASS};

fn order(ks: &Ks, p: &Pebble, name: &str, extra: &[&str]) -> Output {
    let mut c = ks.cmd();
    c.arg("order").arg(name).args(p.order_args()).args(extra);
    c.output().unwrap()
}

fn order_at(ks: &Ks, p: &Pebble, name: &str, url: &str, port: u16, extra: &[&str]) -> Output {
    let mut c = ks.cmd();
    c.arg("order")
        .arg(name)
        .args(p.order_args_at(url, port))
        .args(extra);
    c.output().unwrap()
}

fn generate_two_names(ks: &Ks, name: &str, cn: &str) {
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

fn pubkey_of_cert(path: &std::path::Path) -> String {
    let out = openssl(
        &["x509", "-in", path.to_str().unwrap(), "-noout", "-pubkey"],
        None,
    );
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn order_http01_stores_a_chain_that_openssl_verifies_and_reuses_the_account() {
    if !pebble::available() {
        return;
    }
    let p = Pebble::start();
    let ks = Ks::new();
    generate_two_names(&ks, "web", "web.test");
    let out = order(
        &ks,
        &p,
        "web",
        &[
            "--agree-tos",
            "--no-passphrase",
            "--email",
            "ops@web.test",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "order: {}\n{}", stderr(&out), p.log());
    let _ = out;
    let rec = ks.record("web");
    let cert = rec.join("cert.pem");
    let chain = rec.join("chain.pem");
    let root = p.root_file();
    let v = openssl(
        &[
            "verify",
            "-CAfile",
            root.to_str().unwrap(),
            "-untrusted",
            chain.to_str().unwrap(),
            cert.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        v.status.success() && stdout(&v).contains(": OK"),
        "openssl verify: {}{}",
        stdout(&v),
        stderr(&v)
    );
    // The certificate is for the record's key and names.
    assert_eq!(
        pubkey_of_cert(&cert),
        support::csr_pubkey(&ks.csr_path("web"))
    );
    let text = openssl(
        &[
            "x509",
            "-in",
            cert.to_str().unwrap(),
            "-noout",
            "-ext",
            "subjectAltName",
        ],
        None,
    );
    let text = stdout(&text);
    assert!(
        text.contains("DNS:web.test") && text.contains("DNS:www.web.test"),
        "{text}"
    );
    // record.json keeps how it was ordered.
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(rec.join("record.json")).unwrap()).unwrap();
    assert_eq!(meta["revision"], 2);
    assert_eq!(meta["acme"]["directory"], p.url());
    assert_eq!(meta["acme"]["challenge"]["kind"], "http-01");
    // The account is in the keystore: 0700 directory, 0600 files.
    let accounts: Vec<_> = std::fs::read_dir(ks.root().join("acme"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(accounts.len(), 1, "{accounts:?}");
    assert_eq!(mode(&accounts[0]), 0o700);
    assert_eq!(mode(&accounts[0].join("key.pem")), 0o600);
    assert_eq!(mode(&accounts[0].join("account.json")), 0o600);

    // A second order reuses the account, and the first certificate goes
    // to history.
    let out = order(&ks, &p, "web", &["--format", "json"]);
    assert!(out.status.success(), "second order: {}", stderr(&out));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["acme"]["account_created"], false, "{j}");
    assert_eq!(j["acme"]["challenges"].as_array().unwrap().len(), 2, "{j}");
    assert!(rec.join("history/2/cert.pem").is_file());
    assert!(
        p.log().contains("There are now 1 accounts in memory"),
        "{}",
        p.log()
    );
    assert!(!p.log().contains("There are now 2 accounts"), "{}", p.log());
}

#[test]
fn the_account_key_is_stored_encrypted_like_a_record_key() {
    if !pebble::available() {
        return;
    }
    let p = Pebble::start();
    let ks = Ks::new();
    generate_two_names(&ks, "enc", "enc.test");
    let mut c = ks.cmd_pass();
    c.arg("order")
        .arg("enc")
        .args(p.order_args())
        .arg("--agree-tos");
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let acct = std::fs::read_dir(ks.root().join("acme"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let key = acct.join("key.pem");
    let pem = std::fs::read_to_string(&key).unwrap();
    assert!(
        pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        "{pem}"
    );
    // OpenSSL opens it with the passphrase: a P-256 key.
    let o = openssl(
        &[
            "pkey",
            "-in",
            key.to_str().unwrap(),
            "-passin",
            &format!("pass:{PASS}"),
            "-noout",
            "-text",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("prime256v1") || stdout(&o).contains("P-256"),
        "{}",
        stdout(&o)
    );
    // Without the passphrase the account cannot be used: exit 2 naming
    // the option, nothing sent, nothing written.
    let before = snapshot(&ks.root());
    let out = order(&ks, &p, "enc", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("passphrase"), "{}", stderr(&out));
    assert_same(
        &before,
        &snapshot(&ks.root()),
        "order without the account passphrase",
    );
}

#[test]
fn refusal_failed_challenge_and_unreachable_ca_exit_11_12_13_with_the_keystore_unchanged() {
    if !pebble::available() {
        return;
    }
    let p = Pebble::start();
    let ks = Ks::new();
    generate_two_names(&ks, "web", "web.test");
    ks.cmd()
        .args([
            "generate",
            "blk",
            "--cn",
            "blocked.test",
            "--key-type",
            "ec",
            "--no-passphrase",
        ])
        .assert()
        .success();
    // The account first (created once, stored at once).
    let out = order(&ks, &p, "web", &["--agree-tos", "--no-passphrase"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = snapshot(&ks.root());

    // 11: the CA refuses the name (Pebble's domainBlocklist).
    let out = order(&ks, &p, "blk", &["--format", "json"]);
    assert_eq!(out.status.code(), Some(11), "{}", stderr(&out));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["error"]["kind"], "ca_refused", "{j}");
    assert_eq!(
        j["error"]["acme"]["type"], "urn:ietf:params:acme:error:rejectedIdentifier",
        "{j}"
    );
    assert!(
        stderr(&out).contains("rejectedIdentifier"),
        "{}",
        stderr(&out)
    );
    assert_same(&before, &snapshot(&ks.root()), "refused order");

    // 12: the responder listens where Pebble does not connect.
    let elsewhere = pebble::free_port();
    let out = order_at(&ks, &p, "web", &p.url(), elsewhere, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(12), "{}", stderr(&out));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["error"]["kind"], "challenge_failed", "{j}");
    assert_eq!(
        j["error"]["acme"]["type"], "urn:ietf:params:acme:error:connection",
        "{j}"
    );
    assert!(
        j["error"]["acme"]["identifier"]
            .as_str()
            .unwrap()
            .ends_with("web.test"),
        "{j}"
    );
    assert_same(&before, &snapshot(&ks.root()), "failed challenge");

    // 13: nothing listens at the directory URL.
    let closed = format!("https://127.0.0.1:{}/dir", pebble::free_port());
    let out = order_at(
        &ks,
        &p,
        "web",
        &closed,
        p.http_port,
        &["--agree-tos", "--no-passphrase"],
    );
    assert_eq!(out.status.code(), Some(13), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot reach"), "{}", stderr(&out));
    assert_same(&before, &snapshot(&ks.root()), "unreachable CA");

    // 13 too: the CA's HTTPS certificate is not trusted (no CA file).
    let mut c = ks.cmd();
    c.args([
        "order",
        "web",
        "--acme",
        &p.url(),
        "--http-port",
        &p.http_port.to_string(),
    ])
    .env_remove("CSRKIT_ACME_CA_FILE");
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(13), "{}", stderr(&out));
    assert_same(&before, &snapshot(&ks.root()), "untrusted CA");

    // 2: a new account without --agree-tos; nothing is sent or written.
    let out = order(&ks, &p, "web", &["--account", "second"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--agree-tos"), "{}", stderr(&out));
    assert_same(&before, &snapshot(&ks.root()), "no --agree-tos");
}

fn serial_of(ks: &Ks, name: &str) -> String {
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ks.record(name).join("record.json")).unwrap())
            .unwrap();
    meta["certificate"]["serial"].as_str().unwrap().to_string()
}

#[test]
fn renew_is_cron_safe_renews_what_is_due_with_the_same_key_and_reports_failures() {
    if !pebble::available() {
        return;
    }
    let mut p = Pebble::start();
    let ks = Ks::new();
    generate_two_names(&ks, "web", "web.test");
    ks.generate_ec("pending");
    let out = order(&ks, &p, "web", &["--agree-tos", "--no-passphrase"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let first = serial_of(&ks, "web");

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
    assert_eq!(j.as_array().unwrap().len(), 1, "{j}");
    assert_eq!(j[0]["name"], "web");
    assert_eq!(j[0]["action"], "skipped", "{j}");
    assert_same(&before, &snapshot(&ks.root()), "renew with nothing due");

    // --dry-run with a window that covers it: exit 10, nothing written.
    let out = ks
        .cmd()
        .args(["renew", "--dry-run", "--within", "30d", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j[0]["action"], "due", "{j}");
    assert_eq!(j[0]["reason"], "window", "{j}");
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
    assert_eq!(j[0]["action"], "failed", "{j}");
    assert_eq!(j[0]["exit_code"], 13, "{j}");
    assert_same(
        &before,
        &snapshot(&ks.root()),
        "renew against a CA that is gone",
    );
}
