//! Hostile input: every refusal exits with the documented code, names the
//! field, never panics, and leaves the keystore byte-identical.

use crate::support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::*;

const PASS: &str = "hostile-Pass-91c2";

/// Runs `args`, expects exit `code` with `needle` in stderr, no panic and
/// an unchanged keystore.
fn refuse(ks: &Path, cmd: &mut Command, code: i32, needle: &str) -> String {
    let before = snapshot(ks);
    let t = Instant::now();
    let out = run(cmd);
    let took = t.elapsed();
    no_panic(&out);
    let err = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{cmd:?}: expected exit {code}, stderr: {err}"
    );
    assert!(
        err.starts_with("error: "),
        "{cmd:?}: stderr does not start with 'error: ': {err}"
    );
    assert!(
        err.contains(needle),
        "{cmd:?}: stderr does not name {needle:?}: {err}"
    );
    assert!(took < Duration::from_secs(5), "{cmd:?} took {took:?}");
    assert_same(&before, &snapshot(ks), &format!("{cmd:?}"));
    err
}

fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("ks");
    ok(csrkit(&ks).args(gen_args("plain")));
    ok(csrkit(&ks)
        .args([
            "generate",
            "enc",
            "--cn",
            "enc.example.com",
            "--key-type",
            "ec",
        ])
        .env("CSRKIT_PASSPHRASE", PASS));
    (dir, ks)
}

fn gen(ks: &Path, extra: &[&str]) -> Command {
    let mut c = csrkit(ks);
    c.args(["generate", "x", "--key-type", "ec", "--no-passphrase"])
        .args(extra);
    c
}

