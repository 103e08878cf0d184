//! Web Mercator tile arithmetic: which tiles cover a BNG extent, at which
//! zoom, and where a tile's coordinates fall in BNG.

use geo_types::{Coord, LineString, Polygon};
use hotspot_core::{bng_to_wgs84, wgs84_to_bng};

/// The equator's length in metres (WGS84 semi-major axis × 2π).
const EQUATOR_M: f64 = 40_075_016.686;

/// Tiles across the map's longer side the zoom aims for: 256-pixel tiles,
/// so about 400 pixels across a briefing's 300-point map, enough detail
/// to print and few enough tiles to read quickly.
const TILES_ACROSS: f64 = 1.5;

/// The zoom at which `extent` (BNG) spans about [`TILES_ACROSS`] tiles,
/// within the archive's zoom range.
///
/// ```
/// // A 2 km ward reads at street detail; a 20 km rural one three levels out.
/// assert_eq!(hotspot_basemap::zoom_for([474_000.0, 259_000.0, 476_000.0, 261_000.0], 0, 15), 14);
/// assert_eq!(hotspot_basemap::zoom_for([460_000.0, 250_000.0, 480_000.0, 270_000.0], 0, 15), 11);
/// ```
pub fn zoom_for(extent: [f64; 4], min_zoom: u8, max_zoom: u8) -> u8 {
    let side = (extent[2] - extent[0]).max(extent[3] - extent[1]).max(1.0);
    let lat = centre_lat(extent);
    let wanted = (TILES_ACROSS * EQUATOR_M * lat.to_radians().cos() / side)
        .log2()
        .round();
    (wanted.max(0.0) as u8).clamp(min_zoom, max_zoom.max(min_zoom))
}

fn centre_lat(extent: [f64; 4]) -> f64 {
    bng_to_wgs84((extent[0] + extent[2]) / 2.0, (extent[1] + extent[3]) / 2.0)
        .map(|(_, lat)| lat)
        .unwrap_or(52.0)
}

/// The tiles at one zoom that cover an extent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileRange {
    pub zoom: u8,
    pub x: (u32, u32),
    pub y: (u32, u32),
}

impl TileRange {
    /// The tiles covering `extent` (BNG), found from its corners in WGS84.
    pub fn covering(extent: [f64; 4], zoom: u8) -> Self {
        let corners = [
            (extent[0], extent[1]),
            (extent[0], extent[3]),
            (extent[2], extent[1]),
            (extent[2], extent[3]),
        ];
        let n = 1u32 << zoom;
        let (mut x, mut y) = ((u32::MAX, 0), (u32::MAX, 0));
        for (e, nn) in corners {
            let Ok((lon, lat)) = bng_to_wgs84(e, nn) else {
                continue;
            };
            let (fx, fy) = world(lon, lat);
            let (tx, ty) = (
                ((fx * n as f64) as u32).min(n - 1),
                ((fy * n as f64) as u32).min(n - 1),
            );
            x = (x.0.min(tx), x.1.max(tx));
            y = (y.0.min(ty), y.1.max(ty));
        }
        TileRange { zoom, x, y }
    }

    pub fn len(&self) -> usize {
        if self.x.0 > self.x.1 {
            return 0;
        }
        ((self.x.1 - self.x.0 + 1) * (self.y.1 - self.y.0 + 1)) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn tiles(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        (self.x.0..=self.x.1)
            .filter(|_| !self.is_empty())
            .flat_map(move |x| (self.y.0..=self.y.1).map(move |y| (x, y)))
    }
}

/// WGS84 to the Web Mercator unit square (x east, y south, both 0..1).
fn world(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.to_radians();
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
    ((lon + 180.0) / 360.0, y)
}

/// Converts one tile's coordinates (0..extent, y down) to BNG.
pub(crate) struct TileToBng {
    scale: f64,
    origin: (f64, f64),
}

impl TileToBng {
    pub(crate) fn new((z, x, y): (u8, u32, u32), extent: u32) -> Self {
        let n = (1u64 << z) as f64;
        TileToBng {
            scale: 1.0 / (n * extent.max(1) as f64),
            origin: (x as f64 / n, y as f64 / n),
        }
    }

    fn coord(&self, c: &Coord<f64>) -> Option<Coord<f64>> {
        let (wx, wy) = (
            self.origin.0 + c.x * self.scale,
            self.origin.1 + c.y * self.scale,
        );
        let lon = wx * 360.0 - 180.0;
        let lat = (std::f64::consts::PI * (1.0 - 2.0 * wy))
            .sinh()
            .atan()
            .to_degrees();
        wgs84_to_bng(lon, lat).ok().map(|(x, y)| Coord { x, y })
    }

    /// The line in BNG, or `None` when part of it lies outside Great Britain.
    pub(crate) fn line(&self, l: &LineString<f64>) -> Option<LineString<f64>> {
        l.0.iter()
            .map(|c| self.coord(c))
            .collect::<Option<Vec<_>>>()
            .map(LineString)
    }

    pub(crate) fn polygon(&self, p: &Polygon<f64>) -> Option<Polygon<f64>> {
        let interiors = p
            .interiors()
            .iter()
            .map(|r| self.line(r))
            .collect::<Option<_>>()?;
        Some(Polygon::new(self.line(p.exterior())?, interiors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_corners_land_on_the_mercator_grid() {
        // The top-left corner of tile 14/8151/5422 (Northampton) and back.
        let to_bng = TileToBng::new((14, 8151, 5422), 4096);
        let c = to_bng.coord(&Coord { x: 0.0, y: 0.0 }).unwrap();
        let (lon, lat) = bng_to_wgs84(c.x, c.y).unwrap();
        let (fx, fy) = world(lon, lat);
        assert!((fx * 16384.0 - 8151.0).abs() < 1e-6 && (fy * 16384.0 - 5422.0).abs() < 1e-6);
    }

    #[test]
    fn the_range_covers_the_extent_and_no_more() {
        let (x, y) = wgs84_to_bng(-0.8956, 52.2390).unwrap();
        let r = TileRange::covering([x - 10.0, y - 10.0, x + 10.0, y + 10.0], 14);
        assert_eq!(r.len(), 1);
        let (fx, fy) = world(-0.8956, 52.2390);
        assert_eq!(
            r.tiles().next(),
            Some(((fx * 16384.0) as u32, (fy * 16384.0) as u32))
        );
        let wide = TileRange::covering([x - 3000.0, y - 3000.0, x + 3000.0, y + 3000.0], 14);
        // z14 tiles are about 1.5 km across at this latitude: 6 km needs 4 or 5 each way.
        assert!(wide.len() >= 16 && wide.len() <= 25, "{wide:?}");
    }
}
