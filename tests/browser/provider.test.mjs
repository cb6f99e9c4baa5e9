// ONNX Runtime's WebGPU execution provider gives the same cues as its
// WebAssembly provider. Headless Chromium's only adapter here is SwiftShader
// (software), so the page would choose WebAssembly by itself; the test forces
// each provider through the worker's ?provider= parameter and compares.
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
    const engine = await Filigrane.create({ workerUrl: `/lib/worker.mjs?provider=${provider}` });
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

function assertBoxesClose(a, b, what) {
  assert.equal(a.length, b.length, `${what}: ${a.length} vs ${b.length} boxes`);
  a.forEach((x, i) => {
    const y = b[i];
    for (const k of ['x', 'y', 'width', 'height']) {
      assert.ok(Math.abs(x.box[k] - y.box[k]) <= BOX_PX + 0.01 * Math.max(x.box.width, x.box.height), `${what} #${i} ${k}: ${x.box[k]} vs ${y.box[k]}`);
    }
    if (x.score !== undefined) assert.ok(Math.abs(x.score - y.score) <= SCORE, `${what} #${i} score ${x.score} vs ${y.score}`);
  });
}

test('the page chooses WebAssembly on a software-only adapter, and says so', async () => {
  assert.equal(await b.page.getAttribute('body', 'data-provider'), 'wasm');
  assert.match(await b.page.textContent('#status'), /models run on the CPU/);
});

test('WebGPU and WebAssembly providers read the same text and nudity scores', { timeout: 600_000 }, async () => {
  const file = path.join(corpus, 'text', 'contact.png');
  const options = { faces: false, nsfw: true, text: true };
  const cpu = await cuesWith('wasm', file, options);
  const gpu = await cuesWith('webgpu', file, options);
  assert.equal(cpu.runtime.provider, 'wasm');
  assert.equal(gpu.runtime.provider, 'webgpu');
  assert.deepEqual(gpu.text.map((t) => t.text), cpu.text.map((t) => t.text));
  assertBoxesClose(gpu.text, cpu.text, 'text lines');
  for (const [k, v] of Object.entries(cpu.nsfw.classes)) assert.ok(Math.abs(gpu.nsfw.classes[k] - v) <= SCORE, `nsfw ${k}: ${gpu.nsfw.classes[k]} vs ${v}`);
});

test('WebGPU and WebAssembly providers find the same faces', { timeout: 600_000 }, async (t) => {
  if (!existsSync(peopleDir)) { t.skip(`${peopleDir} is absent (../shared)`); return; }
  for (const name of ['5.jpg', '9.jpg']) {
    const file = path.join(peopleDir, name);
    const cpu = await cuesWith('wasm', file, { faces: true, nsfw: false, text: false });
    const gpu = await cuesWith('webgpu', file, { faces: true, nsfw: false, text: false });
    assert.ok(cpu.faces.length > 0, `${name}: faces found`);
    assertBoxesClose(gpu.faces, cpu.faces, `${name} faces`);
  }
});
