//! The named choices a user makes in a request or on the command line:
//! the multiple-comparison correction, the distance metric, what areas are
//! ranked by, the Gi* unit.
//!
//! Each has one parser (`FromStr`), used by the CLI's flags and the HTTP
//! API's query parameters alike, and lists its accepted names in
//! [`Choices::NAMES`] so the OpenAPI document and `--help` can show them.

use serde::{Deserialize, Serialize};

/// An option spelled as one of a few names.
pub trait Choices: Sized + Copy + std::str::FromStr<Err = String> + 'static {
    /// Every name [`FromStr`](std::str::FromStr) accepts, synonyms included.
    const NAMES: &'static [&'static str];
}

/// Multiple-comparison correction applied to the p-values of one analysis
/// (all active features together).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Correction {
    /// Benjamini-Hochberg (1995) step-up adjustment: controls the false
    /// discovery rate (the expected share of false hotspots among those
    /// reported). The default: it keeps power on large grids where Holm
    /// would find almost nothing.
    #[default]
    #[serde(alias = "bh", alias = "fdr")]
    BenjaminiHochberg,
    /// Holm (1979) step-down adjustment: controls the family-wise error rate
    /// (the chance of even one false hotspot). Conservative.
    Holm,
    /// No adjustment: each cell tested on its own. Only when asked for.
    None,
}

impl std::str::FromStr for Correction {
    type Err = String;

    /// `fdr` (or `bh`), `holm` or `none`: the one parser of this option,
    /// shared by the CLI and the HTTP API.
    ///
    /// ```
    /// use hotspot_core::options::Correction;
    /// assert_eq!("holm".parse(), Ok(Correction::Holm));
    /// assert_eq!("bh".parse(), Ok(Correction::BenjaminiHochberg));
    /// assert_eq!("x".parse::<Correction>().unwrap_err(), r#""x": expected fdr, holm or none"#);
    /// ```
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "fdr" | "bh" => Ok(Correction::BenjaminiHochberg),
            "holm" => Ok(Correction::Holm),
            "none" => Ok(Correction::None),
            other => Err(format!("{other:?}: expected fdr, holm or none")),
        }
    }
}

impl Choices for Correction {
    const NAMES: &'static [&'static str] = &["fdr", "bh", "holm", "none"];
}

/// How the distance between two locations is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Straight-line distance `√(dx² + dy²)`.
    #[default]
    Euclidean,
    /// City-block distance `|dx| + |dy|`, a proxy for distance along a grid
    /// street network (the Near Repeat Calculator offers both).
    Manhattan,
}

impl std::str::FromStr for Metric {
    type Err = String;

    /// `euclidean` or `manhattan`, for the CLI and the HTTP API alike.
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "euclidean" => Ok(Metric::Euclidean),
            "manhattan" => Ok(Metric::Manhattan),
            other => Err(format!("{other:?}: expected euclidean or manhattan")),
        }
    }
}

impl Metric {
    /// Distance between two points in metres.
    ///
    /// ```
    /// use hotspot_core::options::Metric;
    /// assert_eq!(Metric::Euclidean.distance([0.0, 0.0], [3.0, 4.0]), 5.0);
    /// assert_eq!(Metric::Manhattan.distance([0.0, 0.0], [3.0, -4.0]), 7.0);
    /// ```
    #[inline]
    pub fn distance(self, a: [f64; 2], b: [f64; 2]) -> f64 {
        let dx = a[0] - b[0];
        let dy = a[1] - b[1];
        match self {
            Metric::Euclidean => (dx * dx + dy * dy).sqrt(),
            Metric::Manhattan => dx.abs() + dy.abs(),
        }
    }
}

impl Choices for Metric {
    const NAMES: &'static [&'static str] = &["euclidean", "manhattan"];
}

/// What areas are ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RankBy {
    /// Incident count.
    #[default]
    Count,
    /// Incidents per 1,000 residents; areas without a rate rank last.
    Rate,
}

impl std::str::FromStr for RankBy {
    type Err = String;

    /// `count` or `rate`, for the CLI and the HTTP API alike.
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "count" => Ok(RankBy::Count),
            "rate" => Ok(RankBy::Rate),
            other => Err(format!("{other:?}: expected count or rate")),
        }
    }
}

impl Choices for RankBy {
    const NAMES: &'static [&'static str] = &["count", "rate"];
}

/// How incidents count in a surface or a sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WeightBy {
    /// Each incident counts 1.
    #[default]
    Count,
    /// Each incident weighs its crime type's harm weight (a
    /// [`HarmIndex`](crate::harm::HarmIndex) the deployment supplies).
    Harm,
}

impl std::str::FromStr for WeightBy {
    type Err = String;

    /// `count` or `harm`, for the CLI and the HTTP API alike.
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "count" => Ok(WeightBy::Count),
            "harm" => Ok(WeightBy::Harm),
            other => Err(format!("{other:?}: expected count or harm")),
        }
    }
}

impl Choices for WeightBy {
    const NAMES: &'static [&'static str] = &["count", "harm"];
}

/// Gi* on a grid or on the wards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiUnit {
    /// Square grid cells; neighbours within `band` cell widths (1.5 = queen).
    Grid,
    /// Wards; neighbours share a boundary (or lie within `band` metres of
    /// each other's centroid when a band is given).
    Wards,
}

impl std::str::FromStr for GiUnit {
    type Err = String;

    /// `grid` or `wards`, for the CLI and the HTTP API alike.
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "grid" => Ok(GiUnit::Grid),
            "wards" => Ok(GiUnit::Wards),
            other => Err(format!("{other:?}: expected grid or wards")),
        }
    }
}

impl Choices for GiUnit {
    const NAMES: &'static [&'static str] = &["grid", "wards"];
}

/// The ward briefing's output formats, with their media types and file
/// extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BriefingFormat {
    #[default]
    Pdf,
    Png,
    Csv,
    GeoPackage,
}

impl std::str::FromStr for BriefingFormat {
    type Err = String;

    /// `pdf`, `png`, `csv` or `gpkg` (also `geopackage`), any case.
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pdf" => Ok(BriefingFormat::Pdf),
            "png" => Ok(BriefingFormat::Png),
            "csv" => Ok(BriefingFormat::Csv),
            "gpkg" | "geopackage" => Ok(BriefingFormat::GeoPackage),
            _ => Err(format!("{s:?}: expected pdf, png, csv or gpkg")),
        }
    }
}

impl Choices for BriefingFormat {
    const NAMES: &'static [&'static str] = &["pdf", "png", "csv", "gpkg"];
}

impl BriefingFormat {
    pub fn media_type(self) -> &'static str {
        match self {
            BriefingFormat::Pdf => "application/pdf",
            BriefingFormat::Png => "image/png",
            BriefingFormat::Csv => "text/csv; charset=utf-8",
            BriefingFormat::GeoPackage => "application/geopackage+sqlite3",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            BriefingFormat::Pdf => "pdf",
            BriefingFormat::Png => "png",
            BriefingFormat::Csv => "csv",
            BriefingFormat::GeoPackage => "gpkg",
        }
    }
}

/// Direction of the change from the comparison period, after scaling the
/// comparison count to the current period's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeDirection {
    Up,
    Down,
    NoChange,
}
