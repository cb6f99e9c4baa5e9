// Redaction operations over an instantiated Filigrane WebAssembly module
// (wasm/redact_bindings.cpp). Merged into core-ops.mjs by spreading:
//   return { ...createRedactOps(module), ... }
// Each call copies its input into the module and throws FiligraneError on failure.
import { FiligraneError } from './errors.mjs';
import { fillValue, flattenRegions, styleIndex } from './redact-gpu.mjs';

const DEFAULT_MAX_PIXELS = 100_000_000;

function check(result) {
  const err = FiligraneError.fromStatus(result.status);
  if (err) throw err;
  return result;
}

function toBytes(input, what) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new FiligraneError('invalid_argument', `expected ${what} as a Uint8Array or ArrayBuffer`);
}

function binding(module, name) {
  if (typeof module[name] !== 'function') {
    throw new FiligraneError('unsupported_feature', `this build of the engine has no ${name}`);
  }
  return module[name];
}

function numberOption(value, name) {
  const n = Number(value ?? 0);
  if (!Number.isFinite(n)) throw new FiligraneError('invalid_argument', `${name} must be a number`);
  return n;
}

/** @param {object} module an instantiated createFiligraneCore() module */
export function createRedactOps(module) {
  return {
    /**
     * Decodes an image file (orientation applied: regions are in displayed
     * pixels), redacts the regions and re-encodes with no metadata at all.
     * @param {Uint8Array|ArrayBuffer} input image file
     * @param {{regions: Array<{x, y, width, height}|number[]>, style?: 'blur'|'pixelate'|'fill',
     *          fill?: number|string|number[], sigma?: number, cell?: number,
     *          format?: 'png'|'jpeg', quality?: number, maxPixels?: number}} options
     * @returns {{bytes: Uint8Array, width: number, height: number, mime: string}}
     */
    redact(input, { regions = [], style = 'blur', fill, sigma = 0, cell = 0, format = 'png', quality = 90,
      maxPixels = DEFAULT_MAX_PIXELS } = {}) {
      if (format !== 'png' && format !== 'jpeg') throw new FiligraneError('invalid_argument', `unknown format ${format} (png or jpeg)`);
      const q = Number(quality);
      if (!Number.isInteger(q) || q < 1 || q > 100) throw new FiligraneError('invalid_argument', 'JPEG quality must be a whole number 1..100');
      const r = check(binding(module, 'redactImage')(toBytes(input, 'the image file'), flattenRegions(regions), styleIndex(style),
        fillValue(fill), numberOption(sigma, 'sigma'), numberOption(cell, 'cell'), format === 'jpeg' ? 1 : 0, q, maxPixels));
      return { bytes: r.bytes, width: r.width, height: r.height, mime: r.format === 'jpeg' ? 'image/jpeg' : 'image/png' };
    },

    /**
     * Redacts a core ImageHandle's pixels in place (regions only). Only for a
     * handle the caller owns, such as a copy() of a file's decode; never a
     * DecodedImage's borrowed one, which later analyses read.
     */
    redactHandle(image, { regions = [], style = 'blur', fill, sigma = 0, cell = 0 } = {}) {
      check(binding(module, 'redactHandle')(image, flattenRegions(regions), styleIndex(style), fillValue(fill),
        numberOption(sigma, 'sigma'), numberOption(cell, 'cell')));
    },

    /**
     * Redacts RGBA pixels (straight alpha). With `mask` (width*height bytes),
     * the mask's non-zero pixels are redacted instead of the regions.
     * @returns {{width, height, rgba: Uint8Array}}
     */
    redactRgba({ width, height, rgba }, { regions = [], style = 'blur', fill, sigma = 0, cell = 0, mask = null } = {}) {
      const m = mask == null ? null : toBytes(mask, 'the mask');
      const r = check(binding(module, 'redactRgba')(Number(width), Number(height), toBytes(rgba, 'the pixels'),
        m ? new Float64Array(0) : flattenRegions(regions), styleIndex(style), fillValue(fill),
        numberOption(sigma, 'sigma'), numberOption(cell, 'cell'), m));
      return { width: r.width, height: r.height, rgba: r.rgba };
    },
  };
}
