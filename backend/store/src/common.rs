//! What the SQLite and PostgreSQL stores share: reports, timestamps,
//! turning stored rows back into model values, and the multi-row INSERTs.
//!
//! The two schemas store the same values under the same column names, so
//! the row structs here derive [`FromRow`], which sqlx implements for any
//! row type whose columns decode as the fields: each works for `SqliteRow`
//! and `PgRow` alike. (Not [`IncidentRow`]: millions of them are read at
//! start-up, by position, `read.rs`.) The SQL itself stays in each store, in its dialect.

use chrono::{NaiveDate, NaiveTime};
use hotspot_core::{Area, IncidentRef, Location, Month};
use sqlx::FromRow;

use crate::{
    AuditEntry, FileOutcome, FileReport, ImportReport, Intervention, InterventionSite,
    NewIntervention, PopulationBatch, RejectedRow, StoreError, StoredPage, StoredToken, User,
};

/// Rows per multi-row INSERT for SQLite (but incidents, `sqlite_bulk.rs`):
/// 8 columns × 2000 stays under its 32766 bound-parameter limit and
/// amortises statement overhead.
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
        outcomes_updated: 0,
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
        outcomes_updated: 0,
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

pub(crate) fn parse_date(date: Option<&str>) -> Result<Option<NaiveDate>, StoreError> {
    date.map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| corrupt("date", d)))
        .transpose()
}

pub(crate) fn parse_time(time: Option<&str>) -> Result<Option<NaiveTime>, StoreError> {
    time.map(|t| NaiveTime::parse_from_str(t, "%H:%M:%S").map_err(|_| corrupt("time", t)))
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
#[derive(FromRow)]
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
                start_date: parse_date(Some(&self.start_date))?.expect("some"),
                end_date: parse_date(self.end_date.as_deref())?,
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

/// An account's columns as stored. `disabled` is a BOOLEAN in PostgreSQL and
/// a 0/1 INTEGER in SQLite, which sqlx decodes as `bool` (non-zero: true).
#[derive(FromRow)]
pub(crate) struct UserRow {
    id: i64,
    username: String,
    role: String,
    created_at: String,
    disabled: bool,
}

impl UserRow {
    pub(crate) fn into_user(self) -> Result<User, StoreError> {
        Ok(User {
            role: parse_role(&self.role)?,
            id: self.id,
            username: self.username,
            created_at: self.created_at,
            disabled: self.disabled,
        })
    }
}

/// An account's [`UserRow`] columns and its `password_hash`, for logging in.
#[derive(FromRow)]
pub(crate) struct CredentialsRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

impl CredentialsRow {
    pub(crate) fn into_credentials(self) -> Result<(User, String), StoreError> {
        Ok((self.user.into_user()?, self.password_hash))
    }
}

/// A token's columns (`token_id`, `kind`, `secret_hash`, `expires_at`)
/// joined with its owner's [`UserRow`] columns.
#[derive(FromRow)]
pub(crate) struct TokenRow {
    token_id: i64,
    kind: String,
    secret_hash: String,
    expires_at: Option<String>,
    #[sqlx(flatten)]
    user: UserRow,
}

impl TokenRow {
    pub(crate) fn into_token(self) -> Result<StoredToken, StoreError> {
        Ok(StoredToken {
            id: self.token_id,
            user: self.user.into_user()?,
            kind: self.kind,
            secret_hash: self.secret_hash,
            expires_at: self.expires_at,
        })
    }
}

/// An audit entry's columns but `status`, whose integer type differs
/// between the schemas (so each store decodes and checks it itself).
#[derive(FromRow)]
pub(crate) struct AuditRow {
    at: String,
    username: Option<String>,
    role: String,
    client: Option<String>,
    method: String,
    path: String,
    query: Option<String>,
}

impl AuditRow {
    pub(crate) fn into_entry(self, status: u16) -> Result<AuditEntry, StoreError> {
        Ok(AuditEntry {
            role: parse_role(&self.role)?,
            at: self.at,
            username: self.username,
            client: self.client,
            method: self.method,
            path: self.path,
            query: self.query,
            status,
        })
    }
}

fn parse_role(role: &str) -> Result<hotspot_core::Role, StoreError> {
    role.parse().map_err(|_| corrupt("role", role))
}

/// The columns both stores select for an incident, in this order.
pub(crate) const INCIDENT_COLUMNS: &str =
    "id, line, source, external_id, category, month, occurred_date, occurred_time, \
     lon, lat, x, y, location_label, lsoa_code, outcome";

/// An incident's columns as stored (text for month, date and time),
/// borrowed from the row read, in [`INCIDENT_COLUMNS`]' order.
pub(crate) struct IncidentRow<'a> {
    pub(crate) id: i64,
    pub(crate) line: i64,
    pub(crate) source: &'a str,
    pub(crate) external_id: Option<&'a str>,
    pub(crate) category: &'a str,
    pub(crate) month: &'a str,
    pub(crate) occurred_date: Option<&'a str>,
    pub(crate) occurred_time: Option<&'a str>,
    pub(crate) lon: Option<f64>,
    pub(crate) lat: Option<f64>,
    pub(crate) x: Option<f64>,
    pub(crate) y: Option<f64>,
    pub(crate) location_label: Option<&'a str>,
    pub(crate) lsoa_code: Option<&'a str>,
    pub(crate) outcome: Option<&'a str>,
}

