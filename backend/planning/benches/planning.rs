//! Benchmark against the target:
//!
//! * Days-of-action planner: 200 candidate venues, 100k incidents (clustered,
//!   snapped to ~10k points), N = 10, 400 m radius: < 200 ms. Baseline in the
//!   same run: a naive greedy that rescans every incident for every candidate
//!   in every round (same answer, checked).
//! * Informative rows (no target): `plan_at_least` against 10 "ward
//!   centroids", and `plan` with candidate sites generated from incident
//!   locations.
//!
//! `cargo bench -p hotspot-planning --bench planning`

#[path = "../../../benches/timing.rs"]
mod timing;
use timing::time;

use std::time::Duration;

use chrono::Weekday;
use hotspot_planning::{coverage_of, plan, plan_at_least, Candidate, PlanOptions, WeightedPoint};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Box–Muller; enough for synthetic clusters.
    let u: f64 = rng.gen_range(1e-12..1.0);
    let v: f64 = rng.gen_range(0.0..1.0);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

const EXTENT: f64 = 15_000.0;
const ORIGIN: [f64; 2] = [470_000.0, 250_000.0];

/// `n` incidents over a 15 km square borough: ~10k snap points, 80% around
/// 60 centres (sd 500 m) and 20% uniform; incidents pick snap points with a
/// heavy skew (a few points carry many incidents, as police.uk's do); six
/// groups with harm weights; 70% have a day and an (evening-heavy) hour.
fn incidents(n: usize, seed: u64) -> (Vec<WeightedPoint>, Vec<[f64; 2]>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let centres: Vec<[f64; 2]> = (0..60)
        .map(|_| [rng.gen_range(0.0..EXTENT), rng.gen_range(0.0..EXTENT)])
        .collect();
    let snaps: Vec<[f64; 2]> = (0..10_000)
        .map(|_| {
            let p = if rng.gen_bool(0.8) {
                let c = centres[rng.gen_range(0..centres.len())];
                [
                    c[0] + 500.0 * normal(&mut rng),
                    c[1] + 500.0 * normal(&mut rng),
                ]
            } else {
                [rng.gen_range(0.0..EXTENT), rng.gen_range(0.0..EXTENT)]
            };
            [ORIGIN[0] + p[0].round(), ORIGIN[1] + p[1].round()]
        })
        .collect();
    let harm = [1.0, 2.0, 4.0, 8.0, 1.0, 3.0];
    let days = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    let points = (0..n)
        .map(|_| {
            let u: f64 = rng.gen_range(0.0..1.0);
            let xy = snaps[((u * u * u) * snaps.len() as f64) as usize];
            let group = rng.gen_range(0..harm.len());
            let when = rng.gen_bool(0.7).then(|| {
                let h = if rng.gen_bool(0.5) {
                    (rng.gen_range(18..30) % 24) as u32
                } else {
                    rng.gen_range(0..24)
                };
                (days[rng.gen_range(0..7)], h)
            });
            WeightedPoint {
                xy,
                weight: harm[group],
                group: group as u16,
                when,
            }
        })
        .collect();
    (points, centres)
}

fn venues(centres: &[[f64; 2]], seed: u64) -> Vec<Candidate> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..200)
        .map(|i| {
            let p = if i < 150 {
                let c = centres[rng.gen_range(0..centres.len())];
                [
                    c[0] + 800.0 * normal(&mut rng),
                    c[1] + 800.0 * normal(&mut rng),
                ]
            } else {
                [rng.gen_range(0.0..EXTENT), rng.gen_range(0.0..EXTENT)]
            };
            Candidate {
                name: format!("Venue {i}"),
                xy: [ORIGIN[0] + p[0], ORIGIN[1] + p[1]],
            }
        })
        .collect()
}

/// Naive greedy: every round, every unchosen candidate rescans all incidents.
fn naive_greedy(points: &[WeightedPoint], cands: &[Candidate], k: usize, r: f64) -> f64 {
    let mut covered = vec![false; points.len()];
    let mut chosen: Vec<usize> = Vec::new();
    let mut total = 0.0;
    for _ in 0..k {
        let mut best: Option<(f64, usize)> = None;
        for (c, cand) in cands.iter().enumerate() {
            if chosen.contains(&c) {
                continue;
            }
            let g: f64 = points
                .iter()
                .zip(&covered)
                .filter(|(p, &cov)| {
                    let (dx, dy) = (p.xy[0] - cand.xy[0], p.xy[1] - cand.xy[1]);
                    !cov && dx * dx + dy * dy <= r * r
                })
                .map(|(p, _)| p.weight)
                .sum();
            if best.is_none_or(|b| g > b.0) {
                best = Some((g, c));
            }
        }
        let Some((g, c)) = best else { break };
        if g <= 0.0 {
            break;
        }
        chosen.push(c);
        total += g;
        let xy = cands[c].xy;
        for (p, cov) in points.iter().zip(covered.iter_mut()) {
            let (dx, dy) = (p.xy[0] - xy[0], p.xy[1] - xy[1]);
            if dx * dx + dy * dy <= r * r {
                *cov = true;
            }
        }
    }
    total
}

