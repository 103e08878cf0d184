//! The change map and DBSCAN point clusters, on the snapshot (issue #12
//! items 7 and 9; the relative-risk surface is in `relative_risk.rs`).
//!
//! The arithmetic lives in `hotspot-spatial` ([`hotspot_spatial::change`],
//! [`hotspot_spatial::cluster`]); this module decides what it runs on:
//! which incidents, which months, which cells.

use std::collections::HashMap;

use geo::{ConvexHull, MultiPoint};
use geo_types::{Point, Polygon};
use hotspot_core::{Month, MonthRange};
use hotspot_spatial::change::change_map;
pub use hotspot_spatial::change::{CellChange, ChangeClass, CHANGE_ALPHA};
use hotspot_spatial::cluster::{dbscan, default_eps, default_min_points};
use hotspot_stats::Correction;

use crate::{Dataset, EngineError, Period, Selection, StudyGrid};

/// A change-map question: the selection's categories in two periods.
#[derive(Debug, Clone)]
pub struct ChangeQuery {
    /// What to count; its period, area and box are ignored (`before` and
    /// `after` are the periods; the grid covers the study area).
    pub selection: Selection,
    pub before: MonthRange,
    pub after: MonthRange,
    /// Cell size, metres; default the Gi* rule (study area's shorter side /
    /// 75, nicely rounded, at least 100 m).
    pub cell: Option<f64>,
    pub correction: Correction,
}

/// One period of a change map: its months and what was counted.
#[derive(Debug, Clone)]
pub struct ChangePeriod {
    pub range: MonthRange,
    /// Months with data for some source: the period's length in the test.
    pub months_with_data: Vec<Month>,
    /// Months with no data for any source: gaps, not zeros.
    pub gap_months: Vec<Month>,
    /// Selected incidents in the period (located or not, anywhere).
    pub selected: u64,
    /// Of those, located but outside the analysed cells, and unlocated.
    pub outside: u64,
    pub unlocated: u64,
}

pub struct ChangeResult {
    pub grid: StudyGrid,
    /// Per cell: `None` when nothing was counted in either period.
    pub cells: Vec<Option<CellChange>>,
    pub before: ChangePeriod,
    pub after: ChangePeriod,
    pub correction: Correction,
}

/// A DBSCAN question.
#[derive(Debug, Clone, Default)]
pub struct ClusterQuery {
    pub selection: Selection,
    /// Neighbourhood radius, metres; default from nearest-neighbour
    /// distances ([`default_eps`]).
    pub eps: Option<f64>,
    /// Core-point threshold (itself included); default
    /// [`default_min_points`].
    pub min_points: Option<usize>,
}

/// Largest `eps` accepted, metres: wider neighbourhoods make every query
/// return a town's worth of points and say nothing a density map does not.
pub const MAX_EPS: f64 = 2_000.0;

/// Crime types listed per cluster.
pub const TOP_TYPES: usize = 3;

/// One DBSCAN cluster.
#[derive(Debug, Clone)]
pub struct PointCluster {
    /// 1 = most incidents.
    pub rank: usize,
    pub incidents: u64,
    /// Incidents on core points.
    pub core: u64,
    /// Distinct map points.
    pub locations: u64,
    /// Most common crime types, most first (at most [`TOP_TYPES`]).
    pub top_types: Vec<(String, u64)>,
    /// Convex hull of the cluster's points buffered by `eps / 2`, BNG.
    pub outline_bng: Polygon<f64>,
    pub area_km2: f64,
}

pub struct ClusterResult {
    pub clusters: Vec<PointCluster>,
    pub eps: f64,
    /// How `eps` was chosen, in words.
    pub eps_rule: String,
    pub min_points: usize,
    pub min_points_rule: String,
    /// Located selected incidents clustered.
    pub incidents: u64,
    /// Of those, in no cluster.
    pub noise: u64,
    pub unlocated: u64,
}

