//! Planner mode: the `POST /api/plan` request body built from the form,
//! the result panel and the one-row-per-site CSV (partner role and above).

use std::collections::BTreeMap;

use hotspot_api::geojson;
use hotspot_api::options::WeightBy;
use hotspot_api::requests::{GroupWeight, PlanRequest};
use hotspot_api::responses::{Plan, PlanFeature, TimeWindow};

use crate::export::csv_field;
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
    /// The map's crime group, type and source (empty: all), so the plan is
    /// for what the map shows. Ticked weights replace the group and type;
    /// the source still restricts.
    pub group: String,
    pub crime_type: String,
    pub source: String,
    /// `(group id, weight)` of the ticked groups; empty: every incident 1.
    pub weights: Vec<(String, f64)>,
    /// Each incident also weighs its type's harm (the map's harm weighting).
    pub harm: bool,
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
        let request = PlanRequest {
            period: Some(self.period.clone()).filter(|p| !p.is_empty()),
            groups: one(&self.group),
            types: one(&self.crime_type),
            sources: one(&self.source),
            weights: self
                .weights
                .iter()
                .map(|(group, weight)| GroupWeight {
                    group: group.clone(),
                    weight: *weight,
                })
                .collect(),
            weight: if self.harm {
                WeightBy::Harm
            } else {
                WeightBy::Count
            },
            sites: self.sites as usize,
            radius: self.radius,
            venues: None,
            avoid: None,
        };
        serde_json::to_string(&request).expect("serialises")
    }
}

/// A filter value as a list: none when empty.
fn one(v: &str) -> Vec<String> {
    (!v.is_empty()).then(|| v.to_string()).into_iter().collect()
}

/// `[w, s, e, n]` around the plan's sites, to frame them.
pub fn sites_bounds(fc: &Plan) -> Option<[f64; 4]> {
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for p in sites(fc).iter().filter_map(|s| s.point) {
        b = [
            b[0].min(p[0]),
            b[1].min(p[1]),
            b[2].max(p[0]),
            b[3].max(p[1]),
        ];
    }
    (b[0] <= b[2]).then_some(b)
}

/// A planned site: its point and properties.
pub struct Site<'a> {
    pub point: Option<[f64; 2]>,
    pub rank: usize,
    pub name: &'a str,
    pub ward: Option<&'a str>,
    pub covered_incidents: u64,
    pub covered_weight: f64,
    pub marginal_weight: f64,
    pub by_group: &'a BTreeMap<String, u64>,
    pub best_window: Option<&'a TimeWindow>,
}

/// Site features, in rank order.
pub fn sites(fc: &Plan) -> Vec<Site<'_>> {
    let mut s: Vec<Site> = fc
        .features
        .iter()
        .filter_map(|f| match &f.properties {
            PlanFeature::Site {
                rank,
                name,
                ward,
                covered_incidents,
                covered_weight,
                marginal_weight,
                by_group,
                best_window,
            } => Some(Site {
                point: point_of(f.geometry.as_ref()),
                rank: *rank,
                name,
                ward: ward.as_deref(),
                covered_incidents: *covered_incidents,
                covered_weight: *covered_weight,
                marginal_weight: *marginal_weight,
                by_group,
                best_window: best_window.as_ref(),
            }),
            _ => None,
        })
        .collect();
    s.sort_by_key(|site| site.rank);
    s
}

fn point_of(g: Option<&geojson::Geometry>) -> Option<[f64; 2]> {
    match &g?.value {
        geojson::Value::Point(p) if p.len() >= 2 => Some([p[0], p[1]]),
        _ => None,
    }
}

fn count_kind(fc: &Plan, coverage: bool) -> usize {
    fc.features
        .iter()
        .filter(|f| match f.properties {
            PlanFeature::Coverage { .. } => coverage,
            PlanFeature::Naive { .. } => !coverage,
            PlanFeature::Site { .. } => false,
        })
        .count()
}

fn pct(share: f64) -> String {
    format!("{}%", number(share * 100.0, 1))
}

/// `Fri 20:00–24:00 (35%)`, or empty.
pub fn window_text(w: Option<&TimeWindow>) -> String {
    let Some(w) = w else {
        return String::new();
    };
    let share = format!(" ({} of its incidents)", pct(w.share));
    format!("{} {:02}:00–{:02}:00{share}", w.day, w.from_hour, w.to_hour)
}

