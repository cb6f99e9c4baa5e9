// The text reader (web/lib/ocr.mjs) on a small rendered screenshot: PP-OCRv4
// through ONNX Runtime Web, the numeric steps and the personal-data matchers
// in the WebAssembly core. Matcher details are tested natively (test_text.cpp).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFiligraneNode, FiligraneError } from '../../web/lib/node.mjs';
import { modelEntry, modelSession, ortRuntime } from '../../web/lib/models.mjs';
import { readText, verifiedDictionary, findPii, compactText, piiKindMask, piiInOcrText } from '../../web/lib/ocr.mjs';
import { ARTICLE_VOCABULARY } from '../../tools/article_page.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let ops = null;
let reader = null;

before(async () => {
  ops = await createFiligraneNode();
  if (typeof ops.module.textDetectorInput !== 'function') return;  // built without the text feature
  reader = {
    sessions: { det: await modelSession('ocr-det'), rec: await modelSession('ocr-rec') },
    ort: await ortRuntime(),
    dictionary: await verifiedDictionary(await modelEntry('ocr-rec'), async (spec) => new Uint8Array(readFileSync(path.join(repoRoot, spec.source)))),
  };
  assert.equal(reader.dictionary.length, 6625);  // blank + 6623 keys + space: the recogniser's classes
});

const skipUnlessText = (t) => {
  if (!reader) t.skip('this build of the module has no text feature');
  return !reader;
};

test('a rendered screenshot gives its planted e-mail and card number, with boxes where they are', async (t) => {
  if (skipUnlessText(t)) return;
  const img = ops.decodeRgba(readFileSync(path.join(repoRoot, 'tests/corpus/text/contact.png')));
  const items = await readText({ module: ops.module, sessions: reader.sessions, ort: reader.ort,
    ...img, options: { dictionary: reader.dictionary } });
  const pii = items.flatMap((item) => item.pii.map((p) => ({ ...p, box: item.box })));
  const email = pii.find((p) => p.kind === 'email');
  const card = pii.find((p) => p.kind === 'card');
  assert.equal(email?.value, 'lea.martin@example.com', JSON.stringify(items));
  assert.equal(card?.value.replace(/\D/g, ''), '4556737586899855', JSON.stringify(items));
  // The page has rows at y ~ 30, 55, 80, 105 (CSS px = image px): e-mail on the second, card on the third.
  assert.ok(email.box.y < 55 && email.box.y + email.box.height > 55, JSON.stringify(email.box));
  assert.ok(card.box.y < 80 && card.box.y + card.box.height > 80, JSON.stringify(card.box));
  // The order number is read but is not personal data.
  assert.ok(items.some((i) => compactText(i.text).includes('52817')));
  assert.equal(pii.length, 2, JSON.stringify(pii));
  for (const item of items) assert.ok(item.score >= 0.5 && item.score <= 1);
});

test('matchers through the binding: kinds, mask, values split across spaces', (t) => {
  if (skipUnlessText(t)) return;
  const found = findPii(ops.module, compactText('IBAN: DE89 3704 0044 0532 0130 00 ｔｅｌ ＋33 6 12 34 56 78'));
  assert.deepEqual(found.map((m) => [m.kind, m.value]), [['iban', 'DE89370400440532013000'], ['phone', '+33612345678']]);
  assert.deepEqual(findPii(ops.module, 'a@example.com 4111111111111111', piiKindMask(['card'])).map((m) => m.kind), ['card']);
  assert.throws(() => piiKindMask(['passport']), (err) => err instanceof FiligraneError && err.code === 'invalid_argument');
});

test('an e-mail address in prose keeps its own bounds; numbers still match across spaces', (t) => {
  if (skipUnlessText(t)) return;
  // Removing every space glued the words around an address onto it:
  // "Contacttheorganisersatevents.desk@example.orgorcall".
  const line = 'Contact the organisers at events.desk@example.org or call +44 20 7946 0958.';
  assert.deepEqual(piiInOcrText(ops.module, line), [
    { kind: 'email', value: 'events.desk@example.org' },
    { kind: 'phone', value: '+442079460958' },
  ]);
  // A number right after an address is still one (its digits glue onto the address once spaces go).
  assert.deepEqual(piiInOcrText(ops.module, 'anna_keller16@mail.example.net 212-555-6801'), [
    { kind: 'email', value: 'anna_keller16@mail.example.net' },
    { kind: 'phone', value: '212-555-6801' },
  ]);
  // The recogniser sometimes reads a space beside '@'.
  assert.deepEqual(piiInOcrText(ops.module, 'mail lea.martin @ example.com'), [{ kind: 'email', value: 'lea.martin@example.com' }]);
  assert.deepEqual(piiInOcrText(ops.module, 'card 4111 1111 1111 1111 to a@b.io', piiKindMask(['card'])), [{ kind: 'card', value: '4111111111111111' }]);
  assert.deepEqual(piiInOcrText(ops.module, 'write to a@b.io', piiKindMask(['card'])), []);
});

