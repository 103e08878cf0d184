//! Point indexes: an R-tree for "which incidents are in this box / near this
//! point", and a grid + summed-area table for "how many incidents are in this
//! box", which hotspot scans ask millions of times.

use rayon::prelude::*;
use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};

type Entry = GeomWithData<[f64; 2], u32>;

/// R-tree (rstar) of points with their ids (positions in the input slice),
/// for rectangle and radius queries. Both queries are inclusive of their
/// boundary, and return ids in no particular order.
///
/// Each distinct point is in the tree once, with the ids of every input
/// point there: police.uk snaps ten million incidents to a few tens of
/// thousands of map points, and an R-tree leaf costs several times the
/// four bytes an id does here.
///
/// ```
/// use hotspot_spatial::PointIndex;
/// let index = PointIndex::new(&[[0.0, 0.0], [5.0, 5.0], [10.0, 0.0], [5.0, 5.0]]);
/// let mut ids = index.in_rect(0.0, 0.0, 5.0, 5.0);
/// ids.sort();
/// assert_eq!(ids, vec![0, 1, 3]);
/// assert_eq!(index.within(10.0, 3.0, 3.0), vec![2]);
/// assert_eq!(index.len(), 4);
/// ```
#[derive(Debug, Clone, Default)]
pub struct PointIndex {
    /// Distinct points, each with its run number.
    tree: RTree<Entry>,
    /// Run `r`'s ids are `ids[runs[r]..runs[r + 1]]`.
    runs: Vec<u32>,
    /// Ids of the finite input points, grouped by point.
    ids: Vec<u32>,
}

impl PointIndex {
    /// Bulk-loads the tree (much faster and better balanced than inserting
    /// one by one). Points with a non-finite coordinate are left out; ids are
    /// still positions in `points`.
    pub fn new(points: &[[f64; 2]]) -> Self {
        assert!(
            points.len() < u32::MAX as usize,
            "too many points for u32 ids"
        );
        let key = |i: u32| points[i as usize].map(f64::to_bits);
        let mut ids: Vec<u32> = (0..points.len() as u32)
            .filter(|&i| points[i as usize].iter().all(|c| c.is_finite()))
            .collect();
        ids.par_sort_unstable_by_key(|&i| (key(i), i));
        let mut runs = Vec::new();
        let mut entries = Vec::new();
        for (n, &i) in ids.iter().enumerate() {
            if n == 0 || key(ids[n - 1]) != key(i) {
                entries.push(GeomWithData::new(points[i as usize], runs.len() as u32));
                runs.push(n as u32);
            }
        }
        runs.push(ids.len() as u32);
        Self {
            tree: RTree::bulk_load(entries),
            runs,
            ids,
        }
    }

    fn ids_of(&self, e: &Entry) -> &[u32] {
        let r = e.data as usize;
        &self.ids[self.runs[r] as usize..self.runs[r + 1] as usize]
    }

    /// Ids of the points in the closed rectangle `[min_x, max_x] x [min_y,
    /// max_y]`; empty if `min > max` on either axis.
    pub fn in_rect(&self, min_x: f64, min_y: f64, max_x: f64, max_y: f64) -> Vec<u32> {
        if !(min_x <= max_x && min_y <= max_y) {
            return Vec::new();
        }
        let env = AABB::from_corners([min_x, min_y], [max_x, max_y]);
        let found = self.tree.locate_in_envelope(&env);
        found.flat_map(|e| self.ids_of(e)).copied().collect()
    }

    /// Number of points in the closed rectangle, counted through the R-tree
    /// (the baseline [`WindowCounter`] is measured against).
    pub fn count_in_rect(&self, min_x: f64, min_y: f64, max_x: f64, max_y: f64) -> u64 {
        if !(min_x <= max_x && min_y <= max_y) {
            return 0;
        }
        let env = AABB::from_corners([min_x, min_y], [max_x, max_y]);
        let found = self.tree.locate_in_envelope(&env);
        found.map(|e| self.ids_of(e).len() as u64).sum()
    }

