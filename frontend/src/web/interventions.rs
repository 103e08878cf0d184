//! Interventions mode in the page (partner role and above; the public sees
//! why not): `GET /api/interventions` → the list and the areas on the map;
//! choosing one (list or map) asks for its evaluation and draws its
//! target, buffer and comparison area. Analysts also get the form (name,
//! type, dates, and the area: a site clicked on the map with a radius, or
//! a polygon drawn by clicking its corners or typed one corner a line)
//! that `POST`s a new one, and a delete button. The pure parts are in
//! `crate::interventions`.

use hotspot_api::responses::{InterventionEvaluation, Interventions as ApiInterventions};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;

use super::controls::toggle_panel;
use super::js::{
    self, button, by_id, call, clicked_data, empty_fc, fetch_api, fill_select, get, html_el, input,
    narrow, on, select,
};
use super::layers::bounds_of;
use super::legend::render_legend;
use super::session::session_lost;
use super::state::{AppRef, State};
use super::{debug_set, set_status, status_error};
use crate::format;
use crate::interventions::{self as iv, AreaMode, Intervention, InterventionForm};
use crate::panels::LegendSection;

/// The map layer of the interventions' areas (hover and click).
pub const FILL_LAYER: &str = "iv-fill";

/// Interventions state.
#[derive(Default)]
pub struct Interventions {
    generation: u32,
    loaded: bool,
    items: Vec<Intervention>,
    selected: Option<i64>,
    eval_generation: u32,
    /// The last evaluation answer (for the selected intervention).
    evaluation: Option<InterventionEvaluation>,
    /// The next map click places the form's site.
    picking: bool,
    /// Map clicks add corners to the area being drawn.
    drawing: bool,
}

/// How close (pixels) a click must be to the first corner to close the area.
const CLOSE_PX: f64 = 10.0;

/// Today in the browser's time zone, `YYYY-MM-DD`.
fn today() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

/// Shows the card for the role: partners read, analysts also record and
/// delete; the public sees why not.
pub fn session_ui(st: &State) {
    let s = &st.session;
    let view = s.can_view_interventions();
    let edit = s.can_edit_interventions();
    html_el("iv-body").set_hidden(!view);
    let lock = html_el("iv-lock");
    lock.set_text_content(Some(iv::LOCKED_NOTE));
    lock.set_hidden(view);
    let ro = html_el("iv-readonly");
    ro.set_text_content(Some(iv::READ_ONLY_NOTE));
    ro.set_hidden(!view || edit);
    html_el("iv-new").set_hidden(!edit);
    button("iv-submit").set_disabled(!edit);
    html_el("iv-delete").set_hidden(!edit);
}

/// The role changed (or the map is ready): drop what it may no longer see
/// and load the intervention log if it may.
pub fn session_changed(app: &AppRef) {
    let (view, edit) = {
        let st = app.st.borrow();
        (
            st.session.can_view_interventions(),
            st.session.can_edit_interventions(),
        )
    };
    if !edit {
        set_picking(app, false);
        set_drawing(app, false);
        clear_draft(app);
    }
    if view {
        let a = app.clone();
        spawn_local(async move { load_interventions(&a, None).await });
    } else {
        {
            let mut st = app.st.borrow_mut();
            st.iv = Interventions {
                generation: st.iv.generation + 1,
                eval_generation: st.iv.eval_generation + 1,
                ..Interventions::default()
            };
        }
        let _ = app.map.set_data("interventions", &empty_fc());
        let _ = app.map.set_data("evaluation", &empty_fc());
        by_id("iv-list").set_inner_html("");
        html_el("iv-eval-box").set_hidden(true);
        debug_set("interventions", &JsValue::NULL);
        render_legend(app);
    }
}

/// Fills the form's selects (crime groups, kinds).
pub fn init(st: &State) {
    let mut groups = vec![(String::new(), "All crime".to_string())];
    groups.extend(st.cat.groups.iter().map(|g| (g.id.clone(), g.name.clone())));
    fill_select("iv-group", &groups, "");
    let kinds: String = iv::KINDS
        .iter()
        .map(|k| format!("<option value=\"{}\"></option>", format::esc(k)))
        .collect();
    by_id("iv-kinds").set_inner_html(&kinds);
}

