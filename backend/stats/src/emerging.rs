//! Emerging hot spots: Gi* per period plus a Mann-Kendall trend on each
//! cell's Gi* z-scores, classified into ESRI's Emerging Hot Spot Analysis
//! categories.
//!
//! ## Method
//!
//! 1. For each period `t`, [`gi_star`](crate::gi_star) on that period's
//!    counts with the same neighbours and correction. A cell is **hot** in
//!    `t` when its adjusted p-value is below [`HOT_SPOT_ALPHA`] (0.10, i.e.
//!    90% confidence, ESRI's default) and z > 0, **cold** when below with
//!    z < 0.
//! 2. For each cell, the Mann-Kendall test ([`mann_kendall`](crate::mann_kendall())) on its series of
//!    Gi* **z-scores** `z_1 … z_T`. This is ESRI's definition: "these hot and
//!    cold spot trends are evaluated using the Mann-Kendall trend test" on the
//!    Gi* z-score of each bin (ESRI, *How Emerging Hot Spot Analysis works*,
//!    ArcGIS Pro documentation), so the trend is in the *intensity of
//!    clustering*, not in the raw counts. A trend is significant when its
//!    p-value is below [`TREND_ALPHA`] (0.05; ESRI says only "statistically
//!    significant", and because monthly z-scores of a hot cell are serially
//!    correlated, which makes Mann-Kendall anti-conservative, we use the
//!    stricter 95% level).
//! 3. Classification, first matching rule wins. `T` = periods, `H` / `C` =
//!    number of hot / cold periods, "mostly hot" = `H ≥ 0.9·T` (computed
//!    exactly as `10·H ≥ 9·T`; with 24 months that is 22 or more), `L` = the
//!    length of the run of hot periods ending at the final period:
//!
//! | # | Condition | Class |
//! |---|---|---|
//! | 1 | mostly hot, final period **not** hot | `Historical` |
//! | 2 | mostly cold, final period **not** cold | `HistoricalCold` |
//! | 3 | final hot, mostly hot, significant upward z trend | `Intensifying` |
//! | 4 | final hot, mostly hot, significant downward z trend | `Diminishing` |
//! | 5 | final hot, mostly hot, no significant trend | `Persistent` |
//! | 6 | final hot, `H = 1`, never cold (hot only in the final period) | `New` |
//! | 7 | final hot, `H = L ≥ 2`, never cold (one uninterrupted final run, nothing significant before it) | `Consecutive` |
//! | 8 | final hot, cold in some earlier period | `Oscillating` |
//! | 9 | final hot, otherwise (hot on and off before the final run, never cold) | `Sporadic` |
//! | 3–9 | the same with hot ↔ cold, and for cold spots "intensifying" means a significant **downward** z trend (colder), "diminishing" upward | `…Cold` |
//! | 10 | anything else (final period not significant and neither mostly hot nor mostly cold) | `NoPattern` |
//!
//! Rules 1–9 follow ESRI's definitions word for word where they are
//! unambiguous; where two could apply we chose: a historical hot spot that is
//! cold in the final period is `Historical` (the 90% history dominates); a
//! cell hot only in the final period but cold earlier is `Oscillating`, not
//! `New` (as R's `sfdep`); `Persistent` requires the final period to be hot
//! (otherwise it is `Historical`). With fewer than 10 periods "mostly" means
//! all periods but at most `floor(T/10)`, i.e. all of them; ESRI recommends
//! at least 10 time steps, and Mann-Kendall cannot find a trend below 3.
//!
//! **Difference from ESRI:** ESRI's Gi* on a space-time cube uses a
//! space-time neighbourhood (by default also the previous time step); here
//! each period's Gi* uses spatial neighbours only, so each period stands on
//! its own.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::gistar::{compute, validate};
use crate::mann_kendall::mann_kendall_with;
use crate::{Correction, MannKendall, Neighbours, StatsError};

/// Significance level (on the adjusted p-value) for a cell to count as hot
/// or cold in one period: 0.10, ESRI's 90% default.
pub const HOT_SPOT_ALPHA: f64 = 0.10;

/// Significance level of the Mann-Kendall trend on a cell's z-scores.
pub const TREND_ALPHA: f64 = 0.05;

