//! Kernel density surfaces and hotspot areas.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hotspot_engine::{geojson_out, DensityQuery};

use super::geojson;
use crate::openapi as doc;
use crate::query::{Params, SELECTION_KEYS};
use crate::{AppError, AppState};

pub(crate) fn density_query(p: &Params) -> Result<DensityQuery, AppError> {
    let mut selection = p.selection()?;
    let extent = selection.bbox.take();
    Ok(DensityQuery {
        selection,
        extent,
        cell: p.positive("cell")?,
        bandwidth: p.positive("bandwidth")?,
    })
}

#[utoipa::path(get, path = "/density",
    summary = "Kernel density surface (quartic kernel, incidents per km²)",
    description = "Grids over 16 million cells are refused (400).",
    params(doc::Selection, doc::Kde, doc::DensityOptions),
    responses(
        (status = 200, description = "The surface, in the requested format", content(
            (doc::FeatureCollection = "application/geo+json"),
            ("application/json"),
            ("image/tiff; application=geotiff"),
        )),
        (status = 404, description = "No ward with the `ward` code", body = doc::ErrorBody),
    ))]
pub(crate) async fn density(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let p = Params::new(
        q,
        &[
            SELECTION_KEYS,
            &["cell", "bandwidth", "format", "min_density"],
        ],
    )?;
    let query = density_query(&p)?;
    let format = p.str("format").unwrap_or("geojson").to_string();
    let min_density = p.number::<f64>("min_density")?.unwrap_or(0.0);
    if !min_density.is_finite() {
        return Err(AppError::BadRequest(format!(
            "min_density={min_density}: expected a finite number (incidents per km²)"
        )));
    }
    let ds = state.dataset();
    let result = tokio::task::spawn_blocking(move || ds.density(&query))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    match format.as_str() {
        "geojson" => Ok(geojson(geojson_out::density_cells(&result, min_density))),
        "grid" => Ok(Json(geojson_out::density_raster(&result)).into_response()),
        "geotiff" | "tiff" => {
            let mut buf = std::io::Cursor::new(Vec::new());
            hotspot_density::write_geotiff(&result.grid, &mut buf)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok((
                [
                    (header::CONTENT_TYPE, "image/tiff; application=geotiff"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"hotspot-density.tif\"",
                    ),
                ],
                buf.into_inner(),
            )
                .into_response())
        }
        other => Err(AppError::BadRequest(format!(
            "format={other:?}: expected geojson, grid or geotiff"
        ))),
    }
}

#[utoipa::path(get, path = "/hotspots",
    summary = "Hotspot areas: density isobands for the top X% of cells",
    params(doc::Selection, doc::Kde, doc::HotspotOptions),
    responses(
        (status = 200, description = "Hotspot polygons with the incidents inside and their share", body = doc::FeatureCollection, content_type = "application/geo+json"),
        (status = 404, description = "No ward with the `ward` code", body = doc::ErrorBody),
    ))]
pub(crate) async fn hotspots(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let p = Params::new(q, &[SELECTION_KEYS, &["cell", "bandwidth", "top"]])?;
    let query = density_query(&p)?;
    let top: Vec<f64> = match p.str("top") {
        None => vec![10.0, 5.0, 1.0],
        Some(s) => s
            .split(',')
            .map(|v| v.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| {
                AppError::BadRequest(format!("top={s:?}: expected percentages such as 10,5,1"))
            })?,
    };
    let ds = state.dataset();
    let (result, areas) = tokio::task::spawn_blocking(move || ds.hotspots(&query, &top))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(geojson(geojson_out::hotspots(&result, &areas)))
}
