// Issue 17: the screen mark deployed from a server. Key files (keygen,
// permissions, damage), the tile handler (tiles that decode to the session's
// viewer and minute, cache headers, bad requests), that no response carries
// the key or anything derived from it, and `filigrane check` over screen and
// photo marks with every key of a file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFiligraneNode } from '../../web/lib/node.mjs';
import { viewerTimePayload } from '../../web/lib/core-ops.mjs';
import { deriveMarkKeys, formatKeyFile, newKeyEntry, parseKeyFile } from '../../web/lib/mark-keys.mjs';
import { createScreenmarkHandler, loadKeyFile } from '../../web/screenmark/server/handler.mjs';
import { startScreenmarkDemo } from '../../web/screenmark/server/demo.mjs';
import { keyMaterialNeedles, findNeedles } from '../support/key-material.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = (...args) => spawnSync(path.join(root, 'filigrane'), args, { cwd: root, encoding: 'utf8' });
const tmp = mkdtempSync(path.join(os.tmpdir(), 'filigrane-screen-server-'));
const NOW = Date.UTC(2026, 11, 5, 14, 7, 20); // 40 s before the minute ends
let core, keyFile, ring, material, pagePng;

function syntheticPage(width = 900, height = 640) {
  const rgba = new Uint8Array(width * height * 4).fill(255);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      if (y % 24 < 10 && x % 90 < 70 && y > 40) rgba[i] = rgba[i + 1] = rgba[i + 2] = 40;
      if (x > 600 && y > 400) { rgba[i] = 20; rgba[i + 1] = 60; rgba[i + 2] = 140; }
    }
  }
  return { width, height, rgba };
}

/** Composites a straight-alpha tile PNG over the page, repeated from the top-left (what the browser shows). */
function composite(page, tile) {
  const out = Uint8Array.from(page.rgba);
  for (let y = 0; y < page.height; y++) {
    for (let x = 0; x < page.width; x++) {
      const t = ((y % tile.height) * tile.width + (x % tile.width)) * 4;
      const a = tile.rgba[t + 3];
      const i = (y * page.width + x) * 4;
      for (let c = 0; c < 3; c++) out[i + c] = Math.round((tile.rgba[t + c] * a + out[i + c] * (255 - a)) / 255);
    }
  }
  return { width: page.width, height: page.height, rgba: out };
}

/** Calls a handler like node:http would, collecting status, headers and body. */
function call(handler, url, { method = 'GET' } = {}) {
  return new Promise((resolve, reject) => {
    const server = http.createServer(handler);
    server.listen(0, '127.0.0.1', () => {
      const req = http.request({ host: '127.0.0.1', port: server.address().port, path: url, method }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => { server.close(); resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }); });
      });
      req.on('error', (err) => { server.close(); reject(err); });
      req.end();
    });
  });
}

before(async () => {
  core = await createFiligraneNode();
  keyFile = path.join(tmp, 'marks.key');
  const r = cli('screen', 'keygen', keyFile);
  assert.equal(r.status, 0, r.stderr);
  ring = await loadKeyFile(keyFile);
  material = await deriveMarkKeys(ring);
  pagePng = core.encode(syntheticPage());
  writeFileSync(path.join(tmp, 'page.png'), pagePng);
});

test('keygen writes a 0600 key file, never overwrites one, and --add rotates to a new current key', async () => {
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  const before = readFileSync(keyFile, 'utf8');
  const again = cli('screen', 'keygen', keyFile);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already exists/);
  assert.equal(readFileSync(keyFile, 'utf8'), before, 'the key file is unchanged');
  assert.ok(!again.stderr.includes(JSON.parse(before).keys[0].secret), 'no secret in the message');

  const rotating = path.join(tmp, 'rotating.key');
  assert.equal(cli('screen', 'keygen', rotating).status, 0);
  const added = cli('screen', 'keygen', '--add', rotating);
  assert.equal(added.status, 0, added.stderr);
  const rotated = await loadKeyFile(rotating);
  assert.deepEqual(rotated.keys.map((k) => k.id), ['k1', 'k2']);
  assert.equal(rotated.current, 'k2');
  assert.equal(statSync(rotating).mode & 0o777, 0o600);
  assert.notDeepEqual(rotated.keys[0].secret, rotated.keys[1].secret);
});

