// Operations over an instantiated Filigrane WebAssembly module. Shared by the
// browser worker and by Node (CLI, tests), so every front end runs the same
// pipeline. An image input is the file's bytes or a DecodedImage
// (decoded-image.mjs, from open()): a DecodedImage is decoded at most once,
// whatever runs on it, and stays its opener's to close; bytes are opened for
// the one call and closed before it returns. Every other handle an operation
// creates is deleted before it returns; failures throw FiligraneError.
import { FiligraneError } from './errors.mjs';
import { DecodedImage, check } from './decoded-image.mjs';
import { createRedactOps } from './redact-ops.mjs';

export const DEFAULT_MAX_PIXELS = 100_000_000;

function toBytes(input) {
  if (input instanceof DecodedImage) return input.bytes;
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new FiligraneError('invalid_argument', 'expected the image file as a Uint8Array or ArrayBuffer');
}

/**
 * "avif" or "heic" when the bytes are an ISO-BMFF still image of that kind
 * (formats the core leaves to the host's own decoder), else null.
 */
export function platformDecodedFormat(input) {
  const b = input instanceof DecodedImage ? input.bytes : input instanceof Uint8Array ? input : null;
  if (!b || b.length < 12 || String.fromCharCode(...b.subarray(4, 8)) !== 'ftyp') return null;
  // Major brand, then the compatible brands (an AVIF may have "mif1" as major).
  const box = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  const end = Math.min(b.length, box >= 16 && box <= 4096 ? box : 12);
  const brands = [];
  for (let at = 8; at + 4 <= end; at += at === 8 ? 8 : 4) brands.push(String.fromCharCode(...b.subarray(at, at + 4)));
  if (brands.some((x) => x === 'avif' || x === 'avis')) return 'avif';
  if (brands.some((x) => ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'].includes(x))) return 'heic';
  return null;
}

/** The binding named `name`, or a FiligraneError when this build lacks it. */
function feature(module, name) {
  if (typeof module[name] !== 'function') {
    throw new FiligraneError('unsupported_feature', `this build of the engine has no ${name}`);
  }
  return module[name];
}

/** Validates a payload: 1..16 hex digits, returned as 16 lower-case digits. */
export function normalisePayload(payload) {
  const text = String(payload ?? '').trim().replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{1,16}$/.test(text)) {
    throw new FiligraneError('invalid_argument', 'the payload must be 1 to 16 hexadecimal digits');
  }
  return text.toLowerCase().padStart(16, '0');
}

/** The viewer-and-minute reading of a 64-bit payload (high 32 bits: viewer). */
export function describeViewerTime(payloadHex) {
  const viewerId = parseInt(payloadHex.slice(0, 8), 16);
  const minute = parseInt(payloadHex.slice(8, 16), 16);
  return { viewerId, minute, time: new Date(minute * 60_000).toISOString() };
}

/** 16-hex-digit payload: viewer id (32 bits) then minutes since 1970 (32 bits). */
export function viewerTimePayload(viewerId, date = new Date()) {
  const viewer = Number(viewerId);
  if (!Number.isInteger(viewer) || viewer < 0 || viewer > 0xffffffff) {
    throw new FiligraneError('invalid_argument', 'the viewer id must be a whole number from 0 to 4294967295');
  }
  const minute = Math.floor(date.getTime() / 60_000) >>> 0;
  return viewer.toString(16).padStart(8, '0') + minute.toString(16).padStart(8, '0');
}

/** @param {object} module an instantiated createFiligraneCore() module */
export function createCoreOps(module) {
  const open = (input, { maxPixels = DEFAULT_MAX_PIXELS } = {}) => new DecodedImage(module, toBytes(input), { maxPixels });
  /** fn(file): on the caller's DecodedImage, or on one opened for this call and closed after it. */
  const withFile = (input, fn, options) => {
    if (input instanceof DecodedImage) return fn(input);
    const file = open(input, options);
    file.singleUse = true;
    let result;
    try {
      result = fn(file);
    } catch (err) {
      file.close();
      throw err;
    }
    if (result && typeof result.then === 'function') return result.finally(() => file.close());
    file.close();
    return result;
  };
  /** An operation (input, ...rest) whose every step shares one decode of the input. */
  const sharingDecode = (fn) => (input, ...rest) => withFile(input, (file) => fn(file, ...rest));
  // The bytes binding-level operations that still take a file read: the
  // browser's decode re-encoded as PNG for AVIF/HEIC, else the file itself.
  const pixelBytes = (input) => {
    if (input instanceof DecodedImage && input.platform) return input.memo('platform-png', () => check(input.image().encodePng()).bytes);
    return toBytes(input);
  };
  const encodeHandle = (image, format, quality) => check(format === 'jpeg' ? image.encodeJpeg(quality) : image.encodePng()).bytes;
  const redactOps = createRedactOps(module);
  return {
    ...redactOps,
    redactImage: (input, ...rest) => redactOps.redactImage(pixelBytes(input), ...rest),
    redact: (input, ...rest) => redactOps.redact(pixelBytes(input), ...rest),

    /** The bytes bytes-taking bindings decode: the platform decoder's pixels as PNG for AVIF/HEIC, else the file. */
    pixelBytes,

    /** Opens an image file (bytes) as a DecodedImage the caller owns and must close(). */
    open,
    withFile,
    sharingDecode,
    /** The file's own bytes (provenance, the C2PA validator). */
    fileBytes: toBytes,

    /**
     * Decodes an image file and summarises it.
     * @returns {{format, width, height, storedWidth, storedHeight, orientation, channels,
     *            hasAlpha, transparent, fileBytes, megapixels, metadata: {exif, iccProfile, xmp}}}
     */
    info(input, { maxPixels = DEFAULT_MAX_PIXELS } = {}) {
      return withFile(input, (file) => {
        const { header, image } = file.full();
        const platform = file.platform;
        return {
          format: platform?.format ?? header.format,
          ...(platform ? { decodedBy: 'browser' } : {}),
          width: header.width,
          height: header.height,
          storedWidth: header.storedWidth,
          storedHeight: header.storedHeight,
          orientation: header.orientation,
          channels: header.channels,
          hasAlpha: header.channels === 2 || header.channels === 4,
          transparent: !image.isOpaque(),
          fileBytes: file.bytes.byteLength,
          megapixels: Math.round((header.width * header.height) / 1e4) / 100,
          metadata: { exif: header.hasExif, iccProfile: header.hasIccProfile, xmp: header.hasXmp },
        };
      }, { maxPixels });
    },

    /**
     * The image's header only (no pixels decoded): {format, width, height (as
     * displayed, EXIF orientation applied), storedWidth, storedHeight, orientation,
     * channels, hasExif, hasIccProfile, hasXmp}. Throws FiligraneError as info().
     */
    header(input, { maxPixels = DEFAULT_MAX_PIXELS } = {}) {
      return withFile(input, (file) => file.header(), { maxPixels });
    },

    /**
     * Decodes to RGBA pixels, optionally shrunk to fit within maxSide (for previews).
     * minSide > 0 says the caller needs no more than that many pixels on the
     * shorter side: a large JPEG is then decoded at 1/2, 1/4 or 1/8 scale in the
     * DCT domain (much faster), keeping the shorter side >= minSide.
     * @returns {{width, height, rgba: Uint8Array}}
     */
    decodeRgba(input, { maxPixels = DEFAULT_MAX_PIXELS, maxSide = 0, minSide = 0 } = {}) {
      return withFile(input, (file) => {
        const image = file.atLeast(minSide);
        const longest = Math.max(image.width, image.height);
        if (!(maxSide > 0 && longest > maxSide)) return { width: image.width, height: image.height, rgba: image.rgba() };
        const scale = maxSide / longest;
        const w = Math.max(1, Math.round(image.width * scale));
        const h = Math.max(1, Math.round(image.height * scale));
        const { image: small } = check(image.resized(w, h, 3, maxPixels));
        try {
          return { width: small.width, height: small.height, rgba: small.rgba() };
        } finally {
          small.delete();
        }
      }, { maxPixels });
    },

    /**
     * Decodes an image file, resizes it and re-encodes it (PNG, or JPEG at `quality`).
     * filter: 'box' | 'bilinear' | 'bicubic' | 'lanczos3'. minSide as in
     * decodeRgba (a large JPEG may be decoded at reduced scale first).
     */
    resize(input, { width, height, filter = 'lanczos3', format = 'png', quality = 90, maxPixels = DEFAULT_MAX_PIXELS, minSide = 0 }) {
      const filterIndex = ['box', 'bilinear', 'bicubic', 'lanczos3'].indexOf(filter);
      if (filterIndex < 0) throw new FiligraneError('invalid_argument', `unknown resize filter ${filter}`);
      return withFile(input, (file) => {
        const resized = check(file.atLeast(minSide).resized(width, height, filterIndex, maxPixels)).image;
        try {
          return encodeHandle(resized, format, quality);
        } finally {
          resized.delete();
        }
      }, { maxPixels });
    },

    /** Re-encodes RGBA pixels as PNG or JPEG bytes. */
    encode({ width, height, rgba }, { format = 'png', quality = 90 } = {}) {
      const { image } = check(module.imageFromRgba(width, height, toBytes(rgba)));
      try {
        return encodeHandle(image, format, quality);
      } finally {
        image.delete();
      }
    },

    // --- Screen-content watermark (core/screenmark). Payloads are 16 hex digits;
    // strength 0 means the core's default (PSNR >= 40 dB on any content).

    /** One premultiplied RGBA period of the overlay for a device-pixel ratio. */
    screenTile({ key, payload, strength = 0, dpr = 1 }) {
      const r = check(feature(module, 'screenTile')(String(key), normalisePayload(payload), strength, dpr));
      return { width: r.width, height: r.height, rgba: r.rgba };
    },

    /** The whole premultiplied overlay for width x height device pixels. */
    screenOverlay({ key, payload, strength = 0, width, height, dpr = 1 }) {
      const r = check(feature(module, 'screenOverlay')(String(key), normalisePayload(payload), strength, width, height, dpr));
      return { width: r.width, height: r.height, rgba: r.rgba };
    },

    /** Composites the overlay onto an image file; returns PNG bytes. */
    screenApply(input, { key, payload, strength = 0, dpr = 1, maxPixels = DEFAULT_MAX_PIXELS }) {
      const hex = normalisePayload(payload);
      return withFile(input, (file) => {
        const { image } = check(feature(module, 'screenApplyImage')(file.image(), String(key), hex, strength, dpr));
        try {
          return encodeHandle(image, 'png');
        } finally {
          image.delete();
        }
      }, { maxPixels });
    },

    /**
     * Looks for the screen mark of `key` in an image file. minScale/maxScale
     * (0: the core's default, 0.45..2.2 of the DPR-1 tile) set the scale range searched.
     * @returns {{found, payload: string|null, confidence, viewerId?, minute?, time?, map, ...}}
     */
    screenDecode(input, { key, maxPixels = DEFAULT_MAX_PIXELS, minScale = 0, maxScale = 0 }) {
      const { report } = withFile(input, (file) => check(feature(module, 'screenDecodeImage')(file.image(), String(key), minScale, maxScale)), { maxPixels });
      if (report.found) Object.assign(report, describeViewerTime(report.payload));
      return report;
    },

    // --- Image watermark (core/imagemark) and Stable Diffusion marks (core/sdmark).

    /**
     * Marks an image file with a keyed payload (16 hex digits); returns {bytes, psnr, payloadBits}:
     * PNG, or JPEG at `quality` with format 'jpeg'. Encoded once, no metadata. payloadBits: 'auto'
     * (default: the compact 32-bit layout, which survives on smaller copies, when the value fits in
     * 32 bits), 32 or 64.
     */
    markImage(input, { key, payload, psnr = 0, payloadBits = 'auto', format = 'png', quality = 90, maxPixels = DEFAULT_MAX_PIXELS }) {
      if (format !== 'png' && format !== 'jpeg') throw new FiligraneError('invalid_argument', `unknown format ${format} (png or jpeg)`);
      const bits = payloadBits === 'auto' ? 0 : Number(payloadBits);
      if (bits !== 0 && bits !== 32 && bits !== 64) throw new FiligraneError('invalid_argument', 'payloadBits must be "auto", 32 or 64.');
      const hex = normalisePayload(payload);
      return withFile(input, (file) => {
        const r = check(feature(module, 'imagemarkEmbedImage')(file.image(), String(key), hex, psnr, bits));
        try {
          return { bytes: encodeHandle(r.image, format, quality), psnr: r.psnr, payloadBits: r.payloadBits };
        } finally {
          r.image.delete();
        }
      }, { maxPixels });
    },

    /** Looks for Filigrane's image mark of `key`: {found, payload, confidence, map, ...}. */
    detectImageMark(input, { key, maxPixels = DEFAULT_MAX_PIXELS }) {
      return withFile(input, (file) => check(feature(module, 'imagemarkDetectImage')(file.image(), String(key))).report, { maxPixels });
    },

    /** Looks for the invisible-watermark marks of Stable Diffusion tools: {found, kind, bitAgreement, ...}. */
    detectSdMark(input, { maxPixels = DEFAULT_MAX_PIXELS } = {}) {
      return withFile(input, (file) => ({
        ...file.memo('sdmark', () => check(feature(module, 'sdmarkDetectImage')(file.image())).report),
      }), { maxPixels });
    },

    // --- Provenance (core/provenance).

    /** C2PA, XMP, IPTC, EXIF and generator metadata read from the file bytes (read once per DecodedImage). */
    provenance(input) {
      const read = (bytes) => check(feature(module, 'readProvenance')(bytes)).json;
      const json = input instanceof DecodedImage ? input.memo('provenance', () => read(input.bytes)) : read(toBytes(input));
      return JSON.parse(json);
    },

    /** Bytes allocated in the WebAssembly heap (for leak checks). */
    heapStats() {
      return module.heapStats();
    },
  };
}
