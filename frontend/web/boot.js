// Loads MapLibre GL JS (served locally, never from a CDN), exposes it as
// globalThis.maplibregl for the Rust bindings, then starts the WebAssembly
// client. Module imports are evaluated before this body runs.
import * as maplibregl from './vendor/maplibre-gl.mjs';
import init from './pkg/hotspot_frontend.js';

globalThis.maplibregl = maplibregl;
// pmtiles:// sources: a basemap archive the service hosts itself, read
// with HTTP Range requests (vendor/pmtiles.js, loaded before this module).
if (globalThis.pmtiles) {
  maplibregl.addProtocol('pmtiles', new globalThis.pmtiles.Protocol().tile);
}
init({ module_or_path: new URL('./pkg/hotspot_frontend_bg.wasm', import.meta.url) }).catch((e) => {
  const status = document.getElementById('status');
  if (status) status.textContent = 'The map client failed to start: ' + e;
  console.error(e);
});
