//! `csrkit acme account`: the stored ACME account for a directory (no
//! network traffic; the key is never shown).

use super::common::{Ctx, Done};
use crate::acme;
use crate::cli::{AcmeCommand, FormatArg};
use crate::error::{Error, Kind, Result};
use crate::field::Field;

pub(super) fn run(ctx: &Ctx, c: &AcmeCommand) -> Result<Done> {
    match c {
        AcmeCommand::Account(a) => {
            let dir = acme::directory_url(&a.acme).map_err(|e| e.with_field(Field::Acme))?;
            let Some(acct) = acme::account::stored(ctx.keystore.as_ref(), &dir, &a.account)? else {
                return Err(Error::new(
                    Kind::NotFound,
                    format!("no ACME account {} is stored for {dir}", a.account),
                )
                .with_hint("csrkit order NAME --acme URL --agree-tos creates it"));
            };
            let stdout = if ctx.format == FormatArg::Json {
                let mut out =
                    serde_json::to_vec(&acct).map_err(|e| Error::internal(e.to_string()))?;
                out.push(b'\n');
                out
            } else {
                let t = |s: &str| crate::csr::term(s).into_owned();
                format!(
                    "Account:   {}\nDirectory: {}\nName:      {}\nURL:       {}\nContact:   {}\nCreated:   {}\nKey:       P-256, {}\n{}",
                    t(&acct.name),
                    t(&acct.directory),
                    t(&acct.name),
                    t(&acct.url),
                    t(&acct.contact.join(", ")),
                    acct.created,
                    if acct.encrypted { "encrypted" } else { "not encrypted" },
                    acct.eab_kid.as_ref().map(|k| format!("EAB key id: {}\n", t(k))).unwrap_or_default(),
                )
                .into_bytes()
            };
            Ok(Done::out(stdout))
        }
    }
}
