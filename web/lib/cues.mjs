// Sensitive-content cues and one-step redaction, shared by the worker and
// Node: faces (BlazeFace), nudity (nsfwjs's MobileNetV2 converted to ONNX),
// personal text (PP-OCRv4 + the core's PII matchers) and metadata (the
// provenance reader). Each detector is one entry of CUE_KINDS, so a new cue
// (for example accessibility markers, for which no public model exists yet)
// is one more entry with its own function.
import { FiligraneError } from './errors.mjs';
import { modelEntry, modelSession, modelSessionPool, ortRuntime } from './models.mjs';
import { FACE_MODEL, FACE_SCAN, faceScanMode, planFaceTiles, scanFaces, startScanFaces } from './faces.mjs';
import { classifyNudity, NSFW_MODEL_NAME, NSFW_INPUT_SIZE } from './nsfw.mjs';
import { OCR_DET_MODEL, OCR_REC_MODEL, readText, verifiedDictionary } from './ocr.mjs';
import { createRedactOps } from './redact-ops.mjs';
import { findCodes } from './codes.mjs';
import { CUE_KINDS } from './cue-kinds.mjs';
import { check } from './decoded-image.mjs';
import { checkStyle, faceStrength, proposedBoxes, STYLED_KINDS, validateBoxes } from './redact-boxes.mjs';

