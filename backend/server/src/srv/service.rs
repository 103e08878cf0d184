//! What is loaded: health, the crime groups and types, the months.

use std::sync::Arc;

use axum::extract::State;
use axum::Extension;
use axum::Json;
use hotspot_core::public::{Count, FlaggedCount, Open, WithheldFlag};
use hotspot_core::Month;
use serde::Serialize;
use serde_json::json;

use super::disclosed_json;
use crate::auth::Principal;
use crate::openapi as doc;
use crate::query::ApiQuery;
use crate::{AppError, AppState};
use hotspot_api::params::NoParams;

#[utoipa::path(get, path = "/health",
    summary = "Status and what is loaded",
    responses((status = 200, description = "The service and its database are up", body = doc::Health)))]
pub(crate) async fn health(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
) -> Result<Json<serde_json::Value>, AppError> {
    state.store.ping().await?;
    let ds = state.dataset();
    let o = ds.overview();
    let counts = [o.incidents, o.located, o.unlocated, o.outside_areas];
    let data = OverviewView {
        incidents: Count(o.incidents),
        located: Count(o.located),
        unlocated: Count(o.unlocated),
        outside_areas: Count(o.outside_areas),
        areas: Open(o.areas),
        first_month: o.first_month,
        last_month: o.last_month,
        has_dates: Open(o.has_dates),
        has_times: Open(o.has_times),
        // The smallest non-zero count is withheld exactly when any is.
        suppressed: WithheldFlag(Count(
            counts.into_iter().filter(|&c| c > 0).min().unwrap_or(0),
        )),
    };
    Ok(Json(disclosed_json(
        &who,
        &state,
        || json!({ "status": "ok", "data": data }),
    )))
}

#[utoipa::path(get, path = "/categories",
    summary = "Crime groups, and the crime types and sources loaded, with counts",
    description = "Takes no parameters (any is refused).",
    responses((status = 200, description = "Groups and categories", body = doc::Categories)))]
pub(crate) async fn categories(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    ApiQuery(NoParams {}): ApiQuery<NoParams>,
) -> Result<Json<serde_json::Value>, AppError> {
    let ds = state.dataset();
    let categories: Vec<CategoryView> = ds
        .categories()
        .into_iter()
        .map(|c| CategoryView {
            count: FlaggedCount::new(c.count),
            category: c.category,
            source: c.source,
            groups: c.groups,
        })
        .collect();
    Ok(Json(disclosed_json(&who, &state, || {
        json!({
            "groups": ds.groups().iter().collect::<Vec<_>>(),
            "categories": categories,
        })
    })))
}

#[utoipa::path(get, path = "/periods",
    summary = "Months loaded, with counts",
    description = "Takes no parameters (any is refused).",
    responses((status = 200, description = "Months", body = doc::Periods)))]
pub(crate) async fn periods(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    ApiQuery(NoParams {}): ApiQuery<NoParams>,
) -> Result<Json<serde_json::Value>, AppError> {
    let ds = state.dataset();
    let o = ds.overview();
    let months: Vec<MonthView> = ds
        .months()
        .into_iter()
        .map(|m| MonthView {
            month: m.month,
            count: FlaggedCount::new(m.count),
        })
        .collect();
    Ok(Json(disclosed_json(&who, &state, || {
        json!({
            "months": months,
            "first": o.first_month,
            "last": o.last_month,
            "has_dates": Open(o.has_dates),
            "has_times": Open(o.has_times),
        })
    })))
}

/// What is loaded, as `/api/health` shows it to each role.
#[derive(Serialize)]
struct OverviewView {
    incidents: Count,
    located: Count,
    unlocated: Count,
    outside_areas: Count,
    areas: Open<u64>,
    first_month: Option<Month>,
    last_month: Option<Month>,
    has_dates: Open<bool>,
    has_times: Open<bool>,
    #[serde(skip_serializing_if = "WithheldFlag::absent")]
    suppressed: WithheldFlag,
}

/// One crime type of one source, with its count.
#[derive(Serialize)]
struct CategoryView {
    category: String,
    source: String,
    #[serde(flatten)]
    count: FlaggedCount,
    groups: Vec<String>,
}

/// One month loaded, with its count.
#[derive(Serialize)]
struct MonthView {
    month: Month,
    #[serde(flatten)]
    count: FlaggedCount,
}
