//! Relative risk: the ratio of two kernel density surfaces on one grid
//! (sfhotspot's `hotspot_dual_kde` with `method = "ratio"`), normalised so
//! that 1.0 is the area's average, with a floor under the denominator.

use crate::{DensityError, DensityGrid};

/// Default floor: a cell whose denominator density is below this share of
/// the denominator's mean density (over the cells where it is above 0) is
/// masked. 5% of the typical level: below it the ratio divides by the
/// kernel's thin tails (a few residents or incidents smeared into a field)
/// and reads as an extreme risk that is only a small denominator.
pub const FLOOR_SHARE: f64 = 0.05;

/// A relative-risk surface.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskSurface {
    /// Per cell: (numerator ÷ its total) ÷ (denominator ÷ its total), so
    /// 1.0 is the area's average risk; `None` where masked.
    pub ratio: Vec<Option<f64>>,
    /// Per cell: the denominator density is below `floor`.
    pub masked: Vec<bool>,
    /// Denominator density below which a cell is masked (its units per km²).
    pub floor: f64,
}

/// The ratio of `numerator` to `denominator` density per cell, each divided
/// by its total over the grid, so 1.0 means "the area's average risk". Cells
/// whose denominator density is below `floor_share` × the denominator's
/// mean over cells where it is > 0 are masked (ratio `None`), never given a
/// huge ratio; so are cells with no denominator at all.
///
/// ```
/// use hotspot_density::risk::{relative_risk, FLOOR_SHARE};
/// use hotspot_density::{kde_direct, GridSpec};
/// let spec = GridSpec { west: 0.0, north: 1_000.0, cell: 100.0, cols: 10, rows: 10 };
/// let (x, y) = spec.cell_centre(4, 4);
/// // 3 incidents and 300 residents at the same point: the average risk everywhere.
/// let num = kde_direct(&[[x, y]], Some(&[3.0]), &spec, 300.0).unwrap();
/// let den = kde_direct(&[[x, y]], Some(&[300.0]), &spec, 300.0).unwrap();
/// let r = relative_risk(&num, &den, FLOOR_SHARE).unwrap();
/// assert!((r.ratio[4 * 10 + 4].unwrap() - 1.0).abs() < 1e-12);
/// assert_eq!(r.ratio[0], None); // no residents within the bandwidth
/// ```
///
/// # Errors
/// [`DensityError::ValuesLength`] when the grids differ in size;
/// [`DensityError::InvalidWeight`] when `floor_share` is negative or not
/// finite, or the denominator has no density anywhere.
pub fn relative_risk(
    numerator: &DensityGrid,
    denominator: &DensityGrid,
    floor_share: f64,
) -> Result<RiskSurface, DensityError> {
    let n = numerator.values.len();
    if denominator.values.len() != n || numerator.spec != denominator.spec {
        return Err(DensityError::ValuesLength {
            values: denominator.values.len(),
            cells: n,
        });
    }
    if !(floor_share.is_finite() && floor_share >= 0.0) {
        return Err(DensityError::InvalidWeight {
            index: 0,
            value: floor_share,
        });
    }
    let positive: Vec<f64> = denominator
        .values
        .iter()
        .copied()
        .filter(|&v| v > 0.0)
        .collect();
    if positive.is_empty() {
        return Err(DensityError::InvalidWeight {
            index: 0,
            value: 0.0,
        });
    }
    let floor = floor_share * positive.iter().sum::<f64>() / positive.len() as f64;
    let total_num: f64 = numerator.values.iter().sum();
    let total_den: f64 = denominator.values.iter().sum();
    let mut ratio = vec![None; n];
    let mut masked = vec![false; n];
    for i in 0..n {
        let d = denominator.values[i];
        if d <= 0.0 || d < floor {
            masked[i] = true;
            continue;
        }
        let f = if total_num > 0.0 {
            numerator.values[i] / total_num
        } else {
            0.0
        };
        ratio[i] = Some(f / (d / total_den));
    }
    Ok(RiskSurface {
        ratio,
        masked,
        floor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{kde, kde_direct, GridSpec};

    /// The quartic kernel by hand, per km².
    fn k(d: f64, h: f64) -> f64 {
        if d >= h {
            0.0
        } else {
            3.0 / (std::f64::consts::PI * h * h) * (1.0 - d * d / (h * h)).powi(2) * 1e6
        }
    }

    #[test]
    fn a_hand_worked_case() {
        // 5 × 1 cells of 100 m; centres at x = 50, 150, …, 450.
        let spec = GridSpec {
            west: 0.0,
            north: 100.0,
            cell: 100.0,
            cols: 5,
            rows: 1,
        };
        let h = 250.0;
        // Numerator: 2 incidents at the centre of cell 1. Denominator: 100
        // residents at cell 1's centre, 100 at cell 3's.
        let num = kde_direct(&[[150.0, 50.0]], Some(&[2.0]), &spec, h).unwrap();
        let den = kde_direct(
            &[[150.0, 50.0], [350.0, 50.0]],
            Some(&[100.0, 100.0]),
            &spec,
            h,
        )
        .unwrap();
        let r = relative_risk(&num, &den, 0.0).unwrap();
        // By hand: f_i = 2·K(|x_i − 150|), g_i = 100·(K(|x_i − 150|) + K(|x_i − 350|)).
        let xs = [50.0, 150.0, 250.0, 350.0, 450.0];
        let f: Vec<f64> = xs
            .iter()
            .map(|x| 2.0 * k((x - 150.0f64).abs(), h))
            .collect();
        let g: Vec<f64> = xs
            .iter()
            .map(|x| 100.0 * (k((x - 150.0f64).abs(), h) + k((x - 350.0f64).abs(), h)))
            .collect();
        let (sf, sg): (f64, f64) = (f.iter().sum(), g.iter().sum());
        for i in 0..5 {
            let want = (f[i] / sf) / (g[i] / sg);
            assert!((r.ratio[i].unwrap() - want).abs() < 1e-9, "cell {i}");
        }
        // Cell 1 has all the incidents and half the residents: risk above 1;
        // cell 4 (x = 450) is 300 m from the incidents: risk 0.
        assert!(r.ratio[1].unwrap() > 1.0);
        assert_eq!(r.ratio[4], Some(0.0));
    }

    #[test]
    fn the_floor_masks_thin_denominators_and_scale_does_not_matter() {
        let spec = GridSpec {
            west: 0.0,
            north: 2_000.0,
            cell: 50.0,
            cols: 40,
            rows: 40,
        };
        let h = 300.0;
        // A town of residents in the middle, a few on the edge; incidents
        // both in the town and near the lone residents.
        let mut den_pts = Vec::new();
        for i in 0..20 {
            for j in 0..20 {
                den_pts.push([800.0 + 20.0 * i as f64, 800.0 + 20.0 * j as f64]);
            }
        }
        den_pts.push([1_850.0, 1_850.0]);
        let num_pts = [[1_000.0, 1_000.0], [1_010.0, 990.0], [1_850.0, 1_850.0]];
        let fast = |p: &[[f64; 2]], w: f64| {
            let w = vec![w; p.len()];
            kde(p, Some(&w), &spec, h).unwrap()
        };
        let direct = |p: &[[f64; 2]], w: f64| {
            let w = vec![w; p.len()];
            kde_direct(p, Some(&w), &spec, h).unwrap()
        };
        let r = relative_risk(&fast(&num_pts, 1.0), &fast(&den_pts, 1.0), FLOOR_SHARE).unwrap();
        let lone = 37 * 40 + 37; // the cell holding (1850, 1850)
        assert!(
            r.masked[lone] && r.ratio[lone].is_none(),
            "one resident is below the floor"
        );
        // Weights scale out: 10 residents per point gives the same ratios.
        let r10 = relative_risk(&fast(&num_pts, 1.0), &fast(&den_pts, 10.0), FLOOR_SHARE).unwrap();
        for (a, b) in r.ratio.iter().zip(&r10.ratio) {
            match (a, b) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-6 * a.max(1.0), "{a} vs {b}"),
                (a, b) => assert_eq!(a.is_none(), b.is_none()),
            }
        }
        // The binned surfaces agree with the direct estimator where unmasked.
        let d = relative_risk(&direct(&num_pts, 1.0), &direct(&den_pts, 1.0), FLOOR_SHARE).unwrap();
        let centre = 20 * 40 + 20;
        let (a, b) = (r.ratio[centre].unwrap(), d.ratio[centre].unwrap());
        assert!((a - b).abs() / b < 0.02, "{a} vs {b}");
        assert!(relative_risk(&fast(&num_pts, 1.0), &fast(&[], 1.0), FLOOR_SHARE).is_err());
    }
}
