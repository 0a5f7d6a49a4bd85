//! `--format sbc` (Oracle SBC `generateRequest` responses and error
//! envelopes) and SBC certificate-record request bodies: the REST
//! configuration body (`<configElement>`), `<certificateRecord>` XML, or
//! JSON. See docs/vendor-formats.md.
//! XML is written and read with quick-xml, never by string concatenation.

use crate::field::Field;
use std::io;

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::{Reader, Writer};
use serde_json::Value;

use super::body::{json_members, nonempty, split_list, validate_as};
use super::{CertView, ExportView, Op, Options, RecordView, Shape};
use crate::csr::ParsedCsr;
use crate::error::{Error, Kind, Result};
use crate::keystore::RecordMeta;
use crate::request::RequestInput;

/// The shape (a unit struct; see [`Shape`]).
pub struct Sbc;

/// What goes into `<data>` (a CSR) or `<messages>` (an error).
enum Body<'a> {
    Csr {
        name: &'a str,
        pem: &'a str,
    },
    /// `certificates/import`'s answer: the certificate record's name.
    Imported {
        name: &'a str,
    },
    Error {
        code: &'a str,
        text: &'a str,
    },
}

/// The SBC response envelope: `<response><data/><messages/><links/></response>`.
fn envelope(body: Body<'_>, pretty: bool) -> Result<Vec<u8>> {
    let mut w = if pretty {
        Writer::new_with_indent(Vec::new(), b' ', 2)
    } else {
        Writer::new(Vec::new())
    };
    let write = |w: &mut Writer<Vec<u8>>| -> io::Result<()> {
        w.write_event(Event::Decl(BytesDecl::new(
            "1.0",
            Some("UTF-8"),
            Some("yes"),
        )))?;
        w.create_element("response").write_inner_content(|w| {
            match &body {
                Body::Csr { name, pem } => {
                    w.create_element("data").write_inner_content(|w| {
                        w.create_element("CertificateRequest")
                            .write_inner_content(|w| {
                                w.create_element("recordName")
                                    .write_text_content(BytesText::new(name))?;
                                w.create_element("certificateSignedRequest")
                                    .write_text_content(BytesText::new(pem))?;
                                Ok(())
                            })?;
                        Ok(())
                    })?;
                    w.create_element("messages").write_empty()?;
                }
                Body::Imported { name } => {
                    w.create_element("data").write_inner_content(|w| {
                        w.create_element("recordName")
                            .write_text_content(BytesText::new(name))?;
                        Ok(())
                    })?;
                    w.create_element("messages").write_empty()?;
                }
                Body::Error { code, text } => {
                    w.create_element("data").write_empty()?;
                    w.create_element("messages").write_inner_content(|w| {
                        w.create_element("error").write_inner_content(|w| {
                            w.create_element("reasonCode")
                                .write_text_content(BytesText::new(code))?;
                            w.create_element("reasonText")
                                .write_text_content(BytesText::new(text))?;
                            Ok(())
                        })?;
                        Ok(())
                    })?;
                }
            }
            w.create_element("links").write_empty()?;
            Ok(())
        })?;
        Ok(())
    };
    write(&mut w).map_err(|e| Error::internal(format!("XML encoding: {e}")))?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

/// `<ImportCertificate><recordName>NAME</recordName><format>x509</format>
/// <certificateRequest>PEM</certificateRequest></ImportCertificate>`: the
/// leaf, then the chain (issuer first), as the SBC's import takes an
/// X.509 chain.
fn import_body(
    name: &str,
    leaf: &crate::cert::Cert,
    chain: &[crate::cert::Cert],
    pretty: bool,
) -> Result<Vec<u8>> {
    let pem = crate::export::pem_bundle(leaf, chain, None)?;
    let pem = std::str::from_utf8(&pem).map_err(|e| Error::internal(e.to_string()))?;
    let mut w = if pretty {
        Writer::new_with_indent(Vec::new(), b' ', 2)
    } else {
        Writer::new(Vec::new())
    };
    w.create_element("ImportCertificate")
        .write_inner_content(|w| {
            w.create_element("recordName")
                .write_text_content(BytesText::new(name))?;
            w.create_element("format")
                .write_text_content(BytesText::new("x509"))?;
            w.create_element("certificateRequest")
                .write_text_content(BytesText::new(pem))?;
            Ok::<(), io::Error>(())
        })
        .map_err(|e| Error::internal(format!("XML encoding: {e}")))?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

fn csr_body(name: &str, csr: &ParsedCsr, o: Options) -> Result<Vec<u8>> {
    envelope(
        Body::Csr {
            name,
            pem: &csr.pem(),
        },
        o.pretty,
    )
}

/// The HTTP reason-phrase constant for an error kind (also used by NSX).
/// The error envelope with `reasonCode` `code` (an HTTP reason phrase as
/// a constant) and `reasonText` `text`.
pub fn error_body(code: &str, text: &str, pretty: bool) -> Result<Vec<u8>> {
    envelope(Body::Error { code, text }, pretty)
}

pub fn reason_code(kind: Kind) -> &'static str {
    match kind.http_status() {
        400 => "BAD_REQUEST",
        401 => "UNAUTHORIZED",
        404 => "NOT_FOUND",
        409 => "CONFLICT",
        423 => "LOCKED",
        _ => "INTERNAL_SERVER_ERROR",
    }
}

impl Shape for Sbc {
    fn name(&self) -> &'static str {
        "sbc"
    }
    fn ops(&self) -> &'static [Op] {
        &[
            Op::Generate,
            Op::Regenerate,
            Op::Show,
            Op::Download,
            Op::Import,
            Op::Export,
        ]
    }
    /// `PUT .../certificates/import`: "certificate record name in request
    /// body is returned in response body", in the usual envelope.
    fn certificate(&self, v: &CertView<'_>, o: Options) -> Result<Vec<u8>> {
        envelope(Body::Imported { name: &v.meta.name }, o.pretty)
    }
    /// `PUT /rest/{version}/configuration/certificates/import`: the
    /// `<ImportCertificate>` body (the certificate-record keeps the key).
    fn export(&self, v: &ExportView<'_>, o: Options) -> Result<Vec<u8>> {
        import_body(&v.meta.name, v.leaf, v.chain, o.pretty)
    }
    /// PUT generateRequest (and, through `regenerate`, `reGenerate=true`).
    fn generate(&self, v: &RecordView<'_>, o: Options) -> Result<Vec<u8>> {
        csr_body(&v.meta.name, v.csr, o)
    }
    fn show(&self, meta: Option<&RecordMeta>, csr: &ParsedCsr, o: Options) -> Result<Vec<u8>> {
        csr_body(meta.map(|m| m.name.as_str()).unwrap_or(""), csr, o)
    }
    fn download(&self, v: &RecordView<'_>, _details: bool, o: Options) -> Result<Vec<u8>> {
        csr_body(&v.meta.name, v.csr, o)
    }
    fn error(&self, _op: Op, err: &Error, o: Options) -> Option<Vec<u8>> {
        error_body(reason_code(err.kind), &err.message, o.pretty).ok()
    }
}

