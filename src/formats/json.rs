//! `--format json`: csrkit's own machine-readable output.

use serde_json::{json, Map, Value};

use super::list::terminal_safe;
use super::{to_json, CertView, LintReport, Op, Options, RecordView, Shape};
use crate::cert::{self, days_left, Cert, CertSummary, Status};
use crate::csr::ParsedCsr;
use crate::error::Result;
use crate::keystore::{Listed, RecordMeta, CERT_FILE, CHAIN_FILE};

/// The `json` shape: csrkit's own JSON (exact values).
pub struct Json;

/// The decoded CSR as a JSON object. Values are exact (no escaping beyond
/// JSON's own): `subject_attributes[].value`, `sans[].value` (with `hex`
/// holding the bytes of a non-ASCII IA5String name), `attributes[].values`
/// (a challengePassword as `set, N characters` unless `--show-secrets`),
/// `extensions[].hex` (the extnValue octets). `signature_status` is
/// `valid`, `invalid`, `unsupported` or `malformed`, with
/// `signature_problem` naming what csrkit could not check.
pub fn csr_value(csr: &ParsedCsr) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("version".into(), json!(csr.version));
    m.insert("subject".into(), json!(csr.subject_rfc4514()));
    m.insert(
        "subject_attributes".into(),
        json!(csr.subject.iter().flatten().collect::<Vec<_>>()),
    );
    m.insert("sans".into(), json!(csr.sans));
    m.insert("extensions".into(), json!(csr.extensions));
    m.insert("attributes".into(), json!(csr.attributes));
    m.insert("public_key".into(), json!(csr.key));
    m.insert("signature_algorithm".into(), json!(csr.signature_algorithm));
    if let Some(p) = &csr.signature_parameters {
        m.insert("signature_parameters".into(), json!(p));
    }
    m.insert("signature_valid".into(), json!(csr.verified));
    m.insert("signature_status".into(), json!(csr.verdict.status()));
    if let Some(p) = csr.verdict.problem() {
        m.insert("signature_problem".into(), json!(p));
    }
    m.insert("warnings".into(), json!(csr.warnings));
    m.insert(
        "fingerprints".into(),
        json!({"sha256": csr.fingerprint_sha256, "spki_sha256": csr.spki_sha256}),
    );
    m.insert("pem".into(), json!(csr.pem()));
    m
}

fn protection(encrypted: bool) -> &'static str {
    super::key_protection(encrypted)
}

/// A record's metadata as a JSON object (id first).
pub fn meta_value(meta: &RecordMeta) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), json!(meta.id));
    m.insert("name".into(), json!(meta.name));
    m.insert("description".into(), json!(meta.description));
    m.insert("created".into(), json!(meta.created));
    m.insert("modified".into(), json!(meta.modified));
    m.insert("revision".into(), json!(meta.revision));
    m.insert("key".into(), json!(meta.key));
    m.insert("encrypted".into(), json!(meta.encrypted));
    m.insert("key_protection".into(), json!(protection(meta.encrypted)));
    m
}

/// A record's certificate summary with its status and days left.
fn certificate_value(c: &CertSummary, now: i64) -> Value {
    let mut v = json!(c);
    if let Value::Object(m) = &mut v {
        m.insert("status".into(), json!(Status::of(Some(&c.not_after), now)));
        m.insert("days_left".into(), json!(days_left(&c.not_after, now)));
    }
    v
}

fn record_value(meta: &RecordMeta, csr: &ParsedCsr, dir: Option<&std::path::Path>) -> Value {
    let mut m = meta_value(meta);
    m.extend(csr_value(csr));
    if let Some(c) = &meta.certificate {
        m.insert("certificate".into(), certificate_value(c, cert::now()));
    } else if let Some(l) = &meta.live {
        // Renewing: the certificate still deployed, and the revision
        // that holds it.
        m.insert("status".into(), json!(Status::Renewing));
        let mut v = certificate_value(&l.certificate, cert::now());
        if let Value::Object(o) = &mut v {
            o.insert("revision".into(), json!(l.revision));
        }
        m.insert("live_certificate".into(), v);
    }
    if let Some(d) = dir {
        m.insert(
            "files".into(),
            json!({"csr": d.join("csr.pem"), "key": d.join("key.pem")}),
        );
    }
    Value::Object(m)
}

