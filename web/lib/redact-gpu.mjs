// Redaction on the GPU (shaders/redact_*.wgsl) and in plain JS, giving the
// pixels of the core (core/redact/redact.h) exactly: the kernels use the same
// integer arithmetic. The GPU path resolves to null without WebGPU or when the
// image does not fit the device's storage-buffer limits; callers then use the
// WebAssembly engine (or redactRgbaReference, the JS port).
import { FiligraneError } from './errors.mjs';
import { gpuDevice, loadShader } from './gpu.mjs';

export const REDACT_STYLES = Object.freeze(['blur', 'pixelate', 'fill']);
export const REDACT_LIMITS = Object.freeze({
  maxRegions: 4096, minSigma: 12, maxSigma: 128, minCell: 20, maxCell: 1024,
});

/** Style name or index -> 0 blur, 1 pixelate, 2 fill. */
export function styleIndex(style = 'blur') {
  const index = typeof style === 'number' ? style : REDACT_STYLES.indexOf(style);
  if (!Number.isInteger(index) || index < 0 || index > 2) {
    throw new FiligraneError('invalid_argument', `unknown redaction style ${style} (blur, pixelate or fill)`);
  }
  return index;
}

/** A region as [x, y, width, height] from {x, y, width, height} or an array. */
export function regionArray(region) {
  if (Array.isArray(region) || ArrayBuffer.isView(region)) return [0, 1, 2, 3].map((i) => Number(region[i]));
  if (region && typeof region === 'object') return [region.x, region.y, region.width, region.height].map(Number);
  return [NaN, NaN, NaN, NaN];
}

/** Regions flattened to a Float64Array (4 numbers each), count checked first. */
export function flattenRegions(regions = []) {
  if (!Array.isArray(regions)) throw new FiligraneError('invalid_argument', 'regions must be an array');
  if (regions.length > REDACT_LIMITS.maxRegions) {
    throw new FiligraneError('too_large', `${regions.length} regions; at most ${REDACT_LIMITS.maxRegions} are allowed`);
  }
  const flat = new Float64Array(regions.length * 4);
  regions.forEach((r, i) => flat.set(regionArray(r), i * 4));
  return flat;
}

/** Fill colour as 0xRRGGBBAA from a number, '#rrggbb', '#rrggbbaa' or [r, g, b, a?]. */
export function fillValue(fill = 0x000000ff) {
  if (typeof fill === 'number' && Number.isInteger(fill) && fill >= 0 && fill <= 0xffffffff) return fill;
  if (typeof fill === 'string' && /^#([0-9a-f]{6}|[0-9a-f]{8})$/i.test(fill)) {
    return parseInt(fill.length === 7 ? `${fill.slice(1)}ff` : fill.slice(1), 16) >>> 0;
  }
  if (Array.isArray(fill) && (fill.length === 3 || fill.length === 4) && fill.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
    const [r, g, b, a = 255] = fill;
    return (((r << 24) | (g << 16) | (b << 8) | a) >>> 0);
  }
  throw new FiligraneError('invalid_argument', 'the fill colour must be 0xRRGGBBAA, "#rrggbb[aa]" or [r, g, b, a]');
}

function checkStrength({ sigma = 0, cell = 0 }) {
  const L = REDACT_LIMITS;
  if (sigma !== 0 && !(sigma >= L.minSigma && sigma <= L.maxSigma)) {
    throw new FiligraneError('invalid_argument', 'blur sigma must be 0 (automatic) or 12..128 pixels');
  }
  if (cell !== 0 && !(Number.isInteger(cell) && cell >= L.minCell && cell <= L.maxCell)) {
    throw new FiligraneError('invalid_argument', 'pixel cell must be 0 (automatic) or 20..1024 pixels');
  }
}

export function blurSigma(size, sigma = 0) {
  return sigma > 0 ? sigma : Math.min(Math.max(size / 4, REDACT_LIMITS.minSigma), REDACT_LIMITS.maxSigma);
}

export function pixelCell(size, cell = 0) {
  return cell > 0 ? cell : Math.min(Math.max(Math.ceil(size / 4), REDACT_LIMITS.minCell), REDACT_LIMITS.maxCell);
}

