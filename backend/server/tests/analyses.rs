//! The change map and DBSCAN clusters (and the relative-risk surface)
//! through the real router, on the generated sample data.

use axum::http::StatusCode;
use axum::Router;
use hotspot_server::app;
use serde_json::Value;

mod common;

use common::get_json as get;

async fn sample_app() -> Router {
    app(common::sample_state_as(hotspot_core::Role::Admin).await)
}

fn sum(fc: &Value, key: &str) -> u64 {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"][key].as_u64().unwrap())
        .sum()
}

#[tokio::test]
async fn change_map_accounts_for_every_incident_of_both_periods() {
    let app = sample_app().await;
    let (s, ctype, fc) = get(
        &app,
        "/api/change?group=serious-acquisitive&before=2024-01..2024-06&after=2025-01..2025-06",
    )
    .await;
    assert_eq!(
        (s, ctype.as_str()),
        (StatusCode::OK, "application/geo+json"),
        "{fc}"
    );
    assert_eq!(fc["correction"], "benjamini_hochberg");
    assert_eq!(fc["before"]["months_with_data"], 6);
    // The cells' counts plus those outside the study area and unlocated
    // are the selection of each period, as /api/wards counts it.
    for (period, key) in [("before", "n_before"), ("after", "n_after")] {
        let p = &fc[period];
        let total = sum(&fc, key)
            + p["outside_study_area"].as_u64().unwrap()
            + p["unlocated"].as_u64().unwrap();
        assert_eq!(total, p["selected"].as_u64().unwrap(), "{period}");
        let range = p["period"].as_str().unwrap();
        let (_, _, wards) = get(
            &app,
            &format!("/api/wards?group=serious-acquisitive&period={range}"),
        )
        .await;
        assert_eq!(wards["total"], p["selected"], "{period}");
    }
    for f in fc["features"].as_array().unwrap() {
        let p = &f["properties"];
        let (b, a) = (
            p["n_before"].as_i64().unwrap(),
            p["n_after"].as_i64().unwrap(),
        );
        assert!(a + b > 0);
        assert_eq!(p["change"].as_i64().unwrap(), a - b);
        assert!(p["p_adjusted"].as_f64().unwrap() >= p["p"].as_f64().unwrap() - 1e-12);
        let class = p["class"].as_str().unwrap();
        assert!(["rise", "fall", "no_significant_change"].contains(&class));
        assert_eq!(f["geometry"]["type"], "Polygon");
    }
    // Missing, overlapping and unknown parameters are 400s with a message.
    for uri in [
        "/api/change?before=2024-01..2024-06",
        "/api/change?before=2024-01..2024-06&after=2024-06..2024-12",
        "/api/change?before=2024-01&after=2025-01&correction=bonferroni",
        "/api/change?before=2024-01&after=2025-01&period=2025-01",
    ] {
        let (s, _, err) = get(&app, uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {err}");
        assert!(
            err["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{err}"
        );
    }
}

#[tokio::test]
async fn clusters_are_outlines_with_counts_and_noise() {
    let app = sample_app().await;
    let (s, ctype, fc) = get(
        &app,
        "/api/clusters?group=violence-sexual&period=2025-01..2025-12",
    )
    .await;
    assert_eq!(
        (s, ctype.as_str()),
        (StatusCode::OK, "application/geo+json"),
        "{fc}"
    );
    let features = fc["features"].as_array().unwrap();
    assert!(!features.is_empty(), "the night-time economy clusters");
    assert_eq!(fc["clusters"].as_u64().unwrap() as usize, features.len());
    assert!(fc["eps_rule"].as_str().unwrap().contains("median"));
    assert_eq!(
        sum(&fc, "count") + fc["noise"].as_u64().unwrap(),
        fc["incidents"].as_u64().unwrap()
    );
    let mut last = u64::MAX;
    for f in features {
        let p = &f["properties"];
        let count = p["count"].as_u64().unwrap();
        assert!(count <= last, "most incidents first");
        last = count;
        assert!(p["core_count"].as_u64().unwrap() <= count);
        assert_eq!(f["geometry"]["type"], "MultiPolygon");
        let lon = f["geometry"]["coordinates"][0][0][0][0].as_f64().unwrap();
        assert!((-2.0..0.0).contains(&lon), "WGS84 longitude, got {lon}");
    }
    let (s, _, given) = get(
        &app,
        "/api/clusters?group=violence-sexual&eps=150&min_points=20",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (given["eps_m"].as_f64(), given["min_points"].as_u64()),
        (Some(150.0), Some(20))
    );
    assert_eq!(given["eps_rule"], "given");
    for uri in [
        "/api/clusters?eps=0",
        "/api/clusters?eps=5000",
        "/api/clusters?min_points=0",
    ] {
        let (s, _, err) = get(&app, uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {err}");
    }
}

#[tokio::test]
async fn relative_risk_masks_thin_denominators_and_averages_one() {
    let app = sample_app().await;
    let (s, ctype, fc) = get(
        &app,
        "/api/relative-risk?group=serious-acquisitive&denominator=population&cell=200&bandwidth=600",
    )
    .await;
    assert_eq!(
        (s, ctype.as_str()),
        (StatusCode::OK, "application/geo+json"),
        "{fc}"
    );
    assert_eq!(
        (fc["cell_m"].as_f64(), fc["bandwidth_m"].as_f64()),
        (Some(200.0), Some(600.0))
    );
    assert_eq!(fc["denominator"], "population");
    let floor = fc["floor"].as_f64().unwrap();
    assert!(floor > 0.0);
    let features = fc["features"].as_array().unwrap();
    let mut masked = 0;
    for f in features {
        let p = &f["properties"];
        let den = p["denominator_density"].as_f64().unwrap();
        if p["masked"].as_bool().unwrap() {
            masked += 1;
            assert!(p["ratio"].is_null());
            assert!(den <= floor + 1e-3, "masked only below the floor");
        } else {
            assert!(p["ratio"].as_f64().unwrap() >= 0.0);
        }
    }
    assert_eq!(fc["masked_cells"].as_u64().unwrap(), masked);
    // Against another group's incidents, in the same period.
    let (s, _, asb) = get(
        &app,
        "/api/relative-risk?group=serious-acquisitive&denominator=group:asb",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{asb}");
    assert_eq!(asb["denominator_units"], "incidents");
    for uri in [
        "/api/relative-risk?group=asb",
        "/api/relative-risk?denominator=people",
        "/api/relative-risk?denominator=source:nobody",
    ] {
        let (s, _, err) = get(&app, uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {err}");
    }
}
