//! `csrkit serve` driven by the vendors' own client libraries, pinned and
//! installed by .ci/run into a venv named by `CSRKIT_SERVE_VENV`: vcf-nsx
//! (Policy CSR flow), vmware-nsxlib (session, health, Manager API import,
//! find by PEM, delete), qradar (its generated methods, and `requests` for
//! the file it cannot download), pylxca (`connect()`, then its session)
//! and arcgis (GIS sign-in with generateToken, generate, generate_csr,
//! import_signed_certificate, update, import_server_certificate of PKCS#12
//! files), and, from npm into `CSRKIT_SERVE_NPM`,
//! @esri/arcgis-rest-request (signIn, a CSR, its errors). TLS verification stays on: the
//! clients trust serve's CA through REQUESTS_CA_BUNDLE and SSL_CERT_FILE.
//! Each client also sees a wrong password refused. Under CI=true a missing
//! venv or client fails the test; elsewhere the test says so and passes.

use crate::serve_support;
use crate::support;

use std::path::PathBuf;

use serve_support::*;
use support::*;

/// The venv's python, if there is one with `module`.
fn python(module: &str) -> Option<PathBuf> {
    let venv = std::env::var_os("CSRKIT_SERVE_VENV").map(PathBuf::from);
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let py = venv.as_ref().map(|v| v.join("bin/python"));
    let has = py.as_ref().is_some_and(|p| {
        std::process::Command::new(p)
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if !has {
        assert!(!ci, "CI=true: the venv CSRKIT_SERVE_VENV ({venv:?}) has no {module}; .ci/run installs the pinned clients");
        eprintln!("skipped: no {module} in CSRKIT_SERVE_VENV (set by .ci/run)");
        return None;
    }
    py
}

/// Runs a client script with serve's CA trusted; its JSON output.
fn client(s: &Server, py: &PathBuf, script: &str, name: &str, args: &[&str]) -> serde_json::Value {
    let file = s.work.join(format!("drive_{name}"));
    std::fs::write(&file, script).unwrap();
    let out = std::process::Command::new(py)
        .arg(&file)
        .args(args)
        .env("REQUESTS_CA_BUNDLE", &s.ca_file)
        .env("SSL_CERT_FILE", &s.ca_file)
        .env("NODE_EXTRA_CA_CERTS", &s.ca_file)
        .current_dir(&s.work)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{name}: {}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    let last = text.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| panic!("{name}: {e}: {text}"))
}

fn cli(ks: &Ks, args: &[&str]) -> String {
    ok(csrkit(&ks.root()).args(args))
}

fn journal(s: &Server, vendor: &str) -> Vec<(String, String, u64)> {
    s.admin(vendor, "GET", "/_csrkit/requests", None).json()["requests"]
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
        .collect()
}

#[test]
fn vcf_nsx_generates_gets_lists_and_imports() {
    let Some(py) = python("vcf.nsx") else { return };
    let ks = Ks::new();
    let s = Server::start(&ks, &["nsx"]);
    let url = s.base("nsx");
    let script = include_str!("serve_clients/nsx_vcf.py");
    let out = client(
        &s,
        &py,
        script,
        "vcf.py",
        &[&url, "admin", PASSWORD, "generate", "vcf"],
    );
    assert_eq!(out["generated"]["id"], "vcf");
    assert_eq!(out["generated"]["revision"], 0);
    assert_eq!(out["got"], out["generated"]["pem"]);
    assert_eq!(out["listed"], serde_json::json!(["vcf"]));
    // What the SDK saw is the record's CSR, and the body the CLI prints.
    let pem = out["generated"]["pem"].as_str().unwrap();
    assert_eq!(pem, cli(&ks, &["download", "vcf"]));
    let shown: serde_json::Value =
        serde_json::from_str(&cli(&ks, &["show", "vcf", "--format", "nsx"])).unwrap();
    assert_eq!(shown["pem_encoded"], pem);
    assert_verifies(&ks.csr_path("vcf"));
    // A wrong password: ApiError carrying NSX's 403 body.
    assert_eq!(out["wrong"], "ApiError");
    assert!(
        out["wrong_body"].as_str().unwrap().contains("FORBIDDEN"),
        "{}",
        out["wrong_body"]
    );
    // Import what an OpenSSL CA signed; the CSR is gone afterwards.
    let pki = ks.dir.path().join("pki");
    std::fs::create_dir_all(&pki).unwrap();
    std::fs::write(pki.join("leaf.pem"), sign(&pki, pem)).unwrap();
    let leaf = pki.join("leaf.pem");
    let out = client(
        &s,
        &py,
        script,
        "vcf.py",
        &[
            &url,
            "admin",
            PASSWORD,
            "import",
            "vcf",
            leaf.to_str().unwrap(),
        ],
    );
    assert_eq!(out["imported"]["resource_type"], "TlsCertificate");
    assert_eq!(out["after"], "ApiError");
    assert!(cli(&ks, &["show", "vcf", "--format", "json"]).contains("serve test CA"));
    assert_eq!(
        pem,
        cli(&ks, &["download", "vcf"]),
        "the record keeps its CSR"
    );
    let j = journal(&s, "nsx");
    assert!(j
        .iter()
        .any(|r| r.1 == "/policy/api/v1/infra/csrs/vcf" && r.2 == 404));
    assert!(s.stop().success());
}

#[test]
fn nsxlib_session_health_import_find_delete() {
    let Some(py) = python("vmware_nsxlib") else {
        return;
    };
    let ks = Ks::new();
    let s = Server::start(&ks, &["nsx"]);
    ks.generate_ec("lib");
    let pki = ks.dir.path().join("pki");
    std::fs::create_dir_all(&pki).unwrap();
    std::fs::write(
        pki.join("leaf.pem"),
        sign(&pki, &cli(&ks, &["download", "lib"])),
    )
    .unwrap();
    // A key and certificate made elsewhere (OpenSSL), for create_cert
    // with private_key.
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
            "byo.key",
            "-out",
            "byo.csr",
            "-subj",
            "/CN=byo.example.com/O=Example",
            "-addext",
            "subjectAltName=DNS:byo.example.com",
        ],
    );
    openssl_in(
        &pki,
        &[
            "x509",
            "-req",
            "-in",
            "byo.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-days",
            "20",
            "-copy_extensions",
            "copy",
            "-out",
            "byo.pem",
        ],
    );
    let host = format!("localhost:{}", s.port("nsx"));
    let leaf = pki.join("leaf.pem");
    let (byo, byo_key) = (pki.join("byo.pem"), pki.join("byo.key"));
    let out = client(
        &s,
        &py,
        include_str!("serve_clients/nsxlib.py"),
        "nsxlib.py",
        &[
            &host,
            "admin",
            PASSWORD,
            leaf.to_str().unwrap(),
            byo.to_str().unwrap(),
            byo_key.to_str().unwrap(),
        ],
    );
    // The record for the key made elsewhere: its key is the certificate's
    // (OpenSSL compares them), its CSR verifies and names the same subject.
    assert_eq!(out["byo_id"], "byo.example.com");
    assert_eq!(out["byo_found"], serde_json::json!(["byo.example.com"]));
    let shown = cli(&ks, &["show", "byo.example.com", "--format", "json"]);
    assert!(shown.contains("serve test CA"), "{shown}");
    assert_verifies(&ks.csr_path("byo.example.com"));
    assert!(req_subject(&ks.csr_path("byo.example.com")).contains("byo.example.com"));
    let want = openssl(&["pkey", "-in", byo_key.to_str().unwrap(), "-pubout"], None);
    assert_eq!(
        stdout(&key_pubkey(&ks.key_path("byo.example.com"), None)),
        stdout(&want)
    );
    assert_eq!(out["health"]["healthy"], true);
    assert_eq!(out["id"], "lib");
    assert_eq!(out["found"], serde_json::json!(["lib"]));
    assert_eq!(out["after_delete"], serde_json::json!([]));
    assert!(
        !cli(&ks, &["list"]).contains(" lib "),
        "delete_cert deleted the record"
    );
    let j = journal(&s, "nsx");
    assert!(
        j.iter().any(|r| r.1 == "/api/session/create" && r.2 == 200),
        "{j:?}"
    );
    assert!(j
        .iter()
        .any(|r| r.1 == "/api/v1/trust-management/certificates" && r.0 == "POST" && r.2 == 201));
    assert!(s.stop().success());
}

