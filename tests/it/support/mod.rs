//! Helpers shared by the integration tests: a temporary keystore, the
//! built binary, snapshots of a keystore, and OpenSSL as the independent
//! oracle for every record.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output, Stdio};

use assert_cmd::Command;

pub const PASS: &str = "correct horse battery staple 7f3a";

/// The one environment every test starts csrkit in (jj's
/// `TestEnvironment`, ripgrep's `tests/util.rs`): the variables are
/// cleared, then only `PATH` (and `TMPDIR` when set) come from the test's
/// own environment; `HOME`, `XDG_CONFIG_HOME` and `XDG_DATA_HOME` lie
/// inside the test's temporary directory, so a developer's
/// `~/.config/csrkit/config.toml` (or keystore) is never read; `LANG=C`;
/// `CI` is passed through (callers that need another value set it after).
/// csrkit has no clock override, so there is no clock to pin.
pub struct TestEnv {
    /// The fake home: `DIR/home` (not created; csrkit creates nothing there
    /// when a keystore is named).
    pub home: PathBuf,
}

impl TestEnv {
    /// The environment of a test whose temporary directory is `dir`.
    pub fn at(dir: &Path) -> TestEnv {
        TestEnv {
            home: dir.join("home"),
        }
    }

    /// Clears `cmd`'s environment and sets the test's own, taking `PATH`,
    /// `TMPDIR` and `CI` from the test process.
    pub fn apply<'a>(&self, cmd: &'a mut StdCommand) -> &'a mut StdCommand {
        self.apply_from(cmd, std::env::vars_os())
    }

    /// [`TestEnv::apply`], with `parent` standing for the test process's
    /// environment.
    pub fn apply_from<'a>(
        &self,
        cmd: &'a mut StdCommand,
        parent: impl IntoIterator<Item = (std::ffi::OsString, std::ffi::OsString)>,
    ) -> &'a mut StdCommand {
        cmd.env_clear();
        for (k, v) in parent {
            if k == "PATH" || k == "TMPDIR" || k == "CI" {
                cmd.env(k, v);
            }
        }
        cmd.env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("LANG", "C")
    }

    /// The built binary in this environment.
    pub fn command(&self) -> StdCommand {
        let mut cmd = StdCommand::new(env!("CARGO_BIN_EXE_csrkit"));
        self.apply(&mut cmd);
        cmd
    }

    /// [`TestEnv::command`] as an `assert_cmd` command.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.command())
    }
}

pub struct Ks {
    pub dir: tempfile::TempDir,
}

impl Ks {
    pub fn new() -> Ks {
        let dir = tempfile::tempdir().unwrap();
        // The tests' own config file, empty unless a test writes it: a
        // file named by CSRKIT_CONFIG must exist (exit 2 otherwise).
        std::fs::write(dir.path().join("config.toml"), "").unwrap();
        Ks { dir }
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("ks")
    }

    pub fn record(&self, name: &str) -> PathBuf {
        self.root().join("records").join(name)
    }

    pub fn csr_path(&self, name: &str) -> PathBuf {
        self.record(name).join("csr.pem")
    }

    pub fn key_path(&self, name: &str) -> PathBuf {
        self.record(name).join("key.pem")
    }

    /// The binary, on this keystore, with no terminal and no ambient passphrase.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// [`Ks::cmd`] as a std command (to spawn and signal it).
    pub fn std_cmd(&self) -> StdCommand {
        let mut c = TestEnv::at(self.dir.path()).command();
        c.env("CSRKIT_KEYSTORE", self.root())
            // A config file of the tests' own (empty unless a test writes
            // it): never the developer's ~/.config/csrkit/config.toml.
            .env("CSRKIT_CONFIG", self.dir.path().join("config.toml"))
            .env_remove("CSRKIT_PASSPHRASE")
            .env_remove("CSRKIT_FORMAT")
            .env_remove("CSRKIT_NO_PASSPHRASE")
            .env_remove("CSRKIT_PASSPHRASE_FILE")
            .env("CI", "true");
        c
    }

    /// Creates record `name` (EC, common name `name`, no passphrase) and
    /// asserts success.
    pub fn generate_ec(&self, name: &str) {
        self.cmd()
            .args([
                "generate",
                name,
                "--cn",
                name,
                "--no-passphrase",
                "--key-type",
                "ec",
            ])
            .assert()
            .success();
    }

