// The JS inference path of the pixel-level AI detector (web/lib/ai-detector.mjs)
// gives the same probabilities as the Python reference (models/ai-detector/eval.py
// writes reference_scores.json), and its pure helpers follow the documented spec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { createFiligraneNode } from '../../web/lib/node.mjs';
import {
  detectAiPixels, normalisedSize, candidateOffsets, selectCrops, bandOf,
} from '../../web/lib/ai-detector.mjs';
import { sharedData, SKIP_NO_SHARED } from './shared-data.mjs';

ort.env.wasm.numThreads = 1;
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'ai-detector');
const calibration = JSON.parse(readFileSync(path.join(dir, 'calibration.json'), 'utf8'));

test('normalised size keeps the short side at 512 and rounds the long side', () => {
  assert.deepEqual(normalisedSize(768, 1152), { width: 512, height: 768 });
  assert.deepEqual(normalisedSize(4032, 3024), { width: 683, height: 512 });
  assert.deepEqual(normalisedSize(512, 512), { width: 512, height: 512 });
  assert.deepEqual(normalisedSize(300, 200), { width: 768, height: 512 });
});

test('candidate windows cover the whole side, last one flush with the edge', () => {
  assert.deepEqual(candidateOffsets(512), [0, 128, 256]);
  assert.deepEqual(candidateOffsets(683), [0, 128, 256, 384, 427]);
  assert.deepEqual(candidateOffsets(200), [0]);
});

test('crop selection prefers textured windows, ties in raster order', () => {
  const width = 512;
  const height = 512;
  const rgba = new Uint8Array(width * height * 4).fill(128);
  // Texture in the bottom-right quadrant only.
  for (let y = 256; y < 512; y++) {
    for (let x = 256; x < 512; x++) {
      const p = (y * width + x) * 4;
      const v = (x + y) % 2 ? 20 : 220;
      rgba[p] = rgba[p + 1] = rgba[p + 2] = v;
    }
  }
  const crops = selectCrops({ width, height, rgba }, 2);
  assert.deepEqual(crops[0], { x: 256, y: 256 });
  // (256,128) and (128,256) are equally textured: raster order picks y=128 first.
  assert.deepEqual(crops[1], { x: 256, y: 128 });
  const flat = selectCrops({ width, height, rgba: new Uint8Array(width * height * 4) }, 2);
  assert.deepEqual(flat, [{ x: 0, y: 0 }, { x: 128, y: 0 }]);
});

test('bands follow the calibration thresholds', () => {
  assert.equal(bandOf(calibration.likely_ai_min_probability, calibration), 'likely-ai');
  assert.equal(bandOf(calibration.likely_real_max_probability, calibration), 'likely-real');
  assert.equal(bandOf((calibration.likely_ai_min_probability + calibration.likely_real_max_probability) / 2, calibration), 'uncertain');
});

test('JS probabilities equal the Python reference scores', async (t) => {
  const devDir = sharedData('ai-dev');
  if (!devDir) {
    t.skip(SKIP_NO_SHARED);
    return;
  }
  const reference = JSON.parse(readFileSync(path.join(dir, 'reference_scores.json'), 'utf8'));
  const ops = await createFiligraneNode();
  const session = await ort.InferenceSession.create(readFileSync(path.join(dir, 'ai_detector.onnx')));
  assert.ok(reference.images.length >= 2);
  for (const ref of reference.images) {
    const bytes = new Uint8Array(readFileSync(path.join(devDir, ref.file)));
    const got = await detectAiPixels({ ops, session, ort, bytes, calibration });
    assert.deepEqual(got.crops.map(({ x, y }) => [x, y]), ref.crops, `${ref.file} crops`);
    assert.ok(Math.abs(got.probability - ref.probability) <= 1e-3, `${ref.file}: ${got.probability} vs ${ref.probability}`);
    const nearThreshold = [calibration.likely_ai_min_probability, calibration.likely_real_max_probability]
      .some((th) => Math.abs(ref.probability - th) <= 1e-3);
    if (!nearThreshold) assert.equal(got.band, ref.band, `${ref.file} band`);
  }
});
