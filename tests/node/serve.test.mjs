// tools/serve.mjs: loopback only, MIME types, isolation headers, no escapes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../../tools/serve.mjs';

let server, url;
before(async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'filigrane-serve-'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>x</title>');
  mkdirSync(path.join(root, 'lib'));
  writeFileSync(path.join(root, 'lib', 'a.mjs'), 'export {}');
  writeFileSync(path.join(root, 'lib', 'a.wasm'), Buffer.from([0, 97, 115, 109]));
  ({ server, url } = await startServer({ root, port: 0 }));
});
after(() => server.close());

test('binds to 127.0.0.1 only', () => {
  assert.equal(server.address().address, '127.0.0.1');
});

test('serves MIME types and cross-origin isolation headers', async () => {
  for (const [p, type] of [['', 'text/html'], ['lib/a.mjs', 'text/javascript'], ['lib/a.wasm', 'application/wasm']]) {
    const r = await fetch(url + p);
    assert.equal(r.status, 200);
    assert.ok(r.headers.get('content-type').startsWith(type), `${p}: ${r.headers.get('content-type')}`);
    assert.equal(r.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(r.headers.get('cross-origin-embedder-policy'), 'require-corp');
    assert.doesNotMatch(r.headers.get('content-security-policy'), /'unsafe-eval'/);
  }
});

test('refuses paths outside the root and unknown files', async () => {
  for (const escape of ['..%2f..%2fetc%2fpasswd', '%2e%2e/%2e%2e/etc/passwd', 'lib/..%2f..%2f..%2fetc%2fhostname']) {
    const r = await fetch(url + escape);
    assert.ok(r.status === 403 || r.status === 404, `${escape} answered ${r.status}`);
  }
  assert.equal((await fetch(url + 'missing.js')).status, 404);
  assert.equal((await fetch(url, { method: 'POST' })).status, 405);
});
