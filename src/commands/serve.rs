//! `csrkit serve`: turns the arguments into [`crate::serve::Settings`]
//! (the password from its file, the key passphrase from the usual
//! sources, the TLS directory's default) and hands the ready line to the
//! caller's stdout as soon as every listener is up.

use crate::field::Field;
use std::net::SocketAddr;

use super::batch::Report;
use super::common::{new_key_passphrase, pass_opts, Ctx, Done};
use crate::cli::ServeArgs;
use crate::error::{Error, Result};
use crate::serve;

pub(super) fn serve(
    ctx: Ctx,
    root: &std::path::Path,
    a: &ServeArgs,
    report: &mut dyn Report,
) -> Result<Done> {
    let listen: SocketAddr = a.listen.parse().map_err(|_| {
        Error::invalid(
            Field::Listen,
            format!("'{}' is not ADDR:PORT", a.listen.escape_default()),
        )
        .with_hint("for example 127.0.0.1:8443, [::1]:0")
    })?;
    if !listen.ip().is_loopback() {
        if !a.allow_remote {
            return Err(Error::invalid(
                Field::Listen,
                format!(
                    "{} is not a loopback address; serve is a test peer and listens on loopback only",
                    listen.ip()
                ),
            )
            .with_hint("listen on 127.0.0.1 or ::1, or give --allow-remote with --password-file"));
        }
        if a.password_file.is_none() {
            return Err(Error::invalid(
                Field::PasswordFile,
                "--allow-remote needs the password from a file",
            )
            .with_hint("give --password-file FILE (its first line is the password)"));
        }
    }
    let password = match &a.password_file {
        Some(p) => Some(crate::keys::secret_first_line(p, Field::PasswordFile)?),
        None => None,
    };
    if password.as_ref().is_some_and(|p| p.is_empty()) {
        return Err(Error::invalid(Field::PasswordFile, "the password is empty"));
    }
    let tls_dir = match &a.tls_dir {
        Some(d) => d.clone(),
        None if crate::keystore::scheme(root).is_none() => root.join("serve-tls"),
        None => crate::keystore::default_root()?.join("serve-tls"),
    };
    let settings = serve::Settings {
        vendors: a.vendors.clone(),
        listen,
        allow_remote: a.allow_remote,
        user: a.user.clone(),
        password,
        tls_dir,
        key_pass: None,
        config: crate::config::load()?,
        drain: std::time::Duration::from_secs(10),
        session_lifetime: a.session_lifetime.map(i64::from),
    };
    serve::check(&settings)?;
    let key_pass = new_key_passphrase(&ctx, &pass_opts(&a.passphrase)?)?;
    let settings = serve::Settings {
        key_pass,
        ..settings
    };
    serve::run(ctx.keystore, settings, &mut |line| {
        report.out(line);
        report.flush();
    })?;
    Ok(Done::default())
}
