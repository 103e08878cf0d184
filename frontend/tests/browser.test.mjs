// Browser tests of the map client: Debian's headless Chromium driven by
// playwright-core against a running `hotspot serve` with the sample data.
// HOTSPOT_URL (required) is the server, started without --anonymous-role
// (anonymous = public); HOTSPOT_ANALYST(_PASSWORD) and HOTSPOT_PARTNER(_PASSWORD)
// are accounts the tests sign in with through the page; ARTIFACTS says
// where to save the screenshots (the README's comes from the real data,
// tests/real.test.mjs). Run by frontend/test.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.HOTSPOT_URL;
const ARTIFACTS = process.env.ARTIFACTS || path.resolve('test-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ANALYST = { user: process.env.HOTSPOT_ANALYST || 'analyst', pass: process.env.HOTSPOT_ANALYST_PASSWORD };
const PARTNER = { user: process.env.HOTSPOT_PARTNER || 'partner', pass: process.env.HOTSPOT_PARTNER_PASSWORD };
/** Endpoints above the public role. */
const PARTNER_API = /^\/api\/(hotspots|density|labels|gistar|emerging|temporal|interventions)\b/;
const ANALYST_API = /^\/api\/(incidents|near-repeat|evaluate|target-hardening)\b/;
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
/** Responses refused for lack of a role (401/403) on the main page. */
const refused = [];

function watch(p, { errors = consoleErrors, requests = apiRequests, denied = refused } = {}) {
  p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  p.on('pageerror', (e) => errors.push(String(e)));
  p.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol === 'data:' || u.protocol === 'blob:') return;
    if (u.hostname !== '127.0.0.1') external.push(r.url());
    if (u.pathname.startsWith('/api/')) requests.push(u.pathname + u.search);
  });
  p.on('response', (r) => {
    if (r.status() === 401 || r.status() === 403) denied.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
}

/** Waits until the page says it acts for `role` (header and window.__hotspot). */
async function waitForRole(p, role) {
  await p.waitForFunction((r) => document.querySelector('#who').dataset.role === r
    && window.__hotspot && window.__hotspot.role === r, role, { timeout: 15000 });
}

/**
 * Signs in through the header's form, from the keyboard only: Enter on
 * "Sign in" opens the form with the user name focused, Tab to the
 * password, Enter submits. `role` is what the page should then act as
 * (omit it when the credentials are expected to fail).
 */
async function signIn(p, { user, pass }, role) {
  assert.ok(pass, 'the test account passwords come from test.sh');
  await p.focus('#sign-in-toggle');
  await p.keyboard.press('Enter');
  await p.locator('#sign-in').waitFor({ state: 'visible' });
  assert.equal(await p.evaluate(() => document.activeElement.id), 'si-user');
  await p.fill('#si-user', '');
  await p.keyboard.type(user);
  await p.keyboard.press('Tab');
  assert.equal(await p.evaluate(() => document.activeElement.id), 'si-pass');
  await p.keyboard.type(pass);
  await p.keyboard.press('Enter');
  if (role) await waitForRole(p, role);
}

/** Features of a map source (deduplicated by id or code). */
async function sourceCount(p, source) {
  return p.evaluate((s) => window.__map.querySourceFeatures(s).length, source);
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

/** The view the page opened on (the whole area), set by the first test. */
let home;

/** Back to the whole area: choosing a ward by name frames it. */
async function goHome(p) {
  await p.evaluate((c) => window.__map.jumpTo(c), home);
  await idle(p);
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
    const centre = map.project([lon, lat]);
    const canvas = map.getCanvas();
    const r = canvas.getBoundingClientRect();
    // The pixel nearest the ring's centre that shows the ward and is not
    // under the legend or another control.
    let best = null;
    for (let y = 5; y < r.height - 5; y += 5) {
      for (let x = 5; x < r.width - 5; x += 5) {
        const d = (x - centre.x) ** 2 + (y - centre.y) ** 2;
        if (best && d >= best.d) continue;
        if (document.elementFromPoint(r.left + x, r.top + y) !== canvas) continue;
        const hit = map.queryRenderedFeatures([x, y], { layers: ['wards-fill'] });
        if (hit.some((h) => h.properties.code === c)) best = { d, x: r.left + x, y: r.top + y };
      }
    }
    return best && { x: best.x, y: best.y };
  }, code);
  assert.ok(pt, `no rendered pixel of ward ${code} in view`);
  return pt;
}

/** Query parameters of a URL (relative to the page) as a sorted list of [key, value]. */
function paramsOf(u, drop = []) {
  return [...new URL(u, BASE).searchParams].filter(([k]) => !drop.includes(k)).sort();
}

/** The ward briefing link's URL and the filters the last /api/wards request carried. */
async function briefingLink(p) {
  return p.evaluate(() => ({
    href: document.querySelector('#b-download').getAttribute('href'),
    text: document.querySelector('#b-download').textContent,
    wardsUrl: window.__hotspot.wardsUrl,
  }));
}

/** The text of a PDF's content streams (inflated), to look for words drawn on its pages. */
function pdfText(buf) {
  const raw = buf.toString('latin1');
  let out = '';
  for (const m of raw.matchAll(/stream\r?\n/g)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) continue;
    try { out += zlib.inflateSync(buf.subarray(start, end)).toString('latin1'); } catch { /* not deflated */ }
  }
  // Strings with characters outside ASCII are written in hex (<50554…>).
  return out.replace(/<([0-9A-Fa-f]+)>/g, (_, h) => `(${Buffer.from(h, 'hex').toString('latin1')})`);
}

/** Fetches a URL from the page (its session cookie): status, headers and the body's first bytes. */
async function fetchFromPage(p, u) {
  return p.evaluate(async (url) => {
    const r = await fetch(url, { credentials: 'same-origin' });
    const bytes = new Uint8Array(await r.arrayBuffer());
    return {
      status: r.status,
      type: r.headers.get('content-type'),
      disposition: r.headers.get('content-disposition'),
      size: bytes.length,
      head: String.fromCharCode(...bytes.subarray(0, 16)),
    };
  }, u);
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

test('cold load (public) renders the ward choropleth, its legend and the attribution', async () => {
  await page.goto(BASE, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__hotspot && window.__hotspot.ready === true, null, { timeout: 30000 });
  home = await page.evaluate(() => ({ center: window.__map.getCenter().toArray(), zoom: window.__map.getZoom() }));
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
  // Anonymous = public: no hotspot areas (they need the partner role).
  assert.doesNotMatch(legend, /Top 1%/);
  await waitForRole(page, 'public');
  const attribution = await page.textContent('.maplibregl-ctrl-attrib');
  assert.match(attribution, /Contains public sector information licensed under the Open Government Licence v3\.0/);
  assert.match(attribution, /Crown copyright/);
  assert.ok(await page.isVisible('.maplibregl-ctrl-attrib'));
});

test('anonymous public: sign-in control, no hotspot or incident controls, no refused request', async () => {
  assert.match(await page.textContent('#who'), /Not signed in \(public view\)/);
  assert.ok(await page.isVisible('#sign-in-toggle'));
  assert.equal((await page.textContent('#sign-in-toggle')).trim(), 'Sign in');
  assert.equal(await page.isVisible('#sign-out'), false);
  assert.equal(await page.getAttribute('#sign-in-toggle', 'aria-expanded'), 'false');
  // Layers the role cannot use are disabled, with the reason beside them.
  for (const [id, role] of [['l-hotspots', 'partner'], ['l-density', 'partner'], ['l-incidents', 'analyst']]) {
    assert.equal(await page.isDisabled(`#${id}`), true, `${id} enabled for public`);
    assert.equal(await page.isChecked(`#${id}`), false);
    assert.ok(await page.isVisible(`#${id}-lock`));
    assert.match(await page.textContent(`#${id}-lock`), new RegExp(`needs? the ${role} role: sign in`));
    assert.equal(await page.getAttribute(`#${id}`, 'aria-describedby'), `${id}-lock`);
  }
  assert.equal(await page.locator('#hotspot-buttons button').count(), 0);
  // The planner needs the partner role: the public sees why, not the form.
  assert.equal(await page.isVisible('#p-form'), false);
  assert.ok(await page.isVisible('#p-lock'));
  assert.match(await page.textContent('#p-lock'), /needs the partner role: sign in/);
  // Target hardening is the analyst's: hidden altogether. The intervention
  // log is the partner's: the public sees why not, and no list.
  assert.equal(await page.isVisible('#hardening'), false);
  assert.equal(await page.isVisible('#patterns'), false, 'the patterns card is for partners and above');
  assert.equal(await page.isVisible('#iv-body'), false);
  assert.ok(await page.isVisible('#iv-lock'));
  assert.match(await page.textContent('#iv-lock'), /needs the partner role: sign in/);
  for (const v of ['hotspots', 'density', 'incidents']) {
    assert.equal(await page.locator(`#x-layer option[value=${v}]`).evaluate((o) => o.disabled), true);
  }
  await idle(page);
  assert.equal(await sourceCount(page, 'hotspots'), 0);
  assert.equal(await sourceCount(page, 'incidents'), 0);
  // Only public endpoints were asked for, and nothing was refused.
  assert.deepEqual(apiRequests.filter((u) => PARTNER_API.test(u) || ANALYST_API.test(u)), []);
  assert.deepEqual(apiRequests.filter((u) => u.startsWith('/api/plan')), []);
  assert.ok(apiRequests.includes('/api/me'));
  assert.deepEqual(refused, []);
});

test('public: small counts are shown as suppressed, never as 0', async () => {
  await page.selectOption('#f-type', 'Robbery');
  await page.selectOption('#f-from', '2025-12');
  await page.selectOption('#f-to', '2025-12');
  await page.waitForFunction(() => (window.__hotspot.wardsUrl || '').includes('type=Robbery')
    && window.__hotspot.wardsUrl.includes('period=2025-12..2025-12'));
  await page.waitForFunction(() => document.querySelector('#legend').textContent.includes('Suppressed (1–2 incidents)'));
  const legend = await legendText(page);
  assert.match(legend, /withheld in the public view/);
  assert.doesNotMatch(legend, /NaN/);
  // Every ward is in exactly one legend class, the suppressed ones in theirs.
  const rows = await page.locator('#legend [data-layer=wards] li').evaluateAll((lis) => lis.map((li) => ({
    label: li.querySelector('.label').textContent, n: Number(li.querySelector('.n').textContent.replace(/,/g, '')),
    hatch: li.querySelector('.sw').classList.contains('hatch'),
  })));
  const suppressedRow = rows.find((r) => /Suppressed/.test(r.label));
  assert.ok(suppressedRow.hatch && suppressedRow.n > 0);
  assert.equal(rows.filter((r) => !/Priority/.test(r.label)).reduce((s, r) => s + r.n, 0), 16);
  // The API withheld them (null), and the map draws them hatched.
  await idle(page);
  const wards = await page.evaluate(async () => (await (await fetch(window.__hotspot.wardsUrl)).json()).features.map((f) => f.properties));
  const withheld = wards.filter((p) => p.suppressed === true);
  assert.equal(withheld.length, suppressedRow.n);
  assert.ok(withheld.every((p) => p.count === null && p.rate_per_1000 === null));
  assert.equal(await page.evaluate(() => window.__map.getFilter('wards-suppressed')[0]), 'all');
  assert.ok(await page.evaluate(() => window.__map.queryRenderedFeatures({ layers: ['wards-suppressed'] }).length > 0));
  // The ward panel says "fewer than 3" and derives nothing from it.
  await page.selectOption('#f-ward', withheld[0].code);
  const panel = page.locator(`#details .ward[data-code=${withheld[0].code}]`);
  await panel.waitFor({ timeout: 10000 });
  const text = (await panel.textContent()).replace(/\s+/g, ' ');
  assert.match(text, /Incidents\s*fewer than 3 \(suppressed\)/);
  assert.match(text, /Rate per 1,000 residents\s*suppressed/);
  assert.doesNotMatch(text, /NaN|Incidents\s*0\b/);
  assert.ok(await panel.locator('.suppressed-note').count() === 1);
  assert.equal(await panel.locator('svg.trend rect').count(), 24);
  // No streets for the public, as the search gives it no places.
  assert.equal(await panel.locator('.ward-streets').count(), 0);
  // The CSV names withheld values instead of leaving a 0 or NaN.
  await page.selectOption('#x-layer', 'wards');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#x-csv')]);
  const csvText = fs.readFileSync(await csv.path(), 'utf8');
  assert.equal(csvText.trim().split(/\r?\n/).length, 17);
  assert.match(csvText, new RegExp(`${withheld[0].code},[^\\r\\n]*,fewer than 3,suppressed`));
  assert.doesNotMatch(csvText, /NaN/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'public-suppressed.png') });
  // Back to the default view.
  await page.selectOption('#f-ward', '');
  await page.selectOption('#f-type', '');
  await page.selectOption('#f-from', '2025-07');
  await page.waitForFunction(() => { const u = window.__hotspot.wardsUrl || ''; return !u.includes('type=') && u.includes('period=2025-07..2025-12'); });
  await page.waitForFunction(() => !document.querySelector('#legend').textContent.includes('Suppressed'));
  await goHome(page);
  assert.deepEqual(refused, []);
});

