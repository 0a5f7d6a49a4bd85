//! Crash safety: a writer that dies at any step (injected abort, or
//! SIGKILL at a random moment) leaves every visible record complete, the
//! previous revision intact, ids unreused, and its temporaries are removed
//! by the next writer.

use crate::support;

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use support::*;

fn regen_args(name: &str, tag: &str) -> Vec<String> {
    [
        "regenerate",
        name,
        "--new-key",
        "--key-type",
        "ec",
        "--no-passphrase",
        "--description",
        tag,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn crash(ks: &Path, args: &[String], step: &str) {
    let out = run(csrkit(ks).args(args).env("CSRKIT_TEST_CRASH_AT", step));
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGABRT),
        "{args:?} with the crash hook at {step} did not crash: {:?} {}",
        out.status,
        text(&out.stderr)
    );
}

/// A keystore with `base` at revision 2 (so it has history) and `other`.
fn setup(ks: &Path) {
    ok(csrkit(ks).args(gen_args("base")));
    ok(csrkit(ks).args(regen_args("base", "rev2")));
    ok(csrkit(ks).args(gen_args("other")));
}

fn sub(s: &Snapshot, prefix: &str) -> Snapshot {
    s.iter()
        .filter(|(k, _)| k.starts_with(prefix))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The files of one revision: relative path -> node, for comparing a
/// record's current files with a later history entry.
fn rev_files(s: &Snapshot, dir: &str) -> BTreeMap<String, Node> {
    ["csr.pem", "key.pem", "record.json"]
        .iter()
        .map(|f| (f.to_string(), s[&Path::new(dir).join(f)].clone()))
        .collect()
}

#[test]
fn crash_during_create_leaves_old_or_new_state() {
    // The record's files and the id's journal entry are made durable by
    // one concurrent flush, so the id is already spent once the files are.
    for (step, visible, id_spent) in [
        ("create:tmp-written", false, true),
        ("create:id-written", false, true),
        ("create:renamed", true, true),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let ks = dir.path().join("ks");
        setup(&ks);
        let before = snapshot(&ks);
        crash(&ks, &gen_args("new"), step);

        // Existing records are untouched, whatever the step.
        let after = snapshot(&ks);
        assert_same(
            &sub(&before, "records/base"),
            &sub(&after, "records/base"),
            step,
        );
        assert_same(
            &sub(&before, "records/other"),
            &sub(&after, "records/other"),
            step,
        );
        // Every visible record is complete and consistent.
        let recs = check_keystore(&ks, None);
        assert_eq!(
            recs.contains_key("new"),
            visible,
            "{step}: is the new record visible?"
        );
        if !visible {
            assert!(
                !temporaries(&ks).is_empty(),
                "{step}: the crash should leave its temporary"
            );
        }
        check_list_matches_disk(&ks);

        // The next writer cleans up; ids are never reused.
        ok(csrkit(&ks).args(gen_args("after")));
        assert!(
            temporaries(&ks).is_empty(),
            "{step}: temporaries left after the next write: {:?}",
            temporaries(&ks)
        );
        let recs = check_keystore(&ks, None);
        let expected_id = if id_spent { 4 } else { 3 };
        assert_eq!(
            recs["after"].id, expected_id,
            "{step}: id of the next record"
        );
        if visible {
            assert_eq!(recs["new"].id, 3);
            // The name is taken now: exit 4, not a second record.
            let out = run(csrkit(&ks).args(gen_args("new")));
            assert_eq!(out.status.code(), Some(4), "{step}: {}", text(&out.stderr));
        } else {
            // The name is free: the crashed run left no half record behind.
            ok(csrkit(&ks).args(gen_args("new")));
            assert_eq!(check_keystore(&ks, None)["new"].id, expected_id + 1);
        }
        check_list_matches_disk(&ks);
    }
}

#[test]
fn crash_during_regenerate_leaves_old_or_new_revision() {
    for (step, landed) in [("replace:tmp-written", false), ("replace:exchanged", true)] {
        let dir = tempfile::tempdir().unwrap();
        let ks = dir.path().join("ks");
        setup(&ks);
        let before = snapshot(&ks);
        crash(&ks, &regen_args("base", "rev3"), step);
        let after = snapshot(&ks);
        assert_same(
            &sub(&before, "records/other"),
            &sub(&after, "records/other"),
            step,
        );
        let recs = check_keystore(&ks, None);
        let base = &recs["base"];
        if landed {
            assert_eq!(base.revision, 3, "{step}");
            assert_eq!(base.json["description"], "rev3");
            // The previous revision is intact, byte for byte, in history/2,
            // and history/1 is unchanged.
            assert_eq!(
                rev_files(&before, "records/base"),
                rev_files(&after, "records/base/history/2"),
                "{step}"
            );
            assert_eq!(
                rev_files(&before, "records/base/history/1"),
                rev_files(&after, "records/base/history/1"),
                "{step}"
            );
        } else {
            assert_same(
                &sub(&before, "records/base"),
                &sub(&after, "records/base"),
                step,
            );
        }
        assert!(
            !temporaries(&ks).is_empty(),
            "{step}: the crash should leave its temporary"
        );
        check_list_matches_disk(&ks);

        // The next writer (here: a regenerate of the same record) cleans up
        // and continues the revision sequence.
        ok(csrkit(&ks).args(regen_args("base", "next")));
        assert!(
            temporaries(&ks).is_empty(),
            "{step}: temporaries left: {:?}",
            temporaries(&ks)
        );
        let recs = check_keystore(&ks, None);
        assert_eq!(recs["base"].revision, if landed { 4 } else { 3 }, "{step}");
        assert_eq!(recs["base"].id, 1);
        check_list_matches_disk(&ks);
    }
}

/// Repeated crashes right after the exchange, with no reader in between:
/// `list` (which trusts its catalog when a directory's inode matches) must
/// still report what is on disk, even when a freed inode is reused.
#[test]
fn repeated_crashes_after_exchange_keep_list_truthful() {
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("ks");
    ok(csrkit(&ks).args(gen_args("solo")));
    // Prime the catalog.
    check_list_matches_disk(&ks);
    // Two crashes in a row: the second commit's directory can reuse the
    // inode number of the first one's leftover (freed by the cleanup).
    for i in 0..2 {
        crash(
            &ks,
            &regen_args("solo", &format!("crash{i}")),
            "replace:exchanged",
        );
    }
    check_keystore(&ks, None);
    check_list_matches_disk(&ks);

    setup(&ks);
    for i in 0..6 {
        crash(
            &ks,
            &regen_args("base", &format!("crash{i}")),
            "replace:exchanged",
        );
        check_keystore(&ks, None);
        if i % 2 == 1 {
            check_list_matches_disk(&ks);
        }
    }
    for i in 0..3 {
        crash(
            &ks,
            &regen_args("other", &format!("crash{i}")),
            "replace:exchanged",
        );
        crash(&ks, &gen_args(&format!("c{i}")), "create:renamed");
    }
    check_list_matches_disk(&ks);
    let recs = check_keystore(&ks, None);
    assert_eq!(recs["solo"].revision, 3);
    assert_eq!(recs["base"].revision, 8);
    assert_eq!(recs["other"].revision, 4);
}

/// A tiny PRNG (xorshift64*), seeded from the clock; the seed is printed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[test]
fn sigkill_at_random_moments_never_corrupts() {
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("ks");
    ok(csrkit(&ks).args(gen_args("r")));

    let seed = std::env::var("CSRKIT_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("SIGKILL loop seed: {seed} (set CSRKIT_TEST_SEED to replay)");
    let mut rng = Rng(seed);

    // How long one uninterrupted run takes: the kill lands anywhere in it.
    let t = Instant::now();
    ok(csrkit(&ks).args(regen_args("r", "calibrate")));
    ok(csrkit(&ks).args(gen_args("calibrate")));
    let span = (t.elapsed() / 2).as_micros() as u64 * 5 / 4 + 1;

    let mut ids: BTreeMap<u64, String> = BTreeMap::new();
    let mut killed = 0;
    for c in check_keystore(&ks, None).values() {
        ids.insert(c.id, c.name.clone());
    }
    for i in 0..36 {
        let before = snapshot(&ks);
        let regen = i % 2 == 1;
        let name = if regen {
            "r".to_string()
        } else {
            format!("k{i:02}")
        };
        let args = if regen {
            regen_args("r", &format!("k{i}"))
        } else {
            gen_args(&name)
        };
        let delay = Duration::from_micros(rng.next() % span);
        let mut child = csrkit(&ks)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        if status.signal() == Some(libc::SIGKILL) {
            killed += 1;
        } else {
            assert!(status.success(), "run {i} ({args:?}) failed: {status:?}");
        }

        // Records the run did not touch are byte-identical.
        let after = snapshot(&ks);
        for other in record_names(&ks).into_iter().filter(|n| *n != name) {
            let p = format!("records/{other}");
            assert_same(
                &sub(&before, &p),
                &sub(&after, &p),
                &format!("run {i}: {other}"),
            );
        }
        // The touched record is either the old state or the complete new one.
        let dir = ks.join("records").join(&name);
        if regen {
            // The current revision and the newest history entry are checked
            // with openssl here; the whole record once at the end.
            let old = check_revision(&dir, None)["revision"].as_u64().unwrap();
            if old > 1 {
                check_revision(&dir.join(format!("history/{}", old - 1)), None);
            }
            let was: serde_json::Value = match &before[Path::new("records/r/record.json")] {
                Node::File(_, b) => serde_json::from_slice(b).unwrap(),
                other => panic!("{other:?}"),
            };
            let was = was["revision"].as_u64().unwrap();
            if old == was {
                assert_same(
                    &sub(&before, "records/r"),
                    &sub(&after, "records/r"),
                    &format!("run {i}: r unchanged"),
                );
            } else {
                assert_eq!(old, was + 1, "run {i}: revision jumped");
                assert_eq!(
                    rev_files(&before, "records/r"),
                    rev_files(&after, &format!("records/r/history/{was}")),
                    "run {i}: previous revision not preserved"
                );
            }
        } else if dir.exists() {
            let c = check_record(&dir, None);
            assert_eq!(c.revision, 1);
            if let Some(prev) = ids.insert(c.id, name.clone()) {
                panic!("run {i}: id {} reused: was {prev}, now {name}", c.id);
            }
        }
        if i % 6 == 5 {
            check_list_matches_disk(&ks);
        }
    }
    eprintln!("{killed} of 36 runs were killed (span {span} µs)");

    // The next write cleans every temporary; the whole keystore checks out.
    ok(csrkit(&ks).args(gen_args("final")));
    assert!(
        temporaries(&ks).is_empty(),
        "temporaries left: {:?}",
        temporaries(&ks)
    );
    let recs = check_keystore(&ks, None);
    for c in recs.values() {
        if let Some(prev) = ids.insert(c.id, c.name.clone()) {
            assert_eq!(prev, c.name, "id {} reused", c.id);
        }
    }
    check_list_matches_disk(&ks);
}

/// A batch dies at each step of a group commit: every visible record is
/// complete, the untouched ones are byte-identical, the next write removes
/// the leftovers, and no id is ever handed out twice.
#[test]
fn crash_during_batch_group_commit() {
    for (step, some_visible) in [
        ("batch:flushed", false),
        ("batch:indexed", false),
        ("batch:first-renamed", true),
        ("batch:renamed", true),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let ks = dir.path().join("ks");
        setup(&ks);
        let before = snapshot(&ks);
        let batch = dir.path().join("batch.jsonl");
        let lines: String = (0..6)
            .map(|i| format!("{{\"name\":\"b{i}\",\"common_name\":\"b{i}.example.com\",\"key_type\":\"ec\"}}\n"))
            .collect();
        std::fs::write(&batch, lines).unwrap();
        let args: Vec<String> = ["generate", "--no-passphrase", "--jobs", "1", "--batch"]
            .iter()
            .map(|s| s.to_string())
            .chain([batch.to_string_lossy().into_owned()])
            .collect();
        crash(&ks, &args, step);
        if step == "batch:flushed" {
            // The staged records are still there, for the next writer.
            assert!(!temporaries(&ks).is_empty(), "{step}: no stage left");
        }
        let after = snapshot(&ks);
        for name in ["records/base", "records/other"] {
            assert_same(&sub(&before, name), &sub(&after, name), step);
        }
        let recs = check_keystore(&ks, None);
        let batch_visible = recs
            .keys()
            .filter(|n| n.starts_with('b') && *n != "base")
            .count();
        assert_eq!(batch_visible > 0, some_visible, "{step}: {:?}", recs.keys());
        check_list_matches_disk(&ks);
        // The next write cleans up; every id is unique, none reused.
        ok(csrkit(&ks).args(gen_args("after")));
        assert!(
            temporaries(&ks).is_empty(),
            "{step}: {:?}",
            temporaries(&ks)
        );
        let recs = check_keystore(&ks, None);
        let mut ids: Vec<u64> = recs.values().map(|c| c.id).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "{step}: duplicate ids");
        assert!(
            recs["after"].id
                > recs
                    .values()
                    .filter(|c| c.id != recs["after"].id)
                    .map(|c| c.id)
                    .max()
                    .unwrap(),
            "{step}"
        );
    }
}
