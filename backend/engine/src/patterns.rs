//! Statistical hotspots (Gi*), emerging hotspots, near-repeat (Knox),
//! temporal profiles and hotspot-map accuracy, on the snapshot.
//!
//! The statistics live in `hotspot-stats` and `hotspot-spacetime`; this
//! module decides *what* they run on: which cells make up the study area,
//! which incidents fall in which cell and period, and which methods a
//! comparison scores.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use geo::{BoundingRect, Centroid, Intersects};
pub use hotspot_core::accuracy::EvaluationReport;
pub use hotspot_core::temporal::TemporalReport;
use hotspot_core::{Month, MonthRange};
use hotspot_density::kde;
use hotspot_spacetime::{
    evaluate, knox_test, monthly_trend, recommend, week_hour_profile, KnoxOptions, KnoxResult,
    MethodLayer, MethodScore, MonthPoint,
};
use hotspot_stats::{emerging_hotspots, gi_star, Correction, EmergingCell, GiStar, Neighbours};

use crate::sites::PlaceTally;
use crate::{Dataset, EngineError, Period, Selection, StudyGrid};
pub use hotspot_core::options::GiUnit;

#[derive(Debug, Clone)]
pub struct GiQuery {
    pub selection: Selection,
    pub unit: GiUnit,
    /// Cell size, metres (grid only); default by rule.
    pub cell: Option<f64>,
    /// Neighbourhood: cell widths for the grid (default 1.5, queen
    /// contiguity); metres between centroids for wards (default: adjacency).
    pub band: Option<f64>,
    pub correction: Correction,
}

pub struct GiResult {
    pub unit: GiUnit,
    /// The grid, for `GiUnit::Grid`.
    pub grid: Option<StudyGrid>,
    pub counts: Vec<f64>,
    /// Per cell or ward; `None` outside the study area.
    pub stats: Vec<Option<GiStar>>,
    pub neighbourhood: String,
    pub correction: Correction,
    /// Selected located incidents in no analysed cell or ward (outside the
    /// study area), so totals add up.
    pub outside: u64,
    /// Selected incidents with no location.
    pub unlocated: u64,
    /// The harm index `counts` are weighted by; `None`: counts.
    pub harm_index: Option<hotspot_core::harm::HarmIndex>,
}

#[derive(Debug, Clone)]
pub struct EmergingQuery {
    /// What to analyse; its period bounds the months used (default: all).
    pub selection: Selection,
    pub cell: Option<f64>,
    pub band: Option<f64>,
    /// Months per time step; default from the data span (monthly up to five
    /// years, quarterly up to fifteen, else yearly).
    pub months_per_period: Option<usize>,
    pub correction: Correction,
}

pub struct EmergingResult {
    pub grid: StudyGrid,
    pub cells: Vec<Option<EmergingCell>>,
    /// First and last month of each time step. Steps are made of months
    /// with data, so a step may straddle a gap.
    pub periods: Vec<(Month, Month)>,
    /// Months between the first and last selected incident with no data
    /// for any source: left out of the time steps.
    pub gap_months: Vec<Month>,
    pub counts: Vec<f64>,
    /// Selected located incidents in no analysed cell (outside the study area).
    pub outside: u64,
    pub unlocated: u64,
}

#[derive(Debug, Clone)]
pub struct KnoxQuery {
    pub selection: Selection,
    pub options: KnoxOptions,
}

#[derive(Debug, Clone)]
pub struct EvaluationQuery {
    /// Which incidents; its period is ignored (train and test set it).
    pub selection: Selection,
    pub train: Period,
    pub test: Period,
    /// Evaluation cell size, metres; default by rule.
    pub cell: Option<f64>,
    /// KDE bandwidths to compare, metres.
    pub bandwidths: Vec<f64>,
    /// Coverage (share of the study area) at which methods are ranked.
    pub coverage: f64,
}

fn day_number(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days()
}

impl Dataset {
    /// Wards that share a boundary (touch or overlap), as neighbour lists.
    fn ward_adjacency(&self) -> Vec<Vec<u32>> {
        let rects: Vec<_> = self.areas.iter().map(|a| a.bng.bounding_rect()).collect();
        let n = self.areas.len();
        let mut lists = vec![Vec::new(); n];
        for i in 0..n {
            for j in i + 1..n {
                let close = match (rects[i], rects[j]) {
                    (Some(a), Some(b)) => a.intersects(&b),
                    _ => false,
                };
                if close && self.areas[i].bng.intersects(&self.areas[j].bng) {
                    lists[i].push(j as u32);
                    lists[j].push(i as u32);
                }
            }
        }
        lists
    }

