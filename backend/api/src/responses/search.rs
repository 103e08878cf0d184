//! `GET /api/search`: wards and places by name.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchKind {
    Ward,
    /// A police.uk location label ("On or near …"), at its busiest map point.
    Location,
}

/// One result, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SearchResult {
    pub kind: SearchKind,
    pub name: String,
    /// The ward's code (wards only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Where to fly to, WGS84.
    pub lon: f64,
    pub lat: f64,
    /// The ward's extent, WGS84 `[west, south, east, north]` (wards only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f64; 4]>,
    /// Incidents with this location label (locations only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incidents: Option<u64>,
}

/// `GET /api/search`. The public role gets wards only: a location and its
/// count could point at a victim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SearchResults {
    pub results: Vec<SearchResult>,
}
