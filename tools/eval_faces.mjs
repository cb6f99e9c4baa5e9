// Face detection on the 24 shared people photos against tests/data/faces.json:
// recall on faces >= 24 px, precision, per-image counts, speed in Node, and a
// threshold sweep (model outputs are cached per tile, so the sweep re-runs
// only decoding and merging). Writes Markdown (default bench/cues-faces.md).
//
// Usage: node tools/eval_faces.mjs [--out FILE] [--threshold T] [--sweep 0.5,0.6,...] [--set option=value]
//        [--only 2.jpg,9.jpg] [--overlay DIR] [--json FILE]
// Engine: FILIGRANE_WASM_NODE or build/wasm/filigrane_node.js (needs the faces feature).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { createFiligraneNode } from '../web/lib/node.mjs';
import { DEFAULT_FACE_OPTIONS, boxIou, planFaceTiles, runFaceTiles, facesFromHeads } from '../web/lib/faces.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = process.env.FILIGRANE_SHARED_DIR ?? path.resolve(root, '..', 'shared');

function parseArgs(argv) {
  const args = { out: path.join(root, 'bench', 'cues-faces.md'), threshold: DEFAULT_FACE_OPTIONS.threshold,
    sweep: [0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9], only: null, overlay: null, json: null, options: {} };
  for (let i = 2; i < argv.length; i++) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === '--out') args.out = value, i++;
    else if (key === '--threshold') args.threshold = Number(value), i++;
    else if (key === '--sweep') args.sweep = value.split(',').map(Number), i++;
    else if (key === '--only') args.only = new Set(value.split(',')), i++;
    else if (key === '--overlay') args.overlay = value, i++;
    else if (key === '--json') args.json = value, i++;
    else if (key === '--set') { const [k, v] = value.split('='); args.options[k] = Number(v); i++; }
    else throw new Error(`unknown argument ${key}`);
  }
  if (!args.sweep.includes(args.threshold)) args.sweep.push(args.threshold);
  args.sweep.sort((a, b) => a - b);
  return args;
}

const asBox = ([x, y, width, height]) => ({ x, y, width, height });
const iou = (a, b) => boxIou(asBox(a), asBox(b));  // labels and detections are [x, y, w, h]
// Detector boxes are about 0.84x a labelled face: 20 px of box is a 24 px face.
const IGNORE_BELOW = 20;
const centreIn = (d, box) => {
  const cx = d[0] + d[2] / 2, cy = d[1] + d[3] / 2;
  return cx >= box[0] && cx <= box[0] + box[2] && cy >= box[1] && cy <= box[1] + box[3];
};

/**
 * Greedy matching, best detections first: a detection matches the unmatched
 * label with the highest IoU among those with IoU >= 0.3 or containing its
 * centre. Labels marked small (< 24 px) or hard are "don't care": matching one
 * is neither a hit nor a false detection.
 */
function matchFaces(detections, labels, ignore = []) {
  const taken = new Array(labels.length).fill(false);
  let hits = 0, falses = 0, careHits = 0, ignored = 0;
  const falseBoxes = [];
  for (const det of [...detections].sort((a, b) => b.score - a.score)) {
    const d = [det.x, det.y, det.width, det.height];
    let best = -1, bestScore = -1;
    labels.forEach((label, i) => {
      if (taken[i]) return;
      const o = iou(d, label.box);
      if (o < 0.3 && !centreIn(d, label.box)) return;
      if (o > bestScore) best = i, bestScore = o;
    });
    if (best < 0 && Math.sqrt(det.width * det.height) < IGNORE_BELOW && ignore.some((r) => centreIn(d, r))) {
      ignored++;
      continue;
    }
    if (best < 0) {
      falses++;
      falseBoxes.push(det);
      continue;
    }
    taken[best] = true;
    if (labels[best].small || labels[best].hard) careHits++;
    else hits++;
  }
  const wanted = labels.filter((l) => !l.small && !l.hard).length;
  const missed = labels.filter((l, i) => !taken[i] && !l.small && !l.hard);
  return { wanted, hits, falses, dontCare: careHits + ignored, missed, falseBoxes };
}

