//! Every command with every `--format`: an output shape that cannot render
//! the operation is refused before any side effect (exit 2, keystore
//! byte-identical), and a shape that can render it is not refused.

use crate::support;

use support::*;

const FORMATS: &[&str] = &[
    "text", "json", "pem", "der", "arcgis", "qradar", "sbc", "nsx", "xclarity", "pkcs7", "pkcs12",
];

/// The commands that touch the keystore, on a keystore holding record `r`
/// (EC, no passphrase). Each runs on a fresh copy of that keystore.
fn commands(dir: &std::path::Path) -> Vec<Vec<String>> {
    let batch = dir.join("batch.jsonl");
    std::fs::write(
        &batch,
        "{\"name\":\"b1\",\"common_name\":\"b1.example\",\"key_type\":\"ec\"}\n",
    )
    .unwrap();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        s(&[
            "generate",
            "n",
            "--cn",
            "n.example",
            "--key-type",
            "ec",
            "--no-passphrase",
        ]),
        s(&[
            "generate",
            "--batch",
            batch.to_str().unwrap(),
            "--no-passphrase",
        ]),
        s(&["regenerate", "r", "--no-passphrase"]),
        s(&["show", "r"]),
        s(&["download", "r"]),
        s(&["list"]),
        s(&["delete", "r", "--yes"]),
        s(&["export", "r", "--no-export-passphrase"]),
    ]
}

#[test]
fn a_refused_format_leaves_the_keystore_unchanged() {
    let mut refused = Vec::new();
    let mut rendered = Vec::new();
    for format in FORMATS {
        for i in 0..commands(Ks::new().dir.path()).len() {
            // Each command on a fresh keystore holding record `r`.
            let ks = Ks::new();
            ks.generate_ec("r");
            ks.cmd().args(["self-sign", "r"]).assert().success();
            let args = commands(ks.dir.path()).swap_remove(i);
            let before = ks.snapshot();
            let out = ks
                .cmd()
                .args(&args)
                .args(["--format", format])
                .output()
                .unwrap();
            no_panic(&out);
            let what = format!("{} --format {format}", args.join(" "));
            if out.status.code() == Some(2) {
                let err = stderr(&out);
                // No such operation, or a record the vendor cannot hold (QRadar: RSA only).
                assert!(
                    err.contains(&format!("the {format} format has no"))
                        || err.contains(&format!("the {format} format cannot hold")),
                    "{what}: exit 2 for another reason: {err}"
                );
                // The hint lists the formats that do render the command,
                // and never the one just refused.
                if err.contains(&format!("the {format} format has no")) {
                    let hint = err.lines().find(|l| l.starts_with("hint:")).unwrap_or("");
                    let listed = hint.split("--format ").nth(1).unwrap_or("");
                    assert!(!listed.is_empty(), "{what}: {err}");
                    assert!(
                        !listed.split(", ").any(|f| f == *format),
                        "{what}: the hint offers the refused format: {err}"
                    );
                }
                assert_same(&before, &ks.snapshot(), &what);
                refused.push(what);
            } else {
                assert_eq!(out.status.code(), Some(0), "{what}: {}", stderr(&out));
                rendered.push(what);
            }
        }
    }
    // The data-loss case of old: delete with a shape that has no delete.
    for f in ["pem", "der", "sbc", "xclarity"] {
        assert!(
            refused
                .iter()
                .any(|w| w == &format!("delete r --yes --format {f}")),
            "delete --format {f} must be refused: {refused:?}"
        );
    }
    for f in ["text", "json", "arcgis", "qradar", "nsx"] {
        assert!(
            rendered
                .iter()
                .any(|w| w == &format!("delete r --yes --format {f}")),
            "delete --format {f} must be rendered: {rendered:?}"
        );
    }
}

#[test]
fn vendor_delete_bodies() {
    for (format, body) in [
        ("arcgis", "{\"status\":\"success\"}\n"),
        ("nsx", ""),
        ("qradar", ""),
    ] {
        let ks = Ks::new();
        ks.generate_ec("r");
        let out = ks
            .cmd()
            .args(["delete", "r", "--yes", "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        assert_eq!(stdout(&out), body, "{format}");
        assert!(!ks.record("r").exists(), "{format}: record still there");
    }
}

/// The hint of a refused format lists what the command takes, derived from
/// the shapes' operations: `export --format text` (or json, from the
/// environment too) names the export formats, not text and json.
#[test]
fn a_refused_format_names_the_formats_that_work() {
    let ks = Ks::new();
    ks.generate_ec("r");
    ks.cmd().args(["self-sign", "r"]).assert().success();
    let hint = |args: &[&str], env: Option<&str>| {
        let mut c = ks.cmd();
        if let Some(f) = env {
            c.env("CSRKIT_FORMAT", f);
        }
        let o = c.args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        err.lines()
            .find(|l| l.starts_with("hint:"))
            .unwrap_or_else(|| panic!("{args:?}: no hint: {err}"))
            .to_string()
    };
    let export =
        "hint: export takes --format pem, der, arcgis, qradar, sbc, nsx, xclarity, pkcs7, pkcs12";
    assert_eq!(hint(&["export", "r", "--format", "text"], None), export);
    assert_eq!(hint(&["export", "r", "--format", "json"], None), export);
    assert_eq!(hint(&["export", "r"], Some("json")), export);
    assert_eq!(
        hint(&["generate", "--batch", "-", "--format", "pem"], None),
        "hint: generate --batch takes --format text, json"
    );
    // show --file of a certificate: only some shapes show certificates.
    let cert = ks.record("r").join("cert.pem");
    let h = hint(
        &["show", "--file", cert.to_str().unwrap(), "--format", "pem"],
        None,
    );
    assert_eq!(
        h,
        "hint: show a certificate with --format text, json, arcgis"
    );
}
