//! What is loaded: health, the crime groups and types, the months.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::Extension;
use axum::Json;
use hotspot_core::Role;
use serde_json::json;

use crate::auth::Principal;
use crate::openapi as doc;
use crate::query::Params;
use crate::suppress;
use crate::{AppError, AppState};

#[utoipa::path(get, path = "/health",
    summary = "Status and what is loaded",
    responses((status = 200, description = "The service and its database are up", body = doc::Health)))]
pub(crate) async fn health(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
) -> Result<Json<serde_json::Value>, AppError> {
    state.store.ping().await?;
    let ds = state.dataset();
    let mut data = serde_json::to_value(ds.overview()).expect("serialises");
    if who.role == Role::Public {
        suppress::fields(
            &mut data,
            &["incidents", "located", "unlocated", "outside_areas"],
            state.config.suppress_below,
        );
    }
    Ok(Json(json!({ "status": "ok", "data": data })))
}

#[utoipa::path(get, path = "/categories",
    summary = "Crime groups, and the crime types and sources loaded, with counts",
    description = "Takes no parameters (any is refused).",
    responses((status = 200, description = "Groups and categories", body = doc::Categories)))]
pub(crate) async fn categories(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, AppError> {
    Params::new(q, &[])?;
    let ds = state.dataset();
    let mut categories = serde_json::to_value(ds.categories()).expect("serialises");
    if who.role == Role::Public {
        suppress::counts_in_array(&mut categories, state.config.suppress_below);
    }
    Ok(Json(json!({
        "groups": ds.groups().iter().collect::<Vec<_>>(),
        "categories": categories,
    })))
}

#[utoipa::path(get, path = "/periods",
    summary = "Months loaded, with counts",
    description = "Takes no parameters (any is refused).",
    responses((status = 200, description = "Months", body = doc::Periods)))]
pub(crate) async fn periods(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, AppError> {
    Params::new(q, &[])?;
    let ds = state.dataset();
    let o = ds.overview();
    let mut months = serde_json::to_value(ds.months()).expect("serialises");
    if who.role == Role::Public {
        suppress::counts_in_array(&mut months, state.config.suppress_below);
    }
    Ok(Json(json!({
        "months": months,
        "first": o.first_month,
        "last": o.last_month,
        "has_dates": o.has_dates,
        "has_times": o.has_times,
    })))
}
