// Browser tests of the map client: Debian's headless Chromium driven by
// playwright-core against a running `hotspot serve` with the sample data.
// HOTSPOT_URL (required) is the server; ARTIFACTS and SCREENSHOT say where
// to save the screenshots. Run by frontend/test.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.HOTSPOT_URL;
const ARTIFACTS = process.env.ARTIFACTS || path.resolve('test-artifacts');
const SCREENSHOT = process.env.SCREENSHOT;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-sync',
  '--no-first-run',
  '--metrics-recording-only',
];

let browser;
let page;
const consoleErrors = [];
const external = [];
const apiRequests = [];

function watch(p) {
  p.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  p.on('pageerror', (e) => consoleErrors.push(String(e)));
  p.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol === 'data:' || u.protocol === 'blob:') return;
    if (u.hostname !== '127.0.0.1') external.push(r.url());
    if (u.pathname.startsWith('/api/')) apiRequests.push(u.pathname + u.search);
  });
}

/** Resolves on the map's next `idle` (or after `ms`, so a test cannot hang). */
async function idle(p, ms = 10000) {
  return p.evaluate((t) => new Promise((resolve) => {
    const map = window.__map;
    const timer = setTimeout(() => resolve('timeout'), t);
    map.once('idle', () => { clearTimeout(timer); resolve('idle'); });
    map.triggerRepaint();
  }), ms);
}

/** Distinct ward codes rendered in the choropleth. */
async function renderedWards(p) {
  return p.evaluate(() => [...new Set(window.__map.queryRenderedFeatures({ layers: ['wards-fill'] })
    .map((f) => f.properties.code))].sort());
}

async function legendText(p) {
  return (await p.textContent('#legend')).replace(/\s+/g, ' ').trim();
}

/** Page coordinates of a point inside `code` (a rendered pixel that hits it, nearest the ring's centre). */
async function pointInWard(p, code) {
  const pt = await p.evaluate((c) => {
    const map = window.__map;
    const f = map.querySourceFeatures('wards').find((x) => x.properties.code === c);
    const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
    const lon = ring.reduce((s, q) => s + q[0], 0) / ring.length;
    const lat = ring.reduce((s, q) => s + q[1], 0) / ring.length;
    const at = map.project([lon, lat]);
    const hit = map.queryRenderedFeatures([at.x, at.y], { layers: ['wards-fill'] });
    if (!hit.some((h) => h.properties.code === c)) return null;
    const r = map.getCanvas().getBoundingClientRect();
    return { x: r.left + at.x, y: r.top + at.y };
  }, code);
  assert.ok(pt, `no rendered pixel at the centre of ward ${code}`);
  return pt;
}

before(async () => {
  assert.ok(BASE, 'HOTSPOT_URL must point at a running hotspot serve');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page = await context.newPage();
  watch(page);
});

after(async () => {
  if (browser) await browser.close();
});

test('cold load renders the ward choropleth, its legend and the attribution', async () => {
  await page.goto(BASE, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__hotspot && window.__hotspot.ready === true, null, { timeout: 30000 });
  const firstMapMs = await page.evaluate(() => window.__hotspot.firstMapMs);
  fs.writeFileSync(path.join(ARTIFACTS, 'metrics.json'), JSON.stringify({ firstMapMs: Math.round(firstMapMs) }, null, 2));
  console.log(`first meaningful map: ${Math.round(firstMapMs)} ms after navigation start`);
  assert.ok(firstMapMs < 5000, `first map took ${firstMapMs} ms`);
  assert.equal((await renderedWards(page)).length, 16);
  // The choropleth paints: the pixel at a ward's centre is not the background.
  const { x, y } = await pointInWard(page, 'E05999006');
  const rgb = await page.evaluate(({ x, y }) => {
    const src = window.__map.getCanvas();
    const r = src.getBoundingClientRect();
    const ratio = src.width / r.width;
    const c = document.createElement('canvas');
    c.width = src.width; c.height = src.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(src, 0, 0);
    return Array.from(ctx.getImageData(Math.round((x - r.left) * ratio) + 30, Math.round((y - r.top) * ratio) + 30, 1, 1).data);
  }, { x, y });
  assert.notDeepEqual(rgb.slice(0, 3), [0xee, 0xf0, 0xf2], 'ward pixel has the background colour');
  assert.equal(rgb[3], 255);
  const legend = await legendText(page);
  assert.match(legend, /Wards: Incidents \(count\)/);
  assert.equal(await page.locator('#legend [data-layer=wards] li').count(), 6); // 5 classes + priority
  assert.match(legend, /Top 1%/);
  const attribution = await page.textContent('.maplibregl-ctrl-attrib');
  assert.match(attribution, /Contains public sector information licensed under the Open Government Licence v3\.0/);
  assert.match(attribution, /Crown copyright/);
  assert.ok(await page.isVisible('.maplibregl-ctrl-attrib'));
});

