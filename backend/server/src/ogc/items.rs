//! `/ogc/collections/{id}/items`: a collection's features, read from the
//! API, filtered by `bbox` and `datetime`, paged with `limit` and `offset`.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::collections::{Collection, COLLECTIONS};
use super::files::file;
use super::query::{api_path, bad, ItemsQuery, MAX_LIMIT};
use super::{error, link, Api, RequestContext};

/// The collection `id`. Its API endpoint decides who may read it (401 or
/// 403, as from `/api`).
fn find(id: &str) -> Option<&'static Collection> {
    COLLECTIONS.iter().find(|c| c.id == id)
}

fn no_collection(id: &str) -> Response {
    error(StatusCode::NOT_FOUND, &format!("no collection {id:?}"))
}

/// `minLon, minLat, maxLon, maxLat` of every coordinate in a GeoJSON value.
fn bounds(v: &Value, b: &mut [f64; 4]) {
    match v {
        Value::Array(a) if a.len() >= 2 && a[0].is_number() => {
            let (x, y) = (a[0].as_f64().unwrap_or(0.0), a[1].as_f64().unwrap_or(0.0));
            *b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        }
        Value::Array(a) => a.iter().for_each(|c| bounds(c, b)),
        _ => {}
    }
}

fn feature_bbox(f: &Value) -> Option<[f64; 4]> {
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    bounds(&f["geometry"]["coordinates"], &mut b);
    (b[0] <= b[2]).then_some(b)
}

/// The bounding box of a FeatureCollection's features.
pub fn collection_bbox(fc: &Value) -> Option<[f64; 4]> {
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    bounds(
        &Value::Array(
            fc["features"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| f["geometry"]["coordinates"].clone())
                .collect(),
        ),
        &mut b,
    );
    (b[0] <= b[2]).then_some(b)
}

fn meets(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/// The collection's features for `q` (all of them but for `incidents`,
/// which the API pages itself), each with its `id`, and how many match.
async fn features(
    api: &Api,
    req: &RequestContext,
    id: &str,
    q: &ItemsQuery,
) -> Result<(Vec<Value>, usize), Response> {
    let get = |path: &str, extra: &[String]| {
        let path = api_path(path, q, extra);
        async move { api.get(req, &path).await }
    };
    let mut all: Vec<Value> = match id {
        "incidents" => return incidents(api, req, q).await,
        "density" => numbered(
            get("/density", &["format=geojson".into()]).await?["features"].clone(),
            0,
        ),
        "gistar" => numbered(get("/gistar", &[]).await?["features"].clone(), 0),
        "emerging" => numbered(get("/emerging", &[]).await?["features"].clone(), 0),
        "wards" => keyed(get("/wards", &[]).await?["features"].clone(), "code"),
        "hotspots" => numbered(get("/hotspots", &[]).await?["features"].clone(), 0),
        _ => interventions(api.get(req, "/interventions").await?, q.period.as_deref()),
    };
    if let Some(b) = q.bbox {
        all.retain(|f| feature_bbox(f).is_some_and(|fb| meets(fb, b)));
    }
    let matched = all.len();
    Ok((
        all.into_iter().skip(q.offset).take(q.limit).collect(),
        matched,
    ))
}

/// Incidents from `q.offset`, page after page of the API's (a file takes
/// them all), and how many match.
async fn incidents(
    api: &Api,
    req: &RequestContext,
    q: &ItemsQuery,
) -> Result<(Vec<Value>, usize), Response> {
    let (mut features, mut matched) = (Vec::new(), usize::MAX);
    while features.len() < q.limit && q.offset + features.len() < matched {
        let offset = q.offset + features.len();
        let limit = (q.limit - features.len()).min(MAX_LIMIT);
        let mut extra = vec![format!("limit={limit}"), format!("offset={offset}")];
        if let Some(b) = q.bbox {
            extra.push(format!("bbox={},{},{},{}", b[0], b[1], b[2], b[3]));
        }
        let page = api.get(req, &api_path("/incidents", q, &extra)).await?;
        matched = page["numberMatched"].as_u64().unwrap_or(0) as usize;
        let got = numbered(page["features"].clone(), offset);
        if got.is_empty() {
            break;
        }
        features.extend(got);
    }
    Ok((features, if matched == usize::MAX { 0 } else { matched }))
}

/// Features whose `id` is a property's value (a ward's code).
fn keyed(features: Value, key: &str) -> Vec<Value> {
    let mut v: Vec<Value> = serde_json::from_value(features).unwrap_or_default();
    for f in &mut v {
        f["id"] = f["properties"][key].clone();
    }
    v
}

/// Features numbered from `first + 1` in the API's order.
fn numbered(features: Value, first: usize) -> Vec<Value> {
    let mut v: Vec<Value> = serde_json::from_value(features).unwrap_or_default();
    for (i, f) in v.iter_mut().enumerate() {
        f["id"] = json!(first + i + 1);
    }
    v
}

/// The intervention log as features (their areas), those running at some
/// time in `period` when it is given.
fn interventions(list: Value, period: Option<&str>) -> Vec<Value> {
    let (from, to) = match period.map(|p| p.split_once("..").unwrap_or((p, p))) {
        Some((a, b)) => (a.get(..10).unwrap_or(a), b.get(..10).unwrap_or(b)),
        None => ("", "9999"),
    };
    // Dates compared to a bound's length: a month `2025-03` holds its days.
    let cut = |date: &str, bound: &str| date.get(..bound.len()).unwrap_or(date).to_string();
    let items: Vec<Value> = serde_json::from_value(list).unwrap_or_default();
    items
        .into_iter()
        .filter(|i| {
            let start = i["start"].as_str().unwrap_or("");
            let ended = i["end"]
                .as_str()
                .is_some_and(|e| cut(e, from).as_str() < from);
            cut(start, to).as_str() <= to && !ended
        })
        .map(|mut i| {
            let geometry = i["area"].take();
            let id = i["id"].clone();
            if let Some(o) = i.as_object_mut() {
                o.remove("area");
            }
            json!({ "type": "Feature", "id": id, "geometry": geometry, "properties": i })
        })
        .collect()
}

fn geojson(body: Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/geo+json")],
        axum::Json(body),
    )
        .into_response()
}

