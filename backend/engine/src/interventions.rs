//! Evaluating a recorded intervention: before/after change in its target
//! area against a comparison (control) area, a displacement buffer around
//! it, and the Weighted Displacement Quotient (Bowers & Johnson 2003).
//!
//! The arithmetic lives in `hotspot_planning::evaluation` ([`wdq`],
//! [`choose_comparison`]); this module turns an intervention into the counts
//! those need, all in British National Grid metres:
//!
//! * **Target**: the intervention's polygon (a point on its edge counts as
//!   inside).
//! * **Buffer**: the ring of `buffer_m` around the target (geo's polygon
//!   buffer, arcs approximated by short segments) minus the target itself.
//! * **Control**: the wards the user names, or the ward chosen by
//!   [`choose_comparison`] among wards that do not touch the target or its
//!   buffer, from monthly counts over the before period.
//! * **Periods** are whole months, because police.uk data are dated to the
//!   month only (dated data are counted by month too, so the two agree).
//!   The *after* period runs from the first whole month of the intervention
//!   (its start month when it starts on the 1st; otherwise the next month —
//!   a start mid-month puts that month in neither period, since it mixes
//!   before and after) to the month of its end date, or the latest month of
//!   data when it is ongoing or ends later. The *before* period is, by
//!   default, the same number of months immediately before the intervention
//!   month, cut at the first month of data; a user-given before period must
//!   end before the intervention month. When the two differ in length the
//!   before counts are scaled to the after period's length for the WDQ.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use geo::{BooleanOps, BoundingRect, Buffer, Intersects, MapCoords};
use geo_types::{Coord, LineString, MultiPolygon, Point, Polygon};
use hotspot_core::{Month, MonthRange};
use hotspot_planning::{
    choose_comparison, wdq, AreaCounts, ComparisonCandidate, WdqInput, WdqResult,
};
use serde::Serialize;

use crate::{Dataset, EngineError, Period, Selection};

/// Widest buffer or site radius accepted, metres.
pub const MAX_BUFFER_M: f64 = 5_000.0;
/// Most wards combined into an automatically chosen control.
pub const MAX_CONTROL_WARDS: usize = 3;
/// Most combinations of wards tried for one size.
const MAX_COMBINATIONS: usize = 50_000;
/// Segments of the circle a site + radius becomes.
const CIRCLE_SEGMENTS: usize = 64;

/// What was done where and when, as the evaluation needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct InterventionSpec {
    /// The target area, WGS84.
    pub area: MultiPolygon<f64>,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    /// Displacement buffer width, metres.
    pub buffer_m: f64,
    /// The crimes it targets (union; both empty: all crime).
    pub groups: Vec<String>,
    pub types: Vec<String>,
}

/// Where the comparison area comes from.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Control {
    /// The most similar ward not touching the target or its buffer.
    #[default]
    Automatic,
    /// These wards (codes), together.
    Wards(Vec<String>),
    /// A polygon, WGS84.
    Area(MultiPolygon<f64>),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvaluationOptions {
    pub control: Control,
    /// The before period; default: as long as the after period, just before
    /// the intervention month.
    pub before: Option<MonthRange>,
}

pub use hotspot_core::evaluation::{
    ControlChoice, Evaluation, EvaluationPeriods, PeriodCounts, WardRef,
};

/// The evaluation of one intervention, with its three areas for maps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterventionEvaluation {
    #[serde(flatten)]
    pub evaluation: Evaluation,
    /// Target, buffer ring and control, WGS84 (for maps).
    #[serde(skip)]
    pub target_area: MultiPolygon<f64>,
    #[serde(skip)]
    pub buffer_area: MultiPolygon<f64>,
    #[serde(skip)]
    pub control_area: MultiPolygon<f64>,
}

impl std::ops::Deref for InterventionEvaluation {
    type Target = Evaluation;

    fn deref(&self) -> &Evaluation {
        &self.evaluation
    }
}

fn invalid(msg: impl Into<String>) -> EngineError {
    EngineError::InvalidParameter(msg.into())
}

