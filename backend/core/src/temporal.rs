//! When incidents happen, as plain data: the week-hour table, the monthly
//! trend and the temporal report the engine builds from them. Here so the
//! statistics that compute them (`hotspot-spacetime`), the API that serves
//! them and the map client that draws them share one definition.

use chrono::Weekday;
use serde::{Deserialize, Serialize};

use crate::Month;

/// Counts by day of week (rows, Monday = 0 as in ISO 8601) and hour of day
/// (columns, 0 = 00:00–00:59).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekHourProfile {
    /// `counts[day][hour]`.
    pub counts: [[u64; 24]; 7],
    /// Row totals: incidents per day of week.
    pub day_totals: [u64; 7],
    /// Column totals: incidents per hour of day.
    pub hour_totals: [u64; 24],
    pub total: u64,
}

impl WeekHourProfile {
    /// Incidents in a weekly time window: for each day in `days`, the hours
    /// from `from_hour` (inclusive) to `to_hour` (exclusive).
    ///
    /// When `to_hour <= from_hour` the window wraps past midnight into the
    /// **next** day: the day attribute belongs to the day the window
    /// *starts*. So "Friday 23:00–05:00" is Friday 23:00–23:59 plus Saturday
    /// 00:00–04:59, and `window(&[Fri, Sat], 23, 5)` counts Friday night and
    /// Saturday night (the latter running into Sunday morning). Equal hours
    /// give a full 24-hour window starting at that hour. Hours are taken
    /// modulo 24 (so `to_hour = 24` means midnight); a day listed twice
    /// counts once.
    ///
    /// ```
    /// use chrono::Weekday;
    /// use hotspot_core::temporal::WeekHourProfile;
    /// // Friday 23h, Saturday 3h, 6h and 23h, Sunday 4h and 23h (Monday = row 0).
    /// let mut counts = [[0u64; 24]; 7];
    /// for (day, hour) in [(4, 23), (5, 3), (5, 6), (5, 23), (6, 4), (6, 23)] {
    ///     counts[day][hour] += 1;
    /// }
    /// let p = WeekHourProfile { counts, day_totals: [0; 7], hour_totals: [0; 24], total: 6 };
    /// assert_eq!(p.window(&[Weekday::Fri, Weekday::Sat], 23, 5), 4);
    /// assert_eq!(p.window(&[Weekday::Sat], 0, 24), 3);
    /// ```
    pub fn window(&self, days: &[Weekday], from_hour: u32, to_hour: u32) -> u64 {
        let from = (from_hour % 24) as usize;
        let to = (to_hour % 24) as usize;
        let mut selected = [false; 7];
        for d in days {
            selected[d.num_days_from_monday() as usize] = true;
        }
        let mut total = 0;
        for day in (0..7).filter(|&d| selected[d]) {
            if from < to {
                total += self.counts[day][from..to].iter().sum::<u64>();
            } else {
                let next = (day + 1) % 7;
                total += self.counts[day][from..].iter().sum::<u64>();
                total += self.counts[next][..to].iter().sum::<u64>();
            }
        }
        total
    }

    /// Share of all incidents in [`WeekHourProfile::window`]; 0 when empty.
    pub fn window_share(&self, days: &[Weekday], from_hour: u32, to_hour: u32) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.window(days, from_hour, to_hour) as f64 / self.total as f64
        }
    }
}

/// Where a month's expected value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "basis")]
pub enum ExpectedBasis {
    /// The same month a year earlier (controls for seasonality).
    SameMonthLastYear,
    /// The mean of the months present among the previous twelve.
    PreviousMonths { months: u32 },
}

/// One month of `hotspot_spacetime::monthly_trend`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthPoint {
    pub year: i32,
    /// 1–12.
    pub month: u32,
    pub count: u64,
    /// Count in the same month a year earlier, if that month is in the input.
    pub last_year: Option<u64>,
    /// `(count − last_year) / last_year × 100`; `None` without a last-year
    /// count or when it is 0.
    pub change_vs_last_year_pct: Option<f64>,
    /// Mean of this month and the 11 before it, only when all 12 are present.
    pub moving_average_12: Option<f64>,
    /// Expected count for the spike test (see `hotspot_spacetime::monthly_trend`).
    pub expected: Option<f64>,
    pub expected_basis: Option<ExpectedBasis>,
    /// `count > expected` and `spike_p < 0.01`.
    pub spike: bool,
    /// Poisson upper tail `P(X ≥ count)` with `X ~ Poisson(expected)`.
    pub spike_p: Option<f64>,
}

/// When incidents happen: week-hour table (where times exist) and the
/// monthly trend with seasonal comparison and spikes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemporalReport {
    pub incidents: u64,
    /// Incidents with a time of day (the week-hour table counts only these).
    pub with_time: u64,
    pub week_hour: Option<WeekHourProfile>,
    /// Share of timed incidents on Friday and Saturday nights, 23:00–05:00.
    pub weekend_night_share: Option<f64>,
    /// One point per month with data (zeros included); gap months have
    /// none.
    pub monthly: Vec<MonthPoint>,
    /// Months of the period with no data for any source.
    pub gap_months: Vec<Month>,
}
