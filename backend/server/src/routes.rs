//! Routes and handlers. Handlers are thin: parse parameters, ask the
//! snapshot, shape the response.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Extension;
use axum::{Json, Router};
use hotspot_core::Role;
use hotspot_engine::{
    geojson_out, DensityQuery, EmergingQuery, EvaluationQuery, GiQuery, GiUnit, KnoxQuery, RankBy,
    WardQuery,
};
use hotspot_ingest::{BoundaryOptions, CsvMapping, SourceFile};
use serde_json::json;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{self, Principal};
use crate::interventions;
use crate::openapi::{self as doc, ApiDoc};
use crate::pipeline::{run_import, ImportKind};
use crate::query::{Params, SELECTION_KEYS};
use crate::state::WARD_LAYER;
use crate::suppress;
use crate::{AppError, AppState, JsonBody, PathParam};

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
    let at_least = |role: Role| {
        axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                auth::require(role, req, next)
            },
        )
    };
    // Every API route is in exactly one of these groups; the role table in
    // the README and tests/roles.rs mirror it.
    // Reads that depend only on the snapshot, role and URI are cached.
    let cached = || axum::middleware::from_fn_with_state(state.clone(), crate::cache::cached);
    // Routes are registered from their `#[utoipa::path]` annotations
    // (`routes!`, never a plain `.route`), so the OpenAPI document and the
    // router agree on every method and path (see openapi.rs).
    let public = OpenApiRouter::new()
        .routes(routes!(categories))
        .routes(routes!(periods))
        .routes(routes!(wards))
        .routes(routes!(ward_profile))
        .route_layer(cached())
        // Public briefings for anyone, full ones for partners (checked inside).
        .routes(routes!(crate::briefing::ward_briefing))
        .routes(routes!(health))
        .routes(routes!(me))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(openapi_json));
    let partner = OpenApiRouter::new()
        .routes(routes!(hotspots))
        .routes(routes!(density))
        .routes(routes!(gistar))
        .routes(routes!(emerging))
        .routes(routes!(temporal))
        .route_layer(cached())
        .routes(routes!(plan))
        .routes(routes!(interventions::list))
        .routes(routes!(interventions::one))
        .routes(routes!(interventions::evaluation))
        .route_layer(at_least(Role::Partner));
    let analyst = OpenApiRouter::new()
        .routes(routes!(incidents))
        .routes(routes!(near_repeat))
        .routes(routes!(evaluate))
        .routes(routes!(target_hardening))
        // Same paths as the partner's reads: writing the log needs an analyst.
        .routes(routes!(interventions::create))
        .routes(routes!(interventions::delete))
        .route_layer(at_least(Role::Analyst));
    let admin = OpenApiRouter::new()
        .routes(routes!(list_imports, import))
        .routes(routes!(import_rejected))
        .routes(routes!(all_rejected))
        .routes(routes!(list_users, create_user))
        .routes(routes!(create_token))
        .routes(routes!(audit_log))
        .route_layer(at_least(Role::Admin));
    let mut api = OpenApiRouter::with_openapi(ApiDoc::openapi());
    for (mut group, role) in [
        (public, Role::Public),
        (partner, Role::Partner),
        (analyst, Role::Analyst),
        (admin, Role::Admin),
    ] {
        // The group decides the minimum role; the document says so.
        doc::for_role(group.get_openapi_mut(), role);
        api = api.merge(group);
    }
    let (api, mut spec) = api.split_for_parts();
    // The API router is nested under /api below; so are its paths.
    spec.paths.paths = std::mem::take(&mut spec.paths.paths)
        .into_iter()
        .map(|(path, item)| (format!("/api{path}"), item))
        .collect();
    let spec = OpenApiJson(doc::to_json(&spec).into());
    let api = api
        // After every route: it applies to the method routers registered so far.
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .fallback(|| async { AppError::NotFound("no such API endpoint".into()) })
        .layer(Extension(spec))
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ));
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

/// The OpenAPI document, serialised once when the router is built (a clone
/// is a reference count, not a copy).
#[derive(Clone)]
struct OpenApiJson(axum::body::Bytes);