fn to_bng(mp: &MultiPolygon<f64>) -> Result<MultiPolygon<f64>, EngineError> {
    mp.try_map_coords(|c| {
        hotspot_core::wgs84_to_bng(c.x, c.y)
            .map(|(x, y)| Coord { x, y })
            .map_err(|e| invalid(format!("area: {e}")))
    })
}

fn to_wgs84(mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    mp.map_coords(|c| {
        let (x, y) = hotspot_core::bng_to_wgs84(c.x, c.y).unwrap_or((f64::NAN, f64::NAN));
        Coord { x, y }
    })
}

/// The circle of `radius_m` around a site (WGS84), as a 64-sided polygon in
/// WGS84: how a "site + radius" intervention is stored.
pub fn site_area(lon: f64, lat: f64, radius_m: f64) -> Result<MultiPolygon<f64>, EngineError> {
    if !(radius_m.is_finite() && radius_m > 0.0 && radius_m <= MAX_BUFFER_M) {
        return Err(invalid(format!(
            "radius_m must be in (0, {MAX_BUFFER_M}] metres"
        )));
    }
    if !((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)) {
        return Err(invalid(
            "site: lon must be in [-180, 180], lat in [-90, 90]",
        ));
    }
    let (x, y) = hotspot_core::wgs84_to_bng(lon, lat).map_err(|e| invalid(format!("site: {e}")))?;
    let ring: Vec<Coord<f64>> = (0..=CIRCLE_SEGMENTS)
        .map(|i| {
            let a = std::f64::consts::TAU * (i % CIRCLE_SEGMENTS) as f64 / CIRCLE_SEGMENTS as f64;
            Coord {
                x: x + radius_m * a.cos(),
                y: y + radius_m * a.sin(),
            }
        })
        .collect();
    let circle = MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]);
    Ok(to_wgs84(&circle))
}

/// The WDQ of before/after counts `[target, buffer, control]`, each before
/// count scaled by `scale` to the after period's length.
pub(crate) fn scaled_wdq(
    counts: &[[u64; 2]; 3],
    scale: f64,
) -> Result<WdqResult, hotspot_planning::PlanningError> {
    let scaled = |a: [u64; 2]| AreaCounts {
        before: a[0] as f64 * scale,
        after: a[1] as f64,
    };
    wdq(&WdqInput {
        target: scaled(counts[0]),
        buffer: scaled(counts[1]),
        control: scaled(counts[2]),
    })
}

/// A count to one decimal, as scaled counts are reported.
pub(crate) fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// A change in percent, the before count scaled by `scale`.
fn change_pct(before: u64, after: u64, scale: f64) -> Option<f64> {
    let b = before as f64 * scale;
    (b > 0.0).then(|| (after as f64 - b) / b * 100.0)
}

/// Every `k`-subset of `0..n` in lexicographic order; empty when there are
/// none or more than [`MAX_COMBINATIONS`].
fn combinations(n: usize, k: usize) -> Vec<Vec<usize>> {
    if k == 0 || k > n {
        return vec![];
    }
    let mut count: f64 = 1.0;
    for i in 0..k {
        count = count * (n - i) as f64 / (i + 1) as f64;
    }
    if count > MAX_COMBINATIONS as f64 {
        return vec![];
    }
    let mut out = Vec::new();
    let mut c: Vec<usize> = (0..k).collect();
    loop {
        out.push(c.clone());
        let Some(i) = (0..k).rev().find(|&i| c[i] < n - k + i) else {
            return out;
        };
        c[i] += 1;
        for j in i + 1..k {
            c[j] = c[j - 1] + 1;
        }
    }
}

fn month_range(from: Month, to: Month) -> MonthRange {
    MonthRange { from, to }
}