/** The core's three box radii for `sigma` (core/redact/redact.h, blur_passes). */
export function blurPasses(sigma) {
  const ideal = Math.sqrt(4 * sigma * sigma + 1);
  let lower = Math.floor(ideal);
  if (lower % 2 === 0) lower--;
  const mIdeal = (12 * sigma * sigma - 3 * lower * lower - 12 * lower - 9) / (-4 * lower - 4);
  const m = Math.min(Math.max(Math.floor(mIdeal + 0.5), 0), 3);
  return [0, 1, 2].map((j) => ((j < m ? lower : lower + 2) - 1) / 2);
}

/**
 * The six passes of one box's blur, in order: which range each computes.
 * @returns {{frame: {x, y, w, h}, passes: {kind, x0, y0, x1, y1, radius, add, div}[]}}
 */
export function blurSchedule(width, height, b, radii) {
  const [r0, r1, r2] = radii;
  const lo = (v, m) => Math.max(0, v - m);
  const hiX = (v, m) => Math.min(width, v + m), hiY = (v, m) => Math.min(height, v + m);
  const rowsBegin = lo(b.y0, r0 + r1 + r2), rowsEnd = hiY(b.y1, r0 + r1 + r2);
  const w = (r) => 2 * r + 1;
  const pass = (kind, x0, x1, y0, y1, r, last = false) => ({
    kind, x0, x1, y0, y1, radius: r, add: last ? 128 * w(r) : Math.floor(w(r) / 2), div: last ? 256 * w(r) : w(r) });
  const fx0 = lo(b.x0, r1 + r2), fx1 = hiX(b.x1, r1 + r2);
  return {
    frame: { x: fx0, y: rowsBegin, w: fx1 - fx0, h: rowsEnd - rowsBegin },
    passes: [
      pass('horizontal_first', fx0, fx1, rowsBegin, rowsEnd, r0),
      pass('horizontal', lo(b.x0, r2), hiX(b.x1, r2), rowsBegin, rowsEnd, r1),
      pass('horizontal', b.x0, b.x1, rowsBegin, rowsEnd, r2),
      pass('vertical', b.x0, b.x1, lo(b.y0, r1 + r2), hiY(b.y1, r1 + r2), r0),
      pass('vertical', b.x0, b.x1, lo(b.y0, r2), hiY(b.y1, r2), r1),
      pass('vertical_last', b.x0, b.x1, b.y0, b.y1, r2, true),
    ],
  };
}

/**
 * Validates and rounds regions like the core (outwards, then clipped).
 * @returns {{x0, y0, x1, y1, size, anchorX, anchorY}[]} non-empty boxes only, in order
 */
export function planRegions(width, height, regions) {
  const flat = regions instanceof Float64Array ? regions : flattenRegions(regions);
  const boxes = [];
  const clip = (v, limit) => (v <= 0 ? 0 : v >= limit ? limit : v);
  for (let i = 0; i < flat.length / 4; i++) {
    const [x, y, w, h] = flat.subarray(i * 4, i * 4 + 4);
    if (![x, y, w, h, x + w, y + h].every(Number.isFinite)) {
      throw new FiligraneError('invalid_argument', `region ${i} has a non-finite coordinate`);
    }
    if (x < 0 || y < 0 || !(w > 0) || !(h > 0)) {
      throw new FiligraneError('invalid_argument', `region ${i} must have x, y >= 0 and a positive width and height`);
    }
    const fx0 = Math.floor(x), fy0 = Math.floor(y), fx1 = Math.ceil(x + w), fy1 = Math.ceil(y + h);
    const box = { x0: clip(fx0, width), y0: clip(fy0, height), x1: clip(fx1, width), y1: clip(fy1, height),
      size: Math.min(fx1 - fx0, fy1 - fy0), anchorX: fx0, anchorY: fy0 };
    if (box.x1 > box.x0 && box.y1 > box.y0) boxes.push(box);
  }
  return boxes;
}

/** Bounding box of the mask's non-zero bytes as a region, or null. */
export function maskRegion(width, height, mask) {
  if (!(mask instanceof Uint8Array) || mask.length !== width * height) {
    throw new FiligraneError('invalid_argument', `the mask must have one byte per pixel (${width} x ${height})`);
  }
  let x0 = width, y0 = height, x1 = 0, y1 = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (!mask[row + x]) continue;
      if (x < x0) x0 = x;
      if (x + 1 > x1) x1 = x + 1;
      if (y < y0) y0 = y;
      y1 = y + 1;
    }
  }
  return x1 > x0 ? [x0, y0, x1 - x0, y1 - y0] : null;
}

