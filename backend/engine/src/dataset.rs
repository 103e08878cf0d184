//! The snapshot: incidents, areas and their indexes, built once and shared.

use std::collections::{BTreeMap, HashMap};

use geo::MapCoords;
use geo_types::MultiPolygon;
use hotspot_core::{Area, CrimeGroups, Incident, Month, MonthRange};
use hotspot_spatial::{AreaLocator, PointIndex};
use serde::Serialize;

use crate::{EngineError, Selection};

/// An area with its boundary in both WGS84 (for output) and BNG (for analysis).
#[derive(Debug, Clone)]
pub(crate) struct AreaEntry {
    pub area: Area,
    pub bng: MultiPolygon<f64>,
}

/// An immutable, indexed view of every incident and area.
pub struct Dataset {
    pub(crate) incidents: Vec<(i64, Incident)>,
    /// Category index per incident into `categories`.
    category_of: Vec<u16>,
    categories: Vec<String>,
    /// Per category: the ids of the groups it belongs to (depends on source too,
    /// so keyed by (category, source)).
    membership: HashMap<(u16, u16), Vec<u16>>,
    source_of: Vec<u16>,
    sources: Vec<String>,
    pub(crate) groups: CrimeGroups,
    group_ids: Vec<String>,
    /// Located incidents: their BNG point and index into `incidents`.
    pub(crate) points: Vec<[f64; 2]>,
    point_incident: Vec<u32>,
    /// Per incident: index into `points`, or `u32::MAX` when unlocated.
    incident_point: Vec<u32>,
    pub(crate) index: PointIndex,
    pub(crate) areas: Vec<AreaEntry>,
    pub(crate) locator: AreaLocator,
    /// Per located point: the area containing it.
    pub(crate) point_area: Vec<Option<u32>>,
    pub(crate) months: BTreeMap<Month, u64>,
    /// Computed once at build: the health endpoint asks on every call.
    pub(crate) overview: Overview,
    /// Distinct location labels, built on the first search.
    pub(crate) locations: std::sync::OnceLock<Vec<crate::search::LocationEntry>>,
    /// Distinct locations and their incidents, for vector tiles.
    pub(crate) sites: crate::tiles::Sites,
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

impl Dataset {
    /// Builds the snapshot: interns categories, projects area boundaries to
    /// BNG, builds the R-tree and assigns every located incident to its area.
    pub fn build(
        incidents: Vec<(i64, Incident)>,
        areas: Vec<Area>,
        mut groups: CrimeGroups,
    ) -> Self {
        let mut categories: Vec<String> = Vec::new();
        let mut sources: Vec<String> = Vec::new();
        let mut cat_ids: HashMap<String, u16> = HashMap::new();
        let mut src_ids: HashMap<String, u16> = HashMap::new();
        let mut category_of = Vec::with_capacity(incidents.len());
        let mut source_of = Vec::with_capacity(incidents.len());
        let mut points = Vec::new();
        let mut point_incident = Vec::new();
        let mut incident_point = Vec::with_capacity(incidents.len());
        let mut months = BTreeMap::new();
        for (k, (_, inc)) in incidents.iter().enumerate() {
            let c = *cat_ids.entry(inc.category.clone()).or_insert_with(|| {
                categories.push(inc.category.clone());
                (categories.len() - 1) as u16
            });
            let s = *src_ids.entry(inc.source.clone()).or_insert_with(|| {
                sources.push(inc.source.clone());
                (sources.len() - 1) as u16
            });
            category_of.push(c);
            source_of.push(s);
            *months.entry(inc.month).or_insert(0) += 1;
            match inc.location {
                Some(l) => {
                    incident_point.push(points.len() as u32);
                    points.push([l.x, l.y]);
                    point_incident.push(k as u32);
                }
                None => incident_point.push(u32::MAX),
            }
        }
        for s in &sources {
            if s != "police.uk" {
                groups.ensure_source_group(s);
            }
        }
        let group_ids: Vec<String> = groups.iter().map(|g| g.id.clone()).collect();
        let mut membership = HashMap::new();
        for (&c, &s) in category_of.iter().zip(&source_of) {
            membership.entry((c, s)).or_insert_with(|| {
                groups
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| g.matches(&categories[c as usize], &sources[s as usize]))
                    .map(|(i, _)| i as u16)
                    .collect::<Vec<u16>>()
            });
        }
        let areas: Vec<AreaEntry> = areas
            .into_iter()
            .map(|area| {
                let bng = area.geometry.map_coords(|c| {
                    let (x, y) =
                        hotspot_core::wgs84_to_bng(c.x, c.y).unwrap_or((f64::NAN, f64::NAN));
                    geo_types::Coord { x, y }
                });
                AreaEntry { area, bng }
            })
            .collect();
        let locator = AreaLocator::new(&areas.iter().map(|a| a.bng.clone()).collect::<Vec<_>>());
        let point_area = locator.locate_all(&points);
        let index = PointIndex::new(&points);
        let no_sites = crate::tiles::Sites::build(&[], |_| (0, 0), |_| None);
        let mut dataset = Dataset {
            incidents,
            category_of,
            categories,
            membership,
            source_of,
            sources,
            groups,
            group_ids,
            points,
            point_incident,
            incident_point,
            index,
            areas,
            locator,
            point_area,
            months,
            overview: Overview::default(),
            locations: std::sync::OnceLock::new(),
            sites: no_sites,
        };
        dataset.overview = dataset.compute_overview();
        dataset.sites = crate::tiles::Sites::build(
            &dataset.incidents,
            |k| (dataset.category_of[k], dataset.source_of[k]),
            |k| dataset.area_of(k).map(|a| a as u32),
        );
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
        self.incidents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.incidents.is_empty()
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
        Overview {
            incidents: self.incidents.len() as u64,
            located,
            unlocated: self.incidents.len() as u64 - located,
            outside_areas: if self.areas.is_empty() {
                0
            } else {
                self.point_area.iter().filter(|a| a.is_none()).count() as u64
            },
            areas: self.areas.len() as u64,
            first_month: self.span().map(|r| r.from),
            last_month: self.span().map(|r| r.to),
            has_dates: self.incidents.iter().any(|(_, i)| i.date.is_some()),
            has_times: self.incidents.iter().any(|(_, i)| i.time.is_some()),
        }
    }

