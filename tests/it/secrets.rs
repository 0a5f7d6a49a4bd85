//! Secrets: no passphrase or key bytes in any output, key files 0600 from
//! the first byte, nothing in the keystore readable by group or others.

use crate::support;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use support::*;

const PASS: &str = "S3cr3t-Zebra-Passphrase-7731";
const WRONG: &str = "Wr0ng-Okapi-Passphrase-4402";

/// The base64 lines of a PEM file (each long enough to be distinctive).
fn pem_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() >= 16)
        .map(String::from)
        .collect()
}

#[test]
fn no_secret_in_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("ks");
    let pf = dir.path().join("pass");
    std::fs::write(&pf, format!("{PASS}\n")).unwrap();
    let wf = dir.path().join("wrong");
    std::fs::write(&wf, format!("{WRONG}\n")).unwrap();
    let mut outputs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut go = |cmd: &mut Command| {
        cmd.env("RUST_BACKTRACE", "1");
        let out = run(cmd);
        no_panic(&out);
        let mut all = out.stdout.clone();
        all.extend_from_slice(&out.stderr);
        outputs.push((format!("{cmd:?}"), all));
        out.status.code()
    };
    let enc = |ks: &Path| {
        let mut c = csrkit(ks);
        c.env("CSRKIT_PASSPHRASE", PASS);
        c
    };
    assert_eq!(
        go(enc(&ks).args([
            "generate",
            "enc",
            "--cn",
            "enc.example.com",
            "--key-type",
            "ec"
        ])),
        Some(0)
    );
    assert_eq!(go(csrkit(&ks).args(gen_args("plain"))), Some(0));
    let mut plain_lines = pem_lines(&ks.join("records/plain/key.pem"));
    plain_lines.extend(pem_lines(&ks.join("records/enc/key.pem")));

    for fmt in [
        "text", "json", "pem", "qradar", "nsx", "xclarity", "arcgis", "sbc",
    ] {
        go(csrkit(&ks).args(["show", "enc", "--format", fmt]));
        go(csrkit(&ks).args(["download", "enc", "--format", fmt]));
        go(csrkit(&ks).args(["list", "--format", fmt]));
        go(enc(&ks).args([
            "generate",
            &format!("f-{fmt}"),
            "--cn",
            "f.example.com",
            "--key-type",
            "ec",
            "--format",
            fmt,
        ]));
        // Failing runs with the passphrase in the environment.
        go(enc(&ks).args([
            "generate",
            "bad",
            "--cn",
            "a.example.com",
            "--country",
            "QQ",
            "--format",
            fmt,
        ]));
        go(enc(&ks).args(["generate", "enc", "--cn", "a.example.com", "--format", fmt]));
        go(csrkit(&ks)
            .args(["regenerate", "enc", "--format", fmt])
            .env("CSRKIT_PASSPHRASE", WRONG));
    }
    assert_eq!(
        go(csrkit(&ks)
            .args(["regenerate", "enc", "--passphrase-file"])
            .arg(&wf)),
        Some(6)
    );
    assert_eq!(
        go(csrkit(&ks)
            .args(["regenerate", "enc", "--passphrase-env", "MYPASS"])
            .env("MYPASS", WRONG)),
        Some(6)
    );
    assert_eq!(
        go(csrkit(&ks)
            .args(["regenerate", "enc", "--passphrase-file"])
            .arg(&pf)),
        Some(0)
    );
    assert_eq!(
        go(csrkit(&ks)
            .args(["regenerate", "enc", "--passphrase-env", "MYPASS"])
            .env("MYPASS", PASS)),
        Some(0)
    );
    assert_eq!(
        go(enc(&ks).args([
            "regenerate",
            "enc",
            "--new-key",
            "--key-type",
            "ec",
            "--dns",
            "n.example.com"
        ])),
        Some(0)
    );
    plain_lines.extend(pem_lines(&ks.join("records/enc/key.pem")));
    go(csrkit(&ks).args(["regenerate", "plain", "--format", "json"]));
    go(csrkit(&ks)
        .args(["show", "--file"])
        .arg(ks.join("records/enc/key.pem")));
    go(csrkit(&ks)
        .args(["show", "--file"])
        .arg(ks.join("records/plain/key.pem")));
    go(csrkit(&ks)
        .args(["generate", "--request"])
        .arg(ks.join("records/plain/key.pem")));
    go(csrkit(&ks).args(["generate", "--request"]).arg(&pf));
    go(csrkit(&ks)
        .args([
            "generate",
            "x",
            "--cn",
            "x.example.com",
            "--passphrase-file",
        ])
        .arg(&pf)
        .arg("--format")
        .arg("json"));
    // A corrupted key: the error must not quote it.
    let key = ks.join("records/plain/key.pem");
    let mut k = std::fs::read(&key).unwrap();
    let n = k.len();
    k[n / 2] ^= 0x01;
    std::fs::write(&key, &k).unwrap();
    go(csrkit(&ks).args(["regenerate", "plain"]));

    assert!(outputs.len() > 50);
    for (cmd, out) in &outputs {
        let out = text(out);
        assert!(!out.contains(PASS), "{cmd} printed the passphrase: {out}");
        assert!(
            !out.contains(WRONG),
            "{cmd} printed the wrong passphrase: {out}"
        );
        assert!(
            !out.contains("BEGIN PRIVATE KEY") && !out.contains("BEGIN ENCRYPTED PRIVATE KEY"),
            "{cmd} printed a private key: {out}"
        );
        for l in &plain_lines {
            assert!(!out.contains(l.as_str()), "{cmd} printed key bytes: {out}");
        }
    }
}

