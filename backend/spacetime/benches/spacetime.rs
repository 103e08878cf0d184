//! Benchmarks against the targets:
//!
//! * Knox test, 999 permutations over 20,000 dated burglaries: < 5 s on 2 cores.
//!   Baselines measured in the same run: the naive all-pairs observed count
//!   on 2,000 events extrapolated to 20,000 events × 1,000 counts, and the
//!   same fast test on a single thread.
//! * PAI evaluation of 10 method settings on 100k test incidents over a
//!   400 × 400 grid: < 2 s. Baseline: just sorting the 10 score surfaces.
//!
//! `cargo bench -p hotspot-spacetime --bench spacetime`

#[path = "../../../benches/timing.rs"]
mod timing;
use timing::time;

use std::time::Duration;

use hotspot_spacetime::{evaluate, knox_test, recommend, KnoxOptions, MethodScore, Metric};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Box–Muller; enough for synthetic clusters.
    let u: f64 = rng.gen_range(1e-12..1.0);
    let v: f64 = rng.gen_range(0.0..1.0);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Burglary-like events over an `extent` × `extent` metre district and two years: 70%
/// around 150 residential clusters (sd 400 m), snapped to a 20 m lattice so
/// that many share a location, 30% uniform; 10% are near repeats of an
/// earlier event (within 150 m and 14 days).
fn burglaries(n: usize, seed: u64, extent: f64) -> (Vec<[f64; 2]>, Vec<i64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let centres: Vec<[f64; 2]> = (0..150)
        .map(|_| [rng.gen_range(0.0..extent), rng.gen_range(0.0..extent)])
        .collect();
    let mut pts: Vec<[f64; 2]> = Vec::with_capacity(n);
    let mut days = Vec::with_capacity(n);
    while pts.len() < n {
        let r: f64 = rng.gen_range(0.0..1.0);
        let (p, d) = if r < 0.1 && !pts.is_empty() {
            let k = rng.gen_range(0..pts.len());
            (
                [
                    pts[k][0] + rng.gen_range(-100.0..100.0),
                    pts[k][1] + rng.gen_range(-100.0..100.0),
                ],
                days[k] + rng.gen_range(0..15),
            )
        } else if r < 0.7 {
            let c = centres[rng.gen_range(0..centres.len())];
            (
                [
                    c[0] + 400.0 * normal(&mut rng),
                    c[1] + 400.0 * normal(&mut rng),
                ],
                rng.gen_range(0..730),
            )
        } else {
            (
                [rng.gen_range(0.0..extent), rng.gen_range(0.0..extent)],
                rng.gen_range(0..730),
            )
        };
        pts.push([(p[0] / 20.0).round() * 20.0, (p[1] / 20.0).round() * 20.0]);
        days.push(d);
    }
    (pts, days)
}

/// Naive Knox observed count: every pair, band lookup by scanning.
fn naive_observed(points: &[[f64; 2]], days: &[i64], opts: &KnoxOptions) -> Vec<u64> {
    let b = &opts.bands;
    let nt = b.time.len() + 1;
    let mut out = vec![0u64; (b.space.len() + 1) * nt];
    for i in 0..points.len() {
        for j in i + 1..points.len() {
            let d = opts.metric.distance(points[i], points[j]);
            let s = b
                .space
                .iter()
                .position(|&x| d <= x)
                .unwrap_or(b.space.len());
            let dt = (days[i] - days[j]).abs();
            let t = b
                .time
                .iter()
                .position(|&x| dt <= x as i64)
                .unwrap_or(b.time.len());
            out[s * nt + t] += 1;
        }
    }
    out
}

