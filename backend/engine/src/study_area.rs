//! The study area and the analysis grids laid over it.
//!
//! Every analysis grid is bounded by the study area: the loaded areas
//! (wards) when there are any, else the bulk of the located incidents.
//! police.uk lists crimes a force recorded far outside its area (some
//! Northamptonshire rows sit hundreds of km away), so the plain bounding box
//! of the incidents would give a country-sized grid.
//!
//! A cell belongs to the study area when it *intersects* it, not only when
//! its centre lies inside: on a coast or a county edge a cell centred just
//! outside can hold a seafront's or a border town's incidents. Such edge
//! cells carry the share of their area inside the study area, for the
//! measures that divide by area (PAI).

use geo::BoundingRect;
use hotspot_density::params::nice_round;
use hotspot_density::GridSpec;

use crate::sites::PlaceTally;
use crate::{Dataset, EngineError};

/// Sub-samples per side used to estimate an edge cell's share inside.
const SHARE_SAMPLES: usize = 8;
/// Smallest share given to an active edge cell (its boundary crossing may
/// miss every sample point).
const MIN_SHARE: f64 = 1.0 / (2 * SHARE_SAMPLES * SHARE_SAMPLES) as f64;
/// Share of located incidents trimmed from each side of the bulk extent.
const BULK_TRIM: f64 = 0.005;

/// Cells of a regular BNG grid over the study area.
#[derive(Debug, Clone)]
pub struct StudyGrid {
    pub spec: GridSpec,
    /// Whether each cell intersects the study area (row-major, row 0 north).
    pub active: Vec<bool>,
    /// Share of each cell's area inside the study area, 0..=1 (estimated
    /// from an 8×8 sample for cells on a boundary).
    pub area_share: Vec<f64>,
}

impl StudyGrid {
    /// The cell holding a BNG point, if any.
    pub fn cell_of(&self, x: f64, y: f64) -> Option<usize> {
        let s = &self.spec;
        let c = ((x - s.west) / s.cell).floor();
        let r = ((s.north - y) / s.cell).floor();
        (c >= 0.0 && r >= 0.0 && (c as usize) < s.cols && (r as usize) < s.rows)
            .then(|| r as usize * s.cols + c as usize)
    }

    /// The study area covered by the active cells, km² (edge cells clipped).
    pub fn area_km2(&self) -> f64 {
        self.area_share.iter().sum::<f64>() * self.spec.cell * self.spec.cell / 1e6
    }
}

/// Incidents binned to a study grid.
pub struct Binned {
    pub counts: Vec<f64>,
    /// Located incidents in no active cell: outside the study area (e.g.
    /// crimes a force recorded elsewhere), reported so totals add up.
    pub outside_cells: u64,
    /// Selected incidents with no location.
    pub unlocated: u64,
}

/// Study grids a snapshot keeps (each 9 bytes a cell: 4.7 MB for a
/// region at 100 m).
const STUDY_GRIDS_KEPT: usize = 4;

/// Cells across the shorter side of the study area for the count
/// statistics (Gi*, evaluation): coarser than the density surface's, so
/// cells hold enough incidents for a count statistic.
const STAT_CELLS_ACROSS: f64 = 75.0;

/// Default Gi*/evaluation cell: shorter side of the study area / 75, nicely
/// rounded, at least 100 m.
fn default_stat_cell(extent: [f64; 4]) -> Result<f64, EngineError> {
    let shorter = (extent[2] - extent[0]).min(extent[3] - extent[1]);
    if !(shorter.is_finite() && shorter >= 0.0) {
        return Err(EngineError::InvalidParameter(format!(
            "study area {extent:?} is not a valid extent"
        )));
    }
    if shorter == 0.0 {
        return Ok(100.0);
    }
    Ok(nice_round(shorter / STAT_CELLS_ACROSS).max(100.0))
}