/// Sides of the circles that buffer a cluster's hull.
const BUFFER_SIDES: usize = 16;

impl Dataset {
    /// The change map: per study-grid cell, the selected incidents before
    /// and after, and an exact test of a change in rate, each period's
    /// length being its months with data.
    pub fn change(&self, q: &ChangeQuery) -> Result<ChangeResult, EngineError> {
        if q.before.contains(q.after.from)
            || q.before.contains(q.after.to)
            || q.after.contains(q.before.from)
        {
            return Err(EngineError::InvalidParameter(format!(
                "before ({}..{}) and after ({}..{}) overlap: the periods must be disjoint",
                q.before.from, q.before.to, q.after.from, q.after.to
            )));
        }
        let grid = self.study_grid(q.cell)?;
        let mut counts = Vec::new();
        let mut periods = Vec::new();
        for (name, range) in [("before", q.before), ("after", q.after)] {
            let coverage = self.coverage(&Period::Months(range));
            if coverage.months_with_data.is_empty() {
                return Err(EngineError::InvalidParameter(format!(
                    "the {name} period {}..{} has no data loaded for any month: nothing to compare",
                    range.from, range.to
                )));
            }
            let mut sel = q.selection.clone();
            sel.bbox = None;
            sel.area = None;
            sel.period = Period::Months(range);
            let tally = self.tally_places(&sel)?;
            let binned = self.bin(&grid, &tally);
            counts.push(binned.counts.iter().map(|&c| c as u64).collect::<Vec<_>>());
            periods.push(ChangePeriod {
                range,
                months_with_data: coverage.months_with_data,
                gap_months: coverage.gap_months,
                selected: tally.located() + tally.unlocated,
                outside: binned.outside_cells,
                unlocated: binned.unlocated,
            });
        }
        let after = periods.pop().expect("two periods");
        let before = periods.pop().expect("two periods");
        let cells = change_map(
            &counts[0],
            &counts[1],
            before.months_with_data.len() as f64,
            after.months_with_data.len() as f64,
            q.correction,
        )?;
        Ok(ChangeResult {
            grid,
            cells,
            before,
            after,
            correction: q.correction,
        })
    }

    /// DBSCAN clusters of the selected incidents' points (BNG metres), each
    /// incident a point.
    pub fn clusters(&self, q: &ClusterQuery) -> Result<ClusterResult, EngineError> {
        let picked = self.select(&q.selection)?;
        let (mut ks, mut points) = (Vec::new(), Vec::new());
        for &k in &picked {
            if let Some(p) = self.point_of(k) {
                ks.push(k);
                points.push(self.points[p]);
            }
        }
        let unlocated = (picked.len() - ks.len()) as u64;
        let (eps, eps_rule) = cluster_eps(q.eps, &points)?;
        let (min_points, min_points_rule) = match q.min_points {
            Some(m) => (m, "given".to_string()),
            None => {
                let m = default_min_points(points.len());
                let n = points.len();
                (
                    m,
                    format!("ln of the {n} incidents, rounded, at least 5: {m}"),
                )
            }
        };
        let d = dbscan(&points, eps, min_points)?;
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); d.sizes.len()];
        for (i, l) in d.labels.iter().enumerate() {
            if let Some(c) = l {
                members[*c as usize].push(i);
            }
        }
        let clusters = members
            .iter()
            .enumerate()
            .map(|(c, ids)| {
                let core = ids.iter().filter(|&&i| d.core[i]).count() as u64;
                self.point_cluster(c + 1, ids, core, &ks, &points, eps)
            })
            .collect();
        Ok(ClusterResult {
            clusters,
            eps,
            eps_rule,
            min_points,
            min_points_rule,
            incidents: points.len() as u64,
            noise: d.noise() as u64,
            unlocated,
        })
    }

    /// Cluster `rank` of the incidents `ks[i]` at `points[i]` for `i` in
    /// `ids`: its outline (the hull of its locations widened by eps/2), its
    /// counts and its commonest crime types.
    fn point_cluster(
        &self,
        rank: usize,
        ids: &[usize],
        core: u64,
        ks: &[usize],
        points: &[[f64; 2]],
        eps: f64,
    ) -> PointCluster {
        let mut by_type: HashMap<&str, u64> = HashMap::new();
        for &i in ids {
            *by_type.entry(self.category_name(ks[i])).or_insert(0) += 1;
        }
        let mut top: Vec<(String, u64)> = by_type
            .into_iter()
            .map(|(t, n)| (t.to_string(), n))
            .collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        top.truncate(TOP_TYPES);
        let mut locs: Vec<[f64; 2]> = ids.iter().map(|&i| points[i]).collect();
        locs.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
        locs.dedup();
        let outline_bng = buffered_hull(&locs, eps / 2.0);
        PointCluster {
            rank,
            incidents: ids.len() as u64,
            core,
            locations: locs.len() as u64,
            top_types: top,
            area_km2: geo::Area::unsigned_area(&outline_bng) / 1e6,
            outline_bng,
        }
    }
}

