#!/usr/bin/env node
// make eval-ai: measures issue 5's numbers end to end through the JS library
// (the same code the page and the CLI run) and writes bench/ai.md:
//  1. provenance + C2PA validation against ../shared/data/provenance/truth.jsonl;
//  2. the fused verdict on ai-dev (never trained on) and ai-train reals, after the
//     issue's normalisation (short side 512, JPEG quality 90) and as shipped;
//  3. speed of provenance and the detector on a 12-megapixel JPEG, WebAssembly
//     in headless Chromium and in Node.
// The detector's own fold-by-fold table is models/ai-detector/EVAL.md (eval.py).
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFiligraneNode } from '../web/lib/node.mjs';
import { checkAgainstTruth } from '../tests/node/provenance-truth.mjs';
import { sharedData } from '../tests/node/shared-data.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outFile = process.argv[2] ?? path.join(root, 'bench', 'ai.md');
const core = await createFiligraneNode();
const lines = [];
const say = (s = '') => { lines.push(s); console.log(s); };

function auc(pos, neg) {
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return pos.length && neg.length ? wins / (pos.length * neg.length) : NaN;
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const pct = (n, d) => `${n}/${d} = ${((100 * n) / Math.max(d, 1)).toFixed(1)}%`;

say('# AI verdict and provenance: measured');
say();
say(`Written by \`make eval-ai\` (tools/eval_ai.mjs) on ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores. The detector's per-fold training table is models/ai-detector/EVAL.md.`);
say();

// 1. Provenance against truth.jsonl.
const provDir = sharedData('provenance');
if (provDir) {
  const byWhat = new Map();
  const failures = [];
  for (const row of readFileSync(path.join(provDir, 'truth.jsonl'), 'utf8').split('\n').filter(Boolean).map(JSON.parse)) {
    const report = await core.provenanceReport(readFileSync(path.join(provDir, row.file)));
    for (const c of checkAgainstTruth(row, report)) {
      const t = byWhat.get(c.what) ?? { met: 0, total: 0 };
      t.total++;
      if (c.ok) t.met++; else failures.push(`${row.file}: ${c.what} expected ${c.expected}, got ${c.got}`);
      byWhat.set(c.what, t);
    }
  }
  say('## Provenance against truth.jsonl (52 files)');
  say();
  say('| expectation | met | target |');
  say('|---|---|---|');
  for (const [what, t] of byWhat) say(`| ${what} | ${t.met}/${t.total} | all |`);
  say();
  for (const f of failures) say(`- not met: ${f}`);
  if (failures.length) say();
} else {
  say('../shared/data/provenance is absent: provenance rows skipped.');
}

// 2. Verdicts on ai-dev and ai-train reals.
async function normalised(bytes) {
  const { width, height } = core.info(bytes);
  const scale = 512 / Math.min(width, height);
  return core.resize(bytes, { width: Math.round(width * scale), height: Math.round(height * scale), filter: 'lanczos3', format: 'jpeg', quality: 90 });
}

async function verdictRows(label, files, treatment) {
  const counts = { ai: 0, 'likely-ai': 0, unknown: 0, 'likely-real': 0 };
  const scores = [];
  const times = [];
  for (const f of files) {
    let bytes = readFileSync(f);
    if (treatment === 'normalised') bytes = await normalised(bytes);
    const t0 = performance.now();
    const v = await core.aiVerdict(bytes);
    times.push(performance.now() - t0);
    counts[v.verdict]++;
    scores.push(v.evidence.detector?.probability ?? NaN);
  }
  return { label, counts, scores, n: files.length, time: median(times) };
}

const dev = sharedData('ai-dev');
if (dev) {
  const list = (d) => readdirSync(d).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort().map((f) => path.join(d, f));
  say('## Fused verdict on ai-dev (30 AI, 30 real; never trained on)');
  say();
  say('| images | treatment | ai | likely-ai | unknown | likely-real | detector AUC | median ms / image (Node) |');
  say('|---|---|---|---|---|---|---|---|');
  const results = {};
  for (const treatment of ['normalised', 'as shipped']) {
    const ai = await verdictRows('AI', list(path.join(dev, 'ai')), treatment);
    const real = await verdictRows('real', list(path.join(dev, 'real')), treatment);
    const a = auc(ai.scores, real.scores);
    for (const r of [ai, real]) {
      const c = r.counts;
      say(`| ${r.label} (${r.n}) | ${treatment} | ${c.ai} | ${c['likely-ai']} | ${c.unknown} | ${c['likely-real']} | ${a.toFixed(3)} | ${r.time.toFixed(0)} |`);
    }
    results[treatment] = { ai, real, auc: a };
  }
  say();
  const norm = results.normalised;
  const realFlagged = norm.real.counts.ai + norm.real.counts['likely-ai'];
  say(`- real photos given likely-ai or ai (normalised): ${pct(realFlagged, norm.real.n)} (target < 5%)`);
  say(`- detector AUC on ai-dev (normalised): ${norm.auc.toFixed(3)} (target >= 0.80)`);
  const trainReal = sharedData('ai-train/real');
  if (trainReal) {
    const files = readdirSync(trainReal).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort().map((f) => path.join(trainReal, f));
    const r = await verdictRows('ai-train real', files, 'normalised');
    say(`- ai-train real photos (${r.n}, camera photos, the detector trained on them) given likely-ai or ai: ${pct(r.counts.ai + r.counts['likely-ai'], r.n)}`);
  }
  say();
} else {
  say('../shared/data/ai-dev is absent: verdict rows skipped.');
}

// 3. Speed on a 12-megapixel JPEG.
async function twelveMegapixelJpeg() {
  const kodak = sharedData('kodak');
  const src = kodak ? path.join(kodak, readdirSync(kodak).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort()[0]) : path.join(root, 'tests', 'corpus', 'photo.jpg');
  return core.resize(readFileSync(src), { width: 4000, height: 3000, filter: 'bicubic', format: 'jpeg', quality: 90 });
}
const big = await twelveMegapixelJpeg();
const nodeTimes = { provenance: [], verdict: [] };
for (let i = 0; i < 5; i++) {
  let t0 = performance.now();
  await core.provenanceReport(big);
  nodeTimes.provenance.push(performance.now() - t0);
  t0 = performance.now();
  await core.aiVerdict(big);
  nodeTimes.verdict.push(performance.now() - t0);
}

let chromium = null;
if (existsSync(path.join(root, 'build', 'site', 'lib', 'worker.mjs'))) {
  const { openBrowser } = await import('../tests/browser/support/browser.mjs');
  const b = await openBrowser();
  try {
    await b.page.goto(b.baseUrl);
    chromium = await b.page.evaluate(async (b64) => {
      const { Filigrane } = await import('/lib/filigrane.mjs');
      const decoded = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      // A fresh copy per call, made before the clock starts: a page holding the
      // file sends its bytes as they are (the engine copies them to the worker).
      const bytes = () => decoded.slice();
      const engine = await Filigrane.create();
      const times = { provenance: [], verdict: [], verdictNoDetector: [] };
      await engine.aiVerdict(bytes()); // warm-up: model download and session
      for (let i = 0; i < 5; i++) {
        let copy = bytes();
        let t0 = performance.now();
        await engine.provenanceReport(copy);
        times.provenance.push(performance.now() - t0);
        copy = bytes();
        t0 = performance.now();
        await engine.aiVerdict(copy);
        times.verdict.push(performance.now() - t0);
        copy = bytes();
        t0 = performance.now();
        await engine.aiVerdict(copy, { detector: false });
        times.verdictNoDetector.push(performance.now() - t0);
      }
      engine.dispose();
      return times;
    }, Buffer.from(big).toString('base64'));
  } finally {
    await b.close();
  }
}
say('## Speed on a 12-megapixel JPEG (4000 × 3000, median of 5; includes copying the file into the worker)');
say();
say('| operation | Chromium (WebAssembly in a worker) ms | Node (WebAssembly) ms | target (Chromium) |');
say('|---|---|---|---|');
const fmt = (xs) => (xs ? median(xs).toFixed(0) : 'n/a');
say(`| provenance (core parse; no manifest, so no C2PA validator) | ${fmt(chromium?.provenance)} | ${fmt(nodeTimes.provenance)} | <= 20 |`);
if (chromium) {
  const detectorOnly = median(chromium.verdict) - median(chromium.verdictNoDetector);
  say(`| full verdict (provenance + SD mark decode + detector) | ${fmt(chromium.verdict)} | ${fmt(nodeTimes.verdict)} | — |`);
  say(`| verdict without the detector | ${fmt(chromium.verdictNoDetector)} | — | — |`);
  say(`| detector share (difference of the two) | ${detectorOnly.toFixed(0)} | — | <= 150 |`);
}
say();
writeFileSync(outFile, lines.join('\n') + '\n');
console.error(`wrote ${path.relative(root, outFile)}`);
