//! `csrkit renew` and ACME Renewal Information (RFC 9773) against an
//! independent server: acme2certifier 0.46.3 (PyPI), its standalone WSGI
//! app with its OpenSSL CA handler and sqlite DB, started by the test on
//! a free loopback port over TLS (acme_ari/launch.py makes the throwaway
//! issuing CA, its CRL and the listener's certificate in the test's temp
//! dir; challenge validation off, which it accepts only with
//! `ACME2CERTIFIER_I_KNOW_THE_RISK=1`). The ARI answer is read a second
//! time by acme_ari/probe.py (Python cryptography computes the
//! certificate's identifier, urllib asks the server), not by csrkit.
//! acme2certifier's window is `[issued + renewalthreshold_pctg% of the
//! lifetime, notAfter]`, optionally cut to `renewal_window_duration`;
//! its `Retry-After` is `retry_after_timeout`.
//!
//! And Pebble 2.4.0 (no `renewalInfo`): the lifetime rule, remembered per
//! record so a second run asks nothing.
//!
//! The Python with acme2certifier: `CSRKIT_ARI_PYTHON`, else
//! `target/ari-venv/bin/python` (as .ci/run installs it). Under `CI=true`
//! a missing one fails the test.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::pebble;
use crate::support::{self, assert_same, mode, snapshot, stderr, stdout, Ks};

const LAUNCHER: &str = include_str!("acme_ari/launch.py");
const PROBE: &str = include_str!("acme_ari/probe.py");

/// The Python that imports acme2certifier, if any (see the module doc).
fn python() -> Option<PathBuf> {
    let p = std::env::var_os("CSRKIT_ARI_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ari-venv/bin/python")
        });
    let ok = Command::new(&p)
        .args([
            "-c",
            "import acme2certifier.acme_srv.renewalinfo, cryptography",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Some(p)
    } else {
        support::missing_tool(
            "acme2certifier 0.46.3 (CSRKIT_ARI_PYTHON, or pip install acme2certifier==0.46.3 into target/ari-venv)",
        );
        None
    }
}

/// One acme2certifier server; killed on drop.
struct A2c {
    dir: tempfile::TempDir,
    python: PathBuf,
    child: Option<Child>,
    port: u16,
}

impl A2c {
    /// Starts it issuing `days`-day certificates with `renewalinfo` as
    /// its `[Renewalinfo]` section.
    fn start(python: &Path, days: u32, renewalinfo: &str) -> A2c {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display().to_string();
        std::fs::write(dir.path().join("launch.py"), LAUNCHER).unwrap();
        std::fs::write(dir.path().join("probe.py"), PROBE).unwrap();
        let cfg = format!(
            "[DEFAULT]\ndebug: False\n\n[Nonce]\nnonce_check_disable: False\n\n\
             [CAhandler]\nhandler_module: acme2certifier.cahandlers.openssl_ca_handler\n\
             issuing_ca_key: {d}/ca.key\nissuing_ca_cert: {d}/ca.pem\nissuing_ca_crl: {d}/ca.crl\n\
             cert_validity_days: {days}\ncert_save_path: {d}/issued\nca_cert_chain_list: [\"{d}/ca.pem\"]\n\n\
             [DBhandler]\nhandler_module: acme2certifier.dbhandlers.wsgi_handler\ndbfile: {d}/a2c.db\n\n\
             [Challenge]\nchallenge_validation_disable: True\n\n[Renewalinfo]\n{renewalinfo}\n"
        );
        std::fs::write(dir.path().join("acme_srv.cfg"), cfg).unwrap();
        let mut a = A2c {
            dir,
            python: python.to_path_buf(),
            child: None,
            port: 0,
        };
        a.run();
        a
    }

