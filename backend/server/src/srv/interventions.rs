//! The intervention log and its evaluation: `/api/interventions…`, and the
//! validation and output shared with the command line.

use hotspot_api::responses::ErrorBody;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::NaiveDate;
use hotspot_core::MonthRange;
use hotspot_engine::{Control, EvaluationOptions, InterventionEvaluation, InterventionSpec};
use hotspot_store::{Intervention, InterventionSite, NewIntervention};

use crate::auth::Principal;
use crate::query::ApiQuery;
use crate::{AppError, AppState, JsonBody, PathParam};
use hotspot_api::params::{self, NoParams};
pub use hotspot_api::requests::{InterventionRequest, Site};
use hotspot_api::responses as api;

/// Default displacement buffer, metres.
pub const DEFAULT_BUFFER_M: f64 = 200.0;

/// A `YYYY-MM-DD` date in years 1000-9999, as periods are: chrono's `%Y`
/// also takes six-digit signed years, which no intervention has.
pub(crate) fn date(field: &str, s: &str) -> Result<NaiveDate, AppError> {
    use chrono::Datelike;
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (1000..=9999).contains(&d.year()))
        .ok_or_else(|| AppError::BadRequest(format!("{field}={s:?}: expected a date YYYY-MM-DD")))
}

/// Checks a request and turns it into what the store records. `groups` are
/// checked against the crime groups in use.
pub fn validate(
    req: InterventionRequest,
    groups: &hotspot_core::CrimeGroups,
    created_by: Option<String>,
) -> Result<NewIntervention, AppError> {
    let bad = |m: String| Err(AppError::BadRequest(m));
    let name = req.name.trim().to_string();
    let kind = req.kind.trim().to_string();
    if name.is_empty() || name.chars().count() > 200 {
        return bad("name: 1-200 characters".into());
    }
    if kind.is_empty() || kind.chars().count() > 100 {
        return bad(
            "kind: 1-100 characters, e.g. patrols, target hardening, day of action, CCTV".into(),
        );
    }
    let start_date = date("start", &req.start)?;
    let end_date = req.end.as_deref().map(|e| date("end", e)).transpose()?;
    if let Some(end) = end_date {
        if end < start_date {
            return bad(format!("end {end} is before start {start_date}"));
        }
    }
    let buffer_m = req.buffer_m.unwrap_or(DEFAULT_BUFFER_M);
    if !(buffer_m.is_finite()
        && buffer_m > 0.0
        && buffer_m <= hotspot_engine::interventions::MAX_BUFFER_M)
    {
        return bad(format!(
            "buffer_m must be in (0, {}] metres",
            hotspot_engine::interventions::MAX_BUFFER_M
        ));
    }
    for g in &req.groups {
        if groups.get(g).is_none() {
            return bad(format!(
                "groups: unknown crime group {g:?}; see /api/categories"
            ));
        }
    }
    let (area, site) = match (&req.area, req.site, req.radius_m) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return bad("give either area or site + radius_m, not both".into())
        }
        (Some(g), None, None) => {
            let polygons = crate::pipeline::polygons_from_geojson(g).map_err(|_| {
                AppError::BadRequest("area: expected a GeoJSON Polygon or MultiPolygon".into())
            })?;
            let mp = geo_types::MultiPolygon(polygons.into_iter().flat_map(|m| m.0).collect());
            if mp.0.is_empty() {
                return bad("area: expected a GeoJSON Polygon or MultiPolygon".into());
            }
            let in_range =
                mp.0.iter()
                    .flat_map(|p| p.exterior().0.iter())
                    .all(|c| (-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y));
            if !in_range {
                return bad("area: coordinates must be WGS84 longitude, latitude".into());
            }
            (mp, None)
        }
        (None, Some(s), Some(r)) => {
            let mp = hotspot_engine::interventions::site_area(s.lon, s.lat, r)?;
            (
                mp,
                Some(InterventionSite {
                    lon: s.lon,
                    lat: s.lat,
                    radius_m: r,
                }),
            )
        }
        (None, Some(_), None) => return bad("site needs radius_m (metres)".into()),
        (None, None, Some(_)) => return bad("radius_m needs a site {\"lon\":…,\"lat\":…}".into()),
        (None, None, None) => {
            return bad(
                "the target area is missing: give area (a GeoJSON Polygon or MultiPolygon) or \
                 site {\"lon\":…,\"lat\":…} with radius_m"
                    .into(),
            )
        }
    };
    Ok(NewIntervention {
        name,
        kind,
        area,
        site,
        start_date,
        end_date,
        buffer_m,
        groups: req.groups,
        types: req.types,
        notes: req.notes.filter(|n| !n.trim().is_empty()),
        created_by,
    })
}

