//! Interactive input (dialoguer). Used only when stdin and stderr are
//! terminals, `--no-input` is not given and `CI` is unset.
//!
//! Every question reads a whole line (a `yes` typed at a yes/no question
//! is one answer, not a `y` and then `es` for the shell), errors speak the
//! prompt's words rather than flag names, and the terminal is put back
//! (echo, line mode, a visible cursor) when csrkit is interrupted or
//! killed at a prompt: Ctrl-C ends csrkit as interrupted, with nothing
//! written.

use std::io::IsTerminal;
use std::sync::{Once, OnceLock};

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::keys::Passphrase;

/// Whether csrkit may ask the user anything.
pub fn interactive(no_input: bool) -> bool {
    !no_input
        && std::env::var_os("CI").is_none_or(|v| v.is_empty() || v == "false" || v == "0")
        && std::io::stdin().is_terminal()
        && std::io::stderr().is_terminal()
}

fn prompt_err(e: dialoguer::Error) -> Error {
    Error::usage(format!("prompt failed: {e}"))
}

/// The terminal as it was before the first prompt, put back by the
/// signal handler.
static SAVED_TERMIOS: OnceLock<libc::termios> = OnceLock::new();
static GUARD: Once = Once::new();

/// Ctrl-C (SIGINT), SIGTERM, SIGHUP or SIGQUIT while csrkit may be at a
/// prompt: put the terminal back (line mode and echo, which a passphrase
/// or menu prompt turns off, and the cursor a menu hides), then die of
/// the signal as if there were no handler, so the shell sees an
/// interrupted command (status 130 for Ctrl-C). Only async-signal-safe
/// calls.
extern "C" fn restore_and_die(sig: libc::c_int) {
    // SAFETY: tcsetattr, write, signal and raise are async-signal-safe;
    // the termios was stored before the handler was installed.
    unsafe {
        if let Some(t) = SAVED_TERMIOS.get() {
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, t);
        }
        let show_cursor = b"\x1b[?25h\n";
        libc::write(
            libc::STDERR_FILENO,
            show_cursor.as_ptr().cast(),
            show_cursor.len(),
        );
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
    }
}

/// Installs [`restore_and_die`] once, before the first prompt.
fn guard_terminal() {
    GUARD.call_once(|| {
        // SAFETY: tcgetattr fills the termios or fails (then nothing is
        // stored); the handler is an extern "C" fn of the right type.
        unsafe {
            let mut t = std::mem::MaybeUninit::<libc::termios>::uninit();
            if libc::tcgetattr(libc::STDIN_FILENO, t.as_mut_ptr()) == 0 {
                let _ = SAVED_TERMIOS.set(t.assume_init());
            }
            let handler = restore_and_die as extern "C" fn(libc::c_int);
            for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
                libc::signal(sig, handler as libc::sighandler_t);
            }
        }
    });
}

const EMPTY_PASSPHRASE: &str = "the passphrase is empty; type one (csrkit stores keys encrypted; \
--no-passphrase on the command line stores a key without one)";

/// Asks for a passphrase; `confirm` asks twice (for a new key). An empty
/// answer is asked again, saying why.
pub fn passphrase(prompt: &str, confirm: bool) -> Result<Passphrase> {
    guard_terminal();
    let mut p = dialoguer::Password::new()
        .with_prompt(prompt)
        .allow_empty_password(true)
        .validate_with(|s: &String| {
            if s.is_empty() {
                Err(EMPTY_PASSPHRASE)
            } else {
                Ok(())
            }
        });
    if confirm {
        p = p.with_confirmation(
            "Repeat the passphrase",
            "The passphrases do not match; try again",
        );
    }
    let s = Zeroizing::new(p.interact().map_err(prompt_err)?);
    Passphrase::new(s)
}

