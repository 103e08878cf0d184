//! The days-of-action planner: choose `N` sites so that as much weighted
//! crime as possible lies within a walking radius of one of them.
//!
//! # The problem
//!
//! Each incident `i` has a weight `wᵢ` (a count of 1, or a harm weight such
//! as the Cambridge Crime Harm Index). A site `s` *covers* the incidents
//! within `radius` of it (Euclidean distance in British National Grid
//! metres, boundary included). For a set of sites `S` the coverage is
//!
//! ```text
//! f(S) = Σ { wᵢ : incident i lies within radius of at least one site in S }
//! ```
//!
//! so an incident near two sites counts once. Choosing `S` with `|S| = N` to
//! maximise `f` is the maximal covering location problem (Church & ReVelle
//! 1974), which is NP-hard. `f` is monotone and submodular (a site adds less
//! the more sites are already chosen), so the **greedy** algorithm — add the
//! site with the largest *marginal* gain `f(S ∪ {s}) − f(S)`, `N` times — is
//! guaranteed to reach at least `(1 − 1/e) ≈ 63.2%` of the optimum
//! (Nemhauser, Wolsey & Fisher 1978), and in practice usually reaches it or
//! comes very close.
//!
//! # How it is computed fast
//!
//! * Incidents at the same coordinates (police.uk snaps every crime to one of
//!   about 10,000 map points per force) are merged into weighted *nodes*
//!   first: 100k incidents become about 10k nodes.
//! * A uniform grid of cells one radius wide lists the nodes within reach of
//!   each candidate by looking at 3 × 3 cells only.
//! * **Lazy greedy** ("CELF", Leskovec et al. 2007): a priority queue holds
//!   each candidate's last computed gain, which by submodularity can only have
//!   fallen since; only the top entry is recomputed, and it is chosen when its
//!   gain is up to date. Ties go to the candidate listed first, so the result
//!   is exactly the plain greedy's (tested against it).
//!
//! # Never worse than the naive choice
//!
//! Planners compare with "the N highest-count wards' centroids". Greedy's
//! 63% guarantee does not promise to beat that, so [`plan_at_least`] also
//! runs a **1-swap local search** (replace one chosen site with one unchosen
//! site whenever that raises coverage, best swap first, at most
//! [`MAX_SWAP_ROUNDS`] rounds) over the candidates plus the baseline sites,
//! from three starts: the greedy plan over the candidates (what [`plan`]
//! returns), the baseline sites topped up greedily to `N`, and the greedy
//! plan over candidates and baseline sites together (greedy is not monotone
//! in its candidate list, so this can differ from the first). It keeps the
//! best. Local search only ever raises coverage, so the result is at least
//! [`plan`]'s and at least the baseline's (when the baseline sites are
//! themselves allowed: outside every area to avoid and, with
//! `min_separation`, far enough apart).
//!
//! # Times
//!
//! For each site the best [`WINDOW_HOURS`]-hour window of the week is the
//! one holding the most covered weight among incidents with a known day and
//! hour (see [`TimeWindow`]).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use chrono::Weekday;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::grid::CellIndex;
use crate::{finite_xy, invalid, PlanningError};

/// The approximation guarantee of the greedy plan, as stated in
/// [`Plan::guarantee`].
pub const GUARANTEE: &str = "greedy maximum coverage: at least (1 − 1/e) ≈ 63% of the best \
                             possible coverage (Nemhauser, Wolsey & Fisher 1978)";
/// Length of the best time window reported for each site, in hours.
pub const WINDOW_HOURS: u32 = 4;
/// At most this many candidate sites are generated from incident locations
/// when the caller gives none (the heaviest grid cells are kept).
pub const MAX_GENERATED_CANDIDATES: usize = 5_000;
/// Bound on the rounds (one swap each) of the local search in
/// [`plan_at_least`].
pub const MAX_SWAP_ROUNDS: usize = 50;

/// One incident, already weighted by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WeightedPoint {
    /// British National Grid easting and northing, metres.
    pub xy: [f64; 2],
    /// Count (1) or harm weight; finite and ≥ 0.
    pub weight: f64,
    /// Index into the caller's list of crime groups, for
    /// [`PlannedSite::by_group`].
    pub group: u16,
    /// Day of week and hour (0–23) when known; `None` for month-only
    /// police.uk data.
    pub when: Option<(Weekday, u32)>,
}

/// A place a team could be sent: a community centre, school, shop parade…
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub name: String,
    pub xy: [f64; 2],
}

/// Options for [`plan`] and [`plan_at_least`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanOptions {
    /// Number of sites `N` (≥ 1).
    pub sites: usize,
    /// Walking radius or team footprint, metres (> 0). An incident at
    /// exactly this distance is covered.
    pub radius: f64,
    /// Polygons (one ring each, BNG, closing vertex optional) whose interior
    /// no site may be in: candidates inside are dropped before planning.
    pub avoid: Vec<Vec<[f64; 2]>>,
    /// Minimum distance between chosen sites, metres. `None` (the default):
    /// sites may overlap; coverage counts each incident once anyway.
    pub min_separation: Option<f64>,
}

impl Default for PlanOptions {
    /// Five sites, 400 m (about a five-minute walk), nothing avoided.
    fn default() -> Self {
        Self {
            sites: 5,
            radius: 400.0,
            avoid: Vec::new(),
            min_separation: None,
        }
    }
}

/// The best window of the week for one site.
///
/// `WINDOW_HOURS` (4) consecutive hours starting at `from_hour` on `day`;
/// `to_hour` is the exclusive end, `(from_hour + 4) mod 24`, so a window
/// with `to_hour < from_hour` wraps past midnight into the next day (Friday
/// 22–02 is Friday 22:00 to Saturday 02:00, and Sunday 22–02 ends on Monday).
/// Chosen by the covered weight of incidents with a known day and hour; ties
/// go to the earliest window in the week starting Monday 00:00.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimeWindow {
    pub day: Weekday,
    pub from_hour: u32,
    pub to_hour: u32,
    /// Share of the site's timed covered weight that falls in the window,
    /// 0..=1 (a uniform spread would give 4/168 ≈ 0.024).
    pub share: f64,
}

/// One chosen site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedSite {
    /// The candidate's name (generated sites: "Incident location E…, N…";
    /// baseline sites in [`plan_at_least`]: "Baseline site k").
    pub name: String,
    pub xy: [f64; 2],
    /// All weight within the radius of this site, including weight also
    /// covered by other sites.
    pub covered_weight: f64,
    /// Incidents within the radius of this site.
    pub covered_incidents: u64,
    /// Weight this site adds given the sites listed before it. Sites are
    /// listed in greedy order, so this never increases down the list; the
    /// marginals sum to [`Plan::covered_weight`].
    pub marginal_weight: f64,
    /// `(group, incidents within the radius)`, by group index, groups with
    /// no incidents left out.
    pub by_group: Vec<(u16, u64)>,
    /// `None` when no covered incident has a day and hour.
    pub best_window: Option<TimeWindow>,
}

