//! A page of stored incidents held as columns.
//!
//! Start-up reads every incident once to build the in-memory index. As
//! owned [`Incident`]s each row cost six or seven strings allocated by the
//! reading thread and freed by the indexing one: at ten million rows,
//! allocation was a third of the time and the reading thread was what the
//! start waited for. A page keeps each text field of all its rows in one
//! buffer instead, and lends them out as [`IncidentRef`]s.

use chrono::{NaiveDate, NaiveTime};
use hotspot_core::{Incident, IncidentRef, Location, Month};

use crate::StoredIncident;

/// Incidents with their database ids, in the order read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredPage {
    ids: Vec<i64>,
    lines: Vec<u64>,
    months: Vec<Month>,
    dates: Vec<Option<NaiveDate>>,
    times: Vec<Option<NaiveTime>>,
    locations: Vec<Option<Location>>,
    /// source, external id, category, location label, LSOA, outcome.
    texts: [TextColumn; 6],
}

impl StoredPage {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The id of the last row (pages are read by id).
    pub fn last_id(&self) -> Option<i64> {
        self.ids.last().copied()
    }

    /// Row `i`: its id and the incident, borrowing the page's text.
    pub fn get(&self, i: usize) -> (i64, IncidentRef<'_>) {
        let [source, external_id, category, label, lsoa, outcome] = &self.texts;
        let incident = IncidentRef {
            source: source.get(i).unwrap_or_default(),
            external_id: external_id.get(i),
            category: category.get(i).unwrap_or_default(),
            month: self.months[i],
            date: self.dates[i],
            time: self.times[i],
            location: self.locations[i],
            location_label: label.get(i),
            lsoa_code: lsoa.get(i),
            outcome: outcome.get(i),
            origin_line: self.lines[i],
        };
        (self.ids[i], incident)
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = (i64, IncidentRef<'_>)> {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Each row as an incident with text of its own.
    pub fn to_incidents(&self) -> impl Iterator<Item = StoredIncident> + '_ {
        self.iter().map(|(id, incident)| StoredIncident {
            id,
            incident: incident.to_incident(),
        })
    }

    pub(crate) fn push(&mut self, id: i64, incident: IncidentRef<'_>) {
        self.ids.push(id);
        self.lines.push(incident.origin_line);
        self.months.push(incident.month);
        self.dates.push(incident.date);
        self.times.push(incident.time);
        self.locations.push(incident.location);
        let [source, external_id, category, label, lsoa, outcome] = &mut self.texts;
        source.push(Some(incident.source));
        external_id.push(incident.external_id);
        category.push(Some(incident.category));
        label.push(incident.location_label);
        lsoa.push(incident.lsoa_code);
        outcome.push(incident.outcome);
    }
}

impl<'a> FromIterator<(i64, &'a Incident)> for StoredPage {
    fn from_iter<T: IntoIterator<Item = (i64, &'a Incident)>>(rows: T) -> Self {
        let mut page = StoredPage::default();
        for (id, incident) in rows {
            page.push(id, incident.into());
        }
        page
    }
}

/// One optional text field of every row of a page, end to end.
#[derive(Debug, Clone, Default, PartialEq)]
struct TextColumn {
    text: String,
    /// Where each row's text ends in `text` (where it starts: the row
    /// before's end).
    ends: Vec<usize>,
    present: Vec<bool>,
}

impl TextColumn {
    fn push(&mut self, value: Option<&str>) {
        self.text.push_str(value.unwrap_or_default());
        self.ends.push(self.text.len());
        self.present.push(value.is_some());
    }

    fn get(&self, i: usize) -> Option<&str> {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.present[i].then(|| &self.text[start..self.ends[i]])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(category: &str, label: Option<&str>) -> Incident {
        Incident {
            source: "police.uk".into(),
            external_id: label.map(|_| "abc".into()),
            category: category.into(),
            month: "2025-03".parse().unwrap(),
            date: NaiveDate::from_ymd_opt(2025, 3, 9),
            time: None,
            location: Some(Location {
                lon: -0.9,
                lat: 52.2,
                x: 475000.0,
                y: 260000.0,
            }),
            location_label: label.map(str::to_owned),
            lsoa_code: None,
            outcome: Some(String::new()),
            origin_line: 7,
        }
    }

    #[test]
    fn rows_come_back_as_they_went_in_absent_and_empty_text_apart() {
        let rows = [
            incident("Burglary", Some("On or near High Street")),
            incident("Drugs", None),
            incident("", Some("")),
        ];
        let page: StoredPage = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (i as i64 + 10, r))
            .collect();
        assert_eq!(page.len(), 3);
        assert_eq!(page.last_id(), Some(12));
        let back: Vec<StoredIncident> = page.to_incidents().collect();
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(
                back[i],
                StoredIncident {
                    id: i as i64 + 10,
                    incident: row.clone()
                }
            );
        }
        assert_eq!(page.get(1).1.location_label, None);
        assert_eq!(page.get(2).1.location_label, Some(""));
    }
}
