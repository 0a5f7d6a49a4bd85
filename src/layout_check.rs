//! Checks of the code's layout, run with the unit tests: below the command
//! line nothing names an option or imports clap, the terminal or stdout.
//! (Issue: "no module outside `cli/`, `commands/`, `complete`, `prompt` and
//! `main` names a `--flag` in a string or imports clap".)

use std::path::{Path, PathBuf};

/// The modules that may name options and use clap: the command line's.
const EDGE: &[&str] = &[
    "cli/",
    "commands/",
    "complete.rs",
    "prompt.rs",
    "main.rs",
    "usage.rs",
    "manpages.rs",
    "layout_check.rs",
];

/// The rooms that must not import clap, the CLI, prompts, or print.
const QUIET: &[&str] = &[
    "ops/",
    "request/",
    "keystore/",
    "csr/",
    "cert/",
    "export/",
    "lint/",
    "keys.rs",
    "formats/",
    "vendors/",
    "field.rs",
    "error.rs",
    "config.rs",
];

fn sources() -> Vec<(String, String)> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = rel(&root, &p);
                out.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    out
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap().to_string_lossy().into_owned()
}

/// The code before its `#[cfg(test)]` module, without comments; the
/// string literals it holds, each with its line.
fn literals(text: &str) -> (String, Vec<(usize, String)>) {
    let text = &text[..text.find("#[cfg(test)]").unwrap_or(text.len())];
    let b = text.as_bytes();
    let (mut code, mut lits) = (String::new(), Vec::new());
    let mut i = 0;
    let line = |i: usize| text[..i].matches('\n').count() + 1;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            i += text[i..].find('\n').unwrap_or(text.len() - i);
        } else if b[i..].starts_with(b"/*") {
            i += text[i..].find("*/").map_or(text.len() - i, |e| e + 2);
        } else if b[i] == b'r'
            && (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#'))
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
            let start = i + 2 + hashes;
            let end = format!("\"{}", "#".repeat(hashes));
            let stop = text[start..].find(&end).map_or(text.len(), |e| start + e);
            lits.push((line(i), text[start..stop].to_string()));
            i = stop + end.len();
        } else if b[i] == b'\'' {
            // A char literal ('x', '\n', '"') or a lifetime.
            let rest = &text[i + 1..];
            let len = if let Some(esc) = rest.strip_prefix('\\') {
                esc.find('\'').map(|e| e + 2)
            } else {
                rest.chars()
                    .next()
                    .filter(|_| rest.chars().nth(1) == Some('\''))
                    .map(|c| c.len_utf8())
            };
            i += len.map_or(1, |l| l + 2);
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            lits.push((line(i), text[i + 1..j.min(b.len())].to_string()));
            i = j + 1;
        } else {
            code.push(b[i] as char);
            i += 1;
        }
    }
    (code, lits)
}

/// `--` and a letter, not inside a word (`xn--bcher` is a domain label).
fn names_an_option(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(2)).any(|i| {
        b[i] == b'-'
            && b[i + 1] == b'-'
            && b[i + 2].is_ascii_lowercase()
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'-'))
    })
}

#[test]
fn nothing_below_the_command_line_names_an_option() {
    let mut bad = Vec::new();
    for (path, text) in sources() {
        if EDGE.iter().any(|e| path.starts_with(e)) {
            continue;
        }
        for (line, lit) in literals(&text).1 {
            if names_an_option(&lit) {
                bad.push(format!("src/{path}:{line}: \"{lit}\""));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "option names below the CLI (use Field::mention):\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_quiet_rooms_import_no_clap_cli_or_terminal() {
    let mut bad = Vec::new();
    for (path, text) in sources() {
        if !QUIET.iter().any(|q| path.starts_with(q)) {
            continue;
        }
        let code = literals(&text).0;
        for needle in [
            "clap::",
            "use clap",
            "crate::cli",
            "crate::prompt",
            "crate::commands",
            "println!",
            "eprintln!",
            "print!(",
            "eprint!(",
        ] {
            if code.contains(needle) {
                bad.push(format!("src/{path}: {needle}"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Every `mention!(key)` in the sources names a field (the macro takes any
/// identifier; `Field::from_key` is the list).
#[test]
fn every_literal_mention_is_a_field() {
    let mut seen = 0;
    for (path, text) in sources() {
        if path == "field.rs" || path == "layout_check.rs" {
            continue;
        }
        for (i, _) in text.match_indices("mention!(") {
            let rest = &text[i + "mention!(".len()..];
            let key = &rest[..rest.find(')').unwrap()];
            assert!(
                crate::field::Field::from_key(key).is_some(),
                "src/{path}: mention!({key})"
            );
            seen += 1;
        }
    }
    assert!(seen > 10);
}

/// Every record `serve` makes from a vendor's CSR request goes through
/// the listener's group committer (`serve::common::create`): a route that
/// called the one-record create directly queued its requests on the
/// keystore lock (the NSX route did: 78 CSRs/s instead of 2,535, see
/// docs/performance.md). Records for keys made elsewhere come in through
/// `ops::import` and are not counted here.
#[test]
fn serve_makes_records_through_its_committer_only() {
    let mut bad = Vec::new();
    for (path, text) in sources() {
        if !path.starts_with("serve/") || path == "serve/common.rs" || path == "serve/commit.rs" {
            continue;
        }
        let code = literals(&text).0;
        for needle in [
            "generate::create",
            "generate_one",
            ".create(NewRecord",
            "stage(",
        ] {
            if code.contains(needle) {
                bad.push(format!("src/{path}: {needle}"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
