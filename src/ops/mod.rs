//! Operations every front end calls (the CLI's commands, `serve`): each
//! takes a keystore and validated input and returns records, never
//! prints, never prompts, and names no command-line flag of its own.

pub mod generate;
pub mod import;
