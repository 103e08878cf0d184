//! Every endpoint's query parameters. The handlers take these (through the
//! server's `ApiQuery` extractor) and the OpenAPI document lists them from
//! the same derives, so what is documented is what is parsed.
//!
//! Endpoints combine groups as tuples: ward statistics take
//! `(Categories, Scope, Comparison, WardOptions)`. The patterns describe
//! well-formed values so that generated requests (schemathesis) reach the
//! analyses instead of stopping at the parser; the parser also trims
//! surrounding spaces and treats an empty value as absent.

use hotspot_core::options::{BriefingFormat, Correction, GiUnit, Metric, RankBy, WeightBy};
use hotspot_core::period::{Compare, Period};
use hotspot_core::Choices;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::fields::{
    BBox, Choice, Date, Flag, List, Months, Num, Numbers, Parsed, Percentages, Positive,
};
use crate::from_query;

// Non-generic names for the choices, for utoipa (see `Choice`).
type BriefingFormatChoice = Choice<BriefingFormat>;
type CorrectionChoice = Choice<Correction>;
type DensityFormatChoice = Choice<DensityFormat>;
type GiFormatChoice = Choice<GiFormat>;
type GiUnitChoice = Choice<GiUnit>;
type ImportKindNameChoice = Choice<ImportKindName>;
type JsonOrCsvChoice = Choice<JsonOrCsv>;
type MetricChoice = Choice<Metric>;
type RankByChoice = Choice<RankBy>;
type WeightByChoice = Choice<WeightBy>;

/// Which crime types: accepted wherever incidents are selected.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Categories {
    /// Crime groups, comma-separated (see `/api/categories`), e.g.
    /// `serious-acquisitive,asb` or `source-fly-tipping`. Groups and types
    /// combine as a union.
    #[param(value_type = Option<String>, example = "serious-acquisitive")]
    pub group: Option<List>,
    /// Crime types, comma-separated, as loaded (see `/api/categories`).
    #[param(value_type = Option<String>, example = "Burglary,Robbery")]
    pub r#type: Option<List>,
    /// Sources, comma-separated (`police.uk` or a partner's name); they restrict.
    #[param(value_type = Option<String>, example = "police.uk")]
    pub source: Option<List>,
}

/// When and where: with [`Categories`], the selection of incidents.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Scope {
    /// Months `YYYY-MM..YYYY-MM` (inclusive), one month `YYYY-MM`, `all`, or
    /// a half-open date-time range `YYYY-MM-DD[THH:MM[:SS]]..YYYY-MM-DD[THH:MM[:SS]]`
    /// (a space may stand for the `T`; a date alone means midnight). The
    /// start must not be after the end.
    #[param(
        value_type = Option<String>,
        example = "2025-01..2025-06",
        pattern = r"^(all|[0-9]{4}-[0-9]{2}(\.\.[0-9]{4}-[0-9]{2})?|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?\.\.[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?)$"
    )]
    pub period: Option<Parsed<Period>>,
    /// A ward code: only incidents inside it. Refused by `/api/wards` and
    /// `/api/wards/{code}`, which cover every ward.
    #[param(example = "E05999006")]
    pub ward: Option<String>,
    /// `min_lon,min_lat,max_lon,max_lat` in WGS84 degrees, min < max. Refused
    /// by `/api/wards`; for density, hotspots and Gi* it is also the extent.
    #[param(
        value_type = Option<String>,
        example = "-1.05,52.20,-0.95,52.27",
        pattern = r"^-?[0-9]{1,3}(\.[0-9]+)?(,-?[0-9]{1,3}(\.[0-9]+)?){3}$"
    )]
    pub bbox: Option<BBox>,
}

/// The selection of incidents most analyses take.
pub type Selection = (Categories, Scope);

