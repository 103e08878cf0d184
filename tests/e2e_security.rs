//! Hostile requests against the real `hotspot serve`: oversized uploads,
//! path traversal against the static file server and the API, and SQL
//! injection in query parameters and JSON bodies. The service must answer
//! each with a clear 4xx, serve no file from outside its folder, keep every
//! table intact, and stay up.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Row};
use support::{hotspot, repo_root, Server};

/// A database with the sample's wards and two months, plus an admin account
/// named `admin` (what an injected `admin'--` would try to become).
fn prepared_db(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("security.db");
    let data = repo_root().join("data");
    hotspot(
        &db,
        &[
            "import",
            "boundaries",
            data.join("wards.geojson").to_str().unwrap(),
        ],
    );
    for month in ["2025-01", "2025-02"] {
        let p = data.join(format!("policeuk/{month}-sample-street.csv"));
        hotspot(&db, &["import", "police-uk", p.to_str().unwrap()]);
    }
    let out = std::process::Command::new(support::binary())
        .arg("--db")
        .arg(format!("sqlite:{}", db.display()))
        .args(["users", "add", "admin", "--role", "admin"])
        .env("HOTSPOT_PASSWORD", "a long admin passphrase")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    db
}

/// Sends one raw HTTP/1.1 request (so that `..` segments reach the server
/// unnormalised) and returns the status and the body.
fn raw_get(base: &str, target: &str) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut sock = TcpStream::connect(addr).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        sock,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = Vec::new();
    sock.read_to_end(&mut reply).unwrap();
    let reply = String::from_utf8_lossy(&reply).to_string();
    let status = reply
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {reply:?}"));
    let body = reply
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

fn table_counts(db: &Path) -> Vec<(String, i64)> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let mut conn = SqliteConnectOptions::from_str(&format!("sqlite:{}", db.display()))
                .unwrap()
                .read_only(true)
                .connect()
                .await
                .unwrap();
            let mut out = Vec::new();
            for table in [
                "imports",
                "source_files",
                "incidents",
                "rejected_rows",
                "areas",
                "users",
            ] {
                let n: i64 = sqlx::query(&format!("SELECT count(*) FROM {table}"))
                    .fetch_one(&mut conn)
                    .await
                    .unwrap()
                    .get(0);
                out.push((table.to_string(), n));
            }
            out
        })
}

#[test]
fn oversized_uploads_are_refused_with_413_and_the_service_stays_up() {
    let dir = tempfile::tempdir().unwrap();
    let db = prepared_db(dir.path());
    let server = Server::start(
        &db,
        &[
            "--anonymous-role",
            "admin",
            "--rate-limit",
            "0",
            "--max-upload-mib",
            "1",
            "--static-dir",
            dir.path().join("no-client").to_str().unwrap(),
        ],
    );
    let before = table_counts(&db);
    let header = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n";
    let mut big = header.as_bytes().to_vec();
    while big.len() < 3 * 1024 * 1024 {
        big.extend_from_slice(
            b"x,2025-03,a,b,-0.9,52.2,On or near Here,E01,Here 001A,Burglary,,\n",
        );
    }
    // As a plain body and as a multipart upload.
    let plain = Server::client()
        .post(format!(
            "{}/api/imports?kind=police.uk&name=2025-03-big-street.csv",
            server.base
        ))
        .body(big.clone())
        .send();
    let form = reqwest::blocking::multipart::Form::new().part(
        "file",
        reqwest::blocking::multipart::Part::bytes(big).file_name("2025-03-big-street.csv"),
    );
    let multipart = Server::client()
        .post(format!("{}/api/imports?kind=police.uk", server.base))
        .multipart(form)
        .send();
    for (what, res) in [("plain", plain), ("multipart", multipart)] {
        // The service may close the connection before reading all of the
        // body; when the reply arrives it must be a JSON 413.
        match res {
            Ok(res) => {
                let status = res.status().as_u16();
                let body: serde_json::Value = res.json().unwrap_or_default();
                assert_eq!(status, 413, "{what}: {body}");
                assert_eq!(body["error"]["status"], 413, "{what}: {body}");
            }
            Err(e) => eprintln!("{what}: connection closed before the reply: {e}"),
        }
    }
    // Still up, and nothing was imported.
    let (status, health) = server.get_json("/api/health");
    assert_eq!(status, 200, "{health}");
    assert_eq!(table_counts(&db), before);
    // Just under the limit is accepted.
    let small = Server::client()
        .post(format!(
            "{}/api/imports?kind=police.uk&name=2025-03-sample-street.csv",
            server.base
        ))
        .body(std::fs::read(repo_root().join("data/policeuk/2025-03-sample-street.csv")).unwrap())
        .send()
        .unwrap();
    assert_eq!(small.status().as_u16(), 201);
}

