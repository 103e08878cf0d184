//! Benchmark against the target: a ward briefing PDF in under 2 s,
//! engine assembly (counts by group with the change test and ranks, trend,
//! hotspots by KDE, map geometry) plus PDF rendering, for the busiest ward.
//!
//! Six months against the same months a year before (police.uk's
//! Northamptonshire files have no 2024-07..2024-12).
//!
//! Baseline in the same run: one plain ward-statistics call (every ward,
//! the whole selection, with comparison), what `/api/wards` costs; the
//! briefing runs it once per crime group plus once for the whole selection.
//! Also timed: each format's rendering alone. On the sample data always; on
//! the real Northamptonshire data (57 wards, 16 months) when
//! `../shared/data` is present, else skipped with a message.
//!
//! `cargo bench -p hotspot-briefing --bench briefing` (`BRIEFING_BENCH_OUT=DIR`
//! also writes the benchmarked files there).

#[path = "../tests/common/mod.rs"]
mod common;

#[path = "../../../benches/timing.rs"]
mod timing;
use timing::time;

use std::time::Duration;

use hotspot_briefing::{render, Format};
use hotspot_engine::{BriefingQuery, Dataset, Period, WardQuery};

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 1.0 {
        format!("{:.0} µs", ms * 1e3)
    } else {
        format!("{ms:.1} ms")
    }
}

fn bench(label: &str, ds: &Dataset, period: &str) {
    let period = Period::parse(period).unwrap();
    let ward_query = WardQuery {
        selection: hotspot_engine::Selection {
            period,
            ..Default::default()
        },
        comparison: period.year_before(),
        ..Default::default()
    };
    let stats = ds.ward_statistics(&ward_query).unwrap();
    let busiest = stats.rows.iter().find(|r| r.stats.rank == 1).unwrap();
    let mut q = BriefingQuery::new(&busiest.code, "2026-01-01".parse().unwrap());
    q.selection.period = period;
    q.comparison = period.year_before();
    q.include_points = true;
    let runs = 7;
    let (base_min, base_med) = time(runs, || ds.ward_statistics(&ward_query).unwrap());
    let (asm_min, asm_med) = time(runs, || ds.ward_briefing(&q, &[]).unwrap());
    let (all_min, all_med) = time(runs, || {
        let b = ds.ward_briefing(&q, &[]).unwrap();
        render(&b, Format::Pdf, None).unwrap()
    });
    let b = ds.ward_briefing(&q, &[]).unwrap();
    println!(
        "{label}: {} wards, {} incidents; briefing for {} ({}), {} incidents in the period, {} hotspots",
        stats.rows.len(),
        ds.len(),
        b.name,
        b.code,
        b.rows[0].count.unwrap_or(0),
        b.hotspots.len()
    );
    println!(
        "  baseline ward statistics (every ward, with comparison): min {} median {}",
        ms(base_min),
        ms(base_med)
    );
    println!(
        "  briefing assembly: min {} median {} ({:.1}x the baseline)",
        ms(asm_min),
        ms(asm_med),
        asm_med.as_secs_f64() / base_med.as_secs_f64()
    );
    println!(
        "  briefing assembly + PDF (target < 2 s): min {} median {} {}",
        ms(all_min),
        ms(all_med),
        if all_med < Duration::from_secs(2) {
            "MET"
        } else {
            "NOT MET"
        }
    );
    // BRIEFING_BENCH_OUT=DIR keeps the files to look at.
    let keep = std::env::var_os("BRIEFING_BENCH_OUT").map(std::path::PathBuf::from);
    for f in [Format::Pdf, Format::Png, Format::Csv, Format::GeoPackage] {
        let (min, med) = time(runs, || render(&b, f, None).unwrap());
        let bytes = render(&b, f, None).unwrap();
        let size = bytes.len();
        if let Some(dir) = &keep {
            let name = format!("{}-{}.{}", label, b.file_stem(), f.extension());
            std::fs::write(dir.join(name), &bytes).unwrap();
        }
        println!(
            "  render {:<4} alone: min {} median {} ({} KB)",
            f.extension(),
            ms(min),
            ms(med),
            size / 1024
        );
    }
}

fn main() {
    let ds = common::sample_dataset();
    bench("sample", &ds, "2025-07..2025-12");
    match common::northamptonshire() {
        Some(ds) => bench("Northamptonshire", &ds, "2025-01..2025-06"),
        None => println!(
            "Northamptonshire: skipped (../shared/data not found; set HOTSPOT_SHARED_DATA)"
        ),
    }
}
