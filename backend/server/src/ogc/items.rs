//! `/ogc/collections/{id}/items`: a collection's features, read from the
//! API, filtered by `bbox` and `datetime`, paged with `limit` and `offset`.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::collections::{Collection, COLLECTIONS};
use super::{error, link, Api, RequestContext};

/// The collection `id`. Its API endpoint decides who may read it (401 or
/// 403, as from `/api`).
fn find(id: &str) -> Option<&'static Collection> {
    COLLECTIONS.iter().find(|c| c.id == id)
}

fn no_collection(id: &str) -> Response {
    error(StatusCode::NOT_FOUND, &format!("no collection {id:?}"))
}

/// A download of a collection, with its attribution inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileFormat {
    GeoPackage,
    Csv,
    /// For the grids of numbers: density, and Gi* z-scores.
    GeoTiff,
}

/// Most features in one file (a county's incidents over several years).
const MAX_FILE: usize = 2_000_000;

/// Most features on one page.
const MAX_LIMIT: usize = 10_000;
const DEFAULT_LIMIT: usize = 1000;

/// The query, checked: unknown parameters are refused (OGC API – Features
/// requirement /req/core/query-param-unknown).
#[derive(Debug, Default, PartialEq)]
struct ItemsQuery {
    limit: usize,
    /// GeoJSON unless a file (`f=gpkg` or `f=csv`) is asked for.
    file: Option<FileFormat>,
    offset: usize,
    bbox: Option<[f64; 4]>,
    /// The API's `period` for `datetime` (or Hotspot's own `period=`).
    period: Option<String>,
    /// Hotspot's selection parameters (`group`, `type`, `source`), passed
    /// to the API as they are.
    selection: Vec<(String, String)>,
}

/// The parameters items accept: the standard's, `f`, and Hotspot's
/// selection (declared in `/ogc/api`, as the standard allows).
const ACCEPTED: [&str; 9] = [
    "limit", "offset", "bbox", "datetime", "f", "period", "group", "type", "source",
];

fn bad(message: String) -> Response {
    error(StatusCode::BAD_REQUEST, &message)
}

impl ItemsQuery {
    fn parse(q: &HashMap<String, String>) -> Result<Self, String> {
        if let Some(k) = q.keys().find(|k| !ACCEPTED.contains(&k.as_str())) {
            return Err(format!(
                "unknown parameter {k:?}: accepted are {}",
                ACCEPTED.join(", ")
            ));
        }
        if q.contains_key("period") && q.contains_key("datetime") {
            return Err("give datetime or period, not both".into());
        }
        let number = |name: &str, default: usize| match q.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<usize>()
                .map_err(|_| format!("{name} must be a whole number, not {v:?}")),
        };
        let file = match q.get("f").map(String::as_str) {
            None | Some("json" | "geojson") => None,
            Some("gpkg") => Some(FileFormat::GeoPackage),
            Some("csv") => Some(FileFormat::Csv),
            Some("geotiff") => Some(FileFormat::GeoTiff),
            Some(other) => {
                return Err(format!(
                    "f must be json, gpkg, csv or geotiff, not {other:?}"
                ))
            }
        };
        let limit = number(
            "limit",
            if file.is_some() {
                MAX_FILE
            } else {
                DEFAULT_LIMIT
            },
        )?;
        if limit == 0 {
            return Err(format!("limit must be 1..={MAX_LIMIT}"));
        }
        Ok(ItemsQuery {
            // Larger pages are cut to the largest (the spec allows it); a
            // file holds every matching feature.
            limit: if file.is_some() {
                limit.min(MAX_FILE)
            } else {
                limit.min(MAX_LIMIT)
            },
            file,
            offset: number("offset", 0)?,
            bbox: q.get("bbox").map(|b| parse_bbox(b)).transpose()?,
            period: match (q.get("datetime"), q.get("period")) {
                (Some(d), _) => period(d)?,
                (None, Some(p)) => Some(p.clone()),
                (None, None) => None,
            },
            selection: ["group", "type", "source"]
                .iter()
                .filter_map(|k| Some((k.to_string(), q.get(*k)?.clone())))
                .collect(),
        })
    }
}

fn parse_bbox(text: &str) -> Result<[f64; 4], String> {
    let v: Vec<f64> = text
        .split(',')
        .map(|s| s.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("bbox must be four numbers, minLon,minLat,maxLon,maxLat: {text:?}"))?;
    match v[..] {
        [a, b, c, d] if a <= c && b <= d => Ok([a, b, c, d]),
        [_, _, _, _] => Err(format!("bbox's minimum exceeds its maximum: {text:?}")),
        _ => Err(format!(
            "bbox must be four numbers (2D, CRS84), minLon,minLat,maxLon,maxLat: {text:?}"
        )),
    }
}

