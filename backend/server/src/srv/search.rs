//! Wards and places by name, for the map's search box.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use hotspot_api::params::SearchParams;
use hotspot_api::responses::{ErrorBody, SearchKind, SearchResult, SearchResults};
use hotspot_core::Role;
use hotspot_engine::HitKind;

use crate::auth::Principal;
use crate::query::ApiQuery;
use crate::{AppError, AppState};

/// Most results one search returns.
const MAX_RESULTS: usize = 50;

#[utoipa::path(get, path = "/search",
    summary = "Wards and places by name (prefix and fuzzy), best first",
    description = "Wards for every role; police.uk location labels too for partners and above.",
    params(SearchParams),
    responses(
        (status = 200, description = "What was found, best first", body = SearchResults),
        (status = 400, description = "No `q`, or `limit` out of range", body = ErrorBody),
    ))]
pub(crate) async fn search(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<Json<SearchResults>, AppError> {
    let Some(q) = p.q else {
        return Err(AppError::BadRequest(
            "q= is needed: part of a ward's or a street's name, e.g. q=abington".into(),
        ));
    };
    let limit = p.limit.map_or(10, |l| l.0);
    if !(1..=MAX_RESULTS).contains(&limit) {
        return Err(AppError::BadRequest(format!(
            "limit must be 1..={MAX_RESULTS}"
        )));
    }
    let locations = who.role >= Role::Partner;
    let results = state
        .dataset()
        .search(&q, limit, locations)
        .into_iter()
        .map(|h| SearchResult {
            kind: match h.kind {
                HitKind::Ward => SearchKind::Ward,
                HitKind::Location => SearchKind::Location,
            },
            name: h.name,
            code: h.code,
            lon: h.lon,
            lat: h.lat,
            bbox: h.bbox,
            incidents: (h.kind == HitKind::Location).then_some(h.incidents),
        })
        .collect();
    Ok(Json(SearchResults { results }))
}
