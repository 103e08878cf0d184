//! A time window over incidents: whole months (police.uk), or a half-open
//! date-time range (force extracts with dates and times).
//!
//! It lives here, with [`Month`], because every layer speaks it: the engine
//! selects by it, the API parses it once from `period=`, and the CLI from
//! `--period`.

use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::{Incident, Month, MonthRange};

/// A time window.
///
/// `Between` is half-open, `[from, to)`. Incidents known to the minute or the
/// day are matched on their own time; an incident known only by its month
/// (police.uk) is included only when the whole month lies inside the window,
/// so a date-time filter never silently stretches to whole months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    #[default]
    All,
    Months(MonthRange),
    Between {
        from: NaiveDateTime,
        to: NaiveDateTime,
    },
}

impl Period {
    pub fn contains(&self, i: &Incident) -> bool {
        self.contains_parts(i.month, i.date, i.time)
    }

    /// [`Period::contains`] for an incident's month, date and time, as a
    /// columnar store keeps them.
    pub fn contains_parts(
        &self,
        month: Month,
        date: Option<NaiveDate>,
        time: Option<NaiveTime>,
    ) -> bool {
        match self {
            Period::All => true,
            Period::Months(r) => r.contains(month),
            Period::Between { from, to } => match date {
                // A day-precision incident counts from the start of its day.
                Some(d) => {
                    let t = d.and_time(time.unwrap_or(NaiveTime::MIN));
                    *from <= t && t < *to
                }
                None => {
                    let start = month.first_day().and_time(NaiveTime::MIN);
                    let end = month.succ().first_day().and_time(NaiveTime::MIN);
                    *from <= start && end <= *to
                }
            },
        }
    }

    /// The period of equal length just before this one.
    pub fn previous(&self) -> Option<Period> {
        match self {
            Period::All => None,
            Period::Months(r) => {
                let len = r.len() as i32;
                let from = Month::from_index(r.from.index() - len);
                let to = Month::from_index(r.from.index() - 1);
                Some(Period::Months(MonthRange { from, to }))
            }
            Period::Between { from, to } => Some(Period::Between {
                from: *from - (*to - *from),
                to: *from,
            }),
        }
    }

    /// The same period a year earlier (seasonally fair comparison).
    pub fn year_before(&self) -> Option<Period> {
        match self {
            Period::All => None,
            Period::Months(r) => Some(Period::Months(MonthRange {
                from: Month::from_index(r.from.index() - 12),
                to: Month::from_index(r.to.index() - 12),
            })),
            Period::Between { from, to } => Some(Period::Between {
                from: shift_year(*from)?,
                to: shift_year(*to)?,
            }),
        }
    }

    /// Parses `2025-01..2025-06`, a single month `2025-03`, or date-times
    /// `2025-01-01T00:00..2025-02-01T00:00` (dates alone mean midnight).
    ///
    /// ```
    /// use hotspot_core::Period;
    /// assert!(matches!(Period::parse("2025-01..2025-06").unwrap(), Period::Months(_)));
    /// assert!(matches!(Period::parse("2025-01-01..2025-01-08").unwrap(), Period::Between { .. }));
    /// assert!(Period::parse("2025-06..2025-01").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Period, String> {
        let t = text.trim();
        if t.is_empty() || t == "all" {
            return Ok(Period::All);
        }
        let (a, b) = t.split_once("..").unwrap_or((t, t));
        let (a, b) = (a.trim(), b.trim());
        if a.len() == 7 && b.len() == 7 {
            let from: Month = a.parse().map_err(|e: crate::MonthError| e.to_string())?;
            let to: Month = b.parse().map_err(|e: crate::MonthError| e.to_string())?;
            return MonthRange::new(from, to)
                .map(Period::Months)
                .map_err(|e| e.to_string());
        }
        if !t.contains("..") {
            return Err(format!(
                "period {text:?}: a date-time period needs a start and an end, e.g. 2025-01-01..2025-01-08"
            ));
        }
        let from = parse_datetime(a)?;
        let to = parse_datetime(b)?;
        if from >= to {
            return Err(format!("period {text:?}: start must be before end"));
        }
        Ok(Period::Between { from, to })
    }
}

fn shift_year(t: NaiveDateTime) -> Option<NaiveDateTime> {
    use chrono::Datelike;
    t.with_year(t.year() - 1)
        .or_else(|| (t - chrono::Duration::days(1)).with_year(t.year() - 1))
}

