//! The vendor APIs serve answers: the vendor list, and the roots their
//! appliances serve them under.

pub use crate::vendors::Vendor;
