import { openApp } from '../tests/browser/support/browser.mjs';
const b = await openApp();
const { page } = b;
await page.click('#tab-protect');
await page.uncheck('#redact-faces');
for (const w of [1280, 360]) {
  await page.setViewportSize({ width: w, height: 900 });
  await page.screenshot({ path: `/tmp/q/protect-${w}.png`, fullPage: true });
}
await page.setViewportSize({ width: 1280, height: 900 });
await page.setInputFiles('#redact-input', 'tests/corpus/text/contact.png');
await page.waitForSelector('#redact-editor:not([hidden])', { timeout: 120000 });
for (const w of [1280, 360]) {
  await page.setViewportSize({ width: w, height: 900 });
  await page.emulateMedia({ colorScheme: w === 360 ? 'dark' : 'light' });
  await page.screenshot({ path: `/tmp/q/editor-${w}.png`, fullPage: true });
}
await b.close();
process.exit(0);
