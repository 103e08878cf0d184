//! Request bodies: what the map client and scripts send.

use hotspot_core::options::WeightBy;
use hotspot_core::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Body of `POST /api/interventions`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Castle patrols", "kind": "patrols", "start": "2025-03-01", "end": "2025-05-31",
    "groups": ["serious-acquisitive"], "site": {"lon": -1.0, "lat": 52.23}, "radius_m": 400
}))]
pub struct InterventionRequest {
    /// 1-200 characters.
    pub name: String,
    /// 1-100 characters, e.g. patrols, target hardening, day of action, CCTV.
    pub kind: String,
    /// `YYYY-MM-DD`.
    #[schema(format = Date, example = "2025-03-01")]
    pub start: String,
    /// `YYYY-MM-DD`, not before `start`; none while it goes on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = Date)]
    pub end: Option<String>,
    /// Displacement buffer in metres, in (0, 5000] (default 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buffer_m: Option<f64>,
    /// Crime groups it targets (see /api/categories).
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// A GeoJSON Polygon or MultiPolygon (WGS84), or a Feature holding one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub area: Option<geojson::GeoJson>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<Site>,
    /// Radius around `site` in metres, in (0, 5000].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_m: Option<f64>,
}

/// A point, WGS84.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub lon: f64,
    pub lat: f64,
}

/// Body of `POST /api/plan`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// As the `period` query parameter: `YYYY-MM..YYYY-MM`, `YYYY-MM` or a date-time range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "2025-01..2025-06")]
    pub period: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// `[{"group": "serious-acquisitive", "weight": 3}, ...]`; the first
    /// listed group an incident belongs to sets its weight.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weights: Vec<GroupWeight>,
    /// `harm`: each incident also weighs its crime type's weight in the
    /// deployment's harm index (409 when none is loaded); default `count`.
    #[serde(default, skip_serializing_if = "is_count")]
    pub weight: WeightBy,
    /// How many sites, 1..=100.
    #[serde(default = "default_sites")]
    #[schema(minimum = 1, maximum = 100, default = 5)]
    pub sites: usize,
    /// Coverage radius in metres, in (0, 10000].
    #[serde(default = "default_radius")]
    #[schema(exclusive_minimum = 0, maximum = 10000, default = 400)]
    pub radius: f64,
    /// Candidate venues: a GeoJSON FeatureCollection of named points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub venues: Option<geojson::FeatureCollection>,
    /// Areas to avoid: GeoJSON polygons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub avoid: Option<geojson::GeoJson>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupWeight {
    pub group: String,
    pub weight: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NewUser {
    /// 1-64 letters, digits, '.', '_', '-' or '@'.
    #[schema(example = "ana")]
    pub username: String,
    /// At least 12 characters.
    pub password: String,
    pub role: Role,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NewToken {
    /// What the token is for, e.g. `qgis`.
    pub label: String,
}

fn default_sites() -> usize {
    5
}

fn default_radius() -> f64 {
    400.0
}

fn is_count(w: &WeightBy) -> bool {
    *w == WeightBy::Count
}