struct Row {
    case: String,
    best: Duration,
    median: Duration,
    target: Option<Duration>,
    baseline: String,
}

fn main() {
    let threads = rayon::current_num_threads();
    let mut rows = Vec::new();

    let (points, centres) = incidents(100_000, 1);
    let cands = venues(&centres, 2);
    let distinct = {
        let mut xy: Vec<(u64, u64)> = points
            .iter()
            .map(|p| (p.xy[0].to_bits(), p.xy[1].to_bits()))
            .collect();
        xy.sort_unstable();
        xy.dedup();
        xy.len()
    };
    let opts = PlanOptions {
        sites: 10,
        radius: 400.0,
        ..PlanOptions::default()
    };

    // --- Planner, 200 venues ----------------------------------------------
    let p = plan(&points, &cands, &opts).unwrap();
    let (best, median) = time(7, || plan(&points, &cands, &opts).unwrap());
    let naive_cover = naive_greedy(&points, &cands, 10, 400.0);
    let (naive, _) = time(3, || naive_greedy(&points, &cands, 10, 400.0));
    let same = (naive_cover - p.covered_weight).abs() <= 1e-6 * p.total_weight;
    rows.push(Row {
        case: format!(
            "plan: 200 venues, {} incidents at {distinct} points, N = 10, 400 m (covers {:.1}% of harm)",
            points.len(),
            p.share * 100.0
        ),
        best,
        median,
        target: Some(Duration::from_millis(200)),
        baseline: format!(
            "naive rescanning greedy {:.0} ms ({:.0}× slower; {})",
            naive.as_secs_f64() * 1e3,
            naive.as_secs_f64() / best.as_secs_f64(),
            if same {
                "same coverage"
            } else {
                "DIFFERENT coverage"
            }
        ),
    });

    // --- plan_at_least against 10 "ward centroids" --------------------------
    let wards: Vec<[f64; 2]> = (0..10)
        .map(|i| {
            let c = centres[i * 5];
            [ORIGIN[0] + c[0] + 300.0, ORIGIN[1] + c[1] - 300.0]
        })
        .collect();
    let q = plan_at_least(&points, &cands, &opts, &wards).unwrap();
    let (best, median) = time(5, || plan_at_least(&points, &cands, &opts, &wards).unwrap());
    let b = q.baseline.unwrap();
    rows.push(Row {
        case: format!(
            "plan_at_least: same, against 10 centroids (plan {:.1}% vs naive {:.1}% of harm)",
            q.share * 100.0,
            b.share * 100.0
        ),
        best,
        median,
        target: Some(Duration::from_millis(200)),
        baseline: format!(
            "coverage_of(naive) alone {:.1} ms",
            time(5, || coverage_of(&points, &wards, 400.0))
                .0
                .as_secs_f64()
                * 1e3
        ),
    });

    // --- Generated candidates ----------------------------------------------
    let g = plan(&points, &[], &opts).unwrap();
    let (best, median) = time(3, || plan(&points, &[], &opts).unwrap());
    rows.push(Row {
        case: format!(
            "plan: candidates generated from incident locations ({}), N = 10, 400 m (covers {:.1}%)",
            g.candidates_considered,
            g.share * 100.0
        ),
        best,
        median,
        target: None,
        baseline: format!(
            "venues-only plan above covers {:.1}%",
            p.share * 100.0
        ),
    });

    println!("\nhotspot-planning benchmarks ({threads} rayon threads)\n");
    println!("| case | best | median | target | result | baseline (same run) |");
    println!("|---|---|---|---|---|---|");
    for r in &rows {
        let verdict = match r.target {
            Some(t) if r.median <= t => "PASS",
            Some(_) => "FAIL",
            None => "-",
        };
        println!(
            "| {} | {:.1} ms | {:.1} ms | {} | {} | {} |",
            r.case,
            r.best.as_secs_f64() * 1e3,
            r.median.as_secs_f64() * 1e3,
            r.target
                .map_or("-".into(), |t| format!("< {} ms", t.as_millis())),
            verdict,
            r.baseline
        );
    }
}
