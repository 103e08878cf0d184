//! Small-count suppression for the public role: a count of 1 or 2 incidents
//! in a ward can point at a person, so counts below the threshold (default
//! 3) are withheld, together with every figure derived from them (rate,
//! share, change, p-value). Zero is shown: it identifies no one.

use serde_json::Value;

/// The rule itself is shared with the ward briefings:
/// [`hotspot_core::disclosure::withheld`].
fn small(v: &Value, threshold: u64) -> bool {
    v.as_f64()
        .is_some_and(|n| hotspot_core::disclosure::withheld(n, threshold))
}

fn blank(obj: &mut serde_json::Map<String, Value>, keys: &[&str]) {
    for k in keys {
        if let Some(v) = obj.get_mut(*k) {
            *v = Value::Null;
        }
    }
}

/// Suppresses the named fields of an object wherever they hold a small count.
pub fn fields(obj: &mut Value, keys: &[&str], threshold: u64) {
    if let Some(o) = obj.as_object_mut() {
        for k in keys {
            if o.get(*k).is_some_and(|v| small(v, threshold)) {
                o.insert((*k).to_string(), Value::Null);
                o.insert("suppressed".into(), Value::Bool(true));
            }
        }
    }
}

/// Suppresses the `count` of every object in an array (e.g. counts per
/// category or per month).
pub fn counts_in_array(items: &mut Value, threshold: u64) {
    for item in items.as_array_mut().into_iter().flatten() {
        fields(item, &["count"], threshold);
    }
}

/// Suppresses every small value of a `{name: count}` object.
pub fn map_values(obj: &mut Value, threshold: u64) {
    if let Some(o) = obj.as_object_mut() {
        for v in o.values_mut() {
            if small(v, threshold) {
                *v = Value::Null;
            }
        }
    }
}

/// Suppresses a ward collection (or one ward's properties) in place.
pub fn ward_properties(p: &mut Value, threshold: u64) {
    let Some(o) = p.as_object_mut() else { return };
    if o.get("count").is_some_and(|v| small(v, threshold)) {
        blank(
            o,
            &[
                "count",
                "rate_per_1000",
                "annual_rate_per_1000",
                "share",
                "change",
                "change_pct",
                "p_value",
                "change_significant",
                "direction",
            ],
        );
        o.insert("suppressed".into(), Value::Bool(true));
    }
    if o.get("comparison_count")
        .is_some_and(|v| small(v, threshold))
    {
        blank(
            o,
            &[
                "comparison_count",
                "change",
                "change_pct",
                "p_value",
                "change_significant",
                "direction",
            ],
        );
        o.insert("comparison_suppressed".into(), Value::Bool(true));
    }
}

/// Suppresses a ward FeatureCollection in place.
pub fn ward_collection(fc: &mut Value, threshold: u64) {
    if let Some(features) = fc.get_mut("features").and_then(Value::as_array_mut) {
        for f in features {
            if let Some(p) = f.get_mut("properties") {
                ward_properties(p, threshold);
            }
        }
    }
    fields(fc, &["total", "outside_areas", "unlocated"], threshold);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn small_counts_and_what_derives_from_them_are_withheld() {
        let mut fc = json!({
            "type": "FeatureCollection",
            "total": 40, "outside_areas": 2, "unlocated": 0,
            "features": [
                {"properties": {"count": 2, "rate_per_1000": 0.2, "share": 0.05, "comparison_count": 10,
                                "change": -8, "change_pct": -80.0, "p_value": 0.04, "rank": 3}},
                {"properties": {"count": 38, "rate_per_1000": 3.8, "share": 0.95, "comparison_count": 1,
                                "change": 37, "change_pct": 3700.0, "p_value": 0.0, "rank": 1}},
                {"properties": {"count": 0, "rate_per_1000": 0.0, "comparison_count": 0}}
            ]
        });
        ward_collection(&mut fc, 3);
        let a = &fc["features"][0]["properties"];
        assert!(a["count"].is_null() && a["rate_per_1000"].is_null() && a["share"].is_null());
        assert!(a["change"].is_null() && a["p_value"].is_null());
        assert_eq!(a["comparison_count"], 10);
        assert_eq!(a["suppressed"], true);
        let b = &fc["features"][1]["properties"];
        assert_eq!(b["count"], 38);
        assert!(b["comparison_count"].is_null() && b["change_pct"].is_null());
        assert_eq!(b["comparison_suppressed"], true);
        assert_eq!(fc["features"][2]["properties"]["count"], 0);
        assert!(fc["outside_areas"].is_null());
        assert_eq!(fc["total"], 40);
        let mut m = json!({"Burglary": 1, "Drugs": 7});
        map_values(&mut m, 3);
        assert_eq!(m, json!({"Burglary": null, "Drugs": 7}));
    }
}
