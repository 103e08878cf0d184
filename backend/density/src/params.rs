//! Default cell size and bandwidth, and warnings about poor choices.

use crate::{kde::MAX_KERNEL_RADIUS_CELLS, DensityError, GridSpec};

/// Cells in the shorter side of the extent under the default rule: about
/// 3–5 screen pixels a cell when the extent is a map view, fine enough for
/// the surface to follow streets at any zoom.
pub const CELLS_ACROSS_SHORTER_SIDE: f64 = 300.0;
/// Smallest default cell, metres: police.uk points are snapped to map points
/// roughly a street apart, and finer cells only add cost.
pub const MIN_DEFAULT_CELL: f64 = 10.0;
/// Default bandwidth in cells (Chainey's rule of thumb), within the bounds below.
pub const BANDWIDTH_CELLS: f64 = 5.0;
/// Smallest default bandwidth, metres. police.uk moves each incident to one
/// of a set of anonymised snap points; a kernel narrower than their spacing
/// maps the snap points, not the hotspots.
pub const MIN_DEFAULT_BANDWIDTH: f64 = 200.0;
/// Largest default bandwidth, metres: a hotspot that patrols, a day of
/// action or target hardening can act on is a few streets to a
/// neighbourhood across. Wider kernels merge neighbouring estates and town
/// centres into one county-sized blob (on Northamptonshire's violence, a
/// 2,500 m kernel made the top 10% one 362 km² area holding 90% of it).
pub const MAX_DEFAULT_BANDWIDTH: f64 = 600.0;
/// The default bandwidth is never under this many cells, so that over a
/// very large extent (coarse cells) the surface stays smooth.
pub const MIN_BANDWIDTH_CELLS: f64 = 2.0;
/// Bandwidth below which a warning about police.uk snap points is given.
pub const SNAP_WARNING_BANDWIDTH: f64 = 100.0;
/// Grids above this many cells get a warning (slow to compute, send, draw).
pub const LARGE_GRID_CELLS: usize = 4_000_000;

/// Cell size and bandwidth for a KDE run, with any warnings for the user.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KdeParameters {
    /// Cell size, metres.
    pub cell: f64,
    /// Quartic kernel radius, metres.
    pub bandwidth: f64,
    /// Human-readable warnings about the choice (empty when all is well).
    pub warnings: Vec<String>,
}

impl KdeParameters {
    /// The grid for these parameters over `extent` `(min_x, min_y, max_x,
    /// max_y)`, grown by the bandwidth on every side so kernels of points at
    /// the edge of the data are not cut off.
    ///
    /// ```
    /// use hotspot_density::choose_parameters;
    /// let extent = (450_000.0, 250_000.0, 470_000.0, 270_000.0);
    /// let p = choose_parameters(extent, Some(50.0), Some(400.0)).unwrap();
    /// let g = p.grid(extent).unwrap();
    /// assert_eq!((g.west, g.north, g.cols, g.rows), (449_600.0, 270_400.0, 416, 416));
    /// ```
    pub fn grid(&self, extent: (f64, f64, f64, f64)) -> Result<GridSpec, DensityError> {
        let (min_x, min_y, max_x, max_y) = extent;
        let h = self.bandwidth;
        GridSpec::covering(min_x - h, min_y - h, max_x + h, max_y + h, self.cell)
    }
}

/// Rounds `v > 0` to the nearest (in ratio) of 1, 2, 2.5 or 5 × 10ᵏ, so
/// cell sizes read well on a legend ("100 m", "250 m").
///
/// ```
/// use hotspot_density::params::nice_round;
/// assert_eq!(nice_round(133.0), 100.0);
/// assert_eq!(nice_round(230.0), 250.0);
/// ```
pub fn nice_round(v: f64) -> f64 {
    let exp = v.log10().floor();
    let base = 10f64.powf(exp);
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * base)
        .min_by(|a, b| {
            let da = (v / a).ln().abs();
            let db = (v / b).ln().abs();
            da.total_cmp(&db)
        })
        .unwrap_or(v)
}

fn check_positive(v: Option<f64>, err: fn(f64) -> DensityError) -> Result<(), DensityError> {
    match v {
        Some(x) if !(x.is_finite() && x > 0.0) => Err(err(x)),
        _ => Ok(()),
    }
}

