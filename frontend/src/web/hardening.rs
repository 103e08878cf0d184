//! Target-hardening mode in the page (analyst role and above; the card is
//! hidden for other roles and the client never calls the endpoint for
//! them): `GET /api/target-hardening` → a ranked list of buttons and
//! numbered points; a list item flies the map to its place, a point selects
//! its list item; *Download CSV* saves the API's own CSV. The pure parts
//! are in `crate::hardening`.

use hotspot_api::responses::TargetHardening;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;

use super::controls::toggle_panel;
use super::js::{
    self, button, by_id, call, clicked_data, empty_fc, fetch_api, html_el, input, narrow, on,
};
use super::legend::render_legend;
use super::session::session_lost;
use super::state::{AppRef, State};
use super::{debug_set, set_status, status_error};
use crate::hardening::{self as th, HardeningForm, VisitList};
use crate::panels::LegendSection;

/// The map layer of the numbered places (hover and click).
pub const POINTS_LAYER: &str = "th-points";

/// Target-hardening state.
#[derive(Default)]
pub struct Hardening {
    generation: u32,
    /// The form the list was drawn with (the CSV asks for the same).
    form: Option<HardeningForm>,
    list: Option<VisitList>,
    selected: Option<usize>,
}

/// Shows the card to analysts only: hidden, not greyed out, for others.
pub fn session_ui(st: &State) {
    let s = &st.session;
    html_el("hardening").set_hidden(!s.can_target_harden());
    button("th-run").set_disabled(!s.can_target_harden());
}

/// The role changed: a role that may not rank places loses the list.
pub fn session_changed(app: &AppRef) {
    if !app.st.borrow().session.can_target_harden() {
        clear_hardening(app);
    }
}

/// Connects the card's controls.
pub fn wire(app: &AppRef) {
    {
        let a = app.clone();
        on(&by_id("th-form"), "submit", move |e| {
            e.prevent_default();
            let a = a.clone();
            spawn_local(async move { run_hardening(&a).await });
        });
    }
    {
        let a = app.clone();
        on(&by_id("th-csv"), "click", move |_| {
            let a = a.clone();
            spawn_local(async move { hardening_csv(&a).await });
        });
    }
    {
        let a = app.clone();
        on(&by_id("th-clear"), "click", move |_| {
            clear_hardening(&a);
            set_status("Target-hardening list cleared.");
        });
    }
    {
        // One listener for every list item (the list is redrawn).
        let a = app.clone();
        on(&by_id("th-result"), "click", move |e| {
            if let Some(rank) = clicked_data(&e, "button.th-item", "data-rank") {
                if let Ok(rank) = rank.parse() {
                    select_place(&a, rank, true);
                }
            }
        });
    }
}

/// A map click on a numbered place (`hits`: the features under it)
/// selects its list item; `true` when it did.
pub fn map_click(app: &AppRef, hits: &[Value]) -> bool {
    let Some(rank) = hits
        .iter()
        .filter(|h| h["layer"] == POINTS_LAYER)
        .find_map(|h| h["properties"]["rank"].as_u64())
    else {
        return false;
    };
    select_place(app, rank as usize, false);
    true
}

/// The legend section of the places on the map, if any.
pub fn legend_section(st: &State) -> Option<LegendSection<'static>> {
    let list = st.th.list.as_ref()?;
    Some(LegendSection {
        layer: "hardening",
        title: "Target hardening: places to visit".into(),
        items: list.legend_items(),
        dots: true,
        note: Some(format!("Burglary, as of {}.", list.as_of)),
    })
}

fn hardening_form() -> HardeningForm {
    let num = |id: &str| input(id).value().trim().to_string();
    HardeningForm {
        as_of: num("th-as-of"),
        distance: num("th-distance").parse().unwrap_or(f64::NAN),
        days: num("th-days").parse().unwrap_or(0),
        limit: num("th-limit").parse().unwrap_or(0),
    }
}

