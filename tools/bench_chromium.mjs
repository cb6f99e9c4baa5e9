#!/usr/bin/env node
// The core's kernels as WebAssembly in headless Chromium, and the same code
// under Node, on the synthetic 1920x1080 image of bench_core: decode, encode,
// resize, image-mark embed and detect, SD-mark test, screen-mark overlay and
// decode, and blur when the module has the redact binding. Median of repeats
// after one warm-up; each kernel runs in a fresh module instance, so the
// linear memory size afterwards is that kernel's peak. Writes bench/chromium.md
// with ratios to Node and to the native medians in bench/core.md, mark.md and
// screen.md (target: within 2x of native).
//
// Usage: node tools/bench_chromium.mjs [OUT.md] [--repeats N] [--node-only] [--native-tsv bench_core.tsv]
// Needs build/site (make site) and build/wasm (the Node module).
import { chromium } from 'playwright-core';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/browser/support/browser.mjs';
import { startServer } from './serve.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const outPath = args[0] && !args[0].startsWith('--') ? args[0] : path.join(repoRoot, 'bench', 'chromium.md');
const repeats = Number(option('--repeats', 7));
const siteRoot = path.join(repoRoot, 'build', 'site');
const nodeModulePath = path.join(repoRoot, 'build', 'wasm', 'filigrane_node.js');

/**
 * Runs every kernel; self-contained (it is sent to the page as source text).
 * `createModule` makes a fresh module instance. Returns one row per kernel:
 * {kernel, ms (median), samples, peakBytes (linear memory after the kernel), note}.
 */
