//! Raster geometry on the British National Grid.

use crate::DensityError;

/// Hard upper limit on the number of cells of any grid this crate builds.
///
/// 16 million `f64` cells is 128 MB for the surface alone (plus the padded
/// binning grid and one per-thread copy of it); beyond that a request is
/// almost certainly a mistake (a 1 m cell over a county) rather than an
/// analysis anyone can look at.
pub const MAX_CELLS: usize = 16_000_000;

/// Raster geometry in British National Grid metres (EPSG:27700).
///
/// Row 0 is the **northernmost** row and values are stored row-major, which
/// is the raster/GeoTIFF convention, so a grid can be written out without
/// flipping. Cell `(col, row)` covers
/// `[west + col·cell, west + (col+1)·cell] × [north − (row+1)·cell, north − row·cell]`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GridSpec {
    /// Easting of the western edge of column 0, metres.
    pub west: f64,
    /// Northing of the northern edge of row 0, metres.
    pub north: f64,
    /// Side of a square cell, metres.
    pub cell: f64,
    /// Number of columns (west to east).
    pub cols: usize,
    /// Number of rows (north to south).
    pub rows: usize,
}

impl GridSpec {
    /// The smallest grid whose edges are multiples of `cell` and which covers
    /// the box `(min_x, min_y) – (max_x, max_y)`.
    ///
    /// Snapping edges to multiples of the cell size means surfaces computed
    /// for different months or crime groups over the same area line up cell
    /// for cell, so they can be compared or differenced directly. A
    /// degenerate box (a single point) still gets one cell.
    ///
    /// ```
    /// use hotspot_density::GridSpec;
    /// let g = GridSpec::covering(450_010.0, 260_020.0, 450_990.0, 260_480.0, 100.0).unwrap();
    /// assert_eq!((g.west, g.north, g.cols, g.rows), (450_000.0, 260_500.0, 10, 5));
    /// ```
    pub fn covering(
        min_x: f64,
        min_y: f64,
        max_x: f64,
        max_y: f64,
        cell: f64,
    ) -> Result<Self, DensityError> {
        if !(cell.is_finite() && cell > 0.0) {
            return Err(DensityError::InvalidCell(cell));
        }
        let finite = [min_x, min_y, max_x, max_y].iter().all(|v| v.is_finite());
        if !finite || min_x > max_x || min_y > max_y {
            return Err(DensityError::InvalidExtent {
                min_x,
                min_y,
                max_x,
                max_y,
            });
        }
        // A cell so small that the extent's own coordinates overflow in
        // cells (e.g. 5e-324 m) would make the edges infinite and the counts
        // NaN, which casts to a 1 × 1 grid at infinity: refuse it as too
        // large, counting in floating point so nothing overflows.
        let (wide, high) = ((max_x - min_x) / cell + 2.0, (max_y - min_y) / cell + 2.0);
        let edges_finite = [min_x, min_y, max_x, max_y]
            .iter()
            .all(|v| (v / cell).is_finite());
        if !edges_finite || wide * high > MAX_CELLS as f64 {
            return Err(DensityError::GridTooLarge {
                cols: wide as usize,
                rows: high as usize,
                cells: (wide * high) as usize,
                limit: MAX_CELLS,
            });
        }
        let west = (min_x / cell).floor() * cell;
        let south = (min_y / cell).floor() * cell;
        let east = (max_x / cell).ceil() * cell;
        let north = (max_y / cell).ceil() * cell;
        let cols = (((east - west) / cell).round() as usize).max(1);
        let rows = (((north - south) / cell).round() as usize).max(1);
        let spec = GridSpec {
            west,
            north,
            cell,
            cols,
            rows,
        };
        spec.check_size()?;
        Ok(spec)
    }

    /// Checks the grid is non-empty, has a valid cell and fits [`MAX_CELLS`]
    /// (the fields are public, so a hand-built spec may break any of these).
    pub(crate) fn check_size(&self) -> Result<(), DensityError> {
        if !(self.cell.is_finite() && self.cell > 0.0) {
            return Err(DensityError::InvalidCell(self.cell));
        }
        if self.cols == 0 || self.rows == 0 {
            return Err(DensityError::EmptyGrid {
                cols: self.cols,
                rows: self.rows,
            });
        }
        let cells = self.cols.saturating_mul(self.rows);
        if cells > MAX_CELLS {
            return Err(DensityError::GridTooLarge {
                cols: self.cols,
                rows: self.rows,
                cells,
                limit: MAX_CELLS,
            });
        }
        Ok(())
    }

    /// Easting of the eastern edge of the last column.
    pub fn east(&self) -> f64 {
        self.west + self.cols as f64 * self.cell
    }

    /// Northing of the southern edge of the last row.
    pub fn south(&self) -> f64 {
        self.north - self.rows as f64 * self.cell
    }

