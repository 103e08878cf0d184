//! What is selected: map clicks and hover, the details panel (an incident,
//! a hotspot band, a ward and its figures) and the ward briefing link.

use hotspot_api::responses::WardProfile;
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;

use super::controls::update_page_url;
use super::js::{self, by_id, fetch_text, get, html_el, input, select};
use super::layers::{render_ward_table, ward_bounds};
use super::state::{AppRef, Selected, State};
use super::{debug_set, hardening, interventions};
use crate::access::Feature;
use crate::briefing::{self, BriefingFormat};
use crate::format;
use crate::panels;

/// The map layers a click can select from, innermost first.
/// (A Gi* cell is found in the grid: [`crate::gistar::cell_at`].)
const SELECTABLE: [&str; 8] = [
    "incidents-clusters",
    "incidents-points",
    "clusters-fill",
    "hotspots-fill",
    "emerging-fill",
    "change-fill",
    "risk-fill",
    "wards-fill",
];

/// Map clicks and hover cursors.
pub fn wire_map(app: &AppRef) {
    for layer in [
        "wards-fill",
        "hotspots-fill",
        "emerging-fill",
        "change-fill",
        "risk-fill",
        "clusters-fill",
        "incidents-clusters",
        "incidents-points",
        hardening::POINTS_LAYER,
        interventions::FILL_LAYER,
    ] {
        let a = app.clone();
        app.map
            .on_layer("mouseenter", layer, move |_| a.map.set_cursor("pointer"));
        let a = app.clone();
        app.map
            .on_layer("mouseleave", layer, move |_| a.map.set_cursor(""));
    }
    let a = app.clone();
    app.map.on("click", move |e| map_click(&a, &e));
    // A hotspot's separate areas, listed in its panel: the map goes there.
    let a = app.clone();
    js::on(&by_id("details"), "click", move |e| {
        let at = |attr| {
            js::clicked_data(&e, "button.place-go", attr)?
                .parse::<f64>()
                .ok()
        };
        if let (Some(lon), Some(lat)) = (at("data-lon"), at("data-lat")) {
            a.map.fly_to(lon, lat, PLACE_ZOOM);
        }
    });
}

/// The zoom a hotspot's area is shown at: streets and their labels.
const PLACE_ZOOM: f64 = 15.5;

/// A click: the modes first (choosing an intervention's site, a place to
/// visit, an intervention), then a cluster zooms in, else the incident,
/// hotspot band and ward under it are selected.
fn map_click(a: &AppRef, e: &JsValue) {
    if interventions::editing_click(a, e) {
        return;
    }
    let modes = [hardening::POINTS_LAYER, interventions::FILL_LAYER];
    let hits = a.map.features_at(&get(e, "point"), &modes);
    if hardening::map_click(a, &hits) || interventions::map_click(a, &hits) {
        return;
    }
    let hits = a.map.features_at(&get(e, "point"), &SELECTABLE);
    let in_layer = |l: &'static str| hits.iter().filter(move |h| h["layer"] == l);
    // A cluster (the service's, per tile): closer, where it is.
    if let Some(c) = in_layer("incidents-clusters").next() {
        let center = js::to_js(&c["geometry"]["coordinates"]);
        a.map.ease_to_zoom(&center, a.map.zoom() + 2.0);
        return;
    }
    let mut sel = Selected::default();
    let lon_lat = |p: &serde_json::Value| Some([p[0].as_f64()?, p[1].as_f64()?]);
    sel.incidents_at = in_layer("incidents-points")
        .next()
        .and_then(|p| lon_lat(&p["geometry"]["coordinates"]));
    // The innermost (smallest top %) hotspot band under the click.
    sel.hotspot = in_layer("hotspots-fill")
        .filter_map(|h| h["properties"]["top_percent"].as_f64())
        .min_by(|a, b| a.total_cmp(b));
    // A Gi* cell: the hot or cold one drawn under the click (the others are
    // not drawn), found in the grid the image was drawn from.
    sel.gi = {
        let st = a.st.borrow();
        let lng_lat = get(e, "lngLat");
        let (lon, lat) = (get(&lng_lat, "lng").as_f64(), get(&lng_lat, "lat").as_f64());
        st.gistar
            .data
            .as_ref()
            .filter(|_| st.on(Feature::Gistar))
            .zip(lon.zip(lat))
            .and_then(|(grid, (lon, lat))| crate::gistar::cell_at(grid, lon, lat))
    };
    sel.emerging = in_layer("emerging-fill")
        .filter(|h| h["properties"]["class"] != "no_pattern")
        .find_map(|h| serde_json::from_value(h["properties"].clone()).ok());
    sel.change =
        in_layer("change-fill").find_map(|h| serde_json::from_value(h["properties"].clone()).ok());
    sel.risk =
        in_layer("risk-fill").find_map(|h| serde_json::from_value(h["properties"].clone()).ok());
    // MapLibre hands nested properties back as strings: the cluster is
    // read from the loaded layer by its rank.
    sel.cluster = in_layer("clusters-fill")
        .find_map(|h| h["properties"]["rank"].as_u64())
        .and_then(|rank| {
            let st = a.st.borrow();
            let layer = st.clusters.data.as_ref()?;
            let f = layer
                .features
                .iter()
                .find(|f| f.properties.rank as u64 == rank)?;
            Some(f.properties.clone())
        });
    sel.ward =
        in_layer("wards-fill").find_map(|h| h["properties"]["code"].as_str().map(str::to_string));
    let chose = sel.ward.is_some()
        || sel.hotspot.is_some()
        || sel.incidents_at.is_some()
        || sel.gi.is_some()
        || sel.emerging.is_some()
        || sel.change.is_some()
        || sel.cluster.is_some()
        || sel.risk.is_some();
    select_features(a, sel);
    // The panel may be below the fold: bring it up, so the click is seen to work.
    if chose {
        bring_details_into_view();
    }
}