/// The CSR's challengePassword, asked twice without echo.
pub fn challenge_password() -> Result<Zeroizing<String>> {
    guard_terminal();
    let p = dialoguer::Password::new()
        .with_prompt("Challenge password for the CSR")
        .allow_empty_password(true)
        .validate_with(|s: &String| {
            if s.is_empty() {
                Err("The challenge password is empty; type one")
            } else {
                Ok(())
            }
        })
        .with_confirmation(
            "Repeat the challenge password",
            "The challenge passwords do not match; try again",
        );
    Ok(Zeroizing::new(p.interact().map_err(prompt_err)?))
}

/// Says that a stored key's passphrase was wrong, before asking again.
pub fn wrong_passphrase(tries_left: u32) {
    let tries = if tries_left == 1 { "try" } else { "tries" };
    let _ = console::Term::stderr().write_line(&format!(
        "Wrong passphrase: the key cannot be decrypted with it; {tries_left} more {tries}"
    ));
}

/// A yes/no answer: `None` for anything else.
fn yes_no(answer: &str, default: bool) -> Option<bool> {
    match answer.trim().to_ascii_lowercase().as_str() {
        "" => Some(default),
        "y" | "yes" => Some(true),
        "n" | "no" => Some(false),
        _ => None,
    }
}

/// A yes/no question answered with a line (`y`, `yes`, `n`, `no`, or
/// Enter for the default); anything else is asked again.
fn ask_yes_no(question: &str, default: bool) -> Result<bool> {
    guard_terminal();
    let theme = dialoguer::theme::ColorfulTheme::default();
    let choices = if default { "[Y/n]" } else { "[y/N]" };
    let answer: String = dialoguer::Input::with_theme(&theme)
        .with_prompt(format!("{question} {choices}"))
        .allow_empty(true)
        .validate_with(move |v: &String| -> std::result::Result<(), &str> {
            yes_no(v, default).map(|_| ()).ok_or("answer yes or no")
        })
        .interact_text()
        .map_err(prompt_err)?;
    Ok(yes_no(&answer, default).unwrap_or(false))
}

/// Yes/no question, default no (Enter alone is no).
pub fn confirm(question: &str) -> Result<bool> {
    ask_yes_no(question, false)
}

/// A spinner on stderr while a slow key (RSA 3072/4096) is generated;
/// only on a terminal and never with `--quiet`. Stops when dropped.
pub struct Spinner(Option<indicatif::ProgressBar>);

impl Spinner {
    pub fn start(quiet: bool, key: &crate::request::KeySpec) -> Spinner {
        let slow = matches!(key, crate::request::KeySpec::Rsa { size } if *size >= 3072);
        if quiet || !slow || !std::io::stderr().is_terminal() {
            return Spinner(None);
        }
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message(format!("generating {key} key"));
        pb.enable_steady_tick(std::time::Duration::from_millis(100));
        Spinner(Some(pb))
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(pb) = self.0.take() {
            pb.finish_and_clear();
        }
    }
}

/// Asks for one value. `default` (from the config file) is what Enter
/// gives, and `-` leaves the field out (`Some("")`, which clears it);
/// without a default Enter leaves it out (`None`), unless `required`.
fn ask(
    prompt: &str,
    required: bool,
    default: Option<String>,
    check: impl Fn(&str) -> std::result::Result<(), String> + 'static,
) -> Result<Option<String>> {
    guard_terminal();
    ASKED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let theme = dialoguer::theme::ColorfulTheme::default();
    let mut input = dialoguer::Input::<String>::with_theme(&theme)
        .with_prompt(prompt)
        .allow_empty(true);
    let has_default = default.is_some();
    if let Some(d) = default {
        input = input.default(d).show_default(true);
    }
    let s: String = input
        .validate_with(move |v: &String| -> std::result::Result<(), String> {
            if v.is_empty() || (has_default && v == "-") {
                return if required {
                    Err("an answer is required here".into())
                } else {
                    Ok(())
                };
            }
            check(v)
        })
        .interact_text()
        .map_err(prompt_err)?;
    Ok(match s.as_str() {
        "" => None,
        // Clears the config file's default for this request.
        "-" if has_default => Some(String::new()),
        _ => Some(s),
    })
}

