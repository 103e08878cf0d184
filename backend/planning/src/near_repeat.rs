//! The target-hardening list: which homes or streets to visit (locks,
//! lighting, property marking, cocooning) after recent burglaries.
//!
//! # Why near repeats
//!
//! After a burglary the risk to homes nearby is raised for a few weeks,
//! falling with distance and time: offenders return to an area they know
//! works (Townsley, Homel & Chaseling 2003; Johnson & Bowers 2004; the Knox
//! test in `hotspot-spacetime` measures it locally). Visiting the homes
//! within the near-repeat distance quickly ("cocooning") is the standard
//! response.
//!
//! # The rule
//!
//! A burglary is *recent* when its date is in the window
//! `(as_of − days, as_of]` (later dates are ignored). For a location at
//! distance `d ≤ distance` from a recent burglary of age
//! `a = as_of − date` days, the burglary contributes
//!
//! ```text
//! c = (1 − d / (2 · distance)) · (1 − a / (2 · days))
//! ```
//!
//! — 1 for a burglary at the location today, falling linearly to ½ at the
//! edge of the distance and towards ½ at the end of the window, the two
//! multiplied, so each triggering burglary adds between ¼ and 1. The
//! **near-repeat risk** is the sum over triggering burglaries. (The exact
//! decay shape is not established in the literature; linear decay to half is
//! a simple, explainable choice that still ranks closer and newer first.)
//!
//! The optional **hotspot score** (a KDE density per km² or similar, sampled
//! at each location) is a prior: with `p` the location's percentile among all
//! locations (1 for the highest score, falling to `1/n`; 0 when the score is
//! not positive),
//!
//! ```text
//! score = risk + HOTSPOT_WEIGHT · p        (HOTSPOT_WEIGHT = 0.2)
//! ```
//!
//! Since every triggering burglary adds at least ¼ > 0.2, a location with a
//! recent nearby burglary always outranks one without; among equal risks the
//! hotter location comes first; and when no burglary has a day-precision
//! date (police.uk month-only data: pass no burglaries) the list falls back
//! to the hotspot alone.
//!
//! A location is listed only with a **reason**: at least one triggering
//! burglary, or a positive hotspot score in the top [`HOTSPOT_TOP_SHARE`]
//! (20%) of locations. Its **expiry** is the latest triggering burglary's
//! date plus `days` (when the raised risk has passed), or `as_of + days` for
//! a hotspot-only reason (when the list should be refreshed).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::grid::CellIndex;
use crate::{finite_xy, invalid, PlanningError};

/// Weight of the hotspot percentile in [`HardeningItem::score`]: less than
/// the smallest contribution of one triggering burglary (¼).
pub const HOTSPOT_WEIGHT: f64 = 0.2;
/// Locations in this top share by hotspot score (with a positive score) are
/// listed even without a recent burglary nearby.
pub const HOTSPOT_TOP_SHARE: f64 = 0.2;

/// A burglary with a day-precision date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Burglary {
    pub xy: [f64; 2],
    pub date: NaiveDate,
    /// Street or location label, quoted in the reason for the latest one.
    pub label: Option<String>,
}

/// Options for [`target_hardening`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HardeningOptions {
    /// The day the list is drawn up (inclusive end of the risk window).
    pub as_of: NaiveDate,
    /// Near-repeat distance, metres (> 0), e.g. 200.
    pub distance: f64,
    /// Risk window after a burglary, days (≥ 1), e.g. 28.
    pub days: u32,
    /// Optional per-location prior from a KDE/Gi* surface (density per km²),
    /// in the same order as the locations.
    pub hotspot_score: Option<Vec<f64>>,
}

/// A home, street or snap point that could be visited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// e.g. "On or near High Street" or an address.
    pub label: String,
    pub xy: [f64; 2],
}

/// One entry of the visit list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HardeningItem {
    pub label: String,
    pub xy: [f64; 2],
    /// `risk + HOTSPOT_WEIGHT × hotspot percentile` ([module docs](self)).
    pub score: f64,
    /// Near-repeat risk alone: the sum of the triggering burglaries'
    /// contributions (0 for a hotspot-only reason).
    pub risk: f64,
    /// Why the location is on the list, in words.
    pub reason: String,
    /// Latest triggering burglary + `days`; `as_of + days` for a
    /// hotspot-only reason.
    pub expires: NaiveDate,
    /// Recent burglaries within the distance.
    pub triggering: u32,
}

