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
    attach(ks, certs, what, Some(&meta.name), Vec::new(), false)
}
