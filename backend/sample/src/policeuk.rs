//! Monthly police.uk "street" files for the sample borough.
//!
//! The files mimic what police.uk publishes, quirks included, so that the
//! importer is exercised on the sample exactly as on real downloads: ASB
//! without a Crime ID, about 1% of rows without a location, a few crimes on
//! two rows with different outcomes, a few rows located outside the area,
//! and seasonal swings.

use hotspot_core::Month;
use rand::seq::SliceRandom;
use rand::Rng;

use crate::rng::{normal, pick, stream, stream_rng};
use crate::snap::{SnapPoints, Zone};
use crate::wards::Borough;

/// police.uk's header, byte for byte.
pub(crate) use hotspot_core::police_uk::STREET_HEADER as HEADER;

pub(crate) const FORCE: &str = "Sample Constabulary";
pub(crate) const ASB: &str = "Anti-social behaviour";

/// The 14 police.uk crime types with roughly their national shares (%), and
/// for each the share (0–1) that happens in the town centre, retail park,
/// estate and park; the rest is background.
const TYPES: [(&str, f64, [f64; 4]); 14] = [
    (
        "Violence and sexual offences",
        35.0,
        [0.30, 0.01, 0.03, 0.03],
    ),
    (ASB, 20.0, [0.15, 0.03, 0.04, 0.22]),
    ("Shoplifting", 9.0, [0.28, 0.55, 0.00, 0.00]),
    ("Criminal damage and arson", 6.0, [0.08, 0.03, 0.10, 0.20]),
    ("Other theft", 6.0, [0.18, 0.15, 0.02, 0.04]),
    ("Public order", 5.0, [0.35, 0.03, 0.02, 0.04]),
    ("Vehicle crime", 5.0, [0.08, 0.15, 0.25, 0.04]),
    ("Burglary", 4.0, [0.03, 0.02, 0.35, 0.00]),
    ("Drugs", 4.0, [0.25, 0.02, 0.05, 0.20]),
    ("Other crime", 2.0, [0.10, 0.02, 0.03, 0.02]),
    ("Possession of weapons", 1.5, [0.30, 0.02, 0.04, 0.04]),
    ("Robbery", 1.3, [0.35, 0.05, 0.05, 0.05]),
    ("Bicycle theft", 0.6, [0.30, 0.10, 0.02, 0.08]),
    ("Theft from the person", 0.3, [0.60, 0.10, 0.00, 0.02]),
];
const ZONES: [Zone; 4] = [Zone::TownCentre, Zone::RetailPark, Zone::Estate, Zone::Park];

/// Month-of-year multipliers (January first).
const VIOLENCE_SEASON: [f64; 12] = [
    0.92, 0.90, 0.97, 1.00, 1.05, 1.10, 1.15, 1.10, 1.00, 1.00, 0.97, 1.12,
];
const ASB_SEASON: [f64; 12] = [
    0.80, 0.80, 0.95, 1.05, 1.15, 1.20, 1.30, 1.25, 1.00, 1.05, 0.85, 0.80,
];
const BICYCLE_SEASON: [f64; 12] = [
    0.70, 0.70, 0.85, 1.00, 1.15, 1.25, 1.30, 1.30, 1.15, 1.00, 0.85, 0.70,
];
const BURGLARY_SEASON: [f64; 12] = [
    1.15, 1.05, 0.95, 0.90, 0.90, 0.90, 0.90, 0.95, 1.00, 1.10, 1.15, 1.20,
];
const SHOPLIFTING_SEASON: [f64; 12] =
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.05, 1.20];

fn season(crime_type: &str, month: Month) -> f64 {
    let table = match crime_type {
        "Violence and sexual offences" | "Public order" => &VIOLENCE_SEASON,
        ASB => &ASB_SEASON,
        "Bicycle theft" => &BICYCLE_SEASON,
        "Burglary" => &BURGLARY_SEASON,
        "Shoplifting" => &SHOPLIFTING_SEASON,
        _ => return 1.0,
    };
    table[month.month() as usize - 1]
}

/// Outcome categories with weights for settled months and for the last three
/// months of the data (when many crimes are still under investigation).
const OUTCOMES: [(&str, f64, f64); 14] = [
    ("Investigation complete; no suspect identified", 30.0, 22.0),
    ("Unable to prosecute suspect", 33.0, 20.0),
    ("Under investigation", 3.0, 35.0),
    ("Status update unavailable", 4.0, 2.0),
    ("Awaiting court outcome", 3.0, 6.0),
    ("Local resolution", 5.0, 4.0),
    ("Offender given a caution", 2.0, 1.0),
    (
        "Further investigation is not in the public interest",
        2.0,
        1.0,
    ),
    ("Further action is not in the public interest", 1.5, 1.0),
    ("Formal action is not in the public interest", 1.0, 0.5),
    ("Action to be taken by another organisation", 2.0, 1.5),
    ("Court result unavailable", 6.0, 1.0),
    ("Suspect charged as part of another case", 1.0, 0.5),
    ("Offender given penalty notice", 0.5, 0.3),
];

/// Share of rows published without a location.
const NO_LOCATION: f64 = 0.01;
/// Share of rows snapped to a point in a neighbouring district.
const OUTSIDE: f64 = 0.006;

/// One row of a street file.
struct Row {
    id: String,
    /// Snap point index, or `None` for "No Location".
    point: Option<usize>,
    crime_type: &'static str,
    outcome: &'static str,
}

