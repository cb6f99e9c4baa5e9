// ONNX Runtime's WebGPU execution provider gives the same cues as its
// WebAssembly provider. Headless Chromium's only adapter here is SwiftShader
// (software), so the page would choose WebAssembly by itself; the test forces
// each provider with Filigrane.create({provider}) and compares.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openApp, repoRoot } from './support/browser.mjs';

// Tolerances: box edges within 1.5 px (plus 1% of the box), scores within 0.01.
const BOX_PX = 1.5;
const SCORE = 0.01;
const corpus = path.join(repoRoot, 'tests', 'corpus');
const peopleDir = path.join(repoRoot, '..', 'shared', 'data', 'people');

let b;
before(async () => { b = await openApp(); });
after(async () => { await b.close(); });

async function cuesWith(provider, file, options) {
  const bytes = readFileSync(file).toString('base64');
  return b.page.evaluate(async ({ provider, bytes, options }) => {
    const { Filigrane } = await import('/lib/filigrane.mjs');
    const engine = await Filigrane.create({ provider });
    try {
      const data = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
      const runtime = await engine.runtime();
      const cues = await engine.cues(data, options);
      return { runtime, faces: cues.faces, text: cues.text.map((t) => ({ box: t.box, text: t.text, score: t.score })), nsfw: cues.nsfw };
    } finally {
      engine.dispose();
    }
  }, { provider, bytes, options });
}

/** Asserts the tolerances; returns the largest differences seen (reported as test diagnostics). */
function assertBoxesClose(a, b, what) {
  assert.equal(a.length, b.length, `${what}: ${a.length} vs ${b.length} boxes`);
  const worst = { px: 0, score: 0 };
  a.forEach((x, i) => {
    const y = b[i];
    if (x.score !== undefined) worst.score = Math.max(worst.score, Math.abs(x.score - y.score));
    for (const k of ['x', 'y', 'width', 'height']) {
      worst.px = Math.max(worst.px, Math.abs(x.box[k] - y.box[k]));
      assert.ok(Math.abs(x.box[k] - y.box[k]) <= BOX_PX + 0.01 * Math.max(x.box.width, x.box.height), `${what} #${i} ${k}: ${x.box[k]} vs ${y.box[k]}`);
    }
    if (x.score !== undefined) assert.ok(Math.abs(x.score - y.score) <= SCORE, `${what} #${i} score ${x.score} vs ${y.score}`);
  });
  return worst;
}

test('the page chooses WebAssembly on a software-only adapter, and says so', async () => {
  assert.equal(await b.page.getAttribute('body', 'data-provider'), 'wasm');
  assert.match(await b.page.textContent('#status'), /models run on the CPU/);
});

test('WebGPU and WebAssembly providers read the same text and nudity scores', { timeout: 600_000 }, async (t) => {
  const file = path.join(corpus, 'text', 'contact.png');
  const options = { faces: false, nsfw: true, text: true };
  const cpu = await cuesWith('wasm', file, options);
  const gpu = await cuesWith('webgpu', file, options);
  assert.equal(cpu.runtime.provider, 'wasm');
  assert.equal(gpu.runtime.provider, 'webgpu');
  assert.deepEqual(gpu.text.map((t) => t.text), cpu.text.map((t) => t.text));
  const worst = assertBoxesClose(gpu.text, cpu.text, 'text lines');
  t.diagnostic(`text lines: ${cpu.text.length}, largest box difference ${worst.px.toFixed(2)} px, score ${worst.score.toExponential(1)}`);
  for (const [k, v] of Object.entries(cpu.nsfw.classes)) assert.ok(Math.abs(gpu.nsfw.classes[k] - v) <= SCORE, `nsfw ${k}: ${gpu.nsfw.classes[k]} vs ${v}`);
});

// As the viewfinder runs it: one BlazeFace tile over a 320-pixel frame (a
// thorough scan of a whole photo takes minutes on SwiftShader).
async function frameFacesWith(provider, file) {
  const bytes = readFileSync(file).toString('base64');
  return b.page.evaluate(async ({ provider, bytes }) => {
    const { Filigrane } = await import('/lib/filigrane.mjs');
    const engine = await Filigrane.create({ provider });
    try {
      const frame = await engine.decodeRgba(Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0)), { maxSide: 320 });
      const found = await engine.frameCues({ width: frame.width, height: frame.height, rgba: frame.rgba }, { faces: true });
      return { runtime: await engine.runtime(), faces: found.faces };
    } finally {
      engine.dispose();
    }
  }, { provider, bytes });
}

test('WebGPU and WebAssembly providers find the same faces', { timeout: 600_000 }, async (t) => {
  if (!existsSync(peopleDir)) { t.skip(`${peopleDir} is absent (../shared)`); return; }
  for (const name of ['5.jpg', '22.jpg']) {
    const file = path.join(peopleDir, name);
    const cpu = await frameFacesWith('wasm', file);
    const gpu = await frameFacesWith('webgpu', file);
    assert.equal(gpu.runtime.provider, 'webgpu');
    assert.ok(cpu.faces.length > 0, `${name}: faces found`);
    const worst = assertBoxesClose(gpu.faces, cpu.faces, `${name} faces`);
    t.diagnostic(`${name}: ${cpu.faces.length} faces, largest box difference ${worst.px.toFixed(2)} px, score ${worst.score.toExponential(1)}`);
  }
});
