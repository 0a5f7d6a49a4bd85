//! Command-line types (clap derive). No logic lives here (what csrkit
//! says when a command line does not parse is in `crate::usage`).

use std::path::PathBuf;

use clap::{ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueEnum};

mod acme;
pub mod field;
mod generate;
mod values;
pub use acme::*;
pub use generate::*;
mod serve;
pub use serve::*;

pub const ABOUT: &str = "Generate certificate signing requests and keep their private keys safe";

const LONG_ABOUT: &str = "\
Generate certificate signing requests (CSRs) and keep their private keys safe.

csrkit writes each request as a record in a local keystore: the PEM CSR, the \
private key (encrypted PKCS#8 unless --no-passphrase) and its metadata, and takes \
the signed certificate back (import, self-sign, expiring) and hands it out \
with its chain and key (export: PEM, DER, PKCS#7, PKCS#12, vendor import bodies). Its \
subcommands mirror the vendor REST operations that generate CSRs, and it prints \
results in its own formats (text, pem, der, json) or in the response shape of \
each vendor API (arcgis, qradar, sbc, nsx, xclarity).";

const MAIN_AFTER: &str = "\
KEYSTORE LAYOUT:
  <keystore>/                 0700; default $XDG_DATA_HOME/csrkit or ~/.local/share/csrkit
    .lock                     advisory lock, held only for id allocation and commits
    records/<name>/           0700
      record.json             id, name, description, created, modified, revision, key, request
      csr.pem                 the CSR
      key.pem                 0600, ENCRYPTED PRIVATE KEY (scrypt + AES-256-CBC)
      cert.pem, chain.pem     the signed certificate and its chain (import, self-sign)
      history/<revision>/     previous csr.pem, key.pem, record.json (and cert.pem, chain.pem)

ENVIRONMENT:
  CSRKIT_KEYSTORE       keystore directory or postgresql:// URL (--keystore)
  PGPASSWORD, PGPASSFILE, PGUSER  a PostgreSQL keystore's password and user, as libpq
  CSRKIT_PASSPHRASE_FILE  file whose first line is the passphrase (--passphrase-file)
  CSRKIT_PASSPHRASE     passphrase for private keys (after --passphrase-file, --passphrase-env)
  CSRKIT_NO_PASSPHRASE  store new keys unencrypted (--no-passphrase)
  CSRKIT_NEW_PASSPHRASE_FILE  the new passphrase for passwd (--new-passphrase-file)
  CSRKIT_NO_INPUT       never prompt (--no-input); CI=true has the same effect
  CSRKIT_LOCK_TIMEOUT   seconds to wait for the keystore lock (--lock-timeout)
  CSRKIT_FORMAT         default output format (--format)
  CSRKIT_QUIET          nothing on stderr but errors (--quiet)
  CSRKIT_JOBS           parallel jobs for generate --batch (--jobs)
  CSRKIT_ACME_URL, CSRKIT_ACME_CA_FILE, CSRKIT_ACME_ACCOUNT  order: the CA and the account
  CSRKIT_CONFIG         the config file [default: $XDG_CONFIG_HOME/csrkit/config.toml,
                        else ~/.config/csrkit/config.toml]
  XDG_DATA_HOME, HOME   locate the default keystore
  XDG_CONFIG_HOME       locates the config file
  CI                    when set (to anything but empty, 0 or false), csrkit never prompts

FILES:
  ~/.config/csrkit/config.toml  defaults for new requests: country, state, locality,
                        organization, organizational_unit, key_type, key_size, curve,
                        purpose (flags and --request files override; see csrkit config)
  ~/.local/share/csrkit the default keystore

EXIT CODES:
  0  success
  1  internal error
  2  usage error or invalid input (the message names the field)
  3  record or file not found
  4  record already exists
  5  keystore locked (gave up after --lock-timeout)
  6  wrong passphrase / key cannot be decrypted
  7  CSR signature does not verify
  8  certificate does not belong to the record (import)
  9  certificate chain cannot be built or does not verify (import)
  10 a check found something (expiring, lint, renew --dry-run)
  11 the ACME CA refused (its problem document is printed)
  12 an ACME challenge or a challenge hook failed
  13 the ACME CA could not be reached, or --timeout passed

VENDOR FORMATS (--format; full reference in docs/vendor-formats.md):
  arcgis    generate/regenerate/show/download:
              {\"certificateSigningRequest\":\"-----BEGIN NEW CERTIFICATE REQUEST-----\\r\\nMIIB...\\r\\n\"}
            (76-character base64 lines, CRLF; --pretty is f=pjson)
            error: {\"status\":\"error\",\"messages\":[\"no record named ...\"],\"code\":404}
  qradar    generate: the new id alone (7); download: the PEM; list: [{\"create_time\":1795446530523,
            \"description\":\"edge\",\"id\":7}]; show: the CSRModel {\"id\":7,\"key_size\":2048,
            \"description\":..,\"purpose\":\"SERVER\",\"common_name\":..,...,\"uri_list\":[]}
            error: {\"message\":..,\"details\":{},\"description\":..,\"code\":1002,
            \"http_response\":{\"message\":..,\"code\":404}}  (422 + codes 1032-1042 for invalid
            input by field, 1002 not found, 1003 exists, 1004 locked, 1005 passphrase,
            1043 bad signature, 1020 internal)
  sbc       <?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><response><data>
            <CertificateRequest><recordName>web</recordName><certificateSignedRequest>-----BEGIN
            CERTIFICATE REQUEST-----...</certificateSignedRequest></CertificateRequest></data>
            <messages/><links/></response>; regenerate is reGenerate=true; errors keep the
            envelope with <data/> and <messages><error><reasonCode>NOT_FOUND</reasonCode>...
  nsx       {\"resource_type\":\"TlsCsr\",\"id\":\"web\",\"display_name\":\"web\",\"path\":\"/infra/csrs/web\",
            ...,\"pem_encoded\":..,\"key_size\":2048,\"subject\":{\"attributes\":[{\"key\":\"CN\",..}]},
            \"algorithm\":\"RSA\",\"is_ca\":false,...,\"_revision\":0}; list: {\"results\":[..],
            \"result_count\":1,\"sort_by\":\"display_name\",\"sort_ascending\":true}
            error: {\"httpStatus\":\"NOT_FOUND\",\"error_code\":9003,\"module_name\":\"csrkit\",\"error_message\":..}
  xclarity  download: raw PEM; show and download --details: {\"response\":{\"CSR\":\"-----BEGIN...\"},
            \"result\":\"success\",\"messages\":[{\"explanation\":\"\",\"id\":\"FQXHMSE0001I\",...}]};
            generate: {\"response\":{\"path\":\"7\"},...}; error: \"result\":\"failed\", id FQXHMSE000<exit>L
  --request FILE|- reads any of these vendors' request bodies (detected; --request-format forces one).
  export writes each vendor's import body (arcgis PFX, qradar end_certificates, sbc ImportCertificate,
  nsx TlsTrustData, xclarity PEM); --format pkcs7|pkcs12 are export's own.

EXAMPLES:
  csrkit generate --cn www.example.com --org Example --country DE --dns www.example.com --dns example.com
  csrkit show www.example.com
  csrkit download www.example.com -o www.csr
  csrkit list --format json";

#[derive(Debug, Parser)]
#[command(name = "csrkit", version, about = ABOUT, long_about = LONG_ABOUT, after_long_help = MAIN_AFTER)]
#[command(propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// `--format`: [`Format`](crate::formats::Format), its values built from the vendor list (`values`).
pub use crate::formats::Format as FormatArg;

/// `export --p12-profile`: the algorithms that protect a PKCS#12 file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum P12Profile {
    /// PBES2 AES-256-CBC with PBKDF2-HMAC-SHA256, SHA-256 MAC (OpenSSL 3's default)
    Modern,
    /// pbeWithSHAAnd3-KeyTripleDES-CBC for key and certificates, SHA-1 MAC (Java 8, Windows 2012)
    #[value(name = "legacy-3des")]
    Legacy3des,
    /// 40-bit RC2 certificates, 3DES key, SHA-1 MAC (openssl pkcs12 -export -legacy)
    #[value(name = "legacy-rc2")]
    LegacyRc2,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]
    // The value is never shown in --help: a URL may carry a password.
    #[arg(
        long,
        global = true,
        env = "CSRKIT_KEYSTORE",
        hide_env_values = true,
        value_name = "DIR|URL"
    )]
    pub keystore: Option<PathBuf>,

    /// Output shape (each command has its own default)
    #[arg(
        long,
        global = true,
        env = "CSRKIT_FORMAT",
        value_name = "FMT",
        value_enum
    )]
    pub format: Option<FormatArg>,

    /// Pretty-print JSON shapes (ArcGIS f=pjson)
    #[arg(long, global = true)]
    pub pretty: bool,

    /// Never prompt; implied when stdin is not a terminal or CI is set
    #[arg(long, global = true, env = "CSRKIT_NO_INPUT", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_input: bool,

    /// Print nothing on stderr but errors
    #[arg(short, long, global = true, env = "CSRKIT_QUIET", value_parser = clap::builder::FalseyValueParser::new())]
    pub quiet: bool,

    /// Seconds to wait for the keystore lock before giving up (exit 5)
    #[arg(
        long,
        global = true,
        env = "CSRKIT_LOCK_TIMEOUT",
        value_name = "SECS",
        default_value = "10"
    )]
    pub lock_timeout: f64,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a new key pair and CSR, stored as record NAME
    #[command(after_help = GENERATE_EXAMPLES)]
    Generate(Lazy<GenerateArgs>),
    /// Decode and verify a CSR (a record, or a file with --file)
    #[command(after_help = SHOW_EXAMPLES)]
    Show(Lazy<ShowArgs>),
    /// Print or save a record's CSR
    #[command(after_help = DOWNLOAD_EXAMPLES)]
    Download(Lazy<DownloadArgs>),
    /// Make a new CSR for a record, keeping its key unless --new-key
    #[command(after_help = REGENERATE_EXAMPLES)]
    Regenerate(Lazy<RegenerateArgs>),
    /// List the records in the keystore
    #[command(after_help = LIST_EXAMPLES)]
    List(Lazy<ListArgs>),
    /// Delete a record and its history
    #[command(after_help = DELETE_EXAMPLES)]
    Delete(Lazy<DeleteArgs>),
    /// Take a signed certificate back: find its record by key, check its chain, store both
    #[command(after_help = IMPORT_EXAMPLES)]
    Import(Lazy<ImportArgs>),
    /// Issue a self-signed certificate on a record's key and request
    #[command(name = "self-sign", after_help = SELF_SIGN_EXAMPLES)]
    SelfSign(Lazy<SelfSignArgs>),
    /// List the certificates that expire soon (exit 10 when there are any)
    #[command(after_help = EXPIRING_EXAMPLES)]
    Expiring(Lazy<ExpiringArgs>),
    /// Get the record's certificate from an ACME CA (Let's Encrypt, ...) and store it
    #[command(after_help = ORDER_EXAMPLES)]
    Order(Lazy<OrderArgs>),
    /// Renew the ACME-issued certificates that are due (cron-safe; exit 10 with --dry-run when due)
    #[command(after_help = RENEW_EXAMPLES)]
    Renew(Lazy<RenewArgs>),
    /// Revoke a record's ACME-issued certificate (RFC 8555 §7.6)
    #[command(after_help = REVOKE_EXAMPLES)]
    Revoke(Lazy<RevokeArgs>),
    /// ACME accounts kept in the keystore
    #[command(subcommand, disable_help_subcommand = true, after_help = ACME_EXAMPLES)]
    Acme(AcmeCommand),
    /// Check a CSR or certificate against what CAs and appliances accept (exit 10 on an error)
    #[command(after_help = LINT_EXAMPLES)]
    Lint(Lazy<LintArgs>),
    /// Write a record's certificate and chain (and key) as PEM, DER, PKCS#7, PKCS#12 or a vendor's import body
    #[command(after_help = EXPORT_EXAMPLES)]
    Export(Lazy<ExportArgs>),
    /// Change the passphrase of a record's private key (or encrypt an unencrypted one)
    #[command(after_help = PASSWD_EXAMPLES)]
    Passwd(Lazy<PasswdArgs>),
    /// List a record's revisions and what each keeps; --prune drops the keys old revisions keep
    #[command(after_help = HISTORY_EXAMPLES)]
    History(Lazy<HistoryArgs>),
    /// Print the effective settings: config file, keystore, defaults for new requests
    #[command(after_help = CONFIG_EXAMPLES)]
    Config(Lazy<ConfigArgs>),
    /// Answer the vendors' certificate APIs over HTTPS (a test peer for appliance automation)
    #[command(after_help = SERVE_EXAMPLES)]
    Serve(Lazy<ServeArgs>),
    /// Keystore maintenance: apply a PostgreSQL keystore's schema migrations, copy records between keystores
    #[command(subcommand, disable_help_subcommand = true, after_help = KEYSTORE_EXAMPLES)]
    Keystore(KeystoreCommand),
    /// Print a shell completion script
    #[command(
        after_help = "EXAMPLES:\n  csrkit completions bash > /etc/bash_completion.d/csrkit\n  csrkit completions zsh > ~/.zfunc/_csrkit\n  csrkit completions fish > ~/.config/fish/completions/csrkit.fish"
    )]
    Completions(Lazy<CompletionsArgs>),
    /// Write the man pages (csrkit.1 and one per subcommand)
    #[command(
        after_help = "EXAMPLES:\n  csrkit man /usr/local/share/man/man1\n  csrkit man   # writes into ./man"
    )]
    Man(Lazy<ManArgs>),
}

