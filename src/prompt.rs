//! Interactive input (dialoguer). Used only when stdin and stderr are
//! terminals, `--no-input` is not given and `CI` is unset.

use std::io::IsTerminal;

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

/// Asks for a passphrase; `confirm` asks twice (for a new key).
pub fn passphrase(prompt: &str, confirm: bool) -> Result<Passphrase> {
    let mut p = dialoguer::Password::new().with_prompt(prompt);
    if confirm {
        p = p.with_confirmation(
            "Repeat the passphrase",
            "The passphrases do not match; try again",
        );
        p = p.validate_with(|s: &String| {
            if s.is_empty() {
                Err("the passphrase must not be empty")
            } else {
                Ok(())
            }
        });
    }
    let s = Zeroizing::new(p.interact().map_err(prompt_err)?);
    Passphrase::new(s)
}

/// Yes/no question, default no.
pub fn confirm(question: &str) -> Result<bool> {
    dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact()
        .map_err(prompt_err)
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

fn ask(
    prompt: &str,
    required: bool,
    check: impl Fn(&str) -> std::result::Result<(), String> + 'static,
) -> Result<Option<String>> {
    let theme = dialoguer::theme::ColorfulTheme::default();
    let s: String = dialoguer::Input::with_theme(&theme)
        .with_prompt(prompt)
        .allow_empty(!required)
        .validate_with(move |v: &String| -> std::result::Result<(), String> {
            if v.is_empty() {
                return if required {
                    Err("required".into())
                } else {
                    Ok(())
                };
            }
            check(v)
        })
        .interact_text()
        .map_err(prompt_err)?;
    Ok((!s.is_empty()).then_some(s))
}

fn attr_check(attr: crate::request::Attr) -> impl Fn(&str) -> std::result::Result<(), String> {
    move |v: &str| {
        crate::request::validate_value(attr, v)
            .map(|_| ())
            .map_err(|e| e.message)
    }
}

fn select(prompt: &str, items: &[&str], default: usize) -> Result<usize> {
    dialoguer::Select::with_theme(&dialoguer::theme::ColorfulTheme::default())
        .with_prompt(prompt)
        .items(items)
        .default(default)
        .interact()
        .map_err(prompt_err)
}

/// Asks for whatever a request is missing. Runs the interview only when
/// the required data (a common name, a subject or a SAN) is missing; every
/// field already given on the command line or in a request file is kept
/// and not asked again. Ends with a summary and a confirmation.
pub fn complete_request(
    mut input: crate::request::RequestInput,
    _named: bool,
) -> Result<crate::request::RequestInput> {
    use crate::request::{Attr, San};
    if input.common_name.is_some() || input.subject.is_some() || input.has_sans() {
        return Ok(input);
    }
    input.common_name = ask("Common name (CN)", true, attr_check(Attr::CN))?;
    if input.country.is_none() {
        input.country = ask("Country (two letters, e.g. US)", false, attr_check(Attr::C))?
            .map(|c| c.to_ascii_uppercase());
    }
    if input.state.is_none() {
        input.state = ask("State or province", false, attr_check(Attr::ST))?;
    }
    if input.locality.is_none() {
        input.locality = ask("Locality (city)", false, attr_check(Attr::L))?;
    }
    if input.organization.is_none() {
        input.organization = ask("Organization", false, attr_check(Attr::O))?;
    }
    if input.organizational_unit.is_none() {
        input.organizational_unit =
            ask("Organizational unit", false, attr_check(Attr::OU))?.map(|v| vec![v]);
    }
    if input.email_address.is_none() {
        input.email_address = ask("Email address", false, attr_check(Attr::Email))?;
    }
    let cn = input.common_name.clone().unwrap_or_default();
    let prompt = if let Some(san) = crate::request::cn_default_san(&cn) {
        format!("SANs, comma-separated (dns:, ip:, email:, uri:; Enter for {san})")
    } else {
        "SANs, comma-separated (dns:, ip:, email:, uri:; Enter for none)".to_string()
    };
    let sans = ask(&prompt, false, |v: &str| {
        for part in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let typed = guess_san(part);
            San::parse_typed(&typed).map_err(|e| e.message)?;
        }
        Ok(())
    })?;
    if let Some(s) = sans {
        let list: Vec<String> = s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(guess_san)
            .collect();
        input.san = Some(list);
    }
    if !input.has_key_fields() {
        let kinds = ["RSA", "EC (ECDSA)", "Ed25519"];
        match select("Key type", &kinds, 0)? {
            0 => {
                let sizes = ["2048", "3072", "4096"];
                let i = select("RSA key size", &sizes, 0)?;
                input.key_type = Some("rsa".into());
                input.key_size = Some(sizes[i].parse().expect("number"));
            }
            1 => {
                let curves = ["P-256", "P-384", "P-521"];
                let i = select("Curve", &curves, 0)?;
                input.key_type = Some("ec".into());
                input.curve = Some(curves[i].into());
            }
            _ => input.key_type = Some("ed25519".into()),
        }
    }
    if input.purpose.is_none() && input.key_usage.is_none() && input.extended_key_usage.is_none() {
        let purposes = [
            "server",
            "client",
            "server-client",
            "signing-encryption",
            "none",
        ];
        let i = select("Purpose", &purposes, 0)?;
        if i < 4 {
            input.purpose = Some(purposes[i].into());
        }
    }
    // Summary and confirmation.
    let req = input.resolve(None, false)?;
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
    eprint!("{summary}");
    if !confirm_default_yes("Generate this CSR?")? {
        return Err(Error::usage("cancelled at the prompt; nothing was written"));
    }
    Ok(input)
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

fn confirm_default_yes(question: &str) -> Result<bool> {
    dialoguer::Confirm::new()
        .with_prompt(question)
        .default(true)
        .interact()
        .map_err(prompt_err)
}
