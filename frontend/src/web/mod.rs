//! The browser side: page controls, API requests, the map and its panels.
//!
//! One `App` holds the map handle and the state. Filters change → every
//! visible layer refetches (stale answers are dropped by a per-layer
//! generation number) → the map sources, legend and panels update in place.
//!
//! This file starts the page; the rest is one module per concern:
//! [`state`] (the `App` and its `State`), [`session`] (signing in and out,
//! the role's controls), [`controls`] (filters, layer boxes, the drawer,
//! the page URL), [`layers`] (the one loader of the four data layers and
//! the reads of their data), [`surface`] (the hotspot and density layers
//! following the view), [`legend`], [`selection`] (map clicks, the
//! details panel, the ward briefing link), [`export`], and the modes
//! [`planner`], [`hardening`] and [`interventions`]; under them the
//! MapLibre bindings ([`map`], [`png`]) and the wasm-bindgen helpers
//! ([`js`]).

mod controls;
mod export;
mod hardening;
mod interventions;
mod js;
mod layers;
mod legend;
mod map;
mod patterns;
mod planner;
mod png;
mod search;
mod selection;
mod session;
mod state;
mod surface;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;

use crate::access::Session;
use crate::filters::{parse_query, Filters};
use crate::panels::Catalogue;
use controls::{init_controls, wire_controls};
use hotspot_api::responses::{Categories, Periods};
use js::{by_id, call, fetch_text, get, html_el, set};
use layers::{apply_visibility, refresh, LayerKind};
use map::{Basemap, Map};
use session::{apply_session_ui, wire_account};
use state::{App, AppRef, Fetching, State};

#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| js::log_error(&format!("hotspot: {info}"))));
    spawn_local(async {
        if let Err(e) = run().await {
            status_error(&format!("The map could not start: {e}"));
            js::log_error(&e);
        }
    });
}

fn set_status(msg: &str) {
    let s = by_id("status");
    s.set_text_content(Some(msg));
    let _ = s.class_list().remove_1("error");
}

fn status_error(msg: &str) {
    let s = by_id("status");
    s.set_text_content(Some(msg));
    let _ = s.class_list().add_1("error");
}

/// `window.__hotspot`: what tests and curious analysts can read.
fn debug_set(key: &str, v: &JsValue) {
    let w = js::window();
    let mut o = get(&w, "__hotspot");
    if o.is_undefined() {
        o = js_sys::Object::new().into();
        set(&w, "__hotspot", &o);
    }
    set(&o, key, v);
}

/// Reads `config.json` (optional, beside index.html) and `?basemap=`.
async fn config(page: &[(String, String)]) -> (Basemap, bool) {
    let cfg: ClientConfig = match fetch_text("config.json").await {
        Ok(t) => serde_json::from_str(&t).unwrap_or_default(),
        Err(_) => ClientConfig::default(),
    };
    let text = |v: Option<String>| v.filter(|s| !s.is_empty());
    let mut basemap = Basemap {
        url: text(cfg.basemap),
        attribution: text(cfg.basemap_attribution),
    };
    for (k, v) in page {
        match k.as_str() {
            "basemap" if !v.is_empty() => basemap.url = Some(v.clone()),
            "basemap_attribution" if !v.is_empty() => basemap.attribution = Some(v.clone()),
            _ => {}
        }
    }
    (basemap, cfg.incidents.unwrap_or(true))
}

/// `config.json` beside `index.html`: what a deployment sets for the page.
#[derive(Default, serde::Deserialize)]
struct ClientConfig {
    basemap: Option<String>,
    basemap_attribution: Option<String>,
    /// Incident points may be shown at all (default yes).
    incidents: Option<bool>,
}

async fn run() -> Result<(), String> {
    let t0 = js::now_ms();
    let search = js::window().location().search().unwrap_or_default();
    let page = parse_query(&search);
    // Send the API requests at once; they run while MapLibre starts.
    let me = js::fetch_api_now("/api/me");
    let categories = js::fetch_api_now("/api/categories");
    let periods = js::fetch_api_now("/api/periods");
    let (basemap, incidents_allowed) = config(&page).await;
    let map = Map::new("map", &basemap).map_err(|e| js::describe(&e))?;
    set(&js::window(), "__map", &map.js);
    debug_set("ready", &JsValue::FALSE);
    let loaded = load_event(&map);
    if basemap.url.is_some() {
        fall_back_offline(&map);
    }
    // Who we are decides which layers may be requested at all.
    let session = match me.await {
        Ok(t) => session::parse_session(&t),
        Err(e) => {
            js::log_error(&format!("/api/me: {}", e.message));
            Session::default()
        }
    };
    let text = |r: Result<String, js::FetchError>| r.map_err(|e| e.message);
    let cat: Categories =
        serde_json::from_str(&text(categories.await)?).map_err(|e| e.to_string())?;
    let per: Periods = serde_json::from_str(&text(periods.await)?).map_err(|e| e.to_string())?;
    let cat = Catalogue::from(cat);
    let months: Vec<String> = per.months.into_iter().map(|m| m.month).collect();
    if months.is_empty() {
        status_error(
            "No incidents are loaded yet: import data with `hotspot import` or POST /api/imports.",
        );
    }
    let f = initial_filters(&page, &months, &cat);
    let state = State::new(f, months, cat, session, incidents_allowed, &page);
    let app: AppRef = Rc::new(App {
        map: map.clone(),
        st: RefCell::new(state),
    });
    if !incidents_allowed {
        hide_incident_controls();
    }
    wire_page(&app);
    // Fetch the wards while the map loads.
    let wards_url = app.st.borrow().f.wards_url();
    let wards = js::fetch_api_now(&wards_url);
    js::await_promise(loaded.into())
        .await
        .map_err(|e| js::describe(&e))?;
    if basemap.url.is_some() {
        map.add_local_fonts();
    }
    let tiles = {
        let origin = js::window().location().origin().unwrap_or_default();
        app.st.borrow().f.incident_tiles_url(&origin)
    };
    map.add_hotspot_layers(&tiles)
        .map_err(|e| js::describe(&e))?;
    map_ready(&app);
    let generation = app.st.borrow_mut().wards.begin(&wards_url);
    let wards = wards.await;
    layers::receive(&app, LayerKind::Wards, generation, wards_url, wards).await;
    mark_first_map(&map, t0);
    select_start_ward(&app);
    refresh(&app);
    Ok(())
}

