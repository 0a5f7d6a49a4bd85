#!/usr/bin/env python3
"""csrkit vs openssl, measured side by side in the same run.

Each scenario runs csrkit and openssl alternately (A B A B ...) so that
drift in machine load hits both; the figure of merit is the ratio of the
medians of per-run wall times (whole process, as a user sees it). Keys are
unencrypted on both sides unless stated. Prints a table, writes
bench/out/latest.json, exits 1 if any target is missed.
"""
import argparse, json, os, platform, shutil, statistics, subprocess, sys, tempfile, time

def run(cmd, env=None, stdin=None):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = p.communicate(stdin)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{err.decode(errors='replace')}")
    return dt

def run_rss(cmd, env):
    """Wall time and peak RSS (KiB) of one child."""
    t = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_RDWR)
        os.dup2(fd, 0); os.dup2(fd, 1); os.dup2(fd, 2)
        os.execvpe(cmd[0], cmd, env)
    _, status, ru = os.wait4(pid, 0)
    dt = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"command failed: {' '.join(cmd)}")
    return dt, ru.ru_maxrss

def run_cpu(cmd, env=None, ok=(0,)):
    """Process time (user + sys, s) and wall time of one child, from wait4.
    posix_spawn (vfork), not fork: a forked child would be charged for
    unmapping this Python process's pages when it execs."""
    t = time.perf_counter()
    acts = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)]
    path = cmd[0] if os.sep in cmd[0] else shutil.which(cmd[0])
    pid = os.posix_spawn(path, cmd, env or os.environ, file_actions=acts)
    _, status, ru = os.wait4(pid, 0)
    dt = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) not in ok:
        sys.exit(f"command failed ({os.waitstatus_to_exitcode(status)}): {' '.join(cmd)}")
    return ru.ru_utime + ru.ru_stime, dt

def med(xs):
    return statistics.median(xs)

def ms(x):
    return f"{x * 1e3:8.2f} ms"

