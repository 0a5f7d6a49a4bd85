//! The input fields an error or a hint can name, typed.
//!
//! Domain code (requests, keys, the keystore, the vendors' bodies, ACME)
//! names the input it refuses with a [`Field`], never with the spelling of
//! one front end: the CLI writes `--common-name`, csrkit's JSON and the
//! config file write `common_name`, a vendor body writes the vendor's own
//! field. Each front end names fields at its edge (`cli::field` for the
//! command line; `Field::key` for JSON, the config file and `serve`).
//!
//! A message or hint that mentions a field in running text writes
//! [`Field::mention`] (`format!("drop {}", Field::Curve.mention())`); the
//! mention is a placeholder that [`render`] replaces with the edge's name
//! for the field. Placeholders are the control characters U+0001 and
//! U+0002 around the field's key: `Error` keeps them (and escapes every
//! other control character, so input cannot forge anything but a field
//! name), and an edge renders every message it shows.

use std::fmt;

macro_rules! fields {
    ($($(#[$doc:meta])* $variant:ident = $key:literal,)*) => {
        /// An input field, named at the edge (module docs).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Field {
            $($(#[$doc])* $variant,)*
        }

        impl Field {
            /// Every field, in declaration order.
            pub const ALL: &'static [Field] = &[$(Field::$variant,)*];

            /// The field's key, snake_case: how csrkit's JSON, the config
            /// file and `serve` name it (`common_name`, `key_size`).
            pub fn key(self) -> &'static str {
                match self {
                    $(Field::$variant => $key,)*
                }
            }

            /// The field whose key is `key`.
            pub fn from_key(key: &str) -> Option<Field> {
                match key {
                    $($key => Some(Field::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

/// A field mentioned in a literal message or hint, by its key, as a
/// literal: `concat!("use ", mention!(key_size), " 2048")` (the literal
/// form of [`Field::mention`], for `format!` strings and constants). A
/// test checks every key given to it.
#[macro_export]
macro_rules! mention {
    ($key:ident) => {
        concat!("\u{1}", stringify!($key), "\u{2}")
    };
}

fields! {
    // The subject (RFC 5280 §4.1.2.4), attribute by attribute, and whole.
    CommonName = "common_name",
    Country = "country",
    State = "state",
    Locality = "locality",
    Organization = "organization",
    OrganizationalUnit = "organizational_unit",
    StreetAddress = "street_address",
    DomainComponent = "domain_component",
    UserId = "user_id",
    EmailAddress = "email_address",
    UnstructuredName = "unstructured_name",
    ChallengePassword = "challenge_password",
    ChallengePasswordPrompt = "challenge_password_prompt",
    ChallengePasswordFile = "challenge_password_file",
    ChallengePasswordEnv = "challenge_password_env",
    /// A whole distinguished name (`CN=...,O=...`).
    Subject = "subject",
    // subjectAltName (RFC 5280 §4.2.1.6).
    Dns = "dns",
    Ip = "ip",
    Email = "email",
    Uri = "uri",
    /// A typed SAN (`dns:...`, `ip:...`).
    San = "san",
    // The key and the signature.
    KeyType = "key_type",
    KeySize = "key_size",
    Curve = "curve",
    Digest = "digest",
    NewKey = "new_key",
    /// A private key file given to be stored.
    Key = "key",
    // Usages and other extensions (RFC 5280 §4.2.1.3, §4.2.1.9, §4.2.1.12).
    Purpose = "purpose",
    KeyUsage = "key_usage",
    ExtendedKeyUsage = "extended_key_usage",
    Ca = "ca",
    PathLen = "path_len",
    MustStaple = "must_staple",
    Extension = "extension",
    Days = "days",
    Description = "description",
    // Where input comes from and how output is shaped.
    /// A request file or body (csrkit's JSON or a vendor's body).
    Request = "request",
    RequestFormat = "request_format",
    /// A CSR or certificate file given to be read.
    File = "file",
    Format = "format",
    Batch = "batch",
    Jobs = "jobs",
    Output = "output",
    // The keystore and its records.
    Keystore = "keystore",
    LockTimeout = "lock_timeout",
    Record = "record",
    Force = "force",
    Yes = "yes",
    WithKey = "with_key",
    /// The record's revision a commit expected (a compare-and-swap).
    Revision = "revision",
    // Secrets.
    PassphraseFile = "passphrase_file",
    PassphraseEnv = "passphrase_env",
    NoPassphrase = "no_passphrase",
    NewPassphraseFile = "new_passphrase_file",
    NewPassphraseEnv = "new_passphrase_env",
    ExportPassphraseFile = "export_passphrase_file",
    ExportPassphraseEnv = "export_passphrase_env",
    NoExportPassphrase = "no_export_passphrase",
    KeyPassphraseFile = "key_passphrase_file",
    KeyPassphraseEnv = "key_passphrase_env",
    // Certificates and chains.
    CaFile = "ca_file",
    RequireChain = "require_chain",
    // ACME (RFC 8555) and serve.
    Acme = "acme",
    AcmeCaFile = "acme_ca_file",
    AgreeTos = "agree_tos",
    /// The name of a stored ACME account (`--account`).
    Account = "account",
    PreferredChain = "preferred_chain",
    DnsHook = "dns_hook",
    Webroot = "webroot",
    HttpPort = "http_port",
    HttpAddress = "http_address",
    EabKid = "eab_kid",
    EabHmacKeyFile = "eab_hmac_key_file",
    EabHmacKeyEnv = "eab_hmac_key_env",
    Within = "within",
    Listen = "listen",
    PasswordFile = "password_file",
}

/// Starts a mention in a message (see the module docs).
pub(crate) const OPEN: char = '\u{1}';
/// Ends a mention.
pub(crate) const CLOSE: char = '\u{2}';

impl Field {
    /// The field as running text mentions it, named at the edge:
    /// `format!("use {} 2048", Field::KeySize.mention())` reads
    /// `use --key-size 2048` on the command line.
    pub fn mention(self) -> Mention {
        Mention(self)
    }
}

/// A field mentioned in a message (see [`Field::mention`]).
#[derive(Debug, Clone, Copy)]
pub struct Mention(Field);

impl fmt::Display for Mention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{OPEN}{}{CLOSE}", self.0.key())
    }
}

/// The mention starting at `s` (which begins with [`OPEN`]): the field and
/// the mention's length in bytes.
pub(crate) fn mention_at(s: &str) -> Option<(Field, usize)> {
    let rest = s.strip_prefix(OPEN)?;
    let end = rest.find(CLOSE)?;
    let field = Field::from_key(&rest[..end])?;
    Some((field, OPEN.len_utf8() + end + CLOSE.len_utf8()))
}

/// `text` with every mention replaced by `name(field)`.
pub fn render(text: &str, name: &dyn Fn(Field) -> String) -> String {
    if !text.contains(OPEN) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match mention_at(rest) {
            Some((field, len)) => {
                out.push_str(&name(field));
                rest = &rest[len..];
            }
            None => {
                out.push_str("\\u{1}");
                rest = &rest[OPEN.len_utf8()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `text` with every field named by its key (csrkit's JSON, the config
/// file, `serve`).
pub fn render_keys(text: &str) -> String {
    render(text, &|f| f.key().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_round_trip() {
        for f in Field::ALL {
            assert_eq!(Field::from_key(f.key()), Some(*f));
        }
    }

    #[test]
    fn the_literal_mention_is_the_mention() {
        assert_eq!(mention!(key_size), format!("{}", Field::KeySize.mention()));
    }

    #[test]
    fn mentions_render_at_the_edge() {
        let s = format!("use {} 2048", Field::KeySize.mention());
        assert_eq!(render_keys(&s), "use key_size 2048");
        assert_eq!(
            render(&s, &|f| format!("--{}", f.key())),
            "use --key_size 2048"
        );
        assert_eq!(render_keys("a\u{1}nope\u{2}"), "a\\u{1}nope\u{2}");
    }
}
