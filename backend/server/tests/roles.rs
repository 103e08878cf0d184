//! Access control, table-driven: every API endpoint against every role,
//! with real accounts, tokens, sessions and the audit log.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use hotspot_core::Role;
use hotspot_server::{app, auth, create_account, AppState, ServerConfig};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

mod common;

/// Every endpoint and the least role that may use it. Keep in step with
/// `routes::app` and the README's role table.
const ENDPOINTS: &[(&str, &str, Role)] = &[
    ("GET", "/api/health", Role::Public),
    ("GET", "/api/categories", Role::Public),
    ("GET", "/api/periods", Role::Public),
    ("GET", "/api/wards", Role::Public),
    ("GET", "/api/wards/E05999006", Role::Public),
    (
        "GET",
        "/api/wards/E05999006/briefing?format=csv&public=true",
        Role::Public,
    ),
    (
        "GET",
        "/api/wards/E05999006/briefing?format=csv&public=false",
        Role::Partner,
    ),
    ("GET", "/api/search?q=kings", Role::Public),
    ("GET", "/api/me", Role::Public),
    ("GET", "/api/openapi.json", Role::Public),
    ("GET", "/api/hotspots?top=5", Role::Partner),
    ("GET", "/api/density?format=grid", Role::Partner),
    ("GET", "/api/labels?bbox=-1.2,52.1,-0.8,52.4", Role::Partner),
    ("GET", "/api/gistar?cell=400", Role::Partner),
    ("GET", "/api/gistar?cell=400&format=grid", Role::Partner),
    (
        "GET",
        "/api/emerging?cell=800&months_per_period=6",
        Role::Partner,
    ),
    ("GET", "/api/temporal", Role::Partner),
    (
        "GET",
        "/api/change?before=2024-01..2024-06&after=2025-01..2025-06",
        Role::Partner,
    ),
    ("GET", "/api/clusters?group=violence-sexual", Role::Partner),
    (
        "GET",
        "/api/relative-risk?type=Burglary&denominator=population",
        Role::Partner,
    ),
    ("GET", "/api/interventions", Role::Partner),
    ("GET", "/api/interventions/1", Role::Partner),
    (
        "GET",
        "/api/interventions/1/evaluation?control=E05999004",
        Role::Partner,
    ),
    ("GET", "/api/incidents?limit=5", Role::Analyst),
    (
        "GET",
        "/api/tiles/incidents/12/2036/1348.mvt",
        Role::Analyst,
    ),
    ("GET", "/api/target-hardening?limit=5", Role::Analyst),
    (
        "GET",
        "/api/near-repeat?source=fly-tipping&permutations=9",
        Role::Analyst,
    ),
    (
        "GET",
        "/api/evaluate?train=2024-01..2024-12&test=2025-01..2025-12&bandwidths=400",
        Role::Analyst,
    ),
    ("GET", "/api/imports", Role::Admin),
    ("GET", "/api/imports/1/rejected", Role::Admin),
    ("GET", "/api/rejected?format=csv", Role::Admin),
    ("GET", "/api/users", Role::Admin),
    ("GET", "/api/audit", Role::Admin),
];

struct Fixture {
    state: Arc<AppState>,
    app: Router,
    /// An API token per signed-in role.
    tokens: Vec<(Role, String)>,
}

async fn fixture(config: ServerConfig) -> Fixture {
    let store = hotspot_store::open("sqlite::memory:").await.unwrap();
    let state = AppState::new(store, Default::default(), config)
        .await
        .unwrap();
    common::load_sample(&state, "policeuk/", true).await;
    // Intervention 1, for the intervention endpoints.
    let area = hotspot_engine::interventions::site_area(-0.9, 52.22, 400.0).unwrap();
    state
        .store
        .create_intervention(&hotspot_store::NewIntervention {
            name: "Patrols".into(),
            kind: "patrols".into(),
            area,
            site: None,
            start_date: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            end_date: None,
            buffer_m: 200.0,
            groups: vec![],
            types: vec![],
            notes: None,
            created_by: None,
        })
        .await
        .unwrap();
    let mut tokens = Vec::new();
    for role in [Role::Partner, Role::Analyst, Role::Admin] {
        let user = create_account(
            state.store.as_ref(),
            role.as_str(),
            "a long enough password",
            role,
        )
        .await
        .unwrap();
        let token = auth::issue_token(state.store.as_ref(), user.id, "api", "test", None)
            .await
            .unwrap();
        tokens.push((role, token));
    }
    Fixture {
        app: app(state.clone()),
        state,
        tokens,
    }
}

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (StatusCode, Value, Vec<(String, String)>) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let res = app
        .clone()
        .oneshot(
            req.body(body.map_or(Body::empty(), |b| Body::from(b.to_string())))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    let headers = res
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        headers,
    )
}

