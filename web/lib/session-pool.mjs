// Several single-threaded ONNX Runtime sessions of one model, each in a worker
// (session-worker.mjs), behind the run() of one session: calls made at once
// run at once, one a worker, the rest queued. On a 2-core machine two
// independent sessions read text lines faster than one session whose every
// operator is split over two threads (bench/speed.md), and a busy machine
// stalls no shared barrier.
import { FiligraneError } from './errors.mjs';

export class SessionPool {
  /**
   * @param {{size: number, workerUrl: URL|string, ortUrl: string, wasmPaths: string,
   *          model: Uint8Array, options: object}} config
   * @returns {Promise<SessionPool>} once every worker has its session
   */
  static async create({ size, workerUrl, ortUrl, wasmPaths, model, options }) {
    const pool = new SessionPool();
    pool.#workers = Array.from({ length: size }, () => new Worker(workerUrl, { type: 'module', name: 'filigrane-session' }));
    pool.#workers.forEach((worker) => {
      worker.onmessage = ({ data }) => pool.#answer(worker, data);
      worker.onerror = (event) => pool.#fail(worker, event.message ?? 'the session worker failed');
    });
    try {
      await Promise.all(pool.#workers.map((worker) => pool.#send(worker, { op: 'init', ortUrl, wasmPaths, model, options })));
    } catch (err) {
      pool.release();
      throw err;
    }
    pool.#idle = [...pool.#workers];
    return pool;
  }

  #workers = [];
  #idle = [];
  #queue = [];
  #pending = new Map();  // id -> {resolve, reject, worker}
  #nextId = 1;

  /** How many runs proceed at once (readText issues that many together). */
  get concurrency() { return this.#workers.length; }
  get inputNames() { return ['input']; }
  get outputNames() { return ['output']; }

  /** Like InferenceSession.run with one float32 input: resolves to {output: {data, dims}}. */
  run(feeds) {
    const tensor = Object.values(feeds)[0];
    return new Promise((resolve, reject) => {
      this.#queue.push({ input: tensor.data, dims: tensor.dims, resolve, reject });
      this.#dispatch();
    });
  }

  release() {
    for (const worker of this.#workers) worker.terminate();
    for (const { reject } of this.#pending.values()) reject(new FiligraneError('internal', 'the session pool was released'));
    for (const { reject } of this.#queue) reject(new FiligraneError('internal', 'the session pool was released'));
    this.#workers = [];
    this.#idle = [];
    this.#queue = [];
    this.#pending.clear();
  }

  #dispatch() {
    while (this.#idle.length && this.#queue.length) {
      const worker = this.#idle.pop();
      const job = this.#queue.shift();
      // The input is the caller's own batch array: transferred, not copied.
      const input = job.input.byteOffset === 0 && job.input.byteLength === job.input.buffer.byteLength ? job.input : job.input.slice();
      this.#send(worker, { op: 'run', input, dims: job.dims }, [input.buffer]).then(
        (answer) => { this.#idle.push(worker); job.resolve({ output: { data: answer.data, dims: answer.dims } }); this.#dispatch(); },
        (err) => { this.#idle.push(worker); job.reject(err); this.#dispatch(); },
      );
    }
  }

  #send(worker, message, transfer = []) {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, worker });
      worker.postMessage({ ...message, id }, transfer);
    });
  }

  #answer(worker, data) {
    const waiting = this.#pending.get(data.id);
    if (!waiting) return;
    this.#pending.delete(data.id);
    if (data.error) waiting.reject(new FiligraneError('internal', `the text recogniser failed: ${data.error}`));
    else waiting.resolve(data);
  }

  #fail(worker, message) {
    for (const [id, waiting] of this.#pending) {
      if (waiting.worker !== worker) continue;
      this.#pending.delete(id);
      waiting.reject(new FiligraneError('internal', `the text recogniser failed: ${message}`));
    }
  }
}
