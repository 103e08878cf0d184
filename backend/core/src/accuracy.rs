//! How well hotspot maps predicted a test period, as plain data: PAI and hit
//! rate at each coverage, the ranking of methods and the report the engine
//! builds. Shared by the statistic (`hotspot_spacetime::evaluate`), the API
//! and the map client.

use serde::{Deserialize, Serialize};

/// Accuracy of a hotspot map at one coverage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccuracyPoint {
    /// Share of the study area flagged, `a/A`.
    pub coverage: f64,
    /// Share of test incidents in the flagged area, `n/N`.
    pub hit_rate: f64,
    /// `hit_rate / coverage`.
    pub pai: f64,
    /// Recapture Rate Index; `None` without training counts or when the
    /// flagged area held no training incidents.
    pub rri: Option<f64>,
}

/// Result of `hotspot_spacetime::evaluate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Accuracy {
    /// At the requested coverages, in the order given.
    pub at: Vec<AccuracyPoint>,
    /// At coverages 0.01, 0.02, …, 1.00.
    pub curve: Vec<AccuracyPoint>,
    /// Area under the hit-rate vs coverage curve, exact for the piecewise
    /// linear curve (0.5 for a map no better than random).
    pub auc: f64,
    /// Test incidents in active cells (`N`).
    pub test_total: f64,
    /// Training incidents in active cells (`N₁`).
    pub train_total: f64,
    /// Number of active cells ranked.
    pub cells: usize,
}

/// A named method's accuracy, for `hotspot_spacetime::recommend`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MethodScore {
    /// E.g. `"KDE 300 m"`, `"Grid 250 m"`, `"Ward counts"`, `"Gi* 250 m"`.
    pub name: String,
    pub accuracy: Accuracy,
    /// The map layer that draws this method, when the page has one (the
    /// map client's "use this method").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<MethodLayer>,
}

/// How the page draws a compared method: which layer, with which setting.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "layer")]
pub enum MethodLayer {
    /// The hotspot layer (quartic KDE) at this bandwidth.
    Hotspots { bandwidth_m: f64 },
    /// The Gi* layer on a grid of this cell size.
    Gistar { cell_m: f64 },
    /// The ward layer, shaded by count.
    Wards,
}

/// Result of `hotspot_spacetime::recommend`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendation {
    /// Name of the recommended method (`ranking[0]`).
    pub best: String,
    pub coverage: f64,
    /// One line for the analyst, e.g. "KDE 300 m predicts best: at 5% of the
    /// area it captures 41% of test-period incidents (PAI 8.2) …".
    pub reason: String,
    /// `(name, PAI at coverage, AUC)`, best first.
    pub ranking: Vec<(String, f64, f64)>,
}

/// Hotspot methods trained on one period and scored on the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationReport {
    pub cell_m: f64,
    /// Incidents in the analysed cells, per period.
    pub train_incidents: u64,
    pub test_incidents: u64,
    /// Selected located incidents (both periods) outside every analysed
    /// cell, and those with no location: not scored, but reported.
    pub outside_study_area: u64,
    pub unlocated: u64,
    /// Area of the analysed cells, edge cells clipped to the study area.
    pub study_area_km2: f64,
    pub methods: Vec<MethodScore>,
    pub recommendation: Recommendation,
}
