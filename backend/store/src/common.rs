//! What the SQLite and PostgreSQL stores share: reports, timestamps and
//! turning stored text back into model values.

use chrono::{NaiveDate, NaiveTime};
use hotspot_core::Month;

use crate::{
    FileOutcome, FileReport, ImportReport, Intervention, InterventionSite, NewIntervention,
    PopulationBatch, RejectedRow, StoreError,
};

/// Rows per multi-row INSERT for SQLite: 16 columns × 2000 stays under its
/// 32766 bound-parameter limit and amortises statement overhead.
pub(crate) const SQLITE_INSERT_CHUNK: usize = 2000;

/// Rows per multi-row INSERT for PostgreSQL: 15 columns × 4000 stays under
/// its 65535 bound-parameter limit.
pub(crate) const POSTGRES_INSERT_CHUNK: usize = 4000;

pub(crate) fn report(import_id: i64, kind: &str, files: Vec<FileReport>) -> ImportReport {
    let changed = files.iter().filter(|f| f.outcome != FileOutcome::Unchanged);
    let (accepted, rejected) = changed.fold((0, 0), |(a, r), f| (a + f.accepted, r + f.rejected));
    ImportReport {
        import_id: Some(import_id),
        kind: kind.to_string(),
        files,
        accepted,
        rejected,
    }
}

/// Records that a batch changed nothing: no run is stored.
pub(crate) fn unchanged_report(kind: &str, files: Vec<FileReport>) -> ImportReport {
    ImportReport {
        import_id: None,
        kind: kind.to_string(),
        files,
        accepted: 0,
        rejected: 0,
    }
}

/// Now, as the RFC 3339 UTC text both stores keep.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub(crate) fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {value:?}"))
}

pub(crate) fn parse_month(month: &str) -> Result<Month, StoreError> {
    month.parse().map_err(|_| corrupt("month", month))
}

pub(crate) fn parse_date(date: Option<String>) -> Result<Option<NaiveDate>, StoreError> {
    date.map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| corrupt("date", &d)))
        .transpose()
}

pub(crate) fn parse_time(time: Option<String>) -> Result<Option<NaiveTime>, StoreError> {
    time.map(|t| NaiveTime::parse_from_str(&t, "%H:%M:%S").map_err(|_| corrupt("time", &t)))
        .transpose()
}

pub(crate) fn format_date(date: Option<NaiveDate>) -> Option<String> {
    date.map(|d| d.format("%Y-%m-%d").to_string())
}

pub(crate) fn format_time(time: Option<NaiveTime>) -> Option<String> {
    time.map(|t| t.format("%H:%M:%S").to_string())
}

/// An area's geometry as the GeoJSON text stored beside it.
pub(crate) fn area_geojson(geometry: &geo_types::MultiPolygon<f64>) -> String {
    geojson::Geometry::new(geojson::Value::from(geometry)).to_string()
}

/// An area's stored GeoJSON back as a multipolygon.
pub(crate) fn parse_area_geometry(
    code: &str,
    text: &str,
) -> Result<geo_types::MultiPolygon<f64>, StoreError> {
    let geometry: geojson::Geometry = text
        .parse()
        .map_err(|_| corrupt("geometry of area", code))?;
    match geo_types::Geometry::<f64>::try_from(geometry) {
        Ok(geo_types::Geometry::MultiPolygon(mp)) => Ok(mp),
        Ok(geo_types::Geometry::Polygon(p)) => Ok(geo_types::MultiPolygon(vec![p])),
        _ => Err(corrupt("geometry of area", code)),
    }
}

/// Splits a population batch into the populations of known areas and the
/// rows to quarantine (the batch's own plus codes with no area), by line.
pub(crate) fn split_populations<'a>(
    batch: &'a PopulationBatch,
    known: &std::collections::HashSet<String>,
) -> (Vec<(&'a String, &'a f64)>, Vec<RejectedRow>) {
    let mut rejected = batch.rejected.clone();
    let mut accepted = Vec::new();
    for (code, population, line) in &batch.populations {
        if known.contains(code) {
            accepted.push((code, population));
        } else {
            rejected.push(RejectedRow {
                line: *line,
                field: Some("code".into()),
                reason: format!("no area with code {code:?} in layer {:?}", batch.layer),
                raw: format!("{code},{population}"),
            });
        }
    }
    rejected.sort_by_key(|r| r.line);
    (accepted, rejected)
}

/// The columns both stores select for an intervention, in this order.
pub(crate) const INTERVENTION_COLUMNS: &str =
    "id, name, kind, area, site_lon, site_lat, radius_m, \
     start_date, end_date, buffer_m, crime_groups, crime_types, notes, created_by, created_at";

/// An intervention's columns as stored (text for dates, lists and geometry).
pub(crate) struct InterventionRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub area: String,
    pub site_lon: Option<f64>,
    pub site_lat: Option<f64>,
    pub radius_m: Option<f64>,
    pub start_date: String,
    pub end_date: Option<String>,
    pub buffer_m: f64,
    pub crime_groups: String,
    pub crime_types: String,
    pub notes: Option<String>,
    pub created_by: Option<String>,
    pub created_at: String,
}

impl InterventionRow {
    pub(crate) fn from_row<'r, R: sqlx::Row>(r: &'r R) -> Result<Self, StoreError>
    where
        &'r str: sqlx::ColumnIndex<R>,
        i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    {
        Ok(InterventionRow {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            kind: r.try_get("kind")?,
            area: r.try_get("area")?,
            site_lon: r.try_get("site_lon")?,
            site_lat: r.try_get("site_lat")?,
            radius_m: r.try_get("radius_m")?,
            start_date: r.try_get("start_date")?,
            end_date: r.try_get("end_date")?,
            buffer_m: r.try_get("buffer_m")?,
            crime_groups: r.try_get("crime_groups")?,
            crime_types: r.try_get("crime_types")?,
            notes: r.try_get("notes")?,
            created_by: r.try_get("created_by")?,
            created_at: r.try_get("created_at")?,
        })
    }

    pub(crate) fn into_intervention(self) -> Result<Intervention, StoreError> {
        let what = format!("intervention {}", self.id);
        let list = |text: &str| {
            serde_json::from_str::<Vec<String>>(text).map_err(|_| corrupt(&what, text))
        };
        let site = match (self.site_lon, self.site_lat, self.radius_m) {
            (Some(lon), Some(lat), Some(radius_m)) => Some(InterventionSite { lon, lat, radius_m }),
            _ => None,
        };
        Ok(Intervention {
            id: self.id,
            created_at: self.created_at,
            intervention: NewIntervention {
                area: parse_area_geometry(&what, &self.area)?,
                site,
                start_date: parse_date(Some(self.start_date))?.expect("some"),
                end_date: parse_date(self.end_date)?,
                buffer_m: self.buffer_m,
                groups: list(&self.crime_groups)?,
                types: list(&self.crime_types)?,
                name: self.name,
                kind: self.kind,
                notes: self.notes,
                created_by: self.created_by,
            },
        })
    }
}

/// A list stored as JSON text.
pub(crate) fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).expect("strings serialise")
}
