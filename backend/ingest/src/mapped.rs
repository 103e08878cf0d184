//! Generic CSV with a column mapping: force extracts with date and time, and
//! partner data (fly-tipping, A&E assaults, licensing…).
//!
//! # Mapping keys
//!
//! A mapping is given as `key=value,key=value` text, as a TOML document, or
//! as a JSON object, all with the same keys (case-insensitive; `-` and `_`
//! interchangeable). In the `key=value` form a value may be double-quoted to
//! contain commas. Column names are matched case-insensitively, trimmed.
//!
//! | key | meaning |
//! |---|---|
//! | `date` (required) | column holding a date or date-time |
//! | `source` (required) | source name stored on every incident, e.g. `fly-tipping` |
//! | `lon` + `lat` (aliases `longitude`, `latitude`) | WGS84 degree columns |
//! | `x` + `y` (aliases `easting`, `northing`) | projected columns, with `crs` |
//! | `crs` | `27700` (British National Grid metres, default) or `4326` (x = lon, y = lat); `EPSG:` prefix allowed |
//! | `id` | record identifier column; repeated IDs are counted once |
//! | `time` | separate time-of-day column (`HH:MM`, `HH:MM:SS`, `HHMM`) |
//! | `date_format` (alias `format`) | chrono format for `date`, e.g. `%d.%m.%Y %H:%M`; default: auto-detect |
//! | `category` | column holding the category / crime type |
//! | `fixed_category` (alias `category_fixed`) | one category for every row; default when no category is given: the source name |
//! | `location` (alias `location_label`) | column with a place label |
//! | `delimiter` (aliases `sep`, `separator`) | one character, or `tab`; default `,` |
//! | `date_precision` | `auto` (default), `day` or `month`: see *Month-level files* below |
//!
//! Exactly one coordinate pair (lon/lat or x/y) is required.
//!
//! # Row rules
//!
//! * **Dates** are auto-detected per value among ISO `YYYY-MM-DD`,
//!   `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DDTHH:MM[:SS]`, UK `DD/MM/YYYY`,
//!   `DD/MM/YYYY HH:MM[:SS]` and month-only `YYYY-MM`. US `MM/DD/YYYY` is
//!   **never** guessed: `03/25/2025` is rejected, not read as 25 March.
//!   Years must have four digits. An unparseable date is rejected with the
//!   date column named.
//! * A non-blank **time** column overrides any time in the date value (Excel
//!   writes `00:00:00` on pure dates). A time with a month-only date is
//!   rejected (the time column named).
//! * **Coordinates**: both blank → accepted without a location (counted as
//!   `no_location`); one blank, non-numeric, outside Great Britain, or
//!   degrees given as BNG metres (or the reverse) → rejected with the column
//!   named.
//! * Blank category (from a category column) → rejected. Wrong field count,
//!   repeated ID and non-UTF-8 rules are as for police.uk.
//! * Dataset key: `csv:<source>:<file name>`.
//!
//! # Month-level files
//!
//! Extracts derived from police.uk often write the month as a date, the 1st
//! (`2022-01-01`), on every row. Read as days they would feed near-repeat
//! and time-of-week analyses with invented dates, so with
//! `date_precision=auto` a file in which **every** date falls on the 1st of
//! a month and no row has a time of day (midnight, as Excel writes on pure
//! dates, counts as none) is stored at month precision (no date, no time),
//! and [`ParsedIncidents::notes`] says so. `date_precision=day` keeps the
//! dates as given; `date_precision=month` always keeps only the month.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use hotspot_core::{Incident, Location, Month};

use crate::csvutil::{opt, CsvRows};
use crate::fxhash::FxHashMap;
use crate::police_uk::number;
use crate::project::{Axis, Projector};
use crate::{ImportSummary, IngestError, ParsedIncidents, RejectedRow, SourceFile};

/// Where a mapped file's coordinates are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coordinates {
    /// WGS84 longitude and latitude columns.
    LonLat { lon: String, lat: String },
    /// Projected columns; `crs` is 27700 (British National Grid) or 4326.
    EastingNorthing { x: String, y: String, crs: u32 },
}

/// Where a mapped file's category comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CategorySpec {
    Column(String),
    Fixed(String),
}

/// The `date_precision` mapping key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DatePrecisionSetting {
    /// Month precision when every date is the 1st and no row has a time.
    #[default]
    Auto,
    /// Keep dates as given, even if all fall on the 1st.
    Day,
    /// Keep only the month of every date.
    Month,
}

/// How to read a generic CSV; see the [module docs](self) for the keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvMapping {
    pub id: Option<String>,
    pub date: String,
    pub time: Option<String>,
    pub date_format: Option<String>,
    pub coords: Coordinates,
    pub category: CategorySpec,
    pub source: String,
    pub location_label: Option<String>,
    pub delimiter: u8,
    pub date_precision: DatePrecisionSetting,
}

/// Every mapping key, for `hotspot import csv --help` (docs/import.md says
/// the same at more length; a test keeps both complete).
pub const MAPPING_HELP: &str = "\
Mapping keys: key=value,key=value (a value may be double-quoted to hold commas),
or a TOML or JSON object with the same keys. Keys are case-insensitive and
- and _ are interchangeable; column names match case-insensitively.

Required:
  date=COLUMN             date or date-time column: YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS],
                          YYYY-MM-DDTHH:MM[:SS], DD/MM/YYYY [HH:MM[:SS]] or YYYY-MM
                          (US MM/DD/YYYY is never guessed)
  source=NAME             source stored on every incident, e.g. fly-tipping
  lon=COLUMN lat=COLUMN   WGS84 degrees (aliases longitude=, latitude=), or
  x=COLUMN y=COLUMN       projected coordinates (aliases easting=, northing=)

