#!/usr/bin/env node
// Issue 17's numbers for the server-rendered screen mark (bench/screen-server.md):
//  1. Robustness through the tile endpoint: the demo site (what `filigrane
//     screen serve` runs) in headless Chromium at DPR 1 and 2, one browser
//     session (so one server-assigned viewer) per screenshot over several
//     viewport sizes and scroll positions; each screenshot decoded after PNG,
//     JPEG 50, scale 0.5/0.75/1.5/2 and a 512 x 512 crop, and counted exact
//     when the viewer and the minute are the ones the server assigned.
//  2. The tile endpoint under load: `filigrane screen serve` as its own process,
//     100 browser sessions, then 1,000 tile requests spread over them (DPR 1 and
//     2, 10 in flight, keep-alive) on 127.0.0.1: latency p50/p99 (first render of
//     a viewer-minute-ratio tile and cached repeats apart), requests per second,
//     and the server's resident memory.
//
// Usage: node tools/bench_screen_server.mjs [OUT.md] [--sessions N] [--requests N] [--viewers N] [--load-only]
// (--load-only re-measures the endpoint and keeps the screenshot section of OUT.md)
// Needs build/wasm (the Node module).
import { chromium } from 'playwright-core';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, CHROMIUM_ARGS, guardEgress } from '../tests/browser/support/browser.mjs';
import { createFiligraneNode } from '../web/lib/node.mjs';
import { deriveMarkKeys } from '../web/lib/mark-keys.mjs';
import { findScreenMark } from '../web/lib/leak-check.mjs';
import { straightFromPremultiplied } from '../web/lib/pixels.mjs';
import { loadKeyFile } from '../web/screenmark/server/handler.mjs';
import { startScreenmarkDemo } from '../web/screenmark/server/demo.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const outPath = args[0] && !args[0].startsWith('--') ? args[0] : path.join(repoRoot, 'bench', 'screen-server.md');
const SESSIONS = option('--sessions', 24);
const REQUESTS = option('--requests', 1000);
const VIEWERS = option('--viewers', 100);
const CONCURRENCY = 10;
const VIEWPORTS = [[1280, 800], [1440, 900], [1024, 768], [1920, 1080], [800, 600], [390, 844]];

const tmp = mkdtempSync(path.join(os.tmpdir(), 'filigrane-bench-serve-'));
const keyFile = path.join(tmp, 'bench.key');
const keygen = spawnSync(path.join(repoRoot, 'filigrane'), ['screen', 'keygen', keyFile], { encoding: 'utf8' });
if (keygen.status !== 0) throw new Error(keygen.stderr);
const ring = await loadKeyFile(keyFile);
const [material] = await deriveMarkKeys(ring);
const core = await createFiligraneNode();

// Distortions of a screenshot (PNG bytes) -> bytes to decode.
function distortions(png, width, height, seed) {
  const rgba = () => core.decodeRgba(png);
  const scaled = (s) => core.resize(png, { width: Math.round(width * s), height: Math.round(height * s), filter: 'lanczos3' });
  const crop = () => {
    const px = rgba();
    const side = 512;
    const x0 = Math.floor(((seed * 7919) % 1000) / 1000 * Math.max(1, width - side));
    const y0 = Math.floor(((seed * 104729) % 1000) / 1000 * Math.max(1, height - side));
    const w = Math.min(side, width), h = Math.min(side, height);
    const out = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) out.set(px.rgba.subarray(((y0 + y) * width + x0) * 4, ((y0 + y) * width + x0 + w) * 4), y * w * 4);
    return core.encode({ width: w, height: h, rgba: out });
  };
  return {
    PNG: () => png,
    'JPEG 50': () => core.encode(rgba(), { format: 'jpeg', quality: 50 }),
    'scale 0.5': () => scaled(0.5),
    'scale 0.75': () => scaled(0.75),
    'scale 1.5': () => scaled(1.5),
    'scale 2': () => scaled(2),
    'crop 512 x 512': crop,
  };
}