/// How the selected incidents count, where an analysis sums them (density,
/// hotspots, Gi*, ward statistics).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Weight {
    /// `count` (default: each incident 1) or `harm`: each incident weighs its
    /// crime type's weight in the deployment's harm index (`hotspot serve
    /// --harm-index`, shown in `/api/categories`); 409 when none is loaded.
    #[param(inline)]
    pub weight: Option<WeightByChoice>,
}

impl Weight {
    /// The choice, `count` when absent.
    pub fn by(&self) -> WeightBy {
        self.weight.map(|w| w.0).unwrap_or_default()
    }
}

/// The comparison period of ward statistics and briefings.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Comparison {
    /// `previous` (the period of equal length before), `year` (a year
    /// earlier), `none`, or a period as in `period`. `previous` and `year`
    /// need a `period`.
    #[param(
        value_type = Option<String>,
        example = "previous",
        pattern = r"^(previous|year|none|all|[0-9]{4}-[0-9]{2}(\.\.[0-9]{4}-[0-9]{2})?|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?\.\.[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?)$"
    )]
    pub compare: Option<Parsed<Compare>>,
}

/// Ward statistics options besides the comparison.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WardOptions {
    /// How many top-ranked wards are flagged `priority` (default 5).
    #[param(value_type = Option<u64>, minimum = 0, example = 5)]
    pub top: Option<Num<usize>>,
    /// Rank by count (default) or by rate per 1,000 residents.
    #[param(inline)]
    pub rank_by: Option<RankByChoice>,
}

/// Ward briefing options besides the categories and comparison: no `ward`
/// or `bbox`, as the ward is in the path and the briefing frames its own map.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BriefingOptions {
    /// Months `YYYY-MM..YYYY-MM` (inclusive) or one month `YYYY-MM`;
    /// default the latest 12 months loaded.
    #[param(
        value_type = Option<String>,
        example = "2025-07..2025-12",
        pattern = r"^(all|[0-9]{4}-[0-9]{2}(\.\.[0-9]{4}-[0-9]{2})?|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?\.\.[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?)$"
    )]
    pub period: Option<Parsed<Period>>,
    /// `pdf` (default), `png`, `csv` or `gpkg` (GeoPackage 1.3, EPSG:27700).
    #[param(inline)]
    pub format: Option<BriefingFormatChoice>,
    /// A public briefing: counts below the suppression threshold withheld,
    /// no points, hotspot areas or interventions. Default `true` for the
    /// public role (which may not ask for `false`), `false` otherwise.
    #[param(value_type = Option<bool>)]
    pub public: Option<Flag>,
}

/// Kernel density grid options.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Kde {
    /// Grid cell size in metres (> 0); default from the extent (`bbox` when
    /// given): its shorter side / 300, nicely rounded, at least 10 m.
    #[param(value_type = Option<f64>, exclusive_minimum = 0, example = 100)]
    pub cell: Option<Positive>,
    /// Quartic kernel bandwidth in metres (> 0); default 5 cells, kept between
    /// 200 m and 600 m (and at least 2 cells).
    #[param(value_type = Option<f64>, exclusive_minimum = 0, example = 400)]
    pub bandwidth: Option<Positive>,
}

/// What `/api/density` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DensityFormat {
    /// Non-zero cells as polygons.
    #[default]
    Geojson,
    /// One JSON object, row 0 north.
    Grid,
    /// Float32 GeoTIFF in EPSG:27700 (`tiff` is the same).
    Geotiff,
}

impl std::str::FromStr for DensityFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "geojson" => Ok(DensityFormat::Geojson),
            "grid" => Ok(DensityFormat::Grid),
            "geotiff" | "tiff" => Ok(DensityFormat::Geotiff),
            other => Err(format!("{other:?}: expected geojson, grid or geotiff")),
        }
    }
}

