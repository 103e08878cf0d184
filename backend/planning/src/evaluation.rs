//! Did the intervention work, and did crime move next door?
//!
//! # Weighted Displacement Quotient (Bowers & Johnson 2003)
//!
//! Three areas are counted before and after the intervention: the **target**
//! area `R` (response), a **buffer** `D` around it where displaced crime
//! would most plausibly go, and a **control** `C` that the intervention
//! cannot have touched (not adjacent, not in the buffer), which stands in for
//! "what would have happened anyway". With subscripts `b` (before) and `a`
//! (after):
//!
//! ```text
//! success measure  SM  = Ra/Ca − Rb/Cb     (< 0: the target fell relative to the control)
//! buffer measure   BM  = Da/Ca − Db/Cb     (> 0: the buffer rose relative to the control)
//! WDQ = BM / SM
//! ```
//!
//! The WDQ is only meaningful when the target improved (`SM < 0`); then
//! (Bowers & Johnson 2003, table of interpretations):
//!
//! | WDQ | reading |
//! |---|---|
//! | > 1 | diffusion of benefits greater than the direct effect |
//! | 0 < WDQ ≤ 1 | diffusion of benefits |
//! | = 0 | no displacement or diffusion |
//! | −1 ≤ WDQ < 0 | displacement, smaller than the direct benefit (net positive) |
//! | < −1 | displacement greater than the benefit: the programme was counterproductive |
//!
//! With `SM ≥ 0` the quotient is not computed ([`WdqResult::wdq`] is `None`):
//! there is no reduction in the target area for the buffer to be compared
//! with.
//!
//! The **total net effect** (also in Bowers & Johnson 2003) counts crimes
//! prevented, scaling the before counts by the control's trend:
//! `TNE = (Rb·Ca/Cb − Ra) + (Db·Ca/Cb − Da)`; positive means fewer crimes
//! across target and buffer together than the control's trend predicts.
//!
//! # Worked example
//!
//! Target 100 → 60, buffer 80 → 88, control 200 → 200:
//! `SM = 60/200 − 100/200 = −0.2`, `BM = 88/200 − 80/200 = 0.04`,
//! `WDQ = 0.04 / −0.2 = −0.2` (some displacement, less than the benefit),
//! `TNE = (100 − 60) + (80 − 88) = 32` crimes prevented. The tests work
//! this and one example per branch by hand.
//!
//! # Choosing a comparison area
//!
//! [`choose_comparison`] ranks candidate areas by similarity of level and
//! trend before the intervention; see its documentation.

use serde::{Deserialize, Serialize};

use crate::{invalid, PlanningError};

/// Counts below this are flagged in [`WdqResult::caveats`]: a Poisson count
/// of `n` varies by about `√n` by chance alone (±4.5 at 20, ±22% of it).
pub const SMALL_COUNT: f64 = 20.0;
/// A comparison area's before-period total must lie within this factor of the
/// target's (½× to 2×).
pub const COMPARISON_COUNT_FACTOR: f64 = 2.0;
/// The regression-to-the-mean caveat, always the first of
/// [`WdqResult::caveats`].
pub const REGRESSION_TO_THE_MEAN: &str = "Regression to the mean: areas chosen because counts \
     were unusually high tend to fall back without any intervention, so part of the fall in the \
     target area may have happened anyway. The control corrects for this only if it was as \
     unusually high before; prefer a long before period and a control with a similar level and \
     trend (Barnett, van der Pols & Dobson 2005).";

/// Incidents in one area before and after the intervention (periods of equal
/// length, or counts already scaled to a common length).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AreaCounts {
    pub before: f64,
    pub after: f64,
}

/// Inputs to [`wdq`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WdqInput {
    pub target: AreaCounts,
    pub buffer: AreaCounts,
    pub control: AreaCounts,
}

/// Result of [`wdq`] (defined with the other evaluation results in
/// `hotspot-core`, where the API and the map client read it too).
pub use hotspot_core::evaluation::WdqResult;

