//! MapLibre GL JS, driven through dynamic calls (see `js::call`): the map,
//! its offline style, sources and layers.

use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::js::{self, call, get, to_js};
use crate::classify;
use crate::view::{Camera, LABEL_MIN_ZOOM};

pub const FONT: &str = "Noto Sans Regular";
pub const FONT_BOLD: &str = "Noto Sans Bold";

/// OGL attribution, always shown on the map and on exported images.
pub const OGL: &str =
    "Contains public sector information licensed under the Open Government Licence v3.0";
/// Boundary attribution (ONS / OS) for ward boundaries.
pub const BOUNDARIES: &str =
    "Boundaries: Office for National Statistics (OGL v3.0); contains OS data © Crown copyright and database right";

/// Where a deployment's basemap comes from (`config.json` or `?basemap=`).
#[derive(Debug, Clone, Default)]
pub struct Basemap {
    /// A MapLibre style JSON URL, or a raster tile template with `{z}/{x}/{y}`.
    pub url: Option<String>,
    pub attribution: Option<String>,
}

impl Basemap {
    fn is_raster_template(&self) -> bool {
        self.url.as_deref().is_some_and(|u| u.contains("{z}"))
    }
}

/// The offline style: a plain background, local fonts for labels, and (if
/// configured) raster basemap tiles.
pub fn offline_style(origin: &str, basemap: &Basemap) -> Value {
    let mut sources = json!({});
    let mut layers = vec![json!({
        "id": "background", "type": "background",
        "paint": { "background-color": "#eef0f2" }
    })];
    if basemap.is_raster_template() {
        sources["basemap"] = json!({
            "type": "raster",
            "tiles": [basemap.url],
            "tileSize": 256,
            "maxzoom": 19,
            "attribution": basemap.attribution.clone().unwrap_or_default(),
        });
        layers.push(
            json!({ "id": "basemap", "type": "raster", "source": "basemap",
            "paint": { "raster-opacity": 0.9 } }),
        );
    }
    json!({
        "version": 8,
        "name": "Hotspot offline",
        "font-faces": font_faces(origin),
        "sources": sources,
        "layers": layers,
    })
}

fn font_faces(origin: &str) -> Value {
    json!({
        FONT: format!("{origin}/fonts/noto-sans-latin-400-normal.woff2"),
        FONT_BOLD: format!("{origin}/fonts/noto-sans-latin-700-normal.woff2"),
    })
}

/// A handle on the `maplibregl.Map`.
#[derive(Clone)]
pub struct Map {
    pub js: JsValue,
    origin: String,
}

impl Map {
    /// `new maplibregl.Map(...)` in the element `container`.
    pub fn new(container: &str, basemap: &Basemap) -> Result<Map, JsValue> {
        let origin = js::window().location().origin()?;
        let style = match &basemap.url {
            Some(u) if !basemap.is_raster_template() => JsValue::from_str(u),
            _ => to_js(&offline_style(&origin, basemap)),
        };
        let attribution = [Some(OGL.to_string()), Some(BOUNDARIES.to_string())]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
        let options = js::obj(&[
            ("container", JsValue::from_str(container)),
            ("style", style),
            ("center", to_js(&json!([-1.5, 52.5]))),
            ("zoom", JsValue::from_f64(6.0)),
            ("attributionControl", JsValue::FALSE),
            (
                "canvasContextAttributes",
                to_js(&json!({ "preserveDrawingBuffer": true, "antialias": true })),
            ),
            ("dragRotate", JsValue::FALSE),
            ("pitchWithRotate", JsValue::FALSE),
            ("maxPitch", JsValue::from_f64(0.0)),
            ("fadeDuration", JsValue::from_f64(0.0)),
        ]);
        let ns = get(&js_sys::global(), "maplibregl");
        let ctor: js_sys::Function = get(&ns, "Map").dyn_into().map_err(|_| {
            JsValue::from_str("MapLibre GL JS did not load (vendor/maplibre-gl.mjs)")
        })?;
        let args = js_sys::Array::of1(&options);
        let map = js_sys::Reflect::construct(&ctor, &args)?;
        let m = Map { js: map, origin };
        // Controls: zoom buttons, scale bar, attribution that never collapses.
        let control = |name: &str, opts: Value| -> Result<JsValue, JsValue> {
            let c: js_sys::Function = get(&ns, name).dyn_into()?;
            js_sys::Reflect::construct(&c, &js_sys::Array::of1(&to_js(&opts)))
        };
        let nav = control("NavigationControl", json!({ "showCompass": false }))?;
        call(&m.js, "addControl", &[nav, "top-right".into()])?;
        let scale = control("ScaleControl", json!({ "unit": "metric" }))?;
        call(&m.js, "addControl", &[scale, "bottom-right".into()])?;
        let mut custom = attribution;
        if let (Some(a), Some(_)) = (&basemap.attribution, &basemap.url) {
            if !basemap.is_raster_template() {
                custom.push(a.clone());
            }
        }
        let attrib = control(
            "AttributionControl",
            json!({ "compact": false, "customAttribution": custom }),
        )?;
        call(&m.js, "addControl", &[attrib, "bottom-right".into()])?;
        Ok(m)
    }

