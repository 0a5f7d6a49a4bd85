//! The `cert` target: what `csrkit import FILE`, `import --request BODY`
//! and `show --file` do with certificate bytes before any keystore is
//! involved. PEM with any number of certificates in any order and any text
//! around them, DER, PKCS#7 certs-only (PEM or DER), and the vendor import
//! bodies (NSX TlsTrustData, QRadar: JSON) that carry them.
//!
//! On every input: no panic; an error is a documented kind (never
//! internal, an invalid input names its field); what decodes shows as
//! text with no control character but newline and as JSON that parses;
//! import's notes (what the CA changed, chain certificates out of their
//! validity) have no control character; every certificate's summary, SANs
//! and usages can be read; the chain of
//! the first certificate is built from the others (pure: no system store,
//! no keystore) and either ends (complete, or an issuer named missing) or
//! is refused as a chain error (exit 9), within [`super::time_budget`].

use std::sync::atomic::Ordering;

use csrkit::cert::chain::{self, Source};
use csrkit::cert::{bundle, Cert};
use csrkit::cli::FormatArg;
use csrkit::error::Kind;
use csrkit::formats::{self, Options};

use super::{check_error, check_text, ACCEPTED};

/// Certificate bytes as `import FILE` and `show --file` read them; a body
/// that starts like JSON is also read as `import --request` reads it.
pub fn cert_target(data: &[u8]) -> Result<(), String> {
    // show --file first asks whether this is certificates at all.
    let _ = bundle::holds_certificates(data);
    let trimmed = data.trim_ascii_start();
    if trimmed.first() == Some(&b'{') || trimmed.starts_with("\u{feff}".as_bytes()) {
        match formats::request::parse_import(data) {
            Ok(body) => return certs(body.certificates.as_bytes(), "the request body"),
            Err(e) => check_error(&e, "import body")?,
        }
    }
    certs(data, "fuzz input")
}

fn certs(data: &[u8], what: &str) -> Result<(), String> {
    let certs = match bundle::decode(data, what) {
        Ok(c) => c,
        Err(e) => return check_error(&e, "bundle decode"),
    };
    if certs.is_empty() || certs.len() > bundle::MAX_CERTS {
        return Err(format!("decode gave {} certificates", certs.len()));
    }
    for c in &certs {
        c.fingerprint();
        // import matches a certificate to its record by this.
        if let Err(e) = c.spki_id() {
            check_error(&e, "SPKI of a certificate")?;
        }
        c.validity();
        c.is_ca();
        c.key_usage();
        c.ext_key_usage();
        // import's notes: what the CA changed (printed on stderr as is).
        let asked = ["DNS:www.example.com".to_string()];
        for note in c.differences(&asked, &[]) {
            check_text(note.as_bytes(), "import note")?;
        }
    }
    let leaf = &certs[0];
    let pool: Vec<(Cert, Source)> = certs[1..]
        .iter()
        .map(|c| (c.clone(), Source::Given))
        .collect();
    match chain::build(leaf, &pool) {
        Ok(built) => {
            if built.certs.len() > chain::MAX_DEPTH {
                return Err(format!("a chain of {} certificates", built.certs.len()));
            }
            if built.complete == built.missing.is_some() {
                return Err("a chain both complete and missing an issuer, or neither".into());
            }
            for note in chain::validity_warnings(&built.certs, csrkit::cert::now()) {
                check_text(note.as_bytes(), "import chain warning")?;
            }
            leaf.summary(&built.certs);
        }
        Err(e) if matches!(e.kind, Kind::Chain | Kind::Invalid) => check_error(&e, "chain")?,
        Err(e) => return Err(format!("chain: unexpected {:?}: {}", e.kind, e.message)),
    }
    let text = formats::shape(FormatArg::Text)
        .show_cert(leaf, &certs[1..], Options::default())
        .map_err(|e| format!("show_cert text: {e}"))?;
    check_text(&text, "show of a certificate")?;
    let json = formats::shape(FormatArg::Json)
        .show_cert(leaf, &certs[1..], Options::default())
        .map_err(|e| format!("show_cert json: {e}"))?;
    serde_json::from_slice::<serde_json::Value>(&json)
        .map_err(|e| format!("show_cert --format json is not JSON: {e}"))?;
    ACCEPTED.fetch_add(1, Ordering::Relaxed);
    Ok(())
}
