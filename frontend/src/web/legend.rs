//! The legend card: one section per layer shown (wards, hotspots, density,
//! incidents, the plan, the places to visit, the interventions), and the
//! shorter rows the PNG export draws.

use wasm_bindgen::prelude::*;

use super::js::by_id;
use super::state::{AppRef, State};
use super::{debug_set, hardening, interventions};
use crate::access::Feature;
use crate::classify::LegendItem;
use crate::filters::Measure;
use crate::format;
use crate::panels::{self, LegendSection};
use hotspot_api::responses::DensityMeta;

/// Redraws the legend from the state.
pub fn render_legend(app: &AppRef) {
    let st = app.st.borrow();
    let mut sections: Vec<LegendSection> = Vec::new();
    sections.extend(ward_section(&st));
    sections.extend(hotspot_section(&st));
    sections.extend(density_section(&st));
    sections.extend(gistar_section(&st));
    sections.extend(emerging_section(&st));
    sections.extend(analysis_sections(&st));
    sections.extend(incident_section(&st));
    sections.extend(plan_section(&st));
    mode_sections(&st, &mut sections);
    let html = panels::legend_html(&sections);
    // The incident section's second count is meaningless: blank it.
    let html = html.replace(
        "<span class=\"label\">Map point (sized by its incidents)</span><span class=\"n\">0</span>",
        "<span class=\"label\">Map point (sized by its incidents)</span><span class=\"n\"></span>",
    );
    by_id("legend").set_inner_html(&html);
    debug_set("measure", &JsValue::from_str(st.f.measure.key()));
}

/// The ward classes, the no-data class and the priority wards, with a note
/// on what is counted and what is withheld.
fn ward_section(st: &State) -> Option<LegendSection<'static>> {
    if !st.show_wards {
        return None;
    }
    let c = st.ward_classes.as_ref()?;
    let meta = &st.wards.data.as_ref()?.meta;
    let mut note = format!(
        "{}. Quantile classes{}. {} outside the wards, {} without a location.{}",
        st.f.describe(st.cat.group_name(&st.f.group)),
        if st.f.measure == Measure::Change {
            " fixed at ±5% and ±20%"
        } else {
            ""
        },
        format::count_text(meta.outside_areas),
        format::count_text(meta.unlocated),
        panels::harm_note(meta.harm_index.as_ref()),
    )
    .replace("Quantile classes fixed", "Classes fixed");
    if c.suppressed > 0 {
        note.push_str(&format!(
            " Counts of {} are withheld in the public view (hatched); sign in for the full figures.",
            format::withheld_counts()
        ));
    }
    let mut items = c.legend_with_no_data(match st.f.measure {
        Measure::Rate | Measure::Harm => "No population",
        Measure::Change => "No comparison (none before)",
        Measure::Count => "No data",
    });
    items.push(LegendItem {
        colour: "transparent".into(),
        label: format!("Priority: top by {} (dashed)", st.f.ranked_by()),
        count: st.priority_wards(),
    });
    Some(LegendSection {
        layer: "wards",
        title: format!("Wards: {}", st.f.measure.label()),
        items,
        dots: false,
        note: Some(note),
    })
}

fn hotspot_section(st: &State) -> Option<LegendSection<'static>> {
    let hotspots = st
        .hotspots
        .data
        .as_ref()
        .filter(|_| st.on(Feature::Hotspots))?;
    Some(LegendSection {
        layer: "hotspots",
        title: "Hotspots: densest areas (incidents inside)".into(),
        items: panels::hotspot_legend(hotspots),
        dots: false,
        note: Some(kernel_note(st, &hotspots.meta)),
    })
}

/// The kernel behind a surface, and why: what the analyst chose, or the
/// rule for the view (in the docs and beside the bandwidth control).
fn kernel_note(st: &State, meta: &DensityMeta) -> String {
    let how = if st.f.bandwidth.is_some() {
        "chosen"
    } else {
        "automatic"
    };
    let area = if st.surface_bbox.is_some() {
        "the area in view"
    } else {
        "the whole area"
    };
    format!(
        "For {area}: bandwidth {} m ({how}), {} m cells.{}",
        format::number(meta.bandwidth_m, 0),
        format::number(meta.cell_m, 0),
        panels::harm_note(meta.harm_index.as_ref())
    )
}

fn gistar_section(st: &State) -> Option<LegendSection<'static>> {
    let layer = st.gistar.data.as_ref().filter(|_| st.on(Feature::Gistar))?;
    Some(LegendSection {
        layer: "gistar",
        title: "Gi* hot and cold spots (cells)".into(),
        items: crate::gistar::legend(layer),
        dots: false,
        note: Some(crate::gistar::note(layer) + &panels::harm_note(layer.meta.harm_index.as_ref())),
    })
}

fn emerging_section(st: &State) -> Option<LegendSection<'static>> {
    let layer = st
        .emerging
        .data
        .as_ref()
        .filter(|_| st.on(Feature::Emerging))?;
    Some(LegendSection {
        layer: "emerging",
        title: "Emerging hot and cold spots (cells)".into(),
        items: crate::emerging::legend(layer),
        dots: false,
        note: Some(crate::emerging::note(layer)),
    })
}

