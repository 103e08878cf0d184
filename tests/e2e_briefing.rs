//! Ward briefings from the real binary on the sample data: every format
//! downloaded over HTTP and opened as its reader would (PDF text extracted
//! with lopdf, PNG decoded, CSV parsed, GeoPackage opened with SQLite), the
//! public/full split by role, and the CLI writing the same files.

mod support;

use std::path::Path;

use sqlx::{Connection, Row};
use support::{hotspot, pdf_text, Server};

const WARD: &str = "E05999006";
const NAME: &str = "Castle";
const OGL: &str =
    "Contains public sector information licensed under the Open Government Licence v3.0";
const OS: &str = "contains OS data © Crown copyright and database right";

fn prepared_db(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("briefing.db");
    hotspot(&db, &["import", "boundaries", "data/wards.geojson"]);
    hotspot(&db, &["import", "population", "data/population.csv"]);
    hotspot(&db, &["import", "police-uk", "data/policeuk"]);
    // A planned operation in Castle ward (planned whatever today's date).
    hotspot(
        &db,
        &[
            "interventions",
            "add",
            "--name",
            "Operation Lantern",
            "--kind",
            "patrols",
            "--start",
            "2099-01-01",
            "--site=-0.9931,52.2426",
            "--radius",
            "300",
            "--group",
            "violence-sexual",
        ],
    );
    for (user, role) in [("pat", "partner"), ("ana", "analyst")] {
        let out = std::process::Command::new(support::binary())
            .arg("--db")
            .arg(format!("sqlite:{}", db.display()))
            .args(["users", "add", user, "--role", role])
            .env("HOTSPOT_PASSWORD", "a long enough passphrase")
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }
    db
}

fn token(db: &Path, user: &str) -> String {
    let out = hotspot(db, &["users", "token", user, "--label", "e2e"]);
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .find(|w| w.starts_with("hs_"))
        .expect("a token")
        .to_string()
}

struct Download {
    status: u16,
    content_type: String,
    disposition: String,
    body: Vec<u8>,
}

