// Web Worker hosting the Filigrane WebAssembly module. The main thread sends
// {id, op, args}; the worker answers {id, ok: true, result} or
// {id, ok: false, error: {code, message, status}}. Pixel buffers travel as
// transferables, so nothing is copied twice.
import createFiligraneCore from './filigrane_web.mjs';
import { createCoreOps } from './core-ops.mjs';
import { FiligraneError } from './errors.mjs';

const ready = createFiligraneCore().then(createCoreOps);

function transferablesOf(result) {
  const list = [];
  if (result instanceof Uint8Array) list.push(result.buffer);
  else if (result && result.rgba instanceof Uint8Array) list.push(result.rgba.buffer);
  else if (result && result.bytes instanceof Uint8Array) list.push(result.bytes.buffer);
  return list;
}

self.onmessage = async (event) => {
  const { id, op, args = [] } = event.data ?? {};
  try {
    const ops = await ready;
    if (op === 'ping') {
      self.postMessage({ id, ok: true, result: { engine: 'webassembly', worker: true } });
      return;
    }
    if (typeof ops[op] !== 'function') throw new FiligraneError('invalid_argument', `unknown operation ${op}`);
    const result = ops[op](...args);
    self.postMessage({ id, ok: true, result }, transferablesOf(result));
  } catch (err) {
    const error = err instanceof FiligraneError ? err.toJSON()
      : { code: 'internal', message: String(err?.message ?? err), status: 6 };
    self.postMessage({ id, ok: false, error });
  }
};
