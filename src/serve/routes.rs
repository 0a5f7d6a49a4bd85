//! Which vendor file answers a listener: its routes, its error body for
//! a status (faults, auth failures) and its answer to an unknown path.

use std::sync::Arc;

use super::state::Listener;
use super::vendor::Vendor;
use super::{arcgis, nsx, qradar, sbc, xclarity};

/// The routes of the listener's vendor.
pub fn vendor_routes(l: Arc<Listener>) -> axum::Router {
    match l.vendor {
        Vendor::Arcgis => arcgis::router(l.clone()),
        Vendor::Nsx => nsx::router(l.clone()),
        Vendor::Qradar => qradar::router(l.clone()),
        Vendor::Sbc => sbc::router(l.clone()),
        Vendor::Xclarity => xclarity::router(l.clone()),
    }
}

/// The vendor's error answer for `status` with `message`: the body and
/// status its clients read (for ArcGIS an HTTP 200).
pub fn vendor_error(vendor: Vendor, status: u16, message: &str) -> axum::response::Response {
    match vendor {
        Vendor::Arcgis => arcgis::error(status, message),
        Vendor::Nsx => nsx::error(status, message),
        Vendor::Qradar => qradar::error(status, message),
        Vendor::Sbc => sbc::error(status, message),
        Vendor::Xclarity => xclarity::error(status, message),
    }
}

/// An unknown path: the vendor's 404 (for ArcGIS a real HTTP 404, not
/// Portal's HTTP 200 error).
pub fn not_found(vendor: Vendor, message: &str) -> axum::response::Response {
    match vendor {
        Vendor::Arcgis => arcgis::not_found(message),
        v => vendor_error(v, 404, message),
    }
}