/// A date-time in years 1000-9999, as months are: chrono's `%Y` also takes
/// signed years of six digits, and a period reaching chrono's limits made
/// `previous()` and `year_before()` overflow (a panic, found by schemathesis).
fn parse_datetime(s: &str) -> Result<NaiveDateTime, String> {
    use chrono::Datelike;
    let bad = || format!("{s:?} is not a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM)");
    let t = [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .or_else(|| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .map(|d| d.and_time(NaiveTime::MIN))
    })
    .ok_or_else(bad)?;
    if !(1000..=9999).contains(&t.year()) {
        return Err(format!("{s:?}: years run from 1000 to 9999"));
    }
    Ok(t)
}

impl FromStr for Period {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Period::parse(s)
    }
}

/// What a period is compared with: `previous` (the period of equal length
/// just before), `year` (the same period a year earlier), `none`, or a
/// period given outright. The one parser of `compare=` and `--compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compare {
    #[default]
    None,
    Previous,
    Year,
    Period(Period),
}

impl FromStr for Compare {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "" | "none" => Ok(Compare::None),
            "previous" => Ok(Compare::Previous),
            "year" => Ok(Compare::Year),
            other => Period::parse(other).map(Compare::Period),
        }
    }
}

impl Compare {
    /// The comparison period for `current`; `previous` and `year` need a
    /// bounded current period (the error says which).
    ///
    /// ```
    /// use hotspot_core::period::{Compare, Period};
    /// let current = Period::parse("2025-04..2025-06").unwrap();
    /// let year: Compare = "year".parse().unwrap();
    /// assert_eq!(year.resolve(&current), Ok(Some(Period::parse("2024-04..2024-06").unwrap())));
    /// assert!(year.resolve(&Period::All).is_err());
    /// ```
    pub fn resolve(&self, current: &Period) -> Result<Option<Period>, String> {
        match self {
            Compare::None => Ok(None),
            Compare::Previous => current
                .previous()
                .map(Some)
                .ok_or_else(|| "previous needs a period, e.g. period=2025-01..2025-06".into()),
            Compare::Year => current
                .year_before()
                .map(Some)
                .ok_or_else(|| "year needs a period, e.g. period=2025-01..2025-06".into()),
            Compare::Period(p) => Ok(Some(*p)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inc(month: &str, date: Option<&str>, time: Option<&str>) -> Incident {
        Incident {
            source: "s".into(),
            external_id: None,
            category: "c".into(),
            month: month.parse().unwrap(),
            date: date.map(|d| d.parse().unwrap()),
            time: time.map(|t| t.parse().unwrap()),
            location: None,
            location_label: None,
            lsoa_code: None,
            outcome: None,
            origin_line: 2,
        }
    }

    #[test]
    fn datetime_windows_never_stretch_to_whole_months() {
        let p = Period::parse("2025-03-01..2025-03-15").unwrap();
        assert!(p.contains(&inc("2025-03", Some("2025-03-14"), Some("23:59:00"))));
        assert!(!p.contains(&inc("2025-03", Some("2025-03-15"), Some("00:00:00"))));
        assert!(p.contains(&inc("2025-03", Some("2025-03-01"), None)));
        assert!(
            !p.contains(&inc("2025-03", None, None)),
            "month-only partly outside"
        );
        let whole = Period::parse("2025-03-01..2025-04-01").unwrap();
        assert!(whole.contains(&inc("2025-03", None, None)));
    }

    #[test]
    fn comparison_periods() {
        let p = Period::parse("2025-04..2025-06").unwrap();
        assert_eq!(
            p.previous(),
            Some(Period::parse("2025-01..2025-03").unwrap())
        );
        assert_eq!(
            p.year_before(),
            Some(Period::parse("2024-04..2024-06").unwrap())
        );
        let w = Period::parse("2025-01-08..2025-01-15").unwrap();
        assert_eq!(
            w.previous(),
            Some(Period::parse("2025-01-01..2025-01-08").unwrap())
        );
        assert_eq!(
            Period::parse("2025-03").unwrap(),
            Period::parse("2025-03..2025-03").unwrap()
        );
        assert!(Period::parse("2025-03-01").is_err());
        assert!(Period::parse("yesterday..today").is_err());
    }

    /// chrono parses six-digit signed years; a period at its limits made
    /// the comparison periods overflow and panic.
    #[test]
    fn dates_outside_years_1000_to_9999_are_refused() {
        for bad in [
            "-262143-01-01..-262142-01-01",
            "-200000-01-01..2025-01-01",
            "2025-01-01..+20000-01-01",
            "0999-12-31..2025-01-01",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad} should be refused");
        }
        let widest = Period::parse("1000-01-01..9999-12-31T23:59:59").unwrap();
        assert!(widest.previous().is_some());
        assert!(widest.year_before().is_some());
    }
}
