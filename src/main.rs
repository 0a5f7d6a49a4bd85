//! The `csrkit` binary: answers shell completion requests, parses the
//! command line, runs the command through the library, and is (with the
//! formatters and prompts) the only code that writes to stdout and stderr.
//! The exit code is the error's kind; with `--format json` a failure that
//! printed nothing else is also a JSON error body on stdout.

use std::io::Write;

use clap::Parser;

use csrkit::cli::{Cli, FormatArg};
use csrkit::commands::{self, Output};
use csrkit::{formats, usage};

use csrkit::csr::term_line;

fn write_all(out: &mut impl Write, data: &[u8]) {
    if let Err(e) = out.write_all(data).and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write output: {e}");
            std::process::exit(1);
        }
    }
}

/// Prints `err` the way every failure ends: the JSON body on stdout when
/// asked for, `error:` and `hint:` on stderr, and the exit code.
fn fail(err: &csrkit::Error, json: bool, pretty: bool) -> ! {
    let err = &commands::edge::for_cli(err.clone());
    if json {
        if let Ok(body) = formats::to_json(&err.to_json(), pretty) {
            write_all(&mut std::io::stdout().lock(), &body);
        }
    }
    eprintln!("error: {}", term_line(&err.message));
    if let Some(h) = &err.hint {
        eprintln!("hint: {}", term_line(h));
    }
    std::process::exit(err.exit_code());
}

/// Prints a batch's per-line results as they come: both streams buffered
/// and flushed by the batch every so often and at its end.
struct Streamed {
    out: std::io::BufWriter<std::io::Stdout>,
    err: std::io::BufWriter<std::io::Stderr>,
    /// A write to stdout failed (not a closed pipe): exit 1 at the end.
    failed: Option<std::io::Error>,
    /// Stdout is a closed pipe: nothing more is written there.
    closed: bool,
    /// Something was written to stdout.
    wrote: bool,
}

impl Streamed {
    fn check(&mut self, r: std::io::Result<()>) {
        if let Err(e) = r {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                self.closed = true;
            } else if self.failed.is_none() {
                self.failed = Some(e);
            }
        }
    }
}

impl commands::Report for Streamed {
    fn out(&mut self, bytes: &[u8]) {
        self.wrote |= !bytes.is_empty();
        if !self.closed && self.failed.is_none() {
            let r = self.out.write_all(bytes);
            self.check(r);
        }
    }
    fn err(&mut self, line: &str) {
        // The results before it go out first, so that stdout and stderr
        // on one terminal (or `2>&1`) read in line order.
        if !self.closed && self.failed.is_none() {
            let r = self.out.flush();
            self.check(r);
        }
        // Like eprintln!, a failing stderr is ignored.
        let _ = writeln!(self.err, "error: {}", term_line(line));
        let _ = self.err.flush();
    }
    fn flush(&mut self) {
        let _ = self.err.flush();
        if !self.closed && self.failed.is_none() {
            let r = self.out.flush();
            self.check(r);
        }
    }
    fn closed(&self) -> bool {
        self.closed
    }
}

/// Before any secret is read: no core dump (a passphrase prompt's Ctrl-\\
/// would otherwise write the private scalar and the passphrase to disk)
/// and no ptrace attach by other processes of the same user
/// (`RLIMIT_CORE` 0, `PR_SET_DUMPABLE` 0).
fn no_core_dumps() {
    let zero = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain system calls on this process, with valid arguments.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &zero);
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

fn main() {
    no_core_dumps();
    csrkit::keys::scrub_env_passphrase();
    // `COMPLETE=bash csrkit -- csrkit ...` (what the completion scripts
    // run) answers with candidates and exits; otherwise this returns.
    clap_complete::CompleteEnv::with_factory(csrkit::complete::command)
        .bin("csrkit")
        .completer("csrkit")
        .complete();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => match usage::parse_error(&e, usage::json_requested()) {
            Some(err) => fail(&err, usage::json_requested(), false),
            None => e.exit(),
        },
    };
    let quiet = cli.global.quiet;
    let mut streamed = Streamed {
        out: std::io::BufWriter::with_capacity(64 << 10, std::io::stdout()),
        err: std::io::BufWriter::with_capacity(16 << 10, std::io::stderr()),
        failed: None,
        closed: false,
        wrote: false,
    };
    let Output {
        stdout,
        notes,
        errors,
        error,
        op,
        shape,
        leftovers,
    } = commands::run_streaming(&cli, &mut streamed);
    // The process is about to exit: the OS takes the memory back at once.
    std::mem::forget(leftovers);
    commands::Report::flush(&mut streamed);
    if let Some(e) = streamed.failed {
        eprintln!("error: cannot write output: {e}");
        std::process::exit(1);
    }
    let mut out = std::io::stdout().lock();
    let printed = streamed.wrote || !stdout.is_empty();
    let mut stdout = stdout;
    write_all(&mut out, &stdout);
    // `export --with-key` to stdout puts a private key in this buffer.
    zeroize::Zeroize::zeroize(&mut stdout);
    if !quiet {
        for n in &notes {
            eprintln!("{}", term_line(n));
        }
    }
    for e in &errors {
        eprintln!("error: {}", term_line(e));
    }
    // A batch stopped by a signal, or an ACME order it abandoned:
    // everything is reported (the order's error too); die of it.
    if let (Some(_), Some(err)) = (csrkit::acme::interrupted(), &error) {
        let err = commands::edge::for_cli(err.clone());
        eprintln!("error: {}", term_line(&err.message));
    }
    commands::reraise_batch_signal();
    if let Some(err) = error {
        if let (Some(op), Some(shape)) = (op, shape) {
            if let Some(body) = formats::shape(shape).error(
                op,
                &err,
                formats::Options {
                    pretty: cli.global.pretty,
                },
            ) {
                write_all(&mut out, &body);
            }
        }
        drop(out);
        // csrkit's own JSON: a failure that printed nothing else is an
        // error body, so a pipeline reads one JSON document either way.
        let json = shape == Some(FormatArg::Json) && !printed;
        fail(&err, json, cli.global.pretty);
    }
}
