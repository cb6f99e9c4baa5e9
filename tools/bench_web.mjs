#!/usr/bin/env node
// Web benchmarks in headless Chromium, written as Markdown to OUT (default bench/web.md):
//  1. first-visit transfer of the app without models: the files the page and its
//     worker load until the engine is ready, gzip -9 (onnxruntime's own
//     WebAssembly and the models excluded), and the service worker's precache;
//  2. time to interactive (engine ready) from a warm cache (service worker and
//     HTTP cache filled by a first visit), median of RUNS reloads;
//  3. the extension on a page of 50 images, scrolled by mouse wheel from the
//     moment it loads: time until every image has a badge (and until the AI
//     verdict refined them, when the engine has one), main-thread long tasks
//     and requestAnimationFrame gaps while scrolling, against the same scroll
//     without the extension.
// Needs build/site (`make site`) and build/extension (`make extension`).
// Usage: node tools/bench_web.mjs [OUT.md] [--runs N]
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startServer } from './serve.mjs';
import { CHROMIUM, CHROMIUM_ARGS, repoRoot } from '../tests/browser/support/browser.mjs';
import { openExtensionBrowser, isLoopback } from '../tests/browser/support/extension.mjs';
import { stagePages, manyImagesPage } from '../tests/pages/stage.mjs';

const args = process.argv.slice(2);
const out = args.find((a) => !a.startsWith('--')) ?? path.join(repoRoot, 'bench', 'web.md');
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
const siteDir = path.join(repoRoot, 'build', 'site');
const TARGETS = { transferKB: 600, ttiMs: 1500, badgesMs: 10_000 };

const kb = (n) => (n / 1024).toFixed(1);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN; };

/** Models and onnxruntime's WebAssembly are not part of the first-load budget. */
const excluded = (rel) => /\.onnx$/.test(rel) || rel.startsWith('models/') || /^lib\/ort\/.*\.wasm$/.test(rel);

function sizeOf(rel) {
  const file = path.join(siteDir, rel === '' || rel.endsWith('/') ? path.join(rel, 'index.html') : rel);
  const bytes = readFileSync(file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

async function launch({ serviceWorkers = 'allow' } = {}) {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'filigrane-bench-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 }, serviceWorkers,
  });
  await context.route((url) => !isLoopback(url.href), (route) => route.abort('blockedbyclient'));
  return { context, page: context.pages()[0] ?? await context.newPage(), close: async () => { await context.close(); rmSync(userDataDir, { recursive: true, force: true }); } };
}

// Records when the engine said it was ready, in the page's own clock.
const READY_PROBE = () => {
  const mark = () => {
    if (document.body?.dataset.engine === 'ready' && !window.__engineReadyAt) window.__engineReadyAt = performance.now();
  };
  new MutationObserver(mark).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-engine'] });
};

async function firstLoad(baseUrl) {
  // Service workers blocked: only what the page and its worker fetch to become ready.
  const b = await launch({ serviceWorkers: 'block' });
  const paths = new Set();
  b.context.on('request', (r) => { const u = new URL(r.url()); if (u.origin + '/' === baseUrl) paths.add(u.pathname.slice(1)); });
  await b.context.addInitScript(READY_PROBE);
  await b.page.goto(baseUrl);
  await b.page.waitForSelector('body[data-engine="ready"]', { timeout: 60_000 });
  const coldMs = await b.page.evaluate(() => window.__engineReadyAt);
  await b.page.waitForTimeout(1000);
  await b.close();
  const rows = [...paths].map((rel) => ({ rel: rel || 'index.html', excluded: excluded(rel), ...sizeOf(rel) }));
  const precache = JSON.parse(readFileSync(path.join(siteDir, 'precache.json'), 'utf8'));
  const precached = precache.files.filter((f) => f !== './').map((rel) => ({ rel, excluded: excluded(rel), ...sizeOf(rel) }));
  return { rows, precached, lazy: precache.lazy ?? [], coldMs };
}

