//! Does an intervention's verdict depend on the before period chosen? The
//! WDQ compares one before period with the after period; a different,
//! equally reasonable before period can turn "displacement" into
//! "diffusion" (as a user found by changing the before months). The
//! evaluation is repeated with up to two other windows: twice as long,
//! ending at the same month, and the after months a year earlier (same
//! season); the verdict holds when every window computed agrees.

use hotspot_core::evaluation::{BeforeWindow, EvaluationPeriods, Robustness};
use hotspot_core::{Month, MonthRange};
use hotspot_planning::evaluation::wdq_verdict;

use crate::interventions::{round1, scaled_wdq, InterventionSpec, Places, ResolvedControl};
use crate::Dataset;

impl Dataset {
    /// The verdict with the evaluation's before period (`used`, whose
    /// counts the evaluation has made) and the other windows the loaded
    /// data allows.
    pub(crate) fn before_windows(
        &self,
        spec: &InterventionSpec,
        selected: &[usize],
        places: &Places,
        control: &ResolvedControl,
        used: &EvaluationPeriods,
        used_counts: [[u64; 2]; 3],
    ) -> Robustness {
        let mut windows = vec![window("used", used, used_counts)];
        for (kind, range) in self.other_windows(used) {
            let w = match self.evaluation_periods(spec, Some(range)) {
                Ok(periods) => {
                    let counts = self.count_before_after(selected, &periods, places, control);
                    window(kind, &periods, counts)
                }
                Err(e) => not_computed(kind, range, e.to_string()),
            };
            windows.push(w);
        }
        let computed: Vec<&BeforeWindow> = windows.iter().filter(|w| w.computed).collect();
        let holds =
            computed.len() >= 2 && computed.iter().all(|w| w.verdict == computed[0].verdict);
        let note = note(&windows, &computed, holds);
        Robustness {
            windows,
            holds,
            note,
        }
    }

    /// Twice the used window, ending where it ends; the after months a year
    /// earlier. Each within the data and different from the used window.
    fn other_windows(&self, used: &EvaluationPeriods) -> Vec<(&'static str, MonthRange)> {
        let Some(span) = self.span() else {
            return Vec::new();
        };
        let shift = |m: Month, by: i32| Month::from_index(m.index() - by);
        let mut out = Vec::new();
        let len = used.before.len() as i32;
        let from = shift(used.before.to, 2 * len - 1).max(span.from);
        if from < used.before.from {
            out.push((
                "double",
                MonthRange {
                    from,
                    to: used.before.to,
                },
            ));
        }
        let year = MonthRange {
            from: shift(used.after.from, 12),
            to: shift(used.after.to, 12),
        };
        if year.from >= span.from && year != used.before && year.to < used.after.from {
            out.push(("year_earlier", year));
        }
        out
    }
}

/// The verdict with one before period, from its `[target, buffer, control]`
/// before/after counts.
fn window(kind: &str, periods: &EvaluationPeriods, counts: [[u64; 2]; 3]) -> BeforeWindow {
    let scale = periods.before_scale;
    let (wdq_value, verdict, computed) = match scaled_wdq(&counts, scale) {
        Ok(r) => (r.wdq, wdq_verdict(r.wdq).to_string(), true),
        Err(e) => (None, format!("not computed: {e}"), false),
    };
    let target_before = counts[0][0];
    BeforeWindow {
        before: periods.before,
        kind: kind.to_string(),
        target_before,
        target_before_scaled: round1(target_before as f64 * scale),
        wdq: wdq_value,
        verdict,
        computed,
    }
}

fn not_computed(kind: &str, before: MonthRange, why: String) -> BeforeWindow {
    BeforeWindow {
        before,
        kind: kind.to_string(),
        target_before: 0,
        target_before_scaled: 0.0,
        wdq: None,
        verdict: format!("not computed: {why}"),
        computed: false,
    }
}

