//! HTML for the side panel (ward, hotspot and incident details) and the
//! legend, built from API responses. Every value from data is escaped.

use std::collections::BTreeMap;

use hotspot_api::responses::{
    Categories, Category, DensityMeta, Group, HarmIndex, HotspotProperties, Hotspots,
    IncidentProperties, WardProfile, WardProperties,
};

use crate::classify::{LegendItem, PURPLES};
use crate::filters::{months_between, Compare, Filters, Measure};
use crate::format::{
    count_text, esc, month_label, number, ordinal, signed, signed_percent, thousands, SUPPRESSED,
};

/// `/api/categories`: the crime groups, and the crime types loaded with
/// their sources and groups.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalogue {
    pub groups: Vec<Group>,
    pub categories: Vec<Category>,
    /// The deployment's harm index, when it loaded one (`weight=harm`).
    pub harm_index: Option<HarmIndex>,
}

impl From<Categories> for Catalogue {
    fn from(c: Categories) -> Catalogue {
        Catalogue {
            groups: c.groups,
            categories: c.categories,
            harm_index: c.harm_index,
        }
    }
}

/// What a harm-weighted layer was weighed by, for its legend note.
pub fn harm_note(h: Option<&HarmIndex>) -> String {
    match h {
        Some(h) => format!(
            " Weighted by harm: {} (source: {}).",
            esc(&h.name),
            esc(&h.source)
        ),
        None => String::new(),
    }
}

