#!/usr/bin/env node
// Collects the benchmark Markdown in bench/ into one summary, bench/RESULTS.md:
// per core kernel and watermark/screen-mark operation the median natively, as
// WebAssembly under Node and in headless Chromium, the peak WebAssembly
// memory, the ratios wasm/native, the watermark baselines (RivaGAN through
// ONNX Runtime Web, bench/rivagan.md; the invisible-watermark reference
// timings in ../shared/data/reference/timing_psnr.md), and the machine.
// Missing sources leave "—" cells; nothing is measured here.
//
// Usage: node tools/bench_results.mjs [BENCH_DIR] [OUT.md]
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = process.argv[2] ?? path.join(repoRoot, 'bench');
const outPath = process.argv[3] ?? path.join(benchDir, 'RESULTS.md');
const sharedDir = process.env.FILIGRANE_SHARED ?? path.join(repoRoot, '..', 'shared');
const referenceTiming = path.join(sharedDir, 'data', 'reference', 'timing_psnr.md');

/** Every Markdown table of a file: [{heading, header: [..], rows: [[..]]}]. */
function tables(file) {
  if (!existsSync(file)) return [];
  const out = [];
  let heading = '';
  let current = null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('#')) heading = line.replace(/^#+\s*/, '');
    if (!line.startsWith('|')) { current = null; continue; }
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (!current) {
      current = { heading, header: cells, rows: [] };
      out.push(current);
    } else if (!cells.every((c) => /^:?-+:?$/.test(c))) {
      current.rows.push(cells);
    }
  }
  return out;
}

/** The "Machine: ..." line of a file, or "". */
function machineOf(file) {
  if (!existsSync(file)) return '';
  const line = readFileSync(file, 'utf8').split('\n').find((l) => /^Machine:/.test(l));
  return line ? line.replace(/^Machine:\s*/, '') : '';
}

const num = (s) => {
  const m = /^-?[\d.]+/.exec(String(s ?? '').replace(/,/g, ''));
  return m ? Number(m[0]) : NaN;
};
const bench = (name) => path.join(benchDir, name);

/** Value of column `col` (header prefix match) in the row whose first cell is `name`. */
function lookup(file, name, col, headingPattern = null) {
  for (const t of tables(file)) {
    if (headingPattern && !headingPattern.test(t.heading)) continue;
    const c = t.header.findIndex((h) => h.toLowerCase().startsWith(col.toLowerCase()));
    if (c < 0) continue;
    const row = t.rows.find((r) => r[0] === name);
    if (row) return num(row[c]);
  }
  return NaN;
}

// ---------------------------------------------------------------- machine

function thisMachine() {
  let model = os.cpus()[0]?.model ?? 'unknown CPU';
  let cores = String(os.cpus().length);
  try {
    const lscpu = execFileSync('lscpu', { encoding: 'utf8' });
    model = /Model name:\s*(.+)/.exec(lscpu)?.[1]?.trim() ?? model;
    const cpus = /^CPU\(s\):\s*(\d+)/m.exec(lscpu)?.[1];
    const threads = /Thread\(s\) per core:\s*(\d+)/.exec(lscpu)?.[1];
    if (cpus) cores = `${cpus} logical CPUs${threads ? ` (${threads} thread(s) per core)` : ''}`;
  } catch {
    // lscpu missing: os.cpus() is enough
  }
  return `${model}; ${cores}; ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM; ${os.type()} ${os.release()}; Node ${process.version}`;
}

// ---------------------------------------------------------------- rows

const fmt = (x) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(x >= 10 ? 1 : 2)) : '—');
const ratio = (a, b) => {
  if (!(Number.isFinite(a) && Number.isFinite(b) && b > 0)) return '—';
  const r = a / b;
  return `${r >= 100 ? r.toFixed(0) : r.toFixed(2)}×`;
};