/// The change map, point clusters and relative risk.
fn analysis_sections(st: &State) -> Vec<LegendSection<'static>> {
    let mut out = Vec::new();
    if let Some(l) = st.change.data.as_ref().filter(|_| st.on(Feature::Change)) {
        out.push(LegendSection {
            layer: "change",
            title: "Change from the comparison period (cells)".into(),
            items: crate::change::legend(l),
            dots: false,
            note: Some(crate::change::note(l)),
        });
    }
    if let Some(l) = st
        .clusters
        .data
        .as_ref()
        .filter(|_| st.on(Feature::Clusters))
    {
        out.push(LegendSection {
            layer: "clusters",
            title: "Point clusters (DBSCAN)".into(),
            items: crate::clusters::legend(l),
            dots: false,
            note: Some(crate::clusters::note(l)),
        });
    }
    if let Some(l) = st.risk.data.as_ref().filter(|_| st.on(Feature::Risk)) {
        out.push(LegendSection {
            layer: "risk",
            title: "Relative risk (1 = the area's average)".into(),
            items: crate::risk::legend(l),
            dots: false,
            note: Some(crate::risk::note(l)),
        });
    }
    out
}

fn density_section(st: &State) -> Option<LegendSection<'static>> {
    if !st.on(Feature::Density) {
        return None;
    }
    let c = st.density_legend.as_ref()?;
    let grid = st.density.data.as_ref().map(|d| &d.meta);
    Some(LegendSection {
        layer: "density",
        title: "Kernel density, incidents per km² (cells)".into(),
        items: c.legend.clone(),
        dots: false,
        note: grid.map(|g| kernel_note(st, g)),
    })
}

/// Clusters and map points (from the incident tiles), with the number of
/// located incidents selected (the ward layer's own totals).
fn incident_section(st: &State) -> Option<LegendSection<'static>> {
    if !st.on(Feature::Incidents) || st.incidents.url.is_empty() {
        return None;
    }
    let located = st
        .wards
        .data
        .as_ref()
        .and_then(|w| Some(w.meta.total? - w.meta.unlocated?));
    Some(LegendSection {
        layer: "incidents",
        title: "Incidents".into(),
        items: vec![
            LegendItem {
                colour: "#3d5a80".into(),
                label: "Cluster (zoom in to split)".into(),
                count: located.unwrap_or(0) as usize,
            },
            LegendItem {
                colour: "#1d2b3a".into(),
                label: "Map point (sized by its incidents)".into(),
                count: 0,
            },
        ],
        dots: true,
        note: Some(
            "Located incidents, drawn from vector tiles as the view needs them: clusters \
             below street zoom, then police.uk's map points sized by their incidents. \
             Click a point for its incidents."
                .into(),
        ),
    })
}

fn plan_section(st: &State) -> Option<LegendSection<'static>> {
    st.plan.data.as_ref().map(|plan| LegendSection {
        layer: "plan",
        title: "Day of action plan".into(),
        items: crate::plan::legend_items(plan),
        dots: true,
        note: None,
    })
}

/// Legend sections of the target-hardening and interventions modes.
fn mode_sections(st: &State, sections: &mut Vec<LegendSection<'static>>) {
    sections.extend(hardening::legend_section(st));
    sections.extend(interventions::legend_section(st));
}

/// The PNG export's legend: a title and items per layer shown (shorter
/// titles than the card's, no notes).
pub fn png_rows(st: &State) -> Vec<(String, Vec<LegendItem>)> {
    let mut rows: Vec<(String, Vec<LegendItem>)> = Vec::new();
    if st.show_wards {
        if let Some(c) = &st.ward_classes {
            rows.push((
                format!("Wards: {}", st.f.measure.label()),
                c.legend_with_no_data("No data"),
            ));
        }
    }
    if let Some(hotspots) = st
        .hotspots
        .data
        .as_ref()
        .filter(|_| st.on(Feature::Hotspots))
    {
        rows.push(("Hotspots".into(), panels::hotspot_legend(hotspots)));
    }
    if st.on(Feature::Density) {
        if let Some(c) = &st.density_legend {
            rows.push(("Density per km²".into(), c.legend.clone()));
        }
    }
    if let Some(layer) = st.gistar.data.as_ref().filter(|_| st.on(Feature::Gistar)) {
        rows.push((
            "Gi* hot and cold spots".into(),
            crate::gistar::legend(layer),
        ));
    }
    if let Some(layer) = st
        .emerging
        .data
        .as_ref()
        .filter(|_| st.on(Feature::Emerging))
    {
        rows.push(("Emerging hot spots".into(), crate::emerging::legend(layer)));
    }
    // Places to visit, interventions and an evaluation, when shown.
    let mut extra = Vec::new();
    mode_sections(st, &mut extra);
    rows.extend(extra.into_iter().map(|s| (s.title, s.items)));
    rows
}