/// Ranks locations for target-hardening visits by near-repeat risk with the
/// hotspot score as prior and fallback ([module docs](self) for the rule).
/// Returns only locations with a reason, sorted by score (highest first),
/// then label.
///
/// Month-only data: pass no burglaries and a `hotspot_score`; locations in
/// the top 20% by score are listed with "in the top P% burglary hotspot
/// (density N per km²)" and expire at `as_of + days`.
///
/// Errors when `distance` is not a positive finite number, `days` is 0, a
/// coordinate or hotspot score is not finite, or `hotspot_score` has a
/// different length from `locations`.
///
/// ```
/// use chrono::NaiveDate;
/// use hotspot_planning::{target_hardening, Burglary, HardeningOptions, Location};
/// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
/// let burglaries = [
///     Burglary { xy: [0.0, 0.0], date: d(3, 4), label: Some("On or near Mill Lane".into()) },
///     Burglary { xy: [100.0, 0.0], date: d(2, 20), label: None },
/// ];
/// let homes = [
///     Location { label: "1 Mill Lane".into(), xy: [0.0, 50.0] },
///     Location { label: "9 Far Road".into(), xy: [5000.0, 0.0] },
/// ];
/// let opts = HardeningOptions { as_of: d(3, 10), distance: 200.0, days: 28, hotspot_score: None };
/// let list = target_hardening(&burglaries, &homes, &opts).unwrap();
/// assert_eq!(list.len(), 1); // Far Road has no reason to be visited
/// assert_eq!(list[0].triggering, 2);
/// assert_eq!(list[0].expires, d(4, 1)); // 4 March + 28 days
/// assert!(list[0].reason.starts_with("2 burglaries within 200 m in the last 28 days (latest 2025-03-04"));
/// ```
pub fn target_hardening(
    burglaries: &[Burglary],
    locations: &[Location],
    opts: &HardeningOptions,
) -> Result<Vec<HardeningItem>, PlanningError> {
    let hotspot = checked_hotspot_scores(burglaries, locations, opts)?;
    let dist = opts.distance;
    let days = i64::from(opts.days);
    // Checked: `days` is any u32 and `as_of` any date, and a window that
    // runs past chrono's last date would otherwise panic.
    let window_end = opts
        .as_of
        .checked_add_signed(chrono::Duration::days(days))
        .ok_or_else(|| {
            invalid(format!(
                "a {days}-day near-repeat window from {} runs past the calendar",
                opts.as_of
            ))
        })?;
    let recent: Vec<&Burglary> = burglaries
        .iter()
        .filter(|b| {
            let age = (opts.as_of - b.date).num_days();
            (0..days).contains(&age)
        })
        .collect();
    let recent_xy: Vec<[f64; 2]> = recent.iter().map(|b| b.xy).collect();
    let index = CellIndex::new(&recent_xy, dist);
    let n = locations.len();
    let top_count = hotspot.map(hotspot_ranks).unwrap_or_default();

    let mut items: Vec<HardeningItem> = Vec::new();
    for (i, loc) in locations.iter().enumerate() {
        let near = NearRepeat::at(loc.xy, &recent, &recent_xy, &index, opts);
        let (percentile, hot_reason) = match hotspot {
            Some(h) if h[i] > 0.0 => hotspot_standing(h[i], top_count[i], n),
            _ => (0.0, None),
        };
        let (reason, expires) = match (near.latest, hot_reason) {
            (Some(l), hot) => {
                let mut r = near.reason(l, opts);
                if let Some(h) = hot {
                    r.push_str("; ");
                    r.push_str(&h);
                }
                (r, l.date + chrono::Duration::days(days))
            }
            (None, Some(h)) => (h, window_end),
            (None, None) => continue,
        };
        items.push(HardeningItem {
            label: loc.label.clone(),
            xy: loc.xy,
            score: near.risk + HOTSPOT_WEIGHT * percentile,
            risk: near.risk,
            reason,
            expires,
            triggering: near.triggering,
        });
    }
    items.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.label.cmp(&b.label))
    });
    Ok(items)
}

