//! Reading a CSR (RFC 2986 4.1 CertificationRequest) as OpenSSL does:
//! PEM or DER input, any `version` (a warning when not 0), subject names
//! with every directory string type (RFC 5280 4.1.2.4) and multi-valued
//! RDNs in any order, every CSR attribute, the extension request (the
//! first, as OpenSSL chooses), then the signature over the
//! certificationRequestInfo bytes exactly as received ([`super::verify`]).

use crate::field::Field;
use aws_lc_rs::digest;

use super::describe::{self, extension_name};
use super::name::decode_name_warn;
use super::tlv::{hex, oid_string, read_one, tag, Tlv};
use super::verify::verify_signature;
use super::{hex_colon, ParsedCsr};
use crate::error::{Error, Kind, Result};

const OID_EXT_REQ: &str = "1.2.840.113549.1.9.14";
const OID_MS_EXT_REQ: &str = "1.3.6.1.4.1.311.2.1.14";

fn bad_csr(m: impl std::fmt::Display) -> Error {
    Error::new(Kind::Invalid, format!("not a valid CSR: {m}"))
        .with_field(Field::File)
        .with_hint(
            "give a PKCS#10 request as PEM (CERTIFICATE REQUEST or NEW CERTIFICATE REQUEST) or DER",
        )
}

/// Reads CSR bytes: PEM (`CERTIFICATE REQUEST` or `NEW CERTIFICATE
/// REQUEST`) or DER. Errors (exit 2) name what is wrong with the input.
pub fn decode_input(data: &[u8]) -> Result<Vec<u8>> {
    let trimmed = data
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| &data[i..])
        .unwrap_or(&[]);
    if trimmed.is_empty() {
        return Err(bad_csr("the input is empty"));
    }
    if trimmed.starts_with(b"-----BEGIN")
        || (trimmed[0] != 0x30 && std::str::from_utf8(data).is_ok())
    {
        let text = std::str::from_utf8(data).map_err(|_| bad_csr("the PEM text is not UTF-8"))?;
        let blocks = pem::parse_many(text).map_err(|e| bad_csr(format!("bad PEM: {e}")))?;
        if blocks.is_empty() {
            let bare_base64 = text.bytes().all(|b| {
                b.is_ascii_alphanumeric() || b"+/=".contains(&b) || b.is_ascii_whitespace()
            });
            return Err(if bare_base64 {
                bad_csr("no PEM block found; the text looks like bare base64 (an EST body?)")
                    .with_hint("wrap it in -----BEGIN CERTIFICATE REQUEST----- and -----END CERTIFICATE REQUEST----- lines, or decode it to DER (base64 -d)")
            } else {
                bad_csr("no PEM block found")
            });
        }
        return blocks
            .into_iter()
            .find(|b| b.tag() == "CERTIFICATE REQUEST" || b.tag() == "NEW CERTIFICATE REQUEST")
            .map(|b| b.into_contents())
            .ok_or_else(|| {
                let label = crate::keys::pem_label(text).unwrap_or("").to_string();
                bad_csr(format!(
                    "the PEM label is '{label}', expected 'CERTIFICATE REQUEST'"
                ))
            });
    }
    Ok(trimmed.to_vec())
}

fn sha256_colon(data: &[u8]) -> String {
    hex_colon(digest::digest(&digest::SHA256, data).as_ref())
}

