//! The http-01 standalone responder (RFC 8555 §8.3): a minimal HTTP/1.1
//! server that answers `GET /.well-known/acme-challenge/<token>` with the
//! token's key authorization (`text/plain`) and 404 for anything else,
//! one request per connection. It listens only while an order's
//! challenges are being validated: [`Responder`] stops when dropped.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::error::{Error, Kind, Result};

/// The path prefix every http-01 request uses.
pub const PREFIX: &str = "/.well-known/acme-challenge/";
/// Largest request head read (a validation request is a few hundred bytes).
const MAX_HEAD: usize = 8 << 10;
/// How long one connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

type Tokens = Arc<Mutex<HashMap<String, String>>>;

/// A running responder.
pub struct Responder {
    tokens: Tokens,
    task: tokio::task::JoinHandle<()>,
    /// The address it listens on.
    pub addr: SocketAddr,
}

impl Responder {
    /// Listens on `address` (default: every interface, IPv6 and IPv4) and
    /// `port`. Exit 12 naming the address when it cannot (in use, or a
    /// privileged port without the right).
    pub async fn bind(address: Option<&str>, port: u16) -> Result<Responder> {
        let listener = match address {
            Some(a) => {
                let a = a.trim_start_matches('[').trim_end_matches(']');
                TcpListener::bind((a, port))
                    .await
                    .map_err(|e| bind_error(a, port, e))?
            }
            None => match TcpListener::bind(("::", port)).await {
                Ok(l) => l,
                Err(_) => TcpListener::bind(("0.0.0.0", port))
                    .await
                    .map_err(|e| bind_error("0.0.0.0", port, e))?,
            },
        };
        let addr = listener
            .local_addr()
            .map_err(|e| Error::internal(format!("http-01 responder: {e}")))?;
        let tokens: Tokens = Arc::default();
        let task = tokio::spawn(serve(listener, tokens.clone()));
        Ok(Responder { tokens, task, addr })
    }

    /// Answers `token` with `key_authorization` from now on.
    pub fn add(&self, token: &str, key_authorization: &str) {
        if let Ok(mut t) = self.tokens.lock() {
            t.insert(token.to_string(), key_authorization.to_string());
        }
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn bind_error(address: &str, port: u16, e: std::io::Error) -> Error {
    Error::new(
        Kind::ChallengeFailed,
        format!("cannot listen for http-01 on {address} port {port}: {e}"),
    )
    .with_hint("free the port, pick another one that the CA's requests reach, or answer the challenge from a webroot")
}

async fn serve(listener: TcpListener, tokens: Tokens) {
    loop {
        let Ok((sock, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(answer(sock, tokens.clone()));
    }
}

/// Reads one request head and answers it.
async fn answer(mut sock: TcpStream, tokens: Tokens) {
    let mut head = Vec::with_capacity(512);
    let read = async {
        let mut buf = [0u8; 1024];
        loop {
            let n = sock.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
            if head.windows(4).any(|w| w == b"\r\n\r\n") || head.len() > MAX_HEAD {
                break;
            }
        }
        Ok::<(), std::io::Error>(())
    };
    if tokio::time::timeout(READ_TIMEOUT, read).await.is_err() {
        return;
    }
    let reply = respond(&head, &tokens);
    let _ = sock.write_all(&reply).await;
    let _ = sock.shutdown().await;
}

/// The response bytes for a request head.
fn respond(head: &[u8], tokens: &Tokens) -> Vec<u8> {
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut parts = line.split_ascii_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let body = match (method, target.strip_prefix(PREFIX)) {
        ("GET" | "HEAD", Some(token)) => tokens.lock().ok().and_then(|t| t.get(token).cloned()),
        _ => None,
    };
    let (status, body) = match body {
        Some(b) => ("200 OK", b),
        None => ("404 Not Found", String::new()),
    };
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    if method != "HEAD" {
        out.extend_from_slice(body.as_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_only_known_tokens_under_the_prefix() {
        let t: Tokens = Arc::default();
        t.lock().unwrap().insert("tok".into(), "tok.thumb".into());
        let ok = respond(
            b"GET /.well-known/acme-challenge/tok HTTP/1.1\r\nHost: a\r\n\r\n",
            &t,
        );
        let ok = String::from_utf8(ok).unwrap();
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"), "{ok}");
        assert!(ok.ends_with("\r\n\r\ntok.thumb"), "{ok}");
        for bad in [
            &b"GET /.well-known/acme-challenge/other HTTP/1.1\r\n\r\n"[..],
            b"GET /tok HTTP/1.1\r\n\r\n",
            b"POST /.well-known/acme-challenge/tok HTTP/1.1\r\n\r\n",
            b"\xff\xfe\r\n\r\n",
        ] {
            let r = String::from_utf8(respond(bad, &t)).unwrap();
            assert!(r.starts_with("HTTP/1.1 404 Not Found\r\n"), "{r}");
        }
    }
}
