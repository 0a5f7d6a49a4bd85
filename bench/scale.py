#!/usr/bin/env python3
"""Keystore scale scenarios (not part of the tests; figures in
docs/performance.md, "Keystore scale").

  bench/scale.py --bin target/release/csrkit [--records 100000]
  bench/scale.py --bin ... --pg postgresql://... [--records 1000000]

Builds a keystore of N P-256 records with `generate --batch` (timed),
then times, as medians of repeated whole-process runs: show by id and by
name, list (text and JSON, with peak RSS), generate into the full
keystore against an empty one, import's key lookup (a certificate
whose key no record has: the lookup is all the command does; and one
whose key a record holds: first import, then re-import), and `expiring`. With --pg
the keystore is that database (it must be empty or hold an earlier run's
records), and list is also timed to its first byte of output.
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--pg", help="a postgresql:// URL instead of a directory")
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--fill", choices=["batch", "sql"], default="batch",
                    help="with --pg: fill by generate --batch (timed), or by SQL copies of one "
                         "generated record (psql; for 1,000,000 rows in seconds)")
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    tmp = tempfile.mkdtemp(prefix="csrkit-scale-")
    big = a.pg or os.path.join(tmp, "big")
    empty = os.path.join(tmp, "empty")

    def env(ks):
        e = dict(os.environ, CSRKIT_KEYSTORE=ks, CI="true")
        e.pop("CSRKIT_PASSPHRASE", None)
        return e

    def run(args, ks, stdin=None, ok=(0,)):
        t = time.perf_counter()
        p = subprocess.run([binary] + args, env=env(ks), input=stdin,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        dt = time.perf_counter() - t
        if p.returncode not in ok:
            sys.exit(f"{args}: exit {p.returncode}: {p.stderr.decode(errors='replace')}")
        return dt

    def rss(args, ks):
        t = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            fd = os.open(os.devnull, os.O_RDWR)
            os.dup2(fd, 0); os.dup2(fd, 1); os.dup2(fd, 2)
            os.execve(binary, [binary] + args, env(ks))
        _, status, ru = os.wait4(pid, 0)
        return time.perf_counter() - t, ru.ru_maxrss

    def first_byte(args, ks):
        t = time.perf_counter()
        p = subprocess.Popen([binary] + args, env=env(ks), stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        p.stdout.read(1)
        dt = time.perf_counter() - t
        p.stdout.read()
        p.wait()
        return dt

    def med(f, n=a.reps):
        return statistics.median(f() for _ in range(n))

    rows = []
    def report(name, value, target):
        rows.append((name, value, target))
        print(f"{name:44s} {value:>12s}   target {target}", flush=True)

    # Build the keystore.
    have = 0
    if a.pg:
        out = subprocess.run([binary, "list", "--format", "json"], env=env(big),
                             capture_output=True)
        have = out.stdout.count(b'"id"') if out.returncode == 0 else 0
    todo = a.records - have
    if todo > 0 and a.pg and a.fill == "sql":
        run(["generate", "seed", "--cn", "seed.example.com", "--no-passphrase", "--key-type", "ec"], big)
        sql = f"""INSERT INTO csrkit.records
            (id, name, revision, meta, summary, spki_sha256, csr_pem, key_pem, cert_pem, chain_pem)
            SELECT s.id, 'r' || lpad(s.g::text, 7, '0'), 1,
                   r.meta,
                   replace(replace(r.summary, '"seed"', '"r' || lpad(s.g::text, 7, '0') || '"'),
                           '"id":' || r.id || ',', '"id":' || s.id || ','),
                   NULL, r.csr_pem, r.key_pem, NULL, NULL
            FROM csrkit.records r,
                 (SELECT nextval('csrkit.record_id') AS id, g
                  FROM generate_series({have}, {a.records - 2}) g) s
            WHERE r.name = 'seed';
            ANALYZE csrkit.records;"""
        subprocess.run(["psql", "-q", a.pg, "-c", sql], check=True)
        todo = 0
    if todo > 0:
        lines = "".join(
            f'{{"name":"r{have + i:07d}","common_name":"r{have + i}.example.com","key_type":"ec"}}\n'
            for i in range(todo)).encode()
        dt = run(["generate", "--no-passphrase", "--jobs", str(a.jobs), "--batch", "-"], big, stdin=lines)
        report(f"generate --batch of {todo:,} P-256", f"{dt:8.1f} s", "<= 30 s (100,000)")
    mid = a.records // 2
    report("show by id", f"{med(lambda: run(['show', str(mid)], big)) * 1e3:8.2f} ms", "<= 10 ms")
    report("show by name", f"{med(lambda: run(['show', f'r{mid - 1:07d}'], big)) * 1e3:8.2f} ms", "<= 10 ms")
    reps = max(3, a.reps // 3)
    lt = [rss(["list"], big) for _ in range(reps)]
    report("list (text)", f"{statistics.median(t for t, _ in lt) * 1e3:8.0f} ms", "<= 300 ms")
    report("list (text) peak RSS", f"{max(m for _, m in lt) / 1024:8.0f} MiB", "")
    lj = [rss(["list", "--format", "json"], big) for _ in range(reps)]
    report("list (JSON)", f"{statistics.median(t for t, _ in lj) * 1e3:8.0f} ms", "<= 300 ms")
    if a.pg:
        report("list: first byte", f"{med(lambda: first_byte(['list'], big), reps) * 1e3:8.0f} ms", "<= 50 ms")
    # generate into the full keystore and into an empty one, alternately.
    full, emp = [], []
    for i in range(a.reps):
        full.append(run(["generate", f"x{i}-{os.getpid()}", "--cn", "x", "--no-passphrase", "--key-type", "ec"], big))
        emp.append(run(["generate", f"x{i}", "--cn", "x", "--no-passphrase", "--key-type", "ec"], empty))
    f, e = statistics.median(full), statistics.median(emp)
    report("generate: full keystore / empty directory", f"{f * 1e3:6.2f}/{e * 1e3:.2f} ms",
           "within 10% (dir); +5 ms (pg)")
    # import's key lookup: a certificate for a key no record has (exit 8).
    crt = os.path.join(tmp, "stray.crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", os.path.join(tmp, "stray.key"), "-out", crt, "-days", "2",
                    "-subj", "/CN=stray"], check=True, capture_output=True)
    report("import: key lookup (no match)", f"{med(lambda: run(['import', crt], big, ok=(8,))) * 1e3:8.2f} ms",
           "<= 50 ms")
    # import's key lookup when a record has the key: a certificate signed
    # by a throwaway CA for record r<mid>'s CSR. The first import commits a
    # revision (timed once); a re-import finds the record and the same
    # certificate and writes nothing (median).
    name = f"r{mid - 1:07d}"
    csr = os.path.join(tmp, "mid.csr")
    with open(csr, "wb") as f:
        f.write(subprocess.run([binary, "download", name], env=env(big), check=True,
                               capture_output=True).stdout)
    ca_key, ca = os.path.join(tmp, "ca.key"), os.path.join(tmp, "ca.crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=scale CA",
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign"], check=True, capture_output=True)
    leaf = os.path.join(tmp, "mid.crt")
    subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key,
                    "-CAcreateserial", "-out", leaf, "-days", "20"], check=True, capture_output=True)
    first = run(["import", leaf, "--ca-file", ca], big)
    report("import: key found, first import (commit)", f"{first * 1e3:8.2f} ms", "<= 50 ms")
    report("import: key found, re-import (no change)",
           f"{med(lambda: run(['import', leaf, '--ca-file', ca], big)) * 1e3:8.2f} ms", "<= 50 ms")
    # expiring over the whole keystore: one record's certificate ends
    # within the window (exit 10), every other record is pending.
    report("expiring --within 30d",
           f"{med(lambda: run(['expiring', '--within', '30d'], big, ok=(10,))) * 1e3:8.2f} ms",
           "<= 300 ms")
    shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    main()
