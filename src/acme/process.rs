//! What stops ACME work before it ends: the signals that abandon it
//! (SIGINT, SIGTERM, SIGHUP, recorded for the caller to die of), and the
//! hook programs it runs (dns-01 `present`/`cleanup`, the deploy hook),
//! each in a process group of its own so that a hook that hangs, or a
//! shell script's `sleep` under it, is stopped with it.
//!
//! A hook run through [`output`] is killed, its whole group with SIGKILL,
//! when the future is dropped: an order's `--timeout` or a signal drops
//! the order's steps, and with them a `present` that has not returned.
//! [`bounded`] and [`bounded_blocking`] give a hook its own deadline and
//! watch for signals themselves (the cleanup after an order, the deploy
//! hook after the commit).

use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

use crate::error::{Error, Kind};

/// The signal that abandoned ACME work in this process (0: none).
static INTERRUPTED: AtomicI32 = AtomicI32::new(0);

/// The signal (SIGINT, SIGTERM, SIGHUP) that abandoned an order or a hook
/// in this process, if one did: the caller reports, then dies of it (the
/// order's challenges were taken down and nothing was stored).
pub fn interrupted() -> Option<i32> {
    match INTERRUPTED.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// Records `sig` as the signal that abandoned the work.
pub(super) fn abandon(sig: i32) {
    INTERRUPTED.store(sig, Ordering::SeqCst);
}

/// Waits for SIGINT, SIGTERM or SIGHUP (while it waits, they do not kill
/// the process); never returns when the handlers cannot be set.
pub(super) async fn a_signal() -> i32 {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut int), Ok(mut term), Ok(mut hup)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = int.recv() => libc::SIGINT,
        _ = term.recv() => libc::SIGTERM,
        _ = hup.recv() => libc::SIGHUP,
    }
}

/// Kills a hook's process group unless it was disarmed (the hook ended).
struct Group {
    pgid: Option<i32>,
}

impl Drop for Group {
    fn drop(&mut self) {
        if let Some(pgid) = self.pgid.filter(|p| *p > 1) {
            // SAFETY: killpg only sends a signal; the group is the hook's
            // own (process_group(0) made its leader's pid its id).
            unsafe {
                libc::killpg(pgid, libc::SIGKILL);
            }
        }
    }
}

/// Runs `cmd` to its end (stdin closed; stdout and stderr captured) in
/// a process group of its own. Dropping the future kills the group.
pub(super) async fn output(mut cmd: Command) -> io::Result<Output> {
    cmd.process_group(0).stdin(std::process::Stdio::null());
    let mut cmd = tokio::process::Command::from(cmd);
    cmd.kill_on_drop(true)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn()?;
    let mut group = Group {
        pgid: child.id().and_then(|p| i32::try_from(p).ok()),
    };
    let out = child.wait_with_output().await;
    group.pgid = None;
    out
}

/// How a bounded hook ended when it did not exit by itself.
#[derive(Debug)]
pub enum Stopped {
    /// It could not be started.
    Io(io::Error),
    /// It ran past its deadline and was killed.
    TimedOut(Duration),
    /// This signal arrived while it ran; it was killed and the signal
    /// recorded ([`interrupted`]).
    Signal(i32),
}

impl Stopped {
    /// The error for a hook called `who` (a phrase such as `dns-01 hook
    /// "CMD" present FQDN`): exit 12 when it could not start or was
    /// stopped on a signal, 13 when it ran past its deadline.
    pub fn error(self, who: &str) -> Error {
        match self {
            Stopped::Io(e) => {
                Error::new(Kind::ChallengeFailed, format!("{who} cannot be run: {e}"))
            }
            Stopped::TimedOut(t) => Error::new(
                Kind::CaUnreachable,
                format!(
                    "{who} did not finish within {}s and was stopped",
                    t.as_secs_f64()
                ),
            ),
            Stopped::Signal(sig) => Error::new(
                Kind::ChallengeFailed,
                format!("{who} was stopped on signal {sig}"),
            ),
        }
    }
}

/// The last line of a hook's output (trimmed, at most 300 characters),
/// for the message of a hook that failed; the caller escapes it.
pub fn last_line(output: &[u8]) -> String {
    String::from_utf8_lossy(output)
        .trim()
        .lines()
        .last()
        .unwrap_or("")
        .chars()
        .take(300)
        .collect()
}

/// [`output`] with a deadline of `within`, watching for signals.
pub(super) async fn bounded(cmd: Command, within: Duration) -> Result<Output, Stopped> {
    tokio::select! {
        biased;
        sig = a_signal() => {
            abandon(sig);
            Err(Stopped::Signal(sig))
        }
        r = tokio::time::timeout(within, output(cmd)) => match r {
            Ok(r) => r.map_err(Stopped::Io),
            Err(_) => Err(Stopped::TimedOut(within)),
        },
    }
}

/// [`bounded`] for a caller outside the ACME runtime (the deploy hook).
pub fn bounded_blocking(cmd: Command, within: Duration) -> Result<Output, Stopped> {
    let rt = super::runtime().map_err(|e| Stopped::Io(io::Error::other(e.message)))?;
    rt.block_on(bounded(cmd, within))
}
