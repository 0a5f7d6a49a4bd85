//! `csrkit export`: a record's certificate and chain, and its key when the
//! shape carries one, as PEM, DER, PKCS#7, PKCS#12 or the body of a
//! vendor's import call, to stdout or `-o FILE`.
//!
//! Order of checks, so that a refusal leaves nothing behind: the record
//! has a certificate (exit 3), the shape can hold the record (exit 2), `-o`
//! names a file in an existing directory (exit 3) and no existing file
//! unless `--force` (exit 2), the export passphrase
//! has a source (exit 2), the stored key opens (exit 6); only then is the
//! body built (a PKCS#12 is read back first) and written, 0600 from the
//! first byte, through a temporary file that is linked or renamed into
//! place ([`write_output`], shared with `download`). The keystore is only
//! read.

use crate::field::Field;
use zeroize::Zeroizing;

use super::common::{check_output, pass_opts, stored_key_passphrase, write_output, Ctx, Done};
use crate::cli::{self, FormatArg, P12Profile};
use crate::error::{Error, Kind, Result};
use crate::export::{self, KeyOut, Profile};
use crate::formats::{ExportView, KeyUse};
use crate::keys::{self, Passphrase};
use crate::keystore::{Record, RecordMeta};
use crate::prompt;

pub(super) fn export(ctx: &Ctx, a: &cli::ExportArgs) -> Result<Done> {
    let shape = ctx.shape();
    let rec = ctx.keystore.find(&a.target)?;
    // A renewing record exports the certificate still deployed, with the
    // key and request of the revision it was stored with.
    let live = match &rec.meta.live {
        Some(l) if rec.meta.certificate.is_none() => {
            Some(ctx.keystore.read_revision(&rec, l.revision)?)
        }
        _ => None,
    };
    let (meta, cert_pem, chain_pem) = match &live {
        Some(r) => (&r.meta, r.cert_pem.clone(), r.chain_pem.clone()),
        None => (&rec.meta, rec.cert_pem()?, rec.chain_pem()?),
    };
    let Some(cert_pem) = cert_pem else {
        return Err(no_certificate(&rec));
    };
    let (leaf, chain) = export::read_chain(&cert_pem, chain_pem.as_deref())?;
    let wants_key = match shape.export_key() {
        KeyUse::Always => true,
        KeyUse::OnRequest => a.with_key,
        KeyUse::Never if a.with_key => {
            return Err(Error::invalid(
                Field::WithKey,
                format!("the {} format carries no private key", shape.name()),
            )
            .with_hint("use --format pem --with-key, or --format pkcs12"));
        }
        KeyUse::Never => false,
    };
    shape.export_accepts(meta)?;
    if let Some(path) = &a.output {
        check_output(path, a.force)?;
    } else if binary(ctx.format) && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(Error::usage(format!(
            "refusing to write {} (binary) to a terminal",
            shape.name()
        ))
        .with_hint("use -o FILE or redirect stdout"));
    }
    let key = if wants_key {
        // The live certificate's key: the current one when regenerate
        // kept it (its passphrase is the current one), else the one
        // history keeps with that revision.
        let (key_meta, key_pem) = match &live {
            Some(r) if r.meta.spki_sha256 != rec.meta.spki_sha256 => (&r.meta, r.key_pem.clone()),
            _ => (&rec.meta, ctx.keystore.read_key_pem(&rec)?),
        };
        Some(open_key(ctx, a, key_meta, key_pem, &leaf)?)
    } else {
        None
    };
    let mut notes = Vec::new();
    if let Some(r) = &live {
        notes.push(format!(
            "record {} is renewing: this is its live certificate (revision {}), until the new CSR's certificate is imported",
            rec.meta.name, r.meta.revision
        ));
    }
    let view = ExportView {
        meta,
        leaf: &leaf,
        chain: &chain,
        key: key.as_ref(),
        profile: profile(a.key_out.p12_profile),
    };
    let body = Zeroizing::new(shape.export(&view, ctx.opts)?);
    let encrypted = key.as_ref().is_some_and(KeyOut::encrypted);
    drop(key);
    // A legacy profile is the user's choice for an old reader: said, not
    // refused.
    let weak = match a.key_out.p12_profile {
        P12Profile::Modern => None,
        P12Profile::Legacy3des => Some(
            "warning: --p12-profile legacy-3des protects the file with 3DES (a 64-bit block \
             cipher), a SHA-1 MAC and 2,048 KDF iterations: a guessed password costs an \
             attacker little; use the modern profile wherever the reader takes it",
        ),
        P12Profile::LegacyRc2 => Some(
            "warning: --p12-profile legacy-rc2 encrypts the certificates with 40-bit RC2 \
             (breakable by anyone) and the key with 3DES, with a SHA-1 MAC and 2,048 KDF \
             iterations; use it only for a reader that takes nothing else",
        ),
    }
    .map(String::from);
    notes.extend(weak);
    let Some(path) = &a.output else {
        return Ok(Done {
            notes,
            ..Done::out(body.to_vec())
        });
    };
    write_output(path, &body, 0o600, a.force)?;
    let what = match (wants_key, encrypted) {
        (true, true) => "with the key, encrypted",
        (true, false) => "with the key, unencrypted",
        _ => "no key",
    };
    // What the file holds: `der` is the leaf alone, whatever the chain.
    let certs = match chain.len() {
        0 => "1 certificate".to_string(),
        n if shape.export_chain() => format!("{} certificates", n + 1),
        n => format!(
            "1 certificate: the leaf, not the chain of {n} above it (--format pem or pkcs7 has it)"
        ),
    };
    notes.push(format!(
        "wrote {} ({}, {certs}, {what})",
        path.display(),
        shape.name(),
    ));
    Ok(Done {
        notes,
        ..Done::default()
    })
}

