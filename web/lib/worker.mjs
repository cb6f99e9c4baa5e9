// Web Worker hosting the Filigrane WebAssembly module, ONNX Runtime and the
// C2PA validator. The main thread sends {id, op, args}; the worker answers
// {id, ok: true, result} or {id, ok: false, error: {code, message, status}},
// and {id, progress: {what, loaded, total}} while a model downloads.
// Pixel buffers travel as transferables, so nothing is copied twice.
// The file a call names is decoded once and kept (FileCache, one file): the
// page's calls for the same file (info, preview, provenance, marks, verdict,
// cues) all run on that one DecodedImage; the next file closes it, as does
// `closeFiles`.
import createFiligraneCore from './filigrane_web.mjs';
import { FileCache } from './decoded-image.mjs';
import { createCoreOps, platformDecodedFormat, DEFAULT_MAX_PIXELS } from './core-ops.mjs';
import { createAnalysis } from './analysis.mjs';
import { createCues } from './cues.mjs';
import { configureModels, modelBytes } from './models.mjs';
import { FaceHelper } from './face-helper.mjs';
import { FACE_MODEL } from './faces.mjs';
import { FiligraneError } from './errors.mjs';
import { chooseProvider, ORT_BUILDS } from './accelerator.mjs';
import { configureCodeReader } from './codes.mjs';
import { SessionPool } from './session-pool.mjs';
import { OCR_REC_MODEL } from './ocr.mjs';

const MODELS_URL = new URL('../models/', import.meta.url);
const ORT_URL = new URL('./ort/', import.meta.url);
let currentProgress = null; // progress callback of the call in flight

// Chosen once per session; Filigrane.create({provider}) may force one through the worker's name.
const providerChoice = chooseProvider({ requested: /^filigrane-core:(\w+)$/.exec(self.name)?.[1] ?? null });

/**
 * Offline without the file: the service worker answers 503 with the bytes
 * the offline pack still misses. Said as one sentence a person can act on.
 */
function needsDownload(missingBytes) {
  const size = missingBytes > 0 ? ` of ${Math.max(1, Math.round(missingBytes / 1e6))} MB` : '';
  return new FiligraneError('needs_download', `This needs a one-time download${size}; connect once and choose Make available offline`);
}

/** Fetches a file of the offline pack; offline and not stored gives needs_download. */
async function fetchPackFile(url, init = {}) {
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw needsDownload(0);
  }
  const missing = response.headers.get('X-Filigrane-Missing-Bytes');
  if (response.status === 503 && missing !== null) throw needsDownload(Number(missing));
  return response;
}

