//! The hotspot and density layers follow the map: when the map settles on
//! a view the surface does not cover well (see [`crate::view`]), they are
//! asked for again for that view, after a short pause so a run of zoom
//! steps makes one request; a request a newer one replaces is cancelled.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;

use super::controls::update_page_url;
use super::js::{self, call};
use super::layers::{load, LayerKind};
use super::state::AppRef;
use super::{debug_set, map::Map};
use crate::view::{needs_new_surface, surface_bbox, BBox};

/// Pause after the map stops moving before the surface follows, ms.
const SETTLE_MS: i32 = 80;

/// Listens to the map's `moveend`. The pause's timer lives here, not in the
/// state: `moveend` fires inside `fitBounds`/`jumpTo`, which the page calls
/// while it holds the state.
pub fn wire(app: &AppRef) {
    let a = app.clone();
    let timer: Rc<Cell<Option<i32>>> = Rc::default();
    app.map.on("moveend", move |_| {
        debug_set("movedMs", &JsValue::from_f64(js::now_ms()));
        schedule(&a, &timer);
    });
}

/// Restarts the pause after a move; when it ends, the page URL keeps the
/// view and the surface follows.
fn schedule(app: &AppRef, timer: &Rc<Cell<Option<i32>>>) {
    let w = js::window();
    if let Some(t) = timer.take() {
        w.clear_timeout_with_handle(t);
    }
    let (a, pending) = (app.clone(), timer.clone());
    let cb = Closure::once_into_js(move || {
        pending.set(None);
        update_page_url(&a);
        follow_view(&a);
        // A layer whose URL did not change is not asked for again (`load`),
        // so this fetches what the new view or zoom needs and nothing more.
        let kinds: Vec<LayerKind> = {
            let st = a.st.borrow();
            LayerKind::ALL
                .into_iter()
                .filter(|&k| k.follows_view() && st.wanted(k))
                .collect()
        };
        for k in kinds {
            let a = a.clone();
            spawn_local(async move { load(&a, k).await });
        }
    });
    if let Ok(t) =
        w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), SETTLE_MS)
    {
        timer.set(Some(t));
    }
}

/// Notes the zoom, and points the surface at the current view if it needs
/// it; `true` when it changed.
pub fn follow_view(app: &AppRef) -> bool {
    if !app.st.borrow().map_ready {
        return false;
    }
    let Some(view) = bounds(&app.map) else {
        return false;
    };
    let zoom = app.map.zoom();
    let mut st = app.st.borrow_mut();
    st.view_zoom = zoom;
    if !needs_new_surface(st.surface_bbox, view) {
        return false;
    }
    st.surface_bbox = Some(surface_bbox(view));
    true
}

/// `[west, south, east, north]` of the map's view.
fn bounds(map: &Map) -> Option<BBox> {
    let b = call(&map.js, "getBounds", &[]).ok()?;
    let edge = |name: &str| call(&b, name, &[]).ok().and_then(|v| v.as_f64());
    let v = [
        edge("getWest")?,
        edge("getSouth")?,
        edge("getEast")?,
        edge("getNorth")?,
    ];
    (v[0] < v[2] && v[1] < v[3]).then_some(v)
}
