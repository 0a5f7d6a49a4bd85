//! `csrkit import`: a signed certificate comes back. The record is the one
//! whose key the certificate holds (by SPKI, or `--record`); the chain is
//! built from the file, `--ca-file`s and the system trust store, each link
//! checked; the leaf is compared with what the CSR asked for. Stored as
//! the record's next revision (`cert.pem`, `chain.pem`).

use std::path::Path;

use super::common::{read_input, store_certificate, Ctx, Done};
use crate::cert::chain::{self, Source};
use crate::cert::{self, bundle, Cert};
use crate::cli;
use crate::error::{Error, Kind, Result};
use crate::formats::{self, CertView};
use crate::keystore::Record;

/// Largest certificate input read (a chain is a few KiB; a trust store
/// bundle about 200 KiB).
const MAX_BUNDLE: u64 = 4 << 20;

pub(super) fn import(ctx: &Ctx, a: &cli::ImportArgs) -> Result<Done> {
    // A vendor's import body (`--request`) carries the certificates, and
    // may name the record (QRadar `csr_id`).
    let (data, what, named) = match (&a.request, &a.file) {
        (Some(req), _) => {
            let body = read_input(req, MAX_BUNDLE, "--request")?;
            let b = formats::request::parse_import(&body)?;
            (
                b.certificates.into_bytes(),
                format!("the {} request body", b.vendor),
                b.record,
            )
        }
        (None, Some(file)) => {
            let what = if file == "-" {
                "stdin".to_string()
            } else {
                file.clone()
            };
            (read_input(file, MAX_BUNDLE, "FILE")?, what, None)
        }
        (None, None) => return Err(Error::usage("give the certificate FILE or --request FILE")),
    };
    let what = what.as_str();
    let certs = bundle::decode(&data, what).map_err(|e| csr_given(e, &data, what))?;
    let (leaf_at, rec) = find_leaf(ctx, &certs, a.record.as_deref().or(named.as_deref()))?;
    let leaf = &certs[leaf_at];
    crate::faults::pause("import:found");
    let mut notes = Vec::new();
    check_leaf(leaf, &rec)?;
    let read = |p: &Path| read_input(&p.to_string_lossy(), MAX_BUNDLE, "--ca-file");
    let mut pool: Vec<(Cert, Source)> = certs
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != leaf_at)
        .map(|(_, c)| (c.clone(), Source::Given))
        .collect();
    pool.extend(
        chain::read_ca_files(&a.ca_file, read)?
            .into_iter()
            .map(|c| (c, Source::Given)),
    );
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
                "the chain is incomplete: no certificate for the issuer {missing} in {what}, a --ca-file or the system trust store"
            ),
        )
        .with_hint("add the CA's intermediate and root with --ca-file FILE");
        if a.require_chain {
            return Err(e);
        }
        notes.push(format!("warning: {}", e.message));
    }
    notes.extend(chain::validity_warnings(&built.certs, cert::now()));
    notes.extend(compare_with_request(leaf, &rec));
    let (meta, unchanged) = store_certificate(ctx, &rec, leaf, &built.certs)?;
    let dir = ctx.keystore.record_path(&meta.name);
    let view = CertView {
        meta: &meta,
        dir: dir.as_deref(),
        unchanged,
        leaf,
        chain: &built.certs,
    };
    Ok(Done {
        stdout: ctx.shape().certificate(&view, ctx.opts)?,
        notes,
        ..Done::default()
    })
}

/// The leaf and its record: with `--record`, the certificate whose key is
/// that record's; else the first certificate whose key a record holds.
/// Exit 8 with the names when there is none.
fn find_leaf(ctx: &Ctx, certs: &[Cert], record: Option<&str>) -> Result<(usize, Record)> {
    if let Some(target) = record {
        let rec = ctx.keystore.find(target)?;
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
        if let Some(rec) = ctx.keystore.find_by_spki(&certs[i].spki_id()?)? {
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

/// A CSR handed to `import` is named for what it is (a certificate is
/// what the CA sends back), instead of "no certificate found" or an ASN.1
/// error.
fn csr_given(e: Error, data: &[u8], what: &str) -> Error {
    let text = String::from_utf8_lossy(&data[..data.len().min(1 << 16)]);
    let is_csr = text.contains("CERTIFICATE REQUEST-----")
        || crate::csr::decode_input(data)
            .ok()
            .is_some_and(|der| crate::csr::parse(&der).is_ok());
    if !is_csr {
        return e;
    }
    Error::invalid(
        "FILE",
        format!("{what} is a certificate signing request (a CSR), not a certificate"),
    )
    .with_hint("send the CSR to the CA (csrkit download NAME gives it) and import the certificate it returns")
}
