//! What only the PostgreSQL keystore has: many writers from separate
//! processes, writers killed at random moments, no plaintext key in a
//! `pg_dump`, the server's lock timeout as exit 5, connection failures
//! that name the URL without its password and never hang, TLS, libpq's
//! password sources, schema versions, and `keystore copy` both ways.
//! Each test skips (with a note) when `CSRKIT_TEST_PG_URL` is unset, and
//! fails instead under `CI=true` (`.ci/run` starts the server).

use crate::backend;
use crate::support;

use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use backend::{PgDb, Store};
use support::*;

macro_rules! db {
    ($test:literal) => {
        match PgDb::new() {
            Some(db) => db,
            None => {
                backend::skip($test);
                return;
            }
        }
    };
}

/// The binary on `url`, as a plain process (no terminal, no passphrase).
fn csrkit_at(url: &str) -> StdCommand {
    // A home of its own that does not exist: no developer's config.
    let mut c = TestEnv::at(&std::env::temp_dir().join("csrkit-pg-tests-no-home")).command();
    c.env("CSRKIT_KEYSTORE", url)
        .env("CI", "true")
        .env_remove("CSRKIT_PASSPHRASE")
        .env_remove("PGPASSWORD")
        .env_remove("CSRKIT_FORMAT")
        .stdin(Stdio::null());
    c
}

fn out(c: &mut StdCommand) -> std::process::Output {
    let o = c.output().unwrap();
    no_panic(&o);
    o
}

