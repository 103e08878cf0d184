//! The ward panel's monthly trend chart, drawn as inline SVG.

use crate::classify::HATCH;
use crate::format::{esc, fewer_than, month_label, month_short, thousands};

/// Bar colours: selected period, comparison period, other months
/// (blues and grey: distinguishable with any colour-vision deficiency).
pub const CURRENT: &str = "#08519c";
pub const COMPARISON: &str = "#6baed6";
pub const OTHER: &str = "#bdbdbd";

/// Which band a month falls in.
fn band(m: &str, current: (&str, &str), comparison: Option<(&str, &str)>) -> &'static str {
    if current.0 <= m && m <= current.1 {
        CURRENT
    } else if comparison.is_some_and(|(a, b)| a <= m && m <= b) {
        COMPARISON
    } else {
        OTHER
    }
}

/// A bar chart of `months` (`(YYYY-MM, count)` in order), the selected
/// period dark, the comparison period light; `title` labels it for screen
/// readers. A `None` count was withheld (1 or 2 incidents, public role): its
/// bar is hatched, drawn to the top of that range (2) and labelled "fewer
/// than 3", never as 0.
pub fn trend_svg(
    months: &[(String, Option<u64>)],
    current: (&str, &str),
    comparison: Option<(&str, &str)>,
    title: &str,
) -> String {
    let (w, h) = (320.0_f64, 150.0_f64);
    let (left, right, top, bottom) = (34.0, 6.0, 10.0, 24.0);
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let any_suppressed = months.iter().any(|m| m.1.is_none());
    let max = months
        .iter()
        .filter_map(|m| m.1)
        .max()
        .unwrap_or(0)
        .max(if any_suppressed {
            crate::format::suppress_below().saturating_sub(1).max(1)
        } else {
            1
        });
    // A round axis maximum: 1, 2, 5 × 10^k.
    let nice = {
        let mut step = 1u64;
        loop {
            if let Some(v) = [1, 2, 5].iter().map(|f| f * step).find(|v| *v >= max) {
                break v;
            }
            step *= 10;
        }
    };
    let n = months.len().max(1) as f64;
    let slot = plot_w / n;
    let bar = (slot * 0.8).max(1.0);
    let mut s = format!(
        "<svg class=\"trend\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(title)
    );
    s.push_str(&format!("<title>{}</title>", esc(title)));
    if any_suppressed {
        s.push_str(&format!(
            "<defs><pattern id=\"trend-hatch\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><path d=\"M0 0V4M2 0V4\" stroke=\"{HATCH}\" stroke-width=\"1\"/></pattern></defs>"
        ));
    }
    // Axis and grid.
    for frac in [0.0, 0.5, 1.0] {
        let y = top + plot_h * (1.0 - frac);
        let v = (nice as f64 * frac).round() as u64;
        s.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\" stroke-width=\"1\"/>",
            w - right
        ));
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\" fill=\"#444\">{}</text>",
            left - 4.0,
            y + 3.5,
            thousands(v)
        ));
    }
    for (i, (m, c)) in months.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        // A withheld month is drawn up to the largest count it could be.
        let shown = c.unwrap_or(crate::format::suppress_below().saturating_sub(1));
        let bh = plot_h * (shown as f64) / nice as f64;
        let y = top + plot_h - bh;
        let colour = band(m, current, comparison);
        match c {
            Some(c) => s.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{bh:.1}\" fill=\"{colour}\" data-month=\"{}\"><title>{}: {}</title></rect>",
                esc(m),
                month_label(m),
                thousands(*c)
            )),
            None => s.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{bh:.1}\" fill=\"url(#trend-hatch)\" stroke=\"{colour}\" stroke-width=\"1\" data-month=\"{}\" data-suppressed=\"true\"><title>{}: {} (suppressed)</title></rect>",
                esc(m),
                month_label(m),
                fewer_than()
            )),
        }
        // Label January and the first month.
        if i == 0 || m.ends_with("-01") {
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{}\" font-size=\"10\" fill=\"#444\">{}</text>",
                left + slot * i as f64,
                h - 8.0,
                month_short(m, true)
            ));
        }
    }
    s.push_str("</svg>");
    s
}

/// Fills months with no incidents with zero, over `all_months` in order;
/// withheld months (`None`) stay withheld.
pub fn complete(
    all_months: &[String],
    counts: &[(String, Option<u64>)],
) -> Vec<(String, Option<u64>)> {
    all_months
        .iter()
        .map(|m| {
            let c = counts
                .iter()
                .find(|(k, _)| k == m)
                .map(|(_, c)| *c)
                .unwrap_or(Some(0));
            (m.clone(), c)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_coloured_by_period_and_labelled() {
        let all: Vec<String> = ["2024-12", "2025-01", "2025-02", "2025-03"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let data = complete(
            &all,
            &[("2025-01".into(), Some(7)), ("2025-03".into(), Some(3))],
        );
        assert_eq!(data[0].1, Some(0));
        let svg = trend_svg(
            &data,
            ("2025-03", "2025-03"),
            Some(("2025-02", "2025-02")),
            "Trend <x>",
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("aria-label=\"Trend &lt;x&gt;\""));
        assert_eq!(svg.matches("<rect").count(), 4);
        assert!(svg.contains(&format!("fill=\"{CURRENT}\" data-month=\"2025-03\"")));
        assert!(svg.contains(&format!("fill=\"{COMPARISON}\" data-month=\"2025-02\"")));
        assert!(svg.contains(&format!("fill=\"{OTHER}\" data-month=\"2025-01\"")));
        assert!(svg.contains("Jan 2025: 7"));
        // Axis maximum rounds up to 10.
        assert!(svg.contains(">10</text>"));
        assert!(!svg.contains("trend-hatch"));
    }

    #[test]
    fn withheld_months_are_hatched_not_zero() {
        let all: Vec<String> = ["2025-01", "2025-02"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let data = complete(&all, &[("2025-02".into(), None)]);
        assert_eq!(
            data,
            vec![
                ("2025-01".to_string(), Some(0)),
                ("2025-02".to_string(), None)
            ]
        );
        let svg = trend_svg(&data, ("2025-02", "2025-02"), None, "t");
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("data-suppressed=\"true\""));
        assert!(svg.contains("Feb 2025: fewer than 3 (suppressed)"));
        assert!(svg.contains("fill=\"url(#trend-hatch)\""));
        assert!(!svg.contains("NaN"));
        // The axis runs to 2 at least, so the hatched bar fits.
        assert!(svg.contains(">2</text>"));
    }
}
