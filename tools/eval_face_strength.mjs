#!/usr/bin/env node
// How strongly must a face be blurred or pixelated? Every labelled face
// (>= 24 px, tests/data/faces.json) of the shared people photos is redacted
// as the library proposes it (box grown 10% a side), at the core's default
// strength (made for text: sigma and cell = a quarter of the box's shorter
// side) and at the face strength (web/lib/redact-boxes.mjs FACE_STRENGTH);
// then BlazeFace scans the redacted photo thoroughly (full resolution, tiles
// down to 24 px, threshold 0.5, below the one redaction uses) and we count
// detections whose centre falls in a redacted face, and the Pearson
// correlation of each redacted region's grey values with the original's.
//
//   node tools/eval_face_strength.mjs [OUT.md]   (prints the Markdown section; make eval-redaction includes it)
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFiligraneNode } from '../web/lib/node.mjs';
import { modelSession, ortRuntime } from '../web/lib/models.mjs';
import { scanFaces, FACE_MODEL, boxIou } from '../web/lib/faces.mjs';
import { faceStrength, FACE_STRENGTH } from '../web/lib/redact-boxes.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = process.env.FILIGRANE_SHARED_DIR ?? path.resolve(root, '..', 'shared');

function grey(rgba, width, b) {
  const out = [];
  for (let y = b.y; y < b.y + b.height; y++) {
    for (let x = b.x; x < b.x + b.width; x++) {
      const p = (y * width + x) * 4;
      out.push(0.299 * rgba[p] + 0.587 * rgba[p + 1] + 0.114 * rgba[p + 2]);
    }
  }
  return out;
}
function pearson(a, b) {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n, mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { const da = a[i] - ma, db = b[i] - mb; sab += da * db; saa += da * da; sbb += db * db; }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

export async function faceStrengthSection() {
  const labels = JSON.parse(readFileSync(path.join(root, 'tests', 'data', 'faces.json'), 'utf8')).images;
  const dir = path.join(SHARED, 'data', 'people');
  if (!existsSync(dir)) return '## Face redaction strength\n\nSkipped: ../shared/data/people is absent.\n';
  const core = await createFiligraneNode();
  const [session, ort] = await Promise.all([modelSession(FACE_MODEL), ortRuntime()]);
  const configs = [
    { name: 'blur, core default (sigma = s/4, text strength)', style: 'blur', strength: () => ({}) },
    { name: 'blur, sigma = s/2', style: 'blur', strength: (s) => ({ sigma: Math.min(128, Math.max(12, s / 2)) }) },
    { name: `blur, face strength (sigma = ${FACE_STRENGTH.blurSigma} s)`, style: 'blur', strength: (s) => faceStrength('blur', s) },
    { name: 'pixelate, core default (cells = s/4)', style: 'pixelate', strength: () => ({}) },
    { name: 'pixelate, 3 cells across', style: 'pixelate', strength: (s) => ({ cell: Math.min(1024, Math.max(20, Math.ceil(s / 3))) }) },
    { name: `pixelate, face strength (${FACE_STRENGTH.pixelCells} cells across)`, style: 'pixelate', strength: (s) => faceStrength('pixelate', s) },
    { name: 'fill', style: 'fill', strength: () => ({}) },
  ];
  const totals = configs.map(() => ({ faces: 0, found: 0, corr: [] }));
  let photos = 0, originalFound = 0, originalFaces = 0;
  for (const [name, entry] of Object.entries(labels)) {
    const file = path.join(dir, name);
    if (!existsSync(file)) continue;
    photos++;
    const image = core.decodeRgba(readFileSync(file));
    const faces = entry.faces.filter((f) => !f.small && !f.hard && Math.sqrt(f.box[2] * f.box[3]) >= 24).map(({ box: [x, y, w, h] }) => {
      const m = 0.1 * Math.max(w, h);
      const x0 = Math.max(0, Math.floor(x - m)), y0 = Math.max(0, Math.floor(y - m));
      return { x: x0, y: y0, width: Math.min(image.width, Math.ceil(x + w + m)) - x0, height: Math.min(image.height, Math.ceil(y + h + m)) - y0 };
    });
    // A detection "is" a redacted face when it overlaps that face's box with IoU >= 0.3
    // (a crowd's neighbouring faces have their centres inside a grown box too).
    const inside = (d, b) => boxIou(d, b) >= 0.3;
    const scan = async (img) => (await scanFaces({ module: core.module, session, ort, ...img, options: { threshold: 0.5 } })).faces;
    const before = await scan(image);
    originalFaces += faces.length;
    originalFound += faces.filter((b) => before.some((d) => inside(d, b))).length;
    for (const [i, c] of configs.entries()) {
      let out = image;
      for (const b of faces) out = core.redactRgba(out, { regions: [b], style: c.style, ...c.strength(Math.min(b.width, b.height)) });
      const after = await scan(out);
      totals[i].faces += faces.length;
      totals[i].found += faces.filter((b) => after.some((d) => inside(d, b))).length;
      if (c.style !== 'fill') for (const b of faces) totals[i].corr.push(Math.abs(pearson(grey(image.rgba, image.width, b), grey(out.rgba, out.width, b))));
    }
    process.stderr.write(`${name}: ${faces.length} faces\n`);
  }
  const median = (v) => { const s = [...v].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
  const rows = configs.map((c, i) => {
    const t = totals[i];
    const corr = t.corr.length ? `${median(t.corr).toFixed(2)} / ${Math.max(...t.corr).toFixed(2)}` : '– (no pixels of the face remain)';
    return `| ${c.name} | ${t.faces} | ${t.found} (${((100 * t.found) / Math.max(1, t.faces)).toFixed(1)}%) | ${corr} |`;
  });
  return [
    '## Face redaction strength',
    '',
    `${photos} shared people photos, ${originalFaces} labelled faces of 24 px or more, each box grown 10% a side as redaction proposes it (s = the box's shorter side). ` +
      `BlazeFace back-256, thorough tiling, threshold 0.5 (redaction uses ${0.65}), finds ${originalFound} of them before redaction. ` +
      'A face counts as found after redaction when a detection overlaps its redacted box with IoU ≥ 0.3. Correlation: |Pearson r| of the grey values of the redacted box with the original box (median / largest).',
    '',
    '| style and strength | faces | still found by BlazeFace | correlation with the original |',
    '|---|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const md = await faceStrengthSection();
  if (process.argv[2]) writeFileSync(process.argv[2], md); else process.stdout.write(md);
  process.exit(0);
}