/// Computes the Weighted Displacement Quotient and its reading
/// ([module docs](self)). Errors when a count is negative or not finite, or
/// the control area has no crimes in either period (it divides).
///
/// ```
/// use hotspot_planning::{wdq, AreaCounts, WdqInput};
/// let r = wdq(&WdqInput {
///     target: AreaCounts { before: 100.0, after: 60.0 },
///     buffer: AreaCounts { before: 80.0, after: 88.0 },
///     control: AreaCounts { before: 200.0, after: 200.0 },
/// }).unwrap();
/// // SM = 60/200 − 100/200 = −0.2; BM = 88/200 − 80/200 = 0.04; WDQ = −0.2
/// assert!((r.success_measure + 0.2).abs() < 1e-12);
/// assert!((r.wdq.unwrap() + 0.2).abs() < 1e-12);
/// assert_eq!(r.total_net_effect, 32.0);
/// assert!(r.interpretation.starts_with("Displacement smaller than the direct benefit"));
/// assert!(r.caveats[0].starts_with("Regression to the mean"));
/// ```
pub fn wdq(input: &WdqInput) -> Result<WdqResult, PlanningError> {
    let named = [
        ("target before", input.target.before),
        ("target after", input.target.after),
        ("buffer before", input.buffer.before),
        ("buffer after", input.buffer.after),
        ("control before", input.control.before),
        ("control after", input.control.after),
    ];
    for (name, v) in named {
        if !(v.is_finite() && v >= 0.0) {
            return Err(invalid(format!(
                "the {name} count is {v}; counts must be finite and ≥ 0"
            )));
        }
    }
    let (t, b, c) = (input.target, input.buffer, input.control);
    if c.before <= 0.0 || c.after <= 0.0 {
        return Err(invalid(
            "the control area needs crimes in both periods: the WDQ divides by its counts; \
             choose a larger control area or a longer period",
        ));
    }
    let pct = |a: AreaCounts| (a.before > 0.0).then(|| (a.after - a.before) / a.before * 100.0);
    let sm = t.after / c.after - t.before / c.before;
    let bm = b.after / c.after - b.before / c.before;
    // `+ 0.0` turns a −0.0 quotient into 0.0.
    let q = (sm < 0.0).then(|| bm / sm + 0.0);
    let trend = c.after / c.before;
    let tne = (t.before * trend - t.after) + (b.before * trend - b.after);

    let interpretation = wdq_interpretation(q, sm);
    let caveats = wdq_caveats(&named);

    Ok(WdqResult {
        target_change_pct: pct(t),
        buffer_change_pct: pct(b),
        control_change_pct: pct(c),
        success_measure: sm,
        buffer_measure: bm,
        wdq: q,
        total_net_effect: tne,
        interpretation,
        caveats,
    })
}

/// The WDQ's verdict in a few words, the same bands as its
/// interpretation: what must agree for a verdict to hold when the before
/// period changes.
///
/// ```
/// use hotspot_planning::evaluation::wdq_verdict;
/// assert_eq!(wdq_verdict(None), "no reduction in the target");
/// assert_eq!(wdq_verdict(Some(0.4)), "diffusion of benefits");
/// assert_eq!(wdq_verdict(Some(-0.4)), "displacement, net benefit");
/// assert_eq!(wdq_verdict(Some(-1.5)), "displacement, no net benefit");
/// ```
pub fn wdq_verdict(q: Option<f64>) -> &'static str {
    match q {
        None => "no reduction in the target",
        Some(w) if w > 0.0 => "diffusion of benefits",
        Some(0.0) => "no displacement or diffusion",
        Some(w) if w > -1.0 => "displacement, net benefit",
        Some(_) => "displacement, no net benefit",
    }
}