#[test]
fn invalid_flags_are_refused_naming_the_field() {
    let (_d, ks) = setup();
    let long = |n: usize| "a".repeat(n);
    let label64 = format!("{}.example.com", "a".repeat(64));
    let email256 = format!("{}@{}.example.com", "a".repeat(64), "b".repeat(179));
    assert_eq!(email256.len(), 256);
    let cases: Vec<(Vec<String>, &str)> = vec![
        // country
        (
            vec!["--cn", "a.example.com", "--country", "QQ"],
            "--country",
        ),
        (
            vec!["--cn", "a.example.com", "--country", "DEU"],
            "--country",
        ),
        (vec!["--cn", "a.example.com", "--country", "D"], "--country"),
        (
            vec!["--cn", "a.example.com", "--country", "1A"],
            "--country",
        ),
        (vec!["--cn", "a.example.com", "--country", "É"], "--country"),
        // DNS names and wildcards
        (
            vec!["--cn", "a.example.com", "--dns", "a.*.example.com"],
            "--dns",
        ),
        (vec!["--cn", "a.example.com", "--dns", "*.com"], "--dns"),
        (vec!["--cn", "a.example.com", "--dns=-a.com"], "--dns"),
        (vec!["--cn", "a.example.com", "--dns", "a-.com"], "--dns"),
        (vec!["--cn", "a.example.com", "--dns", "a..b"], "--dns"),
        (vec!["--cn", "a.example.com", "--dns", &label64], "--dns"),
        (vec!["--cn", "a.example.com", "--dns", "a b.com"], "--dns"),
        (vec!["--cn", "a.example.com", "--dns", "a_b.com"], "--dns"),
        (vec!["--cn", "a.example.com", "--dns", "*"], "--dns"),
        (
            vec!["--cn", "a.example.com", "--dns", "**.example.com"],
            "--dns",
        ),
        (
            vec!["--cn", "a.example.com", "--dns", "example.com."],
            "--dns",
        ),
        (vec!["--cn", "a.example.com", "--dns", "1.2.3.4"], "--dns"),
        (vec!["--cn", "a.example.com", "--san", "dns:a..b"], "--dns"),
        (vec!["--cn", "a.example.com", "--san", "foo:bar"], "--san"),
        // IPs
        (vec!["--cn", "a.example.com", "--ip", "256.1.1.1"], "--ip"),
        (vec!["--cn", "a.example.com", "--ip", "1.2.3"], "--ip"),
        (vec!["--cn", "a.example.com", "--ip", "01.2.3.4"], "--ip"),
        (vec!["--cn", "a.example.com", "--ip", "2001:db8::g"], "--ip"),
        (vec!["--cn", "a.example.com", "--ip", "example.com"], "--ip"),
        // emails
        (vec!["--cn", "a.example.com", "--email", "foo"], "--email"),
        (
            vec!["--cn", "a.example.com", "--email", "@example.com"],
            "--email",
        ),
        (
            vec!["--cn", "a.example.com", "--email", "a..b@example.com"],
            "--email",
        ),
        (vec!["--cn", "a.example.com", "--email", "a@b"], "--email"),
        (
            vec!["--cn", "a.example.com", "--email", "a b@example.com"],
            "--email",
        ),
        // URIs
        (
            vec!["--cn", "a.example.com", "--uri", "example.com"],
            "--uri",
        ),
        (vec!["--cn", "a.example.com", "--uri", "1http://x"], "--uri"),
        (
            vec!["--cn", "a.example.com", "--uri", "http://a b"],
            "--uri",
        ),
        (vec!["--cn", "a.example.com", "--uri", "http:"], "--uri"),
        // DN syntax
        (vec!["--subject", "CN"], "--subject"),
        (vec!["--subject", "XX=a"], "--subject"),
        (vec!["--subject", "CN=a\\"], "--subject"),
        (vec!["--subject", "CN=#0403"], "--subject"),
        (vec!["--subject", "CN=a,,O=b"], "--subject"),
        (vec!["--subject", "CN=a\\zz"], "--subject"),
        (vec!["--subject", "CN=\\ff"], "--subject"),
        (vec!["--subject", "/C=DE//CN=a"], "--subject"),
        (vec!["--subject", "CN=a+"], "--subject"),
        (vec!["--subject", "C=QQ,CN=a"], "--country"),
        // RFC 5280 upper bounds
        (vec!["--cn", &long(65)], "--common-name"),
        (
            vec!["--subject", &format!("CN={}", long(65))],
            "--common-name",
        ),
        (
            vec!["--cn", "a.example.com", "--org", &long(65)],
            "--organization",
        ),
        (
            vec!["--cn", "a.example.com", "--ou", &long(65)],
            "--organizational-unit",
        ),
        (
            vec!["--cn", "a.example.com", "--locality", &long(129)],
            "--locality",
        ),
        (
            vec!["--cn", "a.example.com", "--state", &long(129)],
            "--state",
        ),
        (
            vec!["--cn", "a.example.com", "--email-address", &email256],
            "--email-address",
        ),
        // control characters
        (vec!["--cn", "a\nb"], "--common-name"),
        (
            vec!["--cn", "a.example.com", "--org", "a\u{7}b"],
            "--organization",
        ),
        (
            vec!["--cn", "a.example.com", "--ou", "a\tb"],
            "--organizational-unit",
        ),
        (
            vec!["--cn", "a.example.com", "--description", "a\u{1b}[31mred"],
            "--description",
        ),
        (vec!["--subject", "CN=a\\0Ab"], "--common-name"),
        (vec!["--subject", "CN=a\\00b"], "--common-name"),
        // empty subject without SANs
        (vec!["--subject", ""], "--common-name"),
        (vec!["--cn", ""], "--common-name"),
        // digest / purpose / usages
        (vec!["--cn", "a.example.com", "--digest", "md5"], "--digest"),
        (
            vec!["--cn", "a.example.com", "--digest", "sha512"],
            "--digest",
        ),
        (
            vec!["--cn", "a.example.com", "--purpose", "everything"],
            "--purpose",
        ),
        (
            vec!["--cn", "a.example.com", "--key-usage", "launchMissiles"],
            "--key-usage",
        ),
        (
            vec!["--cn", "a.example.com", "--extended-key-usage", "x.y"],
            "--extended-key-usage",
        ),
    ]
    .into_iter()
    .map(|(a, f)| (a.into_iter().map(String::from).collect(), f))
    .collect();
    for (args, field) in &cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        refuse(&ks, &mut gen(&ks, &a), 2, field);
    }
    // The same validation guards regenerate (record byte-identical).
    for (args, field) in cases.iter().filter(|(a, _)| a[0] == "--cn" && a.len() > 2) {
        let mut c = csrkit(&ks);
        c.args(["regenerate", "plain"]).args(&args[2..]);
        refuse(&ks, &mut c, 2, field);
    }
}

