// The Protect editor as a person uses it: load a screenshot, let the
// automatic pass propose boxes, add one box by dragging over a line it did
// not flag, remove one proposed box by clicking it, move one with the arrow
// keys and undo, download, and prove with the project's own OCR pipeline
// that the added region is covered and the removed one is not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openApp } from './support/browser.mjs';
import { createFiligraneNode } from '../../web/lib/node.mjs';

let b, core, dir, screenshot;
const norm = (t) => t.replace(/\s+/g, '').toLowerCase();

before(async () => {
  b = await openApp();
  core = await createFiligraneNode();
  dir = mkdtempSync(path.join(os.tmpdir(), 'filigrane-editor-'));
  // A small screenshot rendered here: an e-mail and a card the pass finds, and a
  // line with nothing personal in it, which the person decides to cover.
  const page = await b.context.newPage();
  await page.setViewportSize({ width: 560, height: 200 });
  await page.setContent(`<!doctype html><body style="margin:0;padding:16px 20px;font:20px 'DejaVu Sans',sans-serif;background:#fff;color:#222">
    <p style="margin:8px 0">Email: lea.martin@example.com</p>
    <p style="margin:8px 0">Card: 4556 7375 8689 9855</p>
    <p style="margin:8px 0">Codeword PELICAN HARBOUR</p></body>`);
  screenshot = path.join(dir, 'screen.png');
  writeFileSync(screenshot, await page.screenshot({ type: 'png' }));
  await page.close();
});
after(async () => {
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});

test('add a box by dragging, remove a proposed one, download: OCR shows exactly that', async () => {
  const original = await core.cues(readFileSync(screenshot), { faces: false, nsfw: false });
  const codeword = original.text.find((t) => /PELICAN/i.test(t.text));
  assert.ok(codeword, `the OCR reads the codeword line: ${original.text.map((t) => t.text).join(' | ')}`);

  const { page } = b;
  await page.click('#tab-protect');
  await page.uncheck('#redact-faces');
  await page.check('#redact-pii');
  await page.setInputFiles('#redact-input', screenshot);
  await page.waitForSelector('#redact-editor:not([hidden])', { timeout: 120_000 });
  const boxes = page.locator('#redact-overlay .redact-box');
  assert.equal(await boxes.count(), 2);
  assert.deepEqual((await boxes.evaluateAll((els) => els.map((e) => e.dataset.kind))).sort(), ['card', 'email']);

  // Keyboard: a focused box moves with an arrow key; undo puts it back.
  const card = page.locator('#redact-overlay .redact-box[data-kind="card"]');
  const before = await card.evaluate((e) => e.style.left);
  await card.focus();
  await page.keyboard.press('ArrowRight');
  assert.notEqual(await card.evaluate((e) => e.style.left), before);
  await page.click('#redact-undo');
  assert.equal(await card.evaluate((e) => e.style.left), before);

  // Remove the e-mail's box by clicking it.
  await page.locator('#redact-overlay .redact-box[data-kind="email"]').click();
  assert.equal(await boxes.count(), 1);

  // Add a box by dragging over the codeword line (image px -> screen px).
  const rect = await page.locator('#redact-canvas').boundingBox();
  const info = await core.header(readFileSync(screenshot));
  const sx = (x) => rect.x + (x * rect.width) / info.width;
  const sy = (y) => rect.y + (y * rect.height) / info.height;
  const c = codeword.box;
  await page.mouse.move(sx(c.x - 4), sy(c.y - 3));
  await page.mouse.down();
  await page.mouse.move(sx(c.x + c.width / 2), sy(c.y + c.height / 2), { steps: 4 });
  await page.mouse.move(sx(c.x + c.width + 4), sy(c.y + c.height + 3), { steps: 4 });
  await page.mouse.up();
  assert.equal(await boxes.count(), 2);
  assert.equal(await page.locator('#redact-overlay .redact-box[data-kind="user"]').count(), 1);

  // Before/after: the result view shows the covered image.
  await page.click('#redact-compare');
  await page.waitForFunction(() => !document.getElementById('redact-after').hidden && document.getElementById('redact-after').width > 0);
  await page.click('#redact-compare');

  await page.click('#redact-confirm');
  await page.waitForSelector('#redact-result:not([hidden])', { timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#redact-download')]);
  assert.equal(download.suggestedFilename(), 'screen-redacted.png');
  const saved = readFileSync(await download.path());

  const after = await core.cues(saved, { faces: false, nsfw: false });
  const read = norm(after.text.map((t) => t.text).join(' '));
  assert.ok(read.includes('lea.martin@example.com'), `the removed box left the e-mail readable: ${read}`);
  assert.ok(!read.includes('pelican') && !read.includes('harbour'), `the drawn box covers the codeword: ${read}`);
  assert.ok(!read.includes('4556'), `the kept card box covers the card: ${read}`);

  // A new file clears the old result and its download link at once.
  await page.setInputFiles('#redact-input', screenshot);
  assert.equal(await page.locator('#redact-result').isHidden(), true);
  assert.equal(await page.locator('#redact-download').getAttribute('href'), null);
  await page.waitForSelector('#redact-editor:not([hidden])', { timeout: 120_000 });
});

test('a file the engine cannot read shows a plain error next to the file control', async () => {
  const bad = path.join(dir, 'broken.png');
  writeFileSync(bad, Buffer.from('not an image at all'));
  await b.page.setInputFiles('#redact-input', bad);
  const error = b.page.locator('#redact-input-error');
  await error.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await error.textContent(), /not an image Filigrane can read|damaged/);
  assert.equal(await b.page.locator('#error').isHidden(), true);
});