/// Convex hull of `points` each widened to a circle of `radius` (a
/// 16-sided polygon), so a cluster on one map point is still an area.
fn buffered_hull(points: &[[f64; 2]], radius: f64) -> Polygon<f64> {
    let step = std::f64::consts::TAU / BUFFER_SIDES as f64;
    let ring: Vec<Point<f64>> = points
        .iter()
        .flat_map(|p| {
            (0..BUFFER_SIDES).map(move |s| {
                let a = s as f64 * step;
                Point::new(p[0] + radius * a.cos(), p[1] + radius * a.sin())
            })
        })
        .collect();
    MultiPoint::new(ring).convex_hull()
}

/// DBSCAN's neighbourhood: as given, or from the data (whole metres, as a
/// user would type it again), with the rule in words.
fn cluster_eps(given: Option<f64>, points: &[[f64; 2]]) -> Result<(f64, String), EngineError> {
    let (eps, rule) = match given {
        Some(e) => (e, "given".to_string()),
        None => {
            let e = default_eps(points).ok_or_else(|| {
                EngineError::InvalidParameter(
                    "fewer than two distinct locations are selected: give eps to cluster them"
                        .into(),
                )
            })?;
            let e = e.round().max(1.0);
            let rule = format!(
                "median distance between each map point and its nearest other map point \
                 ÷ √2 (about twice the typical density), {e} m"
            );
            (e, rule)
        }
    };
    if !(eps.is_finite() && eps > 0.0 && eps <= MAX_EPS) {
        return Err(EngineError::InvalidParameter(format!(
            "eps must be more than 0 and at most {MAX_EPS} m, got {eps}"
        )));
    }
    Ok((eps, rule))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{at, build, square_ward};

    fn range(s: &str) -> MonthRange {
        s.parse().unwrap()
    }

    #[test]
    fn change_counts_add_up_and_gaps_shorten_a_period() {
        let (x0, y0) = (450_000.0, 260_000.0);
        let mut incidents = Vec::new();
        // Cell A: 2 a month before (2 months with data), 2 a month after (4 months).
        for m in ["2024-01", "2024-02"] {
            incidents.extend((0..2).map(|_| at(x0 + 150.0, y0 + 150.0, m)));
        }
        for m in ["2025-01", "2025-02", "2025-03", "2025-04"] {
            incidents.extend((0..2).map(|_| at(x0 + 150.0, y0 + 150.0, m)));
        }
        // Cell B: 0 before, 12 after; one incident far outside.
        incidents.extend((0..12).map(|_| at(x0 + 850.0, y0 + 850.0, "2025-02")));
        incidents.push(at(x0 + 90_000.0, y0, "2025-02"));
        let ds = build(incidents, vec![square_ward("W", x0, y0, 1000.0)]);
        let r = ds
            .change(&ChangeQuery {
                selection: Selection::default(),
                // 2024-03..04 have no data: the before period is 2 months long.
                before: range("2024-01..2024-04"),
                after: range("2025-01..2025-04"),
                cell: Some(250.0),
                correction: Correction::None,
            })
            .unwrap();
        assert_eq!(r.before.months_with_data.len(), 2);
        assert_eq!(r.before.gap_months.len(), 2);
        let a = r.cells[r.grid.cell_of(x0 + 150.0, y0 + 150.0).unwrap()].unwrap();
        assert_eq!((a.n_before, a.n_after, a.change), (4, 8, 4));
        // Same rate per month with data: no change (p = 1).
        assert_eq!(a.rate_ratio, Some(1.0));
        assert!(a.p > 0.99);
        let b = r.cells[r.grid.cell_of(x0 + 850.0, y0 + 850.0).unwrap()].unwrap();
        assert_eq!((b.n_before, b.n_after), (0, 12));
        // binom.test(12, 12, 4/6): the outcomes 0..=3 and 12 are no likelier
        // than 12; their probabilities sum to 0.0115629016203 (exact
        // rational arithmetic).
        assert!((b.p - 0.011_562_901_620_3).abs() < 1e-12, "{}", b.p);
        let sum = |f: fn(&CellChange) -> u64| r.cells.iter().flatten().map(f).sum::<u64>();
        assert_eq!(sum(|c| c.n_before) + r.before.outside, r.before.selected);
        assert_eq!(sum(|c| c.n_after) + r.after.outside, r.after.selected);
        assert_eq!(r.after.outside, 1);
    }

    #[test]
    fn overlapping_or_empty_periods_are_refused() {
        let ds = build(
            vec![at(450_100.0, 260_100.0, "2025-01")],
            vec![square_ward("W", 450_000.0, 260_000.0, 1000.0)],
        );
        let q = |b: &str, a: &str| ChangeQuery {
            selection: Selection::default(),
            before: range(b),
            after: range(a),
            cell: None,
            correction: Correction::default(),
        };
        let e = ds
            .change(&q("2025-01..2025-03", "2025-03..2025-04"))
            .err()
            .unwrap();
        assert!(e.to_string().contains("overlap"), "{e}");
        let e = ds.change(&q("2023-01..2023-03", "2025-01")).err().unwrap();
        assert!(e.to_string().contains("no data"), "{e}");
    }

    #[test]
    fn clusters_count_duplicates_and_report_noise() {
        let (x0, y0) = (450_000.0, 260_000.0);
        let mut incidents: Vec<_> = (0..6)
            .map(|_| at(x0 + 100.0, y0 + 100.0, "2025-01"))
            .collect();
        incidents.push(at(x0 + 130.0, y0 + 100.0, "2025-01"));
        incidents.push(at(x0 + 900.0, y0 + 900.0, "2025-01"));
        let ds = build(incidents, vec![]);
        let r = ds
            .clusters(&ClusterQuery {
                selection: Selection::default(),
                eps: Some(50.0),
                min_points: Some(5),
            })
            .unwrap();
        assert_eq!(r.clusters.len(), 1);
        let c = &r.clusters[0];
        assert_eq!((c.incidents, c.core, c.locations), (7, 7, 2));
        assert_eq!(c.top_types, vec![("Burglary".to_string(), 7)]);
        assert_eq!(r.noise, 1);
        // Hull of two 25 m circles 30 m apart: about π·25² + 30·50 m².
        let want = std::f64::consts::PI * 625.0 + 1500.0;
        assert!(
            (c.area_km2 * 1e6 - want).abs() / want < 0.03,
            "{}",
            c.area_km2
        );
        let e = ds
            .clusters(&ClusterQuery {
                eps: Some(5_000.0),
                ..Default::default()
            })
            .err()
            .unwrap();
        assert!(e.to_string().contains("eps"));
    }
}
