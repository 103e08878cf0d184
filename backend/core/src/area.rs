//! Areas: electoral wards (ONS `E05` codes) or any other boundary set that
//! counts are reported by.

use geo_types::MultiPolygon;
/// A named area with its boundary in WGS84 lon/lat.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// ONS code, e.g. `E05013240`, or any unique code the boundary file uses.
    pub code: String,
    pub name: String,
    /// Residents, when known, for rates per 1,000.
    pub population: Option<f64>,
    /// Boundary in WGS84 (RFC 7946 lon/lat).
    pub geometry: MultiPolygon<f64>,
}
