//! `order` and `renew` (ACME, SPEC §13): clap types only.

use std::path::PathBuf;

use clap::Args;

use super::PassphraseArgs;

pub const ORDER_EXAMPLES: &str = "\
The record's stored CSR is sent as it is (its private key is never read); the
issued chain is stored like `csrkit import` stores one. The ACME account is
created on first use (--agree-tos) and kept in the keystore, its key
encrypted with the passphrase options (or not, with --no-passphrase).

EXAMPLES:
  csrkit generate web --cn web.example.com --dns web.example.com
  csrkit order web --acme letsencrypt --agree-tos --email ops@example.com --http-port 80
  csrkit order web --acme https://ca.internal/acme/directory --webroot /var/www/html
  csrkit order wild --acme letsencrypt --dns-hook /usr/local/bin/lego-exec-dns.sh
  0 4 * * * csrkit renew --quiet";

pub const RENEW_EXAMPLES: &str = "\
A record is due when the CA's renewal information (RFC 9773) says so, else when
a third of its certificate's lifetime is left, or --within. Nothing due: exit 0.

EXAMPLES:
  csrkit renew                    # every ACME-issued record that is due
  csrkit renew web --force
  csrkit renew --dry-run --format json   # exit 10 when something is due";

// Where the CA is and which account to use (a plain comment: clap takes a
// doc comment on a flattened group for the command's about text).
#[derive(Debug, Clone, Args)]
pub struct AcmeServerArgs {
    /// ACME directory URL (https://), or letsencrypt / letsencrypt-staging
    #[arg(
        long,
        value_name = "URL",
        env = "CSRKIT_ACME_URL",
        help_heading = "ACME"
    )]
    pub acme: String,
    /// The ACME account's local name (one account per directory and name)
    #[arg(
        long,
        value_name = "NAME",
        env = "CSRKIT_ACME_ACCOUNT",
        default_value = "default",
        help_heading = "ACME"
    )]
    pub account: String,
    /// PEM file of roots to trust for the CA's own HTTPS [default: the system's]
    #[arg(
        long,
        value_name = "FILE",
        env = "CSRKIT_ACME_CA_FILE",
        help_heading = "ACME"
    )]
    pub acme_ca_file: Option<PathBuf>,
}

// How the names are validated (one of these; default --http-port 80).
#[derive(Debug, Clone, Args)]
pub struct AcmeChallengeArgs {
    /// http-01: answer on this port with csrkit's own responder (up only during the order)
    #[arg(long, value_name = "PORT", env = "CSRKIT_ACME_HTTP_PORT", conflicts_with_all = ["webroot", "dns_hook"], help_heading = "Challenge")]
    pub http_port: Option<u16>,
    /// http-01 responder address [default: all]
    #[arg(long, value_name = "ADDR", env = "CSRKIT_ACME_HTTP_ADDRESS", conflicts_with_all = ["webroot", "dns_hook"], help_heading = "Challenge")]
    pub http_address: Option<String>,
    /// http-01: write the response under DIR/.well-known/acme-challenge/ (removed afterwards)
    #[arg(
        long,
        value_name = "DIR",
        env = "CSRKIT_ACME_WEBROOT",
        conflicts_with = "dns_hook",
        help_heading = "Challenge"
    )]
    pub webroot: Option<PathBuf>,
    /// dns-01: run CMD present|cleanup FQDN VALUE (lego's exec order; cleanup always runs)
    #[arg(
        long,
        value_name = "CMD",
        env = "CSRKIT_ACME_DNS_HOOK",
        // A command line may carry a token: never shown in --help.
        hide_env_values = true,
        help_heading = "Challenge"
    )]
    pub dns_hook: Option<String>,
}

#[derive(Debug, Args)]
pub struct OrderArgs {
    /// Record name or id
    #[arg(value_name = "NAME|ID")]
    pub target: String,
    #[command(flatten)]
    pub server: AcmeServerArgs,
    /// Agree to the CA's terms of service (needed to create the account)
    #[arg(long, env = "CSRKIT_ACME_AGREE_TOS", value_parser = clap::builder::FalseyValueParser::new(), help_heading = "ACME")]
    pub agree_tos: bool,
    /// Contact address for a new account; repeatable
    #[arg(long, value_name = "ADDR", help_heading = "ACME")]
    pub email: Vec<String>,
    /// Certificate profile the CA lists (Let's Encrypt: classic, tlsserver, shortlived)
    #[arg(
        long,
        value_name = "NAME",
        env = "CSRKIT_ACME_PROFILE",
        help_heading = "ACME"
    )]
    pub profile: Option<String>,
    /// Store the chain whose topmost certificate's issuer has this common name, when the CA offers alternates [default: the CA's default chain]; renew keeps it
    #[arg(
        long,
        value_name = "ISSUER_CN",
        env = "CSRKIT_ACME_PREFERRED_CHAIN",
        help_heading = "ACME"
    )]
    pub preferred_chain: Option<String>,
    /// External account binding key id (the MAC key from --eab-hmac-key-file or --eab-hmac-key-env)
    #[arg(
        long,
        value_name = "KID",
        env = "CSRKIT_EAB_KID",
        help_heading = "ACME"
    )]
    pub eab_kid: Option<String>,
    /// File whose first line is the EAB MAC key (base64url)
    #[arg(
        long,
        value_name = "FILE",
        env = "CSRKIT_EAB_HMAC_KEY_FILE",
        requires = "eab_kid",
        help_heading = "ACME"
    )]
    pub eab_hmac_key_file: Option<PathBuf>,
    /// Environment variable holding the EAB MAC key (base64url)
    #[arg(
        long,
        value_name = "VAR",
        conflicts_with = "eab_hmac_key_file",
        requires = "eab_kid",
        help_heading = "ACME"
    )]
    pub eab_hmac_key_env: Option<String>,
    /// Give up after this many seconds (exit 13)
    #[arg(
        long,
        value_name = "SECS",
        env = "CSRKIT_ACME_TIMEOUT",
        default_value_t = 120,
        help_heading = "ACME"
    )]
    pub timeout: u64,
    /// Run CMD (sh -c) after the certificate is stored, with CSRKIT_RECORD, CSRKIT_CERT_FILE, CSRKIT_CHAIN_FILE, CSRKIT_KEY_FILE set; renew runs it too
    #[arg(
        long,
        value_name = "CMD",
        env = "CSRKIT_DEPLOY_HOOK",
        // A command line may carry a token: never shown in --help.
        hide_env_values = true,
        help_heading = "ACME"
    )]
    pub deploy_hook: Option<String>,
    #[command(flatten)]
    pub challenge: AcmeChallengeArgs,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

