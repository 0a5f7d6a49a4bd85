//! Concurrency: parallel writers against one keystore lose nothing, mix
//! nothing, and a held lock gives exit 5 after `--lock-timeout`.

use crate::support;

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use support::*;

const PASS: &str = "conc-Pass-4f1a9";

#[test]
fn parallel_generate_and_regenerate_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("ks");
    ok(csrkit(&ks).args(gen_args("shared")));

    let barrier = Arc::new(Barrier::new(40));
    let mut handles = Vec::new();
    for i in 0..32usize {
        let (ks, barrier) = (ks.clone(), barrier.clone());
        handles.push(std::thread::spawn(move || {
            let name = format!("g{i:02}");
            let mut cmd = csrkit(&ks);
            cmd.args([
                "generate",
                &name,
                "--cn",
                &format!("{name}.example.com"),
                "--key-type",
                "ec",
            ]);
            cmd.args([
                "--description",
                &format!("desc-{name}"),
                "--lock-timeout",
                "60",
            ]);
            // A few with an encrypted key (scrypt is slow in debug builds).
            if i.is_multiple_of(8) {
                cmd.env("CSRKIT_PASSPHRASE", PASS);
            } else {
                cmd.arg("--no-passphrase");
            }
            barrier.wait();
            (false, i, run(&mut cmd))
        }));
    }
    for i in 0..8 {
        let (ks, barrier) = (ks.clone(), barrier.clone());
        handles.push(std::thread::spawn(move || {
            let mut cmd = csrkit(&ks);
            cmd.args([
                "regenerate",
                "shared",
                "--new-key",
                "--key-type",
                "ec",
                "--no-passphrase",
            ]);
            cmd.args([
                "--description",
                &format!("regen-{i}"),
                "--dns",
                &format!("r{i}.example.com"),
            ]);
            // Half of them wait long, half give up at once when contended.
            cmd.args(["--lock-timeout", if i < 4 { "60" } else { "0" }]);
            barrier.wait();
            (true, i, run(&mut cmd))
        }));
    }

    let mut generated = BTreeSet::new();
    let mut regenerated = BTreeSet::new();
    let mut locked = 0;
    for h in handles {
        let (regen, i, out) = h.join().unwrap();
        no_panic(&out);
        match out.status.code() {
            Some(0) if regen => {
                regenerated.insert(format!("regen-{i}"));
            }
            Some(0) => {
                generated.insert(format!("g{i:02}"));
            }
            Some(5) => {
                assert!(
                    text(&out.stderr).contains("locked"),
                    "exit 5 without saying so: {}",
                    text(&out.stderr)
                );
                locked += 1;
            }
            other => panic!(
                "run {i} (regenerate: {regen}) exited {other:?}: {}",
                text(&out.stderr)
            ),
        }
    }
    eprintln!(
        "generated {}, regenerated {}, locked out {locked}",
        generated.len(),
        regenerated.len()
    );
    // Every generate waited long enough to get the lock.
    assert_eq!(generated.len(), 32, "some generate runs failed");
    assert!(
        regenerated.len() >= 4,
        "the regenerate runs with a 60 s timeout must succeed"
    );

    let records = check_keystore(&ks, Some(PASS));
    let names: BTreeSet<String> = records.keys().cloned().collect();
    let mut expected = generated.clone();
    expected.insert("shared".into());
    assert_eq!(names, expected, "records lost or invented");

    // Ids are unique (checked by check_keystore) and form 1..=33: every
    // successful commit spent exactly one id.
    let ids: BTreeSet<u64> = records.values().map(|c| c.id).collect();
    assert_eq!(ids, (1..=33).collect(), "ids");

    // Not mixed: each record's CSR carries its own name and its key.
    for (name, c) in &records {
        let subj = Command::new("openssl")
            .args(["req", "-noout", "-subject", "-in"])
            .arg(ks.join("records").join(name).join("csr.pem"))
            .output()
            .unwrap();
        let subj = text(&subj.stdout);
        assert!(
            subj.contains(&format!("CN = {name}.example.com")),
            "{name}: CSR subject {subj}"
        );
        if name != "shared" {
            assert_eq!(
                c.json["description"].as_str(),
                Some(format!("desc-{name}").as_str())
            );
            assert_eq!(c.json["revision"].as_u64(), Some(1));
            let i: usize = name[1..].parse().unwrap();
            assert_eq!(
                c.json["encrypted"].as_bool(),
                Some(i.is_multiple_of(8)),
                "{name}: encrypted flag"
            );
        }
    }

    // The shared record: revision = 1 + successful regenerates, one history
    // entry per successful regenerate (check_record), and the descriptions
    // of current + history are exactly the successful runs' ones.
    let shared = &records["shared"];
    assert_eq!(shared.revision, 1 + regenerated.len() as u64);
    let rdir = ks.join("records/shared");
    let mut descs = BTreeSet::new();
    descs.insert(shared.json["description"].as_str().unwrap().to_string());
    for n in 2..shared.revision {
        let j: serde_json::Value = serde_json::from_slice(
            &std::fs::read(rdir.join(format!("history/{n}/record.json"))).unwrap(),
        )
        .unwrap();
        descs.insert(j["description"].as_str().unwrap().to_string());
    }
    let h1: serde_json::Value =
        serde_json::from_slice(&std::fs::read(rdir.join("history/1/record.json")).unwrap())
            .unwrap();
    assert!(
        h1["description"].is_null(),
        "history/1 is the original record"
    );
    assert_eq!(
        descs, regenerated,
        "history does not hold exactly the successful regenerates"
    );
    assert!(
        temporaries(&ks).is_empty(),
        "temporaries left: {:?}",
        temporaries(&ks)
    );
}

