// Reads text in an image with the PP-OCRv4 detector and recogniser (ONNX
// Runtime Web) and finds personal data in it. The numeric work around the
// networks (input tensors, DB boxes, CTC decoding) and the personal-data
// matchers run in the C++ core (core/text) through the module's bindings.
import { FiligraneError } from './errors.mjs';
import { sha256Hex } from './models.mjs';
import { findPersonalWords, LONE_LABEL, looksLikeName } from './pii-words.mjs';

export const OCR_DET_MODEL = 'ocr-det';
export const OCR_REC_MODEL = 'ocr-rec';

export const DEFAULT_OCR_OPTIONS = Object.freeze({
  maxSide: 960,        // detector long side: 1280 reads dense 1920-px pages better but missed 10 of 480 planted values (7 left readable after redaction) in make eval-pii, 960 missed 5 (0 readable)
  threshold: 0.3,      // DB binarisation
  boxThreshold: 0.6,   // DB box score
  unclipRatio: 1.5,
  recHeight: 48,
  recMinWidth: 320,
  recMaxWidth: 3200,
  minTextScore: 0.5,   // lines the recogniser is less sure of are dropped
  recBatch: 8,
  // Columns in one recogniser batch at most: ONNX Runtime's heap grows to the
  // largest batch it ran and never shrinks (8 x 320 adds about 75 MB, 4 x 3200
  // about 190 MB). The recogniser's cost is per column, so wide lines lose nothing alone.
  recBatchColumns: 2560,
  piiKinds: 0,         // bit mask of core/text/pii.h kinds; 0 = all
  // Second look (redaction and thorough scans): where the detector worked on a
  // reduced image, lines it read with a score below refineBelowScore, or with
  // refineDigits digits or more, are read again from a full-resolution crop,
  // since small lines merge at 960 px.
  refine: false,
  refineFromScale: 1.25,   // image px per detector px above which a second look helps
  refineBelowScore: 0.95,
  refineDigits: 8,         // lines with this many digits are read again as well
  refineMaxSide: 1920,     // detector long side cap for a crop
});

// The core's kinds (core/text/pii.h) and the word-level kinds of pii-words.mjs.
const CORE_PII_BITS = { email: 1, phone: 2, card: 4, iban: 8, ipv4: 16, date_of_birth: 32 };
const WORD_PII_BITS = { email_obfuscated: 64, url_token: 128, labelled_name: 256, postal_address: 512 };
const PII_BITS = { ...CORE_PII_BITS, ...WORD_PII_BITS };
const CORE_MASK = Object.values(CORE_PII_BITS).reduce((a, b) => a | b, 0);

/** Bit mask for a list of kind names ('email', 'phone', 'card', 'iban', 'ipv4', 'date_of_birth',
 *  'email_obfuscated', 'url_token', 'labelled_name', 'postal_address'). */
export function piiKindMask(kinds) {
  let mask = 0;
  for (const kind of kinds) {
    if (!(kind in PII_BITS)) throw new FiligraneError('invalid_argument', `unknown personal-data kind ${kind}`);
    mask |= PII_BITS[kind];
  }
  return mask;
}

/** The recogniser's classes from ppocr_keys_v1.txt: blank, one key a line, space. */
export function parseDictionary(keysText) {
  const keys = String(keysText).split(/\r?\n/);
  if (keys.length && keys[keys.length - 1] === '') keys.pop();
  return ['', ...keys, ' '];
}

/**
 * The recogniser's dictionary named by a registry entry (models/ocr-rec/model.json
 * `dictionary`: {source, sha256, bytes}), checked against its sha256.
 * @param {object} entry the ocr-rec registry entry (models.mjs modelEntry)
 * @param {(spec: {source: string}) => Promise<Uint8Array>} loadBytes reads or fetches the file
 */
export async function verifiedDictionary(entry, loadBytes) {
  const spec = entry?.dictionary;
  if (!spec?.sha256) throw new FiligraneError('model_unavailable', 'the ocr-rec model has no dictionary entry');
  const bytes = await loadBytes(spec);
  const digest = await sha256Hex(bytes);
  if (digest !== spec.sha256) {
    throw new FiligraneError('model_integrity', `the OCR dictionary is damaged or not the pinned version (sha256 ${digest.slice(0, 12)}…)`);
  }
  return parseDictionary(new TextDecoder().decode(bytes));
}

