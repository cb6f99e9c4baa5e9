#!/usr/bin/env node
// Where an OCR quick read spends its time, under Node (one thread): every core
// binding and every detector/recogniser run timed, after a warm-up read, with
// each recogniser batch's shape; the words-right share counts the article's
// vocabulary (tools/article_page.mjs) as bench_speed.mjs does.
//   node tools/profile_ocr.mjs PAGE.png ['{"maxSide": 960}']   (readText options as JSON)
//   SHOW=1 also prints every line read.
import { readFileSync } from 'node:fs';
import { createFiligraneNode } from '../web/lib/node.mjs';
import { modelSession, ortRuntime, modelEntry } from '../web/lib/models.mjs';
import { readText, verifiedDictionary, OCR_DET_MODEL, OCR_REC_MODEL } from '../web/lib/ocr.mjs';
import { ARTICLE_VOCABULARY } from './article_page.mjs';
const core = await createFiligraneNode();
const module = core.module;
if (!process.argv[2]) { console.error('usage: node tools/profile_ocr.mjs PAGE.png [OPTIONS_JSON]'); process.exit(2); }
const bytes = readFileSync(process.argv[2]);
const { width, height, rgba } = core.decodeRgba(bytes);
const ort = await ortRuntime();
const det = await modelSession(OCR_DET_MODEL), rec = await modelSession(OCR_REC_MODEL);
const entry = await modelEntry(OCR_REC_MODEL);
const dictionary = await verifiedDictionary(entry, async (s) => new Uint8Array(readFileSync(new URL(`../${s.source}`, import.meta.url))));
const T = {}; const add = (k, ms) => { T[k] = (T[k] ?? 0) + ms; };
const wrapB = (name) => { const f = module[name]; module[name] = (...a) => { const t = performance.now(); const r = f.apply(module, a); add(name, performance.now() - t); return r; }; };
['textDetectorInput', 'textBoxes', 'textRecognizerInputs', 'textCtcDecode', 'textFindPii'].forEach(wrapB);
const recShapes = [];
const wrapS = (s, name) => { const run = s.run.bind(s); return { inputNames: s.inputNames, outputNames: s.outputNames, run: async (feeds) => { const t = performance.now(); const r = await run(feeds); const ms = performance.now() - t; add(name, ms); if (name === 'rec') recShapes.push([...Object.values(feeds)[0].dims, ms.toFixed(0)]); else add('detdims ' + Object.values(feeds)[0].dims.join('x'), 0); return r; } }; };
const sessions = { det: wrapS(det, 'det'), rec: wrapS(rec, 'rec') };
const opts = JSON.parse(process.argv[3] ?? '{}');
await readText({ module, sessions, ort, rgba, width, height, options: { dictionary, ...opts } }); // warm
for (const k of Object.keys(T)) delete T[k]; recShapes.length = 0;
const t0 = performance.now(); const c0 = process.cpuUsage();
const items = await readText({ module, sessions, ort, rgba, width, height, options: { dictionary, ...opts } });
const wall = performance.now() - t0; const cpu = process.cpuUsage(c0);
const vocab = new Set(ARTICLE_VOCABULARY.split(' '));
const words = items.map((i) => i.text).join(' ').toLowerCase().split(/[^a-z]+/).filter(Boolean);
console.log('wall', wall.toFixed(0), 'cpu', ((cpu.user + cpu.system) / 1000).toFixed(0), 'lines', items.length, 'acc', (100 * words.filter((w) => vocab.has(w)).length / words.length).toFixed(1), 'of', words.length);
console.log(Object.fromEntries(Object.entries(T).map(([k, v]) => [k, Math.round(v)])));
const realW = recShapes.reduce((s, d) => s + d[0] * d[3], 0);
console.log('rec batches', recShapes.length, 'total padded cols', realW, JSON.stringify(recShapes));
if (process.env.SHOW) console.log(items.map((i) => `${i.box.x},${i.box.y},${i.box.width}x${i.box.height} ${i.score.toFixed(3)} ${i.text}`).join('\n'));
