//! `generate` and `regenerate` arguments: the request's fields (subject,
//! SANs, key, extensions, CSR attributes), the request file and batch
//! options, and the passphrase sources. Clap types only.

use std::path::PathBuf;

use clap::Args;

pub(super) const GENERATE_EXAMPLES: &str = "\
EXAMPLES:
  # Web server, RSA-2048, passphrase from a file
  csrkit generate --cn www.example.com --org 'Example Ltd' --country GB \\
      --dns www.example.com --dns example.com --purpose server --passphrase-file ~/.csrkit-pass

  # EC P-384 client certificate, full DN in one flag, no passphrase
  csrkit generate api-client --subject 'CN=api,OU=Payments,O=Example,C=DE' \\
      --key-type ec --curve P-384 --purpose client --no-passphrase

  # From a vendor request body (NSX TlsCsr, QRadar CSRModel, ...)
  csrkit generate edge --request tlscsr.json --format nsx

  # Many at once: JSON Lines, one request per line, in parallel
  csrkit generate --batch requests.jsonl --jobs 4 --no-passphrase";

pub(super) const REGENERATE_EXAMPLES: &str = "\
EXAMPLES:
  # Same key, one more SAN (SANs given replace the stored ones)
  csrkit regenerate www.example.com --dns www.example.com --dns example.com
  # New key and a new organization
  csrkit regenerate www.example.com --new-key --key-type ec --org 'New Org'";

#[derive(Debug, Clone, Default, Args)]
pub struct SubjectArgs {
    /// Common name (CN)
    #[arg(
        long = "common-name",
        visible_alias = "cn",
        value_name = "CN",
        help_heading = "Subject"
    )]
    pub common_name: Option<String>,
    /// Country (C): ISO 3166 two-letter code
    #[arg(long, value_name = "CC", help_heading = "Subject")]
    pub country: Option<String>,
    /// State or province (ST)
    #[arg(long, help_heading = "Subject")]
    pub state: Option<String>,
    /// Locality or city (L)
    #[arg(long, help_heading = "Subject")]
    pub locality: Option<String>,
    /// Organization (O)
    #[arg(long, visible_alias = "org", help_heading = "Subject")]
    pub organization: Option<String>,
    /// Organizational unit (OU); repeatable, kept in order
    #[arg(
        long = "organizational-unit",
        visible_alias = "ou",
        value_name = "OU",
        help_heading = "Subject"
    )]
    pub organizational_unit: Vec<String>,
    /// Street address
    #[arg(long, help_heading = "Subject")]
    pub street_address: Option<String>,
    /// Domain component (DC); repeatable, kept in order
    #[arg(
        long = "domain-component",
        visible_alias = "dc",
        value_name = "DC",
        help_heading = "Subject"
    )]
    pub domain_component: Vec<String>,
    /// User id (UID)
    #[arg(
        long = "user-id",
        visible_alias = "uid",
        value_name = "UID",
        help_heading = "Subject"
    )]
    pub user_id: Option<String>,
    /// Email address attribute in the subject (prefer --email for a SAN)
    #[arg(long, value_name = "EMAIL", help_heading = "Subject")]
    pub email_address: Option<String>,
    /// Whole subject: RFC 4514 (CN=a,O=b; ';' also separates RDNs) or OpenSSL form (/C=DE/O=b/CN=a); '+' joins multi-valued RDNs; types by name (organizationIdentifier, jurisdictionC, ...) or dotted OID; RFC 4514 values may be #DER-HEX or "quoted"
    #[arg(long, value_name = "DN", help_heading = "Subject", conflicts_with_all = [
        "common_name", "country", "state", "locality", "organization", "organizational_unit",
        "street_address", "domain_component", "user_id", "email_address"])]
    pub subject: Option<String>,
}