function binding(module, name) {
  if (typeof module?.[name] !== 'function') {
    throw new FiligraneError('unsupported_feature', `this build of the engine has no ${name} (text feature)`);
  }
  return module[name].bind(module);
}

function check(result) {
  const err = FiligraneError.fromStatus(result.status);
  if (err) throw err;
  return result;
}

/** The module's personal-data matches in `text` (spaces removed, NFKC): [{kind, begin, end, value}]. */
export function findPii(module, text, kinds = 0) {
  return check(binding(module, 'textFindPii')(String(text), kinds)).matches;
}

/** OCR text made ready for matching numbers: full-width forms folded, every space removed. */
export function compactText(text) {
  return String(text).normalize('NFKC').replace(/\s+/gu, '');
}

/**
 * OCR text made ready for matching e-mail addresses: full-width forms folded,
 * runs of space made one, none left around '@' (the recogniser sometimes puts
 * one there). Word gaps stay, so the words before an address do not glue onto it.
 */
export function spacedText(text) {
  return String(text).normalize('NFKC').replace(/\s+/gu, ' ').replace(/ ?@ ?/g, '@').trim();
}

const ALL_PII_KINDS = Object.values(PII_BITS).reduce((a, b) => a | b, 0);

// One recognised text made ready for the matchers, its e-mail addresses
// found once: `spaced` keeps word gaps (for e-mail), `numbers` has every
// address made one '|' (their digits are not numbers, and what follows one
// starts afresh) and every space removed (for all other kinds).
function prepareOcrText(module, text) {
  const spaced = spacedText(text);
  const emails = findPii(module, spaced, PII_BITS.email);
  const chars = Array.from(spaced);
  for (const m of [...emails].sort((x, y) => y.begin - x.begin)) chars.splice(m.begin, m.end - m.begin, '|');
  return { spaced, emails, numbers: compactText(chars.join('')) };
}

// Numbers are matched without spaces, since the recogniser puts spaces inside
// them; e-mail addresses with their word gaps. `text` names the prepared form,
// `gap` joins a line's boxes.
function matcherPasses(kinds) {
  const wanted = kinds === 0 ? ALL_PII_KINDS : kinds;
  const passes = [];
  if (wanted & PII_BITS.email) passes.push({ kinds: PII_BITS.email, text: 'spaced', gap: ' ' });
  if (wanted & CORE_MASK & ~PII_BITS.email) passes.push({ kinds: wanted & CORE_MASK & ~PII_BITS.email, text: 'numbers', gap: '' });
  const words = Object.entries(WORD_PII_BITS).filter(([, bit]) => wanted & bit).map(([kind]) => kind);
  if (words.length) passes.push({ kinds: new Set(words), text: 'spaced', gap: ' ', words: true });
  return passes;
}

// One pass's matches in a text: [{kind, begin, end, value, why?}].
function passMatches(module, pass, text, prepared = null) {
  if (pass.words) return findPersonalWords(text, pass.kinds);
  if (prepared && pass.text === 'spaced') return prepared.emails;
  return findPii(module, text, pass.kinds);
}

function piiInPrepared(module, prepared, passes) {
  return passes.flatMap((pass) => passMatches(module, pass, prepared[pass.text], prepared))
    .map(({ kind, value, why }) => (why ? { kind, value, why } : { kind, value }));
}

// Boxes whose vertical centres fall inside each other's extent share a line.
function groupLines(items) {
  const order = items.map((_, i) => i).sort((a, b) => items[a].box.y - items[b].box.y);
  const lines = [];
  for (const i of order) {
    const b = items[i].box;
    const centre = b.y + b.height / 2;
    const line = lines.find((l) => {
      const first = items[l[0]].box;
      return centre >= first.y && centre <= first.y + first.height
        && first.y + first.height / 2 >= b.y && first.y + first.height / 2 <= b.y + b.height;
    });
    if (line) line.push(i); else lines.push([i]);
  }
  for (const line of lines) line.sort((a, b) => items[a].box.x - items[b].box.x);
  return lines;
}

