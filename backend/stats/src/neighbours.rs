//! Spatial weights for Gi*: binary neighbourhoods in compressed sparse row
//! (CSR) form, each active feature counting as its own neighbour.
//!
//! Gi* (with the star) includes the feature itself in its neighbourhood, so
//! every constructor adds `i` to the list of `i`. Weights are binary (1 for a
//! neighbour, 0 otherwise): that is ArcGIS's "fixed distance band" and
//! "contiguity" conceptualisations and PySAL's `transform='B'`, and it keeps
//! the Gi* variance simple (Σ w² = Σ w).
//!
//! Grid constructors take an `active` mask: inactive cells (outside the study
//! area) get an empty list and never appear in anyone else's list, which is
//! what "clipped to the study area" means. Lists are sorted by feature index.

use rayon::prelude::*;

use crate::StatsError;

/// Relative slack when comparing squared centre distances with the band on
/// grids, so that `band_cells = 2f64.sqrt()` includes the diagonal whose
/// squared distance is exactly 2.
const GRID_EPS: f64 = 1e-9;

/// Most neighbour pairs a grid neighbourhood may hold (about 200 MB of
/// `u32` indices). A band of 1.5 cells on a 400 × 400 grid needs 1.4 M.
pub const MAX_NEIGHBOUR_PAIRS: usize = 50_000_000;

/// Refuses a grid neighbourhood whose offset table, applied to every active
/// cell, could exceed [`MAX_NEIGHBOUR_PAIRS`]; checked before anything is
/// allocated, so an absurd band (say 1e308) costs nothing.
fn check_grid_pairs(band: f64, active: &[bool], table_side: u128) -> Result<(), StatsError> {
    let active = active.iter().filter(|&&a| a).count() as u128;
    let pairs = active * (table_side * table_side).min(active);
    if pairs > MAX_NEIGHBOUR_PAIRS as u128 {
        Err(StatsError::NeighbourhoodTooLarge {
            band,
            pairs,
            limit: MAX_NEIGHBOUR_PAIRS,
        })
    } else {
        Ok(())
    }
}

/// Binary spatial weights, each feature counting as its own neighbour.
///
/// Stored as CSR: the neighbours of feature `i` are
/// `indices[offsets[i]..offsets[i + 1]]`, sorted ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbours {
    offsets: Vec<usize>,
    indices: Vec<u32>,
    max_degree: usize,
}

fn check_count(n: usize) -> Result<(), StatsError> {
    if n > u32::MAX as usize {
        Err(StatsError::TooManyFeatures(n))
    } else {
        Ok(())
    }
}

fn check_band(band: f64) -> Result<(), StatsError> {
    if band.is_finite() && band >= 0.0 {
        Ok(())
    } else {
        Err(StatsError::InvalidBand(band))
    }
}

fn check_active(cols: usize, rows: usize, active: &[bool]) -> Result<usize, StatsError> {
    let n = cols
        .checked_mul(rows)
        .ok_or(StatsError::TooManyFeatures(usize::MAX))?;
    check_count(n)?;
    if active.len() != n {
        return Err(StatsError::LengthMismatch {
            what: "active".into(),
            expected: n,
            got: active.len(),
        });
    }
    Ok(n)
}

impl Neighbours {
    fn new(offsets: Vec<usize>, indices: Vec<u32>) -> Self {
        let max_degree = offsets.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
        Neighbours {
            offsets,
            indices,
            max_degree,
        }
    }

