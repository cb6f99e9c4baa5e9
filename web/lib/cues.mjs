// Sensitive-content cues and one-step redaction, shared by the worker and
// Node: faces (BlazeFace), nudity (nsfwjs's MobileNetV2 converted to ONNX),
// personal text (PP-OCRv4 + the core's PII matchers) and metadata (the
// provenance reader). Each detector is one entry of CUE_KINDS, so a new cue
// (for example accessibility markers, for which no public model exists yet)
// is one more entry with its own function.
import { FiligraneError } from './errors.mjs';
import { modelEntry, modelSession, ortRuntime } from './models.mjs';
import { detectFaces, FACE_MODEL } from './faces.mjs';
import { classifyNudity, NSFW_MODEL_NAME } from './nsfw.mjs';
import { OCR_DET_MODEL, OCR_REC_MODEL, readText, verifiedDictionary } from './ocr.mjs';
import { createRedactOps } from './redact-ops.mjs';
import { CUE_KINDS } from './cue-kinds.mjs';

export { CUE_KINDS };

/** Metadata cues from the provenance report: GPS, serial numbers, owner names. */
export function metadataCues(provenance) {
  const cues = [];
  const exif = provenance?.exif ?? {};
  if (exif.gps_present) cues.push({ kind: 'gps', detail: 'the file records the GPS position where it was taken' });
  if (exif.serial) cues.push({ kind: 'device-serial', detail: `camera serial number ${exif.serial}` });
  for (const [key, kind] of [['owner', 'owner-name'], ['artist', 'owner-name'], ['copyright', 'owner-name']]) {
    if (exif[key]) cues.push({ kind, detail: `${key}: ${exif[key]}` });
  }
  if (provenance?.generator?.prompt_excerpt) cues.push({ kind: 'generator-prompt', detail: 'the generator prompt is stored in the file' });
  return cues;
}

let dictionaryPromise = null;

/**
 * @param {{ops: object, module: object, loadAsset: (name: string, entry: object) => Promise<Uint8Array>}} options
 *   loadAsset reads a model's companion file (the OCR dictionary) checked by its own sha256.
 */
export function createCues({ ops, module, loadAsset }) {
  const redactOps = createRedactOps(module);

  async function ocrDictionary() {
    dictionaryPromise ??= modelEntry(OCR_REC_MODEL).then((entry) => verifiedDictionary(entry, (e) => loadAsset(OCR_REC_MODEL, e)));
    try {
      return await dictionaryPromise;
    } catch (err) {
      dictionaryPromise = null;
      throw err;
    }
  }

  /**
   * Finds the cues in an image file.
   * @returns {Promise<{width, height, faces, nsfw, text, metadata, unavailable}>}
   */
  async function cues(bytes, { faces = true, nsfw = true, text = true, onProgress } = {}) {
    const provenance = ops.provenance(bytes);
    // Nudity alone looks at 224 x 224: a smaller decode is enough (and much faster).
    const image = ops.decodeRgba(bytes, { maxSide: faces || text ? 0 : 896 });
    const { width, height, rgba } = image;
    const shown = ops.info(bytes); // boxes are in these (displayed, full-size) pixels
    const ort = (faces || nsfw || text) ? await ortRuntime() : null;
    const result = { width: shown.width, height: shown.height, faces: [], nsfw: null, text: [], metadata: metadataCues(provenance), unavailable: [] };
    const guard = async (what, run) => {
      try {
        await run();
      } catch (err) {
        if (['model_unavailable', 'model_integrity'].includes(err?.code)) result.unavailable.push({ cue: what, code: err.code, message: err.message });
        else throw err;
      }
    };
    if (faces) {
      await guard('faces', async () => {
        const session = await modelSession(FACE_MODEL, { onProgress });
        result.faces = (await detectFaces({ module, session, ort, rgba, width, height }))
          .map((f) => ({ box: { x: Math.round(f.x), y: Math.round(f.y), width: Math.round(f.width), height: Math.round(f.height) }, score: f.score }));
      });
    }
    if (nsfw) {
      await guard('nsfw', async () => {
        const session = await modelSession(NSFW_MODEL_NAME, { onProgress });
        result.nsfw = await classifyNudity({ session, ort, rgba, width, height });
      });
    }
    if (text) {
      await guard('text', async () => {
        const [det, rec, dictionary] = await Promise.all([
          modelSession(OCR_DET_MODEL, { onProgress }), modelSession(OCR_REC_MODEL, { onProgress }), ocrDictionary()]);
        result.text = await readText({ module, sessions: { det, rec }, ort, rgba, width, height, options: { dictionary } });
      });
    }
    return result;
  }

  /**
   * Finds the chosen cues and redacts them; the output carries no metadata.
   * @returns {Promise<{bytes, width, height, mime, regions: number, cues: object}>}
   */
  async function redactCues(bytes, { faces = false, pii = false, nsfw = false, style = 'blur', format = 'png', quality = 90, regions = [], onProgress } = {}) {
    if (!faces && !pii && !nsfw && regions.length === 0) {
      throw new FiligraneError('invalid_argument', 'choose what to redact: faces, personal data, nudity or regions');
    }
    const found = await cues(bytes, { faces, nsfw, text: pii, onProgress });
    for (const u of found.unavailable) throw new FiligraneError(u.code, u.message);
    const boxes = [...regions];
    if (faces) boxes.push(...found.faces.map((f) => f.box));
    if (pii) boxes.push(...found.text.filter((t) => t.pii.length > 0).map((t) => t.box));
    if (nsfw && found.nsfw?.verdict === 'nudity') boxes.push({ x: 0, y: 0, width: found.width, height: found.height });
    const out = redactOps.redact(bytes, { regions: boxes, style, format, quality });
    return { ...out, regions: boxes.length, cues: found };
  }

  /** The nudity cue alone (for page scanning): {flagged, verdict, score, classes}. */
  async function nudity(bytes, { onProgress } = {}) {
    const found = await cues(bytes, { faces: false, nsfw: true, text: false, onProgress });
    for (const u of found.unavailable) throw new FiligraneError(u.code, u.message);
    return { flagged: found.nsfw.verdict === 'nudity', ...found.nsfw };
  }

  return { cues, redactCues, nudity, redactRegions: redactOps.redact, cueKinds: () => CUE_KINDS };
}

