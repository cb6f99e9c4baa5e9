// The Screen mark and Decode views, end to end in Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openApp, repoRoot } from './support/browser.mjs';
import { createFiligraneNode } from '../../web/lib/node.mjs';
import { deriveMarkKeys, formatKeyFile, newKeyEntry, parseKeyFile } from '../../web/lib/mark-keys.mjs';

const shots = path.join(repoRoot, 'build', 'screenshots');
let b, core;
before(async () => {
  core = await createFiligraneNode();
  b = await openApp();
  mkdirSync(shots, { recursive: true });
});
after(async () => { await b.close(); });

async function dropInto(selector, bytes, name) {
  await b.page.evaluate(({ selector, bytes, name }) => {
    const data = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([data], name));
    document.querySelector(selector).dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, { selector, bytes: Buffer.from(bytes).toString('base64'), name });
}

test('Decode reads viewer and time from a marked screenshot and draws the map', async () => {
  const page = new Uint8Array(900 * 640 * 4).map((_, i) => (i % 4 === 3 ? 255 : ((i >> 2) % 900 < 450 ? 250 : 40)));
  const png = core.encode({ width: 900, height: 640, rgba: page });
  const marked = core.screenApply(png, { key: 'view-key', payload: '0000004d01c8b5f8' });
  const leaked = core.encode(core.decodeRgba(marked), { format: 'jpeg', quality: 70 });
  await b.page.click('#tab-decode');
  await b.page.fill('#decode-key', 'view-key');
  await dropInto('#decode-drop', leaked, 'leak.jpg');
  await b.page.waitForSelector('#decode-result:not([hidden])');
  assert.match(await b.page.textContent('#decode-verdict'), /^Viewer 77 at 2026-11-28 10:00 UTC, screen mark, the typed key, confidence 0\.\d\d$/);
  assert.equal(await b.page.textContent('#decode-facts dd[data-field="payload"]'), '0000004d01c8b5f8');
  const painted = await b.page.evaluate(() => {
    const c = document.getElementById('decode-map');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n / (d.length / 4);
  });
  assert.ok(painted > 0.5, `heat map covers ${painted}`);
  await b.page.screenshot({ path: path.join(shots, 'decode-desktop.png'), fullPage: true });

  await b.page.fill('#decode-key', 'wrong-key');
  await dropInto('#decode-drop', leaked, 'leak.jpg');
  await b.page.waitForFunction(() => /^No Filigrane mark with this key; checked screen and photo marks/.test(document.getElementById('decode-verdict').textContent));
});

test('every key field starts empty; no built-in key anywhere in the page', async () => {
  await b.page.goto(b.baseUrl);
  await b.page.waitForSelector('body[data-engine="ready"]', { timeout: 30_000 });
  for (const id of ['screen-key', 'decode-key', 'protect-key']) assert.equal(await b.page.inputValue(`#${id}`), '', id);
  assert.doesNotMatch(await b.page.content(), /change-this-secret/);
});

test('Decode with a key file finds a photo mark after JPEG 60 and a 50% resize, naming the key', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'filigrane-decode-keys-'));
  const keyFile = path.join(tmp, 'site.key');
  writeFileSync(keyFile, formatKeyFile([newKeyEntry('k1'), newKeyEntry('k2')]), { mode: 0o600 });
  const [, k2] = await deriveMarkKeys(parseKeyFile(readFileSync(keyFile, 'utf8')));
  const photo = core.resize(readFileSync(path.join(repoRoot, 'tests', 'corpus', 'photo.jpg')), { width: 1024, height: 768, format: 'png' });
  const { bytes: marked } = core.markImage(photo, { key: k2.photo, payload: '00000000000003e9' });
  const leaked = core.resize(marked, { width: 512, height: 384, format: 'jpeg', quality: 60 });
  await b.page.click('#tab-decode');
  await b.page.fill('#decode-key', '');
  await b.page.setInputFiles('#decode-key-file', keyFile);
  await dropInto('#decode-drop', leaked, 'photo.jpg');
  await b.page.waitForFunction(() => /^Photo mark/.test(document.getElementById('decode-verdict').textContent), null, { timeout: 30_000 });
  assert.match(await b.page.textContent('#decode-verdict'), /^Photo mark with payload 00000000000003e9, key k2, confidence /);
  await b.page.setInputFiles('#decode-key-file', []);
});

