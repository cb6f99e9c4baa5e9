// Face detection with MediaPipe BlazeFace (models/blazeface-back-256) in
// ONNX Runtime Web, with tiling, decoding and merging in the core
// (core/faces through the facesPlanTiles / facesDecode / facesMerge bindings).
//
// The model sees 256x256 squares; small faces in large photos need tiles:
// level 0 is the whole image letterboxed, finer levels are overlapping tiles
// down to the scale where `minFace` image pixels are detectable. Each tile is
// resampled here (tent filter, black outside the image, alpha composited over
// black) into the NHWC float tensor the model wants (RGB in [-1, 1]).
import { FiligraneError } from './errors.mjs';

export const FACE_MODEL = 'blazeface-back-256';
export const FACE_MODEL_SIZE = 256;
const INPUT_NAME = 'input:0';

export const DEFAULT_FACE_OPTIONS = Object.freeze({
  threshold: 0.65,       // sigmoid score a detection needs (bench/cues-faces.md: recall >= 90% in group photos)
  minFace: 24,           // smallest face (image px) the tiling makes detectable
  minDetectable: 24,     // smallest face (model px) BlazeFace-back finds reliably
  overlapFactor: 1,      // tile overlap in units of the coarser level's smallest face (bench/cues-faces.md)
  maxTiles: 512,
  suppressionIou: 0.3,   // per tile (MediaPipe's value)
  mergeIou: 0.3,         // across tiles
  containment: 0.6,      // across tiles: partial views of one face
  // Tiles with no detail are not run: a tile is skipped when no 32 x 32
  // window of it (in the tile's own scale) spans this many grey levels. Every
  // one of the 549 labelled faces of 24 px or more in ../shared/data/people
  // spans at least 115 (5th-95th percentile at least 72), so a face never sits
  // in a skipped tile; walls, sky and blank paper do. 0 runs every tile.
  flatRange: 24,
});

/**
 * How deep a face scan goes. Each 256-pixel tile costs one inference (15 ms
 * in WebAssembly under Node, about 28 ms in Chromium's worker, on one core),
 * so finding 24-pixel faces in a 12 MP photo takes hundreds of tiles and
 * seconds:
 * - quick: an image whose thorough plan has at most `thoroughUpTo` tiles
 *   (about 1 MP) is scanned thoroughly; a larger one gets at most `maxTiles`
 *   tiles over a working image whose shorter side is about 720 px (a large
 *   JPEG is decoded at reduced scale), so the smallest face looked for grows
 *   with the photo (about 90 px at 1920 x 1080, 190 px at 4000 x 3000) and
 *   is reported. For cues shown at once (Inspect, `cues`).
 * - thorough: full resolution, tiles down to minFace (24 px). For redaction,
 *   where a missed face is a leak.
 */
export const FACE_SCAN = Object.freeze({
  quick: Object.freeze({ maxTiles: 12, workingMinSide: 720, thoroughUpTo: 30 }),
  // helperFrom: a helper thread (face-helper.mjs) takes part from this many
  // tiles (a 12 MP photo has 392, 3 MP 97): starting one costs about 1.2 s of
  // CPU and 110-160 MB (its own ONNX Runtime), the work of about 45 tiles.
  thorough: Object.freeze({ maxTiles: 512, workingMinSide: Infinity, helperFrom: 150 }),
});

/** 'quick' or 'thorough': what a quick request becomes for a width x height image. */
export function faceScanMode(module, width, height, thorough) {
  if (thorough) return 'thorough';
  const full = planFaceTiles(module, width, height, { maxTiles: FACE_SCAN.thorough.maxTiles });
  return full.tiles.length <= FACE_SCAN.quick.thoroughUpTo ? 'thorough' : 'quick';
}

function check(result) {
  const err = FiligraneError.fromStatus(result.status);
  if (err) throw err;
  return result;
}

function binding(module, name) {
  if (typeof module?.[name] !== 'function') {
    throw new FiligraneError('unsupported_feature', `this build of the engine has no ${name}`);
  }
  return module[name];
}