export { CUE_KINDS };
export { FACE_STRENGTH, MAX_BOXES, proposedBoxes, validateBoxes } from './redact-boxes.mjs';

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
 * @param {{ops: object, module: object, loadAsset: (name: string, entry: object) => Promise<Uint8Array>,
 *          progressHook?: () => ((p: {what, loaded, total}) => void) | null}} options
 *   loadAsset reads a model's companion file (the OCR dictionary) checked by its own sha256;
 *   progressHook gives the progress callback of the call in flight (the worker's);
 *   faceHelper (optional): () => Promise<FaceHelper | null>, a second thread for thorough face scans (face-helper.mjs).
 */
export function createCues({ ops, module, loadAsset, progressHook = null, faceHelper = null }) {
  const redactOps = createRedactOps(module);

  // The recogniser's sessions side by side where the host has a pool, else its one session.
  async function recogniser(options = {}) {
    return (await modelSessionPool(OCR_REC_MODEL, options)) ?? modelSession(OCR_REC_MODEL, options);
  }

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
  async function cues(file, options = {}) {
    return analyse(file, options);
  }

  // The cues in a file (a DecodedImage: sharingDecode below). Every analysis
  // reads the file's one decode: the text reader in place in the core; face
  // tiles, the nudity model and the code reader from one JS copy of its
  // pixels, dropped before the text reader runs. (WebAssembly heaps never
  // shrink: what JS still holds while the text models grow theirs adds to
  // the peak.)
  async function analyse(file, { faces = true, nsfw = true, text = true, codes = text, thorough = false, onProgress } = {}) {
    const clock = () => globalThis.performance?.now() ?? Date.now();
    const started = clock();
    const report = onProgress ?? progressHook?.() ?? null;
    const provenance = ops.provenance(file);
    const shown = ops.header(file); // boxes are in these (displayed, full-size) pixels
    // Decode no more pixels than the analyses asked for need: OCR and a
    // thorough face scan read full resolution; a quick face scan and the
    // nudity model (224 x 224) work from a reduced-scale decode.
    const mode = faces ? faceScanMode(module, shown.width, shown.height, thorough) : 'thorough';
    const scan = FACE_SCAN[mode];
    const need = Math.max(text || codes ? Infinity : 0, faces ? scan.workingMinSide : 0, nsfw ? 2 * NSFW_INPUT_SIZE : 0);
    const minSide = Number.isFinite(need) ? need : 0;
    // A thorough scan's tiles are split with a helper thread when there is one
    // (asked for now, so its runtime starts while this thread decodes).
    const helperPromise = faces && thorough && faceHelper && typeof SharedArrayBuffer === 'function'
      && planFaceTiles(module, shown.width, shown.height, { maxTiles: scan.maxTiles }).tiles.length >= FACE_SCAN.thorough.helperFrom
      ? faceHelper().catch(() => null) : null;
    // Borrowed from the file, which frees it when it is closed.
    const image = file.atLeast(minSide);
    const { width, height } = image;
    const timings = { decode: clock() - started };
    const helper = helperPromise ? await helperPromise : null;
    let rgba = null;
    if (faces || nsfw || codes) {
      // The helper thread reads the pixels where they are.
      rgba = helper ? new Uint8Array(new SharedArrayBuffer(width * height * 4)) : null;
      rgba = rgba ? (image.rgbaInto(rgba), rgba) : image.rgba();
    }
    const scaleX = shown.width / width;
    const scaleY = shown.height / height;
    const ort = (faces || nsfw || text) ? await ortRuntime() : null;
    const result = { width: shown.width, height: shown.height, faces: [], nsfw: null, text: [], codes: [], metadata: metadataCues(provenance), unavailable: [] };
    const guard = async (what, run) => {
      const t0 = clock();
      try {
        await run();
        timings[what] = (timings[what] ?? 0) + clock() - t0;
      } catch (err) {
        if (['model_unavailable', 'model_integrity'].includes(err?.code)) result.unavailable.push({ cue: what, code: err.code, message: err.message });
        else throw err;
      }
    };
    let faceScan = null;
    let facesInParallel = false;
    const finishFaces = async () => {
      const found = await faceScan.finish();
      faceScan = null;  // its level images go with it
      result.faces = found.faces.map((f) => ({
        box: { x: Math.round(f.x * scaleX), y: Math.round(f.y * scaleY), width: Math.round(f.width * scaleX), height: Math.round(f.height * scaleY) },
        score: f.score,
      }));
      result.face_scan = { mode, min_face: Math.ceil(found.minFace * Math.max(scaleX, scaleY)), tiles: found.tiles, skipped: found.skipped };
    };
    if (faces) {
      await guard('faces', async () => {
        const session = await modelSession(FACE_MODEL, { onProgress });
        faceScan = startScanFaces({ module, session, ort, rgba, width, height, options: { maxTiles: scan.maxTiles }, helper, handle: image,
          onTile: report ? (done, total) => report({ what: 'faces', loaded: done, total }) : null });
        // With a helper running tiles, this thread reads codes and text first and
        // then joins the face scan; unless the helper is to end after its scan
        // (endAfterScan: the CLI), when both run tiles first and the helper's
        // memory is returned before the text models grow theirs.
        facesInParallel = faceScan.parallel && !helper?.endAfterScan;
        if (!facesInParallel) {
          await finishFaces();
          await helper?.endAfterScan?.();
        }
      });
    }
    if (nsfw) {
      await guard('nsfw', async () => {
        const session = await modelSession(NSFW_MODEL_NAME, { onProgress });
        result.nsfw = await classifyNudity({ session, ort, rgba, width, height });
      });
    }
    if (codes) {
      // QR codes and barcodes: what they carry is reported, and they are covered as personal data.
      await guard('codes', async () => {
        report?.({ what: 'codes', loaded: 0, total: 1 });
        result.codes = (await findCodes({ rgba, width, height })).map((c) => ({ ...c,
          box: { x: Math.round(c.box.x * scaleX), y: Math.round(c.box.y * scaleY), width: Math.round(c.box.width * scaleX), height: Math.round(c.box.height * scaleY) } }));
      });
    }
    rgba = null;  // a parallel face scan keeps its own reference until it finishes
    if (text) {
      await guard('text', async () => {
        const [det, rec, dictionary] = await Promise.all([
          modelSession(OCR_DET_MODEL, { onProgress }), recogniser({ onProgress }), ocrDictionary()]);
        // A thorough scan (redaction) reads doubtful lines again at full resolution.
        report?.({ what: 'text', loaded: 0, total: 1 });
        result.text = await readText({ module, sessions: { det, rec }, ort, image, options: { dictionary, refine: thorough } });
        report?.({ what: 'text', loaded: 1, total: 1 });
      });
    }
    if (facesInParallel) await guard('faces', finishFaces);
    // Milliseconds per stage (model downloads included), for benchmarks.
    result.timings_ms = Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)]));
    return result;
  }

  /**
   * Finds the chosen cues and redacts them; the output carries no metadata.
   * Personal text, codes and the caller's own `regions` are always covered
   * with a solid fill: blurred or pixelated text can be read back (deblurring,
   * Depix). `style` applies to faces (and nudity) only, at strengths the face
   * detector cannot find a face in afterwards (FACE_STRENGTH).
   * @returns {Promise<{bytes, width, height, mime, regions: number, boxes: object[], cues: object}>}
   */
  async function redactCues(bytes, { faces = false, pii = false, nsfw = false, style = 'fill', format = 'png', quality = 90, regions = [], onProgress } = {}) {
    if (!faces && !pii && !nsfw && regions.length === 0) {
      throw new FiligraneError('invalid_argument', 'choose what to redact: faces, personal data, nudity or regions');
    }
    checkStyle(style);
    const header = ops.header(bytes);
    const extra = validateBoxes(regions, header, { kind: 'user' });
    // Redaction scans thoroughly: a face the quick scan skips would leak.
    const found = (faces || pii || nsfw) ? await analyse(bytes, { faces, nsfw, text: pii, thorough: true, onProgress }) : null;
    for (const u of found?.unavailable ?? []) throw new FiligraneError(u.code, u.message);
    const boxes = [...(found ? proposedBoxes(found, { faces, pii, nsfw }) : []), ...extra];
    const out = redactBoxes(bytes, boxes, { style, format, quality, checked: true });
    return { ...out, regions: boxes.length, boxes, cues: found };
  }

  /**
   * Covers exactly `boxes` ([{x, y, width, height, kind?}] in displayed
   * pixels) and re-encodes with no metadata: what the Protect editor shows at
   * confirm. Boxes of kind 'face' or 'nudity' get `style`; every other box
   * (text, codes, boxes the user drew) a solid fill.
   * `file` is a DecodedImage (sharingDecode): the boxes are drawn on its
   * decode in the core and encoded there (no copy of the pixels through JS);
   * a file that later calls read keeps its decode as it was (takeImageToDraw).
   */
  function redactBoxes(file, boxes, { style = 'fill', format = 'png', quality = 90, checked = false } = {}) {
    checkStyle(style);
    if (format !== 'png' && format !== 'jpeg') throw new FiligraneError('invalid_argument', `unknown format ${format} (png or jpeg)`);
    const q = Number(quality);
    if (!Number.isInteger(q) || q < 1 || q > 100) throw new FiligraneError('invalid_argument', 'JPEG quality must be a whole number 1..100');
    const header = ops.header(file);
    const list = checked ? boxes : validateBoxes(boxes, header);
    const solid = style === 'fill' ? list : list.filter((b) => !STYLED_KINDS.has(b.kind));
    const styled = style === 'fill' ? [] : list.filter((b) => STYLED_KINDS.has(b.kind));
    const image = file.takeImageToDraw();
    try {
      // Every solid box in one pass over the pixels.
      if (solid.length) redactOps.redactHandle(image, { regions: solid, style: 'fill' });
      // Faces blurred or pixelated: one strength per face size (the core derives
      // its default from the box; FACE_STRENGTH is stronger, measured in bench/redaction.md).
      for (const b of styled) {
        const size = Math.min(b.width, b.height);
        redactOps.redactHandle(image, { regions: [b], style, ...faceStrength(style, size) });
      }
      const out = check(format === 'jpeg' ? image.encodeJpeg(q) : image.encodePngReleasing()).bytes;
      return { bytes: out, width: header.width, height: header.height, mime: format === 'jpeg' ? 'image/jpeg' : 'image/png', regions: list.length };
    } finally {
      image.delete();
    }
  }

  /** The nudity cue alone (for page scanning): {flagged, verdict, score, classes}. */
  async function nudity(bytes, { onProgress } = {}) {
    const found = await cues(bytes, { faces: false, nsfw: true, text: false, onProgress });
    for (const u of found.unavailable) throw new FiligraneError(u.code, u.message);
    return { flagged: found.nsfw.verdict === 'nudity', ...found.nsfw };
  }

  /**
   * Cues in one camera frame, from its pixels (no file, nothing stored): faces
   * in one model tile over the whole frame (the viewfinder runs it on every
   * frame), nudity and personal text when asked. Boxes are in frame pixels.
   */
  async function frameCues(frame, { faces = true, nsfw = false, text = false } = {}) {
    const { width, height, rgba } = frame ?? {};
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 4096 || height > 4096
        || !(rgba instanceof Uint8Array) || rgba.length !== width * height * 4) {
      throw new FiligraneError('invalid_argument', 'a camera frame needs width and height (1-4096) and width x height x 4 RGBA bytes');
    }
    const clock = () => globalThis.performance?.now() ?? Date.now();
    const ort = await ortRuntime();
    const result = { width, height, faces: [], nsfw: null, text: [], timings_ms: {} };
    const timed = async (what, run) => { const t0 = clock(); await run(); result.timings_ms[what] = Math.round(clock() - t0); };
    if (faces) {
      await timed('faces', async () => {
        const session = await modelSession(FACE_MODEL);
        const found = await scanFaces({ module, session, ort, rgba, width, height, options: { maxTiles: 1 } });
        result.faces = found.faces.map((f) => ({ box: { x: f.x, y: f.y, width: f.width, height: f.height }, score: f.score }));
        result.min_face = found.minFace;
      });
    }
    if (nsfw) {
      await timed('nsfw', async () => {
        result.nsfw = await classifyNudity({ session: await modelSession(NSFW_MODEL_NAME), ort, rgba, width, height });
      });
    }
    if (text) {
      await timed('text', async () => {
        const [det, rec, dictionary] = await Promise.all([modelSession(OCR_DET_MODEL), recogniser(), ocrDictionary()]);
        result.text = await readText({ module, sessions: { det, rec }, ort, rgba, width, height, options: { dictionary } });
      });
    }
    return result;
  }

  // AVIF/HEIC in the browser: the platform decoder's pixels (ops.pixelBytes).
  const redactRegions = (bytes, options) => redactOps.redact(ops.pixelBytes(bytes), options);
  // Each call decodes its file once, whatever it runs (ops.sharingDecode).
  const shared = ops.sharingDecode;
  return { cues: shared(cues), redactCues: shared(redactCues), redactBoxes: shared(redactBoxes), proposeBoxes: proposedBoxes,
    nudity: shared(nudity), frameCues, redactRegions, cueKinds: () => CUE_KINDS };
}
