//! generate --batch: JSON Lines in, records out, bad lines reported.

use crate::support;

use support::*;

#[test]
fn batch_of_100_with_two_bad_lines() {
    let ks = Ks::new();
    let mut lines = Vec::new();
    for i in 1..=100 {
        let line = match i {
            17 => r#"{"name":"bad17","common_name":"x","country":"Germany"}"#.to_string(),
            64 => r#"{"name":"bad64","common_nmae":"typo.example.com"}"#.to_string(),
            // Vendor-neutral native lines and a mix of shapes.
            _ => format!(
                r#"{{"name":"host{i:03}","common_name":"host{i:03}.example.com","key_type":"ec","organization":"Batch"}}"#
            ),
        };
        lines.push(line);
    }
    let file = ks.file("batch.jsonl", (lines.join("\n") + "\n").as_bytes());
    let o = ks
        .cmd()
        .args(["generate", "--no-passphrase", "--jobs", "2", "--batch"])
        .arg(&file)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_ne!(o.status.code(), Some(0), "{err}");
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("line 17:") && err.contains("--country"),
        "{err}"
    );
    assert!(
        err.contains("line 64:") && err.contains("common_nmae"),
        "{err}"
    );
    assert!(err.contains("98 created, 2 failed"), "{err}");
    let records: Vec<_> = std::fs::read_dir(ks.root().join("records"))
        .unwrap()
        .filter(|e| {
            !e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('.')
        })
        .collect();
    assert_eq!(records.len(), 98);
    // Every record is committed whole, with a unique id, and verifies.
    let v: serde_json::Value = ks.list_json();
    let mut ids: Vec<u64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 98);
    for name in ["host001", "host050", "host100"] {
        assert_verifies(&ks.csr_path(name));
        assert_key_matches(&ks, name, None);
        assert_eq!(
            req_subject(&ks.csr_path(name)),
            format!("CN={name}.example.com,O=Batch")
        );
    }
}

#[test]
fn batch_from_stdin_with_json_results() {
    let ks = Ks::new();
    let input = "{\"name\":\"a\",\"common_name\":\"a.example.com\",\"key_type\":\"ed25519\"}\n\n{\"name\":\"b\",\"common_name\":\"b.example.com\",\"key_type\":\"ec\"}\n";
    let o = ks
        .cmd_pass()
        .args(["generate", "--batch", "-", "--format", "json"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["line"], 1);
    assert_eq!(v[1]["line"], 3);
    assert_eq!(v[1]["status"], "ok");
    assert_key_matches(&ks, "b", Some(PASS));
}

/// A batch never holds more descriptors open than the process may have:
/// with a soft limit of 64, 150 records (two jobs, so the worker runs ahead
/// of the commits) are all committed, and every one verifies.
#[test]
fn batch_fits_a_low_descriptor_limit() {
    use std::os::unix::process::CommandExt;
    let ks = Ks::new();
    let lines: String = (0..150)
        .map(|i| format!("{{\"name\":\"fd{i:03}\",\"common_name\":\"fd{i}.example.com\",\"key_type\":\"ec\"}}\n"))
        .collect();
    let file = ks.file("batch.jsonl", lines.as_bytes());
    let mut cmd = csrkit(&ks.root());
    cmd.args(["generate", "--no-passphrase", "--jobs", "2", "--batch"])
        .arg(&file);
    // SAFETY: setrlimit is async-signal-safe and touches only this child.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: 64,
                rlim_max: 64,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    let out = run(&mut cmd);
    assert!(
        out.status.success(),
        "batch under a 64-descriptor limit failed: {}",
        text(&out.stderr)
    );
    let records = check_keystore(&ks.root(), None);
    assert_eq!(records.len(), 150);
}

/// `NAME|ID` looks a name up before an id: a record named `1` would hide
/// record id 1. Such names are refused wherever a record is named (exit 2,
/// keystore unchanged); a record that already has one stays reachable.
#[test]
fn a_name_of_digits_only_is_refused_at_creation() {
    let ks = Ks::new();
    ks.generate_ec("first");
    let before = ks.snapshot();
    let refused = |args: &[&str], what: &str| {
        let o = ks.cmd().args(args).output().unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{what}: {err}");
        assert_eq!(
            err.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "{what}: {err}"
        );
        assert_same(&before, &ks.snapshot(), what);
        err
    };
    let err = refused(
        &[
            "generate",
            "1",
            "--cn",
            "one.example.com",
            "--no-passphrase",
        ],
        "generate 1",
    );
    assert!(
        err.contains("NAME") && err.contains("digits only") && err.contains("record id 1"),
        "{err}"
    );
    assert!(err.contains("with a letter"), "{err}");
    // A request file's name.
    let req = ks.file(
        "req.json",
        br#"{"name":"22","common_name":"t.example.com","key_type":"ec"}"#,
    );
    let err = refused(
        &[
            "generate",
            "--no-passphrase",
            "--request",
            req.to_str().unwrap(),
        ],
        "--request name 22",
    );
    assert!(err.contains("digits only"), "{err}");
    // A name derived from a CN of digits only.
    let err = refused(
        &["generate", "--cn", "12345", "--no-passphrase"],
        "derived name 12345",
    );
    assert!(err.contains("NAME"), "{err}");
    // A batch line: that line fails, the others are created.
    let file = ks.file(
        "batch.jsonl",
        b"{\"name\":\"7\",\"common_name\":\"seven.example.com\",\"key_type\":\"ec\"}\n\
          {\"name\":\"ok7\",\"common_name\":\"ok.example.com\",\"key_type\":\"ec\"}\n",
    );
    let o = ks
        .cmd()
        .args(["generate", "--no-passphrase", "--batch"])
        .arg(&file)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("line 1:") && err.contains("digits only"),
        "{err}"
    );
    assert_eq!(record_names(&ks.root()), vec!["first", "ok7"]);
    // A record that already has such a name (made before the rule) is
    // still found by it, and record id 1 by its id.
    let old = ks.record("ok7");
    let new = ks.record("5");
    std::fs::rename(&old, &new).unwrap();
    let json = new.join("record.json");
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    meta["name"] = "5".into();
    std::fs::write(&json, serde_json::to_vec_pretty(&meta).unwrap()).unwrap();
    let shown = ok(csrkit(&ks.root()).args(["show", "5", "--format", "json"]));
    assert!(shown.contains("ok.example.com"), "{shown}");
    let shown = ok(csrkit(&ks.root()).args(["show", "1", "--format", "json"]));
    assert!(shown.contains("\"first\""), "{shown}");
}

/// Input with no line end (`/dev/zero`, a binary file) stops the batch
/// with one error after the first overlong line, instead of being read
/// for ever.
#[test]
fn input_without_line_ends_stops_the_batch() {
    let ks = Ks::new();
    let o = ks
        .cmd()
        .args(["generate", "--batch", "/dev/zero", "--no-passphrase"])
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    no_panic(&o);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not a batch of JSON lines"),
        "{}",
        stderr(&o)
    );
}