impl Choices for DensityFormat {
    const NAMES: &'static [&'static str] = &["geojson", "grid", "geotiff", "tiff"];
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DensityOptions {
    /// `geojson` (default: non-zero cells as polygons), `grid` (one JSON
    /// object, row 0 north) or `geotiff`/`tiff` (Float32, EPSG:27700).
    #[param(inline)]
    pub format: Option<DensityFormatChoice>,
    /// With `format=geojson`, leave out cells below this density (incidents per km²).
    #[param(value_type = Option<f64>, example = 0.5)]
    pub min_density: Option<Num<f64>>,
}

/// What `/api/gistar` returns: the two of [`DensityFormat`]'s answers that
/// a grid of classes has, parsed by its parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GiFormat {
    /// Cells (or wards) as polygons.
    #[default]
    Geojson,
    /// One JSON object, row 0 north (`unit=grid` only).
    Grid,
}

impl std::str::FromStr for GiFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.parse() {
            Ok(DensityFormat::Geojson) => Ok(GiFormat::Geojson),
            Ok(DensityFormat::Grid) => Ok(GiFormat::Grid),
            _ => Err(format!("{s:?}: expected geojson or grid")),
        }
    }
}

impl Choices for GiFormat {
    const NAMES: &'static [&'static str] = &["geojson", "grid"];
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HotspotOptions {
    /// Comma-separated percentages: for each X, the areas at or above the
    /// density that X% of non-zero cells reach (default `10,5,1`).
    #[param(
        value_type = Option<String>,
        example = "10,5,1",
        pattern = r"^[0-9]+(\.[0-9]+)?(,[0-9]+(\.[0-9]+)?)*$"
    )]
    pub top: Option<Percentages>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GiOptions {
    /// `grid` (default) or `wards`.
    #[param(inline)]
    pub unit: Option<GiUnitChoice>,
    /// Grid cell size in metres (> 0); default the study area's shorter side
    /// / 75, nicely rounded, at least 100 m.
    #[param(value_type = Option<f64>, exclusive_minimum = 0, example = 200)]
    pub cell: Option<Positive>,
    /// Neighbourhood: in cell widths for the grid (default 1.5, queen
    /// contiguity), in metres between centroids for wards (default: wards
    /// sharing a boundary).
    #[param(value_type = Option<f64>, exclusive_minimum = 0, example = 1.5)]
    pub band: Option<Positive>,
    /// Multiple-comparison correction: `fdr` (Benjamini-Hochberg, default; `bh` is the same), `holm` or `none`.
    #[param(inline)]
    pub correction: Option<CorrectionChoice>,
    /// `geojson` (default: cells or wards as polygons) or `grid` (one JSON
    /// object, row 0 north, for `unit=grid` only).
    #[param(inline)]
    pub format: Option<GiFormatChoice>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EmergingOptions {
    /// Grid cell size in metres (> 0).
    #[param(value_type = Option<f64>, exclusive_minimum = 0, example = 200)]
    pub cell: Option<Positive>,
    /// Neighbourhood in cell widths (> 0).
    #[param(value_type = Option<f64>, exclusive_minimum = 0, example = 1.5)]
    pub band: Option<Positive>,
    /// Multiple-comparison correction.
    #[param(inline)]
    pub correction: Option<CorrectionChoice>,
    /// Months in each time step (at least 1; default 1).
    #[param(value_type = Option<u64>, minimum = 1, example = 1)]
    pub months_per_period: Option<Num<usize>>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Page size, 1..=10000 (default 1000).
    #[param(value_type = Option<u64>, minimum = 1, maximum = 10000, example = 1000)]
    pub limit: Option<Num<usize>>,
    /// Features to skip (default 0).
    #[param(value_type = Option<u64>, minimum = 0, example = 0)]
    pub offset: Option<Num<usize>>,
}

/// How many street labels one answer gives.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LabelOptions {
    /// Most labels, busiest map points first, 1..=5000 (default 2000).
    #[param(value_type = Option<u64>, minimum = 1, maximum = 5000, example = 2000)]
    pub limit: Option<Num<usize>>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KnoxOptions {
    /// Distance band edges in metres, comma-separated numbers.
    #[param(
        value_type = Option<String>,
        example = "100,200,300,400",
        pattern = r"^[0-9]+(\.[0-9]+)?(,[0-9]+(\.[0-9]+)?)*$"
    )]
    pub space: Option<Numbers>,
    /// Time band edges in days, comma-separated numbers.
    #[param(
        value_type = Option<String>,
        example = "7,14,21,28",
        pattern = r"^[0-9]+(\.[0-9]+)?(,[0-9]+(\.[0-9]+)?)*$"
    )]
    pub time: Option<Numbers<u32>>,
    /// `euclidean` (default) or `manhattan`.
    #[param(inline)]
    pub metric: Option<MetricChoice>,
    /// Monte Carlo permutations, 1..=9999 (default 999).
    #[param(value_type = Option<u64>, minimum = 1, maximum = 9999, example = 99)]
    pub permutations: Option<Num<usize>>,
    /// Random seed (unsigned 64-bit), for repeatable p-values.
    #[param(value_type = Option<u64>, minimum = 0, example = 27700)]
    pub seed: Option<Num<u64>>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvaluateOptions {
    /// Training period, as in `period` (required; not `all`).
    #[param(
        value_type = String,
        example = "2024-07..2024-12",
        pattern = r"^(all|[0-9]{4}-[0-9]{2}(\.\.[0-9]{4}-[0-9]{2})?|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?\.\.[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?)$"
    )]
    pub train: Option<Parsed<Period>>,
    /// Test period, as in `period` (required; not `all`).
    #[param(
        value_type = String,
        example = "2025-01..2025-06",
        pattern = r"^(all|[0-9]{4}-[0-9]{2}(\.\.[0-9]{4}-[0-9]{2})?|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?\.\.[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?)$"
    )]
    pub test: Option<Parsed<Period>>,
    /// Grid cell size in metres (> 0).
    #[param(value_type = Option<f64>, exclusive_minimum = 0, example = 100)]
    pub cell: Option<Positive>,
    /// KDE bandwidths in metres to compare, comma-separated (default `200,400,800`).
    #[param(
        value_type = Option<String>,
        example = "200,400,800",
        pattern = r"^[0-9]+(\.[0-9]+)?(,[0-9]+(\.[0-9]+)?)*$"
    )]
    pub bandwidths: Option<Numbers>,
    /// Area searched, as a percentage of the study area: 0 < coverage ≤ 100 (default 5).
    #[param(value_type = Option<f64>, exclusive_minimum = 0, maximum = 100, example = 5)]
    pub coverage: Option<Positive>,
}

