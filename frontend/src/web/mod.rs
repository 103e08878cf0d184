//! The browser side: page controls, API requests, the map and its panels.
//!
//! One `App` holds the map handle and the state. Filters change → every
//! visible layer refetches (stale answers are dropped by a per-layer
//! generation number) → the map sources, legend and panels update in place.

mod export;
mod hardening;
mod interventions;
mod js;
mod layers;
mod legend;
mod map;
mod planner;
mod png;
mod selection;
mod session;
mod state;

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;

use crate::access::Session;
use crate::briefing;
use crate::filters::{parse_query, Compare, Filters, Measure};
use crate::format::month_label;
use crate::panels::Catalogue;
use export::{export_layer, export_png};
use js::{by_id, call, fetch_api, fetch_text, fill_select, get, html_el, input, on, select, set};
use layers::{apply_visibility, bounds_of, refresh, render_hotspot_buttons, LayerKind};
use legend::render_legend;
use map::{Basemap, Map};
use selection::{select_features, update_briefing};
use session::{apply_session_ui, session_lost, wire_account};
use state::{App, AppRef, Selected, State};

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
    let cfg: Value = match fetch_text("config.json").await {
        Ok(t) => serde_json::from_str(&t).unwrap_or(Value::Null),
        Err(_) => Value::Null,
    };
    let text = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
    let mut basemap = Basemap {
        url: text(&cfg["basemap"]),
        attribution: text(&cfg["basemap_attribution"]),
    };
    for (k, v) in page {
        match k.as_str() {
            "basemap" if !v.is_empty() => basemap.url = Some(v.clone()),
            "basemap_attribution" if !v.is_empty() => basemap.attribution = Some(v.clone()),
            _ => {}
        }
    }
    let incidents = cfg["incidents"].as_bool().unwrap_or(true);
    (basemap, incidents)
}

