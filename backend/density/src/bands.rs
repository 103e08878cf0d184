//! "Top X%" hotspot polygons from a density surface.

use contour::ContourBuilder;
use geo::{Area, MapCoords, Orient};
use geo_types::MultiPolygon;

use crate::{DensityError, DensityGrid};

/// The area where density is in the top `top_percent` of the surface.
#[derive(Debug, Clone, PartialEq)]
pub struct HotspotBand {
    /// The requested percentage, e.g. `5.0` for "top 5%".
    pub top_percent: f64,
    /// Density (per km²) at and above which a cell is in the band: the value
    /// such that `top_percent`% of the non-zero cells are at or above it.
    /// `0.0` (with empty polygons) when the surface has no non-zero cell.
    pub threshold: f64,
    /// Planar area of `polygons`, square metres.
    pub area_m2: f64,
    /// The band's area in BNG metres: where the surface, linearly
    /// interpolated between cell centres, is above the level half-way
    /// between `threshold` and the next lower cell value, so every cell
    /// centre at or above `threshold` is inside and every other one outside.
    /// Exteriors are counter-clockwise and holes clockwise (as RFC 7946
    /// wants once converted to longitude/latitude).
    pub polygons: MultiPolygon<f64>,
}

/// Density thresholds and polygons for each "top X%" in `top_percents`.
///
/// The threshold ranks only cells with non-zero density: zeros (the sea,
/// fields, the padding around the data) would otherwise dilute the ranking
/// and make "top 10%" depend on how much empty map was included.
///
/// Polygons come from marching squares (the `contour` crate, d3-contour's
/// algorithm) with linear interpolation between cell centres, so their
/// edges are smooth and their area is close to the count of cells above
/// the threshold times the cell area. `contour` places value `i` at grid
/// coordinate `i + 0.5` (cells span `[i, i+1]`, edges of the surface at 0
/// and `cols`), and grows `y` with the row index; that maps to BNG by
/// `x = west + gx · cell`, `y = north − gy · cell`, which makes sample
/// `(col, row)` land exactly on [`GridSpec::cell_centre`](crate::GridSpec::cell_centre).
/// Regions touching the edge of the grid are closed along it.
///
/// ```
/// use hotspot_density::{hotspot_bands, kde, GridSpec};
/// let spec = GridSpec::covering(0.0, 0.0, 5_000.0, 5_000.0, 50.0).unwrap();
/// let grid = kde(&[[2_525.0, 2_525.0]], None, &spec, 1_000.0).unwrap();
/// let bands = hotspot_bands(&grid, &[10.0, 1.0]).unwrap();
/// assert!(bands[0].threshold < bands[1].threshold);
/// assert!(bands[0].area_m2 > bands[1].area_m2);
/// // Top 10% of a disc of radius 1 km: about 0.1 × π km².
/// let ratio = bands[0].area_m2 / (0.1 * std::f64::consts::PI * 1e6);
/// assert!((ratio - 1.0).abs() < 0.05, "{ratio}");
/// ```
pub fn hotspot_bands(
    grid: &DensityGrid,
    top_percents: &[f64],
) -> Result<Vec<HotspotBand>, DensityError> {
    let spec = &grid.spec;
    if grid.values.len() != spec.len() {
        return Err(DensityError::ValuesLength {
            values: grid.values.len(),
            cells: spec.len(),
        });
    }
    if let Some(&p) = top_percents
        .iter()
        .find(|p| !(p.is_finite() && **p > 0.0 && **p <= 100.0))
    {
        return Err(DensityError::InvalidPercent(p));
    }
    let mut nonzero: Vec<f64> = grid
        .values
        .iter()
        .copied()
        .filter(|v| *v > 0.0 && v.is_finite())
        .collect();
    if nonzero.is_empty() {
        return Ok(top_percents
            .iter()
            .map(|&top_percent| HotspotBand {
                top_percent,
                threshold: 0.0,
                area_m2: 0.0,
                polygons: MultiPolygon::new(vec![]),
            })
            .collect());
    }
    nonzero.sort_unstable_by(|a, b| b.total_cmp(a));
    let n = nonzero.len();
    // Reported threshold: the k-th highest non-zero value. Contour level:
    // half-way to the next lower value, so the interpolated boundary runs
    // between the cells in the band and those out of it instead of through
    // the centre of the coolest cell in it (a band of one cell would then
    // collapse to a point).
    let (thresholds, levels): (Vec<f64>, Vec<f64>) = top_percents
        .iter()
        .map(|p| {
            let k = rank_for(*p, n);
            let t = nonzero[k - 1];
            let below = nonzero[k..].iter().copied().find(|v| *v < t).unwrap_or(0.0);
            (t, 0.5 * (t + below))
        })
        .unzip();
    let polygons = contour_polygons(grid, &levels)?;
    Ok(top_percents
        .iter()
        .zip(thresholds)
        .zip(polygons)
        .map(|((&top_percent, threshold), polygons)| HotspotBand {
            top_percent,
            threshold,
            area_m2: polygons.unsigned_area(),
            polygons,
        })
        .collect())
}

