#!/usr/bin/env node
// Issue 16's numbers (make eval-redaction -> bench/redaction.md):
// 1. Screenshots rendered here by headless Chromium from generated HTML with
//    made-up data (chat, e-mail client, form, shipping label, boarding pass;
//    three fonts, 11 px and up, light and dark, device-pixel ratio 1-3, PNG
//    and JPEG 70): recall and precision per kind of personal data as
//    redaction finds it (cues thorough + proposed boxes), then values the OCR
//    can still read after redaction and codes Debian's zbarimg can still decode.
// 2. Face redaction strength (tools/eval_face_strength.mjs).
// 3. Face boxes on people-free images (Kodak, the shared screenshots) per
//    threshold, beside recall on the people photos (bench/cues-faces.md).
// 4. Time and peak memory, 1/3/12 MP, quick and thorough, CLI and Chromium,
//    and the time from output written to process exit.
//
//   node tools/eval_redaction.mjs [bench/redaction.md] [--images N] [--skip screens,faces,speed,strength]
//        [--before DIR --before-site DIR] (time and memory of another checkout beside this one) [--sizes 1MP,12MP]
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync, mkdirSync, mkdtempSync, existsSync, readdirSync, statSync, rmSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zxingWriter from 'zxing-wasm/writer';
import { CHROMIUM, CHROMIUM_ARGS, openApp } from '../tests/browser/support/browser.mjs';
import { createFiligraneNode } from '../web/lib/node.mjs';
import { modelSession, ortRuntime } from '../web/lib/models.mjs';
import { scanFaces, FACE_MODEL, DEFAULT_FACE_OPTIONS } from '../web/lib/faces.mjs';
import { compactText } from '../web/lib/ocr.mjs';
import { FONTS, THEMES, canonical, digits, fakeCard, fakeEmail, fakeIban, fakePhone, pick, rng, upper } from './eval_pii.mjs';
import { faceStrengthSection } from './eval_face_strength.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = process.env.FILIGRANE_SHARED_DIR ?? path.resolve(root, '..', 'shared');
const KINDS = ['email', 'phone', 'card', 'iban', 'email_obfuscated', 'url_token', 'labelled_name', 'postal_address', 'qr', 'barcode'];

// ---------- made-up data ----------
const FIRST = ['Lea', 'Jean', 'Omar', 'Sofia', 'Lukas', 'Maria', 'Kenji', 'Amira', 'Pablo', 'Eva', 'Noah', 'Ines'];
const LAST = ['Martin', 'Schmidt', 'Rossi', 'Dubois', 'Nowak', 'Garcia', 'Silva', 'Tanaka', 'Jansen', 'Keller', 'Moreau', 'Weber'];
const fakeName = (r) => `${pick(r, FIRST)} ${pick(r, LAST)}`;
const PROVIDERS = ['gmail', 'outlook', 'proton', 'yahoo', 'icloud', 'gmx'];
function fakeObfuscated(r) {
  const handle = `${pick(r, FIRST).toLowerCase()}${pick(r, ['.', '_', ''])}${pick(r, LAST).toLowerCase()}${r() < 0.3 ? digits(r, 2) : ''}`;
  const form = pick(r, ['words', 'brackets', 'parens', 'provider']);
  const domain = `${pick(r, PROVIDERS)}`;
  const value = {
    words: `${handle} at ${domain} dot com`,
    brackets: `${handle} [at] ${pick(r, ['example', 'mailbox', 'studio'])} [dot] org`,
    parens: `${handle}(at)${pick(r, ['example', 'company'])}(dot)de`,
    provider: `${handle} on ${domain}.com`,
  }[form];
  return { value, check: handle };
}
function fakeTokenUrl(r) {
  const token = Array.from({ length: 24 }, () => pick(r, 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'.split(''))).join('');
  const short = token.slice(0, 12);
  const form = pick(r, ['reset', 'share', 'profile', 'invite']);
  return {
    reset: { value: `https://account.example.com/reset?token=${short}`, check: short },
    share: { value: `https://files.example.net/s/${token}`, check: token.slice(0, 14) },
    profile: { value: `https://social.example.org/users/${pick(r, FIRST).toLowerCase()}${digits(r, 3)}`, check: null },
    invite: { value: `www.example.com/join?code=${short}`, check: short },
  }[form];
}
const STREETS = ['Baker Street', 'Elm Avenue', 'Mill Road', 'Station Lane', 'Oak Drive', 'Harbour Way'];
function fakeAddress(r) {
  const form = pick(r, ['uk', 'us', 'fr', 'de']);
  if (form === 'uk') return [`${1 + Math.floor(r() * 240)} ${pick(r, STREETS)}`, `London ${pick(r, ['SW1A', 'NW3', 'E14', 'W1D'])} ${digits(r, 1)}${pick(r, ['AA', 'BD', 'HT', 'NQ'])}`];
  if (form === 'us') return [`${100 + Math.floor(r() * 8000)} ${pick(r, STREETS)}`, `${pick(r, ['Springfield', 'Portland', 'Madison'])}, ${pick(r, ['IL', 'OR', 'WI'])} ${digits(r, 5)}`];
  if (form === 'fr') return [`${1 + Math.floor(r() * 90)} rue ${pick(r, ['de la Paix', 'Victor Hugo', 'des Lilas'])}`, `${pick(r, ['75008', '69003', '13001'])} ${pick(r, ['Paris', 'Lyon', 'Marseille'])}`];
  return [`${pick(r, ['Haupt', 'Linden', 'Berg', 'Schiller'])}straße ${1 + Math.floor(r() * 120)}`, `${pick(r, ['10115', '80331', '50667'])} ${pick(r, ['Berlin', 'München', 'Köln'])}`];
}

// ---------- codes (SVG from ZXing's writer) ----------
let writerReady = false;
async function codeSvg(text, format, scale) {
  if (!writerReady) {
    const wasm = readFileSync(path.join(root, 'node_modules', 'zxing-wasm', 'dist', 'writer', 'zxing_writer.wasm'));
    zxingWriter.prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) }, fireImmediately: true });
    writerReady = true;
  }
  const out = await zxingWriter.writeBarcode(text, { format, scale });
  if (out.error) throw new Error(out.error);
  return out.svg.replace(/^<\?xml[^>]*>\s*<!DOCTYPE[^>]*>\s*/, '');
}

