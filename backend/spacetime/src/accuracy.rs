//! How well does a hotspot map predict where crime happens next?
//!
//! A hotspot map is treated as a ranking of cells (grid squares or wards) by
//! a risk score computed from a **training** period. Taking the hottest cells
//! until they cover a share `a/A` of the study area, we count the share `n/N`
//! of the **test** period's incidents that fall in them:
//!
//! * **hit rate** `n/N`;
//! * **Predictive Accuracy Index** `PAI = (n/N) / (a/A)` (Chainey, Tompson &
//!   Uhlig 2008, *The utility of hotspot mapping for predicting spatial
//!   patterns of crime*, Security Journal 21, 4–28): how many times better than
//!   picking the same area at random. PAI of the whole area is 1;
//! * **Recapture Rate Index** `RRI = (n₂/n₁) / (N₂/N₁)` (Levine 2008, *The
//!   "hottest" part of a hotspot*, Security Journal 21, a comment on Chainey
//!   et al.), with `n₁, n₂` the
//!   training and test incidents in the hotspot area and `N₁, N₂` all
//!   training and test incidents: does the hotspot area keep its share of
//!   crime from one period to the next (≈ 1), lose it (< 1) or gain (> 1)?
//! * the **PAI curve** over coverage and the area under the hit-rate curve
//!   (AUC; 0.5 for a random map, near 1 for a map that puts all test
//!   incidents in a tiny area).
//!
//! # Ties and partial cells
//!
//! Cells are ranked by descending score. Cells with **equal** scores form a
//! tied block, and a block is treated as a whole: as coverage grows through
//! it, its area and its incidents are taken in proportion (the expected hit
//! rate if the tie were broken at random). This matters because police.uk
//! snap points leave many cells with identical counts (often 0), and breaking
//! ties by cell index would make the result depend on the grid's numbering.
//! A coverage target that falls inside a block (or a single cell) takes the
//! matching fraction of it by linear interpolation, so every requested
//! coverage is met exactly and `PAI(1.0) = 1`.

pub use hotspot_core::accuracy::{
    Accuracy, AccuracyPoint, MethodLayer, MethodScore, Recommendation,
};

use crate::SpaceTimeError;

/// Coverages usually reported: 1%, 2%, 5%, 10% and 20% of the study area.
pub const DEFAULT_COVERAGES: [f64; 5] = [0.01, 0.02, 0.05, 0.1, 0.2];
/// Coverage at which [`recommend`] compares methods by default: 5% of the
/// area, about what a patrol plan can cover.
pub const DEFAULT_RECOMMEND_COVERAGE: f64 = 0.05;
/// Coverages of [`Accuracy::curve`]: 1%, 2%, …, 100%.
pub const CURVE_POINTS: usize = 100;
/// Relative PAI difference within which [`recommend`] calls methods tied and
/// prefers the higher AUC.
pub const NEAR_TIE: f64 = 0.02;