/// Emerging hot spot category of one cell (see the module docs for the
/// rules). Serialised in snake_case, e.g. `"intensifying"`,
/// `"persistent_cold"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmergingClass {
    NoPattern,
    New,
    Consecutive,
    Intensifying,
    Persistent,
    Diminishing,
    Sporadic,
    Oscillating,
    Historical,
    NewCold,
    ConsecutiveCold,
    IntensifyingCold,
    PersistentCold,
    DiminishingCold,
    SporadicCold,
    OscillatingCold,
    HistoricalCold,
}

impl EmergingClass {
    /// ESRI's label, e.g. "New Hot Spot", "Persistent Cold Spot".
    ///
    /// ```
    /// use hotspot_stats::EmergingClass;
    /// assert_eq!(EmergingClass::IntensifyingCold.label(), "Intensifying Cold Spot");
    /// ```
    pub fn label(self) -> &'static str {
        use EmergingClass::*;
        match self {
            NoPattern => "No Pattern Detected",
            New => "New Hot Spot",
            Consecutive => "Consecutive Hot Spot",
            Intensifying => "Intensifying Hot Spot",
            Persistent => "Persistent Hot Spot",
            Diminishing => "Diminishing Hot Spot",
            Sporadic => "Sporadic Hot Spot",
            Oscillating => "Oscillating Hot Spot",
            Historical => "Historical Hot Spot",
            NewCold => "New Cold Spot",
            ConsecutiveCold => "Consecutive Cold Spot",
            IntensifyingCold => "Intensifying Cold Spot",
            PersistentCold => "Persistent Cold Spot",
            DiminishingCold => "Diminishing Cold Spot",
            SporadicCold => "Sporadic Cold Spot",
            OscillatingCold => "Oscillating Cold Spot",
            HistoricalCold => "Historical Cold Spot",
        }
    }
}

/// A cell's significance in one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(i8)]
pub enum PeriodStatus {
    Cold = -1,
    NotSignificant = 0,
    Hot = 1,
}

/// Emerging hot spot result for one active cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmergingCell {
    pub class: EmergingClass,
    /// Mann-Kendall trend of the cell's Gi* z-scores over the periods.
    pub trend: MannKendall,
    /// Periods in which the cell was a significant hot spot.
    pub hot_periods: usize,
    /// Periods in which the cell was a significant cold spot.
    pub cold_periods: usize,
    /// Gi* z-score in the final period.
    pub last_z: f64,
    /// Gi* z-score in every period, in time order (what the trend is of).
    pub z: Vec<f64>,
}

/// Classifies one cell from its per-period status (in time order) and the
/// Mann-Kendall trend of its z-scores, by the rules in the module docs.
///
/// ```
/// use hotspot_stats::emerging::{classify, PeriodStatus::*};
/// use hotspot_stats::{EmergingClass, MannKendall};
/// let mut s = vec![NotSignificant; 12];
/// s[11] = Hot;
/// assert_eq!(classify(&s, &MannKendall::NONE), EmergingClass::New);
/// s[10] = Hot;
/// assert_eq!(classify(&s, &MannKendall::NONE), EmergingClass::Consecutive);
/// s[3] = Cold;
/// assert_eq!(classify(&s, &MannKendall::NONE), EmergingClass::Oscillating);
/// ```
pub fn classify(status: &[PeriodStatus], trend: &MannKendall) -> EmergingClass {
    use EmergingClass::*;
    let t = status.len();
    if t == 0 {
        return NoPattern;
    }
    let hot = status.iter().filter(|&&s| s == PeriodStatus::Hot).count();
    let cold = status.iter().filter(|&&s| s == PeriodStatus::Cold).count();
    let last = status[t - 1];
    let mostly = |k: usize| 10 * k >= 9 * t;
    if mostly(hot) && last != PeriodStatus::Hot {
        return Historical;
    }
    if mostly(cold) && last != PeriodStatus::Cold {
        return HistoricalCold;
    }
    let (same, other) = match last {
        PeriodStatus::Hot => (hot, cold),
        PeriodStatus::Cold => (cold, hot),
        PeriodStatus::NotSignificant => return NoPattern,
    };
    let run = status.iter().rev().take_while(|&&s| s == last).count();
    let significant_trend = trend.p < TREND_ALPHA;
    // z rising makes a hot spot more intense and a cold spot less so.
    let rising = significant_trend && trend.z > 0.0;
    let falling = significant_trend && trend.z < 0.0;
    let is_hot = last == PeriodStatus::Hot;
    let pick = |h: EmergingClass, c: EmergingClass| if is_hot { h } else { c };
    if mostly(same) {
        let (intensifying, diminishing) = if is_hot {
            (rising, falling)
        } else {
            (falling, rising)
        };
        if intensifying {
            pick(Intensifying, IntensifyingCold)
        } else if diminishing {
            pick(Diminishing, DiminishingCold)
        } else {
            pick(Persistent, PersistentCold)
        }
    } else if same == 1 && other == 0 {
        pick(New, NewCold)
    } else if same == run && other == 0 {
        pick(Consecutive, ConsecutiveCold)
    } else if other > 0 {
        pick(Oscillating, OscillatingCold)
    } else {
        pick(Sporadic, SporadicCold)
    }
}