fn note(windows: &[BeforeWindow], computed: &[&BeforeWindow], holds: bool) -> String {
    let listed = |ws: &[&BeforeWindow]| {
        ws.iter()
            .map(|w| format!("{} with {}..{}", w.verdict, w.before.from, w.before.to))
            .collect::<Vec<_>>()
            .join("; ")
    };
    if holds {
        format!(
            "The verdict ({}) holds with {} before periods: {}..{} and {}.",
            computed[0].verdict,
            computed.len(),
            computed[0].before.from,
            computed[0].before.to,
            computed[1..]
                .iter()
                .map(|w| format!("{}..{}", w.before.from, w.before.to))
                .collect::<Vec<_>>()
                .join(" and ")
        )
    } else if computed.len() < 2 {
        let tried = windows.len();
        format!(
            "The verdict could not be checked against another before period ({tried} tried; \
             not enough data before the intervention): treat it with caution."
        )
    } else {
        format!(
            "The verdict changes with the before period ({}): it is not robust, so do not \
             rely on it without a longer series or a better-matched control.",
            listed(computed)
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{at, build, evaluate_on_t, target_and_control};

    /// Ward T (target) and ward C (control) 10 km apart, and a buffer point
    /// 50 m outside T; 2023-01..2025-12, the intervention from 2025-07.
    /// Control and target-before steady at 10 a month, the target at 5
    /// after; the buffer's monthly count is `buffer(month)`.
    fn verdicts(buffer: impl Fn(&str) -> usize) -> hotspot_core::evaluation::Robustness {
        let mut incidents = Vec::new();
        for y in 2023..=2025 {
            for mo in 1..=12 {
                let m = format!("{y}-{mo:02}");
                let after = m.as_str() >= "2025-07";
                for _ in 0..10 {
                    incidents.push(at(460_500.0, 260_500.0, &m));
                }
                for _ in 0..(if after { 5 } else { 10 }) {
                    incidents.push(at(450_500.0, 260_500.0, &m));
                }
                for _ in 0..buffer(&m) {
                    incidents.push(at(451_050.0, 260_500.0, &m));
                }
            }
        }
        let ds = build(incidents, target_and_control());
        evaluate_on_t(&ds, "2025-07-01", None)
            .unwrap()
            .evaluation
            .robustness
    }

    #[test]
    fn a_verdict_that_flips_with_the_before_window_is_reported_as_not_robust() {
        // The buffer: 15 a month in 2024-07..12, 5 in 2025-01..06, 10 after.
        let r = verdicts(|m| match m {
            "2024-07" | "2024-08" | "2024-09" | "2024-10" | "2024-11" | "2024-12" => 15,
            "2025-01" | "2025-02" | "2025-03" | "2025-04" | "2025-05" | "2025-06" => 5,
            _ => 10,
        });
        let got: Vec<(&str, String, &str)> = r
            .windows
            .iter()
            .map(|w| {
                (
                    w.kind.as_str(),
                    format!("{}..{}", w.before.from, w.before.to),
                    w.verdict.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "used",
                    "2025-01..2025-06".into(),
                    "displacement, no net benefit"
                ),
                (
                    "double",
                    "2024-07..2025-06".into(),
                    "no displacement or diffusion"
                ),
                (
                    "year_earlier",
                    "2024-07..2024-12".into(),
                    "diffusion of benefits"
                ),
            ]
        );
        assert!(!r.holds);
        assert!(
            r.note.contains("changes with the before period"),
            "{}",
            r.note
        );
        assert!(r
            .windows
            .iter()
            .all(|w| w.target_before == 60 && w.target_before_scaled == 60.0
                || w.kind == "double" && w.target_before == 120 && w.target_before_scaled == 60.0));
    }

    #[test]
    fn a_steady_buffer_gives_the_same_verdict_with_every_window() {
        let r = verdicts(|_| 10);
        assert_eq!(r.windows.len(), 3);
        assert!(r.holds, "{r:?}");
        assert!(
            r.note.starts_with(
                "The verdict (no displacement or diffusion) holds with 3 before periods"
            ),
            "{}",
            r.note
        );
    }
}