async function warmTti(baseUrl) {
  const b = await launch();
  await b.context.addInitScript(READY_PROBE);
  await b.page.goto(baseUrl);
  await b.page.waitForSelector('body[data-offline-ready="true"]', { timeout: 60_000 });
  await b.page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
  const times = [];
  const dcl = [];
  for (let i = 0; i < runs; i++) {
    await b.page.reload();
    await b.page.waitForSelector('body[data-engine="ready"]', { timeout: 60_000 });
    times.push(await b.page.evaluate(() => window.__engineReadyAt));
    dcl.push(await b.page.evaluate(() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd));
  }
  await b.close();
  return { times, dcl };
}

// Main-world probe for the 50-image page: rAF gaps, long tasks, badge counts over time.
const SCROLL_PROBE = () => {
  const s = window.__probe = { frames: [], longTasks: [], quickAt: null, fullAt: null, badges: 0, full: 0 };
  let last = performance.now();
  const frame = (t) => { s.frames.push(t - last); last = t; requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) s.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  } catch { /* no long-task timing */ }
  const count = () => {
    const hosts = document.querySelectorAll('filigrane-badge');
    const imgs = document.images.length;
    s.badges = hosts.length;
    s.full = [...hosts].filter((h) => h.dataset.stage === 'full').length;
    if (imgs && s.badges >= imgs && s.quickAt === null) s.quickAt = performance.now();
    if (imgs && s.full >= imgs && s.fullAt === null) s.fullAt = performance.now();
  };
  new MutationObserver(count).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-stage'] });
};

/** Scrolls down and up by wheel until `done()` or the time limit; returns the scroll window in ms. */
async function scrollWhile(page, done, limitMs) {
  const started = Date.now();
  await page.mouse.move(640, 400);
  // Count frames and long tasks from here on (not the page's own load).
  await page.evaluate(() => { if (window.__probe) { window.__probe.frames = []; window.__probe.longTasks = []; } });
  let direction = 1;
  while (Date.now() - started < limitMs && !(await done())) {
    await page.mouse.wheel(0, 240 * direction);
    await page.waitForTimeout(80);
    const { y, max } = await page.evaluate(() => ({ y: scrollY, max: document.documentElement.scrollHeight - innerHeight }));
    if (direction > 0 && y >= max - 1) direction = -1;
    else if (direction < 0 && y <= 0) direction = 1;
  }
  return Date.now() - started;
}

function summariseScroll(probe) {
  const gaps = probe.frames.slice(1);
  return {
    frames: gaps.length,
    p95: quantile(gaps, 0.95),
    max: Math.max(0, ...gaps),
    over50: gaps.filter((g) => g > 50).length,
    longTasks: probe.longTasks.length,
    longTaskMs: probe.longTasks.reduce((a, b) => a + b, 0),
    longestTask: Math.max(0, ...probe.longTasks),
  };
}

async function extensionRun(e, pageName, deep) {
  await e.page.goto(e.baseUrl + pageName);
  const probe = () => e.page.evaluate(() => window.__probe);
  const doneQuick = async () => (await probe()).quickAt !== null;
  const scrollMs = await scrollWhile(e.page, doneQuick, 60_000);
  const quick = await probe();
  let full = null;
  if (deep) {
    // The deep stage waits while the page scrolls: stop, and wait for it.
    await e.page.waitForFunction(() => window.__probe.fullAt !== null, null, { timeout: 300_000, polling: 500 }).catch(() => {});
    full = await probe();
  }
  return { quickAt: quick.quickAt, badges: quick.badges, images: await e.page.evaluate(() => document.images.length), scrollMs, scroll: summariseScroll(quick), fullAt: full?.fullAt ?? null, full: full?.full ?? null };
}