/// Evaluates a hotspot map (a ranking of cells) against a test period.
///
/// * `scores[i]`: risk score of cell `i` from the training period (higher =
///   hotter; not NaN);
/// * `train_counts[i]`: training incidents in cell `i`, for the RRI; pass an
///   empty slice to skip the RRI;
/// * `test_counts[i]`: test incidents in cell `i`;
/// * `cell_areas`: `None` for a regular grid (all cells equal), or the area
///   of each cell (any unit; must be > 0 for active cells), e.g. for wards;
/// * `active[i]`: whether cell `i` is in the study area; inactive cells are
///   ignored entirely (not part of `A` or `N`);
/// * `coverages`: shares of the study area in `(0, 1]`, e.g.
///   `[0.01, 0.02, 0.05, 0.1, 0.2]`.
///
/// Errors on mismatched lengths, NaN scores, negative or non-finite counts,
/// non-positive areas, no active cells, no test incidents, or coverages
/// outside `(0, 1]`. `O(cells log cells)`.
///
/// ```
/// use hotspot_spacetime::evaluate;
/// // Four equal cells; the map ranks cell 0 first. Test: 6 of 10 incidents in cell 0.
/// let scores = [9.0, 1.0, 2.0, 0.0];
/// let train = [8.0, 1.0, 1.0, 0.0];
/// let test = [6.0, 2.0, 2.0, 0.0];
/// let acc = evaluate(&scores, &train, &test, None, &[true; 4], &[0.25, 0.5, 1.0]).unwrap();
/// let p = acc.at[0];
/// assert_eq!((p.coverage, p.hit_rate, p.pai), (0.25, 0.6, 2.4));
/// // RRI = (6/8) / (10/10)
/// assert_eq!(p.rri, Some(0.75));
/// assert_eq!(acc.at[1].hit_rate, 0.8);
/// assert_eq!(acc.at[2].pai, 1.0);
/// ```
pub fn evaluate(
    scores: &[f64],
    train_counts: &[f64],
    test_counts: &[f64],
    cell_areas: Option<&[f64]>,
    active: &[bool],
    coverages: &[f64],
) -> Result<Accuracy, SpaceTimeError> {
    check_shapes(scores.len(), train_counts, test_counts, cell_areas, active)?;
    if let Some(c) = coverages
        .iter()
        .find(|c| !(c.is_finite() && **c > 0.0 && **c <= 1.0))
    {
        return Err(SpaceTimeError::InvalidInput(format!(
            "coverage must be a share of the study area in (0, 1], found {c}"
        )));
    }
    let order = ranked_active_cells(scores, train_counts, test_counts, cell_areas, active)?;
    let (v, total) = curve_vertices(&order, scores, train_counts, test_counts, cell_areas);
    if total.test <= 0.0 {
        return Err(SpaceTimeError::InvalidInput(
            "no test-period incidents in the study area: accuracy cannot be measured".into(),
        ));
    }
    let has_train = !train_counts.is_empty();
    let point = |c: f64| {
        let (test, train) = interpolate(&v, c * total.area, c >= 1.0);
        let hit_rate = test / total.test;
        let rri = (has_train && train > 0.0 && total.train > 0.0)
            .then(|| (test / train) / (total.test / total.train));
        AccuracyPoint {
            coverage: c,
            hit_rate,
            pai: hit_rate / c,
            rri,
        }
    };
    let at = coverages.iter().map(|&c| point(c)).collect();
    let curve = (1..=CURVE_POINTS)
        .map(|k| point(k as f64 / CURVE_POINTS as f64))
        .collect();
    let auc = v
        .windows(2)
        .map(|w| (w[1].area - w[0].area) * (w[0].test + w[1].test) / 2.0)
        .sum::<f64>()
        / (total.area * total.test);
    Ok(Accuracy {
        at,
        curve,
        auc,
        test_total: total.test,
        train_total: total.train,
        cells: order.len(),
    })
}

/// Every per-cell input has one value per cell (`n`); the training counts
/// may instead be empty (no RRI).
fn check_shapes(
    n: usize,
    train_counts: &[f64],
    test_counts: &[f64],
    cell_areas: Option<&[f64]>,
    active: &[bool],
) -> Result<(), SpaceTimeError> {
    let check_len = |what: &'static str, len: usize| {
        if len == n {
            Ok(())
        } else {
            Err(SpaceTimeError::LengthMismatch {
                what,
                expected: n,
                found: len,
            })
        }
    };
    check_len("test counts (one per cell)", test_counts.len())?;
    check_len("active flags (one per cell)", active.len())?;
    if !train_counts.is_empty() {
        check_len(
            "training counts (one per cell, or none)",
            train_counts.len(),
        )?;
    }
    if let Some(a) = cell_areas {
        check_len("cell areas (one per cell)", a.len())?;
    }
    Ok(())
}

/// The active cells, hottest first, after checking each one's score,
/// counts and area; an error when no cell is active.
fn ranked_active_cells(
    scores: &[f64],
    train_counts: &[f64],
    test_counts: &[f64],
    cell_areas: Option<&[f64]>,
    active: &[bool],
) -> Result<Vec<u32>, SpaceTimeError> {
    let n = scores.len();
    let mut order: Vec<u32> = Vec::with_capacity(n);
    for i in 0..n {
        if !active[i] {
            continue;
        }
        if scores[i].is_nan() {
            return Err(SpaceTimeError::InvalidInput(format!(
                "cell {i} has a NaN score"
            )));
        }
        let bad_count = |c: f64| !(c.is_finite() && c >= 0.0);
        if bad_count(test_counts[i]) || train_counts.get(i).is_some_and(|&c| bad_count(c)) {
            return Err(SpaceTimeError::InvalidInput(format!(
                "cell {i} has a negative or non-finite incident count"
            )));
        }
        if let Some(a) = cell_areas {
            if !(a[i].is_finite() && a[i] > 0.0) {
                return Err(SpaceTimeError::InvalidInput(format!(
                    "cell {i} is active but its area is {} (must be > 0)",
                    a[i]
                )));
            }
        }
        order.push(i as u32);
    }
    if order.is_empty() {
        return Err(SpaceTimeError::TooFew {
            what: "active cells",
            needed: 1,
            found: 0,
        });
    }
    order.sort_unstable_by(|&a, &b| scores[b as usize].total_cmp(&scores[a as usize]));
    Ok(order)
}

