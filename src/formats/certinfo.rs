//! What the vendor certificate views share about one certificate: its
//! attributes as (short name, value) pairs, the common name, the key's
//! algorithm and size, the signature algorithm's Java name (what ArcGIS
//! and NSX print), and times in epoch milliseconds. Read-only helpers for
//! the vendor shapes; nothing here renders a whole body.

use der::asn1::UintRef;
use der::Decode;
use x509_cert::name::Name;

use crate::cert::Cert;

/// A name's attributes in order, as (`CN`, value) with RFC 4514 escapes.
pub fn fields(name: &Name) -> Vec<(String, String)> {
    name.iter()
        .map(|atv| {
            let s = atv.to_string();
            match s.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (s, String::new()),
            }
        })
        .collect()
}

/// The (last) common name of a name, if any.
pub fn cn(name: &Name) -> Option<String> {
    fields(name)
        .into_iter()
        .rev()
        .find(|(k, _)| k == "CN")
        .map(|(_, v)| v)
}

/// `RSA`, `EC` or `Ed25519`, and the key size in bits.
pub fn key(c: &Cert) -> (&'static str, u32) {
    let spki = c.spki();
    match spki.algorithm.oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => {
            let bits = spki
                .subject_public_key
                .as_bytes()
                .and_then(rsa_modulus_bits)
                .unwrap_or(0);
            ("RSA", bits)
        }
        "1.2.840.10045.2.1" => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok())
                .map(|o| o.to_string());
            let bits = match curve.as_deref() {
                Some("1.3.132.0.34") => 384,
                Some("1.3.132.0.35") => 521,
                _ => 256,
            };
            ("EC", bits)
        }
        "1.3.101.112" => ("Ed25519", 256),
        _ => ("unknown", 0),
    }
}

fn rsa_modulus_bits(der: &[u8]) -> Option<u32> {
    let mut r = der::SliceReader::new(der).ok()?;
    use der::Reader;
    r.sequence(|r| {
        let n = UintRef::decode(r)?;
        let _e = UintRef::decode(r)?;
        let b = n.as_bytes();
        Ok::<u32, der::Error>(b.len() as u32 * 8 - b.first().map_or(8, |x| x.leading_zeros()))
    })
    .ok()
}

/// The signature algorithm as Java names it (`SHA256withRSA`).
pub fn sig_alg(c: &Cert) -> String {
    let oid = c.x509.signature_algorithm().oid.to_string();
    match oid.as_str() {
        "1.2.840.113549.1.1.5" => "SHA1withRSA",
        "1.2.840.113549.1.1.11" => "SHA256withRSA",
        "1.2.840.113549.1.1.12" => "SHA384withRSA",
        "1.2.840.113549.1.1.13" => "SHA512withRSA",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.10045.4.3.2" => "SHA256withECDSA",
        "1.2.840.10045.4.3.3" => "SHA384withECDSA",
        "1.2.840.10045.4.3.4" => "SHA512withECDSA",
        "1.3.101.112" => "Ed25519",
        _ => return oid,
    }
    .to_string()
}

/// notBefore and notAfter in epoch milliseconds.
pub fn validity_ms(c: &Cert) -> (i64, i64) {
    let (nb, na) = c.validity();
    (nb * 1000, na * 1000)
}

/// The serial number, upper-case hex without separators.
pub fn serial_hex(c: &Cert) -> String {
    c.x509
        .tbs_certificate()
        .serial_number()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// SHA-1 of the DER, colon hex (keytool's form).
pub fn sha1_fingerprint(c: &Cert) -> String {
    crate::cert::hex_colon(
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &c.der).as_ref(),
    )
}
