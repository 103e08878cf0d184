//! The HTTP resources, one module each (as maplibre/martin's `srv/`), and
//! the few helpers they share. The router that mounts them, with the role
//! each needs, is [`crate::app`].

pub mod accounts;
pub mod analyses;
pub mod briefing;
pub mod imports;
pub mod incidents;
pub mod interventions;
pub mod labels;
pub mod maps;
pub mod patterns;
pub mod planning;
pub mod search;
pub mod service;
pub mod tiles;
pub mod wards;

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::AppError;

pub(crate) const GEOJSON: &str = "application/geo+json";

/// Most incidents one page returns.
pub(crate) const MAX_PAGE: usize = 10_000;

pub(crate) fn geojson(fc: impl serde::Serialize) -> Response {
    geojson_bytes(serde_json::to_vec(&fc).expect("GeoJSON serialises"))
}

/// GeoJSON already written (see [`crate::cells::cell_collection`]).
pub(crate) fn geojson_bytes(body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, GEOJSON)], body).into_response()
}

/// JSON written into a buffer of about its size (`cells` values of about
/// `bytes_per_cell` bytes each): growing one from empty copied a region's
/// 18 MB Gi* grid a dozen times over, a tenth of its answer's time.
pub(crate) fn json_grid(
    value: &impl serde::Serialize,
    cells: usize,
    bytes_per_cell: usize,
) -> Response {
    let mut body = Vec::with_capacity(cells.saturating_mul(bytes_per_cell) + 4096);
    serde_json::to_writer(&mut body, value).expect("JSON serialises");
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Runs CPU-heavy analysis off the async runtime.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, hotspot_engine::EngineError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::from)
}

/// A CSV file for the browser to save under `filename`.
pub(crate) fn csv_attachment(filename: &str, body: Vec<u8>) -> Response {
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

/// The JSON that `build` makes, as the caller's role may see it: in full for
/// signed-in roles; for the public role with small counts withheld, by the
/// types the values were built from ([`hotspot_core::public`]).
pub(crate) fn disclosed_json(
    who: &crate::auth::Principal,
    state: &crate::AppState,
    build: impl FnOnce() -> serde_json::Value,
) -> serde_json::Value {
    if who.role > hotspot_core::Role::Public {
        build()
    } else {
        hotspot_core::public::public_json_of(state.config.suppress_below, build)
    }
}
