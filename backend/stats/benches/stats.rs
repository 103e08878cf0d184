//! Benchmarks for hotspot-stats against the targets.
//!
//! `cargo bench -p hotspot-stats --bench stats` prints one table row per case:
//! best and median wall time over repeated runs, the target, PASS/FAIL on
//! the median, and the speed-up over a naive single-threaded implementation
//! where one is meaningful. Inputs are seeded, so runs are comparable.

use std::hint::black_box;
use std::time::{Duration, Instant};

use hotspot_stats::{emerging_hotspots, gi_star, Correction, Neighbours};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const COLS: usize = 400;
const ROWS: usize = 400;
const PERIODS: usize = 24;

/// Poisson(λ) by Knuth's product method: fine for small λ.
fn poisson(rng: &mut impl Rng, lambda: f64) -> f64 {
    let l = (-lambda).exp();
    let mut k = 0.0;
    let mut p = 1.0;
    loop {
        p *= rng.gen::<f64>();
        if p <= l {
            return k;
        }
        k += 1.0;
    }
}

/// Counts on the grid with a smooth intensity surface (a few bumps), so
/// there are real hot and cold spots, as with crime.
fn counts(rng: &mut impl Rng, scale: f64) -> Vec<f64> {
    (0..COLS * ROWS)
        .map(|i| {
            let (c, r) = ((i % COLS) as f64, (i / COLS) as f64);
            let bump = |x: f64, y: f64, s: f64| {
                (-((c - x).powi(2) + (r - y).powi(2)) / (2.0 * s * s)).exp()
            };
            let lambda =
                scale * (0.5 + 4.0 * bump(100.0, 120.0, 15.0) + 2.0 * bump(300.0, 250.0, 30.0));
            poisson(rng, lambda)
        })
        .collect()
}

/// A study area that is not the whole rectangle: a disc, like a borough.
fn study_area() -> Vec<bool> {
    (0..COLS * ROWS)
        .map(|i| {
            let (c, r) = ((i % COLS) as f64 - 199.5, (i / COLS) as f64 - 199.5);
            c * c + r * r <= 205.0 * 205.0
        })
        .collect()
}