    /// Fills a grid's CSR from per-row-parity offset tables `(dc, dr)`,
    /// sorted by `(dr, dc)` so each list comes out sorted by index.
    ///
    /// Two parallel passes over the rows (count, then fill in place) so the
    /// index array is allocated once at its final size.
    fn grid_from_offsets(
        cols: usize,
        rows: usize,
        active: &[bool],
        even: &[(i64, i64)],
        odd: &[(i64, i64)],
    ) -> Self {
        // Calls `f(j)` for each active neighbour `j` of cell (c, r).
        let for_each = |c: usize, r: usize, f: &mut dyn FnMut(u32)| {
            let table = if r & 1 == 0 { even } else { odd };
            for &(dc, dr) in table {
                let (cc, rr) = (c as i64 + dc, r as i64 + dr);
                if cc < 0 || rr < 0 || cc >= cols as i64 || rr >= rows as i64 {
                    continue;
                }
                let j = rr as usize * cols + cc as usize;
                if active[j] {
                    f(j as u32);
                }
            }
        };
        let n = cols * rows;
        let mut degree = vec![0usize; n];
        if cols > 0 {
            degree
                .par_chunks_mut(cols)
                .enumerate()
                .for_each(|(r, row)| {
                    for (c, d) in row.iter_mut().enumerate() {
                        if active[r * cols + c] {
                            for_each(c, r, &mut |_| *d += 1);
                        }
                    }
                });
        }
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        let mut total = 0;
        for d in degree {
            total += d;
            offsets.push(total);
        }
        let mut indices = vec![0u32; total];
        // One mutable slice of `indices` per row, filled in parallel.
        let mut slices = Vec::with_capacity(rows);
        let mut rest = indices.as_mut_slice();
        for r in 0..rows {
            let len = offsets[(r + 1) * cols] - offsets[r * cols];
            let (row, tail) = rest.split_at_mut(len);
            slices.push(row);
            rest = tail;
        }
        slices.into_par_iter().enumerate().for_each(|(r, row)| {
            let mut k = 0;
            for c in 0..cols {
                if active[r * cols + c] {
                    for_each(c, r, &mut |j| {
                        row[k] = j;
                        k += 1;
                    });
                }
            }
        });
        Self::new(offsets, indices)
    }

    /// Square grid of `cols × rows` cells, row-major (index `row·cols + col`,
    /// row 0 north as in `hotspot_density::GridSpec`, although only relative
    /// positions matter).
    ///
    /// Cell `j` is a neighbour of cell `i` when the distance between their
    /// centres is at most `band_cells` cell widths (with a 1e-9 relative
    /// slack for rounding): `band_cells = 1` is rook contiguity (4 + self),
    /// `1.5` (or `√2`) is queen contiguity (8 + self), `2` adds the four cells
    /// two steps away (12 + self), `0` is the cell alone. Cells with
    /// `active[i] == false` are outside the study area: they get no list and
    /// are no one's neighbour.
    ///
    /// ```
    /// use hotspot_stats::Neighbours;
    /// let nb = Neighbours::square_grid(3, 3, &[true; 9], 1.5).unwrap();
    /// assert_eq!(nb.of(4).len(), 9); // centre: queen + self
    /// assert_eq!(nb.of(0), &[0, 1, 3, 4]); // corner
    /// let rook = Neighbours::square_grid(3, 3, &[true; 9], 1.0).unwrap();
    /// assert_eq!(rook.of(4), &[1, 3, 4, 5, 7]);
    /// ```
    pub fn square_grid(
        cols: usize,
        rows: usize,
        active: &[bool],
        band_cells: f64,
    ) -> Result<Self, StatsError> {
        check_active(cols, rows, active)?;
        check_band(band_cells)?;
        // Beyond the grid's diagonal every cell is already a neighbour, so
        // clamping changes nothing but keeps the offsets small.
        let diagonal = (cols as f64).hypot(rows as f64);
        let band_eff = band_cells.min(diagonal);
        let r = band_eff.floor() as i64;
        check_grid_pairs(band_cells, active, 2 * r as u128 + 1)?;
        let limit = band_eff * band_eff * (1.0 + GRID_EPS);
        let mut table = Vec::new();
        for dr in -r..=r {
            for dc in -r..=r {
                if ((dc * dc + dr * dr) as f64) <= limit {
                    table.push((dc, dr));
                }
            }
        }
        Ok(Self::grid_from_offsets(cols, rows, active, &table, &table))
    }

