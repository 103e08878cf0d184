//! The Knox test for space-time interaction (near-repeat analysis).
//!
//! Knox (1964) counted pairs of events that are close in both space and time
//! and asked whether there are more of them than the spatial and temporal
//! distributions alone would produce. Johnson & Bowers (2004) and Townsley,
//! Homel & Chaseling (2003) used it to show that burglary risk is
//! *communicable*: after a burglary, homes nearby are at raised risk for a few
//! weeks ("near repeats"). The output is the same as the Near Repeat
//! Calculator's (Ratcliffe 2009): a table over spatial bands × temporal bands
//! of observed pair counts, their expected values under no space-time
//! interaction, the Knox ratio observed/expected and a Monte Carlo p-value.
//!
//! # Bands
//!
//! Given increasing upper bounds `b₁ < b₂ < … < b_K`, space band 1 is
//! `[0, b₁]` (so co-located pairs, common with geocoded or snapped
//! locations, fall in the first band), band k is `(b_{k−1}, b_k]`, and a final open band holds
//! `> b_K`. Time bands work the same way on `|t_i − t_j|` in whole days:
//! with bounds `[7, 14]` the bands are `0–7 days`, `8–14 days`, `> 14 days`
//! (same-day pairs are 0 days apart).
//!
//! # Significance
//!
//! Under the null hypothesis the times are exchangeable between locations, so
//! the reference distribution comes from randomly permuting the times among
//! the locations (Mantel 1967; this keeps both marginal distributions) and
//! recounting. The p-value of a cell is `(1 + #{permutations with count ≥
//! observed}) / (1 + permutations)` (Davison & Hinkley 1997), so it lies in
//! `(0, 1]` and the smallest attainable value with 999 permutations is 0.001.
//! The expected count is the mean count over the permutations.
//!
//! Permutation `r` (0-based) draws from its own ChaCha8 stream: the generator
//! is seeded with `seed` and set to stream `r + 1`. Results depend only on
//! the inputs and the seed, never on the number of rayon threads.
//!
//! # How it is fast
//!
//! Counting all `n(n−1)/2` pairs for every permutation is `O(n² × P)`:
//! 4·10¹¹ pair visits for 20,000 burglaries and 999 permutations. But the
//! spatial distances never change between permutations, only the times move.
//! So the pairs within the largest finite distance band are found once with a
//! grid (cell size = that distance) and stored by space band; each
//! permutation recounts time bands over that list only. The open-ended space
//! band needs no list: the time-band histogram over *all* pairs is the same
//! for every permutation (it depends only on the multiset of times), so the
//! open band's counts are that histogram minus the close bands' counts.
//!
//! Permutations then run eight at a time: the eight permuted time vectors
//! are interleaved, so one pass over the close-pair list serves all eight,
//! and with days as `u16` (spans up to 179 years) the eight gaps of a pair
//! fit one 128-bit vector; each time bound keeps counters of "gap ≤ bound"
//! (compare and add, no scatter). Batches run on rayon threads.
//! Memory: 8 bytes per close pair (refused above [`MAX_CLOSE_PAIRS`]).
//! Vancouver's 21,918 thefts of 2020 have 5.5 million pairs within 400 m;
//! 999 permutations take about 1.2 s on 2 cores.
//!
//! # Reading the result
//!
//! A ratio above 1 with a small p-value in the short-distance, short-time
//! cells is the near-repeat signature. The test detects space-time
//! *interaction*; changes in the population at risk over time in one part
//! of the area (a new estate, a student term) can also produce it, and
//! 25 cells tested at 0.05 will show about one "significant" cell by chance.
//! The shuffle acts on the events in the grid order used internally, so a
//! given seed reproduces a result for the same input, in any order of
//! threads, but not across versions that change that order.

pub use hotspot_core::options::Metric;
use std::collections::HashMap;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use hotspot_core::knox::{KnoxCell, KnoxResult};

use crate::SpaceTimeError;

/// Largest accepted time-band bound in days (100 years); bands are looked up
/// in a table of this size at most.
pub const MAX_TIME_BOUND_DAYS: u32 = 36_600;
/// Most pairs within the largest distance band that a test may hold (8 bytes
/// each, so 1.6 GB); beyond this the test is refused rather than exhausting
/// memory. 20,000 burglaries over a district typically give well under 10
/// million.
pub const MAX_CLOSE_PAIRS: u64 = 200_000_000;
/// Largest accepted number of finite bands in each dimension.
pub const MAX_BANDS: usize = 64;

/// Upper bounds of the finite bands; an open-ended band beyond the last bound
/// is always added. See the module documentation for the exact intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnoxBands {
    /// Distance bounds in metres, strictly increasing, ≥ 0, finite; e.g.
    /// `[100, 200, 300, 400]`.
    pub space: Vec<f64>,
    /// Time bounds in days, strictly increasing; e.g. `[7, 14, 21, 28]`.
    pub time: Vec<u32>,
}

impl Default for KnoxBands {
    /// Four 100 m bands and four 7-day bands, a common near-repeat burglary
    /// set-up (as offered by the Near Repeat Calculator).
    fn default() -> Self {
        Self {
            space: vec![100.0, 200.0, 300.0, 400.0],
            time: vec![7, 14, 21, 28],
        }
    }
}

/// Options for [`knox_test`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnoxOptions {
    pub bands: KnoxBands,
    pub metric: Metric,
    /// Monte Carlo permutations (at least 1; 999 gives p-values to 0.001).
    pub permutations: usize,
    /// Seed for the permutation streams; the same seed gives the same result.
    pub seed: u64,
}