/// How the plan compares with the baseline (naive) sites.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BaselineComparison {
    /// Weight covered by the baseline sites ([`coverage_of`]).
    pub covered_weight: f64,
    /// `covered_weight / total_weight`.
    pub share: f64,
    /// Plan coverage minus baseline coverage (≥ 0 when the baseline sites
    /// are allowed sites).
    pub gain: f64,
    /// `gain / baseline coverage × 100`; `None` when the baseline covers
    /// nothing.
    pub gain_pct: Option<f64>,
}

/// Result of [`plan`] / [`plan_at_least`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// At most `N` sites, in greedy order. Fewer when there are fewer allowed
    /// candidates, or when no further site would cover anything new.
    pub sites: Vec<PlannedSite>,
    /// Weight within the radius of at least one site (each incident once).
    pub covered_weight: f64,
    /// Weight of all incidents given.
    pub total_weight: f64,
    /// `covered_weight / total_weight` (0 when the total is 0).
    pub share: f64,
    /// The guarantee that applies, in words ([`GUARANTEE`], extended by
    /// [`plan_at_least`]).
    pub guarantee: String,
    /// Filled by [`plan_at_least`].
    pub baseline: Option<BaselineComparison>,
    /// Candidate sites considered (after generation and dropping those in
    /// areas to avoid).
    pub candidates_considered: usize,
    /// Things the planner should know: candidates dropped, sites not used,
    /// what the local search changed.
    pub notes: Vec<String>,
}

/// Chooses `opts.sites` sites covering the most weighted incidents within
/// `opts.radius`, by lazy greedy maximum coverage ([module docs](self)).
///
/// `candidates`: the venues to choose from. When empty, candidate sites are
/// generated from the incidents themselves: distinct incident locations
/// (police.uk snap points), one per grid square of side `radius / 2` (the
/// heaviest location in the square), keeping the [`MAX_GENERATED_CANDIDATES`]
/// squares with the most weight. Candidates inside an `avoid` polygon are
/// dropped. Errors on non-finite coordinates, negative or non-finite weights,
/// hours ≥ 24, `sites == 0`, a radius or separation that is not a positive
/// finite number, or an avoid polygon with fewer than 3 vertices.
///
/// ```
/// use hotspot_planning::{plan, Candidate, PlanOptions, WeightedPoint};
/// use chrono::Weekday;
/// let at = |x: f64, y: f64, w: f64| WeightedPoint { xy: [x, y], weight: w, group: 0, when: Some((Weekday::Fri, 23)) };
/// // Three clusters: 5 incidents at the market, 3 by the school, 1 at the park.
/// let mut points = vec![at(0.0, 0.0, 1.0); 5];
/// points.extend(vec![at(1000.0, 0.0, 1.0); 3]);
/// points.push(at(0.0, 2000.0, 1.0));
/// let venues = vec![
///     Candidate { name: "Market".into(), xy: [50.0, 0.0] },
///     Candidate { name: "School".into(), xy: [1000.0, 100.0] },
///     Candidate { name: "Park".into(), xy: [0.0, 2100.0] },
/// ];
/// let opts = PlanOptions { sites: 2, radius: 400.0, ..PlanOptions::default() };
/// let p = plan(&points, &venues, &opts).unwrap();
/// assert_eq!(p.sites[0].name, "Market");
/// assert_eq!(p.sites[1].name, "School");
/// assert_eq!((p.covered_weight, p.total_weight), (8.0, 9.0));
/// let w = p.sites[0].best_window.unwrap();
/// assert_eq!((w.day, w.from_hour, w.to_hour), (Weekday::Fri, 20, 0));
/// ```
pub fn plan(
    points: &[WeightedPoint],
    candidates: &[Candidate],
    opts: &PlanOptions,
) -> Result<Plan, PlanningError> {
    let prob = Problem::new(points, candidates, &[], opts)?;
    let chosen = prob.greedy(opts.sites, &[], prob.pool.len());
    let mut notes = prob.notes.clone();
    prob.note_short(&chosen, opts.sites, &mut notes);
    Ok(prob.assemble(points, &chosen, GUARANTEE.to_string(), notes))
}

/// Like [`plan`], but never covers less than `baseline_sites` (e.g. the
/// centroids of the `N` highest-count wards), and reports the comparison in
/// [`Plan::baseline`].
///
/// Runs the greedy plan, then a 1-swap local search over the candidates plus
/// the baseline sites from the greedy plan, from the baseline (topped up
/// greedily to `N`) and from a greedy plan over both, and keeps the best
/// ([module docs](self)). The result covers at least as much as [`plan`]
/// would, so the `1 − 1/e` guarantee
/// still holds, and at least as much as the baseline whenever the baseline
/// sites are allowed (outside the areas to avoid and, with
/// `min_separation`, far enough apart; a note says when they are not).
/// Errors as [`plan`], and when `baseline_sites` has more than `opts.sites`
/// sites or a non-finite coordinate.
///
/// ```
/// use hotspot_planning::{coverage_of, plan_at_least, Candidate, PlanOptions, WeightedPoint};
/// let at = |x: f64, y: f64| WeightedPoint { xy: [x, y], weight: 1.0, group: 0, when: None };
/// let points: Vec<WeightedPoint> = (0..10).map(|i| at(i as f64 * 10.0, 0.0)).collect();
/// // The ward centroid misses half the cluster; the venue at its middle covers all of it.
/// let naive = [[-200.0, 0.0]];
/// let venues = vec![Candidate { name: "Library".into(), xy: [45.0, 0.0] }];
/// let opts = PlanOptions { sites: 1, radius: 250.0, ..PlanOptions::default() };
/// let p = plan_at_least(&points, &venues, &opts, &naive).unwrap();
/// let b = p.baseline.unwrap();
/// assert_eq!(b.covered_weight, coverage_of(&points, &naive, 250.0));
/// assert_eq!((p.covered_weight, b.covered_weight, b.gain), (10.0, 6.0, 4.0));
/// ```
pub fn plan_at_least(
    points: &[WeightedPoint],
    candidates: &[Candidate],
    opts: &PlanOptions,
    baseline_sites: &[[f64; 2]],
) -> Result<Plan, PlanningError> {
    if baseline_sites.len() > opts.sites {
        return Err(invalid(format!(
            "the baseline has {} sites but the plan has only {}: compare like with like",
            baseline_sites.len(),
            opts.sites
        )));
    }
    if baseline_sites.iter().any(|&xy| !finite_xy(xy)) {
        return Err(invalid("a baseline site has a non-finite coordinate"));
    }
    let extra: Vec<Candidate> = baseline_sites
        .iter()
        .enumerate()
        .map(|(k, &xy)| Candidate {
            name: format!("Baseline site {}", k + 1),
            xy,
        })
        .collect();
    let prob = Problem::new(points, candidates, &extra, opts)?;
    let mut notes = prob.notes.clone();

    // Start A: the greedy plan over the candidates alone, exactly what
    // [`plan`] returns. (Greedy over the candidates plus the baseline sites
    // can do worse: greedy is not monotone in the candidate list.)
    let greedy = prob.greedy(opts.sites, &[], prob.n_given);
    let greedy_cover = prob.coverage(&greedy);
    let mut a = greedy.clone();
    let swaps_a = prob.local_search(&mut a);
    // Start C: greedy over candidates and baseline sites together.
    let mut c = prob.greedy(opts.sites, &[], prob.pool.len());
    let swaps_c = prob.local_search(&mut c);

    // Start B: the allowed baseline sites, topped up greedily.
    let mut seed: Vec<usize> = Vec::new();
    for k in 0..baseline_sites.len() {
        match prob.extra_index[k] {
            None => notes.push(format!(
                "baseline site {} lies in an area to avoid, so the plan could not use it",
                k + 1
            )),
            Some(i) if !prob.separated(i, &seed, None) => notes.push(format!(
                "baseline site {} is closer than the minimum separation to an earlier one, so \
                 the plan could not use both",
                k + 1
            )),
            Some(i) => seed.push(i),
        }
    }
    let mut b = prob.greedy(opts.sites, &seed, prob.pool.len());
    let swaps_b = prob.local_search(&mut b);

    // The best of the three; ties to the earlier start.
    let starts = [
        (a, swaps_a, "the greedy plan"),
        (b, swaps_b, "the baseline sites"),
        (c, swaps_c, "a greedy plan over venues and baseline sites"),
    ];
    let covers: Vec<f64> = starts.iter().map(|s| prob.coverage(&s.0)).collect();
    let best = (0..3).fold(0, |b, i| if covers[i] > covers[b] { i } else { b });
    let final_cover = covers[best];
    let (chosen, swaps, from) = starts.into_iter().nth(best).expect("three starts");
    if final_cover > greedy_cover {
        notes.push(format!(
            "local search from {from} ({swaps} swap{}) raised coverage from the greedy plan's \
             {greedy_cover:.1} to {final_cover:.1}",
            if swaps == 1 { "" } else { "s" }
        ));
    }
    let ordered = prob.greedy_order(&chosen);
    prob.note_short(&ordered, opts.sites, &mut notes);

    let base = coverage_of(points, baseline_sites, opts.radius);
    let total = prob.total_weight;
    let guarantee = format!(
        "{GUARANTEE}; improved by 1-swap local search, never below the greedy plan nor below the \
         {} baseline site{} when they are allowed sites",
        baseline_sites.len(),
        if baseline_sites.len() == 1 { "" } else { "s" }
    );
    let mut out = prob.assemble(points, &ordered, guarantee, notes);
    let gain = out.covered_weight - base;
    out.baseline = Some(BaselineComparison {
        covered_weight: base,
        share: if total > 0.0 { base / total } else { 0.0 },
        gain,
        gain_pct: (base > 0.0).then(|| gain / base * 100.0),
    });
    Ok(out)
}

