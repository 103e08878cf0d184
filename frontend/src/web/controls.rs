//! The filter card and the page's other controls: the selects, the time
//! slider, the layer boxes, the ward chooser, the briefing and export
//! buttons and the panel drawer, and the page URL that holds the view.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;

use super::export::{export_file, export_layer, export_png};
use super::js::{self, by_id, call, fill_select, html_el, input, on, select};
use super::layers::render_ward_table;
use super::layers::{apply_visibility, refresh};
use super::selection::{choose_ward, select_features, update_briefing};
use super::state::{AppRef, Selected, State};
use super::{interventions, planner};
use crate::access::Feature;
use crate::briefing;
use crate::filters::{Compare, Measure};
use crate::format::{self, month_label};
use crate::view::BANDWIDTH_PRESETS;
use crate::ward_table::SortKey;

/// Fills the selects from the catalogue and months.
pub fn init_controls(app: &AppRef) {
    let st = app.st.borrow();
    fill_filter_selects(&st);
    fill_month_selects(&st);
    let cmp: Vec<(String, String)> = Compare::ALL
        .iter()
        .map(|c| (c.key().to_string(), c.label().to_string()))
        .collect();
    fill_select("f-compare", &cmp, st.f.compare.key());
    fill_select("f-measure", &measure_options(&st), st.f.measure.key());
    fill_weight(&st);
    fill_select(
        "f-denominator",
        &denominator_options(&st),
        &st.f.denominator,
    );
    fill_select(
        "f-bandwidth",
        &bandwidth_options(st.f.bandwidth),
        &bandwidth_key(&st),
    );
    fill_select(
        "f-gi-cell",
        &gi_cell_options(st.f.gi_cell),
        &opt_key(st.f.gi_cell),
    );
    fill_select("f-gi-band", &gi_band_options(), &opt_key(st.f.gi_band));
    input("l-wards").set_checked(st.show_wards);
    planner::fill_groups(&st);
    interventions::init(&st);
    // The hotspot, density and incident boxes: `apply_session_ui`.
    update_slider(&st);
    // Tablets in portrait: start with the drawer closed.
    if js::narrow() {
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

/// The period's from/to choices: every month with data.
fn fill_month_selects(st: &State) {
    let month_opts: Vec<(String, String)> = st
        .months
        .iter()
        .map(|m| (m.clone(), month_label(m)))
        .collect();
    fill_select("f-from", &month_opts, &st.f.from);
    fill_select("f-to", &month_opts, &st.f.to);
}

/// Every filter control shows the state again (one change can move
/// others: a group clears a type it lacks, a period end moves the other).
fn sync_filter_controls(st: &State) {
    fill_filter_selects(st);
    update_slider(st);
    fill_month_selects(st);
    select("f-compare").set_value(st.f.compare.key());
    select("f-measure").set_value(st.f.measure.key());
    fill_weight(st);
    fill_select(
        "f-bandwidth",
        &bandwidth_options(st.f.bandwidth),
        &bandwidth_key(st),
    );
    fill_select(
        "f-gi-cell",
        &gi_cell_options(st.f.gi_cell),
        &opt_key(st.f.gi_cell),
    );
    select("f-gi-band").set_value(&opt_key(st.f.gi_band));
}

/// What relative risk can be relative to: residents, a source, a group.
fn denominator_options(st: &State) -> Vec<(String, String)> {
    let mut opts = vec![(
        "population".to_string(),
        "Residents (ward population)".to_string(),
    )];
    opts.extend(
        st.cat
            .sources()
            .into_iter()
            .map(|s| (format!("source:{s}"), format!("All {s} incidents"))),
    );
    opts.extend(
        st.cat
            .groups
            .iter()
            .map(|g| (format!("group:{}", g.id), g.name.clone())),
    );
    opts
}

/// The ward measures; harm only with a harm index loaded.
fn measure_options(st: &State) -> Vec<(String, String)> {
    Measure::ALL
        .iter()
        .filter(|m| **m != Measure::Harm || st.cat.harm_index.is_some())
        .map(|m| (m.key().to_string(), m.label().to_string()))
        .collect()
}

/// "Count" or "Weigh by harm", shown only when the deployment loaded a
/// harm index.
fn fill_weight(st: &State) {
    let Some(h) = &st.cat.harm_index else {
        html_el("weight-row").set_hidden(true);
        return;
    };
    html_el("weight-row").set_hidden(false);
    let options = [
        ("count".to_string(), "Count each incident once".to_string()),
        ("harm".to_string(), format!("Weigh by harm: {}", h.name)),
    ];
    fill_select(
        "f-weight",
        &options,
        if st.f.harm { "harm" } else { "count" },
    );
}

/// Every control as the state says, after the state changed elsewhere
/// (the patterns card's "Use this method").
pub fn sync_controls(st: &State) {
    sync_filter_controls(st);
    input("l-wards").set_checked(st.show_wards);
    input("l-hotspots").set_checked(st.show_hotspots && st.allowed(Feature::Hotspots));
    input("l-gistar").set_checked(st.show_gistar && st.allowed(Feature::Gistar));
}

/// A setting that is not a preset (from a shared link, or "Use this
/// method") is offered too, so the select shows it.
fn with_current(mut opts: Vec<(String, String)>, current: Option<u32>) -> Vec<(String, String)> {
    if let Some(v) = current.map(|v| v.to_string()) {
        if !opts.iter().any(|(k, _)| *k == v) {
            opts.push((v.clone(), format!("{v} m")));
        }
    }
    opts
}

/// "Automatic" (the API's rule for the view) and the presets.
fn bandwidth_options(current: Option<u32>) -> Vec<(String, String)> {
    let mut opts = vec![(String::new(), "Automatic (follows the zoom)".to_string())];
    opts.extend(
        BANDWIDTH_PRESETS
            .iter()
            .map(|h| (h.to_string(), format!("{} m", format::number(*h as f64, 0)))),
    );
    with_current(opts, current)
}

fn bandwidth_key(st: &State) -> String {
    opt_key(st.f.bandwidth)
}

/// A select's value for an optional choice ("" = automatic).
fn opt_key<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn gi_cell_options(current: Option<u32>) -> Vec<(String, String)> {
    let mut opts = vec![(
        String::new(),
        "Automatic (about 75 across the area)".to_string(),
    )];
    opts.extend(
        crate::gistar::CELL_PRESETS
            .iter()
            .map(|c| (c.to_string(), format!("{} m", format::number(*c as f64, 0)))),
    );
    with_current(opts, current)
}

fn gi_band_options() -> Vec<(String, String)> {
    let mut opts = vec![(String::new(), "Automatic (the 8 cells around)".to_string())];
    opts.extend(crate::gistar::BAND_PRESETS.iter().map(|b| {
        let label = match *b {
            1.5 => "1.5 cell widths (the 8 around)".to_string(),
            b => format!("{b} cell widths"),
        };
        (b.to_string(), label)
    }));
    opts
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
pub fn wire_controls(app: &AppRef) {
    wire_filters(app);
    wire_slider(app);
    wire_layer_toggles(app);
    wire_ward_and_briefing(app);
    super::search::wire_search(app);
    wire_exports(app);
    wire_drawer(app);
}

/// The filter selects: each change updates the state, the controls and the
/// map.
fn wire_filters(app: &AppRef) {
    fn on_select(app: &AppRef, id: &'static str, apply: fn(&mut State, String)) {
        let a = app.clone();
        on(&by_id(id), "change", move |_| {
            let v = select(id).value();
            {
                let mut st = a.st.borrow_mut();
                apply(&mut st, v);
            }
            sync_filter_controls(&a.st.borrow());
            refresh(&a);
        });
    }
    on_select(app, "f-group", |st, v| {
        st.f.group = v;
        drop_unoffered_type(st);
    });
    on_select(app, "f-type", |st, v| st.f.crime_type = v);
    on_select(app, "f-source", |st, v| {
        st.f.source = v;
        drop_unoffered_type(st);
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
    on_select(app, "f-bandwidth", |st, v| st.f.bandwidth = v.parse().ok());
    on_select(app, "f-gi-cell", |st, v| st.f.gi_cell = v.parse().ok());
    on_select(app, "f-gi-band", |st, v| st.f.gi_band = v.parse().ok());
    on_select(app, "f-denominator", |st, v| st.f.denominator = v);
    on_select(app, "f-measure", |st, v| {
        if let Some(m) = Measure::parse(&v) {
            st.f.measure = m;
            if m == Measure::Change && st.f.compare == Compare::None {
                st.f.compare = Compare::Previous;
            }
            // Harm per 1,000 needs the harm weights.
            if m == Measure::Harm {
                st.f.harm = true;
            }
        }
    });
    on_select(app, "f-weight", |st, v| {
        st.f.harm = v == "harm";
        if !st.f.harm && st.f.measure == Measure::Harm {
            st.f.measure = Measure::Count;
        }
    });
}

fn wire_slider(app: &AppRef) {
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
}

fn wire_layer_toggles(app: &AppRef) {
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
    on_check(app, "l-labels", |st, v| st.show_labels = v);
    on_check(app, "l-gistar", |st, v| st.show_gistar = v);
    on_check(app, "l-emerging", |st, v| st.show_emerging = v);
    on_check(app, "l-change", |st, v| st.show_change = v);
    on_check(app, "l-clusters", |st, v| st.show_clusters = v);
    on_check(app, "l-risk", |st, v| st.show_risk = v);
}

/// A new group or source: a crime type it no longer offers is cleared.
fn drop_unoffered_type(st: &mut State) {
    if !st.f.crime_type.is_empty()
        && !st
            .cat
            .types_for(&st.f.group, &st.f.source)
            .contains(&st.f.crime_type)
    {
        st.f.crime_type.clear();
    }
}

fn wire_ward_and_briefing(app: &AppRef) {
    // Ward chooser (keyboard access to ward details).
    {
        let a = app.clone();
        on(&by_id("f-ward"), "change", move |_| {
            let code = select("f-ward").value();
            if code.is_empty() {
                select_features(&a, Selected::default());
            } else {
                choose_ward(&a, &code);
            }
        });
    }
    // The ranked table: a heading sorts, a name chooses the ward.
    {
        let a = app.clone();
        on(&by_id("ward-table"), "click", move |e| {
            if let Some(code) = js::clicked_data(&e, "button.ward-go", "data-code") {
                choose_ward(&a, &code);
            } else if let Some(key) = js::clicked_data(&e, "button.ward-sort", "data-key")
                .as_deref()
                .and_then(SortKey::parse)
            {
                let sort = a.st.borrow().ward_sort.clicked(key);
                a.st.borrow_mut().ward_sort = sort;
                render_ward_table(&a);
                focus_sort_button(key);
            }
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
}

fn wire_exports(app: &AppRef) {
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
        on(&by_id("x-gpkg"), "click", move |_| export_file(&a, "gpkg"));
    }
    {
        let a = app.clone();
        on(&by_id("x-geotiff"), "click", move |_| {
            export_file(&a, "geotiff")
        });
    }
    {
        let a = app.clone();
        on(&by_id("x-png"), "click", move |_| export_png(&a));
    }
}

/// The drawer button, and Escape closing the drawer on a narrow screen.
fn wire_drawer(app: &AppRef) {
    // The legend folds away (on a tablet it covered a third of the map):
    // folded from the start on narrow screens.
    on(&by_id("legend-toggle"), "click", |_| toggle_legend(None));
    if js::narrow() {
        toggle_legend(Some(false));
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
            if k.key() == "Escape"
                && js::narrow()
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

/// Shows or hides the legend (`None`: the other way).
fn toggle_legend(open: Option<bool>) {
    let legend = html_el("legend");
    let open = open.unwrap_or(legend.hidden());
    legend.set_hidden(!open);
    let b = by_id("legend-toggle");
    let _ = b.set_attribute("aria-expanded", if open { "true" } else { "false" });
    b.set_text_content(Some(if open { "Hide legend" } else { "Show legend" }));
}

pub fn toggle_panel(app: &AppRef, open: Option<bool>) {
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

pub fn update_page_url(app: &AppRef) {
    let st = app.st.borrow();
    let mut q = st.f.to_page_query();
    let mut layers = Vec::new();
    for (on, name) in [
        (st.show_wards, "wards"),
        (st.show_hotspots, "hotspots"),
        (st.show_density, "density"),
        (st.show_incidents, "incidents"),
        (st.show_labels, "labels"),
        (st.show_gistar, "gistar"),
        (st.show_emerging, "emerging"),
        (st.show_change, "change"),
        (st.show_clusters, "clusters"),
        (st.show_risk, "risk"),
    ] {
        if on {
            layers.push(name);
        }
    }
    q.push_str(&format!("&layers={}", layers.join(",")));
    if let Some(code) = &st.selected.ward {
        q.push_str(&format!("&ward={}", crate::filters::encode(code)));
    }
    // Before the first fit the map's camera is MapLibre's default, not a view.
    let camera = if st.fitted {
        app.map.camera()
    } else {
        st.start_camera
    };
    if let Some(c) = camera {
        q.push_str(&format!("&view={}", c.to_param()));
    }
    for (k, v) in &st.keep_params {
        q.push_str(&format!("&{k}={}", crate::filters::encode(v)));
    }
    if let Ok(h) = js::window().history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&q));
    }
}

/// Keeps the keyboard on the heading just used, which the table's redraw
/// replaced.
fn focus_sort_button(key: SortKey) {
    let selector = format!("#ward-table button.ward-sort[data-key={}]", key.key());
    if let Ok(Some(b)) = js::document().query_selector(&selector) {
        let _ = b.unchecked_into::<web_sys::HtmlElement>().focus();
    }
}
