#!/usr/bin/env node
// make eval-cues: issue 6's numbers in one table (bench/cues.md), collected
// from the files the cue evaluations write: bench/cues-faces.md (eval-faces),
// cues-nsfw.md (eval-nsfw), cues-text.md (eval-pii), cues-speed.md
// (bench-cues). Nothing is measured here; a missing file leaves "not run".
// Usage: node tools/cues_summary.mjs [BENCH_DIR] [OUT.md]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = process.argv[2] ?? path.join(root, 'bench');
const outFile = process.argv[3] ?? path.join(benchDir, 'cues.md');

/** Cells of the first table row of `file` whose first cell starts with `label`, or null. */
function row(file, label) {
  const full = path.join(benchDir, file);
  if (!existsSync(full)) return null;
  const line = readFileSync(full, 'utf8').split('\n').find((l) => l.startsWith(`| ${label}`));
  return line ? line.split('|').slice(1, -1).map((c) => c.trim()) : null;
}
const or = (cells, pick) => (cells ? pick(cells) : 'not run');

const faces = row('cues-faces.md', 'all photos');
const fidelity = row('cues-nsfw.md', 'max abs difference of the 5 probabilities, same input tensor');
const benign = row('cues-nsfw.md', 'all |');
const people = row('cues-nsfw.md', 'people |');
const text = row('cues-text.md', 'all images');
const speed = row('cues-speed.md', 'faces + nudity');
const ocrReal = row('cues-speed.md', 'OCR + personal data, real pages');
const ocrDense = row('cues-speed.md', 'OCR + personal data |');
const ocrDenseThorough = row('cues-speed.md', 'OCR + personal data, thorough');
const wordsRead = (c) => c[1].match(/([\d.]+%) of words read right/)?.[1] ?? 'n/a';

const lines = [
  '# Sensitive-content cues: issue 6 in one table',
  '',
  'Collected by `make eval-cues` (tools/cues_summary.mjs) from cues-faces.md, cues-nsfw.md, cues-text.md and cues-speed.md, which hold the method and every measured row.',
  '',
  '| measure | result | target |',
  '|---|---|---|',
  `| faces, 24 people photos: recall (faces >= 24 px) / precision | ${or(faces, (c) => `${c[1]} / ${c[2]}`)} | >= 90% / >= 90% |`,
  `| nudity converter vs nsfwjs on tfjs, max difference | ${or(fidelity, (c) => c[1])} | <= 1e-4 |`,
  `| nudity, benign images flagged (any cue) | ${or(benign, (c) => c[4])} | <= 1% |`,
  `| nudity, people photos flagged | ${or(people, (c) => c[4])} | none |`,
  `| personal text (40 renders): recall / precision | ${or(text, (c) => `${c[4]} / ${c[6]}`)} | >= 95% / >= 95% |`,
  `| planted values readable after redaction | ${or(text, (c) => c[7])} | 0 |`,
  `| faces + nudity, 12 MP photo, Chromium (ms) | ${or(speed, (c) => c[2])} | <= 400 |`,
  `| OCR, real pages at 1920 x 1080, Chromium (ms) | ${or(ocrReal, (c) => c[2])} | <= 4000 |`,
  `| OCR, dense two-column article at 1920 x 1080, Chromium (ms) | ${or(ocrDense, (c) => c[2])} | <= 4000 |`,
  `| same article: words read right, quick / thorough (redaction; ${or(ocrDenseThorough, (c) => c[2].replace(/ \(1 run\)/, ''))} ms, 1 run) | ${or(ocrDense, wordsRead)} / ${or(ocrDenseThorough, wordsRead)} | — |`,
  '',
];
writeFileSync(outFile, lines.join('\n'));
console.log(lines.join('\n'));
