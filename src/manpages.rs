//! Man pages from the clap definitions (clap_mangen for the title, name,
//! synopsis, description and options): `csrkit.1` and
//! `csrkit-<subcommand>.1`. Each subcommand page's synopsis reads
//! `csrkit generate ...` and lists the global options too; an option's
//! visible aliases (`--cn`, `--org`) are in its text. The free text of
//! `--help` (examples, environment, exit codes, files) becomes real
//! sections (EXAMPLES, ENVIRONMENT, EXIT STATUS, FILES, ...) set as
//! preformatted blocks, so that `man --warnings` has nothing to say and
//! examples render as typed.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::Result;

/// Troff for one line of preformatted text: backslashes and a leading
/// control character escaped, `-` as a real minus so that options can be
/// copied.
fn roff_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    if line.starts_with(['.', '\'']) {
        out.push_str("\\&");
    }
    for c in line.chars() {
        match c {
            '\\' => out.push_str("\\e"),
            '-' => out.push_str("\\-"),
            _ => out.push(c),
        }
    }
    out
}

/// Splits `--help` free text into sections at lines such as `EXAMPLES:`.
fn sections(text: &str) -> Vec<(String, Vec<&str>)> {
    let mut out: Vec<(String, Vec<&str>)> = Vec::new();
    for line in text.lines() {
        let heading = line
            .strip_suffix(':')
            .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_uppercase() || c == ' '));
        match (heading, out.last_mut()) {
            (Some(h), _) => out.push((h.to_string(), Vec::new())),
            (None, Some((_, body))) => body.push(line),
            (None, None) => out.push(("NOTES".into(), vec![line])),
        }
    }
    for (_, body) in &mut out {
        while body.last().is_some_and(|l| l.trim().is_empty()) {
            body.pop();
        }
    }
    out
}

/// A section's body, preformatted.
fn write_section(w: &mut Vec<u8>, title: &str, body: &[&str]) -> std::io::Result<()> {
    writeln!(w, ".SH \"{title}\"")?;
    writeln!(w, ".nf")?;
    for line in body {
        writeln!(w, "{}", roff_line(line))?;
    }
    writeln!(w, ".fi")
}

/// The common sections every page ends with, from the main `--help` text.
fn common_sections(main_after: &str) -> Vec<(String, Vec<&str>)> {
    sections(main_after)
        .into_iter()
        .filter(|(h, _)| matches!(h.as_str(), "ENVIRONMENT" | "EXIT CODES" | "FILES"))
        .map(|(h, b)| {
            let h = if h == "EXIT CODES" {
                "EXIT STATUS".into()
            } else {
                h
            };
            (h, b)
        })
        .collect()
}

/// Visible aliases in an option's text (the man renderer shows only the
/// long and short names).
fn with_aliases(mut cmd: clap::Command) -> clap::Command {
    let ids: Vec<(String, Vec<String>)> = cmd
        .get_arguments()
        .filter_map(|a| {
            let aliases: Vec<String> = a
                .get_visible_aliases()
                .unwrap_or_default()
                .into_iter()
                .map(|s| format!("--{s}"))
                .chain(
                    a.get_visible_short_aliases()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|c| format!("-{c}")),
                )
                .collect();
            (!aliases.is_empty()).then(|| (a.get_id().to_string(), aliases))
        })
        .collect();
    for (id, aliases) in ids {
        cmd = cmd.mut_arg(&id, |a| {
            let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
            let label = if aliases.len() == 1 {
                "alias"
            } else {
                "aliases"
            };
            a.help(format!("{help} [{label}: {}]", aliases.join(", ")))
        });
    }
    cmd
}

/// Roff for an option's or argument's name (`-` as a real minus).
fn roff_name(s: &str) -> String {
    s.replace('-', "\\-")
}