/// The reading of the WDQ `q` (success measure `sm`) per Bowers & Johnson
/// (2003), in words; one arm per band of the quotient.
fn wdq_interpretation(q: Option<f64>, sm: f64) -> String {
    match q {
        None => format!(
            "WDQ not meaningful: no reduction in the target area relative to the control \
             (success measure {sm:+.3} ≥ 0), so there is no effect for displacement or diffusion \
             to be weighed against."
        ),
        Some(w) if w > 1.0 => format!(
            "Diffusion of benefits greater than the direct effect (WDQ {w:.2} > 1): relative to \
             the control, the buffer improved even more than the target area. Check that \
             something else did not reduce crime in the buffer."
        ),
        Some(w) if w > 0.0 => format!(
            "Diffusion of benefits (0 < WDQ {w:.2} ≤ 1): the buffer improved too, relative to \
             the control, by up to as much as the target area."
        ),
        Some(0.0) => "No displacement or diffusion (WDQ 0): the buffer changed \
                                exactly as the control did."
            .to_string(),
        // At exactly −1 the crime displaced equals the crime prevented: the
        // total net effect is 0, so "net benefit" would be wrong.
        Some(w) if (w + 1.0).abs() < 1e-12 => "Displacement equal to the direct benefit \
             (WDQ −1): as much crime appears to have moved into the buffer as was prevented in \
             the target area, so the scheme had no net effect."
            .to_string(),
        Some(w) if w > -1.0 => format!(
            "Displacement smaller than the direct benefit (−1 < WDQ {w:.2} < 0): some crime \
             appears to have moved into the buffer, but less than was prevented in the target \
             area, so the scheme still had a net benefit."
        ),
        Some(w) => format!(
            "Displacement greater than the direct benefit (WDQ {w:.2} < −1): more crime appears \
             to have moved into the buffer than was prevented in the target area; the programme \
             was counterproductive."
        ),
    }
}

/// The caveats of a WDQ: regression to the mean first, small counts (those
/// of `named` below [`SMALL_COUNT`]), then what the measure cannot tell.
fn wdq_caveats(named: &[(&str, f64)]) -> Vec<String> {
    let mut caveats = vec![REGRESSION_TO_THE_MEAN.to_string()];
    let small: Vec<String> = named
        .iter()
        .filter(|(_, v)| *v < SMALL_COUNT)
        .map(|(n, v)| format!("{n} {v}"))
        .collect();
    if !small.is_empty() {
        caveats.push(format!(
            "Small counts ({}): below {SMALL_COUNT}, chance variation alone (a count of n varies \
             by about √n) can produce changes this large; treat the percentages and the WDQ as \
             indicative only.",
            small.join(", ")
        ));
    }
    caveats.push(
        "The WDQ describes; it has no significance test. The weighted displacement difference \
         test (Wheeler & Ratcliffe 2018) gives one for the same counts."
            .to_string(),
    );
    caveats.push(
        "It assumes the buffer is where displaced crime would go (displacement can also be to \
         other times, targets or methods, which no buffer shows) and that the control was not \
         affected by the intervention."
            .to_string(),
    );
    caveats
}

/// A possible comparison (control) area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonCandidate {
    pub id: String,
    /// Monthly counts over the before period, same months as the target's.
    pub monthly_before: Vec<f64>,
    /// True when the area touches the target or lies in its displacement
    /// buffer: such areas are never chosen.
    pub adjacent_to_target: bool,
}