    /// Ids of the points within Euclidean distance `radius` of `(x, y)`
    /// (inclusive).
    pub fn within(&self, x: f64, y: f64, radius: f64) -> Vec<u32> {
        if radius.is_nan() || radius < 0.0 {
            return Vec::new();
        }
        let found = self.tree.locate_within_distance([x, y], radius * radius);
        found.flat_map(|e| self.ids_of(e)).copied().collect()
    }

    /// Number of indexed points.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the index holds no points.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Target average points per grid cell: small enough that the partly covered
/// edge cells of a query hold few points, large enough that the grid (and its
/// summed-area table) stays small.
const POINTS_PER_CELL: usize = 4;
/// Cap on grid cells (the offsets and the table are 4 bytes per cell each).
const MAX_CELLS: usize = 4 << 20;

/// Counts points in axis-aligned rectangles fast.
///
/// Points are sorted into a uniform grid (CSR layout: the points of each
/// cell are contiguous, cells in row-major order) with a 2-D summed-area
/// table of cell counts. A query adds up the wholly covered cells from the
/// table in O(1) and tests only the points in the partly covered cells along
/// the rectangle's border. The cell size is chosen from the point density
/// (about four points per cell on average, at most ~4M cells).
///
/// Rectangles are **closed**: a point exactly on any edge or corner is
/// counted. Points with non-finite coordinates are not indexed.
///
/// ```
/// use hotspot_spatial::WindowCounter;
/// let counter = WindowCounter::new(&[[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 0.5]]);
/// assert_eq!(counter.count(0.0, 0.0, 2.0, 2.0), 3); // edges inclusive
/// assert_eq!(counter.count(0.5, 0.5, 0.9, 0.9), 0);
/// assert_eq!(counter.count(-100.0, -100.0, 100.0, 100.0), 4);
/// assert_eq!(counter.len(), 4);
/// ```
#[derive(Debug, Clone)]
pub struct WindowCounter {
    ox: f64,
    oy: f64,
    cw: f64,
    ch: f64,
    nx: usize,
    ny: usize,
    /// Closed bounding box of the points.
    bbox: [f64; 4],
    /// CSR offsets into `pts`, one per cell plus one.
    start: Vec<u32>,
    /// Points grouped by cell.
    pts: Vec<[f64; 2]>,
    /// `sat[r * (nx + 1) + c]` = points in cells with row < r and column < c.
    sat: Vec<u32>,
}

impl WindowCounter {
    /// Builds the grid. Panics if there are `u32::MAX` points or more.
    pub fn new(points: &[[f64; 2]]) -> Self {
        assert!(
            points.len() < u32::MAX as usize,
            "too many points for WindowCounter"
        );
        let bbox = finite_bbox(points);
        let n = points.iter().filter(|p| finite(p)).count();
        if n == 0 {
            return Self {
                ox: 0.0,
                oy: 0.0,
                cw: 1.0,
                ch: 1.0,
                nx: 1,
                ny: 1,
                bbox,
                start: vec![0, 0],
                pts: Vec::new(),
                sat: vec![0; 4],
            };
        }
        let (w, h) = (bbox[2] - bbox[0], bbox[3] - bbox[1]);
        let (nx, ny) = grid_dimensions(n, w, h);
        let cw = if w > 0.0 { w / nx as f64 } else { 1.0 };
        let ch = if h > 0.0 { h / ny as f64 } else { 1.0 };
        let mut wc = Self {
            ox: bbox[0],
            oy: bbox[1],
            cw,
            ch,
            nx,
            ny,
            bbox,
            start: Vec::new(),
            pts: Vec::new(),
            sat: Vec::new(),
        };
        let counts = wc.sort_into_cells(points, n);
        wc.sat = summed_area_table(&counts, nx, ny);
        wc
    }

