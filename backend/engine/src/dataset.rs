//! The snapshot: incidents, areas and their indexes, built once and shared.

use std::collections::BTreeMap;

use geo::MapCoords;
use geo_types::MultiPolygon;
use hotspot_core::{Area, CrimeGroups, Incident, IncidentRef, Month, MonthRange};
use hotspot_spatial::AreaLocator;
use serde::Serialize;

use crate::columns::{Columns, NONE};
use crate::snapshot::{PendingSnapshot, SnapshotError};
use crate::{EngineError, Selection};

/// An area with its boundary in both WGS84 (for output) and BNG (for analysis).
#[derive(Debug, Clone)]
pub(crate) struct AreaEntry {
    pub area: Area,
    pub bng: MultiPolygon<f64>,
}

/// An immutable, indexed view of every incident and area.
pub struct Dataset {
    /// The incidents, one array per field.
    pub(crate) cols: Columns,
    /// The (category, source) pairs that occur ("kinds"), as
    /// [`Columns::kinds`] lists them; the tile index and the count cube
    /// number them the same way.
    pub(crate) kinds: Vec<(u16, u16)>,
    /// Per kind: the ids of the groups it belongs to.
    membership: Vec<Vec<u16>>,
    pub(crate) groups: CrimeGroups,
    group_ids: Vec<String>,
    /// Located incidents: their BNG point and index into the incidents.
    pub(crate) points: Vec<[f64; 2]>,
    point_incident: Vec<u32>,
    /// Per incident: index into `points`, or `u32::MAX` when unlocated.
    incident_point: Vec<u32>,
    pub(crate) areas: Vec<AreaEntry>,
    pub(crate) locator: AreaLocator,
    /// Per place (distinct location): the area containing it, or [`NONE`].
    place_area: Vec<u32>,
    pub(crate) months: BTreeMap<Month, u64>,
    /// Computed once at build: the health endpoint asks on every call.
    pub(crate) overview: Overview,
    /// Distinct location labels, built on the first search.
    pub(crate) locations: std::sync::OnceLock<Vec<crate::search::LocationEntry>>,
    /// Distinct locations and their incidents by month: tiles, and the
    /// per-place tallies maps are drawn from.
    pub(crate) sites: crate::sites::Sites,
    /// Counts by month, kind and ward, for whole-month questions.
    pub(crate) cube: crate::cube::Cube,
    /// The study grids built so far, newest last (a few; see
    /// [`Dataset::study_grid`]).
    pub(crate) study_grids: std::sync::Mutex<Vec<crate::StudyGrid>>,
}

/// Incidents per category, for the filter menus.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CategoryCount {
    pub category: String,
    pub source: String,
    pub count: u64,
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MonthCount {
    pub month: Month,
    pub count: u64,
}

/// What is loaded, for the health and filter endpoints.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Overview {
    pub incidents: u64,
    pub located: u64,
    pub unlocated: u64,
    pub outside_areas: u64,
    pub areas: u64,
    pub first_month: Option<Month>,
    pub last_month: Option<Month>,
    /// Whether any incident carries a date (needed for date-time filters).
    pub has_dates: bool,
    pub has_times: bool,
}

/// A [`Dataset`]'s incidents fed one at a time, in any order: what reading
/// the store streams into, so that ten million rows are never held as
/// `Incident`s all at once (about 500 bytes each, against 50 as columns).
///
/// ```
/// use hotspot_core::{CrimeGroups, Incident};
/// use hotspot_engine::DatasetBuilder;
/// let incident = |month: &str| Incident {
///     source: "police.uk".into(),
///     external_id: None,
///     category: "Burglary".into(),
///     month: month.parse().unwrap(),
///     date: None,
///     time: None,
///     location: None,
///     location_label: None,
///     lsoa_code: None,
///     outcome: None,
///     origin_line: 2,
/// };
/// let mut builder = DatasetBuilder::default();
/// builder.push(1, &incident("2025-03"));
/// builder.push(2, &incident("2025-01"));
/// let ds = builder.build(vec![], CrimeGroups::default());
/// // Kept in month order, whatever order they came in.
/// assert_eq!(ds.incident(0), (2, incident("2025-01")));
/// assert_eq!(ds.len(), 2);
/// ```
#[derive(Default)]
pub struct DatasetBuilder {
    cols: crate::columns::Builder,
}