// ---------------------------------------------------------------------------
// certificate-record request bodies

/// ACLI field names we accept (the CSR-relevant fields of a certificate-record).
const FIELDS: &[&str] = &[
    "name",
    "country",
    "state",
    "locality",
    "organization",
    "unit",
    "common-name",
    "key-size",
    "alternate-name",
    "key-usage-list",
    "extended-key-usage-list",
    "key-algor",
    "ecdsa-key-size",
    "digest-algor",
];
const LISTS: &[&str] = &[
    "key-usage-list",
    "extended-key-usage-list",
    "alternate-name",
];

/// `commonName` and `common-name` are the same field (REST XML vs ACLI).
fn acli_name(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out.replace('_', "-")
}

/// Field values in order of appearance.
type Fields = Vec<(String, String, Vec<String>)>;

fn push(fields: &mut Fields, given: &str, values: Vec<String>) -> Result<()> {
    let name = acli_name(given);
    if !FIELDS.contains(&name.as_str()) {
        return Err(Error::invalid(
            Field::Request,
            format!("unknown field `{given}` in the SBC certificate-record body"),
        )
        .with_label(given)
        .with_hint(format!("accepted fields: {}", FIELDS.join(", "))));
    }
    if let Some(f) = fields.iter_mut().find(|f| f.0 == name) {
        if !LISTS.contains(&name.as_str()) {
            return Err(
                Error::invalid_as(given, "given more than once in the SBC request body")
                    .with_field(Field::Request),
            );
        }
        f.2.extend(values);
        return Ok(());
    }
    fields.push((name, given.to_string(), values));
    Ok(())
}