impl Default for KnoxOptions {
    /// Default bands, Euclidean distance, 999 permutations, seed 1.
    fn default() -> Self {
        Self {
            bands: KnoxBands::default(),
            metric: Metric::Euclidean,
            permutations: 999,
            seed: 1,
        }
    }
}

/// Runs the Knox test with Monte Carlo significance.
///
/// `points[i]` is the location of event `i` in metres and `days[i]` its date
/// as a day number (e.g. days since 1970-01-01); only differences matter.
/// Errors: fewer than 2 events, lengths differ, a non-finite coordinate,
/// invalid bands (empty, not strictly increasing, negative or non-finite
/// distances, more than [`MAX_BANDS`], a time bound above
/// [`MAX_TIME_BOUND_DAYS`]), or 0 permutations.
///
/// ```
/// use hotspot_spacetime::{knox_test, KnoxBands, KnoxOptions, Metric};
/// // Two burglaries next door within a week, two far away months apart.
/// let points = [[0.0, 0.0], [50.0, 0.0], [5000.0, 0.0], [9000.0, 0.0]];
/// let days = [0, 3, 100, 200];
/// let opts = KnoxOptions {
///     bands: KnoxBands { space: vec![100.0], time: vec![7] },
///     metric: Metric::Euclidean,
///     permutations: 99,
///     seed: 7,
/// };
/// let r = knox_test(&points, &days, &opts).unwrap();
/// assert_eq!(r.pairs, 6);
/// let close = r.cell(0, 0);
/// assert_eq!((close.space_label.as_str(), close.time_label.as_str()), ("0–100 m", "0–7 days"));
/// assert_eq!(close.observed, 1);
/// assert_eq!(r.cell(1, 1).space_label, "> 100 m");
/// assert_eq!(r.cell(1, 1).time_label, "> 7 days");
/// assert!(close.p_value > 0.0 && close.p_value <= 1.0);
/// assert!(r.headline().starts_with("Pairs 0–100 m and 0–7 days apart: 1 observed"));
/// ```
pub fn knox_test(
    points: &[[f64; 2]],
    days: &[i64],
    opts: &KnoxOptions,
) -> Result<KnoxResult, SpaceTimeError> {
    let n = points.len();
    validate(points, days, opts)?;
    let space = &opts.bands.space;
    let time = &opts.bands.time;
    let ns = space.len() + 1;
    let nt = time.len() + 1;

    let lut = time_lut(time);
    let (order, close) = close_pairs(points, opts.metric, space)?;
    let close_pairs: u64 = close.iter().map(|b| b.len() as u64).sum();
    let all_time = all_pairs_time_histogram(days, time);
    let pairs = (n as u64) * (n as u64 - 1) / 2;

    // Days in the grid order of `close_pairs`' indices, relative to the
    // earliest, in the narrowest integer type that holds them: 20,000 days
    // as u16 take 40 kB and stay in L1 cache during the permutations.
    let t0 = *days.iter().min().expect("n >= 2");
    let span = day_span(days).expect("validated");
    let rel = order.iter().map(|&i| days[i as usize] - t0);
    let table = Table {
        close: &close,
        time,
        lut: &lut,
        all_time: &all_time,
        ns,
        nt,
    };
    let (observed, sum, ge) = if span <= u16::MAX as i64 {
        table.monte_carlo(&rel.map(|d| d as u16).collect::<Vec<_>>(), opts)
    } else {
        table.monte_carlo(&rel.map(|d| d as u32).collect::<Vec<_>>(), opts)
    };
    let cells = ns * nt;

    let space_labels = space_labels(space);
    let time_labels = time_labels(time);
    let p = opts.permutations as f64;
    let mut out = Vec::with_capacity(cells);
    for (s, space_label) in space_labels.iter().enumerate() {
        for (t, time_label) in time_labels.iter().enumerate() {
            let c = s * nt + t;
            let expected = sum[c] as f64 / p;
            let ratio = if expected > 0.0 {
                observed[c] as f64 / expected
            } else {
                f64::NAN
            };
            let p_value = (1.0 + ge[c] as f64) / (1.0 + p);
            out.push(KnoxCell {
                space_label: space_label.clone(),
                time_label: time_label.clone(),
                space_band: s,
                time_band: t,
                observed: observed[c],
                expected,
                ratio,
                p_value,
                significant: p_value < 0.05,
            });
        }
    }
    Ok(KnoxResult {
        n,
        pairs,
        cells: out,
        space_bands: ns,
        time_bands: nt,
        close_pairs,
        permutations: opts.permutations,
        seed: opts.seed,
        metric: opts.metric,
    })
}

/// A day number relative to the earliest event.
trait Day: Copy + Send + Sync + Sized {
    fn gap(self, other: Self) -> u32;

    /// Close-band counts for [`LANES`] interleaved permutations; see
    /// [`count_close_lanes`].
    fn count_lanes(table: &Table, tt: &[Self], cells: usize, out: &mut [u64]) {
        count_close_lanes(table.close, tt, table.lut, table.nt, cells, out);
    }
}

impl Day for u16 {
    #[inline]
    fn gap(self, other: Self) -> u32 {
        self.abs_diff(other) as u32
    }

