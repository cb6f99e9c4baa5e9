// Locates ../shared (the project's shared data sets); tests skip with a clear
// message when it is absent.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED = process.env.FILIGRANE_SHARED_DIR
  ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared');

/** Absolute path inside ../shared/data, or null when the data set is absent. */
export function sharedData(relative) {
  const p = path.join(SHARED, 'data', relative);
  return existsSync(p) ? p : null;
}

export const SKIP_NO_SHARED = `../shared is absent (${SHARED}): shared-data test skipped`;

/** Parsed lines of a .jsonl file. */
export function readJsonl(file) {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