/// The input checks [`target_hardening`] documents; returns the hotspot
/// scores (if any) once they are known to match the locations.
fn checked_hotspot_scores<'a>(
    burglaries: &[Burglary],
    locations: &[Location],
    opts: &'a HardeningOptions,
) -> Result<Option<&'a [f64]>, PlanningError> {
    let dist = opts.distance;
    if !(dist.is_finite() && dist > 0.0) {
        return Err(invalid(format!(
            "the near-repeat distance must be a positive number of metres, not {dist}"
        )));
    }
    if opts.days == 0 {
        return Err(invalid("the near-repeat window must be at least 1 day"));
    }
    if let Some(b) = burglaries.iter().find(|b| !finite_xy(b.xy)) {
        return Err(invalid(format!(
            "a burglary dated {} has a non-finite coordinate",
            b.date
        )));
    }
    if let Some(l) = locations.iter().find(|l| !finite_xy(l.xy)) {
        return Err(invalid(format!(
            "location '{}' has a non-finite coordinate",
            l.label
        )));
    }
    match &opts.hotspot_score {
        Some(h) if h.len() != locations.len() => Err(PlanningError::LengthMismatch {
            what: "hotspot scores (one per location)",
            expected: locations.len(),
            found: h.len(),
        }),
        Some(h) if h.iter().any(|s| !s.is_finite()) => {
            Err(invalid("hotspot scores must be finite numbers"))
        }
        other => Ok(other.as_deref()),
    }
}

/// Hotspot rank of each location: k = number of locations scoring at least
/// as high (ties share the lower rank).
fn hotspot_ranks(h: &[f64]) -> Vec<usize> {
    let mut sorted: Vec<f64> = h.to_vec();
    sorted.sort_unstable_by(|a, b| b.total_cmp(a));
    h.iter()
        .map(|&s| sorted.partition_point(|&x| x >= s))
        .collect()
}

/// A location's hotspot percentile (for the score) and, when it is in the
/// top [`HOTSPOT_TOP_SHARE`], the reason in words; `score` is positive and
/// `k` its rank among `n` locations.
fn hotspot_standing(score: f64, k: usize, n: usize) -> (f64, Option<String>) {
    // Whole percent, rounded up, in integers to avoid 0.2 × 100 = 20.000…04.
    let pct = (100 * k).div_ceil(n);
    let reason = (k as f64 <= HOTSPOT_TOP_SHARE * n as f64 + 1e-9).then(|| {
        format!(
            "in the top {pct}% burglary hotspot (density {} per km²)",
            fmt_density(score)
        )
    });
    ((n - k + 1) as f64 / n as f64, reason)
}

/// The recent burglaries near one location: summed risk, how many, the
/// latest and the nearest distance (capped at the near-repeat distance).
struct NearRepeat<'a> {
    risk: f64,
    triggering: u32,
    latest: Option<&'a Burglary>,
    nearest: f64,
}

