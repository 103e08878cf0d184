//! Planner mode (partner role and above): the form, `POST /api/plan`, the
//! sites on the map and in the panel, and the plan's exports (the pure
//! parts are in `crate::plan`).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;

use super::js::{self, by_id, html_el, input, on};
use super::legend::render_legend;
use super::session::session_lost;
use super::state::{AppRef, Fetching, State};
use super::{debug_set, set_status, status_error};
use crate::format;
use crate::plan::{self, PlanForm};
use hotspot_api::responses::Plan;

/// Shows the form or, for the public, the note saying why not.
pub fn session_ui(s: &crate::access::Session) {
    let can_plan = s.can_plan();
    html_el("p-form").set_hidden(!can_plan);
    let lock = html_el("p-lock");
    lock.set_text_content(Some(plan::LOCKED_NOTE));
    lock.set_hidden(can_plan);
    by_id("p-run")
        .unchecked_into::<web_sys::HtmlButtonElement>()
        .set_disabled(!can_plan);
}

/// A checkbox and a weight per crime group in the planner.
pub fn fill_groups(st: &State) {
    let set = by_id("p-groups");
    let legend = set
        .query_selector("legend")
        .ok()
        .flatten()
        .map(|l| l.outer_html())
        .unwrap_or_default();
    let rows: String = st
        .cat
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let name = format::esc(&g.name);
            format!(
                "<div class=\"pgroup\"><input id=\"p-g-{i}\" type=\"checkbox\" data-group=\"{id}\">\
                 <label for=\"p-g-{i}\">{name}</label>\
                 <input id=\"p-w-{i}\" type=\"number\" min=\"0\" step=\"0.5\" value=\"1\" \
                 aria-label=\"Weight for {name}\" data-group=\"{id}\"></div>",
                id = format::esc(&g.id),
            )
        })
        .collect();
    set.set_inner_html(&format!("{legend}{rows}"));
}

/// The planner form as the request it makes.
fn plan_form(app: &AppRef) -> PlanForm {
    let st = app.st.borrow();
    let weights = (0..st.cat.groups.len())
        .filter(|i| input(&format!("p-g-{i}")).checked())
        .map(|i| {
            let w = input(&format!("p-w-{i}")).value();
            let w = if w.trim().is_empty() {
                1.0
            } else {
                w.trim().parse().unwrap_or(f64::NAN)
            };
            (st.cat.groups[i].id.clone(), w)
        })
        .collect();
    PlanForm {
        period: st.f.period(),
        group: st.f.group.clone(),
        crime_type: st.f.crime_type.clone(),
        source: st.f.source.clone(),
        weights,
        harm: st.f.harm,
        sites: input("p-sites").value().trim().parse().unwrap_or(0),
        radius: input("p-radius").value().trim().parse().unwrap_or(f64::NAN),
    }
}

pub fn wire(app: &AppRef) {
    {
        let a = app.clone();
        on(&by_id("p-form"), "submit", move |e| {
            e.prevent_default();
            let a = a.clone();
            spawn_local(async move { run_plan(&a).await });
        });
    }
    {
        let a = app.clone();
        on(&by_id("p-clear"), "click", move |_| {
            clear_plan(&a);
            set_status("Plan cleared.");
        });
    }
    for (id, geojson) in [("p-csv", false), ("p-geojson", true)] {
        let a = app.clone();
        on(&by_id(id), "click", move |_| export_plan(&a, geojson));
    }
}

/// `POST /api/plan` (partner role and above only) and draws the answer.
async fn run_plan(app: &AppRef) {
    if !app.st.borrow().session.can_plan() {
        return status_error(plan::LOCKED_NOTE);
    }
    let form = plan_form(app);
    let error = by_id("p-error");
    if let Err(e) = form.validate() {
        error.set_text_content(Some(&e));
        return;
    }
    error.set_text_content(Some(""));
    let run: web_sys::HtmlButtonElement = by_id("p-run").unchecked_into();
    run.set_disabled(true);
    let _ = by_id("planner").set_attribute("aria-busy", "true");
    set_status("Planning…");
    let generation = app.st.borrow_mut().plan.begin("/api/plan");
    let body = form.body();
    debug_set("planBody", &JsValue::from_str(&body));
    let result = js::request("POST", "/api/plan", Some(&body)).await;
    run.set_disabled(!app.st.borrow().session.can_plan());
    let _ = by_id("planner").remove_attribute("aria-busy");
    if app.st.borrow().plan.generation != generation {
        return;
    }
    let text = match result {
        Ok((status, text)) if (200..300).contains(&status) => text,
        Ok((status, text)) => {
            if status == 401 || status == 403 {
                session_lost(app);
            }
            let msg = js::api_message(status, &text);
            error.set_text_content(Some(&format!("The plan failed: {msg}")));
            return status_error(&format!("Plan: {msg}"));
        }
        Err(e) => {
            error.set_text_content(Some(&format!("The plan failed: {e}")));
            return status_error(&format!("Plan: {e}"));
        }
    };
    let json: Plan = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return status_error(&format!("Plan: {e}")),
    };
    if let Ok(data) = js::parse_js(&text) {
        let _ = app.map.set_data("plan", &data);
    }
    // Frame the sites (a degenerate box for one site: MapLibre caps the zoom).
    if let Some(b) = plan::sites_bounds(&json) {
        app.map.fit(b);
    }
    by_id("p-result").set_inner_html(&plan::result_html(&json));
    let n = plan::sites(&json).len();
    {
        let mut st = app.st.borrow_mut();
        let generation = st.plan.generation;
        st.plan.set("/api/plan".into(), generation, json);
    }
    for id in ["p-clear", "p-csv", "p-geojson"] {
        by_id(id)
            .unchecked_into::<web_sys::HtmlButtonElement>()
            .set_disabled(false);
    }
    debug_set("planSites", &JsValue::from_f64(n as f64));
    render_legend(app);
    set_status(&format!(
        "Planned {n} site{}.",
        if n == 1 { "" } else { "s" }
    ));
}

/// Removes the plan from the map and the panel.
pub fn clear_plan(app: &AppRef) {
    let ready = {
        let mut st = app.st.borrow_mut();
        st.plan.reset();
        st.map_ready
    };
    if ready {
        let empty = js::empty_fc();
        let _ = app.map.set_data("plan", &empty);
    }
    by_id("p-result").set_inner_html("");
    by_id("p-error").set_text_content(Some(""));
    for id in ["p-clear", "p-csv", "p-geojson"] {
        by_id(id)
            .unchecked_into::<web_sys::HtmlButtonElement>()
            .set_disabled(true);
    }
    debug_set("planSites", &JsValue::from_f64(0.0));
    render_legend(app);
}

/// The plan as GeoJSON (the API's answer) or CSV (one row per site).
fn export_plan(app: &AppRef, geojson: bool) {
    let st = app.st.borrow();
    let Some(plan) = &st.plan.data else {
        return status_error("Export: run a plan first.");
    };
    let stem = format!("hotspot-plan-{}", st.f.period().replace("..", "_"));
    let result = if geojson {
        js::download_text(
            &format!("{stem}.geojson"),
            "application/geo+json",
            &serde_json::to_string(plan).expect("serialises"),
        )
    } else {
        js::download_text(
            &format!("{stem}.csv"),
            "text/csv;charset=utf-8",
            &plan::csv(plan),
        )
    };
    match result {
        Ok(()) => set_status(&format!(
            "Exported the plan as {}",
            if geojson { "GeoJSON" } else { "CSV" }
        )),
        Err(e) => status_error(&format!("Export: {}", js::describe(&e))),
    }
}
