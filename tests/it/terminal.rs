//! At the terminal, in the shell, in pipelines: names derived from
//! common names, values with edge whitespace, hints that name the way out,
//! keystore URLs, JSON error bodies, `--exist-ok`, the config file,
//! `passwd`, completions, man pages, and the README's tour run as written.
//! (Prompts in a pseudo-terminal are in tests/prompts.rs.)

use crate::support;

use std::path::Path;
use std::process::Command as StdCommand;

use support::*;

fn gen<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["generate", "--no-passphrase", "--key-type", "ec"];
    v.extend_from_slice(extra);
    v
}

#[test]
fn a_wildcard_common_name_gets_a_record_of_its_own() {
    let ks = Ks::new();
    let o = ks
        .cmd()
        .args(gen(&["--cn", "*.example.com"]))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(ks.record("wildcard.example.com").exists());
    let o = ks
        .cmd()
        .args(gen(&["--cn", "example.com"]))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(ks.record("example.com").exists());
}

#[test]
fn edge_whitespace_is_refused_naming_the_field() {
    let ks = Ks::new();
    for (flag, value) in [
        ("--cn", "c.example.com "),
        ("--cn", " c.example.com"),
        ("--org", "Example\t"),
    ] {
        let mut args = gen(&["--cn", "ok.example.com"]);
        if flag == "--cn" {
            args.truncate(4);
        }
        args.extend([flag, value]);
        let o = ks.cmd().args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        let field = if flag == "--cn" {
            "--common-name"
        } else {
            "--organization"
        };
        assert!(err.contains(field) && err.contains("whitespace"), "{err}");
    }
    assert!(!ks.root().join("records").exists() || record_names(&ks.root()).is_empty());
}