/// The document describes the API; it holds no data, so it is public.
#[utoipa::path(get, path = "/openapi.json",
    summary = "This OpenAPI 3.1 document",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object)))]
async fn openapi_json(Extension(spec): Extension<OpenApiJson>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], spec.0).into_response()
}

fn geojson(fc: geojson::FeatureCollection) -> Response {
    let body = serde_json::to_vec(&fc).expect("GeoJSON serialises");
    ([(header::CONTENT_TYPE, GEOJSON)], body).into_response()
}

/// The start page served when the map client has not been built.
async fn index() -> Html<&'static str> {
    Html(include_str!("../../../frontend/static/index.html"))
}

#[utoipa::path(get, path = "/health",
    summary = "Status and what is loaded",
    responses((status = 200, description = "The service and its database are up", body = doc::Health)))]
async fn health(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
) -> Result<Json<serde_json::Value>, AppError> {
    state.store.ping().await?;
    let ds = state.dataset();
    let mut data = serde_json::to_value(ds.overview()).expect("serialises");
    if who.role == Role::Public {
        suppress::fields(
            &mut data,
            &["incidents", "located", "unlocated", "outside_areas"],
            state.config.suppress_below,
        );
    }
    Ok(Json(json!({ "status": "ok", "data": data })))
}

#[utoipa::path(get, path = "/categories",
    summary = "Crime groups, and the crime types and sources loaded, with counts",
    description = "Takes no parameters (any is refused).",
    responses((status = 200, description = "Groups and categories", body = doc::Categories)))]
async fn categories(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, AppError> {
    Params::new(q, &[])?;
    let ds = state.dataset();
    let mut categories = serde_json::to_value(ds.categories()).expect("serialises");
    if who.role == Role::Public {
        suppress::counts_in_array(&mut categories, state.config.suppress_below);
    }
    Ok(Json(json!({
        "groups": ds.groups().iter().collect::<Vec<_>>(),
        "categories": categories,
    })))
}

#[utoipa::path(get, path = "/periods",
    summary = "Months loaded, with counts",
    description = "Takes no parameters (any is refused).",
    responses((status = 200, description = "Months", body = doc::Periods)))]
async fn periods(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, AppError> {
    Params::new(q, &[])?;
    let ds = state.dataset();
    let o = ds.overview();
    let mut months = serde_json::to_value(ds.months()).expect("serialises");
    if who.role == Role::Public {
        suppress::counts_in_array(&mut months, state.config.suppress_below);
    }
    Ok(Json(json!({
        "months": months,
        "first": o.first_month,
        "last": o.last_month,
        "has_dates": o.has_dates,
        "has_times": o.has_times,
    })))
}

#[utoipa::path(get, path = "/incidents",
    summary = "Selected incidents as points, paged",
    params(doc::Selection, doc::Page),
    responses(
        (status = 200, description = "A page of incidents, with numberMatched and nextOffset", body = doc::FeatureCollection, content_type = "application/geo+json"),
        (status = 404, description = "No ward with the `ward` code", body = doc::ErrorBody),
    ))]
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

#[utoipa::path(get, path = "/wards",
    summary = "Every ward with counts, rates, change and rank (choropleth-ready)",
    description = "The collection's total, outside_areas and unlocated account for every selected incident. \
For the public role, counts below the suppression threshold are withheld with every figure derived from them.",
    params(doc::Selection, doc::Comparison, doc::WardOptions),
    responses(
        (status = 200, description = "Wards as polygons with their statistics", body = doc::FeatureCollection, content_type = "application/geo+json"),
        (status = 409, description = "No ward boundaries are loaded", body = doc::ErrorBody),
    ))]
async fn wards(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let p = Params::new(q, &[SELECTION_KEYS, &["compare", "top", "rank_by"]])?;
    let query = ward_query(&p)?;
    let ds = state.dataset();
    let report = ds.ward_statistics(&query)?;
    let fc = geojson_out::wards(&ds, &report);
    if who.role > Role::Public {
        return Ok(geojson(fc));
    }
    let mut value = serde_json::to_value(fc).expect("serialises");
    suppress::ward_collection(&mut value, state.config.suppress_below);
    let body = serde_json::to_vec(&value).expect("serialises");
    Ok(([(header::CONTENT_TYPE, GEOJSON)], body).into_response())
}

