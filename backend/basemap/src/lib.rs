//! The deployment's own basemap for printed maps.
//!
//! `hotspot serve --basemap FILE.pmtiles` serves a PMTiles archive of
//! vector tiles in the Protomaps basemap schema to the browser. A printed
//! ward briefing has no browser to draw it, so this crate reads the same
//! archive for an area in British National Grid and returns the few things
//! a briefing map needs to show where it is: water, parks and woods,
//! buildings, roads by class and rivers, as BNG geometries ready to draw.
//!
//! ```no_run
//! # async fn demo() -> Result<(), hotspot_basemap::BasemapError> {
//! let archive = hotspot_basemap::Archive::open("basemap.pmtiles", "© OpenStreetMap contributors").await?;
//! // Northampton town centre, 3 km square.
//! let layers = archive.layers([474_000.0, 259_000.0, 477_000.0, 262_000.0]).await?;
//! println!("{} roads", layers.lines.len());
//! # Ok(()) }
//! ```

#[cfg(feature = "fixture")]
pub mod fixture;
mod tiles;

use std::path::Path;

use geo_types::{Geometry, LineString, Polygon};
use pmtiles::{AsyncPmTilesReader, MmapBackend, NoCache, TileCoord, TileType};

pub use tiles::{zoom_for, TileRange};

/// Why the basemap could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BasemapError {
    #[error("{path}: {source}")]
    Open {
        path: String,
        source: pmtiles::PmtError,
    },
    #[error("{path}: holds {found:?} tiles, not vector tiles (MVT)")]
    NotVector { path: String, found: TileType },
    #[error("reading tile {z}/{x}/{y}: {message}")]
    Tile {
        z: u8,
        x: u32,
        y: u32,
        message: String,
    },
}

/// What an area of the map is, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaKind {
    Water,
    /// Parks, woods, grass, cemeteries: the open land people know by name.
    Green,
    Building,
}

/// What a line is, for its width and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LineKind {
    Path,
    Minor,
    Major,
    Highway,
    /// Rivers and canals.
    Water,
}

/// The basemap's features for one area, in BNG metres, in drawing order
/// (areas first, then lines from minor to major).
#[derive(Debug, Clone, Default)]
pub struct BaseLayers {
    pub areas: Vec<(AreaKind, Polygon<f64>)>,
    pub lines: Vec<(LineKind, LineString<f64>)>,
    /// Credit the map must carry, e.g. "© OpenStreetMap contributors".
    pub attribution: String,
    /// The zoom level the tiles were read at.
    pub zoom: u8,
}

/// An open PMTiles archive of Protomaps-schema vector tiles.
pub struct Archive {
    reader: AsyncPmTilesReader<MmapBackend, NoCache>,
    attribution: String,
}

/// At most this many tiles are read for one map; a larger area is read at
/// a lower zoom.
const MAX_TILES: usize = 36;

impl Archive {
    /// Opens the archive at `path` by memory map.
    pub async fn open(path: impl AsRef<Path>, attribution: &str) -> Result<Self, BasemapError> {
        let path = path.as_ref();
        let reader = AsyncPmTilesReader::new_with_path(path)
            .await
            .map_err(|source| BasemapError::Open {
                path: path.display().to_string(),
                source,
            })?;
        let found = reader.get_header().tile_type;
        if found != TileType::Mvt {
            return Err(BasemapError::NotVector {
                path: path.display().to_string(),
                found,
            });
        }
        Ok(Archive {
            reader,
            attribution: attribution.to_string(),
        })
    }

    /// The features in `extent` (BNG min x, min y, max x, max y), read at
    /// the zoom [`zoom_for`] chooses for it. Tiles the archive lacks are
    /// left out (an extract covers only its own area).
    pub async fn layers(&self, extent: [f64; 4]) -> Result<BaseLayers, BasemapError> {
        let header = self.reader.get_header();
        let mut zoom = zoom_for(extent, header.min_zoom, header.max_zoom);
        let mut range = TileRange::covering(extent, zoom);
        while range.len() > MAX_TILES && zoom > header.min_zoom {
            zoom -= 1;
            range = TileRange::covering(extent, zoom);
        }
        let mut out = BaseLayers {
            attribution: self.attribution.clone(),
            zoom,
            ..BaseLayers::default()
        };
        for (x, y) in range.tiles() {
            let error = |message: String| BasemapError::Tile {
                z: zoom,
                x,
                y,
                message,
            };
            let coord = TileCoord::new(zoom, x, y).map_err(|e| error(e.to_string()))?;
            let Some(bytes) = self
                .reader
                .get_tile_decompressed(coord)
                .await
                .map_err(|e| error(e.to_string()))?
            else {
                continue;
            };
            decode_tile(&bytes, (zoom, x, y), &mut out).map_err(error)?;
        }
        out.lines.sort_by_key(|(kind, _)| *kind);
        Ok(out)
    }
}

