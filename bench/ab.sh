#!/usr/bin/env bash
# Builds another commit's release binary beside this tree's and runs the
# keystore scale scenarios (bench/scale.py) on both, alternating whole
# runs (old, new, old, new ...), each on a fresh keystore, with the load
# printed before each run. Not part of the tests.
#   bench/ab.sh [COMMIT] [--records N] [--runs R] [scale.py options]
# COMMIT defaults to HEAD~1. The commit is checked out as a git worktree
# in a temporary directory and built with a target directory kept in
# target/ab (so a second run is incremental).
set -euo pipefail
cd "$(dirname "$0")/.."
commit=${1:-HEAD~1}
[ $# -gt 0 ] && shift
runs=2
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
rev=$(git rev-parse --short "$commit")
wt=$(mktemp -d /tmp/csrkit-ab-XXXXXX)
trap 'git worktree remove --force "$wt" >/dev/null 2>&1 || true; rm -rf "$wt"' EXIT
git worktree add --detach "$wt" "$rev" >/dev/null
mkdir -p target/ab
(cd "$wt" && CARGO_TARGET_DIR="$OLDPWD/target/ab" cargo build --release --locked --quiet)
cp target/ab/release/csrkit "target/ab/csrkit-$rev"
cargo build --release --locked --quiet
cp target/release/csrkit target/ab/csrkit-head
for i in $(seq "$runs"); do
  for b in "target/ab/csrkit-$rev" target/ab/csrkit-head; do
    echo "== $b (run $i; load: $(cut -d' ' -f1-3 /proc/loadavg))"
    python3 bench/scale.py --bin "$b" "${args[@]}"
  done
done
