// Face detection (web/lib/faces.mjs + core/faces through the WebAssembly
// module + BlazeFace back-256 in ONNX Runtime Web): labelled shared photos,
// images without faces, odd images, and the bindings' input checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { createFiligraneNode, createNodeFaceHelper, FiligraneError } from '../../web/lib/node.mjs';
import { detectFaces, planFaceTiles, scanFaces, startScanFaces } from '../../web/lib/faces.mjs';
import { sharedData, SKIP_NO_SHARED } from './shared-data.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = (name) => readFileSync(path.join(root, 'tests', 'corpus', name));
const labels = JSON.parse(readFileSync(path.join(root, 'tests', 'data', 'faces.json'), 'utf8'));
ort.env.wasm.numThreads = 1;

const engine = await createFiligraneNode();
const NO_FACES = typeof engine.module.facesPlanTiles === 'function' ? false : 'this build of the engine has no faces feature';
const modelInfo = JSON.parse(readFileSync(path.join(root, 'models', 'blazeface-back-256', 'model.json'), 'utf8'));
const modelPath = path.join(root, modelInfo.source);
const NO_MODEL = existsSync(modelPath) ? false : `${modelInfo.source} is not installed (npm ci)`;
const skip = NO_FACES || NO_MODEL;

let sessionPromise = null;
function session() {
  sessionPromise ??= (async () => {
    const bytes = readFileSync(modelPath);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), modelInfo.sha256, 'model sha256 matches model.json');
    return ort.InferenceSession.create(bytes);
  })();
  return sessionPromise;
}

async function facesIn(bytes, options) {
  const { width, height, rgba } = engine.decodeRgba(bytes);
  return detectFaces({ module: engine.module, session: await session(), ort, rgba, width, height, options });
}

function assertClean(faces, width, height) {
  assert.ok(Array.isArray(faces));
  for (const f of faces) {
    for (const k of ['x', 'y', 'width', 'height', 'score']) assert.ok(Number.isFinite(f[k]), `${k} is finite`);
    assert.ok(f.x >= 0 && f.y >= 0 && f.x + f.width <= width + 0.1 && f.y + f.height <= height + 0.1, 'inside the image');
    assert.ok(f.score >= 0 && f.score <= 1);
  }
}

for (const [file, tolerance] of [['2.jpg', 0], ['9.jpg', 1], ['10.jpg', 2]]) {
  const photo = sharedData(`people/${file}`);
  test(`faces: ${file} gives its labelled face count (±${tolerance})`, { skip: skip || (!photo && SKIP_NO_SHARED) }, async () => {
    const expected = labels.images[file].faces.filter((f) => !f.small && !f.hard).length;
    const bytes = readFileSync(photo);
    const faces = await facesIn(bytes);
    const { width, height } = engine.info(bytes);
    assertClean(faces, width, height);
    assert.ok(Math.abs(faces.length - expected) <= tolerance, `${faces.length} faces, labelled ${expected}`);
  });
}

const landscape = sharedData('kodak/kodim23.png');
test('faces: a Kodak photo of two parrots has no face', { skip: skip || (!landscape && SKIP_NO_SHARED) }, async () => {
  assert.deepEqual(await facesIn(readFileSync(landscape)), []);
});

test('faces: synthetic corpus images give [] and clean results', { skip }, async () => {
  for (const name of ['gradient.png', 'grey.png', 'alpha.png', 'photo.jpg', 'tiny.bmp']) {
    const bytes = corpus(name);
    const { width, height } = engine.info(bytes);
    const faces = await facesIn(bytes);
    assertClean(faces, width, height);
    if (name !== 'photo.jpg') assert.deepEqual(faces, [], name);
  }
});

test('faces: an 8x8 image and a fully transparent one give []', { skip }, async () => {
  const s = await session();
  const tiny = new Uint8Array(8 * 8 * 4).fill(200);
  assert.deepEqual(await detectFaces({ module: engine.module, session: s, ort, rgba: tiny, width: 8, height: 8 }), []);
  const clear = new Uint8Array(300 * 200 * 4);  // alpha 0 everywhere
  assert.deepEqual(await detectFaces({ module: engine.module, session: s, ort, rgba: clear, width: 300, height: 200 }), []);
});

