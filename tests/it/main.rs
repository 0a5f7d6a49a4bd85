//! The one integration-test binary (ripgrep's tests/tests.rs, jj's
//! cli/tests/runner.rs): every former `tests/*.rs` is a module here, so
//! the crate and the test support are compiled and linked once, not once
//! per file. Run one file's tests with `cargo test --test it NAME::`.
//!
//! Shared helpers: `support` (the keystore, the binary, the oracles),
//! `backend` (a test run on both keystore backends), `assemble` (DER
//! builders), `pebble` (the ACME server), `serve_support` and
//! `vendor_support` (serve and the vendors' clients), `fuzz_targets`,
//! `child` and `cli` (the fuzzer's targets and its child runner).

mod assemble;
#[macro_use]
mod backend;
#[path = "fuzz_targets/child.rs"]
mod child;
#[path = "fuzz_targets/cli.rs"]
mod cli;
mod fuzz_targets;
mod pebble;
mod serve_support;
mod support;
mod vendor_support;

mod acme_account;
mod acme_ari;
mod acme_hooks;
mod acme_pebble;
mod acme_pg;
mod acme_pg_faults;
mod acme_renew;
mod backends;
mod batch;
mod core;
// Crash injection needs the fault points (`--features failpoints`).
#[cfg(feature = "failpoints")]
mod crash;
mod export;
mod first_use;
mod friction;
mod fuzz;
mod generate_ground;
mod generated;
mod hostile;
mod hostile_scale;
mod import;
mod import_key;
mod import_vendor;
mod index;
mod lint;
mod lint_pkilint;
mod output;
mod pg;
mod prompts;
mod proptest_parsers;
mod reader;
mod readme;
mod refusals;
mod reliability;
mod renewal;
mod safety;
mod secrets;
mod serve_clients;
mod serve_nsx;
mod serve_vendors;
mod startup;
mod terminal;
mod test_env;
mod vendor;
mod vendor_clients;
mod vendor_nsx;
