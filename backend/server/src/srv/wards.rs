//! Ward statistics and one ward's profile.

use hotspot_api::responses::ErrorBody;
use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use axum::Json;
use std::collections::BTreeMap;

use crate::geojson_out;
use hotspot_api::params::{Categories, Comparison, Scope, Selection, WardOptions, Weight};
use hotspot_api::responses::{
    FeatureCollection, StreetCountOut, WardProfile, WardProfileOut, WardProperties, WardsMeta,
};
use hotspot_core::public::{Count, Open, WithheldFlag};
use hotspot_core::Role;
use hotspot_engine::WardQuery;

use super::{disclosed_json, GEOJSON};
use crate::auth::Principal;
use crate::query::{comparison, selection, weighting, ApiQuery};
use crate::{AppError, AppState, PathParam};

/// The parameters of `/api/wards` and `/api/wards/{code}`.
pub(crate) type WardParams = (Selection, Comparison, WardOptions, Weight);

pub(crate) fn ward_query(
    (sel, compare, o, weight): WardParams,
    config: &crate::state::ServerConfig,
) -> Result<WardQuery, AppError> {
    let mut selection = selection(sel);
    selection.weighting = weighting(weight.by(), config)?;
    if selection.area.is_some() || selection.bbox.is_some() {
        return Err(AppError::BadRequest(
            "ward statistics cover every ward: use /api/wards/{code} for one ward".into(),
        ));
    }
    Ok(WardQuery {
        comparison: comparison(&compare, &selection.period)?,
        selection,
        priority_top_n: o.top.map_or(5, |t| t.0),
        rank_by: o.rank_by.map(|r| r.0).unwrap_or_default(),
    })
}

#[utoipa::path(get, path = "/wards",
    summary = "Every ward with counts, rates, change and rank (choropleth-ready)",
    description = "The collection's total, outside_areas and unlocated account for every selected incident. \
For the public role, counts below the suppression threshold are withheld with every figure derived from them.",
    params(Categories, Scope, Comparison, WardOptions, Weight),
    responses(
        (status = 200, description = "Wards as polygons with their statistics", body = FeatureCollection<WardProperties, WardsMeta>, content_type = "application/geo+json"),
        (status = 409, description = "No ward boundaries are loaded", body = ErrorBody),
    ))]
pub(crate) async fn wards(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    ApiQuery(params): ApiQuery<WardParams>,
) -> Result<Response, AppError> {
    let query = ward_query(params, &state.config)?;
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
    params(("code" = String, Path, description = "Ward code (see /api/wards)", example = "E05999006"), Categories, Scope, Comparison, WardOptions, Weight),
    responses(
        (status = 200, description = "The ward", body = WardProfile),
        (status = 404, description = "No ward with that code", body = ErrorBody),
        (status = 409, description = "No ward boundaries are loaded", body = ErrorBody),
    ))]
pub(crate) async fn ward_profile(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    PathParam(code): PathParam<String>,
    ApiQuery(params): ApiQuery<WardParams>,
) -> Result<Json<serde_json::Value>, AppError> {
    let query = ward_query(params, &state.config)?;
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
    let body = WardProfileOut {
        ward: geojson_out::ward_properties(row),
        wards: Open(report.rows.len()),
        by_category: counts(&profile.by_category),
        by_month: counts(&profile.by_month),
        gap_months: profile.gap_months.iter().map(ToString::to_string).collect(),
        top_streets: if who.role >= Role::Partner {
            profile
                .top_streets
                .iter()
                .map(|(street, n)| StreetCountOut {
                    street: street.clone(),
                    incidents: Count(*n),
                    suppressed: WithheldFlag(Count(*n)),
                })
                .collect()
        } else {
            Vec::new()
        },
    };
    Ok(Json(disclosed_json(&who, &state, || {
        serde_json::to_value(body).expect("serialises")
    })))
}