    /// Hexagonal grid of `cols × rows` **pointy-topped** hexagons in the
    /// **odd-r** offset layout: row-major like [`Neighbours::square_grid`],
    /// rows run north to south and odd rows (1, 3, …) are shifted half a
    /// hexagon east. With centre spacing 1 the centre of `(col, row)` is
    /// `(col + ½·(row mod 2), −row·√3/2)`.
    ///
    /// `band_cells` is a distance in centre spacings (with a 1e-9 relative
    /// slack): `1` is the 6 touching hexagons (+ self), `√3` adds the next 6,
    /// `2` the 6 after that.
    ///
    /// ```
    /// use hotspot_stats::Neighbours;
    /// let nb = Neighbours::hex_grid(3, 3, &[true; 9], 1.0).unwrap();
    /// // (1,1) is on an odd row, shifted east: touches (1,0),(2,0),(0,1),(2,1),(1,2),(2,2).
    /// assert_eq!(nb.of(4), &[1, 2, 3, 4, 5, 7, 8]);
    /// ```
    pub fn hex_grid(
        cols: usize,
        rows: usize,
        active: &[bool],
        band_cells: f64,
    ) -> Result<Self, StatsError> {
        check_active(cols, rows, active)?;
        check_band(band_cells)?;
        let h = 3f64.sqrt() / 2.0;
        // As on the square grid: past the diagonal (plus the half-hexagon
        // shift) nothing more can be reached.
        let diagonal = (cols as f64 + 1.0).hypot(rows as f64 * h);
        let band_eff = band_cells.min(diagonal);
        let limit = band_eff * band_eff * (1.0 + GRID_EPS);
        let max_dr = (band_eff / h + GRID_EPS).floor() as i64;
        let max_dc = band_eff.ceil() as i64 + 1;
        check_grid_pairs(band_cells, active, (2 * max_dr.max(max_dc) + 1) as u128)?;
        let table_for = |parity: i64| {
            let mut table = Vec::new();
            for dr in -max_dr..=max_dr {
                let other = (parity + dr).rem_euclid(2);
                for dc in -max_dc..=max_dc {
                    let dx = dc as f64 + 0.5 * (other - parity) as f64;
                    let dy = dr as f64 * h;
                    if dx * dx + dy * dy <= limit {
                        table.push((dc, dr));
                    }
                }
            }
            table
        };
        let even = table_for(0);
        let odd = table_for(1);
        Ok(Self::grid_from_offsets(cols, rows, active, &even, &odd))
    }

    /// Arbitrary features (ward centroids, say) in metres: `j` is a
    /// neighbour of `i` when `‖c_i − c_j‖ ≤ band` (inclusive, exact
    /// comparison of squared distances, as PySAL's `DistanceBand`).
    ///
    /// Uses a bucket grid of side `band`, so it is `O(n · k)` rather than
    /// `O(n²)`.
    ///
    /// ```
    /// use hotspot_stats::Neighbours;
    /// let nb = Neighbours::distance_band(&[[0.0, 0.0], [3.0, 4.0], [10.0, 0.0]], 5.0).unwrap();
    /// assert_eq!(nb.of(0), &[0, 1]);
    /// assert_eq!(nb.of(2), &[2]);
    /// ```
    pub fn distance_band(centroids: &[[f64; 2]], band: f64) -> Result<Self, StatsError> {
        check_count(centroids.len())?;
        check_band(band)?;
        if let Some(index) = centroids
            .iter()
            .position(|c| !(c[0].is_finite() && c[1].is_finite()))
        {
            return Err(StatsError::NonFinite {
                what: "centroids",
                index,
            });
        }
        // Bucket side: the band, unless it is zero (then only coincident
        // points are neighbours and any positive side works).
        let side = if band > 0.0 { band } else { 1.0 };
        let key = |c: &[f64; 2]| ((c[0] / side).floor() as i64, (c[1] / side).floor() as i64);
        let mut order: Vec<((i64, i64), u32)> = centroids
            .iter()
            .enumerate()
            .map(|(i, c)| (key(c), i as u32))
            .collect();
        order.sort_unstable();
        let band2 = band * band;
        let lists: Vec<Vec<u32>> = centroids
            .par_iter()
            .map(|c| {
                let (kx, ky) = key(c);
                let mut list = Vec::new();
                for bx in kx.saturating_sub(1)..=kx.saturating_add(1) {
                    for by in ky.saturating_sub(1)..=ky.saturating_add(1) {
                        let start = order.partition_point(|e| e.0 < (bx, by));
                        for e in order[start..].iter().take_while(|e| e.0 == (bx, by)) {
                            let o = &centroids[e.1 as usize];
                            let (dx, dy) = (o[0] - c[0], o[1] - c[1]);
                            if dx * dx + dy * dy <= band2 {
                                list.push(e.1);
                            }
                        }
                    }
                }
                list.sort_unstable();
                list
            })
            .collect();
        Ok(Self::from_sorted_lists(lists))
    }

