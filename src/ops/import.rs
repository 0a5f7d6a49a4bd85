//! `serve`'s entry to attaching a certificate: the bytes a client sent
//! (PEM, DER or PKCS#7) decoded, the leaf found by SPKI (or in the record
//! named), then [`super::attach::attach`], the code the CLI's `import` and
//! ACME use; and [`adopt`], a record for a key and certificate made
//! elsewhere.

use crate::cert::{self, bundle, Cert};
use crate::error::{Error, Kind, Result};
use crate::keystore::{self, RecordMeta, Store};

/// Largest certificate input read (a chain is a few KiB; a trust store
/// bundle about 200 KiB).
pub const MAX_BUNDLE: u64 = 4 << 20;

/// What [`attach`] stored.
pub struct Attached {
    /// The record's new metadata (its revision holds the certificate).
    pub meta: RecordMeta,
    /// The record already held exactly this certificate and chain:
    /// nothing was written.
    pub unchanged: bool,
    pub leaf: Cert,
    /// The chain above the leaf, issuer first.
    pub chain: Vec<Cert>,
    /// Warnings (incomplete chain, validity, differences from the request).
    pub notes: Vec<String>,
}

/// Stores the certificate in `data` (PEM, DER or PKCS#7, leaf and chain in
/// any order; `what` names it in messages) on the record whose key it
/// holds, or on `record` (name or id) when given, with `extra` CA
/// certificates to build the chain from: [`super::attach::attach`], for a
/// front end that holds the bytes the client sent. `require_chain`: an
/// incomplete chain is exit 9 instead of a warning. Errors: 2 for an
/// unreadable or unusable certificate, 3 for an unknown record, 8 when no
/// record (or not the one named) holds the key, 9 for a chain link that
/// does not verify.
pub fn attach(
    ks: &dyn Store,
    data: &[u8],
    what: &str,
    record: Option<&str>,
    extra: Vec<Cert>,
    require_chain: bool,
) -> Result<Attached> {
    let certs = bundle::decode(data, what)?;
    let rec = match record {
        Some(target) => ks.find(target)?,
        None => super::attach::find_leaf(ks, &certs)?,
    };
    let done = super::attach::attach(
        ks,
        &rec,
        super::attach::Attach {
            certs: &certs,
            extra,
            require_chain,
            what,
            also_from: ", a CA file",
            chain_hint: "send the CA's intermediate and root with the certificate",
            acme: None,
            new_key_pem: None,
        },
    )?;
    Ok(Attached {
        meta: done.meta,
        unchanged: done.unchanged,
        leaf: certs[done.leaf_at].clone(),
        chain: done.chain,
        notes: done.notes,
    })
}

/// A key made elsewhere and its certificate, as a client sent them.
pub struct Brought<'a> {
    /// PKCS#8 PEM (`PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY` under `key_pass`).
    pub key_pem: &'a str,
    pub key_pass: Option<&'a crate::keys::Passphrase>,
    /// The certificate with its chain (PEM, DER or PKCS#7).
    pub certs: &'a [u8],
    /// What `certs` is, for messages.
    pub what: &'a str,
}

/// A record for a key made elsewhere and its certificate (what NSX's
/// `private_key`, QRadar's `key_file` and ArcGIS's PKCS#12 carry): the key
/// (PKCS#8 PEM, encrypted under `key_pass` or not) must be the leaf's in
/// `certs` (PEM, DER or PKCS#7, with its chain). The record's request is
/// the leaf's subject and SANs, its CSR one the key signs for them (a
/// record always holds a CSR that verifies), its key stored under
/// `store_pass` (`None`: unencrypted, as `--no-passphrase`), its name
/// `name` or derived from the CN. `shape` refuses what its vendor cannot
/// hold (QRadar: RSA only). Errors: 2 for an unreadable key or
/// certificate (naming `private_key` or the certificate), or one the
/// shape refuses, 6 for a wrong
/// `key_pass`, 8 when the key is not the certificate's, 4 for a taken name.
pub fn adopt(
    ks: &dyn Store,
    shape: &dyn crate::formats::Shape,
    name: Option<&str>,
    brought: Brought<'_>,
    store_pass: Option<&crate::keys::Passphrase>,
) -> Result<Attached> {
    use crate::keys::PrivateKey;
    let Brought {
        key_pem,
        key_pass,
        certs,
        what,
    } = brought;
    let key = PrivateKey::from_pem(key_pem, key_pass).map_err(|e| {
        let kind = if e.kind == Kind::Passphrase {
            Kind::Passphrase
        } else {
            Kind::Invalid
        };
        Error::new(kind, format!("the private key: {}", e.message))
            .with_label("private_key")
            .with_hint("give the key as PKCS#8 PEM (PRIVATE KEY, or ENCRYPTED PRIVATE KEY with its passphrase)")
    })?;
    adopt_key(ks, shape, name, key, certs, what, store_pass)
}

