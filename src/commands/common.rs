//! What the commands share: the per-run context ([`Ctx`]), what a command
//! produced ([`Done`]), reading input files within a size limit, turning
//! flags into a request layer, the passphrase sources, and minting a key
//! and CSR for a validated request. No command's own logic lives here, and
//! nothing here prints.

use super::edge::WithFlag;
use crate::field::Field;
use std::io::Read;
use std::path::Path;

use zeroize::Zeroizing;

use crate::cli::{self, FormatArg};
use crate::csr::ParsedCsr;
use crate::error::{Error, Kind, Result};
use crate::formats::{self, Options};
use crate::keys::{self, Passphrase, PassphraseOptions, PrivateKey};
use crate::keystore::{self, Keystore, Record, RecordMeta};
use crate::prompt;
use crate::request::{self, Request, RequestInput};

/// What a command produced.
#[derive(Default)]
pub struct Done {
    pub stdout: Vec<u8>,
    pub notes: Vec<String>,
    pub errors: Vec<String>,
    /// Set when output was produced but the command still fails (e.g. a
    /// CSR that does not verify: exit 7).
    pub error: Option<Error>,
    /// Data the output was made from, handed back instead of freed: the
    /// binary exits without freeing it (10,000 `list` rows freed one by one
    /// cost 1-2 ms), a library caller simply drops it.
    pub leftovers: Option<Box<dyn std::any::Any>>,
}

impl Done {
    pub(super) fn out(stdout: Vec<u8>) -> Done {
        Done {
            stdout,
            ..Done::default()
        }
    }
}

/// Shared per-run settings.
pub struct Ctx {
    pub keystore: Keystore,
    pub format: FormatArg,
    pub opts: Options,
    pub interactive: bool,
    pub quiet: bool,
}

impl Ctx {
    pub(super) fn shape(&self) -> &'static dyn formats::Shape {
        formats::shape(self.format)
    }
}

/// Reads FILE or `-` (stdin), refusing more than `limit` bytes without
/// reading them all.
pub fn read_input(path: &str, limit: u64, field: &str) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    if path == "-" {
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut buf)
            .map_err(|e| super::edge::invalid(field, format!("cannot read stdin: {e}")))?;
    } else {
        let p = Path::new(path);
        let f = std::fs::File::open(p).map_err(|e| {
            let kind = if e.kind() == std::io::ErrorKind::NotFound {
                Kind::NotFound
            } else {
                Kind::Invalid
            };
            Error::new(kind, format!("{field}: cannot open {}: {e}", p.display())).with_flag(field)
        })?;
        let md = f.metadata().map_err(|e| super::edge::invalid(field, e))?;
        if md.is_dir() {
            return Err(super::edge::invalid(
                field,
                format!("{} is a directory", p.display()),
            ));
        }
        if md.len() > limit {
            return Err(too_large(field, limit));
        }
        f.take(limit + 1).read_to_end(&mut buf).map_err(|e| {
            super::edge::invalid(field, format!("cannot read {}: {e}", p.display()))
        })?;
    }
    if buf.len() as u64 > limit {
        return Err(too_large(field, limit));
    }
    Ok(buf)
}

pub(super) fn too_large(field: &str, limit: u64) -> Error {
    super::edge::invalid(
        field,
        format!(
            "the input is larger than {} KiB; refusing to read it",
            limit / 1024
        ),
    )
    .with_hint("give the request or CSR itself, not an archive or a log")
}

/// Turns the clap flag groups into one input layer.
pub fn flags_input(
    s: &cli::SubjectArgs,
    sans: &cli::SanArgs,
    key: &cli::KeyArgs,
    ext: &cli::ExtArgs,
) -> RequestInput {
    let list = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
    RequestInput {
        name: None,
        subject: s.subject.clone(),
        common_name: s.common_name.clone(),
        country: s.country.clone(),
        state: s.state.clone(),
        locality: s.locality.clone(),
        organization: s.organization.clone(),
        organizational_unit: list(&s.organizational_unit),
        street_address: s.street_address.clone(),
        domain_component: list(&s.domain_component),
        user_id: s.user_id.clone(),
        email_address: s.email_address.clone(),
        dns: list(&sans.dns),
        ip: list(&sans.ip),
        email: list(&sans.email),
        uri: list(&sans.uri),
        san: list(&sans.san),
        no_default_san: sans.no_default_san.then_some(true),
        key_type: key.key_type.clone(),
        key_size: key.key_size,
        curve: key.curve.clone(),
        digest: ext.digest.clone(),
        purpose: ext.purpose.clone(),
        key_usage: list(&ext.key_usage),
        extended_key_usage: list(&ext.extended_key_usage),
        ca: ext.ca.then_some(true),
        path_len: ext.path_len,
        description: ext.description.clone(),
        must_staple: ext.must_staple.then_some(true),
        extension: list(&ext.extension),
        unstructured_name: ext.unstructured_name.clone(),
        ..RequestInput::default()
    }
}