/**
 * Personal data in one recognised text: numbers matched without spaces,
 * e-mail addresses with their word gaps. kinds: bit mask (piiKindMask), 0 = all.
 * @returns {Array<{kind: string, value: string}>}
 */
export function piiInOcrText(module, text, kinds = 0) {
  return piiInPrepared(module, prepareOcrText(module, text), matcherPasses(kinds));
}

// Personal data per box, then on each line's boxes joined, for values that
// the detector cut in two (a card number split at a wide gap, a label apart).
function attachPii(module, items, kinds) {
  const passes = matcherPasses(kinds);
  const prepared = items.map((item) => prepareOcrText(module, item.text));
  items.forEach((item, k) => { item.pii = piiInPrepared(module, prepared[k], passes); });
  for (const line of groupLines(items)) {
    if (line.length < 2) continue;
    for (const pass of passes) {
      const pieces = line.map((i) => Array.from(prepared[i][pass.text]));
      const starts = [];
      let joined = '';
      let at = 0;
      pieces.forEach((p, k) => {
        const gap = k > 0 && p[0] !== '@' && pieces[k - 1].at(-1) !== '@' ? pass.gap : '';
        joined += gap + p.join('');
        at += Array.from(gap).length;
        starts.push(at);
        at += p.length;
      });
      // Word matches count UTF-16 units; the core's count code points.
      const unitStarts = pass.words ? pieces.map((_, k) => Array.from(joined).slice(0, starts[k]).join('').length) : starts;
      const lengths = pass.words ? pieces.map((p) => p.join('').length) : pieces.map((p) => p.length);
      for (const m of passMatches(module, pass, joined)) {
        const spanned = line.filter((_, k) => unitStarts[k] < m.end && unitStarts[k] + lengths[k] > m.begin);
        if (spanned.length < 2) continue;  // inside one box: that box's own reading stands
        for (const i of spanned) {
          if (!items[i].pii.some((p) => p.kind === m.kind && p.value === m.value)) {
            items[i].pii.push(m.why ? { kind: m.kind, value: m.value, why: m.why } : { kind: m.kind, value: m.value });
          }
        }
      }
    }
  }
  wrappedValues(module, items, prepared, kinds);
  if (passes.some((p) => p.words && p.kinds.has('labelled_name'))) nameBesideLabel(items);
}

// Values wrapped onto the next line: the last box of a line and the first box
// of the line below it (starting near the same left edge) read as one text.
// Only for kinds that cannot be made by accident: checksummed card numbers
// and IBANs, and web addresses broken after "?", "&", "=" or "/".
function wrappedValues(module, items, prepared, kinds) {
  const wanted = kinds === 0 ? ALL_PII_KINDS : kinds;
  const numberKinds = wanted & (PII_BITS.card | PII_BITS.iban);
  const urls = Boolean(wanted & PII_BITS.url_token);
  if (!numberKinds && !urls) return;
  const lines = groupLines(items);
  const add = (i, m) => {
    if (!items[i].pii.some((p) => p.kind === m.kind && p.value === m.value)) items[i].pii.push(m.why ? { kind: m.kind, value: m.value, why: m.why } : { kind: m.kind, value: m.value });
  };
  for (let l = 0; l + 1 < lines.length; l++) {
    const a = lines[l].at(-1);
    const first = items[lines[l][0]].box;
    const A = items[a].box;
    // The next line: starts below this one within two line heights, at about the same left edge.
    const next = lines.slice(l + 1).find((line) => {
      const B = items[line[0]].box;
      return B.y > A.y + A.height * 0.5 && B.y < A.y + A.height * 2.2 && Math.abs(B.x - first.x) < 2 * A.height;
    });
    if (!next) continue;
    const b = next[0];
    if (numberKinds) {
      const left = prepared[a].numbers, right = prepared[b].numbers;
      const joined = left + right;
      for (const m of findPii(module, joined, numberKinds)) {
        const leftLength = Array.from(left).length;
        if (m.begin < leftLength && m.end > leftLength) { add(a, m); add(b, m); }
      }
    }
    if (urls && /(?:https?:\/\/|www\.)\S*[?&=/]$/.test(prepared[a].spaced)) {
      const left = prepared[a].spaced;
      for (const m of findPersonalWords(left + prepared[b].spaced, new Set(['url_token']))) {
        if (m.begin < left.length && m.end > left.length) { add(a, m); add(b, m); }
      }
    }
  }
}

