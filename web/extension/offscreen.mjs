// The offscreen document: hosts the Filigrane engine (WebAssembly in a module
// worker), fetches each image's bytes itself with the extension's host
// permissions (nothing is uploaded anywhere), and answers scan requests
// relayed by the service worker.
import { Filigrane, FiligraneError } from './lib/filigrane.mjs';
import { summarise } from './verdict.mjs';

const MAX_IMAGE_BYTES = 32 * 1024 * 1024;
const MAX_CACHED = 500;        // results remembered, by URL
const MAX_HELD_FILES = 32;     // image files kept in memory for the deep stage
const MAX_PARALLEL_FETCHES = 4;

// Two workers: provenance (fast, core only) never waits behind the models
// (AI verdict, nudity), which load large runtimes and take seconds per image.
const workerUrl = new URL('./lib/worker.mjs', import.meta.url);
const quickEngine = Filigrane.create({ workerUrl });
let deepEngine = null;
const DEEP_OPS = { ai: ['aiVerdict'], nudity: ['nudity', 'detectNudity'] };
const hasDeepOps = Object.values(DEEP_OPS).flat().some((op) => typeof Filigrane.prototype[op] === 'function');
const entries = new Map(); // url -> {bytes, provenance, quick, full}, most recent last

let fetching = 0;
const waiting = [];
async function withFetchSlot(task) {
  if (fetching >= MAX_PARALLEL_FETCHES) await new Promise((resolve) => waiting.push(resolve));
  fetching++;
  try {
    return await task();
  } finally {
    fetching--;
    waiting.shift()?.();
  }
}

async function fetchBytes(url) {
  const { protocol } = new URL(url);
  if (!['http:', 'https:', 'data:'].includes(protocol)) throw new Error(`cannot read ${protocol} images`);
  // No cookies and no referrer: the image's host learns nothing about the page or the user.
  const response = await fetch(url, { credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'force-cache' });
  if (!response.ok) throw new Error(`the image answered HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_IMAGE_BYTES) throw new Error('the image file is too large to scan');
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength > MAX_IMAGE_BYTES) throw new Error('the image file is too large to scan');
  return bytes;
}

/** Runs the first op of `names` this engine has; null when it has none or cannot judge the file. */
async function optional(core, names, bytes) {
  const name = names.find((n) => typeof core[n] === 'function');
  if (!name) return null;
  try {
    return await core[name](bytes);
  } catch (err) {
    if (err instanceof FiligraneError) return null; // unsupported_feature, or a file it cannot judge
    throw err;
  }
}

async function readProvenance(bytes) {
  try {
    return await (await quickEngine).provenance(bytes);
  } catch (err) {
    if (err instanceof FiligraneError) return null; // formats without metadata (GIF, BMP) or damaged files
    throw err;
  }
}

// The deep stage runs one image at a time, in request order.
let deepChain = Promise.resolve();
function deepStage(entry) {
  const run = deepChain.then(async () => {
    deepEngine ??= Filigrane.create({ workerUrl });
    const core = await deepEngine;
    const bytes = await (entry.bytes ?? withFetchSlot(() => fetchBytes(entry.url)));
    const nudity = await optional(core, DEEP_OPS.nudity, bytes);
    const ai = await optional(core, DEEP_OPS.ai, bytes);
    return { ok: true, stage: 'full', ...summarise(await entry.provenance, ai, nudity) };
  });
  deepChain = run.catch(() => {});
  return run;
}

function entryFor(url) {
  let entry = entries.get(url);
  if (entry) {
    entries.delete(url); // refresh its place in the LRU order
  } else {
    entry = { url, bytes: withFetchSlot(() => fetchBytes(url)) };
    entry.provenance = entry.bytes.then(readProvenance);
    entry.quick = entry.provenance.then((prov) => ({ ok: true, stage: 'quick', more: hasDeepOps, ...summarise(prov) }));
    if (!hasDeepOps) entry.quick.finally(() => { entry.bytes = null; }).catch(() => {});
  }
  entries.set(url, entry);
  if (entries.size > MAX_CACHED) entries.delete(entries.keys().next().value);
  // Older files are dropped from memory (the deep stage fetches them again if asked).
  const holding = [...entries.values()].filter((e) => e.bytes);
  for (const e of holding.slice(0, Math.max(0, holding.length - MAX_HELD_FILES))) e.bytes = null;
  return entry;
}

/** stage 'quick': provenance only; 'full': with the AI verdict and nudity check. */
function scan(url, stage) {
  const entry = entryFor(url);
  let result;
  if (stage === 'full' && hasDeepOps) {
    entry.full ??= deepStage(entry).finally(() => { entry.bytes = null; }); // the bytes are no longer needed
    result = entry.full;
  } else {
    result = entry.quick;
  }
  return result.catch((err) => {
    entries.delete(url); // a failed read is retried next time
    return { ok: false, error: String(err?.message ?? err) };
  });
}

chrome.runtime.onMessage.addListener((message, _sender, sendResponse) => {
  if (message?.target !== 'offscreen') return false;
  if (message.type === 'scan' && typeof message.url === 'string') {
    scan(message.url, message.stage).then(sendResponse);
    return true;
  }
  return false;
});

chrome.runtime.sendMessage({ type: 'filigrane-offscreen-ready' }).catch(() => { /* no one waiting */ });
