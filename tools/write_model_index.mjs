// make site: copies every registered model into SITE/models/<name>.onnx and
// writes SITE/models/index.json (the registry the worker reads). Files are
// checked against their pinned sha256 here too, so a bad build fails early.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readModelRegistry } from '../web/lib/model-registry.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const site = process.argv[2];
if (!site) throw new Error('usage: node tools/write_model_index.mjs SITE_DIR');
const out = path.join(site, 'models');
mkdirSync(out, { recursive: true });
const registry = readModelRegistry(repoRoot);
const index = {};
for (const [name, entry] of Object.entries(registry)) {
  const source = path.join(repoRoot, entry.source);
  if (!existsSync(source)) {
    console.error(`model ${name}: ${entry.source} is missing (run make deps / the model's build target); left out of the site`);
    continue;
  }
  const digest = createHash('sha256').update(readFileSync(source)).digest('hex');
  if (digest !== entry.sha256) throw new Error(`model ${name}: ${entry.source} has sha256 ${digest}, expected ${entry.sha256}`);
  copyFileSync(source, path.join(out, entry.url));
  // Companion files (the OCR dictionary) travel with their model, pinned the same way.
  if (entry.dictionary) {
    const file = path.join(repoRoot, entry.dictionary.source);
    const got = createHash('sha256').update(readFileSync(file)).digest('hex');
    if (got !== entry.dictionary.sha256) throw new Error(`model ${name}: ${entry.dictionary.source} has sha256 ${got}`);
    entry.dictionary = { ...entry.dictionary, url: `${name}.dictionary.txt` };
    copyFileSync(file, path.join(out, entry.dictionary.url));
    delete entry.dictionary.source;
  }
  const { source: _ignored, ...published } = entry;
  index[name] = published;
}
writeFileSync(path.join(out, 'index.json'), JSON.stringify(index, null, 2) + '\n');
console.log(`models: ${Object.keys(index).join(', ') || 'none'}`);
