// DecodedImage: one image file, decoded once, shared by every analysis of it.
//
// Ownership: a DecodedImage owns the file's bytes (a JS Uint8Array, read by
// provenance and the C2PA validator) and every ImageHandle it creates in the
// WebAssembly heap: the full-size decode (EXIF orientation applied) and the
// smaller copies derived from it. Callers borrow those handles for the
// duration of a call and never delete them; close() deletes them all, once,
// and is the only way their memory is freed. Whoever opened the file closes
// it: core-ops.mjs closes the ones it opens for a single call in `finally`,
// and the worker (web/lib/worker.mjs, FileCache below) keeps the last file
// open across calls until another file arrives or `closeFiles` is asked.
//
// Results that depend only on the file (provenance, the Stable Diffusion
// mark) are kept on it too (memo), so an Inspect reads each once.
import { FiligraneError } from './errors.mjs';

/** Throws the status of a binding's result as a FiligraneError (freeing any image it made); else returns it. */
export function check(result) {
  const err = FiligraneError.fromStatus(result.status);
  if (err) {
    result.image?.delete();
    throw err;
  }
  return result;
}

export class DecodedImage {
  /**
   * @param {object} module the instantiated WebAssembly module
   * @param {Uint8Array} bytes the file (kept, never copied again in JS)
   * @param {{maxPixels: number}} options
   */
  constructor(module, bytes, { maxPixels }) {
    this.module = module;
    this.bytes = bytes;
    this.maxPixels = maxPixels;
    /** True when opened for one call only (takeImageToDraw may hand over the decode). */
    this.singleUse = false;
    /** Set for AVIF/HEIC read by the browser's decoder: {format}. */
    this.platform = null;
    /** How many times this file's pixels were decoded (tests: an Inspect decodes once). */
    this.decodes = 0;
    this.closed = false;
    this._header = null;
    this._full = null;        // {header, image}
    this._scaled = new Map(); // minSide -> ImageHandle
    this._memo = new Map();
  }

  _live() {
    if (this.closed) throw new FiligraneError('internal', 'this image file was already closed');
  }

  /** Uses pixels the host decoded (AVIF/HEIC through createImageBitmap) as this file's decode. */
  adoptPlatformPixels(format, { width, height, rgba }) {
    this._live();
    const { image } = check(this.module.imageFromRgba(width, height, rgba));
    this.platform = { format };
    this.decodes += 1;
    this._full = {
      image,
      header: {
        format, width, height, storedWidth: width, storedHeight: height, orientation: 1, channels: 4,
        hasExif: false, hasIccProfile: false, hasXmp: false,
      },
    };
  }

  /** The header without decoding pixels (from the decode when there is one). */
  header() {
    this._live();
    if (this._full) return this._full.header;
    this._header ??= check(this.module.readImageHeader(this.bytes, this.maxPixels)).header;
    return this._header;
  }

  /** {header, image}: the full-size decode, made on first use. The handle is borrowed. */
  full() {
    this._live();
    if (!this._full) {
      const { header, image } = check(this.module.decodeImage(this.bytes, this.maxPixels, true, 0));
      this.decodes += 1;
      this._full = { header, image };
    }
    return this._full;
  }

  /** The full-size ImageHandle (borrowed). */
  image() {
    return this.full().image;
  }

  /**
   * A full-size image to draw on (redaction), owned by the caller, who must
   * delete() it. A file opened for one call only (`singleUse`, set by
   * core-ops' withFile) hands over its own decode, since nothing reads it
   * after that call's last step (it would decode again if asked); any other
   * file gives a copy, since later calls read its decode.
   */
  takeImageToDraw() {
    const { header, image } = this.full();
    if (!this.singleUse) return check(image.copy()).image;
    this._header = header;
    this._full = null;
    return image;
  }

  /**
   * An image whose shorter side is at least minSide (borrowed). From the
   * full-size decode when there is one (box-filtered down by 2, 4 or 8, as
   * a DCT-scaled decode would be); else a large JPEG is decoded at reduced
   * scale in the DCT domain (counted as a decode) and other formats fully.
   */
  atLeast(minSide) {
    this._live();
    if (!(minSide > 0)) return this.image();
    if (this._scaled.has(minSide)) return this._scaled.get(minSide);
    let scaled;
    if (this._full) {
      const { width, height } = this._full.image;
      let denom = 1;
      while (denom < 8 && Math.min(width, height) / (denom * 2) >= minSide) denom *= 2;
      if (denom === 1) return this._full.image;
      scaled = check(this._full.image.resized(Math.ceil(width / denom), Math.ceil(height / denom), 0, this.maxPixels)).image;
    } else {
      const r = check(this.module.decodeImage(this.bytes, this.maxPixels, true, minSide));
      this.decodes += 1;
      if (r.scaleDenom === 1) {
        this._full = { header: r.header, image: r.image };
        return r.image;
      }
      this._header ??= r.header;
      scaled = r.image;
    }
    this._scaled.set(minSide, scaled);
    return scaled;
  }

  /** fn() once per key for this file (results that depend only on the file). */
  memo(key, fn) {
    this._live();
    if (!this._memo.has(key)) this._memo.set(key, fn());
    return this._memo.get(key);
  }

  /** Deletes every handle this file holds. Idempotent. */
  close() {
    if (this.closed) return;
    this.closed = true;
    for (const handle of this._scaled.values()) handle.delete();
    this._scaled.clear();
    this._full?.image.delete();
    this._full = null;
    this._memo.clear();
  }
}

function sameBytes(a, b) {
  if (a === b) return true;
  if (a.byteLength !== b.byteLength) return false;
  const words = a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0 ? a.byteLength >>> 2 : 0;
  if (words) {
    const x = new Int32Array(a.buffer, a.byteOffset, words);
    const y = new Int32Array(b.buffer, b.byteOffset, words);
    for (let i = 0; i < words; i++) if (x[i] !== y[i]) return false;
  }
  for (let i = words * 4; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The worker's open file: calls for the same file (each postMessage carries
 * a fresh copy of its bytes) reuse one DecodedImage; a different file closes
 * the previous one first, so at most one decoded image is held.
 */
export class FileCache {
  constructor(open) {
    this.open = open; // bytes -> DecodedImage
    this.current = null;
  }

  /** The open DecodedImage for these bytes (same content as the last file: reused). */
  get(bytes) {
    if (this.current && !this.current.closed && sameBytes(this.current.bytes, bytes)) return this.current;
    this.close();
    this.current = this.open(bytes);
    return this.current;
  }

  /** Closes the held file (its handles are freed now). */
  close() {
    this.current?.close();
    this.current = null;
  }
}
