//! The data layers the filters drive (wards, hotspots, density, incident
//! tiles, labels and the analysis grids).
//!
//! One generic loader ([`load`], [`receive`]) asks for a layer's URL under
//! the current filters, drops answers that a newer request overtook (a
//! per-layer generation number), parses each answer once and keeps only
//! that parse (the map keeps its own copy to draw), then runs the layer's
//! own step: ward styling, hotspot buttons, the density image. What the
//! page reads back from the loaded data is here too, so the JSON is read
//! in one place.

use hotspot_api::geojson;
use hotspot_api::responses::{DensityGrid, GiGrid, HotspotProperties, WardProperties};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use wasm_bindgen_futures::spawn_local;

use super::controls::update_page_url;
use super::js::{self, by_id, fetch_api_until, fill_select, on, FetchError};
use super::legend::render_legend;
use super::map::{PinnedImage, DENSITY_IMAGE, GISTAR_IMAGE};
use super::selection::select_features;
use super::session::session_lost;
use super::state::{AppRef, DensityShown, Fetching, Selected, State};
use super::surface::follow_view;
use super::{debug_set, set_status, status_error};
use crate::access::Feature;
use crate::classify;
use crate::format;
use crate::view::LABEL_MIN_ZOOM;

/// Most incidents in one API page (exports of the incident layer).
pub const MAX_POINTS: usize = 10_000;

/// A data layer the filters drive.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LayerKind {
    Wards,
    Hotspots,
    Density,
    Incidents,
    /// police.uk's street labels at street zoom (partners and above, as
    /// the search's places).
    Labels,
    /// Getis-Ord Gi* hot and cold spots on the grid.
    Gistar,
    /// Emerging hot and cold spots on the same grid.
    Emerging,
    /// Each grid cell's change from the comparison period.
    Change,
    /// DBSCAN point clusters as outlines.
    Clusters,
    /// Relative risk: the selection's density over a denominator's.
    Risk,
}

impl LayerKind {
    pub const ALL: [LayerKind; 10] = [
        LayerKind::Wards,
        LayerKind::Hotspots,
        LayerKind::Density,
        LayerKind::Incidents,
        LayerKind::Labels,
        LayerKind::Gistar,
        LayerKind::Emerging,
        LayerKind::Change,
        LayerKind::Clusters,
        LayerKind::Risk,
    ];

    /// The role feature the layer needs (wards: none, every role has them).
    pub fn feature(self) -> Option<Feature> {
        match self {
            LayerKind::Wards => None,
            LayerKind::Hotspots | LayerKind::Labels => Some(Feature::Hotspots),
            LayerKind::Density => Some(Feature::Density),
            LayerKind::Incidents => Some(Feature::Incidents),
            LayerKind::Gistar => Some(Feature::Gistar),
            LayerKind::Emerging => Some(Feature::Emerging),
            LayerKind::Change => Some(Feature::Change),
            LayerKind::Clusters => Some(Feature::Clusters),
            LayerKind::Risk => Some(Feature::Risk),
        }
    }

    /// The API request for the filters (and, for the surfaces, the view).
    pub fn url(self, st: &State) -> String {
        let f = &st.f;
        match self {
            LayerKind::Wards => f.wards_url(),
            LayerKind::Hotspots => f.hotspots_url(st.surface_bbox),
            LayerKind::Density => f.density_grid_url(st.surface_bbox),
            LayerKind::Incidents => f.incidents_url(MAX_POINTS),
            LayerKind::Labels => f.labels_url(st.surface_bbox),
            LayerKind::Gistar => f.gistar_url(),
            LayerKind::Emerging => f.emerging_url(),
            // Without a period of whole months there is nothing to compare.
            LayerKind::Change => f.change_url().unwrap_or_default(),
            LayerKind::Clusters => f.clusters_url(),
            LayerKind::Risk => f.risk_url(),
        }
    }

    /// Computed for the area in view (the others cover the whole area).
    pub fn follows_view(self) -> bool {
        matches!(
            self,
            LayerKind::Hotspots | LayerKind::Density | LayerKind::Labels
        )
    }