// For each of `count` output samples over [origin, origin + span) of a
// `length`-pixel axis: source indices and tent weights (normalised; taps
// outside the image keep their weight and read black).
function axisTaps(origin, span, count, length) {
  const scale = span / count;
  const radius = Math.max(1, scale);
  const taps = [];
  for (let i = 0; i < count; i++) {
    const centre = origin + (i + 0.5) * scale - 0.5;
    const first = Math.ceil(centre - radius);
    const last = Math.floor(centre + radius);
    const index = [];
    const weight = [];
    let total = 0;
    for (let j = first; j <= last; j++) {
      const w = 1 - Math.abs(j - centre) / radius;
      if (w <= 0) continue;
      total += w;
      if (j >= 0 && j < length) {
        index.push(j);
        weight.push(w);
      }
    }
    for (let k = 0; k < weight.length; k++) weight[k] /= total || 1;
    taps.push({ index, weight });
  }
  return taps;
}

/**
 * The model input for one square tile {x, y, side} of an RGBA image:
 * Float32Array NHWC [1, size, size, 3], RGB in [-1, 1].
 */
export function tileTensorData(rgba, width, height, tile, size = FACE_MODEL_SIZE) {
  const xTaps = axisTaps(tile.x, tile.side, size, width);
  const yTaps = axisTaps(tile.y, tile.side, size, height);
  // Horizontal pass, only on the source rows some output row reads.
  const rows = new Map();
  const rowOf = (sy) => {
    let row = rows.get(sy);
    if (row) return row;
    row = new Float32Array(size * 3);
    const base = sy * width * 4;
    for (let i = 0; i < size; i++) {
      const { index, weight } = xTaps[i];
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < index.length; k++) {
        const p = base + index[k] * 4;
        const w = (weight[k] * rgba[p + 3]) / 255;  // over black
        r += w * rgba[p];
        g += w * rgba[p + 1];
        b += w * rgba[p + 2];
      }
      row[i * 3] = r;
      row[i * 3 + 1] = g;
      row[i * 3 + 2] = b;
    }
    rows.set(sy, row);
    return row;
  };
  const out = new Float32Array(size * size * 3);
  for (let j = 0; j < size; j++) {
    const { index, weight } = yTaps[j];
    const o = j * size * 3;
    for (let k = 0; k < index.length; k++) {
      const row = rowOf(index[k]);
      const w = weight[k];
      for (let i = 0; i < size * 3; i++) out[o + i] += w * row[i];
    }
    for (let i = 0; i < size * 3; i++) out[o + i] = out[o + i] / 127.5 - 1;
  }
  return out;
}

// The four heads, told apart by their sizes (names differ between exports).
function heads(outputs) {
  const bySize = {};
  for (const value of Object.values(outputs)) bySize[value.data.length] = value.data;
  const fineScores = bySize[512], coarseScores = bySize[384], fineBoxes = bySize[512 * 16], coarseBoxes = bySize[384 * 16];
  if (!fineScores || !coarseScores || !fineBoxes || !coarseBoxes) {
    throw new FiligraneError('model_unavailable', 'the face model did not return the four BlazeFace outputs');
  }
  return { fineScores, fineBoxes, coarseScores, coarseBoxes };
}

function validate({ module, session, ort, rgba, width, height }) {
  if (!session || typeof session.run !== 'function') throw new FiligraneError('invalid_argument', 'detectFaces needs an ONNX Runtime session');
  if (typeof ort?.Tensor !== 'function') throw new FiligraneError('invalid_argument', 'detectFaces needs the onnxruntime module (ort.Tensor)');
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 65536 || height > 65536) {
    throw new FiligraneError('invalid_argument', 'width and height must be whole numbers from 1 to 65536');
  }
  if (!(rgba instanceof Uint8Array || rgba instanceof Uint8ClampedArray) || rgba.length !== width * height * 4) {
    throw new FiligraneError('invalid_argument', `rgba must be a Uint8Array of width*height*4 = ${width * height * 4} bytes`);
  }
  binding(module, 'facesPlanTiles');
}

