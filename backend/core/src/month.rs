//! Calendar months, the time unit police.uk publishes in.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar month such as `2025-03`.
///
/// Ordered, and convertible to a dense index so that months can key arrays.
///
/// ```
/// use hotspot_core::Month;
/// let m: Month = "2025-03".parse().unwrap();
/// assert_eq!(m.to_string(), "2025-03");
/// assert_eq!(m.succ().to_string(), "2025-04");
/// assert_eq!("2024-12".parse::<Month>().unwrap().succ(), "2025-01".parse().unwrap());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid month {0:?}: expected YYYY-MM")]
pub struct MonthError(pub String);

impl Month {
    /// A month; `month` is 1..=12.
    pub fn new(year: i32, month: u32) -> Result<Self, MonthError> {
        if (1..=12).contains(&month) && (1000..=9999).contains(&year) {
            Ok(Month { year, month })
        } else {
            Err(MonthError(format!("{year:04}-{month:02}")))
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// The month containing `date`.
    pub fn of(date: NaiveDate) -> Self {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Months since year 0: consecutive months have consecutive indices.
    pub fn index(self) -> i32 {
        self.year * 12 + self.month as i32 - 1
    }

    pub fn from_index(index: i32) -> Self {
        Month {
            year: index.div_euclid(12),
            month: index.rem_euclid(12) as u32 + 1,
        }
    }

    pub fn succ(self) -> Self {
        Self::from_index(self.index() + 1)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid month")
    }

    /// Number of days in the month (for rates per day and period lengths).
    pub fn days(self) -> u32 {
        (self.succ().first_day() - self.first_day()).num_days() as u32
    }
}

impl FromStr for Month {
    type Err = MonthError;

    /// Parses `YYYY-MM` (police.uk's `Month` column) and also accepts `YYYY-MM-DD`,
    /// taking its month.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let err = || MonthError(s.to_string());
        let bytes = t.as_bytes();
        if !(bytes.len() == 7 || bytes.len() == 10) || bytes[4] != b'-' {
            return Err(err());
        }
        // `get`, not indexing: with multi-byte characters in the text a byte
        // offset can fall inside a character, and indexing would panic.
        let year: i32 = t.get(0..4).ok_or_else(err)?.parse().map_err(|_| err())?;
        let month: u32 = t.get(5..7).ok_or_else(err)?.parse().map_err(|_| err())?;
        if bytes.len() == 10 {
            NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| err())?;
        }
        Month::new(year, month).map_err(|_| err())
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A month is `YYYY-MM` in every API document.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Month {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[0-9]{4}-[0-9]{2}$"))
            .examples(["2025-03"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Month {}

/// An inclusive range of months, e.g. `2025-01..2025-06`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthRange {
    pub from: Month,
    pub to: Month,
}

impl FromStr for MonthRange {
    type Err = String;

    /// `YYYY-MM..YYYY-MM` or one month `YYYY-MM`.
    ///
    /// ```
    /// use hotspot_core::MonthRange;
    /// let r: MonthRange = "2024-01..2024-06".parse().unwrap();
    /// assert_eq!(r.len(), 6);
    /// assert!("2024-06..2024-01".parse::<MonthRange>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let (a, b) = t.split_once("..").unwrap_or((t, t));
        let bad = || format!("{s:?}: expected months, e.g. 2024-01..2024-06");
        let from: Month = a.trim().parse().map_err(|_| bad())?;
        let to: Month = b.trim().parse().map_err(|_| bad())?;
        MonthRange::new(from, to).map_err(|e| format!("{s:?}: {e}"))
    }
}

impl MonthRange {
    pub fn new(from: Month, to: Month) -> Result<Self, MonthError> {
        if from <= to {
            Ok(MonthRange { from, to })
        } else {
            Err(MonthError(format!("{from}..{to} (start after end)")))
        }
    }

    pub fn contains(&self, m: Month) -> bool {
        self.from <= m && m <= self.to
    }

    /// Number of months in the range.
    pub fn len(&self) -> u32 {
        (self.to.index() - self.from.index() + 1) as u32
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// Number of days covered, used to compare periods of unequal length.
    pub fn days(&self) -> u32 {
        self.months().map(Month::days).sum()
    }

    pub fn months(&self) -> impl Iterator<Item = Month> {
        (self.from.index()..=self.to.index()).map(Month::from_index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(
            "2025-01".parse::<Month>().unwrap(),
            Month::new(2025, 1).unwrap()
        );
        assert_eq!(
            "2025-01-31".parse::<Month>().unwrap(),
            Month::new(2025, 1).unwrap()
        );
        for bad in [
            "2025-13",
            "2025-00",
            "2025/01",
            "25-01",
            "",
            "2025-1",
            "2025-02-30",
            // Multi-byte characters where the digits should be: byte 7 falls
            // inside 'é', so slicing the month out panicked.
            "2025-0\u{e9}xy",
            "2025-\u{e9}-01",
            "\u{e9}\u{e9}-01-01",
        ] {
            assert!(bad.parse::<Month>().is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn days_and_ranges() {
        assert_eq!(Month::new(2024, 2).unwrap().days(), 29);
        assert_eq!(Month::new(2025, 2).unwrap().days(), 28);
        let r = MonthRange::new("2024-11".parse().unwrap(), "2025-02".parse().unwrap()).unwrap();
        assert_eq!(r.len(), 4);
        assert_eq!(r.days(), 30 + 31 + 31 + 28);
        assert!(MonthRange::new(r.to, r.from).is_err());
    }

    proptest! {
        #[test]
        fn index_round_trips(year in 1000i32..9999, month in 1u32..=12) {
            let m = Month::new(year, month).unwrap();
            prop_assert_eq!(Month::from_index(m.index()), m);
            prop_assert_eq!(m.to_string().parse::<Month>().unwrap(), m);
            prop_assert_eq!(m.succ().index(), m.index() + 1);
        }
    }
}
