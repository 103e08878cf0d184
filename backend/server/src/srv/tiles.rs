//! Incident points as Mapbox vector tiles, for analysts' maps at any scale:
//! the map client asks for the tiles in view instead of downloading every
//! point as GeoJSON.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use hotspot_api::params::{Categories, Scope, Selection};
use hotspot_api::responses::ErrorBody;
use hotspot_engine::tiles::{IncidentTile, TileId, POINTS_FROM_ZOOM, TILE_EXTENT};
use mvt::{GeomEncoder, GeomType, Tile};

use super::blocking;
use crate::query::{selection, ApiQuery};
use crate::{AppError, AppState, PathParam};

/// The registered media type of Mapbox vector tiles.
pub(crate) const MVT: &str = "application/vnd.mapbox-vector-tile";
/// The one layer of an incident tile.
pub(crate) const LAYER: &str = "incidents";

#[utoipa::path(get, path = "/tiles/incidents/{z}/{x}/{y}",
    summary = "Selected incidents as a Mapbox vector tile (clustered below zoom 15)",
    description = "Web Mercator tiles, XYZ numbering (as MapLibre asks for them: \
                   `/api/tiles/incidents/{z}/{x}/{y}.mvt`), MVT 2.1, extent 4096, one layer \
                   `incidents` of points. From zoom 15: one point per location with `count`, \
                   `category` (the most common type there) and `month` (the latest, `YYYY-MM`). \
                   Below zoom 15: one point per non-empty cell of a 64 × 64 grid per tile, at the \
                   count-weighted centre of its locations, with `point_count` (as MapLibre's GeoJSON \
                   clusters). The selection is the one `/api/incidents` takes (`ward` and `bbox` \
                   narrow it further). 204 with no body when the tile holds no selected incident.",
    params(
        ("z" = u32, Path, description = "Zoom, 0..=22", example = 12),
        ("x" = u32, Path, description = "Column, west to east, below 2^z", example = 2036),
        ("y" = String, Path, description = "Row, north to south, below 2^z, then `.mvt`", example = "1348.mvt"),
        Categories,
        Scope,
    ),
    responses(
        (status = 200, description = "The tile", content(("application/vnd.mapbox-vector-tile"))),
        (status = 204, description = "No selected incident in this tile"),
        (status = 400, description = "No such tile, or a bad selection parameter", body = ErrorBody),
        (status = 404, description = "No ward with the `ward` code", body = ErrorBody),
    ))]
pub(crate) async fn incident_tile(
    State(state): State<Arc<AppState>>,
    PathParam((z, x, y)): PathParam<(u32, u32, String)>,
    ApiQuery(sel): ApiQuery<Selection>,
) -> Result<Response, AppError> {
    let tile = tile_id(z, x, &y)?;
    let sel = selection(sel);
    let ds = state.dataset();
    let tile = blocking(move || ds.incident_tile(&sel, tile)).await?;
    if tile.points.is_empty() {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let body = encode(&tile).map_err(|e| AppError::Internal(format!("MVT encoding: {e}")))?;
    Ok(([(header::CONTENT_TYPE, MVT)], body).into_response())
}

/// The tile a path names; the row carries the `.mvt` suffix (the router's
/// parameters cannot end in a fixed suffix).
fn tile_id(z: u32, x: u32, y: &str) -> Result<TileId, AppError> {
    let row = y
        .strip_suffix(".mvt")
        .and_then(|r| r.parse::<u32>().ok())
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "tile row {y:?}: expected a number followed by .mvt, e.g. 1348.mvt"
            ))
        })?;
    Ok(TileId::new(z, x, row)?)
}

/// The tile as MVT: one point feature per tile point.
pub(crate) fn encode(tile: &IncidentTile) -> Result<Vec<u8>, mvt::Error> {
    debug_assert_eq!(tile.clustered, tile.tile.z < POINTS_FROM_ZOOM);
    let mut out = Tile::new(TILE_EXTENT);
    let mut layer = out.create_layer(LAYER);
    for p in &tile.points {
        let point = GeomEncoder::new(GeomType::Point)
            .point(p.x as f64, p.y as f64)?
            .encode()?;
        let mut feature = layer.into_feature(point);
        match &p.site {
            None => feature.add_tag_uint("point_count", p.count),
            Some(site) => {
                feature.add_tag_uint("count", p.count);
                feature.add_tag_string("category", &site.category);
                feature.add_tag_string("month", &site.month.to_string());
            }
        }
        layer = feature.into_layer();
    }
    out.add_layer(layer)?;
    out.to_bytes()
}
