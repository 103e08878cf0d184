//! The OpenAPI document at `/api/openapi.json` against the router that
//! serves it: the same operations, each answered by a handler, each with the
//! role that guards it, and each handler's query-parameter allow-list
//! documented key for key. A route added without its annotation, or a
//! parameter added to an allow-list without its description, fails here.

use std::collections::BTreeSet;
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

/// Every operation `routes::app` registers, with the role group it is in.
/// Written out by hand from routes.rs, so that neither the document nor the
/// router can change without this list (and a reviewer) noticing.
const OPERATIONS: &[(&str, &str, Role)] = &[
    ("get", "/api/categories", Role::Public),
    ("get", "/api/periods", Role::Public),
    ("get", "/api/wards", Role::Public),
    ("get", "/api/wards/{code}", Role::Public),
    ("get", "/api/search", Role::Public),
    ("get", "/api/wards/{code}/briefing", Role::Public),
    ("get", "/api/health", Role::Public),
    ("get", "/api/me", Role::Public),
    ("post", "/api/login", Role::Public),
    ("post", "/api/logout", Role::Public),
    ("get", "/api/openapi.json", Role::Public),
    ("get", "/api/hotspots", Role::Partner),
    ("get", "/api/density", Role::Partner),
    ("get", "/api/labels", Role::Partner),
    ("get", "/api/gistar", Role::Partner),
    ("get", "/api/emerging", Role::Partner),
    ("get", "/api/temporal", Role::Partner),
    ("get", "/api/change", Role::Partner),
    ("get", "/api/clusters", Role::Partner),
    ("get", "/api/relative-risk", Role::Partner),
    ("post", "/api/plan", Role::Partner),
    ("get", "/api/interventions", Role::Partner),
    ("get", "/api/interventions/{id}", Role::Partner),
    ("get", "/api/interventions/{id}/evaluation", Role::Partner),
    ("get", "/api/incidents", Role::Analyst),
    ("get", "/api/tiles/incidents/{z}/{x}/{y}", Role::Analyst),
    ("get", "/api/near-repeat", Role::Analyst),
    ("get", "/api/evaluate", Role::Analyst),
    ("get", "/api/target-hardening", Role::Analyst),
    ("post", "/api/interventions", Role::Analyst),
    ("delete", "/api/interventions/{id}", Role::Analyst),
    ("get", "/api/imports", Role::Admin),
    ("post", "/api/imports", Role::Admin),
    ("get", "/api/imports/{id}/rejected", Role::Admin),
    ("get", "/api/rejected", Role::Admin),
    ("get", "/api/users", Role::Admin),
    ("post", "/api/users", Role::Admin),
    ("post", "/api/users/{name}/tokens", Role::Admin),
    ("get", "/api/audit", Role::Admin),
];

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options"];

struct Fixture {
    app: Router,
    admin: String,
}

async fn fixture() -> Fixture {
    let store = hotspot_store::open("sqlite::memory:").await.unwrap();
    let state: Arc<AppState> = AppState::new(store, Default::default(), ServerConfig::default())
        .await
        .unwrap();
    common::load_sample(&state, "policeuk/2025-0", false).await;
    let user = create_account(
        state.store.as_ref(),
        "admin",
        "a long enough password",
        Role::Admin,
    )
    .await
    .unwrap();
    let admin = auth::issue_token(state.store.as_ref(), user.id, "api", "test", None)
        .await
        .unwrap();
    Fixture {
        app: app(state),
        admin,
    }
}

async fn call(f: &Fixture, method: &str, uri: &str) -> (StatusCode, Vec<u8>) {
    let req = Request::builder()
        .method(method.to_uppercase().as_str())
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {}", f.admin))
        .body(Body::empty())
        .unwrap();
    let res = f.app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, bytes.to_vec())
}

async fn document(f: &Fixture) -> Value {
    let (status, body) = call(f, "get", "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    serde_json::from_slice(&body).expect("the document is JSON")
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for &m in METHODS {
            if let Some(op) = item.get(m) {
                ops.push((m.to_string(), path.clone(), op.clone()));
            }
        }
    }
    ops
}