// A label alone in its box ("Passenger", "Name:") with a name in the box to
// its right on the same line or just below it (forms, tickets, labels).
function nameBesideLabel(items) {
  for (const label of items) {
    if (!LONE_LABEL.test(label.text.replace(/0/g, 'O'))) continue;  // "SHIP T0:" as read
    const b = label.box;
    const candidates = items.filter((v) => v !== label && (
      // right of it on the same line
      (Math.abs((v.box.y + v.box.height / 2) - (b.y + b.height / 2)) < b.height / 2 && v.box.x >= b.x + b.width - 2 && v.box.x - (b.x + b.width) < 4 * b.height)
      // or below it, overlapping its column, within two line heights
      || (v.box.y >= b.y + b.height * 0.6 && v.box.y - (b.y + b.height) < 2 * b.height
        && v.box.x < b.x + Math.max(b.width, 3 * b.height) && v.box.x + v.box.width > b.x)));
    candidates.sort((p, q) => (p.box.y - q.box.y) || (p.box.x - q.box.x));
    const value = candidates.find((v) => looksLikeName(v.text, label.text));
    if (value && !value.pii.some((p) => p.kind === 'labelled_name')) {
      value.pii.push({ kind: 'labelled_name', value: value.text, why: `name next to the label "${label.text.trim()}"` });
    }
  }
}

// Detection, then recognition of every box for which skipBox(box) is not
// true: [{box, text, score}] in image pixels (unfiltered by score), and how
// many image pixels one detector pixel covered.
async function readLines({ module, sessions, ort, image, opts, maxSide, skipBox = null }) {
  const dictionary = opts.dictionary;
  const { width, height } = image;
  const det = check(binding(module, 'textDetectorInput')(image, maxSide));
  const detOut = await sessions.det.run({
    [sessions.det.inputNames[0]]: new ort.Tensor('float32', det.data, [1, 3, det.height, det.width]),
  });
  const probability = detOut[sessions.det.outputNames[0]];
  const [mapHeight, mapWidth] = probability.dims.slice(-2);
  const flatBoxes = check(binding(module, 'textBoxes')(probability.data, mapWidth, mapHeight,
    det.scaleX * det.width / mapWidth, det.scaleY * det.height / mapHeight, width, height,
    { threshold: opts.threshold, boxThreshold: opts.boxThreshold, unclipRatio: opts.unclipRatio })).boxes;
  const boxes = [];
  for (let i = 0; i < flatBoxes.length; i += 5) {
    const box = { x: flatBoxes[i], y: flatBoxes[i + 1], width: flatBoxes[i + 2], height: flatBoxes[i + 3] };
    if (!skipBox?.(box)) boxes.push(box);
  }
  if (boxes.length === 0) return { lines: [], scaleX: det.scaleX, scaleY: det.scaleY };

  const rectangles = new Float32Array(boxes.length * 4);
  boxes.forEach((b, i) => rectangles.set([b.x, b.y, b.width, b.height], i * 4));
  const { inputs } = check(binding(module, 'textRecognizerInputs')(image, rectangles,
    opts.recHeight, opts.recMinWidth, opts.recMaxWidth));

  // Crops of equal padded width (most are the minimum) share a batch.
  const readings = new Array(boxes.length);
  const byWidth = new Map();
  inputs.forEach((input, i) => {
    if (!byWidth.has(input.width)) byWidth.set(input.width, []);
    byWidth.get(input.width).push(i);
  });
  const plane = 3 * opts.recHeight;
  const batches = [];
  for (const [inputWidth, members] of byWidth) {
    const size = Math.max(1, Math.min(opts.recBatch, Math.floor(opts.recBatchColumns / inputWidth)));
    for (let start = 0; start < members.length; start += size) batches.push({ inputWidth, batch: members.slice(start, start + size) });
  }
  const recognise = async ({ inputWidth, batch }) => {
    const data = new Float32Array(batch.length * plane * inputWidth);
    batch.forEach((i, k) => data.set(inputs[i].data, k * plane * inputWidth));
    const out = await sessions.rec.run({
      [sessions.rec.inputNames[0]]: new ort.Tensor('float32', data, [batch.length, 3, opts.recHeight, inputWidth]),
    });
    const probs = out[sessions.rec.outputNames[0]];
    const [, steps, classes] = probs.dims;
    const { lines } = check(binding(module, 'textCtcDecode')(probs.data, batch.length, steps, classes));
    batch.forEach((i, k) => { readings[i] = lines[k]; });
  };
  if ((sessions.rec.concurrency ?? 1) > 1) {
    // A pool of sessions (session-pool.mjs): every batch asked for at once, the
    // widest first so that no worker is left with a long line at the end.
    batches.sort((a, b) => b.inputWidth * b.batch.length - a.inputWidth * a.batch.length);
    await Promise.all(batches.map(recognise));
  } else {
    for (const b of batches) await recognise(b);
  }

  const lines = boxes.map((box, i) => {
    const { classes, score } = readings[i];
    return { box, text: Array.from(classes, (c) => dictionary[c] ?? '').join('').trim(), score };
  });
  return { lines, scaleX: det.scaleX, scaleY: det.scaleY };
}

