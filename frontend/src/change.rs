//! The change map's symbology and words (`/api/change`): per grid cell,
//! the count before and after, red where a rise is more than chance and
//! blue where a fall is, the rest a faint grey; the legend with each
//! class's cells, the note on the periods and the test, and a clicked
//! cell's figures.

use hotspot_api::responses::{ChangeLayer, ChangeProperties};
use serde_json::{json, Value};

use crate::classify::LegendItem;
use crate::format;

/// Class (as the API writes it), colour and label.
pub const CLASSES: [(&str, &str, &str); 3] = [
    ("rise", "#ca0020", "Significant rise"),
    ("fall", "#0571b0", "Significant fall"),
    ("no_significant_change", "#d9d9d9", "No significant change"),
];

/// The fill colour expression for MapLibre.
pub fn fill_expression() -> Value {
    let mut e = vec![json!("match"), json!(["get", "class"])];
    for (k, colour, _) in CLASSES {
        e.push(json!(k));
        e.push(json!(colour));
    }
    e.push(json!("rgba(0,0,0,0)"));
    Value::Array(e)
}

/// Significant cells strong, the others faint: the eye goes to change.
pub fn opacity_expression() -> Value {
    json!([
        "match",
        ["get", "class"],
        "no_significant_change",
        0.25,
        0.75
    ])
}

/// Every class with its number of cells.
pub fn legend(layer: &ChangeLayer) -> Vec<LegendItem> {
    let keys = layer
        .features
        .iter()
        .map(|f| f.properties.class.as_str().into());
    crate::classify::class_legend(&CLASSES, keys)
}

/// The periods compared (with their months of data), the test and grid.
pub fn note(layer: &ChangeLayer) -> String {
    let m = &layer.meta;
    let period = |p: &hotspot_api::responses::ChangePeriodMeta| {
        format!(
            "{} ({} incidents, {} month{} with data)",
            p.period,
            format::thousands(p.selected),
            p.months_with_data,
            if p.months_with_data == 1 { "" } else { "s" }
        )
    };
    let mut s = format!(
        "Before {}, after {}. {} m cells; {} cells with incidents tested ({}, corrected for multiple testing, 5% level).",
        period(&m.before),
        period(&m.after),
        format::number(m.cell_m, 0),
        format::thousands(m.tested_cells as u64),
        m.test
    );
    for w in &m.warnings {
        s.push(' ');
        s.push_str(w);
    }
    s
}

/// A clicked cell's figures, for the details panel.
pub fn cell_html(p: &ChangeProperties) -> String {
    let label = CLASSES
        .iter()
        .find(|(k, _, _)| *k == p.class)
        .map_or("No significant change", |(_, _, l)| l);
    format!(
        "<div class=\"change\"><h3>Change cell: {label}</h3><dl>\
         <dt>Before</dt><dd>{}</dd><dt>After</dt><dd>{}</dd>\
         <dt>Change</dt><dd>{}</dd><dt>Rate ratio (per month with data)</dt><dd>{}</dd>\
         <dt>p-value</dt><dd>{} (corrected {})</dd></dl></div>",
        format::thousands(p.n_before),
        format::thousands(p.n_after),
        format::signed(p.change),
        p.rate_ratio.map_or("–".into(), |r| format::number(r, 2)),
        format::p_value(p.p),
        format::p_value(p.p_adjusted),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use hotspot_api::responses::{Feature, FeatureCollection};

    fn cell(class: &str, before: u64, after: u64) -> Feature<ChangeProperties> {
        Feature::new(
            None,
            ChangeProperties {
                n_before: before,
                n_after: after,
                change: after as i64 - before as i64,
                rate_ratio: (before > 0).then(|| after as f64 / before as f64),
                p: 0.001,
                p_adjusted: 0.01,
                class: class.into(),
                col: 0,
                row: 0,
            },
        )
    }

    #[test]
    fn the_legend_counts_each_class_and_a_cell_says_its_figures() {
        let layer: ChangeLayer = FeatureCollection::new(
            vec![cell("rise", 2, 12), cell("rise", 0, 9), cell("fall", 20, 3)],
            Default::default(),
        );
        let counts: Vec<usize> = legend(&layer).iter().map(|i| i.count).collect();
        assert_eq!(counts, [2, 1, 0]);
        let html = cell_html(&cell("fall", 20, 3).properties);
        assert!(html.contains("Significant fall"));
        assert!(html.contains("<dt>Change</dt><dd>−17</dd>"));
        assert!(html.contains("<dd>0.15</dd>"));
        assert!(cell_html(&cell("rise", 0, 9).properties).contains("<dd>–</dd>"));
    }
}