/// A concrete URI for a documented path.
fn concrete(path: &str) -> String {
    path.replace("{code}", "E05999006")
        .replace("{id}", "1")
        .replace("{name}", "admin")
        .replace("{z}/{x}/{y}", "12/2036/1348.mvt")
}

#[tokio::test]
async fn the_document_lists_exactly_the_routes_with_their_roles() {
    let f = fixture().await;
    let doc = document(&f).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let documented: BTreeSet<(String, String, String)> = operations(&doc)
        .into_iter()
        .map(|(m, p, op)| {
            let role = op["x-min-role"].as_str().unwrap_or("(none)").to_string();
            (m, p, role)
        })
        .collect();
    let served: BTreeSet<(String, String, String)> = OPERATIONS
        .iter()
        .map(|(m, p, r)| (m.to_string(), p.to_string(), r.as_str().to_string()))
        .collect();
    assert_eq!(
        documented, served,
        "the OpenAPI document and the router's role groups differ"
    );
    for (m, p, op) in operations(&doc) {
        let security = op["security"].as_array().expect("security");
        let anonymous = security.iter().any(|s| s == &serde_json::json!({}));
        assert_eq!(
            anonymous,
            op["x-min-role"] == "public",
            "{m} {p}: only public operations may be called without credentials"
        );
        assert!(
            op["description"]
                .as_str()
                .unwrap_or("")
                .contains("Minimum role:"),
            "{m} {p}"
        );
        assert!(op["responses"]["401"].is_object(), "{m} {p}: 401");
        // Links name their target operation as OpenAPI spells it, and it exists.
        for response in op["responses"].as_object().unwrap().values() {
            for (name, link) in response["links"].as_object().into_iter().flatten() {
                let target = link["operationId"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{m} {p}: link {name} has no operationId: {link}"));
                assert!(
                    operations(&doc)
                        .iter()
                        .any(|(_, _, o)| o["operationId"] == target),
                    "{m} {p}: link {name} points to no operation {target:?}"
                );
            }
        }
    }
}

/// Each documented operation reaches a handler: not the API's fallback
/// (404 "no such API endpoint") and not 405.
#[tokio::test]
async fn every_documented_operation_is_served() {
    let f = fixture().await;
    let doc = document(&f).await;
    let mut ops = operations(&doc);
    // Deleting last, so the intervention it removes is not needed after.
    ops.sort_by_key(|(m, _, _)| m == "delete");
    for (m, p, _) in ops {
        if p == "/api/logout" {
            // Would revoke the token the test uses; its route is covered by roles.rs.
            continue;
        }
        let (status, body) = call(&f, &m, &concrete(&p)).await;
        let text = String::from_utf8_lossy(&body);
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{m} {p}");
        assert!(
            !(status == StatusCode::NOT_FOUND && text.contains("no such API endpoint")),
            "{m} {p} is documented but not routed"
        );
        assert!(!status.is_server_error(), "{m} {p}: {status} {text}");
    }
    // A documented path with a method it does not take: 405, the JSON error
    // body like every other refusal, and the methods it does take.
    let req = Request::builder()
        .method("PUT")
        .uri("/api/wards")
        .body(Body::empty())
        .unwrap();
    let res = f.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = res.headers()[header::ALLOW].to_str().unwrap().to_string();
    assert!(allow.contains("GET"), "Allow: {allow}");
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let body: Value = serde_json::from_slice(&body).expect("a JSON error body");
    assert_eq!(body["error"]["status"], 405);
    // And the other way round: a path the document does not have is the fallback's.
    let (status, body) = call(&f, "get", "/api/not-documented").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8_lossy(&body).contains("no such API endpoint"));
}

