#!/usr/bin/env node
// make bench-cues: speed of the sensitive-content cues as WebAssembly (core +
// ONNX Runtime Web) in a worker in headless Chromium: faces plus nudity on a
// 12-megapixel photo, and OCR of a 1920 x 1080 screenshot. Median of 3 runs
// after one warm-up (model download and session creation excluded).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFiligraneNode } from '../web/lib/node.mjs';
import { sharedData } from '../tests/node/shared-data.mjs';
import { openBrowser } from '../tests/browser/support/browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outFile = process.argv[2] ?? path.join(root, 'bench', 'cues-speed.md');
const core = await createFiligraneNode();
const people = sharedData('people');
const screens = sharedData('screens');
const pick = (dir, fallback) => (dir ? path.join(dir, readdirSync(dir).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort()[0]) : fallback);
const photo = core.resize(readFileSync(pick(people, path.join(root, 'tests/corpus/photo.jpg'))),
  { width: 4000, height: 3000, filter: 'bicubic', format: 'jpeg', quality: 90 });
const screen = core.resize(readFileSync(pick(screens, path.join(root, 'tests/corpus/text/contact.png'))),
  { width: 1920, height: 1080, filter: 'lanczos3', format: 'png' });

const b = await openBrowser();
let times;
try {
  await b.page.goto(b.baseUrl);
  times = await b.page.evaluate(async ({ photo, screen }) => {
    const { Filigrane } = await import('/lib/filigrane.mjs');
    const decode = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
    const p = decode(photo);
    const s = decode(screen);
    const engine = await Filigrane.create();
    const run = async (bytes, options) => { const t0 = performance.now(); const r = await engine.cues(bytes.slice(), options); return [performance.now() - t0, r]; };
    const out = { facesNudity: [], faces: [], nudity: [], ocr: [], counts: {} };
    await run(p, { faces: true, nsfw: true, text: false });
    await run(s, { faces: false, nsfw: false, text: true });
    for (let i = 0; i < 3; i++) {
      const [a, r] = await run(p, { faces: true, nsfw: true, text: false });
      out.facesNudity.push(a);
      out.counts.faces = r.faces.length;
      out.faces.push((await run(p, { faces: true, nsfw: false, text: false }))[0]);
      out.nudity.push((await run(p, { faces: false, nsfw: true, text: false }))[0]);
      const [o, t] = await run(s, { faces: false, nsfw: false, text: true });
      out.ocr.push(o);
      out.counts.lines = t.text.length;
    }
    engine.dispose();
    return out;
  }, { photo: Buffer.from(photo).toString('base64'), screen: Buffer.from(screen).toString('base64') });
} finally {
  await b.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const lines = [
  '# Sensitive-content cues: speed in Chromium',
  '',
  `Written by \`make bench-cues\` (tools/bench_cues.mjs) on ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} at the end. WebAssembly (core + ONNX Runtime Web, 1 thread) in the page's worker in headless Chromium; median of 3 after a warm-up; includes decoding the file.`,
  '',
  '| operation | image | ms (median) | target |',
  '|---|---|---|---|',
  `| faces + nudity | 12 MP photo (4000 × 3000 JPEG; ${times.counts.faces} faces) | ${median(times.facesNudity).toFixed(0)} | <= 400 |`,
  `| faces only | same | ${median(times.faces).toFixed(0)} | — |`,
  `| nudity only | same | ${median(times.nudity).toFixed(0)} | — |`,
  `| OCR + personal data | 1920 × 1080 screenshot (${times.counts.lines} lines) | ${median(times.ocr).toFixed(0)} | <= 4000 |`,
  '',
];
writeFileSync(outFile, lines.join('\n'));
console.log(lines.join('\n'));