/// Decodes a CSR and verifies its self-signature over the
/// certificationRequestInfo bytes as received. `Err` (exit 2, "not a valid
/// CSR: ...") when the request's structure cannot be read; otherwise the
/// verdict, warnings and everything readable are in the [`ParsedCsr`].
pub fn parse(der_bytes: &[u8]) -> Result<ParsedCsr> {
    let outer = read_one(der_bytes).map_err(|e| bad_csr(format!("the request: {e}")))?;
    let parts = match outer.tag {
        tag::SEQUENCE => outer
            .children()
            .map_err(|e| bad_csr(format!("the request: {e}")))?,
        _ => return Err(bad_csr("the request is not a SEQUENCE")),
    };
    let [info, alg, sig] = parts.as_slice() else {
        return Err(bad_csr(
            "the request is not a request info, a signature algorithm and a signature",
        ));
    };
    if info.tag != tag::SEQUENCE {
        return Err(bad_csr("the certificationRequestInfo is not a SEQUENCE"));
    }
    if alg.tag != tag::SEQUENCE {
        return Err(bad_csr("the signature algorithm is not a SEQUENCE"));
    }
    if sig.tag != tag::BIT_STRING {
        return Err(bad_csr("the signature is not a BIT STRING"));
    }
    let f = info
        .children()
        .map_err(|e| bad_csr(format!("the certificationRequestInfo: {e}")))?;
    let (version, subject, spki, attrs) =
        match f.as_slice() {
            [v, s, k] => (v, s, k, None),
            [v, s, k, a] => (v, s, k, Some(a)),
            _ => return Err(bad_csr(
                "the certificationRequestInfo is not a version, subject, public key and attributes",
            )),
        };
    let mut warnings = Vec::new();
    if version.tag != tag::INTEGER || version.content.is_empty() {
        return Err(bad_csr("the version is not an INTEGER"));
    }
    if let [first, second, ..] = version.content {
        // X.690 8.3.2: the first nine bits are never all equal. OpenSSL
        // refuses such padding too.
        if (*first == 0 && second & 0x80 == 0) || (*first == 0xff && second & 0x80 != 0) {
            return Err(bad_csr(
                "the version INTEGER has illegal padding (X.690 8.3.2)",
            ));
        }
    }
    let version_n = version.small_int().unwrap_or(-1);
    if version_n != 0 {
        let shown = version
            .small_int()
            .map_or_else(|| format!("0x{}", hex(version.content)), |v| v.to_string());
        warnings.push(format!(
            "version {shown}: RFC 2986 defines only version 0 (v1); read as v1, as OpenSSL does"
        ));
    }
    let subject = decode_name_warn(subject, &mut warnings, true)
        .map_err(|e| bad_csr(format!("the subject: {e}")))?;
    if spki.tag != tag::SEQUENCE {
        return Err(bad_csr("the subject public key info is not a SEQUENCE"));
    }
    let mut sans = Vec::new();
    let mut extensions = Vec::new();
    let mut attributes = Vec::new();
    match attrs {
        None => warnings
            .push("the request has no attributes field (RFC 2986 requires it, even empty)".into()),
        Some(a) if a.tag != 0xa0 => {
            return Err(bad_csr("the attributes are not a [0] SET OF Attribute"))
        }
        Some(a) => read_attributes(
            a,
            &mut attributes,
            &mut extensions,
            &mut sans,
            &mut warnings,
        )?,
    }
    if [&outer, info, alg, sig, spki]
        .iter()
        .any(|t| t.non_der_length)
    {
        warnings.push("the request uses BER lengths (not DER); read as OpenSSL does".into());
    }

    let v = verify_signature(alg.raw, spki.raw, info.raw, sig.content);
    warnings.extend(v.warnings);
    let warnings = collapse(warnings);
    Ok(ParsedCsr {
        der: der_bytes.to_vec(),
        version: version_n,
        subject,
        sans,
        extensions,
        attributes,
        key: v.key,
        signature_algorithm: v.algorithm,
        signature_parameters: v.parameters,
        verified: v.verdict == super::Verdict::Valid,
        verdict: v.verdict,
        warnings,
        fingerprint_sha256: sha256_colon(der_bytes),
        spki_sha256: sha256_colon(spki.raw),
        spki_der: spki.raw.to_vec(),
    })
}

/// The same warning once, with a count when it came up more than once
/// (a hostile request can repeat one thing many thousand times).
fn collapse(warnings: Vec<String>) -> Vec<String> {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for w in &warnings {
        *counts.entry(w.as_str()).or_default() += 1;
    }
    if counts.len() == warnings.len() {
        return warnings;
    }
    let mut out = Vec::with_capacity(counts.len());
    for w in &warnings {
        if let Some(n) = counts.remove(w.as_str()) {
            out.push(if n > 1 {
                format!("{w} ({n} times)")
            } else {
                w.clone()
            });
        }
    }
    out
}