/// Emerging hot spot analysis: Gi* for each period (`counts[t][i]` = count
/// of cell `i` in period `t`, oldest period first), then the Mann-Kendall
/// trend of each cell's z-scores, then [`classify`]. `None` for inactive
/// cells. Periods are analysed in parallel, then cells.
///
/// ```
/// use hotspot_stats::{emerging_hotspots, Correction, EmergingClass, Neighbours};
/// let (cols, rows) = (15, 15);
/// let active = vec![true; cols * rows];
/// let nb = Neighbours::square_grid(cols, rows, &active, 1.5).unwrap();
/// // Background of 2 per cell, with small variation; in the final month a
/// // cluster of 25s appears around cell (7, 7).
/// let mut counts: Vec<Vec<f64>> = (0..12)
///     .map(|t| (0..cols * rows).map(|i| 2.0 + ((i * 7 + t * 3) % 5) as f64 * 0.5).collect())
///     .collect();
/// for dr in 0..3 { for dc in 0..3 { counts[11][(6 + dr) * cols + 6 + dc] = 25.0; } }
/// let cells = emerging_hotspots(&counts, &active, &nb, Correction::BenjaminiHochberg).unwrap();
/// let centre = cells[7 * cols + 7].as_ref().unwrap();
/// assert_eq!(centre.class, EmergingClass::New);
/// assert_eq!(centre.z.len(), 12, "a z-score per period");
/// ```
///
/// # Errors
/// [`StatsError::NoPeriods`] for no periods; [`StatsError::LengthMismatch`]
/// when a period, `active` and `neighbours` differ in length;
/// [`StatsError::NonFinite`] for a NaN or infinite count of an active cell.
pub fn emerging_hotspots(
    counts: &[Vec<f64>],
    active: &[bool],
    neighbours: &Neighbours,
    correction: Correction,
) -> Result<Vec<Option<EmergingCell>>, StatsError> {
    if counts.is_empty() {
        return Err(StatsError::NoPeriods);
    }
    for (t, c) in counts.iter().enumerate() {
        validate(c, &format!("counts[{t}]"), active, neighbours)?;
    }
    let n = active.len();
    let periods = counts.len();
    // Per period: z-scores and status; the p-values are dropped as soon as
    // the status is known, to keep memory at ~9 bytes per cell-period.
    let per_period: Vec<(Vec<f64>, Vec<PeriodStatus>)> = counts
        .par_iter()
        .map(|c| {
            let core = compute(c, active, neighbours, correction);
            let mut z = vec![f64::NAN; n];
            let status = z
                .iter_mut()
                .enumerate()
                .map(|(i, zo)| {
                    let Some((zi, _, q)) = core.get(i) else {
                        return PeriodStatus::NotSignificant;
                    };
                    *zo = zi;
                    if q.is_nan() || q >= HOT_SPOT_ALPHA || zi == 0.0 {
                        PeriodStatus::NotSignificant
                    } else if zi > 0.0 {
                        PeriodStatus::Hot
                    } else {
                        PeriodStatus::Cold
                    }
                })
                .collect();
            (z, status)
        })
        .collect();
    Ok((0..n)
        .into_par_iter()
        .with_min_len(1024)
        .map_init(
            || {
                (
                    Vec::with_capacity(periods),
                    Vec::with_capacity(periods),
                    Vec::with_capacity(periods),
                )
            },
            |(zs, scratch, status), i| {
                if !active[i] {
                    return None;
                }
                zs.clear();
                status.clear();
                for (z, s) in &per_period {
                    zs.push(z[i]);
                    status.push(s[i]);
                }
                let trend = mann_kendall_with(zs, scratch);
                Some(EmergingCell {
                    class: classify(status, &trend),
                    trend,
                    hot_periods: status.iter().filter(|&&s| s == PeriodStatus::Hot).count(),
                    cold_periods: status.iter().filter(|&&s| s == PeriodStatus::Cold).count(),
                    last_z: zs[periods - 1],
                    z: zs.clone(),
                })
            },
        )
        .collect())
}