impl Shape for Json {
    fn name(&self) -> &'static str {
        "json"
    }
    fn ops(&self) -> &'static [Op] {
        super::ALL_OPS
    }
    fn generate(&self, v: &RecordView<'_>, o: Options) -> Result<Vec<u8>> {
        to_json(&record_value(v.meta, v.csr, v.dir), o.pretty)
    }
    fn show(&self, meta: Option<&RecordMeta>, csr: &ParsedCsr, o: Options) -> Result<Vec<u8>> {
        let value = match meta {
            Some(m) => record_value(m, csr, None),
            None => Value::Object(csr_value(csr)),
        };
        to_json(&value, o.pretty).map(terminal_safe)
    }
    fn download(&self, v: &RecordView<'_>, _d: bool, o: Options) -> Result<Vec<u8>> {
        to_json(
            &json!({"id": v.meta.id, "name": v.meta.name, "pem": v.csr.pem()}),
            o.pretty,
        )
    }
    fn list(&self, records: &[Listed], o: Options) -> Result<Vec<u8>> {
        super::list::whole(super::list::JsonList::new(o.pretty), records)
    }
    fn list_stream(&self, o: Options) -> Option<Box<dyn super::list::ListStream>> {
        Some(Box::new(super::list::JsonList::new(o.pretty)))
    }
    fn delete(&self, meta: &RecordMeta, o: Options) -> Result<Vec<u8>> {
        to_json(
            &json!({"deleted": {"id": meta.id, "name": meta.name}}),
            o.pretty,
        )
    }
    fn certificate(&self, v: &CertView<'_>, o: Options) -> Result<Vec<u8>> {
        let mut m = meta_value(v.meta);
        m.insert("unchanged".into(), json!(v.unchanged));
        if let Some(c) = &v.meta.certificate {
            m.insert("certificate".into(), certificate_value(c, cert::now()));
        }
        if let Some(d) = v.dir {
            let mut files = Map::new();
            files.insert("certificate".into(), json!(d.join(CERT_FILE)));
            if v.meta
                .certificate
                .as_ref()
                .is_some_and(|c| !c.chain.is_empty())
            {
                files.insert("chain".into(), json!(d.join(CHAIN_FILE)));
            }
            m.insert("files".into(), Value::Object(files));
        }
        to_json(&Value::Object(m), o.pretty)
    }
    fn expiring(&self, rows: &[&Listed], now: i64, o: Options) -> Result<Vec<u8>> {
        let rows: Vec<Value> = rows
            .iter()
            .map(|r| {
                let s = &r.summary;
                json!({
                    "id": s.id,
                    "name": s.name,
                    "status": s.status(now),
                    "not_after": s.not_after,
                    "days_left": s.not_after.as_deref().and_then(|t| days_left(t, now)),
                })
            })
            .collect();
        to_json(&rows, o.pretty)
    }
    fn lint(&self, reports: &[LintReport<'_>], o: Options) -> Result<Vec<u8>> {
        let rows: Vec<Value> = reports
            .iter()
            .map(|r| json!({"target": r.label, "kind": r.kind, "findings": r.findings}))
            .collect();
        to_json(&rows, o.pretty)
    }
    fn show_cert(&self, c: &Cert, more: &[Cert], o: Options) -> Result<Vec<u8>> {
        let now = cert::now();
        let one = |c: &Cert| {
            let (nb, na) = c.validity();
            let na = cert::rfc3339(na);
            json!({
                "subject": cert::name_text(c.subject()),
                "issuer": cert::name_text(c.issuer()),
                "serial": cert::hex_colon(c.x509.tbs_certificate().serial_number().as_bytes()),
                "not_before": cert::rfc3339(nb),
                "days_left": days_left(&na, now),
                "not_after": na,
                "sans": c.sans(),
                "key_usage": c.key_usage_names(),
                "extended_key_usage": c.ext_key_usage_names(),
                "ca": c.is_ca(),
                "self_signed": c.self_issued() && c.signed_by(c).unwrap_or(false),
                "fingerprints": {"sha256": c.fingerprint(), "spki_sha256": c.spki_id().ok()},
                "pem": c.pem(),
            })
        };
        let mut v = one(c);
        if !more.is_empty() {
            if let Value::Object(m) = &mut v {
                m.insert("more".into(), Value::Array(more.iter().map(one).collect()));
            }
        }
        to_json(&v, o.pretty)
    }
}