test('a crime-group filter refetches the wards and changes the legend without a reload', async () => {
  const before = await legendText(page);
  await page.evaluate(() => { window.__noReload = true; });
  const req = page.waitForRequest((r) => r.url().includes('/api/wards?') && r.url().includes('group=serious-acquisitive'));
  await page.selectOption('#f-group', 'serious-acquisitive');
  await req;
  await page.waitForFunction(() => (window.__hotspot.wardsUrl || '').includes('group=serious-acquisitive'));
  await page.waitForFunction((b) => document.querySelector('#legend').textContent.replace(/\s+/g, ' ').trim() !== b, before);
  const after = await legendText(page);
  assert.notEqual(after, before);
  assert.match(after, /Serious acquisitive crime/);
  assert.equal(await page.evaluate(() => window.__noReload), true, 'the page reloaded');
  assert.ok(apiRequests.some((u) => u.startsWith('/api/hotspots?') && u.includes('group=serious-acquisitive')));
  // The map's features carry the filtered counts (sum = API total - outside - unlocated).
  await idle(page);
  const sums = await page.evaluate(async () => {
    const fc = await (await fetch(window.__hotspot.wardsUrl)).json();
    const rendered = window.__map.querySourceFeatures('wards');
    const byCode = Object.fromEntries(rendered.map((f) => [f.properties.code, f.properties.count]));
    return { api: fc.features.reduce((s, f) => s + f.properties.count, 0), map: Object.values(byCode).reduce((s, n) => s + n, 0) };
  });
  assert.equal(sums.map, sums.api);
  assert.match(page.url(), /group=serious-acquisitive/);
});

test('keyboard: the measure and the time slider work from the keyboard', async () => {
  await page.focus('#f-measure');
  const req = page.waitForRequest((r) => r.url().includes('/api/wards?') && r.url().includes('rank_by=rate'));
  await page.keyboard.press('ArrowDown');
  await req;
  await page.waitForFunction(() => window.__hotspot.measure === 'rate');
  await page.waitForFunction(() => document.querySelector('#legend').textContent.includes('Rate per 1,000'));
  // Tab order: measure → hotspot layer toggle.
  await page.focus('#l-wards');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-measure');
  // Space toggles a layer checkbox.
  await page.focus('#l-hotspots');
  await page.keyboard.press('Space');
  assert.equal(await page.isChecked('#l-hotspots'), false);
  await page.keyboard.press('Space');
  assert.equal(await page.isChecked('#l-hotspots'), true);
  // The time slider moves the period back a month.
  const period = await page.evaluate(() => new URL(window.__hotspot.wardsUrl, location.href).searchParams.get('period'));
  await page.focus('#f-slider');
  const moved = page.waitForRequest((r) => r.url().includes('/api/wards?') && r.url().includes('period=2025-06..2025-11'));
  await page.keyboard.press('ArrowLeft');
  await moved;
  assert.equal(period, '2025-07..2025-12');
  assert.match(await page.textContent('#f-slider-out'), /Jun 2025 to Nov 2025/);
  await page.focus('#f-slider');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => (window.__hotspot.wardsUrl || '').includes('period=2025-07..2025-12'));
});

