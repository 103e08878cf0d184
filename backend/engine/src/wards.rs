//! Ward-level hotspots: counts, rates, shares, change and priority wards.

use std::collections::BTreeMap;

use hotspot_core::Month;
use hotspot_spatial::{area_statistics, AreaCounts, AreaStatistics, RankBy, StatsOptions};
use serde::Serialize;

use crate::cube::Slot;
use crate::{Coverage, Dataset, EngineError, Period, Selection};

/// A ward-statistics question.
/// Incidents per area, and where the rest are.
struct AreaTally {
    counts: Vec<u64>,
    outside: u64,
    unlocated: u64,
    total: u64,
    /// Per area, when weighted by harm.
    harm: Option<Vec<f64>>,
}

impl AreaTally {
    fn new(areas: usize) -> AreaTally {
        AreaTally {
            counts: vec![0; areas],
            outside: 0,
            unlocated: 0,
            total: 0,
            harm: None,
        }
    }

    fn add(&mut self, slot: Slot, n: u64) {
        match slot {
            Slot::Area(a) => self.counts[a] += n,
            Slot::Outside => self.outside += n,
            Slot::Unlocated => self.unlocated += n,
        }
        self.total += n;
    }
}

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
    /// With harm weighting: the sum of the ward's incidents' harm weights
    /// over the period, and that per 1,000 residents.
    pub harm: Option<f64>,
    pub harm_per_1000: Option<f64>,
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
    /// Days of the current period with data: annual rates divide by these,
    /// not by the calendar span (gap months are not zero-crime months).
    pub current_days: f64,
    /// Days of the comparison period with data.
    pub comparison_days: Option<f64>,
    /// Months of the current period with no data for any source.
    pub current_gap_months: Vec<Month>,
    /// Months of the comparison period with no data for any source.
    pub comparison_gap_months: Option<Vec<Month>>,
    /// A comparison was asked for but no month of it has data: change is
    /// not tested (rather than every ward looking like a rise).
    pub no_comparison_data: bool,
    /// E.g. a comparison period with months that have no data at all
    /// (police.uk downloads often have gaps), which would make a rise look
    /// bigger than it is.
    pub warnings: Vec<String>,
    /// The harm index the rows' harm figures use; `None`: counts only.
    pub harm_index: Option<hotspot_core::harm::HarmIndex>,
}

/// One ward's incidents by crime type and by month (its trend).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WardProfile {
    pub by_category: BTreeMap<String, u64>,
    /// Every month with data in the period, zeros included.
    pub by_month: BTreeMap<String, u64>,
    /// Months of the period with no data for any source (not zeros).
    pub gap_months: Vec<Month>,
    /// The ward's commonest streets (police.uk labels) with their
    /// incidents, most first, at most [`TOP_STREETS`].
    pub top_streets: Vec<(String, u64)>,
}

