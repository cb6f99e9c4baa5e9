#!/usr/bin/env node
// make bench-cues: speed of the sensitive-content cues as WebAssembly (core +
// ONNX Runtime Web) in the page's worker in headless Chromium: faces plus
// nudity on a 12-megapixel photo (quick scan, as Inspect runs it; the
// thorough scan redaction uses is timed once and serves as the reference for
// what the quick scan misses), and OCR of a text-heavy 1920 x 1080 screenshot
// rendered here. Median of 3 runs after one warm-up (model download and
// session creation excluded).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFiligraneNode } from '../web/lib/node.mjs';
import { sharedData } from '../tests/node/shared-data.mjs';
import { openBrowser } from '../tests/browser/support/browser.mjs';
import { boxIou } from '../web/lib/faces.mjs';
import { ARTICLE_VOCABULARY, articleHtml } from './article_page.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outFile = process.argv[2] ?? path.join(root, 'bench', 'cues-speed.md');
const core = await createFiligraneNode();
const people = sharedData('people');
const pick = (dir, fallback) => (dir ? path.join(dir, readdirSync(dir).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort()[0]) : fallback);
const photoSource = pick(people, path.join(root, 'tests/corpus/photo.jpg'));
const photo = core.resize(readFileSync(photoSource), { width: 4000, height: 3000, filter: 'bicubic', format: 'jpeg', quality: 90 });

// Real pages: the top 1280 x 720 of the first screenshots in ../shared/data/screens, at 150 % (1920 x 1080).
const screensDir = sharedData('screens');
const realScreens = (screensDir ? readdirSync(screensDir).filter((f) => /\.png$/i.test(f)).sort().slice(0, 5) : []).map((f) => {
  const { width, rgba } = core.decodeRgba(readFileSync(path.join(screensDir, f)));
  const top = { width: 1280, height: 720, rgba: new Uint8Array(1280 * 720 * 4) };
  for (let y = 0; y < 720; y++) top.rgba.set(rgba.subarray(y * width * 4, (y * width + 1280) * 4), y * 1280 * 4);
  return core.resize(core.encode(top, { format: 'png' }), { width: 1920, height: 1080, filter: 'lanczos3', format: 'png' });
});

