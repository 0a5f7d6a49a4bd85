//! `csrkit order`: the CLI adapter for an ACME order (SPEC §13). The
//! record's stored CSR goes to the CA through `crate::acme`; the chain
//! that comes back is attached through `crate::ops::attach` (the import
//! path). Here: flags -> settings, the account key's passphrase (prompts
//! only here), the output shape, and hints that name flags.

use crate::field::Field;
use std::time::Duration;

use zeroize::Zeroizing;

use super::common::{new_key_passphrase, pass_opts, record_csr, Ctx, Done};
use crate::acme::{self, AccountKeyPassphrase, Challenge, Eab, Obtained, OrderSettings};
use crate::cert::bundle;
use crate::cli::{self, FormatArg};
use crate::error::{Error, Kind, Result};
use crate::formats::CertView;
use crate::keys::{self, PassphraseOptions};
use crate::keystore::{AcmeChallenge, AcmeOrigin, Record};
use crate::lint;
use crate::ops::attach::{self, Attach, Attached};
use crate::request::San;

pub(super) fn order(ctx: &Ctx, a: &cli::OrderArgs) -> Result<Done> {
    let rec = ctx.keystore.find(&a.target)?;
    let directory = acme::directory_url(&a.server.acme).map_err(|e| e.with_field(Field::Acme))?;
    let challenge = challenge_of(&a.challenge)?;
    let eab = eab_of(a)?;
    let settings = OrderSettings {
        directory,
        account: a.server.account.clone(),
        contact: a
            .email
            .iter()
            .map(|e| contact_uri(e))
            .collect::<Result<_>>()?,
        // Absolute: `renew` runs from cron, in another directory.
        ca_file: a
            .server
            .acme_ca_file
            .as_ref()
            .map(|f| {
                std::fs::canonicalize(f)
                    .map_err(|e| Error::invalid(Field::AcmeCaFile, format!("{}: {e}", f.display())))
            })
            .transpose()?,
        challenge,
        profile: a.profile.clone(),
        preferred_chain: a.preferred_chain.clone(),
        eab,
        timeout: Duration::from_secs(a.timeout.max(1)),
        poll_delay: acme::POLL_DELAY,
        hook_env_remove: a.passphrase.passphrase_env.iter().cloned().collect(),
        replaces: None,
    };
    let opts = pass_opts(&a.passphrase)?;
    let (attached, obtained) = order_record(
        ctx,
        &rec,
        &settings,
        &opts,
        a.agree_tos,
        a.deploy_hook.clone(),
        None,
    )?;
    let mut done = render(ctx, &attached, &obtained, &settings)?;
    done.error = deploy(ctx, &attached, &opts, settings.timeout).err();
    Ok(done)
}

/// Runs the record's deploy hook (`/bin/sh -c CMD`) after its
/// certificate was stored: the record's name and files in the
/// environment, no passphrase (CSRKIT_PASSPHRASE and a --passphrase-env
/// variable are removed), in a process group of its own, for at most
/// `timeout` (then killed: exit 13) and until a signal (killed, the
/// signal recorded for the process to die of). Exit 12 when it fails;
/// the certificate stays stored either way.
pub(super) fn deploy(
    ctx: &Ctx,
    at: &Attached,
    opts: &PassphraseOptions,
    timeout: Duration,
) -> Result<()> {
    use crate::acme::process::{bounded_blocking, last_line, Stopped};
    let Some(cmd) = at.meta.acme.as_ref().and_then(|o| o.deploy_hook.as_deref()) else {
        return Ok(());
    };
    let name = &at.meta.name;
    let mut c = std::process::Command::new("/bin/sh");
    c.arg("-c")
        .arg(cmd)
        .env("CSRKIT_RECORD", name)
        .env_remove("CSRKIT_PASSPHRASE");
    if let Some(var) = &opts.env {
        c.env_remove(var);
    }
    if let Some(dir) = ctx.keystore.record_path(name) {
        c.env("CSRKIT_CERT_FILE", dir.join(crate::keystore::CERT_FILE))
            .env("CSRKIT_CHAIN_FILE", dir.join(crate::keystore::CHAIN_FILE))
            .env("CSRKIT_KEY_FILE", dir.join("key.pem"));
    }
    let stored = format!("record {name}: the certificate is stored, but the deploy hook");
    let again = "fix the hook and run it yourself (the certificate is stored; the next renewal runs the hook again)";
    let out = bounded_blocking(c, timeout).map_err(|stopped| {
        let timed_out = matches!(stopped, Stopped::TimedOut(_));
        let e = stopped.error(&stored);
        if timed_out {
            e.with_hint(again)
        } else {
            e
        }
    })?;
    if out.status.success() {
        return Ok(());
    }
    let last = last_line(&out.stderr);
    Err(Error::new(
        Kind::ChallengeFailed,
        format!("{stored} failed ({}): {last:?}", out.status),
    )
    .with_hint(again))
}

