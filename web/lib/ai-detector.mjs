// Filigrane's own pixel-level AI-image detector (models/ai-detector): the one
// inference path shared by the browser worker and the Node CLI. The Python
// training/eval code normalises images through this same file (via
// models/ai-detector/normalise.mjs), so pixels match bit for bit; the crop
// choice and pooling below mirror models/ai-detector/detector_common.py.
import { FiligraneError } from './errors.mjs';

export const SHORT_SIDE = 512;    // normalised short side in pixels
export const JPEG_QUALITY = 90;   // normalisation JPEG quality (core encoder, 4:2:0)
export const CROP = 256;          // model input [n, 3, CROP, CROP]
export const CROP_STRIDE = 128;   // candidate window grid step
export const NUM_CROPS = 4;       // windows scored per image
export const SCALED_DECODE_FROM = 2048; // short side from which a JPEG may be decoded at reduced scale
export const FLAT_DIFF = 2;       // |luma step| <= this to right and lower neighbour => flat pixel

/** Size after normalisation: short side SHORT_SIDE, long side rounded like Python's round(). */
export function normalisedSize(width, height) {
  if (!(width > 0 && height > 0)) throw new FiligraneError('invalid_argument', 'image has no pixels');
  // Python round() is half-to-even; the products here are never exact halves for
  // integer sides except by coincidence, and then both sides must agree: mirror it.
  const roundHalfEven = (v) => {
    const f = Math.floor(v);
    const d = v - f;
    if (d > 0.5) return f + 1;
    if (d < 0.5) return f;
    return f % 2 === 0 ? f : f + 1;
  };
  if (width <= height) return { width: SHORT_SIDE, height: Math.max(1, roundHalfEven((height * SHORT_SIDE) / width)) };
  return { width: Math.max(1, roundHalfEven((width * SHORT_SIDE) / height)), height: SHORT_SIDE };
}

/**
 * The documented normalisation: decode (EXIF orientation applied), Lanczos-3 to
 * short side 512 (no resize when already that size), JPEG quality 90 through the
 * core encoder, decode again. Returns {width, height, rgba}.
 * A JPEG with a short side of 2048 or more (never a training image: those
 * are <= 1024) is decoded at 1/2, 1/4 or 1/8 scale in the DCT domain first,
 * keeping a short side >= 512, then resized the same way (CARD.md: moves the
 * probability by <= 0.013 against a full decode).
 */
export function normaliseForDetector(ops, bytes) {
  const info = ops.header(bytes);
  const size = normalisedSize(info.width, info.height);
  let jpeg;
  if (size.width === info.width && size.height === info.height) {
    jpeg = ops.encode(ops.decodeRgba(bytes), { format: 'jpeg', quality: JPEG_QUALITY });
  } else {
    const minSide = Math.min(info.width, info.height) >= SCALED_DECODE_FROM ? SHORT_SIDE : 0;
    jpeg = ops.resize(bytes, { ...size, filter: 'lanczos3', format: 'jpeg', quality: JPEG_QUALITY, minSide });
  }
  return ops.decodeRgba(jpeg);
}

/** Offsets 0, stride, 2*stride, ... <= length-crop, plus length-crop itself. */
export function candidateOffsets(length) {
  if (length < CROP) return [0];
  const offs = [];
  for (let o = 0; o <= length - CROP; o += CROP_STRIDE) offs.push(o);
  if (offs[offs.length - 1] !== length - CROP) offs.push(length - CROP);
  return offs;
}

/**
 * Top-left corners of the NUM_CROPS candidate windows with the fewest flat
 * pixels (integer luma (77R+150G+29B+128)>>8; flat = step <= FLAT_DIFF to both
 * right and lower neighbour, a missing neighbour counting as flat). Ties go to
 * raster order of the candidates, as in detector_common.select_crops.
 */
