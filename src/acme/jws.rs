//! The two account requests csrkit signs itself, because instant-acme
//! 0.8.5 cannot make them safely (docs/design.md, "ACME account key
//! changes"): the key change (RFC 8555 §7.3.5) with a key csrkit made and
//! stored *before* the request (`Account::update_key` makes the new key
//! itself and hands it back only after the CA switched, so a crash in
//! between would lose the account), and the deactivation (§7.3.6;
//! `Account::deactivate` drops the CA's answer, so a refusal would look
//! like success). Both are JWS (RFC 7515 flattened JSON, ES256 with
//! aws-lc-rs, P-256 keys as instant-acme's) sent through the same
//! `HttpClient` as every other request. The POST-as-GET of an alternate
//! chain (`super::chains`) goes the same way. A `badNonce` is retried with the
//! nonce the CA sent back, as instant-acme does (three attempts).

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use base64::prelude::{Engine, BASE64_URL_SAFE_NO_PAD as B64};
use hyper::{Method, Request};
use instant_acme::{BodyWrapper, HttpClient};
use serde_json::{json, Value};

use super::problem::from_acme;
use crate::error::{Error, Kind, Result};

const USER_AGENT: &str = concat!("csrkit/", env!("CARGO_PKG_VERSION"));

/// A P-256 account key (PKCS#8 DER) ready to sign.
pub(super) struct SigningKey(EcdsaKeyPair);

impl SigningKey {
    pub(super) fn from_pkcs8(der: &[u8]) -> Result<SigningKey> {
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der)
            .map(SigningKey)
            .map_err(|_| Error::internal("the ACME account key is not a P-256 PKCS#8 key"))
    }

    /// A new P-256 key: the signer and its PKCS#8 DER.
    pub(super) fn generate() -> Result<(SigningKey, zeroize::Zeroizing<Vec<u8>>)> {
        let doc =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .map_err(|_| Error::internal("cannot make a P-256 key"))?;
        let der = zeroize::Zeroizing::new(doc.as_ref().to_vec());
        Ok((SigningKey::from_pkcs8(&der)?, der))
    }

    /// The public key as a JWK (RFC 7518 §6.2.1).
    fn jwk(&self) -> Value {
        // The uncompressed point: 0x04 || x (32) || y (32).
        let p = self.0.public_key().as_ref();
        json!({"crv": "P-256", "kty": "EC", "x": B64.encode(&p[1..33]), "y": B64.encode(&p[33..65])})
    }

    /// A flattened JWS of `payload` under `protected`.
    fn sign(&self, protected: &Value, payload: &[u8]) -> Result<Value> {
        let protected = B64.encode(protected.to_string());
        let payload = B64.encode(payload);
        let sig = self
            .0
            .sign(
                &SystemRandom::new(),
                format!("{protected}.{payload}").as_bytes(),
            )
            .map_err(|_| Error::internal("cannot sign the ACME request"))?;
        Ok(
            json!({"protected": protected, "payload": payload, "signature": B64.encode(sig.as_ref())}),
        )
    }
}

/// The directory URLs these requests need.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Urls {
    new_nonce: String,
    key_change: Option<String>,
}

/// One account's connection: the HTTP client, the directory URL and
/// what it lists, the account URL and its current key.
pub(super) struct Session<'a> {
    http: Box<dyn HttpClient>,
    directory: &'a str,
    urls: Urls,
    account_url: &'a str,
    key: &'a SigningKey,
}

/// What came back: the status, the `Replay-Nonce` and the body.
struct Answer {
    status: hyper::StatusCode,
    nonce: Option<String>,
    body: bytes::Bytes,
}

async fn send(
    http: &dyn HttpClient,
    req: Request<BodyWrapper<bytes::Bytes>>,
    during: &str,
    directory: &str,
) -> Result<Answer> {
    let mut rsp = http
        .request(req)
        .await
        .map_err(|e| from_acme(e, during, directory))?;
    let body = rsp
        .body
        .into_bytes()
        .await
        .map_err(|e| from_acme(instant_acme::Error::Other(e), during, directory))?;
    let nonce = rsp
        .parts
        .headers
        .get("replay-nonce")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    Ok(Answer {
        status: rsp.parts.status,
        nonce,
        body,
    })
}