/// Months per period for a data span of `span_months` months, when the user
/// does not choose: monthly (police.uk's own resolution) up to 60 months,
/// quarterly up to 180, yearly beyond. This keeps between 10 and 60 periods
/// for any span of 10 months or more: ESRI recommends at least 10 time
/// steps, and beyond ~60 monthly steps the per-period counts per cell get
/// thin and Mann-Kendall's O(T²) pair count grows for little gain.
///
/// ```
/// use hotspot_stats::emerging::months_per_period;
/// assert_eq!(months_per_period(24), 1);
/// assert_eq!(months_per_period(96), 3);
/// assert_eq!(months_per_period(240), 12);
/// ```
pub fn months_per_period(span_months: usize) -> usize {
    match span_months {
        0..=60 => 1,
        61..=180 => 3,
        _ => 12,
    }
}

/// Sums consecutive monthly slices into periods of `per` months. Groups are
/// aligned to end at the **most recent** month and an incomplete oldest
/// group is dropped, because a short final period would look like a drop in
/// crime and distort the "new"/"consecutive" categories, which hinge on the
/// final period.
///
/// ```
/// use hotspot_stats::emerging::aggregate_periods;
/// let months = vec![vec![1.0], vec![2.0], vec![3.0], vec![4.0], vec![5.0]];
/// assert_eq!(aggregate_periods(&months, 2).unwrap(), vec![vec![5.0], vec![9.0]]);
/// ```
///
/// # Errors
/// [`StatsError::LengthMismatch`] when the slices differ in length,
/// [`StatsError::NoPeriods`] when `per` is 0 or there are fewer than `per`
/// months.
pub fn aggregate_periods(months: &[Vec<f64>], per: usize) -> Result<Vec<Vec<f64>>, StatsError> {
    if per == 0 || months.len() < per {
        return Err(StatsError::NoPeriods);
    }
    let len = months[0].len();
    if let Some((t, m)) = months.iter().enumerate().find(|(_, m)| m.len() != len) {
        return Err(StatsError::LengthMismatch {
            what: format!("months[{t}]"),
            expected: len,
            got: m.len(),
        });
    }
    let skip = months.len() % per;
    Ok(months[skip..]
        .chunks(per)
        .map(|group| {
            let mut sum = vec![0.0; len];
            for m in group {
                for (s, v) in sum.iter_mut().zip(m) {
                    *s += v;
                }
            }
            sum
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::PeriodStatus::{Cold as C, Hot as H, NotSignificant as N};
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn trend(z: f64, p: f64) -> MannKendall {
        MannKendall {
            z,
            p,
            ..MannKendall::NONE
        }
    }

    fn series(t: usize, f: impl Fn(usize) -> PeriodStatus) -> Vec<PeriodStatus> {
        (0..t).map(f).collect()
    }

    #[test]
    fn classify_rules() {
        use EmergingClass::*;
        let none = MannKendall::NONE;
        let up = trend(3.0, 0.003);
        let down = trend(-3.0, 0.003);
        let weak_up = trend(1.8, 0.07); // not significant at TREND_ALPHA = 0.05
        let t = 24;
        // 22 of 24 hot (≥ 90%), final hot.
        let mostly = series(t, |i| if i == 3 || i == 10 { N } else { H });
        assert_eq!(classify(&mostly, &up), Intensifying);
        assert_eq!(classify(&mostly, &down), Diminishing);
        assert_eq!(classify(&mostly, &none), Persistent);
        assert_eq!(classify(&mostly, &weak_up), Persistent);
        // 21 of 24 (87.5%) is not "mostly": sporadic.
        let not_mostly = series(t, |i| if i == 3 || i == 10 || i == 15 { N } else { H });
        assert_eq!(classify(&not_mostly, &up), Sporadic);
        // Historical: ≥ 90% hot but not in the final period (even if cold then).
        let hist = series(t, |i| if i == t - 1 { N } else { H });
        assert_eq!(classify(&hist, &down), Historical);
        let hist_cold_end = series(t, |i| if i == t - 1 { C } else { H });
        assert_eq!(classify(&hist_cold_end, &none), Historical);
        // New: hot only in the final period.
        assert_eq!(
            classify(&series(t, |i| if i == t - 1 { H } else { N }), &none),
            New
        );
        // Consecutive: one final run of ≥ 2, nothing before.
        assert_eq!(
            classify(&series(t, |i| if i >= t - 4 { H } else { N }), &up),
            Consecutive
        );
        // Sporadic: on and off, never cold.
        assert_eq!(
            classify(
                &series(t, |i| if i % 5 == 3 || i == t - 1 { H } else { N }),
                &none
            ),
            Sporadic
        );
        // A run at the end with an earlier hot period is sporadic, not consecutive.
        assert_eq!(
            classify(
                &series(t, |i| if i >= t - 3 || i == 2 { H } else { N }),
                &none
            ),
            Sporadic
        );
        // Oscillating: final hot, cold before (including "new" with a cold past).
        assert_eq!(
            classify(
                &series(t, |i| match i {
                    4 => C,
                    23 => H,
                    _ => N,
                }),
                &none
            ),
            Oscillating
        );
        assert_eq!(
            classify(
                &series(t, |i| match i {
                    4 | 5 => C,
                    20..=23 => H,
                    _ => N,
                }),
                &none
            ),
            Oscillating
        );
        // Final period not significant, no 90% history: no pattern.
        assert_eq!(
            classify(&series(t, |i| if i < 12 { H } else { N }), &none),
            NoPattern
        );
        assert_eq!(classify(&series(t, |_| N), &none), NoPattern);
        assert_eq!(classify(&[], &none), NoPattern);
        // Cold mirror: intensifying cold = significant *downward* z trend.
        let mostly_cold = series(t, |i| if i == 7 { N } else { C });
        assert_eq!(classify(&mostly_cold, &down), IntensifyingCold);
        assert_eq!(classify(&mostly_cold, &up), DiminishingCold);
        assert_eq!(classify(&mostly_cold, &none), PersistentCold);
        assert_eq!(
            classify(&series(t, |i| if i == t - 1 { N } else { C }), &none),
            HistoricalCold
        );
        assert_eq!(
            classify(&series(t, |i| if i == t - 1 { C } else { N }), &none),
            NewCold
        );
        assert_eq!(
            classify(&series(t, |i| if i >= t - 2 { C } else { N }), &none),
            ConsecutiveCold
        );
        assert_eq!(
            classify(
                &series(t, |i| if i == 1 || i == t - 1 { C } else { N }),
                &none
            ),
            SporadicCold
        );
        assert_eq!(
            classify(
                &series(t, |i| if i == 1 {
                    H
                } else if i == t - 1 {
                    C
                } else {
                    N
                }),
                &none
            ),
            OscillatingCold
        );
        // 10·H ≥ 9·T exactly at 90%: 9 of 10.
        let ten = series(10, |i| if i == 0 { N } else { H });
        assert_eq!(classify(&ten, &none), Persistent);
    }

    const COLS: usize = 15;
    const ROWS: usize = 15;
    const T: usize = 24;
    const CENTRE: usize = 7 * COLS + 7;

    /// Runs the full pipeline on a 15×15 grid over 24 periods: Poisson-ish
    /// background with mean `bg`, and the 3×3 block around the centre cell
    /// set to `block(t)` when it returns a value.
    fn centre_class(seed: u64, bg: f64, block: impl Fn(usize) -> Option<f64>) -> EmergingCell {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let counts: Vec<Vec<f64>> = (0..T)
            .map(|t| {
                let mut v: Vec<f64> = (0..COLS * ROWS)
                    .map(|_| (bg + rng.gen_range(-2i32..=2) as f64).max(0.0))
                    .collect();
                if let Some(b) = block(t) {
                    for r in 6..9 {
                        for c in 6..9 {
                            v[r * COLS + c] = b;
                        }
                    }
                }
                v
            })
            .collect();
        let active = vec![true; COLS * ROWS];
        let nb = Neighbours::square_grid(COLS, ROWS, &active, 1.5).unwrap();
        emerging_hotspots(&counts, &active, &nb, Correction::BenjaminiHochberg)
            .unwrap()
            .swap_remove(CENTRE)
            .unwrap()
    }

    /// Value of the planted block in period `t`, if any.
    type Block = Box<dyn Fn(usize) -> Option<f64>>;

    #[test]
    fn planted_patterns() {
        use EmergingClass::*;
        let hot = 25.0;
        let cases: Vec<(EmergingClass, Block)> = vec![
            (New, Box::new(move |t| (t == T - 1).then_some(hot))),
            (Consecutive, Box::new(move |t| (t >= T - 3).then_some(hot))),
            (Intensifying, Box::new(|t| Some(10.0 + 2.0 * t as f64))),
            (Diminishing, Box::new(|t| Some(70.0 - 2.0 * t as f64))),
            (Persistent, Box::new(move |_| Some(hot))),
            (Historical, Box::new(move |t| (t < T - 1).then_some(hot))),
            (
                Sporadic,
                Box::new(move |t| [2, 9, 15, T - 1].contains(&t).then_some(hot)),
            ),
            (
                Oscillating,
                Box::new(move |t| match t {
                    3..=6 => Some(0.0),
                    21.. => Some(hot),
                    _ => None,
                }),
            ),
            (NewCold, Box::new(|t| (t == T - 1).then_some(0.0))),
            (ConsecutiveCold, Box::new(|t| (t >= T - 5).then_some(0.0))),
            (PersistentCold, Box::new(|_| Some(0.0))),
            (HistoricalCold, Box::new(|t| (t < T - 1).then_some(0.0))),
            (
                OscillatingCold,
                Box::new(move |t| match t {
                    5 => Some(hot),
                    22.. => Some(0.0),
                    _ => None,
                }),
            ),
            (
                SporadicCold,
                Box::new(|t| [4, 12, T - 1].contains(&t).then_some(0.0)),
            ),
        ];
        for (want, block) in cases {
            let cell = centre_class(42, 10.0, block);
            assert_eq!(cell.class, want, "{cell:?}");
        }
        let cell = centre_class(42, 10.0, |t| Some(10.0 + 2.0 * t as f64));
        assert!(cell.hot_periods >= 22 && cell.cold_periods == 0);
        assert!(cell.trend.z > 0.0 && cell.trend.p < TREND_ALPHA && cell.last_z > 5.0);
    }

    #[test]
    fn noise_has_no_pattern() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let counts: Vec<Vec<f64>> = (0..T)
            .map(|_| {
                (0..COLS * ROWS)
                    .map(|_| rng.gen_range(0..8) as f64)
                    .collect()
            })
            .collect();
        let active: Vec<bool> = (0..COLS * ROWS).map(|i| i % 11 != 0).collect();
        let nb = Neighbours::square_grid(COLS, ROWS, &active, 1.5).unwrap();
        let cells = emerging_hotspots(&counts, &active, &nb, Correction::default()).unwrap();
        let mut patterned = 0;
        for (i, c) in cells.iter().enumerate() {
            match c {
                None => assert!(!active[i]),
                Some(c) => patterned += (c.class != EmergingClass::NoPattern) as usize,
            }
        }
        assert!(
            patterned <= 4,
            "{patterned} cells with a pattern in pure noise"
        );
    }

    #[test]
    fn errors_and_aggregation() {
        let active = vec![true; 4];
        let nb = Neighbours::square_grid(2, 2, &active, 1.5).unwrap();
        assert_eq!(
            emerging_hotspots(&[], &active, &nb, Correction::None),
            Err(StatsError::NoPeriods)
        );
        assert!(matches!(
            emerging_hotspots(
                &[vec![1.0; 4], vec![1.0; 3]],
                &active,
                &nb,
                Correction::None
            ),
            Err(StatsError::LengthMismatch { .. })
        ));
        let months: Vec<Vec<f64>> = (0..7).map(|t| vec![t as f64, 1.0]).collect();
        assert_eq!(
            aggregate_periods(&months, 3).unwrap(),
            vec![vec![1.0 + 2.0 + 3.0, 3.0], vec![4.0 + 5.0 + 6.0, 3.0]]
        );
        assert!(aggregate_periods(&months, 0).is_err());
        assert!(aggregate_periods(&months, 8).is_err());
    }
}