impl Dataset {
    /// Evaluates an intervention: counts of its targeted crimes in the target
    /// area, the buffer and the control before and after, their changes, and
    /// the WDQ ([module docs](self)).
    pub fn evaluate_intervention(
        &self,
        spec: &InterventionSpec,
        options: &EvaluationOptions,
    ) -> Result<InterventionEvaluation, EngineError> {
        if !(spec.buffer_m.is_finite() && spec.buffer_m > 0.0 && spec.buffer_m <= MAX_BUFFER_M) {
            return Err(invalid(format!(
                "buffer_m must be in (0, {MAX_BUFFER_M}] metres"
            )));
        }
        let periods = self.evaluation_periods(spec, options.before)?;
        let target = to_bng(&spec.area)?;
        if geo::Area::unsigned_area(&target) <= 0.0 {
            return Err(invalid("area: the target polygon has no area"));
        }
        let outer = target.buffer(spec.buffer_m);
        let places = Places {
            ring: outer.difference(&target),
            rect: outer
                .bounding_rect()
                .ok_or_else(|| invalid("area: empty polygon"))?,
            target,
            outer,
        };
        let selection = Selection {
            groups: spec.groups.clone(),
            types: spec.types.clone(),
            ..Default::default()
        };
        let selected = self.select(&selection)?;
        let control = self.resolve_control(spec, options, &selected, &places, periods.before)?;
        let counts = self.count_before_after(&selected, &periods, &places, &control);
        let [t, b, c] = counts;

        let scale = periods.before_scale;
        let result = scaled_wdq(&counts, scale)?;
        let per = |a: [u64; 2]| PeriodCounts {
            before: a[0],
            before_scaled: round1(a[0] as f64 * scale),
            after: a[1],
            change_pct: change_pct(a[0], a[1], scale),
        };
        let robustness = self.before_windows(spec, &selected, &places, &control, &periods, counts);
        let caveats = evaluation_caveats(&result, &periods, &control);
        let control_area = match (&control.wards, &options.control) {
            (Some(idx), _) => MultiPolygon(
                idx.iter()
                    .flat_map(|&i| self.areas[i].area.geometry.0.iter().cloned())
                    .collect(),
            ),
            (None, Control::Area(mp)) => mp.clone(),
            _ => MultiPolygon(vec![]),
        };
        Ok(InterventionEvaluation {
            evaluation: Evaluation {
                target: per(t),
                buffer: per(b),
                control: per(c),
                control_choice: control.choice,
                interpretation: result.interpretation.clone(),
                wdq: result,
                caveats,
                periods,
                robustness,
            },
            target_area: spec.area.clone(),
            buffer_area: to_wgs84(&places.ring),
            control_area,
        })
    }

    /// The control area: the wards or polygon the user gave, or the most
    /// similar ward(s) chosen automatically.
    fn resolve_control(
        &self,
        spec: &InterventionSpec,
        options: &EvaluationOptions,
        selected: &[usize],
        places: &Places,
        before: MonthRange,
    ) -> Result<ResolvedControl, EngineError> {
        let (wards, polygon, mut choice) = match &options.control {
            Control::Wards(codes) => {
                let (idx, choice) = self.user_control_wards(codes, &places.outer)?;
                (Some(idx), None, choice)
            }
            Control::Area(mp) => (
                None,
                Some(to_bng(mp)?),
                ControlChoice {
                    method: "area".into(),
                    wards: vec![],
                    reason: "Given by the user as a polygon.".into(),
                    score: None,
                    excluded_adjacent: vec![],
                },
            ),
            Control::Automatic => {
                let (wards, choice) =
                    self.choose_control(spec, selected, &places.target, &places.outer, before)?;
                (Some(wards), None, choice)
            }
        };
        if let Some(idx) = &wards {
            choice.wards = idx
                .iter()
                .map(|&i| WardRef {
                    code: self.areas[i].area.code.clone(),
                    name: self.areas[i].area.name.clone(),
                })
                .collect();
        }
        // For wards the user chose, "adjacent" is a warning, not an exclusion.
        let user_wards_touching = if choice.method == "wards" {
            std::mem::take(&mut choice.excluded_adjacent)
        } else {
            vec![]
        };
        Ok(ResolvedControl {
            set: wards.as_ref().map(|v| v.iter().copied().collect()),
            wards,
            polygon,
            choice,
            user_wards_touching,
        })
    }

