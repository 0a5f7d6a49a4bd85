//! The `csrkit` binary: parses the command line, runs the command through
//! the library, and is (with the formatters and prompts) the only code that
//! writes to stdout and stderr. The exit code is the error's kind.

use std::io::Write;

use clap::Parser;

use csrkit::cli::Cli;
use csrkit::commands::{self, Output};
use csrkit::formats;

fn write_all(out: &mut impl Write, data: &[u8]) {
    if let Err(e) = out.write_all(data).and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write output: {e}");
            std::process::exit(1);
        }
    }
}

fn main() {
    let cli = Cli::parse();
    let quiet = cli.global.quiet;
    let Output {
        stdout,
        notes,
        errors,
        error,
        op,
        shape,
        leftovers,
    } = commands::run(&cli);
    // The process is about to exit: the OS takes the memory back at once.
    std::mem::forget(leftovers);
    let mut out = std::io::stdout().lock();
    write_all(&mut out, &stdout);
    if !quiet {
        for n in &notes {
            eprintln!("{n}");
        }
    }
    for e in &errors {
        eprintln!("error: {e}");
    }
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
        eprintln!("error: {}", err.message);
        if let Some(h) = &err.hint {
            eprintln!("hint: {h}");
        }
        std::process::exit(err.exit_code());
    }
}