/// The weight within `radius` of at least one of `sites`, each incident
/// counted once. For the naive comparison: the caller passes e.g. the `N`
/// highest-count wards' centroids. Returns 0 for no sites or a radius that
/// is not a positive finite number; incidents with non-finite coordinates
/// are never covered.
///
/// ```
/// use hotspot_planning::{coverage_of, WeightedPoint};
/// let p = |x: f64, w: f64| WeightedPoint { xy: [x, 0.0], weight: w, group: 0, when: None };
/// let points = [p(0.0, 1.0), p(300.0, 2.0), p(900.0, 4.0)];
/// // Both sites reach the point at 300 m; it counts once.
/// assert_eq!(coverage_of(&points, &[[0.0, 0.0], [400.0, 0.0]], 400.0), 3.0);
/// ```
pub fn coverage_of(points: &[WeightedPoint], sites: &[[f64; 2]], radius: f64) -> f64 {
    let sites: Vec<[f64; 2]> = sites.iter().copied().filter(|&s| finite_xy(s)).collect();
    if sites.is_empty() || !(radius.is_finite() && radius > 0.0) {
        return 0.0;
    }
    let r2 = radius * radius;
    let near = |p: [f64; 2], s: [f64; 2]| {
        let (dx, dy) = (p[0] - s[0], p[1] - s[1]);
        dx * dx + dy * dy <= r2
    };
    let covered = |p: &&WeightedPoint| finite_xy(p.xy) && sites.iter().any(|&s| near(p.xy, s));
    if sites.len() <= 32 {
        // A direct check beats grid look-ups for a handful of sites.
        return points.iter().filter(covered).map(|p| p.weight).sum();
    }
    let index = CellIndex::new(&sites, radius);
    points
        .iter()
        .filter(|p| finite_xy(p.xy))
        .filter(|p| {
            let mut hit = false;
            index.within(&sites, p.xy, radius, |_| hit = true);
            hit
        })
        .map(|p| p.weight)
        .sum()
}

// ---------------------------------------------------------------------------

/// The prepared instance: incidents merged into nodes, allowed candidate
/// sites, and the nodes each candidate covers.
struct Problem {
    min_separation: Option<f64>,
    node_xy: Vec<[f64; 2]>,
    node_w: Vec<f64>,
    node_n: Vec<u64>,
    /// CSR: points of node `v` are `node_points[node_start[v]..node_start[v + 1]]`.
    node_start: Vec<usize>,
    node_points: Vec<u32>,
    total_weight: f64,
    /// Allowed sites: candidates (given or generated), then extra sites.
    pool: Vec<Candidate>,
    /// Number of pool sites that are candidates (the rest are extra).
    n_given: usize,
    /// For each extra site given, its index in `pool` (`None`: avoided).
    extra_index: Vec<Option<usize>>,
    /// Nodes within the radius of each pool site.
    lists: Vec<Vec<u32>>,
    /// Total weight of each list (an upper bound on any marginal gain).
    list_w: Vec<f64>,
    notes: Vec<String>,
}

/// A priority-queue entry of the lazy greedy: a candidate's gain computed
/// when `round` sites had been chosen. Ordered by gain, then by lower index.
struct Entry {
    gain: f64,
    idx: usize,
    round: usize,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.gain
            .total_cmp(&other.gain)
            .then_with(|| other.idx.cmp(&self.idx))
    }
}

fn validate(points: &[WeightedPoint], opts: &PlanOptions) -> Result<(), PlanningError> {
    if opts.sites == 0 {
        return Err(invalid("the number of sites must be at least 1"));
    }
    if !(opts.radius.is_finite() && opts.radius > 0.0) {
        return Err(invalid(format!(
            "the radius must be a positive number of metres, not {}",
            opts.radius
        )));
    }
    if let Some(s) = opts.min_separation {
        if !(s.is_finite() && s >= 0.0) {
            return Err(invalid(format!(
                "the minimum separation must be a non-negative number of metres, not {s}"
            )));
        }
    }
    for (k, ring) in opts.avoid.iter().enumerate() {
        if ring.len() < 3 || ring.iter().any(|&v| !finite_xy(v)) {
            return Err(invalid(format!(
                "area to avoid {} needs at least 3 vertices with finite coordinates",
                k + 1
            )));
        }
    }
    for (i, p) in points.iter().enumerate() {
        if !finite_xy(p.xy) {
            return Err(invalid(format!("incident {i} has a non-finite coordinate")));
        }
        if !(p.weight.is_finite() && p.weight >= 0.0) {
            return Err(invalid(format!(
                "incident {i} has weight {}; weights must be finite and ≥ 0",
                p.weight
            )));
        }
        if let Some((_, h)) = p.when {
            if h >= 24 {
                return Err(invalid(format!(
                    "incident {i} has hour {h}; hours are 0–23"
                )));
            }
        }
    }
    Ok(())
}