/** Intersection over union of two {x, y, width, height} boxes (0 when they do not overlap). */
export function boxIou(a, b) {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / (a.width * a.height + b.width * b.height - w * h);
}

/** The crops for a width x height image: {tiles: [{x, y, side, level}], effectiveMinFace}. */
export function planFaceTiles(module, width, height, options = {}) {
  const o = { ...DEFAULT_FACE_OPTIONS, ...options };
  return check(binding(module, 'facesPlanTiles')(width, height, {
    minFace: o.minFace, minDetectable: o.minDetectable, overlapFactor: o.overlapFactor, maxTiles: o.maxTiles,
  }));
}

/** Runs the model on one tile's input (tileInputs / tileTensorData); returns its four raw heads (Float32Arrays). */
export async function inferFaceInput({ session, ort, data }) {
  const input = new ort.Tensor('float32', data, [1, FACE_MODEL_SIZE, FACE_MODEL_SIZE, 3]);
  const name = session.inputNames?.[0] ?? INPUT_NAME;
  return heads(await session.run({ [name]: input }));
}


const FLAT_BLOCK = 8;    // px of the level image per block of the detail map
const FLAT_WINDOW = 4;   // blocks a side of one window (32 px: a 24 px face and its offset)

/**
 * Where a level image has detail: for every window of FLAT_WINDOW x
 * FLAT_WINDOW blocks, whether its grey levels (alpha over black) span at
 * least `range`. Returns count(x0, y0, x1, y1): the busy windows touching
 * that pixel rectangle (a summed-area table over window origins).
 */
function detailMap(rgba, width, height, range) {
  const bw = Math.ceil(width / FLAT_BLOCK), bh = Math.ceil(height / FLAT_BLOCK);
  const lo = new Uint8Array(bw * bh).fill(255), hi = new Uint8Array(bw * bh);
  for (let y = 0; y < height; y++) {
    const row = (y / FLAT_BLOCK | 0) * bw;
    for (let x = 0, p = y * width * 4; x < width; x++, p += 4) {
      const grey = ((rgba[p] * 77 + rgba[p + 1] * 150 + rgba[p + 2] * 29) >> 8) * rgba[p + 3] / 255 | 0;
      const b = row + (x / FLAT_BLOCK | 0);
      if (grey < lo[b]) lo[b] = grey;
      if (grey > hi[b]) hi[b] = grey;
    }
  }
  // Window extremes: running min/max over FLAT_WINDOW blocks, across then down.
  const slide = (src, w, h, across, pick) => {
    const out = new Uint8Array(w * h);
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        let v = src[j * w + i];
        for (let k = 1; k < FLAT_WINDOW; k++) {
          const ii = across ? i + k : i, jj = across ? j : j + k;
          if (ii >= w || jj >= h) break;
          v = pick(v, src[jj * w + ii]);
        }
        out[j * w + i] = v;
      }
    }
    return out;
  };
  const wLo = slide(slide(lo, bw, bh, true, Math.min), bw, bh, false, Math.min);
  const wHi = slide(slide(hi, bw, bh, true, Math.max), bw, bh, false, Math.max);
  const sums = new Int32Array((bw + 1) * (bh + 1));
  for (let j = 0; j < bh; j++) {
    for (let i = 0; i < bw; i++) {
      const busy = wHi[j * bw + i] - wLo[j * bw + i] >= range ? 1 : 0;
      sums[(j + 1) * (bw + 1) + i + 1] = busy + sums[j * (bw + 1) + i + 1] + sums[(j + 1) * (bw + 1) + i] - sums[j * (bw + 1) + i];
    }
  }
  return (x0, y0, x1, y1) => {
    // Window origins whose window touches [x0, x1) x [y0, y1).
    const i0 = Math.max(0, Math.floor(x0 / FLAT_BLOCK) - FLAT_WINDOW + 1), i1 = Math.min(bw, Math.ceil(x1 / FLAT_BLOCK));
    const j0 = Math.max(0, Math.floor(y0 / FLAT_BLOCK) - FLAT_WINDOW + 1), j1 = Math.min(bh, Math.ceil(y1 / FLAT_BLOCK));
    if (i1 <= i0 || j1 <= j0) return 0;
    return sums[j1 * (bw + 1) + i1] - sums[j0 * (bw + 1) + i1] - sums[j1 * (bw + 1) + i0] + sums[j0 * (bw + 1) + i0];
  };
}

