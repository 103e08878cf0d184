//! The analysis layers: incidents, density, hotspot areas, Gi*, emerging
//! hot spots and the days-of-action plan. All need the partner role or
//! above, so their figures are never withheld.

use hotspot_core::harm::HarmIndex;
use std::collections::BTreeMap;

use hotspot_core::options::Correction;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FeatureCollection;

/// One incident (`GET /api/incidents`). Read leniently (`default`): a map
/// library hands back a clicked feature's properties without its nulls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct IncidentProperties {
    pub category: String,
    pub source: String,
    /// `YYYY-MM`.
    pub month: String,
    /// `YYYY-MM-DD`, when known.
    pub date: Option<String>,
    /// `HH:MM`, when known.
    pub time: Option<String>,
    pub crime_id: Option<String>,
    /// police.uk's anonymised location, e.g. "On or near Abington Street".
    pub location: Option<String>,
    pub lsoa_code: Option<String>,
    pub outcome: Option<String>,
    /// The code of the ward it lies in.
    pub ward: Option<String>,
}

/// A page of incidents (OGC API – Features style paging fields).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IncidentPage {
    pub number_matched: usize,
    pub number_returned: usize,
    pub offset: usize,
    pub limit: usize,
    /// The `offset` of the next page; null on the last.
    pub next_offset: Option<usize>,
}

pub type Incidents = FeatureCollection<IncidentProperties, IncidentPage>;

/// A map point's street label (`GET /api/labels`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StreetLabel {
    /// The street of police.uk's "On or near …" ("Gold Street"), or the kind
    /// of place ("Nightclub").
    pub street: String,
    /// Selected incidents on this map point.
    pub incidents: u64,
}

/// How many labelled map points the view holds and how many came back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LabelCount {
    pub number_matched: usize,
    pub number_returned: usize,
}

pub type StreetLabels = FeatureCollection<StreetLabel, LabelCount>;

/// A density grid's origin and size, in British National Grid metres.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GridFrame {
    pub west: f64,
    pub north: f64,
    pub cols: usize,
    pub rows: usize,
}

/// How a density surface was made: shared by its cells, its grid and its
/// hotspot areas.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DensityMeta {
    /// `EPSG:27700`: distances and densities are computed in metres.
    pub crs_analysis: String,
    pub cell_m: f64,
    pub bandwidth_m: f64,
    /// `quartic`.
    pub kernel: String,
    /// `incidents per km²`.
    pub units: String,
    /// Incidents that went into the surface.
    pub points: usize,
    pub grid: GridFrame,
    pub max_density: f64,
    /// Why a parameter was changed from what was asked (e.g. a grid too fine).
    pub warnings: Vec<String>,
    /// With `weight=harm`: the index each incident was weighted by (the
    /// density is then harm per km²).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harm_index: Option<HarmIndex>,
}

/// One grid cell of a density surface.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DensityCell {
    /// Incidents per km², to 3 decimals.
    pub density: f64,
    pub col: usize,
    /// Row 0 is the north edge.
    pub row: usize,
}

pub type DensityCells = FeatureCollection<DensityCell, DensityMeta>;

/// `GET /api/density?format=grid`: the grid as one object, for clients that
/// draw rasters themselves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DensityGrid {
    #[serde(flatten)]
    pub meta: DensityMeta,
    /// The grid's outer corners in WGS84 (north-west, north-east, south-east,
    /// south-west), where a map client pins the image it draws.
    pub corners: Vec<[f64; 2]>,
    /// Densities row by row from the north, incidents per km².
    pub values: Vec<f64>,
}

/// One hotspot band: the areas at or above the density that the top X% of
/// non-zero cells reach.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HotspotProperties {
    pub top_percent: f64,
    /// Density threshold, incidents per km².
    pub threshold: f64,
    pub area_km2: f64,
    /// Selected incidents inside.
    pub incidents: u64,
    /// Their share of the selected located incidents in the extent.
    pub share: f64,
    pub by_category: BTreeMap<String, u64>,
    /// The band's separate areas with the most incidents (at most 10),
    /// most first, each named by its streets.
    #[serde(default)]
    pub places: Vec<HotspotPlace>,
}

/// One separate area of a hotspot band.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HotspotPlace {
    /// "Abington Street / Gold Street area": the streets (police.uk's "On or
    /// near …" labels) of the incidents near its densest point; null when
    /// they carry no labels.
    pub name: Option<String>,
    /// Selected incidents in it.
    pub incidents: u64,
    pub area_km2: f64,
    /// Its densest point, WGS84.
    pub lon: f64,
    pub lat: f64,
}

pub type Hotspots = FeatureCollection<HotspotProperties, DensityMeta>;

