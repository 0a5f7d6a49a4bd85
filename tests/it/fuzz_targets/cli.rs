//! The `cli` fuzz target: the built binary on a fuzzed input, with the
//! properties only a whole run shows. The first byte picks the mode:
//! `show --file` as text or JSON, `generate --request`, `generate --batch`
//! (JSON results), `generate --subject DN --san LIST` (the input's first
//! line and the rest as arguments), `import FILE` (text) or `--format json
//! import --record base FILE`. In the show and import modes, `@LEAF@` in
//! the input becomes the PEM of the keystore's record `base` (self-signed
//! when the keystore is made), so a fuzzed bundle can hold a certificate
//! that import takes; the system trust store is an empty file
//! (`SSL_CERT_FILE`), so runs do not depend on the machine.
//!
//! Properties: exit code 0-9 (10 is only `expiring` and `lint`) and no
//! signal; no "panicked"; stdout of a
//! JSON run is JSON; text output has no control character but newline
//! (show of a fuzzed CSR included); a run that exits non-zero leaves the keystore byte-identical
//! (a batch: unless some line was committed); peak RSS at most 96 MiB
//! plus 16 bytes per input byte; in a campaign, wall time within
//! [`time_limit`].

use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::child::run_measured;
use crate::support::{csrkit, snapshot};

pub const MODES: usize = 7;

/// Runs per exit code (0-9), to see how deep a campaign got.
pub static EXITS: [std::sync::atomic::AtomicUsize; 10] =
    [const { std::sync::atomic::AtomicUsize::new(0) }; 10];

/// Where `@LEAF@` is replaced by the PEM of record `base`'s certificate.
const LEAF_MARK: &[u8] = b"@LEAF@";

