//! Planner mode: the `POST /api/plan` request body built from the form,
//! the result panel and the one-row-per-site CSV (partner role and above).

use serde_json::{json, Value};

use crate::format::{esc, number, thousands};

/// Limits of the form (the server accepts up to 100 sites).
pub const MAX_SITES: u32 = 20;
pub const DEFAULT_SITES: u32 = 5;
pub const DEFAULT_RADIUS: f64 = 400.0;

/// Why the planner is unavailable to the public role.
pub const LOCKED_NOTE: &str =
    "Planning a day of action needs the partner role: sign in to use the planner.";

/// What the planner form holds.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanForm {
    /// `from..to`, the current period filter.
    pub period: String,
    /// `(group id, weight)` of the ticked groups; empty: every incident 1.
    pub weights: Vec<(String, f64)>,
    pub sites: u32,
    pub radius: f64,
}

impl PlanForm {
    /// Checks the numbers; `Err` is a message for the person.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_SITES).contains(&self.sites) {
            return Err(format!("Number of sites must be 1 to {MAX_SITES}."));
        }
        if !(self.radius.is_finite() && self.radius > 0.0 && self.radius <= 10_000.0) {
            return Err("Walking radius must be more than 0 and at most 10,000 metres.".into());
        }
        if let Some((g, _)) = self
            .weights
            .iter()
            .find(|(_, w)| !(w.is_finite() && *w >= 0.0))
        {
            return Err(format!("The weight for {g} must be 0 or more."));
        }
        Ok(())
    }

    /// The JSON body for `POST /api/plan`.
    pub fn body(&self) -> String {
        let weights: Vec<Value> = self
            .weights
            .iter()
            .map(|(g, w)| json!({ "group": g, "weight": w }))
            .collect();
        let mut v = json!({
            "weights": weights,
            "sites": self.sites,
            "radius": self.radius,
        });
        if !self.period.is_empty() {
            v["period"] = json!(self.period);
        }
        v.to_string()
    }
}

fn of_kind<'a>(fc: &'a Value, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    fc["features"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(move |f| f["properties"]["kind"] == kind)
}

/// Site features, in rank order.
pub fn sites(fc: &Value) -> Vec<&Value> {
    let mut s: Vec<&Value> = of_kind(fc, "site").collect();
    s.sort_by_key(|f| f["properties"]["rank"].as_u64().unwrap_or(0));
    s
}

fn pct(share: f64) -> String {
    format!("{}%", number(share * 100.0, 1))
}

/// `Fri 20:00–24:00 (35%)`, or empty.
pub fn window_text(w: &Value) -> String {
    let (Some(day), Some(from), Some(to)) = (
        w["day"].as_str(),
        w["from_hour"].as_u64(),
        w["to_hour"].as_u64(),
    ) else {
        return String::new();
    };
    let share = w["share"]
        .as_f64()
        .map(|s| format!(" ({} of its incidents)", pct(s)))
        .unwrap_or_default();
    format!("{day} {from:02}:00–{to:02}:00{share}")
}