/// A Gi* cell or ward.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GiProperties {
    pub count: f64,
    /// To 4 decimals.
    pub z: f64,
    /// The two-sided p-value, to 4 significant figures (more is noise for
    /// a decision, and a region's grid wrote 13 MB of digits).
    pub p: f64,
    /// The p-value corrected for multiple testing, as `p`.
    pub p_adjusted: f64,
    /// `hot_99`, `hot_95`, `hot_90`, `not_significant`, `cold_90`, `cold_95` or `cold_99`.
    pub class: String,
    /// The ward's code and name (`unit=wards` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GiMeta {
    pub statistic: String,
    /// The neighbourhood used, in words.
    pub neighbourhood: String,
    #[schema(value_type = String)]
    pub correction: Correction,
    /// Located incidents outside the analysed cells or wards.
    pub outside_study_area: u64,
    pub unlocated: u64,
    /// The grid's cell size (`unit=grid` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell_m: Option<f64>,
    /// With `weight=harm`: the index each incident was weighted by (each
    /// cell's `count` is then its harm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harm_index: Option<HarmIndex>,
}

pub type GiLayer = FeatureCollection<GiProperties, GiMeta>;

/// `GET /api/gistar?format=grid`: every cell of the grid in one compact
/// object, for clients that draw it as an image pinned at its corners (a
/// region's 100 m grid as polygons is a hundred megabytes). The per-cell
/// arrays run row by row from the north, `cols` to a row, and hold null
/// for cells outside the study area; the values are the GeoJSON's, rounded
/// alike.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GiGrid {
    #[serde(flatten)]
    pub meta: GiMeta,
    /// The grid's origin (British National Grid metres), `cols` and `rows`.
    #[serde(flatten)]
    pub frame: GridFrame,
    /// The grid's outer corners in WGS84 (north-west, north-east, south-east,
    /// south-west), as in `DensityGrid`.
    pub corners: Vec<[f64; 2]>,
    /// The class names, as the GeoJSON's `class` writes them, hottest first.
    pub classes: Vec<String>,
    /// Per cell: its class, an index into `classes`.
    pub class: Vec<Option<u8>>,
    /// Per cell: incidents in it (with `weight=harm`, their harm).
    pub count: Vec<Option<f64>>,
    /// Per cell: the Gi* z-score, to 4 decimals.
    pub z: Vec<Option<f64>>,
    /// Per cell: the two-sided p-value, to 4 significant figures.
    pub p: Vec<Option<f64>>,
    /// Per cell: the p-value corrected for multiple testing (the class's),
    /// to 4 significant figures.
    pub p_adjusted: Vec<Option<f64>>,
}

impl GiGrid {
    /// Cell `i`'s figures as a GeoJSON feature's properties; `None` outside
    /// the study area (or past the grid).
    pub fn cell(&self, i: usize) -> Option<GiProperties> {
        let class = self.classes.get(usize::from((*self.class.get(i)?)?))?;
        Some(GiProperties {
            count: (*self.count.get(i)?)?,
            z: (*self.z.get(i)?)?,
            p: (*self.p.get(i)?)?,
            p_adjusted: (*self.p_adjusted.get(i)?)?,
            class: class.clone(),
            code: None,
            name: None,
        })
    }
}

/// An emerging hot or cold spot cell.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EmergingProperties {
    /// E.g. `new`, `intensifying`, `persistent_cold`, `no_pattern`.
    pub class: String,
    /// The category in words.
    pub label: String,
    pub count: f64,
    pub hot_periods: usize,
    pub cold_periods: usize,
    /// Gi* z in the last step.
    pub last_z: f64,
    /// Mann-Kendall trend of the z-scores.
    pub trend_z: f64,
    pub trend_p: f64,
    /// Gi* z in every step, in the order of the layer's `periods`.
    #[serde(default)]
    pub z: Vec<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EmergingMeta {
    pub cell_m: f64,
    /// The time steps, `YYYY-MM..YYYY-MM` each (months with data only).
    pub periods: Vec<String>,
    /// Months of the period with no data: left out, not counted as zeros.
    pub gap_months: Vec<String>,
    pub outside_study_area: u64,
    pub unlocated: u64,
}

pub type EmergingLayer = FeatureCollection<EmergingProperties, EmergingMeta>;

/// The best time of week to be at a site.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TimeWindow {
    /// `Mon` … `Sun`.
    pub day: String,
    pub from_hour: u32,
    pub to_hour: u32,
    /// Share of the site's dated incidents in the window.
    pub share: f64,
}

/// A feature of a days-of-action plan, by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlanFeature {
    /// A chosen site (a point), ranked by the weight it adds.
    Site {
        rank: usize,
        name: String,
        ward: Option<String>,
        covered_incidents: u64,
        covered_weight: f64,
        marginal_weight: f64,
        by_group: BTreeMap<String, u64>,
        best_window: Option<TimeWindow>,
    },
    /// A site's coverage circle (a polygon).
    Coverage { rank: usize, radius_m: f64 },
    /// A naive site at a busy ward's centroid, for comparison (a point).
    Naive { ward: String },
}

/// How the plan compares with the naive sites.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Baseline {
    pub covered_weight: f64,
    pub share: f64,
    pub gain: f64,
    pub gain_pct: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanMeta {
    pub radius_m: f64,
    pub covered_weight: f64,
    pub total_weight: f64,
    pub share: f64,
    pub baseline: Option<Baseline>,
    pub baseline_method: String,
    /// What the greedy choice guarantees, in words.
    pub guarantee: String,
    pub candidates_considered: usize,
    pub notes: Vec<String>,
}

pub type Plan = FeatureCollection<PlanFeature, PlanMeta>;
