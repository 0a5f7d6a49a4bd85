#!/usr/bin/env python3
"""The directory keystore's read paths, A/B on one existing keystore (not
part of the tests; figures in docs/performance.md).

  bench/reads.py --keystore DIR --bin OLD --bin NEW [--reps 15]

Runs each scenario with every binary in turn, alternating invocation by
invocation (old, new, old, new ...) so that both see the same load, and
prints per binary the median wall time, the median time to the first
byte of output and the load average over the runs. Read-only scenarios
only (show by id and by name, list, list --format json, expiring), so
the keystore is shared; build it first with bench/scale.py or
`generate --batch` (names r0000000 ...).
"""
import argparse, os, statistics, subprocess, time

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keystore", required=True)
    ap.add_argument("--bin", action="append", required=True)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--id", type=int, default=50_000)
    a = ap.parse_args()
    env = dict(os.environ, CSRKIT_KEYSTORE=a.keystore, CI="true")
    env.pop("CSRKIT_PASSPHRASE", None)
    scenarios = [
        ("show by id", ["show", str(a.id)], (0,)),
        ("show by name", ["show", f"r{a.id:07d}"], (0,)),
        ("list (text)", ["list"], (0,)),
        ("list (JSON)", ["list", "--format", "json"], (0,)),
        ("expiring --within 30d", ["expiring", "--within", "30d"], (0, 10)),
    ]
    for name, args, ok in scenarios:
        wall = {b: [] for b in a.bin}
        first = {b: [] for b in a.bin}
        loads = []
        for _ in range(a.reps):
            for b in a.bin:
                loads.append(os.getloadavg()[0])
                t = time.perf_counter()
                p = subprocess.Popen([os.path.abspath(b)] + args, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                p.stdout.read(1)
                f = time.perf_counter() - t
                p.stdout.read()
                rc = p.wait()
                w = time.perf_counter() - t
                if rc not in ok:
                    raise SystemExit(f"{b} {args}: exit {rc}")
                wall[b].append(w)
                first[b].append(f)
        cells = "   ".join(
            f"{os.path.basename(b)} {statistics.median(wall[b]) * 1e3:7.2f} ms"
            f" (first byte {statistics.median(first[b]) * 1e3:6.2f})"
            for b in a.bin)
        print(f"{name:24s} {cells}   load {min(loads):.1f}-{max(loads):.1f}"
              f" (median {statistics.median(loads):.1f})", flush=True)

if __name__ == "__main__":
    main()