test('key files readable by others, damaged or missing are refused at start-up with a clear message', async () => {
  const open = path.join(tmp, 'open.key');
  writeFileSync(open, readFileSync(keyFile));
  chmodSync(open, 0o644);
  const secret = JSON.parse(readFileSync(keyFile, 'utf8')).keys[0].secret;
  for (const args of [['screen', 'serve', '--key-file', open, '--port', '0'], ['check', '--key-file', open, path.join(tmp, 'page.png')]]) {
    const r = cli(...args);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /not kept secret: .*can be read or changed by other users \(mode 644\); run "chmod 600/);
    assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret));
  }
  const cases = {
    'not JSON': 'this is not json {',
    'it is not a Filigrane key file': '{"keys": []}',
    'holds no keys': formatKeyFile([newKeyEntry('k1')]).replace(/"keys": \[[\s\S]*\]/, '"keys": []'),
    'is not 32 bytes': formatKeyFile([{ id: 'k1', secret: 'c2hvcnQ', created: 'x' }]),
    'appears twice': formatKeyFile([newKeyEntry('k1'), newKeyEntry('k1')]),
    'current key id': formatKeyFile([newKeyEntry('k1')], 'k9'),
  };
  for (const [why, text] of Object.entries(cases)) {
    const file = path.join(tmp, 'damaged.key');
    writeFileSync(file, text, { mode: 0o600 });
    chmodSync(file, 0o600);
    const r = cli('screen', 'serve', '--key-file', file, '--port', '0');
    assert.equal(r.status, 2, `${why}: ${r.stderr}`);
    assert.match(r.stderr, /key file cannot be used: .*damaged/, why);
    assert.ok(r.stderr.includes(why), `${why}: ${r.stderr}`);
  }
  const missing = cli('check', '--key-file', path.join(tmp, 'nope.key'), path.join(tmp, 'page.png'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read the key file/);
  assert.throws(() => parseKeyFile(new Uint8Array([0xff, 0xfe])), { code: 'invalid_key_file' });
});

test('a tile decodes to the session\'s viewer and the current minute, and expires at the minute boundary', async () => {
  const handler = createScreenmarkHandler({ keys: ring, viewerOf: () => 1001, engine: core, now: () => NOW });
  for (const dpr of [1, 2]) {
    const r = await call(handler, `/screenmark/tile?dpr=${dpr}`);
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.headers['content-type'], 'image/png');
    assert.equal(r.headers['cache-control'], 'private, max-age=40');
    assert.equal(r.headers.expires, new Date(Date.UTC(2026, 11, 5, 14, 8)).toUTCString());
    assert.match(r.headers.vary, /Cookie/);
    assert.equal(r.headers['x-screenmark-key-id'], 'k1');
    const tile = core.decodeRgba(new Uint8Array(r.body));
    assert.equal(tile.width, 192 * dpr);
    const shot = core.encode(composite(syntheticPage(900 * dpr, 640 * dpr), tile));
    const report = core.screenDecode(shot, { key: material[0].screen });
    assert.equal(report.found, true, `dpr ${dpr}: sync ${report.syncScore}`);
    assert.equal(report.viewerId, 1001);
    assert.equal(report.time, '2026-12-05T14:07:00.000Z');
    // The mark is keyed by derived material, not by the secret or another key id.
    assert.equal(core.screenDecode(shot, { key: Buffer.from(ring.keys[0].secret).toString('base64url') }).found, false);
  }
});

