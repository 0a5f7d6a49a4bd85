#!/usr/bin/env python3
"""csrkit order / renew against Debian's Pebble 2.4.0 on loopback, the
scenarios of docs/performance.md ("ACME order"), medians of 5 wall times.

Pebble runs as the anchors were measured (../shared/notes/acme.md §2.1):
PEBBLE_VA_NOSLEEP=1, PEBBLE_WFE_NONCEREJECT=0, PEBBLE_AUTHZREUSE=0; a
second instance adds PEBBLE_VA_ALWAYS_VALID=1. The record is EC P-256 with
two names, as in the anchors' runs. Needs pebble, pebble-challtestsrv and
openssl; csrkit from target/release (or CSRKIT=path).

  python3 bench/acme.py            # prints the table, writes bench/out/acme.json
  python3 bench/acme.py --anchors  # also certbot and lego (apt-get install -y certbot lego),
                                   # account reused, on the same Pebble instances
  CSRKIT_BENCH_PG_URL=postgresql://user:pw@127.0.0.1:port/postgres python3 bench/acme.py
                                   # the same scenarios on a PostgreSQL keystore too (a fresh
                                   # database each, made with psql), labelled "(pg)"
"""
import json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CSRKIT = os.environ.get("CSRKIT", os.path.join(ROOT, "target", "release", "csrkit"))
RUNS = 5


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port):
    t = time.time()
    while time.time() - t < 30:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    sys.exit(f"nothing listens on {port}")


def sh(cmd, **kw):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


class Pebble:
    def __init__(self, work, env):
        self.dir = tempfile.mkdtemp(dir=work)
        d = self.dir
        sh(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=bench TLS CA", "-days", "2",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"], cwd=d)
        sh(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "tls.key", "-out", "tls.csr", "-subj", "/CN=localhost"], cwd=d)
        open(os.path.join(d, "ext"), "w").write(
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
        sh(["openssl", "x509", "-req", "-in", "tls.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", "ext", "-out", "tls.pem"], cwd=d)
        self.port, mgmt, self.http, tls, dns, cts = (free_port() for _ in range(6))
        cfg = {"pebble": {"listenAddress": f"127.0.0.1:{self.port}", "managementListenAddress": f"127.0.0.1:{mgmt}",
                          "certificate": "tls.pem", "privateKey": "tls.key", "httpPort": self.http,
                          "tlsPort": tls, "ocspResponderURL": "", "externalAccountBindingRequired": False}}
        json.dump(cfg, open(os.path.join(d, "pebble.json"), "w"))
        null = subprocess.DEVNULL
        self.procs = [subprocess.Popen(
            ["pebble-challtestsrv", "-dns01", f"127.0.0.1:{dns}", "-http01", "", "-https01", "",
             "-tlsalpn01", "", "-management", f"127.0.0.1:{cts}", "-defaultIPv4", "127.0.0.1",
             "-defaultIPv6", ""], cwd=d, stdout=null, stderr=null)]
        e = dict(os.environ, PEBBLE_VA_NOSLEEP="1", PEBBLE_WFE_NONCEREJECT="0", PEBBLE_AUTHZREUSE="0", **env)
        self.procs.append(subprocess.Popen(["pebble", "-config", "pebble.json", "-dnsserver", f"127.0.0.1:{dns}"],
                                           cwd=d, env=e, stdout=null, stderr=null))
        wait_port(cts)
        wait_port(self.port)

    def args(self):
        return ["--acme", f"https://127.0.0.1:{self.port}/dir", "--acme-ca-file", os.path.join(self.dir, "ca.pem"),
                "--http-port", str(self.http), "--http-address", "127.0.0.1"]

    def stop(self):
        for p in self.procs:
            p.kill()
            p.wait()


def timed(cmd, env):
    t = time.perf_counter()
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr.decode(errors='replace')}")
    return dt


def anchors(peb, e, label, results):
    """certbot 2.1.0 and lego 4.9.1 (Debian's) on the record's CSR, account
    reused (registered by a first, uncounted run), as in ../shared/notes/acme.md §7."""
    d = peb.dir
    csr = os.path.join(d, "web.csr")
    with open(csr, "wb") as f:
        f.write(subprocess.run([CSRKIT, "download", "web"], env=e, check=True, stdout=subprocess.PIPE).stdout)
    url = f"https://127.0.0.1:{peb.port}/dir"
    ca = os.path.join(d, "ca.pem")
    if shutil.which("certbot"):
        ce = dict(os.environ, REQUESTS_CA_BUNDLE=ca)
        def certbot(i):
            return ["certbot", "certonly", "--non-interactive", "--agree-tos", "--register-unsafely-without-email",
                    "--server", url, "--config-dir", f"{d}/cb/conf", "--work-dir", f"{d}/cb/wd",
                    "--logs-dir", f"{d}/cb/logs", "--standalone", "--http-01-port", str(peb.http),
                    "--http-01-address", "127.0.0.1", "--csr", csr, "--cert-path", f"{d}/cb/{i}.cert.pem",
                    "--chain-path", f"{d}/cb/{i}.chain.pem", "--fullchain-path", f"{d}/cb/{i}.full.pem"]
        timed(certbot("warm"), ce)
        results[f"{label}: certbot 2.1.0"] = {"reused": [timed(certbot(i), ce) for i in range(RUNS)]}
    if shutil.which("lego"):
        le = dict(os.environ, LEGO_CA_CERTIFICATES=ca)
        lego = ["lego", "--server", url, "--accept-tos", "--email", "lego@example.com", "--path", f"{d}/lg",
                "--csr", csr, "--http", "--http.port", f"127.0.0.1:{peb.http}", "run"]
        timed(lego, le)
        results[f"{label}: lego 4.9.1"] = {"reused": [timed(lego, le) for _ in range(RUNS)]}


