// Provenance through the JS library and CLI on the shared fixtures (the full
// truth.jsonl check runs in the doctest suite, natively and as WebAssembly).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createFiligraneNode } from '../../web/lib/node.mjs';
import { sharedData, readJsonl, SKIP_NO_SHARED } from './shared-data.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = sharedData('provenance');
let core;
before(async () => { core = await createFiligraneNode(); });

test('C2PA presence and claim generators match truth.jsonl', { skip: fixtures ? false : SKIP_NO_SHARED }, () => {
  const rows = readJsonl(path.join(fixtures, 'truth.jsonl'));
  let checked = 0;
  for (const r of rows) {
    const e = r.expected ?? {};
    const report = core.provenance(readFileSync(path.join(fixtures, r.file)));
    if (typeof e.c2pa_present === 'boolean') {
      assert.equal(report.c2pa.present, e.c2pa_present, `${r.file}: c2pa present`);
      checked++;
    }
    if (typeof e.claim_generator === 'string') {
      assert.equal(report.c2pa.active?.claim_generator, e.claim_generator, `${r.file}: claim generator`);
      checked++;
    }
  }
  assert.ok(checked >= 40, `only ${checked} expectations checked`);
});

test('the provenance CLI prints JSON; bad input exits 2', { skip: fixtures ? false : SKIP_NO_SHARED }, () => {
  const file = path.join(fixtures, 'c2pa', readdirSync(path.join(fixtures, 'c2pa')).find((f) => f.endsWith('.jpg')));
  const r = spawnSync(path.join(root, 'filigrane'), ['provenance', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).c2pa.present, true);
  const bad = spawnSync(path.join(root, 'filigrane'), ['provenance', path.join(root, 'tests/corpus/malformed/text.png')], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
});

test('malformed provenance corpus: every file a report or a clean error', () => {
  const dir = path.join(root, 'tests', 'corpus', 'malformed', 'provenance');
  const files = readdirSync(dir);
  assert.ok(files.length >= 60);
  for (const f of files) {
    try {
      const report = core.provenance(readFileSync(path.join(dir, f)));
      assert.equal(typeof report.partial, 'boolean', f);
    } catch (err) {
      assert.equal(err.name, 'FiligraneError', `${f}: ${err}`);
    }
  }
});