#[test]
fn invalid_keys_are_refused_naming_the_field() {
    let (_d, ks) = setup();
    let cn = ["--cn", "a.example.com", "--no-passphrase"];
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["--key-type", "rsa", "--key-size", "1024"],
            "--key-size",
            "2048",
        ),
        (
            &["--key-type", "rsa", "--key-size", "2047"],
            "--key-size",
            "2048",
        ),
        (
            &["--key-type", "rsa", "--key-size", "512"],
            "--key-size",
            "2048",
        ),
        (
            &["--key-type", "rsa", "--key-size", "2049"],
            "--key-size",
            "2048",
        ),
        (
            &["--key-type", "rsa", "--key-size", "3000"],
            "--key-size",
            "3072",
        ),
        (
            &["--key-type", "rsa", "--key-size", "8192"],
            "--key-size",
            "4096",
        ),
        (
            &["--key-type", "rsa", "--key-size", "0"],
            "--key-size",
            "2048",
        ),
        (&["--key-type", "rsa", "--curve", "P-256"], "--curve", "RSA"),
        (
            &["--key-type", "ec", "--curve", "P-192"],
            "--curve",
            "P-256",
        ),
        (
            &["--key-type", "ec", "--curve", "secp256k1"],
            "--curve",
            "P-256",
        ),
        (
            &["--key-type", "ec", "--key-size", "255"],
            "--key-size",
            "256",
        ),
        (
            &["--key-type", "ec", "--key-size", "384", "--curve", "P-256"],
            "--curve",
            "P-256",
        ),
        (
            &["--key-type", "ed25519", "--key-size", "448"],
            "--key-size",
            "Ed25519",
        ),
        (&["--key-type", "dsa"], "--key-type", "rsa"),
    ];
    for (args, field, hint) in cases {
        let mut c = csrkit(&ks);
        c.args(["generate", "x"]).args(cn).args(*args);
        let err = refuse(&ks, &mut c, 2, field);
        assert!(err.contains(hint), "{args:?}: {err}");
    }
    // Key flags on a regenerate that reuses the key are refused too.
    let mut c = csrkit(&ks);
    c.args(["regenerate", "plain", "--key-type", "rsa"]);
    refuse(&ks, &mut c, 2, "--new-key");
}

