//! Ward-level hotspots: counts, rates, shares, change and priority wards.

use std::collections::BTreeMap;

use hotspot_spatial::{area_statistics, AreaCounts, AreaStatistics, RankBy, StatsOptions};
use serde::Serialize;

use crate::{Dataset, EngineError, Period, Selection};

/// A ward-statistics question.
#[derive(Debug, Clone)]
pub struct WardQuery {
    /// What to count, and over which (current) period. Its `area` and `bbox`
    /// are ignored: every ward is reported.
    pub selection: Selection,
    /// The period to compare against, if any.
    pub comparison: Option<Period>,
    /// How many top-ranked wards to flag as priority wards.
    pub priority_top_n: usize,
    pub rank_by: RankBy,
}

impl Default for WardQuery {
    fn default() -> Self {
        WardQuery {
            selection: Selection::default(),
            comparison: None,
            priority_top_n: 5,
            rank_by: RankBy::Count,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct WardRow {
    pub code: String,
    pub name: String,
    pub population: Option<f64>,
    #[serde(flatten)]
    pub stats: AreaStatistics,
}

/// Statistics for every ward, plus what could not be placed in one.
#[derive(Debug, Clone, Serialize)]
pub struct WardReport {
    pub rows: Vec<WardRow>,
    /// Selected incidents in the current period.
    pub total: u64,
    /// ... of which located outside every ward (police.uk lists crimes a force
    /// recorded elsewhere) or with no location at all.
    pub outside_areas: u64,
    pub unlocated: u64,
    pub current_days: f64,
    pub comparison_days: Option<f64>,
    /// E.g. a comparison period with months that have no data at all
    /// (police.uk downloads often have gaps), which would make a rise look
    /// bigger than it is.
    pub warnings: Vec<String>,
}

/// One ward's incidents by crime type and by month (its trend).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WardProfile {
    pub by_category: BTreeMap<String, u64>,
    pub by_month: BTreeMap<String, u64>,
}

impl Dataset {
    /// Counts per ward for the current and comparison periods and derives
    /// rates, shares, change with its significance, rank and priority flags.
    pub fn ward_statistics(&self, q: &WardQuery) -> Result<WardReport, EngineError> {
        if self.areas.is_empty() {
            return Err(EngineError::NoAreas);
        }
        let mut current_sel = q.selection.clone();
        current_sel.area = None;
        current_sel.bbox = None;
        let (current, outside, unlocated, total) = self.count_by_area(&current_sel)?;
        let comparison = match q.comparison {
            Some(period) => {
                let mut s = current_sel.clone();
                s.period = period;
                Some(self.count_by_area(&s)?.0)
            }
            None => None,
        };
        let counts: Vec<AreaCounts> = self
            .areas
            .iter()
            .enumerate()
            .map(|(a, e)| AreaCounts {
                current: current[a],
                comparison: comparison.as_ref().map(|c| c[a]),
                population: e.area.population,
            })
            .collect();
        let span = self.span();
        let current_days = current_sel.period.days(span);
        let comparison_days = q.comparison.map(|p| p.days(span));
        let stats = area_statistics(
            &counts,
            &StatsOptions {
                current_days,
                comparison_days,
                priority_top_n: q.priority_top_n,
                rank_by: q.rank_by,
                alpha: 0.05,
            },
        );
        let rows = self
            .areas
            .iter()
            .zip(stats)
            .map(|(e, stats)| WardRow {
                code: e.area.code.clone(),
                name: e.area.name.clone(),
                population: e.area.population,
                stats,
            })
            .collect();
        let mut warnings = Vec::new();
        for (what, period) in [
            ("current", Some(current_sel.period)),
            ("comparison", q.comparison),
        ] {
            if let Some(w) = period.and_then(|p| self.missing_months_warning(what, &p)) {
                warnings.push(w);
            }
        }
        Ok(WardReport {
            rows,
            total,
            outside_areas: outside,
            unlocated,
            current_days,
            comparison_days,
            warnings,
        })
    }

    /// A warning when some months of `period` have no incidents loaded at all.
    fn missing_months_warning(&self, what: &str, period: &Period) -> Option<String> {
        let range = match period {
            Period::Months(r) => *r,
            _ => return None,
        };
        let missing: Vec<String> = range
            .months()
            .filter(|m| !self.months.contains_key(m))
            .map(|m| m.to_string())
            .collect();
        (!missing.is_empty()).then(|| {
            format!(
                "the {what} period {}..{} has no data at all for {} of its {} months ({}): counts there are incomplete",
                range.from,
                range.to,
                missing.len(),
                range.len(),
                missing.join(", ")
            )
        })
    }

    /// Per area counts; plus counts outside all areas, unlocated, and total.
    fn count_by_area(&self, sel: &Selection) -> Result<(Vec<u64>, u64, u64, u64), EngineError> {
        let mut counts = vec![0u64; self.areas.len()];
        let (mut outside, mut unlocated) = (0, 0);
        let picked = self.select(sel)?;
        for &k in &picked {
            match (self.point_of(k), self.area_of(k)) {
                (None, _) => unlocated += 1,
                (Some(_), None) => outside += 1,
                (Some(_), Some(a)) => counts[a] += 1,
            }
        }
        Ok((counts, outside, unlocated, picked.len() as u64))
    }

    /// Counts by crime type and by month for one ward: the ward panel.
    pub fn ward_profile(&self, code: &str, sel: &Selection) -> Result<WardProfile, EngineError> {
        let mut s = sel.clone();
        s.area = Some(code.to_string());
        let picked = self.select(&s)?;
        let mut by_category = BTreeMap::new();
        let mut by_month = BTreeMap::new();
        for k in picked {
            *by_category
                .entry(self.category_name(k).to_string())
                .or_insert(0) += 1;
            *by_month
                .entry(self.incidents[k].1.month.to_string())
                .or_insert(0) += 1;
        }
        Ok(WardProfile {
            by_category,
            by_month,
        })
    }
}
