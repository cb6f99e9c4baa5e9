// The files a scan covers, in a stable order, produced lazily (an archive of
// millions of files is never listed into memory at once):
//  - INPUT arguments in the order given; a folder is walked recursively, each
//    folder's entries sorted by name, so one folder's files come in path order
//    (component by component: the order tools/dask_scan.py gathers in);
//  - "-" reads a newline-separated list of paths from standard input;
//  - symbolic links inside a folder are followed only to files inside the
//    same tree (a link to a folder is not followed: its target is walked
//    where it really is, so nothing is scanned twice and no loop exists);
//  - --shard I/N keeps the files whose path hashes to I (mod N).
import { createHash } from 'node:crypto';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** "I/N" -> {index, count}; null when it is not of that form (0 <= I < N). */
export function parseShard(text) {
  const m = /^(\d+)\/(\d+)$/.exec(String(text ?? ''));
  if (!m) return null;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1) || index >= count) return null;
  return { index, count };
}

/**
 * The shard a path belongs to: the first 8 bytes of sha256(path) modulo N.
 * Deterministic on every machine, so N copies of one command split any input.
 */
export function shardOf(filePath, count) {
  const digest = createHash('sha256').update(filePath).digest();
  return Number(digest.readBigUInt64BE(0) % BigInt(count));
}

const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function inside(root, target) {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Every regular file under `folder`, depth first, entries sorted by name. */
async function* walk(folder, rootReal, notes) {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (err) {
    yield { path: folder, error: { code: 'unreadable', message: `cannot list the folder ${folder} (${err.code ?? err.message})` } };
    return;
  }
  entries.sort(byName);
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      yield* walk(full, rootReal, notes);
    } else if (entry.isFile()) {
      yield { path: full };
    } else if (entry.isSymbolicLink()) {
      let target;
      try {
        target = await realpath(full);
      } catch (err) {
        notes.skipped('broken symbolic link', full);
        continue;
      }
      if (!inside(rootReal, target)) {
        notes.skipped('symbolic link out of the tree', full);
        continue;
      }
      const info = await stat(target).catch(() => null);
      if (info?.isFile()) yield { path: full };
      else notes.skipped(info?.isDirectory() ? 'symbolic link to a folder (walked where it is)' : 'symbolic link to a special file', full);
    } else {
      notes.skipped('not a regular file (device, socket or pipe)', full);
    }
  }
}

async function* stdinList(input) {
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    const file = line.trim() ? line.replace(/\r$/, '') : '';
    if (file) yield { path: file };
  }
}

/**
 * @param {string[]} inputs files, folders or "-"
 * @param {{shard?: {index, count}|null, stdin?: NodeJS.ReadableStream, onSkip?: (why, path) => void}} options
 * @returns {AsyncGenerator<{path: string, error?: {code, message}}>}
 *   an entry with `error` is an input that cannot be scanned (missing, unlistable)
 */
export async function* scanInputs(inputs, { shard = null, stdin = null, onSkip = () => {} } = {}) {
  const notes = { skipped: onSkip };
  const keep = (p) => !shard || shardOf(p, shard.count) === shard.index;
  for (const input of inputs) {
    if (input === '-') {
      for await (const item of stdinList(stdin ?? process.stdin)) yield* expand(item.path, notes, keep);
      continue;
    }
    yield* expand(input, notes, keep);
  }
}

/** One named path: a file (followed if it is a link: the user named it), or a folder to walk. */
async function* expand(input, notes, keep) {
  let info;
  try {
    info = await stat(input);
  } catch (err) {
    if (keep(input)) {
      const missing = err.code === 'ENOENT' || err.code === 'ENOTDIR';
      yield { path: input, error: { code: missing ? 'not_found' : 'unreadable', message: `cannot open ${input} (${err.code ?? err.message})` } };
    }
    return;
  }
  if (info.isDirectory()) {
    const rootReal = await realpath(input);
    for await (const item of walk(input, rootReal, notes)) if (keep(item.path)) yield item;
  } else if (keep(input)) {
    // Named explicitly: a special file gets an error line rather than being read.
    yield info.isFile() ? { path: input } : { path: input, error: { code: 'unreadable', message: `${input} is not a regular file` } };
  }
}