function checkImage({ width, height, rgba }) {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1 && width <= 65536 && height <= 65536) ||
      !(rgba instanceof Uint8Array || rgba instanceof Uint8ClampedArray) || rgba.length !== width * height * 4) {
    throw new FiligraneError('invalid_argument', 'expected {width, height, rgba} with width*height*4 RGBA bytes');
  }
}

function prepare(image, regions, options) {
  checkImage(image);
  const style = styleIndex(options.style);
  checkStrength(options);
  const fill = fillValue(options.fill);
  let boxes;
  if (options.mask) {
    const region = maskRegion(image.width, image.height, options.mask);
    boxes = region ? planRegions(image.width, image.height, [region]) : [];
  } else {
    boxes = planRegions(image.width, image.height, regions);
  }
  return { style, fill, boxes };
}

// --- JS port of the core (reference and CPU fallback) ---------------------

// Direct sums over the schedule (independent of the core's running sums).
function blurBoxJs(px, width, height, b, radii) {
  const { frame, passes } = blurSchedule(width, height, b, radii);
  let src = new Uint32Array(frame.w * frame.h * 4), dst = new Uint32Array(frame.w * frame.h * 4);
  const at = (x, y) => ((y - frame.y) * frame.w + (x - frame.x)) * 4;
  const clamp = (v, n) => Math.min(Math.max(v, 0), n - 1);
  for (const p of passes) {
    for (let y = p.y0; y < p.y1; y++) {
      for (let x = p.x0; x < p.x1; x++) {
        const sum = [0, 0, 0, 0];
        for (let k = -p.radius; k <= p.radius; k++) {
          if (p.kind === 'horizontal_first') {
            const i = (y * width + clamp(x + k, width)) * 4;
            for (let c = 0; c < 4; c++) sum[c] += px[i + c] * 256;
          } else {
            const i = p.kind === 'horizontal' ? at(clamp(x + k, width), y) : at(x, clamp(y + k, height));
            for (let c = 0; c < 4; c++) sum[c] += src[i + c];
          }
        }
        const o = p.kind === 'vertical_last' ? (y * width + x) * 4 : at(x, y);
        const out = p.kind === 'vertical_last' ? px : dst;
        for (let c = 0; c < 4; c++) out[o + c] = Math.floor((sum[c] + p.add) / p.div);
      }
    }
    [src, dst] = [dst, src];
  }
}

function pixelateBoxJs(px, width, b, cell) {
  const startX = b.anchorX + Math.floor((b.x0 - b.anchorX) / cell) * cell;
  const startY = b.anchorY + Math.floor((b.y0 - b.anchorY) / cell) * cell;
  for (let cy = startY; cy < b.y1; cy += cell) {
    const y0 = Math.max(cy, b.y0), y1 = Math.min(cy + cell, b.y1);
    for (let cx = startX; cx < b.x1; cx += cell) {
      const x0 = Math.max(cx, b.x0), x1 = Math.min(cx + cell, b.x1);
      const sum = [0, 0, 0, 0];
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 4; c++) sum[c] += px[(y * width + x) * 4 + c];
      const n = (x1 - x0) * (y1 - y0);
      const mean = sum.map((s) => Math.floor((s + Math.floor(n / 2)) / n));
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) px.set(mean, (y * width + x) * 4);
    }
  }
}

/**
 * The core's redaction in plain JS (same pixels as WebAssembly; slow for big blurs).
 * @param {{width, height, rgba}} image straight-alpha RGBA8 (not modified)
 * @param {Array} regions [{x, y, width, height}] or [[x, y, w, h]]
 * @param {{style?, fill?, sigma?, cell?, mask?: Uint8Array}} options
 * @returns {Uint8Array} the redacted RGBA
 */
