//! Each distinct incident location ("site", one per interned place) with its
//! incidents listed together, sorted by month, and a selection's count or
//! weight at each site read from those lists.
//!
//! police.uk snaps every incident to one of a few map points (60,000 of them
//! for 10 million incidents in the synthetic region), so the questions that
//! map incidents (tiles, density, hotspots, the study grid's counts) need
//! only each site's selected incidents. With the lists sorted by month, an
//! unfiltered or month-filtered count is two binary searches per site; a
//! crime-type filter or a harm weighting scans the site's flat arrays of
//! kinds; only a date-time period reads the incidents themselves. A map then
//! costs as many steps as there are sites, not incidents.

use std::collections::HashMap;

use hotspot_core::Month;
use hotspot_spatial::PointIndex;

use crate::columns::NONE;
use crate::tiles::SiteSummary;
use crate::{Dataset, EngineError, Period, Selection};

/// The distinct incident locations and each one's incidents, by month. The
/// unlocated incidents are listed as one more group after the sites, so a
/// selection counts them the same way.
#[derive(Default)]
pub(crate) struct Sites {
    /// Per site: lon, lat.
    pub(crate) lonlat: Vec<[f64; 2]>,
    /// Over `lonlat`, for tiles.
    pub(crate) index: PointIndex,
    /// Over the sites' BNG points, for questions in metres.
    bng_index: PointIndex,
    /// Per site: its area (ward), as [`Dataset::area_of`].
    area: Vec<Option<u32>>,
    /// Group `g`'s incidents are `order[start[g]..start[g + 1]]`; group
    /// `lonlat.len()` is the unlocated.
    start: Vec<u32>,
    /// Incident indices, grouped by site, by month and id within a site.
    order: Vec<u32>,
    /// `Month::index` of each entry of `order`.
    month: Vec<i32>,
    /// The kind ([`Dataset::kinds`]) of each entry of `order`.
    kind: Vec<u16>,
    /// Per site: the location label all its incidents carry (police.uk
    /// labels map points, so nearly every site has one), [`NONE`] when
    /// none carries one, or [`MIXED`].
    label: Vec<u32>,
}

/// A site whose incidents carry different labels.
const MIXED: u32 = u32::MAX - 1;

