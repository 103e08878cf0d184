//! A basemap the deployment hosts itself: one PMTiles archive (`hotspot
//! serve --basemap FILE.pmtiles`) served as a file, which the map client
//! reads with HTTP Range requests through the `pmtiles` protocol, and a
//! bundled MapLibre style for the Protomaps basemap schema (the layers of
//! a `pmtiles extract` of a Protomaps build). No internet is needed.
//!
//! * `GET /basemap/tiles.pmtiles`: the archive (Range requests, 206);
//! * `GET /basemap/style.json`: the style;
//! * `GET /config.json`: points the map client at that style.
//!
//! Street and place names are map data, not incident data: these are
//! served to every caller, as the page itself is.

use std::path::PathBuf;

use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tower_http::services::ServeFile;

/// Where the basemap comes from.
#[derive(Debug, Clone)]
pub struct Basemap {
    pub archive: PathBuf,
    /// Shown on the map, e.g. "© OpenStreetMap contributors".
    pub attribution: String,
}

impl Basemap {
    /// The basemap's features for a printed map of `extent` (BNG), for
    /// briefings. A basemap that cannot be read is logged and left out:
    /// the briefing still comes, without streets, rather than not at all.
    pub async fn layers(&self, extent: [f64; 4]) -> Option<hotspot_basemap::BaseLayers> {
        let read = async {
            hotspot_basemap::Archive::open(&self.archive, &self.attribution)
                .await?
                .layers(extent)
                .await
        };
        read.await
            .inspect_err(|e| tracing::warn!(error = %e, "basemap left out of the briefing map"))
            .ok()
    }

    /// Checks that `archive` is a PMTiles version 3 file, so a mistyped
    /// `--basemap` is refused at start-up rather than at the first map.
    pub fn check(archive: &std::path::Path) -> Result<(), String> {
        let mut magic = [0u8; 8];
        std::fs::File::open(archive)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
            .map_err(|e| format!("{}: {e}", archive.display()))?;
        if &magic[..7] != b"PMTiles" || magic[7] != 3 {
            return Err(format!(
                "{}: not a PMTiles version 3 archive",
                archive.display()
            ));
        }
        Ok(())
    }
}

/// The archive's URL on this service.
pub const ARCHIVE_PATH: &str = "/basemap/tiles.pmtiles";
/// The style's URL on this service.
pub const STYLE_PATH: &str = "/basemap/style.json";

/// The routes serving `b`.
pub fn routes<S: Clone + Send + Sync + 'static>(b: &Basemap) -> Router<S> {
    let style = style(&b.attribution);
    let config = json!({ "basemap": STYLE_PATH, "basemap_attribution": b.attribution });
    Router::new()
        .route_service(ARCHIVE_PATH, ServeFile::new(&b.archive))
        .route(STYLE_PATH, get(move || async move { Json(style) }))
        .route("/config.json", get(move || async move { Json(config) }))
}

/// The bundled style: land, parks and woods, water, roads by class,
/// buildings, road names along the roads and place names, in quiet colours
/// so the hotspot and ward layers drawn over it stay legible. Fonts are the
/// page's own (the client adds them to the style).
pub fn style(attribution: &str) -> Value {
    let roads = |id: &str, kinds: &[&str], colour: &str, width: Value, minzoom: u8| {
        json!({ "id": id, "type": "line", "source": "basemap", "source-layer": "roads",
            "minzoom": minzoom,
            "filter": ["in", ["get", "kind"], ["literal", kinds]],
            "layout": { "line-cap": "round", "line-join": "round" },
            "paint": { "line-color": colour, "line-width": width } })
    };
    let by_zoom = |z0: f64, w0: f64, z1: f64, w1: f64| {
        json!([
            "interpolate",
            ["exponential", 1.6],
            ["zoom"],
            z0,
            w0,
            z1,
            w1
        ])
    };
    json!({
        "version": 8,
        "name": "Hotspot basemap (Protomaps schema)",
        "sources": {
            "basemap": {
                "type": "vector",
                "url": format!("pmtiles://{ARCHIVE_PATH}"),
                "attribution": attribution,
            }
        },
        "layers": [
            { "id": "background", "type": "background", "paint": { "background-color": "#eef0f2" } },
            { "id": "basemap-earth", "type": "fill", "source": "basemap", "source-layer": "earth",
              "paint": { "fill-color": "#f2f1ec" } },
            { "id": "basemap-green", "type": "fill", "source": "basemap", "source-layer": "landuse",
              "filter": ["in", ["get", "kind"], ["literal", ["park", "wood", "forest", "grass", "nature_reserve", "cemetery", "golf_course"]]],
              "paint": { "fill-color": "#dfe8d5" } },
            { "id": "basemap-water", "type": "fill", "source": "basemap", "source-layer": "water",
              "paint": { "fill-color": "#c6d9e8" } },
            { "id": "basemap-buildings", "type": "fill", "source": "basemap", "source-layer": "buildings",
              "minzoom": 14, "paint": { "fill-color": "#e3e1dc" } },
            roads("basemap-minor", &["minor_road", "other", "path"], "#ffffff", by_zoom(12.0, 0.5, 18.0, 8.0), 12),
            roads("basemap-major", &["major_road", "medium_road"], "#fbf6ea", by_zoom(8.0, 0.6, 18.0, 12.0), 8),
            roads("basemap-highway", &["highway"], "#f3dfb6", by_zoom(6.0, 0.8, 18.0, 14.0), 6),
            { "id": "basemap-road-names", "type": "symbol", "source": "basemap", "source-layer": "roads",
              "minzoom": 14,
              "layout": { "symbol-placement": "line", "text-field": ["get", "name"],
                  "text-font": ["Noto Sans Regular"], "text-size": 11 },
              "paint": { "text-color": "#5b5b5b", "text-halo-color": "#ffffff", "text-halo-width": 1.2 } },
            { "id": "basemap-places", "type": "symbol", "source": "basemap", "source-layer": "places",
              "layout": { "text-field": ["get", "name"], "text-font": ["Noto Sans Regular"],
                  "text-size": ["interpolate", ["linear"], ["zoom"], 8, 11, 14, 14] },
              "paint": { "text-color": "#4a4a4a", "text-halo-color": "#ffffff", "text-halo-width": 1.4 } }
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_style_reads_the_served_archive_and_credits_it() {
        let s = style("© OpenStreetMap contributors");
        assert_eq!(
            s["sources"]["basemap"]["url"],
            "pmtiles:///basemap/tiles.pmtiles"
        );
        assert_eq!(
            s["sources"]["basemap"]["attribution"],
            "© OpenStreetMap contributors"
        );
        let layers = s["layers"].as_array().unwrap();
        assert!(layers.iter().any(|l| l["id"] == "basemap-water"));
        // Every text layer uses a font the page serves.
        for l in layers.iter().filter(|l| l["type"] == "symbol") {
            assert_eq!(l["layout"]["text-font"], json!(["Noto Sans Regular"]));
        }
    }
}
