#!/usr/bin/env node
// Phone benchmarks in headless Chromium (issue 14), written as Markdown to
// OUT (default bench/phone.md), with screenshots in bench/phone-*.png:
//  1. the offline pack: bytes per execution provider, the bytes actually
//     transferred by "Make available offline", and the first-load shell;
//  2. offline: after "Ready offline", with the network off, each feature on
//     the shared images (pass/fail, time), and requests that left 127.0.0.1;
//  3. the viewfinder with Chromium's fake camera at 640 x 480: frames per
//     second, face time per frame, first face box after the camera starts,
//     first text cue after a page with personal data is in view, nudity time.
// Needs build/site (`make site`); people photos from ../shared (the camera
// rows are left out without them).
// Usage: node tools/bench_phone.mjs [OUT.md] [--seconds N]
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startServer } from './serve.mjs';
import { writeY4m } from './make_y4m.mjs';
import { CHROMIUM, CHROMIUM_ARGS, isLoopback, repoRoot } from '../tests/browser/support/browser.mjs';

const args = process.argv.slice(2);
const out = args.find((a) => !a.startsWith('--')) ?? path.join(repoRoot, 'bench', 'phone.md');
const seconds = Number(args[args.indexOf('--seconds') + 1]) || 20;
const benchDir = path.dirname(out);
const siteDir = path.join(repoRoot, 'build', 'site');
const shared = path.join(repoRoot, '..', 'shared', 'data');
const corpus = path.join(repoRoot, 'tests', 'corpus');
const mb = (n) => (n / 1e6).toFixed(1);
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN; };
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function launch(extraArgs = [], viewport = { width: 1280, height: 800 }) {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'filigrane-phone-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs], viewport });
  const egress = [];
  const transferred = { bytes: 0 };
  context.on('request', (r) => { if (!isLoopback(r.url())) egress.push(r.url()); });
  context.on('requestfinished', async (r) => { const sizes = await r.sizes().catch(() => null); if (sizes) transferred.bytes += sizes.responseBodySize; });
  await context.route((url) => !isLoopback(url.href), (route) => { egress.push(route.request().url()); return route.abort('blockedbyclient'); });
  return { context, page: context.pages()[0] ?? await context.newPage(), egress, transferred, close: async () => { await context.close(); rmSync(userDataDir, { recursive: true, force: true }); } };
}

function packSizes() {
  const precache = JSON.parse(readFileSync(path.join(siteDir, 'precache.json'), 'utf8'));
  const pack = (provider) => precache.pack.filter((e) => !e.provider || e.provider === provider);
  const shellBytes = precache.shell.filter((f) => f !== './').reduce((s, f) => {
    const bytes = readFileSync(path.join(siteDir, f));
    return { raw: s.raw + bytes.length, gzip: s.gzip + gzipSync(bytes, { level: 9 }).length };
  }, { raw: 0, gzip: 0 });
  return { precache, pack, shellBytes };
}