/// Even-odd rule: is `p` inside the ring? (Points exactly on an edge may go
/// either way.)
pub(crate) fn in_ring(p: [f64; 2], ring: &[[f64; 2]]) -> bool {
    let mut inside = false;
    let n = ring.len();
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (ring[i], ring[j]);
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let x = a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
            if p[0] < x {
                inside = !inside;
            }
        }
        j = i;
    }
    inside
}

impl Problem {
    fn new(
        points: &[WeightedPoint],
        candidates: &[Candidate],
        extra: &[Candidate],
        opts: &PlanOptions,
    ) -> Result<Self, PlanningError> {
        validate(points, opts)?;
        if let Some(c) = candidates.iter().find(|c| !finite_xy(c.xy)) {
            return Err(invalid(format!(
                "candidate site '{}' has a non-finite coordinate",
                c.name
            )));
        }
        let radius = opts.radius;
        let nodes = Nodes::merge(points);
        let total_weight: f64 = points.iter().map(|p| p.weight).sum();
        let mut notes = Vec::new();
        let pool = CandidatePool::new(candidates, extra, opts, &nodes, &mut notes);

        let index = CellIndex::new(&nodes.xy, radius);
        let lists: Vec<Vec<u32>> = pool
            .sites
            .par_iter()
            .map(|c| {
                let mut l = Vec::new();
                index.within(&nodes.xy, c.xy, radius, |v| l.push(v as u32));
                l
            })
            .collect();
        let list_w = lists
            .iter()
            .map(|l| l.iter().map(|&v| nodes.w[v as usize]).sum())
            .collect();
        Ok(Self {
            n_given: pool.n_given,
            min_separation: opts.min_separation.filter(|&s| s > 0.0),
            node_xy: nodes.xy,
            node_w: nodes.w,
            node_n: nodes.n,
            node_start: nodes.start,
            node_points: nodes.points,
            total_weight,
            pool: pool.sites,
            extra_index: pool.extra_index,
            lists,
            list_w,
            notes,
        })
    }

    /// Is pool site `c` at least the minimum separation from every site in
    /// `chosen` (ignoring position `skip`)?
    fn separated(&self, c: usize, chosen: &[usize], skip: Option<usize>) -> bool {
        let Some(sep) = self.min_separation else {
            return true;
        };
        let p = self.pool[c].xy;
        chosen.iter().enumerate().all(|(k, &s)| {
            if Some(k) == skip {
                return true;
            }
            let q = self.pool[s].xy;
            let (dx, dy) = (p[0] - q[0], p[1] - q[1]);
            dx * dx + dy * dy >= sep * sep
        })
    }

    fn gain(&self, c: usize, covered: &[bool]) -> f64 {
        self.lists[c]
            .iter()
            .filter(|&&v| !covered[v as usize])
            .map(|&v| self.node_w[v as usize])
            .sum()
    }

    fn coverage(&self, chosen: &[usize]) -> f64 {
        let mut covered = vec![false; self.node_xy.len()];
        let mut total = 0.0;
        for &s in chosen {
            for &v in &self.lists[s] {
                if !covered[v as usize] {
                    covered[v as usize] = true;
                    total += self.node_w[v as usize];
                }
            }
        }
        total
    }

    /// Lazy greedy (CELF) from `seed`, up to `k` sites, choosing among pool
    /// sites `0..limit`. Stops early when no allowed candidate adds any
    /// weight.
    fn greedy(&self, k: usize, seed: &[usize], limit: usize) -> Vec<usize> {
        let mut covered = vec![false; self.node_xy.len()];
        let mut chosen: Vec<usize> = Vec::with_capacity(k);
        let mut in_chosen = vec![false; self.pool.len()];
        for &s in seed.iter().take(k) {
            chosen.push(s);
            in_chosen[s] = true;
            for &v in &self.lists[s] {
                covered[v as usize] = true;
            }
        }
        let round0 = chosen.len();
        let mut heap: BinaryHeap<Entry> = (0..limit)
            .filter(|&c| !in_chosen[c])
            .map(|c| Entry {
                gain: if round0 == 0 {
                    self.list_w[c]
                } else {
                    self.gain(c, &covered)
                },
                idx: c,
                round: round0,
            })
            .collect();
        while chosen.len() < k {
            let Some(e) = heap.pop() else { break };
            if !self.separated(e.idx, &chosen, None) {
                continue; // permanently: the chosen set only grows
            }
            if e.round == chosen.len() {
                if e.gain <= 0.0 {
                    break;
                }
                chosen.push(e.idx);
                for &v in &self.lists[e.idx] {
                    covered[v as usize] = true;
                }
            } else {
                heap.push(Entry {
                    gain: self.gain(e.idx, &covered),
                    idx: e.idx,
                    round: chosen.len(),
                });
            }
        }
        chosen
    }

    /// 1-swap local search: repeatedly make the single swap (one chosen site
    /// out, one unchosen allowed site in) that raises coverage most, until
    /// none does or [`MAX_SWAP_ROUNDS`] swaps. Returns the number of swaps.
    fn local_search(&self, chosen: &mut [usize]) -> usize {
        let mut count = vec![0u32; self.node_xy.len()];
        let mut in_chosen = vec![false; self.pool.len()];
        for &s in chosen.iter() {
            in_chosen[s] = true;
            for &v in &self.lists[s] {
                count[v as usize] += 1;
            }
        }
        // Ignore float noise: a swap must gain more than this.
        let tol = 1e-12 * self.total_weight.max(1.0);
        let mut swaps = 0;
        for _ in 0..MAX_SWAP_ROUNDS {
            let mut best: Option<(f64, usize, usize)> = None;
            for pos in 0..chosen.len() {
                let s = chosen[pos];
                let loss: f64 = self.lists[s]
                    .iter()
                    .filter(|&&v| count[v as usize] == 1)
                    .map(|&v| self.node_w[v as usize])
                    .sum();
                for &v in &self.lists[s] {
                    count[v as usize] -= 1;
                }
                for (c, &taken) in in_chosen.iter().enumerate() {
                    let bar = best.map_or(tol, |b| b.0.max(tol));
                    if taken || self.list_w[c] - loss <= bar {
                        continue;
                    }
                    if !self.separated(c, chosen, Some(pos)) {
                        continue;
                    }
                    let gain: f64 = self.lists[c]
                        .iter()
                        .filter(|&&v| count[v as usize] == 0)
                        .map(|&v| self.node_w[v as usize])
                        .sum();
                    if gain - loss > bar {
                        best = Some((gain - loss, pos, c));
                    }
                }
                for &v in &self.lists[s] {
                    count[v as usize] += 1;
                }
            }
            let Some((_, pos, c)) = best else { break };
            let s = chosen[pos];
            for &v in &self.lists[s] {
                count[v as usize] -= 1;
            }
            for &v in &self.lists[c] {
                count[v as usize] += 1;
            }
            in_chosen[s] = false;
            in_chosen[c] = true;
            chosen[pos] = c;
            swaps += 1;
        }
        swaps
    }

