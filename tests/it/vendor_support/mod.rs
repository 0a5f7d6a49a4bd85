//! Helpers for the vendor_*.rs tests: the built binary on a temporary
//! keystore (through `support::Ks`), refusals that must leave the
//! keystore byte-identical, request bodies written to files.
#![allow(dead_code)]

use std::process::Output;

use serde_json::Value;

use crate::support::*;

pub fn run_ks(ks: &Ks, args: &[&str]) -> Output {
    let out = ks.cmd().args(args).output().unwrap();
    no_panic(&out);
    out
}

pub fn ok_ks(ks: &Ks, args: &[&str]) -> String {
    let out = run_ks(ks, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

pub fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

/// Runs `args`, expects exit 2 and a byte-identical keystore; returns the output.
pub fn refused(ks: &Ks, args: &[&str]) -> Output {
    let before = ks.snapshot();
    let out = run_ks(ks, args);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    assert_same(&before, &ks.snapshot(), &args.join(" "));
    out
}

/// A keystore holding `base` (EC, no passphrase), so that it exists.
pub fn keystore() -> Ks {
    let ks = Ks::new();
    ks.generate_ec("base");
    ks
}

/// Writes a request body and returns its path.
pub fn body(ks: &Ks, name: &str, text: &str) -> String {
    ks.file(name, text.as_bytes()).to_str().unwrap().to_string()
}

pub fn names(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}
