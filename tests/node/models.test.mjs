// Every model in models/ matches the sha256 in its CARD.md, and its golden
// input gives the golden output through ONNX Runtime Web (wasm) in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';

const models = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');
ort.env.wasm.numThreads = 1;

for (const name of readdirSync(models)) {
  const dir = path.join(models, name);
  const card = path.join(dir, 'CARD.md');
  if (!existsSync(card)) continue;
  test(`${name}: sha256 matches CARD.md and the golden pair holds`, async () => {
    // model.json names the file (committed here, installed from npm, or generated at build time).
    const manifest = path.join(dir, 'model.json');
    const source = existsSync(manifest)
      ? path.join(models, '..', JSON.parse(readFileSync(manifest, 'utf8')).source)
      : path.join(dir, readdirSync(dir).find((f) => f.endsWith('.onnx')) ?? 'missing.onnx');
    assert.ok(existsSync(source), `${source} exists (make deps / make build)`);
    const bytes = readFileSync(source);
    if (existsSync(manifest)) assert.equal(createHash('sha256').update(bytes).digest('hex'), JSON.parse(readFileSync(manifest, 'utf8')).sha256, 'model.json sha256');
    const digest = createHash('sha256').update(bytes).digest('hex');
    assert.ok(readFileSync(card, 'utf8').includes(digest), `CARD.md lists ${digest}`);
    const golden = JSON.parse(readFileSync(path.join(dir, 'golden_output.json'), 'utf8'));
    const raw = readFileSync(path.join(dir, golden.input));
    const input = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ [golden.input_name]: new ort.Tensor('float32', input, golden.input_shape) });
    const got = Array.from(out[golden.output_name].data);
    const want = golden[golden.output_name];
    assert.equal(got.length, want.length);
    for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= golden.tolerance, `${got[i]} vs ${want[i]}`);
  });
}
