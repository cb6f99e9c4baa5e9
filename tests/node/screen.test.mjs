// Screen mark through the CLI and the JS library on the WebAssembly module.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFiligraneNode } from '../../web/lib/node.mjs';
import { viewerTimePayload } from '../../web/lib/core-ops.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = (...args) => spawnSync(path.join(root, 'filigrane'), args, { cwd: root, encoding: 'utf8' });
const tmp = mkdtempSync(path.join(os.tmpdir(), 'filigrane-screen-'));
let core, pagePng;

// A synthetic 800x600 "page": white background, dark text-like bars, a dark panel, a colour block.
function syntheticPage(width = 800, height = 600) {
  const rgba = new Uint8Array(width * height * 4).fill(255);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const inText = y % 24 < 10 && x % 90 < 70 && y > 40;
      const inPanel = x > 520 && y > 300;
      const inBlock = x < 200 && y < 120;
      const v = inPanel ? 30 : inText ? 40 : 255;
      rgba[i] = inBlock ? 30 : v;
      rgba[i + 1] = inBlock ? 110 : v;
      rgba[i + 2] = inBlock ? 230 : v;
    }
  }
  return { width, height, rgba };
}

before(async () => {
  core = await createFiligraneNode();
  pagePng = core.encode(syntheticPage());
  writeFileSync(path.join(tmp, 'page.png'), pagePng);
});

test('screen apply then screen decode round-trips viewer and time through the CLI', () => {
  const out = path.join(tmp, 'marked.png');
  const apply = cli('screen', 'apply', '--key', 'k1', '--viewer', '77', '--time', '2026-11-28T10:15:00Z', path.join(tmp, 'page.png'), out);
  assert.equal(apply.status, 0, apply.stderr);
  const decode = cli('screen', 'decode', '--key', 'k1', out);
  assert.equal(decode.status, 0, decode.stderr);
  const report = JSON.parse(decode.stdout);
  assert.equal(report.found, true);
  assert.equal(report.viewerId, 77);
  assert.equal(report.time, '2026-11-28T10:15:00.000Z');
  assert.equal(report.payload, viewerTimePayload(77, new Date('2026-11-28T10:15:00Z')));
  assert.ok(report.confidence > 0.3);
  const wrong = JSON.parse(cli('screen', 'decode', '--key', 'k2', out).stdout);
  assert.equal(wrong.found, false);
  assert.equal(wrong.payload, null);
});

test('screen overlay writes a transparent overlay of the requested size', () => {
  const out = path.join(tmp, 'overlay.png');
  const r = cli('screen', 'overlay', '--key', 'k1', '--payload', 'deadbeef01234567', '--width', '300', '--height', '200', out);
  assert.equal(r.status, 0, r.stderr);
  const info = core.info(readFileSync(out));
  assert.deepEqual([info.width, info.height, info.transparent], [300, 200, true]);
});

test('the mark survives JPEG 60 and a 0.5x rescale; an unmarked page reads nothing', () => {
  const marked = core.screenApply(pagePng, { key: 'k3', payload: '0123456789abcdef' });
  const jpeg = core.encode(core.decodeRgba(marked), { format: 'jpeg', quality: 60 });
  assert.equal(core.screenDecode(jpeg, { key: 'k3' }).payload, '0123456789abcdef');
  const half = core.resize(marked, { width: 400, height: 300 });
  assert.equal(core.screenDecode(half, { key: 'k3' }).payload, '0123456789abcdef');
  const clean = core.screenDecode(pagePng, { key: 'k3' });
  assert.equal(clean.found, false);
  assert.equal(clean.payload, null);
});

test('bad payloads, keys and strengths are clean errors', () => {
  assert.throws(() => core.screenTile({ key: 'k', payload: 'xyz' }), { code: 'invalid_argument' });
  assert.throws(() => core.screenTile({ key: 'k', payload: '1'.repeat(17) }), { code: 'invalid_argument' });
  assert.throws(() => core.screenTile({ key: '', payload: '1' }), { code: 'invalid_argument' });
  assert.throws(() => core.screenTile({ key: 'k', payload: '1', strength: 0.9 }), { code: 'invalid_argument' });
  assert.throws(() => core.screenOverlay({ key: 'k', payload: '1', width: 0, height: 5 }), { code: 'invalid_argument' });
  const r = cli('screen', 'apply', '--key', 'k', '--payload', 'nothex', path.join(tmp, 'page.png'), path.join(tmp, 'x.png'));
  assert.equal(r.status, 2);
  assert.equal(cli('screen', 'decode', path.join(tmp, 'page.png')).status, 64, 'missing --key');
  assert.equal(cli('screen', 'decode', '--key', 'k', 'tests/corpus/malformed/truncated-half.jpg').status, 2);
});

test('tiny and garbage images give found: false or a clean error', () => {
  const tiny = core.encode({ width: 3, height: 3, rgba: new Uint8Array(36).fill(200) });
  assert.equal(core.screenDecode(tiny, { key: 'k' }).found, false);
  const noise = new Uint8Array(256 * 256 * 4).map((_, i) => (i * 2654435761) >>> 24);
  assert.equal(core.screenDecode(core.encode({ width: 256, height: 256, rgba: noise }), { key: 'k' }).found, false);
});
