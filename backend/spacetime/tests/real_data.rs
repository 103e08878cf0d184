//! Checks on the real data in `../shared/data` (see `SOURCES.md` there):
//! Vancouver thefts 2020 (minute precision, UTM metres) and the
//! Northamptonshire police.uk months. Ignored when the data is absent, and
//! failing under CI (`hotspot_testenv`); set `HOTSPOT_SHARED_DATA` to point
//! elsewhere.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Weekday};
use hotspot_spacetime::{
    knox_test, monthly_trend, week_hour_profile, KnoxBands, KnoxOptions, Metric,
};

fn gz_csv(path: &Path) -> csv::Reader<flate2::read::GzDecoder<std::fs::File>> {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    csv::Reader::from_reader(flate2::read::GzDecoder::new(f))
}

struct Theft {
    kind: String,
    y: i32,
    m: u32,
    d: u32,
    hour: u32,
    minute: u32,
    xy: [f64; 2],
}

fn vancouver() -> Vec<Theft> {
    let mut r =
        gz_csv(&hotspot_testenv::shared_data().join("timestamped/vancouver_thefts_2020.csv.gz"));
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (ty, yy, mm, dd, hh, mi, x, y) = (
        col("TYPE"),
        col("YEAR"),
        col("MONTH"),
        col("DAY"),
        col("HOUR"),
        col("MINUTE"),
        col("X"),
        col("Y"),
    );
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let num = |i: usize| rec[i].trim().parse::<f64>().unwrap();
            Theft {
                kind: rec[ty].to_string(),
                y: num(yy) as i32,
                m: num(mm) as u32,
                d: num(dd) as u32,
                hour: num(hh) as u32,
                minute: num(mi) as u32,
                xy: [num(x), num(y)],
            }
        })
        .collect()
}

/// Day of week, Monday = 0, by Sakamoto's method (independent of chrono).
fn weekday_sakamoto(y: i32, m: u32, d: u32) -> usize {
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    let sunday0 = (y + y / 4 - y / 100 + y / 400 + T[m as usize - 1] + d as i32).rem_euclid(7);
    ((sunday0 + 6) % 7) as usize
}

#[test]
#[cfg_attr(
    not(has_shared_data),
    ignore = "needs ../shared/data or HOTSPOT_SHARED_DATA (CONTRIBUTING.md)"
)]
fn vancouver_week_hour_profile_matches_independent_count() {
    let thefts = vancouver();
    assert_eq!(thefts.len(), 21_918);
    let times: Vec<_> = thefts
        .iter()
        .map(|t| {
            NaiveDate::from_ymd_opt(t.y, t.m, t.d)
                .unwrap()
                .and_hms_opt(t.hour, t.minute, 0)
                .unwrap()
        })
        .collect();
    let p = week_hour_profile(&times);
    assert_eq!(p.total, 21_918);

    let mut want = [[0u64; 24]; 7];
    for t in &thefts {
        want[weekday_sakamoto(t.y, t.m, t.d)][t.hour as usize] += 1;
    }
    assert_eq!(p.counts, want);
    for (d, row) in want.iter().enumerate() {
        assert_eq!(p.day_totals[d], row.iter().sum::<u64>());
    }
    for (h, &total) in p.hour_totals.iter().enumerate() {
        assert_eq!(total, want.iter().map(|row| row[h]).sum::<u64>());
    }
    assert_eq!(p.day_totals.iter().sum::<u64>(), 21_918);

    // Friday and Saturday nights 23:00–05:00, counted directly: an incident
    // belongs to the night that started on the previous day when before 05:00.
    let night = thefts
        .iter()
        .filter(|t| {
            let dow = weekday_sakamoto(t.y, t.m, t.d);
            (t.hour >= 23 && (dow == 4 || dow == 5)) || (t.hour < 5 && (dow == 5 || dow == 6))
        })
        .count() as u64;
    assert_eq!(p.window(&[Weekday::Fri, Weekday::Sat], 23, 5), night);
    // About 5% of records sit exactly at 00:00 (unknown-time placeholder).
    let midnight = thefts
        .iter()
        .filter(|t| t.hour == 0 && t.minute == 0)
        .count();
    assert!((1000..1200).contains(&midnight), "{midnight}");
}

