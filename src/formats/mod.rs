//! Output shapes: one file per shape, one trait. Formatters are the only
//! code (besides `main` and prompts) that produce output bytes.

use crate::field::Field;
use crate::mention;
use std::path::Path;

use crate::cert::Cert;
use crate::csr::ParsedCsr;
use crate::error::{Error, Result};
use crate::keystore::{Listed, RecordMeta};
use crate::request::Request;
use crate::vendors::Vendor;

pub mod arcgis;
pub mod body;
pub mod certinfo;
pub mod json;
pub mod list;
pub mod nsx;
pub mod pem;
pub mod pkcs;
pub mod qradar;
pub mod request;
pub mod sbc;
pub mod text;
pub mod xclarity;

/// The operation whose result (or error) is being rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Generate,
    Regenerate,
    Show,
    Download,
    List,
    Delete,
    Batch,
    Import,
    SelfSign,
    Expiring,
    Lint,
    Export,
    /// `show --file` of a certificate (not a command of its own: `show`
    /// is checked against [`Op::Show`]; this one says which shapes
    /// implement [`Shape::show_cert`]).
    ShowCert,
}

impl Op {
    /// The command as users type it, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Op::Generate => "generate",
            Op::Regenerate => "regenerate",
            Op::Show => "show",
            Op::Download => "download",
            Op::List => "list",
            Op::Delete => "delete",
            Op::Batch => concat!("generate ", mention!(batch)),
            Op::Import => "import",
            Op::SelfSign => "self-sign",
            Op::Expiring => "expiring",
            Op::Lint => "lint",
            Op::Export => "export",
            Op::ShowCert => "show",
        }
    }
}

/// A record together with its decoded CSR.
pub struct RecordView<'a> {
    pub meta: &'a RecordMeta,
    pub csr: &'a ParsedCsr,
    pub dir: Option<&'a Path>,
}

/// A record that has just been given a certificate (`import`,
/// `self-sign`): its metadata holds the certificate's summary.
pub struct CertView<'a> {
    pub meta: &'a RecordMeta,
    pub dir: Option<&'a Path>,
    /// The record already held this certificate: nothing was written.
    pub unchanged: bool,
    /// The certificate and the chain above it (issuer first).
    pub leaf: &'a Cert,
    pub chain: &'a [Cert],
}

/// What `export` hands a shape: the record, its certificate and chain
/// (issuer first), and the key when the shape carries one (already checked
/// against the leaf; encrypted on the way out unless the user said
/// `--no-export-passphrase`).
pub struct ExportView<'a> {
    pub meta: &'a RecordMeta,
    pub leaf: &'a Cert,
    pub chain: &'a [Cert],
    pub key: Option<&'a crate::export::KeyOut>,
    /// `--p12-profile` (PKCS#12 and the ArcGIS PFX).
    pub profile: crate::export::Profile,
}

/// Whether a shape's export body holds the private key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyUse {
    /// Never (certificates only).
    Never,
    /// Only with `--with-key` (`pem`).
    OnRequest,
    /// Always (PKCS#12, the vendor bodies that install a key).
    Always,
}

/// What `lint` found in one CSR or certificate.
pub struct LintReport<'a> {
    /// The record's name, or the file's.
    pub label: &'a str,
    /// `csr` or `certificate`.
    pub kind: &'static str,
    pub findings: &'a [crate::lint::Finding],
}

/// Rendering options shared by all shapes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub pretty: bool,
}

/// One output shape. Operations a vendor API does not have are refused
/// with exit 2 by the default methods.
pub trait Shape: Sync {
    fn name(&self) -> &'static str;

    /// The operations this shape renders. `commands::run` refuses any
    /// other before the command has any side effect, so a refusal never
    /// follows a commit or a delete (the keystore is left byte-identical).
    fn ops(&self) -> &'static [Op];

    /// Whether this shape renders `op` (see [`Shape::ops`]).
    fn supports(&self, op: Op) -> bool {
        self.ops().contains(&op)
    }

    /// Whether the vendor can hold a record made from `req` by `op`
    /// (`Generate` or `Regenerate`). `generate` and `regenerate` call it
    /// after validating the request and before a key is made or anything
    /// is written, so a refusal (exit 2, naming the reason) leaves the
    /// keystore unchanged. The default accepts every request.
    fn accepts(&self, _op: Op, _req: &Request) -> Result<()> {
        Ok(())
    }