impl DatasetBuilder {
    /// Adds an incident, owned (`&incident`) or borrowed from a page of
    /// rows ([`IncidentRef`]).
    pub fn push<'a>(&mut self, id: i64, incident: impl Into<IncidentRef<'a>>) {
        self.cols.push(id, incident.into());
    }

    /// Incidents pushed so far.
    pub fn len(&self) -> usize {
        self.cols.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The snapshot of the incidents pushed, as [`Dataset::build`] makes it.
    pub fn build(self, areas: Vec<Area>, groups: CrimeGroups) -> Dataset {
        Dataset::from_columns(self.cols.finish(), areas, groups)
    }

    /// As [`DatasetBuilder::build`], but first writes the columns to a
    /// snapshot file for `fingerprint` at `path` (see
    /// [`Dataset::open_snapshot`]) and answers from them mapped, as a
    /// restart would: the heap they were built in is freed. The file is
    /// put in place by [`PendingSnapshot::persist`]; if it could not be
    /// written or mapped, the snapshot is built from the heap and the
    /// error returned beside it.
    pub fn build_with_file(
        self,
        areas: Vec<Area>,
        groups: CrimeGroups,
        path: &std::path::Path,
        fingerprint: &str,
    ) -> (Dataset, Result<PendingSnapshot, SnapshotError>) {
        let (cols, file) = crate::snapshot::write_and_map(self.cols.finish(), path, fingerprint);
        (Dataset::from_columns(cols, areas, groups), file)
    }
}

impl Dataset {
    /// Builds the snapshot: stores the incidents as columns, projects area
    /// boundaries to BNG, builds the R-tree and assigns every located
    /// incident to its area.
    pub fn build(incidents: Vec<(i64, Incident)>, areas: Vec<Area>, groups: CrimeGroups) -> Self {
        Self::from_columns(Columns::from_incidents(incidents), areas, groups)
    }

    /// Indexes incidents already in columns (built, or mapped from a
    /// snapshot file): everything here is derived, so a snapshot file holds
    /// only the columns.
    pub(crate) fn from_columns(cols: Columns, areas: Vec<Area>, mut groups: CrimeGroups) -> Self {
        for s in &cols.sources {
            if s != "police.uk" {
                groups.ensure_source_group(s);
            }
        }
        let group_ids: Vec<String> = groups.iter().map(|g| g.id.clone()).collect();
        let (kinds, kind_of) = cols.kinds();
        let membership = group_membership(&cols, &groups, &kinds);
        let areas: Vec<AreaEntry> = areas.into_iter().map(AreaEntry::new).collect();
        let locator = AreaLocator::new(&areas.iter().map(|a| a.bng.clone()).collect::<Vec<_>>());
        let place_xy: Vec<[f64; 2]> = cols.places.iter().map(|p| [p[2], p[3]]).collect();
        let place_area = locator
            .locate_all(&place_xy)
            .into_iter()
            .map(|a| a.unwrap_or(NONE))
            .collect();
        let (points, point_incident, incident_point) = located_points(&cols);
        let mut dataset = Dataset {
            cols,
            kinds,
            membership,
            groups,
            group_ids,
            points,
            point_incident,
            incident_point,
            areas,
            locator,
            place_area,
            months: BTreeMap::new(),
            overview: Overview::default(),
            locations: std::sync::OnceLock::new(),
            study_grids: Default::default(),
            sites: crate::sites::Sites::default(),
            cube: Default::default(),
        };
        dataset.sites = crate::sites::Sites::build(&dataset, &kind_of);
        let slot_of = |k| dataset.slot_of(k);
        let cube = crate::cube::Cube::build(
            &dataset.cols,
            &kind_of,
            dataset.kinds.len(),
            dataset.areas.len(),
            slot_of,
        );
        dataset.cube = cube;
        dataset.months = (dataset.month_counts(&Selection::default()).ok().flatten())
            .expect("every month of every kind, anywhere, is a question the cube answers");
        dataset.overview = dataset.compute_overview();
        dataset
    }

