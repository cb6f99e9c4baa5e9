// Accessibility: axe-core (pinned in package.json) in each app view after it
// has shown a real image (Inspect, Protect, Screen mark, Decode), and in the
// extension's pages (the bundled Inspect view, settings). Serious and
// critical violations fail; lesser ones are printed as diagnostics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openApp, repoRoot } from './support/browser.mjs';
import { openExtensionBrowser } from './support/extension.mjs';
import { stagePages } from '../pages/stage.mjs';
import { VIEWS, markedScreenshot } from '../pages/app-views.mjs';

const AXE = readFileSync(path.join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** Runs axe in the page (and its frames); returns the violations. */
async function axeViolations(page) {
  for (const frame of page.frames()) await frame.evaluate(AXE);
  return page.evaluate((tags) => axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }))), WCAG);
}

function assertNoSeriousViolations(t, name, violations) {
  for (const v of violations) t.diagnostic(`${name}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], `${name}: ${serious.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.join(', ')}`).join('; ')}`);
}

let b, screenshot;
before(async () => {
  screenshot = await markedScreenshot();
  b = await openApp();
});
after(async () => { await b?.close(); });

for (const [name, prepare] of Object.entries(VIEWS)) {
  test(`${name} view: no serious or critical axe violations`, async (t) => {
    await prepare(b.page, { screenshot });
    assertNoSeriousViolations(t, name, await axeViolations(b.page));
  });
}

test('extension pages: no serious or critical axe violations', async (t) => {
  const root = stagePages(mkdtempSync(path.join(os.tmpdir(), 'filigrane-pages-')));
  const e = await openExtensionBrowser({ root });
  try {
    const inspect = await e.context.newPage();
    await inspect.goto(`chrome-extension://${e.extensionId}/inspect.html?src=${encodeURIComponent(e.baseUrl + 'images/photo.jpg')}`);
    await inspect.waitForSelector('#result:not([hidden])', { timeout: 30_000 });
    assertNoSeriousViolations(t, 'extension inspect.html', await axeViolations(inspect));
    const options = await e.context.newPage();
    await options.goto(`chrome-extension://${e.extensionId}/options.html`);
    await options.waitForSelector('body[data-loaded="true"]');
    assertNoSeriousViolations(t, 'extension options.html', await axeViolations(options));
    // The badges the content script adds to a web page.
    await e.page.goto(e.baseUrl + 'index.html');
    await e.page.waitForFunction(() => document.querySelectorAll('filigrane-badge').length >= 7, null, { timeout: 30_000 });
    const onPage = (await axeViolations(e.page)).filter((v) => v.nodes.some((n) => /filigrane-badge/.test(n)));
    assertNoSeriousViolations(t, 'badges on a web page', onPage);
  } finally {
    await e.close();
  }
});