#[test]
fn held_lock_gives_exit_5_quickly_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("ks");
    ok(csrkit(&ks).args(gen_args("base")));
    let before = snapshot(&ks);

    let lock = hold_flock(&ks.join(".lock"));

    let attempts: Vec<Vec<String>> = vec![
        gen_args("other"),
        vec![
            "regenerate".into(),
            "base".into(),
            "--description".into(),
            "x".into(),
        ],
        vec![
            "regenerate".into(),
            "base".into(),
            "--new-key".into(),
            "--key-type".into(),
            "ec".into(),
            "--no-passphrase".into(),
        ],
        vec!["delete".into(), "base".into(), "--yes".into()],
    ];
    for args in &attempts {
        let t = Instant::now();
        let out = run(csrkit(&ks).args(args).args(["--lock-timeout", "0.2"]));
        let took = t.elapsed();
        no_panic(&out);
        assert_eq!(
            out.status.code(),
            Some(5),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let err = text(&out.stderr);
        assert!(
            err.starts_with("error: ") && err.contains("locked"),
            "{args:?}: {err}"
        );
        assert!(
            took >= Duration::from_millis(200),
            "{args:?} gave up before the timeout: {took:?}"
        );
        assert!(took < Duration::from_secs(3), "{args:?} took {took:?}");
        assert_same(
            &before,
            &snapshot(&ks),
            &format!("{args:?} under a held lock"),
        );
    }
    // Readers do not need the lock.
    ok(csrkit(&ks).args(["show", "base"]));
    ok(csrkit(&ks).args(["list"]));

    drop(lock);
    ok(csrkit(&ks)
        .args(gen_args("other"))
        .args(["--lock-timeout", "0.2"]));
    let recs = check_keystore(&ks, None);
    assert_eq!(recs["other"].id, 2);
}

