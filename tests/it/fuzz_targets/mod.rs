//! The fuzz targets: csrkit's parsers of untrusted bytes, called in
//! process, each with the properties it must keep on every input. Shared
//! by the coverage-guided harness (`fuzz/`, cargo-fuzz on a nightly
//! toolchain) and the seeded mutation runner that `cargo test` runs
//! (`tests/fuzz.rs`); docs/fuzzing.md says how to run them.
//!
//! A target returns `Err(what)` when a property fails (the runners turn
//! that into a finding); a panic is a finding by itself.
//!
//! Properties, on every input:
//! - no panic;
//! - an error is one of the documented kinds, and never `Internal` (exit
//!   1 means a bug or the environment, never bad input); an invalid-input
//!   error names its field;
//! - what a parser accepts goes on to be built into a CSR that parses and
//!   verifies (the building side is where the quadratic RDN was);
//! - text output has no control character but newline (show of a fuzzed
//!   CSR included, since the reader branch escapes every decoded value);
//! - time and memory bounded by the input's size: enforced by the runners
//!   (libFuzzer `-timeout`/`-rss_limit_mb`, the mutation runner's clock in
//!   a campaign), see [`time_budget`].
#![allow(dead_code)]

pub mod cert;
pub mod mutate;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use csrkit::cli::RequestFormat;
use csrkit::csr;
use csrkit::error::{Error, Kind};
use csrkit::formats::{self, Options};
use csrkit::keys::PrivateKey;
use csrkit::request::{self, KeySpec, Request, RequestInput, San, Subject};

/// What a target does with one input.
pub type Target = fn(&[u8]) -> Result<(), String>;

/// Every target, by the name `scripts/fuzz.sh` and `fuzz/` use.
pub const TARGETS: &[(&str, Target)] = &[
    ("csr", csr_target),
    ("request", request_target),
    ("batch", batch_target),
    ("dn", dn_target),
    ("san", san_target),
    ("cert", cert::cert_target),
];

pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The CPU time one input of `len` bytes may take in process (a debug
/// build of csrkit with optimized dependencies): 1 s plus 1 ms per KiB. Linear
/// work is far below it; quadratic work on a 64 KiB input is far above.
pub fn time_budget(len: usize) -> Duration {
    Duration::from_secs(1) + Duration::from_micros(len as u64)
}

/// CPU time spent making keys (once per key spec; RSA-4096 takes a
/// second): not the input's work, so the runners leave it out of
/// [`time_budget`].
static KEYGEN_NANOS: AtomicU64 = AtomicU64::new(0);

/// CPU time of the calling thread. The budget is on CPU time, not wall
/// time: campaigns run niced on a shared two-core machine, where an input
/// that takes a millisecond of CPU can wait a second for a core (the first
/// campaigns' only "finding" was that).
pub fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec, which `ts` is.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        ts.tv_sec.max(0) as u64,
        ts.tv_nsec.clamp(0, 999_999_999) as u32,
    )
}

/// Runs `f` on `data` and checks the time budget on the thread's CPU time,
/// key generation left out.
pub fn timed(f: Target, data: &[u8]) -> Result<(), String> {
    let keygen = KEYGEN_NANOS.load(Ordering::Relaxed);
    let start = thread_cpu();
    let wall = std::time::Instant::now();
    f(data)?;
    let spent = Duration::from_nanos(KEYGEN_NANOS.load(Ordering::Relaxed) - keygen);
    let took = thread_cpu().saturating_sub(start).saturating_sub(spent);
    if took > time_budget(data.len()) {
        return Err(format!(
            "{} bytes took {took:?} of CPU ({:?} wall), over the budget",
            data.len(),
            wall.elapsed()
        ));
    }
    Ok(())
}

/// Largest input the runners make (the largest request body is 1 MiB).
pub const MAX_LEN: usize = 256 << 10;

/// Inputs that went all the way: a CSR built (or, for `csr`, parsed and
/// shown). How deep a run got, beside its count.
pub static ACCEPTED: AtomicUsize = AtomicUsize::new(0);

