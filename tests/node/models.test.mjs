// Every model in models/ matches the sha256 in its CARD.md (and model.json),
// and its golden input gives the golden output through ONNX Runtime Web
// (wasm) in Node. The .onnx file is model.json's `source` (repo-relative,
// e.g. node_modules/...) where there is one, else the .onnx in the folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const models = path.join(repoRoot, 'models');
ort.env.wasm.numThreads = 1;

function modelFile(dir) {
  const manifest = path.join(dir, 'model.json');
  if (existsSync(manifest)) {
    const entry = JSON.parse(readFileSync(manifest, 'utf8'));
    return { file: path.join(repoRoot, entry.source), entry };
  }
  const onnx = readdirSync(dir).find((f) => f.endsWith('.onnx'));
  assert.ok(onnx, 'an .onnx file or a model.json');
  return { file: path.join(dir, onnx), entry: null };
}

for (const name of readdirSync(models)) {
  const dir = path.join(models, name);
  const card = path.join(dir, 'CARD.md');
  if (!existsSync(card)) continue;
  test(`${name}: sha256 matches CARD.md and the golden pair holds`, async () => {
    const { file, entry } = modelFile(dir);
    assert.ok(existsSync(file), `${path.relative(repoRoot, file)} is missing (make deps / make models)`);
    const bytes = readFileSync(file);
    const digest = createHash('sha256').update(bytes).digest('hex');
    assert.ok(readFileSync(card, 'utf8').includes(digest), `CARD.md lists ${digest}`);
    if (entry) {
      assert.equal(entry.sha256, digest, 'model.json sha256');
      assert.equal(entry.bytes, bytes.length, 'model.json bytes');
    }
    const golden = JSON.parse(readFileSync(path.join(dir, 'golden_output.json'), 'utf8'));
    const raw = readFileSync(path.join(dir, golden.input));
    const input = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ [golden.input_name]: new ort.Tensor('float32', input, golden.input_shape) });
    const output = out[golden.output_name];
    if (String(golden.compare ?? '').startsWith('argmax_and_max')) {
      // Outputs too large to store (e.g. 6625 classes per step): arg-max and its value per row of the last axis.
      const classes = output.dims[output.dims.length - 1];
      const rows = output.data.length / classes;
      assert.equal(rows, golden.argmax.length);
      for (let r = 0; r < rows; r++) {
        let best = 0;
        for (let c = 1; c < classes; c++) if (output.data[r * classes + c] > output.data[r * classes + best]) best = c;
        assert.equal(best, golden.argmax[r], `row ${r} arg-max`);
        assert.ok(Math.abs(output.data[r * classes + best] - golden.max[r]) <= golden.tolerance, `row ${r} max`);
      }
      return;
    }
    const got = Array.from(output.data);
    const want = golden[golden.output_name];
    assert.equal(got.length, want.length);
    for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= golden.tolerance, `${got[i]} vs ${want[i]}`);
  });
}
