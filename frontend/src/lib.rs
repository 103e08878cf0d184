//! Hotspot's map client.
//!
//! Rust compiled to WebAssembly drives MapLibre GL JS (served by the backend
//! from `frontend/dist`, see `README.md`) and consumes only the public HTTP
//! API. The crate splits in two:
//!
//! * target-independent logic that builds and is unit-tested on the host:
//!   [`filters`] (the user's selection and the API query strings it makes),
//!   [`classify`] (class breaks, colour-blind-safe palettes, MapLibre style
//!   expressions, legends), [`export`] (CSV from GeoJSON), [`chart`] (the
//!   ward trend chart as SVG), [`panels`] (side-panel and legend HTML),
//!   [`plan`] (planner mode: the `/api/plan` body, result panel and CSV),
//!   [`hardening`] (target-hardening mode: the query, the ranked visit
//!   list and its points), [`interventions`] (the intervention log, the
//!   form that records one, its circle preview and the evaluation panel),
//!   [`briefing`] (the ward briefing download link), [`view`] (the area
//!   the hotspot and density layers are computed for), [`ward_table`]
//!   (every ward, ranked and sortable), [`gistar`] (the Gi* layer's classes,
//!   image, legend and words), [`pinned`] (which pixel of an image pinned
//!   at four corners a point is on), [`temporal`], [`knox`] and [`methods`] (the
//!   patterns card: the temporal profile, near-repeat and which method
//!   predicts best), [`change`], [`clusters`] and [`risk`] (the change map,
//!   DBSCAN clusters and relative-risk layers), [`format`]
//!   (numbers for people);
//! * the browser glue (`web`, compiled only for `wasm32`): MapLibre
//!   bindings, the page's controls and panels, fetching and downloads.

pub mod access;
pub mod briefing;
pub mod change;
pub mod chart;
pub mod classify;
pub mod clusters;
pub mod emerging;
pub mod export;
pub mod filters;
pub mod format;
pub mod gistar;
pub mod hardening;
pub mod interventions;
pub mod knox;
pub mod methods;
pub mod panels;
pub mod pinned;
pub mod plan;
pub mod risk;
pub mod temporal;
pub mod view;
pub mod ward_table;

#[cfg(test)]
mod testing;

#[cfg(target_arch = "wasm32")]
mod web;