impl Catalogue {
    pub fn group_name(&self, id: &str) -> Option<&str> {
        self.groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.name.as_str())
    }

    /// Distinct sources, in order of first appearance.
    pub fn sources(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in &self.categories {
            if !c.source.is_empty() && !out.contains(&c.source) {
                out.push(c.source.clone());
            }
        }
        out
    }

    /// Crime types offered for a group (all when `group` is empty) and source.
    pub fn types_for(&self, group: &str, source: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .categories
            .iter()
            .filter(|c| group.is_empty() || c.groups.iter().any(|g| g == group))
            .filter(|c| source.is_empty() || c.source == source)
            .map(|c| c.category.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Counts by group from counts by type (types in no group go to "Other").
    pub fn by_group(&self, by_type: &BTreeMap<String, u64>) -> Vec<(String, u64)> {
        let partial: BTreeMap<String, Option<u64>> =
            by_type.iter().map(|(k, v)| (k.clone(), Some(*v))).collect();
        self.by_group_partial(&partial)
            .into_iter()
            .map(|(g, n, _)| (g, n))
            .collect()
    }

    /// Counts by group from counts by type, some of which may be withheld
    /// (`None`): each group's known total and how many of its types were
    /// withheld. Nothing is guessed for a withheld type.
    pub fn by_group_partial(
        &self,
        by_type: &BTreeMap<String, Option<u64>>,
    ) -> Vec<(String, u64, usize)> {
        let mut totals: Vec<(String, u64, usize)> = Vec::new();
        let mut add = |name: &str, n: Option<u64>| {
            let i = match totals.iter().position(|(k, _, _)| k == name) {
                Some(i) => i,
                None => {
                    totals.push((name.to_string(), 0, 0));
                    totals.len() - 1
                }
            };
            match n {
                Some(n) => totals[i].1 += n,
                None => totals[i].2 += 1,
            }
        };
        for (t, n) in by_type {
            let groups: Vec<&str> = self
                .categories
                .iter()
                .filter(|c| &c.category == t)
                .flat_map(|c| c.groups.iter().map(String::as_str))
                .collect();
            if groups.is_empty() {
                add("Other", *n);
            }
            let mut seen: Vec<&str> = Vec::new();
            for g in groups {
                if !seen.contains(&g) {
                    seen.push(g);
                    add(self.group_name(g).unwrap_or(g), *n);
                }
            }
        }
        totals.sort_by(|a, b| {
            (b.1 + b.2 as u64)
                .cmp(&(a.1 + a.2 as u64))
                .then(a.0.cmp(&b.0))
        });
        totals
    }
}

/// One row of a bar table: label, the figure shown, the bar's length
/// (`None`: no bar, the value was withheld).
struct Bar {
    label: String,
    text: String,
    value: Option<u64>,
}

impl Bar {
    fn exact(label: &str, n: u64) -> Bar {
        Bar {
            label: label.to_string(),
            text: thousands(n),
            value: Some(n),
        }
    }
}

fn bar_table(caption: &str, rows: &[Bar], class: &str) -> String {
    let max = rows
        .iter()
        .filter_map(|r| r.value)
        .max()
        .unwrap_or(0)
        .max(1);
    let mut s = format!(
        "<table class=\"bars {class}\"><caption class=\"note\">{}</caption><tbody>",
        esc(caption)
    );
    for r in rows {
        let bar = match r.value {
            Some(n) => format!(
                "<span style=\"width:{:.0}%\"></span>",
                100.0 * n as f64 / max as f64
            ),
            None => "<span class=\"hatch\" title=\"suppressed\"></span>".into(),
        };
        s.push_str(&format!(
            "<tr{}><th scope=\"row\">{}</th><td>{}</td><td class=\"barcell\">{bar}</td></tr>",
            if r.value.is_none() {
                " class=\"suppressed\""
            } else {
                ""
            },
            esc(&r.label),
            esc(&r.text),
        ));
    }
    s.push_str("</tbody></table>");
    s
}

/// Rows by crime type, largest first, withheld ones last.
fn type_rows(by_type: &BTreeMap<String, Option<u64>>) -> Vec<Bar> {
    let mut types: Vec<(&String, &Option<u64>)> = by_type.iter().collect();
    types.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    types
        .into_iter()
        .map(|(k, n)| match n {
            Some(n) => Bar::exact(k, *n),
            None => Bar {
                label: k.clone(),
                text: crate::format::fewer_than(),
                value: None,
            },
        })
        .collect()
}

/// Rows by crime group: a group with withheld types shows what is known
/// ("at least N"), its bar only the known part.
fn group_rows(groups: &[(String, u64, usize)]) -> Vec<Bar> {
    groups
        .iter()
        .map(|(g, known, withheld)| match (known, withheld) {
            (n, 0) => Bar::exact(g, *n),
            (0, 1) => Bar {
                label: g.clone(),
                text: crate::format::fewer_than(),
                value: None,
            },
            (n, w) => Bar {
                label: g.clone(),
                // Each withheld type had at least one incident.
                text: format!("at least {}", thousands(n + *w as u64)),
                value: Some(*n),
            },
        })
        .collect()
}

/// The comparison period `compare` gives for the filters' period.
pub fn comparison_range(f: &Filters) -> Option<(String, String)> {
    let shift = |m: &str, by: i32| -> String {
        let (y, mo) = (
            m[..4].parse::<i32>().unwrap_or(0),
            m[5..].parse::<i32>().unwrap_or(1),
        );
        let i = y * 12 + mo - 1 - by;
        format!("{:04}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1)
    };
    if !crate::filters::is_month(&f.from) || !crate::filters::is_month(&f.to) {
        return None;
    }
    match f.effective_compare() {
        Compare::None => None,
        Compare::Previous => {
            let n = months_between(&f.from, &f.to);
            Some((shift(&f.from, n), shift(&f.to, n)))
        }
        Compare::Year => Some((shift(&f.from, 12), shift(&f.to, 12))),
    }
}

/// The ward panel: `profile` is `/api/wards/{code}` for the filters,
/// `trend` the same ward over all months.
pub fn ward_html(
    profile: &WardProfile,
    trend: Option<&WardProfile>,
    f: &Filters,
    cat: &Catalogue,
    all_months: &[String],
) -> String {
    let w = &profile.ward;
    let name = if w.name.is_empty() { "Ward" } else { &w.name };
    let mut s = ward_heading(w, name, f, cat);
    s.push_str(&ward_figure_rows(w, f, profile.wards as u64));
    s.push_str(&ward_comparison_rows(w, f));
    s.push_str("</tbody></table>");
    s.push_str(&ward_streets(&profile.top_streets));
    let trend_counts = trend.unwrap_or(profile).by_month.clone();
    s.push_str(&ward_breakdown(profile, &trend_counts, cat));
    let months: Vec<String> = if trend.is_some() {
        all_months.to_vec()
    } else {
        all_months
            .iter()
            .filter(|m| f.from.as_str() <= m.as_str() && m.as_str() <= f.to.as_str())
            .cloned()
            .collect()
    };
    s.push_str(&ward_trend(name, trend_counts, &months, f));
    s.push_str("</div>");
    s
}

/// Where in the ward: its busiest streets (partners and above; the public
/// gets none, and no heading).
fn ward_streets(streets: &[hotspot_api::responses::StreetCount]) -> String {
    if streets.is_empty() {
        return String::new();
    }
    let items: Vec<String> = streets
        .iter()
        .map(|s| format!("{} ({})", esc(&s.street), count_text(s.incidents)))
        .collect();
    format!(
        "<p class=\"ward-streets\"><strong>Busiest streets:</strong> {}</p>",
        items.join(", ")
    )
}

/// `<tr>` of a figure in the ward table.
fn stat_row(k: &str, v: String) -> String {
    format!("<tr><th scope=\"row\">{k}</th><td>{v}</td></tr>")
}

/// The ward's name and code, the priority badge and what is counted, up
/// to the opening of the figures table.
fn ward_heading(w: &WardProperties, name: &str, f: &Filters, cat: &Catalogue) -> String {
    let code = &w.code;
    let mut s = format!(
        "<div class=\"ward\" data-code=\"{}\"><h3>{} <small class=\"note\">{}</small></h3>",
        esc(code),
        esc(name),
        esc(code)
    );
    if w.priority {
        s.push_str("<p><span class=\"badge\">Priority ward</span></p>");
    }
    s.push_str(&format!(
        "<p class=\"note\">{}</p><table class=\"stats\"><tbody>",
        esc(&f.describe(cat.group_name(&f.group)))
    ));
    s
}

/// Incidents, rates, residents, share and rank (of `wards`).
fn ward_figure_rows(w: &WardProperties, f: &Filters, wards: u64) -> String {
    // `null` + `suppressed`: 1 or 2 incidents, withheld from the public
    // role together with every figure derived from them.
    let suppressed = w.suppressed;
    let withheld = format!("<span class=\"suppressed\">{SUPPRESSED}</span>");
    let mut s = stat_row(
        "Incidents",
        match w.count {
            Some(n) => thousands(n),
            None if suppressed => {
                format!(
                    "<span class=\"suppressed\">{} (suppressed)</span>",
                    crate::format::fewer_than()
                )
            }
            None => "–".into(),
        },
    );
    let harm: &[(Option<f64>, &str)] = if f.harm {
        &[
            (w.harm, "Harm (weighted sum)"),
            (w.harm_per_1000, "Harm per 1,000 residents"),
        ]
    } else {
        &[]
    };
    let rates = [
        (w.rate_per_1000, "Rate per 1,000 residents"),
        (w.annual_rate_per_1000, "Annualised rate per 1,000"),
    ];
    for &(value, label) in rates.iter().chain(harm) {
        match value {
            Some(r) => s.push_str(&stat_row(label, number(r, 1))),
            None if suppressed => s.push_str(&stat_row(label, withheld.clone())),
            None => {}
        }
    }
    if let Some(p) = w.population {
        s.push_str(&stat_row("Residents", number(p, 0)));
    }
    match w.share {
        Some(sh) => s.push_str(&stat_row(
            "Share of all wards",
            format!("{}%", number(sh * 100.0, 1)),
        )),
        None if suppressed => s.push_str(&stat_row("Share of all wards", withheld.clone())),
        None => {}
    }
    if w.rank > 0 {
        let rank = w.rank as u64;
        let by = if f.measure == Measure::Rate {
            "rate"
        } else {
            "count"
        };
        s.push_str(&stat_row(
            "Rank",
            format!("{} of {} (by {by})", ordinal(rank), wards),
        ));
    }
    s
}

/// The comparison period's count, the change and its significance (none
/// without a comparison).
fn ward_comparison_rows(w: &WardProperties, f: &Filters) -> String {
    let count = w.count;
    let comparison = w.comparison_count;
    if comparison.is_none() && !w.comparison_suppressed {
        return String::new();
    }
    let withheld = format!("<span class=\"suppressed\">{SUPPRESSED}</span>");
    let label = match comparison_range(f) {
        Some((a, b)) if a == b => month_label(&a),
        Some((a, b)) => format!("{} – {}", month_label(&a), month_label(&b)),
        None => "comparison".into(),
    };
    let mut s = stat_row(
        &format!("Comparison ({})", esc(&label)),
        match comparison {
            Some(c) => thousands(c),
            None => format!(
                "<span class=\"suppressed\">{} (suppressed)</span>",
                crate::format::fewer_than()
            ),
        },
    );
    // The change only from figures the API gave: never from a withheld count.
    let change = w.change.or(match (count, comparison) {
        (Some(n), Some(c)) => Some(n as i64 - c as i64),
        _ => None,
    });
    match change {
        Some(change) => {
            let pct = w
                .change_pct
                .map(|p| format!(" ({})", signed_percent(p)))
                .unwrap_or_default();
            let class = match change.signum() {
                1 => "up",
                -1 => "down",
                _ => "",
            };
            s.push_str(&stat_row(
                "Change",
                format!("<span class=\"{class}\">{}{}</span>", signed(change), pct),
            ));
        }
        None => s.push_str(&stat_row("Change", withheld)),
    }
    let sig = match (w.change_significant, w.p_value) {
        (Some(true), Some(p)) => format!("Yes (p = {})", number(p, 3)),
        (Some(false), Some(p)) => format!("No (p = {})", number(p, 3)),
        _ => "–".into(),
    };
    s.push_str(&stat_row("Statistically significant", sig));
    s
}

/// The note on withheld counts (when any figure is withheld) and the
/// incidents by crime group and by type.
fn ward_breakdown(
    profile: &WardProfile,
    trend_counts: &BTreeMap<String, Option<u64>>,
    cat: &Catalogue,
) -> String {
    let w = &profile.ward;
    let by_type = &profile.by_category;
    let mut s = String::new();
    if w.suppressed
        || w.comparison_suppressed
        || by_type.values().any(Option::is_none)
        || trend_counts.values().any(Option::is_none)
    {
        s.push_str(&format!(
            "<p class=\"note suppressed-note\"><i class=\"sw hatch\" style=\"background:{}\"></i> Counts of {} are shown as \u{201c}{}\u{201d}: they could identify a person, so the public view withholds them and every figure derived from them. Sign in for the full figures.</p>",
            crate::classify::SUPPRESSED,
            crate::format::withheld_counts(),
            crate::format::fewer_than()
        ));
    }
    if !by_type.is_empty() {
        s.push_str(&bar_table(
            "Incidents by crime group",
            &group_rows(&cat.by_group_partial(by_type)),
            "by-group",
        ));
        s.push_str(&format!(
            "<details><summary>By crime type ({})</summary>{}</details>",
            by_type.len(),
            bar_table("Incidents by crime type", &type_rows(by_type), "by-type")
        ));
    } else {
        s.push_str("<p class=\"note\">No incidents match the filters in this ward.</p>");
    }
    s
}

/// The monthly trend chart over `months` and its key.
fn ward_trend(
    name: &str,
    trend_counts: BTreeMap<String, Option<u64>>,
    months: &[String],
    f: &Filters,
) -> String {
    let monthly: Vec<(String, Option<u64>)> = trend_counts.into_iter().collect();
    let data = crate::chart::complete(months, &monthly);
    let cmp = comparison_range(f);
    let title = format!("{name}: incidents per month");
    let mut s = String::from("<h4>Monthly trend</h4>");
    s.push_str(&crate::chart::trend_svg(
        &data,
        (&f.from, &f.to),
        cmp.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
        &title,
    ));
    s.push_str(&format!(
        "<p class=\"keyline\"><span><i class=\"sw\" style=\"background:{}\"></i> selected period</span>{}{}</p>",
        crate::chart::CURRENT,
        if cmp.is_some() {
            format!(
                "<span><i class=\"sw\" style=\"background:{}\"></i> comparison</span>",
                crate::chart::COMPARISON
            )
        } else {
            String::new()
        },
        if data.iter().any(|(_, c)| c.is_none()) {
            format!(
                "<span><i class=\"sw hatch\" style=\"background:{}\"></i> {} (suppressed)</span>",
                crate::classify::SUPPRESSED,
                crate::format::fewer_than()
            )
        } else {
            String::new()
        }
    ));
    s
}

/// A hotspot area's summary; `meta` describes the density surface.
/// The band's separate areas, busiest first, each a button that takes the
/// map there (`data-lon`, `data-lat`).
fn places_html(places: &[hotspot_api::responses::HotspotPlace]) -> String {
    if places.is_empty() {
        return String::new();
    }
    let items: String = places
        .iter()
        .map(|pl| {
            format!(
                "<li><button type=\"button\" class=\"place-go\" data-lon=\"{}\" data-lat=\"{}\">{}</button> <span class=\"n\">{} incidents, {} km²</span></li>",
                pl.lon,
                pl.lat,
                esc(pl.name.as_deref().unwrap_or("Unnamed area")),
                thousands(pl.incidents),
                number(pl.area_km2, 2)
            )
        })
        .collect();
    format!("<h4>Where: its separate areas, busiest first</h4><ol class=\"places\">{items}</ol>")
}

pub fn hotspot_html(p: &HotspotProperties, meta: &DensityMeta) -> String {
    let top = p.top_percent;
    let mut s = format!(
        "<div class=\"hotspot\" data-top=\"{}\"><h3><i class=\"sw\" style=\"background:{}\"></i> Hotspot: top {}% density</h3><table class=\"stats\"><tbody>",
        top,
        crate::classify::hotspot_colour(top),
        number(top, 0)
    );
    let row = |k: &str, v: String| format!("<tr><th scope=\"row\">{k}</th><td>{v}</td></tr>");
    s.push_str(&row("Incidents inside", thousands(p.incidents)));
    s.push_str(&row(
        "Share of located incidents",
        format!("{}%", number(p.share * 100.0, 1)),
    ));
    s.push_str(&row("Area", format!("{} km²", number(p.area_km2, 2))));
    s.push_str(&row(
        "Density threshold",
        format!("{} per km²", number(p.threshold, 1)),
    ));
    s.push_str("</tbody></table>");
    s.push_str(&places_html(&p.places));
    let by_category = p
        .by_category
        .iter()
        .map(|(k, n)| (k.clone(), Some(*n)))
        .collect();
    let types = type_rows(&by_category);
    if !types.is_empty() {
        s.push_str(&bar_table(
            "Incidents inside by crime type",
            &types,
            "by-type",
        ));
    }
    {
        let (bw, cell) = (meta.bandwidth_m, meta.cell_m);
        s.push_str(&format!(
            "<p class=\"note\">Quartic kernel density, bandwidth {} m, {} m cells; the area holds the densest {}% of the surface.</p>",
            number(bw, 0),
            number(cell, 0),
            number(top, 0)
        ));
    }
    s.push_str("</div>");
    s
}

/// One incident's details.
pub fn incident_html(p: &IncidentProperties, ward_name: Option<&str>) -> String {
    let text = |v: Option<&str>| v.filter(|s| !s.is_empty()).map(esc);
    let mut s = format!(
        "<div class=\"incident\"><h3>{}</h3><table class=\"stats\"><tbody>",
        text(Some(&p.category)).unwrap_or_else(|| "Incident".into())
    );
    let when = match (
        text(p.date.as_deref()),
        text(p.time.as_deref()),
        text(Some(&p.month)),
    ) {
        (Some(d), Some(t), _) => format!("{d} {t}"),
        (Some(d), None, _) => d,
        (None, _, Some(m)) => esc(&month_label(&m)),
        _ => "–".into(),
    };
    let row = |k: &str, v: String| format!("<tr><th scope=\"row\">{k}</th><td>{v}</td></tr>");
    s.push_str(&row("When", when));
    for (value, label) in [
        (p.location.as_deref(), "Location"),
        (Some(p.source.as_str()), "Source"),
        (p.outcome.as_deref(), "Last outcome"),
        (p.crime_id.as_deref(), "Reference"),
    ] {
        if let Some(v) = text(value) {
            let v = if label == "Reference" && v.len() > 12 {
                format!("{}…", &v[..12])
            } else {
                v
            };
            s.push_str(&row(label, v));
        }
    }
    if let Some(w) = ward_name {
        s.push_str(&row("Ward", esc(w)));
    }
    s.push_str("</tbody></table><p class=\"note\">police.uk locations are anonymised to a nearby map point.</p></div>");
    s
}

/// One legend section.
pub struct LegendSection<'a> {
    pub layer: &'a str,
    pub title: String,
    pub items: Vec<LegendItem>,
    /// Draw swatches as dots (points) rather than squares.
    pub dots: bool,
    pub note: Option<String>,
}

pub fn legend_html(sections: &[LegendSection]) -> String {
    let mut s = String::new();
    for sec in sections {
        s.push_str(&format!(
            "<div class=\"legend-section\" data-layer=\"{}\"><h3>{}</h3><ul>",
            esc(sec.layer),
            esc(&sec.title)
        ));
        for it in &sec.items {
            s.push_str(&format!(
                "<li><i class=\"sw{}\" style=\"background:{}\"></i><span class=\"label\">{}</span><span class=\"n\">{}</span></li>",
                if sec.dots {
                    " dot"
                } else if it.colour == "transparent" {
                    " dashed"
                } else if it.colour == crate::classify::SUPPRESSED {
                    " hatch"
                } else {
                    ""
                },
                esc(&it.colour),
                esc(&it.label),
                thousands(it.count as u64)
            ));
        }
        s.push_str("</ul>");
        if let Some(n) = &sec.note {
            s.push_str(&format!("<p class=\"note\">{}</p>", esc(n)));
        }
        s.push_str("</div>");
    }
    s
}

/// Legend rows for the hotspot bands present in a `/api/hotspots` collection.
pub fn hotspot_legend(fc: &Hotspots) -> Vec<LegendItem> {
    let mut rows: Vec<LegendItem> = fc
        .features
        .iter()
        .map(|f| {
            let p = &f.properties;
            LegendItem {
                colour: crate::classify::hotspot_colour(p.top_percent).to_string(),
                label: format!(
                    "Top {}% ({} per km² or more)",
                    number(p.top_percent, 0),
                    number(p.threshold, 0)
                ),
                count: p.incidents as usize,
            }
        })
        .collect();
    rows.dedup_by(|a, b| a.label == b.label);
    if rows.is_empty() {
        rows.push(LegendItem {
            colour: PURPLES[0].into(),
            label: "No hotspot areas for this selection".into(),
            count: 0,
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::lenient;
    use serde_json::json;

    fn catalogue() -> Catalogue {
        Catalogue::from(serde_json::from_value::<Categories>(json!({
            "groups": [
                {"id": "serious-acquisitive", "name": "Serious acquisitive crime", "sources": [], "types": ["Burglary", "Robbery"]},
                {"id": "asb", "name": "Anti-social behaviour", "sources": [], "types": ["Anti-social behaviour"]}
            ],
            "categories": [
                {"category": "Burglary", "source": "police.uk", "count": 5, "groups": ["serious-acquisitive"]},
                {"category": "Robbery", "source": "police.uk", "count": 2, "groups": ["serious-acquisitive"]},
                {"category": "Anti-social behaviour", "source": "police.uk", "count": 9, "groups": ["asb"]},
                {"category": "Black bags", "source": "fly-tipping", "count": 3, "groups": []}
            ]
        }))
        .unwrap())
    }

    #[test]
    fn catalogue_groups_types_and_sources() {
        let c = catalogue();
        assert_eq!(c.sources(), ["police.uk", "fly-tipping"]);
        assert_eq!(
            c.types_for("serious-acquisitive", ""),
            ["Burglary", "Robbery"]
        );
        assert_eq!(c.types_for("", "fly-tipping"), ["Black bags"]);
        let by: BTreeMap<String, u64> = [
            ("Burglary", 3),
            ("Robbery", 1),
            ("Black bags", 2),
            ("Anti-social behaviour", 7),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
        assert_eq!(
            c.by_group(&by),
            vec![
                ("Anti-social behaviour".to_string(), 7),
                ("Serious acquisitive crime".to_string(), 4),
                ("Other".to_string(), 2)
            ]
        );
    }

    #[test]
    fn comparison_ranges() {
        let mut f = Filters::default_for(&["2025-01".to_string(), "2025-06".to_string()]);
        f.from = "2025-01".into();
        f.to = "2025-06".into();
        f.compare = Compare::Previous;
        assert_eq!(
            comparison_range(&f),
            Some(("2024-07".into(), "2024-12".into()))
        );
        f.compare = Compare::Year;
        assert_eq!(
            comparison_range(&f),
            Some(("2024-01".into(), "2024-06".into()))
        );
        f.compare = Compare::None;
        assert_eq!(comparison_range(&f), None);
    }

    #[test]
    fn ward_panel_shows_counts_rate_change_rank_groups_and_trend() {
        let months: Vec<String> = (1..=12).map(|m| format!("2025-{m:02}")).collect();
        let f = Filters::default_for(&months);
        let profile: WardProfile = lenient(json!({
            "ward": {"code": "E05999013", "name": "Kingsmead <estate>", "count": 40, "rate_per_1000": 3.0,
                     "population": 13310.0, "share": 0.1, "rank": 2, "comparison_count": 20, "change": 20,
                     "change_pct": 100.0, "change_significant": true, "p_value": 0.001, "priority": true},
            "wards": 16,
            "by_category": {"Burglary": 30, "Anti-social behaviour": 10},
            "by_month": {"2025-07": 5, "2025-12": 9},
            "top_streets": [{"street": "Drapery", "incidents": 34}, {"street": "<Mill> Lane", "incidents": null, "suppressed": true}]
        }));
        let trend: WardProfile =
            lenient(json!({"by_month": {"2025-01": 2, "2025-07": 5, "2025-12": 9}}));
        let html = ward_html(&profile, Some(&trend), &f, &catalogue(), &months);
        assert!(html.contains("Kingsmead &lt;estate&gt;"));
        assert!(
            html.contains(
                "<strong>Busiest streets:</strong> Drapery (34), &lt;Mill&gt; Lane (fewer than"
            ),
            "{html}"
        );
        assert!(html.contains("Priority ward"));
        assert!(html.contains("2nd of 16 (by count)"));
        assert!(html.contains("<span class=\"up\">+20 (+100.0%)</span>"));
        assert!(html.contains("Comparison (Jan 2025 – Jun 2025)"));
        assert!(html.contains("Yes (p = 0.001)"));
        assert!(html.contains("Serious acquisitive crime"));
        assert_eq!(html.matches("<rect").count(), 12);
    }

    #[test]
    fn suppressed_ward_panel_says_fewer_than_3_and_derives_nothing() {
        let months: Vec<String> = (1..=12).map(|m| format!("2025-{m:02}")).collect();
        let f = Filters::default_for(&months);
        let profile: WardProfile = lenient(json!({
            "ward": {"code": "E05999001", "name": "Abbey", "count": null, "rate_per_1000": null,
                     "annual_rate_per_1000": null, "population": 9000.0, "share": null, "rank": 14,
                     "comparison_count": 6, "change": null, "change_pct": null, "p_value": null,
                     "change_significant": null, "suppressed": true},
            "wards": 16,
            "by_category": {"Burglary": null, "Robbery": 4, "Anti-social behaviour": null},
            "by_month": {"2025-07": null}
        }));
        let trend: WardProfile = lenient(json!({"by_month": {"2025-01": 5, "2025-07": null}}));
        let html = ward_html(&profile, Some(&trend), &f, &catalogue(), &months);
        assert!(html.contains("fewer than 3 (suppressed)"));
        assert!(html.contains("<th scope=\"row\">Rate per 1,000 residents</th><td><span class=\"suppressed\">suppressed</span>"));
        assert!(html.contains(
            "<th scope=\"row\">Change</th><td><span class=\"suppressed\">suppressed</span>"
        ));
        assert!(html.contains("Comparison (Jan 2025 – Jun 2025)</th><td>6</td>"));
        // Robbery 4 + Burglary withheld: at least 5; ASB alone withheld.
        assert!(
            html.contains("<th scope=\"row\">Serious acquisitive crime</th><td>at least 5</td>")
        );
        assert!(html.contains("<th scope=\"row\">Anti-social behaviour</th><td>fewer than 3</td>"));
        assert!(html.contains("suppressed-note"));
        assert!(html.contains("data-suppressed=\"true\""));
        for bad in ["NaN", "Incidents</th><td>0", "−6", "+6"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        // The comparison withheld instead.
        let p2: WardProfile = lenient(
            json!({"ward": {"code": "E1", "name": "B", "count": 9, "comparison_count": null,
                                 "change": null, "change_pct": null, "comparison_suppressed": true, "rank": 1},
                        "wards": 16, "by_category": {}, "by_month": {}}),
        );
        let html = ward_html(&p2, None, &f, &catalogue(), &months);
        assert!(html.contains("<td>9</td>"));
        assert!(
            html.contains("<td><span class=\"suppressed\">fewer than 3 (suppressed)</span></td>")
        );
        assert!(html.contains(
            "<th scope=\"row\">Change</th><td><span class=\"suppressed\">suppressed</span>"
        ));
    }

    #[test]
    fn hotspot_and_incident_panels() {
        let p: HotspotProperties = lenient(
            json!({"top_percent": 1.0, "incidents": 411, "share": 0.29, "area_km2": 0.55, "threshold": 354.7,
                       "by_category": {"Black bags": 67, "Drugs": 6},
                       "places": [{"name": "Gold Street / <Bridge> Street area", "incidents": 300,
                                   "area_km2": 0.3, "lon": -0.9, "lat": 52.2},
                                  {"name": null, "incidents": 20, "area_km2": 0.05, "lon": -0.8, "lat": 52.3}]}),
        );
        let meta: DensityMeta = lenient(json!({"bandwidth_m": 250.0, "cell_m": 50.0}));
        let html = hotspot_html(&p, &meta);
        assert!(html.contains(
            "<button type=\"button\" class=\"place-go\" data-lon=\"-0.9\" data-lat=\"52.2\">Gold Street / &lt;Bridge&gt; Street area</button> <span class=\"n\">300 incidents, 0.30 km²</span>"
        ), "{html}");
        assert!(html.contains(">Unnamed area</button>"));
        assert!(html.contains("top 1% density"));
        assert!(html.contains("411"));
        assert!(html.contains("29.0%"));
        assert!(html.contains("bandwidth 250 m"));
        let legend = hotspot_legend(&lenient(
            json!({"features": [{"type": "Feature", "geometry": null, "properties": p}]}),
        ));
        assert_eq!(legend[0].label, "Top 1% (355 per km² or more)");
        let inc = incident_html(
            &lenient(
                json!({"category": "Burglary", "month": "2025-03", "location": "On or near <A>"}),
            ),
            Some("Castle"),
        );
        assert!(
            inc.contains("Mar 2025")
                && inc.contains("On or near &lt;A&gt;")
                && inc.contains("Castle")
        );
    }

    #[test]
    fn legend_sections() {
        let html = legend_html(&[LegendSection {
            layer: "wards",
            title: "Incidents".into(),
            items: vec![LegendItem {
                colour: "#fff".into(),
                label: "0 – 5".into(),
                count: 3,
            }],
            dots: false,
            note: Some("note".into()),
        }]);
        assert!(html.contains("data-layer=\"wards\""));
        assert!(html.contains("0 – 5"));
    }
}
