//! Vendor shapes as the vendors' own clients read them, and the bodies
//! those clients send through `--request`: NSX (what a TlsCsr can hold,
//! the error statuses its operations declare, real TlsCsr bodies), QRadar
//! (no nulls, `purpose`, RSA only), XClarity (error severity, `{}`), the
//! SBC configuration body and ArcGIS parameters as the `arcgis` package
//! sends them. Refusals are checked to leave the keystore unchanged.

mod support;

use std::process::Output;

use serde_json::{json, Value};
use support::*;

fn run_ks(ks: &Ks, args: &[&str]) -> Output {
    let out = ks.cmd().args(args).output().unwrap();
    no_panic(&out);
    out
}

fn ok_ks(ks: &Ks, args: &[&str]) -> String {
    let out = run_ks(ks, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

/// Runs `args`, expects exit 2 and a byte-identical keystore; returns the output.
fn refused(ks: &Ks, args: &[&str]) -> Output {
    let before = ks.snapshot();
    let out = run_ks(ks, args);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    assert_same(&before, &ks.snapshot(), &args.join(" "));
    out
}

/// A keystore holding `base` (EC, no passphrase), so that it exists.
fn keystore() -> Ks {
    let ks = Ks::new();
    ks.generate_ec("base");
    ks
}

/// Writes a request body and returns its path.
fn body(ks: &Ks, name: &str, text: &str) -> String {
    ks.file(name, text.as_bytes()).to_str().unwrap().to_string()
}

fn names(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

// ---------------------------------------------------------------------------
// NSX: what a TlsCsr can hold

#[test]
fn nsx_refuses_an_ed25519_record_before_any_side_effect() {
    let ks = keystore();
    let out = refused(
        &ks,
        &[
            "generate",
            "ed",
            "--cn",
            "ed.example.com",
            "--key-type",
            "ed25519",
            "--no-passphrase",
            "--format",
            "nsx",
        ],
    );
    let err = json(&stdout(&out));
    assert_eq!(err["httpStatus"], "BAD_REQUEST");
    assert_eq!(err["error_code"], 9002);
    let msg = err["error_message"].as_str().unwrap();
    assert!(
        msg.contains("Ed25519") && msg.contains("RSA or EC"),
        "{msg}"
    );
    assert!(!ks.record("ed").exists());

    // A record made with another format: every NSX rendering refuses it.
    ok_ks(
        &ks,
        &[
            "generate",
            "ed",
            "--cn",
            "ed.example.com",
            "--key-type",
            "ed25519",
            "--no-passphrase",
        ],
    );
    refused(&ks, &["regenerate", "ed", "--org", "X", "--format", "nsx"]);
    for args in [
        vec!["show", "ed", "--format", "nsx"],
        vec!["download", "ed", "--format", "nsx"],
        vec!["list", "--format", "nsx"],
    ] {
        let out = refused(&ks, &args);
        assert!(
            stderr(&out).contains("record ed"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(json(&stdout(&out))["httpStatus"], "BAD_REQUEST");
    }
    // A new EC key makes it one NSX can hold.
    let re = json(&ok_ks(
        &ks,
        &[
            "regenerate",
            "ed",
            "--new-key",
            "--key-type",
            "ec",
            "--no-passphrase",
            "--format",
            "nsx",
        ],
    ));
    assert_eq!(re["algorithm"], "EC");
    // A TlsCsr body cannot ask for one either (NSX's enum is RSA, EC).
    let b = body(
        &ks,
        "ed.json",
        r#"{"subject":{"attributes":[{"key":"CN","value":"e.example.com"}]},"algorithm":"ED25519"}"#,
    );
    let out = refused(&ks, &["generate", "e2", "--no-passphrase", "--request", &b]);
    let err = stderr(&out);
    assert!(
        err.contains("algorithm") && err.contains("RSA or EC"),
        "{err}"
    );
}

#[test]
fn nsx_refuses_subject_keys_a_tlscsr_does_not_define() {
    let ks = keystore();
    for (flag, value, key) in [
        ("--uid", "jdoe", "UID"),
        ("--street-address", "Main St 1", "street"),
        ("--dc", "example", "DC"),
        ("--email-address", "pki@example.com", "emailAddress"),
    ] {
        let out = refused(
            &ks,
            &[
                "generate",
                "x",
                "--cn",
                "x.example.com",
                flag,
                value,
                "--key-type",
                "ec",
                "--no-passphrase",
                "--format",
                "nsx",
            ],
        );
        let msg = stderr(&out);
        assert!(
            msg.contains(key) && msg.contains("CN, O, OU, C, ST and L"),
            "{flag}: {msg}"
        );
        assert_eq!(json(&stdout(&out))["httpStatus"], "BAD_REQUEST");
    }
    ok_ks(
        &ks,
        &[
            "generate",
            "uid",
            "--cn",
            "u.example.com",
            "--uid",
            "jdoe",
            "--key-type",
            "ec",
            "--no-passphrase",
        ],
    );
    let out = refused(&ks, &["show", "uid", "--format", "nsx"]);
    assert!(stderr(&out).contains("UID"), "{}", stderr(&out));
    let b = body(
        &ks,
        "uid.json",
        r#"{"subject":{"attributes":[{"key":"CN","value":"u2.example.com"},{"key":"UID","value":"jdoe"}]},"algorithm":"EC","key_size":256}"#,
    );
    let out = refused(&ks, &["generate", "u2", "--no-passphrase", "--request", &b]);
    assert!(
        stderr(&out).contains("'UID' is not a TlsCsr subject key"),
        "{}",
        stderr(&out)
    );
}

// ---------------------------------------------------------------------------
// NSX: error statuses the CSR operations declare

/// The statuses the Policy CSR operations declare (vAPI InvalidRequest for
/// 400 and 412, Unauthorized 403, NotFound 404, InternalServerError 500,
/// ServiceUnavailable 503): anything else is lost to the SDK.
const DECLARED: &[&str] = &[
    "BAD_REQUEST",
    "FORBIDDEN",
    "NOT_FOUND",
    "PRECONDITION_FAILED",
    "INTERNAL_SERVER_ERROR",
    "SERVICE_UNAVAILABLE",
];

fn nsx_error(out: &Output, exit: i32) -> (String, u64) {
    assert_eq!(out.status.code(), Some(exit), "{}", stderr(out));
    let b = json(&stdout(out));
    assert_eq!(
        names(&b),
        ["httpStatus", "error_code", "module_name", "error_message"]
    );
    let status = b["httpStatus"].as_str().unwrap().to_string();
    assert!(DECLARED.contains(&status.as_str()), "{status}");
    (status, b["error_code"].as_u64().unwrap())
}

/// Flips the last byte of the stored CSR's signature.
fn tamper(ks: &Ks, name: &str) {
    let path = ks.csr_path(name);
    let p = pem::parse(std::fs::read(&path).unwrap()).unwrap();
    let mut der = p.contents().to_vec();
    *der.last_mut().unwrap() ^= 0x01;
    let lf = pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF);
    let text = pem::encode_config(&pem::Pem::new("CERTIFICATE REQUEST", der), lf);
    std::fs::write(&path, text).unwrap();
}

#[test]
fn nsx_errors_use_only_declared_statuses() {
    let ks = keystore();
    let mut seen = Vec::new();
    let nsx = |args: &[&str]| {
        let mut a = args.to_vec();
        a.extend(["--format", "nsx"]);
        run_ks(&ks, &a)
    };
    seen.push((nsx_error(&nsx(&["show", "nope"]), 3), 3));
    seen.push((
        nsx_error(
            &nsx(&[
                "generate",
                "base",
                "--cn",
                "b.example.com",
                "--key-type",
                "ec",
                "--no-passphrase",
            ]),
            4,
        ),
        4,
    ));
    seen.push((
        nsx_error(
            &nsx(&[
                "generate",
                "bad",
                "--cn",
                "b",
                "--country",
                "ZZ",
                "--no-passphrase",
            ]),
            2,
        ),
        2,
    ));
    // Wrong passphrase.
    ks.cmd_pass()
        .args([
            "generate",
            "enc",
            "--cn",
            "enc.example.com",
            "--key-type",
            "ec",
        ])
        .assert()
        .success();
    let out = ks
        .cmd()
        .args(["regenerate", "enc", "--format", "nsx"])
        .env("CSRKIT_PASSPHRASE", "not the passphrase")
        .output()
        .unwrap();
    seen.push((nsx_error(&out, 6), 6));
    // Keystore locked.
    let lock = hold_flock(&ks.root().join(".lock"));
    let out = nsx(&[
        "generate",
        "locked",
        "--cn",
        "l.example.com",
        "--key-type",
        "ec",
        "--no-passphrase",
        "--lock-timeout",
        "0",
    ]);
    drop(lock);
    seen.push((nsx_error(&out, 5), 5));
    // A stored CSR whose signature does not verify.
    ok_ks(
        &ks,
        &gen_args("sig")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    tamper(&ks, "sig");
    seen.push((nsx_error(&nsx(&["show", "sig"]), 7), 7));
    // A record.json that cannot be read.
    ok_ks(
        &ks,
        &gen_args("broken")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    std::fs::write(ks.record("broken").join("record.json"), "{").unwrap();
    seen.push((nsx_error(&nsx(&["show", "broken"]), 1), 1));

    let want = [
        (3, "NOT_FOUND"),
        (4, "PRECONDITION_FAILED"),
        (2, "BAD_REQUEST"),
        (6, "FORBIDDEN"),
        (5, "SERVICE_UNAVAILABLE"),
        (7, "BAD_REQUEST"),
        (1, "INTERNAL_SERVER_ERROR"),
    ];
    for (((status, code), exit), (want_exit, want_status)) in seen.into_iter().zip(want) {
        assert_eq!(exit, want_exit);
        assert_eq!(status, want_status, "exit {exit}");
        assert_eq!(code, 9000 + exit as u64, "exit {exit}");
    }
}

// ---------------------------------------------------------------------------
// NSX: TlsCsr bodies real tools send

/// A TlsCsr as NSX returns it, with the resource fields of its bases and
/// a display_name of its own.
const NSX_FULL: &str = r#"{
  "resource_type": "TlsCsr", "id": "edge-csr", "display_name": "Edge gateway CSR",
  "description": "for the edge", "tags": [{"scope": "env", "tag": "prod"}, {"tag": "edge"}],
  "unique_id": "6e0c3d7a-2b55-4b5c-9f61-2d0f1a3c4b5d", "realization_id": "6e0c3d7a-2b55-4b5c-9f61-2d0f1a3c4b5d",
  "_links": [{"rel": "self", "href": "/policy/api/v1/infra/csrs/edge-csr"}], "_schema": "TlsCsr",
  "_self": {"rel": "self", "href": "/policy/api/v1/infra/csrs/edge-csr"},
  "path": "/infra/csrs/edge-csr", "parent_path": "/infra/csrs", "relative_path": "edge-csr",
  "pem_encoded": "-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n",
  "key_size": 256, "algorithm": "EC", "is_ca": false,
  "subject": {"attributes": [{"key": "CN", "value": "edge.example.com"}, {"key": "O", "value": "VMware"}]},
  "extensions": {"subject_alt_names": {"dns_names": ["edge.example.com"]}},
  "marked_for_delete": false, "overridden": false, "_create_user": "admin", "_create_time": 1516338671237,
  "_last_modified_user": "admin", "_last_modified_time": 1516338671237, "_system_owned": false,
  "_protection": "NOT_PROTECTED", "_revision": 3
}"#;

#[test]
fn nsx_tlscsr_with_tags_and_resource_fields_round_trips() {
    let ks = keystore();
    let b = body(&ks, "full.json", NSX_FULL);
    // Detected as NSX without --request-format.
    let got = json(&ok_ks(
        &ks,
        &[
            "generate",
            "--no-passphrase",
            "--request",
            &b,
            "--format",
            "nsx",
        ],
    ));
    assert_eq!(got["id"], "edge-csr");
    assert_eq!(got["display_name"], "Edge gateway CSR");
    assert_eq!(got["description"], "for the edge");
    assert_eq!(
        got["tags"],
        json!([{"scope": "env", "tag": "prod"}, {"scope": "", "tag": "edge"}])
    );
    let k = names(&got);
    assert_eq!(
        &k[..6],
        [
            "resource_type",
            "id",
            "display_name",
            "description",
            "tags",
            "path"
        ]
    );
    // Read-only fields are the server's: csrkit's, not the body's.
    assert_eq!(got["_revision"], 0);
    assert_eq!(got["path"], "/infra/csrs/edge-csr");
    for ro in ["unique_id", "realization_id", "_links", "_schema", "_self"] {
        assert!(got.get(ro).is_none(), "{ro} echoed");
    }
    assert!(got["pem_encoded"].as_str().unwrap().len() > 100);
    // Kept in the record: show, regenerate and a pasted-back copy keep them.
    let shown = json(&ok_ks(&ks, &["show", "edge-csr", "--format", "nsx"]));
    assert_eq!(shown["tags"], got["tags"]);
    assert_eq!(shown["display_name"], got["display_name"]);
    let re = json(&ok_ks(
        &ks,
        &[
            "regenerate",
            "edge-csr",
            "--org",
            "VMware Inc",
            "--format",
            "nsx",
        ],
    ));
    assert_eq!(re["tags"], got["tags"]);
    assert_eq!(re["_revision"], 1);
    let pasted = body(
        &ks,
        "pasted.json",
        &serde_json::to_string(&shown)
            .unwrap()
            .replace("edge-csr", "edge-copy"),
    );
    let copy = json(&ok_ks(
        &ks,
        &[
            "generate",
            "--no-passphrase",
            "--request",
            &pasted,
            "--format",
            "nsx",
        ],
    ));
    assert_eq!(copy["id"], "edge-copy");
    assert_eq!(copy["tags"], got["tags"]);
    // The list sorts by display_name, which is not the id.
    ok_ks(
        &ks,
        &[
            "generate",
            "zzz",
            "--cn",
            "z.example.com",
            "--key-type",
            "ec",
            "--no-passphrase",
        ],
    );
    let list = json(&ok_ks(&ks, &["list", "--format", "nsx"]));
    let shown: Vec<&str> = list["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["display_name"].as_str().unwrap())
        .collect();
    let mut sorted = shown.clone();
    sorted.sort_unstable();
    assert_eq!(shown, sorted);
    assert!(shown.contains(&"Edge gateway CSR") && shown.contains(&"zzz"));
    // Tags are checked: NSX's limits, no empty tag, no unknown field.
    let bad_tags = [
        (r#"[{"tag":"x","colour":"red"}]"#.to_string(), "colour"),
        (r#"[{}]"#.to_string(), "neither scope nor tag"),
        (
            format!(r#"[{{"scope":"{}","tag":"x"}}]"#, "s".repeat(129)),
            "128",
        ),
        (format!(r#"[{{"tag":"{}"}}]"#, "t".repeat(257)), "256"),
    ];
    for (bad, word) in bad_tags {
        let b = body(
            &ks,
            "tags.json",
            &format!(
                r#"{{"id":"t1","subject":{{"attributes":[{{"key":"CN","value":"t.example.com"}}]}},"algorithm":"EC","key_size":256,"tags":{bad}}}"#
            ),
        );
        let out = refused(&ks, &["generate", "--no-passphrase", "--request", &b]);
        assert!(stderr(&out).contains(word), "{bad}: {}", stderr(&out));
    }
}

// ---------------------------------------------------------------------------
// QRadar

#[test]
fn qradar_model_has_no_nulls_and_always_a_purpose() {
    let ks = Ks::new();
    // Without --purpose, `purpose` follows the extendedKeyUsage.
    for (name, extra, want) in [
        ("none", vec![], "SIGNING_ENCRYPTION"),
        ("srv", vec!["--extended-key-usage", "serverAuth"], "SERVER"),
        ("cli", vec!["--extended-key-usage", "clientAuth"], "CLIENT"),
        (
            "both",
            vec!["--extended-key-usage", "serverAuth,clientAuth"],
            "SERVER_CLIENT",
        ),
        (
            "code",
            vec!["--extended-key-usage", "codeSigning"],
            "SIGNING_ENCRYPTION",
        ),
        ("given", vec!["--purpose", "client"], "CLIENT"),
    ] {
        let cn = format!("{name}.example.com");
        let mut args = vec!["generate", name, "--cn", &cn, "--no-passphrase"];
        args.extend(extra);
        ok_ks(&ks, &args);
        let model = json(&ok_ks(&ks, &["show", name, "--format", "qradar"]));
        assert_eq!(model["purpose"], want, "{name}");
        // No null anywhere: fields the record does not set are left out.
        for (k, v) in model.as_object().unwrap() {
            assert!(!v.is_null(), "{name}: {k} is null");
        }
        assert_eq!(
            names(&model),
            [
                "id",
                "key_size",
                "purpose",
                "common_name",
                "dns",
                "ip_addresses",
                "emails",
                "uri_list"
            ],
            "{name}"
        );
        assert_eq!(model["key_size"], 2048);
    }
    // A CSR file: no id, no description, the purpose from its EKU.
    let csr = ks.csr_path("both");
    let model = json(&ok_ks(
        &ks,
        &[
            "show",
            "--file",
            csr.to_str().unwrap(),
            "--format",
            "qradar",
        ],
    ));
    assert_eq!(model["purpose"], "SERVER_CLIENT");
    assert!(model.get("id").is_none() && model.get("description").is_none());
    // A model shown can be posted back, purpose included.
    let b = body(&ks, "model.json", &serde_json::to_string(&model).unwrap());
    ok_ks(
        &ks,
        &["generate", "back", "--no-passphrase", "--request", &b],
    );
    assert_eq!(
        json(&ok_ks(&ks, &["show", "back", "--format", "qradar"]))["purpose"],
        "SERVER_CLIENT"
    );
}

#[test]
fn qradar_holds_rsa_keys_only() {
    let ks = keystore();
    for key in ["ec", "ed25519"] {
        let out = refused(
            &ks,
            &[
                "generate",
                "k",
                "--cn",
                "k.example.com",
                "--key-type",
                key,
                "--no-passphrase",
                "--format",
                "qradar",
            ],
        );
        let b = json(&stdout(&out));
        assert_eq!(b["code"], 1040, "{key}");
        assert_eq!(b["http_response"]["code"], 422);
        assert!(stderr(&out).contains("RSA only"), "{}", stderr(&out));
    }
    // `base` is EC: its CSRModel would say key_size 256, read as RSA.
    let out = refused(&ks, &["show", "base", "--format", "qradar"]);
    assert!(stderr(&out).contains("record base"), "{}", stderr(&out));
    refused(
        &ks,
        &["regenerate", "base", "--org", "X", "--format", "qradar"],
    );
    let csr = ks.csr_path("base");
    refused(
        &ks,
        &[
            "show",
            "--file",
            csr.to_str().unwrap(),
            "--format",
            "qradar",
        ],
    );
    // The CSR file itself and the list rows say nothing QRadar misreads.
    ok_ks(&ks, &["download", "base", "--format", "qradar"]);
    ok_ks(&ks, &["list", "--format", "qradar"]);
    // A subject attribute the CSRModel has no field for.
    let out = refused(
        &ks,
        &[
            "generate",
            "m",
            "--cn",
            "m.example.com",
            "--email-address",
            "pki@example.com",
            "--no-passphrase",
            "--format",
            "qradar",
        ],
    );
    assert_eq!(json(&stdout(&out))["code"], 1038);
    assert!(stderr(&out).contains("emailAddress"), "{}", stderr(&out));
}

// ---------------------------------------------------------------------------
// XClarity

#[test]
fn xclarity_failures_carry_an_error_severity() {
    let ks = keystore();
    let b = body(&ks, "empty.json", "{}");
    for (args, exit) in [
        (vec!["show", "404", "--format", "xclarity"], 3),
        (
            vec![
                "generate",
                "base",
                "--cn",
                "b.example.com",
                "--key-type",
                "ec",
                "--no-passphrase",
                "--format",
                "xclarity",
            ],
            4,
        ),
        (
            vec![
                "generate",
                "--no-passphrase",
                "--request",
                &b,
                "--request-format",
                "xclarity",
                "--format",
                "xclarity",
            ],
            2,
        ),
    ] {
        let out = run_ks(&ks, &args);
        assert_eq!(out.status.code(), Some(exit), "{args:?}");
        let v = json(&stdout(&out));
        assert_eq!(v["result"], "failed");
        let id = v["messages"][0]["id"].as_str().unwrap();
        // FQXHMccnnnns: I informational, F G H J warnings, K to N errors.
        assert_eq!(id.len(), 12, "{id}");
        assert!(matches!(id.chars().last(), Some('K'..='N')), "{id}");
        assert_eq!(id, format!("FQXHMSE{exit:04}L"));
    }
}

#[test]
fn xclarity_post_without_common_name_or_sans_names_the_fields() {
    let ks = keystore();
    for (file, text) in [
        ("empty.json", "{}"),
        (
            "country.json",
            r#"{"Country":"US","Organization":"Lenovo"}"#,
        ),
        (
            "nosans.json",
            r#"{"subjectAlternativeNames":{"generalNames":[]}}"#,
        ),
    ] {
        let b = body(&ks, file, text);
        let out = refused(
            &ks,
            &[
                "generate",
                "lx",
                "--no-passphrase",
                "--request",
                &b,
                "--request-format",
                "xclarity",
            ],
        );
        let err = stderr(&out);
        for word in [
            "CommonName",
            "subjectAlternativeNames",
            "LXCA",
            "csrkit has no appliance",
        ] {
            assert!(err.contains(word), "{text}: no {word} in {err}");
        }
    }
    // Either one is enough.
    let b = body(
        &ks,
        "sans.json",
        r#"{"subjectAlternativeNames":{"generalNames":[{"type":"dNSName","name":"lxca.example.com"}]}}"#,
    );
    ok_ks(
        &ks,
        &[
            "generate",
            "lx",
            "--no-passphrase",
            "--request",
            &b,
            "--request-format",
            "xclarity",
        ],
    );
}

// ---------------------------------------------------------------------------
// Oracle SBC: the REST configuration body

const SBC_CONFIG: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<configElement>
  <elementType>certificate-record</elementType>
  <attribute><name>name</name><value>rest-server</value></attribute>
  <attribute><name>country</name><value>US</value></attribute>
  <attribute><name>state</name><value>MA</value></attribute>
  <attribute><name>locality</name><value>Burlington</value></attribute>
  <attribute><name>organization</name><value>Eng &amp; Ops</value></attribute>
  <attribute><name>unit</name><value>SBC</value></attribute>
  <attribute><name>common-name</name><value>sbc.example.com</value></attribute>
  <attribute><name>key-size</name><value>2048</value></attribute>
  <attribute><name>alternate-name</name><value>sbc.example.com</value><value>192.0.2.9</value></attribute>
  <attribute><name>key-usage-list</name><value>digitalSignature</value><value>keyEncipherment</value></attribute>
  <attribute><name>extended-key-usage-list</name><value>serverAuth</value></attribute>
</configElement>"#;

#[test]
fn sbc_config_element_body_is_read() {
    let ks = keystore();
    let b = body(&ks, "config.xml", SBC_CONFIG);
    ok_ks(&ks, &["generate", "--no-passphrase", "--request", &b]);
    let v = json(&ok_ks(&ks, &["show", "rest-server", "--format", "json"]));
    assert_eq!(
        v["subject"],
        "CN=sbc.example.com,OU=SBC,O=Eng & Ops,L=Burlington,ST=MA,C=US"
    );
    let sans: Vec<String> = v["sans"]
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
        .collect();
    assert_eq!(sans, ["DNS:sbc.example.com", "IP:192.0.2.9"]);
    let ext = v["extensions"].to_string();
    assert!(
        ext.contains("keyEncipherment") || ext.contains("Key Encipherment"),
        "{ext}"
    );
    assert_eq!(v["public_key"]["bits"], 2048);

    for (bad, word) in [
        (
            SBC_CONFIG.replace(">certificate-record<", ">realm-config<"),
            "realm-config",
        ),
        (
            SBC_CONFIG.replace("<name>unit</name>", "<name>colour</name>"),
            "colour",
        ),
        (
            SBC_CONFIG.replace(
                "<value>SBC</value>",
                "<value>SBC</value><value>VoIP</value>",
            ),
            "more than one <value>",
        ),
        (
            SBC_CONFIG.replace(
                "<attribute><name>unit",
                "<subElement/><attribute><name>unit",
            ),
            "subElement",
        ),
        (
            SBC_CONFIG.replace("<elementType>certificate-record</elementType>", ""),
            "elementType",
        ),
        (
            SBC_CONFIG.replace(
                "<attribute><name>unit</name><value>SBC</value></attribute>",
                "<attribute><value>SBC</value></attribute>",
            ),
            "without a <name>",
        ),
    ] {
        let b = body(&ks, "bad.xml", &bad);
        let out = refused(&ks, &["generate", "--no-passphrase", "--request", &b]);
        assert!(stderr(&out).contains(word), "{word}: {}", stderr(&out));
    }
}

// ---------------------------------------------------------------------------
// ArcGIS: generateCertificate parameters as the arcgis package sends them

/// `SSLCertificates.generate` of Esri's `arcgis` package posts these keys,
/// with "" for what is not set and the common name upper-cased; its
/// connection adds `f`.
const ARCGIS_PACKAGE: &str = r#"{"alias":"portal","keyAlg":"RSA","keySize":2048,"sigAlg":"SHA256withRSA","cn":"PORTAL.EXAMPLE.COM","orgUnit":"","org":"Esri","city":"","state":"","country":"","validity":90,"san":"","f":"json"}"#;

#[test]
fn arcgis_package_parameters_with_validity() {
    let ks = keystore();
    let b = body(&ks, "arcgis.json", ARCGIS_PACKAGE);
    let out = run_ks(
        &ks,
        &[
            "generate",
            "--no-passphrase",
            "--request",
            &b,
            "--format",
            "arcgis",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("validity=90") && err.contains("ignored"),
        "no note on stderr: {err}"
    );
    let v = json(&stdout(&out));
    assert!(v["certificateSigningRequest"]
        .as_str()
        .unwrap()
        .contains("NEW CERTIFICATE REQUEST"));
    let shown = json(&ok_ks(&ks, &["show", "portal", "--format", "json"]));
    assert_eq!(shown["subject"], "CN=PORTAL.EXAMPLE.COM,O=Esri");
    assert_eq!(shown["public_key"]["bits"], 2048);
    // --quiet: no note. A string number of days and null fields are read too.
    let b = body(
        &ks,
        "arcgis2.json",
        &ARCGIS_PACKAGE
            .replace("\"portal\"", "\"portal2\"")
            .replace("90", "\"365\"")
            .replace("\"orgUnit\":\"\"", "\"orgUnit\":null"),
    );
    let out = run_ks(&ks, &["-q", "generate", "--no-passphrase", "--request", &b]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    for bad in ["0", "\"ninety\"", "-5"] {
        let b = body(
            &ks,
            "bad.json",
            &ARCGIS_PACKAGE.replace("\"validity\":90", &format!("\"validity\":{bad}")),
        );
        let out = refused(&ks, &["generate", "--no-passphrase", "--request", &b]);
        assert!(stderr(&out).contains("validity"), "{bad}: {}", stderr(&out));
    }
}