export function redactRgbaReference(image, regions, options = {}) {
  const { style, fill, boxes } = prepare(image, regions, options);
  const { width, height } = image;
  const px = new Uint8Array(image.rgba);
  const colour = [fill >>> 24, (fill >>> 16) & 255, (fill >>> 8) & 255, fill & 255];
  for (const b of boxes) {
    if (style === 0) blurBoxJs(px, width, height, b, blurPasses(blurSigma(b.size, options.sigma)));
    else if (style === 1) pixelateBoxJs(px, width, b, pixelCell(b.size, options.cell));
    else for (let y = b.y0; y < b.y1; y++) for (let x = b.x0; x < b.x1; x++) px.set(colour, (y * width + x) * 4);
  }
  if (options.mask && boxes.length) {
    const b = boxes[0];
    for (let y = b.y0; y < b.y1; y++) {
      for (let x = b.x0; x < b.x1; x++) {
        const m = options.mask[y * width + x], p = (y * width + x) * 4;
        for (let c = 0; c < 4; c++) px[p + c] = Math.floor((image.rgba[p + c] * (255 - m) + px[p + c] * m + 127) / 255);
      }
    }
  }
  return px;
}

// --- WebGPU ----------------------------------------------------------------

const PARAM_STRIDE = 256; // minUniformBufferOffsetAlignment
const pipelineCache = new WeakMap(); // GPUDevice -> Promise of pipelines

async function pipelines(device, shaderBase) {
  if (!pipelineCache.has(device)) pipelineCache.set(device, (async () => {
    const storage = (binding, type) => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } });
    const layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: 64 } },
        storage(1, 'storage'), storage(2, 'read-only-storage'), storage(3, 'storage'),
        storage(4, 'read-only-storage'), storage(5, 'read-only-storage'),
      ],
    });
    const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
    const load = (name) => (shaderBase ? loadShader(name, new URL(shaderBase, import.meta.url)) : loadShader(name));
    const [blur, pixelate, fill, mask] = await Promise.all(
      ['redact_blur', 'redact_pixelate', 'redact_fill', 'redact_mask'].map(async (name) =>
        device.createShaderModule({ code: await load(name) })));
    const make = (module, entryPoint) => device.createComputePipelineAsync({ layout: pipelineLayout, compute: { module, entryPoint } });
    const entries = await Promise.all([
      make(blur, 'horizontal_first'), make(blur, 'horizontal'), make(blur, 'vertical'), make(blur, 'vertical_last'),
      make(pixelate, 'main'), make(fill, 'main'), make(mask, 'main')]);
    const [horizontal_first, horizontal, vertical, vertical_last, pix, fil, msk] = entries;
    return { layout, horizontal_first, horizontal, vertical, vertical_last, pixelate: pix, fill: fil, mask: msk };
  })());
  try {
    return await pipelineCache.get(device);
  } catch (err) {
    pipelineCache.delete(device);
    throw err;
  }
}

/** A new GPU buffer holding `bytes` (size padded to 4, at least 16). */
function upload(device, bytes, usage) {
  const size = Math.max(16, Math.ceil(bytes.byteLength / 4) * 4);
  const buffer = device.createBuffer({ size, usage, mappedAtCreation: true });
  new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  buffer.unmap();
  return buffer;
}

/**
 * Redacts on the GPU. Same arguments and pixels as redactRgbaReference.
 * Resolves to null when WebGPU is unavailable or the image exceeds the
 * device's buffer limits (use the engine then); throws FiligraneError for
 * invalid input, like the engine.
 * @param {{shaderBase?: string|URL}} [where] folder of the .wgsl files (default ../shaders/)
 */
