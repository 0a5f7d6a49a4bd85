//! Vendor shapes (`--format arcgis|qradar|sbc|nsx|xclarity`) and vendor
//! request bodies (`--request`), run through the built binary. Golden
//! structures come from the vendors' API pages (the project's seeds).

use std::process::Output;

use assert_cmd::Command;

use crate::support::TestEnv;
use quick_xml::events::Event;
use serde_json::Value;
use tempfile::TempDir;

// ---------------------------------------------------------------------------
// Helpers

fn csrkit(ks: &TempDir) -> Command {
    let mut c = TestEnv::at(ks.path()).cmd();
    c.env("CSRKIT_KEYSTORE", ks.path().join("ks"))
        .env("CSRKIT_NO_INPUT", "true")
        .env("USER", "vendor-tester")
        .env_remove("CSRKIT_PASSPHRASE")
        .arg("--no-input");
    c
}

fn run(ks: &TempDir, args: &[&str]) -> Output {
    csrkit(ks).args(args).output().unwrap()
}

fn ok(ks: &TempDir, args: &[&str]) -> Vec<u8> {
    let out = run(ks, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn gen(ks: &TempDir, name: &str, extra: &[&str]) -> Vec<u8> {
    let mut args = vec!["generate", name, "--no-passphrase"];
    args.extend_from_slice(extra);
    ok(ks, &args)
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(bytes)))
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

/// Runs `openssl req -verify` on a PEM CSR (OpenSSL 3.0 exits 0 even when
/// verification fails, so the output is checked).
fn assert_verifies(pem: &str) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("csr.pem");
    std::fs::write(&path, pem).unwrap();
    let out = std::process::Command::new("openssl")
        .args(["req", "-in"])
        .arg(&path)
        .args(["-verify", "-noout"])
        .output()
        .expect("openssl is installed");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("verify OK"),
        "openssl req -verify: {text}\n{pem}"
    );
}

fn der_of(ks: &TempDir, name: &str) -> Vec<u8> {
    ok(
        ks,
        &[
            "download",
            name,
            "--der",
            // Called more than once per keystore: -o replaces only with --force.
            "--force",
            "-o",
            ks.path().join("x.der").to_str().unwrap(),
        ],
    );
    std::fs::read(ks.path().join("x.der")).unwrap()
}

