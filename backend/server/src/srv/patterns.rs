//! Statistical hotspots (Gi*), emerging hot spots, near-repeat, temporal
//! profiles and the comparison of hotspot methods.

use hotspot_api::responses::ErrorBody;
use std::sync::Arc;

use crate::geojson_out;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use hotspot_engine::{EmergingQuery, EvaluationQuery, GiQuery, GiUnit, KnoxQuery};

use hotspot_api::params::{
    Categories, EmergingOptions, EvaluateOptions, GiFormat, GiOptions, KnoxOptions, Scope,
    Selection, Weight,
};

use super::{blocking, geojson, geojson_bytes, json_grid};
use crate::query::{selection, weighting, ApiQuery};
use crate::{AppError, AppState};
use hotspot_api::responses::{
    EmergingMeta, EmergingProperties, EvaluationReport, FeatureCollection, GiGrid, GiMeta,
    GiProperties, KnoxResult, TemporalReport,
};

#[utoipa::path(get, path = "/gistar",
    summary = "Getis-Ord Gi* hot and cold spots over a grid or the wards",
    params(Categories, Scope, GiOptions, Weight),
    responses(
        (status = 200, description = "Cells or wards with count, z, p, p_adjusted and class; with `format=grid` the grid's cells as one object", content(
            (FeatureCollection<GiProperties, GiMeta> = "application/geo+json"),
            (GiGrid = "application/json"),
        )),
        (status = 400, description = "`format=grid` with `unit=wards`, or another parameter not understood", body = ErrorBody),
        (status = 404, description = "No ward with the `ward` code", body = ErrorBody),
        (status = 409, description = "No ward boundaries are loaded, or `weight=harm` without a harm index", body = ErrorBody),
    ))]
pub(crate) async fn gistar(
    State(state): State<Arc<AppState>>,
    ApiQuery((sel, o, weight)): ApiQuery<(Selection, GiOptions, Weight)>,
) -> Result<Response, AppError> {
    let mut selection = selection(sel);
    selection.weighting = weighting(weight.by(), &state.config)?;
    let query = GiQuery {
        selection,
        unit: o.unit.map_or(GiUnit::Grid, |u| u.0),
        cell: o.cell.map(|c| c.0),
        band: o.band.map(|b| b.0),
        correction: o.correction.map(|c| c.0).unwrap_or_default(),
    };
    let format = o.format.map(|f| f.0).unwrap_or_default();
    if format == GiFormat::Grid && query.unit != GiUnit::Grid {
        return Err(AppError::BadRequest(
            "format=grid is for unit=grid only: with unit=wards ask for format=geojson".into(),
        ));
    }
    let ds = state.dataset();
    let ds2 = ds.clone();
    let result = blocking(move || ds2.gi_star(&query)).await?;
    match format {
        GiFormat::Geojson => Ok(geojson_bytes(geojson_out::gi_star_json(&ds, &result))),
        GiFormat::Grid => match geojson_out::gi_grid(&result) {
            // Per cell: class, count, z and two p-values, about 36 bytes.
            Some(grid) => Ok(json_grid(&grid, grid.class.len(), 40)),
            None => Err(AppError::Internal("Gi* on the grid gave no grid".into())),
        },
    }
}

#[utoipa::path(get, path = "/emerging",
    summary = "Emerging hot and cold spot categories per grid cell",
    params(Categories, Scope, EmergingOptions),
    responses(
        (status = 200, description = "Cells with their category and trend", body = FeatureCollection<EmergingProperties, EmergingMeta>, content_type = "application/geo+json"),
        (status = 404, description = "No ward with the `ward` code", body = ErrorBody),
        (status = 409, description = "No ward boundaries are loaded", body = ErrorBody),
    ))]