/// The SYNOPSIS: the command's name, then every visible option with the
/// placeholder of its value (`[--common-name <CN>]`, `[-j|--jobs <N>]`)
/// and the positional arguments (`[NAME]`), as `--help`'s usage names
/// them.
fn synopsis(w: &mut Vec<u8>, cmd: &clap::Command) -> std::io::Result<()> {
    writeln!(w, ".SH SYNOPSIS")?;
    let mut line = format!(
        "\\fB{}\\fR",
        roff_name(cmd.get_bin_name().unwrap_or(cmd.get_name()))
    );
    let mut positionals = Vec::new();
    for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let names: Vec<String> = a.get_value_names().map_or_else(
            || vec![a.get_id().as_str().to_ascii_uppercase()],
            |v| v.iter().map(|n| n.to_string()).collect(),
        );
        if a.is_positional() {
            let n = names.join(" ");
            positionals.push(if a.is_required_set() {
                format!("\\fI{}\\fR", roff_name(&n))
            } else {
                format!("[\\fI{}\\fR]", roff_name(&n))
            });
            continue;
        }
        let mut flag = Vec::new();
        if let Some(s) = a.get_short() {
            flag.push(format!("\\fB\\-{s}\\fR"));
        }
        if let Some(l) = a.get_long() {
            flag.push(format!("\\fB\\-\\-{}\\fR", roff_name(l)));
        }
        let mut item = flag.join("|");
        if a.get_action().takes_values() {
            for n in &names {
                item.push_str(&format!(" \\fI<{}>\\fR", roff_name(n)));
            }
        }
        line.push_str(&format!(" [{item}]"));
    }
    for p in positionals {
        line.push(' ');
        line.push_str(&p);
    }
    // Left-adjusted and unhyphenated: options are copied as typed.
    writeln!(w, ".ad l\n.nh\n{line}\n.hy\n.ad")
}

/// One page: clap_mangen's title, name, synopsis, description and
/// options, then the free-text sections.
fn page(cmd: clap::Command, extra: &[(String, Vec<&str>)], see_also: &str) -> Result<Vec<u8>> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    synopsis(&mut buf, &cmd)?;
    man.render_description_section(&mut buf)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut buf)?;
    }
    if cmd.get_subcommands().next().is_some() {
        man.render_subcommands_section(&mut buf)?;
    }
    let own = cmd
        .get_after_long_help()
        .or(cmd.get_after_help())
        .map(|h| h.to_string())
        .unwrap_or_default();
    for (title, body) in sections(&own) {
        if !extra.iter().any(|(t, _)| *t == title) && title != "EXIT CODES" {
            write_section(&mut buf, &title, &body)?;
        }
    }
    for (title, body) in extra {
        write_section(&mut buf, title, body)?;
    }
    writeln!(buf, ".SH \"SEE ALSO\"")?;
    writeln!(buf, "{see_also}")?;
    man.render_version_section(&mut buf)?;
    Ok(buf)
}

/// Renders every page: (file name, roff bytes).
pub fn render() -> Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = Cli::command();
    cmd.build();
    let main_after = cmd
        .get_after_long_help()
        .map(|h| h.to_string())
        .unwrap_or_default();
    let common = common_sections(&main_after);
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .filter(|n| n != "help")
        .collect();
    let see_also = |except: &str| {
        let mut refs: Vec<String> = std::iter::once("csrkit".to_string())
            .chain(subs.iter().map(|s| format!("csrkit\\-{s}")))
            .filter(|r| r != except)
            .map(|r| format!("\\fB{r}\\fR(1)"))
            .collect();
        refs.sort();
        refs.join(", ")
    };
    let mut pages = Vec::new();
    let main = with_aliases(cmd.clone());
    pages.push((
        "csrkit.1".to_string(),
        page(main, &common, &see_also("csrkit"))?,
    ));
    let version = cmd.get_version().unwrap_or_default().to_string();
    for name in &subs {
        let Some(sub) = cmd.find_subcommand(name) else {
            continue;
        };
        let page_name = format!("csrkit-{name}");
        let sub = with_aliases(sub.clone())
            .name(page_name.clone())
            .bin_name(format!("csrkit {name}"))
            .version(version.clone());
        // A command with subcommands of its own (keystore) gets a page for
        // each: its SUBCOMMANDS section names them.
        let nested: Vec<clap::Command> = sub.get_subcommands().cloned().collect();
        let body = page(sub, &common, &see_also(&page_name.replace('-', "\\-")))?;
        pages.push((format!("{page_name}.1"), body));
        for inner in nested {
            let inner_name = inner.get_name().to_string();
            let inner_page = format!("{page_name}-{inner_name}");
            let inner = with_aliases(inner)
                .name(inner_page.clone())
                .bin_name(format!("csrkit {name} {inner_name}"))
                .version(version.clone());
            let body = page(inner, &common, &see_also(&inner_page.replace('-', "\\-")))?;
            pages.push((format!("{inner_page}.1"), body));
        }
    }
    Ok(pages)
}
