//! Shell completion: the command tree with what each value can be, for
//! clap_complete's dynamic completion. The scripts in `completions/` (and
//! `csrkit completions SHELL`) only register `csrkit` with the shell; at
//! each Tab the shell runs `COMPLETE=<shell> csrkit -- <words>`, which
//! answers from [`command`]: record names (read from the keystore) for
//! `NAME|ID`, the accepted values of `--key-type`, `--purpose`, `--curve`,
//! `--digest` and `--country`, and for `--format` only the shapes the
//! subcommand can print. Nothing here changes what the parser accepts.

use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

use crate::cli::Cli;
use crate::error::{Error, Result};
use crate::formats::{self, Op};

/// The registration script for `shell` (bash, zsh, fish, powershell or
/// elvish), as `csrkit completions SHELL` prints it. It calls `csrkit`
/// from `PATH`. Exit 2 for a shell clap_complete cannot register with.
pub fn registration(shell: &str) -> Result<Vec<u8>> {
    let shells = clap_complete::env::Shells::builtins();
    let completer = shells
        .completer(shell)
        .ok_or_else(|| Error::invalid_as("SHELL", format!("no completion for {shell}")))?;
    let mut buf = Vec::new();
    completer.write_registration("COMPLETE", "csrkit", "csrkit", "csrkit", &mut buf)?;
    Ok(buf)
}

/// The operation a subcommand's output is, for the formats it can print.
fn op_of(sub: &str) -> Option<Op> {
    Some(match sub {
        "generate" => Op::Generate,
        "show" => Op::Show,
        "download" => Op::Download,
        "regenerate" => Op::Regenerate,
        "list" => Op::List,
        "delete" => Op::Delete,
        "import" => Op::Import,
        "self-sign" => Op::SelfSign,
        "expiring" => Op::Expiring,
        "lint" => Op::Lint,
        "export" => Op::Export,
        _ => return None,
    })
}

fn candidates(values: &'static [&'static str]) -> ArgValueCandidates {
    ArgValueCandidates::new(move || {
        values
            .iter()
            .map(|v| CompletionCandidate::new(*v))
            .collect::<Vec<_>>()
    })
}

/// The keystore the command line being completed names (`--keystore`),
/// else `CSRKIT_KEYSTORE`, else the default.
fn keystore_of_line() -> Option<PathBuf> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    for (i, a) in args.iter().enumerate() {
        let Some(a) = a.to_str() else { continue };
        if let Some(v) = a.strip_prefix("--keystore=") {
            return Some(v.into());
        }
        if a == "--keystore" {
            return args.get(i + 1).map(PathBuf::from);
        }
    }
    std::env::var_os("CSRKIT_KEYSTORE")
        .map(PathBuf::from)
        .or_else(|| crate::keystore::default_root().ok())
}

/// Every record's name, with its common name as the help text. Nothing
/// (not an error) when the keystore cannot be read.
fn record_names() -> Vec<CompletionCandidate> {
    let Some(root) = keystore_of_line() else {
        return Vec::new();
    };
    let Ok(ks) = crate::keystore::open(root, std::time::Duration::from_millis(200)) else {
        return Vec::new();
    };
    ks.list()
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let help = r.summary.common_name.clone().map(Into::into);
            CompletionCandidate::new(&r.summary.name).help(help)
        })
        .collect()
}

/// Every `--format` value the subcommand can print.
fn formats_for(op: Op) -> Vec<&'static str> {
    formats::formats_for(op)
        .into_iter()
        .map(|s| &*s.leak())
        .collect()
}

/// The command tree for completion: [`Cli::command`] with value
/// candidates on the arguments that take a known set of values.
pub fn command() -> clap::Command {
    let mut cmd = Cli::command();
    cmd.build();
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        cmd = cmd.mut_subcommand(&name, |mut sub| {
            let has = |sub: &clap::Command, id: &str| sub.get_arguments().any(|a| a.get_id() == id);
            let fixed: [(&str, &'static [&'static str]); 5] = [
                ("key_type", &["rsa", "ec", "ed25519"]),
                ("curve", &["P-256", "P-384", "P-521"]),
                ("digest", &["sha256", "sha384", "sha512"]),
                (
                    "purpose",
                    &["server", "client", "server-client", "signing-encryption"],
                ),
                ("country", crate::request::COUNTRIES),
            ];
            for (id, values) in fixed {
                if has(&sub, id) {
                    sub = sub.mut_arg(id, |a| a.add(candidates(values)));
                }
            }
            for id in ["target", "record"] {
                if has(&sub, id) {
                    sub = sub.mut_arg(id, |a| a.add(ArgValueCandidates::new(record_names)));
                }
            }
            if let (Some(op), true) = (op_of(&name), has(&sub, "format")) {
                let values = formats_for(op);
                sub = sub.mut_arg("format", |a| {
                    a.value_parser(clap::builder::PossibleValuesParser::new(values))
                });
            }
            sub
        });
    }
    cmd
}