    /// Counting sort of the (finite) points into the grid's cells: fills
    /// `start` and `pts` (CSR) and returns the count per cell.
    fn sort_into_cells(&mut self, points: &[[f64; 2]], n: usize) -> Vec<u32> {
        let nx = self.nx;
        let cell_of: Vec<u32> = points
            .par_iter()
            .map(|p| {
                if finite(p) {
                    (self.row(p[1]) * nx + self.col(p[0])) as u32
                } else {
                    u32::MAX
                }
            })
            .collect();
        let ncells = nx * self.ny;
        let mut counts = vec![0u32; ncells];
        for &c in &cell_of {
            if c != u32::MAX {
                counts[c as usize] += 1;
            }
        }
        let mut start = Vec::with_capacity(ncells + 1);
        let mut acc = 0u32;
        for &c in &counts {
            start.push(acc);
            acc += c;
        }
        start.push(acc);
        let mut fill = start.clone();
        let mut pts = vec![[0.0; 2]; n];
        for (p, &c) in points.iter().zip(&cell_of) {
            if c != u32::MAX {
                let f = &mut fill[c as usize];
                pts[*f as usize] = *p;
                *f += 1;
            }
        }
        self.start = start;
        self.pts = pts;
        counts
    }

    #[inline]
    fn col(&self, x: f64) -> usize {
        // Monotone in x and saturating (negative -> 0): a point with x >= a
        // query's min_x never falls in a column left of min_x's column.
        (((x - self.ox) / self.cw).floor() as usize).min(self.nx - 1)
    }

    #[inline]
    fn row(&self, y: f64) -> usize {
        (((y - self.oy) / self.ch).floor() as usize).min(self.ny - 1)
    }

    /// Points in the cell block rows `r0..r1`, columns `c0..c1` (half-open).
    #[inline]
    fn block(&self, r0: usize, r1: usize, c0: usize, c1: usize) -> u64 {
        let s = self.nx + 1;
        let v = self.sat[r1 * s + c1] as i64
            - self.sat[r0 * s + c1] as i64
            - self.sat[r1 * s + c0] as i64
            + self.sat[r0 * s + c0] as i64;
        v as u64
    }

    /// Number of points in the **closed** rectangle `[min_x, max_x] x
    /// [min_y, max_y]` (points on the edges count). Returns 0 when `min >
    /// max` on either axis or any bound is NaN.
    #[inline]
    pub fn count(&self, min_x: f64, min_y: f64, max_x: f64, max_y: f64) -> u64 {
        if !(min_x <= max_x && min_y <= max_y) {
            return 0;
        }
        let b = &self.bbox;
        if max_x < b[0] || min_x > b[2] || max_y < b[1] || min_y > b[3] {
            return 0;
        }
        let (c0, c1) = (self.col(min_x), self.col(max_x));
        let (r0, r1) = (self.row(min_y), self.row(max_y));
        // Cells strictly inside the cell range are wholly inside the query:
        // by monotonicity, a point in a column > col(min_x) has x > min_x.
        let mut total = if c1 > c0 + 1 && r1 > r0 + 1 {
            self.block(r0 + 1, r1, c0 + 1, c1)
        } else {
            0
        };
        let inside =
            |p: &[f64; 2]| p[0] >= min_x && p[0] <= max_x && p[1] >= min_y && p[1] <= max_y;
        let count_range = |a: usize, b: usize| -> u64 {
            let s = self.start[a] as usize;
            let e = self.start[b] as usize;
            self.pts[s..e].iter().filter(|p| inside(p)).count() as u64
        };
        // Bottom and top rows of the range: contiguous in CSR order.
        total += count_range(r0 * self.nx + c0, r0 * self.nx + c1 + 1);
        if r1 > r0 {
            total += count_range(r1 * self.nx + c0, r1 * self.nx + c1 + 1);
        }
        // Left and right columns of the middle rows.
        for r in r0 + 1..r1 {
            total += count_range(r * self.nx + c0, r * self.nx + c0 + 1);
            if c1 > c0 {
                total += count_range(r * self.nx + c1, r * self.nx + c1 + 1);
            }
        }
        total
    }

