//! Incident points for vector tiles: the selected incidents that fall in one
//! Web Mercator tile (XYZ numbering, as MapLibre asks for them), as the
//! points a map draws: one per location when zoomed in, clustered on a
//! screen grid when zoomed out.
//!
//! A tile visits the distinct locations it covers, not the incidents:
//! `sites.rs` keeps them in an R-tree by lon/lat (the tile's own
//! coordinates, so no tile corner is projected), each with its incidents by
//! month. A tile covering the whole region would otherwise touch every
//! incident, in R-tree order.

use hotspot_core::Month;

use crate::sites::SiteFilter;
use crate::{Dataset, EngineError, Selection};

/// Tile units per side (the MVT default extent).
pub const TILE_EXTENT: u32 = 4096;
/// From this zoom on (a tile about 1 km wide in England), one point per
/// location; below it, clusters.
pub const POINTS_FROM_ZOOM: u8 = 15;
/// Cluster cells per tile side: 64 × 64 cells of 64 tile units, 8 screen
/// pixels on MapLibre's 512-pixel tiles.
pub const CLUSTER_CELLS: u32 = 64;
/// The deepest zoom served (MapLibre's default maximum).
pub const MAX_ZOOM: u8 = 22;

/// A tile's address: zoom, column (west to east) and row (north to south).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileId {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

impl TileId {
    /// A tile that exists: z in 0..=[`MAX_ZOOM`], x and y below 2^z.
    pub fn new(z: u32, x: u32, y: u32) -> Result<TileId, EngineError> {
        if z > MAX_ZOOM as u32 {
            return Err(EngineError::InvalidParameter(format!(
                "tile zoom {z}: must be 0..={MAX_ZOOM}"
            )));
        }
        let n = 1u64 << z;
        if u64::from(x) >= n || u64::from(y) >= n {
            return Err(EngineError::InvalidParameter(format!(
                "tile {z}/{x}/{y}: x and y must be below {n} at zoom {z}"
            )));
        }
        Ok(TileId { z: z as u8, x, y })
    }

    /// West, south, east and north edges in WGS84 degrees.
    pub fn bounds(&self) -> [f64; 4] {
        let n = (1u64 << self.z) as f64;
        let lon = |x: f64| x / n * 360.0 - 180.0;
        let lat = |y: f64| {
            (std::f64::consts::PI * (1.0 - 2.0 * y / n))
                .sinh()
                .atan()
                .to_degrees()
        };
        let (x, y) = (self.x as f64, self.y as f64);
        [lon(x), lat(y + 1.0), lon(x + 1.0), lat(y)]
    }

    /// Where a WGS84 point falls in this tile, in tile units (y down), or
    /// `None` outside it. A point is in the tile its Web Mercator position
    /// floors to, so each point is in exactly one tile per zoom.
    pub fn position(&self, lon: f64, lat: f64) -> Option<(f64, f64)> {
        let n = (1u64 << self.z) as f64;
        let lat = lat.to_radians();
        let wx = (lon + 180.0) / 360.0 * n - self.x as f64;
        let wy = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n
            - self.y as f64;
        let inside = (0.0..1.0).contains(&wx) && (0.0..1.0).contains(&wy);
        inside.then_some((wx * TILE_EXTENT as f64, wy * TILE_EXTENT as f64))
    }
}

/// One point of a tile, in tile units (0..[`TILE_EXTENT`], y down).
#[derive(Debug, Clone, PartialEq)]
pub struct TilePoint {
    pub x: u32,
    pub y: u32,
    /// Selected incidents it stands for.
    pub count: u64,
    /// For a location (zoom [`POINTS_FROM_ZOOM`] and above); `None` for a cluster.
    pub site: Option<SiteSummary>,
}

/// What a location's selected incidents are, in brief.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteSummary {
    /// The most common crime type (ties: the first by name).
    pub category: String,
    /// The latest month.
    pub month: Month,
}

/// The selected incidents in one tile.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentTile {
    pub tile: TileId,
    /// Whether the points are clusters (zoom below [`POINTS_FROM_ZOOM`]).
    pub clustered: bool,
    pub points: Vec<TilePoint>,
}

impl IncidentTile {
    /// Selected incidents in the tile.
    pub fn incidents(&self) -> u64 {
        self.points.iter().map(|p| p.count).sum()
    }
}

/// Running sums for one cluster cell.
#[derive(Clone, Copy, Default)]
struct Cell {
    count: u64,
    sum_x: f64,
    sum_y: f64,
}

/// A tile position rounded to whole units inside the tile.
fn unit(v: f64) -> u32 {
    (v.round() as u32).min(TILE_EXTENT - 1)
}

impl Dataset {
    /// The selected incidents in one tile, as a map draws them: from zoom
    /// [`POINTS_FROM_ZOOM`] one point per location with its count, most
    /// common type and latest month; below it one point per non-empty cell
    /// of a [`CLUSTER_CELLS`]² grid, at the count-weighted centroid of its
    /// locations. Which incidents count is exactly [`Dataset::select`]'s
    /// answer (groups, types, sources, period, ward, box); the weighting is
    /// not used (points are counts).
    pub fn incident_tile(
        &self,
        sel: &Selection,
        tile: TileId,
    ) -> Result<IncidentTile, EngineError> {
        let filter = SiteFilter::new(self, sel)?;
        let [w, s, e, n] = tile.bounds();
        // A hair wider than the tile: `position` decides, and rounding in
        // `bounds` must not drop a point on the edge.
        let pad = 1e-9 * (e - w);
        let candidates = self.sites.index.in_rect(w - pad, s - pad, e + pad, n + pad);
        let located = candidates.into_iter().filter_map(|site| {
            let site = site as usize;
            let [lon, lat] = self.sites.lonlat[site];
            let at = tile.position(lon, lat)?;
            filter.place_ok(site).then_some((site, at))
        });
        let clustered = tile.z < POINTS_FROM_ZOOM;
        let points = if clustered {
            clusters(located.map(|(site, at)| (filter.count(site), at)))
        } else {
            located
                .filter_map(|(site, (x, y))| {
                    let (count, summary) = filter.summary(site)?;
                    Some(TilePoint {
                        x: unit(x),
                        y: unit(y),
                        count,
                        site: Some(summary),
                    })
                })
                .collect()
        };
        Ok(IncidentTile {
            tile,
            clustered,
            points,
        })
    }
}

/// One point per non-empty grid cell, at the count-weighted centroid.
fn clusters(sites: impl Iterator<Item = (u64, (f64, f64))>) -> Vec<TilePoint> {
    let size = (TILE_EXTENT / CLUSTER_CELLS) as f64;
    let cells_per_side = CLUSTER_CELLS as usize;
    let mut cells = vec![Cell::default(); cells_per_side * cells_per_side];
    for (count, (x, y)) in sites.filter(|&(count, _)| count > 0) {
        let col = ((x / size) as usize).min(cells_per_side - 1);
        let row = ((y / size) as usize).min(cells_per_side - 1);
        let cell = &mut cells[row * cells_per_side + col];
        cell.count += count;
        cell.sum_x += x * count as f64;
        cell.sum_y += y * count as f64;
    }
    cells
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| TilePoint {
            x: unit(c.sum_x / c.count as f64),
            y: unit(c.sum_y / c.count as f64),
            count: c.count,
            site: None,
        })
        .collect()
}

#[cfg(test)]
mod tests;
