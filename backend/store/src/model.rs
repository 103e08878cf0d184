//! What goes into and comes out of a [`crate::Store`].

use hotspot_core::{Area, Incident};
use serde::Serialize;

/// A row that failed validation, kept so the user can see and fix it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectedRow {
    pub line: u64,
    pub field: Option<String>,
    pub reason: String,
    pub raw: String,
}

/// One parsed file of incidents.
#[derive(Debug, Clone)]
pub struct IncidentFile {
    pub file_name: String,
    /// What this file is a version of, e.g. `police.uk:northamptonshire-police:2025-03`.
    pub dataset_key: String,
    /// The version: the SHA-256 of the file's bytes, combined with the
    /// import options that change what is stored (`hotspot_ingest::import_version`).
    /// The same value again means "unchanged".
    pub sha256: String,
    pub rows: u64,
    pub incidents: Vec<Incident>,
    pub rejected: Vec<RejectedRow>,
    /// What the parser decided about the file, passed on to the report
    /// (e.g. dates on the 1st read as months).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct IncidentBatch {
    /// `police.uk` or `csv`.
    pub kind: String,
    pub files: Vec<IncidentFile>,
    /// Latest outcomes (Crime ID, outcome) for crimes stored by earlier
    /// imports: a police.uk download's outcomes for crimes of months it
    /// does not hold. Applied in the same transaction.
    pub outcomes: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct AreaBatch {
    pub layer: String,
    pub file_name: String,
    /// The version (file bytes and the properties read), as for [`IncidentFile::sha256`].
    pub sha256: String,
    pub areas: Vec<Area>,
    pub rejected: Vec<RejectedRow>,
}

#[derive(Debug, Clone)]
pub struct PopulationBatch {
    pub layer: String,
    pub file_name: String,
    /// The version (file bytes and the columns read), as for [`IncidentFile::sha256`].
    pub sha256: String,
    pub rows: u64,
    /// Area code and population, with the line each came from.
    pub populations: Vec<(String, f64, u64)>,
    pub rejected: Vec<RejectedRow>,
}

/// What happened to one file in an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileOutcome {
    /// First version of this dataset.
    Added,
    /// A different version of a dataset already stored: the old one was replaced.
    Replaced,
    /// These exact bytes were imported before: nothing changed.
    Unchanged,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileReport {
    pub file_name: String,
    pub dataset_key: String,
    pub outcome: FileOutcome,
    pub rows: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// Messages for the analyst about how the file was read.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// `None` when every file was unchanged (no run is recorded).
    pub import_id: Option<i64>,
    pub kind: String,
    pub files: Vec<FileReport>,
    pub accepted: u64,
    pub rejected: u64,
    /// Stored crimes whose last outcome this import changed
    /// ([`IncidentBatch::outcomes`]).
    pub outcomes_updated: u64,
}

impl ImportReport {
    /// Whether the import changed stored data (and the index must be rebuilt).
    pub fn changed(&self) -> bool {
        self.outcomes_updated > 0
            || self
                .files
                .iter()
                .any(|f| f.outcome != FileOutcome::Unchanged)
    }
}

/// One import as stored; its columns decode straight into it in both stores.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRun {
    pub id: i64,
    pub kind: String,
    pub created_at: String,
    pub files: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub unchanged: i64,
}

/// A quarantined row as stored; its columns decode straight into it.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredRejectedRow {
    pub id: i64,
    pub import_id: i64,
    pub file_name: String,
    pub line: i64,
    pub field: Option<String>,
    pub reason: String,
    pub raw: String,
}

/// An incident with its database id.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredIncident {
    pub id: i64,
    pub incident: Incident,
}

/// An account (without its password hash).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: hotspot_core::Role,
    pub created_at: String,
    pub disabled: bool,
}

/// A stored credential: the token's id, owner and the hash of its secret.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredToken {
    pub id: i64,
    pub user: User,
    pub kind: String,
    pub secret_hash: String,
    /// RFC 3339; `None` for API tokens, which last until revoked.
    pub expires_at: Option<String>,
}

/// One audited request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub at: String,
    pub username: Option<String>,
    pub role: hotspot_core::Role,
    pub client: Option<String>,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub status: u16,
}

/// An intervention to record: what was done, where, when and against which
/// crimes ([`crate::Store::create_intervention`]).
#[derive(Debug, Clone, PartialEq)]
pub struct NewIntervention {
    pub name: String,
    /// "patrols", "target hardening", "day of action", "CCTV", … (free text).
    pub kind: String,
    /// The target area, WGS84. A site + radius is stored as its circle too.
    pub area: geo_types::MultiPolygon<f64>,
    /// The site (lon, lat) and radius in metres, when the area was given so.
    pub site: Option<InterventionSite>,
    pub start_date: chrono::NaiveDate,
    /// `None`: ongoing.
    pub end_date: Option<chrono::NaiveDate>,
    /// Width of the displacement buffer around the area, metres.
    pub buffer_m: f64,
    /// Crime group ids it targets (union with `types`; both empty: all crime).
    pub groups: Vec<String>,
    pub types: Vec<String>,
    pub notes: Option<String>,
    /// Who recorded it (`None`: the command line).
    pub created_by: Option<String>,
}

/// A site and walking radius an intervention was centred on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct InterventionSite {
    pub lon: f64,
    pub lat: f64,
    pub radius_m: f64,
}

/// A recorded intervention.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervention {
    pub id: i64,
    pub created_at: String,
    pub intervention: NewIntervention,
}