#[utoipa::path(get, path = "/wards/{code}",
    summary = "One ward: its statistics, counts by crime type and by month",
    params(("code" = String, Path, description = "Ward code (see /api/wards)", example = "E05999006"), doc::Selection, doc::Comparison, doc::WardOptions),
    responses(
        (status = 200, description = "The ward", body = doc::WardProfile),
        (status = 404, description = "No ward with that code", body = doc::ErrorBody),
        (status = 409, description = "No ward boundaries are loaded", body = doc::ErrorBody),
    ))]
async fn ward_profile(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    PathParam(code): PathParam<String>,
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
    let mut body = json!({
        "ward": row,
        "wards": report.rows.len(),
        "by_category": profile.by_category,
        "by_month": profile.by_month,
        "gap_months": profile.gap_months,
    });
    if who.role == Role::Public {
        let t = state.config.suppress_below;
        suppress::ward_properties(&mut body["ward"], t);
        suppress::map_values(&mut body["by_category"], t);
        suppress::map_values(&mut body["by_month"], t);
    }
    Ok(Json(body))
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

#[utoipa::path(get, path = "/density",
    summary = "Kernel density surface (quartic kernel, incidents per km²)",
    description = "Grids over 16 million cells are refused (400).",
    params(doc::Selection, doc::Kde, doc::DensityOptions),
    responses(
        (status = 200, description = "The surface, in the requested format", content(
            (doc::FeatureCollection = "application/geo+json"),
            ("application/json"),
            ("image/tiff; application=geotiff"),
        )),
        (status = 404, description = "No ward with the `ward` code", body = doc::ErrorBody),
    ))]
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
    if !min_density.is_finite() {
        return Err(AppError::BadRequest(format!(
            "min_density={min_density}: expected a finite number (incidents per km²)"
        )));
    }
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

#[utoipa::path(get, path = "/hotspots",
    summary = "Hotspot areas: density isobands for the top X% of cells",
    params(doc::Selection, doc::Kde, doc::HotspotOptions),
    responses(
        (status = 200, description = "Hotspot polygons with the incidents inside and their share", body = doc::FeatureCollection, content_type = "application/geo+json"),
        (status = 404, description = "No ward with the `ward` code", body = doc::ErrorBody),
    ))]
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

#[utoipa::path(get, path = "/imports",
    summary = "Import runs, newest first",
    responses((status = 200, description = "Import runs", body = doc::Imports)))]
async fn list_imports(
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

#[utoipa::path(get, path = "/imports/{id}/rejected",
    summary = "Quarantined rows of one import run",
    params(("id" = i64, Path, description = "Import run id (see /api/imports)", example = 1), doc::RejectedOptions),
    responses(
        (status = 200, description = "The rows, as JSON or CSV", content(
            (doc::Rejected = "application/json"),
            ("text/csv; charset=utf-8"),
        )),
    ))]
async fn import_rejected(
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
            Ok(csv_attachment("rejected-rows.csv", body))
        }
        other => Err(AppError::BadRequest(format!(
            "format={other:?}: expected json or csv"
        ))),
    }
}

/// Runs CPU-heavy analysis off the async runtime.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, hotspot_engine::EngineError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::from)
}

#[utoipa::path(get, path = "/gistar",
    summary = "Getis-Ord Gi* hot and cold spots over a grid or the wards",
    params(doc::Selection, doc::GiOptions),
    responses(
        (status = 200, description = "Cells or wards with count, z, p, p_adjusted and class", body = doc::FeatureCollection, content_type = "application/geo+json"),
        (status = 404, description = "No ward with the `ward` code", body = doc::ErrorBody),
        (status = 409, description = "No ward boundaries are loaded", body = doc::ErrorBody),
    ))]