#[test]
fn qradar_package_generates_and_lists_requests_downloads() {
    let Some(py) = python("qradar") else { return };
    let ks = Ks::new();
    let s = Server::start(&ks, &["qradar"]);
    let out = client(
        &s,
        &py,
        include_str!("serve_clients/qradar.py"),
        "qradar.py",
        &[&s.base("qradar"), PASSWORD],
    );
    assert_eq!(out["id"], 1);
    assert_eq!(out["list"][0]["id"], 1);
    assert_eq!(out["file_status"], 200);
    assert_eq!(out["file"].as_str().unwrap(), cli(&ks, &["download", "1"]));
    assert!(
        out["wrong"].as_str().unwrap().contains("401"),
        "{}",
        out["wrong"]
    );
    assert!(cli(&ks, &["list"]).contains("qc.example.com"));
    assert!(s.stop().success());
}

#[test]
fn pylxca_connects_and_its_session_makes_a_csr() {
    let Some(py) = python("pylxca") else { return };
    let ks = Ks::new();
    let s = Server::start(&ks, &["xclarity"]);
    let out = client(
        &s,
        &py,
        include_str!("serve_clients/pylxca.py"),
        "pylxca.py",
        &[&s.base("xclarity"), "admin", PASSWORD],
    );
    assert_eq!(
        out["wrong"], "None",
        "connect() returns None on a wrong password"
    );
    assert_eq!(out["connected"], true);
    assert_eq!(out["post"]["result"], "success");
    let id = out["post"]["response"]["path"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(out["pem"].as_str().unwrap(), cli(&ks, &["download", &id]));
    assert_eq!(
        out["details"].as_str().unwrap(),
        cli(&ks, &["show", &id, "--format", "xclarity"])
    );
    assert_eq!(out["no_csrf"], serde_json::json!([401, "failed"]));
    let j = journal(&s, "xclarity");
    assert!(j.iter().any(|r| r.1 == "/aicc" && r.2 == 200), "{j:?}");
    assert!(s.stop().success());
}

#[test]
fn arcgis_package_generates_csr_imports_and_binds() {
    let Some(py) = python("arcgis") else { return };
    let ks = Ks::new();
    let s = Server::start(&ks, &["arcgis"]);
    let url = format!("{}/portal", s.base("arcgis"));
    let script = include_str!("serve_clients/arcgis.py");
    let out = client(&s, &py, script, "arcgis.py", &[&url, "admin", "x", "wrong"]);
    assert_eq!(out["wrong"], "Exception");
    let out = client(
        &s,
        &py,
        script,
        "arcgis.py",
        &[&url, "admin", PASSWORD, "csr"],
    );
    assert_eq!(out["generated"], true);
    assert_eq!(out["alias"], "web");
    let csr = out["csr"].as_str().unwrap();
    let want: serde_json::Value =
        serde_json::from_str(&cli(&ks, &["show", "web", "--format", "arcgis"])).unwrap();
    assert_eq!(want["certificateSigningRequest"], csr);
    let pki = ks.dir.path().join("pki");
    std::fs::create_dir_all(&pki).unwrap();
    std::fs::write(
        pki.join("web.pem"),
        sign(&pki, &cli(&ks, &["download", "web"])),
    )
    .unwrap();
    let leaf = pki.join("web.pem");
    let out = client(
        &s,
        &py,
        script,
        "arcgis.py",
        &[&url, "admin", PASSWORD, "import", leaf.to_str().unwrap()],
    );
    assert_eq!(out["imported"]["status"], "success");
    assert_eq!(out["updated"]["status"], "success");
    assert!(cli(&ks, &["show", "web", "--format", "json"]).contains("serve test CA"));
    let j = journal(&s, "arcgis");
    assert!(
        j.iter()
            .any(|r| r.1.ends_with("/web/generateCSR") && r.0 == "POST"),
        "{j:?}"
    );
    assert!(s.stop().success());
}

/// `@esri/arcgis-rest-request` 4.10.2 (npm; `CSRKIT_SERVE_NPM` is the
/// directory .ci/run installed it in): signIn through generateToken, the
/// CSR with the token as a parameter, and the error bodies raising
/// `ArcGISRequestError` 404 and `ArcGISAuthError` 498.
#[test]
fn arcgis_rest_request_signs_in_and_reads_errors() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let npm = std::env::var_os("CSRKIT_SERVE_NPM").map(PathBuf::from);
    let Some(npm) = npm.filter(|d| d.join("node_modules/@esri/arcgis-rest-request").is_dir())
    else {
        assert!(
            !ci,
            "CI=true: CSRKIT_SERVE_NPM has no @esri/arcgis-rest-request; .ci/run installs it"
        );
        eprintln!("skipped: no @esri/arcgis-rest-request in CSRKIT_SERVE_NPM (set by .ci/run)");
        return;
    };
    let ks = Ks::new();
    let s = Server::start(&ks, &["arcgis"]);
    let portal = format!("{}/portal", s.base("arcgis"));
    let form = "Content-Type: application/x-www-form-urlencoded";
    let body = format!("username=admin&password={PASSWORD}&f=json");
    let r = s.call(
        "arcgis",
        "POST",
        "/portal/sharing/rest/generateToken",
        None,
        &[form],
        Some(body.as_bytes()),
    );
    let token = r.json()["token"].as_str().unwrap().to_string();
    let gen = format!(
        "alias=web&cn=web.example.com&org=Example&keyAlg=EC&keySize=256&f=json&token={token}"
    );
    let r = s.call(
        "arcgis",
        "POST",
        "/portal/portaladmin/security/sslCertificates/generateCertificate",
        None,
        &[form],
        Some(gen.as_bytes()),
    );
    assert_eq!(r.json()["status"], "success");
    let script = npm.join(format!("drive-{}.mjs", std::process::id()));
    std::fs::write(&script, include_str!("serve_clients/arcgis_rest.mjs")).unwrap();
    let out = std::process::Command::new("node")
        .arg(&script)
        .args([&portal, "admin", PASSWORD])
        .env("NODE_EXTRA_CA_CERTS", &s.ca_file)
        .output()
        .expect("node is installed");
    let _ = std::fs::remove_file(&script);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).lines().last().unwrap()).unwrap();
    assert!(
        v["wrong"]
            .as_str()
            .unwrap()
            .starts_with("ArcGISTokenRequestError"),
        "{}",
        v["wrong"]
    );
    assert_eq!(v["list"]["sslCertificates"], serde_json::json!(["web"]));
    let want: serde_json::Value =
        serde_json::from_str(&cli(&ks, &["show", "web", "--format", "arcgis"])).unwrap();
    assert_eq!(v["csr"], want["certificateSigningRequest"]);
    assert_eq!(v["missing"], "ArcGISRequestError 404");
    assert_eq!(v["forged"], "ArcGISAuthError 498");
    assert!(s.stop().success());
}