    /// Number of indexed points.
    pub fn len(&self) -> usize {
        self.pts.len()
    }

    /// Whether no points are indexed.
    pub fn is_empty(&self) -> bool {
        self.pts.is_empty()
    }

    /// Grid size `(columns, rows)`, for diagnostics and benchmarks.
    pub fn grid_shape(&self) -> (usize, usize) {
        (self.nx, self.ny)
    }
}

/// Non-finite points are not indexed.
fn finite(p: &[f64; 2]) -> bool {
    p[0].is_finite() && p[1].is_finite()
}

/// Closed bounding box `[min_x, min_y, max_x, max_y]` of the finite points
/// (infinities when there are none), computed in parallel.
fn finite_bbox(points: &[[f64; 2]]) -> [f64; 4] {
    let bbox = points.par_iter().filter(|p| finite(p)).fold(
        || {
            [
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ]
        },
        |b, p| {
            [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ]
        },
    );
    bbox.reduce(
        || {
            [
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ]
        },
        |a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        },
    )
}

/// Columns and rows of the grid for `n` points over a `w` × `h` box: about
/// [`POINTS_PER_CELL`] points per cell, square-ish cells, one row (column)
/// when the box has no height (width), at most [`MAX_CELLS`] cells.
fn grid_dimensions(n: usize, w: f64, h: f64) -> (usize, usize) {
    let target = (n / POINTS_PER_CELL).clamp(1, MAX_CELLS) as f64;
    if w <= 0.0 && h <= 0.0 {
        (1, 1)
    } else if h <= 0.0 {
        (target as usize, 1)
    } else if w <= 0.0 {
        (1, target as usize)
    } else {
        let side = (w * h / target).sqrt();
        let nx = ((w / side).ceil() as usize).clamp(1, MAX_CELLS);
        let ny = ((target / nx as f64).floor() as usize).max(1);
        (nx, ny)
    }
}