test('Screen mark previews the overlay on a sample page and offers the snippet', async () => {
  await b.page.click('#tab-screen');
  await b.page.fill('#screen-key', 'snippet-key');
  await b.page.fill('#screen-viewer', '31337');
  // The server snippet comes first; the page snippet names only the tile URL.
  assert.match(await b.page.inputValue('#screen-server-snippet'), /createScreenmarkHandler\(\{/);
  assert.equal(await b.page.inputValue('#screen-snippet'),
    '<script type="module" src="/screenmark/screenmark.mjs" data-tile-url="/screenmark/tile"></script>');
  await b.page.click('#screen-form button[type="submit"]');
  const frame = b.page.frameLocator('#screen-preview');
  await frame.locator('body[data-screenmark]').waitFor({ timeout: 30_000 });
  assert.equal(await frame.locator('body').getAttribute('data-screenmark-error'), null);
  // The preview frame only paints tiles the view hands it: its URL and document hold no key.
  assert.doesNotMatch(await b.page.getAttribute('#screen-preview', 'src'), /snippet-key/);
  assert.doesNotMatch(await frame.locator('html').innerHTML(), /snippet-key/);
  await b.page.screenshot({ path: path.join(shots, 'screen-desktop.png'), fullPage: true });
  // The preview really carries the chosen viewer: decode a screenshot of the frame.
  const png = new Uint8Array(await b.page.locator('#screen-preview').screenshot());
  const report = core.screenDecode(png, { key: 'snippet-key' });
  assert.equal(report.found, true, `sync ${report.syncScore}`);
  assert.equal(report.viewerId, 31337);
});

test('Protect marks a photo for download; after JPEG 50, Inspect finds the mark with the key', async () => {
  const photo = core.resize(readFileSync(path.join(repoRoot, 'tests', 'corpus', 'photo.jpg')), { width: 640, height: 480, format: 'jpeg', quality: 92 });
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'filigrane-protect-')), 'holiday.jpg');
  writeFileSync(file, photo);
  await b.page.click('#tab-protect');
  await b.page.fill('#protect-key', 'protect-key');
  await b.page.fill('#protect-payload', 'c0ffee0000000042');
  await b.page.setInputFiles('#protect-input', file);
  await b.page.waitForSelector('#protect-result:not([hidden])', { timeout: 30_000 });
  assert.match(await b.page.textContent('#protect-summary'), /dB PSNR/);
  await b.page.screenshot({ path: path.join(shots, 'protect-desktop.png'), fullPage: true });
  const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.click('#protect-download')]);
  assert.equal(download.suggestedFilename(), 'holiday-marked.png');
  const marked = readFileSync(await download.path());
  const report = core.detectImageMark(marked, { key: 'protect-key' });
  assert.equal(report.found, true);
  assert.equal(report.payload, 'c0ffee0000000042');

  // The marked download, re-encoded at JPEG quality 50 as a platform would.
  const markedFile = file.replace('.jpg', '-marked-q50.jpg');
  writeFileSync(markedFile, core.encode(core.decodeRgba(marked), { format: 'jpeg', quality: 50 }));
  await b.page.click('#tab-inspect');
  await b.page.setInputFiles('#file-input', markedFile);
  await b.page.waitForFunction(() => document.querySelector('#facts dd[data-field="file"]')?.textContent === 'holiday-marked-q50.jpg');
  await b.page.fill('#inspect-key', 'protect-key');
  await b.page.click('#inspect-key-form button');
  await b.page.waitForFunction(() => /Filigrane mark found: payload c0ffee0000000042/.test(document.getElementById('inspect-mark').textContent));
  await b.page.screenshot({ path: path.join(shots, 'inspect-desktop.png'), fullPage: true });
});

test('tabs work from the keyboard', async () => {
  await b.page.click('#tab-screen');
  await b.page.focus('#tab-screen');
  await b.page.keyboard.press('ArrowRight');
  assert.equal(await b.page.evaluate(() => document.activeElement.id), 'tab-decode');
  assert.equal(await b.page.isVisible('#view-decode'), true);
  assert.equal(await b.page.isVisible('#view-inspect'), false);
  await b.page.keyboard.press('ArrowRight');
  assert.equal(await b.page.isVisible('#view-inspect'), true);
});
