//! Attaching a signed certificate to the record that holds its key, for
//! every front end (the CLI's `import`, `serve`'s vendor import routes):
//! the leaf found by SPKI (or in the record named), checked against the
//! record's request, its chain built from what came with it, the CA files
//! given, the chain the record has and the system trust store, and the
//! whole stored as the record's next revision ([`store_certificate`]).

use zeroize::Zeroizing;

use crate::cert::chain::{self, Source};
use crate::cert::{self, bundle, Cert};
use crate::error::{Error, Kind, Result};
use crate::keystore::{self, CertFiles, NewRecord, Record, RecordMeta, Store};

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
/// certificates to build the chain from. `require_chain`: an incomplete
/// chain is exit 9 instead of a warning. Errors: 2 for an unreadable or
/// unusable certificate (a CA certificate for an end-entity request, out
/// of its validity), 3 for an unknown record, 8 when no record (or not the
/// one named) holds the key, 9 for a chain link that does not verify.
pub fn attach(
    ks: &dyn Store,
    data: &[u8],
    what: &str,
    record: Option<&str>,
    extra: Vec<Cert>,
    require_chain: bool,
) -> Result<Attached> {
    let certs = bundle::decode(data, what)?;
    let (leaf_at, rec) = find_leaf(ks, &certs, record)?;
    let leaf = &certs[leaf_at];
    let mut notes = Vec::new();
    check_leaf(leaf, &rec)?;
    let mut pool: Vec<(Cert, Source)> = certs
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != leaf_at)
        .map(|(_, c)| (c.clone(), Source::Given))
        .collect();
    pool.extend(extra.into_iter().map(|c| (c, Source::Given)));
    // The chain the record already has still helps (importing the leaf
    // alone again must not lose it).
    if let Some(stored) = rec.chain_pem()? {
        let stored =
            bundle::decode(stored.as_bytes(), "the record's chain.pem").unwrap_or_default();
        pool.extend(stored.into_iter().map(|c| (c, Source::Given)));
    }
    let mut built = chain::build(leaf, &pool)?;
    if !built.complete {
        pool.extend(
            chain::system_store()
                .into_iter()
                .map(|c| (c, Source::System)),
        );
        built = chain::build(leaf, &pool)?;
    }
    if let Some(missing) = &built.missing {
        let e = Error::new(
            Kind::Chain,
            format!(
                "the chain is incomplete: no certificate for the issuer {missing} in {what}, a --ca-file or the system trust store"
            ),
        )
        .with_hint("add the CA's intermediate and root with --ca-file FILE");
        if require_chain {
            return Err(e);
        }
        notes.push(format!("warning: {}", e.message));
    }
    notes.extend(chain::validity_warnings(&built.certs, cert::now()));
    notes.extend(compare_with_request(leaf, &rec));
    let (meta, unchanged) = store_certificate(ks, &rec, leaf, &built.certs)?;
    Ok(Attached {
        meta,
        unchanged,
        leaf: leaf.clone(),
        chain: built.certs,
        notes,
    })
}

/// Stores `leaf`, with `chain` above it (issuer first), as the record's
/// next revision: the CSR and key stay, `cert.pem`/`chain.pem` and the
/// summary in record.json are new, history keeps the previous revision.
/// Returns the new metadata, and `true` when the record already held
/// exactly this certificate and chain (then nothing is written).
pub fn store_certificate(
    ks: &dyn Store,
    rec: &Record,
    leaf: &Cert,
    chain: &[Cert],
) -> Result<(RecordMeta, bool)> {
    let summary = leaf.summary(chain);
    if rec.meta.certificate.as_ref() == Some(&summary) {
        return Ok((rec.meta.clone(), true));
    }
    let key_pem: Zeroizing<String> = ks.read_key_pem(rec)?;
    let csr_pem = rec.csr_pem()?;
    let cert_pem = leaf.pem();
    let chain_pem = cert::pem_chain(chain);
    let mut meta = rec.meta.clone();
    meta.modified = keystore::now_rfc3339();
    meta.revision += 1;
    if meta.spki_sha256.is_none() {
        meta.spki_sha256 = Some(leaf.spki_id()?);
    }
    meta.certificate = Some(summary);
    let meta = ks.replace(NewRecord {
        meta,
        csr_pem: &csr_pem,
        key_pem: &key_pem,
        cert: Some(CertFiles {
            cert_pem: &cert_pem,
            chain_pem: &chain_pem,
        }),
    })?;
    Ok((meta, false))
}

