//! Days of action and target hardening.

use hotspot_api::responses::ErrorBody;
use std::sync::Arc;

use crate::geojson_out;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::{blocking, csv_attachment, geojson};
use crate::query::{selection, ApiQuery};
use crate::{AppError, AppState, JsonBody};
use hotspot_api::params::{Categories, HardeningOptions, JsonOrCsv, Scope, Selection};
use hotspot_api::requests::PlanRequest;
use hotspot_api::responses::{FeatureCollection, Place, PlanFeature, PlanMeta, TargetHardening};

/// `POST /api/plan`: days-of-action sites covering the most (weighted)
/// incidents, compared with the naive top-ward centroids.
#[utoipa::path(post, path = "/plan",
    summary = "Days-of-action sites covering the most (weighted) incidents",
    description = "Compared with the naive top-ward centroids.",
    request_body = PlanRequest,
    responses(
        (status = 200, description = "Sites with coverage circles, and the naive comparison", body = FeatureCollection<PlanFeature, PlanMeta>, content_type = "application/geo+json"),
        (status = 409, description = "No ward boundaries are loaded", body = ErrorBody),
        (status = 415, description = "The body is not declared as application/json", body = ErrorBody),
        (status = 422, description = "The JSON does not have the expected fields", body = ErrorBody),
    ))]
pub(crate) async fn plan(
    State(state): State<Arc<AppState>>,
    JsonBody(req): JsonBody<PlanRequest>,
) -> Result<Response, AppError> {
    if !(1..=100).contains(&req.sites) {
        return Err(AppError::BadRequest("sites must be 1..=100".into()));
    }
    if !(req.radius.is_finite() && req.radius > 0.0 && req.radius <= 10_000.0) {
        return Err(AppError::BadRequest(
            "radius must be in (0, 10000] metres".into(),
        ));
    }
    let period = match req.period.as_deref() {
        Some(p) => hotspot_engine::Period::parse(p)
            .map_err(|e| AppError::BadRequest(format!("period: {e}")))?,
        None => hotspot_engine::Period::All,
    };
    let venues = match &req.venues {
        Some(fc) => crate::pipeline::venues_from_geojson(fc)?,
        None => Vec::new(),
    };
    let avoid = match &req.avoid {
        Some(g) => crate::pipeline::polygons_from_geojson(g)?,
        None => Vec::new(),
    };
    let query = hotspot_engine::PlanQuery {
        selection: hotspot_engine::Selection {
            groups: req.groups,
            types: req.types,
            sources: req.sources,
            period,
            weighting: crate::query::weighting(req.weight, &state.config)?,
            ..Default::default()
        },
        weights: req
            .weights
            .into_iter()
            .map(|w| (w.group, w.weight))
            .collect(),
        sites: req.sites,
        radius: req.radius,
        venues,
        avoid,
    };
    let radius = req.radius;
    let ds = state.dataset();
    let result = blocking(move || ds.plan_days_of_action(&query)).await?;
    Ok(geojson(geojson_out::plan(&result, radius)))
}

/// `GET /api/target-hardening`: places to visit, ranked by near-repeat
/// risk and burglary density, each with a reason and an expiry date.
#[utoipa::path(get, path = "/target-hardening",
    summary = "Places to visit, ranked by near-repeat risk and burglary density, with reasons and expiry",
    params(Categories, Scope, HardeningOptions),
    responses(
        (status = 200, description = "The list, as JSON or CSV", content(
            (TargetHardening = "application/json"),
            ("text/csv; charset=utf-8"),
        )),
        (status = 404, description = "No ward with the `ward` code", body = ErrorBody),
        (status = 422, description = "The selection has no dated incidents", body = ErrorBody),
    ))]
pub(crate) async fn target_hardening(
    State(state): State<Arc<AppState>>,
    ApiQuery((sel, o)): ApiQuery<(Selection, HardeningOptions)>,
) -> Result<Response, AppError> {
    let query = hotspot_engine::HardeningQuery {
        selection: selection(sel),
        as_of: o.as_of.map(|d| d.0),
        distance: o.distance.map_or(200.0, |d| d.0),
        days: o.days.map_or(28, |d| d.0),
    };
    let limit = o.limit.map_or(500, |l| l.0);
    let format = o.format.map(|f| f.0).unwrap_or_default();
    let ds = state.dataset();
    let r = blocking(move || ds.target_hardening(&query)).await?;
    let items: Vec<_> = r.items.iter().take(limit).collect();
    let lonlat =
        |xy: [f64; 2]| hotspot_core::bng_to_wgs84(xy[0], xy[1]).unwrap_or((f64::NAN, f64::NAN));
    match format {
        JsonOrCsv::Json => {
            let places = items.iter().map(|i| {
                let (lon, lat) = lonlat(i.xy);
                Place {
                    label: i.label.clone(),
                    lon,
                    lat,
                    score: i.score,
                    risk: i.risk,
                    reason: i.reason.clone(),
                    expires: i.expires.to_string(),
                    triggering: i.triggering,
                }
            });
            let body = TargetHardening {
                as_of: r.as_of.to_string(),
                near_repeat: r.near_repeat,
                total: r.items.len(),
                items: places.collect(),
            };
            Ok(Json(body).into_response())
        }
        JsonOrCsv::Csv => {
            let mut body = Vec::new();
            crate::pipeline::write_hardening_csv(&items, &mut body)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(csv_attachment("target-hardening.csv", body))
        }
    }
}
