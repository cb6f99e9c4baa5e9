#!/usr/bin/env node
// Personal text cues: recall and precision of planted fake personal data
// (e-mails, phone numbers, Luhn-valid card numbers, checksum-valid IBANs)
// read by web/lib/ocr.mjs from pages rendered by headless Chromium, across
// fonts, sizes, themes, device-pixel ratios and JPEG 70; then whether any
// planted value can still be read after the found boxes are redacted.
//
//   node tools/eval_pii.mjs bench/cues-text.md [--pages N] [--seed S] [--max-side N] [--quick]
//   (reads as redaction does, doubtful lines read again at full size; --quick as Inspect's quick cues)
//   node tools/eval_pii.mjs --fixture tests/corpus/text/contact.png   (the small test screenshot)
//
// Everything is generated from a fixed seed; nothing is fetched.
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/browser/support/browser.mjs';
import { createFiligraneNode } from '../web/lib/node.mjs';
import { modelSession, ortRuntime } from '../web/lib/models.mjs';
import { readText, parseDictionary, compactText, DEFAULT_OCR_OPTIONS } from '../web/lib/ocr.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------- fake data, fixed seed ----------
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export const pick = (r, list) => list[Math.floor(r() * list.length)];
export const digits = (r, n) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
export const upper = (r, n) => Array.from({ length: n }, () => String.fromCharCode(65 + Math.floor(r() * 26))).join('');

function luhnCheckDigit(body) {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let v = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) { v *= 2; if (v > 9) v -= 9; }
    sum += v;
  }
  return String((10 - (sum % 10)) % 10);
}
export const luhnValid = (d) => luhnCheckDigit(d.slice(0, -1)) === d.slice(-1);

function mod97(text) {
  let rem = 0;
  for (const ch of text) {
    const v = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const c of v) rem = (rem * 10 + Number(c)) % 97;
  }
  return rem;
}
function iban(country, bban) {
  const check = 98 - mod97(bban + country + '00');
  return country + String(check).padStart(2, '0') + bban;
}
const group4 = (s) => s.replace(/(.{4})/g, '$1 ').trim();

const FIRST = ['anna', 'jean', 'li', 'omar', 'sofia', 'lukas', 'maria', 'kenji', 'amira', 'pablo', 'eva', 'noah'];
const LAST = ['martin', 'schmidt', 'rossi', 'dubois', 'nowak', 'garcia', 'silva', 'tanaka', 'jansen', 'keller'];
const DOMAINS = ['example.com', 'example.org', 'mail.example.net', 'example.co.uk', 'post.example.de'];

export function fakeEmail(r) {
  const sep = pick(r, ['.', '_', '']);
  const tail = r() < 0.4 ? digits(r, 2) : '';
  return `${pick(r, FIRST)}${sep}${pick(r, LAST)}${tail}@${pick(r, DOMAINS)}`;
}
export function fakePhone(r) {
  const forms = [
    () => `+33 6 ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)}`,
    () => `+44 20 7946 ${digits(r, 4)}`,
    () => `+49 30 ${digits(r, 8)}`,
    () => `(415) 555-${digits(r, 4)}`,
    () => `212-555-${digits(r, 4)}`,
    () => `06 ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)}`,
    () => `020 7946 ${digits(r, 4)}`,
    () => `+1 415 555 ${digits(r, 4)}`,
  ];
  return pick(r, forms)();
}
export function fakeCard(r) {
  const kind = pick(r, ['visa', 'visa', 'mc', 'amex', 'discover']);
  const prefix = { visa: '4', mc: '5' + (1 + Math.floor(r() * 5)), amex: pick(r, ['34', '37']), discover: '6011' }[kind];
  const length = kind === 'amex' ? 15 : 16;
  const body = prefix + digits(r, length - 1 - prefix.length);
  const number = body + luhnCheckDigit(body);
  if (r() < 0.25) return number;
  if (kind === 'amex') return `${number.slice(0, 4)} ${number.slice(4, 10)} ${number.slice(10)}`;
  return group4(number);
}
export function fakeIban(r) {
  const country = pick(r, ['DE', 'FR', 'GB', 'NL', 'ES', 'IT', 'BE']);
  const bban = {
    DE: () => digits(r, 18),
    FR: () => digits(r, 10) + digits(r, 11) + digits(r, 2),
    GB: () => upper(r, 4) + digits(r, 14),
    NL: () => upper(r, 4) + digits(r, 10),
    ES: () => digits(r, 20),
    IT: () => upper(r, 1) + digits(r, 10) + digits(r, 12),
    BE: () => digits(r, 12),
  }[country]();
  const value = iban(country, bban);
  return r() < 0.3 ? value : group4(value);
}