impl Sites {
    /// Groups the incidents by their place (exact location, WGS84 and BNG,
    /// as [`crate::columns::Columns`] interns them), the unlocated last;
    /// `kind_of[k]` is incident `k`'s kind.
    pub(crate) fn build(ds: &Dataset, kind_of: &[u16]) -> Sites {
        let cols = &ds.cols;
        let unlocated = cols.places.len();
        let group = |p: u32| if p == NONE { unlocated } else { p as usize };
        let mut start = vec![0u32; unlocated + 2];
        for &p in cols.place.iter() {
            start[group(p) + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        // (month, incident, kind) in group order, then by month within a group.
        let mut next = start.clone();
        let mut entries = vec![(0i32, 0u32, 0u16); cols.len()];
        let mut label = vec![None; unlocated];
        for (k, &p) in cols.place.iter().enumerate() {
            let g = group(p);
            entries[next[g] as usize] = (cols.month[k], k as u32, kind_of[k]);
            next[g] += 1;
            if g != unlocated {
                let l = cols.label[k];
                label[g] = match label[g] {
                    None => Some(l),
                    Some(seen) if seen == l => Some(l),
                    Some(_) => Some(MIXED),
                };
            }
        }
        for w in start.windows(2) {
            entries[w[0] as usize..w[1] as usize].sort_unstable();
        }
        let lonlat: Vec<[f64; 2]> = cols.places.iter().map(|p| [p[0], p[1]]).collect();
        let bng: Vec<[f64; 2]> = cols.places.iter().map(|p| [p[2], p[3]]).collect();
        Sites {
            index: PointIndex::new(&lonlat),
            bng_index: PointIndex::new(&bng),
            lonlat,
            area: (0..cols.places.len())
                .map(|p| ds.place_area(p).map(|a| a as u32))
                .collect(),
            start,
            order: entries.iter().map(|e| e.1).collect(),
            month: entries.iter().map(|e| e.0).collect(),
            kind: entries.iter().map(|e| e.2).collect(),
            label: label.into_iter().map(|l| l.unwrap_or(NONE)).collect(),
        }
    }

    /// The sites within `radius` metres of a BNG point.
    pub(crate) fn within(&self, [x, y]: [f64; 2], radius: f64) -> Vec<u32> {
        self.bng_index.within(x, y, radius)
    }

    /// The located incidents in a BNG rectangle `[min_x, min_y, max_x,
    /// max_y]`, site by site.
    pub(crate) fn incidents_in_rect(&self, [x0, y0, x1, y1]: [f64; 4]) -> Vec<usize> {
        let sites = self.bng_index.in_rect(x0, y0, x1, y1);
        let group = |s: u32| self.start[s as usize] as usize..self.start[s as usize + 1] as usize;
        let incidents = sites.into_iter().flat_map(|s| &self.order[group(s)]);
        incidents.map(|&k| k as usize).collect()
    }
}

/// A [`Selection`] as tests on sites and on their flat arrays, with the
/// meaning [`Dataset::select`] gives it.
#[derive(Clone)]
pub(crate) struct SiteFilter<'a> {
    ds: &'a Dataset,
    /// Per kind: allowed; `None` = all.
    kinds: Option<Vec<bool>>,
    /// A whole-month period as `Month::index` bounds, inclusive.
    months: Option<(i32, i32)>,
    /// A date-time period, tested on each incident.
    between: Option<Period>,
    area: Option<u32>,
    bbox: Option<[f64; 4]>,
}

impl<'a> SiteFilter<'a> {
    pub(crate) fn new(ds: &'a Dataset, sel: &Selection) -> Result<SiteFilter<'a>, EngineError> {
        let kinds = ds.kind_filter(sel)?;
        let area = sel
            .area
            .as_deref()
            .map(|c| ds.area_index(c).map(|a| a as u32))
            .transpose()?;
        let (months, between) = match sel.period {
            Period::All => (None, None),
            Period::Months(r) => (Some((r.from.index(), r.to.index())), None),
            p @ Period::Between { .. } => (None, Some(p)),
        };
        Ok(SiteFilter {
            ds,
            kinds,
            months,
            between,
            area,
            bbox: sel.bbox,
        })
    }

    /// Whether a site is in the selection's ward and box.
    pub(crate) fn place_ok(&self, site: usize) -> bool {
        let sites = &self.ds.sites;
        let [lon, lat] = sites.lonlat[site];
        let in_area = self.area.is_none_or(|a| sites.area[site] == Some(a));
        let in_box = self
            .bbox
            .is_none_or(|[x0, y0, x1, y1]| lon >= x0 && lon <= x1 && lat >= y0 && lat <= y1);
        in_area && in_box
    }

    /// Whether the unlocated incidents can be selected: not when the
    /// selection asks for a ward or a box.
    fn unlocated_ok(&self) -> bool {
        self.area.is_none() && self.bbox.is_none()
    }

    /// The entries of `order` for a group's incidents in the period's months.
    fn range(&self, group: usize) -> std::ops::Range<usize> {
        let sites = &self.ds.sites;
        let (a, b) = (sites.start[group] as usize, sites.start[group + 1] as usize);
        let Some((from, to)) = self.months else {
            return a..b;
        };
        let months = &sites.month[a..b];
        a + months.partition_point(|&m| m < from)..a + months.partition_point(|&m| m <= to)
    }

    /// Whether entry `i` of `order` (already in the period's months) is selected.
    fn entry_ok(&self, i: usize) -> bool {
        let sites = &self.ds.sites;
        let kind_ok = self
            .kinds
            .as_ref()
            .is_none_or(|k| k[sites.kind[i] as usize]);
        kind_ok
            && self
                .between
                .is_none_or(|p| self.ds.in_period(&p, sites.order[i] as usize))
    }

    /// The selected entries of a group (a site, or the unlocated), ignoring
    /// ward and box.
    fn entries(&self, group: usize) -> impl Iterator<Item = usize> + '_ {
        self.range(group).filter(|&i| self.entry_ok(i))
    }

    /// Selected incidents of a group (a site, or the unlocated after the
    /// sites), ignoring ward and box.
    pub(crate) fn count(&self, group: usize) -> u64 {
        let range = self.range(group);
        if self.kinds.is_none() && self.between.is_none() {
            return range.len() as u64;
        }
        range.filter(|&i| self.entry_ok(i)).count() as u64
    }

    /// Selected incidents at a site, with their most common type and latest month.
    pub(crate) fn summary(&self, site: usize) -> Option<(u64, SiteSummary)> {
        let sites = &self.ds.sites;
        let mut by_category: HashMap<u16, u64> = HashMap::new();
        let mut latest = None;
        for i in self.entries(site) {
            *by_category
                .entry(self.ds.kinds[sites.kind[i] as usize].0)
                .or_default() += 1;
            // Entries run by month, so the last one selected is the latest.
            latest = Some(sites.month[i]);
        }
        let name = |c: u16| self.ds.category_name_of(c as usize);
        let (&top, _) = by_category
            .iter()
            .max_by(|(a, n), (b, m)| n.cmp(m).then_with(|| name(**b).cmp(name(**a))))?;
        let summary = SiteSummary {
            category: name(top).to_string(),
            month: Month::from_index(latest?),
        };
        Some((by_category.values().sum(), summary))
    }

    /// The category ids of the selected incidents at a site.
    pub(crate) fn categories(&self, site: usize) -> impl Iterator<Item = usize> + '_ {
        let (kinds, kind) = (&self.ds.kinds, &self.ds.sites.kind);
        self.entries(site)
            .map(move |i| kinds[kind[i] as usize].0 as usize)
    }

