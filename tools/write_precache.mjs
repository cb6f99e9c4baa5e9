#!/usr/bin/env node
// Writes DIR/precache.json for the service worker: every file of the built
// site (except the worker itself) and a version derived from their contents,
// so each build gets a fresh cache and stale ones are deleted.
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
// Large files a feature loads on first use (ONNX Runtime, the C2PA validator,
// the models) are not precached: the service worker caches them when first
// fetched, so the first visit stays small and they still work offline after.
const LAZY = /^(models\/|lib\/ort\/|lib\/c2pa\/)/;
const listed = files.filter((f) => f !== 'sw.js' && f !== 'precache.json' && !LAZY.test(f)).sort();
const lazy = files.filter((f) => LAZY.test(f)).sort();
const hash = createHash('sha256');
for (const f of [...listed, ...lazy]) hash.update(f).update(readFileSync(path.join(root, f)));
const version = hash.digest('hex').slice(0, 16);
writeFileSync(path.join(root, 'precache.json'), JSON.stringify({ version, files: ['./', ...listed], lazy }, null, 1) + '\n');
console.log(`precache.json: ${listed.length} files precached, ${lazy.length} cached on first use, version ${version}`);