test('ward briefing (public): only the public version, explained, downloaded from the keyboard', async () => {
  assert.equal(await page.isVisible('#briefing'), false, 'briefing control shown without a ward');
  await page.selectOption('#f-ward', 'E05999006');
  await page.locator('#briefing').waitFor({ state: 'visible' });
  // The public role cannot untick "public version": checked, disabled, explained.
  assert.equal(await page.isChecked('#b-public'), true);
  assert.equal(await page.isDisabled('#b-public'), true);
  assert.equal(await page.getAttribute('#b-public', 'aria-describedby'), 'b-note');
  assert.match(await page.textContent('#b-note'), /Without signing in you get the public version only: counts of 1 or 2 are withheld.*needs the partner role/);
  assert.equal(await page.getByLabel('Public version (small counts suppressed)').count(), 1);
  // The link carries the map's filters exactly as /api/wards got them.
  const { href, text, wardsUrl } = await briefingLink(page);
  assert.equal(new URL(href, BASE).pathname, '/api/wards/E05999006/briefing');
  assert.deepEqual(paramsOf(href, ['format', 'public']), paramsOf(wardsUrl, ['rank_by']));
  assert.deepEqual(paramsOf(href, ['period', 'compare']), [['format', 'pdf'], ['public', 'true']]);
  assert.equal(new URL(href, BASE).searchParams.get('period'), '2025-07..2025-12');
  assert.equal(new URL(href, BASE).searchParams.get('compare'), 'previous');
  assert.match(text, /^Download Castle briefing \(PDF, public version\)$/);
  assert.equal(await page.getAttribute('#b-download', 'download'), '');
  await page.locator('#briefing').screenshot({ path: path.join(ARTIFACTS, 'briefing-public.png') });
  // Keyboard: Tab from the format goes to the link (the locked box is skipped), Enter downloads.
  await page.focus('#b-format');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'b-download');
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.match(download.suggestedFilename(), /^briefing-E05999006-.*-public\.pdf$/);
  const pdf = fs.readFileSync(await download.path());
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.match(pdfText(pdf), /\(PUBLIC \W small counts suppressed\)/);
  assert.doesNotMatch(pdfText(pdf), /NOT FOR PUBLICATION/);
  const got = await fetchFromPage(page, href);
  assert.equal(got.status, 200);
  assert.equal(got.type, 'application/pdf');
  assert.match(got.disposition, /^attachment; filename="briefing-E05999006-[^"]*-public\.pdf"$/);
  assert.ok(got.head.startsWith('%PDF'));
  // What the locked box prevents: the full briefing is refused to the anonymous public.
  const full = await fetch(new URL(href.replace('public=true', 'public=false'), BASE));
  assert.equal(full.status, 401);
  // No ward, no briefing control.
  await page.selectOption('#f-ward', '');
  await page.locator('#briefing').waitFor({ state: 'hidden' });
  await goHome(page);
  assert.deepEqual(refused, []);
});

test('a wrong password shows the error; a partner sees hotspots but not incidents', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const p = await context.newPage();
  const errors = [];
  const requests = [];
  const denied = [];
  watch(p, { errors, requests, denied });
  await p.goto(BASE, { waitUntil: 'load' });
  await p.waitForFunction(() => window.__hotspot && window.__hotspot.ready === true, null, { timeout: 30000 });
  await waitForRole(p, 'public');
  // The fields are labelled.
  assert.equal(await p.getByLabel('User name').count(), 1);
  assert.equal(await p.getByLabel('Password').count(), 1);
  await signIn(p, { user: PARTNER.user, pass: 'not the right password' });
  await p.waitForFunction(() => document.querySelector('#si-error').textContent.trim() !== '');
  assert.equal(await p.textContent('#si-error'), 'Wrong user name or password.');
  assert.equal(await p.getAttribute('#si-error', 'role'), 'alert');
  assert.ok(await p.isVisible('#sign-in'));
  assert.equal(await p.evaluate(() => document.activeElement.id), 'si-pass');
  assert.equal(await p.evaluate(() => window.__hotspot.role), 'public');
  assert.deepEqual(denied, ['401 POST /api/login'], 'only the failed sign-in was refused');
  await p.screenshot({ path: path.join(ARTIFACTS, 'sign-in-error.png') });
  // Escape closes the form and returns to its button.
  await p.keyboard.press('Escape');
  assert.equal(await p.isVisible('#sign-in'), false);
  assert.equal(await p.evaluate(() => document.activeElement.id), 'sign-in-toggle');
  // The partner account.
  await p.evaluate(() => { window.__noReload = true; });
  const hotspots = p.waitForRequest((r) => r.url().includes('/api/hotspots?'));
  await signIn(p, PARTNER, 'partner');
  await hotspots;
  assert.match(await p.textContent('#who'), new RegExp(`Signed in as ${PARTNER.user} \\(partner\\)`));
  assert.equal(await p.isVisible('#sign-in-toggle'), false);
  assert.ok(await p.isVisible('#sign-out'));
  await p.waitForFunction(() => document.querySelector('#legend [data-layer=hotspots]'));
  assert.match(await legendText(p), /Top 1%/);
  assert.equal(await p.isChecked('#l-hotspots'), true);
  assert.equal(await p.isDisabled('#l-density'), false);
  assert.equal(await p.isDisabled('#l-incidents'), true);
  assert.match(await p.textContent('#l-incidents-lock'), /analyst role/);
  assert.equal(await p.isVisible('#l-hotspots-lock'), false);
  await p.locator('#hotspot-buttons button').first().waitFor();
  assert.equal(await p.locator('#x-layer option[value=incidents]').evaluate((o) => o.disabled), true);
  assert.equal(await p.evaluate(() => window.__noReload), true, 'the page reloaded');
  // No target hardening for a partner; the intervention log, read-only.
  assert.equal(await p.isVisible('#hardening'), false);
  // The temporal profile, but not near-repeat or the method comparison.
  assert.ok(await p.isVisible('#pt-temporal'));
  assert.equal(await p.isVisible('#pt-knox'), false);
  assert.equal(await p.isVisible('#pt-methods'), false);
  await p.waitForFunction(() => typeof window.__hotspot.interventions === 'number');
  assert.ok(await p.isVisible('#iv-list'));
  assert.equal(await p.isVisible('#iv-new'), false);
  assert.match(await p.textContent('#iv-readonly'), /Read-only/);
  // The density surface is the partner's too.
  const dreq = p.waitForRequest((r) => r.url().includes('/api/density?'));
  await p.check('#l-density');
  await dreq;
  await p.waitForFunction(() => document.querySelector('#legend [data-layer=density]'));
  assert.deepEqual(requests.filter((u) => ANALYST_API.test(u)), []);
  assert.deepEqual(denied, ['401 POST /api/login']);
  assert.deepEqual(errors.filter((e) => !/status of 401/.test(e)), []);
  await p.screenshot({ path: path.join(ARTIFACTS, 'partner.png') });
  await context.close();
});

test('signing in as analyst reveals the incident layer and hotspots without a reload', async () => {
  await page.evaluate(() => { window.__noReload = true; });
  // The ward figures are reloaded for the new role, and hotspots loaded.
  const wards = page.waitForRequest((r) => r.url().includes('/api/wards?'));
  const hotspots = page.waitForRequest((r) => r.url().includes('/api/hotspots?'));
  await signIn(page, ANALYST, 'analyst');
  await Promise.all([wards, hotspots]);
  assert.match(await page.textContent('#who'), new RegExp(`Signed in as ${ANALYST.user} \\(analyst\\)`));
  assert.ok(await page.isVisible('#sign-out'));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'sign-out');
  await page.waitForFunction(() => document.querySelector('#legend [data-layer=hotspots]'));
  assert.match(await legendText(page), /Top 1%/);
  for (const id of ['l-hotspots', 'l-density', 'l-incidents']) {
    assert.equal(await page.isDisabled(`#${id}`), false, `${id} still disabled`);
    assert.equal(await page.isVisible(`#${id}-lock`), false);
  }
  assert.equal(await page.isChecked('#l-hotspots'), true);
  await page.locator('#hotspot-buttons button').nth(2).waitFor();
  assert.equal(await page.evaluate(() => window.__noReload), true, 'the page reloaded');
  assert.deepEqual(refused, []);
});

