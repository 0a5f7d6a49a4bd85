//! csrkit: generate certificate signing requests and keep their private
//! keys safe.
//!
//! Data flows one way: input (flags, request file, prompts) ->
//! [`request::Request`] -> [`keys::PrivateKey`] + CSR ([`csr`]) ->
//! [`keystore`] -> [`formats`]. [`commands`] wires these together; only
//! the formatters and the binary's `main` produce output.
//!
//! These docs are for csrkit's maintainers: module docs name the private
//! rooms they own, which `cargo doc --document-private-items` renders.
#![allow(rustdoc::private_intra_doc_links)]

pub mod acme;
pub mod cert;
pub mod cli;
pub mod commands;
pub mod complete;
pub mod config;
pub mod csr;
pub mod error;
pub mod export;
pub mod faults;
pub mod field;
pub mod formats;
pub mod keys;
pub mod keystore;
#[cfg(test)]
mod layout_check;
pub mod lint;
pub mod manpages;
pub mod ops;
pub mod prompt;
pub mod request;
pub mod serve;
pub mod usage;
pub mod vendors;

pub use error::{Error, Kind, Result};
pub use field::Field;