const chromium = bench('chromium.md');
const chromiumMs = (kernel) => lookup(chromium, kernel, 'Chromium ms');
const chromiumPeak = (kernel) => lookup(chromium, kernel, 'peak MiB');
const chromiumCpu = (kernel) => lookup(chromium, kernel, 'Chromium CPU ms');

// Core kernels: bench/core.md (native and Node) and bench/chromium.md.
const CORE = [
  'decode JPEG 1920x1080',
  'decode PNG 1920x1080',
  'encode JPEG q85 1920x1080',
  'resize 1920x1080 -> 960x540 Lanczos3',
  'resize 1920x1080 -> 3840x2160 bicubic',
];
const coreRows = CORE.map((k) => ({
  name: k,
  native: lookup(bench('core.md'), k, 'native'),
  node: lookup(bench('core.md'), k, 'wasm-node'),
  chromium: chromiumMs(k),
  chromiumCpu: chromiumCpu(k),
  peak: chromiumPeak(k),
  source: 'core.md, chromium.md',
}));

// Watermark and screen-mark kernels: the C++ benchmarks natively and as
// WebAssembly under Node; Chromium's estimate from bench/chromium.md.
const MARKS = [
  ['image mark embed 1920x1080', 'mark.md', 'mark-wasm.md', 'Filigrane embed', 'image mark embed', 'e2e: image mark embed (PNG in, PNG out)'],
  ['image mark detect, marked', 'mark.md', 'mark-wasm.md', 'Filigrane detect (marked)', 'image mark detect, marked', 'e2e: image mark detect, marked (PNG in)'],
  ['image mark detect, unmarked', 'mark.md', 'mark-wasm.md', 'Filigrane detect (unmarked: all lattices; median of 5)', 'image mark detect, unmarked', 'e2e: image mark detect, unmarked (PNG in)'],
  ['SD mark test (4 hypotheses)', 'mark.md', 'mark-wasm.md', 'SD mark test (4 hypotheses)', 'SD mark test', 'e2e: SD mark test (PNG in)'],
  ['screen overlay 3840x2160, dpr 1', 'screen.md', 'screen-wasm.md', 'overlay 3840x2160, dpr 1 (tile + fill)', 'screen overlay 3840x2160, dpr 1', 'e2e: screen overlay 3840x2160, dpr 1 (RGBA out)'],
  ['screen decode 1920x1080, marked', 'screen.md', 'screen-wasm.md', 'decode 1920x1080 marked, scale 1', 'screen decode, marked', 'e2e: screen decode, marked (PNG in)'],
  ['screen decode 1920x1080, unmarked', 'screen.md', 'screen-wasm.md', 'decode 1920x1080 unmarked (worst case: all candidates tried)', 'screen decode, unmarked', 'e2e: screen decode, unmarked (PNG in)'],
];
const markRows = MARKS.map(([name, nativeFile, wasmFile, row, chromiumKernel, e2e]) => {
  const col = nativeFile.startsWith('mark') ? 'ms wall' : 'wall ms';
  return {
    name,
    native: lookup(bench(nativeFile), row, col),
    node: lookup(bench(wasmFile), row, col),
    chromium: chromiumMs(chromiumKernel),
    chromiumCpu: chromiumCpu(chromiumKernel),
    peak: chromiumPeak(e2e),
    source: `${nativeFile}, ${wasmFile}, chromium.md (estimate)`,
  };
});
const blurMs = chromiumMs('blur 2 regions (1000x800 px) on 1920x1080 RGBA');
if (Number.isFinite(blurMs)) {
  markRows.push({ name: 'blur 2 regions on 1920x1080', native: NaN, node: lookup(chromium, 'blur 2 regions (1000x800 px) on 1920x1080 RGBA', 'Node ms'), chromium: blurMs, peak: chromiumPeak('blur 2 regions (1000x800 px) on 1920x1080 RGBA'), source: 'chromium.md' });
}