async function robustness() {
  const viewers = [];
  const demo = await startScreenmarkDemo({ keys: ring, engine: core, onViewer: (v) => viewers.push(v) });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const rows = new Map(); // "dpr|distortion" -> {exact, wrong, total, ms: []}
  const shots = [];
  const failures = [];
  try {
    for (const dpr of [1, 2]) {
      for (let i = 0; i < SESSIONS; i++) {
        const [w, h] = VIEWPORTS[i % VIEWPORTS.length];
        const context = await browser.newContext({ viewport: { width: w, height: h }, deviceScaleFactor: dpr });
        const { egress } = await guardEgress(context);
        const page = await context.newPage();
        await page.goto(demo.url);
        await page.waitForFunction(() => document.documentElement.dataset.screenmark, null, { timeout: 30_000 });
        const scroll = (i * 97) % 400;
        await page.evaluate((y) => window.scrollTo(0, y), scroll);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const before = await page.evaluate(() => window.filigraneScreenmark.tile().minute);
        const png = new Uint8Array(await page.screenshot({ type: 'png' }));
        const after = await page.evaluate(() => window.filigraneScreenmark.tile().minute);
        const viewer = viewers.at(-1);
        await context.close();
        if (egress.length) throw new Error(`requests left 127.0.0.1: ${egress.join(', ')}`);
        if (before !== after) { i--; continue; } // the minute turned during the screenshot: take it again
        const info = core.info(png);
        shots.push({ dpr, width: info.width, height: info.height });
        for (const [name, make] of Object.entries(distortions(png, info.width, info.height, i + 1))) {
          const bytes = make();
          const t0 = performance.now();
          const r = await findScreenMark(core, bytes, material.screen);
          const ms = performance.now() - t0;
          const key = `${dpr}|${name}`;
          if (!rows.has(key)) rows.set(key, { exact: 0, wrong: 0, total: 0, ms: [] });
          const row = rows.get(key);
          row.total++;
          row.ms.push(ms);
          if (r.found && r.viewerId === viewer && r.time === before) row.exact++;
          else {
            if (r.found) row.wrong++;
            failures.push(`DPR ${dpr}, ${w}×${h} CSS px, ${name}: ${r.found ? `wrong payload ${r.payload}` : `not found (sync ${r.syncScore.toFixed(1)})`}`);
          }
        }
        process.stderr.write(`dpr ${dpr} session ${i + 1}/${SESSIONS} (viewer ${viewer}, ${w}x${h})\n`);
      }
    }
  } finally {
    await browser.close();
    await demo.close();
  }
  return { rows, shots, failures };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function load() {
  const server = spawn(path.join(repoRoot, 'filigrane'), ['screen', 'serve', '--key-file', keyFile, '--port', '0'], { cwd: repoRoot });
  let out = '';
  server.stdout.on('data', (d) => { out += d; });
  const url = await new Promise((resolve, reject) => {
    server.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
    const poll = setInterval(() => {
      const m = /demo on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) { clearInterval(poll); resolve(m[1]); }
    }, 20);
  });
  const memory = () => {
    const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const get = (p, cookie) => new Promise((resolve, reject) => {
    const t0 = performance.now();
    http.get(new URL(p, url), { agent, headers: cookie ? { cookie } : {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes: Buffer.concat(chunks).length, ms: performance.now() - t0 }));
    }).on('error', reject);
  });
  const idle = memory();
  const cookies = [];
  for (let v = 0; v < VIEWERS; v++) cookies.push((await get('/')).headers['set-cookie'][0].split(';')[0]);
  // Warm the engine (the WebAssembly module loads on the first tile).
  const first = await get('/screenmark/tile?dpr=1', cookies[0]);
  const plan = Array.from({ length: REQUESTS }, (_, i) => ({ cookie: cookies[(i * 37) % VIEWERS], dpr: i % 2 ? '2' : '1' }));
  const seen = new Set(['0|1']);
  const results = [];
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < plan.length) {
      const job = plan[next++];
      const id = `${cookies.indexOf(job.cookie)}|${job.dpr}`;
      const firstRender = !seen.has(id);
      seen.add(id);
      const r = await get(`/screenmark/tile?dpr=${job.dpr}`, job.cookie);
      results.push({ ...r, firstRender });
    }
  }));
  const wallS = (performance.now() - t0) / 1000;
  const load = os.loadavg()[0].toFixed(1);
  const mem = memory();
  server.kill('SIGTERM');
  agent.destroy();
  const ok = results.filter((r) => r.status === 200).length;
  const all = results.map((r) => r.ms).sort((a, b) => a - b);
  const cold = results.filter((r) => r.firstRender).map((r) => r.ms).sort((a, b) => a - b);
  const warm = results.filter((r) => !r.firstRender).map((r) => r.ms).sort((a, b) => a - b);
  return { ok, wallS, all, cold, warm, idle, mem, load, firstMs: first.ms, bytes: results.map((r) => r.bytes) };
}

const LOAD_ONLY = args.includes('--load-only');
const { rows, shots, failures } = LOAD_ONLY ? { rows: new Map(), shots: [], failures: [] } : await robustness();
const stats = await load();
// One tile render in-process (screenTile + PNG encode), median of 20, to separate the work from queueing.
const renderMs = {};
for (const dpr of [1, 2]) {
  const times = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const tile = core.screenTile({ key: material.screen, payload: (1000 + i).toString(16).padStart(16, '0'), dpr });
    core.encode({ width: tile.width, height: tile.height, rgba: straightFromPremultiplied(tile.rgba) });
    times.push(performance.now() - t0);
  }
  renderMs[dpr] = times.sort((a, b) => a - b)[10];
}

