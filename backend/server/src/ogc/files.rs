//! Items as files to download: GeoPackage, CSV and GeoTIFF, with the
//! attribution, licence and marking inside.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::collections::Collection;
use super::query::{api_path, bad, FileFormat, ItemsQuery};
use super::{error, Api, RequestContext};
use hotspot_core::Role;

/// A grid collection as a GeoTIFF: the density surface as the API writes
/// it, Gi* z-scores placed cell by cell; other collections are not grids
/// of numbers.
async fn geotiff(
    api: &Api,
    req: &RequestContext,
    c: &Collection,
    q: &ItemsQuery,
    cells: Vec<Value>,
) -> Response {
    let bytes = match c.id {
        "density" => match api
            .get_bytes(req, &api_path("/density", q, &["format=geotiff".into()]))
            .await
        {
            Ok(b) => b.to_vec(),
            Err(e) => return e,
        },
        "gistar" => {
            let fc = json!({ "type": "FeatureCollection", "features": cells });
            let tiff = tokio::task::spawn_blocking(move || {
                hotspot_briefing::cells_geotiff(
                    &fc,
                    "z",
                    "Getis-Ord Gi* z-scores, British National Grid (EPSG:27700)",
                )
            })
            .await;
            match tiff {
                Ok(Ok(Some(b))) => b,
                Ok(Ok(None)) => {
                    return error(StatusCode::NOT_FOUND, "no Gi* cells for this selection")
                }
                Ok(Err(e)) => return error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
                Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
            }
        }
        other => {
            return bad(format!(
                "f=geotiff is for the grids of numbers, density and gistar, not {other}: use f=gpkg"
            ))
        }
    };
    attachment(bytes, "image/tiff", &format!("{}.tif", file_stem(c, q)))
}

/// e.g. `hotspot-hotspots-2025-07_2025-12`.
fn file_stem(c: &Collection, q: &ItemsQuery) -> String {
    match &q.period {
        Some(p) => format!("hotspot-{}-{}", c.id, p.replace("..", "_").replace(':', "")),
        None => format!("hotspot-{}", c.id),
    }
}

/// A file to save, never cached (it may hold unsuppressed counts).
fn attachment(bytes: Vec<u8>, media: &str, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, media.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// The features as a file to download, marked for who asked: public
/// answers have small counts withheld (by the API), others are not for
/// publication.
pub(crate) async fn file(
    api: &Api,
    req: &RequestContext,
    c: &Collection,
    q: &ItemsQuery,
    features: Vec<Value>,
    format: FileFormat,
) -> Response {
    let (media, ext) = match format {
        FileFormat::GeoTiff => return geotiff(api, req, c, q, features).await,
        FileFormat::GeoPackage => ("application/geopackage+sqlite3", "gpkg"),
        FileFormat::Csv => ("text/csv; charset=utf-8", "csv"),
    };
    let me = match api.me(req).await {
        Ok(me) => me,
        Err(e) => return e,
    };
    let marking = hotspot_core::disclosure::marking(me.role == Role::Public, me.suppress_below);
    let meta = hotspot_briefing::LayerMeta {
        name: c.id.to_string(),
        title: format!(
            "{}, {}",
            c.title,
            q.period
                .as_deref()
                .map_or("the default period".into(), |p| format!("period {p}"))
        ),
        attribution: vec![
            hotspot_core::disclosure::OGL_ATTRIBUTION.to_string(),
            hotspot_core::disclosure::BOUNDARIES_ATTRIBUTION.to_string(),
        ],
        marking,
    };
    let fc = json!({ "type": "FeatureCollection", "features": features });
    let stem = file_stem(c, q);
    let bytes = tokio::task::spawn_blocking(move || match format {
        FileFormat::Csv => hotspot_briefing::layer_csv(&fc, &meta),
        _ => hotspot_briefing::layer_geopackage(&fc, &meta),
    })
    .await;
    match bytes {
        Ok(Ok(bytes)) => attachment(bytes, media, &format!("{stem}.{ext}")),
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}
