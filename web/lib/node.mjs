// Node entry of the JS library: the same core operations as the browser
// worker, on the Node build of the WebAssembly module, in-process.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createCoreOps } from './core-ops.mjs';
import { FiligraneError } from './errors.mjs';

export { FiligraneError } from './errors.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Default location of the Node build of the module (make build-wasm). */
export const DEFAULT_MODULE_PATH = path.join(repoRoot, 'build', 'wasm', 'filigrane_node.js');

/**
 * Loads the WebAssembly module and returns its operations plus the raw module.
 * @param {{modulePath?: string}} [options]
 */
export async function createFiligraneNode({ modulePath = process.env.FILIGRANE_WASM_NODE ?? DEFAULT_MODULE_PATH } = {}) {
  if (!existsSync(modulePath)) {
    throw new FiligraneError('not_found', `the WebAssembly module is not built (${modulePath}); run "make build"`);
  }
  const createFiligraneCore = createRequire(import.meta.url)(modulePath);
  const module = await createFiligraneCore();
  return { ...createCoreOps(module), module };
}