/// `datetime` (an RFC 3339 instant, or an interval `a/b` with `..` for an
/// open end) as the API's `period`: an instant is its month (police.uk
/// data are monthly); an interval runs from its start to its end. `None`
/// for `../..` (no restriction).
fn period(text: &str) -> Result<Option<String>, String> {
    let instant = |s: &str| -> Result<String, String> {
        let date = s
            .get(..10)
            .filter(|d| d.len() == 10 && d.as_bytes()[4] == b'-');
        let time = s.get(11..16).filter(|_| s.len() > 10);
        match (date, time) {
            (Some(d), Some(t)) => Ok(format!("{d}T{t}")),
            (Some(d), None) => Ok(d.to_string()),
            _ => Err(format!(
                "datetime must be RFC 3339 (2025-03-01 or 2025-03-01T00:00:00Z), or an interval a/b: {text:?}"
            )),
        }
    };
    let p = match text.split_once('/') {
        None => {
            let i = instant(text)?;
            i[..7].to_string()
        }
        Some(("..", "..")) | Some(("", "")) => return Ok(None),
        Some((a, b)) => {
            let open = |s: &str| s.is_empty() || s == "..";
            let start = if open(a) {
                "1900-01-01".to_string()
            } else {
                instant(a)?
            };
            let end = if open(b) {
                "2999-12-31".to_string()
            } else {
                instant(b)?
            };
            whole_months(&start, &end).unwrap_or(format!("{start}..{end}"))
        }
    };
    hotspot_core::Period::parse(&p).map_err(|e| format!("datetime {text:?}: {e}"))?;
    Ok(Some(p))
}

