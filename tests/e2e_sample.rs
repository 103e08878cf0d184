//! A new user's first run: `hotspot serve` on an empty database loads the
//! built-in sample and serves meaningful wards, hotspots and incidents.

mod support;

use support::{hotspot, hotspot_unchecked, Server};

#[test]
fn serve_on_a_fresh_database_shows_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fresh.db");
    let server = Server::start(&db, &[]);

    let (status, health) = server.get_json("/api/health");
    assert_eq!(status, 200);
    assert_eq!(health["data"]["areas"], 16);
    assert!(health["data"]["incidents"].as_u64().unwrap() > 5000);

    let (status, wards) = server.get_json("/api/wards?period=2025-01..2025-12&compare=year");
    assert_eq!(status, 200);
    let top = wards["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["rank"] == 1)
        .unwrap();
    assert_eq!(
        top["properties"]["name"], "Castle",
        "the night-time economy ward leads"
    );

    let (status, hot) = server.get_json("/api/hotspots?group=violence-sexual&top=5");
    assert_eq!(status, 200);
    assert_eq!(hot["features"].as_array().unwrap().len(), 1);

    let page = Server::client()
        .get(format!("{}/api/incidents?limit=5", server.base))
        .send()
        .unwrap();
    assert_eq!(page.headers()["content-type"], "application/geo+json");

    let index = Server::client()
        .get(format!("{}/", server.base))
        .send()
        .unwrap();
    assert!(index.text().unwrap().contains("Open Government Licence"));
}

#[test]
fn the_cli_imports_reports_and_analyses() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let out = hotspot(&db, &["import", "boundaries", "data/wards.geojson"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("added"));
    hotspot(&db, &["import", "population", "data/population.csv"]);
    let out = hotspot(&db, &["import", "police-uk", "data/policeuk"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("rejected"), "{text}");

    // Importing the same months again changes nothing.
    let again = hotspot(&db, &["import", "police-uk", "data/policeuk"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing changed"));

    // Repeated Crime IDs were quarantined and can be exported.
    let csv_path = dir.path().join("rejected.csv");
    hotspot(&db, &["rejected", "--csv", csv_path.to_str().unwrap()]);
    let rejected = std::fs::read_to_string(&csv_path).unwrap();
    assert!(rejected.starts_with("import_id,file,line,field,reason,raw"));
    assert!(rejected.contains("Crime ID"));

    // --strict lets repeated Crime IDs (counted once) through...
    let strict_db = dir.path().join("strict.db");
    hotspot(
        &strict_db,
        &["import", "police-uk", "--strict", "data/policeuk"],
    );

    // ...but refuses a batch with invalid rows and writes nothing.
    let bad = dir.path().join("2026-01-bad-street.csv");
    std::fs::write(
        &bad,
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n\
         x1,2026-01,S,S,-0.99,52.26,On or near Park,,,Burglary,,\n\
         x2,2026-13,S,S,-0.99,52.26,On or near Park,,,Burglary,,\n",
    )
    .unwrap();
    let out = hotspot_unchecked(
        &db,
        &["import", "police-uk", "--strict", bad.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("2026-01-bad-street.csv line 3 field Month"),
        "{err}"
    );

    let out = hotspot(
        &db,
        &[
            "wards",
            "--period",
            "2025-07..2025-12",
            "--compare",
            "previous",
            "--format",
            "csv",
        ],
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert_eq!(table.lines().count(), 17, "{table}");
    assert!(table.lines().nth(1).unwrap().starts_with("1,"));

    let tif = dir.path().join("density.tif");
    hotspot(
        &db,
        &[
            "density",
            "--bandwidth",
            "400",
            "--cell",
            "50",
            "--out",
            tif.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&tif).unwrap();
    assert!(bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*"));

    let geojson = dir.path().join("hot.geojson");
    hotspot(
        &db,
        &[
            "hotspots",
            "--top",
            "5,1",
            "--out",
            geojson.to_str().unwrap(),
        ],
    );
    let fc: serde_json::Value = serde_json::from_slice(&std::fs::read(&geojson).unwrap()).unwrap();
    assert_eq!(fc["features"].as_array().unwrap().len(), 2);
}
