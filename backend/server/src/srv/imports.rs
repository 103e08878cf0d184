//! Imports and their quarantined rows.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hotspot_ingest::{BoundaryOptions, CsvMapping, SourceFile};
use serde_json::json;

use super::csv_attachment;
use crate::openapi as doc;
use crate::pipeline::{run_import, ImportKind};
use crate::query::Params;
use crate::state::WARD_LAYER;
use crate::{AppError, AppState, PathParam};

#[utoipa::path(get, path = "/imports",
    summary = "Import runs, newest first",
    responses((status = 200, description = "Import runs", body = doc::Imports)))]
pub(crate) async fn list_imports(
    State(state): State<Arc<AppState>>,
) -> Result<Json<serde_json::Value>, AppError> {
    Ok(Json(json!({ "imports": state.store.imports().await? })))
}

/// `POST /api/imports?kind=police.uk|csv|boundaries|population`, with the
/// file(s) as the raw body (`name=` gives the file name) or as
/// multipart/form-data parts.
#[utoipa::path(post, path = "/imports",
    summary = "Import a file: police.uk, mapped CSV, ward boundaries or population",
    description = "The file is the raw request body (`name=` gives its file name), or one or more \
multipart/form-data parts. It is parsed completely, then written in one transaction; invalid rows are \
quarantined. Re-importing identical bytes changes nothing.",
    params(doc::ImportOptions),
    request_body(description = "The file: CSV, gzipped CSV or GeoJSON", content(
        (doc::CsvText = "text/csv"),
        (doc::FileBytes = "application/octet-stream"),
        (doc::FeatureCollection = "application/geo+json"),
        (doc::ImportUpload = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "Data changed: the import report", body = Object),
        (status = 200, description = "Nothing changed (the same bytes were imported before)", body = Object),
        (status = 422, description = "The file cannot be read as a whole (wrong header, corrupt gzip, not GeoJSON), or rows were read but every one was rejected (the message gives the commonest reasons; nothing is stored)", body = doc::ErrorBody),
    ))]
pub(crate) async fn import(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
    request: Request,
) -> Result<Response, AppError> {
    let p = Params::new(
        q,
        &[&[
            "kind",
            "name",
            "mapping",
            "layer",
            "code_field",
            "name_field",
            "population_field",
            "code_column",
            "population_column",
        ]],
    )?;
    let kind = import_kind(&p)?;
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let mut files = Vec::new();
    if is_multipart {
        let mut form = Multipart::from_request(request, &())
            .await
            .map_err(|e| AppError::body(e.status(), e.body_text()))?;
        while let Some(field) = form
            .next_field()
            .await
            .map_err(|e| AppError::body(e.status(), e.body_text()))?
        {
            let name = field
                .file_name()
                .or(field.name())
                .unwrap_or("upload")
                .to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::body(e.status(), e.body_text()))?;
            files.push(hotspot_ingest::source_from_bytes(&name, bytes.to_vec())?);
        }
    } else {
        let bytes = axum::body::Bytes::from_request(request, &())
            .await
            .map_err(|e| AppError::body(e.status(), e.body_text()))?;
        let name = p.str("name").unwrap_or("upload").to_string();
        files.push(hotspot_ingest::source_from_bytes(&name, bytes.to_vec())?);
    }
    let report = import_files(&state, kind, files).await?;
    let status = if report.changed() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(report)).into_response())
}

/// Runs an import and, when it changed anything, swaps in a new snapshot.
pub async fn import_files(
    state: &AppState,
    kind: ImportKind,
    files: Vec<SourceFile>,
) -> Result<hotspot_store::ImportReport, AppError> {
    let _guard = state.import_guard().await;
    let report = run_import(state.store.as_ref(), kind, files).await?;
    if report.changed() {
        state.reload().await?;
    }
    Ok(report)
}

pub(crate) fn import_kind(p: &Params) -> Result<ImportKind, AppError> {
    let layer = p.str("layer").unwrap_or(WARD_LAYER).to_string();
    match p.str("kind") {
        Some("police.uk") | Some("police-uk") => Ok(ImportKind::PoliceUk),
        Some("csv") => {
            let spec = p.str("mapping").ok_or_else(|| {
                AppError::BadRequest("kind=csv needs mapping=, e.g. mapping=id=Ref,date=Date,lon=Lon,lat=Lat,category=Type,source=fly-tipping".into())
            })?;
            Ok(ImportKind::Csv(CsvMapping::parse(spec)?))
        }
        Some("boundaries") => Ok(ImportKind::Boundaries {
            layer,
            options: BoundaryOptions {
                code_field: p.str("code_field").map(str::to_string),
                name_field: p.str("name_field").map(str::to_string),
                population_field: p.str("population_field").map(str::to_string),
            },
        }),
        Some("population") => Ok(ImportKind::Population {
            layer,
            code_column: p.str("code_column").map(str::to_string),
            population_column: p.str("population_column").map(str::to_string),
        }),
        other => Err(AppError::BadRequest(format!(
            "kind={other:?}: expected police.uk, csv, boundaries or population"
        ))),
    }
}

#[utoipa::path(get, path = "/imports/{id}/rejected",
    summary = "Quarantined rows of one import run",
    params(("id" = i64, Path, description = "Import run id (see /api/imports)", example = 1), doc::RejectedOptions),
    responses(
        (status = 200, description = "The rows, as JSON or CSV", content(
            (doc::Rejected = "application/json"),
            ("text/csv; charset=utf-8"),
        )),
    ))]
pub(crate) async fn import_rejected(
    State(state): State<Arc<AppState>>,
    PathParam(id): PathParam<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    rejected_rows(&state, Some(id), q).await
}

#[utoipa::path(get, path = "/rejected",
    summary = "Every quarantined row",
    params(doc::RejectedOptions),
    responses(
        (status = 200, description = "The rows, as JSON or CSV", content(
            (doc::Rejected = "application/json"),
            ("text/csv; charset=utf-8"),
        )),
    ))]
pub(crate) async fn all_rejected(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    rejected_rows(&state, None, q).await
}

/// Quarantined rows as JSON or as a CSV to open in a spreadsheet and fix.
pub(crate) async fn rejected_rows(
    state: &AppState,
    import_id: Option<i64>,
    q: HashMap<String, String>,
) -> Result<Response, AppError> {
    let p = Params::new(q, &[&["format", "limit", "offset"]])?;
    let limit = p.number::<i64>("limit")?.unwrap_or(i64::MAX).max(0);
    let offset = p.number::<i64>("offset")?.unwrap_or(0).max(0);
    let rows = state.store.rejected_rows(import_id, limit, offset).await?;
    match p.str("format").unwrap_or("json") {
        "json" => Ok(Json(json!({ "rejected": rows })).into_response()),
        "csv" => {
            let mut body = Vec::new();
            crate::pipeline::write_rejected_csv(&rows, &mut body)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(csv_attachment("rejected-rows.csv", body))
        }
        other => Err(AppError::BadRequest(format!(
            "format={other:?}: expected json or csv"
        ))),
    }
}
