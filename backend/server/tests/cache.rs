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
    common::send(app, req.body(Body::empty()).unwrap()).await
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
        ImportKind::POLICE_UK,
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

/// A state on the sample whose anonymous callers are analysts (so the
/// analyses need no token), with the given admission limits.
async fn analyst_state(slots: usize, queue: usize) -> std::sync::Arc<AppState> {
    let store = hotspot_store::open("sqlite::memory:").await.unwrap();
    let config = ServerConfig {
        anonymous_role: Role::Analyst,
        analysis_slots: slots,
        analysis_queue: queue,
        ..ServerConfig::default()
    };
    let state = AppState::new(store, Default::default(), config)
        .await
        .unwrap();
    common::load_sample(&state, "policeuk/2024", false).await;
    state
}

/// Requests for `uris` all at once; their statuses, `Retry-After` headers
/// and bodies.
async fn all_at_once(
    app: &axum::Router,
    uris: Vec<String>,
) -> Vec<(StatusCode, Option<String>, Vec<u8>)> {
    let mut set = tokio::task::JoinSet::new();
    for uri in uris {
        let app = app.clone();
        set.spawn(async move {
            let res = app
                .oneshot(Request::get(uri).body(Body::empty()).unwrap())
                .await
                .unwrap();
            let retry = res
                .headers()
                .get(header::RETRY_AFTER)
                .map(|v| v.to_str().unwrap().to_string());
            let status = res.status();
            let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
            (status, retry, body)
        });
    }
    set.join_all().await
}

/// After an import the cache is empty, and every map opening at once asks
/// for the same surface: it is computed once and shared.
#[tokio::test]
async fn identical_requests_in_flight_are_computed_once() {
    let state = analyst_state(2, 64).await;
    let app = app(state.clone());
    let uri = "/api/hotspots?bandwidth=300&cell=40".to_string();
    let before = state.analyses_computed();
    let answers = all_at_once(&app, vec![uri; 16]).await;
    assert!(answers.iter().all(|(s, _, _)| *s == StatusCode::OK));
    assert!(answers.iter().all(|(_, _, body)| *body == answers[0].2));
    assert_eq!(
        state.analyses_computed(),
        before + 1,
        "sixteen identical requests, one computation"
    );
}

/// With every slot busy and the queue full, the service says so at once
/// (503, Retry-After) instead of letting latency grow without bound; what
/// it admits is answered in full.
#[tokio::test]
async fn beyond_the_queue_the_service_answers_503_with_retry_after() {
    let state = analyst_state(1, 0).await;
    let router = app(state.clone());
    let uris = (1..=8)
        .map(|m| format!("/api/hotspots?bandwidth=300&cell=40&period=2024-{m:02}"))
        .collect();
    let answers = all_at_once(&router, uris).await;
    let busy: Vec<_> = answers
        .iter()
        .filter(|(s, _, _)| *s == StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    assert!(
        !busy.is_empty(),
        "one slot, no queue: some of 8 are refused"
    );
    assert!(busy.iter().all(|(_, retry, body)| {
        retry.as_deref() == Some("1")
            && serde_json::from_slice::<Value>(body).unwrap()["error"]["status"] == 503
    }));
    assert!(answers
        .iter()
        .all(|(s, _, _)| *s == StatusCode::OK || *s == StatusCode::SERVICE_UNAVAILABLE));
    assert!(answers.iter().any(|(s, _, _)| *s == StatusCode::OK));
    // With a queue, the same burst all succeeds.
    let state = analyst_state(1, 64).await;
    let queued = app(state);
    let uris = (1..=8)
        .map(|m| format!("/api/hotspots?bandwidth=300&cell=40&period=2024-{m:02}"))
        .collect();
    let answers = all_at_once(&queued, uris).await;
    assert!(answers.iter().all(|(s, _, _)| *s == StatusCode::OK));
}
