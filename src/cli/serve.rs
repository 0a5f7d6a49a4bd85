//! `csrkit serve`'s arguments (clap only).

use std::path::PathBuf;

use clap::Args;

use super::PassphraseArgs;

/// A vendor API `serve` answers (`--vendor`; values from the vendor list).
pub use crate::vendors::Vendor as VendorArg;

pub const SERVE_EXAMPLES: &str = "\
EXAMPLES:
  # All vendors on free loopback ports; the ready line (JSON) names each URL and the CA file
  csrkit serve --password-file pass.txt --no-passphrase
  csrkit serve --vendor nsx --listen 127.0.0.1:8443 --password-file pass.txt
  # Then: REQUESTS_CA_BUNDLE=<ca_file> SSL_CERT_FILE=<ca_file> NODE_EXTRA_CA_CERTS=<ca_file> your-tests";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// A vendor API to serve, each on its own port (repeat for more) [default: every one this build serves]
    #[arg(long = "vendor", value_enum, value_name = "VENDOR")]
    pub vendors: Vec<VendorArg>,
    /// Address of the first listener; port 0 gives each a free port, port P gives P, P+1, ... (arcgis, qradar, sbc, nsx, xclarity)
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:0")]
    pub listen: String,
    /// Allow a --listen address that is not loopback (needs --password-file)
    #[arg(long)]
    pub allow_remote: bool,
    /// The user every vendor's auth flow takes
    #[arg(long, value_name = "NAME", default_value = "admin")]
    pub user: String,
    /// Read the password from the first line of FILE [default: a new one, printed once in the ready line]
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Where the CA certificate (ca.pem) is written [default: serve-tls/ in the keystore directory]
    #[arg(long, value_name = "DIR")]
    pub tls_dir: Option<PathBuf>,
    /// How long sessions and tokens last, in seconds (1 to 604800): NSX and XClarity sessions, the SBC token (and with it the configuration lock it holds), QRadar's SEC cookie [default: NSX, XClarity, QRadar 1800; SBC 600]
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u32).range(1..=604_800))]
    pub session_lifetime: Option<u32>,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}