/** A pack file's bytes with byte-level progress (the service worker caches it). */
async function fetchPackBytes(url, what, onProgress, expectedBytes = 0) {
  const response = await fetchPackFile(url);
  if (!response.ok) throw new FiligraneError('model_unavailable', `${what} is not part of this build (HTTP ${response.status})`);
  const total = Number(response.headers.get('content-length')) || expectedBytes;
  const report = onProgress ?? currentProgress;
  if (!response.body || !report) return new Uint8Array(await response.arrayBuffer());
  const chunks = [];
  let loaded = 0;
  for (const reader = response.body.getReader(); ;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    report({ what, loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) { bytes.set(c, offset); offset += c.length; }
  return bytes;
}

/** Fetches a model with byte-level progress; the service worker caches it. */
function fetchModel(name, entry, onProgress) {
  return fetchPackBytes(new URL(entry.url, MODELS_URL), `model ${name}`, onProgress, entry.bytes);
}

configureModels({
  registry: async () => {
    const response = await fetch(new URL('index.json', MODELS_URL)).catch(() => null);
    if (!response?.ok) throw new FiligraneError('model_unavailable', 'this build lists no models');
    return response.json();
  },
  loadBytes: fetchModel,
  loadOrt: async () => {
    const { provider } = await providerChoice;
    const build = ORT_BUILDS[provider];
    // Every file is checked first, so a missing one offline is one clear
    // sentence rather than "Failed to fetch dynamically imported module".
    await fetchPackFile(new URL(build.glue, ORT_URL));
    await fetchPackFile(new URL(build.bundle, ORT_URL));
    await fetchPackFile(new URL(build.wasm, ORT_URL), { method: 'HEAD' });
    const ort = await import(new URL(build.bundle, ORT_URL).href);
    // ONNX Runtime fetches its WebAssembly itself (its thread-pool workers load it too).
    ort.env.wasm.wasmPaths = ORT_URL.href;
    // Where the page is cross-origin isolated (COOP/COEP: the site, not the
    // extension) ONNX Runtime may run its own thread pool beside this worker.
    // It keeps every core even where the face helper runs: the pool serves the
    // quick pass (Inspect), which a pool one thread smaller made slower
    // (bench/redaction.md), and the helper runs only in thorough scans.
    ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency ?? 1)) : 1;
    return ort;
  },
  // The text recogniser reads one line a run, dozens a page: where threads
  // exist and it runs on the CPU, two or more single-threaded sessions in
  // workers of their own read lines side by side (bench/speed.md).
  sessionPool: async (name, bytes) => {
    const threads = Math.min(4, navigator.hardwareConcurrency ?? 1);
    const { provider } = await providerChoice;
    if (name !== OCR_REC_MODEL || provider !== 'wasm' || !self.crossOriginIsolated || threads < 2 || typeof Worker !== 'function') return null;
    const build = ORT_BUILDS.wasm;
    return SessionPool.create({
      size: threads, workerUrl: new URL('./session-worker.mjs', import.meta.url),
      ortUrl: new URL(build.bundle, ORT_URL).href, wasmPaths: ORT_URL.href,
      model: bytes, options: { executionProviders: build.executionProviders, logSeverityLevel: 3 },
    });
  },
  sessionOptions: async () => ({
    executionProviders: ORT_BUILDS[(await providerChoice).provider].executionProviders,
    // Level 3 = errors only: ONNX Runtime's graph-optimisation notices are not for users.
    logSeverityLevel: 3,
  }),
});

// The QR and barcode reader (zxing-wasm), copied to lib/zxing/ by make site.
configureCodeReader({
  loadReader: async () => {
    const moduleUrl = new URL('./zxing/reader/index.js', import.meta.url);
    await fetchPackFile(moduleUrl);
    await fetchPackFile(new URL('./zxing/share.js', import.meta.url));
    const wasm = await fetchPackBytes(new URL('./zxing/zxing_reader.wasm', import.meta.url), 'the QR and barcode reader');
    return { module: await import(moduleUrl.href), wasm };
  },
});

async function loadC2paWasm() {
  const moduleUrl = new URL('./c2pa/c2pa.js', import.meta.url);
  await fetchPackFile(moduleUrl);
  const wasm = await fetchPackBytes(new URL('./c2pa/c2pa_bg.wasm', import.meta.url), 'the C2PA validator');
  const c2pa = await import(moduleUrl.href);
  await c2pa.default({ module_or_path: wasm });
  return c2pa;
}

// Cores the thorough face scan can use: with three or more, a helper worker
// (face-thread-web.mjs) runs face tiles beside this one. On two cores ONNX
// Runtime's own pool already fills both, so a helper only oversubscribes
// them: on this 2-core machine 12 MP thorough took 12.8-13.7 s without it
// and 16.5 s with it, and the renderer 100-130 MB more (bench/redaction.md). It needs SharedArrayBuffer (a
// cross-origin isolated page: the site, not the extension) and the
// WebAssembly provider (on a GPU the tiles are not the bottleneck).
const FACE_HELPER = self.crossOriginIsolated && (navigator.hardwareConcurrency ?? 1) >= 3;

/** The face helper worker, started on the first thorough face scan and kept for the page's life. */
function webFaceHelper() {
  let helper = null;
  return async () => {
    if ((await providerChoice).provider !== 'wasm') return null;
    if (!helper) {
      const worker = new Worker(new URL('./face-thread-web.mjs', import.meta.url), { type: 'module', name: 'filigrane-faces' });
      helper = new FaceHelper({
        post: (message, transfer) => worker.postMessage(message, transfer),
        listen: (fn) => {
          worker.onmessage = (event) => fn(event.data);
          worker.onerror = (event) => fn({ type: 'error', id: null, message: event.message ?? 'the face helper could not start' });
        },
        terminate: () => worker.terminate(),
      }, await modelBytes(FACE_MODEL));
    }
    return helper;
  };
}

