//! The change map: per grid cell, the count before and after, their
//! difference and an exact test for a change in rate.
//!
//! Modelled on sfhotspot's `hotspot_change()` (its `n_before`, `n_after`
//! and `change = n_after − n_before`), with what it leaves out: a
//! significance test per cell, adjusted for unequal period lengths and for
//! testing many cells at once.

use hotspot_core::options::Correction;
use serde::Serialize;

use crate::{poisson_change_test, SpatialError};

/// Significance level of the change classes (on the adjusted p-value).
pub const CHANGE_ALPHA: f64 = 0.05;

/// What a cell did between the periods, at [`CHANGE_ALPHA`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeClass {
    /// Significantly more per unit of time after than before.
    Rise,
    /// Significantly fewer per unit of time after than before.
    Fall,
    /// No significant change in rate.
    NoSignificantChange,
}

/// One cell's change.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CellChange {
    pub n_before: u64,
    pub n_after: u64,
    /// `n_after − n_before`, as sfhotspot (not scaled to equal lengths).
    pub change: i64,
    /// Rate after ÷ rate before, each per unit of its own period's length;
    /// `None` when `n_before` is 0.
    pub rate_ratio: Option<f64>,
    /// Exact two-sided conditional (binomial) test of a change in rate.
    pub p: f64,
    /// `p` adjusted over all tested cells.
    pub p_adjusted: f64,
    pub class: ChangeClass,
}

