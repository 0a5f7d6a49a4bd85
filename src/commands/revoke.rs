//! `csrkit revoke`: revokes a record's ACME-issued certificate with the
//! account that ordered it (RFC 8555 §7.6). The record is not changed.

use std::time::Duration;

use super::common::{pass_opts, Ctx, Done};
use crate::acme::manage::{self, RevocationReason};
use crate::acme::{AccountKeyPassphrase, OrderSettings};
use crate::cert::bundle;
use crate::cli::{self, FormatArg, RevokeReason};
use crate::error::{Error, Result};

pub(super) fn revoke(ctx: &Ctx, a: &cli::RevokeArgs) -> Result<Done> {
    let rec = ctx.keystore.find(&a.target)?;
    let name = rec.meta.name.clone();
    let Some(origin) = rec.meta.acme.clone() else {
        return Err(Error::invalid_as(
            "NAME",
            format!("record {name}'s certificate was not ordered over ACME"),
        )
        .with_hint("revoke it where it was issued"));
    };
    let Some(pem) = rec.cert_pem()? else {
        return Err(Error::invalid_as(
            "NAME",
            format!("record {name} has no certificate"),
        ));
    };
    let certs = bundle::decode(pem.as_bytes(), "the record's cert.pem")?;
    let leaf = certs
        .first()
        .ok_or_else(|| Error::internal("cert.pem holds no certificate"))?;
    let settings = OrderSettings::for_account(
        origin.directory.clone(),
        origin.account.clone(),
        origin.ca_file.clone(),
        Duration::from_secs(a.timeout.max(1)),
    );
    let opts = pass_opts(&a.passphrase)?;
    let stored = crate::acme::account::stored(
        ctx.keystore.as_ref(),
        &settings.directory,
        &settings.account,
    )?;
    let pass = match stored {
        Some(acct) => super::acme_cmd::stored_account_passphrase(ctx, &acct, &opts)?,
        None => AccountKeyPassphrase::Plain,
    };
    let reason = a.reason.map(|r| match r {
        RevokeReason::Unspecified => RevocationReason::Unspecified,
        RevokeReason::KeyCompromise => RevocationReason::KeyCompromise,
        RevokeReason::AffiliationChanged => RevocationReason::AffiliationChanged,
        RevokeReason::Superseded => RevocationReason::Superseded,
        RevokeReason::CessationOfOperation => RevocationReason::CessationOfOperation,
        RevokeReason::PrivilegeWithdrawn => RevocationReason::PrivilegeWithdrawn,
    });
    manage::revoke(ctx.keystore.as_ref(), &settings, &pass, &leaf.der, reason)
        .map_err(super::acme_cmd::hint)?;
    let serial = rec
        .meta
        .certificate
        .as_ref()
        .map(|c| c.serial.clone())
        .unwrap_or_default();
    let stdout = if ctx.format == FormatArg::Json {
        let v = serde_json::json!({
            "name": name,
            "serial": serial,
            "revoked": true,
            "reason": a.reason.map(|r| format!("{r:?}")),
            "directory": settings.directory,
        });
        let mut out = serde_json::to_vec(&v).map_err(|e| Error::internal(e.to_string()))?;
        out.push(b'\n');
        out
    } else {
        format!(
            "Revoked the certificate of record {} (serial {serial}) at {}\n",
            crate::csr::term(&name),
            settings.directory
        )
        .into_bytes()
    };
    Ok(Done::out(stdout))
}
