//! The separate pieces of a hotspot band: groups of touching cells at or
//! above its threshold. A county's "top 1%" is a dozen town-centre areas;
//! listing them one by one, with what is in each, is what lets an officer
//! act on them.

use crate::DensityGrid;

/// No piece: the cell is below the threshold.
pub const NONE: u32 = u32::MAX;

/// One piece of a band.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// Its densest cell (row-major index, row 0 north).
    pub peak: usize,
    pub cells: usize,
}

/// The pieces of the cells at or above `threshold` (> 0), cells touching at
/// an edge or a corner joining: `(piece of each cell or NONE, pieces)`.
/// Corner-touching cells join because the band's polygons usually join
/// there too (marching squares joins a saddle whose centre is above the
/// level).
///
/// ```
/// use hotspot_density::pieces::{pieces, NONE};
/// use hotspot_density::{DensityGrid, GridSpec};
/// let spec = GridSpec::covering(0.0, 0.0, 40.0, 30.0, 10.0).unwrap(); // 4 × 3 cells
/// let values = vec![
///     5.0, 0.0, 0.0, 1.0,
///     0.0, 6.0, 0.0, 0.0,
///     0.0, 0.0, 0.0, 9.0,
/// ];
/// let grid = DensityGrid { spec, bandwidth: 10.0, values };
/// let (of, ps) = pieces(&grid, 5.0);
/// assert_eq!(ps.len(), 2); // the diagonal pair, and the 9 alone
/// assert_eq!(of[0], of[5]);
/// assert_eq!((ps[of[5] as usize].peak, ps[of[5] as usize].cells), (5, 2));
/// assert_eq!(of[3], NONE); // 1.0 is below the threshold
/// ```
pub fn pieces(grid: &DensityGrid, threshold: f64) -> (Vec<u32>, Vec<Piece>) {
    let (cols, rows) = (grid.spec.cols, grid.spec.rows);
    let values = &grid.values;
    let inside = |i: usize| threshold > 0.0 && values[i] >= threshold;
    let mut of = vec![NONE; values.len()];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..values.len() {
        if of[start] != NONE || !inside(start) {
            continue;
        }
        let id = out.len() as u32;
        let mut piece = Piece {
            peak: start,
            cells: 0,
        };
        of[start] = id;
        stack.push(start);
        while let Some(i) = stack.pop() {
            piece.cells += 1;
            if values[i] > values[piece.peak] {
                piece.peak = i;
            }
            let (r, c) = (i / cols, i % cols);
            for dr in [-1i64, 0, 1] {
                for dc in [-1i64, 0, 1] {
                    let (nr, nc) = (r as i64 + dr, c as i64 + dc);
                    if nr < 0 || nc < 0 || nr >= rows as i64 || nc >= cols as i64 {
                        continue;
                    }
                    let n = nr as usize * cols + nc as usize;
                    if of[n] == NONE && inside(n) {
                        of[n] = id;
                        stack.push(n);
                    }
                }
            }
        }
        out.push(piece);
    }
    (of, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{hotspot_bands, kde, GridSpec};

    #[test]
    fn two_separate_clusters_are_two_pieces_and_agree_with_the_polygons() {
        let spec = GridSpec::covering(0.0, 0.0, 6_000.0, 3_000.0, 50.0).unwrap();
        let mut pts = Vec::new();
        for i in 0..50 {
            let d = (i % 7) as f64 * 10.0;
            pts.push([1_500.0 + d, 1_500.0 - d]);
            pts.push([4_500.0 - d, 1_500.0 + d]);
        }
        let grid = kde(&pts, None, &spec, 400.0).unwrap();
        let band = &hotspot_bands(&grid, &[5.0]).unwrap()[0];
        let (of, ps) = pieces(&grid, band.threshold);
        assert_eq!(ps.len(), 2);
        assert_eq!(band.polygons.0.len(), 2);
        let cells: usize = ps.iter().map(|p| p.cells).sum();
        assert_eq!(cells, of.iter().filter(|&&p| p != NONE).count());
        // Each peak is where its cluster is.
        for p in &ps {
            let (x, _) = spec.cell_centre(p.peak % spec.cols, p.peak / spec.cols);
            assert!(
                (x - 1_500.0).abs() < 200.0 || (x - 4_500.0).abs() < 200.0,
                "{x}"
            );
        }
    }

    #[test]
    fn nothing_above_a_zero_threshold() {
        let spec = GridSpec::covering(0.0, 0.0, 100.0, 100.0, 10.0).unwrap();
        let grid = DensityGrid {
            values: vec![0.0; spec.len()],
            bandwidth: 10.0,
            spec,
        };
        assert!(pieces(&grid, 0.0).1.is_empty());
    }
}
