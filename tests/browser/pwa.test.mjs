// The installable app: after one visit it works with the network off, and
// Chromium finds nothing in the way of installing it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openBrowser, repoRoot } from './support/browser.mjs';

let b;
before(async () => { b = await openBrowser(); });
after(async () => { await b.close(); });

test('after a first load the app reloads and inspects an image offline', async () => {
  await b.page.goto(b.baseUrl);
  await b.page.waitForSelector('body[data-offline-ready="true"]', { timeout: 30_000 });
  await b.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await b.context.setOffline(true);
  try {
    await b.page.reload();
    await b.page.waitForSelector('body[data-engine="ready"]', { timeout: 30_000 });
    await b.page.setInputFiles('#file-input', path.join(repoRoot, 'tests', 'corpus', 'photo.jpg'));
    await b.page.waitForSelector('#result:not([hidden])');
    assert.match(await b.page.textContent('#facts dd[data-field="size"]'), /^320 × 240/);
  } finally {
    await b.context.setOffline(false);
  }
});

test('stale caches are removed and the current one holds the engine', async () => {
  await b.page.goto(b.baseUrl);
  await b.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const caches = await b.page.evaluate(async () => {
    const names = await caches.keys();
    const current = names.filter((n) => n.startsWith('filigrane-'));
    const cache = await caches.open(current[0]);
    const keys = (await cache.keys()).map((r) => new URL(r.url).pathname);
    return { names: current, hasWasm: keys.includes('/lib/filigrane_web.wasm'), hasWorker: keys.includes('/lib/worker.mjs') };
  });
  assert.equal(caches.names.length, 1);
  assert.ok(caches.hasWasm && caches.hasWorker);
});

test('Chromium reports no installability errors', async () => {
  await b.page.goto(b.baseUrl);
  await b.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const session = await b.context.newCDPSession(b.page);
  const { installabilityErrors } = await session.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, []);
  const manifest = await (await b.page.request.get(b.baseUrl + 'manifest.webmanifest')).json();
  assert.equal(manifest.display, 'standalone');
});

test('the phone layout fits 360 pixels without horizontal scrolling', async () => {
  await b.page.setViewportSize({ width: 360, height: 740 });
  await b.page.goto(b.baseUrl);
  for (const tab of ['#tab-inspect', '#tab-protect', '#tab-screen', '#tab-decode']) {
    await b.page.click(tab);
    const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${tab}: ${overflow}px of horizontal overflow`);
  }
  await b.page.setViewportSize({ width: 1280, height: 900 });
});