fn write(ks: &TempDir, file: &str, body: &str) -> String {
    let p = ks.path().join(file);
    std::fs::write(&p, body).unwrap();
    p.to_str().unwrap().to_string()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

// ---------------------------------------------------------------------------
// ArcGIS

fn check_arcgis_pem(pem: &str, der: &[u8]) {
    assert!(
        pem.starts_with("-----BEGIN NEW CERTIFICATE REQUEST-----\r\n"),
        "{pem:?}"
    );
    assert!(
        pem.ends_with("-----END NEW CERTIFICATE REQUEST-----\r\n"),
        "{pem:?}"
    );
    assert!(
        !pem.replace("\r\n", "").contains('\n'),
        "a bare \\n in {pem:?}"
    );
    assert!(
        !pem.replace("\r\n", "").contains('\r'),
        "a bare \\r in {pem:?}"
    );
    let lines: Vec<&str> = pem.split("\r\n").collect();
    assert_eq!(lines.last(), Some(&""), "CRLF after the last line");
    let body = &lines[1..lines.len() - 2];
    assert!(body.len() >= 2);
    for l in &body[..body.len() - 1] {
        assert_eq!(l.len(), 76, "base64 line {l:?}");
    }
    let last = body[body.len() - 1].len();
    assert!((1..=76).contains(&last));
    let parsed = pem::parse(pem).unwrap();
    assert_eq!(parsed.tag(), "NEW CERTIFICATE REQUEST");
    assert_eq!(parsed.contents(), der);
}

#[test]
fn arcgis_generate_show_download() {
    let ks = TempDir::new().unwrap();
    let out = json(&gen(
        &ks,
        "gis",
        &[
            "--cn",
            "gis.example.com",
            "--org",
            "Esri",
            "--format",
            "arcgis",
        ],
    ));
    // Seed: {"certificateSigningRequest": "<csr>"}
    assert_eq!(keys(&out), ["certificateSigningRequest"]);
    let pem = out["certificateSigningRequest"].as_str().unwrap();
    let der = der_of(&ks, "gis");
    check_arcgis_pem(pem, &der);
    assert_verifies(pem);
    for op in ["show", "download"] {
        let again = json(&ok(&ks, &[op, "gis", "--format", "arcgis"]));
        assert_eq!(again, out, "{op}");
    }
    // f=pjson: pretty JSON, same value.
    let pretty = ok(&ks, &["show", "gis", "--format", "arcgis", "--pretty"]);
    assert!(String::from_utf8_lossy(&pretty).lines().count() > 1);
    assert_eq!(json(&pretty), out);
    // regenerate: a new CSR in the same shape.
    let re = json(&ok(
        &ks,
        &[
            "regenerate",
            "gis",
            "--org",
            "Esri Inc",
            "--format",
            "arcgis",
        ],
    ));
    let pem2 = re["certificateSigningRequest"].as_str().unwrap();
    check_arcgis_pem(pem2, &der_of(&ks, "gis"));
    assert_ne!(pem2, pem);
}

#[test]
fn arcgis_errors() {
    let ks = TempDir::new().unwrap();
    let out = run(&ks, &["show", "missing", "--format", "arcgis"]);
    assert_eq!(code(&out), 3);
    let body = json(&out.stdout);
    assert_eq!(keys(&body), ["status", "messages", "code"]);
    assert_eq!(body["status"], "error");
    assert_eq!(body["code"], 404);
    assert!(body["messages"][0].as_str().unwrap().contains("missing"));
    let out = run(
        &ks,
        &[
            "generate",
            "x",
            "--cn",
            "x",
            "--country",
            "QQ",
            "--no-passphrase",
            "--format",
            "arcgis",
        ],
    );
    assert_eq!(code(&out), 2);
    assert_eq!(json(&out.stdout)["code"], 400);
}

// ---------------------------------------------------------------------------
// QRadar

/// The CSRModel sample of the QRadar page.
const QRADAR_SAMPLE: &str = r#"{ "common_name": "String", "country_name": "String", "description": "String", "dns": [ "String" ], "domain_component": "String", "emails": [ "String" ], "id": 42, "ip_addresses": [ "String" ], "key_size": 42, "locality": "String", "organization_name": "String", "organizational_unit": "String", "purpose": "String", "state_province": "String", "street_address": "String", "uri_list": [ "String" ], "user_id": "String" }"#;

const QRADAR_KEYS: [&str; 17] = [
    "id",
    "key_size",
    "description",
    "purpose",
    "common_name",
    "country_name",
    "state_province",
    "locality",
    "organization_name",
    "organizational_unit",
    "street_address",
    "domain_component",
    "user_id",
    "dns",
    "ip_addresses",
    "emails",
    "uri_list",
];

#[test]
fn qradar_generate_show_download_list() {
    let ks = TempDir::new().unwrap();
    let before = now_ms();
    let id = gen(
        &ks,
        "qr",
        &[
            "--cn",
            "qr.example.com",
            "--country",
            "DE",
            "--state",
            "Berlin",
            "--locality",
            "Berlin",
            "--org",
            "Acme",
            "--ou",
            "IT",
            "--street-address",
            "Main St 1",
            "--dc",
            "example",
            "--dc",
            "com",
            "--uid",
            "jdoe",
            "--dns",
            "qr.example.com",
            "--ip",
            "192.0.2.7",
            "--email",
            "pki@example.com",
            "--uri",
            "https://example.com/",
            "--purpose",
            "server-client",
            "--description",
            "QRadar console",
            "--format",
            "qradar",
        ],
    );
    // The 201 body: the id alone.
    assert_eq!(String::from_utf8(id).unwrap(), "1\n");

    let model = json(&ok(&ks, &["show", "qr", "--format", "qradar"]));
    assert_eq!(keys(&model), QRADAR_KEYS);
    // Same fields and JSON types as the vendor's sample.
    let sample = json(QRADAR_SAMPLE.as_bytes());
    let mut a = keys(&model);
    let mut b = keys(&sample);
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b);
    for (k, v) in sample.as_object().unwrap() {
        let got = &model[k];
        let same_type = (v.is_string() && got.is_string())
            || (v.is_array() && got.is_array())
            || (v.is_number() && got.is_number());
        assert!(same_type, "{k}: {got} vs sample {v}");
    }
    assert_eq!(model["id"], 1);
    assert_eq!(model["key_size"], 2048);
    assert_eq!(model["purpose"], "SERVER_CLIENT");
    assert_eq!(model["description"], "QRadar console");
    assert_eq!(model["common_name"], "qr.example.com");
    assert_eq!(model["country_name"], "DE");
    assert_eq!(model["organizational_unit"], "IT");
    assert_eq!(model["street_address"], "Main St 1");
    assert_eq!(model["domain_component"], "example.com");
    assert_eq!(model["user_id"], "jdoe");
    assert_eq!(model["dns"], serde_json::json!(["qr.example.com"]));
    assert_eq!(model["ip_addresses"], serde_json::json!(["192.0.2.7"]));
    assert_eq!(model["emails"], serde_json::json!(["pki@example.com"]));
    assert_eq!(
        model["uri_list"],
        serde_json::json!(["https://example.com/"])
    );
    // By id too.
    assert_eq!(json(&ok(&ks, &["show", "1", "--format", "qradar"])), model);

    let pem = String::from_utf8(ok(&ks, &["download", "qr", "--format", "qradar"])).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE REQUEST-----\n"));
    assert_verifies(&pem);

    gen(&ks, "qr2", &["--cn", "qr2.example.com"]);
    let list = json(&ok(&ks, &["list", "--format", "qradar"]));
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    // No null where the schema says string: a row without a description has none.
    assert_eq!(keys(&rows[0]), ["create_time", "description", "id"]);
    assert_eq!(keys(&rows[1]), ["create_time", "id"]);
    for row in rows {
        let t = row["create_time"].as_i64().unwrap();
        assert!(
            t >= before - 2000 && t <= now_ms() + 2000,
            "create_time {t}"
        );
    }
    assert_eq!(rows[0]["id"], 1);
    assert_eq!(rows[0]["description"], "QRadar console");
    assert_eq!(rows[1]["id"], 2);
    assert!(rows[1].get("description").is_none());
}