// Numbers that must not be reported: Luhn-failing card-like numbers, dates, amounts, ids.
function distractor(r) {
  const forms = [
    () => { let d; do { d = '4' + digits(r, 15); } while (luhnValid(d)); return `Ref ${group4(d)}`; },
    () => `Order #${digits(r, 5)}-${digits(r, 4)}`,
    () => `Invoice date ${1 + Math.floor(r() * 28)}/0${1 + Math.floor(r() * 9)}/2024`,
    () => `Total €${digits(r, 1)},${digits(r, 3)}.${digits(r, 2)}`,
    () => `Version 2.${digits(r, 1)}.${digits(r, 2)} build ${digits(r, 6)}`,
    () => `Meeting at 14:${digits(r, 2)} in room ${digits(r, 3)}`,
    () => `Tracking ${upper(r, 2)}${digits(r, 9)}`,
    () => `Population ${digits(r, 3)} ${digits(r, 3)} ${digits(r, 3)}`,
  ];
  return pick(r, forms)();
}

const FILLER = [
  'Please review the details below before the end of the week.',
  'The quarterly report is attached and the figures have been checked twice.',
  'Thanks for your order; the parcel leaves our warehouse tomorrow.',
  'Our office is closed on public holidays and reopens the following morning.',
  'If anything looks wrong, reply to this message and we will correct it.',
  'Shipping costs are included for every delivery within the country.',
];

const LABELS = {
  email: ['Email:', 'E-mail:', 'Contact:', ''],
  phone: ['Phone:', 'Tel:', 'Mobile:', ''],
  card: ['Card:', 'Card number:', 'Paid with', ''],
  iban: ['IBAN:', 'Account:', 'Bank account', ''],
};

