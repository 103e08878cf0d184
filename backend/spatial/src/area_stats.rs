//! Ward-level statistics: counts, shares, rates per 1,000 residents, ranks,
//! priority flags, and whether a change since a comparison period is more
//! than chance.
//!
//! The change test treats each area's incidents as a Poisson process. Given
//! the total `n = n1 + n2` over both periods, "no change in rate" means
//! `n1 ~ Binomial(n, d1 / (d1 + d2))` where `d1, d2` are the period lengths,
//! so the exact conditional (binomial) test applies, with no large-count
//! approximation and no trouble with small or zero counts.

pub use hotspot_core::options::{ChangeDirection, RankBy};
use serde::{Deserialize, Serialize};
use statrs::distribution::{Binomial, Discrete, DiscreteCDF};

/// Counts for one area, in the caller's area order.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AreaCounts {
    /// Incidents in the current period.
    pub current: u64,
    /// Incidents in the comparison period, if there is one.
    pub comparison: Option<u64>,
    /// Residents, for rates; `None` (or not positive) means no rate.
    pub population: Option<f64>,
}

/// Options for [`area_statistics`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StatsOptions {
    /// Length of the current period in days (must be > 0 for change tests).
    pub current_days: f64,
    /// Length of the comparison period in days; `None` disables the
    /// comparison even when counts are given.
    pub comparison_days: Option<f64>,
    /// How many top-ranked areas are flagged as priorities (ties at the
    /// boundary are all included).
    pub priority_top_n: usize,
    pub rank_by: RankBy,
    /// Significance level for [`AreaStatistics::change_significant`].
    pub alpha: f64,
}

impl Default for StatsOptions {
    /// One 365-day period, no comparison, top 5 by count, alpha 0.05.
    fn default() -> Self {
        Self {
            current_days: 365.0,
            comparison_days: None,
            priority_top_n: 5,
            rank_by: RankBy::Count,
            alpha: 0.05,
        }
    }
}

/// Statistics for one area, in the same order as the input.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AreaStatistics {
    pub count: u64,
    /// Incidents per 1,000 residents **over the current period** (not
    /// annualised; see [`AreaStatistics::annual_rate_per_1000`]). `None`
    /// without a positive population.
    pub rate_per_1000: Option<f64>,
    /// Incidents per 1,000 residents per 365.25 days, for comparing periods
    /// of different lengths. `None` without a population or period length.
    pub annual_rate_per_1000: Option<f64>,
    /// This area's share of the total count over all areas, 0..=1 (0 when
    /// the total is 0).
    pub share: f64,
    pub comparison_count: Option<u64>,
    /// `count` minus the comparison count scaled to the current period's
    /// length (`comparison * current_days / comparison_days`), rounded; with
    /// equal periods, simply the difference of the counts.
    pub change: Option<i64>,
    /// Percentage change of the rate per day from the comparison period;
    /// `None` when the comparison count is 0.
    pub change_pct: Option<f64>,
    /// Two-sided p-value of [`poisson_change_test`].
    pub p_value: Option<f64>,
    /// `p_value < alpha`.
    pub change_significant: Option<bool>,
    /// Sign of the change in rate per day (regardless of significance).
    pub direction: Option<ChangeDirection>,
    /// 1 = highest; ties share the lower rank number ("competition"
    /// ranking: 1, 2, 2, 4).
    pub rank: usize,
    /// Ranked within the top `priority_top_n` (ties included) and with a
    /// non-zero ranking value: an area with no incidents is never a priority.
    pub priority: bool,
}

