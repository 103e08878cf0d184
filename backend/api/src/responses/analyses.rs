//! The change map, relative-risk surface and DBSCAN clusters (issue #12
//! items 7–9). Partner role or above, like the other analysis layers.

use hotspot_core::options::Correction;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FeatureCollection;

/// A study-grid cell of the change map (`GET /api/change`): only cells
/// with something counted in either period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChangeProperties {
    /// Selected incidents in the cell in the before period.
    pub n_before: u64,
    /// And in the after period.
    pub n_after: u64,
    /// `n_after − n_before` (as sfhotspot's `hotspot_change`; not scaled
    /// for unequal periods: see `rate_ratio`).
    pub change: i64,
    /// Incidents per month with data after ÷ before; null when `n_before` is 0.
    pub rate_ratio: Option<f64>,
    /// Exact two-sided conditional binomial test of a change in rate.
    pub p: f64,
    /// `p` adjusted over the tested cells (`correction`).
    pub p_adjusted: f64,
    /// `rise`, `fall` or `no_significant_change` (adjusted p < 0.05).
    pub class: String,
    pub col: usize,
    /// Row 0 is the north edge.
    pub row: usize,
}

/// One period of a change map.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChangePeriodMeta {
    /// `YYYY-MM..YYYY-MM` as asked.
    pub period: String,
    /// Months with data: the period's length in the test.
    pub months_with_data: usize,
    /// Months of the period with no data for any source (gaps, not zeros).
    pub gap_months: Vec<String>,
    /// Selected incidents in the period; the cells' counts plus
    /// `outside_study_area` and `unlocated` add up to it.
    pub selected: u64,
    pub outside_study_area: u64,
    pub unlocated: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChangeMeta {
    pub cell_m: f64,
    /// The test, in words.
    pub test: String,
    #[schema(value_type = String)]
    pub correction: Correction,
    /// Significance level of the classes (on `p_adjusted`).
    pub alpha: f64,
    pub before: ChangePeriodMeta,
    pub after: ChangePeriodMeta,
    /// Cells tested (those with `n_before + n_after > 0`).
    pub tested_cells: usize,
    pub warnings: Vec<String>,
}

pub type ChangeLayer = FeatureCollection<ChangeProperties, ChangeMeta>;

/// A crime type and how many of a cluster's incidents it has.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TypeCount {
    pub category: String,
    pub count: u64,
}

/// A DBSCAN cluster (`GET /api/clusters`): its outline is the convex hull
/// of its points buffered by `eps / 2`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClusterProperties {
    /// 1 = the cluster with the most incidents.
    pub rank: usize,
    /// Incidents in the cluster (each incident a point; snapped duplicates count).
    pub count: u64,
    /// Of those, on core points.
    pub core_count: u64,
    /// Distinct map points.
    pub locations: u64,
    /// Area of the outline.
    pub area_km2: f64,
    /// Most common crime types, most first (at most 3).
    pub top_types: Vec<TypeCount>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClusterMeta {
    /// Neighbourhood radius, metres (BNG).
    pub eps_m: f64,
    /// How `eps` was chosen: `given` or the rule with its value.
    pub eps_rule: String,
    pub min_points: usize,
    /// How `min_points` was chosen.
    pub min_points_rule: String,
    /// Located selected incidents clustered.
    pub incidents: u64,
    /// Of those, in no cluster.
    pub noise: u64,
    /// Selected incidents with no location (not clustered).
    pub unlocated: u64,
    pub clusters: usize,
}

pub type ClusterLayer = FeatureCollection<ClusterProperties, ClusterMeta>;

/// A grid cell of the relative-risk surface (`GET /api/relative-risk`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RiskProperties {
    /// Selected incidents per km² (quartic KDE).
    pub numerator_density: f64,
    /// Denominator units (residents or incidents) per km², same kernel.
    pub denominator_density: f64,
    /// (numerator density ÷ its total) ÷ (denominator density ÷ its
    /// total): 1.0 is the area's average risk. Null when masked.
    pub ratio: Option<f64>,
    /// The denominator density is below the floor: no ratio is given.
    pub masked: bool,
    pub col: usize,
    /// Row 0 is the north edge.
    pub row: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RiskMeta {
    /// `EPSG:27700`: distances and densities are computed in metres.
    pub crs_analysis: String,
    pub cell_m: f64,
    pub bandwidth_m: f64,
    /// `quartic`.
    pub kernel: String,
    /// `population`, `source:NAME` or `group:ID`, as asked.
    pub denominator: String,
    /// What the denominator counts, in words.
    pub denominator_units: String,
    /// Numerator incidents in the surface.
    pub numerator_points: usize,
    /// Denominator total in the surface (residents or incidents).
    pub denominator_total: f64,
    /// Denominator density below which a cell is masked, per km².
    pub floor: f64,
    /// How the floor is set, in words.
    pub floor_rule: String,
    /// Cells with some numerator or denominator density that are masked.
    pub masked_cells: usize,
    pub warnings: Vec<String>,
}

pub type RiskLayer = FeatureCollection<RiskProperties, RiskMeta>;