#[test]
fn debug_output_redacts_secrets() {
    use csrkit::keys::{Passphrase, PrivateKey};
    use csrkit::request::{Curve, KeySpec};
    let p = Passphrase::new(zeroize::Zeroizing::new(PASS.to_string())).unwrap();
    assert!(!format!("{p:?}").contains(PASS));
    let k = PrivateKey::generate(KeySpec::Ec { curve: Curve::P256 }).unwrap();
    let dbg = format!("{k:?} {k:#?}");
    let pem = k.to_pem(None).unwrap();
    for l in pem.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!dbg.contains(l), "Debug of a key shows its bytes: {dbg}");
    }
    assert!(
        dbg.len() < 64,
        "Debug of a key is more than its type: {dbg}"
    );
}

/// Walks the keystore: every directory 0700, every file 0600.
fn assert_private(ks: &Path) {
    for (path, node) in snapshot(ks) {
        match node {
            Node::Dir(m) => assert_eq!(m, 0o700, "{}: directory mode {m:o}", path.display()),
            Node::File(m, _) => assert_eq!(m, 0o600, "{}: file mode {m:o}", path.display()),
            Node::Link(_) => panic!("{}: symlink in the keystore", path.display()),
        }
    }
}

#[test]
fn modes_are_private_even_with_umask_0() {
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("deep/er/ks");
    let umask0 = |c: &mut Command| {
        // SAFETY: umask is async-signal-safe.
        unsafe {
            c.pre_exec(|| {
                libc::umask(0);
                Ok(())
            });
        }
    };
    let mut c = csrkit(&ks);
    c.args(gen_args("a"));
    umask0(&mut c);
    ok(&mut c);
    let mut c = csrkit(&ks);
    c.args([
        "regenerate",
        "a",
        "--new-key",
        "--key-type",
        "ec",
        "--no-passphrase",
    ]);
    umask0(&mut c);
    ok(&mut c);
    let mut c = csrkit(&ks);
    c.args(["generate", "b", "--cn", "b.example.com", "--key-type", "ec"])
        .env("CSRKIT_PASSPHRASE", PASS);
    umask0(&mut c);
    ok(&mut c);
    let mut c = csrkit(&ks);
    c.args(["list"]);
    umask0(&mut c);
    ok(&mut c);
    assert_private(&ks);
    assert_eq!(
        std::fs::metadata(ks.join("records/a/key.pem"))
            .unwrap()
            .mode()
            & 0o777,
        0o600
    );
}

