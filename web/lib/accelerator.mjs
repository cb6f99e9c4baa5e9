// Where the neural models run: ONNX Runtime Web's WebGPU execution provider
// when the device has a hardware GPU adapter, its WebAssembly provider
// otherwise. Chosen once per session (the worker asks once and keeps the
// answer); a software adapter (SwiftShader, or one the browser marks as a
// fallback) is slower than WebAssembly, so it counts as no GPU.

/** ONNX Runtime's files for each provider, under lib/ort/. */
export const ORT_BUILDS = Object.freeze({
  wasm: { bundle: 'ort.wasm.min.mjs', glue: 'ort-wasm-simd-threaded.mjs', wasm: 'ort-wasm-simd-threaded.wasm', executionProviders: ['wasm'] },
  webgpu: { bundle: 'ort.webgpu.min.mjs', glue: 'ort-wasm-simd-threaded.asyncify.mjs', wasm: 'ort-wasm-simd-threaded.asyncify.wasm', executionProviders: ['webgpu', 'wasm'] },
});

/** True when the adapter is a software renderer rather than a GPU. */
export function isSoftwareAdapter(adapter) {
  const info = adapter?.info ?? {};
  if (adapter?.isFallbackAdapter || info.isFallbackAdapter) return true;
  return /swiftshader|llvmpipe|software/i.test(`${info.vendor ?? ''} ${info.architecture ?? ''} ${info.description ?? ''} ${info.device ?? ''}`);
}

/**
 * @param {{requested?: string|null}} [options] 'wasm' or 'webgpu' forces a provider (tests, comparisons)
 * @returns {Promise<{provider: 'wasm'|'webgpu', reason: string}>}
 */
export async function chooseProvider({ requested = null } = {}) {
  if (requested === 'wasm' || requested === 'webgpu') return { provider: requested, reason: `${requested} was requested` };
  const gpu = globalThis.navigator?.gpu;
  if (!gpu) return { provider: 'wasm', reason: 'this browser offers no WebGPU' };
  let adapter = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch { /* treated as no adapter */ }
  if (!adapter) return { provider: 'wasm', reason: 'no GPU adapter is available' };
  if (isSoftwareAdapter(adapter)) return { provider: 'wasm', reason: 'the only GPU adapter is a software renderer' };
  const name = [adapter.info?.vendor, adapter.info?.architecture].filter(Boolean).join(' ');
  return { provider: 'webgpu', reason: name ? `GPU: ${name}` : 'a GPU adapter is available' };
}
