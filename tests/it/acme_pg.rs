//! ACME on the PostgreSQL keystore: `order`, `renew`, `acme
//! account|rollover|deactivate` into a `postgresql://` keystore against
//! Debian's Pebble 2.4.0 (tests/pebble), the account's row in
//! `csrkit.acme_accounts` (its key encrypted as a record key is), the
//! failures that leave every row as it was, `keystore copy` carrying the
//! account directory -> PostgreSQL -> directory, two processes storing
//! the same account, a keystore of the previous schema version upgraded,
//! and the store's account and renewal-state methods themselves. Pebble
//! is the judge of which account and which key are live. Each test skips
//! with a note without Pebble or a server (`CSRKIT_TEST_PG_URL`), and
//! fails instead under `CI=true`.

use crate::backend;
use crate::pebble;
use crate::support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use backend::{PgDb, Store};
use pebble::Pebble;
use support::{openssl, stderr, stdout, Ks, PASS};

/// Pebble and a fresh PostgreSQL keystore; `None` (after a note) when
/// either is missing outside CI.
pub(crate) fn pebble_and_pg(test: &str) -> Option<(Pebble, Store)> {
    if !pebble::available() {
        return None;
    }
    let s = Store::pg(test)?;
    Some((Pebble::start(), s))
}

pub(crate) fn db(s: &Store) -> &PgDb {
    s.pg.as_ref().unwrap()
}

/// `generate NAME` for `cn` and `www.cn` (EC, no passphrase).
pub(crate) fn generate(s: &Store, name: &str, cn: &str) {
    let o = s
        .cmd()
        .args(["generate", name, "--cn", cn, "--dns", cn])
        .args(["--dns", &format!("www.{cn}"), "--key-type", "ec"])
        .arg("--no-passphrase")
        .output()
        .unwrap();
    assert!(o.status.success(), "generate {name}: {}", stderr(&o));
}

/// `order NAME` at Pebble (http-01 on its port), with the passphrase.
pub(crate) fn order(s: &Store, p: &Pebble, name: &str, extra: &[&str]) -> Output {
    order_at(s, p, name, &p.url(), p.http_port, extra)
}

pub(crate) fn order_at(
    s: &Store,
    p: &Pebble,
    name: &str,
    url: &str,
    port: u16,
    extra: &[&str],
) -> Output {
    let mut c = s.cmd_pass();
    c.arg("order")
        .arg(name)
        .args(p.order_args_at(url, port))
        .args(extra);
    let o = c.output().unwrap();
    support::no_panic(&o);
    o
}

/// `acme ARGS --acme <pebble>`, with the passphrase.
pub(crate) fn acme(s: &Store, p: &Pebble, args: &[&str]) -> Output {
    let mut c = s.cmd_pass();
    c.arg("acme")
        .args(args)
        .args(["--acme", &p.url()])
        .env("CSRKIT_ACME_CA_FILE", p.tls_ca());
    c.output().unwrap()
}

/// One account row as the server holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub directory: String,
    pub name: String,
    pub url: String,
    pub encrypted: bool,
    pub key_pem: String,
    pub pending_key_pem: Option<String>,
    pub deactivated: Option<String>,
}

pub(crate) fn accounts(db: &PgDb) -> Vec<Row> {
    db.client()
        .query(
            "SELECT directory, name, url, encrypted, key_pem, pending_key_pem, deactivated
             FROM csrkit.acme_accounts ORDER BY directory, name",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| Row {
            directory: r.get(0),
            name: r.get(1),
            url: r.get(2),
            encrypted: r.get(3),
            key_pem: r.get(4),
            pending_key_pem: r.get(5),
            deactivated: r.get(6),
        })
        .collect()
}

pub(crate) fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
}

