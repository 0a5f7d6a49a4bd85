//! The vendor APIs serve answers, their names and the roots their
//! appliances serve them under.

/// A vendor API serve can answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Vendor {
    Arcgis,
    Qradar,
    Sbc,
    Nsx,
    Xclarity,
}

impl Vendor {
    /// Every vendor, in the order ports are given out.
    pub const ALL: [Vendor; 5] = [
        Vendor::Arcgis,
        Vendor::Qradar,
        Vendor::Sbc,
        Vendor::Nsx,
        Vendor::Xclarity,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Vendor::Arcgis => "arcgis",
            Vendor::Qradar => "qradar",
            Vendor::Sbc => "sbc",
            Vendor::Nsx => "nsx",
            Vendor::Xclarity => "xclarity",
        }
    }

    /// The path the appliance's API lives under (what the ready line's URL
    /// ends with).
    pub fn root(self) -> &'static str {
        match self {
            Vendor::Arcgis => "/portal",
            Vendor::Qradar => "/api",
            Vendor::Sbc => "/rest/v1.2",
            Vendor::Nsx | Vendor::Xclarity => "",
        }
    }
}
