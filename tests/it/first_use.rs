//! What a new user tripped over (issue 26, "Wrong results" 2 to 7): the
//! config file read bounded and a named one that is missing refused, an
//! import's verdict on a bogus issuer that does not depend on what is
//! stored, damaged records that `delete` removes and `list` skips, what
//! the CA dropped from the requested key usages, one printer for names,
//! and a batch interrupted by SIGTERM. OpenSSL is the CA.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use support::*;

fn run(c: &mut assert_cmd::Command) -> std::process::Output {
    let o = c.output().unwrap();
    no_panic(&o);
    o
}

/// Runs `c` to its end; a run still going after a minute is a hang (the
/// test fails instead of waiting forever). Not a timing assertion.
fn run_unhung(c: &mut StdCommand) -> std::process::Output {
    let mut child = c
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("csrkit hung: {c:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let o = child.wait_with_output().unwrap();
    no_panic(&o);
    o
}

// ---- 2. The config file: bounded, regular, and a named one must exist.

#[test]
fn a_named_config_file_that_is_missing_is_exit_2() {
    let ks = Ks::new();
    let o = run(ks
        .cmd()
        .env("CSRKIT_CONFIG", ks.dir.path().join("no/such/file"))
        .args(gen_args("web")));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("CSRKIT_CONFIG"), "{}", stderr(&o));
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
    assert!(!ks.record("web").exists());
    // The default place may be missing: no defaults, no error.
    let o = run_unhung(
        csrkit(&ks.root())
            .env("XDG_CONFIG_HOME", ks.dir.path().join("none"))
            .arg("config"),
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn the_config_file_is_read_bounded_and_only_if_regular() {
    let ks = Ks::new();
    // A device and a FIFO are refused at once (no growth, no hang).
    let fifo = ks.dir.path().join("fifo");
    assert!(StdCommand::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for f in [Path::new("/dev/zero"), fifo.as_path()] {
        let o = run_unhung(csrkit(&ks.root()).env("CSRKIT_CONFIG", f).arg("config"));
        assert_eq!(o.status.code(), Some(2), "{f:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
    }
    // More than 64 KiB of TOML is not a config file.
    let big = ks.file("big.toml", &vec![b'#'; 70 << 10]);
    let o = run_unhung(csrkit(&ks.root()).env("CSRKIT_CONFIG", &big).arg("config"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("64 KiB"), "{}", stderr(&o));
    // 64 KiB of comments and one default still is.
    let mut ok = vec![b'#'; 60 << 10];
    ok.extend_from_slice(b"\norganization = \"Bounded Org\"\n");
    let ok = ks.file("ok.toml", &ok);
    let o = run_unhung(csrkit(&ks.root()).env("CSRKIT_CONFIG", &ok).arg("config"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Bounded Org"), "{}", stdout(&o));
}

// ---- 3. A bogus issuer is refused whatever the record already holds.

struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Pki {
        let pki = Pki {
            dir: tempfile::tempdir().unwrap(),
        };
        openssl_root_and_intermediate(pki.dir.path(), "/CN=Test Root", "/CN=Test Intermediate");
        pki
    }

    fn path(&self, f: &str) -> PathBuf {
        self.dir.path().join(f)
    }

    /// Signs `csr` with `ca` (`int`, `root`, ...), extensions `ext`.
    fn sign(&self, csr: &Path, ca: &str, ext: &str, out: &str) -> PathBuf {
        let d = self.dir.path();
        std::fs::write(d.join(format!("{out}.ext")), ext).unwrap();
        openssl_in(
            d,
            &[
                "x509",
                "-req",
                "-in",
                csr.to_str().unwrap(),
                "-CA",
                &format!("{ca}.pem"),
                "-CAkey",
                &format!("{ca}.key"),
                "-set_serial",
                "77",
                "-out",
                out,
                "-days",
                "90",
                "-extfile",
                &format!("{out}.ext"),
            ],
        );
        d.join(out)
    }

    fn cat(&self, out: &str, parts: &[&Path]) -> PathBuf {
        let mut data = Vec::new();
        for p in parts {
            data.extend(std::fs::read(p).unwrap());
        }
        let p = self.path(out);
        std::fs::write(&p, data).unwrap();
        p
    }
}

#[test]
fn a_bogus_issuer_is_exit_9_even_when_the_record_holds_the_real_chain() {
    let ks = Ks::new();
    ks.generate_ec("web");
    let pki = Pki::new();
    let leaf = pki.sign(
        &ks.csr_path("web"),
        "int",
        "subjectAltName=DNS:web\n",
        "web.pem",
    );
    // A CA that takes the intermediate's name with a key of its own.
    openssl_root_ca(
        pki.dir.path(),
        "fake",
        "/CN=Test Intermediate",
        3650,
        "keyCertSign,cRLSign",
    );
    let fake = pki.cat("fake-bundle.pem", &[&leaf, &pki.path("fake.pem")]);
    // A fresh record: exit 9.
    let o = run(ks.cmd().args(["import", fake.to_str().unwrap()]));
    assert_eq!(o.status.code(), Some(9), "{}", stderr(&o));
    // The real chain stored...
    let real = pki.cat(
        "real.pem",
        &[&leaf, &pki.path("int.pem"), &pki.path("root.pem")],
    );
    let o = run(ks.cmd().args(["import", real.to_str().unwrap()]));
    assert!(o.status.success(), "{}", stderr(&o));
    let before = ks.snapshot();
    // ...does not make the same bogus bundle acceptable.
    let o = run(ks.cmd().args(["import", fake.to_str().unwrap()]));
    assert_eq!(o.status.code(), Some(9), "{}", stderr(&o));
    assert!(stderr(&o).contains("does not verify"), "{}", stderr(&o));
    assert_same(&before, &ks.snapshot(), "a refused import");
    // The leaf alone still finds its chain in what is stored.
    let o = run(ks.cmd().args(["import", leaf.to_str().unwrap()]));
    assert!(o.status.success(), "{}", stderr(&o));
}

// ---- 4. A damaged record: delete removes it, list skips and names it.

#[test]
fn delete_removes_a_record_whose_record_json_is_corrupt() {
    let ks = Ks::new();
    ks.generate_ec("web");
    ks.generate_ec("ok");
    let json = ks.record("web").join("record.json");
    let data = std::fs::read(&json).unwrap();
    std::fs::write(&json, &data[..data.len() / 2]).unwrap();
    let o = run(ks.cmd().args(["show", "web"]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // The hint gives a command that works...
    assert!(
        stderr(&o).contains("csrkit delete web --yes"),
        "{}",
        stderr(&o)
    );
    // ...and list goes on with the other records.
    let o = run(ks.cmd().arg("list"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("ok"), "{}", stdout(&o));
    // Without --yes and no terminal: refused, nothing removed.
    let o = run(ks.cmd().args(["delete", "web"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(ks.record("web").exists());
    let o = run(ks.cmd().args(["delete", "web", "--yes"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("removed"), "{}", stderr(&o));
    assert!(!ks.record("web").exists());
    assert!(ks.record("ok").exists());
    assert!(temporaries(&ks.root()).is_empty());
}

#[test]
fn delete_removes_symlinked_records_without_following_them() {
    let ks = Ks::new();
    ks.generate_ec("web");
    ks.generate_ec("keyed");
    // A record directory that is a symlink to somewhere else.
    let elsewhere = ks.dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("precious"), "keep me").unwrap();
    std::os::unix::fs::symlink(&elsewhere, ks.record("linked")).unwrap();
    let o = run(ks.cmd().args(["delete", "linked", "--yes"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(ks.record("linked")).is_err());
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("precious")).unwrap(),
        "keep me"
    );
    // A key.pem that is a symlink: the record goes, the target stays.
    let target = ks.file("target.pem", b"not a key");
    std::fs::remove_file(ks.key_path("keyed")).unwrap();
    std::os::unix::fs::symlink(&target, ks.key_path("keyed")).unwrap();
    let o = run(ks.cmd().args(["delete", "keyed", "--yes"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!ks.record("keyed").exists());
    assert_eq!(std::fs::read(&target).unwrap(), b"not a key");
    // A name nothing holds is still exit 3.
    let o = run(ks.cmd().args(["delete", "nothing", "--yes"]));
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(ks.record("web").exists());
}

#[test]
fn a_stray_directory_does_not_fail_list_or_expiring() {
    let ks = Ks::new();
    ks.generate_ec("web");
    std::fs::create_dir(ks.root().join("records/stray")).unwrap();
    let o = run(ks.cmd().arg("list"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("web"), "{}", stdout(&o));
    assert!(stderr(&o).contains("stray"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("csrkit delete stray --yes"),
        "{}",
        stderr(&o)
    );
    let o = run(ks.cmd().args(["list", "--format", "json"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    let o = run(ks.cmd().arg("expiring"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(ks.cmd().args(["delete", "stray", "--yes"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!ks.root().join("records/stray").exists());
}

// ---- 5. What the CA dropped from the requested key usages.

#[test]
fn import_warns_when_the_ca_drops_a_requested_eku_and_qradar_says_what_was_issued() {
    let ks = Ks::new();
    let o = run(ks.cmd().args([
        "generate",
        "web",
        "--cn",
        "web.example.com",
        "--no-passphrase",
        "--key-type",
        "rsa",
        "--key-size",
        "2048",
        "--purpose",
        "server-client",
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let pki = Pki::new();
    let leaf = pki.sign(
        &ks.csr_path("web"),
        "int",
        "subjectAltName=DNS:web.example.com\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n",
        "web.pem",
    );
    let bundle = pki.cat(
        "bundle.pem",
        &[&leaf, &pki.path("int.pem"), &pki.path("root.pem")],
    );
    let o = run(ks
        .cmd()
        .args(["import", bundle.to_str().unwrap(), "--format", "qradar"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("extendedKeyUsage") && err.contains("without clientAuth"),
        "{err}"
    );
    assert!(
        err.contains("keyUsage") && err.contains("without keyEncipherment"),
        "{err}"
    );
    let dto: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(dto["purpose"], "SERVER", "{dto}");
    let o = run(ks.cmd().args([
        "export",
        "web",
        "--format",
        "qradar",
        "--no-export-passphrase",
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let body: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(body["purpose"], "SERVER", "{body}");
}

#[test]
fn import_says_nothing_when_the_ca_issued_what_was_asked() {
    let ks = Ks::new();
    let o = run(ks.cmd().args([
        "generate",
        "web",
        "--cn",
        "web.example.com",
        "--no-passphrase",
        "--key-type",
        "ec",
        "--purpose",
        "server-client",
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let pki = Pki::new();
    let leaf = pki.sign(
        &ks.csr_path("web"),
        "int",
        "subjectAltName=DNS:web.example.com\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature\n",
        "web.pem",
    );
    let bundle = pki.cat(
        "bundle.pem",
        &[&leaf, &pki.path("int.pem"), &pki.path("root.pem")],
    );
    let o = run(ks.cmd().args(["import", bundle.to_str().unwrap()]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("KeyUsage"), "{}", stderr(&o));
}

// ---- 7. SIGTERM during a batch; import racing delete.

#[test]
fn sigterm_during_a_batch_reports_every_committed_record_then_dies_of_it() {
    use std::io::Write;
    use std::os::unix::process::ExitStatusExt;
    let ks = Ks::new();
    let mut child = csrkit(&ks.root())
        .args(["generate", "--no-passphrase", "--batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for i in 0..3 {
        writeln!(
            stdin,
            "{{\"name\":\"b{i}\",\"common_name\":\"b{i}.example.com\",\"key_type\":\"ec\"}}"
        )
        .unwrap();
    }
    stdin.flush().unwrap();
    // The three are committed while the batch waits for more input.
    let start = Instant::now();
    while !(0..3).all(|i| ks.record(&format!("b{i}")).join("record.json").exists()) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the batch never committed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = StdCommand::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    drop(stdin);
    no_panic(&o);
    // It dies of the signal (the shell's 143)...
    assert_eq!(o.status.signal(), Some(libc::SIGTERM), "{:?}", o.status);
    // ...after saying so, with every committed record reported.
    let err = stderr(&o);
    assert!(err.contains("interrupted by SIGTERM"), "{err}");
    let out = stdout(&o);
    for name in record_names(&ks.root()) {
        assert!(out.contains(&format!("created {name} ")), "{name}: {out}");
    }
    assert_eq!(record_names(&ks.root()).len(), 3);
    assert!(temporaries(&ks.root()).is_empty());
}

#[test]
fn import_racing_delete_names_the_record() {
    let ks = Ks::new();
    ks.generate_ec("web");
    let pki = Pki::new();
    let leaf = pki.sign(
        &ks.csr_path("web"),
        "int",
        "subjectAltName=DNS:web\n",
        "web.pem",
    );
    let bundle = pki.cat(
        "bundle.pem",
        &[&leaf, &pki.path("int.pem"), &pki.path("root.pem")],
    );
    // The import finds its record, then waits; the record is deleted.
    let child = csrkit(&ks.root())
        .env("CSRKIT_TEST_PAUSE_AT", "import:found:5000")
        .args(["import", bundle.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let o = run(ks.cmd().args(["delete", "web", "--yes"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let o = child.wait_with_output().unwrap();
    no_panic(&o);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("record web"), "{err}");
    assert!(!err.contains("os error"), "{err}");
}

// ---- 6. One name, one spelling; a note only for a real rewrite.

#[test]
fn a_subject_copied_byte_for_byte_is_no_rewrite_and_is_spelled_once() {
    for subject in [
        "CN=web.example.com,serialNumber=HRB 12345,emailAddress=pki@example.com,O=Example",
        "CN=a\\=b+UID=u1,OU=Ops,O=Example GmbH,C=DE",
        "CN=web,title=Admin,street=Main St 1,L=Town,ST=State,DC=example,DC=com",
    ] {
        let ks = Ks::new();
        let o = run(ks.cmd().args([
            "generate",
            "web",
            "--subject",
            subject,
            "--dns",
            "web.example.com",
            "--no-passphrase",
            "--key-type",
            "ec",
        ]));
        assert!(o.status.success(), "{subject}: {}", stderr(&o));
        let pki = Pki::new();
        // `openssl x509 -req` copies the CSR's subject byte for byte.
        let leaf = pki.sign(
            &ks.csr_path("web"),
            "int",
            "subjectAltName=DNS:web.example.com\n",
            "web.pem",
        );
        let bundle = pki.cat(
            "bundle.pem",
            &[&leaf, &pki.path("int.pem"), &pki.path("root.pem")],
        );
        let o = run(ks.cmd().args(["import", bundle.to_str().unwrap()]));
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            !stderr(&o).contains("wrote the subject"),
            "{subject}: {}",
            stderr(&o)
        );
        // show --format json: the CSR's and the certificate's subject in
        // one spelling, and `show --file` of the certificate agrees.
        let m: serde_json::Value =
            serde_json::from_slice(&run(ks.cmd().args(["show", "web", "--format", "json"])).stdout)
                .unwrap();
        assert_eq!(m["subject"], m["certificate"]["subject"], "{m}");
        let c: serde_json::Value = serde_json::from_slice(
            &run(ks
                .cmd()
                .args(["show", "--file", leaf.to_str().unwrap(), "--format", "json"]))
            .stdout,
        )
        .unwrap();
        assert_eq!(c["subject"], m["subject"], "{c}");
    }
}

#[test]
fn a_subject_the_ca_rewrote_is_noted() {
    let ks = Ks::new();
    ks.generate_ec("web");
    let pki = Pki::new();
    // Another CSR on the record's key with another subject: what a CA
    // that rewrites the subject returns.
    let other = pki.path("other.csr");
    openssl_in(
        pki.dir.path(),
        &[
            "req",
            "-new",
            "-key",
            ks.key_path("web").to_str().unwrap(),
            "-subj",
            "/CN=rewritten.example.com/O=CA Org",
            "-out",
            other.to_str().unwrap(),
        ],
    );
    let leaf = pki.sign(&other, "int", "subjectAltName=DNS:web\n", "web.pem");
    let bundle = pki.cat(
        "bundle.pem",
        &[&leaf, &pki.path("int.pem"), &pki.path("root.pem")],
    );
    let o = run(ks.cmd().args(["import", bundle.to_str().unwrap()]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "note: the CA wrote the subject as O=CA Org,CN=rewritten.example.com (the CSR asked for CN=web)"
        ),
        "{}",
        stderr(&o)
    );
}
