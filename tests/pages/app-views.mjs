// Drives each view of the app (build/site) to the state a person sees after
// giving it a real image; shared by the accessibility and screenshot tests.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFiligraneNode } from '../../web/lib/node.mjs';

export const PHOTO = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'photo.jpg');
export const DECODE_KEY = 'views-key';

/** tests/corpus/photo.jpg at 640×480 carrying the screen mark of DECODE_KEY: a "leaked screenshot". */
export async function markedScreenshot() {
  const core = await createFiligraneNode();
  const resized = core.resize(readFileSync(PHOTO), { width: 640, height: 480, format: 'png' });
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'filigrane-views-')), 'screenshot.png');
  writeFileSync(file, core.screenApply(resized, { key: DECODE_KEY, payload: '0000004d01c8b5f8' }));
  return file;
}

/** view name -> async (page, {screenshot}) that fills the view with a result. */
export const VIEWS = {
  async inspect(page) {
    await page.click('#tab-inspect');
    await page.setInputFiles('#file-input', PHOTO);
    await page.waitForSelector('#result:not([hidden])', { timeout: 30_000 });
    // The AI verdict card (when the app has one) settles after its model loads.
    await page.waitForFunction(() => document.getElementById('verdict-badge')?.dataset.verdict !== 'pending', null, { timeout: 90_000 });
  },
  async protect(page) {
    await page.click('#tab-protect');
    await page.fill('#protect-key', DECODE_KEY); // every key field starts empty
    await page.setInputFiles('#protect-input', PHOTO);
    await page.waitForSelector('#protect-result:not([hidden])', { timeout: 30_000 });
  },
  async screen(page) {
    await page.click('#tab-screen');
    await page.fill('#screen-key', DECODE_KEY); // every key field starts empty
    await page.click('#screen-form button[type="submit"]');
    await page.frameLocator('#screen-preview').locator('body[data-screenmark]').waitFor({ timeout: 30_000 });
  },
  async decode(page, { screenshot }) {
    await page.click('#tab-decode');
    await page.fill('#decode-key', DECODE_KEY);
    await page.setInputFiles('#decode-input', screenshot);
    await page.waitForSelector('#decode-result:not([hidden])', { timeout: 30_000 });
    await page.waitForFunction(() => /^Viewer 77 at /.test(document.getElementById('decode-verdict').textContent));
  },
};
