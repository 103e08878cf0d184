//! Routes and handlers. Handlers are thin: parse parameters, ask the
//! snapshot, shape the response.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use hotspot_engine::{geojson_out, DensityQuery, RankBy, WardQuery};
use hotspot_ingest::{BoundaryOptions, CsvMapping, SourceFile};
use serde_json::json;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::pipeline::{run_import, ImportKind};
use crate::query::{Params, SELECTION_KEYS};
use crate::state::WARD_LAYER;
use crate::{AppError, AppState};

const GEOJSON: &str = "application/geo+json";
/// Most incidents one page returns.
const MAX_PAGE: usize = 10_000;

/// The whole service.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use hotspot_server::{app, AppState, ServerConfig};
/// let store = hotspot_store::open("sqlite:hotspot.db").await?;
/// let state = AppState::new(store, Default::default(), ServerConfig::default()).await?;
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// axum::serve(listener, app(state)).await?;
/// # Ok(()) }
/// ```
pub fn app(state: Arc<AppState>) -> Router {
    let limit = state.config.max_upload_bytes;
    let api = Router::new()
        .route("/health", get(health))
        .route("/categories", get(categories))
        .route("/periods", get(periods))
        .route("/incidents", get(incidents))
        .route("/wards", get(wards))
        .route("/wards/{code}", get(ward_profile))
        .route("/density", get(density))
        .route("/hotspots", get(hotspots))
        .route("/imports", get(list_imports).post(import))
        .route("/imports/{id}/rejected", get(import_rejected))
        .route("/rejected", get(all_rejected))
        .fallback(|| async { AppError::NotFound("no such API endpoint".into()) })
        .layer(DefaultBodyLimit::max(limit));
    let site = match state.config.static_dir.as_ref() {
        // The built map client; `index.html` answers `/`.
        Some(dir) if dir.join("index.html").is_file() => {
            Router::new().fallback_service(tower_http::services::ServeDir::new(dir))
        }
        _ => Router::new().route("/", get(index)),
    };
    site.nest("/api", api)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(300),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:",
            ),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

fn geojson(fc: geojson::FeatureCollection) -> Response {
    let body = serde_json::to_vec(&fc).expect("GeoJSON serialises");
    ([(header::CONTENT_TYPE, GEOJSON)], body).into_response()
}

/// The start page served when the map client has not been built.
async fn index() -> Html<&'static str> {
    Html(include_str!("../../../frontend/static/index.html"))
}

async fn health(State(state): State<Arc<AppState>>) -> Result<Json<serde_json::Value>, AppError> {
    state.store.ping().await?;
    let ds = state.dataset();
    Ok(Json(json!({ "status": "ok", "data": ds.overview() })))
}

async fn categories(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, AppError> {
    Params::new(q, &[])?;
    let ds = state.dataset();
    Ok(Json(json!({
        "groups": ds.groups().iter().collect::<Vec<_>>(),
        "categories": ds.categories(),
    })))
}

async fn periods(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, AppError> {
    Params::new(q, &[])?;
    let ds = state.dataset();
    let o = ds.overview();
    Ok(Json(json!({
        "months": ds.months(),
        "first": o.first_month,
        "last": o.last_month,
        "has_dates": o.has_dates,
        "has_times": o.has_times,
    })))
}

async fn incidents(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let p = Params::new(q, &[SELECTION_KEYS, &["limit", "offset"]])?;
    let sel = p.selection()?;
    let limit = p.number::<usize>("limit")?.unwrap_or(1000);
    if limit == 0 || limit > MAX_PAGE {
        return Err(AppError::BadRequest(format!(
            "limit must be 1..={MAX_PAGE}"
        )));
    }
    let offset = p.number::<usize>("offset")?.unwrap_or(0);
    let ds = state.dataset();
    let picked = ds.select(&sel)?;
    let page: Vec<usize> = picked.iter().skip(offset).take(limit).copied().collect();
    Ok(geojson(geojson_out::incidents(
        &ds,
        &page,
        picked.len(),
        offset,
        limit,
    )))
}

fn ward_query(p: &Params) -> Result<WardQuery, AppError> {
    let selection = p.selection()?;
    if selection.area.is_some() || selection.bbox.is_some() {
        return Err(AppError::BadRequest(
            "ward statistics cover every ward: use /api/wards/{code} for one ward".into(),
        ));
    }
    let comparison = p.comparison(&selection.period)?;
    let rank_by = match p.str("rank_by") {
        None | Some("count") => RankBy::Count,
        Some("rate") => RankBy::Rate,
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "rank_by={other:?}: expected count or rate"
            )))
        }
    };
    Ok(WardQuery {
        selection,
        comparison,
        priority_top_n: p.number::<usize>("top")?.unwrap_or(5),
        rank_by,
    })
}

