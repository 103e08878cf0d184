//! When incidents happen: hour-of-day × day-of-week profiles and monthly
//! trends.
//!
//! The week-hour table is the standard temporal heat grid of crime analysis
//! (see Ratcliffe 2004, *The Hotspot Matrix*, Police Practice and Research
//! 5(1), on why the timing of hotspots matters for the response): it shows, for example, violence concentrated in the night-time economy on
//! Friday and Saturday nights. It needs times of day, so it is only meaningful
//! for force extracts and partner data with minute precision; police.uk
//! street-level data (months only) cannot be profiled this way.
//!
//! The monthly trend works at any precision, including police.uk months.

use chrono::{Datelike, NaiveDateTime, Timelike};
pub use hotspot_core::temporal::{ExpectedBasis, MonthPoint, WeekHourProfile};
use statrs::distribution::{DiscreteCDF, Poisson};

/// Significance level of the monthly spike flag.
pub const SPIKE_ALPHA: f64 = 0.01;
/// Minimum number of previous months (within the last 12) needed for a
/// trailing-mean expected value.
pub const MIN_TRAILING_MONTHS: usize = 3;

/// Builds the day-of-week × hour-of-day table.
///
/// Times are taken as local clock times as recorded. Note that many force
/// systems record an unknown time as 00:00 (about 5% of the Vancouver 2020
/// thefts sit exactly at midnight), which inflates the 00:00 column; callers
/// may drop such records first.
///
/// ```
/// use chrono::NaiveDate;
/// use hotspot_spacetime::week_hour_profile;
/// let t = NaiveDate::from_ymd_opt(2024, 3, 4).unwrap().and_hms_opt(14, 5, 0).unwrap(); // Monday
/// let p = week_hour_profile(&[t, t]);
/// assert_eq!(p.counts[0][14], 2);
/// assert_eq!((p.day_totals[0], p.hour_totals[14], p.total), (2, 2, 2));
/// ```
pub fn week_hour_profile(times: &[NaiveDateTime]) -> WeekHourProfile {
    let mut counts = [[0u64; 24]; 7];
    for t in times {
        counts[t.weekday().num_days_from_monday() as usize][t.hour() as usize] += 1;
    }
    let mut day_totals = [0u64; 7];
    let mut hour_totals = [0u64; 24];
    for (d, row) in counts.iter().enumerate() {
        for (h, &c) in row.iter().enumerate() {
            day_totals[d] += c;
            hour_totals[h] += c;
        }
    }
    WeekHourProfile {
        counts,
        day_totals,
        hour_totals,
        total: times.len() as u64,
    }
}