/// `json` or `csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JsonOrCsv {
    #[default]
    Json,
    Csv,
}

impl std::str::FromStr for JsonOrCsv {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "json" => Ok(JsonOrCsv::Json),
            "csv" => Ok(JsonOrCsv::Csv),
            other => Err(format!("{other:?}: expected json or csv")),
        }
    }
}

impl Choices for JsonOrCsv {
    const NAMES: &'static [&'static str] = &["json", "csv"];
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HardeningOptions {
    /// The day the list is for, `YYYY-MM-DD` (default: the last dated incident).
    #[param(value_type = Option<String>, format = Date, example = "2025-06-30")]
    pub as_of: Option<Date>,
    /// Near-repeat distance in metres (> 0, default 200).
    #[param(value_type = Option<f64>, exclusive_minimum = 0, example = 200)]
    pub distance: Option<Positive>,
    /// Near-repeat window in days (default 28).
    #[param(value_type = Option<u64>, minimum = 0, maximum = 4294967295u64, example = 28)]
    pub days: Option<Num<u32>>,
    /// `json` (default) or `csv`.
    #[param(inline)]
    pub format: Option<JsonOrCsvChoice>,
    /// Most places listed (default 500).
    #[param(value_type = Option<u64>, minimum = 0, example = 500)]
    pub limit: Option<Num<usize>>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvaluationOptions {
    /// Control wards, comma-separated codes (default: chosen automatically).
    #[param(value_type = Option<String>, example = "E05999004")]
    pub control: Option<List>,
    /// Before period in months, `YYYY-MM..YYYY-MM` or `YYYY-MM`
    /// (default: as long as the after period, just before the start).
    #[param(
        value_type = Option<String>,
        example = "2024-01..2024-06",
        pattern = r"^[0-9]{4}-[0-9]{2}(\.\.[0-9]{4}-[0-9]{2})?$"
    )]
    pub before: Option<Months>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RejectedOptions {
    /// `json` (default) or `csv` (to open in a spreadsheet and fix).
    #[param(inline)]
    pub format: Option<JsonOrCsvChoice>,
    /// Most rows (default all; negative means none).
    #[param(value_type = Option<i64>, example = 100)]
    pub limit: Option<Num<i64>>,
    /// Rows to skip (default 0).
    #[param(value_type = Option<i64>, example = 0)]
    pub offset: Option<Num<i64>>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditOptions {
    /// Most entries, clamped to 1..=100000 (default 1000).
    #[param(value_type = Option<i64>, example = 50)]
    pub limit: Option<Num<i64>>,
    /// Entries to skip, newest first (default 0).
    #[param(value_type = Option<i64>, example = 0)]
    pub offset: Option<Num<i64>>,
}

/// What an uploaded file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKindName {
    /// police.uk street-level CSV (`police.uk` or `police-uk`).
    PoliceUk,
    /// Any CSV, with `mapping=`.
    Csv,
    Boundaries,
    Population,
}

