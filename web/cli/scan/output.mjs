// The results file: one JSON line per file, each written whole with one
// synchronous write() (a signal handler never runs in the middle of one), and
// on --resume a trailing partial line (a process killed during its write) is
// cut off before anything is appended.
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** True when a result line records a failure: a file error or any check's error. */
export function lineFailed(line) {
  if (line.error) return true;
  return ['provenance', 'ai', 'cues', 'marks'].some((k) => line[k]?.error);
}

/** Byte length of `fd`'s content up to and including its last newline. */
function completeLength(fd) {
  const size = fstatSync(fd).size;
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const n = readSync(fd, chunk, 0, end - start, start);
    const at = chunk.subarray(0, n).lastIndexOf(0x0a);
    if (at >= 0) return start + at + 1;
    end = start;
  }
  return 0;
}

/**
 * The lines of a results file (up to byte `end`, inclusive), parsed: each
 * yields the object, or null for a line that is not JSON. Blank lines skipped.
 */
export async function* resultLines(file, { end } = {}) {
  const lines = createInterface({ input: createReadStream(file, end === undefined ? {} : { end }), crlfDelay: Infinity });
  for await (const text of lines) {
    if (!text.trim()) continue;
    try {
      yield JSON.parse(text);
    } catch {
      yield null;
    }
  }
}

/**
 * Opens (or creates) the results file for appending.
 * resume: cut any partial last line and return what is already there:
 * done = Map path -> [sha256...], lines, failed (lines recording failures).
 */
export async function openResults(file, { resume }) {
  // Without --resume the command has already refused a file that holds results.
  const fd = openSync(file, resume ? 'a+' : 'w');
  const state = { fd, done: new Map(), lines: 0, failed: 0, cut: 0 };
  if (!resume) return state;
  const keep = completeLength(fd);
  const size = fstatSync(fd).size;
  if (keep < size) {
    ftruncateSync(fd, keep);
    state.cut = size - keep;
  }
  if (keep > 0) {
    for await (const line of resultLines(file, { end: keep - 1 })) {
      if (typeof line?.path !== 'string') continue; // not ours (or not JSON): never treated as done
      state.lines++;
      if (lineFailed(line)) state.failed++;
      if (line.sha256) {
        const list = state.done.get(line.path) ?? [];
        list.push(line.sha256);
        state.done.set(line.path, list);
      }
    }
  }
  return state;
}

/** Writes one whole line (looping over short writes, which regular files rarely make). */
export function writeLine(fd, text) {
  const bytes = Buffer.from(text + '\n');
  let at = 0;
  while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
}

export function closeResults(fd) {
  try { fsyncSync(fd); } catch { /* stdout or a pipe */ }
  closeSync(fd);
}