    /// Explicit adjacency lists, e.g. wards sharing a boundary (computed by
    /// the caller). Each feature is added to its own list; duplicates are
    /// removed. Lists need not be symmetric: Gi* uses row `i` of the weights
    /// only.
    ///
    /// ```
    /// use hotspot_stats::Neighbours;
    /// let nb = Neighbours::from_lists(vec![vec![1], vec![0, 2, 2], vec![1]]).unwrap();
    /// assert_eq!(nb.of(1), &[0, 1, 2]);
    /// assert!(Neighbours::from_lists(vec![vec![5]]).is_err());
    /// ```
    pub fn from_lists(lists: Vec<Vec<u32>>) -> Result<Self, StatsError> {
        let len = lists.len();
        check_count(len)?;
        let mut lists = lists;
        for (i, list) in lists.iter_mut().enumerate() {
            if let Some(&bad) = list.iter().find(|&&j| j as usize >= len) {
                return Err(StatsError::NeighbourOutOfRange {
                    list: i,
                    neighbour: bad,
                    len,
                });
            }
            list.push(i as u32);
            list.sort_unstable();
            list.dedup();
        }
        Ok(Self::from_sorted_lists(lists))
    }

    fn from_sorted_lists(lists: Vec<Vec<u32>>) -> Self {
        let mut offsets = Vec::with_capacity(lists.len() + 1);
        offsets.push(0);
        let mut indices = Vec::with_capacity(lists.iter().map(Vec::len).sum());
        for l in lists {
            indices.extend_from_slice(&l);
            offsets.push(indices.len());
        }
        Self::new(offsets, indices)
    }

    /// Number of features (active or not).
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// True when there are no features.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Neighbours of feature `i`, itself included, sorted ascending (empty
    /// for an inactive grid cell).
    ///
    /// # Panics
    /// If `i >= self.len()`.
    pub fn of(&self, i: usize) -> &[u32] {
        &self.indices[self.offsets[i]..self.offsets[i + 1]]
    }

    /// Length of the longest neighbour list (self included).
    pub fn max_degree(&self) -> usize {
        self.max_degree
    }