    /// `list --format json` of this keystore, asserted to succeed, parsed.
    pub fn list_json(&self) -> serde_json::Value {
        let o = self
            .cmd()
            .args(["list", "--format", "json"])
            .output()
            .unwrap();
        assert!(o.status.success(), "list: {}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    }

    /// Each listed record's (id, name, revision), in the order `list` gave.
    pub fn listed(&self) -> Vec<(u64, String, u64)> {
        self.list_json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["id"].as_u64().unwrap(),
                    r["name"].as_str().unwrap().to_string(),
                    r["revision"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    /// `cmd` with a passphrase in the environment.
    pub fn cmd_pass(&self) -> Command {
        let mut c = self.cmd();
        c.env("CSRKIT_PASSPHRASE", PASS);
        c
    }

    pub fn file(&self, name: &str, data: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, data).unwrap();
        p
    }

    /// Every path, mode and byte under the keystore.
    pub fn snapshot(&self) -> Snapshot {
        snapshot(&self.root())
    }
}

/// A test's tool (an oracle, a server) is missing: under `CI=true` the
/// test fails, naming it (CI installs every tool, so a skip there would
/// hide a check that never ran); elsewhere a note, and the caller skips.
pub fn missing_tool(what: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{what} is missing and CI=true: .ci/run must provide it");
    }
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "note: {what} is missing; skipped");
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs openssl with optional stdin.
pub fn openssl(args: &[&str], input: Option<&[u8]>) -> Output {
    let mut child = StdCommand::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl is installed");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        if let Some(i) = input {
            stdin.write_all(i).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

/// `openssl req -verify` and insist on "verify OK" (OpenSSL 3.0 exits 0
/// even when the signature fails).
pub fn assert_verifies(csr_pem: &Path) {
    let o = openssl(
        &["req", "-in", csr_pem.to_str().unwrap(), "-noout", "-verify"],
        None,
    );
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        all.contains("verify OK"),
        "openssl did not verify {}: {all}",
        csr_pem.display()
    );
    assert!(!all.contains("verify failure"), "{all}");
}

pub fn req_text(csr_pem: &Path) -> String {
    let o = openssl(
        &["req", "-in", csr_pem.to_str().unwrap(), "-noout", "-text"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

/// Subject as OpenSSL prints it in RFC 2253 order.
pub fn req_subject(csr_pem: &Path) -> String {
    let o = openssl(
        &[
            "req",
            "-in",
            csr_pem.to_str().unwrap(),
            "-noout",
            "-subject",
            "-nameopt",
            "RFC2253",
        ],
        None,
    );
    stdout(&o).trim().trim_start_matches("subject=").to_string()
}

pub fn csr_pubkey(csr_pem: &Path) -> String {
    let o = openssl(
        &["req", "-in", csr_pem.to_str().unwrap(), "-noout", "-pubkey"],
        None,
    );
    assert!(
        o.status.success(),
        "openssl req -pubkey {}: {}",
        csr_pem.display(),
        stderr(&o)
    );
    stdout(&o)
}

/// The public key of a key file, opened with the passphrase (or none);
/// the passphrase reaches openssl through its environment, not argv.
pub fn key_pubkey(key_pem: &Path, pass: Option<&str>) -> Output {
    let mut c = StdCommand::new("openssl");
    c.args(["pkey", "-in", key_pem.to_str().unwrap(), "-pubout"]);
    match pass {
        Some(p) => c
            .args(["-passin", "env:CSRKIT_TEST_PASS"])
            .env("CSRKIT_TEST_PASS", p),
        None => c.args(["-passin", "pass:"]),
    };
    c.stdin(Stdio::null())
        .output()
        .expect("openssl is installed")
}

pub fn assert_key_matches(ks: &Ks, name: &str, pass: Option<&str>) {
    let k = key_pubkey(&ks.key_path(name), pass);
    assert!(
        k.status.success(),
        "openssl pkey could not open the key: {}",
        stderr(&k)
    );
    assert_eq!(
        stdout(&k),
        csr_pubkey(&ks.csr_path(name)),
        "key does not match the CSR"
    );
}

pub fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
}

/// The csrkit binary, with a clean environment: no inherited CSRKIT_*
/// settings, never prompting, pointed at `ks`.
pub fn csrkit(ks: &Path) -> StdCommand {
    let mut cmd = TestEnv::at(ks.parent().unwrap_or(ks)).command();
    // No config file: the default place, in a config home of the test's
    // own that does not exist (a missing CSRKIT_CONFIG is exit 2).
    let no_config = ks.parent().unwrap_or(ks).join("no-config-home");
    cmd.env("CSRKIT_KEYSTORE", ks)
        .env("XDG_CONFIG_HOME", no_config)
        .env("CSRKIT_NO_INPUT", "true")
        .env("CI", "1")
        .env_remove("RUST_BACKTRACE");
    cmd
}

/// Holds an flock on `path` (the keystore's `.lock`, or a batch's staging
/// directory) until the returned file is dropped, as a running csrkit
/// does.
pub fn hold_flock(path: &Path) -> std::fs::File {
    let f = std::fs::File::open(path).unwrap();
    f.try_lock().unwrap();
    f
}

/// Runs a command to completion with stdin closed.
pub fn run(cmd: &mut StdCommand) -> Output {
    cmd.stdin(std::process::Stdio::null())
        .output()
        .expect("run csrkit")
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Asserts success and returns stdout.
pub fn ok(cmd: &mut StdCommand) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed with {:?}\nstdout: {}\nstderr: {}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    no_panic(&out);
    text(&out.stdout)
}

pub fn no_panic(out: &Output) {
    let err = text(&out.stderr);
    assert!(!err.contains("panicked"), "panic in stderr: {err}");
    assert!(!text(&out.stdout).contains("panicked"), "panic in stdout");
}

/// Fast generate arguments: EC P-256, unencrypted key.
pub fn gen_args(name: &str) -> Vec<String> {
    vec![
        "generate".into(),
        name.into(),
        "--cn".into(),
        format!("{name}.example.com"),
        "--key-type".into(),
        "ec".into(),
        "--no-passphrase".into(),
    ]
}

/// One entry of a snapshot: mode and content (file bytes, symlink target,
/// or nothing for a directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Dir(u32),
    File(u32, Vec<u8>),
    Link(PathBuf),
}

pub type Snapshot = BTreeMap<PathBuf, Node>;

/// Every path under `root` (relative), with mode and bytes.
pub fn snapshot(root: &Path) -> Snapshot {
    let mut out = BTreeMap::new();
    fn walk(root: &Path, dir: &Path, out: &mut Snapshot) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let e = e.unwrap();
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_path_buf();
            let md = std::fs::symlink_metadata(&p).unwrap();
            let mode = md.permissions().mode() & 0o7777;
            if md.file_type().is_symlink() {
                out.insert(rel, Node::Link(std::fs::read_link(&p).unwrap()));
            } else if md.is_dir() {
                out.insert(rel, Node::Dir(mode));
                walk(root, &p, out);
            } else {
                out.insert(rel, Node::File(mode, std::fs::read(&p).unwrap()));
            }
        }
    }
    if let Ok(md) = std::fs::metadata(root) {
        out.insert(
            PathBuf::from("."),
            Node::Dir(md.permissions().mode() & 0o7777),
        );
    }
    walk(root, root, &mut out);
    out
}

/// Asserts two snapshots are equal, naming the first difference.
pub fn assert_same(before: &Snapshot, after: &Snapshot, what: &str) {
    if before == after {
        return;
    }
    for (k, v) in before {
        match after.get(k) {
            None => panic!("{what}: {} disappeared", k.display()),
            Some(w) if w != v => panic!("{what}: {} changed", k.display()),
            _ => {}
        }
    }
    for k in after.keys() {
        if !before.contains_key(k) {
            panic!("{what}: {} appeared", k.display());
        }
    }
}

/// Temporaries a writer leaves behind (`.tmp-*`, `.trash-*`, `*.tmp-*`)
/// in the keystore root or in `records/`.
pub fn temporaries(ks: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for d in [ks.to_path_buf(), ks.join("records")] {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(".tmp-")
                || n.starts_with(".trash-")
                || n.starts_with(".stage-")
                || n.contains(".tmp-")
            {
                out.push(n);
            }
        }
    }
    out
}