/// `generate --batch` of `n` EC records `<prefix>0000`, `<prefix>0001`...
/// on `url`, asserted to succeed.
fn batch(url: &str, prefix: &str, n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("batch.jsonl");
    let lines: String = (0..n)
        .map(|i| format!("{{\"name\":\"{prefix}{i:04}\",\"common_name\":\"{prefix}{i}.example.com\",\"key_type\":\"ec\"}}\n"))
        .collect();
    std::fs::write(&file, lines).unwrap();
    let o = out(csrkit_at(url)
        .args(["generate", "--no-passphrase", "--batch"])
        .arg(&file));
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `url` split into (without the password, the password).
fn split_password(url: &str) -> (String, String) {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (userinfo, host) = rest.split_once('@').unwrap();
    let (user, pass) = userinfo.split_once(':').unwrap();
    (format!("{scheme}://{user}@{host}"), pass.to_string())
}

#[test]
fn twenty_four_writers_from_separate_processes() {
    let db = db!("twenty_four_writers_from_separate_processes");
    let url = db.url();
    let children: Vec<_> = (0..24)
        .map(|i| {
            csrkit_at(&url)
                .args([
                    "generate",
                    &format!("w{i:02}"),
                    "--cn",
                    &format!("w{i}.example.com"),
                    "--no-passphrase",
                    "--key-type",
                    "ec",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let s = Store {
        ks: Ks::new(),
        pg: Some(db),
    };
    let list = s.list();
    assert_eq!(list.len(), 24);
    let mut ids: Vec<u64> = list.iter().map(|r| r["id"].as_u64().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 24);
}

#[test]
fn killed_writers_leave_only_complete_records() {
    let db = db!("killed_writers_leave_only_complete_records");
    let url = db.url();
    let s = Store {
        ks: Ks::new(),
        pg: Some(db),
    };
    // A record the killed regenerations work on, and batches and single
    // generates killed at pseudo-random moments.
    assert!(out(csrkit_at(&url).args([
        "generate",
        "shared",
        "--cn",
        "shared",
        "--no-passphrase",
        "--key-type",
        "ec"
    ]))
    .status
    .success());
    let mut seed: u64 = std::process::id() as u64 * 2654435761 + 1;
    let mut rand = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let lines: String = (0..300)
        .map(|i| format!("{{\"name\":\"k{i:03}\",\"common_name\":\"k{i}.example.com\",\"key_type\":\"ec\"}}\n"))
        .collect();
    let batch = s.file("batch.jsonl", lines.as_bytes());
    for round in 0..12 {
        let mut c = match round % 3 {
            0 => {
                let mut c = csrkit_at(&url);
                c.args(["generate", "--no-passphrase", "--batch"])
                    .arg(&batch);
                c
            }
            1 => {
                let mut c = csrkit_at(&url);
                c.args(["regenerate", "shared", "--new-key", "--no-passphrase"]);
                c
            }
            _ => {
                let mut c = csrkit_at(&url);
                c.args([
                    "generate",
                    &format!("g{round}"),
                    "--cn",
                    "g",
                    "--no-passphrase",
                    "--key-type",
                    "rsa",
                ]);
                c
            }
        };
        let mut child = c
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(5 + rand(120)));
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        let _ = child.wait();
    }
    // Every visible record is whole: its CSR verifies and its key is the CSR's.
    let list = s.list();
    assert!(!list.is_empty());
    for row in &list {
        let name = row["name"].as_str().unwrap();
        let csr = s.csr_file(name);
        assert_verifies(&csr);
        let key = s.key_file(name);
        let k = key_pubkey(&key, None);
        assert!(k.status.success(), "{name}: {}", stderr(&k));
        assert_eq!(stdout(&k), csr_pubkey(&csr), "{name}: key and CSR differ");
    }
    // History rows are whole too, and regenerate still works.
    assert!(
        out(csrkit_at(&url).args(["regenerate", "shared", "--no-passphrase"]))
            .status
            .success()
    );
}

#[test]
fn pg_dump_holds_no_plaintext_private_key() {
    let db = db!("pg_dump_holds_no_plaintext_private_key");
    let url = db.url();
    for (name, kt) in [("e", "ec"), ("r", "rsa"), ("d", "ed25519")] {
        let o = out(csrkit_at(&url).env("CSRKIT_PASSPHRASE", PASS).args([
            "generate",
            name,
            "--cn",
            name,
            "--key-type",
            kt,
        ]));
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let o =
        out(csrkit_at(&url)
            .env("CSRKIT_PASSPHRASE", PASS)
            .args(["regenerate", "e", "--new-key"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let Some(bin) = std::env::var_os("CSRKIT_TEST_PG_BIN") else {
        backend::skip("pg_dump_holds_no_plaintext_private_key (CSRKIT_TEST_PG_BIN for pg_dump)");
        return;
    };
    let (no_pass, pass) = split_password(&url);
    let dump = StdCommand::new(std::path::Path::new(&bin).join("pg_dump"))
        .arg(&no_pass)
        .env("PGPASSWORD", pass)
        .output()
        .unwrap();
    assert!(dump.status.success(), "{}", stderr(&dump));
    let text = String::from_utf8_lossy(&dump.stdout);
    assert!(
        text.contains("ENCRYPTED PRIVATE KEY"),
        "no keys in the dump?"
    );
    for plain in [
        "BEGIN PRIVATE KEY",
        "BEGIN EC PRIVATE KEY",
        "BEGIN RSA PRIVATE KEY",
        PASS,
    ] {
        assert!(!text.contains(plain), "pg_dump holds {plain}");
    }
}

#[test]
fn a_held_row_lock_is_exit_5_after_the_lock_timeout() {
    let db = db!("a_held_row_lock_is_exit_5_after_the_lock_timeout");
    let url = db.url();
    assert!(out(csrkit_at(&url).args([
        "generate",
        "web",
        "--cn",
        "web",
        "--no-passphrase",
        "--key-type",
        "ec"
    ]))
    .status
    .success());
    let mut c = db.client();
    let mut tx = c.transaction().unwrap();
    tx.query(
        "SELECT 1 FROM csrkit.records WHERE name = 'web' FOR UPDATE",
        &[],
    )
    .unwrap();
    let start = Instant::now();
    let o = out(csrkit_at(&url).args([
        "regenerate",
        "web",
        "--no-passphrase",
        "--lock-timeout",
        "1",
    ]));
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(start.elapsed() < Duration::from_secs(8));
    assert!(stderr(&o).contains("locked"), "{}", stderr(&o));
    tx.rollback().unwrap();
    let o = out(csrkit_at(&url).args([
        "regenerate",
        "web",
        "--no-passphrase",
        "--lock-timeout",
        "1",
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn connection_failures_exit_2_naming_the_url_without_its_password() {
    let Some(admin) = backend::pg_url() else {
        backend::skip("connection_failures_exit_2_naming_the_url_without_its_password");
        return;
    };
    let (no_pass, pass) = split_password(&admin);
    // A wrong password, in the URL and in PGPASSWORD.
    let wrong = admin.replace(&format!(":{pass}@"), ":not-the-password-4711@");
    for (url, env) in [
        (wrong.as_str(), None),
        (no_pass.as_str(), Some("not-the-password-4711")),
    ] {
        let mut c = csrkit_at(url);
        if let Some(p) = env {
            c.env("PGPASSWORD", p);
        }
        let o = out(c.args(["list"]));
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            !err.contains("not-the-password-4711") && !err.contains(&pass),
            "{err}"
        );
        assert!(err.contains("csrkit@127.0.0.1"), "{err}");
    }
    // Nothing listening: refused at once.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let start = Instant::now();
    let o = out(csrkit_at(&format!("postgresql://u:secret@127.0.0.1:{port}/db")).args(["list"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!stderr(&o).contains("secret"));
    assert!(start.elapsed() < Duration::from_secs(5));
    // A server that accepts and never answers: given up on within the timeout.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let start = Instant::now();
    let o = out(csrkit_at(&format!(
        "postgresql://u:secret@127.0.0.1:{port}/db?sslmode=disable"
    ))
    .args(["show", "x"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
    drop(silent);
    // A URL that does not parse, and a scheme csrkit does not know.
    for url in [
        "postgresql://u:secret@127.0.0.1:notaport/db",
        "ftp://u:secret@host/x",
        "postgresql://u@h/db?sslmode=maybe",
    ] {
        let o = out(csrkit_at(url).args(["list"]));
        assert_eq!(o.status.code(), Some(2), "{url}: {}", stderr(&o));
        assert!(!stderr(&o).contains("secret"), "{}", stderr(&o));
    }
}

#[test]
fn password_from_pgpassword_or_pgpass_and_tls_modes() {
    let db = db!("password_from_pgpassword_or_pgpass_and_tls_modes");
    let (no_pass, pass) = split_password(&db.url());
    let home = tempfile::tempdir().unwrap();
    let o = out(csrkit_at(&no_pass)
        .env("PGPASSWORD", &pass)
        .env("HOME", home.path())
        .args(["list"]));
    assert!(o.status.success(), "PGPASSWORD: {}", stderr(&o));
    let pgpass = home.path().join(".pgpass");
    std::fs::write(
        &pgpass,
        format!(
            "# comment\nother:*:*:*:nope\n127.0.0.1:*:*:csrkit:{}\n",
            pass.replace(':', "\\:")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = out(csrkit_at(&no_pass).env("HOME", home.path()).args(["list"]));
    assert!(o.status.success(), "~/.pgpass: {}", stderr(&o));
    // TLS: required, and verified against the server's certificate.
    let Some(root) = std::env::var_os("CSRKIT_TEST_PG_ROOT") else {
        return;
    };
    let root = root.to_str().unwrap().to_string();
    for q in [
        "sslmode=require".to_string(),
        format!("sslmode=verify-full&sslrootcert={root}"),
        format!("sslmode=verify-ca&sslrootcert={root}"),
    ] {
        let url = format!("{}?{q}", db.url());
        let o = out(csrkit_at(&url).args([
            "generate",
            &format!("t{}", q.len()),
            "--cn",
            "t",
            "--no-passphrase",
            "--key-type",
            "ec",
        ]));
        assert!(o.status.success(), "{q}: {}", stderr(&o));
    }
    // verify-full against roots that did not sign the server's certificate: refused.
    let url = format!("{}?sslmode=verify-full&sslrootcert=system", db.url());
    let o = out(csrkit_at(&url).args(["list"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn schema_is_migrated_on_first_use_and_a_newer_one_is_refused() {
    let db = db!("schema_is_migrated_on_first_use_and_a_newer_one_is_refused");
    let url = db.url();
    let o = out(csrkit_at(&url).args(["keystore", "migrate"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("created at version 3"),
        "{}",
        stderr(&o)
    );
    let o = out(csrkit_at(&url).args(["keystore", "migrate"]));
    assert!(stderr(&o).contains("up to date"), "{}", stderr(&o));
    db.client()
        .batch_execute("UPDATE csrkit.schema_version SET version = 99")
        .unwrap();
    let o = out(csrkit_at(&url).args(["list"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("schema version 99"), "{}", stderr(&o));
    let o = out(csrkit_at(&url).args(["keystore", "migrate"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn keystore_copy_both_ways_with_history_and_resumes() {
    let db = db!("keystore_copy_both_ways_with_history_and_resumes");
    let url = db.url();
    let src = Store::dir();
    for n in ["a", "b", "c"] {
        let o = src
            .cmd_pass()
            .args(["generate", n, "--cn", n, "--key-type", "ec"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let o = src
        .cmd_pass()
        .args(["regenerate", "b", "--dns", "b2.example.com"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = src.cmd().args(["delete", "a", "--yes"]).output().unwrap();
    assert!(o.status.success());
    let root = src.ks.root();
    let o = out(csrkit_at(&url)
        .args(["keystore", "copy"])
        .arg(&root)
        .arg(&url));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("copied 2 records"), "{}", stderr(&o));
    let dst = Store {
        ks: Ks::new(),
        pg: Some(db),
    };
    assert_eq!(dst.list(), src.list());
    assert_eq!(dst.meta("b"), src.meta("b"));
    assert_eq!(dst.history_len("b"), 1);
    assert_eq!(
        std::fs::read(dst.key_file("c")).unwrap(),
        std::fs::read(src.key_file("c")).unwrap()
    );
    // Resumed: nothing copied twice.
    let o = out(csrkit_at(&url)
        .args(["keystore", "copy"])
        .arg(&root)
        .arg(&url));
    assert!(
        stderr(&o).contains("copied 0 records") && stderr(&o).contains("2 already there"),
        "{}",
        stderr(&o)
    );
    // Ids continue after the copied ones.
    let o = out(csrkit_at(&url).args([
        "generate",
        "d",
        "--cn",
        "d",
        "--no-passphrase",
        "--key-type",
        "ec",
    ]));
    assert!(o.status.success());
    assert!(dst.meta("d")["id"].as_u64().unwrap() > dst.meta("c")["id"].as_u64().unwrap());
    // And back into a new directory.
    let back = Store::dir();
    let o = out(csrkit_at(&url)
        .args(["keystore", "copy"])
        .arg(&url)
        .arg(back.ks.root()));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(back.list(), dst.list());
    assert_eq!(back.history_len("b"), 1);
    assert_eq!(back.meta("b"), dst.meta("b"));
    let o = back.cmd_pass().args(["regenerate", "b"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(back.history_len("b"), 2);
}

/// A writer that dies right before its transaction commits (the fault
/// points `pg:replace:before-commit`, `pg:batch:committed`): the record is
/// the previous revision, whole, and a batch's committed group is whole.
#[cfg(feature = "failpoints")]
#[test]
fn a_writer_dying_before_its_commit_leaves_the_previous_revision() {
    let db = db!("a_writer_dying_before_its_commit_leaves_the_previous_revision");
    let url = db.url();
    assert!(out(csrkit_at(&url).args([
        "generate",
        "web",
        "--cn",
        "web",
        "--no-passphrase",
        "--key-type",
        "ec"
    ]))
    .status
    .success());
    let s = Store {
        ks: Ks::new(),
        pg: None,
    };
    let before = db.dump();
    let o = out(csrkit_at(&url)
        .env("CSRKIT_TEST_CRASH_AT", "pg:replace:before-commit")
        .args(["regenerate", "web", "--new-key", "--no-passphrase"]));
    assert!(!o.status.success());
    // The sequence is untouched too: the dump is byte-identical.
    assert_eq!(db.dump(), before);
    let lines: String = (0..10)
        .map(|i| format!("{{\"name\":\"b{i}\",\"common_name\":\"b{i}\",\"key_type\":\"ec\"}}\n"))
        .collect();
    let file = s.file("b.jsonl", lines.as_bytes());
    let o = out(csrkit_at(&url)
        .env("CSRKIT_TEST_CRASH_AT", "pg:batch:committed")
        .args(["generate", "--no-passphrase", "--batch"])
        .arg(&file));
    assert!(!o.status.success());
    let pg = Store {
        ks: Ks::new(),
        pg: Some(db),
    };
    let list = pg.list();
    assert!(list.len() == 1 || list.len() == 11, "{list:?}");
    for row in &list {
        let name = row["name"].as_str().unwrap();
        let csr = pg.csr_file(name);
        assert_verifies(&csr);
        assert_eq!(
            stdout(&key_pubkey(&pg.key_file(name), None)),
            csr_pubkey(&csr)
        );
    }
    assert_eq!(pg.meta("web")["revision"], 1);
}

/// `list` streams its rows from the server page by page (1,000 rows a
/// page): more than one page lists every record once, in id order, as one
/// JSON array (compact and pretty exactly as serde_json writes a whole
/// array) and as one text table with one header.
#[test]
fn list_streams_pages_of_rows_into_one_table_and_one_array() {
    let db = db!("list_streams_pages_of_rows_into_one_table_and_one_array");
    let url = db.url();
    let lines: String = (0..1003)
        .map(|i| format!("{{\"name\":\"p{i:04}\",\"common_name\":\"p{i}.example.com\",\"key_type\":\"ec\"}}\n"))
        .collect();
    let mut child = csrkit_at(&url)
        .args(["generate", "--batch", "-", "--no-passphrase"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));

    let compact = out(csrkit_at(&url).args(["list", "--format", "json"]));
    assert!(compact.status.success());
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&compact.stdout).unwrap();
    assert_eq!(rows.len(), 1003);
    let ids: Vec<u64> = rows.iter().map(|r| r["id"].as_u64().unwrap()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "ids in order, once each"
    );
    let mut again = serde_json::to_vec(&rows).unwrap();
    again.push(b'\n');
    assert_eq!(text(&compact.stdout), text(&again));

    let pretty = out(csrkit_at(&url).args(["list", "--format", "json", "--pretty"]));
    let mut again = serde_json::to_vec_pretty(&rows).unwrap();
    again.push(b'\n');
    assert_eq!(text(&pretty.stdout), text(&again));

    let table = out(csrkit_at(&url).args(["list"]));
    let t = text(&table.stdout);
    assert_eq!(t.lines().count(), 1004, "one header and a line per record");
    assert_eq!(t.lines().filter(|l| l.starts_with("ID ")).count(), 1);
    let mut names: Vec<&str> = t
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    let json_names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(
        names, json_names,
        "the table and the array in the same order"
    );
    names.sort_unstable();
    let expected: Vec<String> = (0..1003).map(|i| format!("p{i:04}")).collect();
    assert_eq!(names, expected);
}

/// `config` names a PostgreSQL keystore by its URL without the password
/// (and does not connect to say so).
#[test]
fn config_names_the_url_without_its_password() {
    let db = db!("config_names_the_url_without_its_password");
    let url = db.url();
    let (shown, password) = split_password(&url);
    for format in ["text", "json"] {
        let o = out(csrkit_at(&url).args(["--format", format, "config"]));
        assert!(o.status.success(), "{}", stderr(&o));
        let t = text(&o.stdout);
        assert!(t.contains(&shown), "{t}");
        assert!(!t.contains(&password), "{t}");
    }
}

#[test]
fn delete_removes_a_row_whose_metadata_is_corrupt() {
    let db = db!("delete_removes_a_row_whose_metadata_is_corrupt");
    let url = db.url();
    for name in ["bad", "good"] {
        let o = out(csrkit_at(&url).args([
            "generate",
            name,
            "--cn",
            &format!("{name}.example.com"),
            "--no-passphrase",
            "--key-type",
            "ec",
        ]));
        assert!(o.status.success(), "{}", stderr(&o));
    }
    db.client()
        .execute(
            "UPDATE csrkit.records SET meta = '{garbage' WHERE name = 'bad'",
            &[],
        )
        .unwrap();
    let o = out(csrkit_at(&url).args(["show", "bad"]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = out(csrkit_at(&url).args(["delete", "bad", "--yes"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("removed"), "{}", stderr(&o));
    let o = out(csrkit_at(&url).args(["show", "bad"]));
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let o = out(csrkit_at(&url).args(["show", "good"]));
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_large_batch_leaves_the_table_analyzed_so_a_key_lookup_uses_the_spki_index() {
    let db = db!("a_large_batch_leaves_the_table_analyzed_so_a_key_lookup_uses_the_spki_index");
    let url = db.url();
    batch(&url, "a", 1000);
    // The batch's ANALYZE: the catalog's row estimate is the table's
    // (before it, a new table's estimate is -1; autovacuum, with its
    // one-minute nap, does not get there first).
    let mut c = db.client();
    let row = c
        .query_one(
            "SELECT reltuples::float8 FROM pg_class WHERE oid = 'csrkit.records'::regclass",
            &[],
        )
        .unwrap();
    let estimate: f64 = row.get(0);
    assert!(
        estimate >= 1000.0,
        "the batch of 1,000 records left csrkit.records unanalyzed (estimate {estimate})"
    );
    let plan: Vec<String> = c
        .query(
            "EXPLAIN SELECT id FROM csrkit.records WHERE spki_sha256 = 'none' ORDER BY id LIMIT 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(plan.iter().any(|l| l.contains("records_spki")), "{plan:#?}");
}

/// `csrkit.listing` (schema version 3), what `list` and `expiring` read,
/// holds each record's summary exactly as `csrkit.records` does after every
/// kind of write (generate, a batch's COPY, regenerate, self-sign, delete,
/// a row inserted by SQL), and a database of version 2 gets it filled on
/// first use.
#[test]
fn the_listing_follows_every_write_and_an_older_schema_gets_it_filled() {
    let db = db!("the_listing_follows_every_write_and_an_older_schema_gets_it_filled");
    let url = db.url();
    let ok = |args: &[&str]| {
        let o = out(csrkit_at(&url).args(args));
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        o
    };
    for n in ["a", "b", "c"] {
        ok(&[
            "generate",
            n,
            "--cn",
            &format!("{n}.example.com"),
            "--key-type",
            "ec",
            "--no-passphrase",
        ]);
    }
    batch(&url, "l", 40);
    ok(&["regenerate", "b", "--org", "Two"]);
    ok(&["self-sign", "c", "--days", "30"]);
    ok(&["delete", "a", "--yes"]);
    ok(&["delete", "l0007", "--yes"]);
    type Rows = Vec<(i64, String)>;
    let both = || -> (Rows, Rows) {
        let mut c = db.client();
        let mut rows = |sql: &str| -> Rows {
            c.query(sql, &[])
                .unwrap()
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect()
        };
        (
            rows("SELECT id, summary FROM csrkit.records ORDER BY id"),
            rows("SELECT id, summary FROM csrkit.listing ORDER BY id"),
        )
    };
    let (records, listing) = both();
    assert_eq!(records.len(), 3 + 40 - 2);
    assert_eq!(listing, records);
    let c_row = listing
        .iter()
        .find(|r| r.1.contains("\"name\":\"c\""))
        .unwrap();
    assert!(c_row.1.contains("not_after"), "{c_row:?}");
    // A row written by SQL alone, as bench/scale.py fills a keystore.
    db.client()
        .batch_execute(
            "INSERT INTO csrkit.records (id, name, revision, meta, summary, csr_pem, key_pem)
             SELECT nextval('csrkit.record_id'), 'bysql', 1, meta,
                    replace(summary, '\"name\":\"b\"', '\"name\":\"bysql\"'), csr_pem, key_pem
             FROM csrkit.records WHERE name = 'b'",
        )
        .unwrap();
    let (records, listing) = both();
    assert_eq!(listing, records);
    let names = |o: &std::process::Output| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    let listed = names(&ok(&["list", "--format", "json"]));
    assert_eq!(listed.len(), records.len());
    // Back to version 2 (no listing): the first use fills it.
    db.client()
        .batch_execute(
            "DROP TABLE csrkit.listing; DROP FUNCTION csrkit.listing_sync() CASCADE;
             UPDATE csrkit.schema_version SET version = 2;",
        )
        .unwrap();
    assert_eq!(names(&ok(&["list", "--format", "json"])), listed);
    let (records2, listing) = both();
    assert_eq!(records2, records);
    assert_eq!(listing, records);
    let v: i32 = db
        .client()
        .query_one("SELECT version FROM csrkit.schema_version", &[])
        .unwrap()
        .get(0);
    assert_eq!(v, 3);
}
