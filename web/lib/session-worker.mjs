// One ONNX Runtime session in a worker of its own, on one thread: a member of
// a SessionPool (session-pool.mjs). The pool sends {op: 'init', ortUrl,
// wasmPaths, model, options} once, then {op: 'run', id, input, dims}; each
// answer is {id, data, dims} (the first output, its buffer transferred) or
// {id, error}.
let session = null;
let ort = null;

self.onmessage = async ({ data: message }) => {
  const { op, id } = message;
  try {
    if (op === 'init') {
      ort = await import(message.ortUrl);
      ort.env.wasm.wasmPaths = message.wasmPaths;
      ort.env.wasm.numThreads = 1;  // the pool is the parallelism: no barrier shared with other work
      session = await ort.InferenceSession.create(message.model, message.options);
      self.postMessage({ id, ok: true });
    } else if (op === 'run') {
      const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', message.input, message.dims) });
      const tensor = out[session.outputNames[0]];
      // A view on a larger (or shared) buffer cannot be transferred: copy it out.
      const data = tensor.data.byteOffset === 0 && tensor.data.byteLength === tensor.data.buffer.byteLength
        && !(tensor.data.buffer instanceof (globalThis.SharedArrayBuffer ?? class {})) ? tensor.data : tensor.data.slice();
      self.postMessage({ id, data, dims: tensor.dims }, [data.buffer]);
    }
  } catch (err) {
    self.postMessage({ id, error: String(err?.message ?? err) });
  }
};
