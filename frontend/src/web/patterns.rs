//! The *Patterns* card: the temporal profile (partners and above), the Knox
//! near-repeat table and "which method predicts best" (analysts), each for
//! the current filters, with a CSV of what is shown. Buttons a role may not
//! use are hidden; the pure parts are `crate::{temporal, knox, methods}`.

use hotspot_api::responses::{EvaluationReport, KnoxResult, MethodLayer, TemporalReport};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;

use super::js::{button, by_id, clicked_data, download_text, fetch_api, html_el, on};
use super::layers::{apply_visibility, refresh};
use super::session::session_lost;
use super::state::{AppRef, State};
use super::{debug_set, set_status, status_error};
use crate::access::Role;
use crate::filters::url;
use crate::{knox, methods, temporal};

/// What the card shows.
#[derive(Default)]
pub enum Shown {
    #[default]
    Nothing,
    Temporal(Box<TemporalReport>),
    NearRepeat(KnoxResult),
    Methods(EvaluationReport),
}

/// The card's state: what it shows and the request in flight.
#[derive(Default)]
pub struct Patterns {
    generation: u32,
    shown: Shown,
}

#[derive(Clone, Copy)]
enum Analysis {
    Temporal,
    NearRepeat,
    Methods,
}

impl Analysis {
    fn needs(self) -> Role {
        match self {
            Analysis::Temporal => Role::Partner,
            Analysis::NearRepeat | Analysis::Methods => Role::Analyst,
        }
    }

    fn button(self) -> &'static str {
        match self {
            Analysis::Temporal => "pt-temporal",
            Analysis::NearRepeat => "pt-knox",
            Analysis::Methods => "pt-methods",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Analysis::Temporal => "When",
            Analysis::NearRepeat => "Near-repeat",
            Analysis::Methods => "Which method predicts best",
        }
    }

    /// The request for the current filters. "Which method" trains on the
    /// comparison period (the previous one when none is chosen) and tests
    /// on the selected period.
    fn url(self, st: &State) -> Result<String, String> {
        let f = &st.f;
        match self {
            Analysis::Temporal => Ok(url("/api/temporal", &f.selection_pairs())),
            Analysis::NearRepeat => Ok(url("/api/near-repeat", &f.selection_pairs())),
            Analysis::Methods => f
                .evaluate_url()
                .ok_or_else(|| "choose a period of whole months first".to_string()),
        }
    }
}

const ALL: [Analysis; 3] = [Analysis::Temporal, Analysis::NearRepeat, Analysis::Methods];

/// Shows the card and its buttons to the roles that may use them.
pub fn session_ui(st: &State) {
    let role = st.session.role;
    html_el("patterns").set_hidden(role < Role::Partner);
    for a in ALL {
        html_el(a.button()).set_hidden(role < a.needs());
    }
}

/// The role changed: what it may no longer see is cleared.
pub fn session_changed(app: &AppRef) {
    let role = app.st.borrow().session.role;
    let keep = match app.st.borrow().pt.shown {
        Shown::Nothing => true,
        Shown::Temporal(_) => role >= Role::Partner,
        Shown::NearRepeat(_) | Shown::Methods(_) => role >= Role::Analyst,
    };
    if !keep {
        show(app, Shown::Nothing, "");
    }
}

/// Connects the card's buttons.
pub fn wire(app: &AppRef) {
    for a in ALL {
        let app2 = app.clone();
        on(&by_id(a.button()), "click", move |_| {
            let app3 = app2.clone();
            spawn_local(async move { run(&app3, a).await });
        });
    }
    let a = app.clone();
    on(&by_id("pt-csv"), "click", move |_| download_csv(&a));
    let a = app.clone();
    on(&by_id("pt-result"), "click", move |e| {
        if let Some(i) = clicked_data(&e, "button.pai-use", "data-method") {
            if let Ok(i) = i.parse() {
                use_method(&a, i);
            }
        }
    });
}

