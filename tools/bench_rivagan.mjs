#!/usr/bin/env node
// RivaGAN baseline for the image-mark benchmark (issue 4): embeds a seeded
// 32-bit payload in each Kodak image with the RivaGAN ONNX encoder, applies the
// same distortions as tests/bench/bench_mark.cpp, decodes with the RivaGAN
// decoder and writes a Markdown table. Runs on onnxruntime-web (WebAssembly,
// one thread) in Node; image codecs and resizing come from Filigrane's own
// WebAssembly core so both marks see identical JPEG and resize pipelines.
//
// Usage: node tools/bench_rivagan.mjs OUT.md [--limit N] [--reps N] [--budget-s S]
//   --limit N     only the first N Kodak images (default 24)
//   --reps N      repetitions of the 1920x1080 timing, median reported (default 5)
//   --budget-s S  stop starting new images / timing repetitions once the run
//                 would exceed S seconds (default 450; 0 = no budget). The
//                 table states how many images and repetitions were measured.
//
// Model conventions (../shared/notes/models-and-peers.md): frame BGR, float32
// x/127.5-1, layout [1,3,1,H,W], whole image at its own size (the models are
// fully convolutional, so no padding or cropping is needed); `data` [1,32] of
// 0/1. Encoder output is clipped to [-1,1] and mapped back with (y+1)*127.5
// truncated to 8 bits, as the reference library does. Decoder: 32 raw scores,
// bit = score > 0.52 (the library's threshold).
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { createFiligraneNode } from '../web/lib/node.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sharedDir = process.env.FILIGRANE_SHARED_DIR ?? path.resolve(repoRoot, '..', 'shared');
const kodakDir = path.join(sharedDir, 'data', 'kodak');
const modelDir = path.join(sharedDir, 'data', 'baselines', 'rivagan');

const PAYLOAD_BITS = 32;
const DECODE_THRESHOLD = 0.52;
const SEED = 0x5249_5641; // "RIVA"

