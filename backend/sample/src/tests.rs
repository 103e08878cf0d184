//! Tests of the generated sample: determinism, agreement with the committed
//! files, and the properties the rest of Hotspot relies on.

use std::collections::HashMap;
use std::sync::OnceLock;

use geo::{Area, BooleanOps, Contains, MultiPolygon, Point, Polygon, Validation, Winding};
use hotspot_core::{wgs84_to_bng, Month};

use super::*;

/// The default sample, generated once for all tests.
fn default_files() -> &'static [SampleFile] {
    static FILES: OnceLock<Vec<SampleFile>> = OnceLock::new();
    FILES.get_or_init(|| generate(&SampleOptions::default()))
}

fn file(path: &str) -> &'static SampleFile {
    default_files()
        .iter()
        .find(|f| f.relative_path == path)
        .unwrap_or_else(|| panic!("no {path}"))
}

fn records(f: &SampleFile) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_reader(f.contents.as_slice());
    let header = r.headers().unwrap().clone();
    let rows = r.records().map(|r| r.unwrap()).collect();
    (header, rows)
}

/// (month, row) for every police.uk row of the default sample.
fn street_rows() -> Vec<(Month, csv::StringRecord)> {
    let mut out = Vec::new();
    for f in default_files()
        .iter()
        .filter(|f| f.relative_path.starts_with("policeuk/"))
    {
        let month: Month = f.relative_path["policeuk/".len()..][..7].parse().unwrap();
        out.extend(records(f).1.into_iter().map(|r| (month, r)));
    }
    out
}

/// Ward (code, name, population, polygon) as published.
fn published_wards() -> Vec<(String, String, i64, Polygon<f64>)> {
    let text = std::str::from_utf8(&file("wards.geojson").contents).unwrap();
    let fc: geojson::FeatureCollection = text.parse().unwrap();
    fc.features
        .into_iter()
        .map(|f| {
            let props = f.properties.clone().unwrap();
            let keys: Vec<&str> = props.keys().map(String::as_str).collect();
            assert_eq!(keys.len(), 3, "{keys:?}");
            let poly: Polygon<f64> = f.geometry.unwrap().try_into().unwrap();
            (
                props["WD24CD"].as_str().unwrap().to_string(),
                props["WD24NM"].as_str().unwrap().to_string(),
                props["population"].as_i64().unwrap(),
                poly,
            )
        })
        .collect()
}

fn ward_of(wards: &[(String, String, i64, Polygon<f64>)], lon: f64, lat: f64) -> Option<usize> {
    let p = Point::new(lon, lat);
    wards.iter().position(|w| w.3.contains(&p))
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let opts = SampleOptions {
        seed: 7,
        months: vec!["2025-02".parse().unwrap(), "2025-01".parse().unwrap()],
        incidents_per_month: 80,
    };
    let a = generate(&opts);
    assert_eq!(a, generate(&opts));
    let b = generate(&SampleOptions {
        seed: 8,
        ..opts.clone()
    });
    assert_eq!(a.len(), b.len());
    for (fa, fb) in a.iter().zip(&b) {
        assert_eq!(fa.relative_path, fb.relative_path);
        if fa.relative_path != "population.csv" {
            assert_ne!(
                fa.contents, fb.contents,
                "{} ignores the seed",
                fa.relative_path
            );
        }
    }
}

#[test]
fn committed_data_matches_generator() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data"));
    for f in default_files() {
        let on_disk = std::fs::read(dir.join(&f.relative_path)).unwrap_or_else(|e| {
            panic!(
                "data/{}: {e}; regenerate with `cargo run -p hotspot-sample --bin generate-sample -- --out data`",
                f.relative_path
            )
        });
        assert!(
            on_disk == f.contents,
            "data/{} differs from the generator's output; regenerate it",
            f.relative_path
        );
    }
    // No stale street files from an older month range.
    for entry in std::fs::read_dir(dir.join("policeuk")).unwrap() {
        let name = format!("policeuk/{}", entry.unwrap().file_name().to_string_lossy());
        assert!(
            default_files().iter().any(|f| f.relative_path == name),
            "data/{name} is not generated"
        );
    }
}

#[test]
fn default_sample_is_small_and_complete() {
    let total: usize = default_files().iter().map(|f| f.contents.len()).sum();
    assert!(total < 1_200_000, "{total} bytes");
    let streets = default_files()
        .iter()
        .filter(|f| f.relative_path.starts_with("policeuk/"))
        .count();
    assert_eq!(streets, 24);
    assert!(file("policeuk/2024-01-sample-street.csv").contents.len() > 10_000);
    assert!(file("policeuk/2025-12-sample-street.csv").contents.len() > 10_000);
    let readme = std::str::from_utf8(&file("README.md").contents).unwrap();
    assert!(readme.contains("27700"));
    assert!(readme.contains("id=Reference,date=Reported,x=Easting,y=Northing,crs=27700,category=Type,source=fly-tipping"));
    assert!(readme.contains("fictional"));
}