    /// Orders a chosen set as greedy would: largest marginal first (ties to
    /// the lower pool index), so marginals never increase down the list.
    /// Sites that would add nothing are dropped.
    fn greedy_order(&self, chosen: &[usize]) -> Vec<usize> {
        let mut left: Vec<usize> = chosen.to_vec();
        left.sort_unstable();
        let mut covered = vec![false; self.node_xy.len()];
        let mut out = Vec::with_capacity(left.len());
        while !left.is_empty() {
            let (k, g) = left
                .iter()
                .enumerate()
                .map(|(k, &c)| (k, self.gain(c, &covered)))
                .fold((0, f64::NEG_INFINITY), |b, x| if x.1 > b.1 { x } else { b });
            if g <= 0.0 {
                break;
            }
            let c = left.remove(k);
            for &v in &self.lists[c] {
                covered[v as usize] = true;
            }
            out.push(c);
        }
        out
    }

    fn note_short(&self, chosen: &[usize], k: usize, notes: &mut Vec<String>) {
        if chosen.len() < k && !self.pool.is_empty() {
            notes.push(format!(
                "only {} of the {k} sites requested add coverage{}; the others would reach no \
                 incident not already covered",
                chosen.len(),
                if self.min_separation.is_some() {
                    " at the minimum separation"
                } else {
                    ""
                }
            ));
        }
    }

    fn assemble(
        &self,
        points: &[WeightedPoint],
        ordered: &[usize],
        guarantee: String,
        notes: Vec<String>,
    ) -> Plan {
        let mut covered = vec![false; self.node_xy.len()];
        let mut total_cover = 0.0;
        let sites: Vec<PlannedSite> = ordered
            .iter()
            .map(|&c| {
                let mut marginal = 0.0;
                let mut covered_weight = 0.0;
                let mut covered_incidents = 0;
                let mut groups: BTreeMap<u16, u64> = BTreeMap::new();
                let mut hist = [[0.0f64; 24]; 7];
                for &v in &self.lists[c] {
                    let v = v as usize;
                    covered_weight += self.node_w[v];
                    covered_incidents += self.node_n[v];
                    if !covered[v] {
                        covered[v] = true;
                        marginal += self.node_w[v];
                    }
                    for &i in &self.node_points[self.node_start[v]..self.node_start[v + 1]] {
                        let p = &points[i as usize];
                        *groups.entry(p.group).or_default() += 1;
                        if let Some((d, h)) = p.when {
                            hist[d.num_days_from_monday() as usize][h as usize] += p.weight;
                        }
                    }
                }
                total_cover += marginal;
                PlannedSite {
                    name: self.pool[c].name.clone(),
                    xy: self.pool[c].xy,
                    covered_weight,
                    covered_incidents,
                    marginal_weight: marginal,
                    by_group: groups.into_iter().collect(),
                    best_window: best_window(&hist),
                }
            })
            .collect();
        let total = self.total_weight;
        Plan {
            sites,
            covered_weight: total_cover,
            total_weight: total,
            share: if total > 0.0 {
                (total_cover / total).clamp(0.0, 1.0)
            } else {
                0.0
            },
            guarantee,
            baseline: None,
            candidates_considered: self.pool.len(),
            notes,
        }
    }
}

/// Incidents at identical coordinates merged into nodes (first-seen
/// order), so coverage is computed once per place; see the [`Problem`]
/// fields of the same names.
struct Nodes {
    xy: Vec<[f64; 2]>,
    w: Vec<f64>,
    n: Vec<u64>,
    start: Vec<usize>,
    points: Vec<u32>,
}

impl Nodes {
    fn merge(points: &[WeightedPoint]) -> Self {
        let mut node_of: HashMap<(u64, u64), u32> = HashMap::with_capacity(points.len() / 4);
        let mut xy = Vec::new();
        let mut point_node = Vec::with_capacity(points.len());
        for p in points {
            // `+ 0.0` turns −0.0 into 0.0 so both hash alike.
            let key = ((p.xy[0] + 0.0).to_bits(), (p.xy[1] + 0.0).to_bits());
            let v = *node_of.entry(key).or_insert_with(|| {
                xy.push(p.xy);
                (xy.len() - 1) as u32
            });
            point_node.push(v);
        }
        let n_nodes = xy.len();
        let mut w = vec![0.0; n_nodes];
        let mut n = vec![0u64; n_nodes];
        for (p, &v) in points.iter().zip(&point_node) {
            w[v as usize] += p.weight;
            n[v as usize] += 1;
        }
        // CSR layout: node v's incidents are points[start[v]..start[v + 1]].
        let mut start = vec![0usize; n_nodes + 1];
        for &v in &point_node {
            start[v as usize + 1] += 1;
        }
        for v in 0..n_nodes {
            start[v + 1] += start[v];
        }
        let mut fill = start.clone();
        let mut node_points = vec![0u32; points.len()];
        for (i, &v) in point_node.iter().enumerate() {
            node_points[fill[v as usize]] = i as u32;
            fill[v as usize] += 1;
        }
        Nodes {
            xy,
            w,
            n,
            start,
            points: node_points,
        }
    }
}

/// The candidate sites considered: the given ones (or, with none given,
/// sites generated from the incidents), then the extra ones, less those in
/// an area to avoid.
struct CandidatePool {
    sites: Vec<Candidate>,
    /// How many of `sites` come from the given (or generated) candidates.
    n_given: usize,
    /// Each extra candidate's position in `sites`, `None` if avoided.
    extra_index: Vec<Option<usize>>,
}

