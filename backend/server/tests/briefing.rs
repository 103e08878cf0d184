//! Ward briefings through the real router: formats, headers, roles and
//! suppression. (The end-to-end test in tests/e2e_briefing.rs opens every
//! format from the real binary.)

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use hotspot_core::Role;
use hotspot_server::{app, AppState, ServerConfig};
use http_body_util::BodyExt;
use tower::ServiceExt;

mod common;

const WARD: &str = "E05999006";
const PERIOD: &str = "period=2025-07..2025-12&compare=previous";

async fn service(anonymous_role: Role) -> Router {
    app(state(anonymous_role).await)
}

async fn state(anonymous_role: Role) -> Arc<AppState> {
    state_with(ServerConfig {
        anonymous_role,
        ..Default::default()
    })
    .await
}

async fn state_with(config: ServerConfig) -> Arc<AppState> {
    let store = hotspot_store::open("sqlite::memory:").await.unwrap();
    let state = AppState::new(store, Default::default(), config)
        .await
        .unwrap();
    common::load_sample(&state, "policeuk/", true).await;
    state
}

async fn get(app: &Router, uri: &str) -> (StatusCode, Vec<(String, String)>, Vec<u8>) {
    let res = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The `count` column of the `group_counts` table.
fn group_counts(csv: &str) -> Vec<(String, String)> {
    let table = csv.split("# table: group_counts\n").nth(1).unwrap();
    let table = table.split("\n\n").next().unwrap();
    let mut r = csv::Reader::from_reader(table.as_bytes());
    r.records()
        .map(|r| {
            let r = r.unwrap();
            (r[1].to_string(), r[3].to_string())
        })
        .collect()
}

#[tokio::test]
async fn the_public_gets_public_briefings_only() {
    let app = service(Role::Public).await;
    let (status, headers, body) = get(
        &app,
        &format!("/api/wards/{WARD}/briefing?format=csv&period=2025-12&compare=previous"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), "text/csv; charset=utf-8");
    assert_eq!(
        header(&headers, "content-disposition"),
        format!("attachment; filename=\"briefing-{WARD}-2025-12-public.csv\"")
    );
    let csv = String::from_utf8(body).unwrap();
    assert!(csv.contains("# PUBLIC"));
    assert!(csv.contains("# Attribution: Contains public sector information"));
    let counts = group_counts(&csv);
    assert!(counts.len() > 5);
    let mut withheld = 0;
    for (group, count) in &counts {
        match count.parse::<u64>() {
            Ok(n) => assert!(n == 0 || n >= 3, "{group}: {n}"),
            Err(_) => {
                assert!(count.is_empty());
                withheld += 1;
            }
        }
    }
    assert!(
        withheld > 0,
        "one month in one ward has small counts: {counts:?}"
    );

    // A full briefing needs a partner: anonymous callers are told to sign in.
    let (status, _, body) = get(
        &app,
        &format!("/api/wards/{WARD}/briefing?format=csv&public=false"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(String::from_utf8_lossy(&body).contains("partner"));
}

#[tokio::test]
async fn partners_get_full_briefings_in_every_format() {
    let app = service(Role::Partner).await;
    let base = format!("/api/wards/{WARD}/briefing?{PERIOD}");
    for (format, media, magic) in [
        ("pdf", "application/pdf", &b"%PDF-"[..]),
        ("png", "image/png", &b"\x89PNG"[..]),
        ("csv", "text/csv; charset=utf-8", &b"# Hotspot"[..]),
        (
            "gpkg",
            "application/geopackage+sqlite3",
            &b"SQLite format 3\0"[..],
        ),
    ] {
        let (status, headers, body) = get(&app, &format!("{base}&format={format}")).await;
        assert_eq!(status, StatusCode::OK, "{format}");
        assert_eq!(header(&headers, "content-type"), media);
        assert_eq!(
            header(&headers, "content-disposition"),
            format!("attachment; filename=\"briefing-{WARD}-2025-07..2025-12.{format}\"")
        );
        assert_eq!(header(&headers, "cache-control"), "private, no-store");
        assert!(body.starts_with(magic), "{format}");
    }
    // The counts are the ward endpoint's.
    let (_, _, csv) = get(&app, &format!("{base}&format=csv")).await;
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("# NOT FOR PUBLICATION"));
    let (_, _, ward) = get(&app, &format!("/api/wards/{WARD}?{PERIOD}")).await;
    let ward: serde_json::Value = serde_json::from_slice(&ward).unwrap();
    let all = &group_counts(&csv)[0];
    assert_eq!(all.0, "all");
    assert_eq!(all.1, ward["ward"]["count"].to_string());
    // Partners see no points; analysts do.
    assert!(!gpkg_has_incidents(&app, &base).await);
    let analyst = service(Role::Analyst).await;
    assert!(gpkg_has_incidents(&analyst, &base).await);
    // A partner may still make a public version.
    let (_, _, csv) = get(&app, &format!("{base}&format=csv&public=true")).await;
    assert!(String::from_utf8(csv).unwrap().contains("# PUBLIC"));
}

async fn gpkg_has_incidents(app: &Router, base: &str) -> bool {
    let (_, _, bytes) = get(app, &format!("{base}&format=gpkg")).await;
    // SQLite keeps each table's CREATE statement in its schema table; the
    // end-to-end test opens the file with SQLite proper.
    bytes
        .windows(b"CREATE TABLE incidents".len())
        .any(|w| w == b"CREATE TABLE incidents")
}

#[tokio::test]
async fn bad_requests_are_named() {
    let app = service(Role::Partner).await;
    for (uri, status) in [
        (
            "/api/wards/E05999006/briefing?format=docx",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/wards/E05999006/briefing?public=maybe",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/wards/E05999006/briefing?ward=E05999001",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/wards/E05999006/briefing?group=nope",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/wards/E05000000/briefing", StatusCode::NOT_FOUND),
    ] {
        let (got, _, body) = get(&app, uri).await;
        assert_eq!(got, status, "{uri}: {}", String::from_utf8_lossy(&body));
    }
}

#[tokio::test]
async fn downloads_are_in_the_audit_log() {
    let state = state(Role::Partner).await;
    let app = app(Arc::clone(&state));
    let query = "format=pdf&period=2025-07..2025-12";
    let (status, _, _) = get(&app, &format!("/api/wards/{WARD}/briefing?{query}")).await;
    assert_eq!(status, StatusCode::OK);
    let path = format!("/api/wards/{WARD}/briefing");
    let mut found = false;
    for _ in 0..50 {
        found = state
            .store
            .audit_log(100, 0)
            .await
            .unwrap()
            .iter()
            .any(|e| e.path == path && e.query.as_deref() == Some(query) && e.status == 200);
        if found {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        found,
        "the briefing download is audited with its ward, period and format"
    );
}

/// A basemap archive with one highway straight across the middle of
/// `WARD`'s briefing map.
async fn highway_across_the_ward(path: &std::path::Path) {
    let plain = state(Role::Partner).await;
    let query = hotspot_engine::BriefingQuery::new(WARD, "2025-12-15".parse().unwrap());
    let b = plain.dataset().ward_briefing(&query, &[]).unwrap();
    let [x0, y0, x1, y1] = hotspot_briefing::map_extent(&b);
    let west = hotspot_core::bng_to_wgs84(x0 - 200.0, (y0 + y1) / 2.0).unwrap();
    let east = hotspot_core::bng_to_wgs84(x1 + 200.0, (y0 + y1) / 2.0).unwrap();
    use hotspot_basemap::fixture::{write_archive, FixtureFeature};
    write_archive(
        path,
        14,
        &[FixtureFeature::line("roads", "highway", &[west, east])],
    )
    .unwrap();
}

#[tokio::test]
async fn a_configured_basemap_is_drawn_on_the_briefing_map_and_credited() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("area.pmtiles");
    highway_across_the_ward(&archive).await;
    let app = app(state_with(ServerConfig {
        anonymous_role: Role::Partner,
        basemap: Some(hotspot_server::basemap::Basemap {
            archive,
            attribution: "© Fixture mappers".into(),
        }),
        ..Default::default()
    })
    .await);
    let base = format!("/api/wards/{WARD}/briefing?{PERIOD}");

    let (status, _, pdf) = get(&app, &format!("{base}&format=pdf")).await;
    assert_eq!(status, StatusCode::OK);
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let text = doc.extract_text(&[1]).unwrap();
    assert!(text.contains("© Fixture mappers"), "{text}");

    // The highway's colour along the map's middle row (144 dpi: the map box
    // spans pixels 72..672, its middle row is 484), where the tile put it.
    let (status, _, png) = get(&app, &format!("{base}&format=png")).await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = png::Decoder::new(&png[..]).read_info().unwrap();
    let mut px = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut px).unwrap();
    let (width, channels) = (info.width as usize, info.color_type.samples());
    let highway = (72..672)
        .filter(|x| {
            let i = (484 * width + x) * channels;
            px[i..i + 3] == [205, 160, 85]
        })
        .count();
    assert!(
        highway > 450,
        "the highway shows along {highway} of 600 pixels"
    );
}