/// Computes per-area statistics; the output is in input order.
///
/// ```
/// use hotspot_spatial::{area_statistics, AreaCounts, ChangeDirection, RankBy, StatsOptions};
/// let areas = [
///     AreaCounts { current: 30, comparison: Some(10), population: Some(10_000.0) },
///     AreaCounts { current: 10, comparison: Some(10), population: Some(2_000.0) },
///     AreaCounts { current: 10, comparison: None, population: None },
/// ];
/// let opts = StatsOptions { current_days: 90.0, comparison_days: Some(90.0), priority_top_n: 1, rank_by: RankBy::Count, alpha: 0.05 };
/// let stats = area_statistics(&areas, &opts);
/// assert_eq!(stats[0].rank, 1);
/// assert_eq!((stats[1].rank, stats[2].rank), (2, 2));
/// assert!(stats[0].priority && !stats[1].priority);
/// assert_eq!(stats[0].share, 0.6);
/// assert_eq!(stats[0].rate_per_1000, Some(3.0));
/// assert_eq!(stats[0].change, Some(20));
/// assert_eq!(stats[0].change_pct, Some(200.0));
/// assert_eq!(stats[0].direction, Some(ChangeDirection::Up));
/// assert_eq!(stats[0].change_significant, Some(true));
/// assert_eq!(stats[1].direction, Some(ChangeDirection::NoChange));
/// assert_eq!(stats[2].p_value, None);
/// ```
pub fn area_statistics(areas: &[AreaCounts], opts: &StatsOptions) -> Vec<AreaStatistics> {
    let total: u64 = areas.iter().map(|a| a.current).sum();
    let valid_days = |d: f64| d.is_finite() && d > 0.0;
    let cur_days = opts.current_days;
    let mut stats: Vec<AreaStatistics> = areas
        .iter()
        .map(|a| {
            let pop = a.population.filter(|p| p.is_finite() && *p > 0.0);
            let rate = pop.map(|p| a.current as f64 / p * 1000.0);
            let annual = rate
                .filter(|_| valid_days(cur_days))
                .map(|r| r * 365.25 / cur_days);
            let share = if total == 0 {
                0.0
            } else {
                a.current as f64 / total as f64
            };
            let comparison = match (a.comparison, opts.comparison_days) {
                (Some(c), Some(d)) if valid_days(d) && valid_days(cur_days) => Some((c, d)),
                _ => None,
            };
            let (mut change, mut change_pct, mut p_value, mut significant, mut direction) =
                (None, None, None, None, None);
            if let Some((c, d)) = comparison {
                let scaled = c as f64 * cur_days / d;
                change = Some((a.current as f64 - scaled).round() as i64);
                if c > 0 {
                    change_pct = Some((a.current as f64 / scaled - 1.0) * 100.0);
                }
                let p = poisson_change_test(a.current, cur_days, c, d);
                p_value = Some(p);
                significant = Some(p < opts.alpha);
                // Compare rates per day exactly: current/cur_days vs c/d.
                let lhs = a.current as f64 * d;
                let rhs = c as f64 * cur_days;
                direction = Some(if lhs > rhs {
                    ChangeDirection::Up
                } else if lhs < rhs {
                    ChangeDirection::Down
                } else {
                    ChangeDirection::NoChange
                });
            }
            AreaStatistics {
                count: a.current,
                rate_per_1000: rate,
                annual_rate_per_1000: annual,
                share,
                comparison_count: comparison.map(|(c, _)| c),
                change,
                change_pct,
                p_value,
                change_significant: significant,
                direction,
                rank: 0,
                priority: false,
            }
        })
        .collect();

    // Ranking key; -1 ranks areas without a rate below every real rate.
    let key = |s: &AreaStatistics| match opts.rank_by {
        RankBy::Count => s.count as f64,
        RankBy::Rate => s.rate_per_1000.unwrap_or(-1.0),
    };
    let mut keys: Vec<f64> = stats.iter().map(key).collect();
    keys.sort_unstable_by(|a, b| b.total_cmp(a));
    for s in &mut stats {
        let k = key(s);
        // Competition rank: 1 + number of areas with a strictly greater key.
        s.rank = 1 + keys.partition_point(|&v| v > k);
        s.priority = s.rank <= opts.priority_top_n && k > 0.0;
    }
    stats
}