/// `openssl req -verify`: OpenSSL 3.0 exits 0 even when the signature is
/// bad, so the text decides.
pub fn openssl_verifies(csr: &Path) -> bool {
    let out = openssl(
        &["req", "-in", csr.to_str().unwrap(), "-noout", "-verify"],
        None,
    );
    let all = text(&out.stdout) + &text(&out.stderr);
    all.contains("verify OK") && !all.contains("verify failure")
}

/// What a record looks like on disk, checked.
#[derive(Debug, Clone)]
pub struct Checked {
    pub name: String,
    pub id: u64,
    pub revision: u64,
    pub json: serde_json::Value,
}

/// Checks one revision directory (a record or a history entry): the three
/// files exist as regular 0600 files, record.json parses, the CSR verifies
/// with openssl and its public key is the key file's.
pub fn check_revision(dir: &Path, pass: Option<&str>) -> serde_json::Value {
    // History keeps one copy of each distinct key: a history entry without
    // key.pem shares the key of a later revision.
    let in_history = dir
        .parent()
        .and_then(|p| p.file_name())
        .is_some_and(|n| n == "history");
    let keyless = in_history && !dir.join("key.pem").exists();
    let files: &[&str] = if keyless {
        &["record.json", "csr.pem"]
    } else {
        &["record.json", "csr.pem", "key.pem"]
    };
    for f in files.iter().copied() {
        let md = std::fs::symlink_metadata(dir.join(f))
            .unwrap_or_else(|e| panic!("{}/{f}: {e}", dir.display()));
        assert!(md.is_file(), "{}/{f} is not a regular file", dir.display());
        assert_eq!(md.mode() & 0o777, 0o600, "{}/{f} mode", dir.display());
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("record.json")).unwrap())
            .unwrap_or_else(|e| panic!("{}/record.json does not parse: {e}", dir.display()));
    assert!(
        openssl_verifies(&dir.join("csr.pem")),
        "{}/csr.pem does not verify",
        dir.display()
    );
    let encrypted = json["encrypted"].as_bool().expect("encrypted flag");
    let pass = if encrypted {
        Some(pass.expect("passphrase for an encrypted key"))
    } else {
        None
    };
    if keyless {
        let record = dir.parent().and_then(|p| p.parent()).unwrap();
        let want = csr_pubkey(&dir.join("csr.pem"));
        let mut keys = vec![record.join("key.pem")];
        for e in std::fs::read_dir(record.join("history")).unwrap().flatten() {
            keys.push(e.path().join("key.pem"));
        }
        let current_encrypted = serde_json::from_slice::<serde_json::Value>(
            &std::fs::read(record.join("record.json")).unwrap(),
        )
        .unwrap()["encrypted"]
            .as_bool()
            .unwrap_or(false);
        let found = keys.iter().filter(|k| k.exists()).any(|k| {
            let o = key_pubkey(k, if current_encrypted { pass } else { None });
            o.status.success() && stdout(&o) == want
        });
        assert!(
            found,
            "{}: no key of the record matches its csr.pem",
            dir.display()
        );
        return json;
    }
    let key = key_pubkey(&dir.join("key.pem"), pass);
    assert!(
        key.status.success(),
        "openssl pkey {}/key.pem: {}",
        dir.display(),
        stderr(&key)
    );
    assert_eq!(
        stdout(&key),
        csr_pubkey(&dir.join("csr.pem")),
        "{}: key.pem does not match csr.pem",
        dir.display()
    );
    json
}