/// Orders the certificate of `rec` and attaches it. Shared by `order`
/// and `renew`.
pub(super) fn order_record(
    ctx: &Ctx,
    rec: &Record,
    settings: &OrderSettings,
    opts: &PassphraseOptions,
    agree_tos: bool,
    deploy_hook: Option<String>,
    new_key_pem: Option<&str>,
) -> Result<(Attached, Obtained)> {
    let csr = record_csr(rec)?;
    let sans = rec.meta.request.effective_sans();
    preflight(rec, &csr.der, settings)?;
    let pass = account_passphrase(ctx, settings, opts, agree_tos)?;
    let obtained =
        acme::obtain(ctx.keystore.as_ref(), settings, &pass, &sans, &csr.der).map_err(hint)?;
    let certs = bundle::decode(obtained.chain_pem.as_bytes(), "the ACME certificate chain")?;
    let origin = AcmeOrigin {
        directory: settings.directory.clone(),
        account: settings.account.clone(),
        ca_file: settings.ca_file.clone(),
        challenge: origin_challenge(&settings.challenge),
        profile: settings.profile.clone(),
        preferred_chain: settings.preferred_chain.clone(),
        order: obtained.order_url.clone(),
        deploy_hook,
    };
    let attached = attach::attach(
        ctx.keystore.as_ref(),
        rec,
        Attach {
            certs: &certs,
            extra: Vec::new(),
            require_chain: false,
            what: "the chain the CA sent",
            also_from: "",
            chain_hint: "the CA's root is not in the system trust store; csrkit import FILE --ca-file ROOT completes the stored chain",
            acme: Some(origin),
            new_key_pem,
        },
    )?;
    Ok((attached, obtained))
}

/// Refuses (exit 2, naming the field) an order that cannot succeed,
/// before any network traffic: the `acme` lint profile's errors (no DNS
/// or IP identifier, a SAN no CA validates), a wildcard without dns-01,
/// an IP address with dns-01 (RFC 8738 §7), and at Let's Encrypt a key
/// type it refuses or `--must-staple` (its OCSP service ended
/// 2025-08-06).
fn preflight(rec: &Record, csr_der: &[u8], settings: &OrderSettings) -> Result<()> {
    let name = &rec.meta.name;
    let target = lint::target::Target::from_csr(csr_der)?;
    let le = [acme::LETSENCRYPT, acme::LETSENCRYPT_STAGING].contains(&settings.directory.as_str());
    for f in lint::lint(&target, &[lint::Profile::Acme]) {
        let fatal = f.rule.starts_with("acme.")
            && (f.severity == lint::Severity::Error || (le && f.rule == "acme.key_type"));
        if fatal {
            let field = if f.rule == "acme.key_type" {
                "--key-type"
            } else {
                "--dns"
            };
            return Err(super::edge::invalid(field, format!("record {name}: {}", f.message))
                .with_hint(format!("fix the request: csrkit regenerate {name} (see csrkit lint {name} --profile acme)")));
        }
    }
    let dns01 = matches!(settings.challenge, Challenge::DnsHook(_));
    for s in rec.meta.request.effective_sans() {
        match s {
            San::Dns(d) if d.starts_with("*.") && !dns01 => {
                return Err(Error::invalid(
                    Field::DnsHook,
                    format!("record {name} asks for the wildcard {d}, which a CA validates by dns-01 only"),
                )
                .with_hint("answer dns-01 with --dns-hook CMD"))
            }
            San::Ip(ip) if dns01 => {
                return Err(Error::invalid(
                    Field::DnsHook,
                    format!("record {name} asks for the IP address {ip}, which dns-01 cannot validate (RFC 8738 §7)"),
                )
                .with_hint("answer http-01 with --http-port PORT or --webroot DIR"))
            }
            _ => {}
        }
    }
    if le && rec.meta.request.must_staple {
        return Err(Error::invalid(
            Field::MustStaple,
            format!("record {name} asks for OCSP Must-Staple, which Let's Encrypt refuses since its OCSP service ended (2025-08-06)"),
        )
        .with_hint(format!("csrkit regenerate {name} without --must-staple")));
    }
    Ok(())
}

