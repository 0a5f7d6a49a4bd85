//! Attaching a signed certificate to its record (SPEC §9, `import`; §13,
//! the chain an ACME order downloads): the leaf is found by its public key
//! (SPKI), the chain is built leaf -> root from the certificates given,
//! the record's stored chain and the system trust store (each link
//! signature-checked, `crate::cert::chain`), the leaf is checked against
//! the record's request, and the result is committed as the record's next
//! revision through `Store::replace` (the previous revision, with its
//! certificate, moves to history). Nothing is written on any refusal.

use crate::cert::chain::{self, Source};
use crate::cert::{self, bundle, Cert};
use crate::error::{Error, Kind, Result};
use crate::keystore::{self, AcmeOrigin, CertFiles, NewRecord, Record, RecordMeta, Store};
use crate::mention;

/// What to attach: the certificates (leaf among them, any order) and the
/// extra issuers to build the chain from.
pub struct Attach<'a> {
    /// Every certificate the CA handed back; the leaf is the one whose key
    /// the record holds.
    pub certs: &'a [Cert],
    /// More candidate issuers (intermediates, roots) from elsewhere.
    pub extra: Vec<Cert>,
    /// Refuse (exit 9) unless the chain reaches a self-signed root.
    pub require_chain: bool,
    /// Where the certificates came from, for messages ("stdin", a path,
    /// "the ACME order").
    pub what: &'a str,
    /// Where else issuers were looked for, for the incomplete-chain
    /// message (the system trust store is always named after it).
    pub also_from: &'a str,
    /// The hint for an incomplete chain.
    pub chain_hint: &'a str,
    /// How the certificate was obtained over ACME, kept in the record for
    /// `renew`; `None` for a certificate from elsewhere (the record then
    /// holds no ACME settings).
    pub acme: Option<AcmeOrigin>,
    /// A new key for the record, stored (as given: PEM, encrypted PKCS#8
    /// unless the user said otherwise) in the same revision as the
    /// certificate (`renew --new-key`); `rec` then carries the new CSR
    /// ([`keystore::Location::Held`]) and the new key's SPKI, and nothing
    /// of the new key is written unless the certificate is. `None` keeps
    /// the stored key.
    pub new_key_pem: Option<&'a str>,
}

/// A certificate attached (or found already attached).
pub struct Attached {
    /// The record's metadata after the commit.
    pub meta: RecordMeta,
    /// The record already held exactly this certificate and chain:
    /// nothing was written.
    pub unchanged: bool,
    /// Index of the leaf in [`Attach::certs`].
    pub leaf_at: usize,
    /// The chain above the leaf, issuer first (root last when known).
    pub chain: Vec<Cert>,
    /// Warnings for the user (an incomplete chain, validity, differences
    /// from the request).
    pub notes: Vec<String>,
}

/// Attaches `input` to `rec` (the record named, or found with
/// [`find_leaf`]). Errors: exit 8 when no certificate holds the record's
/// key, exit 2 for a CA leaf or one outside its validity period, exit 9
/// for a chain that does not verify (or is incomplete with
/// `require_chain`); the keystore's own errors (3, 5) from the commit.
pub fn attach(store: &dyn Store, rec: &Record, input: Attach<'_>) -> Result<Attached> {
    let leaf_at = leaf_of(rec, input.certs)?;
    let certs = input.certs;
    let leaf = &certs[leaf_at];
    check_leaf(leaf, rec)?;
    let mut notes = Vec::new();
    let mut pool: Vec<(Cert, Source)> = certs
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != leaf_at)
        .map(|(_, c)| (c.clone(), Source::Given))
        .collect();
    pool.extend(input.extra.into_iter().map(|c| (c, Source::Given)));
    // The chain the record already has still helps (importing the leaf
    // alone again must not lose it).
    if let Some(stored) = rec.chain_pem()? {
        let stored =
            bundle::decode(stored.as_bytes(), "the record's chain.pem").unwrap_or_default();
        pool.extend(stored.into_iter().map(|c| (c, Source::Stored)));
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
                "the chain is incomplete: no certificate for the issuer {missing} in {}{} or the system trust store",
                input.what, input.also_from
            ),
        )
        .with_hint(input.chain_hint);
        if input.require_chain {
            return Err(e);
        }
        notes.push(format!("warning: {}", e.message));
    }
    notes.extend(chain::validity_warnings(&built.certs, cert::now()));
    notes.extend(compare_with_request(leaf, rec));
    let (meta, unchanged) = store_with_key(
        store,
        rec,
        leaf,
        &built.certs,
        input.acme,
        input.new_key_pem,
    )?;
    Ok(Attached {
        meta,
        unchanged,
        leaf_at,
        chain: built.certs,
        notes,
    })
}

