//! Point-in-area assignment (which ward is this incident in?) for millions of
//! points.
//!
//! A plain R-tree of ward bounding boxes followed by an exact polygon test
//! costs O(vertices) per point, and real ward boundaries have thousands of
//! vertices: far too slow for 10M points. [`AreaLocator`] instead lays a
//! uniform grid over the areas once:
//!
//! * every cell that any polygon edge passes through (marked conservatively,
//!   with a small padding, so no crossing is ever missed) is a *boundary*
//!   cell and keeps the ids of the areas whose edges cross it;
//! * every other cell lies wholly inside one area or outside all of them, so
//!   its answer is decided once, by a scanline through the cell centres, and a
//!   query there is one array lookup.
//!
//! Points in boundary cells run an exact crossing-number test, but only
//! against the candidate areas' edges that overlap the cell's grid row (a
//! handful, not thousands). The orientation predicate is the robust (exact)
//! one from `geo`, so a point exactly on an edge or vertex is reliably seen as
//! touching the area, and the answer agrees with `geo`'s `Intersects`.

use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo_types::{Coord, LineString, MultiPolygon};
use rayon::prelude::*;

/// Flag in [`AreaLocator::cells`] marking a boundary cell; the low bits then
/// index [`AreaLocator::boundary`].
const BOUNDARY: u32 = 1 << 31;
/// "No area" in the per-boundary-cell cover array.
const NONE: u32 = u32::MAX;
/// Default upper bound on grid cells: 4M cells x 4 bytes = 16 MB.
const DEFAULT_MAX_CELLS: usize = 4 << 20;
/// Cells per polygon vertex when sizing the grid: fine enough that boundary
/// cells are a small fraction of the grid, coarse enough to build quickly.
const CELLS_PER_VERTEX: usize = 96;

/// One polygon edge, stored once per grid row it overlaps.
#[derive(Debug, Clone, Copy)]
struct RowEdge {
    area: u32,
    a: Coord<f64>,
    b: Coord<f64>,
}

/// Per boundary cell: the areas whose edges cross it, and the lowest area
/// (if any) that covers the whole cell without an edge inside it (nested or
/// overlapping areas).
#[derive(Debug, Clone, Copy)]
struct BoundaryCell {
    /// Range into [`AreaLocator::candidates`].
    start: u32,
    end: u32,
    cover: u32,
}

/// Assigns points to areas (wards) by point-in-polygon. Areas are given as
/// MultiPolygons in BNG metres; an area's id is its index in the input slice.
///
/// Areas are treated as closed sets: a point on an area's boundary belongs to
/// it. Where several areas contain or touch a point (a shared ward boundary,
/// or overlapping areas), the lowest index wins, so every point gets exactly
/// one deterministic answer. Holes and multi-part areas are handled; rings
/// need not be closed or consistently oriented, but polygons should be valid
/// (non-self-intersecting), as the test is even-odd.
///
/// ```
/// use geo_types::{polygon, MultiPolygon};
/// use hotspot_spatial::AreaLocator;
///
/// let west = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)]]);
/// let east = MultiPolygon(vec![polygon![(x: 10.0, y: 0.0), (x: 20.0, y: 0.0), (x: 20.0, y: 10.0), (x: 10.0, y: 10.0)]]);
/// let locator = AreaLocator::new(&[west, east]);
/// assert_eq!(locator.locate(5.0, 5.0), Some(0));
/// assert_eq!(locator.locate(15.0, 5.0), Some(1));
/// assert_eq!(locator.locate(10.0, 5.0), Some(0)); // shared edge: lowest index
/// assert_eq!(locator.locate(25.0, 5.0), None);
/// assert_eq!(locator.locate_all(&[[1.0, 1.0], [19.0, 9.0]]), vec![Some(0), Some(1)]);
/// ```
#[derive(Debug, Clone)]
pub struct AreaLocator {
    n_areas: usize,
    /// Grid origin (lower-left), cell size and shape.
    ox: f64,
    oy: f64,
    cw: f64,
    ch: f64,
    nx: usize,
    ny: usize,
    /// Bounding box of all areas (closed); points outside answer `None` at once.
    bbox: [f64; 4],
    /// Row-major cells: 0 = outside all areas, `id + 1` = wholly inside area
    /// `id`, `BOUNDARY | k` = boundary cell `k`.
    cells: Vec<u32>,
    boundary: Vec<BoundaryCell>,
    /// Candidate area ids of boundary cells, ascending within each cell.
    candidates: Vec<u32>,
    /// Edges overlapping each grid row, sorted by area within the row (CSR).
    row_start: Vec<u32>,
    row_edges: Vec<RowEdge>,
}

