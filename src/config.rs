//! The user's defaults for new requests: `$XDG_CONFIG_HOME/csrkit/config.toml`
//! (else `~/.config/csrkit/config.toml`, or the file `CSRKIT_CONFIG`
//! names). Like the `_default` values of `openssl.cnf`'s
//! `[req_distinguished_name]`, it holds what would otherwise be typed for
//! every request: subject fields (country, state, locality, organization,
//! organizational unit), key type and size or curve, and purpose.
//!
//! ```toml
//! organization = "Example GmbH"
//! organizational_unit = "IT"      # or a list: ["IT", "Web"]
//! country = "DE"
//! key_type = "ec"
//! curve = "P-384"
//! purpose = "server"
//! ```
//!
//! The defaults lie under everything else ([`Config::under`]): a
//! `--request` file and flags override them, `--subject` replaces the
//! subject fields, and any key or usage option replaces the key or usage
//! defaults as a whole. They apply to `generate` (one record or a batch
//! line), never to `regenerate`, which starts from the stored request.
//! This room reads and checks the file and renders `csrkit config`; it
//! writes nothing.

use crate::field::Field;
use crate::mention;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::json;

use crate::error::{Error, Result};
use crate::request::{self, Attr, RequestInput};

/// One value or a list (`organizational_unit`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// The file's keys: exactly these (an unknown key is an error, so a typo
/// does not pass silently).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    country: Option<String>,
    state: Option<String>,
    locality: Option<String>,
    organization: Option<String>,
    organizational_unit: Option<OneOrMany>,
    key_type: Option<String>,
    key_size: Option<u32>,
    curve: Option<String>,
    purpose: Option<String>,
}

/// The defaults in effect, and where they came from.
#[derive(Debug, Default, Clone)]
pub struct Config {
    /// The config file csrkit looks at (`None` with no home directory).
    pub path: Option<PathBuf>,
    /// Whether that file exists (and was read).
    pub found: bool,
    /// The defaults as a request layer (only subject, key and purpose
    /// fields are ever set).
    pub defaults: RequestInput,
}

/// Where the config file is: `CSRKIT_CONFIG`, else
/// `$XDG_CONFIG_HOME/csrkit/config.toml` (an absolute `XDG_CONFIG_HOME`),
/// else `~/.config/csrkit/config.toml`; `None` without a home directory.
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CSRKIT_CONFIG").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    if let Some(x) = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
    {
        return Some(x.join("csrkit/config.toml"));
    }
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::home_dir().filter(|p| p.is_absolute()))
        .map(|h| h.join(".config/csrkit/config.toml"))
}

/// The largest config file read: a few lines of TOML, bounded like a
/// passphrase file (`/dev/zero` is not a config file).
pub const MAX_CONFIG: u64 = 64 << 10;

/// Reads the config file. A missing file at the default place means no
/// defaults; a file named by `CSRKIT_CONFIG` that does not exist, one
/// that is not a regular file (a FIFO, a device, a directory), is larger
/// than [`MAX_CONFIG`], cannot be read, is not TOML, has an unknown key or
/// a value csrkit would refuse is exit 2 naming the file (and the key).
pub fn load() -> Result<Config> {
    let Some(path) = path() else {
        return Ok(Config::default());
    };
    let named = std::env::var_os("CSRKIT_CONFIG").is_some_and(|v| !v.is_empty());
    let text = match read_trusted(&path) {
        Ok(t) => t,
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound && !named => {
            return Ok(Config {
                path: Some(path),
                ..Config::default()
            })
        }
        Err(ReadError::Refused(e)) => return Err(e),
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::invalid_as(
                "CSRKIT_CONFIG",
                format!("the config file {} does not exist", path.display()),
            )
            .with_hint(
                "fix the path in CSRKIT_CONFIG, or unset it to use the default config file",
            ))
        }
        Err(ReadError::Io(e)) => {
            return Err(Error::invalid_as(
                "config",
                format!("cannot read {}: {e}", path.display()),
            ))
        }
    };
    let defaults = parse(&text, &path)?;
    Ok(Config {
        path: Some(path),
        found: true,
        defaults,
    })
}

enum ReadError {
    Io(std::io::Error),
    Refused(Error),
}