/// Connects the card's controls: the list, the form, drawing an area, and
/// Escape.
pub fn wire(app: &AppRef) {
    wire_list(app);
    wire_form(app);
    wire_drawing(app);
    wire_escape(app);
}

/// The list (choose one, re-evaluate, delete).
fn wire_list(app: &AppRef) {
    {
        let a = app.clone();
        on(&by_id("iv-list"), "click", move |e| {
            if let Some(id) = clicked_data(&e, "button.iv-item", "data-id") {
                if let Ok(id) = id.parse() {
                    select_intervention(&a, id, true);
                }
            }
        });
    }
    // A new comparison ward or "before" period re-runs the evaluation.
    for control in ["iv-control", "iv-before"] {
        let a = app.clone();
        on(&by_id(control), "change", move |_| {
            if let Some(id) = a.st.borrow().iv.selected {
                let a = a.clone();
                spawn_local(async move { load_evaluation(&a, id, true).await });
            }
        });
    }
    {
        let a = app.clone();
        on(&by_id("iv-delete"), "click", move |_| {
            let a = a.clone();
            spawn_local(async move { delete_intervention(&a).await });
        });
    }
}

/// The new intervention's form: submit, site, circle or polygon, reset.
fn wire_form(app: &AppRef) {
    {
        let a = app.clone();
        on(&by_id("iv-form"), "submit", move |e| {
            e.prevent_default();
            let a = a.clone();
            spawn_local(async move { create_intervention(&a).await });
        });
    }
    {
        let a = app.clone();
        on(&by_id("iv-pick"), "click", move |_| {
            let now = a.st.borrow().iv.picking;
            set_picking(&a, !now);
            if !now {
                // On a tablet the drawer covers the map: get it out of the way.
                if narrow() {
                    toggle_panel(&a, Some(false));
                }
                set_status("Click the map where the intervention took place (Escape cancels).");
            }
        });
    }
    {
        let a = app.clone();
        on(&by_id("iv-centre"), "click", move |_| {
            if let Some((x, y)) = a.map.center() {
                set_site(&a, x, y);
            }
        });
    }
    for id in ["iv-lon", "iv-lat", "iv-radius", "iv-vertices"] {
        let a = app.clone();
        on(&by_id(id), "input", move |_| draw_draft(&a));
    }
    for id in ["iv-mode-circle", "iv-mode-polygon"] {
        let a = app.clone();
        on(&by_id(id), "change", move |_| mode_changed(&a));
    }
    {
        let a = app.clone();
        on(&by_id("iv-reset"), "click", move |_| {
            reset_form();
            set_picking(&a, false);
            set_drawing(&a, false);
            clear_draft(&a);
        });
    }
}

/// Drawing a polygon: start or stop, finish, undo a corner, clear.
fn wire_drawing(app: &AppRef) {
    {
        let a = app.clone();
        on(&by_id("iv-draw"), "click", move |_| {
            let now = a.st.borrow().iv.drawing;
            set_drawing(&a, !now);
            if !now {
                if narrow() {
                    toggle_panel(&a, Some(false));
                }
                set_status(
                    "Click the map at each corner of the area; click the first corner again to finish (Escape stops).",
                );
            }
        });
    }
    {
        let a = app.clone();
        on(&by_id("iv-finish"), "click", move |_| finish_area(&a));
    }
    {
        let a = app.clone();
        on(&by_id("iv-undo"), "click", move |_| {
            let text = get(&by_id("iv-vertices"), "value")
                .as_string()
                .unwrap_or_default();
            let mut lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            let removed = lines.pop().is_some();
            set_vertices_text(&lines.join("\n"));
            draw_draft(&a);
            set_status(if removed {
                "Last corner removed."
            } else {
                "No corner to remove."
            });
        });
    }
    {
        let a = app.clone();
        on(&by_id("iv-clear-area"), "click", move |_| {
            set_vertices_text("");
            by_id("iv-error").set_text_content(Some(""));
            draw_draft(&a);
            set_status("Area cleared.");
        });
    }
}

