//! NSX shapes as the NSX Policy SDK reads them: what a TlsCsr can hold
//! (RSA or EC keys; subject keys CN, O, OU, C, ST, L), refused before any
//! side effect; error bodies with only the statuses the CSR operations
//! declare; TlsCsr bodies as NSX returns them (tags, display_name,
//! resource fields) sent back through `--request`.

use crate::support;
use crate::vendor_support;

use std::process::Output;

use serde_json::json;
use support::*;
use vendor_support::*;

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