/// Reads the config file, refusing (exit 2) one that is not a regular
/// file, is larger than 64 KiB, belongs to another user (root's is
/// accepted), or that group or others can write: its defaults go into
/// every CSR, as ssh refuses such a `~/.ssh/config`.
fn read_trusted(path: &Path) -> std::result::Result<String, ReadError> {
    use std::io::Read;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let refuse = |msg: String, hint: String| {
        ReadError::Refused(
            Error::invalid_as("config", format!("{}: {msg}", path.display())).with_hint(hint),
        )
    };
    let f = std::fs::OpenOptions::new()
        .read(true)
        // A FIFO must not hang the command: opened without blocking, and
        // refused below as not a regular file.
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(ReadError::Io)?;
    let md = f.metadata().map_err(ReadError::Io)?;
    // `CSRKIT_CONFIG=/dev/null`: no defaults, as `GIT_CONFIG=/dev/null`.
    if std::os::unix::fs::FileTypeExt::is_char_device(&md.file_type())
        && md.rdev() == libc::makedev(1, 3)
    {
        return Ok(String::new());
    }
    if !md.is_file() {
        return Err(refuse(
            "is not a regular file; refusing to read it".into(),
            "point CSRKIT_CONFIG at a config.toml file".into(),
        ));
    }
    let euid = unsafe { libc::geteuid() };
    if md.uid() != euid && md.uid() != 0 {
        return Err(refuse(
            format!(
                "belongs to another user (uid {}); refusing to use it",
                md.uid()
            ),
            format!(
                "use a config file of your own, or have its owner run: chown {euid} {}",
                path.display()
            ),
        ));
    }
    if md.mode() & 0o022 != 0 {
        return Err(refuse(
            "is writable by group or others; refusing to use it".into(),
            format!("run: chmod go-w {}", path.display()),
        ));
    }
    let too_big = || {
        refuse(
            "is larger than 64 KiB; refusing to read it".into(),
            "a config file holds a few lines of defaults: check CSRKIT_CONFIG".into(),
        )
    };
    // Its size first (no read at all), then the read itself, bounded (a
    // file under /proc says 0 and holds more).
    if md.len() > MAX_CONFIG {
        return Err(too_big());
    }
    let mut buf = Vec::new();
    f.take(MAX_CONFIG + 1)
        .read_to_end(&mut buf)
        .map_err(ReadError::Io)?;
    if buf.len() as u64 > MAX_CONFIG {
        return Err(too_big());
    }
    String::from_utf8(buf).map_err(|_| {
        refuse(
            "is not UTF-8 text".into(),
            "save it as UTF-8 (TOML files are UTF-8)".into(),
        )
    })
}

/// Parses and checks a config file's text (`path` for messages).
pub fn parse(text: &str, path: &Path) -> Result<RequestInput> {
    let bad = |key: &str, msg: String| {
        Error::invalid_as("config", format!("{}: {key}: {msg}", path.display()))
            .with_hint("fix or remove the key; csrkit config shows what is in effect")
    };
    let file: File = toml::from_str(text).map_err(|e| {
        let msg = e.message().to_string();
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        let at = line.map(|l| format!("line {l}: ")).unwrap_or_default();
        Error::invalid_as("config", format!("{}: {at}{msg}", path.display())).with_hint(
            "keys: country, state, locality, organization, organizational_unit, key_type, \
             key_size, curve, purpose",
        )
    })?;
    let check = |field: Field, attr: Attr, v: Option<String>| -> Result<Option<String>> {
        let key = field.key();
        match v {
            Some(v) => {
                request::check_edges(field, &v).map_err(|e| bad(key, e.detail()))?;
                request::validate_value(attr, &v)
                    .map(Some)
                    .map_err(|e| bad(key, e.detail()))
            }
            None => Ok(None),
        }
    };
    let ou = match file.organizational_unit {
        None => None,
        Some(OneOrMany::One(v)) => Some(vec![v]),
        Some(OneOrMany::Many(v)) => Some(v),
    };
    let ou = match ou {
        Some(list) => Some(
            list.into_iter()
                .map(|v| check(Field::OrganizationalUnit, Attr::OU, Some(v)).map(Option::unwrap))
                .collect::<Result<Vec<_>>>()?,
        ),
        None => None,
    };
    let input = RequestInput {
        country: check(Field::Country, Attr::C, file.country)?,
        state: check(Field::State, Attr::ST, file.state)?,
        locality: check(Field::Locality, Attr::L, file.locality)?,
        organization: check(Field::Organization, Attr::O, file.organization)?,
        organizational_unit: ou,
        key_type: file.key_type,
        key_size: file.key_size,
        curve: file.curve,
        purpose: file.purpose,
        ..RequestInput::default()
    };
    // Key and purpose values are checked as a request would check them.
    let mut probe = input.clone();
    probe.common_name = Some("config.example".into());
    probe.resolve(None, false).map_err(|e| {
        let key = match e.field {
            Some(f @ (Field::KeyType | Field::KeySize | Field::Curve | Field::Purpose)) => f.key(),
            _ => "key",
        };
        bad(key, e.detail())
    })?;
    Ok(input)
}