    /// Vectorisable form: eight u16 gaps fit one 128-bit register, and
    /// instead of a histogram (a scatter) each time bound keeps eight
    /// counters of "gap ≤ bound" (compare and add); band counts follow by
    /// differences. The u16 counters are flushed before they can overflow.
    fn count_lanes(table: &Table, tt: &[Self], cells: usize, out: &mut [u64]) {
        let bounds: Vec<u16> = table
            .time
            .iter()
            .map(|&b| b.min(u16::MAX as u32) as u16)
            .collect();
        let nt = table.nt;
        for (k, band) in table.close.iter().enumerate() {
            let mut le = vec![[0u64; LANES]; bounds.len()];
            let mut acc = vec![[0u16; LANES]; bounds.len()];
            for chunk in band.chunks(u16::MAX as usize) {
                for &(i, j) in chunk {
                    let a: &[u16; LANES] = tt[i as usize * LANES..][..LANES]
                        .try_into()
                        .expect("lane block");
                    let b: &[u16; LANES] = tt[j as usize * LANES..][..LANES]
                        .try_into()
                        .expect("lane block");
                    let mut d = [0u16; LANES];
                    for x in 0..LANES {
                        d[x] = a[x].abs_diff(b[x]);
                    }
                    for (acc, &bound) in acc.iter_mut().zip(&bounds) {
                        for x in 0..LANES {
                            acc[x] += u16::from(d[x] <= bound);
                        }
                    }
                }
                for (le, acc) in le.iter_mut().zip(acc.iter_mut()) {
                    for x in 0..LANES {
                        le[x] += u64::from(acc[x]);
                        acc[x] = 0;
                    }
                }
            }
            let total = band.len() as u64;
            for x in 0..LANES {
                let row = &mut out[x * cells + k * nt..][..nt];
                let mut prev = 0;
                for (r, le) in row.iter_mut().zip(&le) {
                    *r += le[x] - prev;
                    prev = le[x];
                }
                row[nt - 1] += total - prev;
            }
        }
    }
}

impl Day for u32 {
    #[inline]
    fn gap(self, other: Self) -> u32 {
        self.abs_diff(other)
    }
}

/// What stays fixed across permutations.
struct Table<'a> {
    close: &'a [Vec<(u32, u32)>],
    time: &'a [u32],
    lut: &'a [u8],
    all_time: &'a [u64],
    ns: usize,
    nt: usize,
}

impl Table<'_> {
    /// Full `(K+1) × (L+1)` counts for the times `t` (in close-pair index
    /// order) written to `out`.
    fn count<T: Day>(&self, t: &[T], out: &mut [u64]) {
        out.iter_mut().for_each(|c| *c = 0);
        count_close(self.close, t, self.lut, self.nt, out);
        fill_open_row(out, self.all_time, self.ns, self.nt);
    }

    /// Observed counts, and over the permutations the sum of counts and the
    /// number of counts ≥ observed, per cell.
    ///
    /// Permutations run in batches of [`LANES`]: the batch's permuted times
    /// are interleaved (`tt[p * LANES + k]` = time of event `p` in lane `k`)
    /// so one pass over the close-pair list, which can be tens of megabytes,
    /// serves eight permutations; the pass is then bound by arithmetic, not
    /// memory bandwidth.
    ///
    /// Each permutation is reproducible from `(seed, index)` alone and the
    /// accumulators are integers, so the batching, the reduction order and
    /// the number of threads cannot change the result.
    fn monte_carlo<T: Day>(&self, t: &[T], opts: &KnoxOptions) -> (Vec<u64>, Vec<u64>, Vec<u64>) {
        let n = t.len();
        let cells = self.ns * self.nt;
        let mut observed = vec![0u64; cells];
        self.count(t, &mut observed);
        let zero = || (vec![0u64; cells], vec![0u64; cells]);
        let perms = opts.permutations;
        let (sum, ge) = (0..perms.div_ceil(LANES))
            .into_par_iter()
            .fold(
                || {
                    (
                        zero(),
                        vec![t[0]; n * LANES],
                        t.to_vec(),
                        vec![0u64; LANES * cells],
                    )
                },
                |((mut sum, mut ge), mut tt, mut perm, mut counts), batch| {
                    let first = batch * LANES;
                    let lanes = (perms - first).min(LANES);
                    for k in 0..LANES {
                        perm.copy_from_slice(t);
                        if k < lanes {
                            perm.shuffle(&mut permutation_rng(opts.seed, first + k));
                        }
                        for (p, &v) in perm.iter().enumerate() {
                            tt[p * LANES + k] = v;
                        }
                    }
                    counts.iter_mut().for_each(|c| *c = 0);
                    T::count_lanes(self, &tt, cells, &mut counts);
                    for lane in counts.chunks_exact_mut(cells).take(lanes) {
                        fill_open_row(lane, self.all_time, self.ns, self.nt);
                        for c in 0..cells {
                            sum[c] += lane[c];
                            ge[c] += u64::from(lane[c] >= observed[c]);
                        }
                    }
                    ((sum, ge), tt, perm, counts)
                },
            )
            .map(|(acc, _, _, _)| acc)
            .reduce(zero, |(mut s1, mut g1), (s2, g2)| {
                for c in 0..cells {
                    s1[c] += s2[c];
                    g1[c] += g2[c];
                }
                (s1, g1)
            });
        (observed, sum, ge)
    }
}

/// Permutations counted together in one pass over the close pairs.
const LANES: usize = 8;

/// [`count_close`] for [`LANES`] interleaved time vectors at once: adds lane
/// `k`'s close-band counts to `out[k * cells ..]`.
fn count_close_lanes<T: Day>(
    close: &[Vec<(u32, u32)>],
    tt: &[T],
    lut: &[u8],
    nt: usize,
    cells: usize,
    out: &mut [u64],
) {
    let cap = (lut.len() - 1) as u32;
    for (k, band) in close.iter().enumerate() {
        let mut h = [[0u64; MAX_BANDS + 1]; LANES];
        for &(i, j) in band {
            let a: &[T; LANES] = tt[i as usize * LANES..][..LANES]
                .try_into()
                .expect("lane block");
            let b: &[T; LANES] = tt[j as usize * LANES..][..LANES]
                .try_into()
                .expect("lane block");
            for lane in 0..LANES {
                let d = a[lane].gap(b[lane]).min(cap) as usize;
                h[lane][lut[d] as usize] += 1;
            }
        }
        for (lane, hist) in h.iter().enumerate() {
            let row = &mut out[lane * cells + k * nt..][..nt];
            for (r, &c) in row.iter_mut().zip(hist) {
                *r += c;
            }
        }
    }
}