/// Polygons (BNG metres, exteriors counter-clockwise) where the surface,
/// linearly interpolated between cell centres, is at or above each level.
/// [`hotspot_bands`] uses it; it is public for callers that want contours at
/// their own density levels (e.g. fixed legend breaks).
///
/// ```
/// use hotspot_density::{bands::contour_polygons, DensityGrid, GridSpec};
/// let spec = GridSpec { west: 0.0, north: 300.0, cell: 100.0, cols: 3, rows: 3 };
/// let mut values = vec![0.0; 9];
/// values[4] = 2.0; // the middle cell, centre (150, 150)
/// let grid = DensityGrid { spec, bandwidth: 200.0, values };
/// let polys = &contour_polygons(&grid, &[1.0]).unwrap()[0];
/// // Level 1 is crossed half-way to the neighbouring centres: a diamond.
/// use geo::Area;
/// assert!((polys.unsigned_area() - 5_000.0).abs() < 1e-6);
/// ```
pub fn contour_polygons(
    grid: &DensityGrid,
    levels: &[f64],
) -> Result<Vec<MultiPolygon<f64>>, DensityError> {
    let spec = &grid.spec;
    // NaN would poison marching squares; treat it as "no density".
    let values: Vec<f64> = grid
        .values
        .iter()
        .map(|v| if v.is_nan() { 0.0 } else { *v })
        .collect();
    let contours = ContourBuilder::new(spec.cols, spec.rows, true)
        .contours(&values, levels)
        .map_err(|e| DensityError::Contour(format!("{e:?}")))?;
    let (west, north, cell) = (spec.west, spec.north, spec.cell);
    Ok(contours
        .into_iter()
        .map(|c| {
            c.into_inner()
                .0
                .map_coords(|c| geo_types::coord! { x: west + c.x * cell, y: north - c.y * cell })
                .orient(geo::orient::Direction::Default)
        })
        .collect())
}