#[test]
#[cfg_attr(
    not(has_shared_data),
    ignore = "needs ../shared/data or HOTSPOT_SHARED_DATA (CONTRIBUTING.md)"
)]
fn vancouver_monthly_trend() {
    let thefts = vancouver();
    let mut by_month = [0u64; 12];
    for t in &thefts {
        by_month[t.m as usize - 1] += 1;
    }
    let months: Vec<(i32, u32, u64)> = (1..=12)
        .map(|m| (2020, m, by_month[m as usize - 1]))
        .collect();
    let trend = monthly_trend(&months);
    assert_eq!(trend.len(), 12);
    assert_eq!(trend.iter().map(|p| p.count).sum::<u64>(), 21_918);
    assert!(trend.iter().all(|p| p.last_year.is_none()));
    assert!(trend[..3].iter().all(|p| p.expected.is_none()));
    assert_eq!(trend[11].moving_average_12, Some(21_918.0 / 12.0));
    for p in &trend[3..] {
        let prev = &months[(p.month as usize - 1).saturating_sub(12)..p.month as usize - 1];
        let mean = prev.iter().map(|m| m.2).sum::<u64>() as f64 / prev.len() as f64;
        assert!((p.expected.unwrap() - mean).abs() < 1e-9);
    }
}

#[test]
#[cfg_attr(
    not(has_shared_data),
    ignore = "needs ../shared/data or HOTSPOT_SHARED_DATA (CONTRIBUTING.md)"
)]
fn vancouver_knox_fast_path_equals_brute_force_and_finds_near_repeats() {
    let thefts = vancouver();
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let bikes: Vec<&Theft> = thefts
        .iter()
        .filter(|t| t.kind == "Theft of Bicycle")
        .collect();
    assert_eq!(bikes.len(), 1_987);
    let points: Vec<[f64; 2]> = bikes.iter().map(|t| t.xy).collect();
    let days: Vec<i64> = bikes
        .iter()
        .map(|t| (NaiveDate::from_ymd_opt(t.y, t.m, t.d).unwrap() - epoch).num_days())
        .collect();
    let bands = KnoxBands {
        space: vec![100.0, 200.0, 300.0, 400.0],
        time: vec![7, 14, 21, 28],
    };
    for metric in [Metric::Euclidean, Metric::Manhattan] {
        let opts = KnoxOptions {
            bands: bands.clone(),
            metric,
            permutations: 49,
            seed: 2020,
        };
        let r = knox_test(&points, &days, &opts).unwrap();
        // Brute force over all 1,973,091 pairs (hundred-block geocoding puts
        // many thefts at identical coordinates).
        let mut want = vec![0u64; 25];
        for i in 0..points.len() {
            for j in i + 1..points.len() {
                let d = metric.distance(points[i], points[j]);
                let s = bands.space.iter().position(|&b| d <= b).unwrap_or(4);
                let dt = (days[i] - days[j]).abs();
                let t = bands.time.iter().position(|&b| dt <= b as i64).unwrap_or(4);
                want[s * 5 + t] += 1;
            }
        }
        let got: Vec<u64> = r.cells.iter().map(|c| c.observed).collect();
        assert_eq!(got, want, "{metric:?}");
        assert_eq!(r.pairs, 1_987 * 1_986 / 2);
        // Bicycle thefts repeat at the same racks within days.
        let c = r.cell(0, 0);
        assert!(
            c.ratio > 1.0 && c.p_value <= 0.05,
            "{metric:?}: ratio {} p {}",
            c.ratio,
            c.p_value
        );
    }
}

