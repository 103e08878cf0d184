//! `GET /api/wards/{code}/briefing`: one ward's briefing as a PDF, PNG, CSV
//! or GeoPackage download.
//!
//! Who gets what (the README's role table says the same):
//!
//! * `public=true` (or no `public=` from the public role): a public
//!   briefing, with small counts withheld and no points, hotspot areas or
//!   interventions. Anyone may download one.
//! * `public=false` (the default for partners and above): the full
//!   briefing, with hotspots and the intervention log. It needs the partner
//!   role: the public role asking for it is refused (401 anonymous, 403
//!   signed in) rather than silently given the public version, so a
//!   councillor never mistakes one for the other.
//! * Incident points appear only in full briefings for analysts and above.
//!
//! The download is recorded in the audit log like every request (user,
//! role, path and query, so which ward, period and format).

use hotspot_api::responses::ErrorBody;
use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use hotspot_briefing::Format;
use hotspot_core::Role;
use hotspot_engine::{BriefingQuery, InterventionInput};

use crate::auth::Principal;
use crate::error::PathParam;
use crate::query::{comparison, selection, ApiQuery};
use crate::{AppError, AppState};
use hotspot_api::params::{BriefingOptions, Categories, Comparison, Scope};

/// The intervention log as the engine takes it.
pub fn intervention_inputs(log: &[hotspot_store::Intervention]) -> Vec<InterventionInput> {
    log.iter()
        .map(|i| {
            let n = &i.intervention;
            InterventionInput {
                id: i.id,
                name: n.name.clone(),
                kind: n.kind.clone(),
                start: n.start_date,
                end: n.end_date,
                area: n.area.clone(),
                groups: n.groups.clone(),
                types: n.types.clone(),
            }
        })
        .collect()
}

/// `GET /api/wards/{code}/briefing?format=pdf|png|csv|gpkg&public=&period=&compare=&group=&type=&source=`
#[utoipa::path(get, path = "/wards/{code}/briefing",
    summary = "One ward's briefing as a PDF, PNG, CSV or GeoPackage download",
    description = "Public briefings (`public=true`) for anyone; full briefings need the partner role \
                   (401 anonymous, 403 signed in). Incident points only for analysts, in full briefings.",
    params(
        ("code" = String, Path, description = "Ward code (see /api/wards)", example = "E05999006"),
        BriefingOptions,
        Categories,
        Comparison,
    ),
    responses(
        (status = 200, description = "The briefing, as an attachment", content(
            ("application/pdf"),
            ("image/png"),
            ("text/csv; charset=utf-8"),
            ("application/geopackage+sqlite3"),
        )),
        (status = 404, description = "No ward with that code", body = ErrorBody),
        (status = 409, description = "No ward boundaries are loaded", body = ErrorBody),
    ))]
pub async fn ward_briefing(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    PathParam(code): PathParam<String>,
    ApiQuery((categories, o, compare)): ApiQuery<(Categories, BriefingOptions, Comparison)>,
) -> Result<Response, AppError> {
    let format: Format = o.format.map(|f| f.0).unwrap_or_default();
    let public = o.public.map_or(who.role < Role::Partner, |p| p.0);
    if !public && who.role < Role::Partner {
        let message = "a full (non-public) briefing needs the partner role; the public role may download public briefings (public=true)";
        return Err(match who.username {
            None => AppError::Unauthorized(format!("{message}: sign in or send an API token")),
            Some(_) => AppError::Forbidden(message.into()),
        });
    }
    let scope = Scope {
        period: o.period,
        ..Scope::default()
    };
    let selection = selection((categories, scope));
    let comparison = comparison(&compare, &selection.period)?;
    let log = if public {
        Vec::new()
    } else {
        intervention_inputs(&state.store.interventions().await?)
    };
    let query = BriefingQuery {
        selection,
        comparison,
        public,
        suppress_below: state.config.suppress_below,
        include_points: !public && who.role >= Role::Analyst,
        ..BriefingQuery::new(&code, chrono::Utc::now().date_naive())
    };
    let ds = state.dataset();
    let b = tokio::task::spawn_blocking(move || ds.ward_briefing(&query, &log))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    let basemap = match (&state.config.basemap, format) {
        (Some(m), Format::Pdf | Format::Png) => m.layers(hotspot_briefing::map_extent(&b)).await,
        _ => None,
    };
    let (stem, bytes) = tokio::task::spawn_blocking(move || {
        let bytes = hotspot_briefing::render(&b, format, basemap.as_ref())
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok::<_, AppError>((b.file_stem(), bytes))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok((
        [
            (header::CONTENT_TYPE, format.media_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.{}\"", format.extension()),
            ),
            // Full briefings hold unsuppressed counts: keep them out of caches.
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}