const pct = (a, b) => `${((100 * a) / b).toFixed(1)}%`;
const fmt = (ms) => ms.toFixed(1);
const lines = [
  '# Screen mark served from the tile endpoint',
  '',
  `Produced by \`make bench-screen-server\` (\`node tools/bench_screen_server.mjs\`) on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${new Date().toISOString().slice(0, 10)}.`,
  '',
  '## Screenshots of the demo page through the tile endpoint',
  '',
  `The demo site (\`filigrane screen serve\`'s server, in-process) in headless Chromium; ${SESSIONS} browser sessions per DPR,`,
  `each a new cookie and so a new server-assigned viewer, over viewports ${VIEWPORTS.map(([w, h]) => `${w}×${h}`).join(', ')} CSS px`,
  'and scroll offsets 0–400 px. Exact = the decoded viewer and minute are the ones the server assigned to that session;',
  'wrong = a payload was decoded but it is not that one. Scaling uses Lanczos-3; the crop is 512 × 512 device px at a varying position.',
  'Decoded as `filigrane check` and the Decode view do (web/lib/leak-check.mjs findScreenMark: the core\'s default scale range,',
  '0.45–2.2× the DPR-1 tile, then, when that finds nothing, a half-size copy, where an enlarged DPR-2 capture is back in range);',
  'decode ms covers both.',
  '',
  '| DPR | distortion | exact | wrong | decode ms (median) |',
  '|---|---|---|---|---|',
];
for (const [key, row] of rows) {
  const [dpr, name] = key.split('|');
  const ms = row.ms.sort((a, b) => a - b);
  lines.push(`| ${dpr} | ${name} | ${row.exact}/${row.total} (${pct(row.exact, row.total)}) | ${row.wrong} | ${fmt(quantile(ms, 0.5))} |`);
}
const totals = [...rows.values()].reduce((a, r) => ({ exact: a.exact + r.exact, total: a.total + r.total, wrong: a.wrong + r.wrong }), { exact: 0, total: 0, wrong: 0 });
lines.push('', `All: ${totals.exact}/${totals.total} exact (${pct(totals.exact, totals.total)}), ${totals.wrong} wrong payloads. Screenshot sizes: ${[...new Set(shots.map((s) => `${s.width}×${s.height}`))].join(', ')} device px.`);
if (failures.length) lines.push('', 'Misses:', '', ...failures.map((f) => `- ${f}`));
lines.push(
  '',
  '## Tile endpoint under load',
  '',
  `\`filigrane screen serve\` as its own process on 127.0.0.1; ${VIEWERS} browser sessions (viewers), then ${REQUESTS} tile requests`,
  `spread over them, alternating DPR 1 (192 px tile) and 2 (384 px), ${CONCURRENCY} in flight over keep-alive connections.`,
  'The first request for a viewer, minute and ratio renders the tile (core + PNG encode); repeats within the minute are served from the',
  'handler\'s cache. The client runs on the same 2-core machine.',
  '',
  '| measure | value |',
  '|---|---|',
  `| requests answered 200 | ${stats.ok}/${REQUESTS} |`,
  `| requests per second | ${(REQUESTS / stats.wallS).toFixed(0)} |`,
  `| latency p50 / p99, all (ms) | ${fmt(quantile(stats.all, 0.5))} / ${fmt(quantile(stats.all, 0.99))} |`,
  `| latency p50 / p99, first render (${stats.cold.length} requests, ms) | ${fmt(quantile(stats.cold, 0.5))} / ${fmt(quantile(stats.cold, 0.99))} |`,
  `| latency p50 / p99, cached (${stats.warm.length} requests, ms) | ${fmt(quantile(stats.warm, 0.5))} / ${fmt(quantile(stats.warm, 0.99))} |`,
  `| first tile after start-up (loads the WebAssembly module, ms) | ${fmt(stats.firstMs)} |`,
  `| one tile render in-process, DPR 1 / 2 (screenTile + PNG encode, median of 20, ms) | ${fmt(renderMs[1])} / ${fmt(renderMs[2])} |`,
  `| machine load average during the run (2 cores, other work running) | ${stats.load} |`,
  `| tile PNG size, DPR 1 / 2 (bytes) | ${Math.min(...stats.bytes)} / ${Math.max(...stats.bytes)} |`,
  `| server resident memory: idle / after the run / peak (MiB) | ${stats.idle.rss.toFixed(0)} / ${stats.mem.rss.toFixed(0)} / ${stats.mem.peak.toFixed(0)} |`,
  '',
);
let text = lines.join('\n');
if (LOAD_ONLY) {
  // Keep the screenshot section of the existing file; replace the load section.
  const old = readFileSync(outPath, 'utf8');
  const marker = '## Tile endpoint under load';
  text = old.slice(0, old.indexOf(marker)) + text.slice(text.indexOf(marker));
}
writeFileSync(outPath, text);
process.stdout.write(text + '\n');
