// Redaction through the WebAssembly module (web/lib/redact-ops.mjs) and the
// JS port used as the GPU's reference (web/lib/redact-gpu.mjs).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFiligraneNode, FiligraneError } from '../../web/lib/node.mjs';
import { createRedactOps } from '../../web/lib/redact-ops.mjs';
import { redactRgbaReference, planRegions, blurPasses } from '../../web/lib/redact-gpu.mjs';

const corpus = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'corpus');
const read = (name) => readFileSync(path.join(corpus, name));
let core, redact;

before(async () => {
  core = await createFiligraneNode();
  redact = createRedactOps(core.module);
});

const REGIONS = [
  { x: 20.5, y: 30.25, width: 120, height: 40 },  // a text line, fractional edges
  [100, 60, 90, 90],                               // overlaps the first
  { x: 280, y: 200, width: 200, height: 100 },     // clipped at the corner
];

function maxDiff(a, b) {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function insideAny(boxes, x, y) {
  return boxes.some((b) => x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1);
}

for (const style of ['blur', 'pixelate', 'fill']) {
  test(`${style}: the file export changes only the regions and matches the JS port`, () => {
    const original = core.decodeRgba(read('photo.jpg'));
    const out = redact.redact(read('photo.jpg'), { regions: REGIONS, style });
    assert.equal(out.mime, 'image/png');
    assert.deepEqual([out.width, out.height], [320, 240]);
    const pixels = core.decodeRgba(out.bytes);
    const boxes = planRegions(320, 240, REGIONS);
    let inside = 0, changedInside = 0;
    for (let y = 0; y < 240; y++) {
      for (let x = 0; x < 320; x++) {
        const i = (y * 320 + x) * 4;
        const same = [0, 1, 2, 3].every((c) => pixels.rgba[i + c] === original.rgba[i + c]);
        if (insideAny(boxes, x, y)) { inside++; if (!same) changedInside++; } else assert.ok(same, `pixel ${x},${y} outside changed`);
      }
    }
    assert.ok(changedInside > inside * 0.9, `${changedInside} of ${inside} changed`);
    const js = redactRgbaReference(original, REGIONS, { style });
    assert.equal(maxDiff(js, pixels.rgba), 0, 'JS port equals WebAssembly');
  });
}

test('redactRgba: explicit strength, fill colours and translucent pixels agree with the JS port', () => {
  const width = 97, height = 61;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 37 + (i >> 7) * 11) & 255;
  const image = { width, height, rgba };
  const cases = [
    { style: 'blur', sigma: 20, regions: [[0, 0, 97, 61]] },
    { style: 'blur', regions: [[10, 5, 30, 12], [0, 50, 97, 11]] },
    { style: 'pixelate', cell: 23, regions: [[3, 4, 80, 50], [40, 0, 57, 61]] },
    { style: 'fill', fill: '#11223344', regions: [[90, 50, 1000, 1000]] },
    { style: 'fill', fill: [255, 0, 0], regions: [[0.5, 0.5, 2, 2]] },
  ];
  for (const c of cases) {
    const wasm = redact.redactRgba(image, c);
    assert.equal(maxDiff(wasm.rgba, redactRgbaReference(image, c.regions, c)), 0, JSON.stringify(c));
  }
  const filled = redact.redactRgba(image, cases[3]);
  assert.deepEqual([...filled.rgba.subarray(-4)], [0x11, 0x22, 0x33, 0x44]);
});

test('mask: only masked pixels change, and the JS port agrees', () => {
  const { width, height, rgba } = core.decodeRgba(read('photo.jpg'));
  const mask = new Uint8Array(width * height);
  for (let y = 50; y < 120; y++) for (let x = 60; x < 200; x++) mask[y * width + x] = (x + y) % 9 === 0 ? 128 : 255;
  for (const style of ['blur', 'pixelate', 'fill']) {
    const out = redact.redactRgba({ width, height, rgba }, { style, mask });
    for (let p = 0; p < width * height; p++) {
      if (mask[p]) continue;
      for (let c = 0; c < 4; c++) assert.equal(out.rgba[p * 4 + c], rgba[p * 4 + c]);
    }
    assert.equal(maxDiff(out.rgba, redactRgbaReference({ width, height, rgba }, [], { style, mask })), 0, style);
  }
});