/**
 * The level images and jobs of a plan, so the tiles' model inputs are cheap
 * (faceJobInput): tiles of one level share a side, so the image is resized
 * once per level by the core (antialiased triangle filter, the same tent the
 * per-tile path uses) and each tile is a crop of that level image. Crop
 * corners snap to whole pixels of the level image; the jobs carry the
 * snapped tile so boxes map back exactly. Levels that would upscale use
 * tileTensorData. Jobs keep the plan's order grouped by tile side (the order
 * facesFromHeads reads). With `flatRange` > 0, a tile with no detail (see
 * DEFAULT_FACE_OPTIONS) gets `run: false` and needs no inference.
 * `handle`: the image as a core ImageHandle when the caller has one (levels
 * are resized from it; else from a copy of `rgba` made here).
 * `allocate(length)`: where level pixels go (a SharedArrayBuffer view when
 * another thread reads them).
 * @returns {{levels: {kind: 'crop'|'tent', rgba, width, height}[], jobs: {tile, level: number, run: boolean}[]}}
 */
export function faceJobs(module, rgba, width, height, tiles, { size = FACE_MODEL_SIZE, flatRange = 0, handle = null,
  allocate = (length) => new Uint8Array(length) } = {}) {
  const bySide = new Map();
  for (const tile of tiles) {
    if (!bySide.has(tile.side)) bySide.set(tile.side, []);
    bySide.get(tile.side).push(tile);
  }
  const levels = [];
  const jobs = [];
  let source = null;  // the image as a core handle, made once when some level needs it and none was given
  try {
    for (const [side, group] of bySide) {
      const scale = size / side;
      const levelWidth = Math.round(width * scale);
      const levelHeight = Math.round(height * scale);
      // Tiles at the image's own scale (the finest level of a thorough scan,
      // most of its tiles) are plain crops of the image itself.
      const native = Math.abs(scale - 1) < 1e-9;
      if (!native && (scale > 1 || levelWidth < 1 || levelHeight < 1)) {
        levels.push({ kind: 'tent', rgba, width, height });
        for (const tile of group) jobs.push({ tile, level: levels.length - 1, run: true });
        continue;
      }
      let levelRgba = rgba;
      if (!native) {
        const from = handle ?? (source ??= check(binding(module, 'imageFromRgba')(width, height, rgba)).image);
        const level = check(from.resized(levelWidth, levelHeight, 1, levelWidth * levelHeight + 1)).image;
        try {
          levelRgba = level.rgba();
        } finally {
          level.delete();
        }
        const shared = allocate(levelRgba.length);
        if (shared !== levelRgba) shared.set(levelRgba);
        levelRgba = shared;
      }
      levels.push({ kind: 'crop', rgba: levelRgba, width: levelWidth, height: levelHeight });
      // Only levels of several tiles are worth a detail map (the whole-image tile always runs).
      const busy = flatRange > 0 && group.length > 1 ? detailMap(levelRgba, levelWidth, levelHeight, flatRange) : null;
      for (const tile of group) {
        const ox = Math.round(tile.x * scale);
        const oy = Math.round(tile.y * scale);
        const snapped = { ...tile, x: ox / scale, y: oy / scale, side: size / scale };
        jobs.push({ tile: snapped, level: levels.length - 1, run: !(busy && busy(ox, oy, ox + size, oy + size) === 0), ox, oy });
      }
    }
  } finally {
    source?.delete();
  }
  return { levels, jobs };
}

/**
 * One job's model input (Float32Array NHWC [1, size, size, 3], RGB in [-1, 1]); pure JS, any thread.
 * `into`: a buffer of that size to fill (a scan reuses one: ONNX Runtime copies its input), else a new one.
 */