impl AreaLocator {
    /// Builds the locator with a grid sized from the areas' extent and vertex
    /// count (about 96 cells per vertex, at most ~4M cells).
    pub fn new(areas: &[MultiPolygon<f64>]) -> Self {
        Self::with_max_cells(areas, DEFAULT_MAX_CELLS)
    }

    /// As [`AreaLocator::new`] but with an explicit cap on the number of grid
    /// cells (at least 1). A coarse grid makes more points take the exact
    /// path; useful for testing it and for trading build time/memory.
    ///
    /// ```
    /// use geo_types::{polygon, MultiPolygon};
    /// let square = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)]]);
    /// let locator = hotspot_spatial::AreaLocator::with_max_cells(&[square], 1);
    /// assert_eq!(locator.locate(4.0, 2.0), Some(0));
    /// ```
    pub fn with_max_cells(areas: &[MultiPolygon<f64>], max_cells: usize) -> Self {
        assert!(
            areas.len() < BOUNDARY as usize,
            "too many areas for AreaLocator"
        );
        // Collect edges per area, skipping non-finite coordinates and
        // zero-length edges (neither can change an even-odd answer for a
        // valid polygon, and both would upset the grid arithmetic).
        let mut edges: Vec<RowEdge> = Vec::new();
        for (id, mp) in areas.iter().enumerate() {
            for poly in &mp.0 {
                for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                    push_ring_edges(id as u32, ring, &mut edges);
                }
            }
        }
        let mut bbox = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for e in &edges {
            for c in [e.a, e.b] {
                bbox[0] = bbox[0].min(c.x);
                bbox[1] = bbox[1].min(c.y);
                bbox[2] = bbox[2].max(c.x);
                bbox[3] = bbox[3].max(c.y);
            }
        }
        if edges.is_empty() {
            return Self {
                n_areas: areas.len(),
                ox: 0.0,
                oy: 0.0,
                cw: 1.0,
                ch: 1.0,
                nx: 0,
                ny: 0,
                bbox,
                cells: Vec::new(),
                boundary: Vec::new(),
                candidates: Vec::new(),
                row_start: vec![0],
                row_edges: Vec::new(),
            };
        }