/// A subcommand's arguments, added to the parser only when that
/// subcommand runs (or help, completions or man pages need them): clap
/// otherwise builds every subcommand's arguments at start-up
/// (`--version` 1.46 -> 1.17 ms; `generate`, whose own arguments are most
/// of the tree, gains 0.03 ms; see docs/performance.md, "Performance").
#[derive(Debug)]
pub struct Lazy<T>(pub T);

impl<T> std::ops::Deref for Lazy<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: FromArgMatches> FromArgMatches for Lazy<T> {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(m).map(Lazy)
    }
    fn from_arg_matches_mut(m: &mut ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(m).map(Lazy)
    }
    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(m)
    }
    fn update_from_arg_matches_mut(&mut self, m: &mut ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(m)
    }
}

impl<T: Args> Args for Lazy<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.defer(T::augment_args)
    }
    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        cmd.defer(T::augment_args_for_update)
    }
    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

const PASSWD_EXAMPLES: &str = "\
EXAMPLES:
  csrkit passwd www.example.com        # asks for the old and the new passphrase
  csrkit passwd 3 --passphrase-file old.txt --new-passphrase-file new.txt
  csrkit passwd lab --new-passphrase-file pass.txt   # encrypt a --no-passphrase key";

const CONFIG_EXAMPLES: &str = "\
EXAMPLES:
  csrkit config
  csrkit config --format json   # ~/.config/csrkit/config.toml: organization = \"Example\"";

