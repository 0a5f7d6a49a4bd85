//! `--format arcgis`: see SPEC §7.

use super::Shape;

pub struct Arcgis;

impl Shape for Arcgis {
    fn name(&self) -> &'static str {
        "arcgis"
    }
}