/// Checks a whole record: its current revision and every history entry,
/// and that the revision is 1 + the number of history entries, each
/// history entry `n` holding revision `n`.
pub fn check_record(dir: &Path, pass: Option<&str>) -> Checked {
    let json = check_revision(dir, pass);
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(
        json["name"].as_str(),
        Some(name.as_str()),
        "{}: name",
        dir.display()
    );
    let revision = json["revision"].as_u64().expect("revision");
    let id = json["id"].as_u64().expect("id");
    // history/ is created lazily, with the first regenerate.
    let mut hist: Vec<u64> = std::fs::read_dir(dir.join("history"))
        .into_iter()
        .flatten()
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .parse::<u64>()
                .expect("numeric history entry")
        })
        .collect();
    hist.sort();
    let expected: Vec<u64> = (1..revision).collect();
    assert_eq!(
        hist,
        expected,
        "{}: history entries for revision {revision}",
        dir.display()
    );
    for n in hist {
        let h = check_revision(&dir.join("history").join(n.to_string()), pass);
        assert_eq!(
            h["revision"].as_u64(),
            Some(n),
            "{}: history/{n} revision",
            dir.display()
        );
        assert_eq!(
            h["id"].as_u64(),
            Some(id),
            "{}: history/{n} id",
            dir.display()
        );
    }
    Checked {
        name,
        id,
        revision,
        json,
    }
}

