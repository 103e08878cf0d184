//! A self-hosted PMTiles basemap: the archive answers HTTP Range requests
//! (what the map client's `pmtiles` protocol sends), and the style and the
//! client configuration point at it.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use hotspot_server::basemap::Basemap;
use hotspot_server::{app, AppState, ServerConfig};

mod common;

async fn service(basemap: Option<Basemap>) -> Router {
    let store = hotspot_store::open("sqlite::memory:").await.unwrap();
    let config = ServerConfig {
        basemap,
        ..ServerConfig::default()
    };
    let state: Arc<AppState> = AppState::new(store, Default::default(), config)
        .await
        .unwrap();
    app(state)
}

async fn get(app: &Router, uri: &str, range: Option<&str>) -> (StatusCode, Vec<u8>) {
    let mut req = Request::get(uri);
    if let Some(r) = range {
        req = req.header(header::RANGE, r);
    }
    common::send(app, req.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn the_archive_answers_range_requests_and_the_style_points_at_it() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("area.pmtiles");
    let mut bytes = b"PMTiles\x03".to_vec();
    bytes.extend((0..200u8).collect::<Vec<_>>());
    std::fs::write(&archive, &bytes).unwrap();
    let app = service(Some(Basemap {
        archive,
        attribution: "© OpenStreetMap contributors".into(),
    }))
    .await;

    let (status, body) = get(&app, "/basemap/tiles.pmtiles", Some("bytes=0-6")).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, b"PMTiles");
    // The archive's bytes, never gzipped (Range offsets are the file's).
    let req = Request::get("/basemap/tiles.pmtiles")
        .header(header::RANGE, "bytes=100-103")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.clone(), req).await.unwrap();
    assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
    let (status, body) = get(&app, "/basemap/tiles.pmtiles", Some("bytes=100-103")).await;
    assert_eq!(
        (status, body),
        (StatusCode::PARTIAL_CONTENT, bytes[100..104].to_vec())
    );

    let (status, body) = get(&app, "/basemap/style.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let style: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        style["sources"]["basemap"]["url"],
        "pmtiles:///basemap/tiles.pmtiles"
    );

    let (status, body) = get(&app, "/config.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let config: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(config["basemap"], "/basemap/style.json");
    assert_eq!(
        config["basemap_attribution"],
        "© OpenStreetMap contributors"
    );
}

#[tokio::test]
async fn without_a_basemap_there_is_none() {
    let app = service(None).await;
    let (status, _) = get(&app, "/basemap/tiles.pmtiles", Some("bytes=0-6")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
