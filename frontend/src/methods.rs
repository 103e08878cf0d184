//! "Which hotspot method predicts best" (`GET /api/evaluate`, analysts):
//! each method trained on the comparison period and scored on the selected
//! one; the hit-rate curves, the ranking by PAI with the recommendation,
//! a "Use this method" button for those the map can draw, and the CSV.

use hotspot_api::responses::{EvaluationReport, MethodLayer, MethodScore};

use crate::export::csv_field;
use crate::format::{esc, number, thousands};

/// Okabe–Ito colours: told apart with any colour-vision deficiency.
pub const LINE_COLOURS: [&str; 7] = [
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000",
];

/// What "Use this method" sets on the map, in words.
pub fn layer_words(l: &MethodLayer) -> String {
    match l {
        MethodLayer::Hotspots { bandwidth_m } => {
            format!(
                "hotspot areas with a {} m bandwidth",
                number(*bandwidth_m, 0)
            )
        }
        MethodLayer::Gistar { cell_m } => format!("Gi* on {} m cells", number(*cell_m, 0)),
        MethodLayer::Wards => "ward shading".into(),
    }
}

/// The panel: recommendation, ranking table, curves.
pub fn html(r: &EvaluationReport) -> String {
    let coverage = r.recommendation.coverage;
    let mut s = format!(
        "<p id=\"pai-reason\"><strong>{}</strong></p><p class=\"note\">Trained on {} incidents, tested on {} \
         in {} km² of {} m cells ({} outside the cells and {} without a location not scored).</p>",
        esc(&r.recommendation.reason),
        thousands(r.train_incidents),
        thousands(r.test_incidents),
        number(r.study_area_km2, 0),
        number(r.cell_m, 0),
        thousands(r.outside_study_area),
        thousands(r.unlocated)
    );
    s.push_str(&format!(
        "<table id=\"pai-table\" class=\"small\"><caption>Ranked by PAI at {}% of the area</caption>\
         <thead><tr><th scope=\"col\">Method</th><th scope=\"col\">PAI</th><th scope=\"col\">Hit rate</th>\
         <th scope=\"col\">AUC</th><th scope=\"col\"></th></tr></thead><tbody>",
        number(coverage * 100.0, 0)
    ));
    for (rank, (name, pai, auc)) in r.recommendation.ranking.iter().enumerate() {
        let Some(i) = r.methods.iter().position(|m| &m.name == name) else {
            continue;
        };
        let colour = LINE_COLOURS[i % LINE_COLOURS.len()];
        let action = match &r.methods[i].layer {
            Some(l) => format!(
                "<button type=\"button\" class=\"pai-use\" data-method=\"{i}\" title=\"Show {}\">Use this method</button>",
                esc(&layer_words(l))
            ),
            None => "<span class=\"note\">no map layer</span>".into(),
        };
        s.push_str(&format!(
            "<tr{}><th scope=\"row\"><span style=\"color:{colour}\">▬</span> {}{}</th><td data-pai=\"{pai}\">{}</td>\
             <td>{}%</td><td>{}</td><td>{action}</td></tr>",
            if rank == 0 { " class=\"best\"" } else { "" },
            esc(name),
            if rank == 0 { " ★" } else { "" },
            number(*pai, 1),
            number(pai * coverage * 100.0, 0),
            number(*auc, 2)
        ));
    }
    s.push_str("</tbody></table>");
    s.push_str(&curves_svg(r));
    s
}

