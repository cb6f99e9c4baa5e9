// Reads the model registry from the repository: every models/<name>/model.json
// (source path, pinned sha256, size), plus calibration.json where a model has
// one. Used by Node (CLI, tests) and by `make site`, which copies the files
// and writes the same registry as models/index.json for the browser.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';

/** @returns {Record<string, {source: string, sha256: string, bytes: number, url: string, calibration?: object}>} */
export function readModelRegistry(repoRoot) {
  const dir = path.join(repoRoot, 'models');
  const registry = {};
  for (const name of readdirSync(dir).sort()) {
    const manifest = path.join(dir, name, 'model.json');
    if (!existsSync(manifest)) continue;
    const entry = JSON.parse(readFileSync(manifest, 'utf8'));
    if (!/^[0-9a-f]{64}$/.test(entry.sha256 ?? '') || typeof entry.source !== 'string') {
      throw new Error(`${manifest}: needs "source" and a 64-hex-digit "sha256"`);
    }
    const calibration = path.join(dir, name, 'calibration.json');
    if (existsSync(calibration)) entry.calibration = JSON.parse(readFileSync(calibration, 'utf8'));
    entry.url = `${name}.onnx`;
    registry[name] = entry;
  }
  return registry;
}
