#!/usr/bin/env node
// bench/formats.md (issue 15): which corpus files every command reads, with
// pixels checked against the reference decoders; decode speed of a 12 MP WebP
// and a 12 MP TIFF in WebAssembly (Node) against the library's own native tool;
// WebAssembly memory grown by each decode.
// Usage: node tools/bench_formats.mjs CORPUS_DIR OUT.md   (CORPUS_DIR made with --big)
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createFiligraneNode, DEFAULT_MODULE_PATH } from '../web/lib/node.mjs';
import { pixelDifference } from './pixel_diff.mjs';

const [corpus, out] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(path.join(corpus, 'manifest.json'), 'utf8'));
const core = await createFiligraneNode();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'filigrane-formats-'));

// Every command, as the CLI runs it (web/cli/commands), on the same library.
const COMMANDS = {
  info: (b) => core.info(b),
  provenance: (b) => core.provenanceReport(b, { validate: false }),
  ai: (b) => core.aiVerdict(b),
  cues: (b) => core.cues(b),
  redact: (b) => core.redactRegions(b, { regions: [{ x: 0, y: 0, width: 8, height: 8 }] }),
  mark: (b) => core.markImage(b, { key: 'bench', payload: 'abc' }),
  detect: (b) => core.detectImageMark(b, { key: 'bench' }),
  sdmark: (b) => core.detectSdMark(b),
  'screen decode': (b) => core.screenDecode(b, { key: 'bench' }),
};

function pixelsMatch(entry, bytes) {
  const { width, height, rgba } = core.decodeRgba(bytes);
  if (width !== entry.width || height !== entry.height) return false;
  const ref = readFileSync(path.join(corpus, `${entry.file}.rgba`));
  const { worst, mean } = pixelDifference(ref, rgba);
  return entry.compare === 'exact' ? worst === 0 : entry.compare === '16bit' ? worst <= 1 : mean <= 2;
}

const byFormat = new Map();
const refused = [];
const otherFailures = [];
for (const entry of manifest) {
  const bytes = new Uint8Array(readFileSync(path.join(corpus, entry.file)));
  const row = byFormat.get(entry.format) ?? { files: 0, referenceDecodes: 0, pixels: 0, commands: {} };
  byFormat.set(entry.format, row);
  row.files++;
  // Every corpus file is decoded by its reference tool (the corpus script
  // failed otherwise), including the ones Filigrane refuses in words.
  row.referenceDecodes++;
  if (entry.compare && pixelsMatch(entry, bytes)) row.pixels++;
  for (const [name, run] of Object.entries(COMMANDS)) {
    let ok = true;
    try {
      await run(bytes);
    } catch (err) {
      ok = false;
      if (name === 'info') refused.push(`${entry.file}: ${err.userMessage ?? err.message}`);
      else if (!['avif', 'heic'].includes(entry.format) && !entry.expect_error) otherFailures.push(`${name} ${entry.file}: ${err.userMessage ?? err.message}`);
    }
    row.commands[name] = (row.commands[name] ?? 0) + (ok ? 1 : 0);
  }
}

// Speed: median of 5 decodes in WebAssembly (Node) and of the native tool.
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function timeWasm(bytes) {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    core.decodeRgba(bytes);
    times.push(performance.now() - t0);
  }
  return median(times);
}
function timeTool(args) {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    execFileSync(args[0], args.slice(1), { stdio: 'ignore' });
    times.push(performance.now() - t0);
  }
  return median(times);
}
// Memory: a fresh module per decode; growth of its linear memory over the image's RGBA size.
async function memoryRatio(bytes) {
  const module = await createRequire(import.meta.url)(DEFAULT_MODULE_PATH)();
  const before = module.HEAP8.buffer.byteLength;
  const r = module.decodeImage(bytes, 100_000_000, true, 0);
  const grown = module.HEAP8.buffer.byteLength;
  const image = r.image.width * r.image.height * 4;
  r.image.delete();
  return { before, grown, image, file: bytes.byteLength };
}
const speed = [];
for (const [file, tool, what] of [
  ['big-12mp.webp', ['dwebp', path.join(corpus, 'big-12mp.webp'), '-pam', '-o', path.join(tmp, 'o.pam')], 'dwebp -pam (libwebp 1.2.4, native, decode + write PAM)'],
  ['big-12mp-lzw.tif', ['tiff2rgba', '-c', 'none', path.join(corpus, 'big-12mp-lzw.tif'), path.join(tmp, 'o.tif')], 'tiff2rgba -c none (libtiff 4.5.0, native, decode + write RGBA TIFF)'],
]) {
  const bytes = new Uint8Array(readFileSync(path.join(corpus, file)));
  const info = core.info(bytes);
  const mem = await memoryRatio(bytes);
  speed.push({ file, size: `${info.width} x ${info.height}`, fileMb: (bytes.byteLength / 1e6).toFixed(1),
    wasm: timeWasm(bytes), tool: timeTool(tool), what, mem });
}
rmSync(tmp, { recursive: true, force: true });

