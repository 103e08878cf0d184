//! The snapshot's incidents as one array per field ("columns"), every
//! repeated string stored once.
//!
//! At ten million incidents a `Vec<Incident>` costs about 500 bytes an
//! incident (six owned strings each) and every scan strides over all of it.
//! Here a scan of months or crime types reads two or four bytes an
//! incident, and the strings that repeat (crime types, sources, police.uk
//! locations, LSOAs, outcomes) are indexes into small tables. The Crime IDs,
//! which do not repeat, sit in one byte arena. Every column can also be a
//! slice of a snapshot file mapped at start-up ([`crate::snapshot`]), so a
//! column that only listings read (Crime IDs, outcomes) costs no memory
//! until a listing reads it.

use std::collections::HashMap;
use std::sync::Arc;

use bytemuck::Pod;
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use hotspot_core::{Incident, IncidentRef, Location, Month};
use memmap2::Mmap;

/// The index that means "none" in the `u32` columns.
pub(crate) const NONE: u32 = u32::MAX;

/// A column of plain values: owned when built in memory, or part of a
/// snapshot file mapped read-only (its pages load when first read).
pub(crate) enum Column<T> {
    Owned(Vec<T>),
    Mapped {
        map: Arc<Mmap>,
        /// Byte offset in the map; a multiple of 8, so any `T` is aligned.
        start: usize,
        len: usize,
    },
}

impl<T: Pod> std::ops::Deref for Column<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            Column::Owned(v) => v,
            Column::Mapped { map, start, len } => {
                bytemuck::cast_slice(&map[*start..*start + len * std::mem::size_of::<T>()])
            }
        }
    }
}

impl<T> From<Vec<T>> for Column<T> {
    fn from(v: Vec<T>) -> Self {
        Column::Owned(v)
    }
}

impl<T> Default for Column<T> {
    fn default() -> Self {
        Column::Owned(Vec::new())
    }
}

/// Incidents, one column per field; row `k` is the `k`th incident, by
/// month and then id.
#[derive(Default)]
pub(crate) struct Columns {
    pub id: Column<i64>,
    /// [`Month::index`].
    pub month: Column<i32>,
    /// Days from the Common Era, or `i32::MIN`; empty when no incident has a date.
    pub date: Column<i32>,
    /// Seconds after midnight, or [`NONE`]; empty when no incident has a time.
    pub time: Column<u32>,
    pub category: Column<u16>,
    pub source: Column<u16>,
    /// Into `places`, or [`NONE`] when unlocated.
    pub place: Column<u32>,
    /// Into `labels`, `lsoas` and `outcomes`, or [`NONE`].
    pub label: Column<u32>,
    pub lsoa: Column<u32>,
    pub outcome: Column<u32>,
    pub origin_line: Column<u64>,
    /// Crime IDs: row `k`'s is `external[end[k - 1]..end[k]]` (empty = none).
    pub external_end: Column<u64>,
    pub external: Column<u8>,
    /// Distinct locations: lon, lat, x, y (police.uk snaps incidents to a
    /// few map points, so far fewer than incidents).
    pub places: Column<[f64; 4]>,
    pub categories: Vec<String>,
    pub sources: Vec<String>,
    pub labels: Vec<String>,
    pub lsoas: Vec<String>,
    pub outcomes: Vec<String>,
}

/// Gives each distinct string an index, in order of first appearance.
#[derive(Default)]
struct Interner {
    names: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(s.to_owned());
        self.ids.insert(s.to_owned(), id);
        id
    }

    fn id_of(&mut self, s: Option<&str>) -> u32 {
        s.map_or(NONE, |s| self.id(s))
    }
}

/// The columns being filled, one incident at a time.
/// Columns being filled row by row, in any order; [`Builder::finish`] puts
/// them in order.
#[derive(Default)]
pub(crate) struct Builder {
    ids: Vec<i64>,
    month: Vec<i32>,
    date: Vec<i32>,
    time: Vec<u32>,
    category: Vec<u16>,
    source: Vec<u16>,
    place: Vec<u32>,
    label: Vec<u32>,
    lsoa: Vec<u32>,
    outcome: Vec<u32>,
    origin_line: Vec<u64>,
    external_end: Vec<u64>,
    external: Vec<u8>,
    places: Vec<[f64; 4]>,
    place_ids: HashMap<[u64; 4], u32>,
    strings: [Interner; 5],
}

