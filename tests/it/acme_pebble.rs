//! `csrkit order` against a real, independent ACME server: Debian's
//! Pebble 2.4.0 on loopback (tests/pebble). Pebble validates http-01 by
//! connecting to csrkit's own responder; OpenSSL checks what is stored.

use crate::pebble;
use crate::support;

use std::process::Output;

use pebble::{generate_two_names, pubkey_of_cert, serial_of, Pebble};
use support::{assert_same, mode, openssl, snapshot, stderr, stdout, Ks, PASS};

fn order(ks: &Ks, p: &Pebble, name: &str, extra: &[&str]) -> Output {
    let mut c = ks.cmd();
    c.arg("order").arg(name).args(p.order_args()).args(extra);
    c.output().unwrap()
}

fn order_at(ks: &Ks, p: &Pebble, name: &str, url: &str, port: u16, extra: &[&str]) -> Output {
    let mut c = ks.cmd();
    c.arg("order")
        .arg(name)
        .args(p.order_args_at(url, port))
        .args(extra);
    c.output().unwrap()
}

#[test]
fn order_http01_stores_a_chain_that_openssl_verifies_and_reuses_the_account() {
    if !pebble::available() {
        return;
    }
    let p = Pebble::start();
    let ks = Ks::new();
    generate_two_names(&ks, "web", "web.test");
    let out = order(
        &ks,
        &p,
        "web",
        &[
            "--agree-tos",
            "--no-passphrase",
            "--email",
            "ops@web.test",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "order: {}\n{}", stderr(&out), p.log());
    let _ = out;
    let rec = ks.record("web");
    let cert = rec.join("cert.pem");
    let chain = rec.join("chain.pem");
    let root = p.root_file();
    let v = openssl(
        &[
            "verify",
            "-CAfile",
            root.to_str().unwrap(),
            "-untrusted",
            chain.to_str().unwrap(),
            cert.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        v.status.success() && stdout(&v).contains(": OK"),
        "openssl verify: {}{}",
        stdout(&v),
        stderr(&v)
    );
    // The certificate is for the record's key and names.
    assert_eq!(
        pubkey_of_cert(&cert),
        support::csr_pubkey(&ks.csr_path("web"))
    );
    let text = openssl(
        &[
            "x509",
            "-in",
            cert.to_str().unwrap(),
            "-noout",
            "-ext",
            "subjectAltName",
        ],
        None,
    );
    let text = stdout(&text);
    assert!(
        text.contains("DNS:web.test") && text.contains("DNS:www.web.test"),
        "{text}"
    );
    // record.json keeps how it was ordered.
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(rec.join("record.json")).unwrap()).unwrap();
    assert_eq!(meta["revision"], 2);
    assert_eq!(meta["acme"]["directory"], p.url());
    assert_eq!(meta["acme"]["challenge"]["kind"], "http-01");
    // The account is in the keystore: 0700 directory, 0600 files.
    let accounts: Vec<_> = std::fs::read_dir(ks.root().join("acme"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(accounts.len(), 1, "{accounts:?}");
    assert_eq!(mode(&accounts[0]), 0o700);
    assert_eq!(mode(&accounts[0].join("key.pem")), 0o600);
    assert_eq!(mode(&accounts[0].join("account.json")), 0o600);

    // A second order reuses the account, and the first certificate goes
    // to history.
    let out = order(&ks, &p, "web", &["--format", "json"]);
    assert!(out.status.success(), "second order: {}", stderr(&out));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["acme"]["account_created"], false, "{j}");
    assert_eq!(j["acme"]["challenges"].as_array().unwrap().len(), 2, "{j}");
    assert!(rec.join("history/2/cert.pem").is_file());
    assert!(
        p.log().contains("There are now 1 accounts in memory"),
        "{}",
        p.log()
    );
    assert!(!p.log().contains("There are now 2 accounts"), "{}", p.log());

    // The account as stored (no network), never its key.
    let out = ks
        .cmd()
        .args(["acme", "account", "--acme", &p.url(), "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let a: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(a["url"], j["acme"]["account"], "{a}");
    assert_eq!(a["contact"][0], "mailto:ops@web.test", "{a}");
    assert!(!stdout(&out).contains("PRIVATE KEY"));

    // Revocation, checked through Pebble's management API; the record is
    // not changed; a second revocation is the CA's refusal (11).
    let before = snapshot(&ks.root());
    let out = ks
        .cmd()
        .args(["revoke", "web", "--reason", "key-compromise"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let serial = serial_of(&ks, "web").replace(':', "").to_ascii_lowercase();
    let status = p.mgmt(&format!(
        "/cert-status-by-serial/{}",
        serial.trim_start_matches('0')
    ));
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["Status"], "Revoked", "{status}");
    assert_eq!(status["Reason"], 1, "{status}");
    let out = ks.cmd().args(["revoke", "web"]).output().unwrap();
    assert_eq!(out.status.code(), Some(11), "{}", stderr(&out));
    assert!(stderr(&out).contains("alreadyRevoked"), "{}", stderr(&out));
    assert_same(&before, &snapshot(&ks.root()), "revoke");

    // keystore copy carries the account: the copy orders with it (no new
    // account at the CA), its files byte for byte the same.
    let copy = tempfile::tempdir().unwrap();
    let dst = copy.path().join("ks2");
    let out = ks
        .cmd()
        .arg("keystore")
        .arg("copy")
        .arg(ks.root())
        .arg(&dst)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("copied 1 ACME account"),
        "{}",
        stderr(&out)
    );
    let slug = accounts[0].file_name().unwrap();
    for f in ["account.json", "key.pem"] {
        assert_eq!(
            std::fs::read(accounts[0].join(f)).unwrap(),
            std::fs::read(dst.join("acme").join(slug).join(f)).unwrap(),
            "{f}"
        );
    }
    let mut c = ks.cmd();
    c.env("CSRKIT_KEYSTORE", &dst)
        .arg("order")
        .arg("web")
        .args(p.order_args())
        .args(["--format", "json"]);
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["acme"]["account_created"], false, "{j}");
}

#[test]
fn the_account_key_is_stored_encrypted_like_a_record_key() {
    if !pebble::available() {
        return;
    }
    let p = Pebble::start();
    let ks = Ks::new();
    generate_two_names(&ks, "enc", "enc.test");
    let mut c = ks.cmd_pass();
    c.arg("order")
        .arg("enc")
        .args(p.order_args())
        .arg("--agree-tos");
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let acct = std::fs::read_dir(ks.root().join("acme"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let key = acct.join("key.pem");
    let pem = std::fs::read_to_string(&key).unwrap();
    assert!(
        pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        "{pem}"
    );
    // OpenSSL opens it with the passphrase: a P-256 key.
    let o = openssl(
        &[
            "pkey",
            "-in",
            key.to_str().unwrap(),
            "-passin",
            &format!("pass:{PASS}"),
            "-noout",
            "-text",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("prime256v1") || stdout(&o).contains("P-256"),
        "{}",
        stdout(&o)
    );
    // Without the passphrase the account cannot be used: exit 2 naming
    // the option, nothing sent, nothing written.
    let before = snapshot(&ks.root());
    let out = order(&ks, &p, "enc", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("passphrase"), "{}", stderr(&out));
    assert_same(
        &before,
        &snapshot(&ks.root()),
        "order without the account passphrase",
    );
}

#[test]
fn refusal_failed_challenge_and_unreachable_ca_exit_11_12_13_with_the_keystore_unchanged() {
    if !pebble::available() {
        return;
    }
    let p = Pebble::start();
    let ks = Ks::new();
    generate_two_names(&ks, "web", "web.test");
    ks.cmd()
        .args([
            "generate",
            "blk",
            "--cn",
            "blocked.test",
            "--key-type",
            "ec",
            "--no-passphrase",
        ])
        .assert()
        .success();
    // The account first (created once, stored at once).
    let out = order(&ks, &p, "web", &["--agree-tos", "--no-passphrase"]);
    assert!(out.status.success(), "{}\n{}", stderr(&out), p.log());
    let before = snapshot(&ks.root());

    // 11: the CA refuses the name (Pebble's domainBlocklist).
    let out = order(&ks, &p, "blk", &["--format", "json"]);
    assert_eq!(out.status.code(), Some(11), "{}", stderr(&out));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["error"]["kind"], "ca_refused", "{j}");
    assert_eq!(
        j["error"]["acme"]["type"], "urn:ietf:params:acme:error:rejectedIdentifier",
        "{j}"
    );
    assert!(
        stderr(&out).contains("rejectedIdentifier"),
        "{}",
        stderr(&out)
    );
    assert_same(&before, &snapshot(&ks.root()), "refused order");

    // 12: the responder listens where Pebble does not connect.
    let elsewhere = pebble::free_port();
    let out = order_at(&ks, &p, "web", &p.url(), elsewhere, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(12), "{}", stderr(&out));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["error"]["kind"], "challenge_failed", "{j}");
    assert_eq!(
        j["error"]["acme"]["type"], "urn:ietf:params:acme:error:connection",
        "{j}"
    );
    assert!(
        j["error"]["acme"]["identifier"]
            .as_str()
            .unwrap()
            .ends_with("web.test"),
        "{j}"
    );
    assert_same(&before, &snapshot(&ks.root()), "failed challenge");

    // 13: nothing listens at the directory URL.
    let closed = format!("https://127.0.0.1:{}/dir", pebble::free_port());
    let out = order_at(
        &ks,
        &p,
        "web",
        &closed,
        p.http_port,
        &["--agree-tos", "--no-passphrase"],
    );
    assert_eq!(out.status.code(), Some(13), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot reach"), "{}", stderr(&out));
    assert_same(&before, &snapshot(&ks.root()), "unreachable CA");

    // 13 too: the CA's HTTPS certificate is not trusted (no CA file).
    let mut c = ks.cmd();
    c.args([
        "order",
        "web",
        "--acme",
        &p.url(),
        "--http-port",
        &p.http_port.to_string(),
    ])
    .env_remove("CSRKIT_ACME_CA_FILE");
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(13), "{}", stderr(&out));
    assert_same(&before, &snapshot(&ks.root()), "untrusted CA");

    // 2: a new account without --agree-tos; nothing is sent or written.
    let out = order(&ks, &p, "web", &["--account", "second"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--agree-tos"), "{}", stderr(&out));
    assert_same(&before, &snapshot(&ks.root()), "no --agree-tos");
}

/// A lego-exec-style dns-01 hook: `present|cleanup FQDN VALUE`, setting
/// TXT records in pebble-challtestsrv; every call is logged.
pub(crate) fn dns_hook(p: &Pebble, fail_present: bool) -> (std::path::PathBuf, std::path::PathBuf) {
    let log = p.path().join("hook.log");
    let script = p.path().join(if fail_present {
        "bad-hook.sh"
    } else {
        "hook.sh"
    });
    let mgmt = format!("http://127.0.0.1:{}", p.challtest_port);
    let body = format!(
        r#"#!/bin/sh
echo "$1 $2 $3 $CSRKIT_ACME_IDENTIFIER" >> '{log}'
case "$1" in
  present) {fail}curl -sS --fail -d "{{\"host\":\"$2\",\"value\":\"$3\"}}" {mgmt}/set-txt ;;
  cleanup) curl -sS --fail -d "{{\"host\":\"$2\"}}" {mgmt}/clear-txt ;;
esac
"#,
        log = log.display(),
        fail = if fail_present {
            "echo 'zone not managed here' >&2; exit 3; "
        } else {
            ""
        },
    );
    std::fs::write(&script, body).unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    (script, log)
}

#[test]
fn dns01_through_a_lego_exec_style_hook_and_http01_from_a_webroot() {
    if !pebble::available() {
        return;
    }
    let p = Pebble::start();
    let ks = Ks::new();
    generate_two_names(&ks, "dns", "dns.test");
    let (hook, log) = dns_hook(&p, false);
    let out = order_at(
        &ks,
        &p,
        "dns",
        &p.url(),
        pebble::free_port(),
        &["--agree-tos", "--no-passphrase"],
    );
    assert_eq!(
        out.status.code(),
        Some(12),
        "http-01 on a port Pebble does not use"
    );
    let mut c = ks.cmd();
    c.args([
        "order",
        "dns",
        "--acme",
        &p.url(),
        "--agree-tos",
        "--no-passphrase",
    ])
    .arg("--acme-ca-file")
    .arg(p.tls_ca())
    .arg("--dns-hook")
    .arg(&hook);
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}\n{}", stderr(&out), p.log());
    let calls = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = calls.lines().collect();
    assert_eq!(lines.len(), 4, "{calls}");
    // present for each name, then cleanup for each, FQDN with the dot.
    assert!(
        lines[..2]
            .iter()
            .all(|l| l.starts_with("present _acme-challenge.")),
        "{calls}"
    );
    assert!(
        lines[2..]
            .iter()
            .all(|l| l.starts_with("cleanup _acme-challenge.")),
        "{calls}"
    );
    assert!(calls.contains("_acme-challenge.www.dns.test. "), "{calls}");
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ks.record("dns").join("record.json")).unwrap())
            .unwrap();
    assert_eq!(meta["acme"]["challenge"]["kind"], "dns-01");

    // A hook that fails: exit 12 with its message, cleanup still runs,
    // the keystore is unchanged.
    std::fs::remove_file(&log).unwrap();
    let (bad, log) = dns_hook(&p, true);
    let before = snapshot(&ks.root());
    let mut c = ks.cmd();
    c.args(["order", "dns", "--acme", &p.url()])
        .arg("--acme-ca-file")
        .arg(p.tls_ca())
        .arg("--dns-hook")
        .arg(&bad);
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(12), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("zone not managed here"),
        "{}",
        stderr(&out)
    );
    let calls = std::fs::read_to_string(&log).unwrap();
    assert!(
        calls.lines().next().unwrap().starts_with("present "),
        "{calls}"
    );
    assert!(
        calls.lines().last().unwrap().starts_with("cleanup "),
        "{calls}"
    );
    assert_same(&before, &snapshot(&ks.root()), "failed dns-01 hook");

    // http-01 from a webroot served by a tiny HTTP server (Python's) on
    // Pebble's httpPort; the files are removed afterwards.
    let www = tempfile::tempdir().unwrap();
    let mut server = std::process::Command::new("python3")
        .args(["-m", "http.server", "--bind", "127.0.0.1"])
        .arg(p.http_port.to_string())
        .current_dir(www.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", p.http_port)).is_err() {
        assert!(
            start.elapsed().as_secs() < 20,
            "python3 http.server did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    generate_two_names(&ks, "wr", "wr.test");
    let mut c = ks.cmd();
    c.args(["order", "wr", "--acme", &p.url()])
        .arg("--acme-ca-file")
        .arg(p.tls_ca())
        .arg("--webroot")
        .arg(www.path());
    let out = c.output().unwrap();
    let _ = server.kill();
    let _ = server.wait();
    assert!(out.status.success(), "{}\n{}", stderr(&out), p.log());
    assert!(ks.record("wr").join("cert.pem").is_file());
    assert!(
        !www.path().join(".well-known").exists(),
        "webroot files left behind"
    );

    // A webroot whose .well-known is a symlink is refused (exit 12), not
    // followed.
    let evil = tempfile::tempdir().unwrap();
    let www2 = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(evil.path(), www2.path().join(".well-known")).unwrap();
    let before = snapshot(&ks.root());
    let mut c = ks.cmd();
    c.args(["order", "wr", "--acme", &p.url()])
        .arg("--acme-ca-file")
        .arg(p.tls_ca())
        .arg("--webroot")
        .arg(www2.path());
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(12), "{}", stderr(&out));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert!(std::fs::read_dir(evil.path()).unwrap().next().is_none());
    assert_same(&before, &snapshot(&ks.root()), "webroot through a symlink");
}

#[test]
fn preflight_refuses_what_no_ca_would_issue_before_any_network_traffic() {
    // Nothing listens at this URL: a refusal here is exit 2, never 13.
    let closed = format!("https://127.0.0.1:{}/dir", pebble::free_port());
    let ks = Ks::new();
    let gen = |name: &str, args: &[&str]| {
        ks.cmd()
            .args(["generate", name, "--no-passphrase"])
            .args(args)
            .assert()
            .success();
    };
    gen(
        "mail",
        &[
            "--cn",
            "Mail User",
            "--email",
            "u@mail.test",
            "--key-type",
            "ec",
        ],
    );
    gen("wild", &["--cn", "*.wild.test", "--key-type", "ec"]);
    gen("ip", &["--cn", "10.1.2.3", "--key-type", "ec"]);
    gen("ed", &["--cn", "ed.test", "--key-type", "ed25519"]);
    gen(
        "staple",
        &["--cn", "staple.test", "--key-type", "ec", "--must-staple"],
    );
    let before = snapshot(&ks.root());
    let run = |name: &str, acme: &str, extra: &[&str]| {
        let out = ks
            .cmd()
            .args([
                "order",
                name,
                "--acme",
                acme,
                "--agree-tos",
                "--no-passphrase",
                "--http-port",
                "1",
            ])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        stderr(&out)
    };
    let e = run("mail", &closed, &[]);
    assert!(
        e.contains("no DNS name or IP address") || e.contains("email:"),
        "{e}"
    );
    let e = run("wild", &closed, &[]);
    assert!(e.contains("--dns-hook") && e.contains("*.wild.test"), "{e}");
    let e = {
        let out = ks
            .cmd()
            .args([
                "order",
                "ip",
                "--acme",
                &closed,
                "--agree-tos",
                "--dns-hook",
                "/bin/true",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        stderr(&out)
    };
    assert!(e.contains("10.1.2.3") && e.contains("RFC 8738"), "{e}");
    // Let's Encrypt (by name) refuses Ed25519 and Must-Staple: said here,
    // without contacting it.
    let e = run("ed", "letsencrypt-staging", &[]);
    assert!(e.contains("Ed25519") && e.contains("--key-type"), "{e}");
    let e = run("staple", "letsencrypt", &[]);
    assert!(
        e.contains("--must-staple") && e.contains("2025-08-06"),
        "{e}"
    );
    // Not https: refused as such.
    let out = ks
        .cmd()
        .args([
            "order",
            "ed",
            "--acme",
            "http://127.0.0.1:1/dir",
            "--agree-tos",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_same(&before, &snapshot(&ks.root()), "pre-flight refusals");
}

/// Pebble's example EAB key for `kid-1` (base64url, as CAs hand them out).
const EAB_KEY: &str = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";

#[test]
fn external_account_binding_and_profiles_the_directory_does_not_list() {
    if !pebble::available() {
        return;
    }
    let p = Pebble::start_with(
        &format!(
            r#","externalAccountBindingRequired":true,"externalAccountMACKeys":{{"kid-1":"{EAB_KEY}"}}"#
        ),
        &[],
    );
    let ks = Ks::new();
    generate_two_names(&ks, "web", "web.test");
    let before = snapshot(&ks.root());
    // Without EAB: exit 11 with a hint naming the flags.
    let out = order(&ks, &p, "web", &["--agree-tos", "--no-passphrase"]);
    assert_eq!(out.status.code(), Some(11), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("externalAccountRequired"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--eab-kid"), "{}", stderr(&out));
    assert_same(&before, &snapshot(&ks.root()), "EAB required");
    // A wrong MAC key: refused (11), nothing stored.
    let mut c = ks.cmd();
    c.arg("order")
        .arg("web")
        .args(p.order_args())
        .args([
            "--agree-tos",
            "--no-passphrase",
            "--eab-kid",
            "kid-1",
            "--eab-hmac-key-env",
            "EAB_MAC",
        ])
        .env(
            "EAB_MAC",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        );
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(11), "{}", stderr(&out));
    assert_same(&before, &snapshot(&ks.root()), "wrong EAB key");
    // The key from a file: the account is created and stored with its kid.
    let keyfile = ks.file("eab.key", format!("{EAB_KEY}\n").as_bytes());
    let mut c = ks.cmd();
    c.arg("order")
        .arg("web")
        .args(p.order_args())
        .args([
            "--agree-tos",
            "--no-passphrase",
            "--eab-kid",
            "kid-1",
            "--eab-hmac-key-file",
        ])
        .arg(&keyfile);
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}\n{}", stderr(&out), p.log());
    let acct = std::fs::read_dir(ks.root().join("acme"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let j = std::fs::read_to_string(acct.join("account.json")).unwrap();
    assert!(j.contains("\"eab_kid\": \"kid-1\""), "{j}");
    assert!(!j.contains(EAB_KEY), "the MAC key must not be stored");
    // The account is reused: no EAB needed again.
    let out = order(&ks, &p, "web", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Pebble 2.4.0 lists no profiles: --profile is refused (exit 2)
    // instead of being silently ignored, and nothing is ordered.
    let before = snapshot(&ks.root());
    let out = order(&ks, &p, "web", &["--profile", "shortlived"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("shortlived") && stderr(&out).contains("none"),
        "{}",
        stderr(&out)
    );
    assert_same(&before, &snapshot(&ks.root()), "unknown profile");
}

#[test]
fn kill_9_in_the_middle_of_an_order_stores_nothing_half_way() {
    if !pebble::available() {
        return;
    }
    let p = Pebble::start();
    let ks = Ks::new();
    generate_two_names(&ks, "web", "web.test");
    let out = order(&ks, &p, "web", &["--agree-tos", "--no-passphrase"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = snapshot(&ks.root());
    // The dns-01 hook kills csrkit (its parent) with SIGKILL while the
    // order is open at the CA.
    let hook = ks.file("kill.sh", b"#!/bin/sh\nkill -9 $PPID\nsleep 5\n");
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut c = ks.cmd();
    c.args(["order", "web", "--acme", &p.url()])
        .arg("--acme-ca-file")
        .arg(p.tls_ca())
        .arg("--dns-hook")
        .arg(&hook);
    let out = c.output().unwrap();
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&out.status),
        Some(9),
        "{}",
        stderr(&out)
    );
    assert_same(&before, &snapshot(&ks.root()), "order killed with SIGKILL");
    // The next order works.
    let out = order(&ks, &p, "web", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// The subject CN of the certificate in `pem` (OpenSSL's reading).
fn subject_cn(pem: &std::path::Path) -> String {
    let out = openssl(
        &[
            "x509",
            "-in",
            pem.to_str().unwrap(),
            "-noout",
            "-subject",
            "-nameopt",
            "RFC2253",
        ],
        None,
    );
    let s = stdout(&out);
    s.trim()
        .trim_start_matches("subject=")
        .split(',')
        .find_map(|p| p.strip_prefix("CN="))
        .unwrap()
        .to_string()
}

/// OpenSSL verifies the record's certificate up to `root` with the
/// stored chain.
fn verifies_to(ks: &Ks, name: &str, root: &std::path::Path) -> bool {
    let rec = ks.record(name);
    let v = openssl(
        &[
            "verify",
            "-CAfile",
            root.to_str().unwrap(),
            "-untrusted",
            rec.join("chain.pem").to_str().unwrap(),
            rec.join("cert.pem").to_str().unwrap(),
        ],
        None,
    );
    v.status.success() && stdout(&v).contains(": OK")
}

#[test]
fn preferred_chain_picks_each_alternate_by_its_top_issuer_and_falls_back_with_a_warning() {
    if !pebble::available() {
        return;
    }
    let p = Pebble::start_with("", &[("PEBBLE_ALTERNATE_ROOTS", "2")]);
    let ks = Ks::new();
    generate_two_names(&ks, "web", "web.test");
    let roots: Vec<std::path::PathBuf> = (0..3)
        .map(|n| {
            let f = p.path().join(format!("root-{n}.pem"));
            std::fs::write(&f, p.mgmt(&format!("/roots/{n}"))).unwrap();
            f
        })
        .collect();
    let cns: Vec<String> = roots.iter().map(|r| subject_cn(r)).collect();
    assert_eq!(
        cns.iter().collect::<std::collections::BTreeSet<_>>().len(),
        3,
        "{cns:?}"
    );
    let only_to = |ks: &Ks, n: usize| (0..3).all(|m| verifies_to(ks, "web", &roots[m]) == (m == n));
    for (n, cn) in cns.iter().enumerate().rev() {
        let out = order(
            &ks,
            &p,
            "web",
            &[
                "--agree-tos",
                "--no-passphrase",
                "--preferred-chain",
                cn,
                "--format",
                "json",
            ],
        );
        assert!(out.status.success(), "{cn}: {}\n{}", stderr(&out), p.log());
        assert!(only_to(&ks, n), "chain {n} ({cn}) not the one stored");
        let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            j["acme"]["chains"][j["acme"]["chain_chosen"].as_u64().unwrap() as usize],
            *cn,
            "{j}"
        );
    }
    // renew keeps the preference stored by order.
    let out = order(&ks, &p, "web", &["--preferred-chain", &cns[1]]);
    assert!(out.status.success(), "{}", stderr(&out));
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ks.record("web").join("record.json")).unwrap())
            .unwrap();
    assert_eq!(meta["acme"]["preferred_chain"], *cns[1]);
    let out = ks.cmd().args(["renew", "web", "--force"]).output().unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("web: renewed"), "{}", stdout(&out));
    assert!(only_to(&ks, 1), "renew did not keep the preferred chain");
    // A name no chain has: the default chain, with a warning naming what
    // the CA offered.
    let out = order(
        &ks,
        &p,
        "web",
        &["--preferred-chain", "No Such Root", "--format", "json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning") && stderr(&out).contains("No Such Root"),
        "{}",
        stderr(&out)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["acme"]["chains"].as_array().unwrap().len(), 3, "{j}");
    assert_eq!(j["acme"]["chain_chosen"], 0, "{j}");
    assert!(only_to(&ks, 0), "the default chain was not stored");
}

/// SIGTERM while a dns-01 hook's `present` runs: the order is abandoned,
/// `cleanup` still runs for what was presented, the error is printed, the
/// process then dies of the signal (as a shell expects), and nothing is
/// stored.
#[test]
fn a_signal_during_an_order_still_runs_the_dns01_cleanup() {
    if !pebble::available() {
        return;
    }
    let p = Pebble::start();
    let ks = Ks::new();
    generate_two_names(&ks, "first", "first.test");
    // The account exists first (stored at once when made, by design).
    let out = order_at(
        &ks,
        &p,
        "first",
        &p.url(),
        p.http_port,
        &["--agree-tos", "--no-passphrase"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    generate_two_names(&ks, "sig", "sig.test");
    let log = p.path().join("slow-hook.log");
    let hook = p.path().join("slow-hook.sh");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\necho \"$1 $2\" >> '{}'\n[ \"$1\" = present ] && {{ echo $$ > '{}'; sleep 1000; }}\nexit 0\n",
            log.display(),
            p.path().join("slow-hook.pid").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let before = snapshot(&ks.root());
    let child = ks
        .std_cmd()
        .args([
            "order",
            "sig",
            "--acme",
            &p.url(),
            "--no-passphrase",
            "--dns-hook",
        ])
        .arg(&hook)
        .arg("--acme-ca-file")
        .arg(p.tls_ca())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Waits for the hook's first call, not for a fixed time.
    let start = std::time::Instant::now();
    while !std::fs::read_to_string(&log).is_ok_and(|l| l.contains("present")) {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "present never ran"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        out.status.signal(),
        Some(15),
        "{:?} {}",
        out.status,
        stderr(&out)
    );
    assert!(stderr(&out).contains("abandoned"), "{}", stderr(&out));
    // The hung present (a shell waiting on its sleep) was stopped with
    // its whole process group.
    let pid = std::fs::read_to_string(p.path().join("slow-hook.pid")).unwrap();
    crate::acme_hooks::assert_group_gone(pid.trim());
    let calls = std::fs::read_to_string(&log).unwrap();
    assert!(
        calls
            .lines()
            .any(|l| l.starts_with("cleanup _acme-challenge.")),
        "cleanup did not run: {calls}"
    );
    assert_same(
        &before,
        &snapshot(&ks.root()),
        "an order abandoned on SIGTERM",
    );
}