/// The request file (if any) with the flags laid over it.
pub(super) fn layered_input(
    req: &cli::RequestFileArgs,
    flags: RequestInput,
) -> Result<RequestInput> {
    let base = match &req.request {
        Some(path) => {
            let data = read_input(path, formats::request::MAX_REQUEST, "--request")?;
            formats::request::parse(&data, req.request_format)?
        }
        None => RequestInput::default(),
    };
    Ok(base.overlay(flags))
}

/// The passphrase options of a command: those on its command line, else
/// the environment's defaults (`CSRKIT_PASSPHRASE_FILE`,
/// `CSRKIT_NO_PASSPHRASE`). An option given always wins over the
/// environment, so `--passphrase-env VAR` is never overridden by a
/// `CSRKIT_PASSPHRASE_FILE` exported elsewhere. Errors (exit 2): both
/// environment defaults set.
pub(super) fn pass_opts(p: &cli::PassphraseArgs) -> Result<PassphraseOptions> {
    if p.passphrase_file.is_some() || p.passphrase_env.is_some() || p.no_passphrase {
        return Ok(PassphraseOptions {
            file: p.passphrase_file.clone(),
            env: p.passphrase_env.clone(),
            no_passphrase: p.no_passphrase,
        });
    }
    let file = env_path("CSRKIT_PASSPHRASE_FILE");
    let no_passphrase = env_flag("CSRKIT_NO_PASSPHRASE");
    if no_passphrase && file.is_some() {
        return Err(Error::invalid_as(
            "CSRKIT_NO_PASSPHRASE",
            "it is set together with CSRKIT_PASSPHRASE_FILE",
        )
        .with_hint("unset one of them, or give --passphrase-file FILE or --no-passphrase"));
    }
    Ok(PassphraseOptions {
        file,
        env: None,
        no_passphrase,
    })
}

/// A file named by environment variable `var` (unset or empty: none).
pub(super) fn env_path(var: &str) -> Option<std::path::PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
}

/// A flag from environment variable `var`, read as clap's falsey values
/// are: unset, empty, `0`, `n`, `no`, `f`, `false` and `off` (any case)
/// are false; anything else is true.
pub(super) fn env_flag(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| {
        !matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "" | "0" | "n" | "no" | "f" | "false" | "off"
        )
    })
}

/// The challengePassword for a new CSR, from `--challenge-password-file`
/// (its first line), `--challenge-password-env` or, with
/// `--challenge-password-prompt`, a hidden prompt at a terminal; `None`
/// when none is asked for. Never from the command line itself.
pub fn challenge_password(
    ctx: &Ctx,
    c: &cli::ChallengeArgs,
) -> Result<Option<request::ChallengePassword>> {
    use request::ChallengePassword;
    if let Some(path) = &c.challenge_password_file {
        const FIELD: Field = Field::ChallengePasswordFile;
        let line = crate::keys::secret_first_line(path, FIELD)?;
        return ChallengePassword::new(FIELD, line).map(Some);
    }
    if let Some(var) = &c.challenge_password_env {
        const FIELD: Field = Field::ChallengePasswordEnv;
        let v = std::env::var(var).map_err(|_| {
            Error::invalid(FIELD, format!("the environment variable {var} is not set"))
                .with_hint(format!("export {var}, or give --challenge-password-file"))
        })?;
        return ChallengePassword::new(FIELD, Zeroizing::new(v)).map(Some);
    }
    if c.challenge_password_prompt {
        if !ctx.interactive {
            return Err(Error::usage(
                "--challenge-password-prompt needs a terminal (and no --no-input or CI)",
            )
            .with_field(Field::ChallengePasswordPrompt)
            .with_hint("give it with --challenge-password-file or --challenge-password-env"));
        }
        let s = prompt::challenge_password()?;
        return ChallengePassword::new(Field::ChallengePasswordPrompt, s).map(Some);
    }
    Ok(None)
}

/// Exit 2: a new key needs a passphrase and none of its sources gave one.
pub(super) fn no_passphrase_source() -> Error {
    Error::usage("no passphrase for the new private key").with_hint(format!(
        "give it with {}; or --no-passphrase to store the key unencrypted",
        crate::usage::PASSPHRASE_SOURCES
    ))
}