pub(crate) async fn emerging(
    State(state): State<Arc<AppState>>,
    ApiQuery((sel, o)): ApiQuery<(Selection, EmergingOptions)>,
) -> Result<Response, AppError> {
    let query = EmergingQuery {
        selection: selection(sel),
        cell: o.cell.map(|c| c.0),
        band: o.band.map(|b| b.0),
        months_per_period: o.months_per_period.map(|m| m.0),
        correction: o.correction.map(|c| c.0).unwrap_or_default(),
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
    params(Categories, Scope, KnoxOptions),
    responses(
        (status = 200, description = "Observed and expected pairs per space-time band, with p-values", body = KnoxResult),
        (status = 404, description = "No ward with the `ward` code", body = ErrorBody),
        (status = 422, description = "The selection has no dated incidents", body = ErrorBody),
    ))]
pub(crate) async fn near_repeat(
    State(state): State<Arc<AppState>>,
    ApiQuery((sel, o)): ApiQuery<(Selection, KnoxOptions)>,
) -> Result<Json<KnoxResult>, AppError> {
    let mut options = hotspot_spacetime::KnoxOptions::default();
    if let Some(space) = o.space {
        options.bands.space = space.0;
    }
    if let Some(time) = o.time {
        options.bands.time = time.0;
    }
    options.metric = o.metric.map(|m| m.0).unwrap_or_default();
    if let Some(n) = o.permutations.map(|n| n.0) {
        if !(1..=9999).contains(&n) {
            return Err(AppError::BadRequest("permutations must be 1..=9999".into()));
        }
        options.permutations = n;
    }
    if let Some(seed) = o.seed {
        options.seed = seed.0;
    }
    let query = KnoxQuery {
        selection: selection(sel),
        options,
    };
    let ds = state.dataset();
    Ok(Json(blocking(move || ds.near_repeat(&query)).await?))
}

#[utoipa::path(get, path = "/temporal",
    summary = "Week-hour table, weekend-night share and monthly trend with spikes",
    params(Categories, Scope),
    responses(
        (status = 200, description = "Temporal profile", body = TemporalReport),
        (status = 404, description = "No ward with the `ward` code", body = ErrorBody),
    ))]
pub(crate) async fn temporal(
    State(state): State<Arc<AppState>>,
    ApiQuery(sel): ApiQuery<Selection>,
) -> Result<Json<TemporalReport>, AppError> {
    let sel = selection(sel);
    let ds = state.dataset();
    Ok(Json(blocking(move || ds.temporal(&sel)).await?))
}

#[utoipa::path(get, path = "/evaluate",
    summary = "PAI, hit rate and RRI of several hotspot methods (train on one period, test on another)",
    params(Categories, EvaluateOptions),
    responses(
        (status = 200, description = "Scores per method", body = EvaluationReport),
        (status = 409, description = "No ward boundaries are loaded", body = ErrorBody),
    ))]
pub(crate) async fn evaluate(
    State(state): State<Arc<AppState>>,
    ApiQuery((categories, o)): ApiQuery<(Categories, EvaluateOptions)>,
) -> Result<Json<EvaluationReport>, AppError> {
    let (Some(train), Some(test)) = (o.train.map(|p| p.0), o.test.map(|p| p.0)) else {
        return Err(train_and_test_needed());
    };
    if train == hotspot_engine::Period::All || test == hotspot_engine::Period::All {
        return Err(train_and_test_needed());
    }
    let coverage = o.coverage.map_or(5.0, |c| c.0);
    if coverage > 100.0 {
        return Err(AppError::BadRequest(
            "coverage is a percentage: 0 < coverage ≤ 100".into(),
        ));
    }
    let query = EvaluationQuery {
        selection: selection((categories, Scope::default())),
        train,
        test,
        cell: o.cell.map(|c| c.0),
        bandwidths: o
            .bandwidths
            .map_or_else(|| vec![200.0, 400.0, 800.0], |b| b.0),
        coverage: coverage / 100.0,
    };
    let ds = state.dataset();
    Ok(Json(blocking(move || ds.evaluate_methods(&query)).await?))
}

fn train_and_test_needed() -> AppError {
    AppError::BadRequest(
        "train and test periods are both needed, e.g. train=2025-01..2025-06&test=2025-07..2025-12"
            .into(),
    )
}
