// Nudity cue (issue 6): Filigrane's TensorFlow.js-to-ONNX converter against
// TensorFlow.js itself (a synthetic model covering every translated layer
// option, and nsfwjs's MobileNetV2 on shared images), its determinism, and
// classifyNudity in web/lib/nsfw.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { convertNsfwjs, convertKerasModel, INPUT_NAME, OUTPUT_NAME } from '../../tools/tfjs_to_onnx.mjs';
import { tfjsReference, onnxProbs } from '../../tools/eval_nsfw.mjs';
import { classifyNudity, nsfwInput, NSFW_CLASSES, NUDITY_THRESHOLD, SUGGESTIVE_THRESHOLD } from '../../web/lib/nsfw.mjs';
import { createFiligraneNode } from '../../web/lib/node.mjs';
import { sharedData, SKIP_NO_SHARED } from './shared-data.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const modelDir = path.join(repo, 'models', 'nsfw-mobilenet-v2');
ort.env.wasm.numThreads = 1;

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const maxAbsDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

let converted = null;
/** The converted model bytes (converted in memory, so no build step is needed). */
function nsfwBytes() {
  converted ??= convertNsfwjs();
  return converted;
}
let sessionPromise = null;
const nsfwSession = () => (sessionPromise ??= ort.InferenceSession.create(nsfwBytes()));

async function loadTf() {
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  return tf;
}

test('converter output is deterministic and pinned in model.json and CARD.md', () => {
  const a = nsfwBytes();
  const b = convertNsfwjs();
  assert.deepEqual(Buffer.from(a), Buffer.from(b), 'two conversions give the same bytes');
  const pinned = JSON.parse(readFileSync(path.join(modelDir, 'model.json'), 'utf8'));
  const digest = sha256(a);
  assert.equal(digest, pinned.sha256);
  assert.equal(a.length, pinned.bytes);
  assert.equal(pinned.source, 'build/models/nsfw-mobilenet-v2.onnx');
  assert.ok(readFileSync(path.join(modelDir, 'CARD.md'), 'utf8').includes(digest), 'CARD.md lists the sha256');
  const built = path.join(repo, pinned.source);
  if (existsSync(built)) assert.equal(sha256(readFileSync(built)), digest, `${pinned.source} is current`);
});

// Seeded uniform values in [lo, hi).
function rng(seed) {
  let s = seed >>> 0;
  return (lo, hi) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (hi - lo));
  };
}

