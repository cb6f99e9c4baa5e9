// Filigrane's image mark through the CLI and the JS library.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFiligraneNode } from '../../web/lib/node.mjs';
import { sharedData, SKIP_NO_SHARED } from './shared-data.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = (...args) => spawnSync(path.join(root, 'filigrane'), args, { cwd: root, encoding: 'utf8' });
const tmp = mkdtempSync(path.join(os.tmpdir(), 'filigrane-mark-'));
const kodak = sharedData('kodak');
let core;
before(async () => { core = await createFiligraneNode(); });

test('mark -> JPEG 50 -> detect round-trips through the CLI', { skip: kodak ? false : SKIP_NO_SHARED }, () => {
  const marked = path.join(tmp, 'marked.png');
  const r = cli('mark', '--key', 'cli-key', '--payload', 'feedface12345678', path.join(kodak, 'kodim23.png'), marked);
  assert.equal(r.status, 0, r.stderr);
  const psnr = Number(/PSNR ([0-9.]+) dB/.exec(r.stderr)?.[1]);
  assert.ok(psnr >= 42, `PSNR ${psnr}`);
  const jpeg = path.join(tmp, 'marked-q50.jpg');
  writeFileSync(jpeg, core.encode(core.decodeRgba(readFileSync(marked)), { format: 'jpeg', quality: 50 }));
  const found = JSON.parse(cli('detect', '--key', 'cli-key', jpeg).stdout);
  assert.equal(found.found, true);
  assert.equal(found.payload, 'feedface12345678');
  const wrong = JSON.parse(cli('detect', '--key', 'other-key', jpeg).stdout);
  assert.equal(wrong.found, false);
  assert.equal(wrong.payload, null);
  const clean = JSON.parse(cli('detect', '--key', 'cli-key', path.join(kodak, 'kodim23.png')).stdout);
  assert.equal(clean.found, false);
});

test('tiny, grey and transparent images: found false or a clean error', () => {
  const grey = core.encode({ width: 300, height: 300, rgba: new Uint8Array(300 * 300 * 4).fill(128) });
  assert.equal(core.detectImageMark(grey, { key: 'k' }).found, false);
  const tiny = core.encode({ width: 8, height: 8, rgba: new Uint8Array(256).fill(90) });
  const report = core.detectImageMark(tiny, { key: 'k' });
  assert.equal(report.found, false);
  assert.equal(report.tooSmall, true);
  const alpha = readFileSync(path.join(root, 'tests', 'corpus', 'alpha.png'));
  assert.equal(core.detectImageMark(alpha, { key: 'k' }).found, false);
  assert.throws(() => core.markImage(grey, { key: '', payload: '1' }), { code: 'invalid_argument' });
  assert.throws(() => core.markImage(grey, { key: 'k', payload: 'zz' }), { code: 'invalid_argument' });
  assert.equal(cli('mark', '--key', 'k', 'tests/corpus/photo.jpg').status, 64);
});

test('payload layouts: values below 2^32 use the compact layout; --payload-bits forces one and is checked', () => {
  const photo = path.join(root, 'tests', 'corpus', 'photo.jpg');
  const compact = path.join(tmp, 'compact.png');
  const r = cli('mark', '--key', 'layout-key', '--payload', '00000000cafe0042', photo, compact);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /32-bit layout/);
  const found = JSON.parse(cli('detect', '--key', 'layout-key', compact).stdout);
  assert.equal(found.found, true);
  assert.equal(found.payload, '00000000cafe0042');
  assert.equal(found.payloadBits, 32);
  const forced = core.markImage(readFileSync(photo), { key: 'layout-key', payload: '00000000cafe0042', payloadBits: 64 });
  assert.equal(forced.payloadBits, 64);
  const wide = core.detectImageMark(forced.bytes, { key: 'layout-key' });
  assert.equal(wide.payload, '00000000cafe0042');
  assert.equal(wide.payloadBits, 64);
  assert.throws(() => core.markImage(readFileSync(photo), { key: 'k', payload: 'feedface12345678', payloadBits: 32 }), { code: 'invalid_argument' });
  assert.throws(() => core.markImage(readFileSync(photo), { key: 'k', payload: '1', payloadBits: 48 }), { code: 'invalid_argument' });
  assert.equal(cli('mark', '--key', 'k', '--payload', '1', '--payload-bits', '48', photo, path.join(tmp, 'x.png')).status, 64);
});
