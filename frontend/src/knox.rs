//! The near-repeat panel (`GET /api/near-repeat`, analysts, dated data
//! only): the Knox table with significant cells marked, its reading in
//! plain words, and its CSV.

use hotspot_api::responses::{KnoxCell, KnoxResult};

use crate::export::csv_field;
use crate::format::{esc, number, p_value, thousands};

/// A Knox ratio for people: two decimals, "–" when undefined.
fn ratio(c: &KnoxCell) -> String {
    if c.ratio.is_finite() {
        number(c.ratio, 2)
    } else {
        "–".into()
    }
}

/// More close pairs than chance: significant with a ratio above 1 (the
/// test is one-sided, so nothing is ever "fewer than chance").
pub fn raised(c: &KnoxCell) -> bool {
    c.significant && c.ratio > 1.0
}

/// The table: distance bands as rows, time bands as columns; each cell's
/// Knox ratio, observed and expected pairs; raised cells marked ★.
pub fn html(r: &KnoxResult) -> String {
    let mut s = format!(
        "<p id=\"nr-headline\">{}</p><p>{}</p>",
        esc(&r.headline()),
        esc(&reading(r))
    );
    s.push_str(
        "<table class=\"knox\" id=\"nr-table\"><caption>Knox ratio (observed ÷ expected pairs); \
         ★ more pairs than chance (p &lt; 0.05)</caption><thead><tr><th scope=\"col\">Distance</th>",
    );
    for t in 0..r.time_bands {
        s.push_str(&format!(
            "<th scope=\"col\">{}</th>",
            esc(&r.cell(0, t).time_label)
        ));
    }
    s.push_str("</tr></thead><tbody>");
    for sp in 0..r.space_bands {
        s.push_str(&format!(
            "<tr><th scope=\"row\">{}</th>",
            esc(&r.cell(sp, 0).space_label)
        ));
        for t in 0..r.time_bands {
            let c = r.cell(sp, t);
            s.push_str(&format!(
                "<td class=\"{}\" data-space=\"{sp}\" data-time=\"{t}\" data-observed=\"{}\" \
                 title=\"{} observed, {} expected, p = {}\">{}{}</td>",
                if raised(c) { "sig" } else { "" },
                c.observed,
                thousands(c.observed),
                number(c.expected, 1),
                p_value(c.p_value),
                ratio(c),
                if raised(c) { " ★" } else { "" }
            ));
        }
        s.push_str("</tr>");
    }
    s.push_str(&format!(
        "</tbody></table><p class=\"note\">{} incidents, {} pairs; {} permutations (seed {}).</p>",
        thousands(r.n as u64),
        thousands(r.pairs),
        thousands(r.permutations as u64),
        r.seed
    ));
    s
}

/// Which space-time bands hold more pairs than chance, in words. Only
/// pairs close in both space and time (the finite bands) are a near-repeat
/// pattern; an excess in an open-ended band ("> 400 m", "> 28 days") says
/// something about the overall spread, not about risk next door.
pub fn reading(r: &KnoxResult) -> String {
    let close = |c: &&KnoxCell| c.space_band + 1 < r.space_bands && c.time_band + 1 < r.time_bands;
    let cells: Vec<String> = r
        .cells
        .iter()
        .filter(|c| raised(c))
        .filter(close)
        .map(|c| {
            format!(
                "within {} and {} (×{})",
                c.space_label,
                c.time_label,
                ratio(c)
            )
        })
        .collect();
    if cells.is_empty() {
        "No band of close distance and time holds significantly more pairs than chance: \
         no near-repeat pattern is shown for this selection."
            .into()
    } else {
        format!(
            "More pairs than chance {}. After one incident, places that close are at raised risk \
             for that long: a reason to visit neighbours promptly.",
            cells.join("; ")
        )
    }
}

/// CSV: one row per cell.
pub fn csv(r: &KnoxResult) -> String {
    let mut s = String::from("distance,time,observed,expected,knox_ratio,p_value,significant\n");
    for c in &r.cells {
        s.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            csv_field(&c.space_label),
            csv_field(&c.time_label),
            c.observed,
            c.expected,
            if c.ratio.is_finite() {
                c.ratio.to_string()
            } else {
                String::new()
            },
            c.p_value,
            c.significant
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use hotspot_api::options::Metric;

    fn cell(sp: usize, t: usize, observed: u64, expected: f64, p: f64) -> KnoxCell {
        KnoxCell {
            space_label: ["0–100 m", "> 100 m"][sp].into(),
            time_label: ["0–7 days", "> 7 days"][t].into(),
            space_band: sp,
            time_band: t,
            observed,
            expected,
            ratio: if expected > 0.0 {
                observed as f64 / expected
            } else {
                f64::NAN
            },
            p_value: p,
            significant: p < 0.05,
        }
    }

    fn result() -> KnoxResult {
        KnoxResult {
            n: 10,
            pairs: 45,
            cells: vec![
                cell(0, 0, 6, 2.0, 0.01),
                cell(0, 1, 0, 0.0, 1.0),
                cell(1, 0, 4, 8.0, 0.9),
                cell(1, 1, 35, 35.0, 0.5),
            ],
            space_bands: 2,
            time_bands: 2,
            close_pairs: 6,
            permutations: 99,
            seed: 1,
            metric: Metric::Euclidean,
        }
    }

    #[test]
    fn only_raised_cells_are_starred_and_read_out() {
        let r = result();
        let h = html(&r);
        assert_eq!(h.matches("class=\"sig\"").count(), 1);
        assert!(h.contains("data-space=\"0\" data-time=\"0\" data-observed=\"6\""));
        assert!(h.contains("3.00 ★"));
        assert!(h.contains(">–</td>"), "an undefined ratio is a dash");
        assert!(
            reading(&r).starts_with("More pairs than chance within 0–100 m and 0–7 days (×3.00)")
        );
    }

    #[test]
    fn no_significant_cell_says_so() {
        let mut r = result();
        r.cells[0] = cell(0, 0, 2, 2.0, 0.6);
        assert!(reading(&r).starts_with("No band of close distance"));
    }

    #[test]
    fn an_excess_only_in_an_open_band_is_not_a_near_repeat() {
        let mut r = result();
        r.cells[0] = cell(0, 0, 2, 2.0, 0.6);
        r.cells[3] = cell(1, 1, 40, 35.0, 0.01);
        assert!(html(&r).contains("1.14 ★"), "still starred in the table");
        assert!(reading(&r).starts_with("No band of close distance"));
    }

    #[test]
    fn the_csv_has_a_row_per_cell() {
        let c = csv(&result());
        assert_eq!(c.lines().count(), 5);
        assert!(c.contains("\n0–100 m,> 7 days,0,0,,1,false\n"));
    }

    #[test]
    fn the_api_answer_reads_back_with_its_null_ratios() {
        let json = serde_json::to_string(&result()).unwrap();
        assert!(json.contains("\"ratio\":null"));
        let back: KnoxResult = serde_json::from_str(&json).unwrap();
        assert!(back.cells[1].ratio.is_nan());
    }
}
