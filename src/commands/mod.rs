//! Commands: one file per verb (`generate`, `regenerate`, `show`, ...),
//! each a short function that wires input -> request -> key + CSR ->
//! keystore -> formatter, and [`run`], which picks the verb, refuses an
//! output shape that cannot render it before anything happens, and turns
//! the outcome into what `main` prints and the exit code. The pieces the
//! verbs share are in `common`; nothing here prints.

use crate::field::Field;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{Cli, Command, FormatArg};
use crate::error::Error;
use crate::formats::{self, Op, Options};
use crate::keystore;
use crate::prompt;

mod acme_cmd;
mod batch;
mod common;
mod config;
mod delete;
mod download;
pub mod edge;
mod expiring;
mod export;
mod generate;
mod history;
mod import;
mod interrupt;
#[path = "keystore.rs"]
mod keystore_cmd;
mod lint;
mod list;
mod meta;
mod order;
mod output;
mod passwd;
mod regenerate;
mod renew;
mod revoke;
mod self_sign;
mod serve;
mod show;

pub use batch::{Buffered, Report};
pub use common::{read_input, Ctx, Done};
pub use interrupt::reraise as reraise_batch_signal;

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
        Command::Import(_) | Command::Order(_) => (Op::Import, FormatArg::Text),
        Command::SelfSign(_) => (Op::SelfSign, FormatArg::Text),
        Command::Expiring(_) => (Op::Expiring, FormatArg::Text),
        Command::Lint(_) => (Op::Lint, FormatArg::Text),
        Command::Export(_) => (Op::Export, FormatArg::Pem),
        Command::Passwd(_) | Command::Config(_) | Command::History(_) => return None,
        Command::Renew(_) => return None,
        Command::Revoke(_) | Command::Acme(_) => return None,
        Command::Serve(_) => return None,
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

/// Runs `f` again (up to 16 times, after a short random pause) while its
/// commit is refused because the record moved on meanwhile.
fn retry_on_conflict(
    mut f: impl FnMut() -> crate::error::Result<Done>,
) -> crate::error::Result<Done> {
    let mut tries = 0;
    loop {
        match f() {
            Err(e) if keystore::is_revision_conflict(&e) && tries < 16 => {
                tries += 1;
                let mut jitter = [0u8; 1];
                let _ = aws_lc_rs::rand::fill(&mut jitter);
                let ms = 2 + u64::from(jitter[0] % 16);
                std::thread::sleep(std::time::Duration::from_millis(ms));
            }
            r => return r,
        }
    }
}

/// Said when a `--keystore` URL on the command line holds a password.
const ARGV_PASSWORD: &str = "warning: a keystore URL on the command line holds a password, \
     which other users can read in `ps`; give it in PGPASSWORD or ~/.pgpass (or PGPASSFILE), \
     and a --keystore URL in CSRKIT_KEYSTORE instead";

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
/// Errors and notes come back as the command line words them
/// ([`edge::for_cli`]).
pub fn run_streaming(cli: &Cli, report: &mut dyn Report) -> Output {
    let mut output = run_unworded(cli, report);
    output.error = output.error.map(edge::for_cli);
    for n in &mut output.notes {
        *n = edge::text(n);
    }
    for e in &mut output.errors {
        *e = edge::text(e);
    }
    output
}

fn run_unworded(cli: &Cli, report: &mut dyn Report) -> Output {
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
            Field::LockTimeout,
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
    // A password in a --keystore URL on the command line is visible to
    // every user of the machine (ps, /proc/PID/cmdline).
    let pw = |p: &std::path::Path| p.to_str().is_some_and(keystore::url_has_password);
    let argv_password = (keystore_source(g.keystore.as_deref()) == "--keystore" && pw(&root))
        || matches!(&cli.command, Command::Keystore(crate::cli::KeystoreCommand::Copy(a))
            if pw(&a.src) || pw(&a.dst));
    // A keystore directory named with --keystore that does not exist is a
    // typo, not an empty keystore, for the commands that only read the
    // whole keystore (CSRKIT_KEYSTORE may name one a job creates later).
    if matches!(cli.command, Command::List(_) | Command::Expiring(_))
        && keystore_source(g.keystore.as_deref()) == "--keystore"
        && keystore::scheme(&root).is_none()
        && std::fs::symlink_metadata(&root).is_err()
    {
        output.error = Some(
            Error::not_found(format!(
                "the keystore directory {} does not exist",
                root.display()
            ))
            .with_field(Field::Keystore)
            .with_hint("check --keystore; the first generate creates a keystore"),
        );
        return output;
    }
    let keystore = match keystore::open(root, lock_timeout) {
        Ok(ks) => ks,
        Err(e) => {
            output.error = Some(e);
            if argv_password {
                output.notes.push(ARGV_PASSWORD.to_string());
            }
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
        // A commit refused because another command committed first is
        // redone from a fresh read when nothing would be asked or read
        // twice (stdin, a prompt): each run's change lands, none is lost.
        Command::Regenerate(a)
            if a.request.request.as_deref() != Some("-")
                && !a.challenge.challenge_password_prompt
                && !ctx.interactive =>
        {
            retry_on_conflict(|| regenerate::regenerate(&ctx, a))
        }
        Command::Regenerate(a) => regenerate::regenerate(&ctx, a),
        Command::SelfSign(a) if !ctx.interactive => {
            retry_on_conflict(|| self_sign::self_sign(&ctx, a))
        }
        Command::List(_) => list::list(&ctx, report),
        Command::Delete(a) => delete::delete(&ctx, a),
        Command::Import(a) => import::import(&ctx, a),
        Command::Order(a) => order::order(&ctx, a),
        Command::Renew(a) => renew::renew(&ctx, a),
        Command::Revoke(a) => revoke::revoke(&ctx, a),
        Command::Acme(c) => acme_cmd::run(&ctx, c),
        Command::SelfSign(a) => self_sign::self_sign(&ctx, a),
        Command::Expiring(a) => expiring::expiring(&ctx, a),
        Command::Lint(a) => lint::lint(&ctx, a),
        Command::Export(a) => export::export(&ctx, a),
        Command::Passwd(a) => passwd::passwd(&ctx, a),
        Command::History(a) => history::history(&ctx, a),
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
    if argv_password {
        output.notes.insert(0, ARGV_PASSWORD.to_string());
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
