//! `csrkit config`: the settings in effect, so that a user can see which
//! config file csrkit reads, which keystore it uses and why, and the
//! defaults a new request starts from.

use super::common::{Ctx, Done};
use crate::cli::FormatArg;
use crate::config;
use crate::error::{Error, Result};
use crate::field::Field;
use crate::formats;

pub(super) fn config(ctx: &Ctx, keystore_from: &str) -> Result<Done> {
    let cfg = config::load()?;
    let location = ctx.keystore.location();
    let stdout = match ctx.format {
        FormatArg::Text => {
            let text = cfg.render_text(&location, keystore_from);
            super::edge::text(&String::from_utf8_lossy(&text)).into_bytes()
        }
        FormatArg::Json => {
            formats::to_json(&cfg.render_json(&location, keystore_from), ctx.opts.pretty)?
        }
        other => {
            return Err(Error::invalid(
                Field::Format,
                format!("config prints text or json, not {}", other.name()),
            )
            .with_hint("use --format text or --format json"))
        }
    };
    Ok(Done::out(stdout))
}