async fn run() -> Result<(), String> {
    let t0 = js::now_ms();
    let search = js::window().location().search().unwrap_or_default();
    let page = parse_query(&search);
    // Start the API requests at once; they run while MapLibre starts.
    let me = fetch_api("/api/me");
    let categories = fetch_text("/api/categories");
    let periods = fetch_text("/api/periods");
    let (basemap, incidents_allowed) = config(&page).await;
    let map = Map::new("map", &basemap).map_err(|e| js::describe(&e))?;
    set(&js::window(), "__map", &map.js);
    debug_set("ready", &JsValue::FALSE);
    // Resolves on the map's `load` event.
    let loaded = {
        let m = map.clone();
        js_sys::Promise::new(&mut |resolve, _reject| {
            m.once("load", move |_| {
                let _ = resolve.call0(&JsValue::NULL);
            });
        })
    };
    if basemap.url.is_some() {
        // A remote basemap that fails before the first load: go offline.
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
    // Who we are decides which layers may be requested at all.
    let session = match me.await {
        Ok(t) => session::parse_session(&t),
        Err(e) => {
            js::log_error(&format!("/api/me: {}", e.message));
            Session::default()
        }
    };
    let cat: Value = serde_json::from_str(&categories.await?).map_err(|e| e.to_string())?;
    let per: Value = serde_json::from_str(&periods.await?).map_err(|e| e.to_string())?;
    let cat = Catalogue::parse(&cat);
    let months: Vec<String> = per["months"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| m["month"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if months.is_empty() {
        status_error(
            "No incidents are loaded yet: import data with `hotspot import` or POST /api/imports.",
        );
    }
    let mut f = Filters::default_for(&months).from_page_query(&page);
    // Drop values the data does not have.
    if !months.contains(&f.from) || !months.contains(&f.to) {
        let d = Filters::default_for(&months);
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
    let app: AppRef = Rc::new(App {
        map: map.clone(),
        st: RefCell::new(State::new(
            f,
            months,
            cat,
            session,
            incidents_allowed,
            &page,
        )),
    });
    if !incidents_allowed {
        let _ = html_el("incidents-row")
            .style()
            .set_property("display", "none");
        let _ = by_id("x-layer")
            .query_selector("option[value=incidents]")
            .map(|o| o.map(|o| o.remove()));
    }
    init_controls(&app);
    apply_session_ui(&app);
    wire_controls(&app);
    planner::wire(&app);
    hardening::wire(&app);
    interventions::wire(&app);
    wire_account(&app);
    // Fetch the wards while the map loads.
    let wards_url = app.st.borrow().f.wards_url();
    let wards = fetch_api(&wards_url);
    js::await_promise(loaded.into())
        .await
        .map_err(|e| js::describe(&e))?;
    if basemap.url.is_some() {
        map.add_local_fonts();
    }
    map.add_hotspot_layers().map_err(|e| js::describe(&e))?;
    selection::wire_map(&app);
    app.st.borrow_mut().map_ready = true;
    // The intervention log, if the role may see it.
    session::modes_session_changed(&app);
    // Signing in reloads the layers, which needs the map: allowed from now.
    by_id("sign-in-toggle")
        .unchecked_into::<web_sys::HtmlButtonElement>()
        .set_disabled(false);
    apply_visibility(&app);
    let generation = app.st.borrow_mut().wards.begin();
    let wards = wards.await;
    layers::receive(&app, LayerKind::Wards, generation, wards_url, wards).await;
    // First meaningful map: the ward layer drawn.
    {
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
    refresh(&app);
    Ok(())
}

/// Fills the selects from the catalogue and months.
fn init_controls(app: &AppRef) {
    let st = app.st.borrow();
    fill_filter_selects(&st);
    let month_opts: Vec<(String, String)> = st
        .months
        .iter()
        .map(|m| (m.clone(), month_label(m)))
        .collect();
    fill_select("f-from", &month_opts, &st.f.from);
    fill_select("f-to", &month_opts, &st.f.to);
    let cmp: Vec<(String, String)> = Compare::ALL
        .iter()
        .map(|c| (c.key().to_string(), c.label().to_string()))
        .collect();
    fill_select("f-compare", &cmp, st.f.compare.key());
    let measures: Vec<(String, String)> = Measure::ALL
        .iter()
        .map(|m| (m.key().to_string(), m.label().to_string()))
        .collect();
    fill_select("f-measure", &measures, st.f.measure.key());
    input("l-wards").set_checked(st.show_wards);
    planner::fill_groups(&st);
    interventions::init(&st);
    // The hotspot, density and incident boxes: `apply_session_ui`.
    update_slider(&st);
    // Tablets in portrait: start with the drawer closed.
    if js::window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .unwrap_or(1200.0)
        <= 900.0
    {
        toggle_panel(app, Some(false));
    }
}

fn fill_filter_selects(st: &State) {
    let mut groups = vec![(String::new(), "All crime and disorder".to_string())];
    groups.extend(st.cat.groups.iter().map(|g| (g.id.clone(), g.name.clone())));
    fill_select("f-group", &groups, &st.f.group);
    let mut types = vec![(String::new(), "All types".to_string())];
    types.extend(
        st.cat
            .types_for(&st.f.group, &st.f.source)
            .into_iter()
            .map(|t| (t.clone(), t)),
    );
    fill_select("f-type", &types, &st.f.crime_type);
    let mut sources = vec![(String::new(), "All sources".to_string())];
    sources.extend(st.cat.sources().into_iter().map(|s| (s.clone(), s)));
    fill_select("f-source", &sources, &st.f.source);
}

fn update_slider(st: &State) {
    let n = st.months.len() as i32;
    let len = crate::filters::months_between(&st.f.from, &st.f.to).max(1);
    let idx = st.months.iter().position(|m| *m == st.f.from).unwrap_or(0) as i32;
    let s = input("f-slider");
    s.set_max(&(n - len).max(0).to_string());
    s.set_value(&idx.to_string());
    let text = format!("{} to {}", month_label(&st.f.from), month_label(&st.f.to));
    let _ = s.set_attribute("aria-valuetext", &text);
    by_id("f-slider-out").set_text_content(Some(&text));
}

/// Connects every control to the state.
fn wire_controls(app: &AppRef) {
    fn on_select(app: &AppRef, id: &'static str, apply: fn(&mut State, String)) {
        let a = app.clone();
        on(&by_id(id), "change", move |_| {
            let v = select(id).value();
            {
                let mut st = a.st.borrow_mut();
                apply(&mut st, v);
            }
            {
                let st = a.st.borrow();
                fill_filter_selects(&st);
                update_slider(&st);
                let month_opts: Vec<(String, String)> = st
                    .months
                    .iter()
                    .map(|m| (m.clone(), month_label(m)))
                    .collect();
                fill_select("f-from", &month_opts, &st.f.from);
                fill_select("f-to", &month_opts, &st.f.to);
                select("f-compare").set_value(st.f.compare.key());
                select("f-measure").set_value(st.f.measure.key());
            }
            refresh(&a);
        });
    }
    on_select(app, "f-group", |st, v| {
        st.f.group = v;
        if !st.f.crime_type.is_empty()
            && !st
                .cat
                .types_for(&st.f.group, &st.f.source)
                .contains(&st.f.crime_type)
        {
            st.f.crime_type.clear();
        }
    });
    on_select(app, "f-type", |st, v| st.f.crime_type = v);
    on_select(app, "f-source", |st, v| {
        st.f.source = v;
        if !st.f.crime_type.is_empty()
            && !st
                .cat
                .types_for(&st.f.group, &st.f.source)
                .contains(&st.f.crime_type)
        {
            st.f.crime_type.clear();
        }
    });
    on_select(app, "f-from", |st, v| {
        st.f.from = v;
        if st.f.to < st.f.from {
            st.f.to = st.f.from.clone();
        }
    });
    on_select(app, "f-to", |st, v| {
        st.f.to = v;
        if st.f.to < st.f.from {
            st.f.from = st.f.to.clone();
        }
    });
    on_select(app, "f-compare", |st, v| {
        if let Some(c) = Compare::parse(&v) {
            st.f.compare = c;
        }
    });
    on_select(app, "f-measure", |st, v| {
        if let Some(m) = Measure::parse(&v) {
            st.f.measure = m;
            if m == Measure::Change && st.f.compare == Compare::None {
                st.f.compare = Compare::Previous;
            }
        }
    });
    // Time slider: moves the period keeping its length; refetches after a
    // short pause so dragging does not queue a request per step.
    {
        let a = app.clone();
        on(&by_id("f-slider"), "input", move |_| {
            let idx: usize = input("f-slider").value().parse().unwrap_or(0);
            let timer = {
                let mut st = a.st.borrow_mut();
                let len = crate::filters::months_between(&st.f.from, &st.f.to).max(1) as usize;
                if let (Some(from), Some(to)) = (
                    st.months.get(idx).cloned(),
                    st.months.get(idx + len - 1).cloned(),
                ) {
                    st.f.from = from;
                    st.f.to = to;
                }
                let text = format!("{} to {}", month_label(&st.f.from), month_label(&st.f.to));
                by_id("f-slider-out").set_text_content(Some(&text));
                let _ = input("f-slider").set_attribute("aria-valuetext", &text);
                select("f-from").set_value(&st.f.from);
                select("f-to").set_value(&st.f.to);
                st.slider_timer.take()
            };
            if let Some(t) = timer {
                js::window().clear_timeout_with_handle(t);
            }
            let b = a.clone();
            let cb = Closure::once_into_js(move || {
                b.st.borrow_mut().slider_timer = None;
                refresh(&b);
            });
            let id = js::window()
                .set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), 150)
                .ok();
            a.st.borrow_mut().slider_timer = id;
        });
    }
    // Layer toggles.
    fn on_check(app: &AppRef, id: &'static str, apply: fn(&mut State, bool)) {
        let a = app.clone();
        on(&by_id(id), "change", move |_| {
            let v = input(id).checked();
            apply(&mut a.st.borrow_mut(), v);
            apply_visibility(&a);
            refresh(&a);
        });
    }
    on_check(app, "l-wards", |st, v| st.show_wards = v);
    on_check(app, "l-hotspots", |st, v| st.show_hotspots = v);
    on_check(app, "l-density", |st, v| st.show_density = v);
    on_check(app, "l-incidents", |st, v| st.show_incidents = v);
    // Ward chooser (keyboard access to ward details).
    {
        let a = app.clone();
        on(&by_id("f-ward"), "change", move |_| {
            let code = select("f-ward").value();
            let sel = Selected {
                ward: (!code.is_empty()).then_some(code),
                ..Default::default()
            };
            select_features(&a, sel);
        });
    }
    // Ward briefing: the link follows the format and version chosen.
    {
        let a = app.clone();
        on(&by_id("b-format"), "change", move |_| update_briefing(&a));
    }
    {
        let a = app.clone();
        on(&by_id("b-public"), "change", move |_| {
            let forced = briefing::public_forced(a.st.borrow().session.role);
            if !forced {
                a.st.borrow_mut().briefing_public = input("b-public").checked();
            }
            update_briefing(&a);
        });
    }
    // Exports.
    {
        let a = app.clone();
        on(&by_id("x-csv"), "click", move |_| {
            let a = a.clone();
            spawn_local(async move { export_layer(&a, false).await });
        });
    }
    {
        let a = app.clone();
        on(&by_id("x-geojson"), "click", move |_| {
            let a = a.clone();
            spawn_local(async move { export_layer(&a, true).await });
        });
    }
    {
        let a = app.clone();
        on(&by_id("x-png"), "click", move |_| export_png(&a));
    }
    // Panel drawer.
    {
        let a = app.clone();
        on(&by_id("toggle-panel"), "click", move |_| {
            toggle_panel(&a, None)
        });
    }
    {
        let a = app.clone();
        on(&js::document().into(), "keydown", move |e| {
            let k: &web_sys::KeyboardEvent = e.unchecked_ref();
            let narrow = js::window()
                .inner_width()
                .ok()
                .and_then(|w| w.as_f64())
                .unwrap_or(1200.0)
                <= 900.0;
            if k.key() == "Escape"
                && narrow
                && !js::document()
                    .body()
                    .is_some_and(|b| b.class_list().contains("panel-closed"))
            {
                toggle_panel(&a, Some(false));
                let _ = html_el("toggle-panel").focus();
            }
        });
    }
}

fn toggle_panel(app: &AppRef, open: Option<bool>) {
    let Some(body) = js::document().body() else {
        return;
    };
    let now_open = !body.class_list().contains("panel-closed");
    let open = open.unwrap_or(!now_open);
    let _ = body.class_list().toggle_with_force("panel-closed", !open);
    let b = by_id("toggle-panel");
    let _ = b.set_attribute("aria-expanded", if open { "true" } else { "false" });
    b.set_text_content(Some(if open {
        "Hide panel"
    } else {
        "Filters & details"
    }));
    let _ = call(&app.map.js, "resize", &[]);
}

fn update_page_url(app: &AppRef) {
    let st = app.st.borrow();
    let mut q = st.f.to_page_query();
    let mut layers = Vec::new();
    for (on, name) in [
        (st.show_wards, "wards"),
        (st.show_hotspots, "hotspots"),
        (st.show_density, "density"),
        (st.show_incidents, "incidents"),
    ] {
        if on {
            layers.push(name);
        }
    }
    q.push_str(&format!("&layers={}", layers.join(",")));
    for (k, v) in &st.keep_params {
        q.push_str(&format!("&{k}={}", crate::filters::encode(v)));
    }
    if let Ok(h) = js::window().history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&q));
    }
}
