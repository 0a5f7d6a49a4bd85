//! The seeded mutation fuzzer, on the stable toolchain: every target of
//! `tests/fuzz_targets` (in process) and `cli` (the built binary) on its
//! checked-in seeds and regressions (`tests/fuzz-seeds/TARGET/`), then a
//! short deterministic mutation run, so CI replays every input a campaign
//! ever found. A campaign is the ignored test `campaign`, run by
//! `scripts/fuzz.sh TARGET SECONDS` when no nightly toolchain with
//! cargo-fuzz is there (docs/fuzzing.md).

use crate::fuzz_targets;

use crate::cli;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fuzz_targets::mutate::{mutate, Rng};
use fuzz_targets::{Target, MAX_LEN, TARGETS};

/// Short runs inside `cargo test`: enough to keep the harness honest, a
/// few seconds per target.
const SHORT_RUNS: usize = 300;
const SHORT_CLI_RUNS: usize = 24;

fn seeds_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-seeds")
        .join(target)
}

/// The checked-in corpus of a target: seeds and regressions, sorted.
fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(seeds_dir(target))
        .unwrap_or_else(|e| panic!("{target}: no seeds: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "{target}: the seed folder is empty");
    out
}

/// Where a finding is written, named by a hash of its bytes.
fn save_finding(target: &str, data: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("fuzz-findings")
        .join(target);
    std::fs::create_dir_all(&dir).unwrap();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    let p = dir.join(format!("finding-{h:016x}"));
    std::fs::write(&p, data).unwrap();
    p
}

/// One in-process input: a property failure, a panic or (in a campaign)
/// a run over its time budget is a finding.
fn one(target: &str, f: Target, data: &[u8], timed: bool) -> Result<(), String> {
    let r = catch_unwind(AssertUnwindSafe(|| {
        if timed {
            fuzz_targets::timed(f, data)
        } else {
            f(data)
        }
    }))
    .unwrap_or_else(|p| Err(format!("panic: {}", panic_text(&p))));
    r.map_err(|m| format!("{m} (saved as {})", save_finding(target, data).display()))
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "?".into())
}

/// Statistics of a run, printed at its end.
#[derive(Default, Debug)]
struct Stats {
    runs: usize,
    findings: Vec<String>,
    bytes: usize,
    largest: usize,
}

/// Mutates the corpus `runs` times (or until `until`), from `seed`.
fn mutation_run(
    target: &str,
    mut exec: impl FnMut(&[u8]) -> Result<(), String>,
    runs: usize,
    until: Option<Instant>,
    seed: u64,
    max_len: usize,
) -> Stats {
    let mut pool: Vec<Vec<u8>> = corpus(target).into_iter().map(|(_, d)| d).collect();
    let mut rng = Rng::new(seed);
    let mut stats = Stats::default();
    for _ in 0..runs {
        if until.is_some_and(|u| Instant::now() >= u) {
            break;
        }
        let a = rng.below(pool.len());
        let b = rng.below(pool.len());
        let mut data = pool[a].clone();
        mutate(&mut data, &pool[b].clone(), &mut rng, max_len);
        stats.runs += 1;
        stats.bytes += data.len();
        stats.largest = stats.largest.max(data.len());
        match exec(&data) {
            Ok(()) => {
                // Keep some of the survivors, so edits pile up (bounded).
                if rng.below(8) == 0 && pool.len() < 512 {
                    pool.push(data);
                }
            }
            Err(m) => stats.findings.push(m),
        }
    }
    stats
}

fn in_process(target: &str) {
    let f = fuzz_targets::target(target).unwrap();
    for (name, data) in corpus(target) {
        if let Err(m) = one(target, f, &data, false) {
            panic!("{target}: seed {name}: {m}");
        }
    }
    let stats = mutation_run(
        target,
        |d| one(target, f, d, false),
        SHORT_RUNS,
        None,
        0x5eed_0000 + target.len() as u64,
        16 << 10,
    );
    assert!(
        stats.findings.is_empty(),
        "{target}: {} findings, first: {}",
        stats.findings.len(),
        stats.findings[0]
    );
}

#[test]
fn fuzz_csr() {
    in_process("csr");
}

#[test]
fn fuzz_request() {
    in_process("request");
}