async function main() {
  const args = parseArgs(process.argv);
  const labels = JSON.parse(readFileSync(path.join(root, 'tests', 'data', 'faces.json'), 'utf8'));
  const model = JSON.parse(readFileSync(path.join(root, 'models', 'blazeface-back-256', 'model.json'), 'utf8'));
  const modelBytes = readFileSync(path.join(root, model.source));
  const digest = createHash('sha256').update(modelBytes).digest('hex');
  if (digest !== model.sha256) throw new Error(`model sha256 ${digest} differs from model.json`);
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(modelBytes);
  const engine = await createFiligraneNode();
  const { module } = engine;

  const results = [];
  for (const [file, entry] of Object.entries(labels.images)) {
    if (args.only && !args.only.has(file)) continue;
    const bytes = readFileSync(path.join(SHARED, 'data', 'people', file));
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const { width, height, rgba } = engine.decodeRgba(bytes);
    const plan = planFaceTiles(module, width, height, args.options);
    // The shipping path's inputs (one core resize per level, crops of it; tiles with no detail skipped).
    const { tileHeads } = await runFaceTiles({ module, session, ort, rgba, width, height, tiles: plan.tiles, options: args.options });
    const atThreshold = facesFromHeads(module, tileHeads, width, height, { ...args.options, threshold: args.threshold });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const sweep = {};
    for (const t of args.sweep) sweep[t] = matchFaces(facesFromHeads(module, tileHeads, width, height, { ...args.options, threshold: t }), entry.faces, entry.ignore);
    const m = matchFaces(atThreshold, entry.faces, entry.ignore);
    results.push({ file, width, height, tiles: plan.tiles.length, run: tileHeads.length, ms, cpuMs, detections: atThreshold, m, sweep, entry });
    console.log(`${file}: ${width}x${height}, ${plan.tiles.length} tiles (${tileHeads.length} run), ${ms.toFixed(0)} ms, ` +
      `${m.hits}/${m.wanted} faces >= 24 px, ${m.falses} false, ${m.dontCare} small/hard matched`);
    if (args.overlay) await writeOverlay(engine, args.overlay, file, bytes, atThreshold, entry.faces, m);
  }
  if (args.json) writeFileSync(args.json, JSON.stringify(results.map((r) => ({ file: r.file, detections: r.detections })), null, 1));
  writeFileSync(args.out, report(args, results, labels));
  console.log(`wrote ${path.relative(root, args.out)}`);
}

// Detections (green: hit or small/hard; red: false) and missed labels (blue) drawn on the photo.
async function writeOverlay(engine, dir, file, bytes, detections, labels, m) {
  mkdirSync(dir, { recursive: true });
  const { width, height, rgba } = engine.decodeRgba(bytes);
  const draw = (b, colour) => {
    const [x0, y0] = [Math.max(0, Math.round(b[0])), Math.max(0, Math.round(b[1]))];
    const [x1, y1] = [Math.min(width - 1, Math.round(b[0] + b[2])), Math.min(height - 1, Math.round(b[1] + b[3]))];
    const put = (x, y) => { const p = (y * width + x) * 4; rgba[p] = colour[0]; rgba[p + 1] = colour[1]; rgba[p + 2] = colour[2]; };
    for (let x = x0; x <= x1; x++) { put(x, y0); put(x, y1); }
    for (let y = y0; y <= y1; y++) { put(x0, y); put(x1, y); }
  };
  const falseSet = new Set(m.falseBoxes);
  for (const d of detections) draw([d.x, d.y, d.width, d.height], falseSet.has(d) ? [255, 0, 0] : [0, 255, 0]);
  for (const l of m.missed) draw(l.box, [0, 128, 255]);
  writeFileSync(path.join(dir, file.replace(/\.jpg$/, '.png')), engine.encode({ width, height, rgba }));
}