/// The index of the certificate whose key is `rec`'s. Exit 8 when none is.
pub fn leaf_of(rec: &Record, certs: &[Cert]) -> Result<usize> {
    let spki = match &rec.meta.spki_sha256 {
        Some(s) => s.clone(),
        None => rec.parsed_csr()?.spki_sha256,
    };
    for (i, c) in certs.iter().enumerate() {
        if c.spki_id()? == spki {
            return Ok(i);
        }
    }
    let which = if certs.len() == 1 {
        "the certificate's public key does not".to_string()
    } else {
        format!("none of the {} certificates' public keys", certs.len())
    };
    Err(Error::new(
        Kind::Mismatch,
        format!("{which} match record {}'s key", rec.meta.name),
    )
    .with_hint(concat!(
        "check that the CA signed this record's CSR, or import without ",
        mention!(record),
        " to find the record by key"
    )))
}

/// The leaf and its record when no record is named: the first
/// certificate whose key a record holds (CA certificates tried last).
/// Exit 8 naming the certificate's subject when there is none.
pub fn find_leaf(store: &dyn Store, certs: &[Cert]) -> Result<Record> {
    let mut order: Vec<usize> = (0..certs.len()).collect();
    order.sort_by_key(|&i| certs[i].is_ca());
    for i in order {
        if let Some(rec) = store.find_by_spki(&certs[i].spki_id()?)? {
            return Ok(rec);
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
    .with_hint(concat!(
        "import it into the keystore that made its CSR (",
        mention!(keystore),
        "), or check that the CA signed a CSR made here"
    )))
}

/// A leaf that is a CA certificate when the record asked for none, or one
/// outside its validity period: exit 2 with the reason.
pub fn check_leaf(leaf: &Cert, rec: &Record) -> Result<()> {
    check_leaf_for(leaf, &rec.meta.name, rec.meta.request.ca)
}

/// [`check_leaf`] for the record `name` (which may not exist yet) whose
/// request asked for a CA certificate or not (`ca`).
pub fn check_leaf_for(leaf: &Cert, name: &str, ca: bool) -> Result<()> {
    if leaf.is_ca() && !ca {
        return Err(Error::invalid_as(
            "certificate",
            format!(
                "the certificate for record {} is a CA certificate (basicConstraints CA:TRUE), but the record asked for an end-entity certificate",
                name
            ),
        )
        .with_hint("import the certificate the CA issued for the CSR, not the CA's own"));
    }
    let (nb, na) = leaf.validity();
    let now = cert::now();
    if na < now {
        return Err(Error::invalid_as(
            "certificate",
            format!("the certificate expired on {}", cert::rfc3339(na)),
        )
        .with_remedy(crate::error::Remedy::DownloadCsr(name.to_string())));
    }
    if nb > now + 300 {
        return Err(Error::invalid_as(
            "certificate",
            format!("the certificate is not valid until {}", cert::rfc3339(nb)),
        )
        .with_hint("check this machine's clock, or import it once it is valid"));
    }
    Ok(())
}

/// Warnings where the certificate differs from what the CSR asked for
/// (see [`Cert::differences`]).
pub fn compare_with_request(leaf: &Cert, rec: &Record) -> Vec<String> {
    let asked: Vec<String> = rec
        .meta
        .request
        .effective_sans()
        .iter()
        .map(|s| s.to_string())
        .collect();
    // The subject as the CSR sent it (its DER), else as the record asks.
    let asked_subject = rec.parsed_csr().map(|c| c.subject).unwrap_or_default();
    let mut notes = leaf.differences(&asked, &asked_subject);
    notes.extend(usage_differences(leaf, &rec.meta.request));
    notes
}

/// Warnings where the CA issued other key usages than the CSR asked for
/// (RFC 5280 §4.2.1.3 keyUsage, §4.2.1.12 extendedKeyUsage): what was
/// asked, what was issued. A certificate without the extension restricts
/// nothing and is not warned about.
fn usage_differences(leaf: &Cert, req: &crate::request::Request) -> Vec<String> {
    let mut notes = Vec::new();
    let asked_eku: Vec<String> = req
        .extended_key_usages()
        .iter()
        .map(|e| e.name().to_string())
        .collect();
    let got_eku = leaf.ext_key_usage_names();
    if !asked_eku.is_empty() && !got_eku.is_empty() {
        let dropped: Vec<&str> = asked_eku
            .iter()
            .filter(|e| !got_eku.contains(e))
            .map(String::as_str)
            .collect();
        if !dropped.is_empty() {
            notes.push(format!(
                "warning: the CSR asked for extendedKeyUsage {}; the CA issued {} (without {})",
                asked_eku.join(", "),
                got_eku.join(", "),
                dropped.join(", ")
            ));
        }
    }
    let asked_ku: Vec<&str> = req.key_usages().iter().map(|k| k.name()).collect();
    let got_ku = leaf.key_usage_names();
    if !asked_ku.is_empty() && !got_ku.is_empty() {
        let dropped: Vec<&str> = asked_ku
            .iter()
            .filter(|k| !got_ku.contains(k))
            .copied()
            .collect();
        if !dropped.is_empty() {
            notes.push(format!(
                "warning: the CSR asked for keyUsage {}; the CA issued {} (without {})",
                asked_ku.join(", "),
                got_ku.join(", "),
                dropped.join(", ")
            ));
        }
    }
    notes
}

/// Stores `leaf`, with `chain` above it (issuer first), as the record's
/// next revision: the CSR and key stay, `cert.pem`/`chain.pem` and the
/// summary in record.json are new, history keeps the previous revision
/// (with its certificate). `acme` replaces the record's ACME settings.
/// Returns the new metadata, and `true` when the record already held
/// exactly this certificate and chain (then nothing is written).
pub fn store_certificate(
    store: &dyn Store,
    rec: &Record,
    leaf: &Cert,
    chain: &[Cert],
    acme: Option<AcmeOrigin>,
) -> Result<(RecordMeta, bool)> {
    store_with_key(store, rec, leaf, chain, acme, None)
}

/// [`store_certificate`], with the record's new key when one is given
/// (see [`Attach::new_key_pem`]).
fn store_with_key(
    store: &dyn Store,
    rec: &Record,
    leaf: &Cert,
    chain: &[Cert],
    acme: Option<AcmeOrigin>,
    new_key_pem: Option<&str>,
) -> Result<(RecordMeta, bool)> {
    let summary = leaf.summary(chain);
    if new_key_pem.is_none()
        && rec.meta.certificate.as_ref() == Some(&summary)
        && (acme.is_none() || rec.meta.acme == acme)
    {
        return Ok((rec.meta.clone(), true));
    }
    // A record deleted since it was found is named, not a raw ENOENT.
    let gone = |e: Error| {
        if e.kind == Kind::NotFound && !keystore::is_revision_conflict(&e) {
            Error::not_found(format!(
                "record {} was deleted while its certificate was being stored",
                rec.meta.name
            ))
            .with_hint("nothing was stored; generate a new record to import into")
        } else {
            e
        }
    };
    let key_pem = match new_key_pem {
        Some(k) => zeroize::Zeroizing::new(k.to_string()),
        None => store.read_key_pem(rec).map_err(gone)?,
    };
    let csr_pem = rec.csr_pem().map_err(gone)?;
    let cert_pem = leaf.pem();
    let chain_pem = cert::pem_chain(chain);
    let mut meta = rec.meta.clone();
    meta.modified = keystore::now_rfc3339();
    meta.revision += 1;
    if meta.spki_sha256.is_none() {
        meta.spki_sha256 = Some(leaf.spki_id()?);
    }
    meta.certificate = Some(summary);
    meta.acme = acme;
    let meta = store
        .replace(NewRecord {
            meta,
            csr_pem: &csr_pem,
            key_pem: &key_pem,
            cert: Some(CertFiles {
                cert_pem: &cert_pem,
                chain_pem: &chain_pem,
            }),
        })
        .map_err(gone)?;
    Ok((meta, false))
}