const overlapArea = (a, b) => Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x))
  * Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));

// Lines read with a low score (or long numbers) are read again from
// full-resolution crops around them. What the crops find replaces the
// doubtful lines, except where it repeats a line already read well.
async function refineDoubtfulLines({ module, sessions, ort, image, opts, lines }) {
  const { width, height } = image;
  // Long numbers are read again too: a narrow repeated digit ("1111") is
  // easily lost from a box cut at the reduced size, and numbers are what the
  // card, IBAN and phone matchers need whole.
  const doubtful = lines.filter((l) => !l.text || l.score < opts.refineBelowScore
    || (l.text.match(/\d/g)?.length ?? 0) >= opts.refineDigits);
  if (doubtful.length === 0) return { lines, replaced: [] };
  // Regions: each doubtful line with half its height above and below and its
  // height to each side, widened to the whole of every first-pass line they
  // touch (so no line is cut at a side), touching regions merged.
  const clampRect = (x0, y0, x1, y1) => {
    const x = Math.max(0, Math.floor(x0)), y = Math.max(0, Math.floor(y0));
    return { x, y, width: Math.min(width, Math.ceil(x1)) - x, height: Math.min(height, Math.ceil(y1)) - y };
  };
  const touches = (a, b) => a.x <= b.x + b.width && b.x <= a.x + a.width && a.y <= b.y + b.height && b.y <= a.y + a.height;
  const union = (a, b) => clampRect(Math.min(a.x, b.x), Math.min(a.y, b.y),
    Math.max(a.x + a.width, b.x + b.width), Math.max(a.y + a.height, b.y + b.height));
  let regions = doubtful.map(({ box: b }) => clampRect(b.x - b.height, b.y - b.height / 2, b.x + b.width + b.height, b.y + b.height * 1.5));
  for (let changed = true; changed;) {
    changed = false;
    regions = regions.map((r) => {
      let grown = r;
      for (const l of lines) {
        const inner = { x: l.box.x, y: l.box.y + l.box.height / 4, width: l.box.width, height: l.box.height / 2 };
        if (!touches(grown, inner)) continue;
        const wide = union(grown, clampRect(l.box.x - l.box.height, grown.y, l.box.x + l.box.width + l.box.height, grown.y + grown.height));
        if (wide.x < grown.x || wide.width > grown.width) { grown = wide; changed = true; }
      }
      return grown;
    });
    for (let i = 0; i < regions.length; i++) {
      for (let j = regions.length - 1; j > i; j--) {
        if (touches(regions[i], regions[j])) { regions[i] = union(regions[i], regions[j]); regions.splice(j, 1); changed = true; }
      }
    }
  }
  const kept = lines.filter((l) => !doubtful.includes(l));
  const found = [];
  for (const r of regions) {
    // Too small to hold a line worth a second detection: the first reading stays.
    if (Math.min(r.width, r.height) < 8 || Math.max(r.width, r.height) < 32) continue;
    const maxSide = Math.min(opts.refineMaxSide, Math.max(r.width, r.height));
    const inPage = (b) => ({ x: b.x + r.x, y: b.y + r.y, width: b.width, height: b.height });
    // A box mostly inside a line already read well is not read again.
    const readWell = (b) => { const box = inPage(b); return kept.some((k) => overlapArea(k.box, box) > 0.5 * box.width * box.height); };
    const crop = check(image.cropped(r.x, r.y, r.width, r.height)).image;
    let sub;
    try {
      sub = await readLines({ module, sessions, ort, image: crop, opts, maxSide, skipBox: readWell });
    } finally {
      crop.delete();
    }
    for (const l of sub.lines) found.push({ box: inPage(l.box), text: l.text, score: l.score });
  }
  // A doubtful line stays when its crop found nothing better to put there.
  const still = doubtful.filter((d) => !found.some((f) => overlapArea(f.box, d.box) > 0));
  const replaced = doubtful.filter((d) => !still.includes(d));
  return { lines: [...kept, ...still, ...found].sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x), replaced };
}