    /// How the status line names it when it fails.
    fn label(self) -> &'static str {
        match self {
            LayerKind::Wards => "Ward statistics",
            LayerKind::Hotspots => "Hotspots",
            LayerKind::Density => "Density",
            LayerKind::Incidents => "Incidents",
            LayerKind::Labels => "Street labels",
            LayerKind::Gistar => "Gi* hot and cold spots",
            LayerKind::Emerging => "Emerging hot spots",
            LayerKind::Change => "Change map",
            LayerKind::Clusters => "Point clusters",
            LayerKind::Risk => "Relative risk",
        }
    }

    /// The status line while a slow layer loads.
    fn loading(self) -> Option<&'static str> {
        match self {
            LayerKind::Wards => Some("Loading ward statistics…"),
            LayerKind::Density => Some("Computing the density surface…"),
            LayerKind::Gistar => Some("Computing Gi* hot and cold spots…"),
            LayerKind::Emerging => Some("Computing emerging hot spots…"),
            LayerKind::Change => Some("Computing the change map…"),
            LayerKind::Clusters => Some("Finding point clusters…"),
            LayerKind::Risk => Some("Computing relative risk…"),
            LayerKind::Hotspots | LayerKind::Incidents | LayerKind::Labels => None,
        }
    }

    /// `window.__hotspot` key of the URL last drawn (the tests read it).
    fn debug_key(self) -> &'static str {
        match self {
            LayerKind::Wards => "wardsUrl",
            LayerKind::Hotspots => "hotspotsUrl",
            LayerKind::Density => "densityUrl",
            LayerKind::Incidents => "incidentsUrl",
            LayerKind::Labels => "labelsUrl",
            LayerKind::Gistar => "gistarUrl",
            LayerKind::Emerging => "emergingUrl",
            LayerKind::Change => "changeUrl",
            LayerKind::Clusters => "clustersUrl",
            LayerKind::Risk => "riskUrl",
        }
    }
}

impl State {
    /// Layer `k`'s request bookkeeping, whatever its data type.
    fn fetch_state(&self, k: LayerKind) -> &dyn Fetching {
        match k {
            LayerKind::Wards => &self.wards,
            LayerKind::Hotspots => &self.hotspots,
            LayerKind::Density => &self.density,
            LayerKind::Incidents => &self.incidents,
            LayerKind::Labels => &self.labels,
            LayerKind::Gistar => &self.gistar,
            LayerKind::Emerging => &self.emerging,
            LayerKind::Change => &self.change,
            LayerKind::Clusters => &self.clusters,
            LayerKind::Risk => &self.risk,
        }
    }

    fn fetch_state_mut(&mut self, k: LayerKind) -> &mut dyn Fetching {
        match k {
            LayerKind::Wards => &mut self.wards,
            LayerKind::Hotspots => &mut self.hotspots,
            LayerKind::Density => &mut self.density,
            LayerKind::Incidents => &mut self.incidents,
            LayerKind::Labels => &mut self.labels,
            LayerKind::Gistar => &mut self.gistar,
            LayerKind::Emerging => &mut self.emerging,
            LayerKind::Change => &mut self.change,
            LayerKind::Clusters => &mut self.clusters,
            LayerKind::Risk => &mut self.risk,
        }
    }

    /// The URL layer `k` was loaded from ("" when not loaded).
    pub fn layer_url(&self, k: LayerKind) -> &str {
        self.fetch_state(k).url()
    }

    /// The role allows the layer (wards: always).
    fn may_load(&self, k: LayerKind) -> bool {
        k.feature().is_none_or(|f| self.allowed(f))
    }

    /// The layer is shown, so it is fetched when what it depends on
    /// changes. Wards are the base layer (outlines and labels): always.
    pub fn wanted(&self, k: LayerKind) -> bool {
        match k {
            LayerKind::Labels => {
                self.show_labels
                    && self.allowed(Feature::Hotspots)
                    && self.view_zoom >= LABEL_MIN_ZOOM
            }
            _ => k.feature().is_none_or(|f| self.on(f)),
        }
    }