#[test]
fn a_subject_without_a_common_name_needs_sans() {
    let ks = Ks::new();
    for args in [
        gen(&["--org", "Example"]),
        gen(&["foo", "--org", "Example"]),
    ] {
        let o = ks.cmd().args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.contains("--common-name") && err.contains("no SANs"),
            "{err}"
        );
        assert!(!err.contains("NAME"), "{err}");
    }
    let o = ks
        .cmd()
        .args(gen(&[
            "foo",
            "--org",
            "Example",
            "--dns",
            "foo.example.com",
        ]))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn hints_name_the_passphrase_sources() {
    let ks = Ks::new();
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
    // regenerate of an encrypted record with no source: not --no-passphrase.
    let o = ks
        .cmd()
        .args(["regenerate", "enc"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("--passphrase-file") && err.contains("CSRKIT_PASSPHRASE"),
        "{err}"
    );
    assert!(!err.contains("--no-passphrase"), "{err}");
    // A passphrase typed as an option is never taken.
    for flag in ["--passphrase", "--passphrase=x", "--password"] {
        let o = ks
            .cmd()
            .args(["generate", "--cn", "x.example.com", flag, "x"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{flag}");
        let err = stderr(&o);
        assert!(
            err.contains("never takes a passphrase on the command line")
                && err.contains("--passphrase-file")
                && err.contains("--passphrase-env"),
            "{err}"
        );
    }
}

#[test]
fn download_to_a_missing_directory_names_o_and_the_directory() {
    let ks = Ks::new();
    ks.generate_ec("d");
    let o = ks
        .cmd()
        .args(["download", "d", "-o", "/nonexistent/dir/f.csr"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    assert!(
        err.contains("-o") && err.contains("/nonexistent/dir "),
        "{err}"
    );
    assert!(!err.contains(".tmp"), "{err}");
}

#[test]
fn a_keystore_url_is_refused_never_a_directory() {
    let ks = Ks::new();
    let cwd = tempfile::tempdir().unwrap();
    for url in ["postgresql://u@db.example/csrkit", "sqlite+x://k"] {
        for args in [vec!["list"], gen(&["--cn", "u.example.com"])] {
            let o = ks
                .cmd()
                .current_dir(cwd.path())
                .env("CSRKIT_KEYSTORE", url)
                .args(&args)
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(2), "{url} {args:?}");
            assert!(stderr(&o).contains("--keystore"), "{}", stderr(&o));
        }
        let o = ks
            .cmd()
            .current_dir(cwd.path())
            .args(["--keystore", url, "list"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
    }
    assert_eq!(std::fs::read_dir(cwd.path()).unwrap().count(), 0);
    // Commands that never open the keystore still run.
    ks.cmd()
        .env("CSRKIT_KEYSTORE", "postgresql://u@h/db")
        .args(["completions", "bash"])
        .assert()
        .success();
}

fn json_error(out: &std::process::Output) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(out)));
    v["error"].clone()
}

#[test]
fn json_failures_are_error_bodies_on_stdout() {
    let ks = Ks::new();
    ks.generate_ec("j");
    let o = ks
        .cmd()
        .args(["show", "nope", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    let e = json_error(&o);
    assert_eq!(e["exit_code"], 3);
    assert_eq!(e["kind"], "not_found");
    assert!(e["message"].as_str().unwrap().contains("nope"));
    assert!(e["hint"].is_string());
    let o = ks
        .cmd()
        .env("CSRKIT_FORMAT", "json")
        .args(gen(&["j", "--cn", "j"]))
        .output()
        .unwrap();
    assert_eq!(json_error(&o)["kind"], "exists");
    let o = ks
        .cmd()
        .args(gen(&[
            "--format",
            "json",
            "--cn",
            "x.example.com",
            "--country",
            "Germany",
        ]))
        .output()
        .unwrap();
    let e = json_error(&o);
    assert_eq!(
        (e["exit_code"].clone(), e["kind"].clone()),
        (2.into(), "invalid".into())
    );
    assert_eq!(e["field"], "--country");
    // A command line that does not parse.
    let o = ks
        .cmd()
        .args(["list", "--format=json", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json_error(&o)["kind"], "invalid");
    // The error is still said on stderr.
    assert!(stderr(&o).contains("error:"));
}

#[test]
fn exist_ok_returns_the_same_request_and_writes_nothing() {
    let ks = Ks::new();
    let args = gen(&[
        "web",
        "--cn",
        "web.example.com",
        "--dns",
        "web.example.com,www.example.com",
        "--purpose",
        "server",
        "--exist-ok",
        "--format",
        "json",
    ]);
    let first = ks.cmd().args(&args).output().unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let before = ks.snapshot();
    let again = ks.cmd().args(&args).output().unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_same(
        &before,
        &ks.snapshot(),
        "generate --exist-ok of the same request",
    );
    let a: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    let b: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(a["id"], b["id"]);
    assert_eq!(a["pem"], b["pem"]);
    assert!(stderr(&again).contains("nothing was written"));
    // Another request under the name is still exit 4.
    let mut other = args.clone();
    other[3] = "rsa";
    let o = ks.cmd().args(&other).output().unwrap();
    assert_eq!(o.status.code(), Some(4));
    assert_same(&before, &ks.snapshot(), "a different request");
    // Without --exist-ok the same request is exit 4 too.
    let plain: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| *a != "--exist-ok")
        .collect();
    assert_eq!(
        ks.cmd().args(&plain).output().unwrap().status.code(),
        Some(4)
    );
}

#[test]
fn config_file_defaults_under_flags() {
    let ks = Ks::new();
    let xdg = ks.dir.path().join("xdg");
    std::fs::create_dir_all(xdg.join("csrkit")).unwrap();
    std::fs::write(
        xdg.join("csrkit/config.toml"),
        "organization = \"Cfg Org\"\ncountry = \"DE\"\norganizational_unit = [\"A\", \"B\"]\n\
         key_type = \"ec\"\ncurve = \"P-384\"\npurpose = \"client\"\n",
    )
    .unwrap();
    let cmd = || {
        let mut c = ks.cmd();
        c.env_remove("CSRKIT_CONFIG").env("XDG_CONFIG_HOME", &xdg);
        c
    };
    cmd()
        .args([
            "generate",
            "c1",
            "--cn",
            "c1.example.com",
            "--no-passphrase",
        ])
        .assert()
        .success();
    let csr = ks.csr_path("c1");
    assert_eq!(
        req_subject(&csr),
        "CN=c1.example.com,OU=B,OU=A,O=Cfg Org,C=DE"
    );
    let text = req_text(&csr);
    assert!(text.contains("NIST CURVE: P-384"), "{text}");
    assert!(text.contains("TLS Web Client Authentication"), "{text}");
    // Flags win; a key option replaces the key defaults whole.
    cmd()
        .args([
            "generate",
            "c2",
            "--cn",
            "c2.example.com",
            "--org",
            "Flag",
            "--key-type",
            "rsa",
            "--purpose",
            "server",
            "--no-passphrase",
        ])
        .assert()
        .success();
    let csr = ks.csr_path("c2");
    assert!(req_subject(&csr).contains("O=Flag,C=DE"));
    let text = req_text(&csr);
    assert!(text.contains("Public-Key: (2048 bit)"), "{text}");
    assert!(text.contains("TLS Web Server Authentication"), "{text}");
    // csrkit config shows what is in effect.
    let o = cmd().args(["config", "--format", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["config_found"], true);
    assert_eq!(v["defaults"]["organization"], "Cfg Org");
    assert_eq!(v["keystore_from"], "CSRKIT_KEYSTORE");
    let text = stdout(&cmd().arg("config").output().unwrap());
    assert!(
        text.contains("config.toml") && text.contains("Cfg Org"),
        "{text}"
    );
    // A bad file is exit 2 naming the file and the key.
    std::fs::write(xdg.join("csrkit/config.toml"), "country = \"Germany\"\n").unwrap();
    let o = cmd()
        .args([
            "generate",
            "c3",
            "--cn",
            "c3.example.com",
            "--no-passphrase",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("config.toml") && stderr(&o).contains("country"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn passwd_changes_the_passphrase_and_nothing_else() {
    let ks = Ks::new();
    ks.cmd_pass()
        .args([
            "generate",
            "pw",
            "--cn",
            "pw.example.com",
            "--key-type",
            "ec",
        ])
        .assert()
        .success();
    let csr_before = std::fs::read(ks.csr_path("pw")).unwrap();
    let new = ks.file("new.txt", b"brand new passphrase\n");
    let old = ks.file("old.txt", PASS.as_bytes());
    // No new passphrase and no terminal: exit 2 naming the options.
    let o = ks.cmd_pass().args(["passwd", "pw"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--new-passphrase-file"),
        "{}",
        stderr(&o)
    );
    // A wrong current passphrase: exit 6, nothing changes.
    let before = ks.snapshot();
    let o = ks
        .cmd()
        .args(["passwd", "pw", "--passphrase-file"])
        .arg(&new)
        .arg("--new-passphrase-file")
        .arg(&new)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(6));
    assert_same(&before, &ks.snapshot(), "passwd with a wrong passphrase");
    ks.cmd()
        .args(["passwd", "pw", "--passphrase-file"])
        .arg(&old)
        .arg("--new-passphrase-file")
        .arg(&new)
        .assert()
        .success();
    assert_eq!(std::fs::read(ks.csr_path("pw")).unwrap(), csr_before);
    assert_key_matches(&ks, "pw", Some("brand new passphrase"));
    assert!(!key_pubkey(&ks.key_path("pw"), Some(PASS)).status.success());
    let meta = check_revision(&ks.record("pw"), Some("brand new passphrase"));
    assert_eq!(meta["revision"], 2);
    assert!(ks.record("pw").join("history").exists());
    // An unencrypted key gets encrypted.
    ks.generate_ec("plain");
    ks.cmd()
        .args(["passwd", "plain", "--new-passphrase-env", "NEWPW"])
        .env("NEWPW", "from env")
        .assert()
        .success();
    assert_key_matches(&ks, "plain", Some("from env"));
}

#[test]
fn small_frictions() {
    let ks = Ks::new();
    // An empty keystore lists the header, and says it is empty on stderr.
    let o = ks.cmd().arg("list").output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("ID  NAME"), "{}", stdout(&o));
    assert!(stderr(&o).contains("no records"), "{}", stderr(&o));
    // show PATH of an existing file hints --file.
    let f = ks.file("www.csr", b"x");
    let o = ks.cmd().arg("show").arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("show --file"), "{}", stderr(&o));
    // A transposed flag is recognized.
    let o = ks.cmd().args(["generate", "--dsn", "x"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--dns"), "{}", stderr(&o));
    // A missing argument's usage does not show --keystore (set from the
    // environment) as required.
    let o = ks.cmd().arg("delete").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("--keystore"), "{}", stderr(&o));
    assert!(stderr(&o).contains("<NAME|ID>"), "{}", stderr(&o));
    // --help lists every environment variable.
    let help = stdout(&ks.cmd().arg("--help").output().unwrap());
    for var in [
        "CSRKIT_PASSPHRASE_FILE",
        "CSRKIT_NO_PASSPHRASE",
        "CSRKIT_CONFIG",
    ] {
        assert!(help.contains(var), "{var}");
    }
    // No trailing spaces; the key protection in the same words as JSON.
    ks.cmd()
        .args(gen(&["t", "--cn", "t.example.com", "--purpose", "server"]))
        .assert()
        .success();
    let text = stdout(&ks.cmd().args(["show", "t"]).output().unwrap());
    assert!(text.lines().all(|l| l == l.trim_end()), "{text:?}");
    let v: serde_json::Value = serde_json::from_slice(
        &ks.cmd()
            .args(["show", "t", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let words = v["key_protection"].as_str().unwrap();
    assert!(
        text.contains(&format!("Key protection:     {words}")),
        "{text}"
    );
    // Batch line errors do not talk about --request.
    let batch = ks.file("b.jsonl", b"{\"name\":\"b1\",\"bogus\":1}\n[1,2]\n");
    let o = ks
        .cmd()
        .args(["generate", "--no-passphrase", "--batch"])
        .arg(&batch)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("--request:"), "{}", stderr(&o));
}

/// The `$ ` commands of the README's "A short tour", continuation lines
/// joined.
fn tour_commands() -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let tour = readme.split("## A short tour").nth(1).expect("a tour");
    let block = tour
        .split("```console")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for line in block.lines() {
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.push(cmd.to_string());
            open = cmd.trim_end().ends_with('\\');
        } else if open {
            out.last_mut().unwrap().push_str(&format!("\n{line}"));
            open = line.trim_end().ends_with('\\');
        }
    }
    out
}

#[test]
fn the_readme_tour_runs_as_written_in_a_non_interactive_shell() {
    let cmds = tour_commands();
    assert!(cmds.len() >= 10, "{cmds:?}");
    let home = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("csrkit");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut script = String::from("set -e\n");
    for c in &cmds {
        script.push_str(&format!(
            "echo '>>> {}'\n{c}\n",
            c.lines().next().unwrap().replace('\'', "")
        ));
    }
    let mut cmd = StdCommand::new("bash");
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("CSRKIT_") {
            cmd.env_remove(&k);
        }
    }
    let o = cmd
        .arg("-c")
        .arg(&script)
        .current_dir(home.path())
        .env("HOME", home.path())
        .env("PATH", path)
        .env("XDG_CONFIG_HOME", home.path().join("no-config-home"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "the tour stopped:\n{}\n{}",
        stdout(&o),
        stderr(&o)
    );
}

#[test]
fn completions_offer_record_names_and_the_values_each_option_takes() {
    let ks = Ks::new();
    ks.generate_ec("alpha");
    ks.generate_ec("beta");
    let complete = |words: &[&str]| -> Vec<String> {
        let o = ks
            .cmd()
            .env("COMPLETE", "bash")
            .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
            .env("_CLAP_IFS", "\n")
            .arg("--")
            .args(words)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o).lines().map(String::from).collect()
    };
    let names = complete(&["csrkit", "delete", ""]);
    assert!(
        names.contains(&"alpha".into()) && names.contains(&"beta".into()),
        "{names:?}"
    );
    let names = complete(&["csrkit", "passwd", "a"]);
    assert_eq!(names, vec!["alpha".to_string()]);
    let kt = complete(&["csrkit", "generate", "--key-type", ""]);
    assert_eq!(kt, ["rsa", "ec", "ed25519"]);
    let purpose = complete(&["csrkit", "regenerate", "x", "--purpose", "server"]);
    assert!(purpose.contains(&"server-client".into()), "{purpose:?}");
    let digest = complete(&["csrkit", "generate", "--digest", ""]);
    assert_eq!(digest, ["sha256", "sha384", "sha512"]);
    let curve = complete(&["csrkit", "generate", "--curve", ""]);
    assert_eq!(curve, ["P-256", "P-384", "P-521"]);
    let country = complete(&["csrkit", "generate", "--country", "G"]);
    assert!(
        country.contains(&"GB".into()) && country.contains(&"GR".into()),
        "{country:?}"
    );
    // --format offers only what the subcommand prints.
    let download = complete(&["csrkit", "download", "x", "--format", ""]);
    assert!(download.contains(&"der".into()) && download.contains(&"xclarity".into()));
    let list = complete(&["csrkit", "list", "--format", ""]);
    assert!(
        list.contains(&"json".into()) && !list.contains(&"der".into()),
        "{list:?}"
    );
    // The committed bash script registers csrkit with bash.
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/completions/csrkit.bash");
    let o = StdCommand::new("bash")
        .arg("-c")
        .arg(format!("source {script} && complete -p csrkit"))
        .output()
        .unwrap();
    assert!(
        o.status.success() && stdout(&o).contains("csrkit"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn man_pages_render_without_warnings() {
    if StdCommand::new("man").arg("--version").output().is_err() {
        missing_tool("man (.ci/run installs man-db)");
        return;
    }
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/man"));
    for entry in std::fs::read_dir(dir).unwrap() {
        let page = entry.unwrap().path();
        let o = StdCommand::new("man")
            .args(["--warnings", "-l"])
            .arg(&page)
            .env("MANWIDTH", "80")
            .env_remove("MAN_KEEP_FORMATTING")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", page.display());
        let err = stderr(&o);
        assert!(err.trim().is_empty(), "{}: {err}", page.display());
        let text = stdout(&o);
        for section in ["SYNOPSIS", "ENVIRONMENT", "EXIT STATUS", "FILES"] {
            assert!(text.contains(section), "{}: no {section}", page.display());
        }
        // csrkit-self-sign is `csrkit self-sign`; csrkit-keystore-copy is
        // `csrkit keystore copy` (a subcommand's subcommand), as is
        // csrkit-acme-account.
        let name = page
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replacen("csrkit-", "csrkit ", 1)
            .replacen("csrkit keystore-", "csrkit keystore ", 1)
            .replacen("csrkit acme-", "csrkit acme ", 1);
        // man justifies lines: compare with runs of spaces collapsed.
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&name), "{}: synopsis", page.display());
    }
    let generate = std::fs::read_to_string(dir.join("csrkit-generate.1")).unwrap();
    assert!(generate.contains("\\-\\-cn") && generate.contains("\\-\\-keystore"));
}
