//! The keystore scenarios, written once and run on both backends (see
//! `both!`): a directory keystore, and a PostgreSQL one when
//! `CSRKIT_TEST_PG_URL` names a server (`.ci/run` starts one). Every
//! record read back is checked with OpenSSL: the CSR verifies and the
//! stored key is the CSR's key.

use crate::backend;
use crate::support;

use backend::Store;
use support::*;

both!(
    generate_show_list_download,
    regenerate_keeps_history,
    delete_never_reuses_ids,
    import_self_sign_expiring,
    batch_commits_every_line,
    refusals_leave_the_keystore_unchanged,
);

/// The stored key (decrypted with `pass`) has the CSR's public key.
fn assert_key_matches(s: &Store, name: &str, pass: Option<&str>) {
    let csr = s.csr_file(name);
    assert_verifies(&csr);
    let key = s.key_file(name);
    let out = key_pubkey(&key, pass);
    assert!(
        out.status.success(),
        "openssl pkey {name}: {}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), csr_pubkey(&csr), "{name}: key and CSR differ");
}

fn ok(cmd: &mut assert_cmd::Command) -> String {
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

fn code(cmd: &mut assert_cmd::Command) -> (Option<i32>, String) {
    let o = cmd.output().unwrap();
    no_panic(&o);
    (o.status.code(), stderr(&o))
}

fn generate_show_list_download(s: Store) {
    ok(s.cmd().args([
        "generate",
        "web",
        "--cn",
        "web.example.com",
        "--no-passphrase",
        "--key-type",
        "ec",
    ]));
    ok(s.cmd_pass().args([
        "generate",
        "db",
        "--cn",
        "db.example.com",
        "--key-type",
        "rsa",
        "--key-size",
        "2048",
    ]));
    assert_key_matches(&s, "web", None);
    assert_key_matches(&s, "db", Some(PASS));
    // The encrypted key is stored encrypted.
    let key = std::fs::read_to_string(s.key_file("db")).unwrap();
    assert!(
        key.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        "{key}"
    );
    let list = s.list();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["name"], "web");
    assert_eq!(list[1]["name"], "db");
    let (id1, id2) = (
        list[0]["id"].as_u64().unwrap(),
        list[1]["id"].as_u64().unwrap(),
    );
    assert!(id1 < id2);
    // By name and by id, the same record.
    let by_name = s.meta("db");
    let by_id = s.meta(&id2.to_string());
    assert_eq!(by_name, by_id);
    let text = ok(s.cmd().args(["list"]));
    assert!(
        text.contains("web") && text.contains("db.example.com"),
        "{text}"
    );
    let shown = ok(s.cmd().args(["show", "web"]));
    assert!(shown.contains("web.example.com"), "{shown}");
    // DER download round-trips through OpenSSL.
    let der = s.file(
        "web.der",
        &s.cmd()
            .args(["download", "web", "--der"])
            .output()
            .unwrap()
            .stdout,
    );
    let o = openssl(
        &[
            "req",
            "-inform",
            "DER",
            "-in",
            der.to_str().unwrap(),
            "-noout",
            "-verify",
        ],
        None,
    );
    assert!(stderr(&o).contains("verify OK") || stdout(&o).contains("verify OK"));
}

fn regenerate_keeps_history(s: Store) {
    ok(s.cmd().args([
        "generate",
        "app",
        "--cn",
        "app.example.com",
        "--no-passphrase",
        "--key-type",
        "ec",
    ]));
    let before = std::fs::read_to_string(s.key_file("app")).unwrap();
    ok(s.cmd().args([
        "regenerate",
        "app",
        "--dns",
        "alt.example.com",
        "--no-passphrase",
    ]));
    let m = s.meta("app");
    assert_eq!(m["revision"], 2, "{m}");
    assert_eq!(s.history_len("app"), 1);
    assert_eq!(std::fs::read_to_string(s.key_file("app")).unwrap(), before);
    assert!(req_text(&s.csr_file("app")).contains("alt.example.com"));
    ok(s.cmd()
        .args(["regenerate", "app", "--new-key", "--no-passphrase"]));
    assert_eq!(s.meta("app")["revision"], 3);
    assert_eq!(s.history_len("app"), 2);
    assert_ne!(std::fs::read_to_string(s.key_file("app")).unwrap(), before);
    assert_key_matches(&s, "app", None);
    // The id stays.
    assert_eq!(s.list()[0]["id"], m["id"]);
}

fn delete_never_reuses_ids(s: Store) {
    for n in ["a", "b"] {
        ok(s.cmd().args([
            "generate",
            n,
            "--cn",
            n,
            "--no-passphrase",
            "--key-type",
            "ec",
        ]));
    }
    let b = s.meta("b")["id"].as_u64().unwrap();
    ok(s.cmd().args(["regenerate", "b", "--no-passphrase"]));
    ok(s.cmd().args(["delete", "b", "--yes"]));
    let (c, err) = code(s.cmd().args(["show", "b"]));
    assert_eq!(c, Some(3), "{err}");
    let (c, _) = code(s.cmd().args(["show", &b.to_string()]));
    assert_eq!(c, Some(3));
    ok(s.cmd().args([
        "generate",
        "b",
        "--cn",
        "b",
        "--no-passphrase",
        "--key-type",
        "ec",
    ]));
    let again = s.meta("b");
    assert!(again["id"].as_u64().unwrap() > b, "{again}");
    assert_eq!(again["revision"], 1);
    assert_eq!(s.history_len("b"), 0);
    assert_eq!(s.list().len(), 2);
}

fn import_self_sign_expiring(s: Store) {
    ok(s.cmd().args([
        "generate",
        "web",
        "--cn",
        "web.example.com",
        "--no-passphrase",
        "--key-type",
        "ec",
    ]));
    ok(s.cmd().args([
        "generate",
        "api",
        "--cn",
        "api.example.com",
        "--no-passphrase",
        "--key-type",
        "ec",
    ]));
    // A CA of OpenSSL's signs web's CSR; import finds the record by key.
    let dir = s.ks.dir.path();
    let ca_key = dir.join("ca.key");
    let ca = dir.join("ca.pem");
    openssl_root_ca(dir, "ca", "/CN=Test CA", 30, "critical,keyCertSign,cRLSign");
    let leaf = dir.join("web.crt");
    let csr = s.csr_file("web");
    let o = openssl(
        &[
            "x509",
            "-req",
            "-in",
            csr.to_str().unwrap(),
            "-CA",
            ca.to_str().unwrap(),
            "-CAkey",
            ca_key.to_str().unwrap(),
            "-out",
            leaf.to_str().unwrap(),
            "-days",
            "20",
            "-copy_extensions",
            "copyall",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    ok(s.cmd().args([
        "import",
        leaf.to_str().unwrap(),
        "--ca-file",
        ca.to_str().unwrap(),
    ]));
    let m = s.meta("web");
    assert_eq!(m["revision"], 2, "{m}");
    let shown = ok(s.cmd().args(["show", "web"]));
    assert!(shown.contains("Test CA"), "{shown}");
    ok(s.cmd().args(["self-sign", "api", "--days", "400"]));
    // web ends within 30 days: expiring finds it (exit 10), not api.
    let o = s
        .cmd()
        .args(["expiring", "--within", "30d"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(10), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("web") && !out.contains("api"), "{out}");
    // A certificate for no record's key: exit 8.
    let stray = dir.join("stray.crt");
    let o = openssl(
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            dir.join("stray.key").to_str().unwrap(),
            "-out",
            stray.to_str().unwrap(),
            "-days",
            "3",
            "-subj",
            "/CN=stray",
        ],
        None,
    );
    assert!(o.status.success());
    let (c, err) = code(s.cmd().args(["import", stray.to_str().unwrap()]));
    assert_eq!(c, Some(8), "{err}");
    // regenerate moves the certificate to history, where it stays live
    // until a new one is imported.
    ok(s.cmd().args(["regenerate", "web", "--no-passphrase"]));
    assert_eq!(s.history_len("web"), 2);
    let shown = ok(s.cmd().args(["show", "web"]));
    assert!(shown.contains("Live certificate"), "{shown}");
}

fn batch_commits_every_line(s: Store) {
    let mut lines = String::new();
    for i in 0..40 {
        lines.push_str(&format!(
            "{{\"name\":\"h{i:02}\",\"common_name\":\"h{i:02}.example.com\",\"key_type\":\"ec\"}}\n"
        ));
    }
    // A line whose name another line has: that line alone fails (exit 4).
    lines.push_str("{\"name\":\"h07\",\"common_name\":\"dup.example.com\",\"key_type\":\"ec\"}\n");
    let file = s.file("batch.jsonl", lines.as_bytes());
    let o = s
        .cmd()
        .args(["generate", "--no-passphrase", "--jobs", "2", "--batch"])
        .arg(&file)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(err.contains("40 created, 1 failed"), "{err}");
    let list = s.list();
    assert_eq!(list.len(), 40);
    let mut ids: Vec<u64> = list.iter().map(|r| r["id"].as_u64().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 40);
    for name in ["h00", "h21", "h39"] {
        assert_key_matches(&s, name, None);
    }
    // A second batch naming an existing record: that line fails, the rest land.
    let file = s.file(
        "more.jsonl",
        b"{\"name\":\"h05\",\"common_name\":\"x\",\"key_type\":\"ec\"}\n{\"name\":\"new1\",\"common_name\":\"new1\",\"key_type\":\"ec\"}\n",
    );
    let o = s
        .cmd()
        .args(["generate", "--no-passphrase", "--batch"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert_eq!(s.list().len(), 41);
}

fn refusals_leave_the_keystore_unchanged(s: Store) {
    ok(s.cmd_pass().args([
        "generate",
        "web",
        "--cn",
        "web.example.com",
        "--key-type",
        "ec",
    ]));
    let before = s.state();
    let refusals: Vec<(Vec<&str>, i32)> = vec![
        (
            vec!["generate", "web", "--cn", "again", "--no-passphrase"],
            4,
        ),
        (vec!["regenerate", "nosuch", "--no-passphrase"], 3),
        (vec!["delete", "nosuch", "--yes"], 3),
        (vec!["delete", "web"], 2),
        (vec!["show", "9999"], 3),
        (
            vec![
                "generate",
                "x",
                "--cn",
                "x",
                "--country",
                "Germany",
                "--no-passphrase",
            ],
            2,
        ),
        (vec!["regenerate", "web", "--no-passphrase"], 6),
        (vec!["self-sign", "web", "--no-passphrase"], 6),
    ];
    for (args, want) in refusals {
        let (c, err) = code(s.cmd().args(&args));
        assert_eq!(c, Some(want), "{args:?}: {err}");
        assert_eq!(s.state(), before, "{args:?} changed the keystore");
    }
    // A wrong passphrase: exit 6, nothing written.
    let (c, err) = code(
        s.cmd()
            .env("CSRKIT_PASSPHRASE", "wrong wrong wrong wrong")
            .args(["regenerate", "web"]),
    );
    assert_eq!(c, Some(6), "{err}");
    assert_eq!(s.state(), before);
}