    /// The location labels of the selected incidents at a site, with how
    /// many carry each; a site whose incidents share one label is counted
    /// without visiting them.
    pub(crate) fn labels(&self, site: usize, mut each: impl FnMut(u32, u64)) {
        let sites = &self.ds.sites;
        match sites.label[site] {
            NONE => {}
            MIXED => {
                let labels = &self.ds.cols.label;
                for i in self.entries(site) {
                    let l = labels[sites.order[i] as usize];
                    if l != NONE {
                        each(l, 1);
                    }
                }
            }
            shared => match self.count(site) {
                0 => {}
                n => each(shared, n),
            },
        }
    }
}

/// A selection counted per site: what a map of it needs.
pub(crate) struct PlaceTally {
    /// Per site ([`crate::columns::Columns::places`]): selected incidents.
    pub counts: Vec<u32>,
    /// Per site: their summed weight under the selection's weighting;
    /// `None` for plain counts, where the weight is the count.
    weights: Option<Vec<f64>>,
    /// Selected incidents without a location.
    pub unlocated: u64,
}

impl PlaceTally {
    /// What site `p`'s selected incidents weigh.
    pub fn weight(&self, p: usize) -> f64 {
        self.weights
            .as_ref()
            .map_or(self.counts[p] as f64, |w| w[p])
    }

    /// Selected incidents with a location.
    pub fn located(&self) -> u64 {
        self.counts.iter().map(|&n| n as u64).sum()
    }

    /// Sites with selected incidents.
    pub fn sites(&self) -> impl Iterator<Item = usize> + '_ {
        (self.counts.iter().enumerate())
            .filter(|(_, &n)| n > 0)
            .map(|(p, _)| p)
    }
}

impl Dataset {
    /// The selection counted (and weighed) per site, read from the sites'
    /// month-sorted lists: the same incidents as [`Dataset::select`] picks,
    /// without visiting them one by one.
    pub(crate) fn tally_places(&self, sel: &Selection) -> Result<PlaceTally, EngineError> {
        let filter = SiteFilter::new(self, sel)?;
        self.tally_with(sel, &filter)
    }

    /// [`Dataset::tally_places`] for each month in which the selection has
    /// incidents, in order.
    pub(crate) fn tally_months(
        &self,
        sel: &Selection,
    ) -> Result<Vec<(Month, PlaceTally)>, EngineError> {
        let filter = SiteFilter::new(self, sel)?;
        let rows = self.rows_in(&sel.period);
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let (first, last) = (self.cols.month[rows.start], self.cols.month[rows.end - 1]);
        let mut months = Vec::new();
        for m in first..=last {
            let in_month = SiteFilter {
                months: Some((m, m)),
                ..filter.clone()
            };
            let tally = self.tally_with(sel, &in_month)?;
            if tally.located() + tally.unlocated > 0 {
                months.push((Month::from_index(m), tally));
            }
        }
        Ok(months)
    }

    /// [`Dataset::tally_places`] through a filter already made of `sel`
    /// (hotspots keep it for naming places).
    pub(crate) fn tally_with(
        &self,
        sel: &Selection,
        filter: &SiteFilter,
    ) -> Result<PlaceTally, EngineError> {
        let n = self.cols.places.len();
        let counts: Vec<u32> = (0..n)
            .map(|p| {
                if filter.place_ok(p) {
                    filter.count(p) as u32
                } else {
                    0
                }
            })
            .collect();
        let unlocated = if filter.unlocated_ok() {
            filter.count(n)
        } else {
            0
        };
        let weights = self.tally_weights(sel, filter, &counts)?;
        Ok(PlaceTally {
            counts,
            weights,
            unlocated,
        })
    }

    /// Each site's weight under the selection's weighting; `None` for
    /// counts. A harm index without a weight for a selected type is
    /// refused, as [`Dataset::category_weights`] says why.
    fn tally_weights(
        &self,
        sel: &Selection,
        filter: &SiteFilter,
        counts: &[u32],
    ) -> Result<Option<Vec<f64>>, EngineError> {
        let Some(index) = sel.weighting.harm_index() else {
            return Ok(None);
        };
        let categories = &self.cols.categories;
        let of_kind: Vec<f64> = (self.kinds.iter())
            .map(|&(c, _)| index.weight_of(&categories[c as usize]).unwrap_or(0.0))
            .collect();
        let mut used = vec![false; self.kinds.len()];
        let mut weights = vec![0.0; counts.len()];
        let unlocated = counts.len();
        let groups = (0..counts.len()).filter(|&p| counts[p] > 0);
        for g in groups.chain(filter.unlocated_ok().then_some(unlocated)) {
            for i in filter.entries(g) {
                let kind = self.sites.kind[i] as usize;
                used[kind] = true;
                if g != unlocated {
                    weights[g] += of_kind[kind];
                }
            }
        }
        let used_categories = (self.kinds.iter().zip(&used))
            .filter(|(_, &u)| u)
            .map(|(&(c, _), _)| c as usize);
        self.category_weights(&sel.weighting, used_categories)?;
        Ok(Some(weights))
    }
}

#[cfg(test)]
mod tests;