/// Exit 2: a stored key is encrypted and no source gave its passphrase
/// (`--no-passphrase` cannot help: the key already has one).
pub(super) fn no_stored_passphrase(name: &str) -> Error {
    Error::usage(format!(
        "the private key of {name} is encrypted and no passphrase was given"
    ))
    .with_field(Field::PassphraseFile)
    .with_hint(format!(
        "give its passphrase with {}",
        crate::usage::PASSPHRASE_SOURCES
    ))
}

/// The passphrase that protects a new key (`None`: unencrypted).
pub fn new_key_passphrase(ctx: &Ctx, p: &PassphraseOptions) -> Result<Option<Passphrase>> {
    if p.no_passphrase {
        return Ok(None);
    }
    if let Some(pass) = keys::passphrase_from_sources(p)? {
        return Ok(Some(pass));
    }
    if ctx.interactive {
        return prompt::passphrase("Passphrase for the new private key", true).map(Some);
    }
    Err(no_passphrase_source())
}

/// The passphrase to open a stored key.
pub(super) fn stored_key_passphrase(
    ctx: &Ctx,
    meta: &RecordMeta,
    p: &PassphraseOptions,
) -> Result<Option<Passphrase>> {
    if !meta.encrypted {
        return Ok(None);
    }
    if p.no_passphrase {
        return Err(Error::new(
            Kind::Passphrase,
            format!(
                "the private key of {} is encrypted; --no-passphrase cannot open it",
                meta.name
            ),
        )
        .with_hint(
            "give its passphrase with --passphrase-file, --passphrase-env or CSRKIT_PASSPHRASE",
        ));
    }
    if let Some(pass) = keys::passphrase_from_sources(p)? {
        return Ok(Some(pass));
    }
    if ctx.interactive {
        return prompt::passphrase(&format!("Passphrase for {}", meta.name), false).map(Some);
    }
    Err(no_stored_passphrase(&meta.name))
}

/// How many passphrases the prompt takes for a stored key before exit 6.
const PROMPT_TRIES: u32 = 3;

/// A record's private key, decrypted: with the passphrase from its
/// sources (one try: a wrong one is exit 6), or asked at a terminal, where
/// a wrong passphrase is asked again up to three times in all. Errors: 2
/// when no source gives a passphrase, 6 for a wrong one, 1 for an
/// unreadable key file.
pub(super) fn open_stored_key(
    ctx: &Ctx,
    rec: &Record,
    p: &PassphraseOptions,
) -> Result<PrivateKey> {
    open_stored_key_with(ctx, rec, p).map(|(key, _)| key)
}

/// [`open_stored_key`], with the passphrase that opened the key (`None`
/// for an unencrypted one).
pub(super) fn open_stored_key_with(
    ctx: &Ctx,
    rec: &Record,
    p: &PassphraseOptions,
) -> Result<(PrivateKey, Option<Passphrase>)> {
    let pem = ctx.keystore.read_key_pem(rec)?;
    let (key, pass) = open_key_pem(ctx, rec, p, &pem)?;
    if let Err(e) = check_opened_key(rec, &pem, &key, pass.is_some()) {
        // A commit that landed between reading the record and its key is
        // not tampering: said as the race it is (exit 3, run again).
        if let Ok(now) = ctx.keystore.find(&rec.meta.id.to_string()) {
            if now.meta.revision != rec.meta.revision {
                return Err(keystore::changed_meanwhile(
                    &rec.meta.name,
                    rec.meta.revision,
                    now.meta.revision,
                ));
            }
        }
        return Err(e);
    }
    Ok((key, pass))
}

/// The stored key must be what the record says it is before anything is
/// signed or exported with it: a plaintext `PRIVATE KEY` where the record
/// says encrypted, or where a passphrase was given, is refused; and the
/// key's SPKI must be the record's `spki_sha256` and its CSR's. A file or
/// row swapped by someone who can write the keystore (a database writer
/// on a team keystore) is refused (exit 1), never used.
pub(super) fn check_opened_key(
    rec: &Record,
    pem: &str,
    key: &PrivateKey,
    pass_given: bool,
) -> Result<()> {
    let csr_spki = rec.parsed_csr()?.spki_sha256;
    let mut want = vec![csr_spki.as_str()];
    if let Some(s) = rec.meta.spki_sha256.as_deref() {
        want.push(s);
    }
    check_key_is(
        &rec.meta.name,
        rec.meta.encrypted,
        &want,
        pem,
        key,
        pass_given,
    )
}