function pct(a, b) { return b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a'; }

function totals(results, pick = (r) => r.m) {
  const sum = (f) => results.reduce((s, r) => s + f(pick(r)), 0);
  return { wanted: sum((m) => m.wanted), hits: sum((m) => m.hits), falses: sum((m) => m.falses), dontCare: sum((m) => m.dontCare) };
}

function report(args, results, labels) {
  const groups = [
    ['hand-labelled (18 ordinary photos)', results.filter((r) => r.entry.labelling !== 'assisted')],
    ['detector-assisted labels (6 group/crowd photos)', results.filter((r) => r.entry.labelling === 'assisted')],
    ['all photos', results],
  ].filter(([, rs]) => rs.length > 0);
  const small = results.reduce((s, r) => s + r.entry.faces.filter((f) => f.small).length, 0);
  const hard = results.reduce((s, r) => s + r.entry.faces.filter((f) => f.hard && !f.small).length, 0);
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const cpuMs = results.map((r) => r.cpuMs).sort((a, b) => a - b);
  const all = totals(results);
  const lines = [];
  lines.push('# Face detection (BlazeFace back-256, tiled) on the shared people photos', '');
  lines.push(`Produced by \`make eval-faces\` (\`node tools/eval_faces.mjs\`) on ${os.cpus().length} CPU cores shared with other jobs, ` +
    `ONNX Runtime Web (wasm, 1 thread) in Node ${process.version}; tiling, decoding and merging in the core (WebAssembly).`, '');
  lines.push(`Labels: \`tests/data/faces.json\` (${results.length} photos from \`../shared/data/people\`: ` +
    `${all.wanted} faces >= 24 px, ${small} smaller faces and ${hard} hard ones (occluded, blurred) that count neither way). ` +
    'A detection matches an unmatched label with IoU >= 0.3 or its centre inside the label box; greedy, best score first. ' +
    'Precision = hits / (hits + false detections); detections matching small or hard labels, or small ones in a crowd\'s ignore region, are left out.', '');
  lines.push(`Options: ${JSON.stringify({ ...DEFAULT_FACE_OPTIONS, ...args.options, threshold: args.threshold })}.`, '');
  lines.push(`## Summary at threshold ${args.threshold}`, '');
  lines.push('| photos | recall, faces >= 24 px (target >= 90%) | precision (target >= 90%) | false detections | small/hard/ignored detections |', '|---|---|---|---|---|');
  for (const [name, rs] of groups) {
    const t = totals(rs);
    lines.push(`| ${name} | ${pct(t.hits, t.wanted)} (${t.hits}/${t.wanted}) | ${pct(t.hits, t.hits + t.falses)} | ${t.falses} | ${t.dontCare} |`);
  }
  lines.push('', `Time per photo (decode + tiling + ${results.reduce((s, r) => s + r.run, 0)} inferences in all, tiles with no detail skipped + merging): ` +
    `median ${ms[Math.floor(ms.length / 2)].toFixed(0)} ms, max ${ms[ms.length - 1].toFixed(0)} ms, ` +
    `mean ${(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(0)} ms wall clock on a machine shared with other jobs; ` +
    `CPU time of this process median ${cpuMs[Math.floor(cpuMs.length / 2)].toFixed(0)} ms, max ${cpuMs[cpuMs.length - 1].toFixed(0)} ms ` +
    `(ONNX Runtime Web on 1 thread: about what an idle core takes).`, '');
  lines.push('## Threshold sweep (same tiles and merging)', '');
  lines.push(`| threshold | ${groups.map(([name]) => `${name}: recall / precision / false`).join(' | ')} |`,
    `|---|${groups.map(() => '---').join('|')}|`);
  for (const t of args.sweep) {
    const cells = groups.map(([, rs]) => {
      const x = totals(rs, (r) => r.sweep[t]);
      return `${pct(x.hits, x.wanted)} / ${pct(x.hits, x.hits + x.falses)} / ${x.falses}`;
    });
    lines.push(`| ${t} | ${cells.join(' | ')} |`);
  }
  lines.push('', '## Per photo', '');
  lines.push('| photo | size | tiles | labels | faces >= 24 px | found | missed | false | small/hard labels (detections counted neither way) | wall ms | CPU ms | note |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const sh = r.entry.faces.filter((f) => f.small || f.hard).length;
    lines.push(`| ${r.file} | ${r.width}x${r.height} | ${r.tiles} | ${r.entry.labelling ?? 'hand'} | ${r.m.wanted} | ${r.m.hits} | ${r.m.missed.length} | ${r.m.falses} | ` +
      `${sh} (${r.m.dontCare}) | ${r.ms.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${r.entry.note ?? ''} |`);
  }
  lines.push('', `Label notes: ${labels.notes ?? ''}`, '');
  return lines.join('\n');
}

await main();