/// `arcgis` 2.4.4 `import_server_certificate` (multipart `alias`,
/// `password`, `file` to `importExistingServerCertificate`) of what
/// `csrkit export --format arcgis` writes and of PFX files `openssl
/// pkcs12 -export` makes (AES/PBKDF2, `-legacy` RC2 with 3DES, 3DES):
/// each becomes a record with OpenSSL's key and the chain; a wrong
/// password and a damaged file are Portal's `{"status":"error"}` and no
/// record.
#[test]
fn arcgis_package_imports_pkcs12_server_certificates() {
    let Some(py) = python("arcgis") else { return };
    let ks = Ks::new();
    let pki = ks.dir.path().join("pki");
    std::fs::create_dir_all(&pki).unwrap();
    // A record with a certificate, exported as ArcGIS takes it.
    ok(csrkit(&ks.root()).args([
        "generate",
        "src",
        "--cn",
        "src.example.com",
        "--no-passphrase",
    ]));
    std::fs::write(
        pki.join("src.pem"),
        sign(&pki, &cli(&ks, &["download", "src"])),
    )
    .unwrap();
    cli(&ks, &["import", pki.join("src.pem").to_str().unwrap()]);
    std::fs::write(pki.join("exp-pass"), "export-pw-1\n").unwrap();
    cli(
        &ks,
        &[
            "export",
            "src",
            "--format",
            "arcgis",
            "--export-passphrase-file",
            pki.join("exp-pass").to_str().unwrap(),
            "--output",
            pki.join("csrkit.pfx").to_str().unwrap(),
        ],
    );
    // A key and certificate OpenSSL made, in three PKCS#12 profiles.
    support::openssl_in(
        &pki,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "own.key",
            "-out",
            "own.csr",
            "-subj",
            "/CN=own.example.com",
            "-addext",
            "subjectAltName=DNS:own.example.com",
        ],
    );
    let csr = std::fs::read_to_string(pki.join("own.csr")).unwrap();
    std::fs::write(pki.join("own.pem"), sign(&pki, &csr)).unwrap();
    let profiles: [(&str, &[&str]); 3] = [
        ("modern", &[]),
        ("legacy", &["-legacy"]),
        (
            "tdes",
            &[
                "-certpbe",
                "PBE-SHA1-3DES",
                "-keypbe",
                "PBE-SHA1-3DES",
                "-macalg",
                "sha1",
            ],
        ),
    ];
    for (name, extra) in profiles {
        let out = format!("{name}.pfx");
        let mut args = vec![
            "pkcs12",
            "-export",
            "-inkey",
            "own.key",
            "-in",
            "own.pem",
            "-certfile",
            "ca.pem",
            "-out",
            &out,
            "-passout",
            "pass:pfx-pw-2",
        ];
        args.extend_from_slice(extra);
        support::openssl_in(&pki, &args);
    }
    let good = std::fs::read(pki.join("modern.pfx")).unwrap();
    std::fs::write(pki.join("damaged.pfx"), &good[..good.len() - 40]).unwrap();
    let s = Server::start(&ks, &["arcgis"]);
    let url = format!("{}/portal", s.base("arcgis"));
    let f = |n: &str| pki.join(n).to_str().unwrap().to_string();
    let specs = [
        format!("fromcsrkit:export-pw-1:{}", f("csrkit.pfx")),
        format!("modern:pfx-pw-2:{}", f("modern.pfx")),
        format!("legacy:pfx-pw-2:{}", f("legacy.pfx")),
        format!("tdes:pfx-pw-2:{}", f("tdes.pfx")),
        format!("wrongpw:not-it:{}", f("modern.pfx")),
        format!("damaged:pfx-pw-2:{}", f("damaged.pfx")),
    ];
    let mut args = vec![url.as_str(), "admin", PASSWORD];
    args.extend(specs.iter().map(String::as_str));
    let script = include_str!("serve_clients/arcgis_pfx.py");
    let out = client(&s, &py, script, "arcgis_pfx.py", &args);
    let own_pub = stdout(&support::key_pubkey(&pki.join("own.key"), None));
    let src_pub = stdout(&support::key_pubkey(&ks.key_path("src"), None));
    for (alias, key) in [
        ("fromcsrkit", &src_pub),
        ("modern", &own_pub),
        ("legacy", &own_pub),
        ("tdes", &own_pub),
    ] {
        assert_eq!(out[alias]["status"], "success", "{alias}: {out}");
        assert_eq!(
            &stdout(&support::key_pubkey(&ks.key_path(alias), None)),
            key,
            "{alias}"
        );
        let shown = cli(&ks, &["show", alias, "--format", "json"]);
        assert!(shown.contains("serve test CA"), "{alias}: {shown}");
    }
    for alias in ["wrongpw", "damaged"] {
        assert_eq!(out[alias]["status"], "error", "{alias}: {out}");
        assert!(!ks.root().join("records").join(alias).exists(), "{alias}");
    }
    for alias in ["fromcsrkit", "modern", "legacy", "tdes", "src"] {
        assert!(
            out["listed"].as_array().unwrap().iter().any(|a| a == alias),
            "{alias}: {out}"
        );
    }
    let j = journal(&s, "arcgis");
    assert!(
        j.iter()
            .any(|r| r.1.ends_with("/importExistingServerCertificate") && r.0 == "POST"),
        "{j:?}"
    );
    // The journal keeps no password a client sent.
    let got = s
        .admin("arcgis", "GET", "/_csrkit/requests", None)
        .json()
        .to_string();
    assert!(!got.contains("pfx-pw-2"), "the journal holds no password");
    assert!(s.stop().success());
}