    /// Getis-Ord Gi* hot and cold spots.
    pub fn gi_star(&self, q: &GiQuery) -> Result<GiResult, EngineError> {
        let mut sel = q.selection.clone();
        sel.bbox = None;
        sel.area = None;
        let tally = self.tally_places(&sel)?;
        match q.unit {
            GiUnit::Grid => {
                let grid = self.study_grid(q.cell)?;
                let band = q.band.unwrap_or(1.5);
                let neighbours =
                    Neighbours::square_grid(grid.spec.cols, grid.spec.rows, &grid.active, band)?;
                let binned = self.bin(&grid, &tally);
                let stats = gi_star(&binned.counts, &grid.active, &neighbours, q.correction)?;
                Ok(GiResult {
                    unit: q.unit,
                    neighbourhood: format!(
                        "cells whose centres lie within {band} cell widths ({} m)",
                        band * grid.spec.cell
                    ),
                    grid: Some(grid),
                    counts: binned.counts,
                    stats,
                    correction: q.correction,
                    outside: binned.outside_cells,
                    unlocated: binned.unlocated,
                    harm_index: q.selection.weighting.harm_index().cloned(),
                })
            }
            GiUnit::Wards => {
                if self.areas.is_empty() {
                    return Err(EngineError::NoAreas);
                }
                let mut counts = vec![0.0; self.areas.len()];
                let (mut outside, unlocated) = (0, tally.unlocated);
                for p in tally.sites() {
                    match self.place_area(p) {
                        None => outside += tally.counts[p] as u64,
                        Some(a) => counts[a] += tally.weight(p),
                    }
                }
                let (neighbours, neighbourhood) = match q.band {
                    Some(band) => {
                        let centroids: Vec<[f64; 2]> = self
                            .areas
                            .iter()
                            .map(|a| a.bng.centroid().map_or([f64::NAN; 2], |c| [c.x(), c.y()]))
                            .collect();
                        (
                            Neighbours::distance_band(&centroids, band)?,
                            format!("wards whose centroids lie within {band} m"),
                        )
                    }
                    None => (
                        Neighbours::from_lists(self.ward_adjacency())?,
                        "wards sharing a boundary".to_string(),
                    ),
                };
                let active = vec![true; counts.len()];
                let stats = gi_star(&counts, &active, &neighbours, q.correction)?;
                Ok(GiResult {
                    unit: q.unit,
                    grid: None,
                    counts,
                    stats,
                    neighbourhood,
                    correction: q.correction,
                    outside,
                    unlocated,
                    harm_index: q.selection.weighting.harm_index().cloned(),
                })
            }
        }
    }

    /// Emerging hot and cold spots: Gi* per time step and the trend of each
    /// cell's z-scores.
    pub fn emerging(&self, q: &EmergingQuery) -> Result<EmergingResult, EngineError> {
        let mut sel = q.selection.clone();
        sel.bbox = None;
        sel.area = None;
        // Emerging hot spots are of counts, whatever the weighting asked.
        sel.weighting = crate::Weighting::Count;
        let by_month = self.tally_months(&sel)?;
        let (Some((first, _)), Some((last, _))) = (by_month.first(), by_month.last()) else {
            return Err(EngineError::InvalidParameter(
                "no incidents match the selection".into(),
            ));
        };
        let (first, last) = (*first, *last);
        // Time steps are built from months with data only: a gap month is
        // unknown, not a month in which every cell was cold.
        let range = MonthRange::new(first, last).expect("first <= last");
        let coverage = self.coverage(&Period::Months(range));
        let (months, gap_months) = (coverage.months_with_data, coverage.gap_months);
        let per = q
            .months_per_period
            .unwrap_or_else(|| hotspot_stats::emerging::months_per_period(months.len()));
        let grid = self.study_grid(q.cell)?;
        let step_of: BTreeMap<Month, usize> =
            months.iter().enumerate().map(|(i, m)| (*m, i)).collect();
        let (mut outside, mut unlocated) = (0, 0);
        let mut monthly = vec![vec![0.0; grid.spec.len()]; months.len()];
        for (month, tally) in &by_month {
            let b = self.bin(&grid, tally);
            outside += b.outside_cells;
            unlocated += b.unlocated;
            monthly[step_of[month]] = b.counts;
        }
        let steps = hotspot_stats::emerging::aggregate_periods(&monthly, per)?;
        // aggregate_periods aligns steps to end at the latest month with data.
        let skip = months.len() - steps.len() * per;
        let periods = months[skip..]
            .chunks(per)
            .map(|c| (c[0], c[c.len() - 1]))
            .collect();
        let band = q.band.unwrap_or(1.5);
        let neighbours =
            Neighbours::square_grid(grid.spec.cols, grid.spec.rows, &grid.active, band)?;
        let cells = emerging_hotspots(&steps, &grid.active, &neighbours, q.correction)?;
        let counts = (0..grid.spec.len())
            .map(|i| steps.iter().map(|s| s[i]).sum())
            .collect();
        Ok(EmergingResult {
            grid,
            cells,
            periods,
            gap_months,
            counts,
            outside,
            unlocated,
        })
    }