/// The extent of the bulk of `points`: the central 99% in each axis, padded
/// by a tenth of its size (at least 500 m), never wider than all points.
///
/// ```
/// use hotspot_engine::bulk_extent;
/// let mut pts: Vec<[f64; 2]> = (0..1000).map(|i| [450_000.0 + i as f64, 260_000.0]).collect();
/// pts.push([100_000.0, 900_000.0]); // a crime recorded hundreds of km away
/// let [x0, y0, x1, y1] = bulk_extent(&pts).unwrap();
/// assert!(x0 > 449_000.0 && x1 < 451_600.0 && y1 < 261_000.0);
/// ```
pub fn bulk_extent(points: &[[f64; 2]]) -> Option<[f64; 4]> {
    if points.is_empty() {
        return None;
    }
    let axis = |i: usize| {
        let mut v: Vec<f64> = points.iter().map(|p| p[i]).collect();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let k = ((n as f64 * BULK_TRIM).floor() as usize).min((n - 1) / 2);
        let (lo, hi) = (v[k], v[n - 1 - k]);
        let pad = ((hi - lo) * 0.1).max(500.0);
        ((lo - pad).max(v[0]), (hi + pad).min(v[n - 1]))
    };
    let ((x0, x1), (y0, y1)) = (axis(0), axis(1));
    Some([x0, y0, x1, y1])
}

impl Dataset {
    /// The BNG extent of the study area: the loaded areas, else the bulk of
    /// `points` (by default every located incident).
    pub(crate) fn study_extent(
        &self,
        points: Option<&[[f64; 2]]>,
    ) -> Result<[f64; 4], EngineError> {
        let extent = if self.areas.is_empty() {
            bulk_extent(points.unwrap_or(&self.points))
        } else {
            self.areas
                .iter()
                .filter_map(|a| a.bng.bounding_rect())
                .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
                .reduce(|o, r| {
                    [
                        o[0].min(r[0]),
                        o[1].min(r[1]),
                        o[2].max(r[2]),
                        o[3].max(r[3]),
                    ]
                })
        };
        extent.ok_or_else(|| EngineError::InvalidParameter("nothing is loaded to analyse".into()))
    }

    /// A grid over the study area with cells of `cell` metres (default by
    /// rule); a cell is active when it intersects a loaded area.
    ///
    /// A grid depends only on the areas and the cell size, and a region's
    /// 100 m grid takes tens of milliseconds to build, so the last few are
    /// kept: a Gi\*, emerging or change map of another selection on the
    /// same cells reuses it.
    pub fn study_grid(&self, cell: Option<f64>) -> Result<StudyGrid, EngineError> {
        let e = self.study_extent(None)?;
        let cell = match cell {
            Some(c) => c,
            None => default_stat_cell(e)?,
        };
        let kept = |g: &StudyGrid| g.spec.cell.to_bits() == cell.to_bits();
        let mut grids = self.study_grids.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(grid) = grids.iter().find(|g| kept(g)) {
            return Ok(grid.clone());
        }
        drop(grids);
        let grid = self.build_study_grid(e, cell)?;
        grids = self.study_grids.lock().unwrap_or_else(|e| e.into_inner());
        if !grids.iter().any(kept) {
            if grids.len() == STUDY_GRIDS_KEPT {
                grids.remove(0);
            }
            grids.push(grid.clone());
        }
        Ok(grid)
    }

    fn build_study_grid(&self, e: [f64; 4], cell: f64) -> Result<StudyGrid, EngineError> {
        let spec = GridSpec::covering(e[0], e[1], e[2], e[3], cell)?;
        if self.areas.is_empty() {
            return Ok(StudyGrid {
                active: vec![true; spec.len()],
                area_share: vec![1.0; spec.len()],
                spec,
            });
        }
        let mut grid = StudyGrid {
            active: vec![false; spec.len()],
            area_share: vec![0.0; spec.len()],
            spec,
        };
        let centres: Vec<[f64; 2]> = (0..spec.len())
            .map(|i| cell_point(&spec, i, 0.5, 0.5))
            .collect();
        for (i, a) in self.locator.locate_all(&centres).into_iter().enumerate() {
            if a.is_some() {
                grid.active[i] = true;
                grid.area_share[i] = 1.0;
            }
        }
        for i in self.boundary_cells(&grid) {
            grid.active[i] = true;
            grid.area_share[i] = self.share_inside(&spec, i).max(MIN_SHARE);
        }
        Ok(grid)
    }

