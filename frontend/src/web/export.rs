//! The export box: CSV or GeoJSON of a layer (the loaded data, or the
//! API's answer for a layer not loaded), and the map view as a PNG.

use std::borrow::Cow;

use serde_json::Value;

use super::js::{self, fetch_text, select};
use super::layers::MAX_POINTS;
use super::state::AppRef;
use super::{debug_set, legend, png, set_status, status_error};
use crate::access::Feature;
use crate::export::feature_collection_csv;
use hotspot_api::Role;
use wasm_bindgen::JsValue;

/// A layer's data for an export: the loaded answer, or the API's text.
enum Data {
    Loaded(Value),
    Fetched(String),
}

impl Data {
    fn text(&self) -> Cow<'_, str> {
        match self {
            Data::Loaded(v) => Cow::Owned(v.to_string()),
            Data::Fetched(t) => Cow::Borrowed(t),
        }
    }

    fn value(self) -> Result<Value, String> {
        match self {
            Data::Loaded(v) => Ok(v),
            Data::Fetched(t) => serde_json::from_str(&t).map_err(|e| e.to_string()),
        }
    }
}

/// The CSV's leading columns for `layer` (the others follow).
fn csv_columns(layer: &str) -> &'static [&'static str] {
    match layer {
        "wards" => &[
            "code",
            "name",
            "population",
            "count",
            "rate_per_1000",
            "annual_rate_per_1000",
            "comparison_count",
            "change",
            "change_pct",
        ],
        "hotspots" => &["top_percent", "threshold", "area_km2", "incidents", "share"],
        "incidents" => &[
            "category", "source", "month", "date", "time", "location", "ward",
        ],
        "change" => &[
            "class",
            "n_before",
            "n_after",
            "change",
            "rate_ratio",
            "p_adjusted",
        ],
        "clusters" => &["rank", "count", "core_count", "locations", "area_km2"],
        "risk" => &[
            "ratio",
            "masked",
            "numerator_density",
            "denominator_density",
        ],
        _ => &["density", "col", "row"],
    }
}

/// The loaded data of `layer`, if it is loaded (the density grid never is
/// in the exported form: its cells come from the API).
fn loaded(app: &AppRef, layer: &str) -> Option<Value> {
    let st = app.st.borrow();
    let json = |v: Result<Value, serde_json::Error>| v.ok();
    match layer {
        "wards" => st
            .wards
            .data
            .as_ref()
            .and_then(|d| json(serde_json::to_value(d))),
        "hotspots" => st
            .hotspots
            .data
            .as_ref()
            .and_then(|d| json(serde_json::to_value(d))),
        "change" => st
            .change
            .data
            .as_ref()
            .and_then(|d| json(serde_json::to_value(d))),
        "clusters" => st
            .clusters
            .data
            .as_ref()
            .and_then(|d| json(serde_json::to_value(d))),
        "risk" => st
            .risk
            .data
            .as_ref()
            .and_then(|d| json(serde_json::to_value(d))),
        _ => None,
    }
}

/// Asks the API for `layer` under the current filters.
async fn fetch(app: &AppRef, layer: &str) -> Result<String, String> {
    set_status("Preparing the export…");
    let url = {
        let st = app.st.borrow();
        match layer {
            "wards" => st.f.wards_url(),
            "hotspots" => st.f.hotspots_url(st.surface_bbox),
            "incidents" => st.f.incidents_url(MAX_POINTS),
            "change" => {
                st.f.change_url()
                    .ok_or("choose a period of whole months first")?
            }
            "clusters" => st.f.clusters_url(),
            "risk" => st.f.risk_url(),
            _ => {
                let min = st.density.data.as_ref().map_or(0.0, |d| d.min_shown);
                st.f.density_url(st.surface_bbox, min)
            }
        }
    };
    fetch_text(&url).await
}

/// The layers the page draws, whose CSV and GeoJSON it writes itself; the
/// others come from the service's files.
const DRAWN: [&str; 7] = [
    "wards",
    "hotspots",
    "density",
    "incidents",
    "change",
    "clusters",
    "risk",
];