Optional:
  crs=27700|4326          for x/y: British National Grid metres (default) or
                          degrees; an EPSG: prefix is allowed
  id=COLUMN               record identifier; a repeated ID is counted once
  time=COLUMN             time of day (HH:MM, HH:MM:SS or HHMM); overrides a
                          time in the date column
  date_format=FORMAT      chrono format of the date column, e.g. %d.%m.%Y %H:%M
                          (alias format=); default: detected per value
  date_precision=auto|day|month
                          auto (default): if every date is the 1st of a month
                          and no row has a time, keep months only (and say so);
                          day: keep the dates; month: keep months only
  category=COLUMN         column holding the category / crime type (a column
                          name, never a fixed value: see fixed_category)
  fixed_category=VALUE    one category for every row (alias category_fixed=);
                          default when neither is given: the source name
  location=COLUMN         column with a place label (alias location_label=)
  delimiter=CHAR          one ASCII character, or tab (aliases sep=, separator=);
                          default ,

Example:
  --mapping \"id=Ref,date=Reported,x=Easting,y=Northing,crs=27700,category=Type,source=fly-tipping\"
See docs/import.md for more.";

const KEYS: &str = "id, date, time, date_format, date_precision, lon, lat, x, y, crs, category, fixed_category, source, location, delimiter";

impl CsvMapping {
    /// Parses a mapping from `key=value,…`, TOML or JSON text.
    ///
    /// ```
    /// use hotspot_ingest::{CsvMapping, Coordinates, CategorySpec};
    /// let m = CsvMapping::parse("id=Ref,date=Date,time=Time,x=Easting,y=Northing,crs=27700,category=Type,source=fly-tipping").unwrap();
    /// assert_eq!(m.coords, Coordinates::EastingNorthing { x: "Easting".into(), y: "Northing".into(), crs: 27700 });
    /// assert_eq!(m.category, CategorySpec::Column("Type".into()));
    ///
    /// let toml = CsvMapping::parse("date = \"Date\"\nlon = \"Lon\"\nlat = \"Lat\"\nsource = \"A&E assaults\"\ndelimiter = \";\"").unwrap();
    /// assert_eq!(toml.category, CategorySpec::Fixed("A&E assaults".into()));
    /// assert_eq!(toml.delimiter, b';');
    ///
    /// let json = CsvMapping::parse(r#"{"date": "When", "x": "E", "y": "N", "source": "force extract"}"#).unwrap();
    /// assert_eq!(json.date, "When");
    /// assert!(CsvMapping::parse("date=Date,source=x").is_err()); // no coordinates
    /// ```
    pub fn parse(spec: &str) -> Result<Self, IngestError> {
        let t = spec.trim();
        let pairs = if t.starts_with('{') {
            let v: serde_json::Value = serde_json::from_str(t)
                .map_err(|e| IngestError::Mapping(format!("invalid JSON: {e}")))?;
            let obj = v
                .as_object()
                .ok_or_else(|| IngestError::Mapping("JSON mapping must be an object".into()))?;
            obj.iter()
                .map(|(k, v)| Ok((k.clone(), json_scalar(k, v)?)))
                .collect::<Result<Vec<_>, IngestError>>()?
        } else {
            match toml::from_str::<toml::Table>(t) {
                Ok(table) => table
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), toml_scalar(k, v)?)))
                    .collect::<Result<Vec<_>, IngestError>>()?,
                Err(e) if t.contains('\n') => {
                    return Err(IngestError::Mapping(format!("invalid TOML: {e}")))
                }
                Err(_) => split_pairs(t)?,
            }
        };
        Self::from_pairs(pairs)
    }

    /// Builds the mapping from its key/value pairs, whatever syntax they
    /// came in: every key checked and placed, then each setting read.
    fn from_pairs(pairs: Vec<(String, String)>) -> Result<Self, IngestError> {
        let mut map = mapping_table(pairs)?;
        let mut take = |k: &str| map.remove(k);
        let date =
            take("date").ok_or_else(|| IngestError::Mapping("missing key \"date\"".into()))?;
        let source = take("source").ok_or_else(|| {
            IngestError::Mapping("missing key \"source\" (e.g. source=fly-tipping)".into())
        })?;
        let coords =
            coordinate_columns(take("lon"), take("lat"), take("x"), take("y"), take("crs"))?;
        let category = category_spec(take("category"), take("fixed_category"), &source)?;
        let delimiter = take("delimiter").map_or(Ok(b','), |d| delimiter_byte(&d))?;
        let date_precision = take("date_precision")
            .map_or(Ok(DatePrecisionSetting::Auto), |p| {
                date_precision_setting(&p)
            })?;
        Ok(CsvMapping {
            id: take("id"),
            date_precision,
            time: take("time"),
            date_format: take("date_format"),
            location_label: take("location"),
            date,
            coords,
            category,
            source,
            delimiter,
        })
    }
}

/// The pairs by canonical key, trimmed: unknown keys, empty values and a
/// key given twice (under any of its spellings) are errors.
fn mapping_table(
    pairs: Vec<(String, String)>,
) -> Result<HashMap<&'static str, String>, IngestError> {
    let mut map: HashMap<&'static str, String> = HashMap::new();
    for (k, v) in pairs {
        let key = canonical_key(&k)?;
        let v = v.trim().to_string();
        if v.is_empty() {
            return Err(IngestError::Mapping(format!(
                "key {k:?} has an empty value"
            )));
        }
        if map.insert(key, v).is_some() {
            return Err(IngestError::Mapping(format!("key {key:?} given twice")));
        }
    }
    Ok(map)
}