#[test]
fn bad_record_names_are_refused() {
    let (dir, ks) = setup();
    let n65 = "a".repeat(65);
    for name in [
        "a/b",
        "..",
        ".",
        "../escape",
        "-a",
        ".hidden",
        "a b",
        "é",
        n65.as_str(),
        "a\\b",
    ] {
        let mut c = csrkit(&ks);
        c.args([
            "generate",
            "--cn",
            "a.example.com",
            "--key-type",
            "ec",
            "--no-passphrase",
            "--",
            name,
        ]);
        refuse(&ks, &mut c, 2, "NAME");
    }
    // Through a request body, including NUL (argv cannot carry one).
    for name in ["a\\u0000b", "../x", "-a", "a/b", &n65] {
        let f = dir.path().join("req.json");
        std::fs::write(
            &f,
            format!(r#"{{"name":"{name}","common_name":"a.example.com","key_type":"ec"}}"#),
        )
        .unwrap();
        let mut c = csrkit(&ks);
        c.args(["generate", "--no-passphrase", "--request"]).arg(&f);
        refuse(&ks, &mut c, 2, "NAME");
    }
    // NUL in a subject value through a request body.
    let f = dir.path().join("nul.json");
    std::fs::write(
        &f,
        r#"{"common_name":"a\u0000b.example.com","key_type":"ec"}"#,
    )
    .unwrap();
    refuse(
        &ks,
        gen(&ks, &[]).arg("--request").arg(&f),
        2,
        "--common-name",
    );
    // A name that does not exist is "not found", never a path escape.
    refuse(
        &ks,
        csrkit(&ks).args(["show", "../ks/records/plain"]),
        3,
        "no record",
    );
    refuse(&ks, csrkit(&ks).args(["show", "nosuch"]), 3, "nosuch");
}

#[test]
fn malformed_and_oversized_request_files_are_refused() {
    let (dir, ks) = setup();
    let write = |name: &str, data: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, data).unwrap();
        p
    };
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let files: Vec<(PathBuf, &str)> = vec![
        (write("text.json", b"hello"), "--request"),
        (write("empty.json", b""), "--request"),
        (
            write(
                "unknown.json",
                br#"{"common_name":"a.example.com","bogus":1}"#,
            ),
            "bogus",
        ),
        (write("type.json", br#"{"common_name":5}"#), "--request"),
        (write("array.json", br#"[1,2,3]"#), "--request"),
        (
            write("utf8.json", b"{\"common_name\":\"\xff\xfe\"}"),
            "--request",
        ),
        (
            write(
                "trailing.json",
                br#"{"common_name":"a.example.com"} {"x":1}"#,
            ),
            "--request",
        ),
        (write("deep.json", deep.as_bytes()), "--request"),
        (
            write(
                "dup.json",
                br#"{"common_name":"a.example.com","common_name":"b.example.com"}"#,
            ),
            "--request",
        ),
        (
            write(
                "bad-dns.json",
                br#"{"common_name":"a.example.com","dns":["a..b"]}"#,
            ),
            "--dns",
        ),
        (
            write(
                "bad-size.json",
                br#"{"common_name":"a.example.com","key_type":"rsa","key_size":1024}"#,
            ),
            "--key-size",
        ),
        (
            write(
                "huge-num.json",
                br#"{"common_name":"a.example.com","key_size":99999999999999999999}"#,
            ),
            "--request",
        ),
    ];
    for (f, needle) in &files {
        refuse(&ks, gen(&ks, &[]).arg("--request").arg(f), 2, needle);
    }
    refuse(
        &ks,
        &mut gen(&ks, &["--request", "/nonexistent/req.json"]),
        3,
        "--request",
    );
    refuse(
        &ks,
        gen(&ks, &["--request"]).arg(dir.path()),
        2,
        "--request",
    );

    // A 1 GiB sparse file is refused from its size, without reading it.
    let big = dir.path().join("big.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let t = Instant::now();
    refuse(
        &ks,
        gen(&ks, &[]).arg("--request").arg(&big),
        2,
        "--request",
    );
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "took {:?}",
        t.elapsed()
    );
    let t = Instant::now();
    refuse(
        &ks,
        csrkit(&ks).args(["show", "--file"]).arg(&big),
        2,
        "--file",
    );
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "took {:?}",
        t.elapsed()
    );
}

/// An endless request on stdin: csrkit stops reading after its limit
/// (1 MiB + 1) and refuses; the writer sees a closed pipe long before
/// its 64 MiB budget.
#[test]
fn oversized_stdin_is_refused_without_reading_it_all() {
    let (_d, ks) = setup();
    for args in [
        vec![
            "generate",
            "x",
            "--key-type",
            "ec",
            "--no-passphrase",
            "--request",
            "-",
        ],
        vec!["show", "--file", "-"],
    ] {
        let before = snapshot(&ks);
        let t = Instant::now();
        let mut child = csrkit(&ks)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            let chunk = vec![b' '; 64 * 1024];
            let mut written = 0usize;
            while written < 64 << 20 {
                match stdin.write(&chunk) {
                    Ok(n) => written += n,
                    Err(_) => break,
                }
            }
            written
        });
        let out = child.wait_with_output().unwrap();
        let written = writer.join().unwrap();
        no_panic(&out);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(text(&out.stderr).contains(if args[0] == "show" {
            "--file"
        } else {
            "--request"
        }));
        assert!(
            written < 8 << 20,
            "{args:?}: csrkit read {written} bytes of stdin"
        );
        assert!(t.elapsed() < Duration::from_secs(5));
        assert_same(&before, &snapshot(&ks), &format!("{args:?}"));
    }
}

fn der_of(ks: &Path, name: &str) -> Vec<u8> {
    let out = run(csrkit(ks).args(["download", name, "--der"]));
    assert!(out.status.success());
    out.stdout
}