/// How many of `n` ranked cells make up the top `percent`% (at least one).
fn rank_for(percent: f64, n: usize) -> usize {
    (((percent / 100.0) * n as f64).ceil() as usize).clamp(1, n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GridSpec;
    use geo::{BoundingRect, Contains, Validation};
    use geo_types::Point;

    /// A smooth Gaussian blob (plus a second smaller one) with a zero rim,
    /// so thresholds and areas have a known ground truth.
    fn blob_grid() -> DensityGrid {
        let spec = GridSpec {
            west: 400_000.0,
            north: 300_000.0,
            cell: 50.0,
            cols: 120,
            rows: 90,
        };
        let mut values = vec![0.0; spec.len()];
        for row in 0..spec.rows {
            for col in 0..spec.cols {
                let (x, y) = spec.cell_centre(col, row);
                let d1 = ((x - 402_000.0).powi(2) + (y - 297_500.0).powi(2)) / (600.0f64).powi(2);
                let d2 = ((x - 405_000.0).powi(2) + (y - 296_500.0).powi(2)) / (300.0f64).powi(2);
                let v = 100.0 * (-d1).exp() + 60.0 * (-d2).exp();
                values[row * spec.cols + col] = if v > 1e-3 { v } else { 0.0 };
            }
        }
        DensityGrid {
            spec,
            bandwidth: 400.0,
            values,
        }
    }

    #[test]
    fn rank() {
        assert_eq!(rank_for(10.0, 100), 10);
        assert_eq!(rank_for(10.0, 101), 11);
        assert_eq!(rank_for(0.001, 100), 1);
        assert_eq!(rank_for(100.0, 7), 7);
    }

    #[test]
    fn bands_match_cell_counts_and_contain_hot_cells() {
        let grid = blob_grid();
        let spec = grid.spec;
        let nonzero = grid.values.iter().filter(|v| **v > 0.0).count();
        let bands = hotspot_bands(&grid, &[10.0, 5.0, 1.0]).unwrap();
        for b in &bands {
            let above = grid.values.iter().filter(|v| **v >= b.threshold).count();
            let strictly = grid.values.iter().filter(|v| **v > b.threshold).count();
            let want = (b.top_percent / 100.0 * nonzero as f64).ceil() as usize;
            // Exactly the requested share of non-zero cells, up to cells
            // tied at the threshold (the blobs are symmetric: many ties).
            assert!(
                strictly < want && want <= above,
                "{strictly}..{above} vs {want}"
            );
            // Interpolated boundary: area within about half a cell around
            // the perimeter of the cell count's area.
            let cells_area = above as f64 * spec.cell_area();
            let perimeter: f64 = {
                use geo::{Euclidean, Length};
                b.polygons
                    .iter()
                    .map(|p| Euclidean.length(p.exterior()))
                    .sum()
            };
            assert!(
                (b.area_m2 - cells_area).abs() <= 0.5 * spec.cell * perimeter,
                "area {} vs cells {} (perimeter {perimeter})",
                b.area_m2,
                cells_area
            );
            assert!(
                b.polygons.is_valid(),
                "{:?}",
                b.polygons.validation_errors()
            );
            for row in 0..spec.rows {
                for col in 0..spec.cols {
                    let v = grid.value(col, row);
                    let (x, y) = spec.cell_centre(col, row);
                    let inside = b.polygons.contains(&Point::new(x, y));
                    if v > b.threshold {
                        assert!(
                            inside,
                            "hot cell ({col},{row}) outside band {}",
                            b.top_percent
                        );
                    } else if v < b.threshold {
                        assert!(
                            !inside,
                            "cold cell ({col},{row}) inside band {}",
                            b.top_percent
                        );
                    }
                }
            }
        }
        // Nested: higher bands are smaller and hotter.
        assert!(bands[0].area_m2 > bands[1].area_m2 && bands[1].area_m2 > bands[2].area_m2);
        assert!(bands[0].threshold < bands[1].threshold && bands[1].threshold < bands[2].threshold);
        // Two blobs: the 10% band should find both peaks as separate polygons.
        assert_eq!(bands[0].polygons.0.len(), 2);
    }

    #[test]
    fn coordinates_map_to_cell_centres_exactly() {
        // A single hot cell: the unsmoothed-equivalent diamond around it has
        // its vertices half-way to the neighbouring centres.
        let spec = GridSpec {
            west: 1_000.0,
            north: 5_000.0,
            cell: 100.0,
            cols: 5,
            rows: 4,
        };
        let mut values = vec![0.0; spec.len()];
        values[spec.cols + 3] = 2.0; // col 3, row 1
        let grid = DensityGrid {
            spec,
            bandwidth: 200.0,
            values,
        };
        let band = &hotspot_bands(&grid, &[100.0]).unwrap()[0];
        assert_eq!(band.threshold, 2.0);
        let (cx, cy) = spec.cell_centre(3, 1);
        assert_eq!((cx, cy), (1_350.0, 4_850.0));
        // Level 1.0 is crossed half-way to each neighbouring centre: a
        // diamond with vertices 50 m from the centre, area 100² / 2.
        assert_eq!(band.polygons.0.len(), 1);
        let r = band.polygons.0[0].bounding_rect().unwrap();
        assert!((r.min().x - (cx - 50.0)).abs() < 1e-9, "{r:?}");
        assert!((r.max().x - (cx + 50.0)).abs() < 1e-9, "{r:?}");
        assert!((r.min().y - (cy - 50.0)).abs() < 1e-9, "{r:?}");
        assert!((r.max().y - (cy + 50.0)).abs() < 1e-9, "{r:?}");
        assert!((band.area_m2 - 5_000.0).abs() < 1e-6);
        assert!(band.polygons.contains(&Point::new(cx, cy)));
    }

    #[test]
    fn region_on_grid_edge_is_closed_along_the_edge() {
        let spec = GridSpec {
            west: 0.0,
            north: 400.0,
            cell: 100.0,
            cols: 4,
            rows: 4,
        };
        let mut values = vec![0.0; 16];
        // Whole first column hot: band reaches the western and both
        // north/south edges of the grid.
        for row in 0..4 {
            values[row * 4] = 1.0;
        }
        let grid = DensityGrid {
            spec,
            bandwidth: 200.0,
            values,
        };
        let band = &hotspot_bands(&grid, &[100.0]).unwrap()[0];
        let r = band.polygons.bounding_rect().unwrap();
        assert_eq!((r.min().x, r.min().y, r.max().y), (0.0, 0.0, 400.0));
        assert!((r.max().x - 100.0).abs() < 1e-9, "{r:?}");
        assert!(band.polygons.is_valid());
    }

    #[test]
    fn empty_surface_and_bad_percent() {
        let spec = GridSpec {
            west: 0.0,
            north: 100.0,
            cell: 10.0,
            cols: 10,
            rows: 10,
        };
        let grid = DensityGrid {
            spec,
            bandwidth: 50.0,
            values: vec![0.0; 100],
        };
        let bands = hotspot_bands(&grid, &[5.0]).unwrap();
        assert_eq!(bands[0].area_m2, 0.0);
        assert!(bands[0].polygons.0.is_empty());
        assert!(matches!(
            hotspot_bands(&grid, &[0.0]),
            Err(DensityError::InvalidPercent(_))
        ));
        assert!(matches!(
            hotspot_bands(&grid, &[150.0]),
            Err(DensityError::InvalidPercent(_))
        ));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(40))]

        /// On arbitrary KDE surfaces of a few random points, every band is
        /// valid, holds exactly the cells at or above its threshold, and
        /// bands nest.
        #[test]
        fn prop_bands_hold_their_cells(
            seed in proptest::prelude::any::<u64>(),
            n in 1usize..30,
            h_cells in 1.5f64..6.0,
        ) {
            use rand::{Rng, SeedableRng};
            let spec = GridSpec { west: 300_000.0, north: 200_000.0, cell: 25.0, cols: 40, rows: 30 };
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let pts: Vec<[f64; 2]> = (0..n)
                .map(|_| [rng.gen_range(spec.west..spec.east()), rng.gen_range(spec.south()..spec.north)])
                .collect();
            let grid = crate::kde(&pts, None, &spec, h_cells * spec.cell).unwrap();
            let bands = hotspot_bands(&grid, &[50.0, 20.0, 5.0]).unwrap();
            for b in &bands {
                proptest::prop_assert!(b.polygons.is_valid(), "{:?}", b.polygons.validation_errors());
                for row in 0..spec.rows {
                    for col in 0..spec.cols {
                        let (x, y) = spec.cell_centre(col, row);
                        let inside = b.polygons.contains(&Point::new(x, y));
                        let hot = grid.value(col, row) >= b.threshold;
                        proptest::prop_assert_eq!(inside, hot, "cell ({}, {}) in band {}", col, row, b.top_percent);
                    }
                }
            }
            proptest::prop_assert!(bands[0].area_m2 >= bands[1].area_m2 && bands[1].area_m2 >= bands[2].area_m2);
        }
    }
}