const IMPORT_EXAMPLES: &str = "\
EXAMPLES:
  # The CA's reply, whatever its form: the record is found by the key
  csrkit import signed.crt
  csrkit import chain.p7b --ca-file root.pem --require-chain
  # Say which record, and fail unless the chain reaches a root
  csrkit import - --record web < reply.pem
  # A vendor's import body: NSX TlsTrustData or QRadar {cert_file, ca_chain_file, csr_id}
  csrkit import --request trust-data.json --format nsx
  # A key made elsewhere with its certificate: a new record
  csrkit import server.crt --key server.key --record web --passphrase-file ~/.csrkit-pass
  # A PKCS#12 file (its password from a file or the environment)
  csrkit import --pkcs12 server.pfx --key-passphrase-env PFX_PASS --record web";

const SELF_SIGN_EXAMPLES: &str = "\
EXAMPLES:
  csrkit self-sign web --days 90 --passphrase-file ~/.csrkit-pass
  csrkit self-sign lab --no-passphrase";

const EXPIRING_EXAMPLES: &str = "\
EXAMPLES:
  csrkit expiring                     # within 30 days (and expired)
  csrkit expiring --within 14d --format json
  0 6 * * * csrkit expiring --quiet || mail -s 'certificates expire' ops";

const LINT_EXAMPLES: &str = "\
EXAMPLES:
  csrkit lint web                          # the record's CSR (and certificate)
  csrkit lint --file server.csr --profile cabf
  csrkit lint --all --profile nsx --format json
  openssl req -new -key k.pem -subj /CN=x | csrkit lint --file -";