#[test]
#[cfg_attr(
    not(has_shared_data),
    ignore = "needs ../shared/data or HOTSPOT_SHARED_DATA (CONTRIBUTING.md)"
)]
fn northamptonshire_monthly_trend_keeps_the_gap() {
    let dir = hotspot_testenv::shared_data().join("policeuk/northamptonshire");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut months = Vec::new();
    for f in &files {
        let mut r = gz_csv(f);
        let mut month = None;
        let mut burglaries = 0u64;
        for rec in r.records() {
            let rec = rec.unwrap();
            month.get_or_insert_with(|| rec[1].to_string());
            burglaries += u64::from(&rec[9] == "Burglary");
        }
        let month = month.unwrap();
        months.push((
            month[..4].parse().unwrap(),
            month[5..7].parse().unwrap(),
            burglaries,
        ));
    }
    assert_eq!(months.len(), 16);
    let trend = monthly_trend(&months);
    assert_eq!(trend.len(), 16, "gaps are not filled with zeros");
    assert!(!trend.iter().any(|p| p.year == 2024 && p.month > 4));
    // 2025-01..04 compare with 2024-01..04; later 2025 months have no
    // same-month-last-year and use the months present in the previous year.
    for p in &trend[4..8] {
        assert_eq!(p.last_year, Some(months[(p.month - 1) as usize].2));
    }
    assert!(trend[8..]
        .iter()
        .all(|p| p.last_year.is_none() && p.expected.is_some()));
    assert_eq!(
        trend.iter().map(|p| p.count).sum::<u64>(),
        months.iter().map(|m| m.2).sum::<u64>()
    );
    let burglary_total: u64 = trend.iter().map(|p| p.count).sum();
    assert_eq!(burglary_total, 3_802);
}

#[test]
#[cfg_attr(
    not(has_shared_data),
    ignore = "needs ../shared/data or HOTSPOT_SHARED_DATA (CONTRIBUTING.md)"
)]
fn vancouver_grid_counts_predict_the_second_half_year() {
    use hotspot_spacetime::{evaluate, recommend, MethodScore};
    let thefts = vancouver();
    // 250 m grid over the data's bounding box; every cell is active.
    let (x0, y0) = (483_800.0, 5_449_800.0);
    let cell = 250.0;
    let (nx, ny) = (60usize, 51usize);
    let index = |p: [f64; 2]| {
        let i = ((p[0] - x0) / cell) as usize;
        let j = ((p[1] - y0) / cell) as usize;
        assert!(i < nx && j < ny, "{p:?}");
        j * nx + i
    };
    let mut train = vec![0.0; nx * ny];
    let mut test = vec![0.0; nx * ny];
    for t in &thefts {
        if t.m <= 6 {
            train[index(t.xy)] += 1.0;
        } else {
            test[index(t.xy)] += 1.0;
        }
    }
    let active = vec![true; nx * ny];
    // Direct counting at a coverage that ends exactly at a tie boundary:
    // the cells with at least 20 training thefts.
    let hot: Vec<usize> = (0..nx * ny).filter(|&i| train[i] >= 20.0).collect();
    let coverage = hot.len() as f64 / (nx * ny) as f64;
    let n_test: f64 = test.iter().sum();
    let n_train: f64 = train.iter().sum();
    let hits: f64 = hot.iter().map(|&i| test[i]).sum();
    let recaptured: f64 = hot.iter().map(|&i| train[i]).sum();
    let acc = evaluate(&train, &train, &test, None, &active, &[coverage, 0.05, 1.0]).unwrap();
    let p = acc.at[0];
    assert!((p.hit_rate - hits / n_test).abs() < 1e-12);
    assert!((p.pai - (hits / n_test) / coverage).abs() < 1e-9);
    let rri = (hits / recaptured) / (n_test / n_train);
    assert!((p.rri.unwrap() - rri).abs() < 1e-12);
    assert_eq!(acc.at[2].pai, 1.0);
    // Theft is concentrated: the top 5% of cells hold far more than 5%.
    assert!(acc.at[1].pai > 5.0, "PAI at 5%: {}", acc.at[1].pai);
    assert!(acc.auc > 0.8, "AUC {}", acc.auc);

    // A map that ignores the data (all cells tied) scores PAI 1 everywhere
    // and is not recommended.
    let flat = evaluate(&vec![0.0; nx * ny], &train, &test, None, &active, &[0.05]).unwrap();
    assert!((flat.at[0].pai - 1.0).abs() < 1e-9);
    assert!((flat.auc - 0.5).abs() < 1e-9);
    let r = recommend(
        &[
            MethodScore {
                name: "Flat".into(),
                accuracy: flat,
                layer: None,
            },
            MethodScore {
                name: "Grid counts 250 m".into(),
                accuracy: acc,
                layer: None,
            },
        ],
        0.05,
    )
    .unwrap();
    assert_eq!(r.best, "Grid counts 250 m");
    eprintln!("{}", r.reason);
}