test('the export carries no metadata (EXIF, XMP, PNG text)', () => {
  for (const name of ['redact/meta.jpg', 'redact/meta.png', 'oriented6.jpg']) {
    const before = core.provenance(read(name));
    assert.ok(before.exif.present, `${name} has EXIF to begin with`);
    for (const format of ['png', 'jpeg']) {
      const out = redact.redact(read(name), { regions: [[0, 0, 8, 8]], style: 'fill', format, quality: 80 });
      assert.equal(out.mime, `image/${format}`);
      const after = core.provenance(out.bytes);
      assert.equal(after.exif.present, false, `${name} -> ${format}`);
      assert.equal(after.xmp.present, false);
      assert.equal(after.generator.texts.length, 0);
      const info = core.info(out.bytes);
      assert.deepEqual(info.metadata, { exif: false, iccProfile: false, xmp: false });
      assert.equal(Buffer.from(out.bytes).includes('Secret'), false, 'no text of the input survives');
    }
  }
  // Orientation is applied first: regions are in displayed pixels.
  const oriented = redact.redact(read('oriented6.jpg'), { regions: [] });
  assert.deepEqual([oriented.width, oriented.height], [32, 64]);
});

test('invalid input gives FiligraneError with a stable code', () => {
  const photo = read('photo.jpg');
  const expectCode = (fn, code) => assert.throws(fn, (e) => e instanceof FiligraneError && e.code === code && e.message.length > 0);
  expectCode(() => redact.redact(photo, { regions: Array.from({ length: 4097 }, () => [0, 0, 1, 1]) }), 'too_large');
  expectCode(() => redact.redact(photo, { regions: [[-1, 0, 5, 5]] }), 'invalid_argument');
  expectCode(() => redact.redact(photo, { regions: [[0, 0, 0, 5]] }), 'invalid_argument');
  expectCode(() => redact.redact(photo, { regions: [[0, 0, NaN, 5]] }), 'invalid_argument');
  expectCode(() => redact.redact(photo, { regions: [{ x: 1 }] }), 'invalid_argument');
  expectCode(() => redact.redact(photo, { regions: [null] }), 'invalid_argument');
  expectCode(() => redact.redact(photo, { regions: 'all' }), 'invalid_argument');
  expectCode(() => redact.redact(photo, { regions: [[0, 0, 5, 5]], style: 'swirl' }), 'invalid_argument');
  expectCode(() => redact.redact(photo, { regions: [[0, 0, 5, 5]], sigma: 2 }), 'invalid_argument');
  expectCode(() => redact.redact(photo, { regions: [[0, 0, 5, 5]], style: 'pixelate', cell: 3 }), 'invalid_argument');
  expectCode(() => redact.redact(photo, { regions: [[0, 0, 5, 5]], fill: 'red' }), 'invalid_argument');
  expectCode(() => redact.redact(photo, { regions: [[0, 0, 5, 5]], format: 'gif' }), 'invalid_argument');
  expectCode(() => redact.redact(photo, { regions: [[0, 0, 5, 5]], format: 'jpeg', quality: 0 }), 'invalid_argument');
  expectCode(() => redact.redact(photo.subarray(0, 100), { regions: [[0, 0, 5, 5]] }), 'corrupt_data');
  expectCode(() => redact.redact(photo, { regions: [[0, 0, 5, 5]], maxPixels: 1000 }), 'too_large');
  expectCode(() => redact.redactRgba({ width: 2, height: 2, rgba: new Uint8Array(15) }, { regions: [[0, 0, 1, 1]] }), 'invalid_argument');
  expectCode(() => redact.redactRgba({ width: 2, height: 2, rgba: new Uint8Array(16) }, { mask: new Uint8Array(3) }), 'invalid_argument');
  // Regions entirely outside the image are accepted and change nothing.
  const px = { width: 2, height: 2, rgba: new Uint8Array(16).fill(7) };
  assert.deepEqual(redact.redactRgba(px, { regions: [[5, 5, 1, 1]], style: 'fill' }).rgba, px.rgba);
});

test('blur boxes match the core (three boxes with variance ~ sigma^2)', () => {
  assert.deepEqual(blurPasses(12), [11, 11, 12]);
  assert.deepEqual(blurPasses(128), [127, 127, 128]);
  for (const sigma of [12, 13.3, 40, 100.5, 128]) {
    const variance = blurPasses(sigma).reduce((v, r) => v + ((2 * r + 1) ** 2 - 1) / 12, 0);
    assert.ok(Math.abs(Math.sqrt(variance) - sigma) < 0.6, String(sigma));
  }
});