fn attr_check(attr: crate::request::Attr) -> impl Fn(&str) -> std::result::Result<(), String> {
    move |v: &str| {
        crate::request::check_edges(attr.info().field, v)
            .and_then(|()| crate::request::validate_value(attr, v))
            .map(|_| ())
            .map_err(|e| crate::commands::edge::text(&e.detail()))
    }
}

/// Questions asked so far (a request's fields and menus), so that a
/// request the command line gave whole is not confirmed.
static ASKED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn select(prompt: &str, items: &[&str], default: usize) -> Result<usize> {
    guard_terminal();
    ASKED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    dialoguer::Select::with_theme(&dialoguer::theme::ColorfulTheme::default())
        .with_prompt(prompt)
        .items(items)
        .default(default)
        .interact()
        .map_err(prompt_err)
}

/// Asks for whatever a request is missing, with `defaults` (the config
/// file's) as the answers Enter gives. Every field already given on the
/// command line or in a request file is kept and not asked again. With a
/// whole `--subject` or a request file (`from_file`) the request is taken
/// as complete and nothing is asked unless it has neither a common name,
/// a subject nor a SAN. When anything was asked, a summary and a
/// confirmation follow: `Ok(None)` when the user declines.
pub fn complete_request(
    mut input: crate::request::RequestInput,
    defaults: &crate::request::RequestInput,
    from_file: bool,
) -> Result<Option<crate::request::RequestInput>> {
    use crate::request::{Attr, San};
    let identified = input.common_name.is_some() || input.subject.is_some() || input.has_sans();
    if identified && (from_file || input.subject.is_some()) {
        return Ok(Some(input));
    }
    let asked_before = ASKED.load(std::sync::atomic::Ordering::Relaxed);
    if input.common_name.is_none() {
        // With SANs given, the common name may stay empty.
        let required = !input.has_sans();
        input.common_name = ask("Common name (CN)", required, None, attr_check(Attr::CN))?;
    }
    if input.country.is_none() {
        input.country = ask(
            "Country (two letters, e.g. US)",
            false,
            defaults.country.clone(),
            attr_check(Attr::C),
        )?
        .map(|c| c.to_ascii_uppercase());
    }
    if input.state.is_none() {
        input.state = ask(
            "State or province",
            false,
            defaults.state.clone(),
            attr_check(Attr::ST),
        )?;
    }
    if input.locality.is_none() {
        input.locality = ask(
            "Locality (city)",
            false,
            defaults.locality.clone(),
            attr_check(Attr::L),
        )?;
    }
    if input.organization.is_none() {
        input.organization = ask(
            "Organization",
            false,
            defaults.organization.clone(),
            attr_check(Attr::O),
        )?;
    }
    if input.organizational_unit.is_none() {
        let default = defaults.organizational_unit.as_ref().map(|v| v.join(", "));
        let multi = defaults
            .organizational_unit
            .as_ref()
            .is_some_and(|v| v.len() > 1);
        let answer = if multi {
            // Several units from the config: Enter keeps them all.
            ask("Organizational unit", false, default.clone(), |_| Ok(()))?
        } else {
            ask(
                "Organizational unit",
                false,
                default.clone(),
                attr_check(Attr::OU),
            )?
        };
        input.organizational_unit = match answer {
            Some(a) if multi && Some(&a) == default.as_ref() => {
                defaults.organizational_unit.clone()
            }
            Some(a) => Some(vec![a]),
            None => None,
        };
    }
    if input.email_address.is_none() {
        input.email_address = ask("Email address", false, None, attr_check(Attr::Email))?;
    }
    if !input.has_sans() {
        let cn = input.common_name.clone().unwrap_or_default();
        let default = crate::request::cn_default_san(&cn).map(|s| s.to_string());
        let _ = console::Term::stderr().write_line(&format!(
            "  {}",
            console::style(
                "SANs: comma-separated names, addresses, emails or URIs (dns:, ip:, email:, uri: to be explicit)"
            )
            .dim()
        ));
        let sans = ask("SANs", false, default.clone(), |v: &str| {
            for part in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                San::parse_typed(&guess_san(part))
                    .map_err(|e| crate::commands::edge::text(&e.detail()))?;
            }
            Ok(())
        })?;
        match sans {
            // "-": no SAN, not even the CN's.
            Some(s) if s.is_empty() => input.no_default_san = Some(true),
            Some(s) if Some(&s) != default.as_ref() => {
                let list: Vec<String> = s
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(guess_san)
                    .collect();
                input.san = Some(list);
            }
            // Enter: the CN's default SAN, if it has one.
            Some(_) | None => {}
        }
    }
    if !input.has_key_fields() {
        ask_key(&mut input, defaults)?;
    }
    if input.purpose.is_none() && input.key_usage.is_none() && input.extended_key_usage.is_none() {
        let purposes = [
            "server",
            "client",
            "server-client",
            "signing-encryption",
            "none",
        ];
        let default = defaults
            .purpose
            .as_deref()
            .and_then(|p| purposes.iter().position(|x| x.eq_ignore_ascii_case(p)))
            .unwrap_or(0);
        let i = select("Purpose", &purposes, default)?;
        input.purpose = Some(if i < 4 {
            purposes[i].into()
        } else {
            String::new()
        });
    }
    // Nothing was asked (the command line gave every field): nothing
    // to confirm.
    if ASKED.load(std::sync::atomic::Ordering::Relaxed) == asked_before {
        return Ok(Some(input));
    }
    // Summary and confirmation, over the defaults the answers left.
    let config = crate::config::Config {
        defaults: defaults.clone(),
        ..crate::config::Config::default()
    };
    let req = config.under(input.clone()).resolve(None, false)?;
    let mut summary = format!(
        "\nSubject: {}\nSANs:    {}\nKey:     {}\n",
        req.subject.to_rfc4514(),
        req.effective_sans()
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        req.key
    );
    if let Some(p) = req.purpose {
        summary.push_str(&format!("Purpose: {}\n", p.name()));
    }
    let _ = console::Term::stderr().write_str(&summary);
    if !ask_yes_no("Generate this CSR?", true)? {
        return Ok(None);
    }
    Ok(Some(input))
}

