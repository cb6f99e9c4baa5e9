// Operations over an instantiated Filigrane WebAssembly module. Shared by the
// browser worker and by Node (CLI, tests), so every front end runs the same
// pipeline. Each function copies its input into the module, deletes every
// handle it created before returning, and throws FiligraneError on failure.
import { FiligraneError } from './errors.mjs';

export const DEFAULT_MAX_PIXELS = 100_000_000;

function check(result) {
  const err = FiligraneError.fromStatus(result.status);
  if (err) {
    result.image?.delete();
    throw err;
  }
  return result;
}

function toBytes(input) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new FiligraneError('invalid_argument', 'expected the image file as a Uint8Array or ArrayBuffer');
}

/** @param {object} module an instantiated createFiligraneCore() module */
export function createCoreOps(module) {
  return {
    /**
     * Decodes an image file and summarises it.
     * @returns {{format, width, height, storedWidth, storedHeight, orientation, channels,
     *            hasAlpha, transparent, fileBytes, megapixels, metadata: {exif, iccProfile, xmp}}}
     */
    info(input, { maxPixels = DEFAULT_MAX_PIXELS } = {}) {
      const bytes = toBytes(input);
      const { header, image } = check(module.decodeImage(bytes, maxPixels, true));
      try {
        return {
          format: header.format,
          width: header.width,
          height: header.height,
          storedWidth: header.storedWidth,
          storedHeight: header.storedHeight,
          orientation: header.orientation,
          channels: header.channels,
          hasAlpha: header.channels === 2 || header.channels === 4,
          transparent: !image.isOpaque(),
          fileBytes: bytes.byteLength,
          megapixels: Math.round((header.width * header.height) / 1e4) / 100,
          metadata: { exif: header.hasExif, iccProfile: header.hasIccProfile, xmp: header.hasXmp },
        };
      } finally {
        image.delete();
      }
    },

    /**
     * Decodes to RGBA pixels, optionally shrunk to fit within maxSide (for previews).
     * @returns {{width, height, rgba: Uint8Array}}
     */
    decodeRgba(input, { maxPixels = DEFAULT_MAX_PIXELS, maxSide = 0 } = {}) {
      const { image } = check(module.decodeImage(toBytes(input), maxPixels, true));
      let current = image;
      try {
        const longest = Math.max(current.width, current.height);
        if (maxSide > 0 && longest > maxSide) {
          const scale = maxSide / longest;
          const w = Math.max(1, Math.round(current.width * scale));
          const h = Math.max(1, Math.round(current.height * scale));
          const { image: small } = check(current.resized(w, h, 3, maxPixels));
          current.delete();
          current = small;
        }
        return { width: current.width, height: current.height, rgba: current.rgba() };
      } finally {
        current.delete();
      }
    },

    /** Re-encodes RGBA pixels as PNG or JPEG bytes. */
    encode({ width, height, rgba }, { format = 'png', quality = 90 } = {}) {
      const { image } = check(module.imageFromRgba(width, height, toBytes(rgba)));
      try {
        const r = format === 'jpeg' ? image.encodeJpeg(quality) : image.encodePng();
        return check(r).bytes;
      } finally {
        image.delete();
      }
    },

    /** Bytes allocated in the WebAssembly heap (for leak checks). */
    heapStats() {
      return module.heapStats();
    },
  };
}