fn xml_err(e: impl std::fmt::Display) -> Error {
    Error::invalid(
        Field::Request,
        format!("SBC request body: malformed XML: {e}"),
    )
}

/// The name of an XML body's root element (`None` when there is none).
fn root_name(text: &str) -> Result<Option<String>> {
    let mut reader = Reader::from_str(text);
    loop {
        match reader.read_event().map_err(xml_err)? {
            Event::Start(e) | Event::Empty(e) => {
                return Ok(Some(
                    String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                ))
            }
            Event::Eof => return Ok(None),
            _ => {}
        }
    }
}

/// What [`parse_config_element`] has read so far.
#[derive(Default)]
struct ConfigElement {
    fields: Fields,
    element_type: Option<String>,
    name: Option<String>,
    values: Vec<String>,
}

impl ConfigElement {
    /// Takes in the text of the element `tag` that just closed.
    fn close(&mut self, tag: &str, text: String) -> Result<()> {
        let text = text.trim().to_string();
        match tag {
            "elementType" if self.element_type.is_some() => {
                Err(xml_err("<elementType> is given more than once"))
            }
            "elementType" => {
                self.element_type = Some(text);
                Ok(())
            }
            "name" if self.name.is_some() => {
                Err(xml_err("an <attribute> has more than one <name>"))
            }
            "name" => {
                self.name = Some(text);
                Ok(())
            }
            "value" => {
                self.values.push(text);
                Ok(())
            }
            "attribute" => {
                let name = self
                    .name
                    .take()
                    .ok_or_else(|| xml_err("an <attribute> without a <name>"))?;
                let values = std::mem::take(&mut self.values);
                if values.len() > 1 && !LISTS.contains(&acli_name(&name).as_str()) {
                    return Err(Error::invalid_as(
                        &name,
                        "has more than one <value> but is not a list in the SBC request body",
                    )
                    .with_field(Field::Request));
                }
                push(&mut self.fields, &name, values)
            }
            _ => Ok(()),
        }
    }
}

/// Reads the SBC's configuration body, as `POST
/// /rest/{version}/configuration/configElements` takes it:
/// `<configElement><elementType>certificate-record</elementType>` and one
/// `<attribute><name>..</name><value>..</value></attribute>` per field (a
/// list field repeats `<value>`). The field names are those of
/// `<certificateRecord>`; any other element is an error naming it.
fn parse_config_element(text: &str) -> Result<Fields> {
    let mut reader = Reader::from_str(text);
    let mut open: Vec<String> = Vec::new();
    let mut buf = String::new();
    let mut seen_root = false;
    let mut ce = ConfigElement::default();
    let leaf = |open: &[String]| {
        matches!(
            open.last().map(String::as_str),
            Some("elementType" | "name" | "value")
        )
    };
    loop {
        let ev = reader.read_event().map_err(xml_err)?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let tag = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let allowed = match open.len() {
                    0 => !seen_root && tag == "configElement",
                    1 => tag == "elementType" || tag == "attribute",
                    2 => open[1] == "attribute" && (tag == "name" || tag == "value"),
                    _ => false,
                };
                if !allowed {
                    let inside = open
                        .last()
                        .map(|p| format!(" in <{p}>"))
                        .unwrap_or_default();
                    return Err(Error::invalid(
                        Field::Request,
                        format!("SBC configElement body: unexpected element <{tag}>{inside}"),
                    )
                    .with_label(&tag));
                }
                seen_root = true;
                buf.clear();
                if matches!(ev, Event::Empty(_)) {
                    ce.close(&tag, String::new())?;
                } else {
                    open.push(tag);
                }
            }
            Event::End(_) => {
                let tag = open
                    .pop()
                    .ok_or_else(|| xml_err("an end tag without a start tag"))?;
                ce.close(&tag, std::mem::take(&mut buf))?;
            }
            Event::Text(t) => {
                let t = t.xml10_content().map_err(xml_err)?;
                if leaf(&open) {
                    buf.push_str(&t);
                } else if !t.trim().is_empty() {
                    return Err(xml_err("text outside <elementType>, <name> or <value>"));
                }
            }
            Event::CData(t) if leaf(&open) => buf.push_str(&t.decode().map_err(xml_err)?),
            Event::CData(_) => {
                return Err(xml_err("CDATA outside <elementType>, <name> or <value>"))
            }
            Event::GeneralRef(r) => {
                if !leaf(&open) {
                    return Err(xml_err(
                        "an entity outside <elementType>, <name> or <value>",
                    ));
                }
                if let Some(c) = r.resolve_char_ref().map_err(xml_err)? {
                    buf.push(c);
                } else {
                    let name = r.decode().map_err(xml_err)?;
                    let v = quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| xml_err(format!("unknown entity &{name};")))?;
                    buf.push_str(v);
                }
            }
            Event::Eof if !open.is_empty() => {
                return Err(xml_err("the document ends inside an element"))
            }
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    match ce.element_type.as_deref() {
        Some(t) if acli_name(t) == "certificate-record" => Ok(ce.fields),
        Some(t) => Err(Error::invalid_as(
            "elementType",
            format!(
                "'{}' is not certificate-record (the element a CSR is generated for)",
                t.escape_default()
            ),
        )
        .with_field(Field::Request)),
        None => Err(xml_err("the <configElement> has no <elementType>")),
    }
}

