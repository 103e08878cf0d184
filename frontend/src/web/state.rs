//! The page's state: one [`App`] (the map handle and a `RefCell<State>`)
//! shared by every event handler through an [`AppRef`].

use std::cell::RefCell;
use std::rc::Rc;

use hotspot_api::responses::{
    ChangeLayer, ChangeProperties, ClusterLayer, ClusterProperties, DensityMeta, EmergingLayer,
    EmergingProperties, GiGrid, GiProperties, Hotspots, Plan, RiskLayer, RiskProperties,
    StreetLabels, Wards,
};

use super::map::Map;
use super::{hardening, interventions, patterns};
use crate::access::{Feature, Session};
use crate::classify::Classes;
use crate::filters::Filters;
use crate::panels::Catalogue;
use crate::view::{BBox, Camera};

/// One API answer behind a map layer (or the plan), as the API's type.
pub struct Layer<T> {
    /// The URL the data came from ("" = not loaded).
    pub url: String,
    /// The answer, parsed once into its type and kept only so (the map
    /// holds its own copy to draw).
    pub data: Option<T>,
    pub generation: u32,
    /// Cancels the request on its way, when a newer one replaces it.
    pending: Option<web_sys::AbortController>,
    /// The URL of the request on its way, so the same one is not sent twice.
    requested: String,
}

impl<T> Default for Layer<T> {
    fn default() -> Self {
        Layer {
            url: String::new(),
            data: None,
            generation: 0,
            pending: None,
            requested: String::new(),
        }
    }
}

/// A layer's request bookkeeping, whatever its data: what the loader in
/// `layers.rs` needs of every layer.
pub trait Fetching {
    /// The URL the data came from ("" = not loaded).
    fn url(&self) -> &str;
    fn generation(&self) -> u32;
    /// A new request for the layer, to `url`: older ones are cancelled and
    /// their answers dropped.
    fn begin(&mut self, url: &str) -> u32;
    /// The layer is already fetching `url`.
    fn awaits(&self, url: &str) -> bool;
    /// The request on its way has answered (well or not): a later request
    /// for the same URL is sent again.
    fn answered(&mut self);
    /// What cancels the request [`Fetching::begin`] started.
    fn abort_signal(&self) -> Option<web_sys::AbortSignal>;
}

impl<T> Fetching for Layer<T> {
    fn url(&self) -> &str {
        &self.url
    }

    fn generation(&self) -> u32 {
        self.generation
    }

    fn begin(&mut self, url: &str) -> u32 {
        self.cancel();
        self.pending = web_sys::AbortController::new().ok();
        self.requested = url.to_string();
        self.generation += 1;
        self.generation
    }

    fn awaits(&self, url: &str) -> bool {
        self.pending.is_some() && self.requested == url
    }

    fn answered(&mut self) {
        self.pending = None;
        self.requested.clear();
    }

    fn abort_signal(&self) -> Option<web_sys::AbortSignal> {
        self.pending.as_ref().map(|c| c.signal())
    }
}

impl<T> Layer<T> {
    fn cancel(&mut self) {
        if let Some(c) = self.pending.take() {
            c.abort();
        }
    }

    /// Forgets the data and cancels any request still on its way.
    pub fn reset(&mut self) {
        self.cancel();
        *self = Layer {
            generation: self.generation + 1,
            ..Layer::default()
        };
    }

    /// The answer to request `generation` from `url`.
    pub fn set(&mut self, url: String, generation: u32, data: T) {
        *self = Layer {
            url,
            data: Some(data),
            generation,
            ..Layer::default()
        };
    }
}

/// The density surface as drawn: the grid's description (its values are
/// in the image) and the lowest density shown.
#[derive(Debug, Clone, PartialEq)]
pub struct DensityShown {
    pub meta: DensityMeta,
    pub min_shown: f64,
}

/// What the details panel shows.
#[derive(Default, Clone)]
pub struct Selected {
    pub ward: Option<String>,
    /// A Gi* cell's figures.
    pub gi: Option<GiProperties>,
    /// An emerging hot spot cell's figures.
    pub emerging: Option<EmergingProperties>,
    /// A change-map cell, a point cluster or a relative-risk cell.
    pub change: Option<ChangeProperties>,
    pub cluster: Option<ClusterProperties>,
    pub risk: Option<RiskProperties>,
    pub hotspot: Option<f64>,
    /// A clicked map point of the incident layer (lon, lat): its incidents
    /// are asked for when it is chosen.
    pub incidents_at: Option<[f64; 2]>,
}