/// Checks every visible record of a keystore; returns them by name.
pub fn check_keystore(ks: &Path, pass: Option<&str>) -> BTreeMap<String, Checked> {
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(ks.join("records")) else {
        return out;
    };
    for e in entries {
        let e = e.unwrap();
        // Dot files in records/ are the id counter, the catalog and temporaries.
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let c = check_record(&e.path(), pass);
        out.insert(c.name.clone(), c);
    }
    let mut ids: Vec<u64> = out.values().map(|c| c.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), out.len(), "ids are not unique: {out:?}");
    out
}

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A private tmpfs mounted at `dir` (root only, where mounting is
/// permitted). Unmounted on drop.
pub struct Tmpfs(pub PathBuf);

impl Tmpfs {
    pub fn mount(dir: &Path, opts: &str) -> Option<Tmpfs> {
        if !is_root() {
            return None;
        }
        std::fs::create_dir_all(dir).ok()?;
        let st = StdCommand::new("mount")
            .args(["-t", "tmpfs", "-o", opts, "tmpfs"])
            .arg(dir)
            .output()
            .ok()?;
        st.status.success().then(|| Tmpfs(dir.to_path_buf()))
    }

    pub fn remount(&self, opts: &str) -> bool {
        StdCommand::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(&self.0)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = StdCommand::new("umount").arg("-l").arg(&self.0).output();
    }
}

/// `list --format json` must agree with record.json on disk for every
/// record (the catalog is a cache and must never be stale).
pub fn check_list_matches_disk(ks: &Path) {
    let out = ok(csrkit(ks).args(["list", "--format", "json"]));
    let listed: serde_json::Value = serde_json::from_str(&out).expect("list --format json");
    let listed = listed.as_array().cloned().expect("a JSON array of records");
    let on_disk = record_names(ks);
    let names: Vec<String> = listed
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, on_disk, "list and records/ disagree: {out}");
    for item in &listed {
        let name = item["name"].as_str().unwrap();
        let disk: serde_json::Value = serde_json::from_slice(
            &std::fs::read(ks.join("records").join(name).join("record.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(item["id"], disk["id"], "list: id of {name}");
        assert_eq!(
            item["revision"], disk["revision"],
            "list: revision of {name} is stale"
        );
        assert_eq!(item["modified"], disk["modified"], "list: {name} is stale");
    }
}

/// Record directory names in records/, sorted.
pub fn record_names(ks: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(ks.join("records"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Runs `openssl args` in `dir`; panics with OpenSSL's stderr on failure.
pub fn openssl_in(dir: &Path, args: &[&str]) {
    let out = StdCommand::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", stderr(&out));
}

/// A self-signed P-256 CA made by OpenSSL in `dir`: `<name>.key` and
/// `<name>.pem`, basicConstraints critical CA:TRUE, keyUsage `ku` (e.g.
/// `critical,keyCertSign,cRLSign`), valid for `days`.
pub fn openssl_root_ca(dir: &Path, name: &str, subj: &str, days: u32, ku: &str) {
    openssl_in(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.pem"),
            "-subj",
            subj,
            "-days",
            &days.to_string(),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            &format!("keyUsage={ku}"),
        ],
    );
}

/// OpenSSL as a two-level CA in `dir`: `root.{key,pem}` (self-signed,
/// 3650 days), `int.{key,pem}` (signed by the root, serial 2, 1000 days)
/// and `ca.ext`, the extension file both CA certificates carry.
pub fn openssl_root_and_intermediate(dir: &Path, root_subj: &str, int_subj: &str) {
    std::fs::write(
        dir.join("ca.ext"),
        "basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign\n",
    )
    .unwrap();
    openssl_root_ca(dir, "root", root_subj, 3650, "keyCertSign,cRLSign");
    openssl_in(
        dir,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "int.key",
            "-out",
            "int.csr",
            "-subj",
            int_subj,
        ],
    );
    openssl_in(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "int.csr",
            "-CA",
            "root.pem",
            "-CAkey",
            "root.key",
            "-set_serial",
            "2",
            "-out",
            "int.pem",
            "-days",
            "1000",
            "-extfile",
            "ca.ext",
        ],
    );
}
