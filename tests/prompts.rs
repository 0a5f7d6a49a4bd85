//! Interactive prompts in a real pseudo-terminal, and the guarantee that
//! nothing ever waits for input without one.

mod support;

use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use support::*;

fn run_pty(ks: &Ks, script: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let script_path = ks.file(
        "script.json",
        serde_json::to_string(script).unwrap().as_bytes(),
    );
    let bin = assert_cmd::cargo::cargo_bin("csrkit");
    let o = StdCommand::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pty_driver.py"))
        .arg(&script_path)
        .arg("--")
        .arg(bin)
        .args(args)
        .env("CSRKIT_KEYSTORE", ks.root())
        .env_remove("CI")
        .env_remove("CSRKIT_NO_INPUT")
        .env_remove("CSRKIT_PASSPHRASE")
        .env("TERM", "xterm")
        .output()
        .expect("python3 runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn generate_asks_for_what_is_missing_in_a_terminal() {
    let ks = Ks::new();
    let down = "\x1b[B";
    let script: Vec<(&str, &str)> = vec![
        ("Common name", "pty.example.com\r"),
        ("Country", "USA\r"),
        // A bad country is refused and asked again.
        ("ISO 3166", "de\r"),
        ("State", "Berlin\r"),
        ("Locality", "\r"),
        ("Organization", "Pty Org\r"),
        ("Organizational unit", "\r"),
        ("Email address", "\r"),
        ("SANs", "pty.example.com, 192.0.2.44\r"),
        ("Key type", down),
        ("EC", "\r"),
        ("Curve", "\r"),
        ("Purpose", "\r"),
        ("Generate this CSR", "y"),
        ("Passphrase for the new private key", "pty secret 1\r"),
        ("Repeat", "pty secret 1\r"),
    ];
    let (code, transcript) = run_pty(&ks, &script, &["generate"]);
    assert_eq!(code, 0, "{transcript}");
    let csr = ks.csr_path("pty.example.com");
    assert_verifies(&csr);
    assert_eq!(
        req_subject(&csr),
        "CN=pty.example.com,O=Pty Org,ST=Berlin,C=DE"
    );
    let text = req_text(&csr);
    assert!(text.contains("NIST CURVE: P-256"), "{text}");
    assert!(
        text.contains("DNS:pty.example.com") && text.contains("IP Address:192.0.2.44"),
        "{text}"
    );
    assert!(text.contains("TLS Web Server Authentication"), "{text}");
    assert_key_matches(&ks, "pty.example.com", Some("pty secret 1"));
    assert!(
        !transcript.contains("pty secret 1"),
        "the passphrase was echoed"
    );
}

#[test]
fn flags_given_are_not_asked_and_delete_asks() {
    let ks = Ks::new();
    // Everything required is given: only the passphrase is asked.
    let script = vec![
        ("Passphrase for the new private key", "pw-two\r"),
        ("Repeat", "pw-two\r"),
    ];
    let (code, transcript) = run_pty(
        &ks,
        &script,
        &["generate", "f", "--cn", "f.example.com", "--key-type", "ec"],
    );
    assert_eq!(code, 0, "{transcript}");
    assert!(!transcript.contains("Country"), "{transcript}");
    assert_key_matches(&ks, "f", Some("pw-two"));
    // regenerate asks for the stored key's passphrase; a wrong one is exit 6.
    let (code, transcript) = run_pty(
        &ks,
        &[("Passphrase for f", "wrong\r")],
        &["regenerate", "f"],
    );
    assert_eq!(code, 6, "{transcript}");
    // delete asks; "n" keeps the record.
    let (code, transcript) = run_pty(&ks, &[("Delete record f", "n")], &["delete", "f"]);
    assert_eq!(code, 0, "{transcript}");
    assert!(ks.record("f").exists());
    let (code, transcript) = run_pty(&ks, &[("Delete record f", "y")], &["delete", "f"]);
    assert_eq!(code, 0, "{transcript}");
    assert!(!ks.record("f").exists());
}

#[test]
fn nothing_waits_for_input_without_a_terminal() {
    let ks = Ks::new();
    // stdin is an open pipe that never delivers anything, CI is unset:
    // csrkit must not read it, and must exit 2 naming what is missing.
    let bin = assert_cmd::cargo::cargo_bin("csrkit");
    for args in [
        vec!["generate"],
        vec!["generate", "x", "--cn", "x.example.com"],
    ] {
        let start = Instant::now();
        let mut child = StdCommand::new(&bin)
            .args(&args)
            .env("CSRKIT_KEYSTORE", ks.root())
            .env_remove("CI")
            .env_remove("CSRKIT_NO_INPUT")
            .env_remove("CSRKIT_PASSPHRASE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _keep_open = child.stdin.take();
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{args:?} waited for input"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.contains("--common-name") || err.contains("--passphrase-file"),
            "{err}"
        );
    }
    assert!(!ks.root().join("records/x").exists());
}