fn qradar_error(out: &Output) -> Value {
    let body = json(&out.stdout);
    assert_eq!(
        keys(&body),
        ["message", "details", "description", "code", "http_response"]
    );
    assert_eq!(keys(&body["http_response"]), ["message", "code"]);
    assert_eq!(body["details"], serde_json::json!({}));
    body
}

#[test]
fn qradar_errors_have_unique_codes() {
    let ks = TempDir::new().unwrap();
    let out = run(&ks, &["download", "77", "--format", "qradar"]);
    assert_eq!(code(&out), 3);
    let body = qradar_error(&out);
    assert_eq!(body["code"], 1002);
    assert_eq!(body["http_response"]["code"], 404);

    let invalid = |args: &[&str]| {
        let mut all = vec!["generate", "--no-passphrase", "--format", "qradar"];
        all.extend_from_slice(args);
        let out = run(&ks, &all);
        assert_eq!(code(&out), 2, "{args:?}");
        let body = qradar_error(&out);
        assert_eq!(body["http_response"]["code"], 422);
        assert_eq!(
            body["http_response"]["message"],
            "The request was well-formed but was unable to be followed due to semantic errors."
        );
        body["code"].as_u64().unwrap()
    };
    let codes = [
        (invalid(&["--cn", &"a".repeat(65)]), 1032),
        (invalid(&["--cn", "a", "--country", "QQ"]), 1033),
        (invalid(&["--cn", "a", "--dns", "a..b"]), 1039),
        (invalid(&["--cn", "a", "--key-size", "1024"]), 1040),
        (invalid(&["--cn", "a", "--purpose", "everything"]), 1041),
    ];
    for (got, want) in codes {
        assert_eq!(got, want);
    }
    let body = write(
        &ks,
        "bad.json",
        r#"{"common_name":"a","country_name":"US","colour":"red"}"#,
    );
    assert_eq!(invalid(&["--request", &body]), 1042);
}

// ---------------------------------------------------------------------------
// SBC

/// The response body of the SBC page (PEM shortened).
const SBC_SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<response>
<data>
<CertificateRequest>
<recordName>rest-server</recordName>
<certificateSignedRequest>-----BEGIN CERTIFICATE REQUEST-----
MIIC1jCCAb4CAQAwXjELMAkGA1UEBhMCVVMxCzAJBgNVBAgTAk1BMRMwEQYDVQQH
-----END CERTIFICATE REQUEST-----
</certificateSignedRequest>
</CertificateRequest>
</data>
<messages/>
<links/>
</response>"#;

/// Element paths in document order, the declaration, and each leaf's text.
struct Xml {
    decl: Option<(String, Option<String>, Option<String>)>,
    paths: Vec<String>,
    texts: Vec<(String, String)>,
}

