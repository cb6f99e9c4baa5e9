// Nudity cue (issue 6): nsfwjs 4.4.0's MobileNetV2 converted to ONNX by
// tools/tfjs_to_onnx.mjs (models/nsfw-mobilenet-v2/CARD.md), run through
// ONNX Runtime Web. Preprocessing reproduces nsfwjs on TensorFlow.js exactly:
// RGB / 255 as float32, then resizeBilinear to 224x224 with alignCorners=true
// (nsfwjs passes true; the aspect ratio is not kept), NHWC.
//
// The cue uses only Porn + Hentai. 'Sexy' alone fires on sports clothing and
// crop tops (bench/cues-nsfw.md), so it never raises a cue by itself.
import { FiligraneError } from './errors.mjs';

export const NSFW_MODEL_NAME = 'nsfw-mobilenet-v2';
export const NSFW_INPUT_NAME = 'input';
export const NSFW_OUTPUT_NAME = 'probabilities';
export const NSFW_INPUT_SIZE = 224;
/** Output order of the model (nsfwjs NSFW_CLASSES). */
export const NSFW_CLASSES = Object.freeze(['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy']);

// Calibrated on 178 benign images (bench/cues-nsfw.md): the highest benign
// score is 0.495 (white-on-black text page), the next 0.327 (photo above a
// black caption band), the highest of 24 people photos 0.225. 0.4 flags 1 of
// 178 (0.6%) and no people photo; 'nudity' keeps a 0.1 margin above every
// benign image. No nudity images were available, so recall is unmeasured.
/** Porn + Hentai at or above this: verdict 'nudity'. */
export const NUDITY_THRESHOLD = 0.6;
/** Porn + Hentai at or above this (and below NUDITY_THRESHOLD): verdict 'suggestive'. */
export const SUGGESTIVE_THRESHOLD = 0.4;

const MAX_SIDE = 65536;

function checkPixels(rgba, width, height) {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new FiligraneError('invalid_argument', `image size ${width}x${height} is not usable`);
  }
  if (!rgba || typeof rgba.length !== 'number' || rgba.length !== width * height * 4) {
    throw new FiligraneError('invalid_argument', `expected ${width * height * 4} RGBA bytes, got ${rgba?.length}`);
  }
}

/**
 * The model input for straight-alpha RGBA pixels: Float32Array of
 * 224*224*3 values, NHWC, RGB / 255. Transparent pixels are flattened over
 * white first. Throws FiligraneError('invalid_argument') on bad sizes.
 * Same arithmetic as TensorFlow.js's CPU kernels (x/255 rounded to float32,
 * bilinear weights in double, result rounded to float32), so the tensor is
 * bit-identical to the one nsfwjs builds for an opaque image.
 */
export function nsfwInput(rgba, width, height) {
  checkPixels(rgba, width, height);
  const size = NSFW_INPUT_SIZE;
  // value of channel c at pixel index p, as nsfwjs sees it after div(255)
  const at = (p, c) => {
    const a = rgba[p * 4 + 3];
    const v = a === 255 ? rgba[p * 4 + c] : Math.round((rgba[p * 4 + c] * a + 255 * (255 - a)) / 255);
    return Math.fround(v / 255);
  };
  const out = new Float32Array(size * size * 3);
  if (width === size && height === size) {
    for (let p = 0, i = 0; p < size * size; p++) for (let c = 0; c < 3; c++) out[i++] = at(p, c);
    return out;
  }
  // tf.image.resizeBilinear(alignCorners = true), as in tfjs-backend-cpu.
  const rowRatio = (height - 1) / (size - 1);
  const colRatio = (width - 1) / (size - 1);
  let i = 0;
  for (let r = 0; r < size; r++) {
    const fr = rowRatio * r;
    const top = Math.max(0, Math.floor(fr));
    const rowFrac = fr - top;
    const bottom = Math.min(height - 1, Math.ceil(fr));
    for (let col = 0; col < size; col++) {
      const fc = colRatio * col;
      const left = Math.max(0, Math.floor(fc));
      const colFrac = fc - left;
      const right = Math.min(width - 1, Math.ceil(fc));
      for (let c = 0; c < 3; c++) {
        const tl = at(top * width + left, c);
        const tr = at(top * width + right, c);
        const bl = at(bottom * width + left, c);
        const br = at(bottom * width + right, c);
        const t = tl + (tr - tl) * colFrac;
        const b = bl + (br - bl) * colFrac;
        out[i++] = t + (b - t) * rowFrac;
      }
    }
  }
  return out;
}

/** Verdict and score for class probabilities {Drawing, Hentai, Neutral, Porn, Sexy}. */
export function nudityVerdict(classes) {
  const score = classes.Porn + classes.Hentai;
  const verdict = score >= NUDITY_THRESHOLD ? 'nudity' : score >= SUGGESTIVE_THRESHOLD ? 'suggestive' : 'none';
  return { verdict, score };
}

/**
 * Classifies one image. `session` is an ort.InferenceSession of
 * nsfw-mobilenet-v2 (modelSession('nsfw-mobilenet-v2')), `ort` the
 * onnxruntime-web module, `rgba` straight-alpha pixels.
 * Returns {classes, verdict: 'nudity'|'suggestive'|'none', score: Porn+Hentai}.
 * Throws FiligraneError: invalid_argument on bad pixels, internal when the
 * session does not give five probabilities.
 */
export async function classifyNudity({ session, ort, rgba, width, height }) {
  const data = nsfwInput(rgba, width, height);
  const input = new ort.Tensor('float32', data, [1, NSFW_INPUT_SIZE, NSFW_INPUT_SIZE, 3]);
  const result = await session.run({ [NSFW_INPUT_NAME]: input });
  const probs = result[NSFW_OUTPUT_NAME]?.data;
  if (!probs || probs.length !== NSFW_CLASSES.length) {
    throw new FiligraneError('internal', `nudity model returned ${probs?.length} values instead of ${NSFW_CLASSES.length}`);
  }
  const classes = {};
  NSFW_CLASSES.forEach((name, k) => { classes[name] = probs[k]; });
  return { classes, ...nudityVerdict(classes) };
}
