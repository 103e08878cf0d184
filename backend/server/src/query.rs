//! Typed query strings: the [`ApiQuery`] extractor, and the step from the
//! API's parameter types ([`hotspot_api::params`]) to the engine's queries.
//!
//! The parsing rules (unknown parameters refused, so a typo such as `perod=`
//! is not silently ignored; values trimmed; messages naming the parameter)
//! live with the types in `hotspot-api`, where the map client and the
//! OpenAPI document see the same definitions.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use hotspot_api::params::{Comparison, Selection};
use hotspot_api::FromQuery;
use hotspot_engine::Period;

use crate::AppError;

/// The query string as `T`: one parameter struct of [`hotspot_api::params`]
/// or a tuple of them. A bad query is a 400 whose message names the
/// parameter at fault.
pub struct ApiQuery<T>(pub T);

impl<T: FromQuery, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        hotspot_api::query::parse(parts.uri.query().unwrap_or(""))
            .map(ApiQuery)
            .map_err(|e| AppError::BadRequest(e.0))
    }
}

/// The engine's selection from the selection parameters.
pub fn selection((categories, scope): Selection) -> hotspot_engine::Selection {
    let list = |l: Option<hotspot_api::fields::List>| l.map(|l| l.0).unwrap_or_default();
    hotspot_engine::Selection {
        groups: list(categories.group),
        types: list(categories.r#type),
        sources: list(categories.source),
        period: scope.period.map(|p| p.0).unwrap_or_default(),
        area: scope.ward,
        bbox: scope.bbox.map(|b| b.0),
        weighting: hotspot_engine::Weighting::Count,
    }
}

/// The engine's weighting for `weight=`: harm needs the deployment's index.
pub fn weighting(
    w: hotspot_core::options::WeightBy,
    config: &crate::state::ServerConfig,
) -> Result<hotspot_engine::Weighting, AppError> {
    use hotspot_core::options::WeightBy;
    match w {
        WeightBy::Count => Ok(hotspot_engine::Weighting::Count),
        WeightBy::Harm => config
            .harm_index
            .clone()
            .map(hotspot_engine::Weighting::Harm)
            .ok_or_else(|| {
                AppError::Rejected(
                    axum::http::StatusCode::CONFLICT,
                    "weight=harm: no harm index is loaded (start the service with --harm-index FILE)"
                        .into(),
                )
            }),
    }
}

/// The comparison period for `current` (`compare=previous|year|none|<period>`).
pub fn comparison(c: &Comparison, current: &Period) -> Result<Option<Period>, AppError> {
    c.compare
        .map(|c| c.0)
        .unwrap_or_default()
        .resolve(current)
        .map_err(|e| AppError::BadRequest(format!("compare={e}")))
}
