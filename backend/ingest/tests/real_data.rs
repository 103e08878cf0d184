//! Checks against the real police.uk, ONS boundary and population files in
//! `shared/data` (see its SOURCES.md). Ignored when the data directory is
//! absent, and failing under CI (`hotspot_testenv`). Expected counts are computed independently here with
//! a plain `csv` pass, and also checked against the figures in SOURCES.md.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;

use hotspot_ingest::{
    parse_boundaries, parse_police_uk, parse_population, read_sources, BoundaryOptions,
};

/// Crime type counts from SOURCES.md (all 16 months, all rows).
const SOURCES_MD_TYPES: [(&str, u64); 14] = [
    ("Violence and sexual offences", 35_405),
    ("Anti-social behaviour", 19_273),
    ("Shoplifting", 8_474),
    ("Criminal damage and arson", 6_275),
    ("Other theft", 5_580),
    ("Public order", 5_296),
    ("Vehicle crime", 4_856),
    ("Burglary", 3_802),
    ("Drugs", 3_717),
    ("Other crime", 1_914),
    ("Possession of weapons", 1_420),
    ("Robbery", 1_330),
    ("Bicycle theft", 561),
    ("Theft from the person", 281),
];

/// Independent count: gunzip with flate2, read with csv's default
/// (header-aware, StringRecord) reader, count rows by "Crime type".
fn independent_counts(dir: &std::path::Path) -> (u64, BTreeMap<String, u64>, u64, u64) {
    let mut rows = 0;
    let mut by_type = BTreeMap::new();
    let mut no_loc = 0;
    let mut repeats = 0;
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for p in paths {
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&p).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let h = rdr.headers().unwrap().clone();
        let ix = |n: &str| h.iter().position(|c| c == n).unwrap();
        let (t, lon, id) = (ix("Crime type"), ix("Longitude"), ix("Crime ID"));
        let mut ids = HashSet::new();
        for r in rdr.records() {
            let r = r.unwrap();
            rows += 1;
            *by_type.entry(r[t].to_string()).or_insert(0) += 1;
            no_loc += u64::from(r[lon].is_empty());
            if !r[id].is_empty() && !ids.insert(r[id].to_string()) {
                repeats += 1;
            }
        }
    }
    (rows, by_type, no_loc, repeats)
}

#[test]
#[cfg_attr(
    not(has_shared_data),
    ignore = "needs ../shared/data or HOTSPOT_SHARED_DATA (CONTRIBUTING.md)"
)]
fn northamptonshire_sixteen_months() {
    let dir = hotspot_testenv::shared_data();
    let dir = dir.join("policeuk/northamptonshire");
    let files = read_sources(&dir).unwrap();
    assert_eq!(files.len(), 16);
    assert!(files[0]
        .name
        .ends_with("2024-01-northamptonshire-street.csv.gz"));

    let mut rows = 0;
    let mut no_location = 0;
    let mut no_location_rows = 0;
    let mut duplicate_ids = 0;
    let mut counted: BTreeMap<String, u64> = BTreeMap::new();
    let mut keys = HashSet::new();
    for f in &files {
        let p = parse_police_uk(f).unwrap();
        assert_eq!(p.rows, p.incidents.len() as u64 + p.rejected.len() as u64);
        assert!(
            keys.insert(p.dataset_key.clone()),
            "dataset keys are distinct per month"
        );
        let month = &f.base_name()[..7];
        assert_eq!(
            p.dataset_key,
            format!("police.uk:northamptonshire-police:{month}")
        );
        rows += p.rows;
        no_location += p.summary.no_location;
        no_location_rows += p.summary.no_location;
        duplicate_ids += p.summary.duplicate_ids;
        for i in &p.incidents {
            *counted.entry(i.category.clone()).or_insert(0) += 1;
            assert_eq!(i.source, "police.uk");
        }
        // The only rejections in the real files are repeated Crime IDs; get
        // each one's crime type from its raw line to check per-type totals.
        for r in &p.rejected {
            assert_eq!(r.field.as_deref(), Some("Crime ID"), "{r:?}");
            assert!(r.reason.starts_with("repeated Crime ID "), "{r:?}");
            let rec = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(r.raw.as_bytes())
                .records()
                .next()
                .unwrap()
                .unwrap();
            *counted.entry(rec[9].to_string()).or_insert(0) += 1;
            no_location_rows += u64::from(rec[4].is_empty());
        }
    }
    let (ind_rows, ind_types, ind_no_loc, ind_repeats) = independent_counts(&dir);
    assert_eq!(rows, 98_184);
    assert_eq!(rows, ind_rows);
    // 882 rows have no location (SOURCES.md); 32 of them repeat a Crime ID,
    // so 850 no-location crimes are accepted.
    assert_eq!(no_location_rows, 882);
    assert_eq!(no_location_rows, ind_no_loc);
    assert_eq!(no_location, 850);
    assert_eq!(duplicate_ids, ind_repeats);
    assert_eq!(duplicate_ids, 1_039); // 2,001 rows carry 962 repeated IDs
    assert_eq!(counted, ind_types);
    let from_doc: BTreeMap<String, u64> = SOURCES_MD_TYPES
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    assert_eq!(counted, from_doc);
}