/// Asks the API and shows the answer, or the API's reason it cannot.
async fn run(app: &AppRef, a: Analysis) {
    let (request, generation) = {
        let mut st = app.st.borrow_mut();
        if st.session.role < a.needs() {
            return status_error(&format!(
                "{} needs the {} role.",
                a.title(),
                a.needs().as_str()
            ));
        }
        st.pt.generation += 1;
        (a.url(&st), st.pt.generation)
    };
    let result = by_id("pt-result");
    let request = match request {
        Ok(u) => u,
        Err(e) => return result.set_inner_html(&format!("<p class=\"error\">{e}</p>")),
    };
    let _ = by_id("patterns").set_attribute("aria-busy", "true");
    set_status(&format!("{}: computing…", a.title()));
    let answer = fetch_api(&request).await;
    let _ = by_id("patterns").remove_attribute("aria-busy");
    if app.st.borrow().pt.generation != generation {
        return;
    }
    let text = match answer {
        Ok(t) => t,
        Err(e) => {
            if e.is_auth() {
                session_lost(app);
            }
            show(app, Shown::Nothing, "");
            // The API's own words: e.g. near-repeat on month-only data.
            result.set_inner_html(&format!(
                "<p class=\"error\" role=\"alert\">{}: {}</p>",
                a.title(),
                crate::format::esc(&e.message)
            ));
            return status_error(&format!("{}: {}", a.title(), e.message));
        }
    };
    let shown = match a {
        Analysis::Temporal => serde_json::from_str(&text).map(|r| Shown::Temporal(Box::new(r))),
        Analysis::NearRepeat => serde_json::from_str(&text).map(Shown::NearRepeat),
        Analysis::Methods => serde_json::from_str(&text).map(Shown::Methods),
    };
    match shown {
        Ok(s) => show(app, s, &request),
        Err(e) => status_error(&format!("{}: {e}", a.title())),
    }
}

/// Draws `shown` in the card and keeps it for the CSV.
fn show(app: &AppRef, shown: Shown, request: &str) {
    let (title, html) = match &shown {
        Shown::Nothing => ("", String::new()),
        Shown::Temporal(r) => ("When: the temporal profile", temporal::html(r)),
        Shown::NearRepeat(r) => ("Near-repeat (Knox test)", knox::html(r)),
        Shown::Methods(r) => ("Which method predicts best", methods::html(r)),
    };
    let body = if title.is_empty() {
        String::new()
    } else {
        format!("<h3 id=\"pt-title\">{title}</h3>{html}")
    };
    by_id("pt-result").set_inner_html(&body);
    button("pt-csv").set_disabled(matches!(shown, Shown::Nothing));
    debug_set("patternsUrl", &JsValue::from_str(request));
    app.st.borrow_mut().pt.shown = shown;
    if !title.is_empty() {
        set_status(&format!("{title}: shown."));
    }
}

fn download_csv(app: &AppRef) {
    let st = app.st.borrow();
    let (name, data) = match &st.pt.shown {
        Shown::Nothing => return,
        Shown::Temporal(r) => ("hotspot-temporal.csv", temporal::csv(r)),
        Shown::NearRepeat(r) => ("hotspot-near-repeat.csv", knox::csv(r)),
        Shown::Methods(r) => ("hotspot-methods.csv", methods::csv(r)),
    };
    if let Err(e) = download_text(name, "text/csv", &data) {
        status_error(&format!("CSV: {}", super::js::describe(&e)));
    }
}

/// "Use this method": the map switches to the layer and setting that
/// scored, and the controls and page URL follow.
fn use_method(app: &AppRef, index: usize) {
    let layer = match &app.st.borrow().pt.shown {
        Shown::Methods(r) => methods::layer_of(r, index),
        _ => None,
    };
    let Some(layer) = layer else { return };
    {
        let mut st = app.st.borrow_mut();
        match layer {
            MethodLayer::Hotspots { bandwidth_m } => {
                st.f.bandwidth = Some(bandwidth_m.round() as u32);
                st.show_hotspots = true;
                st.show_gistar = false;
            }
            MethodLayer::Gistar { cell_m } => {
                st.f.gi_cell = Some(cell_m.round() as u32);
                st.show_gistar = true;
                st.show_hotspots = false;
            }
            MethodLayer::Wards => {
                st.show_wards = true;
                st.show_hotspots = false;
                st.show_gistar = false;
            }
        }
    }
    super::controls::sync_controls(&app.st.borrow());
    apply_visibility(app);
    refresh(app);
    set_status(&format!(
        "The map now shows {}.",
        methods::layer_words(&layer)
    ));
}
