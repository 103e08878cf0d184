//! Benchmarks for hotspot-spatial, printed as a table with PASS/FAIL against
//! the project targets and the speed-up over a straightforward baseline
//! measured in the same run.
//!
//! Run with `cargo bench -p hotspot-spatial --bench spatial`.
//!
//! * Ward assignment: 10M points into the real 57 Northamptonshire wards
//!   (when the shared data is present; otherwise 64 synthetic irregular
//!   polygons tiling a square). Target < 1 s. Baseline: R-tree of polygon
//!   bounding boxes + `geo::Intersects` on a 100k subsample, extrapolated.
//! * Window counts: 10,000 random 1 km x 1 km counts over 10M points in a
//!   20 km x 20 km square (half uniform, half in clusters). Target < 0.5 s.
//!   Baseline: `PointIndex` (rstar `locate_in_envelope`) on 1,000 of the
//!   queries, extrapolated.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use geo::{BoundingRect, Intersects};
use geo_types::{Coord, LineString, MultiPolygon, Point, Polygon};
use hotspot_spatial::{AreaLocator, PointIndex, WindowCounter};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

const N_POINTS: usize = 10_000_000;

struct Row {
    case: String,
    n: String,
    best: Duration,
    median: Duration,
    target: Option<Duration>,
    baseline: Option<Baseline>,
}

/// A baseline measured in full, or on a subsample and extrapolated.
#[derive(Clone, Copy)]
enum Baseline {
    Measured(Duration),
    Estimated(Duration),
}

impl Baseline {
    fn time(self) -> Duration {
        match self {
            Baseline::Measured(d) | Baseline::Estimated(d) => d,
        }
    }
}

/// Best and median of `reps` timed runs (after one untimed warm-up).
fn time<T>(reps: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut out = f();
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t = Instant::now();
        out = std::hint::black_box(f());
        times.push(t.elapsed());
    }
    times.sort();
    (times[0], times[times.len() / 2], out)
}

fn fmt(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else {
        format!("{:.1} ms", s * 1e3)
    }
}