fn by_group_text(v: &Value) -> String {
    v.as_object()
        .map(|o| {
            o.iter()
                .map(|(g, n)| format!("{g}: {}", thousands(n.as_u64().unwrap_or(0))))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

/// The plan's totals: `(share covered, naive share, gain in weight, gain %)`.
pub fn totals(fc: &Value) -> (f64, Option<f64>, Option<f64>, Option<f64>) {
    let b = &fc["baseline"];
    (
        fc["share"].as_f64().unwrap_or(0.0),
        b["share"].as_f64(),
        b["gain"].as_f64(),
        b["gain_pct"].as_f64(),
    )
}

/// The result panel: totals, the naive comparison and gain, the guarantee,
/// then one row per site.
pub fn result_html(fc: &Value) -> String {
    let (share, naive, gain, gain_pct) = totals(fc);
    let covered = fc["covered_weight"].as_f64().unwrap_or(0.0);
    let total = fc["total_weight"].as_f64().unwrap_or(0.0);
    let radius = fc["radius_m"].as_f64().unwrap_or(0.0);
    let sites = sites(fc);
    let mut h = String::new();
    h.push_str(&format!(
        "<h3>{} site{} within {} m</h3>",
        sites.len(),
        if sites.len() == 1 { "" } else { "s" },
        number(radius, 0)
    ));
    h.push_str("<table class=\"plan-totals\">");
    h.push_str(&format!(
        "<tr><th scope=\"row\">Covered by the plan</th><td class=\"plan-share\">{} <span class=\"n\">({} of {})</span></td></tr>",
        pct(share),
        number(covered, 1),
        number(total, 1)
    ));
    match naive {
        Some(n) => {
            h.push_str(&format!(
                "<tr><th scope=\"row\">Naive choice (busiest wards' centres)</th><td class=\"plan-naive\">{}</td></tr>",
                pct(n)
            ));
            let g = gain.unwrap_or(0.0);
            let rel = gain_pct
                .map(|p| format!(", {}% more", number(p, 1)))
                .unwrap_or_default();
            h.push_str(&format!(
                "<tr><th scope=\"row\">Gain over the naive choice</th><td class=\"plan-gain\" data-gain=\"{g}\">{} points ({}{rel})</td></tr>",
                number((share - n) * 100.0, 1),
                number(g, 1)
            ));
        }
        None => h.push_str(
            "<tr><th scope=\"row\">Naive choice</th><td class=\"plan-naive\">not compared</td></tr>",
        ),
    }
    h.push_str("</table>");
    if let Some(g) = fc["guarantee"].as_str() {
        h.push_str(&format!("<p class=\"note plan-guarantee\">{}</p>", esc(g)));
    }
    h.push_str("<ol class=\"plan-sites\">");
    for f in &sites {
        let p = &f["properties"];
        let window = window_text(&p["best_window"]);
        h.push_str(&format!(
            "<li data-rank=\"{}\"><strong>{}</strong> <span class=\"n\">({})</span><br>{} incidents covered{}{}</li>",
            p["rank"].as_u64().unwrap_or(0),
            esc(p["name"].as_str().unwrap_or("Site")),
            esc(p["ward"].as_str().unwrap_or("outside the wards")),
            thousands(p["covered_incidents"].as_u64().unwrap_or(0)),
            match by_group_text(&p["by_group"]) {
                s if s.is_empty() => String::new(),
                s => format!("<br><span class=\"n\">{}</span>", esc(&s)),
            },
            if window.is_empty() {
                String::new()
            } else {
                format!("<br>Best time: {}", esc(&window))
            }
        ));
    }
    h.push_str("</ol>");
    if let Some(notes) = fc["notes"].as_array().filter(|n| !n.is_empty()) {
        h.push_str("<ul class=\"note plan-notes\">");
        for n in notes.iter().filter_map(|n| n.as_str()) {
            h.push_str(&format!("<li>{}</li>", esc(n)));
        }
        h.push_str("</ul>");
    }
    h
}

/// Map colours of the plan (see `web::map`).
pub const SITE_COLOUR: &str = "#5e3c99";
pub const COVERAGE_COLOUR: &str = "#e66101";
pub const NAIVE_COLOUR: &str = "#636363";

/// Legend rows for the plan on the map.
pub fn legend_items(fc: &Value) -> Vec<crate::classify::LegendItem> {
    let radius = number(fc["radius_m"].as_f64().unwrap_or(0.0), 0);
    let n = sites(fc).len();
    vec![
        crate::classify::LegendItem {
            colour: SITE_COLOUR.into(),
            label: "Planned site (numbered by rank)".into(),
            count: n,
        },
        crate::classify::LegendItem {
            colour: COVERAGE_COLOUR.into(),
            label: format!("Within {radius} m walk of a site"),
            count: of_kind(fc, "coverage").count(),
        },
        crate::classify::LegendItem {
            colour: NAIVE_COLOUR.into(),
            label: "Naive choice: busiest wards' centres (grey ring)".into(),
            count: of_kind(fc, "naive").count(),
        },
    ]
}

fn csv_field(s: &str) -> String {
    // Same rules as the layer CSV: no formulas, quote when needed.
    let formula = s.starts_with(['=', '+', '-', '@']) && s.parse::<f64>().is_err();
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

/// One row per site: rank, name, ward, incidents and weight covered, the
/// marginal gain, counts by group, the best time window, the coordinates.
pub fn csv(fc: &Value) -> String {
    let mut out = String::from(
        "rank,name,ward,covered_incidents,covered_weight,marginal_weight,by_group,best_window,longitude,latitude\r\n",
    );
    for f in sites(fc) {
        let p = &f["properties"];
        let c = &f["geometry"]["coordinates"];
        let num = |v: &Value| v.as_f64().map(|x| x.to_string()).unwrap_or_default();
        let coord = |v: &Value| v.as_f64().map(|x| format!("{x:.6}")).unwrap_or_default();
        let row = [
            num(&p["rank"]),
            csv_field(p["name"].as_str().unwrap_or("")),
            csv_field(p["ward"].as_str().unwrap_or("")),
            num(&p["covered_incidents"]),
            num(&p["covered_weight"]),
            num(&p["marginal_weight"]),
            csv_field(&by_group_text(&p["by_group"])),
            csv_field(&window_text(&p["best_window"])),
            coord(&c[0]),
            coord(&c[1]),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        json!({"type": "FeatureCollection", "radius_m": 400.0, "covered_weight": 30.0,
            "total_weight": 100.0, "share": 0.3,
            "baseline": {"covered_weight": 20.0, "share": 0.2, "gain": 10.0, "gain_pct": 50.0},
            "guarantee": "At least 63% of the best possible coverage.", "notes": ["a <note>"],
            "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-0.9, 52.2]},
             "properties": {"kind": "site", "rank": 2, "name": "=Shop", "ward": "Abington",
               "covered_incidents": 10, "covered_weight": 10.0, "marginal_weight": 10.0,
               "by_group": {"Burglary": 10}, "best_window": null}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-0.8, 52.3]},
             "properties": {"kind": "site", "rank": 1, "name": "On or near High St", "ward": "Castle",
               "covered_incidents": 20, "covered_weight": 20.0, "marginal_weight": 20.0,
               "by_group": {"Burglary": 5, "Robbery": 15},
               "best_window": {"day": "Fri", "from_hour": 20, "to_hour": 24, "share": 0.35}}},
            {"type": "Feature", "geometry": null, "properties": {"kind": "coverage", "rank": 1}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0.0, 0.0]},
             "properties": {"kind": "naive", "ward": "Castle"}}
        ]})
    }

    #[test]
    fn body_has_period_weights_sites_radius() {
        let f = PlanForm {
            period: "2025-07..2025-12".into(),
            weights: vec![("serious-acquisitive".into(), 3.0)],
            sites: 3,
            radius: 400.0,
        };
        assert!(f.validate().is_ok());
        let v: Value = serde_json::from_str(&f.body()).unwrap();
        assert_eq!(
            v,
            json!({"period": "2025-07..2025-12", "sites": 3, "radius": 400.0,
                "weights": [{"group": "serious-acquisitive", "weight": 3.0}]})
        );
        assert!(PlanForm {
            sites: 21,
            ..f.clone()
        }
        .validate()
        .is_err());
        assert!(PlanForm {
            sites: 0,
            ..f.clone()
        }
        .validate()
        .is_err());
        assert!(PlanForm {
            radius: 0.0,
            ..f.clone()
        }
        .validate()
        .is_err());
        let neg = PlanForm {
            weights: vec![("x".into(), -1.0)],
            ..f
        };
        assert!(neg.validate().is_err());
    }

    #[test]
    fn result_panel_lists_sites_and_the_gain() {
        let h = result_html(&sample());
        assert!(h.contains("2 sites within 400 m"));
        assert!(h.contains("30.0%") && h.contains("20.0%"));
        assert!(h.contains("10.0 points (10.0, 50.0% more)"));
        assert!(h.contains("At least 63%"));
        assert!(h.find("High St").unwrap() < h.find("=Shop").unwrap());
        assert!(h.contains("Best time: Fri 20:00–24:00 (35.0% of its incidents)"));
        assert!(h.contains("a &lt;note&gt;"));
        let l = legend_items(&sample());
        assert_eq!(l.iter().map(|i| i.count).collect::<Vec<_>>(), vec![2, 1, 1]);
        assert_eq!(l[1].label, "Within 400 m walk of a site");
    }

    #[test]
    fn csv_is_one_row_per_site_in_rank_order() {
        let c = csv(&sample());
        let lines: Vec<_> = c.split("\r\n").collect();
        assert_eq!(lines.len(), 4);
        assert!(
            lines[1].starts_with("1,On or near High St,Castle,20,20,20,Burglary: 5; Robbery: 15,")
        );
        assert!(lines[1].ends_with(",-0.800000,52.300000"));
        assert!(lines[2].starts_with("2,\"'=Shop\",Abington,10,"));
    }
}