// The same decodes in Chromium: the page's worker (build/site), through the
// library's promise API, median of 5 (includes the postMessage round trip).
async function timeChromium() {
  const { openApp } = await import('../tests/browser/support/browser.mjs');
  const b = await openApp();
  try {
    const out = {};
    for (const s of speed) {
      const b64 = readFileSync(path.join(corpus, s.file)).toString('base64');
      out[s.file] = await b.page.evaluate(async (b64) => {
        const { Filigrane } = await import('/lib/filigrane.mjs');
        const engine = await Filigrane.create();
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const times = [];
        for (let i = 0; i < 5; i++) {
          const t0 = performance.now();
          await engine.decodeRgba(bytes.slice());
          times.push(performance.now() - t0);
        }
        return times.sort((a, c) => a - c)[2];
      }, b64);
    }
    return out;
  } finally {
    await b.close();
  }
}
let chromium = null;
try {
  chromium = await timeChromium();
} catch (err) {
  console.error(`Chromium timing skipped: ${err.message}`);
}

const names = Object.keys(COMMANDS);
const totals = { files: 0, pixels: 0, commands: Object.fromEntries(names.map((n) => [n, 0])) };
const lines = [
  '# Image formats (issue 15)',
  '',
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}; ${new Date().toISOString()}.`,
  `Corpus: \`tools/make_formats_corpus.py --big\` (Debian's cwebp, img2webp, gif2webp, webpmux, tiffcp, ImageMagick, exiftool, cjpeg, avifenc, heif-enc); ${manifest.length} files. Written by \`make bench-formats\`.`,
  '',
  '## Files each command reads, by format',
  '',
  'Every file here is decoded by a reference decoder (dwebp, Pillow, tiff2rgba). "pixels" counts files whose',
  'pixels match the reference (lossless: exact; 16-bit sources: within 1 level; lossy: mean absolute',
  'difference <= 2). The commands run as the CLI runs them, on the WebAssembly module.',
  '',
  `| format | files | pixels match | ${names.join(' | ')} |`,
  `|---|---|---|${names.map(() => '---').join('|')}|`,
];
for (const [format, row] of byFormat) {
  totals.files += row.files;
  totals.pixels += row.pixels;
  for (const n of names) totals.commands[n] += row.commands[n];
  lines.push(`| ${format} | ${row.files} | ${row.pixels} | ${names.map((n) => row.commands[n]).join(' | ')} |`);
}
const pct = (n, of = totals.files) => `${n} (${((100 * n) / of).toFixed(1)}%)`;
lines.push(`| **all** | ${totals.files} | ${pct(totals.pixels)} | ${names.map((n) => pct(totals.commands[n])).join(' | ')} |`);
// The formats the core itself lists (AVIF and HEIC are the browser's, by design).
const listed = { files: 0, pixels: 0, commands: Object.fromEntries(names.map((n) => [n, 0])) };
for (const [format, row] of byFormat) {
  if (format === 'avif' || format === 'heic') continue;
  listed.files += row.files;
  listed.pixels += row.pixels;
  for (const n of names) listed.commands[n] += row.commands[n];
}
lines.push(`| **JPEG, PNG, WebP, TIFF, BMP, GIF** | ${listed.files} | ${pct(listed.pixels, listed.files)} | ${names.map((n) => pct(listed.commands[n], listed.files)).join(' | ')} |`);
lines.push('', 'Refused, with the words `info` gives:', '', ...refused.map((r) => `- ${r}`), '');
lines.push('Other refusals (a command that needs more than decoding, on a file every other command reads):', '',
  ...(otherFailures.length ? otherFailures.map((r) => `- ${r}`) : ['- none']), '');
lines.push('## Decode speed, 12 MP', '',
  '| file | size | file MB | WebAssembly (Node) ms | WebAssembly (Chromium worker) ms | native tool ms | Node / native | native tool |', '|---|---|---|---|---|---|---|---|');
for (const s of speed) {
  const c = chromium?.[s.file];
  lines.push(`| ${s.file} | ${s.size} | ${s.fileMb} | ${s.wasm.toFixed(0)} | ${c ? c.toFixed(0) : 'not run'} | ${s.tool.toFixed(0)} | ${(s.wasm / s.tool).toFixed(2)} | ${s.what} |`);
}
lines.push('', 'WebAssembly times are `decodeRgba` (decode to RGBA8 inside the module and copy out; in Chromium through',
  'the page\'s worker, so the postMessage round trip and the transfer of the file and pixels count), median of 5; native',
  'times are the whole tool process (start, decode, write the output to a temporary file), median of 5.', '',
  '## Memory of one decode', '',
  'A fresh module per file: its linear memory before and after one `decodeImage` of the whole file (the file',
  'is copied in; Emscripten grows memory in steps and never shrinks it, so this is an upper bound on the peak).', '',
  '| file | RGBA image MB | file MB | memory before MB | memory after MB | growth / image |', '|---|---|---|---|---|---|');
for (const s of speed) {
  const m = s.mem;
  lines.push(`| ${s.file} | ${(m.image / 1e6).toFixed(1)} | ${(m.file / 1e6).toFixed(1)} | ${(m.before / 1e6).toFixed(1)} | ${(m.grown / 1e6).toFixed(1)} | ${((m.grown - m.before) / m.image).toFixed(2)} |`);
}
writeFileSync(out, lines.join('\n') + '\n');
console.log(lines.join('\n'));
