//! Incidents one by one, for analysts.

use hotspot_api::responses::ErrorBody;
use std::sync::Arc;

use crate::geojson_out;
use axum::extract::State;
use axum::response::Response;

use super::{geojson, MAX_PAGE};
use crate::query::{selection, ApiQuery};
use crate::{AppError, AppState};
use hotspot_api::params::{Categories, Page, Scope, Selection};
use hotspot_api::responses::{FeatureCollection, IncidentPage, IncidentProperties};

#[utoipa::path(get, path = "/incidents",
    summary = "Selected incidents as points, paged",
    params(Categories, Scope, Page),
    responses(
        (status = 200, description = "A page of incidents, with numberMatched and nextOffset", body = FeatureCollection<IncidentProperties, IncidentPage>, content_type = "application/geo+json"),
        (status = 404, description = "No ward with the `ward` code", body = ErrorBody),
    ))]
pub(crate) async fn incidents(
    State(state): State<Arc<AppState>>,
    ApiQuery((sel, page)): ApiQuery<(Selection, Page)>,
) -> Result<Response, AppError> {
    let sel = selection(sel);
    let limit = page.limit.map_or(1000, |l| l.0);
    if limit == 0 || limit > MAX_PAGE {
        return Err(AppError::BadRequest(format!(
            "limit must be 1..={MAX_PAGE}"
        )));
    }
    let offset = page.offset.map_or(0, |o| o.0);
    let ds = state.dataset();
    let (page, matched) = ds.select_page(&sel, offset, limit)?;
    Ok(geojson(geojson_out::incidents(
        &ds, &page, matched, offset, limit,
    )))
}
