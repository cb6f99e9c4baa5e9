// `filigrane scan --summary results.jsonl`: counts per AI verdict, cue kind,
// mark and error, printed; and a self-contained HTML report beside the results
// with a thumbnail of each flagged file. Thumbnails are made here by the same
// WebAssembly core and embedded as data: URLs; the page's Content Security
// Policy allows no request at all, so nothing it shows leaves the machine.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { FiligraneError } from '../../lib/errors.mjs';
import { engine } from '../cli-support.mjs';
import { lineFailed, resultLines } from './output.mjs';

const VERDICTS = ['ai', 'likely-ai', 'unknown', 'likely-real'];
const THUMB_SIDE = 200;

const bump = (map, key, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

/** Why a line is flagged: sentences, empty when nothing was found. */
export function flagReasons(line) {
  const reasons = [];
  const ai = line.ai;
  if (ai && !ai.error && (ai.verdict === 'ai' || ai.verdict === 'likely-ai')) reasons.push(`AI verdict: ${ai.verdict}`);
  const c2pa = line.provenance?.c2pa;
  if (c2pa?.present) reasons.push(`Content Credentials (${c2pa.validation?.state ?? 'not validated'})`);
  const cues = line.cues;
  if (cues && !cues.error) {
    if (cues.faces?.length) reasons.push(`${cues.faces.length} face${cues.faces.length > 1 ? 's' : ''}`);
    if (cues.nsfw?.verdict === 'nudity' || cues.nsfw?.verdict === 'suggestive') reasons.push(cues.nsfw.verdict === 'nudity' ? 'nudity' : 'suggestive');
    const pii = [...new Set((cues.text ?? []).flatMap((t) => (t.pii ?? []).map((p) => p.kind)))];
    if (pii.length) reasons.push(`personal data in text: ${pii.join(', ')}`);
    if (cues.codes?.length) reasons.push(`${cues.codes.length} QR code/barcode${cues.codes.length > 1 ? 's' : ''}`);
    for (const m of cues.metadata ?? []) reasons.push(m.detail);
  }
  const marks = line.marks;
  if (marks && !marks.error) {
    if (marks.sd?.found) reasons.push(`${marks.sd.kind ?? 'Stable Diffusion'} generator mark`);
    if (marks.filigrane?.found) reasons.push(marks.filigrane.summary);
  }
  return reasons;
}

function errorsOf(line) {
  const list = [];
  if (line.error) list.push({ check: 'file', ...line.error });
  for (const check of ['provenance', 'ai', 'cues', 'marks']) if (line[check]?.error) list.push({ check, ...line[check].error });
  return list;
}

/** Counts over a results file, read line by line; flagged and failed lines kept for the report. */
export async function summarise(file, { keepFlagged = Infinity } = {}) {
  const counts = {
    files: 0, failedFiles: 0, unparsed: 0,
    verdicts: new Map(), cues: new Map(), piiKinds: new Map(), metadata: new Map(), marks: new Map(),
    provenance: new Map(), errors: new Map(), formats: new Map(),
  };
  const flagged = [];
  const failed = [];
  let flaggedFiles = 0;
  for await (const line of resultLines(file)) {
    if (line === null) {
      counts.unparsed++;
      continue;
    }
    counts.files++;
    bump(counts.formats, line.format ?? 'not an image');
    if (line.ai) bump(counts.verdicts, line.ai.error ? 'error' : line.ai.verdict);
    const p = line.provenance;
    if (p && !p.error) {
      if (p.c2pa?.present) bump(counts.provenance, `C2PA manifest (${p.c2pa.validation?.state ?? 'not validated'})`);
      if (p.xmp?.digital_source_type || p.c2pa?.digital_source_type) bump(counts.provenance, 'declared digital source type');
      if (p.generator?.tool) bump(counts.provenance, 'generator named in metadata');
      if (p.exif?.make) bump(counts.provenance, 'camera EXIF');
    }
    const c = line.cues;
    if (c && !c.error) {
      if (c.faces?.length) { bump(counts.cues, 'faces: files'); bump(counts.cues, 'faces: total', c.faces.length); }
      if (c.nsfw?.verdict && c.nsfw.verdict !== 'none') bump(counts.cues, `nudity: ${c.nsfw.verdict}`);
      const kinds = new Set((c.text ?? []).flatMap((t) => (t.pii ?? []).map((x) => x.kind)));
      if (kinds.size) bump(counts.cues, 'personal data in text: files');
      for (const k of kinds) bump(counts.piiKinds, k);
      for (const code of c.codes ?? []) bump(counts.cues, `codes: ${code.kind}`);
      for (const k of new Set((c.metadata ?? []).map((m) => m.kind))) bump(counts.metadata, k);
    }
    const m = line.marks;
    if (m && !m.error) {
      if (m.sd?.found) bump(counts.marks, `Stable Diffusion mark (${m.sd.kind})`);
      if (m.filigrane?.found) for (const mark of m.filigrane.marks) bump(counts.marks, `Filigrane ${mark.kind} mark`);
    }
    const errors = errorsOf(line);
    for (const e of errors) bump(counts.errors, `${e.check}: ${e.code}`);
    if (lineFailed(line)) {
      counts.failedFiles++;
      if (failed.length < 1000) failed.push({ path: line.path, errors });
    }
    const reasons = flagReasons(line);
    if (reasons.length) {
      flaggedFiles++;
      if (flagged.length < keepFlagged) flagged.push({ line, reasons });
    }
  }
  counts.flaggedFiles = flaggedFiles;
  return { counts, flagged, failed };
}

const plain = (map) => Object.fromEntries([...map].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));