    /// The properties of every loaded ward.
    fn ward_rows(&self) -> impl Iterator<Item = &WardProperties> {
        self.wards
            .data
            .iter()
            .flat_map(|fc| &fc.features)
            .map(|f| &f.properties)
    }

    /// The name of ward `code`, if the ward layer has it.
    pub fn ward_name(&self, code: &str) -> Option<&str> {
        self.ward_rows()
            .find(|w| w.code == code)
            .map(|w| w.name.as_str())
    }

    /// `(code, name)` of every ward, by name.
    pub fn ward_list(&self) -> Vec<(String, String)> {
        let mut wards: Vec<(String, String)> = self
            .ward_rows()
            .map(|w| (w.code.clone(), w.name.clone()))
            .collect();
        wards.sort_by(|a, b| a.1.cmp(&b.1));
        wards
    }

    /// How many wards the API marks as priority (`priority`, top N).
    pub fn priority_wards(&self) -> usize {
        self.ward_rows().filter(|w| w.priority).count()
    }

    /// The hotspot bands' `top_percent`s, smallest (densest) first.
    pub fn hotspot_tops(&self) -> Vec<f64> {
        let mut t: Vec<f64> = self.hotspot_bands().map(|b| b.top_percent).collect();
        t.sort_by(|a, b| a.total_cmp(b));
        t.dedup();
        t
    }

    fn hotspot_bands(&self) -> impl Iterator<Item = &HotspotProperties> {
        self.hotspots
            .data
            .iter()
            .flat_map(|fc| &fc.features)
            .map(|f| &f.properties)
    }

    /// The properties of the hotspot band `top`.
    pub fn hotspot_band(&self, top: f64) -> Option<&HotspotProperties> {
        self.hotspot_bands().find(|b| b.top_percent == top)
    }
}

/// Filters changed (or a layer was switched on): refetch what is visible.
pub fn refresh(app: &AppRef) {
    update_page_url(app);
    follow_view(app);
    let (kinds, sel) = {
        let st = app.st.borrow();
        // Only what the role may request: no 401/403 in a normal session.
        let kinds: Vec<LayerKind> = LayerKind::ALL
            .into_iter()
            .filter(|&k| st.wanted(k))
            .collect();
        (kinds, st.selected.clone())
    };
    for k in kinds {
        let a = app.clone();
        spawn_local(async move { load(&a, k).await });
    }
    if sel.ward.is_some() {
        // Figures for the selected ward follow the filters; a hotspot or
        // incident selection no longer applies.
        select_features(
            app,
            Selected {
                ward: sel.ward,
                ..Default::default()
            },
        );
    } else if sel.hotspot.is_some() || sel.incidents_at.is_some() {
        select_features(app, Selected::default());
    }
}

/// Fetches layer `k` for the current filters, unless it is already loaded
/// for them or the role may not have it.
pub async fn load(app: &AppRef, k: LayerKind) {
    if k == LayerKind::Incidents {
        return show_incident_tiles(app);
    }
    let Some((url, generation, abort)) = begin(app, k) else {
        return;
    };
    if let Some(msg) = k.loading() {
        set_status(msg);
    }
    let result = fetch_api_until(&url, abort.as_ref()).await;
    receive(app, k, generation, url, result).await;
}

/// Incident points are vector tiles the map fetches itself: a new
/// selection only points the source at a new URL template.
fn show_incident_tiles(app: &AppRef) {
    let origin = js::window().location().origin().unwrap_or_default();
    let template = {
        let st = app.st.borrow();
        let template = st.f.incident_tiles_url(&origin);
        if !st.may_load(LayerKind::Incidents) || st.incidents.url == template {
            return;
        }
        template
    };
    if let Err(e) = app.map.set_tiles("incidents", &template) {
        return status_error(&format!("Incidents: {}", js::describe(&e)));
    }
    {
        let mut st = app.st.borrow_mut();
        let generation = st.incidents.generation + 1;
        st.incidents.set(template.clone(), generation, ());
    }
    debug_set(
        LayerKind::Incidents.debug_key(),
        &JsValue::from_str(&template),
    );
    render_legend(app);
}