/// Summed-area table over the `nx` × `ny` cell counts (row-major), with a
/// leading zero row and column: see [`WindowCounter`]'s `sat` field.
fn summed_area_table(counts: &[u32], nx: usize, ny: usize) -> Vec<u32> {
    let stride = nx + 1;
    let mut sat = vec![0u32; stride * (ny + 1)];
    for r in 0..ny {
        let mut row_sum = 0u32;
        for c in 0..nx {
            row_sum += counts[r * nx + c];
            sat[(r + 1) * stride + c + 1] = sat[r * stride + c + 1] + row_sum;
        }
    }
    sat
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn brute(points: &[[f64; 2]], r: [f64; 4]) -> u64 {
        points
            .iter()
            .filter(|p| p[0] >= r[0] && p[0] <= r[2] && p[1] >= r[1] && p[1] <= r[3])
            .count() as u64
    }

    #[test]
    fn empty_and_degenerate_sets() {
        let wc = WindowCounter::new(&[]);
        assert_eq!(wc.count(-1.0, -1.0, 1.0, 1.0), 0);
        assert!(wc.is_empty());
        let same = vec![[3.0, 4.0]; 10];
        let wc = WindowCounter::new(&same);
        assert_eq!(wc.count(3.0, 4.0, 3.0, 4.0), 10);
        assert_eq!(wc.count(3.0, 4.0001, 5.0, 5.0), 0);
        let line: Vec<[f64; 2]> = (0..100).map(|i| [i as f64, 7.0]).collect();
        let wc = WindowCounter::new(&line);
        assert_eq!(wc.count(10.0, 7.0, 19.0, 7.0), 10);
        let wc = WindowCounter::new(&[[f64::NAN, 1.0], [1.0, 1.0], [f64::INFINITY, 0.0]]);
        assert_eq!(wc.len(), 1);
        assert_eq!(
            wc.count(
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
                f64::INFINITY,
                f64::INFINITY
            ),
            1
        );
        assert_eq!(wc.count(2.0, 0.0, 1.0, 5.0), 0, "min > max");
        assert_eq!(wc.count(f64::NAN, 0.0, 1.0, 5.0), 0);
    }

    #[test]
    fn point_index_queries() {
        let pts: Vec<[f64; 2]> = (0..400)
            .map(|i| [(i % 20) as f64, (i / 20) as f64])
            .collect();
        let index = PointIndex::new(&pts);
        assert_eq!(index.len(), 400);
        assert!(!index.is_empty());
        let mut got = index.in_rect(2.0, 3.0, 4.0, 5.0);
        got.sort();
        let want: Vec<u32> = (0..400u32)
            .filter(|&i| (2..=4).contains(&(i % 20)) && (3..=5).contains(&(i / 20)))
            .collect();
        assert_eq!(got, want);
        assert_eq!(index.count_in_rect(2.0, 3.0, 4.0, 5.0), 9);
        assert!(index.in_rect(4.0, 3.0, 2.0, 5.0).is_empty());
        let mut near = index.within(10.0, 10.0, 1.0);
        near.sort();
        assert_eq!(near, vec![190, 209, 210, 211, 230]);
        assert!(index.within(10.0, 10.0, -1.0).is_empty());
        assert!(PointIndex::new(&[]).is_empty());
    }

    /// Coordinates on a coarse lattice so that points often sit exactly on
    /// query edges and share cells, mixed with arbitrary values.
    fn coord() -> impl Strategy<Value = f64> {
        prop_oneof![(-20i32..120).prop_map(|v| v as f64 * 0.5), -15.0f64..65.0]
    }

    proptest! {
        #[test]
        fn window_count_matches_brute_force(
            points in prop::collection::vec([coord(), coord()], 0..400),
            cluster in prop::collection::vec([20.0f64..20.5, 30.0f64..30.5], 0..300),
            rects in prop::collection::vec([coord(), coord(), coord(), coord()], 1..40),
        ) {
            let mut all = points;
            all.extend(cluster);
            let wc = WindowCounter::new(&all);
            let index = PointIndex::new(&all);
            prop_assert_eq!(wc.len(), all.len());
            let mut queries: Vec<[f64; 4]> = rects
                .iter()
                .map(|r| [r[0].min(r[2]), r[1].min(r[3]), r[0].max(r[2]), r[1].max(r[3])])
                .collect();
            // Rectangles whose edges pass exactly through data points.
            for (i, p) in all.iter().enumerate().take(20) {
                let q = all[(i * 7 + 3) % all.len()];
                queries.push([p[0].min(q[0]), p[1].min(q[1]), p[0].max(q[0]), p[1].max(q[1])]);
                queries.push([p[0], p[1], p[0], p[1]]);
            }
            for r in queries {
                let want = brute(&all, r);
                prop_assert_eq!(wc.count(r[0], r[1], r[2], r[3]), want, "rect {:?}", r);
                prop_assert_eq!(index.count_in_rect(r[0], r[1], r[2], r[3]), want);
                prop_assert_eq!(index.in_rect(r[0], r[1], r[2], r[3]).len() as u64, want);
            }
        }

        #[test]
        fn within_matches_brute_force(
            points in prop::collection::vec([coord(), coord()], 0..300),
            x in coord(), y in coord(), radius in prop_oneof![Just(0.0), 0.0f64..30.0, (0i32..20).prop_map(|v| v as f64)],
        ) {
            let index = PointIndex::new(&points);
            let mut got = index.within(x, y, radius);
            got.sort();
            let want: Vec<u32> = (0..points.len() as u32)
                .filter(|&i| {
                    let p = points[i as usize];
                    (p[0] - x).powi(2) + (p[1] - y).powi(2) <= radius * radius
                })
                .collect();
            prop_assert_eq!(got, want);
        }
    }
}