test('faces: bad input is a FiligraneError, not a crash', { skip }, async () => {
  const s = await session();
  const call = (args) => detectFaces({ module: engine.module, session: s, ort, rgba: new Uint8Array(16), width: 2, height: 2, ...args });
  await assert.rejects(call({ rgba: new Uint8Array(15) }), (e) => e instanceof FiligraneError && e.code === 'invalid_argument');
  await assert.rejects(call({ width: 0 }), (e) => e instanceof FiligraneError && e.code === 'invalid_argument');
  await assert.rejects(call({ session: null }), (e) => e instanceof FiligraneError && e.code === 'invalid_argument');
  await assert.rejects(call({ module: {} }), (e) => e instanceof FiligraneError && e.code === 'unsupported_feature');
  await assert.rejects(call({ options: { threshold: 2 } }), (e) => e instanceof FiligraneError && e.code === 'invalid_argument');
});

test('faces: bindings check array sizes, tiles and plans', { skip }, () => {
  const m = engine.module;
  const ok = [new Float32Array(512), new Float32Array(512 * 16), new Float32Array(384), new Float32Array(384 * 16)];
  assert.equal(m.facesDecode(...ok, { x: 0, y: 0, side: 256 }, 0.75, 0.3).status.code, 0);
  assert.equal(m.facesDecode(new Float32Array(511), ok[1], ok[2], ok[3], { x: 0, y: 0, side: 256 }, 0.75, 0.3).status.name, 'invalid_argument');
  assert.equal(m.facesDecode(...ok, { x: 0, y: 0, side: 0 }, 0.75, 0.3).status.name, 'invalid_argument');
  assert.equal(m.facesDecode(null, ok[1], ok[2], ok[3], { x: 0, y: 0, side: 256 }, 0.75, 0.3).status.name, 'invalid_argument');
  assert.equal(m.facesMerge('nope', 10, 10, 0.3, 0.6).status.name, 'invalid_argument');
  assert.equal(m.facesMerge([{ x: 1, y: 1, width: 5, height: 5, score: 0.9 }], 10, 10, 0.3, 0.6).detections.length, 1);
  assert.equal(m.facesPlanTiles(0, 10, {}).status.name, 'invalid_argument');
  const plan = planFaceTiles(m, 1024, 768);
  assert.ok(plan.tiles.length > 1 && plan.tiles[0].side === 1024 && plan.effectiveMinFace <= 24);
});

const group = sharedData('people/10.jpg');
test('faces: a helper that ends after each scan (the CLI) finds what one thread finds, scan after scan', { skip: skip || (!group && SKIP_NO_SHARED) }, async () => {
  // 2400 x 1800: 195 tiles, enough for cues to start the helper (FACE_SCAN.thorough.helperFrom).
  const photo = engine.resize(readFileSync(group), { width: 2400, height: 1800, filter: 'lanczos3', format: 'png' });
  const perScan = await createFiligraneNode({ faceThreads: 1, faceHelperPerScan: true });
  const options = { faces: true, nsfw: false, text: false, codes: false, thorough: true };
  const one = await engine.cues(photo, options);
  assert.ok(one.faces.length > 0 && one.face_scan.tiles >= 150, JSON.stringify(one.face_scan));
  for (let i = 0; i < 2; i++) {
    const found = await perScan.cues(photo, options);
    assert.deepEqual(found.faces, one.faces, `scan ${i + 1}`);
  }
});

test('faces: a scan shared with the helper thread finds the same boxes as one thread', { skip: skip || (!group && SKIP_NO_SHARED) }, async () => {
  const { width, height, rgba } = engine.decodeRgba(readFileSync(group));
  const shared = new Uint8Array(new SharedArrayBuffer(rgba.length));
  shared.set(rgba);
  const helper = await createNodeFaceHelper();
  try {
    const args = { module: engine.module, session: await session(), ort, width, height };
    const one = await scanFaces({ ...args, rgba });
    const scan = startScanFaces({ ...args, rgba: shared, helper });
    assert.equal(scan.parallel, true, 'the helper takes part');
    const two = await scan.finish();
    assert.ok(one.faces.length > 0, 'the group photo has faces');
    assert.deepEqual(two, one);
  } finally {
    await helper.terminate();
  }
});