/// A new request for layer `k`: its URL and generation, or `None` when
/// there is nothing to fetch (the loaded wards are restyled instead: the
/// measure may have changed).
fn begin(app: &AppRef, k: LayerKind) -> Option<(String, u32, Option<web_sys::AbortSignal>)> {
    let mut st = app.st.borrow_mut();
    let url = k.url(&st);
    if !st.may_load(k) || url.is_empty() {
        return None;
    }
    if st.layer_url(k) == url {
        drop(st);
        if k == LayerKind::Wards {
            restyle_wards(app);
        }
        return None;
    }
    // The view moved while the same answer is on its way (e.g. the map's
    // first `moveend` just after start-up): let that one arrive.
    if st.fetch_state(k).awaits(&url) {
        return None;
    }
    let layer = st.fetch_state_mut(k);
    let generation = layer.begin(&url);
    Some((url, generation, layer.abort_signal()))
}

/// The answer to request `generation` of layer `k`: dropped when a newer
/// request overtook it, else parsed once, drawn and kept.
pub async fn receive(
    app: &AppRef,
    k: LayerKind,
    generation: u32,
    url: String,
    result: Result<String, FetchError>,
) {
    let current = |app: &AppRef| app.st.borrow().fetch_state(k).generation() == generation;
    if current(app) {
        app.st.borrow_mut().fetch_state_mut(k).answered();
    }
    let text = match result {
        Ok(text) => text,
        Err(e) => {
            // Refused: the session ended (or the role changed) under us.
            if e.is_auth() {
                session_lost(app);
            }
            if current(app) {
                status_error(&format!("{}: {}", k.label(), e.message));
            }
            return;
        }
    };
    if !current(app) {
        return;
    }
    let stored = if k == LayerKind::Density {
        match serde_json::from_str::<DensityGrid>(&text) {
            Ok(grid) => match draw_density(app, generation, grid).await {
                Some(shown) => {
                    app.st
                        .borrow_mut()
                        .density
                        .set(url.clone(), generation, shown);
                    Ok(())
                }
                None => return,
            },
            Err(e) => Err(e.to_string()),
        }
    } else if k == LayerKind::Gistar {
        match serde_json::from_str::<GiGrid>(&text) {
            Ok(grid) => {
                if !draw_gistar(app, generation, &grid).await {
                    return;
                }
                app.st
                    .borrow_mut()
                    .gistar
                    .set(url.clone(), generation, grid);
                Ok(())
            }
            Err(e) => Err(e.to_string()),
        }
    } else {
        draw_features(app, k, &text).and_then(|()| keep(app, k, &url, generation, &text))
    };
    if let Err(e) = stored {
        return status_error(&format!("{}: {e}", k.label()));
    }
    debug_set(k.debug_key(), &JsValue::from_str(&url));
    if matches!(k, LayerKind::Hotspots | LayerKind::Density) {
        debug_set("surfaceDrawnMs", &JsValue::from_f64(js::now_ms()));
    }
    drawn(app, k);
}

/// Keeps a GeoJSON layer's answer, parsed into its API type.
fn keep(app: &AppRef, k: LayerKind, url: &str, generation: u32, text: &str) -> Result<(), String> {
    let mut st = app.st.borrow_mut();
    let url = url.to_string();
    let bad = |e: serde_json::Error| e.to_string();
    match k {
        LayerKind::Wards => st
            .wards
            .set(url, generation, serde_json::from_str(text).map_err(bad)?),
        LayerKind::Hotspots => {
            st.hotspots
                .set(url, generation, serde_json::from_str(text).map_err(bad)?)
        }
        LayerKind::Labels => {
            st.labels
                .set(url, generation, serde_json::from_str(text).map_err(bad)?)
        }
        LayerKind::Emerging => {
            st.emerging
                .set(url, generation, serde_json::from_str(text).map_err(bad)?)
        }
        LayerKind::Change => {
            st.change
                .set(url, generation, serde_json::from_str(text).map_err(bad)?)
        }
        LayerKind::Clusters => {
            st.clusters
                .set(url, generation, serde_json::from_str(text).map_err(bad)?)
        }
        LayerKind::Risk => st
            .risk
            .set(url, generation, serde_json::from_str(text).map_err(bad)?),
        // Drawn as images, kept by `receive`; tiles the map fetches itself.
        LayerKind::Density | LayerKind::Gistar | LayerKind::Incidents => {}
    }
    Ok(())
}