    /// The wards the user named as the control, and which of them touch the
    /// target or its buffer.
    fn user_control_wards(
        &self,
        codes: &[String],
        outer: &MultiPolygon<f64>,
    ) -> Result<(Vec<usize>, ControlChoice), EngineError> {
        if codes.is_empty() {
            return Err(invalid("control: name at least one ward code"));
        }
        let mut idx = Vec::new();
        for c in codes {
            let i = self.area_index(c)?;
            if !idx.contains(&i) {
                idx.push(i);
            }
        }
        let touching: Vec<String> = idx
            .iter()
            .filter(|&&i| self.areas[i].bng.intersects(outer))
            .map(|&i| self.areas[i].area.code.clone())
            .collect();
        let names: Vec<String> = idx
            .iter()
            .map(|&i| format!("{} ({})", self.areas[i].area.name, self.areas[i].area.code))
            .collect();
        let choice = ControlChoice {
            method: "wards".into(),
            wards: vec![],
            reason: format!("Given by the user: {}.", names.join(", ")),
            score: None,
            excluded_adjacent: touching,
        };
        Ok((idx, choice))
    }

    /// Before and after counts in the target, the buffer ring and the control.
    pub(crate) fn count_before_after(
        &self,
        selected: &[usize],
        periods: &EvaluationPeriods,
        places: &Places,
        control: &ResolvedControl,
    ) -> [[u64; 2]; 3] {
        let [mut t, mut b, mut c] = [[0u64; 2]; 3];
        let rect = places.rect;
        for &k in selected {
            let m = self.cols.month(k);
            let slot = if periods.before.contains(m) {
                0
            } else if periods.after.contains(m) {
                1
            } else {
                continue;
            };
            let Some(p) = self.point_of(k) else { continue };
            let [x, y] = self.points[p];
            let pt = Point::new(x, y);
            if x >= rect.min().x && x <= rect.max().x && y >= rect.min().y && y <= rect.max().y {
                if places.target.intersects(&pt) {
                    t[slot] += 1;
                } else if places.ring.intersects(&pt) {
                    b[slot] += 1;
                }
            }
            let in_control = match (&control.set, &control.polygon) {
                (Some(set), _) => self.area_of(k).is_some_and(|a| set.contains(&a)),
                (None, Some(poly)) => poly.intersects(&pt),
                (None, None) => false,
            };
            if in_control {
                c[slot] += 1;
            }
        }
        [t, b, c]
    }

    /// The before and after periods, their months with data (gap months
    /// are left out, not counted as zero) and a note saying how they were drawn.
    pub(crate) fn evaluation_periods(
        &self,
        spec: &InterventionSpec,
        before: Option<MonthRange>,
    ) -> Result<EvaluationPeriods, EngineError> {
        let span = self
            .span()
            .ok_or_else(|| invalid("no incidents are loaded: nothing to evaluate"))?;
        let (before, after) = whole_month_periods(spec, span, before)?;
        // Months with no data loaded are gaps, not zero-crime months: the
        // periods are compared on their months with data.
        let gaps = |r: MonthRange| self.coverage(&Period::Months(r)).gap_months;
        let (before_gaps, after_gaps) = (gaps(before), gaps(after));
        let nb = before.len() - before_gaps.len() as u32;
        let na = after.len() - after_gaps.len() as u32;
        if nb == 0 || na == 0 {
            let (what, r) = if nb == 0 {
                ("before", before)
            } else {
                ("after", after)
            };
            return Err(invalid(format!(
                "no data is loaded for any month of the {what} period {}..{}: nothing to compare",
                r.from, r.to
            )));
        }
        let start_month = Month::of(spec.start);
        let mut periods = EvaluationPeriods {
            before,
            after,
            before_months: nb,
            after_months: na,
            before_gap_months: before_gaps,
            after_gap_months: after_gaps,
            excluded_month: (spec.start.day() != 1).then_some(start_month),
            before_scale: na as f64 / nb as f64,
            note: String::new(),
        };
        periods.note = periods_note(spec, span, &periods);
        Ok(periods)
    }

