// An Inspect decodes its file once (issue 20): the page's calls for one file
// (facts, preview, provenance, SD mark, AI verdict, cues) all run on the one
// DecodedImage the worker keeps. Counted through the handle API: the worker's
// fileStats op reports how often its open file was decoded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openBrowser, repoRoot } from './support/browser.mjs';

let b;
before(async () => {
  b = await openBrowser();
  // Keep a reference to the page's workers so the test can ask the engine's.
  await b.page.addInitScript(() => {
    const NativeWorker = self.Worker;
    self.__workers = [];
    self.Worker = class extends NativeWorker {
      constructor(...args) {
        super(...args);
        self.__workers.push(this);
      }
    };
  });
  await b.page.goto(b.baseUrl);
  await b.page.waitForSelector('body[data-engine="ready"]', { timeout: 60_000 });
});
after(async () => { await b.close(); });

/** Sends one op to the engine's worker (the one hosting the core) and returns its result. */
function askWorker(op) {
  return b.page.evaluate(async (op) => {
    const worker = self.__workers.find((w) => w instanceof Worker);
    return new Promise((resolve, reject) => {
      const id = 1e9 + Math.floor(Math.random() * 1e6);
      const listen = (event) => {
        if (event.data?.id !== id) return;
        worker.removeEventListener('message', listen);
        if (event.data.ok) resolve(event.data.result);
        else reject(new Error(event.data.error?.message));
      };
      worker.addEventListener('message', listen);
      worker.postMessage({ id, op, args: [] });
    });
  }, op);
}

test('an Inspect, its AI verdict and its cues decode the file once', async () => {
  const before = await askWorker('fileStats');
  await b.page.setInputFiles('#file-input', path.join(repoRoot, 'tests', 'corpus', 'photo.jpg'));
  await b.page.waitForSelector('#result:not([hidden])');
  await b.page.waitForFunction(() => document.getElementById('verdict-badge').dataset.verdict !== 'pending', null, { timeout: 120_000 });
  await b.page.click('#cues-run');
  await b.page.waitForFunction(() => document.getElementById('cues-list').children.length > 0 || !document.getElementById('error').hidden,
    null, { timeout: 180_000 });
  const stats = await askWorker('fileStats');
  assert.equal(stats.open, true, 'the worker keeps the file open');
  assert.equal(stats.decodes, 1, 'the file was decoded once');
  // The module's decodes: the file once, plus the AI detector's documented
  // JPEG round trip of its normalised copy (ai-detector.mjs), nothing else.
  assert.ok(stats.moduleDecodes - before.moduleDecodes <= 2, `module decoded ${stats.moduleDecodes - before.moduleDecodes} times`);
  await askWorker('closeFiles');
  assert.equal((await askWorker('fileStats')).open, false);
});
