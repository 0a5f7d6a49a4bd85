//! `-o FILE` as `download` and `export` write it: an existing file is
//! refused without `--force` (exit 2, the file untouched), `--force`
//! replaces it atomically and never writes through a symlink, and an
//! unwritable path is named as the user gave it, with `--output`.

use crate::support;

use std::os::unix::fs::symlink;

use support::*;

#[test]
fn download_o_refuses_an_existing_file_unless_force() {
    let ks = Ks::new();
    ks.generate_ec("d");
    let out = ks.dir.path().join("d.csr");
    std::fs::write(&out, b"keep me").unwrap();
    let before = ks.snapshot();
    let o = ks
        .cmd()
        .args(["download", "d", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1);
    assert!(
        err.contains("--output") && err.contains("exists; refusing to overwrite it"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
    assert_same(&before, &ks.snapshot(), "download -o over a file");
    // --force replaces it with the CSR; no temporary file is left.
    ks.cmd()
        .args(["download", "d", "--force", "-o"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(ks.csr_path("d")).unwrap()
    );
    let left: Vec<_> = std::fs::read_dir(ks.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // --force needs -o.
    ks.cmd().args(["download", "d", "--force"]).assert().code(2);
}

#[test]
fn download_o_never_follows_a_symlink() {
    let ks = Ks::new();
    ks.generate_ec("d");
    let target = ks.dir.path().join("victim");
    std::fs::write(&target, b"victim").unwrap();
    let link = ks.dir.path().join("link.csr");
    symlink(&target, &link).unwrap();
    // Without --force: refused, the link and its target untouched.
    let o = ks
        .cmd()
        .args(["download", "d", "-o"])
        .arg(&link)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read(&target).unwrap(), b"victim");
    // A dangling link is refused too (it exists as a name).
    let dangling = ks.dir.path().join("dangling.csr");
    symlink(ks.dir.path().join("nowhere"), &dangling).unwrap();
    let o = ks
        .cmd()
        .args(["download", "d", "-o"])
        .arg(&dangling)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!ks.dir.path().join("nowhere").exists());
    // With --force too: a link is never replaced nor followed (csrkit
    // replaces only the user's own regular files).
    let o = ks
        .cmd()
        .args(["download", "d", "--force", "-o"])
        .arg(&link)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read(&target).unwrap(), b"victim");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn download_help_mentions_force() {
    let ks = Ks::new();
    let help = ks.cmd().args(["download", "--help"]).output().unwrap();
    let help = stdout(&help);
    assert!(help.contains("--force"), "{help}");
    assert!(help.contains("unless --force"), "{help}");
}

/// `export -o` into a directory that does not exist: exit 3, naming
/// `--output` and the path given, never the temporary file.
#[test]
fn export_o_to_a_missing_directory_names_the_path_given() {
    let ks = Ks::new();
    ks.generate_ec("w");
    ks.cmd().args(["self-sign", "w"]).assert().success();
    let before = ks.snapshot();
    let o = ks
        .cmd()
        .args(["export", "w", "-o", "/nonexistent-dir/x.pem"])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1);
    assert!(
        err.contains("--output") && err.contains("/nonexistent-dir/x.pem"),
        "{err}"
    );
    assert!(!err.contains(".tmp"), "{err}");
    assert_same(
        &before,
        &ks.snapshot(),
        "export -o into a missing directory",
    );
    // A directory that cannot be written: the path given, with --output.
    if !is_root() {
        let ro = ks.dir.path().join("ro");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::os::unix::fs::PermissionsExt::from_mode(0o500)).unwrap();
        let dest = ro.join("x.pem");
        let o = ks
            .cmd()
            .args(["export", "w", "-o"])
            .arg(&dest)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_ne!(o.status.code(), Some(0), "{err}");
        assert!(
            err.contains("--output") && err.contains(dest.to_str().unwrap()),
            "{err}"
        );
        assert!(!err.contains(".tmp"), "{err}");
    }
}