test('planner: 3 sites, coverage circles, the naive comparison, exports and clearing', async () => {
  const camera = await page.evaluate(() => ({ center: window.__map.getCenter().toArray(), zoom: window.__map.getZoom() }));
  assert.ok(await page.isVisible('#p-form'));
  assert.equal(await page.isVisible('#p-lock'), false);
  // Labelled, keyboard-usable controls, with the defaults.
  assert.equal(await page.getByLabel('Number of sites (1–20)').inputValue(), '5');
  assert.equal(await page.getByLabel('Walking radius (metres)').inputValue(), '400');
  assert.ok(await page.locator('#p-groups input[type=checkbox]').count() > 0);
  await page.check('#p-groups input[data-group=serious-acquisitive][type=checkbox]');
  await page.fill('#p-groups input[data-group=serious-acquisitive][type=number]', '3');
  await page.fill('#p-sites', '3');
  const req = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/plan' && r.method() === 'POST');
  await page.focus('#p-sites');
  await page.keyboard.press('Enter');
  const body = (await req).postDataJSON();
  assert.equal(body.sites, 3);
  assert.equal(body.radius, 400);
  assert.equal(body.period, '2025-07..2025-12');
  assert.deepEqual(body.weights, [{ group: 'serious-acquisitive', weight: 3 }]);
  assert.equal(body.types, undefined, 'no type filter on the map, none in the plan');
  await page.locator('#p-result .plan-sites li').nth(2).waitFor({ timeout: 30000 });
  assert.equal(await page.locator('#p-result .plan-sites li').count(), 3);
  await idle(page);
  const drawn = await page.evaluate(() => {
    const map = window.__map;
    const ranks = (layer) => [...new Set(map.queryRenderedFeatures({ layers: [layer] }).map((f) => f.properties.rank))].sort();
    const src = map.getSource('plan').serialize().data;
    return {
      sites: ranks('plan-sites'), circles: ranks('plan-coverage'),
      data: src.features.reduce((n, f) => { n[f.properties.kind] = (n[f.properties.kind] || 0) + 1; return n; }, {}),
      naive: map.queryRenderedFeatures({ layers: ['plan-naive'] }).length,
    };
  });
  assert.deepEqual(drawn.sites, [1, 2, 3]);
  // The map frames the sites: every one is on screen.
  const framed = await page.evaluate(() => {
    const map = window.__map;
    const b = map.getBounds();
    return map.getSource('plan').serialize().data.features
      .filter((f) => f.properties.kind === 'site')
      .every((f) => b.contains(f.geometry.coordinates));
  });
  assert.ok(framed, 'the sites are not all in view');
  assert.deepEqual(drawn.circles, [1, 2, 3]);
  assert.equal(drawn.data.site, 3);
  assert.equal(drawn.data.coverage, 3);
  assert.ok(drawn.data.naive >= 1 && drawn.naive >= 1, 'naive sites not drawn');
  const text = (await page.textContent('#p-result')).replace(/\s+/g, ' ');
  assert.match(text, /Covered by the plan\s*\d+(\.\d)?%/);
  assert.match(text, /Naive choice \(busiest wards' centres\)\s*\d+(\.\d)?%/);
  assert.match(text, /63%/);
  const gain = Number(await page.getAttribute('#p-result .plan-gain', 'data-gain'));
  assert.ok(Number.isFinite(gain) && gain >= 0, `gain ${gain}`);
  assert.doesNotMatch(text, /NaN|undefined/);
  assert.equal(await page.locator('#legend [data-layer=plan] li').count(), 3);
  await page.screenshot({ path: path.join(ARTIFACTS, 'planner.png') });
  // Exports: the response as GeoJSON, one CSV row per site.
  const [gj] = await Promise.all([page.waitForEvent('download'), page.click('#p-geojson')]);
  const fc = JSON.parse(fs.readFileSync(await gj.path(), 'utf8'));
  assert.equal(fc.features.filter((f) => f.properties.kind === 'site').length, 3);
  assert.ok(fc.baseline && typeof fc.share === 'number');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#p-csv')]);
  const lines = fs.readFileSync(await csv.path(), 'utf8').trim().split(/\r?\n/);
  assert.match(lines[0], /^rank,name,ward,covered_incidents/);
  assert.equal(lines.length, 4);
  assert.match(csv.suggestedFilename(), /^hotspot-plan-.*\.csv$/);
  // Clearing removes it from the map and the panel.
  await page.click('#p-clear');
  await idle(page);
  assert.equal(await page.evaluate(() => window.__map.getSource('plan').serialize().data.features.length), 0);
  assert.equal(await page.evaluate(() => window.__map.queryRenderedFeatures({ layers: ['plan-sites', 'plan-coverage', 'plan-naive'] }).length), 0);
  assert.equal((await page.textContent('#p-result')).trim(), '');
  assert.equal(await page.isDisabled('#p-csv'), true);
  assert.equal(await page.locator('#legend [data-layer=plan]').count(), 0);
  assert.deepEqual(refused, []);
  // The plan framed its sites; back to the view the next tests expect.
  await page.evaluate((c) => window.__map.jumpTo(c), camera);
});

test('target hardening (analyst): a ranked list with reasons and expiry, numbered markers, list and map linked, CSV', async () => {
  assert.ok(await page.isVisible('#hardening'));
  assert.equal(await page.getByLabel('Near-repeat distance (metres)').inputValue(), '200');
  assert.equal(await page.getByLabel('Near-repeat window (days)').inputValue(), '28');
  const camera = await page.evaluate(() => ({ center: window.__map.getCenter().toArray(), zoom: window.__map.getZoom() }));
  // A bad value is refused in the form, without a request.
  await page.fill('#th-limit', '0');
  await page.click('#th-run');
  assert.match(await page.textContent('#th-error'), /Number of places must be 1 to 500/);
  await page.fill('#th-limit', '10');
  const req = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/target-hardening');
  await page.focus('#th-limit');
  await page.keyboard.press('Enter');
  const url = new URL((await req).url());
  assert.deepEqual(Object.fromEntries(url.searchParams), { distance: '200', days: '28', limit: '10' });
  await page.locator('#th-result .th-list li').nth(9).waitFor({ timeout: 30000 });
  assert.equal(await page.textContent('#th-error'), '');
  // The list is the API's, in its order, with each place's reason and expiry.
  const api = await page.evaluate(async (u) => (await fetch(u)).json(), url.pathname + url.search);
  const items = await page.locator('#th-result .th-item').evaluateAll((bs) => bs.map((b) => ({
    rank: Number(b.dataset.rank), label: b.querySelector('strong').textContent,
    reason: b.querySelector('.th-reason').textContent, expires: b.querySelector('.th-expires').textContent,
  })));
  assert.equal(items.length, 10);
  assert.deepEqual(items.map((i) => i.rank), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(items.map((i) => [i.label, i.reason, i.expires]), api.items.map((i) => [i.label, i.reason, i.expires]));
  assert.ok(items.every((i) => /^\d{4}-\d{2}-\d{2}$/.test(i.expires) && i.reason.length > 10));
  assert.match(await page.textContent('#th-result .th-summary'), new RegExp(`As of ${api.as_of}: showing 10 of ${api.total}`));
  // Numbered markers on the map.
  await idle(page);
  const ranks = await page.evaluate(() => [...new Set(window.__map.queryRenderedFeatures({ layers: ['th-points'] }).map((f) => f.properties.rank))].sort((a, b) => a - b));
  assert.deepEqual(ranks, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(await page.locator('#legend [data-layer=hardening] li').count(), 1);
  // A list item flies the map to its place and rings it.
  await page.click('#th-result .th-item[data-rank="3"]');
  await page.waitForFunction(() => !window.__map.isMoving(), null, { timeout: 10000 });
  const center = await page.evaluate(() => window.__map.getCenter().toArray());
  assert.ok(Math.abs(center[0] - api.items[2].lon) < 1e-4 && Math.abs(center[1] - api.items[2].lat) < 1e-4, `centre ${center}`);
  assert.equal(await page.getAttribute('#th-result .th-item[data-rank="3"]', 'aria-current'), 'true');
  assert.match(JSON.stringify(await page.evaluate(() => window.__map.getFilter('th-selected'))), /,3\]$/);
  // A marker selects its list item.
  await page.evaluate((c) => window.__map.jumpTo({ center: c, zoom: 18 }), [api.items[0].lon, api.items[0].lat]);
  await idle(page);
  const pt = await page.evaluate(([lon, lat]) => {
    const at = window.__map.project([lon, lat]);
    const r = window.__map.getCanvas().getBoundingClientRect();
    return { x: r.left + at.x, y: r.top + at.y };
  }, [api.items[0].lon, api.items[0].lat]);
  await page.mouse.click(pt.x, pt.y);
  await page.waitForFunction(() => document.querySelector('#th-result .th-item[data-rank="1"]').getAttribute('aria-current') === 'true');
  assert.equal(await page.getAttribute('#th-result .th-item[data-rank="3"]', 'aria-current'), null);
  await page.screenshot({ path: path.join(ARTIFACTS, 'target-hardening.png') });
  // The CSV is the API's, for the same settings.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#th-csv')]);
  const lines = fs.readFileSync(await csv.path(), 'utf8').trim().split(/\r?\n/);
  assert.equal(lines[0], 'rank,location,longitude,latitude,reason,expires,score,recent_burglaries');
  assert.equal(lines.length, 11);
  assert.ok(lines[1].startsWith(`1,${api.items[0].label},`));
  assert.match(csv.suggestedFilename(), /^hotspot-target-hardening-\d{4}-\d{2}-\d{2}\.csv$/);
  // Clearing removes it.
  await page.click('#th-clear');
  assert.equal(await page.evaluate(() => window.__map.getSource('hardening').serialize().data.features.length), 0);
  assert.equal(await page.locator('#legend [data-layer=hardening]').count(), 0);
  await page.evaluate((c) => window.__map.jumpTo(c), camera);
  assert.deepEqual(refused, []);
});

const IV_NAME = 'Kingsmead patrols (browser test)';
/** The view before the intervention tests zoom to one. */
let ivCamera;

test('interventions (analyst): log one by clicking the map, see it listed, drawn and evaluated', async () => {
  assert.ok(await page.isVisible('#iv-body'));
  assert.equal(await page.isVisible('#iv-readonly'), false);
  ivCamera = await page.evaluate(() => ({ center: window.__map.getCenter().toArray(), zoom: window.__map.getZoom() }));
  await page.waitForFunction(() => window.__hotspot.interventions === 0);
  assert.match(await page.textContent('#iv-list'), /No interventions are logged yet/);
  await page.click('#iv-new summary');
  assert.ok(await page.isVisible('#iv-form'));
  // The form says what is missing, without a request.
  await page.click('#iv-submit');
  assert.equal(await page.textContent('#iv-error'), 'Name: 1 to 200 characters.');
  await page.getByLabel('Name', { exact: true }).fill(IV_NAME);
  await page.getByLabel('Type (patrols, target hardening, CCTV…)').fill('patrols');
  await page.getByLabel('Start date').fill('2025-07-01');
  await page.getByLabel('End date (empty: ongoing)').fill('2025-09-30');
  await page.click('#iv-submit');
  assert.match(await page.textContent('#iv-error'), /Site: click the map/);
  // Choose the site by clicking the map in Kingsmead.
  await idle(page);
  await page.click('#iv-pick');
  assert.equal(await page.getAttribute('#iv-pick', 'aria-pressed'), 'true');
  const { x, y } = await pointInWard(page, 'E05999013');
  await page.mouse.click(x, y);
  assert.equal(await page.getAttribute('#iv-pick', 'aria-pressed'), 'false');
  const lon = Number(await page.inputValue('#iv-lon'));
  const lat = Number(await page.inputValue('#iv-lat'));
  assert.ok(lon > -2 && lon < 0 && lat > 51 && lat < 53, `site ${lon},${lat}`);
  assert.equal(await page.textContent('#iv-error'), '', 'the missing-site message stayed');
  // The ward panel was not opened by that click.
  assert.equal(await page.locator('#details .ward[data-code=E05999013]').count(), 0);
  await page.fill('#iv-radius', '400');
  await idle(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'intervention-form.png') });
  assert.equal(await page.evaluate(() => window.__map.getSource('iv-draft').serialize().data.features.length), 2);
  const post = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/interventions' && r.method() === 'POST');
  await page.click('#iv-submit');
  const body = (await post).postDataJSON();
  assert.deepEqual({ name: body.name, kind: body.kind, start: body.start, end: body.end, radius_m: body.radius_m, buffer_m: body.buffer_m },
    { name: IV_NAME, kind: 'patrols', start: '2025-07-01', end: '2025-09-30', radius_m: 400, buffer_m: 200 });
  assert.ok(Math.abs(body.site.lon - lon) < 1e-9 && Math.abs(body.site.lat - lat) < 1e-9);
  // Listed, selected, drawn.
  await page.waitForFunction(() => window.__hotspot.interventions === 1);
  const item = page.locator('#iv-list .iv-item');
  assert.equal(await item.count(), 1);
  const text = (await item.textContent()).replace(/\s+/g, ' ');
  assert.match(text, new RegExp(IV_NAME.replace(/[()]/g, '\\$&')));
  assert.match(text, /patrols; 1 Jul 2025 to 30 Sep 2025/);
  // Its status from its dates (it ended in 2025).
  assert.match(await page.textContent('#iv-list .iv-status'), /^(recent|ended)$/);
  assert.match(text, /400 m around/);
  assert.equal(await item.getAttribute('aria-pressed'), 'true');
  assert.equal(await page.inputValue('#iv-name'), '', 'the form was not cleared');
  // Its evaluation: counts, the comparison area, the WDQ or why not, the caveats as returned.
  await page.locator('#iv-eval .iv-wdq, #iv-eval .iv-no-eval').first().waitFor({ timeout: 30000 });
  const evalUrl = await page.evaluate(() => window.__hotspot.evaluationUrl);
  const ev = await page.evaluate(async (u) => (await fetch(u)).json(), evalUrl);
  assert.ok(ev.evaluation, `no evaluation: ${JSON.stringify(ev)}`);
  const e = ev.evaluation;
  const rows = await page.locator('#iv-eval table.iv-counts tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.area, ...[...tr.querySelectorAll('td')].map((td) => td.textContent)]));
  const oneDecimal = (v) => v.toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  // Raw and scaled before counts side by side.
  assert.deepEqual(rows.map((r) => r.slice(0, 4)), ['target', 'buffer', 'control']
    .map((k) => [k, String(e[k].before), oneDecimal(e[k].before_scaled), String(e[k].after)]));
  // Whether the verdict holds with other before periods, as the API says.
  assert.ok(e.robustness.windows.length >= 1 && e.robustness.windows[0].kind === 'used', JSON.stringify(e.robustness));
  assert.equal(await page.getAttribute('#iv-eval .iv-robust', 'data-holds'), String(e.robustness.holds));
  assert.equal(await page.locator('#iv-eval table.iv-windows tbody tr').count(), e.robustness.windows.length);
  assert.match(await page.textContent('#iv-eval .iv-robust'), new RegExp(e.robustness.note.slice(0, 30).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  const wdqText = (await page.textContent('#iv-eval .iv-wdq')).replace(/\s+/g, ' ');
  if (e.wdq.wdq === null) assert.match(wdqText, /\(WDQ\): not computed/);
  else assert.equal(Number(await page.getAttribute('#iv-eval .iv-wdq', 'data-wdq')), e.wdq.wdq);
  assert.equal(await page.textContent('#iv-eval .iv-reading'), e.interpretation);
  assert.ok(e.interpretation.length > 20);
  const caveats = await page.locator('#iv-eval .iv-caveats li').allTextContents();
  assert.deepEqual(caveats, e.caveats);
  assert.match(caveats[0], /^Regression to the mean/);
  assert.match(await page.textContent('#iv-eval .iv-control'), new RegExp(e.control_choice.wards[0].name));
  // Target, buffer and control on the map.
  await idle(page);
  const drawn = await page.evaluate(() => {
    const map = window.__map;
    const roles = map.getSource('evaluation').serialize().data.features.map((f) => f.properties.role).sort();
    return { roles, areas: map.getSource('interventions').serialize().data.features.filter((f) => f.properties.kind === 'area').length,
      target: map.queryRenderedFeatures({ layers: ['eval-target'] }).length,
      buffer: map.queryRenderedFeatures({ layers: ['eval-buffer'] }).length,
      control: map.queryRenderedFeatures({ layers: ['eval-control'] }).length,
      fill: map.queryRenderedFeatures({ layers: ['iv-fill'] }).length };
  });
  assert.deepEqual(drawn.roles, ['buffer', 'control', 'target']);
  assert.equal(drawn.areas, 1);
  assert.ok(drawn.target > 0 && drawn.buffer > 0 && drawn.control > 0 && drawn.fill > 0, JSON.stringify(drawn));
  assert.match(await legendText(page), /Intervention area.*Evaluated: displacement buffer/);
  // A chosen "before" period re-runs the evaluation over those months.
  await page.fill('#iv-before', '2025-01..2025-03');
  await page.dispatchEvent('#iv-before', 'change');
  await page.waitForFunction(() => /before=2025-01\.\.2025-03/.test(window.__hotspot.evaluationUrl || ''));
  await page.locator('#iv-eval .iv-wdq, #iv-eval .iv-no-eval').first().waitFor({ timeout: 30000 });
  const customUrl = await page.evaluate(() => window.__hotspot.evaluationUrl);
  const custom = (await page.evaluate(async (u) => (await fetch(u)).json(), customUrl)).evaluation;
  assert.deepEqual([custom.periods.before.from, custom.periods.before.to], ['2025-01', '2025-03']);
  const customRows = await page.locator('#iv-eval table.iv-counts tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.area, ...[...tr.querySelectorAll('td')].map((td) => td.textContent)]));
  assert.deepEqual(customRows.map((r) => r.slice(0, 2)), ['target', 'buffer', 'control'].map((k) => [k, String(custom[k].before)]));
  // A malformed one gets the server's reason, not a blank panel.
  await page.fill('#iv-before', '2025-13');
  await page.dispatchEvent('#iv-before', 'change');
  await page.locator('#iv-eval .iv-no-eval').waitFor({ timeout: 30000 });
  assert.match(await page.textContent('#iv-eval .iv-no-eval'), /before=/);
  // Chromium logs the deliberate 400 as a console error; only that one may go.
  const logged = consoleErrors.findIndex((e) => /status of 400/.test(e));
  assert.ok(logged >= 0, 'the refused request was not logged');
  consoleErrors.splice(logged, 1);
  await page.fill('#iv-before', '');
  await page.dispatchEvent('#iv-before', 'change');
  await page.locator('#iv-eval .iv-wdq, #iv-eval .iv-no-eval').first().waitFor({ timeout: 30000 });
  await page.evaluate(() => { document.querySelector('#iv-eval-box').scrollIntoView(); });
  await page.screenshot({ path: path.join(ARTIFACTS, 'intervention-evaluation.png') });
  assert.deepEqual(refused, []);
});

test('interventions (partner): the list and evaluations, read-only', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const p = await context.newPage();
  const errors = [];
  const requests = [];
  const denied = [];
  watch(p, { errors, requests, denied });
  const methods = [];
  p.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/interventions')) methods.push(r.method()); });
  await p.goto(BASE, { waitUntil: 'load' });
  await p.waitForFunction(() => window.__hotspot && window.__hotspot.ready === true, null, { timeout: 30000 });
  await signIn(p, PARTNER, 'partner');
  await p.waitForFunction(() => window.__hotspot.interventions === 1);
  assert.equal(await p.isVisible('#hardening'), false);
  assert.equal(await p.isVisible('#iv-new'), false);
  assert.match(await p.textContent('#iv-readonly'), /Read-only: recording and deleting interventions needs the analyst role/);
  assert.match(await p.textContent('#iv-list .iv-item'), new RegExp(IV_NAME.replace(/[()]/g, '\\$&')));
  // From the keyboard: Enter on the item evaluates it, and focus stays on it.
  await p.focus('#iv-list .iv-item');
  await p.keyboard.press('Enter');
  await p.locator('#iv-eval .iv-wdq').waitFor({ timeout: 30000 });
  assert.equal(await p.evaluate(() => document.activeElement.classList.contains('iv-item')), true);
  assert.equal(await p.getAttribute('#iv-list .iv-item', 'aria-pressed'), 'true');
  assert.equal(await p.isVisible('#iv-delete'), false);
  assert.match(await p.textContent('#iv-eval .iv-caveats li'), /^Regression to the mean/);
  assert.deepEqual([...new Set(methods)], ['GET']);
  assert.deepEqual(requests.filter((u) => ANALYST_API.test(u)), []);
  assert.deepEqual(denied, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('interventions (analyst): delete, after confirming', async () => {
  await page.click('#iv-list .iv-item');
  await page.locator('#iv-eval .iv-wdq').waitFor({ timeout: 30000 });
  assert.ok(await page.isVisible('#iv-delete'));
  // Cancelling the confirmation keeps it.
  page.once('dialog', (d) => d.dismiss());
  await page.click('#iv-delete');
  assert.equal(await page.locator('#iv-list .iv-item').count(), 1);
  let message = '';
  page.once('dialog', (d) => { message = d.message(); d.accept(); });
  const del = page.waitForResponse((r) => r.request().method() === 'DELETE' && new URL(r.url()).pathname.startsWith('/api/interventions/'));
  await page.click('#iv-delete');
  assert.equal((await del).status(), 204);
  assert.match(message, new RegExp(`Delete the intervention .${IV_NAME.replace(/[()]/g, '\\$&')}.`));
  await page.waitForFunction(() => window.__hotspot.interventions === 0);
  assert.match(await page.textContent('#iv-list'), /No interventions are logged yet/);
  assert.equal(await page.isVisible('#iv-eval-box'), false);
  await idle(page);
  assert.equal(await page.evaluate(() => window.__map.getSource('interventions').serialize().data.features.length), 0);
  assert.equal(await page.evaluate(() => window.__map.getSource('evaluation').serialize().data.features.length), 0);
  assert.equal(await page.locator('#legend [data-layer=interventions]').count(), 0);
  const list = await page.evaluate(async () => (await fetch('/api/interventions')).json());
  assert.deepEqual(list.interventions, []);
  assert.deepEqual(refused, []);
  await page.evaluate((c) => window.__map.jumpTo(c), ivCamera);
});

test('interventions (analyst): an area drawn by clicking its corners', async (t) => {
  // Whatever happens, later tests get map clicks back and the view they expect.
  t.after(async () => {
    await page.evaluate(() => document.querySelector('#iv-reset').click());
    await page.evaluate((c) => window.__map.jumpTo(c), ivCamera);
  });
  const NAME = 'Kingsmead CCTV area (browser test)';
  await page.evaluate(() => { document.querySelector('#iv-new').open = true; });
  await page.getByLabel('Name', { exact: true }).fill(NAME);
  await page.getByLabel('Type (patrols, target hardening, CCTV…)').fill('CCTV');
  await page.getByLabel('Start date').fill('2025-07-01');
  await page.getByLabel('End date (empty: ongoing)').fill('2025-09-30');
  await page.getByLabel('Draw an area').check();
  assert.ok(await page.isVisible('#iv-draw-box'));
  assert.equal(await page.isVisible('#iv-site-box'), false);
  // Nothing drawn yet: the form says so, without a request.
  await page.click('#iv-submit');
  assert.match(await page.textContent('#iv-error'), /^Area: at least 3 different points/);
  await idle(page);
  await page.click('#iv-draw');
  assert.equal(await page.getAttribute('#iv-draw', 'aria-pressed'), 'true');
  const { x, y } = await pointInWard(page, 'E05999013');
  // Top left, top right, bottom right, bottom left on the screen: clockwise on the ground.
  const clicks = [[x - 40, y - 30], [x + 40, y - 30], [x + 40, y + 30], [x - 40, y + 30]];
  // Where the map says each click landed.
  await page.evaluate(() => {
    window.__drawClicks = [];
    window.__map.on('click', (e) => window.__drawClicks.push(e.lngLat.toArray()));
  });
  for (const [cx, cy] of clicks) await page.mouse.click(cx, cy);
  // A stray fifth corner, undone.
  await page.mouse.click(x, y + 60);
  assert.equal((await page.inputValue('#iv-vertices')).split('\n').length, 5);
  await page.click('#iv-undo');
  assert.equal(await page.getAttribute('#iv-draw', 'aria-pressed'), 'true');
  const typed = (await page.inputValue('#iv-vertices')).split('\n').map((l) => l.split(',').map(Number));
  assert.equal(typed.length, 4);
  // Each corner is where the map was clicked: the click's position (to the
  // text's 6 decimals), within a pixel or two of where the mouse was.
  const landed = (await page.evaluate(() => window.__drawClicks)).slice(0, 4);
  typed.forEach((c, k) => assert.ok(Math.abs(c[0] - landed[k][0]) < 1e-6 && Math.abs(c[1] - landed[k][1]) < 1e-6, `corner ${k}: ${c} vs ${landed[k]}`));
  const onScreen = await page.evaluate((cs) => {
    const r = window.__map.getCanvas().getBoundingClientRect();
    return cs.map((c) => { const at = window.__map.project(c); return [r.left + at.x, r.top + at.y]; });
  }, typed);
  onScreen.forEach((q, k) => assert.ok(Math.hypot(q[0] - clicks[k][0], q[1] - clicks[k][1]) < 3, `corner ${k} at ${q}, clicked at ${clicks[k]}`));
  // The preview: the polygon and the corners; the ward panel stayed shut.
  let draft = await page.evaluate(() => window.__map.getSource('iv-draft').serialize().data.features.map((f) => f.properties.kind));
  assert.deepEqual(draft, ['area', 'vertex', 'vertex', 'vertex', 'vertex']);
  assert.equal(await page.locator('#details .ward[data-code=E05999013]').count(), 0);
  await idle(page);
  assert.ok(await page.evaluate(() => window.__map.queryRenderedFeatures({ layers: ['iv-draft-fill'] }).length > 0));
  // Clicking the first corner again finishes the area.
  const first = await page.evaluate((c) => {
    const r = window.__map.getCanvas().getBoundingClientRect();
    const at = window.__map.project(c);
    return [r.left + at.x, r.top + at.y];
  }, typed[0]);
  await page.mouse.click(first[0], first[1]);
  assert.equal(await page.getAttribute('#iv-draw', 'aria-pressed'), 'false');
  assert.equal((await page.inputValue('#iv-vertices')).split('\n').length, 4, 'the closing click added a corner');
  assert.equal(await page.textContent('#iv-error'), '');
  await page.screenshot({ path: path.join(ARTIFACTS, 'intervention-drawn.png') });
  const post = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/interventions' && r.method() === 'POST');
  await page.click('#iv-submit');
  const body = (await post).postDataJSON();
  // A GeoJSON Polygon: the clicked corners, closed, counter-clockwise (RFC 7946), no site or radius.
  assert.equal(body.area.type, 'Polygon');
  assert.deepEqual(body.area.coordinates, [[typed[0], typed[3], typed[2], typed[1], typed[0]]]);
  const ring = body.area.coordinates[0];
  let twice = 0;
  for (let k = 0; k + 1 < ring.length; k++) twice += ring[k][0] * ring[k + 1][1] - ring[k + 1][0] * ring[k][1];
  assert.ok(twice > 0, 'the ring is clockwise');
  assert.equal(body.site, undefined);
  assert.equal(body.radius_m, undefined);
  assert.deepEqual({ name: body.name, kind: body.kind, start: body.start, end: body.end, buffer_m: body.buffer_m },
    { name: NAME, kind: 'CCTV', start: '2025-07-01', end: '2025-09-30', buffer_m: 200 });
  // Listed, selected and drawn; the form back to a circle, its draft gone.
  await page.waitForFunction(() => window.__hotspot.interventions === 1);
  const item = page.locator('#iv-list .iv-item');
  const text = (await item.textContent()).replace(/\s+/g, ' ');
  assert.match(text, new RegExp(NAME.replace(/[()]/g, '\\$&')));
  assert.match(text, /drawn area/);
  assert.equal(await item.getAttribute('aria-pressed'), 'true');
  assert.equal(await page.isChecked('#iv-mode-circle'), true);
  assert.equal(await page.inputValue('#iv-vertices'), '');
  // Its evaluation: the WDQ, or the server's reason why not.
  await page.locator('#iv-eval .iv-wdq, #iv-eval .iv-no-eval').first().waitFor({ timeout: 30000 });
  const evalUrl = await page.evaluate(() => window.__hotspot.evaluationUrl);
  const answer = await page.evaluate(async (u) => { const r = await fetch(u); return { status: r.status, json: await r.json() }; }, evalUrl);
  if (answer.status === 200) {
    const e = answer.json.evaluation;
    assert.equal(await page.textContent('#iv-eval .iv-reading'), e.interpretation);
    const rows = await page.locator('#iv-eval table.iv-counts tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.area, ...[...tr.querySelectorAll('td')].map((td) => td.textContent)]));
    assert.deepEqual(rows.map((r) => [r[0], r[1], r[3]]), ['target', 'buffer', 'control'].map((k) => [k, String(e[k].before), String(e[k].after)]));
  } else {
    assert.ok(answer.json.error.message.length > 0);
    assert.ok((await page.textContent('#iv-eval .iv-no-eval')).includes(answer.json.error.message));
    for (let k = 0; k < 2; k++) {
      const logged = consoleErrors.findIndex((m) => /status of 4\d\d/.test(m));
      if (logged >= 0) consoleErrors.splice(logged, 1);
    }
  }
  await idle(page);
  const drawn = await page.evaluate(() => {
    const map = window.__map;
    const areas = map.getSource('interventions').serialize().data.features.filter((f) => f.properties.kind === 'area');
    return { areas: areas.length, type: areas[0] && areas[0].geometry.type, fill: map.queryRenderedFeatures({ layers: ['iv-fill'] }).length,
      draft: map.getSource('iv-draft').serialize().data.features.length };
  });
  assert.ok(drawn.areas === 1 && /Polygon$/.test(drawn.type) && drawn.fill > 0 && drawn.draft === 0, JSON.stringify(drawn));
  // Deleted, so the tests after this one see an empty log.
  page.once('dialog', (d) => d.accept());
  const del = page.waitForResponse((r) => r.request().method() === 'DELETE' && new URL(r.url()).pathname.startsWith('/api/interventions/'));
  await page.click('#iv-delete');
  assert.equal((await del).status(), 204);
  await page.waitForFunction(() => window.__hotspot.interventions === 0);
  assert.deepEqual(refused, []);
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

test('search: a ward by name from the keyboard (a slip forgiven), and a place at street zoom', async () => {
  await idle(page);
  const view = await page.evaluate(() => ({ center: window.__map.getCenter(), zoom: window.__map.getZoom() }));
  await page.fill('#f-search', 'kingsmaed');
  const first = page.locator('#search-results button').first();
  await first.waitFor({ timeout: 10000 });
  assert.match(await first.textContent(), /Kingsmead/);
  assert.equal(await first.getAttribute('data-kind'), 'ward');
  await page.focus('#f-search');
  await page.keyboard.press('Enter');
  await page.locator('#details .ward[data-code=E05999013]').waitFor({ timeout: 10000 });
  assert.equal(await page.inputValue('#f-ward'), 'E05999013');
  assert.equal(await page.locator('#search-results button').count(), 0, 'the list closes');
  // A place (analysts and partners get places): the map flies to street zoom.
  await page.fill('#f-search', 'supermarket');
  const place = page.locator('#search-results button[data-kind=location]').first();
  await place.waitFor({ timeout: 10000 });
  assert.match(await place.textContent(), /On or near Supermarket/);
  await place.click();
  await page.waitForFunction(() => window.__map.getZoom() >= 15.9, null, { timeout: 10000 });
  await page.evaluate((v) => window.__map.jumpTo(v), view);
  await idle(page);
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
  // Where in the ward, for the analyst: its busiest streets with their counts.
  assert.match(text, /Busiest streets: [^(]+ \(\d+\)/);
  assert.equal(await ward.locator('svg.trend rect').count(), 24);
  assert.ok(await ward.locator('svg.trend rect[fill="#08519c"]').count() >= 6);
  assert.equal(await page.inputValue('#f-ward'), 'E05999013');
  // The map highlights it.
  const filter = await page.evaluate(() => JSON.stringify(window.__map.getFilter('wards-selected')));
  assert.match(filter, /E05999013/);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'ward-panel.png') });
  // The page URL keeps the ward and the view, so the link can be shared.
  await page.waitForFunction(() => /[?&]ward=E05999013(&|$)/.test(location.search)
    && /[?&]view=-?\d+\.\d{5},\d+\.\d{5},\d+\.\d{2}(&|$)/.test(location.search));
});

test('a shared link opens on its ward and view', async () => {
  const link = new URL(page.url());
  const [lon, lat] = link.searchParams.get('view').split(',').map(Number);
  link.searchParams.set('view', `${lon.toFixed(5)},${lat.toFixed(5)},14.50`);
  const other = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  watch(other);
  await other.goto(link.toString(), { waitUntil: 'load' });
  await other.waitForFunction(() => window.__hotspot && window.__hotspot.ready === true, null, { timeout: 30000 });
  await other.locator('#details .ward[data-code=E05999013]').waitFor({ timeout: 10000 });
  assert.equal(await other.inputValue('#f-ward'), 'E05999013');
  const cam = await other.evaluate(() => ({ c: window.__map.getCenter().toArray(), z: window.__map.getZoom() }));
  assert.ok(Math.abs(cam.z - 14.5) < 0.01 && Math.abs(cam.c[0] - lon) < 1e-4 && Math.abs(cam.c[1] - lat) < 1e-4,
    JSON.stringify(cam));
  await other.close();
});

test('ward briefing (analyst): the full briefing for the current filters, as PDF and GeoPackage', async () => {
  // Kingsmead is selected, crime group serious acquisitive, shaded by rate.
  await page.locator('#briefing').waitFor({ state: 'visible' });
  assert.equal(await page.isChecked('#b-public'), false, 'an analyst defaults to the full briefing');
  assert.equal(await page.isDisabled('#b-public'), false);
  assert.match(await page.textContent('#b-note'), /NOT FOR PUBLICATION.*incident points/);
  const { href, text, wardsUrl } = await briefingLink(page);
  assert.equal(new URL(href, BASE).pathname, '/api/wards/E05999013/briefing');
  assert.match(wardsUrl, /rank_by=rate/);
  assert.deepEqual(paramsOf(href, ['format', 'public']), paramsOf(wardsUrl, ['rank_by']));
  const q = new URL(href, BASE).searchParams;
  assert.equal(q.get('group'), 'serious-acquisitive');
  assert.equal(q.get('period'), '2025-07..2025-12');
  assert.equal(q.get('compare'), 'previous');
  assert.equal(q.get('format'), 'pdf');
  assert.equal(q.get('public'), 'false');
  assert.equal(q.has('rank_by'), false);
  assert.equal(text, 'Download Kingsmead briefing (PDF)');
  await page.locator('#briefing').screenshot({ path: path.join(ARTIFACTS, 'briefing-analyst.png') });
  // The page's session gets the full PDF...
  const pdf = await fetchFromPage(page, href);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.type, 'application/pdf');
  assert.ok(pdf.head.startsWith('%PDF'), `body starts ${JSON.stringify(pdf.head)}`);
  assert.match(pdf.disposition, /filename="briefing-E05999013-[^"]*\.pdf"/);
  assert.doesNotMatch(pdf.disposition, /-public/);
  // ...and so does the browser's own download of the link.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#b-download')]);
  assert.match(download.suggestedFilename(), /^briefing-E05999013-[^-].*\.pdf$/);
  assert.doesNotMatch(download.suggestedFilename(), /-public/);
  const bytes = fs.readFileSync(await download.path());
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.match(pdfText(bytes), /NOT FOR PUBLICATION/);
  // GeoPackage.
  await page.selectOption('#b-format', 'gpkg');
  const gpkgLink = await briefingLink(page);
  assert.equal(new URL(gpkgLink.href, BASE).searchParams.get('format'), 'gpkg');
  assert.deepEqual(paramsOf(gpkgLink.href, ['format']), paramsOf(href, ['format']));
  assert.equal(gpkgLink.text, 'Download Kingsmead briefing (GeoPackage)');
  const gpkg = await fetchFromPage(page, gpkgLink.href);
  assert.equal(gpkg.status, 200);
  assert.equal(gpkg.type, 'application/geopackage+sqlite3');
  assert.equal(gpkg.head, 'SQLite format 3\0');
  assert.match(gpkg.disposition, /filename="briefing-E05999013-[^"]*\.gpkg"/);
  // Ticking "public version" asks for it; the filters stay.
  await page.check('#b-public');
  const pub = await briefingLink(page);
  assert.equal(new URL(pub.href, BASE).searchParams.get('public'), 'true');
  assert.deepEqual(paramsOf(pub.href, ['public']), paramsOf(gpkgLink.href, ['public']));
  assert.match(await page.textContent('#b-note'), /^Public version/);
  await page.uncheck('#b-public');
  await page.selectOption('#b-format', 'pdf');
  assert.equal(new URL((await briefingLink(page)).href, BASE).searchParams.get('public'), 'false');
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
  // Its separate areas, as the API lists them, each named; one click takes the map there.
  const api = await page.evaluate(async () => {
    const j = await (await fetch(window.__hotspot.hotspotsUrl)).json();
    return j.features.find((f) => f.properties.top_percent === 1).properties.places;
  });
  assert.ok(api.length > 0 && api.some((p) => / area\b/.test(p.name || '')), JSON.stringify(api));
  const listed = await hs.locator('ol.places button.place-go').allTextContents();
  assert.deepEqual(listed, api.map((p) => p.name || 'Unnamed area'));
  const camera = await page.evaluate(() => ({ center: window.__map.getCenter().toArray(), zoom: window.__map.getZoom() }));
  await hs.locator('ol.places button.place-go').first().click();
  await page.waitForFunction((p) => {
    const m = window.__map;
    const c = m.getCenter();
    return !m.isMoving() && Math.abs(c.lng - p.lon) < 1e-3 && Math.abs(c.lat - p.lat) < 1e-3 && m.getZoom() >= 15;
  }, api[0], { timeout: 10000 });
  await page.evaluate((c) => window.__map.jumpTo(c), camera);
  // The keyboard route to the same summary.
  await page.click('#hotspot-buttons button:has-text("Top 5%")');
  await page.locator('#details .hotspot[data-top="5"]').waitFor();
});

test('hotspots follow the view: a street-sized kernel at street zoom, one request per settled move, a bandwidth control', async () => {
  await idle(page);
  const hotspotCalls = () => apiRequests.filter((u) => u.startsWith('/api/hotspots?')).length;
  const kernelOf = (u) => page.evaluate(async (url) => {
    const j = await (await fetch(url)).json();
    return { cell: j.cell_m, bandwidth: j.bandwidth_m };
  }, u);
  const camera = await page.evaluate(() => ({ center: window.__map.getCenter().toArray(), zoom: window.__map.getZoom() }));
  const wideUrl = await page.evaluate(() => window.__hotspot.hotspotsUrl);
  assert.match(wideUrl, /[?&]bbox=-?[0-9.]+,[0-9.]+,-?[0-9.]+,[0-9.]+(&|$)/, 'the layer is computed for the view');
  const wide = await kernelOf(wideUrl);

  // Five quick zoom steps to street level: one request, once the map settles.
  const before = hotspotCalls();
  await page.evaluate(async () => {
    const m = window.__map;
    for (let i = 1; i <= 5; i++) {
      m.jumpTo({ zoom: m.getZoom() + 0.9 });
      await new Promise((r) => setTimeout(r, 30));
    }
  });
  await page.waitForFunction((u) => window.__hotspot.hotspotsUrl !== u, wideUrl, { timeout: 10000 });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(hotspotCalls() - before, 1, 'the zoom steps were not debounced into one request');
  const streetUrl = await page.evaluate(() => window.__hotspot.hotspotsUrl);
  const street = await kernelOf(streetUrl);
  assert.ok(street.cell <= 25 && street.bandwidth >= 100 && street.bandwidth <= 300,
    `street zoom got ${JSON.stringify(street)} (county view ${JSON.stringify(wide)})`);
  assert.ok(street.cell < wide.cell, `${JSON.stringify(street)} vs ${JSON.stringify(wide)}`);
  await page.waitForFunction(() => /For the area in view: bandwidth \d+ m \(automatic/.test(document.querySelector('#legend').textContent));

  // Street labels at street zoom: police.uk's map points in view, each with its incidents.
  await page.waitForFunction(() => /^\/api\/labels\?.*bbox=/.test(window.__hotspot.labelsUrl || ''), null, { timeout: 10000 });
  const labelsUrl = await page.evaluate(() => window.__hotspot.labelsUrl);
  const labels = await page.evaluate(async (u) => (await (await fetch(u)).json()).features, labelsUrl);
  assert.ok(labels.length > 0, 'no labelled map points at street zoom');
  let drawn = [];
  for (let i = 0; i < 20 && drawn.length === 0; i++) {
    await idle(page);
    drawn = await page.evaluate(() => window.__map.queryRenderedFeatures({ layers: ['labels-text'] })
      .map((f) => f.properties.street));
  }
  assert.ok(drawn.length > 0 && drawn.every((s) => labels.some((l) => l.properties.street === s)), JSON.stringify(drawn));

  // A small pan stays inside the area computed: nothing is asked for.
  const settled = hotspotCalls();
  await page.evaluate(() => window.__map.panBy([30, 20], { duration: 0 }));
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(hotspotCalls(), settled, 'a small pan recomputed the surface');

  // The analyst's bandwidth: in the request, the page URL and the legend.
  await page.selectOption('#f-bandwidth', '400');
  await page.waitForFunction(() => /[?&]bandwidth=400(&|$)/.test(window.__hotspot.hotspotsUrl || ''));
  assert.match(page.url(), /[?&]bandwidth=400(&|$)/);
  await page.waitForFunction(() => /bandwidth 400 m \(chosen\)/.test(document.querySelector('#legend').textContent));
  await page.selectOption('#f-bandwidth', '');
  await page.waitForFunction(() => !/bandwidth=/.test(window.__hotspot.hotspotsUrl || ''));
  await page.evaluate((c) => window.__map.jumpTo(c), camera);
  await page.waitForFunction((u) => window.__hotspot.hotspotsUrl !== u, streetUrl, { timeout: 10000 });
});

test('density surface and clustered incident points', async () => {
  const dreq = page.waitForRequest((r) => r.url().includes('/api/density?') && r.url().includes('format=grid'));
  await page.check('#l-density');
  await dreq;
  await page.waitForFunction(() => document.querySelector('#legend [data-layer=density]'));
  assert.equal(await page.locator('#legend [data-layer=density] li').count(), 5);
  assert.equal(await page.evaluate(() => window.__map.getLayoutProperty('density-raster', 'visibility')), 'visible');
  await page.uncheck('#l-density');
  // Incident points come as vector tiles, only for the view.
  const ireq = page.waitForRequest((r) => /\/api\/tiles\/incidents\/\d+\/\d+\/\d+\.mvt/.test(r.url()));
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
  // At street zoom each map point carries its count; a click lists them.
  const biggest = clusters.sort((a, b) => b.n - a.n)[0];
  await page.evaluate((c) => window.__map.jumpTo({ center: c, zoom: 16.5 }), biggest.c);
  let points = [];
  for (let i = 0; i < 20 && points.length === 0; i++) {
    await idle(page);
    points = await page.evaluate(() => {
      const r = window.__map.getCanvas().getBoundingClientRect();
      const legend = document.querySelector('#legend').getBoundingClientRect();
      return window.__map.queryRenderedFeatures({ layers: ['incidents-points'] }).map((f) => {
        const at = window.__map.project(f.geometry.coordinates);
        return { x: r.left + at.x, y: r.top + at.y, count: f.properties.count };
      }).filter((p) => p.x > legend.right + 15 && p.y > r.top + 15 && p.y < r.bottom - 40 && p.x < r.right - 60);
    });
  }
  assert.ok(points.length > 0, 'no map point rendered at street zoom');
  const busiest = points.sort((a, b) => b.count - a.count)[0];
  await page.mouse.click(busiest.x, busiest.y);
  await page.locator('#incidents-here:not([aria-busy])').waitFor({ timeout: 15000 });
  const listed = await page.textContent('#incidents-here p');
  assert.match(listed, new RegExp(`^${busiest.count.toLocaleString('en-GB')} incidents? at this point`));
  assert.equal(await page.locator('#incidents-here .incident').count(), Math.min(busiest.count, 25));
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
  // Files the service writes, with the licence inside: a GeoPackage of the
  // hotspot areas for the page's period, the density GeoTIFF, and a layer
  // the page does not draw (Gi*) as CSV.
  const [gpkg] = await Promise.all([page.waitForEvent('download'), page.click('#x-gpkg')]);
  const gpkgBytes = fs.readFileSync(await gpkg.path());
  assert.equal(gpkgBytes.subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
  assert.ok(gpkgBytes.includes('Open Government Licence v3.0'), 'the GeoPackage carries the licence');
  assert.match(gpkg.suggestedFilename(), /^hotspot-hotspots-.*\.gpkg$/);
  assert.match(await page.evaluate(() => window.__hotspot.exportUrl), /^\/ogc\/collections\/hotspots\/items\?period=2025-07\.\.2025-12.*&f=gpkg$/);
  const [tif] = await Promise.all([page.waitForEvent('download'), page.click('#x-geotiff')]);
  const tifBytes = fs.readFileSync(await tif.path());
  assert.equal(tifBytes.subarray(0, 4).toString('latin1'), 'II*\0');
  assert.ok(tifBytes.includes('Open Government Licence'), 'the GeoTIFF carries the licence');
  await page.selectOption('#x-layer', 'gistar');
  const [gcsv] = await Promise.all([page.waitForEvent('download'), page.click('#x-csv')]);
  const gText = fs.readFileSync(await gcsv.path(), 'utf8');
  assert.match(gText, /^# attribution: Contains public sector information/);
  assert.match(gText, /\n[^#][^\n]*\bz\b[^\n]*wkt\r?\n/, 'a header with the z-score and the geometry');
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('#x-png')]);
  const bytes = fs.readFileSync(await png.path());
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(bytes.length > 20000, `PNG only ${bytes.length} bytes`);
  fs.copyFileSync(await png.path(), path.join(ARTIFACTS, 'export.png'));
  // Signed in above the public role nothing is suppressed: the image says so in red.
  const top = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    return [...ctx.getImageData(3, 3, 1, 1).data];
  }, bytes.toString('base64'));
  assert.ok(top[0] > 150 && top[1] < 60 && top[2] < 80, `no red "not for publication" band: ${top}`);
});

/** Page points of Gi* grid cells' centres (`du`, `dv`: offsets from the
 * centre in cells), from the grid's corners as the map projects them; null
 * when off the map. */
async function giCellPoints(p, grid, cells, du = 0, dv = 0) {
  return p.evaluate(({ grid, cells, du, dv }) => {
    const m = window.__map;
    const r = m.getCanvas().getBoundingClientRect();
    const [nw, ne, se, sw] = grid.corners.map((c) => m.project(c));
    const lerp = (a, b, t) => ({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });
    return cells.map((i) => {
      const u = ((i % grid.cols) + 0.5 + du) / grid.cols;
      const v = (Math.floor(i / grid.cols) + 0.5 + dv) / grid.rows;
      const q = lerp(lerp(nw, ne, u), lerp(sw, se, u), v);
      const on = q.x > 10 && q.y > 10 && q.x < r.width - 10 && q.y < r.height - 10;
      return on ? { x: r.left + q.x, y: r.top + q.y, cx: q.x, cy: q.y } : null;
    });
  }, { grid, cells, du, dv });
}

test('Gi* hot and cold spots: a grid drawn as an image in its classes, the legend, a grid control, the API\'s cell on click', async () => {
  await goHome(page);
  await page.check('#l-gistar');
  await page.waitForFunction(() => (window.__hotspot.gistarUrl || '').startsWith('/api/gistar?'), null, { timeout: 30000 });
  await idle(page);
  const url = await page.evaluate(() => window.__hotspot.gistarUrl);
  assert.match(url, /format=grid/, 'the compact grid, not polygons');
  // The legend's counts are the API's classes for the same request.
  const api = await page.evaluate(async (u) => (await fetch(u)).json(), url);
  const count = (k) => api.class.filter((c) => c !== null && api.classes[c].replace('_', '') === k).length;
  const legend = page.locator('#legend [data-layer=gistar]');
  const text = (await legend.textContent()).replace(/\s+/g, ' ');
  assert.match(text, /Benjamini–Hochberg/);
  assert.match(text, new RegExp(`Hot spot, 99% confidence ?${count('hot99')}(?!\\d)`));
  assert.match(text, new RegExp(`Cold spot, 90% confidence ?${count('cold90')}(?!\\d)`));
  assert.ok(count('hot99') > 0, 'the sample has hot spots');
  assert.equal(await page.evaluate(() => window.__map.getLayoutProperty('gistar-raster', 'visibility')), 'visible');
  // A coarser grid is asked for, and the page URL keeps it.
  await page.selectOption('#f-gi-cell', '1000');
  await page.waitForFunction(() => (window.__hotspot.gistarUrl || '').includes('cell=1000'));
  assert.match(page.url(), /gi_cell=1000/);
  assert.match(page.url(), /layers=[^&]*gistar/);
  const grid = await page.evaluate(async () => (await fetch(window.__hotspot.gistarUrl)).json());
  // Drawn: opaque and alone on top, the pixels at hot cells' centres are
  // their classes' colours.
  const hot = [...grid.class.keys()].filter((i) => grid.class[i] !== null && grid.classes[grid.class[i]].startsWith('hot'));
  const points = await giCellPoints(page, grid, hot);
  const shown = hot.map((i, k) => [i, points[k]]).filter(([, pt]) => pt);
  assert.ok(shown.length >= 2, 'hot cells are on screen');
  const hotspotsOn = await page.isChecked('#l-hotspots');
  if (hotspotsOn) await page.uncheck('#l-hotspots');
  await page.evaluate(() => window.__map.setPaintProperty('gistar-raster', 'raster-opacity', 1));
  await idle(page);
  const pixels = await page.evaluate((pts) => {
    const canvas = window.__map.getCanvas();
    const c = document.createElement('canvas');
    c.width = canvas.width; c.height = canvas.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(canvas, 0, 0);
    const k = canvas.width / canvas.getBoundingClientRect().width;
    return pts.map((q) => [...ctx.getImageData(Math.round(q.cx * k), Math.round(q.cy * k), 1, 1).data]);
  }, shown.map(([, pt]) => pt));
  const colours = { hot99: [0xb2, 0x18, 0x2b], hot95: [0xef, 0x8a, 0x62], hot90: [0xfd, 0xdb, 0xc7] };
  const key = (i) => grid.classes[grid.class[i]].replace('_', '');
  const matching = shown.filter(([i], k) => {
    const want = colours[key(i)];
    return want.every((v, j) => Math.abs(v - pixels[k][j]) <= 24);
  }).length;
  assert.ok(matching >= shown.length * 0.8, `${matching} of ${shown.length} hot cells drawn in their class colours: ${JSON.stringify(pixels.slice(0, 5))}`);
  await page.evaluate(() => window.__map.setPaintProperty('gistar-raster', 'raster-opacity', 0.7));
  if (hotspotsOn) await page.check('#l-hotspots');
  await idle(page);
  // Clicking a hot cell, at its centre and near its edge, shows that
  // cell's figures as the API gives them.
  const [i] = shown[0];
  const label = { hot99: 'Hot spot, 99% confidence', hot95: 'Hot spot, 95% confidence', hot90: 'Hot spot, 90% confidence' };
  for (const [du, dv] of [[0, 0], [0.4, -0.4]]) {
    const [pt] = await giCellPoints(page, grid, [i], du, dv);
    await page.evaluate(() => { document.querySelector('#details').innerHTML = ''; });
    await page.mouse.click(pt.x, pt.y);
    await page.locator('#details .gistar').waitFor({ timeout: 10000 });
    const details = (await page.textContent('#details .gistar')).replace(/\s+/g, ' ');
    assert.ok(details.includes(`Gi* cell: ${label[key(i)]}`), details);
    assert.ok(details.includes(`z-score${grid.z[i].toFixed(2)}`), `z ${grid.z[i]}: ${details}`);
    assert.ok(details.includes(`Incidents in the cell${grid.count[i].toLocaleString('en-GB', { maximumFractionDigits: 0 })}`), details);
  }
  // Back as it was.
  await page.selectOption('#f-gi-cell', '');
  await page.uncheck('#l-gistar');
  await goHome(page);
});

test('emerging hot spots: categories explained in the legend, a cell\'s z-scores and trend on click', async () => {
  await goHome(page);
  await page.check('#l-emerging');
  await page.waitForFunction(() => (window.__hotspot.emergingUrl || '').startsWith('/api/emerging?'), null, { timeout: 30000 });
  await idle(page);
  const api = await page.evaluate(async () => (await fetch(window.__hotspot.emergingUrl)).json());
  const shown = api.features.filter((f) => f.properties.class !== 'no_pattern');
  assert.ok(shown.length > 0, 'the sample has emerging hot or cold spots');
  const legend = (await page.textContent('#legend [data-layer=emerging]')).replace(/\s+/g, ' ');
  for (const cls of new Set(shown.map((f) => f.properties.class))) {
    const cells = shown.filter((f) => f.properties.class === cls);
    assert.match(legend, new RegExp(`${cells[0].properties.label} ?${cells.length}(?!\\d)`));
    // Each category shown is explained.
    const name = cls.replace(/_/g, ' ');
    assert.match(legend, new RegExp(`${name[0].toUpperCase()}${name.slice(1)}: (hot|cold) `, 'i'));
  }
  assert.match(legend, new RegExp(`${api.periods.length} steps`));
  // A cell's series of z-scores, one per step, and its trend.
  const pt = await page.evaluate(() => {
    const f = window.__map.queryRenderedFeatures({ layers: ['emerging-fill'] })
      .find((c) => c.properties.class !== 'no_pattern');
    if (!f) return null;
    const ring = f.geometry.coordinates[0];
    const p = window.__map.project([ring.reduce((a, c) => a + c[0], 0) / ring.length, ring.reduce((a, c) => a + c[1], 0) / ring.length]);
    const r = window.__map.getCanvas().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  });
  assert.ok(pt, 'an emerging cell is on screen');
  await page.mouse.click(pt.x, pt.y);
  await page.locator('#details .emerging svg.zseries').waitFor({ timeout: 10000 });
  const label = await page.getAttribute('#details .emerging svg.zseries', 'aria-label');
  assert.equal(label.split(': ')[1].split(', ').length, api.periods.length);
  assert.match(await page.textContent('#details .emerging'), /Trend of z \(Mann-Kendall\)/);
  await page.uncheck('#l-emerging');
  await goHome(page);
});

/** Runs a patterns analysis from the keyboard and returns the API's answer for the page's own request. */
async function runPattern(p, button) {
  const before = await p.evaluate(() => window.__hotspot.patternsUrl || '');
  await p.focus(button);
  await p.keyboard.press('Enter');
  await p.waitForFunction((u) => (window.__hotspot.patternsUrl || '') !== u, before, { timeout: 60000 });
  const url = await p.evaluate(() => window.__hotspot.patternsUrl);
  return { url, api: await p.evaluate(async (u) => (await fetch(u)).json(), url) };
}

test('patterns: the temporal profile, near-repeat and which method, as the API says, with CSVs and "use this method"', async () => {
  await goHome(page);
  // Fly-tipping: the sample's dated and timed source.
  await page.selectOption('#f-source', 'fly-tipping');
  await idle(page);
  // When: the heat grid holds the API's week-hour counts, the trend its months.
  const t = await runPattern(page, '#pt-temporal');
  assert.match(t.url, /^\/api\/temporal\?.*source=fly-tipping/);
  const cells = await page.$$eval('#tp-heat td[data-count]', (tds) => tds.map((td) => [+td.dataset.day, +td.dataset.hour, +td.dataset.count]));
  assert.equal(cells.length, 168);
  for (const [d, h, c] of cells) assert.equal(c, t.api.week_hour.counts[d][h], `day ${d} hour ${h}`);
  assert.ok(t.api.with_time > 0);
  const bars = await page.$$eval('#tp-trend rect.bar', (rs) => rs.map((r) => [r.dataset.month, +r.dataset.count]));
  assert.deepEqual(bars, t.api.monthly.map((m) => [`${m.year}-${String(m.month).padStart(2, '0')}`, m.count]));
  assert.equal(await page.locator('#tp-trend rect.spike').count(), t.api.monthly.filter((m) => m.spike).length);
  const [tcsv] = await Promise.all([page.waitForEvent('download'), page.click('#pt-csv')]);
  const tlines = fs.readFileSync(await tcsv.path(), 'utf8').trim().split('\n');
  assert.equal(tlines[0], 'month,count,last_year,change_vs_last_year_pct,expected,spike,spike_p');
  assert.ok(tlines.includes('weekday,hour,count'));
  // Near-repeat: the table's observed pairs and stars are the API's.
  const k = await runPattern(page, '#pt-knox');
  assert.match(k.url, /^\/api\/near-repeat\?/);
  const knox = await page.$$eval('#nr-table td[data-observed]', (tds) => tds.map((td) => [+td.dataset.space, +td.dataset.time, +td.dataset.observed, td.classList.contains('sig')]));
  assert.equal(knox.length, k.api.cells.length);
  for (const [sp, tb, obs, sig] of knox) {
    const c = k.api.cells.find((x) => x.space_band === sp && x.time_band === tb);
    assert.equal(obs, c.observed);
    assert.equal(sig, c.significant && c.ratio > 1);
  }
  assert.match(await page.textContent('#nr-headline'), new RegExp(`^Pairs ${k.api.cells[0].space_label} and ${k.api.cells[0].time_label} apart: ${k.api.cells[0].observed} observed`));
  // All sources: most are police.uk months, and the page says why not.
  await page.selectOption('#f-source', '');
  await idle(page);
  await page.click('#pt-knox');
  await page.locator('#pt-result .error').waitFor({ timeout: 30000 });
  assert.match(await page.textContent('#pt-result'), /needs the date of each incident.*known only by their month/);
  assert.equal(await page.isDisabled('#pt-csv'), true);
  // Chromium logs the API's deliberate 422 as a console error; only that one may go.
  const logged = consoleErrors.findIndex((e) => /status of 422/.test(e));
  assert.ok(logged >= 0, 'the refused request was not logged');
  consoleErrors.splice(logged, 1);
  // Which method: the ranking is the API's, trained on the comparison period.
  const m = await runPattern(page, '#pt-methods');
  assert.match(m.url, /^\/api\/evaluate\?.*train=\d{4}-\d{2}\.\.\d{4}-\d{2}&test=\d{4}-\d{2}\.\.\d{4}-\d{2}/);
  const rows = await page.$$eval('#pai-table tbody th', (ths) => ths.map((th) => th.textContent.replace('▬', '').replace('★', '').trim()));
  assert.deepEqual(rows, m.api.recommendation.ranking.map((r) => r[0]));
  assert.equal(await page.textContent('#pai-reason'), m.api.recommendation.reason);
  assert.equal(await page.locator('#pai-curves polyline.pai-curve').count(), m.api.methods.length);
  const [mcsv] = await Promise.all([page.waitForEvent('download'), page.click('#pt-csv')]);
  assert.equal(fs.readFileSync(await mcsv.path(), 'utf8').split('\n')[0], 'method,coverage,hit_rate,pai,rri');
  // "Use this method" on a KDE row: the hotspot layer at that bandwidth.
  const kde = m.api.methods.findIndex((x) => x.layer && x.layer.layer === 'hotspots');
  const bw = m.api.methods[kde].layer.bandwidth_m;
  await page.click(`#pai-table button.pai-use[data-method="${kde}"]`);
  await page.waitForFunction((h) => (window.__hotspot.hotspotsUrl || '').includes(`bandwidth=${h}`), bw, { timeout: 30000 });
  assert.match(page.url(), new RegExp(`bandwidth=${bw}(&|$)`));
  assert.equal(await page.isChecked('#l-hotspots'), true);
  assert.equal(await page.inputValue('#f-bandwidth'), String(bw));
  // And a Gi* row: the Gi* layer on that grid.
  const gi = m.api.methods.findIndex((x) => x.layer && x.layer.layer === 'gistar');
  await page.click(`#pai-table button.pai-use[data-method="${gi}"]`);
  const cell = Math.round(m.api.methods[gi].layer.cell_m);
  await page.waitForFunction((c) => (window.__hotspot.gistarUrl || '').includes(`cell=${c}`), cell, { timeout: 30000 });
  assert.equal(await page.isChecked('#l-gistar'), true);
  assert.equal(await page.inputValue('#f-gi-cell'), String(cell));
  await page.screenshot({ path: path.join(ARTIFACTS, 'patterns.png') });
  // Back as it was.
  await page.uncheck('#l-gistar');
  await page.check('#l-hotspots');
  await page.selectOption('#f-gi-cell', '');
  await page.selectOption('#f-bandwidth', '');
  await goHome(page);
  assert.deepEqual(refused, []);
});

test('harm weighting: wards, hotspots and Gi* weigh each incident by the harm index, and say so', async () => {
  await goHome(page);
  assert.ok(await page.isVisible('#weight-row'));
  await page.check('#l-hotspots');
  const before = await page.evaluate(() => window.__hotspot.wardsUrl);
  await page.selectOption('#f-weight', 'harm');
  await page.waitForFunction((u) => window.__hotspot.wardsUrl !== u, before, { timeout: 30000 });
  const wardsUrl = await page.evaluate(() => window.__hotspot.wardsUrl);
  assert.match(wardsUrl, /weight=harm/);
  assert.match(page.url(), /weight=harm/);
  await page.waitForFunction(() => (window.__hotspot.hotspotsUrl || '').includes('weight=harm'), null, { timeout: 30000 });
  await idle(page);
  assert.match(await legendText(page), /Weighted by harm: Browser-test harm index \(source: made-up weights/);
  // Shade by harm per 1,000: the drawn wards carry the API's figures.
  await page.selectOption('#f-measure', 'harm');
  await page.waitForFunction(() => window.__hotspot.measure === 'harm');
  await idle(page);
  assert.match(await legendText(page), /Wards: Harm per 1,000 residents/);
  const url = await page.evaluate(() => window.__hotspot.wardsUrl);
  const api = await page.evaluate(async (u) => (await fetch(u)).json(), url);
  const cat = await page.evaluate(async () => (await fetch('/api/categories')).json());
  assert.equal(api.harm_index.name, cat.harm_index.name);
  const drawn = await page.evaluate(() => Object.fromEntries(window.__map.querySourceFeatures('wards')
    .map((f) => [f.properties.code, f.properties.harm_per_1000])));
  for (const f of api.features) {
    assert.ok(f.properties.harm >= f.properties.count, `${f.properties.code}: every weight is at least 1`);
    if (f.properties.code in drawn) assert.equal(drawn[f.properties.code], f.properties.harm_per_1000);
  }
  // A ward's panel shows its harm beside its count.
  const code = api.features[0].properties.code;
  await page.selectOption('#f-ward', code);
  await page.locator(`#details .ward[data-code="${code}"]`).waitFor({ timeout: 15000 });
  assert.match(await page.textContent('#details'), /Harm per 1,000 residents/);
  await page.selectOption('#f-ward', '');
  // Back to counts: the measure returns to counts too.
  await page.selectOption('#f-weight', 'count');
  await page.waitForFunction(() => !(window.__hotspot.wardsUrl || '').includes('weight='), null, { timeout: 30000 });
  assert.equal(await page.inputValue('#f-measure'), 'count');
  await goHome(page);
  assert.deepEqual(refused, []);
});

test('change map, point clusters and relative risk: drawn as the API says, explained, clickable, exported', async () => {
  await goHome(page);
  // Change: the comparison period (previous) against the selected one, on the Gi* grid.
  await page.check('#l-change');
  await page.waitForFunction(() => (window.__hotspot.changeUrl || '').startsWith('/api/change?'), null, { timeout: 30000 });
  await idle(page);
  const changeUrl = await page.evaluate(() => window.__hotspot.changeUrl);
  assert.match(changeUrl, /before=\d{4}-\d{2}\.\.\d{4}-\d{2}&after=\d{4}-\d{2}\.\.\d{4}-\d{2}/);
  const change = await page.evaluate(async (u) => (await fetch(u)).json(), changeUrl);
  const legend = (await page.textContent('#legend [data-layer=change]')).replace(/\s+/g, ' ');
  for (const [cls, label] of [['rise', 'Significant rise'], ['fall', 'Significant fall'], ['no_significant_change', 'No significant change']]) {
    const n = change.features.filter((f) => f.properties.class === cls).length;
    assert.match(legend, new RegExp(`${label} ?${n.toLocaleString('en-GB')}(?!\\d)`));
  }
  assert.match(legend, new RegExp(`Before ${change.before.period.replace(/\./g, '\\.')}`));
  const drawnCells = await page.evaluate(() => new Set(window.__map.querySourceFeatures('change')
    .map((f) => `${f.properties.col},${f.properties.row}`)).size);
  assert.ok(drawnCells > 0 && drawnCells <= change.features.length);
  await page.selectOption('#x-layer', 'change');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#x-csv')]);
  const lines = fs.readFileSync(await csv.path(), 'utf8').trim().split(/\r?\n/);
  assert.ok(lines[0].startsWith('class,n_before,n_after,change'), lines[0]);
  assert.equal(lines.length, change.features.length + 1);
  await page.selectOption('#x-layer', 'wards');
  await page.uncheck('#l-change');
  // Clusters: outlines with their counts; a click names the cluster.
  await page.check('#l-clusters');
  await page.waitForFunction(() => (window.__hotspot.clustersUrl || '').startsWith('/api/clusters?'), null, { timeout: 30000 });
  await idle(page);
  const clusters = await page.evaluate(async () => (await fetch(window.__hotspot.clustersUrl)).json());
  assert.ok(clusters.features.length > 0, 'the sample has clusters');
  const total = clusters.features.reduce((a, f) => a + f.properties.count, 0);
  const cl = (await page.textContent('#legend [data-layer=clusters]')).replace(/\s+/g, ' ');
  assert.match(cl, new RegExp(`Cluster \\(${total.toLocaleString('en-GB')} incidents in all\\) ?${clusters.features.length}`));
  assert.match(cl, new RegExp(`neighbourhood ${Math.round(clusters.eps_m)} m`));
  const pt = await page.evaluate(() => {
    const f = window.__map.queryRenderedFeatures({ layers: ['clusters-fill'] })[0];
    if (!f) return null;
    const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
    const p = window.__map.project([ring.reduce((a, c) => a + c[0], 0) / ring.length, ring.reduce((a, c) => a + c[1], 0) / ring.length]);
    const r = window.__map.getCanvas().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y, rank: f.properties.rank };
  });
  assert.ok(pt, 'a cluster is on screen');
  await page.mouse.click(pt.x, pt.y);
  await page.locator('#details .cluster').waitFor({ timeout: 10000 });
  assert.match(await page.textContent('#details .cluster'), /Cluster \d+ of the selection.*Incidents/s);
  await page.uncheck('#l-clusters');
  // Relative risk against residents: the legend's masked cells are the API's.
  await page.check('#l-risk');
  await page.waitForFunction(() => (window.__hotspot.riskUrl || '').startsWith('/api/relative-risk?'), null, { timeout: 60000 });
  await idle(page);
  const riskUrl = await page.evaluate(() => window.__hotspot.riskUrl);
  assert.match(riskUrl, /denominator=population&bandwidth=600&cell=240/);
  const risk = await page.evaluate(async (u) => (await fetch(u)).json(), riskUrl);
  const masked = risk.features.filter((f) => f.properties.masked).length;
  const rl = (await page.textContent('#legend [data-layer=risk]')).replace(/\s+/g, ' ');
  assert.match(rl, new RegExp(`Masked: too few in the denominator ?${masked.toLocaleString('en-GB')}(?!\\d)`));
  const over2 = risk.features.filter((f) => !f.properties.masked && f.properties.numerator_density > 0 && f.properties.ratio >= 2).length;
  assert.match(rl, new RegExp(`Over 2× the average risk ?${over2.toLocaleString('en-GB')}(?!\\d)`));
  await page.uncheck('#l-risk');
  await goHome(page);
  assert.deepEqual(refused, []);
});

test('the ranked ward table: sorts, says what priority is by, and a name chooses the ward', async () => {
  await page.click('#ward-table-box summary');
  const table = page.locator('#ward-table table.ward-table');
  await table.waitFor();
  assert.equal(await table.locator('tbody tr').count(), 16);
  assert.match(await table.locator('caption').textContent(), /Rank and priority \(★, the top 5\) are by (count|rate per 1,000 residents)\./);
  const api = await page.evaluate(async () => (await (await fetch(window.__hotspot.wardsUrl)).json())
    .features.map((f) => f.properties));
  // Sorted by count, largest first, from the keyboard.
  await table.locator('button.ward-sort[data-key=count]').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#ward-table th[aria-sort=descending] button[data-key=count]'));
  assert.equal(await page.evaluate(() => document.activeElement.dataset.key), 'count');
  const shown = await page.locator('#ward-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.code));
  const expected = [...api].sort((a, b) => (b.count ?? -1) - (a.count ?? -1) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((w) => w.code);
  assert.deepEqual(shown, expected);
  // A name chooses the ward: selected, framed on the map, its panel in view.
  const code = expected[3];
  await page.locator(`#ward-table button.ward-go[data-code=${code}]`).click();
  await page.locator(`#details .ward[data-code=${code}]`).waitFor({ timeout: 10000 });
  assert.equal(await page.getAttribute(`#ward-table tr[data-code=${code}]`, 'aria-current'), 'true');
  const inView = await page.evaluate(() => {
    const r = document.querySelector('#h-details').getBoundingClientRect();
    return r.top >= 0 && r.top < window.innerHeight;
  });
  assert.ok(inView, 'the ward panel is not brought into view');
  await page.click('#ward-table-box summary');
  await goHome(page);
});

test('the legend folds away and back', async () => {
  assert.equal(await page.getAttribute('#legend-toggle', 'aria-expanded'), 'true');
  await page.click('#legend-toggle');
  assert.equal(await page.isVisible('#legend'), false);
  assert.equal(await page.getAttribute('#legend-toggle', 'aria-expanded'), 'false');
  await page.click('#legend-toggle');
  assert.ok(await page.isVisible('#legend'));
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
  await page.screenshot({ path: path.join(ARTIFACTS, 'map.png') });
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
  // The sign-in form fits the screen and Escape closes it.
  await tablet.tap('#sign-in-toggle');
  await tablet.locator('#sign-in').waitFor({ state: 'visible' });
  const form = await tablet.locator('#sign-in').boundingBox();
  assert.ok(form.x >= 0 && form.x + form.width <= 768, `sign-in form at ${form.x}+${form.width}`);
  await tablet.keyboard.press('Escape');
  assert.equal(await tablet.isVisible('#sign-in'), false);
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

test('signing out returns to the public view', async () => {
  await page.evaluate(() => { window.__noReload = true; });
  const mark = apiRequests.length;
  const wards = page.waitForRequest((r) => r.url().includes('/api/wards?'));
  await page.click('#sign-out');
  await waitForRole(page, 'public');
  await wards;
  assert.match(await page.textContent('#who'), /Not signed in \(public view\)/);
  assert.ok(await page.isVisible('#sign-in-toggle'));
  assert.equal(await page.isVisible('#sign-out'), false);
  assert.equal(await page.isDisabled('#l-hotspots'), true);
  assert.equal(await page.isDisabled('#l-incidents'), true);
  assert.equal(await page.locator('#hotspot-buttons button').count(), 0);
  assert.equal(await page.isVisible('#p-form'), false);
  assert.ok(await page.isVisible('#p-lock'));
  assert.equal(await page.isVisible('#hardening'), false);
  assert.equal(await page.isVisible('#iv-body'), false);
  assert.ok(await page.isVisible('#iv-lock'));
  assert.equal(await page.evaluate(() => window.__map.getSource('interventions').serialize().data.features.length), 0);
  await page.waitForFunction(() => !document.querySelector('#legend [data-layer=hotspots]'));
  await idle(page);
  assert.equal(await sourceCount(page, 'hotspots'), 0);
  assert.equal(await sourceCount(page, 'incidents'), 0);
  assert.equal(await page.evaluate(() => window.__map.getLayoutProperty('incidents-points', 'visibility')), 'none');
  const after = apiRequests.slice(mark);
  assert.ok(after.includes('/api/me'));
  assert.deepEqual(after.filter((u) => PARTNER_API.test(u) || ANALYST_API.test(u) || u.startsWith('/api/plan')), []);
  assert.equal(await page.evaluate(() => window.__noReload), true, 'the page reloaded');
  // The selected ward's briefing is the public one again, and locked.
  assert.ok(await page.isVisible('#briefing'));
  assert.equal(await page.isChecked('#b-public'), true);
  assert.equal(await page.isDisabled('#b-public'), true);
  assert.equal(new URL((await briefingLink(page)).href, BASE).searchParams.get('public'), 'true');
  // The session cookie is gone: the server answers as public too.
  const me = await page.evaluate(async () => (await fetch('/api/me')).json());
  assert.deepEqual({ username: me.username, role: me.role }, { username: null, role: 'public' });
});

test('offline: no request left 127.0.0.1, none was refused, and the console stayed clean', () => {
  assert.deepEqual(external, []);
  assert.deepEqual(refused, []);
  assert.deepEqual(consoleErrors, []);
});