#[derive(Debug, Args)]
pub struct RenewArgs {
    /// Records to consider [default: every record with an ACME-issued certificate]
    #[arg(value_name = "NAME|ID")]
    pub targets: Vec<String>,
    /// Due when the certificate ends within this window (30d, 12h) [default: ARI, else a third of the lifetime]
    #[arg(long, value_name = "DURATION", conflicts_with = "force")]
    pub within: Option<String>,
    /// Renew now, due or not
    #[arg(long)]
    pub force: bool,
    /// Only say what is due (exit 10 when something is)
    #[arg(long)]
    pub dry_run: bool,
    /// Give each renewed certificate a new key (and CSR) of the record's key type, stored with the certificate in one revision; the old key goes to history
    #[arg(long)]
    pub new_key: bool,
    /// Give up on a record after this many seconds (exit 13)
    #[arg(
        long,
        value_name = "SECS",
        env = "CSRKIT_ACME_TIMEOUT",
        default_value_t = 120
    )]
    pub timeout: u64,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
    // With a vendor's format: how the key leaves in its body (arcgis, nsx).
    #[command(flatten)]
    pub key_out: super::ExportKeyArgs,
}

pub const REVOKE_EXAMPLES: &str = "\
The certificate is revoked with the ACME account that ordered it (the record
keeps which); the record is not changed.

EXAMPLES:
  csrkit revoke web --reason superseded
  csrkit revoke web --reason key-compromise";

/// `revoke --reason` (RFC 5280 §5.3.1 CRLReason codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RevokeReason {
    Unspecified,
    KeyCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
    PrivilegeWithdrawn,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// Record name or id
    #[arg(value_name = "NAME|ID")]
    pub target: String,
    /// Why (a CRLReason)
    #[arg(long, value_enum, value_name = "REASON")]
    pub reason: Option<RevokeReason>,
    /// Give up after this many seconds (exit 13)
    #[arg(
        long,
        value_name = "SECS",
        env = "CSRKIT_ACME_TIMEOUT",
        default_value_t = 120
    )]
    pub timeout: u64,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

pub const ACME_EXAMPLES: &str = "\
EXAMPLES:
  csrkit acme account --acme letsencrypt
  csrkit acme account --acme https://ca.internal/acme/directory --account team --format json
  csrkit acme rollover --acme letsencrypt      # a new account key (RFC 8555 §7.3.5)
  csrkit acme deactivate --acme letsencrypt --yes";

/// `csrkit acme ...`
#[derive(Debug, clap::Subcommand)]
pub enum AcmeCommand {
    /// Show the stored ACME account for a directory (no network traffic; the key is never shown)
    Account(AcmeAccountArgs),
    /// Replace the account's key with a new P-256 key at the CA (RFC 8555 §7.3.5); crash-safe
    Rollover(AcmeKeyArgs),
    /// Deactivate the account at the CA for good (RFC 8555 §7.3.6); the keystore keeps it marked as such
    Deactivate(AcmeDeactivateArgs),
}

#[derive(Debug, Args)]
pub struct AcmeAccountArgs {
    /// ACME directory URL (https://), or letsencrypt / letsencrypt-staging
    #[arg(long, value_name = "URL", env = "CSRKIT_ACME_URL")]
    pub acme: String,
    /// The ACME account's local name
    #[arg(
        long,
        value_name = "NAME",
        env = "CSRKIT_ACME_ACCOUNT",
        default_value = "default"
    )]
    pub account: String,
}

#[derive(Debug, Args)]
pub struct AcmeKeyArgs {
    #[command(flatten)]
    pub server: AcmeServerArgs,
    /// Give up after this many seconds (exit 13)
    #[arg(
        long,
        value_name = "SECS",
        env = "CSRKIT_ACME_TIMEOUT",
        default_value_t = 120
    )]
    pub timeout: u64,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

#[derive(Debug, Args)]
pub struct AcmeDeactivateArgs {
    #[command(flatten)]
    pub key: AcmeKeyArgs,
    /// Do not ask first (needed when csrkit cannot ask)
    #[arg(long, short = 'y')]
    pub yes: bool,
}
