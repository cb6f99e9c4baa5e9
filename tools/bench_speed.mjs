#!/usr/bin/env node
// End-to-end speed a person waits for (issue 20), in headless Chromium through
// the page's own library (Filigrane → worker → WebAssembly), before and after
// in one run: each case runs on the "after" site (build/site) and, when given,
// on a "before" site (--before-site DIR: the same page built from an earlier
// commit), alternating, on the same bytes.
//
//   photo mark 1920x1080, PNG in -> PNG out, and -> JPEG out (markImage)
//   Inspect of a photo with Content Credentials and of a 12 MP JPEG: the
//     calls Inspect makes for a dropped file (info, 512-px preview,
//     provenance report with C2PA validation, SD mark, AI verdict with the
//     pixel detector), models cached; "headline" = until the verdict.
//
// Usage: node tools/bench_speed.mjs [OUT.md] [--before-site DIR] [--after-site DIR] [--repeats N] [--only KIND,...]
//   --only ocr (or mark-png, mark-jpeg, inspect): run only the cases of those kinds
//   --interleave: before and after take turns run by run (not case by case), so
//     a change in the shared machine's load falls on both
import { chromium } from 'playwright-core';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/browser/support/browser.mjs';
import { startServer } from './serve.mjs';
import { createFiligraneNode } from '../web/lib/node.mjs';
import { ARTICLE_VOCABULARY, articleHtml } from './article_page.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const outPath = args[0] && !args[0].startsWith('--') ? args[0] : path.join(repoRoot, 'bench', 'speed.md');
const repeats = Number(option('--repeats', 5));
const beforeSite = option('--before-site', null);
const onlyKinds = option('--only', null)?.split(',') ?? null;
const interleave = args.includes('--interleave');
const afterSite = option('--after-site', path.join(repoRoot, 'build', 'site'));
const shared = path.join(repoRoot, '..', 'shared', 'data');

/** The inputs, made once with the current Node module so both sites read the same bytes. */
async function makeInputs() {
  const core = await createFiligraneNode();
  const w = 1920, h = 1080;
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 4;
      rgba[p] = 128 + 100 * Math.sin(x * 0.013) * Math.cos(y * 0.021);
      rgba[p + 1] = (x * 7 + y * 3) & 255;
      rgba[p + 2] = 128 + 90 * Math.sin((x + y) * 0.005);
      rgba[p + 3] = 255;
    }
  }
  const inputs = { synthetic: core.encode({ width: w, height: h, rgba }) };
  const c2pa = path.join(shared, 'provenance', 'c2pa', 'rs_C.jpg');
  if (existsSync(c2pa)) {
    const bytes = readFileSync(c2pa);
    inputs.photoPng = core.resize(bytes, { width: 1920, height: 1080, filter: 'lanczos3' });
    inputs.c2paJpeg = new Uint8Array(bytes);
    inputs.jpeg12mp = core.resize(bytes, { width: 4000, height: 3000, filter: 'bicubic', format: 'jpeg', quality: 90 });
  }
  return inputs;
}

/** Runs in the page (sent as source): one case, `runs` times after a warm-up; medians in ms. */
async function pageCase({ kind, input, runs, warmOnce = false }) {
  const { Filigrane } = await import('/lib/filigrane.mjs');
  const engine = self.__engine ??= await Filigrane.create();
  const bytes = Uint8Array.from(atob(input), (c) => c.charCodeAt(0));
  const key = 'bench-key', payload = '0123456789abcdef';
  const once = async () => {
    const t0 = performance.now();
    const out = {};
    if (kind === 'mark-png') {
      out.bytes = (await engine.markImage(bytes.slice(), { key, payload })).bytes.length;
    } else if (kind === 'mark-jpeg' && typeof engine.fileStats !== 'function') {
      // Before issue 20: PNG out, decoded and encoded again as JPEG.
      const png = (await engine.markImage(bytes.slice(), { key, payload })).bytes;
      out.bytes = (await engine.encode(await engine.decodeRgba(png), { format: 'jpeg', quality: 90 })).length;
    } else if (kind === 'mark-jpeg') {
      out.bytes = (await engine.markImage(bytes.slice(), { key, payload, format: 'jpeg', quality: 90 })).bytes.length;
    } else if (kind === 'ocr') {
      const r = await engine.cues(bytes.slice(), { faces: false, nsfw: false, text: true });
      out.lines = r.text.map((t) => t.text);
    } else if (kind === 'inspect') {
      // The calls web/app/views/inspect.mjs makes for a dropped file, in its order.
      await engine.info(bytes.slice());
      await engine.decodeRgba(bytes.slice(), { maxSide: 512 });
      out.facts = performance.now() - t0;
      await Promise.allSettled([engine.provenanceReport(bytes.slice()), engine.detectSdMark(bytes.slice())]);
      await engine.aiVerdict(bytes.slice());
    }
    out.ms = performance.now() - t0;
    return out;
  };
  try {
    // warm-up: models, validator and module loaded (once per page and case when interleaved)
    self.__warm ??= new Set();
    if (!warmOnce || !self.__warm.has(kind + input.length)) await once();
    self.__warm.add(kind + input.length);
  } catch (err) {
    return { error: String(err?.message ?? err) };
  }
  const times = [];
  const facts = [];
  let last = null;
  const cpu0 = await self.benchCpuMs();
  for (let i = 0; i < runs; i++) {
    last = await once();
    times.push(last.ms);
    if (last.facts) facts.push(last.facts);
  }
  const cpuMs = (await self.benchCpuMs() - cpu0) / runs;
  const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return { ms: median(times), cpuMs, facts: facts.length ? median(facts) : null, bytes: last.bytes ?? null, lines: last.lines ?? null };
}

