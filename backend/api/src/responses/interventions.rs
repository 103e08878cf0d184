//! The intervention log.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A recorded intervention; `area` is its target area as a GeoJSON geometry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Intervention {
    pub id: i64,
    pub name: String,
    pub kind: String,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub start: String,
    /// `YYYY-MM-DD`; null while it goes on.
    #[schema(format = Date)]
    pub end: Option<String>,
    pub buffer_m: f64,
    pub groups: Vec<String>,
    pub types: Vec<String>,
    pub notes: Option<String>,
    /// The site and radius, when the area was given so.
    pub site: Option<InterventionSite>,
    #[schema(value_type = Object)]
    pub area: geojson::Geometry,
    pub created_by: Option<String>,
    pub created_at: String,
}

/// A site (WGS84) and the radius of the circle around it, in metres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InterventionSite {
    pub lon: f64,
    pub lat: f64,
    pub radius_m: f64,
}

/// `GET /api/interventions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Interventions {
    pub interventions: Vec<Intervention>,
}

pub use hotspot_core::evaluation::{
    BeforeWindow, ControlChoice, Evaluation, EvaluationPeriods, PeriodCounts, Robustness, WardRef,
    WdqResult,
};

/// One of the three areas of an evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EvaluationArea {
    /// `target`, `buffer` or `control`.
    pub role: String,
    #[serde(flatten)]
    pub counts: PeriodCounts,
}

/// `GET /api/interventions/{id}/evaluation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InterventionEvaluation {
    pub intervention: Intervention,
    pub evaluation: Evaluation,
    /// The target, buffer and control areas.
    pub areas: super::FeatureCollection<EvaluationArea, super::NoMeta>,
}
