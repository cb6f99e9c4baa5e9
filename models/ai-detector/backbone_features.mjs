// Feature extraction for backbone_probe.py: runs the build's nsfwjs MobileNetV2
// (ImageNet-pretrained backbone) with extra outputs on normalised images and
// writes per-image features. Research tool only; nothing here ships.
//
// Usage: node models/ai-detector/backbone_features.mjs LIST.json PROBE.onnx OUT.json
//   LIST.json: [{ "path": ".../0000_0.rgb", "rows": 384 }]  (rows: only the top
//   `rows` rows are sampled, so ai-dev's caption panel is never seen; 0 = all)
// Each image: 6 windows of 224 x 224 at native normalised scale (2 across x 3
// down the allowed rows), fed as NHWC RGB pixel/255 like nsfwjs. Per extra
// output layer: log(mean + 1e-3) and log(std + 1e-3) of every channel, and the
// 1280-d pooled embedding; each averaged over the 6 windows.
import { readFileSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';

const WINDOW = 224;
ort.env.wasm.numThreads = 1;

function readRgb(path) {
  const raw = readFileSync(path);
  const width = raw.readUInt32LE(0);
  const height = raw.readUInt32LE(4);
  if (raw.length !== 8 + width * height * 3) throw new Error(`${path}: size does not match its ${width}x${height} header`);
  return { width, height, rgb: raw.subarray(8) };
}

function windows(img, rows) {
  const height = rows > 0 ? Math.min(rows, img.height) : img.height;
  if (img.width < WINDOW || height < WINDOW) throw new Error(`image ${img.width}x${height} is smaller than one window`);
  const out = new Float32Array(6 * WINDOW * WINDOW * 3);
  let k = 0;
  for (const fy of [0, 0.5, 1]) {
    for (const fx of [0, 1]) {
      const x0 = Math.round((img.width - WINDOW) * fx);
      const y0 = Math.round((height - WINDOW) * fy);
      for (let y = 0; y < WINDOW; y++) {
        for (let x = 0; x < WINDOW; x++) {
          const src = ((y0 + y) * img.width + x0 + x) * 3;
          for (let c = 0; c < 3; c++) out[k++] = img.rgb[src + c] / 255;
        }
      }
    }
  }
  return out;
}

// A 4-D output is a feature map in NCHW (the converter's graph runs NCHW after
// its first transpose); a 2-D one, Flatten's [n, 1280], is averaged by meanRows.
function channelStats(tensor) {
  const [n, c, h, w] = tensor.dims;
  const d = tensor.data;
  const sum = new Float64Array(c * 2);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      let s = 0;
      let s2 = 0;
      const base = (i * c + ch) * h * w;
      for (let p = 0; p < h * w; p++) { const v = d[base + p]; s += v; s2 += v * v; }
      const mean = s / (h * w);
      const std = Math.sqrt(Math.max(0, s2 / (h * w) - mean * mean));
      sum[ch * 2] += Math.log(Math.abs(mean) + 1e-3) / n;
      sum[ch * 2 + 1] += Math.log(std + 1e-3) / n;
    }
  }
  return Array.from(sum);
}

function meanRows(tensor) {
  const [n, f] = tensor.dims;
  const out = new Float64Array(f);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) out[j] += tensor.data[i * f + j] / n;
  return Array.from(out);
}

const [listPath, onnxPath, outPath] = process.argv.slice(2);
if (!outPath) { console.error('usage: backbone_features.mjs LIST.json PROBE.onnx OUT.json'); process.exit(2); }
const list = JSON.parse(readFileSync(listPath, 'utf8'));
const session = await ort.InferenceSession.create(readFileSync(onnxPath));
const layers = session.outputNames.filter((n) => n !== 'probabilities');
const rows = [];
for (const [i, item] of list.entries()) {
  const input = new ort.Tensor('float32', windows(readRgb(item.path), item.rows), [6, WINDOW, WINDOW, 3]);
  const out = await session.run({ input });
  const features = {};
  for (const name of layers) features[name] = out[name].dims.length === 4 ? channelStats(out[name]) : meanRows(out[name]);
  rows.push(features);
  if ((i + 1) % 100 === 0) console.error(`backbone_features: ${i + 1}/${list.length}`);
}
writeFileSync(outPath, JSON.stringify({ layers, rows }));
