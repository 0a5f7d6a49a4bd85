//! The directory keystore's key and id index (`records/.index`): a miss
//! is proof only when the index is whole; a damaged, torn or stale index
//! (an older binary's `.ids`/`.spki`) is detected and rebuilt; every
//! record that landed has its line, after crashes and concurrent writers.

use crate::support;

use std::collections::BTreeMap;
use std::path::Path;

use support::*;

fn index(ks: &Ks) -> String {
    std::fs::read_to_string(ks.root().join("records/.index")).unwrap()
}

/// The names the index holds, by id.
fn indexed(ks: &Ks) -> BTreeMap<u64, String> {
    index(ks)
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            assert_eq!(f.len(), 4, "{l}");
            assert_eq!(f[2].len(), 64, "{l}");
            (f[1].parse().unwrap(), f[3].to_string())
        })
        .collect()
}

/// Every record `list` shows has its line (same id, same name).
fn assert_every_record_indexed(ks: &Ks) {
    let o = ks
        .cmd()
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v
        .as_array()
        .or_else(|| v["records"].as_array())
        .cloned()
        .unwrap_or_default();
    assert!(!rows.is_empty());
    let idx = indexed(ks);
    for r in rows {
        let id = r["id"].as_u64().unwrap();
        assert_eq!(idx.get(&id).map(String::as_str), r["name"].as_str(), "{id}");
    }
}

fn stray_cert(dir: &Path) -> std::path::PathBuf {
    let crt = dir.join("stray.crt");
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
            crt.to_str().unwrap(),
            "-days",
            "2",
            "-subj",
            "/CN=stray",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    crt
}

fn import_is_miss(ks: &Ks, crt: &Path) {
    let o = ks.cmd().arg("import").arg(crt).output().unwrap();
    no_panic(&o);
    assert_eq!(o.status.code(), Some(8), "{}", stderr(&o));
}

