//! What a request asks for beyond the subject, SANs and usages: the TLS
//! Feature extension (`--must-staple`, RFC 7633), any other extension as
//! DER (`--extension OID[:critical]:HEX`, like `openssl req -addext`), and
//! the PKCS#9 CSR attributes unstructuredName and challengePassword
//! (RFC 2985 §5.4). The challenge password is a secret: it is never
//! serialized (records do not keep it). No I/O here.

use crate::field::Field;
use crate::mention;
use der::asn1::ObjectIdentifier;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::der::{check_tlv, from_hex, to_hex};
use crate::error::{Error, Result};

/// id-pe-tlsfeature (RFC 7633).
pub const OID_TLS_FEATURE: &str = "1.3.6.1.5.5.7.1.24";

/// The TLS Feature value for `--must-staple`: SEQUENCE { INTEGER 5 }
/// (status_request), as OpenSSL writes `tlsfeature = status_request`.
pub const MUST_STAPLE_DER: &[u8] = &[0x30, 0x03, 0x02, 0x01, 0x05];

/// Most `--extension`s in one request, and most bytes of their values.
pub const MAX_EXTENSIONS: usize = 64;
pub const MAX_EXTENSION_BYTES: usize = 64 << 10;

/// The upper bound of a PKCS#9 string (pkcs-9-ub-pkcs9String, RFC 2985):
/// unstructuredName and challengePassword.
pub const UB_PKCS9_STRING: usize = 255;

/// One extension given as DER (`--extension`), kept in the record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomExtension {
    /// Dotted OID.
    pub oid: String,
    #[serde(default)]
    pub critical: bool,
    /// The extnValue's contents, lowercase hex of one DER TLV.
    pub value: String,
}

impl CustomExtension {
    pub fn oid(&self) -> ObjectIdentifier {
        ObjectIdentifier::new(&self.oid).expect("checked when parsed")
    }
    pub fn der(&self) -> Vec<u8> {
        from_hex(&self.value).expect("checked when parsed")
    }
}

fn bad_ext(msg: impl Into<String>) -> Error {
    Error::invalid(Field::Extension, msg.into()).with_hint(concat!(
        "write OID[:critical]:DER-HEX, e.g. ",
        mention!(extension),
        " 1.3.6.1.5.5.7.1.24:3003020105"
    ))
}

/// Parses `OID[:critical]:DER-HEX`.
pub fn parse_extension(s: &str) -> Result<CustomExtension> {
    let shown = s.escape_debug().to_string();
    let parts: Vec<&str> = s.trim().split(':').collect();
    let (oid, critical, hex) = match parts.as_slice() {
        [oid, hex] => (*oid, false, *hex),
        [oid, c, hex] if c.eq_ignore_ascii_case("critical") => (*oid, true, *hex),
        [_, c, _] => {
            return Err(bad_ext(format!(
                "'{}' in '{shown}' is not 'critical'",
                c.escape_debug()
            )))
        }
        _ => return Err(bad_ext(format!("'{shown}' is not OID[:critical]:DER-HEX"))),
    };
    let oid = oid.trim();
    if !oid.starts_with(|c: char| c.is_ascii_digit()) || ObjectIdentifier::new(oid).is_err() {
        return Err(bad_ext(format!(
            "'{}' is not a dotted OID such as 1.3.6.1.4.1.99999.1",
            oid.escape_debug()
        )));
    }
    let bytes = from_hex(hex.trim())
        .and_then(|b| check_tlv(&b).map(|()| b))
        .map_err(|m| {
            Error::invalid(Field::Extension, format!("{oid}: the value is not one DER value: {m}"))
                .with_hint("give the extension's value (what goes inside extnValue) as the hex of one DER TLV, e.g. 3003020105")
        })?;
    Ok(CustomExtension {
        oid: oid.to_string(),
        critical,
        value: to_hex(&bytes),
    })
}