impl<'a> NearRepeat<'a> {
    /// Sums the contributions ([module docs](self)) of the recent
    /// burglaries within the distance of `xy`.
    fn at(
        xy: [f64; 2],
        recent: &[&'a Burglary],
        recent_xy: &[[f64; 2]],
        index: &CellIndex,
        opts: &HardeningOptions,
    ) -> Self {
        let dist = opts.distance;
        let days = i64::from(opts.days);
        let mut near = NearRepeat {
            risk: 0.0,
            triggering: 0,
            latest: None,
            nearest: f64::INFINITY,
        };
        index.within(recent_xy, xy, dist, |j| {
            let b = recent[j];
            let d = (b.xy[0] - xy[0]).hypot(b.xy[1] - xy[1]).min(dist);
            let age = (opts.as_of - b.date).num_days() as f64;
            near.risk += (1.0 - d / (2.0 * dist)) * (1.0 - age / (2.0 * days as f64));
            near.triggering += 1;
            near.nearest = near.nearest.min(d);
            // Latest date; among equal dates, one with a label.
            if near
                .latest
                .is_none_or(|l| b.date > l.date || (b.date == l.date && l.label.is_none()))
            {
                near.latest = Some(b);
            }
        });
        near
    }

    /// "N burglaries within D m in the last W days (latest DATE, LABEL,
    /// nearest M m)", `latest` being [`NearRepeat::latest`].
    fn reason(&self, latest: &Burglary, opts: &HardeningOptions) -> String {
        let triggering = self.triggering;
        format!(
            "{triggering} {} within {} m in the last {} days (latest {}{}, nearest {:.0} m)",
            if triggering == 1 {
                "burglary"
            } else {
                "burglaries"
            },
            fmt_metres(opts.distance),
            opts.days,
            latest.date,
            latest
                .label
                .as_deref()
                .map(|s| format!(", {s}"))
                .unwrap_or_default(),
            self.nearest
        )
    }
}

fn fmt_density(s: f64) -> String {
    if s >= 10.0 {
        format!("{s:.0}")
    } else {
        format!("{s:.1}")
    }
}

fn fmt_metres(m: f64) -> String {
    if m.fract() == 0.0 {
        format!("{m:.0}")
    } else {
        format!("{m:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).unwrap()
    }

    fn b(x: f64, date: NaiveDate) -> Burglary {
        Burglary {
            xy: [x, 0.0],
            date,
            label: None,
        }
    }

    fn loc(label: &str, x: f64) -> Location {
        Location {
            label: label.into(),
            xy: [x, 0.0],
        }
    }

    fn opts(hot: Option<Vec<f64>>) -> HardeningOptions {
        HardeningOptions {
            as_of: d(3, 31),
            distance: 200.0,
            days: 28,
            hotspot_score: hot,
        }
    }

    /// A window running past chrono's last date is refused, not a panic
    /// (`GET /api/target-hardening?as_of=-262000-01-01&days=4294967295`).
    #[test]
    fn a_window_past_the_calendar_is_an_error() {
        let mut o = opts(None);
        o.days = u32::MAX;
        assert!(target_hardening(&[b(0.0, d(3, 31))], &[loc("a", 0.0)], &o).is_err());
    }

    #[test]
    fn decay_in_distance_and_time() {
        // One burglary today at x = 0; locations at 0, 100, 200 and 201 m.
        let bs = [b(0.0, d(3, 31))];
        let ls = [
            loc("a", 0.0),
            loc("b", 100.0),
            loc("c", 200.0),
            loc("d", 201.0),
        ];
        let out = target_hardening(&bs, &ls, &opts(None)).unwrap();
        let risk: Vec<(&str, f64)> = out.iter().map(|i| (i.label.as_str(), i.risk)).collect();
        // c = (1 − d/400)·(1 − 0/56): 1, 0.75, 0.5; 201 m is out of range.
        assert_eq!(risk, vec![("a", 1.0), ("b", 0.75), ("c", 0.5)]);
        // Age 14 days of 28: time factor 1 − 14/56 = 0.75.
        let out = target_hardening(&[b(0.0, d(3, 17))], &ls[..1], &opts(None)).unwrap();
        assert_eq!(out[0].risk, 0.75);
        // Two burglaries add: 0.75 (100 m, today) + 1 × 0.75 (here, 14 days ago).
        let out = target_hardening(
            &[b(0.0, d(3, 17)), b(100.0, d(3, 31))],
            &ls[..1],
            &opts(None),
        )
        .unwrap();
        assert_eq!((out[0].risk, out[0].triggering), (1.5, 2));
    }

    #[test]
    fn window_and_expiry() {
        let ls = [loc("here", 0.0)];
        // Window is (as_of − 28, as_of] = 4 March..=31 March.
        assert!(target_hardening(&[b(0.0, d(3, 3))], &ls, &opts(None))
            .unwrap()
            .is_empty());
        assert!(target_hardening(&[b(0.0, d(4, 1))], &ls, &opts(None))
            .unwrap()
            .is_empty());
        let out = target_hardening(&[b(0.0, d(3, 4))], &ls, &opts(None)).unwrap();
        assert_eq!(out[0].expires, d(4, 1));
        assert!((out[0].risk - (1.0 - 27.0 / 56.0)).abs() < 1e-12);
        // Expiry follows the latest triggering burglary.
        let out =
            target_hardening(&[b(0.0, d(3, 4)), b(50.0, d(3, 20))], &ls, &opts(None)).unwrap();
        assert_eq!(out[0].expires, d(4, 17));
        assert_eq!(
            out[0].reason,
            "2 burglaries within 200 m in the last 28 days (latest 2025-03-20, nearest 0 m)"
        );
    }

    #[test]
    fn ordering_by_score_then_label_with_hotspot_tiebreak() {
        let bs = [b(0.0, d(3, 31))];
        // "b" and "a" at equal distance on either side: equal risk; no
        // hotspot → alphabetical. With a hotspot score, the hotter first.
        let ls = [loc("b", 100.0), loc("a", -100.0), loc("z", 0.0)];
        let out = target_hardening(&bs, &ls, &opts(None)).unwrap();
        let order: Vec<&str> = out.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(order, ["z", "a", "b"]);
        let out = target_hardening(&bs, &ls, &opts(Some(vec![5.0, 1.0, 0.0]))).unwrap();
        let order: Vec<&str> = out.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(order, ["z", "b", "a"]);
        // The hotspot never lifts a location above one with more risk:
        // z has risk 1; b has 0.75 + 0.2 × 1 (top) = 0.95.
        assert_eq!(out[1].score, 0.95);
    }

    #[test]
    fn month_only_falls_back_to_hotspot() {
        // Ten locations, scores 1..=10: the top 20% are the two highest.
        let ls: Vec<Location> = (0..10)
            .map(|i| loc(&format!("L{i}"), i as f64 * 1000.0))
            .collect();
        let scores: Vec<f64> = (1..=10).map(f64::from).collect();
        let out = target_hardening(&[], &ls, &opts(Some(scores))).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].label, "L9");
        assert_eq!(
            out[0].reason,
            "in the top 10% burglary hotspot (density 10 per km²)"
        );
        assert_eq!(
            out[1].reason,
            "in the top 20% burglary hotspot (density 9.0 per km²)"
        );
        assert_eq!(out[0].expires, d(4, 28)); // as_of + 28 days
        assert_eq!((out[0].triggering, out[0].risk), (0, 0.0));
        assert!((out[0].score - 0.2).abs() < 1e-12 && (out[1].score - 0.18).abs() < 1e-12);
        // No burglaries and no hotspot: nothing to say.
        assert!(target_hardening(&[], &ls, &opts(None)).unwrap().is_empty());
        // Zero scores never qualify.
        assert!(target_hardening(&[], &ls, &opts(Some(vec![0.0; 10])))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn combined_reason_and_label() {
        let bs = [Burglary {
            xy: [0.0, 0.0],
            date: d(3, 30),
            label: Some("On or near Mill Lane".into()),
        }];
        let ls: Vec<Location> = (0..5)
            .map(|i| loc(&format!("L{i}"), i as f64 * 10.0))
            .collect();
        let out = target_hardening(&bs, &ls, &opts(Some(vec![9.0, 1.0, 1.0, 1.0, 1.0]))).unwrap();
        assert_eq!(
            out[0].reason,
            "1 burglary within 200 m in the last 28 days (latest 2025-03-30, On or near Mill Lane, \
             nearest 0 m); in the top 20% burglary hotspot (density 9.0 per km²)"
        );
    }

    #[test]
    fn refuses_bad_input() {
        let ls = [loc("a", 0.0)];
        let mut o = opts(None);
        o.distance = 0.0;
        assert!(target_hardening(&[], &ls, &o).is_err());
        let mut o = opts(None);
        o.days = 0;
        assert!(target_hardening(&[], &ls, &o).is_err());
        assert!(matches!(
            target_hardening(&[], &ls, &opts(Some(vec![1.0, 2.0]))),
            Err(PlanningError::LengthMismatch { .. })
        ));
        assert!(target_hardening(&[], &ls, &opts(Some(vec![f64::NAN]))).is_err());
        assert!(target_hardening(&[b(f64::NAN, d(3, 1))], &ls, &opts(None)).is_err());
    }
}