/// [`check_opened_key`] for a key and the SPKIs (colon hex SHA-256) it
/// must have: a plaintext key where `encrypted` (or a passphrase was
/// given) and any SPKI in `want` other than the key's are refused (exit 1).
pub(super) fn check_key_is(
    name: &str,
    encrypted: bool,
    want: &[&str],
    pem: &str,
    key: &PrivateKey,
    pass_given: bool,
) -> Result<()> {
    let plaintext = crate::keys::pem_label(pem) == Some("PRIVATE KEY");
    if plaintext && (encrypted || pass_given) {
        return Err(Error::internal(format!(
            "record {name}: its private key is stored unencrypted, but the record says \
             it is encrypted; refusing to use it"
        ))
        .with_hint(
            "someone who can write the keystore replaced the key: restore the record from \
             a backup, or delete it and generate a new key",
        ));
    }
    let spki = key.spki_sha256()?;
    if want.iter().any(|w| *w != spki) {
        return Err(Error::internal(format!(
            "record {name}: its private key is not the key of its CSR and record \
             (SPKI {spki}); refusing to use it"
        ))
        .with_hint(
            "someone who can write the keystore replaced the key or the CSR: restore the \
             record from a backup, or delete it and generate a new key",
        ));
    }
    Ok(())
}

/// Opens `pem` (the record's stored key) with the passphrase `p` names,
/// asking at a terminal when none is given.
fn open_key_pem(
    ctx: &Ctx,
    rec: &Record,
    p: &PassphraseOptions,
    pem: &str,
) -> Result<(PrivateKey, Option<Passphrase>)> {
    let asks = rec.meta.encrypted
        && !p.no_passphrase
        && p.file.is_none()
        && p.env.is_none()
        && keys::env_passphrase().is_none()
        && ctx.interactive;
    if !asks {
        let pass = stored_key_passphrase(ctx, &rec.meta, p)?;
        let key = PrivateKey::from_pem(pem, pass.as_ref())?;
        return Ok((key, pass));
    }
    let mut tries = 0;
    loop {
        tries += 1;
        let pass = prompt::passphrase(&format!("Passphrase for {}", rec.meta.name), false)?;
        match PrivateKey::from_pem(pem, Some(&pass)) {
            Err(e) if e.kind == Kind::Passphrase && tries < PROMPT_TRIES => {
                prompt::wrong_passphrase(PROMPT_TRIES - tries);
            }
            // The hint names what the user did (the prompt), not the
            // sources they never used.
            Err(e) if e.kind == Kind::Passphrase => {
                return Err(e.with_hint(format!(
                    "{PROMPT_TRIES} passphrases typed at the prompt did not open the key of {}; it opens with the passphrase it was made with (or last given to csrkit passwd)",
                    rec.meta.name
                )))
            }
            result => return result.map(|key| (key, Some(pass))),
        }
    }
}

/// Whether a stored request asks for the same certificate as `req`: the
/// subject, the SANs that go into the CSR, the key type and size, and the
/// extensions (key usages, extended key usages, CA constraints, TLS
/// Feature, `--extension`s) and the unstructuredName. The challenge
/// password (never stored) does not count either. The
/// description, digest and vendor fields do not count
/// (`generate --exist-ok`).
pub(super) fn same_request(stored: &Request, req: &Request) -> bool {
    stored.subject == req.subject
        && stored.effective_sans() == req.effective_sans()
        && stored.key == req.key
        && stored.key_usages() == req.key_usages()
        && stored.extended_key_usages() == req.extended_key_usages()
        && stored.ca == req.ca
        && stored.path_len == req.path_len
        && stored.must_staple == req.must_staple
        && stored.extensions == req.extensions
        && stored.unstructured_name == req.unstructured_name
}

pub use crate::ops::generate::{generate_one, mint, prepare, record_name, Minted, Prepared};

pub(super) fn record_csr(rec: &keystore::Record) -> Result<ParsedCsr> {
    let parsed = rec.parsed_csr()?;
    if !parsed.verified {
        return Err(Error::new(
            Kind::BadSignature,
            format!(
                "record {}: the stored CSR's signature does not verify",
                rec.meta.name
            ),
        ));
    }
    Ok(parsed)
}

/// `-o FILE` (`export`, `download`), checked before anything is built or
/// asked (see [`super::output`]: its directory exists, exit 3; what is at
/// the path may be written, exit 2).
pub(super) fn check_output(path: &Path, force: bool) -> Result<()> {
    super::output::Output::option(path, force).check()
}

/// Writes `data` to `-o` `dest` (mode `mode`) by [`super::output`]'s rules:
/// a new file or, with `force`, the user's own regular file replaced
/// atomically; a device or FIFO written into; nothing else, never through
/// a symlink.
pub(super) fn write_output(dest: &Path, data: &[u8], mode: u32, force: bool) -> Result<()> {
    super::output::Output::option(dest, force).write(data, mode)
}