/// The street file of every month, `(month, csv bytes)`, in month order.
pub(crate) fn street_files(
    seed: u64,
    months: &[Month],
    per_month: usize,
    borough: &Borough,
    snaps: &SnapPoints,
) -> Vec<(Month, Vec<u8>)> {
    let mut rng = stream_rng(seed, stream::POLICE_UK);
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return Vec::new();
    };
    let (first, last) = (first.index(), last.index());
    months
        .iter()
        .map(|&month| {
            let since_start = month.index() - first;
            let recent = last - month.index() < 3;
            let rows = month_rows(
                &mut rng,
                month,
                since_start,
                recent,
                per_month,
                borough,
                snaps,
            );
            (month, write_rows(month, &rows, snaps))
        })
        .collect()
}

fn month_rows(
    rng: &mut impl Rng,
    month: Month,
    since_start: i32,
    recent: bool,
    per_month: usize,
    borough: &Borough,
    snaps: &SnapPoints,
) -> Vec<Row> {
    let weights: Vec<f64> = TYPES.iter().map(|t| t.1 * season(t.0, month)).collect();
    let seasonal: f64 = weights.iter().sum::<f64>() / TYPES.iter().map(|t| t.1).sum::<f64>();
    let n = (per_month as f64 * seasonal * (1.0 + 0.04 * normal(rng)))
        .round()
        .max(0.0) as usize;
    let outcome_weights: Vec<f64> = OUTCOMES
        .iter()
        .map(|o| if recent { o.2 } else { o.1 })
        .collect();

    let mut planned: Vec<(usize, Option<Zone>)> =
        (0..n).map(|_| (pick(rng, &weights), None)).collect();
    // The estate's problem: extra burglaries and vehicle crimes, growing
    // month on month through the second year, so comparing periods shows it.
    if since_start >= 12 {
        let ramp = (since_start - 11) as f64 * per_month as f64 / 400.0;
        let burglary = TYPES.iter().position(|t| t.0 == "Burglary").expect("type");
        let vehicle = TYPES
            .iter()
            .position(|t| t.0 == "Vehicle crime")
            .expect("type");
        planned.extend((0..(1.4 * ramp).round() as usize).map(|_| (burglary, Some(Zone::Estate))));
        planned.extend((0..(0.8 * ramp).round() as usize).map(|_| (vehicle, Some(Zone::Estate))));
    }

    let mut rows: Vec<Row> = planned
        .into_iter()
        .map(|(t, zone)| {
            let (crime_type, _, zone_shares) = TYPES[t];
            let point = if rng.gen_bool(NO_LOCATION) {
                None
            } else if rng.gen_bool(OUTSIDE) {
                Some(snaps.pick_outside(rng))
            } else {
                let zone = zone.or_else(|| {
                    let mut w = zone_shares.to_vec();
                    w.push(1.0 - zone_shares.iter().sum::<f64>());
                    ZONES.get(pick(rng, &w)).copied()
                });
                Some(match zone {
                    Some(z) => snaps.pick_hotspot(rng, borough, z),
                    None => snaps.pick_background(rng),
                })
            };
            let (id, outcome) = if crime_type == ASB {
                (String::new(), "")
            } else {
                (crime_id(rng), OUTCOMES[pick(rng, &outcome_weights)].0)
            };
            Row {
                id,
                point,
                crime_type,
                outcome,
            }
        })
        .collect();
    rows.shuffle(rng);

    // A few crimes published twice, with different outcomes.
    let repeats = rng.gen_range(1..=3);
    for _ in 0..repeats {
        let candidates: Vec<usize> = (0..rows.len())
            .filter(|&i| !rows[i].id.is_empty() && rows[i].point.is_some())
            .collect();
        let Some(&i) = candidates.choose(rng) else {
            break;
        };
        let outcome = loop {
            let o = OUTCOMES[pick(rng, &outcome_weights)].0;
            if o != rows[i].outcome {
                break o;
            }
        };
        let copy = Row {
            id: rows[i].id.clone(),
            point: rows[i].point,
            crime_type: rows[i].crime_type,
            outcome,
        };
        let at = rng.gen_range(0..=rows.len());
        rows.insert(at, copy);
    }
    rows
}

/// A 64-hex-digit identifier, like police.uk's hashed Crime IDs.
fn crime_id(rng: &mut impl Rng) -> String {
    let bytes: [u8; 32] = rng.gen();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn write_rows(month: Month, rows: &[Row], snaps: &SnapPoints) -> Vec<u8> {
    let mut w = crate::csv_writer();
    w.write_record(HEADER).expect("in memory");
    let month = month.to_string();
    for row in rows {
        let (lon, lat, location, lsoa_code, lsoa_name) = match row.point {
            Some(i) => {
                let p = &snaps.points[i];
                (
                    format!("{:.6}", p.lon),
                    format!("{:.6}", p.lat),
                    p.location.as_str(),
                    p.lsoa_code.as_str(),
                    p.lsoa_name.as_str(),
                )
            }
            None => (String::new(), String::new(), "No Location", "", ""),
        };
        w.write_record([
            row.id.as_str(),
            &month,
            FORCE,
            FORCE,
            &lon,
            &lat,
            location,
            lsoa_code,
            lsoa_name,
            row.crime_type,
            row.outcome,
            "",
        ])
        .expect("in memory");
    }
    w.into_inner().expect("in memory")
}