fn pem_wrap(label: &str, der: &[u8]) -> String {
    let out = Command::new("openssl")
        .args(["base64", "-A"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(der)?;
            c.wait_with_output()
        })
        .unwrap();
    let b64 = text(&out.stdout);
    let lines: Vec<&str> = b64
        .trim()
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

#[test]
fn bad_csr_files_are_refused() {
    let (dir, ks) = setup();
    let der = der_of(&ks, "plain");
    let good = dir.path().join("good.der");
    std::fs::write(&good, &der).unwrap();
    ok(csrkit(&ks).args(["show", "--file"]).arg(&good));
    let pem = pem_wrap("CERTIFICATE REQUEST", &der);

    let write = |name: &str, data: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, data).unwrap();
        p
    };
    let mut bad = vec![
        write("empty", b""),
        write("spaces", b"   \n\n"),
        write("garbage", &[0x42u8; 300]),
        write("truncated.der", &der[..der.len() / 2]),
        write("truncated1.der", &der[..der.len() - 1]),
        write("extra.der", &[der.as_slice(), b"x"].concat()),
        write("seq-garbage.der", &[0x30, 0x82, 0xff, 0xff, 0x01]),
        write(
            "cert-label.pem",
            pem.replace("CERTIFICATE REQUEST", "CERTIFICATE").as_bytes(),
        ),
        write(
            "key-label.pem",
            pem.replace("CERTIFICATE REQUEST", "PRIVATE KEY").as_bytes(),
        ),
        write("bad-b64.pem", pem.replace('A', "!").as_bytes()),
        write("truncated.pem", &pem.as_bytes()[..pem.len() / 2]),
        write(
            "no-end.pem",
            pem.replace("-----END CERTIFICATE REQUEST-----\n", "")
                .as_bytes(),
        ),
        write("text", b"this is not a CSR"),
        write("latin1", b"\xe9t\xe9 \xff"),
        write(
            "pem-of-garbage.pem",
            pem_wrap("CERTIFICATE REQUEST", b"garbage").as_bytes(),
        ),
    ];
    // Truncations of the PEM's DER at many points.
    for cut in (1..der.len()).step_by(der.len() / 10) {
        bad.push(write(
            &format!("cut{cut}.pem"),
            pem_wrap("CERTIFICATE REQUEST", &der[..cut]).as_bytes(),
        ));
    }
    for f in &bad {
        refuse(
            &ks,
            csrkit(&ks).args(["show", "--file"]).arg(f),
            2,
            "not a valid CSR",
        );
    }
    refuse(
        &ks,
        csrkit(&ks).args(["show", "--file", "/nonexistent.csr"]),
        3,
        "--file",
    );

    // A broken signature: flip a bit of the last signature byte (DER and PEM).
    let mut broken = der.clone();
    *broken.last_mut().unwrap() ^= 0x01;
    let bd = write("broken.der", &broken);
    let bp = write(
        "broken.pem",
        pem_wrap("NEW CERTIFICATE REQUEST", &broken).as_bytes(),
    );
    for f in [&bd, &bp] {
        let err = refuse(
            &ks,
            csrkit(&ks).args(["show", "--file"]).arg(f),
            7,
            "signature",
        );
        assert!(err.contains("does not verify"), "{err}");
    }
    // And a CSR whose subject was altered after signing.
    let mut altered = der.clone();
    let pos = altered.windows(5).position(|w| w == b"plain").unwrap();
    altered[pos] = b'P';
    let af = write("altered.der", &altered);
    refuse(
        &ks,
        csrkit(&ks).args(["show", "--file"]).arg(&af),
        7,
        "does not verify",
    );
}

/// A keystore copied into a fresh directory, for tests that damage it.
fn fresh() -> (tempfile::TempDir, PathBuf) {
    setup()
}

#[test]
fn corrupted_record_json_is_reported_not_trusted() {
    for garbage in [
        &b"{garbage"[..],
        b"",
        b"null",
        br#"{"id":"x"}"#,
        b"\xff\xfe",
    ] {
        let (_d, ks) = fresh();
        std::fs::write(ks.join("records/plain/record.json"), garbage).unwrap();
        let err = refuse(&ks, csrkit(&ks).args(["show", "plain"]), 1, "record.json");
        assert!(err.contains("plain"), "{err}");
        refuse(
            &ks,
            csrkit(&ks).args(["regenerate", "plain", "--description", "x"]),
            1,
            "record.json",
        );
        refuse(
            &ks,
            csrkit(&ks).args(["download", "plain"]),
            1,
            "record.json",
        );
        // The other record is still usable.
        ok(csrkit(&ks).args(["show", "enc"]));
        // delete is the way out: the damaged record goes, named.
        let out = run(csrkit(&ks).args(["delete", "plain", "--yes"]));
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(!ks.join("records/plain").exists());
    }
    // A record.json larger than 1 MiB is refused without reading it.
    let (_d, ks) = fresh();
    std::fs::File::create(ks.join("records/plain/record.json"))
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    refuse(&ks, csrkit(&ks).args(["show", "plain"]), 1, "record.json");
}

