//! Small PMTiles archives for tests (feature `fixture`): a few features in
//! the Protomaps basemap schema, written at one zoom into every tile they
//! touch, so tests never download a basemap.

use std::path::Path;

use mvt::{GeomEncoder, GeomType, Tile};
use pmtiles::{PmTilesWriter, TileCoord, TileType};

const EXTENT: u32 = 4096;

/// One feature: a layer, its `kind`, and WGS84 points (a line, or a
/// polygon's closed ring).
#[derive(Debug, Clone)]
pub struct FixtureFeature {
    pub layer: &'static str,
    pub kind: &'static str,
    pub points: Vec<(f64, f64)>,
    pub polygon: bool,
}

impl FixtureFeature {
    pub fn line(layer: &'static str, kind: &'static str, points: &[(f64, f64)]) -> Self {
        FixtureFeature {
            layer,
            kind,
            points: points.to_vec(),
            polygon: false,
        }
    }

    /// A square of half-side `half` degrees around `centre`.
    pub fn square(layer: &'static str, kind: &'static str, centre: (f64, f64), half: f64) -> Self {
        let (x, y) = centre;
        FixtureFeature {
            layer,
            kind,
            points: vec![
                (x - half, y - half),
                (x - half, y + half),
                (x + half, y + half),
                (x + half, y - half),
                (x - half, y - half),
            ],
            polygon: true,
        }
    }
}

/// Tile-local coordinates of a WGS84 point at `zoom`, and its tile.
fn locate(zoom: u8, (lon, lat): (f64, f64)) -> ((u32, u32), (f64, f64)) {
    let n = (1u64 << zoom) as f64;
    let lat_r = lat.to_radians();
    let wx = (lon + 180.0) / 360.0 * n;
    let wy = (1.0 - (lat_r.tan() + 1.0 / lat_r.cos()).ln() / std::f64::consts::PI) / 2.0 * n;
    let tile = (wx as u32, wy as u32);
    (
        (tile),
        (
            (wx - tile.0 as f64) * EXTENT as f64,
            (wy - tile.1 as f64) * EXTENT as f64,
        ),
    )
}

/// Writes `features` at `zoom` into a vector-tile archive at `path`. Each
/// feature goes into the tile holding its first point, in that tile's
/// coordinates (a feature may run past the tile's edge, as real tiles'
/// buffers do).
pub fn write_archive(path: &Path, zoom: u8, features: &[FixtureFeature]) -> Result<(), String> {
    let mut tiles: std::collections::BTreeMap<(u32, u32), Vec<&FixtureFeature>> =
        Default::default();
    for f in features {
        tiles
            .entry(locate(zoom, f.points[0]).0)
            .or_default()
            .push(f);
    }
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut writer = PmTilesWriter::new(TileType::Mvt)
        .min_zoom(zoom)
        .max_zoom(zoom)
        .create(file)
        .map_err(|e| e.to_string())?;
    for (&(x, y), fs) in &tiles {
        let bytes = encode_tile(zoom, (x, y), fs).map_err(|e| e.to_string())?;
        let coord = TileCoord::new(zoom, x, y).map_err(|e| e.to_string())?;
        writer.add_tile(coord, &bytes).map_err(|e| e.to_string())?;
    }
    writer.finalize().map_err(|e| e.to_string())
}

fn encode_tile(
    zoom: u8,
    (tx, ty): (u32, u32),
    features: &[&FixtureFeature],
) -> Result<Vec<u8>, mvt::Error> {
    let mut tile = Tile::new(EXTENT);
    let mut names: Vec<&str> = features.iter().map(|f| f.layer).collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let mut layer = tile.create_layer(name);
        for f in features.iter().filter(|f| f.layer == name) {
            let mut feature = layer.into_feature(geometry(zoom, (tx, ty), f)?);
            feature.add_tag_string("kind", f.kind);
            layer = feature.into_layer();
        }
        tile.add_layer(layer)?;
    }
    tile.to_bytes()
}

/// The feature's geometry in the coordinates of tile (`tx`, `ty`).
fn geometry(
    zoom: u8,
    (tx, ty): (u32, u32),
    f: &FixtureFeature,
) -> Result<mvt::GeomData, mvt::Error> {
    let kind = if f.polygon {
        GeomType::Polygon
    } else {
        GeomType::Linestring
    };
    let mut geom = GeomEncoder::new(kind);
    // A polygon's ring is written without repeating its first point.
    let n = f.points.len() - usize::from(f.polygon);
    for &p in &f.points[..n] {
        let ((px, py), (x, y)) = locate(zoom, p);
        let x = x + (px as f64 - tx as f64) * EXTENT as f64;
        let y = y + (py as f64 - ty as f64) * EXTENT as f64;
        geom.add_point(x.round(), y.round())?;
    }
    geom.encode()
}

/// An archive of PNG tiles, which the basemap reader must refuse.
pub fn write_raster_archive(path: &Path) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut writer = PmTilesWriter::new(TileType::Png)
        .create(file)
        .map_err(|e| e.to_string())?;
    let coord = TileCoord::new(0, 0, 0).map_err(|e| e.to_string())?;
    writer
        .add_tile(coord, b"\x89PNG")
        .map_err(|e| e.to_string())?;
    writer.finalize().map_err(|e| e.to_string())
}
