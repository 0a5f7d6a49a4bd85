//! What a certificate will be for: `--purpose` presets, keyUsage bits
//! (RFC 5280 §4.2.1.3) and extendedKeyUsage purposes (RFC 5280 §4.2.1.12),
//! by name or dotted OID.

use crate::field::Field;
use serde::{Deserialize, Serialize};

use super::key::KeySpec;
use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    Server,
    Client,
    ServerClient,
    SigningEncryption,
}

impl Purpose {
    pub fn parse(s: &str) -> Result<Purpose> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "server" => Ok(Purpose::Server),
            "client" => Ok(Purpose::Client),
            "server-client" | "client-server" => Ok(Purpose::ServerClient),
            "signing-encryption" => Ok(Purpose::SigningEncryption),
            _ => Err(
                Error::invalid(Field::Purpose, format!("unknown purpose '{s}'"))
                    .with_hint("use server, client, server-client or signing-encryption"),
            ),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Purpose::Server => "server",
            Purpose::Client => "client",
            Purpose::ServerClient => "server-client",
            Purpose::SigningEncryption => "signing-encryption",
        }
    }

    /// QRadar's spelling (SERVER, CLIENT, SERVER_CLIENT, SIGNING_ENCRYPTION).
    pub fn upper(self) -> String {
        self.name().to_ascii_uppercase().replace('-', "_")
    }

    pub fn key_usage(self, key: &KeySpec) -> Vec<KeyUsage> {
        use KeyUsage::*;
        let rsa = matches!(key, KeySpec::Rsa { .. });
        let ec = matches!(key, KeySpec::Ec { .. });
        match self {
            Purpose::Server | Purpose::ServerClient if rsa => {
                vec![DigitalSignature, KeyEncipherment]
            }
            Purpose::Server | Purpose::ServerClient | Purpose::Client => vec![DigitalSignature],
            Purpose::SigningEncryption if rsa => {
                vec![
                    DigitalSignature,
                    NonRepudiation,
                    KeyEncipherment,
                    DataEncipherment,
                ]
            }
            Purpose::SigningEncryption if ec => {
                vec![DigitalSignature, NonRepudiation, KeyAgreement]
            }
            Purpose::SigningEncryption => vec![DigitalSignature, NonRepudiation],
        }
    }

    pub fn extended_key_usage(self) -> Vec<Eku> {
        match self {
            Purpose::Server => vec![Eku::ServerAuth],
            Purpose::Client => vec![Eku::ClientAuth],
            Purpose::ServerClient => vec![Eku::ServerAuth, Eku::ClientAuth],
            Purpose::SigningEncryption => vec![],
        }
    }
}

/// KeyUsage bits, named as OpenSSL names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyUsage {
    DigitalSignature,
    NonRepudiation,
    KeyEncipherment,
    DataEncipherment,
    KeyAgreement,
    KeyCertSign,
    #[serde(rename = "cRLSign")]
    CrlSign,
    EncipherOnly,
    DecipherOnly,
}

pub const KEY_USAGES: &[(KeyUsage, &str)] = &[
    (KeyUsage::DigitalSignature, "digitalSignature"),
    (KeyUsage::NonRepudiation, "nonRepudiation"),
    (KeyUsage::KeyEncipherment, "keyEncipherment"),
    (KeyUsage::DataEncipherment, "dataEncipherment"),
    (KeyUsage::KeyAgreement, "keyAgreement"),
    (KeyUsage::KeyCertSign, "keyCertSign"),
    (KeyUsage::CrlSign, "cRLSign"),
    (KeyUsage::EncipherOnly, "encipherOnly"),
    (KeyUsage::DecipherOnly, "decipherOnly"),
];

fn norm(s: &str) -> String {
    s.trim().to_ascii_lowercase().replace(['-', '_', ' '], "")
}

impl KeyUsage {
    pub fn parse(s: &str) -> Result<KeyUsage> {
        let n = norm(s);
        if n == "contentcommitment" {
            return Ok(KeyUsage::NonRepudiation);
        }
        KEY_USAGES
            .iter()
            .find(|(_, name)| name.to_ascii_lowercase() == n)
            .map(|(k, _)| *k)
            .ok_or_else(|| {
                Error::invalid(Field::KeyUsage, format!("unknown key usage '{s}'")).with_hint(
                    "use digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment, keyAgreement, keyCertSign, cRLSign, encipherOnly or decipherOnly",
                )
            })
    }

    pub fn name(self) -> &'static str {
        KEY_USAGES
            .iter()
            .find(|(k, _)| *k == self)
            .map(|(_, n)| *n)
            .expect("listed")
    }

    /// Bit number in the KeyUsage BIT STRING.
    pub fn bit(self) -> u8 {
        KEY_USAGES
            .iter()
            .position(|(k, _)| *k == self)
            .expect("listed") as u8
    }
}

/// Extended key usages: the common ones by name, any other by OID.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Eku {
    ServerAuth,
    ClientAuth,
    CodeSigning,
    EmailProtection,
    TimeStamping,
    OcspSigning,
    Oid(String),
}

pub const EKUS: &[(&str, &str)] = &[
    ("serverAuth", "1.3.6.1.5.5.7.3.1"),
    ("clientAuth", "1.3.6.1.5.5.7.3.2"),
    ("codeSigning", "1.3.6.1.5.5.7.3.3"),
    ("emailProtection", "1.3.6.1.5.5.7.3.4"),
    ("timeStamping", "1.3.6.1.5.5.7.3.8"),
    ("OCSPSigning", "1.3.6.1.5.5.7.3.9"),
];

impl Eku {
    pub fn parse(s: &str) -> Result<Eku> {
        let n = norm(s);
        let named = match n.as_str() {
            "serverauth" | "server" | "tlswebserverauthentication" => Some(Eku::ServerAuth),
            "clientauth" | "client" | "tlswebclientauthentication" => Some(Eku::ClientAuth),
            "codesigning" => Some(Eku::CodeSigning),
            "emailprotection" => Some(Eku::EmailProtection),
            "timestamping" => Some(Eku::TimeStamping),
            "ocspsigning" => Some(Eku::OcspSigning),
            _ => None,
        };
        if let Some(e) = named {
            return Ok(e);
        }
        let oid = s.trim();
        if let Some(i) = EKUS.iter().position(|(_, o)| *o == oid) {
            return Eku::parse(EKUS[i].0);
        }
        if oid.parse::<der::asn1::ObjectIdentifier>().is_ok() {
            return Ok(Eku::Oid(oid.to_string()));
        }
        Err(Error::invalid(Field::ExtendedKeyUsage, format!("unknown extended key usage '{s}'"))
            .with_hint("use serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, OCSPSigning or a dotted OID"))
    }

    pub fn oid(&self) -> &str {
        match self {
            Eku::Oid(o) => o,
            named => EKUS
                .iter()
                .find(|(n, _)| *n == named.name())
                .map(|(_, o)| *o)
                .expect("listed"),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Eku::ServerAuth => "serverAuth",
            Eku::ClientAuth => "clientAuth",
            Eku::CodeSigning => "codeSigning",
            Eku::EmailProtection => "emailProtection",
            Eku::TimeStamping => "timeStamping",
            Eku::OcspSigning => "OCSPSigning",
            Eku::Oid(o) => o,
        }
    }
}

impl From<Eku> for String {
    fn from(e: Eku) -> String {
        e.name().to_string()
    }
}

impl TryFrom<String> for Eku {
    type Error = Error;
    fn try_from(s: String) -> Result<Eku> {
        Eku::parse(&s)
    }
}
