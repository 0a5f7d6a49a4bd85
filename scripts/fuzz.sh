#!/usr/bin/env bash
# Runs one fuzz target for a while: scripts/fuzz.sh TARGET SECONDS
#
# TARGET: csr request batch dn san cert (in process) or cli (the built binary,
# mutation runner only); `list` prints them. See docs/fuzzing.md.
#
# Engine: coverage-guided libFuzzer through cargo-fuzz when a nightly
# toolchain and cargo-fuzz are installed (checked, not assumed), else the
# seeded mutation runner of tests/fuzz.rs on the stable toolchain.
# FUZZ_ENGINE=libfuzzer|mutation forces one. FUZZ_KEEP_GOING=1: libFuzzer
# goes on after a finding (fork mode); the mutation runner always does.
#
# Findings: libFuzzer writes fuzz/artifacts/TARGET/, the mutation runner
# target/tmp/fuzz-findings/TARGET/. Fix the fault, then copy the input to
# tests/fuzz-seeds/TARGET/ so `cargo test` replays it for good.
#
# Bounds (on every input): libFuzzer -timeout (hard, per input) and
# -rss_limit_mb; the targets' own budget of 1 s + 1 ms/KiB in process
# (tests/fuzz_targets/mod.rs); for cli, 10 s + 2 ms/KiB (+3 s per batch
# line) and 96 MiB + 16 bytes per input byte of peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."

targets_inproc="csr request batch dn san cert"
if [[ ${1:-} == list ]]; then
    echo "$targets_inproc cli"
    exit 0
fi
if [[ $# -ne 2 || ! $2 =~ ^[0-9]+$ ]]; then
    echo "usage: scripts/fuzz.sh TARGET SECONDS   (TARGET: $targets_inproc cli)" >&2
    exit 2
fi
target=$1
seconds=$2
case " $targets_inproc cli " in
*" $target "*) ;;
*)
    echo "unknown target '$target' (one of: $targets_inproc cli)" >&2
    exit 2
    ;;
esac

engine=${FUZZ_ENGINE:-}
if [[ -z $engine ]]; then
    if [[ $target != cli ]] && cargo +nightly --version >/dev/null 2>&1 &&
        cargo fuzz --version >/dev/null 2>&1; then
        engine=libfuzzer
    else
        engine=mutation
    fi
fi

case $engine in
libfuzzer)
    # The working corpus grows under fuzz/corpus/ (not checked in); the
    # checked-in seeds and regressions are read beside it.
    corpus=fuzz/corpus/$target
    mkdir -p "$corpus" "fuzz/artifacts/$target"
    cd fuzz
    # No sanitizer by default: csrkit is safe Rust, and ASan would halve
    # the executions (FUZZ_SANITIZER=address turns it on). Debug
    # assertions on: overflow is a finding.
    # FUZZ_KEEP_GOING=1: go on after a finding (libFuzzer's fork mode, one
    # job at a time), so one campaign collects every finding of its time.
    keep_going=()
    if [[ ${FUZZ_KEEP_GOING:-} == 1 ]]; then
        keep_going=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    fi
    exec cargo +nightly fuzz run -s "${FUZZ_SANITIZER:-none}" -a "$target" \
        "../$corpus" ../tests/fuzz-seeds/"$target" -- \
        "${keep_going[@]}" \
        -max_total_time="$seconds" \
        -timeout="${FUZZ_TIMEOUT:-10}" \
        -rss_limit_mb="${FUZZ_RSS_MB:-1024}" \
        -max_len="${FUZZ_MAX_LEN:-65536}" \
        -print_final_stats=1
    ;;
mutation)
    # With the README's test features, so the test build is shared.
    CSRKIT_FUZZ_TARGET=$target CSRKIT_FUZZ_SECONDS=$seconds \
        exec cargo test --locked --features failpoints --test it -- \
        --ignored --exact fuzz::campaign --nocapture
    ;;
*)
    echo "FUZZ_ENGINE must be libfuzzer or mutation" >&2
    exit 2
    ;;
esac