#[test]
fn symlinks_in_the_keystore_are_refused() {
    // key.pem, csr.pem and record.json as symlinks.
    for f in ["key.pem", "csr.pem", "record.json"] {
        let (d, ks) = fresh();
        let target = d.path().join(format!("outside-{f}"));
        let p = ks.join("records/plain").join(f);
        std::fs::rename(&p, &target).unwrap();
        std::os::unix::fs::symlink(&target, &p).unwrap();
        for args in [
            vec!["show", "plain"],
            vec!["download", "plain"],
            vec!["regenerate", "plain", "--description", "x"],
        ] {
            // show/download need no key: a symlinked key.pem is refused anyway.
            refuse(&ks, csrkit(&ks).args(&args), 2, "symbolic link");
        }
    }
    // A record directory that is a symlink (to a real record elsewhere).
    let (_d, ks) = fresh();
    let (_d2, ks2) = fresh();
    std::os::unix::fs::symlink(ks2.join("records/plain"), ks.join("records/evil")).unwrap();
    for args in [
        vec!["show", "evil"],
        vec!["download", "evil"],
        vec!["regenerate", "evil", "--description", "x"],
    ] {
        refuse(&ks, csrkit(&ks).args(&args), 2, "symbolic link");
    }
    // Nothing was written through the link; delete removes the link
    // itself, never what it points at.
    let before2 = snapshot(&ks2);
    let _ = run(csrkit(&ks).args(["regenerate", "evil", "--description", "x"]));
    let out = run(csrkit(&ks).args(["delete", "evil", "--yes"]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::symlink_metadata(ks.join("records/evil")).is_err());
    assert_same(&before2, &snapshot(&ks2), "the symlink target");
}

#[test]
fn loose_permissions_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let chmod =
        |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    for (rel, mode, needle) in [
        ("", 0o770, "writable by group"),
        ("", 0o707, "writable by group or others"),
        ("records", 0o777, "writable by group"),
        ("records/plain", 0o770, "writable by group"),
    ] {
        let (_d, ks) = fresh();
        chmod(&ks.join(rel), mode);
        // A loose record directory concerns that record only.
        if rel != "records/plain" {
            refuse(&ks, &mut gen(&ks, &["--cn", "a.example.com"]), 2, needle);
        }
        {
            refuse(
                &ks,
                csrkit(&ks).args(["regenerate", "plain", "--description", "x"]),
                2,
                needle,
            );
        }
    }
    // A key readable by others is refused before it is used.
    let (_d, ks) = fresh();
    chmod(&ks.join("records/plain/key.pem"), 0o644);
    refuse(
        &ks,
        csrkit(&ks).args(["regenerate", "plain", "--description", "x"]),
        2,
        "key.pem",
    );
}

#[test]
fn read_only_keystore_is_refused_cleanly() {
    let (d, ks) = fresh();
    if is_root() {
        // Root ignores permission bits: use a read-only tmpfs instead.
        let mnt = d.path().join("mnt");
        let Some(fs) = Tmpfs::mount(&mnt, "size=4m,mode=0700") else {
            eprintln!("SKIPPED read-only keystore: running as root and cannot mount a tmpfs");
            return;
        };
        let ks = mnt.join("ks");
        ok(csrkit(&ks).args(gen_args("plain")));
        assert!(fs.remount("ro"), "remount ro");
        read_only_checks(&ks);
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    for p in [ks.clone(), ks.join("records")] {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o500)).unwrap();
    }
    read_only_checks(&ks);
    for p in [ks.clone(), ks.join("records")] {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
}

