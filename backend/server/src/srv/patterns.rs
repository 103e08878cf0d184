//! Statistical hotspots (Gi*), emerging hot spots, near-repeat, temporal
//! profiles and the comparison of hotspot methods.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Response;
use axum::Json;
use hotspot_engine::{geojson_out, EmergingQuery, EvaluationQuery, GiQuery, GiUnit, KnoxQuery};

use super::{blocking, geojson, parse_list};
use crate::openapi as doc;
use crate::query::{Params, SELECTION_KEYS};
use crate::{AppError, AppState};

#[utoipa::path(get, path = "/gistar",
    summary = "Getis-Ord Gi* hot and cold spots over a grid or the wards",
    params(doc::Selection, doc::GiOptions),
    responses(
        (status = 200, description = "Cells or wards with count, z, p, p_adjusted and class", body = doc::FeatureCollection, content_type = "application/geo+json"),
        (status = 404, description = "No ward with the `ward` code", body = doc::ErrorBody),
        (status = 409, description = "No ward boundaries are loaded", body = doc::ErrorBody),
    ))]
pub(crate) async fn gistar(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let p = Params::new(
        q,
        &[SELECTION_KEYS, &["unit", "cell", "band", "correction"]],
    )?;
    let unit = p.option::<GiUnit>("unit")?.unwrap_or(GiUnit::Grid);
    let query = GiQuery {
        selection: p.selection()?,
        unit,
        cell: p.positive("cell")?,
        band: p.positive("band")?,
        correction: p.option("correction")?.unwrap_or_default(),
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
pub(crate) async fn emerging(
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
        correction: p.option("correction")?.unwrap_or_default(),
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
pub(crate) async fn near_repeat(
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
    options.metric = p.option("metric")?.unwrap_or_default();
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

#[utoipa::path(get, path = "/temporal",
    summary = "Week-hour table, weekend-night share and monthly trend with spikes",
    params(doc::Selection),
    responses(
        (status = 200, description = "Temporal profile", body = Object),
        (status = 404, description = "No ward with the `ward` code", body = doc::ErrorBody),
    ))]
pub(crate) async fn temporal(
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
pub(crate) async fn evaluate(
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