impl<'a> IncidentRow<'a> {
    /// Parses the row onto the end of `page`.
    pub(crate) fn push_to(self, page: &mut StoredPage) -> Result<(), StoreError> {
        // The schemas' CHECK keeps lon, lat and x null together; a located
        // incident without all four coordinates is corrupt.
        let location = match (self.lon, self.lat, self.x, self.y) {
            (None, _, _, _) => None,
            (Some(lon), Some(lat), Some(x), Some(y)) => Some(Location { lon, lat, x, y }),
            _ => return Err(corrupt("location of incident", &self.id.to_string())),
        };
        let incident = IncidentRef {
            month: parse_month(self.month)?,
            date: parse_date(self.occurred_date)?,
            time: parse_time(self.occurred_time)?,
            source: self.source,
            external_id: self.external_id,
            category: self.category,
            location,
            location_label: self.location_label,
            lsoa_code: self.lsoa_code,
            outcome: self.outcome,
            origin_line: self.line as u64,
        };
        page.push(self.id, incident);
        Ok(())
    }
}

/// An area's columns as stored, with the population that applies.
#[derive(FromRow)]
pub(crate) struct AreaRow {
    code: String,
    name: String,
    population: Option<f64>,
    geometry: String,
}

impl AreaRow {
    pub(crate) fn into_area(self) -> Result<Area, StoreError> {
        Ok(Area {
            geometry: parse_area_geometry(&self.code, &self.geometry)?,
            code: self.code,
            name: self.name,
            population: self.population,
        })
    }
}

/// Defines, inside a store's `impl` block, the multi-row INSERTs both stores
/// make: `insert_rejected`, `insert_populations` and `insert_audit`, each
/// taking the database's connection (a transaction derefs to one).
/// Incidents, the bulk of an import, have their own INSERTs in each store
/// (`sqlite_bulk.rs`, `postgres.rs`). `QueryBuilder` writes each dialect's
/// placeholders (`?`, `$1`). A statement takes at most `$chunk` rows ([`SQLITE_INSERT_CHUNK`],
/// [`POSTGRES_INSERT_CHUNK`]), to stay under the bound-parameter limit.
///
/// A macro rather than functions generic over `sqlx::Database`: there,
/// `DB::Arguments<'args>` is invariant in `'args`, so a built query must
/// borrow its `QueryBuilder` for all of `'args` and executing it does not
/// borrow-check; and the Encode/Type bounds were longer than the bodies.
macro_rules! bulk_inserts {
    ($db:ty, $chunk:expr) => {
        async fn insert_rejected(
            conn: &mut <$db as sqlx::Database>::Connection,
            file_id: i64,
            file_name: &str,
            rows: &[$crate::RejectedRow],
        ) -> Result<(), $crate::StoreError> {
            for chunk in rows.chunks($chunk) {
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO rejected_rows (file_id, file_name, line, field, reason, raw) ",
                );
                q.push_values(chunk, |mut b, r| {
                    b.push_bind(file_id)
                        .push_bind(file_name)
                        .push_bind(r.line as i64)
                        .push_bind(r.field.as_deref())
                        .push_bind(&r.reason)
                        .push_bind(&r.raw);
                });
                q.build().execute(&mut *conn).await?;
            }
            Ok(())
        }

        async fn insert_populations(
            conn: &mut <$db as sqlx::Database>::Connection,
            file_id: i64,
            layer: &str,
            populations: &[(&String, &f64)],
        ) -> Result<(), $crate::StoreError> {
            for chunk in populations.chunks($chunk) {
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO area_populations (file_id, layer, code, population) ",
                );
                q.push_values(chunk, |mut b, (code, population)| {
                    b.push_bind(file_id)
                        .push_bind(layer)
                        .push_bind(*code)
                        .push_bind(**population);
                });
                q.build().execute(&mut *conn).await?;
            }
            Ok(())
        }

        /// `status` is bound as an `i32`: PostgreSQL's column is an
        /// INTEGER, SQLite's takes any integer.
        async fn insert_audit(
            conn: &mut <$db as sqlx::Database>::Connection,
            entries: &[$crate::AuditEntry],
        ) -> Result<(), $crate::StoreError> {
            for chunk in entries.chunks($chunk) {
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO audit_log (at, username, role, client, method, path, query, status) ",
                );
                q.push_values(chunk, |mut b, e| {
                    b.push_bind(&e.at)
                        .push_bind(e.username.as_deref())
                        .push_bind(e.role.as_str())
                        .push_bind(e.client.as_deref())
                        .push_bind(&e.method)
                        .push_bind(&e.path)
                        .push_bind(e.query.as_deref())
                        .push_bind(i32::from(e.status));
                });
                q.build().execute(&mut *conn).await?;
            }
            Ok(())
        }
    };
}
pub(crate) use bulk_inserts;