/// 64 irregular polygons tiling a 20 km square: a jittered 8 x 8 lattice
/// whose edges are wiggly polylines of 60 vertices, shared exactly between
/// neighbours.
fn synthetic_wards(rng: &mut ChaCha8Rng) -> Vec<MultiPolygon<f64>> {
    let k = 8usize;
    let s = 2500.0;
    let mut lattice = vec![Coord { x: 0.0, y: 0.0 }; (k + 1) * (k + 1)];
    for i in 0..=k {
        for j in 0..=k {
            let interior = i > 0 && i < k && j > 0 && j < k;
            let (jx, jy) = if interior {
                (
                    rng.gen_range(-0.15..0.15) * s,
                    rng.gen_range(-0.15..0.15) * s,
                )
            } else {
                (0.0, 0.0)
            };
            lattice[i * (k + 1) + j] = Coord {
                x: 400_000.0 + i as f64 * s + jx,
                y: 250_000.0 + j as f64 * s + jy,
            };
        }
    }
    let mut edge_cache = std::collections::HashMap::new();
    let mut edge = |a: usize, b: usize, rng: &mut ChaCha8Rng| -> Vec<Coord<f64>> {
        let key = (a.min(b), a.max(b));
        let line = edge_cache
            .entry(key)
            .or_insert_with(|| {
                let (p, q) = (lattice[key.0], lattice[key.1]);
                let (dx, dy) = (q.x - p.x, q.y - p.y);
                let len = (dx * dx + dy * dy).sqrt();
                let (nx, ny) = (-dy / len, dx / len);
                let on_border = (p.x == q.x
                    && (p.x == lattice[0].x || p.x == lattice[k * (k + 1)].x))
                    || (p.y == q.y && (p.y == lattice[0].y || p.y == lattice[k].y));
                (0..=60)
                    .map(|t| {
                        let f = t as f64 / 60.0;
                        let off = if t == 0 || t == 60 || on_border {
                            0.0
                        } else {
                            rng.gen_range(-0.04..0.04) * s
                        };
                        Coord {
                            x: p.x + f * dx + off * nx,
                            y: p.y + f * dy + off * ny,
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .clone();
        if a < b {
            line
        } else {
            line.into_iter().rev().collect()
        }
    };
    let mut areas = Vec::new();
    for i in 0..k {
        for j in 0..k {
            let v = |i: usize, j: usize| i * (k + 1) + j;
            let corners = [v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1), v(i, j)];
            let mut ring = Vec::new();
            for w in corners.windows(2) {
                let mut part = edge(w[0], w[1], rng);
                part.pop();
                ring.extend(part);
            }
            ring.push(ring[0]);
            areas.push(MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]));
        }
    }
    areas
}

fn bbox_of(areas: &[MultiPolygon<f64>]) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for a in areas {
        if let Some(r) = a.bounding_rect() {
            b = [
                b[0].min(r.min().x),
                b[1].min(r.min().y),
                b[2].max(r.max().x),
                b[3].max(r.max().y),
            ];
        }
    }
    b
}

fn bench_locator(rows: &mut Vec<Row>) {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let data = hotspot_testenv::find_shared_data();
    let (label, areas) = match &data {
        Some(dir) => (
            "real 57 wards",
            common::load_wards(dir)
                .into_iter()
                .map(|w| w.2)
                .collect::<Vec<_>>(),
        ),
        None => ("synthetic 64 polygons", synthetic_wards(&mut rng)),
    };
    let vertices: usize = areas
        .iter()
        .map(|a| a.0.iter().map(|p| p.exterior().0.len()).sum::<usize>())
        .sum();
    let t = Instant::now();
    let locator = AreaLocator::new(&areas);
    let build = t.elapsed();
    let (nx, ny, nb) = locator.grid_stats();
    println!(
        "ward assignment: {label}, {vertices} vertices; grid {nx} x {ny}, {nb} boundary cells ({:.2}%), built in {}",
        100.0 * nb as f64 / (nx * ny) as f64,
        fmt(build)
    );

    let b = bbox_of(&areas);
    let uniform: Vec<[f64; 2]> = (0..N_POINTS)
        .map(|_| [rng.gen_range(b[0]..b[2]), rng.gen_range(b[1]..b[3])])
        .collect();
    run_locator(
        rows,
        &locator,
        &areas,
        &format!("locate_all ({label}, bbox-uniform)"),
        &uniform,
    );
    drop(uniform);

    if let Some(dir) = &data {
        // Realistic: resample the police.uk snap points (which crowd into
        // town centres and along ward boundaries) with ~50 m of jitter.
        let incidents = common::load_policeuk(dir);
        let points: Vec<[f64; 2]> = (0..N_POINTS)
            .map(|_| {
                let r = &incidents[rng.gen_range(0..incidents.len())];
                [
                    r.x + rng.gen_range(-50.0..50.0),
                    r.y + rng.gen_range(-50.0..50.0),
                ]
            })
            .collect();
        run_locator(
            rows,
            &locator,
            &areas,
            "locate_all (real wards, police.uk-like)",
            &points,
        );
    }
}

fn run_locator(
    rows: &mut Vec<Row>,
    locator: &AreaLocator,
    areas: &[MultiPolygon<f64>],
    case: &str,
    points: &[[f64; 2]],
) {
    let (best, median, located) = time(5, || locator.locate_all(points));

    // Baseline: R-tree of bounding boxes, exact test on each candidate.
    let tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>> = RTree::bulk_load(
        areas
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let r = a.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect(),
    );
    let sub = 100_000;
    let brute = |p: &[f64; 2]| {
        let pt = Point::new(p[0], p[1]);
        tree.locate_in_envelope_intersecting(&AABB::from_point(*p))
            .filter(|c| areas[c.data].intersects(&pt))
            .map(|c| c.data as u32)
            .min()
    };
    let (base_best, _, base) = time(1, || points[..sub].iter().map(brute).collect::<Vec<_>>());
    assert_eq!(
        &located[..sub],
        &base[..],
        "locator disagrees with brute force"
    );
    let inside = located.iter().filter(|l| l.is_some()).count();
    println!(
        "  {case}: {:.1}% of points inside a ward; locator == brute force on the {sub} subsample",
        100.0 * inside as f64 / points.len() as f64
    );
    rows.push(Row {
        case: case.into(),
        n: "10M pts".into(),
        best,
        median,
        target: Some(Duration::from_secs(1)),
        baseline: Some(Baseline::Estimated(
            base_best.mul_f64((points.len() / sub) as f64),
        )),
    });
}

fn bench_windows(rows: &mut Vec<Row>) {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (x0, y0, side) = (450_000.0, 250_000.0, 20_000.0);
    let mut points: Vec<[f64; 2]> = Vec::with_capacity(N_POINTS);
    for _ in 0..N_POINTS / 2 {
        points.push([x0 + rng.gen_range(0.0..side), y0 + rng.gen_range(0.0..side)]);
    }
    // 50 Gaussian clusters (sigma 100-600 m), clipped to the square.
    let clusters: Vec<(f64, f64, f64)> = (0..50)
        .map(|_| {
            (
                x0 + rng.gen_range(1000.0..side - 1000.0),
                y0 + rng.gen_range(1000.0..side - 1000.0),
                rng.gen_range(100.0..600.0),
            )
        })
        .collect();
    while points.len() < N_POINTS {
        let (cx, cy, sigma) = clusters[rng.gen_range(0..clusters.len())];
        // Box-Muller.
        let (u1, u2): (f64, f64) = (rng.gen_range(f64::EPSILON..1.0), rng.gen_range(0.0..1.0));
        let r = (-2.0 * u1.ln()).sqrt() * sigma;
        let (x, y) = (
            cx + r * (std::f64::consts::TAU * u2).cos(),
            cy + r * (std::f64::consts::TAU * u2).sin(),
        );
        if (x0..=x0 + side).contains(&x) && (y0..=y0 + side).contains(&y) {
            points.push([x, y]);
        }
    }
    let queries: Vec<[f64; 4]> = (0..10_000)
        .map(|_| {
            let (qx, qy) = (
                x0 - 500.0 + rng.gen_range(0.0..side),
                y0 - 500.0 + rng.gen_range(0.0..side),
            );
            [qx, qy, qx + 1000.0, qy + 1000.0]
        })
        .collect();

    let t = Instant::now();
    let counter = WindowCounter::new(&points);
    let build = t.elapsed();
    let (gx, gy) = counter.grid_shape();
    let t = Instant::now();
    let index = PointIndex::new(&points);
    let rtree_build = t.elapsed();
    println!(
        "window counts: 10M points (half uniform, half in 50 clusters) over 20 km x 20 km; grid {gx} x {gy} built in {}, R-tree built in {}",
        fmt(build),
        fmt(rtree_build)
    );
    let (best, median, counts) = time(5, || {
        queries
            .iter()
            .map(|q| counter.count(q[0], q[1], q[2], q[3]))
            .collect::<Vec<_>>()
    });
    let sub = 1000;
    let (base_best, _, base) = time(1, || {
        queries[..sub]
            .iter()
            .map(|q| index.count_in_rect(q[0], q[1], q[2], q[3]))
            .collect::<Vec<_>>()
    });
    assert_eq!(
        &counts[..sub],
        &base[..],
        "WindowCounter disagrees with the R-tree"
    );
    let mean = counts.iter().sum::<u64>() as f64 / counts.len() as f64;
    println!("  mean {mean:.0} points per window; WindowCounter == R-tree on {sub} queries");
    rows.push(Row {
        case: "WindowCounter::count 1km x 1km".into(),
        n: "10k queries".into(),
        best,
        median,
        target: Some(Duration::from_millis(500)),
        baseline: Some(Baseline::Estimated(
            base_best.mul_f64((queries.len() / sub) as f64),
        )),
    });
    rows.push(Row {
        case: "WindowCounter::new".into(),
        n: "10M pts".into(),
        best: build,
        median: build,
        target: None,
        baseline: Some(Baseline::Measured(rtree_build)),
    });
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported.
    let mut rows = Vec::new();
    bench_locator(&mut rows);
    bench_windows(&mut rows);
    println!();
    println!(
        "| {:<42} | {:>11} | {:>9} | {:>9} | {:>8} | {:>6} | {:>17} | {:>8} |",
        "case", "n", "best", "median", "target", "result", "baseline", "speed-up"
    );
    println!(
        "|{:-<44}|{:->13}|{:->11}|{:->11}|{:->10}|{:->8}|{:->19}|{:->10}|",
        "", "", "", "", "", "", "", ""
    );
    for r in &rows {
        let result = match r.target {
            Some(t) if r.median <= t => "PASS",
            Some(_) => "FAIL",
            None => "-",
        };
        println!(
            "| {:<42} | {:>11} | {:>9} | {:>9} | {:>8} | {:>6} | {:>17} | {:>7.1}x |",
            r.case,
            r.n,
            fmt(r.best),
            fmt(r.median),
            r.target.map(fmt).unwrap_or_else(|| "-".into()),
            result,
            match r.baseline {
                Some(Baseline::Measured(d)) => fmt(d),
                Some(Baseline::Estimated(d)) => format!("{} (est)", fmt(d)),
                None => String::new(),
            },
            r.baseline
                .map(|b| b.time().as_secs_f64() / r.median.as_secs_f64())
                .unwrap_or(f64::NAN)
        );
    }
}
