//! The generated sample (or the real Northamptonshire data) as a snapshot,
//! for the rendering tests and the bench. Shared by `#[path]`.

#![allow(dead_code)]

use std::path::Path;

use hotspot_core::{Area, CrimeGroups, Incident};
use hotspot_engine::Dataset;
use hotspot_ingest::{parse_boundaries, parse_police_uk, parse_population, source_from_bytes};

fn build(
    mut areas: Vec<Area>,
    population: Vec<(String, f64)>,
    incidents: Vec<Incident>,
) -> Dataset {
    let population: std::collections::HashMap<String, f64> = population.into_iter().collect();
    for a in &mut areas {
        if let Some(p) = population.get(&a.code) {
            a.population = Some(*p);
        }
    }
    Dataset::build(
        incidents
            .into_iter()
            .enumerate()
            .map(|(i, x)| (i as i64 + 1, x))
            .collect(),
        areas,
        CrimeGroups::default(),
    )
}

/// The built-in sample: 16 wards, two years of police.uk-format crimes.
pub fn sample_dataset() -> Dataset {
    let (mut areas, mut population, mut incidents) = (Vec::new(), Vec::new(), Vec::new());
    for f in hotspot_sample::generate(&Default::default()) {
        let path = f.relative_path.clone();
        let src = source_from_bytes(&path, f.contents).unwrap();
        if path == "wards.geojson" {
            areas = parse_boundaries(&src, &Default::default()).unwrap().areas;
        } else if path == "population.csv" {
            population = parse_population(&src, None, None)
                .unwrap()
                .0
                .into_iter()
                .collect();
        } else if path.starts_with("policeuk/") {
            incidents.extend(parse_police_uk(&src).unwrap().incidents);
        }
    }
    build(areas, population, incidents)
}

/// The real data (`hotspot_testenv::find_shared_data`), when present: the
/// 57 Northamptonshire wards, their population and 16 months of crimes.
pub fn northamptonshire() -> Option<Dataset> {
    let dir = hotspot_testenv::find_shared_data()?;
    let read =
        |p: &Path| source_from_bytes(&p.display().to_string(), std::fs::read(p).unwrap()).unwrap();
    let areas = parse_boundaries(
        &read(&dir.join("boundaries/northants_wards2022.geojson")),
        &Default::default(),
    )
    .unwrap()
    .areas;
    let population = parse_population(
        &read(&dir.join("population/northants_wards2022_population_census2011_derived.csv")),
        None,
        Some("persons_areal"),
    )
    .unwrap()
    .0
    .into_iter()
    .collect();
    let mut incidents = Vec::new();
    let mut months: Vec<_> = std::fs::read_dir(dir.join("policeuk/northamptonshire"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    months.sort();
    for m in months {
        incidents.extend(parse_police_uk(&read(&m)).unwrap().incidents);
    }
    Some(build(areas, population, incidents))
}