    /// Centre of cell `(col, row)` in BNG metres; row 0 is the northernmost.
    ///
    /// ```
    /// use hotspot_density::GridSpec;
    /// let g = GridSpec { west: 0.0, north: 1000.0, cell: 50.0, cols: 4, rows: 4 };
    /// assert_eq!(g.cell_centre(0, 0), (25.0, 975.0));
    /// assert_eq!(g.cell_centre(3, 3), (175.0, 825.0));
    /// ```
    pub fn cell_centre(&self, col: usize, row: usize) -> (f64, f64) {
        (
            self.west + (col as f64 + 0.5) * self.cell,
            self.north - (row as f64 + 0.5) * self.cell,
        )
    }

    /// Bounds `(min_x, min_y, max_x, max_y)` of cell `(col, row)`.
    ///
    /// ```
    /// use hotspot_density::GridSpec;
    /// let g = GridSpec { west: 0.0, north: 1000.0, cell: 50.0, cols: 4, rows: 4 };
    /// assert_eq!(g.cell_bounds(1, 0), (50.0, 950.0, 100.0, 1000.0));
    /// ```
    pub fn cell_bounds(&self, col: usize, row: usize) -> (f64, f64, f64, f64) {
        let min_x = self.west + col as f64 * self.cell;
        let max_y = self.north - row as f64 * self.cell;
        (min_x, max_y - self.cell, min_x + self.cell, max_y)
    }

    /// Number of cells (`cols × rows`).
    ///
    /// ```
    /// use hotspot_density::GridSpec;
    /// let g = GridSpec { west: 0.0, north: 1000.0, cell: 50.0, cols: 4, rows: 3 };
    /// assert_eq!(g.len(), 12);
    /// ```
    pub fn len(&self) -> usize {
        self.cols * self.rows
    }

    /// True when the grid has no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Area of one cell in square metres.
    pub fn cell_area(&self) -> f64 {
        self.cell * self.cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_too_small_to_count_in_is_refused_not_a_grid_at_infinity() {
        for cell in [5e-324, 1e-300, 1e-3] {
            let r = GridSpec::covering(450_000.0, 260_000.0, 451_000.0, 261_000.0, cell);
            assert!(
                matches!(r, Err(DensityError::GridTooLarge { .. })),
                "{cell}: {r:?}"
            );
        }
        // A point extent with a subnormal cell: its coordinates overflow in cells.
        let r = GridSpec::covering(450_000.0, 260_000.0, 450_000.0, 260_000.0, 5e-324);
        assert!(r.is_err(), "{r:?}");
    }

    #[test]
    fn covering_snaps_outward() {
        let g = GridSpec::covering(-120.0, 30.0, 260.0, 30.0, 100.0).unwrap();
        assert_eq!(g.west, -200.0);
        assert_eq!(g.east(), 300.0);
        assert_eq!(g.north, 100.0);
        assert_eq!(g.south(), 0.0);
        assert_eq!((g.cols, g.rows), (5, 1));
    }

    #[test]
    fn covering_exact_multiples_do_not_grow() {
        let g = GridSpec::covering(0.0, 0.0, 20_000.0, 20_000.0, 50.0).unwrap();
        assert_eq!((g.cols, g.rows), (400, 400));
        assert_eq!((g.west, g.north), (0.0, 20_000.0));
    }

    #[test]
    fn covering_point_gives_one_cell() {
        let g = GridSpec::covering(500.0, 500.0, 500.0, 500.0, 100.0).unwrap();
        assert_eq!((g.cols, g.rows), (1, 1));
    }

    #[test]
    fn covering_rejects_bad_input() {
        assert!(matches!(
            GridSpec::covering(0.0, 0.0, 1.0, 1.0, 0.0),
            Err(DensityError::InvalidCell(_))
        ));
        assert!(matches!(
            GridSpec::covering(0.0, 0.0, 1.0, 1.0, f64::NAN),
            Err(DensityError::InvalidCell(_))
        ));
        assert!(matches!(
            GridSpec::covering(2.0, 0.0, 1.0, 1.0, 1.0),
            Err(DensityError::InvalidExtent { .. })
        ));
        assert!(matches!(
            GridSpec::covering(0.0, 0.0, 1e7, 1e7, 1.0),
            Err(DensityError::GridTooLarge { .. })
        ));
    }

    #[test]
    fn centres_lie_inside_bounds() {
        let g = GridSpec {
            west: 100.0,
            north: 900.0,
            cell: 25.0,
            cols: 7,
            rows: 5,
        };
        for row in 0..g.rows {
            for col in 0..g.cols {
                let (x, y) = g.cell_centre(col, row);
                let (x0, y0, x1, y1) = g.cell_bounds(col, row);
                assert!(x0 < x && x < x1 && y0 < y && y < y1);
            }
        }
    }
}
