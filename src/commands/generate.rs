//! `csrkit generate`: one new record from flags, a request file and prompts
//! (`--batch` is in `batch`).

use super::common::{
    flags_input, generate_one, layered_input, new_key_passphrase, pass_opts, record_name, Ctx, Done,
};
use crate::cli;
use crate::error::Result;
use crate::formats::{Op, RecordView};
use crate::keystore;
use crate::prompt;

pub(super) fn generate(ctx: &Ctx, a: &cli::GenerateArgs) -> Result<Done> {
    let flags = flags_input(&a.subject, &a.sans, &a.key, &a.ext);
    let mut input = layered_input(&a.request, flags)?;
    if ctx.interactive {
        input = prompt::complete_request(input, a.name.is_some())?;
    }
    let req = input.resolve(None, false)?;
    ctx.shape().accepts(Op::Generate, &req)?;
    let name = record_name(a.name.as_deref(), &input, &req)?;
    if ctx.keystore.exists(&name) {
        return Err(keystore::exists_error(&name));
    }
    let pass = new_key_passphrase(ctx, &pass_opts(&a.passphrase))?;
    let spinner = prompt::Spinner::start(ctx.quiet, &req.key);
    let result = generate_one(ctx.keystore.as_ref(), name, req, pass.as_ref());
    drop(spinner);
    let (meta, csr) = result?;
    let dir = ctx.keystore.record_path(&meta.name);
    let view = RecordView {
        meta: &meta,
        csr: &csr,
        dir: dir.as_deref(),
    };
    let mut notes = input.notes;
    notes.extend(super::lint::advice(ctx.format, &csr.der));
    Ok(Done {
        notes,
        ..Done::out(ctx.shape().generate(&view, ctx.opts)?)
    })
}