#[derive(Debug, Clone, Default, Args)]
pub struct SanArgs {
    /// DNS name SAN; repeatable, comma-separable
    #[arg(long, value_name = "NAME", help_heading = "Subject alternative names")]
    pub dns: Vec<String>,
    /// IP address SAN (IPv4 or IPv6); repeatable, comma-separable
    #[arg(long, value_name = "ADDR", help_heading = "Subject alternative names")]
    pub ip: Vec<String>,
    /// Email SAN; repeatable, comma-separable
    #[arg(long, value_name = "ADDR", help_heading = "Subject alternative names")]
    pub email: Vec<String>,
    /// URI SAN (absolute URI); repeatable, comma-separable
    #[arg(long, value_name = "URI", help_heading = "Subject alternative names")]
    pub uri: Vec<String>,
    /// SAN as TYPE:VALUE with TYPE dns, ip, email or uri; repeatable
    #[arg(
        long,
        value_name = "TYPE:VALUE",
        help_heading = "Subject alternative names"
    )]
    pub san: Vec<String>,
    /// Do not add the CN as a SAN when no SAN is given
    #[arg(long, help_heading = "Subject alternative names")]
    pub no_default_san: bool,
}

#[derive(Debug, Clone, Default, Args)]
pub struct KeyArgs {
    /// Key type: rsa, ec (ecdsa) or ed25519 [default: rsa]
    #[arg(
        long,
        visible_alias = "algorithm",
        value_name = "TYPE",
        help_heading = "Key"
    )]
    pub key_type: Option<String>,
    /// RSA: 2048, 3072, 4096 [default: 2048]; EC: 256, 384, 521
    #[arg(long, value_name = "BITS", help_heading = "Key")]
    pub key_size: Option<u32>,
    /// EC curve: P-256, P-384 or P-521 [default: P-256]
    #[arg(long, value_name = "CURVE", help_heading = "Key")]
    pub curve: Option<String>,
}

#[derive(Debug, Clone, Default, Args)]
pub struct ExtArgs {
    /// Signature digest: sha256, sha384 or sha512 [default: fits the key]
    #[arg(long, value_name = "DIGEST", help_heading = "Extensions")]
    pub digest: Option<String>,
    /// server, client, server-client or signing-encryption (sets key usages)
    #[arg(long, value_name = "PURPOSE", help_heading = "Extensions")]
    pub purpose: Option<String>,
    /// Key usages, comma-separated (digitalSignature,keyEncipherment,...)
    #[arg(long, value_name = "LIST", help_heading = "Extensions")]
    pub key_usage: Vec<String>,
    /// Extended key usages, comma-separated (serverAuth,clientAuth,... or OIDs)
    #[arg(
        long,
        visible_alias = "eku",
        value_name = "LIST",
        help_heading = "Extensions"
    )]
    pub extended_key_usage: Vec<String>,
    /// Request a CA certificate (basicConstraints CA:TRUE)
    #[arg(long, help_heading = "Extensions")]
    pub ca: bool,
    /// Path length constraint for --ca
    #[arg(long, value_name = "N", requires = "ca", help_heading = "Extensions")]
    pub path_len: Option<u8>,
    /// Ask for OCSP stapling: the TLS Feature extension status_request (RFC 7633)
    #[arg(long, help_heading = "Extensions")]
    pub must_staple: bool,
    /// Any other extension, as the hex of its DER value (like openssl req -addext); repeatable; '' clears
    #[arg(
        long,
        value_name = "OID[:critical]:DER-HEX",
        help_heading = "Extensions"
    )]
    pub extension: Vec<String>,
    /// The PKCS#9 unstructuredName CSR attribute; '' clears
    #[arg(long, value_name = "TEXT", help_heading = "CSR attributes")]
    pub unstructured_name: Option<String>,
    /// Description stored with the record
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
}

/// `--request-format`: its values built from the vendor list (`values`).
pub use crate::formats::request::RequestFormat;

#[derive(Debug, Clone, Default, Args)]
pub struct RequestFileArgs {
    /// Read a request body (QRadar, NSX, XClarity, ArcGIS, SBC or native JSON) from FILE or - (stdin); flags override its fields
    #[arg(long, value_name = "FILE|-")]
    pub request: Option<String>,
    /// Force the request body's format instead of detecting it
    #[arg(long, value_name = "FMT", value_enum, requires = "request")]
    pub request_format: Option<RequestFormat>,
}