/// Asks for the key type and its size or curve, starting at the config
/// file's choice.
fn ask_key(
    input: &mut crate::request::RequestInput,
    defaults: &crate::request::RequestInput,
) -> Result<()> {
    let kinds = ["RSA", "EC (ECDSA)", "Ed25519"];
    let kind = match defaults.key_type.as_deref().map(str::to_ascii_lowercase) {
        Some(k) if k == "ec" || k == "ecdsa" => 1,
        Some(k) if k == "ed25519" => 2,
        _ => 0,
    };
    match select("Key type", &kinds, kind)? {
        0 => {
            let sizes = [2048u32, 3072, 4096];
            let labels = ["2048", "3072", "4096"];
            let d = defaults
                .key_size
                .and_then(|s| sizes.iter().position(|x| *x == s))
                .unwrap_or(0);
            let i = select("RSA key size", &labels, d)?;
            input.key_type = Some("rsa".into());
            input.key_size = Some(sizes[i]);
        }
        1 => {
            let curves = ["P-256", "P-384", "P-521"];
            let d = defaults
                .curve
                .as_deref()
                .and_then(|c| curves.iter().position(|x| x.eq_ignore_ascii_case(c)))
                .or(match defaults.key_size {
                    Some(384) => Some(1),
                    Some(521) => Some(2),
                    _ => None,
                })
                .unwrap_or(0);
            let i = select("Curve", &curves, d)?;
            input.key_type = Some("ec".into());
            input.curve = Some(curves[i].into());
        }
        _ => input.key_type = Some("ed25519".into()),
    }
    Ok(())
}

/// An answer to the SAN prompt: `type:value`, or a bare value whose type
/// is guessed (IP address, email, else DNS name).
fn guess_san(v: &str) -> String {
    if v.contains(':') && v.parse::<std::net::IpAddr>().is_err() {
        v.to_string()
    } else if v.parse::<std::net::IpAddr>().is_ok() {
        format!("ip:{v}")
    } else if v.contains('@') {
        format!("email:{v}")
    } else {
        format!("dns:{v}")
    }
}