test('check reads an enlarged DPR-2 capture (tile 3x the DPR-1 period) through its half-size copy', async () => {
  const handler = createScreenmarkHandler({ keys: ring, viewerOf: () => 1002, engine: core, now: () => NOW });
  const r = await call(handler, '/screenmark/tile?dpr=2');
  const tile = core.decodeRgba(new Uint8Array(r.body));
  const shot = core.encode(composite(syntheticPage(1600, 1100), tile));
  const enlarged = path.join(tmp, 'dpr2-enlarged.png');
  writeFileSync(enlarged, core.resize(shot, { width: 2400, height: 1650 }));
  assert.equal(core.screenDecode(readFileSync(enlarged), { key: material[0].screen }).found, false, 'out of the core\'s default range');
  const report = JSON.parse(cli('check', '--key-file', keyFile, '--json', enlarged).stdout);
  assert.equal(report.found, true);
  assert.equal(report.marks[0].viewerId, 1002);
  assert.ok(Math.abs(report.marks[0].scale - 3) < 0.06, `scale ${report.marks[0].scale}`);
});

test('the viewer is the server\'s word: the page cannot choose it', async () => {
  const handler = createScreenmarkHandler({ keys: ring, viewerOf: () => 7, engine: core, now: () => NOW });
  assert.equal((await call(handler, '/screenmark/tile?dpr=1&viewer=42')).status, 400);
  assert.equal((await call(handler, '/screenmark/tile?dpr=1&payload=000000000000002a')).status, 400);
});

test('bad tile requests get a short 4xx message with bounded work', async () => {
  let sessions = 0;
  const handler = createScreenmarkHandler({
    keys: ring, engine: core, now: () => NOW,
    viewerOf: (req) => { sessions++; return req.headers.cookie === 'session=ok' ? 5 : null; },
  });
  const withSession = (url, options) => new Promise((resolve, reject) => {
    const server = http.createServer(handler);
    server.listen(0, '127.0.0.1', () => {
      const req = http.request({ host: '127.0.0.1', port: server.address().port, path: url, headers: { cookie: 'session=ok' }, ...options }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => { server.close(); resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }); });
      });
      req.on('error', reject);
      req.end();
    });
  });
  const cases = [
    ['/screenmark/tile?dpr=0', 400, /dpr must be between/],
    ['/screenmark/tile?dpr=12', 400, /dpr must be between/],
    ['/screenmark/tile?dpr=100', 400, /dpr must be a number/],
    ['/screenmark/tile?dpr=1e9', 400, /dpr must be a number/],
    ['/screenmark/tile?dpr=NaN', 400, /dpr must be a number/],
    ['/screenmark/tile?dpr=-1', 400, /dpr must be a number/],
    ['/screenmark/tile?dpr=1&dpr=2', 400, /given twice/],
    ['/screenmark/tile?width=100000&height=100000', 400, /unknown parameter width/],
    ['/screenmark/tile?kid=k7', 404, /unknown key id/],
    [`/screenmark/tile?dpr=1&kid=${'x'.repeat(600)}`, 414, /too long/],
  ];
  for (const [url, status, message] of cases) {
    const r = await withSession(url);
    assert.equal(r.status, status, url);
    assert.match(r.body, message, url);
    assert.ok(r.body.length < 100, `${url}: short message`);
    assert.equal(r.headers['cache-control'], 'no-store');
  }
  const post = await withSession('/screenmark/tile?dpr=1', { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.allow, 'GET, HEAD');
  const noSession = await call(handler, '/screenmark/tile?dpr=1');
  assert.equal(noSession.status, 401);
  assert.match(noSession.body.toString(), /no session/);
  // The largest allowed ratio is still a bounded tile, and ratios come in steps of 1/8.
  const largest = await withSession('/screenmark/tile?dpr=6');
  assert.equal(largest.status, 200);
  const sides = new Set();
  for (let i = 0; i <= 100; i++) {
    const r = await withSession(`/screenmark/tile?dpr=${(1 + i / 100).toFixed(2)}`);
    assert.equal(r.status, 200);
    sides.add(r.headers['content-length']);
  }
  assert.ok(sides.size <= 9, `${sides.size} distinct tiles for ratios 1..2`);
  const site = createScreenmarkHandler({ keys: ring, engine: core, viewerOf: () => 'not a viewer' });
  const bad = await call(site, '/screenmark/tile');
  assert.equal(bad.status, 500);
  assert.match(bad.body.toString(), /invalid viewer id/);
  assert.ok(sessions > 0);
});