test('converter matches TensorFlow.js on every translated layer option (synthetic model)', async () => {
  const tf = await loadTf();
  const L = tf.layers;
  // 21x18 input: TF 'same' padding is symmetric on the odd side, 0/1 on the even side at stride 2.
  const input = tf.input({ shape: [21, 18, 3], name: 'img' });
  let x = L.conv2d({ name: 'c1', filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(input);
  x = L.batchNormalization({ name: 'bn1' }).apply(x); // not foldable (follows a ReLU)
  x = L.zeroPadding2d({ name: 'zp1', padding: [[1, 2], [0, 1]] }).apply(x); // folded into dw pads
  x = L.depthwiseConv2d({ name: 'dw', kernelSize: 3, strides: 2, padding: 'valid', depthMultiplier: 2, useBias: false }).apply(x);
  x = L.batchNormalization({ name: 'bn2' }).apply(x); // folded into dw
  const r6 = L.reLU({ name: 'r6', maxValue: 6 }).apply(x);
  const pw = L.conv2d({ name: 'pw', filters: 16, kernelSize: 1, padding: 'same' }).apply(r6);
  x = L.add({ name: 'add' }).apply([r6, pw]);
  x = L.zeroPadding2d({ name: 'zp2', padding: 1 }).apply(x); // becomes an ONNX Pad (pooling follows)
  x = L.averagePooling2d({ name: 'ap1', poolSize: 2, strides: 2, padding: 'valid' }).apply(x);
  x = L.averagePooling2d({ name: 'ap2', poolSize: 3, strides: 2, padding: 'same' }).apply(x);
  x = L.flatten({ name: 'flat' }).apply(x); // 2x2 spatial: NHWC element order matters
  x = L.dense({ name: 'd1', units: 10, activation: 'relu' }).apply(x);
  x = L.dropout({ name: 'drop', rate: 0.5 }).apply(x);
  x = L.dense({ name: 'd2', units: 5, activation: 'softmax' }).apply(x);
  const model = tf.model({ inputs: input, outputs: x });

  const rand = rng(6);
  model.setWeights(model.weights.map((w) => {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const variance = w.originalName.endsWith('moving_variance');
    return tf.tensor(Float32Array.from({ length: n }, () => (variance ? rand(0.2, 2) : rand(-0.6, 0.6))), w.shape);
  }));
  const weights = new Map(model.weights.map((w) => [w.originalName, { shape: w.shape, values: w.read().dataSync() }]));
  const bytes = convertKerasModel({ modelTopology: model.toJSON(null, false), weights });

  const batch = 2;
  const data = Float32Array.from({ length: batch * 21 * 18 * 3 }, () => rand(0, 1));
  const want = model.predict(tf.tensor(data, [batch, 21, 18, 3])).dataSync();
  const session = await ort.InferenceSession.create(bytes);
  const got = (await session.run({ [INPUT_NAME]: new ort.Tensor('float32', data, [batch, 21, 18, 3]) }))[OUTPUT_NAME];
  assert.deepEqual(got.dims, [batch, 5]);
  assert.ok(maxAbsDiff(Array.from(want), Array.from(got.data)) <= 1e-5, `${Array.from(want)} vs ${Array.from(got.data)}`);
  // Softmax outputs that are not all alike, or the comparison proves little.
  assert.ok(Math.max(...want) - Math.min(...want) > 0.05);
});

test('converted MobileNetV2 matches nsfwjs on TensorFlow.js within 1e-4 (3 shared images)', async (t) => {
  const files = ['kodak/kodim05.png', 'people/1.jpg', 'screens/102.png'].map((f) => sharedData(f));
  if (files.some((f) => !f)) { t.skip(SKIP_NO_SHARED); return; }
  const tf = await loadTf();
  const nsfwjs = await import('nsfwjs');
  const nsfw = await nsfwjs.load('MobileNetV2');
  const core = await createFiligraneNode();
  const session = await nsfwSession();
  try {
    for (const file of files) {
      const image = core.decodeRgba(readFileSync(file));
      const ref = tfjsReference(tf, nsfw, image);
      const ours = nsfwInput(image.rgba, image.width, image.height);
      assert.equal(maxAbsDiff(ref.input, ours), 0, `${file}: the JS preprocessing gives nsfwjs's tensor`);
      const got = await onnxProbs(session, ours);
      const diff = maxAbsDiff(ref.probs, got);
      assert.ok(diff <= 1e-4, `${file}: max difference ${diff} (${ref.probs} vs ${got})`);
    }
  } finally {
    nsfw.dispose();
  }
});

test('classifyNudity reads a Kodak photo as none', async (t) => {
  const file = sharedData('kodak/kodim23.png');
  if (!file) { t.skip(SKIP_NO_SHARED); return; }
  const core = await createFiligraneNode();
  const image = core.decodeRgba(readFileSync(file));
  const result = await classifyNudity({ session: await nsfwSession(), ort, ...image });
  assert.equal(result.verdict, 'none');
  assert.deepEqual(Object.keys(result.classes), NSFW_CLASSES);
  const total = Object.values(result.classes).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - 1) < 1e-4, `probabilities sum to ${total}`);
  assert.equal(result.score, result.classes.Porn + result.classes.Hentai);
  assert.ok(result.score < SUGGESTIVE_THRESHOLD && SUGGESTIVE_THRESHOLD <= NUDITY_THRESHOLD);
});

test('nsfwInput flattens alpha over white, passes 224x224 through and rejects bad sizes', () => {
  const rgba = new Uint8Array(224 * 224 * 4);
  for (let p = 0; p < 224 * 224; p++) rgba.set([10, 20, 30, p % 2 ? 255 : 0], p * 4);
  const out = nsfwInput(rgba, 224, 224);
  assert.deepEqual(Array.from(out.subarray(0, 6)), [1, 1, 1, 10 / 255, 20 / 255, 30 / 255].map(Math.fround));
  assert.throws(() => nsfwInput(rgba, 224, 223), { name: 'FiligraneError', code: 'invalid_argument' });
  assert.throws(() => nsfwInput(rgba, 0, 0), { code: 'invalid_argument' });
  // 1x1 image: every output sample is that pixel.
  const one = nsfwInput(Uint8Array.from([255, 0, 51, 255]), 1, 1);
  assert.deepEqual(Array.from(one.subarray(-3)), [1, 0, Math.fround(51 / 255)]);
});