    /// An empty snapshot, served until the first import.
    pub fn empty(groups: CrimeGroups) -> Self {
        Self::build(Vec::new(), Vec::new(), groups)
    }

    pub fn groups(&self) -> &CrimeGroups {
        &self.groups
    }

    pub fn len(&self) -> usize {
        self.cols.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cols.len() == 0
    }

    /// The months covered, first to last (police.uk data can have gaps).
    pub fn span(&self) -> Option<MonthRange> {
        let first = *self.months.keys().next()?;
        let last = *self.months.keys().next_back()?;
        Some(MonthRange {
            from: first,
            to: last,
        })
    }

    pub fn overview(&self) -> Overview {
        self.overview.clone()
    }

    fn compute_overview(&self) -> Overview {
        let located = self.points.len() as u64;
        let (outside, len) = (&self.place_area, self.cols.len());
        Overview {
            incidents: len as u64,
            located,
            unlocated: len as u64 - located,
            outside_areas: if self.areas.is_empty() {
                0
            } else {
                self.cols
                    .place
                    .iter()
                    .filter(|&&p| p != NONE && outside[p as usize] == NONE)
                    .count() as u64
            },
            areas: self.areas.len() as u64,
            first_month: self.span().map(|r| r.from),
            last_month: self.span().map(|r| r.to),
            has_dates: !self.cols.date.is_empty(),
            has_times: !self.cols.time.is_empty(),
        }
    }

    pub fn months(&self) -> Vec<MonthCount> {
        self.months
            .iter()
            .map(|(&month, &count)| MonthCount { month, count })
            .collect()
    }

