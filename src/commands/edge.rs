//! Where an error becomes the command line's: every field it names is
//! written as the option that sets it (`cli::field::flag`), and its remedy
//! as the csrkit command that carries it out. Nothing below `commands/`
//! names an option or a command; this is the one place that does.

use crate::cli::field::flag;
use crate::error::{Error, Remedy};
use crate::field::Field;

/// `e` as the command line shows it.
pub fn for_cli(e: Error) -> Error {
    let mut e = e.named(&flag);
    if let Some(r) = e.remedy.take() {
        let words = remedy(&r);
        e.hint = Some(match e.hint.take() {
            Some(h) => format!("{h}; {words}"),
            None => words,
        });
    }
    e
}

/// A note or finding (text that may mention fields) as the command line
/// shows it.
pub fn text(s: &str) -> String {
    crate::field::render(s, &flag)
}

/// The remedy as a command to run.
pub fn remedy(r: &Remedy) -> String {
    match r {
        Remedy::DeleteRecord(n) => format!(
            "remove it with `csrkit delete {n} --yes` (its key and history go with it), \
             or restore its files from its history/ directory"
        ),
        Remedy::RegenerateRecord(n) => {
            format!("use `csrkit regenerate {n}` to make a new CSR for it, or pick another name")
        }
        Remedy::ListRecords => "run `csrkit list` to see the records".to_string(),
        Remedy::ShowRevisions(n) => format!(
            "`csrkit show {n}` names the revisions; import a new certificate to end the renewal"
        ),
        Remedy::DownloadCsr(n) => {
            format!("ask the CA for a new one: csrkit download {n} gives the CSR")
        }
        Remedy::GiveName => "give a NAME: csrkit generate NAME ...".to_string(),
    }
}

/// A warning from the keystore (a skipped record) as one line of notes.
pub fn warning(e: Error) -> String {
    let e = for_cli(e);
    match e.hint {
        Some(h) => format!("warning: {}; {h}", e.message),
        None => format!("warning: {}", e.message),
    }
}

/// The field an option sets (`--key-size` -> `Field::KeySize`), if any.
pub fn field_of(flag: &str) -> Option<Field> {
    flag.strip_prefix("--")
        .and_then(|k| Field::from_key(&k.replace('-', "_")))
}

/// Invalid input given with the option (or operand) `flag`: typed when the
/// option sets a [`Field`], named as given otherwise.
pub fn invalid(flag: &str, message: impl std::fmt::Display) -> Error {
    match field_of(flag) {
        Some(f) => Error::invalid(f, message),
        None => Error::invalid_as(flag, message),
    }
}

/// An error that concerns the option (or operand) `flag`.
pub trait WithFlag {
    fn with_flag(self, flag: &str) -> Error;
}

impl WithFlag for Error {
    fn with_flag(self, flag: &str) -> Error {
        match field_of(flag) {
            Some(f) => self.with_field(f),
            None => self.with_label(flag),
        }
    }
}
