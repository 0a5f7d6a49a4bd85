//! A keystore under test on either backend: a directory, or a fresh
//! database on the PostgreSQL server that `.ci/run` starts
//! (`CSRKIT_TEST_PG_URL`). Scenarios written once against [`Store`] run on
//! both through [`both!`]; without a server the PostgreSQL half prints a
//! note and passes. What a scenario reads back goes through the binary
//! (`download`, `list`, `show`), except the stored key and the raw state
//! that the refusal checks compare, which are read from the backend itself.
#![allow(dead_code)]

use std::path::PathBuf;

use assert_cmd::Command;

use crate::support::{snapshot, Ks};

/// The admin URL of the test server, if there is one.
pub fn pg_url() -> Option<String> {
    std::env::var("CSRKIT_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// Prints why a PostgreSQL test did nothing, past the test harness's
/// capture (a passing test's `eprintln!` would never be seen).
/// Under `CI=true` (where `.ci/run` starts a server) a missing server is
/// a failure, not a skip.
pub fn skip(test: &str) {
    crate::support::missing_tool(&format!(
        "{test}: the PostgreSQL server (CSRKIT_TEST_PG_URL; .ci/run starts one, or source .ci/pg-cluster)"
    ));
}

/// A fresh database, dropped at the end.
pub struct PgDb {
    pub name: String,
    admin: String,
}

impl PgDb {
    pub fn new() -> Option<PgDb> {
        let admin = pg_url()?;
        let mut rnd = [0u8; 6];
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut rnd))
            .unwrap();
        let name = format!(
            "csrkit_t_{}",
            rnd.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        Some(PgDb { name, admin })
    }

    /// The database's URL (with the password, as the tests' environment
    /// gives it).
    pub fn url(&self) -> String {
        let (base, query) = self.admin.split_once('?').unwrap_or((&self.admin, ""));
        let root = &base[..base.rfind('/').unwrap()];
        let mut u = format!("{root}/{}", self.name);
        if !query.is_empty() {
            u = format!("{u}?{query}");
        }
        u
    }

    /// A client on the database itself.
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url(), postgres::NoTls).unwrap()
    }

    /// Every row of the keystore's tables (records, history, ACME
    /// accounts and renewal state) and its sequence, as text.
    pub fn dump(&self) -> String {
        let mut c = self.client();
        let mut out = String::new();
        for sql in [
            "SELECT id::text || name || revision::text || meta || summary || coalesce(spki_sha256,'') || csr_pem || key_pem || coalesce(cert_pem,'') || coalesce(chain_pem,'') FROM csrkit.records ORDER BY id",
            "SELECT record_id::text || revision::text || meta || csr_pem || key_pem || coalesce(cert_pem,'') || coalesce(chain_pem,'') FROM csrkit.history ORDER BY record_id, revision",
            "SELECT last_value::text || is_called::text FROM csrkit.record_id",
            "SELECT directory || name || url || array_to_string(contact, ',') || created || encrypted::text || coalesce(eab_kid,'') || coalesce(deactivated,'') || key_pem || coalesce(pending_key_pem,'') FROM csrkit.acme_accounts ORDER BY directory, name",
            "SELECT record_id || state FROM csrkit.acme_renewal ORDER BY record_id",
        ] {
            match c.query(sql, &[]) {
                Ok(rows) => {
                    for r in rows {
                        out.push_str(r.get::<_, &str>(0));
                        out.push('\n');
                    }
                }
                Err(_) => out.push_str("(no schema)\n"),
            }
        }
        out
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// A keystore on one backend, with a temporary directory for files.
pub struct Store {
    pub ks: Ks,
    pub pg: Option<PgDb>,
}

impl Store {
    pub fn dir() -> Store {
        Store {
            ks: Ks::new(),
            pg: None,
        }
    }

    /// `None` (after a note) without a server.
    pub fn pg(test: &str) -> Option<Store> {
        match PgDb::new() {
            Some(db) => Some(Store {
                ks: Ks::new(),
                pg: Some(db),
            }),
            None => {
                skip(test);
                None
            }
        }
    }

    /// The `--keystore` value.
    pub fn location(&self) -> String {
        match &self.pg {
            Some(db) => db.url(),
            None => self.ks.root().display().to_string(),
        }
    }

    /// The binary on this keystore (no terminal, no ambient passphrase).
    pub fn cmd(&self) -> Command {
        let mut c = self.ks.cmd();
        c.env("CSRKIT_KEYSTORE", self.location());
        c
    }

    pub fn cmd_pass(&self) -> Command {
        let mut c = self.cmd();
        c.env("CSRKIT_PASSPHRASE", crate::support::PASS);
        c
    }

    pub fn file(&self, name: &str, data: &[u8]) -> PathBuf {
        self.ks.file(name, data)
    }

    /// The record's CSR as `download` gives it, saved to a file.
    pub fn csr_file(&self, name: &str) -> PathBuf {
        let o = self.cmd().args(["download", name]).output().unwrap();
        assert!(
            o.status.success(),
            "download {name}: {}",
            crate::support::stderr(&o)
        );
        self.file(&format!("{name}.csr.pem"), &o.stdout)
    }

    /// The stored key, as stored, saved to a file.
    pub fn key_file(&self, name: &str) -> PathBuf {
        let pem = match &self.pg {
            Some(db) => db
                .client()
                .query_one(
                    "SELECT key_pem FROM csrkit.records WHERE name = $1",
                    &[&name],
                )
                .unwrap()
                .get::<_, String>(0),
            None => std::fs::read_to_string(self.ks.key_path(name)).unwrap(),
        };
        self.file(&format!("{name}.key.pem"), pem.as_bytes())
    }

    /// `show NAME --format json`.
    pub fn meta(&self, name: &str) -> serde_json::Value {
        let o = self
            .cmd()
            .args(["show", name, "--format", "json"])
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "show {name}: {}",
            crate::support::stderr(&o)
        );
        serde_json::from_slice(&o.stdout).unwrap()
    }

    /// `list --format json`.
    pub fn list(&self) -> Vec<serde_json::Value> {
        let o = self
            .cmd()
            .args(["list", "--format", "json"])
            .output()
            .unwrap();
        assert!(o.status.success(), "list: {}", crate::support::stderr(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }

    /// Everything the keystore holds, byte for byte (a directory's paths,
    /// modes and bytes; a database's rows and sequence).
    pub fn state(&self) -> String {
        match &self.pg {
            Some(db) => db.dump(),
            None => format!("{:?}", snapshot(&self.ks.root())),
        }
    }

    /// How many earlier revisions the record's history holds.
    pub fn history_len(&self, name: &str) -> usize {
        match &self.pg {
            Some(db) => {
                let n: i64 = db
                    .client()
                    .query_one(
                        "SELECT count(*) FROM csrkit.history h JOIN csrkit.records r ON r.id = h.record_id WHERE r.name = $1",
                        &[&name],
                    )
                    .unwrap()
                    .get(0);
                n as usize
            }
            None => std::fs::read_dir(self.ks.record(name).join("history"))
                .map(|d| d.count())
                .unwrap_or(0),
        }
    }
}

/// Runs each scenario `fn(Store)` on a directory keystore and on a
/// PostgreSQL one: `both!(generate_and_show, ...)` makes the tests
/// `dir::generate_and_show` and `pg::generate_and_show`.
#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod dir {
            $(#[test] fn $name() { super::$name(super::backend::Store::dir()) })*
        }
        mod pg {
            $(#[test] fn $name() {
                if let Some(s) = super::backend::Store::pg(stringify!($name)) {
                    super::$name(s)
                }
            })*
        }
    };
}