    pub fn months(&self) -> Vec<MonthCount> {
        self.months
            .iter()
            .map(|(&month, &count)| MonthCount { month, count })
            .collect()
    }

    pub fn categories(&self) -> Vec<CategoryCount> {
        // A flat counter per (category, source): a map insert per incident
        // was 85% of this at 10M incidents.
        let n_sources = self.sources.len();
        let mut counts = vec![0u64; self.categories.len() * n_sources];
        for (&c, &s) in self.category_of.iter().zip(&self.source_of) {
            counts[c as usize * n_sources + s as usize] += 1;
        }
        let mut out: Vec<CategoryCount> = counts
            .into_iter()
            .enumerate()
            .filter(|&(_, count)| count > 0)
            .map(|(i, count)| ((i / n_sources) as u16, (i % n_sources) as u16, count))
            .map(|(c, s, count)| CategoryCount {
                category: self.categories[c as usize].clone(),
                source: self.sources[s as usize].clone(),
                count,
                groups: self.membership[&(c, s)]
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

    /// Indices (into the snapshot) of the incidents a selection picks, in id order.
    pub fn select(&self, sel: &Selection) -> Result<Vec<usize>, EngineError> {
        let kinds = self.kind_filter(sel)?;
        let area = sel
            .area
            .as_deref()
            .map(|c| self.area_index(c))
            .transpose()?;
        let bbox = sel.bbox;
        Ok((0..self.incidents.len())
            .filter(|&k| {
                let inc = &self.incidents[k].1;
                if let Some(allowed) = &kinds {
                    if !allowed.contains(&(self.category_of[k], self.source_of[k])) {
                        return false;
                    }
                }
                if !sel.period.contains(inc) {
                    return false;
                }
                let p = self.incident_point[k];
                if let Some(a) = area {
                    if p == u32::MAX || self.point_area[p as usize] != Some(a as u32) {
                        return false;
                    }
                }
                if let Some([x0, y0, x1, y1]) = bbox {
                    match inc.location {
                        Some(l) if l.lon >= x0 && l.lon <= x1 && l.lat >= y0 && l.lat <= y1 => {}
                        _ => return false,
                    }
                }
                true
            })
            .collect())
    }

    /// The (category, source) pairs a selection allows; `None` = all.
    pub(crate) fn kind_filter(
        &self,
        sel: &Selection,
    ) -> Result<Option<std::collections::HashSet<(u16, u16)>>, EngineError> {
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
        let allowed = self
            .membership
            .iter()
            .filter(|((c, s), member_of)| {
                let cat = &self.categories[*c as usize];
                let src = &self.sources[*s as usize];
                let kind_ok = (sel.groups.is_empty() && sel.types.is_empty())
                    || member_of.iter().any(|g| group_idx.contains(g))
                    || sel.types.iter().any(|t| t.eq_ignore_ascii_case(cat));
                let source_ok = sel.sources.is_empty()
                    || sel.sources.iter().any(|s| s.eq_ignore_ascii_case(src));
                kind_ok && source_ok
            })
            .map(|(k, _)| *k)
            .collect();
        Ok(Some(allowed))
    }

    pub fn incident(&self, k: usize) -> &(i64, Incident) {
        &self.incidents[k]
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
        self.point_of(k)
            .and_then(|p| self.point_area[p])
            .map(|a| a as usize)
    }

    /// The loaded areas (wards), in the order ward reports list them.
    pub fn areas(&self) -> impl ExactSizeIterator<Item = &Area> + '_ {
        self.areas.iter().map(|e| &e.area)
    }

    /// Incident indices whose point lies in a BNG rectangle.
    pub(crate) fn incidents_in_rect(&self, rect: [f64; 4]) -> Vec<usize> {
        self.index
            .in_rect(rect[0], rect[1], rect[2], rect[3])
            .into_iter()
            .map(|p| self.point_incident[p as usize] as usize)
            .collect()
    }

    pub(crate) fn category_name(&self, k: usize) -> &str {
        &self.categories[self.category_of[k] as usize]
    }

    /// Number of distinct categories, for per-category arrays indexed by
    /// [`Dataset::category_id`] (cheaper than a map per incident).
    pub(crate) fn category_count(&self) -> usize {
        self.categories.len()
    }

    /// The category index of incident `k`, below [`Dataset::category_count`].
    pub(crate) fn category_id(&self, k: usize) -> usize {
        self.category_of[k] as usize
    }

    /// The name of category index `c`.
    pub(crate) fn category_name_of(&self, c: usize) -> &str {
        &self.categories[c]
    }

    /// What each of `picked` counts for under `weighting`, in `picked`
    /// order; `None` for plain counts. A harm index that cannot weigh a
    /// selected type is refused, naming the types: a harm map that quietly
    /// left some crime out would mislead.
    pub(crate) fn weights(
        &self,
        weighting: &crate::Weighting,
        picked: &[usize],
    ) -> Result<Option<Vec<f64>>, EngineError> {
        let Some(index) = weighting.harm_index() else {
            return Ok(None);
        };
        let per_category: Vec<Option<f64>> =
            self.categories.iter().map(|c| index.weight_of(c)).collect();
        let mut missing = std::collections::BTreeSet::new();
        let weights = picked
            .iter()
            .map(|&k| {
                let c = self.category_id(k);
                per_category[c].unwrap_or_else(|| {
                    missing.insert(self.category_name_of(c));
                    0.0
                })
            })
            .collect();
        if missing.is_empty() {
            return Ok(Some(weights));
        }
        let names: Vec<String> = missing.iter().map(|m| format!("{m:?}")).collect();
        Err(EngineError::InvalidParameter(format!(
            "the harm index {:?} has no weight for {}: add a row for each (or a '*' row for the rest)",
            index.name,
            names.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Period;
    use hotspot_core::Location;

    fn inc(category: &str, source: &str, month: &str, xy: Option<(f64, f64)>) -> Incident {
        Incident {
            source: source.into(),
            external_id: None,
            category: category.into(),
            month: month.parse().unwrap(),
            date: None,
            time: None,
            location: xy.map(|(x, y)| {
                let (lon, lat) = hotspot_core::bng_to_wgs84(x, y).unwrap();
                Location { lon, lat, x, y }
            }),
            location_label: None,
            lsoa_code: None,
            outcome: None,
            origin_line: 2,
        }
    }

    fn square(x0: f64, y0: f64, side: f64) -> geo_types::MultiPolygon<f64> {
        let corners = [
            (x0, y0),
            (x0 + side, y0),
            (x0 + side, y0 + side),
            (x0, y0 + side),
            (x0, y0),
        ];
        let ring: Vec<_> = corners
            .iter()
            .map(|&(x, y)| hotspot_core::bng_to_wgs84(x, y).unwrap())
            .collect();
        geo_types::MultiPolygon(vec![geo_types::Polygon::new(ring.into(), vec![])])
    }

    fn dataset() -> Dataset {
        let incidents = vec![
            inc(
                "Burglary",
                "police.uk",
                "2025-01",
                Some((450_100.0, 260_100.0)),
            ),
            inc(
                "Robbery",
                "police.uk",
                "2025-02",
                Some((451_100.0, 260_100.0)),
            ),
            inc(
                "Drugs",
                "police.uk",
                "2025-02",
                Some((450_500.0, 260_500.0)),
            ),
            inc("Drugs", "police.uk", "2025-03", None),
            inc(
                "Black bags",
                "fly-tipping",
                "2025-03",
                Some((460_000.0, 260_000.0)),
            ),
        ];
        let areas = vec![
            Area {
                code: "A".into(),
                name: "West".into(),
                population: Some(1000.0),
                geometry: square(450_000.0, 260_000.0, 1000.0),
            },
            Area {
                code: "B".into(),
                name: "East".into(),
                population: None,
                geometry: square(451_000.0, 260_000.0, 1000.0),
            },
        ];
        Dataset::build(
            incidents
                .into_iter()
                .enumerate()
                .map(|(i, x)| (i as i64 + 1, x))
                .collect(),
            areas,
            CrimeGroups::default(),
        )
    }

    #[test]
    fn groups_and_types_combine_as_a_union_and_sources_restrict() {
        let ds = dataset();
        let sel = |groups: &[&str], types: &[&str], sources: &[&str]| Selection {
            groups: groups.iter().map(|s| s.to_string()).collect(),
            types: types.iter().map(|s| s.to_string()).collect(),
            sources: sources.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        assert_eq!(
            ds.select(&sel(&["serious-acquisitive"], &[], &[])).unwrap(),
            vec![0, 1]
        );
        assert_eq!(
            ds.select(&sel(&["serious-acquisitive"], &["drugs"], &[]))
                .unwrap(),
            vec![0, 1, 2, 3]
        );
        assert_eq!(
            ds.select(&sel(&["source-fly-tipping"], &[], &[])).unwrap(),
            vec![4]
        );
        assert_eq!(
            ds.select(&sel(&[], &[], &["FLY-TIPPING"])).unwrap(),
            vec![4]
        );
        assert!(ds
            .select(&sel(&[], &["Burglary"], &["fly-tipping"]))
            .unwrap()
            .is_empty());
        assert!(matches!(
            ds.select(&sel(&["nope"], &[], &[])),
            Err(EngineError::UnknownGroup(_))
        ));
    }

    #[test]
    fn wards_account_for_every_incident() {
        let ds = dataset();
        let report = ds.ward_statistics(&crate::WardQuery::default()).unwrap();
        let counts: Vec<u64> = report.rows.iter().map(|r| r.stats.count).collect();
        assert_eq!(counts, vec![2, 1]);
        assert_eq!(
            (report.outside_areas, report.unlocated, report.total),
            (1, 1, 5)
        );
        let feb = Selection {
            period: Period::parse("2025-02").unwrap(),
            ..Default::default()
        };
        let report = ds
            .ward_statistics(&crate::WardQuery {
                selection: feb,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            report
                .rows
                .iter()
                .map(|r| r.stats.count)
                .collect::<Vec<_>>(),
            vec![1, 1]
        );
        assert_eq!(report.rows[0].stats.rate_per_1000, Some(1.0));
        let o = ds.overview();
        assert_eq!(
            (
                o.incidents,
                o.located,
                o.unlocated,
                o.outside_areas,
                o.areas
            ),
            (5, 4, 1, 1, 2)
        );
    }

    #[test]
    fn ward_filter_uses_point_in_polygon() {
        let ds = dataset();
        let sel = Selection {
            area: Some("B".into()),
            ..Default::default()
        };
        assert_eq!(ds.select(&sel).unwrap(), vec![1]);
        let missing = Selection {
            area: Some("Z".into()),
            ..Default::default()
        };
        assert!(matches!(
            ds.select(&missing),
            Err(EngineError::UnknownArea(_))
        ));
    }
}