/// A mapping key's canonical name (any case, `-` or `_`, with aliases).
fn canonical_key(k: &str) -> Result<&'static str, IngestError> {
    let norm = k.trim().to_ascii_lowercase().replace('-', "_");
    Ok(match norm.as_str() {
        "id" => "id",
        "date" => "date",
        "time" => "time",
        "date_format" | "format" => "date_format",
        "lon" | "longitude" => "lon",
        "lat" | "latitude" => "lat",
        "x" | "easting" => "x",
        "y" | "northing" => "y",
        "crs" => "crs",
        "category" => "category",
        "fixed_category" | "category_fixed" => "fixed_category",
        "source" => "source",
        "location" | "location_label" => "location",
        "delimiter" | "sep" | "separator" => "delimiter",
        "date_precision" => "date_precision",
        _ => {
            return Err(IngestError::Mapping(format!(
                "unknown key {k:?} (keys: {KEYS})"
            )))
        }
    })
}

/// The coordinate columns: lon/lat, or x/y with an optional `crs` (27700,
/// the default, or 4326); any other combination says what is wrong.
fn coordinate_columns(
    lon: Option<String>,
    lat: Option<String>,
    x: Option<String>,
    y: Option<String>,
    crs: Option<String>,
) -> Result<Coordinates, IngestError> {
    match (lon, lat, x, y, crs) {
        (Some(lon), Some(lat), None, None, None) => Ok(Coordinates::LonLat { lon, lat }),
        (None, None, Some(x), Some(y), crs) => {
            let crs = match crs {
                None => 27700,
                Some(c) => crs_code(&c)?,
            };
            Ok(Coordinates::EastingNorthing { x, y, crs })
        }
        (lon, lat, x, y, crs) => {
            let msg = if (lon.is_some() || lat.is_some()) && (x.is_some() || y.is_some()) {
                "give either lon/lat or x/y columns, not both"
            } else if crs.is_some() && x.is_none() {
                "crs applies to x/y columns only"
            } else {
                "coordinates needed: lon= and lat=, or x= and y= (with crs=27700 or 4326)"
            };
            Err(IngestError::Mapping(msg.into()))
        }
    }
}

/// `crs=`: 27700 or 4326, with or without an `EPSG:` prefix.
fn crs_code(c: &str) -> Result<u32, IngestError> {
    let digits = c.trim();
    let digits = digits
        .strip_prefix("EPSG:")
        .or_else(|| digits.strip_prefix("epsg:"))
        .unwrap_or(digits);
    match digits.parse::<u32>() {
        Ok(n @ (27700 | 4326)) => Ok(n),
        _ => Err(IngestError::Mapping(format!(
            "crs {c:?} not supported: use 27700 (British National Grid) or 4326 (WGS84)"
        ))),
    }
}

/// A category column, or a fixed category (the source name by default).
fn category_spec(
    column: Option<String>,
    fixed: Option<String>,
    source: &str,
) -> Result<CategorySpec, IngestError> {
    match (column, fixed) {
        (Some(_), Some(_)) => Err(IngestError::Mapping(
            "give either category (a column) or fixed_category (a value), not both".into(),
        )),
        (Some(c), None) => Ok(CategorySpec::Column(c)),
        (None, Some(f)) => Ok(CategorySpec::Fixed(f)),
        (None, None) => Ok(CategorySpec::Fixed(source.to_string())),
    }
}

/// `delimiter=`: one ASCII character, or `tab`.
fn delimiter_byte(d: &str) -> Result<u8, IngestError> {
    match d {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        s if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(IngestError::Mapping(format!(
            "delimiter {d:?} must be one ASCII character or \"tab\""
        ))),
    }
}

/// `date_precision=`: auto, day or month (any case).
fn date_precision_setting(p: &str) -> Result<DatePrecisionSetting, IngestError> {
    match p.to_ascii_lowercase().as_str() {
        "auto" => Ok(DatePrecisionSetting::Auto),
        "day" => Ok(DatePrecisionSetting::Day),
        "month" => Ok(DatePrecisionSetting::Month),
        _ => Err(IngestError::Mapping(format!(
            "date_precision {p:?}: expected auto, day or month"
        ))),
    }
}

fn json_scalar(k: &str, v: &serde_json::Value) -> Result<String, IngestError> {
    match v {
        serde_json::Value::String(s) => Ok(s.clone()),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        _ => Err(IngestError::Mapping(format!(
            "key {k:?}: value must be a string or number"
        ))),
    }
}

fn toml_scalar(k: &str, v: &toml::Value) -> Result<String, IngestError> {
    match v {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(n) => Ok(n.to_string()),
        _ => Err(IngestError::Mapping(format!(
            "key {k:?}: value must be a string or number"
        ))),
    }
}

/// Splits `a=b,c="d,e"` into pairs, honouring double quotes.
fn split_pairs(t: &str) -> Result<Vec<(String, String)>, IngestError> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for ch in t.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(ch),
        }
    }
    if quoted {
        return Err(IngestError::Mapping("unbalanced double quote".into()));
    }
    parts.push(cur);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => Ok((k.to_string(), v.to_string())),
            None => Err(IngestError::Mapping(format!(
                "{:?} is not key=value",
                p.trim()
            ))),
        })
        .collect()
}

struct Columns {
    date: usize,
    time: Option<usize>,
    id: Option<usize>,
    a: usize,
    b: usize,
    category: Option<usize>,
    location: Option<usize>,
}