/// Hands a GeoJSON answer to the map source of the same name.
fn draw_features(app: &AppRef, k: LayerKind, text: &str) -> Result<(), String> {
    let data = js::parse_js(text).map_err(|e| format!("{}: {e}", k.label()))?;
    let source = match k {
        LayerKind::Wards => "wards",
        LayerKind::Hotspots => "hotspots",
        LayerKind::Labels => "labels",
        LayerKind::Emerging => "emerging",
        LayerKind::Change => "change",
        LayerKind::Clusters => "clusters",
        LayerKind::Risk => "risk",
        _ => "incidents",
    };
    match app.map.set_data(source, &data) {
        // The base layer must draw; an overlay that cannot simply stays empty.
        Err(e) if k == LayerKind::Wards => Err(format!("Ward layer: {}", js::describe(&e))),
        _ => Ok(()),
    }
}

/// What follows a layer's new data: the ward styling, list and status; the
/// hotspot buttons; the density status; the legend.
fn drawn(app: &AppRef, k: LayerKind) {
    match k {
        LayerKind::Wards => wards_drawn(app),
        LayerKind::Hotspots => {
            render_hotspot_buttons(app);
            render_legend(app);
        }
        LayerKind::Density => {
            set_status("Density surface ready");
            render_legend(app);
        }
        LayerKind::Incidents => render_legend(app),
        LayerKind::Gistar => {
            set_status("Gi* hot and cold spots ready");
            render_legend(app);
        }
        LayerKind::Emerging | LayerKind::Change | LayerKind::Clusters | LayerKind::Risk => {
            set_status(&format!("{} ready", k.label()));
            render_legend(app);
        }
        LayerKind::Labels => {}
    }
}

/// New ward figures: the first ones frame the map; the ward list, the fill
/// and the status line follow.
fn wards_drawn(app: &AppRef) {
    {
        let mut st = app.st.borrow_mut();
        if !st.fitted {
            // A shared link's view, else the whole area.
            if let Some(c) = st.start_camera.take() {
                app.map.jump_to(c);
                st.fitted = true;
            }
            let wards = st.wards.data.iter().flat_map(|w| &w.features);
            if let Some(b) = bounds_of(wards.filter_map(|f| f.geometry.as_ref())) {
                if !st.fitted {
                    app.map.fit(b);
                    st.fitted = true;
                }
            }
        }
    }
    fill_ward_select(app);
    restyle_wards(app);
    render_ward_table(app);
    let st = app.st.borrow();
    set_status(&format!(
        "{}: {} incidents",
        st.f.describe(st.cat.group_name(&st.f.group)),
        format::count_text(st.wards.data.as_ref().and_then(|w| w.meta.total))
    ));
}

/// Paints the ward fill for the current measure and redraws the legend.
pub fn restyle_wards(app: &AppRef) {
    let classes = {
        let st = app.st.borrow();
        let Some(wards) = &st.wards.data else {
            return;
        };
        classify::ward_classes(st.f.measure, wards.features.iter().map(|f| &f.properties))
    };
    app.map
        .set_paint("wards-fill", "fill-color", &classes.expression());
    app.map
        .set_filter("wards-suppressed", &classes.suppressed_filter());
    app.st.borrow_mut().ward_classes = Some(classes);
    render_legend(app);
}

/// The ranked ward table, in the chosen order, the chosen ward marked.
pub fn render_ward_table(app: &AppRef) {
    let st = app.st.borrow();
    let html = crate::ward_table::html(
        st.ward_rows(),
        st.ward_sort,
        st.f.ranked_by(),
        st.selected.ward.as_deref(),
    );
    by_id("ward-table").set_inner_html(&html);
}