impl CandidatePool {
    /// Builds the pool, adding a note for generated sites, dropped sites
    /// and an empty pool.
    fn new(
        candidates: &[Candidate],
        extra: &[Candidate],
        opts: &PlanOptions,
        nodes: &Nodes,
        notes: &mut Vec<String>,
    ) -> Self {
        let radius = opts.radius;
        let given: Vec<Candidate> = if candidates.is_empty() {
            let g = generate(&nodes.xy, &nodes.w, radius);
            if !g.is_empty() {
                notes.push(format!(
                    "no venues given: {} candidate sites were generated from incident locations \
                     (one per {:.0} m square, heaviest first)",
                    g.len(),
                    radius / 2.0
                ));
            }
            g
        } else {
            candidates.to_vec()
        };
        let allowed = |xy: [f64; 2]| !opts.avoid.iter().any(|ring| in_ring(xy, ring));
        let mut sites: Vec<Candidate> = given.into_iter().filter(|c| allowed(c.xy)).collect();
        let dropped = if candidates.is_empty() {
            0
        } else {
            candidates.len() - sites.len()
        };
        if dropped > 0 {
            notes.push(format!(
                "{dropped} candidate site{} in an area to avoid and {} not considered",
                if dropped == 1 { " lies" } else { "s lie" },
                if dropped == 1 { "was" } else { "were" }
            ));
        }
        let n_given = sites.len();
        let mut extra_index = Vec::with_capacity(extra.len());
        for c in extra {
            if allowed(c.xy) {
                extra_index.push(Some(sites.len()));
                sites.push(c.clone());
            } else {
                extra_index.push(None);
            }
        }
        if sites.is_empty() && !(candidates.is_empty() && nodes.xy.is_empty()) {
            notes.push("no candidate sites outside the areas to avoid".to_string());
        }
        CandidatePool {
            sites,
            n_given,
            extra_index,
        }
    }
}