    /// When a remote basemap style is used: add the local fonts to it.
    pub fn add_local_fonts(&self) {
        let _ = call(
            &self.js,
            "setFontFaces",
            &[to_js(&font_faces(&self.origin))],
        );
    }

    /// Falls back to the offline style (a remote basemap failed to load).
    pub fn use_offline_style(&self) {
        let style = offline_style(&self.origin, &Basemap::default());
        let _ = call(&self.js, "setStyle", &[to_js(&style)]);
    }

    pub fn on(&self, event: &str, f: impl FnMut(JsValue) + 'static) {
        let c = Closure::<dyn FnMut(JsValue)>::new(f);
        let _ = call(&self.js, "on", &[event.into(), c.as_ref().clone()]);
        c.forget();
    }

    pub fn on_layer(&self, event: &str, layer: &str, f: impl FnMut(JsValue) + 'static) {
        let c = Closure::<dyn FnMut(JsValue)>::new(f);
        let _ = call(
            &self.js,
            "on",
            &[event.into(), layer.into(), c.as_ref().clone()],
        );
        c.forget();
    }

    pub fn once(&self, event: &str, f: impl FnOnce(JsValue) + 'static) {
        let c = Closure::once_into_js(f);
        let _ = call(&self.js, "once", &[event.into(), c]);
    }

    pub fn add_source(&self, id: &str, spec: &Value) -> Result<(), JsValue> {
        call(&self.js, "addSource", &[id.into(), to_js(spec)]).map(|_| ())
    }

    pub fn add_layer(&self, spec: &Value) -> Result<(), JsValue> {
        call(&self.js, "addLayer", &[to_js(spec)]).map(|_| ())
    }

    pub fn has_layer(&self, id: &str) -> bool {
        call(&self.js, "getLayer", &[id.into()]).is_ok_and(|v| !v.is_undefined() && !v.is_null())
    }

    pub fn source(&self, id: &str) -> Option<JsValue> {
        call(&self.js, "getSource", &[id.into()])
            .ok()
            .filter(|s| !s.is_undefined() && !s.is_null())
    }

    /// `setData` on a GeoJSON source.
    pub fn set_data(&self, source: &str, data: &JsValue) -> Result<(), JsValue> {
        let s = self.source(source).ok_or("no such source")?;
        call(&s, "setData", std::slice::from_ref(data)).map(|_| ())
    }

    pub fn set_paint(&self, layer: &str, prop: &str, value: &Value) {
        if let Err(e) = call(
            &self.js,
            "setPaintProperty",
            &[layer.into(), prop.into(), to_js(value)],
        ) {
            js::log_error(&format!(
                "setPaintProperty {layer} {prop}: {}",
                js::describe(&e)
            ));
        }
    }

