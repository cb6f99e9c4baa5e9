// Writes golden_input.bin / golden_output.json for tests/node/models.test.mjs:
// tests/corpus/photo.jpg letterboxed into the model's 256x256 input exactly as
// web/lib/faces.mjs feeds it, run through ONNX Runtime Web (1 thread).
// Usage: node models/blazeface-back-256/make_golden.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { createFiligraneNode } from '../../web/lib/node.mjs';
import { tileTensorData } from '../../web/lib/faces.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const model = JSON.parse(readFileSync(path.join(here, 'model.json'), 'utf8'));
ort.env.wasm.numThreads = 1;

const engine = await createFiligraneNode();
const { width, height, rgba } = engine.decodeRgba(readFileSync(path.join(root, 'tests/corpus/photo.jpg')));
const side = Math.max(width, height);
const input = tileTensorData(rgba, width, height, { x: (width - side) / 2, y: (height - side) / 2, side });
const session = await ort.InferenceSession.create(readFileSync(path.join(root, model.source)));
const out = await session.run({ 'input:0': new ort.Tensor('float32', input, [1, 256, 256, 3]) });
writeFileSync(path.join(here, 'golden_input.bin'), Buffer.from(input.buffer, input.byteOffset, input.byteLength));
const round = (v) => Math.round(v * 1e6) / 1e6;
writeFileSync(path.join(here, 'golden_output.json'), JSON.stringify({
  input: 'golden_input.bin',
  input_name: 'input:0',
  input_shape: [1, 256, 256, 3],
  input_dtype: 'float32 little-endian, NHWC, RGB, pixel/127.5 - 1',
  source: `tests/corpus/photo.jpg (${width}x${height}) letterboxed (centred, black) into 256x256 by web/lib/faces.mjs tileTensorData`,
  output_name: 'Identity:0',
  output_shape: [1, 512, 1],
  'Identity:0': Array.from(out['Identity:0'].data, round),
  'Identity_1:0': Array.from(out['Identity_1:0'].data, round),
  tolerance: 0.001,
  tolerance_note: 'logits; float32 kernels differ between ONNX Runtime builds by about 1e-5',
}, null, 1) + '\n');
console.log('golden written; max fine logit', Math.max(...out['Identity:0'].data));