/// A ward chosen by name (the table, the chooser, the search): framed on
/// the map, selected, and its panel brought into view.
pub fn choose_ward(app: &AppRef, code: &str) {
    let bounds = ward_bounds(&app.st.borrow(), code);
    if let Some(b) = bounds {
        app.map.fit(b);
    }
    select_features(
        app,
        Selected {
            ward: Some(code.to_string()),
            ..Default::default()
        },
    );
    bring_details_into_view();
}

/// Scrolls the side panel (only it: `scrollIntoView` would scroll the page
/// and the map with it) so the details card's heading is at its top.
fn bring_details_into_view() {
    let panel = by_id("panel");
    let (top, heading) = (
        panel.get_bounding_client_rect().top(),
        by_id("h-details").get_bounding_client_rect().top(),
    );
    panel.set_scroll_top(panel.scroll_top() + (heading - top - 8.0) as i32);
}

/// Shows what was clicked or chosen: incident, hotspot band, ward.
pub fn select_features(app: &AppRef, sel: Selected) {
    let generation = {
        let mut st = app.st.borrow_mut();
        st.selected = sel.clone();
        st.details_generation += 1;
        st.details_generation
    };
    highlight(app, &sel);
    let html = details_html(&app.st.borrow(), &sel);
    by_id("details").set_inner_html(&html);
    update_briefing(app);
    update_page_url(app);
    render_ward_table(app);
    if let Some(at) = sel.incidents_at {
        let a = app.clone();
        spawn_local(async move { load_incidents_at(&a, at, generation).await });
    }
    let Some(code) = sel.ward else { return };
    let a = app.clone();
    spawn_local(async move { load_ward_panel(&a, code, generation).await });
}

/// The selected ward and hotspot band outlined on the map, the ward in the
/// chooser.
fn highlight(app: &AppRef, sel: &Selected) {
    let code = sel.ward.clone().unwrap_or_default();
    app.map
        .set_filter("wards-selected", &json!(["==", ["get", "code"], code]));
    app.map.set_filter(
        "wards-selected-casing",
        &json!(["==", ["get", "code"], code]),
    );
    app.map.set_filter(
        "hotspots-selected",
        &json!(["==", ["get", "top_percent"], sel.hotspot.unwrap_or(-1.0)]),
    );
    select("f-ward").set_value(&code);
}

/// The details panel at once: the incident and the hotspot band, and a
/// placeholder for the ward that [`load_ward_panel`] fills.
fn details_html(st: &State, sel: &Selected) -> String {
    let mut html = String::new();
    if sel.incidents_at.is_some() {
        html.push_str("<div id=\"incidents-here\" aria-busy=\"true\"><p class=\"hint\">Loading the incidents at this point…</p></div>");
    }
    if let Some(top) = sel.hotspot {
        if let Some(band) = st.hotspot_band(top) {
            if let Some(fc) = &st.hotspots.data {
                html.push_str(&panels::hotspot_html(band, &fc.meta));
            }
        }
    }
    if let Some(g) = &sel.gi {
        let harm = (st.gistar.data.as_ref()).is_some_and(|l| l.meta.harm_index.is_some());
        html.push_str(&crate::gistar::cell_html(g, harm));
    }
    if let Some(e) = &sel.emerging {
        let periods = st
            .emerging
            .data
            .as_ref()
            .map_or(&[][..], |l| &l.meta.periods[..]);
        html.push_str(&crate::emerging::cell_html(e, periods));
    }
    if let Some(c) = &sel.cluster {
        html.push_str(&crate::clusters::cluster_html(c));
    }
    if let Some(c) = &sel.change {
        html.push_str(&crate::change::cell_html(c));
    }
    if let Some(r) = &sel.risk {
        html.push_str(&crate::risk::cell_html(r));
    }
    if sel.ward.is_some() {
        html.push_str("<div id=\"ward-details\" class=\"ward\" aria-busy=\"true\"><p class=\"hint\">Loading the ward…</p></div>");
    }
    if html.is_empty() {
        html =
            "<p class=\"hint\">Click a ward or a hotspot on the map, or choose a ward above.</p>"
                .into();
    }
    html
}