    pub fn set_visible(&self, layer: &str, visible: bool) {
        let v = if visible { "visible" } else { "none" };
        let _ = call(
            &self.js,
            "setLayoutProperty",
            &[layer.into(), "visibility".into(), v.into()],
        );
    }

    pub fn set_filter(&self, layer: &str, filter: &Value) {
        let _ = call(&self.js, "setFilter", &[layer.into(), to_js(filter)]);
    }

    /// Fits `[w, s, e, n]` at once (no animation), leaving room on the
    /// left for the legend when the map is wide enough; never closer than
    /// street level (one planned site is a box of no size).
    pub fn fit(&self, b: [f64; 4]) {
        let width = self.canvas().map(|c| c.client_width()).unwrap_or(0);
        let left = if width > 760 { 280 } else { 20 };
        let padding = json!({ "top": 20, "bottom": 40, "right": 50, "left": left });
        let _ = call(
            &self.js,
            "fitBounds",
            &[
                to_js(&json!([[b[0], b[1]], [b[2], b[3]]])),
                to_js(&json!({ "padding": padding, "duration": 0, "maxZoom": 15.5 })),
            ],
        );
    }

    pub fn canvas(&self) -> Option<web_sys::HtmlCanvasElement> {
        call(&self.js, "getCanvas", &[])
            .ok()
            .and_then(|c| c.dyn_into().ok())
    }

    pub fn trigger_repaint(&self) {
        let _ = call(&self.js, "triggerRepaint", &[]);
    }

    pub fn ease_to_zoom(&self, center: &JsValue, zoom: f64) {
        let opts = js::obj(&[
            ("center", center.clone()),
            ("zoom", JsValue::from_f64(zoom)),
        ]);
        let _ = call(&self.js, "easeTo", &[opts]);
    }

    pub fn zoom(&self) -> f64 {
        call(&self.js, "getZoom", &[])
            .ok()
            .and_then(|z| z.as_f64())
            .unwrap_or(10.0)
    }

    pub fn set_cursor(&self, cursor: &str) {
        if let Ok(c) = call(&self.js, "getCanvas", &[]) {
            if let Some(el) = c.dyn_ref::<web_sys::HtmlElement>() {
                let _ = el.style().set_property("cursor", cursor);
            }
        }
    }