export function faceJobInput(levels, job, size = FACE_MODEL_SIZE, into = null) {
  const level = levels[job.level];
  if (level.kind === 'tent') return tileTensorData(level.rgba, level.width, level.height, job.tile, size);
  const { rgba: levelRgba, width: levelWidth, height: levelHeight } = level;
  const { ox, oy } = job;
  const data = (into ?? new Float32Array(size * size * 3)).fill(-1);  // black outside the image
  for (let j = 0; j < size; j++) {
    const sy = oy + j;
    if (sy < 0 || sy >= levelHeight) continue;
    const x0 = Math.max(0, -ox);
    const x1 = Math.min(size, levelWidth - ox);
    for (let i = x0, p = (sy * levelWidth + ox + x0) * 4, o = (j * size + x0) * 3; i < x1; i++, p += 4, o += 3) {
      const a = levelRgba[p + 3] / 255;  // over black
      data[o] = (levelRgba[p] * a) / 127.5 - 1;
      data[o + 1] = (levelRgba[p + 1] * a) / 127.5 - 1;
      data[o + 2] = (levelRgba[p + 2] * a) / 127.5 - 1;
    }
  }
  return data;
}

/**
 * The model inputs for all tiles of a plan (faceJobs + faceJobInput), one at
 * a time: one tile's input (768 KB) exists at a time, not all 392 inputs of
 * a 12 MP photo at once (300 MB). Tiles with no detail are yielded with
 * `data: null`.
 * @returns {Generator<{tile: {x, y, side, level}, data: Float32Array | null}>}
 */
export function* tileInputs(module, rgba, width, height, tiles, size = FACE_MODEL_SIZE, { flatRange = 0, handle = null } = {}) {
  const { levels, jobs } = faceJobs(module, rgba, width, height, tiles, { size, flatRange, handle });
  for (const job of jobs) yield { tile: job.tile, data: job.run ? faceJobInput(levels, job, size) : null };
}

/**
 * Decodes every tile's heads and merges across tiles: boxes in image pixels,
 * highest score first. `tileHeads` is [{tile, heads}] (heads from inferFaceTile).
 */
export function facesFromHeads(module, tileHeads, width, height, options = {}) {
  const o = { ...DEFAULT_FACE_OPTIONS, ...options };
  const found = [];
  for (const { tile, heads: h } of tileHeads) {
    const { detections } = check(binding(module, 'facesDecode')(h.fineScores, h.fineBoxes, h.coarseScores, h.coarseBoxes,
      tile, o.threshold, o.suppressionIou));
    for (const d of detections) found.push(d);
  }
  const { detections } = check(binding(module, 'facesMerge')(found, width, height, o.mergeIou, o.containment));
  const round = (v) => Math.round(v * 10) / 10;
  return detections.map((d) => ({
    x: round(d.x), y: round(d.y), width: round(d.width), height: round(d.height), score: Math.round(d.score * 1e4) / 1e4,
  }));
}

/**
 * Faces in an RGBA image (straight alpha, row-major).
 * @param {{ops?: object, module?: object, session: object, ort: object, rgba: Uint8Array,
 *          width: number, height: number, options?: Partial<typeof DEFAULT_FACE_OPTIONS>}} args
 *   module: the Filigrane WebAssembly module (or ops.module); session: an
 *   InferenceSession of blazeface-back-256; ort: the onnxruntime-web module.
 * @returns {Promise<{x: number, y: number, width: number, height: number, score: number}[]>}
 *   boxes in image pixels, highest score first.
 */
export async function detectFaces(args) {
  return (await scanFaces(args)).faces;
}

/**
 * As detectFaces, and says how deep the scan went:
 * {faces, tiles (tiles planned), skipped (tiles with no detail, not run), minFace (smallest face size, image px, the
 * tiling made detectable; larger than options.minFace when maxTiles capped it)}.
 */
export async function scanFaces(args) {
  return startScanFaces(args).finish();
}