/// Parses a generic CSV with a column mapping.
///
/// ```
/// use hotspot_ingest::{CsvMapping, parse_mapped_csv, source_from_bytes};
/// let m = CsvMapping::parse("id=Ref,date=Date,time=Time,x=Easting,y=Northing,category=Type,source=fly-tipping").unwrap();
/// let csv = "Ref,Date,Time,Easting,Northing,Type\n\
///            F1,25/03/2025,14:30,475000,260000,Household waste\n\
///            F2,03/25/2025,09:00,475000,260000,Household waste\n";
/// let p = parse_mapped_csv(&source_from_bytes("flytips.csv", csv.into()).unwrap(), &m).unwrap();
/// assert_eq!(p.incidents.len(), 1);
/// assert_eq!(p.incidents[0].date.unwrap().to_string(), "2025-03-25");
/// assert_eq!(p.rejected[0].field.as_deref(), Some("Date")); // US order is never guessed
/// assert_eq!(p.dataset_key, "csv:fly-tipping:flytips.csv");
/// ```
pub fn parse_mapped_csv(
    file: &SourceFile,
    mapping: &CsvMapping,
) -> Result<ParsedIncidents, IngestError> {
    let mut rows = CsvRows::open(file, mapping.delimiter)?;
    let bng = matches!(mapping.coords, Coordinates::EastingNorthing { crs, .. } if crs == 27700);
    let cols = mapped_columns(&rows, mapping)?;
    let mut projector = Projector::default();
    let mut seen_ids: FxHashMap<String, u64> = FxHashMap::default();
    let mut incidents = Vec::new();
    let mut rejected = Vec::new();
    let mut summary = ImportSummary::default();
    let mut n_rows = 0u64;
    while rows.next()? {
        n_rows += 1;
        let result = match rows.check_len() {
            Some(bad) => Err(bad),
            None => parse_row(&rows, &cols, mapping, bng, &mut projector, &mut seen_ids),
        };
        match result {
            Ok(inc) => {
                summary.accept(&inc);
                incidents.push(inc);
            }
            Err(row) => {
                if cols
                    .id
                    .is_some_and(|i| row.field.as_deref() == Some(&rows.header[i]))
                    && crate::is_repeated_id(&row.reason)
                {
                    summary.duplicate_ids += 1;
                }
                summary.reject(&row);
                rejected.push(row);
            }
        }
    }
    summary.rows = n_rows;
    let notes = apply_date_precision(mapping, &mut incidents);
    let content_sha256 = file.sha256_hex();
    Ok(ParsedIncidents {
        file: file.name.clone(),
        // The mapping's Debug text lists every field, so any change to the
        // mapping makes a new version.
        version: crate::import_version(&content_sha256, &format!("{mapping:?}")),
        content_sha256,
        dataset_key: format!("csv:{}:{}", mapping.source, file.base_name()),
        rows: n_rows,
        incidents,
        rejected,
        summary,
        notes,
    })
}

/// The mapped columns' positions; every column the mapping names must be
/// in the header (one error listing those missing).
fn mapped_columns(rows: &CsvRows<'_>, mapping: &CsvMapping) -> Result<Columns, IngestError> {
    let (a, b) = match &mapping.coords {
        Coordinates::LonLat { lon, lat } => (lon, lat),
        Coordinates::EastingNorthing { x, y, .. } => (x, y),
    };
    let mut wanted: Vec<&str> = vec![&mapping.date, a, b];
    for c in [&mapping.time, &mapping.id, &mapping.location_label]
        .into_iter()
        .flatten()
    {
        wanted.push(c);
    }
    if let CategorySpec::Column(c) = &mapping.category {
        wanted.push(c);
    }
    rows.require(&wanted)?;
    let col = |name: &str| rows.column(name).expect("checked by require");
    Ok(Columns {
        date: col(&mapping.date),
        time: mapping.time.as_deref().map(col),
        id: mapping.id.as_deref().map(col),
        a: col(a),
        b: col(b),
        category: match &mapping.category {
            CategorySpec::Column(c) => Some(col(c)),
            CategorySpec::Fixed(_) => None,
        },
        location: mapping.location_label.as_deref().map(col),
    })
}

/// Applies `date_precision`: month-level data (set, or detected under
/// `auto`) keeps months only; returns the note explaining a detection.
fn apply_date_precision(mapping: &CsvMapping, incidents: &mut [Incident]) -> Vec<String> {
    let mut notes = Vec::new();
    let keep_months_only = match mapping.date_precision {
        DatePrecisionSetting::Day => false,
        DatePrecisionSetting::Month => true,
        DatePrecisionSetting::Auto => {
            let month_level = looks_month_level(incidents);
            if month_level {
                notes.push(format!(
                    "every date in column {:?} is the 1st of a month and no row has a time: \
                     read as month-level data (stored as months only; near-repeat and \
                     time-of-week analyses leave these out). If these really are days, \
                     import again with date_precision=day in the mapping",
                    mapping.date
                ));
            }
            month_level
        }
    };
    if keep_months_only {
        for inc in incidents {
            inc.date = None;
            inc.time = None;
        }
    }
    notes
}

/// Whether accepted incidents look like months written as dates: at least
/// one has a date, every date is the 1st, and none has a time other than
/// midnight (Excel's time on a pure date).
fn looks_month_level(incidents: &[Incident]) -> bool {
    let mut any_date = false;
    for inc in incidents {
        if let Some(d) = inc.date {
            any_date = true;
            if d.day() != 1 || inc.time.is_some_and(|t| t != NaiveTime::MIN) {
                return false;
            }
        }
    }
    any_date
}