/// Vertices of the piecewise linear curve: cumulative (area, test, train)
/// at the end of each block of tied scores, starting from the origin; and
/// the totals.
fn curve_vertices(
    order: &[u32],
    scores: &[f64],
    train_counts: &[f64],
    test_counts: &[f64],
    cell_areas: Option<&[f64]>,
) -> (Vec<Vertex>, Vertex) {
    let mut v = Vec::with_capacity(order.len() + 1);
    v.push(Vertex::default());
    let mut acc = Vertex::default();
    for (k, &i) in order.iter().enumerate() {
        let i = i as usize;
        acc.area += cell_areas.map_or(1.0, |a| a[i]);
        acc.test += test_counts[i];
        acc.train += train_counts.get(i).copied().unwrap_or(0.0);
        let block_ends = order
            .get(k + 1)
            .is_none_or(|&next| scores[next as usize] != scores[i]);
        if block_ends {
            v.push(acc);
        }
    }
    (v, acc)
}

#[derive(Debug, Clone, Copy, Default)]
struct Vertex {
    area: f64,
    test: f64,
    train: f64,
}

/// Cumulative (test, train) at cumulative area `target`, interpolating
/// linearly inside the block that contains it; `full` returns the totals
/// exactly.
fn interpolate(v: &[Vertex], target: f64, full: bool) -> (f64, f64) {
    let last = v[v.len() - 1];
    if full || target >= last.area {
        return (last.test, last.train);
    }
    // First vertex at or beyond the target (areas strictly increase).
    let k = v.partition_point(|x| x.area < target);
    if k == 0 {
        return (0.0, 0.0);
    }
    let (a, b) = (v[k - 1], v[k]);
    if target >= b.area {
        return (b.test, b.train);
    }
    let f = (target - a.area) / (b.area - a.area);
    (
        a.test + f * (b.test - a.test),
        a.train + f * (b.train - a.train),
    )
}

/// Recommends the method with the highest PAI at `coverage` (e.g. 0.05).
///
/// PAI at `coverage` is read from the method's requested coverages or its
/// curve when one matches within 1e-9; otherwise the hit rate is linearly
/// interpolated between the nearest evaluated coverages. The ranking is by
/// PAI, descending; methods whose PAI is within 2% ([`NEAR_TIE`]) of the
/// best are a near-tie and are ordered among themselves by AUC (the better
/// map over all coverages), then by name. `best` is the first of the ranking.
///
/// ```
/// use hotspot_spacetime::{evaluate, recommend, MethodScore};
/// let test = [5.0, 3.0, 1.0, 1.0];
/// let active = [true; 4];
/// let good = evaluate(&[4.0, 3.0, 2.0, 1.0], &[], &test, None, &active, &[0.25]).unwrap();
/// let poor = evaluate(&[1.0, 2.0, 3.0, 4.0], &[], &test, None, &active, &[0.25]).unwrap();
/// let methods = [
///     MethodScore { name: "Grid".into(), accuracy: poor, layer: None },
///     MethodScore { name: "KDE 300 m".into(), accuracy: good, layer: None },
/// ];
/// let r = recommend(&methods, 0.25).unwrap();
/// assert_eq!(r.best, "KDE 300 m");
/// assert_eq!(r.ranking[0].1, 2.0);
/// assert!(r.reason.starts_with("KDE 300 m"));
/// ```
pub fn recommend(methods: &[MethodScore], coverage: f64) -> Result<Recommendation, SpaceTimeError> {
    if methods.is_empty() {
        return Err(SpaceTimeError::TooFew {
            what: "methods to compare",
            needed: 1,
            found: 0,
        });
    }
    if !(coverage.is_finite() && coverage > 0.0 && coverage <= 1.0) {
        return Err(SpaceTimeError::InvalidInput(format!(
            "coverage must be a share of the study area in (0, 1], found {coverage}"
        )));
    }
    let mut rows: Vec<(String, f64, f64, f64)> = methods
        .iter()
        .map(|m| {
            let hit = hit_rate_at(&m.accuracy, coverage);
            (m.name.clone(), hit / coverage, m.accuracy.auc, hit)
        })
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let top = rows[0].1;
    let tied = rows
        .iter()
        .take_while(|r| r.1 >= top * (1.0 - NEAR_TIE))
        .count();
    rows[..tied].sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.cmp(&b.0)));

    let pct = |x: f64| format!("{}%", round_sig(x * 100.0));
    let best = &rows[0];
    let mut reason = format!(
        "{} predicts best: at {} of the area it captures {} of test-period incidents (PAI {:.2})",
        best.0,
        pct(coverage),
        pct(best.3),
        best.1
    );
    if tied > 1 {
        let others: Vec<String> = rows[1..tied]
            .iter()
            .map(|r| format!("{} (PAI {:.2}, AUC {:.3})", r.0, r.1, r.2))
            .collect();
        reason.push_str(&format!(
            "; within {}% of {} on PAI, chosen for the higher AUC ({:.3})",
            NEAR_TIE * 100.0,
            others.join(", "),
            best.2
        ));
    } else if let Some(next) = rows.get(1) {
        reason.push_str(&format!("; next best {} (PAI {:.2})", next.0, next.1));
    }
    reason.push('.');
    Ok(Recommendation {
        best: best.0.clone(),
        coverage,
        reason,
        ranking: rows.into_iter().map(|r| (r.0, r.1, r.2)).collect(),
    })
}