test('repeated redactions do not leak WebAssembly memory', () => {
  const photo = read('photo.jpg');
  const run = () => redact.redact(photo, { regions: REGIONS, style: 'pixelate', format: 'jpeg' });
  for (let i = 0; i < 5; i++) run();
  const before = core.heapStats().allocatedBytes;
  for (let i = 0; i < 40; i++) run();
  assert.ok(core.heapStats().allocatedBytes - before < 64 * 1024, 'heap grew');
});

test('drawing on a handle: redactHandle equals redactRgba, copy() and cropped() own their pixels, bad input is refused', () => {
  const file = core.open(read('photo.jpg'));
  try {
    const decode = file.image();
    const original = decode.rgba();
    const copy = decode.copy().image;
    try {
      redact.redactHandle(copy, { regions: REGIONS, style: 'pixelate' });
      const viaJs = redact.redactRgba({ width: decode.width, height: decode.height, rgba: original }, { regions: REGIONS, style: 'pixelate' });
      assert.deepEqual(copy.rgba(), viaJs.rgba);
      assert.deepEqual(decode.rgba(), original, 'the decode the copy came from is unchanged');
      const into = new Uint8Array(new SharedArrayBuffer(copy.width * copy.height * 4));
      assert.equal(copy.rgbaInto(into), true);
      assert.deepEqual(new Uint8Array(into), viaJs.rgba);
      assert.equal(copy.rgbaInto(new Uint8Array(3)), false, 'a target of the wrong length is refused');
    } finally {
      copy.delete();
    }
    const crop = decode.cropped(10, 20, 30, 40).image;
    try {
      const expected = new Uint8Array(30 * 40 * 4);
      for (let y = 0; y < 40; y++) expected.set(original.subarray(((20 + y) * decode.width + 10) * 4, ((20 + y) * decode.width + 40) * 4), y * 120);
      assert.deepEqual([crop.width, crop.height], [30, 40]);
      assert.deepEqual(crop.rgba(), expected);
    } finally {
      crop.delete();
    }
    for (const bad of [[-1, 0, 5, 5], [0, 0, 0, 5], [decode.width - 4, 0, 5, 5], [0.5, 0, 5, 5], [0, 0, NaN, 5]]) {
      assert.equal(decode.cropped(...bad).status.name, 'invalid_argument', String(bad));
    }
    const expectCode = (fn, code) => assert.throws(fn, (e) => e instanceof FiligraneError && e.code === code);
    const scratch = decode.copy().image;
    try {
      expectCode(() => redact.redactHandle(scratch, { regions: [[-1, 0, 5, 5]] }), 'invalid_argument');
      expectCode(() => redact.redactHandle(scratch, { regions: [[0, 0, 5, 5]], style: 'swirl' }), 'invalid_argument');
      expectCode(() => redact.redactHandle(scratch, { regions: Array.from({ length: 4097 }, () => [0, 0, 1, 1]) }), 'too_large');
    } finally {
      scratch.delete();
    }
  } finally {
    file.close();
  }
});

test('takeImageToDraw: a file held for later calls gives a copy; a file opened for one call hands over its decode', () => {
  const held = core.open(read('photo.jpg'));
  try {
    const decode = held.image();
    const before = decode.rgba();
    const drawn = held.takeImageToDraw();
    try {
      assert.notEqual(drawn, decode);
      redact.redactHandle(drawn, { regions: [[0, 0, 50, 50]], style: 'fill' });
      assert.deepEqual(held.image().rgba(), before, 'later calls still read the original decode');
      assert.equal(held.decodes, 1);
    } finally {
      drawn.delete();
    }
  } finally {
    held.close();
  }
  // Through redactBoxes on plain bytes (a file opened for the call): same
  // output as on a held file, and nothing left allocated afterwards.
  const photo = read('photo.jpg');
  const boxes = [{ x: 10, y: 10, width: 80, height: 40, kind: 'user' }];
  const viaHeld = (() => { const f = core.open(photo); try { return core.redactBoxes(f, boxes); } finally { f.close(); } })();
  for (let i = 0; i < 3; i++) core.redactBoxes(photo, boxes);
  const heap = core.heapStats().allocatedBytes;
  const once = core.redactBoxes(photo, boxes);
  assert.ok(core.heapStats().allocatedBytes - heap < 64 * 1024, 'the handed-over decode was freed');
  assert.deepEqual(once.bytes, viaHeld.bytes);
});