test('no response of the demo server carries the key or material derived from it', async () => {
  const viewers = [];
  const demo = await startScreenmarkDemo({ keys: ring, engine: core, onViewer: (v) => viewers.push(v) });
  try {
    const needles = keyMaterialNeedles(ring, material);
    const responses = [];
    const get = (url, headers = {}) => new Promise((resolve, reject) => {
      http.get(new URL(url, demo.url), { headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => { const body = Buffer.concat(chunks); responses.push({ url, status: res.statusCode, headers: res.headers, body }); resolve({ res, body }); });
      }).on('error', reject);
    });
    const { res } = await get('/');
    const cookie = res.headers['set-cookie'][0].split(';')[0];
    assert.match(res.headers['set-cookie'][0], /HttpOnly; SameSite=Strict/);
    assert.deepEqual(viewers, [1001]);
    for (const p of ['/screen.css', '/demo/demo-page.mjs', '/screenmark/screenmark.mjs', '/screenmark/overlay-renderers.mjs',
      '/lib/gpu.mjs', '/lib/pixels.mjs', '/shaders/screenmark_overlay.wgsl', '/nope', '/lib/node.mjs', '/../README.md']) await get(p, { cookie });
    for (const dpr of ['1', '1.5', '2', '3']) await get(`/screenmark/tile?dpr=${dpr}`, { cookie });
    for (const bad of ['?dpr=0', '?kid=k9', '?x=1', '']) await get(`/screenmark/tile${bad}`);
    assert.equal(responses.find((r) => r.url === '/lib/node.mjs').status, 404, 'only the demo\'s files are served');
    assert.deepEqual(responses.filter((r) => /^\/screenmark\/tile\?dpr=[1-9]/.test(r.url)).map((r) => `${r.status} ${r.body.length < 100 ? r.body : ''}`),
      ['200 ', '200 ', '200 ', '200 ']);
    const found = findNeedles(responses, needles);
    assert.deepEqual(found, [], `key material found in responses: ${found.join(', ')}`);
  } finally {
    await demo.close();
  }
});

test('check reads screen and photo marks with every key of the file and says what it found', async () => {
  const rotating = path.join(tmp, 'two-keys.key');
  writeFileSync(rotating, formatKeyFile([newKeyEntry('k1'), newKeyEntry('k2')]), { mode: 0o600 });
  const two = await deriveMarkKeys(await loadKeyFile(rotating));
  // A screen capture marked with the older key k1, viewer 1001 at 14:07 UTC.
  const screenShot = path.join(tmp, 'screen-leak.jpg');
  const marked = core.screenApply(pagePng, { key: two[0].screen, payload: viewerTimePayload(1001, new Date(NOW)) });
  writeFileSync(screenShot, core.encode(core.decodeRgba(marked), { format: 'jpeg', quality: 70 }));
  const words = cli('check', '--key-file', rotating, screenShot);
  assert.equal(words.status, 0, words.stderr);
  assert.match(words.stdout, /^Viewer 1001 at 2026-12-05 14:07 UTC, screen mark, key k1, confidence 0\.\d\d\n$/);
  const json = JSON.parse(cli('check', '--key-file', rotating, '--json', screenShot).stdout);
  assert.equal(json.found, true);
  assert.deepEqual(json.checked, ['screen', 'photo']);
  assert.equal(json.keysTried, 2);
  assert.equal(json.marks.length, 1);
  assert.equal(json.marks[0].kind, 'screen');
  assert.equal(json.marks[0].keyId, 'k1');
  assert.equal(json.marks[0].viewerId, 1001);
  assert.equal(json.marks[0].time, '2026-12-05T14:07:00.000Z');

  // A photo marked with the file's current key (k2), then JPEG 60 and a 50% resize.
  const photo = path.join(tmp, 'photo.png');
  const photoMarked = path.join(tmp, 'photo-marked.png');
  writeFileSync(photo, core.resize(readFileSync(path.join(root, 'tests', 'corpus', 'photo.jpg')), { width: 1024, height: 768, format: 'png' }));
  const mark = cli('mark', '--key-file', rotating, '--payload', '00000000000003e9', photo, photoMarked);
  assert.equal(mark.status, 0, mark.stderr);
  const leaked = path.join(tmp, 'photo-leak.jpg');
  writeFileSync(leaked, core.resize(readFileSync(photoMarked), { width: 512, height: 384, format: 'jpeg', quality: 60 }));
  const photoWords = cli('check', '--key-file', rotating, leaked);
  assert.equal(photoWords.status, 0, photoWords.stderr);
  assert.match(photoWords.stdout, /^Photo mark with payload 00000000000003e9, key k2, confidence /);

  // Nothing: an unmarked page, and the marked one with keys that did not make it.
  const none = cli('check', '--key-file', rotating, path.join(tmp, 'page.png'));
  assert.equal(none.stdout, 'No Filigrane mark with these keys; checked screen and photo marks\n');
  const other = cli('check', '--key-file', keyFile, screenShot);
  assert.equal(other.stdout, 'No Filigrane mark with these keys; checked screen and photo marks\n');
  const plain = cli('check', '--key', 'some typed key', '--json', path.join(tmp, 'page.png'));
  assert.equal(JSON.parse(plain.stdout).summary, 'No Filigrane mark with this key; checked screen and photo marks');
  for (const r of [words, photoWords, none]) {
    for (const m of two) assert.ok(!r.stdout.includes(m.screen) && !r.stdout.includes(m.photo));
  }
  assert.equal(cli('check', path.join(tmp, 'page.png')).status, 64);
});