/// The generator for permutation `index`: ChaCha8 seeded from `seed`, on
/// stream `index + 1` (stream 0 is left for any future unpermuted use).
fn permutation_rng(seed: u64, index: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index as u64 + 1);
    rng
}

fn validate(points: &[[f64; 2]], days: &[i64], opts: &KnoxOptions) -> Result<(), SpaceTimeError> {
    let n = points.len();
    if days.len() != n {
        return Err(SpaceTimeError::LengthMismatch {
            what: "event days (one per point)",
            expected: n,
            found: days.len(),
        });
    }
    if n < 2 {
        return Err(SpaceTimeError::TooFew {
            what: "events for a Knox test",
            needed: 2,
            found: n,
        });
    }
    if n > u32::MAX as usize {
        return Err(SpaceTimeError::InvalidInput(format!(
            "too many events for a Knox test: {n}"
        )));
    }
    if let Some(i) = points
        .iter()
        .position(|p| !p[0].is_finite() || !p[1].is_finite())
    {
        return Err(SpaceTimeError::InvalidInput(format!(
            "event {i} has a non-finite coordinate ({}, {})",
            points[i][0], points[i][1]
        )));
    }
    match day_span(days) {
        Some(span) if span <= u32::MAX as i64 => {}
        _ => {
            return Err(SpaceTimeError::InvalidInput(
                "event dates span more than 4 billion days; check the day numbers".into(),
            ))
        }
    }
    let space = &opts.bands.space;
    let bad_space = |reason: String| SpaceTimeError::InvalidBands {
        which: "distance",
        reason,
    };
    if space.is_empty() {
        return Err(bad_space("at least one distance bound is needed".into()));
    }
    if space.len() > MAX_BANDS {
        return Err(bad_space(format!("at most {MAX_BANDS} bands")));
    }
    if let Some(b) = space.iter().find(|b| !b.is_finite() || **b < 0.0) {
        return Err(bad_space(format!(
            "bounds must be finite and non-negative, found {b}"
        )));
    }
    if let Some(w) = space.windows(2).find(|w| w[1] <= w[0]) {
        return Err(bad_space(format!(
            "bounds must be strictly increasing, found {} then {}",
            w[0], w[1]
        )));
    }
    let time = &opts.bands.time;
    let bad_time = |reason: String| SpaceTimeError::InvalidBands {
        which: "time",
        reason,
    };
    if time.is_empty() {
        return Err(bad_time("at least one time bound is needed".into()));
    }
    if time.len() > MAX_BANDS {
        return Err(bad_time(format!("at most {MAX_BANDS} bands")));
    }
    if let Some(w) = time.windows(2).find(|w| w[1] <= w[0]) {
        return Err(bad_time(format!(
            "bounds must be strictly increasing, found {} then {}",
            w[0], w[1]
        )));
    }
    if let Some(b) = time.iter().find(|b| **b > MAX_TIME_BOUND_DAYS) {
        return Err(bad_time(format!(
            "bounds must be at most {MAX_TIME_BOUND_DAYS} days, found {b}"
        )));
    }
    if opts.permutations == 0 {
        return Err(SpaceTimeError::InvalidInput(
            "the Knox test needs at least 1 permutation (999 recommended)".into(),
        ));
    }
    Ok(())
}

/// Latest minus earliest day; `None` on overflow or no days.
fn day_span(days: &[i64]) -> Option<i64> {
    let lo = days.iter().min()?;
    let hi = days.iter().max()?;
    hi.checked_sub(*lo)
}

/// Band index of a value among increasing upper bounds: 0 for `[0, b₁]`,
/// k for `(b_k, b_{k+1}]`, `bounds.len()` beyond the last bound.
#[inline]
fn band_of(bounds: &[f64], d: f64) -> usize {
    bounds.partition_point(|&b| b < d)
}

/// `lut[d]` = time band of a pair `d` days apart, for `d` in
/// `0..=last bound + 1` (larger gaps are clamped to the last entry, which is
/// the open band).
fn time_lut(time: &[u32]) -> Vec<u8> {
    let last = *time.last().expect("validated non-empty") as usize;
    (0..=last + 1)
        .map(|d| time.partition_point(|&b| (b as usize) < d) as u8)
        .collect()
}

/// Close pairs `(i, j)` per space band, as positions in grid order.
type BandPairs = Vec<Vec<(u32, u32)>>;