    /// The ward most similar in level and trend to the target over the
    /// before period, among wards not touching the target or its buffer.
    fn choose_control(
        &self,
        spec: &InterventionSpec,
        selected: &[usize],
        target: &MultiPolygon<f64>,
        outer: &MultiPolygon<f64>,
        before: MonthRange,
    ) -> Result<(Vec<usize>, ControlChoice), EngineError> {
        if self.areas.is_empty() {
            return Err(EngineError::NoAreas);
        }
        let (target_monthly, ward_monthly) = self.monthly_before(selected, target, before);
        let excluded: Vec<String> = self
            .areas
            .iter()
            .filter(|a| a.bng.intersects(outer))
            .map(|a| a.area.code.clone())
            .collect();
        let eligible: Vec<usize> = (0..self.areas.len())
            .filter(|&i| !excluded.contains(&self.areas[i].area.code))
            .collect();
        let nt: f64 = target_monthly.iter().sum();
        let Some((wards, score, qualifying)) =
            most_similar_wards(&target_monthly, &ward_monthly, &eligible)?
        else {
            return Err(invalid(format!(
                "no comparison area can be chosen automatically: no ward, nor any {MAX_CONTROL_WARDS} \
                 wards together, away from the target and its {} m buffer had between half and \
                 twice the target's {nt} targeted crimes in {}..{}; name control wards \
                 (control=E05…,E05…) whose combined count is similar",
                spec.buffer_m,
                before.from,
                before.to
            )));
        };
        let nc: f64 = wards
            .iter()
            .map(|&i| ward_monthly[i].iter().sum::<f64>())
            .sum();
        let names = wards
            .iter()
            .map(|&i| format!("{} ({})", self.areas[i].area.name, self.areas[i].area.code))
            .collect::<Vec<_>>()
            .join(" + ");
        let what = if wards.len() == 1 {
            format!(
                "{names} is the most similar ward in level and trend of {qualifying} qualifying"
            )
        } else {
            format!(
                "no single ward qualified, so {names}, together, are the most similar combination \
                 of {} wards in level and trend of {qualifying} qualifying",
                wards.len()
            )
        };
        let reason = format!(
            "Chosen automatically: {what} over {}..{} ({nc} targeted crimes against the target's \
             {nt}; score {score:.3}, lower is more similar). The {} wards touching the target or \
             its buffer were not eligible, nor were areas with less than half or more than twice \
             the target's count.",
            before.from,
            before.to,
            excluded.len()
        );
        Ok((
            wards,
            ControlChoice {
                method: "automatic".into(),
                wards: vec![],
                reason,
                score: Some(score),
                excluded_adjacent: excluded,
            },
        ))
    }

    /// Monthly counts of the selected incidents over the before period: in
    /// the target, and in each ward (indexed like `self.areas`).
    fn monthly_before(
        &self,
        selected: &[usize],
        target: &MultiPolygon<f64>,
        before: MonthRange,
    ) -> (Vec<f64>, Vec<Vec<f64>>) {
        let n = before.len() as usize;
        let mut target_monthly = vec![0.0; n];
        let mut ward_monthly = vec![vec![0.0; n]; self.areas.len()];
        for &k in selected {
            let m = self.cols.month(k);
            if !before.contains(m) {
                continue;
            }
            let slot = (m.index() - before.from.index()) as usize;
            let Some(p) = self.point_of(k) else { continue };
            let [x, y] = self.points[p];
            if target.intersects(&Point::new(x, y)) {
                target_monthly[slot] += 1.0;
            }
            if let Some(a) = self.area_of(k) {
                ward_monthly[a][slot] += 1.0;
            }
        }
        (target_monthly, ward_monthly)
    }
}

