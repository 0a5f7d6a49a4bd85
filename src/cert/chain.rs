//! The chain above a leaf (RFC 5280 §6.1): issuer by issuer from the
//! certificates given with it, the `--ca-file`s and the system trust store,
//! each link's signature checked with the next one's key, up to a
//! self-signed root or until no issuer is known.

use crate::mention;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{bundle, Cert};
use crate::error::{Error, Kind, Result};

/// Longest chain followed (leaf excluded); real chains have 1 to 4.
pub const MAX_DEPTH: usize = 16;

/// Where a candidate issuer came from: only certificates the user handed
/// over are held to "if it claims to issue, it must verify".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The imported file or a `--ca-file`.
    Given,
    /// The chain the record already holds: it helps to complete a chain
    /// but never excuses a given certificate that fails.
    Stored,
    /// The system trust store.
    System,
}

/// A leaf's chain as built.
#[derive(Debug, Default)]
pub struct Chain {
    /// Issuer first, up to the root when known; the leaf excluded.
    pub certs: Vec<Cert>,
    /// The chain ends at a self-signed certificate (or the leaf is one).
    pub complete: bool,
    /// The issuer that is needed and was not found (RFC 4514).
    pub missing: Option<String>,
}

/// Builds the chain of `leaf` from `pool`. Exit 9 when a given
/// certificate names itself the issuer and does not verify (unless
/// another given certificate does: what is stored or trusted never makes
/// a bogus given issuer acceptable), when the
/// chain loops or is longer than [`MAX_DEPTH`], or when the leaf claims to
/// be self-issued and its signature does not verify with its own key.
pub fn build(leaf: &Cert, pool: &[(Cert, Source)]) -> Result<Chain> {
    let mut chain = Chain::default();
    let mut seen: HashSet<String> = HashSet::from([leaf.fingerprint()]);
    let mut current = leaf;
    loop {
        if current.self_issued() && current.signed_by(current)? {
            chain.complete = true;
            break;
        }
        // Given certificates first: only another given one answers for a
        // given one that fails.
        let mut candidates: Vec<&(Cert, Source)> = pool
            .iter()
            .filter(|(c, _)| c.subject() == current.issuer())
            .collect();
        candidates.sort_by_key(|(_, s)| *s != Source::Given);
        let mut next = None;
        let mut lying = None;
        for (c, source) in &candidates {
            // A trust-store entry with an algorithm we cannot check is
            // just not this certificate's issuer.
            let verified = match source {
                Source::Given => current.signed_by(c)?,
                Source::Stored | Source::System => current.signed_by(c).unwrap_or(false),
            };
            if verified {
                if *source == Source::Given || lying.is_none() {
                    next = Some(c);
                }
                break;
            }
            if *source == Source::Given && lying.is_none() {
                lying = Some(c);
            }
        }
        let Some(next) = next else {
            if let Some(c) = lying {
                return Err(chain_err(format!(
                    "{} claims to have issued {} but the signature does not verify with its key",
                    c.subject(),
                    current.subject()
                )));
            }
            if current.self_issued() {
                return Err(chain_err(format!(
                    "{} names itself as its issuer but its signature does not verify with its own key",
                    current.subject()
                )));
            }
            chain.missing = Some(super::name_text(current.issuer()));
            break;
        };
        if !seen.insert(next.fingerprint()) {
            return Err(chain_err(format!(
                "the chain loops back to {}",
                next.subject()
            )));
        }
        if chain.certs.len() >= MAX_DEPTH {
            return Err(chain_err(format!(
                "the chain is longer than {MAX_DEPTH} certificates"
            )));
        }
        chain.certs.push(next.clone());
        current = chain.certs.last().expect("just pushed");
    }
    Ok(chain)
}

/// Warnings for the certificates of a chain outside their validity at
/// `now` (Unix seconds); names escaped for a terminal.
pub fn validity_warnings(certs: &[Cert], now: i64) -> Vec<String> {
    let mut notes = Vec::new();
    for c in certs {
        let (nb, na) = c.validity();
        if na < now {
            notes.push(format!(
                "warning: the chain's {} expired on {}",
                c.subject_text(),
                super::rfc3339(na)
            ));
        } else if nb > now {
            notes.push(format!(
                "warning: the chain's {} is not valid until {}",
                c.subject_text(),
                super::rfc3339(nb)
            ));
        }
    }
    notes
}

fn chain_err(message: String) -> Error {
    Error::new(Kind::Chain, message)
        .with_hint("give the CA's certificates in the order it issued them, or check that the file is the one the CA returned")
}

/// The system trust store: `SSL_CERT_FILE`, else the first of the usual
/// bundle files that exists (Debian/Ubuntu, Fedora/RHEL, Alpine, macOS
/// Homebrew, FreeBSD). Unreadable or malformed entries are skipped: the
/// store only helps complete a chain.
pub fn system_store() -> Vec<Cert> {
    let env = std::env::var_os("SSL_CERT_FILE").map(PathBuf::from);
    let candidates = env.into_iter().chain(
        [
            "/etc/ssl/certs/ca-certificates.crt",
            "/etc/pki/tls/certs/ca-bundle.crt",
            "/etc/ssl/cert.pem",
            "/usr/local/etc/openssl/cert.pem",
            "/usr/local/share/certs/ca-root-nss.crt",
        ]
        .iter()
        .map(PathBuf::from),
    );
    for path in candidates {
        if let Some(certs) = read_store(&path) {
            return certs;
        }
    }
    Vec::new()
}

fn read_store(path: &Path) -> Option<Vec<Cert>> {
    let data = std::fs::read(path).ok()?;
    let blocks = pem::parse_many(&data).ok()?;
    Some(
        blocks
            .into_iter()
            .filter(|b| b.tag() == "CERTIFICATE")
            .filter_map(|b| Cert::from_der(b.into_contents()).ok())
            .collect(),
    )
}

/// Reads `--ca-file`s (any form [`bundle::decode`] reads).
pub fn read_ca_files(
    files: &[PathBuf],
    read: impl Fn(&Path) -> Result<Vec<u8>>,
) -> Result<Vec<Cert>> {
    let mut out = Vec::new();
    for f in files {
        let data = read(f)?;
        out.extend(bundle::decode(
            &data,
            &format!(concat!(mention!(ca_file), " {}"), f.display()),
        )?);
    }
    Ok(out)
}