/// Two-sided exact conditional test for a change in a Poisson count between
/// two periods of possibly different lengths: `n1` incidents over `d1` days
/// against `n2` over `d2` days.
///
/// Under "no change in rate", given `n = n1 + n2`,
/// `n1 ~ Binomial(n, d1 / (d1 + d2))`. The p-value is the total probability
/// of outcomes no more likely than the observed one, exactly as R's
/// `binom.test` (including its `1 + 1e-7` relative tolerance for ties). Works
/// in log space and uses the regularised incomplete beta function for the
/// tails, so large counts (n in the millions) stay accurate and finite.
///
/// Returns 1 when `n = 0`, and NaN when a period length is not a positive
/// finite number.
///
/// ```
/// use hotspot_spatial::poisson_change_test;
/// // binom.test(7, 10, 0.5)$p.value
/// assert!((poisson_change_test(7, 30.0, 3, 30.0) - 0.34375).abs() < 1e-12);
/// ```
pub fn poisson_change_test(n1: u64, d1: f64, n2: u64, d2: f64) -> f64 {
    if !(d1.is_finite() && d2.is_finite() && d1 > 0.0 && d2 > 0.0) {
        return f64::NAN;
    }
    let n = n1 + n2;
    if n == 0 {
        return 1.0;
    }
    binom_test_two_sided(n1, n, d1 / (d1 + d2))
}

/// R's `binom.test(x, n, p)$p.value` for `0 < p < 1`.
fn binom_test_two_sided(x: u64, n: u64, p: f64) -> f64 {
    let dist = Binomial::new(p, n).expect("0 < p < 1");
    let ln_d = dist.ln_pmf(x);
    // dbinom(i) <= d * relErr, in log space.
    let ln_limit = ln_d + (1.0 + 1e-7f64).ln();
    let m = n as f64 * p;
    let pval = if x as f64 == m {
        1.0
    } else if (x as f64) < m {
        // Count outcomes i in [ceil(m), n] with pmf(i) <= d: the pmf is
        // non-increasing there, so they form a suffix; find where it starts.
        let lo = m.ceil() as u64;
        let first = lo + partition_point(lo, n + 1, |i| dist.ln_pmf(i) > ln_limit);
        let y = n + 1 - first;
        // pbinom(x) + pbinom(n - y, lower = FALSE)
        dist.cdf(x) + if y == 0 { 0.0 } else { dist.sf(n - y) }
    } else {
        // Outcomes i in [0, floor(m)] with pmf(i) <= d: a prefix, as the pmf
        // is non-decreasing there.
        let hi = m.floor() as u64;
        let y = partition_point(0, hi + 1, |i| dist.ln_pmf(i) <= ln_limit);
        // pbinom(y - 1) + pbinom(x - 1, lower = FALSE)
        let left = if y == 0 { 0.0 } else { dist.cdf(y - 1) };
        let right = if x == 0 { 1.0 } else { dist.sf(x - 1) };
        left + right
    };
    pval.clamp(0.0, 1.0)
}