/** One page's planted values and HTML. */
export function makePage(seed, { font, size, theme }) {
  const r = rng(seed);
  const planted = [];
  const rows = [];
  const value = (kind) => {
    const v = { email: fakeEmail, phone: fakePhone, card: fakeCard, iban: fakeIban }[kind](r);
    planted.push({ kind, value: v });
    const label = pick(r, LABELS[kind]);
    return `${label ? label + ' ' : ''}${v}`;
  };
  const kinds = ['email', 'phone', 'card', 'iban', 'email', 'phone', 'card', 'iban', 'email', 'phone', 'card', 'iban'];
  rows.push(`<h2>Account summary ${digits(r, 4)}</h2>`);
  for (let i = 0; i < kinds.length; i++) {
    if (i % 3 === 0) rows.push(`<p>${pick(r, FILLER)}</p>`);
    if (i % 4 === 1) rows.push(`<p>${distractor(r)}</p>`);
    // Some lines carry two values, so line joining and glued labels are exercised.
    if (i + 1 < kinds.length && r() < 0.25 && size <= 18) {
      rows.push(`<p>${value(kinds[i])}&nbsp;&nbsp;&nbsp;&nbsp;${value(kinds[i + 1])}</p>`);
      i++;
    } else {
      rows.push(`<p>${value(kinds[i])}</p>`);
    }
  }
  rows.push(`<p>${distractor(r)}</p><p>${pick(r, FILLER)}</p>`);
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>
    html, body { margin: 0; background: ${theme.bg}; color: ${theme.fg}; }
    body { padding: 24px 32px; font-family: ${font.css}; font-size: ${size}px; line-height: 1.5; width: 1180px; }
    h2 { font-size: 1.3em; margin: 0 0 0.6em; } p { margin: 0.35em 0; }
  </style></head><body>${rows.join('\n')}</body></html>`;
  return { html, planted };
}

export const FONTS = [
  { name: 'sans', css: '"DejaVu Sans", "Liberation Sans", sans-serif' },
  { name: 'serif', css: '"Liberation Serif", "DejaVu Serif", serif' },
  { name: 'mono', css: '"DejaVu Sans Mono", "Liberation Mono", monospace' },
];
export const SIZES = [11, 14, 18, 22, 28];
export const THEMES = [
  { name: 'light', bg: '#ffffff', fg: '#1a1a1a' },
  { name: 'dark', bg: '#1e1f22', fg: '#d4d4d4' },
  { name: 'blue', bg: '#dbeafe', fg: '#1e3a8a' },
  { name: 'amber', bg: '#fde68a', fg: '#7c2d12' },
  { name: 'green', bg: '#14532d', fg: '#f0fdf4' },
];

// ---------- scoring ----------
export function canonical(kind, value) {
  const v = compactText(value);
  if (kind === 'email') return v.toLowerCase();
  if (kind === 'iban') return v.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (kind === 'phone') return (v.startsWith('+') ? '+' : '') + v.replace(/\D/g, '');
  return v.replace(/\D/g, '');
}

function score(planted, items) {
  const found = new Map();
  for (const item of items) for (const p of item.pii) {
    if (!['email', 'phone', 'card', 'iban'].includes(p.kind)) continue;
    found.set(`${p.kind}:${canonical(p.kind, p.value)}`, p);
  }
  const want = new Set(planted.map((p) => `${p.kind}:${canonical(p.kind, p.value)}`));
  const perKind = {};
  for (const p of planted) {
    const k = (perKind[p.kind] ??= { planted: 0, hit: 0, found: 0, correct: 0 });
    k.planted++;
    if (found.has(`${p.kind}:${canonical(p.kind, p.value)}`)) k.hit++;
  }
  const falsePositives = [];
  for (const [key, p] of found) {
    const k = (perKind[p.kind] ??= { planted: 0, hit: 0, found: 0, correct: 0 });
    k.found++;
    if (want.has(key)) k.correct++; else falsePositives.push(`${p.kind} "${p.value}"`);
  }
  const missed = planted.filter((p) => !found.has(`${p.kind}:${canonical(p.kind, p.value)}`)).map((p) => `${p.kind} "${p.value}"`);
  return { perKind, missed, falsePositives };
}

// After redaction: is any planted value still readable anywhere on the page?
function leaked(planted, items) {
  const all = items.map((i) => compactText(i.text)).join('');
  const allDigits = all.replace(/\D/g, '');
  return planted.filter((p) => {
    const c = canonical(p.kind, p.value);
    if (p.kind === 'email') return all.toLowerCase().includes(c);
    if (p.kind === 'iban') return all.toUpperCase().replace(/[^A-Z0-9]/g, '').includes(c);
    return allDigits.includes(c.replace('+', ''));
  }).length;
}

// ---------- rendering ----------
async function render(browser, html, dpr, viewport = { width: 1244, height: 400 }) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: dpr });
  await context.route((url) => !url.href.startsWith('data:') && !url.href.startsWith('about:'), (route) => route.abort('blockedbyclient'));
  const page = await context.newPage();
  await page.setContent(html, { waitUntil: 'load' });
  const png = await page.screenshot({ fullPage: true, type: 'png' });
  await context.close();
  return new Uint8Array(png);
}

async function openReader() {
  const ops = await createFiligraneNode();
  const [det, rec, ort] = await Promise.all([modelSession('ocr-det'), modelSession('ocr-rec'), ortRuntime()]);
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'models', 'ocr-rec', 'model.json'), 'utf8'));
  const dictionary = parseDictionary(readFileSync(path.join(repoRoot, manifest.dictionary.source), 'utf8'));
  return { ops, read: (img, options = {}) => readText({ module: ops.module, sessions: { det, rec }, ort, ...img, options: { dictionary, ...options } }) };
}

// The redaction core when this build of the module has it; otherwise a plain black fill here.
let redactOps = null;
async function loadRedactOps(module) {
  if (typeof module.redactRgba !== 'function' || !existsSync(path.join(repoRoot, 'web/lib/redact-ops.mjs'))) return;
  const { createRedactOps } = await import('../web/lib/redact-ops.mjs');
  redactOps = createRedactOps(module);
}

function redactBoxes(ops, img, items) {
  const regions = items.filter((i) => i.pii.length).map((i) => i.box);
  if (redactOps) {
    return { ...redactOps.redactRgba(img, { regions, style: 'fill', fill: '#000000' }), how: 'the core\'s redactRgba (web/lib/redact-ops.mjs), fill black, over each whole text box with a finding' };
  }
  const rgba = new Uint8Array(img.rgba);
  for (const b of regions) {
    for (let y = Math.max(0, b.y); y < Math.min(img.height, b.y + b.height); y++) {
      for (let x = Math.max(0, b.x); x < Math.min(img.width, b.x + b.width); x++) {
        rgba.set([0, 0, 0, 255], (y * img.width + x) * 4);
      }
    }
  }
  return { width: img.width, height: img.height, rgba, how: 'black fill in JS (no redaction binding in this build)' };
}

// ---------- main ----------
function pct(n, d) { return d ? `${((100 * n) / d).toFixed(1)}%` : '–'; }

async function writeFixture(out) {
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>
    body { margin: 0; padding: 14px 18px; background: #fff; color: #222; font: 16px "DejaVu Sans", sans-serif; width: 440px; }
    p { margin: 6px 0; }</style></head><body>
    <p>Billing contact</p><p>Email: lea.martin@example.com</p><p>Card: 4556 7375 8689 9855</p><p>Order #52817-3301</p>
    </body></html>`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const png = await render(browser, html, 1, { width: 480, height: 130 });
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, png);
    console.log(`wrote ${out} (${png.length} bytes)`);
  } finally {
    await browser.close();
  }
}