fn by_group_text(by_group: &BTreeMap<String, u64>) -> String {
    by_group
        .iter()
        .map(|(g, n)| format!("{g}: {}", thousands(*n)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The plan's totals: `(share covered, naive share, gain in weight, gain %)`.
pub fn totals(fc: &Plan) -> (f64, Option<f64>, Option<f64>, Option<f64>) {
    let m = &fc.meta;
    let b = m.baseline.as_ref();
    (
        m.share,
        b.map(|b| b.share),
        b.map(|b| b.gain),
        b.and_then(|b| b.gain_pct),
    )
}

/// The result panel: totals, the naive comparison and gain, the guarantee,
/// then one row per site.
pub fn result_html(fc: &Plan) -> String {
    let (share, naive, gain, gain_pct) = totals(fc);
    let (covered, total, radius) = (
        fc.meta.covered_weight,
        fc.meta.total_weight,
        fc.meta.radius_m,
    );
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
    if !fc.meta.guarantee.is_empty() {
        h.push_str(&format!(
            "<p class=\"note plan-guarantee\">{}</p>",
            esc(&fc.meta.guarantee)
        ));
    }
    h.push_str("<ol class=\"plan-sites\">");
    for p in &sites {
        let window = window_text(p.best_window);
        h.push_str(&format!(
            "<li data-rank=\"{}\"><strong>{}</strong> <span class=\"n\">({})</span><br>{} incidents covered{}{}</li>",
            p.rank,
            esc(p.name),
            esc(p.ward.unwrap_or("outside the wards")),
            thousands(p.covered_incidents),
            match by_group_text(p.by_group) {
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
    if !fc.meta.notes.is_empty() {
        h.push_str("<ul class=\"note plan-notes\">");
        for n in &fc.meta.notes {
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
pub fn legend_items(fc: &Plan) -> Vec<crate::classify::LegendItem> {
    let radius = number(fc.meta.radius_m, 0);
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
            count: count_kind(fc, true),
        },
        crate::classify::LegendItem {
            colour: NAIVE_COLOUR.into(),
            label: "Naive choice: busiest wards' centres (grey ring)".into(),
            count: count_kind(fc, false),
        },
    ]
}

/// One row per site: rank, name, ward, incidents and weight covered, the
/// marginal gain, counts by group, the best time window, the coordinates.
pub fn csv(fc: &Plan) -> String {
    let mut out = String::from(
        "rank,name,ward,covered_incidents,covered_weight,marginal_weight,by_group,best_window,longitude,latitude\r\n",
    );
    for p in sites(fc) {
        let coord = |i: usize| p.point.map(|c| format!("{:.6}", c[i])).unwrap_or_default();
        let row = [
            p.rank.to_string(),
            csv_field(p.name),
            csv_field(p.ward.unwrap_or("")),
            p.covered_incidents.to_string(),
            p.covered_weight.to_string(),
            p.marginal_weight.to_string(),
            csv_field(&by_group_text(p.by_group)),
            csv_field(&window_text(p.best_window)),
            coord(0),
            coord(1),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn sample() -> Plan {
        let plan = json!({"type": "FeatureCollection", "radius_m": 400.0, "covered_weight": 30.0,
            "total_weight": 100.0, "share": 0.3,
            "baseline": {"covered_weight": 20.0, "share": 0.2, "gain": 10.0, "gain_pct": 50.0},
            "guarantee": "At least 63% of the best possible coverage.", "notes": ["a <note>"],
            "baseline_method": "centroids", "candidates_considered": 10,
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
            {"type": "Feature", "geometry": null, "properties": {"kind": "coverage", "rank": 1, "radius_m": 400.0}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0.0, 0.0]},
             "properties": {"kind": "naive", "ward": "Castle"}}
        ]});
        serde_json::from_value(plan).unwrap()
    }

    #[test]
    fn body_has_period_weights_sites_radius() {
        let f = PlanForm {
            period: "2025-07..2025-12".into(),
            group: String::new(),
            crime_type: String::new(),
            source: "police.uk".into(),
            weights: vec![("serious-acquisitive".into(), 3.0)],
            harm: false,
            sites: 3,
            radius: 400.0,
        };
        assert!(f.validate().is_ok());
        let v: Value = serde_json::from_str(&f.body()).unwrap();
        assert_eq!(
            v,
            json!({"period": "2025-07..2025-12", "sites": 3, "radius": 400.0,
                "sources": ["police.uk"],
                "weights": [{"group": "serious-acquisitive", "weight": 3.0}]})
        );
        // The map's type filter goes with the plan.
        let typed = PlanForm {
            crime_type: "Burglary".into(),
            weights: vec![],
            ..f.clone()
        };
        let v: Value = serde_json::from_str(&typed.body()).unwrap();
        assert_eq!(v["types"], json!(["Burglary"]));
        assert!(v.get("groups").is_none());
        // Harm weighting goes too.
        let harm = PlanForm {
            harm: true,
            ..f.clone()
        };
        let v: Value = serde_json::from_str(&harm.body()).unwrap();
        assert_eq!(v["weight"], "harm");
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
