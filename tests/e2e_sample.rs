//! A new user's first run: `hotspot serve` on an empty database loads the
//! built-in sample and serves meaningful wards, hotspots and incidents.

mod support;

use support::{hotspot, hotspot_unchecked, Server};

#[test]
fn serve_on_a_fresh_database_shows_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fresh.db");
    // No map client build here: `/` serves the start page.
    let no_client = dir.path().join("no-client");
    // The sample is fictional, so the demo may open it to anonymous callers
    // on loopback.
    let server = Server::start(
        &db,
        &[
            "--static-dir",
            no_client.to_str().unwrap(),
            "--anonymous-role",
            "analyst",
        ],
    );

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

    // Statistical and space-time analyses.
    let gi = dir.path().join("gi.geojson");
    hotspot(
        &db,
        &[
            "gistar",
            "--group",
            "violence-sexual",
            "--cell",
            "200",
            "--out",
            gi.to_str().unwrap(),
        ],
    );
    let fc: serde_json::Value = serde_json::from_slice(&std::fs::read(&gi).unwrap()).unwrap();
    assert!(fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["properties"]["class"] == "hot99"));
    let out = hotspot_unchecked(&db, &["near-repeat", "--type", "Burglary"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("known only by their month"));
    let out = hotspot(&db, &["temporal", "--group", "asb"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("2025-12"));
    let out = hotspot(
        &db,
        &[
            "emerging",
            "--group",
            "serious-acquisitive",
            "--cell",
            "400",
        ],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("24 time steps"));

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

#[test]
fn accounts_from_the_cli_and_access_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("access.db");
    // The first admin comes from the command line; the password from the
    // environment or standard input, never an argument.
    let out = std::process::Command::new(support::binary())
        .args([
            "--db",
            &format!("sqlite:{}", db.display()),
            "users",
            "add",
            "chief",
            "--role",
            "admin",
        ])
        .env("HOTSPOT_PASSWORD", "a long admin password")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = hotspot(&db, &["users", "token", "chief", "--label", "e2e"]);
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(token.starts_with("hs_"));

    // Refused: a wide anonymous role on a non-loopback address.
    let out = hotspot_unchecked(
        &db,
        &[
            "serve",
            "--addr",
            "0.0.0.0:0",
            "--anonymous-role",
            "analyst",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("only allowed on a loopback address"));

    let server = Server::start(&db, &[]);
    let client = Server::client();
    let url = |p: &str| format!("{}{p}", server.base);
    assert_eq!(
        client
            .get(url("/api/incidents"))
            .send()
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    let res = client
        .get(url("/api/incidents?limit=1"))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let res = client
        .get(url("/api/me"))
        .bearer_auth(&token)
        .send()
        .unwrap();
    let me: serde_json::Value = res.json().unwrap();
    assert_eq!(
        (me["username"].as_str(), me["role"].as_str()),
        (Some("chief"), Some("admin"))
    );
    let (_, anon) = server.get_json("/api/me");
    assert_eq!(anon["role"], "public");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let out = hotspot(&db, &["audit", "--limit", "20"]);
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(
        log.contains("chief") && log.contains("/api/incidents"),
        "{log}"
    );
}
