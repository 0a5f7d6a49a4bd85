//! `csrkit serve --vendor nsx` driven over HTTPS by curl (TLS verified
//! against the CA file serve wrote): Basic and session auth with the XSRF
//! token, a wrong password refused as NSX refuses it (403 ApiError), the
//! Policy CSR flow (create, get, list, import of a certificate an OpenSSL
//! CA signed, the CSR consumed afterwards, delete), the journal and a
//! fault; every body compared byte for byte with what `csrkit ...
//! --format nsx` prints for the same record, and the records checked with
//! `csrkit list/show/download` and OpenSSL.

use crate::serve_support;
use crate::support;

use serve_support::*;
use support::*;

const TLS_CSR: &str = r#"{"subject":{"attributes":[{"key":"CN","value":"web.example.com"},{"key":"O","value":"Example"}]},"algorithm":"EC","key_size":256,"extensions":{"subject_alt_names":{"dns_names":["web.example.com","www.example.com"]}}}"#;

fn cli(ks: &Ks, args: &[&str]) -> String {
    ok(csrkit(&ks.root()).args(args))
}

#[test]
fn nsx_policy_csr_flow_end_to_end() {
    let ks = Ks::new();
    let s = Server::start(&ks, &["nsx"]);
    assert_eq!(s.ready["user"], "admin");
    assert!(
        s.ready.get("password").is_none(),
        "a given password is never printed"
    );
    assert_eq!(
        s.ready["vendors"]["nsx"]["url"],
        format!("https://127.0.0.1:{}", s.port("nsx"))
    );
    let csrs = "/policy/api/v1/infra/csrs";

    // Create: 201 TlsCsr, the same bytes `show --format nsx` prints.
    let r = s.admin(
        "nsx",
        "POST",
        &format!("{csrs}/web?action=create"),
        Some(TLS_CSR.as_bytes()),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(
        r.body,
        cli(&ks, &["show", "web", "--format", "nsx"]).into_bytes()
    );
    let created = r.json();
    assert_eq!(created["id"], "web");
    assert_eq!(created["algorithm"], "EC");
    // The CSR is the record's, and OpenSSL verifies it.
    let csr_pem = created["pem_encoded"].as_str().unwrap().to_string();
    assert_eq!(csr_pem, cli(&ks, &["download", "web"]));
    assert_verifies(&ks.csr_path("web"));
    let subject = req_subject(&ks.csr_path("web"));
    assert!(
        subject.contains("CN=web.example.com") || subject.contains("CN = web.example.com"),
        "{subject}"
    );
    assert!(req_text(&ks.csr_path("web")).contains("DNS:www.example.com"));

    // Get and list: byte-identical to the CLI.
    let r = s.admin("nsx", "GET", &format!("{csrs}/web"), None);
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        cli(&ks, &["show", "web", "--format", "nsx"]).into_bytes()
    );
    let r = s.admin("nsx", "GET", csrs, None);
    assert_eq!(r.status, 200);
    assert_eq!(r.body, cli(&ks, &["list", "--format", "nsx"]).into_bytes());
    assert_eq!(r.json()["result_count"], 1);

    // A taken id: 412 with csrkit's NSX error code; keystore unchanged.
    let before = ks.snapshot();
    let r = s.admin(
        "nsx",
        "POST",
        &format!("{csrs}/web?action=create"),
        Some(TLS_CSR.as_bytes()),
    );
    assert_eq!(r.status, 412, "{}", r.text());
    assert_eq!(r.json()["httpStatus"], "PRECONDITION_FAILED");
    assert_eq!(r.json()["error_code"], 9004);
    // An invalid body: 400 naming the TlsCsr field.
    let r = s.admin(
        "nsx",
        "POST",
        &format!("{csrs}/bad?action=create"),
        Some(br#"{"subject":{"attributes":[{"key":"CN","value":"x"}]},"algorithm":"DSA"}"#),
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(
        r.json()["error_message"]
            .as_str()
            .unwrap()
            .contains("algorithm"),
        "{}",
        r.text()
    );
    assert_same(&before, &ks.snapshot(), "refused creates");

    // Import the certificate an OpenSSL CA signed from that CSR.
    let pki = ks.dir.path().join("pki");
    std::fs::create_dir_all(&pki).unwrap();
    let leaf = sign(&pki, &csr_pem);
    let trust = serde_json::json!({ "pem_encoded": leaf }).to_string();
    let r = s.admin(
        "nsx",
        "POST",
        &format!("{csrs}/web?action=import"),
        Some(trust.as_bytes()),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let cert = r.json();
    assert_eq!(cert["resource_type"], "TlsCertificate");
    assert_eq!(
        cert["details"][0]["serial_number"]
            .as_str()
            .map(|s| s.to_ascii_uppercase().replace(':', "")),
        Some("1092".into())
    );
    // The record holds it (show), keeps its CSR (download), and the same
    // import through the CLI prints the same body.
    let shown = cli(&ks, &["show", "web", "--format", "json"]);
    assert!(shown.contains("\"certificate\""), "{shown}");
    assert_eq!(csr_pem, cli(&ks, &["download", "web"]));
    std::fs::write(pki.join("trust.json"), &trust).unwrap();
    let again = cli(
        &ks,
        &[
            "import",
            "--request",
            pki.join("trust.json").to_str().unwrap(),
            "--format",
            "nsx",
        ],
    );
    assert_eq!(r.body, again.into_bytes());
    let r2 = s.admin("nsx", "GET", "/policy/api/v1/infra/certificates/web", None);
    assert_eq!(r2.status, 200);
    assert_eq!(r2.body, r.body);

    // The CSR object is consumed: 404 NOT_FOUND, and gone from the list.
    let r = s.admin("nsx", "GET", &format!("{csrs}/web"), None);
    assert_eq!(r.status, 404, "{}", r.text());
    assert_eq!(r.json()["httpStatus"], "NOT_FOUND");
    let r = s.admin("nsx", "GET", csrs, None);
    assert_eq!(r.json()["result_count"], 0);
    assert!(cli(&ks, &["list"]).contains("web"));

    // Delete: 200, empty; the record is gone.
    let r = s.admin("nsx", "POST", &format!("{csrs}/gone?action=create"), Some(br#"{"subject":{"attributes":[{"key":"CN","value":"gone.example.com"}]},"algorithm":"RSA","key_size":2048}"#));
    assert_eq!(r.status, 201, "{}", r.text());
    assert!(
        cli(&ks, &["show", "gone", "--format", "json"]).contains("\"RSA\"")
            || cli(&ks, &["show", "gone"]).contains("RSA")
    );
    let r = s.admin("nsx", "DELETE", &format!("{csrs}/gone"), None);
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    assert!(!cli(&ks, &["list"]).contains("gone"));
    let r = s.admin("nsx", "DELETE", &format!("{csrs}/gone"), None);
    assert_eq!(r.status, 404);

    assert!(s.stop().success(), "SIGTERM: exit 0");
}

#[test]
fn nsx_auth_basic_session_xsrf_and_wrong_password() {
    let ks = Ks::new();
    let s = Server::start(&ks, &["nsx"]);
    let health = "/api/v1/reverse-proxy/node/health";
    let r = s.admin("nsx", "GET", health, None);
    assert_eq!((r.status, r.text().as_str()), (200, r#"{"healthy":true}"#));

    // Wrong password, Basic or session: 403 with an NSX ApiError.
    let before = ks.snapshot();
    for r in [
        s.call("nsx", "GET", health, Some(("admin", "wrong")), &[], None),
        s.call("nsx", "GET", "/policy/api/v1/infra/csrs", None, &[], None),
        s.call(
            "nsx",
            "POST",
            "/policy/api/v1/infra/csrs/x?action=create",
            Some(("root", PASSWORD)),
            &["Content-Type: application/json"],
            Some(TLS_CSR.as_bytes()),
        ),
        s.call(
            "nsx",
            "POST",
            "/api/session/create",
            None,
            &["Content-Type: application/x-www-form-urlencoded"],
            Some(b"j_username=admin&j_password=nope"),
        ),
    ] {
        assert_eq!(r.status, 403, "{}", r.text());
        let j = r.json();
        assert_eq!(j["httpStatus"], "FORBIDDEN");
        assert_eq!(j["error_code"], 403);
        assert!(j["error_message"].as_str().unwrap().contains("credentials"));
    }
    assert_same(&before, &ks.snapshot(), "refused requests");

    // A session as nsxlib makes it (raw form + Basic).
    let form = format!("j_username=admin&j_password={PASSWORD}");
    let r = s.call(
        "nsx",
        "POST",
        "/api/session/create",
        None,
        &["Content-Type: application/x-www-form-urlencoded"],
        Some(form.as_bytes()),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let cookie = r.header("set-cookie").unwrap();
    assert!(cookie.starts_with("JSESSIONID="), "{cookie}");
    let jsession = cookie.split(';').next().unwrap().to_string();
    let xsrf = r.header("x-xsrf-token").unwrap();
    let ch = format!("Cookie: {jsession}");
    let xh = format!("X-XSRF-TOKEN: {xsrf}");
    let r = s.call("nsx", "GET", health, None, &[&ch], None);
    assert_eq!(r.status, 200);
    // A change needs the XSRF token back.
    let path = "/policy/api/v1/infra/csrs/sess?action=create";
    let r = s.call(
        "nsx",
        "POST",
        path,
        None,
        &[&ch, "Content-Type: application/json"],
        Some(TLS_CSR.as_bytes()),
    );
    assert_eq!(r.status, 403);
    let r = s.call(
        "nsx",
        "POST",
        path,
        None,
        &[&ch, &xh, "Content-Type: application/json"],
        Some(TLS_CSR.as_bytes()),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert!(cli(&ks, &["list"]).contains("sess"));
    // After destroy the cookie is refused.
    let r = s.call(
        "nsx",
        "POST",
        "/api/session/destroy",
        None,
        &[&ch, &xh],
        None,
    );
    assert_eq!(r.status, 200);
    let r = s.call("nsx", "GET", health, None, &[&ch], None);
    assert_eq!(r.status, 403);
    assert!(s.stop().success());
}

#[test]
fn nsx_journal_and_faults() {
    let ks = Ks::new();
    let s = Server::start(&ks, &["nsx"]);
    let csrs = "/policy/api/v1/infra/csrs";
    // Admin routes need the credentials.
    let r = s.call(
        "nsx",
        "GET",
        "/_csrkit/requests",
        Some(("admin", "bad")),
        &[],
        None,
    );
    assert_eq!(r.status, 401);
    let fault = br#"{"method":"GET","path":"/policy/api/v1/infra/csrs","status":503,"times":2}"#;
    let r = s.admin("nsx", "POST", "/_csrkit/faults", Some(fault));
    assert_eq!(r.status, 201, "{}", r.text());
    let r = s.admin(
        "nsx",
        "POST",
        "/_csrkit/faults",
        Some(br#"{"method":"GET","path":"/x","status":200}"#),
    );
    assert_eq!(r.status, 400);
    for _ in 0..2 {
        let r = s.admin("nsx", "GET", csrs, None);
        assert_eq!(r.status, 503);
        assert_eq!(r.json()["httpStatus"], "SERVICE_UNAVAILABLE");
        assert_eq!(r.json()["error_code"], 503);
    }
    assert_eq!(s.admin("nsx", "GET", csrs, None).status, 200);
    let j = s.admin("nsx", "GET", "/_csrkit/requests", None).json();
    let rows: Vec<(String, String, u64)> = j["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["method"].as_str().unwrap().into(),
                e["path"].as_str().unwrap().into(),
                e["status"].as_u64().unwrap(),
            )
        })
        .collect();
    let lists: Vec<u64> = rows.iter().filter(|r| r.1 == csrs).map(|r| r.2).collect();
    assert_eq!(lists, vec![503, 503, 200]);
    assert!(rows
        .iter()
        .any(|r| r.1 == "/_csrkit/requests" && r.2 == 401));
    assert!(j["requests"][0]["time"].as_str().unwrap().ends_with('Z'));
    assert!(s.stop().success());
}

#[test]
fn serve_refuses_a_remote_address() {
    let ks = Ks::new();
    let out = run(csrkit(&ks.root()).args([
        "serve",
        "--vendor",
        "nsx",
        "--listen",
        "0.0.0.0:0",
        "--no-passphrase",
    ]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--listen"), "{}", stderr(&out));
    let out = run(csrkit(&ks.root()).args([
        "serve",
        "--listen",
        "0.0.0.0:0",
        "--allow-remote",
        "--no-passphrase",
    ]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--password-file"), "{}", stderr(&out));
    assert!(!ks.root().exists(), "nothing written");
}

use crate::backend;

/// Two serve processes on one PostgreSQL keystore: records made through
/// either are in the keystore, with distinct ids, and each serves the
/// other's.
#[test]
fn two_serve_processes_share_a_postgresql_keystore() {
    let Some(db) = backend::PgDb::new() else {
        backend::skip("two_serve_processes_share_a_postgresql_keystore");
        return;
    };
    let url = db.url();
    let ks = Ks::new();
    let a = Server::start_on(&ks, Some(&url), "serve-a", &["nsx"], &[]);
    let b = Server::start_on(&ks, Some(&url), "serve-b", &["nsx"], &[]);
    let csrs = "/policy/api/v1/infra/csrs";
    for i in 0..4 {
        let (s, name) = if i % 2 == 0 {
            (&a, format!("a{i}"))
        } else {
            (&b, format!("b{i}"))
        };
        let body = format!(
            r#"{{"subject":{{"attributes":[{{"key":"CN","value":"{name}.example.com"}}]}},"algorithm":"EC","key_size":256}}"#
        );
        let r = s.admin(
            "nsx",
            "POST",
            &format!("{csrs}/{name}?action=create"),
            Some(body.as_bytes()),
        );
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let r = a.admin("nsx", "GET", &format!("{csrs}/b1"), None);
    assert_eq!(r.status, 200, "{}", r.text());
    let list = b.admin("nsx", "GET", csrs, None).json();
    assert_eq!(list["result_count"], 4);
    let mut cmd = csrkit(&ks.root());
    cmd.env("CSRKIT_KEYSTORE", &url)
        .args(["list", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&ok(&mut cmd)).unwrap();
    let mut ids: Vec<u64> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, vec![1, 2, 3, 4]);
    assert!(a.stop().success());
    assert!(b.stop().success());
}

/// Concurrent creates go through the group committer: every one answered
/// 201 is in the keystore with its own id, and of those racing for one
/// name exactly one wins (the others 412).
#[test]
fn concurrent_creates_are_each_committed_once() {
    let ks = Ks::new();
    let s = Server::start(&ks, &["nsx"]);
    let body = br#"{"subject":{"attributes":[{"key":"CN","value":"race.example.com"}]},"algorithm":"EC","key_size":256}"#;
    let results: Vec<(String, u16)> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..16)
            .map(|i| {
                let s = &s;
                sc.spawn(move || {
                    let name = if i < 12 {
                        format!("r{i}")
                    } else {
                        "same".to_string()
                    };
                    let path = format!("/policy/api/v1/infra/csrs/{name}?action=create");
                    (name, s.admin("nsx", "POST", &path, Some(body)).status)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (name, status) in &results {
        if name != "same" {
            assert_eq!(*status, 201, "{name}");
        }
    }
    let same: Vec<u16> = results
        .iter()
        .filter(|r| r.0 == "same")
        .map(|r| r.1)
        .collect();
    assert_eq!(same.iter().filter(|s| **s == 201).count(), 1, "{same:?}");
    assert!(same.iter().all(|s| *s == 201 || *s == 412), "{same:?}");
    let rows: serde_json::Value =
        serde_json::from_str(&ok(csrkit(&ks.root()).args(["list", "--format", "json"]))).unwrap();
    let mut ids: Vec<u64> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 13);
    check_keystore(&ks.root(), None);
    assert!(s.stop().success());
}

/// Every create answered 201 is in the keystore after a `kill -9` of the
/// server in the middle of a burst (directory keystore; and with two
/// servers on one PostgreSQL keystore when the test server is there).
#[test]
fn acknowledged_creates_survive_kill_9() {
    let ks = Ks::new();
    let s = Server::start(&ks, &["nsx"]);
    burst_then_kill(&ks, &[&s], &ks.root().to_string_lossy());
    drop(s);
    let Some(db) = backend::PgDb::new() else {
        backend::skip("acknowledged_creates_survive_kill_9 (PostgreSQL half)");
        return;
    };
    let url = db.url();
    let ks2 = Ks::new();
    let a = Server::start_on(&ks2, Some(&url), "serve-a", &["nsx"], &[]);
    let b = Server::start_on(&ks2, Some(&url), "serve-b", &["nsx"], &[]);
    burst_then_kill(&ks2, &[&a, &b], &url);
}

/// 8 threads create through the servers in turn until the first server is
/// killed with SIGKILL after about 40 answers; every name answered 201
/// must then be listed by the CLI.
fn burst_then_kill(ks: &Ks, servers: &[&Server], keystore: &str) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let answered = AtomicUsize::new(0);
    let acked = std::sync::Mutex::new(Vec::new());
    let body = br#"{"subject":{"attributes":[{"key":"CN","value":"k9.example.com"}]},"algorithm":"EC","key_size":256}"#;
    std::thread::scope(|sc| {
        for t in 0..8 {
            let (answered, acked) = (&answered, &acked);
            sc.spawn(move || {
                for i in 0..40 {
                    let s = servers[(t + i) % servers.len()];
                    let name = format!("k{t}-{i}");
                    let path = format!("/policy/api/v1/infra/csrs/{name}?action=create");
                    let out = std::process::Command::new("curl")
                        .args(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert"])
                        .arg(&s.ca_file)
                        .args([
                            "-u",
                            &format!("admin:{PASSWORD}"),
                            "-H",
                            "Content-Type: application/json",
                            "-X",
                            "POST",
                            "--data-binary",
                        ])
                        .arg(std::str::from_utf8(body).unwrap())
                        .arg(format!("{}{path}", s.base("nsx")))
                        .output()
                        .unwrap();
                    if String::from_utf8_lossy(&out.stdout) == "201" {
                        acked.lock().unwrap().push(name);
                    }
                    if answered.fetch_add(1, Ordering::SeqCst) == 40 {
                        unsafe {
                            libc::kill(servers[0].child.id() as i32, libc::SIGKILL);
                        }
                    }
                }
            });
        }
    });
    let acked = acked.into_inner().unwrap();
    assert!(acked.len() >= 20, "only {} acknowledged", acked.len());
    let mut cmd = csrkit(&ks.root());
    cmd.env("CSRKIT_KEYSTORE", keystore)
        .args(["list", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&ok(&mut cmd)).unwrap();
    let names: std::collections::HashSet<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    for n in &acked {
        assert!(
            names.contains(n.as_str()),
            "{n} was acknowledged and is not in the keystore"
        );
    }
}

/// The rest of NSX's certificate routes: `action=self_sign` (a
/// self-signed TlsCertificate on the CSR's key, `days_valid` 1-825,
/// checked by OpenSSL; the CSR consumed), `PUT /infra/certificates/{id}`
/// of a signed leaf for a record's key and of a key + certificate made by
/// OpenSSL (a new record holding that key), and `apply_certificate`,
/// which NSX refuses until the chain reaches a root. Bodies equal what
/// `csrkit show --format nsx` / the CLI print; refusals change nothing.
#[test]
fn nsx_self_sign_put_certificate_and_apply() {
    let ks = Ks::new();
    let s = Server::start(&ks, &["nsx"]);
    let csrs = "/policy/api/v1/infra/csrs";
    let certs = "/policy/api/v1/infra/certificates";
    let mp = "/api/v1/trust-management/certificates";
    for id in ["web", "api"] {
        let r = s.admin(
            "nsx",
            "POST",
            &format!("{csrs}/{id}?action=create"),
            Some(TLS_CSR.as_bytes()),
        );
        assert_eq!(r.status, 201, "{}", r.text());
    }

    // self_sign: days_valid out of range is 400 and changes nothing.
    let before = ks.snapshot();
    for bad in ["0", "826", "x"] {
        let r = s.admin(
            "nsx",
            "POST",
            &format!("{csrs}/web?action=self_sign&days_valid={bad}"),
            None,
        );
        assert_eq!(r.status, 400, "{bad}: {}", r.text());
        assert_eq!(r.json()["error_code"], 400);
    }
    assert_eq!(before, ks.snapshot());
    let r = s.admin(
        "nsx",
        "POST",
        &format!("{csrs}/web?action=self_sign&days_valid=30"),
        None,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let leaf = r.json()["pem_encoded"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let leaf_file = dir.path().join("self.pem");
    std::fs::write(&leaf_file, &leaf).unwrap();
    let f = leaf_file.to_str().unwrap();
    let v = openssl(&["verify", "-CAfile", f, f], None);
    assert!(String::from_utf8_lossy(&v.stdout).contains(": OK"), "{v:?}");
    let pubkey = openssl(&["x509", "-in", f, "-noout", "-pubkey"], None);
    assert_eq!(
        String::from_utf8_lossy(&pubkey.stdout),
        csr_pubkey(&ks.csr_path("web"))
    );
    let end = openssl(&["x509", "-in", f, "-noout", "-enddate"], None);
    let end = String::from_utf8_lossy(&end.stdout).to_string();
    assert!(!end.is_empty());
    // The CSR is consumed; the certificate is the record's.
    assert_eq!(
        s.admin("nsx", "GET", &format!("{csrs}/web"), None).status,
        404
    );
    let r = s.admin("nsx", "GET", &format!("{certs}/web"), None);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["pem_encoded"], leaf.as_str());
    // A self-signed certificate is its own root: apply_certificate binds it.
    let r = s.admin(
        "nsx",
        "POST",
        &format!("{mp}/web?action=apply_certificate&service_type=API"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.admin(
        "nsx",
        "POST",
        &format!("{mp}/web?action=apply_certificate&service_type=NOPE"),
        None,
    );
    assert_eq!(r.status, 400, "{}", r.text());

    // PUT of the leaf an OpenSSL CA signed for api's CSR, without its
    // root: stored (200, the record's TlsCertificate), but NSX would not
    // apply it until the chain reaches a root.
    let api_leaf = sign(dir.path(), &cli(&ks, &["download", "api"]));
    let body = serde_json::json!({ "pem_encoded": api_leaf }).to_string();
    let r = s.admin("nsx", "PUT", &format!("{certs}/api"), Some(body.as_bytes()));
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(cli(&ks, &["show", "api"]).contains("serve test CA"));
    let apply = format!("{mp}/api?action=apply_certificate&service_type=MGMT_CLUSTER");
    let r = s.admin("nsx", "POST", &apply, None);
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains("root"), "{}", r.text());
    let root = std::fs::read_to_string(dir.path().join("ca.pem")).unwrap();
    let body = serde_json::json!({ "pem_encoded": format!("{api_leaf}{root}") }).to_string();
    let r = s.admin("nsx", "PUT", &format!("{certs}/api"), Some(body.as_bytes()));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(s.admin("nsx", "POST", &apply, None).status, 200);

    // PUT with private_key: a new record for a key OpenSSL made.
    openssl_in(
        dir.path(),
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ext.key",
            "-out",
            "ext.pem",
            "-subj",
            "/CN=ext.example.com",
            "-days",
            "5",
            "-addext",
            "basicConstraints=critical,CA:FALSE",
        ],
    );
    let key = std::fs::read_to_string(dir.path().join("ext.key")).unwrap();
    let cert = std::fs::read_to_string(dir.path().join("ext.pem")).unwrap();
    let body = serde_json::json!({ "pem_encoded": cert, "private_key": key }).to_string();
    let r = s.admin("nsx", "PUT", &format!("{certs}/ext"), Some(body.as_bytes()));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["id"], "ext", "{}", r.text());
    let ext_pub = openssl(
        &[
            "pkey",
            "-in",
            dir.path().join("ext.key").to_str().unwrap(),
            "-pubout",
        ],
        None,
    );
    assert_eq!(
        String::from_utf8_lossy(&ext_pub.stdout),
        csr_pubkey(&ks.csr_path("ext"))
    );
    // A taken id with a key: refused, nothing changed.
    let before = ks.snapshot();
    let r = s.admin("nsx", "PUT", &format!("{certs}/ext"), Some(body.as_bytes()));
    assert!(r.status >= 400, "{}", r.text());
    assert_eq!(before, ks.snapshot());
    assert!(s.stop().success());
}
