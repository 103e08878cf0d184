//! The region generator at smoke size (10,000 incidents) read by the real
//! importer: every file parses, every incident is accepted once, and the
//! data has police.uk's shape (types, months, missing locations, repeated
//! IDs, wards tiling the region).

use std::collections::BTreeSet;

use geo::Contains;
use hotspot_ingest::{parse_boundaries, parse_police_uk, parse_population, source_from_bytes};
use hotspot_loadtest::region::{write_region, RegionOptions};

#[test]
fn smoke_region_imports_as_police_uk() {
    let dir = tempfile::tempdir().unwrap();
    let opts = RegionOptions {
        incidents: 10_000,
        wards_per_side: 8,
        snap_points: 3_000,
        centres: 40,
        ..Default::default()
    };
    let summary = write_region(dir.path(), &opts).unwrap();
    assert_eq!(summary.wards, 64);
    assert_eq!(summary.files.len(), 2 + 24);

    let read = |name: &str| {
        let p = dir.path().join(name);
        source_from_bytes(&p.display().to_string(), std::fs::read(&p).unwrap()).unwrap()
    };
    let areas = parse_boundaries(&read("wards.geojson"), &Default::default()).unwrap();
    assert_eq!(areas.areas.len(), 64);
    assert!(areas.rejected.is_empty(), "{:?}", areas.rejected);
    assert!(areas.areas.iter().all(|a| a.code.starts_with("E0590")));
    let population = parse_population(&read("population.csv"), None, None)
        .unwrap()
        .0;
    assert_eq!(population.len(), 64);

    let (mut accepted, mut rows, mut duplicates, mut no_location) = (0, 0, 0, 0);
    let (mut types, mut months) = (BTreeSet::new(), BTreeSet::new());
    let mut located = Vec::new();
    for f in &summary.files[2..] {
        let name = f.strip_prefix(dir.path()).unwrap().display().to_string();
        let parsed = parse_police_uk(&read(&name)).unwrap();
        rows += parsed.rows;
        accepted += parsed.summary.accepted;
        duplicates += parsed.summary.duplicate_ids;
        no_location += parsed.summary.no_location;
        // Only repeated Crime IDs are set aside.
        assert_eq!(
            parsed.summary.rejected, parsed.summary.duplicate_ids,
            "{name}: {:?}",
            parsed.summary.rejected_by_field
        );
        months.extend(parsed.summary.months.iter().copied());
        for inc in parsed.incidents {
            types.insert(inc.category.clone());
            if inc.category == "Anti-social behaviour" {
                assert!(inc.external_id.is_none(), "ASB rows have no Crime ID");
            }
            if let Some(l) = inc.location {
                located.push(geo_types::Point::new(l.lon, l.lat));
            }
        }
    }
    assert_eq!(rows, summary.rows);
    assert_eq!(accepted, 10_000, "each incident accepted once");
    assert!(
        duplicates > 0 && duplicates < 200,
        "{duplicates} repeated IDs"
    );
    assert!(
        (50..200).contains(&no_location),
        "{no_location} without location"
    );
    assert_eq!(types.len(), 14, "{types:?}");
    assert_eq!(months.len(), 24);

    // Points fall in the wards, except the few placed outside the region.
    let outside = located
        .iter()
        .filter(|p| !areas.areas.iter().any(|a| a.geometry.contains(*p)))
        .count();
    assert!(
        outside > 0 && (outside as f64) < 0.02 * located.len() as f64,
        "{outside} of {} outside every ward",
        located.len()
    );
    // Stacked on map points, as police.uk publishes them.
    let distinct: BTreeSet<(u64, u64)> = located
        .iter()
        .map(|p| (p.x().to_bits(), p.y().to_bits()))
        .collect();
    assert!(
        distinct.len() < located.len() / 2,
        "{} distinct points",
        distinct.len()
    );
}