function textReport(file, counts, htmlPath) {
  const out = [`${file}: ${counts.files} file(s), ${counts.flaggedFiles} flagged, ${counts.failedFiles} with errors`
    + (counts.unparsed ? `, ${counts.unparsed} line(s) that are not results` : '')];
  const section = (title, map, order = null) => {
    if (!map.size) return;
    out.push('', title);
    const entries = order ? [...order.filter((k) => map.has(k)).map((k) => [k, map.get(k)]), ...[...map].filter(([k]) => !order.includes(k))] : Object.entries(plain(map));
    const width = Math.max(...entries.map(([k]) => k.length));
    for (const [k, v] of entries) out.push(`  ${k.padEnd(width)}  ${v}`);
  };
  section('AI verdict', counts.verdicts, [...VERDICTS, 'error']);
  section('Provenance', counts.provenance);
  section('Cues', counts.cues);
  section('Personal data in text, by kind (files)', counts.piiKinds);
  section('Metadata cues (files)', counts.metadata);
  section('Marks', counts.marks);
  section('Errors (check: code)', counts.errors);
  section('Formats', counts.formats);
  if (htmlPath) out.push('', `HTML report: ${htmlPath}`);
  return out.join('\n') + '\n';
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[ch]));

/** A JPEG thumbnail as a data: URL, or a sentence saying why there is none. */
async function thumbnail(core, line, resultsDir) {
  const file = path.isAbsolute(line.path) ? line.path : path.resolve(process.cwd(), line.path);
  let bytes;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (err) {
    const other = path.resolve(resultsDir, line.path);
    try { bytes = new Uint8Array(await readFile(other)); } catch { return { note: `the file is not here any more (${err.code ?? err.message})` }; }
  }
  if (line.sha256 && createHash('sha256').update(bytes).digest('hex') !== line.sha256) return { note: 'the file has changed since it was scanned' };
  try {
    const small = core.decodeRgba(bytes, { maxSide: THUMB_SIDE, minSide: THUMB_SIDE });
    const jpeg = core.encode(small, { format: 'jpeg', quality: 80 });
    return { src: `data:image/jpeg;base64,${Buffer.from(jpeg).toString('base64')}`, width: small.width, height: small.height };
  } catch (err) {
    return { note: err instanceof FiligraneError ? err.userMessage : 'no preview' };
  }
}

/** Boxes drawn over a thumbnail, in percent of the displayed image. */
function overlayBoxes(line) {
  const c = line.cues;
  if (!c || c.error || !c.width || !c.height) return '';
  const boxes = [
    ...(c.faces ?? []).map((f) => ({ box: f.box, kind: 'face' })),
    ...(c.text ?? []).filter((t) => t.pii?.length).map((t) => ({ box: t.box, kind: 'text' })),
    ...(c.codes ?? []).map((q) => ({ box: q.box, kind: 'code' })),
  ].filter((b) => b.box && Number.isFinite(b.box.x));
  const pct = (v, of) => `${Math.max(0, Math.min(100, (100 * v) / of)).toFixed(2)}%`;
  return boxes.map(({ box, kind }) => `<span class="box ${kind}" style="left:${pct(box.x, c.width)};top:${pct(box.y, c.height)};`
    + `width:${pct(box.width, c.width)};height:${pct(box.height, c.height)}"></span>`).join('');
}

