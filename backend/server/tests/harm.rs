//! Harm weighting (`weight=harm`) through the real router on the sample:
//! every harm figure is checked against the counts weighed by hand.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use hotspot_core::harm::HarmIndex;
use hotspot_server::{app, ServerConfig};
use serde_json::Value;

mod common;

/// A made-up index over the sample's police.uk types, burglary heaviest.
fn index() -> HarmIndex {
    HarmIndex {
        name: "Test harm index".into(),
        source: "made up for the test".into(),
        weights: [
            ("Burglary".to_string(), 50.0),
            ("Robbery".to_string(), 20.0),
        ]
        .into(),
        default: Some(1.0),
    }
}

async fn sample_app(harm: Option<HarmIndex>) -> Router {
    app(common::sample_state_with(ServerConfig {
        anonymous_role: hotspot_core::Role::Analyst,
        harm_index: harm.map(Arc::new),
        ..ServerConfig::default()
    })
    .await)
}

/// `GET uri`: status and JSON body.
async fn get(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (status, _, body) = common::get_json(app, uri).await;
    (status, body)
}

#[tokio::test]
async fn without_an_index_harm_is_refused_with_the_reason() {
    let app = sample_app(None).await;
    for path in ["/api/wards", "/api/density", "/api/hotspots", "/api/gistar"] {
        let (status, body) = get(&app, &format!("{path}?weight=harm")).await;
        assert_eq!(status, StatusCode::CONFLICT, "{path}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("--harm-index"),
            "{body}"
        );
    }
    let (_, categories) = get(&app, "/api/categories").await;
    assert!(categories.get("harm_index").is_none());
}

#[tokio::test]
async fn ward_harm_is_each_types_count_times_its_weight() {
    let app = sample_app(Some(index())).await;
    let period = "period=2025-01..2025-06";
    let (status, wards) = get(&app, &format!("/api/wards?{period}&weight=harm")).await;
    assert_eq!(status, StatusCode::OK, "{wards}");
    assert_eq!(wards["harm_index"]["name"], "Test harm index");
    let index = index();
    for f in wards["features"].as_array().unwrap() {
        let p = &f["properties"];
        let code = p["code"].as_str().unwrap();
        // The ward's counts by type, from its own profile.
        let (_, profile) = get(&app, &format!("/api/wards/{code}?{period}")).await;
        let by_type: BTreeMap<String, u64> =
            serde_json::from_value(profile["by_category"].clone()).unwrap();
        let expected: f64 = by_type
            .iter()
            .map(|(t, n)| *n as f64 * index.weight_of(t).unwrap())
            .sum();
        let harm = p["harm"].as_f64().unwrap();
        assert!(
            (harm - expected).abs() < 1e-6,
            "{code}: {harm} vs {expected}"
        );
        let population = p["population"].as_f64().unwrap();
        let per_1000 = p["harm_per_1000"].as_f64().unwrap();
        assert!((per_1000 - expected / population * 1000.0).abs() < 1e-6);
        // Counts are still counts.
        assert_eq!(p["count"].as_u64().unwrap(), by_type.values().sum::<u64>());
    }
    // Unweighted, there are no harm figures.
    let (_, plain) = get(&app, &format!("/api/wards?{period}")).await;
    assert!(plain["features"][0]["properties"]["harm"].is_null());
    assert!(plain["harm_index"].is_null());
}

#[tokio::test]
async fn the_gistar_grid_sums_harm_and_the_surface_integrates_to_it() {
    let app = sample_app(Some(index())).await;
    let q = "group=serious-acquisitive&period=2025-01..2025-12";
    let (_, counts) = get(&app, &format!("/api/gistar?{q}&cell=500")).await;
    let (_, harm) = get(&app, &format!("/api/gistar?{q}&cell=500&weight=harm")).await;
    assert_eq!(harm["harm_index"]["source"], "made up for the test");
    let total = |fc: &Value| -> f64 {
        fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["count"].as_f64().unwrap())
            .sum()
    };
    // The grid's harm is each type's count in the grid times its weight.
    let (_, categories) = get(&app, "/api/categories").await;
    assert_eq!(categories["harm_index"]["weights"]["Burglary"], 50.0);
    let group = categories["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == "serious-acquisitive")
        .unwrap();
    let mut expected = 0.0;
    let mut n = 0.0;
    for t in group["types"].as_array().unwrap() {
        let t = t.as_str().unwrap();
        let (_, one) = get(
            &app,
            &format!(
                "/api/gistar?type={}&period=2025-01..2025-12&cell=500",
                t.replace(' ', "%20")
            ),
        )
        .await;
        expected += total(&one) * index().weight_of(t).unwrap();
        n += total(&one);
    }
    assert_eq!(n, total(&counts), "the group is its types");
    assert!(
        (total(&harm) - expected).abs() < 1e-6,
        "{} vs {expected}",
        total(&harm)
    );
    assert!(total(&harm) > total(&counts));
    // The KDE surface's mass (harm per km² × cell area) is the harm of the
    // incidents that went into it, as the count surface's is their number.
    let (_, grid) = get(&app, &format!("/api/density?{q}&format=grid&weight=harm")).await;
    assert_eq!(grid["harm_index"]["name"], "Test harm index");
    let cell_km2 = (grid["cell_m"].as_f64().unwrap() / 1000.0).powi(2);
    let mass: f64 = grid["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap_or(0.0) * cell_km2)
        .sum();
    let (_, plain) = get(&app, &format!("/api/density?{q}&format=grid")).await;
    let points = plain["points"].as_f64().unwrap();
    assert!(
        mass > points * 1.5,
        "harm mass {mass} vs {points} incidents"
    );
}

#[tokio::test]
async fn an_index_that_cannot_weigh_a_selected_type_is_refused_by_name() {
    let mut partial = index();
    partial.default = None;
    let app = sample_app(Some(partial)).await;
    let (status, body) = get(&app, "/api/hotspots?weight=harm").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("has no weight for") && message.contains("Shoplifting"),
        "{message}"
    );
    // Burglary alone is fully weighed.
    let (status, _) = get(&app, "/api/hotspots?weight=harm&type=Burglary").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_planner_weighs_each_incident_by_its_harm() {
    let app = sample_app(Some(index())).await;
    let plan = |weight: &str| {
        let body = format!(
            r#"{{"period":"2025-01..2025-06","sites":3,"radius":400,"weight":"{weight}"}}"#
        );
        Request::post("/api/plan")
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let (status, counted) = common::send(&app, plan("count")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, weighed) = common::send(&app, plan("harm")).await;
    assert_eq!(status, StatusCode::OK);
    let (counted, weighed): (Value, Value) = (
        serde_json::from_slice(&counted).unwrap(),
        serde_json::from_slice(&weighed).unwrap(),
    );
    // The plan's total weight is the located incidents' harm, as the
    // wards (plus those outside every ward) weigh it.
    let (_, wards) = get(&app, "/api/wards?period=2025-01..2025-06&weight=harm").await;
    let ward_harm: f64 = wards["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["harm"].as_f64().unwrap())
        .sum();
    let total = weighed["total_weight"].as_f64().unwrap();
    assert!(total >= ward_harm - 1e-6, "{total} vs {ward_harm}");
    assert!(total > counted["total_weight"].as_f64().unwrap());
    // Without an index, harm is refused.
    let bare = sample_app(None).await;
    let (status, _) = common::send(&bare, plan("harm")).await;
    assert_eq!(status, StatusCode::CONFLICT);
}
