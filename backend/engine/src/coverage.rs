//! Gaps and zeros: which months of a period have data at all.
//!
//! police.uk downloads often miss whole months (the real Northamptonshire
//! extract has 2024-01..04 and 2025-01..12, nothing in between). A month with
//! no data loaded for *any* source is a **gap**: nothing is known about it.
//! A month with data loaded but no incident of the selected kind is a
//! **zero**. Rates, comparisons and time series use the days of the months
//! with data, never the calendar span, and every answer names its gaps.

use chrono::{NaiveDateTime, NaiveTime};
use hotspot_core::{Month, MonthRange};
use serde::Serialize;

use crate::{Dataset, Period};

/// What a period holds of the loaded data.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Coverage {
    /// Months of the period with data loaded for some source, oldest first.
    pub months_with_data: Vec<Month>,
    /// Months of the period with no data loaded for any source: gaps, not
    /// zero-crime months. Counts there are unknown.
    pub gap_months: Vec<Month>,
    /// Days of the period covered by data: what rates and comparisons divide
    /// by. A partly covered month counts its overlap only when incidents are
    /// dated to the day; month-only incidents are counted in a date window
    /// only when their whole month is inside it, so only whole months count.
    pub days: f64,
}

impl Coverage {
    /// `true` when no month of the period has data.
    pub fn is_empty(&self) -> bool {
        self.months_with_data.is_empty()
    }

    /// A warning naming the gap months of `what`, if there are any.
    pub fn gap_warning(&self, what: &str) -> Option<String> {
        if self.gap_months.is_empty() {
            return None;
        }
        let total = self.months_with_data.len() + self.gap_months.len();
        let list: Vec<String> = self.gap_months.iter().map(|m| m.to_string()).collect();
        Some(format!(
            "the {what} has no data loaded for {} of its {total} months ({}): those months are \
             gaps, not zeros, and are left out of rates and comparisons",
            list.len(),
            list.join(", ")
        ))
    }
}

impl Dataset {
    /// Whether any incident of any source is loaded for `month`.
    pub fn has_data(&self, month: Month) -> bool {
        self.months.contains_key(&month)
    }

    /// Which months of `period` have data, and the days they cover.
    ///
    /// ```
    /// use hotspot_core::{CrimeGroups, Incident};
    /// use hotspot_engine::{Dataset, Period};
    /// let inc = |m: &str| Incident { source: "police.uk".into(), external_id: None,
    ///     category: "Burglary".into(), month: m.parse().unwrap(), date: None, time: None,
    ///     location: None, location_label: None, lsoa_code: None, outcome: None, origin_line: 2 };
    /// let ds = Dataset::build(vec![(1, inc("2024-01")), (2, inc("2024-03"))], vec![],
    ///     CrimeGroups::default());
    /// let c = ds.coverage(&Period::All);
    /// assert_eq!(c.months_with_data.len(), 2);
    /// assert_eq!(c.gap_months, vec!["2024-02".parse().unwrap()]);
    /// assert_eq!(c.days, 31.0 + 31.0);
    /// ```
    pub fn coverage(&self, period: &Period) -> Coverage {
        let mut c = Coverage::default();
        let (range, window) = match period {
            Period::All => match self.span() {
                Some(r) => (r, None),
                None => return c,
            },
            Period::Months(r) => (*r, None),
            Period::Between { from, to } => (
                MonthRange {
                    from: Month::of(from.date()),
                    to: Month::of((*to - chrono::Duration::seconds(1)).date()),
                },
                Some((*from, *to)),
            ),
        };
        let dated = self.overview.has_dates;
        for m in range.months() {
            if !self.has_data(m) {
                c.gap_months.push(m);
                continue;
            }
            let days = match window {
                None => m.days() as f64,
                Some((from, to)) => covered_days_of_month(m, from, to, dated),
            };
            // A month-only month cut by a date window is outside it.
            if days > 0.0 {
                c.months_with_data.push(m);
                c.days += days;
            }
        }
        c
    }
}

/// Days of month `m` inside `[from, to)`.
fn covered_days_of_month(m: Month, from: NaiveDateTime, to: NaiveDateTime, dated: bool) -> f64 {
    let start = m.first_day().and_time(NaiveTime::MIN);
    let end = m.succ().first_day().and_time(NaiveTime::MIN);
    let overlap = (end.min(to) - start.max(from)).num_seconds().max(0) as f64 / 86_400.0;
    if dated || overlap >= m.days() as f64 {
        overlap
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{build, northants_months};
    use hotspot_core::Incident;

    fn inc(month: &str, date: Option<&str>) -> Incident {
        Incident {
            location: None,
            date: date.map(|d| d.parse().unwrap()),
            ..crate::test_support::at(450_000.0, 260_000.0, month)
        }
    }

    fn dataset(incidents: Vec<Incident>) -> Dataset {
        build(incidents, vec![])
    }

    fn gappy() -> Dataset {
        dataset(northants_months().iter().map(|m| inc(m, None)).collect())
    }

    #[test]
    fn the_default_period_covers_the_days_of_loaded_months_only() {
        let c = gappy().coverage(&Period::All);
        // 2024-01..04 is 31+29+31+30 = 121 days; 2025 is 365: 486, not 731.
        assert_eq!(c.days, 486.0);
        assert_eq!(c.months_with_data.len(), 16);
        assert_eq!(c.gap_months.len(), 8);
        assert_eq!(c.gap_months[0].to_string(), "2024-05");
        assert!(c
            .gap_warning("data")
            .unwrap()
            .contains("8 of its 24 months"));
    }

    #[test]
    fn a_period_entirely_in_the_gap_has_no_data() {
        let c = gappy().coverage(&Period::parse("2024-05..2024-12").unwrap());
        assert!(c.is_empty());
        assert_eq!(c.days, 0.0);
        assert_eq!(c.gap_months.len(), 8);
    }

    #[test]
    fn date_windows_count_partial_months_only_for_dated_data() {
        let window = Period::parse("2025-01-16..2025-03-01").unwrap();
        let month_only = gappy().coverage(&window);
        // January is only half inside: month-only incidents there are not counted.
        assert_eq!(month_only.days, 28.0);
        let dated = dataset(vec![
            inc("2025-01", Some("2025-01-20")),
            inc("2025-02", Some("2025-02-03")),
        ]);
        assert_eq!(dated.coverage(&window).days, 16.0 + 28.0);
    }
}
