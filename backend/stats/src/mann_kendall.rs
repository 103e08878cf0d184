//! The Mann-Kendall test for a monotonic trend (Mann 1945; Kendall 1975),
//! as in R's `Kendall::MannKendall` and ArcGIS's space-time cube trend.
//!
//! For a series `x_1 … x_n` in time order:
//!
//! ```text
//! S      = Σ_{i<j} sign(x_j − x_i)
//! var(S) = [ n(n−1)(2n+5) − Σ_g t_g(t_g−1)(2t_g+5) ] / 18      (t_g: size of tie group g)
//! z      = (S − 1)/sqrt(var S) if S > 0,  0 if S = 0,  (S + 1)/sqrt(var S) if S < 0
//! p      = 2·(1 − Φ(|z|))                                      (two-sided)
//! τ      = S / sqrt( (n(n−1)/2 − Σ_g t_g(t_g−1)/2) · n(n−1)/2 ) (Kendall's τ_b; τ_a without ties)
//! ```
//!
//! The ±1 is the continuity correction for a discrete S. Without it a
//! perfectly increasing 5-point series would get z = 2.45 instead of the
//! tabulated 2.20. The normal approximation is poor below n = 3, so such
//! short series are reported as "no trend" (z = 0, p = 1).

use serde::{Deserialize, Serialize};

use crate::two_sided_p;

/// Result of [`mann_kendall`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MannKendall {
    /// Kendall's S: concordant minus discordant pairs in time order.
    pub s: i64,
    /// Variance of S under "no trend", corrected for ties.
    pub var_s: f64,
    /// Continuity-corrected z-score; positive for an upward trend.
    pub z: f64,
    /// Two-sided p-value of `z` under the standard normal.
    pub p: f64,
    /// Kendall's τ_b between the values and time, in [−1, 1].
    pub tau: f64,
}

impl MannKendall {
    /// "No trend": S = 0, z = 0, p = 1.
    pub const NONE: MannKendall = MannKendall {
        s: 0,
        var_s: 0.0,
        z: 0.0,
        p: 1.0,
        tau: 0.0,
    };
}

/// Mann-Kendall trend test on `series` in time order. NaN or infinite values
/// are treated as missing periods and dropped (so the test runs on the
/// remaining `n` values).
///
/// ```
/// use hotspot_stats::mann_kendall;
/// let mk = mann_kendall(&[1.0, 2.0, 3.0, 4.0, 5.0]);
/// assert_eq!(mk.s, 10);
/// assert!((mk.var_s - 50.0 / 3.0).abs() < 1e-12);
/// assert!((mk.z - 2.2045).abs() < 1e-4);
/// assert!((mk.p - 0.0275).abs() < 1e-4);
/// assert_eq!(mk.tau, 1.0);
/// ```
pub fn mann_kendall(series: &[f64]) -> MannKendall {
    let values: Vec<f64> = series.iter().copied().filter(|v| v.is_finite()).collect();
    mann_kendall_with(&values, &mut Vec::new())
}

