// Helpers shared by CLI commands: argument parsing, file reading, JSON output.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { FiligraneError } from '../lib/errors.mjs';
import { availableParallelism } from 'node:os';
import { createFiligraneNode } from '../lib/node.mjs';

/** Wrong usage of the command line (exit code 64). */
export class UsageError extends Error {}

/** parseArgs that reports unknown options as UsageError. */
export function parseCommandArgs(args, options, { positionals = [0, Infinity] } = {}) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err.message);
  }
  const [min, max] = positionals;
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    throw new UsageError(`expected ${min === max ? min : `${min} to ${max}`} file argument(s)`);
  }
  return parsed;
}

/** Reads a whole input file; a missing or unreadable file is bad input (exit 2). */
export async function readInput(file) {
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    throw new FiligraneError('unreadable', `cannot read ${file} (${err.code ?? err.message})`);
  }
}

let enginePromise = null;
/**
 * The WebAssembly core, loaded once per process. With two cores or more a
 * thorough face scan (redact --faces) runs its tiles on a helper thread as
 * well, and the helper ends as soon as the faces are found, before the text
 * models load: its memory (about 130 MB, its own ONNX Runtime) is never
 * held beside theirs (bench/redaction.md). FILIGRANE_FACE_THREADS=0 keeps
 * everything on one thread.
 */
export function engine() {
  const faceThreads = Number(process.env.FILIGRANE_FACE_THREADS ?? (availableParallelism() > 1 ? 1 : 0)) || 0;
  enginePromise ??= createFiligraneNode({ faceThreads, faceHelperPerScan: true });
  return enginePromise;
}

export function printJson(value) {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