/// Streets listed in a ward profile.
pub const TOP_STREETS: usize = 5;

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
        let AreaTally {
            counts: current,
            outside,
            unlocated,
            total,
            harm,
        } = self.tally_by_area(&current_sel)?;
        let current_coverage = self.coverage(&current_sel.period);
        let comparison_coverage = q.comparison.map(|p| self.coverage(&p));
        // A comparison period with no data at all has no counts to test
        // against: every ward would look like a significant rise.
        let comparison_period = q
            .comparison
            .filter(|_| comparison_coverage.as_ref().is_some_and(|c| !c.is_empty()));
        let comparison = match comparison_period {
            Some(period) => {
                let mut s = current_sel.clone();
                s.period = period;
                s.weighting = crate::Weighting::Count;
                Some(self.tally_by_area(&s)?.counts)
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
        let current_days = current_coverage.days;
        let comparison_days = comparison_coverage.as_ref().map(|c| c.days);
        let stats = area_statistics(
            &counts,
            &StatsOptions {
                current_days,
                comparison_days: comparison.as_ref().and(comparison_days),
                priority_top_n: q.priority_top_n,
                rank_by: q.rank_by,
                alpha: 0.05,
            },
        );
        let rows = self
            .areas
            .iter()
            .zip(stats)
            .enumerate()
            .map(|(a, (e, stats))| {
                let harm = harm.as_ref().map(|h| h[a]);
                WardRow {
                    code: e.area.code.clone(),
                    name: e.area.name.clone(),
                    population: e.area.population,
                    stats,
                    harm,
                    harm_per_1000: harm
                        .zip(e.area.population.filter(|p| *p > 0.0))
                        .map(|(h, p)| h / p * 1000.0),
                }
            })
            .collect();
        let warnings = self.ward_warnings(&current_coverage, comparison_coverage.as_ref());
        Ok(WardReport {
            rows,
            total,
            outside_areas: outside,
            unlocated,
            current_days,
            comparison_days,
            current_gap_months: current_coverage.gap_months,
            comparison_gap_months: comparison_coverage.map(|c| c.gap_months),
            no_comparison_data: q.comparison.is_some() && comparison_period.is_none(),
            warnings,
            harm_index: q.selection.weighting.harm_index().cloned(),
        })
    }

    /// Warnings for the ward table: data gaps in either period, wards with
    /// no population (so no rate), and a comparison period with no data.
    fn ward_warnings(
        &self,
        current_coverage: &Coverage,
        comparison_coverage: Option<&Coverage>,
    ) -> Vec<String> {
        let mut warnings: Vec<String> = [
            current_coverage.gap_warning("current period"),
            comparison_coverage.and_then(|c| c.gap_warning("comparison period")),
        ]
        .into_iter()
        .flatten()
        .collect();
        let no_population: Vec<&str> = self
            .areas
            .iter()
            .filter(|e| !e.area.population.is_some_and(|p| p > 0.0))
            .map(|e| e.area.code.as_str())
            .collect();
        if !no_population.is_empty() {
            warnings.push(format!(
                "{} of {} wards have no population loaded, so no rate per 1,000 residents: {} \
                 (population rows whose codes match no boundary are quarantined: see `hotspot \
                 rejected`)",
                no_population.len(),
                self.areas.len(),
                no_population.join(", ")
            ));
        }
        if comparison_coverage.is_some_and(|c| c.is_empty()) {
            warnings.push(
                "no comparison data: no month of the comparison period has data loaded, so \
                 change is not tested"
                    .into(),
            );
        }
        warnings
    }

    /// A selection's incidents per area (and their harm, when weighted),
    /// with those outside every area and unlocated. Whole months are read
    /// from the count cube; date-time periods select incidents one by one.
    fn tally_by_area(&self, sel: &Selection) -> Result<AreaTally, EngineError> {
        let Some(months) = Self::whole_months(&sel.period) else {
            return self.tally_picked(sel);
        };
        let kinds = self.kind_filter(sel)?;
        let allowed = |kind: usize| kinds.as_ref().is_none_or(|k| k[kind]);
        let mut t = AreaTally::new(self.areas.len());
        let mut per_kind = vec![0u64; self.kinds.len()];
        self.cube
            .for_each(months.clone(), allowed, |_, kind, slot, n| {
                t.add(slot, n);
                per_kind[kind] += n;
            });
        let used = (per_kind.iter().enumerate())
            .filter(|&(_, &n)| n > 0)
            .map(|(kind, _)| self.kinds[kind].0 as usize);
        if let Some(w) = self.category_weights(&sel.weighting, used)? {
            let mut harm = vec![0.0; self.areas.len()];
            self.cube.for_each(months, allowed, |_, kind, slot, n| {
                if let Slot::Area(a) = slot {
                    harm[a] += n as f64 * w[self.kinds[kind].0 as usize];
                }
            });
            t.harm = Some(harm);
        }
        Ok(t)
    }

    /// [`Dataset::tally_by_area`] by selecting the incidents.
    fn tally_picked(&self, sel: &Selection) -> Result<AreaTally, EngineError> {
        let picked = self.select(sel)?;
        let mut t = AreaTally::new(self.areas.len());
        for &k in &picked {
            t.add(self.slot_of(k), 1);
        }
        if let Some(weights) = self.weights(&sel.weighting, &picked)? {
            let mut harm = vec![0.0; self.areas.len()];
            for (&k, w) in picked.iter().zip(weights) {
                if let Some(a) = self.area_of(k) {
                    harm[a] += w;
                }
            }
            t.harm = Some(harm);
        }
        Ok(t)
    }

    /// Counts by crime type and by month for one ward: the ward panel.
    pub fn ward_profile(&self, code: &str, sel: &Selection) -> Result<WardProfile, EngineError> {
        let mut s = sel.clone();
        s.area = Some(code.to_string());
        let picked = self.select(&s)?;
        let coverage = self.coverage(&s.period);
        let mut by_category = BTreeMap::new();
        // Months with data start at zero; gap months stay absent.
        let mut by_month: BTreeMap<String, u64> = coverage
            .months_with_data
            .iter()
            .map(|m| (m.to_string(), 0))
            .collect();
        let top_streets = self
            .busiest_streets(&picked, TOP_STREETS)
            .into_iter()
            .map(|(street, n, _)| (street, n))
            .collect();
        for k in picked {
            *by_category
                .entry(self.category_name(k).to_string())
                .or_insert(0) += 1;
            *by_month.entry(self.cols.month(k).to_string()).or_insert(0) += 1;
        }
        Ok(WardProfile {
            by_category,
            by_month,
            gap_months: coverage.gap_months,
            top_streets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{at, build, northants_months, square_ward};

    /// The cube's ward tallies and monthly counts equal counting the
    /// selected incidents, for groups, types, sources, month ranges, a ward
    /// and harm weights.
    #[test]
    fn the_count_cube_counts_as_selecting_does() {
        let kinds = ["Burglary", "Robbery", "Drugs", "Anti-social behaviour"];
        let incidents: Vec<_> = (0..600)
            .map(|i| hotspot_core::Incident {
                category: kinds[i % 4].into(),
                source: if i % 9 == 0 {
                    "fly-tipping"
                } else {
                    "police.uk"
                }
                .into(),
                location: (i % 17 != 0)
                    .then_some(())
                    .and(at(449_000.0 + (i * 37 % 3000) as f64, 260_500.0, "2024-01").location),
                ..at(0.0, 0.0, &northants_months()[i % 16])
            })
            .collect();
        let wards = vec![
            square_ward("A", 449_000.0, 260_000.0, 1000.0),
            square_ward("B", 450_000.0, 260_000.0, 1000.0),
        ];
        let ds = build(incidents, wards);
        let harm = crate::Weighting::Harm(std::sync::Arc::new(hotspot_core::harm::HarmIndex {
            name: "test".into(),
            source: "test".into(),
            weights: [("Burglary".to_string(), 2.5)].into(),
            default: Some(0.5),
        }));
        let selections = [
            Selection::default(),
            Selection {
                period: Period::parse("2024-02..2025-03").unwrap(),
                ..Default::default()
            },
            Selection {
                groups: vec!["serious-acquisitive".into()],
                types: vec!["drugs".into()],
                ..Default::default()
            },
            Selection {
                sources: vec!["fly-tipping".into()],
                period: Period::parse("2025-01").unwrap(),
                ..Default::default()
            },
            Selection {
                weighting: harm,
                period: Period::parse("2025-01..2025-12").unwrap(),
                ..Default::default()
            },
        ];
        for sel in selections {
            let (cube, picked) = (
                ds.tally_by_area(&sel).unwrap(),
                ds.tally_picked(&sel).unwrap(),
            );
            let tally = |t: &AreaTally| {
                (
                    t.counts.clone(),
                    t.outside,
                    t.unlocated,
                    t.total,
                    t.harm.clone(),
                )
            };
            assert_eq!(tally(&cube), tally(&picked), "{sel:?}");
            for area in [None, Some("B".to_string())] {
                let sel = Selection {
                    area,
                    ..sel.clone()
                };
                let mut by_month = BTreeMap::new();
                for k in ds.select(&sel).unwrap() {
                    *by_month.entry(ds.cols.month(k)).or_insert(0) += 1;
                }
                assert_eq!(ds.month_counts(&sel).unwrap(), Some(by_month), "{sel:?}");
            }
            assert!(cube.total > 0, "{sel:?}");
            if sel.period == Period::All {
                assert!(cube.outside > 0 && cube.unlocated > 0);
            }
        }
    }

    /// One ward of 1,000 residents with `per_month` incidents in each month
    /// of the real Northamptonshire extract's shape.
    fn gappy(per_month: usize) -> Dataset {
        let incidents = northants_months()
            .iter()
            .flat_map(|m| (0..per_month).map(move |_| at(450_500.0, 260_500.0, m)))
            .collect();
        build(
            incidents,
            vec![square_ward("W", 450_000.0, 260_000.0, 1000.0)],
        )
    }

    #[test]
    fn annual_rates_use_the_days_of_loaded_months_not_the_calendar_span() {
        let report = gappy(10).ward_statistics(&WardQuery::default()).unwrap();
        assert_eq!(report.current_days, 486.0);
        let annual = report.rows[0].stats.annual_rate_per_1000.unwrap();
        // 160 incidents per 1,000 residents over 486 days of data.
        assert!((annual - 160.0 * 365.25 / 486.0).abs() < 1e-9, "{annual}");
        assert_eq!(report.current_gap_months.len(), 8);
        assert!(report.warnings[0].contains("gaps, not zeros"));
        assert!(!report.warnings.iter().any(|w| w.contains("no population")));
    }

    #[test]
    fn a_ward_profile_has_zeros_for_quiet_months_and_no_gap_months() {
        let mut incidents: Vec<_> = northants_months()
            .iter()
            .map(|m| at(450_500.0, 260_500.0, m))
            .collect();
        incidents[4].location = at(460_500.0, 260_500.0, "2025-01").location; // 2025-01 elsewhere
        let wards = vec![square_ward("W", 450_000.0, 260_000.0, 1000.0)];
        let profile = build(incidents, wards)
            .ward_profile("W", &Selection::default())
            .unwrap();
        assert_eq!(profile.by_month.len(), 16);
        assert_eq!(profile.by_month["2025-01"], 0);
        assert!(!profile.by_month.contains_key("2024-06"));
        assert_eq!(profile.gap_months.len(), 8);
    }

    #[test]
    fn wards_without_a_population_are_named() {
        let incidents = vec![at(450_500.0, 260_500.0, "2025-01")];
        let mut unpopulated = square_ward("U", 460_000.0, 260_000.0, 1000.0);
        unpopulated.population = None;
        let wards = vec![square_ward("W", 450_000.0, 260_000.0, 1000.0), unpopulated];
        let report = build(incidents, wards)
            .ward_statistics(&WardQuery::default())
            .unwrap();
        assert_eq!(report.rows[1].stats.rate_per_1000, None);
        let w = report.warnings.iter().find(|w| w.contains("no population"));
        assert!(
            w.is_some_and(|w| w.starts_with("1 of 2 wards") && w.contains(": U ")),
            "{:?}",
            report.warnings
        );
    }

    #[test]
    fn a_comparison_period_without_data_is_not_tested() {
        let report = gappy(10)
            .ward_statistics(&WardQuery {
                selection: Selection {
                    period: Period::parse("2025-05..2025-12").unwrap(),
                    ..Default::default()
                },
                comparison: Some(Period::parse("2024-05..2024-12").unwrap()),
                ..Default::default()
            })
            .unwrap();
        assert!(report.no_comparison_data);
        let s = &report.rows[0].stats;
        assert_eq!((s.p_value, s.change_significant), (None, None));
        assert!(report
            .warnings
            .iter()
            .any(|w| w.starts_with("no comparison data")));
    }

    #[test]
    fn a_partly_missing_comparison_is_scaled_by_its_months_with_data() {
        // 2024-01..2024-12 holds 4 months of data at the same monthly level
        // as 2025: no change, not a two-thirds drop.
        let report = gappy(10)
            .ward_statistics(&WardQuery {
                selection: Selection {
                    period: Period::parse("2025-01..2025-12").unwrap(),
                    ..Default::default()
                },
                comparison: Some(Period::parse("2024-01..2024-12").unwrap()),
                ..Default::default()
            })
            .unwrap();
        let s = &report.rows[0].stats;
        assert_eq!(s.change_significant, Some(false));
        assert!(s.change_pct.unwrap().abs() < 5.0, "{:?}", s.change_pct);
        assert_eq!(report.comparison_gap_months.as_ref().unwrap().len(), 8);
    }
}