pub struct State {
    pub f: Filters,
    pub months: Vec<String>,
    pub cat: Catalogue,
    /// Who the client acts for (`/api/me`): decides what it may request.
    pub session: Session,
    /// `config.json` allows incident points at all.
    pub incidents_config: bool,
    /// Layers the person wants (checkboxes); a layer is shown only when the
    /// role also allows it (`State::on`).
    pub show_wards: bool,
    pub show_hotspots: bool,
    pub show_density: bool,
    pub show_incidents: bool,
    pub show_labels: bool,
    pub show_gistar: bool,
    pub show_emerging: bool,
    pub show_change: bool,
    pub show_clusters: bool,
    pub show_risk: bool,
    pub wards: Layer<Wards>,
    pub hotspots: Layer<Hotspots>,
    pub density: Layer<DensityShown>,
    /// The incident tiles' URL template in use (`url`); the map holds
    /// the tiles.
    pub incidents: Layer<()>,
    pub labels: Layer<StreetLabels>,
    pub gistar: Layer<GiGrid>,
    pub emerging: Layer<EmergingLayer>,
    pub change: Layer<ChangeLayer>,
    pub clusters: Layer<ClusterLayer>,
    pub risk: Layer<RiskLayer>,
    /// The map's zoom when it last settled.
    pub view_zoom: f64,
    /// The last `/api/plan` answer (planner mode).
    pub plan: Layer<Plan>,
    /// Target-hardening mode (analyst).
    pub th: hardening::Hardening,
    /// The patterns card (temporal profile, near-repeat, which method).
    pub pt: patterns::Patterns,
    /// Interventions mode (partner: read; analyst: record, delete).
    pub iv: interventions::Interventions,
    pub ward_classes: Option<Classes>,
    pub ward_sort: crate::ward_table::Sort,
    pub density_legend: Option<Classes>,
    pub selected: Selected,
    pub details_generation: u32,
    /// The *Public version* box as the person left it (partners and above;
    /// the public role always gets the public briefing).
    pub briefing_public: bool,
    pub map_ready: bool,
    pub fitted: bool,
    pub slider_timer: Option<i32>,
    /// The area the hotspot and density layers are computed for (the view
    /// with a margin), `None` before the map has one.
    pub surface_bbox: Option<BBox>,
    /// Extra page parameters kept in the URL (`basemap=`).
    pub keep_params: Vec<(String, String)>,
    /// A shared link's view (`view=`) and ward (`ward=`), applied once the
    /// wards are drawn.
    pub start_camera: Option<Camera>,
    pub start_ward: Option<String>,
}

impl State {
    /// The state at start: the filters, data and role as read, the layers
    /// the page URL (`?layers=`) asks for, nothing loaded yet.
    pub fn new(
        f: Filters,
        months: Vec<String>,
        cat: Catalogue,
        session: Session,
        incidents_config: bool,
        page: &[(String, String)],
    ) -> State {
        let keep_params = page
            .iter()
            .filter(|(k, _)| k == "basemap" || k == "basemap_attribution")
            .cloned()
            .collect();
        let param = |k: &str| page.iter().find(|(p, _)| p == k).map(|(_, v)| v.as_str());
        let show = |k: &str, default: bool| {
            page.iter()
                .find(|(p, _)| p == "layers")
                .map(|(_, v)| v.split(',').any(|l| l == k))
                .unwrap_or(default)
        };
        State {
            f,
            months,
            cat,
            session,
            incidents_config,
            show_wards: show("wards", true),
            show_hotspots: show("hotspots", true),
            show_density: show("density", false),
            show_incidents: incidents_config && show("incidents", false),
            show_labels: show("labels", true),
            show_gistar: show("gistar", false),
            show_emerging: show("emerging", false),
            show_change: show("change", false),
            show_clusters: show("clusters", false),
            show_risk: show("risk", false),
            wards: Layer::default(),
            hotspots: Layer::default(),
            density: Layer::default(),
            incidents: Layer::default(),
            labels: Layer::default(),
            gistar: Layer::default(),
            emerging: Layer::default(),
            change: Layer::default(),
            clusters: Layer::default(),
            risk: Layer::default(),
            view_zoom: 0.0,
            plan: Layer::default(),
            th: hardening::Hardening::default(),
            pt: patterns::Patterns::default(),
            iv: interventions::Interventions::default(),
            ward_classes: None,
            ward_sort: Default::default(),
            density_legend: None,
            selected: Selected::default(),
            details_generation: 0,
            briefing_public: false,
            map_ready: false,
            fitted: false,
            slider_timer: None,
            surface_bbox: None,
            keep_params,
            start_camera: param("view").and_then(Camera::parse),
            start_ward: param("ward").filter(|c| !c.is_empty()).map(str::to_string),
        }
    }

    /// The role (and the deployment) allows the layer.
    pub fn allowed(&self, f: Feature) -> bool {
        self.session.can(f) && (f != Feature::Incidents || self.incidents_config)
    }

    /// The layer is wanted and allowed: drawn and fetched.
    pub fn on(&self, f: Feature) -> bool {
        self.allowed(f)
            && match f {
                Feature::Hotspots => self.show_hotspots,
                Feature::Density => self.show_density,
                Feature::Incidents => self.show_incidents,
                Feature::Gistar => self.show_gistar,
                Feature::Emerging => self.show_emerging,
                Feature::Change => self.show_change,
                Feature::Clusters => self.show_clusters,
                Feature::Risk => self.show_risk,
            }
    }
}

pub struct App {
    pub map: Map,
    pub st: RefCell<State>,
}

pub type AppRef = Rc<App>;
