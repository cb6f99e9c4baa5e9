#!/usr/bin/env node
// Fidelity and calibration of the nudity cue (issue 6).
// For each benign image in ../shared/data (kodak, screens, people, ai-dev/real):
//   - nsfwjs 4.4.0 on @tensorflow/tfjs (pure-JS CPU backend) classifies it as
//     nsfwjs does (int32 RGB tensor -> /255 -> resizeBilinear alignCorners);
//   - the converted ONNX model (onnxruntime-web, 1 thread) runs on the very
//     tensor tfjs resized (conversion fidelity) and on web/lib/nsfw.mjs's own
//     preprocessing (end-to-end fidelity);
// then reports the benign flag rates of the thresholds in web/lib/nsfw.mjs.
//
// Usage: node tools/eval_nsfw.mjs [OUT.md] [--model build/models/nsfw-mobilenet-v2.onnx]
//          [--limit N (per set)] [--json build/eval-nsfw.json]
//        --rows FILE re-renders the report from a --json file written earlier
//        (verdicts recomputed with the current thresholds; no inference).
//        --golden IMAGE writes models/nsfw-mobilenet-v2/golden_input.bin (the
//        model input for IMAGE) and golden_output.json (nsfwjs's probabilities).
import { readFileSync, writeFileSync, readdirSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { createFiligraneNode } from '../web/lib/node.mjs';
import {
  nsfwInput, nudityVerdict, NSFW_CLASSES, NSFW_INPUT_NAME, NSFW_OUTPUT_NAME, NSFW_INPUT_SIZE,
  NUDITY_THRESHOLD, SUGGESTIVE_THRESHOLD,
} from '../web/lib/nsfw.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sharedData = path.join(process.env.FILIGRANE_SHARED_DIR ?? path.resolve(repoRoot, '..', 'shared'), 'data');
export const BENIGN_SETS = ['kodak', 'screens', 'people', 'ai-dev/real'];
const FIDELITY_LIMIT = 1e-4;
const MAX_BENIGN_FLAG_RATE = 0.01;

function parseArgs(argv) {
  const o = { out: null, model: path.join(repoRoot, 'build', 'models', 'nsfw-mobilenet-v2.onnx'), limit: Infinity, json: null, rows: null, golden: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--model') o.model = argv[++i];
    else if (a === '--limit') o.limit = Number(argv[++i]);
    else if (a === '--json') o.json = argv[++i];
    else if (a === '--rows') o.rows = argv[++i];
    else if (a === '--golden') o.golden = argv[++i];
    else if (!a.startsWith('--') && !o.out) o.out = a;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

/** Benign image files by set, sorted by name. */
export function benignImages(limit = Infinity) {
  const out = [];
  for (const set of BENIGN_SETS) {
    const dir = path.join(sharedData, set);
    if (!existsSync(dir)) continue;
    const files = readdirSync(dir).filter((f) => /\.(png|jpe?g|webp)$/i.test(f)).sort().slice(0, limit);
    for (const f of files) out.push({ set, name: f, file: path.join(dir, f) });
  }
  return out;
}

/** nsfwjs's own pipeline for an RGBA image (alpha dropped as tf.browser.fromPixels does). */
export function tfjsReference(tf, nsfw, { rgba, width, height }) {
  const rgb = new Int32Array(width * height * 3);
  for (let p = 0; p < width * height; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = rgba[p * 4 + c];
  const img = tf.tensor3d(rgb, [height, width, 3], 'int32');
  try {
    // The tensor nsfwjs.infer builds (core.js: toFloat, div(255), resizeBilinear(alignCorners = true)).
    const resized = tf.tidy(() => {
      const normalized = img.toFloat().div(tf.scalar(255));
      return (height !== NSFW_INPUT_SIZE || width !== NSFW_INPUT_SIZE)
        ? tf.image.resizeBilinear(normalized, [NSFW_INPUT_SIZE, NSFW_INPUT_SIZE], true) : normalized;
    });
    const input = resized.dataSync().slice();
    resized.dispose();
    const logits = nsfw.infer(img);
    const probs = Array.from(logits.dataSync());
    logits.dispose();
    return { input, probs };
  } finally {
    img.dispose();
  }
}

export async function onnxProbs(session, input) {
  const out = await session.run({ [NSFW_INPUT_NAME]: new ort.Tensor('float32', input, [1, NSFW_INPUT_SIZE, NSFW_INPUT_SIZE, 3]) });
  return Array.from(out[NSFW_OUTPUT_NAME].data);
}

/** The golden pair of models/nsfw-mobilenet-v2 (format of tests/node/models.test.mjs). */
async function writeGolden(opts) {
  const dir = path.join(repoRoot, 'models', 'nsfw-mobilenet-v2');
  const core = await createFiligraneNode();
  const image = core.decodeRgba(readFileSync(opts.golden));
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const nsfw = await (await import('nsfwjs')).load('MobileNetV2');
  const ref = tfjsReference(tf, nsfw, image);
  const input = nsfwInput(image.rgba, image.width, image.height);
  if (maxAbsDiff(ref.input, input) !== 0) throw new Error('web/lib/nsfw.mjs preprocessing differs from nsfwjs');
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(readFileSync(opts.model));
  const onnx = await onnxProbs(session, input);
  writeFileSync(path.join(dir, 'golden_input.bin'), new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
  const golden = {
    input: 'golden_input.bin',
    input_name: NSFW_INPUT_NAME,
    input_shape: [1, NSFW_INPUT_SIZE, NSFW_INPUT_SIZE, 3],
    input_dtype: 'float32 little-endian, NHWC, RGB, pixel/255, resizeBilinear 224x224 alignCorners=true',
    source: `${path.relative(path.resolve(repoRoot, '..'), path.resolve(opts.golden))}, preprocessed by web/lib/nsfw.mjs nsfwInput (bit-identical to nsfwjs)`,
    output_name: NSFW_OUTPUT_NAME,
    output_shape: [1, NSFW_CLASSES.length],
    classes: NSFW_CLASSES,
    [NSFW_OUTPUT_NAME]: ref.probs,
    reference: 'nsfwjs 4.4.0 MobileNetV2 on @tensorflow/tfjs 4.22.0 (cpu backend)',
    onnxruntime_web: onnx,
    tolerance: FIDELITY_LIMIT,
  };
  writeFileSync(path.join(dir, 'golden_output.json'), `${JSON.stringify(golden, null, 2)}\n`);
  console.log(JSON.stringify({ tfjs: ref.probs, onnx, maxDiff: maxAbsDiff(ref.probs, onnx) }));
}

const maxAbsDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const fmt = (x, d = 4) => x.toFixed(d);
const pct = (n, d) => `${n}/${d} (${((100 * n) / Math.max(1, d)).toFixed(1)}%)`;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.rows) {
    const saved = JSON.parse(readFileSync(opts.rows, 'utf8'));
    for (const r of saved.rows) Object.assign(r, nudityVerdict(Object.fromEntries(NSFW_CLASSES.map((c, i) => [c, r.onnxOwn[i]]))));
    return report(opts, saved.rows, saved.timing);
  }
  if (opts.golden) return writeGolden(opts);
  if (!existsSync(opts.model)) throw new Error(`${opts.model} missing: run "make models-nsfw"`);
  const images = benignImages(opts.limit);
  if (!images.length) throw new Error(`no images under ${sharedData}`);

  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(readFileSync(opts.model));
  const core = await createFiligraneNode();
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const nsfwjs = await import('nsfwjs');
  let t0 = performance.now();
  const nsfw = await nsfwjs.load('MobileNetV2');
  const tfLoadS = (performance.now() - t0) / 1000;

  const rows = [];
  let tfMs = 0; let ortMs = 0;
  for (const [k, img] of images.entries()) {
    const { width, height, rgba } = core.decodeRgba(readFileSync(img.file));
    let transparent = false;
    for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) { transparent = true; break; }
    t0 = performance.now();
    const ref = tfjsReference(tf, nsfw, { rgba, width, height });
    tfMs += performance.now() - t0;
    t0 = performance.now();
    const same = await onnxProbs(session, ref.input);
    ortMs += performance.now() - t0;
    const ours = nsfwInput(rgba, width, height);
    const own = await onnxProbs(session, ours);
    const classes = Object.fromEntries(NSFW_CLASSES.map((c, i) => [c, own[i]]));
    const top = (p) => NSFW_CLASSES[p.indexOf(Math.max(...p))];
    rows.push({
      ...img, width, height, transparent,
      tfjs: ref.probs, onnx: same, onnxOwn: own,
      diffSameInput: maxAbsDiff(ref.probs, same),
      diffOwnPre: maxAbsDiff(ref.probs, own),
      inputDiff: maxAbsDiff(ref.input, ours),
      tfjsTop: top(ref.probs), onnxTop: top(own),
      ...nudityVerdict(classes),
    });
    if ((k + 1) % 10 === 0) console.error(`${k + 1}/${images.length}`);
  }
  const timing = { tfS: tfMs / rows.length / 1000, ortMs: ortMs / rows.length, tfLoadS, loadAverage: os.loadavg()[2].toFixed(1) };
  if (opts.json) { mkdirSync(path.dirname(path.resolve(opts.json)), { recursive: true }); writeFileSync(opts.json, JSON.stringify({ timing, rows }, null, 1)); }
  report(opts, rows, timing);
}

function report(opts, rows, { tfS, ortMs, tfLoadS, loadAverage }) {

  const n = rows.length;
  const worst = rows.reduce((a, b) => (b.diffSameInput > a.diffSameInput ? b : a));
  const opaque = rows.filter((r) => !r.transparent);
  const worstOwn = opaque.length ? Math.max(...opaque.map((r) => r.diffOwnPre)) : NaN;
  const worstInput = opaque.length ? Math.max(...opaque.map((r) => r.inputDiff)) : NaN;
  const flagged = (r) => r.verdict !== 'none';
  const people = rows.filter((r) => r.set === 'people');
  const scores = rows.map((r) => r.score).sort((a, b) => b - a);
  const lines = [];
  lines.push('# Nudity cue: nsfwjs MobileNetV2 converted to ONNX (issue 6)', '');
  lines.push('`make eval-nsfw` (tools/eval_nsfw.mjs). Model: build/models/nsfw-mobilenet-v2.onnx, made by',
    'tools/tfjs_to_onnx.mjs from npm nsfwjs 4.4.0. Reference: nsfwjs 4.4.0 on @tensorflow/tfjs 4.22.0,',
    'pure-JS CPU backend; ONNX: onnxruntime-web 1.30.0, wasm, 1 thread, Node.', '');
  lines.push('## Fidelity', '');
  lines.push('| measure | value |', '|---|---|');
  lines.push(`| images | ${n} (${BENIGN_SETS.map((s) => `${s} ${rows.filter((r) => r.set === s).length}`).join(', ')}) |`);
  lines.push(`| max abs difference of the 5 probabilities, same input tensor (tfjs-resized) | ${worst.diffSameInput.toExponential(2)} (${worst.set}/${worst.name}) |`);
  lines.push(`| mean of the per-image max abs difference | ${(rows.reduce((a, r) => a + r.diffSameInput, 0) / n).toExponential(2)} |`);
  lines.push(`| images within ${FIDELITY_LIMIT} | ${pct(rows.filter((r) => r.diffSameInput <= FIDELITY_LIMIT).length, n)} |`);
  lines.push(`| max abs difference, web/lib/nsfw.mjs preprocessing vs nsfwjs (opaque images: ${opaque.length}) | ${worstOwn.toExponential(2)} |`);
  lines.push(`| max abs difference of the input tensors (opaque images) | ${worstInput} |`);
  lines.push(`| images with transparency (nsfwjs drops alpha, Filigrane flattens over white) | ${n - opaque.length} |`);
  lines.push(`| same top class (nsfwjs vs Filigrane) | ${pct(rows.filter((r) => r.tfjsTop === r.onnxTop).length, n)} |`);
  lines.push(`| time per image: tfjs CPU backend (resize + model) / ONNX Runtime Web | ${tfS.toFixed(2)} s / ${ortMs.toFixed(0)} ms |`);
  lines.push(`| nsfwjs load (tfjs) | ${tfLoadS.toFixed(1)} s |`);
  lines.push(`| machine load average (15 min) at the end of the run | ${loadAverage ?? 'not recorded'} (${os.cpus().length} cores; times scale with it) |`, '');

  lines.push('## Benign flag rates (score = Porn + Hentai)', '');
  lines.push(`Thresholds (web/lib/nsfw.mjs): nudity >= ${NUDITY_THRESHOLD}, suggestive >= ${SUGGESTIVE_THRESHOLD}; 'Sexy' never cues alone.`, '');
  lines.push('| set | images | nudity | suggestive | any cue | max score | nsfwjs top class Sexy | nsfwjs top class Porn/Hentai | nsfwjs top Drawing |', '|---|---|---|---|---|---|---|---|---|');
  for (const set of [...BENIGN_SETS, 'all']) {
    const rs = set === 'all' ? rows : rows.filter((r) => r.set === set);
    if (!rs.length) continue;
    lines.push(`| ${set} | ${rs.length} | ${rs.filter((r) => r.verdict === 'nudity').length} | ${rs.filter((r) => r.verdict === 'suggestive').length} | ${pct(rs.filter(flagged).length, rs.length)} | ${fmt(Math.max(...rs.map((r) => r.score)))} | ${rs.filter((r) => r.tfjsTop === 'Sexy').length} | ${rs.filter((r) => r.tfjsTop === 'Porn' || r.tfjsTop === 'Hentai').length} | ${rs.filter((r) => r.tfjsTop === 'Drawing').length} |`);
  }
  const sexyHalf = rows.filter((r) => r.onnxOwn[4] > 0.5);
  lines.push('', `Sexy > 0.5 alone would flag ${pct(sexyHalf.length, n)} (${sexyHalf.filter((r) => r.set === 'people').length} of them people photos): ${sexyHalf.map((r) => `${r.set}/${r.name} (Sexy ${fmt(r.onnxOwn[4], 2)})`).join(', ') || 'none'}.`);
  lines.push('', `Highest Porn + Hentai scores: ${rows.slice().sort((a, b) => b.score - a.score).slice(0, 6).map((r) => `${r.set}/${r.name} ${fmt(r.score)}`).join(', ')}.`);
  const flagCap = Math.floor(MAX_BENIGN_FLAG_RATE * n);
  // Lowest threshold that keeps at most 1% of benign images and no people photo flagged.
  const lowest = Math.max(scores[flagCap] ?? 0, Math.max(0, ...people.map((r) => r.score))) + 1e-6;
  lines.push('', `Constraint check: at most ${flagCap} of ${n} benign images and no people photo may raise any cue.`,
    `Lowest Porn + Hentai threshold meeting it on this data: ${fmt(lowest)}. Chosen suggestive threshold ${SUGGESTIVE_THRESHOLD}: `
    + `${rows.filter(flagged).length} flagged, ${people.filter(flagged).length} people photos flagged: `
    + `${rows.filter(flagged).length <= flagCap && !people.some(flagged) ? 'PASS' : 'FAIL'}`
    + ` (${rows.filter(flagged).map((r) => `${r.set}/${r.name} ${r.verdict} ${fmt(r.score)}`).join(', ') || 'none flagged'}).`);
  lines.push('', '| Porn + Hentai threshold | benign images at or above | people photos at or above |', '|---|---|---|');
  for (const t of [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]) {
    lines.push(`| ${t} | ${pct(rows.filter((r) => r.score >= t).length, n)} | ${people.filter((r) => r.score >= t).length} |`);
  }
  lines.push('', 'No nudity images were used (none are in the shared data, and none were fetched): the thresholds are',
    'bounded by benign false alarms only; their recall on real nudity is unmeasured here.', '');
  lines.push('## Per-image readings (nsfwjs top class; ONNX Porn+Hentai, Sexy)', '');
  lines.push('<details><summary>all images</summary>', '', '| image | size | nsfwjs top | P+H | Sexy | Drawing | verdict | diff |', '|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    lines.push(`| ${r.set}/${r.name} | ${r.width}x${r.height} | ${r.tfjsTop} ${fmt(Math.max(...r.tfjs), 3)} | ${fmt(r.score)} | ${fmt(r.onnxOwn[4])} | ${fmt(r.onnxOwn[0])} | ${r.verdict} | ${r.diffSameInput.toExponential(1)} |`);
  }
  lines.push('', '</details>', '');
  const text = lines.join('\n');
  if (opts.out) { mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true }); writeFileSync(opts.out, text); }
  console.log(text.split('## Per-image')[0]);
  if (worst.diffSameInput > FIDELITY_LIMIT) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => { console.error(e.stack ?? e.message); process.exit(1); });
}
