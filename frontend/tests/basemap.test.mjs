// The self-hosted basemap in the browser: `hotspot serve --basemap
// FILE.pmtiles` on the sample data with the archive tests/fixture-pmtiles.mjs
// writes. The map reads it through the pmtiles protocol with HTTP Range
// requests, draws it under the wards with the bundled style and credits
// it, and nothing leaves 127.0.0.1. HOTSPOT_URL is that server; run by
// frontend/test.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.HOTSPOT_URL;
const ARTIFACTS = process.env.ARTIFACTS || path.resolve('test-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

let browser;
before(async () => {
  assert.ok(BASE, 'HOTSPOT_URL must point at a hotspot serve with --basemap');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking'] });
});
after(async () => { if (browser) await browser.close(); });

test('the basemap is read with Range requests, drawn under the wards and credited, offline', async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const errors = [];
  const external = [];
  const ranges = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol.startsWith('http') && u.hostname !== '127.0.0.1') external.push(r.url());
  });
  page.on('response', async (r) => {
    if (new URL(r.url()).pathname === '/basemap/tiles.pmtiles') {
      ranges.push({ range: r.request().headers().range, status: r.status() });
    }
  });
  await page.goto(BASE, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__hotspot && window.__hotspot.ready === true, null, { timeout: 60000 });
  const source = await page.evaluate(() => window.__map.getStyle().sources.basemap);
  assert.equal(source && source.url, 'pmtiles:///basemap/tiles.pmtiles');
  let drawn = { water: 0, wards: 0 };
  for (let i = 0; i < 20 && (drawn.water === 0 || drawn.wards === 0); i++) {
    await page.evaluate(() => new Promise((resolve) => {
      const t = setTimeout(resolve, 5000);
      window.__map.once('idle', () => { clearTimeout(t); resolve(); });
      window.__map.triggerRepaint();
    }));
    drawn = await page.evaluate(() => ({
      water: window.__map.queryRenderedFeatures({ layers: ['basemap-water'] }).length,
      wards: window.__map.queryRenderedFeatures({ layers: ['wards-fill'] }).length,
    }));
  }
  assert.ok(drawn.water > 0 && drawn.wards > 0, JSON.stringify(drawn));
  // The wards are drawn over the basemap.
  const order = await page.evaluate(() => window.__map.getStyle().layers.map((l) => l.id));
  assert.ok(order.indexOf('basemap-water') < order.indexOf('wards-fill'), order.join(','));
  assert.ok(ranges.length > 0 && ranges.every((r) => /^bytes=\d+-\d+$/.test(r.range || '') && r.status === 206),
    JSON.stringify(ranges));
  assert.match(await page.textContent('.maplibregl-ctrl-attrib'), /© OpenStreetMap contributors/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'basemap.png') });
  assert.deepEqual(external, []);
  assert.deepEqual(errors, []);
  await page.close();
});