/// The before and after periods in whole months: after from the first whole
/// month of the intervention to its end (or the data's); before the given
/// range (which must end before the intervention month) or, by default, as
/// many months as after, cut at the first month of data.
fn whole_month_periods(
    spec: &InterventionSpec,
    span: MonthRange,
    before: Option<MonthRange>,
) -> Result<(MonthRange, MonthRange), EngineError> {
    if let Some(end) = spec.end {
        if end < spec.start {
            return Err(invalid(format!("end {end} is before start {}", spec.start)));
        }
    }
    let start_month = Month::of(spec.start);
    let mid_month = spec.start.day() != 1;
    let first_after = if mid_month {
        start_month.succ()
    } else {
        start_month
    };
    let mut last_after = span.to;
    if let Some(end) = spec.end {
        last_after = last_after.min(Month::of(end));
    }
    if last_after < first_after {
        return Err(invalid(format!(
            "no whole month of data after the intervention started ({}): the after period \
             would begin {first_after} but the data end {}",
            spec.start, span.to
        )));
    }
    let after = month_range(first_after, last_after);
    // The last month before the intervention month.
    let before_end = Month::from_index(start_month.index() - 1);
    let before = match before {
        Some(r) => {
            if r.to > before_end {
                return Err(invalid(format!(
                    "before period {}..{} must end by {before_end}, before the intervention \
                     month {start_month}",
                    r.from, r.to
                )));
            }
            r
        }
        None => {
            let from = Month::from_index(before_end.index() - after.len() as i32 + 1);
            if before_end < span.from {
                return Err(invalid(format!(
                    "no data before the intervention: the data begin {}",
                    span.from
                )));
            }
            month_range(from.max(span.from), before_end)
        }
    };
    Ok((before, after))
}

/// How the periods were drawn, in words: the months compared, gap months,
/// a left-out start month, and an after period cut at the latest data.
fn periods_note(spec: &InterventionSpec, span: MonthRange, p: &EvaluationPeriods) -> String {
    let (before, after) = (p.before, p.after);
    let (nb, na) = (p.before_months, p.after_months);
    let mut note = format!(
        "Whole months: before {}..{} ({nb} months with data), after {}..{} ({na} months with data).",
        before.from, before.to, after.from, after.to
    );
    for (what, g) in [
        ("before", &p.before_gap_months),
        ("after", &p.after_gap_months),
    ] {
        if !g.is_empty() {
            let list: Vec<String> = g.iter().map(|m| m.to_string()).collect();
            note.push_str(&format!(
                " The {what} period has no data for {} (gaps, left out of the comparison).",
                list.join(", ")
            ));
        }
    }
    if let Some(start_month) = p.excluded_month {
        note.push_str(&format!(
            " The intervention started mid-month ({}), so {start_month} is in neither period \
             (police.uk dates crimes to the month only).",
            spec.start
        ));
    }
    if spec.end.is_some_and(|e| Month::of(e) > span.to) || spec.end.is_none() {
        note.push_str(&format!(
            " The after period ends with the latest month of data, {}.",
            span.to
        ));
    }
    note
}

/// The eligible ward, or else combination of two, then three wards, most
/// similar to the target's monthly counts (small wards rarely match a busy
/// target), as (ward indexes, score, how many qualified); `None` when none
/// qualifies at any size.
fn most_similar_wards(
    target_monthly: &[f64],
    ward_monthly: &[Vec<f64>],
    eligible: &[usize],
) -> Result<Option<(Vec<usize>, f64, usize)>, EngineError> {
    let n = target_monthly.len();
    for size in 1..=MAX_CONTROL_WARDS {
        let combos = combinations(eligible.len(), size);
        if combos.is_empty() {
            break;
        }
        let candidates: Vec<ComparisonCandidate> = combos
            .iter()
            .map(|combo| {
                let mut monthly = vec![0.0; n];
                for &j in combo {
                    for (m, v) in monthly.iter_mut().zip(&ward_monthly[eligible[j]]) {
                        *m += v;
                    }
                }
                ComparisonCandidate {
                    id: combo
                        .iter()
                        .map(|j| eligible[*j].to_string())
                        .collect::<Vec<_>>()
                        .join(","),
                    monthly_before: monthly,
                    adjacent_to_target: false,
                }
            })
            .collect();
        let ranked = choose_comparison(target_monthly, &candidates)?;
        if let Some((id, score)) = ranked.first() {
            let wards: Vec<usize> = id.split(',').map(|s| s.parse().expect("index")).collect();
            return Ok(Some((wards, *score, ranked.len())));
        }
    }
    Ok(None)
}

