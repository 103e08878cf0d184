//! Imports and their quarantined rows.

use hotspot_api::responses::ErrorBody;
use std::sync::Arc;

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hotspot_ingest::{BoundaryOptions, CsvMapping, SourceFile};

use super::csv_attachment;
use crate::openapi as doc;
use crate::pipeline::{run_import, ImportKind};
use crate::query::ApiQuery;
use crate::state::WARD_LAYER;
use crate::{AppError, AppState, PathParam};
use hotspot_api::params::{ImportKindName, ImportOptions, JsonOrCsv, RejectedOptions};

#[utoipa::path(get, path = "/imports",
    summary = "Import runs, newest first",
    responses((status = 200, description = "Import runs", body = ImportList)))]
pub(crate) async fn list_imports(
    State(state): State<Arc<AppState>>,
) -> Result<Json<ImportList>, AppError> {
    Ok(Json(ImportList {
        imports: state.store.imports().await?,
    }))
}

/// `POST /api/imports?kind=police.uk|csv|boundaries|population`, with the
/// file(s) as the raw body (`name=` gives the file name) or as
/// multipart/form-data parts.
#[utoipa::path(post, path = "/imports",
    summary = "Import a file: police.uk, mapped CSV, ward boundaries or population",
    description = "The file is the raw request body (`name=` gives its file name), or one or more \
multipart/form-data parts. It is parsed completely, then written in one transaction; invalid rows are \
quarantined. Re-importing identical bytes changes nothing.",
    params(ImportOptions),
    request_body(description = "The file: CSV, gzipped CSV or GeoJSON", content(
        (doc::CsvText = "text/csv"),
        (doc::FileBytes = "application/octet-stream"),
        (doc::GeoJsonText = "application/geo+json"),
        (doc::ImportUpload = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "Data changed: the import report", body = hotspot_store::ImportReport),
        (status = 200, description = "Nothing changed (the same bytes were imported before)", body = hotspot_store::ImportReport),
        (status = 422, description = "The file cannot be read as a whole (wrong header, corrupt gzip, not GeoJSON), or rows were read but every one was rejected (the message gives the commonest reasons; nothing is stored)", body = ErrorBody),
    ))]
pub(crate) async fn import(
    State(state): State<Arc<AppState>>,
    ApiQuery(o): ApiQuery<ImportOptions>,
    request: Request,
) -> Result<Response, AppError> {
    let kind = import_kind(&o)?;
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
        let name = o.name.as_deref().unwrap_or("upload").to_string();
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

pub(crate) fn import_kind(o: &ImportOptions) -> Result<ImportKind, AppError> {
    let layer = o.layer.clone().unwrap_or_else(|| WARD_LAYER.to_string());
    match o.kind.map(|k| k.0) {
        Some(ImportKindName::PoliceUk) => Ok(ImportKind::PoliceUk {
            stop_and_search: o.stop_and_search.is_some_and(|f| f.0),
        }),
        Some(ImportKindName::Csv) => {
            let spec = o.mapping.as_deref().ok_or_else(|| {
                AppError::BadRequest("kind=csv needs mapping=, e.g. mapping=id=Ref,date=Date,lon=Lon,lat=Lat,category=Type,source=fly-tipping".into())
            })?;
            Ok(ImportKind::Csv(CsvMapping::parse(spec)?))
        }
        Some(ImportKindName::Boundaries) => Ok(ImportKind::Boundaries {
            layer,
            options: BoundaryOptions {
                code_field: o.code_field.clone(),
                name_field: o.name_field.clone(),
                population_field: o.population_field.clone(),
            },
        }),
        Some(ImportKindName::Population) => Ok(ImportKind::Population {
            layer,
            code_column: o.code_column.clone(),
            population_column: o.population_column.clone(),
        }),
        None => Err(AppError::BadRequest(
            "kind=None: expected police.uk, csv, boundaries or population".into(),
        )),
    }
}

#[utoipa::path(get, path = "/imports/{id}/rejected",
    summary = "Quarantined rows of one import run",
    params(("id" = i64, Path, description = "Import run id (see /api/imports)", example = 1), RejectedOptions),
    responses(
        (status = 200, description = "The rows, as JSON or CSV", content(
            (RejectedList = "application/json"),
            ("text/csv; charset=utf-8"),
        )),
    ))]
pub(crate) async fn import_rejected(
    State(state): State<Arc<AppState>>,
    PathParam(id): PathParam<i64>,
    ApiQuery(o): ApiQuery<RejectedOptions>,
) -> Result<Response, AppError> {
    rejected_rows(&state, Some(id), o).await
}

#[utoipa::path(get, path = "/rejected",
    summary = "Every quarantined row",
    params(RejectedOptions),
    responses(
        (status = 200, description = "The rows, as JSON or CSV", content(
            (RejectedList = "application/json"),
            ("text/csv; charset=utf-8"),
        )),
    ))]
pub(crate) async fn all_rejected(
    State(state): State<Arc<AppState>>,
    ApiQuery(o): ApiQuery<RejectedOptions>,
) -> Result<Response, AppError> {
    rejected_rows(&state, None, o).await
}

/// Quarantined rows as JSON or as a CSV to open in a spreadsheet and fix.
pub(crate) async fn rejected_rows(
    state: &AppState,
    import_id: Option<i64>,
    o: RejectedOptions,
) -> Result<Response, AppError> {
    let limit = o.limit.map_or(i64::MAX, |l| l.0).max(0);
    let offset = o.offset.map_or(0, |o| o.0).max(0);
    let rows = state.store.rejected_rows(import_id, limit, offset).await?;
    match o.format.map(|f| f.0).unwrap_or_default() {
        JsonOrCsv::Json => Ok(Json(RejectedList { rejected: rows }).into_response()),
        JsonOrCsv::Csv => {
            let mut body = Vec::new();
            crate::pipeline::write_rejected_csv(&rows, &mut body)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(csv_attachment("rejected-rows.csv", body))
        }
    }
}

/// `GET /api/imports`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct ImportList {
    imports: Vec<hotspot_store::ImportRun>,
}

/// Quarantined rows, to fix and import again.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct RejectedList {
    rejected: Vec<hotspot_store::StoredRejectedRow>,
}