    /// The body for a record just made (the vendor's create answer).
    fn generate(&self, _v: &RecordView<'_>, _o: Options) -> Result<Vec<u8>> {
        Err(unsupported(self.name(), Op::Generate))
    }
    /// The body for a record's new revision (by default, `generate`'s).
    fn regenerate(&self, v: &RecordView<'_>, o: Options) -> Result<Vec<u8>> {
        self.generate(v, o)
    }
    /// The body describing a record, or a CSR file when `meta` is `None`
    /// (a shape that describes only records refuses that, exit 2).
    fn show(&self, _meta: Option<&RecordMeta>, _csr: &ParsedCsr, _o: Options) -> Result<Vec<u8>> {
        Err(unsupported(self.name(), Op::Show))
    }
    /// The vendor's download of a record's CSR (`details`: XClarity's
    /// `details=true`).
    fn download(&self, _v: &RecordView<'_>, _details: bool, _o: Options) -> Result<Vec<u8>> {
        Err(unsupported(self.name(), Op::Download))
    }
    /// The vendor's list of CSRs.
    fn list(&self, _records: &[Listed], _o: Options) -> Result<Vec<u8>> {
        Err(unsupported(self.name(), Op::List))
    }
    /// `list` written page by page as the rows arrive ([`list::ListStream`]);
    /// `None` when the shape renders the whole list at once.
    fn list_stream(&self, _o: Options) -> Option<Box<dyn list::ListStream>> {
        None
    }
    /// The vendor's answer to deleting a record (rendered after the delete).
    fn delete(&self, _meta: &RecordMeta, _o: Options) -> Result<Vec<u8>> {
        Err(unsupported(self.name(), Op::Delete))
    }
    /// After `import` or `self-sign`.
    fn certificate(&self, _v: &CertView<'_>, _o: Options) -> Result<Vec<u8>> {
        Err(unsupported(self.name(), Op::Import))
    }
    /// `expiring`: the records whose certificate ends by `until` (Unix
    /// seconds), expired ones included; `now` for days left.
    fn expiring(&self, _rows: &[&Listed], _now: i64, _o: Options) -> Result<Vec<u8>> {
        Err(unsupported(self.name(), Op::Expiring))
    }
    /// `lint`: the findings, per CSR or certificate linted.
    fn lint(&self, _reports: &[LintReport<'_>], _o: Options) -> Result<Vec<u8>> {
        Err(unsupported(self.name(), Op::Lint))
    }
    /// Whether [`Shape::export`] needs the key (see [`KeyUse`]).
    fn export_key(&self) -> KeyUse {
        KeyUse::Never
    }
    /// Whether [`Shape::export`]'s body holds the chain above the leaf
    /// (all but `der`, which is one certificate).
    fn export_chain(&self) -> bool {
        true
    }
    /// Whether the vendor can hold the record's key (checked before the key
    /// is decrypted or anything is written; exit 2 naming the reason).
    fn export_accepts(&self, _meta: &RecordMeta) -> Result<()> {
        Ok(())
    }
    /// `export`: the body of the vendor's import call (or the file).
    fn export(&self, _v: &ExportView<'_>, _o: Options) -> Result<Vec<u8>> {
        Err(unsupported(self.name(), Op::Export))
    }
    /// `show --file` of a certificate (with what followed it in the file);
    /// a shape that implements it lists [`Op::ShowCert`] in its ops.
    fn show_cert(&self, _cert: &Cert, _more: &[Cert], _o: Options) -> Result<Vec<u8>> {
        Err(Error::invalid(
            Field::Format,
            format!("the {} format shows CSRs, not certificates", self.name()),
        )
        .with_hint(format!(
            concat!("show a certificate with ", mention!(format), " {}"),
            formats_for(Op::ShowCert).join(", ")
        )))
    }
    /// The vendor's error body for stdout, if the shape has one.
    fn error(&self, _op: Op, _err: &Error, _o: Options) -> Option<Vec<u8>> {
        None
    }
}

/// Every operation (for `ops` of csrkit's own shapes).
pub const ALL_OPS: &[Op] = &[
    Op::Generate,
    Op::Regenerate,
    Op::Show,
    Op::Download,
    Op::List,
    Op::Delete,
    Op::Batch,
    Op::Import,
    Op::SelfSign,
    Op::Expiring,
    Op::Lint,
    Op::ShowCert,
];

/// What a vendor API with a CSR collection renders: all but `--batch`.
pub const COLLECTION_OPS: &[Op] = ALL_OPS.split_at(6).0;

/// What a vendor API that only makes and returns CSRs renders.
pub const CSR_OPS: &[Op] = ALL_OPS.split_at(4).0;

/// Exit 2, `--format`: the shape has no such operation. The hint lists
/// the `--format` values that render `op`, from the shapes' [`Shape::ops`].
pub fn unsupported(shape: &str, op: Op) -> Error {
    Error::invalid(
        Field::Format,
        format!("the {shape} format has no {} operation", op.name()),
    )
    .with_hint(format!(
        concat!("{} takes ", mention!(format), " {}"),
        op.name(),
        formats_for(op).join(", ")
    ))
}

/// An output format: one of csrkit's own shapes or a vendor's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text
    Text,
    /// The CSR as PEM
    Pem,
    /// The CSR as DER (binary)
    Der,
    /// csrkit's JSON
    Json,
    /// A vendor's response ([`Vendor::response`])
    Vendor(Vendor),
    /// export: PKCS#7 certs-only bundle (PEM)
    Pkcs7,
    /// export: PKCS#12 (key, certificate, chain)
    Pkcs12,
}