fn parse_xml(text: &str) -> Xml {
    let mut r = quick_xml::Reader::from_str(text);
    let mut stack: Vec<String> = vec![];
    let mut xml = Xml {
        decl: None,
        paths: vec![],
        texts: vec![],
    };
    loop {
        match r
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed XML ({e}): {text}"))
        {
            Event::Decl(d) => {
                let s = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
                xml.decl = Some((
                    s(&d.version().unwrap()),
                    d.encoding().map(|e| s(&e.unwrap())),
                    d.standalone().map(|e| s(&e.unwrap())),
                ));
            }
            Event::Start(e) => {
                stack.push(String::from_utf8(e.name().as_ref().to_vec()).unwrap());
                xml.paths.push(stack.join("/"));
            }
            Event::Empty(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                xml.paths.push(format!("{}/{name}", stack.join("/")));
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Text(t) => {
                let s = t.xml10_content().unwrap().into_owned();
                match xml.texts.last_mut() {
                    Some((p, v)) if *p == stack.join("/") => v.push_str(&s),
                    _ => xml.texts.push((stack.join("/"), s)),
                }
            }
            Event::GeneralRef(g) => {
                let name = g.decode().unwrap();
                let c = quick_xml::escape::resolve_predefined_entity(&name).unwrap();
                match xml.texts.last_mut() {
                    Some((p, v)) if *p == stack.join("/") => v.push_str(c),
                    _ => xml.texts.push((stack.join("/"), c.to_string())),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed elements in {text}");
    xml
}

fn text_at<'a>(xml: &'a Xml, path: &str) -> &'a str {
    &xml.texts
        .iter()
        .find(|(p, v)| p == path && !v.trim().is_empty())
        .unwrap_or_else(|| panic!("no text at {path}"))
        .1
}

#[test]
fn sbc_generate_regenerate_show_download() {
    let ks = TempDir::new().unwrap();
    let golden = parse_xml(SBC_SAMPLE);
    let out = String::from_utf8(gen(
        &ks,
        "rest-server",
        &[
            "--cn",
            "Acme Packet",
            "--org",
            "R&D <lab>",
            "--format",
            "sbc",
        ],
    ))
    .unwrap();
    assert!(out.starts_with(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><response><data><CertificateRequest><recordName>rest-server</recordName><certificateSignedRequest>-----BEGIN CERTIFICATE REQUEST-----"#), "{out}");
    let xml = parse_xml(&out);
    assert_eq!(
        xml.decl,
        Some(("1.0".into(), Some("UTF-8".into()), Some("yes".into())))
    );
    assert_eq!(xml.paths, golden.paths);
    assert_eq!(
        text_at(&xml, "response/data/CertificateRequest/recordName"),
        "rest-server"
    );
    let pem = text_at(
        &xml,
        "response/data/CertificateRequest/certificateSignedRequest",
    );
    assert!(pem.starts_with("-----BEGIN CERTIFICATE REQUEST-----\n"));
    assert_verifies(pem);
    for op in ["show", "download"] {
        assert_eq!(
            String::from_utf8(ok(&ks, &[op, "rest-server", "--format", "sbc"])).unwrap(),
            out,
            "{op}"
        );
    }
    // reGenerate=true: same envelope, a new CSR.
    let re = String::from_utf8(ok(
        &ks,
        &[
            "regenerate",
            "rest-server",
            "--locality",
            "Burlington",
            "--format",
            "sbc",
        ],
    ))
    .unwrap();
    let rx = parse_xml(&re);
    assert_eq!(rx.paths, golden.paths);
    let pem2 = text_at(
        &rx,
        "response/data/CertificateRequest/certificateSignedRequest",
    );
    assert_ne!(pem2, pem);
    assert_verifies(pem2);
}

#[test]
fn sbc_errors_keep_the_envelope_and_escape() {
    let ks = TempDir::new().unwrap();
    let out = run(&ks, &["show", "a<b>&'c\"", "--format", "sbc"]);
    assert_eq!(code(&out), 3);
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(!text.contains("a<b>"), "unescaped: {text}");
    let xml = parse_xml(&text);
    assert_eq!(
        xml.paths,
        [
            "response",
            "response/data",
            "response/messages",
            "response/messages/error",
            "response/messages/error/reasonCode",
            "response/messages/error/reasonText",
            "response/links"
        ]
    );
    assert_eq!(
        text_at(&xml, "response/messages/error/reasonCode"),
        "NOT_FOUND"
    );
    assert!(text_at(&xml, "response/messages/error/reasonText").contains("'a<b>&"));
    let out = run(
        &ks,
        &[
            "generate",
            "x",
            "--cn",
            "x",
            "--key-size",
            "1024",
            "--no-passphrase",
            "--format",
            "sbc",
        ],
    );
    assert_eq!(code(&out), 2);
    let xml = parse_xml(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(
        text_at(&xml, "response/messages/error/reasonCode"),
        "BAD_REQUEST"
    );
}

// ---------------------------------------------------------------------------
// NSX

/// The example response of the NSX page.
const NSX_SAMPLE: &str = r#"{ "resource_type": "TlsCsr", "id": "example-csr-id", "display_name": "example-csr-id", "path": "/infra/csrs/example-csr-id", "parent_path": "/infra/csrs", "relative_path": "example-csr-id", "pem_encoded": "-----BEGIN CERTIFICATE REQUEST----------END CERTIFICATE REQUEST-----\n", "key_size": 2048, "subject": { "attributes": [ { "value": "Jane", "key": "CN" }, { "value": "VMware", "key": "O" }, { "value": "NSBU", "key": "OU" }, { "value": "US", "key": "C" }, { "value": "CA", "key": "ST" }, { "value": "PA", "key": "L" } ] }, "algorithm": "RSA", "is_ca": false, "marked_for_delete": false, "overridden": false, "_create_user": "admin", "_create_time": 1516338671237, "_last_modified_user": "admin", "_last_modified_time": 1516338671237, "_system_owned": false, "_protection": "NOT_PROTECTED", "_revision": 0 }"#;

const SEED_SUBJECT: &[&str] = &[
    "--cn",
    "Jane",
    "--org",
    "VMware",
    "--ou",
    "NSBU",
    "--country",
    "US",
    "--state",
    "CA",
    "--locality",
    "PA",
];

/// Subject attributes as (key, value). The seed's response prints
/// `value` first; SPEC §7 fixes `key` first for csrkit's output.
fn attrs(v: &Value, spec_order: bool) -> Vec<(String, String)> {
    v["subject"]["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            if spec_order {
                assert_eq!(keys(a), ["key", "value"]);
            }
            (
                a["key"].as_str().unwrap().to_string(),
                a["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn nsx_generate_matches_the_seed() {
    let ks = TempDir::new().unwrap();
    let before = now_ms();
    let mut args = SEED_SUBJECT.to_vec();
    // "Jane" is a valid host name; the seed's TlsCsr has no SANs.
    args.extend(["--no-default-san", "--format", "nsx"]);
    let got = json(&gen(&ks, "example-csr-id", &args));
    let seed = json(NSX_SAMPLE.as_bytes());
    assert_eq!(keys(&got), keys(&seed));
    assert_eq!(attrs(&got, true), attrs(&seed, false));
    for k in [
        "resource_type",
        "id",
        "display_name",
        "path",
        "parent_path",
        "relative_path",
        "key_size",
        "algorithm",
        "is_ca",
        "marked_for_delete",
        "overridden",
        "_system_owned",
        "_protection",
    ] {
        assert_eq!(got[k], seed[k], "{k}");
    }
    // A new object's _revision is 0 in NSX, as in the seed.
    assert_eq!(got["_revision"], seed["_revision"]);
    assert_eq!(got["_revision"], 0);
    assert_eq!(got["_create_user"], "vendor-tester");
    assert_eq!(got["_last_modified_user"], "vendor-tester");
    let t = got["_create_time"].as_i64().unwrap();
    assert!(t >= before - 2000 && t <= now_ms() + 2000);
    assert_eq!(got["_last_modified_time"], got["_create_time"]);
    let pem = got["pem_encoded"].as_str().unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE REQUEST-----\n") && !pem.contains('\r'));
    assert_verifies(pem);
    assert_eq!(
        json(&ok(&ks, &["show", "example-csr-id", "--format", "nsx"])),
        got
    );
}

#[test]
fn nsx_optional_fields_sit_in_order_and_list_sorts() {
    let ks = TempDir::new().unwrap();
    let got = json(&gen(
        &ks,
        "web",
        &[
            "--cn",
            "web.example.com",
            "--description",
            "edge",
            "--dns",
            "web.example.com",
            "--ip",
            "10.0.0.1",
            "--key-type",
            "ec",
            "--ca",
            "--format",
            "nsx",
        ],
    ));
    let k = keys(&got);
    assert_eq!(
        &k[..5],
        ["resource_type", "id", "display_name", "description", "path"]
    );
    let pos = |name: &str| k.iter().position(|x| *x == name).unwrap();
    assert_eq!(pos("extensions"), pos("is_ca") + 1);
    assert_eq!(pos("marked_for_delete"), pos("extensions") + 1);
    assert_eq!(got["description"], "edge");
    assert_eq!(got["algorithm"], "EC");
    assert_eq!(got["key_size"], 256);
    assert_eq!(got["is_ca"], true);
    assert_eq!(
        got["extensions"],
        serde_json::json!({"subject_alt_names": {"dns_names": ["web.example.com"], "ip_addresses": ["10.0.0.1"]}})
    );
    // Regenerate bumps _revision and _last_modified_time only.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let re = json(&ok(
        &ks,
        &[
            "regenerate",
            "web",
            "--description",
            "edge 2",
            "--format",
            "nsx",
        ],
    ));
    assert_eq!(re["_revision"], 1);
    assert_eq!(re["_create_time"], got["_create_time"]);
    assert!(re["_last_modified_time"].as_i64() > got["_last_modified_time"].as_i64());

    gen(&ks, "alpha", &["--cn", "alpha.example.com"]);
    let list = json(&ok(&ks, &["list", "--format", "nsx"]));
    assert_eq!(
        keys(&list),
        ["results", "result_count", "sort_by", "sort_ascending"]
    );
    assert_eq!(list["result_count"], 2);
    assert_eq!(list["sort_by"], "display_name");
    assert_eq!(list["sort_ascending"], true);
    let names: Vec<&str> = list["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["display_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alpha", "web"]);
    assert_eq!(
        list["results"][1],
        json(&ok(&ks, &["show", "web", "--format", "nsx"]))
    );
}

#[test]
fn nsx_errors() {
    let ks = TempDir::new().unwrap();
    let out = run(&ks, &["show", "nope", "--format", "nsx"]);
    assert_eq!(code(&out), 3);
    let body = json(&out.stdout);
    assert_eq!(
        keys(&body),
        ["httpStatus", "error_code", "module_name", "error_message"]
    );
    assert_eq!(body["httpStatus"], "NOT_FOUND");
    assert_eq!(body["error_code"], 9003);
    assert_eq!(body["module_name"], "csrkit");
    gen(&ks, "dup", &["--cn", "dup.example.com"]);
    let out = run(
        &ks,
        &[
            "generate",
            "dup",
            "--cn",
            "dup.example.com",
            "--no-passphrase",
            "--format",
            "nsx",
        ],
    );
    assert_eq!(code(&out), 4);
    let body = json(&out.stdout);
    // 409 is no status the CSR operations declare: PRECONDITION_FAILED is.
    assert_eq!(body["httpStatus"], "PRECONDITION_FAILED");
    assert_eq!(body["error_code"], 9004);
    let out = run(
        &ks,
        &[
            "generate",
            "bad",
            "--cn",
            "bad",
            "--country",
            "ZZ",
            "--no-passphrase",
            "--format",
            "nsx",
        ],
    );
    assert_eq!(code(&out), 2);
    assert_eq!(json(&out.stdout)["httpStatus"], "BAD_REQUEST");
}

// ---------------------------------------------------------------------------
// XClarity

/// The details=true example of the XClarity page (CSR shortened).
const XCLARITY_SAMPLE: &str = r#"{
"response": {
"CSR": "-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n"
},
"result": "success",
"messages": [{
"explanation": "",
"id": "FQXHMSE0001I",
"recovery": {
"text": "Information only; no action is required.",
"URL": ""
},
"text": "The request completed successfully."
}]
}"#;

fn assert_envelope_like_seed(got: &Value) {
    let seed = json(XCLARITY_SAMPLE.as_bytes());
    assert_eq!(keys(got), keys(&seed));
    assert_eq!(got["result"], seed["result"]);
    assert_eq!(got["messages"], seed["messages"]);
    assert_eq!(keys(&got["messages"][0]), keys(&seed["messages"][0]));
    assert_eq!(keys(&got["messages"][0]["recovery"]), ["text", "URL"]);
}

#[test]
fn xclarity_generate_show_download() {
    let ks = TempDir::new().unwrap();
    gen(&ks, "first", &["--cn", "first.example.com"]);
    let created = json(&gen(
        &ks,
        "lxca",
        &["--cn", "LXCA", "--org", "Lenovo", "--format", "xclarity"],
    ));
    assert_envelope_like_seed(&created);
    assert_eq!(created["response"], serde_json::json!({"path": "2"}));

    let raw = String::from_utf8(ok(&ks, &["download", "2", "--format", "xclarity"])).unwrap();
    assert!(
        raw.starts_with("-----BEGIN CERTIFICATE REQUEST-----\n")
            && raw.ends_with("-----END CERTIFICATE REQUEST-----\n")
    );
    assert_verifies(&raw);

    let details = json(&ok(
        &ks,
        &["download", "2", "--format", "xclarity", "--details"],
    ));
    assert_envelope_like_seed(&details);
    assert_eq!(keys(&details["response"]), ["CSR"]);
    assert_eq!(details["response"]["CSR"], raw.as_str());
    assert_eq!(
        json(&ok(&ks, &["show", "lxca", "--format", "xclarity"])),
        details
    );
}

#[test]
fn xclarity_errors() {
    let ks = TempDir::new().unwrap();
    for (args, exit) in [
        (vec!["download", "404", "--format", "xclarity"], 3),
        (
            vec![
                "generate",
                "x",
                "--cn",
                "x",
                "--ip",
                "300.1.1.1",
                "--no-passphrase",
                "--format",
                "xclarity",
            ],
            2,
        ),
    ] {
        let out = run(&ks, &args);
        assert_eq!(code(&out), exit, "{args:?}");
        let body = json(&out.stdout);
        assert_eq!(body["result"], "failed");
        let msgs = body["messages"].as_array().unwrap();
        assert_eq!(msgs.len(), 1);
        assert_eq!(keys(&msgs[0]), ["explanation", "id", "recovery", "text"]);
        let id = msgs[0]["id"].as_str().unwrap();
        // L: an error severity in Lenovo's scheme (J is a warning).
        assert!(id.starts_with("FQXHMSE") && id.ends_with('L'), "{id}");
        assert_eq!(id, format!("FQXHMSE{exit:04}L"));
        assert!(!msgs[0]["text"].as_str().unwrap().is_empty());
        assert!(!msgs[0]["explanation"].as_str().unwrap().is_empty());
        assert!(!msgs[0]["recovery"]["text"].as_str().unwrap().is_empty());
    }
}

// ---------------------------------------------------------------------------
// --request bodies

/// Generates from a request body and returns `show --format json`.
fn from_request(ks: &TempDir, name: Option<&str>, body: &str, extra: &[&str]) -> Value {
    let path = write(ks, "request.body", body);
    let mut args = vec!["generate"];
    if let Some(n) = name {
        args.push(n);
    }
    args.extend(["--no-passphrase", "--format", "json", "--request", &path]);
    args.extend_from_slice(extra);
    let out = json(&ok(ks, &args));
    let shown = json(&ok(
        ks,
        &["show", out["name"].as_str().unwrap(), "--format", "json"],
    ));
    assert_verifies(shown["pem"].as_str().unwrap());
    shown
}

fn sans(v: &Value) -> Vec<String> {
    v["sans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}:{}",
                s["type"].as_str().unwrap(),
                s["value"].as_str().unwrap()
            )
        })
        .collect()
}

fn fails(ks: &TempDir, body: &str, extra: &[&str]) -> String {
    let path = write(ks, "bad.body", body);
    let mut args = vec!["generate", "--no-passphrase", "--request", &path];
    args.extend_from_slice(extra);
    let out = run(ks, &args);
    assert_eq!(
        code(&out),
        2,
        "{body}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn request_qradar_csrmodel() {
    let ks = TempDir::new().unwrap();
    let body = r#"{"common_name":"q.example.com","country_name":"US","state_province":"NY","locality":"Armonk","organization_name":"IBM","organizational_unit":"Security","domain_component":"example.com","dns":["q.example.com","q2.example.com"],"ip_addresses":["192.0.2.1"],"emails":[],"uri_list":[],"key_size":3072,"purpose":"SERVER","description":"from qradar","id":42}"#;
    for forced in [None, Some("qradar")] {
        let ks = TempDir::new().unwrap();
        let extra: Vec<&str> = forced
            .map(|f| vec!["--request-format", f])
            .unwrap_or_default();
        let v = from_request(&ks, Some("q"), body, &extra);
        assert_eq!(
            v["subject"],
            "CN=q.example.com,OU=Security,O=IBM,L=Armonk,ST=NY,C=US,DC=com,DC=example"
        );
        assert_eq!(
            sans(&v),
            ["DNS:q.example.com", "DNS:q2.example.com", "IP:192.0.2.1"]
        );
        assert_eq!(v["public_key"]["bits"], 3072);
        assert_eq!(v["description"], "from qradar");
        assert!(
            v["extensions"]
                .to_string()
                .contains("TLS Web Server Authentication")
                || v["extensions"].to_string().contains("serverAuth")
        );
        assert_eq!(v["id"], 1, "the body's id is not used");
    }
    // A model printed by `show --format qradar` can be posted back.
    gen(
        &ks,
        "orig",
        &[
            "--cn",
            "o.example.com",
            "--org",
            "Acme",
            "--purpose",
            "client",
        ],
    );
    let model = String::from_utf8(ok(&ks, &["show", "orig", "--format", "qradar"])).unwrap();
    let v = from_request(&ks, Some("copy"), &model, &[]);
    assert_eq!(v["subject"], "CN=o.example.com,O=Acme");
    let err = fails(
        &ks,
        r#"{"common_name":"a","country_name":"US","colour":"red"}"#,
        &[],
    );
    assert!(err.contains("colour"), "{err}");
    let err = fails(&ks, r#"{"common_name":"a","country_name":"USA"}"#, &[]);
    assert!(err.contains("country_name"), "{err}");
}

#[test]
fn request_nsx_tlscsr() {
    let ks = TempDir::new().unwrap();
    let body = r#"{ "subject": { "attributes": [ {"key":"CN","value":"Jane"}, {"key":"O","value":"VMware"}, {"key":"OU","value":"NSBU"}, {"key":"C","value":"US"}, {"key":"ST","value":"CA"}, {"key":"L","value":"PA"} ] }, "key_size": "2048", "algorithm": "RSA", "is_ca": false, "extensions": {"subject_alt_names": {"dns_names": ["jane.example.com"], "ip_addresses": ["10.1.2.3"]}} }"#;
    let v = from_request(&ks, Some("example-csr-id"), body, &[]);
    assert_eq!(v["subject"], "CN=Jane,OU=NSBU,O=VMware,L=PA,ST=CA,C=US");
    assert_eq!(sans(&v), ["DNS:jane.example.com", "IP:10.1.2.3"]);
    assert_eq!(v["public_key"]["algorithm"], "RSA");
    // A GET response pasted back: id names the record, read-only fields are accepted.
    let got = String::from_utf8(ok(&ks, &["show", "example-csr-id", "--format", "nsx"])).unwrap();
    let pasted = got.replace("example-csr-id", "pasted-id");
    let v = from_request(&ks, None, &pasted, &["--request-format", "nsx"]);
    assert_eq!(v["name"], "pasted-id");
    assert_eq!(v["subject"], "CN=Jane,OU=NSBU,O=VMware,L=PA,ST=CA,C=US");
    // key_size as a number, EC.
    let v = from_request(
        &ks,
        Some("ec"),
        r#"{"subject":{"attributes":[{"key":"CN","value":"ec.example.com"}]},"key_size":384,"algorithm":"EC"}"#,
        &[],
    );
    assert_eq!(v["public_key"]["curve"], "P-384");
    let err = fails(
        &ks,
        r#"{"subject":{"attributes":[{"key":"CN","value":"x"}]},"colour":"red"}"#,
        &[],
    );
    assert!(err.contains("colour"), "{err}");
    let err = fails(
        &ks,
        r#"{"subject":{"attributes":[{"key":"CN","value":"x","extra":1}]}}"#,
        &[],
    );
    assert!(err.contains("extra"), "{err}");
    let err = fails(
        &ks,
        r#"{"subject":{"attributes":[{"key":"CN","value":"x"}]},"key_size":"1024"}"#,
        &[],
    );
    assert!(
        err.contains("key_size") && err.contains("RSA-1024"),
        "{err}"
    );
}

#[test]
fn request_xclarity_post() {
    let ks = TempDir::new().unwrap();
    let body = r#"{"CommonName":"lxca.example.com","Country":"US","Organization":"Lenovo","OrganizationUnit":"DCG","StateLocality":"Raleigh","StateProvince":"North Carolina","subjectAlternativeNames":{"generalNames":[{"type":"dNSName","name":"lxca.example.com"},{"type":"iPAddress","name":"10.241.137.224"}]}}"#;
    let v = from_request(&ks, Some("lxca"), body, &[]);
    assert_eq!(
        v["subject"],
        "CN=lxca.example.com,OU=DCG,O=Lenovo,L=Raleigh,ST=North Carolina,C=US"
    );
    assert_eq!(sans(&v), ["DNS:lxca.example.com", "IP:10.241.137.224"]);
    let err = fails(&ks, r#"{"CommonName":"a","Colour":"red"}"#, &[]);
    assert!(err.contains("Colour"), "{err}");
    let err = fails(
        &ks,
        r#"{"CommonName":"a","subjectAlternativeNames":{"generalNames":[{"type":"x400Address","name":"a"}]}}"#,
        &[],
    );
    assert!(err.contains("subjectAlternativeNames"), "{err}");
}

#[test]
fn request_arcgis_parameters() {
    let ks = TempDir::new().unwrap();
    let body = r#"{"alias":"portal","cn":"portal.example.com","org":"Esri","orgUnit":"Portal","city":"Redlands","state":"CA","country":"US","keyAlg":"RSA","keySize":"4096","sigAlg":"SHA384withRSA","san":"DNS:portal.example.com,IP:10.0.0.5","f":"pjson"}"#;
    let v = from_request(&ks, None, body, &[]);
    assert_eq!(v["name"], "portal");
    assert_eq!(
        v["subject"],
        "CN=portal.example.com,OU=Portal,O=Esri,L=Redlands,ST=CA,C=US"
    );
    assert_eq!(sans(&v), ["DNS:portal.example.com", "IP:10.0.0.5"]);
    assert_eq!(v["public_key"]["bits"], 4096);
    assert_eq!(v["signature_algorithm"], "sha384WithRSAEncryption");
    // RSA-1024 and SHA-1 are refused, naming the vendor field.
    let err = fails(&ks, r#"{"cn":"a.example.com","keySize":1024}"#, &[]);
    assert!(
        err.contains("keySize") && err.contains("RSA-1024") && err.contains("refused"),
        "{err}"
    );
    let err = fails(&ks, r#"{"cn":"a.example.com","sigAlg":"SHA1withRSA"}"#, &[]);
    assert!(err.contains("sigAlg") && err.contains("refused"), "{err}");
    let err = fails(
        &ks,
        r#"{"cn":"a.example.com","keySize":2048,"colour":"red"}"#,
        &[],
    );
    assert!(err.contains("colour"), "{err}");
}

#[test]
fn request_sbc_xml_and_json() {
    let ks = TempDir::new().unwrap();
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<certificateRecord>
  <name>rest-server</name>
  <country>US</country>
  <state>MA</state>
  <locality>Burlington</locality>
  <organization>Eng &amp; Ops</organization>
  <unit>SBC</unit>
  <commonName>sbc.example.com</commonName>
  <key-size>2048</key-size>
  <alternateName>sbc.example.com,192.0.2.9</alternateName>
  <keyUsageList>digitalSignature</keyUsageList>
  <key-usage-list>keyEncipherment</key-usage-list>
  <extendedKeyUsageList>serverAuth</extendedKeyUsageList>
</certificateRecord>"#;
    let v = from_request(&ks, None, xml, &[]);
    assert_eq!(v["name"], "rest-server");
    assert_eq!(
        v["subject"],
        "CN=sbc.example.com,OU=SBC,O=Eng & Ops,L=Burlington,ST=MA,C=US"
    );
    assert_eq!(sans(&v), ["DNS:sbc.example.com", "IP:192.0.2.9"]);
    let ext = v["extensions"].to_string();
    assert!(
        ext.contains("Key Encipherment") || ext.contains("keyEncipherment"),
        "{ext}"
    );

    let json_body = r#"{"name":"sbc-json","common-name":"j.example.com","country":"DE","unit":"VoIP","key-size":"3072","alternate-name":"DNS:j.example.com","extended-key-usage-list":["serverAuth","clientAuth"]}"#;
    let v = from_request(&ks, None, json_body, &[]);
    assert_eq!(v["name"], "sbc-json");
    assert_eq!(v["subject"], "CN=j.example.com,OU=VoIP,C=DE");
    assert_eq!(v["public_key"]["bits"], 3072);

    let err = fails(
        &ks,
        "<certificateRecord><commonName>a</commonName><colour>red</colour></certificateRecord>",
        &[],
    );
    assert!(err.contains("colour"), "{err}");
    let err = fails(&ks, "<certificateRecord><commonName>a</commonName>", &[]);
    assert!(err.contains("XML"), "{err}");
    let err = fails(
        &ks,
        r#"{"common-name":"a.example.com","key-size":1024}"#,
        &[],
    );
    assert!(
        err.contains("key-size") && err.contains("RSA-1024"),
        "{err}"
    );
}

#[test]
fn request_detection_forcing_and_flags() {
    let ks = TempDir::new().unwrap();
    // Flags override the file.
    let v = from_request(
        &ks,
        Some("over"),
        r#"{"CommonName":"file.example.com","Country":"US"}"#,
        &["--cn", "flag.example.com"],
    );
    assert_eq!(v["subject"], "CN=flag.example.com,C=US");
    // csrkit's own JSON is still the default.
    let v = from_request(
        &ks,
        Some("native"),
        r#"{"common_name":"n.example.com","dns":["n.example.com"]}"#,
        &[],
    );
    assert_eq!(v["subject"], "CN=n.example.com");
    // Forcing a format reads the body as that vendor's: here `cn` is unknown to XClarity.
    let err = fails(
        &ks,
        r#"{"cn":"a.example.com"}"#,
        &["--request-format", "xclarity"],
    );
    assert!(err.contains("cn"), "{err}");
    // Fields of two vendors: ambiguous.
    let err = fails(&ks, r#"{"CommonName":"a","country_name":"US"}"#, &[]);
    assert!(err.contains("--request-format"), "{err}");
    // From stdin too.
    let out = csrkit(&ks)
        .args([
            "generate",
            "stdin",
            "--no-passphrase",
            "--request",
            "-",
            "--format",
            "qradar",
        ])
        .write_stdin(r#"{"common_name":"s.example.com","country_name":"US"}"#)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id: u64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("the new id");
    assert_eq!(
        json(&ok(&ks, &["show", &id.to_string(), "--format", "qradar"]))["common_name"],
        "s.example.com"
    );
}
