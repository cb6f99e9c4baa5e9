// End to end in headless Chromium (tier 3): the page decodes images with the
// WebAssembly module inside a worker, and nothing leaves 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openApp, repoRoot } from './support/browser.mjs';
import { VALID_IMAGES } from '../node/cases.mjs';

const corpus = path.join(repoRoot, 'tests', 'corpus');
let b;
before(async () => {
  b = await openApp();
});
after(async () => { await b.close(); });

const field = (name) => b.page.locator(`#facts dd[data-field="${name}"]`).textContent();

async function dropFile(file) {
  const bytes = readFileSync(path.join(corpus, file)).toString('base64');
  await b.page.evaluate(({ bytes, name }) => {
    const data = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([data], name));
    const zone = document.getElementById('drop-zone');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, { bytes, name: file });
}

test('the page is cross-origin isolated and runs the core in a module worker', async () => {
  assert.equal(await b.page.evaluate(() => self.crossOriginIsolated), true);
  const workers = b.page.workers().map((w) => w.url());
  assert.ok(workers.some((u) => u.endsWith('/lib/worker.mjs')), `workers: ${workers}`);
  const wasmFetched = b.requests.some((u) => u.endsWith('/lib/filigrane_web.wasm'));
  assert.ok(wasmFetched, 'the WebAssembly module was loaded');
});

test('a dropped JPEG is decoded and described', async () => {
  await dropFile('photo.jpg');
  await b.page.waitForSelector('#result:not([hidden])');
  assert.equal(await field('format'), 'JPEG');
  assert.match(await field('size'), /^320 × 240 pixels/);
  assert.match(await b.page.locator('#status').textContent(), /WebAssembly/);
  // The preview canvas holds real decoded pixels, not a blank.
  const varied = await b.page.evaluate(() => {
    const c = document.getElementById('preview');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let min = 255, max = 0;
    for (let i = 0; i < d.length; i += 4) { min = Math.min(min, d[i]); max = Math.max(max, d[i]); }
    return [c.width, max - min];
  });
  assert.equal(varied[0], 320);
  assert.ok(varied[1] > 50, 'preview has content');
});

for (const c of VALID_IMAGES) {
  test(`file picker: ${c.file}`, async () => {
    await b.page.setInputFiles('#file-input', path.join(corpus, c.file));
    await b.page.waitForFunction((name) => document.querySelector('#facts dd[data-field="file"]')?.textContent === name, c.file);
    assert.equal(await field('format'), c.format.toUpperCase());
    assert.match(await field('size'), new RegExp(`^${c.width} × ${c.height} pixels`));
    assert.equal(await field('transparency'), c.transparent ? 'yes' : 'no');
  });
}

test('a pasted image is decoded', async () => {
  const bytes = readFileSync(path.join(corpus, 'gradient.png')).toString('base64');
  await b.page.evaluate((bytes) => {
    const data = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([data], 'pasted.png', { type: 'image/png' }));
    document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true }));
  }, bytes);
  await b.page.waitForFunction(() => document.querySelector('#facts dd[data-field="file"]')?.textContent === 'pasted.png');
  assert.match(await field('size'), /^64 × 48/);
});

for (const [file, pattern] of [
  ['malformed/truncated-half.jpg', /damaged or incomplete/],
  ['malformed/huge-100000x100000.png', /too large/],
  ['malformed/garbage.bin', /not an image/],
]) {
  test(`malformed ${file} shows a message a person understands`, async () => {
    await dropFile(file);
    const alert = b.page.locator('#error');
    await alert.waitFor({ state: 'visible' });
    assert.match(await alert.textContent(), pattern);
    assert.equal(await b.page.locator('#result').isHidden(), true);
    // The engine survives and decodes the next image.
    await dropFile('tiny.bmp');
    await b.page.waitForSelector('#result:not([hidden])');
    assert.equal(await alert.isHidden(), true);
  });
}

test('AVIF, which the core has no decoder for, is decoded by the browser inside the worker', async () => {
  await b.page.setInputFiles('#file-input', path.join(corpus, 'tiny.avif'));
  await b.page.waitForFunction(() => document.querySelector('#facts dd[data-field="file"]')?.textContent === 'tiny.avif');
  assert.equal(await field('format'), 'AVIF');
  assert.match(await field('size'), /^96 × 72 pixels/);
  const varied = await b.page.evaluate(() => {
    const c = document.getElementById('preview');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let min = 255, max = 0;
    for (let i = 0; i < d.length; i += 4) { min = Math.min(min, d[i]); max = Math.max(max, d[i]); }
    return max - min;
  });
  assert.ok(varied > 50, 'the preview shows the decoded AVIF');
});

test('HEIC, which this Chromium cannot decode either, is refused in words', async () => {
  await dropFile('tiny.heic');
  const alert = b.page.locator('#error');
  await alert.waitFor({ state: 'visible' });
  assert.match(await alert.textContent(), /This HEIC image needs a browser that decodes HEIC/);
  await dropFile('photo.webp');
  await b.page.waitForSelector('#result:not([hidden])');
  assert.equal(await field('format'), 'WEBP');
});

test('no console errors', () => {
  assert.deepEqual(b.consoleErrors, []);
});

test('the AI verdict shows its reasons, with the detector model loaded on first use', async () => {
  await dropFile('generator-text.png');
  await b.page.waitForSelector('#verdict-badge[data-verdict="ai"]', { timeout: 60_000 });
  const reasons = await b.page.locator('#verdict-reasons li').allTextContents();
  assert.match(reasons[0], /^Strong .*AUTOMATIC1111/);
  // The detector still runs (its score is in the details), but at chance it is no evidence.
  await b.page.waitForFunction(() => /had never seen/.test(document.getElementById('verdict-quality').textContent), null, { timeout: 60_000 });
  assert.ok(!reasons.some((r) => /pixel detector/.test(r)), `reasons: ${reasons}`);
  assert.ok(b.requests.some((u) => u.endsWith('/models/ai-detector.onnx')), 'detector model fetched');
  assert.ok(!b.requests.some((u) => u.includes('/lib/c2pa/')), 'no C2PA validator without a manifest');
  await dropFile('photo.jpg');
  await b.page.waitForSelector('#verdict-badge:not([data-verdict="pending"])', { timeout: 60_000 });
  assert.notEqual(await b.page.locator('#verdict-badge').getAttribute('data-verdict'), 'ai', 'a pixel score alone never says AI');
});