// End-to-end operations (file bytes in, result out) from bench/chromium.md.
const e2eRows = [];
for (const t of tables(chromium)) {
  if (!/Measured/.test(t.heading)) continue;
  const iNode = t.header.indexOf('Node ms');
  const iChrome = t.header.indexOf('Chromium ms');
  const iPeak = t.header.indexOf('peak MiB');
  for (const r of t.rows) {
    if (!r[0].startsWith('e2e: ')) continue;
    e2eRows.push({ name: r[0].slice(5), node: num(r[iNode]), chromium: num(r[iChrome]), peak: num(r[iPeak]) });
  }
}

// ---------------------------------------------------------------- baselines

const riva = bench('rivagan.md');
const rivaEmbed = lookup(riva, 'RivaGAN embed 1920x1080', 'ms (wall');
const rivaDecode = lookup(riva, 'RivaGAN decode 1920x1080', 'ms (wall');
const refRows = tables(referenceTiming).flatMap((t) => t.rows.filter((r) => r[0] === '1920x1080'));
const ref = (method, col) => {
  const r = refRows.find((x) => x[1] === method);
  return r ? num(r[col]) : NaN;
};
const byName = (name) => markRows.find((r) => r.name === name) ?? {};
const embed = byName('image mark embed 1920x1080');
const detect = byName('image mark detect, marked');
const detectUnmarked = byName('image mark detect, unmarked');
const sd = byName('SD mark test (4 hypotheses)');

// ---------------------------------------------------------------- write

const lines = [
  '# Benchmark results',
  '',
  `Collected by tools/bench_results.mjs on ${new Date().toISOString()} from bench/*.md (medians in ms; lower is better).`,
  '',
  `This machine: ${thisMachine()}.`,
  '',
  'Where each source ran (its own "Machine:" line):',
  '',
];
for (const f of readdirSync(benchDir).filter((f) => f.endsWith('.md') && f !== 'RESULTS.md').sort()) {
  const m = machineOf(bench(f));
  if (m) lines.push(`- ${f}: ${m}`);
}
const table = (title, intro, rows, withPeak = true) => {
  lines.push('', `## ${title}`, '', intro, '',
    `| kernel | native | wasm Node | wasm Chromium | wasm Chromium CPU | Node / native | Chromium / native | Chromium CPU / native |${withPeak ? ' peak wasm MiB (Chromium) |' : ''} source |`,
    `|---|---|---|---|---|---|---|---|${withPeak ? '---|' : ''}---|`);
  for (const r of rows) {
    lines.push(`| ${r.name} | ${fmt(r.native)} | ${fmt(r.node)} | ${fmt(r.chromium)} | ${fmt(r.chromiumCpu)} | ${ratio(r.node, r.native)} | ${ratio(r.chromium, r.native)} | ${ratio(r.chromiumCpu, r.native)} |`
      + `${withPeak ? ` ${fmt(r.peak)} |` : ''} ${r.source} |`);
  }
};
table('Core kernels (1920x1080 synthetic image)',
  'Native and Node: bench_core (C++, same source). Chromium: tools/bench_chromium.mjs calling the module\'s bindings '
    + 'on the same image; wall-clock median and the renderer\'s CPU time (mean), which is what to compare when the '
    + 'machine was loaded during the Chromium run (see its Machine line). Peak: WebAssembly linear memory after the '
    + 'kernel in a fresh module instance (32 MiB initial).',
  coreRows);
table('Watermark and screen-mark kernels',
  'Native and Node: bench_mark / bench_screen (C++, kernel only). Chromium: the bindings take file bytes, so its figure '
    + 'is end-to-end minus decode/encode (see bench/chromium.md); peak is the end-to-end operation\'s.',
  markRows);
