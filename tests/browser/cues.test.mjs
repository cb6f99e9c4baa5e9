// Sensitive-content cues in the page: Inspect draws the boxes of personal data
// found by OCR; Protect proposes boxes, covers them on confirm and offers a
// download without metadata, in which OCR no longer finds the planted strings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openApp, repoRoot } from './support/browser.mjs';

const contact = path.join(repoRoot, 'tests', 'corpus', 'text', 'contact.png');
let b;
before(async () => {
  b = await openApp();
});
after(async () => { await b.close(); });

test('Inspect lists personal data and draws its boxes over the image', async () => {
  await b.page.setInputFiles('#file-input', contact);
  await b.page.waitForSelector('#result:not([hidden])');
  await b.page.click('#cues-run');
  await b.page.waitForSelector('#cues-list li', { timeout: 120_000 });
  const items = await b.page.locator('#cues-list li').allTextContents();
  assert.ok(items.some((t) => /Personal data in text: .*email.*card|Personal data in text: .*card.*email/.test(t)), items.join(' | '));
  assert.ok(items.includes('No faces'), items.join(' | '));
  assert.match(await b.page.textContent('#cues-missing'), /Accessibility markers/);
  const redPixels = await b.page.evaluate(() => {
    const c = document.getElementById('preview-boxes');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 200 && d[i + 1] < 80 && d[i + 3] > 200) n++;
    return n;
  });
  assert.ok(redPixels > 50, `red box pixels: ${redPixels}`);
  for (const model of ['ocr-det.onnx', 'ocr-rec.onnx', 'blazeface-back-256.onnx', 'nsfw-mobilenet-v2.onnx']) {
    assert.ok(b.requests.some((u) => u.endsWith(`/models/${model}`)), `${model} fetched`);
  }
  // The page is cross-origin isolated: with two cores or more the recogniser
  // reads lines in a pool of workers (web/lib/session-pool.mjs), one a core up to 4.
  const cores = await b.page.evaluate(() => (self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency ?? 1) : 1));
  const pool = b.page.workers().filter((w) => w.url().endsWith('/lib/session-worker.mjs')).length;
  assert.equal(pool, cores >= 2 ? cores : 0, `session workers: ${b.page.workers().map((w) => w.url()).join(', ')}`);
});

test('Protect redacts personal data in one step and the download has none of it', async () => {
  await b.page.click('#tab-protect');
  await b.page.uncheck('#redact-faces');
  await b.page.check('#redact-pii');
  await b.page.selectOption('#redact-style', 'fill');
  await b.page.setInputFiles('#redact-input', contact);
  // The automatic pass proposes the two lines; confirming covers what is shown.
  await b.page.waitForSelector('#redact-editor:not([hidden])', { timeout: 120_000 });
  assert.equal(await b.page.locator('#redact-overlay .redact-box').count(), 2);
  await b.page.click('#redact-confirm');
  await b.page.waitForSelector('#redact-result:not([hidden])', { timeout: 120_000 });
  assert.match(await b.page.textContent('#redact-summary'), /Covered 2 areas \(1 e-mail address, 1 payment card number.*\); text and drawn boxes with a solid fill; metadata removed/);
  // The real download, as a person gets it.
  const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.click('#redact-download')]);
  assert.match(download.suggestedFilename(), /^contact-redacted\.png$/);
  const saved = readFileSync(await download.path()).toString('base64');
  const check = await b.page.evaluate(async (saved) => {
    const bytes = Uint8Array.from(atob(saved), (c) => c.charCodeAt(0));
    const { Filigrane } = await import('/lib/filigrane.mjs');
    const engine = await Filigrane.create();
    const cues = await engine.cues(bytes, { faces: false, nsfw: false });
    const provenance = await engine.provenance(bytes);
    engine.dispose();
    return { png: bytes[1] === 0x50, texts: cues.text.map((t) => t.text), pii: cues.text.flatMap((t) => t.pii), exif: provenance.exif.present, xmp: provenance.xmp.present };
  }, saved);
  assert.ok(check.png);
  assert.deepEqual(check.pii, [], `still readable: ${check.texts}`);
  assert.ok(!check.texts.some((t) => /example\.com|4556/.test(t)), check.texts.join(' | '));
  assert.equal(check.exif, false);
  assert.equal(check.xmp, false);
});