impl Builder {
    pub(crate) fn push(&mut self, id: i64, inc: IncidentRef<'_>) {
        let place = inc.location.map_or(NONE, |l| self.place_id(l));
        self.place.push(place);
        let [categories, sources, labels, lsoas, outcomes] = &mut self.strings;
        self.ids.push(id);
        self.month.push(inc.month.index());
        self.date
            .push(inc.date.map_or(i32::MIN, |d| d.num_days_from_ce()));
        self.time
            .push(inc.time.map_or(NONE, |t| t.num_seconds_from_midnight()));
        self.category.push(categories.id(inc.category) as u16);
        self.source.push(sources.id(inc.source) as u16);
        self.label.push(labels.id_of(inc.location_label));
        self.lsoa.push(lsoas.id_of(inc.lsoa_code));
        self.outcome.push(outcomes.id_of(inc.outcome));
        self.origin_line.push(inc.origin_line);
        self.external
            .extend_from_slice(inc.external_id.unwrap_or("").as_bytes());
        self.external_end.push(self.external.len() as u64);
    }

    fn place_id(&mut self, l: Location) -> u32 {
        let key = [l.lon, l.lat, l.x, l.y].map(f64::to_bits);
        *self.place_ids.entry(key).or_insert_with(|| {
            self.places.push([l.lon, l.lat, l.x, l.y]);
            (self.places.len() - 1) as u32
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// The columns ordered by month and then id, each table numbered in
    /// order of first appearance in that order: the same columns whatever
    /// order the rows came in (the store reads them by id).
    pub(crate) fn finish(mut self) -> Columns {
        self.sort();
        let [categories, sources, labels, lsoas, outcomes] = self.strings.map(|i| i.names);
        Columns {
            id: self.ids.into(),
            month: self.month.into(),
            date: unless_all(self.date, i32::MIN).into(),
            time: unless_all(self.time, NONE).into(),
            category: self.category.into(),
            source: self.source.into(),
            place: self.place.into(),
            label: self.label.into(),
            lsoa: self.lsoa.into(),
            outcome: self.outcome.into(),
            origin_line: self.origin_line.into(),
            external_end: self.external_end.into(),
            external: self.external.into(),
            places: self.places.into(),
            categories,
            sources,
            labels,
            lsoas,
            outcomes,
        }
    }
}

impl Builder {
    /// Puts the rows in (month, id) order and renumbers every table by
    /// first appearance in it. Rows that come in order (one import of
    /// monthly files, oldest first) are left as they are.
    fn sort(&mut self) {
        let key = |r: usize| (self.month[r], self.ids[r]);
        if (1..self.len()).all(|r| key(r - 1) <= key(r)) {
            return;
        }
        let mut order: Vec<u32> = (0..self.len() as u32).collect();
        order.sort_unstable_by_key(|&r| key(r as usize));
        permute(&mut self.ids, &order);
        permute(&mut self.month, &order);
        permute(&mut self.date, &order);
        permute(&mut self.time, &order);
        permute(&mut self.category, &order);
        permute(&mut self.source, &order);
        permute(&mut self.place, &order);
        permute(&mut self.label, &order);
        permute(&mut self.lsoa, &order);
        permute(&mut self.outcome, &order);
        permute(&mut self.origin_line, &order);
        self.permute_external(&order);
        let old = renumber(&mut self.place, self.places.len());
        self.places = old.iter().map(|&p| self.places[p]).collect();
        let [categories, sources, labels, lsoas, outcomes] = &mut self.strings;
        categories.reorder(&renumber(&mut self.category, categories.names.len()));
        sources.reorder(&renumber(&mut self.source, sources.names.len()));
        labels.reorder(&renumber(&mut self.label, labels.names.len()));
        lsoas.reorder(&renumber(&mut self.lsoa, lsoas.names.len()));
        outcomes.reorder(&renumber(&mut self.outcome, outcomes.names.len()));
    }

    /// The Crime ID arena in `order`.
    fn permute_external(&mut self, order: &[u32]) {
        let mut external = Vec::with_capacity(self.external.len());
        let mut ends = Vec::with_capacity(self.external_end.len());
        for &r in order {
            let r = r as usize;
            let start = if r == 0 { 0 } else { self.external_end[r - 1] };
            external
                .extend_from_slice(&self.external[start as usize..self.external_end[r] as usize]);
            ends.push(external.len() as u64);
        }
        (self.external, self.external_end) = (external, ends);
    }
}

impl Interner {
    /// Keeps the names in the order `old` lists their former ids (only
    /// the table is needed once the columns are finished).
    fn reorder(&mut self, old: &[usize]) {
        self.names = old
            .iter()
            .map(|&i| std::mem::take(&mut self.names[i]))
            .collect();
        self.ids.clear();
    }
}

/// `values` in `order` (`values[order[0]]` first).
fn permute<T: Copy>(values: &mut Vec<T>, order: &[u32]) {
    *values = order.iter().map(|&r| values[r as usize]).collect();
}

/// Renumbers the ids in `column` (below `len`; [`NONE`] stays) in order of
/// first appearance, and gives each new id's old one.
fn renumber<T: Copy + Into<u32> + TryFrom<u32>>(column: &mut [T], len: usize) -> Vec<usize> {
    let mut new_of = vec![NONE; len];
    let mut old_of = Vec::with_capacity(len);
    for v in column.iter_mut() {
        let old: u32 = (*v).into();
        if old == NONE {
            continue;
        }
        let new = &mut new_of[old as usize];
        if *new == NONE {
            *new = old_of.len() as u32;
            old_of.push(old as usize);
        }
        *v = T::try_from(*new)
            .ok()
            .expect("a new id is below the old count");
    }
    old_of
}

/// `values`, or nothing when every one is `none`: month-only data
/// (police.uk) keeps no date or time column at all.
fn unless_all<T: PartialEq + Copy>(values: Vec<T>, none: T) -> Vec<T> {
    if values.iter().all(|&v| v == none) {
        Vec::new()
    } else {
        values
    }
}

fn name(table: &[String], id: u32) -> Option<&str> {
    (id != NONE).then(|| table[id as usize].as_str())
}

impl Columns {
    /// The columns of `incidents`, ordered by month and then id, so that a
    /// period of months is one run of rows. Consumes them one by one, so the
    /// strings are freed as they are interned.
    pub(crate) fn from_incidents(incidents: Vec<(i64, Incident)>) -> Columns {
        let mut b = Builder::default();
        for (id, inc) in incidents {
            b.push(id, (&inc).into());
        }
        b.finish()
    }

    pub(crate) fn len(&self) -> usize {
        self.id.len()
    }

    /// The (category, source) pairs that occur ("kinds"), in order of first
    /// appearance, and each row's index into them.
    pub(crate) fn kinds(&self) -> (Vec<(u16, u16)>, Vec<u16>) {
        let n_sources = self.sources.len();
        let mut id_of_pair = vec![u16::MAX; self.categories.len() * n_sources];
        let mut kinds = Vec::new();
        let kind_of = (self.category.iter().zip(self.source.iter()))
            .map(|(&c, &s)| {
                let id = &mut id_of_pair[c as usize * n_sources + s as usize];
                if *id == u16::MAX {
                    *id = kinds.len() as u16;
                    kinds.push((c, s));
                }
                *id
            })
            .collect();
        (kinds, kind_of)
    }

    pub(crate) fn month(&self, k: usize) -> Month {
        Month::from_index(self.month[k])
    }

    pub(crate) fn date(&self, k: usize) -> Option<NaiveDate> {
        let d = *self.date.get(k)?;
        NaiveDate::from_num_days_from_ce_opt(d).filter(|_| d != i32::MIN)
    }

    pub(crate) fn time(&self, k: usize) -> Option<NaiveTime> {
        let t = *self.time.get(k)?;
        NaiveTime::from_num_seconds_from_midnight_opt(t, 0)
    }

    pub(crate) fn location(&self, k: usize) -> Option<Location> {
        let p = self.place[k];
        (p != NONE).then(|| {
            let [lon, lat, x, y] = self.places[p as usize];
            Location { lon, lat, x, y }
        })
    }

    pub(crate) fn label(&self, k: usize) -> Option<&str> {
        name(&self.labels, self.label[k])
    }

    pub(crate) fn category_name(&self, k: usize) -> &str {
        &self.categories[self.category[k] as usize]
    }

    pub(crate) fn source_name(&self, k: usize) -> &str {
        &self.sources[self.source[k] as usize]
    }

    fn external_id(&self, k: usize) -> Option<&str> {
        let start = if k == 0 { 0 } else { self.external_end[k - 1] };
        let bytes = &self.external[start as usize..self.external_end[k] as usize];
        std::str::from_utf8(bytes).ok().filter(|s| !s.is_empty())
    }

    /// Row `k` as the store gave it.
    pub(crate) fn incident(&self, k: usize) -> (i64, Incident) {
        let owned = |s: Option<&str>| s.map(str::to_owned);
        let incident = Incident {
            source: self.source_name(k).to_owned(),
            external_id: owned(self.external_id(k)),
            category: self.category_name(k).to_owned(),
            month: self.month(k),
            date: self.date(k),
            time: self.time(k),
            location: self.location(k),
            location_label: owned(self.label(k)),
            lsoa_code: owned(name(&self.lsoas, self.lsoa[k])),
            outcome: owned(name(&self.outcomes, self.outcome[k])),
            origin_line: self.origin_line[k],
        };
        (self.id[k], incident)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(month: &str, date: Option<&str>, time: Option<&str>, id: Option<&str>) -> Incident {
        Incident {
            source: "police.uk".into(),
            external_id: id.map(Into::into),
            category: "Burglary".into(),
            month: month.parse().unwrap(),
            date: date.map(|d| d.parse().unwrap()),
            time: time.map(|t| NaiveTime::parse_from_str(t, "%H:%M").unwrap()),
            location: Some(Location {
                lon: -0.9,
                lat: 52.2,
                x: 475_000.0,
                y: 260_000.0,
            }),
            location_label: Some("On or near High Street".into()),
            lsoa_code: Some("E01027000".into()),
            outcome: None,
            origin_line: 7,
        }
    }

    #[test]
    fn every_field_comes_back_as_it_went_in() {
        let rows = vec![
            (3, incident("2024-01", None, None, Some("abc"))),
            (
                9,
                incident("2024-02", Some("2024-02-03"), Some("21:15"), None),
            ),
            (11, incident("2024-02", Some("2024-02-04"), None, Some("d"))),
            (
                12,
                Incident {
                    location: None,
                    location_label: None,
                    ..incident("2024-03", None, None, None)
                },
            ),
        ];
        let cols = Columns::from_incidents(rows.clone());
        for (k, row) in rows.iter().enumerate() {
            assert_eq!(&cols.incident(k), row, "row {k}");
        }
        assert_eq!(
            (cols.places.len(), cols.labels.len()),
            (1, 1),
            "stored once"
        );
    }

    /// The store reads rows by id, which need not be month order: the
    /// columns, and every table's numbering, are the same as for rows
    /// given in (month, id) order.
    #[test]
    fn rows_in_any_order_make_the_same_columns() {
        let at = |lon: f64, label: &str, category: &str, id: Option<&str>, month: &str| Incident {
            location: Some(Location {
                lon,
                lat: 52.2,
                x: 475_000.0 + lon,
                y: 260_000.0,
            }),
            location_label: Some(label.into()),
            category: category.into(),
            ..incident(
                month,
                Some(&format!("{month}-0{}", 1 + lon as u32 % 9)),
                None,
                id,
            )
        };
        let sorted = vec![
            (2, at(1.0, "A", "Drugs", Some("x1"), "2024-01")),
            (5, at(2.0, "B", "Burglary", None, "2024-01")),
            (1, at(3.0, "C", "Robbery", Some("x22"), "2024-02")),
            (4, at(1.0, "B", "Drugs", Some("x333"), "2024-02")),
            (3, at(4.0, "D", "Burglary", None, "2024-03")),
            (
                6,
                Incident {
                    location: None,
                    ..at(5.0, "E", "Theft", Some("x4"), "2024-03")
                },
            ),
        ];
        let want = Columns::from_incidents(sorted.clone());
        let mut shuffled = sorted.clone();
        shuffled.sort_by_key(|(id, _)| *id);
        let got = Columns::from_incidents(shuffled);
        for (k, row) in sorted.iter().enumerate() {
            assert_eq!(&got.incident(k), row, "row {k}");
        }
        assert_eq!(&got.place[..], &want.place[..]);
        assert_eq!(&got.places[..], &want.places[..]);
        assert_eq!(&got.category[..], &want.category[..]);
        assert_eq!(&got.label[..], &want.label[..]);
        assert_eq!(&got.external[..], &want.external[..]);
        assert_eq!(&got.external_end[..], &want.external_end[..]);
        assert_eq!(&got.date[..], &want.date[..]);
        assert_eq!(
            (&got.categories, &got.labels, &got.sources, &got.lsoas),
            (&want.categories, &want.labels, &want.sources, &want.lsoas)
        );
        assert_eq!(want.categories, ["Drugs", "Burglary", "Robbery", "Theft"]);
    }

    #[test]
    fn month_only_data_keeps_no_date_or_time_column() {
        let cols = Columns::from_incidents(vec![(1, incident("2024-01", None, None, None))]);
        assert!(cols.date.is_empty() && cols.time.is_empty());
        assert_eq!((cols.date(0), cols.time(0)), (None, None));
    }
}
