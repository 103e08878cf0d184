//! Small hand-made datasets for the engine's unit tests.

use hotspot_core::{Area, CrimeGroups, Incident, Location};

use crate::Dataset;

/// A month-only police.uk burglary at BNG (x, y).
pub fn at(x: f64, y: f64, month: &str) -> Incident {
    let (lon, lat) = hotspot_core::bng_to_wgs84(x, y).unwrap();
    Incident {
        source: "police.uk".into(),
        external_id: None,
        category: "Burglary".into(),
        month: month.parse().unwrap(),
        date: None,
        time: None,
        location: Some(Location { lon, lat, x, y }),
        location_label: None,
        lsoa_code: None,
        outcome: None,
        origin_line: 2,
    }
}

/// [`at`] with a police.uk location label ("On or near …").
pub fn labelled(x: f64, y: f64, label: &str) -> Incident {
    Incident {
        location_label: Some(label.into()),
        ..at(x, y, "2025-03")
    }
}

/// A square ward of 1,000 residents, `side` metres wide, south-west corner at (x0, y0).
pub fn square_ward(code: &str, x0: f64, y0: f64, side: f64) -> Area {
    let ring: Vec<(f64, f64)> = [(0., 0.), (1., 0.), (1., 1.), (0., 1.), (0., 0.)]
        .iter()
        .map(|(dx, dy)| hotspot_core::bng_to_wgs84(x0 + dx * side, y0 + dy * side).unwrap())
        .collect();
    Area {
        code: code.into(),
        name: format!("Ward {code}"),
        population: Some(1000.0),
        geometry: geo_types::MultiPolygon(vec![geo_types::Polygon::new(ring.into(), vec![])]),
    }
}

pub fn build(incidents: Vec<Incident>, areas: Vec<Area>) -> Dataset {
    let rows = incidents.into_iter().enumerate();
    Dataset::build(
        rows.map(|(i, r)| (i as i64 + 1, r)).collect(),
        areas,
        CrimeGroups::default(),
    )
}

/// Months of the real Northamptonshire extract: 2024-01..04 and 2025, with
/// 2024-05..12 missing.
pub fn northants_months() -> Vec<String> {
    (1..=4)
        .map(|m| format!("2024-{m:02}"))
        .chain((1..=12).map(|m| format!("2025-{m:02}")))
        .collect()
}
