// The AI verdict: fusion rules (unit), C2PA validation and provenance against
// truth.jsonl, and `filigrane ai` / `filigrane provenance` on shared fixtures.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createFiligraneNode } from '../../web/lib/node.mjs';
import { fuseVerdict, detectorWeight, WEIGHTS } from '../../web/lib/verdict.mjs';
import { validationFromReaderJson } from '../../web/lib/c2pa-validate.mjs';
import { sharedData, readJsonl, SKIP_NO_SHARED } from './shared-data.mjs';
import { checkAgainstTruth } from './provenance-truth.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = sharedData('provenance');
const TRAINED = 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia';
const calibration = { likely_ai_min_probability: 0.9, likely_real_max_probability: 0.3 };
let core;
before(async () => { core = await createFiligraneNode(); });

function c2paReport(state, type = TRAINED) {
  return { c2pa: { present: true, digital_source_type: type, active: { claim_generator: 'Gen', digital_source_types: [type] }, validation: { state } } };
}

test('a pixel score alone never gives "ai", however sure the detector is', () => {
  for (const p of [0.9, 0.99, 0.999999]) {
    const v = fuseVerdict({ detector: { probability: p, auc: 1 }, calibration });
    assert.notEqual(v.verdict, 'ai');
    assert.equal(v.verdict, 'likely-ai');
    assert.ok(Math.abs(v.reasons[0].weight) <= WEIGHTS.detectorCap);
  }
  assert.equal(fuseVerdict({ detector: { probability: 0.01, auc: 1 }, calibration }).verdict, 'likely-real');
});

test('a detector at chance on unseen images counts for nothing', () => {
  assert.equal(detectorWeight(0.99, calibration, 0.46), 0);
  assert.ok(detectorWeight(0.99, calibration, 0.8) > 1.5);
  assert.equal(fuseVerdict({ detector: { probability: 0.99, auc: 0.5 }, calibration }).verdict, 'unknown');
});

test('declared AI provenance decides; a broken signature weakens it; capture lowers it', () => {
  assert.equal(fuseVerdict({ provenance: c2paReport('valid') }).verdict, 'ai');
  const tampered = fuseVerdict({ provenance: c2paReport('invalid') });
  assert.notEqual(tampered.verdict, 'ai');
  assert.match(tampered.reasons[0].detail, /do not hold/);
  const capture = fuseVerdict({ provenance: c2paReport('valid', 'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture') });
  assert.equal(capture.verdict, 'likely-real');
  const mark = fuseVerdict({ sdmark: { found: true, kind: 'sdxl', agreeingBits: 48, bits: 48 } });
  assert.equal(mark.verdict, 'ai');
  for (const r of mark.reasons) assert.deepEqual(Object.keys(r).sort(), ['detail', 'kind', 'strength', 'weight']);
});

test('camera EXIF is weak evidence and never outweighs generator metadata', () => {
  const camera = { exif: { make: 'Canon', model: 'EOS 40D' } };
  assert.equal(fuseVerdict({ provenance: camera }).verdict, 'unknown');
  assert.equal(fuseVerdict({ provenance: camera, detector: { probability: 0.05, auc: 0.9 }, calibration }).verdict, 'likely-real');
  const both = { ...camera, generator: { tool: 'ComfyUI', prompt_present: true, source: 'png:tEXt' } };
  assert.equal(fuseVerdict({ provenance: both }).verdict, 'ai');
});

test('c2pa-rs states map without ever upgrading Invalid to valid', () => {
  assert.equal(validationFromReaderJson({ validation_state: 'Invalid', validation_status: [] }).state, 'invalid');
  assert.equal(validationFromReaderJson({ validation_state: 'Valid', validation_status: [{ code: 'signingCredential.untrusted' }] }).state, 'valid');
  assert.equal(validationFromReaderJson({ validation_status: [{ code: 'assertion.dataHash.mismatch' }] }).state, 'invalid');
  assert.equal(validationFromReaderJson({}).state, 'unverified');
});

test('provenance with C2PA validation meets every expectation in truth.jsonl', { skip: fixtures ? false : SKIP_NO_SHARED }, async () => {
  let checked = 0;
  for (const row of readJsonl(path.join(fixtures, 'truth.jsonl'))) {
    const report = await core.provenanceReport(readFileSync(path.join(fixtures, row.file)));
    for (const c of checkAgainstTruth(row, report)) {
      assert.ok(c.ok, `${row.file}: ${c.what} expected ${c.expected}, got ${c.got}`);
      checked++;
    }
  }
  assert.ok(checked >= 60, `only ${checked} expectations checked`);
});

test('filigrane ai and provenance on shared fixtures', { skip: fixtures ? false : SKIP_NO_SHARED }, () => {
  const run = (...args) => spawnSync(path.join(root, 'filigrane'), args, { encoding: 'utf8' });
  const firefly = run('ai', path.join(fixtures, 'c2pa/js_firefly_thirdparty_gemini.png'));
  assert.equal(firefly.status, 0, firefly.stderr);
  const v = JSON.parse(firefly.stdout);
  assert.equal(v.verdict, 'ai');
  assert.equal(v.reasons[0].kind, 'c2pa');
  const a1111 = JSON.parse(run('ai', '--no-detector', path.join(fixtures, 'sd_text/automatic1111_cropped.png')).stdout);
  assert.equal(a1111.verdict, 'ai');
  assert.equal(a1111.reasons[0].kind, 'generator-metadata');
  const p = JSON.parse(run('provenance', path.join(fixtures, 'c2pa/rs_XCA.jpg')).stdout);
  for (const key of ['present', 'claim_generator', 'digital_source_type', 'validation']) assert.ok(key in p.c2pa, key);
  assert.equal(p.c2pa.validation.state, 'invalid');
  assert.ok(p.c2pa.validation.codes.includes('assertion.dataHash.mismatch'));
  for (const key of ['make', 'model', 'software', 'gps']) assert.ok(key in p.exif, key);
  assert.ok(Array.isArray(p.png_text));
  const bad = run('ai', path.join(root, 'tests/corpus/malformed/truncated-half.jpg'));
  assert.equal(bad.status, 2);
});
