//! Who the page acts for: reading `/api/me`, signing in and out, a
//! session that ends under us, and the header and controls for the role.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;

use super::js::{self, by_id, fetch_api, html_el, input, on, select};
use super::layers::{apply_visibility, refresh, render_hotspot_buttons};
use super::selection::update_briefing;
use super::state::{AppRef, State};
use super::{debug_set, hardening, interventions, patterns, planner, set_status, status_error};
use crate::access::{self, Feature, Session};
use crate::format;

/// `/api/me` as a session; the anonymous default when it fails.
pub async fn read_me() -> Session {
    match fetch_api("/api/me").await {
        Ok(t) => parse_session(&t),
        Err(_) => Session::default(),
    }
}

/// A `/api/me` answer as a session.
pub fn parse_session(text: &str) -> Session {
    Session::parse(text)
}

/// A request was refused: re-read `/api/me` and adapt to what it says.
pub fn session_lost(app: &AppRef) {
    let a = app.clone();
    spawn_local(async move {
        let session = read_me().await;
        if a.st.borrow().session != session {
            set_session(&a, session);
            status_error(&format!(
                "Your session has ended: the map now shows what the {} role may see.",
                a.st.borrow().session.role.as_str()
            ));
        }
    });
}

/// The role changed (sign in, sign out, session ended): drop what the new
/// role may not see, update the controls and reload the data for it,
/// without reloading the page.
fn set_session(app: &AppRef, session: Session) {
    let changed = {
        let mut st = app.st.borrow_mut();
        let changed = st.session != session;
        st.session = session;
        if changed {
            // Ward figures depend on the role (public: small counts withheld).
            st.wards.url.clear();
            if !st.allowed(Feature::Hotspots) {
                st.hotspots.reset();
                st.labels.reset();
            }
            if !st.allowed(Feature::Density) {
                st.density.reset();
                st.density_legend = None;
            }
            if !st.allowed(Feature::Incidents) {
                st.incidents.reset();
            }
            if !st.allowed(Feature::Gistar) {
                st.gistar.reset();
            }
            if !st.allowed(Feature::Emerging) {
                st.emerging.reset();
            }
            if !st.allowed(Feature::Change) {
                st.change.reset();
                st.clusters.reset();
                st.risk.reset();
            }
        }
        changed
    };
    apply_session_ui(app);
    if !changed {
        return;
    }
    let empty = js::empty_fc();
    {
        let st = app.st.borrow();
        if st.map_ready && !st.allowed(Feature::Hotspots) {
            let _ = app.map.set_data("hotspots", &empty);
            let _ = app.map.set_data("labels", &empty);
        }
    }
    if !app.st.borrow().session.can_plan() {
        planner::clear_plan(app);
    }
    modes_session_changed(app);
    render_hotspot_buttons(app);
    apply_visibility(app);
    refresh(app);
    update_briefing(app);
}

/// Header and controls for the current role: who is signed in, the sign-in
/// or sign-out button, and the layers and exports the role cannot use
/// disabled with a note saying why.
pub fn apply_session_ui(app: &AppRef) {
    let st = app.st.borrow();
    let s = &st.session;
    // "fewer than N" everywhere follows the server's threshold.
    format::set_suppress_below(s.suppress_below());
    by_id("si-withheld").set_text_content(Some(&format::withheld_counts()));
    let who = by_id("who");
    who.set_text_content(Some(&s.header_text()));
    let _ = who.set_attribute("data-role", s.role.as_str());
    html_el("sign-in-toggle").set_hidden(s.signed_in());
    html_el("sign-out").set_hidden(!s.signed_in());
    if s.signed_in() {
        close_sign_in(false);
    }
    lock_layers(&st);
    // Planner: partner role and above; the public sees why not.
    planner::session_ui(s);
    // Target hardening and interventions.
    hardening::session_ui(&st);
    interventions::session_ui(&st);
    patterns::session_ui(&st);
    debug_set("role", &JsValue::from_str(s.role.as_str()));
    debug_set(
        "username",
        &s.username
            .as_deref()
            .map(JsValue::from_str)
            .unwrap_or(JsValue::NULL),
    );
}

/// The role changed (or the map is ready): the target-hardening and
/// interventions modes drop what it may no longer see and load what it may.
pub fn modes_session_changed(app: &AppRef) {
    hardening::session_changed(app);
    interventions::session_changed(app);
    patterns::session_changed(app);
}

