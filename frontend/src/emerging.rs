//! The emerging hot spot layer's symbology and words: ESRI's categories
//! (new, consecutive, intensifying, persistent, diminishing, sporadic,
//! oscillating, historical; hot in reds, cold in blues), a legend that
//! says what each category shown means, and a clicked cell's panel with
//! its series of Gi* z-scores and their trend.

use hotspot_api::responses::{EmergingLayer, EmergingProperties};
use serde_json::{json, Value};

use crate::classify::LegendItem;
use crate::format;

/// Category key (as the API writes it), colour, and what it means (the
/// rules of `hotspot_stats::emerging`, in words).
pub const CATEGORIES: [(&str, &str, &str); 16] = [
    ("new", "#fcbba1", "hot in the last step only, never before"),
    (
        "consecutive",
        "#fc9272",
        "hot in an unbroken run of the last steps, not before it",
    ),
    (
        "intensifying",
        "#67000d",
        "hot in at least 90% of steps, the last included, and getting hotter",
    ),
    (
        "persistent",
        "#cb181d",
        "hot in at least 90% of steps, the last included, with no trend",
    ),
    (
        "diminishing",
        "#fb6a4a",
        "hot in at least 90% of steps, the last included, but cooling",
    ),
    (
        "sporadic",
        "#fdae6b",
        "hot in the last step and on and off before, never cold",
    ),
    (
        "oscillating",
        "#e6550d",
        "hot in the last step, but cold in an earlier one",
    ),
    (
        "historical",
        "#bdbdbd",
        "hot in at least 90% of steps, but not in the last",
    ),
    (
        "new_cold",
        "#c6dbef",
        "cold in the last step only, never before",
    ),
    (
        "consecutive_cold",
        "#9ecae1",
        "cold in an unbroken run of the last steps, not before it",
    ),
    (
        "intensifying_cold",
        "#08306b",
        "cold in at least 90% of steps, the last included, and getting colder",
    ),
    (
        "persistent_cold",
        "#2171b5",
        "cold in at least 90% of steps, the last included, with no trend",
    ),
    (
        "diminishing_cold",
        "#6baed6",
        "cold in at least 90% of steps, the last included, but warming",
    ),
    (
        "sporadic_cold",
        "#a1d99b",
        "cold in the last step and on and off before, never hot",
    ),
    (
        "oscillating_cold",
        "#3182bd",
        "cold in the last step, but hot in an earlier one",
    ),
    (
        "historical_cold",
        "#d9d9d9",
        "cold in at least 90% of steps, but not in the last",
    ),
];

/// The fill colour expression for MapLibre (no pattern: not drawn).
pub fn fill_expression() -> Value {
    let mut e = vec![json!("match"), json!(["get", "class"])];
    for (k, colour, _) in CATEGORIES {
        e.push(json!(k));
        e.push(json!(colour));
    }
    e.push(json!("rgba(0,0,0,0)"));
    Value::Array(e)
}

/// The categories present, each with its label and number of cells.
pub fn legend(layer: &EmergingLayer) -> Vec<LegendItem> {
    CATEGORIES
        .iter()
        .filter_map(|(k, colour, _)| {
            let cells: Vec<&EmergingProperties> = layer
                .features
                .iter()
                .map(|f| &f.properties)
                .filter(|p| p.class == *k)
                .collect();
            let first = cells.first()?;
            Some(LegendItem {
                colour: colour.to_string(),
                label: first.label.clone(),
                count: cells.len(),
            })
        })
        .collect()
}

/// What the categories shown mean, and the steps they were judged over.
pub fn note(layer: &EmergingLayer) -> String {
    let m = &layer.meta;
    let mut parts: Vec<String> = CATEGORIES
        .iter()
        .filter(|(k, _, _)| layer.features.iter().any(|f| f.properties.class == *k))
        .map(|(k, _, meaning)| format!("{}: {meaning}", title(k)))
        .collect();
    parts.push(format!(
        "{} steps ({} to {}), {} m cells; a step is hot or cold at 90% confidence (Gi*), a trend is Mann-Kendall's at 95%{}",
        m.periods.len(),
        m.periods.first().map_or("", |p| p.split("..").next().unwrap_or(p)),
        m.periods.last().map_or("", |p| p.split("..").last().unwrap_or(p)),
        format::number(m.cell_m, 0),
        if m.gap_months.is_empty() {
            String::new()
        } else {
            format!("; months without data left out, not counted as zeros: {}", m.gap_months.join(", "))
        }
    ));
    parts.join(". ") + "."
}

