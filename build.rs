//! Links the unwinder (libgcc_eh) into the binary on Linux/glibc, so that
//! the process does not load libgcc_s.so.1 at start-up.
//!
//! Why: Rust's std needs `_Unwind_*` (for backtraces and, in debug builds,
//! panics) and takes them from libgcc_s.so.1 unless the whole binary is
//! static. Loading that library costs a mapping, relocations and its
//! constructor, which asks the CPU for its features with a dozen CPUID
//! instructions; under a hypervisor each CPUID traps (6 us measured here).
//! With the archive's objects linked in, `--as-needed` drops libgcc_s:
//! `csrkit --version` 1.26 -> 1.06 ms, EC generate 3.45 -> 3.31 ms (docs/performance.md,
//! "Performance"). Fully static binaries (`+crt-static`) already do this.
//!
//! Where the C compiler has no libgcc_eh.a (clang-only systems) nothing
//! changes: the binary links libgcc_s.so.1 as before.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let glibc = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    let static_crt = var("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|f| f == "crt-static");
    if !glibc || static_crt {
        return;
    }
    if let Some(dir) = libgcc_eh_dir() {
        println!("cargo:rustc-link-search=native={}", dir.display());
        // Every object of the archive: std's references to `_Unwind_*` are
        // resolved later in the link than our crate's libraries are.
        println!("cargo:rustc-link-lib=static:+whole-archive,-bundle=gcc_eh");
    }
}

/// Where the linker driver keeps libgcc_eh.a, if it has one.
fn libgcc_eh_dir() -> Option<PathBuf> {
    let linker = std::env::var("RUSTC_LINKER").unwrap_or_else(|_| "cc".into());
    let out = Command::new(linker)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    // Without the file, the driver prints the bare name back.
    if !out.status.success() || !path.is_absolute() || !path.is_file() {
        return None;
    }
    path.parent().map(PathBuf::from)
}