fn parse_xml(text: &str) -> Result<Fields> {
    // Text is not trimmed by the reader (that would eat the spaces around
    // `&amp;`); each value is trimmed once it is complete.
    let mut reader = Reader::from_str(text);
    let mut fields = Fields::new();
    let mut depth = 0usize;
    let mut seen_root = false;
    let mut current: Option<(String, String)> = None;
    let name_of = |e: &quick_xml::events::BytesStart<'_>| {
        String::from_utf8_lossy(e.name().as_ref()).into_owned()
    };
    loop {
        match reader.read_event().map_err(xml_err)? {
            Event::Start(e) | Event::Empty(e) if depth == 0 && seen_root => {
                return Err(xml_err(format!("a second root element <{}>", name_of(&e))));
            }
            ev @ (Event::Start(_) | Event::Empty(_)) if depth == 0 => {
                let (Event::Start(e) | Event::Empty(e)) = &ev else {
                    unreachable!()
                };
                let root = name_of(e);
                if acli_name(&root) != "certificate-record" {
                    return Err(Error::invalid(Field::Request, format!("SBC request body: the root element is <{root}>, expected <certificateRecord>")));
                }
                seen_root = true;
                depth = usize::from(matches!(ev, Event::Start(_)));
            }
            Event::Start(e) if depth == 1 => {
                current = Some((name_of(&e), String::new()));
                depth = 2;
            }
            Event::Empty(e) if depth == 1 => push(&mut fields, &name_of(&e), vec![])?,
            Event::Start(e) | Event::Empty(e) => {
                let name = name_of(&e);
                return Err(Error::invalid(
                    Field::Request,
                    format!("SBC request body: unexpected nested element <{name}>"),
                )
                .with_label(&name));
            }
            Event::Text(t) => {
                let t = t.xml10_content().map_err(xml_err)?;
                match &mut current {
                    Some((_, buf)) => buf.push_str(&t),
                    None if t.trim().is_empty() => {}
                    None => return Err(xml_err("text outside a field element")),
                }
            }
            Event::CData(t) => match &mut current {
                Some((_, buf)) => buf.push_str(&t.decode().map_err(xml_err)?),
                None => return Err(xml_err("CDATA outside a field element")),
            },
            Event::GeneralRef(r) => {
                let Some((_, buf)) = &mut current else {
                    return Err(xml_err("an entity outside a field element"));
                };
                if let Some(c) = r.resolve_char_ref().map_err(xml_err)? {
                    buf.push(c);
                } else {
                    let name = r.decode().map_err(xml_err)?;
                    let v = quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| xml_err(format!("unknown entity &{name};")))?;
                    buf.push_str(v);
                }
            }
            Event::End(_) if depth == 2 => {
                let (name, value) = current.take().expect("inside a field");
                push(&mut fields, &name, vec![value.trim().to_string()])?;
                depth = 1;
            }
            Event::End(_) => depth = 0,
            Event::Eof if depth > 0 => return Err(xml_err("the document ends inside an element")),
            Event::Eof if !seen_root => return Err(xml_err("no root element")),
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    Ok(fields)
}

