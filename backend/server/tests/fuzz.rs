//! Property-based fuzzing of the query-parameter parsers through the real
//! router: whatever the query string, an endpoint answers with a JSON body
//! and a 2xx or 4xx status, never a 5xx or a panic.

use axum::body::Body;
use axum::http::Request;
use hotspot_core::Role;
use hotspot_server::{app, AppState, ServerConfig};
use http_body_util::BodyExt;
use proptest::prelude::*;
use tower::ServiceExt;

mod common;

const SELECTION: &[&str] = &["period", "group", "type", "source", "ward", "bbox"];

/// Each endpoint with the parameters it accepts besides the selection, so
/// that most generated queries get past the allow-list into the parsers.
const ENDPOINTS: &[(&str, &[&str])] = &[
    ("/api/wards", &["compare", "top", "rank_by"]),
    ("/api/wards/E05999006", &["compare", "top", "rank_by"]),
    (
        "/api/wards/E05999006/briefing",
        &["compare", "format", "public"],
    ),
    ("/api/incidents", &["limit", "offset"]),
    ("/api/hotspots", &["cell", "bandwidth", "top"]),
    (
        "/api/density",
        &["cell", "bandwidth", "format", "min_density"],
    ),
    ("/api/gistar", &["unit", "cell", "band", "correction"]),
    (
        "/api/emerging",
        &["cell", "band", "correction", "months_per_period"],
    ),
    (
        "/api/evaluate",
        &["train", "test", "cell", "bandwidths", "coverage"],
    ),
    ("/api/interventions", &[]),
    ("/api/interventions/1/evaluation", &["control", "before"]),
    ("/api/audit", &["limit", "offset"]),
    ("/api/temporal", &[]),
    (
        "/api/near-repeat",
        &["space", "time", "metric", "permutations", "seed"],
    ),
    (
        "/api/target-hardening",
        &["as_of", "distance", "days", "format", "limit"],
    ),
    ("/api/rejected", &["format", "limit", "offset"]),
];

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        // Plausible values...
        Just("2025-01..2025-06".to_string()),
        Just("2024-03".to_string()),
        Just("2025-01-01T00:00..2025-02-01T00:00".to_string()),
        Just("serious-acquisitive,asb".to_string()),
        Just("Burglary".to_string()),
        Just("-1.05,52.24,-0.95,52.28".to_string()),
        Just("previous".to_string()),
        Just("geotiff".to_string()),
        Just("csv".to_string()),
        Just("false".to_string()),
        Just("wards".to_string()),
        Just("2025-01..2025-03,2025-04..2025-06".to_string()),
        Just("400,800".to_string()),
        (1u32..2000).prop_map(|n| n.to_string()),
        // ...and hostile ones.
        Just("-0".to_string()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("1e308".to_string()),
        Just("0.000001".to_string()),
        Just("5e-324".to_string()),
        Just("1e-300".to_string()),
        Just("' OR 1=1 --".to_string()),
        Just("../../etc/passwd".to_string()),
        Just("2025-13..2024-00".to_string()),
        Just(",,,".to_string()),
        "\\PC{0,12}",
    ]
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap()
    })
}

fn router() -> &'static axum::Router {
    static APP: std::sync::OnceLock<axum::Router> = std::sync::OnceLock::new();
    APP.get_or_init(|| {
        runtime().block_on(async {
            let store = hotspot_store::open("sqlite::memory:").await.unwrap();
            let config = ServerConfig {
                anonymous_role: Role::Admin,
                ..ServerConfig::default()
            };
            let state = AppState::new(store, Default::default(), config)
                .await
                .unwrap();
            common::load_sample(&state, "policeuk/2025", false).await;
            app(state)
        })
    })
}

proptest! {
    // proptest's default: 256 cases, or PROPTEST_CASES=20000 for a longer campaign.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_query_string_makes_an_endpoint_fail_or_panic(
        (endpoint, own) in prop::sample::select(ENDPOINTS),
        picks in prop::collection::vec((0usize..100, value()), 0..5),
        foreign in prop::option::weighted(0.1, prop::sample::select(&["nonsense", "perod", "limit"][..])),
    ) {
        let keys: Vec<&str> = SELECTION.iter().chain(own.iter()).copied().collect();
        let mut query: Vec<String> = picks
            .iter()
            .map(|(i, v)| format!("{}={}", keys[i % keys.len()], encode(v)))
            .collect();
        if let Some(k) = foreign {
            query.push(format!("{k}=1"));
        }
        let uri = format!("{endpoint}?{}", query.join("&"));
        let (status, body) = get(&uri);
        prop_assert!(!status.is_server_error(), "{uri} -> {status}: {}", String::from_utf8_lossy(&body));
        if status.is_client_error() {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            prop_assert!(v["error"]["message"].is_string(), "{uri}: {v}");
        }
    }
}

/// Answers a GET through the router, failing (not hanging the suite) when
/// an answer takes longer than a request should.
fn get(uri: &str) -> (axum::http::StatusCode, axum::body::Bytes) {
    let app = router().clone();
    runtime().block_on(async {
        let req = Request::get(uri).body(Body::empty()).unwrap();
        let res = tokio::time::timeout(std::time::Duration::from_secs(60), app.oneshot(req))
            .await
            .unwrap_or_else(|_| panic!("{uri} did not answer within 60 s"))
            .unwrap();
        let status = res.status();
        (status, res.into_body().collect().await.unwrap().to_bytes())
    })
}

/// Cell sizes too small to count in once made a 1 x 1 grid at infinity, and
/// `/api/gistar?cell=5e-324` hung (found by schemathesis): every grid
/// endpoint must refuse them at once.
#[test]
fn vanishing_cell_sizes_are_refused_quickly() {
    for endpoint in [
        "/api/gistar",
        "/api/emerging",
        "/api/density",
        "/api/hotspots",
        "/api/evaluate?train=2025-01..2025-06&test=2025-07..2025-12",
    ] {
        for cell in ["5e-324", "1e-300", "0.000001"] {
            let sep = if endpoint.contains('?') { '&' } else { '?' };
            let uri = format!("{endpoint}{sep}cell={cell}");
            let (status, body) = get(&uri);
            assert_eq!(status, 400, "{uri}: {}", String::from_utf8_lossy(&body));
        }
    }
}