export async function redactRgbaGpu(image, regions, options = {}, { shaderBase } = {}) {
  const { style, fill, boxes } = prepare(image, regions, options);
  const device = await gpuDevice();
  if (!device) return null;
  const { width, height } = image;
  const imageBytes = width * height * 4;
  const colour = ((fill >>> 24) | (((fill >>> 16) & 255) << 8) | (((fill >>> 8) & 255) << 16) | ((fill & 255) << 24)) >>> 0;

  // One parameter block per dispatch: [pipeline name, bind group (0: src B -> dst A, 1: src A -> dst B), params, groups].
  const dispatches = [];
  let frameBytes = 16;
  const block = (b, extra = {}) => [width, height, b.x0, b.y0, b.x1, b.y1, extra.radius ?? 0, extra.frameX ?? 0,
    extra.frameY ?? 0, extra.frameW ?? 0, extra.add ?? 0, extra.div ?? 1, extra.cell ?? 0, b.anchorX ?? 0, b.anchorY ?? 0, colour];
  const tiles = (n) => Math.ceil(n / 16);
  for (const b of boxes) {
    if (style === 0) {
      const { frame, passes } = blurSchedule(width, height, b, blurPasses(blurSigma(b.size, options.sigma)));
      frameBytes = Math.max(frameBytes, frame.w * frame.h * 8);
      // Ping-pong: pass j writes A when j is even (group 0), B when odd (group 1); the last writes the image.
      passes.forEach((p, j) => dispatches.push({
        pipeline: p.kind, group: j % 2,
        params: block(p, { radius: p.radius, frameX: frame.x, frameY: frame.y, frameW: frame.w, add: p.add, div: p.div }),
        size: [tiles(p.x1 - p.x0), tiles(p.y1 - p.y0)],
      }));
    } else if (style === 1) {
      const cell = pixelCell(b.size, options.cell);
      const startX = b.anchorX + Math.floor((b.x0 - b.anchorX) / cell) * cell;
      const startY = b.anchorY + Math.floor((b.y0 - b.anchorY) / cell) * cell;
      dispatches.push({ pipeline: 'pixelate', group: 0, params: block(b, { cell }),
        size: [Math.ceil((b.x1 - startX) / cell), Math.ceil((b.y1 - startY) / cell)] });
    } else {
      dispatches.push({ pipeline: 'fill', group: 0, params: block(b), size: [tiles(b.x1 - b.x0), tiles(b.y1 - b.y0)] });
    }
  }
  if (options.mask && boxes.length) {
    const b = boxes[0];
    dispatches.push({ pipeline: 'mask', group: 0, params: block(b), size: [tiles(b.x1 - b.x0), tiles(b.y1 - b.y0)] });
  }
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  if (imageBytes > limit || frameBytes > limit || dispatches.length * PARAM_STRIDE > device.limits.maxBufferSize) return null;
  if (!dispatches.length) return new Uint8Array(image.rgba);

  const p = await pipelines(device, shaderBase);
  const S = GPUBufferUsage;
  const params = new Uint32Array(dispatches.length * (PARAM_STRIDE / 4));
  dispatches.forEach((d, i) => params.set(d.params, i * (PARAM_STRIDE / 4)));
  const buffers = {
    image: upload(device, image.rgba, S.STORAGE | S.COPY_SRC),
    original: options.mask ? upload(device, image.rgba, S.STORAGE) : null,
    mask: options.mask ? upload(device, options.mask, S.STORAGE) : null,
    a: device.createBuffer({ size: frameBytes, usage: S.STORAGE }),
    b: device.createBuffer({ size: frameBytes, usage: S.STORAGE }),
    dummy: device.createBuffer({ size: 16, usage: S.STORAGE }),
    params: upload(device, params, S.UNIFORM),
    readback: device.createBuffer({ size: Math.max(16, imageBytes), usage: S.COPY_DST | S.MAP_READ }),
  };
  const group = (src, dst) => device.createBindGroup({
    layout: p.layout,
    entries: [
      { binding: 0, resource: { buffer: buffers.params, offset: 0, size: 64 } },
      { binding: 1, resource: { buffer: buffers.image } },
      { binding: 2, resource: { buffer: src } },
      { binding: 3, resource: { buffer: dst } },
      { binding: 4, resource: { buffer: buffers.original ?? buffers.dummy } },
      { binding: 5, resource: { buffer: buffers.mask ?? buffers.dummy } },
    ],
  });
  const groups = [group(buffers.b, buffers.a), group(buffers.a, buffers.b)];
  try {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    dispatches.forEach((d, i) => {
      pass.setPipeline(p[d.pipeline]);
      pass.setBindGroup(0, groups[d.group], [i * PARAM_STRIDE]);
      pass.dispatchWorkgroups(d.size[0], d.size[1]);
    });
    pass.end();
    encoder.copyBufferToBuffer(buffers.image, 0, buffers.readback, 0, buffers.readback.size);
    device.queue.submit([encoder.finish()]);
    await buffers.readback.mapAsync(GPUMapMode.READ);
    return new Uint8Array(buffers.readback.getMappedRange().slice(0, imageBytes));
  } finally {
    for (const buffer of Object.values(buffers)) buffer?.destroy();
  }
}
