//! The items query: OGC API – Features' `limit`, `offset`, `bbox`,
//! `datetime` and `f`, and Hotspot's own selection, checked and turned
//! into the API's parameters.

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::Response;

use super::error;

/// A download of a collection, with its attribution inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileFormat {
    GeoPackage,
    Csv,
    /// For the grids of numbers: density, and Gi* z-scores.
    GeoTiff,
}

/// Most features in one file (a county's incidents over several years).
const MAX_FILE: usize = 2_000_000;

/// Most features on one page.
pub(crate) const MAX_LIMIT: usize = 10_000;
const DEFAULT_LIMIT: usize = 1000;

/// The query, checked: unknown parameters are refused (OGC API – Features
/// requirement /req/core/query-param-unknown).
#[derive(Debug, Default, PartialEq)]
pub(crate) struct ItemsQuery {
    pub(crate) limit: usize,
    /// GeoJSON unless a file (`f=gpkg` or `f=csv`) is asked for.
    pub(crate) file: Option<FileFormat>,
    pub(crate) offset: usize,
    pub(crate) bbox: Option<[f64; 4]>,
    /// The API's `period` for `datetime` (or Hotspot's own `period=`).
    pub(crate) period: Option<String>,
    /// Hotspot's selection parameters (`group`, `type`, `source`), passed
    /// to the API as they are.
    pub(crate) selection: Vec<(String, String)>,
}

/// The parameters items accept: the standard's, `f`, and Hotspot's
/// selection (declared in `/ogc/api`, as the standard allows).
const ACCEPTED: [&str; 9] = [
    "limit", "offset", "bbox", "datetime", "f", "period", "group", "type", "source",
];

pub(crate) fn bad(message: String) -> Response {
    error(StatusCode::BAD_REQUEST, &message)
}

impl ItemsQuery {
    pub(crate) fn parse(q: &HashMap<String, String>) -> Result<Self, String> {
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

/// `path?` with the period and selection of `q`, then `extra`.
pub(crate) fn api_path(path: &str, q: &ItemsQuery, extra: &[String]) -> String {
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

/// A query value as the API's URL needs it.
fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
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
