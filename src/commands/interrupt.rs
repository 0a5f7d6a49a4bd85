//! SIGINT, SIGTERM or SIGHUP during `generate --batch`: no new line is
//! read, the lines already taken are finished, committed and reported
//! (a record on disk is never left unreported), and then the binary dies
//! of the signal ([`reraise`]) so that the shell sees an interrupted
//! command (143 for SIGTERM). A second signal ends the process at once.
//!
//! The handler only stores the signal and writes one byte to a pipe
//! (async-signal-safe); the batch input ([`Interruptible`]) polls that
//! pipe with its file, so a read blocked on a quiet pipe or terminal ends
//! too, whichever thread the signal lands on.

use std::io::Read;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Once;

/// The signal received (0: none).
static SIGNAL: AtomicI32 = AtomicI32::new(0);
/// The pipe the handler writes to: (read end, write end), -1 until made.
static PIPE_R: AtomicI32 = AtomicI32::new(-1);
static PIPE_W: AtomicI32 = AtomicI32::new(-1);
static INSTALL: Once = Once::new();

const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

extern "C" fn on_signal(sig: libc::c_int) {
    // SAFETY: only async-signal-safe calls (signal, raise, write) on
    // values stored before the handler was installed.
    unsafe {
        if SIGNAL.swap(sig, Ordering::SeqCst) != 0 {
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
            return;
        }
        let fd = PIPE_W.load(Ordering::SeqCst);
        if fd >= 0 {
            let b = 1u8;
            libc::write(fd, (&b as *const u8).cast(), 1);
        }
    }
}

/// Installs the handlers (once): from here on a signal stops the batch
/// instead of killing it.
pub(super) fn install() {
    INSTALL.call_once(|| {
        let mut fds = [-1; 2];
        // SAFETY: pipe2 fills two descriptors or fails; the handler is an
        // extern "C" fn of the right type.
        unsafe {
            if libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) == 0 {
                PIPE_R.store(fds[0], Ordering::SeqCst);
                PIPE_W.store(fds[1], Ordering::SeqCst);
            }
            let handler = on_signal as extern "C" fn(libc::c_int);
            for sig in SIGNALS {
                libc::signal(sig, handler as libc::sighandler_t);
            }
        }
    });
}

/// The signal that stopped the batch, or abandoned an ACME order
/// ([`crate::acme::interrupted`]), if one did.
pub fn received() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => crate::acme::interrupted(),
        s => Some(s),
    }
}

/// The signal's name, for the summary.
pub(super) fn name(sig: i32) -> &'static str {
    match sig {
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        libc::SIGHUP => "SIGHUP",
        _ => "a signal",
    }
}

/// After everything is reported: dies of the signal that stopped the
/// batch, if one did (the binary calls it last).
pub fn reraise() {
    if let Some(sig) = received() {
        // SAFETY: restores the default action and raises the signal.
        unsafe {
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
    }
}

/// The batch input's file descriptor, read so that a signal ends it: each
/// read first waits for the file or the signal's pipe; once a signal came,
/// the input ends (as at end of file).
pub(super) struct Interruptible {
    pub(super) fd: RawFd,
    /// Keeps the file open (None for stdin).
    pub(super) _file: Option<std::fs::File>,
}

impl Read for Interruptible {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if received().is_some() {
                return Ok(0);
            }
            let mut fds = [
                libc::pollfd {
                    fd: self.fd,
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: PIPE_R.load(Ordering::SeqCst),
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            let n = if fds[1].fd >= 0 { 2 } else { 1 };
            // SAFETY: `fds` holds `n` initialised pollfd entries.
            let r = unsafe { libc::poll(fds.as_mut_ptr(), n, -1) };
            if r < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            if received().is_some() {
                return Ok(0);
            }
            // SAFETY: reads into `buf`, at most its length.
            let got = unsafe { libc::read(self.fd, buf.as_mut_ptr().cast(), buf.len()) };
            if got >= 0 {
                return Ok(got as usize);
            }
            let e = std::io::Error::last_os_error();
            match e.kind() {
                std::io::ErrorKind::Interrupted | std::io::ErrorKind::WouldBlock => continue,
                _ => return Err(e),
            }
        }
    }
}
