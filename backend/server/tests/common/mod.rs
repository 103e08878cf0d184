//! The generated sample, loaded into a service state for router tests.

#![allow(dead_code)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use hotspot_ingest::{source_from_bytes, CsvMapping, SourceFile};
use hotspot_server::pipeline::ImportKind;
use hotspot_server::{import_files, AppState, ServerConfig};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// Column mapping of the sample's fly-tipping partner file.
pub const PARTNER_MAPPING: &str =
    "id=Reference,date=Reported,x=Easting,y=Northing,crs=27700,category=Type,source=fly-tipping";

/// The sample's files whose path starts with `prefix`.
pub fn sample_files(prefix: &str) -> Vec<SourceFile> {
    hotspot_sample::generate(&Default::default())
        .into_iter()
        .filter(|f| f.relative_path.starts_with(prefix))
        .map(|f| source_from_bytes(&f.relative_path, f.contents).unwrap())
        .collect()
}

/// Imports the wards, the police.uk months whose file path starts with
/// `police_prefix` (e.g. `policeuk/` for all), and, if asked, the
/// fly-tipping partner file.
pub async fn load_sample(state: &AppState, police_prefix: &str, partner: bool) {
    let wards = ImportKind::Boundaries {
        layer: "wards".into(),
        options: Default::default(),
    };
    import_files(state, wards, sample_files("wards.geojson"))
        .await
        .unwrap();
    import_files(state, ImportKind::POLICE_UK, sample_files(police_prefix))
        .await
        .unwrap();
    if partner {
        let mapping = CsvMapping::parse(PARTNER_MAPPING).unwrap();
        import_files(state, ImportKind::Csv(mapping), sample_files("partner/"))
            .await
            .unwrap();
    }
}

/// `req` through the router: its status and body.
pub async fn send(app: &Router, req: Request<Body>) -> (StatusCode, Vec<u8>) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, body.to_vec())
}

/// The whole sample (police.uk and fly-tipping) in an in-memory store,
/// behind a service configured by `config`.
pub async fn sample_state_with(config: ServerConfig) -> Arc<AppState> {
    let store = hotspot_store::open("sqlite::memory:").await.unwrap();
    let state = AppState::new(store, Default::default(), config)
        .await
        .unwrap();
    load_sample(&state, "policeuk/", true).await;
    state
}

/// [`sample_state_with`] where anonymous callers act as `role`.
pub async fn sample_state_as(role: hotspot_core::Role) -> Arc<AppState> {
    sample_state_with(ServerConfig {
        anonymous_role: role,
        ..ServerConfig::default()
    })
    .await
}

/// `req` through the router: its status, content type and body.
pub async fn send_typed(app: &Router, req: Request<Body>) -> (StatusCode, String, Vec<u8>) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, content_type, body.to_vec())
}

/// `GET uri`: status, content type and body.
pub async fn get_raw(app: &Router, uri: &str) -> (StatusCode, String, Vec<u8>) {
    send_typed(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// `GET uri` read as JSON (`Null` when the body is not JSON).
pub async fn get_json(app: &Router, uri: &str) -> (StatusCode, String, Value) {
    let (status, content_type, body) = get_raw(app, uri).await;
    let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    (status, content_type, value)
}
