// Node entry of the JS library: the same core operations as the browser
// worker, on the Node build of the WebAssembly module, in-process.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createCoreOps } from './core-ops.mjs';
import { FiligraneError } from './errors.mjs';
import { createAnalysis } from './analysis.mjs';
import { createCues } from './cues.mjs';
import { configureModels, modelBytes, onModelsRelease } from './models.mjs';
import { Worker } from 'node:worker_threads';
import { FaceHelper } from './face-helper.mjs';
import { FACE_MODEL } from './faces.mjs';
import { readModelRegistry } from './model-registry.mjs';
import { configureCodeReader } from './codes.mjs';

export { FiligraneError } from './errors.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Default location of the Node build of the module (make build-wasm). */
export const DEFAULT_MODULE_PATH = path.join(repoRoot, 'build', 'wasm', 'filigrane_node.js');

/**
 * Points the model loader at the repository: models/<name>/model.json for the
 * registry, files read from disk (checked by sha256 in models.mjs), and
 * onnxruntime-web's WebAssembly backend on one thread.
 */
export function configureNodeModels({ root = repoRoot } = {}) {
  configureModels({
    registry: async () => readModelRegistry(root),
    loadBytes: async (name, entry) => {
      try {
        return new Uint8Array(await readFile(path.join(root, entry.source)));
      } catch (err) {
        throw new FiligraneError('model_unavailable', `the ${name} model file ${entry.source} is missing (${err.code ?? err.message}); run "make build"`);
      }
    },
    loadOrt: async () => {
      const ort = await import('onnxruntime-web');
      ort.env.wasm.numThreads = 1;
      return ort;
    },
  });
}

/** The official C2PA validator (c2pa-rs as WebAssembly), initialised from node_modules. */
async function loadC2paWasm() {
  const require = createRequire(import.meta.url);
  let modulePath;
  try {
    modulePath = require.resolve('@contentauth/c2pa-wasm/c2pa.wasm');
  } catch {
    throw new FiligraneError('model_unavailable', 'the C2PA validator (@contentauth/c2pa-wasm) is not installed; run "make deps"');
  }
  const c2pa = await import('@contentauth/c2pa-wasm');
  c2pa.initSync({ module: new WebAssembly.Module(readFileSync(modulePath)) });
  return c2pa;
}

/**
 * The face helper thread (face-helper.mjs), started on first use: a
 * worker_threads Worker with its own ONNX Runtime session of the face model.
 * It keeps the process alive only while it has tiles to run, and ends at
 * releaseModelSessions. `perScan`: it also ends as soon as its scan is done
 * (`endAfterScan`, which cues.mjs calls before the text models load), so its
 * memory is returned before theirs grows; the next scan starts another.
 */
function nodeFaceHelper({ perScan = false } = {}) {
  let pending = null;
  return () => {
    if (!pending) {
      const started = (pending = createNodeFaceHelper());
      const end = async () => {
        forget();
        if (pending === started) pending = null;
        return (await started).terminate();
      };
      // One hook per helper, taken back when it ends first (a helper per scan adds none that linger).
      const forget = onModelsRelease(end);
      if (perScan) started.then((helper) => { helper.endAfterScan = end; }, () => {});
    }
    return pending;
  };
}

/** A face helper thread of its own (tests; engines share one through createFiligraneNode({faceThreads})). */
export async function createNodeFaceHelper() {
  const worker = new Worker(new URL('./face-thread-node.mjs', import.meta.url));
  return new FaceHelper({
    post: (message, transfer) => worker.postMessage(message, transfer),
    listen: (fn) => {
      worker.on('message', fn);
      worker.on('error', (err) => fn({ type: 'error', id: null, message: err?.message ?? String(err) }));
    },
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    terminate: () => worker.terminate(),
  }, await modelBytes(FACE_MODEL));
}

/**
 * Loads the WebAssembly module and returns its operations plus the raw module.
 * faceThreads: 1 runs a thorough face scan on a helper thread beside this one
 * (the CLI on a machine with two cores or more); 0 keeps everything on this
 * thread (scan's worker threads, which already fill the cores).
 * faceHelperPerScan: the helper ends when its scan is done, before the text
 * models load (the CLI: one scan per process, memory over start-up time).
 * @param {{modulePath?: string, faceThreads?: number, faceHelperPerScan?: boolean}} [options]
 */
export async function createFiligraneNode({ modulePath = process.env.FILIGRANE_WASM_NODE ?? DEFAULT_MODULE_PATH, faceThreads = 0,
  faceHelperPerScan = false } = {}) {
  if (!existsSync(modulePath)) {
    throw new FiligraneError('not_found', `the WebAssembly module is not built (${modulePath}); run "make build"`);
  }
  const createFiligraneCore = createRequire(import.meta.url)(modulePath);
  const module = await createFiligraneCore();
  configureNodeModels();
  configureCodeReader({
    loadReader: async () => {
      const require = createRequire(import.meta.url);
      let wasmPath;
      try {
        wasmPath = require.resolve('zxing-wasm/reader/zxing_reader.wasm');
      } catch {
        throw new FiligraneError('model_unavailable', 'the QR and barcode reader (zxing-wasm) is not installed; run "make deps"');
      }
      return { module: await import('zxing-wasm/reader'), wasm: new Uint8Array(await readFile(wasmPath)) };
    },
  });
  const ops = createCoreOps(module);
  const loadAsset = async (name, spec) => {
    try {
      return new Uint8Array(await readFile(path.join(repoRoot, spec.source)));
    } catch (err) {
      throw new FiligraneError('model_unavailable', `a file of the ${name} model is missing (${spec.source}); run "make build"`);
    }
  };
  return { ...ops, ...createAnalysis({ ops, loadC2paWasm }), ...createCues({ ops, module, loadAsset, faceHelper: faceThreads > 0 ? nodeFaceHelper({ perScan: faceHelperPerScan }) : null }), module };
}