fn read_only_checks(ks: &Path) {
    for args in [
        gen_args("new"),
        vec![
            "regenerate".into(),
            "plain".into(),
            "--description".into(),
            "x".into(),
        ],
        vec!["delete".into(), "plain".into(), "--yes".into()],
    ] {
        refuse(ks, csrkit(ks).args(&args), 1, "not writable");
    }
    // Readers still work.
    ok(csrkit(ks).args(["show", "plain"]));
    ok(csrkit(ks).args(["download", "plain"]));
}

#[test]
#[cfg_attr(not(feature = "failpoints"), ignore = "needs --features failpoints")]
fn full_disk_is_refused_cleanly() {
    // Injected: every write step of a commit fails with ENOSPC.
    let (_d, ks) = fresh();
    for step in ["write:key.pem", "write:csr.pem", "write:record.json"] {
        let mut c = gen(&ks, &["--cn", "a.example.com"]);
        c.env("CSRKIT_TEST_FAIL_AT", step);
        let err = refuse(&ks, &mut c, 1, "No space left");
        assert!(err.contains("file system is full"), "{step}: {err}");
    }
    // Failing at the final rename: the id was already spent (ids are never
    // reused, gaps are fine); everything else is unchanged.
    let before = snapshot(&ks);
    let out = run(gen(&ks, &["--cn", "a.example.com"]).env("CSRKIT_TEST_FAIL_AT", "create:rename"));
    no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("No space left"));
    let mut after = snapshot(&ks);
    // The lock file's journal holds the next id: spent, so now 4.
    let lock = Path::new(".lock");
    match after.remove(lock) {
        Some(Node::File(0o600, bytes)) => {
            let text = String::from_utf8(bytes).unwrap();
            assert!(text.contains("next-id 4\n"), "{text}");
            assert!(!text.contains("pending"), "{text}");
        }
        other => panic!("lock file: {other:?}"),
    }
    let mut before_wo = before.clone();
    before_wo.remove(lock);
    assert_same(&before_wo, &after, "create:rename");
    for step in [
        "write:key.pem",
        "write:csr.pem",
        "write:record.json",
        "replace:exchange",
    ] {
        let mut c = csrkit(&ks);
        c.args(["regenerate", "plain", "--description", "x"])
            .env("CSRKIT_TEST_FAIL_AT", step);
        refuse(&ks, &mut c, 1, "No space left");
    }
    ok(csrkit(&ks).args(gen_args("after")));
    assert_eq!(check_keystore(&ks, Some(PASS))["after"].id, 4);

    // Real: a tiny tmpfs filled to the brim (root only).
    let mnt = _d.path().join("mnt");
    let Some(_fs) = Tmpfs::mount(&mnt, "size=256k,mode=0700") else {
        eprintln!("real full-disk case skipped (not root or mount not permitted); the injected one above ran");
        return;
    };
    let ks = mnt.join("ks");
    ok(csrkit(&ks).args(gen_args("plain")));
    // Fill the file system with a file outside the keystore.
    let mut fill = std::fs::File::create(mnt.join("fill")).unwrap();
    let chunk = vec![0u8; 4096];
    while fill.write_all(&chunk).is_ok() {}
    drop(fill);
    refuse(
        &ks,
        &mut gen(&ks, &["--cn", "a.example.com"]),
        1,
        "No space left",
    );
    refuse(
        &ks,
        csrkit(&ks).args([
            "regenerate",
            "plain",
            "--new-key",
            "--key-type",
            "ec",
            "--no-passphrase",
        ]),
        1,
        "No space left",
    );
    ok(csrkit(&ks).args(["show", "plain"]));
    std::fs::remove_file(mnt.join("fill")).unwrap();
    ok(csrkit(&ks).args(gen_args("after")));
    assert!(temporaries(&ks).is_empty());
    check_keystore(&ks, None);
}

