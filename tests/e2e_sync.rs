//! `hotspot sync police-uk` against a local server that answers as the
//! police.uk API documents (https://data.police.uk/docs/): the months not
//! yet loaded are fetched (an area with too many crimes is split on 503, a
//! 429 is retried), imported atomically, and give the same ward counts as
//! the street files police.uk publishes for those months. A second sync
//! fetches nothing. Nothing here reaches the internet.

mod support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use support::{hotspot, Server};

const FORCE: &str = "Sample Constabulary";
/// A custom area with more crimes than this gets 503 (police.uk's limit is
/// 10,000; the sample is small).
const AREA_LIMIT: usize = 60;

#[derive(Default)]
struct Fixture {
    located: HashMap<String, Vec<Value>>,
    unlocated: HashMap<String, Vec<Value>>,
    categories: Vec<Value>,
    requests: AtomicUsize,
    too_many: AtomicUsize,
    throttled: AtomicUsize,
}

fn slug(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The sample's published street files for `months`, as the API's crimes.
fn fixture(months: &[&str]) -> Fixture {
    let mut f = Fixture::default();
    let mut names = std::collections::BTreeSet::new();
    let mut id = 0u64;
    for m in months {
        let path = support::repo_root().join(format!("data/policeuk/{m}-sample-street.csv"));
        for r in csv::Reader::from_path(path).unwrap().records() {
            let r = r.unwrap();
            id += 1;
            names.insert(r[9].to_string());
            let outcome = (!r[10].is_empty()).then(|| json!({ "category": &r[10], "date": m }));
            let mut crime = json!({ "id": id, "category": slug(&r[9]), "persistent_id": &r[0],
                "context": &r[11], "month": &r[1], "outcome_status": outcome, "location_type": "Force" });
            if r[4].is_empty() {
                crime["location"] = Value::Null;
                f.unlocated.entry(m.to_string()).or_default().push(crime);
            } else {
                crime["location"] = json!({ "latitude": &r[5], "longitude": &r[4],
                    "street": { "id": 1, "name": &r[6] } });
                f.located.entry(m.to_string()).or_default().push(crime);
            }
        }
    }
    f.categories = names
        .iter()
        .map(|n| json!({ "url": slug(n), "name": n }))
        .collect();
    f
}

async fn crimes_street(
    State(f): State<Arc<Fixture>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    f.requests.fetch_add(1, Ordering::SeqCst);
    if f.throttled.fetch_add(1, Ordering::SeqCst) == 0 {
        return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "0")]).into_response();
    }
    let pts: Vec<(f64, f64)> = q["poly"]
        .split(':')
        .map(|p| {
            let (lat, lng) = p.split_once(',').unwrap();
            (lat.parse().unwrap(), lng.parse().unwrap())
        })
        .collect();
    let (s, n) = pts
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (w, e) = pts
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let inside: Vec<&Value> = f
        .located
        .get(&q["date"])
        .into_iter()
        .flatten()
        .filter(|c| {
            let lat: f64 = c["location"]["latitude"].as_str().unwrap().parse().unwrap();
            let lng: f64 = c["location"]["longitude"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            (s..=n).contains(&lat) && (w..=e).contains(&lng)
        })
        .collect();
    if inside.len() > AREA_LIMIT {
        f.too_many.fetch_add(1, Ordering::SeqCst);
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    Json(inside).into_response()
}

fn api(f: Arc<Fixture>) -> Router {
    Router::new()
        .route("/api/forces/{id}", get(|Path(id): Path<String>| async move {
            if id == "sample" { Json(json!({ "id": "sample", "name": FORCE })).into_response() } else { StatusCode::NOT_FOUND.into_response() }
        }))
        .route("/api/crimes-street-dates", get(|| async {
            Json(json!([{ "date": "2025-12", "stop-and-search": [] }, { "date": "2025-11", "stop-and-search": [] }, { "date": "2025-10", "stop-and-search": [] }]))
        }))
        .route("/api/crime-categories", get(|State(f): State<Arc<Fixture>>| async move { Json(f.categories.clone()) }))
        .route("/api/crimes-street/all-crime", get(crimes_street))
        .route("/api/crimes-no-location", get(|State(f): State<Arc<Fixture>>, Query(q): Query<HashMap<String, String>>| async move {
            assert_eq!(q["force"], "sample");
            Json(f.unlocated.get(&q["date"]).cloned().unwrap_or_default())
        }))
        .with_state(f)
}

/// Serves the fixture API on a free loopback port, in the background.
fn serve(f: Arc<Fixture>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(l, api(f)).await.unwrap();
        });
    });
    format!("http://{addr}/api")
}

/// Each ward's count and the unlocated total for Nov–Dec 2025.
fn ward_counts(db: &std::path::Path) -> (Vec<(String, Value)>, Value) {
    let server = Server::start(db, &[]);
    let (_, fc) = server.get_json("/api/wards?period=2025-11..2025-12");
    let counts = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["properties"]["code"].as_str().unwrap().to_string(),
                f["properties"]["count"].clone(),
            )
        })
        .collect();
    (counts, fc["unlocated"].clone())
}

#[test]
fn sync_fetches_the_missing_months_as_police_uk_publishes_them() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Arc::new(fixture(&["2025-11", "2025-12"]));
    let url = serve(fixture.clone());

    // October came from a download; November and December are missing.
    let db = dir.path().join("sync.db");
    support::sample_wards_and_months(&db, &["2025-10"]);
    let out = hotspot(
        &db,
        &["sync", "police-uk", "--force", "sample", "--api-url", &url],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("import 3:"), "{text}");
    assert!(
        fixture.too_many.load(Ordering::SeqCst) > 0,
        "the area was split on 503"
    );
    assert!(
        fixture.throttled.load(Ordering::SeqCst) > 1,
        "the 429 was retried"
    );

    // The same wards counts as the published street files give.
    let published = dir.path().join("published.db");
    support::sample_wards_and_months(&published, &["2025-11", "2025-12"]);
    let (synced, synced_unlocated) = ward_counts(&db);
    let (expected, expected_unlocated) = ward_counts(&published);
    assert_eq!(synced, expected);
    assert_eq!(synced_unlocated, expected_unlocated);

    // Everything published is loaded now.
    let before = fixture.requests.load(Ordering::SeqCst);
    let again = hotspot(
        &db,
        &["sync", "police-uk", "--force", "sample", "--api-url", &url],
    );
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to fetch"));
    assert_eq!(
        fixture.requests.load(Ordering::SeqCst),
        before,
        "no crimes asked for"
    );
}