/// Vancouver thefts 2020 as (UTM metres, days since 1970-01-01), if present.
fn vancouver() -> Option<(Vec<[f64; 2]>, Vec<i64>)> {
    let dir = hotspot_testenv::find_shared_data()?;
    let file = std::fs::File::open(dir.join("timestamped/vancouver_thefts_2020.csv.gz")).ok()?;
    let mut r = csv::Reader::from_reader(flate2::read::GzDecoder::new(file));
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let (mut pts, mut days) = (Vec::new(), Vec::new());
    for rec in r.records() {
        let rec = rec.ok()?;
        let f = |i: usize| rec[i].trim().parse::<f64>().ok();
        // TYPE,YEAR,MONTH,DAY,HOUR,MINUTE,HUNDRED_BLOCK,NEIGHBOURHOOD,X,Y
        let date = chrono::NaiveDate::from_ymd_opt(f(1)? as i32, f(2)? as u32, f(3)? as u32)?;
        pts.push([f(8)?, f(9)?]);
        days.push((date - epoch).num_days());
    }
    Some((pts, days))
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

    // --- Knox -------------------------------------------------------------
    for (metric, extent) in [
        (Metric::Euclidean, 20_000.0),
        (Metric::Manhattan, 20_000.0),
        (Metric::Euclidean, 8_000.0),
    ] {
        let (pts, days) = burglaries(20_000, 1, extent);
        let opts = KnoxOptions {
            metric,
            ..KnoxOptions::default()
        };
        let r = knox_test(&pts, &days, &opts).unwrap();
        let (best, median) = time(3, || knox_test(&pts, &days, &opts).unwrap());
        let (naive2k, _) = time(3, || naive_observed(&pts[..2000], &days[..2000], &opts));
        let naive_full = naive2k.as_secs_f64() * 100.0 * 1000.0;
        let single = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| time(1, || knox_test(&pts, &days, &opts).unwrap()).0);
        let c = r.cell(0, 0);
        rows.push(Row {
            case: format!(
                "Knox {metric:?}, 20,000 events in {} km square × 999 perms ({} close pairs; 0–100 m/0–7 d ratio {:.2}, p {:.3})",
                extent / 1000.0,
                r.close_pairs,
                c.ratio,
                c.p_value
            ),
            best,
            median,
            target: Some(Duration::from_secs(5)),
            baseline: format!(
                "naive ≈ {:.0} s extrapolated ({:.0}× slower); 1 thread {:.2} s ({:.2}×)",
                naive_full,
                naive_full / best.as_secs_f64(),
                single.as_secs_f64(),
                single.as_secs_f64() / best.as_secs_f64()
            ),
        });
    }

    // --- Knox on real data: Vancouver thefts 2020 (day precision, UTM) ---
    if let Some((pts, days)) = vancouver() {
        let opts = KnoxOptions::default();
        let r = knox_test(&pts, &days, &opts).unwrap();
        let (best, median) = time(3, || knox_test(&pts, &days, &opts).unwrap());
        let c = r.cell(0, 0);
        rows.push(Row {
            case: format!(
                "Knox Euclidean, Vancouver thefts 2020: {} events × 999 perms ({} close pairs; 0–100 m/0–7 d ratio {:.2}, p {:.3})",
                r.n, r.close_pairs, c.ratio, c.p_value
            ),
            best,
            median,
            target: Some(Duration::from_secs(5)),
            baseline: "-".into(),
        });
    } else {
        eprintln!(
            "Vancouver data not found: skipping the real-data Knox case (set HOTSPOT_SHARED_DATA)"
        );
    }

    // --- PAI --------------------------------------------------------------
    let side = 400usize;
    let cells = side * side;
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    // A smooth "true" intensity: 40 Gaussian bumps over a low background.
    let bumps: Vec<(f64, f64, f64)> = (0..40)
        .map(|_| {
            (
                rng.gen_range(0.0..side as f64),
                rng.gen_range(0.0..side as f64),
                rng.gen_range(3.0..15.0),
            )
        })
        .collect();
    let intensity: Vec<f64> = (0..cells)
        .map(|i| {
            let (x, y) = ((i % side) as f64, (i / side) as f64);
            0.05 + bumps
                .iter()
                .map(|&(bx, by, s)| (-((x - bx).powi(2) + (y - by).powi(2)) / (2.0 * s * s)).exp())
                .sum::<f64>()
        })
        .collect();
    let cdf: Vec<f64> = intensity
        .iter()
        .scan(0.0, |acc, &w| {
            *acc += w;
            Some(*acc)
        })
        .collect();
    let total = cdf[cells - 1];
    let draw = |n: usize, rng: &mut ChaCha8Rng| {
        let mut counts = vec![0.0; cells];
        for _ in 0..n {
            let u = rng.gen_range(0.0..total);
            counts[cdf.partition_point(|&c| c < u).min(cells - 1)] += 1.0;
        }
        counts
    };
    let train = draw(100_000, &mut rng);
    let test = draw(100_000, &mut rng);
    let active: Vec<bool> = (0..cells).map(|i| (i % side) > 5).collect();
    let surfaces: Vec<(String, Vec<f64>)> = (0..10)
        .map(|k| {
            let noise = k as f64 * 0.3;
            let s = if k == 0 {
                train.clone() // grid counts: many ties
            } else {
                intensity
                    .iter()
                    .map(|&w| w * (1.0 + noise * rng.gen_range(-1.0..1.0)))
                    .collect()
            };
            (format!("method {k}"), s)
        })
        .collect();
    let coverages = [0.01, 0.02, 0.05, 0.1, 0.2];
    let run = || {
        let methods: Vec<MethodScore> = surfaces
            .iter()
            .map(|(name, s)| MethodScore {
                name: name.clone(),
                accuracy: evaluate(s, &train, &test, None, &active, &coverages).unwrap(),
                layer: None,
            })
            .collect();
        recommend(&methods, 0.05).unwrap()
    };
    let rec = run();
    let (best, median) = time(5, run);
    let (sort_only, _) = time(5, || {
        surfaces
            .iter()
            .map(|(_, s)| {
                let mut v = s.clone();
                v.sort_unstable_by(|a, b| b.total_cmp(a));
                v[0]
            })
            .sum::<f64>()
    });
    rows.push(Row {
        case: format!(
            "PAI: 10 methods, 400×400 grid, 100k test incidents (best {}, PAI@5% {:.2})",
            rec.best, rec.ranking[0].1
        ),
        best,
        median,
        target: Some(Duration::from_secs(2)),
        baseline: format!(
            "sorting 10 surfaces alone {:.1} ms ({:.1}× of it)",
            sort_only.as_secs_f64() * 1e3,
            best.as_secs_f64() / sort_only.as_secs_f64()
        ),
    });

    println!("\nhotspot-spacetime benchmarks ({threads} rayon threads)\n");
    println!("| case | best | median | target | result | baseline (same run) |");
    println!("|---|---|---|---|---|---|");
    for r in &rows {
        let verdict = match r.target {
            Some(t) if r.median <= t => "PASS",
            Some(_) => "FAIL",
            None => "-",
        };
        println!(
            "| {} | {:.3} s | {:.3} s | {} | {} | {} |",
            r.case,
            r.best.as_secs_f64(),
            r.median.as_secs_f64(),
            r.target
                .map_or("-".into(), |t| format!("< {} s", t.as_secs())),
            verdict,
            r.baseline
        );
    }
}