// Personal data the first reading of a replaced line found stays found: the
// second look can lose a character too ("NL45GIFJ…" re-read as "NL45GlFJ…").
// It joins the item that overlaps that line most, or the line comes back.
function keepFirstReadingPii(module, items, replaced, kinds) {
  for (const line of replaced) {
    const near = items.filter((item) => overlapArea(item.box, line.box) > 0);
    const has = (p) => near.some((item) => item.pii.some((q) => q.kind === p.kind && q.value === p.value));
    const pii = piiInOcrText(module, line.text, kinds).filter((p) => !has(p));
    if (pii.length === 0) continue;
    let target = null;
    let best = 0;
    for (const item of near) {
      const area = overlapArea(item.box, line.box);
      if (area > best) { best = area; target = item; }
    }
    if (!target) {
      target = { box: roundBox(line.box), text: line.text, score: line.score, pii: [] };
      items.push(target);
    }
    target.pii.push(...pii);
  }
}

const roundBox = (b) => ({ x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) });

/**
 * Reads the text of an image and the personal data in it: `image`, a core
 * ImageHandle (borrowed; the decode the caller holds, read in place), or
 * `rgba`, `width`, `height` (copied into the core once for the call).
 * @param {{module: object, sessions: {det: object, rec: object}, ort: object,
 *          image?: object, rgba?: Uint8Array, width?: number, height?: number,
 *          options?: {dictionary: string[], maxSide?, threshold?, boxThreshold?, unclipRatio?,
 *                     minTextScore?, piiKinds?: number|string[]}}} args
 * @returns {Promise<Array<{box: {x, y, width, height}, text: string, score: number,
 *           pii: Array<{kind: string, value: string}>}>>} in reading order
 */
export async function readText({ module, sessions, ort, image = null, rgba, width, height, options = {} }) {
  const opts = { ...DEFAULT_OCR_OPTIONS, ...options };
  const dictionary = opts.dictionary;
  if (!Array.isArray(dictionary) || dictionary.length < 2) {
    throw new FiligraneError('invalid_argument', 'readText needs options.dictionary (parseDictionary of ppocr_keys_v1.txt)');
  }
  if (!sessions?.det || !sessions?.rec || !ort?.Tensor) {
    throw new FiligraneError('invalid_argument', 'readText needs the det and rec sessions and the onnxruntime-web module');
  }
  const kinds = Array.isArray(opts.piiKinds) ? piiKindMask(opts.piiKinds) : opts.piiKinds;

  const owned = image ? null : check(binding(module, 'imageFromRgba')(width, height, rgba)).image;
  let lines;
  let replaced = [];
  try {
    const source = image ?? owned;
    const first = await readLines({ module, sessions, ort, image: source, opts, maxSide: opts.maxSide });
    lines = first.lines;
    if (opts.refine && Math.max(first.scaleX, first.scaleY) > opts.refineFromScale) {
      ({ lines, replaced } = await refineDoubtfulLines({ module, sessions, ort, image: source, opts, lines }));
    }
  } finally {
    owned?.delete();
  }
  const items = lines.filter((l) => l.text && l.score >= opts.minTextScore)
    .map((l) => ({ box: roundBox(l.box), text: l.text, score: l.score, pii: [] }));
  attachPii(module, items, kinds);
  keepFirstReadingPii(module, items, replaced.filter((l) => l.text && l.score >= opts.minTextScore), kinds);
  return items;
}
