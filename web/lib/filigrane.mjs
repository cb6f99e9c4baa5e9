// Filigrane's JS library: a promise API over the WebAssembly core running in
// a Web Worker. The main thread never touches the module; it holds only
// request ids, so a long decode never blocks the page.
import { FiligraneError } from './errors.mjs';

export { FiligraneError } from './errors.mjs';

export class Filigrane {
  #worker = null;
  #workerUrl;
  #workerName;
  #nextId = 1;
  #pending = new Map();

  /** Use Filigrane.create(). */
  constructor(workerUrl, provider = null) {
    this.#workerUrl = workerUrl;
    // The worker reads a forced ONNX Runtime provider from its name (a URL
    // query would not survive the service worker's cached copy of the script).
    this.#workerName = provider ? `filigrane-core:${provider}` : 'filigrane-core';
    this.#start();
  }

  /**
   * Starts the worker and waits until the WebAssembly module is ready.
   * @param {{workerUrl?: string|URL, provider?: 'wasm'|'webgpu'|null}} [options]
   *   provider forces ONNX Runtime's execution provider (by default: WebGPU
   *   with a hardware GPU adapter, WebAssembly otherwise)
   */
  static async create({ workerUrl = new URL('./worker.mjs', import.meta.url), provider = null } = {}) {
    const f = new Filigrane(workerUrl, provider);
    await f.#call('ping', []);
    return f;
  }

  /** Decodes an image file (bytes) and summarises it. */
  info(bytes, options = {}, { signal } = {}) {
    return this.#call('info', [bytes, options], signal);
  }

  /** Decodes to RGBA pixels, optionally shrunk to maxSide for previews. */
  decodeRgba(bytes, options = {}, { signal } = {}) {
    return this.#call('decodeRgba', [bytes, options], signal);
  }

  /** Encodes {width, height, rgba} as PNG or JPEG bytes. */
  encode(image, options = {}, { signal } = {}) {
    return this.#call('encode', [image, options], signal);
  }

  /** One premultiplied period of the screen-mark overlay: {width, height, rgba}. */
  screenTile(options, { signal } = {}) {
    return this.#call('screenTile', [options], signal);
  }

  /** The premultiplied screen-mark overlay for a whole viewport. */
  screenOverlay(options, { signal } = {}) {
    return this.#call('screenOverlay', [options], signal);
  }

  /** Composites the screen mark onto an image file; resolves to PNG bytes. */
  screenApply(bytes, options, { signal } = {}) {
    return this.#call('screenApply', [bytes, options], signal);
  }

  /** Reads the screen mark of options.key from a capture. */
  screenDecode(bytes, options, { signal } = {}) {
    return this.#call('screenDecode', [bytes, options], signal);
  }

  /** Marks an image with a keyed 64-bit payload; resolves to {bytes (PNG), psnr}. */
  markImage(bytes, options, { signal } = {}) {
    return this.#call('markImage', [bytes, options], signal);
  }

  /** Looks for Filigrane's image mark of options.key. */
  detectImageMark(bytes, options, { signal } = {}) {
    return this.#call('detectImageMark', [bytes, options], signal);
  }

  /** Looks for Stable Diffusion's invisible-watermark messages. */
  detectSdMark(bytes, options = {}, { signal } = {}) {
    return this.#call('detectSdMark', [bytes, options], signal);
  }

  /** Reads C2PA, XMP, IPTC, EXIF and generator metadata. */
  provenance(bytes, { signal } = {}) {
    return this.#call('provenance', [bytes], signal);
  }

  /** Bytes allocated in the worker's WebAssembly heap. */
  /**
   * Redacts regions ({x, y, width, height} in displayed pixels) and re-encodes
   * with no metadata: {bytes, width, height, mime}.
   */
  redact(bytes, options, { signal } = {}) {
    return this.#call('redact', [bytes, options], signal);
  }

  /** Finds faces, nudity, personal text and metadata cues (models load on first use). */
  cues(bytes, { faces = true, nsfw = true, text = true, codes = text, thorough = false, signal, onProgress } = {}) {
    return this.#call('cues', [bytes, { faces, nsfw, text, codes, thorough }], signal, onProgress);
  }

  /** Cues in one camera frame ({width, height, rgba}); the pixels are transferred, not copied. */
  frameCues(frame, { faces = true, nsfw = false, text = false, signal } = {}) {
    return this.#call('frameCues', [frame, { faces, nsfw, text }], signal, undefined, [frame.rgba.buffer]);
  }