async function main() {
  const inputs = await makeInputs();
  const cases = [
    { name: 'photo mark, synthetic 1920x1080 PNG in -> PNG out', kind: 'mark-png', input: 'synthetic' },
    { name: 'photo mark, synthetic 1920x1080 PNG in -> JPEG 90 out', kind: 'mark-jpeg', input: 'synthetic' },
    { name: 'photo mark, photo 1920x1080 PNG in -> PNG out', kind: 'mark-png', input: 'photoPng' },
    { name: 'photo mark, photo 1920x1080 PNG in -> JPEG 90 out', kind: 'mark-jpeg', input: 'photoPng' },
    { name: 'OCR quick read, dense 1920x1080 article (tools/article_page.mjs)', kind: 'ocr', input: 'article', runs: 3 },
    { name: 'Inspect, 2048x1365 JPEG with Content Credentials (rs_C.jpg)', kind: 'inspect', input: 'c2paJpeg', runs: 3 },
    { name: 'Inspect, 12 MP JPEG (4000x3000)', kind: 'inspect', input: 'jpeg12mp', runs: 3 },
  ];

  const sites = [['after', afterSite], ...(beforeSite ? [['before', beforeSite]] : [])];
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  // CPU time of every renderer process (the page and its workers; only the
  // case in flight is busy): less sensitive to the shared machine's load.
  const cdp = await browser.newBrowserCDPSession();
  const rendererCpuMs = async () => {
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
    return processInfo.filter((p) => p.type === 'renderer').reduce((sum, p) => sum + p.cpuTime * 1000, 0);
  };
  const servers = [];
  const pages = {};
  const egress = [];
  try {
    {
      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
      const shot = await context.newPage();
      await shot.setContent(articleHtml());
      inputs.article = await shot.screenshot({ type: 'png' });
      await context.close();
    }
    for (const [label, root] of sites) {
      if (!existsSync(path.join(root, 'lib', 'filigrane.mjs'))) throw new Error(`${root} is not a built site`);
      const { server, url } = await startServer({ root, port: 0 });
      servers.push(server);
      const context = await browser.newContext();
      await context.route((u) => !['127.0.0.1', '[::1]'].includes(u.hostname) && !/^(data|blob|about):/.test(u.protocol),
        (route) => { egress.push(route.request().url()); return route.abort('blockedbyclient'); });
      const page = await context.newPage();
      await page.exposeFunction('benchCpuMs', rendererCpuMs);
      await page.goto(`${url}/lib/errors.mjs`);
      pages[label] = page;
    }
    const rows = [];
    for (const c of cases.filter((x) => inputs[x.input] && (!onlyKinds || onlyKinds.includes(x.kind)))) {
      const row = { name: c.name };
      const input = Buffer.from(inputs[c.input]).toString('base64');
      if (interleave) {
        // One run a turn, sites alternating; medians (wall) and means (CPU) over the turns.
        const turns = Object.fromEntries(sites.map(([label]) => [label, []]));
        for (let r = 0; r < (c.runs ?? repeats); r++) {
          for (const [label] of (r % 2 ? [...sites].reverse() : sites)) {
            const source = `(${pageCase.toString()})(${JSON.stringify({ kind: c.kind, input, runs: 1, warmOnce: true })})`;
            turns[label].push(await pages[label].evaluate(source));
          }
        }
        for (const [label] of sites) {
          const list = turns[label];
          const failed = list.find((t) => t.error);
          const ms = list.map((t) => t.ms).sort((x, y) => x - y);
          row[label] = failed ?? { ...list.at(-1), ms: ms[Math.floor(ms.length / 2)], cpuMs: list.reduce((a, t) => a + t.cpuMs, 0) / list.length };
          console.log(c.name, label, JSON.stringify({ ...row[label], lines: undefined, turns: list.map((t) => [Math.round(t.ms), Math.round(t.cpuMs)]) }));
        }
      } else {
        for (const [label] of sites) {
          const source = `(${pageCase.toString()})(${JSON.stringify({ kind: c.kind, input, runs: c.runs ?? repeats })})`;
          row[label] = await pages[label].evaluate(source);
          console.log(c.name, label, JSON.stringify(row[label]));
        }
      }
      rows.push(row);
    }
    writeReport(rows, sites.map(([l]) => l), browser.version());
  } finally {
    await browser.close();
    for (const s of servers) s.close();
    if (egress.length) throw new Error(`requests left 127.0.0.1: ${egress.join(', ')}`);
  }
}

