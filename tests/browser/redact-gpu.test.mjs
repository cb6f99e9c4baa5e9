// Redaction in Chromium: the WGSL kernels (web/lib/redact-gpu.mjs) give the
// pixels of the WebAssembly core within 1 level for each style, on a real
// image. Without a WebGPU adapter the test says so and still checks the CPU
// fallback (the JS port) against the core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openBrowser, repoRoot } from './support/browser.mjs';
import { createFiligraneNode } from '../../web/lib/node.mjs';
import { createRedactOps } from '../../web/lib/redact-ops.mjs';

let b, core, redact;

before(async () => {
  core = await createFiligraneNode();
  redact = createRedactOps(core.module);
  // FILIGRANE_SITE: another built site folder (for trying the test before `make site`).
  b = await openBrowser(process.env.FILIGRANE_SITE ? { root: process.env.FILIGRANE_SITE } : {});
});
after(async () => { await b?.close(); });

const photoPixels = () => core.decodeRgba(readFileSync(path.join(repoRoot, 'tests', 'corpus', 'photo.jpg')));

const CASES = [
  { style: 'blur', regions: [{ x: 20.5, y: 30.25, width: 120, height: 40 }, [100, 60, 90, 90], [280, 200, 200, 100]] },
  { style: 'blur', regions: [[0, 0, 320, 240]] },  // sigma 60: every pass clamps at the edges
  { style: 'pixelate', regions: [[20, 30, 120, 40], [100, 60, 90, 90], [5, 200, 400, 400]] },
  { style: 'pixelate', cell: 33, regions: [[0, 0, 320, 240]] },
  { style: 'fill', fill: '#336699c8', regions: [[20, 30, 120, 40], [310.5, 230.5, 50, 50]] },
  { style: 'blur', mask: true },
];

function maskFor(width, height) {
  const mask = new Uint8Array(width * height);
  for (let y = 40; y < 150; y++) for (let x = 50; x < 260; x++) mask[y * width + x] = (x * y) % 7 === 0 ? 100 : 255;
  return mask;
}

test('WGSL redaction equals the WebAssembly core within 1 level (blur, pixelate, fill, mask)', async (t) => {
  const image = photoPixels();
  const b64 = (u8) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('base64');
  const cases = CASES.map((c) => {
    const options = { ...c, mask: c.mask ? maskFor(image.width, image.height) : null };
    const expected = redact.redactRgba(image, options).rgba;
    return { ...c, maskB64: options.mask ? b64(options.mask) : null, expected: b64(expected) };
  });
  await b.page.goto(b.baseUrl);
  const results = await b.page.evaluate(async ({ width, height, rgba, cases }) => {
    const { redactRgbaGpu, redactRgbaReference } = await import('/lib/redact-gpu.mjs');
    const { isSoftwareAdapter } = await import('/lib/gpu.mjs');
    const bytes = (s) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
    const image = { width, height, rgba: bytes(rgba) };
    const diff = (a, e) => {
      let max = 0, changed = 0;
      for (let i = 0; i < e.length; i++) {
        max = Math.max(max, Math.abs(a[i] - e[i]));
        if (a[i] !== image.rgba[i]) changed++;
      }
      return { max, changed };
    };
    const out = [];
    for (const c of cases) {
      const options = { ...c, mask: c.maskB64 ? bytes(c.maskB64) : null };
      const expected = bytes(c.expected);
      const gpu = await redactRgbaGpu(image, c.regions ?? [], options);
      out.push({
        style: c.style,
        gpu: gpu ? diff(gpu, expected) : null,
        reference: diff(redactRgbaReference(image, c.regions ?? [], options), expected),
      });
    }
    return { software: isSoftwareAdapter(), out };
  }, { width: image.width, height: image.height, rgba: b64(image.rgba), cases });

  const noGpu = results.out.every((r) => r.gpu === null);
  if (noGpu) t.diagnostic('no WebGPU adapter in this Chromium: only the CPU fallback (JS port) was compared');
  else t.diagnostic(`WebGPU adapter: ${results.software ? 'software (SwiftShader)' : 'hardware'}`);
  results.out.forEach((r, i) => {
    const what = `case ${i} (${r.style})`;
    t.diagnostic(`${what}: gpu max diff ${r.gpu?.max ?? 'n/a'}, reference max diff ${r.reference.max}`);
    assert.equal(r.reference.max, 0, `${what}: the JS fallback differs from the core`);
    assert.ok(r.reference.changed > 1000, `${what}: the redaction changed the image`);
    if (!noGpu) {
      assert.ok(r.gpu, `${what}: the GPU path gave up on a small image`);
      assert.ok(r.gpu.max <= 1, `${what}: WGSL differs from the core by ${r.gpu.max}`);
    }
  });
});

test('the GPU path validates like the core', async () => {
  await b.page.goto(b.baseUrl);
  const codes = await b.page.evaluate(async () => {
    const { redactRgbaGpu } = await import('/lib/redact-gpu.mjs');
    const image = { width: 4, height: 4, rgba: new Uint8Array(64) };
    const attempt = async (regions, options = {}) => {
      try { await redactRgbaGpu(image, regions, options); return 'ok'; } catch (e) { return e.code; }
    };
    return [
      await attempt([[-1, 0, 2, 2]]),
      await attempt(Array.from({ length: 4097 }, () => [0, 0, 1, 1])),
      await attempt([[0, 0, 2, 2]], { style: 'swirl' }),
      await attempt([[0, 0, 2, 2]], { sigma: 1 }),
    ];
  });
  assert.deepEqual(codes, ['invalid_argument', 'too_large', 'invalid_argument', 'invalid_argument']);
});
