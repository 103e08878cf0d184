//! The change map, DBSCAN point clusters and the relative-risk surface
//! (issue #12 items 7–9).

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use hotspot_api::params::{
    Categories, ChangeOptions, ClusterOptions, RelativeRiskOptions, Scope, Selection,
};
use hotspot_api::responses::{
    ChangeMeta, ChangeProperties, ClusterMeta, ClusterProperties, ErrorBody, FeatureCollection,
    RiskMeta, RiskProperties,
};
use hotspot_engine::{ChangeQuery, ClusterQuery, Denominator, RiskQuery};

use super::{blocking, geojson};
use crate::analyses_out;
use crate::query::{selection, ApiQuery};
use crate::{AppError, AppState};

#[utoipa::path(get, path = "/change",
    summary = "Change map: counts before and after per grid cell, with an exact test for a change in rate",
    params(Categories, ChangeOptions),
    responses(
        (status = 200, description = "Cells with something in either period: n_before, n_after, change, rate_ratio, p, p_adjusted and class", body = FeatureCollection<ChangeProperties, ChangeMeta>, content_type = "application/geo+json"),
        (status = 400, description = "A period missing, overlapping the other or without data", body = ErrorBody),
    ))]
pub(crate) async fn change(
    State(state): State<Arc<AppState>>,
    ApiQuery((categories, o)): ApiQuery<(Categories, ChangeOptions)>,
) -> Result<Response, AppError> {
    let (Some(before), Some(after)) = (o.before.map(|m| m.0), o.after.map(|m| m.0)) else {
        return Err(AppError::BadRequest(
            "before and after periods are both needed, e.g. before=2024-01..2024-04&after=2025-01..2025-04"
                .into(),
        ));
    };
    let query = ChangeQuery {
        selection: selection((categories, Scope::default())),
        before,
        after,
        cell: o.cell.map(|c| c.0),
        correction: o.correction.map(|c| c.0).unwrap_or_default(),
    };
    let ds = state.dataset();
    let result = blocking(move || ds.change(&query)).await?;
    Ok(geojson(analyses_out::change(&result)))
}

#[utoipa::path(get, path = "/clusters",
    summary = "DBSCAN point clusters of the selected incidents, as outlines",
    params(Categories, Scope, ClusterOptions),
    responses(
        (status = 200, description = "One feature per cluster (buffered convex hull) with count, core_count and top_types", body = FeatureCollection<ClusterProperties, ClusterMeta>, content_type = "application/geo+json"),
        (status = 400, description = "eps or min_points out of range", body = ErrorBody),
        (status = 404, description = "No ward with the `ward` code", body = ErrorBody),
    ))]
pub(crate) async fn clusters(
    State(state): State<Arc<AppState>>,
    ApiQuery((sel, o)): ApiQuery<(Selection, ClusterOptions)>,
) -> Result<Response, AppError> {
    let min_points = o.min_points.map(|m| m.0);
    if min_points.is_some_and(|m| !(1..=100_000).contains(&m)) {
        return Err(AppError::BadRequest("min_points must be 1..=100000".into()));
    }
    let query = ClusterQuery {
        selection: selection(sel),
        eps: o.eps.map(|e| e.0),
        min_points,
    };
    let ds = state.dataset();
    let result = blocking(move || ds.clusters(&query)).await?;
    Ok(geojson(analyses_out::clusters(&result)))
}

#[utoipa::path(get, path = "/relative-risk",
    summary = "Relative risk: the selection's kernel density over a denominator's (residents or other incidents)",
    params(Categories, Scope, RelativeRiskOptions),
    responses(
        (status = 200, description = "Grid cells with numerator_density, denominator_density, ratio (1 = the area's average; null when masked) and masked", body = FeatureCollection<RiskProperties, RiskMeta>, content_type = "application/geo+json"),
        (status = 400, description = "No or an unknown denominator, or nothing in it", body = ErrorBody),
        (status = 409, description = "denominator=population with no ward boundaries loaded", body = ErrorBody),
    ))]
pub(crate) async fn relative_risk(
    State(state): State<Arc<AppState>>,
    ApiQuery((sel, o)): ApiQuery<(Selection, RelativeRiskOptions)>,
) -> Result<Response, AppError> {
    let Some(text) = o.denominator else {
        return Err(AppError::BadRequest(
            "denominator is needed: population, source:NAME or group:ID".into(),
        ));
    };
    let denominator: Denominator = text.trim().parse().map_err(AppError::BadRequest)?;
    let label = denominator.to_string();
    let query = RiskQuery {
        selection: selection(sel),
        denominator,
        cell: o.cell.map(|c| c.0),
        bandwidth: o.bandwidth.map(|b| b.0),
    };
    let ds = state.dataset();
    let result = blocking(move || ds.relative_risk(&query)).await?;
    Ok(geojson(analyses_out::relative_risk(&result, &label)))
}