/// What the evaluation needs of a recorded intervention.
pub fn spec(i: &Intervention) -> InterventionSpec {
    let n = &i.intervention;
    InterventionSpec {
        area: n.area.clone(),
        start: n.start_date,
        end: n.end_date,
        buffer_m: n.buffer_m,
        groups: n.groups.clone(),
        types: n.types.clone(),
    }
}

/// Evaluation options from `control=E05…,E05…` and `before=2024-01..2024-06`.
/// The engine's evaluation options: control wards (empty: chosen
/// automatically) and the before period.
pub fn options(
    control: &[String],
    before: Option<MonthRange>,
) -> Result<EvaluationOptions, AppError> {
    Ok(EvaluationOptions {
        control: if control.is_empty() {
            Control::Automatic
        } else {
            Control::Wards(control.to_vec())
        },
        before,
    })
}

fn geometry(mp: &geo_types::MultiPolygon<f64>) -> geojson::Geometry {
    geojson::Geometry::new(geojson::Value::from(mp))
}

/// An intervention as the API shows it (its area as a GeoJSON geometry).
pub fn to_api(i: &Intervention) -> api::Intervention {
    let n = &i.intervention;
    api::Intervention {
        id: i.id,
        name: n.name.clone(),
        kind: n.kind.clone(),
        start: n.start_date.to_string(),
        end: n.end_date.map(|d| d.to_string()),
        buffer_m: n.buffer_m,
        groups: n.groups.clone(),
        types: n.types.clone(),
        notes: n.notes.clone(),
        site: n.site.map(|s| api::InterventionSite {
            lon: s.lon,
            lat: s.lat,
            radius_m: s.radius_m,
        }),
        area: geometry(&n.area),
        created_by: n.created_by.clone(),
        created_at: i.created_at.clone(),
    }
}

/// The evaluation, with a FeatureCollection of the three areas.
pub fn evaluation_to_api(
    i: &Intervention,
    e: &InterventionEvaluation,
) -> api::InterventionEvaluation {
    let area =
        |role: &str, mp: &geo_types::MultiPolygon<f64>, counts: &hotspot_engine::PeriodCounts| {
            let properties = api::EvaluationArea {
                role: role.to_string(),
                counts: *counts,
            };
            api::Feature::new((!mp.0.is_empty()).then(|| geometry(mp)), properties)
        };
    let areas = vec![
        area("target", &e.target_area, &e.target),
        area("buffer", &e.buffer_area, &e.buffer),
        area("control", &e.control_area, &e.control),
    ];
    api::InterventionEvaluation {
        intervention: to_api(i),
        evaluation: e.evaluation.clone(),
        areas: api::FeatureCollection::new(areas, api::NoMeta {}),
    }
}

fn parse_id(id: &str) -> Result<i64, AppError> {
    id.parse()
        .map_err(|_| AppError::NotFound(format!("no intervention with id {id:?}")))
}

