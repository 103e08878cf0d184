//! Ward assignment of real police.uk incidents against the real
//! Northamptonshire 2022 ward boundaries. Ignored when the shared data
//! directory is absent, and failing under CI.

mod common;

use geo::Intersects;
use geo_types::Point;
use hotspot_spatial::AreaLocator;

#[test]
#[cfg_attr(
    not(has_shared_data),
    ignore = "needs ../shared/data or HOTSPOT_SHARED_DATA (CONTRIBUTING.md)"
)]
fn police_uk_rows_fall_in_exactly_one_ward() {
    let dir = hotspot_testenv::shared_data();
    let wards = common::load_wards(&dir);
    assert_eq!(wards.len(), 57, "57 wards in northants_wards2022.geojson");
    let areas: Vec<_> = wards.iter().map(|w| w.2.clone()).collect();
    let rows = common::load_policeuk(&dir);
    assert!(rows.len() > 90_000, "only {} located rows", rows.len());
    let locator = AreaLocator::new(&areas);
    let points: Vec<[f64; 2]> = rows.iter().map(|r| [r.x, r.y]).collect();
    let located = locator.locate_all(&points);

    // Brute force on the distinct snap points only (police.uk reuses ~10k
    // positions), which keeps this quick in debug builds.
    let mut distinct: Vec<[u64; 2]> = points
        .iter()
        .map(|p| [p[0].to_bits(), p[1].to_bits()])
        .collect();
    distinct.sort_unstable();
    distinct.dedup();
    let mut brute = std::collections::HashMap::new();
    for key in &distinct {
        let p = Point::new(f64::from_bits(key[0]), f64::from_bits(key[1]));
        let hits: Vec<u32> = areas
            .iter()
            .enumerate()
            .filter(|(_, a)| a.intersects(&p))
            .map(|(i, _)| i as u32)
            .collect();
        brute.insert(*key, hits);
    }

    let (mut in_county, mut out_in_ward) = (0usize, 0usize);
    for ((row, p), got) in rows.iter().zip(&points).zip(&located) {
        let hits = &brute[&[p[0].to_bits(), p[1].to_bits()]];
        assert_eq!(
            *got,
            hits.first().copied(),
            "locator vs brute force at {p:?}"
        );
        let county = row.lsoa_name.starts_with("West Northamptonshire")
            || row.lsoa_name.starts_with("North Northamptonshire");
        if county {
            in_county += 1;
            assert_eq!(
                hits.len(),
                1,
                "{} at {p:?} is in wards {hits:?}",
                row.lsoa_name
            );
            assert!(got.is_some());
        } else if got.is_some() {
            out_in_ward += 1;
        }
    }
    eprintln!(
        "{} located rows ({} distinct points), {in_county} in-county all in exactly one ward; {out_in_ward} out-of-county rows inside a ward",
        rows.len(),
        distinct.len()
    );
    assert!(in_county > 90_000);
}