/// Handlers refuse unknown query parameters and name the ones they accept;
/// the document must list exactly those, so no accepted key goes
/// undocumented and no documented key is refused.
#[tokio::test]
async fn documented_query_parameters_are_the_allow_lists() {
    let f = fixture().await;
    let doc = document(&f).await;
    let mut checked = 0;
    for (m, p, op) in operations(&doc) {
        if p == "/api/logout" {
            continue;
        }
        let documented: BTreeSet<String> = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter(|p| p["in"] == "query")
                    .map(|p| p["name"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default();
        let uri = format!("{}?zz_not_a_parameter=1", concrete(&p));
        let (status, body) = call(&f, &m, &uri).await;
        let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let message = body["error"]["message"].as_str().unwrap_or("");
        let accepted: BTreeSet<String> = match message.split_once("this endpoint accepts:") {
            Some((_, list)) => {
                assert_eq!(status, StatusCode::BAD_REQUEST, "{m} {p}");
                checked += 1;
                list.split(',')
                    .map(|k| k.trim().to_string())
                    .filter(|k| !k.is_empty())
                    .collect()
            }
            // A handler that reads no query string ignores it.
            None => BTreeSet::new(),
        };
        assert_eq!(
            documented, accepted,
            "{m} {p}: documented query parameters differ from the handler's allow-list"
        );
    }
    assert!(checked >= 19, "only {checked} operations parse a query");
}

/// roles.rs tests every endpoint against every role and is where a new
/// route's author adds it; each of its endpoints must be documented with
/// the same minimum role. (A route registered with a plain `.route(...)`
/// instead of `routes!` would be served but undocumented; this catches it.)
#[tokio::test]
async fn the_role_tests_endpoints_are_documented_with_their_roles() {
    let f = fixture().await;
    let doc = document(&f).await;
    let source = include_str!("roles.rs");
    let table = source
        .split_once("const ENDPOINTS")
        .and_then(|(_, rest)| rest.split_once("\n];"))
        .map(|(table, _)| table)
        .expect("roles.rs has the ENDPOINTS table");
    // Its string literals and roles, in order: method, URI, role.
    let mut tokens = Vec::new();
    let mut rest = table.split_once('=').expect("= &[").1;
    loop {
        let quote = rest.find('"');
        let role = rest.find("Role::");
        match (quote, role) {
            (Some(q), r) if r.is_none_or(|r| q < r) => {
                let end = rest[q + 1..].find('"').expect("closing quote") + q + 1;
                tokens.push(rest[q + 1..end].to_string());
                rest = &rest[end + 1..];
            }
            (_, Some(r)) => {
                let name: String = rest[r + 6..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric())
                    .collect();
                tokens.push(name.to_lowercase());
                rest = &rest[r + 6 + name.len()..];
            }
            _ => break,
        }
    }
    assert!(tokens.len() >= 60 && tokens.len() % 3 == 0, "{tokens:?}");
    for t in tokens.chunks(3) {
        let (method, uri, role) = (t[0].to_lowercase(), &t[1], &t[2]);
        let path = uri.split('?').next().unwrap();
        let op = operations(&doc)
            .into_iter()
            .find(|(m, template, _)| *m == method && matches(template, path))
            .map(|(_, _, op)| op)
            .unwrap_or_else(|| panic!("{method} {path} (in roles.rs) is not documented"));
        if uri.contains("public=false") {
            // A full briefing needs more than the route's minimum (checked
            // in the handler, and said in the operation's description).
            let rank = |r: &str| {
                ["public", "partner", "analyst", "admin"]
                    .iter()
                    .position(|x| *x == r)
            };
            assert!(
                rank(op["x-min-role"].as_str().unwrap()) < rank(role),
                "{method} {uri}"
            );
        } else {
            assert_eq!(op["x-min-role"], role.as_str(), "{method} {path}");
        }
    }
}

/// Whether `path` is an instance of the documented `template`.
fn matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| t == p || (t.starts_with('{') && t.ends_with('}')))
}

/// Every `$ref` in `value`, wherever it sits.
fn references(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.insert(r.clone());
            }
            map.values().for_each(|v| references(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// A schema named by a response but missing from `components` leaves that
/// part of the body unchecked by clients and by schemathesis (which only
/// warns); generic response types such as `Health<D = Overview>` do not
/// register their defaults on their own.
#[tokio::test]
async fn every_schema_reference_resolves() {
    let f = fixture().await;
    let doc = document(&f).await;
    let mut refs = BTreeSet::new();
    references(&doc, &mut refs);
    assert!(!refs.is_empty());
    let unresolved: Vec<_> = refs
        .iter()
        .filter(|r| {
            let pointer = r.strip_prefix('#').expect("a local reference");
            doc.pointer(pointer).is_none()
        })
        .collect();
    assert!(
        unresolved.is_empty(),
        "unresolved references: {unresolved:?}"
    );
}