/// How the account key is protected: an existing account's as stored; a
/// new account's from the passphrase options (asked at a terminal).
fn account_passphrase(
    ctx: &Ctx,
    settings: &OrderSettings,
    opts: &PassphraseOptions,
    agree_tos: bool,
) -> Result<AccountKeyPassphrase> {
    let stored = acme::account::stored(
        ctx.keystore.as_ref(),
        &settings.directory,
        &settings.account,
    )?;
    match stored {
        Some(acct) => super::acme_cmd::stored_account_passphrase(ctx, &acct, opts),
        None => {
            if !agree_tos {
                return Err(Error::invalid(
                    Field::AgreeTos,
                    format!(
                        "no ACME account {} is stored for {}; creating one means agreeing to the CA's terms of service",
                        settings.account, settings.directory
                    ),
                )
                .with_hint("read the CA's terms, then add --agree-tos"));
            }
            let pass = new_key_passphrase(ctx, opts).map_err(|mut e| {
                e.message = e
                    .message
                    .replace("the new private key", "the new ACME account's key");
                e
            })?;
            Ok(match pass {
                Some(p) => AccountKeyPassphrase::Given(p),
                None => AccountKeyPassphrase::Plain,
            })
        }
    }
}

/// Hints that name this command's flags.
fn hint(e: Error) -> Error {
    let e = super::acme_cmd::hint(e);
    let t = e
        .acme
        .as_ref()
        .and_then(|a| a.get("type"))
        .and_then(|t| t.as_str())
        .map(|t| acme::problem::short_type(t).to_string());
    match t.as_deref() {
        Some("externalAccountRequired") => e.with_hint(
            "this CA needs an external account binding: give --eab-kid KID with --eab-hmac-key-file FILE or --eab-hmac-key-env VAR",
        ),
        Some("accountDoesNotExist") => e.with_hint(
            "the CA no longer knows this account (a test CA restarted, or the account was removed there): order again with a new one, csrkit order NAME --acme URL --agree-tos --account NEW; renew then uses it",
        ),
        Some("rejectedIdentifier") => {
            e.with_hint("the CA will not issue for this name; check the record's SANs (csrkit show NAME)")
        }
        _ if e.kind == Kind::CaUnreachable
            && (e.message.contains("UnknownIssuer") || e.message.contains("invalid peer certificate")) =>
        {
            e.with_hint("the CA's HTTPS certificate is not trusted here: give its root with --acme-ca-file FILE (CSRKIT_ACME_CA_FILE)")
        }
        _ => e,
    }
}

