//! Commands: one file per verb (`generate`, `regenerate`, `show`, ...),
//! each a short function that wires input -> request -> key + CSR ->
//! keystore -> formatter, and [`run`], which picks the verb, refuses an
//! output shape that cannot render it before anything happens, and turns
//! the outcome into what `main` prints and the exit code. The pieces the
//! verbs share are in `common`; nothing here prints.

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{Cli, Command, FormatArg};
use crate::error::Error;
use crate::formats::{self, Op, Options};
use crate::keystore;
use crate::prompt;

mod batch;
mod common;
mod delete;
mod download;
mod expiring;
mod generate;
mod import;
#[path = "keystore.rs"]
mod keystore_cmd;
mod list;
mod meta;
mod regenerate;
mod self_sign;
mod show;

pub use common::{read_input, Ctx, Done};

/// Everything `main` needs to finish: bytes for stdout, notes for stderr,
/// and the error (if any) that decides the exit code.
#[derive(Default)]
pub struct Output {
    pub stdout: Vec<u8>,
    pub notes: Vec<String>,
    /// Error lines printed even with --quiet (e.g. failed batch lines).
    pub errors: Vec<String>,
    pub error: Option<Error>,
    pub op: Option<Op>,
    pub shape: Option<FormatArg>,
    /// What the command read and no longer needs (see [`Done::leftovers`]).
    pub leftovers: Option<Box<dyn std::any::Any>>,
}

fn op_of(cmd: &Command) -> Option<(Op, FormatArg)> {
    Some(match cmd {
        Command::Generate(a) if a.batch.is_some() => (Op::Batch, FormatArg::Text),
        Command::Generate(_) => (Op::Generate, FormatArg::Text),
        Command::Show(_) => (Op::Show, FormatArg::Text),
        Command::Download(a) if a.der => (Op::Download, FormatArg::Der),
        Command::Download(_) => (Op::Download, FormatArg::Pem),
        Command::Regenerate(_) => (Op::Regenerate, FormatArg::Text),
        Command::List(_) => (Op::List, FormatArg::Text),
        Command::Delete(_) => (Op::Delete, FormatArg::Text),
        Command::Import(_) => (Op::Import, FormatArg::Text),
        Command::SelfSign(_) => (Op::SelfSign, FormatArg::Text),
        Command::Expiring(_) => (Op::Expiring, FormatArg::Text),
        Command::Completions(_) | Command::Man(_) | Command::Keystore(_) => return None,
    })
}

/// Whether the command reads or writes the keystore.
fn uses_keystore(command: &Command) -> bool {
    match command {
        Command::Show(a) => a.file.is_none(),
        Command::Completions(_) | Command::Man(_) => false,
        Command::Keystore(k) => keystore_cmd::uses_keystore(k),
        _ => true,
    }
}

/// Runs the parsed command line.
pub fn run(cli: &Cli) -> Output {
    let g = &cli.global;
    let (op, default_format) = match op_of(&cli.command) {
        Some((op, f)) => (Some(op), f),
        None => (None, FormatArg::Text),
    };
    let mut format = g.format.unwrap_or(default_format);
    if let Command::Download(a) = &cli.command {
        if a.der && g.format.is_none_or(|f| f == FormatArg::Pem) {
            format = FormatArg::Der;
        }
    }
    let mut output = Output {
        op,
        shape: Some(format),
        ..Output::default()
    };
    // Decided before anything is read or written: a shape that cannot
    // render the operation must not refuse after a commit or a delete.
    if let Some(op) = op {
        let shape = formats::shape(format);
        if !shape.supports(op) {
            output.error = Some(formats::unsupported(shape.name(), op));
            return output;
        }
    }
    let lock_timeout = if g.lock_timeout.is_finite() && g.lock_timeout >= 0.0 {
        Duration::from_secs_f64(g.lock_timeout.min(1e6))
    } else {
        output.error = Some(Error::invalid(
            "--lock-timeout",
            "must be a non-negative number of seconds",
        ));
        return output;
    };
    let root = match g.keystore.clone().map_or_else(keystore::default_root, Ok) {
        Ok(root) => root,
        // `completions`, `man` and `show --file` never open the keystore.
        Err(_) if !uses_keystore(&cli.command) => PathBuf::new(),
        Err(e) => {
            output.error = Some(e);
            return output;
        }
    };
    // A command that never opens the keystore ignores its value too.
    let root = if uses_keystore(&cli.command) {
        root
    } else {
        PathBuf::new()
    };
    let ks = match keystore::open(root, lock_timeout) {
        Ok(ks) => ks,
        Err(e) => {
            output.error = Some(e);
            return output;
        }
    };
    let ctx = Ctx {
        keystore: ks,
        format,
        opts: Options { pretty: g.pretty },
        interactive: prompt::interactive(g.no_input),
        quiet: g.quiet,
    };
    let result = match &cli.command {
        Command::Generate(a) if a.batch.is_some() => batch::run(&ctx, a),
        Command::Generate(a) => generate::generate(&ctx, a),
        Command::Show(a) => show::show(&ctx, a),
        Command::Download(a) => download::download(&ctx, a),
        Command::Regenerate(a) => regenerate::regenerate(&ctx, a),
        Command::List(_) => list::list(&ctx),
        Command::Delete(a) => delete::delete(&ctx, a),
        Command::Import(a) => import::import(&ctx, a),
        Command::SelfSign(a) => self_sign::self_sign(&ctx, a),
        Command::Expiring(a) => expiring::expiring(&ctx, a),
        Command::Completions(a) => meta::completions(a),
        Command::Man(a) => meta::man(a),
        Command::Keystore(k) => keystore_cmd::run(&ctx, k, lock_timeout),
    };
    match result {
        Ok(done) => {
            output.stdout = done.stdout;
            output.notes = done.notes;
            output.errors = done.errors;
            output.error = done.error;
            output.leftovers = done.leftovers;
        }
        Err(e) => output.error = Some(e),
    }
    output
}