/// The flag that makes an extension csrkit writes itself.
fn owner(oid: &str, must_staple: bool) -> Option<&'static str> {
    Some(match oid {
        "2.5.29.17" => concat!(
            mention!(dns),
            ", ",
            mention!(ip),
            ", ",
            mention!(email),
            ", ",
            mention!(uri),
            " or ",
            mention!(san),
            " (subjectAltName)"
        ),
        "2.5.29.15" => concat!(
            mention!(key_usage),
            " or ",
            mention!(purpose),
            " (keyUsage)"
        ),
        "2.5.29.37" => concat!(
            mention!(extended_key_usage),
            " or ",
            mention!(purpose),
            " (extendedKeyUsage)"
        ),
        "2.5.29.19" => concat!(
            mention!(ca),
            " and ",
            mention!(path_len),
            " (basicConstraints)"
        ),
        OID_TLS_FEATURE if must_staple => {
            concat!(mention!(must_staple), " alone (it adds this TLS Feature)")
        }
        _ => return None,
    })
}

/// Refuses an extension csrkit makes from other flags, one given twice,
/// or more than the bounds allow.
pub fn check_extensions(exts: &[CustomExtension], must_staple: bool) -> Result<()> {
    if exts.len() > MAX_EXTENSIONS {
        return Err(Error::invalid(
            Field::Extension,
            format!(
                "{} extensions; csrkit allows at most {MAX_EXTENSIONS}",
                exts.len()
            ),
        )
        .with_hint(concat!("give fewer ", mention!(extension), " options")));
    }
    let bytes: usize = exts.iter().map(|e| e.value.len() / 2).sum();
    if bytes > MAX_EXTENSION_BYTES {
        return Err(Error::invalid(
            Field::Extension,
            format!("the extensions' values are {bytes} bytes; csrkit allows at most 64 KiB"),
        )
        .with_hint("give smaller values"));
    }
    let mut seen = std::collections::HashSet::new();
    for e in exts {
        if let Some(flag) = owner(&e.oid, must_staple) {
            return Err(Error::invalid(
                Field::Extension,
                format!("csrkit writes the extension {} itself", e.oid),
            )
            .with_hint(format!(
                concat!("use {} instead of ", mention!(extension)),
                flag
            )));
        }
        if !seen.insert(e.oid.as_str()) {
            return Err(Error::invalid(
                Field::Extension,
                format!("the extension {} is given more than once", e.oid),
            )
            .with_hint("give each extension OID once (RFC 5280 4.2)"));
        }
    }
    Ok(())
}

/// Checks a PKCS#9 string (unstructuredName, challengePassword): not
/// empty, no control characters, at most 255 characters. `what` names
/// it in the message, `field` is the flag.
pub fn check_pkcs9_string(field: Field, what: &str, v: &str) -> Result<()> {
    let problem = if v.is_empty() {
        "is empty".to_string()
    } else if v.chars().any(char::is_control) {
        "contains control characters".to_string()
    } else if v.chars().count() > UB_PKCS9_STRING {
        format!("is longer than {UB_PKCS9_STRING} characters (RFC 2985)")
    } else {
        return Ok(());
    };
    Err(
        Error::invalid(field, format!("the {what} {problem}")).with_hint(format!(
            "give a {what} of 1 to {UB_PKCS9_STRING} characters on one line"
        )),
    )
}

/// A CSR's challengePassword: wiped when dropped, never printed by
/// `Debug`, never serialized.
#[derive(Clone, PartialEq, Eq)]
pub struct ChallengePassword(Zeroizing<String>);

impl ChallengePassword {
    /// `field` is the source of the password, named in the error.
    pub fn new(field: Field, s: Zeroizing<String>) -> Result<ChallengePassword> {
        check_pkcs9_string(field, "challenge password", &s)?;
        Ok(ChallengePassword(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ChallengePassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChallengePassword(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions() {
        let e = parse_extension("1.2.3.4:critical:0500").unwrap();
        assert!(e.critical);
        assert_eq!(e.value, "0500");
        assert!(!parse_extension("1.2.3.4:0C0161").unwrap().critical);
        for bad in [
            "1.2.3.4",
            "x:0500",
            "1.2.3.4:crit:0500",
            "1.2.3.4:05",
            "1.2.3.4:050000",
        ] {
            assert!(parse_extension(bad).is_err(), "{bad}");
        }
        let san = parse_extension("2.5.29.17:3000").unwrap();
        assert!(check_extensions(&[san], false).is_err());
        let tls = parse_extension("1.3.6.1.5.5.7.1.24:3003020105").unwrap();
        assert!(check_extensions(std::slice::from_ref(&tls), false).is_ok());
        assert!(check_extensions(std::slice::from_ref(&tls), true).is_err());
        assert!(check_extensions(&[tls.clone(), tls], false).is_err());
    }
}