PG_ADMIN = os.environ.get("CSRKIT_BENCH_PG_URL")


def keystore(work, name, pg):
    """A fresh keystore: a directory under `work`, or (pg) a new database
    on the server CSRKIT_BENCH_PG_URL names."""
    if not pg:
        return os.path.join(work, name)
    db = "csrkit_bench_" + name.replace("-", "_") + "_" + os.urandom(4).hex()
    sh(["psql", PG_ADMIN, "-c", f"CREATE DATABASE {db}"])
    base, _, query = PG_ADMIN.partition("?")
    url = base[: base.rindex("/")] + "/" + db
    return url + ("?" + query if query else "")


def main():
    if not os.path.exists(CSRKIT):
        sys.exit(f"build csrkit first (cargo build --release) or set CSRKIT: {CSRKIT}")
    for tool in ("pebble", "pebble-challtestsrv", "openssl"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install -y pebble openssl")
    work = tempfile.mkdtemp(prefix="csrkit-acme-bench-")
    results = {}
    try:
        backends = (False, True) if PG_ADMIN else (False,)
        for label, env, pg in [(l, e, pg) for pg in backends for l, e in
                               (("http-01 real", {}), ("always-valid", {"PEBBLE_VA_ALWAYS_VALID": "1"}))]:
            label += " (pg)" if pg else ""
            peb = Pebble(work, env)
            try:
                ks = keystore(work, f"ks-{len(results)}", pg)
                e = dict(os.environ, CSRKIT_KEYSTORE=ks, CI="true")
                e.pop("CSRKIT_PASSPHRASE", None)
                sh([CSRKIT, "generate", "web", "--cn", "web.test", "--dns", "web.test", "--dns", "www.web.test",
                    "--key-type", "ec", "--no-passphrase"], env=e)
                fresh = [timed([CSRKIT, "order", "web", *peb.args(), "--agree-tos", "--no-passphrase",
                                "--account", f"fresh{i}"], e) for i in range(RUNS)]
                sh([CSRKIT, "order", "web", *peb.args(), "--agree-tos", "--no-passphrase"], env=e)
                reused = [timed([CSRKIT, "order", "web", *peb.args()], e) for _ in range(RUNS)]
                results[label] = {"fresh": fresh, "reused": reused}
                if "--anchors" in sys.argv and not pg:
                    anchors(peb, e, label, results)
                if label.startswith("always-valid"):
                    # 100 ACME-issued records, then renew with nothing due.
                    ks2 = keystore(work, "ks-renew", pg)
                    e2 = dict(e, CSRKIT_KEYSTORE=ks2)
                    for i in range(100):
                        sh([CSRKIT, "generate", f"r{i}", "--cn", f"r{i}.test", "--key-type", "ec",
                            "--no-passphrase"], env=e2)
                        sh([CSRKIT, "order", f"r{i}", *peb.args(), "--agree-tos", "--no-passphrase"], env=e2)
                    # The first run asks Pebble's directory once (no
                    # renewalInfo) and caches that per record: on a
                    # directory keystore timed with the cache removed
                    # before each run; on PostgreSQL run once to fill it.
                    if not pg:
                        cold = []
                        for _ in range(RUNS):
                            shutil.rmtree(os.path.join(ks2, "acme", "renewal"), ignore_errors=True)
                            cold.append(timed([CSRKIT, "renew"], e2))
                        results["renew, 100 records, first check"] = {"reused": cold}
                    else:
                        timed([CSRKIT, "renew"], e2)
                    peb.stop()  # with the cache fresh, renew must not need the CA
                    results["renew, 100 records, nothing due" + (" (pg)" if pg else "")] = {
                        "reused": [timed([CSRKIT, "renew"], e2) for _ in range(RUNS)]}
            finally:
                peb.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'scenario':36} {'account':8} {'median s':>9} {'min':>7} {'max':>7}")
    for label, r in results.items():
        for kind, xs in r.items():
            print(f"{label:36} {kind:8} {statistics.median(xs):9.3f} {min(xs):7.3f} {max(xs):7.3f}")
    os.makedirs(os.path.join(ROOT, "bench", "out"), exist_ok=True)
    json.dump({"load": os.getloadavg(), "results": results},
              open(os.path.join(ROOT, "bench", "out", "acme.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
