//! Hotspot's map client.
//!
//! The WebAssembly map client is its own issue; until it lands this crate
//! holds the static start page (`static/index.html`) that the backend serves
//! at `/`, listing the API a browser, QGIS or a script can use.