async function main() {
  const args = process.argv.slice(2);
  const flag = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : fallback;
  };
  const fixture = flag('--fixture', null);
  if (fixture) return writeFixture(fixture);
  const pages = Number(flag('--pages', 10));
  const seed = Number(flag('--seed', 20261128));
  const maxSide = Number(flag('--max-side', DEFAULT_OCR_OPTIONS.maxSide));
  const maxSideDpr2 = Number(flag('--max-side-dpr2', maxSide));
  const noRedaction = args.includes('--no-redaction') ? args.splice(args.indexOf('--no-redaction'), 1) : null;
  const quick = args.includes('--quick');
  if (quick) args.splice(args.indexOf('--quick'), 1);
  const refine = !quick;
  const out = args[0] ?? path.join(repoRoot, 'bench', 'cues-text.md');

  const reader = await openReader();
  await loadRedactOps(reader.ops.module);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const runs = [];
  let redactHow = '';
  const started = Date.now();
  try {
    for (let p = 0; p < pages; p++) {
      // Every 10 pages cover each theme and size twice, the fonts 4/3/3 times.
      const font = FONTS[p % FONTS.length];
      const theme = THEMES[p % THEMES.length];
      const size = SIZES[(p * 2 + Math.floor(p / 5)) % SIZES.length];
      const { html, planted } = makePage(seed + p, { font, size, theme });
      for (const dpr of [1, 2]) {
        const png = await render(browser, html, dpr);
        const clean = reader.ops.decodeRgba(png);
        const jpeg = reader.ops.decodeRgba(reader.ops.encode(clean, { format: 'jpeg', quality: 70 }));
        for (const [encoding, img] of [['png', clean], ['jpeg70', jpeg]]) {
          const t0 = Date.now();
          const items = await reader.read(img, { maxSide: dpr === 2 ? maxSideDpr2 : maxSide, refine });
          const seconds = (Date.now() - t0) / 1000;
          const s = score(planted, items);
          let leaks = null;
          if (!noRedaction) {
            const redacted = redactBoxes(reader.ops, img, items);
            redactHow = redacted.how;
            leaks = leaked(planted, await reader.read(redacted, { maxSide: dpr === 2 ? maxSideDpr2 : maxSide, refine: true }));
          }
          runs.push({ page: p, font: font.name, size, theme: theme.name, dpr, encoding, seconds, leaks, planted: planted.length, ...s });
          const hits = Object.values(s.perKind).reduce((a, k) => a + k.hit, 0);
          console.log(`page ${p} ${font.name} ${size}px ${theme.name} dpr${dpr} ${encoding}: ${hits}/${planted.length} found, ` +
            `${s.falsePositives.length} false, leaks after redaction ${leaks ?? '-'}, ${seconds.toFixed(1)} s` +
            (s.missed.length ? `\n   missed: ${s.missed.join(', ')}` : '') +
            (s.falsePositives.length ? `\n   false: ${s.falsePositives.join(', ')}` : ''));
        }
      }
    }
  } finally {
    await browser.close();
  }

  const sum = (rs) => {
    const t = { planted: 0, hit: 0, found: 0, correct: 0, leaks: 0, pages: rs.length, seconds: 0 };
    for (const r of rs) {
      for (const k of Object.values(r.perKind)) { t.planted += k.planted; t.hit += k.hit; t.found += k.found; t.correct += k.correct; }
      t.leaks += r.leaks ?? 0;
      t.seconds += r.seconds;
    }
    return t;
  };
  const row = (label, rs) => {
    const t = sum(rs);
    return `| ${label} | ${t.pages} | ${t.planted} | ${t.hit} | ${pct(t.hit, t.planted)} | ${t.found} | ${pct(t.correct, t.found)} | ${noRedaction ? '–' : t.leaks} | ${(t.seconds / Math.max(1, t.pages)).toFixed(1)} |`;
  };
  const header = '| condition | images | planted | found | recall | reported | precision | readable after redaction | s / image |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|';
  const groups = [
    ['all', [['all images', runs]]],
    ['device-pixel ratio', [1, 2].map((d) => [`dpr ${d}`, runs.filter((r) => r.dpr === d)])],
    ['encoding', ['png', 'jpeg70'].map((e) => [e === 'png' ? 'PNG (lossless)' : 'JPEG 70', runs.filter((r) => r.encoding === e)])],
    ['font', FONTS.map((f) => [f.name, runs.filter((r) => r.font === f.name)])],
    ['size', SIZES.map((s) => [`${s} px`, runs.filter((r) => r.size === s)])],
    ['theme', THEMES.map((t) => [t.name, runs.filter((r) => r.theme === t.name)])],
  ];
  const kindRows = ['email', 'phone', 'card', 'iban'].map((kind) => {
    let planted = 0, hit = 0, found = 0, correct = 0;
    for (const r of runs) {
      const k = r.perKind[kind];
      if (k) { planted += k.planted; hit += k.hit; found += k.found; correct += k.correct; }
    }
    return `| ${kind} | ${planted} | ${hit} | ${pct(hit, planted)} | ${found} | ${pct(correct, found)} |`;
  });
  const missed = runs.flatMap((r) => r.missed.map((m) => `- page ${r.page} (${r.font} ${r.size}px ${r.theme}, dpr ${r.dpr}, ${r.encoding}): missed ${m}`));
  const falses = runs.flatMap((r) => r.falsePositives.map((m) => `- page ${r.page} (${r.font} ${r.size}px ${r.theme}, dpr ${r.dpr}, ${r.encoding}): reported ${m}`));
  const md = [
    '# Personal text cues: planted personal data read by OCR',
    '',
    `Generated by \`make eval-pii\` (tools/eval_pii.mjs): ${pages} pages (seed ${seed}), each with 12 planted fake values ` +
      '(3 e-mails, 3 phone numbers, 3 Luhn-valid card numbers, 3 mod-97-valid IBANs, labelled or not, some two to a line) among ' +
      'filler text and look-alike numbers (Luhn-failing card-like references, dates, order numbers, amounts). ' +
      `Rendered by headless Chromium at device-pixel ratio 1 and 2, each read as PNG and after JPEG 70 (core encoder). ` +
      `PP-OCRv4 det+rec in ONNX Runtime Web (wasm, 1 thread, Node), detector long side ${maxSide}` +
      (maxSideDpr2 !== maxSide ? ` (${maxSideDpr2} at dpr 2)` : '') +
      (refine ? `, read as redaction reads: on a reduced page, lines read with a score below ${DEFAULT_OCR_OPTIONS.refineBelowScore} or with ${DEFAULT_OCR_OPTIONS.refineDigits} digits or more are read again at full size from a region around them` : ', quick read as in Inspect (no second look)') + '. ' +
      'A planted value counts as found when a reported value of the same kind equals it after removing spaces and separators; ' +
      'precision counts distinct reported values that equal a planted one. ' +
      `"Readable after redaction": planted values still read anywhere on the page after every box with a finding was redacted (${redactHow || 'not run'}) and the page was read again (always with the second look).`,
    '',
    `Targets: recall ≥ 95%, precision ≥ 95%. Wall time ${((Date.now() - started) / 1000).toFixed(0)} s on the shared 2-core machine; ` +
      '"s / image" is the wall time of the first read alone (detection, recognition, matching), under whatever else the machine was running.',
    '',
    ...groups.flatMap(([title, entries]) => [`## By ${title}`, '', header, ...entries.map(([label, rs]) => row(label, rs)), '']),
    '## By kind', '', '| kind | planted | found | recall | reported | precision |', '|---|---:|---:|---:|---:|---:|', ...kindRows, '',
    '## Misses', '', ...(missed.length ? missed : ['none']), '',
    '## False reports', '', ...(falses.length ? falses : ['none']), '',
  ].join('\n');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, md);
  console.log(`wrote ${out}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => { console.error(err); process.exit(1); });
}