#[test]
fn street_files_look_like_police_uk() {
    for f in default_files()
        .iter()
        .filter(|f| f.relative_path.starts_with("policeuk/"))
    {
        assert!(f.contents.starts_with(
            b"Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n"
        ));
        assert!(!f.contents.contains(&b'\r'));
    }
    let rows = street_rows();
    let mut types: HashMap<&str, usize> = HashMap::new();
    let mut no_location = 0;
    let mut ids: HashMap<&str, Vec<&str>> = HashMap::new();
    for (month, r) in &rows {
        assert_eq!(r.len(), 12);
        assert_eq!(&r[1], month.to_string());
        assert_eq!(&r[2], "Sample Constabulary");
        assert_eq!(&r[3], "Sample Constabulary");
        assert_eq!(&r[11], "");
        *types.entry(&r[9]).or_default() += 1;
        if &r[9] == "Anti-social behaviour" {
            assert_eq!(&r[0], "", "ASB has no Crime ID");
            assert_eq!(&r[10], "", "ASB has no outcome");
        } else {
            assert_eq!(r[0].len(), 64);
            assert!(r[0]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
            assert!(!r[10].is_empty());
            ids.entry(&r[0]).or_default().push(&r[10]);
        }
        if r[4].is_empty() {
            no_location += 1;
            assert_eq!((&r[5], &r[6], &r[7], &r[8]), ("", "No Location", "", ""));
        } else {
            let (lon, lat): (f64, f64) = (r[4].parse().unwrap(), r[5].parse().unwrap());
            assert!(wgs84_to_bng(lon, lat).is_ok(), "{lon},{lat} outside GB");
            assert_eq!(r[4].split('.').nth(1).unwrap().len(), 6);
            assert!(r[6].starts_with("On or near "));
            assert!(r[7].starts_with("E01"));
        }
    }
    assert_eq!(types.len(), 14, "{types:?}");
    let share = |t: &str| types[t] as f64 / rows.len() as f64;
    assert!((0.30..0.40).contains(&share("Violence and sexual offences")));
    assert!((0.16..0.24).contains(&share("Anti-social behaviour")));
    assert!((0.07..0.11).contains(&share("Shoplifting")));
    let no_loc = no_location as f64 / rows.len() as f64;
    assert!(
        (0.005..0.015).contains(&no_loc),
        "no-location share {no_loc}"
    );
    // A few crimes on two rows, always with different outcomes.
    let repeated: Vec<_> = ids.values().filter(|o| o.len() > 1).collect();
    assert!((10..100).contains(&repeated.len()), "{}", repeated.len());
    assert!(repeated.iter().all(|o| o.len() == 2 && o[0] != o[1]));
}

#[test]
fn wards_tile_the_borough_exactly() {
    let wards = published_wards();
    assert_eq!(wards.len(), 16);
    let population: Vec<csv::StringRecord> = records(file("population.csv")).1;
    for (k, (code, name, pop, poly)) in wards.iter().enumerate() {
        assert_eq!(code, &format!("E05999{:03}", k + 1));
        assert_eq!(
            (
                &population[k][0],
                &population[k][1],
                population[k][2].parse::<i64>().unwrap()
            ),
            (code.as_str(), name.as_str(), *pop)
        );
        assert!((6_000..=14_000).contains(pop));
        assert!(poly.is_valid(), "{name} invalid");
        assert!(poly.exterior().is_closed());
        assert!(poly.exterior().is_ccw(), "{name} not counter-clockwise");
        assert!(poly.interiors().is_empty());
        for c in poly.exterior().coords() {
            assert!(wgs84_to_bng(c.x, c.y).is_ok());
        }
    }
    let areas: Vec<f64> = wards.iter().map(|w| w.3.unsigned_area()).collect();
    let sum: f64 = areas.iter().sum();
    for i in 0..wards.len() {
        for j in i + 1..wards.len() {
            let overlap = wards[i].3.intersection(&wards[j].3).unsigned_area();
            assert!(
                overlap < sum * 1e-9,
                "{} overlaps {}",
                wards[i].1,
                wards[j].1
            );
        }
    }
    let polys: Vec<Polygon<f64>> = wards.iter().map(|w| w.3.clone()).collect();
    let union: MultiPolygon<f64> = geo::unary_union(&polys);
    assert_eq!(union.0.len(), 1, "borough is one piece");
    assert!(
        union.0[0].interiors().is_empty(),
        "no gaps inside the borough"
    );
    assert!((union.unsigned_area() - sum).abs() < sum * 1e-9);
    // Borough is about 8 km × 8 km.
    let (x, y) = wgs84_to_bng(union.0[0].exterior().0[0].x, union.0[0].exterior().0[0].y).unwrap();
    assert!((460_000.0..480_000.0).contains(&x) && (250_000.0..270_000.0).contains(&y));
}

#[test]
fn hotspots_stand_out_and_the_estate_grows() {
    let wards = published_wards();
    let rows = street_rows();
    let mut per_ward = vec![0usize; wards.len()];
    let mut outside = 0;
    let first = Month::new(2024, 1).unwrap().index();
    let kingsmead = wards.iter().position(|w| w.1 == "Kingsmead").unwrap();
    let (mut year1, mut year2) = (0, 0);
    for (month, r) in &rows {
        if r[4].is_empty() {
            continue;
        }
        match ward_of(&wards, r[4].parse().unwrap(), r[5].parse().unwrap()) {
            Some(w) => {
                per_ward[w] += 1;
                // The LSOA code says which ward it is in: six per ward.
                let lsoa: usize = r[7][6..].parse().unwrap();
                assert_eq!((lsoa - 1) / 6, w, "{:?}", r);
                if w == kingsmead && &r[9] == "Burglary" {
                    if month.index() - first < 12 {
                        year1 += 1;
                    } else {
                        year2 += 1;
                    }
                }
            }
            None => {
                outside += 1;
                assert!(r[7].starts_with("E01998"), "{:?}", r);
            }
        }
    }
    assert!(
        outside > 5 && outside < rows.len() / 50,
        "{outside} outside"
    );
    let mut sorted = per_ward.clone();
    sorted.sort();
    let median = (sorted[7] + sorted[8]) as f64 / 2.0;
    let top = *sorted.last().unwrap() as f64;
    assert!(top > 4.0 * median, "top {top}, median {median}");
    assert_eq!(
        wards[per_ward.iter().position(|&c| c as f64 == top).unwrap()].1,
        "Castle"
    );
    assert!(
        year2 as f64 > 1.5 * year1 as f64,
        "estate burglary {year1} → {year2}"
    );
}

#[test]
fn violence_is_seasonal() {
    let mut by_month = [0usize; 12];
    for (month, r) in street_rows() {
        if &r[9] == "Violence and sexual offences" {
            by_month[month.month() as usize - 1] += 1;
        }
    }
    let summer = (by_month[5] + by_month[6] + by_month[7] + by_month[11]) as f64 / 4.0;
    let winter = (by_month[0] + by_month[1] + by_month[2]) as f64 / 3.0;
    assert!(summer > 1.05 * winter, "{by_month:?}");
}

#[test]
fn fly_tipping_is_partner_shaped() {
    let (header, rows) = records(file("partner/fly-tipping.csv"));
    assert_eq!(
        header,
        vec!["Reference", "Reported", "Easting", "Northing", "Type"]
    );
    assert!((24 * 45..24 * 75).contains(&rows.len()), "{}", rows.len());
    let mut refs = std::collections::HashSet::new();
    let mut last = None;
    for r in &rows {
        assert!(
            refs.insert(r[0].to_string()),
            "duplicate reference {}",
            &r[0]
        );
        let when = chrono::NaiveDateTime::parse_from_str(&r[1], "%d/%m/%Y %H:%M").unwrap();
        assert!(last.is_none_or(|l| l <= when), "not in time order");
        last = Some(when);
        let m = Month::of(when.date());
        assert!((Month::new(2024, 1).unwrap()..=Month::new(2025, 12).unwrap()).contains(&m));
        let (x, y): (i64, i64) = (r[2].parse().unwrap(), r[3].parse().unwrap());
        assert!((464_000..476_000).contains(&x) && (254_000..266_000).contains(&y));
        assert!([
            "Household waste",
            "Black bags",
            "White goods",
            "Construction waste"
        ]
        .contains(&&r[4]));
    }
}

#[test]
fn write_to_creates_the_folders() {
    let dir = std::env::temp_dir().join(format!("hotspot-sample-test-{}", std::process::id()));
    let opts = SampleOptions {
        months: vec!["2025-03".parse().unwrap()],
        incidents_per_month: 20,
        ..SampleOptions::default()
    };
    let paths = write_to(&dir, &opts).unwrap();
    assert_eq!(paths.len(), generate(&opts).len());
    assert!(dir.join("policeuk/2025-03-sample-street.csv").is_file());
    assert!(dir.join("partner/fly-tipping.csv").is_file());
    std::fs::remove_dir_all(&dir).unwrap();
}