/// CSV or GeoJSON of the layer chosen in the export box.
pub async fn export_layer(app: &AppRef, geojson: bool) {
    let layer = select("x-layer").value();
    if !DRAWN.contains(&layer.as_str()) {
        return export_file(app, if geojson { "json" } else { "csv" });
    }
    if let Some(f) = Feature::ALL.into_iter().find(|f| f.key() == layer) {
        if !app.st.borrow().allowed(f) {
            return status_error(&format!("Export: {}", f.locked_note()));
        }
    }
    let stem = {
        let st = app.st.borrow();
        format!("hotspot-{layer}-{}", st.f.period().replace("..", "_"))
    };
    let data = match loaded(app, &layer) {
        Some(v) => Data::Loaded(v),
        // Not loaded (layer off) or density: ask the API.
        None => match fetch(app, &layer).await {
            Ok(t) => Data::Fetched(t),
            Err(e) => return status_error(&format!("Export: {e}")),
        },
    };
    let result = if geojson {
        js::download_text(
            &format!("{stem}.geojson"),
            "application/geo+json",
            &data.text(),
        )
    } else {
        match data.value() {
            Ok(v) => js::download_text(
                &format!("{stem}.csv"),
                "text/csv;charset=utf-8",
                &feature_collection_csv(&v, csv_columns(&layer)),
            ),
            Err(e) => return status_error(&format!("Export: {e}")),
        }
    };
    match result {
        Ok(()) => set_status(&format!(
            "Exported {} as {}",
            layer,
            if geojson { "GeoJSON" } else { "CSV" }
        )),
        Err(e) => status_error(&format!("Export: {}", js::describe(&e))),
    }
}

/// The layer chosen in the export box as a file the service writes with
/// its attribution inside: a GeoPackage (or CSV) of any layer, or a
/// GeoTIFF: Gi* z-scores when Gi* is chosen, else the density in view.
pub fn export_file(app: &AppRef, format: &str) {
    let layer = select("x-layer").value();
    if let Some(f) = Feature::ALL.into_iter().find(|f| f.key() == layer) {
        if !app.st.borrow().allowed(f) {
            return status_error(&format!("Export: {}", f.locked_note()));
        }
    }
    let (url, name) = {
        let st = app.st.borrow();
        let stem = format!("hotspot-{layer}-{}", st.f.period().replace("..", "_"));
        match format {
            "geotiff" if layer == "gistar" => (
                st.f.layer_file_url("gistar", "geotiff"),
                format!("{stem}.tif"),
            ),
            "geotiff" => (
                st.f.density_geotiff_url(st.surface_bbox),
                format!("hotspot-density-{}.tif", st.f.period().replace("..", "_")),
            ),
            // GeoJSON of a layer the page does not draw: every feature.
            "json" => (
                format!("{}&limit=10000", st.f.layer_file_url(&layer, "json")),
                format!("{stem}.geojson"),
            ),
            _ => (
                st.f.layer_file_url(&layer, format),
                format!("{stem}.{format}"),
            ),
        }
    };
    debug_set("exportUrl", &JsValue::from_str(&url));
    match js::download_url(&name, &url) {
        Ok(()) => set_status(&format!("Downloading {name}")),
        Err(e) => status_error(&format!("Export: {}", js::describe(&e))),
    }
}

pub fn export_png(app: &AppRef) {
    let (title, legend_rows, marked) = {
        let st = app.st.borrow();
        let title = st.f.describe(st.cat.group_name(&st.f.group));
        // Above the public role nothing is suppressed: mark the image.
        let marked = st.session.role > Role::Public;
        (title, legend::png_rows(&st), marked)
    };
    debug_set("pngMarked", &JsValue::from_bool(marked));
    let m = app.map.clone();
    // Draw from a freshly rendered frame.
    m.clone().once("render", move |_| {
        let marking = marked.then_some(png::NOT_FOR_PUBLICATION);
        match png::compose(&m, &title, &legend_rows, marking) {
            Ok(url) => {
                let _ = js::download_url("hotspot-map.png", &url);
                set_status("Map image exported");
            }
            Err(e) => status_error(&format!("PNG export: {}", js::describe(&e))),
        }
    });
    app.map.trigger_repaint();
}
