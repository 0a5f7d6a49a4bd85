//! Fault injection for the test suite: crash, pause, fail or force a flush
//! path at a named step of a commit. Compiled in only with the
//! `failpoints` cargo feature (the README's test command turns it on; a
//! release build has none of it: `strings` finds no trace). With the
//! feature, the points are TiKV's `fail` crate's, configured from the
//! test suite's environment:
//!
//! - `CSRKIT_TEST_CRASH_AT=<step>`: abort the process right after `step`
//!   (tests/crash.rs);
//! - `CSRKIT_TEST_PAUSE_AT=<step>:<ms>`: sleep that long the first time the
//!   process reaches `step` (tests/reliability.rs);
//! - `CSRKIT_TEST_FAIL_AT=<step>`: that step fails with ENOSPC, as a full
//!   disk would (tests/hostile.rs). Steps: `write:<file name>` (after half
//!   of the file's bytes are written), `create:rename`, `replace:exchange`;
//! - `CSRKIT_TEST_FLUSH=fsync|syncfs`: force one way of flushing a commit;
//! - `CSRKIT_TEST_MARK_AT=<step>@<path>`: create the file `path` the first
//!   time the process reaches `step` (a rendezvous: the test waits for the
//!   file instead of sleeping). Steps: `lock:wait` (a writer found the
//!   keystore's lock held and is waiting for it), `list:compact` (a
//!   listing is about to rewrite the catalog; also a pause point).

/// Whether fault injection is compiled in.
pub const ENABLED: bool = cfg!(feature = "failpoints");

#[cfg(feature = "failpoints")]
mod points {
    use std::sync::Once;

    /// Configures the fail points from the environment, once per process.
    fn setup() {
        static SETUP: Once = Once::new();
        SETUP.call_once(|| {
            let var = |k: &str| std::env::var(k).ok();
            if let Some(step) = var("CSRKIT_TEST_CRASH_AT") {
                let _ = fail::cfg(format!("crash:{step}"), "return");
            }
            if let Some((step, ms)) = var("CSRKIT_TEST_PAUSE_AT")
                .as_deref()
                .and_then(|a| a.rsplit_once(':'))
            {
                let ms: u64 = ms.parse().unwrap_or(0);
                let _ = fail::cfg(format!("pause:{step}"), &format!("1*sleep({ms})"));
            }
            if let Some(step) = var("CSRKIT_TEST_FAIL_AT") {
                let _ = fail::cfg(format!("fail:{step}"), "return");
            }
            if let Some((step, path)) = var("CSRKIT_TEST_MARK_AT")
                .as_deref()
                .and_then(|a| a.split_once('@'))
            {
                let _ = fail::cfg(format!("mark:{step}"), &format!("1*return({path})"));
            }
            if let Some(how) = var("CSRKIT_TEST_FLUSH") {
                let _ = fail::cfg("flush", &format!("return({how})"));
            }
        });
    }

    /// `Some(argument)` when the point `name` fires.
    pub fn fired(name: &str) -> Option<Option<String>> {
        setup();
        fail::fail_point!(name, Some);
        None
    }
}

/// Aborts the process when the test suite asked for a crash at `step`.
#[inline(always)]
pub fn crash(_step: &str) {
    #[cfg(feature = "failpoints")]
    if points::fired(&format!("crash:{_step}")).is_some() {
        std::process::abort();
    }
}

/// Sleeps when the test suite asked for a pause at `step` (first time only).
#[inline(always)]
pub fn pause(_step: &str) {
    #[cfg(feature = "failpoints")]
    let _ = points::fired(&format!("pause:{_step}"));
}

/// Creates the marker file the test suite named for `step` (first time
/// only), so a test can wait until the process got there.
#[inline(always)]
pub fn mark(_step: &str) {
    #[cfg(feature = "failpoints")]
    if let Some(Some(path)) = points::fired(&format!("mark:{_step}")) {
        let _ = std::fs::write(path, b"");
    }
}

/// ENOSPC when the test suite asked `step` to fail.
#[inline(always)]
pub fn fail(_step: &str) -> std::io::Result<()> {
    #[cfg(feature = "failpoints")]
    if points::fired(&format!("fail:{_step}")).is_some() {
        return Err(std::io::Error::from_raw_os_error(libc::ENOSPC));
    }
    Ok(())
}

/// The flush the test suite forces: `Some(true)` for one `syncfs`,
/// `Some(false)` for per-file fsyncs, `None` to decide as usual.
#[inline(always)]
pub fn forced_flush() -> Option<bool> {
    #[cfg(feature = "failpoints")]
    match points::fired("flush").flatten().as_deref() {
        Some("syncfs") => return Some(true),
        Some("fsync") => return Some(false),
        _ => {}
    }
    None
}