if (e2eRows.length) {
  lines.push('', '## End-to-end operations (file bytes in, result out; bench/chromium.md)', '',
    '| operation | wasm Node | wasm Chromium | Chromium / Node | peak wasm MiB (Chromium) |', '|---|---|---|---|---|');
  for (const r of e2eRows) {
    lines.push(`| ${r.name} | ${fmt(r.node)} | ${fmt(r.chromium)} | ${ratio(r.chromium, r.node)} | ${fmt(r.peak)} |`);
  }
}
lines.push('', '## Against the baselines (1920x1080)', '',
  'RivaGAN: 32-bit learned watermark through ONNX Runtime Web (WebAssembly SIMD, 1 thread) under Node (bench/rivagan.md). '
    + 'invisible-watermark: the reference Python implementation (OpenCV, 2 threads) whose marks sdmark reads '
    + '(../shared/data/reference/timing_psnr.md). "baseline / Filigrane" > 1 means Filigrane is faster.',
  '',
  '| operation | Filigrane native | Filigrane wasm Node | Filigrane wasm Chromium | baseline | baseline ms | baseline / Filigrane native | baseline / Filigrane Node | baseline / Filigrane Chromium |',
  '|---|---|---|---|---|---|---|---|---|');
const base = (op, f, name, b) => lines.push(`| ${op} | ${fmt(f.native)} | ${fmt(f.node)} | ${fmt(f.chromium)} | ${name} | ${fmt(b)} | ${ratio(b, f.native)} | ${ratio(b, f.node)} | ${ratio(b, f.chromium)} |`);
base('embed', embed, 'RivaGAN embed (ORT Web, Node)', rivaEmbed);
base('detect (marked)', detect, 'RivaGAN decode (ORT Web, Node)', rivaDecode);
base('detect (unmarked)', detectUnmarked, 'RivaGAN decode (ORT Web, Node)', rivaDecode);
base('embed', embed, 'invisible-watermark dwtDct encode (Python)', ref('dwtDct', 3));
base('embed', embed, 'invisible-watermark dwtDctSvd encode (Python)', ref('dwtDctSvd', 3));
base('SD mark test (4 hypotheses)', sd, 'invisible-watermark dwtDct decode, 1 hypothesis (Python)', ref('dwtDct', 4));
base('detect (marked)', detect, 'invisible-watermark dwtDctSvd decode (Python)', ref('dwtDctSvd', 4));
lines.push('', 'Peak memory natively is not measured by the native benchmarks (each runs all its kernels in one process).');
// Before and after, measured side by side in one run (issue 20): the tables
// of speed.md and core-before-after.md, with their machine lines, verbatim.
for (const [f, heading] of [['speed.md', 'End to end, before and after issue 20 (bench/speed.md)'],
  ['core-before-after.md', 'Core kernels, before and after issue 20 (bench/core-before-after.md)']]) {
  if (!existsSync(bench(f))) continue;
  const body = readFileSync(bench(f), 'utf8').split('\n').filter((l) => !l.startsWith('# '));
  lines.push('', `## ${heading}`, ...body);
}
const used = new Set(['core.md', 'mark.md', 'mark-wasm.md', 'screen.md', 'screen-wasm.md', 'chromium.md', 'rivagan.md', 'RESULTS.md']);
const others = readdirSync(benchDir).filter((f) => f.endsWith('.md') && !used.has(f)).sort();
if (others.length) {
  lines.push('', '## Other results in bench/', '');
  for (const f of others) {
    const title = readFileSync(bench(f), 'utf8').split('\n').find((l) => l.startsWith('# '));
    lines.push(`- ${f}: ${title ? title.slice(2) : '(no title)'}`);
  }
}
const missing = ['core.md', 'mark.md', 'mark-wasm.md', 'screen.md', 'screen-wasm.md', 'chromium.md', 'rivagan.md']
  .filter((f) => !existsSync(bench(f)));
if (!existsSync(referenceTiming)) missing.push(`${referenceTiming} (shared data)`);
if (missing.length) lines.push('', `Missing sources (their cells are "—"): ${missing.join(', ')}.`);
writeFileSync(outPath, lines.join('\n') + '\n');
process.stdout.write(lines.join('\n') + '\n');