#[test]
fn key_file_is_private_from_the_first_byte() {
    // Stop a writer right after it wrote the temporary record: its key
    // file is already 0600 (created with that mode, never chmod-ed later).
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("ks");
    ok(csrkit(&ks).args(gen_args("a")));
    let mut c = csrkit(&ks);
    c.args(gen_args("b"))
        .env("CSRKIT_TEST_CRASH_AT", "create:tmp-written");
    unsafe {
        c.pre_exec(|| {
            libc::umask(0);
            Ok(())
        });
    }
    let out = run(&mut c);
    assert!(!out.status.success());
    let tmps: Vec<_> = std::fs::read_dir(ks.join("records"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-") && e.path().is_dir())
        .collect();
    assert_eq!(tmps.len(), 1, "one temporary record expected");
    let key = tmps[0].path().join("key.pem");
    let md = std::fs::symlink_metadata(&key).unwrap();
    assert_eq!(md.permissions().mode() & 0o777, 0o600);
    assert_eq!(md.permissions().mode() & 0o077, 0);
    assert_private(&ks);
}

/// `regenerate --new-key` encrypts the new key under the passphrase given:
/// when the stored key is encrypted, that passphrase must open it first
/// (exit 6 for a wrong one, keystore unchanged), as without `--new-key`.
#[test]
fn regenerate_new_key_checks_the_stored_passphrase() {
    let ks = Ks::new();
    let pf = ks.file("pass", format!("{PASS}\n").as_bytes());
    let wf = ks.file("wrong", format!("{WRONG}\n").as_bytes());
    ks.cmd()
        .args(["generate", "enc", "--cn", "enc.example", "--key-type", "ec"])
        .arg("--passphrase-file")
        .arg(&pf)
        .assert()
        .success();
    let before = ks.snapshot();
    let regen = |pass: &Path| {
        ks.cmd()
            .args(["regenerate", "enc", "--new-key", "--key-type", "ec"])
            .arg("--passphrase-file")
            .arg(pass)
            .output()
            .unwrap()
    };
    let o = regen(&wf);
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert_same(
        &before,
        &ks.snapshot(),
        "regenerate --new-key, wrong passphrase",
    );
    let o = regen(&pf);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(key_pubkey(&ks.key_path("enc"), Some(PASS)).status.success());
    assert_key_matches(&ks, "enc", Some(PASS));
    // An unencrypted record: --new-key encrypts the new key under the
    // passphrase given, as before (there is none to check).
    ks.generate_ec("plain");
    let o = ks
        .cmd()
        .args(["regenerate", "plain", "--new-key", "--key-type", "ec"])
        .arg("--passphrase-file")
        .arg(&wf)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_key_matches(&ks, "plain", Some(WRONG));
}

/// An empty export passphrase (file or variable) is refused with the
/// export's own way out, --no-export-passphrase (not --no-passphrase,
/// which is about the stored key).
#[test]
fn an_empty_export_passphrase_hints_no_export_passphrase() {
    let ks = Ks::new();
    ks.generate_ec("w");
    ks.cmd().args(["self-sign", "w"]).assert().success();
    let empty = ks.file("empty", b"\n");
    let before = ks.snapshot();
    for (args, env) in [
        (
            vec!["--export-passphrase-file", empty.to_str().unwrap()],
            None,
        ),
        (vec!["--export-passphrase-env", "EXPORT_PASS"], Some("")),
    ] {
        let mut c = ks.cmd();
        if let Some(v) = env {
            c.env("EXPORT_PASS", v);
        }
        let o = c
            .args(["export", "w", "--format", "pkcs12"])
            .args(&args)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(args[0]) && err.contains("empty"), "{err}");
        assert!(err.contains("--no-export-passphrase"), "{err}");
        assert!(!err.contains("or --no-passphrase"), "{err}");
        assert_same(&before, &ks.snapshot(), "export, empty passphrase");
    }
}

/// A secret's file is read up to its first line, within 64 KiB: a file
/// with no end (`/dev/zero`) or a directory is exit 2 naming the option,
/// in bounded memory, and the keystore is not created.
#[test]
fn secret_files_are_read_to_their_first_line_within_a_bound() {
    let ks = Ks::new();
    for args in [
        vec!["--passphrase-file", "/dev/zero"],
        vec!["--no-passphrase", "--challenge-password-file", "/dev/zero"],
        vec!["--no-passphrase", "--challenge-password-file", "/tmp"],
    ] {
        let o = csrkit(&ks.root())
            .args(["generate", "z", "--cn", "z.example.com", "--key-type", "ec"])
            .args(&args)
            .output()
            .unwrap();
        no_panic(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(args[args.len() - 2]),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(!ks.root().join("records").exists());
    }
}

/// `--help` shows no environment variable's value that may hold a secret:
/// a PostgreSQL URL's password in `CSRKIT_KEYSTORE`, a token in a hook's
/// command line. (clap prints `[env: NAME=value]` unless told not to.)
#[test]
fn help_never_shows_a_keystore_url_or_a_hook_from_the_environment() {
    let ks = Ks::new();
    for args in [
        &["--help"][..],
        &["list", "--help"],
        &["keystore", "copy", "--help"],
        &["order", "--help"],
        &["renew", "--help"],
        &["serve", "--help"],
    ] {
        let o = ks
            .cmd()
            .env(
                "CSRKIT_KEYSTORE",
                "postgresql://csrkit:Hunter2-Url-Password@127.0.0.1:1/db",
            )
            .env("CSRKIT_DEPLOY_HOOK", "/bin/deploy --token Hunter3-Deploy")
            .env("CSRKIT_ACME_DNS_HOOK", "/bin/dns --token Hunter4-Dns")
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(!all.contains("Hunter"), "{args:?}:\n{all}");
        assert!(stdout(&o).contains("Usage"), "{args:?}");
    }
}
