// Web Worker hosting the Filigrane WebAssembly module, ONNX Runtime and the
// C2PA validator. The main thread sends {id, op, args}; the worker answers
// {id, ok: true, result} or {id, ok: false, error: {code, message, status}},
// and {id, progress: {what, loaded, total}} while a model downloads.
// Pixel buffers travel as transferables, so nothing is copied twice.
import createFiligraneCore from './filigrane_web.mjs';
import { createCoreOps, platformDecodedFormat, DEFAULT_MAX_PIXELS } from './core-ops.mjs';
import { createAnalysis } from './analysis.mjs';
import { createCues } from './cues.mjs';
import { configureModels } from './models.mjs';
import { FiligraneError } from './errors.mjs';

const MODELS_URL = new URL('../models/', import.meta.url);
let currentProgress = null; // progress callback of the call in flight

/** Fetches a model with byte-level progress; the service worker caches it. */
async function fetchModel(name, entry, onProgress) {
  let response;
  try {
    response = await fetch(new URL(entry.url, MODELS_URL));
  } catch (err) {
    throw new FiligraneError('model_unavailable', `the ${name} model could not be downloaded (${err.message}); it is cached after the first use while online`);
  }
  if (!response.ok) throw new FiligraneError('model_unavailable', `the ${name} model is not part of this build (HTTP ${response.status})`);
  const total = Number(response.headers.get('content-length')) || entry.bytes || 0;
  const report = onProgress ?? currentProgress;
  if (!response.body || !report) return new Uint8Array(await response.arrayBuffer());
  const chunks = [];
  let loaded = 0;
  for (const reader = response.body.getReader(); ;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    report({ what: `model ${name}`, loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) { bytes.set(c, offset); offset += c.length; }
  return bytes;
}

configureModels({
  registry: async () => {
    const response = await fetch(new URL('index.json', MODELS_URL));
    if (!response.ok) throw new FiligraneError('model_unavailable', 'this build lists no models');
    return response.json();
  },
  loadBytes: fetchModel,
  loadOrt: async () => {
    const ort = await import('./ort/ort.wasm.min.mjs');
    ort.env.wasm.wasmPaths = new URL('./ort/', import.meta.url).href;
    // Where the page is cross-origin isolated (COOP/COEP: the site, not the
    // extension) ONNX Runtime may run its own thread pool beside this worker.
    ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency ?? 1)) : 1;
    return ort;
  },
});

async function loadC2paWasm() {
  const c2pa = await import('./c2pa/c2pa.js');
  await c2pa.default({ module_or_path: new URL('./c2pa/c2pa_bg.wasm', import.meta.url) });
  return c2pa;
}

const ready = createFiligraneCore().then((module) => {
  const ops = createCoreOps(module);
  const loadAsset = async (name, spec) => {
    const response = await fetch(new URL(spec.url, MODELS_URL)).catch(() => null);
    if (!response?.ok) throw new FiligraneError('model_unavailable', `a file of the ${name} model could not be downloaded`);
    return new Uint8Array(await response.arrayBuffer());
  };
  return { ...ops, ...createAnalysis({ ops, loadC2paWasm }), ...createCues({ ops, module, loadAsset }) };
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
 * decoder: the pixels become a PNG the core reads (provenance still reads the
 * original file). Where the browser cannot decode the file either, the core's
 * own words ("needs a browser that decodes AVIF") reach the person.
 */
async function decodeWithPlatform(ops, bytes, format) {
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
    ops.usePlatformDecode(bytes, { format, png: ops.encode({ width, height, rgba }) });
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
      if (typeof ops[op] !== 'function') throw new FiligraneError('invalid_argument', `unknown operation ${op}`);
      currentProgress = (progress) => self.postMessage({ id, progress });
      if (args[0] instanceof ArrayBuffer) args[0] = new Uint8Array(args[0]);
      const platformFormat = platformDecodedFormat(args[0]);
      if (platformFormat) await decodeWithPlatform(ops, args[0], platformFormat);
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