impl<'a> Session<'a> {
    /// Reads the directory (exit 13 when the CA cannot be reached).
    pub(super) async fn open(
        http: Box<dyn HttpClient>,
        directory: &'a str,
        account_url: &'a str,
        key: &'a SigningKey,
    ) -> Result<Session<'a>> {
        let req = Request::builder()
            .uri(directory)
            .header("user-agent", USER_AGENT)
            .body(BodyWrapper::default())
            .map_err(|e| Error::internal(format!("ACME request: {e}")))?;
        let a = send(http.as_ref(), req, "reading the ACME directory", directory).await?;
        let urls: Urls = serde_json::from_slice(&a.body)
            .map_err(|e| from_acme(e.into(), "reading the ACME directory", directory))?;
        Ok(Session {
            http,
            directory,
            urls,
            account_url,
            key,
        })
    }

    async fn nonce(&self) -> Result<String> {
        let req = Request::builder()
            .method(Method::HEAD)
            .uri(&self.urls.new_nonce)
            .header("user-agent", USER_AGENT)
            .body(BodyWrapper::default())
            .map_err(|e| Error::internal(format!("ACME request: {e}")))?;
        let a = send(self.http.as_ref(), req, "getting a nonce", self.directory).await?;
        a.nonce.ok_or_else(|| {
            Error::new(
                Kind::CaUnreachable,
                format!("the CA at {} sent no Replay-Nonce", self.directory),
            )
        })
    }

    /// POSTs `payload` to `url`, signed by the account key (`kid`), and
    /// returns the answer's body; a problem document is the error
    /// (`during` names the step).
    async fn post(&self, url: &str, payload: &Value, during: &str) -> Result<bytes::Bytes> {
        self.post_raw(url, &payload.to_string(), during).await
    }

    /// A POST-as-GET (RFC 8555 §6.3: the payload is empty) of `url`.
    pub(super) async fn post_as_get(&self, url: &str, during: &str) -> Result<bytes::Bytes> {
        self.post_raw(url, "", during).await
    }

    async fn post_raw(&self, url: &str, payload: &str, during: &str) -> Result<bytes::Bytes> {
        let mut nonce = self.nonce().await?;
        let last = 3 + super::problem::BAD_NONCE_RETRIES;
        for attempt in 1..=last {
            let protected =
                json!({"alg": "ES256", "kid": self.account_url, "nonce": nonce, "url": url});
            let body = self.key.sign(&protected, payload.as_bytes())?;
            let req = Request::builder()
                .method(Method::POST)
                .uri(url)
                .header("user-agent", USER_AGENT)
                .header("content-type", "application/jose+json")
                .body(BodyWrapper::from(body.to_string().into_bytes()))
                .map_err(|e| Error::internal(format!("ACME request: {e}")))?;
            let a = send(self.http.as_ref(), req, during, self.directory).await?;
            if a.status.is_success() {
                return Ok(a.body);
            }
            let problem: instant_acme::Problem = serde_json::from_slice(&a.body)
                .map_err(|e| from_acme(instant_acme::Error::Json(e), during, self.directory))?;
            let bad_nonce =
                problem.r#type.as_deref() == Some("urn:ietf:params:acme:error:badNonce");
            match a.nonce {
                Some(n) if bad_nonce && attempt < last => nonce = n,
                _ => {
                    let mut problem = problem;
                    problem.status.get_or_insert(a.status.as_u16());
                    return Err(from_acme(
                        instant_acme::Error::Api(problem),
                        during,
                        self.directory,
                    ));
                }
            }
        }
        unreachable!("the loop returns on its last attempt")
    }

    /// The key change (RFC 8555 §7.3.5): the inner JWS, signed by
    /// `new_key`, carries its JWK and names the account and the old key;
    /// the outer one is signed by the current key. Exit 2 when the CA
    /// lists no `keyChange`, 11 when it refuses, 13 when it cannot be
    /// reached (the outcome is then unknown).
    pub(super) async fn key_change(&self, new_key: &SigningKey) -> Result<()> {
        let Some(url) = self.urls.key_change.as_deref() else {
            return Err(Error::invalid(
                crate::field::Field::Acme,
                format!("the CA at {} offers no account key change", self.directory),
            ));
        };
        let inner_protected = json!({"alg": "ES256", "jwk": new_key.jwk(), "url": url});
        let inner_payload = json!({"account": self.account_url, "oldKey": self.key.jwk()});
        let inner = new_key.sign(&inner_protected, inner_payload.to_string().as_bytes())?;
        self.post(url, &inner, "changing the account key").await?;
        Ok(())
    }

    /// Deactivates the account (RFC 8555 §7.3.6); the CA must answer
    /// with the account object whose status is `deactivated`.
    pub(super) async fn deactivate(&self) -> Result<()> {
        let during = "deactivating the account";
        let body = self
            .post(self.account_url, &json!({"status": "deactivated"}), during)
            .await?;
        let status = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|v| v.get("status").and_then(Value::as_str).map(str::to_string));
        if status.as_deref() != Some("deactivated") {
            return Err(Error::new(
                Kind::CaRefused,
                format!(
                    "{during}: the CA at {} answered with the status {:?}, not deactivated",
                    self.directory,
                    status.unwrap_or_default()
                ),
            ));
        }
        Ok(())
    }
}
