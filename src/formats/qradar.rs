//! `--format qradar`: see SPEC §7.

use super::Shape;

pub struct Qradar;

impl Shape for Qradar {
    fn name(&self) -> &'static str {
        "qradar"
    }
}