async function runKernels(createModule, config) {
  const now = () => performance.now();
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const check = (r, what) => {
    if (!r || !r.status || r.status.code !== 0) throw new Error(`${what}: ${r?.status?.message ?? 'no status'}`);
    return r;
  };
  const memoryBytes = (m) => (m.HEAP8 ? m.HEAP8.buffer.byteLength : m.wasmMemory ? m.wasmMemory.buffer.byteLength : 0);
  const W = 1920;
  const H = 1080;
  // Same content as tests/bench/bench_core.cpp.
  const rgba = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; ++y) {
    for (let x = 0; x < W; ++x) {
      const i = (y * W + x) * 4;
      rgba[i] = (128 + 100 * Math.sin(x * 0.013) * Math.cos(y * 0.021)) & 255;
      rgba[i + 1] = (x * 7 + y * 3) & 255;
      rgba[i + 2] = (128 + 90 * Math.sin((x + y) * 0.005)) & 255;
      rgba[i + 3] = 255;
    }
  }
  // A screen-like image for the screen mark (flat background, bars of "text",
  // coloured panels), as the screen mark is meant for screenshots.
  const screen = new Uint8Array(W * H * 4).fill(255);
  const box = (x0, y0, w, h, r, g, b) => {
    for (let y = y0; y < Math.min(H, y0 + h); ++y) {
      for (let x = x0; x < Math.min(W, x0 + w); ++x) {
        const i = (y * W + x) * 4;
        screen[i] = r; screen[i + 1] = g; screen[i + 2] = b;
      }
    }
  };
  box(0, 0, W, 64, 40, 60, 90);
  box(0, 64, 280, H - 64, 238, 240, 244);
  for (let row = 0; row < 40; ++row) {
    for (let word = 0; word < 12; ++word) {
      box(320 + word * 110 + ((row * 37 + word * 13) % 30), 100 + row * 24, 60 + ((row * 11 + word * 7) % 40), 10, 50, 50, 60);
    }
  }
  box(1500, 120, 360, 240, 200, 120, 60);
  const KEY = 'bench-key';
  const PAYLOAD = '0123456789abcdef';
  const MAXPX = 100_000_000;

  // Inputs, made once in a setup instance.
  const setup = await createModule();
  const base = check(setup.imageFromRgba(W, H, rgba), 'imageFromRgba').image;
  const jpeg = check(base.encodeJpeg(85), 'encodeJpeg').bytes.slice();
  const png = check(base.encodePng(), 'encodePng').bytes.slice();
  const markedPng = check(setup.imagemarkEmbed(png, KEY, PAYLOAD, 0, 0, MAXPX), 'imagemarkEmbed').bytes.slice();
  const screenBase = check(setup.imageFromRgba(W, H, screen), 'imageFromRgba').image;
  const screenPlain = check(screenBase.encodePng(), 'encodePng').bytes.slice();
  screenBase.delete();
  const screenPng = check(setup.screenApply(screenPlain, KEY, PAYLOAD, 0, 1, MAXPX), 'screenApply').bytes.slice();
  base.delete();
  const hasRedact = typeof setup.redactRgba === 'function';

  const rows = [];
  async function bench(kernel, n, prepare, body, note = '') {
    const m = await createModule();
    const state = prepare ? prepare(m) : {};
    body(m, state); // warm-up
    const samples = [];
    const cpu = [];
    // CPU time of the process running the kernel (Node: this process; Chromium:
    // the renderer, read through DevTools), less sensitive to a loaded machine.
    const cpuNow = globalThis.benchCpuMs;
    for (let i = 0; i < n; ++i) {
      const c0 = cpuNow ? await cpuNow() : 0;
      const t0 = now();
      body(m, state);
      samples.push(now() - t0);
      if (cpuNow) cpu.push((await cpuNow()) - c0);
    }
    const peakBytes = memoryBytes(m);
    state.cleanup?.();
    rows.push({ kernel, ms: median(samples), minMs: Math.min(...samples), cpuMs: cpu.length ? cpu.reduce((a, b) => a + b, 0) / cpu.length : NaN, samples: n, peakBytes, note });
  }
  const fromRgba = (m) => {
    const image = check(m.imageFromRgba(W, H, rgba), 'imageFromRgba').image;
    return { image, cleanup: () => image.delete() };
  };
  const n = config.repeats;
  const slow = Math.max(3, Math.ceil(n / 2));

  await bench('decode JPEG 1920x1080', n, null, (m) => check(m.decodeImage(jpeg, MAXPX, true, 0), 'decode').image.delete());
  await bench('decode PNG 1920x1080', slow, null, (m) => check(m.decodeImage(png, MAXPX, true, 0), 'decode').image.delete());
  await bench('encode JPEG q85 1920x1080', slow, fromRgba, (m, s) => check(s.image.encodeJpeg(85), 'encode'));
  await bench('encode PNG 1920x1080', slow, fromRgba, (m, s) => check(s.image.encodePng(), 'encode'));
  await bench('resize 1920x1080 -> 960x540 Lanczos3', n, fromRgba,
    (m, s) => check(s.image.resized(960, 540, 3, MAXPX), 'resize').image.delete());
  await bench('resize 1920x1080 -> 3840x2160 bicubic', 3, fromRgba,
    (m, s) => check(s.image.resized(3840, 2160, 2, MAXPX), 'resize').image.delete());
  // The watermark bindings take file bytes: these rows include decoding the
  // PNG (and, for embed, encoding the marked PNG); kernel estimates below.
  await bench('e2e: image mark embed (PNG in, PNG out)', slow, null,
    (m) => check(m.imagemarkEmbed(png, KEY, PAYLOAD, 0, 0, MAXPX), 'embed'));
  await bench('e2e: decode marked PNG', slow, null, (m) => check(m.decodeImage(markedPng, MAXPX, true, 0), 'decode').image.delete());
  await bench('e2e: encode marked PNG', slow, (m) => {
    const image = check(m.decodeImage(markedPng, MAXPX, true, 0), 'decode').image;
    return { image, cleanup: () => image.delete() };
  }, (m, s) => check(s.image.encodePng(), 'encode'));
  await bench('e2e: image mark detect, marked (PNG in)', n, null, (m) => {
    const r = check(m.imagemarkDetect(markedPng, KEY, MAXPX), 'detect');
    if (!r.report.found) throw new Error('mark not found');
  });
  await bench('e2e: image mark detect, unmarked (PNG in)', slow, null, (m) => check(m.imagemarkDetect(png, KEY, MAXPX), 'detect'));
  await bench('e2e: SD mark test (PNG in)', n, null, (m) => check(m.sdmarkDetect(png, MAXPX), 'sdmark'));
  await bench('e2e: screen overlay 3840x2160, dpr 1 (RGBA out)', n, null,
    (m) => check(m.screenOverlay(KEY, PAYLOAD, 0, 3840, 2160, 1), 'overlay'), 'includes copying 33 MB of RGBA to JavaScript');
  await bench('e2e: decode screen-marked PNG', slow, null, (m) => check(m.decodeImage(screenPng, MAXPX, true, 0), 'decode').image.delete());
  let screenFound = null;
  await bench('e2e: screen decode, marked (PNG in)', slow, null, (m) => {
    screenFound = check(m.screenDecode(screenPng, KEY, MAXPX, 0, 0), 'screen decode').report.found;
  });
  rows[rows.length - 1].note = `found: ${screenFound}`;
  await bench('e2e: decode unmarked screen PNG', slow, null, (m) => check(m.decodeImage(screenPlain, MAXPX, true, 0), 'decode').image.delete());
  await bench('e2e: screen decode, unmarked (PNG in)', slow, null, (m) => check(m.screenDecode(screenPlain, KEY, MAXPX, 0, 0), 'screen decode'));
  if (hasRedact) {
    const regions = new Float64Array([200, 150, 600, 400, 1100, 500, 500, 400]);
    await bench('blur 2 regions (1000x800 px) on 1920x1080 RGBA', n, null,
      (m) => check(m.redactRgba(W, H, rgba, regions, 0, 0, 0, 0, null), 'redact'), 'style 0 (blur), default sigma');
  }
  return { rows, hasRedact, userAgent: typeof navigator !== 'undefined' ? navigator.userAgent : `Node ${process.version}` };
}

