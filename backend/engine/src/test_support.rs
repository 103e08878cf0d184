//! Small hand-made datasets for the engine's unit tests.

use hotspot_core::{Area, CrimeGroups, Incident, Location, Month};

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

pub fn of_type(category: &str, x: f64, y: f64, month: &str) -> Incident {
    Incident {
        category: category.into(),
        ..at(x, y, month)
    }
}

/// A seeded scatter over 20 km: 2,000 incidents on 150 locations, four
/// types, 24 months, a third with dates, a few unlocated, two wards.
pub fn scatter() -> crate::Dataset {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let sites: Vec<(f64, f64)> = (0..150)
        .map(|_| {
            (
                440_000.0 + next(20_000) as f64,
                250_000.0 + next(20_000) as f64,
            )
        })
        .collect();
    let types = ["Burglary", "Robbery", "Drugs", "Shoplifting"];
    let incidents = (0..2000)
        .map(|i| {
            let (x, y) = sites[next(150) as usize];
            let month = Month::from_index(Month::new(2024, 1).unwrap().index() + next(24) as i32);
            let mut inc = of_type(types[next(4) as usize], x, y, &month.to_string());
            if i % 3 == 0 {
                inc.date = Some(month.first_day() + chrono::Days::new(next(28)));
            }
            if i % 250 == 0 {
                inc.location = None;
            }
            inc
        })
        .collect();
    let wards = vec![
        square_ward("W1", 440_000.0, 250_000.0, 10_000.0),
        square_ward("W2", 450_000.0, 250_000.0, 10_000.0),
    ];
    build(incidents, wards)
}

/// Selections of every kind [`scatter`] answers with dozens of incidents:
/// months, types, a group, a date-time period, a ward and a box.
pub fn scatter_selections() -> Vec<crate::Selection> {
    use crate::{Period, Selection};
    vec![
        Selection::default(),
        Selection {
            period: Period::parse("2024-06..2025-02").unwrap(),
            ..Default::default()
        },
        Selection {
            types: vec!["Burglary".into(), "Drugs".into()],
            period: Period::parse("2025-01..2025-12").unwrap(),
            ..Default::default()
        },
        Selection {
            groups: vec!["serious-acquisitive".into()],
            ..Default::default()
        },
        Selection {
            period: Period::parse("2024-03-10..2024-09-20T12:00").unwrap(),
            ..Default::default()
        },
        Selection {
            area: Some("W2".into()),
            ..Default::default()
        },
        Selection {
            bbox: Some([-1.2, 52.1, -1.0, 52.2]),
            ..Default::default()
        },
    ]
}