fn wire_escape(app: &AppRef) {
    {
        // Escape stops choosing a site or drawing an area.
        let a = app.clone();
        on(&js::document().into(), "keydown", move |e| {
            let k: &web_sys::KeyboardEvent = e.unchecked_ref();
            if k.key() != "Escape" {
                return;
            }
            let (picking, drawing) = {
                let st = a.st.borrow();
                (st.iv.picking, st.iv.drawing)
            };
            if picking || drawing {
                set_picking(&a, false);
                set_drawing(&a, false);
                if narrow() {
                    toggle_panel(&a, Some(true));
                }
                let _ = html_el(if picking { "iv-pick" } else { "iv-draw" }).focus();
                set_status(if picking {
                    "Choosing a site cancelled."
                } else {
                    "Drawing stopped; the corners so far are kept."
                });
            }
        });
    }
}

/// A map click while choosing a site (places it) or drawing an area (adds
/// a corner or, on the first corner, finishes the area); `true` when it
/// was handled (nothing else then reacts to the click).
pub fn editing_click(app: &AppRef, e: &JsValue) -> bool {
    if app.st.borrow().iv.drawing {
        let ll = get(e, "lngLat");
        if let (Some(x), Some(y)) = (get(&ll, "lng").as_f64(), get(&ll, "lat").as_f64()) {
            let corners = form_vertices();
            if corners.len() >= 3 && near_first_corner(app, e, corners[0]) {
                finish_area(app);
            } else {
                add_vertex(app, x, y);
            }
        }
        return true;
    }
    if app.st.borrow().iv.picking {
        let ll = get(e, "lngLat");
        if let (Some(x), Some(y)) = (get(&ll, "lng").as_f64(), get(&ll, "lat").as_f64()) {
            set_site(app, x, y);
            set_picking(app, false);
            if narrow() {
                toggle_panel(app, Some(true));
            }
            let _ = html_el("iv-pick").focus();
        }
        return true;
    }
    false
}

/// A map click on an intervention's area (`hits`: the features under it)
/// chooses it; `true` when it did.
pub fn map_click(app: &AppRef, hits: &[Value]) -> bool {
    let Some(id) = hits
        .iter()
        .filter(|h| h["layer"] == FILL_LAYER)
        .find_map(|h| h["properties"]["id"].as_i64())
    else {
        return false;
    };
    select_intervention(app, id, false);
    true
}

/// The legend section of the interventions on the map, if any.
pub fn legend_section(st: &State) -> Option<LegendSection<'static>> {
    (st.iv.loaded && !st.iv.items.is_empty()).then(|| LegendSection {
        layer: "interventions",
        title: "Interventions".into(),
        items: iv::legend_items(st.iv.items.len(), st.iv.evaluation.as_ref()),
        dots: false,
        note: None,
    })
}

/// `GET /api/interventions`: the list and the areas; then selects `select`
/// (a new one) or keeps the current selection.
async fn load_interventions(app: &AppRef, select: Option<i64>) {
    let generation = {
        let mut st = app.st.borrow_mut();
        if !st.session.can_view_interventions() || !st.map_ready {
            return;
        }
        st.iv.generation += 1;
        st.iv.generation
    };
    let result = fetch_api("/api/interventions").await;
    if app.st.borrow().iv.generation != generation {
        return;
    }
    let items = match result.map_err(|e| {
        if e.is_auth() {
            session_lost(app);
        }
        e.message
    }) {
        Ok(t) => match serde_json::from_str::<ApiInterventions>(&t) {
            Ok(v) => iv::sorted(v),
            Err(e) => return status_error(&format!("Interventions: {e}")),
        },
        Err(e) => {
            by_id("iv-list").set_inner_html(&format!(
                "<p class=\"hint\">Could not load the interventions: {}</p>",
                format::esc(&e)
            ));
            return status_error(&format!("Interventions: {e}"));
        }
    };
    let today = today();
    let _ = app.map.set_data(
        "interventions",
        &js::to_js(&iv::areas_geojson(&items, &today)),
    );
    let n = items.len();
    let keep = {
        let mut st = app.st.borrow_mut();
        let keep = select.or(st
            .iv
            .selected
            .filter(|id| items.iter().any(|i| i.id == *id)));
        st.iv.items = items;
        st.iv.loaded = true;
        keep
    };
    debug_set("interventions", &JsValue::from_f64(n as f64));
    render_list(app);
    match keep {
        Some(id) => select_intervention(app, id, select.is_some()),
        None => {
            app.st.borrow_mut().iv.selected = None;
            render_list(app);
            clear_evaluation(app);
        }
    }
    render_legend(app);
}