async function runInNode() {
  process.setMaxListeners(100); // each Emscripten instance adds process listeners
  globalThis.benchCpuMs = async () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const factory = createRequire(import.meta.url)(nodeModulePath);
  return runKernels(() => factory(), { repeats });
}

async function runInChromium() {
  if (!existsSync(path.join(siteRoot, 'lib', 'filigrane_web.mjs'))) throw new Error('build/site is not built: run "make site"');
  const { server, url: baseUrl } = await startServer({ root: siteRoot, port: 0 });
  const browserApp = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const context = await browserApp.newContext();
  const cdp = await browserApp.newBrowserCDPSession();
  // Renderer CPU time (all renderers: only this page's is busy).
  const rendererCpuMs = async () => {
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
    return processInfo.filter((p) => p.type === 'renderer').reduce((sum, p) => sum + p.cpuTime * 1000, 0);
  };
  const egress = [];
  await context.route((url) => !['127.0.0.1', '[::1]'].includes(url.hostname) && !/^(data|blob|about):/.test(url.protocol),
    (route) => { egress.push(route.request().url()); return route.abort('blockedbyclient'); });
  try {
    const page = await context.newPage();
    await page.exposeFunction('benchCpuMs', rendererCpuMs);
    // A same-origin (cross-origin isolated) document; the app itself is not loaded.
    await page.goto(`${baseUrl}/lib/errors.mjs`);
    // Evaluated through DevTools, so the page's CSP (no eval) does not apply.
    const source = `(async () => {
      const factory = (await import('/lib/filigrane_web.mjs')).default;
      return (${runKernels.toString()})(() => factory(), ${JSON.stringify({ repeats })});
    })()`;
    const result = await page.evaluate(source);
    result.browserVersion = browserApp.version();
    return result;
  } finally {
    await context.close();
    await browserApp.close();
    server.close();
    if (egress.length) throw new Error(`requests left 127.0.0.1: ${egress.join(', ')}`);
  }
}