/// Hit rate against coverage for each method, the diagonal a random map,
/// a dashed line at the ranking's coverage.
pub fn curves_svg(r: &EvaluationReport) -> String {
    let (w, h) = (320.0_f64, 200.0_f64);
    let (left, right, top, bottom) = (32.0, 6.0, 8.0, 26.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let x = |c: f64| left + c.clamp(0.0, 1.0) * pw;
    let y = |v: f64| top + ph - v.clamp(0.0, 1.0) * ph;
    let mut s = format!(
        "<svg id=\"pai-curves\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Share of test-period \
         incidents captured against share of the area flagged, per method\">\
         <line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#bbb\" stroke-dasharray=\"2 2\"/>\
         <line x1=\"{cx:.1}\" y1=\"{top}\" x2=\"{cx:.1}\" y2=\"{}\" stroke=\"#666\" stroke-dasharray=\"4 2\"/>\
         <text x=\"{left}\" y=\"{}\" font-size=\"8\">0%</text><text x=\"{}\" y=\"{}\" font-size=\"8\" text-anchor=\"end\">100% of the area</text>\
         <text x=\"2\" y=\"{}\" font-size=\"8\">100%</text><text x=\"2\" y=\"{}\" font-size=\"8\">hits</text>",
        x(0.0),
        y(0.0),
        x(1.0),
        y(1.0),
        top + ph,
        h - 12.0,
        w - right,
        h - 12.0,
        top + 8.0,
        top + ph,
        cx = x(r.recommendation.coverage),
    );
    for (i, m) in r.methods.iter().enumerate() {
        let pts: Vec<String> = std::iter::once((0.0, 0.0))
            .chain(m.accuracy.curve.iter().map(|p| (p.coverage, p.hit_rate)))
            .map(|(c, v)| format!("{:.1},{:.1}", x(c), y(v)))
            .collect();
        s.push_str(&format!(
            "<polyline class=\"pai-curve\" data-method=\"{}\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"><title>{}</title></polyline>",
            esc(&m.name),
            pts.join(" "),
            LINE_COLOURS[i % LINE_COLOURS.len()],
            esc(&m.name)
        ));
    }
    s.push_str("</svg><p class=\"note\">Steeper at the left is better; the grey diagonal is a map no better than chance.</p>");
    s
}

/// The method behind a "Use this method" button.
pub fn layer_of(r: &EvaluationReport, index: usize) -> Option<MethodLayer> {
    r.methods.get(index).and_then(|m: &MethodScore| m.layer)
}

/// CSV: every method's curve, one row per coverage.
pub fn csv(r: &EvaluationReport) -> String {
    let mut s = String::from("method,coverage,hit_rate,pai,rri\n");
    for m in &r.methods {
        for p in m.accuracy.at.iter().chain(&m.accuracy.curve) {
            s.push_str(&format!(
                "{},{},{},{},{}\n",
                csv_field(&m.name),
                p.coverage,
                p.hit_rate,
                p.pai,
                p.rri.map(|v| v.to_string()).unwrap_or_default()
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use hotspot_api::responses::{Accuracy, AccuracyPoint, Recommendation};

    fn method(name: &str, layer: Option<MethodLayer>, hit_at_half: f64) -> MethodScore {
        let p = |coverage: f64, hit_rate: f64| AccuracyPoint {
            coverage,
            hit_rate,
            pai: hit_rate / coverage,
            rri: None,
        };
        MethodScore {
            name: name.into(),
            accuracy: Accuracy {
                at: vec![p(0.5, hit_at_half)],
                curve: vec![p(0.5, hit_at_half), p(1.0, 1.0)],
                auc: 0.5,
                test_total: 10.0,
                train_total: 10.0,
                cells: 4,
            },
            layer,
        }
    }

    fn report() -> EvaluationReport {
        EvaluationReport {
            cell_m: 250.0,
            train_incidents: 10,
            test_incidents: 10,
            outside_study_area: 0,
            unlocated: 1,
            study_area_km2: 1.0,
            methods: vec![
                method("Grid counts 250 m", None, 0.6),
                method(
                    "KDE 400 m",
                    Some(MethodLayer::Hotspots { bandwidth_m: 400.0 }),
                    0.8,
                ),
            ],
            recommendation: Recommendation {
                best: "KDE 400 m".into(),
                coverage: 0.5,
                reason: "KDE 400 m predicts best".into(),
                ranking: vec![
                    ("KDE 400 m".into(), 1.6, 0.7),
                    ("Grid counts 250 m".into(), 1.2, 0.6),
                ],
            },
        }
    }

    #[test]
    fn the_best_comes_first_with_its_button_and_a_method_without_a_layer_has_none() {
        let h = html(&report());
        let kde = h.find("KDE 400 m ★").unwrap();
        assert!(kde < h.find("Grid counts 250 m</th>").unwrap());
        assert_eq!(h.matches("class=\"pai-use\"").count(), 1);
        assert!(h.contains("data-method=\"1\" title=\"Show hotspot areas with a 400 m bandwidth\""));
        assert!(h.contains("<td>80%</td>"), "hit rate = PAI × coverage");
        assert_eq!(
            layer_of(&report(), 1),
            Some(MethodLayer::Hotspots { bandwidth_m: 400.0 })
        );
        assert_eq!(layer_of(&report(), 0), None);
    }

    #[test]
    fn a_curve_per_method_from_the_origin() {
        let svg = curves_svg(&report());
        assert_eq!(svg.matches("class=\"pai-curve\"").count(), 2);
        // Origin (32, 174), then 50% coverage at 80% hits.
        assert!(svg.contains("points=\"32.0,174.0 173.0,41.2 314.0,8.0\""));
    }

    #[test]
    fn the_csv_has_every_point() {
        let c = csv(&report());
        assert_eq!(c.lines().count(), 1 + 2 * 3);
        assert!(c.contains("\nKDE 400 m,0.5,0.8,1.6,\n"));
    }
}
