//! The router: mounts the resources in [`crate::srv`], each with the least
//! role that may use it, under `/api`, and the map client beside them.
//! Handlers live in `srv/`, one module per resource; they are thin: parse
//! parameters, ask the snapshot, shape the response.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Extension;
use axum::Router;
use hotspot_core::Role;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{self};
use crate::openapi::{self as doc, ApiDoc};
use crate::srv;
use crate::{AppError, AppState};

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
// Long on purpose: every route with its role group, and the layers around
// them, in one place, so the role table (README, tests/roles.rs) reads off it.
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
        .routes(routes!(srv::service::categories))
        .routes(routes!(srv::service::periods))
        .routes(routes!(srv::wards::wards))
        .routes(routes!(srv::wards::ward_profile))
        .routes(routes!(srv::search::search))
        .route_layer(cached())
        // Public briefings for anyone, full ones for partners (checked inside).
        .routes(routes!(srv::briefing::ward_briefing))
        .routes(routes!(srv::service::health))
        .routes(routes!(srv::accounts::me))
        .routes(routes!(srv::accounts::login))
        .routes(routes!(srv::accounts::logout))
        .routes(routes!(openapi_json));
    let partner = OpenApiRouter::new()
        .routes(routes!(srv::maps::hotspots))
        .routes(routes!(srv::maps::density))
        .routes(routes!(srv::labels::labels))
        .routes(routes!(srv::patterns::gistar))
        .routes(routes!(srv::patterns::emerging))
        .routes(routes!(srv::patterns::temporal))
        .routes(routes!(srv::analyses::change))
        .routes(routes!(srv::analyses::clusters))
        .routes(routes!(srv::analyses::relative_risk))
        .route_layer(cached())
        .routes(routes!(srv::planning::plan))
        .routes(routes!(srv::interventions::list))
        .routes(routes!(srv::interventions::one))
        .routes(routes!(srv::interventions::evaluation))
        .route_layer(at_least(Role::Partner));
    let analyst = OpenApiRouter::new()
        // Tiles vary by URI alone; incident pages are not kept (each is one
        // of many).
        .routes(routes!(srv::tiles::incident_tile))
        .route_layer(cached())
        .routes(routes!(srv::incidents::incidents))
        .routes(routes!(srv::patterns::near_repeat))
        .routes(routes!(srv::patterns::evaluate))
        .routes(routes!(srv::planning::target_hardening))
        // Same paths as the partner's reads: writing the log needs an analyst.
        .routes(routes!(srv::interventions::create))
        .routes(routes!(srv::interventions::delete))
        .route_layer(at_least(Role::Analyst));
    let admin = OpenApiRouter::new()
        .routes(routes!(srv::imports::list_imports, srv::imports::import))
        .routes(routes!(srv::imports::import_rejected))
        .routes(routes!(srv::imports::all_rejected))
        .routes(routes!(
            srv::accounts::list_users,
            srv::accounts::create_user
        ))
        .routes(routes!(srv::accounts::create_token))
        .routes(routes!(srv::accounts::audit_log))
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
        ))
        .layer(CompressionLayer::new());
    let site = match state.config.static_dir.as_ref() {
        // The built map client; `index.html` answers `/`.
        Some(dir) if dir.join("index.html").is_file() => {
            // `file.gz` beside a file (frontend/build.sh writes them) is sent
            // to browsers that accept gzip.
            let files = tower_http::services::ServeDir::new(dir).precompressed_gzip();
            Router::new().fallback_service(files)
        }
        _ => Router::new().route("/", get(index)),
    };
    // Answers gzipped where the client accepts it (ward boundaries are a
    // fifth of their size on the wire); files with a gzipped copy are sent
    // as is. Not the basemap archive, whose Range answers must be the
    // file's bytes.
    let site = site.layer(CompressionLayer::new());
    let site = match &state.config.basemap {
        Some(b) => site.merge(crate::basemap::routes(b)),
        None => site,
    };
    // OGC API – Features reads every collection from the API as mounted.
    let ogc = crate::ogc::routes(api.clone().with_state(state.clone()));
    site.nest("/api", api)
        .nest("/ogc", ogc)
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

/// The start page served when the map client has not been built.
async fn index() -> Html<&'static str> {
    Html(include_str!("../../../frontend/static/index.html"))
}