export function selectCrops({ width, height, rgba }, k = NUM_CROPS) {
  const luma = new Int32Array(width * height);
  for (let i = 0, p = 0; i < luma.length; i++, p += 4) {
    luma[i] = (77 * rgba[p] + 150 * rgba[p + 1] + 29 * rgba[p + 2] + 128) >> 8;
  }
  // Integral image of the flat map, (height+1) x (width+1); counts fit in float64 exactly.
  const iw = width + 1;
  const integral = new Float64Array((height + 1) * iw);
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const v = luma[i];
      const flatX = x + 1 >= width || Math.abs(luma[i + 1] - v) <= FLAT_DIFF;
      const flatY = y + 1 >= height || Math.abs(luma[i + width] - v) <= FLAT_DIFF;
      rowSum += flatX && flatY ? 1 : 0;
      integral[(y + 1) * iw + x + 1] = integral[y * iw + x + 1] + rowSum;
    }
  }
  const cands = [];
  for (const y of candidateOffsets(height)) {
    for (const x of candidateOffsets(width)) {
      const y1 = Math.min(y + CROP, height);
      const x1 = Math.min(x + CROP, width);
      const count = integral[y1 * iw + x1] - integral[y * iw + x1] - integral[y1 * iw + x] + integral[y * iw + x];
      cands.push({ count, order: cands.length, x, y });
    }
  }
  cands.sort((a, b) => a.count - b.count || a.order - b.order);
  return cands.slice(0, k).map(({ x, y }) => ({ x, y }));
}

/** Crops as one float32 NCHW RGB tensor in [0,1]; windows past the edge repeat the edge pixel. */
export function cropTensorData({ width, height, rgba }, crops) {
  const plane = CROP * CROP;
  const data = new Float32Array(crops.length * 3 * plane);
  crops.forEach(({ x, y }, n) => {
    const base = n * 3 * plane;
    for (let j = 0; j < CROP; j++) {
      const sy = Math.min(y + j, height - 1);
      for (let i = 0; i < CROP; i++) {
        const sx = Math.min(x + i, width - 1);
        const p = (sy * width + sx) * 4;
        const o = base + j * CROP + i;
        data[o] = rgba[p] / 255;
        data[o + plane] = rgba[p + 1] / 255;
        data[o + 2 * plane] = rgba[p + 2] / 255;
      }
    }
  });
  return data;
}

/** Band for a calibrated probability (calibration.json thresholds). */
export function bandOf(probability, calibration) {
  if (probability >= calibration.likely_ai_min_probability) return 'likely-ai';
  if (probability <= calibration.likely_real_max_probability) return 'likely-real';
  return 'uncertain';
}

/**
 * Scores one image file.
 * @param {{ops: object, session: object, ort: object, bytes: Uint8Array, calibration: object}} args
 *   ops from createCoreOps, session an onnxruntime-web InferenceSession of
 *   models/ai-detector/ai_detector.onnx, ort the onnxruntime-web module,
 *   calibration the parsed models/ai-detector/calibration.json.
 * @returns {Promise<{probability: number, logit: number, band: string, crops: Array<{x, y, logit}>}>}
 *   logit is the pooled (mean) crop logit before calibration; crop coordinates
 *   are in the normalised image. Throws FiligraneError on undecodable input.
 */
export async function detectAiPixels({ ops, session, ort, bytes, calibration }) {
  if (!calibration || typeof calibration.platt_a !== 'number' || typeof calibration.platt_b !== 'number') {
    throw new FiligraneError('invalid_argument', 'ai-detector calibration is missing platt_a / platt_b');
  }
  const image = normaliseForDetector(ops, bytes);
  const crops = selectCrops(image, calibration.num_crops ?? NUM_CROPS);
  const inputName = calibration.input_name ?? session.inputNames[0];
  const outputName = calibration.output_name ?? session.outputNames[0];
  const logits = [];
  // One crop per run: the exported graph is fixed to batch 1.
  for (const crop of crops) {
    const data = cropTensorData(image, [crop]);
    const out = await session.run({ [inputName]: new ort.Tensor('float32', data, [1, 3, CROP, CROP]) });
    logits.push(Number(out[outputName].data[0]));
  }
  const logit = logits.reduce((s, v) => s + v, 0) / logits.length;
  const probability = 1 / (1 + Math.exp(-(calibration.platt_a * logit + calibration.platt_b)));
  return {
    probability,
    logit,
    band: bandOf(probability, calibration),
    crops: crops.map((c, i) => ({ ...c, logit: logits[i] })),
  };
}