    /// Knox near-repeat test. Needs the date of every selected incident:
    /// month-only records (police.uk) are refused, not guessed.
    pub fn near_repeat(&self, q: &KnoxQuery) -> Result<KnoxResult, EngineError> {
        let picked = self.select(&q.selection)?;
        let month_only = picked
            .iter()
            .filter(|&&k| self.cols.date(k).is_none())
            .count();
        if month_only > 0 {
            return Err(EngineError::NeedsDates(format!(
                "near-repeat analysis needs the date of each incident, but {month_only} of the {} selected \
                 incidents are known only by their month (police.uk publishes months only); \
                 import a force extract with dates, or select a dated source",
                picked.len()
            )));
        }
        let (mut points, mut days) = (Vec::new(), Vec::new());
        for &k in &picked {
            if let Some(p) = self.point_of(k) {
                points.push(self.points[p]);
                days.push(day_number(self.cols.date(k).expect("checked above")));
            }
        }
        Ok(knox_test(&points, &days, &q.options)?)
    }

    /// Temporal profile of the selected incidents.
    pub fn temporal(&self, sel: &Selection) -> Result<TemporalReport, EngineError> {
        // The year before the period gives its months their last-year counts
        // and spike baselines; only the period's own months are reported.
        let (context, shown) = match sel.period {
            Period::Months(r) => {
                let from = Month::from_index(r.from.index() - 12);
                let mut earlier = sel.clone();
                earlier.period = Period::Months(MonthRange { from, to: r.to });
                (earlier, Some(r))
            }
            // A date-time window's months are reported as they come.
            Period::All | Period::Between { .. } => (sel.clone(), None),
        };
        // Months with data but no selected incident are zeros; gap months
        // stay out of the series (and of its spike and last-year tests).
        let mut by_month: BTreeMap<Month, u64> = self
            .coverage(&context.period)
            .months_with_data
            .iter()
            .map(|&m| (m, 0))
            .collect();
        // Without times to profile, the count cube gives the monthly counts.
        if let (true, Some(counts)) = (self.cols.time.is_empty(), self.month_counts(&context)?) {
            let incidents = (counts.iter())
                .filter(|(m, _)| shown.is_none_or(|r| r.contains(**m)))
                .map(|(_, n)| n)
                .sum();
            by_month.extend(counts);
            let months: Vec<(i32, u32, u64)> = by_month
                .iter()
                .map(|(m, &c)| (m.year(), m.month(), c))
                .collect();
            return Ok(TemporalReport {
                incidents,
                with_time: 0,
                week_hour: None,
                weekend_night_share: None,
                monthly: monthly_trend(&months)
                    .into_iter()
                    .filter(in_shown(shown))
                    .collect(),
                gap_months: self.coverage(&sel.period).gap_months,
            });
        }
        // One selection serves both: the context's incidents, of which the
        // period's own are those in its months.
        let context_picked = self.select(&context)?;
        let picked: Vec<usize> = match shown {
            Some(r) => context_picked
                .iter()
                .copied()
                .filter(|&k| r.contains(self.cols.month(k)))
                .collect(),
            None => context_picked.clone(),
        };
        for &k in &context_picked {
            *by_month.entry(self.cols.month(k)).or_insert(0) += 1;
        }
        let mut times = Vec::new();
        for &k in &picked {
            if let (Some(d), Some(t)) = (self.cols.date(k), self.cols.time(k)) {
                times.push(d.and_time(t));
            }
        }
        let months: Vec<(i32, u32, u64)> = by_month
            .iter()
            .map(|(m, &c)| (m.year(), m.month(), c))
            .collect();
        let week_hour = (!times.is_empty()).then(|| week_hour_profile(&times));
        let weekend_night_share = week_hour.as_ref().map(|p| {
            use chrono::Weekday::{Fri, Sat};
            p.window_share(&[Fri, Sat], 23, 5)
        });
        Ok(TemporalReport {
            incidents: picked.len() as u64,
            with_time: times.len() as u64,
            week_hour,
            weekend_night_share,
            monthly: monthly_trend(&months)
                .into_iter()
                .filter(in_shown(shown))
                .collect(),
            gap_months: self.coverage(&sel.period).gap_months,
        })
    }

