// A fixed set of scan worker threads. Each file goes to one free worker; a
// worker that does not finish a file within the time limit is terminated
// (which stops even a check stuck in a WebAssembly loop), the file is reported
// with what had finished, and a fresh worker takes its place.
import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL('./scan-worker.mjs', import.meta.url);

export class ScanPool {
  /**
   * @param {{size: number, workerData: object, timeoutMs: number}} options
   */
  constructor({ size, workerData, timeoutMs }) {
    this.workerData = workerData;
    this.timeoutMs = timeoutMs;
    this.slots = Array.from({ length: size }, () => this.#start());
    this.free = [...this.slots];
    this.waiting = [];
    this.nextId = 1;
    this.closed = false;
  }

  #start() {
    const slot = { worker: new Worker(WORKER_URL, { workerData: this.workerData }), task: null, retired: false };
    slot.worker.on('message', (msg) => this.#message(slot, msg));
    slot.worker.on('error', (err) => this.#lost(slot, `the worker stopped: ${err?.message ?? err}`));
    slot.worker.on('exit', (code) => this.#lost(slot, `the worker exited (code ${code})`));
    return slot;
  }

  /** Waits until a worker is free (the caller then calls run at once). */
  async acquire() {
    if (this.free.length) return;
    await new Promise((resolve) => this.waiting.push(resolve));
  }

  /**
   * Scans one file on a free worker.
   * @returns {Promise<{skipped: true} | {head: object|null, results: object, error?: object}>}
   */
  run(file, { knownSha256 = null, checks }) {
    const slot = this.free.shift();
    if (!slot) throw new Error('ScanPool.run without a free worker');
    return new Promise((resolve) => {
      const task = { id: this.nextId++, file, checks, head: null, results: {}, current: null, resolve };
      slot.task = task;
      task.timer = setTimeout(() => this.#timeout(slot), this.timeoutMs);
      slot.worker.postMessage({ id: task.id, path: file, knownSha256 });
    });
  }

  #message(slot, msg) {
    const task = slot.task;
    if (!task || msg.id !== task.id) return;
    if (msg.type === 'file') task.head = msg.head;
    else if (msg.type === 'check') task.current = msg.check;
    else if (msg.type === 'result') task.results[msg.check] = msg.result;
    else if (msg.type === 'skipped') this.#finish(slot, { skipped: true });
    else if (msg.type === 'done') this.#finish(slot, { head: task.head, results: task.results, ...(msg.error ? { error: msg.error } : {}) });
  }

  #finish(slot, outcome) {
    const task = slot.task;
    clearTimeout(task.timer);
    slot.task = null;
    if (!slot.retired) this.#release(slot);
    task.resolve(outcome);
  }

  #release(slot) {
    this.free.push(slot);
    this.waiting.shift()?.();
  }

  /** Replaces a worker that has to go; its file (if any) is reported with `error`. */
  #retire(slot, error) {
    if (slot.retired) return;
    slot.retired = true;
    const task = slot.task;
    slot.worker.terminate().catch(() => {});
    if (this.closed) return;
    const fresh = this.#start();
    this.slots[this.slots.indexOf(slot)] = fresh;
    const idle = this.free.indexOf(slot);
    if (idle >= 0) this.free.splice(idle, 1);
    if (task) {
      clearTimeout(task.timer);
      slot.task = null;
      if (!task.head || task.current === null) {
        task.resolve({ head: task.head, results: {}, error });
      } else {
        // The check in progress gets the error; the checks after it were never run.
        const results = { ...task.results };
        const notRun = { code: 'not_run', message: `not run: ${error.code === 'timeout' ? 'an earlier check of this file was stopped' : 'the worker stopped'}` };
        for (const name of task.checks) if (!results[name]) results[name] = { error: name === task.current ? error : notRun };
        task.resolve({ head: task.head, results });
      }
    }
    this.#release(fresh);
  }

  #timeout(slot) {
    const task = slot.task;
    if (!task) return;
    const seconds = this.timeoutMs / 1000;
    const what = task.current ? `the ${task.current} check` : 'reading the file (or loading the engine)';
    this.#retire(slot, { code: 'timeout', message: `${what} did not finish within ${seconds} s (--file-timeout) and was stopped` });
  }

  #lost(slot, message) {
    if (slot.retired || this.closed) return;
    this.#retire(slot, { code: 'worker_failed', message });
  }

  /** Stops every worker (files in progress are dropped: a resumed scan redoes them). */
  async close() {
    this.closed = true;
    for (const slot of this.slots) {
      slot.retired = true;
      if (slot.task) clearTimeout(slot.task.timer);
    }
    await Promise.allSettled(this.slots.map(async (s) => {
      if (s.task) return s.worker.terminate();
      const exited = new Promise((resolve) => s.worker.once('exit', resolve));
      s.worker.postMessage({ close: true });
      const timer = setTimeout(() => s.worker.terminate(), 5000);
      await exited;
      clearTimeout(timer);
    }));
  }
}