class Bench:
    def __init__(self, binary, quick):
        self.bin = os.path.abspath(binary)
        self.quick = quick
        self.tmp = tempfile.mkdtemp(prefix="csrkit-bench-")
        self.results = []
        self.failed = False
        self.n = 0

    def env(self, keystore):
        e = dict(os.environ)
        e.update(CSRKIT_KEYSTORE=keystore, CI="true")
        e.pop("CSRKIT_PASSPHRASE", None)
        return e

    def record(self, name, value, target, ok, detail=""):
        self.results.append({"scenario": name, "value": value, "target": target, "ok": ok, "detail": detail})
        self.failed |= not ok
        mark = "ok  " if ok else "MISS"
        print(f"  [{mark}] {name:<44} {value:<28} target {target} {detail}")

    def fresh(self, label):
        # A new directory each time, deleted only when the bench ends: on
        # ext4 without a journal, inodes freed in the last 60 s are skipped
        # (slowly) by the allocator, so deleting keystores between runs
        # would tax the next run's file creations (openssl rewrites the
        # same two files and allocates none).
        self.n += 1
        return os.path.join(self.tmp, f"{label}-{self.n}")

    def side_by_side(self, label, csrkit_args, openssl_args, reps, target, extra_env=None, binary=None):
        binary = binary or self.bin
        ks = self.fresh(label)
        env = self.env(ks)
        env.update(extra_env or {})
        a, b = [], []
        for i in range(reps + 1):
            self.n += 1
            ta = run([binary, "generate", f"r{self.n}", "--cn", "bench.example.com", "--no-passphrase"] + csrkit_args, env)
            tb = run(["openssl", "req", "-new", "-nodes", "-subj", "/CN=bench.example.com",
                      "-keyout", os.path.join(self.tmp, "o.key"), "-out", os.path.join(self.tmp, "o.csr")] + openssl_args)
            if i:  # the first pair warms caches
                a.append(ta); b.append(tb)
        ratio = med(a) / med(b)
        self.record(f"{label}: csrkit/openssl", f"{ratio:.3f}x",
                    f"<= {target}x" if target else "reported", target is None or ratio <= target,
                    f"(csrkit {ms(med(a)).strip()}, openssl {ms(med(b)).strip()}, n={reps})")
        return med(a), med(b)

    def pkcs12(self, reps, target):
        """`export --format pkcs12` (modern) vs `openssl pkcs12 -export` on
        the same RSA-2048 key (unencrypted in the keystore, as openssl gets
        it) and chain (leaf + a root made here), both writing a file under
        an export passphrase from the environment, interleaved."""
        ks = self.fresh("p12")
        env = self.env(ks)
        env["P12PASS"] = "bench export passphrase"
        run([self.bin, "generate", "web", "--cn", "web.example.com", "--no-passphrase"], env)
        rec = os.path.join(ks, "records", "web")
        root_key, root = os.path.join(self.tmp, "root.key"), os.path.join(self.tmp, "root.pem")
        run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", root_key, "-out", root, "-subj", "/CN=Bench Root", "-days", "30"])
        leaf = os.path.join(self.tmp, "leaf.pem")
        run(["openssl", "x509", "-req", "-in", os.path.join(rec, "csr.pem"), "-CA", root, "-CAkey", root_key,
             "-set_serial", "7", "-days", "30", "-out", leaf])
        run([self.bin, "import", leaf, "--ca-file", root], env)
        # Each run writes a new file on both sides (an export that replaces
        # a file with --force also flushes it; openssl never flushes).
        a, b = [], []
        for i in range(reps + 1):
            out_a, out_b = os.path.join(self.tmp, f"a{i}.p12"), os.path.join(self.tmp, f"b{i}.p12")
            ta = run([self.bin, "export", "web", "--format", "pkcs12", "-o", out_a,
                      "--export-passphrase-env", "P12PASS"], env)
            tb = run(["openssl", "pkcs12", "-export", "-inkey", os.path.join(rec, "key.pem"),
                      "-in", os.path.join(rec, "cert.pem"), "-certfile", os.path.join(rec, "chain.pem"),
                      "-name", "web", "-passout", "env:P12PASS", "-out", out_b], env)
            if i:
                a.append(ta); b.append(tb)
        ratio = med(a) / med(b)
        self.record("export pkcs12 (modern): csrkit/openssl", f"{ratio:.3f}x", f"<= {target}x", ratio <= target,
                    f"(csrkit {ms(med(a)).strip()}, openssl {ms(med(b)).strip()}, n={reps})")

    def batch(self, count, target):
        lines = "".join(f'{{"name":"b{i}","common_name":"b{i}.example.com","key_type":"ec"}}\n' for i in range(count))
        path = os.path.join(self.tmp, "batch.jsonl")
        with open(path, "w") as f:
            f.write(lines)
        runs = {1: [], 2: []}
        for _ in range(3 if self.quick else 7):
            for jobs in (1, 2):  # interleaved, like everything else
                ks = self.fresh(f"batch{jobs}")
                runs[jobs].append(run([self.bin, "generate", "--no-passphrase", "--jobs", str(jobs), "--batch", path], self.env(ks)))
        times = {jobs: med(ts) for jobs, ts in runs.items()}
        # openssl: one process per request, as a script would do.
        t = time.perf_counter()
        for i in range(count):
            run(["openssl", "req", "-new", "-nodes", "-subj", f"/CN=b{i}.example.com", "-newkey", "ec",
                 "-pkeyopt", "ec_paramgen_curve:P-256", "-keyout", os.path.join(self.tmp, "b.key"),
                 "-out", os.path.join(self.tmp, "b.csr")])
        ossl = time.perf_counter() - t
        best = min(times.values())
        speedup = ossl / best
        self.record(f"batch {count} P-256: openssl/csrkit", f"{speedup:.1f}x faster", f">= {target}x", speedup >= target,
                    f"(csrkit --jobs 2 {best:.3f} s, openssl x{count} {ossl:.3f} s)")
        scale = times[1] / times[2]
        self.record("batch scaling --jobs 1 -> 2", f"{scale:.2f}x", ">= 1.6x", scale >= 1.6,
                    f"(1 job {times[1]:.3f} s, 2 jobs {times[2]:.3f} s)")

    def passphrase(self):
        ks = self.fresh("pass")
        env = self.env(ks)
        env["CSRKIT_PASSPHRASE"] = "bench passphrase"
        plain_env = self.env(self.fresh("plain"))
        enc, plain, rss = [], [], []
        for i in range(11 if self.quick else 21):
            self.n += 1
            dt, kib = run_rss([self.bin, "generate", f"p{self.n}", "--cn", "p.example.com", "--key-type", "ec"], env)
            enc.append(dt); rss.append(kib)
            plain.append(run([self.bin, "generate", f"q{self.n}", "--cn", "p.example.com", "--key-type", "ec", "--no-passphrase"], plain_env))
        cost = med(enc) - med(plain)
        self.record("key encryption cost (scrypt 2^14,8,1)", ms(cost).strip(), "reported", True,
                    f"(with passphrase {ms(med(enc)).strip()}, without {ms(med(plain)).strip()})")
        peak = max(rss) / 1024
        self.record("peak RSS, generate with passphrase", f"{peak:.1f} MiB", "<= 24 MiB", peak <= 24)

    def big_keystore(self, count):
        ks = self.fresh("big")
        env = self.env(ks)
        path = os.path.join(self.tmp, "big.jsonl")
        with open(path, "w") as f:
            for i in range(count):
                f.write(f'{{"name":"r{i:05}","common_name":"r{i}.example.com","key_type":"ec"}}\n')
        t = time.perf_counter()
        run([self.bin, "generate", "--no-passphrase", "--batch", path], env)
        print(f"  (filled a keystore with {count} records in {time.perf_counter() - t:.1f} s)")
        reps = 11 if self.quick else 21
        lst = [run([self.bin, "list"], env) for _ in range(reps)]
        self.record(f"list, {count} records", ms(med(lst)).strip(), "< 50 ms", med(lst) < 0.050)
        lj = [run([self.bin, "list", "--format", "json"], env) for _ in range(reps)]
        self.record(f"list --format json, {count} records", ms(med(lj)).strip(), "< 50 ms", med(lj) < 0.050)
        ids = [str(1 + (i * 7919) % count) for i in range(reps)]
        sh = [run([self.bin, "show", i], env) for i in ids]
        self.record(f"show by id, {count} records", ms(med(sh)).strip(), "< 50 ms", med(sh) < 0.050)
        sn = [run([self.bin, "show", f"r{int(i) - 1:05}"], env) for i in ids]
        self.record(f"show by name, {count} records", ms(med(sn)).strip(), "< 50 ms", med(sn) < 0.050)
        # generate into the full keystore vs into an empty one, interleaved
        empty_env = self.env(self.fresh("empty"))
        full, empty = [], []
        for i in range(reps):
            self.n += 1
            full.append(run([self.bin, "generate", f"g{self.n}", "--cn", "g.example.com", "--key-type", "ec", "--no-passphrase"], env))
            empty.append(run([self.bin, "generate", f"g{self.n}", "--cn", "g.example.com", "--key-type", "ec", "--no-passphrase"], empty_env))
        ratio = med(full) / med(empty)
        self.record(f"generate into {count} records / into empty", f"{ratio:.3f}x", "<= 1.25x", ratio <= 1.25,
                    f"({ms(med(full)).strip()} vs {ms(med(empty)).strip()})")

    def lint(self, count, with_certs):
        """`lint` in process time (user + sys, from wait4), the figure its
        targets are set in: a file (a 2 KB CSR; a certificate, `--profile
        cabf`) against OpenSSL printing the same file (`openssl req|x509
        -noout -text`), interleaved; a record by name; and `--all` on a
        keystore of `count` records, `with_certs` of them with a
        certificate (`self-sign`)."""
        d = os.path.join(self.tmp, "lint")
        os.makedirs(d, exist_ok=True)
        csr, crt = os.path.join(d, "big.csr"), os.path.join(d, "leaf.pem")
        sans = ",".join(f"DNS:h{i}.example.com" for i in range(8))
        subprocess.run(["openssl", "req", "-new", "-nodes", "-newkey", "rsa:4096", "-keyout", "/dev/null",
                        "-subj", "/C=DE/L=Berlin/O=Example/CN=h0.example.com", "-addext", f"subjectAltName={sans}",
                        "-out", csr], check=True, capture_output=True)
        subprocess.run(["openssl", "req", "-x509", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-keyout", "/dev/null", "-days", "40", "-subj", "/CN=www.example.com",
                        "-addext", "subjectAltName=DNS:www.example.com", "-out", crt], check=True, capture_output=True)
        reps = 41 if self.quick else 201
        env = self.env(self.fresh("lintfile"))
        for label, path, ours, theirs in [
                (f"lint --file CSR ({os.path.getsize(csr)} B)", csr, [], ["req", "-noout", "-text", "-in", csr]),
                (f"lint --file certificate ({os.path.getsize(crt)} B), cabf", crt, ["--profile", "cabf"],
                 ["x509", "-noout", "-text", "-in", crt])]:
            a, b, wa = [], [], []
            for i in range(reps + 1):
                ca, wall = run_cpu([self.bin, "lint", "--file", path] + ours, env)
                cb, _ = run_cpu(["openssl"] + theirs)
                if i:
                    a.append(ca); b.append(cb); wa.append(wall)
            self.record(f"{label}, process time", ms(med(a)).strip(), "<= 3 ms", med(a) <= 0.003,
                        f"(openssl -text {ms(med(b)).strip()}, ratio {med(a) / med(b):.2f}x; "
                        f"wall {ms(med(wa)).strip()}; n={reps})")
        ks = self.fresh("lintks")
        env = self.env(ks)
        path = os.path.join(self.tmp, "lint.jsonl")
        with open(path, "w") as f:
            for i in range(count):
                f.write(f'{{"name":"r{i:05}","common_name":"r{i}.example.com","key_type":"ec"}}\n')
        t = time.perf_counter()
        run([self.bin, "generate", "--no-passphrase", "--batch", path], env)
        for i in range(0, count, max(1, count // with_certs)):
            run([self.bin, "self-sign", f"r{i:05}", "--days", "40"], env)
        print(f"  (filled a keystore with {count} records, {with_certs} with a certificate, "
              f"in {time.perf_counter() - t:.1f} s)")
        wait_for_quiet_disk(60)
        r = 21 if self.quick else 101
        names = [f"r{(i * 7919) % count:05}" for i in range(r)]
        one = [run_cpu([self.bin, "lint", n], env) for n in names]
        self.record(f"lint NAME, {count} records, process time", ms(med([c for c, _ in one])).strip(), "<= 3 ms",
                    med([c for c, _ in one]) <= 0.003, f"(wall {ms(med([w for _, w in one])).strip()}; n={r})")
        r = 7 if self.quick else 21
        every = [run_cpu([self.bin, "lint", "--all", "--profile", "cabf"], env, ok=(0, 10)) for _ in range(r + 1)][1:]
        cpu, wall = med([c for c, _ in every]), med([w for _, w in every])
        self.record(f"lint --all, {count} records, process time", ms(cpu).strip(), "<= 1 s", cpu <= 1.0,
                    f"(wall {ms(wall).strip()}; n={r})")

def io_pressure():
    """Share of the last 10 s in which some task waited on I/O (Linux PSI), or None."""
    try:
        with open("/proc/pressure/io") as f:
            return float(f.readline().split()[1].split("=")[1])
    except (OSError, IndexError, ValueError):
        return None

def dirty_kib():
    """Dirty + Writeback from /proc/meminfo (KiB), or None."""
    try:
        with open("/proc/meminfo") as f:
            v = {l.split(":")[0]: int(l.split()[1]) for l in f if l.startswith(("Dirty:", "Writeback:"))}
        return v["Dirty"] + v["Writeback"]
    except (OSError, KeyError, ValueError, IndexError):
        return None

def wait_for_quiet_disk(limit=180):
    """csrkit makes every record durable and openssl does not, so a disk
    still busy with other writes or discards (deleting many files on a file
    system mounted with `discard` keeps a virtual disk busy for minutes)
    skews the ratios, and so does the build's output still waiting to be
    written back (csrkit then flushes file by file instead of with one
    syncfs; the fsync-path row below measures that case on purpose). Wait,
    up to `limit` s, for I/O pressure and dirty data to settle."""
    t = time.time()
    while time.time() - t < limit:
        p, d = io_pressure(), dirty_kib()
        if (p is None or p <= 0.5) and (d is None or d < 4096):
            break
        time.sleep(2)
    return io_pressure()

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--fault-bin", help="a build with --features failpoints, for the per-file fsync row")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", help="comma-separated: ec,rsa2048,rsa4096,batch,pass,big,pkcs12,lint")
    a = ap.parse_args()
    b = Bench(a.bin, a.quick)
    only = set(a.only.split(",")) if a.only else {"ec", "rsa2048", "rsa4096", "batch", "pass", "big", "pkcs12", "lint"}
    pressure = wait_for_quiet_disk()
    load = os.getloadavg()[0]
    ossl = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    print(f"csrkit bench — {time.strftime('%Y-%m-%d %H:%M')} — {platform.machine()}, {os.cpu_count()} cores, "
          f"{ossl}, load {load:.2f}, I/O pressure {pressure if pressure is not None else 'n/a'}%")
    if load > 0.8:
        print("  warning: the machine is busy; ratios are noisier than usual")
    q = a.quick
    if "ec" in only:
        b.side_by_side("EC P-256 generate", ["--key-type", "ec"],
                       ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], 41 if q else 201, 0.5)
        if a.fault_bin:  # only a failpoints build can be told which flush to use
            b.side_by_side("EC P-256 generate, per-file fsync path", ["--key-type", "ec"],
                           ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], 41 if q else 101, None,
                           {"CSRKIT_TEST_FLUSH": "fsync"}, os.path.abspath(a.fault_bin))
    if "rsa2048" in only:
        b.side_by_side("RSA-2048 generate", [], ["-newkey", "rsa:2048"], 21 if q else 41, 0.6)
    if "rsa4096" in only:
        b.side_by_side("RSA-4096 generate", ["--key-size", "4096"], ["-newkey", "rsa:4096"], 9 if q else 21, 0.7)
    if "pkcs12" in only:
        b.pkcs12(41 if q else 201, 0.5)
    if "batch" in only:
        b.batch(400, 20)
    if "pass" in only:
        b.passphrase()
    if "big" in only:
        b.big_keystore(10000)
    if "lint" in only:
        b.lint(10000, 1000)
    os.makedirs("bench/out", exist_ok=True)
    with open("bench/out/latest.json", "w") as f:
        json.dump({"date": time.strftime("%Y-%m-%d"), "machine": f"{platform.machine()} {os.cpu_count()} cores",
                   "openssl": ossl, "results": b.results}, f, indent=2)
    shutil.rmtree(b.tmp, ignore_errors=True)
    print("all targets met" if not b.failed else "some targets were MISSED")
    sys.exit(1 if b.failed else 0)

main()
