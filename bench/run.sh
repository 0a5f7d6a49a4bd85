#!/usr/bin/env bash
# Side-by-side benchmark: csrkit vs openssl req, interleaved, medians and
# ratios. Exits non-zero when a target is missed. Not part of the tests.
#   bench/run.sh            full run (~3 minutes)
#   bench/run.sh --quick    fewer repetitions
set -euo pipefail
cd "$(dirname "$0")/.."
# The per-file fsync row needs a build that can be told which flush to
# use (fault points); the shipped build cannot.
cargo build --release --locked --quiet --features failpoints
cp target/release/csrkit target/release/csrkit-failpoints
cargo build --release --locked --quiet
exec python3 bench/bench.py --bin target/release/csrkit --fault-bin target/release/csrkit-failpoints "$@"
