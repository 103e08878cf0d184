//! Which incidents a question is about: crime groups and types, sources, a
//! period, an area or a bounding box.

use std::sync::Arc;

use hotspot_core::harm::HarmIndex;
pub use hotspot_core::Period;

/// What each selected incident counts for in a surface or a sum.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Weighting {
    /// One each: counts (the default).
    #[default]
    Count,
    /// Its crime type's weight in this harm index.
    Harm(Arc<HarmIndex>),
}

impl Weighting {
    /// The harm index, when weighted by one.
    pub fn harm_index(&self) -> Option<&HarmIndex> {
        match self {
            Weighting::Count => None,
            Weighting::Harm(index) => Some(index),
        }
    }
}

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
    /// How the selected incidents count where an analysis sums them
    /// (density, hotspots, Gi*, ward harm); it never changes which are selected.
    pub weighting: Weighting,
}