/// Reads the attributes (RFC 2986 4.1: SET OF Attribute { type, SET OF
/// value }); the extension request OpenSSL uses is the first
/// extensionRequest, else the first Microsoft msExtReq, and in it the
/// first value.
fn read_attributes(
    a: &Tlv<'_>,
    attributes: &mut Vec<super::ParsedAttribute>,
    extensions: &mut Vec<super::ParsedExtension>,
    sans: &mut Vec<super::ParsedSan>,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let mut ext_reqs: Vec<(String, Tlv<'_>, usize)> = Vec::new();
    for attr in a
        .children()
        .map_err(|e| bad_csr(format!("the attributes: {e}")))?
    {
        let f = if attr.tag == tag::SEQUENCE {
            attr.children()
                .map_err(|e| bad_csr(format!("an attribute: {e}")))?
        } else {
            Vec::new()
        };
        let [ty, set] = f.as_slice() else {
            return Err(bad_csr("an attribute is not a type and a SET of values"));
        };
        let oid = (ty.tag == tag::OID)
            .then(|| oid_string(ty.content))
            .flatten()
            .ok_or_else(|| bad_csr("an attribute type is not a valid OID"))?;
        if set.tag != tag::SET {
            return Err(bad_csr(format!(
                "attribute {oid}: the values are not a SET"
            )));
        }
        let values = set
            .children()
            .map_err(|e| bad_csr(format!("attribute {oid}: {e}")))?;
        if oid == OID_EXT_REQ || oid == OID_MS_EXT_REQ {
            if let Some(first) = values.first() {
                ext_reqs.push((oid.clone(), *first, values.len()));
            }
        }
        attributes.push(describe::attribute(&oid, &values, warnings));
    }
    if ext_reqs.len() > 1 {
        warnings.push(format!(
            "the request has {} extension request attributes; only the first is used, as OpenSSL does",
            ext_reqs.len()
        ));
    }
    let chosen = ext_reqs
        .iter()
        .find(|(o, _, _)| o == OID_EXT_REQ)
        .or_else(|| ext_reqs.first());
    if let Some((oid, value, count)) = chosen {
        if *count > 1 {
            warnings.push(format!(
                "the extension request attribute has {count} values; only the first is used, as OpenSSL does"
            ));
        }
        if oid == OID_MS_EXT_REQ {
            warnings.push(
                "the extensions are in Microsoft's msExtReq attribute (1.3.6.1.4.1.311.2.1.14)"
                    .into(),
            );
        }
        read_extensions(value, extensions, sans, warnings);
    }
    Ok(())
}

/// Reads Extensions (RFC 5280 4.1: SEQUENCE OF Extension { extnID,
/// critical DEFAULT FALSE, extnValue OCTET STRING }). A malformed request
/// is a warning: the signature still decides the verdict.
fn read_extensions(
    value: &Tlv<'_>,
    extensions: &mut Vec<super::ParsedExtension>,
    sans: &mut Vec<super::ParsedSan>,
    warnings: &mut Vec<String>,
) {
    let malformed = |warnings: &mut Vec<String>, what: &str| {
        warnings.push(format!(
            "the extension request is malformed ({what}); the extensions after that point are not shown"
        ));
    };
    if value.tag != tag::SEQUENCE {
        return malformed(warnings, "not a SEQUENCE");
    }
    let Ok(items) = value.children() else {
        return malformed(warnings, "bad encoding");
    };
    let mut seen = std::collections::HashSet::new();
    for ext in items {
        let Some(f) = (ext.tag == tag::SEQUENCE)
            .then(|| ext.children().ok())
            .flatten()
        else {
            return malformed(warnings, "an extension is not a SEQUENCE");
        };
        let (id, critical, octets) = match f.as_slice() {
            [id, v] => (id, None, v),
            [id, c, v] => (id, Some(c), v),
            _ => return malformed(warnings, "an extension has the wrong number of fields"),
        };
        let Some(oid) = (id.tag == tag::OID)
            .then(|| oid_string(id.content))
            .flatten()
        else {
            return malformed(warnings, "an extension's ID is not an OID");
        };
        let critical = match critical {
            None => false,
            Some(c) if c.tag == tag::BOOLEAN && c.content.len() == 1 => c.content[0] != 0,
            Some(_) => return malformed(warnings, "a critical flag is not a BOOLEAN"),
        };
        if octets.tag != tag::OCTET_STRING {
            return malformed(warnings, "an extension value is not an OCTET STRING");
        }
        if !seen.insert(oid.clone()) {
            warnings.push(format!(
                "the extension request repeats {} (RFC 5280 4.2 allows each extension once)",
                extension_name(&oid).unwrap_or(&oid)
            ));
        }
        extensions.push(describe::extension(
            oid,
            critical,
            octets.content,
            sans,
            warnings,
        ));
    }
}

/// Parses and insists that the signature verifies: exit 7 otherwise, or
/// exit 2 for an algorithm csrkit does not implement or a malformed key.
pub fn parse_verified(der_bytes: &[u8]) -> Result<ParsedCsr> {
    let p = parse(der_bytes)?;
    match p.verification_error() {
        None => Ok(p),
        Some(e) => Err(e),
    }
}