    fn run(&mut self) {
        let portfile = self.dir.path().join("port");
        let _ = std::fs::remove_file(&portfile);
        let log = std::fs::File::create(self.dir.path().join("server.log")).unwrap();
        let child = Command::new(&self.python)
            .arg(self.dir.path().join("launch.py"))
            .arg(self.dir.path())
            .arg(&portfile)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
        let start = Instant::now();
        while !portfile.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "acme2certifier did not start: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
        self.port = std::fs::read_to_string(&portfile).unwrap().parse().unwrap();
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn url(&self) -> String {
        format!("https://127.0.0.1:{}/directory", self.port)
    }

    fn tls_ca(&self) -> PathBuf {
        self.dir.path().join("tls-ca.pem")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// The newOrder payloads the server received (the launcher's record).
    fn new_orders(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dir.path().join("neworders.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// What the server answers for `cert` (probe.py: the identifier
    /// computed by Python cryptography, the window, Retry-After).
    fn probe(&self, cert: &Path) -> serde_json::Value {
        let out = Command::new(&self.python)
            .arg(self.dir.path().join("probe.py"))
            .arg(cert)
            .arg(format!("https://127.0.0.1:{}/acme/renewal-info", self.port))
            .arg(self.tls_ca())
            .output()
            .unwrap();
        assert!(out.status.success(), "probe: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// `csrkit order NAME` from this server (acme2certifier wants a
    /// contact; http-01 is not validated).
    fn order(&self, ks: &Ks, name: &str) {
        let out = ks
            .cmd()
            .args(["order", name, "--acme", &self.url(), "--acme-ca-file"])
            .arg(self.tls_ca())
            .args(["--http-port", &pebble::free_port().to_string()])
            .args(["--http-address", "127.0.0.1", "--agree-tos"])
            .args(["--no-passphrase", "--email", "admin@web.test"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "order: {}{}\n{}",
            stdout(&out),
            stderr(&out),
            self.log()
        );
    }
}

impl Drop for A2c {
    fn drop(&mut self) {
        self.stop();
    }
}

fn generate(ks: &Ks, name: &str) {
    ks.cmd()
        .args(["generate", name, "--cn", "web.test", "--dns", "web.test"])
        .args(["--key-type", "ec", "--no-passphrase"])
        .assert()
        .success();
}

/// `renew ARGS --format json` in `ks`: the exit code and the row of `name`.
fn renew(ks: &Ks, name: &str, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = ks
        .cmd()
        .arg("renew")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let j: serde_json::Value = serde_json::from_str(
        stdout(&out)
            .lines()
            .next()
            .unwrap_or_else(|| panic!("no output: {}", stderr(&out))),
    )
    .unwrap();
    let row = j
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("{j}"))
        .clone();
    (out.status.code(), row)
}

fn unix(rfc3339: &serde_json::Value) -> i64 {
    let out = Command::new("date")
        .args(["-u", "-d", rfc3339.as_str().unwrap(), "+%s"])
        .output()
        .unwrap();
    stdout(&out).trim().parse().unwrap()
}

/// The renewal state file of the record `name`.
fn state_file(ks: &Ks, name: &str) -> PathBuf {
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ks.record(name).join("record.json")).unwrap())
            .unwrap();
    ks.root()
        .join("acme/renewal")
        .join(format!("{}.json", meta["id"]))
}

fn dates(cert: &Path) -> (i64, i64) {
    let out = support::openssl(
        &[
            "x509",
            "-in",
            cert.to_str().unwrap(),
            "-noout",
            "-startdate",
            "-enddate",
        ],
        None,
    );
    let text = stdout(&out);
    let at = |key: &str| {
        let v = text
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .unwrap()
            .to_string();
        unix(&serde_json::Value::String(v))
    };
    (at("notBefore="), at("notAfter="))
}

#[test]
fn ari_window_decides_not_due_and_a_fresh_state_asks_nothing() {
    let Some(py) = python() else {
        return;
    };
    let mut a = A2c::start(&py, 7, "retry_after_timeout: 86400");
    let ks = Ks::new();
    generate(&ks, "web");
    a.order(&ks, "web");
    let cert = ks.record("web").join("cert.pem");
    let (nb, na) = dates(&cert);

    let (code, row) = renew(&ks, "web", &["--dry-run"]);
    assert_eq!(code, Some(0), "{row}");
    assert_eq!(row["action"], "skipped", "{row}");
    let detail = row["detail"].as_str().unwrap();
    assert!(
        detail.contains("not due until") && detail.contains("the CA's renewal window"),
        "{row}"
    );
    // The window is the one the server gives (asked again by the probe),
    // the moment lies in it, and it is not the lifetime rule's answer
    // (a third of 7 days left: 56 h before the end; acme2certifier's
    // window opens at 85% of the lifetime, about 25 h before it).
    let served = a.probe(&cert);
    assert_eq!(served["status"], 200);
    assert_eq!(served["retry_after"], "86400");
    let (start, end) = (
        served["window"]["start"].as_i64().unwrap(),
        served["window"]["end"].as_i64().unwrap(),
    );
    assert_eq!(unix(&row["ari"]["start"]), start, "{row}");
    assert_eq!(unix(&row["ari"]["end"]), end, "{row}");
    let moment = unix(&row["ari"]["moment"]);
    assert!((start..=end).contains(&moment), "{row} {served}");
    let lifetime_due = na - (na - nb) / 3;
    assert!(moment > lifetime_due && start > lifetime_due, "{row}");
    assert!(
        detail.contains(row["ari"]["moment"].as_str().unwrap()),
        "{row}"
    );
    // The next check follows the server's Retry-After (a day).
    let next = unix(&row["ari"]["next_check"]);
    let now = unix(&serde_json::json!("now"));
    assert!((now + 86_400 - 120..=now + 86_400).contains(&next), "{row}");

    // The state: its certificate's serial and ARI identifier, 0600 in
    // 0700 directories.
    let file = state_file(&ks, "web");
    let state: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(state["cert_id"], served["cert_id"], "{state}");
    assert_eq!(state["serial"], row["serial"], "{state}");
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(file.parent().unwrap()), 0o700);
    assert_eq!(mode(&ks.root().join("acme")), 0o700);

    // Within Retry-After nothing is asked: with the server gone, renew
    // still answers from the state, the same moment, and writes nothing.
    a.stop();
    let before = snapshot(&ks.root());
    let (code, again) = renew(&ks, "web", &[]);
    assert_eq!(code, Some(0), "{again}");
    assert_eq!(again["ari"], row["ari"], "{again}");
    assert!(
        !again["detail"].as_str().unwrap().contains("could not"),
        "{again}"
    );
    assert_same(&before, &snapshot(&ks.root()), "renew with a fresh state");

    // The cache lost and the CA unreachable: the lifetime rule decides
    // for this run, says so, and the run does not fail.
    std::fs::remove_file(&file).unwrap();
    let before = snapshot(&ks.root());
    let (code, lost) = renew(&ks, "web", &[]);
    assert_eq!(code, Some(0), "{lost}");
    assert_eq!(lost["action"], "skipped", "{lost}");
    assert!(lost["ari"].is_null(), "{lost}");
    let d = lost["detail"].as_str().unwrap();
    assert!(
        d.contains("could not be read") && d.contains("lifetime rule"),
        "{lost}"
    );
    assert_same(&before, &snapshot(&ks.root()), "a failed ARI check");
}

#[test]
fn inside_the_ari_window_renew_renews_with_replaces_while_the_lifetime_rule_would_wait() {
    let Some(py) = python() else {
        return;
    };
    // A window that opened and closed before the certificate was issued
    // (start 10% of the lifetime before issuance, an hour long): due now
    // by ARI; a fresh 7-day certificate is far from due by its lifetime.
    let a = A2c::start(
        &py,
        7,
        "renewalthreshold_pctg: -10\nrenewal_window_duration: 1h\nretry_after_timeout: 3600",
    );
    let ks = Ks::new();
    generate(&ks, "web");
    a.order(&ks, "web");
    let cert = ks.record("web").join("cert.pem");
    let old = a.probe(&cert);
    let first_serial = pebble::serial_of(&ks, "web");

    let before = snapshot(&ks.root());
    let (code, row) = renew(&ks, "web", &["--dry-run"]);
    assert_eq!(code, Some(10), "{row}");
    assert_eq!(row["action"], "due", "{row}");
    assert_eq!(row["reason"], "ari", "{row}");
    assert_eq!(
        unix(&row["ari"]["end"]),
        old["window"]["end"].as_i64().unwrap()
    );
    // The lifetime rule alone (a window of a third of 7 days) says no.
    let (code, lifetime) = renew(&ks, "web", &["--dry-run", "--within", "56h"]);
    assert_eq!(code, Some(0), "{lifetime}");
    assert_eq!(lifetime["action"], "skipped", "{lifetime}");
    // Only the renewal-state cache was written.
    let strip = |mut s: support::Snapshot| {
        s.retain(|k, _| !k.starts_with("acme/renewal"));
        s
    };
    assert_same(
        &strip(before),
        &strip(snapshot(&ks.root())),
        "renew --dry-run",
    );

    let orders_before = a.new_orders().len();
    let (code, row) = renew(&ks, "web", &[]);
    assert_eq!(code, Some(0), "{row}\n{}", a.log());
    assert_eq!(row["action"], "renewed", "{row}");
    assert_eq!(row["reason"], "ari", "{row}");
    assert_ne!(pebble::serial_of(&ks, "web"), first_serial);
    assert_eq!(
        pebble::pubkey_of_cert(&cert),
        support::csr_pubkey(&ks.csr_path("web")),
        "the renewal keeps the key"
    );
    // The new order carried `replaces` with the old certificate's
    // identifier as the server computes it (RFC 9773 §5). acme2certifier
    // 0.46.3 takes the order without reflecting the field: csrkit goes on
    // with that one order rather than placing a second.
    let orders = a.new_orders();
    assert_eq!(orders.len(), orders_before + 1, "{orders:?}");
    assert_eq!(
        orders.last().unwrap()["replaces"],
        old["cert_id"],
        "{orders:?}"
    );
    assert_eq!(row["replaces"], "ignored", "{row}");
    // The state now belongs to the new certificate.
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(state_file(&ks, "web")).unwrap()).unwrap();
    assert_eq!(state["serial"], row["serial"], "{state}");
    assert_eq!(state["cert_id"], a.probe(&cert)["cert_id"], "{state}");

    // A CA that refuses the order for its `replaces` (alreadyReplaced) is
    // asked once more without it, and the renewal goes through.
    std::fs::write(a.dir.path().join("refuse-replaces"), b"").unwrap();
    let (code, row) = renew(&ks, "web", &[]);
    assert_eq!(code, Some(0), "{row}\n{}", a.log());
    assert_eq!(row["action"], "renewed", "{row}");
    assert_eq!(row["replaces"], "refused", "{row}");
    let after = a.new_orders();
    assert_eq!(after.len(), orders.len() + 2, "{after:?}");
    assert_eq!(
        after[orders.len()]["replaces"],
        state["cert_id"],
        "{after:?}"
    );
    assert!(
        after[orders.len() + 1].get("replaces").is_none(),
        "{after:?}"
    );
}

#[test]
fn odd_or_hostile_renewal_information_falls_back_or_is_clamped_and_never_reaches_the_terminal_raw()
{
    let Some(py) = python() else {
        return;
    };
    let a = A2c::start(&py, 7, "retry_after_timeout: 86400");
    let ks = Ks::new();
    generate(&ks, "web");
    a.order(&ks, "web");
    let file = state_file(&ks, "web");
    let answer = |status: u16, headers: serde_json::Value, body: &str| {
        let o = serde_json::json!({"status": status, "headers": headers, "body": body});
        std::fs::write(a.dir.path().join("ari-override.json"), o.to_string()).unwrap();
        let _ = std::fs::remove_file(&file);
    };
    let now = || unix(&serde_json::json!("now"));
    // A window inside the 7-day certificate's validity, days from now.
    let at = |days: u32| {
        let out = Command::new("date")
            .args(["-u", "-d", &format!("+{days} days"), "+%Y-%m-%dT%H:%M:%SZ"])
            .output()
            .unwrap();
        stdout(&out).trim().to_string()
    };
    let window = format!(
        r#"{{"suggestedWindow":{{"start":"{}","end":"{}"}}}}"#,
        at(5),
        at(6)
    );
    let window = window.as_str();

    // No Retry-After (RFC 9773 §4.3 only recommends it): next check in 6 h.
    answer(
        200,
        serde_json::json!([["Content-Type", "application/json"]]),
        window,
    );
    let (code, row) = renew(&ks, "web", &[]);
    assert_eq!(code, Some(0), "{row}");
    let next = unix(&row["ari"]["next_check"]);
    assert!(
        (now() + 6 * 3600 - 120..=now() + 6 * 3600).contains(&next),
        "{row}"
    );
    // Retry-After 0 is clamped to a minute, a year to 7 days.
    for (given, want) in [("0", 60), ("31536000", 7 * 86_400)] {
        answer(
            200,
            serde_json::json!([["Content-Type", "application/json"], ["Retry-After", given]]),
            window,
        );
        let (_, row) = renew(&ks, "web", &[]);
        let next = unix(&row["ari"]["next_check"]);
        assert!(
            (now() + want - 120..=now() + want).contains(&next),
            "{given}: {row}"
        );
    }

    // A refusal whose detail carries terminal escapes, a window that ends
    // before it starts, and no JSON at all: the lifetime rule, exit 0,
    // nothing cached, and the CA's text escaped in the row.
    let hostile = [
        (
            404,
            r#"{"type":"urn:ietf:params:acme:error:malformed","detail":"gone\u001b[2J\u0007"}"#,
            "HTTP 404",
        ),
        (
            200,
            r#"{"suggestedWindow":{"start":"2099-01-02T00:00:00Z","end":"2099-01-01T00:00:00Z"}}"#,
            "ends before it starts",
        ),
        (200, "<html>\u{1b}]0;title\u{7}</html>", "not RFC 9773 JSON"),
        // A window that opens after the certificate expires: followed,
        // the certificate would expire unrenewed.
        (
            200,
            r#"{"suggestedWindow":{"start":"9999-12-10T00:00:00Z","end":"9999-12-11T00:00:00Z"}}"#,
            "starts after the certificate expires",
        ),
    ];
    for (status, body, says) in hostile {
        answer(
            status,
            serde_json::json!([
                ["Content-Type", "application/problem+json"],
                ["Retry-After", "60"]
            ]),
            body,
        );
        let before = snapshot(&ks.root());
        let (code, row) = renew(&ks, "web", &[]);
        assert_eq!(code, Some(0), "{row}");
        assert!(row["ari"].is_null(), "{row}");
        let d = row["detail"].as_str().unwrap();
        assert!(d.contains(says) && d.contains("lifetime rule"), "{row}");
        assert_same(&before, &snapshot(&ks.root()), "a hostile ARI answer");
        let out = ks.cmd().args(["renew", "web"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            !out.stdout
                .iter()
                .chain(&out.stderr)
                .any(|b| *b == 0x1b || *b == 0x07),
            "raw control bytes reached the terminal: {:?}",
            stdout(&out)
        );
    }
}

#[test]
fn pebble_without_renewal_info_renews_by_the_lifetime_rule_and_remembers_it() {
    if !pebble::available() {
        return;
    }
    // 9-second certificates: due by the lifetime rule after 6 s.
    let mut p = pebble::Pebble::start_with(r#","certificateValidityPeriod":9"#, &[]);
    let ks = Ks::new();
    generate(&ks, "web");
    let out = ks
        .cmd()
        .arg("order")
        .arg("web")
        .args(p.order_args())
        .args(["--agree-tos", "--no-passphrase"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let cert = ks.record("web").join("cert.pem");
    let (nb, na) = dates(&cert);

    let (code, row) = renew(&ks, "web", &[]);
    assert_eq!(code, Some(0), "{row}");
    assert_eq!(row["action"], "skipped", "{row}");
    assert!(row["ari"].is_null(), "{row}");
    let detail = row["detail"].as_str().unwrap();
    assert!(
        !detail.contains("window") && !detail.contains("could not"),
        "{row}"
    );
    // The directory's lack of renewalInfo is kept for this certificate.
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(state_file(&ks, "web")).unwrap()).unwrap();
    assert!(
        state["window"].is_null() && state["cert_id"].is_null(),
        "{state}"
    );
    assert_eq!(state["serial"], row["serial"], "{state}");

    // A damaged state reads as none: checked again and rewritten whole.
    let file = state_file(&ks, "web");
    std::fs::write(&file, b"{\"serial\": tru").unwrap();
    let (code, _) = renew(&ks, "web", &[]);
    assert_eq!(code, Some(0));
    let again: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(again["serial"], state["serial"], "{again}");
    // A symlink in its place is neither read nor written through.
    let outside = ks.dir.path().join("outside.json");
    std::fs::write(&outside, b"keep").unwrap();
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(&outside, &file).unwrap();
    let (code, row) = renew(&ks, "web", &[]);
    assert_eq!(code, Some(0), "{row}");
    assert!(
        row["detail"]
            .as_str()
            .unwrap()
            .contains("renewal state was not saved"),
        "{row}"
    );
    assert_eq!(std::fs::read(&outside).unwrap(), b"keep");
    assert!(std::fs::symlink_metadata(&file)
        .unwrap()
        .file_type()
        .is_symlink());
    std::fs::remove_file(&file).unwrap();

    // Once two thirds of the lifetime have passed, renewed by that rule.
    let due_at = na - (na - nb) / 3;
    while unix(&serde_json::json!("now")) <= due_at {
        std::thread::sleep(Duration::from_millis(200));
    }
    let (code, row) = renew(&ks, "web", &[]);
    assert_eq!(code, Some(0), "{row}\n{}", p.log());
    assert_eq!(row["action"], "renewed", "{row}");
    assert_eq!(row["reason"], "lifetime", "{row}");
    assert!(row["replaces"].is_null(), "no replaces without ARI: {row}");

    // The answer is remembered for the new certificate: with Pebble gone
    // the next run decides offline (no failed check reported).
    p.stop();
    let (code, row) = renew(&ks, "web", &[]);
    assert_eq!(code, Some(0), "{row}");
    assert_eq!(row["action"], "skipped", "{row}");
    assert!(
        !row["detail"].as_str().unwrap().contains("could not"),
        "{row}"
    );
}
