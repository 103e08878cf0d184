//! The real thing: all 16 published Northamptonshire months, the 57 current
//! wards and their population, imported with the CLI and served over HTTP,
//! checked against an independent count of the raw files.
//!
//! Needs `../shared/data` (see its SOURCES.md): ignored when it is absent,
//! and failing under CI (`hotspot_testenv`).

mod support;

use std::collections::{BTreeMap, HashSet};
use std::io::Read;

use support::{hotspot, pdf_text, Server};

/// Counts straight from the gzipped CSVs, without the project's parser:
/// police.uk publishes one crime on several rows when it has several
/// outcomes or locations, so a repeated Crime ID within a file counts once.
#[derive(Default, Debug)]
struct Independent {
    rows: u64,
    by_type: BTreeMap<String, u64>,
    in_county_located: u64,
    out_of_county_located: u64,
    unlocated: u64,
}

fn independent_count(dir: &std::path::Path) -> Independent {
    let mut c = Independent::default();
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
        let mut seen = HashSet::new();
        // A plain CSV reader (some LSOA names are quoted and hold commas).
        for record in csv::Reader::from_reader(text.as_bytes()).records() {
            let record = record.unwrap();
            let f: Vec<&str> = record.iter().collect();
            assert_eq!(f.len(), 12, "{}: {record:?}", p.display());
            c.rows += 1;
            if !f[0].is_empty() && !seen.insert(f[0].to_string()) {
                continue;
            }
            *c.by_type.entry(f[9].to_string()).or_insert(0) += 1;
            if f[4].is_empty() {
                c.unlocated += 1;
            } else if f[8].starts_with("West Northamptonshire")
                || f[8].starts_with("North Northamptonshire")
            {
                c.in_county_located += 1;
            } else {
                c.out_of_county_located += 1;
            }
        }
    }
    c
}