/// Monthly trend with a seasonal comparison and a spike flag.
///
/// Input: `(year, month, count)` in any order; entries for the same month are
/// summed, entries with a month outside 1–12 are ignored. Output: one point
/// per month present, in calendar order.
///
/// **Gaps are kept as gaps.** A month absent from the input is missing, not
/// zero (police.uk has gaps: the Northamptonshire files lack 2024-05 …
/// 2024-12), so it never appears in the output and never enters a
/// comparison, moving average or expected value. Pass explicit zeros for
/// months known to have had no incidents.
///
/// **Expected value and spike rule.** For month `m`:
/// 1. if the same month a year earlier is present, `expected` is its count
///    (a seasonal baseline: summer peaks are compared with last summer);
/// 2. otherwise, if at least [`MIN_TRAILING_MONTHS`] of the 12 months before
///    `m` are present, `expected` is their mean;
/// 3. otherwise there is no expected value and no spike test.
///
/// With `X ~ Poisson(expected)`, `spike_p = P(X ≥ count)` and the month is a
/// spike when `count > expected` and `spike_p < 0.01`. The baseline is
/// treated as known, and crime counts are usually over-dispersed, so at high
/// counts the flag is sensitive: it says "more than chance variation around
/// the baseline", not "operationally important". No test is made when the
/// expected value is 0.
///
/// ```
/// use hotspot_spacetime::monthly_trend;
/// let mut months: Vec<(i32, u32, u64)> = (1..=12).map(|m| (2024, m, 100)).collect();
/// months.push((2025, 1, 160));
/// let t = monthly_trend(&months);
/// let jan = t.last().unwrap();
/// assert_eq!(jan.last_year, Some(100));
/// assert_eq!(jan.change_vs_last_year_pct, Some(60.0));
/// assert_eq!(jan.moving_average_12, Some(105.0));
/// assert!(jan.spike && jan.spike_p.unwrap() < 1e-6);
/// assert_eq!(t[11].moving_average_12, Some(100.0));
/// assert!(!t[11].spike);
/// ```
pub fn monthly_trend(months: &[(i32, u32, u64)]) -> Vec<MonthPoint> {
    use std::collections::BTreeMap;
    let mut by_index: BTreeMap<i64, u64> = BTreeMap::new();
    for &(y, m, c) in months {
        if (1..=12).contains(&m) {
            *by_index.entry(y as i64 * 12 + (m as i64 - 1)).or_insert(0) += c;
        }
    }
    by_index
        .iter()
        .map(|(&idx, &count)| {
            let last_year = by_index.get(&(idx - 12)).copied();
            let change_vs_last_year_pct = last_year
                .filter(|&c| c > 0)
                .map(|c| (count as f64 - c as f64) / c as f64 * 100.0);
            let window: Vec<u64> = (idx - 11..=idx)
                .filter_map(|i| by_index.get(&i).copied())
                .collect();
            let moving_average_12 =
                (window.len() == 12).then(|| window.iter().sum::<u64>() as f64 / 12.0);
            let previous: Vec<u64> = (idx - 12..idx)
                .filter_map(|i| by_index.get(&i).copied())
                .collect();
            let (expected, expected_basis) = if let Some(c) = last_year {
                (Some(c as f64), Some(ExpectedBasis::SameMonthLastYear))
            } else if previous.len() >= MIN_TRAILING_MONTHS {
                (
                    Some(previous.iter().sum::<u64>() as f64 / previous.len() as f64),
                    Some(ExpectedBasis::PreviousMonths {
                        months: previous.len() as u32,
                    }),
                )
            } else {
                (None, None)
            };
            let spike_p = expected.and_then(|e| poisson_upper_tail(count, e));
            let spike = match (expected, spike_p) {
                (Some(e), Some(p)) => count as f64 > e && p < SPIKE_ALPHA,
                _ => false,
            };
            MonthPoint {
                year: idx.div_euclid(12) as i32,
                month: idx.rem_euclid(12) as u32 + 1,
                count,
                last_year,
                change_vs_last_year_pct,
                moving_average_12,
                expected,
                expected_basis,
                spike,
                spike_p,
            }
        })
        .collect()
}