test('clicking a ward opens its panel: counts by group, rate, change, rank and trend chart', async () => {
  await idle(page);
  const { x, y } = await pointInWard(page, 'E05999013');
  await page.mouse.click(x, y);
  const ward = page.locator('#details .ward[data-code=E05999013]');
  await ward.waitFor({ timeout: 10000 });
  const text = (await ward.textContent()).replace(/\s+/g, ' ');
  assert.match(text, /Kingsmead/);
  assert.match(text, /Rate per 1,000 residents/);
  assert.match(text, /Rank\s*\d+(st|nd|rd|th) of 16/);
  assert.match(text, /Change\s*[+−]?\d/);
  assert.match(text, /Incidents by crime group/);
  assert.match(text, /Serious acquisitive crime/);
  assert.equal(await ward.locator('svg.trend rect').count(), 24);
  assert.ok(await ward.locator('svg.trend rect[fill="#08519c"]').count() >= 6);
  assert.equal(await page.inputValue('#f-ward'), 'E05999013');
  // The map highlights it.
  const filter = await page.evaluate(() => JSON.stringify(window.__map.getFilter('wards-selected')));
  assert.match(filter, /E05999013/);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'ward-panel.png') });
});

test('clicking a hotspot summarises its incidents', async () => {
  await page.selectOption('#f-group', '');
  await page.waitForFunction(() => !(window.__hotspot.hotspotsUrl || '').includes('group='));
  await idle(page);
  const pt = await page.evaluate(() => {
    const map = window.__map;
    const r = map.getCanvas().getBoundingClientRect();
    for (let y = 10; y < r.height - 10; y += 6) {
      for (let x = 10; x < r.width - 10; x += 6) {
        const hit = map.queryRenderedFeatures([x, y], { layers: ['hotspots-fill'] });
        if (hit.some((h) => h.properties.top_percent === 1)) return { x: r.left + x, y: r.top + y };
      }
    }
    return null;
  });
  assert.ok(pt, 'no top-1% hotspot rendered');
  await page.mouse.click(pt.x, pt.y);
  const hs = page.locator('#details .hotspot[data-top="1"]');
  await hs.waitFor({ timeout: 10000 });
  const text = (await hs.textContent()).replace(/\s+/g, ' ');
  assert.match(text, /Hotspot: top 1% density/);
  assert.match(text, /Incidents inside\s*\d+/);
  assert.match(text, /Share of located incidents/);
  assert.ok(await hs.locator('table.by-type tr').count() > 1);
  // The keyboard route to the same summary.
  await page.click('#hotspot-buttons button:has-text("Top 5%")');
  await page.locator('#details .hotspot[data-top="5"]').waitFor();
});

test('density surface and clustered incident points', async () => {
  const dreq = page.waitForRequest((r) => r.url().includes('/api/density?') && r.url().includes('format=grid'));
  await page.check('#l-density');
  await dreq;
  await page.waitForFunction(() => document.querySelector('#legend [data-layer=density]'));
  assert.equal(await page.locator('#legend [data-layer=density] li').count(), 5);
  assert.equal(await page.evaluate(() => window.__map.getLayoutProperty('density-raster', 'visibility')), 'visible');
  await page.uncheck('#l-density');
  const ireq = page.waitForRequest((r) => r.url().includes('/api/incidents?'));
  await page.check('#l-incidents');
  await ireq;
  await page.waitForFunction(() => document.querySelector('#legend [data-layer=incidents]'));
  let clusters = [];
  for (let i = 0; i < 20 && clusters.length === 0; i++) {
    await idle(page);
    clusters = await page.evaluate(() => window.__map.queryRenderedFeatures({ layers: ['incidents-clusters'] })
      .map((f) => ({ id: f.properties.cluster_id, n: f.properties.point_count, c: f.geometry.coordinates })));
  }
  assert.ok(clusters.length > 0, 'no clusters rendered');
  const camera = await page.evaluate(() => ({ center: window.__map.getCenter().toArray(), zoom: window.__map.getZoom() }));
  const zoom = camera.zoom;
  // The biggest cluster not under the legend.
  const pt = await page.evaluate((cs) => {
    const r = window.__map.getCanvas().getBoundingClientRect();
    const legend = document.querySelector('#legend').getBoundingClientRect();
    const pts = cs.sort((a, b) => b.n - a.n).map((c) => {
      const at = window.__map.project(c.c);
      return { x: r.left + at.x, y: r.top + at.y };
    });
    return pts.find((p) => p.x > legend.right + 15 && p.y > r.top + 15 && p.y < r.bottom - 40 && p.x < r.right - 60) || null;
  }, clusters);
  assert.ok(pt, 'every cluster is under the legend');
  await page.mouse.click(pt.x, pt.y);
  await page.waitForFunction((z) => window.__map.getZoom() > z + 0.1 && !window.__map.isMoving(), zoom, { timeout: 10000 });
  await page.uncheck('#l-incidents');
  // Back to the whole borough.
  await page.evaluate((c) => window.__map.jumpTo(c), camera);
});

