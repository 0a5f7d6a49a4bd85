//! What build.rs does for start-up time (see docs/performance.md): on
//! Linux/glibc the unwinder is linked in, so the binary does not load
//! libgcc_s.so.1, and unwinding still works.

/// The shared libraries the built binary asks the dynamic loader for.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn needed(binary: &str) -> Vec<String> {
    let out = std::process::Command::new("readelf")
        .args(["--dynamic", "--wide", binary])
        .output()
        .expect("readelf (binutils) runs");
    assert!(out.status.success(), "readelf failed on {binary}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(|l| l.split('[').nth(1)?.split(']').next().map(String::from))
        .collect()
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_binary_does_not_load_libgcc_s() {
    if cfg!(target_feature = "crt-static") {
        return; // a static binary loads nothing
    }
    // Mirrors build.rs: only where the C compiler ships libgcc_eh.a.
    let probe = std::process::Command::new("cc")
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .expect("cc runs");
    let path = String::from_utf8_lossy(&probe.stdout).trim().to_string();
    if !std::path::Path::new(&path).is_absolute() {
        eprintln!("no libgcc_eh.a here: nothing to check");
        return;
    }
    let libs = needed(env!("CARGO_BIN_EXE_csrkit"));
    assert!(
        libs.iter().any(|l| l.starts_with("libc.so")),
        "readelf output not understood: {libs:?}"
    );
    assert!(
        !libs.iter().any(|l| l.starts_with("libgcc_s")),
        "csrkit loads libgcc_s at start-up again: {libs:?} (see build.rs)"
    );
}

/// This test binary is linked like csrkit (same package, same build.rs):
/// panics unwind through the linked-in unwinder and backtraces walk it.
#[test]
fn panics_unwind_and_backtraces_walk_with_the_linked_unwinder() {
    use std::sync::atomic::{AtomicBool, Ordering};
    static DROPPED: AtomicBool = AtomicBool::new(false);
    struct Guard;
    impl Drop for Guard {
        fn drop(&mut self) {
            DROPPED.store(true, Ordering::SeqCst);
        }
    }
    let caught = std::panic::catch_unwind(|| {
        let _guard = Guard;
        panic!("expected by the test");
    });
    assert!(caught.is_err());
    assert!(DROPPED.load(Ordering::SeqCst), "unwinding skipped a drop");
    let bt = std::backtrace::Backtrace::force_capture();
    assert_eq!(bt.status(), std::backtrace::BacktraceStatus::Captured);
    let text = bt.to_string();
    assert!(
        text.contains("panics_unwind_and_backtraces_walk_with_the_linked_unwinder"),
        "backtrace does not reach this test's frame:\n{text}"
    );
}
