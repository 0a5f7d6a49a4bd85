//! The programs `order` and `renew` run (the dns-01 hook, the deploy
//! hook) and the challenge options they are given: a hook that hangs is
//! stopped at `--timeout` with its whole process group (exit 13), a
//! relative webroot or hook path is stored absolute so that cron's
//! `renew` finds it, and a webroot, hook, port or address that cannot
//! work is refused before any network traffic, naming its option.

use crate::pebble;
use crate::support;

use std::path::Path;
use std::time::{Duration, Instant};

use pebble::{generate_two_names, Pebble};
use support::{assert_same, snapshot, stderr, Ks};

/// Fails unless the process group `pgid` is gone (within 5 s: the
/// killed hook's processes are reaped by init).
pub fn assert_group_gone(pgid: &str) {
    let start = Instant::now();
    loop {
        let alive = std::process::Command::new("kill")
            .args(["-0", "--", &format!("-{pgid}")])
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap()
            .success();
        if !alive {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the hook's process group {pgid} is still running"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn script(path: &Path, body: &str) {
    std::fs::write(path, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
}

#[test]
fn a_hung_dns01_or_deploy_hook_is_stopped_at_the_timeout_with_its_process_group() {
    if !pebble::available() {
        return;
    }
    let p = Pebble::start();
    let ks = Ks::new();
    let d = p.path();

    // The deploy hook hangs after the certificate is stored: exit 13, the
    // certificate stays, the hook's shell and its sleep are gone.
    generate_two_names(&ks, "dep", "dep.test");
    let pid = d.join("deploy.pid");
    let t = Instant::now();
    let out = ks
        .cmd()
        .args([
            "order",
            "dep",
            "--acme",
            &p.url(),
            "--agree-tos",
            "--no-passphrase",
        ])
        .arg("--acme-ca-file")
        .arg(p.tls_ca())
        .args(["--http-port", &p.http_port.to_string(), "--timeout", "4"])
        .arg("--deploy-hook")
        .arg(format!("echo $$ > '{}'; sleep 1000", pid.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(13), "{}", stderr(&out));
    assert!(t.elapsed() < Duration::from_secs(60), "{:?}", t.elapsed());
    assert!(stderr(&out).contains("deploy hook"), "{}", stderr(&out));
    assert!(ks.record("dep").join("cert.pem").exists());
    assert_group_gone(std::fs::read_to_string(&pid).unwrap().trim());

    // present hangs: exit 13 at the timeout, cleanup still runs, nothing
    // stored.
    generate_two_names(&ks, "hang", "hang.test");
    let log = d.join("hang.log");
    let hook = d.join("hang.sh");
    script(
        &hook,
        &format!(
            "echo \"$1 $2\" >> '{}'\n[ \"$1\" = present ] && {{ echo $$ > '{}'; sleep 1000; }}\nexit 0\n",
            log.display(),
            d.join("hang.pid").display()
        ),
    );
    let before = snapshot(&ks.root());
    let t = Instant::now();
    let out = ks
        .cmd()
        .args(["order", "hang", "--acme", &p.url(), "--no-passphrase"])
        .arg("--acme-ca-file")
        .arg(p.tls_ca())
        .args(["--timeout", "3", "--dns-hook"])
        .arg(&hook)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(13), "{}", stderr(&out));
    assert!(t.elapsed() < Duration::from_secs(60), "{:?}", t.elapsed());
    assert_group_gone(std::fs::read_to_string(d.join("hang.pid")).unwrap().trim());
    let calls = std::fs::read_to_string(&log).unwrap();
    assert!(
        calls
            .lines()
            .any(|l| l.starts_with("cleanup _acme-challenge.")),
        "cleanup did not run: {calls}"
    );
    assert_same(&before, &snapshot(&ks.root()), "an order whose hook hung");
}

#[test]
fn challenge_options_that_cannot_work_are_refused_before_any_traffic() {
    let ks = Ks::new();
    let out = ks
        .cmd()
        .args(["generate", "web", "--cn", "web.test", "--no-passphrase"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain");
    std::fs::write(&file, "x").unwrap();
    let missing = dir.path().join("missing");
    // A closed port: any traffic would be exit 13.
    let ca = "https://127.0.0.1:1/directory";
    let before = snapshot(&ks.root());
    let cases: [(&[&str], &Path, i32, &str); 6] = [
        (&["--webroot"], &missing, 3, "--webroot"),
        (&["--webroot"], &file, 2, "--webroot"),
        (&["--dns-hook"], &missing, 3, "--dns-hook"),
        (&["--dns-hook"], &file, 2, "--dns-hook"),
        (&["--http-port", "0"], Path::new(""), 2, "--http-port"),
        (
            &["--http-address"],
            Path::new("not an ip"),
            2,
            "--http-address",
        ),
    ];
    for (opts, value, code, names) in cases {
        let mut c = ks.cmd();
        c.args([
            "order",
            "web",
            "--acme",
            ca,
            "--agree-tos",
            "--no-passphrase",
        ])
        .args(opts);
        if !value.as_os_str().is_empty() {
            c.arg(value);
        }
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{opts:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(names), "{opts:?}: {}", stderr(&out));
    }
    assert_same(&before, &snapshot(&ks.root()), "refused challenge options");
}

#[test]
fn a_relative_hook_path_is_stored_absolute_so_renew_from_cron_finds_it() {
    if !pebble::available() {
        return;
    }
    let p = Pebble::start();
    let ks = Ks::new();
    generate_two_names(&ks, "rel", "rel.test");
    // The project's challtestsrv hook, given relative to its directory.
    let (hook, _) = crate::acme_pebble::dns_hook(&p, false);
    let out = ks
        .cmd()
        .current_dir(p.path())
        .args([
            "order",
            "rel",
            "--acme",
            &p.url(),
            "--agree-tos",
            "--no-passphrase",
        ])
        .arg("--acme-ca-file")
        .arg(p.tls_ca())
        .args(["--dns-hook", "./hook.sh"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}\n{}", stderr(&out), p.log());
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ks.record("rel").join("record.json")).unwrap())
            .unwrap();
    assert_eq!(
        meta["acme"]["challenge"]["dns_hook"].as_str(),
        Some(hook.to_str().unwrap()),
        "{meta}"
    );
    // cron runs renew from another directory.
    let out = ks
        .cmd()
        .current_dir("/")
        .args(["renew", "rel", "--force"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}\n{}", stderr(&out), p.log());
}