function writeReport(rows, labels, version) {
  const fmt = (r, field = 'ms') => (r?.error ? `fails: ${r.error}` : Number.isFinite(r?.[field]) ? r[field].toFixed(0) : '—');
  const hasBefore = labels.includes('before');
  const lines = [
    '# End-to-end speed (issue 20)',
    '',
    `Machine: ${os.cpus()[0]?.model ?? 'CPU'}, ${os.cpus().length} cores (load average at the end, above about 2 when other work shared them: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}), ${new Date().toISOString()}.`,
    `Chromium ${version} (headless, flags of tests/browser/support/browser.mjs); the page's own library: Filigrane (main thread) → worker.mjs → WebAssembly; models on the CPU (WebAssembly), cached.`,
    `Median of ${repeats} runs after a warm-up (Inspect rows: 3). ${hasBefore ? `"before" is the same page built from an earlier commit (--before-site), run in the same browser, alternating ${interleave ? 'run by run (--interleave)' : 'case by case'}, on the same bytes.` : ''}`,
    '',
    `| case | ${hasBefore ? 'before ms | ' : ''}after ms | ${hasBefore ? 'after / before | before CPU ms | ' : ''}after CPU ms | output bytes${hasBefore ? ' before / after' : ''} | Inspect: facts shown, ms (after) |`,
    `|---|${hasBefore ? '---|' : ''}---|${hasBefore ? '---|---|' : ''}---|---|---|`,
  ];
  for (const r of rows) {
    const ratio = hasBefore && r.before?.ms && r.after?.ms ? `${(r.after.ms / r.before.ms).toFixed(2)}×` : '—';
    const sizes = hasBefore ? `${r.before?.bytes ?? '—'} / ${r.after?.bytes ?? '—'}` : `${r.after?.bytes ?? '—'}`;
    lines.push(`| ${r.name} | ${hasBefore ? `${fmt(r.before)} | ` : ''}${fmt(r.after)} | ${hasBefore ? `${ratio} | ${fmt(r.before, 'cpuMs')} | ` : ''}${fmt(r.after, 'cpuMs')} | ${sizes} | ${fmt(r.after, 'facts')} |`);
  }
  const vocabulary = new Set(ARTICLE_VOCABULARY.split(' '));
  const share = (r) => {
    const words = (r?.lines ?? []).join(' ').toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 0);
    return words.length ? `${((100 * words.filter((w) => vocabulary.has(w)).length) / words.length).toFixed(1)}% of ${words.length} words` : '—';
  };
  for (const r of rows.filter((x) => x.after?.lines)) {
    lines.push('', `${r.name}: lines read ${hasBefore ? `${r.before?.lines?.length ?? '—'} before, ` : ''}${r.after.lines.length} after; words read right (as bench-cues counts them) ${hasBefore ? `${share(r.before)} before, ` : ''}${share(r.after)} after.`);
  }
  lines.push('', 'Before issue 20 markImage had no JPEG output: a JPEG copy took the PNG out, a decode and an encode.',
    'CPU ms: CPU time of the renderer processes (page + worker, 10 ms granularity) per run, the figure to read when the machine was loaded: on 2 shared cores the wall-clock medians include waiting for other agents\' work.', '');
  writeFileSync(outPath, lines.join('\n'));
  console.log(`wrote ${outPath}`);
}

await main();
