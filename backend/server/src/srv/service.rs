//! What is loaded: health, the crime groups and types, the months.

use std::sync::Arc;

use axum::extract::State;
use axum::Extension;
use axum::Json;
use hotspot_api::responses::{
    Categories, CategoryOut, Group, Health, MonthCountOut, OverviewOut, Periods, PeriodsOut,
};
use hotspot_core::public::{Count, Open, WithheldFlag};

use super::disclosed_json;
use crate::auth::Principal;
use crate::query::ApiQuery;
use crate::{AppError, AppState};
use hotspot_api::params::NoParams;

#[utoipa::path(get, path = "/health",
    summary = "Status and what is loaded",
    responses((status = 200, description = "The service and its database are up", body = Health)))]
pub(crate) async fn health(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
) -> Result<Json<serde_json::Value>, AppError> {
    state.store.ping().await?;
    let ds = state.dataset();
    let o = ds.overview();
    let counts = [o.incidents, o.located, o.unlocated, o.outside_areas];
    let data = OverviewOut {
        incidents: Count(o.incidents),
        located: Count(o.located),
        unlocated: Count(o.unlocated),
        outside_areas: Count(o.outside_areas),
        areas: Open(o.areas),
        first_month: o.first_month.map(|m| m.to_string()),
        last_month: o.last_month.map(|m| m.to_string()),
        has_dates: Open(o.has_dates),
        has_times: Open(o.has_times),
        // The smallest non-zero count is withheld exactly when any is.
        suppressed: WithheldFlag(Count(
            counts.into_iter().filter(|&c| c > 0).min().unwrap_or(0),
        )),
    };
    let body = Health {
        status: "ok".into(),
        data,
    };
    Ok(Json(disclosed_json(&who, &state, || {
        serde_json::to_value(body).expect("serialises")
    })))
}

#[utoipa::path(get, path = "/categories",
    summary = "Crime groups, and the crime types and sources loaded, with counts",
    description = "Takes no parameters (any is refused).",
    responses((status = 200, description = "Groups and categories", body = Categories)))]
pub(crate) async fn categories(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    ApiQuery(NoParams {}): ApiQuery<NoParams>,
) -> Result<Json<serde_json::Value>, AppError> {
    let ds = state.dataset();
    let categories = ds
        .categories()
        .into_iter()
        .map(|c| CategoryOut {
            count: Count(c.count),
            suppressed: WithheldFlag(Count(c.count)),
            category: c.category,
            source: c.source,
            groups: c.groups,
        })
        .collect();
    let groups = ds
        .groups()
        .iter()
        .map(|g| Group {
            id: g.id.clone(),
            name: g.name.clone(),
            types: g.types.clone(),
            sources: g.sources.clone(),
        })
        .collect();
    let body = Categories {
        groups,
        categories,
        harm_index: state.config.harm_index.as_deref().cloned().map(Open),
    };
    Ok(Json(disclosed_json(&who, &state, || {
        serde_json::to_value(body).expect("serialises")
    })))
}

#[utoipa::path(get, path = "/periods",
    summary = "Months loaded, with counts",
    description = "Takes no parameters (any is refused).",
    responses((status = 200, description = "Months", body = Periods)))]
pub(crate) async fn periods(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    ApiQuery(NoParams {}): ApiQuery<NoParams>,
) -> Result<Json<serde_json::Value>, AppError> {
    let ds = state.dataset();
    let o = ds.overview();
    let months = ds
        .months()
        .into_iter()
        .map(|m| MonthCountOut {
            month: m.month.to_string(),
            count: Count(m.count),
            suppressed: WithheldFlag(Count(m.count)),
        })
        .collect();
    let body = PeriodsOut {
        months,
        first: o.first_month.map(|m| m.to_string()),
        last: o.last_month.map(|m| m.to_string()),
        has_dates: Open(o.has_dates),
        has_times: Open(o.has_times),
    };
    Ok(Json(disclosed_json(&who, &state, || {
        serde_json::to_value(body).expect("serialises")
    })))
}