fn with_leaf(body: &[u8], ks: &Path) -> Vec<u8> {
    if !body.windows(LEAF_MARK.len()).any(|w| w == LEAF_MARK) {
        return body.to_vec();
    }
    let leaf = std::fs::read(ks.join("records/base/cert.pem")).unwrap_or_default();
    let mut out = Vec::with_capacity(body.len() + leaf.len());
    let mut rest = body;
    while let Some(i) = rest.windows(LEAF_MARK.len()).position(|w| w == LEAF_MARK) {
        out.extend_from_slice(&rest[..i]);
        out.extend_from_slice(&leaf);
        rest = &rest[i + LEAF_MARK.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// The wall time a run of a debug binary may take on an input of `len`
/// bytes: 10 s plus 2 ms per KiB, and 3 s more per batch line (an RSA-4096
/// key is generated per line, and that is the input's doing).
pub fn time_limit(len: usize, lines: usize) -> Duration {
    Duration::from_secs(10)
        + Duration::from_micros(2 * len as u64)
        + Duration::from_secs(3) * lines as u32
}

/// Peak resident memory a run may have.
pub fn rss_limit_kib(len: usize) -> u64 {
    96 * 1024 + (16 * len as u64) / 1024
}

fn check_text(bytes: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(bytes);
    match text.chars().find(|c| c.is_control() && *c != '\n') {
        Some(c) => Err(format!("control character {c:?} in text output")),
        None => Ok(()),
    }
}

/// At most [`MAX_ARG`] bytes of `s` (on a character boundary): Linux
/// refuses to exec with one argument over 128 KiB (`E2BIG`), whatever the
/// program, so a longer one says nothing about csrkit.
fn arg_prefix(s: &str) -> &str {
    let mut end = s.len().min(MAX_ARG);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The longest argument the `generate --subject --san` mode passes.
const MAX_ARG: usize = 64 << 10;

/// Runs one input; `ks` holds one record, `work` is scratch space;
/// `timed`: check the wall time (campaigns only, never in `cargo test`).
pub fn run(data: &[u8], ks: &Path, work: &Path, timed: bool) -> Result<(), String> {
    let Some((&mode, body)) = data.split_first() else {
        return Ok(());
    };
    let mode = mode as usize % MODES;
    let file = work.join("input");
    let body = match mode {
        0 | 1 | 5 | 6 => with_leaf(body, ks),
        _ => body.to_vec(),
    };
    let body = body.as_slice();
    std::fs::write(&file, body).map_err(|e| format!("write input: {e}"))?;
    let store = work.join("empty-trust-store.pem");
    std::fs::write(&store, b"").map_err(|e| format!("write trust store: {e}"))?;
    let mut cmd = csrkit(ks);
    cmd.stdin(std::process::Stdio::null())
        .env("SSL_CERT_FILE", &store);
    let mut lines = 0;
    match mode {
        0 => cmd.arg("show").arg("--file").arg(&file),
        1 => cmd.args(["--format", "json", "show", "--file"]).arg(&file),
        2 => cmd
            .args(["generate", "fz", "--no-passphrase", "--request"])
            .arg(&file),
        3 => {
            lines = body.split(|b| *b == b'\n').count();
            cmd.args([
                "--format",
                "json",
                "generate",
                "--no-passphrase",
                "--jobs",
                "2",
                "--batch",
            ])
            .arg(&file)
        }
        5 => cmd.arg("import").arg(&file),
        6 => cmd
            .args(["--format", "json", "import", "--record", "base"])
            .arg(&file),
        _ => {
            let text = String::from_utf8_lossy(body).replace('\0', "");
            let (dn, sans) = text.split_once('\n').unwrap_or((&text, ""));
            cmd.args(["generate", "fz", "--no-passphrase", "--key-type", "ec"])
                .arg("--subject")
                .arg(arg_prefix(dn));
            for san in sans.lines().take(32) {
                cmd.arg("--san").arg(arg_prefix(san));
            }
            &mut cmd
        }
    };
    let before = snapshot(ks);
    let limit = time_limit(data.len(), lines);
    let m = run_measured(&mut cmd, limit * 3);
    let err = String::from_utf8_lossy(&m.stderr);
    if m.killed {
        return Err(format!("mode {mode}: still running after {:?}", limit * 3));
    }
    let code = match (m.code, m.signal) {
        (Some(c), _) if (0..=9).contains(&c) => c,
        (Some(c), _) => return Err(format!("mode {mode}: undocumented exit code {c}: {err}")),
        (None, s) => return Err(format!("mode {mode}: ended by signal {s:?}: {err}")),
    };
    EXITS[code as usize].fetch_add(1, Ordering::Relaxed);
    if err.contains("panicked") {
        return Err(format!("mode {mode}: panic: {err}"));
    }
    if code != 0 && !err.contains("error: ") {
        return Err(format!("mode {mode}: exit {code} without an error line"));
    }
    if timed && m.took > limit {
        return Err(format!("mode {mode}: took {:?}, over {limit:?}", m.took));
    }
    if m.max_rss_kib > rss_limit_kib(data.len()) {
        return Err(format!(
            "mode {mode}: peak RSS {} KiB, over {} KiB",
            m.max_rss_kib,
            rss_limit_kib(data.len())
        ));
    }
    check_text(&m.stderr).map_err(|e| format!("mode {mode}: stderr: {e}"))?;
    let mut committed = false;
    match mode {
        1 | 3 | 6 if !m.stdout.is_empty() => {
            let v: serde_json::Value = serde_json::from_slice(&m.stdout).map_err(|e| {
                format!(
                    "mode {mode}: stdout is not JSON ({e}): {}",
                    String::from_utf8_lossy(&m.stdout)
                )
            })?;
            committed = v
                .as_array()
                .is_some_and(|rows| rows.iter().any(|r| r["status"] == "ok"));
        }
        _ => check_text(&m.stdout).map_err(|e| format!("mode {mode}: stdout: {e}"))?,
    }
    if code != 0 && !committed && snapshot(ks) != before {
        return Err(format!(
            "mode {mode}: exit {code} changed the keystore: {err}"
        ));
    }
    // Leave one record, whatever was made, so every run starts alike.
    if code == 0 || committed {
        let _ = std::fs::remove_dir_all(ks);
        seed_keystore(ks)?;
    }
    Ok(())
}

/// A keystore with one record, `base` (EC, no passphrase).
pub fn seed_keystore(ks: &Path) -> Result<(), String> {
    let out = csrkit(ks)
        .args([
            "generate",
            "base",
            "--cn",
            "base.example.com",
            "--key-type",
            "ec",
            "--no-passphrase",
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("seed keystore: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "seed keystore: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    // A certificate for `base`, for `@LEAF@` (see the module doc).
    let out = csrkit(ks)
        .args(["self-sign", "base", "--days", "3650", "--no-passphrase"])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("seed keystore: self-sign: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "seed keystore: self-sign: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}