/// One mapped row as an incident, or the rejection naming the first bad
/// field: when, category, location, then the id (repeats are rejected).
fn parse_row(
    rows: &CsvRows<'_>,
    c: &Columns,
    m: &CsvMapping,
    bng: bool,
    projector: &mut Projector,
    seen_ids: &mut FxHashMap<String, u64>,
) -> Result<Incident, RejectedRow> {
    let (month, date, time) = row_when(rows, c, m)?;
    let category = row_category(rows, c, m)?;
    let location = row_location(rows, c, bng, projector)?;
    let id = match c.id {
        Some(i) => {
            let id = rows.text(i)?;
            if let Some(first) = seen_ids.get(id) {
                return Err(rows.reject(
                    Some(&rows.header[i]),
                    format!(
                        "repeated {} {id}, first seen at line {first}: counted once",
                        rows.header[i]
                    ),
                ));
            }
            opt(id)
        }
        None => None,
    };
    if let Some(id) = &id {
        seen_ids.insert(id.clone(), rows.line);
    }
    let location_label = match c.location {
        Some(i) => opt(rows.text(i)?),
        None => None,
    };
    Ok(Incident {
        source: m.source.clone(),
        external_id: id,
        category,
        month,
        date,
        time,
        location,
        location_label,
        lsoa_code: None,
        outcome: None,
        origin_line: rows.line,
    })
}

/// The row's month, day and time: the date column (with the mapping's
/// format), then the time column, which needs a date with a day.
fn row_when(rows: &CsvRows<'_>, c: &Columns, m: &CsvMapping) -> Result<When, RejectedRow> {
    let name = |i: usize| Some(rows.header[i].as_str());
    let date_s = rows.text(c.date)?;
    let (month, date, mut time) = parse_when(date_s, m.date_format.as_deref())
        .map_err(|reason| rows.reject(name(c.date), reason))?;
    if let Some(ti) = c.time {
        let t = rows.text(ti)?;
        if !t.is_empty() {
            if date.is_none() {
                return Err(rows.reject(
                    name(ti),
                    format!("time {t:?} given but date {date_s:?} has no day"),
                ));
            }
            time = Some(parse_time(t).ok_or_else(|| {
                rows.reject(
                    name(ti),
                    format!("unrecognised time {t:?}: expected HH:MM, HH:MM:SS or HHMM"),
                )
            })?);
        }
    }
    if date.is_none() {
        time = None;
    }
    Ok((month, date, time))
}

/// The row's category: its (non-blank) category column, or the fixed one.
fn row_category(rows: &CsvRows<'_>, c: &Columns, m: &CsvMapping) -> Result<String, RejectedRow> {
    match (&m.category, c.category) {
        (CategorySpec::Column(_), Some(ci)) => {
            let s = rows.text(ci)?;
            if s.is_empty() {
                return Err(rows.reject(Some(&rows.header[ci]), "blank category".into()));
            }
            Ok(s.to_string())
        }
        (CategorySpec::Fixed(f), _) => Ok(f.clone()),
        (CategorySpec::Column(_), None) => unreachable!("category column resolved"),
    }
}

/// The row's location: none when both coordinates are blank, an error
/// when only one is, else the projected point (the error names the axis at
/// fault).
fn row_location(
    rows: &CsvRows<'_>,
    c: &Columns,
    bng: bool,
    projector: &mut Projector,
) -> Result<Option<Location>, RejectedRow> {
    let name = |i: usize| Some(rows.header[i].as_str());
    let a_s = rows.text(c.a)?;
    let b_s = rows.text(c.b)?;
    match (a_s.is_empty(), b_s.is_empty()) {
        (true, true) => Ok(None),
        (false, true) => Err(rows.reject(
            name(c.b),
            format!("{} blank but {} given", rows.header[c.b], rows.header[c.a]),
        )),
        (true, false) => Err(rows.reject(
            name(c.a),
            format!("{} blank but {} given", rows.header[c.a], rows.header[c.b]),
        )),
        (false, false) => {
            let a = number(a_s)
                .ok_or_else(|| rows.reject(name(c.a), format!("{a_s:?} is not a number")))?;
            let b = number(b_s)
                .ok_or_else(|| rows.reject(name(c.b), format!("{b_s:?} is not a number")))?;
            let r = if bng {
                projector.bng(a, b)
            } else {
                projector.lonlat(a, b)
            };
            r.map(Some).map_err(|e| {
                let ci = if e.axis == Axis::First { c.a } else { c.b };
                rows.reject(name(ci), e.reason)
            })
        }
    }
}

type When = (Month, Option<NaiveDate>, Option<NaiveTime>);

const ISO_DATETIME: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
];
const UK_DATETIME: [&str; 2] = ["%d/%m/%Y %H:%M:%S%.f", "%d/%m/%Y %H:%M"];

fn month_of(d: NaiveDate) -> Result<Month, String> {
    Month::new(d.year(), d.month()).map_err(|e| e.to_string())
}

fn from_datetime(dt: NaiveDateTime) -> Result<When, String> {
    Ok((month_of(dt.date())?, Some(dt.date()), Some(dt.time())))
}

fn from_date(d: NaiveDate) -> Result<When, String> {
    Ok((month_of(d)?, Some(d), None))
}