/// `P(X ≥ k)` for `X ~ Poisson(lambda)`; `None` unless `lambda > 0`.
fn poisson_upper_tail(k: u64, lambda: f64) -> Option<f64> {
    let pois = Poisson::new(lambda).ok()?;
    Some(if k == 0 { 1.0 } else { pois.sf(k - 1) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn hand_case() {
        // 2024-01-01 Monday, 2024-01-06 Saturday, 2024-01-07 Sunday.
        let times = [
            at(2024, 1, 1, 0),
            at(2024, 1, 1, 0),
            at(2024, 1, 6, 23),
            at(2024, 1, 7, 12),
        ];
        let p = week_hour_profile(&times);
        assert_eq!(p.counts[0][0], 2);
        assert_eq!(p.counts[5][23], 1);
        assert_eq!(p.counts[6][12], 1);
        assert_eq!(p.total, 4);
        assert_eq!(p.day_totals, [2, 0, 0, 0, 0, 1, 1]);
        assert_eq!(p.hour_totals.iter().sum::<u64>(), 4);
        assert_eq!(p.hour_totals[0], 2);
        assert_eq!(week_hour_profile(&[]).total, 0);
    }

    #[test]
    fn window_wraps_past_midnight_and_week() {
        use chrono::Weekday::*;
        let mut p = week_hour_profile(&[]);
        // One incident in every hour of the week, plus 10 on Monday 02:00.
        for row in p.counts.iter_mut() {
            row.iter_mut().for_each(|c| *c = 1);
        }
        p.counts[0][2] += 10;
        p.total = 168 + 10;
        // Friday and Saturday 23:00–05:00: 2 nights × 6 hours.
        assert_eq!(p.window(&[Fri, Sat], 23, 5), 12);
        // Sunday night wraps into Monday morning (and the week).
        assert_eq!(p.window(&[Sun], 22, 4), 6 + 10);
        // Non-wrapping, full-day and modulo-24 forms.
        assert_eq!(p.window(&[Mon], 9, 17), 8);
        assert_eq!(p.window(&[Tue], 0, 24), 24);
        assert_eq!(p.window(&[Tue], 7, 7), 24);
        assert_eq!(p.window(&[Tue, Tue], 18, 24), 6);
        assert_eq!(
            p.window(&[Mon, Tue, Wed, Thu, Fri, Sat, Sun], 0, 0),
            p.total
        );
        assert!((p.window_share(&[Fri, Sat], 23, 5) - 12.0 / 178.0).abs() < 1e-15);
    }

    #[test]
    fn monthly_gaps_are_not_zeros() {
        // Northamptonshire-like: 2024-01..04 then 2025-01..12.
        let mut m: Vec<(i32, u32, u64)> = (1..=4).map(|k| (2024, k, 5000 + k as u64)).collect();
        m.extend((1..=12).map(|k| (2025, k, 5000)));
        let t = monthly_trend(&m);
        assert_eq!(t.len(), 16);
        let may25 = &t[8];
        assert_eq!((may25.year, may25.month), (2025, 5));
        assert_eq!(may25.last_year, None);
        // Previous 12 months: 2024-05..2025-04, of which 2025-01..04 present.
        assert_eq!(may25.expected, Some(5000.0));
        assert_eq!(
            may25.expected_basis,
            Some(ExpectedBasis::PreviousMonths { months: 4 })
        );
        assert_eq!(t[4].expected_basis, Some(ExpectedBasis::SameMonthLastYear));
        assert_eq!(
            t[4].change_vs_last_year_pct,
            Some((5000.0 - 5001.0) / 5001.0 * 100.0)
        );
        // 2025-01: previous 12 months hold only 4 present → trailing would
        // qualify, but the seasonal baseline wins.
        assert_eq!(t[4].expected, Some(5001.0));
        // Moving average only once 12 consecutive months exist.
        assert!(t[..15].iter().all(|p| p.moving_average_12.is_none()));
        assert_eq!(t[15].moving_average_12, Some(5000.0));
        assert!(t[..3].iter().all(|p| p.expected.is_none() && !p.spike));
        // 2024-04: three previous months present → their mean.
        assert_eq!(t[3].expected, Some(5002.0));
        assert!(t.iter().all(|p| !p.spike));
    }

    #[test]
    fn monthly_merges_sorts_and_ignores_invalid() {
        let t = monthly_trend(&[
            (2025, 3, 5),
            (2024, 12, 1),
            (2025, 3, 2),
            (2025, 13, 9),
            (2025, 0, 9),
        ]);
        let got: Vec<(i32, u32, u64)> = t.iter().map(|p| (p.year, p.month, p.count)).collect();
        assert_eq!(got, [(2024, 12, 1), (2025, 3, 7)]);
    }

    #[test]
    fn spike_p_matches_direct_poisson_sum() {
        // P(X ≥ 9 | λ = 3) = 1 − Σ_{k=0}^{8} e^{-3} 3^k / k!
        let mut term = (-3.0f64).exp();
        let mut cdf = 0.0;
        for k in 0..9 {
            if k > 0 {
                term *= 3.0 / k as f64;
            }
            cdf += term;
        }
        let want = 1.0 - cdf;
        let months: Vec<(i32, u32, u64)> = vec![(2024, 6, 3), (2025, 6, 9)];
        let t = monthly_trend(&months);
        let p = t[1].spike_p.unwrap();
        assert!((p - want).abs() < 1e-12, "{p} vs {want}");
        assert!(t[1].spike, "p = {p}");
        // A fall is never a spike; zero baseline gives no test.
        let t = monthly_trend(&[(2024, 6, 9), (2025, 6, 3), (2025, 7, 4)]);
        assert!(!t[1].spike && t[1].spike_p.unwrap() > 0.9);
        let t = monthly_trend(&[(2024, 6, 0), (2025, 6, 3)]);
        assert_eq!(
            (t[1].spike, t[1].spike_p, t[1].change_vs_last_year_pct),
            (false, None, None)
        );
    }
}