/// `[w, s, e, n]` of ward `code`, if loaded.
pub fn ward_bounds(st: &State, code: &str) -> Option<[f64; 4]> {
    let wards = st.wards.data.iter().flat_map(|w| &w.features);
    let ward = wards.filter(|f| f.properties.code == code);
    bounds_of(ward.filter_map(|f| f.geometry.as_ref()))
}

fn fill_ward_select(app: &AppRef) {
    let st = app.st.borrow();
    let mut opts = vec![(String::new(), "Choose a ward…".to_string())];
    opts.extend(st.ward_list());
    let current = st.selected.ward.clone().unwrap_or_default();
    fill_select("f-ward", &opts, &current);
}

/// `[w, s, e, n]` of polygons' coordinates.
pub fn bounds_of<'a>(
    geometries: impl IntoIterator<Item = &'a geojson::Geometry>,
) -> Option<[f64; 4]> {
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    let mut add = |p: &Vec<f64>| {
        if let [x, y, ..] = p[..] {
            b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        }
    };
    for g in geometries {
        match &g.value {
            geojson::Value::Polygon(rings) => rings.iter().flatten().for_each(&mut add),
            geojson::Value::MultiPolygon(polys) => {
                polys.iter().flatten().flatten().for_each(&mut add)
            }
            _ => {}
        }
    }
    (b[0] <= b[2] && b[1] <= b[3]).then_some(b)
}

/// Buttons that open each hotspot band's summary (keyboard access).
pub fn render_hotspot_buttons(app: &AppRef) {
    let container = by_id("hotspot-buttons");
    container.set_inner_html("");
    let tops = app.st.borrow().hotspot_tops();
    for top in tops {
        let Ok(b) = js::document().create_element("button") else {
            continue;
        };
        let _ = b.set_attribute("type", "button");
        b.set_text_content(Some(&format!("Top {}% area", format::number(top, 0))));
        let a = app.clone();
        on(&b, "click", move |_| {
            select_features(
                &a,
                Selected {
                    hotspot: Some(top),
                    ..Default::default()
                },
            );
        });
        let _ = container.append_child(&b);
    }
}

/// The density grid as an image pinned at its corners, in five classes;
/// `Some(the grid's metadata)` (values dropped, the lowest density shown
/// added) to keep, `None` when it cannot be drawn or was overtaken.
async fn draw_density(app: &AppRef, generation: u32, grid: DensityGrid) -> Option<DensityShown> {
    let (cols, rows) = (grid.meta.grid.cols as u32, grid.meta.grid.rows as u32);
    let max = grid.meta.max_density;
    let values = &grid.values;
    if cols == 0
        || rows == 0
        || values.len() != (cols * rows) as usize
        || max <= 0.0
        || grid.corners.len() != 4
    {
        status_error("Density: no surface for this selection");
        return None;
    }
    let (min, mut classes) = classify::density(max, |_, _| 0);
    let (pixels, counts) = classify::density_rgba(values, &classes, min);
    for (item, n) in classes.legend.iter_mut().zip(counts) {
        item.count = n;
    }
    let current = |st: &State| st.density.generation == generation;
    let image = (&DENSITY_IMAGE, Feature::Density, "Density");
    if !pin_image(app, image, &pixels, (cols, rows), &grid.corners, current).await {
        return None;
    }
    app.st.borrow_mut().density_legend = Some(classes);
    Some(DensityShown {
        meta: grid.meta,
        min_shown: min,
    })
}

/// The Gi* grid as an image pinned at its corners, one pixel a cell in its
/// class's colour; `false` when it cannot be drawn or was overtaken.
async fn draw_gistar(app: &AppRef, generation: u32, grid: &GiGrid) -> bool {
    let (cols, rows) = (grid.frame.cols as u32, grid.frame.rows as u32);
    if cols == 0
        || rows == 0
        || grid.class.len() != (cols * rows) as usize
        || grid.corners.len() != 4
    {
        status_error("Gi* hot and cold spots: no grid for this selection");
        return false;
    }
    let current = |st: &State| st.gistar.generation == generation;
    let pixels = crate::gistar::rgba(grid);
    let image = (&GISTAR_IMAGE, Feature::Gistar, "Gi*");
    pin_image(app, image, &pixels, (cols, rows), &grid.corners, current).await
}