#[test]
#[cfg_attr(
    not(has_shared_data),
    ignore = "needs ../shared/data or HOTSPOT_SHARED_DATA (CONTRIBUTING.md)"
)]
fn ward_boundaries_2022() {
    let dir = hotspot_testenv::shared_data();
    let f = &read_sources(&dir.join("boundaries/northants_wards2022.geojson")).unwrap()[0];
    let p = parse_boundaries(f, &BoundaryOptions::default()).unwrap();
    assert!(p.rejected.is_empty(), "{:?}", p.rejected);
    assert_eq!(p.areas.len(), 57);
    let codes: HashSet<_> = p.areas.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(codes.len(), 57);
    assert!(p.areas.iter().all(|a| a.code.starts_with("E0501")));
    assert!(p.areas.iter().any(|a| a.name == "Brickhill and Queensway"));
    for a in &p.areas {
        for poly in &a.geometry {
            for c in poly.exterior() {
                assert!((-1.34..=-0.34).contains(&c.x) && (51.97..=52.65).contains(&c.y));
            }
        }
    }
}

/// The 57 real wards as a council GIS team would send them: British
/// National Grid metres with the legacy `crs` member. They import as the
/// same wards, within a centimetre of the WGS84 file.
#[test]
#[cfg_attr(
    not(has_shared_data),
    ignore = "needs ../shared/data or HOTSPOT_SHARED_DATA (CONTRIBUTING.md)"
)]
fn ward_boundaries_in_british_national_grid() {
    let dir = hotspot_testenv::shared_data();
    let path = dir.join("boundaries/northants_wards2022.geojson");
    let wgs84 = &read_sources(&path).unwrap()[0];
    let mut doc: serde_json::Value = serde_json::from_slice(&wgs84.bytes).unwrap();
    fn to_bng(v: &mut serde_json::Value) {
        match v.as_array_mut() {
            Some(a) if a.len() >= 2 && a[0].is_number() => {
                let (x, y) =
                    hotspot_core::wgs84_to_bng(a[0].as_f64().unwrap(), a[1].as_f64().unwrap())
                        .unwrap();
                *v = serde_json::json!([x, y]);
            }
            Some(a) => a.iter_mut().for_each(to_bng),
            None => {}
        }
    }
    for f in doc["features"].as_array_mut().unwrap() {
        to_bng(&mut f["geometry"]["coordinates"]);
    }
    doc["crs"] =
        serde_json::json!({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}});
    let bng = hotspot_ingest::source_from_bytes("wards-bng.geojson", doc.to_string().into_bytes())
        .unwrap();
    let (a, b) = (
        parse_boundaries(wgs84, &BoundaryOptions::default()).unwrap(),
        parse_boundaries(&bng, &BoundaryOptions::default()).unwrap(),
    );
    assert!(b.rejected.is_empty(), "{:?}", b.rejected);
    assert_eq!(b.areas.len(), 57);
    for (x, y) in a.areas.iter().zip(&b.areas) {
        assert_eq!((&x.code, &x.name), (&y.code, &y.name));
        let pts = |m: &geo_types::MultiPolygon<f64>| -> Vec<geo_types::Coord<f64>> {
            m.iter().flat_map(|p| p.exterior().0.clone()).collect()
        };
        for (p, q) in pts(&x.geometry).iter().zip(pts(&y.geometry)) {
            assert!(
                (p.x - q.x).abs() < 1e-7 && (p.y - q.y).abs() < 1e-7,
                "{p:?} {q:?}"
            );
        }
    }
}

#[test]
#[cfg_attr(
    not(has_shared_data),
    ignore = "needs ../shared/data or HOTSPOT_SHARED_DATA (CONTRIBUTING.md)"
)]
fn other_boundary_sets_detect_their_codes() {
    let dir = hotspot_testenv::shared_data();
    let b = dir.join("boundaries");
    let w13 = &read_sources(&b.join("northants_wards2013_bgc.geojson")).unwrap()[0];
    let p = parse_boundaries(w13, &BoundaryOptions::default()).unwrap();
    assert_eq!((p.areas.len(), p.rejected.len()), (146, 0));
    let lsoa = &read_sources(&b.join("northants_lsoa2011_bgc.geojson")).unwrap()[0];
    let p = parse_boundaries(lsoa, &BoundaryOptions::default()).unwrap();
    assert_eq!((p.areas.len(), p.rejected.len()), (422, 0));
    assert!(p.areas.iter().all(|a| a.code.starts_with("E01")));
}

#[test]
#[cfg_attr(
    not(has_shared_data),
    ignore = "needs ../shared/data or HOTSPOT_SHARED_DATA (CONTRIBUTING.md)"
)]
fn ward_population_table() {
    let dir = hotspot_testenv::shared_data();
    let f = &read_sources(
        &dir.join("population/northants_wards2022_population_census2011_derived.csv"),
    )
    .unwrap()[0];
    let (pop, rejected) = parse_population(f, None, None).unwrap();
    assert!(rejected.is_empty(), "{rejected:?}");
    assert_eq!(pop.len(), 57);
    assert!(
        pop.keys().all(|k| k.starts_with("E0501")),
        "ward code column chosen, not LAD22CD"
    );
    let total: f64 = pop.values().sum();
    assert!((total - 691_952.0).abs() < 5.0, "{total}");
    assert!(pop.values().all(|&p| (8_000.0..15_000.0).contains(&p)));

    // The boundary codes and population codes join one-to-one.
    let b = &read_sources(&dir.join("boundaries/northants_wards2022.geojson")).unwrap()[0];
    let areas = parse_boundaries(b, &BoundaryOptions::default())
        .unwrap()
        .areas;
    assert!(areas.iter().all(|a| pop.contains_key(&a.code)));

    let lsoa = &read_sources(&dir.join("population/northants_lsoa2011_census2011_population.csv"))
        .unwrap()[0];
    let (pop, rejected) = parse_population(lsoa, None, None).unwrap();
    assert!(rejected.is_empty());
    assert_eq!(pop.len(), 422);
    assert!(pop.keys().all(|k| k.starts_with("E01")), "lsoa_code chosen");
    assert_eq!(pop.values().sum::<f64>(), 691_952.0);
}