async function extensionBench() {
  const root = stagePages(mkdtempSync(path.join(os.tmpdir(), 'filigrane-bench-pages-')));
  writeFileSync(path.join(root, 'many-warm.html'), manyImagesPage(50, '&run=warm'));
  // Baseline: the same page and scroll without the extension.
  const { server, url } = await startServer({ root, port: 0 });
  const base = await launch();
  await base.context.addInitScript(SCROLL_PROBE);
  await base.page.goto(url + 'many.html');
  const limit = Date.now() + 6000;
  await scrollWhile(base.page, async () => Date.now() > limit, 6000);
  const baseline = summariseScroll(await base.page.evaluate(() => window.__probe));
  await base.close();
  server.close();

  const e = await openExtensionBrowser({ root, viewport: { width: 1280, height: 800 } });
  try {
    await e.context.addInitScript(SCROLL_PROBE);
    const { Filigrane } = await import(pathToFileURL(path.join(repoRoot, 'build', 'extension', 'lib', 'filigrane.mjs')).href);
    const deep = ['aiVerdict', 'nudity', 'detectNudity'].filter((op) => typeof Filigrane.prototype[op] === 'function');
    const cold = await extensionRun(e, 'many.html', deep.length > 0);
    const warm = await extensionRun(e, 'many-warm.html', deep.length > 0);
    const egress = [...new Set(e.egress)];
    return { baseline, cold, warm, deep, egress };
  } finally {
    await e.close().catch(() => {});
  }
}