/// A shared link's ward (`ward=`), if the data has it: `refresh` then
/// selects it as if clicked.
fn select_start_ward(app: &AppRef) {
    let code = app.st.borrow_mut().start_ward.take();
    if let Some(code) = code {
        if app.st.borrow().ward_name(&code).is_some() {
            app.st.borrow_mut().selected.ward = Some(code);
        }
    }
}

/// Resolves on the map's `load` event.
fn load_event(map: &Map) -> js_sys::Promise {
    let m = map.clone();
    js_sys::Promise::new(&mut |resolve, _reject| {
        m.once("load", move |_| {
            let _ = resolve.call0(&JsValue::NULL);
        });
    })
}

/// A remote basemap that fails before the first load: go offline.
fn fall_back_offline(map: &Map) {
    let m = map.clone();
    let fell_back = Rc::new(RefCell::new(false));
    map.on("error", move |e| {
        let loaded = call(&m.js, "loaded", &[])
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let style_ok = call(&m.js, "isStyleLoaded", &[])
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if !loaded && !style_ok && !*fell_back.borrow() {
            *fell_back.borrow_mut() = true;
            js::log_error(&format!(
                "basemap unavailable ({}); using the offline base",
                js::describe(&get(&e, "error"))
            ));
            m.use_offline_style();
        }
    });
}

/// The months with data, from `/api/periods`.
/// The filters the page URL asks for, without values the data does not
/// have.
fn initial_filters(page: &[(String, String)], months: &[String], cat: &Catalogue) -> Filters {
    let mut f = Filters::default_for(months).from_page_query(page);
    if !months.contains(&f.from) || !months.contains(&f.to) {
        let d = Filters::default_for(months);
        f.from = d.from;
        f.to = d.to;
    }
    if !f.group.is_empty() && cat.group_name(&f.group).is_none() {
        f.group.clear();
    }
    if !f.crime_type.is_empty() && !cat.types_for("", "").contains(&f.crime_type) {
        f.crime_type.clear();
    }
    if !f.source.is_empty() && !cat.sources().contains(&f.source) {
        f.source.clear();
    }
    f
}

/// A deployment without incident points: no incident box, no such export.
fn hide_incident_controls() {
    let _ = html_el("incidents-row")
        .style()
        .set_property("display", "none");
    let _ = by_id("x-layer")
        .query_selector("option[value=incidents]")
        .map(|o| o.map(|o| o.remove()));
}

/// Fills the controls, shows them for the role and connects them.
fn wire_page(app: &AppRef) {
    init_controls(app);
    apply_session_ui(app);
    wire_controls(app);
    planner::wire(app);
    hardening::wire(app);
    patterns::wire(app);
    interventions::wire(app);
    wire_account(app);
}

/// The map has loaded: clicks, the modes' data and signing in from now.
fn map_ready(app: &AppRef) {
    selection::wire_map(app);
    surface::wire(app);
    app.st.borrow_mut().map_ready = true;
    // The intervention log, if the role may see it.
    session::modes_session_changed(app);
    // Signing in reloads the layers, which needs the map: allowed from now.
    by_id("sign-in-toggle")
        .unchecked_into::<web_sys::HtmlButtonElement>()
        .set_disabled(false);
    apply_visibility(app);
}

/// First meaningful map: the ward layer drawn (`window.__hotspot`'s
/// `firstMapMs`, and `ready` for the tests).
fn mark_first_map(map: &Map, t0: f64) {
    let m = map.clone();
    map.once("idle", move |_| {
        let ms = js::now_ms();
        debug_set("firstMapMs", &JsValue::from_f64(ms));
        debug_set("startMs", &JsValue::from_f64(t0));
        debug_set("ready", &JsValue::TRUE);
        let _ = m;
    });
    map.trigger_repaint();
}