function parseArgs(argv) {
  const opts = { out: null, limit: 24, reps: 5, budgetS: 450 };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a non-negative number`);
      return v;
    };
    if (a === '--limit') opts.limit = Math.floor(num());
    else if (a === '--reps') opts.reps = Math.max(1, Math.floor(num()));
    else if (a === '--budget-s') opts.budgetS = num();
    else if (!a.startsWith('--') && !opts.out) opts.out = a;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!opts.out) throw new Error('usage: node tools/bench_rivagan.mjs OUT.md [--limit N] [--reps N] [--budget-s S]');
  return opts;
}

// ---------- seeded randomness ----------

/** mulberry32: small reproducible uniform generator in [0,1). */
function makeRng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussianSource(rng) {
  let spare = null;
  return () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * rng();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

// ---------- pixel helpers (RGBA8, straight alpha) ----------

function psnr(a, b) {
  let se = 0;
  let n = 0;
  for (let i = 0; i < a.rgba.length; ++i) {
    if ((i & 3) === 3) continue;
    const d = a.rgba[i] - b.rgba[i];
    se += d * d;
    ++n;
  }
  const mse = se / n;
  return mse > 0 ? 10 * Math.log10((255 * 255) / mse) : 99;
}

function crop(img, x0, y0, w, h) {
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; ++y) {
    const src = ((y0 + y) * img.width + x0) * 4;
    rgba.set(img.rgba.subarray(src, src + w * 4), y * w * 4);
  }
  return { width: w, height: h, rgba };
}

function brightness(img, delta) {
  const rgba = Uint8Array.from(img.rgba);
  for (let i = 0; i < rgba.length; ++i) if ((i & 3) !== 3) rgba[i] = Math.min(255, Math.max(0, rgba[i] + delta));
  return { width: img.width, height: img.height, rgba };
}

function gaussianNoise(img, sigma, seed) {
  const normal = gaussianSource(makeRng(seed));
  const rgba = Uint8Array.from(img.rgba);
  for (let i = 0; i < rgba.length; ++i) {
    if ((i & 3) === 3) continue;
    rgba[i] = Math.min(255, Math.max(0, Math.round(rgba[i] + sigma * normal())));
  }
  return { width: img.width, height: img.height, rgba };
}

/** Rotation about the centre, bilinear, same canvas, edge pixels replicated (as bench_mark.cpp). */
function rotate(img, degrees) {
  const { width: w, height: h, rgba: src } = img;
  const a = (degrees * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const cx = w / 2;
  const cy = h / 2;
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; ++y) {
    for (let x = 0; x < w; ++x) {
      const dx = x - cx;
      const dy = y - cy;
      const sx = Math.min(Math.max(c * dx + s * dy + cx, 0), w - 1.001);
      const sy = Math.min(Math.max(-s * dx + c * dy + cy, 0), h - 1.001);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const p00 = (y0 * w + x0) * 4;
      const p10 = p00 + 4;
      const p01 = p00 + w * 4;
      const p11 = p01 + 4;
      const o = (y * w + x) * 4;
      for (let ch = 0; ch < 4; ++ch) {
        const v = (1 - fx) * (1 - fy) * src[p00 + ch] + fx * (1 - fy) * src[p10 + ch] +
          (1 - fx) * fy * src[p01 + ch] + fx * fy * src[p11 + ch];
        rgba[o + ch] = Math.min(255, Math.max(0, Math.round(v)));
      }
    }
  }
  return { width: w, height: h, rgba };
}

// ---------- RivaGAN ----------

/** RGBA8 -> float32 [1,3,1,H,W], planes B,G,R, values x/127.5-1. */
function toFrame(img) {
  const plane = img.width * img.height;
  const data = new Float32Array(3 * plane);
  const px = img.rgba;
  for (let i = 0; i < plane; ++i) {
    data[i] = px[i * 4 + 2] / 127.5 - 1; // B
    data[plane + i] = px[i * 4 + 1] / 127.5 - 1; // G
    data[2 * plane + i] = px[i * 4] / 127.5 - 1; // R
  }
  return new ort.Tensor('float32', data, [1, 3, 1, img.height, img.width]);
}

/** Encoder output [1,3,1,H,W] -> RGBA8: clip to [-1,1], (y+1)*127.5 truncated; alpha kept. */
function fromFrame(tensor, original) {
  const { width, height } = original;
  const plane = width * height;
  const y = tensor.data;
  const rgba = Uint8Array.from(original.rgba);
  const to8 = (v) => Math.floor((Math.min(1, Math.max(-1, v)) + 1) * 127.5);
  for (let i = 0; i < plane; ++i) {
    rgba[i * 4] = to8(y[2 * plane + i]);
    rgba[i * 4 + 1] = to8(y[plane + i]);
    rgba[i * 4 + 2] = to8(y[i]);
  }
  return { width, height, rgba };
}

async function embed(encoder, img, bits) {
  const data = new ort.Tensor('float32', Float32Array.from(bits), [1, PAYLOAD_BITS]);
  const out = await encoder.run({ frame: toFrame(img), data });
  return fromFrame(out.output, img);
}

async function decode(decoder, img) {
  const out = await decoder.run({ frame: toFrame(img) });
  return Array.from(out.output.data, (score) => (score > DECODE_THRESHOLD ? 1 : 0));
}

/** Wall and CPU milliseconds of an async call (CPU is the whole process's, this run is single-threaded). */
async function timed(fn) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { value, wall, cpu: (cpu.user + cpu.system) / 1000 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

// ---------- main ----------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(kodakDir) || !existsSync(modelDir)) {
    console.log(`bench_rivagan: skipped: ${existsSync(kodakDir) ? modelDir : kodakDir} is absent (needs ../shared/data)`);
    return;
  }
  const runStart = performance.now();
  const elapsedS = () => (performance.now() - runStart) / 1000;
  const budgetS = opts.budgetS > 0 ? opts.budgetS : Infinity;

  ort.env.wasm.numThreads = 1;
  const core = await createFiligraneNode();
  const encoder = await ort.InferenceSession.create(readFileSync(path.join(modelDir, 'rivagan_encoder.onnx')));
  const decoder = await ort.InferenceSession.create(readFileSync(path.join(modelDir, 'rivagan_decoder.onnx')));

  const viaCodec = (img, options) => core.decodeRgba(core.encode(img, options));
  const distortions = [
    ['none', (m) => m],
    ['JPEG 50 (4:2:0)', (m) => viaCodec(m, { format: 'jpeg', quality: 50 })],
    ['resize 0.5 (box), decoded at the new size', (m) =>
      core.decodeRgba(core.resize(core.encode(m), { width: m.width >> 1, height: m.height >> 1, filter: 'box' }))],
    ['resize 0.5 (box) then back up (bilinear)', (m) => {
      const half = core.resize(core.encode(m), { width: m.width >> 1, height: m.height >> 1, filter: 'box' });
      return core.decodeRgba(core.resize(half, { width: m.width, height: m.height, filter: 'bilinear' }));
    }],
    ['centre crop 50% (half width x half height)', (m) => crop(m, m.width >> 2, m.height >> 2, m.width >> 1, m.height >> 1)],
    ['brightness +20', (m) => brightness(m, 20)],
    ['Gaussian noise sigma 5', (m, seed) => gaussianNoise(m, 5, seed)],
    ['JPEG 75 (4:2:0)', (m) => viaCodec(m, { format: 'jpeg', quality: 75 })],
    ['stretch: rotation 2 degrees', (m) => rotate(m, 2)],
  ];

  const files = Array.from({ length: 24 }, (_, i) => `kodim${String(i + 1).padStart(2, '0')}.png`)
    .filter((f) => existsSync(path.join(kodakDir, f)))
    .slice(0, opts.limit);
  const stats = distortions.map(() => ({ exact: 0, bitAcc: [], decodeWall: [], decodeCpu: [] }));
  const psnrs = [];
  const embedWall = [];
  const embedCpu = [];
  let perImageS = 0; // wall seconds of the slowest image so far, to stay within budget
  let stoppedForBudget = false;
  let imagesDone = 0;
  let pixelsDone = 0;
  let cpuMsDone = 0;

  for (let idx = 0; idx < files.length; ++idx) {
    // Keep room for one 1080p embed+decode, extrapolated per pixel from the images so far.
    const reserve1080S = pixelsDone ? (cpuMsDone / pixelsDone) * 1920 * 1080 / 1000 * 1.3 : 0;
    if (imagesDone > 0 && elapsedS() + perImageS + reserve1080S > budgetS) {
      stoppedForBudget = true;
      break;
    }
    const t0 = performance.now();
    const file = files[idx];
    const original = core.decodeRgba(readFileSync(path.join(kodakDir, file)));
    const rng = makeRng(SEED + idx * 7919);
    const bits = Array.from({ length: PAYLOAD_BITS }, () => (rng() < 0.5 ? 0 : 1));
    const e = await timed(() => embed(encoder, original, bits));
    const marked = e.value;
    embedWall.push(e.wall);
    embedCpu.push(e.cpu);
    psnrs.push(psnr(original, marked));
    let imageCpu = e.cpu;
    const row = [];
    for (let d = 0; d < distortions.length; ++d) {
      const attacked = distortions[d][1](marked, SEED ^ (idx + 1));
      const r = await timed(() => decode(decoder, attacked));
      const agree = r.value.reduce((n, b, i) => n + (b === bits[i] ? 1 : 0), 0);
      const st = stats[d];
      if (agree === PAYLOAD_BITS) st.exact += 1;
      st.bitAcc.push(agree / PAYLOAD_BITS);
      st.decodeWall.push(r.wall);
      st.decodeCpu.push(r.cpu);
      imageCpu += r.cpu;
      row.push(`${agree}`);
    }
    imagesDone += 1;
    pixelsDone += (original.width * original.height) * (1 + 7 + 2 / 4); // embed + 7 full-size + 2 quarter-size decodes
    cpuMsDone += imageCpu;
    const took = (performance.now() - t0) / 1000;
    perImageS = Math.max(perImageS, took);
    console.error(`${file} ${original.width}x${original.height} PSNR ${psnrs.at(-1).toFixed(2)} dB, bits right per distortion [${row.join(' ')}] (${took.toFixed(1)} s, total ${elapsedS().toFixed(0)} s)`);
  }

  // ---------- 1920x1080 speed (kodim07 upscaled bicubic, as bench_mark.cpp) ----------
  const bigSource = path.join(kodakDir, 'kodim07.png');
  const big = core.decodeRgba(core.resize(readFileSync(existsSync(bigSource) ? bigSource : path.join(kodakDir, files[0])),
    { width: 1920, height: 1080, filter: 'bicubic' }));
  const bigBits = Array.from({ length: PAYLOAD_BITS }, (_, i) => i & 1);
  const bigEmbed = [];
  const bigDecode = [];
  let repS = 0;
  for (let rep = 0; rep < opts.reps; ++rep) {
    if (rep > 0 && elapsedS() + repS > budgetS) break;
    const t0 = performance.now();
    const e = await timed(() => embed(encoder, big, bigBits));
    const d = await timed(() => decode(decoder, e.value));
    bigEmbed.push(e);
    bigDecode.push(d);
    repS = (performance.now() - t0) / 1000;
    console.error(`1920x1080 rep ${rep + 1}: embed ${e.wall.toFixed(0)} ms, decode ${d.wall.toFixed(0)} ms`);
  }

  // ---------- table ----------
  const n = imagesDone;
  const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
  const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '—');
  const load = os.loadavg()[0];
  const lines = [
    '# RivaGAN baseline (ONNX, 32-bit payload) on the image-mark distortions',
    '',
    `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores (load average ${load.toFixed(1)} at the end), Node ${process.version}, onnxruntime-web ${ort.env.versions?.web ?? '?'} (WebAssembly SIMD, 1 thread); ${new Date().toISOString()}; run took ${elapsedS().toFixed(0)} s.`,
    '',
    `Images: ${n} of ${files.length === 24 ? 24 : `${files.length} requested (of 24)`} Kodak images` +
      (stoppedForBudget
        ? ` — **stopped early by the ${opts.budgetS} s time budget**: one image (embed + 9 decodes) took up to ${perImageS.toFixed(0)} s here, so all ${files.length} need about ${Math.ceil((perImageS * files.length) / 60)} min (rerun with --budget-s 0)`
        : '') +
      `, each at its own size (768x512 / 512x768; the models are fully convolutional, no padding or cropping). ` +
      'Frame BGR, x/127.5-1, layout [1,3,1,H,W]; encoder output clipped to [-1,1], (y+1)*127.5 truncated to 8 bits; ' +
      `bit = decoder score > ${DECODE_THRESHOLD}. Payload: seeded random 32 bits per image. Codecs and resizing: Filigrane's WebAssembly core (same as bench_mark).`,
    '',
    `PSNR after embedding: mean ${f1(mean(psnrs))} dB, min ${f1(Math.min(...psnrs))} dB. Embed: mean ${f0(mean(embedWall))} ms wall (${f0(mean(embedCpu))} ms CPU) per image.`,
    '',
    `| distortion | exact payload (of ${n}) | mean bit accuracy | mean decode ms (wall) | mean decode ms (CPU) |`,
    '|---|---|---|---|---|',
  ];
  distortions.forEach(([name], d) => {
    const st = stats[d];
    lines.push(`| ${name} | ${st.exact}/${n} | ${(100 * mean(st.bitAcc)).toFixed(1)}% | ${f0(mean(st.decodeWall))} | ${f0(mean(st.decodeCpu))} |`);
  });
  const med = (rs, key) => median(rs.map((r) => r[key]));
  lines.push(
    '',
    `Speed on 1920x1080 (kodim07 upscaled bicubic), median of ${bigEmbed.length}${bigEmbed.length < opts.reps ? ` (of ${opts.reps} asked; time budget)` : ''}:`,
    '',
    '| operation | ms (wall, median) | ms (CPU, median) |',
    '|---|---|---|',
    `| RivaGAN embed 1920x1080 | ${f0(med(bigEmbed, 'wall'))} | ${f0(med(bigEmbed, 'cpu'))} |`,
    `| RivaGAN decode 1920x1080 | ${f0(med(bigDecode, 'wall'))} | ${f0(med(bigDecode, 'cpu'))} |`,
    '',
  );
  const text = lines.join('\n');
  mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
  writeFileSync(opts.out, text);
  process.stdout.write(text);
}

main().catch((err) => {
  console.error(`bench_rivagan: ${err?.stack ?? err}`);
  process.exit(1);
});
