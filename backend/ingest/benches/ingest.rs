//! Throughput of the police.uk parser, in uncompressed MB/s (bytes in →
//! `Vec<Incident>` out). Target: 100 MB/s.
//!
//! `cargo bench -p hotspot-ingest --bench ingest`
//!
//! (a) the 16 real Northamptonshire months (`HOTSPOT_SHARED_DATA` or
//! `../shared/data`, as `hotspot_testenv` finds them), concatenated in memory
//! into one file (headers after the first dropped) and also parsed file by
//! file;
//! (b) a synthetic 50 MB file with police.uk's shape: ~10k distinct snap
//! points, 20 % ASB rows with blank IDs, quoted labels with commas.

use std::hint::black_box;
use std::io::Read;
use std::time::{Duration, Instant};

use hotspot_ingest::{parse_police_uk, SourceFile};

const TARGET_MB_S: f64 = 100.0;

/// Best-of-N wall time of `f` (at least 5 runs and 2 seconds).
fn time<F: FnMut()>(mut f: F) -> Duration {
    let mut best = Duration::MAX;
    let start = Instant::now();
    let mut runs = 0;
    while runs < 5 || start.elapsed() < Duration::from_secs(2) {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed());
        runs += 1;
    }
    best
}

/// Baseline measured in the same run: the `csv` crate alone reading every
/// record of the same bytes (no validation, projection or allocation of
/// incidents). The ratio shows what the parser costs on top of CSV reading.
fn csv_baseline(file: &SourceFile) -> Duration {
    time(|| {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(&file.bytes[..]);
        let mut record = csv::ByteRecord::new();
        let mut n = 0u64;
        while reader.read_byte_record(&mut record).unwrap() {
            n += record.len() as u64;
        }
        black_box(n);
    })
}

fn report(label: &str, bytes: usize, rows: u64, d: Duration, baseline: Duration) -> bool {
    let mb_s = bytes as f64 / 1e6 / d.as_secs_f64();
    let ok = mb_s >= TARGET_MB_S;
    println!(
        "{label}: {:.1} MB, {rows} rows in {:.1} ms = {mb_s:.0} MB/s ({:.2} M rows/s); target {TARGET_MB_S} MB/s: {}; \
         {:.2}x the time of bare csv record reading ({:.0} MB/s)",
        bytes as f64 / 1e6,
        d.as_secs_f64() * 1e3,
        rows as f64 / 1e6 / d.as_secs_f64(),
        if ok { "PASS" } else { "FAIL" },
        d.as_secs_f64() / baseline.as_secs_f64(),
        bytes as f64 / 1e6 / baseline.as_secs_f64(),
    );
    ok
}

fn synthetic(target_bytes: usize) -> SourceFile {
    // Deterministic LCG so the bench needs no rand crate.
    let mut state = 0x2545F4914F6CDD1Du64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as u32
    };
    let types = [
        "Violence and sexual offences",
        "Shoplifting",
        "Burglary",
        "Vehicle crime",
        "Criminal damage and arson",
        "Public order",
    ];
    let mut s = String::from("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n");
    let mut n = 0u64;
    while s.len() < target_bytes {
        n += 1;
        let p = next() % 10_000;
        let lon = -1.3 + f64::from(p % 100) * 0.009;
        let lat = 51.99 + f64::from(p / 100) * 0.0064;
        let asb = next() % 5 == 0;
        let id = if asb {
            String::new()
        } else {
            format!("{:016x}{:048x}", n, u64::from(next()))
        };
        let ty = if asb {
            "Anti-social behaviour"
        } else {
            types[(next() % 6) as usize]
        };
        let outcome = if asb {
            ""
        } else {
            "Investigation complete; no suspect identified"
        };
        let label = if p % 7 == 0 {
            format!("\"On or near Street {p}, Town\"")
        } else {
            format!("On or near Street {p}")
        };
        s.push_str(&format!(
            "{id},2025-03,Northamptonshire Police,Northamptonshire Police,{lon:.6},{lat:.6},{label},E0102{p:04},West Northamptonshire {p:03}A,{ty},{outcome},\n"
        ));
    }
    SourceFile {
        name: "synthetic.csv".into(),
        bytes: s.into_bytes(),
    }
}

fn main() {
    let mut all_ok = true;
    let dir = hotspot_testenv::shared_data_dir().join("policeuk/northamptonshire");
    if dir.is_dir() {
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        let mut files = Vec::new();
        for p in &paths {
            let mut bytes = Vec::new();
            flate2::read::GzDecoder::new(std::fs::File::open(p).unwrap())
                .read_to_end(&mut bytes)
                .unwrap();
            files.push(SourceFile {
                name: p.display().to_string(),
                bytes,
            });
        }
        let mut joined = Vec::new();
        for (i, f) in files.iter().enumerate() {
            let body = if i == 0 {
                &f.bytes[..]
            } else {
                &f.bytes[f.bytes.iter().position(|&b| b == b'\n').unwrap() + 1..]
            };
            joined.extend_from_slice(body);
        }
        let joined = SourceFile {
            name: "northamptonshire-16-months.csv".into(),
            bytes: joined,
        };
        let mut rows = 0;
        let d = time(|| rows = black_box(parse_police_uk(black_box(&joined)).unwrap()).rows);
        let base = csv_baseline(&joined);
        all_ok &= report(
            "real, 16 months concatenated",
            joined.bytes.len(),
            rows,
            d,
            base,
        );
        let total: usize = files.iter().map(|f| f.bytes.len()).sum();
        let d = time(|| {
            rows = 0;
            for f in &files {
                rows += black_box(parse_police_uk(black_box(f)).unwrap()).rows;
            }
        });
        all_ok &= report("real, 16 files one by one", total, rows, d, base);
    } else {
        println!(
            "real data not found at {} (set HOTSPOT_SHARED_DATA): skipped",
            dir.display()
        );
    }
    let syn = synthetic(50_000_000);
    let mut rows = 0;
    let d = time(|| rows = black_box(parse_police_uk(black_box(&syn)).unwrap()).rows);
    all_ok &= report("synthetic", syn.bytes.len(), rows, d, csv_baseline(&syn));
    println!("overall: {}", if all_ok { "PASS" } else { "FAIL" });
}
