//! Incidents one by one, for analysts.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Response;
use hotspot_engine::geojson_out;

use super::{geojson, MAX_PAGE};
use crate::openapi as doc;
use crate::query::{Params, SELECTION_KEYS};
use crate::{AppError, AppState};

#[utoipa::path(get, path = "/incidents",
    summary = "Selected incidents as points, paged",
    params(doc::Selection, doc::Page),
    responses(
        (status = 200, description = "A page of incidents, with numberMatched and nextOffset", body = doc::FeatureCollection, content_type = "application/geo+json"),
        (status = 404, description = "No ward with the `ward` code", body = doc::ErrorBody),
    ))]
pub(crate) async fn incidents(
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
