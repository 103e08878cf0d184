//! Ward statistics and one ward's profile.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use axum::Json;
use std::collections::BTreeMap;

use hotspot_core::public::{Count, Open};
use hotspot_engine::{geojson_out, RankBy, WardQuery};
use serde_json::json;

use super::{disclosed_json, GEOJSON};
use crate::auth::Principal;
use crate::openapi as doc;
use crate::query::{Params, SELECTION_KEYS};
use crate::{AppError, AppState, PathParam};

pub(crate) fn ward_query(p: &Params) -> Result<WardQuery, AppError> {
    let selection = p.selection()?;
    if selection.area.is_some() || selection.bbox.is_some() {
        return Err(AppError::BadRequest(
            "ward statistics cover every ward: use /api/wards/{code} for one ward".into(),
        ));
    }
    let comparison = p.comparison(&selection.period)?;
    let rank_by = p.option::<RankBy>("rank_by")?.unwrap_or_default();
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
pub(crate) async fn wards(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let p = Params::new(q, &[SELECTION_KEYS, &["compare", "top", "rank_by"]])?;
    let query = ward_query(&p)?;
    let ds = state.dataset();
    let report = ds.ward_statistics(&query)?;
    let value = disclosed_json(&who, &state, || {
        serde_json::to_value(geojson_out::wards(&ds, &report)).expect("serialises")
    });
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
pub(crate) async fn ward_profile(
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
    let counts = |m: &BTreeMap<String, u64>| -> BTreeMap<String, Count> {
        m.iter().map(|(k, &v)| (k.clone(), Count(v))).collect()
    };
    Ok(Json(disclosed_json(&who, &state, || {
        json!({
            "ward": row.properties(),
            "wards": Open(report.rows.len()),
            "by_category": counts(&profile.by_category),
            "by_month": counts(&profile.by_month),
            "gap_months": profile.gap_months,
        })
    })))
}
