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
mod config;
mod delete;
mod download;
mod expiring;
mod export;
mod generate;
mod import;
#[path = "keystore.rs"]
mod keystore_cmd;
mod lint;
mod list;
mod meta;
mod passwd;
mod regenerate;
mod self_sign;
mod serve;
mod show;

pub use batch::{Buffered, Report};
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
        Command::Lint(_) => (Op::Lint, FormatArg::Text),
        Command::Export(_) => (Op::Export, FormatArg::Pem),
        Command::Passwd(_) | Command::Config(_) | Command::Serve(_) => return None,
        Command::Completions(_) | Command::Man(_) | Command::Keystore(_) => return None,
    })
}

/// Whether the command reads or writes the keystore.
fn uses_keystore(command: &Command) -> bool {
    match command {
        Command::Show(a) => a.file.is_none(),
        Command::Lint(a) => a.file.is_none(),
        Command::Completions(_) | Command::Man(_) => false,
        Command::Keystore(k) => keystore_cmd::uses_keystore(k),
        _ => true,
    }
}

/// Where the keystore location came from, for `csrkit config`.
fn keystore_source(given: Option<&std::path::Path>) -> &'static str {
    match (given, std::env::var_os("CSRKIT_KEYSTORE")) {
        (None, _) => "default",
        (Some(p), Some(env)) if p.as_os_str() == env => "CSRKIT_KEYSTORE",
        (Some(_), _) => "--keystore",
    }
}

/// A hint for `show PATH` when PATH is a file rather than a record.
fn show_file_hint(command: &Command, err: Error) -> Error {
    match command {
        Command::Show(a) if err.kind == crate::error::Kind::NotFound => match &a.target {
            Some(t) if std::path::Path::new(t).is_file() => err.with_hint(format!(
                "{t} is a file; to read a CSR or certificate file: csrkit show --file {t}"
            )),
            _ => err,
        },
        _ => err,
    }
}

/// Runs the parsed command line; a batch's per-line results are kept in
/// the output (see [`run_streaming`] to print them as they come).
pub fn run(cli: &Cli) -> Output {
    let mut kept = Buffered::default();
    let mut output = run_streaming(cli, &mut kept);
    kept.stdout.append(&mut output.stdout);
    output.stdout = kept.stdout;
    kept.errors.append(&mut output.errors);
    output.errors = kept.errors;
    output
}

/// Runs the parsed command line; `generate --batch` sends each line's
/// result to `report` as it is decided, in line order, and keeps none.
pub fn run_streaming(cli: &Cli, report: &mut dyn Report) -> Output {
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
    // A keystore URL csrkit cannot open does not stop the commands that
    // never use the keystore.
    let root = if keystore::scheme(&root).is_some() && !uses_keystore(&cli.command) {
        PathBuf::new()
    } else {
        root
    };
    let keystore = match keystore::open(root, lock_timeout) {
        Ok(ks) => ks,
        Err(e) => {
            output.error = Some(e);
            return output;
        }
    };
    let ctx = Ctx {
        keystore,
        format,
        opts: Options { pretty: g.pretty },
        interactive: prompt::interactive(g.no_input),
        quiet: g.quiet,
    };
    if let Command::Serve(a) = &cli.command {
        let root = keystore_root_of(g.keystore.as_deref());
        match serve::serve(ctx, &root, a, report) {
            Ok(done) => output.notes = done.notes,
            Err(e) => output.error = Some(e),
        }
        return output;
    }
    let result = match &cli.command {
        Command::Generate(a) if a.batch.is_some() => batch::run(&ctx, a, report),
        Command::Generate(a) => generate::generate(&ctx, a),
        Command::Show(a) => show::show(&ctx, a),
        Command::Download(a) => download::download(&ctx, a),
        Command::Regenerate(a) => regenerate::regenerate(&ctx, a),
        Command::List(_) => list::list(&ctx, report),
        Command::Delete(a) => delete::delete(&ctx, a),
        Command::Import(a) => import::import(&ctx, a),
        Command::SelfSign(a) => self_sign::self_sign(&ctx, a),
        Command::Expiring(a) => expiring::expiring(&ctx, a),
        Command::Lint(a) => lint::lint(&ctx, a),
        Command::Export(a) => export::export(&ctx, a),
        Command::Passwd(a) => passwd::passwd(&ctx, a),
        Command::Config(_) => config::config(&ctx, keystore_source(g.keystore.as_deref())),
        Command::Completions(a) => meta::completions(a),
        Command::Man(a) => meta::man(a),
        Command::Keystore(k) => keystore_cmd::run(&ctx, k, lock_timeout),
        Command::Serve(_) => unreachable_serve(),
    };
    match result {
        Ok(done) => {
            output.stdout = done.stdout;
            output.notes = done.notes;
            output.errors = done.errors;
            output.error = done.error;
            output.leftovers = done.leftovers;
        }
        Err(e) => output.error = Some(show_file_hint(&cli.command, e)),
    }
    output
}

/// The keystore location `serve` puts its TLS directory beside.
fn keystore_root_of(given: Option<&std::path::Path>) -> PathBuf {
    given
        .map(PathBuf::from)
        .or_else(|| keystore::default_root().ok())
        .unwrap_or_default()
}

/// `serve` returned above; kept total without a panic.
fn unreachable_serve() -> crate::error::Result<Done> {
    Err(Error::internal("serve is run before the other commands"))
}