/// Ranks candidate comparison areas by similarity to the target before the
/// intervention, most similar first, as `(id, distance score)`.
///
/// Excluded: areas adjacent to the target or in its buffer (they may share
/// its displacement or diffusion), and areas whose before-period total is not
/// within [`COMPARISON_COUNT_FACTOR`] (½× to 2×) of the target's.
///
/// **Distance score** (lower = more similar; 0 = same level and trend):
///
/// ```text
/// score = |ln(Nc / Nt)| + |gc − gt|,   g = slope · (T − 1) / mean
/// ```
///
/// where `N` is the before-period total, `T` the number of months, `slope`
/// the least-squares slope of monthly counts against month number and `mean`
/// the monthly mean: `g` is the proportional change over the before period
/// implied by the trend, so both terms are relative differences on the same
/// scale (`ln 1.2 ≈ 0.18` for a 20% larger area; 0.2 for a trend 20% of
/// the mean steeper over the period). Similar trend matters because an area
/// already falling would flatter any intervention compared with it.
///
/// Errors when the target has fewer than 2 months or no crimes, a series
/// holds a negative or non-finite count, or a candidate's months differ in
/// number from the target's. Returns an empty list when no candidate
/// qualifies.
///
/// ```
/// use hotspot_planning::{choose_comparison, ComparisonCandidate};
/// let target = [20.0, 22.0, 24.0, 26.0]; // rising
/// let c = |id: &str, m: &[f64], adj: bool| ComparisonCandidate { id: id.into(), monthly_before: m.to_vec(), adjacent_to_target: adj };
/// let ranked = choose_comparison(&target, &[
///     c("next door", &[20.0, 22.0, 24.0, 26.0], true),  // identical but adjacent
///     c("falling", &[26.0, 24.0, 22.0, 20.0], false),
///     c("similar", &[19.0, 21.0, 23.0, 25.0], false),
///     c("tiny", &[2.0, 2.0, 3.0, 3.0], false),
/// ]).unwrap();
/// assert_eq!(ranked[0].0, "similar");
/// assert_eq!(ranked.len(), 2);
/// ```
pub fn choose_comparison(
    target_monthly_before: &[f64],
    candidates: &[ComparisonCandidate],
) -> Result<Vec<(String, f64)>, PlanningError> {
    let t = target_monthly_before;
    if t.len() < 2 {
        return Err(invalid(format!(
            "the target needs at least 2 months before the intervention to estimate a trend, \
             found {}",
            t.len()
        )));
    }
    let check = |what: &str, s: &[f64]| {
        if s.iter().all(|v| v.is_finite() && *v >= 0.0) {
            Ok(())
        } else {
            Err(invalid(format!(
                "{what}: monthly counts must be finite and ≥ 0"
            )))
        }
    };
    check("target", t)?;
    let nt: f64 = t.iter().sum();
    if nt <= 0.0 {
        return Err(invalid(
            "the target area has no crimes before the intervention: nothing to compare",
        ));
    }
    let gt = relative_trend(t);
    let mut ranked = Vec::new();
    for c in candidates {
        if c.monthly_before.len() != t.len() {
            return Err(PlanningError::LengthMismatch {
                what: "comparison candidate months (same months as the target)",
                expected: t.len(),
                found: c.monthly_before.len(),
            });
        }
        check(
            &format!("comparison candidate '{}'", c.id),
            &c.monthly_before,
        )?;
        if c.adjacent_to_target {
            continue;
        }
        let nc: f64 = c.monthly_before.iter().sum();
        let ratio = nc / nt;
        if !(1.0 / COMPARISON_COUNT_FACTOR..=COMPARISON_COUNT_FACTOR).contains(&ratio) {
            continue;
        }
        let score = ratio.ln().abs() + (relative_trend(&c.monthly_before) - gt).abs();
        ranked.push((c.id.clone(), score));
    }
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    Ok(ranked)
}