async fn find(state: &AppState, id: &str) -> Result<Intervention, AppError> {
    let id = parse_id(id)?;
    state
        .store
        .intervention(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no intervention with id {id}")))
}

/// `POST /api/interventions` (analyst).
#[utoipa::path(post, path = "/interventions", operation_id = "create_intervention",
    summary = "Record an intervention",
    description = "The target area is either `area` (a GeoJSON Polygon or MultiPolygon, or a Feature holding one) \
or `site` with `radius_m`.",
    request_body = InterventionRequest,
    responses(
        (status = 201, description = "The recorded intervention", body = api::Intervention, links(
            ("GetIntervention" = (operation_id = "get_intervention", parameters(("id" = "$response.body#/id")))),
            ("EvaluateIntervention" = (operation_id = "evaluate_intervention", parameters(("id" = "$response.body#/id")))),
            ("DeleteIntervention" = (operation_id = "delete_intervention", parameters(("id" = "$response.body#/id")))),
        )),
        (status = 415, description = "The body is not declared as application/json", body = ErrorBody),
        (status = 422, description = "The JSON does not have the expected fields", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    JsonBody(req): JsonBody<InterventionRequest>,
) -> Result<Response, AppError> {
    let new = validate(req, state.dataset().groups(), who.username.clone())?;
    let stored = state.store.create_intervention(&new).await?;
    Ok((StatusCode::CREATED, Json(to_api(&stored))).into_response())
}

/// `GET /api/interventions` (partner).
#[utoipa::path(get, path = "/interventions", operation_id = "list_interventions",
    summary = "The intervention log",
    description = "Takes no parameters (any is refused).",
    responses((status = 200, description = "Every recorded intervention", body = api::Interventions)))]
pub async fn list(
    State(state): State<Arc<AppState>>,
    ApiQuery(NoParams {}): ApiQuery<NoParams>,
) -> Result<Json<api::Interventions>, AppError> {
    let all = state.store.interventions().await?;
    Ok(Json(api::Interventions {
        interventions: all.iter().map(to_api).collect(),
    }))
}

/// `GET /api/interventions/{id}` (partner).
#[utoipa::path(get, path = "/interventions/{id}", operation_id = "get_intervention",
    summary = "One intervention",
    params(("id" = String, Path, description = "Intervention id (an integer; anything else is not found)", example = "1")),
    responses(
        (status = 200, description = "The intervention", body = api::Intervention),
        (status = 404, description = "No such intervention", body = ErrorBody),
    ))]
pub async fn one(
    State(state): State<Arc<AppState>>,
    PathParam(id): PathParam<String>,
) -> Result<Json<api::Intervention>, AppError> {
    Ok(Json(to_api(&find(&state, &id).await?)))
}

/// `DELETE /api/interventions/{id}` (analyst).
#[utoipa::path(delete, path = "/interventions/{id}", operation_id = "delete_intervention",
    summary = "Delete an intervention",
    params(("id" = String, Path, description = "Intervention id", example = "1")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such intervention", body = ErrorBody),
    ))]
pub async fn delete(
    State(state): State<Arc<AppState>>,
    PathParam(id): PathParam<String>,
) -> Result<StatusCode, AppError> {
    if state.store.delete_intervention(parse_id(&id)?).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound(format!("no intervention with id {id}")))
    }
}

/// `GET /api/interventions/{id}/evaluation?control=&before=` (partner).
#[utoipa::path(get, path = "/interventions/{id}/evaluation", operation_id = "evaluate_intervention",
    summary = "Before/after counts in target, buffer and control areas, and the WDQ",
    params(("id" = String, Path, description = "Intervention id", example = "1"), params::EvaluationOptions),
    responses(
        (status = 200, description = "The evaluation and the three areas", body = api::InterventionEvaluation),
        (status = 404, description = "No such intervention, or an unknown control ward", body = ErrorBody),
    ))]
pub async fn evaluation(
    State(state): State<Arc<AppState>>,
    PathParam(id): PathParam<String>,
    ApiQuery(o): ApiQuery<params::EvaluationOptions>,
) -> Result<Json<api::InterventionEvaluation>, AppError> {
    let control = o.control.map(|c| c.0).unwrap_or_default();
    let opts = options(&control, o.before.map(|b| b.0))?;
    let i = find(&state, &id).await?;
    let spec = spec(&i);
    let ds = state.dataset();
    let e = tokio::task::spawn_blocking(move || ds.evaluate_intervention(&spec, &opts))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(Json(evaluation_to_api(&i, &e)))
}
