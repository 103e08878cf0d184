//! The relative-risk layer's symbology and words (`/api/relative-risk`,
//! dual KDE): incidents' density over the denominator's, 1 = the area's
//! average, in a diverging scheme; cells with too thin a denominator are
//! masked (grey), never shown as a huge ratio.

use hotspot_api::responses::{RiskLayer, RiskProperties};
use serde_json::{json, Value};

use crate::classify::{LegendItem, NO_DATA, RD_BU_REVERSED};
use crate::format;

/// Upper bounds of the ratio classes (the last is open).
pub const BREAKS: [f64; 4] = [0.5, 0.8, 1.25, 2.0];

fn labels() -> [String; 5] {
    [
        "Under 0.5× the average risk".into(),
        "0.5–0.8×".into(),
        "0.8–1.25× (about average)".into(),
        "1.25–2×".into(),
        "Over 2× the average risk".into(),
    ]
}

/// The class of a ratio, 0..5.
pub fn class_of(ratio: f64) -> usize {
    BREAKS.iter().take_while(|b| ratio >= **b).count()
}

/// The fill colour expression for MapLibre: masked cells grey.
pub fn fill_expression() -> Value {
    let mut step = vec![
        json!("step"),
        json!(["get", "ratio"]),
        json!(RD_BU_REVERSED[0]),
    ];
    for (b, colour) in BREAKS.iter().zip(&RD_BU_REVERSED[1..]) {
        step.push(json!(b));
        step.push(json!(colour));
    }
    json!([
        "case",
        ["==", ["get", "masked"], true],
        NO_DATA,
        // No incident here: nothing to compare (not drawn, not "low risk").
        ["<=", ["get", "numerator_density"], 0],
        "rgba(0,0,0,0)",
        Value::Array(step)
    ])
}

/// Every class with its cells (cells without an incident are not drawn),
/// then the masked cells.
pub fn legend(layer: &RiskLayer) -> Vec<LegendItem> {
    let mut counts = [0usize; 5];
    let mut masked = 0;
    for f in &layer.features {
        if f.properties.numerator_density <= 0.0 && !f.properties.masked {
            continue;
        }
        match f.properties.ratio.filter(|_| !f.properties.masked) {
            Some(r) => counts[class_of(r)] += 1,
            None => masked += 1,
        }
    }
    let mut items: Vec<LegendItem> = labels()
        .into_iter()
        .zip(RD_BU_REVERSED)
        .zip(counts)
        .map(|((label, colour), count)| LegendItem {
            colour: colour.into(),
            label,
            count,
        })
        .collect();
    items.push(LegendItem {
        colour: NO_DATA.into(),
        label: "Masked: too few in the denominator".into(),
        count: masked,
    });
    items
}

/// The denominator, kernel and masking rule.
pub fn note(layer: &RiskLayer) -> String {
    let m = &layer.meta;
    let mut s = format!(
        "Incidents relative to {} ({}); quartic kernel, bandwidth {} m, {} m cells. Cells without an incident are not drawn. Masked: {}.",
        m.denominator,
        m.denominator_units,
        format::number(m.bandwidth_m, 0),
        format::number(m.cell_m, 0),
        m.floor_rule
    );
    for w in &m.warnings {
        s.push(' ');
        s.push_str(w);
    }
    s
}

/// A clicked cell's figures, for the details panel.
pub fn cell_html(p: &RiskProperties) -> String {
    let ratio = match p.ratio.filter(|_| !p.masked) {
        Some(r) => format!("{}× the area's average", format::number(r, 2)),
        None => "masked: too few in the denominator here".into(),
    };
    format!(
        "<div class=\"risk\"><h3>Relative risk: {ratio}</h3><dl>\
         <dt>Incident density</dt><dd>{}</dd><dt>Denominator density</dt><dd>{}</dd></dl></div>",
        format::number(p.numerator_density, 2),
        format::number(p.denominator_density, 2),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use hotspot_api::responses::{Feature, FeatureCollection};

    fn cell(ratio: Option<f64>, masked: bool) -> Feature<RiskProperties> {
        Feature::new(
            None,
            RiskProperties {
                ratio,
                masked,
                numerator_density: ratio.unwrap_or(1.0),
                ..Default::default()
            },
        )
    }

    #[test]
    fn classes_split_at_the_breaks_and_masked_cells_are_their_own() {
        assert_eq!([0.1, 0.5, 0.9, 1.25, 3.0].map(class_of), [0, 1, 2, 3, 4]);
        let layer: RiskLayer = FeatureCollection::new(
            vec![
                cell(Some(3.0), false),
                cell(Some(1.0), false),
                cell(None, true),
                cell(Some(0.0), false),
            ],
            Default::default(),
        );
        let counts: Vec<usize> = legend(&layer).iter().map(|i| i.count).collect();
        assert_eq!(counts, [0, 0, 1, 0, 1, 1]);
        assert!(cell_html(&cell(None, true).properties).contains("masked"));
    }
}