        // Grid shape: roughly square cells, count from the vertex count.
        let w = bbox[2] - bbox[0];
        let h = bbox[3] - bbox[1];
        let target = edges
            .len()
            .saturating_mul(CELLS_PER_VERTEX)
            .clamp(1, max_cells.max(1)) as f64;
        let (nx, ny) = grid_shape(w, h, target);
        let cw = if w > 0.0 { w / nx as f64 } else { 1.0 };
        let ch = if h > 0.0 { h / ny as f64 } else { 1.0 };
        let mut loc = Self {
            n_areas: areas.len(),
            ox: bbox[0],
            oy: bbox[1],
            cw,
            ch,
            nx,
            ny,
            bbox,
            cells: Vec::new(),
            boundary: Vec::new(),
            candidates: Vec::new(),
            row_start: Vec::new(),
            row_edges: Vec::new(),
        };
        loc.build_rows(&edges);
        loc.mark_boundary(&edges);
        loc.fill_interiors();
        loc
    }

    /// The number of areas the locator was built from.
    pub fn n_areas(&self) -> usize {
        self.n_areas
    }

    #[inline]
    fn col(&self, x: f64) -> usize {
        // `as` saturates (negative -> 0), and the division is monotone in x,
        // so a point >= an edge's x never lands in a column left of it.
        (((x - self.ox) / self.cw).floor() as usize).min(self.nx - 1)
    }

    #[inline]
    fn row(&self, y: f64) -> usize {
        (((y - self.oy) / self.ch).floor() as usize).min(self.ny - 1)
    }

    /// Indexes every edge under each grid row its y-range overlaps, grouped
    /// by area within the row (edges arrive in area order, and the counting
    /// sort below is stable).
    fn build_rows(&mut self, edges: &[RowEdge]) {
        let mut counts = vec![0u32; self.ny + 1];
        for e in edges {
            let (r0, r1) = self.edge_rows(e);
            for c in &mut counts[r0..=r1] {
                *c += 1;
            }
        }
        let mut start = Vec::with_capacity(self.ny + 1);
        let mut acc = 0u32;
        for c in &counts[..self.ny] {
            start.push(acc);
            acc = acc.checked_add(*c).expect("too many row edges");
        }
        start.push(acc);
        let mut fill = start.clone();
        let mut row_edges = vec![edges[0]; acc as usize];
        for e in edges {
            let (r0, r1) = self.edge_rows(e);
            for f in &mut fill[r0..=r1] {
                row_edges[*f as usize] = *e;
                *f += 1;
            }
        }
        self.row_start = start;
        self.row_edges = row_edges;
    }

    #[inline]
    fn edge_rows(&self, e: &RowEdge) -> (usize, usize) {
        (self.row(e.a.y.min(e.b.y)), self.row(e.a.y.max(e.b.y)))
    }

    /// Marks every cell an edge passes through, row by row: the edge is
    /// clipped to the row's band (padded a little), and the clipped x-range
    /// (padded) gives the columns. The padding absorbs rounding in the band
    /// arithmetic so a point exactly on an edge always finds that edge's
    /// area among its cell's candidates.
    fn mark_boundary(&mut self, edges: &[RowEdge]) {
        let pad_x = self.cw * 1e-6;
        let pad_y = self.ch * 1e-6;
        let nx = self.nx;
        let mut marks: Vec<(u32, u32)> = Vec::new();
        for e in edges {
            let (xmin, xmax) = (e.a.x.min(e.b.x), e.a.x.max(e.b.x));
            let (ymin, ymax) = (e.a.y.min(e.b.y), e.a.y.max(e.b.y));
            let r0 = self.row(ymin - pad_y);
            let r1 = self.row(ymax + pad_y);
            for r in r0..=r1 {
                let lo = (self.oy + r as f64 * self.ch - pad_y).max(ymin);
                let hi = (self.oy + (r + 1) as f64 * self.ch + pad_y).min(ymax);
                let (x0, x1) = if e.a.y == e.b.y {
                    (xmin, xmax)
                } else {
                    let at = |y: f64| e.a.x + (y - e.a.y) * (e.b.x - e.a.x) / (e.b.y - e.a.y);
                    let (p, q) = (at(lo.min(hi)), at(hi.max(lo)));
                    (p.min(q).max(xmin), p.max(q).min(xmax))
                };
                let c0 = self.col(x0 - pad_x);
                let c1 = self.col(x1 + pad_x);
                for c in c0..=c1 {
                    marks.push(((r * nx + c) as u32, e.area));
                }
            }
        }
        marks.par_sort_unstable();
        marks.dedup();

        let mut cells = vec![0u32; self.nx * self.ny];
        let mut boundary: Vec<BoundaryCell> = Vec::new();
        let mut candidates = Vec::with_capacity(marks.len());
        let mut i = 0;
        while i < marks.len() {
            let cell = marks[i].0;
            let start = candidates.len() as u32;
            while i < marks.len() && marks[i].0 == cell {
                candidates.push(marks[i].1);
                i += 1;
            }
            assert!(
                boundary.len() < BOUNDARY as usize,
                "too many boundary cells"
            );
            cells[cell as usize] = BOUNDARY | boundary.len() as u32;
            boundary.push(BoundaryCell {
                start,
                end: candidates.len() as u32,
                cover: NONE,
            });
        }
        self.cells = cells;
        self.boundary = boundary;
        self.candidates = candidates;
    }

    /// Decides every non-boundary cell (and the "cover" of boundary cells)
    /// with a scanline along each row's centre line: the crossings of each
    /// area's edges give the x-intervals inside the area. No edge comes near
    /// a non-boundary cell, so the centre's answer holds for the whole cell
    /// and rounding in the crossing positions cannot matter.
    fn fill_interiors(&mut self) {
        let nx = self.nx;
        let (ox, oy, cw, ch) = (self.ox, self.oy, self.cw, self.ch);
        let row_start = &self.row_start;
        let row_edges = &self.row_edges;
        let candidates = &self.candidates;
        let boundary = &self.boundary;
        // Cover updates for boundary cells are gathered per row, then applied.
        let covers: Vec<Vec<(u32, u32)>> = self
            .cells
            .par_chunks_mut(nx)
            .enumerate()
            .map(|(r, row_cells)| {
                let yc = oy + (r as f64 + 0.5) * ch;
                let edges = &row_edges[row_start[r] as usize..row_start[r + 1] as usize];
                let mut covers = Vec::new();
                let mut xs: Vec<f64> = Vec::new();
                let mut i = 0;
                while i < edges.len() {
                    let area = edges[i].area;
                    xs.clear();
                    while i < edges.len() && edges[i].area == area {
                        let e = &edges[i];
                        if (e.a.y > yc) != (e.b.y > yc) {
                            xs.push(e.a.x + (yc - e.a.y) * (e.b.x - e.a.x) / (e.b.y - e.a.y));
                        }
                        i += 1;
                    }
                    xs.sort_unstable_by(f64::total_cmp);
                    for pair in xs.chunks_exact(2) {
                        let c0 = ((pair[0] - ox) / cw - 0.5).ceil().max(0.0) as usize;
                        let c1 = ((pair[1] - ox) / cw - 0.5).floor();
                        if c1 < 0.0 {
                            continue;
                        }
                        let c1 = (c1 as usize).min(nx - 1);
                        for cell in row_cells.iter_mut().take(c1 + 1).skip(c0) {
                            let v = *cell;
                            if v == 0 {
                                *cell = area + 1;
                            } else if v & BOUNDARY != 0 {
                                let k = v & !BOUNDARY;
                                let b = &boundary[k as usize];
                                let cands = &candidates[b.start as usize..b.end as usize];
                                if cands.binary_search(&area).is_err() {
                                    covers.push((k, area));
                                }
                            }
                            // Otherwise an area with a lower id already owns it.
                        }
                    }
                }
                covers
            })
            .collect();
        for (k, area) in covers.into_iter().flatten() {
            let b = &mut self.boundary[k as usize];
            b.cover = b.cover.min(area);
        }
    }

    /// The area containing the point, or `None` outside all areas.
    ///
    /// A point on a boundary shared by several areas (or inside overlapping
    /// areas) goes to the lowest area index among those that contain or
    /// touch it. Non-finite coordinates give `None`.
    #[inline]
    pub fn locate(&self, x: f64, y: f64) -> Option<u32> {
        // Also rejects NaN (comparisons are false).
        if !(x >= self.bbox[0] && x <= self.bbox[2] && y >= self.bbox[1] && y <= self.bbox[3]) {
            return None;
        }
        let r = self.row(y);
        let v = self.cells[r * self.nx + self.col(x)];
        if v & BOUNDARY == 0 {
            return v.checked_sub(1);
        }
        let b = self.boundary[(v & !BOUNDARY) as usize];
        let p = Coord { x, y };
        let edges = &self.row_edges[self.row_start[r] as usize..self.row_start[r + 1] as usize];
        for &area in &self.candidates[b.start as usize..b.end as usize] {
            if area > b.cover {
                break;
            }
            let lo = edges.partition_point(|e| e.area < area);
            let hi = lo + edges[lo..].partition_point(|e| e.area == area);
            if in_closed(&edges[lo..hi], p) {
                return Some(area);
            }
        }
        (b.cover != NONE).then_some(b.cover)
    }

    /// [`AreaLocator::locate`] for every point, in parallel (rayon); the
    /// result is in input order.
    pub fn locate_all(&self, points: &[[f64; 2]]) -> Vec<Option<u32>> {
        points
            .par_iter()
            .with_min_len(4096)
            .map(|p| self.locate(p[0], p[1]))
            .collect()
    }

    /// Grid size `(columns, rows)` and the number of boundary cells, for
    /// diagnostics and benchmarks.
    pub fn grid_stats(&self) -> (usize, usize, usize) {
        (self.nx, self.ny, self.boundary.len())
    }
}

