// How long the hotspot (and density) layers take to follow the map: from
// the map settling (`moveend`) to the map drawn idle with the new layer,
// in Debian's headless Chromium at 1366 × 768, for a run of views from the
// county to street level and back. Every view is new to the server (cold
// cache), as when an officer first looks somewhere.
//
//   HOTSPOT_URL=http://127.0.0.1:8080 node frontend/tests/view-latency.mjs
//
// Run by scripts/view-latency.sh on the real Northamptonshire data; prints
// a Markdown table, after the cold-load time to the first map. LAYERS (default `wards,hotspots`; add `density`) and
// CENTRE (`lon,lat`, default Northampton town centre) change the run.
import { chromium } from 'playwright-core';

const BASE = process.env.HOTSPOT_URL;
const LAYERS = process.env.LAYERS || 'wards,hotspots';
const [LON, LAT] = (process.env.CENTRE || '-0.8960,52.2378').split(',').map(Number);
if (!BASE) throw new Error('HOTSPOT_URL is required');

/** `[label, camera]`: county, district, town, centre, street, pans, back out. */
const VIEWS = [
  ['district (zoom 11)', { center: [LON, LAT], zoom: 11 }],
  ['town (zoom 13)', { center: [LON, LAT], zoom: 13 }],
  ['town centre (zoom 15)', { center: [LON, LAT], zoom: 15 }],
  ['street (zoom 16.5)', { center: [LON, LAT], zoom: 16.5 }],
  ['street, panned 1 km east', { center: [LON + 0.0147, LAT], zoom: 16.5 }],
  ['street, panned 1 km north', { center: [LON + 0.0147, LAT + 0.009], zoom: 16.5 }],
  ['town, elsewhere (zoom 13)', { center: [LON - 0.05, LAT + 0.03], zoom: 13 }],
  ['county (zoom 9.5)', { center: [LON + 0.1, LAT + 0.15], zoom: 9.5 }],
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(`${BASE}/?layers=${LAYERS}`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__hotspot && window.__hotspot.ready === true
    && window.__hotspot.hotspotsUrl, null, { timeout: 60000 });
  const firstMap = await page.evaluate(() => window.__hotspot.firstMapMs);
  console.log(`cold load to the first map (wards drawn): ${Math.round(firstMap)} ms after navigation start`);
  await page.waitForTimeout(1000);
  const rows = [];
  for (const [label, camera] of VIEWS) {
    const r = await page.evaluate((cam) => new Promise((resolve) => {
      const map = window.__map;
      const h = window.__hotspot;
      const drawnBefore = h.surfaceDrawnMs || 0;
      const give = (what) => resolve({ what, ...measure() });
      function measure() {
        const url = h.hotspotsUrl || '';
        const q = new URLSearchParams(url.split('?')[1] || '');
        const entry = performance.getEntriesByType('resource')
          .filter((e) => e.name.endsWith(url)).pop();
        return {
          url,
          bbox: q.get('bbox'),
          server: entry ? entry.responseEnd - entry.requestStart : null,
        };
      }
      const timeout = setTimeout(() => give('timeout'), 20000);
      map.once('moveend', () => {
        const moved = performance.now();
        // Wait for the new layer, then for the map to draw it.
        const poll = () => {
          if ((h.surfaceDrawnMs || 0) > drawnBefore) {
            const drawn = h.surfaceDrawnMs - moved;
            map.once('idle', () => {
              clearTimeout(timeout);
              resolve({ what: 'new', settle: performance.now() - moved, drawn, ...measure() });
            });
            map.triggerRepaint();
          } else if (performance.now() - moved > 2000) {
            clearTimeout(timeout);
            give('reused');
          } else {
            setTimeout(poll, 5);
          }
        };
        poll();
      });
      map.jumpTo(cam);
    }), camera);
    rows.push({ label, ...r });
    await page.waitForTimeout(300);
  }
  console.log('| View | Surface | Map settled → layer drawn and idle | → data handed to the map | the request |');
  console.log('|---|---|---|---|---|');
  const ms = (v) => (v == null ? '–' : `${Math.round(v)} ms`);
  for (const r of rows) {
    const what = r.what === 'new' ? `new (bbox ${r.bbox})` : r.what;
    console.log(`| ${r.label} | ${what} | ${ms(r.settle)} | ${ms(r.drawn)} | ${ms(r.what === 'new' ? r.server : null)} |`);
  }
  if (rows.some((r) => r.what === 'timeout')) process.exitCode = 1;
} finally {
  await browser.close();
}
