//! Kernel density surfaces and hotspot areas.

use hotspot_api::responses::ErrorBody;
use std::sync::Arc;

use crate::geojson_out;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use hotspot_engine::DensityQuery;

use super::{geojson, json_grid};
use hotspot_api::params::{
    Categories, DensityFormat, DensityOptions, HotspotOptions, Kde, Scope, Selection, Weight,
};

use crate::query::{selection, weighting, ApiQuery};
use crate::{AppError, AppState};
use hotspot_api::responses::{
    DensityCell, DensityGrid, DensityMeta, FeatureCollection, HotspotProperties,
};

/// A density query: the selection's box is the grid's extent.
pub(crate) fn density_query(
    state: &AppState,
    sel: Selection,
    kde: Kde,
    weight: &Weight,
) -> Result<DensityQuery, AppError> {
    let mut selection = selection(sel);
    selection.weighting = weighting(weight.by(), &state.config)?;
    let extent = selection.bbox.take();
    Ok(DensityQuery {
        selection,
        extent,
        cell: kde.cell.map(|c| c.0),
        bandwidth: kde.bandwidth.map(|b| b.0),
    })
}

#[utoipa::path(get, path = "/density",
    summary = "Kernel density surface (quartic kernel, incidents per km²)",
    description = "Grids over 16 million cells are refused (400).",
    params(Categories, Scope, Kde, DensityOptions, Weight),
    responses(
        (status = 200, description = "The surface, in the requested format", content(
            (FeatureCollection<DensityCell, DensityMeta> = "application/geo+json"),
            (DensityGrid = "application/json"),
            ("image/tiff; application=geotiff"),
        )),
        (status = 404, description = "No ward with the `ward` code", body = ErrorBody),
        (status = 409, description = "`weight=harm` without a harm index loaded", body = ErrorBody),
    ))]
pub(crate) async fn density(
    State(state): State<Arc<AppState>>,
    ApiQuery((sel, kde, options, weight)): ApiQuery<(Selection, Kde, DensityOptions, Weight)>,
) -> Result<Response, AppError> {
    let query = density_query(&state, sel, kde, &weight)?;
    let format = options.format.map(|f| f.0).unwrap_or_default();
    let min_density = options.min_density.map_or(0.0, |m| m.0);
    if !min_density.is_finite() {
        return Err(AppError::BadRequest(format!(
            "min_density={min_density}: expected a finite number (incidents per km²)"
        )));
    }
    let ds = state.dataset();
    let result = tokio::task::spawn_blocking(move || ds.density(&query))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    match format {
        DensityFormat::Geojson => Ok(geojson(geojson_out::density_cells(&result, min_density))),
        DensityFormat::Grid => {
            let grid = geojson_out::density_raster(&result);
            Ok(json_grid(&grid, grid.values.len(), 8))
        }
        DensityFormat::Geotiff => {
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
    }
}

#[utoipa::path(get, path = "/hotspots",
    summary = "Hotspot areas: density isobands for the top X% of cells",
    params(Categories, Scope, Kde, HotspotOptions, Weight),
    responses(
        (status = 200, description = "Hotspot polygons with the incidents inside and their share", body = FeatureCollection<HotspotProperties, DensityMeta>, content_type = "application/geo+json"),
        (status = 404, description = "No ward with the `ward` code", body = ErrorBody),
        (status = 409, description = "`weight=harm` without a harm index loaded", body = ErrorBody),
    ))]
pub(crate) async fn hotspots(
    State(state): State<Arc<AppState>>,
    ApiQuery((sel, kde, options, weight)): ApiQuery<(Selection, Kde, HotspotOptions, Weight)>,
) -> Result<Response, AppError> {
    let query = density_query(&state, sel, kde, &weight)?;
    let top = options.top.map_or_else(|| vec![10.0, 5.0, 1.0], |t| t.0);
    let ds = state.dataset();
    let (result, areas) = tokio::task::spawn_blocking(move || ds.hotspots(&query, &top))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(geojson(geojson_out::hotspots(&result, &areas)))
}
