//! The Gi* layer's symbology and words: hot and cold spots at 90, 95 and
//! 99% confidence (ArcGIS Pro's Hot Spot Analysis classes, in a
//! colour-blind-safe red–blue scheme), the legend with each class's count,
//! the note saying how the grid, neighbourhood and correction were chosen,
//! and a clicked cell's figures.

use hotspot_api::responses::{GiLayer, GiProperties};
use serde_json::{json, Value};

use crate::classify::LegendItem;
use crate::format;

/// Class key (as the API writes it, without `_`), colour and label,
/// hottest first. Cells not significant are not drawn.
pub const CLASSES: [(&str, &str, &str); 6] = [
    ("hot99", "#b2182b", "Hot spot, 99% confidence"),
    ("hot95", "#ef8a62", "Hot spot, 95% confidence"),
    ("hot90", "#fddbc7", "Hot spot, 90% confidence"),
    ("cold90", "#d1e5f0", "Cold spot, 90% confidence"),
    ("cold95", "#67a9cf", "Cold spot, 95% confidence"),
    ("cold99", "#2166ac", "Cold spot, 99% confidence"),
];

/// Cell sizes offered, metres (besides the API's automatic size).
pub const CELL_PRESETS: [u32; 4] = [250, 500, 1000, 2000];
/// Neighbourhoods offered, in cell widths (1.5: the 8 cells around).
pub const BAND_PRESETS: [f64; 3] = [1.5, 2.5, 3.5];

/// `hot_99` and `hot99` alike.
fn key(class: &str) -> String {
    class.replace('_', "")
}

/// The fill colour expression for MapLibre (`transparent` when not
/// significant).
pub fn fill_expression() -> Value {
    let mut e = vec![json!("match"), json!(["get", "class"])];
    for (k, colour, _) in CLASSES {
        e.push(json!([
            k,
            k.replace("hot", "hot_").replace("cold", "cold_")
        ]));
        e.push(json!(colour));
    }
    e.push(json!("rgba(0,0,0,0)"));
    Value::Array(e)
}

/// The legend: every class with its number of cells.
pub fn legend(layer: &GiLayer) -> Vec<LegendItem> {
    let keys = layer
        .features
        .iter()
        .map(|f| key(&f.properties.class).into());
    crate::classify::class_legend(&CLASSES, keys)
}

/// How the layer was made: the grid, the neighbourhood and the correction
/// (the legend says it, as the issue asks).
pub fn note(layer: &GiLayer) -> String {
    let m = &layer.meta;
    let correction = match serde_json::to_value(m.correction)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .as_deref()
    {
        Some("benjamini_hochberg") => "Benjamini–Hochberg (false discovery rate)",
        Some("holm") => "Holm (family-wise)",
        _ => "none",
    };
    let grid = m
        .cell_m
        .map(|c| format!("{} m cells", format::number(c, 0)))
        .unwrap_or_else(|| "wards".into());
    format!(
        "{grid}; neighbourhood: {}; p-values corrected for multiple testing: {correction}. Cells not significant are not drawn.",
        m.neighbourhood
    )
}

/// A clicked cell's figures, for the details panel; `harm` when the layer
/// was weighted by harm (its `count` is then the cell's harm).
pub fn cell_html(p: &GiProperties, harm: bool) -> String {
    let class = CLASSES
        .iter()
        .find(|(k, _, _)| *k == key(&p.class))
        .map_or("Not significant", |(_, _, label)| label);
    format!(
        "<div class=\"gistar\"><h3>Gi* cell: {class}</h3><dl>\
         <dt>{}</dt><dd>{}</dd>\
         <dt>z-score</dt><dd>{}</dd>\
         <dt>p-value</dt><dd>{} (corrected {})</dd></dl></div>",
        if harm {
            "Harm in the cell (weighted)"
        } else {
            "Incidents in the cell"
        },
        format::number(p.count, 0),
        format::number(p.z, 2),
        format::p_value(p.p),
        format::p_value(p.p_adjusted),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use hotspot_api::responses::{Feature, FeatureCollection, GiMeta};

    fn cell(class: &str) -> Feature<GiProperties> {
        serde_json::from_value(json!({ "type": "Feature", "geometry": null,
            "properties": { "count": 3.0, "z": 2.7, "p": 0.007, "p_adjusted": 0.04, "class": class } }))
        .unwrap()
    }

    #[test]
    fn the_legend_counts_each_class_whichever_spelling() {
        let layer = FeatureCollection {
            features: vec![
                cell("hot99"),
                cell("hot_99"),
                cell("cold90"),
                cell("not_significant"),
            ],
            meta: GiMeta::default(),
            ..Default::default()
        };
        let counts: Vec<usize> = legend(&layer).iter().map(|i| i.count).collect();
        assert_eq!(counts, [2, 0, 0, 1, 0, 0]);
    }

    #[test]
    fn the_expression_colours_both_spellings_and_hides_the_rest() {
        let e = fill_expression().to_string();
        assert!(e.contains(r##"["hot99","hot_99"],"#b2182b""##), "{e}");
        assert!(e.ends_with(r#""rgba(0,0,0,0)"]"#));
    }

    #[test]
    fn a_cell_says_its_class_and_figures() {
        let html = cell_html(&cell("hot95").properties, false);
        assert!(
            html.contains("Hot spot, 95% confidence") && html.contains("2.70"),
            "{html}"
        );
    }
}