function markdown({ load, tti, ext }) {
  const firstRows = load.rows.filter((r) => !r.excluded).sort((a, b) => b.gzip - a.gzip);
  const total = firstRows.reduce((a, r) => ({ raw: a.raw + r.raw, gzip: a.gzip + r.gzip }), { raw: 0, gzip: 0 });
  const codeRows = firstRows.filter((r) => /\.(m?js|wasm|css)$/.test(r.rel));
  const code = codeRows.reduce((a, r) => a + r.gzip, 0);
  const pre = load.precached.filter((r) => !r.excluded);
  const preTotal = pre.reduce((a, r) => ({ raw: a.raw + r.raw, gzip: a.gzip + r.gzip }), { raw: 0, gzip: 0 });
  const ok = (v, target) => (v <= target ? 'meets' : 'misses');
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# Web: first load, time to interactive, extension',
    '',
    `Machine: ${cpu}, ${os.cpus().length} cores (shared with other work), ${Math.round(os.totalmem() / 2 ** 30)} GiB; headless Chromium (${CHROMIUM}); ${new Date().toISOString()}.`,
    'Produced by `make bench-web` (tools/bench_web.mjs). Sizes are of the files in build/site compressed here with gzip -9 (tools/serve.mjs itself does not compress).',
    '',
    '## First visit, until the engine is ready (service worker blocked)',
    '',
    `JS + WebAssembly + CSS: **${kb(code)} KB gzip** (target ≤ ${TARGETS.transferKB} KB: ${ok(code / 1024, TARGETS.transferKB)}); all files incl. HTML, manifest and icons: ${kb(total.gzip)} KB gzip (${kb(total.raw)} KB raw). Engine ready ${load.coldMs.toFixed(0)} ms after navigation on this cold visit.`,
    '',
    '| file | raw KB | gzip KB |',
    '|---|---:|---:|',
    ...firstRows.map((r) => `| ${r.rel} | ${kb(r.raw)} | ${kb(r.gzip)} |`),
    '',
    ...(load.rows.some((r) => r.excluded) ? [`Excluded (models, onnxruntime WebAssembly): ${load.rows.filter((r) => r.excluded).map((r) => `${r.rel} (${kb(r.gzip)} KB gzip)`).join(', ')}.`, ''] : []),
    `The service worker then precaches the rest of the app for offline use in the background: ${pre.length} files, ${kb(preTotal.gzip)} KB gzip (${kb(preTotal.raw)} KB raw), models excluded; fetched on first use and cached then: ${load.lazy.join(', ') || 'nothing'}.`,
    '',
    '## Time to interactive from a warm cache',
    '',
    `Navigation start to the engine being ready (\`body[data-engine="ready"]\`: WebAssembly instantiated in the worker), page served by its service worker, ${tti.times.length} reloads:`,
    '',
    '| measure | median ms | min ms | max ms |',
    '|---|---:|---:|---:|',
    `| DOMContentLoaded | ${median(tti.dcl).toFixed(0)} | ${Math.min(...tti.dcl).toFixed(0)} | ${Math.max(...tti.dcl).toFixed(0)} |`,
    `| engine ready | ${median(tti.times).toFixed(0)} | ${Math.min(...tti.times).toFixed(0)} | ${Math.max(...tti.times).toFixed(0)} |`,
    '',
    `Target ≤ ${TARGETS.ttiMs} ms: ${ok(median(tti.times), TARGETS.ttiMs)}.`,
    '',
    '## Extension on a page of 50 images',
    '',
    'tests/pages many.html: 50 images of 240×180 CSS px (files from tests/corpus, distinct URLs, 38 of them `loading="lazy"`), 1280×800 window, scrolled by mouse wheel (240 px every 80 ms, down and up) from the load event until every image had a badge; times count from navigation start, frames and long tasks from the first scroll. "Cold" is the first page after the browser started (the offscreen document and its WebAssembly start then); "warm" a second page with new image URLs. The baseline scrolls the same page for 6 s without the extension.',
    '',
    '| run | images | all badged after (ms) | rAF frames | rAF gap p95 ms | max gap ms | gaps > 50 ms | long tasks (total ms, longest) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    `| no extension | 50 | – | ${ext.baseline.frames} | ${ext.baseline.p95.toFixed(1)} | ${ext.baseline.max.toFixed(0)} | ${ext.baseline.over50} | ${ext.baseline.longTasks} (${ext.baseline.longTaskMs.toFixed(0)}, ${ext.baseline.longestTask.toFixed(0)}) |`,
    ...[['cold', ext.cold], ['warm', ext.warm]].map(([name, r]) =>
      `| extension, ${name} | ${r.images} | ${r.quickAt === null ? `not all (${r.badges})` : r.quickAt.toFixed(0)} | ${r.scroll.frames} | ${r.scroll.p95.toFixed(1)} | ${r.scroll.max.toFixed(0)} | ${r.scroll.over50} | ${r.scroll.longTasks} (${r.scroll.longTaskMs.toFixed(0)}, ${r.scroll.longestTask.toFixed(0)}) |`),
    '',
    `Target: all badges within ${TARGETS.badgesMs / 1000} s: cold ${ext.cold.quickAt === null ? 'misses' : ok(ext.cold.quickAt, TARGETS.badgesMs)}, warm ${ext.warm.quickAt === null ? 'misses' : ok(ext.warm.quickAt, TARGETS.badgesMs)}.`,
    '',
    ext.deep.length
      ? `The badges first show provenance (core WebAssembly, fast); the engine's ${ext.deep.join(', ')} then refine them one image at a time in a second worker: this stage waits while the page scrolls, so it was measured after scrolling stopped: all 50 refined ${ext.cold.fullAt === null ? `— (${ext.cold.full} of 50 within the limit)` : `${(ext.cold.fullAt / 1000).toFixed(1)} s`} after navigation cold, ${ext.warm.fullAt === null ? `— (${ext.warm.full} of 50)` : `${(ext.warm.fullAt / 1000).toFixed(1)} s`} warm.`
      : 'This engine has no AI-verdict or nudity op: badges show provenance only.',
    '',
    `Requests that left 127.0.0.1 during the extension runs: ${ext.egress.length ? ext.egress.join(', ') : 'none'}.`,
    '',
  ];
  return lines.join('\n');
}

if (!existsSync(path.join(siteDir, 'precache.json'))) throw new Error('build/site is not built: run "make site"');
const { server, url: baseUrl } = await startServer({ root: siteDir, port: 0 });
let load, tti;
try {
  load = await firstLoad(baseUrl);
  console.log(`first load: ${load.rows.length} files`);
  tti = await warmTti(baseUrl);
  console.log(`warm TTI: ${tti.times.map((t) => t.toFixed(0)).join(', ')} ms`);
} finally {
  server.close();
}
const ext = await extensionBench();
console.log(`extension: cold ${ext.cold.quickAt} ms, warm ${ext.warm.quickAt} ms`);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, markdown({ load, tti, ext }));
console.log(`wrote ${out}`);
