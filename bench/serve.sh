#!/usr/bin/env bash
# csrkit serve under load (not part of the tests): 32 keep-alive HTTPS
# clients (wrk) generating CSRs through the NSX route (POST
# /policy/api/v1/infra/csrs/{id}?action=create, every id new), then GETs
# of one CSR; both on a fresh directory keystore, keys unencrypted
# (--no-passphrase: scrypt would be the figure otherwise). Compared with
# `csrkit generate --batch` of the same number of P-256 records.
#   bench/serve.sh [SECONDS]        (default 10 per run; CSRKIT_BIN=path skips the build)
# Needs wrk (apt-get install wrk). Figures go in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
# CSRKIT_BIN: a binary already built (skips the release build).
if [ -z "${CSRKIT_BIN:-}" ]; then
    cargo build --release --locked --quiet
fi
bin=${CSRKIT_BIN:-$PWD/target/release/csrkit}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
echo bench-password > "$work/pw"
for key in ec rsa; do
    rm -rf "$work/ks"
    CSRKIT_KEYSTORE="$work/ks" "$bin" serve --vendor nsx --password-file "$work/pw" \
        --no-passphrase > "$work/ready" 2> "$work/err" &
    pid=$!
    while [ ! -s "$work/ready" ]; do sleep 0.1; done
    port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["vendors"]["nsx"]["port"])' "$work/ready")
    if [ "$key" = ec ]; then alg='"algorithm":"EC","key_size":256'; else alg='"algorithm":"RSA","key_size":2048'; fi
    cat > "$work/create.lua" <<LUA
local n = 0
local t = 0
function setup(thread) t = t + 1; thread:set("tid", t) end
function init(args) n = 0 end
request = function()
  n = n + 1
  local path = "/policy/api/v1/infra/csrs/b" .. tid .. "-" .. n .. "?action=create"
  return wrk.format("POST", path, {["Content-Type"] = "application/json",
    ["Authorization"] = "Basic YWRtaW46YmVuY2gtcGFzc3dvcmQ="},
    '{"subject":{"attributes":[{"key":"CN","value":"bench.example.com"}]},$alg}')
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d non2xx=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA
    echo "== $key: create through the NSX route, 32 connections, ${secs}s"
    SSL_CERT_FILE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ca_file"])' "$work/ready") \
        wrk -t 4 -c 32 -d "${secs}s" -s "$work/create.lua" "https://127.0.0.1:$port" | grep RESULT
    made=$(CSRKIT_KEYSTORE="$work/ks" "$bin" list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
    echo "records in the keystore: $made"
    if [ "$key" = ec ]; then
        first=$(CSRKIT_KEYSTORE="$work/ks" "$bin" list --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["name"])')
        cat > "$work/get.lua" <<LUA
request = function()
  return wrk.format("GET", "/policy/api/v1/infra/csrs/$first", {["Authorization"] = "Basic YWRtaW46YmVuY2gtcGFzc3dvcmQ="})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d non2xx=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA
        echo "== GET of one CSR, 32 connections, ${secs}s"
        wrk -t 4 -c 32 -d "${secs}s" -s "$work/get.lua" "https://127.0.0.1:$port" | grep RESULT
    fi
    kill -TERM "$pid"; wait "$pid" || true
done
echo "== generate --batch, 5000 EC records (the CLI's rate on this machine)"
rm -rf "$work/ks2"
python3 -c 'import json
for i in range(5000): print(json.dumps({"name": f"g{i}", "common_name": "bench.example.com", "key_type": "ec"}))' > "$work/batch.jsonl"
start=$(date +%s.%N)
CSRKIT_KEYSTORE="$work/ks2" "$bin" generate --batch "$work/batch.jsonl" --no-passphrase > /dev/null
end=$(date +%s.%N)
python3 -c "print('batch: %.0f records/s' % (5000 / ($end - $start)))"