fn render_list(app: &AppRef) {
    let st = app.st.borrow();
    by_id("iv-list").set_inner_html(&iv::list_html(&st.iv.items, &today(), st.iv.selected));
}

/// Chooses an intervention: marks it in the list and on the map and asks
/// for its evaluation; `fit` zooms to it.
fn select_intervention(app: &AppRef, id: i64, fit: bool) {
    let item = {
        let mut st = app.st.borrow_mut();
        let Some(item) = st.iv.items.iter().find(|i| i.id == id).cloned() else {
            return;
        };
        st.iv.selected = Some(id);
        item
    };
    // Mark it without redrawing the list, so keyboard focus stays put.
    if by_id("iv-list")
        .query_selector(&format!("button.iv-item[data-id=\"{id}\"]"))
        .ok()
        .flatten()
        .is_none()
    {
        render_list(app);
    }
    if let Ok(items) = by_id("iv-list").query_selector_all("button.iv-item") {
        for i in 0..items.length() {
            if let Some(b) = items
                .get(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let this = b.get_attribute("data-id").as_deref() == Some(&id.to_string());
                let _ = b.set_attribute("aria-pressed", if this { "true" } else { "false" });
            }
        }
    }
    app.map.set_filter(
        "iv-selected",
        &json!([
            "all",
            ["==", ["get", "kind"], "area"],
            ["==", ["get", "id"], id]
        ]),
    );
    html_el("iv-eval-box").set_hidden(false);
    fill_control_select(app);
    if fit {
        if let Some(b) = bounds_of([&item.area]) {
            app.map.fit(b);
        }
    }
    debug_set("ivSelected", &JsValue::from_f64(id as f64));
    let a = app.clone();
    spawn_local(async move { load_evaluation(&a, id, fit).await });
}

/// The comparison-area choice: automatic, or one ward.
fn fill_control_select(app: &AppRef) {
    let st = app.st.borrow();
    let current = select("iv-control").value();
    let wards = st.ward_list();
    let mut opts = vec![(
        String::new(),
        "Automatic (the most similar ward)".to_string(),
    )];
    opts.extend(wards.into_iter().map(|(c, n)| (c, format!("Ward: {n}"))));
    let keep = if opts.iter().any(|(c, _)| *c == current) {
        current
    } else {
        String::new()
    };
    fill_select("iv-control", &opts, &keep);
}