    /// Cells crossed by the boundary of the areas' union (walked in steps
    /// under a quarter of a cell, so no crossed cell is skipped but for
    /// corner touches). An edge two areas share (the same two vertices, as
    /// neighbouring wards from one boundary file have) has area on both
    /// sides and is left out: at 100 m cells the 289 wards' inner edges
    /// were most of a region's boundary cells, each sampled 64 times.
    fn boundary_cells(&self, grid: &StudyGrid) -> Vec<usize> {
        let rings = || {
            (self.areas.iter().flat_map(|a| &a.bng))
                .flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()))
        };
        let key = |c: geo_types::Coord| (c.x.to_bits(), c.y.to_bits());
        let edge = |l: geo_types::Line| {
            let (a, b) = (key(l.start), key(l.end));
            if a <= b {
                (a, b)
            } else {
                (b, a)
            }
        };
        let mut times = std::collections::HashMap::new();
        for line in rings().flat_map(|r| r.lines()) {
            *times.entry(edge(line)).or_insert(0u32) += 1;
        }
        // GridSpec refuses cells too small to count in, so `step` is a
        // sensible length here.
        let step = grid.spec.cell / 4.0;
        let mut cells = std::collections::BTreeSet::new();
        for line in rings().flat_map(|r| r.lines()) {
            if times[&edge(line)] > 1 {
                continue;
            }
            let n = (line.dx().hypot(line.dy()) / step).ceil().max(1.0) as usize;
            for s in 0..=n {
                let t = s as f64 / n as f64;
                let (x, y) = (line.start.x + t * line.dx(), line.start.y + t * line.dy());
                cells.extend(grid.cell_of(x, y));
            }
        }
        cells.into_iter().collect()
    }

    /// Share of cell `i` inside some area, from a regular sample of points.
    fn share_inside(&self, spec: &GridSpec, i: usize) -> f64 {
        let n = SHARE_SAMPLES;
        let samples: Vec<[f64; 2]> = (0..n * n)
            .map(|k| {
                let fx = (k % n) as f64 + 0.5;
                let fy = (k / n) as f64 + 0.5;
                cell_point(spec, i, fx / n as f64, fy / n as f64)
            })
            .collect();
        let inside = self
            .locator
            .locate_all(&samples)
            .iter()
            .filter(|a| a.is_some())
            .count();
        inside as f64 / (n * n) as f64
    }

    /// A tally's weights per grid cell (its counts, unless weighted), and
    /// how many of its incidents fell outside the analysed cells or had no
    /// location. Each place's cell is found once: incidents stack on places.
    pub(crate) fn bin(&self, grid: &StudyGrid, tally: &PlaceTally) -> Binned {
        let mut b = Binned {
            counts: vec![0.0; grid.spec.len()],
            outside_cells: 0,
            unlocated: tally.unlocated,
        };
        for p in tally.sites() {
            let [_, _, x, y] = self.cols.places[p];
            match grid.cell_of(x, y).filter(|&c| grid.active[c]) {
                Some(c) => b.counts[c] += tally.weight(p),
                None => b.outside_cells += tally.counts[p] as u64,
            }
        }
        b
    }
}