/// The error property: a documented kind, never internal for bad input;
/// invalid input names its field (as the field or an option in the text).
fn check_error(e: &Error, what: &str) -> Result<(), String> {
    // As the command line shows it: fields named as options.
    let named = e.field.is_some() || e.label.is_some();
    let e = &csrkit::commands::edge::for_cli(e.clone());
    match e.kind {
        Kind::Internal => Err(format!("{what}: internal error on input: {}", e.message)),
        Kind::Invalid if !named && !e.message.contains("--") => Err(format!(
            "{what}: invalid input without a field: {}",
            e.message
        )),
        _ if e.message.is_empty() || e.message.chars().any(char::is_control) => Err(format!(
            "{what}: error message not one line: {:?}",
            e.message
        )),
        _ => Ok(()),
    }
}

/// Text for a person: no control character but newline.
fn check_text(bytes: &[u8], what: &str) -> Result<(), String> {
    let text = String::from_utf8_lossy(bytes);
    match text.chars().find(|c| c.is_control() && *c != '\n') {
        Some(c) => Err(format!("{what}: control character {c:?} in text output")),
        None => Ok(()),
    }
}

/// One key per key spec, made once: key generation is not under test and
/// RSA-4096 takes a second.
fn key_for(spec: KeySpec) -> Result<&'static PrivateKey, String> {
    static KEYS: Mutex<Vec<(KeySpec, &'static PrivateKey)>> = Mutex::new(Vec::new());
    let mut keys = KEYS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, k)) = keys.iter().find(|(s, _)| *s == spec) {
        return Ok(k);
    }
    let t = thread_cpu();
    let key = PrivateKey::generate(spec).map_err(|e| format!("key generation: {e}"))?;
    KEYGEN_NANOS.fetch_add(
        thread_cpu().saturating_sub(t).as_nanos() as u64,
        Ordering::Relaxed,
    );
    let key: &'static PrivateKey = Box::leak(Box::new(key));
    keys.push((spec, key));
    Ok(key)
}

/// A validated request goes on to a CSR that parses, verifies and shows
/// as clean text, as `generate` does.
fn build(req: &Request, what: &str) -> Result<(), String> {
    let key = key_for(req.key)?;
    let der = match csr::build(req, key) {
        Ok(der) => der,
        Err(e) => return check_error(&e, &format!("{what}: build")),
    };
    let parsed = csr::parse_verified(&der)
        .map_err(|e| format!("{what}: the CSR csrkit built does not verify: {e}"))?;
    let shown = formats::shape(csrkit::cli::FormatArg::Text)
        .show(None, &parsed, Options::default())
        .map_err(|e| format!("{what}: show of a built CSR: {e}"))?;
    ACCEPTED.fetch_add(1, Ordering::Relaxed);
    check_text(&shown, &format!("{what}: show of a built CSR"))
}

/// Resolves an input layer the way `generate` does and builds it.
fn resolve_and_build(input: &RequestInput, what: &str) -> Result<(), String> {
    match input.resolve(None, false) {
        Ok(req) => build(&req, what),
        Err(e) => check_error(&e, &format!("{what}: resolve")),
    }
}

/// `show --file`: PEM or DER, parsed, verified and rendered as text and JSON.
pub fn csr_target(data: &[u8]) -> Result<(), String> {
    let der = match csr::decode_input(data) {
        Ok(der) => der,
        Err(e) => return check_error(&e, "decode"),
    };
    let parsed = match csr::parse(&der) {
        Ok(p) => p,
        Err(e) => return check_error(&e, "parse"),
    };
    for format in [csrkit::cli::FormatArg::Text, csrkit::cli::FormatArg::Json] {
        let out = formats::shape(format)
            .show(None, &parsed, Options::default())
            .map_err(|e| format!("show {format:?}: {e}"))?;
        if format == csrkit::cli::FormatArg::Json {
            serde_json::from_slice::<serde_json::Value>(&out)
                .map_err(|e| format!("show --format json is not JSON: {e}"))?;
        } else {
            check_text(&out, "show")?;
        }
    }
    ACCEPTED.fetch_add(1, Ordering::Relaxed);
    Ok(())
}

const FORMATS: [Option<RequestFormat>; 7] = [
    None,
    Some(RequestFormat::Native),
    Some(RequestFormat::Vendor(csrkit::vendors::Vendor::Qradar)),
    Some(RequestFormat::Vendor(csrkit::vendors::Vendor::Nsx)),
    Some(RequestFormat::Vendor(csrkit::vendors::Vendor::Xclarity)),
    Some(RequestFormat::Vendor(csrkit::vendors::Vendor::Arcgis)),
    Some(RequestFormat::Vendor(csrkit::vendors::Vendor::Sbc)),
];