test('exports: CSV and GeoJSON of the current layer, PNG of the view', async () => {
  await page.selectOption('#x-layer', 'wards');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#x-csv')]);
  const csvText = fs.readFileSync(await csv.path(), 'utf8');
  const lines = csvText.trim().split(/\r?\n/);
  assert.match(lines[0], /^code,name,population,count,rate_per_1000/);
  assert.equal(lines.length, 17);
  assert.match(csv.suggestedFilename(), /^hotspot-wards-.*\.csv$/);
  const [gj] = await Promise.all([page.waitForEvent('download'), page.click('#x-geojson')]);
  const fc = JSON.parse(fs.readFileSync(await gj.path(), 'utf8'));
  assert.equal(fc.type, 'FeatureCollection');
  assert.equal(fc.features.length, 16);
  await page.selectOption('#x-layer', 'hotspots');
  const [hcsv] = await Promise.all([page.waitForEvent('download'), page.click('#x-csv')]);
  assert.match(fs.readFileSync(await hcsv.path(), 'utf8'), /^top_percent,threshold,area_km2,incidents,share/);
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('#x-png')]);
  const bytes = fs.readFileSync(await png.path());
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(bytes.length > 20000, `PNG only ${bytes.length} bytes`);
  fs.copyFileSync(await png.path(), path.join(ARTIFACTS, 'export.png'));
});

test('screenshot of the map with a ward selected', async () => {
  await page.selectOption('#f-ward', 'E05999006');
  await page.locator('#details .ward[data-code=E05999006]').waitFor();
  // Show the ward's figures and trend chart in the panel.
  await page.evaluate(() => {
    const panel = document.querySelector('#panel');
    const ward = document.querySelector('#details .ward');
    panel.scrollTop = ward.getBoundingClientRect().top - panel.getBoundingClientRect().top + panel.scrollTop - 60;
  });
  await idle(page);
  const file = path.join(ARTIFACTS, 'map.png');
  await page.screenshot({ path: file });
  if (SCREENSHOT) {
    await page.screenshot({ path: SCREENSHOT });
    assert.ok(fs.statSync(SCREENSHOT).size < 300 * 1024, 'README screenshot over 300 KB');
  }
});

test('tablet width: the panel is a drawer and nothing overflows', async () => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true, isMobile: true });
  const tablet = await context.newPage();
  watch(tablet);
  await tablet.goto(BASE, { waitUntil: 'load' });
  await tablet.waitForFunction(() => window.__hotspot && window.__hotspot.ready === true, null, { timeout: 30000 });
  assert.equal(await tablet.getAttribute('#toggle-panel', 'aria-expanded'), 'false');
  assert.equal(await tablet.isVisible('#f-group'), false);
  assert.equal((await renderedWards(tablet)).length, 16);
  await tablet.tap('#toggle-panel');
  assert.equal(await tablet.getAttribute('#toggle-panel', 'aria-expanded'), 'true');
  assert.ok(await tablet.isVisible('#f-group'));
  const overflow = await tablet.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
  await tablet.keyboard.press('Escape');
  assert.equal(await tablet.getAttribute('#toggle-panel', 'aria-expanded'), 'false');
  await tablet.screenshot({ path: path.join(ARTIFACTS, 'tablet.png') });
  await context.close();
});

test('offline: no request left 127.0.0.1 and the console stayed clean', () => {
  assert.deepEqual(external, []);
  assert.deepEqual(consoleErrors, []);
});
