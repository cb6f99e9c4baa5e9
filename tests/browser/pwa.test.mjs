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
    const current = names.filter((n) => n.startsWith('filigrane-shell-'));
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
  assert.ok(manifest.icons.some((i) => i.purpose === 'maskable' && i.sizes === '512x512'), 'a maskable icon');
  assert.deepEqual(manifest.shortcuts.map((s) => s.url), ['./#camera', './#protect']);
  assert.equal(manifest.share_target.method, 'POST');
  assert.equal(manifest.share_target.params.files[0].name, 'image');
  assert.ok(manifest.file_handlers[0].accept['image/jpeg'].includes('.jpg'));
});

test('an install button appears where the browser offers installation', async () => {
  await b.page.goto(b.baseUrl);
  // Chromium finds the app installable and fires beforeinstallprompt itself.
  await b.page.waitForSelector('#install-app:not([hidden])', { timeout: 30_000 });
  assert.equal(await b.page.getByRole('button', { name: 'Install app' }).isVisible(), true);
  // The button prompts with the browser's event (a stand-in here, to see prompt() called).
  const prompted = await b.page.evaluate(async () => {
    let prompted = false;
    const event = new Event('beforeinstallprompt', { cancelable: true });
    event.prompt = () => { prompted = true; };
    event.userChoice = Promise.resolve({ outcome: 'accepted' });
    window.dispatchEvent(event);
    await new Promise((r) => setTimeout(r, 50));
    document.getElementById('install-app').click();
    await new Promise((r) => setTimeout(r, 50));
    return prompted;
  });
  assert.equal(prompted, true);
});

test('a photo shared from another app opens in Protect', async () => {
  await b.page.goto(b.baseUrl);
  await b.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  // The share sheet posts multipart form data to the share_target action.
  await b.page.evaluate(async () => {
    const bytes = await (await fetch('/icons/icon-192.png')).blob();
    const form = new FormData();
    form.append('image', new File([bytes], 'shared.png', { type: 'image/png' }));
    const response = await fetch('/share-target', { method: 'POST', body: form, redirect: 'manual' });
    if (response.type !== 'opaqueredirect' && response.status !== 303 && !response.redirected) throw new Error(`share-target answered ${response.status}`);
  });
  await b.page.goto(`${b.baseUrl}#protect-shared`);
  await b.page.waitForSelector('#view-protect:not([hidden])');
  await b.page.waitForSelector('#redact-editor:not([hidden])', { timeout: 120_000 });
});

test('dark mode follows the system, has a toggle, and every control shows its focus', async () => {
  await b.page.emulateMedia({ colorScheme: 'dark' });
  await b.page.goto(b.baseUrl);
  assert.equal(await b.page.getAttribute('html', 'data-theme'), 'dark');
  const background = await b.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(background, 'rgb(246, 247, 249)');
  await b.page.getByRole('button', { name: 'Dark mode' }).click();
  assert.equal(await b.page.getAttribute('html', 'data-theme'), 'light');
  assert.equal(await b.page.getAttribute('#theme-toggle', 'aria-pressed'), 'false');
  await b.page.reload();
  assert.equal(await b.page.getAttribute('html', 'data-theme'), 'light', 'the choice is remembered');
  await b.page.evaluate(() => localStorage.removeItem('filigrane-theme'));
  await b.page.emulateMedia({ colorScheme: 'light' });
  // Keyboard focus on "choose a file" draws a ring on its visible label.
  await b.page.goto(b.baseUrl);
  await b.page.focus('#file-input');
  await b.page.keyboard.press('Shift+Tab');
  await b.page.keyboard.press('Tab');
  const ring = await b.page.evaluate(() => getComputedStyle(document.querySelector('label[for="file-input"]')).outlineStyle);
  assert.equal(ring, 'solid');
});

test('the phone layout fits 360 pixels, with touch targets of at least 44 px', async () => {
  await b.page.setViewportSize({ width: 360, height: 740 });
  await b.page.goto(b.baseUrl);
  for (const tab of ['#tab-inspect', '#tab-camera', '#tab-protect', '#tab-screen', '#tab-decode']) {
    await b.page.click(tab);
    const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${tab}: ${overflow}px of horizontal overflow`);
    const small = await b.page.evaluate(() => [...document.querySelectorAll('button, [role="tab"], .button, select, input:not([type="checkbox"]):not([type="radio"]):not(.visually-hidden), label:has(> input[type="checkbox"])')]
      .filter((el) => el.getClientRects().length > 0 && el.offsetParent !== null)
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.height < 44 || r.width < 44)
      .map(({ el, r }) => `${el.id || el.textContent.trim().slice(0, 30)} ${Math.round(r.width)}x${Math.round(r.height)}`));
    assert.deepEqual(small, [], `${tab}: controls smaller than 44 px`);
  }
  await b.page.setViewportSize({ width: 1280, height: 900 });
});

test('at 360 px the verdict shows above the file details', async () => {
  await b.page.setViewportSize({ width: 360, height: 740 });
  await b.page.goto(b.baseUrl);
  await b.page.setInputFiles('#file-input', path.join(repoRoot, 'tests', 'corpus', 'photo.jpg'));
  await b.page.waitForSelector('#result:not([hidden])');
  const [verdict, facts] = await Promise.all(['#verdict', '#facts'].map((s) => b.page.locator(s).boundingBox()));
  assert.ok(verdict.y < facts.y, `verdict at ${verdict.y}, details at ${facts.y}`);
  await b.page.setViewportSize({ width: 1280, height: 900 });
});
