//! libFuzzer entry for the `san` target (tests/it/fuzz_targets/mod.rs):
//! a failed property or a run over the time budget is a crash.
#![no_main]

#[path = "../../tests/it/fuzz_targets/mod.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(m) = targets::timed(targets::san_target, data) {
        panic!("property failed: {m}");
    }
});
