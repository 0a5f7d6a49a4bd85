//! Operations every front end calls (the CLI's commands, `serve`): each
//! takes the keystore and already-read inputs, and returns what happened.
//! No clap, no terminal, no stdout here; messages are data for the caller
//! to print.
//!
//! - [`attach`]: a signed certificate joins its record (the import path:
//!   leaf found by key, chain built and checked, leaf compared with the
//!   request, next revision with the old certificate in history). `import`
//!   and `order`/`renew` share it.
//! - [`generate`]: a new record's key and CSR; [`import`]: certificates
//!   and keys brought from elsewhere; [`self_sign`]: a certificate on a
//!   record's own key.
//! - [`renew_due`]: whether an ACME-issued record is due (ARI's window,
//!   the lifetime rule, the renewal-state cache).

pub mod attach;

pub mod generate;
pub mod import;
pub mod renew_due;
pub mod self_sign;