/// Pairs `(i, j)`, `i < j`, within the largest distance bound, grouped by
/// space band. Grid of square cells as wide as the largest bound: a pair
/// within that distance (Euclidean or Manhattan, both ≥ the Chebyshev
/// distance) lies in the same or an adjacent cell, so each cell is paired
/// with itself and four "forward" neighbours, visiting each pair once.
///
/// Returns the grid order (`order[p]` = input index of the event at
/// position `p`) and the pairs as positions in that order. Refuses more than
/// [`MAX_CLOSE_PAIRS`] pairs.
fn close_pairs(
    points: &[[f64; 2]],
    metric: Metric,
    space: &[f64],
) -> Result<(Vec<u32>, BandPairs), SpaceTimeError> {
    let reach = *space.last().expect("validated non-empty");
    let cell = if reach > 0.0 { reach } else { 1.0 };
    let min_x = points.iter().map(|p| p[0]).fold(f64::INFINITY, f64::min);
    let min_y = points.iter().map(|p| p[1]).fold(f64::INFINITY, f64::min);
    let key = |p: &[f64; 2]| {
        (
            ((p[0] - min_x) / cell).floor() as i64,
            ((p[1] - min_y) / cell).floor() as i64,
        )
    };
    let keys: Vec<(i64, i64)> = points.iter().map(key).collect();
    let mut order: Vec<u32> = (0..points.len() as u32).collect();
    order.sort_unstable_by_key(|&i| (keys[i as usize], i));
    // Runs of equal keys in `order` are the occupied cells, in key order.
    let mut runs: Vec<((i64, i64), usize, usize)> = Vec::new();
    let mut start = 0;
    for k in 1..=order.len() {
        if k == order.len() || keys[order[k] as usize] != keys[order[start] as usize] {
            runs.push((keys[order[start] as usize], start, k));
            start = k;
        }
    }
    let index: HashMap<(i64, i64), usize> =
        runs.iter().enumerate().map(|(r, run)| (run.0, r)).collect();

    let mut by_band: Vec<Vec<(u32, u32)>> = vec![Vec::new(); space.len()];
    // Pairs hold positions in `order` (grid order), not input indices, so
    // the times of nearby events sit close together in memory.
    let found = std::cell::Cell::new(0u64);
    let mut consider = |a: usize, b: usize| {
        let d = metric.distance(points[order[a] as usize], points[order[b] as usize]);
        if d <= reach {
            by_band[band_of(space, d)].push((a as u32, b as u32));
            found.set(found.get() + 1);
        }
    };
    const FORWARD: [(i64, i64); 4] = [(1, -1), (1, 0), (1, 1), (0, 1)];
    for &((cx, cy), s, e) in &runs {
        for a in s..e {
            for b in a + 1..e {
                consider(a, b);
            }
        }
        for (dx, dy) in FORWARD {
            if let Some(&r) = index.get(&(cx + dx, cy + dy)) {
                let (_, s2, e2) = runs[r];
                for a in s..e {
                    for b in s2..e2 {
                        consider(a.min(b), a.max(b));
                    }
                }
            }
        }
        if found.get() > MAX_CLOSE_PAIRS {
            return Err(SpaceTimeError::InvalidInput(format!(
                "more than {MAX_CLOSE_PAIRS} pairs of these {} events lie within {reach} m of \
                 each other (many events at the same or nearby locations); choose a smaller \
                 largest distance band or a smaller selection",
                points.len()
            )));
        }
    }
    // Sorting by the first index gives the counting loop better locality.
    for band in &mut by_band {
        band.sort_unstable();
    }
    Ok((order, by_band))
}

/// Adds the time-band counts of the close pairs to rows `0..K` of `out`.
fn count_close<T: Day>(close: &[Vec<(u32, u32)>], t: &[T], lut: &[u8], nt: usize, out: &mut [u64]) {
    let cap = (lut.len() - 1) as u32;
    for (k, band) in close.iter().enumerate() {
        // Four interleaved histograms so consecutive pairs falling in the
        // same time band do not serialise on one counter.
        let mut h = [[0u64; MAX_BANDS + 1]; 4];
        let mut chunks = band.chunks_exact(4);
        for c in &mut chunks {
            for (lane, &(i, j)) in c.iter().enumerate() {
                let d = t[i as usize].gap(t[j as usize]).min(cap) as usize;
                h[lane][lut[d] as usize] += 1;
            }
        }
        for &(i, j) in chunks.remainder() {
            let d = t[i as usize].gap(t[j as usize]).min(cap) as usize;
            h[0][lut[d] as usize] += 1;
        }
        let row = &mut out[k * nt..(k + 1) * nt];
        for (l, r) in row.iter_mut().enumerate() {
            *r += h[0][l] + h[1][l] + h[2][l] + h[3][l];
        }
    }
}

/// Time-band histogram over all `n(n−1)/2` pairs: invariant under
/// permutation of the times. Sort the days, then for each bound count pairs
/// at most that far apart with a sliding window (`O(n log n + n·L)`).
fn all_pairs_time_histogram(days: &[i64], time: &[u32]) -> Vec<u64> {
    let mut s = days.to_vec();
    s.sort_unstable();
    let n = s.len() as u64;
    let total = n * (n - 1) / 2;
    let within: Vec<u64> = time
        .iter()
        .map(|&b| {
            let b = b as i64;
            let mut j = 0usize;
            let mut count = 0u64;
            for i in 0..s.len() {
                if j < i {
                    j = i;
                }
                while j + 1 < s.len() && s[j + 1] - s[i] <= b {
                    j += 1;
                }
                count += (j - i) as u64;
            }
            count
        })
        .collect();
    let mut hist = Vec::with_capacity(time.len() + 1);
    let mut prev = 0;
    for &w in &within {
        hist.push(w - prev);
        prev = w;
    }
    hist.push(total - prev);
    hist
}

/// The open-ended space band's row: all pairs minus the close rows.
fn fill_open_row(counts: &mut [u64], all_time: &[u64], ns: usize, nt: usize) {
    for (l, &all) in all_time.iter().enumerate() {
        let close: u64 = (0..ns - 1).map(|k| counts[k * nt + l]).sum();
        counts[(ns - 1) * nt + l] = all - close;
    }
}

