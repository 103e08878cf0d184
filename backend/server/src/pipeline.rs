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

/// Parses one incident file (police.uk or mapped CSV).
pub fn parse_incident_file(kind: &ImportKind, file: &SourceFile) -> Result<IncidentFile, AppError> {
    let parsed = match kind {
        ImportKind::PoliceUk => hotspot_ingest::parse_police_uk(file)?,
        ImportKind::Csv(mapping) => hotspot_ingest::parse_mapped_csv(file, mapping)?,
        _ => return Err(AppError::BadRequest("not an incident import".into())),
    };
    Ok(IncidentFile {
        file_name: parsed.file,
        dataset_key: parsed.dataset_key,
        sha256: parsed.content_sha256,
        rows: parsed.rows,
        incidents: parsed.incidents,
        rejected: rejected(parsed.rejected),
    })
}

/// The batch name of an incident import kind (`police.uk` or `csv`).
pub fn batch_kind(kind: &ImportKind) -> &'static str {
    match kind {
        ImportKind::PoliceUk => "police.uk",
        _ => "csv",
    }
}

/// Parses every file; any file-level error fails the whole import before
/// anything is written.
pub fn parse_incident_files(
    kind: &ImportKind,
    files: &[SourceFile],
) -> Result<IncidentBatch, AppError> {
    Ok(IncidentBatch {
        kind: batch_kind(kind).to_string(),
        files: files
            .iter()
            .map(|f| parse_incident_file(kind, f))
            .collect::<Result<_, _>>()?,
    })
}

/// Quarantined rows as CSV, one row per rejected line, ready to fix in a spreadsheet.
pub fn write_rejected_csv<W: std::io::Write>(
    rows: &[hotspot_store::StoredRejectedRow],
    out: W,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["import_id", "file", "line", "field", "reason", "raw"])?;
    for r in rows {
        w.write_record([
            r.import_id.to_string().as_str(),
            &r.file_name,
            &r.line.to_string(),
            r.field.as_deref().unwrap_or(""),
            &r.reason,
            &r.raw,
        ])?;
    }
    w.flush()?;
    Ok(())
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
            let (populations, bad) = hotspot_ingest::parse_population_rows(
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
                        .map(|r| (r.code, r.population, r.line))
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