fn push_ring_edges(area: u32, ring: &LineString<f64>, out: &mut Vec<RowEdge>) {
    let pts: Vec<Coord<f64>> = ring
        .0
        .iter()
        .copied()
        .filter(|c| c.x.is_finite() && c.y.is_finite())
        .collect();
    if pts.len() < 2 {
        return;
    }
    // Close the ring implicitly if the input did not.
    let n = pts.len();
    for i in 0..n {
        let a = pts[i];
        let b = pts[(i + 1) % n];
        if a != b {
            out.push(RowEdge { area, a, b });
        }
    }
}

/// `(columns, rows)` for about `target` roughly square cells over a `w` x `h`
/// extent (either may be zero).
fn grid_shape(w: f64, h: f64, target: f64) -> (usize, usize) {
    let cap = |v: f64| (v.ceil() as usize).clamp(1, 1 << 20);
    if w <= 0.0 && h <= 0.0 {
        (1, 1)
    } else if h <= 0.0 {
        (cap(target), 1)
    } else if w <= 0.0 {
        (1, cap(target))
    } else {
        let side = (w * h / target).sqrt();
        let nx = cap(w / side);
        let ny = cap((target / nx as f64).floor().max(1.0));
        (nx, ny)
    }
}

/// Even-odd test of `p` against an area's edges overlapping p's row, with
/// the boundary counted as inside. Uses the half-open crossing rule
/// (`(a.y > y) != (b.y > y)`) so a ray through a vertex counts once, and the
/// exact orientation predicate so "on the edge" and "which side" are exact.
#[inline]
fn in_closed(edges: &[RowEdge], p: Coord<f64>) -> bool {
    let mut inside = false;
    for e in edges {
        let (a, b) = (e.a, e.b);
        if (p.y < a.y && p.y < b.y) || (p.y > a.y && p.y > b.y) {
            continue;
        }
        if a.y == b.y {
            // Horizontal edge at p's height: only "on the edge" matters.
            if p.x >= a.x.min(b.x) && p.x <= a.x.max(b.x) {
                return true;
            }
            continue;
        }
        let o = RobustKernel::orient2d(a, b, p);
        if o == Orientation::Collinear {
            // Collinear and within the edge's y-range: on the segment.
            return true;
        }
        if (a.y > p.y) != (b.y > p.y) {
            let upward = b.y > a.y;
            if (upward && o == Orientation::CounterClockwise)
                || (!upward && o == Orientation::Clockwise)
            {
                inside = !inside;
            }
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Intersects;
    use geo_types::{polygon, Point, Polygon};
    use proptest::prelude::*;

    fn brute(areas: &[MultiPolygon<f64>], x: f64, y: f64) -> Option<u32> {
        let p = Point::new(x, y);
        areas
            .iter()
            .position(|a| a.intersects(&p))
            .map(|i| i as u32)
    }

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
        polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1)]
    }

    #[test]
    fn empty_and_degenerate_inputs() {
        let loc = AreaLocator::new(&[]);
        assert_eq!(loc.locate(0.0, 0.0), None);
        let loc = AreaLocator::new(&[MultiPolygon(vec![])]);
        assert_eq!(loc.locate(0.0, 0.0), None);
        assert_eq!(loc.n_areas(), 1);
        let sq = MultiPolygon(vec![rect(0.0, 0.0, 1.0, 1.0)]);
        let loc = AreaLocator::new(std::slice::from_ref(&sq));
        assert_eq!(loc.locate(f64::NAN, 0.5), None);
        assert_eq!(loc.locate(0.5, f64::INFINITY), None);
        assert_eq!(loc.locate(1.0, 1.0), Some(0));
        assert_eq!(loc.locate(1.0 + 1e-12, 1.0), None);
    }

    #[test]
    fn holes_islands_and_multipolygons() {
        // Area 0: a square with a hole; area 1: an island filling the hole;
        // area 2: two separate squares; area 3: nested inside area 2's first part.
        let mut donut = rect(0.0, 0.0, 10.0, 10.0);
        donut.interiors_push(rect(3.0, 3.0, 7.0, 7.0).exterior().clone());
        let areas = vec![
            MultiPolygon(vec![donut]),
            MultiPolygon(vec![rect(4.0, 4.0, 6.0, 6.0)]),
            MultiPolygon(vec![
                rect(20.0, 0.0, 30.0, 10.0),
                rect(40.0, 0.0, 50.0, 10.0),
            ]),
            MultiPolygon(vec![rect(22.0, 2.0, 24.0, 4.0)]),
        ];
        for max_cells in [1, 16, 1000, 1 << 20] {
            let loc = AreaLocator::with_max_cells(&areas, max_cells);
            assert_eq!(loc.locate(1.0, 1.0), Some(0));
            assert_eq!(loc.locate(3.5, 3.5), None, "in the hole, off the island");
            assert_eq!(loc.locate(5.0, 5.0), Some(1));
            assert_eq!(loc.locate(3.0, 5.0), Some(0), "on the hole's ring");
            assert_eq!(loc.locate(45.0, 5.0), Some(2));
            assert_eq!(loc.locate(23.0, 3.0), Some(2), "overlap: lowest index");
            assert_eq!(loc.locate(35.0, 5.0), None);
            for (x, y) in [(3.5, 3.5), (4.0, 4.0), (22.0, 3.0), (25.0, 5.0), (7.0, 7.0)] {
                assert_eq!(
                    loc.locate(x, y),
                    brute(&areas, x, y),
                    "({x},{y}) cells {max_cells}"
                );
            }
        }
    }

    /// A tiling of `[0, k*s]^2` into jittered quads with shared integer
    /// vertices (so points along edges are exactly representable), some
    /// with a detached second part, some with a hole holding an island
    /// area, some skipped (gaps), plus a few random triangles appended that
    /// overlap the tiling.
    fn tiling(
        k: usize,
        jitter: &[i32],
        skip: &[bool],
        tris: &[[i32; 6]],
    ) -> Vec<MultiPolygon<f64>> {
        let s = 10.0;
        let v = |i: usize, j: usize| -> Coord<f64> {
            let interior = i > 0 && i < k && j > 0 && j < k;
            let jx = if interior {
                jitter[(i * (k + 1) + j) * 2 % jitter.len()]
            } else {
                0
            };
            let jy = if interior {
                jitter[((i * (k + 1) + j) * 2 + 1) % jitter.len()]
            } else {
                0
            };
            Coord {
                x: i as f64 * s + jx as f64,
                y: j as f64 * s + jy as f64,
            }
        };
        let mut areas = Vec::new();
        let mut islands = Vec::new();
        for i in 0..k {
            for j in 0..k {
                let idx = i * k + j;
                if skip[idx % skip.len()] {
                    continue;
                }
                let ring = vec![v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1), v(i, j)];
                let mut poly = Polygon::new(LineString(ring), vec![]);
                if idx % 4 == 2 {
                    // A hole in the tile's middle, with an island area inside
                    // it, leaving a gap. Corners move at most 4 from the
                    // lattice, so edges stay >= 1 away from the tile centre.
                    let (cx, cy) = (i as f64 * s + 5.0, j as f64 * s + 5.0);
                    poly.interiors_push(
                        rect(cx - 0.75, cy - 0.75, cx + 0.5, cy + 0.75)
                            .exterior()
                            .clone(),
                    );
                    islands.push(MultiPolygon(vec![rect(cx - 0.5, cy - 0.5, cx, cy + 0.5)]));
                }
                // Every third area also owns a far-away detached square.
                let mut parts = vec![poly];
                if idx % 3 == 1 {
                    let ox = 200.0 + idx as f64 * 3.0;
                    parts.push(rect(ox, 0.0, ox + 2.0, 2.0));
                }
                areas.push(MultiPolygon(parts));
            }
        }
        areas.extend(islands);
        for t in tris {
            let ring: Vec<Coord<f64>> = (0..3)
                .map(|q| Coord {
                    x: t[2 * q] as f64,
                    y: t[2 * q + 1] as f64,
                })
                .collect();
            areas.push(MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]));
        }
        areas
    }

    fn check_points(
        areas: &[MultiPolygon<f64>],
        pts: &[(f64, f64)],
        max_cells: usize,
    ) -> Result<(), TestCaseError> {
        let loc = AreaLocator::with_max_cells(areas, max_cells);
        let all = loc.locate_all(&pts.iter().map(|&(x, y)| [x, y]).collect::<Vec<_>>());
        for (&(x, y), got) in pts.iter().zip(all) {
            prop_assert_eq!(
                got,
                brute(areas, x, y),
                "point ({}, {}), cells {}",
                x,
                y,
                max_cells
            );
        }
        Ok(())
    }

    /// Points at every vertex of every ring and along its edges (exactly on
    /// them, and nudged off), and inside every hole.
    fn special_points(areas: &[MultiPolygon<f64>]) -> Vec<(f64, f64)> {
        let mut pts = Vec::new();
        for mp in areas {
            for poly in &mp.0 {
                for hole in poly.interiors() {
                    // Inside the hole but off the island.
                    pts.push((hole.0[0].x + 0.125, hole.0[0].y + 0.125));
                }
                let rings = std::iter::once(poly.exterior()).chain(poly.interiors());
                for w in rings.flat_map(|r| r.0.windows(2)) {
                    let (a, b) = (w[0], w[1]);
                    pts.push((a.x, a.y));
                    pts.push(((a.x + b.x) / 2.0, (a.y + b.y) / 2.0));
                    pts.push(((a.x + b.x) / 2.0 + 1e-9, (a.y + b.y) / 2.0));
                    pts.push(((a.x + b.x) / 2.0, (a.y + b.y) / 2.0 - 1e-9));
                    // Exactly on the edge at sixteenths (exact for integer
                    // vertices), to land on many cell-border positions.
                    for k in 1..16 {
                        let t = k as f64 / 16.0;
                        pts.push((a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)));
                    }
                }
            }
        }
        pts
    }

    #[test]
    fn shared_edges_and_vertices_of_a_tiling() {
        let areas = tiling(
            4,
            &[3, -2, 0, 4, -4, 1, 2, 2, -3],
            &[false, false, false, false, true],
            &[],
        );
        let pts = special_points(&areas);
        for max_cells in [4, 64, 10_000, DEFAULT_MAX_CELLS] {
            check_points(&areas, &pts, max_cells).unwrap();
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn agrees_with_geo_intersects(
            k in 1usize..5,
            jitter in prop::collection::vec(-4i32..=4, 2..40),
            skip in prop::collection::vec(prop::bool::weighted(0.15), 1..10),
            tris in prop::collection::vec(prop::array::uniform6(-5i32..55), 0..3),
            random in prop::collection::vec((-10.0f64..60.0, -10.0f64..60.0), 0..200),
            int_pts in prop::collection::vec((-2i32..52, -2i32..52), 0..100),
            max_cells in prop::sample::select(vec![1usize, 9, 100, 5000, DEFAULT_MAX_CELLS]),
            tris_first in any::<bool>(),
        ) {
            let mut areas = tiling(k, &jitter, &skip, &tris);
            if tris_first {
                // Overlapping triangles get the lowest ids instead.
                areas.rotate_right(tris.len());
            }
            let mut pts = special_points(&areas);
            pts.extend(random);
            pts.extend(int_pts.iter().map(|&(x, y)| (x as f64, y as f64)));
            pts.extend(int_pts.iter().map(|&(x, y)| (x as f64 + 0.5, y as f64)));
            check_points(&areas, &pts, max_cells)?;
        }
    }
}
