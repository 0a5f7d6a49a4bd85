//! The README tells the truth: its transcripts are run as written and
//! what csrkit prints is compared with what they show, as
//! tests/generated.rs does for `--help` and the man pages. The tour and
//! the batch run in a non-interactive bash, the prompt transcript in a
//! real pseudo-terminal (tests/pty_driver.py), all three on one scratch
//! keystore in the README's order (so the ids they show are the ids
//! given out); the keystore tree (docs/keystore.md, moved out of the
//! README with the rest of the reference) names every directory csrkit
//! makes. The ACME walk-through runs against Pebble on loopback (its
//! `letsencrypt` and port 80 swapped for Pebble's directory and
//! validation port, and the crontab line's command run as cron would run
//! it); the serve transcript runs as written.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use support::*;

/// The keystore path the README's transcripts show (the tour's
/// `$(mktemp -d)/csrkit`); the real one is put in its place.
const README_KS: &str = "/tmp/tmp.Q2bXr1zLkP/csrkit";

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// The first ```console block after `heading`.
fn console_after(readme: &str, heading: &str) -> String {
    let after = readme
        .split(heading)
        .nth(1)
        .unwrap_or_else(|| panic!("README has no {heading:?}"));
    after
        .split("```console\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap()
        .to_string()
}

/// One `$ ` command of a transcript (continuation lines joined) and the
/// lines shown after it.
struct Step {
    cmd: String,
    shown: Vec<String>,
}

fn steps(block: &str) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    let mut open = false;
    for line in block.lines() {
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.push(Step {
                cmd: cmd.to_string(),
                shown: Vec::new(),
            });
            open = cmd.trim_end().ends_with('\\');
        } else if open {
            let s = out.last_mut().unwrap();
            s.cmd.push('\n');
            s.cmd.push_str(line);
            open = line.trim_end().ends_with('\\');
        } else if let Some(s) = out.last_mut() {
            s.shown.push(line.to_string());
        }
    }
    for s in &mut out {
        while s.shown.last().is_some_and(|l| l.trim().is_empty()) {
            s.shown.pop();
        }
    }
    out
}

/// Runs `steps` in one bash (so that exports carry on), each with stdout
/// and stderr merged as a terminal shows them; `before` runs first. A
/// step that shows output must print exactly that; one that shows none
/// must succeed. `cat FILE` steps write the file the README shows first.
fn run_steps(home: &Path, before: &str, steps: &[Step], ks: Option<&str>) -> String {
    let mut script = String::from(before);
    for (i, s) in steps.iter().enumerate() {
        if let Some(file) = s.cmd.strip_prefix("cat ") {
            let body = s.shown.join("\n") + "\n";
            std::fs::write(home.join(file.trim()), body).unwrap();
        }
        script.push_str(&format!(
            "echo '@@@step {i}'\n{{\n{}\n}} 2>&1\necho \"@@@rc $?\"\n",
            s.cmd
        ));
    }
    script.push_str("echo \"@@@ks $CSRKIT_KEYSTORE\"\necho \"@@@pw $CSRKIT_PASSPHRASE_FILE\"\n");
    let bin = assert_cmd::cargo::cargo_bin("csrkit");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = StdCommand::new("bash");
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("CSRKIT_") {
            cmd.env_remove(&k);
        }
    }
    let o = cmd
        .arg("-c")
        .arg(&script)
        .current_dir(home)
        .env("HOME", home)
        .env("TMPDIR", home)
        .env("PATH", path)
        .env("XDG_CONFIG_HOME", home.join("no-config-home"))
        .env_remove("CI")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = stdout(&o);
    let ks = ks
        .map(String::from)
        .or_else(|| {
            text.lines()
                .find_map(|l| l.strip_prefix("@@@ks ").map(String::from))
        })
        .unwrap();
    let mut parts = text.split("@@@step ").skip(1);
    for (i, s) in steps.iter().enumerate() {
        let part = parts
            .next()
            .unwrap_or_else(|| panic!("step {i} did not run:\n{text}"));
        let body = part.split_once('\n').map_or("", |(_, b)| b);
        let (out, rc) = body.rsplit_once("@@@rc ").unwrap();
        let rc: i32 = rc.lines().next().unwrap().trim().parse().unwrap();
        let got: Vec<String> = out
            .replace(&ks, README_KS)
            .lines()
            .map(|l| l.trim_end().to_string())
            .collect();
        if s.cmd.starts_with("cat ") {
            continue;
        }
        if s.shown.is_empty() {
            assert_eq!(rc, 0, "README step `{}` failed:\n{}", s.cmd, got.join("\n"));
        } else {
            let shown: Vec<String> = s.shown.iter().map(|l| l.trim_end().to_string()).collect();
            assert_eq!(
                got, shown,
                "README step `{}` prints something else (left: csrkit, right: README)",
                s.cmd
            );
        }
    }
    text
}

