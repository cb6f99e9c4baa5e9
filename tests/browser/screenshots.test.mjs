// Screenshots of the four views after each has shown a real image, at desktop
// (1280×800) and phone (360×740) sizes: build/screenshots/<view>-<width>.png.
// They are for people to review; the test checks each was written at its width
// and that the view did not overflow horizontally.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openBrowser, repoRoot } from './support/browser.mjs';
import { VIEWS, markedScreenshot } from '../pages/app-views.mjs';

const SIZES = [{ width: 1280, height: 800 }, { width: 360, height: 740 }];
const shots = path.join(repoRoot, 'build', 'screenshots');

let b, screenshot;
before(async () => {
  mkdirSync(shots, { recursive: true });
  screenshot = await markedScreenshot();
  b = await openBrowser();
});
after(async () => { await b?.close(); });

for (const size of SIZES) {
  for (const [view, prepare] of Object.entries(VIEWS)) {
    test(`${view} at ${size.width}×${size.height}`, async () => {
      await b.page.setViewportSize(size);
      await b.page.goto(b.baseUrl);
      await b.page.waitForSelector('body[data-engine="ready"]', { timeout: 30_000 });
      await prepare(b.page, { screenshot });
      const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      const file = path.join(shots, `${view}-${size.width}.png`);
      await b.page.screenshot({ path: file, fullPage: true });
      const png = readFileSync(file);
      assert.equal(png.readUInt32BE(16), size.width, 'PNG width');
      assert.ok(png.readUInt32BE(20) >= size.height, 'PNG height');
      assert.ok(overflow <= 0, `${view}: ${overflow}px of horizontal overflow at ${size.width}`);
    });
  }
}