/// `GET /api/interventions/{id}/evaluation` into the panel and the map;
/// `fit` shows target, buffer and comparison area together.
async fn load_evaluation(app: &AppRef, id: i64, fit: bool) {
    let generation = {
        let mut st = app.st.borrow_mut();
        st.iv.eval_generation += 1;
        st.iv.evaluation = None;
        st.iv.eval_generation
    };
    let url = iv::evaluation_url(
        id,
        &select("iv-control").value(),
        &input("iv-before").value(),
    );
    let target = by_id("iv-eval");
    let _ = target.set_attribute("aria-busy", "true");
    target.set_inner_html("<p class=\"hint\">Evaluating…</p>");
    let _ = app.map.set_data("evaluation", &empty_fc());
    let result = js::request("GET", &url, None).await;
    if app.st.borrow().iv.eval_generation != generation {
        return;
    }
    let _ = target.remove_attribute("aria-busy");
    debug_set("evaluationUrl", &JsValue::from_str(&url));
    match result {
        Ok((status, text)) if (200..300).contains(&status) => {
            let v: InterventionEvaluation = match serde_json::from_str(&text) {
                Ok(v) => v,
                Err(e) => return status_error(&format!("Evaluation: {e}")),
            };
            target.set_inner_html(&iv::evaluation_html(&v));
            let areas = iv::evaluation_areas(&v);
            let _ = app.map.set_data("evaluation", &js::to_js(&areas));
            if fit {
                let drawn = v.areas.features.iter().filter_map(|f| f.geometry.as_ref());
                if let Some(b) = bounds_of(drawn) {
                    app.map.fit(b);
                }
            }
            app.st.borrow_mut().iv.evaluation = Some(v);
            set_status("Evaluation ready.");
        }
        Ok((status, text)) => {
            if status == 401 || status == 403 {
                session_lost(app);
            }
            // Why it cannot be evaluated (no data after it started, an empty
            // control…), as the server says.
            target.set_inner_html(&format!(
                "<p class=\"iv-no-eval\"><strong>The evaluation cannot be computed:</strong> {}</p>",
                format::esc(&js::api_message(status, &text))
            ));
            set_status("This intervention cannot be evaluated yet.");
        }
        Err(e) => {
            target.set_inner_html(&format!(
                "<p class=\"hint\">Could not evaluate: {}</p>",
                format::esc(&e)
            ));
            status_error(&format!("Evaluation: {e}"));
        }
    }
    render_legend(app);
}

fn clear_evaluation(app: &AppRef) {
    {
        let mut st = app.st.borrow_mut();
        st.iv.eval_generation += 1;
        st.iv.evaluation = None;
    }
    let _ = app.map.set_data("evaluation", &empty_fc());
    app.map.set_filter(
        "iv-selected",
        &json!([
            "all",
            ["==", ["get", "kind"], "area"],
            ["==", ["get", "id"], -1]
        ]),
    );
    by_id("iv-eval").set_inner_html("");
    html_el("iv-eval-box").set_hidden(true);
    debug_set("ivSelected", &JsValue::NULL);
}

/// `DELETE /api/interventions/{id}` after a confirmation.
async fn delete_intervention(app: &AppRef) {
    let Some(item) = ({
        let st = app.st.borrow();
        if !st.session.can_edit_interventions() {
            return status_error("Deleting an intervention needs the analyst role.");
        }
        st.iv
            .selected
            .and_then(|id| st.iv.items.iter().find(|i| i.id == id).cloned())
    }) else {
        return;
    };
    let ok = js::window()
        .confirm_with_message(&format!(
            "Delete the intervention \u{201c}{}\u{201d}? This cannot be undone.",
            item.name
        ))
        .unwrap_or(false);
    if !ok {
        return;
    }
    match js::request("DELETE", &format!("/api/interventions/{}", item.id), None).await {
        Ok((status, _)) if (200..300).contains(&status) => {
            app.st.borrow_mut().iv.selected = None;
            clear_evaluation(app);
            set_status(&format!("Deleted \u{201c}{}\u{201d}.", item.name));
            load_interventions(app, None).await;
            let _ = html_el("h-iv").focus();
        }
        Ok((status, text)) => {
            if status == 401 || status == 403 {
                session_lost(app);
            }
            status_error(&format!(
                "Delete failed: {}",
                js::api_message(status, &text)
            ));
        }
        Err(e) => status_error(&format!("Delete failed: {e}")),
    }
}

/// The site typed or clicked, if both numbers are there.
fn form_site() -> Option<(f64, f64)> {
    let x = input("iv-lon").value().trim().parse::<f64>().ok()?;
    let y = input("iv-lat").value().trim().parse::<f64>().ok()?;
    Some((x, y))
}

/// The area's corners as typed or clicked (lines that are not a
/// `lon,lat` pair skipped, for the preview).
fn form_vertices() -> Vec<(f64, f64)> {
    vertices_text()
        .lines()
        .filter_map(|l| iv::parse_vertices(l).ok())
        .flatten()
        .collect()
}

