//! A partner data set with dates and times: council fly-tipping reports.
//!
//! Unlike police.uk it has a UK-format date and time, British National Grid
//! coordinates and its own columns, so it exercises the generic CSV mapping
//! (`id=Reference,date=Reported,x=Easting,y=Northing,crs=27700,category=Type`).

use chrono::{Duration, NaiveDateTime, NaiveTime};
use hotspot_core::Month;
use rand::Rng;

use crate::rng::{normal, pick, stream, stream_rng};
use crate::wards::Borough;

pub(crate) const HEADER: [&str; 5] = ["Reference", "Reported", "Easting", "Northing", "Type"];

const TYPES: [(&str, f64); 4] = [
    ("Household waste", 40.0),
    ("Black bags", 30.0),
    ("White goods", 10.0),
    ("Construction waste", 20.0),
];
/// More dumping in the summer months.
const SEASON: [f64; 12] = [
    0.85, 0.85, 0.95, 1.05, 1.10, 1.15, 1.20, 1.15, 1.05, 1.00, 0.90, 0.85,
];
/// Reports by hour of day: mostly daytime, when residents notice and ring.
const HOURS: [f64; 24] = [
    1.0, 0.5, 0.3, 0.3, 0.3, 0.5, 1.0, 3.0, 6.0, 8.0, 8.0, 7.0, 6.0, 6.0, 6.0, 5.0, 5.0, 4.0, 3.0,
    2.5, 2.0, 1.5, 1.2, 1.0,
];
/// Back alleys behind terraced streets: ward, offset of the alley's middle
/// from the ward centre (m), bearing (radians from east), length (m).
const ALLEYS: [(&str, (f64, f64), f64, f64); 2] = [
    ("Northgate", (-200.0, 100.0), 0.35, 380.0),
    ("Riverside", (150.0, -250.0), 1.9, 320.0),
];
/// Share of reports in the alleys.
const ALLEY_SHARE: f64 = 0.55;
pub(crate) const PER_MONTH: f64 = 60.0;

/// The whole file: every report over `months`, in time order.
pub(crate) fn fly_tipping_csv(seed: u64, months: &[Month], borough: &Borough) -> Vec<u8> {
    let mut rng = stream_rng(seed, stream::FLY_TIPPING);
    let populations: Vec<f64> = borough.wards.iter().map(|w| w.population as f64).collect();
    let type_weights: Vec<f64> = TYPES.iter().map(|t| t.1).collect();
    let mut reports: Vec<(NaiveDateTime, i64, i64, &str)> = Vec::new();
    for &month in months {
        let n = (PER_MONTH * SEASON[month.month() as usize - 1] * (1.0 + 0.1 * normal(&mut rng)))
            .round()
            .max(0.0) as usize;
        for _ in 0..n {
            let day = rng.gen_range(0..month.days());
            let hour = pick(&mut rng, &HOURS) as u32;
            let minute = rng.gen_range(0..60u32);
            let when = month
                .first_day()
                .and_time(NaiveTime::from_hms_opt(hour, minute, 0).expect("valid time"))
                + Duration::days(i64::from(day));
            let (x, y) = if rng.gen_bool(ALLEY_SHARE) {
                let (ward, offset, bearing, length) = ALLEYS[rng.gen_range(0..ALLEYS.len())];
                let c = borough.wards[borough.ward_named(ward)].centre;
                let along = rng.gen_range(-0.5..0.5) * length;
                let across = 12.0 * normal(&mut rng);
                let (dx, dy) = (bearing.cos(), bearing.sin());
                (
                    c.0 + offset.0 + along * dx - across * dy,
                    c.1 + offset.1 + along * dy + across * dx,
                )
            } else {
                let ward = pick(&mut rng, &populations);
                let (x0, y0, x1, y1) = borough.wards[ward].bbox;
                loop {
                    let (x, y) = (rng.gen_range(x0..x1), rng.gen_range(y0..y1));
                    if borough.ward_at(x, y) == Some(ward) {
                        break (x, y);
                    }
                }
            };
            let kind = TYPES[pick(&mut rng, &type_weights)].0;
            reports.push((when, x.round() as i64, y.round() as i64, kind));
        }
    }
    // Stable sort: ties keep generation order, so the output is deterministic.
    reports.sort_by_key(|r| r.0);

    let mut w = crate::csv_writer();
    w.write_record(HEADER).expect("in memory");
    let mut year_seq: Option<(i32, u32)> = None;
    for (when, x, y, kind) in reports {
        let year = Month::of(when.date()).year();
        let seq = match year_seq {
            Some((y, s)) if y == year => s + 1,
            _ => 1,
        };
        year_seq = Some((year, seq));
        w.write_record([
            format!("FT-{year}-{seq:05}").as_str(),
            &when.format("%d/%m/%Y %H:%M").to_string(),
            &x.to_string(),
            &y.to_string(),
            kind,
        ])
        .expect("in memory");
    }
    w.into_inner().expect("in memory")
}
