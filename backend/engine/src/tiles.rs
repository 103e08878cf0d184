//! Incident points for vector tiles: the selected incidents that fall in one
//! Web Mercator tile (XYZ numbering, as MapLibre asks for them), as the
//! points a map draws: one per location when zoomed in, clustered on a
//! screen grid when zoomed out.
//!
//! police.uk snaps every incident to one of a few map points (60,000 of them
//! for 10 million incidents in the synthetic region), so the snapshot keeps
//! the distinct locations ("sites") in their own small R-tree (by lon/lat,
//! the tile's own coordinates, so no projection of tile corners is needed),
//! with each site's incidents stored together, sorted by month, their month
//! and crime kind in flat arrays. A tile then visits the sites it covers, not
//! the incidents: an unfiltered or month-filtered count is two binary
//! searches per site, a crime-type filter scans the site's flat arrays, and
//! only a date-time period reads the incidents themselves. A tile covering
//! the whole region would otherwise touch every incident, in R-tree order.

use std::collections::HashMap;

use hotspot_core::Month;
use hotspot_spatial::PointIndex;

use crate::columns::NONE;
use crate::{Dataset, EngineError, Period, Selection};

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

/// The distinct incident locations and each one's incidents, by month.
#[derive(Default)]
pub(crate) struct Sites {
    /// Per site: lon, lat.
    lonlat: Vec<[f64; 2]>,
    /// Over `lonlat`.
    index: PointIndex,
    /// Per site: its area (ward), as [`Dataset::area_of`].
    area: Vec<Option<u32>>,
    /// Site `s`'s incidents are `order[start[s]..start[s + 1]]`.
    start: Vec<u32>,
    /// Incident indices, grouped by site, by month and id within a site.
    order: Vec<u32>,
    /// `Month::index` of each entry of `order`.
    month: Vec<i32>,
    /// The kind ([`Dataset::kinds`]) of each entry of `order`.
    kind: Vec<u16>,
}

impl Sites {
    /// Groups the located incidents by their place (exact location, WGS84
    /// and BNG, as [`crate::columns::Columns`] interns them); `kind_of[k]`
    /// is incident `k`'s kind.
    pub(crate) fn build(ds: &Dataset, kind_of: &[u16]) -> Sites {
        let cols = &ds.cols;
        let mut start = vec![0u32; cols.places.len() + 1];
        for &p in cols.place.iter().filter(|&&p| p != NONE) {
            start[p as usize + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        // (month, incident, kind) in site order, then by month within a site.
        let mut next = start.clone();
        let mut entries = vec![(0i32, 0u32, 0u16); *start.last().unwrap_or(&0) as usize];
        for (k, &p) in cols.place.iter().enumerate().filter(|(_, &p)| p != NONE) {
            entries[next[p as usize] as usize] = (cols.month[k], k as u32, kind_of[k]);
            next[p as usize] += 1;
        }
        for w in start.windows(2) {
            entries[w[0] as usize..w[1] as usize].sort_unstable();
        }
        let lonlat: Vec<[f64; 2]> = cols.places.iter().map(|p| [p[0], p[1]]).collect();
        Sites {
            index: PointIndex::new(&lonlat),
            lonlat,
            area: (0..cols.places.len())
                .map(|p| ds.place_area(p).map(|a| a as u32))
                .collect(),
            start,
            order: entries.iter().map(|e| e.1).collect(),
            month: entries.iter().map(|e| e.0).collect(),
            kind: entries.iter().map(|e| e.2).collect(),
        }
    }
}

/// A [`Selection`] as tests on sites and on their flat arrays, with the
/// meaning [`Dataset::select`] gives it.
struct SiteFilter<'a> {
    ds: &'a Dataset,
    /// Per kind: allowed; `None` = all.
    kinds: Option<Vec<bool>>,
    /// A whole-month period as `Month::index` bounds, inclusive.
    months: Option<(i32, i32)>,
    /// A date-time period, tested on each incident.
    between: Option<Period>,
    area: Option<u32>,
    bbox: Option<[f64; 4]>,
}

impl<'a> SiteFilter<'a> {
    fn new(ds: &'a Dataset, sel: &Selection) -> Result<SiteFilter<'a>, EngineError> {
        let kinds = ds.kind_filter(sel)?;
        let area = sel
            .area
            .as_deref()
            .map(|c| ds.area_index(c).map(|a| a as u32))
            .transpose()?;
        let (months, between) = match sel.period {
            Period::All => (None, None),
            Period::Months(r) => (Some((r.from.index(), r.to.index())), None),
            p @ Period::Between { .. } => (None, Some(p)),
        };
        Ok(SiteFilter {
            ds,
            kinds,
            months,
            between,
            area,
            bbox: sel.bbox,
        })
    }

    /// Whether a site is in the selection's ward and box.
    fn place_ok(&self, site: usize) -> bool {
        let sites = &self.ds.sites;
        let [lon, lat] = sites.lonlat[site];
        let in_area = self.area.is_none_or(|a| sites.area[site] == Some(a));
        let in_box = self
            .bbox
            .is_none_or(|[x0, y0, x1, y1]| lon >= x0 && lon <= x1 && lat >= y0 && lat <= y1);
        in_area && in_box
    }

    /// The entries of `order` for a site's incidents in the period's months.
    fn range(&self, site: usize) -> std::ops::Range<usize> {
        let sites = &self.ds.sites;
        let (a, b) = (sites.start[site] as usize, sites.start[site + 1] as usize);
        let Some((from, to)) = self.months else {
            return a..b;
        };
        let months = &sites.month[a..b];
        a + months.partition_point(|&m| m < from)..a + months.partition_point(|&m| m <= to)
    }

    /// Whether entry `i` of `order` (already in the period's months) is selected.
    fn entry_ok(&self, i: usize) -> bool {
        let sites = &self.ds.sites;
        let kind_ok = self
            .kinds
            .as_ref()
            .is_none_or(|k| k[sites.kind[i] as usize]);
        kind_ok
            && self
                .between
                .is_none_or(|p| self.ds.in_period(&p, sites.order[i] as usize))
    }

    /// Selected incidents at a site.
    fn count(&self, site: usize) -> u64 {
        let range = self.range(site);
        if self.kinds.is_none() && self.between.is_none() {
            return range.len() as u64;
        }
        range.filter(|&i| self.entry_ok(i)).count() as u64
    }

    /// Selected incidents at a site, with their most common type and latest month.
    fn summary(&self, site: usize) -> Option<(u64, SiteSummary)> {
        let sites = &self.ds.sites;
        let mut by_category: HashMap<u16, u64> = HashMap::new();
        let mut latest = None;
        for i in self.range(site).filter(|&i| self.entry_ok(i)) {
            *by_category
                .entry(self.ds.kinds[sites.kind[i] as usize].0)
                .or_default() += 1;
            // Entries run by month, so the last one selected is the latest.
            latest = Some(sites.month[i]);
        }
        let name = |c: u16| self.ds.category_name_of(c as usize);
        let (&top, _) = by_category
            .iter()
            .max_by(|(a, n), (b, m)| n.cmp(m).then_with(|| name(**b).cmp(name(**a))))?;
        let summary = SiteSummary {
            category: name(top).to_string(),
            month: Month::from_index(latest?),
        };
        Some((by_category.values().sum(), summary))
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