async fn gistar(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let p = Params::new(
        q,
        &[SELECTION_KEYS, &["unit", "cell", "band", "correction"]],
    )?;
    let unit = match p.str("unit") {
        None | Some("grid") => GiUnit::Grid,
        Some("wards") => GiUnit::Wards,
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "unit={other:?}: expected grid or wards"
            )))
        }
    };
    let query = GiQuery {
        selection: p.selection()?,
        unit,
        cell: p.positive("cell")?,
        band: p.positive("band")?,
        correction: p.correction()?,
    };
    let ds = state.dataset();
    let ds2 = ds.clone();
    let result = blocking(move || ds2.gi_star(&query)).await?;
    Ok(geojson(geojson_out::gi_star(&ds, &result)))
}

#[utoipa::path(get, path = "/emerging",
    summary = "Emerging hot and cold spot categories per grid cell",
    params(doc::Selection, doc::EmergingOptions),
    responses(
        (status = 200, description = "Cells with their category and trend", body = doc::FeatureCollection, content_type = "application/geo+json"),
        (status = 404, description = "No ward with the `ward` code", body = doc::ErrorBody),
        (status = 409, description = "No ward boundaries are loaded", body = doc::ErrorBody),
    ))]
async fn emerging(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let p = Params::new(
        q,
        &[
            SELECTION_KEYS,
            &["cell", "band", "correction", "months_per_period"],
        ],
    )?;
    let query = EmergingQuery {
        selection: p.selection()?,
        cell: p.positive("cell")?,
        band: p.positive("band")?,
        months_per_period: p.number::<usize>("months_per_period")?,
        correction: p.correction()?,
    };
    if query.months_per_period == Some(0) {
        return Err(AppError::BadRequest(
            "months_per_period must be at least 1".into(),
        ));
    }
    let ds = state.dataset();
    let result = blocking(move || ds.emerging(&query)).await?;
    Ok(geojson(geojson_out::emerging(&result)))
}

#[utoipa::path(get, path = "/near-repeat",
    summary = "Knox near-repeat table (dated incidents only)",
    params(doc::Selection, doc::KnoxOptions),
    responses(
        (status = 200, description = "Observed and expected pairs per space-time band, with p-values", body = Object),
        (status = 404, description = "No ward with the `ward` code", body = doc::ErrorBody),
        (status = 422, description = "The selection has no dated incidents", body = doc::ErrorBody),
    ))]
async fn near_repeat(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, AppError> {
    let p = Params::new(
        q,
        &[
            SELECTION_KEYS,
            &["space", "time", "metric", "permutations", "seed"],
        ],
    )?;
    let mut options = hotspot_spacetime::KnoxOptions::default();
    if let Some(s) = p.str("space") {
        options.bands.space = parse_list(s, "space")?;
    }
    if let Some(s) = p.str("time") {
        options.bands.time = parse_list(s, "time")?;
    }
    options.metric = match p.str("metric") {
        None | Some("euclidean") => hotspot_spacetime::Metric::Euclidean,
        Some("manhattan") => hotspot_spacetime::Metric::Manhattan,
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "metric={other:?}: expected euclidean or manhattan"
            )))
        }
    };
    if let Some(n) = p.number::<usize>("permutations")? {
        if !(1..=9999).contains(&n) {
            return Err(AppError::BadRequest("permutations must be 1..=9999".into()));
        }
        options.permutations = n;
    }
    if let Some(seed) = p.number::<u64>("seed")? {
        options.seed = seed;
    }
    let query = KnoxQuery {
        selection: p.selection()?,
        options,
    };
    let ds = state.dataset();
    let result = blocking(move || ds.near_repeat(&query)).await?;
    Ok(Json(serde_json::to_value(result).expect("serialises")))
}

fn parse_list<T: std::str::FromStr>(s: &str, key: &str) -> Result<Vec<T>, AppError> {
    s.split(',')
        .map(|v| v.trim().parse::<T>())
        .collect::<Result<_, _>>()
        .map_err(|_| {
            AppError::BadRequest(format!(
                "{key}={s:?}: expected a comma-separated list of numbers"
            ))
        })
}