/// Candidate sites from incident locations: per square of side `radius / 2`,
/// the heaviest node (ties: first seen), squares ranked by total weight.
fn generate(node_xy: &[[f64; 2]], node_w: &[f64], radius: f64) -> Vec<Candidate> {
    let cell = radius / 2.0;
    // key → (square weight, best node)
    let mut squares: HashMap<(i64, i64), (f64, usize)> = HashMap::new();
    for (v, (&xy, &w)) in node_xy.iter().zip(node_w).enumerate() {
        let key = ((xy[0] / cell).floor() as i64, (xy[1] / cell).floor() as i64);
        let e = squares.entry(key).or_insert((0.0, v));
        e.0 += w;
        if w > node_w[e.1] {
            e.1 = v;
        }
    }
    let mut ranked: Vec<((i64, i64), (f64, usize))> =
        squares.into_iter().filter(|(_, (w, _))| *w > 0.0).collect();
    ranked.sort_unstable_by(|a, b| b.1 .0.total_cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    ranked.truncate(MAX_GENERATED_CANDIDATES);
    ranked
        .into_iter()
        .map(|(_, (_, v))| {
            let xy = node_xy[v];
            Candidate {
                name: format!("Incident location E{:.0}, N{:.0}", xy[0], xy[1]),
                xy,
            }
        })
        .collect()
}

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// The [`WINDOW_HOURS`]-hour window with the most weight, wrapping past
/// midnight (and from Sunday into Monday); ties to the earliest start.
fn best_window(hist: &[[f64; 24]; 7]) -> Option<TimeWindow> {
    let total: f64 = hist.iter().flatten().sum();
    if total <= 0.0 {
        return None;
    }
    let mut best: Option<(f64, usize, usize)> = None;
    for d in 0..7 {
        for h in 0..24 {
            let w: f64 = (0..WINDOW_HOURS as usize)
                .map(|k| hist[(d + (h + k) / 24) % 7][(h + k) % 24])
                .sum();
            if best.is_none_or(|b| w > b.0) {
                best = Some((w, d, h));
            }
        }
    }
    best.map(|(w, d, h)| TimeWindow {
        day: WEEK[d],
        from_hour: h as u32,
        to_hour: ((h as u32) + WINDOW_HOURS) % 24,
        share: (w / total).clamp(0.0, 1.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn pt(x: f64, y: f64, w: f64) -> WeightedPoint {
        WeightedPoint {
            xy: [x, y],
            weight: w,
            group: 0,
            when: None,
        }
    }

    fn cand(name: &str, x: f64, y: f64) -> Candidate {
        Candidate {
            name: name.into(),
            xy: [x, y],
        }
    }

    /// Brute-force coverage of candidate subsets.
    fn brute_cover(points: &[WeightedPoint], sites: &[[f64; 2]], r: f64) -> f64 {
        points
            .iter()
            .filter(|p| {
                sites.iter().any(|s| {
                    let (dx, dy) = (p.xy[0] - s[0], p.xy[1] - s[1]);
                    dx * dx + dy * dy <= r * r
                })
            })
            .map(|p| p.weight)
            .sum()
    }

    /// Best coverage by exhaustive search over subsets of size ≤ k.
    fn optimum(points: &[WeightedPoint], cands: &[Candidate], k: usize, r: f64) -> f64 {
        let n = cands.len();
        let mut best = 0.0f64;
        for mask in 0u32..(1 << n) {
            if mask.count_ones() as usize > k {
                continue;
            }
            let sites: Vec<[f64; 2]> = (0..n)
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| cands[i].xy)
                .collect();
            best = best.max(brute_cover(points, &sites, r));
        }
        best
    }

    /// Plain (non-lazy) greedy: rescans every candidate every round.
    fn plain_greedy(points: &[WeightedPoint], cands: &[Candidate], k: usize, r: f64) -> Vec<usize> {
        let mut chosen: Vec<usize> = Vec::new();
        for _ in 0..k {
            let sites: Vec<[f64; 2]> = chosen.iter().map(|&c| cands[c].xy).collect();
            let base = brute_cover(points, &sites, r);
            let mut best: Option<(f64, usize)> = None;
            for (c, cand) in cands.iter().enumerate() {
                if chosen.contains(&c) {
                    continue;
                }
                let mut s = sites.clone();
                s.push(cand.xy);
                let g = brute_cover(points, &s, r) - base;
                if best.is_none_or(|b| g > b.0 + 1e-9) {
                    best = Some((g, c));
                }
            }
            match best {
                Some((g, c)) if g > 1e-9 => chosen.push(c),
                _ => break,
            }
        }
        chosen
    }

    fn random_instance(seed: u64) -> (Vec<WeightedPoint>, Vec<Candidate>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let n_pts = rng.gen_range(5..60);
        let pts: Vec<WeightedPoint> = (0..n_pts)
            .map(|_| {
                // Snap to a 50 m lattice so some incidents share a location.
                let x = (rng.gen_range(0.0..2000.0f64) / 50.0).round() * 50.0;
                let y = (rng.gen_range(0.0..2000.0f64) / 50.0).round() * 50.0;
                WeightedPoint {
                    xy: [x, y],
                    weight: rng.gen_range(1..6) as f64,
                    group: rng.gen_range(0..3),
                    when: None,
                }
            })
            .collect();
        let n_c = rng.gen_range(1..=12);
        let cands = (0..n_c)
            .map(|i| {
                cand(
                    &format!("c{i}"),
                    rng.gen_range(0.0..2000.0),
                    rng.gen_range(0.0..2000.0),
                )
            })
            .collect();
        (pts, cands)
    }

    #[test]
    fn greedy_against_exhaustive_optimum() {
        let bound = 1.0 - (-1.0f64).exp();
        let mut below_opt = 0;
        for seed in 0..300 {
            let (pts, cands) = random_instance(seed);
            for k in 1..=3 {
                let opts = PlanOptions {
                    sites: k,
                    radius: 400.0,
                    ..PlanOptions::default()
                };
                let p = plan(&pts, &cands, &opts).unwrap();
                let opt = optimum(&pts, &cands, k, 400.0);
                assert!(
                    p.covered_weight >= bound * opt - 1e-9,
                    "seed {seed} k {k}: greedy {} < (1-1/e)·{opt}",
                    p.covered_weight
                );
                assert!(p.covered_weight <= opt + 1e-9);
                // Reported coverage is the true (brute-force) coverage.
                let sites: Vec<[f64; 2]> = p.sites.iter().map(|s| s.xy).collect();
                assert!((brute_cover(&pts, &sites, 400.0) - p.covered_weight).abs() < 1e-9);
                // Lazy greedy picks exactly what plain greedy picks.
                let want: Vec<String> = plain_greedy(&pts, &cands, k, 400.0)
                    .into_iter()
                    .map(|c| cands[c].name.clone())
                    .collect();
                let got: Vec<String> = p.sites.iter().map(|s| s.name.clone()).collect();
                assert_eq!(got, want, "seed {seed} k {k}");
                if p.covered_weight < opt - 1e-9 {
                    below_opt += 1;
                }
                // Local search is at least greedy and never above the optimum.
                let q = plan_at_least(&pts, &cands, &opts, &[]).unwrap();
                assert!(q.covered_weight >= p.covered_weight - 1e-9);
                assert!(q.covered_weight <= opt + 1e-9);
            }
        }
        // Not a requirement, but greedy should usually be optimal on these.
        assert!(
            below_opt < 100,
            "greedy below optimum in {below_opt} of 900 cases"
        );
    }

    #[test]
    fn plan_at_least_never_below_baseline_nor_greedy() {
        for seed in 0..300 {
            let (pts, cands) = random_instance(1000 + seed);
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            for k in 1..=3 {
                let baseline: Vec<[f64; 2]> = (0..k)
                    .map(|_| [rng.gen_range(0.0..2000.0), rng.gen_range(0.0..2000.0)])
                    .collect();
                let opts = PlanOptions {
                    sites: k,
                    radius: 400.0,
                    ..PlanOptions::default()
                };
                let g = plan(&pts, &cands, &opts).unwrap();
                let q = plan_at_least(&pts, &cands, &opts, &baseline).unwrap();
                let b = q.baseline.unwrap();
                assert!((b.covered_weight - brute_cover(&pts, &baseline, 400.0)).abs() < 1e-9);
                assert!(
                    q.covered_weight >= b.covered_weight - 1e-9,
                    "seed {seed} k {k}: {} < {}; {:?} {:?} {:?}",
                    q.covered_weight,
                    b.covered_weight,
                    q.sites
                        .iter()
                        .map(|s| (&s.name, s.marginal_weight))
                        .collect::<Vec<_>>(),
                    q.notes,
                    baseline
                );
                assert!(
                    q.covered_weight >= g.covered_weight - 1e-9,
                    "seed {seed} k {k}"
                );
                assert!(b.gain >= -1e-9);
                let sites: Vec<[f64; 2]> = q.sites.iter().map(|s| s.xy).collect();
                assert!((brute_cover(&pts, &sites, 400.0) - q.covered_weight).abs() < 1e-9);
                assert!(q.sites.len() <= k);
                for w in q.sites.windows(2) {
                    assert!(w[1].marginal_weight <= w[0].marginal_weight + 1e-9);
                }
            }
        }
    }

    #[test]
    fn baseline_better_than_greedy_is_matched() {
        // Greedy's classic trap (radius 100 m, on a line): the middle venue
        // reaches 3 + 3 = 6, more than either end site (2 + 3 = 5), so greedy
        // takes it first and then adds only 2; the two end sites cover 10.
        let mut pts = vec![pt(-100.0, 0.0, 2.0), pt(0.0, 0.0, 3.0)];
        pts.extend([pt(200.0, 0.0, 3.0), pt(300.0, 0.0, 2.0)]);
        let cands = vec![
            cand("Middle", 100.0, 0.0),
            cand("West", -50.0, 0.0),
            cand("East", 250.0, 0.0),
        ];
        let opts = PlanOptions {
            sites: 2,
            radius: 100.0,
            ..PlanOptions::default()
        };
        let g = plan(&pts, &cands, &opts).unwrap();
        assert_eq!(g.sites[0].name, "Middle");
        assert_eq!(g.covered_weight, 8.0);
        assert_eq!(optimum(&pts, &cands, 2, 100.0), 10.0);
        // With the ends as the naive baseline, the plan must reach 10.
        let q = plan_at_least(&pts, &cands[..1], &opts, &[[-50.0, 0.0], [250.0, 0.0]]).unwrap();
        assert_eq!(q.covered_weight, 10.0);
        assert_eq!(q.baseline.unwrap().gain, 0.0);
        assert!(
            q.notes.iter().any(|n| n.contains("local search")),
            "{:?}",
            q.notes
        );
        // Local search finds it from the venues alone, too.
        let q = plan_at_least(&pts, &cands, &opts, &[]).unwrap();
        assert_eq!(q.covered_weight, 10.0);
        assert!(q.guarantee.starts_with(GUARANTEE));
    }

    #[test]
    fn each_incident_counted_once() {
        let pts = vec![pt(0.0, 0.0, 2.0), pt(100.0, 0.0, 3.0), pt(5000.0, 0.0, 7.0)];
        let cands = vec![
            cand("A", 0.0, 0.0),
            cand("B", 100.0, 0.0),
            cand("C", 50.0, 0.0),
        ];
        let opts = PlanOptions {
            sites: 3,
            radius: 200.0,
            ..PlanOptions::default()
        };
        let p = plan(&pts, &cands, &opts).unwrap();
        // The first site covers both near incidents; nothing else adds.
        assert_eq!(p.sites.len(), 1);
        assert_eq!(p.sites[0].name, "A");
        assert_eq!(p.covered_weight, 5.0);
        assert_eq!(p.total_weight, 12.0);
        assert!((p.share - 5.0 / 12.0).abs() < 1e-12);
        assert!(p.notes.iter().any(|n| n.contains("only 1 of the 3")));
        assert_eq!(coverage_of(&pts, &[[0.0, 0.0], [100.0, 0.0]], 200.0), 5.0);
        assert_eq!(coverage_of(&pts, &[], 200.0), 0.0);
    }

    #[test]
    fn avoid_polygons_respected() {
        let pts = vec![pt(0.0, 0.0, 10.0), pt(800.0, 0.0, 1.0)];
        let cands = vec![
            cand("Inside", 0.0, 0.0),
            cand("Edge", 350.0, 0.0),
            cand("Far", 800.0, 0.0),
        ];
        let square = vec![
            [-100.0, -100.0],
            [100.0, -100.0],
            [100.0, 100.0],
            [-100.0, 100.0],
        ];
        let opts = PlanOptions {
            sites: 1,
            radius: 400.0,
            avoid: vec![square.clone()],
            min_separation: None,
        };
        let p = plan(&pts, &cands, &opts).unwrap();
        assert_eq!(p.sites[0].name, "Edge");
        assert_eq!(p.candidates_considered, 2);
        assert!(p.notes.iter().any(|n| n.contains("1 candidate site lies")));
        // Generated candidates are filtered too, and so are baseline sites.
        let g = plan(&pts, &[], &opts).unwrap();
        assert!(g.sites.iter().all(|s| !in_ring(s.xy, &square)));
        let q = plan_at_least(&pts, &cands, &opts, &[[0.0, 0.0]]).unwrap();
        assert!(q.sites.iter().all(|s| !in_ring(s.xy, &square)));
        assert!(q
            .notes
            .iter()
            .any(|n| n.contains("baseline site 1 lies in an area to avoid")));
        // The comparison still uses the baseline as given.
        assert_eq!(q.baseline.unwrap().covered_weight, 10.0);
    }

    #[test]
    fn min_separation_respected() {
        let pts: Vec<WeightedPoint> = (0..20).map(|i| pt(i as f64 * 20.0, 0.0, 1.0)).collect();
        let cands: Vec<Candidate> = (0..20)
            .map(|i| cand(&format!("c{i}"), i as f64 * 20.0, 0.0))
            .collect();
        let opts = PlanOptions {
            sites: 3,
            radius: 60.0,
            avoid: vec![],
            min_separation: Some(150.0),
        };
        for p in [
            plan(&pts, &cands, &opts).unwrap(),
            plan_at_least(&pts, &cands, &opts, &[[0.0, 0.0], [100.0, 0.0]]).unwrap(),
        ] {
            for a in &p.sites {
                for b in &p.sites {
                    if a.name != b.name {
                        assert!((a.xy[0] - b.xy[0]).abs() >= 150.0);
                    }
                }
            }
        }
    }

    #[test]
    fn best_window_hand_case() {
        let mk = |d: Weekday, h: u32, w: f64| WeightedPoint {
            xy: [0.0, 0.0],
            weight: w,
            group: 1,
            when: Some((d, h)),
        };
        // Friday 22:00–02:00 (Sat) holds 2 + 1 + 3 + 1 = 7 of 10.
        let pts = vec![
            mk(Weekday::Fri, 22, 2.0),
            mk(Weekday::Fri, 23, 1.0),
            mk(Weekday::Sat, 0, 3.0),
            mk(Weekday::Sat, 1, 1.0),
            mk(Weekday::Mon, 9, 2.0),
            mk(Weekday::Wed, 15, 1.0),
            WeightedPoint {
                when: None,
                ..mk(Weekday::Mon, 0, 50.0)
            },
        ];
        let p = plan(&pts, &[cand("Here", 0.0, 0.0)], &PlanOptions::default()).unwrap();
        let w = p.sites[0].best_window.unwrap();
        assert_eq!((w.day, w.from_hour, w.to_hour), (Weekday::Fri, 22, 2));
        assert!((w.share - 0.7).abs() < 1e-12);
        assert_eq!(p.sites[0].by_group, vec![(1, 7)]);
        assert_eq!(p.sites[0].covered_incidents, 7);
        // Sunday night wraps into Monday morning.
        let pts = vec![
            mk(Weekday::Sun, 23, 1.0),
            mk(Weekday::Mon, 0, 1.0),
            mk(Weekday::Mon, 1, 1.0),
        ];
        let p = plan(&pts, &[cand("Here", 0.0, 0.0)], &PlanOptions::default()).unwrap();
        let w = p.sites[0].best_window.unwrap();
        assert_eq!(
            (w.day, w.from_hour, w.to_hour, w.share),
            (Weekday::Sun, 22, 2, 1.0)
        );
        // Ties go to the earliest start in the week (from Monday 00:00): an
        // incident at Monday 02:00 lies in the windows starting Sunday 23:00
        // and Monday 00:00–02:00; Monday 00:00 comes first.
        let p = plan(
            &[mk(Weekday::Mon, 2, 1.0)],
            &[cand("Here", 0.0, 0.0)],
            &PlanOptions::default(),
        )
        .unwrap();
        let w = p.sites[0].best_window.unwrap();
        assert_eq!((w.day, w.from_hour), (Weekday::Mon, 0));
        // No times: no window.
        let p = plan(
            &[pt(0.0, 0.0, 1.0)],
            &[cand("Here", 0.0, 0.0)],
            &PlanOptions::default(),
        )
        .unwrap();
        assert_eq!(p.sites[0].best_window, None);
    }

    #[test]
    fn generated_candidates_from_incident_locations() {
        let mut pts = vec![pt(1000.0, 1000.0, 1.0); 10];
        pts.extend(vec![pt(1050.0, 1020.0, 1.0); 3]);
        pts.extend(vec![pt(5000.0, 5000.0, 1.0); 4]);
        let opts = PlanOptions {
            sites: 2,
            radius: 400.0,
            ..PlanOptions::default()
        };
        let p = plan(&pts, &[], &opts).unwrap();
        assert_eq!(p.sites[0].xy, [1000.0, 1000.0]);
        assert_eq!(p.sites[0].name, "Incident location E1000, N1000");
        assert_eq!(p.sites[1].xy, [5000.0, 5000.0]);
        assert_eq!(p.covered_weight, 17.0);
        assert_eq!(p.share, 1.0);
    }

    #[test]
    fn refuses_bad_input() {
        let pts = vec![pt(0.0, 0.0, 1.0)];
        let c = vec![cand("A", 0.0, 0.0)];
        let bad = |o: PlanOptions| plan(&pts, &c, &o).is_err();
        assert!(bad(PlanOptions {
            sites: 0,
            ..PlanOptions::default()
        }));
        assert!(bad(PlanOptions {
            radius: 0.0,
            ..PlanOptions::default()
        }));
        assert!(bad(PlanOptions {
            radius: f64::NAN,
            ..PlanOptions::default()
        }));
        assert!(bad(PlanOptions {
            min_separation: Some(-1.0),
            ..PlanOptions::default()
        }));
        assert!(bad(PlanOptions {
            avoid: vec![vec![[0.0, 0.0], [1.0, 1.0]]],
            ..PlanOptions::default()
        }));
        let o = PlanOptions::default();
        assert!(plan(&[pt(f64::NAN, 0.0, 1.0)], &c, &o).is_err());
        assert!(plan(&[pt(0.0, 0.0, -1.0)], &c, &o).is_err());
        assert!(plan(&pts, &[cand("X", f64::INFINITY, 0.0)], &o).is_err());
        let late = WeightedPoint {
            when: Some((Weekday::Mon, 24)),
            ..pts[0]
        };
        assert!(plan(&[late], &c, &o).is_err());
        let one = PlanOptions {
            sites: 1,
            ..PlanOptions::default()
        };
        assert!(plan_at_least(&pts, &c, &one, &[[0.0, 0.0], [1.0, 1.0]]).is_err());
        // Empty inputs are not errors.
        let p = plan(&[], &c, &o).unwrap();
        assert!(p.sites.is_empty() && p.total_weight == 0.0 && p.share == 0.0);
        let p = plan(&pts, &[], &o).unwrap();
        assert_eq!(p.covered_weight, 1.0);
    }
}
