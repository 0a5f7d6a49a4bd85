//! completions/ and man/ are generated from the clap definitions; this
//! fails when they are stale (fix: ./scripts/regen-docs.sh).

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;

const HINT: &str = "stale: run ./scripts/regen-docs.sh and commit the result";

#[test]
fn completions_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, file) in [
        ("bash", "csrkit.bash"),
        ("zsh", "_csrkit"),
        ("fish", "csrkit.fish"),
        ("powershell", "_csrkit.ps1"),
        ("elvish", "csrkit.elv"),
    ] {
        let out = Command::cargo_bin("csrkit")
            .unwrap()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "completions {shell} failed");
        assert!(!out.stdout.is_empty());
        let committed = std::fs::read(root.join("completions").join(file))
            .unwrap_or_else(|_| panic!("completions/{file} missing: {HINT}"));
        assert!(committed == out.stdout, "completions/{file} is {HINT}");
    }
}

fn read_dir(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn man_pages_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    Command::cargo_bin("csrkit")
        .unwrap()
        .args(["man", "-q"])
        .arg(tmp.path())
        .assert()
        .success();
    let fresh = read_dir(tmp.path());
    let committed = read_dir(&root.join("man"));
    assert_eq!(
        fresh.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>(),
        "man/ has other pages than the CLI: {HINT}"
    );
    for (name, bytes) in &fresh {
        assert!(committed[name] == *bytes, "man/{name} is {HINT}");
    }
    // One page per subcommand, and the top page documents the contract.
    for sub in [
        "generate",
        "show",
        "download",
        "regenerate",
        "list",
        "delete",
    ] {
        assert!(
            fresh.contains_key(&format!("csrkit-{sub}.1")),
            "no page for {sub}"
        );
    }
    let top = String::from_utf8_lossy(&fresh["csrkit.1"]);
    for needle in [
        "EXIT STATUS",
        "KEYSTORE LAYOUT",
        "CSRKIT_KEYSTORE",
        "CSRKIT_PASSPHRASE",
        "record.json",
        "VENDOR FORMATS",
        "arcgis",
        "qradar",
        "sbc",
        "nsx",
        "xclarity",
        "FQXHMSE0001I",
        "1002",
    ] {
        assert!(top.contains(needle), "csrkit.1 lacks {needle}");
    }
}

/// Each subcommand's own help (and so its man page) opens with the line
/// `csrkit --help` lists for it: a doc comment on a flattened option group
/// once replaced generate's and regenerate's.
#[test]
fn each_subcommand_help_opens_with_its_listed_summary() {
    let top = std::process::Command::new(env!("CARGO_BIN_EXE_csrkit"))
        .arg("--help")
        .output()
        .unwrap();
    let top = String::from_utf8(top.stdout).unwrap();
    let listed: Vec<(String, String)> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| {
            let (name, about) = l.trim().split_once(' ')?;
            Some((name.to_string(), about.trim().to_string()))
        })
        .filter(|(name, _)| name != "help")
        .collect();
    assert!(listed.len() > 10, "{top}");
    for (name, about) in listed {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_csrkit"))
            .args([name.as_str(), "--help"])
            .output()
            .unwrap();
        let help = String::from_utf8(o.stdout).unwrap();
        let first = help.lines().next().unwrap_or("");
        // The listing wraps long lines: compare its first line's words.
        assert!(
            first.starts_with(&about),
            "csrkit {name} --help opens with {first:?}, the listing says {about:?}"
        );
    }
}