#[utoipa::path(get, path = "/temporal",
    summary = "Week-hour table, weekend-night share and monthly trend with spikes",
    params(doc::Selection),
    responses(
        (status = 200, description = "Temporal profile", body = Object),
        (status = 404, description = "No ward with the `ward` code", body = doc::ErrorBody),
    ))]
async fn temporal(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, AppError> {
    let p = Params::new(q, &[SELECTION_KEYS])?;
    let sel = p.selection()?;
    let ds = state.dataset();
    let report = blocking(move || ds.temporal(&sel)).await?;
    Ok(Json(serde_json::to_value(report).expect("serialises")))
}

#[utoipa::path(get, path = "/evaluate",
    summary = "PAI, hit rate and RRI of several hotspot methods (train on one period, test on another)",
    params(doc::CategorySelection, doc::EvaluateOptions),
    responses(
        (status = 200, description = "Scores per method", body = Object),
        (status = 409, description = "No ward boundaries are loaded", body = doc::ErrorBody),
    ))]
async fn evaluate(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, AppError> {
    let p = Params::new(
        q,
        &[
            &["group", "type", "source"],
            &["train", "test", "cell", "bandwidths", "coverage"],
        ],
    )?;
    let train = p.period("train")?;
    let test = p.period("test")?;
    if train == hotspot_engine::Period::All || test == hotspot_engine::Period::All {
        return Err(AppError::BadRequest(
            "train and test periods are both needed, e.g. train=2025-01..2025-06&test=2025-07..2025-12".into(),
        ));
    }
    let coverage = p.positive("coverage")?.unwrap_or(5.0);
    if coverage > 100.0 {
        return Err(AppError::BadRequest(
            "coverage is a percentage: 0 < coverage ≤ 100".into(),
        ));
    }
    let query = EvaluationQuery {
        selection: p.selection()?,
        train,
        test,
        cell: p.positive("cell")?,
        bandwidths: match p.str("bandwidths") {
            Some(s) => parse_list(s, "bandwidths")?,
            None => vec![200.0, 400.0, 800.0],
        },
        coverage: coverage / 100.0,
    };
    let ds = state.dataset();
    let report = blocking(move || ds.evaluate_methods(&query)).await?;
    Ok(Json(serde_json::to_value(report).expect("serialises")))
}

/// The caller: user name (null when anonymous), role, and the threshold
/// below which the public role's counts are suppressed, so the map client
/// can adapt.
#[utoipa::path(get, path = "/me",
    summary = "Who is asking: user name, role and the suppression threshold",
    responses((status = 200, description = "The caller", body = doc::Me)))]
async fn me(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
) -> Json<serde_json::Value> {
    Json(json!({
        "username": who.username,
        "role": who.role,
        "suppress_below": state.config.suppress_below,
    }))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
struct Credentials {
    username: String,
    password: String,
}

/// A precomputed hash to verify against when the user does not exist, so a
/// wrong name takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| auth::hash_password("not a real password at all").expect("hashes"))
}

/// `POST /api/login {"username","password"}`: starts a browser session.
#[utoipa::path(post, path = "/login",
    summary = "Start a browser session",
    request_body = Credentials,
    responses(
        (status = 200, description = "Signed in; the session token is set as the hotspot_session cookie",
            body = doc::Session,
            headers(("Set-Cookie" = String, description = "hotspot_session=hs_…; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200"))),
        (status = 415, description = "The body is not declared as application/json", body = doc::ErrorBody),
        (status = 422, description = "The JSON does not have the expected fields", body = doc::ErrorBody),
    ))]