async fn wards(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let p = Params::new(q, &[SELECTION_KEYS, &["compare", "top", "rank_by"]])?;
    let query = ward_query(&p)?;
    let ds = state.dataset();
    let report = ds.ward_statistics(&query)?;
    Ok(geojson(geojson_out::wards(&ds, &report)))
}

async fn ward_profile(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, AppError> {
    let p = Params::new(q, &[SELECTION_KEYS, &["compare", "top", "rank_by"]])?;
    let query = ward_query(&p)?;
    let ds = state.dataset();
    let report = ds.ward_statistics(&query)?;
    let row = report
        .rows
        .iter()
        .find(|r| r.code == code)
        .ok_or_else(|| AppError::NotFound(format!("no ward with code {code:?}")))?;
    let profile = ds.ward_profile(&code, &query.selection)?;
    Ok(Json(json!({
        "ward": row,
        "wards": report.rows.len(),
        "by_category": profile.by_category,
        "by_month": profile.by_month,
    })))
}

fn density_query(p: &Params) -> Result<DensityQuery, AppError> {
    let mut selection = p.selection()?;
    let extent = selection.bbox.take();
    Ok(DensityQuery {
        selection,
        extent,
        cell: p.positive("cell")?,
        bandwidth: p.positive("bandwidth")?,
    })
}

async fn density(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let p = Params::new(
        q,
        &[
            SELECTION_KEYS,
            &["cell", "bandwidth", "format", "min_density"],
        ],
    )?;
    let query = density_query(&p)?;
    let format = p.str("format").unwrap_or("geojson").to_string();
    let min_density = p.number::<f64>("min_density")?.unwrap_or(0.0);
    let ds = state.dataset();
    let result = tokio::task::spawn_blocking(move || ds.density(&query))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    match format.as_str() {
        "geojson" => Ok(geojson(geojson_out::density_cells(&result, min_density))),
        "grid" => Ok(Json(geojson_out::density_raster(&result)).into_response()),
        "geotiff" | "tiff" => {
            let mut buf = std::io::Cursor::new(Vec::new());
            hotspot_density::write_geotiff(&result.grid, &mut buf)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok((
                [
                    (header::CONTENT_TYPE, "image/tiff; application=geotiff"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"hotspot-density.tif\"",
                    ),
                ],
                buf.into_inner(),
            )
                .into_response())
        }
        other => Err(AppError::BadRequest(format!(
            "format={other:?}: expected geojson, grid or geotiff"
        ))),
    }
}

async fn hotspots(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let p = Params::new(q, &[SELECTION_KEYS, &["cell", "bandwidth", "top"]])?;
    let query = density_query(&p)?;
    let top: Vec<f64> = match p.str("top") {
        None => vec![10.0, 5.0, 1.0],
        Some(s) => s
            .split(',')
            .map(|v| v.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| {
                AppError::BadRequest(format!("top={s:?}: expected percentages such as 10,5,1"))
            })?,
    };
    let ds = state.dataset();
    let (result, areas) = tokio::task::spawn_blocking(move || ds.hotspots(&query, &top))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(geojson(geojson_out::hotspots(&result, &areas)))
}

async fn list_imports(
    State(state): State<Arc<AppState>>,
) -> Result<Json<serde_json::Value>, AppError> {
    Ok(Json(json!({ "imports": state.store.imports().await? })))
}

/// `POST /api/imports?kind=police.uk|csv|boundaries|population`, with the
/// file(s) as the raw body (`name=` gives the file name) or as
/// multipart/form-data parts.
async fn import(
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
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        while let Some(field) = form
            .next_field()
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?
        {
            let name = field
                .file_name()
                .or(field.name())
                .unwrap_or("upload")
                .to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::BadRequest(e.body_text()))?;
            files.push(hotspot_ingest::source_from_bytes(&name, bytes.to_vec())?);
        }
    } else {
        let bytes = axum::body::Bytes::from_request(request, &())
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
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

fn import_kind(p: &Params) -> Result<ImportKind, AppError> {
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

async fn import_rejected(
    State(state): State<Arc<AppState>>,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    rejected_rows(&state, Some(id), q).await
}

async fn all_rejected(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    rejected_rows(&state, None, q).await
}

/// Quarantined rows as JSON or as a CSV to open in a spreadsheet and fix.
async fn rejected_rows(
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
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"rejected-rows.csv\"",
                    ),
                ],
                body,
            )
                .into_response())
        }
        other => Err(AppError::BadRequest(format!(
            "format={other:?}: expected json or csv"
        ))),
    }
}
