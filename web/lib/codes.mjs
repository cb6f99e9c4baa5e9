// QR codes and barcodes (boarding passes and parcel labels carry names,
// booking references and addresses in them): found and decoded with
// ZXing-C++ as WebAssembly (npm zxing-wasm, MIT), a well-kept reader of every
// common 1-D and 2-D symbology that reports where each code lies. The host
// (worker or Node) says how to load it; the reader's WebAssembly is checked
// against the sha256 its own package publishes before it runs.
import { FiligraneError } from './errors.mjs';
import { sha256Hex } from './models.mjs';

let host = null;
let readerPromise = null;

/**
 * @param {{loadReader: () => Promise<{module: object, wasm: Uint8Array}>}} config
 *   module: zxing-wasm's reader ES module; wasm: the bytes of zxing_reader.wasm.
 */
export function configureCodeReader(config) {
  host = config;
  readerPromise = null;
}

async function reader() {
  if (!host) throw new FiligraneError('model_unavailable', 'no QR and barcode reader is configured here');
  readerPromise ??= (async () => {
    const { module, wasm } = await host.loadReader();
    const digest = await sha256Hex(wasm);
    if (digest !== module.ZXING_WASM_SHA256) {
      throw new FiligraneError('model_integrity', `the barcode reader is damaged or not the pinned version (sha256 ${digest.slice(0, 12)}…)`);
    }
    // The bytes are given to it, so it never fetches anything (its default is a CDN).
    module.prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) }, fireImmediately: true });
    return module;
  })();
  try {
    return await readerPromise;
  } catch (err) {
    readerPromise = null;
    throw err;
  }
}

/** The matrix symbologies, reported as kind 'qr'; everything else is a 'barcode'. */
const MATRIX = /QR|Aztec|DataMatrix|PDF417|MaxiCode/i;

/**
 * Every readable code in an RGBA image: [{kind: 'qr'|'barcode', format, text,
 * box: {x, y, width, height}}] in image pixels. The box is the code's
 * outline grown by a quiet-zone margin, so covering it leaves nothing a
 * reader can lock on to.
 */
export async function findCodes({ rgba, width, height }) {
  const zxing = await reader();
  const data = new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  const results = await zxing.readBarcodesFromImageData({ data, width, height, colorSpace: 'srgb' }, {
    formats: [], tryHarder: true, tryRotate: true, tryInvert: true, tryDownscale: true, maxNumberOfSymbols: 64,
  });
  const codes = [];
  for (const r of results) {
    if (!r.isValid) continue;
    const points = ['topLeft', 'topRight', 'bottomRight', 'bottomLeft'].map((k) => r.position[k]);
    const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
    let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    const matrix = MATRIX.test(r.format);
    // Linear codes: ZXing reports the scan line; cover the bars' full height.
    if (!matrix && y1 - y0 < 0.3 * (x1 - x0)) { const grow = 0.35 * (x1 - x0); y0 -= grow; y1 += grow; }
    const margin = 0.12 * Math.max(x1 - x0, y1 - y0);
    x0 = Math.max(0, Math.floor(x0 - margin)); y0 = Math.max(0, Math.floor(y0 - margin));
    x1 = Math.min(width, Math.ceil(x1 + margin)); y1 = Math.min(height, Math.ceil(y1 + margin));
    codes.push({ kind: matrix ? 'qr' : 'barcode', format: r.format, text: r.text, box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } });
  }
  return codes;
}