// Native medians from the committed Markdown of the native benchmarks.
function readNative() {
  const native = new Map();
  const table = (file) => {
    const p = path.join(repoRoot, 'bench', file);
    return existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter((l) => l.startsWith('|')) : [];
  };
  for (const line of table('core.md')) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (Number.isFinite(Number(cells[1]))) native.set(cells[0], Number(cells[1]));
  }
  const speed = (file, name, key) => {
    for (const line of table(file)) {
      const cells = line.split('|').slice(1, -1).map((c) => c.trim());
      if (cells[0] === name && Number.isFinite(Number(cells[1]))) native.set(key, Number(cells[1]));
    }
  };
  speed('mark.md', 'Filigrane embed', 'image mark embed');
  speed('mark.md', 'Filigrane detect (marked)', 'image mark detect, marked');
  speed('mark.md', 'Filigrane detect (unmarked: all lattices; median of 5)', 'image mark detect, unmarked');
  speed('mark.md', 'SD mark test (4 hypotheses)', 'SD mark test');
  speed('screen.md', 'overlay 3840x2160, dpr 1 (tile + fill)', 'screen overlay 3840x2160, dpr 1');
  speed('screen.md', 'decode 1920x1080 marked, scale 1', 'screen decode, marked');
  speed('screen.md', 'decode 1920x1080 unmarked (worst case: all candidates tried)', 'screen decode, unmarked');
  return native;
}

// Kernel estimates: end-to-end rows minus the decode (and encode) they
// include, from the medians of wall time (`ms`) or of CPU time (`cpuMs`).
function kernelRows(rows, field = 'ms') {
  const t = Object.fromEntries(rows.map((r) => [r.kernel, r[field]]));
  const out = [];
  // A difference at or below zero is noise, not a time: left blank.
  const add = (kernel, ms, how) => out.push({ kernel, ms: Number.isFinite(ms) && ms > 0 ? ms : NaN, how });
  add('image mark embed', t['e2e: image mark embed (PNG in, PNG out)'] - t['decode PNG 1920x1080'] - t['e2e: encode marked PNG'],
    'embed e2e - decode PNG - encode marked PNG');
  add('image mark detect, marked', t['e2e: image mark detect, marked (PNG in)'] - t['e2e: decode marked PNG'], 'detect e2e - decode');
  add('image mark detect, unmarked', t['e2e: image mark detect, unmarked (PNG in)'] - t['decode PNG 1920x1080'], 'detect e2e - decode');
  add('SD mark test', t['e2e: SD mark test (PNG in)'] - t['decode PNG 1920x1080'], 'sdmark e2e - decode');
  add('screen overlay 3840x2160, dpr 1', t['e2e: screen overlay 3840x2160, dpr 1 (RGBA out)'], 'e2e (includes the 33 MB copy out)');
  add('screen decode, marked', t['e2e: screen decode, marked (PNG in)'] - t['e2e: decode screen-marked PNG'], 'decode e2e - PNG decode');
  add('screen decode, unmarked', t['e2e: screen decode, unmarked (PNG in)'] - t['e2e: decode unmarked screen PNG'], 'decode e2e - PNG decode');
  return out;
}

// Native medians measured in this run (bench_core's TSV), when given.
function readNativeNow(file) {
  const out = new Map();
  if (!file || !existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [, kernel, ms] = line.split('\t');
    if (kernel) out.set(kernel, Number(ms));
  }
  return out;
}