/// The target, its buffer ring and their extent, in BNG.
pub(crate) struct Places {
    target: MultiPolygon<f64>,
    /// Target plus buffer.
    outer: MultiPolygon<f64>,
    /// The buffer alone.
    ring: MultiPolygon<f64>,
    rect: geo_types::Rect<f64>,
}

/// The comparison area as the counting needs it.
pub(crate) struct ResolvedControl {
    wards: Option<Vec<usize>>,
    set: Option<HashSet<usize>>,
    polygon: Option<MultiPolygon<f64>>,
    choice: ControlChoice,
    /// Wards the user chose that touch the target or its buffer.
    user_wards_touching: Vec<String>,
}

/// The WDQ's caveats plus those about locations, gaps, period lengths and
/// the control.
fn evaluation_caveats(
    result: &WdqResult,
    periods: &EvaluationPeriods,
    control: &ResolvedControl,
) -> Vec<String> {
    let mut caveats = result.caveats.clone();
    caveats.push(
        "Locations are approximate: police.uk moves each crime to a nearby snap point, so \
         crimes close to the edge of the target area or the buffer may be counted on the \
         wrong side of it."
            .into(),
    );
    let gap_count = periods.before_gap_months.len() + periods.after_gap_months.len();
    if gap_count > 0 {
        caveats.push(format!(
            "{gap_count} month(s) of the periods have no data loaded (gaps): they are left \
             out, and each period is compared on its months with data only."
        ));
    }
    let scale = periods.before_scale;
    if (scale - 1.0).abs() > 1e-12 {
        caveats.push(format!(
            "The before period ({} months with data) differs in length from the after \
             period ({} months with data): before counts were scaled by {:.3} for the \
             percentages and the WDQ; seasonal differences between the periods are not \
             corrected.",
            periods.before_months, periods.after_months, scale
        ));
    }
    if !control.user_wards_touching.is_empty() {
        caveats.push(format!(
            "The control wards {} touch the target area or its buffer: they may share its \
             displacement or diffusion of benefits, which biases the WDQ towards zero.",
            control.user_wards_touching.join(", ")
        ));
    }
    if control.polygon.is_some() {
        caveats.push(
            "Check that the control polygon does not overlap the target or its buffer.".into(),
        );
    }
    caveats
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{at, build, evaluate_on_t, northants_months, target_and_control};

    /// Two wards 10 km apart with ten burglaries a month each, in every
    /// month of the real extract (2024-05..12 missing).
    fn stable_rate() -> Dataset {
        let mut incidents = Vec::new();
        for m in northants_months() {
            for _ in 0..10 {
                incidents.push(at(450_500.0, 260_500.0, &m));
                incidents.push(at(460_500.0, 260_500.0, &m));
            }
        }
        build(incidents, target_and_control())
    }

    /// Evaluates an intervention on ward T from 2025-01, against ward C,
    /// with the given before months.
    fn evaluate_with_before(from: &str, to: &str) -> Result<InterventionEvaluation, EngineError> {
        let before = MonthRange::new(from.parse().unwrap(), to.parse().unwrap()).unwrap();
        evaluate_on_t(&stable_rate(), "2025-01-01", Some(before))
    }

    #[test]
    fn a_before_period_spanning_gap_months_is_scaled_by_its_months_with_data() {
        let e = evaluate_with_before("2024-01", "2024-12").unwrap();
        assert_eq!((e.periods.before_months, e.periods.after_months), (4, 12));
        assert_eq!(e.periods.before_gap_months.len(), 8);
        assert_eq!((e.target.before, e.target.after), (40, 120));
        // A stable rate: no change, not +200%.
        let pct = e.target.change_pct.unwrap();
        assert!(pct.abs() < 1e-9, "{pct}");
        assert!(e
            .caveats
            .iter()
            .any(|c| c.contains("no data loaded (gaps)")));
    }

    #[test]
    fn a_before_period_with_no_data_at_all_is_refused() {
        let err = evaluate_with_before("2024-05", "2024-12").unwrap_err();
        assert!(err.to_string().contains("no data is loaded"), "{err}");
    }
}