// ---------- templates ----------
// Each returns {body (HTML), planted: [{kind, value, check}]}; `check` is what
// must not be readable after redaction (null: nothing beyond the value).
async function template(kind, r) {
  const planted = [];
  const plant = (k, value, check = value) => { planted.push({ kind: k, value, check }); return value; };
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  if (kind === 'chat') {
    const other = fakeName(r);
    const ob = fakeObfuscated(r);
    const url = fakeTokenUrl(r);
    const [street, town] = fakeAddress(r);
    const msgs = [
      ['them', `Hi! It's ${other.split(' ')[0]}, new number`],
      ['them', `mail me: ${plant('email_obfuscated', ob.value, ob.check)}`],
      ['me', 'sure, what is your phone again?'],
      ['them', plant('phone', fakePhone(r))],
      ['me', `Here is the link: ${plant('url_token', url.value, url.check ?? url.value)}`],
      ['them', 'The docs are at https://www.example.com/help if you need them'],
      ['me', `Send it to ${plant('postal_address', street)}, ${plant('postal_address', town)}`],
      ['them', `Paid ${digits(r, 2)}.00 for order ${digits(r, 6)}, see you at 10:30`],
    ];
    return { planted, body: `<div class="app"><div class="top">${esc(other)}</div>${msgs.map(([who, t]) => `<div class="bubble ${who}">${esc(t)}</div>`).join('')}</div>` };
  }
  if (kind === 'email') {
    const from = fakeName(r), to = fakeName(r);
    const email = fakeEmail(r);
    const [street, town] = fakeAddress(r);
    const url = fakeTokenUrl(r);
    const rows = [
      `<div class="hdr">${esc(plant('labelled_name', `From: ${from}`, from))} &lt;${esc(plant('email', email))}&gt;</div>`,
      `<div class="hdr">${esc(plant('labelled_name', `To: ${to}`, to))}</div>`,
      `<div class="hdr">Subject: Invoice ${digits(r, 5)} and delivery</div>`,
      `<p>Hello, please pay by transfer to IBAN ${esc(plant('iban', fakeIban(r)))} before Friday.</p>`,
      `<p>Or call ${esc(plant('phone', fakePhone(r)))} and pay with card ${esc(plant('card', fakeCard(r)))}.</p>`,
      `<p>Track your parcel: ${esc(plant('url_token', url.value, url.check ?? url.value))}</p>`,
      `<p>Flight from: London to: Paris on ${1 + Math.floor(r() * 28)} May.</p>`,
      `<p>Kind regards,</p><p>${esc(plant('postal_address', street))}</p><p>${esc(plant('postal_address', town))}</p>`,
    ];
    return { planted, body: `<div class="mail">${rows.join('')}</div>` };
  }
  if (kind === 'form') {
    const name = fakeName(r);
    const [street, town] = fakeAddress(r);
    const field = (label, value) => `<div class="field"><span class="label">${label}</span><span class="input">${esc(value)}</span></div>`;
    return {
      planted, body: `<div class="formcard"><h3>Registration ${digits(r, 4)}</h3>${[
        field('Full name:', plant('labelled_name', name)),
        field('Email:', plant('email', fakeEmail(r))),
        field('Phone:', plant('phone', fakePhone(r))),
        field('Address:', plant('postal_address', street)),
        field('', plant('postal_address', town)),
        field('Card number:', plant('card', fakeCard(r))),
        field('Member since:', `${2000 + Math.floor(r() * 24)}`),
        field('Website:', 'https://www.example.org/about'),
      ].join('')}</div>`,
    };
  }
  if (kind === 'label') {
    const name = fakeName(r);
    const [street, town] = fakeAddress(r);
    const tracking = `1Z${upper(r, 3)}${digits(r, 11)}`;
    const qrText = `${name}|${street}|${town}|${tracking}`;
    plant('barcode', tracking, tracking);
    plant('qr', qrText, null);
    return {
      planted, body: `<div class="parcel"><div class="small">SHIP TO:</div><div class="big">${esc(plant('labelled_name', name))}</div>
        <div class="big">${esc(plant('postal_address', street))}</div><div class="big">${esc(plant('postal_address', town))}</div>
        <div class="row"><div class="code">${await codeSvg(tracking, 'Code128', 2)}</div><div class="code">${await codeSvg(qrText, 'QRCode', 3)}</div></div>
        <div class="small">Weight ${digits(r, 1)}.${digits(r, 1)} kg · Parcel ${digits(r, 1)} of ${1 + Math.floor(r() * 3)}</div></div>`,
    };
  }
  // boarding pass
  const first = pick(r, FIRST), last = pick(r, LAST);
  const bcbp = `M1${last.toUpperCase()}/${first.toUpperCase()} E${upper(r, 6)} LHRCDGAF ${digits(r, 4)} ${digits(r, 3)}Y${digits(r, 3)}A${digits(r, 4)} 100`;
  plant('qr', bcbp, null);
  const pax = `${last.toUpperCase()}/${first.toUpperCase()} ${pick(r, ['MR', 'MS'])}`;
  return {
    planted, body: `<div class="pass"><div class="cols">
      <div><div class="small">Passenger</div><div class="big">${esc(plant('labelled_name', pax))}</div></div>
      <div><div class="small">From</div><div class="big">LONDON LHR</div></div>
      <div><div class="small">To</div><div class="big">PARIS CDG</div></div></div>
      <div class="cols"><div><div class="small">Flight</div><div class="big">AF ${digits(r, 4)}</div></div>
      <div><div class="small">Seat</div><div class="big">${1 + Math.floor(r() * 40)}${pick(r, ['A', 'C', 'F'])}</div></div>
      <div><div class="small">Gate</div><div class="big">${pick(r, ['B', 'K', 'L'])}${digits(r, 2)}</div></div></div>
      <div class="code">${await codeSvg(bcbp, 'QRCode', 3)}</div></div>`,
  };
}

