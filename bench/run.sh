#!/usr/bin/env bash
# Side-by-side benchmark: csrkit vs openssl req, interleaved, medians and
# ratios. Exits non-zero when a target is missed. Not part of the tests.
#   bench/run.sh            full run (~3 minutes)
#   bench/run.sh --quick    fewer repetitions
#   bench/run.sh --scale [COMMIT]  also the 100,000-record rows, this tree
#                           against COMMIT (default HEAD~1; bench/ab.sh),
#                           then bench/serve.sh and bench/acme.py
set -euo pipefail
cd "$(dirname "$0")/.."
# The per-file fsync row needs a build that can be told which flush to
# use (fault points); the shipped build cannot.
cargo build --release --locked --quiet --features failpoints
cp target/release/csrkit target/release/csrkit-failpoints
cargo build --release --locked --quiet
scale=
if [ "${1:-}" = "--scale" ]; then
  shift
  scale=HEAD~1
  if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then scale=$1; shift; fi
fi
rc=0
python3 bench/bench.py --bin target/release/csrkit --fault-bin target/release/csrkit-failpoints "$@" || rc=$?
if [ -n "$scale" ]; then
  bench/ab.sh "$scale" --records 100000 --reps 7
  CSRKIT_BIN=$PWD/target/release/csrkit bench/serve.sh || echo "bench/serve.sh failed (exit $?)"
  python3 bench/acme.py || echo "bench/acme.py failed (exit $?)"
fi
exit $rc
