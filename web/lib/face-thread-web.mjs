// The face helper's thread in a browser: a dedicated module worker started
// by the engine's worker (worker.mjs), with one ONNX Runtime session of the
// face model on one thread (face-helper.mjs serveFaceScans). It runs only
// where the page is cross-origin isolated (SharedArrayBuffer).
import { serveFaceScans } from './face-helper.mjs';
import { ORT_BUILDS } from './accelerator.mjs';

const ORT_URL = new URL('./ort/', import.meta.url);

serveFaceScans({
  post: (message, transfer) => self.postMessage(message, transfer),
  listen: (fn) => { self.onmessage = (event) => fn(event.data); },
  loadOrt: async () => {
    const ort = await import(new URL(ORT_BUILDS.wasm.bundle, ORT_URL).href);
    ort.env.wasm.wasmPaths = ORT_URL.href;
    ort.env.wasm.numThreads = 1;
    return ort;
  },
});
