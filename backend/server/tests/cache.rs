//! Cached analysis responses: identical to a fresh answer, separate per
//! role, and never stale after an import.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use hotspot_core::Role;
use hotspot_server::pipeline::ImportKind;
use hotspot_server::{app, import_files, AppState, ServerConfig};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

mod common;

async fn get(app: &axum::Router, uri: &str, token: Option<&str>) -> (StatusCode, Vec<u8>) {
    let mut req = Request::get(uri);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    (
        status,
        res.into_body().collect().await.unwrap().to_bytes().to_vec(),
    )
}

#[tokio::test]
async fn cached_answers_match_fresh_ones_per_role_and_follow_imports() {
    let store = hotspot_store::open("sqlite::memory:").await.unwrap();
    let state = AppState::new(store, Default::default(), ServerConfig::default())
        .await
        .unwrap();
    common::load_sample(&state, "policeuk/2024", false).await;
    let admin = hotspot_server::create_account(
        state.store.as_ref(),
        "a",
        "a long enough password",
        Role::Admin,
    )
    .await
    .unwrap();
    let token = hotspot_server::auth::issue_token(state.store.as_ref(), admin.id, "api", "t", None)
        .await
        .unwrap();
    let app = app(state.clone());
    let uri = "/api/wards?type=Robbery&period=2024-03";

    let hits = state.cache_hits();
    let (_, public1) = get(&app, uri, None).await;
    assert_eq!(state.cache_hits(), hits, "the first request is computed");
    let (_, public2) = get(&app, uri, None).await;
    assert_eq!(
        state.cache_hits(),
        hits + 1,
        "the repeat comes from the cache"
    );
    let (_, full) = get(&app, uri, Some(&token)).await;
    assert_eq!(
        state.cache_hits(),
        hits + 1,
        "another role's request is not answered from the public's entry"
    );
    assert_eq!(public1, public2, "a repeat is the same answer");
    assert_ne!(
        public1, full,
        "the public's suppressed answer is not served to an admin, nor the reverse"
    );
    let full_v: Value = serde_json::from_slice(&full).unwrap();
    assert!(full_v["features"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["properties"].get("suppressed").is_none()));

    let (_, before) = get(&app, "/api/wards", Some(&token)).await;
    let (_, again) = get(&app, "/api/wards", Some(&token)).await;
    assert_eq!(again, before);
    let hits = state.cache_hits();
    let total = |b: &[u8]| {
        serde_json::from_slice::<Value>(b).unwrap()["total"]
            .as_u64()
            .unwrap()
    };
    import_files(
        &state,
        ImportKind::PoliceUk,
        common::sample_files("policeuk/2025"),
    )
    .await
    .unwrap();
    let (_, after) = get(&app, "/api/wards", Some(&token)).await;
    assert_eq!(state.cache_hits(), hits, "an import empties the cache");
    assert!(
        total(&after) > total(&before),
        "the import shows at once, not a stale cached answer"
    );
    let (_, again) = get(&app, "/api/wards", Some(&token)).await;
    assert_eq!(again, after);
    assert_eq!(
        state.cache_hits(),
        hits + 1,
        "the new answer is cached in turn"
    );
    for _ in 0..2 {
        let (status, _) = get(&app, "/api/wards?nonsense=1", Some(&token)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    assert_eq!(
        state.cache_hits(),
        hits + 1,
        "errors are not cached as answers"
    );
}