/// Parses a date value: with an explicit chrono format, or auto-detected
/// (see module docs). Returns the month and, when known, day and time.
pub(crate) fn parse_when(s: &str, format: Option<&str>) -> Result<When, String> {
    if s.is_empty() {
        return Err("blank date".into());
    }
    if let Some(fmt) = format {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return from_datetime(dt);
        }
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            return from_date(d);
        }
        if !fmt.contains("%d") && !fmt.contains("%e") {
            if let Ok(d) = NaiveDate::parse_from_str(&format!("{s}|01"), &format!("{fmt}|%d")) {
                return Ok((month_of(d)?, None, None));
            }
        }
        return Err(format!("date {s:?} does not match format {fmt:?}"));
    }
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if digits(0..4) && b.get(4) == Some(&b'-') {
        if b.len() == 7 && digits(5..7) {
            return s
                .parse::<Month>()
                .map(|m| (m, None, None))
                .map_err(|e| e.to_string());
        }
        let s = s.strip_suffix('Z').unwrap_or(s);
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return from_date(d);
        }
        for f in ISO_DATETIME {
            if let Ok(dt) = NaiveDateTime::parse_from_str(s, f) {
                return from_datetime(dt);
            }
        }
    } else if s.contains('/') {
        let mut parts = s.splitn(3, '/');
        let (dd, mm, rest) = (parts.next(), parts.next(), parts.next().unwrap_or(""));
        let year_ok = rest.len() >= 4
            && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit)
            && rest.as_bytes().get(4).is_none_or(|c| !c.is_ascii_digit());
        if year_ok {
            if let Ok(d) = NaiveDate::parse_from_str(s, "%d/%m/%Y") {
                return from_date(d);
            }
            for f in UK_DATETIME {
                if let Ok(dt) = NaiveDateTime::parse_from_str(s, f) {
                    return from_datetime(dt);
                }
            }
            let n = |p: Option<&str>| p.and_then(|p| p.trim().parse::<u32>().ok());
            if let (Some(d), Some(m)) = (n(dd), n(mm)) {
                if m > 12 && d <= 12 {
                    return Err(format!(
                        "date {s:?} looks like US month/day order; only UK DD/MM/YYYY is accepted (US order is never guessed)"
                    ));
                }
            }
        }
    }
    Err(format!(
        "unrecognised date {s:?}: expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], DD/MM/YYYY [HH:MM[:SS]] or YYYY-MM (or set date_format)"
    ))
}

