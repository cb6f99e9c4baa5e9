// 200 consecutive scans in Chromium: the worker's WebAssembly heap does not
// grow by more than 1 MB after warm-up (every handle is deleted, the file the
// worker keeps decoded included).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openBrowser, repoRoot } from './support/browser.mjs';

let b;
before(async () => { b = await openBrowser(); });
after(async () => { await b.close(); });

test('200 scans in the worker leak no WebAssembly heap', async () => {
  await b.page.goto(b.baseUrl);
  const photo = readFileSync(path.join(repoRoot, 'tests', 'corpus', 'photo.jpg')).toString('base64');
  const bad = readFileSync(path.join(repoRoot, 'tests', 'corpus', 'malformed', 'truncated-half.jpg')).toString('base64');
  const { growth, errors } = await b.page.evaluate(async ({ photo, bad }) => {
    const { Filigrane } = await import('/lib/filigrane.mjs');
    const bytes = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
    const engine = await Filigrane.create();
    const scan = async () => {
      await engine.info(bytes(photo));
      await engine.decodeRgba(bytes(photo), { maxSide: 64 });
      await engine.provenance(bytes(photo));
      await engine.detectSdMark(bytes(photo));
      await engine.detectImageMark(bytes(photo), { key: 'k' });
      const failed = await engine.info(bytes(bad)).then(() => 0, () => 1);
      // The worker keeps the last file decoded until the next one or closeFiles().
      await engine.info(bytes(photo));
      await engine.closeFiles();
      return failed;
    };
    for (let i = 0; i < 10; i++) await scan();
    const before = (await engine.heapStats()).allocatedBytes;
    let errors = 0;
    for (let i = 0; i < 200; i++) errors += await scan();
    const after = (await engine.heapStats()).allocatedBytes;
    engine.dispose();
    return { growth: after - before, errors };
  }, { photo, bad });
  assert.equal(errors, 200, 'every truncated file was refused');
  assert.ok(growth <= 1 << 20, `heap grew by ${growth} bytes`);
});
