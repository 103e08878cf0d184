//! Incident vector tiles through the real router, on the generated sample:
//! decoded, their counts are the incidents `/api/incidents` selects in
//! each tile, clustered below zoom 15 and per location from it.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::http::StatusCode;
use axum::Router;
use hotspot_server::{app, AppState};
use mvt_reader::feature::Value as Tag;
use serde_json::Value;

mod common;

use common::get_raw as get;

/// The sample behind the router (anonymous callers are analysts), and the
/// state, whose snapshot gives each incident's exact location.
async fn sample() -> (Router, Arc<AppState>) {
    let state = common::sample_state_as(hotspot_core::Role::Analyst).await;
    (app(state.clone()), state)
}

/// One decoded tile point: position in tile units and its tags.
struct Point {
    x: f64,
    y: f64,
    tags: HashMap<String, Tag>,
}

impl Point {
    fn uint(&self, key: &str) -> u64 {
        match self.tags.get(key) {
            Some(Tag::UInt(n)) => *n,
            other => panic!("{key}: {other:?}"),
        }
    }

    fn text(&self, key: &str) -> &str {
        match self.tags.get(key) {
            Some(Tag::String(s)) => s,
            other => panic!("{key}: {other:?}"),
        }
    }
}

/// The tile's points, or none for a 204.
async fn tile(app: &Router, z: u8, (x, y): (u32, u32), query: &str) -> Vec<Point> {
    let uri = format!("/api/tiles/incidents/{z}/{x}/{y}.mvt?{query}");
    let (status, ctype, body) = get(app, &uri).await;
    if status == StatusCode::NO_CONTENT {
        assert!(body.is_empty());
        return Vec::new();
    }
    assert_eq!(
        status,
        StatusCode::OK,
        "{uri}: {}",
        String::from_utf8_lossy(&body)
    );
    assert_eq!(ctype, "application/vnd.mapbox-vector-tile");
    let reader = mvt_reader::Reader::new(body).unwrap();
    assert_eq!(reader.get_layer_names().unwrap(), vec!["incidents"]);
    let layer = &reader.get_layer_metadata().unwrap()[0];
    assert_eq!(layer.extent, 4096);
    reader
        .get_features(0)
        .unwrap()
        .into_iter()
        // mvt-reader reads every point geometry as a multipoint.
        .map(|f| match f.geometry {
            geo_types::Geometry::MultiPoint(p) if p.0.len() == 1 => Point {
                x: p.0[0].x() as f64,
                y: p.0[0].y() as f64,
                tags: f.properties.unwrap_or_default(),
            },
            other => panic!("{uri}: not one point: {other:?}"),
        })
        .collect()
}

/// The textbook Web Mercator tile of a WGS84 point.
fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let n = (1u64 << z) as f64;
    let x = ((lon + 180.0) / 360.0 * n).floor();
    let y = ((1.0 - lat.to_radians().tan().asinh() / std::f64::consts::PI) / 2.0 * n).floor();
    (x as u32, y as u32)
}

/// An incident: lon, lat, category, month.
type Picked = (f64, f64, String, String);

/// What `/api/incidents` selects: per incident, its exact lon/lat (from
/// the snapshot, by id), category and month.
async fn selected(app: &Router, state: &AppState, query: &str) -> Vec<Picked> {
    let ds = state.dataset();
    let by_id: HashMap<i64, usize> = (0..ds.len()).map(|k| (ds.incident(k).0, k)).collect();
    let (status, _, body) = get(app, &format!("/api/incidents?limit=10000&{query}")).await;
    assert_eq!(status, StatusCode::OK);
    let fc: Value = serde_json::from_slice(&body).unwrap();
    assert!(fc["nextOffset"].is_null(), "one page holds the sample");
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            let inc = &ds.incident(by_id[&f["id"].as_i64().unwrap()]).1;
            let l = inc.location?;
            Some((l.lon, l.lat, inc.category.clone(), inc.month.to_string()))
        })
        .collect()
}

const SELECTIONS: &[&str] = &[
    "",
    "group=serious-acquisitive&period=2025-01..2025-06",
    "type=Burglary,Drugs",
    "source=fly-tipping",
    "ward=E05999006",
];