/// Hit rate at `coverage` from an [`Accuracy`]'s evaluated points.
fn hit_rate_at(acc: &Accuracy, coverage: f64) -> f64 {
    let mut pts: Vec<(f64, f64)> = acc
        .at
        .iter()
        .chain(&acc.curve)
        .map(|p| (p.coverage, p.hit_rate))
        .collect();
    if let Some(p) = pts.iter().find(|p| (p.0 - coverage).abs() < 1e-9) {
        return p.1;
    }
    pts.push((0.0, 0.0));
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let k = pts.partition_point(|p| p.0 < coverage);
    if k >= pts.len() {
        return pts[pts.len() - 1].1;
    }
    let (a, b) = (pts[k - 1], pts[k]);
    a.1 + (coverage - a.0) / (b.0 - a.0) * (b.1 - a.1)
}

/// Rounds to 2 significant figures for prose (41%, 5%, 0.5%).
fn round_sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let mag = 10f64.powi(1 - x.abs().log10().floor() as i32);
    (x * mag).round() / mag
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eval(scores: &[f64], test: &[f64], cov: &[f64]) -> Accuracy {
        evaluate(scores, &[], test, None, &vec![true; scores.len()], cov).unwrap()
    }

    #[test]
    fn direct_counting_hand_case() {
        // 10 equal cells; ranking 3, 7, 1, … Test incidents: 20 in all.
        let scores = [1.0, 8.0, 0.5, 10.0, 0.0, 0.2, 0.3, 9.0, 0.4, 0.1];
        let test = [1.0, 2.0, 0.0, 6.0, 3.0, 0.0, 1.0, 4.0, 2.0, 1.0];
        let acc = eval(&scores, &test, &[0.1, 0.2, 0.3, 0.25]);
        // Top 1 cell (3): 6/20 → PAI 0.3/0.1 = 3.
        assert_eq!(acc.at[0].hit_rate, 0.3);
        assert!((acc.at[0].pai - 3.0).abs() < 1e-12);
        // Top 2 (3, 7): 10/20 → PAI 2.5; top 3 (+1): 12/20 → PAI 2.
        assert!((acc.at[1].pai - 2.5).abs() < 1e-12);
        assert!((acc.at[2].hit_rate - 0.6).abs() < 1e-12);
        // 25%: cells 3, 7 and half of cell 1 → (6 + 4 + 1)/20.
        assert!((acc.at[3].hit_rate - 11.0 / 20.0).abs() < 1e-12);
        assert_eq!(acc.curve.len(), 100);
        assert_eq!(acc.curve[99].pai, 1.0);
    }

    #[test]
    fn area_weights_for_wards() {
        // Ward areas 1, 3, 6 (A = 10). Ranking ward 0, 1, 2.
        let acc = evaluate(
            &[3.0, 2.0, 1.0],
            &[2.0, 2.0, 2.0],
            &[5.0, 3.0, 2.0],
            Some(&[1.0, 3.0, 6.0]),
            &[true; 3],
            &[0.1, 0.4, 0.25],
        )
        .unwrap();
        assert_eq!(acc.at[0].hit_rate, 0.5);
        assert!((acc.at[0].pai - 5.0).abs() < 1e-12);
        assert!((acc.at[1].hit_rate - 0.8).abs() < 1e-12);
        // 25% = ward 0 + half of ward 1: (5 + 1.5)/10.
        assert!((acc.at[2].hit_rate - 0.65).abs() < 1e-12);
        // RRI at 10%: (5/2) / (10/6) = 1.5.
        assert!((acc.at[0].rri.unwrap() - 1.5).abs() < 1e-12);
        // AUC by trapezoids: segments (0→.1: 0→.5), (.1→.4: .5→.8), (.4→1: .8→1).
        let want = 0.1 * 0.25 + 0.3 * 0.65 + 0.6 * 0.9;
        assert!((acc.auc - want).abs() < 1e-12);
    }

    #[test]
    fn ties_are_averaged_and_inactive_cells_ignored() {
        // Cells 0–3 tie; cell 4 is top; cell 5 is outside the study area.
        let scores = [1.0, 1.0, 1.0, 1.0, 5.0, 100.0];
        let test = [4.0, 0.0, 0.0, 0.0, 1.0, 50.0];
        let active = [true, true, true, true, true, false];
        let acc = evaluate(&scores, &[], &test, None, &active, &[0.2, 0.4]).unwrap();
        assert_eq!(acc.test_total, 5.0);
        assert_eq!(acc.cells, 5);
        assert_eq!(acc.at[0].hit_rate, 0.2);
        // 40% = cell 4 + a quarter of the tied block: (1 + 4/4)/5, whatever
        // the cell numbering.
        assert!((acc.at[1].hit_rate - 0.4).abs() < 1e-12);
        let flipped = evaluate(
            &[1.0, 1.0, 1.0, 1.0, 5.0, 100.0],
            &[],
            &[0.0, 0.0, 0.0, 4.0, 1.0, 50.0],
            None,
            &active,
            &[0.4],
        )
        .unwrap();
        assert_eq!(flipped.at[0].hit_rate, acc.at[1].hit_rate);
    }

    #[test]
    fn rejects_bad_input() {
        let ok = [true, true];
        assert!(evaluate(&[1.0], &[], &[1.0, 2.0], None, &ok, &[0.1]).is_err());
        assert!(evaluate(&[1.0, f64::NAN], &[], &[1.0, 2.0], None, &ok, &[0.1]).is_err());
        assert!(evaluate(&[1.0, 2.0], &[], &[1.0, -2.0], None, &ok, &[0.1]).is_err());
        assert!(evaluate(&[1.0, 2.0], &[], &[0.0, 0.0], None, &ok, &[0.1]).is_err());
        assert!(evaluate(&[1.0, 2.0], &[], &[1.0, 2.0], None, &ok, &[0.0]).is_err());
        assert!(evaluate(&[1.0, 2.0], &[], &[1.0, 2.0], None, &ok, &[1.5]).is_err());
        assert!(evaluate(
            &[1.0, 2.0],
            &[],
            &[1.0, 2.0],
            Some(&[1.0, 0.0]),
            &ok,
            &[0.5]
        )
        .is_err());
        assert!(evaluate(&[1.0, 2.0], &[], &[1.0, 2.0], None, &[false, false], &[0.5]).is_err());
        // An inactive cell may have any values.
        assert!(evaluate(
            &[1.0, f64::NAN],
            &[],
            &[1.0, -2.0],
            Some(&[1.0, 0.0]),
            &[true, false],
            &[0.5]
        )
        .is_ok());
        assert!(recommend(&[], 0.05).is_err());
    }

    #[test]
    fn recommend_near_tie_prefers_auc() {
        let mk = |name: &str, pai5: f64, auc: f64| MethodScore {
            name: name.into(),
            accuracy: Accuracy {
                at: vec![AccuracyPoint {
                    coverage: 0.05,
                    hit_rate: pai5 * 0.05,
                    pai: pai5,
                    rri: None,
                }],
                curve: vec![AccuracyPoint {
                    coverage: 1.0,
                    hit_rate: 1.0,
                    pai: 1.0,
                    rri: None,
                }],
                auc,
                test_total: 1.0,
                train_total: 0.0,
                cells: 1,
            },
            layer: None,
        };
        let methods = [mk("A", 8.0, 0.80), mk("B", 7.9, 0.85), mk("C", 5.0, 0.95)];
        let r = recommend(&methods, 0.05).unwrap();
        assert_eq!(r.best, "B");
        let names: Vec<&str> = r.ranking.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(names, ["B", "A", "C"]);
        assert!(r.reason.contains("higher AUC"), "{}", r.reason);
        // Interpolated coverage: 2.5% lies halfway between 0 and 5%.
        let r = recommend(&methods[..1], 0.025).unwrap();
        assert!((r.ranking[0].1 - 8.0).abs() < 1e-9);
        let r = recommend(&methods[2..], 0.05).unwrap();
        assert!(
            r.reason
                .starts_with("C predicts best: at 5% of the area it captures 25%"),
            "{}",
            r.reason
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn invariants(
            cells in prop::collection::vec((0u8..6, 0u8..5, 0u8..5, 1u8..4, any::<bool>()), 1..80),
            use_areas in any::<bool>(),
        ) {
            // Coarse scores → many ties; some inactive cells.
            let scores: Vec<f64> = cells.iter().map(|c| c.0 as f64).collect();
            let test: Vec<f64> = cells.iter().map(|c| c.1 as f64).collect();
            let train: Vec<f64> = cells.iter().map(|c| c.2 as f64).collect();
            let areas: Vec<f64> = cells.iter().map(|c| c.3 as f64 * 0.7).collect();
            let mut active: Vec<bool> = cells.iter().map(|c| c.4).collect();
            active[0] = true;
            let n_test: f64 = test.iter().zip(&active).filter(|x| *x.1).map(|x| x.0).sum();
            prop_assume!(n_test > 0.0);
            let a = use_areas.then_some(areas.as_slice());
            let acc = evaluate(&scores, &train, &test, a, &active, &[1.0, 0.5]).unwrap();
            prop_assert_eq!(acc.at[0].pai, 1.0);
            prop_assert_eq!(acc.at[0].hit_rate, 1.0);
            prop_assert_eq!(acc.curve[99].pai, 1.0);
            if let Some(rri) = acc.at[0].rri {
                prop_assert!((rri - 1.0).abs() < 1e-12);
            }
            for w in acc.curve.windows(2) {
                prop_assert!(w[1].hit_rate >= w[0].hit_rate - 1e-12);
            }
            prop_assert!(acc.auc >= 0.0 && acc.auc <= 1.0 + 1e-12);
            // Direct check at 50% on a grid: expected hits with random
            // tie-breaking = full blocks + a proportional share of the
            // straddling block.
            if !use_areas {
                let act: Vec<usize> = (0..cells.len()).filter(|&i| active[i]).collect();
                let target = 0.5 * act.len() as f64;
                let mut hits = 0.0;
                let mut taken = 0.0;
                let mut levels: Vec<f64> = act.iter().map(|&i| scores[i]).collect();
                levels.sort_by(|a, b| b.total_cmp(a));
                levels.dedup();
                for s in levels {
                    let block: Vec<usize> = act.iter().copied().filter(|&i| scores[i] == s).collect();
                    let size = block.len() as f64;
                    let take = (target - taken).clamp(0.0, size);
                    hits += take / size * block.iter().map(|&i| test[i]).sum::<f64>();
                    taken += take;
                }
                prop_assert!((acc.at[1].hit_rate - hits / n_test).abs() < 1e-9);
            }
        }

        #[test]
        fn perfect_predictor_beats_permutations(
            test in prop::collection::vec(0u8..9, 2..60),
            seed in any::<u64>(),
        ) {
            use rand::{seq::SliceRandom, SeedableRng};
            let test: Vec<f64> = test.into_iter().map(f64::from).collect();
            prop_assume!(test.iter().sum::<f64>() > 0.0);
            let active = vec![true; test.len()];
            let cov: Vec<f64> = (1..=20).map(|k| k as f64 / 20.0).collect();
            let best = evaluate(&test, &[], &test, None, &active, &cov).unwrap();
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            for _ in 0..5 {
                let mut s = test.clone();
                s.shuffle(&mut rng);
                let other = evaluate(&s, &[], &test, None, &active, &cov).unwrap();
                for (b, o) in best.at.iter().zip(&other.at) {
                    prop_assert!(b.pai >= o.pai - 1e-9);
                }
                prop_assert!(best.auc >= other.auc - 1e-12);
            }
        }
    }
}
