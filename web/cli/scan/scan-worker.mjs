// One scan worker thread: its own WebAssembly module, ONNX Runtime and model
// sessions (loaded on first use, then kept for every later file), sharing
// nothing mutable with the other workers. It reads a file only when it takes
// it, hashes it, and posts each check's result as soon as it is known, so the
// main thread still has the finished checks if a later one hangs and the
// worker has to be stopped.
import { parentPort, workerData } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createFiligraneNode } from '../../lib/node.mjs';
import { releaseModelSessions } from '../../lib/models.mjs';
import { checkLeak } from '../../lib/leak-check.mjs';
import { FiligraneError } from '../../lib/errors.mjs';
import { sniffFormat } from './format.mjs';

const { checks, thorough = false, keys = [], maxFileBytes, testHangOn = null } = workerData;
let corePromise = null;
const core = () => (corePromise ??= createFiligraneNode());

const asError = (err) => ({ code: err instanceof FiligraneError ? err.code : 'internal', message: String(err?.message ?? err) });

async function hashStream(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

/** Reads the file (refusing special files and files above the size limit before reading them). */
async function readFileChecked(file) {
  let handle;
  try {
    // O_NONBLOCK: opening a named pipe must not wait for a writer.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = err.code === 'ENOENT' ? 'not_found' : 'unreadable';
    return { error: { code, message: `cannot open ${file} (${err.code ?? err.message})` } };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { size: null, error: { code: 'unreadable', message: `${file} is not a regular file` } };
    if (info.size > maxFileBytes) {
      await handle.close();
      handle = null;
      const sha256 = await hashStream(file);
      return { size: info.size, sha256, error: { code: 'too_large', message: `the file is ${(info.size / 1e6).toFixed(1)} MB, above --max-file-mb ${maxFileBytes / 1e6}` } };
    }
    const bytes = new Uint8Array(await handle.readFile());
    return { size: bytes.byteLength, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (err) {
    return { error: { code: 'unreadable', message: `cannot read ${file} (${err.code ?? err.message})` } };
  } finally {
    await handle?.close().catch(() => {});
  }
}

function dropMaps(report) {
  for (const mark of report.marks ?? []) delete mark.map;
  return report;
}

async function runChecks(id, file, bytes) {
  const engine = await core();
  const results = {};
  const run = async (name, fn) => {
    parentPort.postMessage({ type: 'check', id, check: name });
    try {
      if (testHangOn && file.includes(testHangOn)) for (;;) { /* test hook: a check that never returns */ }
      results[name] = await fn();
    } catch (err) {
      results[name] = { error: asError(err) };
    }
    parentPort.postMessage({ type: 'result', id, check: name, result: results[name] });
    return results[name];
  };
  // Provenance and the generator mark first: the AI verdict reuses both.
  if (checks.includes('provenance')) await run('provenance', () => engine.provenanceReport(bytes));
  if (checks.includes('marks')) {
    await run('marks', async () => {
      const sd = engine.detectSdMark(bytes);
      const filigrane = keys.length ? dropMaps(await checkLeak(engine, bytes, keys)) : null;
      return { sd, filigrane };
    });
  }
  if (checks.includes('ai')) {
    const precomputed = {};
    if (results.provenance && !results.provenance.error) precomputed.provenance = results.provenance;
    if (results.marks && !results.marks.error) precomputed.sdmark = results.marks.sd;
    await run('ai', () => engine.aiVerdict(bytes, { precomputed }));
  }
  if (checks.includes('cues')) {
    await run('cues', async () => {
      const found = await engine.cues(bytes, { thorough });
      delete found.timings_ms; // timings would make two runs' lines differ
      return found;
    });
  }
  return results;
}

parentPort.on('message', async ({ id, path: file, knownSha256, close }) => {
  if (close) {
    // Release ONNX Runtime's sessions before the thread ends.
    await releaseModelSessions().catch(() => {});
    process.exit(0);
  }
  try {
    const read = await readFileChecked(file);
    if (read.sha256 && knownSha256?.includes(read.sha256)) {
      parentPort.postMessage({ type: 'skipped', id });
      return;
    }
    const head = { size: read.size ?? null, sha256: read.sha256 ?? null, format: read.bytes ? sniffFormat(read.bytes) : null };
    parentPort.postMessage({ type: 'file', id, head });
    if (read.error) {
      parentPort.postMessage({ type: 'done', id, error: read.error });
      return;
    }
    await runChecks(id, file, read.bytes);
    parentPort.postMessage({ type: 'done', id });
  } catch (err) {
    parentPort.postMessage({ type: 'done', id, error: asError(err) });
  }
});
parentPort.postMessage({ type: 'ready' });
