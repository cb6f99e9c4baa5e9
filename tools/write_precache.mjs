#!/usr/bin/env node
// `make site`: writes the service worker's build manifest.
// - the shell: every file of the built site except the pack, precached at install;
// - the offline pack: the large files features load on first use (models,
//   ONNX Runtime, the C2PA validator, the QR and barcode reader), each with its size and sha256, so the
//   service worker can store them by content and check them before storing;
//   ONNX Runtime's two builds are tagged with the execution provider they serve
//   (a device downloads only the one it uses);
// - a version derived from every file's contents.
// The manifest is written into DIR/sw.js (replacing its `// @build-manifest`
// line, so a new build is a new service worker to the browser) and into
// DIR/precache.json for the page and the benchmarks.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(process.argv[2] ?? 'build/site');
const files = [];
(function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else files.push(path.relative(root, full).split(path.sep).join('/'));
  }
})(root);

const PACK = /^(models\/.+\.(onnx|txt)$|lib\/ort\/|lib\/c2pa\/|lib\/zxing\/)/;
const PROVIDER = [[/^lib\/ort\/(ort\.wasm\.min\.mjs|ort-wasm-simd-threaded\.(mjs|wasm))$/, 'wasm'],
  [/^lib\/ort\/(ort\.webgpu\.min\.mjs|ort-wasm-simd-threaded\.asyncify\.(mjs|wasm))$/, 'webgpu']];
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

const shell = files.filter((f) => f !== 'sw.js' && f !== 'precache.json' && !PACK.test(f)).sort();
const pack = files.filter((f) => PACK.test(f)).sort().map((f) => {
  const bytes = readFileSync(path.join(root, f));
  const provider = PROVIDER.find(([re]) => re.test(f))?.[1];
  return { path: f, bytes: bytes.length, sha256: sha256(bytes), ...(provider ? { provider } : {}) };
});
const hash = createHash('sha256');
for (const f of shell) hash.update(f).update(readFileSync(path.join(root, f)));
for (const e of pack) hash.update(e.path).update(e.sha256);
hash.update(readFileSync(path.join(root, 'sw.js'))); // a changed service worker is a new version too
const version = hash.digest('hex').slice(0, 16);

const manifest = { version, shell: ['./', ...shell, 'precache.json'], pack };
// precache.json keeps the `files`/`lazy` names the web benchmark reads.
writeFileSync(path.join(root, 'precache.json'),
  JSON.stringify({ ...manifest, files: manifest.shell, lazy: pack.map((e) => e.path) }, null, 1) + '\n');
const swPath = path.join(root, 'sw.js');
const sw = readFileSync(swPath, 'utf8');
const marker = /^const BUILD = .*\/\/ @build-manifest$/m;
if (!marker.test(sw)) throw new Error('sw.js has no "// @build-manifest" line');
writeFileSync(swPath, sw.replace(marker, `const BUILD = ${JSON.stringify(manifest)}; // @build-manifest`));

const mb = (n) => (n / 1e6).toFixed(1);
const packBytes = (p) => pack.filter((e) => !e.provider || e.provider === p).reduce((s, e) => s + e.bytes, 0);
console.log(`service worker: ${shell.length} shell files, version ${version}; offline pack ${mb(packBytes('wasm'))} MB on the CPU path, ${mb(packBytes('webgpu'))} MB on the GPU path`);