fn download(server: &Server, query: &str, token: Option<&str>) -> Download {
    let mut req =
        Server::client().get(format!("{}/api/wards/{WARD}/briefing?{query}", server.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().unwrap();
    let header = |n: &str| {
        res.headers()
            .get(n)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    Download {
        status: res.status().as_u16(),
        content_type: header("content-type"),
        disposition: header("content-disposition"),
        body: res.bytes().unwrap().to_vec(),
    }
}

/// The ward's busiest street for `query`, as a partner's ward profile gives it.
fn busiest_street(server: &Server, token: &str, query: &str) -> String {
    let profile: serde_json::Value = Server::client()
        .get(format!("{}/api/wards/{WARD}?{query}", server.base))
        .bearer_auth(token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    profile["top_streets"][0]["street"]
        .as_str()
        .expect("the ward has labelled incidents")
        .to_string()
}

/// Every count in the CSV's `group_counts` (count, comparison_count) and
/// `monthly_trend` (count) tables; `None` for a withheld one.
fn csv_counts(csv: &str) -> Vec<Option<u64>> {
    let mut out = Vec::new();
    for (table, columns) in [("group_counts", &[3, 5][..]), ("monthly_trend", &[2][..])] {
        let body = csv
            .split(&format!("# table: {table}\n"))
            .nth(1)
            .unwrap()
            .split("\n\n")
            .next()
            .unwrap();
        let mut r = csv::Reader::from_reader(body.as_bytes());
        for rec in r.records() {
            let rec = rec.unwrap();
            for &c in columns {
                out.push(rec[c].parse::<u64>().ok());
            }
        }
    }
    out
}

fn gpkg_check(bytes: &[u8], dir: &Path, name: &str) -> Vec<String> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite:{}", path.display()))
            .await
            .expect("SQLite opens the GeoPackage");
        let app_id: i64 = sqlx::query("PRAGMA application_id")
            .fetch_one(&mut conn)
            .await
            .unwrap()
            .get(0);
        assert_eq!(app_id, 0x4750_4B47, "application_id 'GPKG'");
        let version: i64 = sqlx::query("PRAGMA user_version")
            .fetch_one(&mut conn)
            .await
            .unwrap()
            .get(0);
        assert_eq!(version, 10300);
        let tables: Vec<String> =
            sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .fetch_all(&mut conn)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
        for t in [
            "gpkg_spatial_ref_sys",
            "gpkg_contents",
            "gpkg_geometry_columns",
            "wards",
            "hotspots",
            "interventions",
            "group_counts",
            "monthly_trend",
            "attribution",
        ] {
            assert!(tables.iter().any(|n| n == t), "{t} missing from {tables:?}");
        }
        let srs: i64 = sqlx::query(
            "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id IN (-1, 0, 4326, 27700)",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap()
        .get(0);
        assert_eq!(srs, 4);
        let features: Vec<(String, String, i64)> = sqlx::query(
            "SELECT c.table_name, g.geometry_type_name, g.srs_id FROM gpkg_contents c \
             JOIN gpkg_geometry_columns g USING (table_name) WHERE c.data_type = 'features'",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
        assert!(features.iter().all(|f| f.2 == 27700), "{features:?}");
        for (table, _, _) in &features {
            let blobs: Vec<Vec<u8>> = sqlx::query(&format!("SELECT geom FROM {table}"))
                .fetch_all(&mut conn)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            for b in blobs {
                assert_eq!(&b[..2], b"GP", "{table}");
                assert_eq!(i32::from_le_bytes(b[4..8].try_into().unwrap()), 27700);
            }
        }
        let ward: String = sqlx::query("SELECT name FROM wards WHERE role = 'ward'")
            .fetch_one(&mut conn)
            .await
            .unwrap()
            .get(0);
        assert_eq!(ward, NAME);
        let attribution: i64 = sqlx::query(
            "SELECT count(*) FROM attribution WHERE text LIKE '%Open Government Licence%'",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap()
        .get(0);
        assert!(attribution >= 1);
        let integrity: String = sqlx::query("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await
            .unwrap()
            .get(0);
        assert_eq!(integrity, "ok");
        tables
    })
}

#[test]
fn briefings_download_in_every_format_and_open_in_their_readers() {
    let dir = tempfile::tempdir().unwrap();
    let db = prepared_db(dir.path());
    let partner = token(&db, "pat");
    let analyst = token(&db, "ana");
    let server = Server::start(&db, &[]);
    let query = "period=2025-07..2025-12&compare=previous";
    let (status, ward) = server.get_json(&format!("/api/wards/{WARD}?{query}"));
    assert_eq!(status, 200);
    let count = ward["ward"]["count"].as_u64().unwrap();
    let stem = format!("briefing-{WARD}-2025-07..2025-12");

    // PDF: text extracts, with the ward, its count and the attribution.
    let pdf = download(&server, &format!("{query}&format=pdf"), Some(&partner));
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.content_type, "application/pdf");
    assert_eq!(
        pdf.disposition,
        format!("attachment; filename=\"{stem}.pdf\"")
    );
    let text = pdf_text(&pdf.body);
    for needle in [
        NAME,
        WARD,
        OGL,
        OS,
        "NOT FOR PUBLICATION",
        "Operation Lantern",
    ] {
        assert!(
            text.contains(needle),
            "{needle:?} not in the PDF text: {text}"
        );
    }
    assert!(
        text.contains(&format!("Incidents {count}")),
        "{count}: {text}"
    );
    // The map names the ward's busiest street (the ward profile's first).
    let busiest = busiest_street(&server, &partner, query);
    assert!(
        text.contains(&busiest),
        "{busiest:?} not on the map: {text}"
    );

    // PNG: decodes, A4 pages at 144 dpi.
    let png = download(&server, &format!("{query}&format=png"), Some(&partner));
    assert_eq!((png.status, png.content_type.as_str()), (200, "image/png"));
    let decoder = png::Decoder::new(std::io::Cursor::new(&png.body));
    let mut reader = decoder.read_info().expect("the PNG decodes");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).expect("its pixels decode");
    assert_eq!(info.width, 1190);
    assert!(info.height >= 2 * 1684, "{}", info.height);

    // CSV: parses, with the attribution and the ward's count.
    let csv = download(&server, &format!("{query}&format=csv"), Some(&partner));
    assert_eq!(csv.content_type, "text/csv; charset=utf-8");
    let csv = String::from_utf8(csv.body).unwrap();
    assert!(csv.contains(&format!("# Attribution: {OGL}")));
    assert!(csv.contains("# Licence: Open Government Licence v3.0"));
    assert_eq!(csv_counts(&csv)[0], Some(count));

    // GeoPackage: SQLite opens it; the required tables and GP blobs are there;
    // hotspots and the planned intervention for the partner, no points.
    let gpkg = download(&server, &format!("{query}&format=gpkg"), Some(&partner));
    assert_eq!(gpkg.content_type, "application/geopackage+sqlite3");
    assert_eq!(
        gpkg.disposition,
        format!("attachment; filename=\"{stem}.gpkg\"")
    );
    let tables = gpkg_check(&gpkg.body, dir.path(), "partner.gpkg");
    assert!(
        !tables.iter().any(|t| t == "incidents"),
        "no points for partners"
    );
    let analyst_gpkg = download(&server, &format!("{query}&format=gpkg"), Some(&analyst));
    let tables = gpkg_check(&analyst_gpkg.body, dir.path(), "analyst.gpkg");
    assert!(
        tables.iter().any(|t| t == "incidents"),
        "points for analysts"
    );
}

#[test]
fn public_briefings_hide_small_counts_and_the_public_cannot_get_full_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = prepared_db(dir.path());
    let server = Server::start(&db, &[]);
    // One month: small counts for some groups.
    let query = "period=2025-12&compare=previous";

    let full = download(&server, &format!("{query}&format=csv&public=false"), None);
    assert_eq!(full.status, 401, "anonymous callers get no full briefing");

    let csv = download(&server, &format!("{query}&format=csv"), None);
    assert_eq!(csv.status, 200);
    assert!(
        csv.disposition.contains("-public.csv"),
        "{}",
        csv.disposition
    );
    let csv = String::from_utf8(csv.body).unwrap();
    assert!(csv.contains("# PUBLIC"));
    let counts = csv_counts(&csv);
    assert!(
        counts.iter().any(|c| c.is_none()),
        "something is withheld: {csv}"
    );
    for c in counts.into_iter().flatten() {
        assert!(c == 0 || c >= 3, "a count of {c} in a public briefing");
    }
    assert!(!csv.contains("Operation Lantern"));

    let pdf = download(&server, &format!("{query}&format=pdf"), None);
    let text = pdf_text(&pdf.body);
    assert!(text.contains("PUBLIC — small counts suppressed"), "{text}");
    // No street labels: where crime concentrates is for partners.
    let busiest = busiest_street(&server, &token(&db, "pat"), query);
    assert!(
        !text.contains(&busiest),
        "{busiest:?} on the public map: {text}"
    );
    assert!(text.contains(OGL));
    assert!(!text.contains("Operation Lantern"));

    let gpkg = download(&server, &format!("{query}&format=gpkg"), None);
    let tables = gpkg_check(&gpkg.body, dir.path(), "public.gpkg");
    assert!(!tables.iter().any(|t| t == "incidents"));
}

#[test]
fn the_cli_writes_the_same_briefings() {
    let dir = tempfile::tempdir().unwrap();
    let db = prepared_db(dir.path());
    for (format, magic) in [
        ("pdf", &b"%PDF-"[..]),
        ("png", &b"\x89PNG"[..]),
        ("csv", &b"# Hotspot ward briefing"[..]),
        ("gpkg", &b"SQLite format 3\0"[..]),
    ] {
        let out = dir.path().join(format!("castle.{format}"));
        let report = hotspot(
            &db,
            &[
                "briefing",
                "--ward",
                WARD,
                "--period",
                "2025-07..2025-12",
                "--compare",
                "previous",
                "--points",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(String::from_utf8_lossy(&report.stdout).contains("full briefing for Castle"));
        assert!(std::fs::read(&out).unwrap().starts_with(magic), "{format}");
    }
    let public = dir.path().join("castle-public.txt");
    hotspot(
        &db,
        &[
            "briefing",
            "--ward",
            WARD,
            "--period",
            "2025-12",
            "--public",
            "--format",
            "csv",
            "--out",
            public.to_str().unwrap(),
        ],
    );
    let csv = std::fs::read_to_string(&public).unwrap();
    assert!(csv.contains("# PUBLIC"));
    for c in csv_counts(&csv).into_iter().flatten() {
        assert!(c == 0 || c >= 3);
    }
    let bad =
        support::hotspot_unchecked(&db, &["briefing", "--ward", "E05000000", "--out", "x.docx"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--format"));
}