async fn login(
    State(state): State<Arc<AppState>>,
    JsonBody(c): JsonBody<Credentials>,
) -> Result<Response, AppError> {
    let found = state.store.user_credentials(&c.username).await?;
    let (hash, user) = match &found {
        Some((user, hash)) if !user.disabled => (hash.clone(), Some(user.clone())),
        _ => (dummy_hash().to_string(), None),
    };
    let password = c.password;
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let user = match (ok, user) {
        (true, Some(user)) => user,
        _ => return Err(AppError::Unauthorized("wrong user name or password".into())),
    };
    let expires = chrono::Utc::now() + chrono::Duration::hours(auth::SESSION_HOURS);
    let expires_at = expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let token = auth::issue_token(
        state.store.as_ref(),
        user.id,
        "session",
        "browser",
        Some(&expires_at),
    )
    .await?;
    let cookie = format!(
        "{}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}",
        auth::SESSION_COOKIE,
        auth::SESSION_HOURS * 3600,
        if state.config.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(json!({ "username": user.username, "role": user.role, "expires_at": expires_at })),
    )
        .into_response())
}

/// `POST /api/logout`: ends the browser session (its token is deleted).
#[utoipa::path(post, path = "/logout",
    summary = "End the browser session (its token is deleted)",
    description = "Deletes the token the request carries, bearer or cookie.",
    responses((status = 204, description = "Signed out; the cookie is cleared",
        headers(("Set-Cookie" = String, description = "hotspot_session=; Max-Age=0")))))]
async fn logout(
    State(state): State<Arc<AppState>>,
    request: Request,
) -> Result<Response, AppError> {
    if let Some((id, _)) = auth::request_token(&request)
        .as_deref()
        .and_then(|t| t.strip_prefix("hs_")?.split_once('_'))
        .and_then(|(id, s)| Some((id.parse::<i64>().ok()?, s.to_string())))
    {
        state.store.delete_token(id).await?;
    }
    let cookie = format!(
        "{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0",
        auth::SESSION_COOKIE
    );
    Ok(([(header::SET_COOKIE, cookie)], StatusCode::NO_CONTENT).into_response())
}

#[utoipa::path(get, path = "/users",
    summary = "Accounts",
    responses((status = 200, description = "Accounts (no password hashes)", body = doc::Users)))]
async fn list_users(
    State(state): State<Arc<AppState>>,
) -> Result<Json<serde_json::Value>, AppError> {
    Ok(Json(json!({ "users": state.store.users().await? })))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
struct NewUser {
    /// 1-64 letters, digits, '.', '_', '-' or '@'.
    #[schema(example = "ana")]
    username: String,
    /// At least 12 characters.
    password: String,
    #[schema(value_type = doc::RoleName)]
    role: Role,
}

/// `POST /api/users {"username","password","role"}` (admin).
#[utoipa::path(post, path = "/users",
    summary = "Create an account",
    request_body = NewUser,
    responses(
        (status = 201, description = "The account", body = Object, links(
            ("CreateToken" = (operation_id = "create_token", parameters(("name" = "$response.body#/username")))),
        )),
        (status = 409, description = "The user name is taken", body = doc::ErrorBody),
        (status = 415, description = "The body is not declared as application/json", body = doc::ErrorBody),
        (status = 422, description = "The JSON does not have the expected fields", body = doc::ErrorBody),
    ))]
async fn create_user(
    State(state): State<Arc<AppState>>,
    JsonBody(u): JsonBody<NewUser>,
) -> Result<Response, AppError> {
    let user = create_account(state.store.as_ref(), &u.username, &u.password, u.role).await?;
    Ok((StatusCode::CREATED, Json(user)).into_response())
}

/// Validates and creates an account (shared by the API and the CLI).
pub async fn create_account(
    store: &dyn hotspot_store::Store,
    username: &str,
    password: &str,
    role: Role,
) -> Result<hotspot_store::User, AppError> {
    let name_ok = !username.is_empty()
        && username.len() <= 64
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c));
    if !name_ok {
        return Err(AppError::BadRequest(
            "user names are 1-64 letters, digits, '.', '_', '-' or '@'".into(),
        ));
    }
    let password = password.to_string();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(store.create_user(username, &hash, role).await?)
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
struct NewToken {
    /// What the token is for, e.g. `qgis`.
    label: String,
}