fn parse_json(text: &str) -> Result<Fields> {
    // A duplicate key is an error naming it, as in XML and every other
    // vendor's JSON (a `Value` object kept the last one silently).
    let members = json_members("SBC", text, acli_name)?;
    let mut fields = Fields::new();
    for (k, v) in members {
        let values = match v {
            Value::Null => vec![],
            Value::String(s) => vec![s],
            Value::Number(n) => vec![n.to_string()],
            Value::Array(items) => items
                .into_iter()
                .map(|i| match i {
                    Value::String(s) => Ok(s),
                    other => Err(
                        Error::invalid_as(&k, format!("expected strings, found {other}"))
                            .with_field(Field::Request),
                    ),
                })
                .collect::<Result<_>>()?,
            other => {
                return Err(Error::invalid_as(
                    &k,
                    format!("expected a string or a list, found {other}"),
                )
                .with_field(Field::Request))
            }
        };
        push(&mut fields, &k, values)?;
    }
    Ok(fields)
}

/// csrkit's fields as this vendor's bodies name them.
pub const FIELD_NAMES: &[(Field, &str)] = &[
    (Field::CommonName, "commonName"),
    (Field::Country, "country"),
    (Field::State, "state"),
    (Field::Locality, "locality"),
    (Field::Organization, "organization"),
    (Field::OrganizationalUnit, "unit"),
    (Field::KeySize, "keySize"),
    (Field::KeyType, "keyAlgor"),
    (Field::Curve, "ecdsaKeySize"),
    (Field::Digest, "digestAlgor"),
    (Field::San, "alternateName"),
    (Field::Dns, "alternateName"),
    (Field::Ip, "alternateName"),
    (Field::Email, "alternateName"),
    (Field::Uri, "alternateName"),
    (Field::KeyUsage, "keyUsageList"),
    (Field::ExtendedKeyUsage, "extendedKeyUsageList"),
];

/// `alternate-name` entries: `TYPE:VALUE`, or a bare IP address or DNS name.
fn typed_san(v: &str) -> String {
    if v.contains(':') && v.parse::<std::net::IpAddr>().is_err() {
        v.to_string()
    } else if v.parse::<std::net::IpAddr>().is_ok() {
        format!("ip:{v}")
    } else {
        format!("dns:{v}")
    }
}

/// Reads an SBC certificate-record: the REST configuration body
/// (`<configElement>`), `<certificateRecord>` XML or JSON. Errors name the
/// SBC field or element: an unknown field, a malformed document, a
/// repeated single field, `sha1`, or a value csrkit refuses.
pub fn parse_request(text: &str) -> Result<RequestInput> {
    let xml = text.trim_start().starts_with('<');
    let fields = if xml {
        match root_name(text)?.as_deref() {
            Some("configElement") => parse_config_element(text)?,
            _ => parse_xml(text)?,
        }
    } else {
        parse_json(text)?
    };
    let mut input = RequestInput::default();
    let mut names: Vec<(Field, String)> = Vec::new();
    for (name, given, values) in fields {
        let one = || nonempty(values.first().cloned());
        match name.as_str() {
            "name" => input.name = one(),
            "country" => input.country = one(),
            "state" => input.state = one(),
            "locality" => input.locality = one(),
            "organization" => input.organization = one(),
            "unit" => input.organizational_unit = one().map(|u| vec![u]),
            "common-name" => input.common_name = one(),
            "key-size" => {
                input.key_size =
                    one()
                        .map(|s| s.trim().parse::<u32>())
                        .transpose()
                        .map_err(|_| {
                            Error::invalid_as(
                                &given,
                                format!(
                                    "'{}' is not a key size in bits",
                                    values[0].escape_default()
                                ),
                            )
                            .with_field(Field::KeySize)
                        })?
            }
            "key-algor" => input.key_type = one(),
            "ecdsa-key-size" => input.curve = one(),
            "digest-algor" => {
                input.digest = one();
                if input
                    .digest
                    .as_deref()
                    .is_some_and(|d| d.trim().eq_ignore_ascii_case("sha1"))
                {
                    return Err(Error::invalid_as(&given, "sha1 is refused: SHA-1 signatures are broken (collisions are practical) and CAs reject them")
                        .with_field(Field::Digest)
                        .with_hint("use sha256 or sha512"));
                }
            }
            "alternate-name" => {
                let sans: Vec<String> = values
                    .iter()
                    .flat_map(|v| v.split(','))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(typed_san)
                    .collect();
                input.san = (!sans.is_empty()).then_some(sans);
            }
            "key-usage-list" => {
                input.key_usage = Some(split_list(&values)).filter(|l| !l.is_empty())
            }
            "extended-key-usage-list" => {
                input.extended_key_usage = Some(split_list(&values)).filter(|l| !l.is_empty())
            }
            _ => unreachable!("checked against FIELDS"),
        }
        for (flag, n) in FIELD_NAMES {
            if acli_name(n) == name {
                names.push((*flag, given.clone()));
            }
        }
    }
    // On the SBC, key-size is the RSA size; an ECDSA key's size is ecdsa-key-size.
    if input
        .key_type
        .as_deref()
        .is_some_and(|k| k.trim().eq_ignore_ascii_case("ecdsa"))
    {
        input.key_size = None;
    }
    let table: Vec<(Field, &str)> = names.iter().map(|(f, g)| (*f, g.as_str())).collect();
    validate_as(&input, "SBC", &table)?;
    Ok(input)
}