/**
 * scanFaces in two steps, so a second thread can work meanwhile: start
 * plans the tiles and, with a `helper` (FaceHelper, face-helper.mjs) and
 * pixels in a SharedArrayBuffer, sets the helper running on them at once;
 * finish() runs the tiles the helper has not taken on this thread, waits for
 * the helper and merges. The boxes are the same as a scan on one thread:
 * every tile's heads are merged in plan order, whichever thread ran it.
 * `handle`: the image as a core ImageHandle, when the caller has one (the
 * level images are resized from it rather than from a copy of `rgba`).
 */
export function startScanFaces({ ops, module, session, ort, rgba, width, height, options = {}, onTile = null, helper = null, handle = null }) {
  const mod = module ?? ops?.module;
  validate({ module: mod, session, ort, rgba, width, height });
  const plan = planFaceTiles(mod, width, height, options);
  const o = { ...DEFAULT_FACE_OPTIONS, ...options };
  const run = startFaceTiles({ module: mod, session, ort, rgba, width, height, tiles: plan.tiles, options: o, onTile, helper, handle });
  return {
    parallel: run.parallel,
    async finish() {
      const { tileHeads, skipped } = await run.finish();
      const minFace = plan.effectiveMinFace ?? o.minFace;
      return { faces: facesFromHeads(mod, tileHeads, width, height, options), tiles: plan.tiles.length, skipped, minFace };
    },
  };
}

// Lets messages from another thread in between two tiles (setTimeout would be clamped to 4 ms in a browser).
function yieldToEvents() {
  if (typeof globalThis.setImmediate === 'function') return new Promise((resolve) => globalThis.setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { channel.port1.close(); resolve(); };
    channel.port2.postMessage(null);
  });
}

/**
 * Runs the model on the tiles of a plan, skipping tiles with no detail
 * (options.flatRange): {tileHeads: [{tile, heads}], skipped}.
 */
export async function runFaceTiles(args) {
  return startFaceTiles(args).finish();
}

function startFaceTiles({ module, session, ort, rgba, width, height, tiles, options = {}, onTile = null, helper = null, handle = null }) {
  const o = { ...DEFAULT_FACE_OPTIONS, ...options };
  const parallel = Boolean(helper) && typeof SharedArrayBuffer === 'function' && rgba.buffer instanceof SharedArrayBuffer;
  const allocate = parallel ? (length) => new Uint8Array(new SharedArrayBuffer(length)) : undefined;
  const { levels, jobs } = faceJobs(module, rgba, width, height, tiles, { flatRange: o.flatRange, handle, allocate });
  const heads = new Array(jobs.length);
  let done = 0;
  const counter = new Int32Array(parallel ? new SharedArrayBuffer(4) : new ArrayBuffer(4));
  const next = () => Atomics.add(counter, 0, 1);
  // The helper takes jobs from the same counter; its failure leaves its jobs to this thread.
  const remote = parallel
    ? helper.scan({ levels, jobs, counter }, (i, h) => { heads[i] = h; onTile?.(++done, tiles.length); }).then(() => true, () => false)
    : null;
  return {
    parallel,
    async finish() {
      const input = new Float32Array(FACE_MODEL_SIZE * FACE_MODEL_SIZE * 3);
      for (let i = next(); i < jobs.length; i = next()) {
        if (jobs[i].run) heads[i] = await inferFaceInput({ session, ort, data: faceJobInput(levels, jobs[i], FACE_MODEL_SIZE, input) });
        onTile?.(++done, tiles.length);
        if (remote) await yieldToEvents();
      }
      if (remote && !(await remote)) {
        for (let i = 0; i < jobs.length; i++) {
          if (jobs[i].run && !heads[i]) heads[i] = await inferFaceInput({ session, ort, data: faceJobInput(levels, jobs[i], FACE_MODEL_SIZE, input) });
        }
      }
      const tileHeads = [];
      let skipped = 0;
      jobs.forEach((job, i) => {
        if (job.run) tileHeads.push({ tile: job.tile, heads: heads[i] });
        else skipped++;
      });
      return { tileHeads, skipped };
    },
  };
}