#[test]
fn wrong_or_missing_passphrase_leaves_the_record_untouched() {
    let (d, ks) = fresh();
    let mut c = csrkit(&ks);
    c.args(["regenerate", "enc", "--dns", "new.example.com"])
        .env("CSRKIT_PASSPHRASE", "wrong-pass");
    refuse(&ks, &mut c, 6, "passphrase");
    let pf = d.path().join("pass");
    std::fs::write(&pf, "also-wrong\n").unwrap();
    let mut c = csrkit(&ks);
    c.args(["regenerate", "enc", "--passphrase-file"]).arg(&pf);
    refuse(&ks, &mut c, 6, "passphrase");
    let mut c = csrkit(&ks);
    c.args(["regenerate", "enc", "--passphrase-env", "CSRKIT_TEST_NOPE"]);
    refuse(&ks, &mut c, 2, "--passphrase-env");
    refuse(
        &ks,
        csrkit(&ks).args(["regenerate", "enc"]),
        2,
        "--passphrase-file",
    );
    std::fs::write(&pf, "\n").unwrap();
    let mut c = csrkit(&ks);
    c.args(["regenerate", "enc", "--passphrase-file"]).arg(&pf);
    refuse(&ks, &mut c, 2, "passphrase");
    // The right one works.
    ok(csrkit(&ks)
        .args(["regenerate", "enc", "--dns", "new.example.com"])
        .env("CSRKIT_PASSPHRASE", PASS));
    assert_eq!(
        check_record(&ks.join("records/enc"), Some(PASS)).revision,
        2
    );
}

/// Running out of file descriptors mid-commit (the limit is lowered so that
/// the lock and the first files open but not all of them) is an internal
/// error with a hint that names the fix, and leaves the keystore as it was.
#[test]
fn descriptor_exhaustion_is_refused_cleanly() {
    use std::os::unix::process::CommandExt;
    let (_dir, ks) = setup();
    for limit in [5u64, 6, 7] {
        let mut cmd = gen(&ks, &["--cn", "x.example.com"]);
        // SAFETY: setrlimit is async-signal-safe and touches only the child.
        unsafe {
            cmd.pre_exec(move || {
                let lim = libc::rlimit {
                    rlim_cur: limit,
                    rlim_max: limit,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
        let err = refuse(&ks, &mut cmd, 1, "Too many open files");
        assert!(err.contains("ulimit -n"), "limit {limit}: {err}");
    }
    assert!(temporaries(&ks).is_empty(), "{:?}", temporaries(&ks));
}

/// An argument that is not UTF-8 (a file name may hold any bytes) is exit
/// 2 with one error line, in every position, never a panic.
#[test]
fn arguments_that_are_not_utf8_are_exit_2() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let ks = Ks::new();
    let bad = OsStr::from_bytes(b"n/\xff.pem");
    for args in [
        vec![OsStr::new("show"), OsStr::new("--file"), bad],
        vec![
            OsStr::new("generate"),
            OsStr::new("x"),
            OsStr::new("--cn"),
            OsStr::new("a.example.com"),
            OsStr::new("--organization"),
            OsStr::from_bytes(b"Evil\xffCorp"),
            OsStr::new("--no-passphrase"),
        ],
        vec![
            OsStr::new("--format"),
            OsStr::new("json"),
            OsStr::new("show"),
            bad,
        ],
    ] {
        let o = csrkit(&ks.root()).args(&args).output().unwrap();
        no_panic(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(
            err.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "{err}"
        );
        assert!(err.contains("not UTF-8"), "{err}");
    }
    assert!(!ks.root().join("records").exists());
}

/// A request body is one JSON object. serde alone takes a JSON array as a
/// struct's fields in order (`["x.example.com"]` as its first field):
/// every request format refuses an array, a string and an empty body
/// (exit 2, naming --request), and writes nothing.
#[test]
fn request_bodies_that_are_not_one_json_object_are_refused() {
    let (dir, ks) = setup();
    let body = dir.path().join("body.json");
    for format in ["native", "arcgis", "qradar", "sbc", "nsx", "xclarity"] {
        for text in [
            r#"["x.example.com"]"#,
            r#"[{"common_name":"x.example.com"}]"#,
            r#""x.example.com""#,
            "   ",
        ] {
            std::fs::write(&body, text).unwrap();
            let err = refuse(
                &ks,
                &mut gen(
                    &ks,
                    &[
                        "--request",
                        body.to_str().unwrap(),
                        "--request-format",
                        format,
                    ],
                ),
                2,
                "--request",
            );
            assert!(!err.contains("expected struct"), "{format} {text}: {err}");
        }
    }
}