  /** The nudity cue alone: {flagged, verdict, score, classes}. */
  nudity(bytes, { signal, onProgress } = {}) {
    return this.#call('nudity', [bytes], signal, onProgress);
  }

  /**
   * Finds the chosen cues and redacts them: {bytes, width, height, mime, regions, boxes, cues}.
   * Text, codes and `regions` are always solid-filled; `style` applies to faces and nudity.
   */
  redactCues(bytes, { faces = false, pii = false, nsfw = false, style = 'fill', format = 'png', regions = [], signal, onProgress } = {}) {
    return this.#call('redactCues', [bytes, { faces, pii, nsfw, style, format, regions }], signal, onProgress);
  }

  /**
   * Covers exactly `boxes` ([{x, y, width, height, kind?}]): kinds 'face' and
   * 'nudity' in `style`, every other box with a solid fill. {bytes, width, height, mime, regions}.
   */
  redactBoxes(bytes, boxes, { style = 'fill', format = 'png', quality = 90, signal } = {}) {
    return this.#call('redactBoxes', [bytes, boxes, { style, format, quality }], signal);
  }

  /**
   * Provenance plus C2PA signature validation (the validator loads on first
   * use); `thumbnails`: the manifest tree's thumbnails carry their bytes (`data`).
   */
  provenanceReport(bytes, { thumbnails = false, signal } = {}) {
    return this.#call('provenanceReport', [bytes, { thumbnails }], signal);
  }

  /**
   * The AI verdict: {verdict, headline, probability, reasons, evidence}.
   * `provenance`: the provenance report comes with it (validated once);
   * `pixels: false`: metadata only (no full decode, no mark or detector), for a fast first answer;
   * `onProgress` receives {what, loaded, total} while the detector model downloads.
   */
  aiVerdict(bytes, { detector = true, pixels = true, provenance = false, thumbnails = false, signal, onProgress } = {}) {
    return this.#call('aiVerdict', [bytes, { detector, pixels, provenance, thumbnails }], signal, onProgress);
  }

  /** Where the models run, chosen once per session: {provider: 'wasm'|'webgpu', reason}. */
  runtime() {
    return this.#call('runtime', []);
  }

  heapStats() {
    return this.#call('heapStats', []);
  }

  /**
   * The worker keeps the last file it was given decoded (calls for the same
   * bytes share that one decode); this frees it now rather than at the next file.
   */
  closeFiles() {
    return this.#call('closeFiles', []);
  }

  /** {open, decodes (of the open file), moduleDecodes (all files)}: for tests that a file is decoded once. */
  fileStats() {
    return this.#call('fileStats', []);
  }

  /** Stops the worker; pending calls reject with code "disposed". */
  dispose() {
    this.#stop(new FiligraneError('disposed', 'Filigrane was disposed'));
  }

  #start() {
    this.#worker = new Worker(this.#workerUrl, { type: 'module', name: this.#workerName });
    this.#worker.onmessage = (event) => {
      const { id, ok, result, error, progress } = event.data;
      const entry = this.#pending.get(id);
      if (!entry) return;
      if (progress) {
        entry.onProgress?.(progress);
        return;
      }
      this.#pending.delete(id);
      entry.cleanup();
      if (ok) entry.resolve(result);
      else entry.reject(FiligraneError.fromJSON(error));
    };
    this.#worker.onerror = (event) => {
      event.preventDefault?.();
      this.#stop(new FiligraneError('worker_failed', event.message || 'the worker failed to start'));
      this.#start();
    };
  }

  #stop(error) {
    this.#worker?.terminate();
    this.#worker = null;
    for (const entry of this.#pending.values()) {
      entry.cleanup();
      entry.reject(error);
    }
    this.#pending.clear();
  }

  #call(op, args, signal, onProgress, transfer = []) {
    if (!this.#worker) return Promise.reject(new FiligraneError('disposed', 'Filigrane was disposed'));
    if (signal?.aborted) return Promise.reject(new FiligraneError('cancelled', 'cancelled before it started'));
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      // WebAssembly cannot be interrupted: cancelling restarts the worker.
      const onAbort = () => {
        this.#stop(new FiligraneError('cancelled', 'cancelled by the user'));
        this.#start();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => signal?.removeEventListener('abort', onAbort);
      this.#pending.set(id, { resolve, reject, cleanup, onProgress });
      this.#worker.postMessage({ id, op, args }, transfer);
    });
  }
}
