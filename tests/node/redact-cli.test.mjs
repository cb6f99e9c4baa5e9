// `filigrane redact`: --dry-run prints the proposed boxes as JSON and writes
// nothing; --boxes adds boxes (always a solid fill) and refuses malformed,
// out-of-image or absurd box files with a clear message; the output appears
// whole or not at all, a failure leaves the input untouched, and the process
// ends promptly once the output is written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, statSync, existsSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFiligraneNode } from '../../web/lib/node.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = (...args) => spawnSync(path.join(root, 'filigrane'), args, { cwd: root, encoding: 'utf8', timeout: 180_000 });
const contact = path.join(root, 'tests', 'corpus', 'text', 'contact.png');
const modelsBuilt = existsSync(path.join(root, 'node_modules', '@gutenye', 'ocr-models', 'assets', 'ch_PP-OCRv4_det_infer.onnx'));
let dir, core;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'filigrane-redact-'));
  core = await createFiligraneNode();
});
after(() => rmSync(dir, { recursive: true, force: true }));

const boxFile = (name, value) => {
  const file = path.join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};
const pixel = (image, x, y) => Array.from(image.rgba.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4));

test('--dry-run prints every proposed box with its kind and why, and writes nothing', { skip: !modelsBuilt && 'models not built' }, () => {
  const before = readdirSync(dir);
  const r = cli('redact', contact, '--dry-run', '--pii');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.width, 480);
  const kinds = out.boxes.map((b) => b.kind).sort();
  assert.deepEqual(kinds, ['card', 'email']);
  for (const b of out.boxes) {
    assert.ok(b.why && b.why.length > 5, JSON.stringify(b));
    assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= out.width && b.y + b.height <= out.height);
  }
  assert.deepEqual(readdirSync(dir), before);
});

test('--boxes covers the given boxes with a solid fill whatever --style says', () => {
  const boxes = boxFile('boxes.json', [{ x: 10, y: 10, width: 40, height: 20 }]);
  const output = path.join(dir, 'out.png');
  const r = cli('redact', contact, output, '--boxes', boxes, '--style', 'blur');
  assert.equal(r.status, 0, r.stderr);
  const image = core.decodeRgba(readFileSync(output));
  for (const [x, y] of [[10, 10], [30, 20], [49, 29]]) assert.deepEqual(pixel(image, x, y), [0, 0, 0, 255]);
  assert.notDeepEqual(pixel(image, 60, 40), [0, 0, 0, 255]);
});

test('the JSON --dry-run prints is accepted back by --boxes', () => {
  const printed = { file: 'x.png', width: 480, height: 134, style: 'fill', boxes: [{ id: 'email-1', kind: 'email', x: 5, y: 5, width: 20, height: 10, why: 'e-mail address', source: 'detected' }] };
  const output = path.join(dir, 'again.png');
  const r = cli('redact', contact, output, '--boxes', boxFile('printed.json', printed));
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(pixel(core.decodeRgba(readFileSync(output)), 10, 10), [0, 0, 0, 255]);
});

const bad = [
  ['not JSON', '{"boxes": [', /not valid JSON/],
  ['no list', '{"regions": 3}', /holds no list of boxes/],
  ['a box without width', [{ x: 1, y: 1, height: 5 }], /box 1 has no valid width/],
  ['an empty box', [{ x: 1, y: 1, width: 0, height: 5 }], /box 1 is empty/],
  ['a box outside the image', [{ x: 10, y: 10, width: 5, height: 5 }, { x: 470, y: 100, width: 50, height: 10 }], /box 2 .*reaches outside the 480 × 134 image/],
  ['100,000 boxes', Array.from({ length: 100_000 }, (_, i) => ({ x: i % 400, y: 1, width: 1, height: 1 })), /100000 boxes is too many: at most 4096/],
];
for (const [what, content, message] of bad) {
  test(`--boxes with ${what} exits 2 with a clear message and writes nothing`, () => {
    const output = path.join(dir, `bad-${what.replace(/\W+/g, '-')}.png`);
    const r = cli('redact', contact, output, '--boxes', boxFile(`${what.replace(/\W+/g, '-')}.json`, content));
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /^filigrane: .+\n$/);
    assert.equal(existsSync(output), false);
  });
}

test('a failed redaction leaves the input untouched and no partial file behind', () => {
  const input = path.join(dir, 'input.png');
  copyFileSync(contact, input);
  const original = readFileSync(input);
  // Output over the input with a bad box: refused before anything is written.
  const r = cli('redact', input, input, '--boxes', boxFile('outside.json', [{ x: 0, y: 0, width: 9999, height: 5 }]));
  assert.equal(r.status, 2);
  assert.deepEqual(readFileSync(input), original);
  // Output into a folder that does not exist: the write fails, nothing is left.
  const missing = cli('redact', input, path.join(dir, 'no-such-folder', 'out.png'), '--boxes', boxFile('ok.json', [[0, 0, 5, 5]]));
  assert.equal(missing.status, 1, missing.stderr);
  assert.match(missing.stderr, /could not be saved/);
  assert.deepEqual(readFileSync(input), original);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.partial')), []);
});

test('redact --pii writes its output and the process ends promptly (no ONNX Runtime thread keeps it alive)', { skip: !modelsBuilt && 'models not built' }, async () => {
  const output = path.join(dir, 'exit.png');
  const child = spawn(path.join(root, 'filigrane'), ['redact', contact, output, '--pii'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  const exited = Date.now();
  assert.equal(code, 0, stderr);
  // Generous margin for a loaded machine; bench/redaction.md measures the real gap.
  assert.ok(exited - statSync(output).mtimeMs < 5000, `exited ${exited - statSync(output).mtimeMs} ms after writing`);
});