    /// Trains hotspot maps on one period, tests them on the next, and ranks
    /// them by the Predictive Accuracy Index at the chosen coverage.
    pub fn evaluate_methods(&self, q: &EvaluationQuery) -> Result<EvaluationReport, EngineError> {
        let grid = self.study_grid(q.cell)?;
        let spec = grid.spec;
        let mut sel = q.selection.clone();
        sel.bbox = None;
        sel.area = None;
        sel.weighting = crate::Weighting::Count;
        sel.period = q.train;
        let train_tally = self.tally_places(&sel)?;
        sel.period = q.test;
        let test_tally = self.tally_places(&sel)?;
        let (train_bins, test_bins) = (self.bin(&grid, &train_tally), self.bin(&grid, &test_tally));
        let (train, test) = (&train_bins.counts, &test_bins.counts);
        let (n_train, n_test): (f64, f64) = (train.iter().sum(), test.iter().sum());
        let cell_areas: Vec<f64> = grid
            .area_share
            .iter()
            .map(|s| s * spec.cell * spec.cell)
            .collect();
        if n_train == 0.0 || n_test == 0.0 {
            return Err(EngineError::InvalidParameter(format!(
                "the training period has {n_train} and the test period {n_test} incidents in the study area: both need some"
            )));
        }
        let coverages = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5];
        let score = |name: String,
                     layer: Option<MethodLayer>,
                     scores: &[f64]|
         -> Result<MethodScore, EngineError> {
            Ok(MethodScore {
                name,
                layer,
                accuracy: evaluate(
                    scores,
                    train,
                    test,
                    Some(&cell_areas),
                    &grid.active,
                    &coverages,
                )?,
            })
        };
        let mut methods = Vec::new();
        // Each place once, weighted by its incidents: the same surface as
        // each incident one by one.
        let (train_points, train_weights): (Vec<[f64; 2]>, Vec<f64>) = (train_tally.sites())
            .map(|p| {
                let [_, _, x, y] = self.cols.places[p];
                ([x, y], train_tally.counts[p] as f64)
            })
            .unzip();
        for &h in &q.bandwidths {
            if !(h.is_finite() && h > 0.0) {
                return Err(EngineError::InvalidParameter(format!(
                    "bandwidth {h} must be positive"
                )));
            }
            let surface = kde(&train_points, Some(&train_weights), &spec, h)?;
            methods.push(score(
                format!("KDE {h} m"),
                Some(MethodLayer::Hotspots { bandwidth_m: h }),
                &surface.values,
            )?);
        }
        methods.push(score(format!("Grid counts {} m", spec.cell), None, train)?);
        if !self.areas.is_empty() {
            let scores = self.ward_density_scores(&train_tally, &grid);
            methods.push(score(
                "Ward counts".to_string(),
                Some(MethodLayer::Wards),
                &scores,
            )?);
        }
        let neighbours = Neighbours::square_grid(spec.cols, spec.rows, &grid.active, 1.5)?;
        let gi = gi_star(
            train,
            &grid.active,
            &neighbours,
            Correction::BenjaminiHochberg,
        )?;
        let gi_scores: Vec<f64> = gi.iter().map(|g| g.map_or(0.0, |g| g.z)).collect();
        methods.push(score(
            format!("Gi* {} m", spec.cell),
            Some(MethodLayer::Gistar { cell_m: spec.cell }),
            &gi_scores,
        )?);
        let recommendation = recommend(&methods, q.coverage)?;
        Ok(EvaluationReport {
            cell_m: spec.cell,
            train_incidents: n_train as u64,
            test_incidents: n_test as u64,
            outside_study_area: train_bins.outside_cells + test_bins.outside_cells,
            unlocated: train_bins.unlocated + test_bins.unlocated,
            study_area_km2: grid.area_km2(),
            methods,
            recommendation,
        })
    }

    /// The "Ward counts" map: each cell scores its ward's training density
    /// (count per km²), the ward being the one holding the cell's centre.
    fn ward_density_scores(&self, train: &PlaceTally, grid: &StudyGrid) -> Vec<f64> {
        let spec = grid.spec;
        let mut ward_counts = vec![0.0; self.areas.len()];
        for p in train.sites() {
            if let Some(a) = self.place_area(p) {
                ward_counts[a] += train.counts[p] as f64;
            }
        }
        let density: Vec<f64> = self
            .areas
            .iter()
            .zip(&ward_counts)
            .map(|(e, c)| c / (geo::Area::unsigned_area(&e.bng) / 1e6).max(1e-9))
            .collect();
        let centres: Vec<[f64; 2]> = (0..spec.len())
            .map(|i| {
                let (x, y) = spec.cell_centre(i % spec.cols, i / spec.cols);
                [x, y]
            })
            .collect();
        self.locator
            .locate_all(&centres)
            .into_iter()
            .map(|a| a.map_or(0.0, |a| density[a as usize]))
            .collect()
    }
}

