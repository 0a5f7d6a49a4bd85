//! Vendor shapes as the vendors' own clients read them, and the bodies
//! those clients send through `--request`: QRadar (no nulls, `purpose`,
//! RSA only), XClarity (error severity, `{}`), the SBC configuration body
//! and ArcGIS parameters as the `arcgis` package sends them (NSX is in
//! vendor_nsx.rs). Refusals are checked to leave the keystore unchanged.

use crate::support;
use crate::vendor_support;

use support::*;
use vendor_support::*;

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