impl std::str::FromStr for ImportKindName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "police.uk" | "police-uk" => Ok(ImportKindName::PoliceUk),
            "csv" => Ok(ImportKindName::Csv),
            "boundaries" => Ok(ImportKindName::Boundaries),
            "population" => Ok(ImportKindName::Population),
            other => Err(format!(
                "Some({other:?}): expected police.uk, csv, boundaries or population"
            )),
        }
    }
}

impl Choices for ImportKindName {
    const NAMES: &'static [&'static str] =
        &["police.uk", "police-uk", "csv", "boundaries", "population"];
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportOptions {
    /// What the file is: `police.uk` (street-level CSV, `.csv` or `.csv.gz`,
    /// or a data.police.uk download zip), `csv` (any CSV with `mapping=`),
    /// `boundaries` (GeoJSON, GeoPackage or zipped Shapefile) or
    /// `population` (CSV).
    #[param(inline)]
    pub kind: Option<ImportKindNameChoice>,
    /// The file name for a raw body (default `upload`); it names the dataset version.
    #[param(example = "2025-03-northamptonshire-street.csv")]
    pub name: Option<String>,
    /// With `kind=csv`: `key=value` pairs, comma-separated: date, source,
    /// lon+lat or x+y with crs, and optionally id, time, date_format,
    /// date_precision (auto, day or month), category (a column) or
    /// fixed_category (a value), location, delimiter. Every key is described
    /// in docs/import.md.
    #[param(example = "id=Ref,date=Date,lon=Lon,lat=Lat,category=Type,source=fly-tipping")]
    pub mapping: Option<String>,
    /// Area layer for boundaries and population (default `wards`).
    #[param(example = "wards")]
    pub layer: Option<String>,
    /// Boundaries: property holding the area code (default: detected, e.g.
    /// `WD22CD`, `LSOA11CD`, `ward_code`, `code`).
    pub code_field: Option<String>,
    /// Boundaries: property holding the area name (default: detected, e.g.
    /// `WD22NM`, `ward_name`, `name`).
    pub name_field: Option<String>,
    /// Boundaries: property holding a population, if any.
    pub population_field: Option<String>,
    /// Population: column holding the area code (default: detected).
    pub code_column: Option<String>,
    /// Population: column holding the population (default: detected).
    pub population_column: Option<String>,
    /// police.uk download zips: also import the stop-and-search files, as
    /// the source `stop-and-search` (default false).
    #[param(value_type = Option<bool>)]
    pub stop_and_search: Option<Flag>,
}

