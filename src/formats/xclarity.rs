//! `--format xclarity`: see SPEC §7.

use super::Shape;

pub struct Xclarity;

impl Shape for Xclarity {
    fn name(&self) -> &'static str {
        "xclarity"
    }
}