/// The ward's figures and trend into its placeholder, unless another
/// selection (`generation`) came first.
/// Most incidents listed for one map point.
const INCIDENTS_AT: usize = 25;

/// The incidents at a clicked map point (a box of a few metres around it:
/// police.uk stacks incidents on one snapped point) into their placeholder,
/// unless another selection (`generation`) came first.
async fn load_incidents_at(a: &AppRef, [lon, lat]: [f64; 2], generation: u32) {
    let d = 0.00005; // about 5 m
    let url =
        a.st.borrow()
            .f
            .incidents_at_url([lon - d, lat - d, lon + d, lat + d], INCIDENTS_AT);
    let text = fetch_text(&url).await;
    let st = a.st.borrow();
    if st.details_generation != generation {
        return;
    }
    let page = text.and_then(|t| {
        serde_json::from_str::<hotspot_api::responses::Incidents>(&t).map_err(|e| e.to_string())
    });
    let html = match page {
        Ok(page) => {
            let n = page.meta.number_matched;
            let mut s = format!(
                "<p>{} incident{} at this point{}.</p>",
                format::thousands(n as u64),
                if n == 1 { "" } else { "s" },
                if n > page.meta.number_returned {
                    format!(" (the first {} listed)", page.meta.number_returned)
                } else {
                    String::new()
                }
            );
            for f in &page.features {
                let ward = f.properties.ward.as_deref().and_then(|c| st.ward_name(c));
                s.push_str(&panels::incident_html(&f.properties, ward));
            }
            s
        }
        Err(e) => format!(
            "<p class=\"error\">The incidents could not be loaded: {}</p>",
            format::esc(&e)
        ),
    };
    let el = by_id("incidents-here");
    el.set_inner_html(&html);
    let _ = el.remove_attribute("aria-busy");
    debug_set("incidentsHere", &JsValue::from_str(&url));
}

async fn load_ward_panel(a: &AppRef, code: String, generation: u32) {
    let (url, trend_url) = {
        let st = a.st.borrow();
        (st.f.ward_url(&code), st.f.ward_trend_url(&code))
    };
    let profile = fetch_text(&url);
    let trend = fetch_text(&trend_url);
    let (profile, trend) = (profile.await, trend.await);
    if a.st.borrow().details_generation != generation {
        return;
    }
    let target = js::document().get_element_by_id("ward-details");
    let Some(target) = target else { return };
    match profile.and_then(|t| serde_json::from_str::<WardProfile>(&t).map_err(|e| e.to_string())) {
        Ok(p) => {
            let trend: Option<WardProfile> = trend.ok().and_then(|t| serde_json::from_str(&t).ok());
            let st = a.st.borrow();
            let html = panels::ward_html(&p, trend.as_ref(), &st.f, &st.cat, &st.months);
            target.set_outer_html(&html);
            debug_set("wardUrl", &JsValue::from_str(&url));
        }
        Err(e) => target.set_inner_html(&format!(
            "<p class=\"hint\">Could not load the ward: {}</p>",
            format::esc(&e)
        )),
    }
}

/// The ward panel's *Ward briefing* control: shown while a ward is
/// selected, its link (`<a href download>`, so the browser sends the
/// session cookie and saves the server's attachment) built from the current
/// filters, format and version. The public role only gets the public
/// version: the box is ticked, disabled and the note says why.
pub fn update_briefing(app: &AppRef) {
    let st = app.st.borrow();
    let section = html_el("briefing");
    let Some(code) = st.selected.ward.as_deref() else {
        section.set_hidden(true);
        return;
    };
    let format: BriefingFormat = select("b-format").value().parse().unwrap_or_default();
    let role = st.session.role;
    let public = briefing::effective_public(role, st.briefing_public);
    let checkbox = input("b-public");
    checkbox.set_checked(public);
    checkbox.set_disabled(briefing::public_forced(role));
    if let Some(row) = checkbox.parent_element() {
        let _ = row
            .class_list()
            .toggle_with_force("locked", briefing::public_forced(role));
    }
    by_id("b-note").set_text_content(Some(&briefing::note(&st.session, public)));
    let name = st.ward_name(code).unwrap_or(code);
    let url = briefing::briefing_url(&st.f, code, format, public);
    let link = by_id("b-download");
    let _ = link.set_attribute("href", &url);
    link.set_text_content(Some(&briefing::link_text(name, format, public)));
    section.set_hidden(false);
    debug_set("briefingUrl", &JsValue::from_str(&url));
}