/// `--request` in every vendor form: a first byte 0-6 forces a format
/// (none, native, qradar, nsx, xclarity, arcgis, sbc); anything else is
/// detected, as without `--request-format`.
pub fn request_target(data: &[u8]) -> Result<(), String> {
    let (forced, body) = match data.first() {
        Some(b) if (*b as usize) < FORMATS.len() => (FORMATS[*b as usize], &data[1..]),
        _ => (None, data),
    };
    match formats::request::parse(body, forced) {
        Ok(input) => resolve_and_build(&input, "request"),
        Err(e) => check_error(&e, "request parse"),
    }
}

/// `--batch`: every line on its own, as a batch line is (at most the first
/// 8 accepted lines are built, so a run stays bounded by its input).
pub fn batch_target(data: &[u8]) -> Result<(), String> {
    let mut built = 0;
    for line in data.split(|b| *b == b'\n') {
        let Ok(text) = std::str::from_utf8(line) else {
            continue;
        };
        let line = text.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let input = match formats::request::parse(line.as_bytes(), None) {
            Ok(i) => i,
            Err(e) => {
                check_error(&e, "batch line")?;
                continue;
            }
        };
        let req = match input.resolve(None, false) {
            Ok(r) => r,
            Err(e) => {
                check_error(&e, "batch line: resolve")?;
                continue;
            }
        };
        if let Some(n) = &input.name {
            if let Err(e) = request::validate_name(n) {
                check_error(&e, "batch line: name")?;
            }
        } else if let Some(n) = req.subject.common_name().and_then(request::name_from_cn) {
            request::validate_name(&n)
                .map_err(|e| format!("a name derived from the CN is invalid: {e}"))?;
        }
        if built < 8 {
            built += 1;
            build(&req, "batch line")?;
        }
    }
    Ok(())
}

/// DN strings (`--subject`): what parses with values csrkit accepts
/// round-trips through both printed forms, and builds into a CSR. (A
/// value with a control character parses, is refused by validation, and
/// is not printed: a trailing newline in it does not round-trip.)
pub fn dn_target(data: &[u8]) -> Result<(), String> {
    let Ok(dn) = std::str::from_utf8(data) else {
        return Ok(());
    };
    let subject = match Subject::parse(dn) {
        Ok(s) => s,
        Err(e) => return check_error(&e, "dn parse"),
    };
    let valid = subject
        .0
        .iter()
        .flatten()
        .all(|a| request::validate_value(a.attr, &a.value).is_ok());
    for (form, text) in valid
        .then(|| {
            [
                ("rfc4514", subject.to_rfc4514()),
                ("slash", subject.to_slash()),
            ]
        })
        .into_iter()
        .flatten()
    {
        match Subject::parse(&text) {
            Ok(back) if back == subject => {}
            Ok(back) => {
                return Err(format!(
                    "dn: {form} form {text:?} parses to {back:?}, not {subject:?}"
                ))
            }
            Err(e) => return Err(format!("dn: {form} form {text:?} does not parse: {e}")),
        }
    }
    let input = RequestInput {
        subject: Some(dn.to_string()),
        key_type: Some("ec".into()),
        ..RequestInput::default()
    };
    resolve_and_build(&input, "dn")
}

/// SAN values: each typed parser, then a list of them into a CSR.
pub fn san_target(data: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(());
    };
    type Parser = fn(&str) -> csrkit::Result<San>;
    let parsers: [(&str, Parser); 5] = [
        ("typed", San::parse_typed),
        ("dns", San::dns),
        ("ip", San::ip),
        ("email", San::email),
        ("uri", San::uri),
    ];
    for value in text.lines().take(64) {
        for (name, parse) in parsers {
            if let Err(e) = parse(value) {
                check_error(&e, &format!("san {name}"))?;
            }
        }
    }
    let input = RequestInput {
        san: Some(text.lines().map(String::from).collect()),
        key_type: Some("ec".into()),
        no_default_san: Some(true),
        ..RequestInput::default()
    };
    resolve_and_build(&input, "san")
}
