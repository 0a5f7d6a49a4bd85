//! Interactive prompts in a real pseudo-terminal (tests/pty_driver.py),
//! and the guarantee that nothing ever waits for input without one.

use crate::support;

use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use support::*;

/// Runs `program args` in a pseudo-terminal on the keystore, typing the
/// script's replies; the exit code and the transcript (with the driver's
/// last line on the terminal's state).
fn pty(ks: &Ks, script: &[(&str, &str)], program: &[&str], cols: u16) -> (i32, String) {
    let script_path = ks.file(
        "script.json",
        serde_json::to_string(script).unwrap().as_bytes(),
    );
    let bin = assert_cmd::cargo::cargo_bin("csrkit");
    let o = TestEnv::at(ks.dir.path())
        .apply(&mut StdCommand::new("python3"))
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pty_driver.py"))
        .arg(&script_path)
        .arg("--")
        .args(program)
        .env("CSRKIT_BIN", &bin)
        .env("CSRKIT_KEYSTORE", ks.root())
        .env("CSRKIT_CONFIG", ks.dir.path().join("config.toml"))
        .env("PTY_COLS", cols.to_string())
        .env_remove("CI")
        .env_remove("CSRKIT_NO_INPUT")
        .env_remove("CSRKIT_PASSPHRASE")
        .env_remove("CSRKIT_PASSPHRASE_FILE")
        .env_remove("CSRKIT_NO_PASSPHRASE")
        .env("TERM", "xterm")
        .output()
        .expect("python3 runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

fn run_pty(ks: &Ks, script: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let bin = assert_cmd::cargo::cargo_bin("csrkit");
    let mut program = vec![bin.to_str().unwrap()];
    program.extend_from_slice(args);
    pty(ks, script, &program, 160)
}

/// The terminal as csrkit left it: cursor shown, echo and line mode on.
fn assert_terminal_restored(transcript: &str) {
    assert!(
        transcript.contains("[pty_driver] cursor=visible echo=on icanon=on"),
        "{transcript}"
    );
}

#[test]
fn generate_asks_for_what_is_missing_in_a_terminal() {
    let ks = Ks::new();
    let down = "\x1b[B";
    let script: Vec<(&str, &str)> = vec![
        ("Common name", "pty.example.com\r"),
        ("Country", "USA\r"),
        // A bad country is refused in the prompt's words and asked again.
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
        // The Enter after "y" belongs to this answer, not to the passphrase.
        ("Generate this CSR", "y\r"),
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
    // The passphrase was asked once: no stray Enter answered it empty.
    let before_repeat = transcript.split("Repeat the passphrase").next().unwrap();
    assert_eq!(
        before_repeat
            .matches("Passphrase for the new private key")
            .count(),
        1,
        "{transcript}"
    );
    // Errors speak the prompt's words, not flag names.
    assert!(
        transcript.contains("'USA' is not an ISO 3166"),
        "{transcript}"
    );
    assert!(!transcript.contains("--country"), "{transcript}");
    assert_terminal_restored(&transcript);
}

#[test]
fn a_common_name_alone_still_asks_for_the_rest() {
    let ks = Ks::new();
    // The config file's defaults are what Enter gives.
    std::fs::write(
        ks.dir.path().join("config.toml"),
        "organization = \"Cfg Org\"\ncountry = \"FR\"\nkey_type = \"ec\"\n",
    )
    .unwrap();
    let script: Vec<(&str, &str)> = vec![
        ("Country", "\r"),
        ("State", "\r"),
        ("Locality", "\r"),
        ("Organization", "\r"),
        ("Organizational unit", "Web\r"),
        ("Email address", "\r"),
        ("SANs", "\r"),
        ("Key type", "\r"),
        ("Curve", "\r"),
        ("Purpose", "\r"),
        ("Generate this CSR", "\r"),
        ("Passphrase for the new private key", "pw\r"),
        ("Repeat", "pw\r"),
    ];
    let (code, transcript) = run_pty(&ks, &script, &["generate", "--cn", "cn.example.com"]);
    assert_eq!(code, 0, "{transcript}");
    let csr = ks.csr_path("cn.example.com");
    assert_eq!(req_subject(&csr), "CN=cn.example.com,OU=Web,O=Cfg Org,C=FR");
    let text = req_text(&csr);
    assert!(text.contains("DNS:cn.example.com"), "{text}");
    assert!(text.contains("NIST CURVE: P-256"), "{text}");
    // The long SAN prompt is short now: it fits an 80-column terminal.
    let san_line = transcript
        .lines()
        .find(|l| l.contains("SANs") && l.contains("DNS:cn.example.com"))
        .unwrap_or_default();
    assert!(
        !san_line.is_empty() && san_line.chars().count() < 60,
        "{san_line:?}"
    );
}

#[test]
fn declining_generate_is_not_a_failure() {
    let ks = Ks::new();
    let mut script: Vec<(&str, &str)> = ["Country", "State", "Locality", "Organization"]
        .into_iter()
        .map(|p| (p, "\r"))
        .collect();
    script.extend([
        ("Organizational unit", "\r"),
        ("Email address", "\r"),
        ("SANs", "\r"),
        ("Purpose", "\r"),
        ("Generate this CSR", "no\r"),
    ]);
    let (code, transcript) = run_pty(
        &ks,
        &script,
        &[
            "generate",
            "--cn",
            "no.example.com",
            "--key-type",
            "ed25519",
        ],
    );
    assert_eq!(code, 0, "{transcript}");
    assert!(transcript.contains("nothing was written"), "{transcript}");
    assert!(!ks.record("no.example.com").exists());
}

#[test]
fn flags_given_are_not_asked_and_delete_asks() {
    let ks = Ks::new();
    // A whole --subject and a SAN, key and purpose: only the passphrase
    // is asked.
    let script = vec![
        ("Passphrase for the new private key", "pw-two\r"),
        ("Repeat", "pw-two\r"),
    ];
    let (code, transcript) = run_pty(
        &ks,
        &script,
        &[
            "generate",
            "f",
            "--subject",
            "CN=f.example.com,O=F",
            "--key-type",
            "ec",
        ],
    );
    assert_eq!(code, 0, "{transcript}");
    assert!(!transcript.contains("Country"), "{transcript}");
    assert_key_matches(&ks, "f", Some("pw-two"));
    // regenerate asks for the stored key's passphrase; a wrong one is
    // asked again (three tries in all), saying so.
    let (code, transcript) = run_pty(
        &ks,
        &[
            ("Passphrase for f", "wrong\r"),
            ("Wrong passphrase", "still wrong\r"),
            ("Wrong passphrase", "pw-two\r"),
        ],
        &["regenerate", "f"],
    );
    assert_eq!(code, 0, "{transcript}");
    assert!(transcript.contains("Regenerated record f"), "{transcript}");
    let (code, transcript) = run_pty(
        &ks,
        &[
            ("Passphrase for f", "a\r"),
            ("Wrong passphrase", "b\r"),
            ("1 more try", "c\r"),
        ],
        &["regenerate", "f"],
    );
    assert_eq!(code, 6, "{transcript}");
    // delete asks; "n" + Enter keeps the record.
    let (code, transcript) = run_pty(&ks, &[("Delete record f", "n\r")], &["delete", "f"]);
    assert_eq!(code, 0, "{transcript}");
    assert!(ks.record("f").exists());
    let (code, transcript) = run_pty(&ks, &[("Delete record f", "y\r")], &["delete", "f"]);
    assert_eq!(code, 0, "{transcript}");
    assert!(!ks.record("f").exists());
}

#[test]
fn yes_is_one_answer_and_leaves_nothing_for_the_shell() {
    let ks = Ks::new();
    ks.generate_ec("g");
    // The shell reads what csrkit left unread: "es" if it took only "y".
    let (code, transcript) = pty(
        &ks,
        &[("Delete record g", "yes\r"), ("Deleted record g", "next\r")],
        &[
            "sh",
            "-c",
            "\"$CSRKIT_BIN\" delete g; read rest; echo \"LEFT[$rest]\"",
        ],
        160,
    );
    assert_eq!(code, 0, "{transcript}");
    assert!(transcript.contains("LEFT[next]"), "{transcript}");
    assert!(!ks.record("g").exists());
}

#[test]
fn ctrl_c_at_a_menu_a_question_or_a_passphrase_restores_the_terminal() {
    let ks = Ks::new();
    // At the key type menu (which hides the cursor).
    let all_but_key = [
        "generate",
        "m",
        "--cn",
        "m.example.com",
        "--dns",
        "m.example.com",
        "--country",
        "DE",
        "--state",
        "B",
        "--locality",
        "B",
        "--org",
        "O",
        "--ou",
        "U",
        "--email-address",
        "a@example.com",
    ];
    let (code, transcript) = run_pty(&ks, &[("Key type", "\x03")], &all_but_key);
    assert_eq!(code, 130, "{transcript}");
    assert_terminal_restored(&transcript);
    assert!(!ks.record("m").exists());
    // At a yes/no question.
    ks.generate_ec("q");
    let (code, transcript) = run_pty(&ks, &[("Delete record q", "\x03")], &["delete", "q"]);
    assert_eq!(code, 130, "{transcript}");
    assert_terminal_restored(&transcript);
    assert!(ks.record("q").exists());
    // At a passphrase prompt (which turns echo off).
    let (code, transcript) = run_pty(
        &ks,
        &[("Passphrase for the new private key", "\x03")],
        &[
            "generate",
            "p",
            "--subject",
            "CN=p.example.com",
            "--key-type",
            "ec",
        ],
    );
    assert_eq!(code, 130, "{transcript}");
    assert_terminal_restored(&transcript);
    assert!(!ks.record("p").exists());
}

#[test]
fn an_empty_passphrase_is_refused_saying_why() {
    let ks = Ks::new();
    let (code, transcript) = run_pty(
        &ks,
        &[
            ("Passphrase for the new private key", "\r"),
            ("passphrase is empty", "pw3\r"),
            ("Repeat", "pw3\r"),
        ],
        &[
            "generate",
            "e",
            "--subject",
            "CN=e.example.com",
            "--key-type",
            "ec",
        ],
    );
    assert_eq!(code, 0, "{transcript}");
    assert_key_matches(&ks, "e", Some("pw3"));
}

#[test]
fn passwd_asks_for_the_old_and_the_new_passphrase() {
    let ks = Ks::new();
    ks.generate_ec("k");
    // An unencrypted key: only the new passphrase, twice.
    let (code, transcript) = run_pty(
        &ks,
        &[("New passphrase for k", "n1\r"), ("Repeat", "n1\r")],
        &["passwd", "k"],
    );
    assert_eq!(code, 0, "{transcript}");
    assert_key_matches(&ks, "k", Some("n1"));
    let (code, transcript) = run_pty(
        &ks,
        &[
            ("Passphrase for k", "n1\r"),
            ("New passphrase for k", "n2\r"),
            ("Repeat", "n2\r"),
        ],
        &["passwd", "k"],
    );
    assert_eq!(code, 0, "{transcript}");
    assert_key_matches(&ks, "k", Some("n2"));
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
            .env("CSRKIT_CONFIG", ks.dir.path().join("config.toml"))
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

#[test]
fn challenge_password_is_asked_hidden_and_twice() {
    let ks = Ks::new();
    let script = [
        ("Challenge password for the CSR", "Typed-Challenge-9\r"),
        ("Repeat the challenge password", "Typed-Challenge-9\r"),
    ];
    let (code, transcript) = run_pty(
        &ks,
        &script,
        &[
            "generate",
            "cp",
            // A whole DN: the interview asks nothing more.
            "--subject",
            "CN=cp.example.com",
            "--no-passphrase",
            "--challenge-password-prompt",
        ],
    );
    assert_eq!(code, 0, "{transcript}");
    // Never echoed; in the CSR, and nowhere in record.json.
    assert!(!transcript.contains("Typed-Challenge-9"), "{transcript}");
    assert_terminal_restored(&transcript);
    assert!(req_text(&ks.csr_path("cp")).contains("challengePassword        :Typed-Challenge-9"));
    let record = std::fs::read_to_string(ks.record("cp").join("record.json")).unwrap();
    assert!(!record.contains("Typed-Challenge-9"), "{record}");
}