/// `POST /api/users/{name}/tokens {"label"}` (admin): an API token for
/// scripts, shown once.
#[utoipa::path(post, path = "/users/{name}/tokens",
    summary = "Create an API token for scripts (shown once)",
    params(("name" = String, Path, description = "User name", example = "ana")),
    request_body = NewToken,
    responses(
        (status = 201, description = "The token", body = doc::TokenCreated),
        (status = 404, description = "No such user", body = doc::ErrorBody),
        (status = 415, description = "The body is not declared as application/json", body = doc::ErrorBody),
        (status = 422, description = "The JSON does not have the expected fields", body = doc::ErrorBody),
    ))]
async fn create_token(
    State(state): State<Arc<AppState>>,
    PathParam(name): PathParam<String>,
    JsonBody(t): JsonBody<NewToken>,
) -> Result<Response, AppError> {
    let (user, _) = state
        .store
        .user_credentials(&name)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no user called {name:?}")))?;
    let token = auth::issue_token(state.store.as_ref(), user.id, "api", &t.label, None).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "token": token, "username": user.username, "role": user.role })),
    )
        .into_response())
}

/// `GET /api/audit` (admin): who viewed or exported what, when; newest first.
#[utoipa::path(get, path = "/audit",
    summary = "The audit log: who viewed or exported what, when; newest first",
    params(doc::AuditOptions),
    responses((status = 200, description = "Audit entries", body = doc::Audit)))]
async fn audit_log(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, AppError> {
    let p = Params::new(q, &[&["limit", "offset"]])?;
    let limit = p.number::<i64>("limit")?.unwrap_or(1000).clamp(1, 100_000);
    let offset = p.number::<i64>("offset")?.unwrap_or(0).max(0);
    Ok(Json(
        json!({ "audit": state.store.audit_log(limit, offset).await? }),
    ))
}

/// Body of `POST /api/plan`.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PlanRequest {
    /// As the `period` query parameter: `YYYY-MM..YYYY-MM`, `YYYY-MM` or a date-time range.
    #[serde(default)]
    #[schema(example = "2025-01..2025-06")]
    period: Option<String>,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    types: Vec<String>,
    #[serde(default)]
    sources: Vec<String>,
    /// `[{"group": "serious-acquisitive", "weight": 3}, ...]`; the first
    /// listed group an incident belongs to sets its weight.
    #[serde(default)]
    weights: Vec<GroupWeight>,
    /// How many sites, 1..=100.
    #[serde(default = "default_sites")]
    #[schema(minimum = 1, maximum = 100, default = 5)]
    sites: usize,
    /// Coverage radius in metres, in (0, 10000].
    #[serde(default = "default_radius")]
    #[schema(exclusive_minimum = 0, maximum = 10000, default = 400)]
    radius: f64,
    /// Candidate venues: a GeoJSON FeatureCollection of named points.
    #[serde(default)]
    #[schema(value_type = Option<doc::FeatureCollection>)]
    venues: Option<geojson::FeatureCollection>,
    /// Areas to avoid: GeoJSON polygons.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    avoid: Option<geojson::GeoJson>,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct GroupWeight {
    group: String,
    weight: f64,
}

fn default_sites() -> usize {
    5
}

fn default_radius() -> f64 {
    400.0
}

/// `POST /api/plan`: days-of-action sites covering the most (weighted)
/// incidents, compared with the naive top-ward centroids.
#[utoipa::path(post, path = "/plan",
    summary = "Days-of-action sites covering the most (weighted) incidents",
    description = "Compared with the naive top-ward centroids.",
    request_body = PlanRequest,
    responses(
        (status = 200, description = "Sites with coverage circles, and the naive comparison", body = doc::FeatureCollection, content_type = "application/geo+json"),
        (status = 409, description = "No ward boundaries are loaded", body = doc::ErrorBody),
        (status = 415, description = "The body is not declared as application/json", body = doc::ErrorBody),
        (status = 422, description = "The JSON does not have the expected fields", body = doc::ErrorBody),
    ))]