/// Tests every cell for a change in rate between two periods of lengths
/// `before_len` and `after_len` (any unit, e.g. months with data).
///
/// Under "no change", given `n = before + after` the after count is
/// Binomial(n, after_len / (before_len + after_len)); the p-value is the
/// two-sided exact one of R's `binom.test` (see [`poisson_change_test`]).
/// Only cells with `n > 0` are tested (and adjusted over); the others are
/// `None`. The class is `Rise`/`Fall` when the adjusted p < [`CHANGE_ALPHA`]
/// by the sign of the rate change.
///
/// ```
/// use hotspot_core::options::Correction;
/// use hotspot_spatial::change::{change_map, ChangeClass};
/// // 6 months before, 6 after: 2 → 14 is a rise (binom.test(14, 16, 0.5)$p.value = 0.0041809).
/// let cells = change_map(&[2, 0, 5], &[14, 0, 5], 6.0, 6.0, Correction::None).unwrap();
/// let c = cells[0].unwrap();
/// assert_eq!((c.change, c.class), (12, ChangeClass::Rise));
/// assert!((c.p - 0.004180908203125).abs() < 1e-12);
/// assert!(cells[1].is_none()); // nothing either side: not tested
/// assert_eq!(cells[2].unwrap().class, ChangeClass::NoSignificantChange);
/// ```
///
/// # Errors
/// [`SpatialError::LengthMismatch`] when the count vectors differ in
/// length; [`SpatialError::InvalidParameter`] when a period length is not a
/// positive finite number.
pub fn change_map(
    before: &[u64],
    after: &[u64],
    before_len: f64,
    after_len: f64,
    correction: Correction,
) -> Result<Vec<Option<CellChange>>, SpatialError> {
    if before.len() != after.len() {
        return Err(SpatialError::LengthMismatch {
            what: "after counts",
            expected: before.len(),
            got: after.len(),
        });
    }
    for (name, len) in [("before", before_len), ("after", after_len)] {
        if !(len.is_finite() && len > 0.0) {
            return Err(SpatialError::InvalidParameter(format!(
                "the {name} period's length must be positive, got {len}"
            )));
        }
    }
    let tested: Vec<usize> = (0..before.len())
        .filter(|&i| before[i] + after[i] > 0)
        .collect();
    let p: Vec<f64> = tested
        .iter()
        .map(|&i| poisson_change_test(after[i], after_len, before[i], before_len))
        .collect();
    let adjusted = hotspot_stats::adjust_p_values(&p, correction)
        .map_err(|e| SpatialError::InvalidParameter(e.to_string()))?;
    let mut out = vec![None; before.len()];
    for ((&i, &p), &p_adjusted) in tested.iter().zip(&p).zip(&adjusted) {
        let (b, a) = (before[i], after[i]);
        let rate_ratio = (b > 0).then(|| (a as f64 / after_len) / (b as f64 / before_len));
        let rising = a as f64 * before_len > b as f64 * after_len;
        let class = if p_adjusted >= CHANGE_ALPHA {
            ChangeClass::NoSignificantChange
        } else if rising {
            ChangeClass::Rise
        } else {
            ChangeClass::Fall
        };
        out[i] = Some(CellChange {
            n_before: b,
            n_after: a,
            change: a as i64 - b as i64,
            rate_ratio,
            p,
            p_adjusted,
            class,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two-sided binomial p-value by direct summation of the pmf (R's
    /// definition: the outcomes no more likely than the observed one), with
    /// the pmf built by the recurrence pmf(k+1) = pmf(k)·(n−k)/(k+1)·p/(1−p):
    /// independent of the incomplete-beta route the library takes.
    fn brute_p(x: u64, n: u64, p: f64) -> f64 {
        let mut pmf = vec![(1.0 - p).powi(n as i32)];
        for k in 0..n {
            let last = pmf[k as usize];
            pmf.push(last * (n - k) as f64 / (k + 1) as f64 * p / (1.0 - p));
        }
        let d = pmf[x as usize] * (1.0 + 1e-7);
        pmf.iter().filter(|&&v| v <= d).sum::<f64>().min(1.0)
    }

    #[test]
    fn p_values_match_a_direct_sum_of_the_binomial_pmf() {
        // Unequal periods: 4 months before, 6 after (p = 0.6), and equal ones.
        let before = [0, 1, 3, 10, 7, 20, 0, 12, 30, 5];
        let after = [1, 0, 9, 2, 11, 50, 6, 12, 31, 0];
        for (lb, la) in [(4.0, 6.0), (6.0, 6.0), (12.0, 3.0)] {
            let cells = change_map(&before, &after, lb, la, Correction::None).unwrap();
            for i in 0..before.len() {
                let c = cells[i].unwrap();
                let n = before[i] + after[i];
                let want = brute_p(after[i], n, la / (lb + la));
                assert!(
                    (c.p - want).abs() < 1e-9 * want.max(1e-3),
                    "cell {i} ({lb},{la}): {} vs {want}",
                    c.p
                );
                assert_eq!(c.p, c.p_adjusted);
            }
        }
    }

    #[test]
    fn exact_rational_values() {
        // Exact p-values computed in rational arithmetic (Python's
        // fractions.Fraction, summing C(n,k)·pᵏ(1−p)ⁿ⁻ᵏ over the outcomes no
        // more likely than the observed one), rounded to 12 digits:
        // binomtest(9, 12, 3/5) = 0.383549575168, binomtest(2, 12, 3/5) =
        // 0.004986966016, binomtest(6, 6, 1/2) = 0.03125.
        let cells = change_map(&[3, 10], &[9, 2], 4.0, 6.0, Correction::None).unwrap();
        let (a, b) = (cells[0].unwrap(), cells[1].unwrap());
        assert!((a.p - 0.383549575168).abs() < 1e-11, "{}", a.p);
        assert_eq!(a.class, ChangeClass::NoSignificantChange);
        assert!((b.p - 0.004986966016).abs() < 1e-11, "{}", b.p);
        assert_eq!(b.class, ChangeClass::Fall);
        let c = change_map(&[0], &[6], 1.0, 1.0, Correction::None).unwrap()[0].unwrap();
        assert!((c.p - 0.03125).abs() < 1e-12);
        assert_eq!((c.class, c.rate_ratio), (ChangeClass::Rise, None));
    }

    #[test]
    fn unequal_lengths_are_allowed_for() {
        // 10 in 3 months then 20 in 6: the same rate, no change, though the
        // raw change is +10.
        let c = change_map(&[10], &[20], 3.0, 6.0, Correction::None).unwrap()[0].unwrap();
        assert_eq!(c.change, 10);
        assert_eq!(c.rate_ratio, Some(1.0));
        assert!(c.p > 0.9);
        assert_eq!(c.class, ChangeClass::NoSignificantChange);
    }

    #[test]
    fn correction_is_over_tested_cells_only() {
        let mut before = vec![0u64; 100];
        let mut after = vec![0u64; 100];
        before[0] = 2;
        after[0] = 14;
        before[1] = 4;
        after[1] = 5;
        let none = change_map(&before, &after, 6.0, 6.0, Correction::None).unwrap();
        let bh = change_map(&before, &after, 6.0, 6.0, Correction::BenjaminiHochberg).unwrap();
        assert_eq!(bh.iter().flatten().count(), 2);
        // BH over 2 tests: the smaller p doubled.
        let (p0, a0) = (none[0].unwrap().p, bh[0].unwrap().p_adjusted);
        assert!((a0 - 2.0 * p0).abs() < 1e-12);
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(matches!(
            change_map(&[1], &[1, 2], 1.0, 1.0, Correction::None),
            Err(SpatialError::LengthMismatch { .. })
        ));
        assert!(change_map(&[1], &[1], 0.0, 1.0, Correction::None).is_err());
    }
}
