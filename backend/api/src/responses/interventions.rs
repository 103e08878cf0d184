//! The intervention log.

use hotspot_core::{Month, MonthRange};
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

/// Counts of the targeted crimes in one area, before and after.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PeriodCounts {
    pub before: u64,
    pub after: u64,
    /// The change from the before count scaled to the after period's months
    /// with data, in %; null when `before` is 0.
    pub change_pct: Option<f64>,
}

/// The periods compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EvaluationPeriods {
    pub before: MonthRange,
    pub after: MonthRange,
    /// Months of each period with data (gap months left out).
    pub before_months: u32,
    pub after_months: u32,
    pub before_gap_months: Vec<Month>,
    pub after_gap_months: Vec<Month>,
    /// The month the intervention started in, when mid-month: left out of both.
    pub excluded_month: Option<Month>,
    /// `after_months / before_months`: what before counts are multiplied by.
    pub before_scale: f64,
    /// How the periods were drawn, in words.
    pub note: String,
}

/// A ward by code and name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WardRef {
    pub code: String,
    pub name: String,
}

/// The comparison area and why it was used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ControlChoice {
    /// `automatic`, `wards` or `area`.
    pub method: String,
    pub wards: Vec<WardRef>,
    pub reason: String,
    /// Similarity score of an automatic choice (lower is more similar).
    pub score: Option<f64>,
    /// Wards left out because they touch the target or its buffer.
    pub excluded_adjacent: Vec<String>,
}

/// The weighted displacement quotient and its parts (Bowers & Johnson 2003).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Wdq {
    pub target_change_pct: Option<f64>,
    pub buffer_change_pct: Option<f64>,
    pub control_change_pct: Option<f64>,
    /// Negative when the target improved relative to the control.
    pub success_measure: f64,
    /// Positive when the buffer worsened relative to the control.
    pub buffer_measure: f64,
    /// `buffer_measure / success_measure`; null unless the target improved.
    pub wdq: Option<f64>,
    /// Crimes prevented across target and buffer relative to the control's
    /// trend (negative: more crime).
    pub total_net_effect: f64,
    pub interpretation: String,
    pub caveats: Vec<String>,
}

/// The evaluation of one intervention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Evaluation {
    pub periods: EvaluationPeriods,
    pub target: PeriodCounts,
    pub buffer: PeriodCounts,
    pub control: PeriodCounts,
    pub control_choice: ControlChoice,
    pub wdq: Wdq,
    pub interpretation: String,
    /// Regression to the mean first, then the rest.
    pub caveats: Vec<String>,
}

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