fn value<'a>(text: &'a str, tag: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.strip_prefix(tag))
        .unwrap_or_default()
}

/// The screen lines of a pseudo-terminal transcript: each line, and each
/// part of a line from a `✔` or `✘` on (a finished prompt redraws itself
/// on the line where it was asked).
fn screen_lines(transcript: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in transcript.lines() {
        out.push(line.trim_end().to_string());
        for (i, c) in line.char_indices() {
            if c == '✔' || c == '✘' {
                let rest = &line[i..];
                let end = rest
                    .char_indices()
                    .skip(1)
                    .find(|(_, c)| *c == '✔' || *c == '✘')
                    .map_or(rest.len(), |(j, _)| j);
                out.push(rest[..end].trim_end().to_string());
            }
        }
    }
    out
}

/// The prompt transcript, typed in a pseudo-terminal: every line the
/// README shows appears on the screen, in order.
fn run_prompts(home: &Path, ks: &str, block: &str) {
    let st = steps(block);
    assert_eq!(st.len(), 1, "one command in the prompt transcript");
    let args: Vec<String> = st[0]
        .cmd
        .split_whitespace()
        .skip(1)
        .map(String::from)
        .collect();
    // The answers the transcript shows, typed as a user would: a menu is
    // moved through with the arrow keys.
    let down = "\u{1b}[B";
    let mut script: Vec<(String, String)> = Vec::new();
    // A refused answer (a `✘` line) is typed at the prompt that then
    // takes the accepted one (the next `✔` line).
    let mut refused: Vec<String> = Vec::new();
    for line in &st[0].shown {
        if let Some(rest) = line.strip_prefix("✘ ") {
            refused.push(rest.split('\'').nth(1).unwrap_or_default().to_string());
            continue;
        }
        let Some(rest) = line.strip_prefix("✔ ") else {
            if let Some(p) = line.strip_suffix(": [hidden]") {
                script.push((p.to_string(), "correct horse battery staple\n".into()));
                script.push(("Repeat".into(), "correct horse battery staple\n".into()));
            }
            continue;
        };
        let (label, answer) = rest.split_once(" ·").unwrap_or((rest, ""));
        let answer = answer.trim();
        let label = label
            .split(" (")
            .next()
            .unwrap()
            .split(" [")
            .next()
            .unwrap();
        for bad in refused.drain(..) {
            script.push((regex_escape(label), format!("{bad}\n")));
        }
        let reply = match (label, answer) {
            ("Key type", "EC (ECDSA)") => format!("{down}\n"),
            ("Key type" | "Curve" | "Purpose" | "SANs", _) => "\n".into(),
            (_, a) => format!("{a}\n"),
        };
        script.push((regex_escape(label), reply));
    }
    let script_path = home.join("script.json");
    std::fs::write(&script_path, serde_json::to_string(&script).unwrap()).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("csrkit");
    let o = StdCommand::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pty_driver.py"))
        .arg(&script_path)
        .arg("--")
        .arg(&bin)
        .args(&args)
        .env("CSRKIT_KEYSTORE", ks)
        .env("XDG_CONFIG_HOME", home.join("no-config-home"))
        .env("PTY_COLS", "160")
        .env("TERM", "xterm")
        .env_remove("CI")
        .env_remove("CSRKIT_NO_INPUT")
        .env_remove("CSRKIT_PASSPHRASE")
        .env_remove("CSRKIT_PASSPHRASE_FILE")
        .env_remove("CSRKIT_NO_PASSPHRASE")
        .env_remove("CSRKIT_CONFIG")
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    // A question the transcript does not show would wait forever: two
    // minutes is a hang (not a timing assertion).
    let mut child = o;
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    let transcript = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{transcript}");
    let screen = screen_lines(&transcript.replace(ks, README_KS));
    let mut at = 0;
    for want in &st[0].shown {
        let want = want.trim_end();
        match screen[at..].iter().position(|l| l == want) {
            Some(i) => at += i + 1,
            None => panic!(
                "the README's prompt transcript shows {want:?}, which is not on the screen (in order):\n{transcript}"
            ),
        }
    }
}

fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[test]
fn the_readme_transcripts_are_what_csrkit_prints() {
    let readme = readme();
    let home = tempfile::tempdir().unwrap();
    let tour = steps(&console_after(&readme, "## A short tour"));
    assert!(tour.len() >= 10);
    let out = run_steps(home.path(), "", &tour, None);
    let ks = value(&out, "@@@ks ").to_string();
    let pw = value(&out, "@@@pw ").to_string();
    assert!(ks.ends_with("/csrkit"), "{ks}");
    // The prompts, in the README's order (after the tour).
    if StdCommand::new("python3").arg("-V").output().is_err() {
        missing_tool("python3 (the pseudo-terminal driver)");
        return;
    }
    run_prompts(
        home.path(),
        &ks,
        &console_after(&readme, "### At a terminal: prompts"),
    );
    // The batch, with the tour's passphrase file.
    let batch = steps(&console_after(&readme, "### Many at once: `--batch`"));
    run_steps(
        home.path(),
        &format!("export CSRKIT_KEYSTORE='{ks}'\nexport CSRKIT_PASSPHRASE_FILE='{pw}'\n"),
        &batch,
        Some(&ks),
    );
}

/// The ACME walk-through, against Pebble: `--acme letsencrypt` becomes
/// Pebble's directory (and its TLS root), `--http-port 80` Pebble's
/// validation port; the crontab line's command is run as cron runs it
/// (`sh -c`, the user's HOME) and must print nothing and exit 0.
#[test]
fn the_readme_acme_walkthrough_gets_and_keeps_a_certificate() {
    if !crate::pebble::available() {
        return;
    }
    let p = crate::pebble::Pebble::start();
    let readme = readme();
    let home = tempfile::tempdir().unwrap();
    let args = p.order_args();
    let (url, ca, port) = (&args[1], &args[3], &args[5]);
    let mut walk = steps(&console_after(&readme, "## ACME"));
    assert_eq!(walk.len(), 4, "the walk-through is four lines");
    let mut cron = None;
    for s in &mut walk {
        s.cmd = s
            .cmd
            .replace(
                "--acme letsencrypt",
                &format!("--acme {url} --acme-ca-file {ca}"),
            )
            .replace(
                "--http-port 80",
                &format!("--http-port {port} --http-address 127.0.0.1"),
            );
        if s.cmd.contains("| crontab -") {
            let line = s.cmd.split('\'').nth(1).unwrap().to_string();
            let command: String = line.split(' ').skip(5).collect::<Vec<_>>().join(" ");
            s.cmd = "true".into();
            cron = Some(command);
        }
    }
    let cron = cron.expect("the walk-through ends with a crontab line");
    std::fs::write(home.path().join(".csrkit-pass"), format!("{PASS}\n")).unwrap();
    // The default keystore (under HOME), as the README and cron use it.
    let before = "unset XDG_DATA_HOME\nexport CSRKIT_PASSPHRASE_FILE=$HOME/.csrkit-pass\n";
    run_steps(home.path(), before, &walk, Some("/nonexistent"));
    // What the export wrote is QRadar's body with the issued leaf in it.
    let body: serde_json::Value =
        serde_json::from_slice(&std::fs::read(home.path().join("end_certificate.json")).unwrap())
            .unwrap();
    assert!(body.to_string().contains("BEGIN CERTIFICATE"), "{body}");
    // cron: a minimal environment, the user's HOME, the command as written.
    let bin = assert_cmd::cargo::cargo_bin("csrkit");
    let o = StdCommand::new("sh")
        .arg("-c")
        .arg(&cron)
        .env_clear()
        .env("HOME", home.path())
        .env(
            "PATH",
            format!("{}:/usr/bin:/bin", bin.parent().unwrap().display()),
        )
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        o.stdout.is_empty() && o.stderr.is_empty(),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
}