/// The record's certificate and chain as stored, checked by OpenSSL
/// against Pebble's root; returns the certificate's serial.
fn verify_stored_chain(s: &Store, p: &Pebble, name: &str) -> String {
    let row = db(s)
        .client()
        .query_one(
            "SELECT cert_pem, chain_pem FROM csrkit.records WHERE name = $1",
            &[&name],
        )
        .unwrap();
    let cert = s.file(
        &format!("{name}.cert.pem"),
        row.get::<_, &str>(0).as_bytes(),
    );
    let chain = s.file(
        &format!("{name}.chain.pem"),
        row.get::<_, &str>(1).as_bytes(),
    );
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
    assert_eq!(
        pebble::pubkey_of_cert(&cert),
        support::csr_pubkey(&s.csr_file(name))
    );
    let o = openssl(
        &["x509", "-in", cert.to_str().unwrap(), "-noout", "-serial"],
        None,
    );
    stdout(&o).trim().to_string()
}

/// How many accounts Pebble holds now, from its log.
pub(crate) fn pebble_accounts(p: &Pebble) -> usize {
    let log = p.log();
    (1..10)
        .rev()
        .find(|n| log.contains(&format!("There are now {n} accounts in memory")))
        .unwrap_or(0)
}

#[test]
fn order_renew_and_account_commands_on_postgresql() {
    let Some((p, s)) = pebble_and_pg("order_renew_and_account_commands_on_postgresql") else {
        return;
    };
    generate(&s, "web", "web.test");
    let o = order(
        &s,
        &p,
        "web",
        &["--agree-tos", "--email", "ops@web.test", "--format", "json"],
    );
    assert!(o.status.success(), "order: {}\n{}", stderr(&o), p.log());
    let first = json(&o);
    assert_eq!(first["acme"]["account_created"], true, "{first}");
    let serial1 = verify_stored_chain(&s, &p, "web");
    let meta = s.meta("web");
    assert_eq!(meta["revision"], 2, "{meta}");

    // The account's row: the key encrypted as a record key is, a P-256
    // key that OpenSSL opens with the passphrase only.
    let rows = accounts(db(&s));
    assert_eq!(rows.len(), 1, "{rows:?}");
    let acct = rows[0].clone();
    assert_eq!(
        (acct.directory.as_str(), acct.name.as_str()),
        (p.url().as_str(), "default")
    );
    assert_eq!(acct.url, first["acme"]["account"], "{first}");
    assert!(acct.encrypted && acct.pending_key_pem.is_none() && acct.deactivated.is_none());
    assert!(
        acct.key_pem
            .starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        "{}",
        acct.key_pem
    );
    let key = s.file("account.key.pem", acct.key_pem.as_bytes());
    let k = openssl(
        &[
            "pkey",
            "-in",
            key.to_str().unwrap(),
            "-passin",
            &format!("pass:{PASS}"),
        ],
        None,
    );
    assert!(k.status.success(), "{}", stderr(&k));
    let t = openssl(
        &[
            "pkey",
            "-in",
            key.to_str().unwrap(),
            "-passin",
            "pass:wrong",
            "-noout",
        ],
        None,
    );
    assert!(
        !t.status.success(),
        "the account key opens without its passphrase"
    );
    let text = openssl(
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
    assert!(
        stdout(&text).contains("prime256v1") || stdout(&text).contains("P-256"),
        "{}",
        stdout(&text)
    );

    // A second order reuses the account: no second newAccount at Pebble.
    let o = order(&s, &p, "web", &["--format", "json"]);
    assert!(
        o.status.success(),
        "second order: {}\n{}",
        stderr(&o),
        p.log()
    );
    let j = json(&o);
    assert_eq!(j["acme"]["account_created"], false, "{j}");
    assert_eq!(j["acme"]["account"], acct.url, "{j}");
    assert_eq!(pebble_accounts(&p), 1, "{}", p.log());
    assert_eq!(s.history_len("web"), 2);
    assert_eq!(accounts(db(&s)), rows, "the order changed the account");

    // renew --force orders again with what order stored.
    let o = s
        .cmd_pass()
        .args(["renew", "web", "--force"])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "renew: {}{}\n{}",
        stdout(&o),
        stderr(&o),
        p.log()
    );
    assert!(stdout(&o).contains("web: renewed"), "{}", stdout(&o));
    assert_eq!(s.meta("web")["revision"], 4);
    let serial3 = verify_stored_chain(&s, &p, "web");
    assert_ne!(serial1, serial3);
    assert_eq!(pebble_accounts(&p), 1, "{}", p.log());

    // renew --new-key: the new key, CSR and certificate in one revision.
    let spki_before = s.meta("web")["fingerprints"]["spki_sha256"].clone();
    let o = s
        .cmd_pass()
        .args(["renew", "web", "--force", "--new-key"])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "renew --new-key: {}{}",
        stdout(&o),
        stderr(&o)
    );
    assert!(stdout(&o).contains("with a new key"), "{}", stdout(&o));
    assert_eq!(s.meta("web")["revision"], 5);
    assert_ne!(s.meta("web")["fingerprints"]["spki_sha256"], spki_before);
    verify_stored_chain(&s, &p, "web");
    let row = db(&s)
        .client()
        .query_one(
            "SELECT cert_pem, csr_pem FROM csrkit.records WHERE name = 'web'",
            &[],
        )
        .unwrap();
    let cert = s.file("rekeyed.cert.pem", row.get::<_, &str>(0).as_bytes());
    let csr = s.file("rekeyed.csr.pem", row.get::<_, &str>(1).as_bytes());
    let cert_key = openssl(
        &["x509", "-in", cert.to_str().unwrap(), "-noout", "-pubkey"],
        None,
    );
    assert_eq!(
        String::from_utf8_lossy(&cert_key.stdout),
        support::csr_pubkey(&csr)
    );
    assert!(support::openssl_verifies(&csr));

    // acme account: the row, never the key, no network.
    let o = acme(&s, &p, &["account", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let a = json(&o);
    assert_eq!(a["url"], acct.url, "{a}");
    assert_eq!(a["contact"][0], "mailto:ops@web.test", "{a}");
    assert!(!stdout(&o).contains("PRIVATE KEY"));

    // acme rollover: a copy taken before keeps the old key, which Pebble
    // then refuses (11); the keystore's new key orders with the same URL.
    let old = Store::dir();
    let o = s
        .cmd()
        .args(["keystore", "copy", &s.location()])
        .arg(old.ks.root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = acme(&s, &p, &["rollover", "--format", "json"]);
    assert!(o.status.success(), "rollover: {}\n{}", stderr(&o), p.log());
    let rolled = accounts(db(&s));
    assert_eq!(rolled.len(), 1);
    assert_eq!(rolled[0].url, acct.url);
    assert_ne!(rolled[0].key_pem, acct.key_pem, "the key did not change");
    assert!(rolled[0]
        .key_pem
        .starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    assert!(
        rolled[0].pending_key_pem.is_none(),
        "the key change is left pending"
    );
    let o = order(&old, &p, "web", &[]);
    assert_eq!(
        o.status.code(),
        Some(11),
        "the old key still works: {}",
        stderr(&o)
    );
    let o = order(&s, &p, "web", &["--format", "json"]);
    assert!(
        o.status.success(),
        "order after rollover: {}\n{}",
        stderr(&o),
        p.log()
    );
    assert_eq!(json(&o)["acme"]["account"], acct.url);
    assert_eq!(pebble_accounts(&p), 1, "{}", p.log());

    // acme deactivate: marked in the row; a later order is refused before
    // any traffic (exit 2 naming --account) and writes nothing.
    let o = acme(&s, &p, &["deactivate", "--yes", "--format", "json"]);
    assert!(
        o.status.success(),
        "deactivate: {}\n{}",
        stderr(&o),
        p.log()
    );
    let gone = accounts(db(&s));
    assert!(gone[0].deactivated.is_some(), "{gone:?}");
    assert_eq!(gone[0].key_pem, rolled[0].key_pem);
    let before = s.state();
    let o = order(&s, &p, "web", &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--account"), "{}", stderr(&o));
    assert_eq!(before, s.state(), "a refused order changed the keystore");
}

#[test]
fn refusal_failed_challenge_and_unreachable_ca_leave_every_row_as_it_was() {
    let Some((p, s)) =
        pebble_and_pg("refusal_failed_challenge_and_unreachable_ca_leave_every_row_as_it_was")
    else {
        return;
    };
    generate(&s, "web", "web.test");
    let o = s
        .cmd()
        .args([
            "generate",
            "blk",
            "--cn",
            "blocked.test",
            "--key-type",
            "ec",
        ])
        .arg("--no-passphrase")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = order(&s, &p, "web", &["--agree-tos"]);
    assert!(o.status.success(), "{}\n{}", stderr(&o), p.log());
    let before = s.state();
    assert!(
        before.contains("ENCRYPTED PRIVATE KEY"),
        "no account row in the dump"
    );

    // 11: Pebble's domainBlocklist refuses the name.
    let o = order(&s, &p, "blk", &["--format", "json"]);
    assert_eq!(o.status.code(), Some(11), "{}", stderr(&o));
    assert_eq!(
        json(&o)["error"]["acme"]["type"],
        "urn:ietf:params:acme:error:rejectedIdentifier"
    );
    assert_eq!(before, s.state(), "refused order");

    // 12: the responder listens where Pebble does not connect.
    let o = order_at(
        &s,
        &p,
        "web",
        &p.url(),
        pebble::free_port(),
        &["--format", "json"],
    );
    assert_eq!(o.status.code(), Some(12), "{}", stderr(&o));
    assert_eq!(json(&o)["error"]["kind"], "challenge_failed");
    assert_eq!(before, s.state(), "failed challenge");

    // 13: nothing listens at the directory URL.
    let closed = format!("https://127.0.0.1:{}/dir", pebble::free_port());
    let o = order_at(&s, &p, "web", &closed, p.http_port, &["--agree-tos"]);
    assert_eq!(o.status.code(), Some(13), "{}", stderr(&o));
    assert_eq!(before, s.state(), "unreachable CA");
    assert_eq!(pebble_accounts(&p), 1, "{}", p.log());
}

/// The account's files in a directory keystore (its one `acme/<slug>/`).
fn account_dir(root: &Path) -> PathBuf {
    let dirs: Vec<PathBuf> = std::fs::read_dir(root.join("acme"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].clone()
}

fn copy(from: &str, to: &str) -> Output {
    let o = Ks::new()
        .cmd()
        .args(["keystore", "copy", from, to])
        .output()
        .unwrap();
    support::no_panic(&o);
    o
}

#[test]
fn keystore_copy_carries_the_account_directory_to_postgresql_and_back() {
    let Some((p, pg)) =
        pebble_and_pg("keystore_copy_carries_the_account_directory_to_postgresql_and_back")
    else {
        return;
    };
    let src = Store::dir();
    generate(&src, "web", "web.test");
    let o = order(&src, &p, "web", &["--agree-tos", "--format", "json"]);
    assert!(o.status.success(), "{}\n{}", stderr(&o), p.log());
    let url = json(&o)["acme"]["account"].as_str().unwrap().to_string();
    let files = account_dir(&src.ks.root());

    let o = copy(&src.location(), &pg.location());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("copied 1 ACME account"),
        "{}",
        stderr(&o)
    );
    let rows = accounts(db(&pg));
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].url, url);
    assert_eq!(
        rows[0].key_pem.as_bytes(),
        std::fs::read(files.join("key.pem")).unwrap(),
        "the key is not stored as the directory keystore stores it"
    );
    // A copy run again finds the account there.
    let o = copy(&src.location(), &pg.location());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("ACME account"), "{}", stderr(&o));

    let o = order(&pg, &p, "web", &["--format", "json"]);
    assert!(o.status.success(), "{}\n{}", stderr(&o), p.log());
    let j = json(&o);
    assert_eq!(j["acme"]["account_created"], false, "{j}");
    assert_eq!(j["acme"]["account"], url, "{j}");

    // And back into a new directory: the same files, byte for byte.
    let back = Store::dir();
    let o = copy(&pg.location(), &back.location());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("copied 1 ACME account"),
        "{}",
        stderr(&o)
    );
    let back_files = account_dir(&back.ks.root());
    assert_eq!(back_files.file_name(), files.file_name());
    for f in ["account.json", "key.pem"] {
        assert_eq!(
            std::fs::read(files.join(f)).unwrap(),
            std::fs::read(back_files.join(f)).unwrap(),
            "{f}"
        );
    }
    assert_eq!(support::mode(&back_files.join("key.pem")), 0o600);
    let o = order(&back, &p, "web", &["--format", "json"]);
    assert!(o.status.success(), "{}\n{}", stderr(&o), p.log());
    assert_eq!(json(&o)["acme"]["account"], url);
    assert_eq!(pebble_accounts(&p), 1, "{}", p.log());
}