/// Number of leading `i` in `lo..hi` for which `pred` holds (pred must be
/// true on a prefix).
fn partition_point(lo: u64, hi: u64, pred: impl Fn(u64) -> bool) -> u64 {
    let (mut a, mut b) = (lo, hi);
    while a < b {
        let mid = a + (b - a) / 2;
        if pred(mid) {
            a = mid + 1;
        } else {
            b = mid;
        }
    }
    a - lo
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use statrs::distribution::{ContinuousCDF, Normal};

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    /// Direct O(n) reference: sum of all pmf(i) <= pmf(x) * (1 + 1e-7).
    fn reference(x: u64, n: u64, p: f64) -> f64 {
        let dist = Binomial::new(p, n).unwrap();
        let d = dist.pmf(x) * (1.0 + 1e-7);
        (0..=n)
            .map(|i| dist.pmf(i))
            .filter(|&v| v <= d)
            .sum::<f64>()
            .min(1.0)
    }

    #[test]
    fn matches_r_binom_test() {
        // binom.test(7, 10, 0.5); binom.test(0, 10, 0.5); binom.test(60, 100, 0.5)
        assert!(close(poisson_change_test(7, 1.0, 3, 1.0), 0.34375, 1e-10));
        assert!(close(poisson_change_test(3, 1.0, 7, 1.0), 0.34375, 1e-10));
        assert!(close(
            poisson_change_test(0, 1.0, 10, 1.0),
            0.001953125,
            1e-10
        ));
        assert!(close(
            poisson_change_test(10, 5.0, 0, 5.0),
            0.001953125,
            1e-10
        ));
        assert!(close(
            poisson_change_test(60, 1.0, 40, 1.0),
            0.05688793,
            1e-6
        ));
        assert_eq!(poisson_change_test(5, 1.0, 5, 1.0), 1.0);
        assert_eq!(poisson_change_test(0, 1.0, 0, 3.0), 1.0);
        assert!(poisson_change_test(1, 0.0, 1, 1.0).is_nan());
        assert!(poisson_change_test(1, 1.0, 1, f64::NAN).is_nan());
    }

    #[test]
    fn unequal_period_lengths() {
        // 10 in 30 days vs 2 in 60 days: binom.test(10, 12, 1/3). By hand,
        // pmf(10) = 66 * 2^2 / 3^12 = 264/531441; only pmf(11) = 24/531441
        // and pmf(12) = 1/531441 are no larger (pmf(0) = 4096/531441), so
        // p = 289/531441.
        let p = poisson_change_test(10, 30.0, 2, 60.0);
        assert!(close(p, reference(10, 12, 1.0 / 3.0), 1e-9), "{p}");
        assert!(close(p, 289.0 / 531_441.0, 1e-10), "{p}");
        // Twice the count over twice the time is no change at all.
        assert!(poisson_change_test(20, 60.0, 10, 30.0) > 0.9);
        // binom.test(3, 20, 0.25): 3 of 20 where 5 were expected.
        let p = poisson_change_test(3, 1.0, 17, 3.0);
        assert!(close(p, reference(3, 20, 0.25), 1e-9), "{p}");
    }

    #[test]
    fn huge_counts_stay_finite_and_accurate() {
        // n = 100k, a 1% rise: z = (50500 - 50000) / sqrt(25000) = 3.162.
        let p = poisson_change_test(50_500, 1.0, 49_500, 1.0);
        let z: f64 = 500.0 / 25_000f64.sqrt();
        let normal = 2.0 * (1.0 - Normal::new(0.0, 1.0).unwrap().cdf(z));
        assert!(p.is_finite() && p > 0.0);
        assert!(close(p, normal, 0.05), "exact {p} vs normal {normal}");
        // And against the direct O(n) sum of the pmf, unequal periods too.
        assert!(close(p, reference(50_500, 100_000, 0.5), 1e-6));
        let p = poisson_change_test(34_000, 30.0, 66_500, 61.0);
        assert!(
            close(p, reference(34_000, 100_500, 30.0 / 91.0), 1e-6),
            "{p}"
        );
        // Extreme: far in the tail, must not be NaN or negative.
        let p = poisson_change_test(100_000, 1.0, 10, 1.0);
        assert!((0.0..1e-100).contains(&p), "{p}");
        let p = poisson_change_test(3_000_000, 1.0, 3_000_000, 1.0);
        assert_eq!(p, 1.0);
    }

    #[test]
    fn ranks_shares_rates_and_priorities() {
        let a = |current, comparison, population| AreaCounts {
            current,
            comparison,
            population,
        };
        let areas = [
            a(5, Some(0), Some(1000.0)),
            a(9, Some(9), Some(100.0)),
            a(9, Some(18), None),
            a(1, None, Some(0.0)),
            a(0, Some(0), Some(500.0)),
        ];
        let mut opts = StatsOptions {
            current_days: 30.0,
            comparison_days: Some(60.0),
            priority_top_n: 1,
            rank_by: RankBy::Count,
            alpha: 0.05,
        };
        let s = area_statistics(&areas, &opts);
        assert_eq!(
            s.iter().map(|s| s.rank).collect::<Vec<_>>(),
            vec![3, 1, 1, 4, 5]
        );
        assert_eq!(
            s.iter().map(|s| s.priority).collect::<Vec<_>>(),
            vec![false, true, true, false, false]
        );
        assert!(close(s[1].share, 9.0 / 24.0, 1e-15));
        assert_eq!(s[0].rate_per_1000, Some(5.0));
        assert!(close(
            s[0].annual_rate_per_1000.unwrap(),
            5.0 * 365.25 / 30.0,
            1e-12
        ));
        assert_eq!(s[3].rate_per_1000, None, "zero population: no rate");
        // Comparison scaled to 30 days: area 1 had 4.5 expected, area 2 had 9.
        assert_eq!(s[0].change, Some(5));
        assert_eq!(s[0].change_pct, None, "comparison 0");
        assert_eq!(s[0].direction, Some(ChangeDirection::Up));
        assert_eq!(s[1].change, Some(5)); // 9 - 4.5 rounds away from zero
        assert!(close(s[1].change_pct.unwrap(), 100.0, 1e-12));
        assert_eq!(s[2].change, Some(0));
        assert_eq!(s[2].direction, Some(ChangeDirection::NoChange));
        assert_eq!(s[2].p_value, Some(1.0));
        assert_eq!(s[2].change_significant, Some(false));
        assert_eq!(s[3].p_value, None);
        assert_eq!(s[4].p_value, Some(1.0));

        opts.rank_by = RankBy::Rate;
        opts.priority_top_n = 10;
        let s = area_statistics(&areas, &opts);
        // Rates: 5, 90, none, none, 0.
        assert_eq!(
            s.iter().map(|s| s.rank).collect::<Vec<_>>(),
            vec![2, 1, 4, 4, 3]
        );
        assert_eq!(
            s.iter().map(|s| s.priority).collect::<Vec<_>>(),
            vec![true, true, false, false, false]
        );

        opts.comparison_days = None;
        let s = area_statistics(&areas, &opts);
        assert!(s
            .iter()
            .all(|s| s.p_value.is_none() && s.comparison_count.is_none()));
        assert!(area_statistics(&[], &opts).is_empty());
        let zeros = area_statistics(&[a(0, None, None); 3], &StatsOptions::default());
        assert!(zeros
            .iter()
            .all(|s| s.share == 0.0 && s.rank == 1 && !s.priority));
    }

    proptest! {
        #[test]
        fn p_value_is_a_probability_and_symmetric(n1 in 0u64..300, n2 in 0u64..300, d in 1.0f64..400.0) {
            let p = poisson_change_test(n1, d, n2, d);
            prop_assert!((0.0..=1.0).contains(&p));
            let q = poisson_change_test(n2, d, n1, d);
            prop_assert!(close(p, q, 1e-9), "{} vs {}", p, q);
        }

        #[test]
        fn matches_direct_sum(n1 in 0u64..120, n2 in 0u64..120, d1 in 1.0f64..100.0, d2 in 1.0f64..100.0) {
            let p = poisson_change_test(n1, d1, n2, d2);
            prop_assert!((0.0..=1.0).contains(&p));
            if n1 + n2 > 0 {
                let r = reference(n1, n1 + n2, d1 / (d1 + d2));
                prop_assert!((p - r).abs() <= 1e-9 + 1e-7 * r, "{} vs {}", p, r);
            }
        }
    }
}
