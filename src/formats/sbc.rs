//! `--format sbc`: see SPEC §7.

use super::Shape;

pub struct Sbc;

impl Shape for Sbc {
    fn name(&self) -> &'static str {
        "sbc"
    }
}