function page(body, { font, size, theme }) {
  return `<!doctype html><html><head><meta charset="utf-8"><style>
  html, body { margin: 0; background: ${theme.bg}; color: ${theme.fg}; }
  body { padding: 20px; font-family: ${font.css}; font-size: ${size}px; line-height: 1.45; width: 760px; }
  .app .top { font-weight: 700; padding: 6px 0 10px; border-bottom: 1px solid #8886; margin-bottom: 8px; }
  .bubble { max-width: 72%; margin: 6px 0; padding: 6px 10px; border-radius: 12px; background: #8882; }
  .bubble.me { margin-left: auto; background: #3b82f633; }
  .mail .hdr { border-bottom: 1px solid #8884; padding: 3px 0; } .mail p { margin: 6px 0; }
  .formcard .field { display: grid; grid-template-columns: 11em 1fr; gap: 8px; margin: 6px 0; }
  .formcard .input { border: 1px solid #8888; padding: 2px 6px; border-radius: 4px; }
  .parcel, .pass { border: 2px solid currentColor; padding: 14px; border-radius: 8px; }
  .small { font-size: 0.8em; text-transform: uppercase; letter-spacing: .05em; opacity: .8; } .big { font-size: 1.25em; font-weight: 700; }
  .row, .cols { display: flex; gap: 28px; align-items: center; margin: 10px 0; }
  .code { background: #fff; padding: 10px; display: inline-block; line-height: 0; }
  </style></head><body>${body}</body></html>`;
}