    pub fn categories(&self) -> Vec<CategoryCount> {
        // From the count cube: a map insert per incident was 85% of this at
        // 10M incidents, and a pass over them all still tens of milliseconds.
        let cols = &self.cols;
        let mut counts = vec![0u64; self.kinds.len()];
        let every_month = i32::MIN..=i32::MAX;
        self.cube
            .for_each(every_month, |_| true, |_, kind, _, n| counts[kind] += n);
        let mut out: Vec<CategoryCount> = (counts.into_iter().enumerate())
            .filter(|&(_, count)| count > 0)
            .map(|(kind, count)| CategoryCount {
                category: cols.categories[self.kinds[kind].0 as usize].clone(),
                source: cols.sources[self.kinds[kind].1 as usize].clone(),
                count,
                groups: self.membership[kind]
                    .iter()
                    .map(|&g| self.group_ids[g as usize].clone())
                    .collect(),
            })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then(a.category.cmp(&b.category)));
        out
    }

    pub(crate) fn area_index(&self, code: &str) -> Result<usize, EngineError> {
        self.areas
            .iter()
            .position(|a| a.area.code == code)
            .ok_or_else(|| EngineError::UnknownArea(code.to_string()))
    }

    /// Indices (into the snapshot) of the incidents a selection picks, by
    /// month and then id. Only the rows of the period's months are visited.
    pub fn select(&self, sel: &Selection) -> Result<Vec<usize>, EngineError> {
        Ok(self.selected(sel)?.collect())
    }

    /// One page of [`Dataset::select`]'s answer (`limit` from `offset`) and
    /// how many there are in all, without listing them all: at ten million
    /// incidents that list alone is 80 MB.
    pub fn select_page(
        &self,
        sel: &Selection,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<usize>, usize), EngineError> {
        // Whole months of every kind, anywhere: the selection is the
        // period's run of rows, and needs no walk to count.
        let plain = self.kind_filter(sel)?.is_none();
        let anywhere = sel.area.is_none() && sel.bbox.is_none();
        if plain && anywhere && Self::whole_months(&sel.period).is_some() {
            let rows = self.rows_in(&sel.period);
            let matched = rows.len();
            return Ok((rows.skip(offset).take(limit).collect(), matched));
        }
        // Whole months without a box: the count cube says how many match,
        // so the walk stops at the page's end.
        if let Some(by_month) = self.month_counts(sel)? {
            let matched = by_month.values().sum::<u64>() as usize;
            let page = self.selected(sel)?.skip(offset).take(limit).collect();
            return Ok((page, matched));
        }
        let mut page = Vec::with_capacity(limit.min(10_000));
        let mut matched = 0;
        for k in self.selected(sel)? {
            if matched >= offset && page.len() < limit {
                page.push(k);
            }
            matched += 1;
        }
        Ok((page, matched))
    }

    fn selected<'a>(
        &'a self,
        sel: &'a Selection,
    ) -> Result<impl Iterator<Item = usize> + 'a, EngineError> {
        let kinds = self.kind_table(sel)?;
        let area = sel
            .area
            .as_deref()
            .map(|c| self.area_index(c))
            .transpose()?;
        let in_box = move |k: usize| {
            sel.bbox.is_none_or(|[x0, y0, x1, y1]| {
                let l = self.cols.location(k);
                l.is_some_and(|l| l.lon >= x0 && l.lon <= x1 && l.lat >= y0 && l.lat <= y1)
            })
        };
        let cols = &self.cols;
        let n_sources = cols.sources.len();
        Ok(self.rows_in(&sel.period).filter(move |&k| {
            let kind = cols.category[k] as usize * n_sources + cols.source[k] as usize;
            kinds.as_ref().is_none_or(|allowed| allowed[kind])
                && self.in_period(&sel.period, k)
                && area.is_none_or(|a| self.area_of(k) == Some(a))
                && in_box(k)
        }))
    }

    /// The rows whose month may fall in `period`: all of them are in its
    /// months, and a date-time period's incidents are in the months from its
    /// start to its end.
    pub(crate) fn rows_in(&self, period: &crate::Period) -> std::ops::Range<usize> {
        let (from, to) = match period {
            crate::Period::All => return 0..self.cols.len(),
            crate::Period::Months(r) => (r.from, r.to),
            crate::Period::Between { from, to } => (Month::of(from.date()), Month::of(to.date())),
        };
        let m = &self.cols.month;
        m.partition_point(|&x| x < from.index())..m.partition_point(|&x| x <= to.index())
    }

    /// [`Dataset::kind_filter`] as a flat table indexed by `category *
    /// sources + source`, for rows, which do not keep their kind.
    fn kind_table(&self, sel: &Selection) -> Result<Option<Vec<bool>>, EngineError> {
        let n_sources = self.cols.sources.len();
        Ok(self.kind_filter(sel)?.map(|allowed| {
            let mut table = vec![false; self.cols.categories.len() * n_sources];
            for (&(c, s), _) in self.kinds.iter().zip(allowed).filter(|(_, ok)| *ok) {
                table[c as usize * n_sources + s as usize] = true;
            }
            table
        }))
    }

    /// Whether incident `k` falls in `period` ([`Period::contains`], read
    /// from the columns).
    pub(crate) fn in_period(&self, period: &crate::Period, k: usize) -> bool {
        match period {
            crate::Period::All => true,
            crate::Period::Months(r) => {
                (r.from.index()..=r.to.index()).contains(&self.cols.month[k])
            }
            crate::Period::Between { .. } => {
                period.contains_parts(self.cols.month(k), self.cols.date(k), self.cols.time(k))
            }
        }
    }

    /// Per kind ([`Dataset::kinds`]): whether a selection allows it; `None` = all.
    pub(crate) fn kind_filter(&self, sel: &Selection) -> Result<Option<Vec<bool>>, EngineError> {
        let mut group_idx = Vec::new();
        for g in &sel.groups {
            let i = self
                .group_ids
                .iter()
                .position(|id| id == g)
                .ok_or_else(|| EngineError::UnknownGroup(g.clone()))?;
            group_idx.push(i as u16);
        }
        if sel.groups.is_empty() && sel.types.is_empty() && sel.sources.is_empty() {
            return Ok(None);
        }
        let allowed = (self.kinds.iter().zip(&self.membership))
            .map(|(&(c, s), member_of)| {
                let cat = &self.cols.categories[c as usize];
                let src = &self.cols.sources[s as usize];
                let kind_ok = (sel.groups.is_empty() && sel.types.is_empty())
                    || member_of.iter().any(|g| group_idx.contains(g))
                    || sel.types.iter().any(|t| t.eq_ignore_ascii_case(cat));
                let source_ok = sel.sources.is_empty()
                    || sel.sources.iter().any(|s| s.eq_ignore_ascii_case(src));
                kind_ok && source_ok
            })
            .collect();
        Ok(Some(allowed))
    }

    /// Incident `k` with its store id, as imported.
    pub fn incident(&self, k: usize) -> (i64, Incident) {
        self.cols.incident(k)
    }

    /// The BNG point of incident `k`, if it has a location.
    /// The incident at located point `p`.
    pub(crate) fn point_incident(&self, p: usize) -> usize {
        self.point_incident[p] as usize
    }

    pub(crate) fn point_of(&self, k: usize) -> Option<usize> {
        let p = self.incident_point[k];
        (p != u32::MAX).then_some(p as usize)
    }

    /// The area (ward) of incident `k`, as an index into [`Dataset::areas`].
    pub fn area_of(&self, k: usize) -> Option<usize> {
        let p = self.cols.place[k];
        let a = if p == NONE {
            NONE
        } else {
            self.place_area[p as usize]
        };
        (a != NONE).then_some(a as usize)
    }

    /// Where incident `k` is counted: its area, outside every area, or unlocated.
    pub(crate) fn slot_of(&self, k: usize) -> crate::cube::Slot {
        use crate::cube::Slot;
        match (self.cols.place[k], self.area_of(k)) {
            (NONE, _) => Slot::Unlocated,
            (_, None) => Slot::Outside,
            (_, Some(a)) => Slot::Area(a),
        }
    }

    /// The area of place `p` ([`Columns::places`]).
    pub(crate) fn place_area(&self, p: usize) -> Option<usize> {
        let a = self.place_area[p];
        (a != NONE).then_some(a as usize)
    }

    /// The area of located point `p`.
    pub(crate) fn point_area(&self, p: usize) -> Option<usize> {
        self.area_of(self.point_incident(p))
    }

    /// The loaded areas (wards), in the order ward reports list them.
    pub fn areas(&self) -> impl ExactSizeIterator<Item = &Area> + '_ {
        self.areas.iter().map(|e| &e.area)
    }

    /// Incident indices whose point lies in a BNG rectangle.
    pub(crate) fn incidents_in_rect(&self, rect: [f64; 4]) -> Vec<usize> {
        self.sites.incidents_in_rect(rect)
    }

    pub(crate) fn category_name(&self, k: usize) -> &str {
        self.cols.category_name(k)
    }

    /// Number of distinct categories, for per-category arrays indexed by
    /// [`Dataset::category_id`] (cheaper than a map per incident).
    pub(crate) fn category_count(&self) -> usize {
        self.cols.categories.len()
    }

    /// The category index of incident `k`, below [`Dataset::category_count`].
    pub(crate) fn category_id(&self, k: usize) -> usize {
        self.cols.category[k] as usize
    }

    /// The name of category index `c`.
    pub(crate) fn category_name_of(&self, c: usize) -> &str {
        &self.cols.categories[c]
    }

    /// What each of `picked` counts for under `weighting`, in `picked`
    /// order; `None` for plain counts.
    pub(crate) fn weights(
        &self,
        weighting: &crate::Weighting,
        picked: &[usize],
    ) -> Result<Option<Vec<f64>>, EngineError> {
        let used = picked.iter().map(|&k| self.category_id(k));
        let Some(by_category) = self.category_weights(weighting, used)? else {
            return Ok(None);
        };
        Ok(Some(
            picked
                .iter()
                .map(|&k| by_category[self.category_id(k)])
                .collect(),
        ))
    }

    /// Each category's weight under `weighting` (by category id); `None`
    /// for plain counts. A harm index that cannot weigh a category in
    /// `used` is refused, naming the types: a harm map that quietly left
    /// some crime out would mislead.
    pub(crate) fn category_weights(
        &self,
        weighting: &crate::Weighting,
        used: impl IntoIterator<Item = usize>,
    ) -> Result<Option<Vec<f64>>, EngineError> {
        let Some(index) = weighting.harm_index() else {
            return Ok(None);
        };
        let categories = &self.cols.categories;
        let per_category: Vec<Option<f64>> =
            categories.iter().map(|c| index.weight_of(c)).collect();
        let missing: std::collections::BTreeSet<&str> = (used.into_iter())
            .filter(|&c| per_category[c].is_none())
            .map(|c| categories[c].as_str())
            .collect();
        if missing.is_empty() {
            return Ok(Some(
                per_category.into_iter().map(|w| w.unwrap_or(0.0)).collect(),
            ));
        }
        let names: Vec<String> = missing.iter().map(|m| format!("{m:?}")).collect();
        Err(EngineError::InvalidParameter(format!(
            "the harm index {:?} has no weight for {}: add a row for each (or a '*' row for the rest)",
            index.name,
            names.join(", ")
        )))
    }

    /// The months of a period of whole months (all of them for
    /// [`Period::All`]) as `Month::index` bounds; `None` for date-times.
    pub(crate) fn whole_months(period: &crate::Period) -> Option<std::ops::RangeInclusive<i32>> {
        match period {
            crate::Period::All => Some(i32::MIN..=i32::MAX),
            crate::Period::Months(r) => Some(r.from.index()..=r.to.index()),
            crate::Period::Between { .. } => None,
        }
    }

    /// A selection's incidents per month from the count cube, months
    /// without any left out; `None` when the cube cannot answer (a date-time
    /// period or a box).
    pub(crate) fn month_counts(
        &self,
        sel: &Selection,
    ) -> Result<Option<BTreeMap<Month, u64>>, EngineError> {
        let Some(months) = Self::whole_months(&sel.period).filter(|_| sel.bbox.is_none()) else {
            return Ok(None);
        };
        let area = sel
            .area
            .as_deref()
            .map(|c| self.area_index(c))
            .transpose()?;
        let kinds = self.kind_filter(sel)?;
        let mut counts = BTreeMap::new();
        let allowed = |kind: usize| kinds.as_ref().is_none_or(|k| k[kind]);
        self.cube.for_each(months, allowed, |m, _, slot, n| {
            if area.is_none_or(|a| slot == crate::cube::Slot::Area(a)) {
                *counts.entry(Month::from_index(m)).or_insert(0) += n;
            }
        });
        Ok(Some(counts))
    }
}

