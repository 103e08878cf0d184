//! From files to stored data: parse (CPU work, off the async runtime), then
//! hand the whole batch to the store in one transaction. Shared by the
//! `hotspot import` command and `POST /api/imports`.

use hotspot_ingest::{police_uk_download, BoundaryOptions, CsvMapping, IngestError, SourceFile};
use hotspot_store::{
    AreaBatch, ImportReport, IncidentBatch, IncidentFile, PopulationBatch, RejectedRow, Store,
};

use crate::AppError;

/// What kind of file an import holds.
#[derive(Debug, Clone)]
pub enum ImportKind {
    /// police.uk street-level CSVs, or data.police.uk download zips (street
    /// files with their outcomes applied; stop-and-search files as their own
    /// source when `stop_and_search`).
    PoliceUk { stop_and_search: bool },
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

impl ImportKind {
    /// police.uk street files and downloads, without stop-and-search.
    pub const POLICE_UK: ImportKind = ImportKind::PoliceUk {
        stop_and_search: false,
    };
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

/// What one input gives: its incident files (one per month and kind for a
/// police.uk download zip), and the latest outcomes of crimes it does not
/// hold, for the store to apply to those it has.
#[derive(Debug, Default)]
pub struct ParsedInput {
    pub files: Vec<IncidentFile>,
    pub outcomes: Vec<(String, String)>,
}

impl From<IncidentFile> for ParsedInput {
    fn from(f: IncidentFile) -> Self {
        ParsedInput {
            files: vec![f],
            outcomes: Vec::new(),
        }
    }
}

/// Parses one incident input (police.uk or mapped CSV, or a police.uk
/// download zip).
pub fn parse_incident_file(kind: &ImportKind, file: &SourceFile) -> Result<ParsedInput, AppError> {
    match kind {
        ImportKind::PoliceUk { stop_and_search } if police_uk_download::is_zip(&file.bytes) => {
            download_files(file, *stop_and_search)
        }
        ImportKind::PoliceUk { .. } => {
            Ok(incident_file(hotspot_ingest::parse_police_uk(file)?).into())
        }
        ImportKind::Csv(mapping) => {
            Ok(incident_file(hotspot_ingest::parse_mapped_csv(file, mapping)?).into())
        }
        _ => Err(AppError::BadRequest("not an incident import".into())),
    }
}

/// The inputs as one batch.
pub fn batch_of(kind: &ImportKind, inputs: Vec<ParsedInput>) -> IncidentBatch {
    let mut batch = IncidentBatch {
        kind: batch_kind(kind).to_string(),
        files: Vec::new(),
        outcomes: Vec::new(),
    };
    for i in inputs {
        batch.files.extend(i.files);
        batch.outcomes.extend(i.outcomes);
    }
    batch
}

fn incident_file(parsed: hotspot_ingest::ParsedIncidents) -> IncidentFile {
    IncidentFile {
        file_name: parsed.file,
        dataset_key: parsed.dataset_key,
        sha256: parsed.version,
        rows: parsed.rows,
        incidents: parsed.incidents,
        rejected: rejected(parsed.rejected),
        notes: parsed.notes,
    }
}

/// A police.uk download zip: its street files with the latest outcomes
/// applied, and its stop-and-search files when asked for.
fn download_files(file: &SourceFile, stop_and_search: bool) -> Result<ParsedInput, AppError> {
    use police_uk_download::{unpack, Outcomes, STOP_AND_SEARCH_MAPPING};
    let d = unpack(file)?;
    let outcomes = Outcomes::read(&d.outcomes)?;
    let mut parsed = d
        .street
        .iter()
        .map(hotspot_ingest::parse_police_uk)
        .collect::<Result<Vec<_>, _>>()?;
    let applied: usize = parsed.iter_mut().map(|p| outcomes.apply(p)).sum();
    let ids = parsed
        .iter()
        .flat_map(|p| p.incidents.iter().filter_map(|i| i.external_id.as_deref()));
    let elsewhere = outcomes.elsewhere(ids);
    let mut files: Vec<IncidentFile> = parsed.into_iter().map(incident_file).collect();
    let first = &mut files[0];
    if !d.outcomes.is_empty() {
        first.notes.push(format!(
            "{applied} crimes took their latest outcome from the {} outcomes files; {} outcomes are for crimes of months not in this download, given to those already stored",
            d.outcomes.len(),
            elsewhere.len()
        ));
    }
    // Unreadable outcome rows are quarantined with the first street file,
    // each naming its own file.
    let named = outcomes.rejected.into_iter().map(|mut r| {
        r.reason = format!("{}: {}", r.file, r.reason);
        r
    });
    first.rejected.extend(rejected(named.collect()));
    match (stop_and_search, d.stop_and_search.is_empty()) {
        (true, _) => {
            let mapping = CsvMapping::parse(STOP_AND_SEARCH_MAPPING).expect("a valid mapping");
            for s in &d.stop_and_search {
                files.push(incident_file(hotspot_ingest::parse_mapped_csv(s, &mapping)?));
            }
        }
        (false, false) => files[0].notes.push(format!(
            "{} stop-and-search files not imported (ask with --stop-and-search, or stop_and_search=true)",
            d.stop_and_search.len()
        )),
        (false, true) => {}
    }
    Ok(ParsedInput {
        files,
        outcomes: elsewhere,
    })
}

/// The batch name of an incident import kind (`police.uk` or `csv`).
pub fn batch_kind(kind: &ImportKind) -> &'static str {
    match kind {
        ImportKind::PoliceUk { .. } => "police.uk",
        _ => "csv",
    }
}

/// Parses every file; any file-level error fails the whole import before
/// anything is written.
pub fn parse_incident_files(
    kind: &ImportKind,
    files: &[SourceFile],
) -> Result<IncidentBatch, AppError> {
    let inputs = files
        .iter()
        .map(|f| parse_incident_file(kind, f))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(batch_of(kind, inputs))
}

/// Refuses an incident import in which a file had rows but none was
/// accepted: storing it would replace that file's earlier version (a month
/// of police.uk data, say) with nothing and exit as a success. Judged per
/// file, so one bad file in a folder of months refuses the whole batch
/// rather than emptying its month. Call before committing (a streamed
/// import calls it on each input and rolls back), so that nothing is
/// written; the error names the file and the commonest reasons.
pub fn refuse_if_nothing_accepted(files: &[IncidentFile]) -> Result<(), IngestError> {
    let Some(f) = files.iter().find(|f| f.rows > 0 && f.incidents.is_empty()) else {
        return Ok(());
    };
    let reasons = hotspot_ingest::commonest_reasons(
        f.rejected
            .iter()
            .map(|r| (r.field.as_deref(), r.reason.as_str())),
        3,
    );
    Err(IngestError::NothingAccepted {
        file: f.file_name.clone(),
        rows: f.rows,
        reasons,
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
        ImportKind::PoliceUk { .. } | ImportKind::Csv(_) => {
            let batch = tokio::task::spawn_blocking(move || parse_incident_files(&kind, &files))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))??;
            refuse_if_nothing_accepted(&batch.files)?;
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
                    sha256: parsed.version,
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
            // The columns chosen change what is stored, so they are part of
            // the version (else a corrected --population-column is "unchanged").
            let version = hotspot_ingest::import_version(
                &file.sha256_hex(),
                &format!("code_column={code_column:?}\npopulation_column={population_column:?}"),
            );
            Ok(store
                .import_populations(PopulationBatch {
                    layer,
                    file_name: file.name.clone(),
                    sha256: version,
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

/// Named points from a GeoJSON FeatureCollection (property `name`, `Name`
/// or `NAME`; else "Venue N"), for the days-of-action planner.
pub fn venues_from_geojson(
    fc: &geojson::FeatureCollection,
) -> Result<Vec<hotspot_engine::Venue>, AppError> {
    fc.features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let name = ["name", "Name", "NAME"]
                .iter()
                .find_map(|k| f.property(k).and_then(|v| v.as_str()).map(str::to_string))
                .unwrap_or_else(|| format!("Venue {}", i + 1));
            match f.geometry.as_ref().map(|g| &g.value) {
                Some(geojson::Value::Point(c)) if c.len() >= 2 => Ok(hotspot_engine::Venue {
                    name,
                    lon: c[0],
                    lat: c[1],
                }),
                _ => Err(AppError::BadRequest(format!(
                    "venues: feature {} ({name}) is not a Point",
                    i + 1
                ))),
            }
        })
        .collect()
}

/// Every polygon in a GeoJSON object (geometry, feature or collection).
pub fn polygons_from_geojson(
    g: &geojson::GeoJson,
) -> Result<Vec<geo_types::MultiPolygon<f64>>, AppError> {
    let geometries: Vec<&geojson::Geometry> = match g {
        geojson::GeoJson::Geometry(g) => vec![g],
        geojson::GeoJson::Feature(f) => f.geometry.iter().collect(),
        geojson::GeoJson::FeatureCollection(fc) => fc
            .features
            .iter()
            .filter_map(|f| f.geometry.as_ref())
            .collect(),
    };
    geometries
        .into_iter()
        .map(|g| match geo_types::Geometry::<f64>::try_from(g.clone()) {
            Ok(geo_types::Geometry::Polygon(p)) => Ok(geo_types::MultiPolygon(vec![p])),
            Ok(geo_types::Geometry::MultiPolygon(mp)) => Ok(mp),
            _ => Err(AppError::BadRequest("avoid: expected polygons".into())),
        })
        .collect()
}

/// A target-hardening visit list as CSV for crime-prevention officers.
pub fn write_hardening_csv<W: std::io::Write>(
    items: &[&hotspot_planning::HardeningItem],
    out: W,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "rank",
        "location",
        "longitude",
        "latitude",
        "reason",
        "expires",
        "score",
        "recent_burglaries",
    ])?;
    for (n, i) in items.iter().enumerate() {
        let (lon, lat) =
            hotspot_core::bng_to_wgs84(i.xy[0], i.xy[1]).unwrap_or((f64::NAN, f64::NAN));
        w.write_record([
            (n + 1).to_string(),
            i.label.clone(),
            format!("{lon:.6}"),
            format!("{lat:.6}"),
            i.reason.clone(),
            i.expires.to_string(),
            format!("{:.3}", i.score),
            i.triggering.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