#[test]
#[cfg_attr(
    not(has_shared_data),
    ignore = "needs ../shared/data or HOTSPOT_SHARED_DATA (CONTRIBUTING.md)"
)]
fn real_northamptonshire_months_wards_and_hotspots() {
    let shared = hotspot_testenv::shared_data();
    let months = shared.join("policeuk/northamptonshire");
    let expected = independent_count(&months);
    assert_eq!(expected.rows, 98_184, "SOURCES.md total");

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("northants.db");
    hotspot(
        &db,
        &[
            "import",
            "boundaries",
            shared
                .join("boundaries/northants_wards2022.geojson")
                .to_str()
                .unwrap(),
        ],
    );
    hotspot(
        &db,
        &[
            "import",
            "population",
            shared
                .join("population/northants_wards2022_population_census2011_derived.csv")
                .to_str()
                .unwrap(),
            "--population-column",
            "persons_areal",
        ],
    );
    let out = hotspot(&db, &["import", "police-uk", months.to_str().unwrap()]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(report.matches("added").count(), 16, "{report}");

    // The evaluation command on the split.
    let out = hotspot(
        &db,
        &[
            "evaluate",
            "--train",
            "2025-01..2025-06",
            "--test",
            "2025-07..2025-12",
        ],
    );
    let table = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "KDE 400 m",
        "Grid counts",
        "Ward counts",
        "Gi*",
        "recommended:",
    ] {
        assert!(table.contains(needle), "{needle} missing from:\n{table}");
    }

    let server = Server::start(&db, &["--no-sample", "--anonymous-role", "analyst"]);

    // Totals per crime type equal the independent count.
    let (_, cats) = server.get_json("/api/categories");
    let served: BTreeMap<String, u64> = cats["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["category"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(served, expected.by_type);
    assert_eq!(served.len(), 14);

    // Every in-county located crime lands in exactly one ward; no other does.
    let (status, wards) = server.get_json("/api/wards?period=2025-07..2025-12&compare=previous");
    assert_eq!(status, 200);
    let (_, all) = server.get_json("/api/wards");
    let features = all["features"].as_array().unwrap();
    assert_eq!(features.len(), 57);
    let in_wards: u64 = features
        .iter()
        .map(|f| f["properties"]["count"].as_u64().unwrap())
        .sum();
    assert_eq!(in_wards, expected.in_county_located);
    assert_eq!(
        all["outside_areas"].as_u64().unwrap(),
        expected.out_of_county_located
    );
    assert_eq!(all["unlocated"].as_u64().unwrap(), expected.unlocated);

    // Castle (Northampton town centre) is the busiest ward (SOURCES.md), with a rate.
    let castle = features
        .iter()
        .find(|f| f["properties"]["rank"] == 1)
        .unwrap();
    assert_eq!(castle["properties"]["name"], "Castle");
    assert!(castle["properties"]["rate_per_1000"].as_f64().unwrap() > 100.0);
    // Half-year comparison: a ward's share is of the incidents inside the
    // wards, not of `total` (which also counts those outside every ward), so
    // the shares sum to 1 although the real data has outside incidents.
    assert!(
        wards["outside_areas"].as_u64().unwrap() > 0,
        "{}",
        wards["outside_areas"]
    );
    let half_props: Vec<&serde_json::Value> = wards["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["properties"])
        .collect();
    let in_wards_half: u64 = half_props
        .iter()
        .map(|p| p["count"].as_u64().unwrap())
        .sum();
    let mut share_sum = 0.0;
    for p in &half_props {
        let share = p["share"].as_f64().unwrap();
        let expected = p["count"].as_u64().unwrap() as f64 / in_wards_half as f64;
        assert!(
            (share - expected).abs() < 1e-12,
            "{p}: share {share}, want {expected}"
        );
        share_sum += share;
    }
    assert!((share_sum - 1.0).abs() < 1e-9, "shares sum to {share_sum}");
    for f in wards["features"].as_array().unwrap() {
        let p = f["properties"]["p_value"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p));
    }

    // Castle's briefing on the real data: the PDF's text carries the same
    // count as /api/wards for the same period, and the attribution.
    let half_year = wards["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["code"] == castle["properties"]["code"])
        .unwrap();
    let count = half_year["properties"]["count"].as_u64().unwrap();
    assert!(count > 1000, "{count}");
    let code = castle["properties"]["code"].as_str().unwrap();
    let res = Server::client()
        .get(format!(
            "{}/api/wards/{code}/briefing?format=pdf&period=2025-07..2025-12&compare=previous",
            server.base
        ))
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    let text = pdf_text(&res.bytes().unwrap());
    let with_commas = format!("{},{:03}", count / 1000, count % 1000);
    assert!(text.contains("Castle") && text.contains(code), "{text}");
    assert!(text.contains(&format!("Incidents {with_commas}")), "{text}");
    assert!(text.contains("Open Government Licence v3.0"), "{text}");

    // police.uk downloads have gaps: a year-on-year comparison into 2024
    // (only Jan-Apr present) must say so.
    let (_, yoy) = server.get_json("/api/wards?period=2025-01..2025-12&compare=year");
    let warning = yoy["warnings"][0].as_str().unwrap();
    assert!(
        warning.contains("8 of its 12 months") && warning.contains("2024-05"),
        "{warning}"
    );

    // Street-level hotspots of serious acquisitive crime in 2025, 400 m bandwidth.
    let (status, hot) = server.get_json("/api/hotspots?group=serious-acquisitive&period=2025-01..2025-12&bandwidth=400&cell=100&top=5,1");
    assert_eq!(status, 200, "{hot}");
    let bands = hot["features"].as_array().unwrap();
    assert_eq!(bands.len(), 2);
    for b in bands {
        for poly in b["geometry"]["coordinates"].as_array().unwrap() {
            for ring in poly.as_array().unwrap() {
                for pt in ring.as_array().unwrap() {
                    let (lon, lat) = (pt[0].as_f64().unwrap(), pt[1].as_f64().unwrap());
                    assert!(
                        (-1.5..-0.2).contains(&lon) && (51.9..52.8).contains(&lat),
                        "{lon},{lat}"
                    );
                }
            }
        }
    }
    let top5 = bands[0]["properties"]["incidents"].as_u64().unwrap();
    let top1 = bands[1]["properties"]["incidents"].as_u64().unwrap();
    assert!(top5 > top1 && top1 > 0);
    // 5% of the area holding far more than 5% of the crime is what a hotspot is.
    assert!(
        bands[0]["properties"]["share"].as_f64().unwrap() > 0.2,
        "{}",
        bands[0]["properties"]
    );

    // Hotspot-map accuracy: first half of 2025 -> second half.
    let (status, eval) =
        server.get_json("/api/evaluate?train=2025-01..2025-06&test=2025-07..2025-12&cell=500");
    assert_eq!(status, 200, "{eval}");
    let methods = eval["methods"].as_array().unwrap();
    for name in ["KDE 400 m", "Grid counts 500 m", "Ward counts", "Gi* 500 m"] {
        let m = methods
            .iter()
            .find(|m| m["name"] == name)
            .unwrap_or_else(|| panic!("{name} missing"));
        let pai5 = m["accuracy"]["at"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["coverage"] == 0.05)
            .unwrap()["pai"]
            .as_f64()
            .unwrap();
        assert!(pai5 > 2.0, "{name}: PAI at 5% = {pai5}");
    }

    // Days of action: 5 sites for serious acquisitive crime cover more than
    // the 5 busiest wards' centroids.
    let plan: serde_json::Value = Server::client()
        .post(format!("{}/api/plan", server.base))
        .json(&serde_json::json!({"groups": ["serious-acquisitive"], "period": "2025-01..2025-12", "sites": 5, "radius": 400}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let gain = plan["baseline"]["gain"].as_f64().unwrap();
    assert!(
        gain > 0.0,
        "planner gain over naive ward centroids: {}",
        plan["baseline"]
    );

    gaps_are_not_zeros(&server);
    edges_and_outliers(&server);
    search_by_name(&server);
    hotspots_fit_the_scale(&server, &db);

    let tif = Server::client()
        .get(format!(
            "{}/api/density?format=geotiff&bandwidth=400&cell=200",
            server.base
        ))
        .send()
        .unwrap();
    assert_eq!(tif.status().as_u16(), 200);
    assert!(tif.bytes().unwrap().len() > 100_000);
}

/// The default kernel follows the extent: town-centre hotspots over the
/// county (the old rule's 2,500 m kernel made the top 10% of violence one
/// 362 km² area in 16 pieces holding 90% of it), street-sized ones in a
/// street view, and the CLI applies the same rule as the API.
fn hotspots_fit_the_scale(server: &Server, db: &std::path::Path) {
    let violence = "/api/hotspots?type=Violence%20and%20sexual%20offences&top=10,1";
    let (status, county) = server.get_json(violence);
    assert_eq!(status, 200, "{county}");
    assert_eq!(
        (county["cell_m"].as_f64(), county["bandwidth_m"].as_f64()),
        (Some(200.0), Some(600.0))
    );
    let band = |v: &serde_json::Value, i: usize| {
        let f = &v["features"][i];
        let pieces = f["geometry"]["coordinates"].as_array().map_or(0, Vec::len);
        (
            pieces,
            f["properties"]["area_km2"].as_f64().unwrap(),
            f["properties"]["incidents"].as_u64().unwrap(),
        )
    };
    let (pieces, km2, _) = band(&county, 0);
    assert!(
        pieces >= 30 && km2 < 150.0,
        "top 10%: {pieces} areas, {km2:.0} km²"
    );
    let (pieces, km2, n) = band(&county, 1);
    assert!(
        pieces >= 8 && km2 < 20.0 && n > 1_000,
        "top 1%: {pieces} areas, {km2:.1} km², {n}"
    );
    // Each area is listed, busiest first, named by its streets: the first
    // is Northampton's town centre.
    let places = county["features"][1]["properties"]["places"]
        .as_array()
        .unwrap();
    assert!(places.len() >= 8, "{places:?}");
    let counts: Vec<u64> = places
        .iter()
        .map(|p| p["incidents"].as_u64().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]) && counts.iter().sum::<u64>() <= n);
    assert!(places
        .iter()
        .all(|p| p["name"].as_str().is_some_and(|s| s.contains(" area"))));
    let (lon, lat) = (
        places[0]["lon"].as_f64().unwrap(),
        places[0]["lat"].as_f64().unwrap(),
    );
    assert!(
        (-0.91..-0.88).contains(&lon) && (52.23..52.245).contains(&lat),
        "{}",
        places[0]
    );

    // A map zoomed out past the county asks for a mostly empty box: it is
    // cut to the county, so the kernel stays the county's.
    let (_, wide) = server.get_json(&format!("{violence}&bbox=-2.5,51.5,0.5,53.5"));
    assert_eq!(
        (wide["cell_m"].as_f64(), wide["bandwidth_m"].as_f64()),
        (Some(200.0), Some(600.0))
    );

    // Northampton town centre, about 2 km across.
    let bbox = "-0.91,52.23,-0.88,52.245";
    let (status, street) = server.get_json(&format!("{violence}&bbox={bbox}"));
    assert_eq!(status, 200, "{street}");
    let (cell, bandwidth) = (
        street["cell_m"].as_f64().unwrap(),
        street["bandwidth_m"].as_f64().unwrap(),
    );
    assert!(
        cell <= 25.0 && (100.0..=300.0).contains(&bandwidth),
        "{cell} m cells, {bandwidth} m"
    );
    assert!(
        band(&street, 1).2 > 0,
        "{}",
        street["features"][1]["properties"]
    );

    let out = hotspot(
        db,
        &[
            "hotspots",
            "--type",
            "Violence and sexual offences",
            "--bbox",
            bbox,
        ],
    );
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (cli["cell_m"].as_f64(), cli["bandwidth_m"].as_f64()),
        (Some(cell), Some(bandwidth))
    );
}

/// The search box on real names: a ward, police.uk streets, a slip.
fn search_by_name(server: &Server) {
    let names = |q: &str| -> Vec<String> {
        let (status, v) = server.get_json(&format!("/api/search?q={q}&limit=10"));
        assert_eq!(status, 200, "{q}");
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    let abington = names("abington");
    assert_eq!(abington[0], "Abington and Phippsville");
    assert!(
        abington.iter().any(|n| n == "On or near Abington Avenue"),
        "{abington:?}"
    );
    let slip = names("abingdon%20st");
    assert_eq!(slip[0], "On or near Abington Street", "{slip:?}");
}

/// The real months have a gap (2024-05..12): rates, comparisons and
/// emerging hot spots must treat it as unknown, not as eight quiet months.
fn gaps_are_not_zeros(server: &Server) {
    // Annual rates over the 486 days of the 16 loaded months, not 731.
    let (_, all) = server.get_json("/api/wards");
    assert_eq!(all["current_days"], 486.0, "{}", all["current_days"]);
    assert_eq!(all["current_gap_months"].as_array().unwrap().len(), 8);
    let castle = all["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["name"] == "Castle")
        .unwrap();
    let p = &castle["properties"];
    let expected =
        p["count"].as_f64().unwrap() / p["population"].as_f64().unwrap() * 1000.0 * 365.25 / 486.0;
    let annual = p["annual_rate_per_1000"].as_f64().unwrap();
    assert!((annual - expected).abs() < 1e-6, "{annual} vs {expected}");

    // A comparison wholly inside the gap is not tested.
    let (_, w) = server.get_json("/api/wards?period=2025-05..2025-12&compare=year");
    assert_eq!(w["no_comparison_data"], true);
    assert!(w["features"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["properties"]["p_value"].is_null()));

    // Emerging hot spots step over the gap: 16 monthly steps, and cells hot
    // in every one of them are persistent (or intensifying/diminishing).
    let (status, em) = server.get_json("/api/emerging");
    assert_eq!(status, 200, "{em}");
    assert_eq!(em["periods"].as_array().unwrap().len(), 16);
    assert_eq!(em["gap_months"].as_array().unwrap().len(), 8);
    let features = em["features"].as_array().unwrap();
    let class_count = |c: &str| {
        features
            .iter()
            .filter(|f| f["properties"]["class"] == c)
            .count()
    };
    assert!(
        class_count("persistent") > 10,
        "persistent {}",
        class_count("persistent")
    );
    assert!(class_count("intensifying") + class_count("diminishing") > 0);
    assert!(features
        .iter()
        .filter(|f| f["properties"]["hot_periods"] == 16)
        .all(|f| ["persistent", "intensifying", "diminishing"]
            .contains(&f["properties"]["class"].as_str().unwrap())));
}

/// Crimes recorded hundreds of km away must not stretch any grid, and cells
/// on the county edge must keep their incidents.
fn edges_and_outliers(server: &Server) {
    let (status, th) = server.get_json("/api/target-hardening?limit=10");
    assert_eq!(status, 200, "{th}");
    let items = th["items"].as_array().unwrap();
    assert_eq!(items.len(), 10, "{th}");
    for i in items {
        let (lon, lat) = (i["lon"].as_f64().unwrap(), i["lat"].as_f64().unwrap());
        assert!(
            (-1.4..-0.3).contains(&lon) && (51.9..52.7).contains(&lat),
            "{i}"
        );
    }

    // Gi*: the analysed cells, those outside the study area and the
    // unlocated add up to every selected incident.
    let (_, gi) = server.get_json("/api/gistar");
    let in_cells: f64 = gi["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["count"].as_f64().unwrap())
        .sum();
    let (outside, unlocated) = (
        gi["outside_study_area"].as_u64().unwrap(),
        gi["unlocated"].as_u64().unwrap(),
    );
    let (_, health) = server.get_json("/api/health");
    let total = health["data"]["incidents"].as_u64().unwrap();
    assert_eq!(in_cells as u64 + outside + unlocated, total, "{health}");
    // Only crimes outside the wards can be outside the cells, and some
    // outside the wards sit in edge cells.
    let (_, wards) = server.get_json("/api/wards");
    assert!(outside > 0 && outside < wards["outside_areas"].as_u64().unwrap());
}
