//! How the command line names a [`Field`]: as its option (`--common-name`).
//! The one place below `main` where an error's field becomes a flag.

use crate::field::Field;

/// The option that sets `field` (`Field::KeySize` -> `--key-size`), or the
/// field's key for what no option sets (`revision`).
pub fn flag(field: Field) -> String {
    match field {
        Field::Revision => field.key().to_string(),
        _ => format!("--{}", field.key().replace('_', "-")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field but the ones no option sets names a real option.
    #[test]
    fn every_field_is_an_option_of_the_command_line() {
        let cmd = crate::complete::command();
        let mut longs = std::collections::BTreeSet::new();
        fn walk(c: &clap::Command, out: &mut std::collections::BTreeSet<String>) {
            for a in c.get_arguments() {
                if let Some(l) = a.get_long() {
                    out.insert(format!("--{l}"));
                }
                for al in a.get_all_aliases().unwrap_or_default() {
                    out.insert(format!("--{al}"));
                }
            }
            for s in c.get_subcommands() {
                walk(s, out);
            }
        }
        walk(&cmd, &mut longs);
        for f in Field::ALL {
            // No option sets a revision; `--challenge-password` is refused
            // by name (a secret never comes on the command line).
            if matches!(f, Field::Revision | Field::ChallengePassword) {
                continue;
            }
            assert!(longs.contains(&flag(*f)), "{} is no option", flag(*f));
        }
    }
}