#[derive(Debug, Clone, Default, Args)]
pub struct PassphraseArgs {
    /// Read the passphrase from the first line of FILE [default: $CSRKIT_PASSPHRASE_FILE when no passphrase option is given]
    #[arg(long, value_name = "FILE", help_heading = "Passphrase")]
    pub passphrase_file: Option<PathBuf>,
    /// Read the passphrase from the environment variable VAR. With no passphrase option, $CSRKIT_PASSPHRASE is used, else csrkit asks at a terminal
    #[arg(long, value_name = "VAR", help_heading = "Passphrase")]
    pub passphrase_env: Option<String>,
    /// No passphrase: a new private key is stored unencrypted (still mode 0600), and a stored key made that way is opened without asking [default: $CSRKIT_NO_PASSPHRASE when no passphrase option is given]
    #[arg(long, conflicts_with_all = ["passphrase_file", "passphrase_env"], help_heading = "Passphrase")]
    pub no_passphrase: bool,
}

// Where the PKCS#9 challengePassword comes from: never the command line
// itself, and never a request body. Records do not keep it. (A plain
// comment: clap would take a doc comment on a flattened group for the
// about text of every command that flattens it.)
#[derive(Debug, Clone, Default, Args)]
pub struct ChallengeArgs {
    /// Put a challengePassword in the CSR, read from the first line of FILE (not stored in the record)
    #[arg(long, value_name = "FILE", help_heading = "CSR attributes")]
    pub challenge_password_file: Option<PathBuf>,
    /// Put a challengePassword in the CSR, read from the environment variable VAR
    #[arg(
        long,
        value_name = "VAR",
        conflicts_with = "challenge_password_file",
        help_heading = "CSR attributes"
    )]
    pub challenge_password_env: Option<String>,
    /// Put a challengePassword in the CSR, asked (hidden, twice) at a terminal
    #[arg(long, conflicts_with_all = ["challenge_password_file", "challenge_password_env"], help_heading = "CSR attributes")]
    pub challenge_password_prompt: bool,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Record name [default: derived from the CN]
    #[arg(value_name = "NAME", conflicts_with = "batch")]
    pub name: Option<String>,
    #[command(flatten)]
    pub subject: SubjectArgs,
    #[command(flatten)]
    pub sans: SanArgs,
    #[command(flatten)]
    pub key: KeyArgs,
    #[command(flatten)]
    pub ext: ExtArgs,
    #[command(flatten)]
    pub challenge: ChallengeArgs,
    #[command(flatten)]
    pub request: RequestFileArgs,
    /// JSON Lines, one request per line (any accepted shape plus "name"), from FILE or -
    #[arg(
        long,
        value_name = "FILE|-",
        conflicts_with = "request",
        help_heading = "Batch"
    )]
    pub batch: Option<String>,
    /// Parallel jobs for --batch [default: all cores]
    #[arg(
        long,
        short = 'j',
        value_name = "N",
        env = "CSRKIT_JOBS",
        help_heading = "Batch"
    )]
    pub jobs: Option<usize>,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
    /// If record NAME exists with exactly this request, print it and exit 0 (nothing is written)
    #[arg(long, conflicts_with = "batch")]
    pub exist_ok: bool,
}

#[derive(Debug, Args)]
pub struct RegenerateArgs {
    /// Record name or id
    #[arg(value_name = "NAME|ID")]
    pub target: String,
    /// Generate a new key instead of reusing the stored one
    #[arg(long)]
    pub new_key: bool,
    #[command(flatten)]
    pub subject: SubjectArgs,
    #[command(flatten)]
    pub sans: SanArgs,
    #[command(flatten)]
    pub key: KeyArgs,
    #[command(flatten)]
    pub ext: ExtArgs,
    #[command(flatten)]
    pub challenge: ChallengeArgs,
    #[command(flatten)]
    pub request: RequestFileArgs,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}
