//! What csrkit says when a command line does not parse, where it can say
//! more than clap: a passphrase given as an option (never accepted), a
//! transposed flag such as `--dsn` (clap's similarity suggestions miss
//! it), and with `--format json` an error body for every parse failure.

use crate::cli::Cli;

/// Where a passphrase can come from, for hints.
pub const PASSPHRASE_SOURCES: &str = "--passphrase-file FILE (or CSRKIT_PASSPHRASE_FILE), \
--passphrase-env VAR, CSRKIT_PASSPHRASE, or the prompt at a terminal";

/// Whether the command line or `CSRKIT_FORMAT` asks for `--format json`
/// (read from the raw arguments: used when they do not parse).
pub fn json_requested() -> bool {
    // Lossy: an argument that is not UTF-8 (a file name may be any bytes)
    // is not `--format`, and must not stop csrkit before clap names it.
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut given = None;
    for (i, a) in args.iter().enumerate() {
        if a == "--" {
            break;
        }
        if let Some(v) = a.strip_prefix("--format=") {
            given = Some(v.to_string());
        } else if a == "--format" {
            given = args.get(i + 1).cloned();
        }
    }
    given
        .or_else(|| std::env::var("CSRKIT_FORMAT").ok())
        .is_some_and(|f| f.eq_ignore_ascii_case("json"))
}

/// The options that would take a passphrase on the command line, which
/// csrkit never does.
const PASSPHRASE_FLAGS: &[&str] = &[
    "--passphrase",
    "--password",
    "--pass",
    "--passwd",
    "--passin",
    "--passout",
    "--key-passphrase",
];

/// csrkit's own error for a command line that does not parse, when it can
/// say more than clap: `None` lets clap print its message (help and
/// `--version` included), unless `json` asks for an error body, which
/// every parse failure then gets (exit 2).
pub fn parse_error(e: &clap::Error, json: bool) -> Option<crate::Error> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        return None;
    }
    if e.kind() == ErrorKind::UnknownArgument {
        if let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) {
            let flag = arg.split('=').next().unwrap_or(arg);
            if PASSPHRASE_FLAGS.contains(&flag) {
                return Some(
                    crate::commands::edge::invalid(
                        flag,
                        "csrkit never takes a passphrase on the command line \
                         (other users can read it in the process list, and it stays in the shell history)",
                    )
                    .with_hint(format!(
                        "give it with {PASSPHRASE_SOURCES}; --no-passphrase stores the key unencrypted"
                    )),
                );
            }
            if let Some(known) = transposed_flag(flag) {
                return Some(
                    crate::commands::edge::invalid(flag, format!("unexpected argument '{flag}'"))
                        .with_hint(format!("did you mean {known}?")),
                );
            }
        }
    }
    if e.kind() == ErrorKind::InvalidUtf8 {
        // One line instead of clap's usage block: which value is not
        // UTF-8 clap does not say, so the error names every kind.
        return Some(
            crate::Error::invalid_as(
                "arguments",
                "a value on the command line is not UTF-8 (names, subjects and file names are UTF-8)",
            )
            .with_hint("for a file whose name is not UTF-8, give it on stdin: --file - < FILE"),
        );
    }
    if e.kind() == ErrorKind::MissingRequiredArgument {
        // clap's usage line would show an option set from the environment
        // (CSRKIT_KEYSTORE) as if the command required it.
        if let Some(ContextValue::Strings(missing)) = e.get(ContextKind::InvalidArg) {
            let (cmd, sub) = command_being_run();
            let mut scope = match &sub {
                Some(s) => cmd.find_subcommand(s).cloned().unwrap_or(cmd),
                None => cmd,
            };
            let usage = scope.render_usage().to_string();
            let help = match &sub {
                Some(s) => format!("csrkit {s} --help"),
                None => "csrkit --help".into(),
            };
            return Some(
                crate::Error::usage(format!(
                    "the following required arguments were not provided: {}",
                    missing.join(" ")
                ))
                .with_hint(format!("{usage}; see {help}")),
            );
        }
    }
    if !json {
        return None;
    }
    let text = e.render().to_string();
    let first = text.lines().next().unwrap_or("invalid command line");
    Some(crate::Error::usage(
        first.strip_prefix("error: ").unwrap_or(first).to_string(),
    ))
}

/// A long option of the subcommand being run spelled with the same
/// letters as `flag` (`--dsn` for `--dns`), which clap's similarity
/// suggestions miss.
fn transposed_flag(flag: &str) -> Option<String> {
    let name = flag.strip_prefix("--")?;
    let sorted = |s: &str| {
        let mut v: Vec<char> = s.chars().collect();
        v.sort_unstable();
        v
    };
    let want = sorted(name);
    let (cmd, sub) = command_being_run();
    let scope = match &sub {
        Some(s) => cmd.find_subcommand(s)?,
        None => &cmd,
    };
    let found = scope
        .get_arguments()
        .flat_map(|a| {
            a.get_long()
                .into_iter()
                .chain(a.get_all_aliases().into_iter().flatten())
        })
        .find(|long| *long != name && sorted(long) == want)
        .map(|long| format!("--{long}"));
    found
}

/// The built command tree and the subcommand the arguments name, if any.
fn command_being_run() -> (clap::Command, Option<String>) {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    cmd.build();
    let sub = std::env::args_os().skip(1).find_map(|a| {
        cmd.find_subcommand(a.to_str()?)
            .map(|s| s.get_name().to_string())
    });
    (cmd, sub)
}
