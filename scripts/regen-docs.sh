#!/usr/bin/env bash
# Regenerates completions/ and man/ from the clap definitions.
# tests/generated.rs fails when they are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/csrkit
mkdir -p completions
"$bin" completions bash > completions/csrkit.bash
"$bin" completions zsh > completions/_csrkit
"$bin" completions fish > completions/csrkit.fish
"$bin" completions powershell > completions/_csrkit.ps1
"$bin" completions elvish > completions/csrkit.elv
rm -rf man && "$bin" man man --quiet
echo "regenerated completions/ and man/"
