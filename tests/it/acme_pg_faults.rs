//! ACME on the PostgreSQL keystore when things go wrong: an account name
//! that is not a name (on both backends: it would become a directory
//! name), and, with the fault points, csrkit killed on either side of a
//! key change (the row keeps the pending key until the CA's answer
//! settles it) and right before an order's certificate commits (every
//! row as it was). Pebble (tests/pebble) judges which key is live.

use crate::backend::{self, Store};
use crate::support::{self, stderr};

/// `order` and `acme account|rollover` with `--account ../../evil`:
/// exit 2 naming `--account` before any traffic (the directory URL is a
/// closed port: traffic would be exit 13), nothing written anywhere.
fn a_name_with_a_slash_is_refused_before_any_traffic(s: Store) {
    let o = s
        .cmd()
        .args(["generate", "web", "--cn", "web.test", "--dns", "web.test"])
        .args(["--key-type", "ec", "--no-passphrase"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let before = s.state();
    let outside = s.ks.root().parent().unwrap().to_path_buf();
    let listing = || {
        let mut names: Vec<_> = std::fs::read_dir(&outside)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    let around = listing();
    let closed = format!("https://127.0.0.1:{}/dir", crate::pebble::free_port());
    for args in [
        vec![
            "order",
            "web",
            "--agree-tos",
            "--no-passphrase",
            "--http-port",
            "1",
        ],
        vec!["acme", "account"],
        vec!["acme", "rollover", "--no-passphrase"],
    ] {
        let o = s
            .cmd()
            .args(&args)
            .args(["--acme", &closed, "--account", "../../evil"])
            .output()
            .unwrap();
        support::no_panic(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("--account") && stderr(&o).contains("not an ACME account name"),
            "{args:?}: {}",
            stderr(&o)
        );
        assert_eq!(before, s.state(), "{args:?}");
        assert_eq!(around, listing(), "{args:?}");
    }
}

both!(a_name_with_a_slash_is_refused_before_any_traffic);

// Crash injection needs the fault points (`--features failpoints`).
#[cfg(feature = "failpoints")]
mod killed {
    use crate::acme_pg::{accounts, acme, db, generate, order, pebble_accounts, pebble_and_pg};
    use crate::backend::Store;
    use crate::support::{stderr, stdout};

    /// Killed by the fault point `step` during `acme rollover`: the row
    /// holds the pending key, and `acme account` says so.
    fn rollover_killed_at(s: &Store, p: &crate::pebble::Pebble, step: &str) {
        use std::os::unix::process::ExitStatusExt;
        let mut c = s.cmd_pass();
        c.args(["acme", "rollover", "--acme", &p.url()])
            .arg("--acme-ca-file")
            .arg(p.tls_ca())
            .env("CSRKIT_TEST_CRASH_AT", step);
        let o = c.output().unwrap();
        assert_eq!(
            o.status.signal(),
            Some(libc::SIGABRT),
            "{step}: {}",
            stderr(&o)
        );
        let rows = accounts(db(s));
        assert!(rows[0].pending_key_pem.is_some(), "{step}: {rows:?}");
        let o = acme(s, p, &["account"]);
        assert!(stdout(&o).contains("Key change: pending"), "{}", stdout(&o));
    }

    #[test]
    fn killed_during_a_key_change_or_an_order_on_postgresql() {
        use std::os::unix::process::ExitStatusExt;
        let Some((p, s)) = pebble_and_pg("killed_during_a_key_change_or_an_order_on_postgresql")
        else {
            return;
        };
        generate(&s, "web", "web.test");
        let o = order(&s, &p, "web", &["--agree-tos"]);
        assert!(o.status.success(), "{}\n{}", stderr(&o), p.log());

        // The CA switched, csrkit died before storing that: the next order
        // asks Pebble, which answers for the pending key; it becomes the key.
        rollover_killed_at(&s, &p, "acme:key-changed");
        let pending = accounts(db(&s))[0].pending_key_pem.clone().unwrap();
        // keystore copy leaves an unsettled account behind (exit 2, the
        // records copied): which key is live is the CA's to say.
        let copy = Store::dir();
        let o = s
            .cmd()
            .args(["keystore", "copy", &s.location()])
            .arg(copy.ks.root())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("not settled") && stderr(&o).contains("1 ACME account not copied"),
            "{}",
            stderr(&o)
        );
        assert_eq!(copy.list().len(), 1);
        assert!(!copy.ks.root().join("acme").exists());
        let o = order(&s, &p, "web", &[]);
        assert!(o.status.success(), "{}\n{}", stderr(&o), p.log());
        let rows = accounts(db(&s));
        assert_eq!(rows[0].key_pem, pending);
        assert!(rows[0].pending_key_pem.is_none());

        // Died before asking the CA: Pebble does not know the pending key, so
        // it is dropped and the row is as it was.
        let was = accounts(db(&s));
        rollover_killed_at(&s, &p, "acme:pending-key-stored");
        let o = order(&s, &p, "web", &[]);
        assert!(o.status.success(), "{}\n{}", stderr(&o), p.log());
        assert_eq!(accounts(db(&s)), was);
        assert_eq!(pebble_accounts(&p), 1, "{}", p.log());

        // Killed right before the certificate's transaction commits: every
        // row (record, history, account, sequence) as it was.
        let before = s.state();
        let o = s
            .cmd_pass()
            .arg("order")
            .arg("web")
            .args(p.order_args())
            .env("CSRKIT_TEST_CRASH_AT", "pg:replace:before-commit")
            .output()
            .unwrap();
        assert_eq!(o.status.signal(), Some(libc::SIGABRT), "{}", stderr(&o));
        assert_eq!(before, s.state(), "a killed order left a trace");
        let o = order(&s, &p, "web", &[]);
        assert!(o.status.success(), "{}\n{}", stderr(&o), p.log());
    }
}