const b = await openBrowser();
let times;
let screen;
try {
  const shot = await b.context.newPage();
  await shot.setViewportSize({ width: 1920, height: 1080 });
  await shot.setContent(articleHtml());
  screen = await shot.screenshot({ type: 'png' });
  await shot.close();
  await b.page.goto(b.baseUrl);
  times = await b.page.evaluate(async ({ photo, screen, realScreens }) => {
    const { Filigrane } = await import('/lib/filigrane.mjs');
    const decode = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
    const p = decode(photo);
    const s = decode(screen);
    const engine = await Filigrane.create();
    const run = async (bytes, options) => { const t0 = performance.now(); const r = await engine.cues(bytes.slice(), options); return [performance.now() - t0, r]; };
    const out = { facesNudity: [], faces: [], nudity: [], ocr: [], crossOriginIsolated: self.crossOriginIsolated };
    await run(p, { faces: true, nsfw: true, text: false });
    await run(s, { faces: false, nsfw: false, text: true });
    for (let i = 0; i < 3; i++) {
      const [a, r] = await run(p, { faces: true, nsfw: true, text: false });
      out.facesNudity.push(a);
      out.quick = r;
      out.faces.push((await run(p, { faces: true, nsfw: false, text: false }))[0]);
      out.nudity.push((await run(p, { faces: false, nsfw: true, text: false }))[0]);
      const [o, t] = await run(s, { faces: false, nsfw: false, text: true });
      out.ocr.push(o);
      out.text = t.text;
    }
    out.real = [];
    for (const r of realScreens) {
      const [ms, t] = await run(decode(r), { faces: false, nsfw: false, text: true });
      out.real.push({ ms, lines: t.text.length });
    }
    const [ot, textThorough] = await run(s, { faces: false, nsfw: false, text: true, thorough: true });
    out.ocrThoroughMs = ot;
    out.textThorough = textThorough.text;
    const [th, thorough] = await run(p, { faces: true, nsfw: false, text: false, thorough: true });
    out.thoroughMs = th;
    out.thorough = thorough;
    engine.dispose();
    return out;
  }, {
    photo: Buffer.from(photo).toString('base64'),
    screen: Buffer.from(screen).toString('base64'),
    realScreens: realScreens.map((r) => Buffer.from(r).toString('base64')),
  });
} finally {
  await b.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const scan = times.quick.face_scan;
const reference = times.thorough.faces.map((f) => f.box);
const inRange = reference.filter((r) => Math.max(r.width, r.height) >= scan.min_face);
const matched = (refs) => refs.filter((r) => times.quick.faces.some((q) => boxIou(q.box, r) >= 0.3)).length;
const foundInRange = matched(inRange);
const foundAll = matched(reference);
const largest = reference.reduce((m, r) => Math.max(m, r.width, r.height), 0);
const piiLines = times.text.filter((t) => t.pii.length > 0).length;
// Share of the article's words read as one of the words it was written from
// (its personal-data lines aside): how legible the reading is.
const articleWords = new Set(ARTICLE_VOCABULARY.split(' '));
const wordShare = (items) => {
  const words = items.filter((t) => t.pii.length === 0).flatMap((t) => t.text.toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 0));
  return words.filter((w) => articleWords.has(w)).length / Math.max(1, words.length);
};
const pct = (x) => `${(100 * x).toFixed(1)}%`;
const lines = [
  '# Sensitive-content cues: speed in Chromium',
  '',
  `Written by \`make bench-cues\` (tools/bench_cues.mjs) on ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} at the end. WebAssembly (core + ONNX Runtime Web) in the page's worker in headless Chromium (cross-origin isolated: ${times.crossOriginIsolated}, so ONNX Runtime ${times.crossOriginIsolated ? 'may use up to ' + Math.min(4, os.cpus().length) + ' threads' : 'uses 1 thread'}); median of 3 after a warm-up; each time includes reading the header and decoding the file.`,
  '',
  `The 12 MP photo is \`${path.basename(photoSource)}\` from ../shared/data/people upscaled to 4000 × 3000 (bicubic) and saved as JPEG quality 90.`,
  '',
  '| operation | image | ms (median) | target |',
  '|---|---|---|---|',
  `| faces + nudity, quick face scan (Inspect, \`cues\`) | 12 MP photo | ${median(times.facesNudity).toFixed(0)} | <= 400 |`,
  `| faces only, quick scan (${scan.tiles} tiles, faces from ${scan.min_face} px) | same | ${median(times.faces).toFixed(0)} | — |`,
  `| nudity only | same | ${median(times.nudity).toFixed(0)} | — |`,
  `| faces, thorough scan (redaction; ${times.thorough.face_scan.tiles} tiles, faces from ${times.thorough.face_scan.min_face} px) | same | ${times.thoroughMs.toFixed(0)} (1 run) | — |`,
  `| OCR + personal data | 1920 × 1080 screenshot of a two-column article (${times.text.length} text lines read, ${piiLines} with personal data; ${pct(wordShare(times.text))} of words read right) | ${median(times.ocr).toFixed(0)} | <= 4000 |`,
  `| OCR + personal data, thorough (redaction: doubtful lines read again at full size) | same article (${times.textThorough.length} lines; ${pct(wordShare(times.textThorough))} of words read right) | ${times.ocrThoroughMs.toFixed(0)} (1 run) | — |`,
  ...(times.real.length ? [`| OCR + personal data, real pages | top 1280 × 720 of the first ${times.real.length} screenshots in ../shared/data/screens at 150 % (1920 × 1080; ${times.real.map((r) => r.lines).join(', ')} lines) | ${median(times.real.map((r) => r.ms)).toFixed(0)} (median; ${times.real.map((r) => r.ms.toFixed(0)).join(', ')}) | <= 4000 |`] : []),
  '',
  `What the quick scan gives up: the thorough scan found ${reference.length} faces in the 12 MP photo (the largest ${largest} px); the quick scan found ${times.quick.faces.length}, matching ${foundAll} of the thorough scan's (IoU >= 0.3). ${inRange.length} of the thorough scan's faces are ${scan.min_face} px or larger (the size the quick scan's tiling guarantees), and it found ${foundInRange} of those. Smaller faces are often found too, but only the thorough scan, which redaction always runs, looks for them down to 24 px.`,
  '',
];
writeFileSync(outFile, lines.join('\n'));
console.log(lines.join('\n'));
