//! `csrkit serve` for QRadar, SBC and XClarity, driven over HTTPS by curl
//! (TLS verified against serve's CA file) and, for SBC, by the vendor
//! page's own Python `requests` example: each vendor's auth flow and a
//! wrong credential refused its way, generate / fetch / list / delete /
//! import where the vendor has them, a fault per vendor, and every body
//! compared with what `csrkit ... --format <vendor>` prints.

use crate::serve_support;
use crate::support;

use serve_support::*;
use support::*;

fn cli(ks: &Ks, args: &[&str]) -> String {
    ok(csrkit(&ks.root()).args(args))
}

const CSRS: &str = "/api/staged_config/certificates/certificate_signing_request";

#[test]
fn qradar_sec_and_basic_generate_list_download_import_delete() {
    let ks = Ks::new();
    let s = Server::start(&ks, &["qradar"]);
    assert!(s.ready["vendors"]["qradar"]["url"]
        .as_str()
        .unwrap()
        .ends_with("/api"));
    let sec = format!("SEC: {PASSWORD}");
    let json = "Content-Type: application/json";
    // The catalogue the qradar package builds its methods from.
    let r = s.call(
        "qradar",
        "GET",
        "/api/help/endpoints?filter=version%3D26.0",
        None,
        &[&sec, "Version: 26.0"],
        None,
    );
    assert_eq!(r.status, 200);
    assert!(r.json().as_array().unwrap().iter().any(|e| e["path"]
        == "/staged_config/certificates/certificate_signing_request"
        && e["http_method"] == "POST"));

    // Wrong SEC, wrong Basic, nothing: 401 with a QRadar error body.
    let before = ks.snapshot();
    for r in [
        s.call(
            "qradar",
            "POST",
            CSRS,
            None,
            &["SEC: nope", json],
            Some(br#"{"common_name":"q.example.com","purpose":"SERVER"}"#),
        ),
        s.call("qradar", "GET", CSRS, Some(("admin", "nope")), &[], None),
        s.call("qradar", "GET", CSRS, None, &[], None),
    ] {
        assert_eq!(r.status, 401, "{}", r.text());
        assert_eq!(r.json()["http_response"]["code"], 401);
    }
    // Invalid country: 422 code 1033, nothing written.
    let r = s.call(
        "qradar",
        "POST",
        CSRS,
        None,
        &[&sec, json],
        Some(br#"{"common_name":"q.example.com","purpose":"SERVER","country_name":"USA"}"#),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(r.json()["code"], 1033);
    assert_same(&before, &ks.snapshot(), "refused requests");

    // Generate: 201, Location, the id as the body (as generate prints it).
    let r = s.call(
        "qradar",
        "POST",
        CSRS,
        None,
        &[&sec, "Version: 26.0", json],
        Some(
            br#"{"common_name":"q.example.com","purpose":"SERVER","organization_name":"Example"}"#,
        ),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.text(), "1\n");
    assert_eq!(r.header("location").unwrap(), format!("{CSRS}/1"));
    let shown = cli(&ks, &["show", "1", "--format", "json"]);
    assert!(
        shown.contains("q.example.com") && shown.contains("RSA"),
        "{shown}"
    );

    // List and the file, byte-identical to the CLI.
    let r = s.call("qradar", "GET", CSRS, Some(("admin", PASSWORD)), &[], None);
    assert_eq!(
        r.body,
        cli(&ks, &["list", "--format", "qradar"]).into_bytes()
    );
    let r = s.call(
        "qradar",
        "GET",
        &format!("{CSRS}/1"),
        None,
        &[&sec, "Accept: application/octet-stream"],
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type").unwrap(),
        "application/octet-stream"
    );
    assert_eq!(
        r.body,
        cli(&ks, &["download", "1", "--format", "qradar"]).into_bytes()
    );
    let csr_pem = r.text();
    assert_verifies(&ks.csr_path("q.example.com"));

    // Import the signed certificate for csr_id 1.
    let pki = ks.dir.path().join("pki");
    std::fs::create_dir_all(&pki).unwrap();
    let leaf = sign(&pki, &csr_pem);
    let body =
        serde_json::json!({"name": "q", "purpose": "SERVER", "cert_file": leaf, "csr_id": 1})
            .to_string();
    let r = s.call(
        "qradar",
        "POST",
        "/api/staged_config/certificates/end_certificates",
        None,
        &[&sec, json],
        Some(body.as_bytes()),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["status"], "STAGED");
    assert_eq!(r.json()["csr_id"], 1);
    assert!(cli(&ks, &["show", "1", "--format", "json"]).contains("\"certificate\""));
    let r = s.call(
        "qradar",
        "POST",
        "/api/staged_config/deploy_status",
        None,
        &[&sec, json],
        Some(br#"{"status":"INITIATING","type":"INCREMENTAL"}"#),
    );
    assert_eq!(r.status, 200);

    // key_file: a key made elsewhere (OpenSSL RSA) with its certificate
    // makes a new record holding that key; an EC key is refused (1040).
    openssl_in(
        &pki,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "own.key",
            "-out",
            "own.csr",
            "-subj",
            "/CN=own.example.com",
        ],
    );
    openssl_in(
        &pki,
        &[
            "x509", "-req", "-in", "own.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-days", "20",
            "-out", "own.pem",
        ],
    );
    let keyed = serde_json::json!({
        "name": "own", "purpose": "SERVER",
        "cert_file": std::fs::read_to_string(pki.join("own.pem")).unwrap(),
        "key_file": std::fs::read_to_string(pki.join("own.key")).unwrap(),
    })
    .to_string();
    let r = s.call(
        "qradar",
        "POST",
        "/api/staged_config/certificates/end_certificates",
        None,
        &[&sec, json],
        Some(keyed.as_bytes()),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["name"], "own");
    assert_eq!(
        stdout(&key_pubkey(&ks.key_path("own"), None)),
        stdout(&openssl(
            &[
                "pkey",
                "-in",
                pki.join("own.key").to_str().unwrap(),
                "-pubout"
            ],
            None
        ))
    );
    assert_verifies(&ks.csr_path("own"));
    openssl_in(
        &pki,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ec.key",
            "-out",
            "ec.csr",
            "-subj",
            "/CN=ec.example.com",
        ],
    );
    openssl_in(
        &pki,
        &[
            "x509", "-req", "-in", "ec.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-days", "20",
            "-out", "ec.pem",
        ],
    );
    let before = ks.snapshot();
    let keyed = serde_json::json!({
        "name": "ec", "cert_file": std::fs::read_to_string(pki.join("ec.pem")).unwrap(),
        "key_file": std::fs::read_to_string(pki.join("ec.key")).unwrap(),
    })
    .to_string();
    let r = s.call(
        "qradar",
        "POST",
        "/api/staged_config/certificates/end_certificates",
        None,
        &[&sec, json],
        Some(keyed.as_bytes()),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(r.json()["code"], 1040);
    assert_same(&before, &ks.snapshot(), "an EC key_file");

    // A fault: the next GET of the list answers 422 in QRadar's shape.
    let r = s.admin(
        "qradar",
        "POST",
        "/_csrkit/faults",
        Some(format!(r#"{{"method":"GET","path":"{CSRS}","status":422}}"#).as_bytes()),
    );
    assert_eq!(r.status, 201);
    let r = s.call("qradar", "GET", CSRS, None, &[&sec], None);
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["http_response"]["code"], 422);

    // Delete: 204; then 404 with code 1002.
    let r = s.call(
        "qradar",
        "DELETE",
        &format!("{CSRS}/1"),
        None,
        &[&sec],
        None,
    );
    assert_eq!(r.status, 204);
    assert!(!cli(&ks, &["list"]).contains("q.example.com"));
    let r = s.call("qradar", "GET", &format!("{CSRS}/1"), None, &[&sec], None);
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["code"], 1002);
    assert!(s.stop().success());
}

#[test]
fn xclarity_sessions_csrf_generate_and_download() {
    let ks = Ks::new();
    let s = Server::start(&ks, &["xclarity"]);
    let json = "Content-Type: application/json";
    // Wrong password: 401 and the failure envelope.
    let r = s.call(
        "xclarity",
        "POST",
        "/sessions",
        None,
        &[json],
        Some(br#"{"UserId":"admin","password":"nope"}"#),
    );
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["result"], "failed");
    let login = format!(r#"{{"UserId":"admin","password":"{PASSWORD}"}}"#);
    let r = s.call(
        "xclarity",
        "POST",
        "/sessions",
        None,
        &[json],
        Some(login.as_bytes()),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let csrf = r.json()["response"]["session"]["csrf"]
        .as_str()
        .unwrap()
        .to_string();
    let cookies: Vec<String> = r
        .headers
        .lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .map(|l| {
            l.split_once(':')
                .unwrap()
                .1
                .trim()
                .split(';')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(
        cookies.iter().any(|c| c == &format!("csrf={csrf}")),
        "{cookies:?}"
    );
    let ch = format!("Cookie: {}", cookies.join("; "));
    let xh = format!("X-Csrf-Token: {csrf}");
    assert_eq!(
        s.call("xclarity", "GET", "/aicc", None, &[&ch], None)
            .status,
        200
    );
    // A POST without the CSRF header fails.
    let body = br#"{"CommonName":"lxca.example.com","Country":"US","Organization":"Example"}"#;
    let before = ks.snapshot();
    let r = s.call(
        "xclarity",
        "POST",
        "/certificateSigningRequest",
        None,
        &[&ch, json],
        Some(body),
    );
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["result"], "failed");
    assert_same(&before, &ks.snapshot(), "no csrf");
    let r = s.call(
        "xclarity",
        "POST",
        "/certificateSigningRequest",
        None,
        &[&ch, &xh, json],
        Some(body),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let id = r.json()["response"]["path"].as_str().unwrap().to_string();
    assert_eq!(r.json()["result"], "success");
    let r = s.call(
        "xclarity",
        "GET",
        &format!("/certificateSigningRequest?path={id}"),
        None,
        &[&ch],
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body, cli(&ks, &["download", &id]).into_bytes());
    let r = s.call(
        "xclarity",
        "GET",
        &format!("/certificateSigningRequest?path={id}&details=true"),
        None,
        &[&ch],
        None,
    );
    assert_eq!(
        r.body,
        cli(&ks, &["show", &id, "--format", "xclarity"]).into_bytes()
    );
    assert!(req_subject(&ks.csr_path("lxca.example.com")).contains("lxca.example.com"));
    // Unknown id: 404 in the failure envelope; a fault: 503.
    let r = s.call(
        "xclarity",
        "GET",
        "/certificateSigningRequest?path=99",
        None,
        &[&ch],
        None,
    );
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["result"], "failed");
    s.admin(
        "xclarity",
        "POST",
        "/_csrkit/faults",
        Some(br#"{"method":"*","path":"/aicc","status":503}"#),
    );
    let r = s.call("xclarity", "GET", "/aicc", None, &[&ch], None);
    assert_eq!(r.status, 503);
    assert_eq!(r.json()["result"], "failed");
    // Logout ends the session.
    assert_eq!(
        s.call("xclarity", "DELETE", "/sessions", None, &[&ch, &xh], None)
            .status,
        200
    );
    assert_eq!(
        s.call("xclarity", "GET", "/aicc", None, &[&ch], None)
            .status,
        401
    );
    assert!(s.stop().success());
}

const RECORD: &str = r#"<configElement><elementType>certificate-record</elementType><attribute><name>name</name><value>rest-server</value></attribute><attribute><name>common-name</name><value>sbc.example.com</value></attribute><attribute><name>organization</name><value>Example</value></attribute><attribute><name>key-size</name><value>2048</value></attribute></configElement>"#;

fn sbc_token(s: &Server) -> String {
    let r = s.call(
        "sbc",
        "POST",
        "/rest/v1.2/auth/token",
        Some(("admin", PASSWORD)),
        &["Accept: application/xml"],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let t = r.text();
    let a = t.find("<accessToken>").unwrap() + "<accessToken>".len();
    let b = t.find("</accessToken>").unwrap();
    t[a..b].to_string()
}

#[test]
fn sbc_token_lock_record_csr_import_and_activate() {
    let ks = Ks::new();
    let s = Server::start(&ks, &["sbc"]);
    let base = "/rest/v1.2/configuration";
    let r = s.call(
        "sbc",
        "POST",
        "/rest/v1.2/auth/token",
        Some(("admin", "nope")),
        &[],
        None,
    );
    assert_eq!(r.status, 401);
    assert!(r.text().contains("<reasonCode>"), "{}", r.text());
    let t1 = sbc_token(&s);
    let t2 = sbc_token(&s);
    let b1 = format!("Authorization: Bearer {t1}");
    let b2 = format!("Authorization: Bearer {t2}");
    let xml = "Content-Type: application/xml";
    // No lock: 423.
    let r = s.call(
        "sbc",
        "POST",
        &format!("{base}/configElements"),
        None,
        &[&b1, xml],
        Some(RECORD.as_bytes()),
    );
    assert_eq!(r.status, 423);
    assert!(r.text().contains("User does not have the lock"));
    assert_eq!(
        s.call("sbc", "POST", &format!("{base}/lock"), None, &[&b1], None)
            .status,
        204
    );
    // Another token: locked out.
    assert_eq!(
        s.call("sbc", "POST", &format!("{base}/lock"), None, &[&b2], None)
            .status,
        423
    );
    let r = s.call(
        "sbc",
        "PUT",
        &format!("{base}/certificates/generateRequest?recordName=rest-server"),
        None,
        &[&b2],
        None,
    );
    assert_eq!(r.status, 423);
    assert!(r.text().contains("locked by another user"));
    // The record, then its CSR.
    let r = s.call(
        "sbc",
        "GET",
        &format!("{base}/configElements?elementType=certificate-record&name=rest-server"),
        None,
        &[&b1],
        None,
    );
    assert_eq!(r.status, 404);
    let r = s.call(
        "sbc",
        "POST",
        &format!("{base}/configElements"),
        None,
        &[&b1, xml],
        Some(RECORD.as_bytes()),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let r = s.call(
        "sbc",
        "GET",
        &format!("{base}/configElements?elementType=certificate-record&name=rest-server"),
        None,
        &[&b1],
        None,
    );
    assert_eq!(r.status, 200);
    assert!(r.text().contains("rest-server"));
    let r = s.call(
        "sbc",
        "PUT",
        &format!("{base}/certificates/generateRequest?recordName=rest-server"),
        None,
        &[&b1, "Accept: application/xml"],
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        cli(&ks, &["show", "rest-server", "--format", "sbc"]).into_bytes()
    );
    // Import the signed certificate.
    let pki = ks.dir.path().join("pki");
    std::fs::create_dir_all(&pki).unwrap();
    let leaf = sign(&pki, &cli(&ks, &["download", "rest-server"]));
    let body = format!("<ImportCertificate><recordName>rest-server</recordName><format>x509</format><certificateRequest>{leaf}</certificateRequest></ImportCertificate>");
    let r = s.call(
        "sbc",
        "PUT",
        &format!("{base}/certificates/import"),
        None,
        &[&b1, xml],
        Some(body.as_bytes()),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("<recordName>rest-server</recordName>"));
    assert!(cli(&ks, &["show", "rest-server", "--format", "json"]).contains("\"certificate\""));
    // verify/save/activate, each with a poll link that answers success.
    for (m, action) in [("PUT", "verify"), ("PUT", "save"), ("POST", "activate")] {
        let r = s.call(
            "sbc",
            m,
            &format!("{base}/management?action={action}"),
            None,
            &[&b1],
            None,
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let t = r.text();
        let a = t.find("<link>").unwrap() + 6;
        let link = &t[a..t.find("</link>").unwrap()];
        let path = &link[link.find("/rest/").unwrap()..];
        let r = s.call("sbc", "GET", path, None, &[&b1], None);
        assert!(
            r.text().contains("<status>success</status>"),
            "{}",
            r.text()
        );
    }
    // A fault, then unlock: the other token may lock.
    s.admin(
        "sbc",
        "POST",
        "/_csrkit/faults",
        Some(br#"{"method":"POST","path":"/rest/v1.2/configuration/unlock","status":423}"#),
    );
    let r = s.call("sbc", "POST", &format!("{base}/unlock"), None, &[&b1], None);
    assert_eq!(r.status, 423);
    assert!(
        r.text().contains("<reasonCode>LOCKED</reasonCode>"),
        "{}",
        r.text()
    );
    assert_eq!(
        s.call("sbc", "POST", &format!("{base}/unlock"), None, &[&b1], None)
            .status,
        204
    );
    assert_eq!(
        s.call("sbc", "POST", &format!("{base}/lock"), None, &[&b2], None)
            .status,
        204
    );
    assert!(s.stop().success());
}

/// The generateRequest page's Python example, verbatim but for the host
/// (and the token it assumes): 423 first, the CSR once the lock is held.
#[test]
fn sbc_vendor_python_example_gets_423_then_the_csr() {
    let ks = Ks::new();
    let s = Server::start(&ks, &["sbc"]);
    let t = sbc_token(&s);
    let b = format!("Authorization: Bearer {t}");
    let base = "/rest/v1.2/configuration";
    assert_eq!(
        s.call("sbc", "POST", &format!("{base}/lock"), None, &[&b], None)
            .status,
        204
    );
    let r = s.call(
        "sbc",
        "POST",
        &format!("{base}/configElements"),
        None,
        &[&b, "Content-Type: application/xml"],
        Some(RECORD.as_bytes()),
    );
    assert_eq!(r.status, 201);
    assert_eq!(
        s.call("sbc", "POST", &format!("{base}/unlock"), None, &[&b], None)
            .status,
        204
    );
    let script = format!(
        "import sys\nimport requests\ntoken = sys.argv[1]\nsbcip = sys.argv[2]\n{}\nprint(resp.status_code)\nprint(resp.text, end=\"\")\n",
        "headers = { \"Accept\":\"application/xml\", \"Authorization\":\"Bearer \" + token }\n\
url = \"https://\" + sbcip + \"/rest/v1.2/configuration/certificates/generateRequest?recordName=rest-server\"\n\
resp = requests.put(url, headers=headers)"
    );
    let py = s.work.join("example.py");
    std::fs::write(&py, script).unwrap();
    let python = std::env::var("CSRKIT_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let host = format!("localhost:{}", s.port("sbc"));
    let run_example = || {
        let out = std::process::Command::new(&python)
            .arg(&py)
            .arg(&t)
            .arg(&host)
            .env("REQUESTS_CA_BUNDLE", &s.ca_file)
            .output()
            .expect("python3 with requests (CSRKIT_TEST_PYTHON)");
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let out = run_example();
    assert!(out.starts_with("423\n"), "{out}");
    assert!(out.contains("User does not have the lock"), "{out}");
    assert_eq!(
        s.call("sbc", "POST", &format!("{base}/lock"), None, &[&b], None)
            .status,
        204
    );
    let out = run_example();
    assert!(out.starts_with("200\n"), "{out}");
    let want = cli(&ks, &["show", "rest-server", "--format", "sbc"]);
    assert_eq!(&out[4..], want, "the body is generate's");
    assert!(s.stop().success());
}

#[test]
fn arcgis_token_generate_csr_import_update_delete() {
    let ks = Ks::new();
    let s = Server::start(&ks, &["arcgis"]);
    let form = "Content-Type: application/x-www-form-urlencoded";
    let portal = "/portal";
    let r = s.call(
        "arcgis",
        "GET",
        &format!("{portal}/sharing/rest/info?f=json"),
        None,
        &[],
        None,
    );
    assert_eq!(r.json()["authInfo"]["isTokenBasedSecurity"], true);
    // Wrong password: HTTP 200 with Portal's error (as Portal answers it).
    let r = s.call(
        "arcgis",
        "POST",
        &format!("{portal}/sharing/rest/generateToken"),
        None,
        &[form],
        Some(b"username=admin&password=nope&referer=http&f=json"),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["error"]["code"], 400);
    let body = format!("username=admin&password={PASSWORD}&referer=http&expiration=60&f=json");
    let r = s.call(
        "arcgis",
        "POST",
        &format!("{portal}/sharing/rest/generateToken"),
        None,
        &[form],
        Some(body.as_bytes()),
    );
    let token = r.json()["token"].as_str().unwrap().to_string();
    assert!(r.json()["expires"].as_i64().unwrap() > 0);
    let hdr = format!("X-Esri-Authorization: Bearer {token}");
    let certs = format!("{portal}/portaladmin/security/sslCertificates");
    // No token, a bad token: 499, 498 (HTTP 200).
    let r = s.call("arcgis", "GET", &format!("{certs}?f=json"), None, &[], None);
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_u64()),
        (200, Some(499))
    );
    let r = s.call(
        "arcgis",
        "GET",
        &format!("{certs}?f=json&token=forged"),
        None,
        &[],
        None,
    );
    assert_eq!(r.json()["error"]["code"], 498);
    // The token in the header, the query and the body.
    assert_eq!(
        s.call(
            "arcgis",
            "GET",
            &format!("{certs}?f=json"),
            None,
            &[&hdr],
            None
        )
        .json()["sslCertificates"],
        serde_json::json!([])
    );
    assert!(s
        .call(
            "arcgis",
            "GET",
            &format!("{certs}?f=json&token={token}"),
            None,
            &[],
            None
        )
        .json()["sslCertificates"]
        .is_array());
    // A validity that is not a whole number of days is refused, not
    // replaced by the default; nothing is made.
    let before = ks.snapshot();
    for bad in ["-5", "abc", "1.5"] {
        let gen = format!("alias=bad&keyAlg=EC&keySize=256&cn=bad.example.com&validity={bad}&f=json&token={token}");
        let r = s.call(
            "arcgis",
            "POST",
            &format!("{certs}/generateCertificate"),
            None,
            &[form],
            Some(gen.as_bytes()),
        );
        assert_eq!(r.json()["status"], "error", "{bad}: {}", r.text());
        assert!(r.text().contains("validity"), "{}", r.text());
    }
    assert_eq!(before, ks.snapshot());
    let gen = format!("alias=web&keyAlg=RSA&keySize=2048&sigAlg=SHA256withRSA&cn=WEB.EXAMPLE.COM&orgUnit=&org=Example&city=&state=&country=&validity=90&san=&f=json&token={token}");
    let r = s.call(
        "arcgis",
        "POST",
        &format!("{certs}/generateCertificate"),
        None,
        &[form],
        Some(gen.as_bytes()),
    );
    assert_eq!(r.text(), "{\"status\":\"success\"}", "{}", r.text());
    let r = s.call(
        "arcgis",
        "GET",
        &format!("{certs}/web?f=json"),
        None,
        &[&hdr],
        None,
    );
    assert_eq!(r.json()["aliasName"], "web");
    assert_eq!(r.json()["entryType"], "PrivateKeyEntry");
    // generateCsr and generateCSR: the CSR as `show --format arcgis` prints it.
    let want = cli(&ks, &["show", "web", "--format", "arcgis"]).into_bytes();
    for p in ["generateCsr", "generateCSR"] {
        let r = s.call(
            "arcgis",
            "POST",
            &format!("{certs}/web/{p}"),
            None,
            &[&hdr, form],
            Some(b"f=json"),
        );
        assert_eq!(r.body, want, "{p}");
    }
    let r = s.call(
        "arcgis",
        "POST",
        &format!("{certs}/nope/generateCsr"),
        None,
        &[&hdr, form],
        Some(b"f=json"),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"], "error");
    assert_eq!(r.json()["code"], 404);
    // Import the CA-signed certificate (multipart file), bind it, delete.
    let pki = ks.dir.path().join("pki");
    std::fs::create_dir_all(&pki).unwrap();
    let leaf = sign(&pki, &cli(&ks, &["download", "web"]));
    std::fs::write(pki.join("web.pem"), &leaf).unwrap();
    let r = s.multipart(
        "arcgis",
        &format!("{certs}/web/importSignedCertificate"),
        &[&hdr],
        &[("f", "json")],
        Some(&pki.join("web.pem")),
    );
    assert_eq!(r.text(), "{\"status\":\"success\"}\n");
    let shown = cli(&ks, &["show", "web", "--format", "json"]);
    assert!(shown.contains("serve test CA"), "{shown}");
    let r = s.multipart(
        "arcgis",
        &format!("{certs}/importRootOrIntermediate"),
        &[&hdr],
        &[("alias", "root"), ("f", "json")],
        Some(&pki.join("ca.pem")),
    );
    assert_eq!(r.json()["status"], "success");
    let r = s.call(
        "arcgis",
        "POST",
        &format!("{certs}/update"),
        None,
        &[&hdr, form],
        Some(b"webServerCertificateAlias=web&f=json"),
    );
    assert_eq!(r.json()["status"], "success");
    assert_eq!(
        s.call(
            "arcgis",
            "GET",
            &format!("{certs}?f=json"),
            None,
            &[&hdr],
            None
        )
        .json()["webServerCertificateAlias"],
        "web"
    );
    // A fault: HTTP 200 with {"error":{"code":503}}.
    s.admin(
        "arcgis",
        "POST",
        "/_csrkit/faults",
        Some(format!(r#"{{"method":"GET","path":"{certs}","status":503}}"#).as_bytes()),
    );
    let r = s.call(
        "arcgis",
        "GET",
        &format!("{certs}?f=json"),
        None,
        &[&hdr],
        None,
    );
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_u64()),
        (200, Some(503))
    );
    let r = s.multipart(
        "arcgis",
        &format!("{certs}/web/delete"),
        &[&hdr],
        &[("f", "json")],
        None,
    );
    assert_eq!(r.json()["status"], "success");
    assert!(!cli(&ks, &["list"]).contains("web"));
    assert!(s.stop().success());
}

/// QRadar: every authorized answer sets `Set-Cookie: SEC=<token>` (the
/// ibm.qradar httpapi plugin copies it into its `SEC` header and fails on
/// an answer without one); that token then authorizes as `SEC`, the same
/// token comes back while the client sends it, a refused request sets
/// none, and with `--session-lifetime` it expires.
#[test]
fn qradar_answers_set_a_sec_cookie_that_authorizes() {
    let ks = Ks::new();
    let s = Server::start_with(&ks, &["qradar"], &["--session-lifetime", "2"]);
    let sec_of = |r: &Resp| -> String {
        let v = r
            .header("set-cookie")
            .expect("an authorized answer sets SEC");
        assert!(v.contains("Secure") && v.contains("HttpOnly"), "{v}");
        let t = v.strip_prefix("SEC=").unwrap().split(';').next().unwrap();
        assert!(!t.is_empty() && !t.contains(PASSWORD), "{v}");
        t.to_string()
    };
    let r = s.call("qradar", "GET", CSRS, Some(("admin", PASSWORD)), &[], None);
    assert_eq!(r.status, 200, "{}", r.text());
    let token = sec_of(&r);
    // The cookie's token as SEC: authorized, and the same token back.
    let sec = format!("SEC: {token}");
    let r = s.call("qradar", "GET", CSRS, None, &[&sec], None);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(sec_of(&r), token);
    // Basic with the cookie sent back: the same session.
    let cookie = format!("Cookie: SEC={token}");
    let r = s.call(
        "qradar",
        "GET",
        CSRS,
        Some(("admin", PASSWORD)),
        &[&cookie],
        None,
    );
    assert_eq!(sec_of(&r), token);
    // A cookie alone is no credential; refused answers set no cookie.
    let r = s.call("qradar", "GET", CSRS, None, &[&cookie], None);
    assert_eq!(r.status, 401, "{}", r.text());
    assert!(r.header("set-cookie").is_none());
    let r = s.call("qradar", "GET", CSRS, None, &["SEC: not-a-token"], None);
    assert_eq!(r.status, 401);
    assert!(r.header("set-cookie").is_none());
    // After its lifetime the token is refused like any wrong SEC.
    std::thread::sleep(std::time::Duration::from_millis(3100));
    let r = s.call("qradar", "GET", CSRS, None, &[&sec], None);
    assert_eq!(r.status, 401, "{}", r.text());
    assert_eq!(r.json()["http_response"]["code"], 401);
    assert!(s.stop().success());
}

/// SBC: the configuration lock ends with the token that holds it. With
/// `--session-lifetime 2` the token says `expires_in` 2; once it has
/// passed, that token is refused (401) and another token takes the lock
/// (204) that the first one never released.
#[test]
fn sbc_lock_expires_with_its_token() {
    let ks = Ks::new();
    let s = Server::start_with(&ks, &["sbc"], &["--session-lifetime", "2"]);
    let base = "/rest/v1.2/configuration";
    let r = s.call(
        "sbc",
        "POST",
        "/rest/v1.2/auth/token",
        Some(("admin", PASSWORD)),
        &["Accept: application/xml"],
        None,
    );
    assert!(
        r.text().contains("<expires_in>2</expires_in>"),
        "{}",
        r.text()
    );
    let t1 = sbc_token(&s);
    let b1 = format!("Authorization: Bearer {t1}");
    assert_eq!(
        s.call("sbc", "POST", &format!("{base}/lock"), None, &[&b1], None)
            .status,
        204
    );
    let t2 = sbc_token(&s);
    let b2 = format!("Authorization: Bearer {t2}");
    let r = s.call("sbc", "POST", &format!("{base}/lock"), None, &[&b2], None);
    assert_eq!(r.status, 423, "{}", r.text());
    assert!(
        r.text().contains("Resource locked by another user"),
        "{}",
        r.text()
    );
    std::thread::sleep(std::time::Duration::from_millis(3100));
    // The first token is gone, and its lock with it.
    let r = s.call("sbc", "POST", &format!("{base}/unlock"), None, &[&b1], None);
    assert_eq!(r.status, 401, "{}", r.text());
    let t3 = sbc_token(&s);
    let b3 = format!("Authorization: Bearer {t3}");
    assert_eq!(
        s.call("sbc", "POST", &format!("{base}/lock"), None, &[&b3], None)
            .status,
        204
    );
    assert!(s.stop().success());
}

/// What the HTTP framework would answer by itself (a method no route
/// takes: 405; a body over the limit: 413) comes in the vendor's error
/// shape, as every other error does, with `Allow` kept; the keystore is
/// unchanged.
#[test]
fn wrong_methods_and_oversized_bodies_get_the_vendors_error_bodies() {
    let ks = Ks::new();
    let s = Server::start(&ks, &["qradar", "sbc", "nsx", "xclarity"]);
    let before = ks.snapshot();
    let auth = Some(("admin", PASSWORD));
    // 405, per vendor.
    let r = s.call(
        "nsx",
        "DELETE",
        "/policy/api/v1/infra/csrs",
        auth,
        &[],
        None,
    );
    assert_eq!(r.status, 405, "{}", r.text());
    assert_eq!(r.json()["error_code"], 405, "{}", r.text());
    assert!(r.header("allow").is_some_and(|a| a.contains("GET")));
    let r = s.call("qradar", "PUT", "/api/help/endpoints", auth, &[], None);
    assert_eq!(r.status, 405, "{}", r.text());
    assert_eq!(r.json()["http_response"]["code"], 405, "{}", r.text());
    let bearer = format!("Authorization: Bearer {}", sbc_token(&s));
    let r = s.call(
        "sbc",
        "GET",
        "/rest/v1.2/configuration/lock",
        None,
        &[&bearer],
        None,
    );
    assert_eq!(r.status, 405, "{}", r.text());
    assert!(
        r.text()
            .contains("<reasonCode>METHOD_NOT_ALLOWED</reasonCode>"),
        "{}",
        r.text()
    );
    let r = s.call("xclarity", "PUT", "/aicc", auth, &[], None);
    assert_eq!(r.status, 405, "{}", r.text());
    assert!(r.json().is_object(), "{}", r.text());
    // 413: a body over the limit, answered before any of it is read (a
    // client that asks `Expect: 100-continue` sends none of it).
    let big = vec![b'a'; 5 << 20];
    let r = s.call(
        "nsx",
        "POST",
        "/policy/api/v1/infra/csrs/big?action=create",
        auth,
        &["Content-Type: application/json", "Expect: 100-continue"],
        Some(&big),
    );
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(r.json()["error_code"], 413, "{}", r.text());
    let r = s.call(
        "qradar",
        "POST",
        CSRS,
        auth,
        &["Content-Type: application/json", "Expect: 100-continue"],
        Some(&big),
    );
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(r.json()["http_response"]["code"], 413, "{}", r.text());
    let r = s.admin("nsx", "POST", "/_csrkit/faults", Some(&big));
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(r.json()["error"].is_string(), "{}", r.text());
    assert_eq!(before, ks.snapshot());
    assert!(s.stop().success());
}