fn profile(p: P12Profile) -> Profile {
    match p {
        P12Profile::Modern => Profile::Modern,
        P12Profile::Legacy3des => Profile::Legacy3des,
        P12Profile::LegacyRc2 => Profile::LegacyRc2,
    }
}

/// Shapes whose body is binary.
pub(super) fn binary(f: FormatArg) -> bool {
    matches!(
        f,
        FormatArg::Der | FormatArg::Pkcs12 | FormatArg::Vendor(crate::vendors::Vendor::Arcgis)
    )
}

/// Exit 3: the record waits for its certificate.
fn no_certificate(rec: &Record) -> Error {
    Error::not_found(format!(
        "record {} has no certificate yet (its CSR is pending)",
        rec.meta.name
    ))
    .with_hint(format!(
        "import the CA's reply with `csrkit import FILE`, or issue a self-signed one with `csrkit self-sign {}`",
        rec.meta.name
    ))
}

/// The stored key, opened, with the export passphrase it leaves under.
fn open_key(
    ctx: &Ctx,
    a: &cli::ExportArgs,
    meta: &RecordMeta,
    key_pem: Zeroizing<String>,
    leaf: &crate::cert::Cert,
) -> Result<KeyOut> {
    let given = export_passphrase_given(ctx, &a.key_out)?;
    let pass = stored_key_passphrase(ctx, meta, &pass_opts(&a.passphrase)?)?;
    let pkcs8 = stored_pkcs8(&key_pem, pass.as_ref())?;
    // The key that leaves must be the record's (see check_opened_key).
    let key = keys::PrivateKey::from_pkcs8_der(Zeroizing::new(pkcs8.to_vec()))?;
    let leaf_spki = leaf.spki_id()?;
    let mut want = vec![leaf_spki.as_str()];
    if let Some(s) = meta.spki_sha256.as_deref() {
        want.push(s);
    }
    super::common::check_key_is(
        &meta.name,
        meta.encrypted,
        &want,
        &key_pem,
        &key,
        pass.is_some(),
    )?;
    drop(key);
    drop(key_pem);
    let export_pass = match given {
        _ if a.key_out.no_export_passphrase => None,
        Some(p) => Some(p),
        None => Some(prompt::passphrase(
            &format!("Export passphrase for {}", meta.name),
            true,
        )?),
    };
    KeyOut::new(pkcs8, export_pass, leaf)
}

/// The PKCS#8 DER of a key file; exit 6 when it does not decrypt.
fn stored_pkcs8(key_pem: &str, pass: Option<&Passphrase>) -> Result<Zeroizing<Vec<u8>>> {
    let parsed =
        pem::parse(key_pem).map_err(|e| Error::internal(format!("key.pem is not PEM: {e}")))?;
    let contents = Zeroizing::new(parsed.contents().to_vec());
    drop(parsed);
    match keys::pem_label(key_pem) {
        Some("ENCRYPTED PRIVATE KEY") => {
            let Some(p) = pass else {
                return Err(Error::new(
                    Kind::Passphrase,
                    "the private key is encrypted and no passphrase was given",
                ));
            };
            keys::decrypt_pkcs8(&contents, p)
        }
        Some("PRIVATE KEY") => Ok(contents),
        other => Err(Error::internal(format!(
            "key.pem has the unexpected label {:?}",
            other.unwrap_or("")
        ))),
    }
}

/// The export passphrase from its sources; a missing one is refused
/// (exit 2) before anything is asked or done, unless the key may leave
/// unencrypted or a prompt can ask for it (`None` then).
pub(super) fn export_passphrase_given(
    ctx: &Ctx,
    k: &cli::ExportKeyArgs,
) -> Result<Option<Passphrase>> {
    let given = export_passphrase_from_sources(k)?;
    if !k.no_export_passphrase && given.is_none() && !ctx.interactive {
        return Err(Error::usage("the export holds the private key and no export passphrase was given")
            .with_field(Field::ExportPassphraseFile)
            .with_hint("give --export-passphrase-file FILE or --export-passphrase-env VAR, or --no-export-passphrase to let the key leave unencrypted"));
    }
    Ok(given)
}

/// `--export-passphrase-file` (its first line) or `--export-passphrase-env`.
fn export_passphrase_from_sources(a: &cli::ExportKeyArgs) -> Result<Option<Passphrase>> {
    // The only refusal of `Passphrase::new`: an empty one. Its hint is
    // about a stored key; an export's way out is --no-export-passphrase.
    let field = |f: &str, _: Error| {
        super::edge::invalid(f, "the export passphrase is empty").with_hint(
            "use a non-empty export passphrase, or --no-export-passphrase to let the key leave unencrypted",
        )
    };
    if let Some(path) = &a.export_passphrase_file {
        let line = crate::keys::secret_first_line(path, Field::ExportPassphraseFile)?;
        return Passphrase::new(line)
            .map(Some)
            .map_err(|e| field("--export-passphrase-file", e));
    }
    if let Some(var) = &a.export_passphrase_env {
        let v = std::env::var(var).map_err(|_| {
            Error::invalid(
                Field::ExportPassphraseEnv,
                format!("the environment variable {var} is not set"),
            )
        })?;
        return Passphrase::new(Zeroizing::new(v))
            .map(Some)
            .map_err(|e| field("--export-passphrase-env", e));
    }
    Ok(None)
}