/// [`mann_kendall`] on finite values, with a reusable scratch buffer (for
/// running it on every cell of a grid without allocating).
///
/// Tie groups are found inside the O(n²) pair loop rather than by sorting:
/// the first member of a group sees the other `t − 1` members later in the
/// series and marks them, so each group is counted once.
pub(crate) fn mann_kendall_with(x: &[f64], tied: &mut Vec<bool>) -> MannKendall {
    let n = x.len();
    tied.clear();
    tied.resize(n, false);
    let mut s: i64 = 0;
    let mut tie_var = 0.0;
    let mut tie_pairs = 0.0;
    for i in 0..n {
        let xi = x[i];
        let mut equal = 0u32;
        for (j, &xj) in x.iter().enumerate().skip(i + 1) {
            s += (xj > xi) as i64 - (xj < xi) as i64;
            if xj == xi {
                equal += 1;
                tied[j] = true;
            }
        }
        if !tied[i] && equal > 0 {
            let t = f64::from(equal + 1);
            tie_var += t * (t - 1.0) * (2.0 * t + 5.0);
            tie_pairs += t * (t - 1.0) / 2.0;
        }
    }
    let nf = n as f64;
    let var_s = ((nf * (nf - 1.0) * (2.0 * nf + 5.0) - tie_var) / 18.0).max(0.0);
    let pairs = nf * (nf - 1.0) / 2.0;
    let tau_den = ((pairs - tie_pairs) * pairs).sqrt();
    let tau = if tau_den > 0.0 {
        s as f64 / tau_den
    } else {
        0.0
    };
    if n < 3 || var_s <= 0.0 {
        return MannKendall {
            s,
            var_s,
            z: 0.0,
            p: 1.0,
            tau,
        };
    }
    let sd = var_s.sqrt();
    let z = match s.signum() {
        1 => (s - 1) as f64 / sd,
        -1 => (s + 1) as f64 / sd,
        _ => 0.0,
    };
    MannKendall {
        s,
        var_s,
        z,
        p: two_sided_p(z),
        tau,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    /// n = 5 strictly increasing: S = 10 (all pairs concordant),
    /// var = 5·4·15/18 = 16.667, z = (10 − 1)/√16.667 = 2.2045,
    /// p = 2(1 − Φ(2.2045)) = 0.0275, τ = 1.
    #[test]
    fn increasing_five() {
        let mk = mann_kendall(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(mk.s, 10);
        assert!(close(mk.var_s, 50.0 / 3.0, 1e-12));
        assert!(close(mk.z, 9.0 / (50.0f64 / 3.0).sqrt(), 1e-12));
        assert!(close(mk.z, 2.2045, 1e-4));
        assert!(close(mk.p, 0.0275, 1e-4));
        assert_eq!(mk.tau, 1.0);
        let down = mann_kendall(&[5.0, 4.0, 3.0, 2.0, 1.0]);
        assert_eq!((down.s, down.tau), (-10, -1.0));
        assert!(close(down.z, -mk.z, 1e-12) && close(down.p, mk.p, 1e-15));
    }

    /// [1, 2, 2, 3, 3, 3]: S = 5 + 3 + 3 = 11 (ties score 0);
    /// var = [6·5·17 − (2·1·9 + 3·2·11)]/18 = (510 − 84)/18 = 23.667;
    /// z = 10/√23.667 = 2.05557; τ_b = 11/√((15 − 4)·15) = 0.856349.
    #[test]
    fn ties_correction() {
        let mk = mann_kendall(&[1.0, 2.0, 2.0, 3.0, 3.0, 3.0]);
        assert_eq!(mk.s, 11);
        assert!(close(mk.var_s, 426.0 / 18.0, 1e-12));
        assert!(close(mk.z, 10.0 / (426.0f64 / 18.0).sqrt(), 1e-12));
        assert!(close(mk.z, 2.05557, 1e-5));
        assert!(close(mk.tau, 11.0 / 165f64.sqrt(), 1e-12));
        assert!(close(mk.p, two_sided_p(mk.z), 0.0));
    }

    /// MannKendall.jl's test suite (a port of pyMannKendall,
    /// `mk_original_test(1:100)`): s = 4950, var_s = 112750,
    /// z = 14.73869998208331, τ = 1.
    #[test]
    fn reference_one_to_hundred() {
        let x: Vec<f64> = (1..=100).map(f64::from).collect();
        let mk = mann_kendall(&x);
        assert_eq!(mk.s, 4950);
        assert_eq!(mk.var_s, 112750.0);
        assert!(close(mk.z, 14.73869998208331, 1e-12));
        assert_eq!(mk.tau, 1.0);
        assert!(mk.p < 1e-40);
    }

    #[test]
    fn short_and_constant_series_have_no_trend() {
        for s in [&[][..], &[1.0], &[1.0, 2.0], &[3.0, 3.0, 3.0, 3.0]] {
            let mk = mann_kendall(s);
            assert_eq!((mk.z, mk.p), (0.0, 1.0), "{s:?}");
        }
        assert_eq!(mann_kendall(&[4.0; 10]).s, 0);
        // A non-monotone series: S = 0.
        let mk = mann_kendall(&[1.0, 3.0, 2.0, 2.0, 3.0, 1.0]);
        assert_eq!(mk.s, 0);
        assert_eq!(mk.p, 1.0);
    }

    #[test]
    fn missing_values_are_dropped() {
        let a = mann_kendall(&[1.0, f64::NAN, 2.0, 4.0, f64::INFINITY, 3.0]);
        let b = mann_kendall(&[1.0, 2.0, 4.0, 3.0]);
        assert_eq!(a, b);
    }

    proptest! {
        #[test]
        fn invariants(x in prop::collection::vec(prop_oneof![0.0f64..10.0, (0u8..4).prop_map(f64::from)], 0..40)) {
            let mk = mann_kendall(&x);
            let n = x.len() as i64;
            prop_assert!(mk.s.abs() <= n * (n - 1) / 2);
            prop_assert!((0.0..=1.0).contains(&mk.p));
            prop_assert!((-1.0..=1.0).contains(&mk.tau));
            prop_assert!(mk.z * mk.s as f64 >= 0.0);
            // Reversing time negates S, z and τ; shifting and scaling changes nothing.
            let rev: Vec<f64> = x.iter().rev().copied().collect();
            let r = mann_kendall(&rev);
            prop_assert_eq!(r.s, -mk.s);
            prop_assert!(close(r.z, -mk.z, 1e-12) && close(r.tau, -mk.tau, 1e-12));
            // var(S) against tie groups found by sorting.
            let mut sorted = x.clone();
            sorted.sort_by(f64::total_cmp);
            let mut ties = 0.0;
            for g in sorted.chunk_by(|a, b| a == b) {
                let t = g.len() as f64;
                ties += t * (t - 1.0) * (2.0 * t + 5.0);
            }
            let nf = x.len() as f64;
            prop_assert!(close(mk.var_s, ((nf * (nf - 1.0) * (2.0 * nf + 5.0) - ties) / 18.0).max(0.0), 1e-9));
            let lin: Vec<f64> = x.iter().map(|v| 3.0 * v - 7.0).collect();
            prop_assert_eq!(mann_kendall(&lin).s, mk.s);
        }
    }
}