async fn plan(
    State(state): State<Arc<AppState>>,
    JsonBody(req): JsonBody<PlanRequest>,
) -> Result<Response, AppError> {
    if !(1..=100).contains(&req.sites) {
        return Err(AppError::BadRequest("sites must be 1..=100".into()));
    }
    if !(req.radius.is_finite() && req.radius > 0.0 && req.radius <= 10_000.0) {
        return Err(AppError::BadRequest(
            "radius must be in (0, 10000] metres".into(),
        ));
    }
    let period = match req.period.as_deref() {
        Some(p) => hotspot_engine::Period::parse(p)
            .map_err(|e| AppError::BadRequest(format!("period: {e}")))?,
        None => hotspot_engine::Period::All,
    };
    let venues = match &req.venues {
        Some(fc) => crate::pipeline::venues_from_geojson(fc)?,
        None => Vec::new(),
    };
    let avoid = match &req.avoid {
        Some(g) => crate::pipeline::polygons_from_geojson(g)?,
        None => Vec::new(),
    };
    let query = hotspot_engine::PlanQuery {
        selection: hotspot_engine::Selection {
            groups: req.groups,
            types: req.types,
            sources: req.sources,
            period,
            area: None,
            bbox: None,
        },
        weights: req
            .weights
            .into_iter()
            .map(|w| (w.group, w.weight))
            .collect(),
        sites: req.sites,
        radius: req.radius,
        venues,
        avoid,
    };
    let radius = req.radius;
    let ds = state.dataset();
    let result = blocking(move || ds.plan_days_of_action(&query)).await?;
    Ok(geojson(geojson_out::plan(&result, radius)))
}

/// `GET /api/target-hardening`: places to visit, ranked by near-repeat
/// risk and burglary density, each with a reason and an expiry date.
#[utoipa::path(get, path = "/target-hardening",
    summary = "Places to visit, ranked by near-repeat risk and burglary density, with reasons and expiry",
    params(doc::Selection, doc::HardeningOptions),
    responses(
        (status = 200, description = "The list, as JSON or CSV", content(
            (doc::TargetHardening = "application/json"),
            ("text/csv; charset=utf-8"),
        )),
        (status = 404, description = "No ward with the `ward` code", body = doc::ErrorBody),
        (status = 422, description = "The selection has no dated incidents", body = doc::ErrorBody),
    ))]
async fn target_hardening(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let p = Params::new(
        q,
        &[
            SELECTION_KEYS,
            &["as_of", "distance", "days", "format", "limit"],
        ],
    )?;
    let as_of = p
        .str("as_of")
        .map(|s| interventions::date("as_of", s))
        .transpose()?;
    let query = hotspot_engine::HardeningQuery {
        selection: p.selection()?,
        as_of,
        distance: p.positive("distance")?.unwrap_or(200.0),
        days: p.number::<u32>("days")?.unwrap_or(28),
    };
    let limit = p.number::<usize>("limit")?.unwrap_or(500);
    let format = p.str("format").unwrap_or("json").to_string();
    let ds = state.dataset();
    let r = blocking(move || ds.target_hardening(&query)).await?;
    let items: Vec<_> = r.items.iter().take(limit).collect();
    let lonlat =
        |xy: [f64; 2]| hotspot_core::bng_to_wgs84(xy[0], xy[1]).unwrap_or((f64::NAN, f64::NAN));
    match format.as_str() {
        "json" => Ok(Json(json!({
            "as_of": r.as_of,
            "near_repeat": r.near_repeat,
            "total": r.items.len(),
            "items": items.iter().map(|i| {
                let (lon, lat) = lonlat(i.xy);
                json!({ "label": i.label, "lon": lon, "lat": lat, "score": i.score, "risk": i.risk,
                        "reason": i.reason, "expires": i.expires, "triggering": i.triggering })
            }).collect::<Vec<_>>(),
        }))
        .into_response()),
        "csv" => {
            let mut body = Vec::new();
            crate::pipeline::write_hardening_csv(&items, &mut body)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(csv_attachment("target-hardening.csv", body))
        }
        other => Err(AppError::BadRequest(format!(
            "format={other:?}: expected json or csv"
        ))),
    }
}

/// A CSV file for the browser to save under `filename`.
fn csv_attachment(filename: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}
