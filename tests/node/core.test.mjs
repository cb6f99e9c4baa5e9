// The WebAssembly module under Node through the JS library (tier 2).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFiligraneNode, FiligraneError } from '../../web/lib/node.mjs';
import { VALID_IMAGES, expectedErrorCode } from './cases.mjs';

const corpus = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'corpus');
let core;
before(async () => { core = await createFiligraneNode(); });

for (const c of VALID_IMAGES) {
  test(`info reads ${c.file}`, () => {
    const info = core.info(readFileSync(path.join(corpus, c.file)));
    assert.equal(info.format, c.format);
    assert.equal(info.width, c.width);
    assert.equal(info.height, c.height);
    assert.equal(info.transparent, c.transparent);
    assert.equal(info.orientation, c.orientation ?? 1);
    if (c.exif) assert.equal(info.metadata.exif, true);
  });
}

const malformed = readdirSync(path.join(corpus, 'malformed'), { withFileTypes: true }).filter((d) => d.isFile());
test('the malformed corpus is not empty', () => assert.ok(malformed.length >= 15));
for (const entry of malformed) {
  test(`malformed ${entry.name} gives a clean error`, () => {
    const bytes = readFileSync(path.join(corpus, 'malformed', entry.name));
    assert.throws(() => core.info(bytes), (err) => {
      assert.ok(err instanceof FiligraneError, `expected FiligraneError, got ${err}`);
      assert.ok(err.message.length > 0);
      const code = expectedErrorCode(entry.name);
      if (code) assert.equal(err.code, code);
      return true;
    });
  });
}

test('a limit below the image size is refused before decoding', () => {
  const bytes = readFileSync(path.join(corpus, 'photo.jpg'));
  assert.throws(() => core.info(bytes, { maxPixels: 1000 }), { code: 'too_large' });
});

test('decodeRgba returns pixels and shrinks for previews', () => {
  const bytes = readFileSync(path.join(corpus, 'gradient.png'));
  const full = core.decodeRgba(bytes);
  assert.equal(full.rgba.length, 64 * 48 * 4);
  assert.ok(full.rgba[0] > 240 && full.rgba[2] < 15, 'top-left is red');
  const small = core.decodeRgba(bytes, { maxSide: 16 });
  assert.deepEqual([small.width, small.height], [16, 12]);
});

test('encode round-trips PNG losslessly', () => {
  const src = core.decodeRgba(readFileSync(path.join(corpus, 'alpha.png')));
  const png = core.encode(src, { format: 'png' });
  assert.deepEqual(core.decodeRgba(png).rgba, src.rgba);
  const jpeg = core.encode(src, { format: 'jpeg', quality: 80 });
  assert.equal(core.info(jpeg).format, 'jpeg');
  assert.throws(() => core.encode({ width: 2, height: 2, rgba: new Uint8Array(3) }), { code: 'invalid_argument' });
  assert.throws(() => core.encode(src, { format: 'jpeg', quality: 0 }), { code: 'invalid_argument' });
});

test('non-byte input is rejected with FiligraneError', () => {
  assert.throws(() => core.info('not bytes'), { code: 'invalid_argument' });
});

test('1,000 consecutive scans leak no WebAssembly heap', () => {
  const good = readFileSync(path.join(corpus, 'photo.jpg'));
  const bad = readFileSync(path.join(corpus, 'malformed', 'truncated-half.jpg'));
  for (let i = 0; i < 20; i++) core.info(good); // warm-up
  const before = core.heapStats().allocatedBytes;
  for (let i = 0; i < 1000; i++) {
    core.info(good);
    core.decodeRgba(good, { maxSide: 64 });
    assert.throws(() => core.info(bad));
    // A DecodedImage frees its full-size and reduced copies on close().
    const file = core.open(good);
    core.info(file);
    core.decodeRgba(file, { minSide: 60 });
    file.close();
  }
  const growth = core.heapStats().allocatedBytes - before;
  assert.ok(growth <= 1 << 20, `heap grew by ${growth} bytes`);
});

test('a DecodedImage is decoded once whatever runs on it, and close() frees it', async () => {
  const bytes = readFileSync(path.join(corpus, 'photo.jpg'));
  const decodesBefore = core.heapStats().decodes;
  const heapBefore = core.heapStats().allocatedBytes;
  const file = core.open(bytes);
  const info = core.info(file);
  core.header(file);
  core.decodeRgba(file, { maxSide: 64 });
  core.decodeRgba(file, { minSide: 100 });
  core.provenance(file);
  core.detectSdMark(file);
  core.detectImageMark(file, { key: 'k' });
  const marked = core.markImage(file, { key: 'k', payload: '0123456789abcdef' });
  core.markImage(file, { key: 'k', payload: '0123456789abcdef', format: 'jpeg', quality: 90 });
  await core.aiVerdict(file, { detector: false });
  await core.provenanceReport(file);
  assert.equal(file.decodes, 1, 'the file was decoded once');
  assert.equal(core.heapStats().decodes - decodesBefore, 1, 'the module decoded one file');
  file.close();
  file.close(); // idempotent
  assert.throws(() => core.info(file), { code: 'internal' });
  assert.ok(core.heapStats().allocatedBytes - heapBefore < 64 * 1024, 'close() freed the handles');
  // The marked PNG reads back with the mark and the file's size.
  assert.equal(core.info(marked.bytes).width, info.width);
  assert.equal(core.detectImageMark(marked.bytes, { key: 'k' }).payload, '0123456789abcdef');
});

test('an AI verdict on file bytes decodes the file once', async () => {
  const bytes = readFileSync(path.join(corpus, 'photo.jpg'));
  const before = core.heapStats().decodes;
  await core.aiVerdict(bytes, { detector: false });
  assert.equal(core.heapStats().decodes - before, 1);
});
