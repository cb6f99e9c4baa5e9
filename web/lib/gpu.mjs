// Small WebGPU glue: one device per page, WGSL kernels loaded from shaders/.
// (Emscripten 3.1.6's own WebGPU binding does not work with current Chromium,
// so the GPU is driven from JS.) Every function resolves to null when WebGPU
// is unavailable, so callers fall back to their CPU/Canvas2D path.

let devicePromise = null;
let adapterInfo = null;

/** True when the adapter is a software rasteriser (SwiftShader, WARP, llvmpipe). */
export function isSoftwareAdapter() {
  if (!adapterInfo) return false;
  return adapterInfo.isFallbackAdapter === true || /swiftshader|llvmpipe|warp|software/i.test(
    `${adapterInfo.architecture} ${adapterInfo.vendor} ${adapterInfo.description} ${adapterInfo.device}`);
}

/** The shared GPUDevice, or null without WebGPU. */
export function gpuDevice() {
  devicePromise ??= (async () => {
    if (typeof navigator === 'undefined' || !navigator.gpu) return null;
    try {
      const adapter = await navigator.gpu.requestAdapter();
      if (!adapter) return null;
      adapterInfo = adapter.info ?? null;
      const device = await adapter.requestDevice();
      device.lost.then(() => { devicePromise = null; });
      return device;
    } catch {
      return null;
    }
  })();
  return devicePromise;
}

const shaderCache = new Map();

/** WGSL source of shaders/<name>.wgsl (fetched once). */
export function loadShader(name, baseUrl = new URL('../shaders/', import.meta.url)) {
  const url = new URL(`${name}.wgsl`, baseUrl).href;
  if (!shaderCache.has(url)) {
    shaderCache.set(url, fetch(url).then((r) => {
      if (!r.ok) throw new Error(`cannot load shader ${name} (${r.status})`);
      return r.text();
    }));
  }
  return shaderCache.get(url);
}