/// Least-squares slope of `s` against 0, 1, …, times `(T − 1) / mean`: the
/// proportional change over the series implied by its trend. 0 for a series
/// summing to 0.
fn relative_trend(s: &[f64]) -> f64 {
    let n = s.len() as f64;
    let mean = s.iter().sum::<f64>() / n;
    if mean <= 0.0 {
        return 0.0;
    }
    let xbar = (n - 1.0) / 2.0;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (i, &y) in s.iter().enumerate() {
        let dx = i as f64 - xbar;
        sxy += dx * (y - mean);
        sxx += dx * dx;
    }
    sxy / sxx * (n - 1.0) / mean
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(t: (f64, f64), b: (f64, f64), c: (f64, f64)) -> WdqInput {
        let ac = |(before, after)| AreaCounts { before, after };
        WdqInput {
            target: ac(t),
            buffer: ac(b),
            control: ac(c),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn hand_worked_displacement_smaller_than_benefit() {
        // Target 100 → 60, buffer 80 → 88, control 200 → 200.
        // SM = 60/200 − 100/200 = 0.30 − 0.50 = −0.20
        // BM = 88/200 − 80/200  = 0.44 − 0.40 =  0.04
        // WDQ = 0.04 / −0.20 = −0.2
        // TNE = (100·1 − 60) + (80·1 − 88) = 40 − 8 = 32
        let r = wdq(&input((100.0, 60.0), (80.0, 88.0), (200.0, 200.0))).unwrap();
        assert!(close(r.success_measure, -0.2));
        assert!(close(r.buffer_measure, 0.04));
        assert!(close(r.wdq.unwrap(), -0.2));
        assert!(close(r.total_net_effect, 32.0));
        assert_eq!(r.target_change_pct, Some(-40.0));
        assert_eq!(r.buffer_change_pct, Some(10.0));
        assert_eq!(r.control_change_pct, Some(0.0));
        assert!(r
            .interpretation
            .starts_with("Displacement smaller than the direct benefit"));
        assert_eq!(r.caveats[0], REGRESSION_TO_THE_MEAN);
        assert!(!r.caveats.iter().any(|c| c.starts_with("Small counts")));
    }

    #[test]
    fn hand_worked_diffusion_with_a_falling_control() {
        // Target 50 → 30, buffer 40 → 30, control 100 → 80.
        // SM = 30/80 − 50/100 = 0.375 − 0.5 = −0.125
        // BM = 30/80 − 40/100 = 0.375 − 0.4 = −0.025
        // WDQ = −0.025 / −0.125 = 0.2
        // TNE = (50·0.8 − 30) + (40·0.8 − 30) = 10 + 2 = 12
        let r = wdq(&input((50.0, 30.0), (40.0, 30.0), (100.0, 80.0))).unwrap();
        assert!(close(r.success_measure, -0.125));
        assert!(close(r.buffer_measure, -0.025));
        assert!(close(r.wdq.unwrap(), 0.2));
        assert!(close(r.total_net_effect, 12.0));
        assert!(r
            .interpretation
            .starts_with("Diffusion of benefits (0 < WDQ"));
        assert_eq!(r.control_change_pct, Some(-20.0));
    }

    #[test]
    fn every_interpretation_branch() {
        let read = |t, b, c| wdq(&input(t, b, c)).unwrap();
        // WDQ > 1: SM = 0.9 − 1 = −0.1, BM = 0.7 − 1 = −0.3, WDQ = 3.
        let r = read((100.0, 90.0), (100.0, 70.0), (100.0, 100.0));
        assert!(close(r.wdq.unwrap(), 3.0));
        assert!(r
            .interpretation
            .starts_with("Diffusion of benefits greater than the direct effect"));
        // WDQ = 1 exactly is still "diffusion" (0 < WDQ ≤ 1).
        let r = read((100.0, 50.0), (100.0, 50.0), (100.0, 100.0));
        assert_eq!(r.wdq, Some(1.0));
        assert!(r
            .interpretation
            .starts_with("Diffusion of benefits (0 < WDQ"));
        // WDQ = 0: buffer unchanged like the control.
        let r = read((100.0, 50.0), (40.0, 40.0), (100.0, 100.0));
        assert_eq!(r.wdq, Some(0.0));
        assert!(r.wdq.unwrap().is_sign_positive());
        assert!(r.interpretation.starts_with("No displacement or diffusion"));
        // WDQ = −1: displacement equals the benefit, no net effect.
        let r = read((100.0, 50.0), (100.0, 150.0), (100.0, 100.0));
        assert_eq!(r.wdq, Some(-1.0));
        assert!(r
            .interpretation
            .starts_with("Displacement equal to the direct benefit"));
        assert!(r.interpretation.contains("no net effect"));
        assert!(!r.interpretation.contains("net benefit"));
        assert_eq!(r.total_net_effect, 0.0);
        // WDQ < −1: SM = −0.2, BM = 0.4, WDQ = −2; TNE = 20 − 40 = −20.
        let r = read((100.0, 80.0), (50.0, 90.0), (100.0, 100.0));
        assert!(close(r.wdq.unwrap(), -2.0));
        assert!(r.interpretation.contains("counterproductive"));
        assert!(close(r.total_net_effect, -20.0));
        // SM > 0 and SM = 0: not meaningful.
        for t in [(100.0, 120.0), (100.0, 100.0)] {
            let r = read(t, (50.0, 40.0), (100.0, 100.0));
            assert_eq!(r.wdq, None);
            assert!(r.interpretation.starts_with(
                "WDQ not meaningful: no reduction in the target area relative to the control"
            ));
            assert_eq!(r.caveats[0], REGRESSION_TO_THE_MEAN);
        }
    }

    #[test]
    fn caveats_and_errors() {
        let r = wdq(&input((12.0, 5.0), (30.0, 31.0), (100.0, 90.0))).unwrap();
        assert!(r.caveats[0].starts_with("Regression to the mean"));
        let small = r
            .caveats
            .iter()
            .find(|c| c.starts_with("Small counts"))
            .unwrap();
        assert!(small.contains("target before 12") && small.contains("target after 5"));
        assert!(!small.contains("buffer"));
        let r = wdq(&input((0.0, 0.0), (0.0, 3.0), (10.0, 10.0))).unwrap();
        assert_eq!((r.target_change_pct, r.buffer_change_pct), (None, None));
        assert!(wdq(&input((1.0, 1.0), (1.0, 1.0), (0.0, 5.0))).is_err());
        assert!(wdq(&input((1.0, 1.0), (1.0, 1.0), (5.0, 0.0))).is_err());
        assert!(wdq(&input((-1.0, 1.0), (1.0, 1.0), (5.0, 5.0))).is_err());
        assert!(wdq(&input((1.0, f64::NAN), (1.0, 1.0), (5.0, 5.0))).is_err());
    }

    fn cand(id: &str, m: &[f64], adjacent: bool) -> ComparisonCandidate {
        ComparisonCandidate {
            id: id.into(),
            monthly_before: m.to_vec(),
            adjacent_to_target: adjacent,
        }
    }

    #[test]
    fn relative_trend_by_hand() {
        // 10, 12, 14, 16: slope 2/month, mean 13, T − 1 = 3 → 6/13.
        assert!(close(relative_trend(&[10.0, 12.0, 14.0, 16.0]), 6.0 / 13.0));
        assert_eq!(relative_trend(&[5.0, 5.0, 5.0]), 0.0);
        assert_eq!(relative_trend(&[0.0, 0.0]), 0.0);
    }

    #[test]
    fn picks_the_similar_non_adjacent_area() {
        let target = [30.0, 32.0, 28.0, 35.0, 31.0, 33.0];
        let ranked = choose_comparison(
            &target,
            &[
                cand("adjacent twin", &target, true),
                cand("rising fast", &[10.0, 20.0, 30.0, 40.0, 50.0, 60.0], false),
                cand("similar", &[29.0, 33.0, 30.0, 31.0, 34.0, 32.0], false),
                cand("double", &[60.0, 64.0, 56.0, 70.0, 62.0, 66.0], false),
                cand("three times", &[90.0, 96.0, 84.0, 105.0, 93.0, 99.0], false),
                cand("empty", &[0.0; 6], false),
            ],
        )
        .unwrap();
        let ids: Vec<&str> = ranked.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(ids[0], "similar");
        assert!(!ids.contains(&"adjacent twin"));
        assert!(!ids.contains(&"three times") && !ids.contains(&"empty"));
        // "double" has the same shape: its score is ln 2 exactly (same trend).
        let double = ranked.iter().find(|r| r.0 == "double").unwrap();
        assert!(close(double.1, 2f64.ln()));
        assert!(ranked.windows(2).all(|w| w[0].1 <= w[1].1));
        // Identical series scores 0.
        let r = choose_comparison(&target, &[cand("twin", &target, false)]).unwrap();
        assert_eq!(r, vec![("twin".to_string(), 0.0)]);
        // Nothing qualifies: empty list.
        assert!(choose_comparison(&target, &[cand("a", &target, true)])
            .unwrap()
            .is_empty());
    }

    #[test]
    fn comparison_errors() {
        assert!(choose_comparison(&[5.0], &[]).is_err());
        assert!(choose_comparison(&[0.0, 0.0], &[]).is_err());
        assert!(choose_comparison(&[1.0, -1.0], &[]).is_err());
        assert!(matches!(
            choose_comparison(&[1.0, 2.0], &[cand("x", &[1.0], false)]),
            Err(PlanningError::LengthMismatch { .. })
        ));
    }
}