const EXPORT_EXAMPLES: &str = "\
FORMATS (--format; default pem):
  pem       the certificate, then the chain (issuer first); --with-key adds the key
  der       the certificate alone (DER)
  pkcs7     certs-only PKCS#7 bundle (PEM), leaf first
  pkcs12    key, certificate and chain; friendlyName = the record name; --p12-profile
  arcgis    the PFX for Portal's importExistingServerCertificate (form field file)
  qradar    the end_certificates JSON (name, purpose, cert_file, ca_chain_file, key_file)
  sbc       <ImportCertificate> XML for the SBC's certificates/import
  nsx       TlsTrustData (display_name, pem_encoded, private_key)
  xclarity  the PEM bundle, leaf first
A key leaves encrypted with the export passphrase (--export-passphrase-file,
--export-passphrase-env, or asked twice at a terminal), or in the clear with
--no-export-passphrase. The stored key is opened with --passphrase-file,
--passphrase-env or CSRKIT_PASSPHRASE. Files are created 0600.

EXAMPLES:
  csrkit export web -o web-fullchain.pem
  csrkit export web --format pkcs12 -o web.p12 --export-passphrase-file ~/.p12-pass
  csrkit export web --format pkcs12 --p12-profile legacy-3des -o web-java8.p12 \\
      --export-passphrase-env P12_PASS
  csrkit export web --format qradar --no-export-passphrase > end_certificate.json";