#[test]
fn lock_waiters_proceed_once_the_lock_is_released() {
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("ks");
    ok(csrkit(&ks).args(gen_args("base")));
    let lock = hold_flock(&ks.join(".lock"));
    let ks2 = ks.clone();
    // With the fault points, the waiter says when it is waiting for the
    // lock (a rendezvous, not a sleep); without them, half a second.
    let marker = dir.path().join("waiting");
    let marker2 = marker.clone();
    let waiter = std::thread::spawn(move || {
        run(csrkit(&ks2)
            .env(
                "CSRKIT_TEST_MARK_AT",
                format!("lock:wait@{}", marker2.display()),
            )
            .args(gen_args("waiter"))
            .args(["--lock-timeout", "30"]))
    });
    if cfg!(feature = "failpoints") {
        let t = Instant::now();
        while !marker.exists() {
            assert!(
                t.elapsed() < Duration::from_secs(60),
                "the waiter never waited"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    } else {
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(
        !ks.join("records/waiter").exists(),
        "wrote without the lock"
    );
    drop(lock);
    let out = waiter.join().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    check_keystore(&ks, None);
}

/// Both ways of making a commit durable (per-file fsync, and one syncfs
/// when little else is dirty) produce complete records: generate,
/// regenerate and a batch under each, every record checked with openssl.
#[test]
fn both_flush_paths_commit_whole_records() {
    for how in ["fsync", "syncfs"] {
        let dir = tempfile::tempdir().unwrap();
        let ks = dir.path().join("ks");
        let with = |cmd: &mut std::process::Command| {
            cmd.env("CSRKIT_TEST_FLUSH", how);
        };
        let mut c = csrkit(&ks);
        with(c.args(gen_args("one")));
        ok(&mut c);
        let mut c = csrkit(&ks);
        with(c.args(["regenerate", "one", "--new-key", "--no-passphrase"]));
        ok(&mut c);
        let batch = dir.path().join("b.jsonl");
        let lines: String = (0..20)
            .map(|i| format!("{{\"name\":\"b{i}\",\"common_name\":\"b{i}.example.com\",\"key_type\":\"ec\"}}\n"))
            .collect();
        std::fs::write(&batch, lines).unwrap();
        let mut c = csrkit(&ks);
        with(
            c.args(["generate", "--no-passphrase", "--jobs", "2", "--batch"])
                .arg(&batch),
        );
        ok(&mut c);
        let records = check_keystore(&ks, None);
        assert_eq!(records.len(), 21, "{how}");
        assert_eq!(records["one"].revision, 2, "{how}");
        assert!(temporaries(&ks).is_empty(), "{how}: {:?}", temporaries(&ks));
        check_list_matches_disk(&ks);
    }
}

/// A running batch's staging directory (`records/.stage-*`, where its
/// records are written before their renames) survives other writers:
/// each of them removes only the stages of batches that are gone (their
/// flock is free). The batch is held mid-run, one record staged, while
/// three single generates commit; it then commits every line, with ids
/// that are unique and, after the three, consecutive.
#[test]
fn a_running_batch_keeps_its_stage_while_others_write() {
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("ks");
    let batch = dir.path().join("b.jsonl");
    let lines: String = (0..20)
        .map(|i| {
            format!(
                "{{\"name\":\"b{i}\",\"common_name\":\"b{i}.example.com\",\"key_type\":\"ec\"}}\n"
            )
        })
        .collect();
    std::fs::write(&batch, lines).unwrap();
    let mut c = csrkit(&ks);
    c.args(["generate", "--no-passphrase", "--jobs", "1", "--batch"])
        .arg(&batch)
        .env("CSRKIT_TEST_PAUSE_AT", "stage:written:3000")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = c.spawn().unwrap();
    // Wait until the batch has staged its first record.
    let records = ks.join("records");
    let start = Instant::now();
    let stage = loop {
        let staged = std::fs::read_dir(&records).ok().and_then(|d| {
            d.flatten().map(|e| e.path()).find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(".stage-")
                    && p.join("1").join("record.json").exists()
            })
        });
        if let Some(p) = staged {
            break p;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the batch staged nothing"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    for name in ["x1", "x2", "x3"] {
        ok(csrkit(&ks).args(gen_args(name)));
    }
    assert!(
        stage.join("1").join("record.json").exists(),
        "another writer removed a running batch's staged record"
    );
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "batch failed: {}", text(&out.stderr));
    let recs = check_keystore(&ks, None);
    assert_eq!(recs.len(), 23);
    let mut ids: Vec<u64> = recs.values().map(|c| c.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 23, "duplicate ids");
    // The batch spent 1..=20 up front; the single generates come after.
    assert_eq!(recs["b0"].id, 1);
    assert_eq!(recs["x1"].id, 21);
    assert!(temporaries(&ks).is_empty(), "{:?}", temporaries(&ks));
    check_list_matches_disk(&ks);
}

/// Writes a lock-file journal naming staging directories (what running or
/// dead batches leave there).
fn journal_with_stages(ks: &std::path::Path, next_id: u64, stages: &[String]) {
    let mut text = format!("csrkit-lock 1\nnext-id {next_id}\n");
    for s in stages {
        text.push_str(&format!("stage {s}\n"));
    }
    std::fs::write(ks.join(".lock"), text).unwrap();
}

/// A staging directory named in the journal is removed by the next writer
/// once nobody holds its flock (its batch is gone), and left alone while
/// somebody does (its batch is running); either way the entry goes only
/// with the directory.
#[test]
fn writers_remove_only_the_stages_of_dead_batches() {
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("ks");
    ok(csrkit(&ks).args(gen_args("a")));
    let dead = ".stage-1-00000000000000aa".to_string();
    let live = ".stage-2-00000000000000bb".to_string();
    let records = ks.join("records");
    std::fs::create_dir_all(records.join(&dead).join("5")).unwrap();
    std::fs::write(records.join(&dead).join("5/record.json"), "{}").unwrap();
    std::fs::create_dir(records.join(&live)).unwrap();
    let owner = hold_flock(&records.join(&live));
    journal_with_stages(&ks, 2, &[dead.clone(), live.clone()]);

    ok(csrkit(&ks).args(gen_args("b")));
    assert!(
        !records.join(&dead).exists(),
        "a dead batch's stage was kept"
    );
    assert!(
        records.join(&live).exists(),
        "a running batch's stage was removed"
    );
    let journal = std::fs::read_to_string(ks.join(".lock")).unwrap();
    assert!(!journal.contains(&dead), "{journal}");
    assert!(journal.contains(&format!("stage {live}\n")), "{journal}");

    // The batch ends without cleaning up (killed): the next writer does.
    drop(owner);
    ok(csrkit(&ks).args(gen_args("c")));
    assert!(!records.join(&live).exists());
    let journal = std::fs::read_to_string(ks.join(".lock")).unwrap();
    assert!(!journal.contains("stage "), "{journal}");
    let recs = check_keystore(&ks, None);
    assert_eq!(recs.len(), 3);
    assert!(temporaries(&ks).is_empty(), "{:?}", temporaries(&ks));
}

/// The journal names at most 16 running batches: a 17th is refused with
/// exit 5 (like a held lock) and a message that says why, and nothing is
/// written.
#[test]
fn a_seventeenth_concurrent_batch_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("ks");
    ok(csrkit(&ks).args(gen_args("a")));
    let records = ks.join("records");
    let names: Vec<String> = (0..16)
        .map(|i| format!(".stage-{}-00000000000000cc", 100 + i))
        .collect();
    let owners: Vec<std::fs::File> = names
        .iter()
        .map(|n| {
            std::fs::create_dir(records.join(n)).unwrap();
            hold_flock(&records.join(n))
        })
        .collect();
    journal_with_stages(&ks, 2, &names);
    let batch = dir.path().join("b.jsonl");
    std::fs::write(
        &batch,
        "{\"name\":\"b1\",\"common_name\":\"b1.example.com\",\"key_type\":\"ec\"}\n",
    )
    .unwrap();
    let out = run(csrkit(&ks)
        .args(["generate", "--no-passphrase", "--batch"])
        .arg(&batch));
    no_panic(&out);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("16 batches are already running"),
        "{}",
        text(&out.stderr)
    );
    assert!(!records.join("b1").exists());
    assert_eq!(check_keystore(&ks, None).len(), 1);
    drop(owners);
}
