// Sensitive-content cues and one-step redaction, shared by the worker and
// Node: faces (BlazeFace), nudity (nsfwjs's MobileNetV2 converted to ONNX),
// personal text (PP-OCRv4 + the core's PII matchers) and metadata (the
// provenance reader). Each detector is one entry of CUE_KINDS, so a new cue
// (for example accessibility markers, for which no public model exists yet)
// is one more entry with its own function.
import { FiligraneError } from './errors.mjs';
import { modelEntry, modelSession, ortRuntime } from './models.mjs';
import { FACE_MODEL, FACE_SCAN, faceScanMode, scanFaces } from './faces.mjs';
import { classifyNudity, NSFW_MODEL_NAME, NSFW_INPUT_SIZE } from './nsfw.mjs';
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
  async function cues(bytes, { faces = true, nsfw = true, text = true, thorough = false, onProgress } = {}) {
    const clock = () => globalThis.performance?.now() ?? Date.now();
    const started = clock();
    const provenance = ops.provenance(bytes);
    const shown = ops.header(bytes); // boxes are in these (displayed, full-size) pixels
    // Decode no more pixels than the analyses asked for need: OCR and a
    // thorough face scan read full resolution; a quick face scan and the
    // nudity model (224 x 224) work from a reduced-scale decode.
    const mode = faces ? faceScanMode(module, shown.width, shown.height, thorough) : 'thorough';
    const scan = FACE_SCAN[mode];
    const need = Math.max(text ? Infinity : 0, faces ? scan.workingMinSide : 0, nsfw ? 2 * NSFW_INPUT_SIZE : 0);
    const { width, height, rgba } = ops.decodeRgba(bytes, { minSide: Number.isFinite(need) ? need : 0 });
    const timings = { decode: clock() - started };
    const scaleX = shown.width / width;
    const scaleY = shown.height / height;
    const ort = (faces || nsfw || text) ? await ortRuntime() : null;
    const result = { width: shown.width, height: shown.height, faces: [], nsfw: null, text: [], metadata: metadataCues(provenance), unavailable: [] };
    const guard = async (what, run) => {
      const t0 = clock();
      try {
        await run();
        timings[what] = clock() - t0;
      } catch (err) {
        if (['model_unavailable', 'model_integrity'].includes(err?.code)) result.unavailable.push({ cue: what, code: err.code, message: err.message });
        else throw err;
      }
    };
    if (faces) {
      await guard('faces', async () => {
        const session = await modelSession(FACE_MODEL, { onProgress });
        const found = await scanFaces({ module, session, ort, rgba, width, height, options: { maxTiles: scan.maxTiles } });
        result.faces = found.faces.map((f) => ({
          box: { x: Math.round(f.x * scaleX), y: Math.round(f.y * scaleY), width: Math.round(f.width * scaleX), height: Math.round(f.height * scaleY) },
          score: f.score,
        }));
        result.face_scan = { mode, min_face: Math.ceil(found.minFace * Math.max(scaleX, scaleY)), tiles: found.tiles };
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
        // A thorough scan (redaction) reads doubtful lines again at full resolution.
        result.text = await readText({ module, sessions: { det, rec }, ort, rgba, width, height, options: { dictionary, refine: thorough } });
      });
    }
    // Milliseconds per stage (model downloads included), for benchmarks.
    result.timings_ms = Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)]));
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
    // Redaction scans thoroughly: a face the quick scan skips would leak.
    const found = await cues(bytes, { faces, nsfw, text: pii, thorough: true, onProgress });
    for (const u of found.unavailable) throw new FiligraneError(u.code, u.message);
    const boxes = [...regions];
    if (faces) boxes.push(...found.faces.map((f) => f.box));
    if (pii) boxes.push(...found.text.filter((t) => t.pii.length > 0).map((t) => t.box));
    if (nsfw && found.nsfw?.verdict === 'nudity') boxes.push({ x: 0, y: 0, width: found.width, height: found.height });
    const out = redactOps.redact(ops.pixelBytes(bytes), { regions: boxes, style, format, quality });
    return { ...out, regions: boxes.length, cues: found };
  }

  /** The nudity cue alone (for page scanning): {flagged, verdict, score, classes}. */
  async function nudity(bytes, { onProgress } = {}) {
    const found = await cues(bytes, { faces: false, nsfw: true, text: false, onProgress });
    for (const u of found.unavailable) throw new FiligraneError(u.code, u.message);
    return { flagged: found.nsfw.verdict === 'nudity', ...found.nsfw };
  }

  const redactRegions = (bytes, options) => redactOps.redact(ops.pixelBytes(bytes), options);
  return { cues, redactCues, nudity, redactRegions, cueKinds: () => CUE_KINDS };
}

