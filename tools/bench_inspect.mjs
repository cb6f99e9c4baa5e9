// Inspect as a person sees it (issue 18): Chromium screenshots at 1280 × 800
// of a Firefly file, a camera-signed file, a tampered file and an image with
// no metadata (each checked for its headline being visible without
// scrolling), and the time from file drop to headline for a 12-megapixel
// JPEG with Content Credentials once the validator and models are cached.
// Writes bench/inspect-*.png and bench/inspect.md. Run: make bench-inspect
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openApp, repoRoot } from '../tests/browser/support/browser.mjs';
import { sharedData } from '../tests/node/shared-data.mjs';

const provenance = sharedData('provenance');
const aiDev = sharedData('ai-dev');
if (!provenance || !aiDev) {
  console.error('../shared/data/provenance and ai-dev are needed');
  process.exit(2);
}
const bench = path.join(repoRoot, 'bench');
mkdirSync(bench, { recursive: true });

const SHOTS = [
  ['firefly', path.join(provenance, 'c2pa', 'js_firefly_thirdparty_gemini.png'), 'Adobe Firefly output (C2PA public test file)'],
  ['camera', path.join(provenance, 'c2pa-tree', 'truepic-20230212-landscape.jpg'), 'Truepic camera-signed photo (C2PA public test file, 4032 × 3024)'],
  ['tampered', path.join(provenance, 'c2pa', 'rs_XCA.jpg'), 'c2pa-rs test file whose image bytes changed after signing'],
  ['no-metadata', path.join(aiDev, 'ai', readFirst(path.join(aiDev, 'ai'))), 'an AI image from ai-dev with no metadata'],
];

function readFirst(dir) {
  return readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f)).sort()[0];
}

const b = await openApp();
const rows = [];
try {
  await b.page.setViewportSize({ width: 1280, height: 800 });
  const drop = async (file) => {
    const bytes = readFileSync(file).toString('base64');
    return b.page.evaluate(({ bytes, name }) => new Promise((resolve) => {
      const data = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name));
      const headline = document.getElementById('verdict-headline');
      window.scrollTo(0, 0);
      const start = performance.now();
      document.getElementById('drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      const observer = new MutationObserver(() => {
        if (headline.dataset.verdict !== 'pending') {
          observer.disconnect();
          resolve(performance.now() - start);
        }
      });
      observer.observe(headline, { attributes: true, childList: true, characterData: true, subtree: true });
    }), { bytes, name: path.basename(file) });
  };

  for (const [name, file, what] of SHOTS) {
    await drop(file);
    // Let the tree's thumbnails and the detector's details settle.
    await b.page.waitForFunction(() => document.getElementById('verdict-quality').textContent !== '', null, { timeout: 120_000 }).catch(() => {});
    await b.page.waitForTimeout(300);
    await b.page.evaluate(() => window.scrollTo(0, 0));
    const box = await b.page.locator('#verdict-headline').boundingBox();
    const text = await b.page.locator('#verdict-headline').textContent();
    await b.page.screenshot({ path: path.join(bench, `inspect-${name}.png`) });
    rows.push({ name, what, text, visible: box && box.y >= 0 && box.y + box.height <= 800, bottom: box ? Math.round(box.y + box.height) : null });
  }

  // Drop to headline: a 12 MP JPEG with Content Credentials, validator and models cached (one warm-up drop first).
  const big = SHOTS[1][1];
  await drop(big);
  await b.page.waitForFunction(() => document.getElementById('verdict-quality').textContent !== '', null, { timeout: 120_000 }).catch(() => {});
  const times = [];
  for (let i = 0; i < 5; i++) {
    times.push(await drop(big));
    await b.page.waitForFunction(() => document.getElementById('verdict-quality').textContent !== '', null, { timeout: 120_000 }).catch(() => {});
  }
  times.sort((x, y) => x - y);
  const median = times[2];
  const cpu = `${os.cpus()[0]?.model ?? 'CPU'}, ${os.cpus().length} cores (shared with other work)`;
  const md = [
    '# Inspect: what a person sees (issue 18)',
    '',
    `Written by \`make bench-inspect\` (tools/bench_inspect.mjs) on ${new Date().toISOString().slice(0, 10)}, headless Debian Chromium, ${cpu}.`,
    '',
    '## Screenshots at 1280 × 800 (headline visible without scrolling)',
    '',
    '| file | what | headline | headline bottom (px of 800) | visible |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| [inspect-${r.name}.png](inspect-${r.name}.png) | ${r.what} | ${r.text.replace(/\|/g, '\\|')} | ${r.bottom} | ${r.visible ? 'yes' : '**no**'} |`),
    '',
    '## Drop to headline, 12 MP JPEG with Content Credentials (4032 × 3024, 4.0 MB; validator and models cached)',
    '',
    '| runs | median ms | min ms | max ms | target |',
    '|---|---|---|---|---|',
    `| 5 | ${Math.round(median)} | ${Math.round(times[0])} | ${Math.round(times[4])} | ≤ 1000 |`,
    '',
    'Measured from the drop event to the headline leaving "Checking…": reading the file, the core\'s provenance parse, c2pa-rs validation, Filigrane\'s own data-hash recomputation and the thumbnails (the metadata-only verdict, `pixels: false`). The preview decode, file facts, Stable Diffusion mark check and pixel detector follow; the verdict is redrawn when they finish. On this file `info` and the 512-px preview decode each cost about 0.9-1.2 s in WebAssembly under Node (full decode of 12 MP): that is issue 20\'s decode-once handle, not done here; before this change the headline waited for them and took 3.3-4.0 s (median 3.7 s, same machine).',
    '',
  ].join('\n');
  writeFileSync(path.join(bench, 'inspect.md'), md);
  console.log(md);
} finally {
  await b.close();
}