/// The hotspot, density and incident boxes and export choices the role
/// cannot use: disabled, with a note saying why (a deployment without
/// incident points hides that row altogether).
fn lock_layers(st: &State) {
    for (f, wish) in [
        (Feature::Hotspots, st.show_hotspots),
        (Feature::Density, st.show_density),
        (Feature::Incidents, st.show_incidents),
        (Feature::Gistar, st.show_gistar),
        (Feature::Emerging, st.show_emerging),
        (Feature::Change, st.show_change),
        (Feature::Clusters, st.show_clusters),
        (Feature::Risk, st.show_risk),
    ] {
        let id = format!("l-{}", f.key());
        let allowed = st.allowed(f);
        let checkbox = input(&id);
        checkbox.set_disabled(!allowed);
        checkbox.set_checked(allowed && wish);
        let note_id = format!("{id}-lock");
        let note = html_el(&note_id);
        // A deployment without incident points hides the row altogether.
        let locked = !allowed && (f != Feature::Incidents || st.incidents_config);
        note.set_text_content(Some(&f.locked_note()));
        note.set_hidden(!locked);
        let _ = if locked {
            checkbox.set_attribute("aria-describedby", &note_id)
        } else {
            checkbox.remove_attribute("aria-describedby")
        };
        if let Some(row) = checkbox.parent_element() {
            let _ = row.class_list().toggle_with_force("locked", !allowed);
        }
        if let Ok(Some(o)) = by_id("x-layer").query_selector(&format!("option[value={}]", f.key()))
        {
            o.unchecked_into::<web_sys::HtmlOptionElement>()
                .set_disabled(!allowed);
        }
    }
    // Street labels: partners and above, as the search's places.
    html_el("labels-row").set_hidden(!st.allowed(Feature::Hotspots));
    input("l-labels").set_checked(st.show_labels);
    html_el("gistar-options").set_hidden(!st.allowed(Feature::Gistar));
    html_el("risk-row").set_hidden(!st.allowed(Feature::Risk));
    // The bandwidth applies to the hotspot and density layers only.
    html_el("bandwidth-row")
        .set_hidden(!st.allowed(Feature::Hotspots) && !st.allowed(Feature::Density));
    let x = select("x-layer");
    let chosen = x.value();
    if Feature::ALL
        .iter()
        .any(|f| f.key() == chosen && !st.allowed(*f))
    {
        x.set_value("wards");
    }
}

/// The header's sign-in form and sign-out button.
pub fn wire_account(app: &AppRef) {
    on(&by_id("sign-in-toggle"), "click", |_| {
        if html_el("sign-in").hidden() {
            open_sign_in();
        } else {
            close_sign_in(true);
        }
    });
    on(&by_id("si-cancel"), "click", |_| close_sign_in(true));
    on(&by_id("sign-in"), "keydown", |e| {
        let k: &web_sys::KeyboardEvent = e.unchecked_ref();
        if k.key() == "Escape" {
            e.stop_propagation();
            e.prevent_default();
            close_sign_in(true);
        }
    });
    {
        // Enter in either field submits the form.
        let a = app.clone();
        on(&by_id("sign-in"), "submit", move |e| {
            e.prevent_default();
            let a = a.clone();
            spawn_local(async move { sign_in(&a).await });
        });
    }
    {
        let a = app.clone();
        on(&by_id("sign-out"), "click", move |_| {
            let a = a.clone();
            spawn_local(async move { sign_out(&a).await });
        });
    }
}

fn open_sign_in() {
    html_el("sign-in").set_hidden(false);
    let _ = by_id("sign-in-toggle").set_attribute("aria-expanded", "true");
    by_id("si-error").set_text_content(Some(""));
    let _ = html_el("si-user").focus();
}

fn close_sign_in(focus_toggle: bool) {
    html_el("sign-in").set_hidden(true);
    let _ = by_id("sign-in-toggle").set_attribute("aria-expanded", "false");
    input("si-pass").set_value("");
    by_id("si-error").set_text_content(Some(""));
    if focus_toggle {
        let _ = html_el("sign-in-toggle").focus();
    }
}

/// `POST /api/login`; on success the session cookie is set by the server
/// and the map reloads its data for the new role.
async fn sign_in(app: &AppRef) {
    let user = input("si-user").value().trim().to_string();
    let pass = input("si-pass").value();
    let error = by_id("si-error");
    if user.is_empty() || pass.is_empty() {
        error.set_text_content(Some("Enter a user name and a password."));
        let _ = html_el(if user.is_empty() {
            "si-user"
        } else {
            "si-pass"
        })
        .focus();
        return;
    }
    let submit: web_sys::HtmlButtonElement = by_id("si-submit").unchecked_into();
    if submit.disabled() {
        return;
    }
    submit.set_disabled(true);
    let _ = by_id("sign-in").set_attribute("aria-busy", "true");
    error.set_text_content(Some(""));
    let result = js::request(
        "POST",
        "/api/login",
        Some(&access::login_body(&user, &pass)),
    )
    .await;
    submit.set_disabled(false);
    let _ = by_id("sign-in").remove_attribute("aria-busy");
    match result {
        Ok((status, body)) if (200..300).contains(&status) => {
            let threshold = app.st.borrow().session.suppress_below;
            let session = Session::signed_in_as(&body, threshold);
            close_sign_in(false);
            set_status(&format!("{}.", session.header_text()));
            set_session(app, session);
            let _ = html_el("sign-out").focus();
        }
        Ok((status, body)) => {
            error.set_text_content(Some(&access::login_error(status, &body)));
            let pass = input("si-pass");
            let _ = pass.focus();
            pass.select();
        }
        Err(e) => {
            js::log_error(&format!("sign in: {e}"));
            error.set_text_content(Some(&access::login_error(0, "")));
        }
    }
}

/// `POST /api/logout`, then back to the anonymous role (`/api/me`).
async fn sign_out(app: &AppRef) {
    match js::request("POST", "/api/logout", None).await {
        Ok((status, _)) if (200..300).contains(&status) => {}
        Ok((status, body)) => {
            let msg = js::api_message(status, &body);
            return status_error(&format!("Sign out failed: {msg}"));
        }
        Err(e) => return status_error(&format!("Sign out failed: {e}")),
    }
    let session = read_me().await;
    set_status(&format!("Signed out. {}.", session.header_text()));
    set_session(app, session);
    let _ = html_el("sign-in-toggle").focus();
}
