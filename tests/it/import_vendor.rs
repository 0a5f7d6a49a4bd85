//! Vendor shapes of `import` and `self-sign`, and vendor import bodies
//! read by `import --request` (NSX TlsTrustData, QRadar end certificate).
//! The certificates come from `self-sign` and `export`; the bodies are
//! checked for what each vendor's API returns.

use crate::support;

use support::*;

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

fn rsa_record(ks: &Ks, name: &str) {
    let o = ks
        .cmd()
        .args([
            "generate",
            name,
            "--cn",
            &format!("{name}.example.com"),
            "--no-passphrase",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn self_sign_and_import_answer_in_each_vendor_shape() {
    let ks = Ks::new();
    rsa_record(&ks, "web");
    // NSX action=self_sign: a TlsCertificate.
    let o = ks
        .cmd()
        .args(["self-sign", "web", "--format", "nsx"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let t = json(&o);
    assert_eq!(t["resource_type"], "TlsCertificate");
    assert_eq!(t["id"], "web");
    assert_eq!(t["path"], "/infra/certificates/web");
    assert_eq!(t["details"][0]["subject_cn"], "web.example.com");
    assert_eq!(t["details"][0]["public_key_algo"], "RSA");
    assert_eq!(t["details"][0]["public_key_length"], 2048);
    assert_eq!(t["has_private_key"], true);
    let pem_encoded = t["pem_encoded"].as_str().unwrap();
    assert_eq!(
        pem_encoded,
        std::fs::read_to_string(ks.record("web").join("cert.pem")).unwrap()
    );
    // ArcGIS: {"status":"success"}; the certificate resource of the file.
    let o = ks
        .cmd()
        .args(["self-sign", "web", "--format", "arcgis"])
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "{\"status\":\"success\"}\n");
    let cert = ks.record("web").join("cert.pem");
    let o = ks
        .cmd()
        .args([
            "show",
            "--file",
            cert.to_str().unwrap(),
            "--format",
            "arcgis",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let r = json(&o);
    for k in [
        "aliasName",
        "issuer",
        "subject",
        "subjectAlternativeName",
        "validFrom",
        "validUntil",
        "sha1Fingerprint",
        "sha256Fingerprint",
    ] {
        assert!(!r[k].is_null(), "ArcGIS resource lacks {k}: {r}");
    }
    assert_eq!(r["aliasName"], "web.example.com");
    assert_eq!(r["keyAlgorithm"], "RSA");
    let fp = openssl(
        &[
            "x509",
            "-in",
            cert.to_str().unwrap(),
            "-noout",
            "-fingerprint",
            "-sha256",
        ],
        None,
    );
    assert!(
        stdout(&fp)
            .trim()
            .ends_with(r["sha256Fingerprint"].as_str().unwrap()),
        "{}",
        stdout(&fp)
    );
    // QRadar and SBC have no self-sign: refused before anything happens.
    for f in ["qradar", "sbc", "xclarity"] {
        let before = ks.snapshot();
        let o = ks
            .cmd()
            .args(["self-sign", "web", "--format", f])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{f}");
        assert_same(&before, &ks.snapshot(), f);
    }
    // QRadar import by csr_id: the EndCertificateDTO.
    let body = serde_json::json!({
        "cert_file": std::fs::read_to_string(&cert).unwrap(),
        "csr_id": 1,
        "name": "web",
        "purpose": "SERVER"
    });
    let req = ks.file("q.json", body.to_string().as_bytes());
    let o = ks
        .cmd()
        .args([
            "import",
            "--request",
            req.to_str().unwrap(),
            "--format",
            "qradar",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let d = json(&o);
    assert_eq!(d["csr_id"], 1);
    assert_eq!(d["name"], "web");
    assert_eq!(
        d["subject"][0],
        serde_json::json!({"field_name": "CN", "value": "web.example.com"})
    );
    assert!(d["expiry"].as_i64().unwrap() > d["not_before"].as_i64().unwrap());
    // SBC import: the envelope with the record name.
    let o = ks
        .cmd()
        .args(["import", cert.to_str().unwrap(), "--format", "sbc"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(
            "<response><data><recordName>web</recordName></data><messages/><links/></response>"
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn import_request_bodies() {
    let ks = Ks::new();
    rsa_record(&ks, "web");
    let o = ks.cmd().args(["self-sign", "web"]).output().unwrap();
    assert!(o.status.success());
    let cert = std::fs::read_to_string(ks.record("web").join("cert.pem")).unwrap();
    // NSX TlsTrustData: the record is found by the key.
    let td = ks.file(
        "td.json",
        serde_json::json!({"display_name": "web", "pem_encoded": cert})
            .to_string()
            .as_bytes(),
    );
    let o = ks
        .cmd()
        .args([
            "import",
            "--request",
            td.to_str().unwrap(),
            "--format",
            "nsx",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o)["resource_type"], "TlsCertificate");
    // A private key in the body is refused, naming the field; nothing changes.
    let before = ks.snapshot();
    for (name, body) in [
        (
            "nsx",
            serde_json::json!({"pem_encoded": cert, "private_key": "-----BEGIN PRIVATE KEY-----"}),
        ),
        (
            "qradar",
            serde_json::json!({"cert_file": cert, "key_file": "-----BEGIN PRIVATE KEY-----"}),
        ),
        (
            "unknown",
            serde_json::json!({"pem_encoded": cert, "colour": "blue"}),
        ),
        ("neither", serde_json::json!({"certificate": cert})),
    ] {
        let f = ks.file("bad.json", body.to_string().as_bytes());
        let o = ks
            .cmd()
            .args(["import", "--request", f.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert_same(&before, &ks.snapshot(), name);
    }
    // csr_id names the record: another record's id is a mismatch (exit 8).
    let o = ks
        .cmd()
        .args([
            "generate",
            "other",
            "--cn",
            "other.example.com",
            "--key-type",
            "ec",
            "--no-passphrase",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let q = ks.file(
        "q.json",
        serde_json::json!({"cert_file": cert, "csr_id": 2})
            .to_string()
            .as_bytes(),
    );
    let o = ks
        .cmd()
        .args(["import", "--request", q.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(8), "{}", stderr(&o));
    // FILE and --request together are a usage error.
    let o = ks
        .cmd()
        .args(["import", "x.pem", "--request", q.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
