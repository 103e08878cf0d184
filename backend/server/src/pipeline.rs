//! From files to stored data: parse (CPU work, off the async runtime), then
//! hand the whole batch to the store in one transaction. Shared by the
//! `hotspot import` command and `POST /api/imports`.

use hotspot_ingest::{BoundaryOptions, CsvMapping, SourceFile};
use hotspot_store::{
    AreaBatch, ImportReport, IncidentBatch, IncidentFile, PopulationBatch, RejectedRow, Store,
};

use crate::AppError;

/// What kind of file an import holds.
#[derive(Debug, Clone)]
pub enum ImportKind {
    /// police.uk street-level CSVs.
    PoliceUk,
    /// Any CSV with a column mapping (force extracts, partner data).
    Csv(CsvMapping),
    /// Area boundaries (GeoJSON) for a layer such as `wards`.
    Boundaries {
        layer: String,
        options: BoundaryOptions,
    },
    /// A population table for a layer's areas.
    Population {
        layer: String,
        code_column: Option<String>,
        population_column: Option<String>,
    },
}

fn rejected(rows: Vec<hotspot_ingest::RejectedRow>) -> Vec<RejectedRow> {
    rows.into_iter()
        .map(|r| RejectedRow {
            line: r.line,
            field: r.field,
            reason: r.reason,
            raw: r.raw,
        })
        .collect()
}

/// Parses every file; any file-level error fails the whole import before
/// anything is written.
pub fn parse_incident_files(
    kind: &ImportKind,
    files: &[SourceFile],
) -> Result<IncidentBatch, AppError> {
    let (name, parsed) = match kind {
        ImportKind::PoliceUk => (
            "police.uk",
            files
                .iter()
                .map(hotspot_ingest::parse_police_uk)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        ImportKind::Csv(mapping) => (
            "csv",
            files
                .iter()
                .map(|f| hotspot_ingest::parse_mapped_csv(f, mapping))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        _ => return Err(AppError::BadRequest("not an incident import".into())),
    };
    Ok(IncidentBatch {
        kind: name.to_string(),
        files: parsed
            .into_iter()
            .map(|p| IncidentFile {
                file_name: p.file,
                dataset_key: p.dataset_key,
                sha256: p.content_sha256,
                rows: p.rows,
                incidents: p.incidents,
                rejected: rejected(p.rejected),
            })
            .collect(),
    })
}

/// Parses and stores one import. `files` must hold exactly one file for
/// boundaries and populations.
pub async fn run_import(
    store: &dyn Store,
    kind: ImportKind,
    files: Vec<SourceFile>,
) -> Result<ImportReport, AppError> {
    if files.is_empty() {
        return Err(AppError::BadRequest("no files to import".into()));
    }
    match kind {
        ImportKind::PoliceUk | ImportKind::Csv(_) => {
            let batch = tokio::task::spawn_blocking(move || parse_incident_files(&kind, &files))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))??;
            Ok(store.import_incidents(batch).await?)
        }
        ImportKind::Boundaries { layer, options } => {
            let file = single(files)?;
            let parsed = tokio::task::spawn_blocking(move || {
                hotspot_ingest::parse_boundaries(&file, &options)
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
            Ok(store
                .import_areas(AreaBatch {
                    layer,
                    file_name: parsed.file,
                    sha256: parsed.content_sha256,
                    areas: parsed.areas,
                    rejected: rejected(parsed.rejected),
                })
                .await?)
        }
        ImportKind::Population {
            layer,
            code_column,
            population_column,
        } => {
            let file = single(files)?;
            let (populations, bad) = hotspot_ingest::parse_population(
                &file,
                code_column.as_deref(),
                population_column.as_deref(),
            )?;
            let rows = populations.len() as u64 + bad.len() as u64;
            Ok(store
                .import_populations(PopulationBatch {
                    layer,
                    file_name: file.name.clone(),
                    sha256: file.sha256_hex(),
                    rows,
                    populations: populations
                        .into_iter()
                        .map(|(code, p)| (code, p, 0))
                        .collect(),
                    rejected: rejected(bad),
                })
                .await?)
        }
    }
}

fn single(mut files: Vec<SourceFile>) -> Result<SourceFile, AppError> {
    if files.len() != 1 {
        return Err(AppError::BadRequest(format!(
            "expected one file, got {}",
            files.len()
        )));
    }
    Ok(files.remove(0))
}
