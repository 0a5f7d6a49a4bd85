//! libFuzzer entry for the `batch` target (tests/fuzz_targets/mod.rs).
#![no_main]

#[path = "../../tests/fuzz_targets/mod.rs"]
#[allow(dead_code)]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let start = std::time::Instant::now();
    if let Err(m) = targets::batch_target(data) {
        panic!("property failed: {m}");
    }
    let took = start.elapsed();
    if took > targets::time_budget(data.len()) {
        panic!("{} bytes took {took:?}, over the budget", data.len());
    }
});