/// `GET /api/search`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What to look for: part of a ward's name or code, or of a street or
    /// place as police.uk labels locations. Case does not matter; a small
    /// slip is forgiven for 4 letters or more.
    #[param(example = "abington")]
    pub q: Option<String>,
    /// Most results, 1..=50 (default 10).
    #[param(value_type = Option<u64>, minimum = 1, maximum = 50, example = 10)]
    pub limit: Option<Num<usize>>,
}

/// No parameters: any given is refused as unknown.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoParams {}

from_query!(
    Categories,
    Scope,
    Comparison,
    WardOptions,
    BriefingOptions,
    Kde,
    DensityOptions,
    HotspotOptions,
    LabelOptions,
    GiOptions,
    EmergingOptions,
    Page,
    KnoxOptions,
    EvaluateOptions,
    HardeningOptions,
    EvaluationOptions,
    RejectedOptions,
    AuditOptions,
    ImportOptions,
    SearchParams,
    NoParams,
    Weight,
);

/// `GET /api/change`: the two periods and the grid.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeOptions {
    /// Before period in months, `YYYY-MM..YYYY-MM` or `YYYY-MM` (required).
    #[param(
        value_type = String,
        example = "2024-01..2024-04",
        pattern = r"^[0-9]{4}-[0-9]{2}(\.\.[0-9]{4}-[0-9]{2})?$"
    )]
    pub before: Option<Months>,
    /// After period, as `before` (required; must not overlap it).
    #[param(
        value_type = String,
        example = "2025-01..2025-04",
        pattern = r"^[0-9]{4}-[0-9]{2}(\.\.[0-9]{4}-[0-9]{2})?$"
    )]
    pub after: Option<Months>,
    /// Grid cell size in metres (> 0); default as Gi*: the study area's
    /// shorter side / 75, nicely rounded, at least 100 m.
    #[param(value_type = Option<f64>, exclusive_minimum = 0, example = 1000)]
    pub cell: Option<Positive>,
    /// Multiple-comparison correction: `fdr` (Benjamini-Hochberg, default), `holm` or `none`.
    #[param(inline)]
    pub correction: Option<CorrectionChoice>,
}

/// `GET /api/clusters`: DBSCAN parameters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClusterOptions {
    /// Neighbourhood radius in metres, 0 < eps ≤ 2000; default the median
    /// nearest-neighbour distance between map points ÷ √2.
    #[param(value_type = Option<f64>, exclusive_minimum = 0, maximum = 2000, example = 100)]
    pub eps: Option<Positive>,
    /// Incidents within `eps` (itself included) that make a core point,
    /// 1..=100000; default ln(incidents), rounded, at least 5.
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100000, example = 8)]
    pub min_points: Option<Num<usize>>,
}

/// `GET /api/relative-risk`: the denominator and the kernel.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RelativeRiskOptions {
    /// What risk is relative to (required): `population` (each ward's
    /// residents at a point inside the ward), `source:NAME` or `group:ID`
    /// (those incidents, in the same period).
    #[param(
        value_type = String,
        example = "population",
        pattern = r"^(population|source:.+|group:.+)$"
    )]
    pub denominator: Option<String>,
    /// Grid cell size in metres (> 0); default as density.
    #[param(value_type = Option<f64>, exclusive_minimum = 0, example = 250)]
    pub cell: Option<Positive>,
    /// Quartic kernel bandwidth in metres (> 0); default as density (5
    /// cells, kept between 200 and 600 m).
    #[param(value_type = Option<f64>, exclusive_minimum = 0, example = 600)]
    pub bandwidth: Option<Positive>,
}

from_query!(ChangeOptions, ClusterOptions, RelativeRiskOptions);