async function offlineRun(baseUrl) {
  const b = await launch();
  const rows = [];
  try {
    await b.page.goto(baseUrl);
    await b.page.waitForSelector('body[data-engine="ready"]', { timeout: 60_000 });
    await b.page.waitForSelector('body[data-offline]', { timeout: 60_000 });
    const before = b.transferred.bytes;
    const t0 = Date.now();
    await b.page.getByRole('button', { name: 'Make available offline', exact: true }).click();
    await b.page.waitForSelector('body[data-offline="ready"]', { timeout: 600_000 });
    const download = { bytes: b.transferred.bytes - before, ms: Date.now() - t0, status: await b.page.textContent('#offline-status') };
    await b.page.screenshot({ path: path.join(benchDir, 'phone-offline-ready.png') });
    await b.context.setOffline(true);
    await b.page.reload();
    await b.page.waitForSelector('body[data-offline="ready"]', { timeout: 60_000 });
    const feature = async (name, file, fn) => {
      if (!existsSync(file)) { rows.push({ name, file, ok: null, ms: 0, note: 'file absent' }); return; }
      const bytes = readFileSync(file).toString('base64');
      const started = Date.now();
      try {
        const note = await b.page.evaluate(fn, bytes);
        rows.push({ name, file, ok: true, ms: Date.now() - started, note });
      } catch (err) {
        rows.push({ name, file, ok: false, ms: Date.now() - started, note: err.message.split('\n')[0] });
      }
    };
    const lib = `const { Filigrane } = await import('/lib/filigrane.mjs'); const engine = await Filigrane.create(); const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));`;
    const body = (code) => new Function('b64', `return (async () => { ${lib} try { ${code} } finally { engine.dispose(); } })();`);
    const rel = (f) => path.relative(path.join(repoRoot, '..'), f);
    await feature('Inspect: provenance + C2PA validator', path.join(shared, 'provenance', 'c2pa', 'rs_CA.jpg'),
      body(`const r = await engine.provenanceReport(data); return 'C2PA ' + (r.c2pa?.validation?.state ?? 'none');`));
    await feature('Inspect: AI verdict', path.join(shared, 'ai-dev', 'real', existsSync(path.join(shared, 'ai-dev', 'real')) ? (await import('node:fs')).readdirSync(path.join(shared, 'ai-dev', 'real'))[0] : 'x'),
      body(`const r = await engine.aiVerdict(data); return 'verdict ' + r.verdict;`));
    await feature('Sensitive-content cues', path.join(shared, 'people', '5.jpg'),
      body(`const r = await engine.cues(data); return r.faces.length + ' faces, nudity ' + r.nsfw.verdict + ', ' + r.text.length + ' text lines';`));
    await feature('Redaction (faces + personal data)', path.join(corpus, 'text', 'contact.png'),
      body(`const r = await engine.redactCues(data, { faces: true, pii: true, style: 'fill' }); return r.regions + ' areas covered';`));
    await feature('Image mark: mark + detect', path.join(shared, 'kodak', 'kodim05.png'),
      body(`const m = await engine.markImage(data, { key: 'bench-key', payload: '00000000000003e9' }); const d = await engine.detectImageMark(m.bytes, { key: 'bench-key' }); if (!d.found) throw new Error('not found'); return 'payload ' + d.payload;`));
    await feature('Screen mark: apply + decode', path.join(shared, 'screens', '102.png'),
      body(`const m = await engine.screenApply(data, { key: 'bench-key', payload: '000003e901c2a3b4' }); const d = await engine.screenDecode(m, { key: 'bench-key' }); if (!d.found) throw new Error('not found'); return 'viewer ' + d.viewerId;`));
    for (const r of rows) r.file = rel(r.file);
    return { download, rows, egress: b.egress.length };
  } finally {
    await b.close();
  }
}

async function cameraRun(baseUrl, y4m, { waitFor, screenshot }) {
  const b = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`]);
  try {
    await b.page.goto(`${baseUrl}#camera`);
    await b.page.waitForSelector('body[data-engine="ready"]', { timeout: 60_000 });
    // Models warm (downloaded and sessions created) before timing, as on a phone after first use.
    await b.page.getByRole('button', { name: 'Start the camera' }).click();
    await b.page.waitForSelector(waitFor, { timeout: 120_000 });
    await b.page.getByRole('button', { name: 'Stop the camera' }).click();
    await b.page.getByRole('button', { name: 'Start the camera' }).click();
    await b.page.waitForTimeout(seconds * 1000);
    const stats = JSON.parse(await b.page.getAttribute('#camera-speed', 'data-stats'));
    if (screenshot) await b.page.screenshot({ path: path.join(benchDir, screenshot) });
    return { stats, egress: b.egress.length };
  } finally {
    await b.close();
  }
}

async function screenshots(baseUrl) {
  const b = await launch([], { width: 360, height: 740 });
  try {
    await b.page.emulateMedia({ colorScheme: 'dark' });
    await b.page.goto(baseUrl);
    await b.page.waitForSelector('body[data-engine="ready"]', { timeout: 60_000 });
    await b.page.setInputFiles('#file-input', path.join(corpus, 'photo.jpg'));
    await b.page.waitForSelector('#verdict-badge:not([data-verdict="pending"])', { timeout: 120_000 });
    await b.page.screenshot({ path: path.join(benchDir, 'phone-dark-360.png') });
    await b.page.emulateMedia({ colorScheme: 'light' });
    await b.page.screenshot({ path: path.join(benchDir, 'phone-light-360.png') });
  } finally {
    await b.close();
  }
}

