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

/// Ward T (an intervention's target) and ward C (its control): 1 km
/// squares 10 km apart.
pub fn target_and_control() -> Vec<Area> {
    vec![
        square_ward("T", 450_000.0, 260_000.0, 1000.0),
        square_ward("C", 460_000.0, 260_000.0, 1000.0),
    ]
}

/// Evaluates an intervention over ward T (100 m buffer) from `start`
/// (`YYYY-MM-DD`), ongoing, against ward C, with the `before` months given.
pub fn evaluate_on_t(
    ds: &Dataset,
    start: &str,
    before: Option<hotspot_core::MonthRange>,
) -> Result<crate::interventions::InterventionEvaluation, crate::EngineError> {
    use crate::interventions::{Control, EvaluationOptions, InterventionSpec};
    let spec = InterventionSpec {
        area: ds.areas[0].area.geometry.clone(),
        start: start.parse().expect("a YYYY-MM-DD date"),
        end: None,
        buffer_m: 100.0,
        groups: vec![],
        types: vec![],
    };
    let options = EvaluationOptions {
        control: Control::Wards(vec!["C".into()]),
        before,
    };
    ds.evaluate_intervention(&spec, &options)
}