    /// Adds Hotspot's sources and layers (empty until data arrives);
    /// `incident_tiles` is the incident tiles' URL template for the
    /// filters at start (MapLibre asks for tiles only while the layers
    /// show).
    pub fn add_hotspot_layers(&self, incident_tiles: &str) -> Result<(), JsValue> {
        let empty = json!({ "type": "FeatureCollection", "features": [] });
        let geojson = |extra: Value| {
            let mut s = json!({ "type": "geojson", "data": empty.clone() });
            if let (Some(o), Some(e)) = (s.as_object_mut(), extra.as_object()) {
                for (k, v) in e {
                    o.insert(k.clone(), v.clone());
                }
            }
            s
        };
        self.add_source("wards", &geojson(json!({ "promoteId": "code" })))?;
        self.add_source("hotspots", &geojson(json!({})))?;
        self.add_source("labels", &geojson(json!({})))?;
        self.add_source("emerging", &geojson(json!({})))?;
        self.add_source("change", &geojson(json!({})))?;
        self.add_source("risk", &geojson(json!({})))?;
        self.add_source("clusters", &geojson(json!({})))?;
        // Incident points as vector tiles: only what is in view, clustered
        // by the service below street zoom (its zoom 15).
        self.add_source(
            "incidents",
            &json!({ "type": "vector", "tiles": [incident_tiles], "minzoom": 0, "maxzoom": 16 }),
        )?;
        let grey = classify::NO_DATA;
        let ward_fade = ward_fade();
        // The hatch drawn over wards whose value is withheld (public role).
        let size = 8u32;
        let pixels = js_sys::Uint8Array::from(&classify::hatch_rgba(size as usize)[..]);
        call(
            &self.js,
            "addImage",
            &[
                classify::HATCH_IMAGE.into(),
                js::obj(&[
                    ("width", JsValue::from(size)),
                    ("height", JsValue::from(size)),
                    ("data", pixels.into()),
                ]),
            ],
        )?;
        let layers = [
            // Ward shading fades towards street zoom, where streets and
            // hotspots matter and a ward is bigger than the screen.
            json!({ "id": "wards-fill", "type": "fill", "source": "wards",
                "paint": { "fill-color": grey, "fill-opacity": ward_fade } }),
            json!({ "id": "wards-suppressed", "type": "fill", "source": "wards",
                "filter": ["boolean", false],
                "paint": { "fill-pattern": classify::HATCH_IMAGE, "fill-opacity": ward_fade } }),
            // (density-raster goes here, added with its first image, and
            // gistar-raster, the Gi* cells: under the hotspot areas, as the
            // two answer different questions and the areas' outlines stay
            // readable)
            json!({ "id": "emerging-fill", "type": "fill", "source": "emerging",
                "layout": { "visibility": "none" },
                "paint": { "fill-color": crate::emerging::fill_expression(), "fill-opacity": 0.75 } }),
            json!({ "id": "emerging-line", "type": "line", "source": "emerging",
                "layout": { "visibility": "none" },
                "filter": ["!=", ["get", "class"], "no_pattern"],
                "paint": { "line-color": "#ffffff", "line-width": 0.3 } }),
            json!({ "id": "change-fill", "type": "fill", "source": "change",
                "layout": { "visibility": "none" },
                "paint": { "fill-color": crate::change::fill_expression(),
                    "fill-opacity": crate::change::opacity_expression() } }),
            json!({ "id": "risk-fill", "type": "fill", "source": "risk",
                "layout": { "visibility": "none" },
                "paint": { "fill-color": crate::risk::fill_expression(), "fill-opacity": 0.7 } }),
            json!({ "id": "clusters-fill", "type": "fill", "source": "clusters",
                "layout": { "visibility": "none" },
                "paint": { "fill-color": crate::clusters::FILL, "fill-opacity": 0.35 } }),
            json!({ "id": "clusters-line", "type": "line", "source": "clusters",
                "layout": { "visibility": "none" },
                "paint": { "line-color": crate::clusters::LINE, "line-width": 1.5 } }),
            json!({ "id": "hotspots-fill", "type": "fill", "source": "hotspots",
                "paint": { "fill-color": classify::hotspot_expression(), "fill-opacity": 0.55 } }),
            json!({ "id": "wards-line", "type": "line", "source": "wards",
                "paint": { "line-color": "#3a3a3a", "line-width": 1.0 } }),
            json!({ "id": "wards-priority", "type": "line", "source": "wards",
                "filter": ["==", ["get", "priority"], true],
                "paint": { "line-color": "#000000", "line-width": 2.5, "line-dasharray": [2, 1] } }),
            json!({ "id": "hotspots-line", "type": "line", "source": "hotspots",
                "paint": { "line-color": "#3f007d", "line-width": 1.2 } }),
            json!({ "id": "hotspots-selected", "type": "line", "source": "hotspots",
                "filter": ["==", ["get", "top_percent"], -1],
                "paint": { "line-color": "#000000", "line-width": 3 } }),
            json!({ "id": "wards-selected-casing", "type": "line", "source": "wards",
                "filter": ["==", ["get", "code"], ""],
                "paint": { "line-color": "#ffffff", "line-width": 7 } }),
            json!({ "id": "wards-selected", "type": "line", "source": "wards",
                "filter": ["==", ["get", "code"], ""],
                "paint": { "line-color": "#000000", "line-width": 3.5 } }),
            json!({ "id": "incidents-clusters", "type": "circle", "source": "incidents",
                "source-layer": "incidents",
                "filter": ["has", "point_count"],
                "layout": { "visibility": "none" },
                "paint": {
                    "circle-color": "#3d5a80",
                    "circle-opacity": 0.85,
                    "circle-radius": ["step", ["get", "point_count"], 12, 20, 16, 100, 21, 500, 27],
                    "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 } }),
            json!({ "id": "incidents-count", "type": "symbol", "source": "incidents",
                "source-layer": "incidents",
                "filter": ["has", "point_count"],
                "layout": { "visibility": "none",
                    "text-field": ["case", [">=", ["get", "point_count"], 1000],
                        ["concat", ["to-string", ["round", ["/", ["get", "point_count"], 1000]]], "k"],
                        ["to-string", ["get", "point_count"]]],
                    "text-font": [FONT_BOLD], "text-size": 12, "text-allow-overlap": true },
                "paint": { "text-color": "#ffffff" } }),
            // A map point (police.uk stacks incidents on them): sized by its count.
            json!({ "id": "incidents-points", "type": "circle", "source": "incidents",
                "source-layer": "incidents",
                "filter": ["!", ["has", "point_count"]],
                "layout": { "visibility": "none" },
                "paint": { "circle-color": "#1d2b3a",
                    "circle-radius": ["interpolate", ["linear"], ["get", "count"], 1, 4.5, 50, 11],
                    "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.2 } }),
            // police.uk's map points at street zoom: a dot sized by its
            // incidents and its street, busiest placed first.
            json!({ "id": "labels-dot", "type": "circle", "source": "labels", "minzoom": LABEL_MIN_ZOOM,
                "paint": { "circle-color": "#1d2b3a", "circle-opacity": 0.75,
                    "circle-radius": ["interpolate", ["linear"], ["get", "incidents"], 1, 2.5, 50, 8] } }),
            json!({ "id": "clusters-count", "type": "symbol", "source": "clusters",
                "layout": { "visibility": "none", "text-field": ["to-string", ["get", "count"]],
                    "text-font": [FONT], "text-size": 11, "symbol-sort-key": ["get", "rank"] },
                "paint": { "text-color": crate::clusters::LINE, "text-halo-color": "#ffffff", "text-halo-width": 1.4 } }),
            json!({ "id": "labels-text", "type": "symbol", "source": "labels", "minzoom": LABEL_MIN_ZOOM,
                "layout": {
                    "text-field": ["case", [">", ["get", "incidents"], 1],
                        ["concat", ["get", "street"], " (", ["to-string", ["get", "incidents"]], ")"],
                        ["get", "street"]],
                    "text-font": [FONT], "text-size": 11, "text-anchor": "top", "text-offset": [0, 0.6],
                    "text-max-width": 9, "symbol-sort-key": ["-", 0, ["get", "incidents"]] },
                "paint": { "text-color": "#2b2b2b", "text-halo-color": "#ffffff", "text-halo-width": 1.4 } }),
            json!({ "id": "wards-label", "type": "symbol", "source": "wards",
                "layout": { "text-field": ["get", "name"], "text-font": [FONT], "text-size": 12,
                    "text-max-width": 8, "text-padding": 2 },
                "paint": { "text-color": "#1b1b1b", "text-halo-color": "#ffffff", "text-halo-width": 1.6 } }),
        ];
        for l in &layers {
            self.add_layer(l)?;
        }
        self.add_plan_layers()
    }

    /// The planner's source and layers (above everything else): coverage
    /// circles (translucent orange, with an outline), the naive ward-centre
    /// sites (hollow grey rings) and the plan's sites (numbered purple
    /// discs). Orange and purple stay distinct with every colour-vision
    /// deficiency.
    fn add_plan_layers(&self) -> Result<(), JsValue> {
        let empty = json!({ "type": "FeatureCollection", "features": [] });
        self.add_source("plan", &json!({ "type": "geojson", "data": empty }))?;
        let kind = |k: &str| json!(["==", ["get", "kind"], k]);
        for l in [
            json!({ "id": "plan-coverage", "type": "fill", "source": "plan", "filter": kind("coverage"),
                "paint": { "fill-color": crate::plan::COVERAGE_COLOUR, "fill-opacity": 0.22 } }),
            json!({ "id": "plan-coverage-line", "type": "line", "source": "plan", "filter": kind("coverage"),
                "paint": { "line-color": "#b35806", "line-width": 1.5 } }),
            json!({ "id": "plan-naive", "type": "circle", "source": "plan", "filter": kind("naive"),
                "paint": { "circle-color": "rgba(0,0,0,0)", "circle-radius": 8,
                    "circle-stroke-color": crate::plan::NAIVE_COLOUR, "circle-stroke-width": 2.5 } }),
            json!({ "id": "plan-sites", "type": "circle", "source": "plan", "filter": kind("site"),
                "paint": { "circle-color": crate::plan::SITE_COLOUR, "circle-radius": 11,
                    "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 } }),
            json!({ "id": "plan-sites-label", "type": "symbol", "source": "plan", "filter": kind("site"),
                "layout": { "text-field": ["to-string", ["get", "rank"]], "text-font": [FONT_BOLD],
                    "text-size": 12, "text-allow-overlap": true, "text-ignore-placement": true },
                "paint": { "text-color": "#ffffff" } }),
        ] {
            self.add_layer(&l)?;
        }
        self.add_action_layers()
    }

    /// Target hardening and interventions (above the plan): the logged
    /// intervention areas (teal), the evaluated one's comparison area
    /// (dashed blue), displacement buffer (orange) and target (black), the
    /// draft circle of the form, and the numbered places to visit (brown).
    fn add_action_layers(&self) -> Result<(), JsValue> {
        use crate::interventions as iv;
        let empty = json!({ "type": "FeatureCollection", "features": [] });
        for id in ["interventions", "evaluation", "iv-draft", "hardening"] {
            self.add_source(id, &json!({ "type": "geojson", "data": empty }))?;
        }
        let role = |r: &str| json!(["==", ["get", "role"], r]);
        let kind = |k: &str| json!(["==", ["get", "kind"], k]);
        let kinds = |k: &[&str]| json!(["match", ["get", "kind"], k, true, false]);
        for l in [
            json!({ "id": "iv-fill", "type": "fill", "source": "interventions", "filter": kind("area"),
                "paint": { "fill-color": iv::AREA_COLOUR, "fill-opacity": 0.25 } }),
            json!({ "id": "iv-line", "type": "line", "source": "interventions", "filter": kind("area"),
                "paint": { "line-color": iv::AREA_LINE, "line-width": 1.5 } }),
            json!({ "id": "iv-selected", "type": "line", "source": "interventions",
                "filter": ["all", kind("area"), ["==", ["get", "id"], -1]],
                "paint": { "line-color": iv::AREA_LINE, "line-width": 4 } }),
            json!({ "id": "eval-control", "type": "fill", "source": "evaluation", "filter": role("control"),
                "paint": { "fill-color": iv::CONTROL_COLOUR, "fill-opacity": 0.15 } }),
            json!({ "id": "eval-control-line", "type": "line", "source": "evaluation", "filter": role("control"),
                "paint": { "line-color": iv::CONTROL_COLOUR, "line-width": 2.5, "line-dasharray": [3, 2] } }),
            json!({ "id": "eval-buffer", "type": "fill", "source": "evaluation", "filter": role("buffer"),
                "paint": { "fill-color": iv::BUFFER_COLOUR, "fill-opacity": 0.3 } }),
            json!({ "id": "eval-buffer-line", "type": "line", "source": "evaluation", "filter": role("buffer"),
                "paint": { "line-color": "#b35806", "line-width": 1.5 } }),
            json!({ "id": "eval-target", "type": "line", "source": "evaluation", "filter": role("target"),
                "paint": { "line-color": iv::TARGET_COLOUR, "line-width": 3 } }),
            json!({ "id": "iv-label", "type": "symbol", "source": "interventions", "filter": kind("label"),
                "layout": { "text-field": ["get", "name"], "text-font": [FONT_BOLD], "text-size": 12,
                    "text-max-width": 10 },
                "paint": { "text-color": iv::AREA_LINE, "text-halo-color": "#ffffff", "text-halo-width": 1.8 } }),
            json!({ "id": "iv-draft-fill", "type": "fill", "source": "iv-draft", "filter": kinds(&["circle", "area"]),
                "paint": { "fill-color": iv::AREA_COLOUR, "fill-opacity": 0.2 } }),
            json!({ "id": "iv-draft-line", "type": "line", "source": "iv-draft",
                "filter": kinds(&["circle", "area", "path"]),
                "paint": { "line-color": "#000000", "line-width": 2, "line-dasharray": [2, 2] } }),
            // The site, or the drawn area's corners (the first one larger:
            // clicking it finishes the area).
            json!({ "id": "iv-draft-site", "type": "circle", "source": "iv-draft", "filter": kinds(&["site", "vertex"]),
                "paint": { "circle-color": "#000000",
                    "circle-radius": ["case", ["==", ["get", "first"], true], 7, 5],
                    "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 } }),
            json!({ "id": "th-selected", "type": "circle", "source": "hardening",
                "filter": ["==", ["get", "rank"], -1],
                "paint": { "circle-color": "rgba(0,0,0,0)", "circle-radius": 15,
                    "circle-stroke-color": "#000000", "circle-stroke-width": 3 } }),
            json!({ "id": "th-points", "type": "circle", "source": "hardening",
                "paint": { "circle-color": crate::hardening::COLOUR, "circle-radius": 10,
                    "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 } }),
            json!({ "id": "th-labels", "type": "symbol", "source": "hardening",
                "layout": { "text-field": ["to-string", ["get", "rank"]], "text-font": [FONT_BOLD],
                    "text-size": 11, "text-allow-overlap": true, "text-ignore-placement": true },
                "paint": { "text-color": "#ffffff" } }),
        ] {
            self.add_layer(&l)?;
        }
        Ok(())
    }

    /// Jumps to `c` (no animation).
    pub fn jump_to(&self, c: Camera) {
        let opts = js::obj(&[
            ("center", to_js(&json!([c.lon, c.lat]))),
            ("zoom", JsValue::from_f64(c.zoom)),
        ]);
        let _ = call(&self.js, "jumpTo", &[opts]);
    }

    /// Where the map looks.
    pub fn camera(&self) -> Option<Camera> {
        let (lon, lat) = self.center()?;
        Some(Camera {
            lon,
            lat,
            zoom: self.zoom(),
        })
    }

    /// Flies to `(lon, lat)`, zooming in to at least `zoom`.
    pub fn fly_to(&self, lon: f64, lat: f64, zoom: f64) {
        let opts = js::obj(&[
            ("center", to_js(&json!([lon, lat]))),
            ("zoom", JsValue::from_f64(self.zoom().max(zoom))),
            ("duration", JsValue::from_f64(800.0)),
        ]);
        let _ = call(&self.js, "flyTo", &[opts]);
    }

    /// `(lon, lat)` of the map's centre.
    pub fn center(&self) -> Option<(f64, f64)> {
        let c = call(&self.js, "getCenter", &[]).ok()?;
        Some((get(&c, "lng").as_f64()?, get(&c, "lat").as_f64()?))
    }

    /// Shows a grid as an image pinned at its corners: a new image for
    /// `pinned`'s source, whose layer is added with the first one.
    pub fn set_image(
        &self,
        pinned: &PinnedImage,
        image: &JsValue,
        corners: &Value,
        visible: bool,
    ) -> Result<(), JsValue> {
        let coords = to_js(corners);
        match self.source(pinned.source) {
            Some(s) => {
                call(
                    &s,
                    "updateImage",
                    &[js::obj(&[
                        ("image", image.clone()),
                        ("coordinates", coords),
                    ])],
                )?;
            }
            None => {
                call(
                    &self.js,
                    "addSource",
                    &[
                        pinned.source.into(),
                        js::obj(&[("type", "image".into()), ("coordinates", coords)]),
                    ],
                )?;
                let s = self.source(pinned.source).ok_or("image source")?;
                call(&s, "updateImage", &[js::obj(&[("image", image.clone())])])?;
                let layer = json!({ "id": pinned.layer, "type": "raster", "source": pinned.source,
                    "paint": { "raster-opacity": pinned.opacity, "raster-resampling": pinned.resampling,
                        "raster-fade-duration": 0 } });
                call(&self.js, "addLayer", &[to_js(&layer), pinned.before.into()])?;
            }
        }
        self.set_visible(pinned.layer, visible);
        Ok(())
    }

    /// Features under a screen point in `layers`, as serde_json.
    pub fn features_at(&self, point: &JsValue, layers: &[&str]) -> Vec<Value> {
        let opts = to_js(
            &json!({ "layers": layers.iter().filter(|l| self.has_layer(l)).collect::<Vec<_>>() }),
        );
        match call(&self.js, "queryRenderedFeatures", &[point.clone(), opts]) {
            Ok(arr) => {
                let arr: js_sys::Array = arr.unchecked_into();
                arr.iter()
                    .map(|f| {
                        json!({
                            "layer": js::from_js(&get(&get(&f, "layer"), "id")),
                            "properties": js::from_js(&get(&f, "properties")),
                            "geometry": js::from_js(&get(&f, "geometry")),
                            "id": js::from_js(&get(&f, "id")),
                        })
                    })
                    .collect()
            }
            Err(_) => Vec::new(),
        }
    }

    /// Zooms into a cluster (`getClusterExpansionZoom` returns a promise).
    /// Points a vector source at a new tile URL template (the filters
    /// changed): MapLibre drops its tiles and asks again for those in view.
    pub fn set_tiles(&self, source: &str, template: &str) -> Result<(), JsValue> {
        let s = self.source(source).ok_or("no such source")?;
        let tiles = js_sys::Array::of1(&JsValue::from_str(template));
        call(&s, "setTiles", &[tiles.into()]).map(|_| ())
    }
}

/// A grid drawn as an image pinned at its corners: its source and layer,
/// the layer it is drawn under, and how.
pub struct PinnedImage {
    pub source: &'static str,
    pub layer: &'static str,
    pub before: &'static str,
    pub opacity: f64,
    /// `linear` (a smooth surface) or `nearest` (cells with sharp edges,
    /// in their exact colours).
    pub resampling: &'static str,
}

/// The density surface, under the hotspot areas.
pub const DENSITY_IMAGE: PinnedImage = PinnedImage {
    source: "density",
    layer: "density-raster",
    before: "hotspots-fill",
    opacity: 0.8,
    resampling: "linear",
};

/// The Gi* cells, where their polygons were: under the emerging hot spots
/// (and so under the hotspot areas).
pub const GISTAR_IMAGE: PinnedImage = PinnedImage {
    source: "gistar",
    layer: "gistar-raster",
    before: "emerging-fill",
    opacity: 0.7,
    resampling: "nearest",
};

/// The ward shading's opacity: it fades towards street zoom, where streets
/// and hotspots matter and a ward is bigger than the screen.
pub fn ward_fade() -> Value {
    json!(["interpolate", ["linear"], ["zoom"], 12, 0.8, 15, 0.25])
}