async function render(browser, html, dpr) {
  const context = await browser.newContext({ viewport: { width: 800, height: 300 }, deviceScaleFactor: dpr });
  await context.route((url) => !url.href.startsWith('data:') && !url.href.startsWith('about:'), (route) => route.abort('blockedbyclient'));
  const p = await context.newPage();
  await p.setContent(html, { waitUntil: 'load' });
  const png = await p.screenshot({ fullPage: true, type: 'png' });
  await context.close();
  return new Uint8Array(png);
}

function zbarCount(file) {
  const r = spawnSync('zbarimg', ['-q', '--raw', file], { encoding: 'utf8' });
  if (r.error) return null;
  return r.stdout.split('\n').filter((l) => l.trim()).length;
}

// ---------- scoring ----------
// Compared without spaces, case or accents (the recogniser reads "Köln" as "Koln", ß as β).
const squash = (s) => compactText(String(s)).toLowerCase().replace(/[ßβ]/g, 'ss').normalize('NFD').replace(/\p{M}/gu, '');
// Smallest edit distance between `needle` and any substring of `hay`.
function substringDistance(hay, needle) {
  let prev = new Array(hay.length + 1).fill(0);
  for (let i = 1; i <= needle.length; i++) {
    const cur = [i];
    for (let j = 1; j <= hay.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (needle[i - 1] === hay[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return Math.min(...prev);
}
// Numbers must match exactly (the matchers check them); words may carry the
// recogniser's slips ("Muinchen"): one edit in seven characters.
function valueMatches(kind, planted, reported) {
  if (['email', 'phone', 'card', 'iban'].includes(kind)) return canonical(kind, planted) === canonical(kind, reported);
  const p = squash(planted), q = squash(reported);
  const slack = Math.floor(p.length / 7);
  if (substringDistance(q, p) <= slack) return true;
  // A finding that is the identifying part of a longer planted line ("SW1A 1AA" of "London SW1A 1AA").
  return q.length >= (kind === 'postal_address' ? 0.4 : 0.6) * p.length && substringDistance(p, q) <= Math.floor(q.length / 7);
}

function findings(found) {
  const out = [];
  for (const t of found.text) for (const p of t.pii) out.push({ kind: p.kind, value: p.value });
  for (const c of found.codes ?? []) out.push({ kind: c.kind, value: c.text });
  // distinct by kind and value
  const seen = new Set();
  return out.filter((f) => { const k = `${f.kind}:${squash(f.value)}`; if (seen.has(k)) return false; seen.add(k); return true; });
}

function score(planted, found) {
  const reported = findings(found);
  const perKind = Object.fromEntries(KINDS.map((k) => [k, { planted: 0, hit: 0, reported: 0, correct: 0 }]));
  const missed = [], falses = [];
  for (const p of planted) {
    perKind[p.kind].planted++;
    if (reported.some((f) => f.kind === p.kind && valueMatches(p.kind, p.value, f.value))) perKind[p.kind].hit++;
    else missed.push(`${p.kind} "${p.value}"`);
  }
  for (const f of reported) {
    const k = (perKind[f.kind] ??= { planted: 0, hit: 0, reported: 0, correct: 0 });
    k.reported++;
    // A finding is correct when it is a planted value of its kind (any kind's value
    // for e-mail inside a labelled line counts for its own kind only).
    if (planted.some((p) => p.kind === f.kind && valueMatches(p.kind, p.value, f.value))) k.correct++;
    else falses.push(`${f.kind} "${f.value}"`);
  }
  return { perKind, missed, falses };
}

function readableAfter(planted, found) {
  const all = squash(found.text.map((t) => t.text).join(' '));
  const allDigits = all.replace(/\D/g, '');
  return planted.filter((p) => {
    if (p.check == null || ['qr', 'barcode'].includes(p.kind) && p.check == null) return false;
    if (p.kind === 'barcode') return all.includes(squash(p.check));  // the human-readable line, when printed
    if (['phone', 'card'].includes(p.kind)) return allDigits.includes(canonical(p.kind, p.value).replace('+', ''));
    if (p.kind === 'iban') return all.toUpperCase().includes(canonical('iban', p.value));
    return all.includes(squash(p.check));
  }).map((p) => `${p.kind} "${p.value}"`);
}

const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(1)}%` : '–');

async function screenshotSection({ images, only = null }) {
  const core = await createFiligraneNode();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'filigrane-eval-redaction-'));
  const templates = ['chat', 'email', 'form', 'label', 'pass'];
  const sizes = [11, 13, 16, 20];
  const runs = [];
  const seed = 20261205;
  try {
    for (let i = 0; i < images; i++) {
      if (only && !only.includes(i)) continue;
      const tpl = templates[i % templates.length];
      const theme = THEMES[Math.floor(i / templates.length) % 2];  // light, dark
      const font = FONTS[i % FONTS.length];
      const size = sizes[Math.floor(i / 3) % sizes.length];
      const dpr = 1 + (Math.floor(i / 10) % 3);
      const encoding = Math.floor(i / 30) % 2 ? 'jpeg70' : 'png';
      const r = rng(Math.imul(seed, 7919) + Math.imul(i + 1, 104729));
      const { body, planted } = await template(tpl, r);
      let bytes = await render(browser, page(body, { font, size, theme }), dpr);
      if (encoding === 'jpeg70') bytes = core.encode(core.decodeRgba(bytes), { format: 'jpeg', quality: 70 });
      const input = path.join(tmp, `${i}.${encoding === 'png' ? 'png' : 'jpg'}`);
      writeFileSync(input, bytes);
      const t0 = Date.now();
      const found = await core.cues(bytes, { faces: false, nsfw: false, text: true, thorough: true });
      const seconds = (Date.now() - t0) / 1000;
      const boxes = core.proposeBoxes(found, { faces: false, pii: true, nsfw: false });
      const out = core.redactBoxes(bytes, boxes, { style: 'fill' });
      const output = path.join(tmp, `${i}-redacted.png`);
      writeFileSync(output, out.bytes);
      const again = await core.cues(out.bytes, { faces: false, nsfw: false, text: true, codes: false, thorough: true });
      const s = score(planted, found);
      const readable = readableAfter(planted, again);
      const codesBefore = zbarCount(input), codesAfter = zbarCount(output);
      runs.push({ i, tpl, theme: theme.name, font: font.name, size, dpr, encoding, seconds, ...s, readable, codesBefore, codesAfter,
        width: found.width, height: found.height });
      const hits = Object.values(s.perKind).reduce((a, k) => a + k.hit, 0);
      console.log(`${i} ${tpl} ${theme.name} ${font.name} ${size}px dpr${dpr} ${encoding}: ${hits}/${planted.length} found, ${s.falses.length} false, `
        + `${readable.length} readable after, codes ${codesBefore}->${codesAfter}, ${seconds.toFixed(1)} s`
        + (s.missed.length ? `\n   missed: ${s.missed.join(', ')}` : '') + (s.falses.length ? `\n   false: ${s.falses.join(', ')}` : '')
        + (readable.length ? `\n   readable: ${readable.join(', ')}` : '')
        + (process.env.EVAL_VERBOSE && s.missed.length ? `\n   read: ${found.text.map((t) => JSON.stringify(t.text)).join(' ')}` : ''));
    }
  } finally {
    await browser.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  const kindRows = KINDS.map((kind) => {
    let planted = 0, hit = 0, reported = 0, correct = 0;
    for (const run of runs) { const k = run.perKind[kind]; if (k) { planted += k.planted; hit += k.hit; reported += k.reported; correct += k.correct; } }
    return `| ${kind} | ${planted} | ${hit} | ${pct(hit, planted)} | ${reported} | ${pct(correct, reported)} |`;
  });
  const group = (label, rs) => {
    let planted = 0, hit = 0, reported = 0, correct = 0;
    for (const run of rs) for (const k of Object.values(run.perKind)) { planted += k.planted; hit += k.hit; reported += k.reported; correct += k.correct; }
    const readable = rs.reduce((a, x) => a + x.readable.length, 0);
    const before = rs.reduce((a, x) => a + (x.codesBefore ?? 0), 0), after = rs.reduce((a, x) => a + (x.codesAfter ?? 0), 0);
    return `| ${label} | ${rs.length} | ${pct(hit, planted)} | ${pct(correct, reported)} | ${readable} | ${before} → ${after} | ${(rs.reduce((a, x) => a + x.seconds, 0) / Math.max(1, rs.length)).toFixed(1)} |`;
  };
  const by = (key, values, name = (v) => String(v)) => values.map((v) => group(name(v), runs.filter((x) => x[key] === v)));
  const zbar = spawnSync('zbarimg', ['--version'], { encoding: 'utf8' });
  return [
    '## Personal data on rendered screenshots',
    '',
    `${runs.length} screenshots generated by tools/eval_redaction.mjs (seed ${seed}) with made-up data: chat, e-mail client, form, shipping label and boarding pass; ` +
      'fonts sans/serif/mono, 11-20 px, light and dark, device-pixel ratio 1-3, PNG and JPEG 70; rendered by headless Chromium (playwright-core). ' +
      'Each is read as redaction reads it (`cues` thorough: OCR with the second look, the matchers, QR codes and barcodes), every proposed box is covered (`redactBoxes`, solid fill), ' +
      'and the redacted image is read again by the OCR and by Debian\'s `zbarimg` ' + `(${(zbar.stdout || zbar.stderr || 'not installed').trim()}).`,
    '',
    'A planted value is found when a finding of the same kind carries it; precision counts distinct findings that are a planted value of their kind. ' +
      '"Readable after" counts planted values whose text (or the part that identifies: the handle of an obfuscated e-mail, the token of a link, the name after a label) the OCR still reads anywhere after redaction.',
    '',
    '### By kind',
    '',
    '| kind | planted | found | recall | reported | precision |',
    '|---|---:|---:|---:|---:|---:|',
    ...kindRows,
    '',
    '### By condition',
    '',
    '| condition | images | recall | precision | values readable after redaction | codes decodable by zbarimg before → after | s / image (thorough read) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    group('all', runs),
    ...by('tpl', templates, (t) => ({ chat: 'chat', email: 'e-mail client', form: 'form', label: 'shipping label', pass: 'boarding pass' }[t])),
    ...by('theme', ['light', 'dark']),
    ...by('dpr', [1, 2, 3], (d) => `dpr ${d}`),
    ...by('encoding', ['png', 'jpeg70'], (e) => (e === 'png' ? 'PNG' : 'JPEG 70')),
    ...by('size', sizes, (s) => `${s} px`),
    '',
    '### Misses, false reports and leaks',
    '',
    ...runs.flatMap((x) => [
      ...x.missed.map((m) => `- ${x.i} (${x.tpl}, ${x.theme}, ${x.font} ${x.size}px, dpr ${x.dpr}, ${x.encoding}): missed ${m}`),
      ...x.falses.map((m) => `- ${x.i} (${x.tpl}, ${x.theme}, ${x.font} ${x.size}px, dpr ${x.dpr}, ${x.encoding}): reported ${m}`),
      ...x.readable.map((m) => `- ${x.i} (${x.tpl}, ${x.theme}, ${x.font} ${x.size}px, dpr ${x.dpr}, ${x.encoding}): READABLE after redaction ${m}`),
    ]),
    '',
  ].join('\n');
}

// ---------- faces on people-free images ----------
async function falseFacesSection() {
  const sets = [['Kodak', path.join(SHARED, 'data', 'kodak')], ['screenshots', path.join(SHARED, 'data', 'screens')]];
  const core = await createFiligraneNode();
  const [session, ort] = await Promise.all([modelSession(FACE_MODEL), ortRuntime()]);
  const thresholds = [0.5, 0.6, 0.65, 0.7, 0.75, 0.8];
  const rows = [];
  const details = [];
  let all = thresholds.map(() => 0), photos = 0;
  for (const [name, dir] of sets) {
    if (!existsSync(dir)) continue;
    const files = readdirSync(dir).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort();
    const counts = thresholds.map(() => 0);
    for (const f of files) {
      const image = core.decodeRgba(readFileSync(path.join(dir, f)));
      const { faces } = await scanFaces({ module: core.module, session, ort, ...image, options: { threshold: thresholds[0] } });
      thresholds.forEach((t, k) => { counts[k] += faces.filter((x) => x.score >= t).length; });
      for (const x of faces.filter((y) => y.score >= DEFAULT_FACE_OPTIONS.threshold)) details.push(`- ${name}/${f}: ${Math.round(x.width)} px box, score ${x.score.toFixed(2)}`);
    }
    photos += files.length;
    all = all.map((v, k) => v + counts[k]);
    rows.push(`| ${name} (${files.length}) | ${counts.map((c) => `${c} (${(20 * c / files.length).toFixed(1)})`).join(' | ')} |`);
  }
  return [
    '## Face boxes on people-free images',
    '',
    'Thorough scan (full resolution, tiles down to 24 px) as redaction runs it; detections at threshold 0.5 counted at each higher threshold ' +
      '(merging across tiles ran at 0.5, so the counts above 0.5 are an upper bound). In brackets: false boxes per 20 images (target ≤ 1). ' +
      'Recall on the 549 labelled faces of the people photos at the same thresholds is in bench/cues-faces.md (0.65: 91.8%, 0.7: 88.2%).',
    '',
    `| images | ${thresholds.map((t) => `≥ ${t}`).join(' | ')} |`,
    `|---|${thresholds.map(() => '---:').join('|')}|`,
    ...rows,
    `| all (${photos}) | ${all.map((c) => `${c} (${(20 * c / Math.max(1, photos)).toFixed(1)})`).join(' | ')} |`,
    '',
    `Boxes at the threshold redaction uses (${DEFAULT_FACE_OPTIONS.threshold}):`,
    '',
    ...(details.length ? details : ['none']),
    '',
  ].join('\n');
}

// ---------- speed and memory ----------
function timeCommand(args, cwd = root) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', path.join(cwd, 'filigrane'), ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => {
      const exited = Date.now();
      const [seconds, user, system, kb] = stderr.trim().split('\n').at(-1).split(' ').map(Number);
      resolve({ code, seconds, cpu: user + system, peakMb: kb / 1024, exited, started, stderr });
    });
  });
}

// The renderer processes of one Chromium (found from its user-data-dir):
// the page and its workers live in its renderer.
function rendererPids(userDataDir) {
  const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Chromium rewrites its children's command lines as one space-separated string.
      return { pid: Number(pid), ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), args: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/) };
    } catch {
      return null;
    }
  }).filter(Boolean);
  const family = new Set(procs.filter((p) => p.args.includes(`--user-data-dir=${userDataDir}`)).map((p) => p.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) if (!family.has(p.pid) && family.has(p.ppid)) { family.add(p.pid); grew = true; }
  }
  return procs.filter((p) => family.has(p.pid) && p.args.includes('--type=renderer')).map((p) => p.pid);
}
// Peak resident memory since the last reset (VmHWM; writing 5 to clear_refs resets it).
const resetPeaks = (pids) => pids.forEach((pid) => { try { writeFileSync(`/proc/${pid}/clear_refs`, '5'); } catch {} });
const peakMb = (pids) => Math.max(0, ...pids.map((pid) => {
  try { return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024; } catch { return 0; }
}));

// One Chromium page of a site build: quick and thorough times per file
// (models warmed up untimed), and the renderer's peak memory in the thorough pass.
async function chromiumTimes(siteRoot, files) {
  const b = await openApp(siteRoot ? { root: siteRoot } : undefined);
  const times = [];
  try {
    await b.page.evaluate(async () => {
      const { Filigrane } = await import('/lib/filigrane.mjs');
      window.filigraneEngine = await Filigrane.create();
    });
    for (const f of files) {
      const b64 = readFileSync(f.file).toString('base64');
      const quick = await b.page.evaluate(async (b64) => {
        const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const engine = window.filigraneEngine;
        // Models load (and compile) once per page: warm them up untimed.
        window.filigraneWarm ??= engine.cues(data, { thorough: false });
        await window.filigraneWarm;
        const t0 = performance.now();
        await engine.cues(data, { thorough: false });
        return performance.now() - t0;
      }, b64);
      const renderers = rendererPids(b.userDataDir);
      resetPeaks(renderers);
      const thorough = await b.page.evaluate(async (b64) => {
        const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const { proposedBoxes } = await import('/lib/redact-boxes.mjs');
        const engine = window.filigraneEngine;
        const t0 = performance.now();
        const found = await engine.cues(data, { faces: true, nsfw: false, text: true, thorough: true });
        const boxes = proposedBoxes(found, { faces: true, pii: true, nsfw: false });
        await engine.redactBoxes(data, boxes, { style: 'fill' });
        return performance.now() - t0;
      }, b64);
      times.push({ quick, thorough, peakMb: peakMb(renderers) });
    }
  } finally {
    await b.close();
  }
  return times;
}

// `before`: another checkout (with ./filigrane, and its build) and its site
// build, run on the same files in turn with this one, so both share the
// machine's load at the same moments.
async function speedSection({ before = null, beforeSite = null, sizes: only = null } = {}) {
  const core = await createFiligraneNode();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'filigrane-eval-speed-'));
  const source = path.join(SHARED, 'data', 'people', '3.jpg');
  if (!existsSync(source)) return '## Time and memory\n\nSkipped: ../shared/data/people is absent.\n';
  const sizes = [['1 MP', 1152, 864], ['3 MP', 2000, 1500], ['12 MP', 4000, 3000]].filter(([label]) => !only || only.includes(label.replace(' ', '')));
  const files = sizes.map(([label, w, h]) => {
    const file = path.join(tmp, `${label.replace(' ', '')}.jpg`);
    writeFileSync(file, core.resize(readFileSync(source), { width: w, height: h, filter: 'lanczos3', format: 'jpeg', quality: 90 }));
    return { label, file, w, h };
  });
  const trees = before ? [['before', before], ['after', root]] : [['', root]];
  const cell = (t) => `${t.seconds.toFixed(1)} s (CPU ${t.cpu.toFixed(1)} s), ${t.peakMb.toFixed(0)} MB`;
  const rows = [];
  for (const f of files) {
    const runs = {};
    for (const [name, dir] of trees) {
      const quick = await timeCommand(['cues', f.file], dir);
      const output = path.join(tmp, `out-${name}-${f.label.replace(' ', '')}.png`);
      const thorough = await timeCommand(['redact', f.file, output, '--faces', '--pii'], dir);
      const gap = existsSync(output) ? thorough.exited - statSync(output).mtimeMs : NaN;
      runs[name] = { quick, thorough, gap };
    }
    const join = (pick) => trees.map(([name]) => pick(runs[name])).join(' → ');
    rows.push(`| ${f.label} (${f.w} × ${f.h}) | CLI | ${join((r) => cell(r.quick))} | ${join((r) => cell(r.thorough))} | ${join((r) => `${Math.round(r.gap)} ms`)} |`);
    console.log(rows.at(-1));
  }
  // Chromium: the page's engine (worker, ONNX Runtime Web) on the same files.
  const sites = before ? [['before', beforeSite], ['after', null]] : [['', null]];
  const chromium = {};
  for (const [name, site] of sites) chromium[name] = await chromiumTimes(site, files);
  files.forEach((f, i) => {
    const join = (pick) => sites.map(([name]) => `${(pick(chromium[name][i]) / 1000).toFixed(1)} s`).join(' → ');
    const joinMb = () => sites.map(([name]) => `${chromium[name][i].peakMb.toFixed(0)} MB`).join(' → ');
    rows.push(`| ${f.label} (${f.w} × ${f.h}) | Chromium | ${join((t) => t.quick)} | ${join((t) => t.thorough)}, renderer ${joinMb()} | – |`);
    console.log(rows.at(-1));
  });
  rmSync(tmp, { recursive: true, force: true });
  return [
    '## Time and memory',
    '',
    `Photos: ../shared/data/people/3.jpg resized (lanczos3) to each size, JPEG 90. ${os.cpus().length} cores, shared with other agents' builds and tests ` +
      `while this ran (load average ${os.loadavg()[0].toFixed(1)} at the end), so wall-clock times are several times what an idle machine gives; ` +
      'CPU time (user + system of the process) is the steadier measure. ' +
      'Quick: `filigrane cues IN` (quick face scan, one OCR reading, nudity). Thorough: `filigrane redact IN OUT --faces --pii` (faces down to 24 px at full size, ' +
      'OCR with the second look, codes, then covering and writing the PNG). Wall time, CPU time and peak resident memory from `/usr/bin/time`; models load in each run. ' +
      'Exit gap: from the output file\'s modification time to the process\'s exit. Chromium: the page\'s worker, models already cached, thorough = cues + redactBoxes; ' +
      'memory: the peak resident memory of the page\'s renderer process (the page and all its workers: engine, face helper, recogniser pool) during the thorough pass (VmHWM, reset before it).' +
      (before ? ' Each cell: before → after, run in turn on the same files.' : ''),
    '',
    '| photo | where | quick | thorough | output written → exit |',
    '|---|---|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n');
}

async function main() {
  const args = process.argv.slice(2);
  const flag = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : fallback; };
  const images = Number(flag('--images', 60));
  const only = flag('--only', null);
  const skip = new Set(String(flag('--skip', '')).split(',').filter(Boolean));
  const before = flag('--before', null);
  const beforeSite = flag('--before-site', null);
  const speedSizes = flag('--sizes', null);
  const out = args[0] ?? path.join(root, 'bench', 'redaction.md');
  const started = Date.now();
  const sections = [];
  if (!skip.has('screens')) sections.push(await screenshotSection({ images, only: only ? only.split(',').map(Number) : null }));
  if (!skip.has('strength')) sections.push(await faceStrengthSection());
  if (!skip.has('faces')) sections.push(await falseFacesSection());
  if (!skip.has('speed')) sections.push(await speedSection({ before, beforeSite, sizes: speedSizes?.split(',') ?? null }));
  const md = [
    '# Redaction: what it finds, what is left, how fast',
    '',
    `Produced by \`make eval-redaction\` (tools/eval_redaction.mjs) in ${Math.round((Date.now() - started) / 1000)} s on ${os.cpus().length} cores shared with other jobs, Node ${process.version}.`,
    '',
    ...sections,
  ].join('\n');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, md);
  console.log(`wrote ${out}`);
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