async function htmlReport(results, { counts, flagged, failed }, maxThumbnails) {
  const core = maxThumbnails > 0 && flagged.length ? await engine() : null;
  const resultsDir = path.dirname(path.resolve(results));
  const table = (title, map) => (map.size ? `<h2>${escapeHtml(title)}</h2><table>${Object.entries(plain(map))
    .map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${v}</td></tr>`).join('')}</table>` : '');
  const cards = [];
  for (const [i, { line, reasons }] of flagged.entries()) {
    const thumb = core && i < maxThumbnails ? await thumbnail(core, line, resultsDir) : { note: 'no thumbnail (over --max-thumbnails)' };
    const picture = thumb.src
      ? `<div class="thumb"><img src="${thumb.src}" width="${thumb.width}" height="${thumb.height}" alt="">${overlayBoxes(line)}</div>`
      : `<div class="thumb none">${escapeHtml(thumb.note)}</div>`;
    cards.push(`<li>${picture}<p class="path">${escapeHtml(line.path)}</p><ul>${reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul></li>`);
  }
  const failures = failed.length ? `<h2>Files with errors (${counts.failedFiles})</h2><table class="errors"><tr><th>file</th><th>error</th></tr>${failed.map((f) =>
    `<tr><td>${escapeHtml(f.path)}</td><td>${f.errors.map((e) => `${escapeHtml(e.check)}: <code>${escapeHtml(e.code)}</code> ${escapeHtml(e.message ?? '')}`).join('<br>')}</td></tr>`).join('')}</table>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Filigrane scan: ${escapeHtml(path.basename(results))}</title>
<style>
:root { color-scheme: light dark; --fg: #1b1b1f; --bg: #fff; --muted: #5c5c66; --line: #d8d8de; }
@media (prefers-color-scheme: dark) { :root { --fg: #ececf1; --bg: #17171b; --muted: #a4a4b0; --line: #3a3a44; } }
body { font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; padding: 1rem; max-width: 72rem; }
table { border-collapse: collapse; margin-bottom: 1rem; } th, td { text-align: left; padding: .2rem .8rem .2rem 0; border-bottom: 1px solid var(--line); vertical-align: top; }
td { font-variant-numeric: tabular-nums; } code { font-size: .9em; }
table.errors { width: 100%; table-layout: fixed; } table.errors td { overflow-wrap: anywhere; }
.summary { color: var(--muted); }
ul.cards { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 1rem; }
ul.cards > li { border: 1px solid var(--line); border-radius: 8px; padding: .6rem; overflow-wrap: anywhere; }
.thumb { position: relative; display: inline-block; max-width: 100%; } .thumb img { display: block; max-width: 100%; height: auto; }
.thumb.none { color: var(--muted); font-size: .9em; padding: 2rem .5rem; }
.box { position: absolute; border: 2px solid #e0452b; box-sizing: border-box; } .box.text { border-color: #d48806; } .box.code { border-color: #1677ff; }
.path { font-family: ui-monospace, monospace; font-size: .85em; margin: .4rem 0; } ul.cards ul { margin: 0; padding-left: 1.1rem; }
</style></head><body>
<h1>Filigrane scan report</h1>
<p class="summary">${escapeHtml(results)}: ${counts.files} file(s), ${counts.flaggedFiles} flagged, ${counts.failedFiles} with errors. Made on this machine; this page loads nothing from the network.</p>
${table('AI verdict', counts.verdicts)}${table('Provenance', counts.provenance)}${table('Cues', counts.cues)}${table('Personal data in text, by kind', counts.piiKinds)}${table('Metadata cues', counts.metadata)}${table('Marks', counts.marks)}${table('Errors (check: code)', counts.errors)}
<h2>Flagged files (${counts.flaggedFiles}${flagged.length < counts.flaggedFiles ? `, first ${flagged.length} shown` : ''})</h2>
<ul class="cards">${cards.join('\n')}</ul>
${failures}
</body></html>
`;
}

/**
 * @param {{results: string, html: string|null, maxThumbnails: number, json: boolean}} o
 * @returns {Promise<number>} exit code 0 (the counts say how many files failed)
 */
export async function runSummary({ results, html, maxThumbnails, json }) {
  let summary;
  try {
    summary = await summarise(results, { keepFlagged: Math.max(maxThumbnails, 1000) });
  } catch (err) {
    throw new FiligraneError('unreadable', `cannot read ${results} (${err.code ?? err.message})`);
  }
  const htmlPath = html ?? results.replace(/(\.jsonl)?$/i, '.html');
  const page = await htmlReport(results, summary, maxThumbnails);
  const temporary = `${htmlPath}.${process.pid}.partial`;
  try {
    await writeFile(temporary, page);
    await rename(temporary, htmlPath);
  } catch (err) {
    await rm(temporary, { force: true }).catch(() => {});
    throw new FiligraneError('unwritable', `cannot write ${htmlPath} (${err.code ?? err.message})`);
  }
  const { counts } = summary;
  if (json) {
    process.stdout.write(JSON.stringify({
      results, files: counts.files, flagged: counts.flaggedFiles, failed: counts.failedFiles, unparsed: counts.unparsed,
      verdicts: plain(counts.verdicts), provenance: plain(counts.provenance), cues: plain(counts.cues), pii_kinds: plain(counts.piiKinds),
      metadata: plain(counts.metadata), marks: plain(counts.marks), errors: plain(counts.errors), formats: plain(counts.formats), html: htmlPath,
    }, null, 2) + '\n');
  } else {
    process.stdout.write(textReport(results, counts, htmlPath));
  }
  return 0;
}
