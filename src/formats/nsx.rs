//! `--format nsx`: see SPEC §7.

use super::Shape;

pub struct Nsx;

impl Shape for Nsx {
    fn name(&self) -> &'static str {
        "nsx"
    }
}