impl Format {
    /// Every format, in the order the command line lists them (the
    /// vendors in [`Vendor::ALL`]'s order, after csrkit's JSON).
    pub const ALL: [Format; 6 + Vendor::ALL.len()] = {
        let mut all = [Format::Text; 6 + Vendor::ALL.len()];
        let own = [Format::Text, Format::Pem, Format::Der, Format::Json];
        let mut i = 0;
        while i < own.len() {
            all[i] = own[i];
            i += 1;
        }
        let mut v = 0;
        while v < Vendor::ALL.len() {
            all[own.len() + v] = Format::Vendor(Vendor::ALL[v]);
            v += 1;
        }
        all[own.len() + Vendor::ALL.len()] = Format::Pkcs7;
        all[own.len() + Vendor::ALL.len() + 1] = Format::Pkcs12;
        all
    };

    /// The format's name as `--format` takes it (`text`, `nsx`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Pem => "pem",
            Format::Der => "der",
            Format::Json => "json",
            Format::Vendor(v) => v.name(),
            Format::Pkcs7 => "pkcs7",
            Format::Pkcs12 => "pkcs12",
        }
    }
}

/// The format values whose shape renders `op`, in [`Format::ALL`]'s order.
pub fn formats_for(op: Op) -> Vec<String> {
    Format::ALL
        .iter()
        .filter(|f| shape(**f).supports(op))
        .map(|f| f.name().to_string())
        .collect()
}

/// The shape for a format.
pub fn shape(format: Format) -> &'static dyn Shape {
    match format {
        Format::Text => &text::Text,
        Format::Pem => &pem::Pem,
        Format::Der => &pem::Der,
        Format::Json => &json::Json,
        Format::Vendor(Vendor::Arcgis) => &arcgis::Arcgis,
        Format::Vendor(Vendor::Qradar) => &qradar::Qradar,
        Format::Vendor(Vendor::Sbc) => &sbc::Sbc,
        Format::Vendor(Vendor::Nsx) => &nsx::Nsx,
        Format::Vendor(Vendor::Xclarity) => &xclarity::Xclarity,
        Format::Pkcs7 => &pkcs::Pkcs7,
        Format::Pkcs12 => &pkcs::Pkcs12,
    }
}

/// Exit 2: the `format` cannot hold a record (`what`, with the reason).
/// `field` is the option the refusal concerns (it picks vendor error
/// codes, such as QRadar's 1040 for a key type); `hint` says what to do.
pub fn cannot_hold(format: &str, field: Field, what: impl std::fmt::Display, hint: &str) -> Error {
    Error::invalid(
        Field::Format,
        format!("the {format} format cannot hold {what}"),
    )
    .with_field(field)
    .with_hint(format!("{hint}, or use {} json", Field::Format.mention()))
}

/// How a record's private key is protected, in the same words in every
/// shape that says it (text, json).
pub fn key_protection(encrypted: bool) -> &'static str {
    if encrypted {
        "encrypted (PBES2: scrypt N=2^14 r=8 p=5, AES-256-CBC)"
    } else {
        "NOT encrypted (stored without a passphrase)"
    }
}

/// Serializes JSON, compact or pretty, with a trailing newline.
pub fn to_json(v: &impl serde::Serialize, pretty: bool) -> Result<Vec<u8>> {
    let out = if pretty {
        serde_json::to_vec_pretty(v)
    } else {
        serde_json::to_vec(v)
    }
    .map_err(|e| Error::internal(format!("JSON encoding: {e}")))?;
    // Vendor bodies and csrkit's own alike: no string holds a character a
    // terminal acts on (bidi, zero-width, C1), each as its `\uXXXX`.
    let mut out = list::terminal_safe(out);
    out.push(b'\n');
    Ok(out)
}

/// Milliseconds since the epoch for an RFC 3339 time (0 if unparsable).
pub fn epoch_ms(rfc3339: &str) -> i64 {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .unwrap_or(0)
}
