//! What a new user should not meet (issue 26, "Friction"): suggestions
//! for common mistakes, words and spellings that agree across commands,
//! and a typo'd keystore that is not taken for an empty one. Each runs the
//! binary.

use crate::support;

use std::process::Command as StdCommand;

use support::*;

fn run(c: &mut assert_cmd::Command) -> std::process::Output {
    let o = c.output().unwrap();
    no_panic(&o);
    o
}

#[test]
fn common_mistakes_get_a_suggestion() {
    let ks = Ks::new();
    let gen = |extra: &[&str]| {
        let mut args = vec!["generate", "t", "--cn", "t.example.com", "--no-passphrase"];
        args.extend_from_slice(extra);
        run(ks.cmd().args(&args))
    };
    let o = gen(&["--dns", "https://b.example.com"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is a URL") && stderr(&o).contains("--uri"),
        "{}",
        stderr(&o)
    );
    let o = gen(&["--dns", "10.0.0.2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is an IP address") && stderr(&o).contains("--ip"),
        "{}",
        stderr(&o)
    );
    let o = gen(&["--san", "https://b.example.com/x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("uri:https://b.example.com/x"),
        "{}",
        stderr(&o)
    );
    let o = gen(&["--country", "UK"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("GB"), "{}", stderr(&o));
    // The CN given as the record's NAME.
    let o = run(ks
        .cmd()
        .args(["generate", "www.example.com", "--no-passphrase"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--cn www.example.com"),
        "{}",
        stderr(&o)
    );
    assert!(!ks.root().join("records").exists() || record_names(&ks.root()).is_empty());
}

#[test]
fn import_of_a_csr_says_it_is_a_csr() {
    let ks = Ks::new();
    ks.generate_ec("web");
    let der = ks.dir.path().join("web.der");
    let o = run(ks
        .cmd()
        .args(["download", "web", "--der", "-o", der.to_str().unwrap()]));
    assert!(o.status.success(), "{}", stderr(&o));
    for f in [ks.csr_path("web"), der] {
        let o = run(ks.cmd().args(["import", f.to_str().unwrap()]));
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("is a certificate signing request"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn a_keystore_that_does_not_exist_is_exit_3_for_list_and_expiring() {
    let ks = Ks::new();
    let typo = ks.dir.path().join("typo");
    for cmd in ["list", "expiring"] {
        let o = run(ks.cmd().args(["--keystore", typo.to_str().unwrap(), cmd]));
        assert_eq!(o.status.code(), Some(3), "{cmd}: {}", stderr(&o));
        assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
        assert!(!typo.exists());
    }
    // A keystore with nothing due says so on stderr.
    ks.generate_ec("web");
    let o = run(ks.cmd().arg("expiring"));
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("no certificate expires within"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn config_prints_a_space_after_every_key() {
    let ks = Ks::new();
    std::fs::write(
        ks.dir.path().join("config.toml"),
        "organizational_unit = \"Web\"\norganization = \"Ex\"\n",
    )
    .unwrap();
    let o = run(ks.cmd().arg("config"));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.contains("organizational_unit:"))
        .unwrap();
    assert!(line.contains("organizational_unit: "), "{out}");
    // Every value starts in one column.
    let cols: Vec<usize> = out
        .lines()
        .filter(|l| l.contains(": ") || l.contains(":  "))
        .map(|l| l.len() - l.split_once(':').unwrap().1.trim_start().len())
        .collect();
    assert!(cols.windows(2).all(|w| w[0] == w[1]), "{out}");
}

#[test]
fn batch_counts_requests_and_lines_in_words_that_agree() {
    let ks = Ks::new();
    let one = ks.file(
        "one.jsonl",
        b"{\"name\":\"b1\",\"common_name\":\"b1.example.com\",\"key_type\":\"ec\"}\n",
    );
    let o = run(ks
        .cmd()
        .args(["generate", "--no-passphrase", "--batch"])
        .arg(&one));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("batch: 1 created, 0 failed, 1 line, 1 job"),
        "{}",
        stderr(&o)
    );
    // Blank lines and comments are read, not requests; a vendor's string
    // key_size is taken.
    let mixed = ks.file(
        "mixed.jsonl",
        b"# two requests\n\n{\"name\":\"b2\",\"common_name\":\"b2.example.com\",\"key_type\":\"rsa\",\"key_size\":\"2048\"}\n\n{\"name\":\"b3\",\"common_name\":\"b3.example.com\",\"key_type\":\"ec\"}\n",
    );
    let o = run(ks
        .cmd()
        .args(["generate", "--no-passphrase", "--jobs", "1", "--batch"])
        .arg(&mixed));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("batch: 2 created, 0 failed, 2 requests in 5 lines, 1 job"),
        "{}",
        stderr(&o)
    );
    let m: serde_json::Value =
        serde_json::from_slice(&run(ks.cmd().args(["show", "b2", "--format", "json"])).stdout)
            .unwrap();
    assert_eq!(m["key"]["size"], 2048, "{m}");
}

#[test]
fn show_of_a_certificate_names_usages_as_show_of_a_csr_does() {
    let ks = Ks::new();
    let d = ks.dir.path();
    openssl_root_ca(d, "ca", "/CN=Friction CA", 30, "keyCertSign,cRLSign");
    ks.generate_ec("web");
    std::fs::write(
        d.join("leaf.ext"),
        "extendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n",
    )
    .unwrap();
    openssl_in(
        d,
        &[
            "x509",
            "-req",
            "-in",
            ks.csr_path("web").to_str().unwrap(),
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-days",
            "20",
            "-extfile",
            "leaf.ext",
            "-out",
            "leaf.pem",
        ],
    );
    let o = run(ks
        .cmd()
        .args(["show", "--file", d.join("leaf.pem").to_str().unwrap()]));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("serverAuth"), "{out}");
    assert!(out.contains("digitalSignature"), "{out}");
    assert!(!out.contains("1.3.6.1.5.5.7.3.1"), "{out}");
    assert!(!out.contains("DigitalSignature"), "{out}");
}

#[test]
fn wrong_passphrases_at_the_prompt_count_tries_in_english() {
    let ks = Ks::new();
    let o = run(ks
        .cmd_pass()
        .args(gen_args("web").iter().filter(|a| *a != "--no-passphrase")));
    assert!(o.status.success(), "{}", stderr(&o));
    let script = ks.file(
        "script.json",
        br#"[["Passphrase for", "wrong-1\n"], ["more tries", "wrong-2\n"], ["more try", "wrong-3\n"]]"#,
    );
    let o = StdCommand::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pty_driver.py"))
        .arg(&script)
        .arg("--")
        .arg(assert_cmd::cargo::cargo_bin("csrkit"))
        .args(["regenerate", "web"])
        .env("CSRKIT_KEYSTORE", ks.root())
        .env("CSRKIT_CONFIG", ks.dir.path().join("config.toml"))
        .env("TERM", "xterm")
        .env_remove("CI")
        .env_remove("CSRKIT_NO_INPUT")
        .env_remove("CSRKIT_PASSPHRASE")
        .output();
    let Ok(o) = o else {
        missing_tool("python3 (the pseudo-terminal driver)");
        return;
    };
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(t.contains("2 more tries"), "{t}");
    assert!(t.contains("1 more try"), "{t}");
    assert!(!t.contains("trys"), "{t}");
    // The last word is about the prompt, not sources never used.
    assert!(t.contains("typed at the prompt"), "{t}");
    assert!(!t.contains("check --passphrase-file"), "{t}");
}

#[test]
fn lint_of_a_ca_certificate_has_no_subscriber_san_rule() {
    let ks = Ks::new();
    let d = ks.dir.path();
    openssl_root_ca(
        d,
        "ca",
        "/CN=Lint Root CA",
        30,
        "critical,keyCertSign,cRLSign",
    );
    let o = run(ks
        .cmd()
        .args(["lint", "--file", d.join("ca.pem").to_str().unwrap()]));
    assert!(!stdout(&o).contains("san.missing"), "{}", stdout(&o));
    // A subscriber's certificate without SANs still has it.
    let o = run(ks.cmd().args([
        "generate",
        "plain",
        "--cn",
        "Jane",
        "--no-passphrase",
        "--key-type",
        "ec",
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(ks.cmd().args(["lint", "plain"]));
    assert!(stdout(&o).contains("san.missing"), "{}", stdout(&o));
}

#[test]
fn regenerate_new_key_says_why_it_asks_for_the_old_passphrase() {
    let ks = Ks::new();
    let o = run(ks
        .cmd_pass()
        .args(gen_args("web").iter().filter(|a| *a != "--no-passphrase")));
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(ks.cmd().args(["regenerate", "web", "--new-key"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--new-key does not use the old key"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_fully_specified_generate_at_a_terminal_asks_nothing() {
    let ks = Ks::new();
    let script = ks.file("script.json", b"[]");
    let o = StdCommand::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pty_driver.py"))
        .arg(&script)
        .arg("--")
        .arg(assert_cmd::cargo::cargo_bin("csrkit"))
        .args([
            "generate",
            "full",
            "--cn",
            "full.example.com",
            "--country",
            "DE",
            "--state",
            "Berlin",
            "--locality",
            "Berlin",
            "--org",
            "Example GmbH",
            "--ou",
            "Web",
            "--email-address",
            "pki@example.com",
            "--dns",
            "full.example.com",
            "--key-type",
            "ec",
            "--curve",
            "P-256",
            "--purpose",
            "server",
            "--no-passphrase",
        ])
        .env("CSRKIT_KEYSTORE", ks.root())
        .env("CSRKIT_CONFIG", ks.dir.path().join("config.toml"))
        .env("TERM", "xterm")
        .env_remove("CI")
        .env_remove("CSRKIT_NO_INPUT")
        .env_remove("CSRKIT_PASSPHRASE")
        .stdout(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = o else {
        missing_tool("python3 (the pseudo-terminal driver)");
        return;
    };
    // A question nobody answers would wait forever: a minute is a hang
    // (not a timing assertion).
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(!t.contains("Generate this CSR?"), "{t}");
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(t.contains("Created record full"), "{t}");
}

#[test]
fn a_batch_line_that_is_not_json_is_told_what_a_line_is() {
    let ks = Ks::new();
    let f = ks.file(
        "b.jsonl",
        b"hello world\n{\"name\":\"ok1\",\"common_name\":\"ok1.example.com\",\"key_type\":\"ec\"}\n",
    );
    let o = run(ks
        .cmd()
        .args(["generate", "--no-passphrase", "--batch"])
        .arg(&f));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("line 1: --batch: the line is not a request"),
        "{err}"
    );
    assert!(!err.contains("expected value at line 1 column 1"), "{err}");
    assert!(stdout(&o).contains("created ok1"), "{}", stdout(&o));
}

#[test]
fn a_new_ec_key_does_not_keep_rsa_key_encipherment() {
    let ks = Ks::new();
    // An RSA record whose request names its keyUsage bits (as SBC bodies do).
    let o = run(ks.cmd().args([
        "generate",
        "sbc",
        "--cn",
        "sbc.example.com",
        "--key-type",
        "rsa",
        "--key-size",
        "2048",
        "--key-usage",
        "digitalSignature,keyEncipherment",
        "--no-passphrase",
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(req_text(&ks.csr_path("sbc")).contains("Key Encipherment"));
    let o = run(ks.cmd().args([
        "regenerate",
        "sbc",
        "--new-key",
        "--key-type",
        "ec",
        "--no-passphrase",
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("keyEncipherment"), "{}", stderr(&o));
    let text = req_text(&ks.csr_path("sbc"));
    assert!(text.contains("Digital Signature"), "{text}");
    assert!(!text.contains("Key Encipherment"), "{text}");
}

#[test]
fn man_synopsis_names_values_and_examples_keep_the_cn_in_the_sans() {
    let ks = Ks::new();
    let dir = ks.dir.path().join("man");
    let o = run(ks.cmd().arg("man").arg(&dir).arg("--quiet"));
    assert!(o.status.success(), "{}", stderr(&o));
    let synopsis = |page: &str| {
        let text = std::fs::read_to_string(dir.join(page)).unwrap();
        text.split(".SH SYNOPSIS\n")
            .nth(1)
            .unwrap()
            .lines()
            .find(|l| l.starts_with("\\fBcsrkit"))
            .unwrap()
            .to_string()
    };
    let g = synopsis("csrkit-generate.1");
    assert!(
        g.contains("\\fB\\-\\-common\\-name\\fR \\fI<CN>\\fR"),
        "{g}"
    );
    assert!(
        g.contains("\\fB\\-j\\fR|\\fB\\-\\-jobs\\fR \\fI<N>\\fR"),
        "{g}"
    );
    let e = synopsis("csrkit-export.1");
    assert!(e.contains("\\fB\\-\\-output\\fR \\fI<FILE>\\fR"), "{e}");
    // Every example that names a CN has it among the SANs too.
    for args in [vec!["--help"], vec!["generate", "--help"]] {
        let help = stdout(&run(ks.cmd().args(&args)));
        let examples = help.split("EXAMPLES:").nth(1).unwrap_or_default();
        let joined = examples.replace("\\\n", " ");
        for line in joined.lines().filter(|l| l.contains("--cn ")) {
            let cn = line
                .split("--cn ")
                .nth(1)
                .unwrap()
                .split(' ')
                .next()
                .unwrap();
            assert!(line.contains(&format!("--dns {cn}")), "{line}");
        }
    }
}

#[test]
fn lint_file_and_show_file_say_the_same_about_bad_input() {
    let ks = Ks::new();
    ks.generate_ec("web");
    let der = ks.dir.path().join("web.der");
    let o = run(ks
        .cmd()
        .args(["download", "web", "--der", "-o", der.to_str().unwrap()]));
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&der).unwrap();
    let cut = ks.file("cut.der", &bytes[..bytes.len() / 2]);
    let show = run(ks.cmd().args(["show", "--file", cut.to_str().unwrap()]));
    let lint = run(ks.cmd().args(["lint", "--file", cut.to_str().unwrap()]));
    assert_eq!(show.status.code(), Some(2));
    assert_eq!(lint.status.code(), Some(2));
    assert_eq!(stderr(&lint), stderr(&show));
    assert!(
        !stderr(&lint).contains("ASN.1 DER message"),
        "{}",
        stderr(&lint)
    );
}

#[test]
fn export_help_does_not_describe_no_passphrase_in_generates_words() {
    let ks = Ks::new();
    let help = stdout(&run(ks.cmd().args(["export", "--help"])));
    let text = help.split("--no-passphrase\n").nth(1).unwrap_or_default();
    let first = text.lines().next().unwrap_or_default();
    assert!(
        !first.trim_start().starts_with("Store the private key"),
        "{help}"
    );
    assert!(text.contains("opened without asking"), "{help}");
}