#[test]
fn path_traversal_never_serves_files_outside_the_client_folder() {
    let dir = tempfile::tempdir().unwrap();
    let db = prepared_db(dir.path());
    let site = dir.path().join("site");
    std::fs::create_dir(&site).unwrap();
    std::fs::write(site.join("index.html"), "<!doctype html><title>map</title>").unwrap();
    // A secret beside the served folder, which traversal would reach.
    std::fs::write(dir.path().join("secret.txt"), "TOP-SECRET-NEIGHBOUR").unwrap();
    let server = Server::start(
        &db,
        &["--rate-limit", "0", "--static-dir", site.to_str().unwrap()],
    );
    assert_eq!(raw_get(&server.base, "/").0, 200);
    let attempts = [
        "/../../etc/passwd",
        "/../secret.txt",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%2F..%2F..%2Fetc%2Fpasswd",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/..\\..\\etc\\passwd",
        "/%252e%252e/secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/static/../../secret.txt",
        "/api/../../etc/passwd",
        "/api/wards/..%2F..%2Fetc%2Fpasswd",
        "/api/wards/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/api/imports/..%2F1/rejected",
        "/api/wards?ward=..%2F..%2Fetc%2Fpasswd",
    ];
    for target in attempts {
        let (status, body) = raw_get(&server.base, target);
        assert!(
            (400..500).contains(&status),
            "{target}: {status} (want 4xx)\n{body}"
        );
        assert!(!body.contains("root:"), "{target} served /etc/passwd");
        assert!(!body.contains("TOP-SECRET"), "{target} served secret.txt");
    }
    let (status, _) = server.get_json("/api/health");
    assert_eq!(status, 200);
}

#[test]
fn sql_injection_attempts_find_nothing_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = prepared_db(dir.path());
    let server = Server::start(
        &db,
        &[
            "--anonymous-role",
            "analyst",
            "--rate-limit",
            "0",
            "--static-dir",
            dir.path().join("no-client").to_str().unwrap(),
        ],
    );
    let before = table_counts(&db);
    let client = Server::client();
    let get = |path: &str, query: &[(&str, &str)]| {
        let res = client
            .get(format!("{}{path}", server.base))
            .query(query)
            .send()
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json::<serde_json::Value>().unwrap_or_default())
    };
    let (_, all) = get("/api/incidents", &[("limit", "1")]);
    let total = all["numberMatched"].as_u64().unwrap();
    assert!(total > 0);

    // In selection parameters: refused as unknown (4xx) or matching nothing.
    for (param, value) in [
        ("type", "Burglary'; DROP TABLE incidents;--"),
        ("type", "Burglary' OR '1'='1"),
        ("group", "x' OR 1=1 --"),
        ("source", "police.uk' OR 1=1 --"),
        ("ward", "' OR 1=1 --"),
        ("period", "2025-01' OR 1=1 --"),
        ("bbox", "0,0,1,1); DROP TABLE areas;--"),
        ("limit", "1; DROP TABLE incidents"),
    ] {
        let (status, body) = get("/api/incidents", &[(param, value)]);
        match status {
            200 => assert_eq!(body["numberMatched"], 0, "{param}={value}: {body}"),
            400..=499 => assert!(body["error"]["message"].is_string(), "{param}={value}"),
            _ => panic!("{param}={value}: {status} {body}"),
        }
        let (status, body) = get("/api/wards", &[(param, value)]);
        assert!(
            status == 200 || (400..500).contains(&status),
            "{param}={value}: {status} {body}"
        );
    }
    let (status, _) = get("/api/wards/' OR 1=1 --", &[]);
    assert_eq!(status, 404);

    // In JSON: an injected user name signs nobody in.
    for username in ["admin'--", "admin' OR '1'='1", "' OR 1=1 --", "admin\"--"] {
        let res = client
            .post(format!("{}/api/login", server.base))
            .json(&serde_json::json!({ "username": username, "password": "x' OR '1'='1" }))
            .send()
            .unwrap();
        assert_eq!(res.status().as_u16(), 401, "{username}");
        assert!(res.headers().get("set-cookie").is_none(), "{username}");
    }
    let res = client
        .post(format!("{}/api/login", server.base))
        .json(&serde_json::json!({ "username": "admin", "password": "' OR '1'='1" }))
        .send()
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);

    // Every table is intact and the data unchanged.
    let (_, all_after) = get("/api/incidents", &[("limit", "1")]);
    assert_eq!(all_after["numberMatched"].as_u64().unwrap(), total);
    let after = table_counts(&db);
    assert_eq!(after, before);
}