// tests/corpus/text/article-1920x400.png: 400 rows of the two-column article
// (tools/article_page.mjs) that the cue benchmark renders at 1920 x 1080
// (17 px text; the right column serif). At the detector's 960 px, lines of
// the right column merge.
const ARTICLE_WORDS = new Set(ARTICLE_VOCABULARY.split(' '));
function rightColumnWordShare(items) {
  const words = items.filter((i) => i.box.x >= 960 && !/donations/i.test(i.text))
    .flatMap((i) => i.text.toLowerCase().split(/[^a-z]+/).filter(Boolean));
  return words.filter((w) => ARTICLE_WORDS.has(w)).length / Math.max(1, words.length);
}

test('a dense page: the second look reads the lines that merged at the reduced size', async (t) => {
  if (skipUnlessText(t)) return;
  const img = ops.decodeRgba(readFileSync(path.join(repoRoot, 'tests/corpus/text/article-1920x400.png')));
  const read = (refine) => readText({ module: ops.module, sessions: reader.sessions, ort: reader.ort, ...img,
    options: { dictionary: reader.dictionary, refine } });
  const quick = await read(false);
  const thorough = await read(true);
  const doubtful = (items) => items.filter((i) => i.box.x >= 960 && i.score < 0.9).length;
  assert.ok(doubtful(quick) >= 2, `the quick read should show merged lines here: ${JSON.stringify(quick.map((i) => [i.score, i.text]))}`);
  assert.ok(rightColumnWordShare(quick) < 0.85, `quick: ${rightColumnWordShare(quick)}`);
  assert.ok(rightColumnWordShare(thorough) >= 0.9, `thorough: ${rightColumnWordShare(thorough)} ${JSON.stringify(thorough.map((i) => i.text))}`);
  // Read from the file's decode in the core (as cues does): the same items.
  const file = ops.open(readFileSync(path.join(repoRoot, 'tests/corpus/text/article-1920x400.png')));
  try {
    const fromHandle = await readText({ module: ops.module, sessions: reader.sessions, ort: reader.ort, image: file.image(),
      options: { dictionary: reader.dictionary, refine: true } });
    assert.deepEqual(fromHandle, thorough);
  } finally {
    file.close();
  }
  // Lines read well at first are not read twice.
  const texts = thorough.map((i) => i.text);
  assert.equal(new Set(texts).size, texts.length, JSON.stringify(texts));
  // Both reads find the IBAN on the page, and the contact line's e-mail with its own bounds.
  for (const items of [quick, thorough]) {
    const pii = items.flatMap((i) => i.pii);
    assert.ok(pii.some((p) => p.kind === 'iban' && p.value === 'GB82WEST12345698765432'), JSON.stringify(pii));
    assert.ok(pii.some((p) => p.kind === 'email' && p.value === 'events.desk@example.org'), JSON.stringify(pii));
  }
});

test('a pool of recogniser sessions (runs at once, answers out of order) reads what one session reads', async (t) => {
  if (skipUnlessText(t)) return;
  const img = ops.decodeRgba(readFileSync(path.join(repoRoot, 'tests/corpus/text/contact.png')));
  const read = (rec) => readText({ module: ops.module, sessions: { det: reader.sessions.det, rec }, ort: reader.ort, ...img,
    options: { dictionary: reader.dictionary, recBatch: 1 } });
  // Stands in for session-pool.mjs: every run asked for is held, then answered last-asked first.
  const held = [];
  let maxHeld = 0;
  const pool = {
    concurrency: 2, inputNames: reader.sessions.rec.inputNames, outputNames: reader.sessions.rec.outputNames,
    run: (feeds) => new Promise((resolve, reject) => {
      held.push({ feeds, resolve, reject });
      maxHeld = Math.max(maxHeld, held.length);
      if (held.length === 1) {
        setTimeout(async () => {
          for (const job of held.splice(0).reverse()) await reader.sessions.rec.run(job.feeds).then(job.resolve, job.reject);
        }, 0);
      }
    }),
  };
  const one = await read(reader.sessions.rec);
  const many = await read(pool);
  assert.ok(maxHeld >= 2, `the lines should be asked for together (${maxHeld} at once)`);
  assert.deepEqual(many, one);
});

test('bad input is refused with a FiligraneError, not a crash', async (t) => {
  if (skipUnlessText(t)) return;
  const img = { rgba: new Uint8Array(16 * 16 * 4), width: 16, height: 16 };
  await assert.rejects(readText({ module: ops.module, sessions: reader.sessions, ort: reader.ort, ...img, options: {} }),
    (err) => err instanceof FiligraneError && err.code === 'invalid_argument');
  await assert.rejects(readText({ module: ops.module, sessions: reader.sessions, ort: reader.ort, rgba: new Uint8Array(10), width: 16, height: 16,
    options: { dictionary: reader.dictionary } }), (err) => err instanceof FiligraneError && err.code === 'invalid_argument');
  const r = ops.module.textBoxes(new Float32Array(10), 4, 4, 1, 1, 4, 4, {});
  assert.equal(r.status.name, 'invalid_argument');
  // A blank image has no text.
  const blank = { rgba: new Uint8Array(64 * 64 * 4).fill(255), width: 64, height: 64 };
  assert.deepEqual(await readText({ module: ops.module, sessions: reader.sessions, ort: reader.ort, ...blank,
    options: { dictionary: reader.dictionary } }), []);
});