fn vertices_text() -> String {
    get(&by_id("iv-vertices"), "value")
        .as_string()
        .unwrap_or_default()
}

fn set_vertices_text(text: &str) {
    js::set(&by_id("iv-vertices"), "value", &JsValue::from_str(text));
}

fn area_mode() -> AreaMode {
    if input("iv-mode-polygon").checked() {
        AreaMode::Polygon
    } else {
        AreaMode::Circle
    }
}

/// The circle's or the polygon's fields, as the mode says.
fn mode_changed(app: &AppRef) {
    let polygon = area_mode() == AreaMode::Polygon;
    html_el("iv-site-box").set_hidden(polygon);
    html_el("iv-draw-box").set_hidden(!polygon);
    if polygon {
        set_picking(app, false);
    } else {
        set_drawing(app, false);
    }
    by_id("iv-error").set_text_content(Some(""));
    draw_draft(app);
}

fn set_drawing(app: &AppRef, on: bool) {
    app.st.borrow_mut().iv.drawing = on;
    let _ = by_id("iv-draw").set_attribute("aria-pressed", if on { "true" } else { "false" });
    if let Some(b) = js::document().body() {
        let _ = b.class_list().toggle_with_force("drawing", on);
    }
}

/// Whether a map click landed on the first corner (within [`CLOSE_PX`]).
fn near_first_corner(app: &AppRef, e: &JsValue, first: (f64, f64)) -> bool {
    let point = get(e, "point");
    let Ok(at) = call(
        &app.map.js,
        "project",
        &[js::to_js(&json!([first.0, first.1]))],
    ) else {
        return false;
    };
    match (
        get(&point, "x").as_f64(),
        get(&point, "y").as_f64(),
        get(&at, "x").as_f64(),
        get(&at, "y").as_f64(),
    ) {
        (Some(px), Some(py), Some(ax), Some(ay)) => (px - ax).hypot(py - ay) <= CLOSE_PX,
        _ => false,
    }
}

fn add_vertex(app: &AppRef, x: f64, y: f64) {
    let mut text = vertices_text().trim_end().to_string();
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(&iv::vertex_line(x, y));
    set_vertices_text(&text);
    by_id("iv-error").set_text_content(Some(""));
    draw_draft(app);
    let n = form_vertices().len();
    set_status(&format!(
        "Corner {n} at {x:.5}, {y:.5}.{}",
        if n >= 3 {
            " Click the first corner or Finish area to close it."
        } else {
            ""
        }
    ));
}

/// Ends the drawing when the corners make an area; otherwise says why and
/// keeps drawing.
fn finish_area(app: &AppRef) {
    let error = by_id("iv-error");
    let checked = iv::parse_vertices(&vertices_text()).and_then(|v| iv::polygon_ring(&v));
    match checked {
        Ok(ring) => {
            let was_drawing = app.st.borrow().iv.drawing;
            set_drawing(app, false);
            error.set_text_content(Some(""));
            if was_drawing && narrow() {
                toggle_panel(app, Some(true));
            }
            let _ = html_el("iv-draw").focus();
            set_status(&format!("Area finished: {} corners.", ring.len() - 1));
        }
        Err(e) => {
            error.set_text_content(Some(&e));
            set_status(&e);
        }
    }
}

fn intervention_form() -> InterventionForm {
    let text = |id: &str| input(id).value();
    let num = |id: &str| text(id).trim().parse().unwrap_or(f64::NAN);
    InterventionForm {
        name: text("iv-name"),
        kind: text("iv-kind"),
        start: text("iv-start"),
        end: text("iv-end"),
        mode: area_mode(),
        site: form_site(),
        vertices: vertices_text(),
        radius: num("iv-radius"),
        buffer: num("iv-buffer"),
        group: select("iv-group").value(),
        notes: get(&by_id("iv-notes"), "value")
            .as_string()
            .unwrap_or_default(),
    }
}