impl Config {
    /// `input` (request file and flags, already layered) over the
    /// defaults: a whole `--subject` drops the subject defaults, any key
    /// option (`--key-type`, `--key-size`, `--curve`) the key defaults, and
    /// any of `--purpose`, `--key-usage`, `--extended-key-usage` the
    /// purpose default.
    pub fn under(&self, input: RequestInput) -> RequestInput {
        let mut base = self.defaults.clone();
        if input.has_key_fields() {
            base.key_type = None;
            base.key_size = None;
            base.curve = None;
        }
        if input.purpose.is_some()
            || input.key_usage.is_some()
            || input.extended_key_usage.is_some()
        {
            base.purpose = None;
        }
        base.overlay(input)
    }

    /// The defaults as (key, value) pairs, in the file's terms.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        let d = &self.defaults;
        let mut out = Vec::new();
        let mut put = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                out.push((k, v));
            }
        };
        put("country", d.country.clone());
        put("state", d.state.clone());
        put("locality", d.locality.clone());
        put("organization", d.organization.clone());
        put(
            "organizational_unit",
            d.organizational_unit.as_ref().map(|v| v.join(", ")),
        );
        put("key_type", d.key_type.clone());
        put("key_size", d.key_size.map(|v| v.to_string()));
        put("curve", d.curve.clone());
        put("purpose", d.purpose.clone());
        out
    }

    /// `csrkit config` as text: the file, the keystore (with where its
    /// location came from) and each default.
    pub fn render_text(&self, keystore: &str, keystore_from: &str) -> Vec<u8> {
        let mut s = String::new();
        let file = match &self.path {
            Some(p) if self.found => format!("{}", p.display()),
            Some(p) => format!("{} (not found: no defaults)", p.display()),
            None => "(none: no home directory)".into(),
        };
        s.push_str(&format!("{:<23}{file}\n", "Config file:"));
        s.push_str(&format!(
            "{:<23}{keystore} ({keystore_from})\n",
            "Keystore:"
        ));
        let entries = self.entries();
        if entries.is_empty() {
            s.push_str("Defaults:              (none)\n");
        } else {
            s.push_str(concat!(
                "Defaults:              (flags and ",
                mention!(request),
                " files override them)\n"
            ));
            for (k, v) in entries {
                // At least one space after the longest key
                // (`organizational_unit:`).
                s.push_str(&format!("  {:<21}{v}\n", format!("{k}:")));
            }
        }
        s.into_bytes()
    }

    /// `csrkit config --format json`.
    pub fn render_json(&self, keystore: &str, keystore_from: &str) -> serde_json::Value {
        let defaults: serde_json::Map<String, serde_json::Value> = self
            .entries()
            .into_iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        json!({
            "config_file": self.path,
            "config_found": self.found,
            "keystore": keystore,
            "keystore_from": keystore_from,
            "defaults": defaults,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_checks() {
        let p = Path::new("c.toml");
        let i = parse(
            "country = \"de\"\norganizational_unit = [\"A\", \"B\"]\n",
            p,
        )
        .unwrap();
        assert_eq!(i.country.as_deref(), Some("DE"));
        assert_eq!(i.organizational_unit.unwrap().len(), 2);
        assert!(parse("country = \"Germany\"\n", p)
            .unwrap_err()
            .message
            .contains("country"));
        assert!(parse("organisation = \"x\"\n", p).is_err());
        assert!(parse("key_type = \"dsa\"\n", p).is_err());
        assert!(parse("organization = \"x \"\n", p).is_err());
    }

    #[test]
    fn flags_replace_key_defaults_whole() {
        let c = Config {
            defaults: parse("key_type = \"ec\"\ncurve = \"P-384\"\n", Path::new("c")).unwrap(),
            ..Config::default()
        };
        let top = RequestInput {
            key_type: Some("rsa".into()),
            ..RequestInput::default()
        };
        let merged = c.under(top);
        assert_eq!(merged.key_type.as_deref(), Some("rsa"));
        assert!(merged.curve.is_none());
    }
}