#[tokio::test]
async fn every_role_against_every_endpoint() {
    let f = fixture(ServerConfig::default()).await;
    let mut callers: Vec<(Role, Option<&str>)> = vec![(Role::Public, None)];
    callers.extend(f.tokens.iter().map(|(r, t)| (*r, Some(t.as_str()))));
    for &(method, path, least) in ENDPOINTS {
        for &(role, token) in &callers {
            let (status, body, _) = call(&f.app, method, path, token, None).await;
            if role >= least {
                assert!(
                    status.is_success(),
                    "{role} {method} {path}: {status} {body}"
                );
            } else if token.is_none() {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{role} {method} {path}");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{role} {method} {path}");
                assert!(body["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains(least.as_str()));
            }
        }
    }
    // Writes: imports and accounts are for administrators only.
    let csv = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n";
    for &(role, token) in &callers {
        let mut req = Request::post("/api/imports?kind=police.uk&name=x.csv");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let res = f
            .app
            .clone()
            .oneshot(req.body(Body::from(csv)).unwrap())
            .await
            .unwrap();
        if role == Role::Admin {
            // A header-only month (no crimes) is a valid import.
            assert!(res.status().is_success(), "{}", res.status());
        } else {
            assert!(
                matches!(
                    res.status(),
                    StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
                ),
                "{role}"
            );
        }
        let (status, _, _) = call(
            &f.app,
            "POST",
            "/api/users",
            token,
            Some(r#"{"username":"eve","password":"a long enough password","role":"admin"}"#),
        )
        .await;
        assert_eq!(
            status.is_success(),
            role == Role::Admin,
            "{role} creating a user: {status}"
        );
        // The intervention log: analysts write it, partners only read it.
        let (status, created, _) = call(
            &f.app,
            "POST",
            "/api/interventions",
            token,
            Some(r#"{"name":"CCTV","kind":"CCTV","start":"2025-03-01","site":{"lon":-0.9,"lat":52.22},"radius_m":200}"#),
        )
        .await;
        assert_eq!(
            status.is_success(),
            role >= Role::Analyst,
            "{role} recording an intervention: {status}"
        );
        let id = created["id"].as_i64().unwrap_or(1);
        let (status, _, _) = call(
            &f.app,
            "DELETE",
            &format!("/api/interventions/{id}"),
            token,
            None,
        )
        .await;
        assert_eq!(
            status.is_success(),
            role >= Role::Analyst,
            "{role} deleting an intervention: {status}"
        );
        if role < Role::Analyst {
            assert!(matches!(
                status,
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
            ));
        }
    }
}

#[tokio::test]
async fn the_public_sees_aggregates_with_small_counts_suppressed() {
    let f = fixture(ServerConfig::default()).await;
    let (_, public, _) = call(
        &f.app,
        "GET",
        "/api/wards?type=Robbery&period=2025-12",
        None,
        None,
    )
    .await;
    let (_, full, _) = call(
        &f.app,
        "GET",
        "/api/wards?type=Robbery&period=2025-12",
        Some(&f.tokens[0].1),
        None,
    )
    .await;
    let mut suppressed = 0;
    for (p, a) in public["features"]
        .as_array()
        .unwrap()
        .iter()
        .zip(full["features"].as_array().unwrap())
    {
        let n = a["properties"]["count"].as_u64().unwrap();
        if (1..3).contains(&n) {
            suppressed += 1;
            assert!(
                p["properties"]["count"].is_null() && p["properties"]["rate_per_1000"].is_null()
            );
            assert_eq!(p["properties"]["suppressed"], true);
        } else {
            assert_eq!(p["properties"]["count"].as_u64(), Some(n));
        }
    }
    assert!(
        suppressed > 0,
        "a month of robbery should leave some wards with 1-2"
    );
    let (_, profile, _) = call(
        &f.app,
        "GET",
        "/api/wards/E05999006?type=Robbery",
        None,
        None,
    )
    .await;
    for v in profile["by_month"].as_object().unwrap().values() {
        assert!(v.is_null() || v.as_u64().unwrap() == 0 || v.as_u64().unwrap() >= 3);
    }
}

#[tokio::test]
async fn sessions_bad_credentials_and_the_audit_log() {
    let f = fixture(ServerConfig::default()).await;
    let (status, _, _) = call(
        &f.app,
        "POST",
        "/api/login",
        None,
        Some(r#"{"username":"analyst","password":"wrong password here"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = call(
        &f.app,
        "POST",
        "/api/login",
        None,
        Some(r#"{"username":"nobody","password":"wrong password here"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, me, headers) = call(
        &f.app,
        "POST",
        "/api/login",
        None,
        Some(r#"{"username":"analyst","password":"a long enough password"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["role"], "analyst");
    let cookie = headers
        .iter()
        .find(|(k, _)| k == "set-cookie")
        .unwrap()
        .1
        .clone();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap().to_string();
    let with_cookie = |uri: &str, method: &str| {
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::COOKIE, session.clone())
            .body(Body::empty())
            .unwrap()
    };
    let res = f
        .app
        .clone()
        .oneshot(with_cookie("/api/incidents?limit=1", "GET"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = f
        .app
        .clone()
        .oneshot(with_cookie("/api/logout", "POST"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = f
        .app
        .clone()
        .oneshot(with_cookie("/api/incidents?limit=1", "GET"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "the session ended");

    // A forged or mangled token is refused, not treated as anonymous.
    let (status, _, _) = call(&f.app, "GET", "/api/health", Some("hs_1_deadbeef"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = call(&f.app, "GET", "/api/health", Some("' OR 1=1 --"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The audit log names who looked at incidents.
    let admin = &f.tokens[2].1;
    let mut found = false;
    for _ in 0..50 {
        let (_, log, _) = call(&f.app, "GET", "/api/audit?limit=100", Some(admin), None).await;
        found = log["audit"].as_array().unwrap().iter().any(|e| {
            e["username"] == "analyst"
                && e["path"] == "/api/incidents"
                && e["query"] == "limit=1"
                && e["status"] == 200
        });
        if found {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(found, "audit entry for the analyst's incident request");
    assert!(f.state.store.audit_log(10_000, 0).await.unwrap().len() > 5);
}

#[tokio::test]
async fn clients_are_rate_limited() {
    let config = ServerConfig {
        rate_limit_per_second: std::num::NonZeroU32::new(5),
        ..ServerConfig::default()
    };
    let f = fixture(config).await;
    let mut limited = 0;
    for _ in 0..40 {
        let (status, body, _) = call(&f.app, "GET", "/api/periods", None, None).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
            assert!(body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("too many requests"));
        }
    }
    assert!(limited > 20, "{limited} of 40 refused");
}