fn set_site(app: &AppRef, x: f64, y: f64) {
    input("iv-lon").set_value(&format!("{x:.6}"));
    input("iv-lat").set_value(&format!("{y:.6}"));
    // A "choose a site" message no longer applies.
    by_id("iv-error").set_text_content(Some(""));
    draw_draft(app);
    set_status(&format!("Site set at {x:.5}, {y:.5}."));
}

fn set_picking(app: &AppRef, on: bool) {
    app.st.borrow_mut().iv.picking = on;
    let _ = by_id("iv-pick").set_attribute("aria-pressed", if on { "true" } else { "false" });
    if let Some(b) = js::document().body() {
        let _ = b.class_list().toggle_with_force("picking", on);
    }
}

/// The form's site and circle, or the area being drawn, on the map.
fn draw_draft(app: &AppRef) {
    if !app.st.borrow().map_ready {
        return;
    }
    if area_mode() == AreaMode::Polygon {
        let fc = iv::draft_polygon_geojson(&form_vertices());
        let _ = app.map.set_data("iv-draft", &js::to_js(&fc));
        return;
    }
    let radius = input("iv-radius")
        .value()
        .trim()
        .parse()
        .unwrap_or(f64::NAN);
    let fc = iv::draft_geojson(form_site(), radius);
    let _ = app.map.set_data("iv-draft", &js::to_js(&fc));
}

fn clear_draft(app: &AppRef) {
    if app.st.borrow().map_ready {
        let _ = app.map.set_data("iv-draft", &empty_fc());
    }
}

fn reset_form() {
    for id in [
        "iv-name", "iv-kind", "iv-start", "iv-end", "iv-lon", "iv-lat",
    ] {
        input(id).set_value("");
    }
    input("iv-radius").set_value(&iv::DEFAULT_RADIUS.to_string());
    input("iv-buffer").set_value(&iv::DEFAULT_BUFFER.to_string());
    select("iv-group").set_value("");
    js::set(&by_id("iv-notes"), "value", &JsValue::from_str(""));
    set_vertices_text("");
    input("iv-mode-circle").set_checked(true);
    html_el("iv-site-box").set_hidden(false);
    html_el("iv-draw-box").set_hidden(true);
    by_id("iv-error").set_text_content(Some(""));
}

/// `POST /api/interventions`, then the list again with the new one chosen
/// (so its evaluation shows at once).
async fn create_intervention(app: &AppRef) {
    if !app.st.borrow().session.can_edit_interventions() {
        return status_error("Recording an intervention needs the analyst role.");
    }
    let form = intervention_form();
    let error = by_id("iv-error");
    if let Err(e) = form.validate() {
        error.set_text_content(Some(&e));
        return;
    }
    error.set_text_content(Some(""));
    let submit = button("iv-submit");
    submit.set_disabled(true);
    let _ = by_id("iv-form").set_attribute("aria-busy", "true");
    let body = form.body();
    debug_set("interventionBody", &JsValue::from_str(&body));
    let result = js::request("POST", "/api/interventions", Some(&body)).await;
    submit.set_disabled(!app.st.borrow().session.can_edit_interventions());
    let _ = by_id("iv-form").remove_attribute("aria-busy");
    match result {
        Ok((status, text)) if (200..300).contains(&status) => {
            let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let id = v["id"].as_i64();
            reset_form();
            set_picking(app, false);
            set_drawing(app, false);
            clear_draft(app);
            set_status(&format!(
                "Logged \u{201c}{}\u{201d}.",
                v["name"].as_str().unwrap_or_default()
            ));
            load_interventions(app, id).await;
        }
        Ok((status, text)) => {
            if status == 401 || status == 403 {
                session_lost(app);
            }
            let msg = js::api_message(status, &text);
            error.set_text_content(Some(&format!("Not recorded: {msg}")));
            status_error(&format!("Intervention not recorded: {msg}"));
        }
        Err(e) => {
            error.set_text_content(Some(&format!("Not recorded: {e}")));
            status_error(&format!("Intervention not recorded: {e}"));
        }
    }
}