#[test]
fn fuzz_batch() {
    in_process("batch");
}

#[test]
fn fuzz_dn() {
    in_process("dn");
}

#[test]
fn fuzz_san() {
    in_process("san");
}

#[test]
fn fuzz_cert() {
    in_process("cert");
}

#[test]
fn every_target_has_seeds() {
    for (name, _) in TARGETS {
        assert!(!corpus(name).is_empty());
    }
    assert!(!corpus("cli").is_empty());
}

fn cli_dirs() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("ks");
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    cli::seed_keystore(&ks).unwrap();
    (dir, ks, work)
}

#[test]
fn fuzz_cli() {
    let (_dir, ks, work) = cli_dirs();
    for (name, data) in corpus("cli") {
        if let Err(m) = cli::run(&data, &ks, &work, false) {
            panic!(
                "cli: seed {name}: {m} (saved as {})",
                save_finding("cli", &data).display()
            );
        }
    }
    let stats = mutation_run(
        "cli",
        |d| {
            cli::run(d, &ks, &work, false)
                .map_err(|m| format!("{m} (saved as {})", save_finding("cli", d).display()))
        },
        SHORT_CLI_RUNS,
        None,
        0x05ee_dc11,
        16 << 10,
    );
    assert!(
        stats.findings.is_empty(),
        "cli: {} findings, first: {}",
        stats.findings.len(),
        stats.findings[0]
    );
}

/// A campaign: `CSRKIT_FUZZ_TARGET` (a target or `cli`) for
/// `CSRKIT_FUZZ_SECONDS`, from `CSRKIT_FUZZ_SEED` (default: the clock),
/// inputs up to `CSRKIT_FUZZ_MAX_LEN` bytes (default 256 KiB). Findings
/// are written under target/tmp/fuzz-findings/TARGET/ and fail the run.
#[test]
#[ignore = "a fuzz campaign: scripts/fuzz.sh TARGET SECONDS"]
fn campaign() {
    let env = |k: &str| std::env::var(k).ok();
    let target = env("CSRKIT_FUZZ_TARGET").expect("CSRKIT_FUZZ_TARGET");
    let seconds: u64 = env("CSRKIT_FUZZ_SECONDS").map_or(60, |s| s.parse().unwrap());
    let seed: u64 = env("CSRKIT_FUZZ_SEED").map_or_else(
        || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        },
        |s| s.parse().unwrap(),
    );
    let max_len: usize = env("CSRKIT_FUZZ_MAX_LEN").map_or(MAX_LEN, |s| s.parse().unwrap());
    let until = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let stats = if target == "cli" {
        let (_dir, ks, work) = cli_dirs();
        mutation_run(
            "cli",
            |d| {
                cli::run(d, &ks, &work, true)
                    .map_err(|m| format!("{m} (saved as {})", save_finding("cli", d).display()))
            },
            usize::MAX,
            Some(until),
            seed,
            max_len,
        )
    } else {
        let f = fuzz_targets::target(&target)
            .unwrap_or_else(|| panic!("no target {target}: csr request batch dn san cert cli"));
        mutation_run(
            &target,
            |d| one(&target, f, d, true),
            usize::MAX,
            Some(until),
            seed,
            max_len,
        )
    };
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "fuzz {target}: seed {seed}, {} runs in {secs:.0} s ({:.0}/s), mean {} bytes, largest {} bytes, {} accepted (in process; cli: see exit codes), {} findings",
        stats.runs,
        stats.runs as f64 / secs,
        stats.bytes / stats.runs.max(1),
        stats.largest,
        fuzz_targets::ACCEPTED.load(std::sync::atomic::Ordering::Relaxed),
        stats.findings.len(),
    );
    if target == "cli" {
        let exits: Vec<String> = cli::EXITS
            .iter()
            .enumerate()
            .map(|(c, n)| format!("{c}: {}", n.load(std::sync::atomic::Ordering::Relaxed)))
            .collect();
        eprintln!("fuzz cli: runs by exit code: {}", exits.join(", "));
    }
    for f in stats.findings.iter().take(20) {
        eprintln!("finding: {f}");
    }
    assert!(
        stats.findings.is_empty(),
        "{} findings",
        stats.findings.len()
    );
}