/// The point at fractions (`fx` east, `fy` south) across cell `i`.
fn cell_point(spec: &GridSpec, i: usize, fx: f64, fy: f64) -> [f64; 2] {
    let (c, r) = (i % spec.cols, i / spec.cols);
    [
        spec.west + (c as f64 + fx) * spec.cell,
        spec.north - (r as f64 + fy) * spec.cell,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{at, build, square_ward};

    fn everything(ds: &Dataset) -> PlaceTally {
        ds.tally_places(&crate::Selection::default()).unwrap()
    }

    #[test]
    fn a_cell_centred_outside_the_area_but_overlapping_it_is_analysed() {
        // A 1 km ward on a 300 m grid: the grid overhangs the ward, so the
        // last column and row of cells are centred outside it.
        let ward = square_ward("W", 450_000.0, 260_000.0, 1000.0);
        let ds = build(vec![at(450_950.0, 260_050.0, "2025-01")], vec![ward]);
        let grid = ds.study_grid(Some(300.0)).unwrap();
        let i = grid.cell_of(450_950.0, 260_050.0).unwrap();
        let centre = cell_point(&grid.spec, i, 0.5, 0.5);
        assert!(centre[0] > 451_000.0 || centre[1] < 260_000.0, "{centre:?}");
        assert!(grid.active[i]);
        assert!(grid.area_share[i] > 0.0 && grid.area_share[i] < 1.0);
        // Clipped cells add up to the ward's 1 km², to the precision of an
        // 8×8 sample of each edge cell (37.5 m here); unclipped they would
        // make 16 cells of 0.09 km², 1.44 km².
        assert!((grid.area_km2() - 1.0).abs() < 0.05, "{}", grid.area_km2());
        let binned = ds.bin(&grid, &everything(&ds));
        assert_eq!((binned.counts[i], binned.outside_cells), (1.0, 0));
    }

    /// Two wards sharing an edge: the cells along it are wholly inside the
    /// study area and are not sampled; the grid still covers 2 km².
    #[test]
    fn an_edge_two_wards_share_is_no_boundary() {
        let wards = vec![
            square_ward("A", 450_000.0, 260_000.0, 1000.0),
            square_ward("B", 451_000.0, 260_000.0, 1000.0),
        ];
        let ds = build(vec![at(450_500.0, 260_500.0, "2025-01")], wards);
        let grid = ds.study_grid(Some(300.0)).unwrap();
        let shared_edge = grid.cell_of(451_000.0, 260_500.0).unwrap();
        let outer_edge = grid.cell_of(450_000.0, 260_500.0).unwrap();
        let boundary = ds.boundary_cells(&grid);
        assert!(!boundary.contains(&shared_edge), "{boundary:?}");
        assert!(boundary.contains(&outer_edge), "{boundary:?}");
        assert_eq!(grid.area_share[shared_edge], 1.0);
        assert!((grid.area_km2() - 2.0).abs() < 0.1, "{}", grid.area_km2());
    }

    /// The last few grids are kept and handed out again, equal to a fresh
    /// build; the oldest goes first.
    #[test]
    fn study_grids_are_kept_by_cell_size() {
        let ward = square_ward("W", 450_000.0, 260_000.0, 1000.0);
        let ds = build(vec![at(450_500.0, 260_500.0, "2025-01")], vec![ward]);
        let first = ds.study_grid(Some(300.0)).unwrap();
        let again = ds.study_grid(Some(300.0)).unwrap();
        assert_eq!((first.spec, &first.active), (again.spec, &again.active));
        assert_eq!(first.area_share, again.area_share);
        assert_eq!(ds.study_grids.lock().unwrap().len(), 1);
        for cell in [100.0, 150.0, 200.0, 250.0] {
            ds.study_grid(Some(cell)).unwrap();
        }
        let kept: Vec<f64> = ds
            .study_grids
            .lock()
            .unwrap()
            .iter()
            .map(|g| g.spec.cell)
            .collect();
        assert_eq!(kept, [100.0, 150.0, 200.0, 250.0]);
        let rebuilt = ds.study_grid(Some(300.0)).unwrap();
        assert_eq!(rebuilt.area_share, first.area_share);
    }

    #[test]
    fn a_vanishingly_small_cell_is_refused_at_once() {
        let ward = square_ward("W", 450_000.0, 260_000.0, 1000.0);
        let ds = build(vec![at(450_500.0, 260_500.0, "2025-01")], vec![ward]);
        // Found by schemathesis: /api/gistar?cell=5e-324 hung the request.
        assert!(ds.study_grid(Some(5e-324)).is_err());
    }

    #[test]
    fn incidents_outside_every_cell_are_counted_not_dropped() {
        let ward = square_ward("W", 450_000.0, 260_000.0, 1000.0);
        let far = at(300_000.0, 500_000.0, "2025-01");
        let ds = build(vec![at(450_500.0, 260_500.0, "2025-01"), far], vec![ward]);
        let grid = ds.study_grid(Some(100.0)).unwrap();
        let binned = ds.bin(&grid, &everything(&ds));
        assert_eq!(binned.counts.iter().sum::<f64>(), 1.0);
        assert_eq!(binned.outside_cells, 1);
    }

    #[test]
    fn without_areas_the_grid_covers_the_bulk_of_the_incidents_not_outliers() {
        let mut incidents: Vec<_> = (0..400)
            .map(|i| {
                at(
                    450_000.0 + (i % 20) as f64 * 100.0,
                    260_000.0 + (i / 20) as f64 * 100.0,
                    "2025-01",
                )
            })
            .collect();
        incidents.push(at(100_000.0, 900_000.0, "2025-01"));
        let ds = build(incidents, vec![]);
        let grid = ds.study_grid(Some(50.0)).unwrap();
        assert!(grid.spec.len() < 10_000, "{} cells", grid.spec.len());
    }
}