/// The challenge the options ask for, checked before any network
/// traffic: a webroot that is a directory and a dns-01 hook path that is
/// an executable file, both made absolute (they are stored for `renew`,
/// which cron runs from another directory); a port other than 0 and an
/// address that is an IP address.
fn challenge_of(c: &cli::AcmeChallengeArgs) -> Result<Challenge> {
    use std::os::unix::fs::PermissionsExt;
    if let Some(dir) = &c.webroot {
        let dir = existing(
            Field::Webroot,
            dir,
            |m| m.is_dir(),
            ("is not a directory", "give the web server's document root"),
            "give the web server's document root",
        )?;
        return Ok(Challenge::Webroot(dir));
    }
    if let Some(cmd) = &c.dns_hook {
        if cmd.trim().is_empty() {
            return Err(Error::invalid(Field::DnsHook, "the command is empty"));
        }
        if !cmd.contains('/') {
            // Found through PATH when it runs, as lego's exec provider does.
            return Ok(Challenge::DnsHook(cmd.clone()));
        }
        let path = existing(
            Field::DnsHook,
            std::path::Path::new(cmd),
            |m| m.is_file() && m.permissions().mode() & 0o111 != 0,
            (
                "is not an executable file",
                "give the path of an executable program (chmod +x)",
            ),
            "give the path of an executable program",
        )?;
        return Ok(Challenge::DnsHook(path.to_string_lossy().into_owned()));
    }
    if c.http_port == Some(0) {
        return Err(Error::invalid(
            Field::HttpPort,
            "port 0 is not a port the CA can reach",
        )
        .with_hint("give the port the CA's http-01 requests arrive on (80, or the port forwarded to it)"));
    }
    if let Some(a) = &c.http_address {
        if a.parse::<std::net::IpAddr>().is_err() {
            return Err(
                Error::invalid(Field::HttpAddress, format!("{a:?} is not an IP address"))
                    .with_hint("give an IPv4 or IPv6 address of this machine, e.g. 0.0.0.0 or ::"),
            );
        }
    }
    Ok(Challenge::Http {
        port: c.http_port.unwrap_or(80),
        address: c.http_address.clone(),
    })
}

/// `path` made absolute (not resolved: the webroot may be a symlink),
/// when it exists and `fits` its metadata: exit 2 with "PATH {unfit.0}"
/// and the hint `unfit.1` when it does not fit, exit 3 naming `field`
/// with the hint `missing` when it does not exist.
fn existing(
    field: Field,
    path: &std::path::Path,
    fits: impl Fn(&std::fs::Metadata) -> bool,
    (unfit, unfit_hint): (&str, &str),
    missing: &str,
) -> Result<std::path::PathBuf> {
    let path = std::path::absolute(path)
        .map_err(|e| Error::invalid(field, format!("{}: {e}", path.display())))?;
    match std::fs::metadata(&path) {
        Ok(m) if fits(&m) => Ok(path),
        Ok(_) => {
            Err(Error::invalid(field, format!("{} {unfit}", path.display())).with_hint(unfit_hint))
        }
        Err(e) => Err(
            Error::not_found(format!("{}: {}: {e}", field.mention(), path.display()))
                .with_field(field)
                .with_hint(missing),
        ),
    }
}

fn origin_challenge(c: &Challenge) -> AcmeChallenge {
    let mut o = AcmeChallenge {
        kind: c.kind().to_string(),
        ..AcmeChallenge::default()
    };
    match c {
        Challenge::Http { port, address } => {
            o.http_port = Some(*port);
            o.http_address = address.clone();
        }
        Challenge::Webroot(d) => o.webroot = Some(d.clone()),
        Challenge::DnsHook(cmd) => o.dns_hook = Some(cmd.clone()),
    }
    o
}

/// The challenge settings stored at `order`, for `renew`.
pub(super) fn challenge_from_origin(o: &AcmeChallenge) -> Result<Challenge> {
    match o.kind.as_str() {
        "dns-01" => o
            .dns_hook
            .clone()
            .map(Challenge::DnsHook)
            .ok_or_else(|| Error::internal("record.json: dns-01 without a hook")),
        _ => Ok(match &o.webroot {
            Some(d) => Challenge::Webroot(d.clone()),
            None => Challenge::Http {
                port: o.http_port.unwrap_or(80),
                address: o.http_address.clone(),
            },
        }),
    }
}