const SHOW_EXAMPLES: &str = "\
EXAMPLES:
  csrkit show www.example.com
  csrkit show 3 --format json
  csrkit show --file request.csr
  openssl req -new -key k.pem -subj /CN=x | csrkit show --file -";

const DOWNLOAD_EXAMPLES: &str = "\
EXAMPLES:
  csrkit download www.example.com > www.csr
  csrkit download www.example.com --der -o www.der
  csrkit download www.example.com -o www.csr --force   # replace an existing www.csr
  csrkit download 3 --format xclarity --details";

const LIST_EXAMPLES: &str = "\
EXAMPLES:
  csrkit list
  csrkit list --format json | jq '.[].name'
  csrkit list --format nsx";

const DELETE_EXAMPLES: &str = "\
EXAMPLES:
  csrkit delete www.example.com        # asks on a terminal
  csrkit delete 3 --yes                # scripts must say --yes";

#[derive(Debug, Args)]
pub struct PasswdArgs {
    /// Record name or id
    #[arg(value_name = "NAME|ID")]
    pub target: String,
    /// Read the current passphrase from the first line of FILE [default: $CSRKIT_PASSPHRASE_FILE when --passphrase-env is not given]
    #[arg(long, value_name = "FILE", help_heading = "Passphrase")]
    pub passphrase_file: Option<PathBuf>,
    /// Read the current passphrase from the environment variable VAR [default: $CSRKIT_PASSPHRASE, else asked]
    #[arg(long, value_name = "VAR", help_heading = "Passphrase")]
    pub passphrase_env: Option<String>,
    /// Read the new passphrase from the first line of FILE [default: $CSRKIT_NEW_PASSPHRASE_FILE when --new-passphrase-env is not given, else asked at a terminal]
    #[arg(long, value_name = "FILE", help_heading = "Passphrase")]
    pub new_passphrase_file: Option<PathBuf>,
    /// Read the new passphrase from the environment variable VAR
    #[arg(
        long,
        value_name = "VAR",
        conflicts_with = "new_passphrase_file",
        help_heading = "Passphrase"
    )]
    pub new_passphrase_env: Option<String>,
}