/// Waits until `n` sessions of the database wait for a lock.
fn wait_for_lock_waiters(db: &PgDb, n: i64) {
    let mut c = db.client();
    let start = Instant::now();
    loop {
        let waiting: i64 = c
            .query_one(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
                &[],
            )
            .unwrap()
            .get(0);
        if waiting >= n {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{waiting} of {n} writers reached the lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn two_processes_storing_the_same_account_race_to_one_row_and_one_exit_4() {
    let Some((p, pg)) =
        pebble_and_pg("two_processes_storing_the_same_account_race_to_one_row_and_one_exit_4")
    else {
        return;
    };
    // A directory keystore holding one account and no record.
    let src = Store::dir();
    generate(&src, "web", "web.test");
    let o = order(&src, &p, "web", &["--agree-tos", "--no-passphrase"]);
    assert!(o.status.success(), "{}\n{}", stderr(&o), p.log());
    let o = src.cmd().args(["delete", "web", "--yes"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = pg.cmd().args(["keystore", "migrate"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));

    // The test holds the table in SHARE mode: both copies read "no such
    // account" and then wait with their INSERT; released, they race.
    let mut holder = db(&pg).client();
    let mut tx = holder.transaction().unwrap();
    tx.batch_execute("LOCK TABLE csrkit.acme_accounts IN SHARE MODE")
        .unwrap();
    let spawn = || {
        support::csrkit(&src.ks.root())
            .args(["keystore", "copy", &src.location(), &pg.location()])
            .env("CSRKIT_LOCK_TIMEOUT", "120")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    wait_for_lock_waiters(db(&pg), 2);
    tx.commit().unwrap();
    let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    let mut codes: Vec<_> = outs.iter().map(|o| o.status.code()).collect();
    codes.sort();
    assert_eq!(
        codes,
        [Some(0), Some(4)],
        "{}\n{}",
        stderr(&outs[0]),
        stderr(&outs[1])
    );
    let loser = outs.iter().find(|o| o.status.code() == Some(4)).unwrap();
    assert!(
        stderr(loser).contains("already stored")
            && stderr(loser).contains("1 ACME account not copied"),
        "{}",
        stderr(loser)
    );
    let rows = accounts(db(&pg));
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        rows[0].key_pem.as_bytes(),
        std::fs::read(account_dir(&src.ks.root()).join("key.pem")).unwrap()
    );
}

/// The schema of the previous release (version 1), as it was made:
/// records and history only.
#[test]
fn a_keystore_of_the_previous_schema_is_upgraded_with_its_records() {
    let Some(s) = Store::pg("a_keystore_of_the_previous_schema_is_upgraded_with_its_records")
    else {
        return;
    };
    generate(&s, "old", "old.test");
    // Back to version 1: version 2 only added the ACME tables, version 3
    // the listing (tests/it/pg.rs).
    db(&s)
        .client()
        .batch_execute(
            "DROP TABLE csrkit.listing; DROP FUNCTION csrkit.listing_sync() CASCADE;
             DROP TABLE csrkit.acme_accounts; DROP TABLE csrkit.acme_renewal;
             UPDATE csrkit.schema_version SET version = 1;",
        )
        .unwrap();
    let records = |s: &Store| {
        db(s)
            .client()
            .query(
                "SELECT id, name, revision, meta, key_pem FROM csrkit.records",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{}{}{}{}{}",
                    r.get::<_, i64>(0),
                    r.get::<_, &str>(1),
                    r.get::<_, i32>(2),
                    r.get::<_, &str>(3),
                    r.get::<_, &str>(4)
                )
            })
            .collect::<Vec<_>>()
    };
    let before = records(&s);
    let o = s.cmd().args(["keystore", "migrate"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("schema version 1 -> 3"),
        "{}",
        stderr(&o)
    );
    assert_eq!(records(&s), before);
    assert!(accounts(db(&s)).is_empty());
    let o = s.cmd().args(["keystore", "migrate"]).output().unwrap();
    assert!(
        stderr(&o).contains("schema version 3, up to date"),
        "{}",
        stderr(&o)
    );
    // First use upgrades too (no migrate command).
    db(&s)
        .client()
        .batch_execute(
            "DROP TABLE csrkit.listing; DROP FUNCTION csrkit.listing_sync() CASCADE;
             DROP TABLE csrkit.acme_accounts; DROP TABLE csrkit.acme_renewal;
             UPDATE csrkit.schema_version SET version = 1;",
        )
        .unwrap();
    let o = s.cmd().args(["list"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: i32 = db(&s)
        .client()
        .query_one("SELECT version FROM csrkit.schema_version", &[])
        .unwrap()
        .get(0);
    assert_eq!(v, 3);
    assert!(accounts(db(&s)).is_empty());
}

/// The Store methods themselves on PostgreSQL, as the trait documents
/// them: exit 4 for a second account of one (directory, name), exit 3
/// for replacing none, the pending key kept and settled, the renewal
/// state upserted and gone with its record, and rows written by hand
/// with a bad name, URL or control character refused.
#[cfg(feature = "pg")]
#[test]
fn the_store_keeps_accounts_and_renewal_state_as_the_trait_says() {
    use csrkit::keystore::{self, AcmeAccount};
    let Some(s) = Store::pg("the_store_keeps_accounts_and_renewal_state_as_the_trait_says") else {
        return;
    };
    let store = keystore::open(PathBuf::from(s.location()), Duration::from_secs(10)).unwrap();
    let dir = "https://ca.test/dir";
    let acct = AcmeAccount {
        directory: dir.into(),
        name: "team".into(),
        url: "https://ca.test/acct/1".into(),
        contact: vec!["mailto:a@ca.test".into(), "mailto:b@ca.test".into()],
        created: "2026-12-07T00:00:00Z".into(),
        encrypted: false,
        eab_kid: Some("kid-1".into()),
        pending_key: false,
        deactivated: None,
    };
    assert!(store.acme_account(dir, "team").unwrap().is_none());
    assert!(store.acme_accounts().unwrap().is_empty());
    let e = store.replace_acme_account(&acct, "KEY1", None).unwrap_err();
    assert_eq!(e.exit_code(), 3, "{e:?}");
    store.put_acme_account(&acct, "KEY1").unwrap();
    let e = store.put_acme_account(&acct, "KEY2").unwrap_err();
    assert_eq!(e.exit_code(), 4, "{e:?}");
    let (got, key) = store.acme_account(dir, "team").unwrap().unwrap();
    assert_eq!((got, key.as_str()), (acct.clone(), "KEY1"));
    // The same name at another directory is another account.
    let other = AcmeAccount {
        directory: "https://other.test/dir".into(),
        ..acct.clone()
    };
    store.put_acme_account(&other, "KEY3").unwrap();
    assert_eq!(store.acme_accounts().unwrap().len(), 2);

    // A key change: pending, then settled.
    assert!(store.acme_pending_key(dir, "team").unwrap().is_none());
    let pending = AcmeAccount {
        pending_key: true,
        ..acct.clone()
    };
    store
        .replace_acme_account(&pending, "KEY1", Some("NEWKEY"))
        .unwrap();
    let (got, key) = store.acme_account(dir, "team").unwrap().unwrap();
    assert!(got.pending_key && key.as_str() == "KEY1");
    assert_eq!(
        store
            .acme_pending_key(dir, "team")
            .unwrap()
            .unwrap()
            .as_str(),
        "NEWKEY"
    );
    store.replace_acme_account(&acct, "NEWKEY", None).unwrap();
    let (got, key) = store.acme_account(dir, "team").unwrap().unwrap();
    assert_eq!((got, key.as_str()), (acct.clone(), "NEWKEY"));
    assert!(store.acme_pending_key(dir, "team").unwrap().is_none());

    // A name that is not an account name never reaches the server.
    let e = store.acme_account(dir, "../x").unwrap_err();
    assert_eq!(e.exit_code(), 2, "{e:?}");
    assert_eq!(e.field, Some(csrkit::field::Field::Account), "{e:?}");

    // Rows written by hand are checked before use.
    let mut c = db(&s).client();
    for (name, url, contact) in [
        ("../../x", "https://ca.test/acct/9", "mailto:x@ca.test"),
        ("bad", "http://ca.test/acct/9", "mailto:x@ca.test"),
        ("nul", "https://ca.test/acct/9", "NULL"),
        ("esc", "https://ca.test/acct/9", "mailto:x@ca.test\u{1b}[2J"),
    ] {
        let contact = Some(contact).filter(|c| *c != "NULL");
        c.execute(
            "INSERT INTO csrkit.acme_accounts (directory, name, url, contact, created,
                encrypted, key_pem) VALUES ($1, $2, $3, ARRAY[$4], 'now', false, 'K')",
            &[&dir, &name, &url, &contact],
        )
        .unwrap();
        let e = store.acme_accounts().unwrap_err();
        assert_eq!(e.exit_code(), 1, "{name}: {e:?}");
        assert!(!e.message.contains('\u{1b}'), "{e:?}");
        if name != "../../x" {
            let e = store.acme_account(dir, name).unwrap_err();
            assert_eq!(e.exit_code(), 1, "{name}: {e:?}");
        }
        c.execute("DELETE FROM csrkit.acme_accounts WHERE name = $1", &[&name])
            .unwrap();
    }

    // Renewal state: none, stored as given, replaced, gone with its record.
    generate(&s, "web", "web.test");
    let id = s.meta("web")["id"].as_u64().unwrap().to_string();
    assert_eq!(store.acme_renewal_state(&id).unwrap(), None);
    store.put_acme_renewal_state(&id, r#"{"a": 1}"#).unwrap();
    assert_eq!(
        store.acme_renewal_state(&id).unwrap().as_deref(),
        Some(r#"{"a": 1}"#)
    );
    store.put_acme_renewal_state(&id, r#"{"b":2}"#).unwrap();
    assert_eq!(
        store.acme_renewal_state(&id).unwrap().as_deref(),
        Some(r#"{"b":2}"#)
    );
    let o = s.cmd().args(["delete", "web", "--yes"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(store.acme_renewal_state(&id).unwrap(), None);
}