mkdirSync(benchDir, { recursive: true });
const { server, url: baseUrl } = await startServer({ root: siteDir, port: 0 });
const lines = [];
try {
  const { pack, shellBytes } = packSizes();
  const wasmPack = pack('wasm');
  const gpuPack = pack('webgpu');
  const offline = await offlineRun(baseUrl);
  await screenshots(baseUrl);
  let camera = null;
  const people = path.join(shared, 'people', '5.jpg');
  if (existsSync(people)) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'filigrane-y4m-'));
    const faces = path.join(dir, 'faces.y4m');
    const text = path.join(dir, 'text.y4m');
    await writeY4m(faces, [{ path: people, frames: 1 }]);
    await writeY4m(text, [{ path: path.join(corpus, 'text', 'contact.png'), frames: 1 }]);
    camera = {
      faces: await cameraRun(baseUrl, faces, { waitFor: '#camera-boxes [data-cue="face"]', screenshot: 'phone-viewfinder.png' }),
      text: await cameraRun(baseUrl, text, { waitFor: '#camera-boxes [data-cue="text"]', screenshot: 'phone-viewfinder-text.png' }),
    };
    rmSync(dir, { recursive: true, force: true });
  }

  lines.push('# Phone: offline, install, viewfinder', '',
    `Machine: ${os.cpus()[0]?.model ?? 'CPU'}, ${os.cpus().length} cores (shared with other work), ${Math.round(os.totalmem() / 2 ** 30)} GiB; headless Chromium (${CHROMIUM}), ONNX Runtime Web on the WebAssembly provider (the only WebGPU adapter here is SwiftShader, which Filigrane treats as no GPU); ${new Date().toISOString()}.`,
    'Produced by `make bench-phone` (tools/bench_phone.mjs). Benchmarks, not tests: they never fail the build.', '',
    '## The offline pack', '',
    '| what | files | MB |', '|---|---:|---:|',
    `| pack on the CPU path (WebAssembly provider) | ${wasmPack.length} | ${mb(wasmPack.reduce((s, e) => s + e.bytes, 0))} |`,
    `| pack on the GPU path (WebGPU provider) | ${gpuPack.length} | ${mb(gpuPack.reduce((s, e) => s + e.bytes, 0))} |`,
    `| measured transfer of "Make available offline" here (CPU path) | | ${mb(offline.download.bytes)} in ${(offline.download.ms / 1000).toFixed(1)} s |`,
    `| app shell precached on the first visit (gzip -9; raw ${mb(shellBytes.raw)} MB) | | ${mb(shellBytes.gzip)} |`, '',
    'Pack files:', '', '| file | MB | provider |', '|---|---:|---|',
    ...pack('wasm').concat(pack('webgpu').filter((e) => e.provider)).map((e) => `| ${e.path} | ${mb(e.bytes)} | ${e.provider ?? 'both'} |`), '',
    `After the download the status line read: "${offline.download.status.trim()}"`, '',
    '## Offline: every feature with the network off, after "Ready offline"', '',
    '| feature | image | result | ms |', '|---|---|---|---:|',
    ...offline.rows.map((r) => `| ${r.name} | ${r.file} | ${r.ok === null ? 'not run: ' : r.ok ? 'ok: ' : 'FAILED: '}${r.note} | ${r.ms} |`), '',
    `Requests that left 127.0.0.1, online and off: **${offline.egress + (camera ? camera.faces.egress + camera.text.egress : 0)}**.`, '');
  if (camera) {
    const f = camera.faces.stats;
    const t = camera.text.stats;
    lines.push('## Viewfinder (#camera), fake camera at 640 × 480', '',
      `Faces: ../shared/data/people/5.jpg letterboxed into 640 × 480; text: tests/corpus/text/contact.png the same way (tools/make_y4m.mjs). Faces run on a 320 × 240 copy of each frame (one BlazeFace tile) in the page's worker; nudity every 300 ms in the same worker; OCR on a 960-px still about once a second in a second worker. Models were loaded before timing (the camera was started, stopped and started again); ${seconds} s per run.`, '',
      '| measure | value | target |', '|---|---:|---|',
      `| frames checked for faces per second | ${f.fps.toFixed(1)} | — |`,
      `| face time per frame, mean / p95 (ms) | ${mean(f.faceMs).toFixed(0)} / ${quantile(f.faceMs, 0.95).toFixed(0)} | ≤ 60 |`,
      `| first face box after the camera started (ms) | ${f.firstFaceMs?.toFixed(0) ?? 'none'} | ≤ 2000 |`,
      `| frames with a face box / frames checked | ${f.framesWithFaces} / ${f.faceFrames} | every processed frame |`,
      `| first personal-data text cue after the camera started, page in view (ms) | ${t.firstTextPiiMs?.toFixed(0) ?? 'none'} | ≤ 3000 |`,
      `| OCR time per still, mean / p95 (ms) | ${mean(t.textMs).toFixed(0)} / ${quantile(t.textMs, 0.95).toFixed(0)} | about once a second |`,
      `| nudity time per check, mean (ms) | ${mean(f.nudityMs).toFixed(0)} | a few per second |`, '',
      'Screenshots: `bench/phone-viewfinder.png` (faces), `bench/phone-viewfinder-text.png` (personal data), `bench/phone-offline-ready.png`, `bench/phone-dark-360.png`, `bench/phone-light-360.png`.', '');
  } else {
    lines.push('## Viewfinder', '', 'Not measured: ../shared/data/people is absent.', '');
  }
  writeFileSync(out, lines.join('\n'));
  console.log(lines.join('\n'));
} finally {
  server.close();
}