/// The serve transcript, as written (a loopback server on a free port).
#[test]
fn the_readme_serve_transcript_is_what_csrkit_prints() {
    for tool in ["jq", "curl"] {
        if StdCommand::new(tool).arg("--version").output().is_err() {
            missing_tool(tool);
            return;
        }
    }
    let readme = readme();
    let home = tempfile::tempdir().unwrap();
    let walk = steps(&console_after(&readme, "## serve"));
    assert!(
        walk.last().unwrap().cmd.starts_with("kill"),
        "the transcript stops the server"
    );
    run_steps(home.path(), "", &walk, Some("/nonexistent"));
}

/// The README is a user guide of at most 400 lines; the reference it
/// points to is in docs/, and every docs/ page it links exists.
#[test]
fn the_readme_is_a_short_guide_and_its_docs_exist() {
    let readme = readme();
    let lines = readme.lines().count();
    assert!(lines <= 400, "README.md has {lines} lines (at most 400)");
    for heading in ["## A short tour", "## ACME", "## serve", "## Development"] {
        assert!(readme.contains(heading), "README has no {heading:?}");
    }
    for link in readme.split("](").skip(1) {
        let target = link.split([')', '#']).next().unwrap();
        if target.starts_with("docs/") || target.ends_with(".md") {
            let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(target);
            assert!(p.is_file(), "README links to {target}, which is missing");
        }
    }
}

/// Every directory csrkit makes in a keystore, as the keystore page's
/// tree (docs/keystore.md, linked from the README) names it (`<name>/`,
/// `history/<revision>/`).
#[test]
fn the_readme_keystore_tree_names_every_directory() {
    let page =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/keystore.md")).unwrap();
    let tree = page
        .split("# The keystore")
        .nth(1)
        .unwrap()
        .split("```\n")
        .nth(1)
        .unwrap()
        .to_string();
    let ks = Ks::new();
    ks.generate_ec("web");
    ks.cmd().args(["self-sign", "web"]).assert().success();
    ks.cmd()
        .args(["regenerate", "web", "--no-passphrase"])
        .assert()
        .success();
    let mut dirs: Vec<PathBuf> = Vec::new();
    fn walk(d: &Path, root: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                out.push(e.path().strip_prefix(root).unwrap().to_path_buf());
                walk(&e.path(), root, out);
            }
        }
    }
    walk(&ks.root(), &ks.root(), &mut dirs);
    assert!(!dirs.is_empty());
    for d in dirs {
        let last = d.file_name().unwrap().to_string_lossy().into_owned();
        let parent = d
            .parent()
            .and_then(|p| p.file_name())
            .map(|p| p.to_string_lossy().into_owned());
        let shown = match (parent.as_deref(), last.as_str()) {
            (Some("records"), n) if !n.starts_with('.') => "<name>/".to_string(),
            (Some("history"), _) => "history/<revision>/".to_string(),
            (_, "history") => "history/<revision>/".to_string(),
            (_, n) => format!("{n}/"),
        };
        assert!(
            tree.contains(&shown),
            "docs/keystore.md's tree does not show {} ({shown})",
            d.display()
        );
    }
}
