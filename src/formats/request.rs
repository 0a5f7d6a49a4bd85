//! `--request FILE|-`: reads a request body into a [`RequestInput`].
//! Vendor bodies are detected by their field names; `--request-format`
//! forces one.

use crate::cli::RequestFormat;
use crate::error::{Error, Result};
use crate::request::RequestInput;

/// Largest request body we read (a request is a few hundred bytes).
pub const MAX_REQUEST: u64 = 1 << 20;

fn json_err(e: serde_json::Error) -> Error {
    Error::invalid("--request", format!("{e}"))
        .with_hint("fix the request body; unknown fields are errors, not ignored")
}

/// Parses a request body.
pub fn parse(data: &[u8], forced: Option<RequestFormat>) -> Result<RequestInput> {
    let text = std::str::from_utf8(data)
        .map_err(|_| Error::invalid("--request", "the request body is not UTF-8"))?;
    match forced {
        None | Some(RequestFormat::Native) => {
            serde_json::from_str::<RequestInput>(text).map_err(json_err)
        }
        Some(other) => Err(Error::invalid(
            "--request-format",
            format!("{other:?} request bodies are not supported yet"),
        )),
    }
}