#[tokio::test]
async fn cluster_counts_sum_to_the_selected_incidents_in_each_tile() {
    let (app, state) = sample().await;
    for query in SELECTIONS {
        let picked = selected(&app, &state, query).await;
        assert!(!picked.is_empty(), "{query}");
        for z in [8u8, 12] {
            let mut want: BTreeMap<(u32, u32), u64> = BTreeMap::new();
            for (lon, lat, ..) in &picked {
                *want.entry(tile_of(*lon, *lat, z)).or_default() += 1;
            }
            for (&xy, &n) in &want {
                let points = tile(&app, z, xy, query).await;
                let total: u64 = points.iter().map(|p| p.uint("point_count")).sum();
                assert_eq!(total, n, "{query} at {z}/{xy:?}");
                assert!(points.len() <= 64 * 64);
                assert!(points.iter().all(|p| p.tags.len() == 1));
            }
        }
    }
}

#[tokio::test]
async fn zoomed_in_each_location_has_its_count_type_and_latest_month() {
    let (app, state) = sample().await;
    for query in SELECTIONS {
        let picked = selected(&app, &state, query).await;
        let mut tiles: BTreeMap<(u32, u32), u64> = BTreeMap::new();
        for (lon, lat, ..) in &picked {
            *tiles.entry(tile_of(*lon, *lat, 16)).or_default() += 1;
        }
        // The ten busiest tiles at zoom 16.
        let mut busiest: Vec<_> = tiles.into_iter().collect();
        busiest.sort_by_key(|&(xy, n)| (std::cmp::Reverse(n), xy));
        for &(xy, n) in busiest.iter().take(10) {
            let points = tile(&app, 16, xy, query).await;
            assert_eq!(points.iter().map(|p| p.uint("count")).sum::<u64>(), n);
            // Per location: the count, the most common type, the latest month.
            let mut at: BTreeMap<(u64, u64), Vec<&Picked>> = BTreeMap::new();
            for i in picked.iter().filter(|i| tile_of(i.0, i.1, 16) == xy) {
                at.entry((i.0.to_bits(), i.1.to_bits()))
                    .or_default()
                    .push(i);
            }
            assert_eq!(points.len(), at.len(), "{query} at 16/{xy:?}");
            for incidents in at.values() {
                let (lon, lat) = (incidents[0].0, incidents[0].1);
                let (px, py) = pixel(lon, lat, 16, xy);
                let p = points
                    .iter()
                    .find(|p| (p.x - px).abs() <= 0.5 && (p.y - py).abs() <= 0.5)
                    .unwrap_or_else(|| panic!("no point at {lon},{lat}"));
                let mut by_type: BTreeMap<&str, u64> = BTreeMap::new();
                for i in incidents {
                    *by_type.entry(&i.2).or_default() += 1;
                }
                let top = by_type.values().max().unwrap();
                let latest = incidents.iter().map(|i| &i.3).max().unwrap();
                if points.iter().filter(|q| (q.x, q.y) == (p.x, p.y)).count() == 1 {
                    assert_eq!(p.uint("count"), incidents.len() as u64);
                    assert_eq!(by_type[p.text("category")], *top);
                    assert_eq!(p.text("month"), latest);
                }
            }
        }
    }
}

/// Where a point falls in tile `xy` at `z`, in tile units.
fn pixel(lon: f64, lat: f64, z: u8, (x, y): (u32, u32)) -> (f64, f64) {
    let n = (1u64 << z) as f64;
    let wx = (lon + 180.0) / 360.0 * n;
    let wy = (1.0 - lat.to_radians().tan().asinh() / std::f64::consts::PI) / 2.0 * n;
    ((wx - x as f64) * 4096.0, (wy - y as f64) * 4096.0)
}

#[tokio::test]
async fn empty_tiles_are_204_and_tiles_that_do_not_exist_400() {
    let (app, _) = sample().await;
    let (status, _, body) = get(&app, "/api/tiles/incidents/12/0/0.mvt").await;
    assert_eq!((status, body.len()), (StatusCode::NO_CONTENT, 0));
    for bad in [
        "23/0/0.mvt",
        "12/4096/1348.mvt",
        "12/2036/4096.mvt",
        "12/2036/1348.png",
        "12/2036/1348",
        "12/-1/1348.mvt",
        "twelve/2036/1348.mvt",
    ] {
        let (status, ..) = get(&app, &format!("/api/tiles/incidents/{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let (status, ..) = get(&app, "/api/tiles/incidents/12/2036/1348.mvt?period=2025-13").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, ..) = get(&app, "/api/tiles/incidents/12/2036/1348.mvt?ward=nowhere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Kept by the response cache: the repeat is the same bytes.
    let first = get(&app, "/api/tiles/incidents/12/2036/1348.mvt").await;
    let again = get(&app, "/api/tiles/incidents/12/2036/1348.mvt").await;
    assert_eq!((first.0, &first.2), (StatusCode::OK, &again.2));
}