const HISTORY_EXAMPLES: &str = "EXAMPLES:
  csrkit history web01                 # revisions, and which keep a key
  csrkit history web01 --prune --yes   # drop every key old revisions keep";

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Record name or id
    #[arg(value_name = "NAME|ID")]
    pub target: String,
    /// Drop the private keys that old revisions keep (the current key stays); committed as a new revision
    #[arg(long)]
    pub prune: bool,
    /// Do not ask before --prune
    #[arg(long, short = 'y', requires = "prune")]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Record name or id
    #[arg(
        value_name = "NAME|ID",
        required_unless_present = "file",
        conflicts_with = "file"
    )]
    pub target: Option<String>,
    /// Read a CSR from FILE or - (PEM or DER) instead of a record
    #[arg(long, value_name = "PATH|-")]
    pub file: Option<String>,
    /// Show a challengePassword's text instead of "set, N characters"
    #[arg(long)]
    pub show_secrets: bool,
}

#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// Record name or id
    #[arg(value_name = "NAME|ID")]
    pub target: String,
    /// DER instead of PEM (same as --format der)
    #[arg(long)]
    pub der: bool,
    /// Write to FILE instead of stdout (refused if FILE exists, unless --force)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace FILE if it exists (atomically; a symlink is replaced, not followed)
    #[arg(long, requires = "output")]
    pub force: bool,
    /// XClarity: the JSON envelope instead of the raw PEM
    #[arg(long)]
    pub details: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The certificate: PEM (any number, any order, text around them), DER or PKCS#7; - for stdin
    #[arg(
        value_name = "FILE|-",
        required_unless_present_any = ["request", "pkcs12"],
        conflicts_with_all = ["request", "pkcs12"]
    )]
    pub file: Option<String>,
    /// A vendor's import body instead of FILE: NSX TlsTrustData ({"pem_encoded":..}) or QRadar ({"cert_file","ca_chain_file","csr_id"})
    #[arg(long, value_name = "FILE|-")]
    pub request: Option<String>,
    /// The record it is for [default: the record that holds the certificate's key]
    #[arg(long, value_name = "NAME|ID")]
    pub record: Option<String>,
    /// More certificates to build the chain from (intermediates, roots); repeatable
    #[arg(long, value_name = "FILE")]
    pub ca_file: Vec<PathBuf>,
    /// Fail (exit 9) unless the chain reaches a self-signed root
    #[arg(long)]
    pub require_chain: bool,
    /// The certificate's private key, made elsewhere (PKCS#8 PEM): key and certificate become a new record (named by --record, else from the CN), the key stored under the passphrase options
    #[arg(long, value_name = "FILE", conflicts_with_all = ["request", "pkcs12"])]
    pub key: Option<PathBuf>,
    /// A PKCS#12 file (.p12/.pfx) made elsewhere: its key, the certificate for it and the chain become a new record (named by --record, else its friendlyName, else from the CN)
    #[arg(long, value_name = "FILE", conflicts_with = "request")]
    pub pkcs12: Option<PathBuf>,
    /// The passphrase of an encrypted --key or of the --pkcs12 file (first line of FILE)
    #[arg(long, value_name = "FILE")]
    pub key_passphrase_file: Option<PathBuf>,
    /// The passphrase of an encrypted --key or of the --pkcs12 file, from the environment variable VAR
    #[arg(long, value_name = "VAR", conflicts_with = "key_passphrase_file")]
    pub key_passphrase_env: Option<String>,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

