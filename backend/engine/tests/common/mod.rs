//! The built-in sample, parsed as the service parses it.

use hotspot_core::{CrimeGroups, Incident};
use hotspot_engine::Dataset;
use hotspot_ingest::{parse_boundaries, parse_police_uk, parse_population, source_from_bytes};

/// The sample's wards (with their population) and police.uk incidents,
/// numbered from 1 as a store would.
pub fn sample_parts() -> (Vec<(i64, Incident)>, Vec<hotspot_core::Area>) {
    let (mut areas, mut population, mut incidents) = (Vec::new(), Default::default(), Vec::new());
    for f in hotspot_sample::generate(&Default::default()) {
        let path = f.relative_path.clone();
        let src = source_from_bytes(&path, f.contents).unwrap();
        if path == "wards.geojson" {
            areas = parse_boundaries(&src, &Default::default()).unwrap().areas;
        } else if path == "population.csv" {
            population = parse_population(&src, None, None).unwrap().0;
        } else if path.starts_with("policeuk/") {
            incidents.extend(parse_police_uk(&src).unwrap().incidents);
        }
    }
    for a in &mut areas {
        a.population = population.get(&a.code).copied();
    }
    let rows = incidents
        .into_iter()
        .enumerate()
        .map(|(i, x)| (i as i64 + 1, x))
        .collect();
    (rows, areas)
}

#[allow(dead_code)] // not every test file uses both
pub fn sample() -> Dataset {
    let (rows, areas) = sample_parts();
    Dataset::build(rows, areas, CrimeGroups::default())
}