let files = null; // FileCache over the module, once it is ready
const ready = createFiligraneCore().then((module) => {
  const ops = createCoreOps(module);
  files = new FileCache((bytes) => ops.open(bytes));
  const loadAsset = async (name, spec) => {
    const response = await fetchPackFile(new URL(spec.url, MODELS_URL));
    if (!response.ok) throw new FiligraneError('model_unavailable', `a file of the ${name} model could not be downloaded`);
    return new Uint8Array(await response.arrayBuffer());
  };
  return { ...ops, ...createAnalysis({ ops, loadC2paWasm }), ...createCues({ ops, module, loadAsset, progressHook: () => currentProgress,
    faceHelper: FACE_HELPER ? webFaceHelper() : null }) };
});

function transferablesOf(result) {
  const list = [];
  if (result instanceof Uint8Array) list.push(result.buffer);
  else if (result && result.rgba instanceof Uint8Array) list.push(result.rgba.buffer);
  else if (result && result.bytes instanceof Uint8Array) list.push(result.bytes.buffer);
  return list;
}

/**
 * AVIF and HEIC, which the core has no decoder for, through the browser's own
 * decoder: its pixels become the file's decode (provenance still reads the
 * original file). Where the browser cannot decode the file either, the core's
 * own words ("needs a browser that decodes AVIF") reach the person.
 */
async function decodeWithPlatform(file, format) {
  const bytes = file.bytes;
  if (typeof createImageBitmap !== 'function' || typeof OffscreenCanvas !== 'function') return;
  let bitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes], { type: `image/${format}` }), { premultiplyAlpha: 'none' });
  } catch {
    return; // this browser does not decode the format
  }
  try {
    const { width, height } = bitmap;
    if (width > 65536 || height > 65536 || width * height > DEFAULT_MAX_PIXELS) {
      throw new FiligraneError('too_large', `the image is ${width} x ${height} pixels, over the limit of 100 megapixels`);
    }
    const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    context.drawImage(bitmap, 0, 0);
    const rgba = new Uint8Array(context.getImageData(0, 0, width, height).data.buffer);
    file.adoptPlatformPixels(format, { width, height, rgba });
  } finally {
    bitmap.close();
  }
}

// Calls run one at a time, so progress belongs to the call in flight.
let queue = Promise.resolve();

self.onmessage = (event) => {
  const { id, op, args = [] } = event.data ?? {};
  queue = queue.then(async () => {
    try {
      const ops = await ready;
      if (op === 'ping') {
        self.postMessage({ id, ok: true, result: { engine: 'webassembly', worker: true } });
        return;
      }
      if (op === 'runtime') {
        self.postMessage({ id, ok: true, result: await providerChoice });
        return;
      }
      if (op === 'closeFiles') {
        files.close();
        self.postMessage({ id, ok: true, result: null });
        return;
      }
      if (op === 'fileStats') {
        // Tests: how often the open file was decoded, and decodes in the module overall.
        self.postMessage({ id, ok: true, result: { open: Boolean(files.current), decodes: files.current?.decodes ?? 0, moduleDecodes: ops.heapStats().decodes } });
        return;
      }
      if (typeof ops[op] !== 'function') throw new FiligraneError('invalid_argument', `unknown operation ${op}`);
      currentProgress = (progress) => self.postMessage({ id, progress });
      if (args[0] instanceof ArrayBuffer) args[0] = new Uint8Array(args[0]);
      if (args[0] instanceof Uint8Array) {
        const file = files.get(args[0]);
        const platformFormat = file.decodes === 0 ? platformDecodedFormat(file) : null;
        if (platformFormat) await decodeWithPlatform(file, platformFormat);
        args[0] = file;
      }
      const result = await ops[op](...args);
      self.postMessage({ id, ok: true, result }, transferablesOf(result));
    } catch (err) {
      const error = err instanceof FiligraneError ? err.toJSON()
        : { code: 'internal', message: String(err?.message ?? err), status: 6 };
      self.postMessage({ id, ok: false, error });
    } finally {
      currentProgress = null;
    }
  });
};