/// Adds the features of one vector tile to `out`.
fn decode_tile(bytes: &[u8], at: (u8, u32, u32), out: &mut BaseLayers) -> Result<(), String> {
    let reader = mvt_reader::Reader::new(bytes.to_vec()).map_err(|e| e.to_string())?;
    let layers = reader.get_layer_metadata().map_err(|e| e.to_string())?;
    for layer in layers {
        let features = reader
            .get_features_as::<f64>(layer.layer_index)
            .map_err(|e| e.to_string())?;
        let to_bng = tiles::TileToBng::new(at, layer.extent);
        for f in features {
            let kind = f.properties.as_ref().and_then(|p| match p.get("kind") {
                Some(mvt_reader::feature::Value::String(s)) => Some(s.as_str()),
                _ => None,
            });
            match (layer.name.as_str(), kind) {
                ("water", _) => {
                    push_areas(&f.geometry, AreaKind::Water, &to_bng, out);
                    push_lines(&f.geometry, LineKind::Water, &to_bng, out);
                }
                ("landuse" | "landcover", Some(k)) if is_green(k) => {
                    push_areas(&f.geometry, AreaKind::Green, &to_bng, out)
                }
                ("buildings", _) => push_areas(&f.geometry, AreaKind::Building, &to_bng, out),
                ("roads", Some(k)) => {
                    if let Some(kind) = road_kind(k) {
                        push_lines(&f.geometry, kind, &to_bng, out)
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

fn is_green(kind: &str) -> bool {
    matches!(
        kind,
        "park"
            | "wood"
            | "forest"
            | "grass"
            | "nature_reserve"
            | "cemetery"
            | "golf_course"
            | "recreation_ground"
            | "playground"
            | "pitch"
    )
}

/// The Protomaps `roads` kinds, by how prominently a map draws them.
fn road_kind(kind: &str) -> Option<LineKind> {
    match kind {
        "highway" => Some(LineKind::Highway),
        "major_road" | "medium_road" => Some(LineKind::Major),
        "minor_road" | "other" => Some(LineKind::Minor),
        "path" => Some(LineKind::Path),
        _ => None,
    }
}

fn push_areas(g: &Geometry<f64>, kind: AreaKind, to_bng: &tiles::TileToBng, out: &mut BaseLayers) {
    let polygons = match g {
        Geometry::Polygon(p) => vec![p.clone()],
        Geometry::MultiPolygon(m) => m.0.clone(),
        _ => return,
    };
    for p in polygons {
        if let Some(p) = to_bng.polygon(&p) {
            out.areas.push((kind, p));
        }
    }
}

fn push_lines(g: &Geometry<f64>, kind: LineKind, to_bng: &tiles::TileToBng, out: &mut BaseLayers) {
    let lines = match g {
        Geometry::LineString(l) => vec![l.clone()],
        Geometry::MultiLineString(m) => m.0.clone(),
        _ => return,
    };
    for l in lines {
        if let Some(l) = to_bng.line(&l) {
            out.lines.push((kind, l));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{write_archive, FixtureFeature};

    /// Northampton's Market Square and Drapery (WGS84), to place fixture features.
    const MARKET_SQUARE: (f64, f64) = (-0.8956, 52.2390);

    #[tokio::test]
    async fn reads_roads_water_and_parks_into_bng_where_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("base.pmtiles");
        let (lon, lat) = MARKET_SQUARE;
        write_archive(
            &path,
            14,
            &[
                FixtureFeature::line(
                    "roads",
                    "major_road",
                    &[(lon - 0.002, lat), (lon + 0.002, lat)],
                ),
                FixtureFeature::line(
                    "roads",
                    "bus_stop",
                    &[(lon, lat - 0.001), (lon, lat + 0.001)],
                ),
                FixtureFeature::square("water", "river", (lon, lat + 0.003), 0.0008),
                FixtureFeature::square("landuse", "park", (lon + 0.003, lat), 0.0008),
                FixtureFeature::square("landuse", "industrial", (lon - 0.003, lat), 0.0008),
            ],
        )
        .unwrap();
        let archive = Archive::open(&path, "© test").await.unwrap();
        let (x, y) = hotspot_core::wgs84_to_bng(lon, lat).unwrap();
        let layers = archive
            .layers([x - 800.0, y - 800.0, x + 800.0, y + 800.0])
            .await
            .unwrap();
        assert_eq!(layers.attribution, "© test");
        assert_eq!(layers.zoom, 14, "the archive's only zoom");
        // The road's ends are where they were put, to within a tile pixel.
        let roads: Vec<_> = layers
            .lines
            .iter()
            .filter(|(k, _)| *k == LineKind::Major)
            .collect();
        assert_eq!(
            roads.len(),
            1,
            "one major road; the bus stop kind is not a road"
        );
        let (ex, ey) = hotspot_core::wgs84_to_bng(lon - 0.002, lat).unwrap();
        let first = roads[0].1 .0[0];
        assert!(
            (first.x - ex).abs() < 2.0 && (first.y - ey).abs() < 2.0,
            "{first:?} vs {ex},{ey}"
        );
        let mut kinds: Vec<_> = layers.areas.iter().map(|(k, _)| format!("{k:?}")).collect();
        kinds.sort();
        assert_eq!(kinds, ["Green", "Water"], "industrial land is not drawn");
    }

    #[tokio::test]
    async fn a_raster_archive_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("raster.pmtiles");
        crate::fixture::write_raster_archive(&path).unwrap();
        let Err(e) = Archive::open(&path, "").await else {
            panic!("a PNG archive opened as a basemap");
        };
        assert!(e.to_string().contains("raster.pmtiles") && e.to_string().contains("not vector"));
    }
}