#[derive(Debug, Args)]
pub struct SelfSignArgs {
    /// Record name or id
    #[arg(value_name = "NAME|ID")]
    pub target: String,
    /// Days the certificate is valid, from now
    #[arg(long, value_name = "N", default_value_t = 365)]
    pub days: u32,
    /// Replace a certificate a CA issued (it stays in the record's history)
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Record name or id
    #[arg(value_name = "NAME|ID", required_unless_present_any = ["file", "all"], conflicts_with_all = ["file", "all"])]
    pub target: Option<String>,
    /// Lint a CSR or certificate file (PEM or DER), or - for stdin
    #[arg(long, value_name = "PATH|-", conflicts_with = "all")]
    pub file: Option<String>,
    /// Lint every record in the keystore
    #[arg(long)]
    pub all: bool,
    /// Rules beyond the default ones; repeatable
    #[arg(long, value_enum, value_name = "PROFILE")]
    pub profile: Vec<crate::lint::Profile>,
}

// How a private key leaves in an export body (export, and renew's vendor
// bodies): the PKCS#12 algorithms and the export passphrase. (A `///`
// comment here would become both subcommands' about text.)
#[derive(Debug, Clone, Args)]
pub struct ExportKeyArgs {
    /// PKCS#12 algorithms (pkcs12, arcgis)
    #[arg(long, value_enum, value_name = "PROFILE", default_value = "modern")]
    pub p12_profile: P12Profile,
    /// Read the export passphrase from the first line of FILE
    #[arg(long, value_name = "FILE", help_heading = "Export passphrase")]
    pub export_passphrase_file: Option<PathBuf>,
    /// Read the export passphrase from the environment variable VAR
    #[arg(
        long,
        value_name = "VAR",
        conflicts_with = "export_passphrase_file",
        help_heading = "Export passphrase"
    )]
    pub export_passphrase_env: Option<String>,
    /// Let the key leave unencrypted (PKCS#12: an empty password)
    #[arg(long, conflicts_with_all = ["export_passphrase_file", "export_passphrase_env"], help_heading = "Export passphrase")]
    pub no_export_passphrase: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Record name or id
    #[arg(value_name = "NAME|ID")]
    pub target: String,
    /// Write to FILE (created 0600) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace FILE if it exists
    #[arg(long, requires = "output")]
    pub force: bool,
    /// pem: add the private key after the chain
    #[arg(long)]
    pub with_key: bool,
    #[command(flatten)]
    pub key_out: ExportKeyArgs,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

#[derive(Debug, Args)]
pub struct ExpiringArgs {
    /// The window: a number with s, m, h, d or w (a bare number is days)
    #[arg(long, value_name = "DURATION", default_value = "30d")]
    pub within: String,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Record name or id
    #[arg(value_name = "NAME|ID")]
    pub target: String,
    /// Do not ask for confirmation (required when not at a terminal)
    #[arg(short, long)]
    pub yes: bool,
}

const KEYSTORE_EXAMPLES: &str = "\
EXAMPLES:
  csrkit keystore migrate --keystore postgresql://csrkit@db.example.com/pki?sslmode=verify-full
  csrkit keystore copy ~/.local/share/csrkit postgresql://csrkit@db.example.com/pki
  csrkit keystore copy postgresql://csrkit@db.example.com/pki /backup/csrkit";

/// `csrkit keystore ...`
#[derive(Debug, Subcommand)]
pub enum KeystoreCommand {
    /// Apply the schema migrations a PostgreSQL keystore lacks (also done on first use)
    Migrate,
    /// Copy every record, with its id and history, from SRC to DST (a directory or a postgresql:// URL); resumable
    Copy(KeystoreCopyArgs),
}

#[derive(Debug, Args)]
pub struct KeystoreCopyArgs {
    /// The keystore to copy from: a directory or a postgresql:// URL
    #[arg(value_name = "SRC")]
    pub src: PathBuf,
    /// The keystore to copy into (records it already holds are skipped)
    #[arg(value_name = "DST")]
    pub dst: PathBuf,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Directory to write the pages into
    #[arg(value_name = "DIR", default_value = "man")]
    pub dir: PathBuf,
    /// Replace pages that exist (never through a symbolic link)
    #[arg(long)]
    pub force: bool,
}
