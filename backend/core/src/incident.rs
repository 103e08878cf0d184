//! One recorded incident: a crime, an ASB report, or a partner record such as
//! a fly-tipping report or an A&E assault attendance.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::Month;

/// How precisely an incident's time is known. police.uk publishes months
/// only; force extracts usually carry a date and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    Month,
    Day,
    Minute,
}

impl DatePrecision {
    pub fn as_str(self) -> &'static str {
        match self {
            DatePrecision::Month => "month",
            DatePrecision::Day => "day",
            DatePrecision::Minute => "minute",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "month" => Some(DatePrecision::Month),
            "day" => Some(DatePrecision::Day),
            "minute" => Some(DatePrecision::Minute),
            _ => None,
        }
    }
}

/// Where an incident happened, in both the published WGS84 and the British
/// National Grid metres that every distance and density is computed in.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub lon: f64,
    pub lat: f64,
    /// Easting, metres (EPSG:27700).
    pub x: f64,
    /// Northing, metres (EPSG:27700).
    pub y: f64,
}

/// A validated incident ready to be stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// Where the record came from: `police.uk`, or a partner source such as
    /// `fly-tipping` or `A&E assaults`. Crime groups may select by source.
    pub source: String,
    /// The publisher's identifier (police.uk `Crime ID`); absent for ASB.
    pub external_id: Option<String>,
    /// Crime type or category as published, e.g. `Burglary`.
    pub category: String,
    pub month: Month,
    /// Day, when known (precision `Day` or `Minute`).
    pub date: Option<NaiveDate>,
    /// Time of day, when known (precision `Minute`).
    pub time: Option<NaiveTime>,
    /// `None` for records published with no location (about 1% of police.uk).
    pub location: Option<Location>,
    /// police.uk's `Location` label, e.g. "On or near Supermarket".
    pub location_label: Option<String>,
    pub lsoa_code: Option<String>,
    pub outcome: Option<String>,
    /// Which file and line it came from, so any figure can be traced back.
    pub origin_line: u64,
}

/// An [`Incident`] whose text borrows from somewhere else, such as a page
/// of rows read from the store: indexing ten million incidents this way
/// makes no string of its own for each one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IncidentRef<'a> {
    pub source: &'a str,
    pub external_id: Option<&'a str>,
    pub category: &'a str,
    pub month: Month,
    pub date: Option<NaiveDate>,
    pub time: Option<NaiveTime>,
    pub location: Option<Location>,
    pub location_label: Option<&'a str>,
    pub lsoa_code: Option<&'a str>,
    pub outcome: Option<&'a str>,
    pub origin_line: u64,
}

impl IncidentRef<'_> {
    /// The incident with text of its own.
    pub fn to_incident(&self) -> Incident {
        let owned = |s: Option<&str>| s.map(str::to_owned);
        Incident {
            source: self.source.to_owned(),
            external_id: owned(self.external_id),
            category: self.category.to_owned(),
            month: self.month,
            date: self.date,
            time: self.time,
            location: self.location,
            location_label: owned(self.location_label),
            lsoa_code: owned(self.lsoa_code),
            outcome: owned(self.outcome),
            origin_line: self.origin_line,
        }
    }
}

impl<'a> From<&'a Incident> for IncidentRef<'a> {
    fn from(i: &'a Incident) -> Self {
        IncidentRef {
            source: &i.source,
            external_id: i.external_id.as_deref(),
            category: &i.category,
            month: i.month,
            date: i.date,
            time: i.time,
            location: i.location,
            location_label: i.location_label.as_deref(),
            lsoa_code: i.lsoa_code.as_deref(),
            outcome: i.outcome.as_deref(),
            origin_line: i.origin_line,
        }
    }
}

impl Incident {
    pub fn precision(&self) -> DatePrecision {
        match (self.date, self.time) {
            (Some(_), Some(_)) => DatePrecision::Minute,
            (Some(_), None) => DatePrecision::Day,
            _ => DatePrecision::Month,
        }
    }
}