/// [`adopt`] once the key is open: the record for `key` and the leaf in
/// `certs` that holds it.
fn adopt_key(
    ks: &dyn Store,
    shape: &dyn crate::formats::Shape,
    name: Option<&str>,
    key: crate::keys::PrivateKey,
    certs: &[u8],
    what: &str,
    store_pass: Option<&crate::keys::Passphrase>,
) -> Result<Attached> {
    let decoded = bundle::decode(certs, what)?;
    let spki = {
        use der::Decode;
        let der = key.public_key_der()?;
        let info = spki::SubjectPublicKeyInfoOwned::from_der(&der)
            .map_err(|e| Error::internal(format!("SPKI: {e}")))?;
        cert::spki_id(&info)?
    };
    let mut leaf = None;
    for c in &decoded {
        if c.spki_id()? == spki {
            leaf = Some(c.clone());
            break;
        }
    }
    let leaf = leaf.ok_or_else(|| {
        Error::new(
            Kind::Mismatch,
            format!("the private key is not the key of any certificate in {what}"),
        )
        .with_label("private_key")
        .with_hint("send the certificate issued for this key")
    })?;
    super::attach::check_leaf_for(&leaf, name.unwrap_or("new"), false)?;
    let sans = leaf.sans();
    let input = crate::request::RequestInput {
        subject: Some(leaf.subject().to_string()),
        san: (!sans.is_empty()).then_some(sans),
        no_default_san: Some(true),
        ..crate::request::RequestInput::default()
    };
    let mut req = input.resolve(None, true)?;
    req.key = key.spec();
    shape.accepts(crate::formats::Op::Import, &req)?;
    let name = match name {
        Some(n) => {
            crate::request::validate_new_name(n)?;
            n.to_string()
        }
        None => crate::ops::generate::record_name(None, &input, &req)?,
    };
    if ks.exists(&name) {
        return Err(keystore::exists_error(&name));
    }
    let prepared = crate::ops::generate::prepare_with_key(name, req, key, store_pass)?;
    let meta = ks.create(prepared.as_new())?;
    attach(ks, certs, what, Some(&meta.name), Vec::new(), false).inspect_err(|_| {
        // A certificate attach refuses leaves no record behind: the
        // keystore is as it was before the request.
        if let Ok(rec) = ks.find(&meta.name) {
            let _ = ks.delete(&rec);
        }
    })
}

/// A PKCS#12 file as a user or a client brought it.
pub struct BroughtPkcs12<'a> {
    /// The file, DER (at most [`crate::export::pkcs12_in::MAX_PFX`] bytes).
    pub der: &'a [u8],
    /// Its password ("" for none).
    pub password: &'a str,
    /// What the file is, for messages.
    pub what: &'a str,
}

/// [`adopt`] for a PKCS#12 file (ArcGIS `importExistingServerCertificate`,
/// `import --pkcs12`): read by [`crate::export::pkcs12_in::read`], its one
/// key must be the key of one of its certificates, the others are the
/// chain (built and checked as for any import). The record is named
/// `name`, else the key's `friendlyName` when that is a valid record
/// name, else from the CN. Errors: 2 naming `file` for a damaged,
/// hostile or unsupported file, 6 naming `password` for a wrong password,
/// and [`adopt`]'s.
pub fn adopt_pkcs12(
    ks: &dyn Store,
    shape: &dyn crate::formats::Shape,
    name: Option<&str>,
    p12: BroughtPkcs12<'_>,
    store_pass: Option<&crate::keys::Passphrase>,
) -> Result<Attached> {
    use crate::export::pkcs12_in::{self, Fault};
    let what = p12.what;
    let read = pkcs12_in::read(p12.der, p12.password).map_err(|f| match f {
        Fault::Password => Error::new(
            Kind::Passphrase,
            format!("{what} does not open with the password given (its MAC does not verify)"),
        )
        .with_label("password")
        .with_hint("give the password the PKCS#12 file was exported with"),
        Fault::Malformed(why) => Error::new(
            Kind::Invalid,
            format!("{what} is not a usable PKCS#12 file: {why}"),
        )
        .with_label("file")
        .with_hint("send the PKCS#12 (.p12/.pfx) file, DER, as exported"),
        Fault::Unsupported(why) => {
            Error::new(Kind::Invalid, format!("{what}: csrkit cannot read {why}"))
                .with_label("file")
                .with_hint("re-export it with openssl pkcs12 -export (AES-256, PBKDF2)")
        }
    })?;
    let key = crate::keys::PrivateKey::from_pkcs8_der(read.key_pkcs8).map_err(|e| {
        Error::new(
            Kind::Invalid,
            format!(
                "the private key in {what}: {}",
                e.message
                    .trim_start_matches("the stored private key is not usable: ")
            ),
        )
        .with_label("file")
    })?;
    let mut pem = String::new();
    for der in &read.certs {
        pem.push_str(&pem::encode_config(
            &pem::Pem::new("CERTIFICATE", der.clone()),
            pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
        ));
    }
    let friendly = read
        .friendly_name
        .filter(|n| crate::request::validate_new_name(n).is_ok());
    adopt_key(
        ks,
        shape,
        name.or(friendly.as_deref()),
        key,
        pem.as_bytes(),
        what,
        store_pass,
    )
}
