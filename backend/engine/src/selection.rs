//! Which incidents a question is about: crime groups and types, sources, a
//! period, an area or a bounding box.

pub use hotspot_core::Period;

/// The incidents a question is about. Empty lists mean "no restriction";
/// groups and types combine as a union (Burglary OR anything in "drugs"),
/// sources restrict further.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    pub groups: Vec<String>,
    pub types: Vec<String>,
    pub sources: Vec<String>,
    pub period: Period,
    /// Only incidents inside this area (by point-in-polygon).
    pub area: Option<String>,
    /// Only incidents inside this WGS84 box: min lon, min lat, max lon, max lat.
    pub bbox: Option<[f64; 4]>,
}