#[test]
fn a_damaged_line_is_detected_and_the_index_rebuilt() {
    let ks = Ks::new();
    ks.generate_ec("a");
    ks.generate_ec("b");
    ks.generate_ec("c");
    let good = index(&ks);
    let path = ks.root().join("records/.index");
    let mut bytes = good.clone().into_bytes();
    // A byte of the middle line's key hash.
    let at = good.lines().take(2).map(|l| l.len() + 1).sum::<usize>() + 30;
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    std::fs::write(&path, &bytes).unwrap();
    // The miss is not believed (a scan), and the lookup rebuilds it.
    import_is_miss(&ks, &stray_cert(ks.dir.path()));
    assert_eq!(index(&ks), good);
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn a_torn_tail_is_ignored_and_cut_by_the_next_writer() {
    let ks = Ks::new();
    ks.generate_ec("a");
    let path = ks.root().join("records/.index");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    use std::io::Write;
    f.write_all(b"0123456789abcdef 99 ab").unwrap();
    drop(f);
    import_is_miss(&ks, &stray_cert(ks.dir.path()));
    ks.generate_ec("b");
    let text = index(&ks);
    assert!(!text.contains(" 99 "), "{text}");
    assert!(text.ends_with('\n'));
    assert_every_record_indexed(&ks);
}

#[test]
fn an_older_keystore_opens_and_gets_its_index() {
    let ks = Ks::new();
    ks.generate_ec("a");
    ks.generate_ec("b");
    // As binaries before the index left it: no .index, per-entry files.
    let records = ks.root().join("records");
    std::fs::remove_file(records.join(".index")).unwrap();
    std::fs::create_dir(records.join(".ids")).unwrap();
    std::fs::write(records.join(".ids/1"), b"a").unwrap();
    std::fs::create_dir(records.join(".spki")).unwrap();
    ks.cmd().args(["show", "2"]).assert().success();
    ks.generate_ec("c");
    assert!(!records.join(".ids").exists());
    assert!(!records.join(".spki").exists());
    assert_eq!(indexed(&ks).len(), 3);
    assert_every_record_indexed(&ks);
    // An older binary writing again (it recreates .ids): the miss is not
    // believed, and the lookup rebuilds the index.
    std::fs::create_dir(records.join(".ids")).unwrap();
    import_is_miss(&ks, &stray_cert(ks.dir.path()));
    assert!(!records.join(".ids").exists());
    for id in ["1", "2", "3"] {
        ks.cmd().args(["show", id]).assert().success();
    }
}

#[test]
fn concurrent_writers_leave_every_record_indexed() {
    let ks = Ks::new();
    let mut children = Vec::new();
    for b in 0..3 {
        let lines: String = (0..40)
            .map(|i| {
                format!(
                    "{{\"name\":\"b{b}x{i}\",\"common_name\":\"b{b}x{i}.example.com\",\"key_type\":\"ec\"}}\n"
                )
            })
            .collect();
        let file = ks.file(&format!("batch{b}.jsonl"), lines.as_bytes());
        children.push(
            csrkit(&ks.root())
                .args(["generate", "--no-passphrase", "--jobs", "2", "--batch"])
                .arg(file)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap(),
        );
    }
    for i in 0..5 {
        children.push(
            csrkit(&ks.root())
                .args(gen_args(&format!("single{i}")))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap(),
        );
    }
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    assert_eq!(indexed(&ks).len(), 125);
    assert_every_record_indexed(&ks);
    import_is_miss(&ks, &stray_cert(ks.dir.path()));
    // A record's own key is found through the index.
    ks.cmd().args(["show", "b1x7"]).assert().success();
}

#[cfg(feature = "failpoints")]
#[test]
fn a_crash_at_any_batch_step_leaves_every_landed_record_indexed() {
    for step in [
        "batch:flushed",
        "batch:indexed",
        "batch:first-renamed",
        "batch:renamed",
    ] {
        let ks = Ks::new();
        ks.generate_ec("base");
        let lines: String = (0..6)
            .map(|i| format!("{{\"name\":\"b{i}\",\"common_name\":\"b{i}.example.com\",\"key_type\":\"ec\"}}\n"))
            .collect();
        let file = ks.file("batch.jsonl", lines.as_bytes());
        let o = csrkit(&ks.root())
            .env("CSRKIT_TEST_CRASH_AT", step)
            .args(["generate", "--no-passphrase", "--jobs", "1", "--batch"])
            .arg(file)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{step}: did not crash");
        assert_every_record_indexed(&ks);
        ks.generate_ec("after");
        assert_every_record_indexed(&ks);
        import_is_miss(&ks, &stray_cert(ks.dir.path()));
    }
}

/// The name `show ID` gives, or its exit code.
fn shown(ks: &Ks, id: u64) -> Result<String, Option<i32>> {
    let o = ks
        .cmd()
        .args(["show", &id.to_string(), "--format", "json"])
        .output()
        .unwrap();
    no_panic(&o);
    if !o.status.success() {
        return Err(o.status.code());
    }
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    Ok(v["name"].as_str().unwrap().to_string())
}

/// `show ID` on an index larger than the stretch a lookup reads (two
/// batches at once, so their blocks of ids usually interleave in the log): every
/// id gives its record; a damaged line where the search probes is
/// skipped, its own id still found (from the catalog) and the index
/// rebuilt; a missing id and an id only a torn tail names are not found.
#[test]
fn show_by_id_seeks_the_index() {
    let ks = Ks::new();
    let mut children = Vec::new();
    for b in 0..2 {
        let lines: String = (0..3200)
            .map(|i| {
                format!("{{\"name\":\"s{b}x{i}\",\"common_name\":\"s{b}x{i}.example.com\",\"key_type\":\"ec\"}}\n")
            })
            .collect();
        let file = ks.file(&format!("batch{b}.jsonl"), lines.as_bytes());
        children.push(
            csrkit(&ks.root())
                .args(["generate", "--no-passphrase", "--jobs", "2", "--batch"])
                .arg(file)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap(),
        );
    }
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let text = index(&ks);
    assert!(text.len() > 540_000, "{}", text.len());
    let ids = indexed(&ks);
    assert_eq!(ids.len(), 6400);
    let order: Vec<u64> = text
        .lines()
        .skip(1)
        .map(|l| l.split(' ').nth(1).unwrap().parse().unwrap())
        .collect();
    // Whether the blocks interleaved depends on timing (the unit tests
    // of the seek interleave them for certain).
    let descents = order.windows(2).filter(|w| w[0] > w[1]).count();
    eprintln!("ids out of order at {descents} lines");
    for (id, name) in ids.iter().step_by(151).chain(ids.iter().next_back()) {
        assert_eq!(shown(&ks, *id).as_deref(), Ok(name.as_str()), "{id}");
    }
    // Damage the lines where the search's first probe lands (the middle
    // of the file), the newline between two of them included.
    let path = ks.root().join("records/.index");
    let mid = 15 + (text.len() - 15) / 2;
    let start = mid - 1 + text[mid - 1..].find('\n').unwrap() + 1;
    let victims: Vec<&str> = text[start..].lines().take(3).collect();
    let mut bytes = text.clone().into_bytes();
    let nl = start + victims[0].len();
    bytes[nl] = b' ';
    bytes[start + 3] ^= 1;
    std::fs::write(&path, &bytes).unwrap();
    let victim: u64 = victims[2].split(' ').nth(1).unwrap().parse().unwrap();
    assert_eq!(shown(&ks, victim).as_deref(), Ok(ids[&victim].as_str()));
    let first: u64 = victims[0].split(' ').nth(1).unwrap().parse().unwrap();
    assert_eq!(shown(&ks, first).as_deref(), Ok(ids[&first].as_str()));
    // The reader rebuilt the index: whole again, the lines back.
    let rebuilt = index(&ks);
    for v in &victims {
        assert!(rebuilt.contains(&format!("{v}\n")), "{v}");
    }
    assert_eq!(indexed(&ks), ids);
    // A missing id, below, inside and above the range.
    let top = *ids.keys().next_back().unwrap();
    for id in [0, top + 1, top + 1000] {
        assert_eq!(shown(&ks, id), Err(Some(3)), "{id}");
    }
    // A torn tail naming an id is not a line.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    use std::io::Write;
    f.write_all(format!("0123456789abcdef {} ab", top + 1).as_bytes())
        .unwrap();
    drop(f);
    assert_eq!(shown(&ks, top + 1), Err(Some(3)));
    assert_eq!(shown(&ks, top).as_deref(), Ok(ids[&top].as_str()));
}

/// `list` prints its first page from the index's head (each row read from
/// its record.json) before the catalog pass is done; whatever the state of
/// the index and the catalog, every record is printed once, in id order,
/// and the text table is the same as from a listing without the index.
#[test]
fn list_prints_every_record_once_in_id_order_whatever_the_index_holds() {
    let ks = Ks::new();
    let lines: String = (0..260)
        .map(|i| format!("{{\"name\":\"h{i:03}\",\"common_name\":\"h{i}.example.com\",\"key_type\":\"ec\"}}\n"))
        .collect();
    let batch = ks.root().join("batch.jsonl");
    std::fs::create_dir_all(ks.root()).ok();
    std::fs::write(&batch, lines).unwrap();
    ks.cmd()
        .args(["generate", "--no-passphrase", "--batch"])
        .arg(&batch)
        .assert()
        .success();
    // Dead lines at the head (deleted records), a name deleted and made
    // again (its first line names an id it no longer has), and new
    // revisions (lines that repeat an id late in the file).
    for i in (0..150).step_by(2) {
        ks.cmd()
            .args(["delete", &format!("h{i:03}"), "--yes"])
            .assert()
            .success();
    }
    ks.generate_ec("h001x");
    ks.cmd()
        .args(["delete", "h003", "--yes"])
        .assert()
        .success();
    ks.generate_ec("h003");
    for n in ["h005", "h151"] {
        ks.cmd()
            .args(["regenerate", n, "--org", "Two"])
            .assert()
            .success();
    }
    let ids = |ks: &Ks| ks.listed();
    let text = |ks: &Ks| stdout(&ks.cmd().arg("list").output().unwrap());
    let want = ids(&ks);
    assert_eq!(want.len(), 260 - 75 - 1 + 2, "{want:?}");
    let mut sorted = want.clone();
    sorted.sort();
    sorted.dedup_by_key(|r| r.0);
    assert_eq!(want, sorted, "not in id order, or a row twice");
    let h005 = want.iter().find(|r| r.1 == "h005").unwrap();
    assert_eq!(h005.2, 2, "{h005:?}");
    let h003 = want.iter().find(|r| r.1 == "h003").unwrap();
    assert!(h003.0 > 260, "{h003:?}");
    let table = text(&ks);

    // The same without the index (the catalog pass alone), with a damaged
    // one, and with one whose head names records that are gone.
    let index = ks.root().join("records/.index");
    let good = std::fs::read(&index).unwrap();
    std::fs::remove_file(&index).unwrap();
    assert_eq!(ids(&ks), want, "without the index");
    assert_eq!(text(&ks), table);
    let mut bad = good.clone();
    bad[40] ^= 1;
    std::fs::write(&index, &bad).unwrap();
    assert_eq!(ids(&ks), want, "with a damaged index");
    // An index without the line of a live record (as a batch's record
    // that lands while `list` reads the head looks): the head's page ends
    // before that id, and the record comes in its place.
    let text_of = String::from_utf8(good.clone()).unwrap();
    let victim = want[3].0.to_string();
    let stale: String = text_of
        .lines()
        .filter(|l| l.split(' ').nth(1) != Some(victim.as_str()))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(stale.len() < text_of.len());
    std::fs::write(&index, stale).unwrap();
    assert_eq!(ids(&ks), want, "with a live record's line missing");
    // The index whole again and no catalog: every row of the catalog pass
    // read from its record.json, the head's rows still printed once.
    std::fs::write(&index, &good).unwrap();
    let catalog = ks.root().join("records/.catalog");
    std::fs::remove_file(&catalog).unwrap();
    assert_eq!(ids(&ks), want, "without the catalog");
    assert_eq!(text(&ks), table);
}

/// A commit that lands while `list` is rewriting the catalog: the
/// rewritten line pairs the summary `list` read with the inode it read it
/// from, so the new revision (another directory) is not hidden behind the
/// old summary: `list` shows it and `expiring` finds its certificate.
/// (Paired with the inode looked up at the rewrite, the old summary was
/// trusted from then on, and `expiring` missed the certificate.)
#[test]
fn a_commit_during_the_catalog_rewrite_is_not_hidden_by_it() {
    let ks = Ks::new();
    ks.generate_ec("a");
    ks.generate_ec("b");
    // No catalog: the next list reads every record.json and rewrites it.
    std::fs::remove_file(ks.root().join("records/.catalog")).unwrap();
    let mark = ks.root().join("../compacting");
    let list = ks
        .std_cmd()
        .arg("list")
        .env(
            "CSRKIT_TEST_MARK_AT",
            format!("list:compact@{}", mark.display()),
        )
        .env("CSRKIT_TEST_PAUSE_AT", "list:compact:2000")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while !mark.exists() {
        assert!(
            start.elapsed().as_secs() < 30,
            "list never reached the rewrite"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    ks.cmd()
        .args(["self-sign", "b", "--days", "3", "--no-passphrase"])
        .assert()
        .success();
    let out = list.wait_with_output().unwrap();
    assert!(out.status.success());
    let o = ks
        .cmd()
        .args(["expiring", "--within", "30d"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(10), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains('b'), "{}", stdout(&o));
    let v = ks.list_json();
    assert_eq!(v[1]["name"], "b");
    assert_eq!(v[1]["revision"], 2, "{v}");
}