/// Chooses the cell size and bandwidth for `extent` `(min_x, min_y, max_x,
/// max_y)` in BNG metres (normally the bounding box of the incidents).
///
/// The documented default rule, the same for the CLI, the API and a map
/// view (whose `bbox` is the extent):
///
/// * **cell** = shorter side of the extent ÷ 300, rounded to a "nice" value
///   (1, 2, 2.5 or 5 × 10ᵏ m), never below 10 m: a few screen pixels when
///   the extent is the visible map, so the surface follows streets at
///   street zoom and stays light at county zoom. If only a bandwidth is
///   given, the cell is also capped at a fifth of it (nicely rounded) so
///   the surface is not blocky.
/// * **bandwidth** = 5 × cell, kept between 200 m and 600 m (and never
///   under 2 cells). The floor is police.uk's: it snaps incidents to
///   anonymised map points and a narrower kernel maps those. The ceiling is
///   the scale of action: wider kernels merge a county's town centres into
///   one blob.
///
/// So a street view (1–3 km) gets 10 m cells and 200 m; a town (10 km)
/// 25–50 m cells and 200–250 m; a district (30 km) 100 m cells and 500 m;
/// a county (60–100 km) 200–250 m cells and 600 m.
///
/// `cell` and `bandwidth` given by the user override either. Warnings are
/// returned for a bandwidth under two cells (spiky surface), a bandwidth
/// under 100 m (below police.uk's snap spacing) and a grid over 4 million
/// cells; a grid over [`MAX_CELLS`](crate::MAX_CELLS) or a kernel wider than
/// [`MAX_KERNEL_RADIUS_CELLS`] is an error. Grid size is counted on the
/// extent grown by the bandwidth, as [`KdeParameters::grid`] builds it.
///
/// ```
/// use hotspot_density::choose_parameters;
/// // 20 km × 30 km: 20 000 / 300 ≈ 67 m → 50 m cells, 250 m bandwidth.
/// let p = choose_parameters((400_000.0, 200_000.0, 420_000.0, 230_000.0), None, None).unwrap();
/// assert_eq!((p.cell, p.bandwidth), (50.0, 250.0));
/// assert!(p.warnings.is_empty());
/// // A town centre: small cells, but the bandwidth floor of 200 m holds.
/// let p = choose_parameters((450_000.0, 260_000.0, 452_000.0, 262_000.0), None, None).unwrap();
/// assert_eq!((p.cell, p.bandwidth), (10.0, 200.0));
/// ```
pub fn choose_parameters(
    extent: (f64, f64, f64, f64),
    cell: Option<f64>,
    bandwidth: Option<f64>,
) -> Result<KdeParameters, DensityError> {
    let (min_x, min_y, max_x, max_y) = extent;
    let finite = [min_x, min_y, max_x, max_y].iter().all(|v| v.is_finite());
    if !finite || min_x > max_x || min_y > max_y {
        return Err(DensityError::InvalidExtent {
            min_x,
            min_y,
            max_x,
            max_y,
        });
    }
    check_positive(cell, DensityError::InvalidCell)?;
    check_positive(bandwidth, DensityError::InvalidBandwidth)?;

    let shorter = (max_x - min_x).min(max_y - min_y);
    let cell = cell.unwrap_or_else(|| {
        let mut c = if shorter > 0.0 {
            nice_round(shorter / CELLS_ACROSS_SHORTER_SIDE)
        } else {
            MIN_DEFAULT_CELL
        };
        if let Some(h) = bandwidth {
            c = c.min(nice_round(h / BANDWIDTH_CELLS));
        }
        c.max(MIN_DEFAULT_CELL)
    });
    let bandwidth = bandwidth.unwrap_or_else(|| {
        (BANDWIDTH_CELLS * cell)
            .clamp(MIN_DEFAULT_BANDWIDTH, MAX_DEFAULT_BANDWIDTH)
            .max(MIN_BANDWIDTH_CELLS * cell)
    });

    let mut warnings = Vec::new();
    if bandwidth < 2.0 * cell {
        warnings.push(format!(
            "bandwidth smaller than two cells: surface will be spiky (bandwidth {bandwidth} m, cell {cell} m)"
        ));
    }
    if bandwidth < SNAP_WARNING_BANDWIDTH {
        warnings.push(format!(
            "bandwidth {bandwidth} m is below {SNAP_WARNING_BANDWIDTH} m: police.uk locations are snapped to anonymised map points, so with police.uk data the surface will show the snap points rather than hotspots"
        ));
    }
    let radius = (bandwidth / cell).ceil();
    if radius > MAX_KERNEL_RADIUS_CELLS as f64 {
        return Err(DensityError::KernelTooWide {
            bandwidth,
            cell,
            radius: radius as usize,
            limit: MAX_KERNEL_RADIUS_CELLS,
        });
    }
    let params = KdeParameters {
        cell,
        bandwidth,
        warnings,
    };
    let grid = params.grid(extent)?; // errors above MAX_CELLS
    let mut params = params;
    if grid.len() > LARGE_GRID_CELLS {
        params.warnings.push(format!(
            "grid of {} × {} = {} cells is large (over {LARGE_GRID_CELLS}); it will be slow to compute and to draw — consider a larger cell size",
            grid.cols,
            grid.rows,
            grid.len()
        ));
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_values() {
        assert_eq!(nice_round(133.0), 100.0);
        assert_eq!(nice_round(180.0), 200.0);
        assert_eq!(nice_round(230.0), 250.0);
        assert_eq!(nice_round(400.0), 500.0);
        assert_eq!(nice_round(8.0), 10.0);
        assert_eq!(nice_round(3.3), 2.5);
    }

    #[test]
    fn county_sized_extent() {
        // Roughly Northamptonshire: 60 km × 90 km → 200 m cells, and the
        // bandwidth held at the 600 m ceiling instead of 5 cells (1 km).
        let p =
            choose_parameters((440_000.0, 220_000.0, 500_000.0, 310_000.0), None, None).unwrap();
        assert_eq!((p.cell, p.bandwidth), (200.0, 600.0));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn street_and_town_views() {
        // A street view, 1.5 km × 2.5 km: the finest cells and the floor.
        let p =
            choose_parameters((475_000.0, 260_000.0, 477_500.0, 261_500.0), None, None).unwrap();
        assert_eq!((p.cell, p.bandwidth), (10.0, 200.0));
        // A town, 10 km across: 25 m cells, still the 200 m floor.
        let p =
            choose_parameters((470_000.0, 255_000.0, 480_000.0, 265_000.0), None, None).unwrap();
        assert_eq!((p.cell, p.bandwidth), (25.0, 200.0));
    }

    #[test]
    fn a_region_keeps_the_bandwidth_two_cells_wide() {
        // 250 km across: 1 km cells, where the 600 m ceiling would be under
        // two cells.
        let p =
            choose_parameters((300_000.0, 100_000.0, 550_000.0, 350_000.0), None, None).unwrap();
        assert_eq!((p.cell, p.bandwidth), (1_000.0, 2_000.0));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn user_values_override() {
        let e = (0.0, 0.0, 20_000.0, 20_000.0);
        let p = choose_parameters(e, Some(50.0), Some(400.0)).unwrap();
        assert_eq!((p.cell, p.bandwidth), (50.0, 400.0));
        assert!(p.warnings.is_empty());
        let p = choose_parameters(e, Some(75.0), None).unwrap();
        assert_eq!((p.cell, p.bandwidth), (75.0, 375.0));
        // Only a bandwidth: the cell shrinks to a fifth of it.
        let p = choose_parameters(e, None, Some(250.0)).unwrap();
        assert_eq!((p.cell, p.bandwidth), (50.0, 250.0));
    }

    #[test]
    fn degenerate_extent_gets_floor_values() {
        let p = choose_parameters((1.0, 1.0, 1.0, 1.0), None, None).unwrap();
        assert_eq!((p.cell, p.bandwidth), (10.0, 200.0));
    }

    #[test]
    fn warnings_and_errors() {
        let e = (0.0, 0.0, 20_000.0, 20_000.0);
        let p = choose_parameters(e, Some(100.0), Some(150.0)).unwrap();
        assert!(p.warnings.iter().any(|w| w.contains("spiky")));
        let p = choose_parameters(e, Some(10.0), Some(50.0)).unwrap();
        assert!(p.warnings.iter().any(|w| w.contains("police.uk")));
        let p = choose_parameters((0.0, 0.0, 25_000.0, 25_000.0), Some(10.0), Some(100.0)).unwrap();
        assert!(
            p.warnings.iter().any(|w| w.contains("large")),
            "{:?}",
            p.warnings
        );
        assert!(matches!(
            choose_parameters((0.0, 0.0, 100_000.0, 100_000.0), Some(10.0), None),
            Err(DensityError::GridTooLarge { .. })
        ));
        assert!(matches!(
            choose_parameters(e, Some(-1.0), None),
            Err(DensityError::InvalidCell(_))
        ));
        assert!(matches!(
            choose_parameters(e, None, Some(0.0)),
            Err(DensityError::InvalidBandwidth(_))
        ));
        assert!(matches!(
            choose_parameters(e, Some(10.0), Some(50_000.0)),
            Err(DensityError::KernelTooWide { .. })
        ));
        assert!(matches!(
            choose_parameters((1.0, 0.0, 0.0, 1.0), None, None),
            Err(DensityError::InvalidExtent { .. })
        ));
    }
}