/// "Intensifying cold" from `intensifying_cold`.
fn title(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// A clicked cell: its category and meaning, its hot and cold steps, its
/// z-scores over the steps (drawn, with the ±1.645 lines of 90%
/// confidence) and their trend.
pub fn cell_html(p: &EmergingProperties, periods: &[String]) -> String {
    let meaning = CATEGORIES
        .iter()
        .find(|(k, _, _)| *k == p.class)
        .map_or("no significant pattern", |(_, _, m)| m);
    format!(
        "<div class=\"emerging\"><h3>{}</h3><p>{}.</p><dl>\
         <dt>Incidents in the cell</dt><dd>{}</dd>\
         <dt>Hot / cold steps</dt><dd>{} / {} of {}</dd>\
         <dt>Trend of z (Mann-Kendall)</dt><dd>z = {}, p = {}</dd></dl>{}</div>",
        format::esc(&p.label),
        meaning,
        format::number(p.count, 0),
        p.hot_periods,
        p.cold_periods,
        p.z.len(),
        format::number(p.trend_z, 2),
        format::p_value(p.trend_p),
        z_chart(&p.z, periods),
    )
}

/// The z-scores as a small SVG line, with the 90% lines.
fn z_chart(z: &[f64], periods: &[String]) -> String {
    if z.len() < 2 {
        return String::new();
    }
    let (w, h, pad) = (260.0, 90.0, 6.0);
    let top = z.iter().cloned().fold(2.5f64, f64::max);
    let bottom = z.iter().cloned().fold(-2.5f64, f64::min);
    let x = |i: usize| pad + i as f64 * (w - 2.0 * pad) / (z.len() - 1) as f64;
    let y = |v: f64| pad + (top - v) / (top - bottom) * (h - 2.0 * pad);
    let points: Vec<String> = z
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
        .collect();
    let line = |v: f64| {
        format!(
            "<line x1=\"{pad}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\" class=\"z90\"/>",
            w - pad,
            y(v),
            y(v)
        )
    };
    let span = match (periods.first(), periods.last()) {
        (Some(a), Some(b)) => format!(
            " from {} to {}",
            a.split("..").next().unwrap_or(a),
            b.split("..").last().unwrap_or(b)
        ),
        _ => String::new(),
    };
    format!(
        "<svg class=\"zseries\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Gi* z-score in each step{span}: {}\">{}{}<polyline points=\"{}\"/></svg>",
        z.iter().map(|v| format::number(*v, 1)).collect::<Vec<_>>().join(", "),
        line(1.645),
        line(-1.645),
        points.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use hotspot_api::responses::{EmergingMeta, Feature, FeatureCollection};

    fn cell(class: &str, label: &str) -> Feature<EmergingProperties> {
        serde_json::from_value(json!({ "type": "Feature", "geometry": null, "properties": {
            "class": class, "label": label, "count": 9.0, "hot_periods": 14, "cold_periods": 0,
            "last_z": 3.1, "trend_z": 2.4, "trend_p": 0.016, "z": [1.0, 2.0, 3.1] } }))
        .unwrap()
    }

    fn layer() -> EmergingLayer {
        FeatureCollection {
            features: vec![
                cell("intensifying", "Intensifying Hot Spot"),
                cell("intensifying", "Intensifying Hot Spot"),
                cell("no_pattern", "No Pattern Detected"),
            ],
            meta: EmergingMeta {
                cell_m: 500.0,
                periods: vec![
                    "2025-01..2025-01".into(),
                    "2025-02..2025-02".into(),
                    "2025-03..2025-03".into(),
                ],
                gap_months: vec![],
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn the_legend_lists_the_categories_present_and_says_what_they_mean() {
        let l = layer();
        let items = legend(&l);
        assert_eq!(items.len(), 1);
        assert_eq!(
            (items[0].label.as_str(), items[0].count),
            ("Intensifying Hot Spot", 2)
        );
        let n = note(&l);
        assert!(n.starts_with("Intensifying: hot in at least 90% of steps, the last included, and getting hotter."), "{n}");
        assert!(
            n.contains("3 steps (2025-01 to 2025-03), 500 m cells"),
            "{n}"
        );
    }

    #[test]
    fn a_cell_shows_its_z_series_and_trend() {
        let html = cell_html(
            &cell("intensifying", "Intensifying Hot Spot").properties,
            &layer().meta.periods,
        );
        assert!(html.contains("<polyline points=\""), "{html}");
        assert!(
            html.contains(
                "aria-label=\"Gi* z-score in each step from 2025-01 to 2025-03: 1.0, 2.0, 3.1\""
            ),
            "{html}"
        );
        assert!(html.contains("z = 2.40, p = 0.016"), "{html}");
    }
}