/// `YYYY-MM..YYYY-MM` when an interval runs from the first day of a month
/// to the last day of one (police.uk data are monthly: such an interval is
/// those months, month-only incidents included).
fn whole_months(start: &str, end: &str) -> Option<String> {
    use chrono::{Datelike, NaiveDate};
    let s = NaiveDate::parse_from_str(start, "%Y-%m-%d").ok()?;
    let e = NaiveDate::parse_from_str(end, "%Y-%m-%d").ok()?;
    let last_day = e.succ_opt()?.day() == 1;
    (s.day() == 1 && last_day).then(|| format!("{}..{}", &start[..7], &end[..7]))
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

/// `path?` with the period and selection of `q`, then `extra`.
fn api_path(path: &str, q: &ItemsQuery, extra: &[String]) -> String {
    let params: Vec<String> = q
        .period
        .iter()
        .map(|p| format!("period={}", urlencode(p)))
        .chain(
            q.selection
                .iter()
                .map(|(k, v)| format!("{k}={}", urlencode(v))),
        )
        .chain(extra.iter().cloned())
        .collect();
    if params.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", params.join("&"))
    }
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

/// A query value as the API's URL needs it.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
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

/// A grid collection as a GeoTIFF: the density surface as the API writes
/// it, Gi* z-scores placed cell by cell; other collections are not grids
/// of numbers.
async fn geotiff(
    api: &Api,
    req: &RequestContext,
    c: &Collection,
    q: &ItemsQuery,
    cells: Vec<Value>,
) -> Response {
    let bytes = match c.id {
        "density" => match api
            .get_bytes(req, &api_path("/density", q, &["format=geotiff".into()]))
            .await
        {
            Ok(b) => b.to_vec(),
            Err(e) => return e,
        },
        "gistar" => {
            let fc = json!({ "type": "FeatureCollection", "features": cells });
            let tiff = tokio::task::spawn_blocking(move || {
                hotspot_briefing::cells_geotiff(
                    &fc,
                    "z",
                    "Getis-Ord Gi* z-scores, British National Grid (EPSG:27700)",
                )
            })
            .await;
            match tiff {
                Ok(Ok(Some(b))) => b,
                Ok(Ok(None)) => {
                    return error(StatusCode::NOT_FOUND, "no Gi* cells for this selection")
                }
                Ok(Err(e)) => return error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
                Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
            }
        }
        other => {
            return bad(format!(
                "f=geotiff is for the grids of numbers, density and gistar, not {other}: use f=gpkg"
            ))
        }
    };
    attachment(bytes, "image/tiff", &format!("{}.tif", file_stem(c, q)))
}

/// e.g. `hotspot-hotspots-2025-07_2025-12`.
fn file_stem(c: &Collection, q: &ItemsQuery) -> String {
    match &q.period {
        Some(p) => format!("hotspot-{}-{}", c.id, p.replace("..", "_").replace(':', "")),
        None => format!("hotspot-{}", c.id),
    }
}

/// A file to save, never cached (it may hold unsuppressed counts).
fn attachment(bytes: Vec<u8>, media: &str, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, media.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// The features as a file to download, marked for who asked: public
/// answers have small counts withheld (by the API), others are not for
/// publication.
async fn file(
    api: &Api,
    req: &RequestContext,
    c: &Collection,
    q: &ItemsQuery,
    features: Vec<Value>,
    format: FileFormat,
) -> Response {
    let (media, ext) = match format {
        FileFormat::GeoTiff => return geotiff(api, req, c, q, features).await,
        FileFormat::GeoPackage => ("application/geopackage+sqlite3", "gpkg"),
        FileFormat::Csv => ("text/csv; charset=utf-8", "csv"),
    };
    let me = match api.get(req, "/me").await {
        Ok(me) => me,
        Err(e) => return e,
    };
    let marking = if me["role"] == "public" {
        let below = me["suppress_below"].as_u64().unwrap_or(0);
        format!(
            "PUBLIC: counts of 1 to {} are withheld",
            below.saturating_sub(1)
        )
    } else {
        "NOT FOR PUBLICATION: unsuppressed counts".to_string()
    };
    let meta = hotspot_briefing::LayerMeta {
        name: c.id.to_string(),
        title: format!(
            "{}, {}",
            c.title,
            q.period
                .as_deref()
                .map_or("the default period".into(), |p| format!("period {p}"))
        ),
        attribution: vec![
            hotspot_core::disclosure::OGL_ATTRIBUTION.to_string(),
            hotspot_core::disclosure::BOUNDARIES_ATTRIBUTION.to_string(),
        ],
        marking,
    };
    let fc = json!({ "type": "FeatureCollection", "features": features });
    let stem = file_stem(c, q);
    let bytes = tokio::task::spawn_blocking(move || match format {
        FileFormat::Csv => hotspot_briefing::layer_csv(&fc, &meta),
        _ => hotspot_briefing::layer_geopackage(&fc, &meta),
    })
    .await;
    match bytes {
        Ok(Ok(bytes)) => attachment(bytes, media, &format!("{stem}.{ext}")),
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
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

    fn query(pairs: &[(&str, &str)]) -> Result<ItemsQuery, String> {
        ItemsQuery::parse(
            &pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn datetime_becomes_the_apis_period() {
        assert_eq!(period("2025-03-15T10:00:00Z").unwrap().unwrap(), "2025-03");
        assert_eq!(
            period("2025-01-01T00:00:00Z/2025-06-30T23:59:59Z")
                .unwrap()
                .unwrap(),
            "2025-01-01T00:00..2025-06-30T23:59"
        );
        // Whole months stay months (month-only incidents included).
        assert_eq!(
            period("../2025-06-30").unwrap().unwrap(),
            "1900-01..2025-06"
        );
        assert_eq!(
            period("2025-07-01/2025-12-31").unwrap().unwrap(),
            "2025-07..2025-12"
        );
        assert_eq!(
            period("2025-07-02/2025-12-31").unwrap().unwrap(),
            "2025-07-02..2025-12-31"
        );
        assert_eq!(period("../..").unwrap(), None);
        assert!(period("last tuesday").unwrap_err().contains("RFC 3339"));
        assert!(
            period("2025-06-30/2025-01-01").is_err(),
            "an interval ending before it starts"
        );
    }

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

    #[test]
    fn the_query_is_checked_and_unknown_parameters_refused() {
        let q = query(&[("limit", "20000"), ("bbox", "-1,52,-0.5,52.5")]).unwrap();
        assert_eq!(
            (q.limit, q.offset, q.bbox),
            (MAX_LIMIT, 0, Some([-1.0, 52.0, -0.5, 52.5]))
        );
        assert!(query(&[("colour", "red")])
            .unwrap_err()
            .contains("unknown parameter \"colour\""));
        assert!(query(&[("limit", "0")]).is_err());
        assert!(query(&[("bbox", "1,2,3")]).is_err());
        assert!(query(&[("bbox", "3,2,1,4")])
            .unwrap_err()
            .contains("exceeds"));
    }
}