/// The leaf and its record: with `--record`, the certificate whose key is
/// that record's; else the first certificate whose key a record holds.
/// Exit 8 with the names when there is none.
fn find_leaf(ks: &dyn Store, certs: &[Cert], record: Option<&str>) -> Result<(usize, Record)> {
    if let Some(target) = record {
        let rec = ks.find(target)?;
        let spki = match &rec.meta.spki_sha256 {
            Some(s) => s.clone(),
            None => rec.parsed_csr()?.spki_sha256,
        };
        for (i, c) in certs.iter().enumerate() {
            if c.spki_id()? == spki {
                return Ok((i, rec));
            }
        }
        let which = if certs.len() == 1 {
            "the certificate's public key does not".to_string()
        } else {
            format!("none of the {} certificates' public keys", certs.len())
        };
        return Err(Error::new(
            Kind::Mismatch,
            format!("{which} match record {}'s key", rec.meta.name),
        )
        .with_hint("check that the CA signed this record's CSR, or import without --record to find the record by key"));
    }
    // The leaf is usually first; CA certificates are tried last.
    let mut order: Vec<usize> = (0..certs.len()).collect();
    order.sort_by_key(|&i| certs[i].is_ca());
    for i in order {
        if let Some(rec) = ks.find_by_spki(&certs[i].spki_id()?)? {
            return Ok((i, rec));
        }
    }
    let subject = certs
        .iter()
        .find(|c| !c.is_ca())
        .unwrap_or(&certs[0])
        .subject()
        .to_string();
    Err(Error::new(
        Kind::Mismatch,
        format!("no record holds the key of the certificate for {subject}"),
    )
    .with_hint("import it into the keystore that made its CSR (--keystore), or check that the CA signed a CSR made here"))
}

/// A leaf that is a CA certificate when the record asked for none, or one
/// outside its validity period: exit 2 with the reason.
fn check_leaf(leaf: &Cert, rec: &Record) -> Result<()> {
    if leaf.is_ca() && !rec.meta.request.ca {
        return Err(Error::invalid(
            "certificate",
            format!(
                "the certificate for record {} is a CA certificate (basicConstraints CA:TRUE), but the record asked for an end-entity certificate",
                rec.meta.name
            ),
        )
        .with_hint("import the certificate the CA issued for the CSR, not the CA's own"));
    }
    let (nb, na) = leaf.validity();
    let now = cert::now();
    if na < now {
        return Err(Error::invalid(
            "certificate",
            format!("the certificate expired on {}", cert::rfc3339(na)),
        )
        .with_hint(format!(
            "ask the CA for a new one: csrkit download {} gives the CSR",
            rec.meta.name
        )));
    }
    if nb > now + 300 {
        return Err(Error::invalid(
            "certificate",
            format!("the certificate is not valid until {}", cert::rfc3339(nb)),
        )
        .with_hint("check this machine's clock, or import it once it is valid"));
    }
    Ok(())
}

/// Warnings where the certificate differs from what the CSR asked for
/// (see [`Cert::differences`]).
fn compare_with_request(leaf: &Cert, rec: &Record) -> Vec<String> {
    let asked: Vec<String> = rec
        .meta
        .request
        .effective_sans()
        .iter()
        .map(|s| s.to_string())
        .collect();
    leaf.differences(&asked, &rec.meta.request.subject.to_rfc4514())
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
            .with_field("private_key")
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
        .with_field("private_key")
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
