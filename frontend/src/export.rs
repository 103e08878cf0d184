//! The current layer's data as CSV (one row per feature, every property,
//! point coordinates or a polygon's label point) for a spreadsheet.

use serde_json::Value;

/// A CSV field: quoted when needed, a formula made inert.
pub(crate) fn csv_field(s: &str) -> String {
    // A leading =, +, - or @ would be evaluated as a formula by spreadsheets:
    // prefix it with ' (numbers such as -3 are left alone).
    let formula = s.starts_with(['=', '+', '-', '@']) && !is_number(s);
    let body = if formula {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if formula || body.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", body.replace('"', "\"\""))
    } else {
        body
    }
}

fn is_number(s: &str) -> bool {
    s.parse::<f64>().is_ok()
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// Ward properties withheld with a small count (`"suppressed": true`) and
/// with a small comparison count (`"comparison_suppressed": true`).
const COUNT_DERIVED: [&str; 9] = [
    "count",
    "rate_per_1000",
    "annual_rate_per_1000",
    "share",
    "change",
    "change_pct",
    "p_value",
    "change_significant",
    "direction",
];
const COMPARISON_DERIVED: [&str; 6] = [
    "comparison_count",
    "change",
    "change_pct",
    "p_value",
    "change_significant",
    "direction",
];

/// The text for a property the API withheld (its value is `null` and the
/// feature says why): "fewer than 3" for a count, "suppressed" for what
/// derives from one. A spreadsheet then never reads it as 0.
fn withheld(key: &str, props: &Value) -> Option<String> {
    if !props[key].is_null() {
        return None;
    }
    let by_count = props["suppressed"] == true && COUNT_DERIVED.contains(&key);
    let by_comparison = props["comparison_suppressed"] == true && COMPARISON_DERIVED.contains(&key);
    (by_count || by_comparison).then(|| {
        if key.ends_with("count") {
            crate::format::fewer_than()
        } else {
            crate::format::SUPPRESSED.to_string()
        }
    })
}

/// A point inside or on a feature for its CSV row: the point itself, or the
/// mean of a polygon's outer-ring vertices (first polygon of a multipolygon).
pub fn label_point(geometry: &Value) -> Option<(f64, f64)> {
    let coords = &geometry["coordinates"];
    let ring: &Vec<Value> = match geometry["type"].as_str()? {
        "Point" => {
            return Some((coords[0].as_f64()?, coords[1].as_f64()?));
        }
        "Polygon" => coords[0].as_array()?,
        "MultiPolygon" => coords[0][0].as_array()?,
        _ => return None,
    };
    let pts: Vec<(f64, f64)> = ring
        .iter()
        .take(ring.len().saturating_sub(1).max(1))
        .filter_map(|p| Some((p[0].as_f64()?, p[1].as_f64()?)))
        .collect();
    if pts.is_empty() {
        return None;
    }
    let n = pts.len() as f64;
    Some((
        pts.iter().map(|p| p.0).sum::<f64>() / n,
        pts.iter().map(|p| p.1).sum::<f64>() / n,
    ))
}

/// CSV of a FeatureCollection: `id`, then the `first` properties present,
/// then every other property key (alphabetical), then `longitude,latitude`
/// (the point, or a polygon's centre).
pub fn feature_collection_csv(fc: &Value, first: &[&str]) -> String {
    let empty = Vec::new();
    let features = fc["features"].as_array().unwrap_or(&empty);
    let mut keys: Vec<String> = first
        .iter()
        .filter(|k| features.iter().any(|f| f["properties"].get(**k).is_some()))
        .map(|k| k.to_string())
        .collect();
    for f in features {
        if let Some(props) = f["properties"].as_object() {
            for k in props.keys() {
                if !keys.iter().any(|x| x == k) {
                    keys.push(k.clone());
                }
            }
        }
    }
    // Feature ids, unless absent or a copy of the `code` property (wards).
    let has_id = features.iter().any(|f| !f["id"].is_null())
        && !keys.iter().any(|k| k == "id")
        && !features.iter().all(|f| f["id"] == f["properties"]["code"]);
    let mut header: Vec<String> = Vec::new();
    if has_id {
        header.push("id".into());
    }
    header.extend(keys.iter().cloned());
    header.push("longitude".into());
    header.push("latitude".into());
    let mut out = String::new();
    out.push_str(
        &header
            .iter()
            .map(|h| csv_field(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for f in features {
        let mut row: Vec<String> = Vec::with_capacity(header.len());
        if has_id {
            row.push(csv_field(&cell(&f["id"])));
        }
        for k in &keys {
            let p = &f["properties"];
            row.push(match withheld(k, p) {
                Some(text) => text,
                None => csv_field(&cell(&p[k])),
            });
        }
        match label_point(&f["geometry"]) {
            Some((x, y)) => {
                row.push(format!("{x:.6}"));
                row.push(format!("{y:.6}"));
            }
            None => {
                row.push(String::new());
                row.push(String::new());
            }
        }
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn csv_has_every_property_quoted_safely_and_a_coordinate() {
        let fc = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": "E05999001",
             "geometry": {"type": "Polygon", "coordinates": [[[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]]]},
             "properties": {"name": "St Mary's, \"North\"", "count": 12, "change_pct": null, "by_category": {"Burglary": 2}}},
            {"type": "Feature",
             "geometry": {"type": "Point", "coordinates": [-1.5, 52.25]},
             "properties": {"name": "=cmd()", "count": -3, "extra": true}}
        ]});
        let csv = feature_collection_csv(&fc, &["name", "missing"]);
        let lines: Vec<_> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "id,name,by_category,change_pct,count,extra,longitude,latitude"
        );
        assert_eq!(
            lines[1],
            "E05999001,\"St Mary's, \"\"North\"\"\",\"{\"\"Burglary\"\":2}\",,12,,1.000000,1.000000"
        );
        assert_eq!(lines[2], ",\"'=cmd()\",,,-3,true,-1.500000,52.250000");
        assert_eq!(lines[3], "");
    }

    #[test]
    fn ward_ids_that_repeat_the_code_are_not_a_column() {
        let fc = json!({"features": [{"id": "E1", "properties": {"code": "E1", "count": 2}, "geometry": null}]});
        assert_eq!(
            feature_collection_csv(&fc, &["code"]),
            "code,count,longitude,latitude\r\nE1,2,,\r\n"
        );
    }

    #[test]
    fn withheld_values_say_so() {
        let fc = json!({"features": [
            {"properties": {"code": "E1", "count": null, "rate_per_1000": null, "comparison_count": 5,
                            "change_pct": null, "population": null, "suppressed": true}, "geometry": null},
            {"properties": {"code": "E2", "count": 8, "rate_per_1000": null, "comparison_count": null,
                            "change_pct": null, "population": null, "comparison_suppressed": true}, "geometry": null}
        ]});
        let csv = feature_collection_csv(
            &fc,
            &[
                "code",
                "population",
                "count",
                "rate_per_1000",
                "comparison_count",
                "change_pct",
            ],
        );
        let lines: Vec<_> = csv.split("\r\n").collect();
        assert_eq!(lines[0], "code,population,count,rate_per_1000,comparison_count,change_pct,suppressed,comparison_suppressed,longitude,latitude");
        // A missing population stays empty; withheld figures are named.
        assert_eq!(lines[1], "E1,,fewer than 3,suppressed,5,suppressed,true,,,");
        assert_eq!(lines[2], "E2,,8,,fewer than 3,suppressed,,true,,");
        assert!(!csv.contains("NaN"));
    }

    #[test]
    fn empty_collections_give_a_header() {
        assert_eq!(
            feature_collection_csv(&json!({"features": []}), &["name"]),
            "longitude,latitude\r\n"
        );
    }
}