pub async fn items(
    State(api): State<Api>,
    req: RequestContext,
    Path(id): Path<String>,
    Query(raw): Query<HashMap<String, String>>,
) -> Response {
    let Some(c) = find(&id) else {
        return no_collection(&id);
    };
    let q = match ItemsQuery::parse(&raw) {
        Ok(q) => q,
        Err(m) => return bad(m),
    };
    let (page, matched) = match features(&api, &req, c.id, &q).await {
        Ok(x) => x,
        Err(e) => return e,
    };
    if let Some(format) = q.file {
        return file(&api, &req, c, &q, page, format).await;
    }
    let here = format!("{}/collections/{}/items", req.base, c.id);
    let query = |offset: usize| {
        let mut p: Vec<String> = raw
            .iter()
            .filter(|(k, _)| k.as_str() != "offset")
            .map(|(k, v)| format!("{k}={}", v.replace('&', "%26").replace(' ', "%20")))
            .collect();
        p.sort();
        p.push(format!("offset={offset}"));
        format!("{here}?{}", p.join("&"))
    };
    let mut links = vec![link(
        query(q.offset),
        "self",
        "application/geo+json",
        "This page",
    )];
    if q.offset + page.len() < matched {
        links.push(link(
            query(q.offset + page.len()),
            "next",
            "application/geo+json",
            "The next page",
        ));
    }
    geojson(json!({
        "type": "FeatureCollection",
        "timeStamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "numberMatched": matched,
        "numberReturned": page.len(),
        "features": page,
        "links": links,
    }))
}

pub async fn item(
    State(api): State<Api>,
    req: RequestContext,
    Path((id, fid)): Path<(String, String)>,
) -> Response {
    let Some(c) = find(&id) else {
        return no_collection(&id);
    };
    let not_found = || {
        error(
            StatusCode::NOT_FOUND,
            &format!("no feature {fid:?} in {id}"),
        )
    };
    // Incidents are numbered by their place in the API's order.
    let q = match (c.id, fid.parse::<usize>()) {
        ("incidents", Ok(n)) if n >= 1 => ItemsQuery {
            limit: 1,
            offset: n - 1,
            ..Default::default()
        },
        ("incidents", _) => return not_found(),
        _ => ItemsQuery {
            limit: MAX_LIMIT,
            ..Default::default()
        },
    };
    let features = match features(&api, &req, c.id, &q).await {
        Ok((f, _)) => f,
        Err(e) => return e,
    };
    let Some(mut f) = features
        .into_iter()
        .find(|f| f["id"] == json!(fid) || f["id"].as_u64().is_some_and(|n| n.to_string() == fid))
    else {
        return not_found();
    };
    let base = format!("{}/collections/{}", req.base, c.id);
    f["links"] = json!([
        link(
            format!("{base}/items/{fid}"),
            "self",
            "application/geo+json",
            "This feature"
        ),
        link(base, "collection", "application/json", c.title),
    ]);
    geojson(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_collections_bbox_holds_every_coordinate() {
        let fc = json!({ "features": [
            { "geometry": { "type": "Point", "coordinates": [-1.0, 52.0] } },
            { "geometry": { "type": "MultiPolygon", "coordinates": [[[[-0.5, 52.5], [-0.6, 51.9], [-0.5, 52.5]]]] } },
        ]});
        assert_eq!(collection_bbox(&fc), Some([-1.0, 51.9, -0.5, 52.5]));
        assert!(meets([-1.0, 52.0, -0.9, 52.1], [-0.95, 52.05, 0.0, 53.0]));
        assert!(!meets([-1.0, 52.0, -0.9, 52.1], [-0.8, 52.05, 0.0, 53.0]));
    }
}