    /// Total number of (feature, neighbour) pairs, self-pairs included.
    pub fn total_links(&self) -> usize {
        self.indices.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_band_sizes() {
        let act = vec![true; 49];
        let centre = 3 * 7 + 3;
        for (band, k) in [
            (0.0, 1),
            (1.0, 5),
            (1.5, 9),
            (2f64.sqrt(), 9),
            (2.0, 13),
            (2.5, 21),
        ] {
            let nb = Neighbours::square_grid(7, 7, &act, band).unwrap();
            assert_eq!(nb.of(centre).len(), k, "band {band}");
        }
    }

    #[test]
    fn bands_past_the_diagonal_make_everyone_a_neighbour() {
        // Found by the API fuzz test: band=1e308 overflowed the offset loop.
        for band in [1e308, f64::MAX, 9.0] {
            let sq = Neighbours::square_grid(4, 3, &[true; 12], band).unwrap();
            let hex = Neighbours::hex_grid(4, 3, &[true; 12], band).unwrap();
            for i in 0..12 {
                assert_eq!(sq.of(i).len(), 12, "square band {band}");
                assert_eq!(hex.of(i).len(), 12, "hex band {band}");
            }
        }
    }

    #[test]
    fn bands_too_wide_for_memory_are_refused() {
        let act = vec![true; 400 * 400];
        assert!(Neighbours::square_grid(400, 400, &act, 1.5).is_ok());
        for band in [200.0, 1e308] {
            assert!(matches!(
                Neighbours::square_grid(400, 400, &act, band),
                Err(StatsError::NeighbourhoodTooLarge { .. })
            ));
            assert!(matches!(
                Neighbours::hex_grid(400, 400, &act, band),
                Err(StatsError::NeighbourhoodTooLarge { .. })
            ));
        }
    }

    #[test]
    fn square_inactive_clipped() {
        let mut act = vec![true; 9];
        act[1] = false;
        let nb = Neighbours::square_grid(3, 3, &act, 1.5).unwrap();
        assert!(nb.of(1).is_empty());
        assert_eq!(nb.of(0), &[0, 3, 4]);
        assert!(!nb.of(4).contains(&1));
    }

    #[test]
    fn hex_rings() {
        let act = vec![true; 81];
        for (band, k) in [(1.0, 7), (3f64.sqrt(), 13), (2.0, 19)] {
            for centre in [4 * 9 + 4, 3 * 9 + 4] {
                let nb = Neighbours::hex_grid(9, 9, &act, band).unwrap();
                assert_eq!(nb.of(centre).len(), k, "band {band} centre {centre}");
            }
        }
        // Even row 2, col 4: touches (3,1),(4,1) above since odd row 1 is shifted east.
        let nb = Neighbours::hex_grid(9, 9, &act, 1.0).unwrap();
        assert_eq!(
            nb.of(2 * 9 + 4),
            &[9 + 3, 9 + 4, 18 + 3, 18 + 4, 18 + 5, 27 + 3, 27 + 4]
        );
    }

    #[test]
    fn hex_symmetric() {
        let act: Vec<bool> = (0..120).map(|i| i % 7 != 3).collect();
        let nb = Neighbours::hex_grid(12, 10, &act, 2.0).unwrap();
        for i in 0..nb.len() {
            for &j in nb.of(i) {
                assert!(nb.of(j as usize).contains(&(i as u32)));
            }
        }
    }

    #[test]
    fn distance_band_matches_brute_force() {
        let pts: Vec<[f64; 2]> = (0..200)
            .map(|i| {
                let f = i as f64;
                [(f * 37.3) % 101.0 - 50.0, (f * 91.7) % 83.0]
            })
            .collect();
        let band = 12.5;
        let nb = Neighbours::distance_band(&pts, band).unwrap();
        for i in 0..pts.len() {
            let brute: Vec<u32> = (0..pts.len())
                .filter(|&j| {
                    let (dx, dy) = (pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]);
                    dx * dx + dy * dy <= band * band
                })
                .map(|j| j as u32)
                .collect();
            assert_eq!(nb.of(i), brute.as_slice());
        }
    }

    #[test]
    fn errors() {
        assert!(matches!(
            Neighbours::square_grid(3, 3, &[true; 8], 1.0),
            Err(StatsError::LengthMismatch { .. })
        ));
        assert!(matches!(
            Neighbours::hex_grid(3, 3, &[true; 9], f64::NAN),
            Err(StatsError::InvalidBand(_))
        ));
        assert!(matches!(
            Neighbours::distance_band(&[[0.0, f64::INFINITY]], 1.0),
            Err(StatsError::NonFinite { .. })
        ));
        assert!(Neighbours::distance_band(&[], 1.0).unwrap().is_empty());
    }
}