fn contact_uri(email: &str) -> Result<String> {
    let e = email.trim();
    let e = e.strip_prefix("mailto:").unwrap_or(e);
    if e.is_empty() || !e.contains('@') || e.chars().any(|c| c.is_control() || c == ' ') {
        return Err(Error::invalid(
            Field::Email,
            format!("'{}' is not an email address", email.escape_default()),
        ));
    }
    Ok(format!("mailto:{e}"))
}

fn eab_of(a: &cli::OrderArgs) -> Result<Option<Eab>> {
    let Some(kid) = &a.eab_kid else {
        return Ok(None);
    };
    let text: Zeroizing<String> = match (&a.eab_hmac_key_file, &a.eab_hmac_key_env) {
        (Some(f), _) => keys::secret_first_line(f, Field::EabHmacKeyFile)?,
        (None, Some(var)) => Zeroizing::new(std::env::var(var).map_err(|_| {
            Error::invalid(
                Field::EabHmacKeyEnv,
                format!("the environment variable {var} is not set"),
            )
        })?),
        (None, None) => {
            return Err(Error::invalid(
                Field::EabKid,
                "the external account binding needs its MAC key",
            )
            .with_hint("give --eab-hmac-key-file FILE or --eab-hmac-key-env VAR"))
        }
    };
    let hmac_key = base64url_decode(text.trim()).ok_or_else(|| {
        Error::invalid(
            Field::EabHmacKeyFile,
            "the MAC key is not base64url (as the CA hands it out)",
        )
    })?;
    Ok(Some(Eab {
        kid: kid.clone(),
        hmac_key,
    }))
}

/// Base64url without padding (RFC 4648 §5), as CAs hand out EAB keys
/// (padding and the standard alphabet are accepted too).
fn base64url_decode(s: &str) -> Option<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(Vec::with_capacity(s.len() * 3 / 4));
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The order's JSON facts (`"acme"` in `--format json`).
pub(super) fn acme_json(o: &Obtained, s: &OrderSettings) -> serde_json::Value {
    let challenges: Vec<serde_json::Value> = o
        .challenges
        .iter()
        .map(|(i, t, st)| serde_json::json!({"identifier": i, "type": t, "status": st}))
        .collect();
    serde_json::json!({
        "directory": s.directory,
        "account": o.account_url,
        "account_created": o.account_created,
        "order": o.order_url,
        "certificate_url": o.certificate_url,
        "profile": s.profile,
        "challenges": challenges,
        "chains": o.chains,
        "chain_chosen": (!o.chains.is_empty()).then_some(o.chain_chosen),
    })
}

fn render(ctx: &Ctx, at: &Attached, o: &Obtained, s: &OrderSettings) -> Result<Done> {
    let certs = bundle::decode(o.chain_pem.as_bytes(), "the ACME certificate chain")?;
    let dir = ctx.keystore.record_path(&at.meta.name);
    let view = CertView {
        meta: &at.meta,
        dir: dir.as_deref(),
        unchanged: at.unchanged,
        leaf: &certs[at.leaf_at],
        chain: &at.chain,
    };
    let body = ctx.shape().certificate(&view, ctx.opts)?;
    let mut notes = at.notes.clone();
    notes.extend(o.notes.iter().cloned());
    let stdout = if ctx.format == FormatArg::Json {
        let record: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|e| Error::internal(format!("certificate JSON: {e}")))?;
        let v = serde_json::json!({"record": record, "acme": acme_json(o, s)});
        let mut out = if ctx.opts.pretty {
            serde_json::to_vec_pretty(&v)
        } else {
            serde_json::to_vec(&v)
        }
        .map_err(|e| Error::internal(e.to_string()))?;
        out.push(b'\n');
        out
    } else {
        if o.account_created {
            notes.push(format!("Created the ACME account {}", o.account_url));
        }
        notes.push(format!(
            "Ordered from {} (order {})",
            s.directory, o.order_url
        ));
        body
    };
    Ok(Done {
        stdout,
        notes,
        ..Done::default()
    })
}