/// `HH:MM`, `HH:MM:SS[.fff]` or `HHMM`.
fn parse_time(t: &str) -> Option<NaiveTime> {
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveTime::parse_from_str(t, "%H%M").ok();
    }
    NaiveTime::parse_from_str(t, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source_from_bytes;

    fn run(spec: &str, text: &str) -> ParsedIncidents {
        let m = CsvMapping::parse(spec).unwrap();
        let p = parse_mapped_csv(
            &source_from_bytes("partner.csv", text.as_bytes().to_vec()).unwrap(),
            &m,
        )
        .unwrap();
        assert_eq!(p.rows, (p.incidents.len() + p.rejected.len()) as u64);
        p
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn mapping_forms_agree() {
        let kv = CsvMapping::parse("id=Ref,date=Date,time=Time,x=Easting,y=Northing,crs=27700,category=Type,source=fly-tipping").unwrap();
        let toml = CsvMapping::parse("id = \"Ref\"\ndate = \"Date\"\ntime = \"Time\"\nx = \"Easting\"\ny = \"Northing\"\ncrs = 27700\ncategory = \"Type\"\nsource = \"fly-tipping\"\n").unwrap();
        let json = CsvMapping::parse(r#"{"ID":"Ref","date":"Date","time":"Time","easting":"Easting","northing":"Northing","crs":"EPSG:27700","category":"Type","source":"fly-tipping"}"#).unwrap();
        assert_eq!(kv, toml);
        assert_eq!(kv, json);
        assert_eq!(kv.delimiter, b',');
        assert_eq!(kv.date_format, None);
    }

    #[test]
    fn mapping_errors_are_specific() {
        let err = |s: &str| CsvMapping::parse(s).unwrap_err().to_string();
        assert!(err("date=D,lon=a,lat=b").contains("source"));
        assert!(err("lon=a,lat=b,source=s").contains("date"));
        assert!(err("date=D,lon=a,lat=b,x=c,y=d,source=s").contains("not both"));
        assert!(err("date=D,x=c,y=d,crs=3857,source=s").contains("3857"));
        assert!(err("date=D,lon=a,lat=b,source=s,colour=red").contains("unknown key \"colour\""));
        assert!(err("date=D,lon=a,lat=b,source=s,date=E").contains("twice"));
        assert!(err("date=D,lon=a,lat=b,source=s,delimiter=;;").contains("delimiter"));
        assert!(err("date=D,lonlat").contains("not key=value"));
        assert!(
            err("date=D,lon=a,lat=b,source=s,category=T,fixed_category=F").contains("not both")
        );
        let q = CsvMapping::parse(
            "date=Date,lon=Lon,lat=Lat,source=\"A&E assaults, ED\",delimiter=tab",
        )
        .unwrap();
        assert_eq!(q.source, "A&E assaults, ED");
        assert_eq!(q.delimiter, b'\t');
    }

    #[test]
    fn uk_and_iso_dates_and_times() {
        let p = run(
            "id=Ref,date=Date,lon=Lon,lat=Lat,category=Type,source=force extract",
            "Ref,Date,Lon,Lat,Type\n\
             a,25/03/2025,-0.89,52.23,Burglary\n\
             b,2025-03-25 14:30,-0.89,52.23,Burglary\n\
             c,2025-03-25T14:30:15,-0.89,52.23,Burglary\n\
             d,5/3/2025 08:05,-0.89,52.23,Burglary\n\
             e,2025-03,-0.89,52.23,Burglary\n\
             f,2025-03-25,-0.89,52.23,Burglary\n\
             g,2025-03-25T14:30:15.250Z,-0.89,52.23,Burglary\n",
        );
        assert!(p.rejected.is_empty(), "{:?}", p.rejected);
        let got: Vec<_> = p
            .incidents
            .iter()
            .map(|i| (i.date, i.time.map(|t| t.to_string()), i.precision()))
            .collect();
        use hotspot_core::DatePrecision::*;
        assert_eq!(got[0], (Some(d("2025-03-25")), None, Day));
        assert_eq!(
            got[1],
            (Some(d("2025-03-25")), Some("14:30:00".into()), Minute)
        );
        assert_eq!(
            got[2],
            (Some(d("2025-03-25")), Some("14:30:15".into()), Minute)
        );
        assert_eq!(
            got[3],
            (Some(d("2025-03-05")), Some("08:05:00".into()), Minute)
        );
        assert_eq!(got[4], (None, None, Month));
        assert_eq!(got[6].1.as_deref(), Some("14:30:15.250"));
        assert!(p
            .incidents
            .iter()
            .all(|i| i.month == "2025-03".parse().unwrap()));
        assert_eq!(p.incidents[0].source, "force extract");
        assert_eq!(p.summary.months.len(), 1);
    }

    #[test]
    fn bad_dates_rejected_with_field_and_us_order_never_guessed() {
        let p = run(
            "date=When,lon=Lon,lat=Lat,source=x",
            "When,Lon,Lat\n03/25/2025,-0.89,52.23\n31/02/2025,-0.89,52.23\n25/03/25,-0.89,52.23\nyesterday,-0.89,52.23\n,-0.89,52.23\n2025-13,-0.89,52.23\n04/05/2025,-0.89,52.23\n",
        );
        assert_eq!(p.incidents.len(), 1);
        assert_eq!(
            p.incidents[0].date,
            Some(d("2025-05-04")),
            "DD/MM: 4 May, not 5 April"
        );
        assert_eq!(p.rejected.len(), 6);
        assert!(p
            .rejected
            .iter()
            .all(|r| r.field.as_deref() == Some("When")));
        assert!(
            p.rejected[0].reason.contains("US"),
            "{}",
            p.rejected[0].reason
        );
        assert_eq!(
            p.rejected.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 3, 4, 5, 6, 7]
        );
        assert_eq!(p.summary.rejected_by_field["When"], 6);
    }

    #[test]
    fn separate_time_column() {
        let p = run(
            "date=Date,time=Time,lon=Lon,lat=Lat,source=x",
            "Date,Time,Lon,Lat\n2025-03-01 00:00:00,14:30,-0.89,52.23\n01/03/2025,0905,-0.89,52.23\n01/03/2025,,-0.89,52.23\n01/03/2025,25:00,-0.89,52.23\n2025-03,10:00,-0.89,52.23\n",
        );
        let t: Vec<_> = p
            .incidents
            .iter()
            .map(|i| i.time.map(|t| t.to_string()))
            .collect();
        assert_eq!(t, [Some("14:30:00".into()), Some("09:05:00".into()), None]);
        assert_eq!(p.rejected.len(), 2);
        assert!(p
            .rejected
            .iter()
            .all(|r| r.field.as_deref() == Some("Time")));
    }

    #[test]
    fn explicit_date_format() {
        let p = run(
            "date=D,date_format=%d.%m.%Y %H:%M,lon=Lon,lat=Lat,source=x",
            "D,Lon,Lat\n25.03.2025 14:30,-0.89,52.23\n2025-03-25,-0.89,52.23\n",
        );
        assert_eq!(p.incidents[0].date, Some(d("2025-03-25")));
        assert!(p.rejected[0].reason.contains("does not match format"));
        let p = run(
            "date=D,format=%Y/%m,lon=Lon,lat=Lat,source=x",
            "D,Lon,Lat\n2025/03,-0.89,52.23\n",
        );
        assert_eq!(
            (p.incidents[0].month, p.incidents[0].date),
            ("2025-03".parse().unwrap(), None)
        );
    }

    #[test]
    fn bng_coordinates_and_fixed_category() {
        let p = run(
            "id=Ref,date=Date,x=Easting,y=Northing,source=fly-tipping,location=Street",
            "Ref,Date,Easting,Northing,Street\nF1,2025-03-02,475000,260000,High St\nF2,2025-03-02,-0.89,52.23,High St\nF3,2025-03-02,,,Unknown\nF4,2025-03-02,475000,,X\nF1,2025-03-03,475000,260000,High St\n",
        );
        let i = &p.incidents[0];
        let l = i.location.unwrap();
        assert_eq!((l.x, l.y), (475_000.0, 260_000.0));
        assert!((l.lon - -0.9).abs() < 0.1 && (l.lat - 52.2).abs() < 0.1);
        assert_eq!(i.category, "fly-tipping");
        assert_eq!(i.location_label.as_deref(), Some("High St"));
        assert_eq!(p.incidents[1].location, None);
        assert_eq!(p.summary.no_location, 1);
        let why: Vec<_> = p
            .rejected
            .iter()
            .map(|r| (r.line, r.field.clone().unwrap()))
            .collect();
        assert_eq!(
            why,
            [
                (3, "Easting".into()),
                (5, "Northing".into()),
                (6, "Ref".into())
            ]
        );
        assert!(p.rejected[0].reason.contains("degrees"));
        assert_eq!(p.summary.duplicate_ids, 1);
        assert_eq!(p.dataset_key, "csv:fly-tipping:partner.csv");
    }

    #[test]
    fn crs_4326_xy_and_semicolon_delimiter() {
        let p = run(
            "date=Date,x=X,y=Y,crs=4326,category=Kind,source=A&E assaults,delimiter=;",
            "Date;X;Y;Kind\n2025-03-02;-0.89;52.23;Assault\n2025-03-02;-0.89;52.23;\n",
        );
        assert!((p.incidents[0].location.unwrap().x - 475_000.0).abs() < 5_000.0);
        assert_eq!(p.rejected[0].field.as_deref(), Some("Kind"));
    }

    #[test]
    fn months_written_as_dates_are_read_as_months() {
        use hotspot_core::DatePrecision;
        let text = "Date,Lon,Lat\n2022-01-01,-0.89,52.23\n2022-02-01,-0.89,52.23\n01/03/2022,-0.89,52.23\n2022-03-01 00:00:00,-0.89,52.23\n2022-04,-0.89,52.23\n";
        let p = run("date=Date,lon=Lon,lat=Lat,source=x", text);
        assert_eq!(p.incidents.len(), 5);
        assert!(
            p.incidents
                .iter()
                .all(|i| i.precision() == DatePrecision::Month && i.date.is_none()),
            "{:?}",
            p.incidents
        );
        let months: Vec<String> = p.incidents.iter().map(|i| i.month.to_string()).collect();
        assert_eq!(
            months,
            ["2022-01", "2022-02", "2022-03", "2022-03", "2022-04"]
        );
        assert_eq!(p.notes.len(), 1, "{:?}", p.notes);
        assert!(p.notes[0].contains("month"), "{}", p.notes[0]);
        assert!(p.notes[0].contains("date_precision=day"), "{}", p.notes[0]);

        // date_precision=day keeps the days.
        let p = run(
            "date=Date,lon=Lon,lat=Lat,source=x,date_precision=day",
            text,
        );
        assert_eq!(p.incidents[0].date, Some(d("2022-01-01")));
        assert!(p.notes.is_empty());

        // One day that is not the 1st, or one real time, means day data.
        let p = run(
            "date=Date,lon=Lon,lat=Lat,source=x",
            "Date,Lon,Lat\n2022-01-01,-0.89,52.23\n2022-01-02,-0.89,52.23\n",
        );
        assert_eq!(p.incidents[0].precision(), DatePrecision::Day);
        assert!(p.notes.is_empty());
        let p = run(
            "date=Date,lon=Lon,lat=Lat,source=x",
            "Date,Lon,Lat\n2022-01-01,-0.89,52.23\n2022-02-01 14:30,-0.89,52.23\n",
        );
        assert_eq!(p.incidents[1].precision(), DatePrecision::Minute);
        assert!(p.notes.is_empty());

        // date_precision=month drops days that are not the 1st too.
        let p = run(
            "date=Date,lon=Lon,lat=Lat,source=x,date_precision=month",
            "Date,Lon,Lat\n2022-01-17 10:00,-0.89,52.23\n",
        );
        assert_eq!((p.incidents[0].date, p.incidents[0].time), (None, None));
        assert_eq!(p.incidents[0].month.to_string(), "2022-01");
        assert!(
            CsvMapping::parse("date=D,lon=a,lat=b,source=s,date_precision=week")
                .unwrap_err()
                .to_string()
                .contains("auto, day or month")
        );
    }

    #[test]
    fn the_mapping_is_part_of_the_version() {
        let text = "Date,Lon,Lat,Type\n2022-01-01,-0.89,52.23,Burglary\n";
        let a = run("date=Date,lon=Lon,lat=Lat,source=x", text);
        let b = run(
            "date=Date,lon=Lon,lat=Lat,source=x,date_precision=day",
            text,
        );
        let c = run("date=Date,lon=Lon,lat=Lat,source=x,category=Type", text);
        let a2 = run(
            "date = \"Date\"\nlon = \"Lon\"\nlat = \"Lat\"\nsource = \"x\"",
            text,
        );
        assert_eq!(a.content_sha256, b.content_sha256);
        assert_ne!(a.version, b.version);
        assert_ne!(a.version, c.version);
        assert_eq!(a.version, a2.version, "the same mapping written as TOML");
    }

    /// Every key the parser knows is in `--help` and in docs/import.md.
    #[test]
    fn every_mapping_key_is_documented() {
        let docs = include_str!("../../../docs/import.md");
        for key in KEYS.split(", ") {
            assert!(
                MAPPING_HELP.contains(&format!("{key}=")),
                "--help lacks {key}"
            );
            assert!(
                docs.contains(&format!("`{key}`")),
                "docs/import.md lacks {key}"
            );
        }
        for alias in [
            "longitude",
            "latitude",
            "easting",
            "northing",
            "format",
            "category_fixed",
            "location_label",
            "sep",
            "separator",
        ] {
            assert!(CsvMapping::from_pairs(vec![(alias.into(), "v".into())])
                .err()
                .is_none_or(|e| !e.to_string().contains("unknown key")));
            assert!(
                MAPPING_HELP.contains(&format!("{alias}=")),
                "--help lacks {alias}"
            );
            assert!(
                docs.contains(&format!("`{alias}`")),
                "docs/import.md lacks {alias}"
            );
        }
    }

    #[test]
    fn missing_mapped_column_is_an_error() {
        let m = CsvMapping::parse("date=Date,lon=Lon,lat=Lat,category=Type,source=x").unwrap();
        let f = source_from_bytes("p.csv", b"date,lon,lat\n".to_vec()).unwrap();
        let e = parse_mapped_csv(&f, &m).unwrap_err().to_string();
        assert_eq!(
            e,
            "p.csv: missing required column \"Type\" (found: \"date\", \"lon\", \"lat\")"
        );
    }
}
