// A second thread for the face scan: the tiles of a thorough scan are
// independent, so a helper thread with its own ONNX Runtime session runs
// some of them while the calling thread runs others (or reads text first).
// Both take tiles from one shared counter (Atomics) and read the level
// images from SharedArrayBuffers, so no pixels are copied between threads;
// only each tile's four heads (60 KB) come back. The helper runs the same
// inputs through the same model build on one thread, so its heads are the
// ones the calling thread would compute (faces.mjs merges them in plan order).
//
// The calling side (FaceHelper) talks to the thread through an endpoint
// {post(message, transfer), listen(fn), ref(), unref(), terminate()} that the
// host makes: a worker_threads Worker under Node (face-thread.mjs). The
// thread's side is serveFaceScans.
import { FACE_MODEL_SIZE, faceJobInput, inferFaceInput } from './faces.mjs';

// Own copies (ONNX Runtime's outputs may share a buffer), so each can be transferred.
const ownHeads = (h) => ({ fineScores: h.fineScores.slice(), fineBoxes: h.fineBoxes.slice(), coarseScores: h.coarseScores.slice(), coarseBoxes: h.coarseBoxes.slice() });
const headsTransfer = (h) => [h.fineScores.buffer, h.fineBoxes.buffer, h.coarseScores.buffer, h.coarseBoxes.buffer];

export class FaceHelper {
  /**
   * @param {{post: Function, listen: Function, ref?: Function, unref?: Function, terminate: Function}} endpoint
   * @param {Uint8Array} modelBytes the face model, already checked against its sha256
   */
  constructor(endpoint, modelBytes) {
    this.endpoint = endpoint;
    this.scans = new Map();
    this.nextId = 1;
    this.failure = null;
    endpoint.listen((message) => this._receive(message));
    endpoint.post({ type: 'init', model: modelBytes });
    endpoint.unref?.();  // an idle helper never keeps a process alive
  }

  /**
   * Runs jobs taken from `counter` until none is left; onHeads(index, heads or
   * null for a tile with no detail) for each. Resolves when the helper is done.
   */
  scan({ levels, jobs, counter }, onHeads) {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.scans.set(id, { resolve, reject, onHeads });
      if (this.scans.size === 1) this.endpoint.ref?.();
      // Pixel views on SharedArrayBuffers travel as shared memory, not copies.
      this.endpoint.post({ type: 'scan', id, levels, jobs: jobs.map(({ level, run, ox, oy, tile }) => ({ level, run, ox, oy, tile })), counter });
    });
  }

  _settle(id, fn) {
    const scan = this.scans.get(id);
    if (!scan) return;
    this.scans.delete(id);
    if (this.scans.size === 0) this.endpoint.unref?.();
    fn(scan);
  }

  _receive(message) {
    if (message.type === 'heads') this.scans.get(message.id)?.onHeads(message.index, message.heads);
    else if (message.type === 'done') this._settle(message.id, (s) => s.resolve());
    else if (message.type === 'error') {
      // A helper that failed once (no session) is not asked again; the caller runs its tiles.
      const err = new Error(`face helper: ${message.message}`);
      if (message.id == null) this.failure = err;
      const ids = message.id == null ? [...this.scans.keys()] : [message.id];
      for (const id of ids) this._settle(id, (s) => s.reject(err));
    }
  }

  terminate() {
    this.failure ??= new Error('face helper: terminated');
    for (const id of [...this.scans.keys()]) this._settle(id, (s) => s.reject(this.failure));
    return this.endpoint.terminate();
  }
}

/**
 * The helper thread's side: {type: 'init', model} creates the session,
 * {type: 'scan', id, levels, jobs, counter} runs jobs from the counter.
 * @param {{post: Function, listen: Function, loadOrt: () => Promise<object>}} host
 */
export function serveFaceScans({ post, listen, loadOrt }) {
  let ready = null;
  listen(async (message) => {
    if (message.type === 'init') {
      ready = (async () => {
        const ort = await loadOrt();
        // The options the calling thread's session uses (models.mjs), so the heads are the same.
        const session = await ort.InferenceSession.create(message.model, { logSeverityLevel: 3 });
        return { ort, session };
      })();
      ready.catch((err) => post({ type: 'error', id: null, message: String(err?.message ?? err) }));
      return;
    }
    if (message.type !== 'scan') return;
    const { id, levels, jobs, counter } = message;
    try {
      const { ort, session } = await ready;
      const input = new Float32Array(FACE_MODEL_SIZE * FACE_MODEL_SIZE * 3);  // reused: ONNX Runtime copies it
      for (let i = Atomics.add(counter, 0, 1); i < jobs.length; i = Atomics.add(counter, 0, 1)) {
        const heads = jobs[i].run ? ownHeads(await inferFaceInput({ session, ort, data: faceJobInput(levels, jobs[i], FACE_MODEL_SIZE, input) })) : null;
        post({ type: 'heads', id, index: i, heads }, heads ? headsTransfer(heads) : []);
      }
      post({ type: 'done', id });
    } catch (err) {
      post({ type: 'error', id, message: String(err?.message ?? err) });
    }
  });
}