/// Draws RGBA `pixels` (`cols` × `rows`) as the pinned image layer at
/// `corners`, shown while its feature is on. `false` when it could not be
/// drawn (said in the status line under its name) or `current` says a newer
/// request overtook it while the bitmap was made.
async fn pin_image(
    app: &AppRef,
    (pinned, feature, name): (&PinnedImage, Feature, &str),
    pixels: &[u8],
    (cols, rows): (u32, u32),
    corners: &[[f64; 2]],
    current: impl Fn(&State) -> bool,
) -> bool {
    let image = match rgba_bitmap(pixels, cols, rows).await {
        Ok(i) => i,
        Err(e) => {
            status_error(&format!("{name} image: {}", js::describe(&e)));
            return false;
        }
    };
    if !current(&app.st.borrow()) {
        return false;
    }
    let visible = app.st.borrow().on(feature);
    let corners = serde_json::json!(corners);
    if let Err(e) = app.map.set_image(pinned, &image, &corners, visible) {
        status_error(&format!("{name} layer: {}", js::describe(&e)));
        return false;
    }
    true
}

/// RGBA pixels → an ImageBitmap (no network request, so no CSP issue).
async fn rgba_bitmap(pixels: &[u8], w: u32, h: u32) -> Result<JsValue, JsValue> {
    let canvas: web_sys::HtmlCanvasElement =
        js::document().create_element("canvas")?.unchecked_into();
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or("no 2d context")?
        .unchecked_into();
    let data = web_sys::ImageData::new_with_u8_clamped_array_and_sh(Clamped(pixels), w, h)?;
    ctx.put_image_data(&data, 0.0, 0.0)?;
    let p = js::window().create_image_bitmap_with_html_canvas_element(&canvas)?;
    js::await_promise(p.into()).await
}

/// Shows or hides each layer's map layers as wanted and allowed.
pub fn apply_visibility(app: &AppRef) {
    let st = app.st.borrow();
    if !st.map_ready {
        return;
    }
    let m = &app.map;
    m.set_visible("wards-fill", st.show_wards);
    m.set_visible("wards-suppressed", st.show_wards);
    let hotspots = st.on(Feature::Hotspots);
    m.set_visible("hotspots-fill", hotspots);
    m.set_visible("hotspots-line", hotspots);
    m.set_visible("hotspots-selected", hotspots);
    if m.has_layer(DENSITY_IMAGE.layer) {
        m.set_visible(DENSITY_IMAGE.layer, st.on(Feature::Density));
    }
    for l in ["incidents-clusters", "incidents-count", "incidents-points"] {
        m.set_visible(l, st.on(Feature::Incidents));
    }
    let gistar = st.on(Feature::Gistar);
    if m.has_layer(GISTAR_IMAGE.layer) {
        m.set_visible(GISTAR_IMAGE.layer, gistar);
    }
    let emerging = st.on(Feature::Emerging);
    m.set_visible("emerging-fill", emerging);
    m.set_visible("emerging-line", emerging);
    let change = st.on(Feature::Change);
    m.set_visible("change-fill", change);
    let risk = st.on(Feature::Risk);
    m.set_visible("risk-fill", risk);
    for l in ["clusters-fill", "clusters-line", "clusters-count"] {
        m.set_visible(l, st.on(Feature::Clusters));
    }
    // Under a grid of cells the ward shading (the same reds and blues)
    // would blur them: it fades to a tint, the outlines stay.
    let fade = if gistar || emerging || change || risk || st.on(Feature::Clusters) {
        serde_json::json!(0.12)
    } else {
        super::map::ward_fade()
    };
    m.set_paint("wards-fill", "fill-opacity", &fade);
    let labels = st.show_labels && st.allowed(Feature::Hotspots);
    m.set_visible("labels-dot", labels);
    m.set_visible("labels-text", labels);
    drop(st);
    render_legend(app);
}