/// `GET /api/target-hardening` and draws the list and the points.
async fn run_hardening(app: &AppRef) {
    if !app.st.borrow().session.can_target_harden() {
        return status_error(th::LOCKED_NOTE);
    }
    let form = hardening_form();
    let error = by_id("th-error");
    if let Err(e) = form.validate() {
        error.set_text_content(Some(&e));
        return;
    }
    error.set_text_content(Some(""));
    let url = form.url(false);
    let generation = {
        let mut st = app.st.borrow_mut();
        st.th.generation += 1;
        st.th.generation
    };
    button("th-run").set_disabled(true);
    let _ = by_id("hardening").set_attribute("aria-busy", "true");
    set_status("Ranking places to visit…");
    let result = fetch_api(&url).await;
    button("th-run").set_disabled(!app.st.borrow().session.can_target_harden());
    let _ = by_id("hardening").remove_attribute("aria-busy");
    if app.st.borrow().th.generation != generation {
        return;
    }
    let text = match result {
        Ok(t) => t,
        Err(e) => {
            if e.is_auth() {
                session_lost(app);
            }
            error.set_text_content(Some(&format!("The list failed: {}", e.message)));
            return status_error(&format!("Target hardening: {}", e.message));
        }
    };
    let list = match serde_json::from_str::<TargetHardening>(&text) {
        Ok(v) => VisitList::from(v),
        Err(e) => return status_error(&format!("Target hardening: {e}")),
    };
    let _ = app.map.set_data("hardening", &js::to_js(&list.geojson()));
    app.map
        .set_filter("th-selected", &json!(["==", ["get", "rank"], -1]));
    by_id("th-result").set_inner_html(&list.html());
    if let Some(b) = list.bounds() {
        app.map.fit(b);
    }
    let n = list.places.len();
    {
        let mut st = app.st.borrow_mut();
        st.th.form = Some(form);
        st.th.list = Some(list);
        st.th.selected = None;
    }
    button("th-csv").set_disabled(false);
    button("th-clear").set_disabled(false);
    debug_set("hardeningUrl", &JsValue::from_str(&url));
    debug_set("hardeningPlaces", &JsValue::from_f64(n as f64));
    render_legend(app);
    set_status(&format!(
        "{n} place{} to visit listed.",
        if n == 1 { "" } else { "s" }
    ));
}

/// Highlights place `rank` in the list and on the map; `fly` moves the map
/// to it (from the list), otherwise the list scrolls to it (from the map).
fn select_place(app: &AppRef, rank: usize, fly: bool) {
    let place = {
        let mut st = app.st.borrow_mut();
        let Some(p) = st
            .th
            .list
            .as_ref()
            .and_then(|l| l.places.iter().find(|p| p.rank == rank).cloned())
        else {
            return;
        };
        st.th.selected = Some(rank);
        p
    };
    app.map
        .set_filter("th-selected", &json!(["==", ["get", "rank"], rank]));
    if let Ok(items) = by_id("th-result").query_selector_all("button.th-item") {
        for i in 0..items.length() {
            let Some(b) = items
                .get(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            let this = b.get_attribute("data-rank").as_deref() == Some(&rank.to_string());
            if this {
                let _ = b.set_attribute("aria-current", "true");
                if !fly {
                    let _ = call(
                        &b,
                        "scrollIntoView",
                        &[js::obj(&[("block", "nearest".into())])],
                    );
                }
            } else {
                let _ = b.remove_attribute("aria-current");
            }
        }
    }
    if fly {
        app.map.fly_to(place.lon, place.lat, 15.0);
        if narrow() {
            toggle_panel(app, Some(false));
        }
    }
    debug_set("hardeningSelected", &JsValue::from_f64(rank as f64));
    set_status(&format!(
        "{}. {}: {}; visit by {}.",
        place.rank, place.label, place.reason, place.expires
    ));
}

/// Saves the API's CSV of the list on screen.
async fn hardening_csv(app: &AppRef) {
    let (form, as_of) = {
        let st = app.st.borrow();
        match (&st.th.form, &st.th.list) {
            (Some(f), Some(l)) => (f.clone(), l.as_of.clone()),
            _ => return status_error("Export: list the places first."),
        }
    };
    set_status("Preparing the CSV…");
    match fetch_api(&form.url(true)).await {
        Ok(text) => {
            match js::download_text(
                &th::csv_name(&form, &as_of),
                "text/csv;charset=utf-8",
                &text,
            ) {
                Ok(()) => set_status("Exported the target-hardening list as CSV"),
                Err(e) => status_error(&format!("Export: {}", js::describe(&e))),
            }
        }
        Err(e) => {
            if e.is_auth() {
                session_lost(app);
            }
            status_error(&format!("Export: {}", e.message));
        }
    }
}

fn clear_hardening(app: &AppRef) {
    let ready = {
        let mut st = app.st.borrow_mut();
        st.th = Hardening {
            generation: st.th.generation + 1,
            ..Hardening::default()
        };
        st.map_ready
    };
    if ready {
        let _ = app.map.set_data("hardening", &empty_fc());
    }
    by_id("th-result").set_inner_html("");
    by_id("th-error").set_text_content(Some(""));
    button("th-csv").set_disabled(true);
    button("th-clear").set_disabled(true);
    debug_set("hardeningPlaces", &JsValue::from_f64(0.0));
    render_legend(app);
}
