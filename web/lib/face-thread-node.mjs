// The face helper's thread under Node (worker_threads): one ONNX Runtime
// session of the face model on one thread (face-helper.mjs serveFaceScans).
import { parentPort } from 'node:worker_threads';
import { serveFaceScans } from './face-helper.mjs';

serveFaceScans({
  post: (message, transfer) => parentPort.postMessage(message, transfer),
  listen: (fn) => parentPort.on('message', fn),
  loadOrt: async () => {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    return ort;
  },
});
