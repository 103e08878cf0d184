//! Street labels for the map at street zoom: police.uk's "On or near …"
//! map points in view, with the selection's incidents on each.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use geojson::{Geometry, Value};
use hotspot_api::params::{Categories, LabelOptions, Scope, Selection};
use hotspot_api::responses::{
    ErrorBody, Feature, FeatureCollection, LabelCount, StreetLabel, StreetLabels,
};

use super::{blocking, geojson};
use crate::query::{selection, ApiQuery};
use crate::{AppError, AppState};

/// Most labels one answer gives.
const MAX_LABELS: usize = 5_000;

#[utoipa::path(get, path = "/labels",
    summary = "Street labels of the map points in view, busiest first",
    description = "police.uk's anonymised map points inside `bbox` (required) that the selection's \
incidents are on, one feature per point with its street (\"On or near\" dropped) and its \
incidents: the map's street-level labels.",
    params(Categories, Scope, LabelOptions),
    responses(
        (status = 200, description = "One point per labelled map point", body = FeatureCollection<StreetLabel, LabelCount>, content_type = "application/geo+json"),
        (status = 400, description = "No `bbox`, or `limit` out of range", body = ErrorBody),
        (status = 404, description = "No ward with the `ward` code", body = ErrorBody),
    ))]
pub(crate) async fn labels(
    State(state): State<Arc<AppState>>,
    ApiQuery((sel, o)): ApiQuery<(Selection, LabelOptions)>,
) -> Result<Response, AppError> {
    let limit = o.limit.map_or(2_000, |l| l.0);
    if !(1..=MAX_LABELS).contains(&limit) {
        return Err(AppError::BadRequest(format!(
            "limit must be 1..={MAX_LABELS}"
        )));
    }
    let sel = selection(sel);
    let ds = state.dataset();
    let (points, matched) = blocking(move || ds.labelled_points(&sel, limit)).await?;
    let features = points
        .into_iter()
        .map(|p| {
            let at = Value::Point(vec![p.lon, p.lat]);
            Feature::new(
                Some(Geometry::new(at)),
                StreetLabel {
                    street: p.street,
                    incidents: p.incidents,
                },
            )
        })
        .collect::<Vec<_>>();
    let meta = LabelCount {
        number_matched: matched,
        number_returned: features.len(),
    };
    Ok(geojson(StreetLabels::new(features, meta)))
}