/// Whether a month of the trend is one the report shows (all when `None`).
fn in_shown(shown: Option<MonthRange>) -> impl Fn(&MonthPoint) -> bool {
    move |p| Month::new(p.year, p.month).is_ok_and(|m| shown.is_none_or(|r| r.contains(m)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{at, build, northants_months, square_ward};
    use hotspot_core::Incident;
    use hotspot_stats::EmergingClass;

    #[test]
    fn a_cell_hot_in_every_month_with_data_is_persistent_across_a_gap() {
        let (x0, y0) = (450_000.0, 260_000.0);
        let mut incidents = Vec::new();
        for m in northants_months() {
            // The same 30 incidents a month in one cell, one in each of 20 others.
            incidents.extend((0..30).map(|_| at(x0 + 900.0, y0 + 1100.0, &m)));
            incidents.extend((0..20).map(|i| {
                at(
                    x0 + 100.0 + 200.0 * (i % 10) as f64,
                    y0 + 100.0 + 1800.0 * (i / 10) as f64,
                    &m,
                )
            }));
        }
        let ds = build(incidents, vec![square_ward("W", x0, y0, 2000.0)]);
        let r = ds
            .emerging(&EmergingQuery {
                selection: Selection::default(),
                cell: Some(200.0),
                band: None,
                months_per_period: None,
                correction: Correction::default(),
            })
            .unwrap();
        assert_eq!(r.periods.len(), 16, "one step per month with data");
        assert_eq!(r.gap_months.len(), 8);
        let hot = r.grid.cell_of(x0 + 900.0, y0 + 1100.0).unwrap();
        let cell = r.cells[hot].as_ref().unwrap();
        assert_eq!(cell.hot_periods, 16);
        assert_eq!(cell.class, EmergingClass::Persistent);
    }

    #[test]
    fn temporal_series_has_zeros_for_months_with_data_and_no_gap_months() {
        let mut incidents: Vec<Incident> = northants_months()
            .iter()
            .map(|m| at(450_000.0, 260_000.0, m))
            .collect();
        incidents[5].category = "Robbery".into(); // 2025-02: no burglary
        let ds = build(incidents, vec![]);
        let r = ds
            .temporal(&Selection {
                types: vec!["Burglary".into()],
                ..Default::default()
            })
            .unwrap();
        let months: Vec<String> = r
            .monthly
            .iter()
            .map(|p| format!("{}-{:02}", p.year, p.month))
            .collect();
        assert_eq!(months, northants_months(), "a point per month with data");
        assert_eq!(r.monthly[5].count, 0);
        assert_eq!(r.gap_months.len(), 8);
    }

    #[test]
    fn a_period_reports_its_own_months_beside_the_year_before() {
        // Two incidents in each Northamptonshire month, five in 2025-03.
        let mut incidents: Vec<Incident> = northants_months()
            .iter()
            .flat_map(|m| [m, m])
            .map(|m| at(450_000.0, 260_000.0, m))
            .collect();
        incidents.extend((0..3).map(|_| at(450_000.0, 260_000.0, "2025-03")));
        let ds = build(incidents, vec![]);
        let period = Period::Months(MonthRange {
            from: Month::new(2025, 2).unwrap(),
            to: Month::new(2025, 3).unwrap(),
        });
        let r = ds
            .temporal(&Selection {
                period,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(r.incidents, 7, "the period's own incidents only");
        let shown: Vec<(u32, u64, Option<u64>)> = r
            .monthly
            .iter()
            .map(|p| (p.month, p.count, p.last_year))
            .collect();
        assert_eq!(shown, [(2, 2, Some(2)), (3, 5, Some(2))]);
        assert!(r.gap_months.is_empty(), "no gap inside the period");
    }
}
