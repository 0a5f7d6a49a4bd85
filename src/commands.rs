//! Commands: short functions that wire input -> request -> key + CSR ->
//! keystore -> formatter.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use zeroize::Zeroizing;

use crate::cli::{self, Cli, Command, FormatArg};
use crate::csr::{self, ParsedCsr};
use crate::error::{Error, Kind, Result};
use crate::formats::{self, Op, Options, RecordView};
use crate::keys::{self, Passphrase, PassphraseOptions, PrivateKey};
use crate::keystore::{self, Keystore, NewRecord, RecordMeta};
use crate::prompt;
use crate::request::{self, Request, RequestInput};

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
    fn out(stdout: Vec<u8>) -> Done {
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
    fn shape(&self) -> &'static dyn formats::Shape {
        formats::shape(self.format)
    }
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
        Command::Completions(_) | Command::Man(_) => return None,
    })
}

/// Whether the command reads or writes the keystore.
fn uses_keystore(command: &Command) -> bool {
    match command {
        Command::Show(a) => a.file.is_none(),
        Command::Completions(_) | Command::Man(_) => false,
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
    let ctx = Ctx {
        keystore: Keystore::new(root, lock_timeout),
        format,
        opts: Options { pretty: g.pretty },
        interactive: prompt::interactive(g.no_input),
        quiet: g.quiet,
    };
    let result = match &cli.command {
        Command::Generate(a) if a.batch.is_some() => crate::batch::run(&ctx, a),
        Command::Generate(a) => generate(&ctx, a),
        Command::Show(a) => show(&ctx, a),
        Command::Download(a) => download(&ctx, a),
        Command::Regenerate(a) => regenerate(&ctx, a),
        Command::List(_) => list(&ctx),
        Command::Delete(a) => delete(&ctx, a),
        Command::Completions(a) => completions(a),
        Command::Man(a) => man(a),
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

/// Reads FILE or `-` (stdin), refusing more than `limit` bytes without
/// reading them all.
pub fn read_input(path: &str, limit: u64, field: &str) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    if path == "-" {
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::invalid(field, format!("cannot read stdin: {e}")))?;
    } else {
        let p = Path::new(path);
        let f = std::fs::File::open(p).map_err(|e| {
            let kind = if e.kind() == std::io::ErrorKind::NotFound {
                Kind::NotFound
            } else {
                Kind::Invalid
            };
            Error::new(kind, format!("{field}: cannot open {}: {e}", p.display())).with_field(field)
        })?;
        let md = f.metadata().map_err(|e| Error::invalid(field, e))?;
        if md.is_dir() {
            return Err(Error::invalid(
                field,
                format!("{} is a directory", p.display()),
            ));
        }
        if md.len() > limit {
            return Err(too_large(field, limit));
        }
        f.take(limit + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::invalid(field, format!("cannot read {}: {e}", p.display())))?;
    }
    if buf.len() as u64 > limit {
        return Err(too_large(field, limit));
    }
    Ok(buf)
}

fn too_large(field: &str, limit: u64) -> Error {
    Error::invalid(
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
    }
}

/// The request file (if any) with the flags laid over it.
fn layered_input(req: &cli::RequestFileArgs, flags: RequestInput) -> Result<RequestInput> {
    let base = match &req.request {
        Some(path) => {
            let data = read_input(path, formats::request::MAX_REQUEST, "--request")?;
            formats::request::parse(&data, req.request_format)?
        }
        None => RequestInput::default(),
    };
    Ok(base.overlay(flags))
}

fn pass_opts(p: &cli::PassphraseArgs) -> PassphraseOptions {
    PassphraseOptions {
        file: p.passphrase_file.clone(),
        env: p.passphrase_env.clone(),
        no_passphrase: p.no_passphrase,
    }
}

fn no_passphrase_source() -> Error {
    Error::usage("no passphrase for the private key")
        .with_hint("give --passphrase-file FILE, --passphrase-env VAR or CSRKIT_PASSPHRASE, or --no-passphrase to store the key unencrypted")
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
fn stored_key_passphrase(
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
    Err(no_passphrase_source())
}

/// Picks the record name: given, from the request, or derived from the CN.
fn record_name(given: Option<&str>, input: &RequestInput, req: &Request) -> Result<String> {
    if let Some(n) = given.or(input.name.as_deref()) {
        request::validate_name(n)?;
        return Ok(n.to_string());
    }
    req.subject
        .common_name()
        .and_then(request::name_from_cn)
        .ok_or_else(|| {
            Error::invalid(
                "NAME",
                "no record name given and none can be derived from the common name",
            )
            .with_hint("give a NAME: csrkit generate NAME ...")
        })
}

/// Key + CSR for a validated request, all in memory.
pub struct Minted {
    pub key: PrivateKey,
    pub csr: ParsedCsr,
}

pub fn mint(req: &Request, key: PrivateKey) -> Result<Minted> {
    let der = csr::build(req, &key)?;
    // Self-check: what we write must parse and verify.
    let parsed = csr::parse_verified(&der)?;
    Ok(Minted { key, csr: parsed })
}

/// Everything `generate` does for one validated request, up to the commit.
/// A new record, complete in memory, ready to commit.
pub struct Prepared {
    pub meta: RecordMeta,
    pub csr: ParsedCsr,
    pub csr_pem: String,
    pub key_pem: Zeroizing<String>,
}

impl Prepared {
    pub fn as_new(&self) -> NewRecord<'_> {
        NewRecord {
            meta: self.meta.clone(),
            csr_pem: &self.csr_pem,
            key_pem: &self.key_pem,
        }
    }
}

/// Everything `generate` does for one validated request short of the
/// commit: key, CSR, encrypted key, metadata (no lock, no disk writes).
/// Whether the name is free is the caller's to check, cheaply before and
/// for certain at the commit.
pub fn prepare(name: String, req: Request, pass: Option<&Passphrase>) -> Result<Prepared> {
    let key = PrivateKey::generate(req.key)?;
    let Minted { key, csr } = mint(&req, key)?;
    let key_pem = key.to_pem(pass)?;
    drop(key);
    let now = keystore::now_rfc3339();
    let meta = RecordMeta {
        id: 0,
        name,
        description: req.description.clone(),
        created: now.clone(),
        modified: now,
        revision: 1,
        key: req.key,
        encrypted: pass.is_some(),
        request: req,
    };
    let csr_pem = csr.pem();
    Ok(Prepared {
        meta,
        csr,
        csr_pem,
        key_pem,
    })
}

/// Prepares and commits one record.
pub fn generate_one(
    ks: &Keystore,
    name: String,
    req: Request,
    pass: Option<&Passphrase>,
) -> Result<(RecordMeta, ParsedCsr)> {
    let prepared = prepare(name, req, pass)?;
    let meta = ks.create(prepared.as_new())?;
    Ok((meta, prepared.csr))
}

fn generate(ctx: &Ctx, a: &cli::GenerateArgs) -> Result<Done> {
    let flags = flags_input(&a.subject, &a.sans, &a.key, &a.ext);
    let mut input = layered_input(&a.request, flags)?;
    if ctx.interactive {
        input = prompt::complete_request(input, a.name.is_some())?;
    }
    let req = input.resolve(None, false)?;
    let name = record_name(a.name.as_deref(), &input, &req)?;
    if ctx.keystore.exists(&name) {
        return Err(keystore::exists_error(&name));
    }
    let pass = new_key_passphrase(ctx, &pass_opts(&a.passphrase))?;
    let spinner = prompt::Spinner::start(ctx.quiet, &req.key);
    let result = generate_one(&ctx.keystore, name, req, pass.as_ref());
    drop(spinner);
    let (meta, csr) = result?;
    let dir = ctx.keystore.record_dir(&meta.name);
    let view = RecordView {
        meta: &meta,
        csr: &csr,
        dir: Some(&dir),
    };
    Ok(Done::out(ctx.shape().generate(&view, ctx.opts)?))
}

fn regenerate(ctx: &Ctx, a: &cli::RegenerateArgs) -> Result<Done> {
    let rec = ctx.keystore.find(&a.target)?;
    let flags = flags_input(&a.subject, &a.sans, &a.key, &a.ext);
    let input = layered_input(&a.request, flags)?;
    let req = input.resolve(Some(&rec.meta.request), !a.new_key)?;
    let popts = pass_opts(&a.passphrase);
    let (key_pem, encrypted, key) = if a.new_key {
        let pass = new_key_passphrase(ctx, &popts)?;
        let spinner = prompt::Spinner::start(ctx.quiet, &req.key);
        let key = PrivateKey::generate(req.key);
        drop(spinner);
        let key = key?;
        (key.to_pem(pass.as_ref())?, pass.is_some(), key)
    } else {
        let pass = stored_key_passphrase(ctx, &rec.meta, &popts)?;
        let pem = ctx.keystore.read_key_pem(&rec)?;
        let key = PrivateKey::from_pem(&pem, pass.as_ref())?;
        if key.spec() != rec.meta.key {
            return Err(Error::internal(format!(
                "record {}: key.pem holds a {} key but record.json says {}",
                rec.meta.name,
                key.spec(),
                rec.meta.key
            )));
        }
        (pem, rec.meta.encrypted, key)
    };
    let Minted { key, csr } = mint(&req, key)?;
    drop(key);
    let meta = RecordMeta {
        id: rec.meta.id,
        name: rec.meta.name.clone(),
        description: req.description.clone(),
        created: rec.meta.created.clone(),
        modified: keystore::now_rfc3339(),
        revision: rec.meta.revision + 1,
        key: req.key,
        encrypted,
        request: req,
    };
    let csr_pem = csr.pem();
    let meta = ctx.keystore.replace(NewRecord {
        meta,
        csr_pem: &csr_pem,
        key_pem: &key_pem,
    })?;
    let dir = ctx.keystore.record_dir(&meta.name);
    let view = RecordView {
        meta: &meta,
        csr: &csr,
        dir: Some(&dir),
    };
    Ok(Done::out(ctx.shape().regenerate(&view, ctx.opts)?))
}

fn show(ctx: &Ctx, a: &cli::ShowArgs) -> Result<Done> {
    let (meta, mut parsed) = match (&a.file, &a.target) {
        (Some(path), _) => {
            let data = read_input(path, formats::request::MAX_REQUEST, "--file")?;
            let der = csr::decode_input(&data)?;
            (None, csr::parse(&der)?)
        }
        (None, Some(target)) => {
            let rec = ctx.keystore.find(target)?;
            let parsed = rec.parsed_csr()?;
            (Some(rec.meta), parsed)
        }
        (None, None) => return Err(Error::usage("show needs NAME|ID or --file PATH")),
    };
    if a.show_secrets {
        parsed.reveal_secrets();
    }
    // Exit 7 for a bad signature; exit 2 for an algorithm csrkit does not
    // implement or a malformed key, with the rest still shown.
    let error = parsed.verification_error();
    // A vendor shape answers a failure with its error body alone; csrkit's
    // own formats still show what the CSR says.
    if let Some(e) = &error {
        if ctx.shape().error(Op::Show, e, ctx.opts).is_some() {
            return Err(e.clone());
        }
    }
    let stdout = ctx.shape().show(meta.as_ref(), &parsed, ctx.opts)?;
    Ok(Done {
        stdout,
        error,
        ..Done::default()
    })
}

fn record_csr(rec: &keystore::Record) -> Result<ParsedCsr> {
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

fn download(ctx: &Ctx, a: &cli::DownloadArgs) -> Result<Done> {
    let rec = ctx.keystore.find(&a.target)?;
    let parsed = record_csr(&rec)?;
    let view = RecordView {
        meta: &rec.meta,
        csr: &parsed,
        dir: Some(&rec.dir),
    };
    let body = ctx.shape().download(&view, a.details, ctx.opts)?;
    match &a.output {
        Some(path) => {
            keystore::atomic_write(path, &body, 0o644)?;
            Ok(Done {
                notes: vec![format!("wrote {}", path.display())],
                ..Done::default()
            })
        }
        None => {
            if ctx.format == FormatArg::Der && std::io::IsTerminal::is_terminal(&std::io::stdout())
            {
                return Err(Error::usage("refusing to write DER (binary) to a terminal")
                    .with_hint("use -o FILE or redirect stdout"));
            }
            Ok(Done::out(body))
        }
    }
}

fn list(ctx: &Ctx) -> Result<Done> {
    let records = ctx.keystore.list()?;
    let stdout = ctx.shape().list(&records, ctx.opts)?;
    Ok(Done {
        stdout,
        leftovers: Some(Box::new(records)),
        ..Done::default()
    })
}

fn delete(ctx: &Ctx, a: &cli::DeleteArgs) -> Result<Done> {
    let rec = ctx.keystore.find(&a.target)?;
    if !a.yes {
        if !ctx.interactive {
            return Err(Error::usage(format!(
                "deleting {} needs --yes when csrkit cannot ask",
                rec.meta.name
            ))
            .with_hint(format!("run: csrkit delete {} --yes", rec.meta.name)));
        }
        let q = format!(
            "Delete record {} (id {}) with its private key and history?",
            rec.meta.name, rec.meta.id
        );
        if !prompt::confirm(&q)? {
            return Ok(Done {
                notes: vec!["nothing deleted".into()],
                ..Done::default()
            });
        }
    }
    ctx.keystore.delete(&rec)?;
    Ok(Done::out(ctx.shape().delete(&rec.meta, ctx.opts)?))
}

fn completions(a: &cli::CompletionsArgs) -> Result<Done> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "csrkit", &mut buf);
    Ok(Done::out(buf))
}

fn man(a: &cli::ManArgs) -> Result<Done> {
    let files = crate::manpages::write_all(&a.dir)?;
    Ok(Done {
        notes: files
            .iter()
            .map(|f| format!("wrote {}", f.display()))
            .collect(),
        ..Done::default()
    })
}

/// For prompts and batch: a fresh passphrase copy.
pub fn clone_passphrase(p: &Passphrase) -> Result<Passphrase> {
    Passphrase::new(Zeroizing::new(
        String::from_utf8_lossy(p.as_bytes()).into_owned(),
    ))
}