function machineLine() {
  let model = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${model}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`;
}

const fmt = (x) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '—');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—');
const mib = (b) => (b ? (b / 2 ** 20).toFixed(0) : '—');

async function main() {
  const started = Date.now();
  const node = await runInNode();
  const browser = flag('--node-only') ? null : await runInChromium();
  const native = readNative();
  const nativeNow = readNativeNow(option('--native-tsv', ''));
  const nodeBy = new Map(node.rows.map((r) => [r.kernel, r]));
  const lines = [
    '# Kernels in headless Chromium (WebAssembly)',
    '',
    `Machine: ${machineLine()}; ${new Date().toISOString()}; run took ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    `Chromium: ${browser ? browser.browserVersion : 'not run (--node-only)'} (headless, flags of tests/browser/support/browser.mjs), `
      + `module build/site/lib/filigrane_web.mjs on the main thread of a page served by tools/serve.mjs on 127.0.0.1; `
      + `Node ${process.version} with build/wasm/filigrane_node.js, same JavaScript. Native: bench/core.md, bench/mark.md, bench/screen.md.`,
    '',
    `Synthetic 1920x1080 image of bench_core; median of ${repeats} runs after one warm-up (fewer for slow rows, see "runs"). `
      + 'Each row runs in a fresh module instance: "peak MiB" is its WebAssembly linear memory afterwards (it never shrinks), '
      + 'in Chromium. The machine is shared: "min" and the CPU times (Node: process.cpuUsage; Chromium: the renderer\'s '
      + 'cpuTime from DevTools SystemInfo.getProcessInfo, 10 ms granularity, so means over the runs) are less sensitive to '
      + 'other load than the wall-clock median.',
    '',
    '## Measured',
    '',
    '| kernel | native ms | Node ms | Node CPU ms (mean) | Chromium ms | Chromium min ms | Chromium CPU ms (mean) | Chromium / native | Chromium CPU / native | Chromium / Node | runs | peak MiB | note |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const browserRows = browser ? browser.rows : node.rows.map((r) => ({ ...r, ms: NaN, peakBytes: 0 }));
  for (const r of browserRows) {
    const n = nodeBy.get(r.kernel);
    const nat = native.get(r.kernel);
    lines.push(`| ${r.kernel} | ${fmt(nat)} | ${fmt(n?.ms)} | ${fmt(n?.cpuMs)} | ${fmt(r.ms)} | ${fmt(r.minMs)} | ${fmt(r.cpuMs)} | ${ratio(r.ms, nat)} | ${ratio(r.cpuMs, nat)} | ${ratio(r.ms, n?.ms)} | ${r.samples} | ${mib(r.peakBytes)} | ${r.note} |`);
  }
  lines.push('', '## Watermark and screen-mark kernels (estimated)', '',
    'The bindings take file bytes, so the kernel time is the end-to-end median minus the decode/encode medians above '
      + '(an estimate: differences of medians), from wall time and from CPU time.', '',
    '| kernel | native ms | Node ms | Node CPU ms | Chromium ms | Chromium CPU ms | Chromium / native | Chromium CPU / native | how |',
    '|---|---|---|---|---|---|---|---|---|');
  const pick = (rows, field) => new Map(kernelRows(rows, field).map((r) => [r.kernel, r.ms]));
  const nodeK = pick(node.rows, 'ms');
  const nodeCpuK = pick(node.rows, 'cpuMs');
  const chromeK = browser ? pick(browser.rows, 'ms') : new Map();
  const chromeCpuK = browser ? pick(browser.rows, 'cpuMs') : new Map();
  let within = 0;
  let total = 0;
  const count = (cpuMs, nat) => {
    if (Number.isFinite(nat) && Number.isFinite(cpuMs)) { total++; if (cpuMs <= 2 * nat) within++; }
  };
  for (const r of kernelRows(node.rows)) {
    const nat = native.get(r.kernel);
    const c = chromeK.get(r.kernel);
    const cc = chromeCpuK.get(r.kernel);
    count(cc, nat);
    lines.push(`| ${r.kernel} | ${fmt(nat)} | ${fmt(nodeK.get(r.kernel))} | ${fmt(nodeCpuK.get(r.kernel))} | ${fmt(c)} | ${fmt(cc)} | ${ratio(c, nat)} | ${ratio(cc, nat)} | ${r.how} |`);
  }
  for (const r of browserRows) count(r.cpuMs, native.get(r.kernel));
  lines.push('', `Within 2x of native (Chromium CPU time against the native median): ${within} of ${total} kernels with a native figure.`);
  if (nativeNow.size) {
    lines.push('', `## Core kernels natively in this run (${option('--native-tsv', '')}, same load)`, '',
      '| kernel | native ms now | Chromium ms | Chromium / native now |', '|---|---|---|---|');
    for (const [kernel, ms] of nativeNow) {
      const c = browserRows.find((r) => r.kernel === kernel)?.ms;
      lines.push(`| ${kernel} | ${fmt(ms)} | ${fmt(c)} | ${ratio(c, ms)} |`);
    }
  }
  if (!(browser ?? node).hasRedact) {
    lines.push('', 'Blur: not measured; this build of the module has no redact binding (redactRgba). '
      + 'Rebuild (make site) once core/redact joins the feature list and rerun.');
  }
  writeFileSync(outPath, lines.join('\n') + '\n');
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  console.error(`bench_chromium: ${err.stack ?? err}`);
  process.exit(1);
});
