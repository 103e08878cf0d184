//! Property tests: invariants of the planner, the target-hardening list and
//! the WDQ on random inputs.

use chrono::{NaiveDate, Weekday};
use hotspot_planning::{
    coverage_of, plan, plan_at_least, target_hardening, wdq, AreaCounts, Burglary, Candidate,
    HardeningOptions, Location, PlanOptions, WdqInput, WeightedPoint, REGRESSION_TO_THE_MEAN,
};
use proptest::prelude::*;

const DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn point() -> impl Strategy<Value = WeightedPoint> {
    (
        0u32..40,
        0u32..40,
        0.0f64..10.0,
        0u16..4,
        proptest::option::of((0usize..7, 0u32..24)),
    )
        .prop_map(|(x, y, w, g, when)| WeightedPoint {
            // A 50 m lattice, so incidents share locations as police.uk's do.
            xy: [x as f64 * 50.0, y as f64 * 50.0],
            weight: w,
            group: g,
            when: when.map(|(d, h)| (DAYS[d], h)),
        })
}

fn site() -> impl Strategy<Value = [f64; 2]> {
    (0.0f64..2000.0, 0.0f64..2000.0).prop_map(|(x, y)| [x, y])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn plan_invariants(
        points in prop::collection::vec(point(), 0..150),
        venues in prop::collection::vec(site(), 0..25),
        baseline in prop::collection::vec(site(), 0..4),
        sites in 1usize..6,
        radius in 50.0f64..600.0,
    ) {
        let cands: Vec<Candidate> = venues
            .iter()
            .enumerate()
            .map(|(i, &xy)| Candidate { name: format!("v{i}"), xy })
            .collect();
        let opts = PlanOptions { sites: sites.max(baseline.len()), radius, ..PlanOptions::default() };
        let p = plan(&points, &cands, &opts).unwrap();
        let total: f64 = points.iter().map(|p| p.weight).sum();
        let tol = 1e-9 * total.max(1.0);
        prop_assert!(p.sites.len() <= opts.sites);
        prop_assert!(p.covered_weight <= p.total_weight + tol);
        prop_assert!((p.total_weight - total).abs() <= tol);
        prop_assert!((0.0..=1.0).contains(&p.share));
        // Marginal gains of the greedy never increase and sum to the coverage.
        for w in p.sites.windows(2) {
            prop_assert!(w[1].marginal_weight <= w[0].marginal_weight + tol);
        }
        let sum: f64 = p.sites.iter().map(|s| s.marginal_weight).sum();
        prop_assert!((sum - p.covered_weight).abs() <= tol);
        for s in &p.sites {
            prop_assert!(s.marginal_weight <= s.covered_weight + tol);
            prop_assert!(s.marginal_weight > 0.0);
            let n: u64 = s.by_group.iter().map(|g| g.1).sum();
            prop_assert_eq!(n, s.covered_incidents);
            if let Some(w) = s.best_window {
                prop_assert!((0.0..=1.0).contains(&w.share));
                prop_assert_eq!(w.to_hour, (w.from_hour + 4) % 24);
            }
        }
        // Each incident counted once: equals the independent coverage.
        let xy: Vec<[f64; 2]> = p.sites.iter().map(|s| s.xy).collect();
        prop_assert!((coverage_of(&points, &xy, radius) - p.covered_weight).abs() <= tol);

        let q = plan_at_least(&points, &cands, &opts, &baseline).unwrap();
        let b = q.baseline.unwrap();
        prop_assert!(q.covered_weight >= p.covered_weight - tol);
        prop_assert!(q.covered_weight >= b.covered_weight - tol);
        prop_assert!(q.covered_weight <= q.total_weight + tol);
        prop_assert!((0.0..=1.0).contains(&q.share));
        let xy: Vec<[f64; 2]> = q.sites.iter().map(|s| s.xy).collect();
        prop_assert!((coverage_of(&points, &xy, radius) - q.covered_weight).abs() <= tol);
        prop_assert!(q.sites.len() <= opts.sites);
        prop_assert!(q.sites.iter().all(|s| s.marginal_weight > 0.0));
        for w in q.sites.windows(2) {
            prop_assert!(w[1].marginal_weight <= w[0].marginal_weight + tol);
        }
    }

    #[test]
    fn hardening_invariants(
        bs in prop::collection::vec((site(), 0i64..60), 0..40),
        ls in prop::collection::vec(site(), 1..40),
        with_hot in any::<bool>(),
        hot in prop::collection::vec(0.0f64..50.0, 40),
    ) {
        let as_of = NaiveDate::from_ymd_opt(2025, 3, 31).unwrap();
        let burglaries: Vec<Burglary> = bs
            .iter()
            .map(|&(xy, ago)| Burglary { xy, date: as_of - chrono::Duration::days(ago), label: None })
            .collect();
        let locations: Vec<Location> = ls
            .iter()
            .enumerate()
            .map(|(i, &xy)| Location { label: format!("L{i:02}"), xy })
            .collect();
        let opts = HardeningOptions {
            as_of,
            distance: 200.0,
            days: 28,
            hotspot_score: with_hot.then(|| hot[..ls.len()].to_vec()),
        };
        let out = target_hardening(&burglaries, &locations, &opts).unwrap();
        for w in out.windows(2) {
            prop_assert!(
                w[0].score > w[1].score || (w[0].score == w[1].score && w[0].label <= w[1].label)
            );
        }
        for item in &out {
            prop_assert!(!item.reason.is_empty());
            prop_assert!(item.expires > as_of);
            prop_assert!(item.expires <= as_of + chrono::Duration::days(28));
            // Every triggering burglary adds at least 1/4 and at most 1.
            let t = item.triggering as f64;
            prop_assert!(item.risk >= 0.25 * t - 1e-12 && item.risk <= t + 1e-12);
            if item.triggering > 0 {
                // Near-repeat risk dominates the hotspot prior.
                prop_assert!(out.iter().filter(|o| o.triggering == 0).all(|o| o.score < item.score));
            }
        }
    }

    #[test]
    fn wdq_invariants(
        c in prop::collection::vec(0.0f64..500.0, 6),
    ) {
        let ac = |b: f64, a: f64| AreaCounts { before: b, after: a };
        let input = WdqInput {
            target: ac(c[0], c[1]),
            buffer: ac(c[2], c[3]),
            control: ac(c[4] + 1.0, c[5] + 1.0),
        };
        let r = wdq(&input).unwrap();
        prop_assert_eq!(r.wdq.is_some(), r.success_measure < 0.0);
        prop_assert_eq!(&r.caveats[0], REGRESSION_TO_THE_MEAN);
        if let Some(q) = r.wdq {
            prop_assert!((q * r.success_measure - r.buffer_measure).abs() < 1e-9);
        } else {
            prop_assert!(r.interpretation.starts_with("WDQ not meaningful"));
        }
        let small = c[..4].iter().any(|&v| v < 20.0) || c[4] + 1.0 < 20.0 || c[5] + 1.0 < 20.0;
        prop_assert_eq!(small, r.caveats.iter().any(|s| s.starts_with("Small counts")));
    }
}