/// The obvious implementation: one thread, bounds-checked 3×3 window per
/// cell, a float comparator sort for Benjamini-Hochberg.
fn naive_gi_star(values: &[f64], active: &[bool]) -> Vec<f64> {
    let act: Vec<f64> = values
        .iter()
        .zip(active)
        .filter(|(_, &a)| a)
        .map(|(v, _)| *v)
        .collect();
    let n = act.len() as f64;
    let mean = act.iter().sum::<f64>() / n;
    let sd = (act.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    let mut p = Vec::new();
    let mut z = vec![f64::NAN; values.len()];
    for r in 0..ROWS as i64 {
        for c in 0..COLS as i64 {
            let i = (r * COLS as i64 + c) as usize;
            if !active[i] {
                continue;
            }
            let (mut sx, mut k) = (0.0, 0.0);
            for dr in -1..=1 {
                for dc in -1..=1 {
                    let (rr, cc) = (r + dr, c + dc);
                    if rr >= 0 && cc >= 0 && rr < ROWS as i64 && cc < COLS as i64 {
                        let j = (rr * COLS as i64 + cc) as usize;
                        if active[j] {
                            sx += values[j];
                            k += 1.0;
                        }
                    }
                }
            }
            let zi = (sx - mean * k) / (sd * (k * (n - k) / (n - 1.0)).sqrt());
            z[i] = zi;
            p.push((libm::erfc(zi.abs() / 2f64.sqrt()), i));
        }
    }
    p.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
    let m = p.len() as f64;
    let mut adj = vec![f64::NAN; values.len()];
    let mut running = 1.0f64;
    for (k, &(pv, i)) in p.iter().enumerate().rev() {
        running = running.min(pv * m / (k + 1) as f64);
        adj[i] = running;
    }
    adj
}

fn time<F: FnMut()>(iters: usize, mut f: F) -> (Duration, Duration) {
    f(); // warm-up: page in buffers, spin up rayon's pool
    let mut times: Vec<Duration> = (0..iters)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    (times[0], times[times.len() / 2])
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn row(
    case: &str,
    (best, median): (Duration, Duration),
    target: Option<Duration>,
    base: Option<Duration>,
) {
    let verdict = match target {
        Some(t) if median <= t => "PASS",
        Some(_) => "FAIL",
        None => "-",
    };
    println!(
        "| {case:<46} | {:>10} | {:>10} | {:>9} | {verdict:<4} | {:>9} |",
        ms(best),
        ms(median),
        target.map(ms).unwrap_or_else(|| "-".into()),
        base.map(|b| format!("{:.1}×", b.as_secs_f64() / median.as_secs_f64()))
            .unwrap_or_else(|| "-".into()),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let mut rng = ChaCha8Rng::seed_from_u64(20240601);
    let full = vec![true; COLS * ROWS];
    let area = study_area();
    let values = counts(&mut rng, 1.0);
    let queen_full = Neighbours::square_grid(COLS, ROWS, &full, 1.5).unwrap();
    let queen_area = Neighbours::square_grid(COLS, ROWS, &area, 1.5).unwrap();
    let hex = Neighbours::hex_grid(COLS, ROWS, &full, 1.0).unwrap();
    let periods: Vec<Vec<f64>> = (0..PERIODS)
        .map(|t| counts(&mut rng, 0.5 + t as f64 / PERIODS as f64))
        .collect();

    println!(
        "hotspot-stats benchmarks, {} rayon threads, grid {COLS}×{ROWS}",
        rayon::current_num_threads()
    );
    println!(
        "| {:<46} | {:>10} | {:>10} | {:>9} | {:<4} | {:>9} |",
        "case", "best", "median", "target", "", "vs naive"
    );
    println!(
        "|{:-<48}|{:-<12}|{:-<12}|{:-<11}|{:-<6}|{:-<11}|",
        "", "", "", "", "", ""
    );

    let naive = time(10, || {
        black_box(naive_gi_star(black_box(&values), &full));
    });
    row(
        "naive Gi* + BH, queen, 1 thread (baseline)",
        naive,
        None,
        None,
    );
    let gi = time(30, || {
        black_box(
            gi_star(
                black_box(&values),
                &full,
                &queen_full,
                Correction::default(),
            )
            .unwrap(),
        );
    });
    row(
        "Gi* + BH, 400×400 queen (band 1.5)",
        gi,
        Some(Duration::from_millis(10)),
        Some(naive.1),
    );
    let naive_area = time(10, || {
        black_box(naive_gi_star(black_box(&values), &area));
    });
    let gi_area = time(30, || {
        black_box(
            gi_star(
                black_box(&values),
                &area,
                &queen_area,
                Correction::default(),
            )
            .unwrap(),
        );
    });
    row(
        "Gi* + BH, 400×400 queen, disc study area",
        gi_area,
        Some(Duration::from_millis(10)),
        Some(naive_area.1),
    );
    // Non-integer values (rates, weighted counts) take the general path:
    // z and erfc per cell and a full sort for the FDR.
    let rates: Vec<f64> = values.iter().map(|v| v * 1.37 + 0.01).collect();
    let naive_rates = time(10, || {
        black_box(naive_gi_star(black_box(&rates), &full));
    });
    let gi_rates = time(30, || {
        black_box(gi_star(black_box(&rates), &full, &queen_full, Correction::default()).unwrap());
    });
    row(
        "Gi* + BH, 400×400 queen, non-integer values",
        gi_rates,
        Some(Duration::from_millis(10)),
        Some(naive_rates.1),
    );
    let gi_holm = time(30, || {
        black_box(gi_star(black_box(&values), &full, &queen_full, Correction::Holm).unwrap());
    });
    row(
        "Gi* + Holm, 400×400 queen",
        gi_holm,
        Some(Duration::from_millis(10)),
        None,
    );
    let gi_hex = time(30, || {
        black_box(gi_star(black_box(&values), &full, &hex, Correction::default()).unwrap());
    });
    row(
        "Gi* + BH, 400×400 hex (band 1)",
        gi_hex,
        Some(Duration::from_millis(10)),
        None,
    );
    let build = time(10, || {
        black_box(Neighbours::square_grid(COLS, ROWS, black_box(&full), 1.5).unwrap());
    });
    row(
        "build queen neighbours 400×400 (once per grid)",
        build,
        None,
        None,
    );
    let build_and_gi = time(10, || {
        let nb = Neighbours::square_grid(COLS, ROWS, black_box(&full), 1.5).unwrap();
        black_box(gi_star(black_box(&values), &full, &nb, Correction::default()).unwrap());
    });
    row(
        "build neighbours + Gi* + BH, 400×400 queen",
        build_and_gi,
        None,
        Some(naive.1),
    );
    let emerging = time(5, || {
        black_box(
            emerging_hotspots(
                black_box(&periods),
                &full,
                &queen_full,
                Correction::default(),
            )
            .unwrap(),
        );
    });
    row(
        "emerging hotspots, 24 periods × 400×400 queen",
        emerging,
        Some(Duration::from_millis(500)),
        Some(naive.1 * PERIODS as u32),
    );
    println!(
        "\nvs naive for emerging = 24 × the naive Gi* time (Gi* alone, no trend test or classification)."
    );
}
