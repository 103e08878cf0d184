//! The search box: wards and places by name (`/api/search`), chosen with
//! the mouse or the keyboard (Enter takes the first), then the map goes
//! there: a ward is framed and selected, a place is flown to at street zoom.

use std::cell::RefCell;
use std::rc::Rc;

use hotspot_api::responses::{SearchKind, SearchResult, SearchResults};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;

use super::js::{self, by_id, fetch_api, input, on};
use super::selection::choose_ward;
use super::state::AppRef;
use super::{debug_set, set_status};
use crate::filters::encode;
use crate::format::{esc, thousands};

/// Street zoom for a place.
const PLACE_ZOOM: f64 = 16.0;

/// The latest answer, and the request it answers (older answers are dropped).
#[derive(Default)]
struct SearchBox {
    generation: u32,
    results: Vec<SearchResult>,
}

pub fn wire_search(app: &AppRef) {
    let state = Rc::new(RefCell::new(SearchBox::default()));
    let field = input("f-search");
    {
        let (a, s) = (app.clone(), state.clone());
        on(&field, "input", move |_| {
            let q = input("f-search").value();
            let generation = {
                let mut s = s.borrow_mut();
                s.generation += 1;
                s.generation
            };
            let (a, s) = (a.clone(), s.clone());
            spawn_local(async move { look_up(&a, &s, q, generation).await });
        });
    }
    {
        let (a, s) = (app.clone(), state.clone());
        on(&field, "keydown", move |e| {
            let key = e.unchecked_ref::<web_sys::KeyboardEvent>().key();
            if key == "Enter" {
                e.prevent_default();
                let first = s.borrow().results.first().cloned();
                if let Some(r) = first {
                    choose(&a, &r);
                }
            } else if key == "Escape" {
                show(&a, &s, Vec::new());
            }
        });
    }
}

async fn look_up(app: &AppRef, s: &Rc<RefCell<SearchBox>>, q: String, generation: u32) {
    let q = q.trim().to_string();
    let results = if q.is_empty() {
        Vec::new()
    } else {
        match fetch_api(&format!("/api/search?q={}&limit=8", encode(&q))).await {
            Ok(text) => serde_json::from_str::<SearchResults>(&text)
                .map(|r| r.results)
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        }
    };
    if s.borrow().generation == generation {
        show(app, s, results);
    }
}

/// The results as buttons under the box.
fn show(app: &AppRef, s: &Rc<RefCell<SearchBox>>, results: Vec<SearchResult>) {
    let list = by_id("search-results");
    list.set_inner_html("");
    for r in &results {
        let (Ok(li), Ok(b)) = (
            js::document().create_element("li"),
            js::document().create_element("button"),
        ) else {
            continue;
        };
        let _ = b.set_attribute("type", "button");
        let kind = match r.kind {
            SearchKind::Ward => "ward",
            SearchKind::Location => "location",
        };
        let _ = b.set_attribute("data-kind", kind);
        let note = match (r.kind, r.incidents) {
            (SearchKind::Location, Some(n)) => format!("place, {} incidents", thousands(n)),
            (SearchKind::Location, None) => "place".into(),
            (SearchKind::Ward, _) => "ward".into(),
        };
        b.set_inner_html(&format!(
            "{}<span class=\"kind\">{}</span>",
            esc(&r.name),
            esc(&note)
        ));
        let (a, chosen) = (app.clone(), r.clone());
        on(&b, "click", move |_| choose(&a, &chosen));
        let _ = li.append_child(&b);
        let _ = list.append_child(&li);
    }
    debug_set("searchResults", &JsValue::from_f64(results.len() as f64));
    s.borrow_mut().results = results;
}

/// Goes to a result: a ward framed and selected, a place at street zoom.
fn choose(app: &AppRef, r: &SearchResult) {
    by_id("search-results").set_inner_html("");
    match r.kind {
        SearchKind::Ward => match &r.code {
            Some(code) => choose_ward(app, code),
            None => {
                if let Some(b) = r.bbox {
                    app.map.fit(b);
                }
            }
        },
        SearchKind::Location => app.map.fly_to(r.lon, r.lat, PLACE_ZOOM),
    }
    set_status(&format!("Showing {}", r.name));
    debug_set("searchChosen", &JsValue::from_str(&r.name));
}
