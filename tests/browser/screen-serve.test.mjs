// Issue 17's "done shows": `filigrane screen serve` running, the demo page
// loaded in Chromium, a screenshot taken, and `filigrane check` names the
// viewer id the server printed. Every response the browser received (page,
// module, shader, tiles; bodies and headers) is searched for the key and the
// material derived from it: none may carry it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBrowser, repoRoot } from './support/browser.mjs';
import { deriveMarkKeys } from '../../web/lib/mark-keys.mjs';
import { loadKeyFile } from '../../web/screenmark/server/handler.mjs';
import { findNeedles, keyMaterialNeedles } from '../support/key-material.mjs';

const filigrane = path.join(repoRoot, 'filigrane');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'filigrane-serve-'));
const keyFile = path.join(tmp, 'site.key');
let b, server, output = '';

function waitForOutput(pattern, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const m = pattern.exec(output);
      if (m) { clearInterval(poll); resolve(m); }
      else if (Date.now() - started > timeoutMs || server.exitCode !== null) {
        clearInterval(poll);
        reject(new Error(`no "${pattern}" in the server's output: ${output}`));
      }
    }, 50);
  });
}

before(async () => {
  const keygen = spawnSync(filigrane, ['screen', 'keygen', keyFile], { encoding: 'utf8' });
  assert.equal(keygen.status, 0, keygen.stderr);
  server = spawn(filigrane, ['screen', 'serve', '--key-file', keyFile, '--port', '0'], { cwd: repoRoot });
  server.stdout.on('data', (d) => { output += d; });
  server.stderr.on('data', (d) => { output += d; });
  b = await openBrowser();
});
after(async () => {
  server.kill('SIGTERM');
  await b.close();
});

test('screen serve: a screenshot of its page is checked back to the viewer id the server printed; no response carries the key', async () => {
  const [, url] = await waitForOutput(/demo on (http:\/\/127\.0\.0\.1:\d+\/)/);
  const responses = [];
  b.context.on('response', async (response) => {
    try {
      responses.push({ url: response.url(), headers: await response.allHeaders(), body: await response.body() });
    } catch { /* a redirect or aborted request has no body */ }
  });
  await b.page.setViewportSize({ width: 1280, height: 800 });
  await b.page.goto(url);
  const [, viewer] = await waitForOutput(/viewer (\d+) assigned to a new browser session/);
  await b.page.waitForFunction(() => document.documentElement.dataset.screenmark, null, { timeout: 30_000 });
  assert.notEqual(await b.page.evaluate(() => document.documentElement.dataset.screenmark), 'error');
  await b.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const shot = path.join(tmp, 'leak.png');
  writeFileSync(shot, await b.page.screenshot({ type: 'png' }));
  const minute = await b.page.evaluate(() => window.filigraneScreenmark.tile().minute);

  const words = spawnSync(filigrane, ['check', '--key-file', keyFile, shot], { encoding: 'utf8' });
  assert.equal(words.status, 0, words.stderr);
  assert.match(words.stdout, new RegExp(`^Viewer ${viewer} at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, screen mark, key k1, confidence 0\\.\\d\\d\\n$`));
  const report = JSON.parse(spawnSync(filigrane, ['check', '--key-file', keyFile, '--json', shot], { encoding: 'utf8' }).stdout);
  assert.equal(report.marks[0].viewerId, Number(viewer));
  assert.equal(report.marks[0].time, minute);

  // The page never names a key; its script tag names only the tile URL.
  const html = await b.page.content();
  assert.match(html, /<script type="module" src="\/screenmark\/screenmark.mjs" data-tile-url="\/screenmark\/tile"><\/script>/);
  const ring = await loadKeyFile(keyFile);
  await new Promise((r) => setTimeout(r, 200)); // let the last response bodies arrive
  assert.ok(responses.some((r) => r.url.includes('/screenmark/tile?dpr=')), 'the tile was fetched');
  assert.ok(responses.length >= 6, `responses seen: ${responses.length}`);
  const found = findNeedles(responses, keyMaterialNeedles(ring, await deriveMarkKeys(ring)));
  assert.deepEqual(found, []);
  assert.ok(!output.includes(JSON.stringify(ring.entries[0].secret).slice(1, -1)), 'the server never prints the key');
});