test('screen serve prints where it listens and the viewer id it assigns; the tile needs that session', async () => {
  const child = spawn(path.join(root, 'filigrane'), ['screen', 'serve', '--key-file', keyFile, '--port', '0'], { cwd: root });
  try {
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    const url = await new Promise((resolve, reject) => {
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      const poll = setInterval(() => {
        const m = /demo on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) { clearInterval(poll); resolve(m[1]); }
      }, 50);
    });
    const page = await fetch(url);
    assert.equal(page.status, 200);
    const cookie = page.headers.get('set-cookie').split(';')[0];
    await new Promise((r) => setTimeout(r, 100));
    assert.match(out, /viewer 1001 assigned to a new browser session/);
    assert.equal((await fetch(`${url}screenmark/tile?dpr=1`)).status, 401);
    const tile = await fetch(`${url}screenmark/tile?dpr=1`, { headers: { cookie } });
    assert.equal(tile.status, 200);
    assert.ok(!out.includes(JSON.parse(readFileSync(keyFile, 'utf8')).keys[0].secret), 'the key is never printed');
  } finally {
    child.kill('SIGTERM');
  }
});

test('random key-file bytes and random tile queries only ever give their own errors', async () => {
  let seed = 17;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const valid = formatKeyFile([newKeyEntry('k1')]);
  for (let i = 0; i < 2000; i++) {
    // Mutations of a valid file and plain noise.
    const chars = [...valid];
    for (let m = 0; m < 1 + Math.floor(rand() * 4); m++) chars[Math.floor(rand() * chars.length)] = String.fromCharCode(Math.floor(rand() * 128));
    const text = i % 4 === 0 ? Array.from({ length: Math.floor(rand() * 300) }, () => String.fromCharCode(Math.floor(rand() * 256))).join('') : chars.join('');
    try {
      parseKeyFile(text);
    } catch (err) {
      assert.equal(err.code, 'invalid_key_file', String(err));
    }
  }
  const handler = createScreenmarkHandler({ keys: ring, engine: core, viewerOf: () => 9, now: () => NOW });
  const alphabet = 'dprkidwth=&.%0123456789-eE+ xyz';
  for (let i = 0; i < 150; i++) {
    const query = Array.from({ length: Math.floor(rand() * 40) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    const r = await call(handler, `/screenmark/tile?${encodeURI(query)}`);
    assert.ok([200, 400, 404, 414].includes(r.status), `${query}: ${r.status}`);
    if (r.status === 200) assert.equal(r.headers['content-type'], 'image/png');
    else assert.ok(r.body.length < 100);
  }
});