impl AreaEntry {
    fn new(area: Area) -> AreaEntry {
        let bng = area.geometry.map_coords(|c| {
            let (x, y) = hotspot_core::wgs84_to_bng(c.x, c.y).unwrap_or((f64::NAN, f64::NAN));
            geo_types::Coord { x, y }
        });
        AreaEntry { area, bng }
    }
}

/// The groups each kind belongs to.
fn group_membership(cols: &Columns, groups: &CrimeGroups, kinds: &[(u16, u16)]) -> Vec<Vec<u16>> {
    (kinds.iter())
        .map(|&(c, s)| {
            let (cat, src) = (&cols.categories[c as usize], &cols.sources[s as usize]);
            let member_of = groups
                .iter()
                .enumerate()
                .filter(|(_, g)| g.matches(cat, src));
            member_of.map(|(i, _)| i as u16).collect()
        })
        .collect()
}

/// The located incidents' BNG points, each point's incident and each
/// incident's point (`u32::MAX` when unlocated).
fn located_points(cols: &Columns) -> (Vec<[f64; 2]>, Vec<u32>, Vec<u32>) {
    let (mut points, mut point_incident) = (Vec::new(), Vec::new());
    let incident_point = (cols.place.iter().enumerate())
        .map(|(k, &place)| {
            if place == NONE {
                return u32::MAX;
            }
            let [_, _, x, y] = cols.places[place as usize];
            points.push([x, y]);
            point_incident.push(k as u32);
            (points.len() - 1) as u32
        })
        .collect();
    (points, point_incident, incident_point)
}

#[cfg(test)]
mod tests;