/// Reads an SBC import body (`PUT /configuration/certificates/import`):
/// `<ImportCertificate>` with `recordName`, `format` (`x509`; `pkcs7` is
/// read as the certificates it carries), `certificateRequest` (the PEM
/// chain) and `overwrite` (accepted). Errors (exit 2) name the element: a
/// malformed document, another root, an unknown element, a missing
/// `recordName` or `certificateRequest`.
pub fn parse_import(text: &str) -> Result<super::body::ImportBody> {
    let mut reader = Reader::from_str(text);
    let mut depth = 0usize;
    let mut current: Option<String> = None;
    let mut buf = String::new();
    let (mut record, mut pem, mut format) = (None, None, None);
    loop {
        match reader.read_event().map_err(xml_err)? {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                match depth {
                    0 if name != "ImportCertificate" => {
                        return Err(Error::invalid_as(
                            "ImportCertificate",
                            format!(
                                "the root element is <{}>, expected <ImportCertificate>",
                                crate::csr::term(&name)
                            ),
                        ))
                    }
                    1 if !["recordName", "format", "certificateRequest", "overwrite"]
                        .contains(&name.as_str()) =>
                    {
                        return Err(Error::invalid_as(
                            "ImportCertificate",
                            format!(
                                "<{}> is not an element of ImportCertificate",
                                crate::csr::term(&name)
                            ),
                        ))
                    }
                    1 => {
                        current = Some(name);
                        buf.clear();
                    }
                    _ => {}
                }
                depth += 1;
            }
            Event::Text(t) if current.is_some() => {
                buf.push_str(&t.decode().map_err(xml_err)?);
            }
            Event::GeneralRef(r) if current.is_some() => {
                if let Some(c) = r.resolve_char_ref().map_err(xml_err)? {
                    buf.push(c);
                } else {
                    let name = r.decode().map_err(xml_err)?;
                    let v = quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| xml_err(format!("unknown entity &{name};")))?;
                    buf.push_str(v);
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 1 {
                    let v = std::mem::take(&mut buf).trim().to_string();
                    match current.take().as_deref() {
                        Some("recordName") => record = Some(v),
                        Some("certificateRequest") => pem = Some(v),
                        Some("format") => format = Some(v),
                        _ => {}
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(f) = format.as_deref() {
        if !["x509", "pkcs7"].contains(&f.to_ascii_lowercase().as_str()) {
            return Err(Error::invalid_as(
                "format",
                format!("'{}' is not x509 or pkcs7", crate::csr::term(f)),
            ));
        }
    }
    let record = record.filter(|r| !r.is_empty()).ok_or_else(|| {
        Error::invalid_as("recordName", "the import body names no certificate-record")
    })?;
    let pem = pem.filter(|p| !p.is_empty()).ok_or_else(|| {
        Error::invalid_as(
            "certificateRequest",
            "the import body carries no certificate",
        )
    })?;
    Ok(super::body::ImportBody {
        vendor: "SBC",
        certificates: pem,
        record: Some(record),
    })
}