fn space_labels(space: &[f64]) -> Vec<String> {
    let mut labels = Vec::with_capacity(space.len() + 1);
    let mut lo = 0.0;
    for &b in space {
        // A zero first bound is the "same location" band.
        labels.push(if b == lo {
            format!("{b} m")
        } else {
            format!("{lo}–{b} m")
        });
        lo = b;
    }
    labels.push(format!("> {lo} m"));
    labels
}

/// Whole days: the band `(a, b]` holds gaps `a+1 ..= b`, labelled so.
fn time_labels(time: &[u32]) -> Vec<String> {
    let mut labels = Vec::with_capacity(time.len() + 1);
    let mut lo = 0u32;
    for (k, &b) in time.iter().enumerate() {
        let from = if k == 0 { 0 } else { lo + 1 };
        labels.push(if from == b {
            format!("{b} {}", if b == 1 { "day" } else { "days" })
        } else {
            format!("{from}–{b} days")
        });
        lo = b;
    }
    labels.push(format!("> {lo} days"));
    labels
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Independent brute force: every pair, direct band lookup by scanning.
    fn brute(points: &[[f64; 2]], days: &[i64], bands: &KnoxBands, metric: Metric) -> Vec<u64> {
        let ns = bands.space.len() + 1;
        let nt = bands.time.len() + 1;
        let mut out = vec![0u64; ns * nt];
        for i in 0..points.len() {
            for j in i + 1..points.len() {
                let dx = points[i][0] - points[j][0];
                let dy = points[i][1] - points[j][1];
                let d = match metric {
                    Metric::Euclidean => (dx * dx + dy * dy).sqrt(),
                    Metric::Manhattan => dx.abs() + dy.abs(),
                };
                let s = bands
                    .space
                    .iter()
                    .position(|&b| d <= b)
                    .unwrap_or(bands.space.len());
                let dt = (days[i] - days[j]).abs();
                let t = bands
                    .time
                    .iter()
                    .position(|&b| dt <= b as i64)
                    .unwrap_or(bands.time.len());
                out[s * nt + t] += 1;
            }
        }
        out
    }

    fn opts(space: Vec<f64>, time: Vec<u32>, metric: Metric, permutations: usize) -> KnoxOptions {
        KnoxOptions {
            bands: KnoxBands { space, time },
            metric,
            permutations,
            seed: 42,
        }
    }

    fn observed(r: &KnoxResult) -> Vec<u64> {
        r.cells.iter().map(|c| c.observed).collect()
    }

    #[test]
    fn hand_worked_four_events() {
        // A(0,0) day 0, B(60,0) day 5, C(0,150) day 10, D(1000,0) day 40.
        // Bands: 0–100 m, 100–200 m, > 200 m × 0–7 days, 8–30 days, > 30 days.
        // Pairs: AB 60 m 5 d; AC 150 m 10 d; AD 1000 m 40 d;
        //        BC √(60²+150²)=161.6 m 5 d; BD 940 m 35 d; CD 1011 m 30 d.
        let points = [[0.0, 0.0], [60.0, 0.0], [0.0, 150.0], [1000.0, 0.0]];
        let days = [0, 5, 10, 40];
        let o = opts(vec![100.0, 200.0], vec![7, 30], Metric::Euclidean, 9);
        let r = knox_test(&points, &days, &o).unwrap();
        #[rustfmt::skip]
        let want = vec![
            1, 0, 0, // 0–100 m: AB
            1, 1, 0, // 100–200 m: BC (5 d), AC (10 d)
            0, 1, 2, // > 200 m: CD (30 d, inclusive bound), AD, BD
        ];
        assert_eq!(observed(&r), want);
        assert_eq!(r.pairs, 6);
        assert_eq!(r.close_pairs, 3);
        // Manhattan: BC = 210 m moves to the open band.
        let o = opts(vec![100.0, 200.0], vec![7, 30], Metric::Manhattan, 9);
        let r = knox_test(&points, &days, &o).unwrap();
        #[rustfmt::skip]
        let want = vec![
            1, 0, 0,
            0, 1, 0,
            1, 1, 2,
        ];
        assert_eq!(observed(&r), want);
    }

    #[test]
    fn labels() {
        let o = opts(
            vec![100.0, 200.0, 300.0, 400.0],
            vec![7, 14, 21, 28],
            Metric::Euclidean,
            1,
        );
        let r = knox_test(&[[0.0, 0.0], [1.0, 1.0]], &[0, 1], &o).unwrap();
        let space: Vec<&str> = (0..5).map(|s| r.cell(s, 0).space_label.as_str()).collect();
        assert_eq!(
            space,
            ["0–100 m", "100–200 m", "200–300 m", "300–400 m", "> 400 m"]
        );
        let time: Vec<&str> = (0..5).map(|t| r.cell(0, t).time_label.as_str()).collect();
        assert_eq!(
            time,
            [
                "0–7 days",
                "8–14 days",
                "15–21 days",
                "22–28 days",
                "> 28 days"
            ]
        );
        assert_eq!(r.cells.len(), 25);
        assert_eq!(
            time_labels(&[0, 1, 7]),
            ["0 days", "1 day", "2–7 days", "> 7 days"]
        );
        assert_eq!(space_labels(&[0.0, 50.5]), ["0 m", "0–50.5 m", "> 50.5 m"]);
    }

    #[test]
    fn rejects_bad_input() {
        let o = KnoxOptions::default();
        let one = knox_test(&[[0.0, 0.0]], &[0], &o).unwrap_err();
        assert!(matches!(one, SpaceTimeError::TooFew { found: 1, .. }));
        let pts = [[0.0, 0.0], [f64::NAN, 1.0]];
        assert!(matches!(
            knox_test(&pts, &[0, 1], &o),
            Err(SpaceTimeError::InvalidInput(_))
        ));
        let pts = [[0.0, 0.0], [1.0, 1.0]];
        assert!(matches!(
            knox_test(&pts, &[0], &o),
            Err(SpaceTimeError::LengthMismatch { .. })
        ));
        for (space, time) in [
            (vec![100.0, 100.0], vec![7]),
            (vec![200.0, 100.0], vec![7]),
            (vec![-1.0], vec![7]),
            (vec![f64::INFINITY], vec![7]),
            (vec![], vec![7]),
            (vec![100.0], vec![7, 7]),
            (vec![100.0], vec![]),
            (vec![100.0], vec![MAX_TIME_BOUND_DAYS + 1]),
        ] {
            let o = opts(space, time, Metric::Euclidean, 9);
            let e = knox_test(&pts, &[0, 1], &o).unwrap_err();
            assert!(matches!(e, SpaceTimeError::InvalidBands { .. }), "{e}");
        }
        let o = opts(vec![100.0], vec![7], Metric::Euclidean, 0);
        assert!(knox_test(&pts, &[0, 1], &o).is_err());
        let o = opts(vec![100.0], vec![7], Metric::Euclidean, 9);
        assert!(knox_test(&pts, &[i64::MIN, i64::MAX], &o).is_err());
        // A long but sane span (wider than u16) still works.
        let r = knox_test(&pts, &[-50_000, 50_000], &o).unwrap();
        assert_eq!(r.cell(0, 1).observed, 1);
    }

    #[test]
    fn month_only_message_is_clear() {
        let msg = SpaceTimeError::NeedsDayPrecision {
            month_only: 3802,
            total: 3802,
        }
        .to_string();
        assert!(
            msg.contains("to the day") && msg.contains("3802 of 3802"),
            "{msg}"
        );
    }

    #[test]
    fn all_pairs_histogram_matches_brute_force() {
        let days: [i64; 9] = [0, 0, 3, 7, 8, 8, 30, 31, -5];
        let bounds: [u32; 3] = [0, 7, 30];
        let mut want = vec![0u64; 4];
        for i in 0..days.len() {
            for j in i + 1..days.len() {
                let d = (days[i] - days[j]).abs();
                want[bounds.iter().position(|&b| d <= b as i64).unwrap_or(3)] += 1;
            }
        }
        assert_eq!(all_pairs_time_histogram(&days, &bounds), want);
    }

    /// A planted near-repeat pattern: random background plus events that
    /// each have a neighbour within 50 m and 3 days.
    fn planted(n_background: usize, n_pairs: usize, seed: u64) -> (Vec<[f64; 2]>, Vec<i64>) {
        use rand::Rng;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut pts = Vec::new();
        let mut days = Vec::new();
        for _ in 0..n_background {
            pts.push([rng.gen_range(0.0..5000.0), rng.gen_range(0.0..5000.0)]);
            days.push(rng.gen_range(0..365));
        }
        for _ in 0..n_pairs {
            let p = [rng.gen_range(0.0..5000.0), rng.gen_range(0.0..5000.0)];
            let d = rng.gen_range(0..365);
            pts.push(p);
            days.push(d);
            pts.push([
                p[0] + rng.gen_range(-35.0..35.0),
                p[1] + rng.gen_range(-35.0..35.0),
            ]);
            days.push(d + rng.gen_range(0..4));
        }
        (pts, days)
    }

    #[test]
    fn planted_near_repeats_are_detected_and_random_is_not() {
        let o = opts(
            vec![100.0, 200.0, 300.0, 400.0],
            vec![7, 14, 21, 28],
            Metric::Euclidean,
            199,
        );
        let (pts, days) = planted(600, 60, 3);
        let r = knox_test(&pts, &days, &o).unwrap();
        let c = r.cell(0, 0);
        assert!(c.ratio > 2.0, "ratio {}", c.ratio);
        assert!(c.significant && c.p_value < 0.05);
        assert_eq!(c.p_value, 1.0 / 200.0);
        let h = r.headline();
        assert!(
            h.contains("p = 0.005") && h.ends_with("a near-repeat pattern."),
            "{h}"
        );

        // The upper-tail p-value cannot show a deficit: a cell with fewer
        // pairs than expected is never read as "fewer than chance".
        let mut deficit = r.clone();
        deficit.cells[0].ratio = 0.5;
        let h = deficit.headline();
        assert!(!h.contains("fewer"), "{h}");
        assert!(
            h.ends_with("the test looks for an excess of close pairs only)."),
            "{h}"
        );

        let (pts, days) = planted(1500, 0, 4);
        let r = knox_test(&pts, &days, &o).unwrap();
        let sig = r.cells.iter().filter(|c| c.significant).count();
        assert!(sig <= 3, "{sig} of 25 cells significant on random data");
        for c in &r.cells {
            assert!(c.p_value > 0.0 && c.p_value <= 1.0);
            if c.expected > 50.0 {
                assert!(
                    (c.ratio - 1.0).abs() < 0.3,
                    "{}/{}: {}",
                    c.space_label,
                    c.time_label,
                    c.ratio
                );
            }
        }
        // The far/late cell holds nearly all pairs and is exactly preserved
        // in expectation bookkeeping: expected counts sum to all pairs.
        let total_expected: f64 = r.cells.iter().map(|c| c.expected).sum();
        assert!((total_expected - r.pairs as f64).abs() < 1e-6 * r.pairs as f64);
    }

    #[test]
    fn deterministic_regardless_of_threads() {
        let (pts, days) = planted(300, 30, 9);
        let o = opts(vec![100.0, 250.0], vec![7, 21], Metric::Manhattan, 99);
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| knox_test(&pts, &days, &o).unwrap())
        };
        let one = run(1);
        let two = run(2);
        let three = run(3);
        assert_eq!(format!("{one:?}"), format!("{two:?}"));
        assert_eq!(format!("{one:?}"), format!("{three:?}"));
        let other_seed = knox_test(
            &pts,
            &days,
            &KnoxOptions {
                seed: 43,
                ..o.clone()
            },
        )
        .unwrap();
        assert_ne!(format!("{one:?}"), format!("{other_seed:?}"));
    }

    #[test]
    fn permutation_keeps_marginals() {
        // The open band's expected counts plus the close bands' add up to the
        // invariant all-pairs time histogram in every permutation, so the
        // column sums of `expected` equal the observed column sums exactly.
        let (pts, days) = planted(200, 20, 11);
        let o = opts(vec![150.0], vec![10], Metric::Euclidean, 50);
        let r = knox_test(&pts, &days, &o).unwrap();
        for t in 0..r.time_bands {
            let obs: u64 = (0..r.space_bands).map(|s| r.cell(s, t).observed).sum();
            let exp: f64 = (0..r.space_bands).map(|s| r.cell(s, t).expected).sum();
            assert!((obs as f64 - exp).abs() < 1e-9, "column {t}");
        }
    }

    #[test]
    fn batched_permutations_equal_one_by_one() {
        let (pts, days) = planted(150, 15, 21);
        let bands = KnoxBands {
            space: vec![60.0, 200.0],
            time: vec![3, 10],
        };
        let (order, close) = close_pairs(&pts, Metric::Euclidean, &bands.space).unwrap();
        let lut = time_lut(&bands.time);
        let all_time = all_pairs_time_histogram(&days, &bands.time);
        let table = Table {
            close: &close,
            time: &bands.time,
            lut: &lut,
            all_time: &all_time,
            ns: 3,
            nt: 3,
        };
        // 13 permutations: one full batch and a partial one.
        let o = opts(
            bands.space.clone(),
            bands.time.clone(),
            Metric::Euclidean,
            13,
        );
        fn check<T: Day + std::fmt::Debug>(table: &Table, t: Vec<T>, o: &KnoxOptions) {
            let (observed, sum, ge) = table.monte_carlo(&t, o);
            let mut want_sum = vec![0u64; 9];
            let mut want_ge = vec![0u64; 9];
            for r in 0..o.permutations {
                let mut perm = t.clone();
                perm.shuffle(&mut permutation_rng(o.seed, r));
                let mut counts = vec![0u64; 9];
                table.count(&perm, &mut counts);
                for c in 0..9 {
                    want_sum[c] += counts[c];
                    want_ge[c] += u64::from(counts[c] >= observed[c]);
                }
            }
            assert_eq!((sum, ge), (want_sum, want_ge));
        }
        // The vectorised u16 lanes and the generic lanes (u32).
        check(
            &table,
            order.iter().map(|&i| days[i as usize] as u16).collect(),
            &o,
        );
        check(
            &table,
            order.iter().map(|&i| days[i as usize] as u32).collect(),
            &o,
        );
    }

    fn events() -> impl Strategy<Value = Vec<([f64; 2], i64)>> {
        // Coordinates on a coarse lattice (ties in distance, co-located
        // points) and days in a short range (ties in time).
        prop::collection::vec(
            ((0i32..12, 0i32..12), 0i64..40)
                .prop_map(|((x, y), d)| ([x as f64 * 25.0, y as f64 * 25.0], d)),
            2..60,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn fast_observed_equals_brute_force(
            ev in events(),
            manhattan in any::<bool>(),
            space in prop::sample::subsequence(vec![0.0, 25.0, 50.0, 70.0, 100.0, 175.0], 1..=4),
            time in prop::sample::subsequence(vec![0u32, 1, 3, 7, 14, 30], 1..=4),
        ) {
            let metric = if manhattan { Metric::Manhattan } else { Metric::Euclidean };
            let pts: Vec<[f64; 2]> = ev.iter().map(|e| e.0).collect();
            let days: Vec<i64> = ev.iter().map(|e| e.1).collect();
            let o = opts(space.clone(), time.clone(), metric, 3);
            let r = knox_test(&pts, &days, &o).unwrap();
            let want = brute(&pts, &days, &o.bands, metric);
            prop_assert_eq!(observed(&r), want);
            prop_assert_eq!(observed(&r).iter().sum::<u64>(), r.pairs);
        }

        #[test]
        fn permuted_counts_equal_brute_force(ev in events(), index in 0usize..50) {
            // One permutation through the fast path equals the brute force
            // on the permuted times.
            let pts: Vec<[f64; 2]> = ev.iter().map(|e| e.0).collect();
            let days: Vec<i64> = ev.iter().map(|e| e.1).collect();
            let bands = KnoxBands { space: vec![30.0, 80.0], time: vec![2, 9] };
            let mut t: Vec<u32> = days.iter().map(|&d| d as u32).collect();
            t.shuffle(&mut permutation_rng(5, index));
            let (order, close) = close_pairs(&pts, Metric::Euclidean, &bands.space).unwrap();
            let in_grid_order: Vec<u32> = order.iter().map(|&i| t[i as usize]).collect();
            let mut counts = vec![0u64; 9];
            count_close(&close, &in_grid_order, &time_lut(&bands.time), 3, &mut counts);
            fill_open_row(&mut counts, &all_pairs_time_histogram(&days, &bands.time), 3, 3);
            let t: Vec<i64> = t.iter().map(|&d| d as i64).collect();
            prop_assert_eq!(counts, brute(&pts, &t, &bands, Metric::Euclidean));
        }
    }
}
